#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Scale benchmark of podvol, run inside the guest (BENCH_SUITES="scale-vol").
#
# 4 loop members (sparse files on tmpfs, BENCH_SCALE_VOL_MEMBER_MB each).
# A pool grows volume by volume (BENCH_SCALE_VOL_MB each) through the
# counts of BENCH_SCALE_VOLS (default "1 100 1000"), then shrinks back:
#   create_ms   podvolctl volume create latency of the creates that brought
#               the pool from the previous count to this one (median, p99)
#   delete_ms   podvolctl volume delete latency of the deletes from this count
#               down to the previous one
#   create_wb / delete_wb   bytes written to the members per operation
#               (/sys/block/loopN/stat write sectors, all 4 members)
#   assemble_s  at this count: pool stop, then podvolctl pool add of the 4
#               members (as udev runs it) until the pool runs with all its volumes
# The anchor is LVM2 on the same members: a VG of the 4 PVs (256 KiB
# extents), striped LVs (lvcreate -i 4 -I CHUNK), lvremove, and
# vgchange -an + vgchange -ay as assembly; no udev runs in the guest, so
# udev synchronisation is off.
# BENCH_SCALE_LVM_VOLS caps LVM's counts (default: the same counts): an
# lvcreate costs far more under TCG.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$BENCH_QUICK" = 1 ]; then
	: "${BENCH_SCALE_VOLS:=1 20}"
else
	: "${BENCH_SCALE_VOLS:=1 100 1000}"
fi
: "${BENCH_SCALE_LVM_VOLS:=$BENCH_SCALE_VOLS}"
: "${BENCH_SCALE_VOL_MB:=1}"
: "${BENCH_SCALE_VOL_MEMBER_MB:=512}"
S=scale-vol
POOL=pvscale
VG=vgscale
LVMCONF='devices { use_devicesfile=0 filter=["a|^/dev/loop|","r|.*|"] scan=["/dev"] }
activation { udev_sync=0 udev_rules=0 monitoring=0 }
global { use_lvmpolld=0 }
backup { backup=0 archive=0 }'
M=()
cand=

ms_now() { date +%s%N; }

# Write sectors of the members so far (field 7 of /sys/block/X/stat).
wsect() {
	s=0
	for d in "${M[@]}"; do
		s=$((s + $(awk '{ print $7 }' "/sys/block/${d#/dev/}/stat")))
	done
	echo $s
}

members_up() { loop_members_up scale-member "$BENCH_SCALE_VOL_MEMBER_MB"; }
members_down() { loop_members_down scale-member; }

# stats FILE: {"median":..,"p99":..} of the numbers in FILE, one a line.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (!NR) { print "null"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		i = int(0.99 * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		printf "{\"median\":%.3f,\"p99\":%.3f,\"n\":%d}", m, v[i], NR }'
}

# Candidate operations: op_setup, op_create I, op_delete I, op_assemble,
# op_count, op_teardown; "cand" selects podvol or lvm.
op_setup() {
	case $cand in
	podvol) podvolctl pool create $POOL --chunk "${BENCH_CHUNK_KB}K" --force "${M[@]}" >/dev/null ;;
	lvm)
		lvm pvcreate -q --config "$LVMCONF" --metadatasize 16m -ff -y "${M[@]}" >/dev/null &&
			lvm vgcreate -q --config "$LVMCONF" -s 256k $VG "${M[@]}" >/dev/null
		;;
	esac
}
op_create() {
	case $cand in
	podvol) podvolctl volume create "$POOL/v$1" "${BENCH_SCALE_VOL_MB}M" >/dev/null ;;
	lvm) lvm lvcreate -q --config "$LVMCONF" -i 4 -I "${BENCH_CHUNK_KB}k" -Zn -Wn -An \
		-L "${BENCH_SCALE_VOL_MB}m" -n "v$1" $VG >/dev/null ;;
	esac
}
op_delete() {
	case $cand in
	podvol) podvolctl volume delete "$POOL/v$1" >/dev/null ;;
	lvm) lvm lvremove -q --config "$LVMCONF" -f -An "$VG/v$1" >/dev/null ;;
	esac
}
op_count() {
	case $cand in
	podvol) podvolctl -j pool show $POOL 2>/dev/null | jq -r '.[0].nr_volumes' ;;
	lvm) lvm lvs --config "$LVMCONF" --noheadings -o lv_name -S lv_active=active $VG 2>/dev/null | wc -l ;;
	esac
}
op_assemble() {
	case $cand in
	podvol)
		podvolctl pool stop $POOL >/dev/null || return 1
		for d in "${M[@]}"; do podvolctl pool add "$d" >/dev/null || return 1; done
		;;
	lvm)
		lvm vgchange -q --config "$LVMCONF" -an $VG >/dev/null &&
			lvm vgchange -q --config "$LVMCONF" -ay $VG >/dev/null
		;;
	esac
}
op_teardown() {
	case $cand in
	podvol) podvolctl pool stop $POOL >/dev/null 2>&1 ;;
	lvm)
		lvm vgchange -q --config "$LVMCONF" -an $VG >/dev/null 2>&1
		lvm vgremove -q --config "$LVMCONF" -ff $VG >/dev/null 2>&1
		lvm pvremove -q --config "$LVMCONF" -ff -y "${M[@]}" >/dev/null 2>&1
		;;
	esac
	wipe_heads 8 "${M[@]}"
}

