#!/bin/sh
# --once against real loopback Edges: exact statuses, codes, chain fields,
# exit codes, for the seed's cases and the probe failures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary

FX=$T/fx
fixture_start "$FX" compliant noclient expiring missing-inter legacy \
    serveronly-inter wildcard pss require-cert closed silent garbage || {
	tap_not_ok "fixture servers start"
	tap_done
}

SANS='"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"'

# conf NAME SCENARIO EXTRA: a one-target configuration for one scenario.
conf() {
	cat >"$T/$1.conf" <<CONF
timeout = ${TIMEOUT:-5};
ca_file = "$FX/ca.pem";
targets = ( { name = "$1"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$(fixture_port "$FX" "$2")]; $3 } );
CONF
}

# once NAME: run --once --json on NAME.conf; sets RC, output in NAME.json.
once() {
	"$EDGEPROBE" -c "$T/$1.conf" --once --json >"$T/$1.json" 2>"$T/$1.err"
	RC=$?
}

# expect CASE NAME WANT_RC JQ_EXPR...: NAME.json's exit status and every
# jq -e expression.
expect() {
	_case=$1 _name=$2 _rc=$3
	shift 3
	if [ "$RC" -ne "$_rc" ]; then
		tap_not_ok "$_case" "exit status $RC, want $_rc"
		tap_diag "$T/$_name.json" json
		tap_diag "$T/$_name.err" stderr
		return
	fi
	for _e in "$@"; do
		if ! jq -e "$_e" "$T/$_name.json" >/dev/null 2>&1; then
			tap_not_ok "$_case" "jq -e '$_e' is false"
			tap_diag "$T/$_name.json" json
			return
		fi
	done
	tap_ok "$_case"
}

C='[.results[0].findings[] | .code + ":" + .severity] | sort'
R0='.results[0]'

conf compliant compliant "public_im = true; san = [$SANS]; subject = \"sip.contoso.com\";"
once compliant
expect "compliant Edge: ok, exit 0, exact fields" compliant 0 \
    '.version == 1 and .status == "ok"' \
    '.results | length == 1' \
    "$R0"' | .target == "compliant" and .host == "sip.contoso.com" and .address == "127.0.0.1" and .sni == "sip.contoso.com" and .status == "ok"' \
    "$R0"'.findings == []' \
    "$R0"'.days_left == 365' \
    "$R0"'.tls.version == "TLSv1.3" and '"$R0"'.tls.client_cert_requested == false' \
    "$R0"'.tls.cipher == "TLS_AES_256_GCM_SHA384"' \
    "$R0"'.handshake_ms > 0' \
    "$R0"'.chain | length == 2' \
    "$R0"'.chain[0].subject == "CN=sip.contoso.com,O=Contoso"' \
    "$R0"'.chain[0].san == ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"]' \
    "$R0"'.chain[0].eku == ["serverAuth", "clientAuth"]' \
    "$R0"'.chain[0].key == "RSA-2048" and '"$R0"'.chain[0].signature == "sha256WithRSAEncryption"' \
    "$R0"'.chain[0].sha256 | test("^[0-9a-f]{64}$")' \
    "$R0"'.chain[0].serial | test("^[0-9a-f]+$")' \
    "$R0"'.chain[0].not_after | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' \
    "$R0"'.chain[0].issuer == '"$R0"'.chain[1].subject' \
    "$R0"'.chain[1].eku == []'

conf noclient noclient "public_im = true; san = [$SANS];"
once noclient
expect "renewal without clientAuth, public_im: CLIENT_EKU_MISSING critical, exit 2" \
    noclient 2 "$C"' == ["CLIENT_EKU_MISSING:critical"]' \
    "$R0"'.status == "critical"' "$R0"'.chain[0].eku == ["serverAuth"]' \
    "$R0"'.findings[0].message | test("clientAuth")'

conf noclient-nopim noclient "san = [$SANS];"
once noclient-nopim
expect "renewal without clientAuth, no public_im: info only, exit 0" \
    noclient-nopim 0 "$C"' == ["CLIENT_EKU_MISSING:info"]' \
    "$R0"'.status == "ok"'

conf expiring expiring "public_im = true; san = [$SANS];"
once expiring
expect "expires in 5 days: EXPIRES_SOON critical, days_left 5" expiring 2 \
    "$C"' == ["EXPIRES_SOON:critical"]' "$R0"'.days_left == 5'

conf expiring-warn expiring "public_im = true; crit_days = 3;"
once expiring-warn
expect "expires in 5 days, crit_days 3: EXPIRES_SOON warning, exit 1" \
    expiring-warn 1 "$C"' == ["EXPIRES_SOON:warning"]' '.status == "warning"'

