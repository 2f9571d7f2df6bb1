#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stress under faults: fio on podvol volumes with failslab (slab
# allocations of the fio tasks fail) and fail_make_request (bios to a
# member fail) active, then with a member (under dm-flakey) turning into
# an error target in the middle of the I/O.  The errors must reach fio,
# nothing may hang (the hung-task detector is set to 30 s, and every fio
# has a deadline), the pool must still stop and the module unload; leaks
# show in the kmemleak scan at the guest's end (run-vm's verdict).  Last,
# a user namespace fills a podnet device with routes: a limit or its memcg
# must stop it with a clean error (ENOSPC, E2BIG or ENOMEM), not the host
# running out of memory.
#
# The faults are confined to the I/O under test (see fio_run): failslab
# on a process that walks paths broke the shared guest's overlay root for
# every later command; a check after the faulted phase makes sure new
# processes still start.
#
# usage: stress_faults.sh [SECONDS]: per phase (default 15, make check;
# make stress gives 300)
# vm-manual: at 15 s per phase it took 280 s of debug guest time (2026-11-30, shared with modules_load in one --batch guest, which it left usable), over make check's 4-minute budget for it
# vm-kernels: debug
# vm-timeout: 300
# vm-mem: 2G
set -u
. "$(dirname "$0")/ktap.sh"
secs=${1:-15}
dbg=/sys/kernel/debug
export PATH=$PATH:/usr/sbin:/sbin

# The guest may be shared with the next selftests (make check's batch):
# the detector's threshold and the fault settings are put back at the end.
hung=$(sysctl -n kernel.hung_task_timeout_secs)
saved=""
for f in failslab/ignore-gfp-wait failslab/task-filter failslab/probability \
	 failslab/times failslab/verbose fail_make_request/probability \
	 fail_make_request/times fail_make_request/verbose; do
	saved="$saved $f=$(cat $dbg/$f)"
done
restore() {
	local f
	sysctl -qw kernel.hung_task_timeout_secs="$hung"
	for f in $saved; do echo "${f#*=}" >"$dbg/${f%%=*}"; done
}
trap restore EXIT
check "hung-task detector at 30 s" sysctl -qw kernel.hung_task_timeout_secs=30
t "modprobe podvol, null_blk (3 members, the third under dm-flakey)" sh -c \
	"modprobe podvol && modprobe null_blk nr_devices=3 memory_backed=1 gb=1 bs=4096 irqmode=0 &&
	 dmsetup create fzfl --noudevsync --table \"0 \$(blockdev --getsz /dev/nullb2) flakey /dev/nullb2 0 3600 0\" &&
	 dmsetup mknodes fzfl && test -b /dev/mapper/fzfl"
t "pool st (nullb0, nullb1, flakey) with volumes a and b (256M each)" sh -c \
	"podvolctl pool create st --force /dev/nullb0 /dev/nullb1 /dev/mapper/fzfl &&
	 podvolctl volume create st/a 256M && podvolctl volume create st/b 256M"
voldev() {
	local d
	for d in /sys/block/podvol*; do
		[ "$(cat "$d"/podvol/pool)/$(cat "$d"/podvol/name)" = "st/$1" ] && basename "$d"
	done
}
a=/dev/$(voldev a) b=/dev/$(voldev b)

# iocount DEV: reads and writes the block device DEV has completed
iocount() { awk '{ print $1 + $5 }' "/sys/block/${1#/dev/}/stat"; }

