#!/bin/sh
# A server that offers only anonymous cipher suites (TLS 1.2, aNULL) presents
# no certificate. The client used to accept such a suite at security level
# 0, complete the handshake with nothing captured and report the endpoint
# OK, exit 0 (found by test_conform's probe twins: a leaf key the server
# cannot sign with made both ends fall back to ADH). Now the client offers
# no aNULL/eNULL suite and a handshake without a certificate is never OK:
# HANDSHAKE_FAILED, critical, exit 2. Peer: `openssl s_server -nocert`.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/atexit.sh"
tap_require_binary

SERVER=""
stop_server() {
	[ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null
	SERVER=""
}
atexit stop_server

# The server proves it would do an anonymous handshake: s_client with an
# aNULL suite completes against it (else this test could not fail).
start_server() {
	# Its stdin is a FIFO this shell holds open: at EOF on stdin s_server
	# would drop each connection, and no helper process is left behind.
	openssl s_server -accept 127.0.0.1:0 -naccept "$1" -nocert -tls1_2 \
	    -cipher 'aNULL:@SECLEVEL=0' <"$T/stdin" >"$T/srv" 2>&1 &
	SERVER=$!
	watchdog "$SERVER" 30
	PORT=""
	i=0
	while [ $i -lt 50 ] && [ -z "$PORT" ] && alive "$SERVER"; do
		PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/srv")
		[ -z "$PORT" ] && sleep 0.1
		i=$((i + 1))
	done
	[ -n "$PORT" ]
}

mkfifo "$T/stdin"
exec 3<>"$T/stdin"
if ! start_server 2; then
	tap_not_ok "s_server listens" "$(cat "$T/srv")"
	tap_done
fi
echo | openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
    -cipher 'aNULL:@SECLEVEL=0' >"$T/cli" 2>&1
tap_expect "the server completes an anonymous handshake with s_client" \
    "ADH-AES256-GCM-SHA384" \
    "$(sed -n 's/^ *Cipher *: *//p' "$T/cli" | head -n 1)" "$T/cli"

"$EDGEPROBE" probe "127.0.0.1:$PORT" --sni sip.contoso.com --timeout 10 \
    --json >"$T/out" 2>"$T/err"
tap_expect "edgeprobe: exit 2" 2 "$?" "$T/err" "$T/out"
tap_expect "HANDSHAKE_FAILED alone, critical, no certificate" \
    'critical ["HANDSHAKE_FAILED"] 0' \
    "$(jq -r '.results[0] | "\(.status) \([.findings[].code] | tojson) \(.chain | length)"' "$T/out" 2>&1)" \
    "$T/out"
stop_server
tap_done
