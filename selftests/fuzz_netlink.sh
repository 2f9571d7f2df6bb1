#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing (tools/fuzz/nlfuzz): generated and mutated genetlink
# messages for both families, podnet and podvol at once, while a third
# process creates and deletes a podnet device (with routes) and a pool
# (with a volume) in a loop.  Once as root, once without privilege: from
# an unprivileged user namespace with a network namespace of its own (its
# own podnet device, which it may change) when the kernel has user
# namespaces (podvol's pass in one that keeps the host's network
# namespace: podvol's family is not there for any other, which is checked
# too), else as user nobody.  Each pass must finish, and its replies
# show that messages reached the handlers (acks and handler errors such as
# ENODEV, ENOENT, EEXIST), not only refusals by the genetlink core.
# Afterwards the fuzzer's targets still answer and both modules unload.
# The kernel log verdict (KASAN, lockdep, kmemleak...) is run-vm's.
#
# usage: fuzz_netlink.sh [MESSAGES]: per family and pass (default 200;
# make fuzz gives 1000000)
# vm-kernels: debug
# vm-timeout: 900
# vm-mem: 2G
set -u
. "$(dirname "$0")/ktap.sh"
nmsg=${1:-200}
fz=$(cd "$(dirname "$0")/../tools/fuzz" && pwd)
export PATH=$PATH:/usr/sbin:/sbin

# The disks: four memory-backed null_blk devices of 256 MiB, made through
# configfs (modprobe's gb= cannot go below 1 GiB).  Every byte of a pool
# may be written: podvol zeroes the space it gives a volume, and the
# fuzzer may grow fzp0 over all four disks (POOL_EXTEND) and fill it
# with volumes.  Four disks of 1 GiB were more than the guest's memory:
# its processes were killed and the guest hung (CI, 1 December 2026).
NB=/sys/kernel/config/nullb
nullb_up() {
	local i
	modprobe null_blk nr_devices=0 || return 1
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config || return 1
	for i in 0 1 2 3; do
		mkdir "$NB/nullb$i" &&
		echo 256 >"$NB/nullb$i/size" && echo 4096 >"$NB/nullb$i/blocksize" &&
		echo 1 >"$NB/nullb$i/memory_backed" && echo 0 >"$NB/nullb$i/irqmode" &&
		echo 1 >"$NB/nullb$i/power" || return 1
	done
	udevadm settle 2>/dev/null
	for i in 0 1 2 3; do [ -b "/dev/nullb$i" ] || return 1; done
}
nullb_down() { rmdir "$NB"/nullb* 2>/dev/null; rmmod null_blk; }
t "modprobe podnet podvol" sh -c "modprobe podnet && modprobe podvol"
check "null_blk: 4 memory-backed disks of 256 MiB" nullb_up
t "fuzz targets: podnet devices fz0 fz1, pool fzp0 (nullb0, nullb1) with volume v0" sh -c \
	"ip link add fz0 type podnet vni 42 && ip link add fz1 type podnet vni 43 port 6082 &&
	 ip link set fz0 up && podnetctl route add 10.7.0.0/16 via 192.168.0.2 dev fz0 &&
	 podvolctl pool create fzp0 --force /dev/nullb0 /dev/nullb1 &&
	 podvolctl volume create fzp0/v0 16M"

# The churn: a podnet device and a pool that come and go under the fuzzer.
rm -f /tmp/fz.stop
(
	i=0
	while [ ! -e /tmp/fz.stop ]; do
		ip link add fzc type podnet vni 7 port 6090 2>/dev/null
		podnetctl route add 10.9.$((i % 256)).0/24 via 192.168.0.9 dev fzc 2>/dev/null
		ip link del fzc 2>/dev/null
		podvolctl pool create fzc --force /dev/nullb2 /dev/nullb3 >/dev/null 2>&1
		podvolctl volume create fzc/c0 8M >/dev/null 2>&1
		podvolctl volume delete fzc/c0 >/dev/null 2>&1
		podvolctl pool stop fzc >/dev/null 2>&1
		i=$((i + 1))
	done
	echo "$i" >/tmp/fz.churns
) &
churn=$!

targets="-d fz0 -d fz1 -d fzc -d lo -p fzp0 -p fzc -V v0 -V c0 -V v1
	 -m /dev/nullb0 -m /dev/nullb1 -m /dev/nullb2 -m /dev/nullb3 -m /dev/null"

