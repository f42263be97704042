#!/bin/sh
# The federation path end to end against real peers: dnsmasq serving SRV
# records (tests/lib/dnssrv.sh), Kamailio answering SIP over TLS
# (tests/lib/kamailio.sh). `probe --domain` discovers the Edges the way a
# partner does, probes every address of every SRV target with the SRV
# target as SNI, and with --sip-options sends one OPTIONS. Loopback only.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/kamailio.sh"
. "$TOP/tests/lib/dnssrv.sh"

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_binary
for b in "$EPFIXTURE" "$KAMAILIO" "$DNSMASQ" "$(command -v jq)"; do
	if [ ! -x "$b" ]; then
		tap_not_ok "test tools present" "missing: $b (make tests," \
		    "make deps)"
		tap_done
	fi
done

P=$T/pki
tap_mint_files "$P"

# probe OUT ARG...: edgeprobe probe --json ARG... against our DNS server;
# the exit status in OUT.rc.
probe() {
	_o=$1
	shift
	timeout 60 "$EDGEPROBE" probe --resolver "$DNS_RESOLVER" \
	    --ca-file "$P/ca.pem" --timeout 5 --json "$@" >"$_o" 2>"$_o.err"
	echo $? >"$_o.rc"
}

# rows OUT FILTER: one line per result, fields joined by spaces.
rows() {
	jq -r ".results[] | $2" "$1" 2>/dev/null | paste -sd '|'
}

# Two Kamailio on one port, 127.0.0.1 and 127.0.0.2: one SRV target with
# two addresses.
if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err"; then
	tap_not_ok "kamailio starts" "$(cat "$T/kam.err")"
	tap_done
fi
K=$KAM_PORT
if ! kam_start 127.0.0.2 "$K" "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err"; then
	tap_not_ok "second kamailio starts" "$(cat "$T/kam.err")"
	tap_done
fi

DNS_LOCAL=com
F=_sipfederationtls._tcp
dns_srv "$F.contoso.com" sip.contoso.com "$K" 0 10
dns_srv "$F.contoso.com" webcon.contoso.com "$K" 10 5
dns_srv "_sip._tls.contoso.com" sip.contoso.com "$K" 0 0
dns_host sip.contoso.com 127.0.0.1 127.0.0.2
dns_host webcon.contoso.com 127.0.0.1
# fabrikam: its SRV target is not among the certificate's names.
dns_srv "$F.fabrikam.com" edge.fabrikam.com "$K" 0 0
dns_host edge.fabrikam.com 127.0.0.1
# northwind: no federation record at all; tailspin: "." (no service).
dns_host sip.northwind.com 127.0.0.1
dns_srv "$F.tailspin.com" . 5061 0 0
# loop: the SRV target is the SRV name itself; gone: a target that does
# not resolve.
dns_srv "$F.loop.com" "$F.loop.com" "$K" 0 0
dns_srv "$F.gone.com" sip.gone.com "$K" 0 0
# many: 1,000 targets (TCP: dnsmasq truncates the UDP answer).
dns_srv_many "$F.many.com" 1000 "$K" 127.0.0.1
if ! dns_start 2>"$T/dns.err"; then
	tap_not_ok "dnsmasq starts" "$(cat "$T/dns.err")"
	tap_done
fi

# --- Discovery with two priorities, an access record, two addresses.
probe "$T/c" --domain contoso.com --san sip.contoso.com --public-im
tap_expect "contoso: every address of every SRV target" \
    "sip.contoso.com 127.0.0.1 $K _sip._tls.contoso.com 0 0|sip.contoso.com 127.0.0.1 $K _sipfederationtls._tcp.contoso.com 0 10|sip.contoso.com 127.0.0.2 $K _sip._tls.contoso.com 0 0|sip.contoso.com 127.0.0.2 $K _sipfederationtls._tcp.contoso.com 0 10|webcon.contoso.com 127.0.0.1 $K _sipfederationtls._tcp.contoso.com 10 5" \
    "$(jq -r '.results[] | "\(.host) \(.address) \(.port) \(.srv.name) \(.srv.priority) \(.srv.weight)"' "$T/c" 2>/dev/null | sort | paste -sd '|')" \
    "$T/c" "$T/c.err"
# (a name's addresses come in the resolver's order, which dnsmasq rotates)
tap_expect "contoso: federation records first, in priority order, then access" \
    "$F 0|$F 0|$F 10|_sip._tls 0|_sip._tls 0" \
    "$(rows "$T/c" '"\(.srv.name | sub(".contoso.com$"; "")) \(.srv.priority)"')" \
    "$T/c"
