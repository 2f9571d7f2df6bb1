#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet routes learned from the kernel routing table, as a routing daemon
# (BIRD) installs them, on a three-node cluster with an IPv4 underlay and
# no podnetctl route at all: "ip route ... via NODE dev podnet0 onlink"
# and "ip -6 route ... via ::ffff:NODE dev podnet0 onlink" (or ::NODE,
# IPv4-compatible, as BIRD installs them) carry pings and
# checksummed TCP streams to the right node (seen on the underlay ports);
# a route replaced moves the traffic, a route deleted stops it (ICMP
# unreachable, counted as no_route); a podnetctl entry for the same prefix
# wins; receive validation holds for these routes (inner sources routed
# to another node, or not through podnet0, are dropped as spoofed_source).
# vm-timeout: 900
set -u
. "$(dirname "$0")/podnet_lib.sh"

# to_node N: packets the underlay switch has sent to node N
to_node() { cat "/sys/class/net/ul$1/statistics/tx_packets"; }
rx_count() { N "$1" cat /sys/class/net/podnet0/statistics/rx_packets; }

# fib_routes I: node I's kernel routes to the other nodes' pod prefixes
fib_routes() {	# (in one ip -batch: each process costs on the debug kernel)
	local i=$1 k
	for k in 1 2 3; do
		[ $k = "$i" ] && continue
		echo "route add 10.244.$k.0/24 via 192.168.0.$k dev podnet0 onlink proto bird"
		echo "route add fd44:$k::/64 via ::ffff:192.168.0.$k dev podnet0 onlink proto bird"
	done | ip -n "n$i" -batch -
}

# pingn POD ADDR COUNT: COUNT quick pings, all answered
pingn() {
	N "$1" ping -q -c "$3" -i 0.2 -W 2 "$2" 2>&1 |
		grep -q " $3 received"
}

# sent_to DESC POD ADDR NODE OTHER: 10 pings from POD to ADDR are
# answered, and the switch sent at least 10 packets to node NODE and
# fewer than 5 to node OTHER meanwhile
sent_to() {
	local a0 b0 a1 b1 rc
	a0=$(to_node "$4") b0=$(to_node "$5")
	pingn "$2" "$3" 10
	rc=$?
	a1=$(to_node "$4") b1=$(to_node "$5")
	[ $rc = 0 ] && [ $((a1 - a0)) -ge 10 ] && [ $((b1 - b0)) -lt 5 ]
	report $? "$1 (to node $4: $((a1 - a0)), to node $5: $((b1 - b0)))"
}

# tcp DESC FROM TO ADDR: 4 MiB from pod FROM to pod TO arrive intact
tcp() {
	local sent got srv
	tcp_recv "$3" "$4" /tmp/fib.rx &
	srv=$!
	sleep 1
	sent=$(tcp_send "$2" "$4" 4)
	wait $srv
	got=$(cat /tmp/fib.rx)
	[ -n "$sent" ] && [ "$sent" = "$got" ]
	report $? "$1" "sent: $sent; received: $got"
}

# geneve FROM TO INNER_SRC INNER_DST: one Geneve packet sent raw from node
# FROM's userspace to node TO's podnet0 (an ICMP echo reply, or ICMPv6
# with a wrong checksum, that nobody answers)
geneve() {
	N "n$1" "$PY" - "$@" <<'EOF'
import socket, struct, sys
src, dst, isrc, idst = sys.argv[1:5]
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
if ':' in isrc:
    pl = b'\x81\x00\x00\x00\x00\x00\x00\x00'
    inner = struct.pack('!IHBB16s16s', 6 << 28, len(pl), 58, 64,
                        socket.inet_pton(socket.AF_INET6, isrc),
                        socket.inet_pton(socket.AF_INET6, idst)) + pl
    proto = 0x86dd
else:
    pl = b'\x00\x00\xff\xff\x00\x00\x00\x00'
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(pl), 1, 0, 64, 1, 0,
                    socket.inet_aton(isrc), socket.inet_aton(idst))
    inner = h[:10] + struct.pack('!H', csum(h)) + h[12:] + pl
    proto = 0x0800
