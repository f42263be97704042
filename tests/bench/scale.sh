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
#
# SCALE_ROUND=1 adds the CPU of the daemon's rounds (SCALE_IDLE=0 skips
# the part above; SCALE_KEEP=1 keeps the temporary directory): Debian's
# nginx (as tests/bench/bench.sh runs it: one worker on CPU 1, full
# handshakes only, leaf + intermediate) serves
# SCALE_ROUND_N (2000) endpoints per key type on 127.0.0.x, and the daemon
# (`-c FILE -f`, pinned to CPU 0, log_ok on as by default) probes them all
# every SCALE_ROUND_INTERVAL (10) seconds with the whole policy. After one
# interval (the first rounds are spread over it) it takes the daemon's and
# the nginx worker's CPU (utime + stime) and counts the result lines over
# SCALE_ROUND_WINDOW (3) intervals; every line must be status=ok and the
# count at least 95 % of endpoints x the window's wall time / interval
# (expected). It reports CPU ms per result line and per expected probe
# (the daemon may probe an endpoint more than once an interval: that
# counts against it), and what the latter is at 100,000 endpoints every
# 300 s: share of one core = CPU s per expected probe x 100000 / 300.
set -u

BUILD=${BUILD:-build}
N=${SCALE_N:-100000}
PORTS=${SCALE_PORTS:-5061}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/bench/lib.sh"
EDGEPROBE=${EDGEPROBE:-$TOP/$BUILD/edgeprobe}
GEN="sh $TOP/tests/bench/genconf.sh"
TIME=/usr/bin/time
START_S=${SCALE_START_TIMEOUT:-300}
ROUND=${SCALE_ROUND:-0}
IDLE=${SCALE_IDLE:-1}
RN=${SCALE_ROUND_N:-2000}
RI=${SCALE_ROUND_INTERVAL:-10}
RW=${SCALE_ROUND_WINDOW:-3}
RKEYS=${SCALE_ROUND_KEYS:-ec rsa}
BENCHPKI=$TOP/$BUILD/bench/benchpki
NGINX=${NGINX:-/usr/sbin/nginx}
HZ=$(getconf CLK_TCK)
PIN=""
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && PIN="taskset -c 0"
DPID=""
MASTER=""
WORKER=""
T=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-scale.XXXXXX") || exit 1

cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	bench_stop "$MASTER"
	[ -n "$WORKER" ] && kill -KILL "$WORKER" 2>/dev/null
	if [ "${SCALE_KEEP:-0}" = 1 ]; then
		echo "scale: kept $T" >&2
	else
		rm -rf "$T"
	fi
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

