#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol's I/O beyond plain reads and writes, on loop members (files on
# an ext4 scratch file system) of unequal size so that a volume has two extents over different
# members: write zeroes and discard within and across the extent boundary
# (zeros read back, the neighbours intact, the members they reached then
# flushed by a pre-flush), secure erase refused cleanly when the members
# have none, FUA kept on the piece sent to the member (seen in the
# block_bio_queue trace), grow and shrink with I/O in flight, concurrent
# podvolctl calls, pool stop and rmmod under I/O.
# vm-timeout: 900
# shellcheck disable=SC2317 # helpers run through check and t
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
tmp=/tmp/pvio

modprobe loop
modprobe podvol || exit 1
mkdir -p $tmp
# The member files live on ext4, not on the guest's tmpfs: loop turns
# write zeroes into fallocate, and tmpfs has no FALLOC_FL_ZERO_RANGE (on
# 7.x loop then stops offering write zeroes at all).
truncate -s 96M $tmp.img
# (losetup, then mount: the debug kernel refuses to mount a device that
# is open for writing, as mount -o loop's own loop device is)
fsl=$(losetup -f --show $tmp.img) && mkfs.ext4 -q "$fsl" && mount "$fsl" $tmp || exit 1
# Member 0 has 2M of data space, the others 14M: a 14M volume is an extent
# of width 4 (0-8M, on members 0-3) and one of width 3 (8M-14M, members 1-3).
truncate -s 4M $tmp/m0
truncate -s 16M $tmp/m1 $tmp/m2 $tmp/m3
L=()
for i in 0 1 2 3; do L+=("$(losetup -f --show $tmp/m$i)"); done

flushes() {	# flush count of every member, space separated
	for l in "${L[@]}"; do awk '{ print $16 }' "/sys/block/${l#/dev/}/stat"; done | tr '\n' ' '
}
flushed() {	# flushed BEFORE AFTER: the indexes of the members whose count went up
	local -a bef aft
	local i out=""
	read -ra bef <<<"$1"
	read -ra aft <<<"$2"
	for i in 0 1 2 3; do [ "${aft[$i]}" -gt "${bef[$i]}" ] && out="$out $i"; done
	echo "${out# }"
}
fsync_dev() { python3 -c 'import os, sys; os.fsync(os.open(sys.argv[1], os.O_RDONLY))' "$1"; }
# (the page cache of the volume is dropped first: the device is read)
zeros() {	# zeros DEV OFFSET_K LEN_K: the range reads zeros
	blockdev --flushbufs "$1" && cmp -i 0:$(($2 << 10)) -n $(($3 << 10)) /dev/zero "$1"
}
kept() {	# kept DEV OFFSET_K LEN_K: the range still holds the pattern
	blockdev --flushbufs "$1" && cmp -i $(($2 << 10)):$(($2 << 10)) -n $(($3 << 10)) "$tmp/pat" "$1"
}
punch() {	# punch OFFSET_K LEN_K: the same range of the pattern file zeroed too
	dd if=/dev/zero of=$tmp/pat bs=1k seek="$1" count="$2" conv=notrunc status=none
}
voldev() { $pv -j volume list "${1%/*}" | jq -r ".[] | select(.name == \"${1#*/}\") | .disk"; }

