#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network benchmark, run inside the guest: pod to pod across two "nodes".
#
# Topology (all network namespaces of one guest):
#
#   pod1 (10.244.1.2) --veth-- node1 (192.168.0.1) ==veth underlay== node2 (192.168.0.2) --veth-- pod2 (10.244.2.2)
#
# The nodes route the pod prefixes to each other through one candidate at a
# time: noencap (plain routing over the underlay, the limit of the machine),
# geneve (Linux geneve, L3 mode: innerprotoinherit), vxlan (Linux vxlan, L2,
# routed through a /24 on the vxlan devices) and podnet; also podnetfib,
# podnet routed by a kernel route with a gateway instead of its own table
# (not in the default set: BENCH_NET_CANDS="podnet podnetfib" compares the
# two).  Every overlay device gets the same MTU (BENCH_OVERLAY_MTU, default 1450) and so do the pods'
# veths while it is in use; with noencap the pods use the underlay's 1500.
#
# Tests: tcp1/tcp4 (iperf3, 1 and 4 streams), rr (sockperf TCP ping-pong,
# 64 byte messages, half round trip latency), udp64 (iperf3 UDP, 64 byte
# datagrams, unlimited rate, packets received per second).  CPU time per GB
# comes from /proc/stat (all CPUs, user+system+softirq) around each run.
set -u
. "$(dirname "$0")/lib.sh"

T=$BENCH_NET_TIME
OMIT=0
[ "$T" -ge 4 ] && OMIT=1
SRV=10.244.2.2

nsx() { ns=$1; shift; ip netns exec "$ns" "$@"; }

topo_up() {
	for ns in node1 node2 pod1 pod2; do ip netns add $ns; done
	for ns in node1 node2 pod1 pod2; do nsx $ns ip link set lo up; done
	ip link add ul1 netns node1 type veth peer name ul2 netns node2
	for n in 1 2; do
		nsx node$n sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
		nsx node$n ip addr add 192.168.0.$n/24 dev ul$n
		nsx node$n ip link set ul$n up
		ip link add eth0 netns pod$n type veth peer name vp$n netns node$n
		nsx node$n ip addr add 10.244.$n.1/24 dev vp$n
		nsx node$n ip link set vp$n up
		nsx pod$n ip addr add 10.244.$n.2/24 dev eth0
		nsx pod$n ip link set eth0 up
		nsx pod$n ip route add default via 10.244.$n.1
	done
	nsx pod2 iperf3 -s -D -p 5201 >/dev/null 2>&1
	# udp64's own server, pinned (see run_test)
	nsx pod2 $PIN_SRV iperf3 -s -D -p 5202 >/dev/null 2>&1
	nsx pod2 sockperf sr --tcp -i $SRV -p 11111 >/dev/null 2>&1 &
	echo $! > "$BENCH_WORK/sockperf.pid"
	sleep 0.5
}

topo_down() {
	kill "$(cat "$BENCH_WORK/sockperf.pid")" 2>/dev/null
	for ns in pod1 pod2 node1 node2; do
		ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null
	done
	sleep 0.2
	for ns in pod1 pod2 node1 node2; do ip netns del $ns 2>/dev/null; done
}

pod_mtu() {
	for n in 1 2; do
		nsx pod$n ip link set eth0 mtu "$1"
		nsx node$n ip link set vp$n mtu "$1"
	done
}

