#!/bin/sh
# deps.sh: install what `make bench` needs beyond tests/deps.sh, when
# missing: Debian's nginx (nginx-light) as the TLS server, GNU time for
# rusage, procps for ps, openssl for the s_client comparison. Needs root
# (or sudo) only when something is missing.
set -e
PKGS="nginx-light time procps openssl"
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
