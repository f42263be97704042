# fixture.sh: loopback Edge servers for the regress scenarios; source it
# after lib.sh.
#
#	fixture_start DIR SCENARIO[@BIND]...	epfixture in the background
#					(FIXTURE_OPTS=-s: one port for all)
#	fixture_port DIR NAME [BIND]		the port it serves NAME on
#	fixture_stop				end it
#
# EPFIXTURE is exported by tests/run.sh (default build/tests/epfixture).

: "${EPFIXTURE:=$TOP/build/tests/epfixture}"
FIXTURE_PIDS=""

# fixture_start DIR ARGS...: serve scenarios, wait (10 s at most) until up.
fixture_start() {
	_dir=$1
	shift
	"$EPFIXTURE" -t 300 ${FIXTURE_OPTS:-} "$_dir" "$@" </dev/null >"$_dir.log" 2>&1 &
	FIXTURE_PIDS="$FIXTURE_PIDS $!"
	_i=0
	while [ ! -f "$_dir/ports" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -f "$_dir/ports" ] || { cat "$_dir.log" >&2; return 1; }
}

# fixture_port DIR NAME [BIND]: the port of a served scenario.
fixture_port() {
	awk -v n="$2" -v b="${3:-}" \
	    '$1 == n && (b == "" || $2 == b) { print $3; exit }' "$1/ports"
}

# fixture_stop: end every fixture this script started.
fixture_stop() {
	for _p in $FIXTURE_PIDS; do
		kill "$_p" 2>/dev/null
	done
	wait 2>/dev/null
	FIXTURE_PIDS=""
}

trap 'fixture_stop; rm -rf "$T"' EXIT
