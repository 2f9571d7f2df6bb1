#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Block benchmark, run inside the guest.
#
# Two kinds of members, one after the other: 4 memory-backed null_blk
# devices (configfs, memory_backed=1, 4 KiB blocks, irqmode=0, blk-mq) and
# 4 loop devices over files on tmpfs.  Every member is BENCH_MEMBER_MB big and
# written once in full before the first measurement, so reads copy real data.
#
# Candidates over the same 4 members, the same chunk (BENCH_CHUNK_KB) and the
# same data area (3/4 of each member, AREA in total); podvol's volume, whose
# space podvol zeroes (on loop members: punches holes), is written in full
# after its creation and the members again after its deletion:
#   raw1      one member alone (area/4 of it)
#   raw4      the members' aggregate: the same job (fio processes, queue
#             depth) over all 4 members at once, its requests dealt out
#             round-robin (one fio job with filename=M0:M1:M2:M3)
#   dmstripe  dm-stripe over the 4 members
#   md0       md raid0 (metadata 1.2) over the 4 members
#   podvol    a podvol pool over the 4 members and one volume of size AREA
#
# Each candidate is set up, runs every job once (one fio process, jobs
# separated by stonewall) and is torn down again; the order of the
# candidates rotates from one repetition to the next.
set -u
. "$(dirname "$0")/lib.sh"

R=$BENCH_BLK_RUNTIME
CHUNK_KB=$BENCH_CHUNK_KB
NJ=$(nproc)
PER_MB=$((BENCH_MEMBER_MB * 3 / 4))
if [ "$CHUNK_KB" -gt 1024 ]; then PER_MB=$((PER_MB / (CHUNK_KB / 1024) * (CHUNK_KB / 1024))); fi
AREA_MB=$((PER_MB * 4))
M=()

# job NAME -> "rw bs iodepth numjobs extra-fio-options"
job_spec() {
	case $1 in
	rr4k_qd1)  echo "randread 4k 1 1" ;;
	rw4k_qd1)  echo "randwrite 4k 1 1" ;;
	rr4k_qd32) echo "randread 4k 32 $NJ" ;;
	rw4k_qd32) echo "randwrite 4k 32 $NJ" ;;
	rr4k_uring) echo "randread 4k 32 $NJ ioengine=io_uring" ;;
	sr1m)      echo "read 1M 8 1" ;;
	sw1m)      echo "write 1M 8 1" ;;
	mis128k)   echo "randrw 128k 8 1 rwmixread=50 blockalign=4k" ;;
	fsync4k)   echo "randwrite 4k 1 1 fsync=1" ;;
	*) return 1 ;;
	esac
}

# fill DEV...: write every device in full, so that reads copy real data
# and writes overwrite it.  A zeroed loop member over tmpfs is a hole
# (write-zeroes punches one): reading a hole copies nothing and writing
# into one allocates the page first.
fill() {
	for d in "$@"; do
		dd if=/dev/zero of="$d" bs=1M oflag=direct status=none 2>/dev/null
	done
}

members_up() {
	kind=$1
	M=()
	case $kind in
	nullb)
		modprobe configfs 2>/dev/null
		mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config || return 1
		modprobe null_blk nr_devices=0 || return 1
		for i in 0 1 2 3; do
			d=/sys/kernel/config/nullb/nullb$i
			mkdir "$d" || return 1
			echo "$BENCH_MEMBER_MB" > "$d/size"
			echo 1 > "$d/memory_backed"
			echo 4096 > "$d/blocksize"
			echo 0 > "$d/irqmode"
			echo 2 > "$d/queue_mode"
			echo "$NJ" > "$d/submit_queues"
			echo 64 > "$d/hw_queue_depth"
			echo 1 > "$d/power" || return 1
			M+=("/dev/nullb$i")
		done
		;;
	loop)
		loop_members_up member "$BENCH_MEMBER_MB" || return 1
		;;
	esac
	for d in "${M[@]}"; do
		for _ in $(seq 50); do [ -b "$d" ] && break; sleep 0.1; done
		s=/sys/block/${d#/dev/}/queue/scheduler
		[ -w "$s" ] && echo none > "$s" 2>/dev/null
	done
	fill "${M[@]}"
	# fio's first run in a fresh guest sometimes fails ("total_file_size ...
	# Invalid argument"): a short warm-up job absorbs it.
	for _ in 1 2; do
		fio --name=warmup --filename="${M[0]}" --rw=randread --bs=4k --direct=1 \
			--ioengine=libaio --size=4M --runtime=1 --time_based >/dev/null 2>&1 && break
	done
	return 0
}

