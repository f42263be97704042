#!/bin/sh
# Install the Debian packages edgeprobe builds and tests with, when missing.
# README.md says what each is for. Needs root (or sudo) only when something
# is missing.
set -e
PKGS="gcc make pkg-config libssl-dev openssl libevent-dev libconfig-dev
libjansson-dev libcmocka-dev libsystemd-dev libpsl-dev jq dnsmasq-base clang libclang-rt-14-dev
valgrind mandoc iproute2 util-linux systemd
cppcheck clang-tidy"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
