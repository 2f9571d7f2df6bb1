#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet's memory and dump limits: the per-device route limit (maxroutes)
# refuses the next prefix with a clear message and can be changed; routes
# via one node share one peer (no per-CPU memory per prefix); a 20,000-route
# table dumps completely, each route once, resuming by prefix; a dump is
# flagged NLM_F_DUMP_INTR by changes to what it dumps, and only by those
# (not by other devices' for a one-device dump, not by other namespaces'
# ever); a device's generation moves by one per change of its own table;
# and an unprivileged user namespace is stopped by the limit and by its
# memory cgroup.
# vm-timeout: 1500
set -u
. "$(dirname "$0")/podnet_lib.sh"

PNL="$PY $(dirname "$0")/podnet_pnl.py"
PC="timeout 60 podnetctl"
dev_json() { N "$1" podnetctl -j show "$2" | jq ".[0].$3"; }

t "modprobe podnet" modprobe podnet
ip netns add n1
ip netns add n2
t "podnet0 with maxroutes 5" N n1 ip link add podnet0 type podnet vni 42 maxroutes 5
t "ip -d link shows maxroutes 5" sh -c \
	"ip netns exec n1 ip -d link show podnet0 | grep -q 'maxroutes 5 '"
check "podnetctl show has max_routes 5" [ "$(dev_json n1 podnet0 max_routes)" = 5 ]
for i in 1 2 3 4 5; do
	N n1 $PC route add 10.244.$i.0/24 via 192.168.0.$((i % 2 + 2)) dev podnet0
done
check "5 routes added" [ "$(dev_json n1 podnet0 routes)" = 5 ]
out=$(N n1 $PC route add 10.244.6.0/24 via 192.168.0.2 dev podnet0 2>&1)
rc=$?
refused $rc "$out" && [ -z "${out##*route limit of the device reached*}" ]
report $? "the 6th route is refused: route limit reached" "rc=$rc: $out"
printf 'route 10.1.%d.0/24 via 192.168.0.2\n' 1 2 3 4 5 6 >/tmp/pl.six
out=$(N n1 $PC setconf podnet0 /tmp/pl.six 2>&1)
rc=$?
refused $rc "$out" && [ -z "${out##*limit*}" ]
report $? "setconf of 6 routes is refused" "rc=$rc: $out"
check "the table is unchanged" [ "$(dev_json n1 podnet0 routes)" = 5 ]
t "maxroutes raised to 6" N n1 ip link set podnet0 type podnet maxroutes 6
t "the 6th route is added" N n1 $PC route add 10.244.6.0/24 via 192.168.0.2 dev podnet0
check "6 routes via 2 addresses: 2 peers" [ "$(dev_json n1 podnet0 peers)" = 2 ]
t "maxroutes 0 is refused" sh -c \
	"! ip netns exec n1 ip link set podnet0 type podnet maxroutes 0 2>/dev/null"
N n1 ip link set podnet0 type podnet maxroutes 100

# Per-CPU memory: a route used to make two per-CPU allocations (its route
# cache and counters); now only a new node (via address) does.
t "podnet1 with maxroutes 30000" N n1 ip link add podnet1 type podnet vni 43 port 6082 maxroutes 30000
pcpu0=$(awk '/^Percpu:/ {print $2}' /proc/meminfo)
out=$(N n1 $PNL add podnet1 20000 2>&1)
report $? "20,000 routes via one node added" "$out"
check "added all 20,000" [ -z "${out##*added 20000*}" ]
pcpu1=$(awk '/^Percpu:/ {print $2}' /proc/meminfo)
check "per-CPU memory grew by less than 512 kB ($pcpu0 -> $pcpu1 kB)" \
	[ $((pcpu1 - pcpu0)) -lt 512 ]
check "podnet1 has one peer" [ "$(dev_json n1 podnet1 peers)" = 1 ]

# Dumps resume by prefix: complete, each route once, in a few seconds.
$PY -c "
import ipaddress
for i in range(20000):
    print('podnet1 %s/32' % ipaddress.IPv4Address(0x0a000000 + i))" | sort >/tmp/pl.want
