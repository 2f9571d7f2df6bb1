#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# podnetctl and `ip link ... type podnet` used as a user would: every
# command, its human and JSON output, and its error messages for bad input.
# vm-timeout: 1800
set -u
. "$(dirname "$0")/ktap.sh"
tmp=$(mktemp -d)
trap 'kill $monpid 2>/dev/null; rm -rf "$tmp"' EXIT
monpid=

# The helpers use shell built-ins only: under TCG on a busy host every
# process costs, and this test runs about a hundred commands.
indent() {	# indent PREFIX TEXT: TEXT as KTAP diagnostic lines
	local line
	while IFS= read -r line; do
		echo "$1$line"
	done <<<"$2"
}

fails() {	# fails DESC PATTERN CMD...: CMD fails and prints PATTERN on stderr
	local desc=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc != 0 ] && [[ $out == *"$pat"* ]]
	report $? "$desc" "rc=$rc, want failure and '$pat'; got:
$out"
	[ -n "$out" ] && indent "#   says: " "$out"
	return 0
}

route_count() { podnetctl -j route show dev "$1" | jq length; }


# --- setup: an underlay link with both address families ----------------------
echo "# setup: an underlay link with both address families (at ${SECONDS}s)"
t "modprobe podnet" modprobe podnet
ip link add u0 type veth peer name u1
ip addr add 192.168.0.1/24 dev u0
ip addr add fd00::1/64 dev u0 nodad
ip link set u0 up
ip link set u1 up

# --- ip link ... type podnet -------------------------------------------------
echo "# ip link ... type podnet (at ${SECONDS}s)"
has "ip link help podnet explains the options" "Usage: ... podnet vni VNI" \
	ip link help podnet
t "ip link add podnet0 type podnet vni 42 local 192.168.0.1" \
	ip link add podnet0 type podnet vni 42 local 192.168.0.1
t "ip link add podnet6 with an IPv6 local address and port 6082" \
	ip link add podnet6 type podnet vni 43 local fd00::1 port 6082 ttl 32 noudpcsum
has "ip -d link show prints the podnet attributes" \
	"podnet vni 42 port 6081 local 192.168.0.1 ttl 64 tos inherit df unset maxroutes 16384 udpcsum noudp6zerocsumtx noudp6zerocsumrx" \
	ip -d link show podnet0
has "ip -d link show prints an IPv6 local address" "vni 43 port 6082 local fd00::1 ttl 32" \
	ip -d link show podnet6
t "ip -j -d link show gives the attributes as JSON" sh -c \
	"ip -j -d link show podnet0 | jq -e '.[0].linkinfo | .info_kind == \"podnet\" and
	 .info_data.vni == 42 and .info_data.port == 6081 and .info_data.local == \"192.168.0.1\" and
	 .info_data.ttl == 64 and .info_data.tos == \"inherit\" and .info_data.df == \"unset\" and
	 .info_data.udp_csum == true and .info_data.udp_zero_csum6_tx == false'"
t "ip -j -d link show gives local6 for an IPv6 local address" sh -c \
	"ip -j -d link show podnet6 | jq -e '.[0].linkinfo.info_data | .local6 == \"fd00::1\" and .udp_csum == false'"
t "ip link set ... type podnet changes ttl, tos and df" \
	ip link set podnet0 type podnet ttl 10 tos 0x10 df set
has "the changes show in ip -d link show" "ttl 10 tos 0x10 df set" ip -d link show podnet0
t "ttl auto" ip link set podnet0 type podnet ttl auto
has "ttl 0 shows as auto" "ttl auto" ip -d link show podnet0
ip link set podnet0 type podnet ttl 64 tos inherit df unset
fails "ip link add without vni is refused by the kernel" "Error: podnet: vni is required" \
	ip link add podnet9 type podnet
# The plugin's own argument checks are in tools/ip/test_plugin.sh (make test).
fails "ip link add with vni 16777216 is refused" 'vni must be 0-16777215' \
	ip link add podnet9 type podnet vni 16777216
fails "ip link add with an unknown option names it" 'unknown option "remote"' \
	ip link add podnet9 type podnet vni 9 remote 192.168.0.2
fails "changing the vni is refused by the kernel" "Error: podnet: vni cannot be changed" \
	ip link set podnet0 type podnet vni 7
