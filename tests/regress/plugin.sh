#!/bin/sh
# --plugin: the Monitoring Plugins output of --once, probe and cert against
# real loopback Edges and minted files: the exact status line, perfdata and
# long output, exit statuses 0, 1, 2 and 3 ("EDGEPROBE UNKNOWN - ..." on
# stdout beside stderr's unchanged lines). handshake_ms varies from run to
# run: its value is checked for the form N.N and then written as N.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary
tap_require_tools "$(command -v jq)"

FX=$T/fx
fixture_start "$FX" compliant noclient expiring closed compliant@::1 || {
	tap_not_ok "fixture servers start"
	tap_done
}
PC=$(fixture_port "$FX" compliant 127.0.0.1)
PN=$(fixture_port "$FX" noclient)
PE=$(fixture_port "$FX" expiring)
PX=$(fixture_port "$FX" closed)
P6=$(fixture_port "$FX" compliant ::1)
CA="--ca-file $FX/ca.pem"

# plug NAME ARGS...: edgeprobe ARGS; stdout with handshake_ms values as N
# in NAME.out, stderr in NAME.err, the exit status in RC.
plug() {
	_n=$1
	shift
	"$EDGEPROBE" "$@" >"$T/$_n.raw" 2>"$T/$_n.err"
	RC=$?
	sed -E "s/('handshake_ms_[^']*')=[0-9]+\.[0-9]ms;;;0/\1=Nms;;;0/g" \
	    "$T/$_n.raw" >"$T/$_n.out"
}

# msg NAME I: the message of result I's worst finding in NAME.json, as
# the syslog line and the long output take it (the first of the highest
# severity).
msg() {
	jq -r --argjson i "$2" '.results[$i].findings as $f |
	    ($f | map(.severity | if . == "critical" then 2 elif . == "warning"
	    then 1 else 0 end) | max) as $m | [$f[] | select((.severity |
	    if . == "critical" then 2 elif . == "warning" then 1 else 0 end)
	    == $m)][0].message' "$T/$1.json"
}

# Two targets, three endpoints: ok, critical, and a warning.
cat >"$T/edges.conf" <<CONF
timeout = 5;
ca_file = "$FX/ca.pem";
targets = (
  { name = "edge"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$PC, $PN]; public_im = true; },
  { name = "soon"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$PE]; warn_days = 20; crit_days = 3; }
);
CONF
plug once -c "$T/edges.conf" --once --plugin
"$EDGEPROBE" -c "$T/edges.conf" --once --json >"$T/once.json" 2>/dev/null
tap_expect "--once --plugin: worst critical, exit 2" 2 "$RC" "$T/once.err"
tap_expect "--once --plugin: the status line, summary and perfdata" \
    "EDGEPROBE CRITICAL - 1 of 3 endpoints critical, 1 warning: edge 127.0.0.1:$PN CLIENT_EKU_MISSING | 'days_left_edge_127.0.0.1_$PC'=365d;30;7 'handshake_ms_edge_127.0.0.1_$PC'=Nms;;;0 'days_left_edge_127.0.0.1_$PN'=365d;30;7 'handshake_ms_edge_127.0.0.1_$PN'=Nms;;;0 'days_left_soon_127.0.0.1_$PE'=5d;20;3 'handshake_ms_soon_127.0.0.1_$PE'=Nms;;;0" \
    "$(sed -n 1p "$T/once.out")" "$T/once.raw"
tap_expect "--once --plugin: one long-output line per endpoint, config order" \
    "OK edge 127.0.0.1:$PC days_left=365
CRITICAL edge 127.0.0.1:$PN days_left=365 CLIENT_EKU_MISSING: $(msg once 1)
WARNING soon 127.0.0.1:$PE days_left=5 EXPIRES_SOON: $(msg once 2)" \
    "$(sed 1d "$T/once.out")" "$T/once.raw"
tap_expect "--once --plugin: nothing on stderr" "" "$(cat "$T/once.err")"

# probe HOST:PORT: ok, warning by --warn-days, critical without perfdata.
plug ok probe "127.0.0.1:$PC" --sni sip.contoso.com $CA --plugin
tap_expect "probe --plugin: ok, exit 0, exact output" \
    "0|EDGEPROBE OK - 1 endpoint ok | 'days_left_127.0.0.1_127.0.0.1_$PC'=365d;30;7 'handshake_ms_127.0.0.1_127.0.0.1_$PC'=Nms;;;0
