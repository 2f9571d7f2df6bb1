#!/bin/sh
# Both modules load and unload cleanly, as installed by `make install`.
# vm-timeout: 180
# vm-core: yes
set -u
. "$(dirname "$0")/ktap.sh"
kver=$(uname -r)
for m in podnet podvol; do
	t "$m.ko installed under /lib/modules/$kver/updates" \
		sh -c "find /lib/modules/$kver/updates -name '$m.ko*' | grep -q ."
	t "modprobe $m" modprobe $m
	t "$m is live" sh -c "grep -q '^$m ' /proc/modules"
	t "modprobe -r $m" modprobe -r $m
	t "$m is gone after unload" sh -c "! grep -q '^$m ' /proc/modules"
done
for i in 1 2 3; do
	t "load/unload cycle $i" sh -c 'modprobe podnet && modprobe podvol && modprobe -r podvol && modprobe -r podnet'
done
finish
