# kamailio.sh: a real SIP server over TLS (Debian's kamailio and
# kamailio-tls-modules) on loopback for the tests; source it after
# tests/regress/lib.sh (and after fixture.sh or daemon.sh when used).
#
#	kam_start ADDR PORT CERT KEY CA MODE
#		start Kamailio listening on tls:ADDR:PORT only (no UDP, no
#		TCP, nothing beyond that loopback address); PORT 0 picks a
#		free port (five tries). CERT is the chain it sends (leaf
#		first), KEY its key, CA the file of CAs it trusts for client
#		certificates and names in its CertificateRequest ("-": none).
#		MODE:
#		  none     no client certificate asked for
#		  request  asked for and verified when sent, not required
#		  require  require_certificate = yes, verify_certificate =
#		           yes: no certificate, or one that does not verify
#		           against CA, aborts the handshake
#		Waits at most 10 s for the port to listen in the hands of its
#		TCP process; 0 then. Watched from its launch: stopped on exit
#		even when the start fails half-way.
#		Sets KAM_ADDR, KAM_PORT, KAM_PID (the main process, leader of
#		its own process group), KAM_DIR (its private directory:
#		kamailio.cfg, tls.cfg, the pid file, the runtime dir) and
#		KAM_LOG (its stderr log). Several may run at once.
#	kam_stop
#		stop every Kamailio started here (SIGTERM to its process
#		group, SIGKILL after 5 s) and remove its directory; also run
#		on exit.
#	kam_options ADDR PORT OUT [OPENSSL_ARG...]
#		one SIP OPTIONS over `openssl s_client -connect ADDR:PORT
#		-quiet -no_ign_eof OPENSSL_ARG...`: what the server answered
#		in OUT (nothing else: -quiet), s_client's stderr (its errors
#		and alerts) in OUT.err. Waits at most 5 s for a status line
#		or an error, then closes. The exit status is s_client's.
#	kam_request ADDR PORT METHOD OUT [OPENSSL_ARG...]
#		the same with another method (MESSAGE: 403 Forbidden)
#	kam_handshake ADDR PORT OUT [OPENSSL_ARG...]
#		a handshake alone (`openssl s_client`, stdin /dev/null, 15 s
#		at most): its report in OUT ("Acceptable client certificate
#		CA names" and the rest), its stderr in OUT.err.
#
# Kamailio answers OPTIONS with "SIP/2.0 200 OK", drops ACK and answers
# any other request with "SIP/2.0 403 Forbidden", all statelessly (sl).
# KAM_TLS_METHOD sets its TLS method (default TLSv1.2+, i.e. TLS 1.2 and
# 1.3; TLSv1.2 pins 1.2). KAM_LIFETIME (default 600) bounds its life in
# seconds: a watchdog stops it then, or as soon as the test shell is gone.
#
# A client must send its intermediate: Kamailio verifies against CA only
# (openssl s_client: -cert_chain FILE as well as -cert FILE). Its
# verification failures appear as alerts: unknown_ca (48) for an
# untrusted issuer, unsupported_certificate (43) for a certificate without
# clientAuth, and without a certificate handshake_failure (40) in TLS 1.2
# or certificate_required (116) in TLS 1.3, after the client's Finished.

. "$TOP/tests/lib/atexit.sh"

