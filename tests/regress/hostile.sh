#!/bin/sh
# Hostile peers and certificates built to trick, through the real binary.
#
# Each case runs one --once round of two targets, the hostile endpoint and
# a healthy one, with timeout = 2 (each run killed after 20 s, should it
# hang): the hostile endpoint gets its exact
# CONTRACT.md section 5 findings, the round ends within the timeout (wall
# < timeout + 1 s), and the healthy endpoint is still ok with no finding.
# Then one round of every case at once must end in about the timeout
# (wall < timeout + 2 s) with every verdict unchanged; its JSON document
# must be valid UTF-8, its human report and the daemon's result lines
# (-f mirrors them to stderr) one printable line each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary

TIMEOUT=2
FX=$T/fx
fixture_start "$FX" compliant silent trickle close rst http garbage alert \
    stall stall-cert ticket-flood hello-flood require-cert closed chain100 bigleaf scrambled nul-san ip-san \
    wildcard wild-com wild-all hostile-names hostile-utf8 hugeleaf \
    deepchain || {
	tap_not_ok "fixture servers start"
	tap_done
}

SANS='"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"'

# The healthy endpoint every round also probes: all checks on.
HEALTHY="{ name = \"healthy\"; host = \"sip.contoso.com\";
    pool = [\"127.0.0.1\"]; ports = [$(fixture_port "$FX" compliant)];
    subject = \"sip.contoso.com\"; san = [$SANS]; public_im = true; }"

# target CASE: the configuration entry of one case (name = CASE).
target() {
	_host=sip.contoso.com _sc=$1 _pool='pool = ["127.0.0.1"];'
	case "$1" in
	wild-ab)	_host=a.b.contoso.com _sc=wildcard ;;
	wild-bare)	_host=contoso.com _sc=wildcard ;;
	ip-sni)		_host=127.0.0.1 _sc=ip-san _pool= ;;
	esac
	echo "{ name = \"$1\"; host = \"$_host\"; $_pool" \
	    "ports = [$(fixture_port "$FX" "$_sc")]; }"
}

# conf FILE CASE...: timeout 2, the cases, then the healthy endpoint.
conf() {
	_f=$1
	shift
	{
		echo "timeout = $TIMEOUT; interval = 1; ca_file = \"$FX/ca.pem\";"
		echo "targets = ("
		for _c in "$@"; do
			target "$_c"
			echo ","
		done
		echo "$HEALTHY );"
	} >"$_f"
}

# now_ms: milliseconds of the wall clock.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# codes CASE: the sorted "CODE:severity" list of CASE's result, as jq text.
codes() {
	echo "[.results[] | select(.target == \"$1\") | .findings[] |
	    .code + \":\" + .severity] | sort"
}

# R CASE: jq text selecting CASE's result.
R() {
	echo ".results[] | select(.target == \"$1\")"
}

# Healthy: the healthy endpoint's exact verdict in a document.
HEALTHY_OK="$(R healthy)"' | .status == "ok" and .findings == [] and
    (.chain | length) == 2 and .days_left == 365'

# check NAME FILE WANT_RC RC JQ...: one case: exit status and expressions.
check() {
	_name=$1 _file=$2 _want=$3 _rc=$4
	shift 4
	if [ "$_rc" -ne "$_want" ]; then
		tap_not_ok "$_name" "exit status $_rc, want $_want"
		tap_diag "$_file" json
		return 1
	fi
	for _e in "$@"; do
		if ! jq -e "$_e" "$_file" >/dev/null 2>&1; then
			tap_not_ok "$_name" "jq -e '$_e' is false"
			tap_diag "$_file" json
			return 1
		fi
	done
	tap_ok "$_name"
}