tap_expect "contoso: target is the domain, SNI is the SRV target, all ok, exit 0" \
    "contoso.com sip.contoso.com ok|contoso.com sip.contoso.com ok|contoso.com webcon.contoso.com ok|contoso.com sip.contoso.com ok|contoso.com sip.contoso.com ok|0" \
    "$(rows "$T/c" '"\(.target) \(.sni) \(.status)"')|$(cat "$T/c.rc")" \
    "$T/c" "$T/c.err"
tap_expect "contoso: srv.target and srv.port in each result" \
    "sip.contoso.com $K|sip.contoso.com $K|webcon.contoso.com $K|sip.contoso.com $K|sip.contoso.com $K" \
    "$(rows "$T/c" '"\(.srv.target) \(.srv.port)"')" "$T/c"

# --- SRV_TARGET_NOT_COVERED.
probe "$T/f" --domain fabrikam.com
tap_expect "fabrikam: the SRV target is not in the SANs: SRV_TARGET_NOT_COVERED, critical, exit 2" \
    "edge.fabrikam.com critical HOSTNAME_MISMATCH,SRV_TARGET_NOT_COVERED|2" \
    "$(rows "$T/f" '"\(.host) \(.status) \([.findings[].code] | sort | join(","))"')|$(cat "$T/f.rc")" \
    "$T/f" "$T/f.err"

# --- SRV_MISSING.
probe "$T/n" --domain northwind.com
tap_expect "northwind: no federation record: one SRV_MISSING result, port 5061, address the SRV name" \
    "northwind.com _sipfederationtls._tcp.northwind.com 5061 SRV_MISSING critical|2" \
    "$(rows "$T/n" '"\(.target) \(.address) \(.port) \([.findings[].code] | join(",")) \(.status)"')|$(cat "$T/n.rc")" \
    "$T/n" "$T/n.err"
probe "$T/t" --domain tailspin.com
tap_expect "tailspin: a \".\" target (no service): SRV_MISSING" \
    "_sipfederationtls._tcp.tailspin.com SRV_MISSING" \
    "$(rows "$T/t" '"\(.address) \([.findings[].code] | join(","))"')" \
    "$T/t" "$T/t.err"

# --- A loop and a target that does not resolve.
probe "$T/l" --domain loop.com
tap_expect "loop: a target equal to the SRV name is no host name: SRV_MISSING, no probe" \
    "_sipfederationtls._tcp.loop.com SRV_MISSING" \
    "$(rows "$T/l" '"\(.address) \([.findings[].code] | join(","))"')" \
    "$T/l" "$T/l.err"
probe "$T/g" --domain gone.com
tap_expect "gone: an SRV target without address: DNS_FAILED on the SRV port, srv kept" \
    "sip.gone.com $K DNS_FAILED _sipfederationtls._tcp.gone.com" \
    "$(rows "$T/g" '"\(.address) \(.port) \([.findings[].code] | join(",")) \(.srv.name)"')" \
    "$T/g" "$T/g.err"

# --- 1,000 targets: the first 64 in order are probed, the rest counted.
probe "$T/m" --domain many.com --timeout 10
tap_expect "many: 1,000 SRV targets over TCP, 64 probed (SRV_MAX_TARGETS)" \
    "64" "$(jq '.results | length' "$T/m" 2>/dev/null)" "$T/m.err"
tap_expect "many: in name order at equal priority and weight, t0001 first" \
    "t0001.many.com" "$(jq -r '.results[0].host' "$T/m" 2>/dev/null)" \
    "$T/m.err"

# --- SIP OPTIONS: 200 from Kamailio; a TLS server that is not SIP.
probe "$T/s" --domain contoso.com --sip-options
tap_expect "sip: Kamailio answers OPTIONS with 200 OK on every endpoint" \
    "200 OK|200 OK|200 OK|200 OK|200 OK|0" \
    "$(rows "$T/s" '"\(.sip.status) \(.sip.reason)"')|$(cat "$T/s.rc")" \
    "$T/s" "$T/s.err"
tap_expect "sip: the server header names Kamailio" \
    "kamailio" "$(jq -r '.results[0].sip.server' "$T/s" 2>/dev/null |
    cut -c1-8 | tr A-Z a-z)" "$T/s"
timeout 60 "$EDGEPROBE" probe 127.0.0.1:"$K" --sni sip.contoso.com \
    --ca-file "$P/ca.pem" --sip-options >"$T/h" 2>&1
tap_expect "sip: the human report and exit 0 for a host target" \
    "0" "$?" "$T/h"

kam_stop
dns_stop
tap_done
