#!/bin/sh
# The man pages: mandoc finds nothing at warning level or above, edgeprobe(8)
# documents every option of the command line, edgeprobe.conf(5) every
# setting the key table (conf_keys.c) knows.
cd "$(dirname "$0")/../.." || exit 1
n=0

# tap OK NAME: one TAP line.
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

if ! command -v mandoc >/dev/null 2>&1; then
	echo "not ok 1 - mandoc is installed (make deps)"
	exit 1
fi

for page in man/edgeprobe.8 man/edgeprobe.conf.5; do
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	[ $rc -eq 0 ] && [ -z "$out" ]
	tap $? "mandoc -T lint -W warning $page is silent"
done

# Every option, as rendered (mandoc turns "\-" into "-").
text8=$(mandoc -T ascii man/edgeprobe.8 | sed "s/.\x08//g")
missing=""
for opt in -c --config -f --stderr -v --verbose --once --json \
    --check-config --version --help probe --sni --connect --subject --san \
    --public-im --ca-file --warn-days --crit-days --timeout \
    EDGEPROBE_RESOLV_CONF SIGHUP SIGTERM SIGINT event=status_change \
    event=cert_change event=endpoint_removed event=reload_failed \
    /etc/edgeprobe/edgeprobe.conf LOG_INFO LOG_WARNING LOG_ERR LOG_NOTICE \
    READY=1 RELOADING=1 STOPPING=1 WatchdogSec=; do
	printf '%s\n' "$text8" | grep -qF -- "$opt" || missing="$missing $opt"
done
[ -n "$missing" ] && echo "# edgeprobe.8 lacks:$missing"
[ -z "$missing" ]
tap $? "edgeprobe.8 documents every option, signal, event and variable"

# Every key of the table in conf_keys.c, by the name in its first column.
keys=$(sed -n 's/^[[:space:]]*\[K_[A-Z_]*\][[:space:]]*=[[:space:]]*{ "\([a-z_]*\)".*/\1/p' src/conf_keys.c)
nkeys=$(printf '%s\n' "$keys" | grep -c .)
text5=$(mandoc -T ascii man/edgeprobe.conf.5 | sed "s/.\x08//g")
missing=""
for k in $keys; do
	printf '%s\n' "$text5" | grep -qw -- "$k" || missing="$missing $k"
done
[ -n "$missing" ] && echo "# edgeprobe.conf.5 lacks:$missing"
[ "$nkeys" -ge 26 ] && [ -z "$missing" ]
tap $? "edgeprobe.conf.5 documents all $nkeys settings of conf_keys.c"
