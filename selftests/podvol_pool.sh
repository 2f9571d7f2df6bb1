#!/bin/bash
# podvol kernel behaviour: a pool of 4 memory-backed null_blk members with
# three volumes written with fio verify=crc32c; stop; incremental
# re-assembly; verify; delete one and create another, the others intact;
# online grow; busy volumes refuse delete/shrink/stop; sysfs attributes;
# module unload with pools present.
# vm-timeout: 600
# vm-core: yes
# vm-mem: 2G
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl

fio_job() { # dev rw offset size [extra]
	fio --name=t --filename="$1" --rw="$2" --bs=64k --direct=1 --ioengine=libaio \
	    --iodepth=8 --offset="$3" --size="$4" --verify=crc32c --do_verify=1 \
	    --verify_fatal=1 --randseed=1234 --verify_state_save=0 ${5:-} --output=/tmp/fio.log >/dev/null 2>&1 ||
		{ cat /tmp/fio.log; return 1; }
}
fio_verify() { # dev offset size
	fio --name=t --filename="$1" --rw=write --bs=64k --direct=1 --ioengine=libaio \
	    --iodepth=8 --offset="$2" --size="$3" --verify=crc32c --verify_only \
	    --verify_fatal=1 --randseed=1234 --verify_state_save=0 --output=/tmp/fio.log >/dev/null 2>&1 ||
		{ cat /tmp/fio.log; return 1; }
}
voldev() {
	for d in /sys/block/podvol*; do
		[ "$(cat $d/podvol/pool)/$(cat $d/podvol/name)" = "$1" ] && basename $d
	done
}

# cache_size: the members have a write cache, so flushes reach them
modprobe null_blk nr_devices=4 memory_backed=1 gb=1 bs=4096 irqmode=0 cache_size=16 || exit 1
check "modprobe podvol" modprobe podvol
check "pool create" $pv pool create fast --chunk 64K /dev/nullb0 /dev/nullb1 /dev/nullb2 /dev/nullb3
check "volume create a" $pv volume create fast/a 24M
check "volume create b" $pv volume create fast/b 16M
check "volume create c" $pv volume create fast/c 40M
A=$(voldev fast/a) B=$(voldev fast/b) C=$(voldev fast/c)
echo "# volumes: $A $B $C"
check "sysfs attributes" test "$(cat /sys/block/$A/podvol/pool)" = fast -a \
	"$(cat /sys/block/$A/podvol/size)" = $((24 << 20)) -a \
	"$(cat /sys/block/$A/podvol/stripe_width)" = 4 -a \
	"$(cat /sys/block/$A/podvol/chunk_size)" = 65536 -a \
	"$(cat /sys/block/$A/queue/optimal_io_size)" = 262144 -a \
	"$(cat /sys/block/$A/queue/minimum_io_size)" = 65536
check "capacity a" test "$(blockdev --getsize64 /dev/$A)" = $((24 << 20))
check "fio write+verify a" fio_job /dev/$A write 0 24M
check "fio write+verify b (unaligned 4k random)" fio --name=t --filename=/dev/$B --rw=randwrite \
	--bsrange=4k-192k --direct=1 --ioengine=libaio --iodepth=16 --size=16M \
	--verify=crc32c --verify_fatal=1 --randseed=99 --verify_state_save=0 --output=/tmp/fio.log
check "fio write+verify c" fio_job /dev/$C write 0 40M
check "iostat accounting" awk '$3 == "'$A'" && $10 > 0 { f = 1 } END { exit !f }' /proc/diskstats
memberflushes() { for i in 0 1 2 3; do awk '{ print $16 }' "/sys/block/nullb$i/stat"; done | tr '\n' ' '; }
nup() {	# nup BEFORE AFTER: how many members' flush counts went up
	local -a b a
	local i c=0
	read -ra b <<<"$1"
	read -ra a <<<"$2"
	for i in 0 1 2 3; do [ "${a[$i]}" -gt "${b[$i]}" ] && c=$((c + 1)); done
	echo $c
}
fsync_dev() { python3 -c 'import os, sys; os.fsync(os.open(sys.argv[1], os.O_RDONLY))' "$1"; }
check "volume has a write cache like its members" grep -q "write back" "/sys/block/$B/queue/write_cache"
check "fsync after the fio runs" fsync_dev "/dev/$B"
f0=$(memberflushes)
check "write 4k + fsync" dd if=/dev/zero of="/dev/$B" bs=4k count=1 seek=1000 oflag=direct conv=fsync,notrunc
f1=$(memberflushes)
[ "$(nup "$f0" "$f1")" = 1 ]
report $? "the fsync flushed the member written, only that one" "member flushes before: $f0, after: $f1"
check "write verify b again" fio_job /dev/$B write 0 16M

