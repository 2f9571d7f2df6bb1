#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet-up as a node runs it at boot: three nodes (network namespaces on a
# bridge underlay, their /etc/podnet/podnet0.conf provided through
# /etc/netns/NODE/ as `ip netns exec` does), one pod each.  Covers creation
# from the file, idempotence (a second run changes nothing, not even the
# route table generation), an atomic route table replace while traffic
# flows (one table swap, no packet lost, counters kept), in-place and
# recreating parameter changes, removal of what left the file, IPv6 and
# other spellings of the same values (a second and third run change
# nothing), refusal of broken files before anything is changed (the node's
# device, addresses and routes compared before and after), and --down.
# A node-packaging test: it runs on Debian 12's kernel and userland, not on
# the debug kernel.  (It also passes its first part on Debian 13's, but a
# whole run there, some 30 podnet-up runs of about a minute each in a TCG
# guest next to three others, does not fit make check's time; making
# podnet-up itself cheaper is the way back to both.)
# vm-timeout: 3000
# vm-kernels: stock
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

. "$(dirname "$0")/ktap.sh"
cleanup() {
	for i in 1 2 3; do
		ip netns del p$i 2>/dev/null
		ip netns del n$i 2>/dev/null
	done
	ip link del br0 2>/dev/null
	rm -rf /etc/netns/n1 /etc/netns/n2 /etc/netns/n3
}
trap cleanup EXIT