conf missing-inter missing-inter "public_im = true;"
once missing-inter
expect "missing intermediate: CHAIN_INCOMPLETE" missing-inter 2 \
    "$C"' == ["CHAIN_INCOMPLETE:critical"]' "$R0"'.chain | length == 1'

conf serveronly-inter serveronly-inter "public_im = true;"
once serveronly-inter
expect "clientAuth leaf under a serverAuth-only CA: CLIENT_CHAIN_INVALID" \
    serveronly-inter 2 "$C"' == ["CLIENT_CHAIN_INVALID:critical"]'

conf legacy legacy "public_im = true;"
once legacy
expect "TLS 1.0, SHA-1, RSA-1024: captured and judged, not refused" legacy 1 \
    "$C"' == ["LEGACY_TLS:warning", "NONCONFORMANT:warning", "WEAK_KEY:warning", "WEAK_SIGNATURE:warning"]' \
    "$R0"'.tls.version == "TLSv1"' "$R0"'.chain[0].key == "RSA-1024"' \
    "$R0"'.chain[0].signature == "sha1WithRSAEncryption"' \
    "$R0"' as $r | $r.findings[] | select(.code == "NONCONFORMANT") | .message | startswith("leaf CN=sip.contoso.com,O=Contoso (sha256 " + $r.chain[0].sha256[0:8] + ") breaks BR 6.1.5 (rule rsa-key): its RSA modulus has 1024 bits, fewer than 2048; ")'

conf wildcard wildcard "public_im = true;"
once wildcard
expect "wildcard subject: WILDCARD_SUBJECT warning" wildcard 1 \
    "$C"' == ["WILDCARD_SUBJECT:warning"]'

conf pss pss "public_im = true;"
once pss
expect "RSASSA-PSS signature: PSS_SIGNATURE warning" pss 1 \
    "$C"' == ["PSS_SIGNATURE:warning"]' "$R0"'.chain[0].signature == "rsassaPss"'

conf require-cert require-cert "public_im = true; san = [$SANS];"
once require-cert
expect "MTLS Edge aborting after its certificate: chain judged + HANDSHAKE_FAILED" \
    require-cert 2 "$C"' == ["HANDSHAKE_FAILED:critical"]' \
    "$R0"'.chain | length == 2' "$R0"'.tls.client_cert_requested == true' \
    "$R0"'.tls.version == "TLSv1.2"' "$R0"'.days_left == 365'

conf closed closed ""
once closed
expect "nothing listening: CONNECT_FAILED, nulls" closed 2 \
    "$C"' == ["CONNECT_FAILED:critical"]' "$R0"'.chain == []' \
    "$R0"'.tls == null and '"$R0"'.days_left == null and '"$R0"'.handshake_ms == null'

TIMEOUT=1 conf silent silent ""
once silent
expect "a listener that never speaks: TIMEOUT" silent 2 \
    "$C"' == ["TIMEOUT:critical"]' "$R0"'.chain == []'

conf garbage garbage ""
once garbage
expect "not TLS at all: HANDSHAKE_FAILED" garbage 2 \
    "$C"' == ["HANDSHAKE_FAILED:critical"]' "$R0"'.tls == null'

# Several targets in one round: order kept, document status the worst.
cat >"$T/multi.conf" <<CONF
ca_file = "$FX/ca.pem";
targets = (
  { name = "a"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$(fixture_port "$FX" compliant), $(fixture_port "$FX" expiring)];
    crit_days = 1; },
  { name = "b"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$(fixture_port "$FX" compliant)]; }
);
CONF
once multi
expect "two targets, three endpoints: config order, worst status" multi 1 \
    '.status == "warning"' '[.results[] | .target] == ["a", "a", "b"]' \
    '[.results[] | .status] == ["ok", "warning", "ok"]' \
    "[.results[] | .port] == [$(fixture_port "$FX" compliant), $(fixture_port "$FX" expiring), $(fixture_port "$FX" compliant)]"

# The human report: one line per endpoint, no colour into a pipe.
"$EDGEPROBE" -c "$T/multi.conf" --once >"$T/human.out" 2>&1
RC=$?
if [ $RC -eq 1 ] && [ "$(grep -c 'sni=sip.contoso.com' "$T/human.out")" -eq 3 ] &&
    grep -q '^WARNING' "$T/human.out" && ! grep -q "$(printf '\033')" "$T/human.out"; then
	tap_ok "human report: a line per endpoint, no colour in a pipe"
else
	tap_not_ok "human report: a line per endpoint, no colour in a pipe" "exit $RC"
	tap_diag "$T/human.out"
fi

tap_done
