#!/bin/sh
# Soak: thousands of probes against flapping servers (relays switched
# between a good certificate, another one, a renewal that lost clientAuth
# and a closed port, every 0.3 s) and hostile ones, interval 1, 192
# endpoints. File descriptors and resident memory of the daemon stay flat
# (/proc/PID/fd, /proc/PID/statm, sampled after a thousand-probe warm-up
# and at the end, the smallest of ten samples each, since probes come and
# go); the daemon exits
# 0 at the end (under SANITIZE=1, LeakSanitizer makes a leak an exit
# status).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lib/daemon.sh"
dl_require
MIN_PROBES=${SOAK_PROBES:-2000}

F=$T/fx
SCEN="compliant expiring noclient other-leaf selfsigned require-cert close rst garbage alert http closed"
# shellcheck disable=SC2086
if ! dl_fixture "$F" $SCEN; then
	tap_not_ok "epfixture starts" "$(cat "$F.log")"
	tap_done
fi
PORTS=""
for s in $SCEN; do
	PORTS="$PORTS${PORTS:+, }$(dl_port "$F" "$s")"
done
BACK="$(dl_port "$F" compliant) $(dl_port "$F" other-leaf) $(dl_port "$F" noclient) $(dl_port "$F" closed)"
for r in 1 2 3 4; do
	PORTS="$PORTS, $(dl_relay "f$r" 127.0.0.1 0 127.0.0.1 "$(dl_port "$F" compliant)")"
done

{
	echo "interval = 1;"
	echo "timeout = 2;"
	echo "concurrency = 50;"
	echo "ca_file = \"$F/ca.pem\";"
	echo "syslog = { ident = \"$DL_IDENT\"; };"
	echo "targets = ("
	for t in 1 2 3 4 5 6 7 8 9 10 11 12; do
		[ $t -gt 1 ] && echo ","
		echo "  { name = \"t$t\"; host = \"127.0.0.1\";"
		echo "    sni = \"sip.contoso.com\"; ports = [$PORTS]; }"
	done
	echo ");"
} >"$T/edgeprobe.conf"

# sample: the smallest fd count and RSS (kB) of ten samples 0.1 s apart.
sample() {
	fds=999999
	rss=999999999
	for i in 1 2 3 4 5 6 7 8 9 10; do
		f=$(ls "/proc/$DL_PID/fd" | wc -l)
		r=$(($(cut -d' ' -f2 "/proc/$DL_PID/statm") * $(getconf PAGESIZE) / 1024))
		[ "$f" -lt "$fds" ] && fds=$f
		[ "$r" -lt "$rss" ] && rss=$r
		dl_sleep 0.1
	done
	echo "$fds $rss"
}

# flap SECONDS: switch the relays round their backends until then.
flap() {
	end=$(($(date +%s) + $1))
	k=0
	while [ "$(date +%s)" -lt $end ]; do
		for r in 1 2 3 4; do
			set -- $BACK
			shift $(((k + r) % 4))
			dl_switch "f$r" 127.0.0.1 "$1"
		done
		k=$((k + 1))
		dl_sleep 0.3
	done
}

dl_start "$T/edgeprobe.conf"
flap 120 &
FLAP=$!
DL_PIDS="$DL_PIDS $FLAP"
# The first thousand probes warm the heap up to its working size.
dl_check "a thousand probes to warm up" dl_wait "^[0-9]+ target=t" 1000 30
set -- $(sample)
FD0=$1 RSS0=$2
P0=$(dl_count "^[0-9]+ target=t")
dl_check "$MIN_PROBES more probes within 120 s" \
    dl_wait "^[0-9]+ target=t" $((P0 + MIN_PROBES)) 120
kill $FLAP 2>/dev/null
set -- $(sample)
FD1=$1 RSS1=$2
P1=$(dl_count "^[0-9]+ target=t")
EV=$(dl_count "event=(status|cert)_change")
dl_stop TERM
echo "# probes logged: $P1 ($((P1 - P0)) between the samples), events: $EV"
echo "# fds: $FD0 -> $FD1; RSS: $RSS0 kB -> $RSS1 kB"

dl_expect "exit status 0 (no leak under LeakSanitizer)" 0 "$DL_RC"
if [ "$FD1" -le "$FD0" ]; then
	tap_ok "file descriptors flat: $FD0 -> $FD1"
else
	tap_not_ok "file descriptors flat" "$FD0 -> $FD1"
fi
case "$BUILD" in
*san*)
	# ASan's quarantine holds freed memory on purpose.
	tap_ok "RSS $RSS0 -> $RSS1 kB (not judged under ASan)" ;;
*)
	if [ $((RSS1 - RSS0)) -le 1024 ]; then
		tap_ok "resident memory flat (+1 MB at most): $RSS0 -> $RSS1 kB"
	else
		tap_not_ok "resident memory flat (+1 MB at most)" \
		    "$RSS0 -> $RSS1 kB"
	fi ;;
esac
if [ "$EV" -ge 20 ]; then
	tap_ok "the servers flapped: $EV status and certificate changes"
else
	tap_not_ok "the servers flapped" "only $EV changes"
fi
tap_done