OK 127.0.0.1 127.0.0.1:$PC days_left=365" "$RC|$(cat "$T/ok.out")" \
    "$T/ok.err"
plug warn probe "sip.contoso.com:$PC" --connect 127.0.0.1 $CA --plugin \
    --warn-days 400 --crit-days 10
"$EDGEPROBE" probe "sip.contoso.com:$PC" --connect 127.0.0.1 $CA --json \
    --warn-days 400 --crit-days 10 >"$T/warn.json" 2>/dev/null
tap_expect "probe --plugin --warn-days 400: warning, exit 1, the thresholds given" \
    "1|EDGEPROBE WARNING - 1 of 1 endpoint warning: sip.contoso.com 127.0.0.1:$PC EXPIRES_SOON | 'days_left_sip.contoso.com_127.0.0.1_$PC'=365d;400;10 'handshake_ms_sip.contoso.com_127.0.0.1_$PC'=Nms;;;0
WARNING sip.contoso.com 127.0.0.1:$PC days_left=365 EXPIRES_SOON: $(msg warn 0)" \
    "$RC|$(cat "$T/warn.out")" "$T/warn.err"
plug closed probe "127.0.0.1:$PX" $CA --plugin
"$EDGEPROBE" probe "127.0.0.1:$PX" $CA --json >"$T/closed.json" 2>/dev/null
tap_expect "probe --plugin, nothing listening: critical, exit 2, no perfdata" \
    "2|EDGEPROBE CRITICAL - 1 of 1 endpoint critical: 127.0.0.1 127.0.0.1:$PX CONNECT_FAILED
CRITICAL 127.0.0.1 127.0.0.1:$PX days_left=- CONNECT_FAILED: $(msg closed 0)" \
    "$RC|$(cat "$T/closed.out")" "$T/closed.err"
plug v6 probe "[::1]:$P6" --sni sip.contoso.com $CA --plugin
tap_expect "probe --plugin [::1]: [v6]:port in the text, ':' as '_' in labels" \
    "0|EDGEPROBE OK - 1 endpoint ok | 'days_left___1___1_$P6'=365d;30;7 'handshake_ms___1___1_$P6'=Nms;;;0
OK ::1 [::1]:$P6 days_left=365" "$RC|$(cat "$T/v6.out")" "$T/v6.err"

# A target name with a quote, '=', a space and '|': safe in both places.
cat >"$T/odd.conf" <<CONF
ca_file = "$FX/ca.pem";
targets = ( { name = "it's a=b|c"; host = "sip.contoso.com";
    pool = ["127.0.0.1"]; ports = [$PC]; } );
CONF
plug odd -c "$T/odd.conf" --once --plugin
tap_expect "--once --plugin: an odd target name, '|' escaped, label made safe" \
    "0|EDGEPROBE OK - 1 endpoint ok | 'days_left_it_s_a_b_c_127.0.0.1_$PC'=365d;30;7 'handshake_ms_it_s_a_b_c_127.0.0.1_$PC'=Nms;;;0
OK it's a=b\\x7cc 127.0.0.1:$PC days_left=365" "$RC|$(cat "$T/odd.out")" \
    "$T/odd.err"

# cert FILE: no address or port, in the label nor the text.
P=$T/pki
tap_mint_files "$P"
cd "$P" || exit 1
plug certok cert server.pem --ca-file ca.pem --plugin
tap_expect "cert --plugin: ok, exit 0, the file as target" \
    "0|EDGEPROBE OK - 1 certificate ok | 'days_left_server.pem'=365d;30;7
OK server.pem days_left=365" "$RC|$(cat "$T/certok.out")" "$T/certok.err"
plug certbad cert partner-noclient.pem --ca-file ca.pem --public-im \
    --warn-days 45 --plugin
"$EDGEPROBE" cert partner-noclient.pem --ca-file ca.pem --public-im --json \
    >"$T/certbad.json" 2>/dev/null
tap_expect "cert --plugin: critical, exit 2, codes and the worst message" \
    "2|EDGEPROBE CRITICAL - 1 of 1 certificate critical: partner-noclient.pem CLIENT_EKU_MISSING,CRL_DP_MISSING | 'days_left_partner-noclient.pem'=365d;45;7
