#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pod routes by BGP (BIRD), each node set up only from its own podnet.conf
# by podnet-up: node 1 is a route reflector accepting any node of the
# underlay (bgp-rr-clients), nodes 2-4 peer with it; IPv4 and IPv6 pod
# prefixes over an IPv4 underlay.  Every node learns every other node's
# prefixes as "via NODE dev podnet0 onlink" (IPv6: via ::NODE, IPv4-compatible) and its
# pods reach every other node's pods (ping, checksummed TCP); node 5 joins
# with its own file only; node 4's BIRD freezes: the others withdraw its
# prefixes within the hold time and its pods get ICMP unreachable; 1,000
# prefixes announced and withdrawn twice on node 2 while node 5's session
# flaps three times and a ping runs leave no route behind; BGP settings BIRD refuses are refused by --check.
# vm-kernels: trixie
# vm-core: yes
# vm-timeout: 2400
set -u
. "$(dirname "$0")/podnet_lib.sh"

# The hold time: short, for the loss check, and long enough that a guest
# starved of CPU by make check's other lanes keeps its sessions.
HOLD=15
CONF=/tmp/bgp-conf	# CONF/nI/podnet0.conf: node I's file

# conf I [RR]: node I's podnet.conf
conf() {
	mkdir -p "$CONF/n$1"
	{
		echo "vni 42"
		echo "local 192.168.0.$1"
		echo "address 10.244.$1.1/32"
		echo "cluster-cidr 10.244.0.0/16"
		echo "cluster-cidr fd44::/16"
		echo "pod-cidr 10.244.$1.0/24"
		echo "pod-cidr fd44:$1::/64"
		echo "bgp-as 64512"
		echo "bgp-hold $HOLD"
		echo "bgp-keepalive 3"
		if [ "${2:-}" = rr ]; then
			echo "bgp-rr-clients 192.168.0.0/24"
		else
			echo "bgp-peer 192.168.0.1"
		fi
	} > "$CONF/n$1/podnet0.conf"
}
# pu I ARGS...: podnet-up of node I, in its namespace, with its own files
pu() {
	local i=$1
	shift
	N "n$i" env PODNET_RUNDIR="/run/podnet-n$i" podnet-up -c "$CONF/n$i" "$@"
}
declare -A RUNPID
# No BIRD of this test may outlive it, whatever way it ends: the next test
# of a batch guest would find its sessions and routes.
kill_birds() {
	local i pid
	for i in 1 2 3 4 5; do
		pid=$(cat "/run/podnet-n$i/podnet0.bird.pid" 2>/dev/null) &&
			kill -KILL "$pid" 2>/dev/null
	done
	return 0
}
trap kill_birds EXIT
# bgp_start I: node I's podnet-bird service.  ip, env and podnet-up exec
# one another into bird, so RUNPID is bird's own PID (through a shell
# function it would be a subshell's, and killing that leaves bird running
# in the next test of the guest).
bgp_start() {
	ip netns exec "n$1" env PODNET_RUNDIR="/run/podnet-n$1" \
		podnet-up -c "$CONF/n$1" --bgp-run podnet0 >"/tmp/bgp-run.n$1" 2>&1 &
	RUNPID[$1]=$!
}
node() {	# node I [rr]: node I's namespace, pods and podnet0
	ip netns add "n$1"
	ip link add "ul$1" type veth peer name eth0 netns "n$1"
	ip link set "ul$1" master br0 up
	N "n$1" sh -c "ip link set lo up && ip link set eth0 up &&
		ip addr add 192.168.0.$1/24 dev eth0 &&
		sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
	pods_up "$1"
	conf "$@"
	pu "$1" -q podnet0
}
# The checks below run in loops while BIRD works: two ip processes a node
# (ip -n, no netns exec) and shell pattern matching, nothing more.
routes() {	# routes I: node I's BGP routes, IPv4 then IPv6, into R
	R=$(ip -n "n$1" route show dev podnet0 proto bird
	    ip -n "n$1" -6 route show dev podnet0 proto bird)
}
# has_routes I K: node I has node K's prefixes in the expected form
has_routes() {
	routes "$1"
	[[ $R == *"10.244.$2.0/24 via 192.168.0.$2 "*onlink* ]] &&
	[[ $R == *"fd44:$2::/64 via ::192.168.0.$2 "*onlink* ]]
}
lacks_routes() {	# lacks_routes I K: neither of node K's prefixes
	routes "$1"
	[[ $R != *"10.244.$2.0/24 "* ]] && [[ $R != *"fd44:$2::/64 "* ]]
}
# wait_all SECS CMD NODE... : CMD I K holds for every node I of NODES and
# K (the last argument, prefixed by K=); prints the seconds it took
now() { date +%s.%N; }
wait_for() {	# wait_for SECS CMD...: retries CMD every 0.2 s
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.5
	done
}
all_have() {	# all_have K NODE...: each NODE has K's routes
	local k=$1 i
	shift
	for i; do has_routes "$i" "$k" || return 1; done
}
all_lack() {
	local k=$1 i
	shift
	for i; do lacks_routes "$i" "$k" || return 1; done
}
full_mesh() {	# full_mesh NODE...: every node has every other's routes
	local i k
	for i; do for k; do
		[ "$i" = "$k" ] || has_routes "$i" "$k" || return 1
	done; done
}
# table I: node I's BGP routes with its own prefixes left out, as the
# other nodes would see them (the gateway is the owner's address)
table() {
	routes "$1"
	awk '{ print $1, $3 }' <<<"$R" | sort
}

