#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Scale benchmark of podnet, run inside the guest (BENCH_SUITES="scale-net").
#
# The topology of net.sh (pod1 -- node1 == underlay == node2 -- pod2), with
# node1's podnet device holding a table of N IPv4 /24 routes spread over K
# nodes (round robin; node 0 is node2, the others are addresses nobody
# answers for, 172.16.x.y), one of them 10.244.2.0/24 via node2, the route
# the traffic takes.  For every K in BENCH_SCALE_NODES and N in
# BENCH_SCALE_ROUTES:
#   podnet:  setconf_s   podnetctl setconf of the whole table into an empty one
#            parse_s     the same file parsed only (setconf to a missing device)
#            dump_s      podnetctl route show dev pn0 (its lines counted)
#            mem_b       (Slab + Percpu of /proc/meminfo) after - before, per route
#            kpps        64-byte UDP packets per second pod1 -> pod2 (iperf3)
#   fib:     the anchor, the same prefixes and gateways as `ip route` entries
#            on a dummy device of another namespace: install_s (ip -batch),
#            dump_s (ip route show | wc -l), mem_b per route.
# Knobs: BENCH_SCALE_ROUTES (default "10 1000 100000"; 1000000 takes minutes
# under TCG), BENCH_SCALE_NODES (default "10 5000"), BENCH_SCALE_PPS_TIME
# (seconds of iperf3, default BENCH_NET_TIME), BENCH_REPS repetitions,
# BENCH_SCALE_FIB_ROUTES the table sizes the FIB anchor is measured at
# (default: all of BENCH_SCALE_ROUTES; a million kernel routes over 5,000
# gateways take many minutes to install under TCG).
# The timed commands enter the namespace themselves (podnetctl -n, ip -n):
# `ip netns exec` remounts /sys, which costs more than a small table.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$BENCH_QUICK" = 1 ]; then
	: "${BENCH_SCALE_ROUTES:=10 1000 10000}" "${BENCH_SCALE_NODES:=10 5000}"
else
	: "${BENCH_SCALE_ROUTES:=10 1000 100000}" "${BENCH_SCALE_NODES:=10 5000}"
fi
: "${BENCH_SCALE_PPS_TIME:=$BENCH_NET_TIME}"
: "${BENCH_SCALE_FIB_ROUTES:=$BENCH_SCALE_ROUTES}"
SRV=10.244.2.2
S=scale-net

nsx() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# Seconds since an arbitrary point, with nanoseconds.
ts() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }

# Slab + Percpu of /proc/meminfo, in bytes.
kmem() { awk '/^(Slab|Percpu):/ { s += $2 } END { print s * 1024 }' /proc/meminfo; }

# settle: let RCU free what a table swap released before reading kmem.
settle() { sleep 1; }

topo_up() {
	for ns in node1 node2 pod1 pod2 fib; do ip netns add $ns; done
	for ns in node1 node2 pod1 pod2 fib; do nsx $ns ip link set lo up; done
	ip link add ul1 netns node1 type veth peer name ul2 netns node2
	for n in 1 2; do
		m=$((3 - n))
		nsx node$n sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
		nsx node$n ip addr add 192.168.0.$n/24 dev ul$n
		nsx node$n ip link set ul$n up
		ip link add eth0 netns pod$n type veth peer name vp$n netns node$n
		nsx node$n ip addr add 10.244.$n.1/24 dev vp$n
		nsx node$n ip link set vp$n mtu "$BENCH_OVERLAY_MTU" up
		nsx pod$n ip addr add 10.244.$n.2/24 dev eth0
		nsx pod$n ip link set eth0 mtu "$BENCH_OVERLAY_MTU" up
		nsx pod$n ip route add default via 10.244.$n.1
		nsx node$n ip link add pn0 type podnet vni 42 local 192.168.0.$n || return 1
		nsx node$n ip addr add 10.244.$n.0/32 dev pn0 || return 1
		nsx node$n ip link set pn0 mtu "$BENCH_OVERLAY_MTU" up || return 1
		# Everything in 10.244/16 and the table's prefixes go to pn0.
		nsx node$n ip route replace 10.244.$m.0/24 dev pn0 || return 1
		nsx node$n ip route replace 32.0.0.0/4 dev pn0 || return 1
	done
	nsx node2 podnetctl route add 10.244.1.0/24 via 192.168.0.1 dev pn0 || return 1
	nsx fib ip link add d0 type dummy && nsx fib ip link set d0 up || return 1
	nsx pod2 $PIN_SRV iperf3 -s -D -p 5201 >/dev/null 2>&1
	sleep 0.5
}

