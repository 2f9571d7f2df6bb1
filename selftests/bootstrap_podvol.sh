#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol-up as a node runs it at boot, with a real systemd-udevd and
# /dev/disk/by-id names of virtio disks: first-boot pool creation on blank
# disks, idempotence, reassembly after a "reboot" (volumes unmounted, pool
# stopped, module unloaded) with the data intact, both by podvol-up alone
# and by udev, and disks with foreign data (a filesystem, a partition
# table, another pool's metadata, swap in use without a signature) left
# alone with a clear message, and a pool whose name is a word of
# podvolctl's tables ("state").
# vm-disks: 4x256M
# vm-timeout: 900
# vm-kernels: stock
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

. "$(dirname "$0")/ktap.sh"
tmp=$(mktemp -d)
cleanup() {
	umount "$tmp/mnt" 2>/dev/null
	for p in $(podvolctl -j pool show 2>/dev/null | jq -r '.[].name' 2>/dev/null); do
		podvolctl pool stop "$p" >/dev/null 2>&1
	done
	udevadm control --exit 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# up DESC RC PATTERN [ARGS]: podvol-up exits RC and prints PATTERN
up() {
	local desc=$1 want=$2 pat=$3 out rc
	shift 3
	out=$(podvol-up -c "$conf" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/#   /'
	[ $rc = "$want" ] && grep -qE -- "$pat" <<<"$out"
	report $? "$desc" "exit $rc (wanted $want), pattern /$pat/"
}
gen() { podvolctl -j pool show "$1" | jq -r '.[0].generation'; }
state() { podvolctl -j pool show "$1" 2>/dev/null | jq -r '.[0].state'; }
sum1m() { dd if="$1" bs=1M count=1 status=none | md5sum; }

id=/dev/disk/by-id/virtio-podkit-disk
conf=$tmp/pools.conf

t "podvol-up and podvol.service installed" \
	test -x /usr/sbin/podvol-up -a -f /usr/lib/systemd/system/podvol.service
t "start systemd-udevd" /lib/systemd/systemd-udevd --daemon
t "coldplug" sh -c 'udevadm trigger --action=add && udevadm settle --timeout=60'
t "by-id names of the disks" test -b ${id}0 -a -b ${id}3

# disk2 carries a filesystem the node must never touch.
t "mkfs.ext4 on disk2 (foreign data)" mkfs.ext4 -q -F -L keepme ${id}2
udevadm settle
before=$(sum1m ${id}2)

cat > "$conf" <<EOF
timeout 5
pool b-fast chunk 64K
	disk ${id}0
	disk ${id}1
pool b-other
	disk ${id}2
	disk ${id}3
EOF
t "podvol-up --check" podvol-up -c "$conf" --check

# --- first boot -------------------------------------------------------------
up "first boot: b-fast created on its two blank disks" 1 "b-fast: created on 2 blank disks"
up "first boot: the ext4 disk is named with what is on it" 1 \
	"b-other: ${id}2 \(/dev/vdc\) has a ext4 filesystem labelled 'keepme': foreign data, left alone"
up "first boot: b-other is not created, with the reason" 1 "b-other: not created"
t "b-fast is running" test "$(state b-fast)" = running
tf "b-other does not exist" podvolctl pool show b-other
t "the ext4 disk is untouched" test "$(sum1m ${id}2)" = "$before"
t "the blank disk of b-other is untouched (probe: exit 1, silent)" sh -c "out=\$(podvolctl probe ${id}3 2>&1); [ \$? = 1 ] && [ -z \"\$out\" ]"

t "volume b-fast/pod1" podvolctl volume create b-fast/pod1 64M
udevadm settle
t "mkfs.ext4 on /dev/podvol/b-fast/pod1" mkfs.ext4 -q /dev/podvol/b-fast/pod1
mkdir -p "$tmp/mnt"
t "mount it" mount /dev/podvol/b-fast/pod1 "$tmp/mnt"
t "a pod writes a file" sh -c "head -c 3000000 /dev/urandom > $tmp/mnt/data && md5sum < $tmp/mnt/data > $tmp/data.md5"

# --- idempotence ------------------------------------------------------------
g=$(gen b-fast)
up "second run: b-fast left as it is" 1 "b-fast: running \(2 of 2 members listed\), nothing to do"
t "second run: pool metadata generation unchanged" test "$(gen b-fast)" = "$g"
t "second run: the ext4 disk still untouched" test "$(sum1m ${id}2)" = "$before"
up "only b-fast: exit 0" 0 "nothing to do" b-fast

# --- reboot: podvol-up alone reassembles -----------------------------------
t "umount" umount "$tmp/mnt"
t "stop b-fast (podvol-up --stop)" podvol-up -c "$conf" --stop b-fast
t "unload podvol" modprobe -r podvol
up "after reboot: b-fast assembled from its members" 0 "b-fast: assembled from 2 members" b-fast
t "b-fast running again" test "$(state b-fast)" = running
udevadm settle
t "the volume is back at /dev/podvol/b-fast/pod1" test -b /dev/podvol/b-fast/pod1
t "mount it again" mount /dev/podvol/b-fast/pod1 "$tmp/mnt"
t "the pod's file survived" sh -c "md5sum < $tmp/mnt/data | cmp -s - $tmp/data.md5"
t "umount" umount "$tmp/mnt"

# --- reboot: udev reassembles as the disks appear, podvol-up confirms -------
t "stop b-fast" podvolctl pool stop b-fast
t "unload podvol" modprobe -r podvol
t "disks appear (udev add events)" sh -c 'udevadm trigger --action=add --subsystem-match=block && udevadm settle --timeout=60'
t "udev assembled b-fast" test "$(state b-fast)" = running
up "podvol-up after udev: nothing to do" 0 "b-fast: running.*nothing to do" b-fast
t "the volume is back" test -b /dev/podvol/b-fast/pod1

# --- a partition table, and a member of another pool -----------------------
# mbr DISK: a DOS partition table with one partition (sfdisk is not in the
# base system); the kernel is not asked to re-read it.
mbr() {
	printf '\000\000\000\000\203\000\000\000\000\010\000\000\000\020\000\000' |
		dd of="$1" bs=1 seek=446 conv=notrunc status=none &&
	printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}
cat > "$conf" <<EOF
timeout 5
pool b-new
	disk ${id}3
EOF
mbr ${id}3
udevadm settle
t "disk3 has a partition table" sh -c "blkid -p -o export ${id}3 | grep -qx PTTYPE=dos"
before=$(sum1m ${id}3)
up "a disk with a partition table is left alone" 1 \
	"b-new: ${id}3 \(/dev/vdd\) has a dos partition table: foreign data, left alone"
tf "b-new not created" podvolctl pool show b-new
t "the partition table is untouched" test "$(sum1m ${id}3)" = "$before"

t "wipe disk2 and disk3, make them pool b-else by hand" \
	sh -c "wipefs -q -a ${id}2 ${id}3 && podvolctl pool create b-else ${id}2 ${id}3"
t "stop b-else" sh -c 'udevadm settle; podvolctl pool stop b-else && udevadm settle'
# udev may add the members back as the disks change: stop what it assembled
podvolctl pool stop b-else >/dev/null 2>&1
up "a member of pool b-else listed for b-new is left alone" 1 \
	"b-new: ${id}3 \(/dev/vdd\) has a member of podvol pool 'b-else' \(.*\): foreign data, left alone"
tf "b-new not created" podvolctl pool show b-new
t "disk3 still belongs to b-else" sh -c "podvolctl probe ${id}3 | grep -qx PODVOL_POOL=b-else"

# --- a disk in use as swap, its signature gone -----------------------------
# blkid then sees a blank disk; only /proc/swaps tells (before, podvol-up
# looked there for the device's bare name, which never matched the
# /dev/... path: it took the disk for blank and tried to make a pool on
# it).  The kernel refuses writes to a swap device: a loop device's
# backing file loses the signature instead, and its cache is dropped.
# (wipefs leaves podvol's metadata, and udev would assemble b-else again
# on the change event: disk2 gets its first 3 MiB zeroed, the GPT and the
# metadata of the podvol partition at 1 MiB.)
t "stop b-else, zero disk2" \
	sh -c "udevadm settle; podvolctl pool stop b-else >/dev/null 2>&1; udevadm settle
	       podvolctl pool stop b-else >/dev/null 2>&1
	       dd if=/dev/zero of=${id}2 bs=1M count=3 oflag=direct status=none &&
	       udevadm settle && ! podvolctl pool show b-else >/dev/null 2>&1 &&
	       ! podvolctl probe ${id}2 >/dev/null 2>&1"
truncate -s 64M "$tmp/swap.img"
modprobe loop 2>/dev/null
loop=$(losetup -f --show "$tmp/swap.img")
t "$loop is swap in use, its signature then gone" \
	sh -c "mkswap $loop >/dev/null && swapon $loop &&
	       dd if=/dev/zero of=$tmp/swap.img bs=4096 count=1 conv=notrunc,fsync status=none &&
	       echo 3 > /proc/sys/vm/drop_caches && { blkid -p $loop; [ \$? = 2 ]; }"
cat > "$conf" <<EOF
pool b-swap
	disk $loop
EOF
up "a disk used as swap is left alone, saying so" 1 \
	"b-swap: $loop \($loop\) has no signature but is in use \(used as swap\): foreign data, left alone"
tf "b-swap not created" podvolctl pool show b-swap
t "swapoff" sh -c "swapoff $loop && losetup -d $loop"

# --- a pool named "state" ----------------------------------------------------
cat > "$conf" <<EOF
pool state
	disk ${id}2
EOF
up "pool 'state' created" 0 "state: created on 1 blank disks"
up "pool 'state': a second run finds it running" 0 "state: running \(1 of 1 members listed\), nothing to do"
up "pool 'state': --stop stops it" 0 "state: stopped" --stop

# --- a listed disk that does not exist -------------------------------------
cat > "$conf" <<EOF
pool b-gone
	disk /dev/disk/by-id/virtio-no-such-disk
EOF
up "a missing disk is named after the timeout" 1 "virtio-no-such-disk: no such disk \(waited 1s\)" -t 1
echo "pol x" > "$conf"
up "a broken file changes nothing" 1 "pools.conf:1: unknown keyword 'pol'"

finish
