#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests of podnet-up and podvol-up: configuration parsing and
# validation, and podvol-up's per-disk decisions (assemble / create / leave
# alone) against stub podvolctl, blkid and modprobe commands.
# KTAP-style output; non-zero exit on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# podnet-up validates with podnetctl's parser: the one built next door.
PATH=$here/../podnetctl:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
echo "KTAP version 1"

ok() {		# ok RC DESC [OUTPUT]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ $# -gt 2 ] && printf '%s\n' "$3" | sed 's/^/# /'
		failed=1
	fi
}

# expect DESC WANT_RC PATTERN CMD...: CMD exits WANT_RC and its combined
# output matches the extended regex PATTERN (empty: anything)
expect() {
	local desc=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		ok 1 "$desc" "exit $rc, wanted $want; output:"$'\n'"$out"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$out"; then
		ok 1 "$desc" "output does not match /$pat/:"$'\n'"$out"
	else
		ok 0 "$desc"
	fi
}

# ------------------------------------------------------------- podnet-up --
cd "$tmp" || exit 1
mkdir -p net
cat > net/podnet0.conf <<'EOF'
# node 1
vni 42
local 192.168.0.1
port 6081
ttl 64
tos inherit
df unset
udpcsum on
mtu 1400
address 10.244.1.0/32
address fd44:1::
cluster-cidr 10.244.0.0/16
cluster-cidr fd44::/16

route 10.244.2.0/24 via 192.168.0.2	# node 2
route 10.244.3.0/24 via 192.168.0.3
route fd44:2::/64 via 192.168.0.2
route 10.99.0.7 via fd00::3
EOF
expect "podnet-up --check accepts a full configuration" 0 \
	'^route 10\.99\.0\.7/32 via fd00::3$' "$here/podnet-up" -c net --check podnet0
out=$("$here/podnet-up" -c net --check podnet0 2>&1)
[ "$(grep -c '^route ' <<<"$out")" = 4 ] &&
	grep -qx 'link vni 42 port 6081 local 192.168.0.1 ttl 64 tos inherit df unset udpcsum' <<<"$out" &&
	grep -qx 'address fd44:1::/128' <<<"$out" && grep -qx 'mtu 1400' <<<"$out"
ok $? "podnet-up --check normalizes device arguments, host prefixes and routes" "$out"

bad() {		# bad DESC PATTERN LINES...: a file with LINES is refused
	local desc=$1 pat=$2
	shift 2
	printf '%s\n' "vni 1" "$@" > net/bad.conf
	expect "podnet-up refuses $desc" 1 "$pat" "$here/podnet-up" -c net --check bad
}
printf 'vni 16777216\n' > net/bad.conf
expect "podnet-up refuses a VNI out of range" 1 'bad.conf:1: vni must be' "$here/podnet-up" -c net --check bad
bad "a VNI given twice" "bad.conf:2: vni given twice \(first on line 1\)" "vni 2"
bad "a bad port" 'bad.conf:2: port must be 1-65535' "port 0"
bad "a bad underlay address" "bad.conf:2: local must be" "local 192.168.0.300"
bad "a bad TTL" "bad.conf:2: ttl must be" "ttl 256"
bad "a bad df" "bad.conf:2: df must be" "df maybe"
bad "a bad on/off value" "bad.conf:2: udpcsum must be on or off" "udpcsum maybe"
bad "a bad MTU" "bad.conf:2: mtu must be" "mtu 20"
bad "an unknown setting" "bad.conf:2: unknown setting 'vnid'" "vnid 4"
bad "a route without via" "bad.conf:3: expected 'via NODEADDR' after '10.0.0.0/8'" \
	"" "route 10.0.0.0/8 192.168.0.1"
bad "a route with a bad prefix" "bad.conf:2: invalid prefix '10.0.0.0/33'" \
	"route 10.0.0.0/33 via 192.168.0.1"
bad "a route with a bad node address" "bad.conf:2: invalid address 'node2'" \
	"route 10.0.0.0/8 via node2"
bad "a prefix given twice" "bad.conf:3: duplicate route 10.1.0.0/32 \(first on line 2\)" \
	"route 10.1.0.0 via 192.168.0.1" "route 10.1.0.0/32 via 192.168.0.2"
# What only podnetctl's parser caught before: podnet-up now uses it.
bad "an IPv6 address such as 1:2 (local)" "bad.conf:2: local must be .*invalid address '1:2'" "local 1:2"
bad "an IPv6 address such as 1:2 (address)" "bad.conf:2: invalid address '1:2' \(ADDR\[/LEN\]\)" "address 1:2"
bad "an IPv6 address such as 1:2 (route)" "bad.conf:3: invalid prefix '1:2'" "" "route 1:2 via 192.168.0.1"
bad "a route prefix with host bits" "bad.conf:2: invalid prefix '10.244.2.1/24': host bits set \(did you mean 10.244.2.0/24\?\)" \
	"route 10.244.2.1/24 via 192.168.0.2"
bad "a cluster-cidr with host bits" "bad.conf:2: cluster-cidr: invalid prefix 'fd44::1/16': host bits set" \
	"cluster-cidr fd44::1/16"
bad "an address given twice, spelled differently" "bad.conf:3: address fd44:1::/128 given twice" \
	"address fd44:1::" "address FD44:1:0::/128"
bad "a cluster-cidr given twice" "bad.conf:3: cluster-cidr 10.244.0.0/16 given twice" \
	"cluster-cidr 10.244.0.0/16" "cluster-cidr 10.244.0.0/016"
