#!/bin/sh
# Members and DNS: a real DNS server (dnsmasq) on loopback answers for a
# DNS load-balanced Edge pool; every member is probed, a pool whose members
# disagree is POOL_MISMATCH, a name that does not resolve is DNS_FAILED.
# EDGEPROBE_RESOLV_CONF points edgeprobe at it: no query leaves loopback.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary

DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$DNSMASQ" ]; then
	tap_not_ok "dnsmasq is installed" "run make deps"
	tap_done
fi

FX=$T/fx
FIXTURE_OPTS=-s fixture_start "$FX" compliant@127.0.0.1 compliant@127.0.0.2 \
    compliant@::1 compliant@127.0.0.3 other-leaf@127.0.0.4 || {
	tap_not_ok "fixture servers start"
	tap_done
}
P=$(fixture_port "$FX" compliant)

# A DNS server on a free loopback port; up to five ports are tried.
DNSPID=""
for try in 1 2 3 4 5; do
	DNSPORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	rm -f "$T/dnsmasq.log"
	"$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --no-resolv \
	    --no-hosts --no-poll --listen-address=127.0.0.1 --bind-interfaces \
	    --port="$DNSPORT" --user=root --pid-file= \
	    --host-record=edge.pool.test,127.0.0.1 \
	    --host-record=edge.pool.test,127.0.0.2 \
	    --host-record=edge.pool.test,::1 \
	    --host-record=mixed.pool.test,127.0.0.3 \
	    --host-record=mixed.pool.test,127.0.0.4 \
	    --address=/nx.test/ --log-facility="$T/dnsmasq.log" \
	    >"$T/dnsmasq.out" 2>&1 &
	DNSPID=$!
	i=0
	while [ $i -lt 30 ] && ! grep -q started "$T/dnsmasq.log" 2>/dev/null &&
	    kill -0 $DNSPID 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q started "$T/dnsmasq.log" 2>/dev/null && break
	kill $DNSPID 2>/dev/null
	DNSPID=""
done
if [ -z "$DNSPID" ]; then
	tap_not_ok "dnsmasq starts" "$(cat "$T/dnsmasq.out")"
	tap_done
fi
trap 'kill $DNSPID 2>/dev/null; fixture_stop; rm -rf "$T"' EXIT
echo "nameserver 127.0.0.1:$DNSPORT" >"$T/resolv.conf"
EDGEPROBE_RESOLV_CONF=$T/resolv.conf
export EDGEPROBE_RESOLV_CONF

# conf NAME TARGET_SETTINGS: a one-target configuration.
conf() {
	cat >"$T/$1.conf" <<CONF
timeout = 5;
ca_file = "$FX/ca.pem";
targets = ( { name = "$1"; sni = "sip.contoso.com"; public_im = true; $2 } );
CONF
}

# check CASE NAME WANT_RC JQ...: run --once --json on NAME.conf and judge.
check() {
	_case=$1 _name=$2 _want=$3
	shift 3
	"$EDGEPROBE" -c "$T/$_name.conf" --once --json >"$T/$_name.json" \
	    2>"$T/$_name.err"
	_rc=$?
	if [ $_rc -ne "$_want" ]; then
		tap_not_ok "$_case" "exit status $_rc, want $_want"
		tap_diag "$T/$_name.json" json
		tap_diag "$T/$_name.err" stderr
		return
	fi
	for _e in "$@"; do
		if ! jq -e "$_e" "$T/$_name.json" >/dev/null 2>&1; then
			tap_not_ok "$_case" "jq -e '$_e' is false"
			tap_diag "$T/$_name.json" json
			return
		fi
	done
	tap_ok "$_case"
}

conf pool "host = \"edge.pool.test\"; ports = [$P];"
check "a name with two A and one AAAA: three members, all probed" pool 0 \
    '[.results[].address] | sort == ["127.0.0.1", "127.0.0.2", "::1"]' \
    '[.results[] | .status] == ["ok", "ok", "ok"]' \
    '[.results[] | .host] | unique == ["edge.pool.test"]' \
    '[.results[].chain[0].sha256] | unique | length == 1'

conf mixed "host = \"mixed.pool.test\"; ports = [$P];"
check "members presenting different leaves: POOL_MISMATCH on each" mixed 1 \
    '[.results[].address] | sort == ["127.0.0.3", "127.0.0.4"]' \
    '[.results[] | [.findings[] | .code + ":" + .severity]] == [["POOL_MISMATCH:warning"], ["POOL_MISMATCH:warning"]]' \
    '[.results[].chain[0].sha256] | unique | length == 2'

conf poolnames "host = \"sip.contoso.com\"; pool = [\"127.0.0.1\", \"edge.pool.test\"]; ports = [$P];"
check "pool of an address and a name: every address once" poolnames 0 \
    '[.results[].address] == ["127.0.0.1", "127.0.0.2", "::1"] or [.results[].address] == ["127.0.0.1", "::1", "127.0.0.2"]'

conf nx "host = \"missing.nx.test\"; ports = [$P, 5061];"
check "a host that does not resolve: DNS_FAILED, one result per port" nx 2 \
    '.results | length == 2' \
    '[.results[] | .address] == ["missing.nx.test", "missing.nx.test"]' \
    "[.results[] | .port] == [$P, 5061]" \
    '[.results[] | [.findings[].code]] == [["DNS_FAILED"], ["DNS_FAILED"]]' \
    '[.results[] | .chain == [] and .tls == null and .days_left == null and .handshake_ms == null] | all' \
    '.results[0].findings[0].message | test("missing.nx.test")'

conf poolnx "host = \"sip.contoso.com\"; pool = [\"127.0.0.1\", \"gone.nx.test\"]; ports = [$P];"
check "a pool member that does not resolve: DNS_FAILED beside the others" poolnx 2 \
    '[.results[] | .address + "=" + .status] == ["127.0.0.1=ok", "gone.nx.test=critical"]'

"$EDGEPROBE" probe "edge.pool.test:$P" --sni sip.contoso.com \
    --ca-file "$FX/ca.pem" --json >"$T/probe.json" 2>&1
rc=$?
if [ $rc -eq 0 ] && jq -e '[.results[].address] | sort == ["127.0.0.1", "127.0.0.2", "::1"]' \
    "$T/probe.json" >/dev/null; then
	tap_ok "probe HOST: every address HOST resolves to"
else
	tap_not_ok "probe HOST: every address HOST resolves to" "exit $rc"
	tap_diag "$T/probe.json"
fi

tap_done
