#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the bash completions: each case sets COMP_WORDS as bash
# would and compares COMPREPLY.  ip, podvolctl and compopt are stubbed.
# KTAP-style output.
cd "$(dirname "$0")" || exit 1
n=0 failed=0
echo "KTAP version 1"

ip() { printf '5: podnet0: <NOARP,UP> mtu 1450\n7: podnet6@NONE: <NOARP> mtu 1430\n'; }
podvolctl() {
	case "$*" in
	"pool show") printf 'pool fast  state running  uuid x\nINDEX  DEVICE\npool slow  state failed  uuid y\n' ;;
	"volume list") printf 'POOL  NAME  SIZE\nfast  a     64M\nslow  db    1G\n' ;;
	esac
}
compopt() { nospace=1; }
# shellcheck disable=SC1091
. ./podnetctl
# shellcheck disable=SC1091
. ./podvolctl

expect() {	# expect DESC "WANT" FUNC WORD...: completing the last WORD gives WANT
	local desc=$1 want=$2 fn=$3 got
	shift 3
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	nospace=0
	"$fn"
	got="${COMPREPLY[*]}"
	[ "$nospace" = 1 ] && got="$got (nospace)"
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "# got '$got', want '$want'"
		failed=1
	fi
}

expect "podnetctl: objects" "route show setconf parse monitor metrics help" _podnetctl podnetctl ""
expect "podnetctl: an object's prefix" "route" _podnetctl podnetctl ro
expect "podnetctl: options" "-j --json -p --pretty -h --human -4 -6 -n --netns --output --noheadings --raw --pairs -V --version --help" _podnetctl podnetctl -j -
expect "podnetctl: --output columns after a comma" "prefix,tx_packets prefix,tx_bytes (nospace)" _podnetctl podnetctl --output prefix,tx_
expect "podnetctl: --output's argument is not the object" "route" _podnetctl podnetctl --output prefix ro
expect "podnetctl: long options" "--netns" _podnetctl podnetctl --ne
expect "podnetctl: route verbs" "add replace del get show save flush" _podnetctl podnetctl route ""
expect "podnetctl: route add keywords" "dev via" _podnetctl podnetctl route add 10.244.2.0/24 ""
expect "podnetctl: route show has no via" "dev" _podnetctl podnetctl -4 route show ""
expect "podnetctl: devices after dev (podnet ones, from ip)" "podnet0 podnet6" _podnetctl podnetctl route show dev ""
expect "podnetctl: -n then an object" "route" _podnetctl podnetctl -n ns1 rou
expect "podnetctl: setconf options" "--check --allow-empty" _podnetctl podnetctl setconf --
expect "podnetctl: setconf --check FILE: files, not devices" "test.sh" _podnetctl podnetctl setconf --check te
expect "podnetctl: parse kinds" "addr prefix ifaddr" _podnetctl podnetctl parse ""
expect "podvolctl: objects" "pool volume probe check metrics monitor help" _podvolctl podvolctl ""
expect "podvolctl: pool verbs" "create add extend stop destroy show" _podvolctl podvolctl -j pool ""
expect "podvolctl: -o columns" "name (nospace)" _podvolctl podvolctl -o na
expect "podvolctl: -o +COLS after a comma" "+size,disk (nospace)" _podvolctl podvolctl -o +size,di
expect "podvolctl: -o's argument is not the object" "create add extend stop destroy show" _podvolctl podvolctl -o name pool ""
expect "podvolctl: pool names (from pool show)" "fast slow" _podvolctl podvolctl pool stop ""
expect "podvolctl: pool destroy --force" "--force" _podvolctl podvolctl pool destroy --f
expect "podvolctl: pool create options" "--chunk --force --dry-run" _podvolctl podvolctl pool create fast --
expect "podvolctl: pool extend pool names" "fast slow" _podvolctl podvolctl pool extend ""
expect "podvolctl: pool extend options" "--force --dry-run" _podvolctl podvolctl pool extend fast --
expect "podvolctl: volume create: POOL/ without a space" "fast/ (nospace)" _podvolctl podvolctl volume create f
expect "podvolctl: volumes as POOL/NAME (from volume list)" "fast/a slow/db" _podvolctl podvolctl volume delete ""
expect "podvolctl: nothing after the volume" "" _podvolctl podvolctl volume resize fast/a ""

echo "1..$n"
[ "$failed" = 0 ]
