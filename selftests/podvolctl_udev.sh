#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The udev rules with a real systemd-udevd: members (the partitions of the
# GPTs pool create gives the disks, and whole loop devices) found by
# "podvolctl probe" (IMPORT{program}) and added to their pool as they
# appear ("add" from a trigger, "change" from attaching a loop device),
# idempotently; volumes get /dev/podvol/POOL/NAME and
# /dev/disk/by-id/podvol-UUID, which follow resize and delete.
# vm-disks: 3x256M
# vm-timeout: 1200
set -u

. "$(dirname "$0")/podvol_lib.sh"
tmp=$(mktemp -d)
loops=""


settle() { udevadm settle --timeout=120; }

# link LINK DISK: LINK resolves to /dev/DISK
link_is() { [ "$(readlink -f "$1")" = "/dev/$2" ]; }

vol_field() { podvolctl -j volume list "$1" | jq -r ".[] | select(.name == \"$2\") | .$3"; }

A=/dev/vda B=/dev/vdb C=/dev/vdc

t "rules installed" test -f /usr/lib/udev/rules.d/60-podvol.rules
t "start systemd-udevd" /lib/systemd/systemd-udevd --daemon
t "coldplug block devices" sh -c 'udevadm trigger --action=add --subsystem-match=block && udevadm settle --timeout=120'

# --- volumes get their links when created --------------------------------------
t "pool create" podvolctl pool create u1 $A $B $C
t "volume create u1/web" podvolctl volume create u1/web 64M
t "volume create u1/db" podvolctl volume create u1/db 32M
settle
web=$(vol_field u1 web disk) webuuid=$(vol_field u1 web uuid)
db=$(vol_field u1 db disk)
t "/dev/podvol/u1/web -> /dev/$web" link_is /dev/podvol/u1/web "$web"
t "/dev/podvol/u1/db -> /dev/$db" link_is /dev/podvol/u1/db "$db"
t "/dev/disk/by-id/podvol-$webuuid -> /dev/$web" link_is "/dev/disk/by-id/podvol-$webuuid" "$web"
t "sysfs attributes" sh -c "[ \$(cat /sys/block/$web/podvol/pool) = u1 ] && [ \$(cat /sys/block/$web/podvol/name) = web ]"
ls -l /dev/podvol/u1 | sed 's/^/#   /'

t "write test data" dd if=/dev/urandom of="$tmp/data" bs=1M count=8 status=none
t "write it to /dev/podvol/u1/web" dd if="$tmp/data" of=/dev/podvol/u1/web bs=1M oflag=direct status=none
t "write it to /dev/podvol/u1/db" dd if="$tmp/data" of=/dev/podvol/u1/db bs=1M oflag=direct status=none
settle
t "links survive the change event of a writer closing the volume" link_is /dev/podvol/u1/web "$web"

# --- online grow keeps the links; delete removes them --------------------------
t "grow u1/web to 128M" podvolctl volume resize u1/web 128M
settle
t "link still there after grow" link_is /dev/podvol/u1/web "$web"
t "size seen through the link" sh -c "[ \$(blockdev --getsize64 /dev/podvol/u1/web) = 134217728 ]"

# --- stop: links go; re-assembly by udev alone brings everything back ----------
t "pool stop" podvolctl pool stop u1
settle
t "volume links removed" sh -c '[ ! -e /dev/podvol/u1/web ] && [ ! -e /dev/podvol/u1/db ]'
t "by-id link removed" test ! -e "/dev/disk/by-id/podvol-$webuuid"
# the members are the partitions of the GPTs pool create made
t "udev add events for the members" sh -c "udevadm trigger --action=add ${A}1 ${B}1 ${C}1 && udevadm settle --timeout=120"
jqt "udev assembled pool u1" '.[0].name == "u1" and .[0].state == "running" and .[0].nr_volumes == 2' podvolctl -j pool show u1
udevadm info ${A}1 | grep PODVOL | sed 's/^/#   /'
t "member properties imported from probe" sh -c "udevadm info ${A}1 | grep -qx 'E: PODVOL_POOL=u1' && udevadm info ${B}1 | grep -qx 'E: PODVOL_MEMBER=1'"
web=$(vol_field u1 web disk)
t "/dev/podvol/u1/web back" link_is /dev/podvol/u1/web "$web"
t "/dev/podvol/u1/db back" link_is /dev/podvol/u1/db "$(vol_field u1 db disk)"
t "/dev/disk/by-id/podvol-$webuuid back (same uuid)" link_is "/dev/disk/by-id/podvol-$webuuid" "$web"
t "web kept its size" sh -c "[ \$(blockdev --getsize64 /dev/podvol/u1/web) = 134217728 ]"
t "web data intact" cmp -n 8388608 "$tmp/data" /dev/podvol/u1/web
t "db data intact" cmp -n 8388608 "$tmp/data" /dev/podvol/u1/db

# --- repeated events are harmless ---------------------------------------------------
t "udev change events on running members" sh -c "udevadm trigger --action=change ${A}1 ${B}1 ${C}1 && udevadm trigger --action=add ${A}1 && udevadm settle --timeout=120"
jqt "pool still running, two volumes" '.[0].state == "running" and .[0].nr_volumes == 2' podvolctl -j pool show u1
jqt "no duplicate volumes" 'length == 2' podvolctl -j volume list u1

t "volume delete u1/db" podvolctl volume delete u1/db
settle
t "/dev/podvol/u1/db removed" test ! -e /dev/podvol/u1/db
t "/dev/podvol/u1/web still there" link_is /dev/podvol/u1/web "$web"
t "pool stop u1" podvolctl pool stop u1

# --- loop members: attaching the file emits "change", not "add" ------------------
t "modprobe loop" modprobe loop
settle
for i in 0 1; do
	truncate -s 96M "$tmp/f$i"
	l=$(losetup -f --show "$tmp/f$i") && loops="$loops $l"
done
set -- $loops
L0=${1:-} L1=${2:-}
t "two loop devices attached" test -n "$L1"
settle
t "pool create over $L0 $L1" podvolctl pool create lp --chunk 4K $L0 $L1
t "volume create lp/x" podvolctl volume create lp/x 16M
settle
t "write lp/x" dd if="$tmp/data" of=/dev/podvol/lp/x bs=1M count=4 oflag=direct status=none
t "pool stop lp" podvolctl pool stop lp
t "detach the loop devices" losetup -d $L0 $L1
settle
t "re-attach $L0 (a change event)" losetup $L0 "$tmp/f0"
settle
jqt "one member present: pool pending" '.[0].name == "lp" and .[0].state == "pending" and .[0].nr_present == 1' podvolctl -j pool show lp
t "re-attach $L1 (a change event)" losetup $L1 "$tmp/f1"
settle
jqt "both present: udev started pool lp" '.[0].state == "running"' podvolctl -j pool show lp
t "/dev/podvol/lp/x back" test -b /dev/podvol/lp/x
t "lp/x data intact" cmp -n 4194304 "$tmp/data" /dev/podvol/lp/x
t "pool stop lp" podvolctl pool stop lp

finish
