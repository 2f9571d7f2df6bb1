#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Containers from podman on podnet, through CNI: three nodes (network
# namespaces, IPv4 underlay, pod routes learned over BGP from each node's
# BIRD, run by podnet-up --bgp-run; node 1 is the route reflector, the
# routes reach podnet as kernel routes) each get the configuration
# podnet-cni writes from their podnet0.conf (pod-cidr 10.244.N.0/24 and
# fd44:N::/64, the node's own address kept out of the range), idempotently;
# a bad pod-cidr is refused with nothing written.  A busybox container on
# each node (image made with podman import, no registry) pings the others
# over IPv4 and IPv6 and fetches a checksummed 2 MiB file from the next
# node's container over TCP (busybox httpd and wget), the traffic counted
# on podnet0.  A fourth node joins with its own files only: BGP brings
# its prefixes to the others and theirs to it, its container and theirs
# reach each other, and no other node's file changes.  A podvol volume made a podman volume by
# podvol-podman: written by one container, read back by the next, its
# release refused while a container uses it, then the volume gone.
# vm-kernels: trixie
# vm-core: yes
# vm-timeout: 900
set -u
. "$(dirname "$0")/podnet_lib.sh"
. "$(dirname "$0")/podman_lib.sh"

R=/run/podkit-cni	# per node: podnet conf, CNI conf, IPAM state, podman
IMG=localhost/podkit-busybox:latest
NODES="1 2 3"
loops=()

declare -A BIRD
cleanup() {
	local i
	for i in "${!BIRD[@]}"; do kill "${BIRD[$i]}" 2>/dev/null; done
	wait 2>/dev/null
	for i in $NODES; do
		pid=$(cat "$R/n$i/run/podnet0.bird.pid" 2>/dev/null) &&
			kill -KILL "$pid" 2>/dev/null
	done
	for i in $NODES; do
		P "$i" rm -a -f -t 0 >/dev/null 2>&1
		P "$i" volume rm -a -f >/dev/null 2>&1
	done
	for i in $NODES; do umount -R "/var/lib/podkit-cni/n$i" 2>/dev/null; done
	podvolctl pool stop ctr >/dev/null 2>&1
	for l in "${loops[@]+"${loops[@]}"}"; do losetup -d "$l" 2>/dev/null; done
	udevadm control --exit 2>/dev/null
	ip netns del n4 2>/dev/null
	cluster_down
	rm -rf "$R" /var/lib/podkit-cni /tmp/podnet_cni.*
}
trap cleanup EXIT

# ON N CMD...: CMD in node N's network namespace with node N's podman
# configuration (each node its own storage, state, CNI directory)
ON() {
	local i=$1
	shift
	CONTAINERS_CONF=$R/n$i/containers.conf \
	CONTAINERS_STORAGE_CONF=$R/n$i/storage.conf \
		nsenter --net=/run/netns/n$i "$@"
}
P() { local i=$1; shift; ON "$i" podman "$@"; }
# PV CMD...: podvol-podman for node 1, in the initial network namespace
# (podvol's generic netlink family lives there only)
PV() {
	CONTAINERS_CONF=$R/n1/containers.conf CONTAINERS_STORAGE_CONF=$R/n1/storage.conf \
		podvol-podman "$@"
}
cni() { local i=$1; shift; N "n$i" podnet-cni -c "$R/n$i/podnet" -o "$R/n$i/net.d" \
	--data-dir "$R/n$i/ipam" "$@" podnet0; }
addr4() { P "$1" inspect -f '{{.NetworkSettings.Networks.podnet.IPAddress}}' "c$1"; }
addr6() { P "$1" inspect -f '{{.NetworkSettings.Networks.podnet.GlobalIPv6Address}}' "c$1"; }
cpid() { P "$1" inspect -f '{{.State.Pid}}' "c$1"; }
txsum() { N "n$1" ip -j -s link show podnet0 | jq '.[0].stats64.tx.bytes'; }
# has_routes I K: node I learned node K's prefixes from BIRD, in the form
# podnet reads from the kernel routing table
has_routes() {
	local r
	r=$(ip -n "n$1" route show dev podnet0 proto bird
	    ip -n "n$1" -6 route show dev podnet0 proto bird)
	[[ $r == *"10.244.$2.0/24 via 192.168.0.$2 "*onlink* ]] &&
	[[ $r == *"fd44:$2::/64 via ::192.168.0.$2 "*onlink* ]]
}
full_mesh() {
	local i k
	for i in $NODES; do for k in $NODES; do
		[ "$i" = "$k" ] || has_routes "$i" "$k" || return 1
	done; done
}

