#!/bin/sh
# Install every Debian package the build, tests, demo and benchmarks need
# on the host.  Idempotent and quiet when everything is already present.
# (make deps also makes the Debian 13 root: scripts/debian13-root.sh.)
set -e
conf="$(dirname "$0")/kernels.conf"
# Debian 12's kernel, exactly the release scripts/kernels.conf names; the
# newer kernels come from their own suites (scripts/kernel.sh).
rel=$(awk '$1 == "stock" { print $4 }' "$conf")
PKGS="build-essential pkg-config qemu-system-x86 busybox-static linux-image-$rel
linux-headers-$rel bc bison flex libelf-dev libssl-dev dwarves lvm2 xfsprogs
cpio xz-utils zstd sparse libmnl-dev libblkid-dev libfdisk-dev libjansson-dev libsmartcols-dev iproute2 fio iperf3 sockperf
iputils-ping mdadm dmsetup udev kmod e2fsprogs util-linux tshark gnuplot-nox dkms
python3 jq shellcheck linux-perf debootstrap mmdebstrap qemu-utils ethtool procps clang libclang-rt-14-dev
bird2 podman containernetworking-plugins crun conmon golang-github-containers-common"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq >/dev/null || true
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
