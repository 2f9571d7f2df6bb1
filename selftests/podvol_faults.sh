#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podvol under injected faults (the debug kernel's FAIL_MAKE_REQUEST and
# FAILSLAB).  fail_make_request on a loop member: data I/O to it fails with
# an error, a metadata update fails cleanly and leaves the configuration
# read-only, a pool create whose metadata write fails leaves no pool; the
# pool keeps serving I/O, and after reassembly works fully again.
# failslab, systematically (/proc/thread-self/fail-nth): every slab
# allocation a volume create, grow, delete, pool create and the assembling
# pool add make is failed in turn; each failed operation must be refused
# with the state unchanged, each that succeeds anyway must be complete
# (an ENOBUFS from the socket, netlink's word for a lost ack, must leave
# one state or the other), and the pool must work afterwards; kmemleak
# then finds nothing of podvol's.
# vm-kernels: debug
# vm-timeout: 1500
# vm-mem: 2G
# shellcheck disable=SC2317 # helpers run through check and t
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl
tmp=/tmp/pvfault
D=/sys/kernel/debug

modprobe loop
modprobe podvol || exit 1
mkdir -p $tmp
[ -e $D/fail_make_request ] || mount -t debugfs none $D
t "fail_make_request and failslab are configured" test -d $D/fail_make_request -a -d $D/failslab
L=()
for i in 0 1 2 3 4; do
	truncate -s 16M $tmp/m$i
	L+=("$(losetup -f --show $tmp/m$i)")
done
voldev() { $pv -j volume list "${1%/*}" | jq -r ".[] | select(.name == \"${1#*/}\") | .disk"; }
gen() { $pv -j pool show "$1" | jq -r '.[0].generation'; }
addall() { for l in "$@"; do $pv pool add "$l" >/dev/null || return 1; done; }
pattern() {	# pattern DEV FILE MiB: random data to DEV, kept in FILE
	dd if=/dev/urandom of="$2" bs=1M count="$3" status=none &&
	dd if="$2" of="$1" bs=1M oflag=direct status=none
}
same() { cmp -n "$(stat -c %s "$2")" "$2" "$1"; }
# makefail N 0|1: bios to member N fail (fail_make_request) or not
makefail() { echo "$2" > "/sys/block/${L[$1]#/dev/}/make-it-fail"; }

# --- fail_make_request on a member --------------------------------------------
F=$D/fail_make_request
echo 100 > $F/probability; echo 1 > $F/interval; echo -1 > $F/times
echo 0 > $F/space; echo 0 > $F/verbose
check "pool create fm" $pv pool create fm --chunk 64K "${L[0]}" "${L[1]}" "${L[2]}"
check "volume create fm/v 6M" $pv volume create fm/v 6M
V=/dev/$(voldev fm/v)
check "write a pattern" pattern "$V" $tmp/pv 6
makefail 1 1
tf "a write over every member fails" dd if=/dev/zero of="$V" bs=1M count=6 oflag=direct
check "a read of member 0's chunk works" dd if="$V" of=/dev/null bs=64k count=1 iflag=direct
tf "a read of member 1's chunk fails" dd if="$V" of=/dev/null bs=64k skip=1 count=1 iflag=direct
g=$(gen fm)
# A shrink: a create might first zero dirty space on member 1 and fail
# there, before any metadata write
out=$($pv volume resize fm/v 4M 2>&1)
rc=$?
refused $rc "$out"
report $? "a volume shrink whose metadata write fails is refused" "rc=$rc: $out"
jqt "no volume w" '[.[].name] == ["v"]' $pv -j volume list fm
jqt "the pool says its configuration failed, generation $g" ".[0].state == \"failed\" and .[0].generation == $g" \
	$pv -j pool show fm
