#!/bin/bash
# make check: build (W=1, sparse) for every kernel of scripts/kernels.conf,
# tool unit tests, KUnit suites on the debug kernel, then the selftests on
# each kernel (all of them on the oldest and the newest, the core ones on the
# middle one).
#
# Every test prints a KTAP-style `ok N - name` / `not ok N - name` line; the
# last line of the run is `N passed, N failed[, N skipped]`.
#
# Every result counts towards a unit (a selftest on one kernel, a KUnit
# suite, a tool's test directory, the builds), and selftests/expected.list
# says how many results and skips each unit must show: a unit that is
# missing, short, longer or skips more than listed fails the run.  A run
# writes what it saw, in the same format, to build/logs/expected.seen.
#
#   CHECK_KERNELS="stock trixie debug"   kernels to run the selftests on
#   CHECK_TESTS="podnet_basic"    only these selftests (names without .sh)
#   CHECK_RECOUNT=1               build and run nothing: account for the
#                                 selftests' logs of the last run again
#                                 (after editing selftests/expected.list)
set -u
recount=${CHECK_RECOUNT:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit
logs="$top/build/logs"
mkdir -p "$logs"
kernels=${CHECK_KERNELS:-$(scripts/kernel.sh list)}
pass=0 fail=0 skip=0 todo=0 n=0
declare -A seen_n=() seen_s=() leak=()

result() {	# result ok|fail|skip NAME [REASON]
	n=$((n + 1))
	case "$1" in
	ok) pass=$((pass + 1)); echo "ok $n - $2" ;;
	skip) skip=$((skip + 1)); r=${3:-}; echo "ok $n - ${2% } # SKIP ${r# }" ;;
	todo) todo=$((todo + 1)); r=${3:-}; echo "not ok $n - ${2% } # TODO ${r# }" ;;
	*) fail=$((fail + 1)); echo "not ok $n - $2${3:+ # $3}" ;;
	esac
}

# A result of UNIT on KERNEL ("host" for what runs on the host), as counted
# against selftests/expected.list.
tally() {	# tally KERNEL UNIT ok|fail|skip
	seen_n["$1 $2"]=$(( ${seen_n["$1 $2"]:-0} + 1 ))
	case "$3" in skip|todo) seen_s["$1 $2"]=$(( ${seen_s["$1 $2"]:-0} + 1 )) ;; esac
	return 0
}
uresult() {	# uresult KERNEL UNIT ok|fail|skip NAME [REASON]
	tally "$1" "$2" "$3"
	result "${@:3}"
}

