# lib.sh: what tests/bench/bench.sh and scale.sh share; source it.

# bench_stop PID: SIGTERM, up to 5 s to go, then SIGKILL. Nothing if PID is
# empty or already gone.
bench_stop() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	_bs=0
	while kill -0 "$1" 2>/dev/null && [ $_bs -lt 50 ]; do
		sleep 0.1
		_bs=$((_bs + 1))
	done
	kill -KILL "$1" 2>/dev/null
	return 0
}
