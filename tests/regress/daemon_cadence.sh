#!/bin/sh
# Cadence: each target's rounds start once per interval, never twice for
# one turn. The daemon keeps a busy loop here (300 targets at interval 2 s,
# full TLS handshakes against one epfixture endpoint), so libevent's cached
# time lags the clock by the callbacks' work; a timer armed from the cached
# time fired a few milliseconds before the turn it was armed for, and the
# turn was taken twice (a second round right after the first). Over the
# daemon's whole life L seconds a target can start at most floor(L / 2) + 1
# rounds; the test counts "round starts" per target and wants no target
# above that, and every target at least once.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require

N=300
F=$T/fx
if ! dl_fixture "$F" compliant; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
P=$(dl_port "$F" compliant)
awk -v n=$N -v p="$P" -v ca="$F/ca.pem" -v id="$DL_IDENT" 'BEGIN {
	print "interval = 2; timeout = 2; concurrency = 300;"
	print "ca_file = \"" ca "\";"
	print "syslog = { ident = \"" id "\"; facility = \"daemon\"; };"
	print "targets = ("
	for (i = 1; i <= n; i++)
		printf "%s{ name = \"t%d\"; host = \"127.0.0.1\"; " \
		    "sni = \"sip.contoso.com\"; ports = [%d]; }\n",
		    (i > 1 ? "," : ""), i, p
	print ");"
}' >"$T/edgeprobe.conf"

born=$(date +%s%N)
dl_start "$T/edgeprobe.conf" -v
dl_check "every target starts a round" \
    dl_wait "target t[0-9]+: round starts" $N 10
dl_sleep 6
dl_stop TERM
died=$(date +%s%N)
dl_expect "exit status 0" 0 "$DL_RC"
LIFE_MS=$(((died - born) / 1000000))
MAX=$((LIFE_MS / 2000 + 1))
dl_lines | sed -n 's/^[0-9]* target \(t[0-9]*\): round starts$/\1/p' |
    sort | uniq -c | sort -rn >"$T/starts"
TARGETS=$(wc -l <"$T/starts")
OVER=$(awk -v m="$MAX" '$1 > m' "$T/starts" | wc -l)
dl_expect "all $N targets had rounds" "$N" "$TARGETS"
if [ "$OVER" -eq 0 ]; then
	tap_ok "no target above $MAX rounds in $LIFE_MS ms (busiest: $(head -n 1 "$T/starts" | awk '{ print $1 }'))"
else
	tap_not_ok "no target above $MAX rounds in $LIFE_MS ms" \
	    "$OVER targets above it"
	head -n 5 "$T/starts" | sed 's/^/# /'
fi
tap_done
