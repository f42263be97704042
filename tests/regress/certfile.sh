#!/bin/sh
# edgeprobe cert FILE: a renewed certificate judged before it goes on the
# Edge, with the policy of a probe and no network. PEM (leaf, then
# intermediates), DER, PKCS#12 with --password-file; bad files exit 3 with
# a sentence. Certificates come from `epfixture mint-files`.
. "$(dirname "$0")/lib.sh"

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_binary
P=$T/pki
tap_mint_files "$P"

# judge FILE ARG...: "status codes exit" of cert --json.
judge() {
	_f=$1
	shift
	"$EDGEPROBE" cert "$_f" --ca-file "$P/ca.pem" --json "$@" \
	    >"$T/j.json" 2>"$T/j.err"
	_rc=$?
	echo "$(jq -r '.results[0] | "\(.status) \([.findings[] | select(.severity != "info") | .code] | join(","))"' \
	    "$T/j.json" 2>/dev/null) $_rc"
}

tap_expect "the seed's Edge certificate (leaf + intermediate): ok, exit 0" \
    "ok  0" "$(judge "$P/server.pem" --public-im --san sip.contoso.com \
    --san webcon.contoso.com --san sip.fabrikam.com --subject sip.contoso.com)" \
    "$T/j.json" "$T/j.err"
tap_expect "JSON: target the file, address and port null, no handshake fields" \
    "$P/server.pem sip.contoso.com sip.contoso.com null null null null 2" \
    "$(jq -r '.results[0] | "\(.target) \(.host) \(.sni) \(.address) \(.port) \(.tls) \(.handshake_ms) \(.chain | length)"' "$T/j.json")"
tap_expect "a renewal without clientAuth, public IM: CLIENT_EKU_MISSING, exit 2" \
    "critical CLIENT_EKU_MISSING,CRL_DP_MISSING 2" \
    "$(judge "$P/partner-noclient.pem" --public-im)" "$T/j.json"
tap_expect "the same without public IM: CLIENT_EKU_MISSING is info only" \
    "warning CRL_DP_MISSING 1" "$(judge "$P/partner-noclient.pem")" "$T/j.json"
tap_expect "a SIP domain missing from the SANs: SAN_MISSING" \
    "critical SAN_MISSING 2" \
    "$(judge "$P/server.pem" --san sip.northwind.com)" "$T/j.json"
tap_expect "--sni not covered: HOSTNAME_MISMATCH" \
    "critical HOSTNAME_MISMATCH 2" \
    "$(judge "$P/server.pem" --sni edge.contoso.com)" "$T/j.json"
tap_expect "--subject other than the CN: SUBJECT_MISMATCH" \
    "critical SUBJECT_MISMATCH 2" \
    "$(judge "$P/server.pem" --subject sip.fabrikam.com)" "$T/j.json"
tap_expect "a chain up to a root the store does not hold: UNTRUSTED" \
    "critical UNTRUSTED,CRL_DP_MISSING 2" "$(judge "$P/untrusted.pem")" \
    "$T/j.json"
tap_expect "--warn-days past the expiry: EXPIRES_SOON warning" \
    "warning EXPIRES_SOON 1" \
    "$(judge "$P/server.pem" --warn-days 400)" "$T/j.json"

openssl x509 -in "$P/server.pem" -outform DER -out "$T/leaf.der"
tap_expect "DER, the leaf alone: CHAIN_INCOMPLETE (no intermediate in the file)" \
    "critical CHAIN_INCOMPLETE 2" "$(judge "$T/leaf.der")" "$T/j.json"

openssl pkcs12 -export -in "$P/server.pem" -inkey "$P/server.key" \
    -passout pass:s3cret -out "$T/edge.p12" 2>"$T/p12.err"
echo s3cret >"$T/pw"
echo wrong >"$T/bad-pw"
tap_expect "PKCS#12 with --password-file: leaf and intermediate, ok" \
    "ok  0|2" "$(judge "$T/edge.p12" --password-file "$T/pw")|$(jq '.results[0].chain | length' "$T/j.json")" \
    "$T/j.err" "$T/p12.err"

# fails NAME FILE MESSAGE [ARG...]: exit 3, MESSAGE on stderr, no stdout.
fails() {
	_n=$1 _f=$2 _m=$3
	shift 3
	"$EDGEPROBE" cert "$_f" "$@" >"$T/f.out" 2>"$T/f.err"
	_rc=$?
	tap_expect "$_n" "3|edgeprobe: $_m|" "$_rc|$(cat "$T/f.err")|$(cat "$T/f.out")"
}
fails "PKCS#12 with a wrong password: exit 3" "$T/edge.p12" \
    "$T/edge.p12: PKCS#12 that does not open with the password given (wrong password?)" \
    --password-file "$T/bad-pw"
head -c 600 /dev/urandom >"$T/garbage"
fails "DER garbage: exit 3" "$T/garbage" \
    "$T/garbage: not a certificate file (neither PEM, nor DER, nor PKCS#12)"
printf -- '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' >"$T/bad.pem"
fails "malformed PEM: exit 3" "$T/bad.pem" \
    "$T/bad.pem: malformed PEM after 0 certificates (ASN1 lib)"
head -c 10485760 /dev/zero >"$T/big"
fails "a file of 10 MB: exit 3, refused before it is read" "$T/big" \
    "$T/big: 10485760 bytes, more than a certificate file holds (1048576 at most)"
: >"$T/empty"
fails "an empty file: exit 3" "$T/empty" "$T/empty: empty file"
fails "a key, no certificate: exit 3" "$P/server.key" \
    "$P/server.key: no PEM certificate in it (a key or a request only?)"
fails "a missing file: exit 3" "$T/nope" "$T/nope: No such file or directory"
"$EDGEPROBE" cert >/dev/null 2>"$T/u.err"
tap_expect "no FILE: usage, exit 3" "3" "$?" "$T/u.err"
tap_done