# run CAND REP COUNTS
run() {
	cand=$1 r=$2 counts=$3
	wipe_heads 8 "${M[@]}"
	if ! msg=$(op_setup 2>&1); then
		error_rec $S "$cand" setup "$r" "$msg"
		op_teardown
		return 1
	fi
	have=0
	for c in $counts; do
		if past_deadline; then
			note "$S: time budget exhausted: $cand stopped at $have volumes, repetition $r"
			break
		fi
		: > "$BENCH_WORK/scale-lat"
		w0=$(wsect)
		for i in $(seq $((have + 1)) "$c"); do
			t0=$(ms_now)
			if ! msg=$(op_create "$i" 2>&1); then
				error_rec $S "$cand" "v$c" "$r" "create of volume $i failed: $msg"
				break 2
			fi
			echo $(( ($(ms_now) - t0) / 1000 )) >> "$BENCH_WORK/scale-lat"
		done
		sync
		w1=$(wsect)
		ops=$((c - have))
		create=$(stats "$BENCH_WORK/scale-lat")
		have=$c
		t0=$(ms_now)
		if ! msg=$(op_assemble 2>&1); then
			error_rec $S "$cand" "v$c" "$r" "assembly failed: $msg"
			break
		fi
		t1=$(ms_now)
		# The last pool add starts the pool (vgchange -ay activates);
		# if the volumes are not all there yet, the wait counts too.
		for _ in $(seq 20); do
			got=$(op_count)
			[ "$got" = "$c" ] && break
			sleep 0.1
			t1=$(ms_now)
		done
		asm=$(( (t1 - t0) / 1000 ))
		[ "$got" = "$c" ] || error_rec $S "$cand" "v$c" "$r" "after assembly $got volumes, expected $c"
		m="{\"create_ms\":$(jq -c '.median / 1000' <<<"$create"),\"create_p99_ms\":$(jq -c '.p99 / 1000' <<<"$create"),\"create_wb\":$(( (w1 - w0) * 512 / ops )),\"assemble_s\":$(awk -v u="$asm" 'BEGIN { printf "%.4f", u / 1e6 }')}"
		emit "{\"type\":\"result\",\"suite\":\"$S\",\"member\":\"loop\",\"cand\":\"$cand\",\"test\":\"v$c\",\"rep\":$r,\"volumes\":$c,\"ops\":$ops,\"m\":$m}"
		log "$cand $c volumes rep $r (create): $m"
	done
	# Back down: the deletes from each count to the one below it.
	prev=0
	lower=()
	for c in $counts; do
		[ "$c" -le "$have" ] && lower+=("$prev:$c")
		prev=$c
	done
	for ((x = ${#lower[@]} - 1; x >= 0; x--)); do
		lo=${lower[$x]%%:*} c=${lower[$x]#*:}
		: > "$BENCH_WORK/scale-lat"
		w0=$(wsect)
		for i in $(seq "$c" -1 $((lo + 1))); do
			t0=$(ms_now)
			if ! msg=$(op_delete "$i" 2>&1); then
				error_rec $S "$cand" "v$c" "$r" "delete of volume $i failed: $msg"
				break 2
			fi
			echo $(( ($(ms_now) - t0) / 1000 )) >> "$BENCH_WORK/scale-lat"
		done
		sync
		w1=$(wsect)
		del=$(stats "$BENCH_WORK/scale-lat")
		m="{\"delete_ms\":$(jq -c '.median / 1000' <<<"$del"),\"delete_p99_ms\":$(jq -c '.p99 / 1000' <<<"$del"),\"delete_wb\":$(( (w1 - w0) * 512 / (c - lo) ))}"
		emit "{\"type\":\"result\",\"suite\":\"$S\",\"member\":\"loop\",\"cand\":\"$cand\",\"test\":\"v$c\",\"rep\":$r,\"volumes\":$c,\"ops\":$((c - lo)),\"m\":$m}"
		log "$cand $c volumes rep $r (delete): $m"
	done
	op_teardown
}

cands=""
if [ -n "${BENCH_PROJECT_MISSING:-}" ]; then
	unavailable $S podvol "$BENCH_PROJECT_MISSING"
elif ! modprobe podvol 2>"$BENCH_WORK/podvol.err"; then
	unavailable $S podvol "modprobe podvol failed: $(cat "$BENCH_WORK/podvol.err")"
else
	cands=podvol
fi
if command -v lvm >/dev/null && modprobe dm_mod 2>/dev/null; then
	cands="$cands lvm"
else
	unavailable $S lvm "lvm2 or dm_mod missing"
fi
members_up || { unavailable $S podvol "loop members could not be set up"; exit 0; }
trap 'for cand in $cands; do op_teardown >/dev/null 2>&1; done; members_down' EXIT
emit "{\"type\":\"scale_meta\",\"suite\":\"$S\",\"volumes\":\"$BENCH_SCALE_VOLS\",\"lvm_volumes\":\"$BENCH_SCALE_LVM_VOLS\",\"volume_mb\":$BENCH_SCALE_VOL_MB}"

# scale_rep REP: one repetition over the candidates.
scale_rep() {
	# shellcheck disable=SC2086
	for c in $(rotate $(($1 - 1)) $cands); do
		if [ "$c" = lvm ]; then run lvm "$1" "$BENCH_SCALE_LVM_VOLS"
		else run "$c" "$1" "$BENCH_SCALE_VOLS"; fi
	done
}

for_reps "$S" scale_rep
exit 0
