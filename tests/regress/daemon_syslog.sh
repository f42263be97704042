#!/bin/sh
# The daemon's result lines, as they really reach /dev/log: one per result
# per round, exact text (CONTRACT.md section 6), priority by status (ok
# LOG_INFO, warning LOG_WARNING, critical LOG_ERR) in the configured
# facility, ident and pid; -f mirrors every line to stderr; a first probe
# is no change; SIGTERM ends it with status 0.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

F=$T/fx
if ! dl_fixture "$F" compliant expiring noclient closed; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
P_OK=$(dl_port "$F" compliant)
P_WARN=$(dl_port "$F" expiring)
P_CRIT=$(dl_port "$F" noclient)
P_DOWN=$(dl_port "$F" closed)

cat >"$T/edgeprobe.conf" <<EOF
interval = 1;
timeout = 2;
ca_file = "$F/ca.pem";
syslog = { ident = "$DL_IDENT"; facility = "local3"; };
targets = (
  { name = "ok-edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P_OK]; subject = "sip.contoso.com";
    san = ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"];
    public_im = true; },
  { name = "warn-edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P_WARN]; crit_days = 3; },
  { name = "crit-edge"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P_CRIT]; public_im = true; },
  { name = "down"; host = "127.0.0.1"; sni = "sip.contoso.com";
    ports = [$P_DOWN]; }
);
EOF

# The messages are the policy's: take them from the JSON document of the
# same endpoints, so the line is checked against the contract, not a copy.
EDGEPROBE_RESOLV_CONF=$T/resolv.conf "$EDGEPROBE" -c "$T/edgeprobe.conf" \
    --once --json >"$T/once.json"
msg() {
	jq -r --arg t "$1" '.results[] | select(.target == $t) |
	    ([.findings[] | select(.severity == "critical")] +
	     [.findings[] | select(.severity == "warning")])[0].message' \
	    "$T/once.json"
}
leaf() {
	dl_sha "$F" "$1"
}
# LOG_LOCAL3 is 19: <PRI> = 19 * 8 + severity.
E_OK="158 target=ok-edge host=127.0.0.1 address=127.0.0.1 port=$P_OK status=ok days_left=365 sha256=$(leaf compliant) findings=- msg=-"
E_WARN="156 target=warn-edge host=127.0.0.1 address=127.0.0.1 port=$P_WARN status=warning days_left=5 sha256=$(leaf expiring) findings=EXPIRES_SOON msg=\"$(msg warn-edge)\""
E_CRIT="155 target=crit-edge host=127.0.0.1 address=127.0.0.1 port=$P_CRIT status=critical days_left=365 sha256=$(leaf noclient) findings=CLIENT_EKU_MISSING msg=\"$(msg crit-edge)\""
E_DOWN="155 target=down host=127.0.0.1 address=127.0.0.1 port=$P_DOWN status=critical days_left=- sha256=- findings=CONNECT_FAILED msg=\"cannot connect to 127.0.0.1:$P_DOWN (connect: Connection refused): the Edge is down or a firewall blocks the port\""

dl_start "$T/edgeprobe.conf"
ok=0
for t in ok-edge warn-edge crit-edge down; do
	dl_wait "^[0-9]+ target=$t " 3 15 || ok=1
done
dl_check "every target logged three rounds within 15 s" [ $ok -eq 0 ]

# each NAME EXPECTED: every line of the target is exactly EXPECTED.
each() {
	n=$(dl_lines | grep -c "^[0-9]* target=$1 ")
	bad=$(dl_lines | grep "^[0-9]* target=$1 " | grep -vxF -- "$2" | head -n 1)
	if [ "$n" -ge 3 ] && [ -z "$bad" ]; then
		tap_ok "$1: $n lines, each exactly as expected"
	else
		tap_not_ok "$1: $n lines, each exactly as expected" \
		    "expected: $2" "actual:   $bad"
	fi
}
each ok-edge "$E_OK"
each warn-edge "$E_WARN"
each crit-edge "$E_CRIT"
each down "$E_DOWN"

sev=""
for t in ok-edge warn-edge crit-edge down; do
	sev="$sev $(dl_lines | grep "^[0-9]* target=$t " | head -n 1 |
	    awk '{ print $1 % 8 }')"
done
dl_expect "ok is LOG_INFO (6), warning LOG_WARNING (4), critical LOG_ERR (3)" \
    " 6 4 3 3" "$sev"

total=$(wc -l <"$T/syslog")
mine=$(dl_lines | wc -l)
dl_expect "every datagram carries ident $DL_IDENT and the daemon's pid" \
    "$total" "$mine"
dl_expect "every line is in facility local3 (19)" "$mine" \
    "$(dl_lines | awk 'int($1 / 8) == 19' | wc -l)"
dl_expect "no status_change or cert_change on first probes of a stable set" \
    0 "$(dl_count 'event=(status|cert)_change')"
dl_expect "the first line is event=start" \
    "158 event=start file=$T/edgeprobe.conf targets=4" "$(dl_lines | head -n 1)"

dl_stop TERM
dl_expect "SIGTERM: exit status 0" 0 "$DL_RC"
# From event=stopping on: only result lines of probes that were still in
# flight, then event=exit, last.
after=$(dl_lines | sed -n '/ event=stopping /,$p')
dl_expect "SIGTERM: event=stopping, in-flight results only, event=exit last" \
    "158 event=stopping|0|158 event=exit" \
    "$(echo "$after" | head -n 1 | cut -d' ' -f1-2)|$(echo "$after" |
	sed '1d;$d' | grep -vc '^[0-9]* target=')|$(echo "$after" | tail -n 1)"

# -f: stderr carries the same lines, in the same order, without <PRI>.
dl_lines | cut -d' ' -f2- >"$T/syslog.msgs"
if cmp -s "$T/syslog.msgs" "$T/stderr"; then
	tap_ok "-f mirrors every syslog line to stderr ($mine lines)"
else
	tap_not_ok "-f mirrors every syslog line to stderr"
	diff "$T/syslog.msgs" "$T/stderr" | head -n 10 | sed 's/^/# /'
fi

tap_done
