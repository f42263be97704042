#!/bin/sh
# contrib/icinga2/edgeprobe.conf and contrib/nagios/edgeprobe.cfg: Icinga 2
# validates the CheckCommands (`icinga2 daemon -C`) and Nagios 4 the
# command definitions (`nagios4 -v`), each with a Host and Services using
# them, from private directories (no system state read or written); each
# validator is shown to refuse a broken copy; and every Nagios command line,
# its macros put in as Nagios does, runs edgeprobe for real against a
# loopback Edge and minted files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fixture.sh"
tap_require_binary
ICINGA2=$(command -v icinga2 || echo /usr/sbin/icinga2)
NAGIOS4=$(command -v nagios4 || echo /usr/sbin/nagios4)
tap_require_tools "$ICINGA2" "$NAGIOS4"
ICINGA_CONF=$TOP/contrib/icinga2/edgeprobe.conf
NAGIOS_CFG=$TOP/contrib/nagios/edgeprobe.cfg

# icinga_check NAME CONF: icinga2 daemon -C on CONF, as this user, with
# its data, log, cache, spool and run directories under $T/NAME.
icinga_check() {
	_d=$T/$1
	mkdir -p "$_d/lib" "$_d/log" "$_d/cache" "$_d/spool" "$_d/run"
	ICINGA2_USER=$(id -un) ICINGA2_GROUP=$(id -gn) timeout 60 \
	    "$ICINGA2" daemon -C -c "$2" -DDataDir="$_d/lib" \
	    -DLogDir="$_d/log" -DCacheDir="$_d/cache" -DSpoolDir="$_d/spool" \
	    -DInitRunDir="$_d/run" >"$_d.out" 2>&1
}

# A host checked by edgeprobe itself, a service per command.
cat >"$T/icinga2.conf" <<CONF
include "$ICINGA_CONF"
object Host "sip.contoso.com" {
  check_command = "edgeprobe"
  address = "192.0.2.10"
  vars.edgeprobe_port = 5061
}
object Service "edge-5061" {
  host_name = "sip.contoso.com"
  check_command = "edgeprobe"
  vars.edgeprobe_port = 5061
  vars.edgeprobe_public_im = true
  vars.edgeprobe_san = [ "sip.contoso.com", "sip.fabrikam.com" ]
  vars.edgeprobe_warn_days = 45
}
object Service "edge-pool" {
  host_name = "sip.contoso.com"
  check_command = "edgeprobe"
  vars.edgeprobe_connect = false
  vars.edgeprobe_domain = "fabrikam.com"
}
object Service "edge-config" {
  host_name = "sip.contoso.com"
  check_command = "edgeprobe-once"
}
object Service "edge-renewal" {
  host_name = "sip.contoso.com"
  check_command = "edgeprobe-cert"
  vars.edgeprobe_cert_file = "/etc/edgeprobe/renewal.pem"
  vars.edgeprobe_public_im = true
}
CONF
icinga_check icinga "$T/icinga2.conf"
rc=$?
if [ $rc -eq 0 ] &&
    grep -q 'information/ConfigItem: Instantiated 3 CheckCommands\.' "$T/icinga.out" &&
    grep -q 'information/ConfigItem: Instantiated 4 Services\.' "$T/icinga.out" &&
    grep -q 'information/cli: Finished validating the configuration file(s)\.' "$T/icinga.out" &&
    ! grep -Eq '/(warning|critical)/' "$T/icinga.out"; then
	tap_ok "icinga2 daemon -C: the three CheckCommands, a host and four services"
else
	tap_not_ok "icinga2 daemon -C: the three CheckCommands, a host and four services" \
	    "exit $rc"
	tap_diag "$T/icinga.out"
fi

# The same with an argument attribute misspelled: refused.
sed 's/repeat_key = true/repeatkey = true/' "$ICINGA_CONF" >"$T/bad.conf"
sed "s|$ICINGA_CONF|$T/bad.conf|" "$T/icinga2.conf" >"$T/icinga2-bad.conf"
icinga_check icinga-bad "$T/icinga2-bad.conf"
rc=$?
if [ $rc -ne 0 ] && grep -q "Invalid attribute: repeatkey" "$T/icinga-bad.out"; then
	tap_ok "icinga2 daemon -C refuses a misspelled argument attribute"
