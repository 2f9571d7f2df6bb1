#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol assembly of crafted member sets: podvol_crafted.py writes
# PODKIT_CRAFTED sets (default 10, about 12 s a set on the stock
# kernel and 15 s on debug under TCG; seed PODKIT_CRAFTED_SEED, default 1)
# of member disks, each a consistent pool of 1 to 4 members with two
# generations on disk and then damaged in one way (torn, mixed or
# misplaced generations, wrong UUIDs at indices, member counts, geometry,
# other pools, checksums over plausible contents, random bytes), the first
# being the review's pair whose newest copies disagree and whose older
# copies agree on a third member.  Each set goes on loop devices and
# through the kernel's "pool add", as udev runs it.  Every add must
# succeed or be refused with a message; a pool that starts must be the
# generation expected where the set has one, and read back what is written
# over the whole of every volume; every pool must stop.  A damaged copy
# is written back into its own slot, never over the member's other copy.
# usage: podvol_crafted.sh [COUNT [SEED]] (the guest does not see the
# host's environment: arguments through run-test).  make stress runs
# 1,000 sets on the debug kernel (STRESS_CRAFTED, scripts/stress.sh):
#   selftests/vm/run-test --kernel debug --timeout 18000 \
#     selftests/podvol_crafted.sh 1000 SEED
# Every running pool's state (generation, members, chunk, member sizes,
# volumes and sizes) must be one its metadata allows: the lines of
# DIR/NNNN/allowed that podvol_crafted.py derives from the copies it
# wrote, decoded and checked independently of the C codec.
# vm-timeout: 1200
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
count=${1:-${PODKIT_CRAFTED:-10}}
seed=${2:-${PODKIT_CRAFTED_SEED:-1}}
top=/tmp/crafted
started=$(date +%s)

modprobe loop
modprobe podvol || exit 1
rm -rf $top
mkdir -p $top

# Many sets (make stress): the same sets and checks, each step straight
# to the kernel from one process (podvol_crafted.py run), without the
# dozen processes a set costs here (8 s a set on the debug kernel).
if [ "$count" -gt 20 ]; then
	python3 "$(dirname "$0")/podvol_crafted.py" run "$seed" "$count" $top 2>&1 |
		tee $top/run.out | sed -n 's/^[0-9]* sets, /# progress: &/p; s/^set /# progress: &/p'
	rc=${PIPESTATUS[0]}
	while IFS= read -r l; do
		case "$l" in
		"@@ ok "*) ok "${l#@@ ok }" ;;
		"@@ fail "*) nok "${l#@@ fail }" ;;
		*) echo "# $l" ;;
		esac
	done <$top/run.out
	grep -q '^@@ ' $top/run.out || nok "podvol_crafted.py run exited with status $rc without results"
	[ $rc = 0 ] || grep -q '^@@ fail' $top/run.out || nok "podvol_crafted.py run exited with status $rc"
	rm -rf $top
	finish
fi
check "generate $count crafted member sets (seed $seed)" \
	sh -c "python3 '$(dirname "$0")/podvol_crafted.py' $seed $count $top > $top/list"
gen_s=$(( $(date +%s) - started ))

# slotgen DEV SLOT: the generation in that slot's superblock
slotgen() { od -An -t u8 -j $((512 * 1024 * ($2 + 1) + 16)) -N 8 "$1" | tr -d ' '; }