# The block_bio_queue trace shows each bio's flags as queued to each
# device (rwbs: W write, a leading F pre-flush, F after the op FUA, D
# discard, N or WZ write zeroes, S sync) and its length.
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T
trace_start() { echo 0 > $T/tracing_on; echo > $T/trace; echo 1 > $T/events/block/block_bio_queue/enable; echo 1 > $T/tracing_on; }
trace_stop() { echo 0 > $T/tracing_on; echo 0 > $T/events/block/block_bio_queue/enable; }
# ops N: the bios queued to member N as RWBS/SECTORS, one a line
ops() {
	local d
	d=$(tr : , < "/sys/block/${L[$1]#/dev/}/dev")
	awk -v d="$d" '{ for (i = 1; i < NF; i++) if ($i == "block_bio_queue:" && $(i + 1) == d) print $(i + 2) "/" $(i + 5) }' $T/trace
}
allops() {
	local i v
	v=$(tr : , < "/sys/block/${X#/dev/}/dev")
	echo "volume: $(awk -v d="$v" '{ for (i = 1; i < NF; i++) if ($i == "block_bio_queue:" && $(i + 1) == d) print $(i + 2) "/" $(i + 5) }' $T/trace | tr '\n' ' ')"
	for i in 0 1 2 3; do echo "member $i: $(ops $i | tr '\n' ' ')"; done
}

check "pool create over members of 2M, 14M, 14M, 14M" $pv pool create io --chunk 64K "${L[@]}"
check "volume create io/x 14M" $pv volume create io/x 14M
X=/dev/$(voldev io/x)
jqt "x has two extents, the narrower over 3 members" '.[0].nr_extents == 2 and .[0].stripe_width == 3' \
	$pv -j volume list io
check "members have a write cache" grep -q "write back" "/sys/block/${L[0]#/dev/}/queue/write_cache"
check "x has a write cache" grep -q "write back" "/sys/block/${X#/dev/}/queue/write_cache"
t "x takes write zeroes" test "$(cat "/sys/block/${X#/dev/}/queue/write_zeroes_max_bytes")" -gt 0
t "x takes discards" test "$(cat "/sys/block/${X#/dev/}/queue/discard_max_bytes")" -gt 0
check "pattern" dd if=/dev/urandom of=$tmp/pat bs=1M count=14 status=none
check "write the pattern to x + fsync" dd if=$tmp/pat of="$X" bs=1M oflag=direct conv=fsync status=none

# --- write zeroes (fallocate punch: REQ_OP_WRITE_ZEROES, no fallback) ------
trace_start
check "write zeroes inside extent 0 (1M-1.5M)" fallocate -p -o 1M -l 512K "$X"
trace_stop
punch 1024 512
check "it reads zeros" zeros "$X" 1024 512
check "the rest of x is intact" kept "$X" 0 14336
# (6.1 shows write zeroes as N, newer kernels as WZ)
z=$(for i in 0 1 2 3; do ops $i; done)
printf '%s\n' "$z" | grep -Eq '^(N|WZ)' && ! printf '%s\n' "$z" | grep -Eq '^F?W[^Z]*/[1-9]'
report $? "the members got write zeroes, not data writes" "$(allops)"
b=$(flushes)
trace_start
check "write zeroes across the extent boundary (7.5M-8.5M)" fallocate -p -o 7680K -l 1M "$X"
check "fsync" fsync_dev "$X"
trace_stop
punch 7680 1024
who=$(flushed "$b" "$(flushes)")
[ "$who" = "0 1 2 3" ]
report $? "write zeroes across the boundary + fsync: all four members flushed" "flushed: '$who'
$(allops)"
check "it reads zeros" zeros "$X" 7680 1024
check "the rest of x is intact" kept "$X" 0 14336

# --- discard across the extent boundary, then a pre-flush ------------------
check "fsync: nothing left to flush" fsync_dev "$X"
b=$(flushes)
trace_start
check "discard across the extent boundary (6M-10M)" blkdiscard -o 6M -l 4M "$X"
d=$(flushes)
check "fsync" fsync_dev "$X"
trace_stop
punch 6144 4096
who=$(flushed "$b" "$d")
[ -z "$who" ]
report $? "the discard itself flushed nothing" "flushed: '$who'
$(allops)"
who=$(flushed "$d" "$(flushes)")
[ "$who" = "0 1 2 3" ]
report $? "discard across the boundary + fsync: all four members flushed (member 0 only by extent 0)" \
	"flushed: '$who'
$(allops)"
check "discarded range reads zeros" zeros "$X" 6144 4096
check "the rest of x is intact" kept "$X" 0 14336
check "rewrite the pattern" dd if=/dev/urandom of=$tmp/pat bs=1M count=14 status=none
check "write it to x + fsync" dd if=$tmp/pat of="$X" bs=1M oflag=direct conv=fsync status=none

# --- secure erase: loop devices have none, so neither has the volume -------
out=$(blkdiscard -s -o 1M -l 1M "$X" 2>&1)
rc=$?
refused $rc "$out" && case $out in *"not supported"*) true ;; *) false ;; esac
report $? "secure erase refused: Operation not supported" "rc=$rc: $out"
check "nothing erased" kept "$X" 0 14336

