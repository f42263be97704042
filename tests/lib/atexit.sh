# atexit.sh: the life of the peers that tests start (tests/lib/kamailio.sh,
# tests/lib/dnssrv.sh source it themselves).
#
#	atexit FUNC	run FUNC on exit, the last registered first, then
#			the cleanup that tests/regress/fixture.sh or
#			tests/lib/daemon.sh would run (when sourced), then
#			remove $T
#	watchdog PID SECONDS
#			SIGTERM to PID's process group (to PID when it leads
#			none) after SECONDS, or within a second of this shell
#			being gone (even killed with SIGKILL, when no trap
#			runs); sets WATCHDOG_PID, to kill once PID is stopped
#	alive PID	whether PID runs (a zombie, exited but not yet
#			waited for, does not)
#
# Source the peer libraries after tests/regress/lib.sh, fixture.sh and
# daemon.sh: each of those sets the EXIT trap to its own cleanup, and the
# trap set here runs theirs too.

ATEXIT_FUNCS=${ATEXIT_FUNCS:-}

# atexit FUNC: run FUNC on exit.
atexit() {
	case " $ATEXIT_FUNCS " in
	*" $1 "*)	;;
	*)	ATEXIT_FUNCS="$1 $ATEXIT_FUNCS" ;;
	esac
	trap atexit_run EXIT
}

# atexit_run: the exit trap.
atexit_run() {
	for _af in $ATEXIT_FUNCS; do
		"$_af"
	done
	if command -v fixture_stop >/dev/null 2>&1; then
		fixture_stop
	fi
	if command -v dl_cleanup >/dev/null 2>&1; then
		dl_cleanup
	fi
	[ -n "${T:-}" ] && rm -rf "$T"
}

# watchdog PID SECONDS: stop PID when this shell is gone or in SECONDS.
watchdog() {
	_wself=$$
	(
		_wi=0
		while [ $_wi -lt "$2" ] && kill -0 "$_wself" 2>/dev/null &&
		    alive "$1"; do
			sleep 1
			_wi=$((_wi + 1))
		done
		kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	WATCHDOG_PID=$!
}

# alive PID: 0 when PID exists and is not a zombie.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	_as=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${_as%% *}" != Z ]
}
