#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Entry point of `make bench` inside the guest (started by scripts/bench.sh
# through selftests/vm/run-test).  Runs the suites named in BENCH_SUITES and
# prints their "@@BENCH" records; the host builds the report.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

emit "{\"type\":\"meta\",\"kernel\":\"$(uname -r)\",\"cpus\":$(nproc),\"mem_mb\":$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo),\"reps\":$BENCH_REPS,\"net_time_s\":$BENCH_NET_TIME,\"blk_runtime_s\":$BENCH_BLK_RUNTIME,\"member_mb\":$BENCH_MEMBER_MB,\"chunk_kb\":$BENCH_CHUNK_KB,\"overlay_mtu\":$BENCH_OVERLAY_MTU,\"quick\":$BENCH_QUICK,\"fio\":\"$(fio --version)\",\"iperf3\":\"$(iperf3 --version | head -1)\"}"

# Share of the time budget per suite (percent of what is left when it starts).
share() {	# SUITE SUITES_LEFT (this one included)
	case $1 in
	net) case " $BENCH_SUITES " in *" block "*) echo "${BENCH_NET_SHARE:-35}" ;; *) echo 100 ;; esac ;;
	*) echo $((100 / $2)) ;;	# an equal share of what is left
	esac
}

: "${BENCH_BUDGET_S:=0}"
end=0
[ "$BENCH_BUDGET_S" -gt 0 ] && end=$(( $(now) + BENCH_BUDGET_S ))
rc=0
left=$(echo $BENCH_SUITES | wc -w)
for s in $BENCH_SUITES; do
	BENCH_DEADLINE=0
	[ $end -gt 0 ] && BENCH_DEADLINE=$(( $(now) + (end - $(now)) * $(share "$s" "$left") / 100 ))
	left=$((left - 1))
	export BENCH_DEADLINE
	t0=$(now)
	case $s in
	net|block)
		if [ "${BENCH_NO_PROJECT:-0}" = 1 ]; then
			export BENCH_PROJECT_MISSING="${BENCH_PROJECT_MISSING:-the project did not build}"
		fi
		"$here/$([ "$s" = net ] && echo net || echo block).sh" || rc=1
		;;
	scale-net|scale-vol)
		if [ "${BENCH_NO_PROJECT:-0}" = 1 ]; then
			export BENCH_PROJECT_MISSING="${BENCH_PROJECT_MISSING:-the project did not build}"
		fi
		"$here/$s.sh" || rc=1
		;;
	*) log "unknown suite $s"; rc=1 ;;
	esac
	log "$s suite took $(( $(now) - t0 )) s"
done
emit '{"type":"done"}'
exit $rc
