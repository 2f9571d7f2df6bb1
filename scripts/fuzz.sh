#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the fuzzing campaign, time-bounded, outside make check.
#
#   netlink   selftests/fuzz_netlink.sh on the debug kernel: FUZZ_NETLINK
#             (1000000) messages per family, as root and unprivileged
#   packets   selftests/fuzz_packets.sh on the debug kernel: FUZZ_PACKETS
#             (1000000) Geneve datagrams per underlay (IPv4, IPv6)
#   meta      tools/fuzz/meta_fuzz on the host: FUZZ_META_RUNS (10000000)
#             libFuzzer executions from the seed corpus, FUZZ_META_JOBS (1)
#             processes, FUZZ_META_SECS (7200) at most
#
# FUZZ_PARTS chooses the parts (default all three, in that order).  Each
# part ends with one line: "fuzz: PART: PASS|FAIL, figures, time, kernel
# log: clean|PROBLEM", the kernel log judged as make check judges a guest's
# (selftests/vm/kernel-problems.ere over the kernel log, console and the
# final kmemleak scan).  Logs in build/logs/fuzz-*.  One guest at a time.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$top/build/logs
mkdir -p "$logs"
parts=${FUZZ_PARTS:-netlink packets meta}
nl=${FUZZ_NETLINK:-1000000}
np=${FUZZ_PACKETS:-1000000}
mruns=${FUZZ_META_RUNS:-10000000}
mjobs=${FUZZ_META_JOBS:-1}
msecs=${FUZZ_META_SECS:-7200}
bad=$(cat selftests/vm/kernel-problems.ere)
failed=0

# verdict NAME: the kernel log verdict of guest NAME (run-vm's logs)
verdict() {
	local p
	p=$(cat "$logs/$1.dmesg" "$logs/$1.console.log" "$logs/$1.kmemleak" 2>/dev/null |
		grep -v 'Command line:' | grep -E "$bad" | head -1)
	if [ -n "$p" ]; then
		echo "kernel log: PROBLEM: $p"
	elif [ ! -s "$logs/$1.console.log" ]; then
		echo "kernel log: MISSING"
	else
		echo "kernel log: clean"
	fi
}

# guest PART TEST ARG TIMEOUT: one selftest in a debug guest
guest() {
	local part=$1 test=$2 arg=$3 timeout=$4 name t0 rc v figs
	name=$(basename "$test" .sh)-debug
	t0=$(date +%s)
	selftests/vm/run-test --kernel debug --timeout "$timeout" "$test" "$arg" \
		>"$logs/fuzz-$part.out" 2>&1
	rc=$?
	v=$(verdict "$name")
	figs=$(grep -E '^# (podnet|podvol): [0-9]+ messages|^# [0-9]+ datagrams' "$logs/fuzz-$part.out" |
		sed 's/^# //; s/, [0-9]* replies.*//; s/, [0-9]* sendmmsg calls//; s/, [0-9]* send retries//' | paste -sd';' -)
	grep -E '^(not ok|# nlfuzz|# node|# churn)' "$logs/fuzz-$part.out" | head -40
	if [ $rc = 0 ] && [ "$v" = "kernel log: clean" ]; then r=PASS; else r=FAIL; failed=1; fi
	echo "fuzz: $part: $r, $figs; $(( $(date +%s) - t0 )) s, $v (log: $logs/fuzz-$part.out)"
}

for part in $parts; do
	case $part in
	netlink)
		# the guest's time limit: generous for the measured rates
		# (Documentation/dev-tools/testing.rst, "make fuzz")
		guest netlink selftests/fuzz_netlink.sh "$nl" $((1800 + nl / 25)) ;;
	packets)
		guest packets selftests/fuzz_packets.sh "$np" $((1800 + np / 50)) ;;
	meta)
		t0=$(date +%s)
		w=$top/build/fuzz-meta
		mkdir -p "$w/corpus" "$w/crashes"
		if ! make -s -C tools/fuzz meta_fuzz >"$logs/fuzz-meta.out" 2>&1; then
			echo "fuzz: meta: FAIL, meta_fuzz does not build (log: $logs/fuzz-meta.out)"
			failed=1
			continue
		fi
		# -runs counts per process: split them over the jobs
		per=$(( (mruns + mjobs - 1) / mjobs ))
		for j in $(seq "$mjobs"); do
			tools/fuzz/meta_fuzz -runs=$per -max_total_time="$msecs" -print_final_stats=1 \
				-artifact_prefix="$w/crashes/" -seed="$j" "$w/corpus" tools/fuzz/corpus/meta \
				>"$logs/fuzz-meta.$j.out" 2>&1 &
		done
		rc=0
		for j in $(seq "$mjobs"); do wait -n || rc=1; done
		runs=$(cat "$logs"/fuzz-meta.*.out | sed -n 's/^stat::number_of_executed_units: *//p' |
			awk '{ s += $1 } END { print s + 0 }')
		secs=$(( $(date +%s) - t0 ))
		# libFuzzer also keeps slow-unit-* there (over 10 s, which a
		# nice'd run on a loaded host reaches): listed, not failures
		crashes=$(find "$w/crashes" -type f ! -name 'slow-unit-*' | wc -l)
		if [ $rc = 0 ] && [ "$crashes" = 0 ]; then r=PASS; else r=FAIL; failed=1; fi
		grep -h 'DONE\|ERROR\|SUMMARY' "$logs"/fuzz-meta.*.out | head -10
		echo "fuzz: meta: $r, $runs executions in $secs s ($(( runs / (secs ? secs : 1) ))/s), $(find "$w/corpus" -type f | wc -l) corpus entries, crashes in $w/crashes: $crashes, slow units: $(find "$w/crashes" -type f -name 'slow-unit-*' | wc -l)"
		;;
	*)
		echo "fuzz: unknown part $part"; failed=1 ;;
	esac
done
exit $failed