topo_down() {
	for ns in pod1 pod2 node1 node2 fib; do
		ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null
	done
	sleep 0.2
	for ns in pod1 pod2 node1 node2 fib; do ip netns del $ns 2>/dev/null; done
	rm -f "$BENCH_WORK"/scale-*.conf "$BENCH_WORK"/scale-*.batch
}

# gen N K: the setconf file and the ip -batch file of N routes over K nodes.
# Route i (i >= 1) is (32 + i/65536).(i/256%256).(i%256).0/24; route 0 is
# the pods' 10.244.2.0/24.  Node j is 192.168.0.2 for j = 0, else
# 172.16.(j/250).(j%250 + 1).
gen() {
	awk -v n="$1" -v k="$2" -v c="$BENCH_WORK/scale-$1-$2.conf" \
		-v b="$BENCH_WORK/scale-$1-$2.batch" 'BEGIN {
		for (i = 0; i < n; i++) {
			j = i % k
			via = j ? sprintf("172.16.%d.%d", int(j / 250), j % 250 + 1) : "192.168.0.2"
			if (i == 0)
				p = "10.244.2.0/24"
			else
				p = sprintf("%d.%d.%d.0/24", 32 + int(i / 65536), int(i / 256) % 256, i % 256)
			printf "route %s via %s\n", p, via > c
			printf "route add %s via %s dev d0 onlink\n", p, via > b
		}
	}'
}

empty_table() {
	: > "$BENCH_WORK/scale-empty.conf"
	nsx node1 podnetctl setconf --allow-empty pn0 "$BENCH_WORK/scale-empty.conf"
}

# udp_kpps: received 64-byte packets per second pod1 -> pod2, in thousands.
udp_kpps() {
	f="$BENCH_WORK/scale-udp.json"
	nsx pod1 $PIN_CLI timeout $((BENCH_SCALE_PPS_TIME + 20)) iperf3 -c $SRV -p 5201 -u -l 64 -b 0 \
		-t "$BENCH_SCALE_PPS_TIME" -J >"$f" 2>&1
	jq -e '.end.sum_received as $rx | if .error then error(.error) else
		($rx.bytes / 64 / $rx.seconds / 1e3) end' "$f" 2>&1
}

