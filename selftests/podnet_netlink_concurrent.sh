#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Concurrent netlink writers and dumps: for a while, one writer swaps
# podnet0's whole table between two 2,000-route tables (setconf), one adds
# and deletes a single route on it, one swaps podnet1's table; two readers
# dump podnet0's routes and every device's routes, and one reads the
# devices, all at once, with a monitor listening.  Every dump must show one
# of the two tables whole (the swap is atomic, an interrupted dump is
# restarted), every command must succeed (but the delete of a route a swap
# took away), the monitor must see every change, each swap with a newer
# generation, and the table written last must remain.
# vm-kernels: debug
# vm-timeout: 600
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
ip netns add n1
t "podnet0 and podnet1 (port 6082)" sh -c \
	"ip netns exec n1 ip link add podnet0 type podnet vni 42 &&
	 ip netns exec n1 ip link add podnet1 type podnet vni 43 port 6082"
$PY - <<'EOF'
import ipaddress
with open('/tmp/nlc.a', 'w') as f:
    for i in range(2000):
        f.write('route 10.%d.%d.0/24 via 192.168.0.2\n' % (i // 256, i % 256))
with open('/tmp/nlc.b', 'w') as f:
    for i in range(2000):
        f.write('route 172.%d.%d.0/24 via 192.168.0.3\n' % (16 + i // 256, i % 256))
with open('/tmp/nlc.c', 'w') as f:
    for i in range(500):
        f.write('route fd45:%x::/32 via 192.168.0.4\n' % i)
EOF
t "podnet0 starts with table A" N n1 timeout 60 podnetctl setconf podnet0 /tmp/nlc.a
gen0=$(N n1 podnetctl -j show podnet0 | jq '.[0].generation')
# (not through N: $! must be the monitor itself, for kill)
ip netns exec n1 podnetctl monitor >/tmp/nlc.mon 2>&1 &
mon=$!
sleep 1

secs=15
[ "${PODKIT_KERNEL:-}" = debug ] && secs=30
N n1 $PY - $secs >/tmp/nlc.out 2>&1 <<'EOF'
import ipaddress, json, subprocess, sys, threading, time, traceback
end = time.time() + int(sys.argv[1])
hard = end + 300
def tab(f):	# the prefixes as podnetctl prints them
    return {str(ipaddress.ip_network(l.split()[1])) for l in open(f)}
A, B, C = tab('/tmp/nlc.a'), tab('/tmp/nlc.b'), tab('/tmp/nlc.c')
EXTRA = '192.0.2.0/24'
lock = threading.Lock()
st = {'setconf0': 0, 'setconf1': 0, 'add': 0, 'del': 0, 'dump0': 0,
      'dumpall': 0, 'devs': 0, 'interrupted': 0, 'gone': 0}
bad = []
def run(*args):
    p = subprocess.run(('podnetctl',) + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr
def fail(what, msg):
    with lock:
        if len(bad) < 10:
            bad.append('%s: %s' % (what, msg.strip()[:600]))
def count(k):
    with lock:
        st[k] += 1
def more(k):	# until the end, and on a slow guest until 3 rounds each
    now = time.time()
    with lock:
        return now < end or (st[k] < 3 and now < hard)
def check0(prefixes, what):
    s = set(prefixes) - {EXTRA}
    if s != A and s != B:
        fail(what, 'podnet0 shows %d routes, %d of A, %d of B, e.g. %s' %
             (len(s), len(s & A), len(s & B), sorted(s - A - B)[:3] or sorted(s)[:3]))
def dumped(what, args):
    rc, out, err = run(*args)
    if rc == 0:
        return json.loads(out)
    if 'Interrupted' in err:
        count('interrupted')
    else:
        fail(what, 'rc=%d %s' % (rc, err))
    return None
def swapper0():
    i = 0
    while more('setconf0'):
        i += 1
        rc, out, err = run('setconf', 'podnet0', '/tmp/nlc.b' if i % 2 else '/tmp/nlc.a')
        if rc:
            fail('setconf podnet0', err)
        count('setconf0')
def swapper1():
    i = 0
    while more('setconf1'):
        i += 1
        f = '/tmp/nlc.c' if i % 2 else '/dev/null'
        rc, out, err = run('setconf', '--allow-empty', 'podnet1', f)
        if rc:
            fail('setconf podnet1', err)
        count('setconf1')
def adder():
    while more('add'):
        rc, out, err = run('route', 'add', EXTRA, 'via', '192.168.0.7', 'dev', 'podnet0')
        if rc:
            fail('route add', err)
        count('add')
        # a swap in between may have taken it away with the old table
        rc, out, err = run('route', 'del', EXTRA, 'dev', 'podnet0')
        if rc == 0:
            count('del')
        elif 'no such route' in err:
            count('gone')
        else:
            fail('route del', err)
def dumper0():
    while more('dump0'):
        r = dumped('route show dev podnet0', ('-j', 'route', 'show', 'dev', 'podnet0'))
        if r is not None:
            check0([x['dst'] for x in r], 'route show dev podnet0')
            count('dump0')
def dumperall():
    while more('dumpall'):
        r = dumped('route show', ('-j', 'route', 'show'))
        if r is not None:
            check0([x['dst'] for x in r if x['dev'] == 'podnet0'], 'route show (podnet0)')
            s1 = {x['dst'] for x in r if x['dev'] == 'podnet1'}
            if s1 != C and s1:
                fail('route show (podnet1)', '%d routes, %d of C' % (len(s1), len(s1 & C)))
            count('dumpall')
def devs():
    while more('devs'):
        r = dumped('show', ('-j', 'show'))
        if r is not None:
            n = sorted(d['ifname'] for d in r)
            if n != ['podnet0', 'podnet1']:
                fail('show', repr(n))
            count('devs')
def guarded(f):	# a thread that dies counts as a failure, with its traceback
    def g():
        try:
            f()
        except Exception:
            fail(f.__name__, traceback.format_exc().replace('\n', ' | '))
    return g
th = [threading.Thread(target=guarded(f)) for f in
      (swapper0, swapper1, adder, dumper0, dumperall, devs)]
for x in th: x.start()
for x in th: x.join()
print(json.dumps(st))
for b in bad:
    print('bad', b)
EOF
report $? "writers and readers ran" "$(cat /tmp/nlc.out)"
sleep 1
kill $mon 2>/dev/null
wait $mon 2>/dev/null
st=$(head -1 /tmp/nlc.out)
echo "# $st"
v() { echo "$st" | jq -r ".$1" 2>/dev/null; }
t "no dump showed a mixed or partial table, no command failed" \
	sh -c "! grep '^bad' /tmp/nlc.out"
[ "$(v dump0)" -ge 3 ] && [ "$(v dumpall)" -ge 3 ] && [ "$(v devs)" -ge 3 ] &&
	[ "$(v setconf0)" -ge 3 ] && [ "$(v setconf1)" -ge 3 ] && [ "$(v add)" -ge 3 ]
report $? "each writer and reader got through several times ($st)"
[ "$(v interrupted)" -le $(( $(v dump0) + $(v dumpall) )) ]
report $? "most dumps completed (interrupted ten times in a row: $(v interrupted))"
sets=$(grep -c "^set dev podnet0 " /tmp/nlc.mon)
adds=$(grep -c "^new route 192.0.2.0/24" /tmp/nlc.mon)
dels=$(grep -c "^del route 192.0.2.0/24" /tmp/nlc.mon)
[ "$sets" = "$(v setconf0)" ] && [ "$adds" = "$(v add)" ] && [ "$dels" = "$(v del)" ]
report $? "the monitor saw every change to podnet0 ($sets sets, $adds adds, $dels dels)" \
	"$(head -5 /tmp/nlc.mon)"
gens=$(sed -n 's/^set dev podnet0 routes 2000 generation //p' /tmp/nlc.mon | tr '\n' ' ')
# shellcheck disable=SC2086
set -- $gens
ok=0 prev=$gen0
for g; do [ "$g" -gt "$prev" ] || ok=1; prev=$g; done
[ $# = "$sets" ] && [ "$(N n1 podnetctl -j show podnet0 | jq '.[0].generation')" -ge "$prev" ]
report $((ok | $?)) "each swap of podnet0 had 2000 routes and a newer generation ($gen0, then $# swaps up to $prev)" \
	"$(grep -n '^set dev podnet0 ' /tmp/nlc.mon | grep -v ' routes 2000 ' | head -5)
generations: $gens"
final=$(N n1 podnetctl -j route show dev podnet0 | jq -r '.[].dst' | sort)
want=$(if [ $(($(v setconf0) % 2)) = 1 ]; then cat /tmp/nlc.b; else cat /tmp/nlc.a; fi |
       awk '{ print $2 }' | sort)
[ "$final" = "$want" ]
report $? "podnet0 ends with the table written last"
t "the devices go away" ip netns del n1

finish
