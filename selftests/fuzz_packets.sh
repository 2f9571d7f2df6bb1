#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packet fuzzing (tools/fuzz/pktfuzz): malformed and spoofed Geneve
# datagrams from node 2's userspace at node 1's podnet0 over an IPv4
# underlay and at node 3's over an IPv6 underlay (truncated headers, option
# lengths, critical bits, O bit, wrong version, VNI and protocol, bad inner
# IPv4 and IPv6, inner fragments, fragmented outer datagrams, inner sources
# of other nodes, byte-flipped and cut copies).  The receiving device must
# count every datagram exactly once, as received or under a drop reason,
# and each reason at least as often as datagrams with that known fate were
# sent.  Afterwards both nodes still forward.  The kernel log verdict
# (KASAN, lockdep, kmemleak...) is run-vm's.
#
# usage: fuzz_packets.sh [DATAGRAMS]: per underlay (default 1500; make fuzz
# gives 1000000)
# vm-kernels: debug
# vm-timeout: 900
set -u
. "$(dirname "$0")/podnet_lib.sh"
npkt=${1:-1500}
fz=$(cd "$(dirname "$0")/../tools/fuzz" && pwd)
KEYS="rx bad_version critical_option unknown_vni unknown_proto malformed spoofed_source oam ecn down"

t "modprobe podnet" modprobe podnet
underlay_up
ok4=0
{ node_up 1 4 && node_up 3 6; } || ok4=1
for via in "1 192.168.0" "3 fd00::"; do
	set -- $via
	i=$1 p=$2
	[ "$p" = 192.168.0 ] && o=3 || o=1
	sep=.; [ "$p" = fd00:: ] && sep=
	printf 'route 10.244.2.0/24 via %s%s2\nroute fd44:2::/64 via %s%s2\nroute 10.244.%s.0/24 via %s%s%s\nroute fd44:%s::/64 via %s%s%s\n' \
		"$p" "$sep" "$p" "$sep" $o "$p" "$sep" $o $o "$p" "$sep" $o |
		N n$i timeout 20 podnetctl setconf podnet0 - || ok4=1
	# the inner packets end at the node: nothing forwarded back
	N n$i sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
done
report $ok4 "node 1 (IPv4 underlay) and node 3 (IPv6 underlay) with podnet0 and routes"

counters() {	# counters NODE: "KEY=N ..." of podnet0's receive side
	# (route counters are their node's: each via counted once)
	local d r
	d=$(N n$1 podnetctl -j show podnet0) || return 1
	r=$(N n$1 podnetctl -j route show dev podnet0) || return 1
	for k in $KEYS; do
		if [ $k = rx ]; then
			printf 'rx=%s ' "$(echo "$r" | jq '[group_by(.gateway)[] | .[0].rx_packets] | add // 0')"
		else
			printf '%s=%s ' $k "$(echo "$d" | jq ".[0].drops.$k // 0")"
		fi
	done
}

# fuzz NODE DST LOCAL INNER-ARGS...
fuzz() {
	local node=$1 dst=$2 local=$3 before after out res total bad
	shift 3
	before=$(counters $node)
	out=$(N n2 "$fz/pktfuzz" -n "$npkt" -d "$dst" -l "$local" "$@" 2>&1)
	report $? "pktfuzz: $npkt datagrams from node 2 to node $node ($dst)" "$out"
	echo "$out" | grep '^#'
	sleep 2
	after=$(counters $node)
	# one awk for all the counters: under TCG every process is slow
	res=$(printf '%s\n%s\n%s\n' "$before" "$after" "$(echo "$out" | grep '^pktfuzz ')" | awk '
		NR <= 3 { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } }
		END {
			n = split("'"$KEYS"'", keys, " ")
			for (i = 1; i <= n; i++) {
				k = keys[i]; d = v[2, k] - v[1, k]; total += d
				printf "# node '"$node"': %s +%d", k, d
				if ((3, k) in v) {
					printf " (sent with this fate: %d)", v[3, k]
					if (d < v[3, k]) bad = bad " " k ": counted " d " < sent " v[3, k] ";"
				}
				printf "\n"
			}
			print "total " total; print "bad" bad
		}')
	echo "$res" | grep '^#'
	total=$(echo "$res" | sed -n 's/^total //p')
	bad=$(echo "$res" | sed -n 's/^bad//p')
	[ "$total" = "$npkt" ]
	report $? "node $node counted each of the $npkt datagrams once (rx + drops = $total)" \
		"before: $before
after: $after
$out"
	[ -z "$bad" ]
	report $? "node $node: every drop reason counted at least its known cases" "$bad"
}

fuzz 1 192.168.0.1 192.168.0.2
fuzz 3 fd00::3 fd00::2 -b 10.244.3.11 -c 10.244.1.99 -B fd44:3::11 -C fd44:1::99

alive() {
	N n2 ping -c 1 -W 2 192.168.0.1 && N n2 ping -6 -c 1 -W 2 fd00::3 &&
		N n1 podnetctl show podnet0 && N n3 podnetctl show podnet0
}
check "node 1 and node 3 still answer (ping over the underlay, podnetctl show)" alive
cluster_down
t "podnet unloads" rmmod podnet
finish