# --- FUA stays on the piece sent to the member -----------------------------
check "fsync: nothing left to flush" fsync_dev "$X"
trace_start
check "4k O_DSYNC write to chunk 2 (FUA)" dd if=/dev/urandom of="$X" bs=4k count=1 seek=32 oflag=direct,dsync conv=notrunc status=none
trace_stop
a=$(for i in 0 1 2 3; do echo "$i:$(ops $i | grep -E '^W[^Z]*/[1-9]' | tr '\n' ' ')"; done)
# chunk 2 of extent 0 is on member 2: its write, and only that one, is FUA
printf '%s\n' "$a" | grep -q '^2:WF[A-Z]*/8 $' && [ "$(printf '%s\n' "$a" | grep -c ':W')" = 1 ]
report $? "the write reached member 2 alone, with FUA" "writes: $a
$(allops)"
trace_start
check "4k plain write to chunk 3" dd if=/dev/urandom of="$X" bs=4k count=1 seek=48 oflag=direct conv=notrunc status=none
trace_stop
a=$(for i in 0 1 2 3; do echo "$i:$(ops $i | grep -E '^W[^Z]*/[1-9]' | tr '\n' ' ')"; done)
printf '%s\n' "$a" | grep -q '^3:W[A-EG-Z]*/8 $' && [ "$(printf '%s\n' "$a" | grep -c ':W')" = 1 ]
report $? "the plain write reached member 3 alone, without FUA" "writes: $a"
dd if="$X" of=$tmp/pat bs=1M count=14 iflag=direct status=none

# --- grow and shrink with I/O in flight ------------------------------------
# A writer rewrites x's first 8M with the pattern, pass after pass, until
# told to stop: whenever the resizes happen, x must end up holding it.  (It
# is one process holding x open, so there are no gaps between passes.)
writes() { awk '$3 == "'"${X#/dev/}"'" { print $8 }' /proc/diskstats; }
writer_start() {
	rm -f "$tmp/stop"
	python3 -c '
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_DIRECT)
pat = open(sys.argv[2], "rb").read(8 << 20)
buf = mmap.mmap(-1, 65536)
while not os.path.exists(sys.argv[3]):
    for off in range(0, len(pat), 65536):
        buf[:] = pat[off:off + 65536]
        os.pwrite(fd, buf, off)
' "$X" "$tmp/pat" "$tmp/stop" &
	wpid=$!
	local w0 i=0
	w0=$(writes)
	while [ "$(writes)" -lt $((w0 + 32)) ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}
writer_stop() { touch "$tmp/stop"; wait "$wpid"; }
writer_start
check "the writer is writing" kill -0 $wpid
w0=$(writes)
check "grow x to 20M under I/O" $pv volume resize io/x 20M
tf "shrink x to 14M under I/O is refused" $pv volume resize io/x 14M
w1=$(writes)
kill -0 $wpid && [ "$w1" -gt "$w0" ]
report $? "the writer kept writing through the resizes" "writes completed before: $w0, after: $w1"
check "x is 20M" test "$(blockdev --getsize64 "$X")" = $((20 << 20))
writer_stop
report $? "the writer's writes all succeeded"
check "x holds what the writer wrote" kept "$X" 0 8192
check "write the grown part" dd if=/dev/urandom of="$X" bs=1M seek=14 count=6 oflag=direct status=none
check "save the first 14M" dd if="$X" of=$tmp/pat bs=1M count=14 iflag=direct status=none
check "shrink x to 14M when idle" $pv volume resize io/x 14M
check "x is 14M" test "$(blockdev --getsize64 "$X")" = $((14 << 20))
check "the first 14M kept" kept "$X" 0 14336