t "modprobe podnet" modprobe podnet
ip link add br0 type bridge && ip link set br0 up
out=$(for i in 1 2 3 4; do
	if [ $i = 1 ]; then node $i rr; else node $i; fi || exit 1
done 2>&1)
report $? "4 nodes set up by podnet-up from their own podnet.conf" "$out"

# --- bad settings are refused before anything changes -------------------
echo "# $(date +%T) bad settings"
mkdir -p "$CONF/bad"
badconf() {	# badconf DESC PATTERN LINES...: --check refuses, nothing changes
	local d=$1 p=$2 before after o rc
	shift 2
	{ sed '/^bgp-/d' "$CONF/n2/podnet0.conf"; printf '%s\n' "$@"; } > "$CONF/bad/podnet0.conf"
	before=$(N n2 ip route show; N n2 ip link show podnet0)
	o=$(N n2 env PODNET_RUNDIR=/run/podnet-bad podnet-up -c "$CONF/bad" podnet0 2>&1)
	rc=$?
	after=$(N n2 ip route show; N n2 ip link show podnet0)
	refused $rc "$o" && grep -q -- "$p" <<<"$o" && [ "$before" = "$after" ] &&
		[ ! -e /run/podnet-bad ]
	report $? "$d: refused, nothing changed" "rc=$rc: $o"
}
badconf "BIRD refuses keepalive 0 (bgp-hold 0)" "BIRD refuses" \
	"bgp-as 64512" "bgp-hold 0" "bgp-peer 192.168.0.1"
badconf "keepalive not shorter than hold" "must be shorter" \
	"bgp-as 64512" "bgp-hold 6" "bgp-keepalive 6" "bgp-peer 192.168.0.1"
badconf "an AS number out of range" "bgp-as must be" \
	"bgp-as 4294967296" "bgp-peer 192.168.0.1"
badconf "BGP without a peer" "without any 'bgp-peer'" "bgp-as 64512"

# --- four nodes ---------------------------------------------------------
echo "# $(date +%T) BGP starts"
t0=$(now)
for i in 1 2 3 4; do bgp_start $i; done
wait_for 300 full_mesh 1 2 3 4
rc=$?
t1=$(now)
report $rc "every node learns every other node's prefixes ($(echo "$t1 - $t0" | bc) s)" \
	"$(for i in 1 2 3 4; do echo "n$i:"; table $i; cat /tmp/bgp-run.n$i; done)"
has "podnet-up --status shows the sessions established" "Established" pu 1 --status podnet0
out=$(pu 2 --status podnet0 2>&1)
grep -q "rr1\|peer_192_168_0_1 .*Established" <<<"$out" && grep -q "10.244.3.0/24 via 192.168.0.3" <<<"$out" &&
	grep -q "fd44:3::/64 via ::192.168.0.3" <<<"$out"