# one CASE WANT_RC FINDINGS JQ...: a round of CASE + healthy; FINDINGS is
# the exact sorted list as jq text, e.g. '["TIMEOUT:critical"]'.
one() {
	_case=$1 _want=$2 _fd=$3
	shift 3
	conf "$T/$_case.conf" "$_case"
	_t0=$(now_ms)
	timeout -k 1 20 "$EDGEPROBE" -c "$T/$_case.conf" --once --json \
	    >"$T/$_case.json" \
	    2>"$T/$_case.err"
	_rc=$?
	_ms=$(($(now_ms) - _t0))
	if [ "$_ms" -ge $((TIMEOUT * 1000 + 1000)) ]; then
		tap_not_ok "$_case: ends within the timeout" \
		    "the round took $_ms ms, timeout $TIMEOUT s"
		return
	fi
	_list=$(echo "$_fd" | tr -d '[]"')
	check "$_case: ${_list:-no finding}, healthy ok, within the timeout" \
	    "$T/$_case.json" "$_want" "$_rc" \
	    "$(codes "$_case") == $_fd" "$HEALTHY_OK" \
	    '[.results[] | .target] == ["'"$_case"'", "healthy"]' "$@" &&
	    echo "# $_case: round of 2 endpoints in $_ms ms"
}

NOCERT='.chain == [] and .tls == null and .days_left == null'

# Hostile peers.
one silent 2 '["TIMEOUT:critical"]' "$(R silent) | $NOCERT" \
    "$(R silent)"'.findings[0].message | test("no certificate received")'
one trickle 2 '["TIMEOUT:critical"]' "$(R trickle) | $NOCERT"
one stall 2 '["TIMEOUT:critical"]' "$(R stall) | $NOCERT"
# A stall after the Certificate: TIMEOUT, and the chain is still judged.
one stall-cert 2 '["TIMEOUT:critical"]' \
    "$(R stall-cert)"' | (.chain | length) == 2 and .days_left == 365' \
    "$(R stall-cert)"'.tls.version == "TLSv1.2"' \
    "$(R stall-cert)"'.findings[0].message | test("stalled after the certificate")'
# TLS 1.3, a CertificateRequest, then session tickets without end: the
# one second the probe waits for a refusal ends it, and it is no refusal.
one ticket-flood 0 '[]' \
    "$(R ticket-flood)"' | .tls.client_cert_requested and .tls.version == "TLSv1.3"' \
    "$(R ticket-flood)"' | (.chain | length) == 2 and .handshake_ms < 2000'
# HelloRequest messages without end, which OpenSSL skips in a loop as long
# as bytes keep coming: the deadline must still end the probe, and the
# loop must still serve the healthy endpoint.
one hello-flood 2 '["TIMEOUT:critical"]' "$(R hello-flood) | $NOCERT"
one close 2 '["HANDSHAKE_FAILED:critical"]' "$(R close) | $NOCERT" \
    "$(R close)"'.findings[0].message | test("closed the connection")'
one rst 2 '["HANDSHAKE_FAILED:critical"]' "$(R rst) | $NOCERT" \
    "$(R rst)"'.findings[0].message | test("reset")'
one http 2 '["HANDSHAKE_FAILED:critical"]' "$(R http) | $NOCERT" \
    "$(R http)"'.findings[0].message | test("does not speak TLS")'
one garbage 2 '["HANDSHAKE_FAILED:critical"]' "$(R garbage) | $NOCERT"
one alert 2 '["HANDSHAKE_FAILED:critical"]' "$(R alert) | $NOCERT" \
    "$(R alert)"'.findings[0].message | test("fatal TLS alert: handshake failure")'
one closed 2 '["CONNECT_FAILED:critical"]' "$(R closed) | $NOCERT"

# Hostile chains. The chain is shown as sent, capped at 64 certificates.
one chain100 0 '[]' "$(R chain100)"' | (.chain | length) == 64' \
    "$(R chain100)"'.chain[0].subject == "CN=sip.contoso.com,O=Contoso"' \
    "$(R chain100)"'.chain[1].subject == "CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI"' \
    "$(R chain100)"'.chain[2].subject == "CN=EdgeProbe Junk CA 1,O=EdgeProbe Junk"' \
    "$(R chain100)"'.chain[63].subject == "CN=EdgeProbe Junk CA 62,O=EdgeProbe Junk"'
one bigleaf 0 '[]' "$(R bigleaf)"' | (.chain | length) == 2' \
    "$(R bigleaf)"'.chain[0].san | length == 3003' \
    "$(R bigleaf)"'.chain[0].san[3002] == "edge-3000.pool.contoso.com"'
