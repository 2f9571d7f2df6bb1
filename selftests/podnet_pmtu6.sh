#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Path MTU and the ICMP errors podnet generates, over an IPv6 underlay: the
# default MTU leaves room for the 56-byte IPv6 encapsulation; when the
# underlay link shrinks, and when the underlay path shrinks (an ICMPv6
# Packet Too Big about podnet's own packets, claimed by podnet), pods
# sending more than fits get ICMP fragmentation needed / ICMPv6 packet too
# big from podnet with the MTU that fits, counted as too_big; without DF
# the outer IPv6 packet is fragmented; a prefix without route gets
# unreachable errors, counted as no_route.
# vm-timeout: 600
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "IPv6 underlay set up" pair_up 6

m=$(N n1 ip -j link show podnet0 | jq '.[0].mtu')
[ "$m" = 1444 ]
report $? "default MTU 1500 - 56 = 1444 ($m)"
t "IPv4 pod packet of 1444 bytes with DF fits" N p11 ping -M "do" -c 1 -W 2 -s 1416 10.244.2.11
t "IPv6 pod packet of 1444 bytes fits" N p11 ping -6 -M "do" -c 1 -W 2 -s 1396 fd44:2::11

# toobig DESC WANT PING-ARGS...: a ping from p11 gets an ICMP error saying
# WANT, and node 1 counts one or more too_big drops for it
toobig() {
	local desc=$1 want=$2 b a out
	shift 2
	b=$(drop_count n1 too_big)
	out=$(N p11 ping -c 2 -i 0.5 -W 2 "$@" 2>&1)
	a=$(drop_count n1 too_big)
	[[ $out == *"$want"* ]] && [ "$a" -gt "$b" ]
	report $? "$desc: '$want', too_big $b -> $a" "$out"
}

# The underlay links shrink to 1400 on both nodes (so replies fit too):
# what fits is 1400 - 56 = 1344, below podnet0's MTU.
for i in 1 2; do
	ip link set ul$i mtu 1400
	N n$i ip link set eth0 mtu 1400
done
toobig "smaller underlay link: IPv4 with DF" "mtu = 1344" -M "do" -s 1400 10.244.2.11
toobig "smaller underlay link: IPv6" "mtu=1344" -6 -s 1350 fd44:2::11
t "smaller underlay link: packets that fit pass (IPv4, IPv6)" sh -c \
	"ip netns exec p11 ping -M do -c 1 -W 2 -s 1316 10.244.2.11 &&
	 ip netns exec p11 ping -6 -c 1 -W 2 -s 1296 fd44:2::11"

# Without DF podnet sends the packet anyway, and the outer IPv6 packet is
# fragmented: node 2 reassembles the request, node 1 the reply.  From p12
# to p22: p11 learned a path MTU to p21 above and would fragment the inner
# packet itself.
snmp6() { N "$1" awk -v f="$2" '$1 == f { print $2 }' /proc/net/snmp6; }
f1=$(snmp6 n1 Ip6FragCreates) r1=$(snmp6 n1 Ip6ReasmOKs) r2=$(snmp6 n2 Ip6ReasmOKs)
out=$(N p12 ping -M dont -c 1 -W 3 -s 1400 10.244.2.12 2>&1)
report $? "smaller underlay link: IPv4 without DF passes" "$out"
f1b=$(snmp6 n1 Ip6FragCreates) r1b=$(snmp6 n1 Ip6ReasmOKs) r2b=$(snmp6 n2 Ip6ReasmOKs)
[ $((f1b - f1)) -ge 2 ] && [ $((r2b - r2)) = 1 ] && [ $((r1b - r1)) = 1 ]
report $? "smaller underlay link: without DF the outer IPv6 packet is fragmented (n1 Ip6FragCreates $f1 -> $f1b, Ip6ReasmOKs n2 $r2 -> $r2b, n1 $r1 -> $r1b)" \
	"Ip6FragFails n1 $(snmp6 n1 Ip6FragFails), n2 $(snmp6 n2 Ip6FragFails)"

# The underlay path shrinks further, beyond the links: node 2 sends node 1
# an ICMPv6 Packet Too Big (MTU 1340) quoting a Geneve packet of node 1's
# podnet0, which podnet's socket claims; node 1's route to fd00::2 learns
# it and podnet then fits packets into 1340 - 56 = 1284 (no less than
# IPv6's minimum MTU, so that IPv6 pods get Packet Too Big too).
N n2 $PY - >/tmp/ptb.out 2>&1 <<'EOF'
import socket, struct
a = lambda s: socket.inet_pton(socket.AF_INET6, s)
gnv = struct.pack('!BBHI', 0, 0, 0x0800, 42 << 8) + bytes(40)
# the quoted packet was 1400 bytes long, its first 104 are quoted
udp = struct.pack('!HHHH', 40000, 6081, 1360, 0)
ip6 = struct.pack('!IHBB16s16s', 6 << 28, 1360, 17, 64,
                  a('fd00::1'), a('fd00::2'))
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.sendto(struct.pack('!BBHI', 2, 0, 0, 1340) + ip6 + udp + gnv, ('fd00::1', 0))
print('sent Packet Too Big, mtu 1340')
EOF
report $? "node 2 sends node 1 an ICMPv6 Packet Too Big about a Geneve packet" "$(cat /tmp/ptb.out)"
sleep 0.5
has "node 1 learned path MTU 1340 to fd00::2" "mtu 1340" N n1 ip -6 route get fd00::2
toobig "smaller underlay path: IPv4 with DF" "mtu = 1284" -M "do" -s 1300 10.244.2.11
toobig "smaller underlay path: IPv6" "mtu=1284" -6 -s 1250 fd44:2::11
t "smaller underlay path: packets that fit pass (IPv4, IPv6)" sh -c \
	"ip netns exec p11 ping -M do -c 1 -W 2 -s 1256 10.244.2.11 &&
	 ip netns exec p11 ping -6 -c 1 -W 2 -s 1236 fd44:2::11"

# No route: podnet answers unreachable, over the IPv6 underlay as over IPv4.
t "route del 10.244.2.0/24 and fd44:2::/64" sh -c \
	"ip netns exec n1 podnetctl route del 10.244.2.0/24 dev podnet0 &&
	 ip netns exec n1 podnetctl route del fd44:2::/64 dev podnet0"
b=$(drop_count n1 no_route)
out=$(N p11 ping -c 1 -W 2 10.244.2.11 2>&1)
[[ $out == *"Destination Host Unreachable"* ]]
report $? "no route: IPv4 ping says host unreachable" "$out"
out=$(N p11 ping -6 -c 1 -W 2 fd44:2::11 2>&1)
[[ $out == *"Destination unreachable: Address unreachable"* ]]
report $? "no route: IPv6 ping says address unreachable" "$out"
a=$(drop_count n1 no_route)
[ $((a - b)) -ge 2 ]
report $? "no route: counted as no_route ($b -> $a)"

cluster_down
finish
