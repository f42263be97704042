#!/bin/sh
# A DNS load-balanced pool is followed: the name is resolved again at every
# round (here by dnsmasq on loopback, its hosts file edited between rounds),
# a new member is probed from the next round on (its first probe is no
# change), a member that left is forgotten with a NOTICE, and POOL_MISMATCH
# is judged over the members of one round: when one presents another leaf,
# every member's line of that round carries it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$DNSMASQ" ]; then
	tap_not_ok "dnsmasq is installed (make deps: dnsmasq-base)"
	tap_done
fi

F=$T/fx
if ! dl_fixture "$F" compliant other-leaf; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
PC=$(dl_port "$F" compliant)
S_OK=$(dl_sha "$F" compliant)
S_OTHER=$(dl_sha "$F" other-leaf)
# Three relays, one port, three loopback addresses: three pool members.
P=$(dl_relay m1 127.0.0.1 0 127.0.0.1 "$PC")
dl_relay m2 127.0.0.2 "$P" 127.0.0.1 "$PC" >/dev/null
dl_relay m3 127.0.0.3 "$P" 127.0.0.1 "$PC" >/dev/null
if [ -z "$P" ] || [ ! -f "$T/relay-m2.port" ] || [ ! -f "$T/relay-m3.port" ]; then
	tap_not_ok "three relays on 127.0.0.1-3 port $P" \
	    "$(cat "$T"/relay-*.log)"
	tap_done
fi

# The loopback DNS server, on a free port.
DP=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
    LocalAddr => "127.0.0.1", LocalPort => 0, Proto => "udp")->sockport')
printf '127.0.0.1 pool.test\n127.0.0.2 pool.test\n' >"$T/hosts"
"$DNSMASQ" -k --conf-file=/dev/null --port="$DP" \
    --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --addn-hosts="$T/hosts" --pid-file="$T/dnsmasq.pid" --user=root \
    --group=root >"$T/dnsmasq.log" 2>&1 &
DNSPID=$!
DL_PIDS="$DL_PIDS $DNSPID"
# hosts LINE...: rewrite the hosts file and make dnsmasq read it.
hosts() {
	printf '%s\n' "$@" >"$T/hosts"
	kill -HUP $DNSPID
	dl_sleep 0.3
}

cat >"$T/edgeprobe.conf" <<EOF
interval = 1;
timeout = 2;
ca_file = "$F/ca.pem";
syslog = { ident = "$DL_IDENT"; facility = "daemon"; };
targets = (
  { name = "pool"; host = "pool.test"; sni = "sip.contoso.com";
    ports = [$P]; }
);
EOF
printf 'nameserver 127.0.0.1:%s\n' "$DP" >"$T/resolv.conf"
EP="target=pool host=pool.test"
line() {	# line ADDR STATUS SHA FINDINGS: one result line as logged
	pri=30
	[ "$2" = warning ] && pri=28
	echo "$pri $EP address=$1 port=$P status=$2 days_left=365 sha256=$3 findings=$4"
}

dl_start "$T/edgeprobe.conf" -v
dl_check "both members of pool.test are probed" \
    dl_wait "^30 $EP address=127.0.0.2 " 2 10
# dnsmasq rotates the addresses it answers: compare rounds sorted.
dl_expect "a round logs one exact line per member" \
    "$(line 127.0.0.1 ok "$S_OK" -)|$(line 127.0.0.2 ok "$S_OK" -)" \
    "$(dl_lines | grep "^[0-9]* $EP " | head -n 2 | sed 's/ msg=.*//' |
	sort | paste -sd'|')"

# The pool grows.
hosts "127.0.0.1 pool.test" "127.0.0.2 pool.test" "127.0.0.3 pool.test"
dl_check "the new member 127.0.0.3 is probed" \
    dl_wait "^30 $EP address=127.0.0.3 " 2 10
dl_expect "its first probe is no change" 0 \
    "$(dl_count 'event=(status|cert)_change')"

# One member presents another leaf: POOL_MISMATCH on all, in that round.
dl_switch m3 127.0.0.1 "$(dl_port "$F" other-leaf)"
dl_check "POOL_MISMATCH appears" dl_wait "findings=POOL_MISMATCH" 3 10
dl_expect "the round's three lines all carry POOL_MISMATCH (warning)" \
    "$(line 127.0.0.1 warning "$S_OK" POOL_MISMATCH)|$(line 127.0.0.2 warning "$S_OK" POOL_MISMATCH)|$(line 127.0.0.3 warning "$S_OTHER" POOL_MISMATCH)" \
    "$(dl_lines | grep "^[0-9]* $EP .*POOL_MISMATCH" | head -n 3 |
	sed 's/ msg=.*//' | sort | paste -sd'|')"
dl_expect "three status changes and one certificate change" \
    "3 1" "$(dl_count 'event=status_change .* from=ok to=warning findings=POOL_MISMATCH$') $(dl_count "event=cert_change $EP address=127.0.0.3 port=$P from_sha256=$S_OK to_sha256=$S_OTHER\$")"

# The odd member leaves the pool.
hosts "127.0.0.1 pool.test" "127.0.0.2 pool.test"
dl_check "the member that left is forgotten" \
    dl_wait "event=endpoint_removed" 1 10
dl_expect "with one exact NOTICE" \
    "29 event=endpoint_removed $EP address=127.0.0.3 port=$P" \
    "$(dl_lines | grep 'event=endpoint_removed')"
dl_check "the two left agree again" \
    dl_wait "event=status_change .* from=warning to=ok" 2 10
n=$(dl_count "^[0-9]* $EP address=127.0.0.1 ")
dl_wait "^[0-9]* $EP address=127.0.0.1 " $((n + 1)) 10
dl_expect "no line of 127.0.0.3 after it left" "" \
    "$(dl_lines | sed -n '/event=endpoint_removed/,$p' |
	grep "^[0-9]* $EP address=127.0.0.3 ")"

dl_stop TERM
dl_expect "exit status 0" 0 "$DL_RC"
tap_done
