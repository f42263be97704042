# lib.sh: helpers shared by the regress scenarios; source it first.
#
#	. "$(dirname "$0")/lib.sh"
#
# It sets EDGEPROBE to an absolute path (tests/run.sh exports it; the
# default is build/edgeprobe), makes a private temporary directory $T that
# is removed on exit, and provides TAP helpers. A scenario prints one line
# per case, "ok - name" or "not ok - name" with "# " diagnostics below it,
# and ends with `tap_done`, whose exit status says whether all passed.

: "${EDGEPROBE:=build/edgeprobe}"
case "$EDGEPROBE" in
/*)	;;
*)	EDGEPROBE=$(pwd)/$EDGEPROBE ;;
esac
export EDGEPROBE

# The repository's top directory, whatever the current directory.
TOP=$(cd "$(dirname "$0")/../.." && pwd)

TAP_FAILED=0
TAP_COUNT=0

T=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-regress.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# tap_ok NAME: one passing case.
tap_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok - $1"
}

# tap_not_ok NAME [LINE...]: one failing case, with diagnostic lines.
tap_not_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok - $1"
	shift
	for l in "$@"; do
		echo "# $l"
	done
}

# tap_diag FILE [LABEL]: a file's lines as diagnostics.
tap_diag() {
	[ -f "$1" ] || return 0
	echo "# --- ${2:-$1}:"
	sed 's/^/#   /' "$1"
}

# tap_require_binary: stop with one failing case when EDGEPROBE is missing.
tap_require_binary() {
	if [ ! -x "$EDGEPROBE" ]; then
		tap_not_ok "edgeprobe binary present" \
		    "$EDGEPROBE is not built (make)"
		exit 1
	fi
}

# tap_require_tools PATH...: stop with one failing case unless each PATH
# is an executable (pass "$(command -v NAME)" for a tool on PATH).
tap_require_tools() {
	for _rt in "$@"; do
		if [ ! -x "$_rt" ]; then
			tap_not_ok "test tools present" "missing: $_rt (make" \
			    "tests, make deps)"
			tap_done
		fi
	done
}

# tap_expect NAME EXPECTED ACTUAL [FILE...]: one case comparing two strings;
# the FILEs are shown when they differ.
tap_expect() {
	_n=$1 _e=$2 _a=$3
	shift 3
	if [ "$_e" = "$_a" ]; then
		tap_ok "$_n"
	else
		tap_not_ok "$_n" "expected: $_e" "actual:   $_a"
		for _f in "$@"; do
			tap_diag "$_f"
		done
	fi
}

# tap_mint_files DIR: the test PKI as files (epfixture mint-files), or stop.
tap_mint_files() {
	if ! "${EPFIXTURE:-$TOP/${BUILD:-build}/tests/epfixture}" mint-files \
	    "$1" >"$T/mint.log" 2>&1; then
		tap_not_ok "epfixture mint-files" "$(cat "$T/mint.log")"
		tap_done
	fi
}

# tap_done: exit 0 when every case passed and there was at least one.
tap_done() {
	[ "$TAP_COUNT" -gt 0 ] && [ "$TAP_FAILED" -eq 0 ]
	exit $?
}
