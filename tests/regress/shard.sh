#!/bin/sh
# shard = "K/N": N instances given one file share its targets with no
# coordination. The N shards' --once results partition the endpoints of the
# unsharded run exactly (none twice, none missing), every target's members
# and ports stay in one shard, and --check-config says what a shard owns.
# The endpoints are closed loopback ports: each probe is a fast
# CONNECT_FAILED, which is all the partition needs.
. "$(dirname "$0")/lib.sh"
tap_require_binary

# conf SHARD: 60 targets, each a pool of two loopback members on two ports.
conf() {
	[ -n "$1" ] && echo "shard = \"$1\";"
	echo "timeout = 2; concurrency = 200;"
	echo "targets = ("
	i=1
	while [ $i -le 60 ]; do
		sep=","
		[ $i -eq 60 ] && sep=""
		echo "  { name = \"edge-$i\"; host = \"edge$i.test\";"
		echo "    pool = [\"127.0.0.$((i % 7 + 1))\", \"127.0.1.$((i % 5 + 1))\"];"
		echo "    ports = [1, 9]; }$sep"
		i=$((i + 1))
	done
	echo ");"
}

# endpoints FILE: "target address port" of every result, sorted.
endpoints() {
	jq -r '.results[] | "\(.target) \(.address) \(.port)"' "$1" | sort
}

conf "" >"$T/all.conf"
timeout 60 "$EDGEPROBE" -c "$T/all.conf" --once --json >"$T/all.json" 2>"$T/all.err"
endpoints "$T/all.json" >"$T/all.ep"
n_all=$(wc -l <"$T/all.ep")
[ "$n_all" -eq 240 ] && tap_ok "unsharded: 240 endpoints" ||
    tap_not_ok "unsharded: 240 endpoints" "$n_all" "$(cat "$T/all.err")"

for N in 2 3 7; do
	: >"$T/union.ep"
	k=1
	owned=0
	while [ $k -le $N ]; do
		conf "$k/$N" >"$T/s.conf"
		timeout 60 "$EDGEPROBE" -c "$T/s.conf" --once --json \
		    >"$T/s$k.json" 2>"$T/s.err"
		endpoints "$T/s$k.json" >>"$T/union.ep"
		"$EDGEPROBE" -c "$T/s.conf" --check-config >"$T/cc" 2>&1
		t=$(jq '[.results[].target] | unique | length' "$T/s$k.json")
		owned=$((owned + t))
		got=$(sed -n 2p "$T/cc")
		exp="shard $k/$N: $t target$([ "$t" = 1 ] || echo s), $((t * 4)) endpoint$([ $((t * 4)) = 1 ] || echo s) before DNS"
		[ "$got" = "$exp" ] || tap_not_ok "N=$N: --check-config of shard $k" \
		    "expected: $exp" "actual:   $got"
		k=$((k + 1))
	done
	sort "$T/union.ep" >"$T/union.sorted"
	if cmp -s "$T/union.sorted" "$T/all.ep" &&
	    [ -z "$(uniq -d "$T/union.sorted")" ]; then
		tap_ok "N=$N: the shards partition the 240 endpoints exactly"
	else
		tap_not_ok "N=$N: the shards partition the 240 endpoints exactly" \
		    "$(diff "$T/union.sorted" "$T/all.ep" | head -5)"
	fi
	[ "$owned" -eq 60 ] && tap_ok "N=$N: every target in exactly one shard, with all 4 of its endpoints" ||
	    tap_not_ok "N=$N: every target in exactly one shard" "$owned"
done
# A target's endpoints never split: per shard, each target has all 4.
bad=$(for f in "$T"/s*.json; do
	jq -r '.results[].target' "$f" | sort | uniq -c | awk '$1 != 4'
done)
[ -z "$bad" ] && tap_ok "each target's members and ports stay together" ||
    tap_not_ok "each target's members and ports stay together" "$bad"

# Bad shards are configuration errors.
printf 'shard = "4/3";\ntargets = ({ name = "a"; host = "a.test"; });\n' >"$T/bad.conf"
"$EDGEPROBE" -c "$T/bad.conf" --check-config >/dev/null 2>"$T/bad.err"
rc=$?
[ $rc -eq 3 ] && grep -q "^$T/bad.conf:1: " "$T/bad.err" &&
    tap_ok "shard 4/3: FILE:LINE, exit 3" ||
    tap_not_ok "shard 4/3: FILE:LINE, exit 3" "rc $rc" "$(cat "$T/bad.err")"
"$EDGEPROBE" -c "$T/all.conf" --check-config >"$T/cc" 2>&1
[ "$(cat "$T/cc")" = "$T/all.conf: configuration OK, 60 targets" ] &&
    tap_ok "without shard, --check-config says what it always said" ||
    tap_not_ok "without shard, --check-config says what it always said" "$(cat "$T/cc")"
tap_done
