#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Growing a running pool (issue 13 item 4): pool extend adds a blank disk
# (a virtio disk: it gets the podvol GPT) to a pool of two members with
# volumes holding checksummed data; the data reads back, existing volumes
# keep their width and a new volume is striped over the new member too; the
# pool re-assembles by pool add with the old members first and with the new
# one first; podvolctl check accepts it.  Refusals (no CAP_SYS_ADMIN, disk
# in use, too small, already a member, unknown pool, the 32-member limit,
# dry run) change nothing.  A cut in the middle of the commit (the second
# old member's writes fail, by dm-error, after the new member and the first
# old member were written) leaves a pool that assembles without the new
# disk in either incremental order, then takes it with --force.
# vm-disks: 2x64M
# vm-timeout: 300
# vm-kernels: stock
set -u

. "$(dirname "$0")/podvol_lib.sh"
tmp=$(mktemp -d)
loops=""
pv=podvolctl
D=/dev/vda E=/dev/vdb

cleanup_dm() { dmsetup remove -f m0 m1 2>/dev/null; }
trap 'cleanup; cleanup_dm' EXIT

loop() { # loop FILE MiB: a loop device on a new sparse file
	truncate -s "$2M" "$1" && losetup -f --show "$1"
}
voldev() { # voldev POOL/NAME: the volume's disk name (builtins: TCG is slow)
	local d p v
	for d in /sys/block/podvol*; do
		read -r p <"$d/podvol/pool" && read -r v <"$d/podvol/name" &&
			[ "$p/$v" = "$1" ] && echo "${d##*/}"
	done
}
sums() { # sums: the CRC of every volume, as POOL/NAME=CRC words
	local v d
	for v in grow/a grow/b grow/c; do
		d=$(voldev $v)
		[ -n "$d" ] && printf '%s=%s ' "$v" "$(cksum <"/dev/$d" | cut -d' ' -f1)"
	done
}
# the pool as JSON, less the dirty bytes background zeroing changes
pooljs() { $pv -j pool show grow 2>&1 | jq -c 'map(del(.dirty))'; }
same() { # same DESC BEFORE: pool show -j is still BEFORE
	local now
	now=$(pooljs)
	[ "$now" = "$2" ]
	report $? "$1" "before: $2
now: $now"
}
only() { # only CAP CMD...: CMD with that one capability left
	local c=$1
	shift
	setpriv --inh-caps=-all,+"$c" --ambient-caps=-all,+"$c" \
		--bounding-set=-all,+"$c" "$@"
}
members() { pooljs | jq -r '.[0].nr_members'; }
state_is() { # state_is N SUMS: the pool has N members and the volumes SUMS
	local n s
	n=$(members) s=$(sums)
	[ "$n" = "$1" ] && [ "$s" = "$2" ] ||
		{ echo "members $n, sums $s, want $1, $2"; return 1; }
}
width() { local w; read -r w <"/sys/block/$(voldev "$1")/podvol/stripe_width"; echo "$w"; }
readd() { # readd DISK...: stop the pool, pool add each DISK in turn
	$pv pool stop grow || return 1
	for d in "$@"; do $pv pool add "$d" || return 1; done
	[ "$(pooljs | jq -r '.[0].state')" = running ]
}
swap_table() { # swap_table NAME error|BACKING: dm-error, or linear over BACKING
	local sz tab
	sz=$(blockdev --getsz "/dev/mapper/$1")
	if [ "$2" = error ]; then
		tab="0 $sz error"
	else
		tab="0 $sz linear $2 0"
	fi
	dmsetup suspend "$1" && dmsetup load "$1" --table "$tab" && dmsetup resume "$1"
}

t "modprobe podvol, loop, dm-mod" sh -c 'modprobe podvol && modprobe loop && modprobe dm-mod'
L0=$(loop "$tmp/f0" 48) && loops="$loops $L0"
L1=$(loop "$tmp/f1" 48) && loops="$loops $L1"
check "two dm-linear old members over loop devices" sh -c "
	dmsetup create m0 --table '0 $((48 << 11)) linear $L0 0' &&
	dmsetup create m1 --table '0 $((48 << 11)) linear $L1 0' &&
	dmsetup mknodes m0 && dmsetup mknodes m1"	# no udev in the guest
M0=/dev/mapper/m0 M1=/dev/mapper/m1
check "pool create grow on the two" $pv pool create grow --chunk 64K $M0 $M1
check "volume create a 8M, b 4M" sh -c "$pv volume create grow/a 8M && $pv volume create grow/b 4M"
head -c 8M /dev/urandom >"$tmp/rnd"
check "fill a and b with random data" sh -c "
	dd if=$tmp/rnd of=/dev/$(voldev grow/a) bs=1M oflag=direct status=none &&
	dd if=$tmp/rnd of=/dev/$(voldev grow/b) bs=1M skip=4 oflag=direct status=none"
S0=$(sums)
echo "# crc: $S0"
G0=$(pooljs)
free0=$(pooljs | jq '.[0].free')

