#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make cluster: boot N (default 3) QEMU/TCG nodes from the image of
# scripts/image.sh and check, with nothing started from outside, that each
# came up on its own at boot (udev + podvol.service: its pool;
# podnet@podnet0.service: podnet0; podkit-pod.service: a pod with an address
# in its prefix and a volume), then:
#   - every pod pings every other node's pod, a checksummed TCP stream passes;
#   - one node is powered off hard: traffic to it fails cleanly, the others
#     are unaffected; booted again (podvol.service masked, so udev alone
#     assembles its pool) its volume's data is intact;
#   - node N+1, listed in the others' settings from the start, boots later
#     from the same image with only its own settings disk;
#   - bad configuration at boot (CLUSTER_BADCONF=1, the default): three
#     more nodes, one with a listed disk missing, one with an ext4 file
#     system on a listed disk, one with a broken podnet0.conf.  Each must
#     boot and stay reachable (agent, serial getty, the other units), the
#     failing unit must say why in its journal, and no disk may be written
#     (sha256 of every disk file before and after, taken on the host).
#     CLUSTER_BADCONF=0 leaves that part out, CLUSTER_BADCONF=only runs it
#     alone;
#   - containers: podman on every node runs a container on the CNI network
#     podnet-up wrote from the node's pod-cidr (podnet-cni); containers
#     ping each other across nodes and fetch each other's file (sha256),
#     and reach the pods.  CLUSTER_PODMAN=0 leaves that part out.
# CLUSTER_SMOKE=1 (make check's run) boots one node with its two disks
# only and checks that its units made podnet0, the pool and the pod at
# boot, then powers it off.  SUITE=trixie boots the Debian 13 image.
# Ends with "RESULT: PASS (N checks)" or "RESULT: FAIL (...)"; exit status 0
# or 1.
#
# Each node: 1 vCPU, 1 GiB, a qcow2 overlay over the image, a settings disk
# (label podkit-cfg), two 256 MiB disks for its pool, one NIC on a QEMU
# multicast socket shared by all nodes (no host network setup), and the
# control agent on virtio-serial org.podkit.agent (a QEMU pipe chardev).
#
#   NODES=3 CLUSTER_DIR=build/cluster KEEP=0 CLUSTER_BADCONF=1 [IMAGE=DIR] \
#     scripts/cluster.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${NODES:-3}
dir=${CLUSTER_DIR:-$top/build/cluster}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}
case "$N" in [2-8]) ;; *) echo "cluster: NODES must be 2-8, not '$N'" >&2; exit 2 ;; esac
BADCONF=${CLUSTER_BADCONF:-1}
case "$BADCONF" in 0|1|only) ;; *) echo "cluster: CLUSTER_BADCONF must be 0, 1 or only, not '$BADCONF'" >&2; exit 2 ;; esac
# (Debian 13's podman 5 has no CNI backend, and podnet-cni writes CNI only:
# no containers on the trixie image unless asked for)
podman_default=1
[ "${SUITE:-bookworm}" != trixie ] || podman_default=0
PODMAN=${CLUSTER_PODMAN:-$podman_default}
case "$PODMAN" in 0|1) ;; *) echo "cluster: CLUSTER_PODMAN must be 0 or 1, not '$PODMAN'" >&2; exit 2 ;; esac
SMOKE=${CLUSTER_SMOKE:-0}
case "$SMOKE" in 0|1) ;; *) echo "cluster: CLUSTER_SMOKE must be 0 or 1, not '$SMOKE'" >&2; exit 2 ;; esac
if [ "$SMOKE" = 1 ]; then
	N=1 BADCONF=0 PODMAN=0
fi
TOTAL=$((N + 1))
[ "$SMOKE" = 0 ] || TOTAL=1
VICTIM=$N

t_img=$(date +%s)
# IMAGE=DIR boots an image directory made earlier instead (scripts/image.sh).
if [ -n "${IMAGE:-}" ]; then
	img=$IMAGE
	[ -f "$img/.done" ] || { echo "cluster: $img is not a finished image" >&2; exit 2; }