one scrambled 0 '[]' \
    "[$(R scrambled) | .chain[].subject] == [\"CN=sip.contoso.com,O=Contoso\", \"CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI\", \"CN=EdgeProbe Test Issuing CA,O=EdgeProbe Test PKI\"]" \
    "$(R scrambled)"'.chain[0].issuer == "CN=EdgeProbe Test Issuing CA,O=EdgeProbe Test PKI"'

# A certificate list over the probe's 256 KiB bound: refused, at once.
one hugeleaf 2 '["HANDSHAKE_FAILED:critical"]' "$(R hugeleaf) | $NOCERT" \
    "$(R hugeleaf)"'.findings[0].message | test("excessive message size")'
# 100 certificates that do chain to the root: the engine keeps the first
# 64 (PROBE_MAX_CHAIN), and the path from the 64th up is missing. Critical,
# as any 100-certificate chain deserves, and the message says the issuer
# is beyond the 64 certificates judged, not that it was never sent.
one deepchain 2 '["CHAIN_INCOMPLETE:critical"]' \
    "$(R deepchain)"' | (.chain | length) == 64' \
    "$(R deepchain)"'.chain[1].subject == "CN=EdgeProbe Ladder CA 98,O=EdgeProbe Test PKI"' \
    "$(R deepchain)"'.chain[63].subject == "CN=EdgeProbe Ladder CA 36,O=EdgeProbe Test PKI"' \
    "$(R deepchain)"'.findings[0].message | test("Ladder CA 35")' \
    "$(R deepchain)"'.findings[0].message | test("first 64 of the 100 certificates the server sent")' \
    "$(R deepchain)"'.findings[0].message | test("neither sent") | not'

# Certificates built to trick.
one nul-san 2 '["HOSTNAME_MISMATCH:critical", "NONCONFORMANT:warning", "SAN_ORDER:info", "SUBJECT_NOT_IN_SAN:critical"]' \
    "$(R nul-san)"'.chain[0].san == ["sip.contoso.com\\x00.evil.com"]'
one ip-san 2 '["HOSTNAME_MISMATCH:critical", "SUBJECT_NOT_IN_SAN:critical"]' \
    "$(R ip-san)"'.chain[0].san == []'
one ip-sni 2 '["HOSTNAME_MISMATCH:critical", "SUBJECT_NOT_IN_SAN:critical"]' \
    "$(R ip-sni)"'.sni == "127.0.0.1"'
one wildcard 1 '["WILDCARD_SUBJECT:warning"]' \
    "$(R wildcard)"'.chain[0].san == ["*.contoso.com"]'
one wild-ab 2 '["HOSTNAME_MISMATCH:critical", "WILDCARD_SUBJECT:warning"]' \
    "$(R wild-ab)"'.sni == "a.b.contoso.com"'
one wild-bare 2 '["HOSTNAME_MISMATCH:critical", "WILDCARD_SUBJECT:warning"]' \
    "$(R wild-bare)"'.sni == "contoso.com"'
one wild-com 2 '["HOSTNAME_MISMATCH:critical", "NONCONFORMANT:warning", "WILDCARD_SUBJECT:warning"]' \
    "$(R wild-com)"'.chain[0].san == ["*.com"]' \
    "$(R wild-com)"' | .findings[] | select(.code == "NONCONFORMANT") | .message | contains("breaks BR 3.2.2.6 (rule wildcard-public-suffix): its DNS SAN \"*.com\" is a wildcard over the public suffix com; ")'
one wild-all 2 '["HOSTNAME_MISMATCH:critical", "NONCONFORMANT:warning", "WILDCARD_SUBJECT:warning"]' \
    "$(R wild-all)"'.chain[0].san == ["*"]'
one hostile-names 2 '["NONCONFORMANT:warning", "SAN_ORDER:info", "SUBJECT_NOT_IN_SAN:critical"]' \
    "$(R hostile-names)"'.chain[0].subject == "CN=sip\\1B[31m\\0D\\0Ax=\\\"1\\\"\\\\\\C3\\BF\\C3\\BEevil,O=Contoso"' \
    "$(R hostile-names)"'.chain[0].san[3] == "edge\\x0d\\x0amsg=\"x\" \\x80\\xff\\x00z.contoso.com"'
