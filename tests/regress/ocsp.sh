#!/bin/sh
# OCSP stapling through the real binary: `openssl s_server -status_file`
# on loopback staples responses made by `openssl ocsp` from an index file
# (good, revoked, signed by a responder the issuer never delegated, a
# nextUpdate in the past, made under faketime) or none at all, and
# `edgeprobe probe --json` must report tls.ocsp and the findings exactly.
# The PKI is `epfixture mint-files` (the intermediate signs the responses).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/atexit.sh"
tap_require_binary

: "${BUILD:=build}"
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
tap_require_tools "$EPFIXTURE" "$(command -v openssl)" \
    "$(command -v jq)" "$(command -v faketime)"
P=$T/pki
tap_mint_files "$P"

SERVERS=""
# stop_servers: stop every s_server started here (also on exit).
stop_servers() {
	for _p in $SERVERS; do
		kill -TERM "$_p" 2>/dev/null
	done
	SERVERS=""
}
atexit stop_servers

# iso "DATE": openssl's "Dec  3 12:20:46 2026 GMT" as 2026-12-03T12:20:46Z.
iso() {
	date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ
}

# update FILE WHICH: "This Update" or "Next Update" of a response, ISO.
update() {
	iso "$(openssl ocsp -respin "$1" -resp_text -noverify 2>/dev/null |
	    sed -n "s/^ *$2 Update: //p" | head -n 1)"
}

# respond NAME INDEX SIGNER [FAKETIME]: $T/NAME.der, the answer for
# server.pem that `openssl ocsp` gives from INDEX, signed by SIGNER
# (SIGNER.pem, SIGNER.key), valid 7 days from now (or from FAKETIME).
respond() {
	_ft=""
	[ -n "${4:-}" ] && _ft="faketime -f $4"
	$_ft openssl ocsp -index "$2" -CA "$P/inter.pem" \
	    -rsigner "$P/$3.pem" -rkey "$P/$3.key" -issuer "$P/inter.pem" \
	    -cert "$P/server.pem" -ndays 7 -respout "$T/$1.der" \
	    >"$T/$1.ocsp.log" 2>&1
}

