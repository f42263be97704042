#!/bin/sh
# check_config.sh: `edgeprobe -c FILE --check-config` on real files: valid
# ones exit 0, and one bad file per kind of error exits 3 with exactly the
# expected "FILE:LINE: message" lines on stderr and nothing on stdout.
. "$(dirname "$0")/lib.sh"

tap_require_binary
cd "$T" || exit 1

# valid NAME STDOUT: FILE from stdin (or an existing NAME when stdin is
# empty); expect exit 0, exactly STDOUT and an empty stderr.
valid() {
	name=$1
	want=$2
	"$EDGEPROBE" -c "$name" --check-config >out 2>err
	rc=$?
	printf '%s\n' "$want" >want
	if [ "$rc" -eq 0 ] && cmp -s want out && [ ! -s err ]; then
		tap_ok "valid: $name"
	else
		tap_not_ok "valid: $name" "exit status $rc (want 0)"
		tap_diag want "expected stdout"
		tap_diag out stdout
		tap_diag err stderr
	fi
}

# bad CASE FILE EXPECTED: run on FILE; expect exit 3, nothing on stdout and
# exactly the EXPECTED lines on stderr.
bad() {
	case=$1
	name=$2
	want=$3
	"$EDGEPROBE" -c "$name" --check-config >out 2>err
	rc=$?
	printf '%s\n' "$want" >want
	if [ "$rc" -eq 3 ] && cmp -s want err && [ ! -s out ]; then
		tap_ok "$case"
	else
		tap_not_ok "$case" "exit status $rc (want 3)"
		tap_diag want "expected stderr"
		tap_diag err stderr
		tap_diag out stdout
	fi
}

touch bundle.pem
cat >valid.conf <<'EOF'
# Every setting once.
interval = 120;
timeout = 5;
concurrency = 50;
warn_days = 21;
crit_days = 7;
log_ok = false;
ca_file = "bundle.pem";
syslog = { ident = "edgeprobe"; facility = "local3"; };
targets = (
	{
		name = "access";
		host = "sip.contoso.com";
		ports = [443, 5061];
		sni = "sip.contoso.com";
		subject = "sip.contoso.com";
		san = ["sip.contoso.com", "webcon.contoso.com"];
		public_im = true;
		pool = ["192.0.2.10", "192.0.2.11"];
		warn_days = 40;
		crit_days = 10;
		timeout = 3;
		interval = 60;
	},
	{ name = "av"; host = "av.contoso.com"; ports = (443); }
);
EOF
valid valid.conf "valid.conf: configuration OK, 2 targets"

cp "$TOP/conf/edgeprobe.conf" shipped.conf
valid shipped.conf "shipped.conf: configuration OK, 4 targets"
valid "$TOP/conf/edgeprobe.conf" \
    "$TOP/conf/edgeprobe.conf: configuration OK, 4 targets"

bad "missing file" nothere.conf \
    "nothere.conf: cannot open: No such file or directory"

cat >syntax.conf <<'EOF'
interval = 300;
# a value is missing:
timeout = ;
concurrency = 200;
EOF
bad "syntax error" syntax.conf "syntax.conf:3: syntax error"

cat >unknown.conf <<'EOF'
intervall = 300;
targets = ( { name = "edge1"; host = "sip.contoso.com"; } );
EOF
bad "unknown global setting" unknown.conf \
    'unknown.conf:1: unknown setting "intervall"'

cat >unknown-target.conf <<'EOF'
targets = (
	{
		name = "edge1";
		host = "sip.contoso.com";
		pors = [443];
	}
);
EOF
bad "unknown setting in a target" unknown-target.conf \
    'unknown-target.conf:5: unknown setting "pors" in target "edge1"'

cat >unknown-syslog.conf <<'EOF'
syslog = { ident = "edgeprobe"; level = "info"; };
targets = ( { name = "edge1"; host = "sip.contoso.com"; } );
EOF
bad "unknown setting in syslog" unknown-syslog.conf \
    'unknown-syslog.conf:1: unknown setting "level" in syslog'