exec 7</dev/$A
tf "delete refused while open" $pv volume delete fast/a
tf "shrink refused while open" $pv volume resize fast/a 8M
tf "stop refused while open" $pv pool stop fast
# grow while fio rewrites the first 24M, and verifies what it wrote
fio --name=t --filename="/dev/$A" --rw=randwrite --bs=16k --direct=1 --ioengine=libaio \
    --iodepth=8 --size=24M --loops=3 --verify=crc32c --verify_fatal=1 --randseed=77 \
    --verify_state_save=0 --output=/tmp/fio-grow.log >/dev/null 2>&1 &
fiopid=$!
writes() { awk '$3 == "'"$A"'" { print $8 }' /proc/diskstats; }
w0=$(writes) i=0
while [ "$(writes)" -lt $((w0 + 64)) ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1)); done
check "fio writing when the grow starts" kill -0 "$fiopid"
check "grow online with I/O in flight" $pv volume resize fast/a 48M
check "fio still writing after the grow" kill -0 "$fiopid"
check "capacity grown" test "$(blockdev --getsize64 /dev/$A)" = $((48 << 20))
wait "$fiopid"
report $? "fio's writes during the grow verified" "$(cat /tmp/fio-grow.log)"
exec 7<&-
check "write+verify a's first 24M again" fio_job /dev/$A write 0 24M
check "write+verify grown part" fio_job /dev/$A write 24M 24M

check "pool stop" $pv pool stop fast
check "volumes gone" test ! -e /sys/block/$A
check "add member 2" $pv pool add /dev/nullb2
check "pool pending" sh -c "$pv -j pool show fast | grep -q pending"
check "add member 0" $pv pool add /dev/nullb0
check "add member 0 again is idempotent" $pv pool add /dev/nullb0
check "add member 3" $pv pool add /dev/nullb3
check "add member 1 starts pool" $pv pool add /dev/nullb1
A=$(voldev fast/a) B=$(voldev fast/b) C=$(voldev fast/c)
echo "# volumes after assembly: $A $B $C"
check "volume a back with new size" test "$(blockdev --getsize64 /dev/$A)" = $((48 << 20))
check "verify a after reassembly" fio_verify /dev/$A 0 24M
check "verify a grown part after reassembly" fio_verify /dev/$A 24M 24M
check "verify b after reassembly" fio_verify /dev/$B 0 16M
check "verify c after reassembly" fio_verify /dev/$C 0 40M
check "delete b" $pv volume delete fast/b
check "create d" $pv volume create fast/d 32M
D=$(voldev fast/d)
check "write+verify d" fio_job /dev/$D write 0 32M
check "a untouched" fio_verify /dev/$A 0 24M
check "c untouched" fio_verify /dev/$C 0 40M
tf "duplicate volume name refused" $pv volume create fast/d 10M
tf "too large volume refused" $pv volume create fast/huge 10G
tf "unknown pool refused" $pv volume create nosuch/x 10M
tf "member in use refused" $pv pool create other /dev/nullb0
check "shrink while closed" $pv volume resize fast/c 16M
check "c verify after shrink" fio_verify /dev/$C 0 16M
check "rmmod with pool present" rmmod podvol
check "no podvol disks left" sh -c '! ls /sys/block | grep -q podvol'
check "modprobe again" modprobe podvol
check "reassemble after reload" sh -c "for i in 0 1 2 3; do $pv pool add /dev/nullb\$i || exit 1; done"
A=$(voldev fast/a)
check "verify a after reload" fio_verify /dev/$A 0 24M
check "final stop" $pv pool stop fast
rmmod podvol
finish
