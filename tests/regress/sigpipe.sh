#!/bin/sh
# A server that drops the connection with the ClientHello unread: OpenSSL's
# alert write then fails with EPIPE, and `edgeprobe probe` must report
# HANDSHAKE_FAILED (exit 2), not die of SIGPIPE (exit 141). The peer is
# `openssl s_server` with an empty stdin: it accepts, reads EOF on stdin
# and closes the connection at once. Three rounds, loopback only.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/atexit.sh"
tap_require_binary

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_tools "$EPFIXTURE" "$(command -v openssl)" "$(command -v jq)"
P=$T/pki
tap_mint_files "$EPFIXTURE" "$P"

SERVER=""
# stop_server: stop the s_server of the current round (also on exit).
stop_server() {
	[ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null
	SERVER=""
}
atexit stop_server

for round in 1 2 3; do
	openssl s_server -accept 127.0.0.1:0 -naccept 1 \
	    -cert "$P/server.pem" -key "$P/server.key" </dev/null \
	    >"$T/srv.$round" 2>&1 &
	SERVER=$!
	watchdog "$SERVER" 30
	PORT=""
	i=0
	while [ $i -lt 50 ] && [ -z "$PORT" ] && alive "$SERVER"; do
		PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$T/srv.$round")
		[ -z "$PORT" ] && sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$PORT" ]; then
		tap_not_ok "round $round: s_server listens" \
		    "$(cat "$T/srv.$round")"
		stop_server
		continue
	fi
	"$EDGEPROBE" probe "127.0.0.1:$PORT" --sni sip.contoso.com \
	    --ca-file "$P/ca.pem" --timeout 10 --json >"$T/out.$round" \
	    2>"$T/err.$round"
	tap_expect "round $round: exit 2, not killed by SIGPIPE" 2 "$?" \
	    "$T/err.$round"
	tap_expect "round $round: HANDSHAKE_FAILED alone" \
	    '["HANDSHAKE_FAILED"]' \
	    "$(jq -c '[.results[0].findings[].code]' "$T/out.$round" 2>&1)" \
	    "$T/out.$round"
	stop_server
done
tap_done