pkt = struct.pack('!BBHI', 0, 0, proto, 42 << 8) + inner
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.168.0.' + src, 0))
s.sendto(pkt, ('192.168.0.' + dst, 6081))
EOF
}

# rx_case DESC FROM INNER_SRC INNER_DST WANT: a raw packet from node FROM
# to node 2 adds one to node 2's WANT (rx or spoofed) and nothing to the
# other
rx_case() {
	local r0 s0 r1 s1 i
	r0=$(rx_count n2) s0=$(drop_count n2 spoofed_source)
	geneve "$2" 2 "$3" "$4"
	for i in $(seq 30); do
		sleep 0.1
		r1=$(rx_count n2) s1=$(drop_count n2 spoofed_source)
		[ "$r1" != "$r0" ] || [ "$s1" != "$s0" ] && break
	done
	sleep 0.2
	r1=$(rx_count n2) s1=$(drop_count n2 spoofed_source)
	if [ "$5" = rx ]; then
		[ $((r1 - r0)) = 1 ] && [ "$s1" = "$s0" ]
	else
		[ $((s1 - s0)) = 1 ] && [ "$r1" = "$r0" ]
	fi
	report $? "$1: $5 (rx +$((r1 - r0)), spoofed_source +$((s1 - s0)))"
}

t "modprobe podnet" modprobe podnet
if ! out=$({
	underlay_up
	for i in 1 2 3; do pods_up $i && node_up $i 4 || exit 1; done
} 2>&1); then
	report 1 "cluster set up, no podnetctl routes" "$out"
	cluster_down
	finish
fi
report 0 "cluster set up, no podnetctl routes"

tf "the kernel refuses an IPv4 gateway as via inet on an IPv6 route" \
	N n1 ip -6 route add fd44:9::/64 via inet 192.168.0.2 dev podnet0 onlink
out=$(for i in 1 2 3; do fib_routes $i || exit 1; done 2>&1)
report $? "kernel routes via the nodes installed (proto bird)" "$out"
jqt "podnetctl's table is empty" 'length == 0' \
	N n1 podnetctl -j route show dev podnet0

# --- traffic by the kernel routes ---------------------------------------
t "p11 reaches p21 over IPv4" pings p11 10.244.2.11
t "p11 reaches p21 over IPv6" pings p11 fd44:2::11
t "p32 reaches p12 over IPv4" pings p32 10.244.1.12
t "p32 reaches p12 over IPv6" pings p32 fd44:1::12
sent_to "IPv4 pod prefix: pings go to node 2" p11 10.244.2.11 2 3
sent_to "IPv6 pod prefix: pings go to node 2" p11 fd44:2::11 2 3
tcp "IPv4 TCP stream p11 -> p21 arrives intact" p11 p21 10.244.2.11
tcp "IPv6 TCP stream p11 -> p21 arrives intact" p11 p21 fd44:2::11

# --- the daemon changes and withdraws routes ------------------------------
# Node 2 moves its pods' IPv4 prefix to node 3 (node 3 forwards to node 2,
# node 2 drops what node 3 relays: node 2's route to 10.244.1/24 names node 1)
t "ip route replace 10.244.2.0/24 via node 3" \
	N n1 ip route replace 10.244.2.0/24 via 192.168.0.3 dev podnet0 onlink proto bird
a0=$(to_node 3) s0=$(drop_count n2 spoofed_source)
tf "p11 no longer reaches p21 through node 3" N p11 ping -c 3 -i 0.3 -W 1 10.244.2.11
a1=$(to_node 3) s1=$(drop_count n2 spoofed_source)
[ $((a1 - a0)) -ge 3 ] && [ $((s1 - s0)) -ge 3 ]
report $? "the pings went to node 3 ($((a1 - a0))), node 2 dropped them relayed as spoofed ($((s1 - s0)))"
t "ip route replace back via node 2" \
	N n1 ip route replace 10.244.2.0/24 via 192.168.0.2 dev podnet0 onlink proto bird
