# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers of the guest-side benchmark scripts (sourced, POSIX sh + bash).
#
# Every measurement is printed as one line "@@BENCH <json>" on stdout; the
# host (scripts/bench.sh) collects those lines from the guest console and
# bench/report.py turns them into the table, the JSON and the chart.
# Progress messages go to stderr prefixed with "bench:".

: "${BENCH_QUICK:=0}"
if [ "$BENCH_QUICK" = 1 ]; then
	: "${BENCH_REPS:=1}" "${BENCH_NET_TIME:=2}" "${BENCH_BLK_RUNTIME:=1}"
	: "${BENCH_MEMBER_MB:=64}"
else
	: "${BENCH_REPS:=3}" "${BENCH_NET_TIME:=5}" "${BENCH_BLK_RUNTIME:=2}"
	: "${BENCH_MEMBER_MB:=256}"
fi
: "${BENCH_SUITES:=net block}"
: "${BENCH_NET_CANDS:=podnet geneve noencap vxlan}"
: "${BENCH_NET_TESTS:=tcp1 tcp4 rr udp64}"
: "${BENCH_OVERLAY_MTU:=1450}"
: "${BENCH_BLK_MEMBERS:=nullb loop}"
: "${BENCH_BLK_CANDS:=podvol dmstripe raw4 raw1 md0}"
: "${BENCH_BLK_JOBS:=rr4k_qd1 rw4k_qd1 rr4k_qd32 rw4k_qd32 rr4k_uring sr1m sw1m mis128k fsync4k}"
: "${BENCH_CHUNK_KB:=64}"
: "${BENCH_PERF:=0}"          # 1: perf record podnet/podvol runs (investigation)
: "${BENCH_WORK:=/tmp/bench}"
export BENCH_QUICK BENCH_REPS BENCH_NET_TIME BENCH_BLK_RUNTIME BENCH_MEMBER_MB \
	BENCH_SUITES BENCH_NET_CANDS BENCH_NET_TESTS BENCH_OVERLAY_MTU \
	BENCH_BLK_MEMBERS BENCH_BLK_CANDS BENCH_BLK_JOBS BENCH_CHUNK_KB BENCH_PERF BENCH_WORK

mkdir -p "$BENCH_WORK"

log() { echo "bench: $*" >&2; }

# emit JSON: print one record for the host.
emit() { printf '@@BENCH %s\n' "$1"; }

# json_str STRING: STRING as a JSON string literal.
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | tr '\n\t' '  ' | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# unavailable SUITE CAND REASON: the candidate could not be measured.
unavailable() {
	log "$1/$2 unavailable: $3"
	emit "{\"type\":\"unavailable\",\"suite\":\"$1\",\"cand\":\"$2\",\"reason\":$(json_str "$3")}"
}

# error SUITE CAND TEST REP REASON: one measurement failed.
error_rec() {
	log "$1/$2/$3 rep $4 failed: $5"
	emit "{\"type\":\"error\",\"suite\":\"$1\",\"cand\":\"$2\",\"test\":\"$3\",\"rep\":$4,\"reason\":$(json_str "$5")}"
}

# rotate N LIST...: LIST rotated left by N (alternates the order of the
# candidates from one repetition to the next).
rotate() {
	n=$1; shift
	c=$#
	[ "$c" -eq 0 ] && return
	n=$((n % c))
	i=0
	for x in "$@"; do
		[ $i -ge $n ] && printf '%s ' "$x"
		i=$((i + 1))
	done
	i=0
	for x in "$@"; do
		[ $i -lt $n ] && printf '%s ' "$x"
		i=$((i + 1))
	done
}

