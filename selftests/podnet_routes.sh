#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet route table behaviour on a three-node cluster (IPv4 underlay):
# replace moves traffic, delete makes a pod unreachable (ICMP, counted),
# each of a set of valid, spoofed and malformed Geneve packets sent raw
# from userspace adds one to exactly its counter (rx or a drop reason), a 10,000-route table
# survives a dump round trip, and flush empties the table.
# vm-timeout: 1200
# vm-core: yes
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
if ! out=$(cluster_up 4 2>&1); then
	report 1 "cluster set up" "$out"
	finish
fi
report 0 "cluster set up"
PC="timeout 30 podnetctl"

t "p11 reaches p31" pings p11 10.244.3.11

# --- replace and delete ---------------------------------------------------
t "route replace 10.244.3.0/24 via node 2" \
	N n1 $PC route replace 10.244.3.0/24 via 192.168.0.2 dev podnet0
before=$(drop_count n3 spoofed_source)
tf "p11 no longer reaches p31 through node 2" N p11 ping -c 2 -i 0.3 -W 1 10.244.3.11
after=$(drop_count n3 spoofed_source)
# Node 2 forwards to node 3, which sees an inner source routed to node 1.
[ "$after" -gt "$before" ]
report $? "node 3 drops what node 2 relays as spoofed ($before -> $after)"
rx=$(N n2 podnetctl -j route show dev podnet0 |
     jq '[.[] | select(.dst == "10.244.1.0/24") | .rx_packets] | add')
[ "${rx:-0}" -gt 0 ]
report $? "the replaced route carried the traffic to node 2 (rx $rx)"
t "route replace back via node 3" \
	N n1 $PC route replace 10.244.3.0/24 via 192.168.0.3 dev podnet0
t "p11 reaches p31 again" pings p11 10.244.3.11

t "route del 10.244.3.0/24" N n1 $PC route del 10.244.3.0/24 dev podnet0
before=$(drop_count n1 no_route)
out=$(N p11 ping -c 1 -W 2 10.244.3.11 2>&1)
echo "$out" | grep -q "Unreachable"
report $? "deleted route: ping says unreachable" "$out"
after=$(drop_count n1 no_route)
[ "$after" -gt "$before" ]
report $? "deleted route: counted as no_route ($before -> $after)"
out=$(N p11 ping -6 -c 1 -W 2 fd44:4::1 2>&1)
echo "$out" | grep -qi "unreachable"
report $? "no IPv6 route: ping -6 says unreachable" "$out"
t "route add it back" N n1 $PC route add 10.244.3.0/24 via 192.168.0.3 dev podnet0
tf "route add of an existing prefix fails" \
	N n1 $PC route add 10.244.3.0/24 via 192.168.0.3 dev podnet0
t "p11 reaches p31 once more" pings p11 10.244.3.11

# --- packets sent raw from node 2's userspace to node 1 -----------------------
# One at a time, each checked to add one to exactly the expected counter
# (see raw_geneve in podnet_lib.sh).
raw_geneve 2 1 4 >/tmp/raw.out 2>&1
while read -r res rest; do
	[ "$res" = ok ] || [ "$res" = not ] || { echo "# $res $rest"; continue; }
	[ "$res" = not ] && rest=${rest#ok }
	report "$([ "$res" = ok ]; echo $?)" "raw Geneve from node 2: ${rest%%: added*}" "${rest#*: }"
	nraw=$((${nraw:-0} + 1))
done </tmp/raw.out
[ "${nraw:-0}" = 22 ]
report $? "raw Geneve from node 2: all 22 cases sent and checked (${nraw:-0})"
t "node 1 still forwards after the garbage" pings p11 10.244.2.11

# Two Geneve datagrams sent as one UDP GSO packet (UDP_SEGMENT): the
# socket must see them one by one (the UDP layer segments them for it),
# never as one packet whose second half is ignored.
rx_before=$(N n1 podnetctl -j route show dev podnet0 |
	    jq '[.[] | select(.dst == "10.244.2.0/24") | .rx_packets] | add')
N n2 $PY - >/tmp/gso.out 2>&1 <<'EOF'
import socket, struct
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def pkt(seq):
    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x77, seq)
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, seq, 0, 64, 1, 0,
                    socket.inet_aton('10.244.2.98'), socket.inet_aton('10.244.1.11'))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return struct.pack('!BBHI', 0, 0, 0x0800, 42 << 8) + h + icmp
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.168.0.2', 0))
s.setsockopt(socket.SOL_UDP, 103, len(pkt(1)))  # UDP_SEGMENT
s.sendto(pkt(1) + pkt(2), ('192.168.0.1', 6081))
print('sent 2 datagrams of', len(pkt(1)), 'bytes as one GSO packet')
EOF
report $? "two Geneve datagrams sent as one UDP GSO packet" "$(cat /tmp/gso.out)"
sleep 1
rx_after=$(N n1 podnetctl -j route show dev podnet0 |
	   jq '[.[] | select(.dst == "10.244.2.0/24") | .rx_packets] | add')
[ $((rx_after - rx_before)) = 2 ]
report $? "both datagrams of the GSO packet decapsulated (rx $rx_before -> $rx_after)"

# --- 10,000 routes: setconf, dump, compare ----------------------------------
$PY - >/tmp/big.conf <<'EOF'
import ipaddress
for i in range(6000):
    print('route 172.%d.%d.0/24 via 192.168.0.%d' % (16 + i // 256, i % 256, 2 + i % 2))
for i in range(4000):
    net = ipaddress.ip_network('fd45:%x:%x::/48' % (i // 256, i % 256))
    print('route %s via 192.168.0.%d' % (net, 2 + i % 2))
EOF
t "setconf of 10,000 routes" N n1 $PC setconf podnet0 /tmp/big.conf
N n1 $PC -j route show dev podnet0 >/tmp/big.json
n_dump=$(jq length /tmp/big.json)
[ "$n_dump" = 10000 ]
report $? "dump returns 10,000 routes ($n_dump)"
jq -r '.[] | "route \(.dst) via \(.gateway)"' /tmp/big.json | sort >/tmp/big.dump
sort /tmp/big.conf | cmp -s - /tmp/big.dump
report $? "dumped routes equal the configured ones" "$(sort /tmp/big.conf | diff - /tmp/big.dump | head)"
gen=$(N n1 podnetctl -j show podnet0 | jq '.[0].routes')
[ "$gen" = 10000 ]
report $? "device reports 10,000 routes"
t "route get 172.20.3.9 finds 172.20.3.0/24" \
	sh -c "ip netns exec n1 podnetctl route get 172.20.3.9 dev podnet0 | grep -q 172.20.3.0/24"
t "route flush" N n1 $PC route flush dev podnet0
n_dump=$(N n1 $PC -j route show dev podnet0 | jq length)
[ "$n_dump" = 0 ]
report $? "table empty after flush ($n_dump)"

cluster_down
finish
