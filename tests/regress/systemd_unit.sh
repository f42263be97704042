#!/bin/sh
# systemd/edgeprobe.service: `systemd-analyze verify` accepts it (with
# ExecStart pointed at the built binary and the man pages findable), its
# `systemd-analyze security` exposure is 2.0 or lower, and it says what the
# daemon relies on: Type=notify, DynamicUser, reload by SIGHUP, a watchdog.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
EDGEPROBE=${EDGEPROBE:-$(pwd)/$BUILD/edgeprobe}
unit=systemd/edgeprobe.service
n=0

# tap OK NAME: one TAP line.
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/man/man8" "$tmp/man/man5"
cp man/edgeprobe.8 "$tmp/man/man8/"
cp man/edgeprobe.conf.5 "$tmp/man/man5/"
sed "s|/usr/local/sbin/edgeprobe|$EDGEPROBE|g" "$unit" >"$tmp/edgeprobe.service"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "not ok 1 - systemd-analyze is installed"
	exit 1
fi

[ -x "$EDGEPROBE" ]
tap $? "the binary exists for ExecStart ($EDGEPROBE)"

# Documentation=man: pages are looked up with man(1) when it is there.
man=no
command -v man >/dev/null 2>&1 && man=yes
MANPATH="$tmp/man" systemd-analyze verify --man=$man \
    "$tmp/edgeprobe.service" >"$tmp/verify" 2>&1
rc=$?
sed 's/^/# /' "$tmp/verify"
[ $rc -eq 0 ] && [ ! -s "$tmp/verify" ]
tap $? "systemd-analyze verify (man=$man) is silent"

systemd-analyze security --offline=true "$tmp/edgeprobe.service" \
    >"$tmp/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for edgeprobe.service: \([0-9.]*\).*/\1/p' \
    "$tmp/security")
echo "# exposure: ${score:-none}"
grep '^✗' "$tmp/security" | sed 's/^/# /'
[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
tap $? "systemd-analyze security exposure ${score:-?} <= 2.0"
systemd-analyze security --offline=true --threshold=20 \
    "$tmp/edgeprobe.service" >/dev/null 2>&1
tap $? "systemd-analyze security --threshold=20 passes"

missing=""
for line in 'Type=notify' 'DynamicUser=yes' \
    'ExecStart=/usr/local/sbin/edgeprobe -c /etc/edgeprobe/edgeprobe.conf' \
    'ExecReload=/bin/kill -HUP $MAINPID' 'NoNewPrivileges=yes' \
    'CapabilityBoundingSet=' 'ProtectSystem=strict' \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
    'SystemCallFilter=@system-service' 'MemoryDenyWriteExecute=yes' \
    'RestartPreventExitStatus=3'; do
	grep -qxF -- "$line" "$unit" || missing="$missing [$line]"
done
grep -q '^WatchdogSec=[1-9]' "$unit" || missing="$missing [WatchdogSec]"
[ -n "$missing" ] && echo "# missing:$missing"
[ -z "$missing" ]
tap $? "the unit has the directives the daemon relies on"
