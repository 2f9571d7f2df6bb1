# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the podnet_*.sh selftests (sourced, not run): KTAP reporting
# (ktap.sh) and a three-node cluster built from network namespaces.
#
# Topology: the guest's root namespace is the underlay switch (bridge
# br0); nodes n1..n3 are namespaces joined to it by veth, with underlay
# addresses 192.168.0.N/24 and fd00::N/64.  Each node has a podnet0
# device and two pods (namespaces pN1, pN2) attached by veth, with
# addresses 10.244.N.1J/32 and fd44:N::1J/128; the node answers the pods
# as 10.244.N.1 / fe80::1 and routes the pod range through podnet0.

PY=/usr/bin/python3
. "$(dirname "$0")/ktap.sh"

N() { ip netns exec "$@"; }	# N NS CMD...

# drop_count NODE REASON: a drop counter of node's podnet0, e.g. spoofed_source
drop_count() {
	N "$1" podnetctl -j show podnet0 |
		jq -r ".[0].drops.$2 // .drops.$2 // 0"
}

# The set-up runs one ip -batch per namespace rather than an ip (and an
# ip netns exec) per command: on the debug kernel under TCG each process
# costs about a second.  -force: a command that fails does not stop the
# others, as with one process each.
underlay_up() {
	ip link add br0 type bridge
	ip link set br0 up
	for i in 1 2 3; do underlay_node $i; done
}
# underlay_node N: node N's namespace on the switch br0, 192.168.0.N and
# fd00::N (a node joining later than underlay_up's three)
underlay_node() {
	local i=$1
	ip netns add n$i
	ip link add ul$i type veth peer name eth0 netns n$i
	ip link set ul$i master br0 up
	ip -n n$i -force -batch - <<-EOF
	link set lo up
	link set eth0 up
	addr add 192.168.0.$i/24 dev eth0
	addr add fd00::$i/64 dev eth0 nodad
	EOF
	N n$i sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# pods_up N: the two pods of node N
pods_up() {
	local i=$1 j
	for j in 1 2; do
		ip netns add p$i$j
		ip -n n$i -force -batch - <<-EOF
		link add vp$j type veth peer name eth0 netns p$i$j
		link set vp$j up
		addr add 10.244.$i.1/32 dev vp$j
		addr add fe80::1/64 dev vp$j nodad
		route add 10.244.$i.1$j/32 dev vp$j
		route add fd44:$i::1$j/128 dev vp$j
		EOF
		# ::/0: a batch has no -6, and "default" alone means IPv4
		ip -n p$i$j -force -batch - <<-EOF
		link set lo up
		link set eth0 up
		addr add 10.244.$i.1$j/32 dev eth0
		addr add fd44:$i::1$j/128 dev eth0 nodad
		route add 10.244.$i.1/32 dev eth0
		route add default via 10.244.$i.1 dev eth0
		route add ::/0 via fe80::1 dev eth0
		EOF
	done
}

# node_up N UNDERLAY(4|6) [extra ip-link args]: podnet0 on node N
node_up() {
	local i=$1 fam=$2 addr
	shift 2
	if [ "$fam" = 4 ]; then addr=192.168.0.$i; else addr=fd00::$i; fi
	ip -n n$i -batch - <<-EOF || return 1
	link add podnet0 type podnet vni 42 local $addr $*
	link set podnet0 up
	EOF
	ip -n n$i -force -batch - <<-EOF
	route add 10.244.0.0/16 dev podnet0
	route add fd44::/16 dev podnet0
	EOF
}

# node_routes N UNDERLAY: routes of node N to the other nodes' pods,
# installed at once as a bootstrap agent would
node_routes() {
	local i=$1 fam=$2 k via
	for k in 1 2 3; do
		[ $k = $i ] && continue
		if [ "$fam" = 4 ]; then via=192.168.0.$k; else via=fd00::$k; fi
		echo "route 10.244.$k.0/24 via $via"
		echo "route fd44:$k::/64 via $via"
	done | N n$i timeout 20 podnetctl setconf podnet0 -
}

cluster_up() {	# cluster_up UNDERLAY
	local i
	underlay_up
	for i in 1 2 3; do
		pods_up $i
		node_up $i "$1" || return 1
		node_routes $i "$1" || return 1
	done
}

# nodes_up UNDERLAY(4|6): podnet0 on nodes 1 and 2, with routes to each other
nodes_up() {
	local i
	for i in 1 2; do
		{ node_up $i "$1" && node_routes $i "$1"; } || return 1
	done
}

# pair_up UNDERLAY(4|6): nodes 1 and 2 with their pods, podnet0 and routes
# to each other (node 3 on the underlay only)
pair_up() {
	underlay_up
	pods_up 1
	pods_up 2
	nodes_up "$1"
}

cluster_down() {
	local i j
	for i in 1 2 3; do
		for j in 1 2; do ip netns del p$i$j 2>/dev/null; done
		ip netns del n$i 2>/dev/null
	done
	ip link del br0 2>/dev/null
	true
}

# pings FROM_POD ADDR: one quick ping (retries once for neighbour setup)
pings() {
	N "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 ||
		N "$1" ping -c 2 -i 0.3 -W 2 "$2" >/dev/null 2>&1
}

# tcp_recv POD ADDR OUT: accept one TCP connection on ADDR port 5001 in
# POD and write "BYTES SHA256" of what arrived to OUT (run it in the
# background, then tcp_send)
tcp_recv() {
	N "$1" $PY - "$2" >"$3" 2>&1 <<'EOF'
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(120)
c, _ = s.accept(); c.settimeout(120); h = hashlib.sha256(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    h.update(d); n += len(d)
print(n, h.hexdigest())
EOF
}

# tcp_send POD ADDR MIB: send MIB MiB of random data from POD to ADDR port
# 5001; prints "BYTES SHA256" of what was sent
tcp_send() {
	N "$1" $PY - "$2" "$3" 2>&1 <<'EOF'
import hashlib, os, socket, sys, time
data = os.urandom(1 << 20) * int(sys.argv[2])
for i in range(40):
    try:
        s = socket.create_connection((sys.argv[1], 5001), timeout=10); break
    except OSError: time.sleep(0.3)
s.settimeout(None); s.sendall(data); s.close()
print(len(data), hashlib.sha256(data).hexdigest())
EOF
}

# raw_geneve FROM TO UNDERLAY(4|6): Geneve packets sent raw from node
# FROM's userspace (a UDP socket) to node TO's podnet0, one at a time.
# For each, node TO's receive-side counters (its drops by reason and its
# routes' rx_packets, "rx") are read before and after: the packet must add
# exactly one to the expected one and nothing to the others.  Prints one
# line per case, "ok NAME -> EXPECTED" or "not ok NAME -> EXPECTED: ...".
# The valid inner packets are ICMP echo replies nobody answers, so that no
# reply traffic mixes into the counters.
raw_geneve() {
	N "n$1" $PY - "$1" "$2" "$3" <<'EOF'
import json, socket, struct, subprocess, sys, time
src, dst, ul = sys.argv[1:4]
other = ({'1', '2', '3'} - {src, dst}).pop()
fam = socket.AF_INET if ul == '4' else socket.AF_INET6
uaddr = (lambda n: '192.168.0.' + n) if ul == '4' else (lambda n: 'fd00::' + n)
RX_KEYS = ('rx', 'bad_version', 'critical_option', 'unknown_vni',
           'unknown_proto', 'malformed', 'spoofed_source', 'oam', 'ecn', 'down')
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(s, d, tos=0, payload=b'\x00\x00\xff\xff\x00\x00\x00\x00'):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), 1, 0, 64, 1,
                    0, socket.inet_aton(s), socket.inet_aton(d))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload
def ip6(s, d, payload=b'\x81\x00\x00\x00\x00\x00\x00\x00'):
    # an ICMPv6 echo reply; its checksum is wrong, the pod drops it quietly
    return struct.pack('!IHBB16s16s', 6 << 28, len(payload), 58, 64,
                       socket.inet_pton(socket.AF_INET6, s),
                       socket.inet_pton(socket.AF_INET6, d)) + payload
def gnv(inner, ver=0, oam=0, crit=0, vni=42, proto=0x0800, opts=b'', optlen=None):
    ol = len(opts) // 4 if optlen is None else optlen
    return struct.pack('!BBH', (ver << 6) | ol, (oam << 7) | (crit << 6),
                       proto) + struct.pack('!I', vni << 8) + opts + inner
good = ip4('10.244.%s.99' % src, '10.244.%s.11' % dst)
good6 = ip6('fd44:%s::99' % src, 'fd44:%s::11' % dst)
ect0 = ip4('10.244.%s.99' % src, '10.244.%s.11' % dst, tos=2)
cases = [   # name, packet, what it adds to, outer ECN
    ('valid', gnv(good), 'rx', 0),
    ('valid IPv6 inner', gnv(good6, proto=0x86dd), 'rx', 0),
    ('noncritical_option', gnv(good, opts=b'\x01\x02\x03\x01abcd'), 'rx', 0),
    ('spoofed', gnv(ip4('10.244.%s.99' % other, '10.244.%s.11' % dst)), 'spoofed_source', 0),
    ('spoofed IPv6 inner', gnv(ip6('fd44:%s::99' % other, 'fd44:%s::11' % dst), proto=0x86dd), 'spoofed_source', 0),
    ('unrouted', gnv(ip4('172.16.0.1', '10.244.%s.11' % dst)), 'spoofed_source', 0),
    ('short', b'\x00\x00\x08', 'malformed', 0),
    ('version', gnv(good, ver=1), 'bad_version', 0),
    ('critical_bit', gnv(good, crit=1), 'critical_option', 0),
    ('critical_option', gnv(good, opts=b'\x01\x02\x83\x00'), 'critical_option', 0),
    ('option_overrun', gnv(good, opts=b'\x01\x02\x03\x05abcd'), 'malformed', 0),
    ('optlen_beyond_packet', gnv(b'', optlen=40), 'malformed', 0),
    ('oam', gnv(good, oam=1), 'oam', 0),
    ('vni', gnv(good, vni=43), 'unknown_vni', 0),
    ('proto', gnv(good, proto=0x6558), 'unknown_proto', 0),
    ('inner_version', gnv(b'\x65' + good[1:]), 'malformed', 0),
    ('inner_truncated', gnv(good[:12]), 'malformed', 0),
    ('inner_v6_in_v4_type', gnv(b'\x60' + bytes(39), proto=0x0800), 'malformed', 0),
    ('inner_v4_in_v6_type', gnv(good + bytes(20), proto=0x86dd), 'malformed', 0),
    ('inner_v6_truncated', gnv(good6[:30], proto=0x86dd), 'malformed', 0),
    ('outer CE, inner ECT(0)', gnv(ect0), 'rx', 3),
    ('outer CE, inner not-ECT', gnv(good), 'ecn', 3),
]
def counters():
    ex = ['ip', 'netns', 'exec', 'n' + dst, 'podnetctl', '-j']
    d = json.loads(subprocess.check_output(ex + ['show', 'podnet0']))[0]['drops']
    r = json.loads(subprocess.check_output(ex + ['route', 'show', 'dev', 'podnet0']))
    # route counters are their node's: count each node (via) once
    d['rx'] = sum({x['gateway']: x['rx_packets'] for x in r}.values())
    return {k: d.get(k, 0) for k in RX_KEYS}
socks = {}
for ecn in (0, 3):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if ul == '4':
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, ecn)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, ecn)
    s.bind((uaddr(src), 0))
    socks[ecn] = s
for name, pkt, want, ecn in cases:
    before = counters()
    socks[ecn].sendto(pkt, (uaddr(dst), 6081))
    for _ in range(30):
        time.sleep(0.1)
        after = counters()
        if after != before:
            break
    time.sleep(0.2)
    after = counters()
    delta = {k: after[k] - before[k] for k in RX_KEYS if after[k] != before[k]}
    res = 'ok' if delta == {want: 1} else 'not ok'
    print('%s %s -> %s: added %s' % (res, name, want, delta or 'nothing'), flush=True)
EOF
}
