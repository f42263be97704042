#!/bin/sh
# bench.sh: what one probe costs edgeprobe, against real TLS servers.
#
#	BUILD=build sh tests/bench/bench.sh	(what `make bench` runs)
#
# Mints two PKIs (ECDSA P-256 and RSA-2048, root -> intermediate -> the
# seed's Access Edge leaf; tests/bench/benchpki.c), starts Debian's nginx
# with one worker serving BENCH_N endpoints per key type on loopback
# (127.0.0.x addresses x ports; leaf + intermediate sent; no session cache,
# no tickets: every handshake is a full one), and runs
# `edgeprobe -c FILE --once` over each key type's endpoints with the whole
# policy (subject, three required SANs, public_im), once with concurrency 1
# and once with BENCH_CONCURRENCY (1000), then once more with --json at
# BENCH_CONCURRENCY (the report's chain display fields included). For each
# run it measures the edgeprobe process's user+sys CPU and peak RSS
# (GNU time, getrusage of the child), the nginx worker's CPU (utime+stime
# of /proc/PID/stat before and after) and the wall time; each row is the
# median of BENCH_RUNS runs. On two CPUs or more, edgeprobe (and s_client)
# run on CPU 0 and the nginx worker on CPU 1, so neither steals the
# other's core and the wall time is not an artefact of the scheduler
# putting both ends of a loopback connection on one CPU. It then times
# `openssl s_client` over BENCH_SAMPLE (50) of the same endpoints. Every
# run must come back with exit status 0 and "N endpoints: N ok", or the
# benchmark fails.
#
# Then the paired comparison with a peer (issue 12): Debian's
# prometheus-blackbox-exporter, run on a loopback port on the same CPU as
# edgeprobe, with one tcp module per key type (tls: true, the bench's root
# as ca_file, server_name sip.contoso.com: a full handshake, the chain
# verified, the host name checked). For each key type, BENCH_PAIRS pairs
# of runs alternate edgeprobe --once at BENCH_CONCURRENCY and blackbox over
# the same endpoints (E B E B ...): curl, on the other CPU, sends one
# /probe?module=tls_KEY&target=ADDR:PORT per endpoint, BENCH_CONCURRENCY
# in flight (curl caps --parallel-max at 300, so several curl processes of
# at most 250 each). The exporter's CPU is its utime+stime from
# /proc/PID/stat before and after the batch (curl's is not counted); every
# answer must say probe_success 1 with TLS 1.3, or the benchmark fails. The
# table gives the medians and edgeprobe / blackbox, beside s_client.
#
# Environment: BENCH_N (1000), BENCH_CONCURRENCY (1000), BENCH_SAMPLE (50),
# BENCH_RUNS (5), BENCH_KEYS ("ec rsa"), BENCH_PROFILE=1 (add the callgrind
# table below), BENCH_KEEP=1 (keep the temporary directory), EDGEPROBE
# (default $BUILD/edgeprobe), BENCH_BLACKBOX=0 (skip the paired
# comparison), BENCH_PAIRS (9), BENCH_PORT (20000: the first EC
# port, RSA from BENCH_PORT + 1000), BENCH_BLACKBOX_LISTEN
# (127.0.0.1:19115), BLACKBOX (/usr/bin/prometheus-blackbox-exporter).
# nginx and the exporter run as root when the benchmark does, with their
# files in the temporary directory, and are stopped on the way out
# whatever happens. Only loopback addresses are used.
set -u

BUILD=${BUILD:-build}
N=${BENCH_N:-1000}
HIGH=${BENCH_CONCURRENCY:-1000}
SAMPLE=${BENCH_SAMPLE:-50}
RUNS=${BENCH_RUNS:-5}
KEYS=${BENCH_KEYS:-ec rsa}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/bench/lib.sh"
EDGEPROBE=${EDGEPROBE:-$TOP/$BUILD/edgeprobe}
BENCHPKI=$TOP/$BUILD/bench/benchpki
BENCHCOST=$TOP/$BUILD/bench/benchcost
GEN="sh $TOP/tests/bench/genconf.sh"
NGINX=${NGINX:-/usr/sbin/nginx}
TIME=/usr/bin/time
HZ=$(getconf CLK_TCK)
PORT=${BENCH_PORT:-20000}
BB=${BENCH_BLACKBOX:-1}
PAIRS=${BENCH_PAIRS:-9}
BLACKBOX=${BLACKBOX:-/usr/bin/prometheus-blackbox-exporter}
BBLISTEN=${BENCH_BLACKBOX_LISTEN:-127.0.0.1:19115}
# Clients on the first CPU, the nginx worker on the second (genconf.sh).
# The blackbox exporter is a client too: CPU 0. curl, which drives it and
# is not measured, runs on CPU 1 so it takes nothing from the exporter.
PIN=""
CPIN=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	PIN="taskset -c 0"
	CPIN="taskset -c 1"
