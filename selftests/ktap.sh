# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# KTAP reporting for the selftests (sourced, not run; POSIX sh).  Each
# check prints one "ok N - DESC" or "not ok N - DESC" line, with the
# output of a failed command as "# " diagnostic lines; finish prints the
# plan and exits non-zero if anything failed.  Built-ins only where it
# matters: under TCG every extra process is slow.

n=0 failed=0
echo "KTAP version 1"

diag() {	# diag TEXT: TEXT as "# " diagnostic lines
	printf '%s\n' "$1" | while IFS= read -r _l; do echo "# $_l"; done
}

report() {	# report RC DESC [OUTPUT]: passes when RC is 0
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ $# -gt 2 ] && diag "$3"
		failed=1
	fi
}

ok() { report 0 "$*"; }		# ok DESC
nok() { report 1 "$*"; }	# nok DESC

t() {		# t DESC CMD...: CMD succeeds
	_d=$1
	shift
	_o=$("$@" 2>&1)
	report $? "$_d" "$_o"
}
check() {	# check DESC CMD...: CMD succeeds, run in this shell (it may set variables)
	_d=$1
	shift
	if "$@" >/tmp/ktap.out.$$ 2>&1; then
		ok "$_d"
	else
		report 1 "$_d" "$(cat /tmp/ktap.out.$$)"
	fi
	rm -f /tmp/ktap.out.$$
}

# A refusal is an ordinary error exit with a message: status 1 to 123 (not
# 124 timeout, 125-127 not runnable or not found, 128+N killed by signal N)
# and something printed saying why.
refused() {	# refused RC OUTPUT: RC and OUTPUT are those of a refusal
	[ "$1" -ge 1 ] && [ "$1" -le 123 ] && [ -n "$2" ]
}

tf() {		# tf DESC CMD...: CMD refuses (see refused)
	_d=$1
	shift
	_o=$("$@" 2>&1)
	_r=$?
	refused $_r "$_o"
	report $? "$_d" "rc=$_r, want a refusal (exit 1-123 with a message); got:
$_o"
}

has() {		# has DESC PATTERN CMD...: CMD succeeds and prints PATTERN
	_d=$1 _p=$2
	shift 2
	_o=$("$@" 2>&1)
	_r=$?
	case "$_o" in *"$_p"*) [ $_r = 0 ] ;; *) false ;; esac
	report $? "$_d" "rc=$_r, want '$_p'; got:
$_o"
}

jqt() {		# jqt DESC FILTER CMD...: CMD's JSON output satisfies jq FILTER
	_d=$1 _f=$2
	shift 2
	_o=$("$@" 2>&1)
	printf '%s\n' "$_o" | jq -e "$_f" >/dev/null 2>&1
	report $? "$_d" "filter $_f on:
$_o"
}

# A check that a known bug makes fail, tracked by an open issue: KTAP's TODO
# directive.  It does not fail the test; make check counts it as a known
# failure.  When it passes it is an ordinary ok (a bug that shows on some
# kernels or some runs only must not fail the others): remove the marker
# once the bug is fixed.
report_todo() {	# report_todo RC WHY DESC [OUTPUT]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $3"
		echo "# known bug ($2) did not show"
	else
		echo "not ok $n - $3 # TODO $2"
		[ $# -gt 3 ] && diag "$4"
	fi
}
todo() {	# todo WHY DESC CMD...: like t, for a check a known bug makes fail
	_w=$1 _d=$2
	shift 2
	_o=$("$@" 2>&1)
	report_todo $? "$_w" "$_d" "$_o"
}

skip() {	# skip DESC REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

finish() {	# the plan, and the exit status
	echo "1..$n"
	exit $failed
}

# prom_valid FILE: FILE is in the Prometheus text exposition format as
# node_exporter's textfile collector reads it: HELP and TYPE before a
# family's samples, each family in one block, names and labels well formed,
# values unsigned integers.
prom_valid() {
	awk '
	/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* / { next }
	/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (gauge|counter)$/ {
		if ($3 in seen) { print "family " $3 " twice: line " NR; bad = 1 }
		seen[$3] = 1; fam = $3; next
	}
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})? [0-9]+$/ {
		name = $0; sub(/[{ ].*/, "", name)
		if (name != fam) { print "sample outside its family: line " NR; bad = 1 }
		next
	}
	{ print "malformed line " NR ": " $0; bad = 1 }
	END { exit bad }' "$1"
}