makefail 1 0
out=$($pv volume create fm/w 1M 2>&1)
rc=$?
refused $rc "$out" && case $out in *read-only*) true ;; *) false ;; esac
report $? "later changes are refused: read-only" "rc=$rc: $out"
check "the volume still serves I/O: rewrite the pattern" pattern "$V" $tmp/pv 6
check "and reads it back" same "$V" $tmp/pv
check "pool stop" $pv pool stop fm
check "reassemble" addall "${L[0]}" "${L[1]}" "${L[2]}"
jqt "running, generation $g, volume v only" ".[0].state == \"running\" and .[0].generation == $g and .[0].nr_volumes == 1" \
	$pv -j pool show fm
V=/dev/$(voldev fm/v)
check "v's data after reassembly" same "$V" $tmp/pv
check "volume create works again" $pv volume create fm/w 1M
check "pool stop" $pv pool stop fm

# pool create: member 4's clearing passes, its metadata write (4K, no
# volumes yet) fails.  Creates without a fault count the bytes sent to
# member 4 (the second: the first may find out that the loop device has
# no write zeroes and fall back to writing zeros).
makefail 4 1
for i in 1 2; do
	echo 1000000000 > $F/space
	check "pool create fq, no fault ($i)" $pv pool create fq --force "${L[3]}" "${L[4]}"
	used=$((1000000000 - $(cat $F/space)))
	check "pool stop fq" $pv pool stop fq
done
echo "# $used bytes sent to member 4"
makefail 4 0
check "wipe members 3 and 4" sh -c "for l in ${L[3]} ${L[4]}; do dd if=/dev/zero of=\$l bs=1M count=2 oflag=direct status=none || exit 1; done"
makefail 4 1
echo $((used - 4096 + 1)) > $F/space
out=$($pv pool create fq --force "${L[3]}" "${L[4]}" 2>&1)
rc=$?
refused $rc "$out"
report $? "a pool create whose metadata write fails is refused" "rc=$rc: $out"
makefail 4 0
echo 0 > $F/space
jqt "no pool fq" '[.[] | select(.name == "fq")] | length == 0' $pv -j pool show
out=$($pv probe "${L[3]}" 2>&1)
[ -z "$out" ]
report $? "member 3, written before the failure, carries no metadata of fq" "$out"
check "pool create fq (the same, no fault)" $pv pool create fq --force "${L[3]}" "${L[4]}"
check "pool stop fq" $pv pool stop fq
echo 0 > $F/probability

# --- failslab, one allocation after the other --------------------------------
S=$D/failslab
echo N > $S/ignore-gfp-wait; echo 0 > $S/verbose
cat > $tmp/nth.py <<'EOF'
# nth.py OP INVERSE: run OP (a podvol request) with the Nth fault
# injection point of this thread failing, for every N the operation passes
# through (or 16 of them); each time check the outcome.  OP is JSON
# [cmd, [attrs...]], attrs as [type, kind, value]; INVERSE a list of such
# requests that undo OP.
import errno, json, os, socket, struct, subprocess, sys

def attr(t, data):
    n = 4 + len(data)
    return struct.pack('=HH', n, t) + data + b'\0' * (-n % 4)

def enc(a):
    t, kind, v = a
    if kind == 's': return attr(t, v.encode() + b'\0')
    if kind == 'u32': return attr(t, struct.pack('=I', v))
    if kind == 'u64': return attr(t, struct.pack('=Q', v))
    if kind == 'flag': return attr(t, b'')
    if kind == 'nest': return attr(t | 0x8000, b''.join(enc(x) for x in v))

sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
sock.bind((0, 0))
seq = 0

def msg(fam, cmd, attrs):
    global seq
    seq += 1
    p = struct.pack('=BBH', cmd, 1, 0) + b''.join(enc(a) for a in attrs)
    return struct.pack('=IHHII', 16 + len(p), fam, 5, seq, 0) + p

