#!/bin/sh
# The real peers of the federation tests, proved with tools that exist
# without edgeprobe: Kamailio over TLS (tests/lib/kamailio.sh) answering
# `openssl s_client` with and without a client certificate required, and
# dnsmasq (tests/lib/dnssrv.sh) answering dig with SRV records. The PKI is
# `epfixture mint-files`. Everything listens on loopback only.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/kamailio.sh"
. "$TOP/tests/lib/dnssrv.sh"

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
for b in "$EPFIXTURE" "$KAMAILIO" "$DNSMASQ" "$(command -v dig)" \
    "$(command -v openssl)" "$(command -v ss)"; do
	if [ ! -x "$b" ]; then
		tap_not_ok "test tools present" "missing: $b (make tests," \
		    "make deps)"
		tap_done
	fi
done

P=$T/pki
tap_mint_files "$P"

# status OUT: the status line s_client received (CR removed), or nothing.
status() {
	head -n 1 "$1" | tr -d '\r'
}

# alerts OUT: the TLS alert numbers s_client reported, one line.
alerts() {
	sed -n 's/.*SSL alert number \([0-9]*\).*/\1/p' "$1.err" | tr '\n' ' ' |
	    sed 's/ $//'
}

# group PGID: the processes of a process group.
group() {
	for _s in /proc/[0-9]*/stat; do
		sed -n "s/^\([0-9]*\) (.*) . [0-9]* $1 .*/\1/p" "$_s" 2>/dev/null
	done
}

# sockets PID...: the listening sockets of processes, "proto addr" sorted.
sockets() {
	for _p in "$@"; do
		ss -Hlntup 2>/dev/null | grep "pid=$_p," | awk '{ print $1, $5 }'
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# client NAME: s_client arguments presenting NAME.pem (with its chain).
client() {
	_k=$1
	[ "$1" = partner-noclient ] && _k=partner
	echo "-cert $P/$1.pem -cert_chain $P/$1.pem -key $P/$_k.key"
}

S="-servername sip.contoso.com -CAfile $P/ca.pem -verify_return_error"

# --- Kamailio, no client certificate asked for.
if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err"; then
	tap_not_ok "kamailio starts (mode none)" "$(cat "$T/kam.err")"
	tap_done
fi
K1=$KAM_PORT
tap_expect "kamailio listens on its one TLS port, nothing else" \
    "tcp 127.0.0.1:$K1" "$(sockets $(group "$KAM_PID"))"

kam_handshake 127.0.0.1 "$K1" "$T/h1" $S
tap_expect "mode none: the chain verifies, no CertificateRequest" \
    "subject=O = Contoso, CN = sip.contoso.com|No client certificate CA names sent|Verify return code: 0 (ok)" \
    "$(grep -E '^subject=|client certificate CA names|^Verify return code' \
    "$T/h1" | paste -sd '|')" "$T/h1" "$T/h1.err"

kam_options 127.0.0.1 "$K1" "$T/o1" $S
tap_expect "mode none: OPTIONS without a certificate: SIP/2.0 200 OK" \
    "SIP/2.0 200 OK|CSeq: 1 OPTIONS|Content-Length: 0" \
    "$(tr -d '\r' <"$T/o1" | grep -E '^(SIP/2.0|CSeq:|Content-Length:)' |
    paste -sd '|')" "$T/o1" "$T/o1.err"

kam_request 127.0.0.1 "$K1" MESSAGE "$T/o2" $S
tap_expect "mode none: another method: SIP/2.0 403 Forbidden" \
    "SIP/2.0 403 Forbidden" "$(status "$T/o2")" "$T/o2.err"

# --- Kamailio, a client certificate required and verified.
if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" "$P/ca.pem" \
    require 2>"$T/kam.err"; then
	tap_not_ok "kamailio starts (mode require)" "$(cat "$T/kam.err")"
	tap_done
fi
K2=$KAM_PORT
kam_handshake 127.0.0.1 "$K2" "$T/h2" $S
tap_expect "mode require: CertificateRequest naming the one CA given" \
    "Acceptable client certificate CA names|O = EdgeProbe Test PKI, CN = EdgeProbe Test Root CA|Requested" \
    "$(sed -n '/^Acceptable client certificate CA names/,/^Requested/p' \
    "$T/h2" | sed 's/^Requested .*/Requested/' |
    paste -sd '|')" "$T/h2"

