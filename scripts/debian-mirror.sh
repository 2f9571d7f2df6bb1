#!/bin/sh
# Print the Debian archive URI the host's apt uses (deb822 or one-line
# sources), so that other suites are fetched from the same mirror.
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
done | grep -E '/debian/?$' | head -1 | grep . && exit 0
cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ && $i !~ /\]$/) { print $i; break } }' |
	grep -E '/debian/?$' | head -1 | grep . && exit 0
echo "debian-mirror: no Debian archive in the host's apt sources" >&2
exit 1