# Count the KTAP result lines of a test's output, counted as KERNEL's UNIT
# (UNIT "kunit": the suite named at the start of each line), and check each
# KTAP document's plan ("1..N", before or after the results; a document
# starts at "KTAP version") against its result lines; "1..0 # SKIP why" is
# one skipped result.  "not ok N - desc # TODO why" is a known failure: it
# counts as one (a bug a test shows and an open issue tracks), allowed
# with the skips in selftests/expected.list (ktap.sh's report_todo prints a
# plain ok when the check passes; an explicit "ok ... # TODO" fails).
# Return 1 when the output has no results at all.
count_ktap() {	# count_ktap FILE PREFIX KERNEL UNIT
	local found=1 line name u=$4 st docs=0 plan="" seen=0 k=$3 p=$2
	doc_end() {
		if [ "$plan" = "" ]; then
			[ $seen = 0 ] || uresult "$k" "$u" fail "${p}KTAP plan" "no 1..N line for $seen results"
		elif [ "$plan" != "$seen" ]; then
			uresult "$k" "$u" fail "${p}KTAP plan" "plan 1..$plan, $seen result lines"
		fi
		plan="" seen=0
	}
	while IFS= read -r line; do
		if [[ "$line" =~ ^KTAP\ version ]]; then
			[ $docs = 0 ] || doc_end
			docs=$((docs + 1))
		elif [[ "$line" =~ ^1\.\.([0-9]+)(.*)$ ]]; then
			[ $docs = 0 ] && docs=1
			[ -z "$plan" ] || doc_end
			plan=${BASH_REMATCH[1]}
			if [ "$plan" = 0 ] && [[ "${BASH_REMATCH[2]}" == *"# SKIP"* ]]; then
				uresult "$k" "$u" skip "${p%: }" "${BASH_REMATCH[2]#*# SKIP}"
				found=0
			fi
		elif [[ "$line" =~ ^(not\ ok|ok)\ [0-9]+\ *-?\ *(.*)$ ]]; then
			[ $docs = 0 ] && docs=1
			name="$p${BASH_REMATCH[2]}"
			[ "$4" = kunit ] && u="kunit:${BASH_REMATCH[2]%%:*}"
			found=0
			seen=$((seen + 1))
			if [ "${BASH_REMATCH[1]}" = ok ]; then
				st=ok
				[[ "$name" == *"# SKIP"* ]] && st=skip
			else
				st=fail
			fi
			if [[ "$name" == *"# TODO"* ]]; then
				if [ $st = fail ]; then
					uresult "$k" "$u" todo "${name%%# TODO*}" "${name#*# TODO}"
				else
					uresult "$k" "$u" fail "${name%%# TODO*}" "passes: remove its TODO marker"
				fi
			elif [ $st = skip ]; then
				uresult "$k" "$u" skip "${name%%# SKIP*}" "${name#*# SKIP}"
			else
				uresult "$k" "$u" $st "$name"
			fi
		fi
	done < "$1"
	doc_end
	return $found
}

started=$(date +%s)
echo "# podkit check: kernels: $kernels"

has() { [[ " $kernels " == *" $1 "* ]]; }

# The debug kernel is built once and cached outside the repository.  It
# builds in the background while the other kernels are built and tested.
debug_kdir=""
if has debug && [ -z "$recount" ]; then
	echo "# debug kernel: $(selftests/vm/build-debug-kernel.sh --print)"
	rm -f "$logs/debug-kernel.rc"
	( selftests/vm/build-debug-kernel.sh >"$logs/debug-kernel.out" 2>"$logs/debug-kernel.log"
	  echo $? >"$logs/debug-kernel.rc" ) &
	debug_pid=$!
fi
# The newer kernels' modules are built in a Debian 13 root, made once.
if { has trixie || has debug; } && [ -z "$recount" ]; then
	if root=$(scripts/debian13-root.sh 2>"$logs/debian13-root.log"); then
		echo "# Debian 13 root: $root"
	else
		tail -20 "$logs/debian13-root.log"
		uresult host debian13-root fail "Debian 13 root for the newer kernels' builds" "log in $logs/debian13-root.log"
	fi
fi

# The node images selftests/node_image.sh boots (scripts/image.sh, cached
# apart from podkit's own layer) are built in the background from here on,
# one after the other (image.sh's lock), niced behind the kernels' work;
# the test waits for them.
if [ -z "$recount" ] && { [ -z "${CHECK_TESTS:-}" ] || [[ " $CHECK_TESTS " == *" node_image "* ]]; }; then
	for k in stock trixie; do
		has $k || continue
		s=bookworm
		[ $k = stock ] || s=trixie
		( SUITE=$s nice -n 10 scripts/image.sh >"$logs/image-$s.out" 2>&1 ) &
	done
fi

