#!/bin/sh
# Print the kernel release to build for.
#   kver.sh           the running kernel if its headers are installed,
#                     otherwise the newest kernel with installed headers
#   kver.sh KDIR      the release of the kernel tree in KDIR
if [ -n "$1" ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h"
	exit 0
fi
r=$(uname -r)
if [ -e "/lib/modules/$r/build/Makefile" ]; then
	echo "$r"
	exit 0
fi
for d in /lib/modules/*/build/Makefile; do
	[ -e "$d" ] || continue
	basename "$(dirname "$(dirname "$d")")"
done | sort -V | tail -1
