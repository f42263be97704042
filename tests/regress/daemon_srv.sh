#!/bin/sh
# The daemon follows a domain through DNS SRV: every round looks the SRV
# records up again (dnsmasq on loopback, restarted with other records), a
# target that left is forgotten with endpoint_removed, and each result line
# carries srv= and, with sip_options, the SIP status of a real Kamailio.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
. "$TOP/tests/lib/kamailio.sh"
. "$TOP/tests/lib/dnssrv.sh"
dl_require

P=$T/pki
tap_mint_files "$P"
if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err" || ! kam_start 127.0.0.2 "$KAM_PORT" "$P/server.pem" \
    "$P/server.key" - none 2>>"$T/kam.err"; then
	tap_not_ok "two kamailio start" "$(cat "$T/kam.err")"
	tap_done
fi
K=$KAM_PORT

DNS_LOCAL=com
F=_sipfederationtls._tcp.contoso.com
dns_srv "$F" sip.contoso.com "$K" 0 0
dns_srv "$F" webcon.contoso.com "$K" 10 0
dns_host sip.contoso.com 127.0.0.1
dns_host webcon.contoso.com 127.0.0.2
if ! dns_start 2>"$T/dns.err"; then
	tap_not_ok "dnsmasq starts" "$(cat "$T/dns.err")"
	tap_done
fi

cat >"$T/edgeprobe.conf" <<EOC
interval = 1;
timeout = 3;
ca_file = "$P/ca.pem";
resolver = "$DNS_RESOLVER";
syslog = { ident = "$DL_IDENT"; facility = "daemon"; };
targets = (
  { name = "fed"; domain = "contoso.com"; sip_options = true; }
);
EOC
"$EDGEPROBE" -c "$T/edgeprobe.conf" --check-config >"$T/cc" 2>&1
dl_expect "the domain configuration is valid" \
    "$T/edgeprobe.conf: configuration OK, 1 target" "$(cat "$T/cc")"

# line HOST ADDR: a result line up to msg=, as logged.
line() {
	echo "30 target=fed host=$1 address=$2 port=$K status=ok days_left=365 sha256=$(openssl x509 -in "$P/server.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f) findings=- srv=$F sip=200"
}
dl_start "$T/edgeprobe.conf"
dl_check "both SRV targets are probed" \
    dl_wait "^30 target=fed host=webcon.contoso.com " 1 15
dl_expect "each line carries srv= and sip=200" \
    "$(line sip.contoso.com 127.0.0.1)|$(line webcon.contoso.com 127.0.0.2)" \
    "$(dl_lines | grep '^30 target=fed ' | head -n 2 | sed 's/ msg=.*//' |
    sort | paste -sd'|')"

# The SRV record of webcon goes away: forgotten at the next round.
dns_reset
dns_srv "$F" sip.contoso.com "$K" 0 0
dns_host sip.contoso.com 127.0.0.1
dns_host webcon.contoso.com 127.0.0.2
dns_restart 2>"$T/dns.err"
dl_check "the target that left the SRV answer is forgotten" \
    dl_wait "event=endpoint_removed" 1 15
dl_expect "with one exact NOTICE" \
    "29 event=endpoint_removed target=fed host=webcon.contoso.com address=127.0.0.2 port=$K" \
    "$(dl_lines | grep 'event=endpoint_removed')"
n=$(dl_count "^30 target=fed host=sip.contoso.com ")
dl_wait "^30 target=fed host=sip.contoso.com " $((n + 1)) 10
dl_expect "no line of webcon after it left" "" \
    "$(dl_lines | sed -n '/event=endpoint_removed/,$p' |
    grep '^30 target=fed host=webcon')"

# No SRV record at all: SRV_MISSING, and the old endpoint is removed too.
dns_reset
dns_host sip.contoso.com 127.0.0.1
dns_restart 2>"$T/dns.err"
dl_check "a domain without its SRV record: SRV_MISSING logged" \
    dl_wait "^27 target=fed host=contoso.com address=$F port=5061 status=critical .*findings=SRV_MISSING" 1 15
dl_stop
kam_stop
dns_stop
tap_done
