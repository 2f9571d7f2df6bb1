#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol after real power cuts.  The host boots a guest with three disk
# images that outlive it; the guest runs a create / resize / delete loop on
# a pool of those disks, writing every volume whole (O_DIRECT, fdatasync)
# and noting each operation once it returned, and the host kills QEMU
# (SIGKILL) at a random moment after at least three operations of that
# boot.  The next boot checks the disks offline, re-assembles the pool from
# the same images and checks that it holds every operation reported done,
# plus at most the one in flight, and that every volume reads back whole
# with the checksums of what was written to it; then it runs the loop again
# and is cut in turn.
#
# What this proves and what it does not: the disks are cache=unsafe files
# on the host and the host does not crash, so every write QEMU completed
# survives the cut, flushed or not, and only the requests in flight are
# lost.  No QEMU cache mode does better (none and directsync write through
# to the host, writeback and unsafe leave the data in the host's page cache,
# which outlives QEMU), so this cannot catch a missing flush or FUA: that
# is podvol_crash.sh's crash model.  This test is the end-to-end part: a
# real guest killed in the middle of any operation, and a fresh boot that
# checks, assembles and reads back every volume.
#
# It runs on the host (it drives the guests): make check calls it as
#   selftests/podvol_powercut.sh --kernel stock|trixie|debug [--no-build]
# vm-host: yes
# vm-timeout: 1500
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/selftests/podvol_powercut.sh
minops=3	# operations a boot completes before its power may go

