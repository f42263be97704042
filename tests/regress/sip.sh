#!/bin/sh
# SIP OPTIONS against servers that answer badly: a truncated answer, one
# whose head never ends, a flood of 100 Trying, an HTTP answer, silence,
# and a final 405 (which is fine: any final answer proves a SIP stack).
# The servers are tests/lib/sipanswer.py over real TLS on loopback.
. "$(dirname "$0")/lib.sh"

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_binary
P=$T/pki
tap_mint_files "$P"
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# serve MODE: start a sipanswer server; its port in PORT.
serve() {
	rm -f "$T/port.$1"
	python3 "$TOP/tests/lib/sipanswer.py" 127.0.0.1 0 "$P/server.pem" \
	    "$P/server.key" "$1" "$T/port.$1" 2>"$T/sa.$1.err" &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$T/port.$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(cat "$T/port.$1" 2>/dev/null)
}

# check MODE EXPECTED NAME: probe with --sip-options, compare
# "status sip.status codes exit".
check() {
	serve "$1"
	if [ -z "$PORT" ]; then
		tap_not_ok "$3" "sipanswer $1 did not start" \
		    "$(cat "$T/sa.$1.err")"
		return
	fi
	timeout 30 "$EDGEPROBE" probe "127.0.0.1:$PORT" --sni sip.contoso.com \
	    --ca-file "$P/ca.pem" --timeout 3 --sip-options --json \
	    >"$T/$1.json" 2>"$T/$1.err"
	rc=$?
	got=$(jq -r '.results[0] | "\(.status) \(.sip.status) \([.findings[].code] | join(","))"' \
	    "$T/$1.json" 2>/dev/null)
	if [ "$got $rc" = "$2" ]; then
		tap_ok "$3"
	else
		tap_not_ok "$3" "expected: $2" "actual:   $got $rc"
		tap_diag "$T/$1.json"
		tap_diag "$T/$1.err"
	fi
}

check ok "ok 405  0" \
    "a final 405: the stack answers, no finding"
check truncated "critical null SIP_NO_RESPONSE 2" \
    "a truncated answer, then close: SIP_NO_RESPONSE"
check oversized "critical null SIP_NO_RESPONSE 2" \
    "a head that never ends (64 KiB): cut at 16 KiB, SIP_NO_RESPONSE"
check flood "critical null SIP_NO_RESPONSE 2" \
    "100 Trying without end: cut at 16 KiB, SIP_NO_RESPONSE"
check http "critical null SIP_NO_RESPONSE 2" \
    "an HTTP answer: not SIP, SIP_NO_RESPONSE"
check silent "critical null SIP_NO_RESPONSE 2" \
    "silence: SIP_NO_RESPONSE at the deadline, not TIMEOUT"
msg=$(jq -r '.results[0].findings[0].message' "$T/silent.json" 2>/dev/null)
case "$msg" in
*"no final answer to OPTIONS within 3.000 s"*)
	tap_ok "silence: the message says how long we waited" ;;
*)	tap_not_ok "silence: the message says how long we waited" "$msg" ;;
esac
hs=$(jq -r '.results[0].handshake_ms < 3000' "$T/silent.json" 2>/dev/null)
[ "$hs" = true ] && tap_ok "silence: handshake_ms is the handshake's, not the wait" ||
    tap_not_ok "silence: handshake_ms is the handshake's, not the wait" "$hs"
msg=$(jq -r '.results[0].findings[0].message' "$T/http.json" 2>/dev/null)
case "$msg" in
*"is not SIP"*)	tap_ok "http: the message says the answer is not SIP" ;;
*)	tap_not_ok "http: the message says the answer is not SIP" "$msg" ;;
esac
tap_done