# --- refusals: nothing changes ----------------------------------------------------
T=$(loop "$tmp/tiny" 2) && loops="$loops $T"
head -c 2M /dev/urandom >"$tmp/tiny"
tinysum=$(sha256sum <"$T")
o=$(only net_admin $pv pool extend grow $D 2>&1)
refused $? "$o" && case $o in *CAP_SYS_ADMIN*) true ;; *) false ;; esac
report $? "extend refused without CAP_SYS_ADMIN" "$o"
tf "extend with a disk held by device-mapper refused" $pv pool extend grow "$L0"
tf "extend with a member of the pool refused" $pv pool extend grow $M0
tf "extend with a too small disk refused" $pv pool extend grow "$T"
t "the too small disk is unchanged" test "$(sha256sum <"$T")" = "$tinysum"
tf "extend of an unknown pool refused" $pv pool extend nosuch $D
tf "extend without a disk is a usage error" $pv pool extend grow
t "dry run says it would succeed" $pv pool extend grow $D --dry-run
t "dry run wrote nothing: $D is blank" sh -c "! blkid -p $D >/dev/null 2>&1"
same "the pool is unchanged after the refusals and the dry run" "$G0"

# --- extend -------------------------------------------------------------------------
check "pool extend grow $D" $pv pool extend grow $D
jqt "3 members, 3 present, the generation one up, more free space" \
	".[0].nr_members == 3 and .[0].nr_present == 3 and .[0].generation == $(echo "$G0" | jq '.[0].generation') + 1 and .[0].free > $free0" \
	$pv -j pool show grow
t "$D got the podvol GPT" sh -c "blkid -p -o value -s PTTYPE $D | grep -qx gpt"
t "the data reads back" test "$(sums)" = "$S0"
t "volume a keeps its width 2" test "$(width grow/a)" = 2
check "volume create c 6M" $pv volume create grow/c 6M
t "c is striped over all 3 members, the new one too" test "$(width grow/c)" = 3
check "fill c" dd if="$tmp/rnd" of="/dev/$(voldev grow/c)" bs=1M skip=2 oflag=direct status=none
check "grow b to 12M" $pv volume resize grow/b 12M
S1=$(sums)
tf "extend with the same disk again refused" $pv pool extend grow $D
check "podvolctl check of the three members" $pv check $M0 $M1 $D

# --- re-assembly, both incremental orders -------------------------------------------
check "stop, add old members first" readd $M0 $M1 $D
check "3 members, data back" state_is 3 "$S1"
check "stop, add the new member first" readd $D $M1 $M0
check "3 members, data back" state_is 3 "$S1"

# --- the member limit -----------------------------------------------------------------
# 33 loop devices without partition scanning (members as they are), made
# by one process: under TCG a losetup each would take half a minute
python3 -c '
import os, sys
sys.path.insert(0, sys.argv[1])
from podvol_crafted import loop_attach
for i in range(33):
    f = "%s/m%d" % (sys.argv[2], i)
    with open(f, "wb") as fh:
        fh.truncate(3 << 20)
    print(loop_attach(f))' "$(dirname "$0")" "$tmp" >"$tmp/many" 2>&1
check "33 small loop devices" grep -c "^/dev/loop" "$tmp/many"
t "... all 33 of them" test "$(grep -c "^/dev/loop" "$tmp/many")" = 33
many=$(head -32 "$tmp/many")	# left attached: the guest powers off
X=$(tail -1 "$tmp/many")
# shellcheck disable=SC2086 # the member list
check "pool create full with 32 members" $pv pool create full --chunk 4K $many
fulljs() { $pv -j pool show full 2>&1 | jq -c 'map(del(.dirty))'; }
G1=$(fulljs)
tf "extend beyond 32 members refused" $pv pool extend full "$X"
t "pool full unchanged" test "$(fulljs)" = "$G1"
check "pool stop full" $pv pool stop full

# --- a cut in the middle of the commit ------------------------------------------------
G2=$(pooljs)
check "member 1 fails its writes (dm-error)" swap_table m1 error
tf "extend with $E fails at member 1" $pv pool extend grow $E
jqt "the pool is read-only (failed)" '.[0].state == "failed" and .[0].nr_members == 3' \
	$pv -j pool show grow
check "member 1 works again" swap_table m1 "$L1"
check "stop, add old members first, the cut disk last" readd $M0 $M1 $D $E
check "assembled without $E: 3 members, data back" state_is 3 "$S1"
jqt "the generation from before the cut" \
	".[0].generation == $(echo "$G2" | jq '.[0].generation')" echo "$(pooljs)"
has "podvolctl check notes the member left over" "did not complete" \
	$pv check $M0 $M1 $D $E
tf "pool add of the left-over disk refused" $pv pool add $E
check "stop, add the cut disk first" readd $E $D $M1 $M0
check "assembled without $E again: 3 members, data back" state_is 3 "$S1"
tf "extend with the left-over disk refused without --force" $pv pool extend grow $E
check "extend with it, --force" $pv pool extend grow $E --force
check "4 members, data back" state_is 4 "$S1"
check "pool stop grow" $pv pool stop grow
finish
