#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make image: a bootable podkit node disk image, built as an image builder
# would, from Debian packages and this repository only:
#
#   - a Debian 12 root made with mmdebstrap (systemd, udev, iproute2, the
#     "stock" kernel of scripts/kernels.conf, exactly that version), or with
#     SUITE=trixie a Debian 13 root with the "trixie" kernel (6.12);
#   - podkit installed into it with `make install DESTDIR=` (modules built
#     for that kernel), depmod run for the image's kernel, the units enabled;
#   - the node glue of Documentation/admin-guide/podkit-node.rst: per-node
#     settings are read at boot from a small disk labelled podkit-cfg,
#     plus the test workload and control agent make cluster uses.
#
# Output (cached, keyed by a hash of every input; rebuilt only when one
# changes), in $PODKIT_CACHE/image-HASH/ (default /var/cache/podkit).  The
# Debian root alone (step 1, the slow one) is cached apart in
# $PODKIT_CACHE/imagebase-HASH/, keyed by the suite, the kernel and the
# package list only, so that a change to podkit's sources rebuilds steps 2-4
# on a copy of it, not the whole root:
#   root.qcow2  the root file system (ext4, whole disk, label podkit-root)
#   vmlinuz, initrd.img   the image's own kernel and initramfs (direct boot)
#   packages.txt          the package set (name version), sorted
#   cmdline               the kernel command line the image expects
#
#   image.sh            build if needed, print the directory
#   image.sh --print    print the directory it would use, build nothing
#   image.sh --force    rebuild even if cached
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PODKIT_CACHE:-/var/cache/podkit}
conf="$top/scripts/kernels.conf"
SIZE=${IMAGE_SIZE:-2G}

# SUITE (environment, or make image SUITE=...): the Debian release of the
# root and its kernel, the kernels.conf line of that release: bookworm
# (Debian 12, the "stock" line, the default) or trixie (Debian 13, the
# "trixie" line).
SUITE=${SUITE:-bookworm}
case "$SUITE" in
bookworm) kline=stock ;;
trixie) kline=trixie ;;
*) echo "image: SUITE must be bookworm or trixie, not '$SUITE'" >&2; exit 2 ;;
esac

mode=build
case "${1:-}" in
--print) mode=print ;;
--force) mode=force ;;
"") ;;
*) echo "usage: [SUITE=bookworm|trixie] image.sh [--print|--force]" >&2; exit 2 ;;
esac

read -r _ ksuite kver krel _ < <(awk -v k=$kline '$1 == k' "$conf")
if [ "$ksuite" != "$SUITE" ] || [ -z "$krel" ]; then
	echo "image: the $kline line of $conf is not a $SUITE kernel" >&2
	exit 1
fi

# The package set, besides what mmdebstrap's "apt" variant installs
# (Essential: yes and apt).  The kernel is pinned to the exact version of
# kernels.conf; the rest come from the suite as it is on the day of the
# build, and packages.txt records what was installed.
# bird2, podman and containernetworking-plugins are what the cluster
# (routing daemon, container runtime and its CNI plugins) runs on a node;
# busybox-static is the root of the container image make cluster imports (no
# registry); dbus, the system bus through which podman's runtime (crun)
# asks systemd for each container's cgroup, as the kubelet's systemd cgroup
# driver does.  The libraries are those podnetctl and podvolctl link with.
PKGS="systemd systemd-sysv dbus udev kmod initramfs-tools linux-image-$krel=$kver
iproute2 libmnl0 libjansson4 libfdisk1 libblkid1 libsmartcols1
jq iputils-ping socat e2fsprogs procps
bird2 podman containernetworking-plugins busybox-static"
# The recipe of the Debian root: bump BASE_REV when step 1 changes.
BASE_REV=1
basehash=$(echo "$BASE_REV $SUITE $ksuite $kver $krel $PKGS" | sha256sum | cut -c1-12)
base="$cache/imagebase-$basehash"

# Every input of the image: this script, the kernel line, the package list
# and podkit's sources as they are in the working tree (what make install
# reads), so an uncommitted edit rebuilds too.
srcs="Kbuild Makefile compat drivers include tools scripts/compat.sh scripts/kver.sh"
hash=$( {
	cat "$0"
	echo "$SUITE $ksuite $kver $krel $PKGS"
	# shellcheck disable=SC2086
	git -C "$top" ls-files -z -- $srcs | (cd "$top" && xargs -0 sha256sum)
} | sha256sum | cut -c1-12)
out="$cache/image-$hash"

if [ $mode = print ]; then
	echo "$out"
	exit 0
