#!/bin/bash
# The kernels of scripts/kernels.conf: fetch them and say where their parts
# are.  Everything fetched or built is cached in $PODKIT_CACHE
# (/var/cache/podkit) and nothing else on the host changes.
#
#   kernel.sh list                  the guest kernels: stock trixie debug
#   kernel.sh builds                the kernels modules are built for: the
#                                   guest kernels and "newest" (the debug
#                                   line's release, Debian's own headers)
#   kernel.sh release NAME          its uname -r
#   kernel.sh kdir NAME             its build tree (inside the Debian 13 root
#                                   for trixie and newest)
#   kernel.sh image NAME            its bzImage (fetched or built if needed)
#   kernel.sh modroot NAME          DIR with DIR/lib/modules/RELEASE/kernel
#                                   holding its own modules
#   kernel.sh make NAME ARGS...     make -C TOP KDIR=... ARGS, in the Debian
#                                   13 root for trixie and newest
#   kernel.sh run COMMAND...        COMMAND in the Debian 13 root, with this
#                                   tree at its own path
#   kernel.sh deb SUITE PKG=VER     download one package of SUITE, print the
#                                   .deb's path
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PODKIT_CACHE:-/var/cache/podkit}
conf="$top/scripts/kernels.conf"

field() {	# field NAME N
	awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$conf"
}

# apt state of our own for the other suites, so that the host's sources and
# package lists stay untouched.
deb() {	# deb SUITE PKG=VER
	local suite=$1 pkg=${2%%=*} ver='*' d="$cache/apt" f
	[[ "$2" == *=* ]] && ver=${2#*=}
	f="$d/archives/${pkg}_${ver//:/%3a}_"
	# shellcheck disable=SC2086
	for x in $f*.deb; do [ -f "$x" ] && { echo "$x"; return 0; }; done
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	(
		flock 8
		local mirror opts
		mirror=$("$top/scripts/debian-mirror.sh")
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$mirror" "$suite" > "$d/$suite.list"
		opts=(-o "Dir::Etc::SourceList=$d/$suite.list" -o Dir::Etc::SourceParts=/nonexistent
		      -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d" -o "Dir::Cache::Archives=$d/archives"
		      -o APT::Sandbox::User=root -o Debug::NoLocking=1)
		apt-get -qq "${opts[@]}" update >&2
		cd "$d/archives" && apt-get -qq "${opts[@]}" download "$2" >&2
	) 8>"$cache/.apt.lock"
	# shellcheck disable=SC2086
	for x in $f*.deb; do [ -f "$x" ] && { echo "$x"; return 0; }; done
	echo "kernel.sh: could not download $2 from $suite" >&2
	return 1
}

# Debian 13's linux-image unpacked, with its module index.
trixie_tree() {
	local rel ver out
	rel=$(field trixie 4) ver=$(field trixie 3)
	out="$cache/kernel-$rel"
	if [ ! -f "$out/.done" ]; then
		mkdir -p "$cache"
		(
			flock 8
			[ -f "$out/.done" ] && exit 0
			local f
			f=$(deb "$(field trixie 2)" "linux-image-$rel=$ver")
			rm -rf "$out"
			mkdir -p "$out"
			dpkg-deb -x "$f" "$out"
			depmod -b "$out/usr" "$rel"
			touch "$out/.done"
		) 8>"$cache/.kernel-trixie.lock" || return 1
	fi
	echo "$out"
}

name=${2:-}
check_name() {
	[ -n "$(field "$name" 1)" ] || [ "$name" = newest ] ||
		{ echo "kernel.sh: unknown kernel '$name' (see $conf)" >&2; exit 2; }
}

case "${1:-}" in
list) awk '!/^#/ && NF { print $1 }' "$conf" | xargs ;;
builds) echo "$(awk '!/^#/ && NF { print $1 }' "$conf" | xargs) newest" ;;
release)
	check_name
	case $name in
	debug) "$top/scripts/kver.sh" "$("$top/selftests/vm/build-debug-kernel.sh")" ;;
	newest) field debug 4 ;;
	*) field "$name" 4 ;;
	esac ;;
kdir)
	check_name
	case $name in
	stock) echo "/lib/modules/$(field stock 4)/build" ;;
	trixie) echo "/usr/src/linux-headers-$(field trixie 4)" ;;
	newest) echo "/usr/src/linux-headers-$(field debug 4)" ;;
	debug) "$top/selftests/vm/build-debug-kernel.sh" ;;
	esac ;;
image)
	check_name
	case $name in
	stock) echo "/boot/vmlinuz-$(field stock 4)" ;;
	trixie) echo "$(trixie_tree)/boot/vmlinuz-$(field trixie 4)" ;;
	debug) echo "$("$top/selftests/vm/build-debug-kernel.sh")/vmlinuz" ;;
	*) echo "kernel.sh: $name is not booted" >&2; exit 2 ;;
	esac ;;
modroot)
	check_name
	case $name in
	stock) echo "" ;;
	trixie) echo "$(trixie_tree)/usr" ;;
	debug) echo "$("$top/selftests/vm/build-debug-kernel.sh")/modroot" ;;
	esac ;;
make)
	check_name
	shift 2
	kdir=$("$0" kdir "$name")
	# Debian's newer kernels build in the Debian 13 root, where their
	# kbuild helpers run; the debug kernel was built on the host and its
	# modules are too (same compiler), with the root's sparse.
	# KVER is given: one exported by a calling make must not leak in.
	rel=$("$0" release "$name")
	case $name in
	stock) exec make -C "$top" KDIR="$kdir" KVER="$rel" "$@" ;;
	debug) exec make -C "$top" KDIR="$kdir" KVER="$rel" CHECK="$top/scripts/sparse" "$@" ;;
	*) exec "$0" run make -C "$top" KDIR="$kdir" KVER="$rel" "$@" ;;
	esac ;;
run)
	shift
	root=$("$top/scripts/debian13-root.sh")
	# The tree is seen at its own path inside the root, so the symlinks
	# of build/KVER and every path in a log stay valid.
	q=$(printf '%q ' "$@")
	# The cache (the debug kernel's tree) too.
	exec unshare -m bash -c "
		mkdir -p '$root$top' '$root$cache' '$root/proc' &&
		mount --bind '$top' '$root$top' &&
		mount --bind '$cache' '$root$cache' &&
		mount -t proc proc '$root/proc' &&
		cd '$top' &&
		exec chroot '$root' /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			bash -c 'cd \"\$0\" && exec \"\$@\"' '$top' $q" ;;
deb) deb "$2" "$3" ;;
*) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