# cpu_busy: busy jiffies of all CPUs since boot (everything but idle/iowait).
cpu_busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Time budget.  BENCH_BUDGET_S (set by scripts/bench.sh from the 30 minute
# limit) is split over the suites by run-in-guest.sh, which exports
# BENCH_DEADLINE (seconds of uptime) for the suite it starts.  A suite always
# runs its first repetition; a further one only when the previous one,
# repeated, would end before the deadline.
now() { cut -d. -f1 /proc/uptime; }

# rep_fits REP SECONDS_OF_LAST_REP [DEADLINE]
rep_fits() {
	dl=${3:-${BENCH_DEADLINE:-0}}
	[ "$1" -le 1 ] && return 0
	[ "$dl" -le 0 ] && return 0
	[ $(( $(now) + $2 )) -le "$dl" ]
}

# past_deadline [DEADLINE]: the suite's time is up (a candidate not started
# yet is then skipped rather than overrunning the 30 minutes of make bench).
past_deadline() {
	dl=${1:-${BENCH_DEADLINE:-0}}
	[ "$dl" -gt 0 ] && [ "$(now)" -ge "$dl" ]
}

note() {
	log "$1"
	emit "{\"type\":\"note\",\"text\":$(json_str "$1")}"
}

# for_reps WHAT FUNC [DEADLINE]: FUNC REP for the repetitions 1 to
# BENCH_REPS that fit the time budget (rep_fits), noting for WHAT where the
# budget cut them short.  FUNC failing ends the repetitions too.  The
# variables are named for this function alone: the scale scripts' own
# measurements use t0.
for_reps() {
	rep_last=0
	for rep in $(seq 1 "$BENCH_REPS"); do
		if ! rep_fits "$rep" "$rep_last" "${3:-}"; then
			note "$1: time budget reached, $((rep - 1)) of $BENCH_REPS repetitions run"
			break
		fi
		rep_t0=$(now)
		"$2" "$rep" || break
		rep_last=$(( $(now) - rep_t0 ))
	done
}

# perf_report FILE WHAT: the hottest symbols of perf profile FILE for the
# host, between "@@PERF WHAT begin" and "@@PERF WHAT end".  The idle loop
# (a guest waiting for its vCPUs) is left out.
perf_report() {
	echo "@@PERF $2 begin"
	perf report -i "$1" --stdio --no-children --sort sym --percent-limit 0.2 -g none 2>/dev/null |
		grep -v -e '^#' -e '^$' -e 'native_safe_halt' -e 'default_idle' | head -45 | sed 's/^/@@P /'
	echo "@@PERF $2 end"
}

# loop_members_up NAME MB: four loop devices over sparse files
# $BENCH_WORK/NAME0.img to NAME3.img of MB MiB each, added to array M.
loop_members_up() {
	modprobe loop 2>/dev/null
	for i in 0 1 2 3; do
		f="$BENCH_WORK/$1$i.img"
		truncate -s "${2}M" "$f" || return 1
		dev=$(losetup -f --show "$f") || return 1
		M+=("$dev")
	done
}

# loop_members_down NAME: detach the loop devices of M, remove their files.
loop_members_down() {
	for d in "${M[@]}"; do losetup -d "$d"; done
	rm -f "$BENCH_WORK/$1"*.img
	M=()
}

# wipe_heads MB DEV...: zero the first MB MiB of each DEV (old signatures
# and metadata).
wipe_heads() {
	mb=$1; shift
	for d in "$@"; do
		dd if=/dev/zero of="$d" bs=1M count="$mb" oflag=direct status=none 2>/dev/null
	done
}

# The 64-byte UDP tests pin their sender to CPU 0 and their receiver to
# CPU 1 ($PIN_CLI, $PIN_SRV before the command): left to the scheduler,
# runs fell into two populations, 9-10 kpps when sender, receiver and
# softirq shared one of the 2 vCPUs and 14-17 when they did not, for podnet
# and geneve alike (Documentation/performance.rst, "64-byte UDP").
# shellcheck disable=SC2034  # used by the suites that source this
PIN_CLI="" PIN_SRV=""
# shellcheck disable=SC2034
if [ "$(nproc)" -ge 2 ]; then PIN_CLI="taskset -c 0" PIN_SRV="taskset -c 1"; fi
