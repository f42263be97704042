#!/bin/sh
# make install PREFIX=/usr/local DESTDIR=...: every file where CONTRACT.md
# section 1 says, the unit pointing at the installed paths, and an existing
# configuration left alone.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
san=""
case "${BUILD:-build}" in *san*) san="SANITIZE=1" ;; esac
D=$T/root

if make -s install $san PREFIX=/usr/local DESTDIR="$D" >"$T/log" 2>&1; then
	tap_ok "make install PREFIX=/usr/local DESTDIR=... succeeds"
else
	tap_not_ok "make install PREFIX=/usr/local DESTDIR=... succeeds"
	tap_diag "$T/log"
fi
for f in usr/local/sbin/edgeprobe etc/edgeprobe/edgeprobe.conf \
    usr/local/lib/systemd/system/edgeprobe.service \
    usr/local/share/man/man8/edgeprobe.8 \
    usr/local/share/man/man5/edgeprobe.conf.5; do
	if [ -f "$D/$f" ]; then tap_ok "installed /$f"
	else tap_not_ok "installed /$f"; fi
done
if [ -x "$D/usr/local/sbin/edgeprobe" ] &&
    "$D/usr/local/sbin/edgeprobe" --version >/dev/null; then
	tap_ok "the installed binary runs"
else
	tap_not_ok "the installed binary runs"
fi
if grep -q '^ExecStart=/usr/local/sbin/edgeprobe -c /etc/edgeprobe/edgeprobe.conf$' \
    "$D/usr/local/lib/systemd/system/edgeprobe.service"; then
	tap_ok "the unit starts the installed binary on the installed file"
else
	tap_not_ok "the unit starts the installed binary on the installed file"
	tap_diag "$D/usr/local/lib/systemd/system/edgeprobe.service"
fi
echo "# mine" >"$D/etc/edgeprobe/edgeprobe.conf"
make -s install $san PREFIX=/usr/local DESTDIR="$D" >"$T/log" 2>&1
if [ "$(cat "$D/etc/edgeprobe/edgeprobe.conf")" = "# mine" ]; then
	tap_ok "a second install keeps the operator's configuration"
else
	tap_not_ok "a second install keeps the operator's configuration"
fi
make -s install $san PREFIX=/usr DESTDIR="$T/usr" >"$T/log" 2>&1
if grep -q '^ExecStart=/usr/sbin/edgeprobe -c /etc/edgeprobe/edgeprobe.conf$' \
    "$T/usr/usr/lib/systemd/system/edgeprobe.service"; then
	tap_ok "PREFIX=/usr: the unit points at /usr/sbin"
else
	tap_not_ok "PREFIX=/usr: the unit points at /usr/sbin"
	tap_diag "$T/log"
fi
tap_done
