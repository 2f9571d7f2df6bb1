#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# podvol's least privilege: every command that changes a pool or a volume
# needs CAP_SYS_ADMIN as well as CAP_NET_ADMIN (genetlink's admin flag); a
# root process that holds only CAP_NET_ADMIN (a host-network pod) or only
# CAP_SYS_ADMIN is refused with EPERM, changes nothing, and may still read.
# vm-timeout: 300
# vm-core: yes
set -u
. "$(dirname "$0")/ktap.sh"
pv=podvolctl

# only CAP CMD...: run CMD as root with that one capability left
only() {
	_c=$1
	shift
	setpriv --inh-caps=-all,+"$_c" --ambient-caps=-all,+"$_c" \
		--bounding-set=-all,+"$_c" "$@"
}
# denied DESC PATTERN CMD...: CMD is refused (see refused) saying PATTERN
denied() {
	_d=$1 _p=$2
	shift 2
	_o=$("$@" 2>&1)
	_r=$?
	refused $_r "$_o" && case "$_o" in *"$_p"*) true ;; *) false ;; esac
	report $? "$_d" "rc=$_r, want a refusal saying '$_p'; got:
$_o"
}

modprobe null_blk nr_devices=3 memory_backed=1 gb=1 bs=4096 irqmode=0 || exit 1
check "modprobe podvol" modprobe podvol
check "pool create (root)" $pv pool create priv /dev/nullb0 /dev/nullb1
check "volume create a (root)" $pv volume create priv/a 8M
before=$($pv -j volume show priv 2>&1)

t "setpriv leaves only CAP_NET_ADMIN" only net_admin \
	grep -qx 'CapEff:[[:space:]]*0000000000001000' /proc/self/status
for c in "volume create priv/b 8M" "volume resize priv/a 16M" "volume delete priv/a" \
	 "pool stop priv" "pool add /dev/nullb1" "pool create other /dev/nullb2"; do
	# shellcheck disable=SC2086 # the command's words
	denied "$c refused with only CAP_NET_ADMIN" CAP_SYS_ADMIN only net_admin $pv $c
	# shellcheck disable=SC2086
	denied "$c refused with only CAP_SYS_ADMIN" "not permitted" only sys_admin $pv $c
done
t "volume show works with only CAP_NET_ADMIN" only net_admin $pv volume show priv
t "pool show works with no capability" setpriv --reuid 65534 --regid 65534 \
	--clear-groups --inh-caps=-all $pv pool show priv
check "nothing changed" test "$($pv -j volume show priv 2>&1)" = "$before"
check "volume resize (root)" $pv volume resize priv/a 16M
check "volume delete (root)" $pv volume delete priv/a
check "pool stop (root)" $pv pool stop priv
rmmod podvol
rmmod null_blk
finish
