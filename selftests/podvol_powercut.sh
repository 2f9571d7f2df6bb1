#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol crash consistency with real power cuts.  The host boots a guest
# with three disk images that outlive it; the guest runs a create / resize /
# delete loop on a pool of those disks, and the host kills QEMU (SIGKILL)
# at a random moment.  The next boot re-assembles the pool from the same
# images and checks that it holds every operation reported done, plus at
# most the one in flight, and that the data written to each volume is still
# there; then it runs the loop again and is cut in turn.
#
# It runs on the host (it drives the guests): make check calls it as
#   selftests/podvol_powercut.sh --kernel stock|trixie|debug [--no-build]
# vm-host: yes
# vm-timeout: 1500
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/selftests/podvol_powercut.sh

# ---------------------------------------------------------------- guest --
# Everything the host must see survives in the share, /run/podkit:
#   done      the operations reported done, one per line, appended after
#             each returns (the share is not cached: the line is on the
#             host once echo returns)
#   inflight  the operation started last
#   next      the next volume number
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
		local ok=1
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
		# Each volume's first block holds a line with its own name, written
		# (O_DIRECT, synced) right after it was created and reported in
		# done as "signed".
		local bad="" v dev
		for v in $(awk '$1 == "signed" { print $2 }' $sh/done); do
			grep -q "^$v " /tmp/act || continue
			dev=$(devof "$v") || { bad="$bad $v:nodev"; continue; }
			[ "$(dd if="$dev" bs=4096 count=1 iflag=direct 2>/dev/null | head -n 1)" = "podvol-powercut $v" ] ||
				bad="$bad $v"
		done
		if [ -z "$bad" ]; then
			res ok "data of every volume intact"
		else
			res fail "data of every volume intact:$bad"
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

	# The loop, until the power goes: op k creates v$k (4M) and signs it,
	# grows v$((k-1)) to 8M and deletes v$((k-2)), where those exist.
	local k
	k=$(cat $sh/next)
	touch $sh/armed
	while [ "$k" -lt 400 ]; do
		echo $((k + 1)) >$sh/next
		echo "create v$k" >$sh/inflight
		$pv volume create c/v$k 4M >/dev/null 2>&1 || break
		echo "create v$k" >>$sh/done
		printf 'podvol-powercut v%s\n' "$k" |
			dd of="$(devof v$k)" bs=4096 conv=sync oflag=direct,sync 2>/dev/null &&
			echo "signed v$k" >>$sh/done
		if grep -q "^create v$((k - 1))\$" $sh/done; then
			echo "resize v$((k - 1))" >$sh/inflight
			$pv volume resize c/v$((k - 1)) 8M >/dev/null 2>&1 || break
			echo "resize v$((k - 1))" >>$sh/done
		fi
		if grep -q "^create v$((k - 2))\$" $sh/done; then
			echo "delete v$((k - 2))" >$sh/inflight
			$pv volume delete c/v$((k - 2)) >/dev/null 2>&1 || break
			echo "delete v$((k - 2))" >>$sh/done
		fi
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
if [ $kernel = debug ]; then rounds=${PODVOL_POWERCUT_ROUNDS:-2}
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