# fio_run NAME DEV SECONDS [failing]: random writes and reads with
# verification off, errors counted rather than fatal; prints fio's error
# count; fails when fio does not end within SECONDS + 120 s.  "failing":
# failslab (task-filtered) applies to fio's job threads, and only while
# they do I/O on DEV: make-it-fail is set from outside once DEV counts
# I/O, on every thread but fio's main one (which writes the report), and
# cleared again before the job threads stop.  A slab allocation failed in
# a path walk of the guest's overlay root leaves broken dentries for every
# later command (libraries fail to load with EINVAL), so no marked task
# may look up a file: the job threads opened DEV before their first I/O.
fio_run() {
	local pid p tk n0 i
	n0=$(iocount "$2")
	timeout $(( $3 + 120 )) fio --name=$1 --filename=$2 --rw=randrw --bs=4k \
		--direct=1 --ioengine=libaio --iodepth=16 --numjobs=2 --thread --startdelay=5 \
		--time_based --runtime=$3 --continue_on_error=all --disk_util=0 \
		--output-format=json --output=/tmp/$1.json >/dev/null 2>&1 &
	pid=$!
	if [ "${4:-}" = failing ]; then
		p=""
		for i in $(seq 120); do
			p=$(pgrep -P $pid -x fio)
			[ -n "$p" ] && [ "$(iocount "$2")" -gt $((n0 + 64)) ] && break
			sleep 0.5
		done
		for tk in /proc/$p/task/*; do
			[ "${tk##*/}" = "$p" ] || echo 1 >"$tk/make-it-fail"
		done 2>/dev/null
		echo "$(ls /proc/$p/task 2>/dev/null | wc -l) fio tasks, I/O after $((i / 2)) s" >/tmp/$1.marked
		# the I/O started within the last half second: runtime is left
		sleep $(( $3 > 6 ? $3 - 3 : 3 ))
		for tk in /proc/$p/task/*; do echo 0 >"$tk/make-it-fail"; done 2>/dev/null
	fi
	wait $pid
	local rc=$?
	[ $rc = 124 ] && { echo "fio $1 did not end"; return 1; }
	jq -e '.jobs' /tmp/$1.json >/dev/null 2>&1 || { echo "no fio result (rc $rc)"; return 1; }
	jq '[.jobs[].total_err // 0] | add' /tmp/$1.json
}

# 1. failslab and fail_make_request: slab allocations of fio's job threads
# fail now and then while they do I/O (task-filter), and 1 in 20 bios to
# nullb0 fails (that member's make-it-fail only).
echo N >$dbg/failslab/ignore-gfp-wait
echo Y >$dbg/failslab/task-filter
echo 2 >$dbg/failslab/probability
echo -1 >$dbg/failslab/times
echo 0 >$dbg/failslab/verbose
echo 5 >$dbg/fail_make_request/probability
echo -1 >$dbg/fail_make_request/times
echo 0 >$dbg/fail_make_request/verbose
echo 1 >/sys/block/nullb0/make-it-fail
e1=$(fio_run f1 "$a" "$secs" failing)
report $? "fio on st/a under failslab and fail_make_request ends within its deadline" "$e1"
echo "# $(cat /tmp/f1.marked 2>/dev/null)"
[ "${e1:-0}" -gt 0 ] 2>/dev/null
report $? "errors reach fio (${e1:-?} errors)" "$(head -c 2000 /tmp/f1.json)"
echo 0 >/sys/block/nullb0/make-it-fail
echo 0 >$dbg/failslab/probability
echo 0 >$dbg/fail_make_request/probability
# The faults stayed with the I/O: new processes still load their
# libraries from the overlay root, and files there still open.
t "after the faults, new processes start (the overlay root is intact)" sh -c \
	"python3 -c 'import json, hashlib' && jq --version >/dev/null && fio --version >/dev/null && podvolctl -j pool show >/dev/null"
e0=$(fio_run f0 "$b" 5)
[ "$e0" = 0 ]
report $? "fault injection off: fio on st/b without errors" "$e0"

# 2. the flakey member becomes an error target in the middle of the I/O
fio_run f2 "$a" "$secs" >/tmp/f2.err &
fpid=$!
fio_run f3 "$b" "$secs" >/tmp/f3.err &
fpid3=$!
sleep $(( secs / 2 ))
t "member 3 fails (dm error target) mid-I/O" sh -c \
	"dmsetup load fzfl --table \"0 \$(blockdev --getsz /dev/nullb2) error\" && dmsetup resume fzfl"
wait $fpid; r2=$?
wait $fpid3; r3=$?
report $(( r2 | r3 )) "fio on st/a and st/b end within their deadlines" "$(cat /tmp/f2.err /tmp/f3.err)"
e2=$(cat /tmp/f2.err /tmp/f3.err 2>/dev/null | awk '/^[0-9]+$/ { s += $1 } END { print s + 0 }')
[ "$e2" -gt 0 ]
report $? "the failed member's errors reach fio ($e2 errors)"
t "pool st stops (within 120 s)" timeout 120 podvolctl pool stop st
dmsetup remove fzfl 2>/dev/null
t "podvol and null_blk unload" sh -c "rmmod podvol && rmmod null_blk"

# 3. routes from a user namespace until something says no
if unshare -Urn true 2>/dev/null && modprobe podnet; then
	# tables of 1024, 4096, ... 4194304 routes, each set at once
	out=$(timeout $(( secs * 4 + 600 )) unshare -Urn sh -c '
		ip link add pn type podnet vni 1 || exit 1
		n=1024
		while [ $n -le 4194304 ]; do
			awk -v n=$n "BEGIN { for (i = 0; i < n; i++)
				printf \"route 10.%d.%d.%d/32 via 192.168.0.2\n\", i / 65536 % 256, i / 256 % 256, i % 256 }" >/tmp/r.tab
			podnetctl setconf pn /tmp/r.tab >/tmp/r.err 2>&1 || {
				echo "stopped at a table of $n routes: $(cat /tmp/r.err)"; exit 0; }
			n=$((n * 4))
		done
		echo "no limit up to 4194304 routes"; exit 1' 2>&1)
	rc=$?
	echo "# $out"
	case "$out" in
	*"No space"*|*"Argument list"*|*"memory"*|*limit*) [ $rc = 0 ] ;;
	*) false ;;
	esac
	report $? "a user namespace filling a podnet device with routes is stopped cleanly" "$out"
	rmmod podnet
else
	skip "a user namespace filling a podnet device with routes is stopped cleanly" \
		"no user namespaces in this kernel"
fi
finish
