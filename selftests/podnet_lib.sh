# SPDX-License-Identifier: GPL-2.0
# Shared by the podnet_*.sh selftests (sourced, not run): KTAP reporting
# (ktap.sh) and a three-node cluster built from network namespaces.
#
# Topology: the guest's root namespace is the underlay switch (bridge
# br0); nodes n1..n3 are namespaces joined to it by veth, with underlay
# addresses 192.168.0.N/24 and fd00::N/64.  Each node has a podnet0
# device and two pods (namespaces pN1, pN2) attached by veth, with
# addresses 10.244.N.1J/32 and fd44:N::1J/128; the node answers the pods
# as 10.244.N.1 / fe80::1 and routes the pod range through podnet0.

PY=/usr/bin/python3
. "$(dirname "$0")/ktap.sh"

N() { ip netns exec "$@"; }	# N NS CMD...

# drop_count NODE REASON: a drop counter of node's podnet0, e.g. spoofed_source
drop_count() {
	N "$1" podnetctl -j show podnet0 |
		jq -r ".[0].drops.$2 // .drops.$2 // 0"
}

underlay_up() {
	ip link add br0 type bridge
	ip link set br0 up
	for i in 1 2 3; do
		ip netns add n$i
		ip link add ul$i type veth peer name eth0 netns n$i
		ip link set ul$i master br0 up
		N n$i ip link set lo up
		N n$i ip link set eth0 up
		N n$i ip addr add 192.168.0.$i/24 dev eth0
		N n$i ip addr add fd00::$i/64 dev eth0 nodad
		N n$i sysctl -qw net.ipv4.ip_forward=1
		N n$i sysctl -qw net.ipv6.conf.all.forwarding=1
		N n$i sysctl -qw net.ipv4.conf.all.rp_filter=0
		N n$i sysctl -qw net.ipv4.conf.default.rp_filter=0
	done
}

# pods_up N: the two pods of node N
pods_up() {
	local i=$1 j
	for j in 1 2; do
		ip netns add p$i$j
		N n$i ip link add vp$j type veth peer name eth0 netns p$i$j
		N n$i ip link set vp$j up
		N n$i ip addr add 10.244.$i.1/32 dev vp$j
		N n$i ip addr add fe80::1/64 dev vp$j nodad
		N n$i ip route add 10.244.$i.1$j/32 dev vp$j
		N n$i ip -6 route add fd44:$i::1$j/128 dev vp$j
		N p$i$j ip link set lo up
		N p$i$j ip link set eth0 up
		N p$i$j ip addr add 10.244.$i.1$j/32 dev eth0
		N p$i$j ip addr add fd44:$i::1$j/128 dev eth0 nodad
		N p$i$j ip route add 10.244.$i.1/32 dev eth0
		N p$i$j ip route add default via 10.244.$i.1 dev eth0
		N p$i$j ip -6 route add default via fe80::1 dev eth0
	done
}

# node_up N UNDERLAY(4|6) [extra ip-link args]: podnet0 on node N
node_up() {
	local i=$1 fam=$2 local
	shift 2
	if [ "$fam" = 4 ]; then local="local 192.168.0.$i"
	else local="local fd00::$i"; fi
	N n$i ip link add podnet0 type podnet vni 42 $local "$@" || return 1
	N n$i ip link set podnet0 up || return 1
	N n$i ip route add 10.244.0.0/16 dev podnet0
	N n$i ip -6 route add fd44::/16 dev podnet0
}

# node_routes N UNDERLAY: routes of node N to the other nodes' pods,
# installed at once as a bootstrap agent would
node_routes() {
	local i=$1 fam=$2 k via
	for k in 1 2 3; do
		[ $k = $i ] && continue
		if [ "$fam" = 4 ]; then via=192.168.0.$k; else via=fd00::$k; fi
		echo "route 10.244.$k.0/24 via $via"
		echo "route fd44:$k::/64 via $via"
	done | N n$i timeout 20 podnetctl setconf podnet0 -
}

cluster_up() {	# cluster_up UNDERLAY
	local i
	underlay_up
	for i in 1 2 3; do
		pods_up $i
		node_up $i "$1" || return 1
		node_routes $i "$1" || return 1
	done
}

cluster_down() {
	local i j
	for i in 1 2 3; do
		for j in 1 2; do ip netns del p$i$j 2>/dev/null; done
		ip netns del n$i 2>/dev/null
	done
	ip link del br0 2>/dev/null
	true
}

# pings FROM_POD ADDR: one quick ping (retries once for neighbour setup)
pings() {
	N "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 ||
		N "$1" ping -c 2 -i 0.3 -W 2 "$2" >/dev/null 2>&1
}