cat >type.conf <<'EOF'
targets = (
	{
		name = "edge1";
		host = "sip.contoso.com";
		ports = "443";
	}
);
log_ok = "yes";
EOF
bad "wrong types" type.conf \
    'type.conf:5: "ports" in target "edge1" must be a list of ports
type.conf:8: "log_ok" must be true or false'

cat >dup.conf <<'EOF'
targets = (
	{ name = "edge1"; host = "a.contoso.com"; },
	{ name = "edge2"; host = "b.contoso.com"; },
	{
		host = "c.contoso.com";
		name = "edge1";
	}
);
EOF
bad "duplicate target name" dup.conf \
    'dup.conf:6: duplicate target name "edge1" (first at line 2)'

cat >port.conf <<'EOF'
targets = (
	{ name = "edge1"; host = "sip.contoso.com"; ports = [443, 0]; },
	{ name = "edge2"; host = "sip.contoso.com"; ports = [65536]; }
);
EOF
bad "port outside 1..65535" port.conf \
    'port.conf:2: port 0 in target "edge1" is outside 1..65535
port.conf:3: port 65536 in target "edge2" is outside 1..65535'

cat >manyports.conf <<'EOF'
targets = ( { name = "edge1"; host = "sip.contoso.com";
	ports = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]; } );
EOF
bad "more than 16 ports" manyports.conf \
    'manyports.conf:2: "ports" in target "edge1" has 17 entries; at most 16 are allowed'

cat >notargets.conf <<'EOF'
interval = 300;
EOF
bad "missing targets" notargets.conf \
    'notargets.conf:1: no "targets": at least one target is required'

cat >emptytargets.conf <<'EOF'
interval = 300;
targets = ();
EOF
bad "empty targets" emptytargets.conf \
    'emptytargets.conf:2: "targets" is empty: at least one target is required'

cat >nohost.conf <<'EOF'
targets = (
	{ name = "edge1"; }
);
EOF
bad "target without host" nohost.conf \
    'nohost.conf:2: target "edge1" has no "host"'

cat >days.conf <<'EOF'
warn_days = 5;
crit_days = 7;
targets = ( { name = "edge1"; host = "sip.contoso.com"; } );
EOF
bad "warn_days < crit_days" days.conf \
    'days.conf:1: warn_days (5) is less than crit_days (7)'

cat >days-target.conf <<'EOF'
targets = (
	{ name = "edge1"; host = "sip.contoso.com"; crit_days = 60; }
);
EOF
bad "warn_days < crit_days after a target override" days-target.conf \
    'days-target.conf:2: warn_days (30) is less than crit_days (60) in target "edge1"'

cat >ca.conf <<'EOF'
ca_file = "/nonexistent/bundle.pem";
targets = ( { name = "edge1"; host = "sip.contoso.com"; } );
EOF
bad "unreadable ca_file" ca.conf \
    'ca.conf:1: cannot read ca_file "/nonexistent/bundle.pem": No such file or directory'

cat >facility.conf <<'EOF'
syslog = {
	facility = "local8";
};
targets = ( { name = "edge1"; host = "sip.contoso.com"; } );
EOF
bad "unknown facility" facility.conf \
    'facility.conf:2: unknown syslog facility "local8"'

cat >bounds.conf <<'EOF'
timeout = 0;
concurrency = 100001;
targets = ( { name = "edge1"; host = "sip.contoso.com"; interval = 0; } );
EOF
bad "values out of bounds" bounds.conf \
    'bounds.conf:1: "timeout" must be between 1 and 3600, not 0
bounds.conf:2: "concurrency" must be between 1 and 100000, not 100001
bounds.conf:3: "interval" in target "edge1" must be at least 1, not 0'

cat >empty.conf <<'EOF'
targets = ( { name = "edge1"; host = "";
	pool = ["192.0.2.10", ""]; } );