N() { ip netns exec "$@"; }
# show NODE FIELD...: those fields of podnet0 (podnetctl -j show), one jq
show() {
	local i=$1 f q=""
	shift
	for f in "$@"; do q="$q${q:+ }\\(.$f)"; done
	N "n$i" podnetctl -j show podnet0 | jq -r ".[0] | \"$q\""
}
ifindex() { N "n$1" cat /sys/class/net/podnet0/ifindex; }
pings() { N "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 || N "$1" ping -c 2 -i 0.3 -W 2 "$2" >/dev/null 2>&1; }

# conf NODE [EXTRA LINES...]: write node NODE's /etc/podnet/podnet0.conf
conf() {
	local i=$1 k
	shift
	mkdir -p /etc/netns/n$i/podnet
	{
		echo "# node $i"
		echo "vni 42"
		echo "local 192.168.0.$i"
		echo "address 10.244.$i.1/32"
		echo "cluster-cidr 10.244.0.0/16"
		for k in 1 2 3; do
			[ $k = "$i" ] || echo "route 10.244.$k.0/24 via 192.168.0.$k"
		done
		printf '%s\n' "$@"
	} > /etc/netns/n$i/podnet/podnet0.conf
}
# up NODE [ARGS]: podnet-up in node NODE, output on $out, status on $rc
up() {
	local i=$1
	shift
	out=$(N "n$i" podnet-up "$@" podnet0 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/#   n$i: /"
	return $rc
}

t "podnet-up and podnet@.service installed" \
	test -x /usr/sbin/podnet-up -a -f /usr/lib/systemd/system/podnet@.service
mkdir -p /etc/podnet

# Underlay: bridge br0, nodes n1..n3 at 192.168.0.N; pod pN at 10.244.N.10.
# One ip -batch per namespace: each process costs in a TCG guest.
ip link add br0 type bridge && ip link set br0 up
for i in 1 2 3; do
	ip netns add n$i
	ip netns add p$i
	ip link add ul$i type veth peer name eth0 netns n$i
	ip link set ul$i master br0 up
	ip -n n$i -batch - <<-EOF
	link set lo up
	link set eth0 up
	addr add 192.168.0.$i/24 dev eth0
	addr add fd00::$i/64 dev eth0 nodad
	link add vp type veth peer name eth0 netns p$i
	link set vp up
	route add 10.244.$i.10/32 dev vp
	addr add 10.244.$i.1/32 dev vp
	EOF
	N n$i sysctl -qw net.ipv4.ip_forward=1
	ip -n p$i -batch - <<-EOF
	link set lo up
	link set eth0 up
	addr add 10.244.$i.10/32 dev eth0
	route add 10.244.$i.1/32 dev eth0
	route add default via 10.244.$i.1 dev eth0
	EOF
	conf $i
done

# --- first run --------------------------------------------------------------
for i in 1 2 3; do
	up $i
	report $? "n$i: podnet-up creates podnet0 from /etc/podnet/podnet0.conf" "$out"
done
t "n1: vni and local as configured" test "$(show 1 vni local)" = "42 192.168.0.1"
t "n1: two routes in the table" test "$(show 1 routes)" = 2
t "n1: address and kernel route" \
	sh -c 'ip netns exec n1 ip -o addr show dev podnet0 | grep -q "10.244.1.1/32" &&
	       ip netns exec n1 ip route show 10.244.0.0/16 | grep -q "dev podnet0 proto 149"'
t "n1: podnet0 is up" sh -c 'ip netns exec n1 ip link show podnet0 | grep -q "[<,]UP[,>]"'
t "pod p1 -> p2 over podnet" pings p1 10.244.2.10
t "pod p1 -> p3 over podnet" pings p1 10.244.3.10
t "pod p3 -> p2 over podnet" pings p3 10.244.2.10

# --- idempotence ------------------------------------------------------------
g=$(show 1 generation) ix=$(ifindex 1)
snap() { N n1 sh -c 'ip -d link show podnet0 | grep -v "link/none"; ip addr show dev podnet0; ip route; podnetctl route show dev podnet0 | cut -c1-40'; }
before=$(snap)
up 1
report $? "n1: second run succeeds" "$out"
t "n1: second run says up to date and runs no command" test "$out" = "podnet-up: podnet0: up to date"
t "n1: second run: route table generation unchanged" test "$(show 1 generation)" = "$g"
t "n1: second run: same device (ifindex)" test "$(ifindex 1)" = "$ix"
t "n1: second run: link, addresses, routes unchanged" test "$(snap)" = "$before"

# --- atomic route replace while traffic flows ------------------------------
# n1's table gets three more routes (other nodes' second prefixes) and loses
# one; the route p1 -> p2 uses stays.  A ping stream (20 a second) runs from
# before the first swap until after the last and is then interrupted.  No
# packet may be lost: the replies' sequence numbers have no gap up to a
# reply received after the last swap (only requests still in flight when
# the stream is interrupted may go unanswered), and their timestamps (-D)
# show the swaps fell inside the stream.  Stopping by time, not after a
# count, keeps this independent of how fast the guest runs.
N n1 podnetctl monitor > /tmp/pn-monitor.log 2>&1 &
mon=$!
# The counter before the stream: every request sent must add to it.
tx_start=$(N n1 podnetctl -j route show dev podnet0 | jq '.[] | select(.dst == "10.244.2.0/24") | .tx_packets')
# ip netns exec execs ping: $! is ping's pid.
ip netns exec p1 ping -D -i 0.05 -W 1 10.244.2.10 > /tmp/pn-ping.log 2>&1 &
pp=$!
sleep 1
tx_before=$(N n1 podnetctl -j route show dev podnet0 | jq '.[] | select(.dst == "10.244.2.0/24") | .tx_packets')
ok=0
swap_start=$(date +%s.%N)
for round in 1 2 3 4; do
	if [ $((round % 2)) = 1 ]; then
		conf 1 "route 10.245.2.0/24 via 192.168.0.2" "route 10.245.3.0/24 via 192.168.0.3" \
			"route 10.246.0.0/16 via 192.168.0.3"
	else
		conf 1
	fi
	up 1 >/dev/null || ok=1
done
swap_end=$(date +%s.%N)
sleep 2
kill -INT $pp
wait $pp
sleep 0.5
kill $mon 2>/dev/null
wait $mon 2>/dev/null
report $ok "n1: four changed route files applied"
stats=$(grep "packets transmitted" /tmp/pn-ping.log)
sent=${stats%% packets transmitted*}
# Sequence numbers answered, in order, without duplicates; the highest
# answered, and when its reply came.
sed -n 's/^\[\([0-9.]*\)\] .*icmp_seq=\([0-9]*\) .*/\2 \1/p' /tmp/pn-ping.log | sort -n -u -k1,1 > /tmp/pn-seq.log
nseq=$(wc -l < /tmp/pn-seq.log)
read -r maxseq maxts <<<"$(tail -1 /tmp/pn-seq.log)"
awk -v n="$nseq" -v m="${maxseq:-0}" -v t="${maxts:-0}" -v e="$swap_end" \
	'BEGIN { exit !(n >= 20 && m == n && t + 0 > e + 0) }'
report $? "n1: no packet lost while the table was replaced 4 times (requests 1..${maxseq:-?} all answered, the last after the swaps; ${sent:-?} sent)" \
	"$stats; highest answered ${maxseq:-none} at ${maxts:-?}, $nseq answered, swaps ended $swap_end"
# The first reply came before the first swap.
first=$(head -1 /tmp/pn-seq.log | cut -d' ' -f2)
awk -v a="$first" -v s="$swap_start" 'BEGIN { exit !(a != "" && a + 0 < s + 0) }'
report $? "n1: the swaps happened inside the stream (replies ${first:-?} .. ${maxts:-?}, swaps $swap_start .. $swap_end)" \
	"$(head -3 /tmp/pn-ping.log; tail -4 /tmp/pn-ping.log)"
t "n1: each change was one atomic table swap (4 set events, no per-route events)" \
	sh -c 'test "$(grep -c "^set dev podnet0" /tmp/pn-monitor.log)" = 4 &&
	       ! grep -qE "^(new|del) route" /tmp/pn-monitor.log'
tx_after=$(N n1 podnetctl -j route show dev podnet0 | jq '.[] | select(.dst == "10.244.2.0/24") | .tx_packets')
t "n1: the kept route's counters survived the swaps ($tx_start, $tx_before during, $tx_after after, ${sent:-?} sent)" \
	test "${tx_after:-0}" -ge $(( ${tx_start:-0} + ${sent:-1000000000} ))
gens=$(sed -n 's/^set dev podnet0 routes [0-9]* generation //p' /tmp/pn-monitor.log | tr '\n' ' ')
t "n1: one generation per swap ($g -> ${gens}), the device at the last" \
	sh -c "set -- $gens; [ \$# = 4 ] && [ \$2 = \$((\$1 + 1)) ] && [ \$3 = \$((\$2 + 1)) ] && [ \$4 = \$((\$3 + 1)) ] && [ \$4 = $(show 1 generation) ]"
sed 's/^/#   monitor: /' /tmp/pn-monitor.log | head -8

# --- parameter changes -----------------------------------------------------
ix=$(ifindex 1)
conf 1 "ttl 32" "udpcsum off"
up 1
report $? "n1: ttl and udpcsum changed" "$out"
t "n1: changed in place (same ifindex), ttl 32, udpcsum off" \
	test "$(ifindex 1) $(show 1 ttl udp_csum)" = "$ix 32 false"
conf 1 "ttl 32" "udpcsum off" "port 6082"
up 1
report $? "n1: a port change recreates the device" "$out"
t "n1: recreated (new ifindex) with port 6082, ttl 32" \
	test "$(ifindex 1) $(show 1 port ttl)" != "$ix 6082 32" -a "$(show 1 port ttl)" = "6082 32"
t "n1: the recreated device has its addresses, kernel route and routes" \
	sh -c 'ip netns exec n1 ip -o addr show dev podnet0 | grep -q 10.244.1.1/32 &&
	       ip netns exec n1 ip route show 10.244.0.0/16 | grep -q podnet0 &&
	       [ "$(ip netns exec n1 podnetctl -j show podnet0 | jq ".[0].routes")" = 2 ]'
conf 1
up 1
report $? "n1: back to port 6081" "$out"
t "pod p1 -> p2 after recreation" pings p1 10.244.2.10

# --- things leaving the file are removed -----------------------------------
conf 1 "address 10.244.1.2/32" "cluster-cidr 10.250.0.0/16"
up 1 >/dev/null
sed -i '/10.244.1.2\/32/d; /10.250.0.0/d' /etc/netns/n1/podnet/podnet0.conf
up 1
report $? "n1: an address and a kernel route removed from the file" "$out"
t "n1: they are gone from the device" \
	sh -c '! ip netns exec n1 ip -o addr show dev podnet0 | grep -q 10.244.1.2/ &&
	       ! ip netns exec n1 ip route show | grep -q 10.250.0.0'
t "n1: a route added by hand (not proto 149) is left alone" \
	sh -c 'ip netns exec n1 ip route add 10.251.0.0/16 dev podnet0 &&
	       ip netns exec n1 podnet-up -q podnet0 &&
	       ip netns exec n1 ip route show | grep -q 10.251.0.0'

# --- IPv6, and other spellings of the same values --------------------------
# The kernel prints fd00::1, fd44::/16, 10.250.0.0/16, tos inherit: a file
# that spells them otherwise must still compare equal on the next runs
# (before, these made every run recreate the device, fail on ip addr add,
# or remove and re-add the IPv6 kernel route every other run).
# state NODE: podnet0 as the kernel has it, spelling-independent (JSON):
# ifindex, link parameters, addresses, kernel routes of both families (all
# tables), route table, generation; one ip and one jq.
state() {
	N "n$1" sh -c 'read -r ix < /sys/class/net/podnet0/ifindex && echo "$ix"
		ip -j -d -batch - <<-EOF
		link show podnet0
		addr show dev podnet0
		route show table all dev podnet0
		EOF
		podnetctl -j route show dev podnet0
		podnetctl -j show podnet0' 2>&1 |
	jq -cs '.[0], .[1][0].linkinfo.info_data,
		([.[2][].addr_info[] | {local, prefixlen}] | sort_by(.local)),
		([.[3][] | {dst, protocol, table}] | sort_by(.dst)),
		([.[4][] | {dst, gateway}] | sort_by(.dst)),
		(.[5][0] | {generation, routes})' 2>&1
}
conf 1 "local FD00:0::1" "tos 1" "ttl 064" "address FD44:1:0::1/64" "address 10.244.1.2/024" \
	"cluster-cidr fd44:0::/16" "cluster-cidr 10.250.0.0/016" "route FD44:2::/64 via FD00::02" \
	"route fd44:3:0:0::/64 via 192.168.0.3"
up 1
report $? "n1: IPv6 underlay and pod addresses, written in other spellings, applied" "$out"
t "n1: local6 fd00::1, fd44:1::1/64 and 10.244.1.2/24 on the device, fd44::/16 routed into it, 4 routes" \
	sh -c 'test "$(ip netns exec n1 podnetctl -j show podnet0 | jq -r ".[0] | \"\(.local6) \(.tos) \(.routes)\"")" = "fd00::1 inherit 4" &&
	       ip netns exec n1 ip -o addr show dev podnet0 | grep -q "fd44:1::1/64" &&
	       ip netns exec n1 ip -o addr show dev podnet0 | grep -q "10.244.1.2/24" &&
	       ip netns exec n1 ip -6 route show fd44::/16 | grep -q "dev podnet0 proto 149"'
before=$(state 1)
for run in 2 3; do
	up 1
	t "n1: run $run of the same file says up to date and runs no command" \
		test "$out" = "podnet-up: podnet0: up to date"
done
after=$(state 1)
report "$([ "$after" = "$before" ] && echo 0 || echo 1)" \
	"n1: runs 2 and 3: same device (ifindex), parameters, addresses, kernel routes, route table and generation" \
	"before:"$'\n'"$before"$'\n'"after:"$'\n'"$after"

# --- broken files change nothing ---------------------------------------------
# Each file also changes the port, which would recreate the device: the
# whole file must be refused before anything is done, by --check and by a
# run alike.  (Before, each of these passed --check; a run then deleted and
# recreated the device, and changed addresses and routes, before failing.)
# A run checks the file with the same code as --check before it changes
# anything, so every file goes through --check, and two of them (a bad
# setting, a bad route) through a real run too: each run costs a guest
# under TCG about a minute.
before=$(state 1)
for bad in "local 1:2" "address 1:2" "cluster-cidr 10.244.0.1/16" \
	   "route 10.244.9.1/24 via 192.168.0.9" "route 10.244.9.0/24 via 1:2" \
	   "route 10.244.9.0/24 192.168.0.9"; do
	conf 1 "port 6099" "address 10.244.1.3/32" "cluster-cidr 10.252.0.0/16" "$bad"
	up 1 --check >/dev/null
	crc=$rc cout=$out
	case $bad in
	"local 1:2"|"route 10.244.9.0/24 via 1:2")
		up 1 >/dev/null
		after=$(state 1)
		[ "$crc" = 1 ] && [ "$rc" = 1 ] && grep -q "podnet0.conf:11: " <<<"$out" &&
			grep -q "configuration has errors; nothing changed" <<<"$out" && [ "$after" = "$before" ]
		report $? "n1: '$bad' refused by --check and by a run, naming its line; device, addresses and routes untouched" \
			"--check: $crc: $cout"$'\n'"run: $rc: $out"$'\n'"before:"$'\n'"$before"$'\n'"after:"$'\n'"$after"
		;;
	*)
		[ "$crc" = 1 ] && grep -q "podnet0.conf:11: " <<<"$cout"
		report $? "n1: '$bad' refused by --check, naming its line" "--check: $crc: $cout"
		;;
	esac
