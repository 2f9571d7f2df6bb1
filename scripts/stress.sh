#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: selftests/stress_faults.sh on the debug kernel with
# STRESS_SECS (300) seconds per phase: fio on podvol volumes under failslab
# and fail_make_request, then with a member failing mid-I/O (hung-task
# detector at 30 s), then a user namespace filling a podnet device with
# routes.  Ends with one line "stress: PASS|FAIL, time, kernel log:
# clean|PROBLEM", judged as make check judges a guest's log.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$top/build/logs
mkdir -p "$logs"
secs=${STRESS_SECS:-300}
bad=$(cat selftests/vm/kernel-problems.ere)
t0=$(date +%s)
selftests/vm/run-test --kernel debug --timeout $((900 + secs * 8)) \
	selftests/stress_faults.sh "$secs" >"$logs/stress.out" 2>&1
rc=$?
grep -E '^(ok|not ok|# )' "$logs/stress.out"
p=$(cat "$logs/stress_faults-debug.dmesg" "$logs/stress_faults-debug.console.log" \
	"$logs/stress_faults-debug.kmemleak" 2>/dev/null | grep -v 'Command line:' | grep -E "$bad" | head -1)
v="kernel log: clean"
[ -n "$p" ] && v="kernel log: PROBLEM: $p"
[ -s "$logs/stress_faults-debug.console.log" ] || v="kernel log: MISSING"
r=FAIL
[ $rc = 0 ] && [ "$v" = "kernel log: clean" ] && r=PASS
echo "stress: $r, $secs s per phase, $(( $(date +%s) - t0 )) s, $v (log: $logs/stress.out)"
[ $r = PASS ]
