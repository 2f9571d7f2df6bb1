#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host tests of link_podnet.so with the system's ip(8): help and argument
# checking, which happen before anything is sent to the kernel.  Prints
# KTAP lines; exits non-zero if a test failed.

cd "$(dirname "$0")" || exit 1
export IP_LIB_DIR="$PWD"
n=0
failed=0

echo "KTAP version 1"
if ! command -v ip >/dev/null; then
	echo "1..0 # SKIP no ip(8) on this host"
	exit 0
fi

# expect DESC STATUS PATTERN CMD...: CMD exits with STATUS and prints PATTERN
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

bad() {
	expect "refuses '$2'" 255 "$1" ip link add pnt0 type podnet $2
}

expect "ip link help podnet explains" 0 "Usage: ... podnet vni VNI" ip link help podnet
expect "help lists every option" 0 "[ [no]udp6zerocsumrx ]" ip link help podnet
expect "help lists maxroutes" 0 "[ maxroutes N ]" ip link help podnet
bad 'vni must be 0-16777215' 'vni 16777216'
bad 'vni must be 0-16777215' 'vni -1'
bad 'vni must be 0-16777215' 'vni 4x'
bad 'port must be 1-65535' 'vni 42 port 0'
bad 'port must be 1-65535' 'vni 42 port 65536'
bad 'local must be an IPv4 or IPv6 address' 'vni 42 local 192.168.0'
bad 'ttl must be 1-255 or "auto"' 'vni 42 ttl 256'
bad 'tos must be a number 0-255 or "inherit"' 'vni 42 tos often'
bad 'df must be "unset", "set" or "inherit"' 'vni 42 df maybe'
bad 'maxroutes must be 1-1048576' 'vni 42 maxroutes 0'
bad 'maxroutes must be 1-1048576' 'vni 42 maxroutes 1048577'
bad '"vni" is duplicate' 'vni 42 vni 43'
bad '"noudpcsum" is duplicate' 'vni 42 udpcsum noudpcsum'
bad '"local" is duplicate' 'vni 42 local 10.0.0.1 local 10.0.0.2'
bad 'Command line is not complete' 'vni 42 ttl'
expect "missing vni is refused" 1 'podnet: missing "vni VNI"' \
	ip link add pnt0 type podnet port 6081
expect "unknown option is named" 1 'podnet: unknown option "colour"?' \
	ip link add pnt0 type podnet vni 42 colour blue

echo "1..$n"
echo "# $n tests, $failed failed"
[ "$failed" = 0 ]
