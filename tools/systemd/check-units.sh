#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host-side check of the units with systemd-analyze verify (their commands
# pointed at the sources, since nothing is installed on the host).
# KTAP-style output.
here=$(cd "$(dirname "$0")" && pwd)
bootstrap=$here/../bootstrap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
echo "KTAP version 1"
if ! command -v systemd-analyze >/dev/null; then
	echo "ok 1 - systemd units verify # SKIP no systemd-analyze"
	echo "1..1"
	exit 0
fi
for u in "$@"; do
	sed "s|/usr/sbin/podnet-up|$bootstrap/podnet-up|; s|/usr/sbin/podvol-up|$bootstrap/podvol-up|" \
		"$here/$u" > "$tmp/$u"
	v=$u
	case "$u" in *@.service) v=${u%@.service}@podnet0.service; cp "$tmp/$u" "$tmp/$v" ;; esac
	n=$((n + 1))
	out=$(cd "$tmp" && systemd-analyze verify --man=no "$tmp/$v" 2>&1 |
		grep -v -e 'Unit .* not found' -e 'is not executable' -e '^$')
	if [ -z "$out" ]; then
		echo "ok $n - systemd-analyze verify $u"
	else
		echo "not ok $n - systemd-analyze verify $u"
		echo "$out" | sed 's/^/# /'
		failed=1
	fi
done
# The ordering the documentation promises.
n=$((n + 1))
if grep -q '^After=network-online.target' "$here/podnet@.service" &&
   grep -q '^Before=containerd.service crio.service' "$here/podnet@.service" &&
   grep -q '^Before=containerd.service crio.service' "$here/podvol.service" &&
   grep -q '^After=systemd-udev-trigger.service' "$here/podvol.service"; then
	echo "ok $n - units are ordered after network-online/udev and before the container runtime"
else
	echo "not ok $n - units are ordered after network-online/udev and before the container runtime"
	failed=1
fi
# A bootstrap unit that fails (a missing disk, a broken file) must leave the
# boot going: wanted by its target, never required, no failure action, and
# a bounded start.
n=$((n + 1))
out=""
for u in podvol.service podnet@.service; do
	grep -qE '^WantedBy=(sysinit|multi-user)\.target$' "$here/$u" || out="$out $u: not WantedBy= sysinit/multi-user.target;"
	grep -qE '^(RequiredBy|RequisiteOf|FailureAction|OnFailure|SuccessAction|StartLimitAction)=' "$here/$u" &&
		out="$out $u: a setting that takes the boot down with it;"
done
grep -qE '^TimeoutStartSec=[1-9]' "$here/podvol.service" || out="$out podvol.service: no bounded TimeoutStartSec;"
if [ -z "$out" ]; then
	echo "ok $n - a failing podvol.service or podnet@.service leaves the boot going"
else
	echo "not ok $n - a failing podvol.service or podnet@.service leaves the boot going"
	echo "#$out"
	failed=1
fi
# podkit-metrics.service's commands, run as the unit runs them (in the
# textfile directory) against stub tools: a tool's output replaces its file
# whole; a tool that fails (module not loaded) removes its file rather than
# leave it stale; no temporary file stays behind.
n=$((n + 1))
mkdir -p "$tmp/bin" "$tmp/textfile"
printf '#!/bin/sh\necho "podnet_routes{dev=\\"podnet0\\"} 3"\n' > "$tmp/bin/podnetctl"
printf '#!/bin/sh\necho "podvol: not loaded" >&2\nexit 1\n' > "$tmp/bin/podvolctl"
chmod +x "$tmp/bin/podnetctl" "$tmp/bin/podvolctl"
echo stale > "$tmp/textfile/podnet.prom"
echo stale > "$tmp/textfile/podvol.prom"
out=""
sed -n "s|^ExecStart=-/bin/sh -c '\(.*\)'\$|\1|p" "$here/podkit-metrics.service" > "$tmp/cmds"
[ "$(wc -l < "$tmp/cmds")" = 2 ] || out="$out not two ExecStart=-/bin/sh -c lines;"
while IFS= read -r c; do
	(cd "$tmp/textfile" && PATH="$tmp/bin:$PATH" sh -c "$c") 2>/dev/null
done < "$tmp/cmds"
[ "$(cat "$tmp/textfile/podnet.prom" 2>/dev/null)" = 'podnet_routes{dev="podnet0"} 3' ] ||
	out="$out podnet.prom is not podnetctl's output;"
[ ! -e "$tmp/textfile/podvol.prom" ] || out="$out podvol.prom left stale;"
[ -z "$(find "$tmp/textfile" -name '*.tmp')" ] || out="$out a .tmp file left;"
if [ -z "$out" ]; then
	echo "ok $n - podkit-metrics.service replaces a tool's file whole, removes it when the tool fails"
else
	echo "not ok $n - podkit-metrics.service replaces a tool's file whole, removes it when the tool fails"
	echo "#$out"
	failed=1
fi
echo "1..$n"
exit $failed
