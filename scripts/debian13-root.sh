#!/bin/sh
# Make (once) the Debian 13 root in which modules are built for the newer
# kernels, and print its path.  Debian 13's kbuild helpers (fixdep, modpost,
# objtool) need its C library, newer than Debian 12's, so the build runs in
# a chroot that holds the compiler and the linux-headers of the "trixie" and
# "debug" lines of scripts/kernels.conf.  The root is cached outside the
# repository, keyed by those lines and the package list.
#
#   debian13-root.sh            make it if needed, print its path
#   debian13-root.sh --print    print the path only
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PODKIT_CACHE:-/var/cache/podkit}
conf="$top/scripts/kernels.conf"
# The kernel's C=1 needs a sparse that knows __typeof_unqual__ (7.x uses it
# and refuses older ones): 0.6.5, from unstable; only its one binary is
# taken, into /usr/local/bin (Debian 13's own 0.6.4 stays installed).
sparse_pkg="sid sparse=0.6.5~rc1-2"
pkgs="gcc,make,libc6-dev,bc,flex,bison,libelf-dev,libssl-dev,kmod,pkgconf,sparse,libmnl-dev,libblkid-dev,dkms,cpio,xz-utils,python3"
line() { awk -v n="$1" '$1 == n { print $1, $2, $3, $4 }' "$conf"; }
t=$(line trixie) d=$(line debug)
[ -n "$t" ] && [ -n "$d" ] || { echo "debian13-root: no trixie/debug line in $conf" >&2; exit 1; }
hash=$(printf '%s\n%s\n%s\n%s\n' "$t" "$d" "$pkgs" "$sparse_pkg" | sha256sum | cut -c1-12)
root="$cache/debian13-$hash"
if [ "${1:-}" = --print ] || [ -f "$root/.done" ]; then
	echo "$root"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.debian13.lock"
flock 9
if [ -f "$root/.done" ]; then
	echo "$root"
	exit 0
fi
# The host's Debian mirror serves the newer suites too.
mirror=$("$top/scripts/debian-mirror.sh")
log="$cache/debian13-$hash.log"
rm -rf "$root"
echo "debian13-root: debootstrap trixie into $root (log in $log)" >&2
if ! debootstrap --variant=minbase --include="$pkgs" trixie "$root" "$mirror" >"$log" 2>&1; then
	tail -20 "$log" >&2
	exit 1
fi
set -- $t; tsuite=$2 tver=$3 trel=$4
set -- $d; dsuite=$2 dver=$3 drel=$4
{
	echo "deb $mirror $tsuite main"
	[ "$dsuite" = "$tsuite" ] || echo "deb $mirror $dsuite main"
} > "$root/etc/apt/sources.list"
# The headers pull in the linux-image; its initramfs is never used here.
chroot "$root" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >>"$log" 2>&1
ln -sf /bin/true "$root/usr/sbin/update-initramfs"
if ! unshare -m sh -c "mount -t proc proc '$root/proc' &&
	chroot '$root' apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive chroot '$root' apt-get install -y -qq --no-install-recommends \
		linux-headers-$trel=$tver linux-headers-$drel=$dver" >>"$log" 2>&1; then
	tail -20 "$log" >&2
	exit 1
fi
chroot "$root" apt-get clean
# shellcheck disable=SC2086
if ! sdeb=$("$top/scripts/kernel.sh" deb $sparse_pkg 2>>"$log"); then
	# unstable moves on: a newer upload of the same tool will do
	set -- $sparse_pkg
	sdeb=$("$top/scripts/kernel.sh" deb "$1" "${2%%=*}") || { tail -5 "$log" >&2; exit 1; }
fi
dpkg-deb --fsys-tarfile "$sdeb" | tar -xO ./usr/bin/sparse > "$root/usr/local/bin/sparse"
chmod 755 "$root/usr/local/bin/sparse"
out=$(printf 'static int u(const int *q) { __typeof_unqual__(*q) v = *q; return v; }\n' |
	chroot "$root" sh -c 'cat > /tmp/t.c; sparse /tmp/t.c 2>&1; rm -f /tmp/t.c')
if [ -n "$out" ]; then
	echo "debian13-root: the sparse of $sdeb does not work in the root: $out" >&2
	exit 1
fi
touch "$root/.done"
echo "$root"
