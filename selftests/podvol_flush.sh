#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A volume's pre-flush reaches exactly the members written since their
# last flush: an fsync after a 4k write flushes one member, an fsync with
# nothing written flushes none, one after a write across the whole stripe
# flushes all of them, and so does one after a discard that crosses an
# extent boundary (the members of the first extent are marked too, not
# only those of the second).  Counted with the members' own flush
# statistics (field 16 of /sys/block/loopN/stat) over loop devices, which
# have a write cache.
# vm-timeout: 300
# vm-core: yes
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl

modprobe loop
modprobe podvol || exit 1
mkdir -p /tmp/fl
L=()
for i in 0 1 2 3; do
	truncate -s 32M /tmp/fl/m$i
	L+=("$(losetup -f --show /tmp/fl/m$i)")
done
flushes() {	# flush count of every member, space separated
	for l in "${L[@]}"; do
		awk '{ print $16 }' "/sys/block/${l#/dev/}/stat"
	done | tr '\n' ' '
}
# flushed BEFORE AFTER: the indexes of the members whose count went up
flushed() {
	local i out=""
	set -- $1 $2
	local -a before=("${@:1:4}") after=("${@:5:4}")
	for i in 0 1 2 3; do
		[ "${after[$i]}" -gt "${before[$i]}" ] && out="$out $i"
	done
	echo "${out# }"
}

check "pool of 4 loop members" $pv pool create fl --chunk 64K "${L[@]}"
check "volume" $pv volume create fl/v 16M
V=/dev/$(for d in /sys/block/podvol*; do
	[ "$(cat "$d/podvol/name")" = v ] && basename "$d"; done | head -1)
t "members have a write cache" grep -q "write back" "/sys/block/${L[0]#/dev/}/queue/write_cache"
check "write the whole volume once" dd if=/dev/zero of="$V" bs=1M count=16 oflag=direct conv=fsync

seen=""
for c in 0 1 2 3; do
	b=$(flushes)
	dd if=/dev/urandom of="$V" bs=4k count=1 seek=$((c * 16)) oflag=direct conv=fsync,notrunc 2>/dev/null
	who=$(flushed "$b" "$(flushes)")
	[ "$(echo "$who" | wc -w)" = 1 ]
	report $? "4k write to chunk $c + fsync flushes exactly one member" "flushed: '$who'"
	seen="$seen $who"
done
[ "$(echo $seen | tr ' ' '\n' | sort -u | wc -l)" = 4 ]
report $? "the four chunks' flushes went to four different members" "members:$seen"

b=$(flushes)
sync "$V" 2>/dev/null || blockdev --flushbufs "$V"
python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)' "$V"
who=$(flushed "$b" "$(flushes)")
[ -z "$who" ]
report $? "fsync with nothing written flushes no member" "flushed: '$who'"

b=$(flushes)
dd if=/dev/urandom of="$V" bs=256k count=1 oflag=direct conv=fsync,notrunc 2>/dev/null
who=$(flushed "$b" "$(flushes)")
[ "$who" = "0 1 2 3" ]
report $? "a write over the whole stripe + fsync flushes all four members" "flushed: '$who'"

# A discard crossing an extent boundary marks the members of both extents
# it reached: the fsync after it flushes all four, though the part in the
# second extent is one chunk on one member.
check "volume w after v" $pv volume create fl/w 4M
check "grow v by 4M: a second extent" $pv volume resize fl/v 20M
jqt "v has two extents" '.[] | select(.name == "v") | .nr_extents == 2' $pv -j volume list fl
check "fsync" python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)' "$V"
b=$(flushes)
check "discard the first extent and one chunk of the second" blkdiscard -o 0 -l $((16 * 1048576 + 65536)) "$V"
python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)' "$V"
who=$(flushed "$b" "$(flushes)")
[ "$who" = "0 1 2 3" ]
report $? "a discard across the extent boundary + fsync flushes all four members" "flushed: '$who'"

check "volume delete" $pv volume delete fl/v
check "volume delete w" $pv volume delete fl/w
check "pool stop" $pv pool stop fl
for l in "${L[@]}"; do losetup -d "$l"; done
rm -rf /tmp/fl
finish