one hostile-utf8 2 '["SAN_ORDER:info", "SUBJECT_NOT_IN_SAN:critical"]' \
    "$(R hostile-utf8)"'.chain[0].subject == "CN=sip\\00\\07\\7F.\\E2\\80\\AEmoc.osotnoc\\0Aend,O=Contoso"'

# Every case in one round: the deadline is per probe, so the round takes
# about the timeout, and no verdict depends on what else is in flight.
ALL="silent trickle stall stall-cert ticket-flood hello-flood close rst http garbage alert closed require-cert
    chain100 bigleaf scrambled nul-san ip-san ip-sni wildcard wild-ab
    wild-bare wild-com wild-all hostile-names hostile-utf8 hugeleaf
    deepchain"
# shellcheck disable=SC2086
conf "$T/all.conf" $ALL
t0=$(now_ms)
timeout -k 1 20 "$EDGEPROBE" -c "$T/all.conf" --once --json >"$T/all.json" \
    2>"$T/all.err"
rc=$?
ms=$(($(now_ms) - t0))
if [ "$ms" -lt $((TIMEOUT * 1000 + 2000)) ]; then
	tap_ok "one round of every hostile endpoint + healthy ends in about the timeout"
	echo "# $(echo $ALL | wc -w) hostile endpoints + healthy: $ms ms (timeout $TIMEOUT s)"
else
	tap_not_ok "one round of every hostile endpoint ends in about the timeout" \
	    "$ms ms, want < $((TIMEOUT * 1000 + 2000))"
fi
check "one round: every verdict as alone, healthy ok" "$T/all.json" 2 "$rc" \
    "$HEALTHY_OK" '.status == "critical"' '.results | length == 29' \
    "$(codes silent) == [\"TIMEOUT:critical\"]" \
    "$(codes trickle) == [\"TIMEOUT:critical\"]" \
    "$(codes stall) == [\"TIMEOUT:critical\"]" \
    "$(codes stall-cert) == [\"TIMEOUT:critical\"]" \
    "$(codes ticket-flood) == []" \
    "$(codes hello-flood) == [\"TIMEOUT:critical\"]" \
    "$(codes close) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes rst) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes http) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes garbage) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes alert) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes closed) == [\"CONNECT_FAILED:critical\"]" \
    "$(codes require-cert) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(R require-cert)"' | (.chain | length) == 2 and .tls.client_cert_requested' \
    "$(codes chain100) == []" "$(R chain100)"' | (.chain | length) == 64' \
    "$(codes bigleaf) == []" "$(codes scrambled) == []" \
    "$(codes hugeleaf) == [\"HANDSHAKE_FAILED:critical\"]" \
    "$(codes deepchain) == [\"CHAIN_INCOMPLETE:critical\"]" \
    "$(codes nul-san) == [\"HOSTNAME_MISMATCH:critical\", \"NONCONFORMANT:warning\", \"SAN_ORDER:info\", \"SUBJECT_NOT_IN_SAN:critical\"]" \
    "$(codes ip-san) == [\"HOSTNAME_MISMATCH:critical\", \"SUBJECT_NOT_IN_SAN:critical\"]" \
    "$(codes ip-sni) == [\"HOSTNAME_MISMATCH:critical\", \"SUBJECT_NOT_IN_SAN:critical\"]" \
    "$(codes wildcard) == [\"WILDCARD_SUBJECT:warning\"]" \
    "$(codes wild-ab) == [\"HOSTNAME_MISMATCH:critical\", \"WILDCARD_SUBJECT:warning\"]" \
    "$(codes wild-bare) == [\"HOSTNAME_MISMATCH:critical\", \"WILDCARD_SUBJECT:warning\"]" \
    "$(codes wild-com) == [\"HOSTNAME_MISMATCH:critical\", \"NONCONFORMANT:warning\", \"WILDCARD_SUBJECT:warning\"]" \
    "$(codes wild-all) == [\"HOSTNAME_MISMATCH:critical\", \"NONCONFORMANT:warning\", \"WILDCARD_SUBJECT:warning\"]" \
    "$(codes hostile-names) == [\"NONCONFORMANT:warning\", \"SAN_ORDER:info\", \"SUBJECT_NOT_IN_SAN:critical\"]" \
    "$(codes hostile-utf8) == [\"SAN_ORDER:info\", \"SUBJECT_NOT_IN_SAN:critical\"]"

