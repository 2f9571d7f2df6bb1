#!/bin/sh
# Load every KUnit test module installed for the running (debug) kernel and
# print the suites' KTAP results from debugfs.
n=0
status=0
for ko in $(find /lib/modules/"$(uname -r)"/updates -name '*_kunit.ko*' | sort); do
	m=$(basename "$ko" | sed 's/\.ko.*//')
	n=$((n + 1))
	if ! modprobe "$m"; then
		echo "not ok $n - $m: module load failed"
		status=1
		continue
	fi
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$r" ] || continue
		suite=$(basename "$(dirname "$r")")
		grep -q "^\(not \)\?ok [0-9]* $suite" "$r" 2>/dev/null || true
		# Leaf results are indented; print them as this module's tests.
		sed -n 's/^    \(\(not \)\{0,1\}ok [0-9]* \)\(.*\)$/\1'"$suite"': \3/p' "$r"
		grep -q '^    not ok' "$r" && status=1
	done
	rmmod "$m" || status=1
done
if [ $n = 0 ]; then
	echo "not ok 1 - no KUnit test modules installed"
	exit 1
fi
exit $status
