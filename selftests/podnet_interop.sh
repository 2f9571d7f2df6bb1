#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet and Linux's own geneve device in L3 mode (innerprotoinherit) talk
# to each other both ways, over an IPv4 and an IPv6 underlay, with and
# without UDP checksums; podnet's packets decode as Geneve in tshark.
# vm-timeout: 900
# vm-core: yes
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "modprobe geneve" modprobe geneve
underlay_up

# Node 1 runs podnet (pods 10.244.1.1, fd44:1::1), node 2 Linux geneve
# (10.244.2.1, fd44:2::1).
setup() {	# setup UNDERLAY CSUM(on|off)
	local ul=$1 cs=$2 me peer gcsum pcsum
	if [ $ul = 4 ]; then me=192.168.0.1 peer=192.168.0.2
	else me=fd00::1 peer=fd00::2; fi
	if [ $cs = on ]; then
		gcsum="udpcsum udp6zerocsumrx"; pcsum="udpcsum"
		[ $ul = 6 ] && gcsum="noudp6zerocsumtx"
	else
		gcsum="noudpcsum"; pcsum="noudpcsum"
		[ $ul = 6 ] && { gcsum="udp6zerocsumtx udp6zerocsumrx"
				 pcsum="udp6zerocsumtx udp6zerocsumrx"; }
	fi
	N n1 ip link add podnet0 type podnet vni 42 local $me $pcsum || return 1
	N n1 ip addr add 10.244.1.1/32 dev podnet0
	N n1 ip addr add fd44:1::1/128 dev podnet0 nodad
	N n1 ip link set podnet0 up || return 1
	N n1 ip route add 10.244.2.0/24 dev podnet0 src 10.244.1.1
	N n1 ip -6 route add fd44:2::/64 dev podnet0 src fd44:1::1
	printf 'route 10.244.2.0/24 via %s\nroute fd44:2::/64 via %s\n' $peer $peer |
		N n1 timeout 20 podnetctl setconf podnet0 - || return 1
	N n2 ip link add gn0 type geneve id 42 remote $me innerprotoinherit $gcsum || return 1
	N n2 ip addr add 10.244.2.1/32 dev gn0
	N n2 ip addr add fd44:2::1/128 dev gn0 nodad
	N n2 ip link set gn0 up || return 1
	N n2 ip route add 10.244.1.0/24 dev gn0 src 10.244.2.1
	N n2 ip -6 route add fd44:1::/64 dev gn0 src fd44:2::1
}

teardown() {
	N n1 ip link del podnet0 2>/dev/null
	N n2 ip link del gn0 2>/dev/null
	true
}

for ul in 4 6; do
	for cs in on off; do
		tag="IPv$ul underlay, checksums $cs"
		if ! out=$(setup $ul $cs 2>&1); then
			report 1 "$tag: podnet and geneve set up" "$out"
			teardown
			continue
		fi
		t "$tag: podnet -> geneve, IPv4" pings n1 10.244.2.1
		t "$tag: podnet -> geneve, IPv6" pings n1 fd44:2::1
		t "$tag: geneve -> podnet, IPv4" pings n2 10.244.1.1
		t "$tag: geneve -> podnet, IPv6" pings n2 fd44:1::1
		rx=$(N n1 podnetctl -j route show dev podnet0 |
		     jq '[group_by(.gateway)[] | .[0].rx_packets] | add')
		[ "${rx:-0}" -ge 4 ]
		report $? "$tag: podnet counted what geneve sent (rx $rx)"
		teardown
	done
done

# tshark decodes podnet's packets as Geneve carrying IPv4.  dumpcap
# captures (it says "Capturing on" once the filter is attached) and tshark
# decodes the file afterwards, so tshark's slow start cannot lose packets.
# (make deps installs tshark, which brings dumpcap: not having them is a
# failure.)
t "tshark and dumpcap are installed" sh -c 'command -v tshark && command -v dumpcap'
if command -v tshark >/dev/null && command -v dumpcap >/dev/null; then
	setup 4 on >/dev/null 2>&1
	rm -f /tmp/gnv.pcap /tmp/gnv.err
	N n1 timeout 120 dumpcap -q -i eth0 -c 3 -f "udp dst port 6081" \
		-w /tmp/gnv.pcap 2>/tmp/gnv.err &
	cap=$!
	for _ in $(seq 120); do
		grep -q "Capturing on" /tmp/gnv.err 2>/dev/null && break
		sleep 0.5
	done
	N n1 ping -c 5 -i 0.5 10.244.2.1 >/dev/null 2>&1
	wait $cap
	out=$(tshark -r /tmp/gnv.pcap -T fields -e geneve.vni \
		-e geneve.proto_type -e ip.src 2>&1)
	# VNI 42 (tshark prints it in hex), IPv4 inside, sent by podnet on
	# node 1 (outer source) for its pod (inner source).
	echo "$out" | grep -Eq '^(42|0x0*2a)[[:space:]]+0x0800[[:space:]]+192\.168\.0\.1,10\.244\.1\.1$'
	report $? "tshark decodes podnet's packets: Geneve VNI 42, protocol 0x0800, inner IPv4" \
		"$out $(cat /tmp/gnv.err)"
	teardown
fi

cluster_down
finish
