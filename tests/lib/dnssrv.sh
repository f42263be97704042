# dnssrv.sh: a real DNS server (dnsmasq, from dnsmasq-base) on loopback
# serving SRV, A, AAAA and CNAME records for the tests; source it after
# tests/regress/lib.sh (and after fixture.sh or daemon.sh when used).
#
# Records are collected first, then served:
#	dns_srv NAME TARGET PORT PRIORITY WEIGHT
#		an SRV record for NAME (_sipfederationtls._tcp.fabrikam.test);
#		TARGET "." says the service is decidedly not available
#	dns_host NAME ADDR...
#		A and AAAA records (each ADDR one, in order)
#	dns_cname ALIAS TARGET
#		a CNAME; TARGET must have records here (dnsmasq refuses
#		names it does not know and CNAME loops: it does not start)
#	dns_srv_many NAME COUNT PORT ADDR
#		COUNT SRV records for NAME, priority 10, weight 1, targets
#		t0001.D ... (D: NAME without its first two labels), each
#		resolving to ADDR (A or AAAA) through one wildcard
#	dns_option LINE
#		any other dnsmasq option, in its configuration file syntax
#	dns_reset
#		forget every record collected
#	dns_start [PORT]
#		serve them (UDP and TCP) on 127.0.0.1:PORT; without PORT or
#		with 0, a free port (five tries). No upstream: every name
#		under DNS_LOCAL (default "test") without a record here is
#		NXDOMAIN, any other name REFUSED; no hosts file, no DHCP, no
#		lease file. Waits at most 10 s; 0 once it serves. Sets
#		DNS_PORT, DNS_PID, DNS_DIR, DNS_LOG (its log, every query
#		included), DNS_RESOLVER ("127.0.0.1:PORT", for edgeprobe's
#		resolver setting) and DNS_RESOLV_CONF (a resolv.conf naming
#		it, for EDGEPROBE_RESOLV_CONF).
#	dns_restart
#		stop and serve the records as they are now on the same port
#		(dnsmasq reads SRV records only when it starts)
#	dns_stop
#		stop it (also run on exit; DNS_LIFETIME, default 600 s,
#		bounds its life, see watchdog in atexit.sh)
#	dns_query TYPE NAME [DIG_ARG...]
#		dig @127.0.0.1 -p DNS_PORT +norecurse +time=2 +tries=1
#		TYPE NAME DIG_ARG... (dnsutils)
#
# What dnsmasq 2.90 (Debian 12) does with the hard cases, as seen:
# - Large answers over UDP are truncated: the TC bit, with the records
#   that fit (13 SRV records of dns_srv_many in 512 bytes without EDNS,
#   33 in the 1232 bytes it allows with EDNS, its edns-packet-max).
#   Over TCP it sends the whole answer: 1,000 SRV records, 35,061 bytes.
# - SRV answers carry the targets' local A/AAAA records in the additional
#   section. Past 16 KiB its name compression breaks: with 1,000 targets
#   each given a dns_host, the 51 KB TCP answer has pointers beyond
#   0x3fff that dig rejects ("bad label type"). dns_srv_many therefore
#   resolves its targets through a wildcard (address=/D/ADDR), which
#   dnsmasq does not add to the additional section.
# - A CNAME loop is refused at start; a chain of CNAMEs (12 hops and
#   more) is answered whole. An SRV "loop" is served as given: a target
#   equal to the SRV name, or a target that is a CNAME of the SRV name.
# - dns_srv NAME "." answers "0 0 PORT ." as given.

. "$TOP/tests/lib/atexit.sh"

DNSMASQ=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
DNS_RECORDS=${DNS_RECORDS:-}
DNS_PID=""

# dns_records LINE: append one line to the record set.
dns_records() {
	if [ -z "$DNS_RECORDS" ]; then
		DNS_RECORDS=$(mktemp "${T:-${TMPDIR:-/tmp}}/dnsrec.XXXXXX") ||
		    return 1
	fi
	printf '%s\n' "$1" >>"$DNS_RECORDS"
}

# dns_srv NAME TARGET PORT PRIORITY WEIGHT: one SRV record.
dns_srv() {
	dns_records "srv-host=$1,$2,$3,$4,$5"
}

# dns_host NAME ADDR...: A and AAAA records.
dns_host() {
	_dn=$1
	shift
	for _da in "$@"; do
		dns_records "host-record=$_dn,$_da"
	done
}

# dns_cname ALIAS TARGET: one CNAME.
dns_cname() {
	dns_records "cname=$1,$2"
}