report $? "podnet-up --status on a client: session and routes" "$out"

for i in 1 2 3 4; do
	out=$(for k in 1 2 3 4; do
		[ $k = $i ] && continue
		pings "p${i}1" "10.244.$k.11" || echo "no reply from 10.244.$k.11"
		pings "p${i}1" "fd44:$k::12" || echo "no reply from fd44:$k::12"
	done)
	report "$([ -z "$out" ] && echo 0 || echo 1)" "pods of node $i ping every other node's pods (IPv4, IPv6)" "$out"
done
# A checksummed TCP stream from each node to the next, IPv4 and IPv6 in
# turn (the pings above covered every pair; a stream costs seconds of
# Python under TCG).
echo "# $(date +%T) TCP"
for i in 1 2 3 4; do
	k=$((i % 4 + 1))
	if [ $((i % 2)) = 1 ]; then a=10.244.$k.12; else a=fd44:$k::12; fi
	tcp_recv "p${k}2" $a /tmp/bgp.rx &
	srv=$!
	sleep 0.5
	sent=$(tcp_send "p${i}1" $a 1)
	wait $srv
	got=$(cat /tmp/bgp.rx)
	[ -n "$sent" ] && [ "$sent" = "$got" ]
	report $? "1 MiB TCP stream from node $i's pod to node $k's $a arrives intact" \
		"sent: $sent; received: $got"
done

# --- a fifth node joins with its own file only -----------------------------
echo "# $(date +%T) join"
sums=$(md5sum "$CONF"/n[1-4]/podnet0.conf)
out=$(node 5 2>&1)
report $? "node 5 set up from its own podnet.conf" "$out"
t0=$(now)
bgp_start 5
wait_for 300 all_have 5 1 2 3 4 && wait_for 120 full_mesh 1 2 3 4 5
rc=$?
t1=$(now)
join=$(echo "$t1 - $t0" | bc)
report $rc "node 5 joins: every node has its prefixes and it has theirs (join convergence $join s)" \
	"$(for i in 1 2 3 4 5; do echo "n$i:"; table $i; done)"
out=$(for k in 1 2 3 4; do
	pings p51 "10.244.$k.11" || echo "p51: no reply from 10.244.$k.11"
	pings "p${k}1" fd44:5::11 || echo "p${k}1: no reply from fd44:5::11"
done)
report "$([ -z "$out" ] && echo 0 || echo 1)" "node 5's pods and the others' reach each other" "$out"
[ "$sums" = "$(md5sum "$CONF"/n[1-4]/podnet0.conf)" ]
report $? "no other node's file changed"

# --- node 4's BIRD freezes: its prefixes withdrawn within the hold time ---
echo "# $(date +%T) loss"
bpid=$(cat /run/podnet-n4/podnet0.bird.pid)
# The reflector (node 1) gives up on node 4 when the hold time has passed
# without a keepalive, at most HOLD seconds after the freeze; the others
# follow when its withdrawals reach them.  The bounds leave room for a
# loaded TCG host: 10 s past the hold time at the reflector.
t0=$(now)
kill -STOP "$bpid"
wait_for $((HOLD * 3)) all_lack 4 1
rc=$?
t1=$(now)
wait_for $((HOLD * 3)) all_lack 4 1 2 3 5
rc2=$?
t2=$(now)
lossrr=$(echo "$t1 - $t0" | bc) loss=$(echo "$t2 - $t0" | bc)
[ $rc = 0 ] && [ "$(echo "$lossrr <= $HOLD + 10" | bc)" = 1 ]
report $? "node 4's BIRD frozen: the reflector withdraws its prefixes after the hold time ($HOLD s; $lossrr s)" \
	"$(table 1)"
[ $rc2 = 0 ] && [ "$(echo "$loss <= $HOLD * 3" | bc)" = 1 ]
report $? "every other node has withdrawn them too (loss convergence $loss s)" \
	"$(for i in 1 2 3 5; do echo "n$i:"; table $i; done)"