node_conf() {	# node_conf N: node N's podman and podnet configuration
	local i=$1
	mkdir -p "$R/n$i/podnet" /var/lib/podkit-cni/n$i
	cat > "$R/n$i/podnet/podnet0.conf" <<EOF
vni 42
local 192.168.0.$i
address 10.244.$i.2/32		# the node's own: not for containers
address fd44:$i::2
pod-cidr 10.244.$i.0/24
pod-cidr fd44:$i::/64
bgp-as 64512
bgp-hold 15
bgp-keepalive 3
$(if [ "$i" = 1 ]; then echo "bgp-rr-clients 192.168.0.0/24"; else echo "bgp-peer 192.168.0.1"; fi)
EOF
	if [ "$i" = 1 ]; then
		podman_conf "$R/n$i" /var/lib/podkit-cni/n$i
	else
		podman_conf "$R/n$i" /var/lib/podkit-cni/n$i /var/lib/podkit-cni/n1
	fi
}

podnet_up() {	# podnet_up N: node N's podnet0 (mtu 1380), its addresses
	local i=$1
	node_up "$i" 4 && N "n$i" ip link set podnet0 mtu 1380 &&
		N "n$i" ip addr add 10.244.$i.2/32 dev podnet0 &&
		N "n$i" ip addr add fd44:$i::2/128 dev podnet0 nodad
	report $? "node $i: podnet0 up (mtu 1380), its addresses"
}
# bird_up N: node N's BIRD, as podnet-bird@podnet0.service runs it.  ip,
# env and podnet-up exec one another into bird: BIRD holds bird's PID
# (this is not to be called in a subshell).
bird_up() {
	ip netns exec "n$1" env PODNET_RUNDIR="$R/n$1/run" \
		podnet-up -c "$R/n$1/podnet" --bgp-run podnet0 >"/tmp/podnet_cni.bird$1" 2>&1 &
	BIRD[$1]=$!
}
# converged WHAT: every node of NODES learns every other node's prefixes,
# within 300 s (the bound podnet_bgp allows a guest starved by make
# check's other lanes)
converged() {
	local t0=$SECONDS i
	until full_mesh || [ $((SECONDS - t0)) -ge 300 ]; do sleep 0.5; done
	full_mesh
	report $? "BGP: $1 ($((SECONDS - t0)) s)" \
		"$(for i in $NODES; do echo "n$i:"; ip -n "n$i" route show proto bird
		   ip -n "n$i" -6 route show proto bird; cat "/tmp/podnet_cni.bird$i"; done)"
}

# --- nodes and their CNI configuration -------------------------------------
underlay_up
for i in $NODES; do
	node_conf "$i"
	podnet_up "$i"
done
for i in $NODES; do bird_up "$i"; done
converged "every node learned every other node's IPv4 and IPv6 pod prefixes"
check "no pod route in podnet's own table: podnet reads the kernel's" \
	eval 'for i in $NODES; do [ "$(N n$i podnetctl -j route show dev podnet0 | jq length)" = 0 ] || exit 1; done'

for i in $NODES; do
	t "node $i: podnet-cni writes the CNI network" cni "$i"
done
# each node: ptp on podnet0's MTU, its own prefixes less gateway .1 and
# the node's .2, default routes for both families
conf_ok() {
	local i=$1
	jq -e --arg i "$i" '.name == "podnet" and (.plugins | length) == 1 and
	  (.plugins[0] | .type == "ptp" and .mtu == 1380 and .ipMasq == false and
	   .ipam.type == "host-local" and .ipam.dataDir == "/run/podkit-cni/n\($i)/ipam" and
	   .ipam.ranges == [[{subnet: "10.244.\($i).0/24", rangeStart: "10.244.\($i).3",
			       rangeEnd: "10.244.\($i).254", gateway: "10.244.\($i).1"}],
			     [{subnet: "fd44:\($i)::/64", rangeStart: "fd44:\($i)::3",
			       rangeEnd: "fd44:\($i)::ffff:ffff:ffff:ffff", gateway: "fd44:\($i)::1"}]] and
	   .ipam.routes == [{dst: "0.0.0.0/0"}, {dst: "::/0"}])' \
		"$R/n$i/net.d/podnet.conflist"
}
check "the configurations: ptp, podnet0's MTU, pod prefixes less gateway and node addresses" \
	eval 'for i in $NODES; do conf_ok $i || exit 1; done'
sum0=$(md5sum "$R/n1/net.d/podnet.conflist")
mt0=$(stat -c %Y.%i "$R/n1/net.d/podnet.conflist")
has "podnet-cni again: unchanged" "unchanged" cni 1
check "the file is untouched" test "$(md5sum "$R/n1/net.d/podnet.conflist") $(stat -c %Y.%i "$R/n1/net.d/podnet.conflist")" = "$sum0 $mt0"

