#!/bin/sh
# PID 1 of the test guest after switch_root into the (read-only) host root.
# Prepares a node-like system, runs /run/podkit/cmd and reports its exit
# status and the kernel log through the shared directory /run/podkit.
share=/run/podkit
mark() { echo "podkit: $*" > /dev/kmsg; }
. "$share/env"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}

for m in $PODKIT_MOUNTS; do
	mkdir -p "${m#*:}" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
		"${m%%:*}" "${m#*:}"
done

mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
# What udev or systemd would link on a node; bash's process substitution
# needs /dev/fd.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for f in stdin:0 stdout:1 stderr:2; do
	[ -e "/dev/${f%:*}" ] || ln -s "/proc/self/fd/${f#*:}" "/dev/${f%:*}"
done
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /var/tmp /var/lib /var/log /var/cache /run/lock /tmp
hostname podkit-guest

# Writable /usr and /etc: the project is installed into them, as on a node.
for d in usr etc; do
	mkdir -p "/run/ovl/$d/upper" "/run/ovl/$d/work"
	mount -t overlay overlay \
		-o "lowerdir=/$d,upperdir=/run/ovl/$d/upper,workdir=/run/ovl/$d/work" "/$d"
done
if [ -n "$PODKIT_STAGE" ] && [ -d "$PODKIT_STAGE" ]; then
	for d in "$PODKIT_STAGE"/*; do
		case "${d##*/}" in
		lib|lib64|sbin|bin) cp -a "$d/." "/usr/${d##*/}/" ;;  # merged /usr
		usr|etc) cp -a "$d/." "/${d##*/}/" ;;
		esac
	done
fi
# A kernel other than the host's has its own modules in the cache, not in
# /lib/modules: they are bound in beside ours (the index comes staged, or
# else from the kernel's own tree).
if [ -n "$PODKIT_MODROOT" ] && [ -d "$PODKIT_MODROOT/lib/modules" ]; then
	for m in "$PODKIT_MODROOT"/lib/modules/*; do
		mkdir -p "/usr/lib/modules/${m##*/}/kernel"
		mount --bind "$m/kernel" "/usr/lib/modules/${m##*/}/kernel"
		[ -e "/usr/lib/modules/${m##*/}/modules.dep" ] ||
			cp "$m"/modules.* "/usr/lib/modules/${m##*/}/" 2>/dev/null
	done
fi
ip link set lo up
mark "project installed"

kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear > $kmemleak

# A kernel that reported a problem while booting (the newer kernels' TCG
# flakes, see run-vm) does not get the command on the first boot: run-vm
# sees no "running the command", boots again and runs it there, once.
if [ "${PODKIT_BOOT:-1}" = 1 ] && [ "$PODKIT_SHELL" = 0 ] &&
   p=$(dmesg | grep -v 'Command line:' | grep -m1 -E -f "$share/kernel-problems.ere"); then
	mark "kernel problem before the command, not running it: ${p#*] }"
	sync
	/bin/busybox reboot -f
fi
mark "running the command"
cd "${PODKIT_SRC:-/}" || echo "guest-init: cannot cd to ${PODKIT_SRC:-/}" >&2
if [ "$PODKIT_SHELL" = 1 ]; then
	setsid -c /bin/bash -i </dev/hvc0 >/dev/hvc0 2>&1
	rc=$?
else
	# Plain \n line ends on the host side, as from a pipe (the setting
	# lasts while the console stays open, so keep it open).
	exec 3<>/dev/hvc0
	stty -onlcr <&3 2>/dev/null
	sh "$share/cmd" </dev/null >&3 2>&1
	rc=$?
fi

mark "command exited with status $rc"
if [ -w $kmemleak ]; then
	# One scan: each walks all of memory, which takes minutes under TCG.
	echo scan > $kmemleak
	cat $kmemleak > "$share/kmemleak"
fi
mark "kernel log collected"
dmesg > "$share/dmesg"
echo "$rc" > "$share/rc"
sync
/bin/busybox reboot -f
