#!/bin/sh
# Install every Debian package the build, tests, demo and benchmarks need.
# Idempotent and quiet when everything is already present.
set -e
PKGS="build-essential pkg-config qemu-system-x86 busybox-static linux-image-amd64
linux-headers-amd64 linux-source-6.1 bc bison flex libelf-dev libssl-dev dwarves
cpio xz-utils zstd sparse libmnl-dev libblkid-dev iproute2 fio iperf3 sockperf
iputils-ping mdadm dmsetup udev kmod e2fsprogs util-linux tshark gnuplot-nox dkms
python3 jq linux-perf"
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