KAMAILIO=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
KAM_MODULES=${KAM_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
KAM_ALL=""	# "PID:WATCHDOG:DIR" per instance

# kam_start ADDR PORT CERT KEY CA MODE: start one Kamailio (see above).
kam_start() {
	_ka=$1 _kp=$2 _kc=$3 _kk=$4 _kca=$5 _km=$6
	case "$_km" in
	none)		_kv=no _kr=no ;;
	request)	_kv=yes _kr=no ;;
	require)	_kv=yes _kr=yes ;;
	*)	echo "kam_start: unknown mode $_km" >&2; return 2 ;;
	esac
	case "$_ka" in
	127.*)	_kl=$_ka ;;
	::1)	_kl="[::1]" ;;
	*)	echo "kam_start: not a loopback address: $_ka" >&2; return 2 ;;
	esac
	if [ ! -x "$KAMAILIO" ] || [ ! -f "$KAM_MODULES/tls.so" ]; then
		echo "kam_start: kamailio and kamailio-tls-modules are" \
		    "needed (make deps)" >&2
		return 1
	fi
	# Absolute paths: Kamailio runs in its own directory.
	case "$_kc" in /*) ;; *) _kc=$(pwd)/$_kc ;; esac
	case "$_kk" in /*) ;; *) _kk=$(pwd)/$_kk ;; esac
	case "$_kca" in /*|-) ;; *) _kca=$(pwd)/$_kca ;; esac
	for _kf in "$_kc" "$_kk"; do
		[ -r "$_kf" ] || { echo "kam_start: $_kf: unreadable" >&2; return 1; }
	done
	KAM_DIR=$(mktemp -d "${T:-${TMPDIR:-/tmp}}/kamailio.XXXXXX") || return 1
	mkdir "$KAM_DIR/run"
	_kcal=""
	[ "$_kca" != "-" ] && _kcal="ca_list = $_kca"
	cat >"$KAM_DIR/tls.cfg" <<EOF
[server:default]
method = ${KAM_TLS_METHOD:-TLSv1.2+}
verify_certificate = $_kv
require_certificate = $_kr
certificate = $_kc
private_key = $_kk
$_kcal

[client:default]
verify_certificate = yes
require_certificate = yes
EOF
	_kt=0
	while [ $_kt -lt 5 ]; do
		_kt=$((_kt + 1))
		KAM_PORT=$_kp
		[ "$_kp" -eq 0 ] &&
		    KAM_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		kam_config "$_kl" "$KAM_PORT" >"$KAM_DIR/kamailio.cfg"
		KAM_LOG=$KAM_DIR/kamailio.log
		rm -f "$KAM_DIR/kamailio.pid"
		# Its own process group, so that stopping it reaches its
		# children; -DD keeps the creator in the foreground. A job of
		# a shell without job control leads no process group, so
		# setsid execs: $! is Kamailio and its group.
		setsid "$KAMAILIO" -DD -E -f "$KAM_DIR/kamailio.cfg" \
		    -P "$KAM_DIR/kamailio.pid" -Y "$KAM_DIR/run" \
		    -w "$KAM_DIR" -m 16 -M 4 </dev/null >"$KAM_LOG" 2>&1 &
		KAM_PID=$!
		# Watched and stopped on exit from now on, not once ready.
		watchdog "$KAM_PID" "${KAM_LIFETIME:-600}"
		KAM_ALL="$KAM_ALL $KAM_PID:$WATCHDOG_PID:$KAM_DIR"
		atexit kam_stop
		if kam_wait "$KAM_PID" "$_ka" "$KAM_PORT"; then
			KAM_ADDR=$_ka
			return 0
		fi
		kill "$WATCHDOG_PID" 2>/dev/null
		kam_kill "$KAM_PID"
		# Should setsid have forked all the same, the pid file
		# names the group.
		_kf=$(cat "$KAM_DIR/kamailio.pid" 2>/dev/null)
		[ -n "$_kf" ] && [ "$_kf" != "$KAM_PID" ] && kam_kill "$_kf"
		KAM_ALL=${KAM_ALL% "$KAM_PID:$WATCHDOG_PID:$KAM_DIR"}
		# A port given is not retried; a port picked is.
		[ "$_kp" -ne 0 ] && break
	done
	echo "kam_start: kamailio does not listen on $_ka port $KAM_PORT:" >&2
	tail -n 20 "$KAM_LOG" >&2
	rm -rf "$KAM_DIR"
	return 1
}

# kam_config LISTENADDR PORT: a minimal kamailio.cfg on stdout.
kam_config() {
	cat <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
enable_tls=yes
auto_aliases=no
dns=no
rev_dns=no
listen=tls:$1:$2
mpath="$KAM_MODULES/"
loadmodule "tls.so"
loadmodule "sl.so"
modparam("tls", "config", "$KAM_DIR/tls.cfg")

request_route {
	if (method == "OPTIONS") {
		sl_send_reply("200", "OK");
		exit;
	}
	if (method == "ACK")
		exit;
	sl_send_reply("403", "Forbidden");
	exit;
}
EOF
}

# kam_wait PID ADDR PORT: wait at most 10 s, while PID lives, for ADDR:PORT
# to listen in the hands of a child of PID; 0 then. The creator binds the
# socket before it forks its TCP processes: a port that listens is not
# yet a Kamailio that serves. Without ss -p's process names (another
# user's processes), a listening port is taken as ready.
kam_wait() {
	case "$2" in
	*:*)	_kw="[$2]:$3" ;;
	*)	_kw="$2:$3" ;;
	esac
	_ki=0
	while [ $_ki -lt 100 ] && alive "$1"; do
		_ks=$(ss -Hltnp "sport = :$3" 2>/dev/null |
		    awk -v a="$_kw" '$4 == a { print $6 }')
		case "$_ks" in
		"")	;;
		*pid=*)	echo "$_ks" | tr ')' '\n' |
			    sed -n 's/.*pid=\([0-9]*\),.*/\1/p' |
			    grep -qvxF "$1" && return 0 ;;
		*)	return 0 ;;
		esac
		sleep 0.1
		_ki=$((_ki + 1))
	done
	return 1
}