else
	img=$("$top/scripts/image.sh")
fi
t_img=$(($(date +%s) - t_img))

rm -rf "$dir"
mkdir -p "$dir"
# A multicast group and port of this run only.
MPORT=$((20000 + $$ % 20000))
MGROUP=230.0.$((RANDOM % 250)).$((RANDOM % 250 + 1))

declare -A PID W R T0 NDISKS BADCASE
mac() { printf '52:54:00:50:00:%02x' "$1"; }
NCHECK=0 NFAIL=0 FAILED=""

pass() { NCHECK=$((NCHECK + 1)); echo "  PASS  $*"; }
fail() {
	NCHECK=$((NCHECK + 1)) NFAIL=$((NFAIL + 1))
	FAILED="${FAILED:+$FAILED; }$1"
	echo "  FAIL  $*"
}

# ----------------------------------------------------------- settings --
# What a provisioning system writes for node I: the settings disk's etc/
# tree.  Every node lists every pod prefix of the TOTAL nodes, node N+1's
# included, so that the node added later needs no change elsewhere.
node_settings() {
	local i=$1 d="$dir/node$1.cfg" j t=120
	[ -z "${BADCASE[$i]:-}" ] || t=20	# a missing disk is waited for that long
	mkdir -p "$d/etc/podnet" "$d/etc/podvol" "$d/etc/systemd/network" "$d/etc/podkit-node"
	echo "node$i" >"$d/etc/hostname"
	cat >"$d/etc/systemd/network/10-underlay.network" <<-EOF
	[Match]
	MACAddress=$(mac "$i")
	[Network]
	Address=192.168.0.$i/24
	# a node routes its pods' traffic: net.ipv4.ip_forward=1
	IPForward=yes
	LinkLocalAddressing=no
	IPv6AcceptRA=no
	EOF
	{
		echo "# podnet0 of node$i (written by scripts/cluster.sh)"
		echo "vni 42"
		echo "local 192.168.0.$i"
		echo "address 10.244.$i.0/32"
		echo "cluster-cidr 10.244.0.0/16"
		# podnet-up writes the CNI network of podman's containers over it
		echo "pod-cidr 10.244.$i.0/24"
		for j in $(seq "$TOTAL"); do
			[ "$j" = "$i" ] || echo "route 10.244.$j.0/24 via 192.168.0.$j"
		done
	} >"$d/etc/podnet/podnet0.conf"
	cat >"$d/etc/podvol/pools.conf" <<-EOF
	timeout $t
	pool node$i chunk 64K
	    disk /dev/disk/by-id/virtio-n${i}d1
	    disk /dev/disk/by-id/virtio-n${i}d2
	EOF
	case "${BADCASE[$i]:-}" in
	"")	echo "POD=pod$i ADDR=10.244.$i.11 VOLUME=node$i/pod$i SIZE=96M" >"$d/etc/podkit-node/pod.conf" ;;
	podnet)	# an address podnetctl's parser refuses
		echo "route 10.244.250.0/24 via 192.168.0.300" >>"$d/etc/podnet/podnet0.conf" ;;
	esac
	mkfs.ext4 -q -L podkit-cfg -E root_owner=0:0 -d "$d" "$dir/node$i.cfg.img" 8M >/dev/null
	qemu-img create -q -f qcow2 -F qcow2 -b "$img/root.qcow2" "$dir/node$i.qcow2"
	truncate -s 256M "$dir/node$i.d1.img" "$dir/node$i.d2.img"
	case "${BADCASE[$i]:-}" in
	missing) NDISKS[$i]="$dir/node$i.d1.img:n${i}d1" ;;
	foreign) mkfs.ext4 -q -L data "$dir/node$i.d2.img" ;;
	esac
}