t "p11 reaches p21 again" pings p11 10.244.2.11

t "ip route del 10.244.2.0/24" N n1 ip route del 10.244.2.0/24 dev podnet0
t "ip -6 route del fd44:2::/64" N n1 ip -6 route del fd44:2::/64 dev podnet0
for fam in 4 6; do
	if [ $fam = 4 ]; then a=10.244.2.11; else a=fd44:2::11; fi
	d0=$(drop_count n1 no_route) a0=$(to_node 2)
	out=$(N p11 ping -c 2 -i 0.3 -W 1 $a 2>&1)
	d1=$(drop_count n1 no_route) a1=$(to_node 2)
	echo "$out" | grep -qi unreachable && [ $((d1 - d0)) -ge 2 ] &&
		[ $((a1 - a0)) -lt 2 ]
	report $? "IPv$fam route withdrawn: unreachable, no_route +$((d1 - d0)), to node 2: $((a1 - a0))" "$out"
done
# The IPv6 one now IPv4-compatible, as BIRD installs it: n1 sends by it,
# and accepts p21's replies by it.
t "routes added back (IPv6: via ::192.168.0.2)" N n1 sh -c "
	ip route add 10.244.2.0/24 via 192.168.0.2 dev podnet0 onlink proto bird &&
	ip -6 route add fd44:2::/64 via ::192.168.0.2 dev podnet0 onlink proto bird"
t "p11 reaches p21 over IPv4 once more" pings p11 10.244.2.11
t "p11 reaches p21 over IPv6 once more" pings p11 fd44:2::11

# --- a podnetctl entry wins over the kernel route -------------------------
t "podnetctl route add 10.244.2.0/24 via node 3" \
	N n1 timeout 20 podnetctl route add 10.244.2.0/24 via 192.168.0.3 dev podnet0
# Node 3 relays them to node 2 by its kernel route; node 2 drops them, the
# inner source being node 1's.
a0=$(to_node 3) s0=$(drop_count n2 spoofed_source)
N p11 ping -c 5 -i 0.2 -W 1 10.244.2.11 >/dev/null 2>&1
a1=$(to_node 3) s1=$(drop_count n2 spoofed_source)
tx=$(N n1 podnetctl -j route show dev podnet0 |
     jq '[.[] | select(.dst == "10.244.2.0/24") | .tx_packets] | add')
[ $((a1 - a0)) -ge 5 ] && [ $((s1 - s0)) -ge 5 ] && [ "${tx:-0}" -ge 5 ]
report $? "with both, pings go to node 3 ($((a1 - a0)), podnetctl route tx $tx), node 2 drops them relayed ($((s1 - s0)))"
t "podnetctl route del 10.244.2.0/24" \
	N n1 timeout 20 podnetctl route del 10.244.2.0/24 dev podnet0
sent_to "without the entry, the kernel route again: pings go to node 2" p11 10.244.2.11 2 3

# --- receive validation by the kernel routes --------------------------------
# Node 2's kernel routes: 10.244.1/24 and fd44:1::/64 via node 1,
# 10.244.3/24 and fd44:3::/64 via node 3, 192.168.0/24 on eth0.
rx_case "from node 1, inner source in node 1's prefix" 1 10.244.1.99 10.244.2.11 rx
rx_case "from node 1, inner IPv6 source in node 1's prefix" 1 fd44:1::99 fd44:2::11 rx
rx_case "from node 3, inner source in node 1's prefix" 3 10.244.1.99 10.244.2.11 spoofed
rx_case "from node 3, inner IPv6 source in node 1's prefix" 3 fd44:1::99 fd44:2::11 spoofed
rx_case "from node 1, inner source routed by eth0" 1 192.168.0.50 10.244.2.11 spoofed
rx_case "from node 1, inner source routed by podnet0 without gateway" 1 10.244.9.9 10.244.2.11 spoofed
rx_case "from node 1, inner source without route" 1 172.16.0.1 10.244.2.11 spoofed
t "p11 still reaches p21" pings p11 10.244.2.11

cluster_down
finish