diag "CNI configurations written at ${SECONDS}s"
# --- bad input: refused, nothing written -----------------------------------
mkdir -p "$R/bad/podnet"
sed 's|^pod-cidr fd44:1::/64|pod-cidr fd44:1::1/64|' "$R/n1/podnet/podnet0.conf" > "$R/bad/podnet/podnet0.conf"
tf "a pod-cidr with host bits set is refused" \
	N n1 podnet-cni -c "$R/bad/podnet" -o "$R/bad/net.d" podnet0
check "nothing was written" test ! -e "$R/bad/net.d"
tf "a pod-cidr too small for pods (/31) is refused" \
	N n1 podnet-cni -c "$R/n1/podnet" -o "$R/n1/net.d" --pod-cidr 10.244.1.0/31 podnet0
check "node 1's configuration is unchanged" test "$(md5sum "$R/n1/net.d/podnet.conflist")" = "$sum0"

diag "bad input checked at ${SECONDS}s"
# --- podman containers on the overlay ---------------------------------------
t "podman import of a busybox root" busybox_import "$R/n1" $IMG
# each container serves 2 MiB of random data and its sha256 over HTTP
serve='dd if=/dev/urandom of=/www/blob bs=64k count=32 2>/dev/null &&
	sha256sum /www/blob > /www/blob.sum && httpd -p 8080 -h /www && exec sleep 3600'
declare -A A4 A6 PID
ctr_run() {	# ctr_run N: container cN on node N, its addresses into A4, A6
	local i=$1 l4 mtu
	t "node $i: podman run --network podnet" P "$i" run -d --name "c$i" --network podnet $IMG sh -c "$serve"
	read -r "A4[$i]" "A6[$i]" "PID[$i]" < <(P "$i" inspect -f \
		'{{.NetworkSettings.Networks.podnet.IPAddress}} {{.NetworkSettings.Networks.podnet.GlobalIPv6Address}} {{.State.Pid}}' "c$i")
	l4=$(N "n$i" ip -j route show "${A4[$i]}" | jq -r '.[0].dev // empty')
	mtu=$(nsenter -t "${PID[$i]}" -n cat /proc/sys/net/ipv6/conf/eth0/mtu)
	[ "${A4[$i]}" = 10.244.$i.3 ] && [ "${A6[$i]}" = fd44:$i::3 ] &&
		[[ $l4 == veth* ]] && [ "$mtu" = 1380 ]
	report $? "container $i: ${A4[$i]} and ${A6[$i]} from host-local (not the node's .2), mtu 1380, routed on node $i to its veth" \
		"ip4 ${A4[$i]} ip6 ${A6[$i]} host route dev '$l4' mtu '$mtu'"
}
for i in $NODES; do ctr_run "$i"; done

diag "containers running at ${SECONDS}s"
# probe I K J...: one podman exec in container I (each costs seconds
# under TCG): it pings the containers of nodes J... over IPv4 and IPv6 and
# fetches node K's file over both, printing "ping ADDR ok|fail" and
# "get URL SHA256" into /tmp/podnet_cni.outI
probe() {
	local i=$1 k=$2 j a u script=""
	shift 2
	for j; do
		for a in "${A4[$j]}" "${A6[$j]}"; do
			script+="if ping -c 1 -W 3 $a >/dev/null || ping -c 2 -W 3 $a >/dev/null; then echo ping $a ok; else echo ping $a fail; fi;"
		done
	done
	for u in "http://${A4[$k]}:8080" "http://[${A6[$k]}]:8080"; do
		script+="echo get $u \$(wget -q -O - $u/blob | sha256sum);"
	done
	P "$i" exec "c$i" sh -c "$script" > "/tmp/podnet_cni.out$i" 2>&1
}
pinged() {	# pinged FAM I J...: container I's probe reached those of J...
	local fam=$1 i=$2 j a out targets="" rc=0
	shift 2
	out=$(cat "/tmp/podnet_cni.out$i")
	for j; do
		if [ "$fam" = 4 ]; then a=${A4[$j]}; else a=${A6[$j]}; fi
		targets+=" $a"
		grep -qxF "ping $a ok" <<<"$out" || rc=1
	done
	report $rc "container $i pings the containers of node(s) $* over IPv$fam:$targets" "$out"
}
fetched() {	# fetched FAM I K: container I's probe got K's file intact
	local fam=$1 i=$2 k=$3 u want got
	if [ "$fam" = 4 ]; then u=http://${A4[$k]}:8080; else u=http://[${A6[$k]}]:8080; fi
	want=$(cut -d' ' -f1 "/proc/${PID[$k]}/root/www/blob.sum")
	got=$(grep -F "get $u " "/tmp/podnet_cni.out$i" | cut -d' ' -f3)
	[ -n "$want" ] && [ "$want" = "$got" ]
	report $? "container $i fetches 2 MiB from container $k over IPv$fam, sha256 intact" \
		"sent $want, received $got"
}
others() { local j; for j in $NODES; do [ "$j" = "$1" ] || echo "$j"; done; }
next() { echo $(($1 % 3 + 1)); }	# next I: whose file container I fetches
tx0=()
for i in $NODES; do tx0[i]=$(txsum "$i"); done
# shellcheck disable=SC2046
for i in $NODES; do probe "$i" "$(next "$i")" $(others "$i"); done
for fam in 4 6; do
	# shellcheck disable=SC2046
	for i in $NODES; do pinged $fam "$i" $(others "$i"); done