# 1. Build: modules for each kernel with W=1 and sparse, without a warning.
# "newest" is Debian's own headers of the debug kernel's release.
# Debian's 7.x headers lack the script with which kbuild checks sparse, so
# sparse runs on the debug kernel's tree of the same release instead; a
# build that should run sparse and did not fails.
build_modules() {	# build_modules NAME
	local k=$1 log="$logs/build-modules-$1.log" rel w flags="W=1 C=1"
	rel=$(scripts/kernel.sh release "$k") || { uresult host "build:$k" fail "build: modules ($k)" "no kernel"; return; }
	[ "$k" = newest ] && flags="W=1"
	rm -rf "build/$rel"
	if scripts/kernel.sh make "$k" -s KBUILD_FLAGS="$flags" modules >"$log" 2>&1; then
		w=$(grep -cE 'warning:|error:|is not available or not up to date' "$log")
		if [ "$w" = 0 ]; then
			uresult host "build:$k" ok "build: modules ($k, $rel, $flags) without warnings"
		else
			grep -E 'warning:|error:|is not available or not up to date' "$log" | head -20
			uresult host "build:$k" fail "build: modules ($k, $rel, $flags) without warnings" "$w warnings"
		fi
	else
		grep -E 'error:' "$log" | head -20
		tail -5 "$log"
		uresult host "build:$k" fail "build: modules ($k, $rel, $flags)" "build failed, log in $log"
	fi
}
if [ -z "$recount" ]; then
for k in stock trixie; do has $k && build_modules $k; done
has debug && build_modules newest
log="$logs/build-tools.log"
make -s -C tools clean >/dev/null 2>&1
if make -s -C tools >"$log" 2>&1; then
	w=$(grep -c 'warning:' "$log")
	if [ "$w" = 0 ]; then
		uresult host build:tools ok "build: tools (-Wall -Wextra) without warnings"
	else
		grep 'warning:' "$log" | head -20
		uresult host build:tools fail "build: tools (-Wall -Wextra) without warnings" "$w warnings"
	fi
else
	tail -30 "$log"
	uresult host build:tools fail "build: tools" "build failed, log in $log"
fi

# DKMS: the package builds against the stock kernels' headers, Debian 12's
# on the host and Debian 13's in its root (building needs no module
# loading); selftests/dkms_build.sh does the whole add/build/install/modprobe
# cycle in a guest, but compiling under TCG takes longer than make check can
# afford.
dkms_build() {	# dkms_build KERNEL: dkms add + build in a scratch tree
	local k=$1 log="$logs/dkms-$1.log" dk dver dname dkv run=()
	dver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	dname=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
	dkv=$(scripts/kernel.sh release "$k")
	[ "$k" = stock ] || run=(scripts/kernel.sh run)
	dk=$(mktemp -d "$top/build/dkms.XXXXXX")
	mkdir -p "$dk/src/$dname-$dver" "$dk/tree"
	git ls-files -z Kbuild Makefile dkms.conf drivers include compat scripts/kver.sh scripts/compat.sh |
		xargs -0 cp --parents -t "$dk/src/$dname-$dver"
	if { "${run[@]}" dkms add -m "$dname" -v "$dver" --sourcetree "$dk/src" --dkmstree "$dk/tree" &&
	     "${run[@]}" dkms build -m "$dname" -v "$dver" -k "$dkv" --sourcetree "$dk/src" --dkmstree "$dk/tree"; } >"$log" 2>&1 &&
	   [ -n "$(find "$dk/tree" -name 'podnet.ko*')" ] && [ -n "$(find "$dk/tree" -name 'podvol.ko*')" ]; then
		uresult host "dkms:$k" ok "dkms: package $dname-$dver builds podnet and podvol for $dkv"
	else
		tail -20 "$log"
		uresult host "dkms:$k" fail "dkms: package $dname-$dver builds for $dkv" "log in $log"
	fi
	rm -rf "$dk"
}
if command -v dkms >/dev/null; then
	for k in stock trixie; do has $k && dkms_build $k; done
fi
fi	# not $recount

