#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS: scripts/dkms-install.sh registers the sources, dkms builds both
# modules against the installed headers of the running kernel and installs
# them; insmod loads DKMS's builds by path (the guest may be shared with
# other selftests, so the staged modules stay); --remove takes them away.
# Not run by make check (compiling under TCG takes too long; make check
# builds the DKMS package for each kernel on the host instead), which counts
# it as skipped.  Run it with selftests/vm/run-test selftests/dkms_build.sh.
# vm-manual: compiling under TCG takes too long; make check builds the DKMS package on the host
# Stock kernel only: the debug kernel's build tree is not installed as
# /lib/modules/KVER/build headers in the guest.
# vm-timeout: 900
# vm-kernels: stock
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
n=0 failed=0
t() {	# t DESC CMD...
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		printf '%s\n' "$out" | tail -30 | sed 's/^/# /'
		failed=1
	fi
}
skip_all() {
	for d in "dkms-install.sh registers and builds the modules" \
		 "dkms installs podnet and podvol" "modprobe loads the DKMS builds" \
		 "dkms remove uninstalls them"; do
		n=$((n + 1))
		echo "ok $n - $d # SKIP $1"
	done
	echo "1..$n"
	exit 0
}

kver=$(uname -r)
src=${PODKIT_SRC:-/work/main}
[ "${PODKIT_KERNEL:-stock}" = debug ] &&
	skip_all "debug kernel: no installed headers package for it in the guest"
[ -e "/lib/modules/$kver/build/Makefile" ] || skip_all "no headers for $kver"
command -v dkms >/dev/null || skip_all "dkms not installed"

# What the dkms package and a booted system provide and this guest's fresh
# tmpfs /var and bare devtmpfs do not: the DKMS tree and /dev/fd.
mkdir -p /var/lib/dkms
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/dkms.conf")
dk=/lib/modules/$kver/updates/dkms
t "dkms-install.sh registers and builds the modules ($kver)" \
	"$src/scripts/dkms-install.sh" -k "$kver"
t "dkms status says installed" \
	sh -c "dkms status -m podkit -v $ver -k $kver | grep -q ': installed'"
# The modules `make install` put into the guest stay where they are (other
# selftests may share this guest): load DKMS's builds by path.
for m in podnet podvol; do
	t "$m installed by dkms in $dk" test -f "$dk/$m.ko"
	t "$m vermagic matches the running kernel" \
		sh -c "modinfo -F vermagic $dk/$m.ko | grep -q '^$kver '"
	t "insmod the DKMS build of $m" \
		sh -c "modprobe -r $m 2>/dev/null; for d in \$(modinfo -F depends $dk/$m.ko | tr , ' '); do modprobe \$d; done;
		       insmod $dk/$m.ko && [ \"\$(cat /sys/module/$m/srcversion)\" = \"\$(modinfo -F srcversion $dk/$m.ko)\" ]"
done
t "podnet device from the DKMS module" \
	sh -c 'ip link add pn-dkms type podnet vni 7 && podnetctl show pn-dkms >/dev/null && ip link del pn-dkms'
t "modules unload" rmmod podnet podvol
t "dkms-install.sh --remove uninstalls them" "$src/scripts/dkms-install.sh" --remove
t "the DKMS modules are gone after remove" sh -c "! test -e $dk/podnet.ko && ! test -e $dk/podvol.ko"
echo "1..$n"
exit $failed
