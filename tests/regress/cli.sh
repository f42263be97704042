#!/bin/sh
# The command line: `probe HOST[:PORT]`, its options, and the exit statuses
# of CONTRACT.md section 2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary

FX=$T/fx
fixture_start "$FX" compliant noclient expiring compliant@::1 || {
	tap_not_ok "fixture servers start"
	tap_done
}
P=$(fixture_port "$FX" compliant 127.0.0.1)
P6=$(fixture_port "$FX" compliant ::1)
PN=$(fixture_port "$FX" noclient)
PE=$(fixture_port "$FX" expiring)

# run CASE WANT_RC ARGS...: the exit status of one command line.
run() {
	_case=$1 _want=$2
	shift 2
	"$EDGEPROBE" "$@" >"$T/out" 2>"$T/err"
	_rc=$?
	if [ $_rc -eq "$_want" ]; then
		tap_ok "$_case"
	else
		tap_not_ok "$_case" "exit status $_rc, want $_want"
		tap_diag "$T/out" stdout
		tap_diag "$T/err" stderr
	fi
}

# jqcase CASE EXPR: a jq -e expression over the last stdout.
jqcase() {
	if jq -e "$2" "$T/out" >/dev/null 2>&1; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "jq -e '$2' is false"
		tap_diag "$T/out" stdout
	fi
}

CA="--ca-file $FX/ca.pem"
SANS="--san sip.contoso.com --san webcon.contoso.com --san sip.fabrikam.com"

run "probe: compliant Edge, exit 0" 0 probe "127.0.0.1:$P" \
    --sni sip.contoso.com $CA --public-im $SANS --subject sip.contoso.com --json
jqcase "probe --json: target = HOST, the --once document" \
    '.version == 1 and .status == "ok" and (.results | length == 1) and .results[0].target == "127.0.0.1" and .results[0].host == "127.0.0.1" and .results[0].address == "127.0.0.1" and .results[0].port == '"$P"' and .results[0].sni == "sip.contoso.com" and .results[0].findings == []'

run "probe --connect: HOST names the SNI, ADDR is probed" 0 probe \
    "sip.contoso.com:$P" --connect 127.0.0.1 $CA --public-im $SANS --json
jqcase "probe --connect: address and sni" \
    '.results[0].target == "sip.contoso.com" and .results[0].address == "127.0.0.1" and .results[0].sni == "sip.contoso.com" and .results[0].status == "ok"'

run "probe [::1]:PORT: IPv6 literal" 2 probe "[::1]:$P6" $CA --json
jqcase "probe [::1]: address ::1, SNI is not an IP literal match" \
    '.results[0].address == "::1" and ([.results[0].findings[].code] == ["HOSTNAME_MISMATCH"])'

run "probe: renewal without clientAuth under --public-im, exit 2" 2 probe \
    "127.0.0.1:$PN" --sni sip.contoso.com $CA --public-im --json
jqcase "probe: CLIENT_EKU_MISSING critical" \
    '[.results[0].findings[] | .code + ":" + .severity] == ["CLIENT_EKU_MISSING:critical"]'

run "probe: expiring in 5 days with --crit-days 2 --warn-days 10: exit 1" 1 \
    probe "127.0.0.1:$PE" --sni sip.contoso.com $CA --crit-days 2 --warn-days 10
run "probe: --san naming a missing SAN: exit 2" 2 probe "127.0.0.1:$P" \
    --sni sip.contoso.com $CA --san sip.northwind.com
run "probe: --subject mismatch: exit 2" 2 probe "127.0.0.1:$P" \
    --sni sip.contoso.com $CA --subject sip.northwind.com
run "probe: untrusted without --ca-file (system store): exit 2" 2 probe \
    "127.0.0.1:$P" --sni sip.contoso.com --json
jqcase "probe: system store does not trust the test root" \
    '[.results[0].findings[].code] == ["CHAIN_INCOMPLETE"]'

run "probe without HOST: exit 3" 3 probe
run "probe: port 0: exit 3" 3 probe 127.0.0.1:0
run "probe: port 65536: exit 3" 3 probe 127.0.0.1:65536
run "probe: port not a number: exit 3" 3 probe 127.0.0.1:https
run "probe: unknown option: exit 3" 3 probe 127.0.0.1 --frobnicate
run "probe: two hosts: exit 3" 3 probe 127.0.0.1 127.0.0.2
run "probe: --timeout 0: exit 3" 3 probe 127.0.0.1 --timeout 0
run "probe: --warn-days below --crit-days: exit 3" 3 probe 127.0.0.1 \
    --warn-days 3 --crit-days 7
run "probe: unreadable --ca-file: exit 3" 3 probe "127.0.0.1:$P" \
    --ca-file "$T/nonexistent.pem"
run "unknown option: exit 3" 3 --frobnicate
run "--once without a readable file: exit 3" 3 -c "$T/nonexistent.conf" --once
run "--json without --once: exit 3" 3 --json
run "--version: exit 0" 0 --version
if grep -q '^edgeprobe [0-9]' "$T/out"; then tap_ok "--version prints the version"
else tap_not_ok "--version prints the version"; tap_diag "$T/out"; fi
run "--help: exit 0" 0 --help
if grep -q 'probe HOST\[:PORT\]' "$T/out"; then tap_ok "--help prints the synopsis"
else tap_not_ok "--help prints the synopsis"; tap_diag "$T/out"; fi

tap_done
