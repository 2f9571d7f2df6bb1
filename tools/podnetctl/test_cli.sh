#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host tests of the podnetctl binary: usage and its error messages for bad
# input, everything that is decided before the podnet family is asked.
# (Only rtnetlink look-ups of existing non-podnet links such as lo happen.)
# Prints KTAP lines; exits non-zero if a test failed.

cd "$(dirname "$0")" || exit 1
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "KTAP version 1"

# expect DESC STATUS PATTERN CMD...: CMD exits with STATUS, output has PATTERN
expect() {
	desc=$1 status=$2 pattern=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$status" ] && printf '%s\n' "$out" | grep -qF -- "$pattern"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "# rc=$rc, want $status and '$pattern'; got:"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

P=./podnetctl
expect "--help prints usage" 0 "podnetctl setconf [--allow-empty] DEV FILE" $P --help
expect "-h means human-readable, as in ip(8), not help" 1 "podnetctl: lo: not a podnet device" \
	$P -h route show dev lo
expect "-V prints the version" 0 "podnetctl " $P -V
expect "-n: a namespace that does not exist" 1 \
	"podnetctl: network namespace 'nosuchns': No such file or directory" $P -n nosuchns show
expect "-n: a namespace name with a slash" 2 "podnetctl: invalid network namespace name '../x'" \
	$P -n ../x show
expect "-n needs a name" 2 "Try 'podnetctl --help'" $P -n
expect "help prints usage" 0 "podnetctl route show [dev DEV]" $P help
expect "no object" 2 "missing OBJECT" $P
expect "unknown option" 2 "Try 'podnetctl --help'" $P -x route show
expect "unknown object" 2 "podnetctl: unknown object 'routes'" $P routes show
expect "unknown route command" 2 "route: unknown command 'insert'" $P route insert
expect "prefix length too long" 2 "invalid prefix '10.0.0.0/33'" \
	$P route add 10.0.0.0/33 via 192.168.0.2 dev lo
expect "IPv6 prefix length too long" 2 "invalid prefix 'fd00::/129'" \
	$P route add fd00::/129 via 192.168.0.2 dev lo
expect "prefix that is no address" 2 "invalid prefix 'pods'" \
	$P route add pods via 192.168.0.2 dev lo
expect "host bits set" 2 "invalid prefix '10.244.2.1/24': host bits set (did you mean 10.244.2.0/24?)" \
	$P route add 10.244.2.1/24 via 192.168.0.2 dev lo
expect "bad node address" 2 "invalid address '192.168.0'" \
	$P route add 10.244.2.0/24 via 192.168.0 dev lo
expect "node address with a length" 2 "invalid address '192.168.0.2/32'" \
	$P route add 10.244.2.0/24 via 192.168.0.2/32 dev lo
expect "missing prefix" 2 "route add: missing PREFIX" $P route add via 192.168.0.2 dev lo
expect "missing via" 2 "route add: missing 'via NODEADDR'" $P route add 10.244.2.0/24 dev lo
expect "missing dev" 2 "route replace: missing 'dev DEV'" \
	$P route replace 10.244.2.0/24 via 192.168.0.2
expect "via without an address" 2 "route add: 'via' needs an argument" \
	$P route add 10.244.2.0/24 dev lo via
expect "dev given twice" 2 "route add: 'dev' given twice" \
	$P route add 10.244.2.0/24 via 192.168.0.2 dev lo dev lo
expect "stray argument" 2 "route add: unexpected argument 'metric'" \
	$P route add 10.244.2.0/24 via 192.168.0.2 dev lo metric
expect "via on flush" 2 "route flush: unexpected argument 'via'" \
	$P route flush dev lo via 1.2.3.4
expect "options go before the object" 2 "route show: unexpected argument '-j'" \
	$P route show dev lo -j
expect "device that does not exist" 1 "podnetctl: nosuch0: no such device" \
	$P route add 10.244.2.0/24 via 192.168.0.2 dev nosuch0
expect "device name too long: said so, not 'no such device'" 1 \
	"podnetctl: abcdefghijklmnopq: invalid device name: longer than 15 characters" \
	$P route del 10.244.2.0/24 dev abcdefghijklmnopq
expect "empty device name" 1 "podnetctl: invalid device name ''" \
	$P route del 10.244.2.0/24 dev ""
expect "device that is not a podnet device" 1 "podnetctl: lo: not a podnet device" \
	$P route add 10.244.2.0/24 via 192.168.0.2 dev lo
expect "show of a non-podnet device" 1 "podnetctl: lo: not a podnet device" $P show lo
expect "show takes one device" 2 "show: unexpected argument 'x'" $P show lo x
expect "monitor takes no arguments" 2 "monitor: unexpected argument 'now'" $P monitor now
expect "setconf needs DEV FILE" 2 "setconf: expected [--allow-empty] DEV FILE" $P setconf lo
expect "setconf of a missing file" 1 "podnetctl: /nonexistent.conf: No such file or directory" \
	$P setconf lo /nonexistent.conf
printf '# pods\nroute 10.244.2.0/24 via 192.168.0.2\n\nroute 10.244.3.0/33 via 192.168.0.3\n' >"$tmp/a.conf"
expect "setconf names file and line" 1 "$tmp/a.conf:4: invalid prefix '10.244.3.0/33'" \
	$P setconf lo "$tmp/a.conf"
printf 'route 10.244.2.0/24 via 192.168.0.2\nroute 10.244.2.0/24 via 192.168.0.3\n' >"$tmp/b.conf"
expect "setconf refuses a duplicate prefix" 1 "b.conf:2: duplicate route 10.244.2.0/24 (first on line 1)" \
	$P setconf lo "$tmp/b.conf"
expect "setconf - names standard input" 1 "<stdin>:1: unknown keyword 'router' (expected 'route')" \
	sh -c "echo 'router 10.0.0.0/8 via 1.2.3.4' | $P setconf lo -"
: >"$tmp/empty.conf"
expect "setconf refuses an empty file" 1 "$tmp/empty.conf: no routes: this would delete every route of lo (use 'setconf --allow-empty' to mean that)" \
	$P setconf lo "$tmp/empty.conf"
expect "setconf refuses empty standard input" 1 "<stdin>: no routes" \
	sh -c "$P setconf lo - </dev/null"
printf '# all nodes gone\n\n' >"$tmp/comments.conf"
expect "setconf refuses a file of comments only" 1 "comments.conf: no routes" \
	$P setconf lo "$tmp/comments.conf"
expect "setconf --allow-empty takes an empty file (then needs a podnet device)" 1 "lo: not a podnet device" \
	$P setconf --allow-empty lo "$tmp/empty.conf"
printf 'route 10.244.2.0/24 via 192.168.0.2\nroute 10.244.3.0/24 via 192.168.0.3\000junk\n' >"$tmp/nul.conf"
expect "setconf refuses a NUL byte, naming line and column" 1 "nul.conf:2: NUL byte at column 36" \
	$P setconf lo "$tmp/nul.conf"
printf 'route 10.244.2.0/24 via 192.168.0.2\n' >"$tmp/c.conf"
expect "a good file still needs a podnet device" 1 "lo: not a podnet device" \
	$P setconf lo "$tmp/c.conf"

# setconf --check: the same parser, no device, nothing sent
printf '# pods\nroute FD44:2:0::/64 via FD00::02 # n2\n\nroute 10.244.0.0/016 via 192.168.0.3\n' >"$tmp/d.conf"
expect "setconf --check prints the routes normalized" 0 "route fd44:2::/64 via fd00::2
route 10.244.0.0/16 via 192.168.0.3" $P setconf --check "$tmp/d.conf"
expect "setconf --check -j: line, dst, gateway" 0 \
	'[{"line":2,"dst":"fd44:2::/64","gateway":"fd00::2"},{"line":4,"dst":"10.244.0.0/16","gateway":"192.168.0.3"}]' \
	$P -j setconf --check "$tmp/d.conf"
expect "setconf --check -jp: indented JSON" 0 '[
  {
    "line": 2,
    "dst": "fd44:2::/64",
    "gateway": "fd00::2"
  },' $P -jp setconf --check "$tmp/d.conf"
expect "setconf --check refuses what setconf refuses" 1 "$tmp/a.conf:4: invalid prefix '10.244.3.0/33'" \
	$P setconf --check "$tmp/a.conf"
expect "setconf --check refuses a duplicate prefix" 1 "b.conf:2: duplicate route 10.244.2.0/24" \
	$P setconf --check "$tmp/b.conf"
expect "setconf --check reads standard input" 1 "<stdin>:1: invalid address '1:2'" \
	sh -c "echo 'route fd00::/8 via 1:2' | $P setconf --check -"
expect "setconf --check takes one FILE" 2 "setconf --check: expected FILE" $P setconf --check lo "$tmp/d.conf"
expect "setconf --check refuses an empty file, as setconf does" 1 \
	"$tmp/empty.conf: no routes: setconf would delete every route of the device (use 'setconf --allow-empty' to mean that)" \
	$P setconf --check "$tmp/empty.conf"
expect "setconf --check refuses a file of comments only" 1 "comments.conf: no routes" \
	$P setconf --check "$tmp/comments.conf"
expect "setconf --check --allow-empty takes an empty file" 0 "" \
	$P setconf --check --allow-empty "$tmp/empty.conf"
expect "setconf --allow-empty --check: the options in either order" 0 "" \
	$P setconf --allow-empty --check - </dev/null

# parse: single values, as podnet-up validates and compares them
expect "parse addr normalizes" 0 "fd00::1" $P parse addr FD00:0::1
expect "parse prefix normalizes" 0 "fd44::/16" $P parse prefix fd44:0::/16
expect "parse prefix refuses host bits" 1 "host bits set (did you mean 10.244.0.0/16?)" \
	$P parse prefix 10.244.0.1/16
expect "parse ifaddr keeps host bits" 0 '["10.244.1.1/24","fd44:1::/128"]' \
	$P -j parse ifaddr 10.244.1.1/24 FD44:1::
expect "parse addr refuses 1:2" 1 "invalid address '1:2'" $P parse addr 1:2
expect "parse needs a known kind" 2 "parse: expected addr, prefix or ifaddr" $P parse route 1.2.3.4

expect "--output: an unknown column is a usage error naming the columns" 2 \
	"podnetctl: unknown column 'nope'; columns: DEV,PREFIX,VIA,TX_PACKETS" $P --output prefix,nope route show
expect "--output: no column given" 2 "--output: no column given" $P --output '' route show
expect "--output does not apply to -j" 2 "they do not apply to -j" $P -j --output prefix route show
expect "--pairs does not apply to -j" 2 "they do not apply to -j" $P --pairs -j route show
expect "--help lists the table options" 0 "--noheadings" $P --help
echo "1..$n"
echo "# $n tests, $failed failed"
[ "$failed" = 0 ]
