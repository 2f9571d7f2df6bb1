#!/bin/sh
# Load every KUnit test module installed for the running (debug) kernel and
# print each test case's result.  The results are read from the kernel log,
# where KUnit prints the whole KTAP tree (7.x's debugfs results file holds
# the suite lines only).  Every suite must report as many cases as its plan
# says and end with its own result line, and every suite the sources define
# (".name" of a struct kunit_suite in *_kunit.c) must have run: a case or a
# suite that vanishes is a failure, not nothing.
src=${PODKIT_SRC:-}
n=0
status=0
seen=""

fail() {
	n=$((n + 1))
	echo "not ok $n - $*"
	status=1
}

for ko in $(find /lib/modules/"$(uname -r)"/updates -name '*_kunit.ko*' | sort); do
	m=$(basename "$ko" | sed 's/\.ko.*//')
	echo "podkit-kunit: loading $m" > /dev/kmsg
	if ! modprobe "$m"; then
		fail "$m: module load failed"
		continue
	fi
	log=/tmp/kunit-$m.log
	dmesg | sed -n "/podkit-kunit: loading $m\$/,\$p" |
		sed 's/^\[[^]]*\] \{0,1\}//' > "$log"
	# Cases are the KTAP lines indented once under "# Subtest: SUITE";
	# parameterised cases' own subtests (indented twice) are summed up
	# by their case line.
	out=$(awk -v n="$n" '
		function close_suite() {
			if (suite == "")
				return
			if (!ended)
				printf "not ok %d - %s: no result line for the suite\n", ++n, suite
			if (plan == "" || cases != plan + 0)
				printf "not ok %d - %s: %d of %s planned cases reported\n", ++n, suite, cases, plan == "" ? "?" : plan
			if (suitefail && !casefail)
				printf "not ok %d - %s: the suite failed\n", ++n, suite
			print "#seen " suite
			suite = ""
		}
		/^    # Subtest: / { close_suite(); suite = $3; plan = ""; cases = 0; ended = 0; suitefail = 0; casefail = 0; next }
		suite != "" && /^    1\.\.[0-9]+/ { plan = substr($1, 4); next }
		suite != "" && /^    (not )?ok [0-9]+ / {
			line = $0; sub(/^    /, "", line)
			ok = (line !~ /^not /)
			sub(/^(not )?ok [0-9]+ /, "", line)
			cases++
			if (!ok)
				casefail = 1
			printf "%s %d - %s: %s\n", ok ? "ok" : "not ok", ++n, suite, line
			next
		}
		suite != "" && /^(not )?ok [0-9]+ / {
			name = $0; sub(/^(not )?ok [0-9]+ /, "", name); sub(/ .*/, "", name)
			if (name == suite) {
				ended = 1
				suitefail = ($0 ~ /^not /)
				close_suite()
			}
		}
		END { close_suite(); print "#n " n }' "$log")
	echo "$out" | grep -v '^#'
	echo "$out" | grep -q '^not ok' && status=1
	n=$(echo "$out" | sed -n 's/^#n //p')
	s=$(echo "$out" | sed -n 's/^#seen //p' | tr '\n' ' ')
	[ -n "$s" ] || fail "$m: no KUnit results in the kernel log"
	seen="$seen $s"
	rmmod "$m" || fail "$m: unload failed"
done
if [ -z "$seen" ] && [ "$n" = 0 ]; then
	fail "no KUnit test modules installed"
fi
# Every suite defined in the sources ran.
if [ -n "$src" ]; then
	# shellcheck disable=SC2013 # suite names are words
	for s in $(awk '
		/^static struct kunit_suite .* = \{/ { on = 1; next }
		on && /\.name *= *"/ { sub(/.*\.name *= *"/, ""); sub(/".*/, ""); print; on = 0 }' "$src"/drivers/*/*/*_kunit.c); do
		case " $seen " in
		*" $s "*) ;;
		*) fail "$s: suite defined in the sources did not run" ;;
		esac
	done
fi
echo "1..$n"
exit $status
