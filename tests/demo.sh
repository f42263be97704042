#!/bin/sh
# make demo: three local Edge endpoints like the seed's table, probed once.
#
# epfixture mints a public-CA stand-in (root -> intermediate) and serves, on
# loopback, the Access Edge certificate of the seed three times over: as it
# should be (server + client EKU), as a 2026 renewal that lost the client
# EKU, and one that expires in five days. edgeprobe then probes them with
# --once, as a monitoring plugin would.
set -u
BUILD=${BUILD:-build}
dir=$(mktemp -d /tmp/edgeprobe-demo.XXXXXX)
cleanup() {
	[ -n "${fx:-}" ] && kill "$fx" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# epfixture serves until killed (or for 120 s at most).
"$BUILD/tests/epfixture" -t 120 "$dir" compliant@127.0.0.1 \
    noclient@127.0.0.2 expiring@127.0.0.3 </dev/null &
fx=$!
i=0
while [ ! -f "$dir/ports" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -f "$dir/ports" ]; then
	echo "demo: the fixture servers did not start" >&2
	exit 1
fi

port() { awk -v n="$1" '$1 == n { print $3 }' "$dir/ports"; }

cat >"$dir/edgeprobe.conf" <<CONF
# The seed's Access Edge, three times over, on loopback.
timeout = 5;
ca_file = "$dir/ca.pem";
targets = (
  { name = "edge-compliant"; host = "sip.contoso.com"; pool = ["127.0.0.1"];
    ports = [$(port compliant)]; public_im = true;
    san = ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"]; },
  { name = "edge-renewed-2026"; host = "sip.contoso.com"; pool = ["127.0.0.2"];
    ports = [$(port noclient)]; public_im = true;
    san = ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"]; },
  { name = "edge-expiring"; host = "sip.contoso.com"; pool = ["127.0.0.3"];
    ports = [$(port expiring)]; public_im = true;
    san = ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"]; }
);
CONF

echo "\$ edgeprobe -c edgeprobe.conf --once"
"$BUILD/edgeprobe" -c "$dir/edgeprobe.conf" --once
rc=$?
echo
echo "exit status $rc (0 ok, 1 warning, 2 critical, 3 usage or configuration error)"
echo "The same round as JSON: $BUILD/edgeprobe -c FILE --once --json"
[ $rc -le 2 ]
