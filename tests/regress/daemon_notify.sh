#!/bin/sh
# systemd notification (sd_notify, Type=notify): READY=1 once the
# configuration is loaded, STATUS= with a one-line summary kept up to date,
# WATCHDOG=1 at half of WATCHDOG_USEC (none without it), STOPPING=1.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

F=$T/fx
if ! dl_fixture "$F" compliant expiring closed; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
cat >"$T/edgeprobe.conf" <<EOF
interval = 1;
timeout = 2;
ca_file = "$F/ca.pem";
syslog = { ident = "$DL_IDENT"; };
targets = (
  { name = "edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$(dl_port "$F" compliant), $(dl_port "$F" expiring),
             $(dl_port "$F" closed)];
    crit_days = 3; }
);
EOF

DL_ENV="WATCHDOG_USEC=400000"
dl_start "$T/edgeprobe.conf"
dl_check "two rounds" dl_wait "^[0-9]+ target=edge .*status=warning" 2 10
dl_sleep 2
dl_stop TERM
dl_expect "exit status 0" 0 "$DL_RC"
dl_expect "READY=1 is the first message" "READY=1" "$(head -n 1 "$T/notify")"
dl_expect "STATUS= says how many endpoints and how many are bad, on change" \
    "STATUS=0 endpoints, 0 critical, 0 warning|STATUS=3 endpoints, 1 critical, 1 warning" \
    "$(grep '^STATUS=' "$T/notify" | paste -sd'|')"
dl_expect "STOPPING=1 is the last message" "STOPPING=1" \
    "$(grep -v '^WATCHDOG=1$' "$T/notify" | tail -n 1)"
n=$(grep -c '^WATCHDOG=1$' "$T/notify")
if [ "$n" -ge 8 ]; then
	tap_ok "WATCHDOG=1 every 200 ms with WATCHDOG_USEC=400000 ($n pings)"
else
	tap_not_ok "WATCHDOG=1 every 200 ms with WATCHDOG_USEC=400000" \
	    "$n pings in about 3 s"
fi

DL_ENV=""
dl_start "$T/edgeprobe.conf"
dl_check "probes run" dl_wait "^[0-9]+ target=edge .*status=warning" 2 10
dl_stop TERM
dl_expect "no watchdog without WATCHDOG_USEC" 0 \
    "$(grep -c '^WATCHDOG=1$' "$T/notify")"
tap_done