for v in 1_2 1_3; do
	kam_options 127.0.0.1 "$K2" "$T/p$v" $S -tls$v $(client partner)
	tap_expect "mode require, TLS 1.${v#1_}: the partner's certificate: SIP/2.0 200 OK" \
	    "SIP/2.0 200 OK" "$(status "$T/p$v")" "$T/p$v.err"

	kam_options 127.0.0.1 "$K2" "$T/u$v" $S -tls$v $(client untrusted)
	tap_expect "mode require, TLS 1.${v#1_}: an untrusted CA's certificate: unknown_ca (48), no answer" \
	    "48|" "$(alerts "$T/u$v")|$(status "$T/u$v")" "$T/u$v.err"

	kam_options 127.0.0.1 "$K2" "$T/c$v" $S -tls$v \
	    $(client partner-noclient)
	tap_expect "mode require, TLS 1.${v#1_}: a certificate without clientAuth: unsupported_certificate (43)" \
	    "43|" "$(alerts "$T/c$v")|$(status "$T/c$v")" "$T/c$v.err"
done
kam_options 127.0.0.1 "$K2" "$T/n1_2" $S -tls1_2
tap_expect "mode require, TLS 1.2: no certificate: handshake_failure (40)" \
    "40|" "$(alerts "$T/n1_2")|$(status "$T/n1_2")" "$T/n1_2.err"
kam_options 127.0.0.1 "$K2" "$T/n1_3" $S -tls1_3
tap_expect "mode require, TLS 1.3: no certificate: certificate_required (116) after Finished" \
    "116|" "$(alerts "$T/n1_3")|$(status "$T/n1_3")" "$T/n1_3.err"

kam_handshake 127.0.0.1 "$K2" "$T/m" $S -cert "$P/partner.pem" \
    -key "$P/mismatch.key"
if grep -q 'Private key does not match the certificate public key' \
    "$T/m.err" && ! grep -q '^CONNECTED' "$T/m"; then
	tap_ok "mismatch.key does not match partner.pem"
else
	tap_not_ok "mismatch.key does not match partner.pem"
	tap_diag "$T/m.err"
fi

# --- Kamailio, asking for a certificate without requiring one, on ::1.
if ! kam_start ::1 0 "$P/server.pem" "$P/server.key" "$P/ca.pem" request \
    2>"$T/kam.err"; then
	tap_not_ok "kamailio starts (mode request, ::1)" "$(cat "$T/kam.err")"
	tap_done
fi
K3=$KAM_PORT
kam_options ::1 "$K3" "$T/r1" $S
tap_expect "mode request on ::1: no certificate: SIP/2.0 200 OK" \
    "SIP/2.0 200 OK" "$(status "$T/r1")" "$T/r1.err"
kam_options ::1 "$K3" "$T/r2" $S $(client untrusted)
tap_expect "mode request on ::1: an untrusted certificate: unknown_ca (48)" \
    "48|" "$(alerts "$T/r2")|$(status "$T/r2")" "$T/r2.err"

kam_stop
tap_expect "kam_stop: no Kamailio left listening" "" \
    "$(ss -Hltn 2>/dev/null | awk '{ print $4 }' |
    grep -xE "127.0.0.1:($K1|$K2)|\[::1\]:$K3")"

# --- dnsmasq.
F=_sipfederationtls._tcp
dns_srv $F.fabrikam.test sip1.fabrikam.test 5061 10 60
dns_srv $F.fabrikam.test sip2.fabrikam.test 5061 10 40
dns_srv $F.fabrikam.test sip3.fabrikam.test 5062 20 0
dns_host sip1.fabrikam.test 127.0.0.1
dns_host sip2.fabrikam.test 127.0.0.2 ::1
dns_host sip3.fabrikam.test 127.0.0.3
dns_host nosrv.test 127.0.0.1
dns_srv _sip._tls.nosrv.test nosrv.test 443 0 0
dns_srv $F.loop.test $F.loop.test 5061 0 0
dns_srv $F.loop2.test sip.loop2.test 5061 0 0
dns_cname sip.loop2.test $F.loop2.test
i=1
while [ $i -le 12 ]; do
	dns_cname c$i.chain.test c$((i + 1)).chain.test
	i=$((i + 1))
done
dns_host c13.chain.test 127.0.0.1
dns_srv $F.chain.test c1.chain.test 5061 0 0
dns_srv $F.dot.test . 5061 0 0
dns_srv_many $F.many.test 1000 5061 127.0.0.1
if ! dns_start 2>"$T/dns.err"; then
	tap_not_ok "dnsmasq starts" "$(cat "$T/dns.err")"
	tap_done
fi
tap_expect "dnsmasq listens on 127.0.0.1, UDP and TCP, nothing else" \
    "tcp 127.0.0.1:$DNS_PORT udp 127.0.0.1:$DNS_PORT" "$(sockets "$DNS_PID")"

# short TYPE NAME [DIG_ARG...]: dig +short, sorted, on one line.
short() {
	dns_query "$@" +short | sort | paste -sd '|'
}