# serve NAME [S_SERVER_ARG...]: one s_server for one handshake, with the
# seed's Edge certificate and its intermediate; sets PORT (0: it did not
# listen within 5 s). Stopped after 30 s at most, and on exit.
serve() {
	_sn=$1
	shift
	openssl s_server -www -accept 127.0.0.1:0 -naccept 1 \
	    -cert "$P/server.pem" -cert_chain "$P/inter.pem" \
	    -key "$P/server.key" "$@" </dev/null >"$T/$_sn.srv" 2>&1 &
	_sp=$!
	SERVERS="$SERVERS $_sp"
	watchdog "$_sp" 30
	PORT=0
	_i=0
	while [ $_i -lt 50 ] && alive "$_sp"; do
		PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$T/$_sn.srv")
		[ -n "$PORT" ] && return 0
		PORT=0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# probe NAME: edgeprobe probe --json against PORT; RC its exit status.
probe() {
	"$EDGEPROBE" probe "127.0.0.1:$PORT" --sni sip.contoso.com \
	    --ca-file "$P/ca.pem" --timeout 10 --json >"$T/$1.json" \
	    2>"$T/$1.err"
	RC=$?
}

# jqf NAME FILTER: a jq filter over NAME's document, compact.
jqf() {
	jq -c "$2" "$T/$1.json" 2>&1
}

# run NAME [S_SERVER_ARG...]: serve, then probe; one case on failure.
run() {
	_rn=$1
	if ! serve "$@"; then
		tap_not_ok "$_rn: s_server listens" "$(cat "$T/$_rn.srv")"
		RC=-1
		return 1
	fi
	probe "$_rn"
}

SERIAL=$(openssl x509 -in "$P/server.pem" -noout -serial | cut -d= -f2)
SUBJ="/O=Contoso/CN=sip.contoso.com"
REVOKED_AT=$(date -u -d '2 days ago' +%y%m%d%H%M%SZ)
REVOKED_ISO=$(date -u -d '2 days ago' +%Y-%m-%dT%H:%M:%SZ)
printf 'V\t301231000000Z\t\t%s\tunknown\t%s\n' "$SERIAL" "$SUBJ" \
    >"$T/good.idx"
printf 'R\t301231000000Z\t%s,keyCompromise\t%s\tunknown\t%s\n' \
    "$REVOKED_AT" "$SERIAL" "$SUBJ" >"$T/revoked.idx"

for r in "good good.idx inter" "revoked revoked.idx inter" \
    "wrongkey good.idx untrusted" "stale good.idx inter -8d"; do
	# shellcheck disable=SC2086
	set -- $r
	if ! respond "$1" "$T/$2" "$3" "${4:-}" || [ ! -s "$T/$1.der" ]; then
		tap_not_ok "openssl ocsp makes the $1 response" \
		    "$(cat "$T/$1.ocsp.log")"
		tap_done
	fi
done
LEAF="leaf CN=sip.contoso.com,O=Contoso (sha256 "

# --- A good staple: tls.ocsp has its status and dates, no finding.
if run good -status_file "$T/good.der"; then
	tap_expect "good: exit 0" 0 "$RC" "$T/good.err"
	tap_expect "good: tls.ocsp" \
	    "{\"status\":\"good\",\"this_update\":\"$(update "$T/good.der" This)\",\"next_update\":\"$(update "$T/good.der" Next)\"}" \
	    "$(jqf good '.results[0].tls.ocsp')" "$T/good.json"
	tap_expect "good: no finding" "[]" "$(jqf good '.results[0].findings')"
fi

# --- The same over TLS 1.2, where the staple is a CertificateStatus message.
if run good12 -status_file "$T/good.der" -no_tls1_3; then
	tap_expect "good over TLS 1.2: exit 0" 0 "$RC" "$T/good12.err"
	tap_expect "good over TLS 1.2: version and status" '["TLSv1.2","good"]' \
	    "$(jqf good12 '[.results[0].tls.version,.results[0].tls.ocsp.status]')" \
	    "$T/good12.json"
fi

# --- Revoked: REVOKED, critical, with the revocation time and reason.
if run revoked -status_file "$T/revoked.der"; then
	tap_expect "revoked: exit 2" 2 "$RC" "$T/revoked.err"
	tap_expect "revoked: tls.ocsp.status" '"revoked"' \
	    "$(jqf revoked '.results[0].tls.ocsp.status')"
	tap_expect "revoked: one finding, REVOKED critical" \
	    '[["REVOKED","critical"]]' \
	    "$(jqf revoked '[.results[0].findings[]|[.code,.severity]]')" \
	    "$T/revoked.json"
	tap_expect "revoked: the message names the leaf, the time and the reason" \
	    true "$(jqf revoked ".results[0].findings[0].message |
	    startswith(\"$LEAF\") and contains(\"is revoked since $REVOKED_ISO (reason: keyCompromise)\")")" \
	    "$T/revoked.json"
	tap_expect "revoked: status critical" '"critical"' \
	    "$(jqf revoked '.results[0].status')"
fi

# --- Signed by a responder the issuer never delegated: no REVOKED trust.
if run wrongkey -status_file "$T/wrongkey.der"; then
	tap_expect "wrong signer: exit 1" 1 "$RC" "$T/wrongkey.err"
	tap_expect "wrong signer: tls.ocsp.status unknown" '"unknown"' \
	    "$(jqf wrongkey '.results[0].tls.ocsp.status')"
	tap_expect "wrong signer: one finding, OCSP_STAPLE_INVALID warning" \
	    '[["OCSP_STAPLE_INVALID","warning"]]' \
	    "$(jqf wrongkey '[.results[0].findings[]|[.code,.severity]]')" \
	    "$T/wrongkey.json"
	tap_expect "wrong signer: the message says who signed it" true \
	    "$(jqf wrongkey ".results[0].findings[0].message |
	    contains(\"does not verify: it is signed by CN=sip.fabrikam.com,O=Fabrikam, neither the leaf's issuer\")")" \
	    "$T/wrongkey.json"
fi

# --- nextUpdate in the past (made 8 days ago, valid 7): stale.
if run stale -status_file "$T/stale.der"; then
	NEXT=$(update "$T/stale.der" Next)
	tap_expect "stale: exit 1" 1 "$RC" "$T/stale.err"
	tap_expect "stale: tls.ocsp" \
	    "{\"status\":\"good\",\"this_update\":\"$(update "$T/stale.der" This)\",\"next_update\":\"$NEXT\"}" \
	    "$(jqf stale '.results[0].tls.ocsp')" "$T/stale.json"
	tap_expect "stale: one finding, OCSP_STAPLE_INVALID warning" \
	    '[["OCSP_STAPLE_INVALID","warning"]]' \
	    "$(jqf stale '[.results[0].findings[]|[.code,.severity]]')" \
	    "$T/stale.json"
	tap_expect "stale: the message gives nextUpdate" true \
	    "$(jqf stale ".results[0].findings[0].message |
	    contains(\"is stale: its nextUpdate $NEXT is past\")")" \
	    "$T/stale.json"
fi

# --- No staple: tls.ocsp null, no finding.
if run none; then
	tap_expect "no staple: exit 0" 0 "$RC" "$T/none.err"
	tap_expect "no staple: tls.ocsp null, no finding" '[null,[]]' \
	    "$(jqf none '[.results[0].tls.ocsp,.results[0].findings]')" \
	    "$T/none.json"
fi

stop_servers
tap_done
