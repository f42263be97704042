#!/bin/sh
# Mutual TLS against a real Kamailio: without and with require_certificate
# + verify_certificate, in TLS 1.2 and 1.3. We present a partner's
# certificate (--client-cert/--client-key), one from an untrusted CA, or
# none; bad identities are refused before any connection (exit 3).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/kamailio.sh"

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_binary
P=$T/pki
tap_mint_files "$P"

# probe OUT PORT ARG...: probe Kamailio with SIP OPTIONS, JSON in OUT.
probe() {
	_o=$1 _p=$2
	shift 2
	timeout 60 "$EDGEPROBE" probe "127.0.0.1:$_p" --sni sip.contoso.com \
	    --ca-file "$P/ca.pem" --timeout 5 --sip-options --json "$@" \
	    >"$_o" 2>"$_o.err"
	echo $? >"$_o.rc"
}

# fields OUT: "status codes requested sent sip exit"
fields() {
	echo "$(jq -r '.results[0] | "\(.status) \([.findings[].code] | join(",")) \(.tls.client_cert_requested) \(.tls.client_cert_sent) \(.sip.status)"' \
	    "$1" 2>/dev/null) $(cat "$1.rc")"
}

ROOT="CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI"
PARTNER="--client-cert $P/partner.pem --client-key $P/partner.key"
UNTRUSTED="--client-cert $P/untrusted.pem --client-key $P/untrusted.key"

if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err"; then
	tap_not_ok "kamailio starts (none)" "$(cat "$T/kam.err")"
	tap_done
fi
KN=$KAM_PORT
probe "$T/n0" "$KN"
tap_expect "no CertificateRequest: ok, nothing requested, nothing sent, SIP 200" \
    "ok  false false 200 0" "$(fields "$T/n0")" "$T/n0" "$T/n0.err"
probe "$T/n1" "$KN" $PARTNER
tap_expect "no CertificateRequest, an identity given: not sent" \
    "ok  false false 200 0" "$(fields "$T/n1")" "$T/n1" "$T/n1.err"
tap_expect "no CertificateRequest: acceptable_cas is []" \
    "0" "$(jq '.results[0].tls.acceptable_cas | length' "$T/n1" 2>/dev/null)"

for v in TLSv1.2 TLSv1.3; do
	# Kamailio 5.6 pins 1.2 with "TLSv1.2"; its default (TLSv1.2+)
	# negotiates 1.3 with us.
	if [ "$v" = TLSv1.2 ]; then
		KAM_TLS_METHOD=TLSv1.2
	else
		unset KAM_TLS_METHOD
	fi
	if ! kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" \
	    "$P/ca.pem" require 2>"$T/kam.err"; then
		tap_not_ok "kamailio starts (require, $v)" "$(cat "$T/kam.err")"
		continue
	fi
	K=$KAM_PORT
	probe "$T/a$v" "$K" $PARTNER
	tap_expect "$v require: the partner's certificate: accepted, sent, SIP 200" \
	    "ok  true true 200 0" "$(fields "$T/a$v")" "$T/a$v" "$T/a$v.err"
	tap_expect "$v require: acceptable_cas names the root Kamailio trusts" \
	    "$ROOT" "$(jq -r '.results[0].tls.acceptable_cas | join("|")' \
	    "$T/a$v" 2>/dev/null)" "$T/a$v"
	tap_expect "$v require: the negotiated version" "$v" \
	    "$(jq -r '.results[0].tls.version' "$T/a$v" 2>/dev/null)" "$T/a$v"

	probe "$T/u$v" "$K" $UNTRUSTED
	tap_expect "$v require: an untrusted CA's certificate: MTLS_REJECTED, chain still judged" \
	    "critical MTLS_REJECTED true true null 2" "$(fields "$T/u$v")" \
	    "$T/u$v" "$T/u$v.err"
	case "$(jq -r '.results[0].findings[0].message' "$T/u$v" 2>/dev/null)" in
	*"unknown CA"*)	tap_ok "$v require: the message carries the alert" ;;
	*)	tap_not_ok "$v require: the message carries the alert" \
		    "$(jq -r '.results[0].findings[0].message' "$T/u$v")" ;;
	esac

	probe "$T/z$v" "$K"
	tap_expect "$v require: no certificate: HANDSHAKE_FAILED as in round 1" \
	    "critical HANDSHAKE_FAILED true false null 2" "$(fields "$T/z$v")" \
	    "$T/z$v" "$T/z$v.err"
done
unset KAM_TLS_METHOD

# Bad identities: exit 3 before any connection.
timeout 30 "$EDGEPROBE" probe 127.0.0.1:"$KN" --client-cert "$P/partner.pem" \
    --client-key "$P/mismatch.key" >"$T/m" 2>&1
tap_expect "a key that does not match its certificate: exit 3, said" \
    "3 1" "$? $(grep -c 'does not match' "$T/m")" "$T/m"
cp "$P/partner.key" "$T/open.key"
chmod 640 "$T/open.key"
timeout 30 "$EDGEPROBE" probe 127.0.0.1:"$KN" --client-cert "$P/partner.pem" \
    --client-key "$T/open.key" >"$T/g" 2>&1
tap_expect "a group-readable key: exit 3, said" \
    "3 1" "$? $(grep -c 'readable by group or others' "$T/g")" "$T/g"
timeout 30 "$EDGEPROBE" probe 127.0.0.1:"$KN" --client-cert "$P/partner.pem" \
    >"$T/h" 2>&1
tap_expect "--client-cert without --client-key: usage, exit 3" "3" "$?" "$T/h"
kam_stop
tap_done