fi

MASTER=""
BBPID=""
T=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-bench.XXXXXX") || exit 1

# Stop nginx (its master, then the worker if it lingers) and clean up.
cleanup() {
	bench_stop "$BBPID"
	bench_stop "$MASTER"
	[ -n "${WORKER:-}" ] && kill -KILL "$WORKER" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

# cpu_ticks PID: utime + stime of a process, in clock ticks.
cpu_ticks() {
	# The command name may hold spaces: cut after its closing ")".
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

for f in "$EDGEPROBE" "$BENCHPKI" "$BENCHCOST" "$NGINX" "$TIME"; do
	[ -x "$f" ] || die "$f is missing (make bench builds and installs it)"
done
if [ "$BB" = 1 ]; then
	[ -x "$BLACKBOX" ] ||
	    die "$BLACKBOX is missing (make bench installs it; BENCH_BLACKBOX=0 skips)"
	command -v curl >/dev/null || die "curl is missing (make bench installs it)"
	case "$BBLISTEN" in
	127.*:[0-9]*)	;;
	*)	die "BENCH_BLACKBOX_LISTEN must be a 127.x.y.z:PORT address" ;;
	esac
fi
case "$N$RUNS$PAIRS$HIGH$PORT" in
''|*[!0-9]*)	die "BENCH_N, BENCH_RUNS, BENCH_PAIRS and BENCH_CONCURRENCY must be positive numbers" ;;
esac
[ "$N" -gt 0 ] && [ "$RUNS" -gt 0 ] && [ "$PAIRS" -gt 0 ] && [ "$HIGH" -gt 0 ] ||
    die "BENCH_N, BENCH_RUNS, BENCH_PAIRS and BENCH_CONCURRENCY must be positive numbers"
# Each in-flight probe and each listener is a descriptor.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((2 * N + HIGH + 256)) ] ||
    die "the descriptor limit $(ulimit -n) is too low for BENCH_N=$N"

# The PKIs, the endpoints, the configurations.
mkdir -p "$T/pki" "$T/tmp" || exit 1
"$BENCHPKI" "$T/pki" || die "cannot mint the PKIs"
$GEN endpoints "$N" "$PORT" >"$T/ec.eps" || exit 1
$GEN endpoints "$N" $((PORT + 1000)) >"$T/rsa.eps" || exit 1
$GEN nginx "$T" "$T/ec.eps" "$T/rsa.eps" >"$T/nginx.conf" || exit 1
for kt in $KEYS; do
	$GEN edgeprobe "$T/$kt.eps" "$T/pki/$kt/ca.pem" 1 >"$T/$kt-1.conf"
	$GEN edgeprobe "$T/$kt.eps" "$T/pki/$kt/ca.pem" "$HIGH" \
	    >"$T/$kt-high.conf"
done

# nginx, in the foreground of a background job: $! is the master.
"$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/error.log" \
    >/dev/null 2>&1 &
MASTER=$!
i=0
WORKER=""
while [ -z "$WORKER" ] && [ $i -lt 100 ]; do
	kill -0 "$MASTER" 2>/dev/null || break
	WORKER=$(ps -o pid= --ppid "$MASTER" | awk 'NR == 1 { print $1 }')
	[ -n "$WORKER" ] || sleep 0.1
	i=$((i + 1))
done
if [ -z "$WORKER" ]; then
	tail -n 3 "$T/error.log" >&2 2>/dev/null
	die "nginx did not start (are ports from $PORT up of 127.0.0.x in use? BENCH_PORT moves them)"
fi
# The master binds every listener before it forks the worker; wait until
# the worker accepts (the last endpoint answers a TLS handshake).
last=$(tail -n 1 "$T/rsa.eps")
i=0
until echo | openssl s_client -connect "${last% *}:${last#* }" \
    -brief >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 50 ] || die "nginx does not answer on ${last% *}:${last#* }"
	sleep 0.1
