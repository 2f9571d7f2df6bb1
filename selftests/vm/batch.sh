#!/bin/sh
# Run several selftests one after another in one guest (make check uses it
# to save a boot and a kmemleak scan per test).  After each test the guest
# is put back to a clean state: namespaces, links, loop and dm devices, our
# modules; that cleanup is part of the test's window.  Each test's output is
# framed by
#   # podkit-selftest-begin NAME
#   # podkit-selftest-uptime NAME SECONDS
#   # podkit-selftest-end NAME rc=N problem=TEXT
# where problem is the first kernel problem the test's own part of the
# kernel log shows, its cleanup included (empty when clean), and SECONDS the
# kernel's uptime when it began: kmemleak's single scan at the end of the
# guest names each leaked object's allocation time in jiffies since boot,
# which make check uses to charge the leak to the test that allocated it.
vmdir=$(cd "$(dirname "$0")" && pwd)
bad=$(cat "$vmdir/kernel-problems.ere")

reset_guest() {
	ip -all netns delete 2>/dev/null
	for l in /sys/class/net/*; do
		l=${l##*/}
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null
	done
	pkill -x iperf3 2>/dev/null; pkill -x sockperf 2>/dev/null
	pkill -x systemd-udevd 2>/dev/null
	# What the tests mounted under /tmp and /mnt goes, but not the host
	# directories the guest shares at their own paths (the checkout may
	# itself live under /tmp).
	grep -E ' /(tmp|mnt)/' /proc/mounts | awk '{print $2}' | sort -r |
		while read -r mp; do
			keep "$mp" || umount -l "$mp" 2>/dev/null
		done
	dmsetup remove_all 2>/dev/null
	losetup -D 2>/dev/null
	for m in podnet_kunit podvol_kunit podnet podvol null_blk; do
		grep -q "^$m " /proc/modules && rmmod "$m" 2>/dev/null
	done
	for f in /tmp/* /tmp/.[!.]*; do
		[ -e "$f" ] || continue
		keep "$f" || rm -rf "$f" 2>/dev/null
	done
}

# keep PATH: PATH is a shared host directory or leads to one.
# shellcheck disable=SC1091
. /run/podkit/env
keep() {
	for _km in $PODKIT_MOUNTS; do
		_kd=${_km#*:}
		case "$_kd/" in
		"$1"/*) return 0 ;;
		esac
	done
	return 1
}

i=0
for t in "$@"; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	to=$(sed -n 's/^# vm-timeout: *//p' "$t" | head -1)
	echo "# podkit-selftest-begin $name"
	echo "# podkit-selftest-uptime $name $(cut -d' ' -f1 /proc/uptime)"
	echo "podkit: selftest $i $name begins" > /dev/kmsg
	timeout -k 10 "${to:-600}" "$t" </dev/null 2>&1
	rc=$?
	reset_guest
	problem=$(dmesg | sed -n "/podkit: selftest $i $name begins/,\$p" |
		grep -v 'Command line:' | grep -E "$bad" | head -1 | cut -c1-200)
	echo "# podkit-selftest-end $name rc=$rc problem=$problem"
done
exit 0