# cand_up CAND: route the pod prefixes through CAND; fails with a message.
cand_up() {
	c=$1
	for n in 1 2; do
		m=$((3 - n))
		case $c in
		noencap)
			nsx node$n ip route replace 10.244.$m.0/24 via 192.168.0.$m dev ul$n || return 1
			;;
		geneve)
			nsx node$n ip link add gn0 type geneve id 42 remote 192.168.0.$m \
				innerprotoinherit udpcsum || return 1
			nsx node$n ip link set gn0 mtu "$BENCH_OVERLAY_MTU" up || return 1
			nsx node$n ip route replace 10.244.$m.0/24 dev gn0 || return 1
			;;
		vxlan)
			nsx node$n ip link add vx0 type vxlan id 42 remote 192.168.0.$m \
				local 192.168.0.$n dstport 4789 udpcsum || return 1
			nsx node$n ip addr add 10.99.0.$n/24 dev vx0 || return 1
			nsx node$n ip link set vx0 mtu "$BENCH_OVERLAY_MTU" up || return 1
			nsx node$n ip route replace 10.244.$m.0/24 via 10.99.0.$m dev vx0 || return 1
			;;
		podnet)
			nsx node$n ip link add pn0 type podnet vni 42 local 192.168.0.$n || return 1
			nsx node$n ip addr add 10.244.$n.0/32 dev pn0 || return 1
			nsx node$n ip link set pn0 mtu "$BENCH_OVERLAY_MTU" up || return 1
			nsx node$n ip route replace 10.244.$m.0/24 dev pn0 || return 1
			nsx node$n podnetctl route add 10.244.$m.0/24 via 192.168.0.$m dev pn0 || return 1
			;;
		podnetfib)
			# The same device, routed by a kernel route with a
			# gateway, as a routing daemon installs it: no podnetctl.
			nsx node$n ip link add pn0 type podnet vni 42 local 192.168.0.$n || return 1
			nsx node$n ip addr add 10.244.$n.0/32 dev pn0 || return 1
			nsx node$n ip link set pn0 mtu "$BENCH_OVERLAY_MTU" up || return 1
			nsx node$n ip route replace 10.244.$m.0/24 via 192.168.0.$m dev pn0 onlink || return 1
			;;
		esac
	done
	if [ "$c" = noencap ]; then pod_mtu 1500; else pod_mtu "$BENCH_OVERLAY_MTU"; fi
	# Reachability (and ARP/neighbour warm-up) before measuring.
	nsx pod1 ping -c 2 -i 0.2 -W 2 -q $SRV >/dev/null 2>&1 ||
		nsx pod1 ping -c 3 -i 0.5 -W 2 -q $SRV >/dev/null 2>&1 || {
		echo "pod1 cannot ping $SRV through $c"; return 1; }
}

cand_down() {
	for n in 1 2; do
		m=$((3 - n))
		nsx node$n ip route del 10.244.$m.0/24 2>/dev/null
		for d in gn0 vx0 pn0; do nsx node$n ip link del $d 2>/dev/null; done
	done
	return 0
}

# parse_net TEST OUTFILE BUSY0 BUSY1 WALL0 WALL1: the metrics of one run as
# a JSON object (jq and awk only: python's start-up costs seconds under TCG).
parse_net() {
	t=$1 f=$2
	cpu=$(awk -v b0="$3" -v b1="$4" -v w0="$5" -v w1="$6" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { s = (b1 - b0) / hz; printf "%.3f %.3f", s, (w1 > w0) ? s / (w1 - w0) : 0 }')
	cpu_s=${cpu% *} util=${cpu#* }
	case $t in
	tcp*)
		jq -ce --argjson cpu "$cpu_s" --argjson util "$util" '
			if .error then error(.error) else . end |
			.end.sum_received as $rx |
			{gbit_s: ($rx.bits_per_second / 1e9),
			 retrans: (.end.sum_sent.retransmits // 0),
			 cpu_s_per_gb: (if $rx.bytes > 0 then $cpu / ($rx.bytes / 1e9) else null end),
			 cpu_util: $util}' "$f" 2>&1
		;;
	udp64)
		jq -ce --argjson util "$util" '
			if .error then error(.error) else . end |
			.end.sum_received as $rx | .end.sum_sent as $tx |
			{kpps: ($rx.bytes / 64 / $rx.seconds / 1e3),
			 sent_kpps: ($tx.bytes / 64 / $tx.seconds / 1e3),
			 loss_pct: (if $tx.bytes > 0 then 100 * (1 - $rx.bytes / $tx.bytes) else 0 end),
			 cpu_util: $util}' "$f" 2>&1
		;;
	rr)
		awk -v util="$util" '
			/avg-latency=/ { sub(/.*avg-latency=/, ""); sub(/ .*/, ""); avg = $0 }
			/percentile 99.000 =/ { p99 = $NF }
			/\[Valid Duration\]/ { match($0, /RunTime=[0-9.]+/); rt = substr($0, RSTART + 8, RLENGTH - 8)
				match($0, /SentMessages=[0-9]+/); n = substr($0, RSTART + 13, RLENGTH - 13) }
			END { if (avg == "") { print "no sockperf result"; exit 1 }
				printf "{\"lat_us\":%s", avg
				if (p99 != "") printf ",\"p99_us\":%s", p99
				if (rt > 0) printf ",\"ktps\":%.4f", n / rt / 1000
				printf ",\"cpu_util\":%s}\n", util }' "$f"
		;;
	esac
}

