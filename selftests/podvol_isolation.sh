#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tenant isolation: a volume never reads what another volume wrote.  A
# pattern is written through a volume that is then deleted; a new volume
# over the same space, a volume grown over it, and a volume shrunk and grown
# again read zeroes.  A power cut right after a delete (the members' later
# writes dropped by dm-flakey, which also drops the background zeroing)
# leaves the space dirty in the metadata: after re-assembly a new volume
# there reads zeroes too.  Last, on a fresh pool of two 64 GiB sparse loop
# members whose free space was zeroed in the background (6.1's loop offloads
# write-zeroes to the file; 7.x's over tmpfs does not, and that part is
# skipped), a 100 GiB volume create is fast: its time is reported and must
# stay under a generous 20 s.
# vm-timeout: 900
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
w=/tmp/iso
M=$((1 << 20))

modprobe loop
modprobe dm-mod 2>/dev/null
modprobe dm-flakey 2>/dev/null
modprobe podvol || exit 1
mkdir -p $w
truncate -s 48M $w/m0 $w/m1
L=("$(losetup -f --show $w/m0)" "$(losetup -f --show $w/m1)")
S=$(blockdev --getsz "${L[0]}")
linear() { # linear I: member I passes everything to its loop device
	dmsetup suspend --noflush iso$1 &&
		dmsetup load iso$1 --table "0 $S linear ${L[$1]} 0" &&
		dmsetup resume iso$1
}
cut() { # cut I: from now on member I drops every write (a power cut)
	dmsetup suspend --noflush iso$1 &&
		dmsetup load iso$1 --table "0 $S flakey ${L[$1]} 0 0 1 1 drop_writes" &&
		dmsetup resume iso$1
}
for i in 0 1; do dmsetup create iso$i --table "0 $S linear ${L[$i]} 0" || exit 1; done
dmsetup mknodes	# no udev in the guest
D=(/dev/mapper/iso0 /dev/mapper/iso1)

voldev() {
	for d in /sys/block/podvol*; do
		[ "$(cat $d/podvol/pool)/$(cat $d/podvol/name)" = "$1" ] && echo "/dev/$(basename "$d")"
	done
}
pattern() { # pattern VOL: fill VOL with a non-zero pattern, durably
	local dev
	dev=$(voldev "$1")
	[ -n "$dev" ] || { echo "no disk for $1"; return 1; }
	yes "tenant $1 was here" | head -c "$(blockdev --getsize64 "$dev")" |
		dd of="$dev" bs=1M iflag=fullblock oflag=direct conv=fsync 2>&1 >/dev/null | grep -v records
	cmp -s -n $M "$dev" /dev/zero && { echo "$dev reads zeroes after the pattern"; return 1; }
	return 0
}
zeroes() { # zeroes VOL [FROM]: VOL reads zeroes from byte FROM (0) to its end
	local dev n
	dev=$(voldev "$1")
	[ -n "$dev" ] || { echo "no disk for $1"; return 1; }
	n=$(($(blockdev --getsize64 "$dev") - ${2:-0}))
	echo 3 >/proc/sys/vm/drop_caches
	cmp -n $n -i "${2:-0}:0" "$dev" /dev/zero
}

check "pool create" $pv pool create iso --chunk 64K "${D[@]}"
jqt "pool show -j reports the dirty bytes" '.[0].dirty >= 0 and .[0].dirty <= .[0].free' \
	$pv -j pool show iso
check "volume create a, 80 MiB" $pv volume create iso/a 80M
check "a reads zeroes on a fresh pool" zeroes iso/a
check "pattern written through a" pattern iso/a
check "volume delete a" $pv volume delete iso/a
check "volume create b over a's space" $pv volume create iso/b 80M
check "b reads zeroes, not a's data" zeroes iso/b
check "pattern written through b" pattern iso/b
check "volume delete b" $pv volume delete iso/b

check "volume create c, 8 MiB" $pv volume create iso/c 8M
check "volume create d, 64 MiB" $pv volume create iso/d 64M
check "pattern written through d" pattern iso/d
check "volume delete d" $pv volume delete iso/d
check "grow c to 72 MiB over d's space" $pv volume resize iso/c 72M
check "c reads zeroes, not d's data" zeroes iso/c
check "pattern written through c" pattern iso/c
check "shrink c to 8 MiB" $pv volume resize iso/c 8M
check "grow c to 72 MiB again" $pv volume resize iso/c 72M
check "c's new part reads zeroes, not what c wrote before the shrink" zeroes iso/c $((8 * M))

# Power cut after a delete: nothing written after it reaches the members.
check "pattern written through c (full)" pattern iso/c
check "volume delete c" $pv volume delete iso/c
check "power cut on both members" eval 'cut 0 && cut 1'
sleep 2		# the background zeroing would run now, into the void
check "pool stop" $pv pool stop iso
check "power back" eval 'linear 0 && linear 1'
check "re-assembly" eval "$pv pool add ${D[0]} && $pv pool add ${D[1]}"
jqt "running again" '.[0].state == "running" and .[0].nr_volumes == 0' $pv -j pool show iso
check "volume create e over c's space" $pv volume create iso/e 80M
check "e reads zeroes, not c's data" zeroes iso/e
check "podvolctl check" $pv check "${D[@]}"
check "pool stop" $pv pool stop iso
for i in 0 1; do dmsetup remove iso$i; done
losetup -d "${L[@]}"
rm -f $w/m0 $w/m1

# volume create of 100 GiB on clean free space.
truncate -s 64G $w/b0 $w/b1
B=("$(losetup -f --show $w/b0)" "$(losetup -f --show $w/b1)")
check "pool create big, 2 x 64 GiB" $pv pool create big "${B[@]}"
dirty() { $pv -j pool show big | jq -r '.[0].dirty'; }
offload=$(cat /sys/block/${B[0]#/dev/}/queue/write_zeroes_max_bytes)
if [ "$offload" = 0 ]; then
	skip "100 GiB volume create on clean space" "loop over tmpfs takes no write-zeroes here"
else
	end=$((SECONDS + 600))
	while [ $SECONDS -lt $end ]; do
		case "$(dirty)" in 0 | null) break ;; esac
		sleep 2
	done
	diag "background zeroing of 128 GiB took about ${SECONDS}s in all, dirty now $(dirty)"
	t0=$(date +%s%N)
	$pv volume create big/huge 100G >/tmp/iso.out 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	diag "volume create of 100 GiB took $ms ms"
	report $((rc || ms > 20000)) "100 GiB volume create on clean space is fast ($ms ms)" \
		"$(cat /tmp/iso.out)"
fi
$pv pool stop big >/dev/null 2>&1
losetup -d "${B[@]}"
rm -f $w/b0 $w/b1
finish
