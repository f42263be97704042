#!/bin/sh
# SIGHUP: a valid file takes effect at once (a new target is probed, a
# removed one forgotten with a NOTICE, the endpoints that stay keep their
# state so no false status change is logged, the trust store is read
# again); an invalid file is rejected with one LOG_ERR line per
# FILE:LINE error and the running configuration goes on. systemd hears
# RELOADING=1 then READY=1 around each reload.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

A=$T/fxa
B=$T/fxb
# One after the other: a fixture started in a background subshell would
# not be in DL_PIDS, and would outlive the test.
if ! dl_fixture "$B" compliant || ! dl_fixture "$A" compliant expiring; then
	tap_not_ok "epfixture starts" "$(cat "$A.log" "$B.log")"
	tap_done
fi
PA=$(dl_port "$A" compliant)
PB=$(dl_port "$A" expiring)
C=$T/edgeprobe.conf

# conf CA_FILE WITH_B: write the configuration.
conf() {
	{
		echo "interval = 1;"
		echo "timeout = 2;"
		echo "ca_file = \"$1\";"
		echo "syslog = { ident = \"$DL_IDENT\"; facility = \"local3\"; };"
		echo "targets = ("
		echo "  { name = \"a\"; host = \"127.0.0.1\";"
		echo "    sni = \"sip.contoso.com\"; ports = [$PA]; }"
		[ "$2" = yes ] && {
			echo "  , { name = \"b\"; host = \"127.0.0.1\";"
			echo "    sni = \"sip.contoso.com\"; ports = [$PB];"
			echo "    crit_days = 3; }"
		}
		echo ");"
	} >"$C.tmp"
	mv "$C.tmp" "$C"
}
A_LINE="158 target=a host=127.0.0.1 address=127.0.0.1 port=$PA status=ok days_left=365 sha256=$(dl_sha "$A" compliant) findings=- msg=-"
NEVENTS='event=(status|cert)_change'

conf "$A/ca.pem" no
dl_start "$C"
dl_check "target a is probed" dl_wait "^158 target=a " 2 10

# A good file with a new target.
conf "$A/ca.pem" yes
kill -HUP "$DL_PID"
dl_check "after SIGHUP, the new target b is probed" \
    dl_wait "^156 target=b .*status=warning" 2 10
dl_expect "the reload is logged" \
    "157 event=reload file=$C targets=2" "$(dl_lines | grep 'event=reload')"
na=$(dl_count "^158 target=a ")
dl_check "target a goes on" dl_wait "^158 target=a " $((na + 2)) 10
dl_expect "no false status or certificate change" 0 "$(dl_count "$NEVENTS")"
bad=$(dl_lines | grep "^[0-9]* target=a " | grep -vxF -- "$A_LINE" | head -n 1)
dl_expect "every line of a is the same OK line" "" "$bad"

# A broken file: two errors, each logged with its FILE:LINE.
cat >"$C" <<EOF
interval = 1;
bogus = 3;
targets = (
  { name = "a"; ports = [$PA]; }
);
EOF
"$EDGEPROBE" -c "$C" --check-config >/dev/null 2>"$T/errors"
nerr=$(wc -l <"$T/errors")
na=$(dl_count "^158 target=a ")
nb=$(dl_count "^156 target=b ")
kill -HUP "$DL_PID"
dl_check "the invalid file is rejected" dl_wait "event=reload_failed" 1 10
dl_lines | grep '^155 ' | grep -v 'event=reload_failed' |
    grep -v '^155 target=' >"$T/logged"
sed 's/^/155 /' "$T/errors" >"$T/errors155"
if [ "$nerr" -ge 2 ] && grep -q "^$C:2: " "$T/errors" &&
    grep -q "^$C:4: " "$T/errors" && cmp -s "$T/errors155" "$T/logged"; then
	tap_ok "each FILE:LINE error is one LOG_ERR line ($nerr errors)"
else
	tap_not_ok "each FILE:LINE error is one LOG_ERR line"
	tap_diag "$T/errors155" expected
	tap_diag "$T/logged" actual
fi
dl_expect "then one reload_failed line" \
    "155 event=reload_failed file=$C msg=\"configuration not valid, the running one is kept\"" \
    "$(dl_lines | grep 'event=reload_failed')"
dl_check "the old configuration keeps running: a is probed" \
    dl_wait "^158 target=a " $((na + 2)) 10
dl_check "the old configuration keeps running: b is probed" \
    dl_wait "^156 target=b " $((nb + 2)) 10

# A good file without b: b is forgotten.
conf "$A/ca.pem" no
kill -HUP "$DL_PID"
dl_check "b is forgotten with a NOTICE" dl_wait "event=endpoint_removed" 1 10
dl_expect "the endpoint_removed line is exact" \
    "157 event=endpoint_removed target=b host=127.0.0.1 address=127.0.0.1 port=$PB" \
    "$(dl_lines | grep 'event=endpoint_removed')"
na=$(dl_count "^158 target=a ")
dl_wait "^158 target=a " $((na + 2)) 10
dl_expect "no line of b after it" "" \
    "$(dl_lines | sed -n '/event=endpoint_removed/,$p' | grep '^[0-9]* target=b ')"
dl_expect "still no false change" 0 "$(dl_count "$NEVENTS")"

# The trust store is read again: another root makes a's chain incomplete.
conf "$B/ca.pem" no
kill -HUP "$DL_PID"
dl_check "with another trust store, a turns critical" \
    dl_wait "^155 target=a .*findings=CHAIN_INCOMPLETE" 1 10
dl_expect "a real change is logged, once" \
    "157 event=status_change target=a host=127.0.0.1 address=127.0.0.1 port=$PA from=ok to=critical findings=CHAIN_INCOMPLETE" \
    "$(dl_lines | grep -E "$NEVENTS")"

dl_stop TERM
dl_expect "exit status 0" 0 "$DL_RC"
dl_expect "notify: READY=1 at start and after each of the 4 reloads" \
    "READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 STOPPING=1" \
    "$(grep -E '^(READY|RELOADING|STOPPING)=1$' "$T/notify" | paste -sd' ')"
tap_done