for a in 10.244.4.11 fd44:4::11; do
	out=$(N p11 ping -c 2 -i 0.3 -W 1 $a 2>&1)
	grep -qi unreachable <<<"$out"
	report $? "traffic to node 4's pod $a gets ICMP unreachable" "$out"
done
kill -KILL "$bpid"

# --- route churn on node 2 while a ping runs ------------------------------
count4() {	# count4 I OP N: node I's number of IPv4 BGP routes OP N
	local c
	c=$(ip -n "n$1" route show dev podnet0 proto bird | wc -l)
	case $2 in
	-ge) [ "$c" -ge "$3" ] ;;
	*) [ "$c" -le "$3" ] ;;
	esac
}
# flap: node 5's session with the reflector goes down (birdc disable: a
# Cease to the reflector) and comes back, three times, during the churn;
# each time every other node withdraws node 5's prefixes and learns them
# again.  Node 5 is neither end of the ping.
flap() {
	local s=/run/podnet-n5/podnet0.bird.ctl n
	for n in 1 2 3; do
		if ! birdc -s "$s" disable peer_192_168_0_1 >/dev/null ||
		   ! wait_for 120 all_lack 5 1 2 3; then
			echo "flap $n: not withdrawn"
			return 1
		fi
		if ! birdc -s "$s" enable peer_192_168_0_1 >/dev/null ||
		   ! wait_for 180 all_have 5 1 2 3; then
			echo "flap $n: not learnt again"
			return 1
		fi
	done
}
echo "# $(date +%T) churn"
N p31 ping -q -i 0.2 -c 150 10.244.1.11 >/tmp/bgp.ping 2>&1 &
pingpid=$!
flap >/tmp/bgp.flap 2>&1 &
flappid=$!
cp "$CONF/n2/podnet0.conf" /tmp/bgp.n2.conf
churn=0
for _ in 1 2; do
	{ cat /tmp/bgp.n2.conf
	  for x in $(seq 0 999); do echo "pod-cidr 10.$((100 + x / 250)).$((x % 250)).0/24"; done
	} > "$CONF/n2/podnet0.conf"
	pu 2 -q --bgp-reload podnet0 || churn=1
	wait_for 180 count4 3 -ge 1003 || churn=2
	cp /tmp/bgp.n2.conf "$CONF/n2/podnet0.conf"
	pu 2 -q --bgp-reload podnet0 || churn=3
	wait_for 180 count4 3 -le 3 || churn=4
done
report $churn "1,000 prefixes announced and withdrawn twice on node 2"
wait $flappid
report $? "node 5's session flapped 3 times meanwhile: withdrawn and learnt again everywhere" \
	"$(cat /tmp/bgp.flap)"
wait $pingpid
out=$(cat /tmp/bgp.ping)
grep -q " 0% packet loss" <<<"$out"
report $? "a ping across the cluster ran through the churn without loss" "$out"
ok=0
ref=$(table 1 | grep -v "192.168.0.1$")
for i in 1 2 3 5; do
	[ "$(table $i | wc -l)" = 6 ] || ok=1
done
report $ok "no leaked route: every node has its 3 peers' 2 prefixes, nothing else" \
	"$(for i in 1 2 3 5; do echo "n$i:"; table $i; done)"
# every node's table plus its own prefixes is the same cluster table
ok=0
for i in 1 2 3 5; do
	[ "$( { table $i; echo "10.244.$i.0/24 192.168.0.$i"; echo "fd44:$i::/64 ::192.168.0.$i"; } |
		sed 's/ ::/ /' | sort)" = "$( { table 1; echo "10.244.1.0/24 192.168.0.1"; echo "fd44:1::/64 ::192.168.0.1"; } |
		sed 's/ ::/ /' | sort)" ] || ok=1
done
report $ok "final tables equal on every node" "$ref"

echo "# convergence: join $join s, loss $lossrr s at the reflector, $loss s everywhere (hold time $HOLD s)"
for i in 1 2 3 5; do kill "${RUNPID[$i]}" 2>/dev/null; done
wait
kill_birds
for i in 1 2 3 4 5; do
	for j in 1 2; do ip netns del "p$i$j" 2>/dev/null; done
	ip netns del "n$i" 2>/dev/null
done
ip link del br0 2>/dev/null
finish