bad_add="" bad_geom="" bad_run="" bad_refuse="" bad_repair="" bad_io="" bad_stop=""
f2=1 f2msg=""
ngeom=0 nrun=0 nref=0 nrep=0 nio=0 nsets=0 nstarted=0
# usec T0 T1: microseconds between two $EPOCHREALTIME readings
usec() { echo $(( ${2/./} - ${1/./} )); }
ms_add=0 ms_io=0 ms_stop=0
# iovol DISK: write the whole volume, read it back (volumes are < 32 MiB)
dd if=/dev/urandom of=$top/pat bs=1M count=32 2>/dev/null
iovol() {
	local sz b=4096
	sz=$(blockdev --getsize64 /dev/$1) || return 1
	while [ $((sz % (b * 2))) = 0 ] && [ $b -lt 1048576 ]; do b=$((b * 2)); done
	dd if=$top/pat of=/dev/$1 bs=$b count=$((sz / b)) oflag=direct 2>/dev/null &&
	cmp -n "$sz" $top/pat /dev/$1 >/dev/null
}
while read -r id nm kind expect repair; do
	nsets=$((nsets + 1))
	t_set=$EPOCHREALTIME
	loops=()
	for ((i = 0; i < nm; i++)); do
		loops[i]=$(losetup -f --show $top/$id/m$i)
	done
	for ((i = 0; i < nm; i++)); do
		out=$($pv pool add "${loops[i]}" 2>&1)
		rc=$?
		if [ $rc != 0 ] && ! refused $rc "$out"; then
			bad_add="$bad_add $id/m$i:rc=$rc:$out"
		fi
		[ "$id" = 0000 ] && [ $rc != 0 ] && f2msg=$out
	done
	pools=$($pv -j pool show 2>/dev/null)
	running=$(printf '%s' "$pools" | jq -r '.[] | select(.state == "running") | .name')
	gen=$(printf '%s' "$pools" | jq -r '.[] | select(.state == "running") | .generation')
	[ -n "$running" ] && nstarted=$((nstarted + 1))
	case $expect in
	run:*)
		nrun=$((nrun + 1))
		[ -n "$running" ] && [ "$gen" = "${expect#run:}" ] ||
			bad_run="$bad_run $id($kind:${gen:-not running})"
		;;
	refuse)
		nref=$((nref + 1))
		[ -z "$running" ] || bad_refuse="$bad_refuse $id($kind)"
		;;
	esac
	# each running pool's state must be one its metadata allows
	for rp in $running; do
		sig="$(printf '%s' "$pools" | jq -r --arg p "$rp" '.[] | select(.name == $p) |
			"\(.uuid) \(.generation) \(.nr_members) \(.chunk_size) \([.members[].size | tostring] | join(",")) \(.nr_present)"')"
		vols=$($pv -j volume list "$rp" 2>/dev/null |
			jq -r '[.[] | "\(.name):\(.size)"] | sort | join(",") | if . == "" then "-" else . end')
		present=${sig##* }
		sig="${sig% *} $vols"
		read -r _ _ nmem _ <<< "$sig"
		if ! grep -qxF "$sig" "$top/$id/allowed" || [ "$present" != "$nmem" ]; then
			bad_geom="$bad_geom $id($kind: $sig, $present present; allowed: $(paste -sd'|' "$top/$id/allowed"))"
		fi
		ngeom=$((ngeom + 1))
	done
	if [ "$id" = 0000 ]; then
		[ -z "$running" ] && [ -n "$f2msg" ] && f2=0
	fi
	t_io=$EPOCHREALTIME
	[ -n "$running" ] && nio=$((nio + 1))
	for rp in $running; do
		for v in $($pv -j volume list "$rp" | jq -r '.[].disk'); do
			iovol "$v" || bad_io="$bad_io $id/$v($kind)"
		done
	done
	t_stop=$EPOCHREALTIME
	for p in $(printf '%s' "$pools" | jq -r '.[].name'); do
		out=$($pv pool stop "$p" 2>&1) || bad_stop="$bad_stop $id($p:$out)"
	done
	if [ "$repair" != - ] && [ -n "$running" ]; then
		nrep=$((nrep + 1))
		IFS=: read -r ri rg rs <<< "$repair"
		g0=$(slotgen "${loops[ri]}" $((rg & 1)))
		g1=$(slotgen "${loops[ri]}" $(((rg + 1) & 1)))
		[ "$g0" = "$rg" ] && [ "$g1" = "$rs" ] ||
			bad_repair="$bad_repair $id(member $ri: slot $((rg & 1)) has $g0, want $rg; slot $(((rg + 1) & 1)) has $g1, want $rs)"
	fi
	for l in "${loops[@]}"; do losetup -d "$l"; done
	rm -rf "${top:?}/$id"
	t_end=$EPOCHREALTIME
	ms_add=$((ms_add + $(usec "$t_set" "$t_io") / 1000))
	ms_io=$((ms_io + $(usec "$t_io" "$t_stop") / 1000))
	ms_stop=$((ms_stop + $(usec "$t_stop" "$t_end") / 1000))
done < $top/list

report $f2 "finding 2's pair (newest copies disagree, older ones name a third member) is refused, not assembled" "${f2msg:-pool started or no message}"
report "$([ -z "$bad_add" ]; echo $?)" "every pool add of $nsets sets succeeded or was refused with a message" "$bad_add"
report "$([ -z "$bad_geom" ]; echo $?)" "$ngeom started pools have a generation, members, geometry and volumes their metadata allows" "$bad_geom"
report "$([ -z "$bad_run" ]; echo $?)" "$nrun sets with a consistent generation assembled at it" "$bad_run"
report "$([ -z "$bad_refuse" ]; echo $?)" "$nref sets without one were not started" "$bad_refuse"
report "$([ -z "$bad_repair" ]; echo $?)" "$nrep damaged copies written back into their own slot, the member's other copy kept" "$bad_repair"
report "$([ -z "$bad_io" ]; echo $?)" "$nio started pools read back what was written over every volume" "$bad_io"
report "$([ -z "$bad_stop" ]; echo $?)" "every pool stopped" "$bad_stop"
t "no pool left" test -z "$($pv -j pool show | jq -r '.[].name')"
diag "$nsets sets, $nstarted started, in $(( $(date +%s) - started ))s (generation $gen_s s; loop setup, pool add and checks $((ms_add / 1000)) s, volume I/O $((ms_io / 1000)) s, stop and cleanup $((ms_stop / 1000)) s)"
finish
