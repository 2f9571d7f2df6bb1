#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet across network namespaces: a device moved out of the namespace
# that created it keeps working through that namespace's sockets; it goes
# down when that namespace goes away; namespaces and the module go away
# cleanly with devices and routes in place; the genetlink family works
# inside any namespace and refuses changes without CAP_NET_ADMIN.
# vm-timeout: 900
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
underlay_up
pods_up 2
node_up 2 4
node_routes 2 4

# Node 1's podnet0 is created in n1 (the underlay) and moved into c1, a
# namespace that plays the pod 10.244.1.11.
ip netns add c1
t "create podnet0 in n1" N n1 ip link add podnet0 type podnet vni 42 local 192.168.0.1
t "move it to c1" N n1 ip link set podnet0 netns c1
N c1 ip link set lo up
N c1 ip addr add 10.244.1.11/32 dev podnet0
t "bring it up in c1" N c1 ip link set podnet0 up
N c1 ip route add 10.244.0.0/16 dev podnet0
echo "route 10.244.2.0/24 via 192.168.0.2" | N c1 timeout 20 podnetctl setconf podnet0 -
report $? "routes programmed from inside c1"
t "c1 reaches pod p21 through n1's socket" pings c1 10.244.2.11
t "p21 reaches c1" pings p21 10.244.1.11
N n1 ss -uln | grep -q ":6081"
report $? "the socket lives in n1"
t "no socket in c1" sh -c "! ip netns exec c1 ss -uln | grep -q :6081"

# Unprivileged in the device's namespace: reads work, changes do not.
# (setpriv is util-linux's, which make deps installs: not having it is a
# failure.)
t "setpriv is installed" command -v setpriv
t "unprivileged route show works" N c1 setpriv --reuid 65534 --regid 65534 \
	--clear-groups --inh-caps=-all --bounding-set=-all \
	podnetctl route show dev podnet0
tf "unprivileged route del is refused" N c1 setpriv --reuid 65534 \
	--regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	timeout 20 podnetctl route del 10.244.2.0/24 dev podnet0
t "the route is still there" sh -c \
	"[ \"\$(ip netns exec c1 podnetctl -j route show dev podnet0 | jq -r '.[].dst')\" = 10.244.2.0/24 ]"

# The creating namespace goes away: the device stays in c1, down.
ip netns del n1
sleep 2
up=$(N c1 ip -j link show podnet0 | jq -r '.[0].flags | index("UP") != null')
[ "$up" = false ]
report $? "podnet0 is down once n1 is gone"
tf "and cannot come up again" N c1 ip link set podnet0 up
t "its routes are still readable" N c1 podnetctl route show dev podnet0
t "c1 goes away with the device" ip netns del c1

# Module unload with devices and routes in several namespaces.
ip netns add c2
t "c2: create pa" N c2 ip link add pa type podnet vni 1
t "c2: bring pa up" N c2 ip link set pa up
t "n2: create pb next to podnet0, on port 6082" N n2 ip link add pb type podnet vni 2 port 6082
printf 'route 10.%d.0.0/16 via 192.168.0.9\n' $(seq 0 199) |
	N c2 timeout 20 podnetctl setconf pa -
report $? "c2: 200 routes on pa"
t "move pa to n3" N c2 ip link set pa netns n3
t "n3: pa arrived with its 200 routes" sh -c \
	"[ \$(ip netns exec n3 podnetctl -j route show dev pa | jq length) = 200 ]"
t "n2: pb and podnet0 are podnet devices, podnet0 with its 4 routes" sh -c \
	"[ \"\$(ip netns exec n2 podnetctl -j show | jq -c '[.[] | [.ifname, .routes]] | sort')\" = '[[\"pb\",0],[\"podnet0\",4]]' ]"
t "modprobe -r with devices and routes present" modprobe -r podnet
tf "pa is gone from n3" ip netns exec n3 ip link show pa
tf "pb is gone from n2" ip netns exec n2 ip link show pb
tf "podnet0 is gone from n2" ip netns exec n2 ip link show podnet0
t "modprobe podnet again" modprobe podnet
t "and create a device again" N n2 ip link add podnet0 type podnet vni 42

ip netns del c2
cluster_down
finish
