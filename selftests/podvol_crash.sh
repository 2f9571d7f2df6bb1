#!/bin/sh
# podvol crash consistency against a model of what a power cut loses.
# Each of three loop members sits under dm-log-writes, which logs every
# write once it is on stable storage as the block layer defines it: a FUA
# write when it completes, any other write only with the next flush.  The
# workload (podvol_crash_model.py run) creates a pool, creates, grows and
# deletes volumes and writes data to them (O_DIRECT, fdatasync), and marks
# every member's log after each operation reported done.  Then the logs
# are replayed into member images for PODKIT_CUTS cut points (default 30),
# each after operation k while op k+1 runs, each member cut at its own
# place: what was flushed or written with FUA before the cut is there,
# every other write that may have reached the disk is there or lost (all
# lost, all kept, or a seeded random half).  Each image set must assemble,
# pass podvolctl check, hold the volumes of the operations reported done
# (plus at most the one in flight), give back every data write reported
# done with its checksum, and read whole as zeroes or the volume's own
# writes (never another volume's data: tenant isolation across cuts).  PODKIT_CUT_SEED repeats a run's choices.  More
# cut points: podvol_crash.sh [CUTS [SEED]] (the guest does not see the
# host's environment), as make stress does (STRESS_CUTS, 200):
#   selftests/vm/run-test --kernel debug --timeout 7200 selftests/podvol_crash.sh 200
# See "The crash model" in Documentation/dev-tools/testing.rst.
# vm-timeout: 600
set -u
. "$(dirname "$0")/ktap.sh"
model="$(dirname "$0")/podvol_crash_model.py"
cuts=${1:-${PODKIT_CUTS:-30}}
seed=${2:-${PODKIT_CUT_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d " ")}}
w=/tmp/crash

# outcome WHAT FILE RC: the model's "@@ ok DESC" and "@@ fail DESC" lines
# in FILE as KTAP, the others as diagnostics; a failure of its own when
# WHAT exited RC without reporting one.
outcome() {
	while IFS= read -r _l; do
		case "$_l" in
		"@@ ok "*) ok "${_l#@@ ok }" ;;
		"@@ fail "*) nok "${_l#@@ fail }" ;;
		*) echo "# $_l" ;;
		esac
	done <"$2"
	grep -q '^@@ fail' "$2" && return 0
	[ "$3" = 0 ] && grep -q '^@@ ok' "$2" && return 0
	nok "$1 exited with status $3 without reporting a failure"
}

modprobe loop
modprobe dm-mod 2>/dev/null
if ! modprobe dm-log-writes; then
	skip "crash model" "no dm-log-writes in this kernel"
	finish
fi
modprobe podvol || exit 1
mkdir -p $w
truncate -s 40M $w/m0 $w/m1 $w/m2
truncate -s 64M $w/log0 $w/log1 $w/log2
loops=""
for i in 0 1 2; do
	if ! { m=$(losetup -f --show $w/m$i) && l=$(losetup -f --show $w/log$i) &&
	       loops="$loops $m $l" &&
	       dmsetup create pvlw$i --table "0 $(blockdev --getsz "$m") log-writes $m $l" &&
	       dmsetup mknodes pvlw$i; }; then
		nok "member $i under dm-log-writes"
		finish
	fi
done

echo "# seed $seed, $cuts cut points"
python3 "$model" --ops $w/ops run /dev/mapper/pvlw0 /dev/mapper/pvlw1 /dev/mapper/pvlw2 \
	>$w/run.out 2>&1
rc=$?
outcome "the workload" $w/run.out $rc
for i in 0 1 2; do dmsetup remove pvlw$i; done
# shellcheck disable=SC2086 # a list of devices
losetup -d $loops
if [ $rc = 0 ]; then
	python3 "$model" --ops $w/ops --cuts "$cuts" --seed "$seed" --tmp $w \
		check $w/log0:$w/m0 $w/log1:$w/m1 $w/log2:$w/m2 >$w/check.out 2>&1
	outcome "the crash model" $w/check.out $?
fi
check "module unload" rmmod podvol
rm -rf $w
finish
