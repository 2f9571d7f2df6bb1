#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet MTU and path MTU: the default MTU is the underlay's minus the
# encapsulation; pods sending more than fits with DF set get ICMP
# fragmentation needed / packet too big, from the node's forwarding for
# the device MTU and from podnet for a smaller underlay path.
# vm-timeout: 900
# vm-core: yes
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "two nodes up over an IPv4 underlay" pair_up 4

mtu() { N "$1" ip -j link show "$2" | jq '.[0].mtu'; }
m=$(mtu n1 podnet0)
[ "$m" = 1464 ]
report $? "IPv4 underlay: default MTU 1500 - 36 = 1464 ($m)"
N n3 ip link add pn6 type podnet vni 7 local fd00::3
m=$(mtu n3 pn6)
[ "$m" = 1444 ]
report $? "IPv6 underlay: default MTU 1500 - 56 = 1444 ($m)"
N n3 ip link add pnm mtu 1300 type podnet vni 8 local 192.168.0.3
m=$(mtu n3 pnm)
[ "$m" = 1300 ]
report $? "an explicit mtu wins ($m)"

t "full-size packet with DF fits" N p11 ping -M "do" -c 1 -W 2 -s 1436 10.244.2.11
out=$(N p11 ping -M "do" -c 1 -W 2 -s 1437 10.244.2.11 2>&1)
echo "$out" | grep -q "mtu = 1464"
report $? "one byte more: frag needed, mtu 1464" "$out"
t "IPv6 full-size packet fits" N p11 ping -6 -M "do" -c 1 -W 2 -s 1416 fd44:2::11
out=$(N p11 ping -6 -M "do" -c 1 -W 2 -s 1417 fd44:2::11 2>&1)
echo "$out" | grep -qi "mtu = 1464\|too big"
report $? "IPv6 one byte more: packet too big" "$out"

# The underlay path shrinks below what podnet0's MTU assumes (on both
# nodes' links, so replies fit too).
for i in 1 2; do
	ip link set ul$i mtu 1400
	N n$i ip link set eth0 mtu 1400
done
before=$(drop_count n1 too_big)
out=$(N p11 ping -M "do" -c 2 -i 0.5 -W 2 -s 1400 10.244.2.11 2>&1)
echo "$out" | grep -q "mtu = 1364"
report $? "smaller underlay: podnet answers frag needed, mtu 1364" "$out"
after=$(drop_count n1 too_big)
[ "$after" -gt "$before" ]
report $? "smaller underlay: counted as too_big ($before -> $after)"
t "smaller underlay: packets that fit pass" \
	N p11 ping -M "do" -c 1 -W 2 -s 1336 10.244.2.11
# Without DF podnet sends the packet anyway and the outer IPv4 packet is
# fragmented: n2 reassembles the request (only outer packets are addressed
# to a node; p22 would reassemble fragmented inner packets) and n1 the
# reply, which n2 fragmented likewise.  From p12 to p22: p11 learned a
# path MTU to p21 above and would fragment the inner packet itself.
snmp() {	# snmp NODE FIELD: a counter of the Ip: line of /proc/net/snmp
	N "$1" awk -v f="$2" '$1 == "Ip:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 } else print $c[f] }' /proc/net/snmp
}
fc1=$(snmp n1 FragCreates) ro1=$(snmp n1 ReasmOKs) ro2=$(snmp n2 ReasmOKs)
out=$(N p12 ping -M dont -c 1 -W 3 -s 1400 10.244.2.12 2>&1)
report $? "smaller underlay: without DF a packet that does not fit passes" "$out"
fc1b=$(snmp n1 FragCreates) ro1b=$(snmp n1 ReasmOKs) ro2b=$(snmp n2 ReasmOKs)
[ $((fc1b - fc1)) -ge 2 ] && [ $((ro2b - ro2)) = 1 ] && [ $((ro1b - ro1)) = 1 ]
report $? "smaller underlay: without DF the outer packet is fragmented (n1 FragCreates $fc1 -> $fc1b, ReasmOKs n2 $ro2 -> $ro2b, n1 $ro1 -> $ro1b)"
out=$(N p11 ping -6 -M "do" -c 2 -i 0.5 -W 2 -s 1400 fd44:2::11 2>&1)
echo "$out" | grep -qi "mtu = 1364\|too big"
report $? "smaller underlay: IPv6 packet too big" "$out"

cluster_down
finish
