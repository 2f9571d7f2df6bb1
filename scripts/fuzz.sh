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
. "$(dirname "$0")/campaign_lib.sh"
parts=${FUZZ_PARTS:-netlink packets meta}
nl=${FUZZ_NETLINK:-1000000}
np=${FUZZ_PACKETS:-1000000}
mruns=${FUZZ_META_RUNS:-10000000}
mjobs=${FUZZ_META_JOBS:-1}
msecs=${FUZZ_META_SECS:-7200}

# guest PART TIMEOUT TEST ARG: one selftest in a debug guest
guest() {
	local part=$1 figs
	run_guest "$@"
	figs=$(grep -E '^# (podnet|podvol): [0-9]+ messages|^# [0-9]+ datagrams' "$GUEST_OUT" |
		sed 's/^# //; s/, [0-9]* replies.*//; s/, [0-9]* sendmmsg calls//; s/, [0-9]* send retries//' | paste -sd';' -)
	grep -E '^(not ok|# nlfuzz|# node|# churn)' "$GUEST_OUT" | head -40
	report "$part" "$figs"
}

for part in $parts; do
	case $part in
	netlink)
		# the guest's time limit: generous for the measured rates
		# (Documentation/dev-tools/testing.rst, "make fuzz")
		guest netlink $((1800 + nl / 25)) selftests/fuzz_netlink.sh "$nl" ;;
	packets)
		guest packets $((1800 + np / 50)) selftests/fuzz_packets.sh "$np" ;;
	meta)
		t0=$(date +%s)
		w=$TOP/build/fuzz-meta
		mkdir -p "$w/corpus" "$w/crashes"
		if ! make -s -C tools/fuzz meta_fuzz >"$LOGS/fuzz-meta.out" 2>&1; then
			echo "fuzz: meta: FAIL, meta_fuzz does not build (log: $LOGS/fuzz-meta.out)"
			campaign_fail
			continue
		fi
		# -runs counts per process: split them over the jobs
		per=$(( (mruns + mjobs - 1) / mjobs ))
		for j in $(seq "$mjobs"); do
			tools/fuzz/meta_fuzz -runs=$per -max_total_time="$msecs" -print_final_stats=1 \
				-artifact_prefix="$w/crashes/" -seed="$j" "$w/corpus" tools/fuzz/corpus/meta \
				>"$LOGS/fuzz-meta.$j.out" 2>&1 &
		done
		rc=0
		for j in $(seq "$mjobs"); do wait -n || rc=1; done
		runs=$(cat "$LOGS"/fuzz-meta.*.out | sed -n 's/^stat::number_of_executed_units: *//p' |
			awk '{ s += $1 } END { print s + 0 }')
		secs=$(( $(date +%s) - t0 ))
		# libFuzzer also keeps slow-unit-* there (over 10 s, which a
		# nice'd run on a loaded host reaches): listed, not failures
		crashes=$(find "$w/crashes" -type f ! -name 'slow-unit-*' | wc -l)
		if [ $rc = 0 ] && [ "$crashes" = 0 ]; then r=PASS; else r=FAIL; campaign_fail; fi
		grep -h 'DONE\|ERROR\|SUMMARY' "$LOGS"/fuzz-meta.*.out | head -10
		echo "fuzz: meta: $r, $runs executions in $secs s ($(( runs / (secs ? secs : 1) ))/s), $(find "$w/corpus" -type f | wc -l) corpus entries, crashes in $w/crashes: $crashes, slow units: $(find "$w/crashes" -type f -name 'slow-unit-*' | wc -l)"
		;;
	*)
		echo "fuzz: unknown part $part"; campaign_fail ;;
	esac
done
campaign_exit
