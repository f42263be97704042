# atexit.sh: one exit trap for the sourced peer libraries
# (tests/lib/kamailio.sh, tests/lib/dnssrv.sh); they source it themselves.
#
#	atexit FUNC	run FUNC on exit, the last registered first, then
#			the cleanup that tests/regress/fixture.sh or
#			tests/lib/daemon.sh would run (when sourced), then
#			remove $T
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