EOF
bad "empty strings" empty.conf \
    'empty.conf:1: "host" in target "edge1" must not be empty
empty.conf:2: "pool" in target "edge1" has an empty entry'

cat >three.conf <<'EOF'
interval = 300;
targets = (
	{ name = "edge1"; host = "a.contoso.com"; },
	{ name = "edge1"; host = "b.contoso.com"; },
	{ name = "edge3"; host = "c.contoso.com"; pors = [443]; }
);
syslog = { facility = "daemons"; };
EOF
bad "three errors, all reported in line order" three.conf \
    'three.conf:4: duplicate target name "edge1" (first at line 3)
three.conf:5: unknown setting "pors" in target "edge3"
three.conf:7: unknown syslog facility "daemons"'

# Round 2: client certificates, sip_options, domain, resolver, metrics, shard.
# The client certificates are minted here, at run time (openssl(1)).
mintclient() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1" -out "$2" -subj /CN=partner.fabrikam.com -days 2 \
	    >/dev/null 2>&1 && chmod 600 "$1"
}
mintclient partner.key partner.pem
mintclient other.key other.pem
cp partner.key open.key && chmod 644 open.key

cat >round2.conf <<'EOF'
sip_options = true;
resolver = "127.0.0.1:5353";
metrics_listen = "[::1]:9513";
shard = "2/4";
targets = (
	{ name = "fed"; domain = "fabrikam.com"; ports = [443]; sip_options = false; },
	{ name = "mtls"; host = "sip.contoso.com";
	  client_cert = "partner.pem"; client_key = "partner.key"; }
);
EOF
# shard 2/4 owns "mtls" (FNV-1a), not "fed": one target, its two ports.
valid round2.conf "$(printf '%s\n%s' "round2.conf: configuration OK, 2 targets" \
    "shard 2/4: 1 target, 2 endpoints before DNS")"

cat >hostdomain.conf <<'EOF'
targets = (
	{ name = "a"; domain = "fabrikam.com";
	  host = "sip.fabrikam.com"; },
	{ name = "b"; domain = "fabrikam.com"; pool = ["192.0.2.1"]; }
);
EOF
bad "host and domain, pool with domain" hostdomain.conf \
    'hostdomain.conf:3: "host" in target "a" conflicts with "domain" at line 2: a target has either "host" or "domain"
hostdomain.conf:4: "pool" in target "b" is not allowed with "domain" (the members come from DNS SRV)'

cat >clientkey.conf <<'EOF'
targets = (
	{ name = "a"; host = "h"; client_cert = "partner.pem";
	  client_key = "open.key"; },
	{ name = "b"; host = "h"; client_cert = "partner.pem";
	  client_key = "other.key"; },
	{ name = "c"; host = "h"; client_key = "partner.key"; }
);
EOF
bad "client key: readable by others, not matching, alone" clientkey.conf \
    'clientkey.conf:3: client_key "open.key" in target "a" is readable by group or others (mode 0644): chmod 600 it
clientkey.conf:5: client_key "other.key" in target "b" does not match the certificate of client_cert
clientkey.conf:6: "client_key" in target "c" needs "client_cert" too'

cat >addr.conf <<'EOF'
resolver = "ns.example";
metrics_listen = "127.0.0.1";
shard = "5/4";
targets = ( { name = "edge1"; host = "sip.contoso.com"; sip_options = 1; } );
EOF
bad "resolver, metrics_listen, shard, sip_options" addr.conf \
    'addr.conf:1: "resolver" must be ADDR[:PORT] or [IPv6][:PORT], not "ns.example": not a numeric address
addr.conf:2: "metrics_listen" must be ADDR:PORT or [IPv6]:PORT, not "127.0.0.1": the port is missing
addr.conf:3: "shard" must be "K/N" with 1 <= K <= N <= 1024, not "5/4"
addr.conf:4: "sip_options" in target "edge1" must be true or false'

tap_done
