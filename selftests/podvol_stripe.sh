#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol's read/write path on large and misaligned bios: a volume of four
# extents 4, 3, 2 and 1 members wide (64K chunks) over loop members, one of
# them a dm device that can be switched to fail.  The pattern written in
# misaligned 1028K pieces (bios that cross chunks and extent boundaries,
# several chunks per member) reads back the same in 4K, in misaligned
# 1036K and in 2M pieces, and fio random writes of 4K to 2M verify
# (crc32c): member bios that gather several chunks and single-chunk
# pieces check each other.  A 1M read or write in the 4-wide extent is one
# request per member, a 512K read in the 1-wide extent one request.  A
# failing member fails the reads and writes that reach it and no others,
# and the data is intact once it is back.  io_uring's REQ_NOWAIT bios are
# taken inline (few or none handed to its workers), and its writes verify.
# vm-kernels: stock
# vm-timeout: 300
# shellcheck disable=SC2317 # helpers run through check and t
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
tmp=/tmp/pvstripe

modprobe loop
modprobe dm-mod
modprobe podvol || exit 1
mkdir -p $tmp
# Data space 2M, 4M, 6M, 10M (2M of each member holds the metadata): a
# 22M volume is extents of width 4 (0-8M), 3 (8-14M), 2 (14-18M), 1 (18-22M).
truncate -s 4M $tmp/m0
truncate -s 6M $tmp/m1
truncate -s 8M $tmp/m2
truncate -s 12M $tmp/m3
B=()
for i in 0 1 2 3; do B+=("$(losetup -f --show $tmp/m$i)"); done
# Member 1 is a dm device: its table can be swapped for dm-error.
n1=$(blockdev --getsz "${B[1]}")
check "dm device over member 1" dmsetup create pvstripe1 --table "0 $n1 linear ${B[1]} 0"
# (no udev in the guest: no /dev/mapper link, but devtmpfs has dm-N)
D1=/dev/$(dmsetup info -c --noheadings -o blkdevname pvstripe1)
L=("${B[0]}" "$D1" "${B[2]}" "${B[3]}")
cleanup() {
	podvolctl pool stop st >/dev/null 2>&1
	dmsetup remove pvstripe1 2>/dev/null
	for l in "${B[@]}"; do losetup -d "$l" 2>/dev/null; done
	rm -rf $tmp
}
trap cleanup EXIT

voldev() { $pv -j volume list "${1%/*}" | jq -r ".[] | select(.name == \"${1#*/}\") | .disk"; }
# reads DEV: read requests completed by block device DEV (a /dev path)
reads() { awk '{ print $1 }' "/sys/block/$(basename "$(readlink -f "$1")")/stat"; }
writes() { awk '{ print $5 }' "/sys/block/$(basename "$(readlink -f "$1")")/stat"; }
counts() { local l; for l in "${L[@]}"; do "$1" "$l"; done | tr '\n' ' '; }
delta() {	# delta BEFORE AFTER: the per-member differences
	local -a bef aft
	local i out=""
	read -ra bef <<<"$1"
	read -ra aft <<<"$2"
	for i in 0 1 2 3; do out="$out $((aft[i] - bef[i]))"; done
	echo "${out# }"
}
same() {	# same OFFSET_K LEN_K BS: DEV read with O_DIRECT in BS pieces = pattern
	cmp <(dd if="$X" bs="$3" iflag=direct,skip_bytes,count_bytes skip=$(($1 << 10)) \
		count=$(($2 << 10)) status=none) \
	    <(dd if=$tmp/pat bs=1k skip="$1" count="$2" status=none)
}

check "pool create over members of 2M, 4M, 6M, 10M" $pv pool create st --chunk 64K "${L[@]}"
check "volume create st/v 22M" $pv volume create st/v 22M
X=/dev/$(voldev st/v)
[ "$X" != /dev/ ] || { diag "no volume"; finish; }
jqt "v has four extents, the narrowest one member wide" \
	'.[0].nr_extents == 4 and .[0].stripe_width == 1' $pv -j volume list st
check "pattern" dd if=/dev/urandom of=$tmp/pat bs=1M count=22 status=none
check "write the pattern in misaligned 1028K pieces" \
	dd if=$tmp/pat of="$X" bs=1028K iflag=fullblock oflag=direct status=none