done

NGINXV=$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')
SSLV=$(openssl version | awk '{ print $2 }')

# once KEY TAG CONF [ARGS...]: one --once run on the first CPU, measured.
# Prints "client_s server_s wall_s rss_kb".
once() {
	_kt=$1 _tag=$2 _conf=$3
	shift 3
	_s0=$(cpu_ticks "$WORKER")
	$PIN "$TIME" -f "%e %U %S %M" -o "$T/$_kt-$_tag.time" \
	    "$EDGEPROBE" -c "$_conf" --once "$@" >"$T/$_kt-$_tag.out" \
	    2>"$T/$_kt-$_tag.err"
	_rc=$?
	_s1=$(cpu_ticks "$WORKER")
	if [ $_rc -ne 0 ]; then
		tail -n 5 "$T/$_kt-$_tag.out" "$T/$_kt-$_tag.err" >&2
		die "$_kt $_tag: edgeprobe exited $_rc (want 0: every endpoint ok)"
	fi
	if [ $# -eq 0 ]; then
		grep -qx "$N endpoints: $N ok, 0 warning, 0 critical" \
		    "$T/$_kt-$_tag.out" ||
		    die "$_kt $_tag: not $N ok endpoints: $(tail -n 1 "$T/$_kt-$_tag.out")"
	else
		jq -e --argjson n "$N" '.status == "ok" and
		    (.results | length) == $n and
		    all(.results[]; .status == "ok" and (.chain | length) == 2
		    and .tls.version == "TLSv1.3")' "$T/$_kt-$_tag.out" \
		    >/dev/null || die "$_kt $_tag: the JSON report is not $N ok results"
	fi
	tail -n 1 "$T/$_kt-$_tag.time" | awk -v s0="$_s0" -v s1="$_s1" \
	    -v hz="$HZ" '{ printf "%.2f %.2f %s %s\n", $2 + $3, (s1 - s0) / hz,
	    $1, $4 }'
}

# run KEY TAG CONF [ARGS...]: BENCH_RUNS runs; the median by client CPU
# sets R_CPU (client s), R_SRV (server s), R_WALL (s), R_RSS (KB).
run() {
	: >"$T/runs"
	_i=0
	while [ $_i -lt "$RUNS" ]; do
		once "$@" >>"$T/runs" || exit 1
		_i=$((_i + 1))
	done
	set -- $(sort -n "$T/runs" | awk -v m=$(((RUNS + 1) / 2)) 'NR == m')
	R_CPU=$1 R_SRV=$2 R_WALL=$3 R_RSS=$4
	R_MIN=$(sort -n "$T/runs" | awk 'NR == 1 { print $1 }')
}

# row KEY CONC MODE: print one table row from the last run.
row() {
	awk -v kt="$1" -v c="$2" -v mode="$3" -v n="$N" -v w="$R_WALL" \
	    -v cpu="$R_CPU" -v srv="$R_SRV" -v rss="$R_RSS" -v min="$R_MIN" 'BEGIN {
		if (w <= 0)
			w = 0.01
		printf "%-5s %-6s %6d %6d %8.2f %9.0f %10.3f %8.3f %10.3f %7.0f%% %9.1f\n",
		    kt, mode, c, n, w, n / w, cpu * 1000 / n, min * 1000 / n,
		    srv * 1000 / n,
		    (cpu + srv > 0 ? 100 * cpu / (cpu + srv) : 0), rss / 1024
	}'
}

echo "edgeprobe bench: $N endpoints per key type on 127.0.0.0/8," \
    "nginx $NGINXV (1 worker, no session cache or tickets), OpenSSL $SSLV,"
echo "$(nproc) CPUs ($(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //'));" \
    "edgeprobe --once on CPU 0, nginx worker on CPU 1; policy: subject," \
    "3 SANs, public_im; median of $RUNS runs;" \
    "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo
printf "%-5s %-6s %6s %6s %8s %9s %10s %8s %10s %8s %9s\n" key mode conc \
    probes wall_s probes/s client_ms best_ms server_ms client% peak_MB
