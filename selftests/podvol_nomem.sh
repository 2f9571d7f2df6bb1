#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol's read/write path when bios are short (the debug kernel's
# FAILSLAB).  A 1M read or write over 3 members with 64K chunks puts
# several chunks on every member: podvol takes all the member bios of it
# without waiting (GFP_NOWAIT) and, when one is not there, sends the
# members one per pass from its mempool instead.  Half the non-waiting
# allocations of bio_vec tables of up to 128 entries (the slabs biovec-16,
# -64 and -128, which a member's share of a 1M bio takes; the bio from
# above takes a 256-entry one) made by the task submitting the bios are
# failed: podvol's GFP_NOWAIT member bios then fail now and then, and the
# fallback, which may wait, gets its bios from the mempool.  Failures
# must have been injected, and the data must come back exactly as
# written.
# Leaks show in the kmemleak scan at the guest's end (run-vm's verdict).
# vm-kernels: debug
# vm-timeout: 300
# shellcheck disable=SC2317 # helpers run through check and t
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
tmp=/tmp/pvnomem
D=/sys/kernel/debug
S=$D/failslab

modprobe loop
modprobe podvol || exit 1
mkdir -p $tmp
t "failslab is configured" test -d $S
L=()
for i in 0 1 2; do
	truncate -s 16M $tmp/m$i
	L+=("$(losetup -f --show $tmp/m$i)")
done
voldev() { $pv -j volume list "${1%/*}" | jq -r ".[] | select(.name == \"${1#*/}\") | .disk"; }
check "pool create nm" $pv pool create nm --chunk 64K "${L[@]}"
check "volume create nm/v 6M" $pv volume create nm/v 6M
V=/dev/$(voldev nm/v)
dd if=/dev/urandom of=$tmp/data bs=1M count=6 status=none

# nomem_dd in|out DD-ARGS...: dd with failslab on in its task once it has
# started, fed from or drained to $tmp/fifo.
nomem_dd() {
	local side=$1 pid rc
	shift
	rm -f $tmp/fifo
	mkfifo $tmp/fifo
	dd "$@" status=none &
	pid=$!
	# dd blocks opening the FIFO until the other side opens it.
	for _ in $(seq 100); do
		[ "$(readlink /proc/$pid/exe)" = "$(command -v dd)" ] && break
		sleep 0.1
	done
	echo 1 > /proc/$pid/make-it-fail
	if [ "$side" = in ]; then
		cat $tmp/data > $tmp/fifo
	else
		cat $tmp/fifo > $tmp/back
	fi
	wait $pid
	rc=$?
	rm -f $tmp/fifo
	return $rc
}

B=/sys/kernel/slab
t "the bio_vec slabs can fail on their own" test -w $B/biovec-16/failslab
for c in biovec-16 biovec-64 biovec-128; do echo 1 > $B/$c/failslab; done
echo Y > $S/ignore-gfp-wait; echo Y > $S/task-filter; echo Y > $S/cache-filter
# "times" counts down with every failure injected (they are silent:
# bio_vec tables are allocated with __GFP_NOWARN).
echo 50 > $S/probability; echo 1 > $S/interval; echo 1000000 > $S/times
echo 0 > $S/space; echo 0 > $S/verbose
t "1M writes with half the non-waiting allocations failed" \
	nomem_dd in if=$tmp/fifo of="$V" bs=1M iflag=fullblock oflag=direct
t "1M reads with half the non-waiting allocations failed" \
	nomem_dd out if="$V" of=$tmp/fifo bs=1M iflag=direct
echo 0 > $S/probability; echo N > $S/task-filter; echo N > $S/cache-filter
for c in biovec-16 biovec-64 biovec-128; do echo 0 > $B/$c/failslab; done
hit=$((1000000 - $(cat $S/times)))
echo -1 > $S/times
[ "$hit" -gt 0 ]
report $? "allocations of podvol's member bios were failed ($hit)"
t "what was written reads back" cmp $tmp/data $tmp/back
t "and again without failslab" cmp -n $((6 << 20)) $tmp/data "$V"

check "volume delete nm/v" $pv volume delete nm/v
check "pool stop nm" $pv pool stop nm
check "rmmod podvol" rmmod podvol
for l in "${L[@]}"; do losetup -d "$l"; done
rm -rf $tmp
finish
