#!/bin/sh
# log_ok = false: the result lines of OK endpoints are not logged; warning
# and critical lines are, and so is every event, including a change back
# to OK.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

F=$T/fx
if ! dl_fixture "$F" compliant expiring; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
S_OK=$(dl_sha "$F" compliant)
S_EXP=$(dl_sha "$F" expiring)
P=$(dl_relay edge 127.0.0.1 0 127.0.0.1 "$(dl_port "$F" compliant)")
P2=$(dl_port "$F" compliant)
cat >"$T/edgeprobe.conf" <<EOF
interval = 1;
timeout = 2;
log_ok = false;
ca_file = "$F/ca.pem";
syslog = { ident = "$DL_IDENT"; facility = "user"; };
targets = (
  { name = "edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P]; crit_days = 3; },
  { name = "steady"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P2]; }
);
EOF
EP="target=edge host=127.0.0.1 address=127.0.0.1 port=$P"

dl_start "$T/edgeprobe.conf" -v
dl_check "three rounds of each target" \
    dl_wait "target (edge|steady): round done" 6 10
dl_switch edge 127.0.0.1 "$(dl_port "$F" expiring)"
dl_check "the warning is logged" dl_wait "^12 target=edge .*status=warning" 2 10
dl_switch edge 127.0.0.1 "$P2"
dl_check "the way back to OK is logged" dl_wait "from=warning to=ok" 1 10
n=$(dl_count "target steady: round done")
dl_wait "target steady: round done" $((n + 2)) 10
dl_stop TERM
dl_expect "exit status 0" 0 "$DL_RC"

dl_expect "no OK result line at all" 0 "$(dl_count '^[0-9]+ target=.* status=ok ')"
dl_expect "no line at all for the steady OK target" 0 \
    "$(dl_count '^[0-9]+ target=steady ')"
dl_lines | grep -E 'event=(status|cert)_change' >"$T/events"
cat >"$T/expected" <<EOF
13 event=status_change $EP from=ok to=warning findings=EXPIRES_SOON
13 event=cert_change $EP from_sha256=$S_OK to_sha256=$S_EXP
13 event=status_change $EP from=warning to=ok findings=-
13 event=cert_change $EP from_sha256=$S_EXP to_sha256=$S_OK
EOF
if cmp -s "$T/expected" "$T/events"; then
	tap_ok "every event is logged (LOG_USER, LOG_NOTICE)"
else
	tap_not_ok "every event is logged (LOG_USER, LOG_NOTICE)"
	tap_diag "$T/expected" expected
	tap_diag "$T/events" actual
fi
tap_done
