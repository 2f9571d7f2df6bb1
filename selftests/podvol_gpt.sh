#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The podvol GPT (issue 13 item 2): pool create gives whole disks a GPT
# with one podvol partition, the member, so that the standard tools see
# the disks are taken: blkid, lsblk, wipefs, mkfs.ext4, pvcreate, mdadm.
# A refused create leaves every disk untouched; udev assembles the pool
# from the partitions at a boot-like coldplug trigger, and whole-device
# members (a loop device without -P) as before; pool destroy and
# wipefs -a leave blank disks.
# vm-disks: 3x64M
# vm-timeout: 300
# vm-kernels: stock
set -u

. "$(dirname "$0")/podvol_lib.sh"
tmp=$(mktemp -d)
loops=""

GUID=e5a143ab-3833-4d31-be06-3a3e646f9cfc
A=/dev/vda B=/dev/vdb C=/dev/vdc
settle() { udevadm settle --timeout=60; }
blank() { blkid -p "$1" >/dev/null 2>&1; [ $? = 2 ] && [ ! -e "/sys/class/block/${1#/dev/}/${1#/dev/}1" ]; }
coldplug() { udevadm trigger --action=add --subsystem-match=block && settle; }

t "start systemd-udevd" /lib/systemd/systemd-udevd --daemon
t "modprobe podvol, loop" sh -c 'modprobe podvol && modprobe loop'

# --- validate everything first: a refused create writes nothing -----------------
t "mkfs.ext4 on $C" mkfs.ext4 -q -F -L keep $C
tf "create over $A $B and an ext4 disk is refused" podvolctl pool create g $A $B $C
t "$A and $B untouched: blank, no partition" sh -c "$(declare -f blank); blank $A && blank $B"
t "$C keeps its ext4 filesystem" sh -c "blkid -p -o export $C | grep -qx TYPE=ext4"

# --- create: the members are the GPT partitions -----------------------------------
has "pool create g over $A $B" "created pool g: 2 members" podvolctl pool create g $A $B
jqt "the members are ${A}1 and ${B}1" '.[0].members | map(.path) == ["'${A}1'", "'${B}1'"]' podvolctl -j pool show g
settle
has "blkid $A: PTTYPE gpt" 'PTTYPE="gpt"' blkid $A
out=$(blkid -p -o export ${A}1 2>&1)
for kv in PART_ENTRY_TYPE=$GUID PART_ENTRY_NAME=podvol:g PART_ENTRY_OFFSET=2048; do
	case "$out" in *"$kv"*) report 0 "blkid -p ${A}1: $kv" ;; *) report 1 "blkid -p ${A}1: $kv" "$out" ;; esac
done
has "lsblk shows the partition with its PARTTYPE and PARTLABEL" "vda1 $GUID podvol:g" lsblk -nro NAME,PARTTYPE,PARTLABEL $A
lsblk -o NAME,SIZE,PARTTYPE,PARTLABEL,FSTYPE $A $B | sed 's/^/#   /'
has "wipefs $A lists the PMBR and both GPT headers" "0x200 gpt;0x3fffe00 gpt;0x1fe PMBR;" \
	sh -c "wipefs -O OFFSET,TYPE --noheadings $A | tr -s ' ' | tr '\n' ';'"
tf "mkfs.ext4 on a running member's disk is refused" mkfs.ext4 -q -F $A
t "udev: probe imported on the partition, not on the disk" sh -c \
	"udevadm info ${A}1 | grep -qx 'E: PODVOL_POOL=g' && ! udevadm info $A | grep -q PODVOL_POOL"

# --- whole-device members: a loop device without -P, as pools were before -------------
truncate -s 32M "$tmp/f0" "$tmp/f1"
L0=$(losetup -f --show "$tmp/f0") && loops="$loops $L0"
L1=$(losetup -P -f --show "$tmp/f1") && loops="$loops $L1"
settle
has "pool create w over $L0 (no -P) and $L1 (-P)" "created pool w: 2 members" podvolctl pool create w $L0 $L1
jqt "members: $L0 itself, ${L1}p1" '.[0].members | map(.path) == ["'$L0'", "'${L1}p1'"]' podvolctl -j pool show w
t "$L0 has no partition table" sh -c "! blkid -p -o export $L0 | grep -q PTTYPE"
t "pool stop w" podvolctl pool stop w

# --- stopped: the tools warn about the disk ------------------------------------------
t "pool stop g" sh -c "udevadm settle --timeout=60 && podvolctl pool stop g"
# A writer closing the disk makes udev re-read its table and add the
# member back (pending): held until the coldplug below.
t "hold udev's event queue" udevadm control --stop-exec-queue
# mke2fs asks before overwriting a partition table only on a terminal
out=$(script -qec "mkfs.ext4 $A" /dev/null </dev/null 2>&1); rc=$?
[ $rc != 0 ] && printf '%s\n' "$out" | grep -q "Found a gpt partition table in $A" &&
	printf '%s\n' "$out" | grep -q "Proceed anyway"
