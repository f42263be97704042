#!/bin/sh
# sip.sh: what SIP OPTIONS adds to a probe, against a real Kamailio on
# loopback (tests/lib/kamailio.sh): the same 100 endpoints probed with
# `--once`, sip_options off and on, under callgrind (instructions, exact)
# and under time(1) (user+sys CPU, noisy). The PKI is `epfixture
# mint-files` (an RSA-2048 leaf + intermediate; Kamailio's default
# TLSv1.2+ negotiates TLS 1.3). Run by `make bench` after its main table.
#
#	BUILD=build sh tests/bench/sip.sh
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
EDGEPROBE=${EDGEPROBE:-$TOP/$BUILD/edgeprobe}
N=${BENCH_SIP_N:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-sipbench.XXXXXX") || exit 1
. "$TOP/tests/lib/kamailio.sh"
sb_cleanup() { rm -rf "$T"; }
atexit sb_cleanup
P=$T/pki
"$TOP/$BUILD/tests/epfixture" mint-files "$P" >/dev/null 2>&1 ||
    { echo "sip bench: epfixture mint-files failed" >&2; exit 1; }
kam_start 127.0.0.1 0 "$P/server.pem" "$P/server.key" - none \
    2>"$T/kam.err" || { cat "$T/kam.err" >&2; exit 1; }
echo
echo "SIP OPTIONS: $N endpoints of one Kamailio on loopback, concurrency 50," \
    "--once; per probe"
printf '%-12s %10s %10s %s\n' sip_options kinstr cpu_ms result
for s in false true; do
	{
		echo "timeout = 10; concurrency = 50; ca_file = \"$P/ca.pem\";"
		echo "sip_options = $s; targets = ("
		i=1
		while [ "$i" -le "$N" ]; do
			sep=,
			[ "$i" -eq "$N" ] && sep=
			echo "{ name = \"t$i\"; host = \"sip.contoso.com\";" \
			    "pool = [\"127.0.0.1\"]; ports = [$KAM_PORT]; }$sep"
			i=$((i + 1))
		done
		echo ");"
	} >"$T/$s.conf"
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.$s" \
	    "$EDGEPROBE" -c "$T/$s.conf" --once >"$T/out.$s" 2>/dev/null
	ins=$(callgrind_annotate "$T/cg.$s" 2>/dev/null |
	    awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	/usr/bin/time -f "%U %S" "$EDGEPROBE" -c "$T/$s.conf" --once \
	    >/dev/null 2>"$T/time.$s"
	cpu=$(tail -n 1 "$T/time.$s" | awk -v n="$N" '{ printf "%.2f", ($1 + $2) * 1000 / n }')
	printf '%-12s %10.0f %10s %s\n' "$s" "$((ins / N / 1000))" "$cpu" \
	    "$(tail -n 1 "$T/out.$s")"
done
echo "(kinstr: callgrind's program total / probes / 1000, start-up included;" \
    "cpu_ms: user+sys of the run / probes, 10 ms clock ticks)"