for kt in $KEYS; do
	run "$kt" 1 "$T/$kt-1.conf"
	row "$kt" 1 human
	eval "RSS1_$kt=$R_RSS"
	run "$kt" high "$T/$kt-high.conf"
	row "$kt" "$HIGH" human
	eval "RSSH_$kt=$R_RSS CPU_$kt=$R_CPU"
	run "$kt" json "$T/$kt-high.conf" --json
	row "$kt" "$HIGH" json
	eval "CPUJ_$kt=$R_CPU"
	TLS_CIPHER=$(jq -r '.results[0].tls.version + " " +
	    .results[0].tls.cipher' "$T/$kt-json.out")
	eval "TLS_$kt=\$TLS_CIPHER"
done
echo "(client_ms, server_ms: user+sys CPU per probe of edgeprobe and of the" \
    "nginx worker, median run; best_ms: client_ms of the best run;" \
    "client%: edgeprobe's share of the CPU)"

# s_client over a sample of the same endpoints, each a full handshake with
# the same SNI, trust store and verification.
echo
printf "%-5s %-30s %13s %12s %13s %7s\n" key "negotiated" \
    rss/flight_KB s_client_ms edgeprobe_ms ratio
for kt in $KEYS; do
	head -n "$SAMPLE" "$T/$kt.eps" >"$T/$kt.sample"
	cat >"$T/$kt-sclient.sh" <<EOF
while read -r a p; do
	openssl s_client -connect "\$a:\$p" -servername sip.contoso.com \\
	    -CAfile "$T/pki/$kt/ca.pem" -verify_hostname sip.contoso.com \\
	    -verify_return_error -brief \\
	    </dev/null >/dev/null 2>>"$T/$kt-sclient.err" || exit 1
done <"$T/$kt.sample"
EOF
	$PIN "$TIME" -f "%e %U %S %M" -o "$T/$kt-sclient.time" \
	    sh "$T/$kt-sclient.sh" ||
	    die "$kt: openssl s_client failed: $(tail -n 3 "$T/$kt-sclient.err")"
	ns=$(wc -l <"$T/$kt.sample")
	eval "r1=\$RSS1_$kt rh=\$RSSH_$kt cpu=\$CPU_$kt tls=\$TLS_$kt"
	set -- $(tail -n 1 "$T/$kt-sclient.time")
	eval "SC_$kt=$(awk -v u="$2" -v s="$3" -v ns="$ns" \
	    'BEGIN { printf "%.3f", (u + s) * 1000 / ns }')"
	awk -v kt="$kt" -v tls="$tls" -v r1="$r1" -v rh="$rh" -v high="$HIGH" \
	    -v n="$N" -v cpu="$cpu" -v scpu="$(echo "$2 $3" | awk '{ print $1 + $2 }')" \
	    -v ns="$ns" 'BEGIN {
		per = high > 1 ? (rh - r1) / (high - 1) : 0
		ep = cpu * 1000 / n
		sc = scpu * 1000 / ns
		printf "%-5s %-30s %13.1f %12.2f %13.3f %6.1fx\n", kt, tls,
		    per, sc, ep, (ep > 0 ? sc / ep : 0)
	}'
done
echo "(rss/flight_KB: (peak RSS at concurrency $HIGH - at 1) / $((HIGH - 1));" \
    "s_client_ms: user+sys CPU per handshake of openssl s_client over" \
    "$SAMPLE endpoints;"
echo " edgeprobe_ms: client_ms at concurrency $HIGH; ratio: s_client / edgeprobe)"
[ "$N" -gt "$HIGH" ] &&
    echo " (BENCH_N > BENCH_CONCURRENCY: results reuse the memory of finished" \
    "probes, so rss/flight_KB is an underestimate; it is exact when equal)"