bad "two IPv4 underlay addresses" "bad.conf:3: local given twice \(first on line 2\)" \
	"local 192.168.0.1" "local 192.168.0.2"
out=$(printf '%s\n' "vni 1" "ttl 0" "route 10.0.0.0/8 via 192.168.0.1" "route 10.0.0.0/33 via 192.168.0.1" > net/bad.conf
	"$here/podnet-up" -c net --check bad 2>&1)
grep -q "bad.conf:2: ttl must be" <<<"$out" && grep -q "bad.conf:4: invalid prefix '10.0.0.0/33'" <<<"$out"
ok $? "podnet-up names every error, its own and podnetctl's, with its line" "$out"

# Other spellings of the same values are normalized as the kernel prints
# them, so that a later run compares values and finds nothing to change.
printf '%s\n' "vni 0x2a" "local FD00::1" "local 192.168.0.1" "tos 1" "ttl 064" \
	"address FD44:1:0:0::1/64" "address 10.244.1.1/024" "cluster-cidr fd44:0::/16" \
	"cluster-cidr 10.244.0.0/016" "route FD44:2:0::/64 via FD00::02" \
	"route 10.244.2.0/24 via 192.168.0.2" > net/spell.conf
out=$("$here/podnet-up" -c net --check spell 2>&1)
rc=$?
[ $rc = 0 ] &&
	[ "$(printf '%s\n' "$out" | tr '\n' '|')" = "device spell|link vni 42 local 192.168.0.1 local fd00::1 ttl 64 tos inherit|address fd44:1::1/64|address 10.244.1.1/24|cluster-cidr fd44::/16|cluster-cidr 10.244.0.0/16|route fd44:2::/64 via fd00::2|route 10.244.2.0/24 via 192.168.0.2|" ]
ok $? "podnet-up --check normalizes IPv6 case and zeros, /016, tos 1 (inherit), hex and padded numbers" "$out"

bad "a setting with two values" "bad.conf:2: expected 'ttl VALUE'" "ttl 1 2"
# bash's read drops NUL bytes: 'vni 4<NUL>2' would be read as 'vni 42'.
printf 'local 192.168.0.1\nvni 4\0002\n' > net/nul.conf
expect "podnet-up refuses a NUL byte (a damaged file), naming its line" 1 \
	"nul.conf:2: NUL byte: a binary or damaged file" "$here/podnet-up" -c net --check nul
printf 'local 192.168.0.1\n' > net/novni.conf
expect "podnet-up refuses a file without vni" 1 "novni.conf: missing 'vni VNI'" \
	"$here/podnet-up" -c net --check novni
expect "podnet-up names a missing file" 1 "net/nothere.conf: cannot read" \
	"$here/podnet-up" -c net --check nothere
expect "podnet-up refuses a device name with a slash" 1 "invalid device name" \
	"$here/podnet-up" -c net --check ../podnet0

