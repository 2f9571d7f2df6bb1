#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: podnet and podvol against the in-kernel anchors, side by side,
# in one guest on Debian's stock kernel.  See Documentation/performance.rst.
#
# Knobs (environment):
#   BENCH_QUICK=1            3-minute smoke run (1 repetition, short runs, small members)
#   BENCH_TOTAL_S=1800       the whole `make bench` must end within this (seconds)
#   BENCH_REPS=3             repetitions of every figure (candidates alternate)
#   BENCH_NET_TIME=5         seconds per network test
#   BENCH_BLK_RUNTIME=2      seconds per fio job
#   BENCH_MEMBER_MB=256      size of each of the 4 block members
#   BENCH_CHUNK_KB=64        stripe chunk of podvol, dm-stripe and md raid0
#   BENCH_SUITES="net block"  (also scale-net, scale-vol: routes and volumes at
#                            scale; see bench/scale-net.sh and bench/scale-vol.sh)
#   BENCH_SCALE_ROUTES="10 1000 100000"  BENCH_SCALE_NODES="10 5000"
#   BENCH_SCALE_FIB_ROUTES (the FIB anchor's sizes, default the same)
#   BENCH_SCALE_VOLS="1 100 1000"        BENCH_SCALE_LVM_VOLS (default the same)
#   BENCH_BASELINE=FILE      compare every figure with FILE (default
#                            bench/baseline.json; "none": no comparison)
#   BENCH_WRITE_BASELINE=1   write this run's figures as bench/baseline.json
#                            (or =FILE); BENCH_BASELINE_NOTE says how it was made
#   BENCH_NET_CANDS="noencap geneve vxlan podnet"   BENCH_NET_TESTS="tcp1 tcp4 rr udp64"
#   BENCH_BLK_CANDS="raw1 raw4 dmstripe md0 podvol" BENCH_BLK_MEMBERS="nullb loop"
#   BENCH_BLK_JOBS="rr4k_qd1 rw4k_qd1 rr4k_qd32 rw4k_qd32 sr1m sw1m mis128k fsync4k"
#   BENCH_OVERLAY_MTU=1450   MTU of every overlay device and of the pods using it
#   BENCH_PERF=1             also record perf profiles of the candidates (perf.txt)
#   BENCH_OUT=DIR            where the results go (default bench/results/DATE-TIME,
#                            bench/results/latest points to the newest)
#   BENCH_MEM=4G             guest memory
#   BENCH_SMP=2              guest vCPUs (1 avoids cross-vCPU wake-ups, whose cost
#                            is the host's scheduling latency when the host is busy)
set -u
# All of it in a function: bash then reads the whole file before running
# any of it, so editing the script during a 30 minute run cannot derail it.
main() {
top=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s)
load0=$(cut -d' ' -f1 /proc/loadavg)
: "${BENCH_QUICK:=0}"
if [ "$BENCH_QUICK" = 1 ]; then : "${BENCH_TOTAL_S:=240}"; else : "${BENCH_TOTAL_S:=1800}"; fi
: "${BENCH_MEM:=4G}"
: "${BENCH_SMP:=2}"
stamp=$(date +%Y%m%d-%H%M%S)
out=${BENCH_OUT:-$top/bench/results/$stamp}
mkdir -p "$out"
raw="$out/raw.log"

say() { echo "bench: $*" >&2; }

# Build the modules and tools for the stock kernel.  When they do not build
# the anchors are still measured and the report says why podnet and podvol
# are missing.
kver=$("$top/scripts/kver.sh")
buildopt=()
guestenv=()
say "building the modules and tools for $kver (log: $out/build.log)"
if ! make -C "$top" KDIR="/lib/modules/$kver/build" modules tools >"$out/build.log" 2>&1; then
	say "the project does not build; measuring the anchors only (see $out/build.log)"
	buildopt=(--no-build)
	guestenv+=(BENCH_NO_PROJECT=1
		"BENCH_PROJECT_MISSING=the project did not build: $(grep -m1 -E 'error|Error' "$out/build.log" | cut -c1-160)")
fi

# Everything the guest scripts read is passed on the guest's command line.
for v in $(compgen -e | grep '^BENCH_'); do
	case $v in BENCH_OUT|BENCH_MEM|BENCH_SMP|BENCH_TOTAL_S|BENCH_BASELINE*|BENCH_WRITE_BASELINE) continue ;; esac
	guestenv+=("$v=${!v}")
done

# The guest gets what is left of the total, minus boot, report and slack.
elapsed=$(( $(date +%s) - start ))
budget=$(( BENCH_TOTAL_S - elapsed - (BENCH_QUICK == 1 ? 60 : 150) ))
[ $budget -lt 60 ] && budget=60
vmtimeout=$(( budget + (BENCH_QUICK == 1 ? 60 : 120) ))
guestenv+=("BENCH_BUDGET_S=$budget")
say "guest time budget ${budget}s, hard limit ${vmtimeout}s; results in $out"

set -o pipefail
"$top/selftests/vm/run-test" --kernel stock "${buildopt[@]+"${buildopt[@]}"}" --mem "$BENCH_MEM" --smp "$BENCH_SMP" \
	--timeout "$vmtimeout" --name bench -- \
	env "${guestenv[@]}" bench/run-in-guest.sh 2>"$out/run-test.err" |
	tee "$raw" | grep --line-buffered -v -e '^@@' -e '^$' >&2
vmrc=$?
set +o pipefail
# run-test reports failures on stderr; show them.
[ -s "$out/run-test.err" ] && grep -v '^make' "$out/run-test.err" | tail -20 >&2
# Keep the guest's console log with the results.
cp "$top/build/logs/bench.console.log" "$out/console.log" 2>/dev/null

if ! grep -q '^@@BENCH' "$raw"; then
	say "the guest produced no results (run-test exit $vmrc); see $out/run-test.err and $out/console.log"
	exit 1
fi
# How busy the host was: under TCG every figure depends on it.
printf '@@BENCH {"type":"host","cpus":%s,"load_start":%s,"load_end":%s}\n' \
	"$(nproc)" "$load0" "$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
repopt=()
: "${BENCH_BASELINE:=$top/bench/baseline.json}"
[ "$BENCH_BASELINE" != none ] && [ -f "$BENCH_BASELINE" ] && repopt+=(--baseline "$BENCH_BASELINE")
case ${BENCH_WRITE_BASELINE:-0} in
0) ;;
1) repopt+=(--write-baseline "$top/bench/baseline.json") ;;
*) repopt+=(--write-baseline "$BENCH_WRITE_BASELINE") ;;
esac
[ ${BENCH_WRITE_BASELINE:-0} != 0 ] &&
	repopt+=(--baseline-note "${BENCH_BASELINE_NOTE:-make bench, BENCH_SUITES=\"${BENCH_SUITES:-net block}\", $(date -u +%Y-%m-%dT%H:%MZ)}")
python3 "$top/bench/report.py" "${repopt[@]+"${repopt[@]}"}" "$raw" "$out" || { say "report failed"; exit 1; }
[ "$(dirname "$out")" = "$top/bench/results" ] &&
	ln -sfn "$(basename "$out")" "$top/bench/results/latest"
say "results: $out/results.md, results.json, ratios.png, scale-*.png (took $(( $(date +%s) - start ))s)"
if [ $vmrc != 0 ]; then
	say "the guest run failed (exit $vmrc): the report may be partial"
	exit 1
fi
grep -q '^@@BENCH {"type":"done"}' "$raw" || { say "the run did not complete"; exit 1; }
exit 0
}
main "$@"
exit $?