# ---------------------------------------------------------------- guest --
# Everything the host must see survives in the share, /run/podkit:
#   done      the operations reported done, one per line, appended after
#             each returns (the share is not cached: the line is on the
#             host once echo returns)
#   inflight  the operation started last
#   next      the next volume number
#   ops       the operations this boot completed
guest() {
	local mode=$1 sh=/run/podkit pv=podvolctl
	res() { echo "@@ $*"; }
	diag() { sed 's/^/# /'; }

	modprobe podvol || { res fail "modprobe podvol"; return 1; }
	# The images, in the host's order, by their serial numbers.
	local disks=() d
	for i in 0 1 2; do
		for d in /sys/block/vd*; do
			[ "$(cat "$d/serial" 2>/dev/null)" = "podkit-disk$i" ] &&
				disks+=("/dev/${d##*/}")
		done
	done
	[ ${#disks[@]} = 3 ] || { res fail "three disks found (${disks[*]})"; return 1; }

	# Volumes found: "name size_in_MiB" lines, sorted.
	actual() {
		for d in /sys/block/podvol*; do
			[ -e "$d" ] || continue
			echo "$(cat "$d/podvol/name") $(($(cat "$d/podvol/size") >> 20))"
		done | sort
	}
	expected() {	# expected FILE
		awk '$1 == "create" { s[$2] = 4 } $1 == "resize" { s[$2] = 8 }
		     $1 == "delete" { delete s[$2] }
		     END { for (v in s) print v, s[v] }' "$1" | sort
	}
	devof() {	# devof NAME: /dev/podvolN of volume NAME
		for d in /sys/block/podvol*; do
			[ "$(cat "$d/podvol/name" 2>/dev/null)" = "$1" ] &&
				{ echo "/dev/${d##*/}"; return 0; }
		done
		return 1
	}

	fill() {	# fill NAME OFFSET_MIB: write 4 MiB of NAME, note its sum in done
		local dev sum
		dev=$(devof "$1") || { res fail "$1 has a device"; return 1; }
		echo "data $1 $2" >$sh/inflight
		head -c 4M /dev/urandom >/tmp/blk
		sum=$(sha256sum </tmp/blk | cut -c1-64)
		if ! dd if=/tmp/blk of="$dev" bs=1M seek="$2" oflag=direct conv=fdatasync,notrunc 2>/tmp/dd; then
			res fail "data write to $1 at $2 MiB"; diag </tmp/dd
			return 1
		fi
		echo "data $1 $2 4 $sum" >>$sh/done
		did
	}
	did() {	# one more operation of this boot completed
		ops=$((ops + 1))
		echo $ops >$sh/ops
	}

	if [ "$mode" = create ]; then
		: >$sh/done
		echo 0 >$sh/next
		if $pv pool create c --chunk 16K "${disks[@]}" >/tmp/out 2>&1; then
			res ok "pool created on blank disks"
		else
			res fail "pool created on blank disks"; diag </tmp/out; return 1
		fi
	else
		# The offline check first: the newest generation must be valid.
		if $pv check "${disks[@]}" >/tmp/out 2>&1; then
			res ok "podvolctl check after the cut"
		else
			res fail "podvolctl check after the cut"; diag </tmp/out
		fi
		local ok=1 op v off
		for d in "${disks[@]}"; do $pv pool add "$d" >>/tmp/add 2>&1 || ok=0; done
		if [ $ok = 1 ]; then
			res ok "pool re-assembled after the cut"
		else
			res fail "pool re-assembled after the cut"; diag </tmp/add; return 1
		fi
		actual >/tmp/act
		expected $sh/done >/tmp/exp
		cp $sh/done /tmp/try
		cat $sh/inflight >>/tmp/try 2>/dev/null
		expected /tmp/try >/tmp/exp2
		if cmp -s /tmp/act /tmp/exp; then
			res ok "state holds every operation reported done ($(wc -l <$sh/done) ops)"
		elif cmp -s /tmp/act /tmp/exp2; then
			res ok "state holds every operation reported done, and the one in flight ($(cat $sh/inflight))"
			cat $sh/inflight >>$sh/done
		else
			res fail "state holds every operation reported done"
			{ echo "found:"; cat /tmp/act; echo "reported done:"; cat /tmp/exp
			  echo "in flight: $(cat $sh/inflight 2>/dev/null)"; } | diag
			return 1
		fi
		# The 4 MiB that the operation in flight wrote or was to write
		# next (a volume created or grown, not yet written) may hold
		# anything: noted as "-".
		op="" v="" off=""
		read -r op v off <$sh/inflight
		case $op in create) off=0 ;; resize) off=4 ;; data) ;; *) op="" ;; esac
		[ -z "$op" ] || grep -q "^data $v $off " $sh/done ||
			echo "data $v $off 4 -" >>$sh/done
		# Whole volumes: each was written whole, its first 4 MiB after it
		# was created and its second after it grew, and each write noted
		# in done as "data NAME OFFSET_MIB MIB SHA256" once it returned.
		# Every volume found must be covered by such writes and read back
		# with their sums.
		local bad="" dev size len sum got cover
		while read -r v size; do
			dev=$(devof "$v") || { bad="$bad $v:nodev"; continue; }
			cover=0
			awk -v v="$v" -v s="$size" '$1 == "data" && $2 == v && $3 < s { print $3, $4, $5 }' \
				$sh/done >/tmp/sums
			while read -r off len sum; do
				got=$(dd if="$dev" bs=1M skip="$off" count="$len" iflag=direct 2>/dev/null |
					sha256sum | cut -c1-64)
				[ "$sum" = - ] || [ "$got" = "$sum" ] || bad="$bad $v@${off}M"
				cover=$((cover + len))
			done </tmp/sums
			[ $cover = "$size" ] || bad="$bad $v:${cover}of${size}M"
		done </tmp/act
		if [ -z "$bad" ]; then
			res ok "every volume reads back whole with the checksums written ($(grep -c '^data ' $sh/done) writes)"
		else
			res fail "every volume reads back whole with the checksums written:$bad"
		fi
	fi
	[ "$mode" = last ] && {
		if $pv pool stop c >/tmp/out 2>&1 && rmmod podvol; then
			res ok "pool stop and module unload"
		else
			res fail "pool stop and module unload"; diag </tmp/out
		fi
		return 0
	}

	# The loop, until the power goes: op k creates v$k (4M) and writes it
	# whole, grows v$((k-1)) to 8M and writes its new half, and deletes
	# v$((k-2)), where those exist.  The power may go once this boot
	# completed $minops operations.
	local k ops=0
	k=$(cat $sh/next)
	echo 0 >$sh/ops
	while [ "$k" -lt 400 ]; do
		echo $((k + 1)) >$sh/next
		echo "create v$k" >$sh/inflight
		$pv volume create "c/v$k" 4M >/dev/null 2>&1 || break
		echo "create v$k" >>$sh/done
		did
		fill "v$k" 0 || return 1
		if grep -q "^create v$((k - 1))\$" $sh/done; then
			echo "resize v$((k - 1))" >$sh/inflight
			$pv volume resize c/v$((k - 1)) 8M >/dev/null 2>&1 || break
			echo "resize v$((k - 1))" >>$sh/done
			did
			fill v$((k - 1)) 4 || return 1
		fi
		if grep -q "^create v$((k - 2))\$" $sh/done; then
			echo "delete v$((k - 2))" >$sh/inflight
			$pv volume delete c/v$((k - 2)) >/dev/null 2>&1 || break
			echo "delete v$((k - 2))" >>$sh/done
			did
		fi
		[ $ops -ge $minops ] && touch $sh/armed
		k=$((k + 1))
	done
	res fail "the loop ran to its end or failed at op $k: not cut"
	return 1
}

