#!/bin/sh
# The engine tests, short --once rounds and a few daemon rounds under
# valgrind memcheck: no invalid access, no use of uninitialised memory, no
# definite leak (--error-exitcode, --leak-check=full,
# --errors-for-leak-kinds=definite).
# Libraries' known noise is suppressed in tests/valgrind.supp, each entry
# with its reason. Skipped under the SANITIZE build: ASan and valgrind do
# not mix.
#
# Generating an RSA-2048 key takes some 20 s under valgrind, so the engine
# test first runs natively with MINT_KEYDIR pointing at a temporary
# directory (its keys, minted now, are kept there), then under valgrind,
# where it reads the same keys back (tests/lib/mint.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"

BUILD=${BUILD:-build}
case "$BUILD:$EDGEPROBE" in
*san*)
	echo "ok - valgrind memcheck # skip SANITIZE build: ASan and valgrind do not mix"
	exit 0 ;;
esac
tap_require_binary
if ! command -v valgrind >/dev/null 2>&1; then
	tap_not_ok "valgrind is installed (make deps)"
	tap_done
fi

ENGINE=$TOP/$BUILD/tests/test_engine
SUPP=$TOP/tests/valgrind.supp
VG_RC=99
VG="valgrind -q --error-exitcode=$VG_RC --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --suppressions=$SUPP --num-callers=30"

if [ ! -x "$ENGINE" ]; then
	tap_not_ok "test_engine under valgrind" "$ENGINE is not built"
	tap_done
fi

mkdir "$T/keys"
if ! MINT_KEYDIR=$T/keys "$ENGINE" >"$T/native.log" 2>&1; then
	tap_not_ok "test_engine natively, keys kept for the valgrind run"
	tap_diag "$T/native.log"
fi

t0=$(date +%s)
# shellcheck disable=SC2086
MINT_KEYDIR=$T/keys $VG --log-file="$T/vg-engine.log" "$ENGINE" \
    >"$T/engine.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$T/vg-engine.log" ]; then
	tap_ok "test_engine under valgrind: no error, no definite leak"
	echo "# $(grep -c '^\[       OK \]' "$T/engine.log") engine tests in $(($(date +%s) - t0)) s"
else
	tap_not_ok "test_engine under valgrind: no error, no definite leak" \
	    "exit status $rc"
	tap_diag "$T/vg-engine.log" valgrind
	tap_diag "$T/engine.log" test_engine
fi

# A round of the real binary: healthy and hostile endpoints, every
# outcome path of the engine, the policy and both outputs.
FX=$T/fx
fixture_start "$FX" compliant silent alert close chain100 hostile-names \
    require-cert closed || {
	tap_not_ok "fixture servers start"
	tap_done
}
{
	echo "timeout = 5; ca_file = \"$FX/ca.pem\"; targets = ("
	sep=""
	for s in compliant silent alert close chain100 hostile-names \
	    require-cert closed; do
		echo "$sep{ name = \"$s\"; host = \"sip.contoso.com\";"
		echo "  pool = [\"127.0.0.1\"]; ports = [$(fixture_port "$FX" "$s")]; }"
		sep=,
	done
	echo ");"
} >"$T/once.conf"

for mode in --json ""; do
	name="edgeprobe --once ${mode:-(human report)} under valgrind: no error, no definite leak"
	# shellcheck disable=SC2086
	$VG --log-file="$T/vg-once.log" "$EDGEPROBE" -c "$T/once.conf" --once \
	    $mode >"$T/once.out" 2>"$T/once.err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$T/vg-once.log" ] &&
	    { [ -z "$mode" ] || jq -e '[.results[] | .status] ==
	    ["ok", "critical", "critical", "critical", "ok", "critical",
	    "critical", "critical"]' "$T/once.out" >/dev/null; }; then
		tap_ok "$name"
	else
		tap_not_ok "$name" "exit status $rc (2 wanted, $VG_RC: valgrind)"
		tap_diag "$T/vg-once.log" valgrind
		tap_diag "$T/once.out" stdout
		tap_diag "$T/once.err" stderr
	fi
done

# The daemon for a few rounds (interval 1), then SIGTERM: the paths only
# the daemon takes (schedule, rounds, change events, stop).
sed 's/^timeout = 5;/interval = 1; timeout = 2;/' "$T/once.conf" >"$T/daemon.conf"
: >"$T/daemon.err"
# shellcheck disable=SC2086
$VG --log-file="$T/vg-daemon.log" "$EDGEPROBE" -c "$T/daemon.conf" -f \
    </dev/null >/dev/null 2>>"$T/daemon.err" &
vpid=$!
i=0
while [ "$(grep -c '^target=' "$T/daemon.err")" -lt 24 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
n=$(grep -c '^target=' "$T/daemon.err")
kill -TERM "$vpid"
i=0
while kill -0 "$vpid" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL "$vpid" 2>/dev/null
wait "$vpid"
rc=$?
if [ $rc -eq 0 ] && [ "$n" -ge 24 ] && [ ! -s "$T/vg-daemon.log" ] &&
    grep -q '^event=exit' "$T/daemon.err"; then
	tap_ok "the daemon under valgrind, $n results then SIGTERM: no error, no definite leak"
else
	tap_not_ok "the daemon under valgrind: no error, no definite leak" \
	    "exit status $rc, $n result lines"
	tap_diag "$T/vg-daemon.log" valgrind
	tap_diag "$T/daemon.err" stderr
fi

tap_done