# The paired comparison with blackbox_exporter (BENCH_BLACKBOX=0 skips it).
# bb_once KEY: one blackbox run over the key type's endpoints, measured.
# Prints "exporter_s server_s wall_s". The exporter is idle between runs:
# read 0.2 to 3 s after a batch, its CPU moved by at most one tick (no
# garbage collection left over for the next run to pay).
bb_once() {
	_kt=$1
	rm -rf "$T/bb" && mkdir "$T/bb" || exit 1
	_s0=$(cpu_ticks "$WORKER")
	_b0=$(cpu_ticks "$BBPID")
	_t0=$(date +%s.%N)
	_pids=""
	_c=0
	while [ $_c -lt "$BBK" ]; do
		[ -s "$T/$_kt.eps.curl.$_c" ] || break
		$CPIN curl -sS --fail --parallel --parallel-max "$BBPER" \
		    --max-time 110 -K "$T/$_kt.eps.curl.$_c" \
		    2>>"$T/bb-curl.err" &
		_pids="$_pids $!"
		_c=$((_c + 1))
	done
	_rc=0
	for _p in $_pids; do
		wait "$_p" || _rc=$?
	done
	_t1=$(date +%s.%N)
	_b1=$(cpu_ticks "$BBPID")
	_s1=$(cpu_ticks "$WORKER")
	[ $_rc -eq 0 ] ||
	    die "$_kt blackbox: curl exited $_rc: $(tail -n 3 "$T/bb-curl.err")"
	kill -0 "$BBPID" 2>/dev/null ||
	    die "blackbox_exporter died: $(tail -n 3 "$T/blackbox.log")"
	# Every answer: the probe succeeded, over TLS 1.3.
	_ok=$(find "$T/bb" -type f -exec cat {} + |
	    grep -c '^probe_success 1$')
	_v13=$(find "$T/bb" -type f -exec cat {} + |
	    grep -c '^probe_tls_version_info{version="TLS 1.3"} 1$')
	if [ "$_ok" != "$N" ] || [ "$_v13" != "$N" ]; then
		# The first failed target once more, with blackbox's debug log.
		_bad=$(grep -L '^probe_success 1$' "$T"/bb/* 2>/dev/null | head -n 1)
		if [ -n "$_bad" ]; then
			_bad=$(basename "$_bad" | tr _ :)
			curl -sS --max-time 110 "http://$BBLISTEN/probe?module=tls_$_kt&target=$_bad&debug=true" |
			    grep -i 'level=error' | head -n 3 >&2
		fi
		die "$_kt blackbox: $_ok of $N probes succeeded, $_v13 over TLS 1.3"
	fi
	awk -v b0="$_b0" -v b1="$_b1" -v s0="$_s0" -v s1="$_s1" -v t0="$_t0" \
	    -v t1="$_t1" -v hz="$HZ" 'BEGIN { printf "%.2f %.2f %.2f\n",
	    (b1 - b0) / hz, (s1 - s0) / hz, t1 - t0 }'
}

if [ "$BB" = 1 ]; then
	# curl caps --parallel-max at 300: BBK processes of at most 250.
	inflight=$HIGH
	[ "$inflight" -le "$N" ] || inflight=$N
	BBK=$(((inflight + 249) / 250))
	BBPER=$(((inflight + BBK - 1) / BBK))
	$GEN blackbox "$T" "$KEYS" >"$T/blackbox.yml" || exit 1
	for kt in $KEYS; do
		$GEN curl "$T/$kt.eps" "$BBLISTEN" "tls_$kt" "$T/bb" "$BBK" ||
		    exit 1
	done
	# taskset execs the exporter: $! is its pid. Go sizes GOMAXPROCS
	# from the affinity mask, so pinned, it runs its goroutines on one P.
	$PIN "$BLACKBOX" --config.file="$T/blackbox.yml" \
	    --web.listen-address="$BBLISTEN" --log.level=warn \
	    >"$T/blackbox.log" 2>&1 &
	BBPID=$!
	i=0
	until curl -sf -o /dev/null "http://$BBLISTEN/metrics"; do
		kill -0 "$BBPID" 2>/dev/null ||
		    die "blackbox_exporter did not start: $(tail -n 3 "$T/blackbox.log")"
		i=$((i + 1))
		[ $i -lt 100 ] || die "blackbox_exporter does not answer on $BBLISTEN"
		sleep 0.1
	done
	# Verification is on: a name the leaf does not carry fails, the
	# right one succeeds.
	set -- $(head -n 1 "$T/${KEYS%% *}.eps")
	for m in wrongname:0 "${KEYS%% *}:1"; do
		curl -sS --max-time 110 -o "$T/bb-check.out" \
		    "http://$BBLISTEN/probe?module=tls_${m%:*}&target=$1:$2" ||
		    die "blackbox_exporter does not answer /probe"
		grep -qx "probe_success ${m#*:}" "$T/bb-check.out" ||
		    die "blackbox: module tls_${m%:*} on $1:$2: not probe_success ${m#*:}"
	done
	BBV=$("$BLACKBOX" --version 2>&1 | awk 'NR == 1 { print $3 }')
	BBGO=$("$BLACKBOX" --version 2>&1 | sed -n 's/.*go version: *//p')
	echo
	echo "paired with blackbox_exporter $BBV ($BBGO, tcp prober, tls: true," \
	    "ca_file + server_name), $PAIRS pairs of runs alternating"
	echo "edgeprobe --once and blackbox over the same $N endpoints, both on" \
	    "CPU 0; blackbox driven by $BBK curl --parallel-max $BBPER on CPU 1" \
	    "($((BBK * BBPER)) in flight)"
	printf "%-5s %6s %12s %12s %7s %14s %7s %9s %9s %10s %10s %11s %7s\n" \
	    key probes edgeprobe_ms blackbox_ms ep/bb "pair ep/bb" wins \
	    ep_srv_ms bb_srv_ms ep_probes/s bb_probes/s s_client_ms ep/sc
	for kt in $KEYS; do
		: >"$T/$kt-pairs"
		p=0
		while [ $p -lt "$PAIRS" ]; do
			e=$(once "$kt" pair "$T/$kt-high.conf") || exit 1
			b=$(bb_once "$kt") || exit 1
			echo "$e $b" >>"$T/$kt-pairs"
			p=$((p + 1))
		done
		eval "sc=\$SC_$kt"
		# Columns: ep_cpu ep_srv ep_wall ep_rss bb_cpu bb_srv bb_wall.
		awk -v kt="$kt" -v n="$N" -v sc="$sc" '
		function median(a, m,   i, j, t) {
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		}
		{
			m++
			ec[m] = $1; es[m] = $2; ew[m] = $3
			bc[m] = $5; bs[m] = $6; bw[m] = $7
			r = $5 > 0 ? $1 / $5 : 0
			rmin = (m == 1 || r < rmin) ? r : rmin
			rmax = (m == 1 || r > rmax) ? r : rmax
			wins += $1 < $5
		}
		END {
			e = median(ec, m) * 1000 / n; b = median(bc, m) * 1000 / n
			ewm = median(ew, m); bwm = median(bw, m)
			printf "%-5s %6d %12.3f %12.3f %7.2f %6.2f-%-7.2f %3d/%-3d %9.3f %9.3f %10.0f %10.0f %11.2f %7.2f\n",
			    kt, n, e, b, (b > 0 ? e / b : 0), rmin, rmax, wins, m,
			    median(es, m) * 1000 / n, median(bs, m) * 1000 / n,
			    (ewm > 0 ? n / ewm : 0), (bwm > 0 ? n / bwm : 0),
			    sc, (sc > 0 ? e / sc : 0)
		}' "$T/$kt-pairs"
	done
	BBRSS=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$BBPID/status")
	echo "(edgeprobe_ms, blackbox_ms: user+sys CPU per probe of the" \
	    "edgeprobe process and of the blackbox_exporter process, median of" \
	    "the $PAIRS runs;"
	echo " ep/bb: the ratio of the medians, below 1 when edgeprobe spends" \
	    "less; pair ep/bb: the lowest and highest of the ratios of each pair;" \
	    "wins: pairs where edgeprobe spent less;"
	echo " ep_srv_ms, bb_srv_ms: the nginx worker's CPU per probe in the" \
	    "same runs; s_client_ms: from the table above; ep/sc: edgeprobe /" \
	    "s_client; blackbox peak RSS ${BBRSS} MB)"
fi

# The OpenSSL operations of one probe in isolation (benchcost.c): the
# crypto floor, and what parsing the two certificates costs by itself.
echo
$PIN "$BENCHCOST" "$T/pki" >"$T/cost.out" || die "benchcost failed"
printf "%-5s %9s %9s %12s %9s %9s %9s %12s\n" key X25519 sig_check \
    verify_chain d2i_X509 decoder floor_ms floor+2xd2i
awk '
NR > 1 { c[$1, $2 == "X509_verify_cert" ? "chain" : $2] = $NF; k[$1] = 1 }
END {
	for (kt in k) {
		floor = c[kt, "X25519"] + 3 * c[kt, "X509_verify"]
		printf "%-5s %9.0f %9.0f %12.0f %9.0f %9.0f %9.3f %12.3f\n",
		    kt, c[kt, "X25519"], c[kt, "X509_verify"], c[kt, "chain"],
		    c[kt, "d2i_X509"], c[kt, "decoder_setup"], floor / 1000,
		    (floor + 2 * c[kt, "d2i_X509"]) / 1000
	}
}' "$T/cost.out" | sort
echo "(OpenSSL $SSLV in isolation, CPU us per operation: X25519 keygen +" \
    "derive; one certificate signature check; X509_verify_cert of leaf +" \
    "intermediate;"
echo " d2i_X509 of the leaf, as libssl parses each certificate received;" \
    "decoder: OSSL_DECODER_CTX_new_for_pkey alone, inside d2i_X509;"
echo " floor_ms = X25519 + 3 signature checks; floor+2xd2i adds parsing the" \
    "two certificates the server sends)"

# BENCH_PROFILE=1: where the instructions go, from callgrind (exact and
# repeatable where CPU time is not): per probe, the inclusive cost of the
# functions that matter, over BENCH_PROFILE_N (200) endpoints at once.
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	command -v valgrind >/dev/null || die "BENCH_PROFILE=1 needs valgrind"
	PN=${BENCH_PROFILE_N:-200}
	[ "$PN" -le "$N" ] || PN=$N
	for kt in $KEYS; do
		head -n "$PN" "$T/$kt.eps" >"$T/$kt-prof.eps"
		$GEN edgeprobe "$T/$kt-prof.eps" "$T/pki/$kt/ca.pem" "$PN" \
		    >"$T/$kt-prof.conf"
		valgrind --tool=callgrind --callgrind-out-file="$T/$kt.callgrind" \
		    "$EDGEPROBE" -c "$T/$kt-prof.conf" --once >"$T/$kt-prof.out" \
		    2>"$T/$kt-prof.err" || die "$kt: the callgrind run failed"
		callgrind_annotate --inclusive=yes --threshold=100 \
		    "$T/$kt.callgrind" >"$T/$kt.annotate" 2>/dev/null
	done
	echo
	echo "callgrind: thousands of instructions per probe (inclusive), $PN" \
	    "endpoints at concurrency $PN"
	# One column per key type; a function's cost is its largest entry
	# (callgrind lists some twice, under two file names).
	awk -v pn="$PN" -v keys="$KEYS" '
	BEGIN {
		nf = split("PROGRAM_TOTALS SSL_do_handshake d2i_X509 " \
		    "OSSL_DECODER_CTX_new_for_pkey OSSL_DECODER_from_data " \
		    "EVP_DigestVerify EVP_PKEY_keygen EVP_PKEY_derive " \
		    "EVP_KDF_derive SSL_new SSL_free policy_evaluate " \
		    "X509_verify_cert X509_verify report_human malloc free " \
		    "pthread_rwlock_rdlock pthread_rwlock_wrlock " \
		    "pthread_rwlock_unlock", fn, " ")
		nk = split(keys, kt, " ")
	}
	FNR == 1 { k++; insrc = 0 }
	/^-- Auto-annotated source/ { insrc = 1 }
	insrc { next }
	/PROGRAM TOTALS/ { gsub(",", "", $1); v[k, "PROGRAM_TOTALS"] = $1 }
	(i = index($0, "%)")) > 0 {
		c = $1; gsub(",", "", c)
		split(substr($0, i + 2), w, " ")
		if (w[1] !~ /:/)
			next
		name = w[1]; sub(/.*:/, "", name); sub(/@.*/, "", name)
		if (c + 0 > v[k, name] + 0)
			v[k, name] = c
	}
	END {
		printf "%-30s", "function"
		for (j = 1; j <= nk; j++)
			printf " %9s", kt[j]
		printf "\n"
		for (i = 1; i <= nf; i++) {
			printf "%-30s", fn[i]
			for (j = 1; j <= nk; j++)
				printf " %9.0f", v[j, fn[i]] / pn / 1000
			printf "\n"
		}
	}' $(for kt in $KEYS; do echo "$T/$kt.annotate"; done)
	echo "(EVP_DigestVerify: the three signature checks, CertificateVerify" \
	    "in the handshake and two in X509_verify_cert)"
fi
# What SIP OPTIONS adds, against a real Kamailio (BENCH_SIP=0 skips it).
if [ "${BENCH_SIP:-1}" = 1 ] && command -v kamailio >/dev/null; then
	BUILD=$BUILD EDGEPROBE=$EDGEPROBE sh "$TOP/tests/bench/sip.sh" ||
	    echo "sip bench failed" >&2
fi
grep -q "\[emerg\]\|\[alert\]\|\[crit\]" "$T/error.log" 2>/dev/null &&
    { echo "nginx errors:" >&2; grep "\[emerg\]\|\[alert\]\|\[crit\]" "$T/error.log" | head >&2; }
exit 0
