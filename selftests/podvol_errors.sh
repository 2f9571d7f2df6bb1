#!/bin/bash
# podvol kernel behaviour when a member fails underneath: a dm-linear
# member switched to the error target makes I/O to the volume fail with
# errors (no crash), a metadata write then fails and makes the pool's
# configuration read-only, and the pool can still be stopped.
# vm-timeout: 400
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl

modprobe loop
modprobe dm-mod 2>/dev/null
modprobe podvol || exit 1
mkdir -p /tmp/d
truncate -s 32M /tmp/d/m0 /tmp/d/m1
L0=$(losetup -f --show /tmp/d/m0) L1=$(losetup -f --show /tmp/d/m1)
sz=$(blockdev --getsz $L1)
check "dm-linear member" dmsetup create pvflaky --table "0 $sz linear $L1 0"
dmsetup mknodes pvflaky  # no udev in the guest
check "pool create" $pv pool create e $L0 /dev/mapper/pvflaky
check "volume create" $pv volume create e/v 16M
V=$(for d in /sys/block/podvol*; do basename $d; done | head -1)
check "write works" dd if=/dev/urandom of=/dev/$V bs=64k count=64 oflag=direct
check "switch member to error target" sh -c \
	"dmsetup suspend pvflaky && dmsetup load pvflaky --table '0 $sz error' && dmsetup resume pvflaky"
tf "writes fail with an error" dd if=/dev/zero of=/dev/$V bs=64k count=64 oflag=direct
tf "reads fail with an error" dd if=/dev/$V of=/dev/null bs=64k count=64 iflag=direct
check "I/O to the healthy member's chunks still works" dd if=/dev/$V of=/dev/null bs=64k count=1 iflag=direct
# The error target has no write cache: the flush to it is a no-op, the
# healthy member's flush works, so the fsync succeeds, and returns.
check "fsync after the member failed returns, with success" timeout 60 python3 -c \
	'import os, sys; os.fsync(os.open(sys.argv[1], os.O_RDONLY))' "/dev/$V"
# A shrink changes the metadata without taking space (a create might
# first have to zero dirty space, which fails earlier on the failed member)
tf "metadata change fails" $pv volume resize e/v 8M
out=$($pv volume create e/w 4M 2>&1)
rc=$?
refused $rc "$out"
report $? "pool is read-only afterwards" "rc=$rc: $out"
case $out in *read-only*) true ;; *) false ;; esac
report $? "refusal says read-only" "$out"
check "pool stop after member failure" $pv pool stop e
check "no podvol disks left" sh -c '! ls /sys/block | grep -q podvol'
dmsetup remove pvflaky
losetup -d $L0 $L1
check "module unload" rmmod podvol
finish