fails "a second device on podnet0's port and local address is refused" \
	"uses this port with an overlapping local address" \
	ip link add podnet9 type podnet vni 9 local 192.168.0.1
fails "so is a wildcard device on podnet0's port" \
	"uses this port with an overlapping local address" \
	ip link add podnet9 type podnet vni 9
t "a device on the same port with another local address is fine" \
	ip link add podnet8 type podnet vni 8 local 192.168.0.8
ip link del podnet8
t "no podnet9 was left behind" sh -c '! ip link show podnet9 2>/dev/null'
ip link set podnet0 up
ip link set podnet6 up

# --- podnetctl: usage errors -------------------------------------------------
echo "# podnetctl: usage errors (at ${SECONDS}s)"
# The whole matrix of usage errors is in tools/podnetctl/test_cli.sh (make
# test); here a few, next to real podnet devices.
fails "invalid prefix length" "invalid prefix '10.0.0.0/33'" \
	podnetctl route add 10.0.0.0/33 via 192.168.0.2 dev podnet0
fails "host bits set" "invalid prefix '10.244.2.1/24': host bits set (did you mean 10.244.2.0/24?)" \
	podnetctl route add 10.244.2.1/24 via 192.168.0.2 dev podnet0
fails "missing via" "route add: missing 'via NODEADDR'" \
	podnetctl route add 10.244.2.0/24 dev podnet0
fails "device that does not exist" "nosuch0: no such device" \
	podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev nosuch0
fails "device that is not a podnet device" "u0: not a podnet device" \
	podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev u0

# --- routes ------------------------------------------------------------------
echo "# routes (at ${SECONDS}s)"
t "route add IPv4 prefix" podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev podnet0
t "route add IPv6 prefix via an IPv4 node" podnetctl route add fd00:244:3::/64 via 192.168.0.3 dev podnet0
t "route add host route" podnetctl route add 10.244.9.9 via 192.168.0.9 dev podnet0
t "route add /0" podnetctl route add 0.0.0.0/0 via 192.168.0.4 dev podnet0
fails "route add of an existing prefix: the kernel's message and the hint" \
	"podnet0: route add 10.244.2.0/24: podnet: " \
	podnetctl route add 10.244.2.0/24 via 192.168.0.5 dev podnet0
fails "... the hint names route replace" "(File exists); use 'route replace' to change it" \
	podnetctl route add 10.244.2.0/24 via 192.168.0.5 dev podnet0
fails "IPv6 node on a device without an IPv6 underlay: kernel's message" \
	"podnet: device has no IPv6 underlay for this via address" \
	podnetctl route add 10.244.7.0/24 via fd00::7 dev podnet0
t "IPv6 node on the IPv6 device" podnetctl route add 10.244.7.0/24 via fd00::7 dev podnet6
t "route replace moves a prefix to another node" \
	podnetctl route replace 10.244.2.0/24 via 192.168.0.22 dev podnet0
t "route replace creates a missing prefix" \
	podnetctl route replace 10.244.5.0/24 via 192.168.0.5 dev podnet0
has "route get: longest prefix match" "10.244.2.0/24" podnetctl route get 10.244.2.77 dev podnet0
has "route get: falls back to /0" "0.0.0.0/0" podnetctl route get 10.245.0.1 dev podnet0
has "route get: exact prefix" "192.168.0.22" podnetctl route get 10.244.2.0/24 dev podnet0
t "route get -j: one object with the route" sh -c \
	"podnetctl -j route get 10.244.2.77 dev podnet0 | jq -e 'length == 1 and .[0].dst == \"10.244.2.0/24\" and .[0].gateway == \"192.168.0.22\"'"

podnetctl route show dev podnet0 >"$tmp/show" 2>&1
has "route show has a heading" "PREFIX" head -1 "$tmp/show"
t "route show lists 5 routes" sh -c "[ \$(tail -n +2 '$tmp/show' | wc -l) = 5 ]"
has "route show shows the replaced node" "192.168.0.22" cat "$tmp/show"
t "route show columns line up (all lines equally long)" sh -c \
	"[ \$(awk '{ print length(\$0) }' '$tmp/show' | sort -u | wc -l) = 1 ]"