# pass LABEL CMD...: nlfuzz runs for podnet and podvol side by side
pass() {
	local label=$1 f
	shift
	for f in podnet podvol; do
		if [ $f = podvol ] && [ -n "${podvol_wrap:-}" ]; then
			# shellcheck disable=SC2086
			$podvol_wrap "$fz/nlfuzz" -n "$nmsg" -f $f $targets >/tmp/fz.$label.$f 2>&1 &
		else
			# shellcheck disable=SC2086
			"$@" "$fz/nlfuzz" -n "$nmsg" -f $f $targets >/tmp/fz.$label.$f 2>&1 &
		fi
		eval "pid_$f=\$!"
	done
	for f in podnet podvol; do
		eval "wait \$pid_$f"
		report $? "nlfuzz $label, $f: $nmsg messages sent and answered" "$(tail -5 /tmp/fz.$label.$f)"
		grep "^#\|^nlfuzz" /tmp/fz.$label.$f | grep -v seed | sed "s/^nlfuzz/# nlfuzz/"
		grep '^#.*seed' /tmp/fz.$label.$f
	done
}
# field FILE NAME: a number from nlfuzz's summary line
field() { sed -n "s/^nlfuzz .* $2=\([0-9]*\).*/\1/p" "$1"; }

reached() {	# reached LABEL FAMILY: handler replies >= 1% of the messages
	local h
	h=$(field /tmp/fz.$1.$2 handler)
	[ "${h:-0}" -gt 0 ] && [ $((h * 100)) -ge "$nmsg" ]
	report $? "nlfuzz $1, $2: messages reached the handlers (${h:-0} acks and handler errors)" \
		"$(tail -2 /tmp/fz.$1.$2)"
}

# mem: the guest's free memory and what the null_blk disks hold
mem() {
	echo "# $1: $(awk '/^MemAvailable/ { print $2 / 1024 " MiB available" }' /proc/meminfo)," \
		"$(podvolctl -j pool show 2>/dev/null | jq -r '[.[] | "\(.name) \((.size - .free) / 1048576) MiB in volumes"] | join(", ")')"
}
mem "before"
pass root
mem "after the root pass"
reached root podnet
reached root podvol

if unshare -Urn true 2>/dev/null; then
	how="user namespace"
	# podvol's family exists in the initial network namespace only (the
	# disks are the host's): its unprivileged pass runs in a user
	# namespace that keeps the host's network namespace, where it holds
	# every capability of its own namespace and none of the host's.
	podvol_wrap="unshare -Ur"
	pass userns unshare -Urn sh -c \
		'ip link set lo up; ip link add fz0 type podnet vni 42 && ip link set fz0 up &&
		 exec "$0" "$@"'
	has "podvol's family is not there for a network namespace of its own" \
		"no genetlink family podvol" \
		sh -c "unshare -Urn $fz/nlfuzz -n 1 -f podvol 2>&1; true"
else
	how="user nobody (no user namespaces in this kernel)"
	pass nobody setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	skip "podvol's family is not there for a network namespace of its own" \
		"no user namespaces in this kernel"
fi
label=$( [ "$how" = "user namespace" ] && echo userns || echo nobody)
reached $label podnet
e=$(field /tmp/fz.$label.podvol eperm)
[ "${e:-0}" -gt 0 ]
report $? "nlfuzz $label ($how), podvol: mutating commands refused (EPERM x${e:-0})"

mem "after the unprivileged pass"
touch /tmp/fz.stop
wait $churn
echo "# churn: $(cat /tmp/fz.churns 2>/dev/null) rounds of device and pool create/delete"

t "the targets still answer (podnetctl show, podvolctl pool show)" sh -c \
	"podnetctl show fz0 >/dev/null && podvolctl pool show >/dev/null"
podvolctl pool stop fzc >/dev/null 2>&1
for p in $(podvolctl -j pool show 2>/dev/null | jq -r '.[].name' 2>/dev/null); do
	podvolctl pool stop "$p" >/dev/null 2>&1
done
ip link del fz0; ip link del fz1; ip link del fzc 2>/dev/null
t "podnet and podvol unload" sh -c "rmmod podvol && rmmod podnet"
check "null_blk unloads" nullb_down
finish