tap_expect "two priorities: three SRV records" \
    "10 40 5061 sip2.fabrikam.test.|10 60 5061 sip1.fabrikam.test.|20 0 5062 sip3.fabrikam.test." \
    "$(short SRV $F.fabrikam.test)"
tap_expect "a target with two addresses (A and AAAA)" "127.0.0.2|::1" \
    "$(short A sip2.fabrikam.test)|$(short AAAA sip2.fabrikam.test)"
tap_expect "the SRV answer carries the targets' addresses" \
    "sip1.fabrikam.test. 127.0.0.1|sip2.fabrikam.test. 127.0.0.2|sip2.fabrikam.test. ::1|sip3.fabrikam.test. 127.0.0.3" \
    "$(dns_query SRV $F.fabrikam.test +noall +additional |
    awk '$4 == "A" || $4 == "AAAA" { print $1, $5 }' | sort | paste -sd '|')"
tap_expect "a domain without $F: NXDOMAIN, _sip._tls present" \
    "NXDOMAIN|0 0 443 nosrv.test." \
    "$(dns_query SRV $F.nosrv.test | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')|$(short SRV _sip._tls.nosrv.test)"
tap_expect "a name that does not exist: NXDOMAIN" "NXDOMAIN" \
    "$(dns_query A gone.nx.test | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')"
tap_expect "a name outside the test zone: REFUSED (no upstream)" "REFUSED" \
    "$(dns_query A example.com | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')"
tap_expect "an SRV loop: the target is the SRV name" "0 0 5061 $F.loop.test." \
    "$(short SRV $F.loop.test)"
tap_expect "an SRV loop through a CNAME of the SRV name" \
    "0 0 5061 sip.loop2.test.|sip.loop2.test. CNAME $F.loop2.test." \
    "$(short SRV $F.loop2.test)|$(dns_query A sip.loop2.test +noall +answer |
    awk '{ print $1, $4, $5 }')"
tap_expect "a chain of 12 CNAMEs, answered whole" "13 127.0.0.1" \
    "$(dns_query A c1.chain.test +noall +answer | wc -l | tr -d ' ') $(dns_query A c1.chain.test +short | tail -n 1)"
tap_expect "a target named \".\"" "0 0 5061 ." "$(short SRV $F.dot.test)"

# dnsmasq truncates over UDP (TC) and sends everything over TCP.
dns_query SRV $F.many.test +ignore +noedns >"$T/many.udp"
dns_query SRV $F.many.test +ignore >"$T/many.edns"
dns_query SRV $F.many.test +tcp >"$T/many.tcp"
flags() {
	sed -n 's/^;; flags: \([a-z ]*\);.*ANSWER: \([0-9]*\),.*/\1 \2/p' "$1"
}
tap_expect "1,000 targets over UDP, no EDNS: truncated (tc), 13 records" \
    "qr aa tc ra 13" "$(flags "$T/many.udp")" "$T/many.udp"
tap_expect "1,000 targets over UDP, EDNS 1232: truncated (tc), 33 records" \
    "qr aa tc ra 33" "$(flags "$T/many.edns")" "$T/many.edns"
tap_expect "1,000 targets over TCP: all, 35,061 bytes, each distinct" \
    "qr aa ra 1000|35061|1000" \
    "$(flags "$T/many.tcp")|$(sed -n 's/^;; MSG SIZE  rcvd: //p' "$T/many.tcp")|$(awk '$4 == "SRV" { print $8 }' "$T/many.tcp" | sort -u | wc -l | tr -d ' ')" \
    "$T/many.tcp"
tap_expect "every one of the 1,000 targets resolves" "127.0.0.1|127.0.0.1" \
    "$(short A t0001.many.test)|$(short A t1000.many.test)"
if grep -q "query\[SRV\] $F.fabrikam.test from 127.0.0.1" "$DNS_LOG"; then
	tap_ok "the log names every query"
else
	tap_not_ok "the log names every query"
	tap_diag "$DNS_LOG"
fi

# A target removed, served again on the same port.
P1=$DNS_PORT
dns_reset
dns_srv $F.fabrikam.test sip1.fabrikam.test 5061 10 60
dns_host sip1.fabrikam.test 127.0.0.1
if dns_restart 2>"$T/dns.err"; then
	tap_expect "dns_restart: the same port, one target left" \
	    "$P1 10 60 5061 sip1.fabrikam.test." \
	    "$DNS_PORT $(short SRV $F.fabrikam.test)"
else
	tap_not_ok "dns_restart: the same port, one target left" \
	    "$(cat "$T/dns.err")"
fi
dns_stop
tap_expect "dns_stop: nothing left on the port" "" \
    "$(ss -Hlntu 2>/dev/null | awk '{ print $5 }' | grep -xF "127.0.0.1:$P1")"

tap_done