# kam_kill PID: SIGTERM to PID's process group, SIGKILL after 5 s.
kam_kill() {
	kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
	_ki=0
	while [ $_ki -lt 50 ] && alive "$1"; do
		sleep 0.1
		_ki=$((_ki + 1))
	done
	kill -KILL -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# kam_stop: stop every Kamailio started here.
kam_stop() {
	for _ke in $KAM_ALL; do
		_kpid=${_ke%%:*}
		_ke=${_ke#*:}
		kill "${_ke%%:*}" 2>/dev/null
		kam_kill "$_kpid"
		rm -rf "${_ke#*:}"
	done
	KAM_ALL=""
}

# kam_options ADDR PORT OUT [OPENSSL_ARG...]: one OPTIONS (see above).
kam_options() {
	_kr1=$1 _kr2=$2 _kr3=$3
	shift 3
	kam_request "$_kr1" "$_kr2" OPTIONS "$_kr3" "$@"
}

# kam_request ADDR PORT METHOD OUT [OPENSSL_ARG...]: one request through
# openssl s_client (see above).
kam_request() {
	_km=$3 _ko=$4
	case "$1" in
	*:*)	_kc="[$1]:$2" ;;
	*)	_kc="$1:$2" ;;
	esac
	shift 4
	rm -f "$_ko" "$_ko.err"
	: >"$_ko"
	{
		printf '%s sip:%s;transport=tls SIP/2.0\r\n' "$_km" "$_kc"
		printf 'Via: SIP/2.0/TLS %s;rport;branch=z9hG4bK%s\r\n' \
		    "$_kc" "$$"
		printf 'Max-Forwards: 70\r\n'
		printf 'From: <sip:edgeprobe@sip.fabrikam.com>;tag=%s\r\n' "$$"
		printf 'To: <sip:%s>\r\n' "$_kc"
		printf 'Call-ID: %s-%s@edgeprobe.test\r\n' "$$" "$(date +%s)"
		printf 'CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n' "$_km"
		# stdin stays open until a status line or an error came
		# back (5 s at most): s_client closes the connection at its
		# EOF.
		_ki=0
		while [ $_ki -lt 50 ] && ! grep -aq '^SIP/2\.0 ' "$_ko" &&
		    ! grep -aq ':error:' "$_ko.err" 2>/dev/null; do
			sleep 0.1
			_ki=$((_ki + 1))
		done
	} | timeout 15 openssl s_client -connect "$_kc" -quiet -no_ign_eof \
	    "$@" >"$_ko" 2>"$_ko.err"
}

# kam_handshake ADDR PORT OUT [OPENSSL_ARG...]: a handshake alone (see
# above).
kam_handshake() {
	_ko=$3
	case "$1" in
	*:*)	_kc="[$1]:$2" ;;
	*)	_kc="$1:$2" ;;
	esac
	shift 3
	timeout 15 openssl s_client -connect "$_kc" "$@" </dev/null \
	    >"$_ko" 2>"$_ko.err"
}