# run_test CAND TEST REP: one measurement, one @@BENCH record.
run_test() {
	c=$1 t=$2 r=$3
	out="$BENCH_WORK/net-$c-$t-$r.out"
	b0=$(cpu_busy)
	w0=$(date +%s.%N)
	case $t in
	tcp1|tcp4)
		P=${t#tcp}
		nsx pod1 timeout $((T + 20)) iperf3 -c $SRV -p 5201 -t "$T" -O $OMIT -P "$P" -J >"$out" 2>&1
		;;
	udp64)
		nsx pod1 $PIN_CLI timeout $((T + 20)) iperf3 -c $SRV -p 5202 -u -l 64 -b 0 -t "$T" -J >"$out" 2>&1
		;;
	rr)
		nsx pod1 timeout $((T + 20)) sockperf pp --tcp -i $SRV -p 11111 -m 64 -t "$T" >"$out" 2>&1
		;;
	esac
	rc=$?
	b1=$(cpu_busy)
	w1=$(date +%s.%N)
	if ! m=$(parse_net "$t" "$out" "$b0" "$b1" "$w0" "$w1"); then
		error_rec net "$c" "$t" "$r" "rc=$rc: $m $(tail -c 300 "$out" | tr '\n' ' ')"
		return 1
	fi
	rec="{\"type\":\"result\",\"suite\":\"net\",\"member\":\"veth\",\"cand\":\"$c\",\"test\":\"$t\",\"rep\":$r,\"m\":$m}"
	emit "$rec"
	log "$(printf '%-8s %-6s rep %s: %s' "$c" "$t" "$r" "$m")"
}

# perf_profile CAND: a system-wide profile of one tcp1 run (BENCH_PERF=1).
perf_profile() {
	c=$1
	command -v perf >/dev/null || { log "no perf"; return; }
	f="$BENCH_WORK/perf-net-$c.data"
	perf record -q -a -g -o "$f" -- sleep "$T" >/dev/null 2>&1 &
	pp=$!
	nsx pod1 iperf3 -c $SRV -p 5201 -t "$T" -P 1 >/dev/null 2>&1
	wait $pp
	perf_report "$f" "net $c"
}

available=""
for c in $BENCH_NET_CANDS; do
	case $c in
	noencap) ok=1 ;;
	geneve|vxlan) modprobe $c 2>/dev/null && ok=1 || ok=0 ;;
	podnet|podnetfib)
		if [ -n "${BENCH_PROJECT_MISSING:-}" ]; then
			unavailable net "$c" "$BENCH_PROJECT_MISSING"
			continue
		fi
		if ! modprobe podnet 2>"$BENCH_WORK/podnet.err"; then
			unavailable net "$c" "modprobe podnet failed: $(cat "$BENCH_WORK/podnet.err")"
			continue
		fi
		if ! command -v podnetctl >/dev/null; then
			unavailable net "$c" "podnetctl is not installed"
			continue
		fi
		ok=1
		;;
	*) unavailable net "$c" "unknown candidate"; continue ;;
	esac
	if [ $ok = 1 ]; then available="$available $c"; else unavailable net "$c" "modprobe $c failed"; fi
done

trap topo_down EXIT
topo_up
failed=""

# net_rep REP: one repetition over the candidates.
net_rep() {
	r=$1
	for c in $(rotate $((r - 1)) $available); do
		case " $failed " in *" $c "*) continue ;; esac
		if past_deadline; then
			unavailable net "$c" "time budget exhausted before repetition $r"
			continue
		fi
		if ! msg=$(cand_up "$c" 2>&1); then
			unavailable net "$c" "setup failed: $(echo "$msg" | tail -3 | tr '\n' ' ')"
			failed="$failed $c"
			cand_down
			continue
		fi
		for t in $BENCH_NET_TESTS; do
			run_test "$c" "$t" "$r"
		done
		if [ "$BENCH_PERF" = 1 ] && [ "$r" = 1 ] && ! past_deadline; then perf_profile "$c"; fi
		cand_down
	done
}

for_reps net net_rep
exit 0