# Whatever bytes the certificates carry, the document is valid UTF-8 JSON.
if jq -e . "$T/all.json" >/dev/null 2>&1 &&
    iconv -f UTF-8 -t UTF-8 "$T/all.json" >/dev/null 2>&1; then
	tap_ok "JSON of hostile names: jq parses it, valid UTF-8"
else
	tap_not_ok "JSON of hostile names: jq parses it, valid UTF-8"
fi

# printable FILE: every line only printable ASCII (no ESC, CR, NUL, 8-bit).
printable() {
	! LC_ALL=C grep -q '[^ -~]' "$1"
}

# The human report: a line per endpoint, a line per non-info finding, one
# summary line; nothing a terminal would interpret.
timeout -k 1 20 "$EDGEPROBE" -c "$T/all.conf" --once >"$T/all.txt" \
    2>"$T/all.txt.err"
rc=$?
want=$(jq '[.results[] | 1 + ([.findings[] | select(.severity != "info")] |
    length)] | add + 1' "$T/all.json")
got=$(wc -l <"$T/all.txt")
if [ "$rc" -eq 2 ] && [ "$got" -eq "$want" ] && printable "$T/all.txt" &&
    [ "$(grep -c '^[A-Z]' "$T/all.txt")" -eq 29 ]; then
	tap_ok "human report of hostile names: $got lines, each one line, printable"
else
	tap_not_ok "human report of hostile names: one line each, printable" \
	    "exit $rc, $got lines, want $want"
	tap_diag "$T/all.txt"
fi

# The daemon's result lines (-f mirrors them to stderr): each one line of
# the contract's keys, in order, whatever the certificate holds.
conf "$T/daemon.conf" hostile-names hostile-utf8 nul-san
: >"$T/daemon.err"
"$EDGEPROBE" -c "$T/daemon.conf" -f </dev/null >/dev/null 2>>"$T/daemon.err" &
dpid=$!
i=0
# Two rounds (8 result lines) in 10 s at most; the file exists before the
# daemon starts, so that no count is taken of a file not yet there.
while [ "$(grep -c '^target=' "$T/daemon.err")" -lt 8 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$dpid" 2>/dev/null
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$dpid" 2>/dev/null; then
	tap_not_ok "the daemon stops on SIGTERM" "still running 5 s later"
	grep '^event=' "$T/daemon.err" | sed 's/^/# /'
	kill -KILL "$dpid" 2>/dev/null
fi
wait "$dpid"
drc=$?
LINE='^target=[^ ]+ host=[^ ]+ address=[^ ]+ port=[0-9]+ status=(ok|warning|critical) days_left=-?[0-9]+ sha256=[0-9a-f]{64} findings=([A-Z_]+(,[A-Z_]+)*|-) msg=("([^"\\]|\\.)*"|-)$'
n=$(grep -c '^target=' "$T/daemon.err")
good=$(grep -cE "$LINE" "$T/daemon.err")
other=$(grep -cvE '^(target=|event=)' "$T/daemon.err")
if [ "$drc" -eq 0 ] && [ "$n" -ge 8 ] && [ "$good" -eq "$n" ] &&
    [ "$other" -eq 0 ] && printable "$T/daemon.err" &&
    grep -q 'target=hostile-names .* findings=SUBJECT_NOT_IN_SAN,NONCONFORMANT msg="leaf CN=sip\\\\1B\[31m\\\\0D\\\\0Ax=' "$T/daemon.err" &&
    grep -q 'target=nul-san .* findings=HOSTNAME_MISMATCH,SUBJECT_NOT_IN_SAN,NONCONFORMANT msg=' "$T/daemon.err" &&
    grep -q 'target=healthy .* status=ok .* findings=- msg=-$' "$T/daemon.err"; then
	tap_ok "daemon lines of hostile names: $n result lines, each one line of key=value"
else
	tap_not_ok "daemon lines of hostile names: each one line of key=value" \
	    "exit $drc, $n result lines, $good well formed, $other stray"
	tap_diag "$T/daemon.err"
fi

tap_done
