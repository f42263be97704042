#!/bin/sh
# Run each fuzz target for a bounded time on a copy of its committed corpus
# (the committed corpus is never written to), with its dictionary.
# Usage: run.sh SECONDS FUZZER...
set -u
secs=$1
shift
rc=0
for f in "$@"; do
	name=$(basename "$f")
	short=${name#fuzz_}
	work=$(mktemp -d /tmp/edgeprobe-fuzz.XXXXXX)
	[ -d "tests/fuzz/corpus_$short" ] && cp -r "tests/fuzz/corpus_$short/." "$work/"
	dict=""
	[ -f "tests/fuzz/$short.dict" ] && dict="-dict=tests/fuzz/$short.dict"
	echo "fuzz: $name for ${secs}s"
	if ! "$f" $dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 "$work" >"$work.log" 2>&1; then
		rc=1
		echo "FAIL fuzz $name"
		tail -n 60 "$work.log"
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" |
		    sed "s/^/fuzz: $name: /"
	fi
	rm -rf "$work" "$work.log"
done
exit $rc