# ---------------------------------------------------------------- nodes --
node_start() {	# node_start I [EXTRA KERNEL ARGS]
	local i=$1 p="$dir/node$1.agent" fd d k=0 disks=()
	shift
	# the pool's disks: FILE:SERIAL words, node I's d1 and d2 unless set
	for d in ${NDISKS[$i]:-$dir/node$i.d1.img:n${i}d1 $dir/node$i.d2.img:n${i}d2}; do
		k=$((k + 1))
		disks+=(-drive "file=${d%:*},if=none,id=d$k,format=raw"
			-device "virtio-blk-pci,drive=d$k,serial=${d##*:}")
	done
	rm -f "$p.in" "$p.out"
	mkfifo "$p.in" "$p.out"
	T0[$i]=$(date +%s.%N)
	qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 1024 \
		-display none -monitor none -no-reboot \
		-serial "file:$dir/node$i.console" \
		-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
		-append "$(cat "$img/cmdline") $*" \
		-drive "file=$dir/node$i.qcow2,if=none,id=root,format=qcow2" \
		-device virtio-blk-pci,drive=root \
		-drive "file=$dir/node$i.cfg.img,if=none,id=cfg,format=raw,readonly=on" \
		-device virtio-blk-pci,drive=cfg \
		"${disks[@]}" \
		-netdev "socket,id=ul,mcast=$MGROUP:$MPORT,localaddr=127.0.0.1" \
		-device "virtio-net-pci,netdev=ul,mac=$(mac "$i")" \
		-device virtio-serial-pci \
		-chardev "pipe,id=agent,path=$p" \
		-device virtserialport,chardev=agent,name=org.podkit.agent \
		>"$dir/node$i.qemu.log" 2>&1 &
	PID[$i]=$!
	# read-write: never blocks, even if QEMU failed to start
	exec {fd}<>"$p.in"
	W[$i]=$fd
	exec {fd}<>"$p.out"
	R[$i]=$fd
}

node_kill() {	# hard power-off
	local i=$1
	kill -KILL "${PID[$i]}" 2>/dev/null || true
	wait "${PID[$i]}" 2>/dev/null || true
	local w=${W[$i]} r=${R[$i]}
	exec {w}>&- {r}<&-
	unset "PID[$i]"
}

# node_poweroff I: systemctl poweroff through the agent (everything the
# node wrote reaches its disk files), QEMU killed after 120 s.
node_poweroff() {
	local i=$1 end
	end=$(($(date +%s) + 120))
	printf 'off %s\n' "$(printf 'systemctl poweroff' | base64 -w0)" >&"${W[$i]}"
	while kill -0 "${PID[$i]}" 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 1; done
	kill -0 "${PID[$i]}" 2>/dev/null && echo "  node$i: not powered off in 120 s, killed"
	node_kill "$i"
}

