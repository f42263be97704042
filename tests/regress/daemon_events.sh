#!/bin/sh
# The NOTICE lines: event=status_change when an endpoint's status differs
# from its previous probe, event=cert_change when its leaf differs from the
# last one it presented (a failed probe in between does not hide a
# renewal), none on a first probe or while nothing changes. The endpoint
# is one address and port: a relay in front of the fixture's servers
# presents another certificate on it when the test switches the relay.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

F=$T/fx
if ! dl_fixture "$F" compliant noclient other-leaf closed; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
S_OK=$(dl_sha "$F" compliant)
S_NOCLIENT=$(dl_sha "$F" noclient)
S_OTHER=$(dl_sha "$F" other-leaf)
P=$(dl_relay edge 127.0.0.1 0 127.0.0.1 "$(dl_port "$F" compliant)")
if [ -z "$P" ]; then
	tap_not_ok "the relay starts" "$(cat "$T/relay-edge.log")"
	tap_done
fi

cat >"$T/edgeprobe.conf" <<EOF
interval = 1;
timeout = 2;
ca_file = "$F/ca.pem";
syslog = { ident = "$DL_IDENT"; facility = "local3"; };
targets = (
  { name = "edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P]; public_im = true; }
);
EOF
EP="target=edge host=127.0.0.1 address=127.0.0.1 port=$P"
RES="^[0-9]+ target=edge "

dl_start "$T/edgeprobe.conf"
dl_check "two OK rounds" dl_wait "$RES.*status=ok" 2 10
dl_expect "no event on the first probes" 0 \
    "$(dl_count 'event=(status|cert)_change')"

# ok -> critical, new leaf: both events, once.
dl_switch edge 127.0.0.1 "$(dl_port "$F" noclient)"
dl_check "the renewal that lost clientAuth is probed twice" \
    dl_wait "$RES.*sha256=$S_NOCLIENT" 2 10
dl_expect "status_change ok -> critical, LOG_NOTICE, exact" \
    "157 event=status_change $EP from=ok to=critical findings=CLIENT_EKU_MISSING" \
    "$(dl_lines | grep 'event=status_change')"
dl_expect "cert_change to the new leaf, LOG_NOTICE, exact" \
    "157 event=cert_change $EP from_sha256=$S_OK to_sha256=$S_NOCLIENT" \
    "$(dl_lines | grep 'event=cert_change')"
dl_expect "the events follow the result line that caused them" \
    "critical|status_change|cert_change" \
    "$(dl_lines | grep -A2 -m1 "sha256=$S_NOCLIENT" |
	sed -E 's/.*status=([a-z]+) .*/\1/; s/.*event=([a-z_]+) .*/\1/' |
	paste -sd'|')"

# critical -> down -> another leaf: the outage is a status change, the
# renewal is compared with the last leaf seen before it.
dl_switch edge 127.0.0.1 "$(dl_port "$F" closed)"
dl_check "the endpoint goes down" dl_wait "$RES.*findings=HANDSHAKE_FAILED" 1 10
dl_switch edge 127.0.0.1 "$(dl_port "$F" other-leaf)"
dl_check "another compliant leaf comes" dl_wait "$RES.*sha256=$S_OTHER" 2 10
dl_stop TERM
dl_expect "exit status 0" 0 "$DL_RC"

dl_lines | grep 'event=' | grep -v 'event=\(start\|stopping\|exit\)' \
    >"$T/events"
cat >"$T/expected" <<EOF
157 event=status_change $EP from=ok to=critical findings=CLIENT_EKU_MISSING
157 event=cert_change $EP from_sha256=$S_OK to_sha256=$S_NOCLIENT
157 event=status_change $EP from=critical to=ok findings=-
157 event=cert_change $EP from_sha256=$S_NOCLIENT to_sha256=$S_OTHER
EOF
# critical (no clientAuth) -> critical (down) is no status change.
if cmp -s "$T/expected" "$T/events"; then
	tap_ok "exactly the events of ok > critical > down > ok, in order"
else
	tap_not_ok "exactly the events of ok > critical > down > ok, in order"
	tap_diag "$T/expected" expected
	tap_diag "$T/events" actual
fi
tap_done
