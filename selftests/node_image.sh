#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The node image at boot.  make image's disk image (scripts/image.sh: a
# Debian root made with mmdebstrap, podkit installed with make install
# DESTDIR=, its units enabled; built now or taken from its cache) is booted
# once as one node with its settings disk and two blank disks
# (CLUSTER_SMOKE=1 scripts/cluster.sh).  With no command from outside,
# podkit-node-config, podvol.service, podnet@podnet0.service and
# podkit-pod.service must have made the pool, podnet0, the CNI network and
# a pod with a volume at boot.  make cluster is the full run (three nodes
# and more; Documentation/admin-guide/podkit-node.rst).
#
# On the stock kernel's lane it boots the Debian 12 image (its kernel is
# the stock one), on the trixie lane the Debian 13 one (SUITE=trixie, its
# 6.12 kernel).  make check starts building both images when it starts,
# beside the kernels; this test waits for that build (image.sh's lock).
#
# It runs on the host (it drives the guest): make check calls it as
#   selftests/node_image.sh --kernel stock|trixie [--no-build]
# vm-host: yes
# vm-kernels: stock trixie
# vm-core: yes
set -u
. "$(dirname "$0")/ktap.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=stock
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--no-build) shift ;;
	*) echo "usage: $0 [--kernel stock|trixie] [--no-build]" >&2; exit 2 ;;
	esac
done
case $kernel in
stock) suite=bookworm ;;
trixie) suite=trixie ;;
*) echo "node_image: no node image for the $kernel kernel" >&2; exit 2 ;;
esac
work=$top/build/node_image-$kernel
mkdir -p "$work"

t0=$(date +%s)
img=$(SUITE=$suite timeout 1800 "$top/scripts/image.sh" 2>"$work/image.log")
rc=$?
report $rc "image: SUITE=$suite node image built or cached ($(($(date +%s) - t0)) s)" \
	"$(tail -20 "$work/image.log")"
if [ $rc != 0 ]; then
	finish
fi
diag "image: $img, $(wc -l <"$img/packages.txt") packages, $(grep -E '^linux-image-[0-9]' "$img/packages.txt")"

# The smoke run: its PASS and FAIL lines are this test's results.
SUITE=$suite CLUSTER_SMOKE=1 CLUSTER_DIR="$work/cluster" IMAGE="$img" BOOT_TIMEOUT=600 \
	timeout 1200 "$top/scripts/cluster.sh" >"$work/cluster.out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"  PASS  "*) ok "${line#  PASS  }" ;;
	"  FAIL  "*) nok "${line#  FAIL  }" ;;
	"RESULT: "*|"  image: "*|"boot time"*) diag "$line" ;;
	esac
done <"$work/cluster.out"
sed -n '/critical-chain/,$p' "$work/cluster.out" | grep -v '^RESULT' | head -30 | sed 's/^/# /'
grep -q '^RESULT: PASS' "$work/cluster.out"
report $? "cluster.sh (CLUSTER_SMOKE=1) ends with RESULT: PASS, exit status 0 (was $rc)" \
	"$(tail -20 "$work/cluster.out")"
finish
