#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Valid, spoofed and malformed Geneve packets over an IPv6 underlay, sent
# raw from node 2's userspace to node 1's podnet0 one at a time: each adds
# one to exactly its counter (rx, or its drop reason); see raw_geneve in
# podnet_lib.sh.  Node 1 still forwards afterwards.
# vm-kernels: debug
# vm-timeout: 600
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "IPv6 underlay set up" pair_up 6
t "p11 reaches p21" pings p11 10.244.2.11

nraw=0
raw_geneve 2 1 6 >/tmp/raw.out 2>&1
while read -r res rest; do
	[ "$res" = ok ] || [ "$res" = not ] || { echo "# $res $rest"; continue; }
	[ "$res" = not ] && rest=${rest#ok }
	report "$([ "$res" = ok ]; echo $?)" "raw Geneve over IPv6 from node 2: ${rest%%: added*}" "${rest#*: }"
	nraw=$((nraw + 1))
done </tmp/raw.out
[ "$nraw" = 22 ]
report $? "raw Geneve over IPv6 from node 2: all 22 cases sent and checked ($nraw)"
t "node 1 still forwards after the garbage (IPv4, IPv6)" sh -c \
	"ip netns exec p11 ping -c 1 -W 2 10.244.2.11 >/dev/null &&
	 ip netns exec p11 ping -6 -c 1 -W 2 fd44:2::11 >/dev/null"

cluster_down
finish