# dns_srv_many NAME COUNT PORT ADDR: COUNT targets under NAME's domain.
dns_srv_many() {
	_dd=${1#*.}
	_dd=${_dd#*.}
	[ -n "$DNS_RECORDS" ] || dns_records "# dns_srv_many $1" || return 1
	awk -v n="$1" -v c="$2" -v p="$3" -v d="$_dd" 'BEGIN {
		for (i = 1; i <= c; i++)
			printf "srv-host=%s,t%04d.%s,%s,10,1\n", n, i, d, p
	}' >>"$DNS_RECORDS"
	dns_records "address=/$_dd/$4"
}

# dns_option LINE: any dnsmasq option line.
dns_option() {
	dns_records "$1"
}

# dns_reset: forget the records.
dns_reset() {
	[ -n "$DNS_RECORDS" ] && : >"$DNS_RECORDS"
}

# dns_start [PORT]: serve the records on 127.0.0.1 (see above).
dns_start() {
	_dp=${1:-0}
	if [ ! -x "$DNSMASQ" ]; then
		echo "dns_start: dnsmasq is needed (dnsmasq-base; make deps)" >&2
		return 1
	fi
	[ -n "$DNS_RECORDS" ] || dns_records "# no record" || return 1
	[ -n "${DNS_DIR:-}" ] && [ -d "$DNS_DIR" ] ||
	    DNS_DIR=$(mktemp -d "${T:-${TMPDIR:-/tmp}}/dnsmasq.XXXXXX") ||
	    return 1
	{
		cat "$DNS_RECORDS"
		for _dl in ${DNS_LOCAL:-test}; do
			echo "local=/$_dl/"
		done
	} >"$DNS_DIR/dnsmasq.conf"
	DNS_LOG=$DNS_DIR/dnsmasq.log
	_dt=0
	while [ $_dt -lt 5 ]; do
		_dt=$((_dt + 1))
		DNS_PORT=$_dp
		[ "$_dp" -eq 0 ] &&
		    DNS_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		rm -f "$DNS_LOG"
		"$DNSMASQ" --keep-in-foreground --conf-file="$DNS_DIR/dnsmasq.conf" \
		    --no-resolv --no-hosts --no-poll --leasefile-ro \
		    --listen-address=127.0.0.1 --bind-interfaces \
		    --port="$DNS_PORT" --user="$(id -un)" --pid-file= \
		    --log-queries --log-facility="$DNS_LOG" \
		    </dev/null >"$DNS_DIR/dnsmasq.out" 2>&1 &
		DNS_PID=$!
		# Watched and stopped on exit from now on, not once ready.
		watchdog "$DNS_PID" "${DNS_LIFETIME:-600}"
		DNS_WATCHDOG=$WATCHDOG_PID
		atexit dns_stop
		_di=0
		while [ $_di -lt 100 ] && alive "$DNS_PID" &&
		    ! grep -q 'started, version' "$DNS_LOG" 2>/dev/null; do
			sleep 0.1
			_di=$((_di + 1))
		done
		if alive "$DNS_PID" &&
		    grep -q 'started, version' "$DNS_LOG" 2>/dev/null; then
			DNS_RESOLVER=127.0.0.1:$DNS_PORT
			echo "nameserver 127.0.0.1:$DNS_PORT" >"$DNS_DIR/resolv.conf"
			DNS_RESOLV_CONF=$DNS_DIR/resolv.conf
			return 0
		fi
		dns_stop
		# A port given is not retried; a port picked is.
		[ "$_dp" -ne 0 ] && break
	done
	echo "dns_start: dnsmasq does not serve on 127.0.0.1 port $DNS_PORT:" >&2
	cat "$DNS_DIR/dnsmasq.out" >&2
	return 1
}

# dns_restart: serve the current records again on the same port.
dns_restart() {
	_dr=$DNS_PORT
	dns_stop
	dns_start "$_dr"
}

# dns_stop: stop dnsmasq (SIGTERM, SIGKILL after 5 s).
dns_stop() {
	[ -n "$DNS_PID" ] || return 0
	kill "$DNS_WATCHDOG" 2>/dev/null
	kill -TERM "$DNS_PID" 2>/dev/null
	_di=0
	while [ $_di -lt 50 ] && alive "$DNS_PID"; do
		sleep 0.1
		_di=$((_di + 1))
	done
	kill -KILL "$DNS_PID" 2>/dev/null
	wait "$DNS_PID" 2>/dev/null
	DNS_PID=""
}

# dns_query TYPE NAME [DIG_ARG...]: ask it with dig.
dns_query() {
	_dq1=$1 _dq2=$2
	shift 2
	dig @127.0.0.1 -p "$DNS_PORT" +norecurse +time=2 +tries=1 \
	    "$_dq1" "$_dq2" "$@"
}