done

# --- a broken file changes nothing -----------------------------------------
read -r g r <<<"$(show 1 generation routes)"
conf 1 "route 10.244.9.0/24 via 192.168.0.9" "route 10.244.8.0/33 via 192.168.0.3"
up 1
[ $rc = 1 ] && grep -q "podnet0.conf:9: invalid prefix '10.244.8.0/33'" <<<"$out" &&
	grep -q "configuration has errors; nothing changed" <<<"$out"
report $? "n1: a broken file is refused, naming FILE:LINE" "$out"
t "n1: ... and nothing changed" test "$(show 1 generation routes)" = "$g $r"
conf 1

# --- a device of that name that is not podnet -------------------------------
N n2 ip link del podnet0
N n2 ip link add podnet0 type dummy
up 2
[ $rc = 1 ] && grep -q "not a podnet device" <<<"$out"
report $? "n2: a non-podnet device of that name is not touched" "$out"
t "n2: it is still a dummy" sh -c 'ip netns exec n2 ip -d link show podnet0 | grep -q dummy'
N n2 ip link del podnet0

# --- down ------------------------------------------------------------------
up 3 --down
report $? "n3: --down deletes podnet0" "$out"
t "n3: podnet0 gone" sh -c '! ip netns exec n3 ip link show podnet0 2>/dev/null'
up 3 --down
report $? "n3: --down again is fine" "$out"

finish
