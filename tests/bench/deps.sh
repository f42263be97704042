#!/bin/sh
# deps.sh: install what `make bench` needs beyond tests/deps.sh, when
# missing: Debian's nginx (nginx-light) as the TLS server, GNU time for
# rusage, procps for ps, openssl for the s_client comparison,
# prometheus-blackbox-exporter as the peer prober of the paired comparison
# and curl to drive it. Needs root (or sudo) only when something is missing.
set -e
PKGS="nginx-light time procps openssl prometheus-blackbox-exporter curl jq"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bench deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian's prometheus-blackbox-exporter enables and starts its service on
# install (its stock configuration, port 9115 on every interface). The
# benchmark runs its own exporter on a loopback port with its own
# configuration and never uses that one, so it is stopped and disabled when
# installed here, as tests/deps.sh does for kamailio: a test machine needs
# no prober open to its network. One installed before is left alone.
case " $missing " in
*" prometheus-blackbox-exporter "*)
	svc=prometheus-blackbox-exporter
	if [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now "$svc.service" >/dev/null 2>&1 ||
		    true
	elif [ -x "/etc/init.d/$svc" ]; then
		$SUDO "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
		$SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
	fi ;;
esac