start=$(date +%s)
out=$(N n1 $PNL dump podnet1 /tmp/pl.got 2>&1)
report $? "dump of podnet1" "$out"
diag "$out, $(( $(date +%s) - start )) s"
check "the dump has 20,000 routes, not flagged" [ "${out%% parts*}" = "routes 20000 intr 0" ]
check "each route exactly once" sh -c "sort /tmp/pl.got | cmp -s - /tmp/pl.want"
out=$(N n1 $PNL dump - /tmp/pl.all 2>&1)
check "a dump of every device has 20,006 routes ($out)" [ "${out%% parts*}" = "routes 20006 intr 0" ]
check "each once" [ "$(sort -u /tmp/pl.all | wc -l)" = 20006 ]

# NLM_F_DUMP_INTR: pause after the first part and change something.
t "podnet2 in n2" N n2 ip link add podnet2 type podnet vni 44
out=$(N n1 $PNL dump podnet1 /tmp/pl.got \
	"ip netns exec n1 podnetctl route add 10.9.0.0/16 via 192.168.0.9 dev podnet1" 2>&1)
check "a change to the dumped device flags its dump ($out)" [ -z "${out##*intr 1*}" ]
out=$(N n1 $PNL dump podnet1 /tmp/pl.got \
	"ip netns exec n1 podnetctl route add 10.9.1.0/24 via 192.168.0.9 dev podnet0" 2>&1)
check "a change to another device does not ($out)" [ -z "${out##*intr 0*}" ]
out=$(N n1 $PNL dump - /tmp/pl.got \
	"ip netns exec n2 podnetctl route add 10.9.2.0/24 via 192.168.0.9 dev podnet2" 2>&1)
check "a change in another netns does not flag a dump of every device ($out)" \
	[ -z "${out##*intr 0*}" ]
out=$(N n1 $PNL dump - /tmp/pl.got \
	"ip netns exec n1 podnetctl route del 10.9.1.0/24 dev podnet0" 2>&1)
check "a change to any device of the netns flags it ($out)" [ -z "${out##*intr 1*}" ]

# The generation is the device's own.
g0=$(dev_json n1 podnet1 generation)
for i in 1 2 3 4 5; do
	N n2 podnetctl route add 10.8.$i.0/24 via 192.168.0.9 dev podnet2
	N n1 podnetctl route add 10.8.$i.0/24 via 192.168.0.9 dev podnet0
done
N n1 podnetctl route add 10.8.0.0/24 via 192.168.0.9 dev podnet1
g1=$(dev_json n1 podnet1 generation)
check "podnet1's generation moved by 1 for its one change ($g0 -> $g1)" \
	[ "$g1" = $((g0 + 1)) ]

# Unprivileged: a user namespace with CAP_NET_ADMIN in it.  The default
# limit stops it; with the limit raised, its memory cgroup does.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# (Skipped on a kernel without user namespaces and memory cgroups; every
# kernel of kernels.conf has both, and expected.list counts no skip.)
if ! nobody unshare -Urn true 2>/dev/null; then
	skip "userns: the default limit stops 16,390 routes at 16,384" \
		"no unprivileged user namespaces in this kernel"
	skip "userns in a memcg" "no unprivileged user namespaces in this kernel"
else
	out=$(nobody unshare -Urn sh -c "ip link add p0 type podnet vni 1 &&
		$PNL add p0 16390" 2>&1)
	check "userns: the default limit stops 16,390 routes at 16,384" \
		[ -z "${out##*added 16384*error 28*}" ]
	diag "$(printf '%s\n' "$out" | tail -2)"
	cg=/sys/fs/cgroup/podnet_limits
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	if ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		skip "userns in a memcg" "no cgroup2 memory controller in this kernel"
	elif mkdir $cg && echo 24M >$cg/memory.max; then
		out=$(sh -c "echo \$\$ >$cg/cgroup.procs &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups \
			unshare -Urn sh -c 'ip link add p0 type podnet vni 1 maxroutes 1048576 &&
				$PNL add p0 100000 distinct'" 2>&1)
		last=$(printf '%s\n' "$out" | awk '$1 == "added" || $1 == "progress" {n = $2} END {print n + 0}')
		ev=$(grep -E '^(max|oom_kill) ' $cg/memory.events | tr '\n' ' ')
		check "userns in a 24 MB memcg: stopped after $last of 100,000 distinct-node routes ($ev)" \
			[ "$last" -lt 100000 ]
		diag "$(printf '%s\n' "$out" | tail -2)"
		rmdir $cg 2>/dev/null
	else
		nok "a memory cgroup with memory.max for the user namespace test"
	fi
fi

ip netns del n2
ip netns del n1
finish
