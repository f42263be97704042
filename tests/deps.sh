#!/bin/sh
# Install the Debian packages edgeprobe builds and tests with, when missing.
# README.md says what each is for. Needs root (or sudo) only when something
# is missing.
set -e
PKGS="gcc make pkg-config libssl-dev openssl libevent-dev libconfig-dev
libjansson-dev libcmocka-dev libsystemd-dev libc-ares-dev libpsl-dev jq dnsmasq-base clang libclang-rt-14-dev
valgrind mandoc iproute2 util-linux systemd prometheus curl
kamailio kamailio-tls-modules dnsutils
faketime
cppcheck clang-tidy
icinga2-bin nagios4-core"
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
# Debian's kamailio enables and starts kamailio.service on install (its
# stock configuration: SIP on UDP and TCP port 5060, every interface).
# The tests start their own on loopback ports from 20000 up and never
# touch 5060, so it would not disturb them; it is stopped and disabled
# all the same when installed here, since a test machine needs no SIP
# server open to its network. One installed before is left alone.
case " $missing " in
*" kamailio "*)
	if [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now kamailio.service >/dev/null 2>&1 ||
		    true
	fi ;;
esac
# icinga2-bin and nagios4-core are there for their validators only
# (regress/plugin_contrib: icinga2 daemon -C, nagios4 -v); Debian enables
# icinga2.service, and nagios4-core pulls in an MTA (bsd-mailx, then
# exim4, listening on loopback port 25). None of them is needed running:
# stopped and disabled when installed here, as kamailio is.
for _u in icinga2-bin:icinga2 nagios4-core:nagios4 nagios4-core:exim4; do
	case " $missing " in
	*" ${_u%%:*} "*)
		if [ -d /run/systemd/system ]; then
			$SUDO systemctl disable --now "${_u#*:}.service" \
			    >/dev/null 2>&1 || true
		fi ;;
	esac
done