else
	tap_not_ok "icinga2 daemon -C refuses a misspelled argument attribute" \
	    "exit $rc"
	tap_diag "$T/icinga-bad.out"
fi

# nagios_check NAME CFG: nagios4 -v on a main file that reads CFG and the
# objects below, every path under $T/NAME.
nagios_check() {
	_d=$T/$1
	mkdir -p "$_d/checkresults"
	cat >"$_d/nagios.cfg" <<CFG
cfg_file=$2
cfg_file=$T/objects.cfg
log_file=$_d/nagios.log
lock_file=$_d/nagios.lock
temp_file=$_d/nagios.tmp
temp_path=$_d
status_file=$_d/status.dat
state_retention_file=$_d/retention.dat
object_cache_file=$_d/objects.cache
precached_object_file=$_d/objects.precache
command_file=$_d/nagios.cmd
check_result_path=$_d/checkresults
nagios_user=$(id -un)
nagios_group=$(id -gn)
illegal_macro_output_chars=\`~\$&|'"<>
CFG
	timeout 60 "$NAGIOS4" -v "$_d/nagios.cfg" >"$_d.out" 2>&1
}

cat >"$T/objects.cfg" <<'CFG'
define timeperiod {
    timeperiod_name         24x7
    alias                   always
    monday                  00:00-24:00
    tuesday                 00:00-24:00
    wednesday               00:00-24:00
    thursday                00:00-24:00
    friday                  00:00-24:00
    saturday                00:00-24:00
    sunday                  00:00-24:00
}
define command {
    command_name            notify-none
    command_line            /bin/true
}
define contact {
    contact_name            oncall
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      notify-none
    service_notification_commands   notify-none
}
define host {
    host_name               sip.contoso.com
    address                 192.0.2.10
    check_command           check_edgeprobe!5061!
    max_check_attempts      1
    check_period            24x7
    contacts                oncall
    notification_period     24x7
}
define service {
    host_name               sip.contoso.com
    service_description     edge 5061
    check_command           check_edgeprobe!5061!--public-im --san sip.fabrikam.com
    max_check_attempts      1
    check_interval          5
    retry_interval          1
    check_period            24x7
    contacts                oncall
    notification_period     24x7
}
define service {
    host_name               sip.contoso.com
    service_description     edge config
    check_command           check_edgeprobe_once!/etc/edgeprobe/edgeprobe.conf
    max_check_attempts      1
    check_interval          5
    retry_interval          1
    check_period            24x7
    contacts                oncall
    notification_period     24x7
}
define service {
    host_name               sip.contoso.com
    service_description     edge renewal
    check_command           check_edgeprobe_cert!/etc/edgeprobe/renewal.pem!--public-im
    max_check_attempts      1
    check_interval          5
    retry_interval          1
    check_period            24x7
    contacts                oncall
    notification_period     24x7
}
CFG
nagios_check nagios "$NAGIOS_CFG"
rc=$?
if [ $rc -eq 0 ] && grep -q 'Checked 3 services\.' "$T/nagios.out" &&
    grep -q 'Checked 4 commands\.' "$T/nagios.out" &&
    grep -q '^Total Warnings: 0$' "$T/nagios.out" &&
    grep -q '^Total Errors:   0$' "$T/nagios.out"; then
	tap_ok "nagios4 -v: the three commands, a host and three services"
else
	tap_not_ok "nagios4 -v: the three commands, a host and three services" \
	    "exit $rc"
	tap_diag "$T/nagios.out"
fi

# The same with a command definition lacking its command_line: refused.
grep -v 'edgeprobe cert' "$NAGIOS_CFG" >"$T/bad.cfg"
nagios_check nagios-bad "$T/bad.cfg"
rc=$?
if [ $rc -ne 0 ] && grep -q 'Error: Could not register command' "$T/nagios-bad.out"; then
	tap_ok "nagios4 -v refuses a command without its command line"
else
	tap_not_ok "nagios4 -v refuses a command without its command line" \
	    "exit $rc"
	tap_diag "$T/nagios-bad.out"
fi

# The command lines run: Nagios puts the macros in and hands a line with
# quotes to /bin/sh -c; so does nagios_run, with EDGEPROBE for the path.
FX=$T/fx
fixture_start "$FX" compliant || {
	tap_not_ok "fixture servers start"
	tap_done
}
PC=$(fixture_port "$FX" compliant)
P=$T/pki
tap_mint_files "$P"

# nagios_run NAME HOSTNAME HOSTADDRESS ARG1 [ARG2]: command NAME's line;
# the first output line and the exit status, "LINE|RC".
nagios_run() {
	_line=$(awk -v n="$1" '$1 == "command_name" { c = $2 }
	    $1 == "command_line" && c == n { sub(/^[ \t]*command_line[ \t]+/, ""); print }' \
	    "$NAGIOS_CFG")
	_line=$(printf '%s\n' "$_line" | sed -e "s|/usr/local/sbin/edgeprobe|$EDGEPROBE|" \
	    -e "s|\\\$HOSTNAME\\\$|$2|g" -e "s|\\\$HOSTADDRESS\\\$|$3|g" \
	    -e "s|\\\$ARG1\\\$|$4|g" -e "s|\\\$ARG2\\\$|${5:-}|g")
	/bin/sh -c "$_line" >"$T/run.out" 2>"$T/run.err"
	_rc=$?
	echo "$(sed -n 1p "$T/run.out" | sed -E "s/=[0-9]+\.[0-9]ms/=Nms/")|$_rc"
}

got=$(nagios_run check_edgeprobe sip.contoso.com 127.0.0.1 "$PC" \
    "--ca-file $FX/ca.pem --public-im --san sip.fabrikam.com")
tap_expect "check_edgeprobe runs: the host's name and address, ARG1 the port" \
    "EDGEPROBE OK - 1 endpoint ok | 'days_left_sip.contoso.com_127.0.0.1_$PC'=365d;30;7 'handshake_ms_sip.contoso.com_127.0.0.1_$PC'=Nms;;;0|0" \
    "$got" "$T/run.out" "$T/run.err"

cat >"$T/edge.conf" <<CONF
ca_file = "$FX/ca.pem";
targets = ( { name = "edge"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$PC]; crit_days = 400; warn_days = 400; } );
CONF
got=$(nagios_run check_edgeprobe_once sip.contoso.com 127.0.0.1 "$T/edge.conf")
tap_expect "check_edgeprobe_once runs: ARG1 the configuration" \
    "EDGEPROBE CRITICAL - 1 of 1 endpoint critical: edge 127.0.0.1:$PC EXPIRES_SOON | 'days_left_edge_127.0.0.1_$PC'=365d;400;400 'handshake_ms_edge_127.0.0.1_$PC'=Nms;;;0|2" \
    "$got" "$T/run.out" "$T/run.err"

cd "$P" || exit 1
got=$(nagios_run check_edgeprobe_cert sip.contoso.com 127.0.0.1 server.pem \
    "--ca-file ca.pem --warn-days 400")
cd "$TOP" || exit 1
tap_expect "check_edgeprobe_cert runs: ARG1 the file, ARG2 options" \
    "EDGEPROBE WARNING - 1 of 1 certificate warning: server.pem EXPIRES_SOON | 'days_left_server.pem'=365d;400;7|1" \
    "$got" "$T/run.out" "$T/run.err"

got=$(nagios_run check_edgeprobe_cert sip.contoso.com 127.0.0.1 "$T/nope.pem")
tap_expect "check_edgeprobe_cert, no such file: UNKNOWN, exit 3" \
    "EDGEPROBE UNKNOWN - $T/nope.pem: No such file or directory|3" \
    "$got" "$T/run.out" "$T/run.err"

tap_done