# podnet_run N K REP
podnet_run() {
	n=$1 k=$2 r=$3 conf="$BENCH_WORK/scale-$1-$2.conf"
	empty_table || { error_rec $S podnet "r$n" "$r" "emptying the table failed"; return 1; }
	nsx node1 ip link set pn0 type podnet maxroutes $((n + 16)) ||
		{ error_rec $S podnet "r$n" "$r" "maxroutes $((n + 16)) refused"; return 1; }
	t0=$(ts)
	podnetctl -n node1 setconf nosuchdev "$conf" >/dev/null 2>&1
	t1=$(ts)
	parse_s=$(dt "$t0" "$t1")
	settle
	m0=$(kmem)
	t0=$(ts)
	if ! msg=$(podnetctl -n node1 setconf pn0 "$conf" 2>&1); then
		error_rec $S podnet "r$n" "$r" "setconf of $n routes failed: $msg"
		return 1
	fi
	t1=$(ts)
	setconf_s=$(dt "$t0" "$t1")
	settle
	m1=$(kmem)
	t0=$(ts)
	# One line per route, after a header line.
	got=$(podnetctl -n node1 route show dev pn0 | grep -cE '^[0-9a-f.:]+/[0-9]+ ')
	t1=$(ts)
	dump_s=$(dt "$t0" "$t1")
	[ "$got" -eq "$n" ] ||
		error_rec $S podnet "r$n" "$r" "route show printed $got routes, expected $n"
	if ! kpps=$(udp_kpps); then
		error_rec $S podnet "r$n" "$r" "iperf3: $kpps"
		kpps=null
	fi
	mem_b=$(awk -v a="$m0" -v b="$m1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')
	m="{\"setconf_s\":$setconf_s,\"parse_s\":$parse_s,\"dump_s\":$dump_s,\"mem_b\":$mem_b,\"kpps\":$kpps}"
	emit "{\"type\":\"result\",\"suite\":\"$S\",\"member\":\"nodes$k\",\"cand\":\"podnet\",\"test\":\"r$n\",\"rep\":$r,\"routes\":$n,\"nodes\":$(( k < n ? k : n )),\"m\":$m}"
	log "podnet $n routes over $k nodes rep $r: $m"
	empty_table
}

# fib_run N K REP: the same table as kernel routes.
fib_run() {
	n=$1 k=$2 r=$3 b="$BENCH_WORK/scale-$1-$2.batch"
	nsx fib ip -4 route flush dev d0 2>/dev/null
	settle
	m0=$(kmem)
	t0=$(ts)
	if ! msg=$(ip -n fib -batch "$b" 2>&1); then
		error_rec $S fib "r$n" "$r" "ip -batch of $n routes failed: $(echo "$msg" | head -2)"
		return 1
	fi
	t1=$(ts)
	install_s=$(dt "$t0" "$t1")
	settle
	m1=$(kmem)
	t0=$(ts)
	got=$(ip -n fib -4 route show dev d0 | grep -c " via ")
	t1=$(ts)
	dump_s=$(dt "$t0" "$t1")
	[ "$got" -eq "$n" ] ||
		error_rec $S fib "r$n" "$r" "ip route show printed $got routes, expected $n"
	mem_b=$(awk -v a="$m0" -v b="$m1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')
	m="{\"install_s\":$install_s,\"dump_s\":$dump_s,\"mem_b\":$mem_b}"
	emit "{\"type\":\"result\",\"suite\":\"$S\",\"member\":\"nodes$k\",\"cand\":\"fib\",\"test\":\"r$n\",\"rep\":$r,\"routes\":$n,\"nodes\":$(( k < n ? k : n )),\"m\":$m}"
	log "fib $n routes over $k nodes rep $r: $m"
	nsx fib ip -4 route flush dev d0 2>/dev/null
}

if [ -n "${BENCH_PROJECT_MISSING:-}" ]; then
	unavailable $S podnet "$BENCH_PROJECT_MISSING"
	exit 0
fi
if ! modprobe podnet 2>"$BENCH_WORK/podnet.err"; then
	unavailable $S podnet "modprobe podnet failed: $(cat "$BENCH_WORK/podnet.err")"
	exit 0
fi
modprobe dummy 2>/dev/null
trap topo_down EXIT
if ! msg=$(topo_up 2>&1); then
	unavailable $S podnet "setup failed: $(echo "$msg" | tail -3 | tr '\n' ' ')"
	exit 0
fi
if ! nsx pod1 ping -c 3 -i 0.3 -W 2 -q $SRV >/dev/null 2>&1; then
	nsx node1 podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev pn0
	nsx pod1 ping -c 3 -i 0.3 -W 2 -q $SRV >/dev/null 2>&1 ||
		log "warning: pod1 cannot ping $SRV with a one-route table"
	empty_table
fi

emit "{\"type\":\"scale_meta\",\"suite\":\"$S\",\"routes\":\"$BENCH_SCALE_ROUTES\",\"nodes\":\"$BENCH_SCALE_NODES\",\"fib_routes\":\"$BENCH_SCALE_FIB_ROUTES\",\"pps_time_s\":$BENCH_SCALE_PPS_TIME}"

# scale_rep REP: one repetition over the table sizes; fails once the time
# budget is exhausted.
scale_rep() {
	r=$1
	for k in $BENCH_SCALE_NODES; do
		for n in $BENCH_SCALE_ROUTES; do
			if past_deadline; then
				note "$S: time budget exhausted at $n routes over $k nodes, repetition $r"
				return 1
			fi
			# 10 routes spread over at most 10 nodes
			gen "$n" "$k"
			# Alternate which of the two goes first.
			if [[ " $BENCH_SCALE_FIB_ROUTES " != *" $n "* ]]; then
				podnet_run "$n" "$k" "$r"
			elif [ $((r % 2)) = 1 ]; then
				podnet_run "$n" "$k" "$r"; fib_run "$n" "$k" "$r"
			else
				fib_run "$n" "$k" "$r"; podnet_run "$n" "$k" "$r"
			fi
			rm -f "$BENCH_WORK/scale-$n-$k.conf" "$BENCH_WORK/scale-$n-$k.batch"
		done
	done
}

for_reps "$S" scale_rep
exit 0