members_down() {
	case $1 in
	nullb)
		for i in 0 1 2 3; do
			d=/sys/kernel/config/nullb/nullb$i
			[ -d "$d" ] || continue
			echo 0 > "$d/power" 2>/dev/null
			rmdir "$d"
		done
		;;
	loop)
		loop_members_down member
		;;
	esac
	M=()
}

# cand_up CAND: sets DEVS (the devices fio runs on) and SIZE_MB (per device).
cand_up() {
	c=$1
	case $c in
	raw1) DEVS=("${M[0]}"); SIZE_MB=$PER_MB ;;
	raw4) DEVS=("${M[@]}"); SIZE_MB=$PER_MB ;;
	dmstripe)
		sec=$((AREA_MB * 2048))
		tbl="0 $sec striped 4 $((CHUNK_KB * 2))"
		for d in "${M[@]}"; do tbl="$tbl $d 0"; done
		dmsetup create pvbench --table "$tbl" || return 1
		n=$(dmsetup info -c --noheadings -o blkdevname pvbench) || return 1
		DEVS=("/dev/$n"); SIZE_MB=$AREA_MB
		;;
	md0)
		mdadm --create /dev/md0 --run --quiet --level=0 --chunk="$CHUNK_KB" \
			--metadata=1.2 --raid-devices=4 "${M[@]}" || return 1
		DEVS=(/dev/md0); SIZE_MB=$AREA_MB
		;;
	podvol)
		podvolctl pool create pvbench --chunk "${CHUNK_KB}K" --force "${M[@]}" || return 1
		podvolctl volume create pvbench/vol "${AREA_MB}M" || return 1
		dev=$(podvolctl -j volume list pvbench 2>/dev/null |
			jq -r '.. | objects | select(.name? == "vol") | (.device // .dev // .disk // empty)' 2>/dev/null | head -1)
		[ -n "$dev" ] && [ "${dev#/dev/}" = "$dev" ] && dev=/dev/$dev
		if [ -z "$dev" ] || [ ! -b "$dev" ]; then
			for f in /sys/block/podvol*/podvol/name; do
				[ -r "$f" ] && [ "$(cat "$f")" = vol ] && dev=/dev/$(basename "$(dirname "$(dirname "$f")")")
			done
		fi
		[ -n "$dev" ] && [ -b "$dev" ] || {
			echo "volume created but no block device found: $(podvolctl -j volume list pvbench 2>&1)"
			return 1; }
		DEVS=("$dev"); SIZE_MB=$AREA_MB
		# The volume's space was zeroed for it (issue 12's tenant
		# isolation): on loop members, holes.  Written in full, it
		# holds data as the other candidates' areas do.
		fill "$dev"
		;;
	*) echo "unknown candidate $c"; return 1 ;;
	esac
	for _ in $(seq 50); do [ -b "${DEVS[0]}" ] && break; sleep 0.1; done
	[ -b "${DEVS[0]}" ] || { echo "${DEVS[0]} did not appear"; return 1; }
}

