#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: podvol's stress campaign on the debug kernel (KASAN,
# lockdep, kmemleak, fault injection), time-bounded, outside make check,
# one guest at a time.  STRESS_PARTS chooses the parts (default all three,
# in this order):
#
#   crafted   selftests/podvol_crafted.sh: STRESS_CRAFTED (1000) crafted
#             member sets (seed STRESS_SEED, default 1) assembled by the
#             kernel through "pool add"; every started pool's state must
#             be one its metadata allows
#   crash     selftests/podvol_crash.sh: STRESS_CUTS (200) power cuts of
#             the crash model (writes not covered by a completed flush or
#             FUA lost) during create / resize / delete / write loops: no
#             lost acknowledged operation, no read of another volume's data
#   faults    selftests/stress_faults.sh with STRESS_SECS (300) seconds per
#             phase: fio on volumes under failslab and fail_make_request
#             confined to the I/O under test, then a member failing mid-I/O
#             (hung-task detector at 30 s), then a user namespace filling a
#             podnet device with routes
#
# Each part ends with one line "stress: PART: PASS|FAIL, figures, time,
# kernel log: clean|PROBLEM", the kernel log judged as make check judges a
# guest's (selftests/vm/kernel-problems.ere over the kernel log, console and
# the final kmemleak scan).  Logs in build/logs/stress-PART.out and
# build/logs/NAME-debug.*.  Any failure makes the target fail.
set -u
. "$(dirname "$0")/campaign_lib.sh"
parts=${STRESS_PARTS:-crafted crash faults}
secs=${STRESS_SECS:-300}
sets=${STRESS_CRAFTED:-1000}
cuts=${STRESS_CUTS:-200}
seed=${STRESS_SEED:-1}

# guest PART TIMEOUT TEST ARGS...: one selftest in a debug guest; prints
# its failures and diagnostics, then the part's verdict line
guest() {
	local part=$1 figs
	run_guest "$@"
	shift 3
	grep -E '^(not ok|# )' "$GUEST_OUT" | head -40
	figs="$(grep -cE '^ok ' "$GUEST_OUT") ok, $(grep -cE '^not ok ' "$GUEST_OUT") not ok"
	report "$part" "$*; $figs"
}

for part in $parts; do
	case $part in
	crafted)
		# about 2 s a set on the debug kernel under TCG, boot apart
		guest crafted $((1200 + sets * 8)) selftests/podvol_crafted.sh "$sets" "$seed" ;;
	crash)
		guest crash $((900 + cuts * 40)) selftests/podvol_crash.sh "$cuts" "$seed" ;;
	faults)
		guest faults $((900 + secs * 8)) selftests/stress_faults.sh "$secs" ;;
	*)
		echo "stress: unknown part $part"; campaign_fail ;;
	esac
done
campaign_exit
