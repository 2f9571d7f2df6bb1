#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device delete and module unload while traffic flows: pods on two nodes
# ping each other fast both ways (IPv4 and IPv6) and node 2 keeps sending
# raw Geneve packets to node 1; node 1's podnet0 is deleted under that
# load, then re-created, then the module is unloaded with both nodes'
# devices carrying traffic.  Each must finish promptly and leave nothing
# behind, and the traffic must resume on fresh devices.  (The kernel log
# is checked for leaks and warnings by the harness.)
# vm-kernels: debug
# vm-timeout: 600
# shellcheck disable=SC2317 # functions run through t
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "two nodes up" pair_up 4
t "p11 reaches p21" pings p11 10.244.2.11

pids=""
load_start() {
	N p11 ping -q -i 0.005 -s 1000 -w 600 10.244.2.11 >/dev/null 2>&1 &
	pids="$pids $!"
	N p21 ping -q -i 0.005 -s 1000 -w 600 10.244.1.11 >/dev/null 2>&1 &
	pids="$pids $!"
	N p12 ping -6 -q -i 0.005 -w 600 fd44:2::12 >/dev/null 2>&1 &
	pids="$pids $!"
	# Raw Geneve from node 2's userspace to node 1: accepted ones (an ICMP
	# echo reply from a pod of node 2) and malformed ones, without pause.
	N n2 $PY - >/dev/null 2>&1 <<'EOF' &
import socket, struct, time
h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 1, 0, 64, 1, 0,
                socket.inet_aton('10.244.2.99'), socket.inet_aton('10.244.1.11'))
good = struct.pack('!BBHI', 0, 0, 0x0800, 42 << 8) + h + b'\0\0\xff\xff\0\0\0\0'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 600
while time.time() < end:
    for p in (good, b'\0\0\x08', good[:20]):
        try:
            s.sendto(p, ('192.168.0.1', 6081))
        except OSError:
            pass
    time.sleep(0.001)
EOF
	pids="$pids $!"
}
load_stop() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	pids=""
}
trap load_stop EXIT

# flowing NODE: node's podnet0 sends and receives (its route counters grow)
counters() { N "$1" podnetctl -j route show dev podnet0 | jq '[.[] | .tx_packets + .rx_packets] | add'; }
flowing() {
	local a b
	a=$(counters "$1")
	sleep 1
	b=$(counters "$1")
	[ "${b:-0}" -gt $((${a:-0} + 20)) ] || { echo "$1: $a -> $b"; return 1; }
}

load_start
t "traffic flows through node 1" flowing n1
t "node 1: podnet0 deleted under load" N n1 timeout 30 ip link del podnet0
tf "node 1: podnet0 is gone" N n1 ip link show podnet0
t "node 1: its socket is gone" sh -c "! ip netns exec n1 ss -uln | grep -q ':6081 '"
# One ip for the four commands: under this load every process is slow, and
# the load (so the test's CPU time) lasts as long as the steps take.
t "node 1: podnet0 re-created under load" ip -n n1 -batch - <<'EOF'
link add podnet0 type podnet vni 42 local 192.168.0.1
link set podnet0 up
route add 10.244.0.0/16 dev podnet0
route add fd44::/16 dev podnet0
EOF
t "node 1: its routes set" node_routes 1 4
t "traffic flows through the new podnet0" flowing n1
t "traffic flows through node 2" flowing n2

t "modprobe -r podnet under load, both nodes' devices present" timeout 60 modprobe -r podnet
t "the module is gone" sh -c "! grep -q '^podnet ' /proc/modules"
tf "node 1: podnet0 is gone" N n1 ip link show podnet0
tf "node 2: podnet0 is gone" N n2 ip link show podnet0
t "no socket left on port 6081" sh -c \
	"! ip netns exec n1 ss -uln | grep -q ':6081 ' && ! ip netns exec n2 ss -uln | grep -q ':6081 '"
t "modprobe podnet again, under load" modprobe podnet
t "two nodes up again" nodes_up 4
t "traffic flows through node 1 again" flowing n1
load_stop
t "p11 reaches p21 after all this" pings p11 10.244.2.11
t "p12 reaches p22 over IPv6" pings p12 fd44:2::12

cluster_down
finish