cand_down() {
	case $1 in
	dmstripe) dmsetup remove pvbench 2>/dev/null || { sleep 1; dmsetup remove pvbench; } ;;
	md0) mdadm --stop /dev/md0 >/dev/null 2>&1; mdadm --zero-superblock "${M[@]}" 2>/dev/null; wipe_heads 4 "${M[@]}" ;;
	podvol)
		podvolctl volume delete pvbench/vol >/dev/null 2>&1
		podvolctl pool stop pvbench >/dev/null 2>&1 || { sleep 1; podvolctl pool stop pvbench; }
		wipe_heads 4 "${M[@]}"
		# The deleted volume's space was zeroed again: fill it for
		# the next candidate.
		fill "${M[@]}"
		;;
	esac
	return 0
}

# fio_jobfile CAND: the fio job file running every job of BENCH_BLK_JOBS.
fio_jobfile() {
	c=$1
	cat <<-EOF2
	[global]
	ioengine=libaio
	direct=1
	time_based=1
	runtime=$R
	group_reporting=1
	lat_percentiles=1
	percentile_list=50:99
	randrepeat=0
	norandommap=1
	EOF2
	for j in $BENCH_BLK_JOBS; do
		# shellcheck disable=SC2046 # job_spec prints the job's words
		set -- $(job_spec "$j")
		rw=$1 bs=$2 qd=$3 nj=$4
		shift 4
		# raw4: the same job (processes, queue depth) over all members at
		# once, its requests dealt out round-robin: what a striping layer
		# with no cost at all would get.
		if [ "$c" = raw4 ]; then
			files=$(IFS=:; echo "${DEVS[*]}")
		else
			files=${DEVS[0]}
		fi
		printf '\n[%s]\n' "$j"
		echo stonewall
		echo "filename=$files"
		echo "filesize=${SIZE_MB}M"
		echo "file_service_type=roundrobin"
		echo "rw=$rw"
		echo "bs=$bs"
		echo "iodepth=$qd"
		echo "numjobs=$nj"
		for o in "$@"; do echo "$o"; done
	done
}

