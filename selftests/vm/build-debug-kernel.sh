#!/bin/sh
# Build (once) the debug kernel from Debian's linux-source package of the
# "debug" line of scripts/kernels.conf (the newest kernel Debian ships) and
# print the directory holding it.  The result is cached outside the repository,
# keyed by the source package version and the hash of debug.config, so a warm
# run returns at once.
#
#   build-debug-kernel.sh            build if needed, print the cache directory
#   build-debug-kernel.sh --print    print the directory only (no build)
set -e
here=$(cd "$(dirname "$0")" && pwd)
cache=${PODKIT_CACHE:-/var/cache/podkit}
top=$(cd "$here/../.." && pwd)
srcver=$(awk '$1 == "debug" { print $3 }' "$top/scripts/kernels.conf")
# linux-source-X.Y for release X.Y.Z+...
srcpkg=linux-source-$(awk '$1 == "debug" { print $4 }' "$top/scripts/kernels.conf" | cut -d. -f1,2)
srcsuite=$(awk '$1 == "debug" { print $2 }' "$top/scripts/kernels.conf")
cfghash=$(sha256sum < "$here/debug.config" | cut -c1-12)
out="$cache/debug-$srcver-$cfghash"

if [ "$1" = --print ]; then
	echo "$out"
	exit 0
fi
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

src="$cache/src-$srcver"
if [ ! -f "$src/.unpacked" ]; then
	debfile=$("$top/scripts/kernel.sh" deb "$srcsuite" "$srcpkg=$srcver")
	echo "debug-kernel: unpacking $srcpkg $srcver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$debfile" | tar -xO --wildcards '*/usr/src/linux-source-*.tar.xz' |
		tar -C "$src" --strip-components=1 -xJf -
	touch "$src/.unpacked"
fi

rm -rf "$out"
mkdir -p "$out"
jobs=$(( $(nproc) + 1 ))
log="$out/build.log"
echo "debug-kernel: building $srcver (config $cfghash) with -j$jobs, log in $log" >&2
make -C "$src" -s O="$out" KCONFIG_ALLCONFIG="$here/debug.config" allnoconfig >"$log" 2>&1
missing=$(grep -v '^#' "$here/debug.config" | grep . | while read -r l; do
	grep -qx "$l" "$out/.config" || echo "$l"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: symbols dropped by Kconfig (missing dependencies):" >&2
	echo "$missing" >&2
	exit 1
fi
if ! make -C "$src" O="$out" -j"$jobs" bzImage modules >>"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "debug-kernel: build failed, full log in $log" >&2
	exit 1
fi
# In-tree modules (null_blk) go into a module tree the guest can use.
make -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$log" 2>&1
cp "$out/arch/x86/boot/bzImage" "$out/vmlinuz"
touch "$out/.done"
echo "$out"