# --- concurrent podvolctl calls --------------------------------------------
gen() { $pv -j pool show io | jq -r '.[0].generation'; }
g0=$(gen)
for i in 1 2 3 4 5 6; do $pv volume create io/c$i 1M >$tmp/c$i.log 2>&1 & done
for i in 1 2 3; do $pv -j volume list io >/dev/null 2>$tmp/l$i.log & done
fail=""
for j in $(jobs -p); do wait "$j" || fail="$fail $j"; done
report "${fail:-0}" "six volume creates and three listings at once all succeed" "$(cat $tmp/c*.log $tmp/l*.log)"
jqt "seven volumes, six of 1M on distinct disks" \
	'length == 7 and ([.[] | select(.name | startswith("c")) | select(.size == 1048576)] | length) == 6 and ([.[].disk] | unique | length) == 7' \
	$pv -j volume list io
check "generation went up by six" test "$(gen)" = $((g0 + 6))
for i in 1 2 3 4; do $pv volume create io/dup 1M >$tmp/d$i.log 2>&1 & pids[i]=$!; done
nok=0 nfail=0
for i in 1 2 3 4; do
	wait "${pids[i]}"
	rc=$?
	if [ $rc = 0 ]; then nok=$((nok + 1))
	elif refused $rc "$(cat $tmp/d$i.log)"; then nfail=$((nfail + 1)); fi
done
[ $nok = 1 ] && [ $nfail = 3 ]
report $? "four creates of one name at once: one succeeds, three are refused" "$(cat $tmp/d*.log)"
for i in 1 2 3 4 5 6; do $pv volume delete io/c$i >$tmp/c$i.log 2>&1 & done
$pv volume resize io/dup 2M >$tmp/r.log 2>&1 &
fail=""
for j in $(jobs -p); do wait "$j" || fail="$fail $j"; done
report "${fail:-0}" "six deletes and a resize at once all succeed" "$(cat $tmp/c*.log $tmp/r.log)"
jqt "x and dup (2M) left" 'length == 2 and ([.[] | select(.name == "dup" and .size == 2097152)] | length) == 1' \
	$pv -j volume list io
check "generation went up by eight more" test "$(gen)" = $((g0 + 14))
check "pool stop" $pv pool stop io
check "reassemble" sh -c "for l in ${L[*]}; do $pv pool add \$l >/dev/null || exit 1; done"
jqt "the metadata on disk agrees: x and dup" '[.[].name] | sort == ["dup", "x"]' $pv -j volume list io
X=/dev/$(voldev io/x)
check "x's data after reassembly" kept "$X" 0 14336

# --- pool stop and rmmod under I/O -------------------------------------------
writer_start
check "the writer is writing" kill -0 $wpid
w0=$(writes)
tf "pool stop under I/O is refused" $pv pool stop io
tf "rmmod under I/O is refused" rmmod podvol
w1=$(writes)
kill -0 $wpid && [ "$w1" -gt "$w0" ]
report $? "the writer kept writing" "writes completed before: $w0, after: $w1"
writer_stop
report $? "the writer's writes all succeeded"
check "x holds what the writer wrote" kept "$X" 0 8192
check "pool stop once idle" $pv pool stop io
check "rmmod once idle" rmmod podvol
check "no podvol disks left" sh -c '! ls /sys/block | grep -q podvol'
for l in "${L[@]}"; do losetup -d "$l"; done
umount $tmp
losetup -d "$fsl"
rm -rf $tmp $tmp.img
finish