fi
if [ $mode = build ] && [ -f "$out/.done" ]; then
	touch "$out"	# used now (see prune)
	echo "$out"
	exit 0
fi

for c in mmdebstrap mkfs.ext4 qemu-img; do
	command -v $c >/dev/null || { echo "image: $c missing (make packages)" >&2; exit 1; }
done
# The modules are built as make check builds them: against the stock
# kernel's headers on this machine, or for Debian 13's kernel in the Debian
# 13 root (scripts/kernel.sh), whose compiler and kbuild helpers it needs.
if [ $kline = stock ]; then
	kdir=/lib/modules/$krel/build
	[ -e "$kdir/Makefile" ] || {
		echo "image: no headers for $krel on this machine (make packages installs linux-headers-$krel)" >&2
		exit 1
	}
else
	kdir=$("$top/scripts/kernel.sh" kdir $kline) || {
		echo "image: no build tree for the $kline kernel (scripts/kernel.sh kdir $kline)" >&2
		exit 1
	}
fi

mkdir -p "$cache"
exec 9>"$cache/.image.lock"
flock 9
if [ $mode = build ] && [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mirror=$("$top/scripts/debian-mirror.sh")
# Security updates (the stock kernel comes from there between point
# releases) from the mirror the host's apt uses for them, if any.
secmirror=$(grep -hE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* \
	2>/dev/null | grep -oE 'https?://[^ ]*debian-security/?' | head -1 || true)
[ -n "$secmirror" ] || secmirror=${mirror%/debian*}/debian-security

log="$out.log"
work="$out.tmp"
root="$work/root"
# --one-file-system: a build killed midway may leave proc/sys mounted
rm -rf --one-file-system "$work" "$out"
mkdir -p "$work"
: >"$log"
t0=$(date +%s)
echo "image: building $out (log in $log)" >&2

fail() {
	echo "image: $*" >&2
	tail -20 "$log" >&2
	exit 1
}

# 1. The Debian root, from the cache or made now (kept in $base/root; the
#    image is made on a copy of it).
if [ -f "$base/.done" ]; then
	echo "image: Debian root from $base" >>"$log"
else
	rm -rf --one-file-system "$base.tmp" "$base"
	mkdir -p "$base.tmp"
	tb=$(date +%s)
	# shellcheck disable=SC2086
	mmdebstrap --mode=root --variant=apt --include="$(echo $PKGS | tr ' ' ,)" \
		--aptopt='Acquire::Retries "3"' \
		--customize-hook='chroot "$1" apt-get clean' \
		"$SUITE" "$base.tmp/root" "deb $mirror $SUITE main" "deb $mirror $SUITE-updates main" \
		"deb $secmirror $SUITE-security main" >>"$log" 2>&1 || fail "mmdebstrap failed"
	echo "$SUITE" >"$base.tmp/suite"
	mv "$base.tmp" "$base"
	touch "$base/.done"
	echo "image: Debian root made in $(($(date +%s) - tb)) s" >&2
fi
cp -a "$base/root" "$root" || fail "copying the Debian root failed"
touch "$base"	# used now (see prune)

# 2. podkit, as an image builder installs it.  The tree is built in a copy
#    so that the checkout's own build/ and tool objects are left alone.
src="$work/src"
mkdir -p "$src"
# shellcheck disable=SC2086
(cd "$top" && git ls-files -z -- $srcs | xargs -0 cp --parents -t "$src")
if [ $kline = stock ]; then
	make -C "$src" KDIR="$kdir" KVER="$krel" install DESTDIR="$root" \
		>>"$log" 2>&1 || fail "make install DESTDIR= failed"
else
	# (the Debian 13 root sees the cache, $src and $root with it, at the
	# same paths)
	"$top/scripts/kernel.sh" run make -C "$src" KDIR="$kdir" KVER="$krel" \
		modules_install DESTDIR="$root" >>"$log" 2>&1 ||
		fail "make modules_install DESTDIR= (in the Debian 13 root) failed"
	make -C "$src" tools_install DESTDIR="$root" >>"$log" 2>&1 ||
		fail "make tools_install DESTDIR= failed"
fi
chroot "$root" depmod -a "$krel" >>"$log" 2>&1 || fail "depmod failed"
for m in podnet podvol; do
	chroot "$root" modinfo -k "$krel" -F vermagic $m >>"$log" 2>&1 ||
		fail "module $m not found by the image's modinfo"
done

# 3. The node glue (Documentation/admin-guide/podkit-node.rst, "A node
#    image").
install -d "$root/usr/libexec/podkit-node"
cat >"$root/usr/libexec/podkit-node/config" <<'EOF'
#!/bin/bash
# Copy this node's settings from the disk labelled podkit-cfg (its etc/
# tree over /etc) before podvol.service, podnet@.service and the network
# start.  Without that disk the node boots with the image's /etc.
set -euo pipefail
dev=/dev/disk/by-label/podkit-cfg
mnt=/run/podkit-cfg
if [ ! -b $dev ]; then
	echo "podkit-node-config: no disk labelled podkit-cfg: keeping the image's settings" >&2
	exit 0
fi
mkdir -p $mnt
mount -o ro $dev $mnt
trap 'umount $mnt' EXIT
if [ ! -d $mnt/etc ]; then
	echo "podkit-node-config: $dev has no etc/ directory: nothing copied" >&2
	exit 1
fi
cp -a --no-preserve=ownership $mnt/etc/. /etc/
if [ -s /etc/hostname ]; then
	hostname "$(cat /etc/hostname)"
fi
echo "podkit-node-config: settings of $(hostname) copied from $dev:" \
	"$(cd $mnt/etc && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')"
EOF
cat >"$root/usr/lib/systemd/system/podkit-node-config.service" <<'EOF'
[Unit]
Description=podkit node settings from the disk labelled podkit-cfg
DefaultDependencies=no
Wants=dev-disk-by\x2dlabel-podkit\x2dcfg.device
After=dev-disk-by\x2dlabel-podkit\x2dcfg.device systemd-remount-fs.service
Before=podvol.service podnet@podnet0.service systemd-networkd.service
Before=sysinit.target shutdown.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/libexec/podkit-node/config

[Install]
WantedBy=sysinit.target
EOF
# The test workload: one pod (a network namespace on a veth, an address in
# the node's pod prefix, a podvol volume mounted), as a node agent would
# start it, and a TCP service in it that answers a stream with its sha256.
cat >"$root/usr/libexec/podkit-node/pod" <<'EOF'
#!/bin/bash
# /etc/podkit-node/pod.conf: POD=NAME ADDR=A.B.C.D VOLUME=POOL/NAME SIZE=64M
set -euo pipefail
# shellcheck disable=SC1091
. /etc/podkit-node/pod.conf
gw=${ADDR%.*}.1
vol=/dev/podvol/$VOLUME
if ! ip netns list | grep -qw "$POD"; then
	ip netns add "$POD"
	mtu=$(cat /sys/class/net/podnet0/mtu)
	ip link add "v$POD" mtu "$mtu" type veth peer name eth0 netns "$POD"
	ip link set "v$POD" up
	ip route replace "$ADDR/32" dev "v$POD"
	ip addr replace "$gw/32" dev "v$POD"
	ip -n "$POD" link set lo up
	ip -n "$POD" link set eth0 mtu "$mtu" up
	ip -n "$POD" addr add "$ADDR/32" dev eth0
	ip -n "$POD" route add "$gw/32" dev eth0
	ip -n "$POD" route add default via "$gw" dev eth0
fi
# The pool is podvol.service's (or udev's) business; wait for it.
for _ in $(seq 300); do
	podvolctl pool show "${VOLUME%%/*}" 2>/dev/null | grep -q 'state running' && break
	sleep 0.2
done
if [ ! -b "$vol" ]; then
	podvolctl volume create "$VOLUME" "$SIZE"
	udevadm settle
	mkfs.ext4 -q -L "$POD" "$vol"
fi
mkdir -p "/var/lib/pods/$POD"
mountpoint -q "/var/lib/pods/$POD" || mount "$vol" "/var/lib/pods/$POD"
exec ip netns exec "$POD" socat TCP-LISTEN:5001,fork,reuseaddr SYSTEM:sha256sum
EOF
cat >"$root/usr/lib/systemd/system/podkit-pod.service" <<'EOF'
[Unit]
Description=podkit test workload (one pod with an address and a volume)
ConditionPathExists=/etc/podkit-node/pod.conf
Requires=podnet@podnet0.service
After=podnet@podnet0.service podvol.service

[Service]
Type=exec
ExecStart=/usr/libexec/podkit-node/pod

[Install]
WantedBy=multi-user.target
EOF
# The control agent make cluster talks to: one command per line on the
# virtio-serial port org.podkit.agent ("ID BASE64-SCRIPT"), one answer
# per line ("ID EXIT-STATUS BASE64-OUTPUT").  A test image's part only.
cat >"$root/usr/libexec/podkit-node/agent" <<'EOF'
#!/bin/bash
port=/dev/virtio-ports/org.podkit.agent
# udev does not tag virtio-ports devices for systemd, so the unit cannot
# wait for a device unit: wait here.
until [ -c $port ]; do sleep 0.5; done
exec 3<>$port
echo "HELLO $(hostname) $(cut -d' ' -f1 /proc/uptime)" >&3
while read -r id script <&3; do
	[ -n "$id" ] || continue
	out=$(printf '%s' "$script" | base64 -d | timeout 300 bash 2>&1)
	rc=$?
	printf '%s %s %s\n' "$id" "$rc" "$(printf '%s' "$out" | base64 -w0)" >&3
done
EOF
cat >"$root/usr/lib/systemd/system/podkit-agent.service" <<'EOF'
[Unit]
Description=podkit test control agent on virtio-serial org.podkit.agent
DefaultDependencies=no
After=systemd-remount-fs.service

[Service]
ExecStart=/usr/libexec/podkit-node/agent
Restart=always
RestartSec=1

[Install]
WantedBy=sysinit.target
EOF
# podman's containers go on the CNI network podnet-up writes from the
# pod-cidr lines (podnet-cni(8)).  Debian 12's podman 4.3 has the CNI
# backend; Debian 13's podman 5 uses netavark, for which podnet-cni writes
# nothing yet, so the trixie image leaves podman as Debian ships it.
if [ "$SUITE" = bookworm ]; then
	install -d "$root/etc/containers/containers.conf.d"
	cat >"$root/etc/containers/containers.conf.d/50-podkit-cni.conf" <<'EOF'
# containers on the CNI network podnet-up writes (podnet-cni(8))
[network]
network_backend = "cni"
EOF
fi
chmod 755 "$root"/usr/libexec/podkit-node/*
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" >"$root/etc/fstab"
echo podkit-node >"$root/etc/hostname"
chroot "$root" passwd -d root >>"$log" 2>&1
# A node's identity is made at its first boot, not baked in.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
systemctl --root="$root" enable systemd-networkd.service systemd-networkd-wait-online.service \
	podvol.service podnet@podnet0.service podkit-node-config.service podkit-pod.service \
	podkit-agent.service >>"$log" 2>&1 || fail "systemctl enable failed"

chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' | sort >"$work/packages.txt"
cp -L "$root/boot/vmlinuz-$krel" "$work/vmlinuz"
cp -L "$root/boot/initrd.img-$krel" "$work/initrd.img" || fail "no initramfs in the image"
echo "root=/dev/vda rw console=ttyS0 net.ifnames=0 systemd.show_status=auto" >"$work/cmdline"

# 4. The disk: an ext4 file system made from the root directory (no loop
#    device, no mount), as a qcow2 the nodes use as their backing file.
mkfs.ext4 -q -L podkit-root -E root_owner=0:0 -d "$root" "$work/root.raw" "$SIZE" \
	>>"$log" 2>&1 || fail "mkfs.ext4 -d failed"
qemu-img convert -O qcow2 "$work/root.raw" "$work/root.qcow2" >>"$log" 2>&1 ||
	fail "qemu-img convert failed"
rm -rf "$work/root.raw" "$root" "$src"
echo "$SUITE" >"$work/suite"
mv "$work" "$out"
touch "$out/.done"

# Each change to podkit's sources makes a new image (and make check builds
# one per suite): of this suite's images and Debian roots, the three most
# recently made or used are kept (another checkout may be booting one), the
# older ones removed.  One made before the suite file is this suite's if it
# holds this suite's kernel.
ours() {	# ours DIR
	if [ -f "$1/suite" ]; then
		[ "$(cat "$1/suite")" = "$SUITE" ]
	else
		grep -qs "^linux-image-$krel " "$1/packages.txt" || [ -e "$1/root/boot/vmlinuz-$krel" ]
	fi
}
prune() {	# prune image|imagebase
	local d n=0
	# shellcheck disable=SC2045 # (the cache's names have no blanks)
	for d in $(ls -dt "$cache/$1"-*/ 2>/dev/null); do
		d=${d%/}
		[ -f "$d/.done" ] && ours "$d" || continue
		n=$((n + 1))
		[ $n -le 3 ] || rm -rf --one-file-system "$d" "$d.log"
	done
}
prune image
prune imagebase
echo "image: built $out in $(($(date +%s) - t0)) s" \
	"($(wc -l <"$out/packages.txt") packages, $(du -h "$out/root.qcow2" | cut -f1) qcow2)" >&2
echo "$out"