# 2. Tool unit tests (host), each tool's directory on its own: one that
# fails does not hide the others' results.
for d in tools/*/; do
	[ -z "$recount" ] || break
	d=${d%/}
	grep -qsE '^([^#=]* )?test( [^=]*)?:' "$d/Makefile" || continue	# no tests
	log="$logs/tools-test-${d#tools/}.log"
	make -s -C "$d" test >"$log" 2>&1
	trc=$?
	count_ktap "$log" "$d: " host "$d" || uresult host "$d" fail "$d: unit tests" "no results"
	if [ $trc != 0 ]; then
		grep -v '^ok' "$log" | tail -10
		uresult host "$d" fail "$d: unit tests exit status" "exit $trc"
	fi
done

# Shell scripts: shellcheck over every one the repository tracks (*.sh and
# files starting with a shell #!), at severity warning, in one call and as
# one result (about 10 s of CPU).
shell_scripts() {
	local f
	git ls-files -z | while IFS= read -r -d '' f; do
		case "$f" in
		*.sh) echo "$f" ;;
		*) [ -f "$f" ] && head -n1 "$f" | grep -qE '^#!.*[/ ](ba|da)?sh( |$)' && echo "$f" ;;
		esac
	done
}
if [ -z "$recount" ]; then
	log="$logs/shellcheck.log"
	mapfile -t files < <(shell_scripts)
	if ! command -v shellcheck >/dev/null; then
		uresult host shellcheck fail "shellcheck on ${#files[@]} shell scripts" "shellcheck not installed (make deps)"
	elif shellcheck -S warning "${files[@]}" >"$log" 2>&1; then
		uresult host shellcheck ok "shellcheck -S warning on ${#files[@]} shell scripts"
	else
		grep '^In ' "$log" | head -20
		uresult host shellcheck fail "shellcheck -S warning on ${#files[@]} shell scripts" "log in $log"
	fi
fi

# Stage the project (make install) once per kernel for the guests.
stage() {	# stage KERNEL
	if ! selftests/vm/run-test --kernel "$1" --build-only >"$logs/stage-$1.out" 2>&1; then
		tail -20 "$logs/stage-$1.out"
		uresult host "stage:$1" fail "make install into the $1 kernel's staging root"
	fi
}

# 3 and 4.  KUnit suites (debug kernel) and selftests.  Selftests without
# disks of their own run one after another in one guest per kernel (a boot
# and a kmemleak scan each would dominate the run time); a selftest that
# declares vm-disks gets a fresh guest with its disks.
# Every selftests/*.sh is a selftest but the sourced libraries (ktap.sh,
# *_lib.sh); one marked "# vm-manual: why" is not run here and counts as
# skipped, with its reason, on every kernel.
tests=$(for t in selftests/*.sh; do
	case "$t" in */ktap.sh|*_lib.sh) ;; *) echo "$t" ;; esac
done)
if [ -n "${CHECK_TESTS:-}" ]; then
	tests=$(for t in $CHECK_TESTS; do echo "selftests/$t.sh"; done)
fi
batched="" solo="" hosted="" manual=""
for t in $tests; do
	if grep -q '^# vm-manual:' "$t"; then manual="$manual $t"
	elif grep -q '^# vm-host:' "$t"; then hosted="$hosted $t"
	elif grep -q '^# vm-disks:' "$t"; then solo="$solo $t"
	else batched="$batched $t"; fi
done

# Account for one selftest's output in FILE: its KTAP lines, its exit
# status, and any kernel problem seen while it ran.
account() {	# account NAME KERNEL FILE RC PROBLEM
	local before=$fail prefix="$1 ($2): "
	[ "$1" = kunit ] && prefix="kunit: "
	count_ktap "$3" "$prefix" "$2" "$1" || result fail "$1 ($2)" "no KTAP results"
	if [ -n "$5" ]; then
		result fail "$1 ($2): no kernel warnings" "$5"
	elif [ "$4" != 0 ] && [ $fail = "$before" ]; then
		tail -5 "$3"
		result fail "$1 ($2)" "exit status $4"
	fi
	if [ $fail != "$before" ]; then
		grep -E '^not ok|^#' "$3" | head -10
	fi
}