done
for fam in 4 6; do
	for i in $NODES; do fetched $fam "$i" "$(next "$i")"; done
done
for i in $NODES; do
	tx=$(txsum "$i")
	# the next node fetched this node's 2 MiB file twice (IPv4, IPv6):
	# at least 4 MiB left through podnet0
	[ $((tx - tx0[i])) -ge $((4 << 20)) ]
	report $? "node $i: the traffic went through podnet0 ($((tx - tx0[i])) bytes sent)"
done

diag "traffic checked at ${SECONDS}s"
# --- node 4 joins with its own files only -------------------------------------
files() { local i; for i in 1 2 3; do md5sum "$R/n$i/podnet/podnet0.conf" "$R/n$i/net.d/podnet.conflist"; done; }
before=$(files)
underlay_node 4
node_conf 4
podnet_up 4
bird_up 4
NODES="1 2 3 4"
converged "node 4 joins: every node learned its prefixes, and it learned theirs"
t "node 4: podnet-cni writes the CNI network" cni 4
ctr_run 4
probe 4 1 1 2 3
probe 1 4 4
for fam in 4 6; do
	pinged $fam 4 1 2 3
	pinged $fam 1 4
	fetched $fam 4 1
	fetched $fam 1 4
done
check "no other node's podnet0.conf or CNI configuration changed" test "$(files)" = "$before"

for i in $NODES; do P "$i" rm -f -t 0 "c$i" >/dev/null 2>&1; done
check "IPAM released the containers' addresses" \
	eval "! ls $R/n*/ipam/podnet/ | grep -q '^10\.244\|^fd44'"

diag "node 4 checked at ${SECONDS}s"
# --- a podvol volume for containers -----------------------------------------
modprobe loop
for d in 0 1; do
	truncate -s 128M "/tmp/podnet_cni.disk$d"
	loops+=("$(losetup -f --show "/tmp/podnet_cni.disk$d")")
done
t "modprobe podvol, start systemd-udevd" sh -c \
	'modprobe podvol && /lib/systemd/systemd-udevd --daemon' 
t "pool ctr on two loop devices" podvolctl pool create ctr "${loops[@]}"
udevadm settle --timeout=30
tf "podvol-podman refuses --fs btrfs" PV create ctr/data 64M --fs btrfs
tf "podvol-podman refuses a pool that does not exist" PV create nopool/data 64M
check "nothing was created" eval '[ "$(podvolctl -j volume list ctr | jq length)" = 0 ] && [ -z "$(P 1 volume ls -q)" ]'
t "podvol-podman create ctr/data 64M" PV create ctr/data 64M
jqt "podman volume data: ext4 on /dev/podvol/ctr/data" \
	'.[0].Options.device == "/dev/podvol/ctr/data" and .[0].Options.type == "ext4"' \
	P 1 volume inspect data
out=$(P 1 run --rm --network none -v data:/data $IMG sh -c \
	'grep " /data " /proc/mounts && dd if=/dev/urandom of=/data/f bs=64k count=16 2>/dev/null && sha256sum /data/f' 2>&1)
sum=$(grep /data/f <<<"$out")
# /proc/mounts names the device the link resolves to
grep -q "^$(readlink -f /dev/podvol/ctr/data) /data ext4 " <<<"$out" && [ -n "$sum" ]
report $? "a container writes 1 MiB to the volume, mounted from /dev/podvol/ctr/data" "$out"
check "the volume is unmounted once the container is gone" \
	eval '! grep -q "^/dev/podvol" /proc/mounts && [ "$(podvolctl -j volume list ctr | jq ".[0].open_count")" = 0 ]'
t "a new container reads the same data back" \
	P 1 run --rm --network none -v data:/data $IMG sh -c "echo '$sum' | sha256sum -c -s"
t "a container keeps the volume in use" P 1 run -d --name user --network none -v data:/data $IMG sleep 600
tf "podvol-podman release refuses while it is used" PV release data
check "the podvol volume is still there" test -b /dev/podvol/ctr/data
P 1 rm -f -t 0 user >/dev/null 2>&1
t "podvol-podman release data" PV release data
check "the podman volume and the podvol volume are gone" \
	eval '! P 1 volume exists data && [ "$(podvolctl -j volume list ctr | jq length)" = 0 ]'
diag "done at ${SECONDS}s"
finish