def talk(m, want_attr=None):
    """send m, read to its ack: (errno, value of want_attr or None)"""
    found = None
    want_seq = struct.unpack_from('=I', m, 8)[0]
    try:
        sock.send(m)
        while True:
            data = sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                n, typ, _, mseq = struct.unpack_from('=IHHI', data, off)
                if typ == 2 and mseq == want_seq:
                    return -struct.unpack_from('=i', data, off + 16)[0], found
                if want_attr is not None:
                    a = off + 20
                    while a + 4 <= off + n:
                        al, at = struct.unpack_from('=HH', data, a)
                        if at == want_attr:
                            found = struct.unpack_from('=H', data, a + 4)[0]
                        a += (al + 3) & ~3
                off += (n + 3) & ~3
    except OSError as e:
        return e.errno, found

err, fam = talk(msg(16, 3, [[2, 's', 'podvol']]), want_attr=1)
assert err == 0 and fam, 'podvol family not found'

def state():
    p = json.loads(subprocess.run(['podvolctl', '-j', 'pool', 'show'], capture_output=True).stdout or b'[]')
    v = json.loads(subprocess.run(['podvolctl', '-j', 'volume', 'list'], capture_output=True).stdout or b'[]')
    return (sorted((x['name'], x['state'], x['nr_present'], x['nr_volumes']) for x in p),
            sorted((x['pool'], x['name'], x['size']) for x in v))

op = json.loads(sys.argv[1])
inv = json.loads(sys.argv[2])
fd = os.open('/proc/thread-self/fail-nth', os.O_RDWR)

def run(n, m):
    os.pwrite(fd, b'%d' % n, 0)
    err, _ = talk(m)
    left = int(os.pread(fd, 32, 0) or b'0')
    os.pwrite(fd, b'0', 0)
    return err, left

before = state()
m = msg(fam, op[0], op[1])
# count the injection points: a run with N larger than them all
err, left = run(1000000, m)
count = 1000000 - left
after = state()
if err or after == before:
    print('the operation without a fault: errno %d, state %s' % (err, after))
    sys.exit(1)
def undo():
    for i in inv:
        e, _ = talk(msg(fam, i[0], i[1]))
        if e:
            return e
    return 0

e2 = undo()
if e2 or state() != before:
    print('the inverse operation without a fault: errno %d, state %s' % (e2, state()))
    sys.exit(1)