# cpu_ticks PID: utime + stime of a process, in clock ticks.
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# daemon CONF: start the daemon, wait for its start line and a stable RSS.
# Sets D_READY_MS, D_RSS (kB), D_HWM (kB); leaves it running as $DPID.
daemon() {
	: >"$T/daemon.err"
	_t0=$(date +%s%N)
	$DPIN "$EDGEPROBE" -c "$1" -f 2>"$T/daemon.err" >/dev/null &
	DPID=$!
	_dl=$(( $(now_ms) + START_S * 1000 ))
	until grep -q "event=start" "$T/daemon.err"; do
		kill -0 "$DPID" 2>/dev/null ||
		    die "the daemon died: $(tail -n 3 "$T/daemon.err")"
		[ "$(now_ms)" -lt "$_dl" ] ||
		    die "no start line after $START_S s"
		sleep 0.01
	done
	_t1=$(date +%s%N)
	D_READY_MS=$(( (_t1 - _t0) / 1000000 ))
	# Stable: the same VmRSS twice, 0.5 s apart (not while probing).
	_prev=-1
	D_RSS=$(status_kb "$DPID" VmRSS)
	[ "${D_NOSTABLE:-0}" = 0 ] || _prev=$D_RSS
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

# idle: the configured-endpoint cost above.
idle() {
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
}

# start_nginx: nginx serving $T/ec.eps and $T/rsa.eps (genconf.sh nginx);
# sets MASTER and WORKER.
start_nginx() {
	"$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/error.log" \
	    >/dev/null 2>&1 &
	MASTER=$!
	_i=0
	while [ -z "$WORKER" ] && [ $_i -lt 100 ]; do
		kill -0 "$MASTER" 2>/dev/null || break
		WORKER=$(ps -o pid= --ppid "$MASTER" | awk 'NR == 1 { print $1 }')
		[ -n "$WORKER" ] || sleep 0.1
		_i=$((_i + 1))
	done
	[ -n "$WORKER" ] || die "nginx did not start: $(tail -n 3 "$T/error.log")"
	_last=$(tail -n 1 "$T/rsa.eps")
	_i=0
	until echo | openssl s_client -connect "${_last% *}:${_last#* }" \
	    -brief >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || die "nginx does not answer on $_last"
		sleep 0.1
	done
}

# rounds: the CPU of the daemon's rounds over a loopback testbed.
rounds() {
	sh "$TOP/tests/bench/deps.sh" || die "cannot install nginx"
	[ -x "$BENCHPKI" ] || make -C "$TOP" --no-print-directory \
	    BUILD="$BUILD" "$BUILD/bench/benchpki" >/dev/null ||
	    die "cannot build $BENCHPKI"
	[ -x "$NGINX" ] || die "$NGINX is missing"
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
	mkdir -p "$T/pki" "$T/tmp" || exit 1
	"$BENCHPKI" "$T/pki" >/dev/null || die "cannot mint the PKIs"
	$GEN endpoints "$RN" 20000 >"$T/ec.eps" || exit 1
	$GEN endpoints "$RN" 21000 >"$T/rsa.eps" || exit 1
	BENCH_CONCURRENCY=200 $GEN nginx "$T" "$T/ec.eps" "$T/rsa.eps" \
	    >"$T/nginx.conf" || exit 1
	start_nginx
	DPIN=$PIN D_NOSTABLE=1
	echo "edgeprobe rounds: $RN endpoints per key type, interval $RI s," \
	    "measured over $RW intervals after the first; daemon on CPU 0," \
	    "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') worker on CPU 1;" \
	    "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
	printf "%-4s %7s %8s %9s %8s %8s %9s %11s\n" key probes expected \
	    daemon_s ms/line ms/due nginx_ms "100k/300s"
	for _kt in $RKEYS; do
		{ echo "interval = $RI;"
		  $GEN edgeprobe "$T/$_kt.eps" "$T/pki/$_kt/ca.pem" 200
		} >"$T/$_kt-round.conf" || exit 1
		daemon "$T/$_kt-round.conf"
		sleep "$RI"
		# The lines counted fall within the CPU's window: if anything,
		# this overstates the CPU per probe.
		_w0=$(now_ms)
		_c0=$(cpu_ticks "$DPID") _s0=$(cpu_ticks "$WORKER")
		_n0=$(grep -c "target=" "$T/daemon.err")
		sleep $((RI * RW))
		_n1=$(grep -c "target=" "$T/daemon.err")
		_c1=$(cpu_ticks "$DPID") _s1=$(cpu_ticks "$WORKER")
		_w1=$(now_ms)
		_bad=$(grep "target=" "$T/daemon.err" | grep -vc "status=ok")
		stop
		[ "$_bad" -eq 0 ] || die "$_kt: $_bad result(s) not ok:" \
		    "$(grep "target=" "$T/daemon.err" | grep -v "status=ok" |
		    head -n 2)"
		awk -v kt="$_kt" -v n=$((_n1 - _n0)) -v ms=$((_w1 - _w0)) \
		    -v rn="$RN" -v ri="$RI" \
		    -v c=$((_c1 - _c0)) -v s=$((_s1 - _s0)) -v hz="$HZ" 'BEGIN {
			want = int(rn * ms / 1000 / ri)
			if (n < want * 0.95) {
				printf "scale: %s: %d probes in the window, " \
				    "want %d\n", kt, n, want > "/dev/stderr"
				exit 1
			}
			pp = c / hz * 1000 / n
			pe = c / hz * 1000 / want
			printf "%-4s %7d %8d %9.2f %8.3f %8.3f %9.3f %10.1f%%\n",
			    kt, n, want, c / hz, pp, pe, s / hz * 1000 / n,
			    pe / 1000 * 100000 / 300 * 100
		}' || exit 1
	done
	echo "(probes: result lines in the window; expected: endpoints x" \
	    "window / interval; daemon_s: the daemon's user+sys CPU over the" \
	    "window; ms/line: that / probes; ms/due: that / expected, what a" \
	    "configured endpoint costs per interval; nginx_ms: the worker's" \
	    "per line; 100k/300s: share of one core for 100,000 endpoints" \
	    "every 300 s = ms/due x 100000 / 300)"
}

[ -x "$EDGEPROBE" ] || die "$EDGEPROBE is missing"
LOADAVG=$(cut -d ' ' -f 1-3 /proc/loadavg)
DPIN=""
[ "$IDLE" = 0 ] || idle
[ "$ROUND" = 0 ] || rounds
exit 0
