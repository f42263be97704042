#!/bin/sh
# scale.sh: what an idle configured endpoint costs the daemon.
#
#	BUILD=build sh tests/bench/scale.sh	(what `make bench-scale` runs)
#
# Generates a configuration of SCALE_N (100000) targets, each with one
# numeric loopback pool member (nothing is resolved) and SCALE_PORTS
# ("5061") ports, an interval of 49 days so that the first rounds, spread
# at random over the interval, are almost all far in the future (the few
# that fall within the run connect to a loopback address where nothing
# listens). It measures:
#   - `--check-config` on it: conf.c's load and validation alone (wall,
#     CPU, peak RSS);
#   - the daemon (`-c FILE -f`) from exec to its "event=start" line, then
#     its VmRSS once stable, against the same daemon with one target, so
#     the difference / endpoints is the cost of one configured endpoint.
# Then it stops the daemon with SIGTERM and checks that it exits 0.
set -u

BUILD=${BUILD:-build}
N=${SCALE_N:-100000}
PORTS=${SCALE_PORTS:-5061}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
EDGEPROBE=${EDGEPROBE:-$TOP/$BUILD/edgeprobe}
GEN="sh $TOP/tests/bench/genconf.sh"
TIME=/usr/bin/time
DPID=""
T=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-scale.XXXXXX") || exit 1

cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

die() {
	echo "scale: $*" >&2
	exit 1
}

# now_ms: a monotonic-enough clock in milliseconds.
now_ms() {
	awk '{ printf "%.0f\n", $1 * 1000 }' /proc/uptime
}

# status_kb PID FIELD: a /proc/PID/status field in kB.
status_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# daemon CONF: start the daemon, wait for its start line and a stable RSS.
# Sets D_READY_MS, D_RSS (kB), D_HWM (kB); leaves it running as $DPID.
daemon() {
	: >"$T/daemon.err"
	_t0=$(date +%s%N)
	"$EDGEPROBE" -c "$1" -f 2>"$T/daemon.err" >/dev/null &
	DPID=$!
	_i=0
	until grep -q "event=start" "$T/daemon.err"; do
		kill -0 "$DPID" 2>/dev/null ||
		    die "the daemon died: $(tail -n 3 "$T/daemon.err")"
		_i=$((_i + 1))
		[ $_i -lt 6000 ] || die "no start line after 60 s"
		sleep 0.01
	done
	_t1=$(date +%s%N)
	D_READY_MS=$(( (_t1 - _t0) / 1000000 ))
	# Stable: the same VmRSS twice, 0.5 s apart.
	_prev=-1
	D_RSS=$(status_kb "$DPID" VmRSS)
	while [ "$D_RSS" != "$_prev" ]; do
		sleep 0.5
		_prev=$D_RSS
		D_RSS=$(status_kb "$DPID" VmRSS)
	done
	D_HWM=$(status_kb "$DPID" VmHWM)
	# Idle now: its CPU so far is what loading cost.
	D_CPU=$(sed 's/.*) //' "/proc/$DPID/stat" | awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "%.2f", ($12 + $13) / hz }')
}

# stop: SIGTERM the daemon and check it exits 0 within 15 s.
stop() {
	_t0=$(now_ms)
	kill -TERM "$DPID"
	_i=0
	while kill -0 "$DPID" 2>/dev/null && [ $_i -lt 1500 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
	kill -0 "$DPID" 2>/dev/null && die "the daemon ignores SIGTERM"
	wait "$DPID"
	_rc=$?
	D_STOP_MS=$(( $(now_ms) - _t0 ))
	DPID=""
	[ $_rc -eq 0 ] || die "the daemon exited $_rc on SIGTERM"
}

[ -x "$EDGEPROBE" ] || die "$EDGEPROBE is missing"
LOADAVG=$(cut -d ' ' -f 1-3 /proc/loadavg)
SCALE_PORTS=$PORTS $GEN scale "$N" >"$T/scale.conf" || exit 1
SCALE_PORTS=$PORTS $GEN scale 1 >"$T/one.conf" || exit 1
NPORTS=$(echo "$PORTS" | awk -F, '{ print NF }')
EPS=$((N * NPORTS))

"$TIME" -f "%e %U %S %M" -o "$T/check.time" \
    "$EDGEPROBE" -c "$T/scale.conf" --check-config >/dev/null 2>"$T/check.err" ||
    die "--check-config failed: $(tail -n 3 "$T/check.err")"
set -- $(tail -n 1 "$T/check.time")
CK_WALL=$1 CK_CPU=$(echo "$2 $3" | awk '{ print $1 + $2 }') CK_RSS=$4

daemon "$T/one.conf"
ONE_RSS=$D_RSS
stop
daemon "$T/scale.conf"
probed=$(grep -c "target=" "$T/daemon.err")
stop

echo "edgeprobe scale: $N targets x $NPORTS port(s) = $EPS endpoints" \
    "($(wc -c <"$T/scale.conf") bytes of configuration), interval 49 days;" \
    "load average before: $LOADAVG"
awk -v n="$EPS" -v ckw="$CK_WALL" -v ckc="$CK_CPU" -v ckr="$CK_RSS" \
    -v ready="$D_READY_MS" -v rss="$D_RSS" -v hwm="$D_HWM" -v one="$ONE_RSS" \
    -v stopms="$D_STOP_MS" -v probed="$probed" -v cpu="$D_CPU" 'BEGIN {
	printf "--check-config:  %.2f s wall, %.2f s CPU, peak RSS %.1f MB\n",
	    ckw, ckc, ckr / 1024
	printf "daemon -f:       start line after %.2f s wall, %.2f s CPU; " \
	    "VmRSS %.1f MB (one target: %.1f MB), VmHWM %.1f MB\n",
	    ready / 1000, cpu, rss / 1024, one / 1024, hwm / 1024
	printf "per endpoint:    %.0f bytes of RSS (VmRSS - one target) / " \
	    "endpoints; %.0f bytes at the peak\n", (rss - one) * 1024 / n,
	    (hwm - one) * 1024 / n
	printf "SIGTERM:         exit 0 after %.2f s; %d result line(s) " \
	    "logged during the run\n", stopms / 1000, probed
}'