report $? "mkfs.ext4 $A on a terminal warns of the gpt, asks, and unconfirmed makes nothing" "rc=$rc: $out"
out=$(mkfs.xfs $A </dev/null 2>&1); rc=$?
[ $rc != 0 ] && printf '%s\n' "$out" | grep -q "appears to contain a partition table (gpt)"
report $? "mkfs.xfs $A (no -f) refuses: a gpt partition table" "rc=$rc: $out"
out=$(mdadm --create /dev/md9 --level=1 --raid-devices=2 $A missing </dev/null 2>&1); rc=$?
[ $rc != 0 ] && printf '%s\n' "$out" | grep -q "partition table exists on $A"
report $? "mdadm --create on $A warns of the partition table and, not confirmed, creates nothing" "rc=$rc: $out"
out=$(LVM_SUPPRESS_FD_WARNINGS=1 pvcreate -t $A 2>&1); rc=$?
[ $rc != 0 ] && printf '%s\n' "$out" | grep -qi "partition"
report $? "pvcreate $A is refused: the disk is partitioned" "rc=$rc: $out"
t "after them $A still has its podvol partition" sh -c "blkid -p -o export ${A}1 | grep -qx PART_ENTRY_TYPE=$GUID"
has "probe $A (the whole disk) reports its partition's pool" "PODVOL_POOL=g" podvolctl probe $A

# --- udev assembles the pool from the partitions at a boot-like trigger --------------
t "release udev's event queue" udevadm control --start-exec-queue
t "coldplug trigger" coldplug
jqt "udev assembled pool g from ${A}1 ${B}1" '.[0].state == "running" and (.[0].members | map(.path)) == ["'${A}1'", "'${B}1'"]' podvolctl -j pool show g
jqt "... and pool w from the whole loop device $L0 and ${L1}p1" '.[0].state == "running"' podvolctl -j pool show w

# --- retiring: destroy and wipefs -a leave blank disks ---------------------------------
has "pool destroy --force g" "destroyed pool g" podvolctl pool destroy --force g
t "$A and $B blank again: no GPT, no partition" sh -c "$(declare -f blank); blank $A && blank $B"
t "wipefs $A finds nothing" sh -c "[ -z \"\$(wipefs $A)\" ]"
has "pool create g2 on $A (blank) and $C (ext4, --force)" "created pool g2: 2 members" podvolctl pool create g2 --force $A $C
# udev handles the events of the create first (it would add the members back)
t "pool stop g2" sh -c "udevadm settle --timeout=60 && podvolctl pool stop g2"
t "wipefs -a $A" wipefs -q -a $A
t "$A blank after wipefs -a: no GPT, no partition" sh -c "$(declare -f blank); blank $A"
out=$(podvolctl pool create g3 $A 2>&1); rc=$?
refused $rc "$out" && printf '%s\n' "$out" | grep -q "carries podvol metadata of pool \"g2\""
report $? "create on it is refused: wipefs -a left the partition's podvol metadata" "rc=$rc: $out"
t "udev add event for $A" sh -c "udevadm trigger --action=add $A && udevadm settle --timeout=60"
jqt "udev did not start pool g2" 'map(select(.name == "g2" and .state == "running")) | length == 0' podvolctl -j pool show

# --- a pool made before the GPT, on a disk the kernel partitions -----------------------
# Pool w's member $L0 is a whole-device member (metadata at offset 0, no
# table); copied onto $B it is what an older podvolctl left on a whole disk:
# nothing blkid knows, no partition, and udev must still assemble it.
# udev is held while the copy is made, so that nothing adds $L0 or $B early.
t "pool stop w" sh -c "udevadm settle --timeout=60 && podvolctl pool stop w"
t "hold udev's event queue" udevadm control --stop-exec-queue
t "copy $L0 (pool w's whole-device member) onto $B, detach $L0" sh -c \
	"dd if=$L0 of=$B bs=1M oflag=direct conv=fsync status=none && losetup -d $L0"
t "$B: no signature blkid knows, no partition" sh -c "$(declare -f blank); blank $B"
has "probe $B: a member of pool w" "PODVOL_POOL=w" podvolctl probe $B
t "release udev's event queue" udevadm control --start-exec-queue
t "coldplug trigger" coldplug
jqt "udev assembled pool w from $B (a whole disk without GPT) and ${L1}p1" \
	'map(select(.name == "w"))[0] | .state == "running" and (.members | map(.path)) == ["'$B'", "'${L1}p1'"]' \
	podvolctl -j pool show

finish
