#!/bin/sh
# Run every test: the unit programs (cmocka, TAP output) and the regress
# scenarios against the real binary. One line per case; logs are kept only
# for failures (under $BUILD/test-logs); the last line is "N passed, N failed".
BUILD=${BUILD:-build}
export BUILD
EDGEPROBE=$(pwd)/$BUILD/edgeprobe
EPFIXTURE=$(pwd)/$BUILD/tests/epfixture
export EDGEPROBE EPFIXTURE
logs=$BUILD/test-logs
rm -rf "$logs"
mkdir -p "$logs"
pass=0
fail=0

# tally NAME LOG RC: count the TAP lines of one program's output.
tally() {
	name=$1 log=$2 rc=$3
	np=0 nf=0
	while IFS= read -r line; do
		case "$line" in
		"not ok"*)
			nf=$((nf + 1))
			echo "FAIL $name: ${line#not ok }" ;;
		"ok "*)
			np=$((np + 1))
			echo "ok   $name: ${line#ok }" ;;
		esac
	done <"$log"
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		nf=1
		echo "FAIL $name: exited with status $rc"
	fi
	if [ "$np" -eq 0 ] && [ "$nf" -eq 0 ]; then
		nf=1
		echo "FAIL $name: ran no test"
	fi
	pass=$((pass + np))
	fail=$((fail + nf))
	if [ "$nf" -ne 0 ]; then
		echo "---- $log"
		sed 's/^/    /' "$log" | tail -n 60
	else
		rm -f "$log"
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	log=$logs/$(basename "$t").log
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$t" >"$log" 2>&1
	tally "$name" "$log" $?
done

for t in tests/regress/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in */lib.sh|*/fixture.sh) continue ;; esac
	name=regress/$(basename "$t" .sh)
	log=$logs/$(basename "$t" .sh).log
	timeout 300 sh "$t" >"$log" 2>&1
	tally "$name" "$log" $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