CRITICAL partner-noclient.pem days_left=365 CLIENT_EKU_MISSING,CRL_DP_MISSING: $(msg certbad 0)" \
    "$RC|$(cat "$T/certbad.out")" "$T/certbad.err"
cd "$TOP" || exit 1

# unknown NAME WANT_STDOUT ARGS...: exit 3, WANT_STDOUT, and stderr the
# same bytes as without --plugin.
unknown() {
	_n=$1 _w=$2
	shift 2
	plug "$_n" "$@"
	_rc=$RC
	# The same command line without --plugin (and its UNKNOWN line).
	_args=""
	for _a in "$@"; do
		[ "$_a" = "--plugin" ] && continue
		_args="$_args '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	eval "\"\$EDGEPROBE\" $_args" >/dev/null 2>"$T/$_n.plain.err"
	unknown_check "$_n" "$_w" "$_rc" "stderr unchanged" \
	    same_err "$T/$_n.err" "$T/$_n.plain.err"
}

# same_err A B: two stderr captures, the same bytes, not empty.
same_err() {
	[ -s "$2" ] && cmp -s "$1" "$2"
}

# unknown_new NAME WANT_STDOUT ARGS...: an error only --plugin can make:
# exit 3, WANT_STDOUT, its message on stderr as "edgeprobe: ...".
unknown_new() {
	_n=$1 _w=$2
	shift 2
	plug "$_n" "$@"
	_rc=$RC
	_m="edgeprobe: ${_w#EDGEPROBE UNKNOWN - }"
	unknown_check "$_n" "$_w" "$_rc" "its message on stderr" \
	    test "$(sed -n 1p "$T/$_n.err")" = "$_m"
}

# unknown_check NAME WANT_STDOUT RC WHAT COMMAND...: the case's verdict.
unknown_check() {
	_n=$1 _w=$2 _rc=$3 _what=$4
	shift 4
	if [ "$_rc" = 3 ] && [ "$(cat "$T/$_n.out")" = "$_w" ] && "$@"; then
		tap_ok "$_n: exit 3, UNKNOWN on stdout, $_what"
	else
		tap_not_ok "$_n: exit 3, UNKNOWN on stdout, $_what" \
		    "exit $_rc" "want: $_w"
		tap_diag "$T/$_n.out" stdout
		tap_diag "$T/$_n.err" stderr
		tap_diag "$T/$_n.plain.err" "stderr without --plugin"
	fi
}
unknown "probe port 0" \
    'EDGEPROBE UNKNOWN - port: "0" is not a number in 1..65535' \
    probe 127.0.0.1:0 --plugin
unknown "probe unknown option" \
    'EDGEPROBE UNKNOWN - --frobnicate: unknown option or missing value' \
    probe 127.0.0.1 --plugin --frobnicate
unknown_new "probe --json --plugin" \
    'EDGEPROBE UNKNOWN - probe: --json and --plugin exclude each other' \
    probe "127.0.0.1:$PC" --json --plugin
unknown "probe missing HOST" \
    'EDGEPROBE UNKNOWN - probe: missing HOST[:PORT]' probe --plugin
unknown "probe unreadable --ca-file" \
    "EDGEPROBE UNKNOWN - cannot load trust store $T/nonexistent.pem: error:80000002:system library::No such file or directory" \
    probe "127.0.0.1:$PC" --ca-file "$T/nonexistent.pem" --plugin
printf 'targets = ( { name = "a"; host = "x"; ports = [0]; } );\nbogus = 1;\n' \
    >"$T/bad.conf"
unknown "--once invalid configuration" \
    "EDGEPROBE UNKNOWN - $T/bad.conf:1: port 0 in target \"a\" is outside 1..65535 (and 1 more error)" \
    -c "$T/bad.conf" --once --plugin
unknown_new "--plugin without --once" \
    'EDGEPROBE UNKNOWN - --plugin goes with --once, probe or cert' \
    -c "$T/bad.conf" --plugin
unknown_new "--once --json --plugin" \
    'EDGEPROBE UNKNOWN - --once: --json and --plugin exclude each other' \
    -c "$T/edges.conf" --once --json --plugin
unknown "cert missing file" \
    "EDGEPROBE UNKNOWN - $T/nope.pem: No such file or directory" \
    cert "$T/nope.pem" --plugin

tap_done
