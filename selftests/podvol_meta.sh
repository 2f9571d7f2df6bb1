#!/bin/bash
# podvol kernel behaviour on loop members of unequal size: striping narrows
# only when the small member is full; discard passes; a corrupt older slot,
# a corrupt newest slot on one member (repaired on assembly), and a member
# with both slots corrupt (clear refusal); foreign metadata is not
# overwritten without force.
# vm-timeout: 500
# vm-core: yes
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
voldev() {
	for d in /sys/block/podvol*; do
		[ "$(cat $d/podvol/pool)/$(cat $d/podvol/name)" = "$1" ] && basename $d
	done
}
pattern() { # dev seed MiB: write
	dd if=/dev/urandom of=/tmp/pat.$2 bs=1M count=$3 2>/dev/null &&
	dd if=/tmp/pat.$2 of=/dev/$1 bs=1M oflag=direct 2>/dev/null
}
same() { cmp -n "$(stat -c %s /tmp/pat.$2)" /tmp/pat.$2 /dev/$1; }
addall() { for l in $L0 $L1 $L2; do $pv pool add $l || return 1; done; }
corrupt() { # dev offset(KiB): 1 KiB of garbage inside a superblock, magic kept
	dd if=/dev/urandom of=$1 bs=1k seek=$2 count=1 conv=notrunc oflag=direct 2>/dev/null
}
corrupt_both() { corrupt $1 513 && corrupt $1 1025; }
# slotgen DEV SLOT: the generation field of that slot's superblock, read
# from the member itself
slotgen() { od -An -t u8 -j $((512 * 1024 * ($2 + 1) + 16)) -N 8 "$1" | tr -d ' '; }
probegen() { $pv probe "$1" | sed -n 's/^PODVOL_GENERATION=//p'; }

modprobe loop
modprobe podvol || exit 1
mkdir -p /tmp/d
truncate -s 24M /tmp/d/m0; truncate -s 48M /tmp/d/m1; truncate -s 64M /tmp/d/m2
L0=$(losetup -f --show /tmp/d/m0) L1=$(losetup -f --show /tmp/d/m1) L2=$(losetup -f --show /tmp/d/m2)

check "pool create on unequal members" $pv pool create u --chunk 16K $L0 $L1 $L2
check "volume create v1" $pv volume create u/v1 12M
V1=$(voldev u/v1)
check "v1 striped over 3" test "$(cat /sys/block/$V1/podvol/stripe_width)" = 3
check "v1 pattern" pattern $V1 1 12
check "volume create v2 (fills small member)" $pv volume create u/v2 60M
V2=$(voldev u/v2)
check "v2 narrows to 2 members once the small one is full" test "$(cat /sys/block/$V2/podvol/stripe_width)" = 2
check "v2 pattern" pattern $V2 2 60
check "discard on loop members" blkdiscard -o 1M -l 4M /dev/$V2
check "discarded range reads zeros" sh -c "dd if=/dev/$V2 of=/tmp/z bs=1M skip=1 count=4 iflag=direct 2>/dev/null && cmp -n 4194304 /dev/zero /tmp/z"
check "rewrite pattern" pattern $V2 2 60
check "v1 intact" same $V1 1
check "pool stop" $pv pool stop u

# generations: 1 create, 2 v1, 3 v2 -> slot 1 newest, slot 0 older
check "corrupt older slot (0) of member 0" corrupt $L0 513
check "assemble" addall
V1=$(voldev u/v1) V2=$(voldev u/v2)
check "both volumes back" test -n "$V1" -a -n "$V2"
check "v1 data" same $V1 1
check "v2 data" same $V2 2
check "pool stop" $pv pool stop u
g=$(probegen "$L0")
check "generation $g in slot 1 of every member" test "$(slotgen "$L0" 1)/$(slotgen "$L1" 1)/$(slotgen "$L2" 1)" = "$g/$g/$g"
check "corrupt newest slot (1) of member 1" corrupt $L1 1025
t "member 1's newest copy is unreadable" sh -c "! $pv probe $L1 | grep -qx PODVOL_GENERATION=$g"
echo "podvol_meta: assembly with a damaged copy" >/dev/kmsg
check "assemble with one damaged newest copy" addall
V2=$(voldev u/v2)
check "newest state used (v2 present)" test -n "$V2"
check "repair logged" sh -c "dmesg | sed -n '/podvol_meta: assembly with a damaged copy/,\$p' | grep -q 'pool u: rewriting damaged copies of generation $g'"
# The damaged copy is written again, as generation $g in its own slot (1);
# member 1's other copy (slot 0), its only valid one until then, is left
# as it was.
check "repair wrote generation $g back into slot 1 of member 1" test "$(slotgen "$L1" 1)" = "$g"
check "member 1's older copy untouched (generation $((g - 1)) in slot 0)" test "$(slotgen "$L1" 0)" = "$((g - 1))"
check "member 1's newest copy reads back valid" test "$(probegen "$L1")" = "$g"
check "v2 data" same $V2 2
check "pool stop" $pv pool stop u
check "corrupt both slots of member 2" corrupt_both $L2
$pv pool add $L0 >/dev/null 2>&1
out=$($pv pool add "$L2" 2>&1)
rc=$?
refused $rc "$out"
report $? "member with both slots corrupt is refused" "rc=$rc: $out"
case $out in *"metadata unusable"*) true ;; *) false ;; esac
report $? "refusal names the problem" "$out"
tf "check reports corruption" $pv check "$L2"
check "pending pool can be stopped" $pv pool stop u
tf "create over podvol metadata without force" $pv pool create w $L0
check "create over it with force" $pv pool create w --force $L0 $L1
check "the old pool's members now belong to w" sh -c \
	"$pv probe $L0 | grep -qx PODVOL_POOL=w && $pv probe $L1 | grep -qx PODVOL_POOL=w"
jqt "w starts with no volumes" 'length == 0' $pv -j volume list w
check "volume create in w" $pv volume create w/x 8M
X=$(voldev w/x)
check "w/x pattern" pattern "$X" 3 8
check "w/x reads back" same "$X" 3
check "pool stop w" $pv pool stop w
rmmod podvol
losetup -d $L0 $L1 $L2
finish