if [ "${1:-}" = --guest ]; then
	guest "$2"
	exit $?
fi

# ----------------------------------------------------------------- host --
kernel=stock build=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--no-build) build=(--no-build); shift ;;
	*) echo "usage: $0 [--kernel stock|trixie|debug] [--no-build]" >&2; exit 2 ;;
	esac
done
# Six power cuts; three on the debug kernel, whose boots take four times
# as long under TCG.
if [ "$kernel" = debug ]; then rounds=${PODVOL_POWERCUT_ROUNDS:-2}
else rounds=${PODVOL_POWERCUT_ROUNDS:-5}; fi
work=$(mktemp -d /var/tmp/podvol-powercut.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/share"
truncate -s 64M "$work/m0.img" "$work/m1.img" "$work/m2.img"

echo "KTAP version 1"
n=0 fail=0
boot() {	# boot MODE POWERCUT_SECONDS|"" DESCRIPTION
	local cut=() out=$work/out rc
	[ -n "$2" ] && cut=(--powercut "$2")
	"$top/selftests/vm/run-test" --kernel "$kernel" "${build[@]+"${build[@]}"}" \
		--name "podvol_powercut-$kernel" --timeout 600 --share "$work/share" \
		--drive "$work/m0.img" --drive "$work/m1.img" --drive "$work/m2.img" \
		"${cut[@]+"${cut[@]}"}" -- bash "$self" --guest "$1" >"$out" 2>&1
	rc=$?
	build=(--no-build)
	local line
	while IFS= read -r line; do
		case "$line" in
		"@@ ok "*) n=$((n + 1)); echo "ok $n - $tag${line#@@ ok }" ;;
		"@@ fail "*) n=$((n + 1)); echo "not ok $n - $tag${line#@@ fail }"; fail=1 ;;
		"# "*) echo "$line" ;;
		esac
	done <"$out"
	if [ -n "$2" ] && [ ! -f "$work/share/powercut" ] && [ $rc = 0 ]; then
		rc=1
	fi
	if [ -n "$2" ] && [ -f "$work/share/powercut" ]; then
		local ops
		ops=$(cat "$work/share/ops" 2>/dev/null || echo 0)
		n=$((n + 1))
		if [ "$ops" -ge $minops ]; then
			echo "ok $n - $tag$ops operations completed before the cut (at least $minops)"
		else
			echo "not ok $n - $tag$ops operations completed before the cut (at least $minops)"
			fail=1
		fi
	fi
	n=$((n + 1))
	if [ $rc = 0 ]; then
		echo "ok $n - $tag$3"
	else
		echo "not ok $n - $tag$3"
		grep -E '^run-vm:|^#' "$out" | head -20 | sed 's/^/# /'
		fail=1
	fi
	return $rc
}

rand() {	# rand MIN MAX: a random number of seconds, two decimals
	awk -v a="$1" -v b="$2" -v s="$(od -An -N2 -tu2 /dev/urandom)" \
		'BEGIN { srand(s); printf "%.2f", a + rand() * (b - a) }'
}

tag="boot 0: "
boot create "$(rand 2 10)" "guest powered off during the loop" || { echo "1..$n"; exit 1; }
echo "# $(wc -l <"$work/share/done") ops reported done before the cut"
for r in $(seq 1 "$rounds"); do
	tag="boot $r: "
	boot run "$(rand 1 10)" "guest powered off during the loop" || break
	echo "# $(wc -l <"$work/share/done") ops reported done in all before the cut"
done
tag="last boot: "
boot last "" "guest finished, no kernel problem" || true
echo "1..$n"
exit $fail