# parse_fio FILE: one line "JOB METRICS-JSON" per job.
parse_fio() {
	sed -n '/^{/,$p' "$1" | jq -rc '.jobs[] |
		(.jobname | sub("@.*"; "")) as $name |
		[.read, .write] | map(select(.io_bytes > 0)) as $d |
		($d | map(.total_ios) | add // 0) as $n |
		"\($name) " + ({
			iops: ($d | map(.iops) | add // 0),
			mib_s: (($d | map(.bw_bytes) | add // 0) / 1048576),
			lat_us: (if $n > 0 then ($d | map(.lat_ns.mean * .total_ios) | add) / $n / 1000 else null end),
			p99_us: ($d | map(.lat_ns.percentile["99.000000"] // .clat_ns.percentile["99.000000"] // 0) | max // 0 | . / 1000)
		} | tostring)'
}

run_cand() {
	kind=$1 c=$2 r=$3
	jf="$BENCH_WORK/fio-$kind-$c.fio"
	out="$BENCH_WORK/fio-$kind-$c-$r.json"
	fio_jobfile "$c" > "$jf"
	ok=0
	for _ in 1 2; do
		if fio --output-format=json --output="$out" "$jf" >"$out.err" 2>&1 && sed -n '/^{/,$p' "$out" | jq -e '.jobs | length > 0' >/dev/null 2>&1; then
			ok=1; break
		fi
	done
	if [ $ok = 0 ]; then
		error_rec block "$c" all "$r" "$kind: fio failed: $(tail -c 400 "$out.err" | tr '\n' ' ') $(tail -c 300 "$out" 2>/dev/null | tr '\n' ' ')"
		return 1
	fi
	parse_fio "$out" | while read -r j m; do
		emit "{\"type\":\"result\",\"suite\":\"block\",\"member\":\"$kind\",\"cand\":\"$c\",\"test\":\"$j\",\"rep\":$r,\"m\":$m}"
		log "$(printf '%-5s %-8s %-9s rep %s: %s' "$kind" "$c" "$j" "$r" "$m")"
	done
}

# perf_profile KIND CAND: a system-wide profile of the rr4k_qd32 job.
perf_profile() {
	kind=$1 c=$2
	command -v perf >/dev/null || return
	f="$BENCH_WORK/perf-blk-$kind-$c.data"
	# shellcheck disable=SC2046 # job_spec prints the job's words
	set -- $(job_spec rr4k_qd32)
	perf record -q -a -g -o "$f" -- fio --name=prof --filename="${DEVS[0]}" --size="${SIZE_MB}M" \
		--rw=randread --bs=4k --iodepth=32 --numjobs="$NJ" --direct=1 --ioengine=libaio \
		--runtime="$R" --time_based --group_reporting >/dev/null 2>&1
	perf_report "$f" "block $kind $c"
}

available=""
for c in $BENCH_BLK_CANDS; do
	case $c in
	raw1|raw4) available="$available $c" ;;
	dmstripe) modprobe dm_mod 2>/dev/null; command -v dmsetup >/dev/null &&
			available="$available $c" || unavailable block "$c" "no dmsetup" ;;
	md0) modprobe raid0 2>/dev/null && command -v mdadm >/dev/null &&
			available="$available $c" || unavailable block "$c" "no md raid0 or mdadm" ;;
	podvol)
		if [ -n "${BENCH_PROJECT_MISSING:-}" ]; then
			unavailable block podvol "$BENCH_PROJECT_MISSING"
		elif ! modprobe podvol 2>"$BENCH_WORK/podvol.err"; then
			unavailable block podvol "modprobe podvol failed: $(cat "$BENCH_WORK/podvol.err")"
		elif ! command -v podvolctl >/dev/null; then
			unavailable block podvol "podvolctl is not installed"
		else
			available="$available $c"
		fi
		;;
	*) unavailable block "$c" "unknown candidate" ;;
	esac
done

# block_rep REP: one repetition over the candidates on the $kind members.
block_rep() {
	r=$1
	for c in $(rotate $((r - 1)) $available); do
		case " $failed " in *" $c "*) continue ;; esac
		if past_deadline "$dl"; then
			unavailable block "$c" "$kind: time budget exhausted before repetition $r"
			continue
		fi
		if ! cand_up "$c" >"$BENCH_WORK/setup.err" 2>&1; then
			unavailable block "$c" "$kind: setup failed: $(tail -3 "$BENCH_WORK/setup.err" | tr '\n' ' ')"
			failed="$failed $c"
			cand_down "$c"
			continue
		fi
		run_cand "$kind" "$c" "$r"
		if [ "$BENCH_PERF" = 1 ] && [ "$r" = 1 ] && ! past_deadline "$dl"; then perf_profile "$kind" "$c"; fi
		cand_down "$c"
	done
}

set -- $BENCH_BLK_MEMBERS
nkinds=$#
for kind in $BENCH_BLK_MEMBERS; do
	# Each kind of member gets an equal share of what is left of the budget.
	dl=0
	if [ "${BENCH_DEADLINE:-0}" -gt 0 ]; then
		dl=$(( $(now) + (BENCH_DEADLINE - $(now)) / nkinds ))
	fi
	nkinds=$((nkinds - 1))
	if ! members_up "$kind" >"$BENCH_WORK/setup.err" 2>&1; then
		msg=$(tail -3 "$BENCH_WORK/setup.err" | tr '\n' ' ')
		for c in $available; do unavailable block "$c" "$kind members could not be set up: $msg"; done
		members_down "$kind"
		continue
	fi
	log "$kind members: ${M[*]}, area ${AREA_MB} MiB, chunk ${CHUNK_KB} KiB"
	failed=""
	for_reps "block $kind" block_rep "$dl"
	members_down "$kind"
done
exit 0