t "it reads back the same in 4K pieces across the 8M boundary (7M-9M)" same 7168 2048 4k
t "it reads back the same in 1036K pieces from 4K on" same 4 12288 1036K
t "and in 2M pieces across the 8M boundary (7M-11M)" same 7168 4096 2M

b=$(counts reads)
check "read 1M at 0 (width 4)" dd if="$X" of=/dev/null bs=1M count=1 iflag=direct status=none
d=$(delta "$b" "$(counts reads)")
[ "$d" = "1 1 1 1" ]
report $? "one read request on each member" "member reads: $d"
b=$(counts reads)
check "read 512K at 18M (width 1)" dd if="$X" of=/dev/null bs=512K count=1 skip=36 iflag=direct status=none
d=$(delta "$b" "$(counts reads)")
[ "$d" = "0 0 0 1" ]
report $? "one read request on member 3 alone" "member reads: $d"
b=$(counts writes)
check "write 1M at 4M (width 4)" dd if=$tmp/pat of="$X" bs=1M count=1 skip=4 seek=4 oflag=direct status=none
d=$(delta "$b" "$(counts writes)")
[ "$d" = "1 1 1 1" ]
report $? "one write request on each member" "member writes: $d"

check "fio random writes of 4K-2M verify" fio --name=v --filename="$X" --rw=randwrite \
	--bsrange=4k-2m --direct=1 --ioengine=libaio --iodepth=16 --size=22M --io_size=4M \
	--verify=crc32c --verify_fatal=1 --randseed=14 --verify_state_save=0 \
	--output=$tmp/fio.log

# --- REQ_NOWAIT: io_uring submits inline, not from its workers ------------
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T
E=$T/events/io_uring/io_uring_queue_async_work
punted() {	# punted FIO-ARGS...: fio's requests io_uring handed to a worker
	echo 0 > $T/tracing_on; echo > $T/trace; echo 1 > $E/enable; echo 1 > $T/tracing_on
	fio --name=u --filename="$X" --ioengine=io_uring --direct=1 "$@" \
		--output=$tmp/fio.log >/dev/null 2>&1 || { cat $tmp/fio.log; return 1; }
	echo 0 > $T/tracing_on; echo 0 > $E/enable
	grep -c io_uring_queue_async_work $T/trace
}
p=$(punted --rw=randread --bs=4k --iodepth=32 --number_ios=2000 --size=22M)
[ -n "$p" ] && [ "$p" -lt 20 ]
report $? "io_uring 4k random reads QD32: at most 1% handed to a worker" "punted: $p"
p=$(punted --rw=write --bs=1M --iodepth=8 --size=8M)
[ -n "$p" ] && [ "$p" -lt 2 ]
report $? "io_uring 1M writes (one bio per member) inline too" "punted: $p"
check "io_uring random writes of 4K-1M verify" fio --name=u --filename="$X" \
	--ioengine=io_uring --rw=randwrite --bsrange=4k-1m --direct=1 --iodepth=16 \
	--size=22M --io_size=4M --verify=crc32c --verify_fatal=1 --randseed=15 \
	--verify_state_save=0 --output=$tmp/fio.log
check "the pattern again" dd if=$tmp/pat of="$X" bs=1M oflag=direct status=none

# --- a member that fails ---------------------------------------------------
check "member 1 fails" sh -c "dmsetup suspend pvstripe1 && dmsetup reload pvstripe1 --table '0 $n1 error' && dmsetup resume pvstripe1"
tf_io() { ! dd "$@" status=none 2>/dev/null; }
t "a 1M read in the 4-wide extent fails" tf_io if="$X" of=/dev/null bs=1M count=1 iflag=direct
t "a 1M write in the 4-wide extent fails" tf_io if=$tmp/pat of="$X" bs=1M count=1 oflag=direct
t "a 1M read in the 2-wide extent (members 2, 3) works" \
	dd if="$X" of=/dev/null bs=1M count=1 skip=15 iflag=direct status=none
t "a 512K read in the 1-wide extent works" \
	dd if="$X" of=/dev/null bs=512K count=1 skip=40 iflag=direct status=none
check "member 1 is back" sh -c "dmsetup suspend pvstripe1 && dmsetup reload pvstripe1 --table '0 $n1 linear ${B[1]} 0' && dmsetup resume pvstripe1"
t "all of v still holds the pattern" same 0 22528 1M
finish
