#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# GRO on podnet's receive path: node 1 segments its Geneve packets before
# they leave (no UDP tunnel segmentation offload on its underlay veth),
# and node 2's underlay veth has GRO on (ethtool; and no TSO on its peer),
# so the Geneve packets of a TCP stream are aggregated by podnet's GRO
# hooks before podnet decapsulates them.  podnet counts a route's
# rx_packets in segments and the device's in packets it received: equal
# without GRO, at least 2 to 1 with it.  The stream arrives intact both
# ways.
# vm-timeout: 600
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "ethtool is installed" command -v ethtool
t "two nodes up over an IPv4 underlay" pair_up 4
t "n1: no UDP tunnel segmentation offload on the underlay" \
	N n1 ethtool -K eth0 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
# veth hands a packet to its peer's GRO only if the sending side has no
# TSO (veth_skb_is_eligible_for_gro): node 2's switch port ul2.
t "switch: no TSO on ul2, node 2's port" ethtool -K ul2 tso off
t "p11 reaches p21" pings p11 10.244.2.11

# rx NODE: "SEGMENTS PACKETS": rx_packets of NODE's routes (segments;
# the counters are each node's, so each via once) and of its podnet0
# (packets received)
rx() {
	echo "$(N "$1" podnetctl -j route show dev podnet0 |
		jq '[group_by(.gateway)[] | .[0].rx_packets] | add')" \
		"$(N "$1" ip -j -s link show podnet0 | jq '.[0].stats64.rx.packets')"
}

# stream TAG: 2 MiB over TCP from p11 to p21, content checked; sets seg
# and pkt, what node 2's podnet0 received for it
stream() {
	local sent got r0 r1
	tcp_recv p21 10.244.2.11 /tmp/gro.rx &
	local srv=$!
	r0=$(rx n2)
	sent=$(tcp_send p11 10.244.2.11 2)
	wait $srv
	got=$(cat /tmp/gro.rx)
	[ -n "$sent" ] && [ "$sent" = "$got" ]
	report $? "$1: 2 MiB TCP stream p11 -> p21 arrives intact" "sent: $sent; received: $got"
	r1=$(rx n2)
	# shellcheck disable=SC2086
	set -- $r0 $r1
	seg=$(($3 - $1)) pkt=$(($4 - $2))
}

t "n2: GRO off on the underlay veth" N n2 ethtool -K eth0 gro off
stream "GRO off"
[ "$seg" -gt 1000 ] && [ "$seg" = "$pkt" ]
report $? "GRO off: node 2 received every segment as a packet ($seg segments, $pkt packets)"

t "n2: GRO on on the underlay veth" N n2 ethtool -K eth0 gro on
has "n2: ethtool shows it on" "generic-receive-offload: on" N n2 ethtool -k eth0

# aggregated WHAT: the stream's segments arrived aggregated.  A 64 KiB
# aggregate holds about 45 segments, but how many arrive in one NAPI poll
# depends on timing (under TCG: 2.7 segments per packet seen on 6.12, 1.96
# to 4.9 on the 7.3 debug kernel, 11 on 6.1); without GRO it is exactly 1.
# Ask for a tenth fewer packets than segments.
aggregated() {
	[ "$seg" -gt 1000 ] && [ $((pkt * 10)) -le $((seg * 9)) ]
	report $? "$1: node 2 received the segments aggregated ($seg segments in $pkt packets)"
}

# Before 6.10, GRO past a tunnel left skb->network_header at the inner IP
# header, and the UDP layer's gro_complete looked the tunnel's socket up by
# it: podnet's socket, bound to its local address, was not found and every
# aggregate was split again (see compat.h).  Each form of the outer header
# has its own completion: IPv4 with and without a UDP checksum, IPv6.
stream "GRO on"
aggregated "GRO on, IPv4 underlay, UDP checksum"
t "GRO on: p21 still reaches p11 (the other way, ping)" pings p21 10.244.1.11
t "GRO on: IPv6 over the tunnel" pings p11 fd44:2::11
t "n1: podnet0 without UDP checksums" N n1 ip link set podnet0 type podnet noudpcsum
stream "GRO on, no UDP checksum"
aggregated "GRO on, IPv4 underlay, no UDP checksum"
cluster_down

t "two nodes up over an IPv6 underlay" pair_up 6
t "n1: no UDP tunnel segmentation offload on the IPv6 underlay" \
	N n1 ethtool -K eth0 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
t "switch: no TSO on ul2" ethtool -K ul2 tso off
t "n2: GRO on on the underlay veth" N n2 ethtool -K eth0 gro on
t "p11 reaches p21 over the IPv6 underlay" pings p11 10.244.2.11
stream "GRO on, IPv6 underlay"
aggregated "GRO on, IPv6 underlay"

cluster_down
finish
