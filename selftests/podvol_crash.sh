#!/bin/sh
# podvol crash consistency, simulated in one guest: a pool of three loop
# members, each under a dm-linear device, runs a create/delete/resize loop;
# at a random moment every member is frozen (dm suspend, one after the
# other; podvol writes the members one at a time, so this is a power cut
# at one instant) and then switched to the error target.  The pool is
# stopped and re-assembled from the loop devices underneath: it must start,
# and its volume list must hold every operation that was reported done,
# plus at most the one that was in flight.
# vm-timeout: 400
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
rounds=${PODVOL_CRASH_ROUNDS:-6}

modprobe loop
modprobe dm-mod 2>/dev/null
modprobe podvol || exit 1
mkdir -p /tmp/d
truncate -s 40M /tmp/d/m0 /tmp/d/m1 /tmp/d/m2
L0=$(losetup -f --show /tmp/d/m0)
L1=$(losetup -f --show /tmp/d/m1)
L2=$(losetup -f --show /tmp/d/m2)
sz=$(blockdev --getsz $L0)
loopdev() { eval echo \$L$1; }

# The loop: op k creates v$k (4M), grows v$((k-1)) to 8M, deletes v$((k-2)).
# Every op reported done is appended to /tmp/done before the next starts.
worker() {
	local k=0
	while :; do
		$pv volume create c/v$k 4M >/dev/null 2>&1 || break
		echo "create v$k" >>/tmp/done
		if [ $k -ge 1 ]; then
			$pv volume resize c/v$((k - 1)) 8M >/dev/null 2>&1 || break
			echo "resize v$((k - 1))" >>/tmp/done
		fi
		if [ $k -ge 2 ]; then
			$pv volume delete c/v$((k - 2)) >/dev/null 2>&1 || break
			echo "delete v$((k - 2))" >>/tmp/done
		fi
		k=$((k + 1))
	done
}

# Expected volumes after the ops in /tmp/done; "name size" lines, sorted.
expected() {
	awk '$1 == "create" { s[$2] = 4 } $1 == "resize" { s[$2] = 8 }
	     $1 == "delete" { delete s[$2] }
	     END { for (v in s) print v, s[v] }' /tmp/done | sort
}

actual() {
	for d in /sys/block/podvol*; do
		[ -e "$d" ] || continue
		echo "$(cat $d/podvol/name) $(($(cat $d/podvol/size) >> 20))"
	done | sort
}

# The state found must be the reported ops, or those plus the next op.
consistent() {
	local next
	actual >/tmp/act
	expected >/tmp/exp
	cmp -s /tmp/act /tmp/exp && return 0
	next=$(awk 'END { print $1, $2 }' /tmp/done)
	echo "# found:"; sed 's/^/#   /' /tmp/act
	echo "# reported done:"; sed 's/^/#   /' /tmp/exp
	echo "# last op reported: $next"
	# the one op that may have been in flight: the next in the cycle
	local op k
	set -- $next none v0
	k=${2#v}
	case "$1" in
	create) if [ "$k" -ge 1 ]; then op="resize v$((k - 1))"; else op="create v1"; fi ;;
	resize) k=$((k + 1))
		if [ $k -ge 2 ]; then op="delete v$((k - 2))"; else op="create v$((k + 1))"; fi ;;
	delete) op="create v$((k + 3))" ;;
	*) op="create v0" ;;
	esac
	cp /tmp/done /tmp/done.try
	echo "$op" >>/tmp/done.try
	awk '$1 == "create" { s[$2] = 4 } $1 == "resize" { s[$2] = 8 }
	     $1 == "delete" { delete s[$2] }
	     END { for (v in s) print v, s[v] }' /tmp/done.try | sort >/tmp/exp2
	if cmp -s /tmp/act /tmp/exp2; then
		echo "# matches with the op in flight: $op"
		return 0
	fi
	return 1
}

for r in $(seq 1 $rounds); do
	for i in 0 1 2; do
		dmsetup create pvc$i --table "0 $sz linear $(loopdev $i) 0" && dmsetup mknodes pvc$i
	done
	if ! $pv pool create c --force --chunk 16K /dev/mapper/pvc0 /dev/mapper/pvc1 /dev/mapper/pvc2 >/tmp/out 2>&1; then
		nok "round $r: pool create"; sed 's/^/# /' /tmp/out
		break
	fi
	: >/tmp/done
	worker &
	wpid=$!
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 2.5 }')"
	# power cut: freeze all members, then make them fail
	for i in 0 1 2; do dmsetup suspend --nolockfs --noflush pvc$i; done
	for i in 0 1 2; do dmsetup load pvc$i --table "0 $sz error"; done
	for i in 0 1 2; do dmsetup resume pvc$i; done
	wait $wpid
	echo "# round $r: $(wc -l </tmp/done) ops reported done"
	$pv pool stop c >/tmp/out 2>&1 || { nok "round $r: pool stop after the cut"; sed 's/^/# /' /tmp/out; }
	for i in 0 1 2; do dmsetup remove pvc$i; done
	ok=1
	for i in 0 1 2; do $pv pool add $(loopdev $i) >/tmp/out 2>&1 || ok=0; done
	if [ $ok = 0 ]; then
		nok "round $r: re-assembly"; sed 's/^/# /' /tmp/out
		$pv pool stop c >/dev/null 2>&1
		continue
	fi
	check "round $r: state holds every operation reported done" consistent
	check "round $r: pool stop" $pv pool stop c
done
losetup -d $L0 $L1 $L2
check "module unload" rmmod podvol
finish