# Dry run on a node without the device: the commands it would run.
mkdir -p bin
cat > bin/ip <<'EOF'
#!/bin/sh
case "$*" in
"link show dev"*|"-o addr show"*|"link show"*|"-j -batch -") echo "Device does not exist." >&2; exit 1 ;;
esac
exit 0
EOF
cat > bin/podnetctl <<EOF
#!/bin/sh
case "\$1 \${2:-}" in
"parse "*|"setconf --check") exec "$here/../podnetctl/podnetctl" "\$@" ;;
esac
echo "podnetctl: unexpected call: \$*" >&2; exit 1
EOF
chmod +x bin/*
out=$(PATH="$tmp/bin:$PATH" "$here/podnet-up" -n -c net podnet0 2>&1)
rc=$?
[ $rc = 0 ] &&
	grep -qx '+ ip link add podnet0 type podnet vni 42 port 6081 local 192.168.0.1 ttl 64 tos inherit df unset udpcsum' <<<"$out" &&
	grep -qx '+ ip route replace 10.244.0.0/16 dev podnet0 proto 149' <<<"$out" &&
	grep -qx '+ podnetctl setconf podnet0 - <<EOF' <<<"$out" &&
	grep -qx 'route 10.99.0.7/32 via fd00::3' <<<"$out"
ok $? "podnet-up -n prints the device, address, kernel route and setconf commands" "$out"

# A running device, as ip -j and podnetctl -j report it (canonical
# spellings), against a file that spells the same values differently: a
# run must find nothing to change.  Stubs record any other call.
mkdir -p run/bin run/st
cat > run/bin/ip <<EOF
#!/bin/sh
st=$tmp/run/st
case "\$*" in
"-j -batch -")	# podnet-up reads the link, addresses and kernel routes at once
	while read -r l; do
		case "\$l" in
		"addr show dev podnet0") cat "\$st/addr.json" ;;
		"route show table all dev podnet0 proto 149") cat "\$st/routes-all.json" ;;
		*) echo "ip -batch: \$l" >> "\$st/calls" ;;
		esac
	done ;;
# the kernel's judgement of new parameters in podnet-up's scratch namespace
"-n podnet-up-"*" link add "*)
	echo "ip \$*" >> "\$st/calls"
	[ ! -e "\$st/refuse" ] || { echo "Error: podnet: refused" >&2; exit 2; } ;;
# the device itself with the new port (after the scratch one was accepted)
"link add podnet0 type podnet vni 42 port 6082 "*)
	echo "ip \$*" >> "\$st/calls"
	[ ! -e "\$st/refuse-new" ] || { echo "Error: podnet: refused" >&2; exit 2; } ;;
*) echo "ip \$*" >> "\$st/calls" ;;
esac
EOF
cat > run/bin/podnetctl <<EOF
#!/bin/sh
st=$tmp/run/st
case "\$*" in
"parse "*|"setconf --check "*) exec "$here/../podnetctl/podnetctl" "\$@" ;;
"-j show podnet0") cat "\$st/show.json" ;;
"-j route show dev podnet0") cat "\$st/routes.json" ;;
*) echo "podnetctl \$*" >> "\$st/calls"; cat >> "\$st/podnetctl.in" ;;
esac
EOF
chmod +x run/bin/*
echo '[{"ifname":"podnet0","ifindex":7,"vni":42,"port":6081,"local":"192.168.0.1","local6":"fd00::1","ttl":64,"tos":"inherit","df":"unset","udp_csum":true,"udp_zero_csum6_tx":false,"udp_zero_csum6_rx":false,"routes":2,"generation":3}]' > run/st/show.json
echo '[{"ifindex":7,"ifname":"podnet0","flags":["POINTOPOINT","NOARP","UP","LOWER_UP"],"mtu":1464,"addr_info":[{"family":"inet","local":"10.244.1.1","prefixlen":24,"scope":"global"},{"family":"inet6","local":"fd44:1::1","prefixlen":64,"scope":"global"},{"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]}]' > run/st/addr.json
# A kernel route of this protocol in another table is not podnet-up's.
echo '[{"dst":"10.244.0.0/16","scope":"link","flags":[]},{"dst":"10.9.0.0/16","table":"7","scope":"link","flags":[]},{"dst":"fd44::/16","metric":1024,"flags":[],"pref":"medium"}]' > run/st/routes-all.json
echo '[{"dev":"podnet0","ifindex":7,"dst":"10.244.2.0/24","gateway":"192.168.0.2","tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0},{"dev":"podnet0","ifindex":7,"dst":"fd44:2::/64","gateway":"fd00::2","tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0}]' > run/st/routes.json
mkdir -p run/conf && cp net/spell.conf run/conf/podnet0.conf
prun() { : > run/st/calls; PATH="$tmp/run/bin:$PATH" "$here/podnet-up" -c run/conf podnet0 2>&1; }
out=$(prun)
rc=$?
[ $rc = 0 ] && [ "$out" = "podnet-up: podnet0: up to date" ] && [ ! -s run/st/calls ]
ok $? "a running device matching a differently spelled file: up to date, no command" "$out"$'\n'"$(cat run/st/calls)"
sed -i 's/^tos 1$/tos 0x10/' run/conf/podnet0.conf
out=$(prun)
rc=$?
[ $rc = 0 ] && [ "$(cat run/st/calls)" = "ip link set podnet0 type podnet ttl 64 tos 0x10 df unset udpcsum noudp6zerocsumtx" ]
ok $? "a changed tos: one ip link set, nothing else" "$out"$'\n'"$(cat run/st/calls)"
sed -i 's/^tos 0x10$/tos 1/; s/^route FD44:2:0::\/64 via FD00::02$/route FD44:2:0::\/64 via FD00::03/' run/conf/podnet0.conf
out=$(prun)
rc=$?
[ $rc = 0 ] && [ "$(cat run/st/calls)" = "podnetctl setconf podnet0 -" ]
ok $? "a changed route: one setconf, nothing else" "$out"$'\n'"$(cat run/st/calls)"
# At boot (podnet@.service): a file broken since the last run is refused
# as a whole, the running device is left exactly as it is.
cp run/conf/podnet0.conf run/good.conf
echo "route 10.244.250.0/24 via 192.168.0.300" >> run/conf/podnet0.conf
out=$(prun)
rc=$?
[ $rc = 1 ] && grep -q "podnet0.conf:12: invalid address '192.168.0.300'" <<<"$out" &&
	grep -q "podnet0: configuration has errors; nothing changed" <<<"$out" && [ ! -s run/st/calls ]
ok $? "a broken file when applying (not --check): exit 1, the line named, no command run" "$out"$'\n'"$(cat run/st/calls)"
mv run/good.conf run/conf/podnet0.conf
# A parameter fixed at creation changed (the port): the device must be
# recreated, but the old one is deleted only after the kernel has accepted
# the new parameters on a scratch device in a namespace of its own.
cp run/conf/podnet0.conf run/good.conf
echo "port 6082" >> run/conf/podnet0.conf
touch run/st/refuse
out=$(prun)
rc=$?
[ $rc = 1 ] && grep -q "podnet0: the kernel refuses the new parameters: Error: podnet: refused" <<<"$out" &&
	grep -q '^ip -n podnet-up-[0-9]* link add podnet0 type podnet vni 42 port 6082 ' run/st/calls &&
	! grep -q '^ip link \(del\|add\) podnet0' run/st/calls
ok $? "a port change the kernel refuses on a scratch device: the running device is not deleted" \
	"$out"$'\n'"$(cat run/st/calls)"
rm run/st/refuse
out=$(prun)
rc=$?
try=$(grep -n '^ip -n podnet-up-[0-9]* link add podnet0 type podnet vni 42 port 6082 ' run/st/calls | cut -d: -f1)
del=$(grep -nx 'ip link del podnet0' run/st/calls | cut -d: -f1)
add=$(grep -n '^ip link add podnet0 type podnet vni 42 port 6082 ' run/st/calls | cut -d: -f1)
[ $rc = 0 ] && [ -n "$try" ] && [ -n "$del" ] && [ -n "$add" ] && [ "$try" -lt "$del" ] && [ "$del" -lt "$add" ] &&
	grep -q "^ip netns del podnet-up-" run/st/calls
ok $? "a port change the kernel accepts: tried in a scratch namespace, then ip link del, then ip link add" \
	"$out"$'\n'"$(cat run/st/calls)"
# Should the new device still fail after the old one was deleted, the old
# one is put back as it was read: parameters, MTU, addresses, up, kernel
# routes, route table.
touch run/st/refuse-new
: > run/st/podnetctl.in
out=$(prun)
rc=$?
del=$(grep -nx 'ip link del podnet0' run/st/calls | cut -d: -f1)
back=$(grep -nx 'ip link add podnet0 type podnet vni 42 port 6081 local 192.168.0.1 local fd00::1 ttl 64 tos inherit df unset udpcsum noudp6zerocsumtx noudp6zerocsumrx' run/st/calls | cut -d: -f1)
[ $rc = 1 ] && grep -q "podnet0: cannot create the device with the new parameters; restoring the old one" <<<"$out" &&
	[ -n "$del" ] && [ -n "$back" ] && [ "$del" -lt "$back" ] &&
	[ "$(sed -n "$((back + 1)),\$p" run/st/calls)" = "ip link set dev podnet0 mtu 1464
ip addr add 10.244.1.1/24 dev podnet0
ip addr add fd44:1::1/64 dev podnet0
ip link set dev podnet0 up
ip route replace 10.244.0.0/16 dev podnet0 proto 149
ip route replace fd44::/16 dev podnet0 proto 149
podnetctl setconf podnet0 -" ] &&
	[ "$(cat run/st/podnetctl.in)" = "route 10.244.2.0/24 via 192.168.0.2
route fd44:2::/64 via fd00::2" ]
ok $? "the new device failing after the old one was deleted: the old one put back with its MTU, addresses, routes and table" \
	"$out"$'\n'"$(cat run/st/calls)"$'\n'"$(cat run/st/podnetctl.in)"
rm run/st/refuse-new
mv run/good.conf run/conf/podnet0.conf

# BGP settings: normalized by --check, refused by its own rules and by
# BIRD's parser (bird -p on the generated configuration), written as BIRD
# configuration.
mkdir -p bgp
cat > bgp/podnet0.conf <<'EOC'
vni 42
local 192.168.0.2
cluster-cidr 10.244.0.0/16
pod-cidr 10.244.2.0/24
pod-cidr FD44:2:0::/64
bgp-as 1.10
bgp-peer 192.168.0.1
bgp-peer 192.168.0.9 as 64999
bgp-rr-clients 192.168.0.0/24
EOC
if ! command -v bird >/dev/null; then
	for d in "--check accepts BGP settings and prints them normalized" \
		 "--bird-config announces the pod-cidr prefixes and names the peers" \
		 "BIRD settings are refused by podnet-up's rules and by bird -p"; do
		n=$((n + 1)); echo "ok $n - podnet-up $d # SKIP bird (bird2) not installed"
	done
else
	out=$("$here/podnet-up" -c bgp --check podnet0 2>&1)
	[ $? = 0 ] && [ "$(printf '%s\n' "$out" | sed -n '/^pod-cidr/,$p' | tr '\n' '|')" = "pod-cidr 10.244.2.0/24|pod-cidr fd44:2::/64|bgp-as 65546|bgp-router-id 192.168.0.2|bgp-hold 30|bgp-keepalive 10|bgp-peer 192.168.0.1 as 65546|bgp-peer 192.168.0.9 as 64999|bgp-rr-clients 192.168.0.0/24|bgp-config /run/podnet/podnet0.bird.conf|" ]
	ok $? "podnet-up --check accepts BGP settings and prints them normalized" "$out"
	out=$("$here/podnet-up" -c bgp --bird-config podnet0 2>&1)
	[ $? = 0 ] && grep -qx '	route 10.244.2.0/24 blackhole;' <<<"$out" &&
		grep -qx '	route fd44:2::/64 blackhole;' <<<"$out" &&
		grep -q 'neighbor 192.168.0.9 as 64999;' <<<"$out" &&
		grep -qx '	neighbor range 192.168.0.0/24 internal;' <<<"$out" &&
		grep -qx '	local 192.168.0.2 as 65546;' <<<"$out" &&
		grep -qx '	ifname = "podnet0";' <<<"$out" && grep -qx '	gw = bgp_next_hop;' <<<"$out" &&
		grep -qx '		next hop address ::192.168.0.2;' <<<"$out" &&
		grep -q '^protocol kernel podnet_kernel6 ' <<<"$out" &&
		printf '%s\n' "$out" > bgp/bird.conf && bird -p -c bgp/bird.conf
	ok $? "podnet-up --bird-config announces the pod-cidr prefixes (IPv6 with next hop ::LOCAL) and names the peers" "$out"
	bgpbad() {	# bgpbad PATTERN LINES...: refused, with PATTERN
		local pat=$1 o rc
		shift
		printf '%s\n' "vni 1" "local 192.168.0.3" "$@" > bgp/bad.conf
		o=$("$here/podnet-up" -c bgp --check bad 2>&1)
		rc=$?
		[ $rc = 1 ] && grep -qE -- "$pat" <<<"$o" && return 0
		echo "$* -> rc $rc: $o"
		return 1
	}
	out=$(
	bgpbad "bad.conf: BGP settings without 'bgp-as ASN'" "bgp-peer 192.168.0.1"
	bgpbad "bad.conf:3: bgp-as must be" "bgp-as 0" "bgp-peer 192.168.0.1"
	bgpbad "bad.conf:3: bgp-as must be" "bgp-as 4294967296" "bgp-peer 192.168.0.1"
	bgpbad "bad.conf: 'bgp-as' without any 'bgp-peer' or 'bgp-rr-clients'" "bgp-as 64512"
	bgpbad "bad.conf:4: bgp-peer: invalid address 'node1'" "bgp-as 64512" "bgp-peer node1"
	bgpbad "bad.conf:4: bgp-peer must be an IPv4 address" "bgp-as 64512" "bgp-peer fd00::1"
	bgpbad "bad.conf:5: bgp-peer 192.168.0.1 given twice" "bgp-as 64512" "bgp-peer 192.168.0.1" "bgp-peer 192.168.0.1 as 64512"
	bgpbad "bad.conf:4: expected 'bgp-peer ADDR \[as ASN\]'" "bgp-as 64512" "bgp-peer 192.168.0.1 asn 3"
	bgpbad "bad.conf: bgp-peer 192.168.0.3 is this node's own address" "bgp-as 64512" "bgp-peer 192.168.0.3"
	bgpbad "bad.conf: bgp-keepalive 9 must be shorter than bgp-hold 9" "bgp-as 64512" "bgp-peer 192.168.0.1" "bgp-hold 9" "bgp-keepalive 9"
	bgpbad "bad.conf:5: bgp-hold must be 0 or 3-65535" "bgp-as 64512" "bgp-peer 192.168.0.1" "bgp-hold 2"
	bgpbad "BIRD refuses the BGP settings: .*Keepalive time must be in range" "bgp-as 64512" "bgp-peer 192.168.0.1" "bgp-hold 0"
	bgpbad "bad.conf:4: bgp-rr-clients must be an IPv4 prefix" "bgp-as 64512" "bgp-rr-clients fd00::/64"
	bgpbad "bad.conf:4: bgp-router-id must be a nonzero IPv4 address" "bgp-as 64512" "bgp-router-id 0.0.0.0" "bgp-peer 192.168.0.1"
	bgpbad "bad.conf:5: bgp-config must be an absolute path" "bgp-as 64512" "bgp-peer 192.168.0.1" "bgp-config bird.conf"
	bgpbad "bad.conf:3: pod-cidr: invalid prefix '10.244.2.1/24': host bits set" "pod-cidr 10.244.2.1/24"
	bgpbad "bad.conf:4: pod-cidr 10.244.2.0/24 given twice \(first on line 3\)" "pod-cidr 10.244.2.0/24" "pod-cidr 10.244.2.0/024"
	printf '%s\n' "vni 1" "bgp-as 64512" "bgp-peer 192.168.0.1" > bgp/bad.conf
	o=$("$here/podnet-up" -c bgp --check bad 2>&1)
	grep -q "BGP needs 'local' with this node's IPv4 underlay address" <<<"$o" || echo "no local: $o"
	)
	[ -z "$out" ]
	ok $? "podnet-up refuses bad BGP settings (its own rules and BIRD's) naming the line" "$out"
fi

# ------------------------------------------------------------ exit codes --
# The scheme of every podkit tool (podnetctl(8), EXIT STATUS): 0 success,
# 1 failure, 2 usage error.
codes() {	# codes SCRIPT "WANT ARGS..."...: each command line exits WANT
	local script=$1 c out="" rc
	shift
	for c in "$@"; do
		# shellcheck disable=SC2086
		"$here/$script" ${c#* } >/dev/null 2>&1
		rc=$?
		[ "$rc" = "${c%% *}" ] || out="$out$script ${c#* }: exit $rc, wanted ${c%% *}"$'\n'
	done
	[ -z "$out" ]
	ok $? "$script: usage errors exit 2, --help 0" "$out"
}
codes podnet-up "2 --bogus" "2 -c" "2 -q" "0 --help" "0 -h"
codes podvol-up "2 --bogus" "2 -c" "2 -t soon" "0 --help" "0 -h"
codes podnet-cni "2 --bogus" "2 -c" "2 -q" "0 --help" "0 -h"

# ---------------------------------------------------------- podvol-podman --
# Usage errors exit 2 and --help 0 before the tools a change needs
# (podman, podvolctl, jq) are looked for: podvolctl is not on this PATH.
expect "podvol-podman: an unknown command is a usage error, whatever is installed" 2 \
	"unknown command 'frob'" "$here/podvol-podman" frob
expect "podvol-podman --help prints usage, whatever is installed" 0 \
	"usage: podvol-podman create POOL/NAME SIZE" "$here/podvol-podman" --help
expect "podvol-podman create without SIZE is a usage error" 2 "usage:" "$here/podvol-podman" create fast/a
expect "podvol-podman release without VOLUME is a usage error" 2 "usage:" "$here/podvol-podman" release
expect "podvol-podman create names the missing tool" 1 "podvol-podman: podvolctl not found" \
	"$here/podvol-podman" create fast/a 64M

# ------------------------------------------------------------- podvol-up --
cat > pools.conf <<'EOF'
timeout 0
pool fast chunk 128K
	disk /dev/disk/by-id/nvme-a
	disk /dev/disk/by-id/nvme-b
pool slow
	disk /dev/disk/by-id/sata-c
EOF
expect "podvol-up --check accepts pools with chunk and disks" 0 \
	'^pool fast chunk 128K$' "$here/podvol-up" -c pools.conf --check
out=$("$here/podvol-up" -c pools.conf --check 2>&1)
[ "$(printf '%s\n' "$out" | tr '\n' '|')" = "timeout 0|pool fast chunk 128K|disk /dev/disk/by-id/nvme-a|disk /dev/disk/by-id/nvme-b|pool slow|disk /dev/disk/by-id/sata-c|" ]
ok $? "podvol-up --check prints the pools normalized" "$out"

pbad() {	# pbad DESC PATTERN LINES...
	local desc=$1 pat=$2
	shift 2
	printf '%s\n' "$@" > bad-pools.conf
	expect "podvol-up refuses $desc" 1 "$pat" "$here/podvol-up" -c bad-pools.conf --check
}
pbad "a disk outside a pool" "bad-pools.conf:1: 'disk' outside of a pool" "disk /dev/vda"
pbad "a relative disk path" "bad-pools.conf:2: disk must be an absolute path" "pool a" "disk vda"
pbad "a pool without disks" "bad-pools.conf:1: pool a has no disks" "pool a" "pool b" "disk /dev/vda"
pbad "a pool defined twice" "bad-pools.conf:3: pool a defined twice" "pool a" "disk /dev/vda" "pool a"
pbad "a disk listed twice" "bad-pools.conf:4: /dev/vda is already listed for pool a" \
	"pool a" "disk /dev/vda" "pool b" "disk /dev/vda"
pbad "a bad chunk size" "bad-pools.conf:1: chunk must be a power of two" "pool a chunk 3K" "disk /dev/vda"
pbad "a too small chunk" "chunk must be a power of two of at least 4K" "pool a chunk 2K" "disk /dev/vda"
pbad "a bad pool name" "bad-pools.conf:1: invalid pool name" "pool a/b" "disk /dev/vda"
pbad "an unknown keyword" "bad-pools.conf:1: unknown keyword 'disks'" "disks /dev/vda"
pbad "a bad timeout" "bad-pools.conf:1: expected 'timeout SECONDS'" "timeout soon"
printf 'pool a\n\tdisk /dev/vd\000a\n' > nul-pools.conf
expect "podvol-up refuses a NUL byte (a damaged file), naming its line" 1 \
	"nul-pools.conf:2: NUL byte: a binary or damaged file" "$here/podvol-up" -c nul-pools.conf --check

# Decisions, with disks as regular files and stub tools keeping state in $st.
st=$tmp/state
mkdir -p "$st" disks
cat > bin/podvolctl <<'EOF'
#!/bin/bash
st=$PODVOL_TEST_STATE
echo "podvolctl $*" >> "$st/calls"
case "$1 $2" in
"probe "*) [ -f "$2.member" ] && cat "$2.member" && exit 0; exit 1 ;;
"-j pool") [ "$3" = show ] && [ -f "$st/pool-$4" ] || exit 1
	echo "[{\"name\":\"$4\",\"uuid\":\"u\",\"state\":\"$(cat "$st/pool-$4")\"}]"; exit 0 ;;
"pool add") pool=$(sed -n 's/^PODVOL_POOL=//p' "$3.member")
	n=$(sed -n 's/^PODVOL_MEMBERS=//p' "$3.member")
	echo "$3" >> "$st/added-$pool"
	if [ "$(sort -u "$st/added-$pool" | wc -l)" -ge "$n" ]; then
		echo running > "$st/pool-$pool"
	else
		echo pending > "$st/pool-$pool"
	fi ;;
"pool create") echo running > "$st/pool-$3" ;;
"pool stop") rm -f "$st/pool-$3" ;;
esac
exit 0
EOF
cat > bin/blkid <<'EOF'
#!/bin/sh
# blkid -p -o export DEV
for a; do dev=$a; done
[ -f "$dev.blkid" ] && { cat "$dev.blkid"; exit 0; }
exit 2
EOF
printf '#!/bin/sh\nexit 0\n' > bin/modprobe
chmod +x bin/*
mkdir -p "$tmp/sys-podvol"

# shellcheck disable=SC2120 # the tests call it through expect, without arguments
pv() {	# pv ARGS...: podvol-up against the stubs
	PATH="$tmp/bin:$PATH" PODVOL_TEST_STATE=$st PODVOL_UP_FAKE_DISKS=1 \
		"$here/podvol-up" -c pools.conf "$@"
}
reset() { rm -rf "$st" disks; mkdir -p "$st" disks; : > "$st/calls"; }
disks() { local d; for d; do : > "disks/$d"; done; }
member() {	# member DISK POOL UUID INDEX COUNT
	printf 'PODVOL_POOL=%s\nPODVOL_POOL_UUID=%s\nPODVOL_MEMBER=%s\nPODVOL_MEMBERS=%s\n' \
		"$2" "$3" "$4" "$5" > "disks/$1.member"
}
conf() {	# conf POOL DISK...
	local p=$1 d
	shift
	{ echo "timeout 0"; echo "pool $p"; for d; do echo "disk $tmp/disks/$d"; done; } > pools.conf
}

reset; disks a b; conf fast a b
expect "first boot: blank disks make a new pool" 0 "fast: created on 2 blank disks" pv
grep -q "pool create fast $tmp/disks/a $tmp/disks/b" "$st/calls"
ok $? "first boot: podvolctl pool create gets every disk" "$(cat "$st/calls")"
: > "$st/calls"
expect "second run: the running pool is left as it is" 0 "fast: running" pv
! grep -qE "create|add" "$st/calls"
ok $? "second run: nothing created or added" "$(cat "$st/calls")"

reset; disks a b; conf fast a b
member a fast U1 0 2; member b fast U1 1 2
expect "after a reboot: members are assembled" 0 "fast: assembled from 2 members" pv
[ "$(grep -c 'pool add' "$st/calls")" = 2 ] && ! grep -q create "$st/calls"
ok $? "after a reboot: pool add for each member, no create" "$(cat "$st/calls")"

reset; disks a b; conf fast a b
member a fast U1 0 2; echo running > "$st/pool-fast"
: > "$st/calls"
expect "members already assembled by udev: nothing to do" 0 "fast: running" pv

reset; disks a b c; conf fast a b
member a fast U1 0 3; member b fast U1 1 3
expect "a member missing: the pool stays pending, with a message" 1 \
	"fast: pending: 2 of 3 members present" pv

reset; disks a b; conf fast a b
printf 'TYPE=ext4\nUSAGE=filesystem\nLABEL=data\n' > disks/b.blkid
expect "a disk with a filesystem is left alone, named with what is on it" 1 \
	"disks/b \(.*\) has a ext4 filesystem labelled 'data': foreign data, left alone" pv
! grep -q "pool create" "$st/calls"
ok $? "a disk with a filesystem: no pool is created over it" "$(cat "$st/calls")"

reset; disks a b; conf fast a b
printf 'PTTYPE=gpt\n' > disks/a.blkid
expect "a disk with a partition table is left alone" 1 "has a gpt partition table: foreign data" pv

reset; disks a b; conf fast a b
member b slow U9 0 1
expect "a member of another pool is left alone" 1 \
	"has a member of podvol pool 'slow' \(U9\): foreign data, left alone" pv
! grep -qE "pool (create|add)" "$st/calls"
ok $? "a member of another pool: nothing added or created" "$(cat "$st/calls")"

reset; disks a b; conf fast a b
member a fast U1 0 1; member b fast U2 0 1
expect "two pools of the same name: the second is foreign" 0 \
	"another pool also named 'fast' \(U2\)" pv

reset; disks a b; conf fast a b c
out=$(pv 2>&1)
[ $? = 1 ] && grep -q "disks/c: no such disk" <<<"$out" && grep -q "fast: not created" <<<"$out" &&
	! grep -q "pool create" "$st/calls"
ok $? "a listed disk that does not exist: named, nothing created" "$out"

reset; disks a b c; conf fast a b c
member a fast U1 0 2; member b fast U1 1 2
expect "a blank disk next to a complete pool is reported, pool assembled" 0 \
	"disks/c is blank but the pool exists without it" pv

# A pool whose name is a word of podvolctl's table (its state is read
# from -j output).
reset; disks a b; conf state a b
expect "a pool named 'state': created" 0 "state: created on 2 blank disks" pv
expect "a pool named 'state': second run finds it running" 0 "state: running \(0 of \? members listed\), nothing to do" pv
expect "a pool named 'state': --stop stops it" 0 "state: stopped" pv --stop

reset; disks a b; conf fast a b
expect "dry run prints the create and changes nothing" 0 "\+ podvolctl pool create fast" pv -n
[ ! -e "$st/pool-fast" ]
ok $? "dry run: no pool created"

reset; disks a b; conf fast a b
echo running > "$st/pool-fast"
expect "--stop stops the pool" 0 "fast: stopped" pv --stop
expect "--stop again: not assembled" 0 "fast: not assembled" pv --stop
expect "an unknown pool on the command line is refused" 1 "pool nope is not in" pv nope

# ------------------------------------------------------------ podnet-cni --
# The node's CNI network from pod-cidr lines; --mtu stands in for the
# running device.
mkdir -p cni
cat > cni/podnet0.conf <<'EOF'
vni 42
address 10.244.1.7/32
address FD44:1::ffff:ffff:ffff:ffff	# the last address of the prefix
address 10.99.0.1/32			# outside every pod prefix
pod-cidr 10.244.1.0/24
pod-cidr fd44:1:0::/64
EOF
pc() { "$here/podnet-cni" -c cni --mtu 1400 "$@"; }
out=$(pc --check --data-dir /run/ipam podnet0 2>&1)
jq -e '.cniVersion == "0.4.0" and .name == "podnet" and (.plugins | length) == 1 and
	(.plugins[0] | .type == "ptp" and .ipMasq == false and .mtu == 1400 and
	 .ipam.type == "host-local" and .ipam.dataDir == "/run/ipam" and
	 .ipam.routes == [{dst: "0.0.0.0/0"}, {dst: "::/0"}])' <<<"$out" >/dev/null
ok $? "podnet-cni --check: ptp, host-local, the MTU, default routes for both families" "$out"
jq -ce '.plugins[0].ipam.ranges == [
	[{subnet: "10.244.1.0/24", rangeStart: "10.244.1.2", rangeEnd: "10.244.1.6", gateway: "10.244.1.1"},
	 {subnet: "10.244.1.0/24", rangeStart: "10.244.1.8", rangeEnd: "10.244.1.254", gateway: "10.244.1.1"}],
	[{subnet: "fd44:1::/64", rangeStart: "fd44:1::2", rangeEnd: "fd44:1::ffff:ffff:ffff:fffe", gateway: "fd44:1::1"}]]' \
	<<<"$out" >/dev/null
ok $? "podnet-cni: one range set per family, the gateway and the node's addresses left out" "$out"
pc --check -o cni/chk podnet0 >/dev/null 2>&1 && [ ! -e cni/chk ]
ok $? "podnet-cni --check writes nothing"
out=$(pc --check --pod-cidr 10.9.0.0/30 --pod-cidr 10.8.0.0/16 podnet0 2>&1)
jq -ce '.plugins[0].ipam.ranges == [[
	{subnet: "10.9.0.0/30", rangeStart: "10.9.0.2", rangeEnd: "10.9.0.2", gateway: "10.9.0.1"},
	{subnet: "10.8.0.0/16", rangeStart: "10.8.0.2", rangeEnd: "10.8.255.254", gateway: "10.8.0.1"}]] and
	.plugins[0].ipam.routes == [{dst: "0.0.0.0/0"}]' <<<"$out" >/dev/null
ok $? "podnet-cni: --pod-cidr replaces the file's prefixes; two IPv4 prefixes in one range set" "$out"
expect "podnet-cni writes the file" 0 "wrote cni/out/podnet.conflist \(10.244.1.0/24 fd44:1::/64, mtu 1400\)" \
	pc -o cni/out podnet0
before=$(stat -c '%i %Y %s' cni/out/podnet.conflist)
sleep 1
expect "podnet-cni again: unchanged" 0 "cni/out/podnet.conflist unchanged" pc -o cni/out podnet0
[ "$(stat -c '%i %Y %s' cni/out/podnet.conflist)" = "$before" ] &&
	[ "$(pc --check podnet0)" = "$(cat cni/out/podnet.conflist)" ]
ok $? "podnet-cni again: the file is untouched and is what --check prints"
expect "podnet-cni with another MTU replaces the file" 0 "wrote .*mtu 1380" \
	"$here/podnet-cni" -c cni --mtu 1380 -o cni/out podnet0
jq -e '.plugins[0].mtu == 1380' cni/out/podnet.conflist >/dev/null
ok $? "the new file has the new MTU"
sum=$(md5sum < cni/out/podnet.conflist)

cnibad() {	# cnibad DESC PATTERN ARGS...: refused, nothing written
	local desc=$1 pat=$2
	shift 2
	expect "podnet-cni refuses $desc" 1 "$pat" "$here/podnet-cni" -c cni -o cni/out "$@"
	[ "$(md5sum < cni/out/podnet.conflist)" = "$sum" ] && [ ! -e cni/new ] &&
		[ -z "$(find cni/out -name '.*')" ]
	ok $? "podnet-cni $desc: nothing written"
}
printf '%s\n' "pod-cidr 10.244.1.1/24" "pod-cidr fd44:1::/129" > cni/bad.conf
cnibad "a pod-cidr with host bits set" \
	"cni/bad.conf:1: pod-cidr: invalid prefix '10.244.1.1/24': host bits set" --mtu 1400 bad
expect "podnet-cni names every bad line" 1 "cni/bad.conf:2: pod-cidr: invalid prefix 'fd44:1::/129'" \
	"$here/podnet-cni" -c cni --mtu 1400 --check bad
cnibad "a /31" "pod-cidr 10.0.0.0/31 is too small for pods \(at most /30\)" \
	--mtu 1400 --pod-cidr 10.0.0.0/31 podnet0
cnibad "a /127" "pod-cidr fd00::/127 is too small for pods \(at most /126\)" \
	--mtu 1400 --pod-cidr fd00::/127 podnet0
cnibad "overlapping prefixes" "pod-cidr 10.244.0.0/16 overlaps 10.244.1.0/24" \
	--mtu 1400 --pod-cidr 10.244.1.0/24 --pod-cidr 10.244.0.0/16 podnet0
printf '%s\n' "address 10.0.0.2/32" "pod-cidr 10.0.0.0/30" > cni/full.conf
cnibad "a prefix with no address left" "pod-cidr 10.0.0.0/30 has no address left for pods" --mtu 1400 full
cnibad "a bad MTU" "mtu must be 68-65535, not '9x'" --mtu 9x podnet0
printf "vni 1\n" > cni/nopod.conf
cnibad "a file without pod-cidr" "cni/nopod.conf: no pod-cidr line" --mtu 1400 nopod
expect "podnet-cni refuses a missing file without --pod-cidr" 1 "cni/none.conf: no such file, and no --pod-cidr" \
	"$here/podnet-cni" -c cni -o cni/new --mtu 1400 none
[ ! -e cni/new ]
ok $? "podnet-cni missing file: nothing written"
expect "podnet-cni refuses a device that does not exist (no --mtu)" 1 "nosuchdev0: no such device" \
	"$here/podnet-cni" -c cni -o cni/new --pod-cidr 10.1.0.0/24 nosuchdev0
expect "podnet-cni refuses a bad network name" 1 "network name 'a/b'" \
	"$here/podnet-cni" -c cni -o cni/new --mtu 1400 --name a/b podnet0

# The shipped examples are valid.
expect "examples/podnet0.conf is valid" 0 "^route " "$here/podnet-up" -c "$here/examples" --check podnet0
expect "examples/pools.conf is valid" 0 "^pool fast chunk 64K" "$here/podvol-up" -c "$here/examples/pools.conf" --check

echo "1..$n"
exit $failed
