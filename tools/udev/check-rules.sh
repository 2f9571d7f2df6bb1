#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Syntax check of udev rules files for udev versions without
# "udevadm verify" (systemd < 253): every key must be KEY[{attr}] OP "value",
# every GOTO must have its LABEL.  Prints one KTAP line per file.
n=0
fail=0
echo "KTAP version 1"
for r in "$@"; do
	n=$((n + 1))
	if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
		if udevadm verify "$r"; then
			echo "ok $n - $r: udevadm verify"
		else
			echo "not ok $n - $r: udevadm verify"
			fail=1
		fi
		continue
	fi
	if awk '
		/^[ \t]*(#|$)/ { next }
		{
			line = $0
			while (length(line)) {
				if (!match(line, /^[A-Z_]+(\{[^}]*\})?(==|!=|\+=|-=|:=|=)"([^"\\]|\\.)*"/)) {
					printf "%s:%d: cannot parse at: %s\n", FILENAME, NR, line > "/dev/stderr"
					bad = 1
					break
				}
				tok = substr(line, 1, RLENGTH)
				if (tok ~ /^GOTO=/) { g = tok; sub(/^GOTO="/, "", g); sub(/"$/, "", g); gotos[g] = NR }
				if (tok ~ /^LABEL=/) { l = tok; sub(/^LABEL="/, "", l); sub(/"$/, "", l); labels[l] = 1 }
				line = substr(line, RLENGTH + 1)
				sub(/^,[ \t]*/, "", line)
				sub(/^[ \t]+$/, "", line)
			}
		}
		END {
			for (g in gotos) if (!(g in labels)) {
				printf "%s:%d: GOTO=\"%s\" has no LABEL\n", FILENAME, gotos[g], g > "/dev/stderr"
				bad = 1
			}
			exit bad
		}' "$r"; then
		echo "ok $n - $r: syntax"
	else
		echo "not ok $n - $r: syntax"
		fail=1
	fi
done
echo "1..$n"
exit $fail