t "route show: VIA column starts at the same offset on every line" sh -c \
	"awk 'NR == 1 { p = index(\$0, \"VIA\") } NR > 1 && index(\$0, \$2) != p { bad = 1 } END { exit bad }' '$tmp/show'"
indent "#   " "$(<"$tmp/show")"
t "route show -j is valid JSON with counters" sh -c \
	"podnetctl -j route show dev podnet0 | jq -e 'length == 5 and all(.[]; .dev == \"podnet0\" and
	 has(\"tx_packets\") and has(\"tx_bytes\") and has(\"rx_packets\") and has(\"rx_bytes\"))'"
t "route show --output prefix,via --noheadings: the JSON's routes, in its order" sh -c \
	"[ \"\$(podnetctl --output prefix,via --noheadings route show dev podnet0 | awk '{ print \$1, \$2 }')\" = \
	   \"\$(podnetctl -j route show dev podnet0 | jq -r '.[] | \"\\(.dst) \\(.gateway)\"')\" ]"
t "route show --pairs --output dev,prefix: one NAME=\"value\" line a route" sh -c \
	"podnetctl --pairs --output dev,prefix route show dev podnet0 >'$tmp/pairs' &&
	 [ \$(wc -l <'$tmp/pairs') = 5 ] &&
	 ! grep -vqE '^DEV=\"podnet0\" PREFIX=\"[0-9a-f.:]+/[0-9]+\"\$' '$tmp/pairs'"
t "route show --raw --noheadings: 6 fields a line, 5 lines" sh -c \
	"[ \"\$(podnetctl --raw --noheadings route show dev podnet0 | awk '{ print NF }' | sort | uniq -c | awk '{ print \$1, \$2 }')\" = '5 6' ]"
has "route show without dev lists every device" "podnet6" podnetctl route show
t "route show -j without dev covers both devices" sh -c \
	"[ \$(podnetctl -j route show | jq length) = 6 ]"
t "route del" podnetctl route del 10.244.5.0/24 dev podnet0
fails "route del of a missing prefix" "podnet0: route del 10.244.5.0/24: podnet: no such route" \
	podnetctl route del 10.244.5.0/24 dev podnet0
fails "route del with the wrong node" "podnet: the route goes via a different address" \
	podnetctl route del 10.244.2.0/24 via 192.168.0.99 dev podnet0
t "route del with the right node" podnetctl route del 10.244.2.0/24 via 192.168.0.22 dev podnet0
fails "route get with no match" "podnet6: route get 10.244.2.1: podnet: no route matches this address" \
	podnetctl route get 10.244.2.1 dev podnet6
t "route flush" podnetctl route flush dev podnet0
t "nothing left after flush" sh -c "[ \$(podnetctl -j route show dev podnet0 | jq length) = 0 ]"
t "route show of an empty table prints nothing" sh -c "[ -z \"\$(podnetctl route show dev podnet0)\" ]"

# --- show --------------------------------------------------------------------
echo "# show (at ${SECONDS}s)"
podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev podnet0
has "show DEV prints the configuration" "vni:" podnetctl show podnet0
has "show DEV prints drops by reason" "spoofed_source:" podnetctl show podnet0
indent "#   " "$(podnetctl show podnet0)"
t "show -j DEV" sh -c "podnetctl -j show podnet0 | jq -e 'length == 1 and .[0].ifname == \"podnet0\" and
	.[0].vni == 42 and .[0].port == 6081 and .[0].local == \"192.168.0.1\" and .[0].routes == 1 and
	.[0].tos == \"inherit\" and .[0].udp_csum == true and (.[0].drops | has(\"no_route\")) and
	(.[0].stats | has(\"tx_packets\"))'"
t "show -j lists every podnet device" sh -c \
	"podnetctl -j show | jq -e '[.[].ifname] == [\"podnet0\", \"podnet6\"]'"
t "show lists every podnet device" sh -c "podnetctl show | grep -q '^podnet6:'"

# --- setconf -----------------------------------------------------------------
echo "# setconf (at ${SECONDS}s)"
cat >"$tmp/ok.conf" <<'EOF'
# node 2
route 10.244.2.0/24 via 192.168.0.2
route fd00:244:2::/64 via 192.168.0.2   # its IPv6 pods

# node 3
route 10.244.3.0/24 via 192.168.0.3
EOF
t "setconf from a file" podnetctl setconf podnet0 "$tmp/ok.conf"
t "setconf installed exactly the file's routes" sh -c \
	"podnetctl -j route show dev podnet0 | jq -r '.[] | \"\(.dst) \(.gateway)\"' | sort >'$tmp/got' &&
	 printf '%s\n' '10.244.2.0/24 192.168.0.2' '10.244.3.0/24 192.168.0.3' 'fd00:244:2::/64 192.168.0.2' | diff - '$tmp/got'"
printf 'route 10.244.4.0/24 via 192.168.0.4\n# x\nroute 10.244.5.0/33 via 192.168.0.5\n' >"$tmp/bad.conf"
fails "setconf: a bad line is named by file and line" "$tmp/bad.conf:3: invalid prefix '10.244.5.0/33'" \
	podnetctl setconf podnet0 "$tmp/bad.conf"
printf 'route 10.244.4.0/24 via 192.168.0.4\nroute 10.244.4.0/24 via 192.168.0.5\n' >"$tmp/dup.conf"
fails "setconf: a duplicate prefix is named" "dup.conf:2: duplicate route 10.244.4.0/24 (first on line 1)" \
	podnetctl setconf podnet0 "$tmp/dup.conf"
t "the failed setconfs changed nothing" sh -c "[ \$(podnetctl -j route show dev podnet0 | jq length) = 3 ]"
printf 'route 10.244.4.0/24 via 192.168.0.4\nroute 10.244.5.0/24 via fd00::5\n' >"$tmp/fam.conf"
fails "setconf: a route the kernel refuses fails the file, named by its line" \
	"fam.conf:2: route 10.244.5.0/24: " podnetctl setconf podnet0 "$tmp/fam.conf"
t "... and left the table as it was" sh -c "[ \$(podnetctl -j route show dev podnet0 | jq length) = 3 ]"
t "setconf - reads standard input" sh -c \
	"printf 'route 10.244.8.0/24 via 192.168.0.8\n' | podnetctl setconf podnet0 -"
t "... and replaced the whole table" sh -c \
	"[ \"\$(podnetctl -j route show dev podnet0 | jq -r '.[].dst')\" = 10.244.8.0/24 ]"
fails "setconf of an empty file is refused" "<stdin>: no routes: this would delete every route of podnet0" \
	podnetctl setconf podnet0 - </dev/null
t "... and left the table as it was" sh -c "[ \$(podnetctl -j route show dev podnet0 | jq length) = 1 ]"
t "setconf --allow-empty of an empty file empties the table" sh -c \
	"podnetctl setconf --allow-empty podnet0 - </dev/null && [ \$(podnetctl -j route show dev podnet0 | jq length) = 0 ]"

# --- route save, -4/-6, -p, -h, -n -------------------------------------------
echo "# route save and the ip-style options (at ${SECONDS}s)"
podnetctl setconf podnet0 "$tmp/ok.conf"
t "route save prints the table as a setconf file" sh -c \
	"podnetctl route save dev podnet0 >'$tmp/saved.conf' && grep -v '^#' '$tmp/saved.conf' | sort >'$tmp/saved.routes' &&
	 grep '^route' '$tmp/ok.conf' | sed 's/ *#.*//' | sort | diff - '$tmp/saved.routes'"
indent "#   " "$(<"$tmp/saved.conf")"
t "metrics: Prometheus text format" sh -c "podnetctl metrics >'$tmp/m.prom' && . '$(dirname "$0")/ktap.sh' >/dev/null && prom_valid '$tmp/m.prom'"
t "metrics: routes and nodes of each device, one sample per node" sh -c \
	"grep -qx 'podnet_routes{dev=\"podnet0\"} 3' '$tmp/m.prom' && grep -q '^podnet_routes{dev=\"podnet6\"} ' '$tmp/m.prom' &&
	 grep -qx 'podnet_nodes{dev=\"podnet0\"} 2' '$tmp/m.prom' &&
	 [ \$(grep -c '^podnet_node_transmit_packets_total{dev=\"podnet0\",node=\"192.168.0.2\"} ' '$tmp/m.prom') = 1 ] &&
	 grep -q '^podnet_drops_total{dev=\"podnet0\",reason=\"spoofed_source\"} 0\$' '$tmp/m.prom'"
t "metrics DEV: that device only" sh -c "! podnetctl metrics podnet0 | grep -q podnet6"
grep -v '^#' "$tmp/m.prom" | grep 'dev="podnet0"' | head -8 | sed 's/^/#   /'
podnetctl route flush dev podnet0
t "setconf of the saved file restores the table exactly" sh -c \
	"podnetctl setconf podnet0 '$tmp/saved.conf' && podnetctl route save dev podnet0 | diff '$tmp/saved.conf' -"
t "-4 route show: the IPv4 routes only" sh -c \
	"[ \"\$(podnetctl -4 -j route show dev podnet0 | jq -c '[.[].dst]')\" = '[\"10.244.2.0/24\",\"10.244.3.0/24\"]' ]"
t "-6 route save: the IPv6 route only" sh -c \
	"[ \"\$(podnetctl -6 route save dev podnet0 | grep -v '^#')\" = 'route fd00:244:2::/64 via 192.168.0.2' ]"
t "-6 route flush deletes the IPv6 routes, keeps the IPv4 ones" sh -c \
	"podnetctl -6 route flush dev podnet0 && [ \"\$(podnetctl -j route show dev podnet0 | jq -c '[.[].dst]')\" = '[\"10.244.2.0/24\",\"10.244.3.0/24\"]' ]"
t "-p indents the JSON; the same document as without" sh -c \
	"podnetctl -j -p show podnet0 >'$tmp/p.json' && [ \$(wc -l <'$tmp/p.json') -gt 10 ] &&
	 grep -q '^    \"vni\": 42,\$' '$tmp/p.json' &&
	 [ \"\$(jq -cS 'del(.[0].stats, .[0].drops)' '$tmp/p.json')\" = \"\$(podnetctl -j show podnet0 | jq -cS 'del(.[0].stats, .[0].drops)')\" ]"
ip netns add pcli
ip -n pcli link add podnet7 type podnet vni 7 local 192.168.0.1
t "-n NETNS: commands run in that namespace" sh -c \
	"podnetctl -n pcli route add 10.244.7.0/24 via 192.168.0.7 dev podnet7 &&
	 [ \"\$(podnetctl -n pcli -j show | jq -r '.[].ifname')\" = podnet7 ] &&
	 [ \"\$(ip netns exec pcli podnetctl -j route show | jq -r '.[].dst')\" = 10.244.7.0/24 ]"
fails "-n NETNS: this namespace's devices are not there" "podnet0: no such device" \
	podnetctl -n pcli show podnet0
ip netns del pcli
t "-h means human-readable byte counts (as ip -h), not help" sh -c \
	"podnetctl -h route show dev podnet0 >'$tmp/h.out' && grep -q '^10\.244\.2\.0/24 ' '$tmp/h.out' && ! grep -q Usage '$tmp/h.out'"
indent "#   " "$(podnetctl -h route show dev podnet0)"
t "usage errors exit 2, failed requests 1" sh -c \
	"podnetctl route add 10.244.2.0/24 dev podnet0 2>/dev/null; [ \$? = 2 ] &&
	 { podnetctl route del 10.244.99.0/24 dev podnet0 2>/dev/null; [ \$? = 1 ]; }"
podnetctl route flush dev podnet0

# 10,000 routes: a setconf and dump round trip far larger than one message.
echo "# 10,000 routes (at ${SECONDS}s)"
awk 'BEGIN { for (i = 0; i < 10000; i++)
	printf "route 10.%d.%d.0/24 via 192.168.%d.%d\n", 100 + int(i / 256), i % 256, 1 + int(i / 250) % 200, 2 + i % 250 }' \
	>"$tmp/big.conf"
t "setconf of 10,000 routes" podnetctl setconf podnet0 "$tmp/big.conf"
t "route show -j returns all 10,000 routes, exactly" sh -c \
	"podnetctl -j route show dev podnet0 | jq -r '.[] | \"route \(.dst) via \(.gateway)\"' | sort >'$tmp/big.got' &&
	 sort '$tmp/big.conf' | diff -q - '$tmp/big.got'"
t "route show prints 10,000 rows" sh -c \
	"[ \$(podnetctl route show dev podnet0 | tail -n +2 | wc -l) = 10000 ]"
has "show counts 10,000 routes" "10000" podnetctl show podnet0
t "flush of 10,000 routes" podnetctl route flush dev podnet0

# --- permissions and namespaces ----------------------------------------------
echo "# permissions and namespaces (at ${SECONDS}s)"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
fails "route add needs CAP_NET_ADMIN" "Operation not permitted" \
	nobody podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev podnet0
t "show works without privileges" nobody podnetctl show podnet0
t "route show works without privileges" nobody podnetctl route show dev podnet0
fails "another netns does not see podnet0" "podnet0: no such device" \
	unshare -n podnetctl show podnet0
t "show in an empty netns prints nothing" sh -c '[ "$(unshare -n podnetctl -j show)" = "[]" ]'

# --- monitor -----------------------------------------------------------------
echo "# monitor (at ${SECONDS}s)"
podnetctl -j monitor >"$tmp/mon.json" 2>&1 &
monpid=$!
podnetctl monitor >"$tmp/mon.txt" 2>&1 &
monpid="$monpid $!"
sleep 1
podnetctl route add 10.244.2.0/24 via 192.168.0.2 dev podnet0
podnetctl route replace 10.244.2.0/24 via 192.168.0.3 dev podnet0
podnetctl route del 10.244.2.0/24 dev podnet0
podnetctl setconf podnet0 "$tmp/ok.conf"
podnetctl route flush dev podnet0
sleep 1
kill $monpid
wait $monpid 2>/dev/null
monpid=
indent "#   " "$(<"$tmp/mon.txt")"
t "monitor -j prints one valid JSON object per line" sh -c \
	"[ \$(wc -l <'$tmp/mon.json') = 5 ] && jq -e -c . '$tmp/mon.json' >/dev/null"
t "monitor -j reports new, new, del, set, flush" sh -c \
	"[ \"\$(jq -r .event '$tmp/mon.json' | tr '\n' ' ')\" = 'new new del set flush ' ]"
t "monitor -j carries the route" sh -c \
	"head -1 '$tmp/mon.json' | jq -e '.dev == \"podnet0\" and .dst == \"10.244.2.0/24\" and .gateway == \"192.168.0.2\"'"
t "monitor -j reports the route count after setconf" sh -c \
	"sed -n 4p '$tmp/mon.json' | jq -e '.event == \"set\" and .routes == 3'"
has "monitor prints readable lines" "new route 10.244.2.0/24 via 192.168.0.3 dev podnet0" cat "$tmp/mon.txt"
has "monitor prints deletions" "del route 10.244.2.0/24" cat "$tmp/mon.txt"

# -4 and -6: the other family's routes left out, table events kept
podnetctl -4 -j monitor >"$tmp/mon4.json" 2>&1 &
monpid=$!
podnetctl -6 -j monitor >"$tmp/mon6.json" 2>&1 &
monpid="$monpid $!"
sleep 1
podnetctl route add 10.244.5.0/24 via 192.168.0.5 dev podnet0
podnetctl route add fd00:244:5::/64 via 192.168.0.5 dev podnet0
podnetctl route del fd00:244:5::/64 dev podnet0
podnetctl route flush dev podnet0
sleep 1
kill $monpid
wait $monpid 2>/dev/null
monpid=
t "monitor -4 -j: the IPv4 route's event and the flush, no IPv6 route" sh -c \
	"[ \"\$(jq -r '[.event, .dst // \"-\"] | join(\" \")' '$tmp/mon4.json' | tr '\n' ',')\" = 'new 10.244.5.0/24,flush -,' ]"
t "monitor -6 -j: the IPv6 route's two events and the flush, no IPv4 route" sh -c \
	"[ \"\$(jq -r '[.event, .dst // \"-\"] | join(\" \")' '$tmp/mon6.json' | tr '\n' ',')\" = 'new fd00:244:5::/64,del fd00:244:5::/64,flush -,' ]"

# --- cleanup -----------------------------------------------------------------
echo "# cleanup (at ${SECONDS}s)"
t "delete the devices" sh -c 'ip link del podnet0 && ip link del podnet6'
fails "a deleted device is gone for podnetctl" "podnet0: no such device" podnetctl show podnet0
ip link del u0

finish