# every point when there are few, else 16 spread over them
pts = range(1, count + 1) if count <= 16 else sorted({1 + i * (count - 1) // 15 for i in range(16)})
bad = []
failed = ok = 0
for n in pts:
    err, left = run(n, m)
    s = state()
    if err == errno.ENOBUFS and s == after:
        # netlink lost the ack (its allocation failed after the change
        # was made): the caller must look, as a netlink ENOBUFS says
        ok += 1
        e2 = undo()
        if e2 or state() != before:
            bad.append('N=%d: cannot undo (errno %d)' % (n, e2))
            break
    elif err:
        failed += 1
        if s != before:
            bad.append('N=%d: errno %d, yet the state changed: %s' % (n, err, s))
    else:
        ok += 1
        if s != after:
            bad.append('N=%d: succeeded with state %s, want %s' % (n, s, after))
        e2 = undo()
        if e2 or state() != before:
            bad.append('N=%d: cannot undo (errno %d)' % (n, e2))
            break
print('%d injection points, %d tried: %d refused, %d succeeded anyway' % (count, len(pts), failed, ok))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad or not failed else 0)
EOF
# genetlink numbers (include/uapi/linux/podvol.h)
C_POOL_CREATE=1 C_POOL_ADD=2 C_POOL_STOP=3 C_VOL_CREATE=5 C_VOL_DELETE=6 C_VOL_RESIZE=7
A_POOL=2 A_CHUNK=5 A_MEMBERS=12 A_MEMBER=13 A_FORCE=14 A_VOL=15 A_SIZE=17 M_PATH=4
nth() {	# nth DESC OP INVERSE: nth.py passes, its summary shown either way
	local out rc
	out=$(python3 "$tmp/nth.py" "$2" "$3" 2>&1)
	rc=$?
	report $rc "$1" "$out"
	[ $rc = 0 ] && diag "$out"
}

check "pool create fs" $pv pool create fs --force --chunk 64K "${L[0]}" "${L[1]}" "${L[2]}"
check "volume create fs/keep 4M" $pv volume create fs/keep 4M
K=/dev/$(voldev fs/keep)
check "write a pattern to keep" pattern "$K" $tmp/pk 4
check "volume create fs/gone 2M" $pv volume create fs/gone 2M
nth "failslab: volume create" \
	"[$C_VOL_CREATE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"n\"], [$A_SIZE, \"u64\", 2097152]]]" \
	"[[$C_VOL_DELETE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"n\"]]]]"
nth "failslab: volume grow" \
	"[$C_VOL_RESIZE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"keep\"], [$A_SIZE, \"u64\", 6291456]]]" \
	"[[$C_VOL_RESIZE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"keep\"], [$A_SIZE, \"u64\", 4194304]]]]"
nth "failslab: volume delete" \
	"[$C_VOL_DELETE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"gone\"]]]" \
	"[[$C_VOL_CREATE, [[$A_POOL, \"s\", \"fs\"], [$A_VOL, \"s\", \"gone\"], [$A_SIZE, \"u64\", 2097152]]]]"
check "keep's data intact" same "$K" $tmp/pk
check "pool stop fs" $pv pool stop fs
check "add two of fs's three members" addall "${L[0]}" "${L[1]}"
nth "failslab: the pool add that starts the pool" \
	"[$C_POOL_ADD, [[$A_MEMBER, \"nest\", [[$M_PATH, \"s\", \"${L[2]}\"]]]]]" \
	"[[$C_POOL_STOP, [[$A_POOL, \"s\", \"fs\"]]],
	  [$C_POOL_ADD, [[$A_MEMBER, \"nest\", [[$M_PATH, \"s\", \"${L[0]}\"]]]]],
	  [$C_POOL_ADD, [[$A_MEMBER, \"nest\", [[$M_PATH, \"s\", \"${L[1]}\"]]]]]]"
nth "failslab: pool create" \
	"[$C_POOL_CREATE, [[$A_POOL, \"s\", \"fq\"], [$A_CHUNK, \"u32\", 65536], [$A_FORCE, \"flag\", 0], [$A_MEMBERS, \"nest\", [[$A_MEMBER, \"nest\", [[$M_PATH, \"s\", \"${L[3]}\"]]], [$A_MEMBER, \"nest\", [[$M_PATH, \"s\", \"${L[4]}\"]]]]]]]" \
	"[[$C_POOL_STOP, [[$A_POOL, \"s\", \"fq\"]]]]"
echo Y > $S/ignore-gfp-wait

# --- afterwards: everything works, nothing leaked ---------------------------
check "pool fs assembles" addall "${L[0]}" "${L[1]}" "${L[2]}"
jqt "fs: keep and gone, nothing else" '[.[].name] | sort == ["gone", "keep"]' $pv -j volume list fs
K=/dev/$(voldev fs/keep)
check "keep's data intact" same "$K" $tmp/pk
check "volume create works" $pv volume create fs/new 2M
check "write to it" dd if=/dev/urandom of="/dev/$(voldev fs/new)" bs=1M count=2 oflag=direct status=none
check "pool stop fs" $pv pool stop fs
if [ -e $D/kmemleak ]; then
	echo scan > $D/kmemleak
	sleep 6
	echo scan > $D/kmemleak
	leaks=$(grep -B2 -A20 unreferenced $D/kmemleak | grep -c podvol)
	[ "$leaks" = 0 ]
	report $? "kmemleak: nothing of podvol's unreferenced" "$(head -60 $D/kmemleak)"
else
	nok "kmemleak: no $D/kmemleak"
fi
check "rmmod podvol" rmmod podvol
for l in "${L[@]}"; do losetup -d "$l"; done
rm -rf $tmp
finish
