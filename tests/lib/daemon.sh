# daemon.sh: helpers for the daemon scenarios (tests/regress/daemon_*.sh);
# source it after tests/regress/lib.sh.
#
# The daemon runs under build/tests/syslogcap, in a private mount namespace
# whose /dev/log is a socket that syslogcap writes to $T/syslog, one datagram
# a line; its sd_notify() datagrams go to $T/notify. Servers come from
# build/tests/epfixture. A relay (perl, from perl-base) listens on a fixed
# address and port and forwards each connection to a backend that a test
# switches at will: the same endpoint then presents another certificate,
# or none, which is how status and certificate changes are made. Every
# wait is bounded; every process started here is killed on exit.

: "${BUILD:=build}"
SYSLOGCAP=${SYSLOGCAP:-$TOP/$BUILD/tests/syslogcap}
EPFIXTURE=${EPFIXTURE:-$TOP/$BUILD/tests/epfixture}
case "$EPFIXTURE" in /*) ;; *) EPFIXTURE=$TOP/$EPFIXTURE ;; esac
DL_PIDS=""
DL_IDENT=eptest

# dl_cleanup: kill what was started, remove $T.
dl_cleanup() {
	for p in $DL_PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$DL_PID" ] && kill -9 "$DL_PID" 2>/dev/null
	rm -rf "$T"
}
trap dl_cleanup EXIT

# dl_require: stop with one failing case when something needed is missing.
dl_require() {
	tap_require_binary
	for b in "$SYSLOGCAP" "$EPFIXTURE"; do
		if [ ! -x "$b" ]; then
			tap_not_ok "test helper present" "$b is not built"
			exit 1
		fi
	done
	if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
		tap_not_ok "root with mount namespaces" \
		    "the syslog capture needs unshare -m (root)"
		exit 1
	fi
	# The only resolver the daemon may use is on loopback.
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	    >"$T/resolv.conf"
}

# dl_sleep SECONDS: fractional sleep.
dl_sleep() {
	sleep "$1"
}

# dl_fixture DIR SCENARIO...: start epfixture, wait for DIR/ports (10 s).
dl_fixture() {
	dir=$1
	shift
	"$EPFIXTURE" -t 600 "$dir" "$@" </dev/null >"$dir.log" 2>&1 &
	DL_PIDS="$DL_PIDS $!"
	i=0
	while [ ! -f "$dir/ports" ] && [ $i -lt 100 ]; do
		dl_sleep 0.1
		i=$((i + 1))
	done
	[ -f "$dir/ports" ]
}

# dl_port DIR NAME [BIND]: the port a fixture serves NAME on.
dl_port() {
	awk -v n="$2" -v b="${3:-127.0.0.1}" \
	    '$1 == n && $2 == b { print $3; exit }' "$1/ports"
}

# dl_sha DIR NAME: the SHA-256 of the leaf the fixture's NAME sends.
dl_sha() {
	openssl x509 -in "$1/$2.pem" -outform DER | sha256sum | cut -d' ' -f1
}

# dl_relay NAME BIND PORT ADDR BACKPORT: a relay on BIND:PORT (0: any)
# forwarding to ADDR:BACKPORT; prints the port it listens on.
dl_relay() {
	echo "$4 $5" >"$T/relay-$1.backend"
	rm -f "$T/relay-$1.port"
	perl -e '
use strict;
use IO::Socket::INET;
use IO::Select;
my ($bind, $port, $portfile, $backfile) = @ARGV;
$SIG{CHLD} = "IGNORE";
alarm(600);
my $l = IO::Socket::INET->new(LocalAddr => $bind, LocalPort => $port,
    Listen => 256, ReuseAddr => 1, Proto => "tcp")
    or die "relay: $bind:$port: $!\n";
open(my $f, ">", "$portfile.tmp") or die;
print $f $l->sockport, "\n";
close($f);
rename("$portfile.tmp", $portfile);
for (;;) {
	my $c = $l->accept or next;
	my $pid = fork();
	if (defined($pid) && $pid == 0) {
		close($l);
		open(my $b, "<", $backfile) or exit 0;
		my ($ba, $bp) = split(" ", scalar <$b>);
		close($b);
		my $s = IO::Socket::INET->new(PeerAddr => $ba,
		    PeerPort => $bp, Proto => "tcp") or exit 0;
		my $sel = IO::Select->new($c, $s);
		my $buf;
		LOOP: while (my @r = $sel->can_read(10)) {
			for my $h (@r) {
				my $n = sysread($h, $buf, 65536);
				last LOOP if !$n;
				my $o = $h == $c ? $s : $c;
				last LOOP if !defined(syswrite($o, $buf));
			}
		}
		exit 0;
	}
	close($c);
}' "$2" "$3" "$T/relay-$1.port" "$T/relay-$1.backend" \
	    </dev/null >/dev/null 2>"$T/relay-$1.log" &
	DL_PIDS="$DL_PIDS $!"
	i=0
	while [ ! -f "$T/relay-$1.port" ] && [ $i -lt 50 ]; do
		dl_sleep 0.1
		i=$((i + 1))
	done
	cat "$T/relay-$1.port" 2>/dev/null
}

# dl_switch NAME ADDR PORT: the relay's next connections go to ADDR:PORT.
dl_switch() {
	echo "$2 $3" >"$T/relay-$1.backend.tmp"
	mv "$T/relay-$1.backend.tmp" "$T/relay-$1.backend"
}

# dl_start CONF [ARG...]: run edgeprobe -c CONF -f under syslogcap (at most
# 300 s); sets DL_CAP (syslogcap) and DL_PID (the daemon).
dl_start() {
	conf=$1
	shift
	rm -f "$T/daemon.pid"
	"$SYSLOGCAP" -o "$T/syslog" -n "$T/notify" -p "$T/daemon.pid" \
	    -t 300 -- env EDGEPROBE_RESOLV_CONF="$T/resolv.conf" \
	    ${DL_ENV:-} "$EDGEPROBE" -c "$conf" -f "$@" \
	    </dev/null 2>"$T/stderr" &
	DL_CAP=$!
	DL_PIDS="$DL_PIDS $DL_CAP"
	i=0
	while [ ! -s "$T/daemon.pid" ] && [ $i -lt 100 ]; do
		dl_sleep 0.05
		i=$((i + 1))
	done
	DL_PID=$(cat "$T/daemon.pid" 2>/dev/null)
	[ -n "$DL_PID" ]
}

# dl_lines: the daemon's syslog lines as "PRI message", in order.
dl_lines() {
	sed -n "s/^<\([0-9]*\)>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] $DL_IDENT\[$DL_PID\]: /\1 /p" \
	    "$T/syslog"
}

# dl_count PATTERN: how many syslog lines match the extended regex.
dl_count() {
	dl_lines | grep -cE -- "$1"
}

# dl_wait PATTERN N SECONDS: wait until N lines match (0 on success).
dl_wait() {
	end=$(($(date +%s) + $3))
	while [ "$(dl_count "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -ge $end ] && return 1
		dl_sleep 0.1
	done
	return 0
}

# dl_stop [SIGNAL]: signal the daemon, wait for it (at most 30 s); sets
# DL_RC to its exit status and DL_MS to the milliseconds it took.
dl_stop() {
	t0=$(date +%s%N)
	kill -"${1:-TERM}" "$DL_PID"
	i=0
	while kill -0 "$DL_CAP" 2>/dev/null && [ $i -lt 1500 ]; do
		dl_sleep 0.02
		i=$((i + 1))
	done
	DL_MS=$((($(date +%s%N) - t0) / 1000000))
	if kill -0 "$DL_CAP" 2>/dev/null; then
		kill -9 "$DL_PID" 2>/dev/null
	fi
	wait "$DL_CAP"
	DL_RC=$?
	DL_PID_OLD=$DL_PID
}

# dl_check NAME COMMAND...: one case passing when COMMAND succeeds; the
# syslog lines and stderr are shown otherwise.
dl_check() {
	name=$1
	shift
	if "$@"; then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		dl_lines | tail -n 20 | sed 's/^/#   /'
		tail -n 10 "$T/stderr" | sed 's/^/# stderr: /'
	fi
}

# dl_expect NAME EXPECTED ACTUAL: one case comparing two strings.
dl_expect() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "expected: $2" "actual:   $3"
	fi
}
