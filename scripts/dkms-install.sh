#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make dkms-install: register the module sources with DKMS so that they are
# rebuilt for every kernel installed later, and build and install them for
# one kernel now.
#
#   scripts/dkms-install.sh [-k KVER] [--no-install]
#   scripts/dkms-install.sh --remove
#
# The sources (Kbuild, Makefile, dkms.conf, drivers/, include/, compat/,
# scripts/kver.sh, scripts/compat.sh)
# are copied to /usr/src/podkit-VERSION, VERSION from dkms.conf; an earlier
# registration of the same version is replaced.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kver="" install=1 remove=0
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kver=$2; shift 2 ;;
	--no-install) install=0; shift ;;
	--remove) remove=1; shift ;;
	-h|--help) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "dkms-install: unknown argument $1" >&2; exit 2 ;;
	esac
done

command -v dkms >/dev/null || { echo "dkms-install: dkms is not installed (apt install dkms)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "dkms-install: must run as root" >&2; exit 1; }

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/$name-$ver

if dkms status -m "$name" -v "$ver" 2>/dev/null | grep -q .; then
	echo "dkms-install: removing the registered $name/$ver"
	dkms remove -m "$name" -v "$ver" --all >/dev/null
fi
if [ $remove = 1 ]; then
	rm -rf "$src"
	echo "dkms-install: $name/$ver removed"
	exit 0
fi

[ -n "$kver" ] || kver=$("$top/scripts/kver.sh")
[ -n "$kver" ] || { echo "dkms-install: no kernel headers installed (apt install linux-headers-\$(uname -r))" >&2; exit 1; }

rm -rf "$src"
mkdir -p "$src/scripts"
(cd "$top" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='modules.order' \
	--exclude='Module.symvers' Kbuild Makefile dkms.conf drivers include compat) |
	(cd "$src" && tar -xf -)
cp "$top/scripts/kver.sh" "$top/scripts/compat.sh" "$src/scripts/"

dkms add -m "$name" -v "$ver"
dkms build -m "$name" -v "$ver" -k "$kver"
if [ $install = 1 ]; then
	dkms install -m "$name" -v "$ver" -k "$kver"
fi
dkms status -m "$name" -v "$ver"
