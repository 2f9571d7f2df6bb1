#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnet's outer header as seen on the wire (captured on the underlay
# switch port of node 1), over an IPv4 and an IPv6 underlay: DSCP
# inherited from the inner packet or fixed, ECN per RFC 6040 (ECT copied,
# CE sent as ECT(0)), TTL / hop limit fixed or the underlay's default, DF
# unset, set or inherited; the inner packet as the pod sent it, its TTL
# less the node's hop.
# vm-kernels: debug
# vm-timeout: 600
set -u
. "$(dirname "$0")/podnet_lib.sh"

t "modprobe podnet" modprobe podnet
t "two nodes up over an IPv4 underlay" pair_up 4
# The underlay's default TTL / hop limit on node 1 differs from podnet's
# own default (64), so that "ttl auto" shows.
N n1 sysctl -qw net.ipv4.ip_default_ttl=77
N n1 sysctl -qw net.ipv6.conf.eth0.hop_limit=78

# A sniffer on ul1 (node 1's port on the switch): one line per Geneve
# packet node 1 sends, "OUTER-FAMILY TOS TTL DF / INNER-FAMILY TOS TTL DF"
# (traffic class and hop limit for IPv6, whose DF is "-").
$PY - >/tmp/wire.out 2>&1 <<'EOF' &
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(('ul1', 0))
print('ready', flush=True)
srcs = (socket.inet_aton('192.168.0.1'), socket.inet_pton(socket.AF_INET6, 'fd00::1'))
def ip(b):	# (family, tos, ttl, df, protocol, header length, source)
    if b[0] >> 4 == 4:
        return (4, b[1], b[8], (struct.unpack('!H', b[6:8])[0] >> 14) & 1,
                b[9], (b[0] & 15) * 4, b[12:16])
    if b[0] >> 4 == 6:
        return (6, ((b[0] & 15) << 4) | (b[1] >> 4), b[7], '-', b[6], 40, b[8:24])
    return None
while True:
    f = s.recv(65535)
    if struct.unpack('!H', f[12:14])[0] not in (0x0800, 0x86dd):
        continue
    o = ip(f[14:])
    if not o or o[6] not in srcs or o[4] != 17:
        continue
    u = f[14 + o[5]:]
    if struct.unpack('!H', u[2:4])[0] != 6081:
        continue
    g = u[8:]
    i = ip(g[8 + (g[0] & 63) * 4:])
    if not i:
        continue
    print('%d 0x%02x %d %s / %d 0x%02x %d %s' % (o[:4] + i[:4]), flush=True)
EOF
snf=$!
for _ in $(seq 100); do
	grep -q ready /tmp/wire.out && break
	sleep 0.2
done
t "sniffer on ul1 ready" grep -q ready /tmp/wire.out

# wire DESC WANT PING-ARGS...: one ping from p11 to p21; the first Geneve
# packet node 1 sends for it is WANT (see the sniffer).
wire() {
	local desc=$1 want=$2 lines got
	shift 2
	lines=$(wc -l < /tmp/wire.out)
	N p11 ping -c 1 -W 2 "$@" >/dev/null 2>&1
	for _ in $(seq 20); do
		[ "$(wc -l < /tmp/wire.out)" -gt "$lines" ] && break
		sleep 0.1
	done
	got=$(sed -n "$((lines + 1))p" /tmp/wire.out)
	[ "$got" = "$want" ]
	report $? "$desc: $want" "want '$want', got '$got'"
}

a4=10.244.2.11 a6=fd44:2::11
# IPv4 underlay, podnet's defaults: tos inherit, ttl 64, df unset.
wire "v4 defaults: DSCP inherited, ttl 64, DF not set though the inner has it" \
	"4 0x28 64 0 / 4 0x28 19 1" -Q 0x28 -t 20 -M "do" $a4
wire "v4: inner ECT(0) copied" "4 0x2a 64 0 / 4 0x2a 63 0" -Q 0x2a -M dont $a4
wire "v4: inner ECT(1) copied" "4 0x29 64 0 / 4 0x29 63 0" -Q 0x29 -M dont $a4
wire "v4: inner CE sent as ECT(0)" "4 0x2a 64 0 / 4 0x2b 63 0" -Q 0x2b -M dont $a4
wire "v4: IPv6 inner, traffic class inherited" "4 0xb8 64 0 / 6 0xb8 19 -" -6 -Q 0xb8 -t 20 $a6
wire "v4: IPv6 inner CE sent as ECT(0)" "4 0x02 64 0 / 6 0x03 63 -" -6 -Q 0x03 $a6
t "set tos 0x10 ttl 32 df set" N n1 ip link set podnet0 type podnet tos 0x10 ttl 32 df set
wire "v4 tos 0x10: fixed DSCP, ECN still copied; ttl 32; DF set though the inner has none" \
	"4 0x12 32 1 / 4 0x2a 63 0" -Q 0x2a -M dont $a4
t "set ttl auto df inherit" N n1 ip link set podnet0 type podnet tos inherit ttl auto df inherit
wire "v4 ttl auto: the underlay's default TTL; df inherit: DF from the inner" \
	"4 0x00 77 1 / 4 0x00 63 1" -M "do" $a4
wire "v4 df inherit: no DF from an inner without DF" "4 0x00 77 0 / 4 0x00 63 0" -M dont $a4
wire "v4 df inherit: an IPv6 inner sets DF" "4 0x00 77 1 / 6 0x00 63 -" -6 $a6

# IPv6 underlay: podnet0 again on both nodes, on fd00::N.
ok6=0
for i in 1 2; do
	{ N n$i ip link del podnet0 && node_up $i 6 && node_routes $i 6; } || ok6=1
done
report $ok6 "IPv6 underlay set up"
wire "v6 defaults: traffic class inherited, hop limit 64" \
	"6 0x28 64 - / 4 0x28 19 1" -Q 0x28 -t 20 -M "do" $a4
wire "v6: inner CE sent as ECT(0)" "6 0x2a 64 - / 4 0x2b 63 0" -Q 0x2b -M dont $a4
wire "v6: IPv6 inner ECT(1) copied" "6 0xb9 64 - / 6 0xb9 19 -" -6 -Q 0xb9 -t 20 $a6
t "set tos 0x10 ttl auto" N n1 ip link set podnet0 type podnet tos 0x10 ttl auto
wire "v6 tos 0x10: fixed traffic class, ECN copied; ttl auto: eth0's hop limit" \
	"6 0x12 78 - / 6 0xba 63 -" -6 -Q 0xba $a6

kill $snf 2>/dev/null
wait $snf 2>/dev/null
cluster_down
finish