cleanup() {
	local i
	for i in "${!PID[@]}"; do kill -KILL "${PID[$i]}" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "${KEEP:-0}" = 0 ]; then
		rm -f "$dir"/*.qcow2 "$dir"/*.img
	fi
}
trap cleanup EXIT

# call I TIMEOUT SCRIPT: run SCRIPT with bash on node I through its agent;
# its output in OUT, its exit status returned (124 when no answer came).
# call_send I SCRIPT and call_recv I TIMEOUT are its two halves, for
# commands that run on several nodes at once.
declare -A CALLID
call_send() {
	CALLID[$1]=c$RANDOM$RANDOM
	printf '%s %s\n' "${CALLID[$1]}" "$(printf '%s' "$2" | base64 -w0)" >&"${W[$1]}"
}
call_recv() {
	local i=$1 tmo=$2 rid rc b64 end
	OUT=""
	end=$(($(date +%s) + tmo))
	while [ "$(date +%s)" -lt $end ]; do
		if IFS=' ' read -r -t 5 -u "${R[$i]}" rid rc b64; then
			if [ "$rid" = "${CALLID[$i]}" ]; then
				OUT=$(printf '%s' "$b64" | base64 -d)
				return "$rc"
			fi
		elif ! kill -0 "${PID[$i]:-0}" 2>/dev/null; then
			OUT="node$i: QEMU is not running"
			return 124
		fi
	done
	OUT="node$i: no answer in $tmo s"
	return 124
}
call() {
	call_send "$1" "$3"
	call_recv "$1" "$2"
}

# wait_hello I: the agent announced itself (its unit runs early in boot).
wait_hello() {
	local i=$1 w end
	end=$(($(date +%s) + BOOT_TIMEOUT))
	while [ "$(date +%s)" -lt $end ]; do
		if read -r -t 5 -u "${R[$i]}" w _ && [ "$w" = HELLO ]; then
			return 0
		fi
		kill -0 "${PID[$i]}" 2>/dev/null || return 1
	done
	return 1
}

# wait_up I POOLUNIT: podnet0 up, the pool running, the pod serving; prints
# the guest's uptime when podnet0 and the pool were first seen both up.
READY='
t=$(cat /run/podkit-ready 2>/dev/null)
end=$((SECONDS + 240))
while [ $SECONDS -lt $end ]; do
	# (the node is named by podkit-node-config, perhaps after the agent
	# started: ask each time)
	pool=$(hostname)
	if [ -z "$t" ] && ip link show podnet0 2>/dev/null | grep -qE "[<,]UP[,>]" &&
	   podvolctl pool show "$pool" 2>/dev/null | grep -q "state running"; then
		t=$(cut -d" " -f1 /proc/uptime)
		echo "$t" >/run/podkit-ready
	fi
	if [ -n "$t" ] && systemctl is-active -q podkit-pod.service &&
	   ip netns exec "pod${pool#node}" ss -ltn 2>/dev/null | grep -q ":5001 "; then
		echo "$t"; exit 0
	fi
	sleep 0.2
done
echo "not ready yet:"; systemctl --no-pager --failed; ip -br link
podvolctl pool show; journalctl -b --no-pager -u podvol -u podnet@podnet0 -u podkit-pod -u podkit-node-config | tail -40
exit 3'	# the host asks again until BOOT_TIMEOUT

declare -A BOOT
boot_wait() {	# boot_wait I: HELLO, then READY; records BOOT[I]
	local i=$1 h
	if ! wait_hello "$i"; then
		fail "node$i: boots (no agent; console in $dir/node$i.console)"
		return 1
	fi
	# (one call lasts at most 240 s: the agent stops a command at 300)
	local rc=3
	while [ $rc = 3 ]; do
		rc=0
		call "$i" 280 "$READY" || rc=$?
		if [ $rc = 3 ] && [ "$(echo "$(date +%s) - ${T0[$i]} > $BOOT_TIMEOUT" | bc)" = 1 ]; then
			rc=1
		fi
	done
	if [ $rc = 0 ]; then
		h=$(echo "$(date +%s.%N) - ${T0[$i]}" | bc)
		BOOT[$i]="$OUT s guest uptime, $(printf '%.1f' "$h") s QEMU start to seen ready by the host"
		pass "node$i: booted on its own: podnet0 up and pool node$i running at $OUT s (guest uptime), pod$i serving"
	else
		fail "node$i: podnet0, pool and pod up at boot" "$OUT"
		return 1
	fi
}

# expect NAME I SCRIPT: a check that SCRIPT succeeds on node I.
expect() {
	if call "$2" 300 "$3"; then pass "$1"; else fail "$1"; echo "$OUT" | tail -8 | sed 's/^/        /'; fi
}

ping_pair() {	# from pod I to pod J
	expect "ping pod$1 (node$1) -> pod$2 10.244.$2.11" "$1" \
		"ip netns exec pod$1 ping -q -c 2 -W 3 10.244.$2.11"
}
STREAM='head -c 4M /dev/urandom >/tmp/stream
want=$(sha256sum </tmp/stream | cut -c1-64)
got=$(ip netns exec pod%s timeout 120 socat -t 60 - TCP:%s:5001,connect-timeout=10 </tmp/stream | cut -c1-64)
echo "sent $want, peer read $got"; [ "$want" = "$got" ]'
stream_pair() {
	# shellcheck disable=SC2059
	expect "TCP stream pod$1 -> pod$2, 4 MiB, sha256 equal at both ends" "$1" \
		"$(printf "$STREAM" "$1" "10.244.$2.11")"
}

# ----------------------------------------------------------- containers --
# What a container runtime does on a node: podman (rootful, the CNI
# backend the image configures) runs a container on the network podnet-up
# wrote at boot from the node's pod-cidr (/etc/cni/net.d/podnet.conflist,
# podnet-cni(8)).  Its image is a busybox root made with podman import (no
# registry); it serves 1 MiB of random data over HTTP.
IMPORT='if ! podman image exists localhost/podkit-bb; then
	r=$(mktemp -d)
	mkdir -p "$r/bin" "$r/www"
	cp /bin/busybox "$r/bin/"
	for a in sh ping wget httpd sha256sum dd mv sleep; do ln -s busybox "$r/bin/$a"; done
	tar -C "$r" -c . | podman import -q - localhost/podkit-bb >/dev/null
	rm -rf "$r"
fi'
CTR='set -e
podman rm -f c%s >/dev/null 2>&1 || true
# (NET_RAW: busybox ping needs a raw socket, which podman does not grant by
# default; a Kubernetes pod under containerd has it)
podman run -d --name c%s --network podnet --cap-add NET_RAW localhost/podkit-bb sh -c \
	"dd if=/dev/urandom of=/www/b.tmp bs=64k count=16 2>/dev/null && mv /www/b.tmp /www/blob && exec httpd -f -p 80 -h /www" >/dev/null
for _ in $(seq 60); do podman exec c%s sh -c "[ -s /www/blob ]" && break; sleep 1; done
echo "$(podman inspect -f "{{.NetworkSettings.Networks.podnet.IPAddress}}" c%s) $(podman exec c%s sha256sum /www/blob | cut -c1-64)"'
declare -A CIP CSUM
containers() {
	local i j ip sum
	echo "  containers: podman on every node, CNI network podnet (podnet-cni, written by podnet-up at boot)"
	# (on every node at once, in two steps each within the agent's 300 s:
	# an image import and a first container take minutes under TCG)
	for i in $(seq "$N"); do call_send "$i" "$IMPORT"; done
	for i in $(seq "$N"); do
		call_recv "$i" 300 || { fail "node$i: podman import of a busybox root"; echo "$OUT" | tail -8 | sed 's/^/        /'; }
	done
	for i in $(seq "$N"); do
		# shellcheck disable=SC2059
		call_send "$i" "$(printf "$CTR" "$i" "$i" "$i" "$i" "$i")"
	done
	for i in $(seq "$N"); do
		if call_recv "$i" 300 &&
		   read -r ip sum < <(echo "$OUT" | tail -1) && [[ $ip == 10.244.$i.* ]] &&
		   [ ${#sum} = 64 ]; then
			CIP[$i]=$ip CSUM[$i]=$sum
			pass "node$i: podman run --network podnet: container c$i at $ip (node$i's pod-cidr 10.244.$i.0/24), serving 1 MiB"
		else
			fail "node$i: podman run --network podnet: container c$i in 10.244.$i.0/24"
			echo "$OUT" | tail -8 | sed 's/^/        /'
		fi
	done
	for i in $(seq "$N"); do for j in $(seq "$N"); do
		[ "$i" != "$j" ] && [ -n "${CIP[$i]:-}" ] && [ -n "${CIP[$j]:-}" ] || continue
		expect "container c$i (node$i) -> c$j ${CIP[$j]}: ping, and its 1 MiB over HTTP with sha256 equal" "$i" \
			"out=\$(podman exec c$i sh -c 'ping -q -c 2 -W 3 ${CIP[$j]} && wget -q -O - http://${CIP[$j]}/blob | sha256sum')
			 echo \"\$out\"; echo \"\$out\" | grep -q '^${CSUM[$j]} '"
	done; done
	# containers and the pods of other nodes share the overlay
	[ -n "${CIP[1]:-}" ] || return 0
	expect "container c1 (node1) -> pod2 10.244.2.11: ping" 1 \
		"podman exec c1 ping -q -c 2 -W 3 10.244.2.11"
	expect "pod2 (node2) -> container c1 ${CIP[1]}: ping" 2 \
		"ip netns exec pod2 ping -q -c 2 -W 3 ${CIP[1]}"
}

# --------------------------------------------------------------- the run --
echo "podkit cluster: $N nodes (+1 later) from $img"
echo "  image: $(wc -l <"$img/packages.txt") packages, kernel $(grep -E '^linux-image-[0-9]' "$img/packages.txt"), ready in $t_img s"
echo "  underlay: QEMU multicast $MGROUP:$MPORT, 192.168.0.0/24; pods 10.244.I.11"
[ "$BADCONF" = only ] || for i in $(seq "$TOTAL"); do node_settings "$i"; done
echo "steps"
if [ "$SMOKE" = 1 ]; then
	# make check's boot of the image: one node, its two disks, no peer
	node_start 1
	boot_wait 1 || true
	expect "node1: units active (podkit-node-config, podvol, podnet@podnet0, podkit-pod)" 1 \
		'systemctl is-active podkit-node-config.service podvol.service podnet@podnet0.service podkit-pod.service'
	expect "node1: podnet@podnet0.service made podnet0 at boot (vni 42, local 192.168.0.1) from the settings disk" 1 \
		'journalctl -b -o cat -u podnet@podnet0 | grep -E "podnet-up: podnet0: (created|up|route table set)" &&
		 ip -d link show podnet0 | grep -E "podnet .*vni 42" && ip -d link show podnet0 | grep -q "local 192.168.0.1"'
	expect "node1: podvol.service created pool node1 at boot on its two blank disks, running" 1 \
		'journalctl -b -o cat -u podvol | grep "podvol-up: node1: created on 2 blank disks" &&
		 podvolctl -j pool show node1 | jq -e ".[0].state == \"running\" and (.[0].members | length) == 2"'
	expect "node1: podnet-up wrote the CNI network from pod-cidr 10.244.1.0/24" 1 \
		'jq -e ".plugins[0].ipam.ranges[0][0].subnet == \"10.244.1.0/24\"" /etc/cni/net.d/podnet.conflist'
	expect "node1: pod1's volume node1/pod1 made and mounted by podkit-pod.service" 1 \
		'm=$(findmnt -n -o MAJ:MIN /var/lib/pods/pod1) && v=$(lsblk -dno MAJ:MIN /dev/podvol/node1/pod1) &&
		 m=$(echo $m) v=$(echo $v) && echo "mounted $m, volume $v" && [ -n "$m" ] && [ "$m" = "$v" ]'
	echo "boot time (power on to podnet0 up and pool running): node1 ${BOOT[1]:-not up}"
	if call 1 60 'systemd-analyze critical-chain --no-pager podnet@podnet0.service podvol.service podkit-pod.service'; then
		echo "node1: systemd-analyze critical-chain podnet@podnet0.service podvol.service podkit-pod.service"
		echo "$OUT" | sed 's/^/  /'
	fi
	node_poweroff 1
fi
if [ "$BADCONF" != only ] && [ "$SMOKE" = 0 ]; then
	t_boot=$(date +%s)
	for i in $(seq "$N"); do node_start "$i"; done
	for i in $(seq "$N"); do boot_wait "$i" || true; done
	echo "  ($N nodes booted side by side in $(($(date +%s) - t_boot)) s)"

	for i in $(seq "$N"); do
		expect "node$i: units active (podkit-node-config, podvol, podnet@podnet0, podkit-pod)" "$i" \
			'systemctl is-active podkit-node-config.service podvol.service podnet@podnet0.service podkit-pod.service'
	done
	for i in $(seq "$N"); do for j in $(seq "$N"); do
		[ "$i" = "$j" ] || ping_pair "$i" "$j"
	done; done
	for i in $(seq "$N"); do for j in $(seq "$N"); do
		[ "$i" = "$j" ] || stream_pair "$i" "$j"
	done; done

	if [ "$PODMAN" = 1 ]; then
		containers
	else
		echo "  containers: left out (CLUSTER_PODMAN=0; the default on SUITE=trixie, whose podman has no CNI backend)"
	fi

	v=$VICTIM
	expect "node$v: 32 MiB written to pod$v's volume and synced" "$v" \
		"head -c 32M /dev/urandom >/var/lib/pods/pod$v/data && sync && sha256sum /var/lib/pods/pod$v/data"
	sum=$(echo "$OUT" | tail -1 | cut -c1-64)

	echo "  node$v: powered off hard (QEMU killed)"
	node_kill "$v"
	expect "ping pod1 -> pod$v fails cleanly (no reply, exit 1, nothing else)" 1 \
		"ip netns exec pod1 ping -q -c 3 -W 1 10.244.$v.11; rc=\$?; echo rc=\$rc; [ \$rc = 1 ]"
	expect "TCP connect pod1 -> pod$v times out (no error elsewhere)" 1 \
		"! ip netns exec pod1 timeout 30 socat -u /dev/null TCP:10.244.$v.11:5001,connect-timeout=5"
	for i in $(seq "$((N - 1))"); do for j in $(seq "$((N - 1))"); do
		[ "$i" = "$j" ] || ping_pair "$i" "$j"
	done; done
	[ "$N" -lt 3 ] || stream_pair 1 2

	echo "  node$v: powered on again, podvol.service masked (systemd.mask=podvol.service): udev alone assembles"
	node_start "$v" systemd.mask=podvol.service
	boot_wait "$v" || true
	expect "node$v: podvol.service masked, not run; pool node$v assembled by udev" "$v" \
		"systemctl show -P LoadState podvol.service | grep -qx masked &&
		 podvolctl pool show node$v | grep 'state running'"
	expect "node$v: pod$v's volume data intact after the power cut (sha256)" "$v" \
		"sha256sum /var/lib/pods/pod$v/data | grep -q '^$sum '"
	ping_pair 1 "$v"
	ping_pair "$v" 1

	a=$TOTAL
	echo "  node$a: added, same image, its own settings disk only"
	node_start "$a"
	boot_wait "$a" || true
	for i in $(seq "$N"); do ping_pair "$a" "$i"; ping_pair "$i" "$a"; done
	stream_pair 1 "$a"

	echo "boot time (power on to podnet0 up and pool running)"
	for i in $(seq "$TOTAL"); do
		echo "  node$i  ${BOOT[$i]:-not up}"
	done
	echo "  (node1..node$N booted side by side on this machine's CPUs; node$v's reboot and node$a alone)"

	if call 1 60 'systemd-analyze critical-chain --no-pager podnet@podnet0.service podvol.service podkit-pod.service'; then
		echo "node1: systemd-analyze critical-chain podnet@podnet0.service podvol.service podkit-pod.service"
		echo "$OUT" | sed 's/^/  /'
	fi
	call 1 60 'systemd-analyze --no-pager' && echo "node1: $OUT"
fi

# ------------------------------------------------- bad configuration --
disk_sums() { (cd "$dir" && sha256sum "node$1".d*.img); }

bad_run() {
	local c i unit pat other
	declare -A SUMS
	i=$TOTAL
	for c in missing foreign podnet; do
		i=$((i + 1))
		BADCASE[$i]=$c
		node_settings "$i"
		SUMS[$i]=$(disk_sums "$i")
	done
	echo "bad configuration at boot (nodes $((TOTAL + 1))-$i, booted side by side):"
	echo "  node$((TOTAL + 1)): pools.conf lists 2 disks, only 1 is attached"
	echo "  node$((TOTAL + 2)): an ext4 file system (label data) on its 2nd listed disk"
	echo "  node$((TOTAL + 3)): podnet0.conf has a route via 192.168.0.300"
	for i in "${!BADCASE[@]}"; do node_start "$i"; done
	for i in $(printf '%s\n' "${!BADCASE[@]}" | sort -n); do
		c=${BADCASE[$i]}
		case $c in
		missing) unit=podvol.service
			pat="node$i: /dev/disk/by-id/virtio-n${i}d2: no such disk|node$i: not created"
			other='ip link show podnet0 | grep -qE "[<,]UP[,>]" && ! podvolctl pool show node'$i ;;
		foreign) unit=podvol.service
			pat="virtio-n${i}d2 \(/dev/vd[a-z]+\) has a ext4 filesystem labelled 'data': foreign data, left alone|node$i: not created"
			other='ip link show podnet0 | grep -qE "[<,]UP[,>]" && ! podvolctl pool show node'$i ;;
		podnet) unit=podnet@podnet0.service
			pat="podnet0.conf:[0-9]+: invalid address '192.168.0.300'|podnet0: configuration has errors; nothing changed"
			other='! ip link show podnet0 2>/dev/null && podvolctl pool show node'$i' | grep "state running"' ;;
		esac
		if ! wait_hello "$i"; then
			fail "node$i ($c): boots, agent answers (console in $dir/node$i.console)"
			continue
		fi
		pass "node$i ($c): booted, the agent answers"
		expect "node$i ($c): boot finished (degraded): multi-user.target, serial-getty@ttyS0, networkd active; $unit the only failed unit" "$i" \
			"st=\$(systemctl is-system-running --wait); echo \"state \$st\"; [ \"\$st\" = degraded ] &&
			 systemctl is-active multi-user.target serial-getty@ttyS0.service systemd-networkd.service podkit-node-config.service &&
			 f=\$(systemctl list-units --failed --plain --no-legend | awk '{ print \$1 }' | tr '\n' ' ');
			 echo \"failed: \$f\"; [ \"\$f\" = '$unit ' ]"
		if call "$i" 60 "journalctl -b -o cat -u $unit | grep -E \"$pat\" && [ \$(journalctl -b -o cat -u $unit | grep -cE \"$pat\") = 2 ]"; then
			pass "node$i ($c): journalctl -u $unit says why:"
			echo "$OUT" | sed 's/^/          /'
		else
			fail "node$i ($c): journalctl -u $unit says why"
			echo "$OUT" | tail -8 | sed 's/^/        /'
		fi
		case $c in
		podnet) expect "node$i ($c): no podnet0; the other units ran: pool node$i created on its blank disks" "$i" "$other" ;;
		*) expect "node$i ($c): no pool node$i; the other units ran: podnet0 up" "$i" "$other" ;;
		esac
	done
	for i in $(printf '%s\n' "${!BADCASE[@]}" | sort -n); do
		[ -n "${PID[$i]:-}" ] && node_poweroff "$i"
		c=${BADCASE[$i]}
		[ "$c" != podnet ] || continue	# its pool was made, as it should be
		if [ "$(disk_sums "$i")" = "${SUMS[$i]}" ]; then
			pass "node$i ($c): no disk written (sha256 of node$i.d*.img equal before and after, on the host)"
		else
			fail "node$i ($c): no disk written (sha256 before and after)"
			printf '%s\n%s\n' "${SUMS[$i]}" "$(disk_sums "$i")" | sed 's/^/        /'
		fi
	done
}

if [ "$BADCONF" != 0 ]; then
	bad_run
fi

if [ $NFAIL = 0 ]; then
	echo "RESULT: PASS ($NCHECK checks)"
	exit 0
fi
echo "RESULT: FAIL ($NFAIL of $NCHECK checks failed: $FAILED)"
exit 1