# A selftest may limit itself with "# vm-kernels: stock" (node packaging
# tests need the host's own kernel); on a kernel whose scope in
# scripts/kernels.conf is "core", only selftests marked "# vm-core: yes" run.
# The others are reported as skipped.
runs_on() {	# runs_on TEST KERNEL
	local ks
	ks=$(sed -n 's/^# vm-kernels: *//p' "$1" | head -1)
	[ -z "$ks" ] || [[ " $ks " == *" $2 "* ]] || return 1
	[ "$(awk -v n="$2" '$1 == n { print $5 }' scripts/kernels.conf)" != core ] ||
		grep -q '^# vm-core: *yes' "$1"
}
why_not() {	# why_not TEST KERNEL
	local ks
	ks=$(sed -n 's/^# vm-kernels: *//p' "$1" | head -1)
	if [ -n "$ks" ] && [[ " $ks " != *" $2 "* ]]; then
		echo "vm-kernels: $ks"
	else
		echo "not a core selftest; $2 runs the core ones"
	fi
}

# The kernels' lanes run side by side.  A lane is a chain of guests whose
# tests are shell scripts, one process at a time, so it keeps about one of
# the machine's CPUs busy: two lanes take little longer than the slower one.
# A lane only writes logs; they are accounted for afterwards, in order.
#
# The debug and stock lanes run every selftest (the debug one KUnit too,
# in guests with one vCPU) and are the longest: each runs as two chains
# side by side, a batch guest (batch-KERNEL-1 and -2) followed by its share
# of the selftests with guests of their own.  A lane splits so when it has a
# file of measured costs, selftests/vm/KERNEL-costs.  The tests are dealt to
# the chains by that cost, longest first, each to the chain with less work
# so far, so that both end together; KUnit runs first.
parts() {	# parts KERNEL: the suffixes of KERNEL's batches
	if [ -f "selftests/vm/$1-costs" ]; then echo "-1 -2"; else echo ""; fi
}
declare -A split_of=()
lane_split() {	# lane_split KERNEL: "PART batch|solo TEST" lines, computed once
	local k=$1 t all=""
	if [ -z "${split_of[$k]:-}" ]; then
		[ "$k" = debug ] && all="batch selftests/vm/kunit.sh"
		for t in $batched; do runs_on "$t" "$k" && all="$all"$'\n'"batch $t"; done
		for t in $solo $hosted; do runs_on "$t" "$k" && all="$all"$'\n'"solo $t"; done
		split_of[$k]=$(printf '%s\n' "$all" | awk '
			FNR == NR { if ($1 !~ /^#/ && NF >= 2) c[$1] = $2; next }
			NF == 2 {
				n = $2; sub(/.*\//, "", n); sub(/\.sh$/, "", n)
				m++; line[m] = $0; w[m] = (n in c) ? c[n] : 120
			}
			END {
				for (i = 1; i <= m; i++) {	# longest first
					b = 0
					for (j = 1; j <= m; j++)
						if (!(j in part) && (b == 0 || w[j] > w[b]))
							b = j
					p = load[1] <= load[2] ? 1 : 2
					part[b] = p; load[p] += w[b]
				}
				for (i = 1; i <= m; i++)	# in their own order
					print part[i], line[i]
			}' "selftests/vm/$k-costs" -)
	fi
	echo "${split_of[$k]}"
}
batch_list() {	# batch_list KERNEL SUFFIX: the selftests of that batch
	local t
	if [ -n "$2" ]; then
		lane_split "$1" | awk -v p="${2#-}" '$1 == p && $2 == "batch" { print $3 }'
		return
	fi
	for t in $batched; do runs_on "$t" "$1" && echo "$t"; done
}
solo_list() {	# solo_list KERNEL [SUFFIX]: its selftests with guests of their own
	local t
	if [ -n "${2:-}" ]; then
		lane_split "$1" | awk -v p="${2#-}" '$1 == p && $2 == "solo" { print $3 }'
		return
	fi
	for t in $solo $hosted; do runs_on "$t" "$1" && echo "$t"; done
}
solo_run() {	# solo_run KERNEL TEST: a selftest with a guest of its own
	local k=$1 t=$2 name t0 rc
	name=$(basename "$t" .sh)
	t0=$(date +%s)
	# Those that drive guests themselves (vm-host: power cuts) run on
	# the host.
	if grep -q '^# vm-host:' "$t"; then
		"$t" --kernel "$k" --no-build >"$logs/$name-$k.out" 2>&1
	else
		selftests/vm/run-test --kernel "$k" --no-build "$t" \
			>"$logs/$name-$k.out" 2>&1
	fi
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"$logs/$name-$k.rc"
}
lane() {	# lane KERNEL
	local k=$1 list t t0 rc part
	# The debug lane is the longest and the last to start: a lane that
	# runs every selftest yields the CPUs to it and to the debug kernel's
	# build.  A lane of core selftests (scripts/kernels.conf) is short and
	# keeps its share: niced behind two debug guests its guest got a few
	# percent of a CPU, and podnet_bgp's BGP sessions and timers in it ran
	# past their time limit (CI, 30 November 2026).
	if [ "$k" != debug ] &&
	   [ "$(awk -v n="$k" '$1 == n { print $5 }' scripts/kernels.conf)" != core ]; then
		renice -n 10 -p "$BASHPID" >/dev/null
	fi
	for part in $(parts "$k") ""; do
		[ -z "$part" ] && [ -n "$(parts "$k")" ] && continue
		list=$(batch_list "$k" "$part")
		(
			if [ -n "$list" ]; then
				t0=$(date +%s)
				# shellcheck disable=SC2086
				selftests/vm/run-test --kernel "$k" --no-build --batch \
					--name "batch-$k$part" $list >"$logs/batch-$k$part.out" 2>&1
				rc=$?
				echo "$rc $(( $(date +%s) - t0 ))" >"$logs/batch-$k$part.rc"
			fi
			# Selftests with disks of their own get a fresh guest
			# each, after the batch.
			for t in $(solo_list "$k" "$part"); do
				solo_run "$k" "$t"
			done
		) &
	done
	wait
}

for k in $kernels; do	# once, for the lanes and the accounting
	[ -z "$(parts "$k")" ] || lane_split "$k" >/dev/null
done

# The lanes of the kernels that are ready start now; the debug lane once
# its kernel is built.
if [ -z "$recount" ]; then
find "$logs" -name '*.rc' ! -name debug-kernel.rc -delete
t0=$(date +%s)
lanes=()
for k in $kernels; do
	[ "$k" = debug ] && continue
	stage "$k"
	lane "$k" &
	lanes+=($!)
done
if has debug; then
	wait "$debug_pid"
	read -r drc 2>/dev/null <"$logs/debug-kernel.rc" || drc=1
	if [ "$drc" = 0 ]; then
		debug_kdir=$(cat "$logs/debug-kernel.out")
		echo "# debug kernel ready $(( $(date +%s) - started ))s after the start"
		uresult host build:debug-kernel ok "debug kernel built"
		build_modules debug
		# checkpatch --strict over the kernel sources.
		# The debug kernel's build tree links to its source.
		cp_src=$debug_kdir/source/scripts/checkpatch.pl
		if [ -f "$cp_src" ]; then
			mapfile -t files < <(git ls-files 'drivers/*.c' 'drivers/*.h' 'include/uapi/*.h' 'compat/*.c')
			if [ ${#files[@]} -gt 0 ]; then
				log="$logs/checkpatch.log"
				if perl "$cp_src" --no-tree --strict --terse --show-types \
					-f "${files[@]}" >"$log" 2>&1; then
					uresult host checkpatch ok "checkpatch --strict on kernel sources"
				else
					grep -E 'ERROR|WARNING|CHECK' "$log" | head -20
					uresult host checkpatch fail "checkpatch --strict on kernel sources" "log in $log"
				fi
			fi
		fi
		stage debug
		lane debug &
		lanes+=($!)
	else
		tail -20 "$logs/debug-kernel.log"
		uresult host build:debug-kernel fail "debug kernel built" "log in $logs/debug-kernel.log"
	fi
fi
wait "${lanes[@]}"
echo "# selftests: $(( $(date +%s) - t0 ))s for all lanes"
fi	# not $recount

# HZ of the kernel that has kmemleak (the debug kernel), for the leaks' times.
hz=$(sed -n 's/^CONFIG_HZ=//p' "$(selftests/vm/build-debug-kernel.sh --print)/.config" 2>/dev/null)
hz=${hz:-250}
for k in $kernels; do
	for t in $batched; do
		runs_on "$t" "$k" ||
			uresult "$k" "$(basename "$t" .sh)" skip "$(basename "$t" .sh) ($k)" "$(why_not "$t" "$k")"
	done
	for part in $(parts "$k") ""; do
	[ -z "$part" ] && [ -n "$(parts "$k")" ] && continue
	list=$(batch_list "$k" "$part")
	[ -n "$list" ] || continue
	log="$logs/batch-$k$part.out"
	read -r brc secs 2>/dev/null <"$logs/batch-$k$part.rc" || brc=1 secs=0
	echo "# selftests in the $k guest batch-$k$part: ${secs}s"
	before=$fail
	# kmemleak scans once, at the end of the guest: each leaked object is
	# charged to the selftest that was running when it was allocated (its
	# jiffies, counted from the kernel's INITIAL_JIFFIES at HZ per second,
	# against the tests' starting uptimes).
	leak=()
	if [ -s "$logs/batch-$k$part.kmemleak" ]; then
		while IFS='|' read -r lname ltext; do
			leak["$lname"]=$ltext
		done < <(awk -v hz="$hz" '
			function flush() {
				if (obj != "" && !(who in done)) {
					done[who] = 1
					print who "|kmemleak: " obj (where != "" ? " from " where : "")
				}
				obj = ""
			}
			FNR == NR {
				if ($1 == "#" && $2 == "podkit-selftest-uptime") { nt++; nm[nt] = $3; up[nt] = $4 + 0 }
				next
			}
			/^unreferenced object/ { flush(); obj = $0; sub(/:$/, "", obj); who = "(boot)"; where = ""; next }
			/^  comm .*jiffies [0-9]+/ {
				match($0, /jiffies [0-9]+/)
				# INITIAL_JIFFIES: (unsigned int)(-300 * HZ)
				j = (substr($0, RSTART + 8, RLENGTH - 8) - (4294967296 - 300 * hz)) / hz
				for (i = 1; i <= nt; i++)
					if (up[i] <= j)
						who = nm[i]
				next
			}
			where == "" && /\[pod(net|vol)/ { where = $0; sub(/^ *(\[<[0-9a-f]+>\] *)?/, "", where) }
			END { flush() }' "$log" "$logs/batch-$k$part.kmemleak")
	fi
	for t in $list; do
		name=$(basename "$t" .sh)
		out="$logs/$name-$k.out"
		awk -v n="$name" '
			$0 == "# podkit-selftest-begin " n { on = 1; next }
			index($0, "# podkit-selftest-end " n " ") == 1 { on = 0 }
			on' "$log" > "$out"
		if ! grep -qx "# podkit-selftest-begin $name" "$log"; then
			result fail "$name ($k)" "not run: the guest died before it"
			continue
		fi
		end=$(grep -m1 "^# podkit-selftest-end $name " "$log")
		if [ -z "$end" ]; then
			count_ktap "$out" "$name ($k): " "$k" "$name" || true
			result fail "$name ($k)" "the guest died during this test"
			continue
		fi
		rc=$(echo "$end" | sed -n 's/.* rc=\([0-9]*\) problem=.*/\1/p')
		problem=$(echo "$end" | sed -n 's/.* problem=//p')
		[ -z "$problem" ] && problem=${leak[$name]:-}
		account "$name" "$k" "$out" "${rc:-1}" "$problem"
	done
	if [ "$brc" != 0 ] && [ $fail = "$before" ]; then
		grep '^run-vm:' "$log" | head -3
		result fail "selftest guest batch-$k$part" "$(grep -m1 '^run-vm: .*FAILED' "$log" | cut -c1-200)"
	fi
	done
done

for t in $solo $hosted; do
	name=$(basename "$t" .sh)
	for k in $kernels; do
		if ! runs_on "$t" "$k"; then
			uresult "$k" "$name" skip "$name ($k)" "$(why_not "$t" "$k")"
			continue
		fi
		log="$logs/$name-$k.out"
		read -r rc secs 2>/dev/null <"$logs/$name-$k.rc" || rc=1 secs=0
		echo "# $name ($k): ${secs}s"
		problem=""
		[ "$rc" != 0 ] && problem=$(grep -m1 '^run-vm: .*kernel reported' "$log" | cut -c1-200)
		account "$name" "$k" "$log" "$rc" "$problem"
	done
done

for t in $manual; do
	name=$(basename "$t" .sh)
	for k in $kernels; do
		uresult "$k" "$name" skip "$name ($k)" "$(sed -n 's/^# vm-manual: *//p' "$t" | head -1)"
	done
done

# The results against the expected list.  Host units are compared on a full
# run only; a kernel's units when that kernel ran, and with CHECK_TESTS
# only the units of the selftests named there (and KUnit's).
expected=selftests/expected.list
for key in "${!seen_n[@]}"; do
	echo "$key ${seen_n[$key]} ${seen_s[$key]:-0}"
done | sort >"$logs/expected.seen"
applies() {	# applies KERNEL UNIT
	if [ "$1" = host ]; then
		[ -z "${CHECK_TESTS:-}" ] && [ -z "${CHECK_KERNELS:-}" ] && [ -z "$recount" ]
	else
		has "$1" && { [ -z "${CHECK_TESTS:-}" ] || [[ "$2" == kunit* ]] ||
			[[ " $CHECK_TESTS " == *" $2 "* ]]; }
	fi
}
want=0 got=0
declare -A listed=()
while read -r k u en es; do
	case "$k" in ''|'#'*) continue ;; esac
	listed["$k $u"]=1
	applies "$k" "$u" || continue
	want=$((want + ${en#>=}))
	sn=${seen_n["$k $u"]:-0} ss=${seen_s["$k $u"]:-0}
	got=$((got + (sn < ${en#>=} ? sn : ${en#>=})))
	if [ "$sn" = 0 ]; then
		result fail "expected: $u ($k)" "missing: $en results expected, none seen"
	elif [[ "$en" == '>='* ]] && [ "$sn" -lt "${en#>=}" ]; then
		result fail "expected: $u ($k)" "$sn results, at least ${en#>=} expected"
	elif [[ "$en" != '>='* ]] && [ "$sn" != "$en" ]; then
		result fail "expected: $u ($k)" "$sn results, $en expected (update $expected if the change is meant)"
	elif [ "$ss" -gt "$es" ]; then
		result fail "expected: $u ($k)" "$ss skipped, at most $es expected"
	fi
done < <(cat "$expected" 2>/dev/null)
for key in "${!seen_n[@]}"; do
	[ -n "${listed[$key]:-}" ] && continue
	applies "${key%% *}" "${key#* }" || continue
	result fail "expected: ${key#* } (${key%% *})" "not in $expected: add it (build/logs/expected.seen has the line)"
done

echo "# total time $(( $(date +%s) - started ))s"
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary="$summary, $skip skipped"
[ $todo -gt 0 ] && summary="$summary, $todo known failures (TODO)"
summary="$summary; $got of $want expected results seen"
echo "$summary"
[ $fail = 0 ]
