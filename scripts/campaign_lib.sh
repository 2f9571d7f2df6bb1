# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What make fuzz (scripts/fuzz.sh) and make stress (scripts/stress.sh)
# share, sourced by both: the project's top directory (TOP) as the current
# one, the log directory (LOGS), a part's debug guest and the verdict on its
# kernel log, the parts' closing lines and the campaign's exit status.
# CAMPAIGN, the script's name (fuzz or stress), names the lines and logs.
CAMPAIGN=$(basename "$0" .sh)
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
LOGS=$TOP/build/logs
mkdir -p "$LOGS"
bad=$(cat selftests/vm/kernel-problems.ere)
failed=0

# campaign_fail: the campaign's exit status will be 1
campaign_fail() {
	failed=1
}

campaign_exit() {
	exit $failed
}

# verdict NAME: the kernel log verdict of guest NAME (run-vm's logs): a
# problem anywhere in its kernel log, console or final kmemleak scan, and
# whether run-vm booted it twice (a kernel problem or hang before the
# command started: the first boot's console is kept, and judged too)
verdict() {
	local p fp fb=$LOGS/$1.console.log.failed-boot again=""
	p=$(cat "$LOGS/$1.dmesg" "$LOGS/$1.console.log" "$LOGS/$1.kmemleak" 2>/dev/null |
		grep -v 'Command line:' | grep -E "$bad" | head -1)
	if [ -f "$fb" ]; then
		fp=$(grep -v 'Command line:' "$fb" | grep -E "$bad" | head -1 | cut -c1-160)
		[ -n "$fp" ] || fp="no report, it hung"
		again="; rebooted once: the first boot failed before the command ($fp), its log kept in $fb"
	fi
	if [ -n "$p" ]; then
		echo "kernel log: PROBLEM: $p$again"
	elif [ ! -s "$LOGS/$1.console.log" ]; then
		echo "kernel log: MISSING$again"
	else
		echo "kernel log: clean$again"
	fi
}

# run_guest PART TIMEOUT TEST ARGS...: TEST with ARGS in a debug guest
# limited to TIMEOUT seconds, its output in $LOGS/$CAMPAIGN-PART.out.  Sets
# GUEST_OUT (that file), g_result (PASS when the command passed and the
# kernel log is clean, else FAIL, which fails the campaign), g_verdict and
# g_secs.
run_guest() {
	local part=$1 timeout=$2 test=$3 name t0 rc
	shift 3
	name=$(basename "$test" .sh)-debug
	GUEST_OUT=$LOGS/$CAMPAIGN-$part.out
	# no verdict from an earlier run's logs
	rm -f "$LOGS/$name".{dmesg,kmemleak,console.log,console.log.failed-boot}
	t0=$(date +%s)
	selftests/vm/run-test --kernel debug --timeout "$timeout" "$test" "$@" >"$GUEST_OUT" 2>&1
	rc=$?
	g_secs=$(( $(date +%s) - t0 ))
	g_verdict=$(verdict "$name")
	case "$rc $g_verdict" in
	"0 kernel log: clean"*) g_result=PASS ;;
	*) g_result=FAIL; campaign_fail ;;
	esac
}

# report PART FIGURES: the part's closing line, after run_guest
report() {
	echo "$CAMPAIGN: $1: $g_result, $2; $g_secs s, $g_verdict (log: $GUEST_OUT)"
}
