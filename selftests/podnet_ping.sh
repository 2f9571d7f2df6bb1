#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet between three nodes: every pod pair pings over IPv4 and IPv6,
# with an IPv4 underlay and with an IPv6 underlay, and a TCP bulk transfer
# arrives intact.
# vm-timeout: 1200
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet

pods="p11 p12 p21 p22 p31 p32"
addr4() { echo 10.244.${1:1:1}.1${1:2:1}; }
addr6() { echo fd44:${1:1:1}::1${1:2:1}; }
# The pairs to ping: every ordered pair; on the debug kernel (five times
# slower under TCG) every pod to one pod of each other node, so that each
# pod still sends through podnet to both other nodes and hears from both.
pairs() {
	local a b
	for a in $pods; do
		for b in $pods; do
			[ $a = $b ] && continue
			if [ "${PODKIT_KERNEL:-}" = debug ] &&
			   { [ ${a:1:1} = ${b:1:1} ] || [ ${a:2:1} != ${b:2:1} ]; }; then
				continue
			fi
			echo "$a $b"
		done
	done
}

for ul in 4 6; do
	if ! out=$(cluster_up $ul 2>&1); then
		report 1 "IPv$ul underlay: cluster set up" "$out"
		cluster_down
		continue
	fi
	report 0 "IPv$ul underlay: cluster set up"
	for fam in 4 6; do
		bad=""
		np=0 want=$(pairs | wc -l)
		while read -r a b; do
			np=$((np + 1))
			pings $a "$(addr$fam $b)" || bad="$bad $a->$b"
		done < <(pairs)
		# A loop that read nothing must not pass (it did, unseen, while
		# the guest had no /dev/fd for the process substitution).
		report "$([ -z "$bad" ] && [ "$want" -gt 0 ] && [ "$np" = "$want" ]; echo $?)" \
			"IPv$ul underlay: $np pod pairs ping over IPv$fam" "failed:$bad; pairs: $np of $want"
	done

	# TCP bulk transfer, content checked, pod on node 1 -> pod on node 3.
	dst=$(addr$ul p32)
	tcp_recv p32 "$dst" /tmp/bulk.rx &
	srv=$!
	sleep 1
	sent=$(tcp_send p11 "$dst" 4)
	wait $srv
	got=$(cat /tmp/bulk.rx)
	[ -n "$sent" ] && [ "$sent" = "$got" ]
	report $? "IPv$ul underlay: 4 MiB TCP transfer arrives intact" \
		"sent: $sent; received: $got"

	# Counters: the route to node 3 carried the transfer.
	tx=$(N n1 podnetctl -j route show dev podnet0 |
	     jq "[.[] | select(.gateway == \"$([ $ul = 4 ] && echo 192.168.0.3 || echo fd00::3)\") | .tx_bytes] | first")
	[ "${tx:-0}" -gt 4000000 ]
	report $? "IPv$ul underlay: route counters count the transfer" "tx_bytes=$tx"
	cluster_down
done
finish
