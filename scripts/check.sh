#!/bin/bash
# make check: build (W=1, sparse) for every kernel of scripts/kernels.conf,
# tool unit tests, KUnit suites on the debug kernel, then the selftests on
# each kernel (all of them on the oldest and the newest, the core ones on the
# middle one).
#
# Every test prints a KTAP-style `ok N - name` / `not ok N - name` line; the
# last line of the run is `N passed, N failed[, N skipped]`.
#
#   CHECK_KERNELS="stock trixie debug"   kernels to run the selftests on
#   CHECK_TESTS="podnet_basic"    only these selftests (names without .sh)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs="$top/build/logs"
mkdir -p "$logs"
kernels=${CHECK_KERNELS:-$(scripts/kernel.sh list)}
pass=0 fail=0 skip=0 n=0

result() {	# result ok|fail|skip NAME [REASON]
	n=$((n + 1))
	case "$1" in
	ok) pass=$((pass + 1)); echo "ok $n - $2" ;;
	skip) skip=$((skip + 1)); echo "ok $n - $2 # SKIP ${3:-}" ;;
	*) fail=$((fail + 1)); echo "not ok $n - $2${3:+ # $3}" ;;
	esac
}

# Count the KTAP result lines of a test's output; return 1 when it has none.
count_ktap() {	# count_ktap FILE PREFIX
	local found=1 line name
	while IFS= read -r line; do
		if [[ "$line" =~ ^[[:space:]]*(not\ ok|ok)\ [0-9]+\ *-?\ *(.*)$ ]]; then
			name="$2${BASH_REMATCH[2]}"
			found=0
			if [ "${BASH_REMATCH[1]}" = ok ]; then
				if [[ "$name" == *"# SKIP"* ]]; then
					result skip "${name%%# SKIP*}" "${name#*# SKIP}"
				else
					result ok "$name"
				fi
			else
				result fail "$name"
			fi
		fi
	done < "$1"
	return $found
}

started=$(date +%s)
echo "# podkit check: kernels: $kernels"

has() { [[ " $kernels " == *" $1 "* ]]; }

# The debug kernel is built once and cached outside the repository.  It
# builds in the background while the other kernels are built and tested.
debug_kdir=""
if has debug; then
	echo "# debug kernel: $(selftests/vm/build-debug-kernel.sh --print)"
	rm -f "$logs/debug-kernel.rc"
	( selftests/vm/build-debug-kernel.sh >"$logs/debug-kernel.out" 2>"$logs/debug-kernel.log"
	  echo $? >"$logs/debug-kernel.rc" ) &
	debug_pid=$!
fi
# The newer kernels' modules are built in a Debian 13 root, made once.
if has trixie || has debug; then
	if root=$(scripts/debian13-root.sh 2>"$logs/debian13-root.log"); then
		echo "# Debian 13 root: $root"
	else
		tail -20 "$logs/debian13-root.log"
		result fail "Debian 13 root for the newer kernels' builds" "log in $logs/debian13-root.log"
	fi
fi

# 1. Build: modules for each kernel with W=1 and sparse, without a warning.
# "newest" is Debian's own headers of the debug kernel's release.
# Debian's 7.x headers lack the script with which kbuild checks sparse, so
# sparse runs on the debug kernel's tree of the same release instead; a
# build that should run sparse and did not fails.
build_modules() {	# build_modules NAME
	local k=$1 log="$logs/build-modules-$1.log" rel w flags="W=1 C=1"
	rel=$(scripts/kernel.sh release "$k") || { result fail "build: modules ($k)" "no kernel"; return; }
	[ "$k" = newest ] && flags="W=1"
	rm -rf "build/$rel"
	if scripts/kernel.sh make "$k" -s KBUILD_FLAGS="$flags" modules >"$log" 2>&1; then
		w=$(grep -cE 'warning:|error:|is not available or not up to date' "$log")
		if [ "$w" = 0 ]; then
			result ok "build: modules ($k, $rel, $flags) without warnings"
		else
			grep -E 'warning:|error:|is not available or not up to date' "$log" | head -20
			result fail "build: modules ($k, $rel, $flags) without warnings" "$w warnings"
		fi
	else
		grep -E 'error:' "$log" | head -20
		tail -5 "$log"
		result fail "build: modules ($k, $rel, $flags)" "build failed, log in $log"
	fi
}
for k in stock trixie; do has $k && build_modules $k; done
has debug && build_modules newest
log="$logs/build-tools.log"
make -s -C tools clean >/dev/null 2>&1
if make -s -C tools >"$log" 2>&1; then
	w=$(grep -c 'warning:' "$log")
	if [ "$w" = 0 ]; then
		result ok "build: tools (-Wall -Wextra) without warnings"
	else
		grep 'warning:' "$log" | head -20
		result fail "build: tools (-Wall -Wextra) without warnings" "$w warnings"
	fi
else
	tail -30 "$log"
	result fail "build: tools" "build failed, log in $log"
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
		result ok "dkms: package $dname-$dver builds podnet and podvol for $dkv"
	else
		tail -20 "$log"
		result fail "dkms: package $dname-$dver builds for $dkv" "log in $log"
	fi
	rm -rf "$dk"
}
if command -v dkms >/dev/null; then
	for k in stock trixie; do has $k && dkms_build $k; done
fi

# 2. Tool unit tests (host).
log="$logs/tools-test.log"
make -s -C tools test >"$log" 2>&1
trc=$?
count_ktap "$log" "tools: " || result fail "tools: unit tests" "no results"
[ $trc = 0 ] || { grep -v '^ok' "$log" | tail -10; result fail "tools: unit tests exit status" "exit $trc"; }

# Stage the project (make install) once per kernel for the guests.
stage() {	# stage KERNEL
	if ! selftests/vm/run-test --kernel "$1" --build-only >"$logs/stage-$1.out" 2>&1; then
		tail -20 "$logs/stage-$1.out"
		result fail "make install into the $1 kernel's staging root"
	fi
}

# 3 and 4.  KUnit suites (debug kernel) and selftests.  Selftests without
# disks of their own run one after another in one guest per kernel (a boot
# and a kmemleak scan each would dominate the run time); a selftest that
# declares vm-disks gets a fresh guest with its disks.
tests=$(for t in selftests/*.sh; do [ -x "$t" ] && echo "$t"; done)
if [ -n "${CHECK_TESTS:-}" ]; then
	tests=$(for t in $CHECK_TESTS; do echo "selftests/$t.sh"; done)
fi
batched="" solo="" hosted=""
for t in $tests; do
	if grep -q '^# vm-host:' "$t"; then hosted="$hosted $t"
	elif grep -q '^# vm-disks:' "$t"; then solo="$solo $t"
	else batched="$batched $t"; fi
done

# Account for one selftest's output in FILE: its KTAP lines, its exit
# status, and any kernel problem seen while it ran.
account() {	# account NAME KERNEL FILE RC PROBLEM
	local before=$fail prefix="$1 ($2): "
	[ "$1" = kunit ] && prefix="kunit: "
	count_ktap "$3" "$prefix" || true
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
lane() {	# lane KERNEL
	local k=$1 list="" t name t0 rc
	# The debug lane is the longest and the last to start: the others
	# yield the CPUs to it and to the debug kernel's build.
	[ "$k" = debug ] || renice -n 10 -p "$BASHPID" >/dev/null
	for t in $batched; do runs_on "$t" "$k" && list="$list $t"; done
	[ "$k" = debug ] && list="selftests/vm/kunit.sh $list"
	if [ -n "$list" ]; then
		t0=$(date +%s)
		# shellcheck disable=SC2086
		selftests/vm/run-test --kernel "$k" --no-build --batch $list \
			>"$logs/batch-$k.out" 2>&1
		rc=$?
		echo "$rc $(( $(date +%s) - t0 ))" >"$logs/batch-$k.rc"
	fi
	# Selftests with disks of their own get a fresh guest each; those
	# that drive guests themselves (vm-host: power cuts) run on the host.
	for t in $solo $hosted; do
		runs_on "$t" "$k" || continue
		name=$(basename "$t" .sh)
		t0=$(date +%s)
		if grep -q '^# vm-host:' "$t"; then
			"$t" --kernel "$k" --no-build >"$logs/$name-$k.out" 2>&1
		else
			selftests/vm/run-test --kernel "$k" --no-build "$t" \
				>"$logs/$name-$k.out" 2>&1
		fi
		rc=$?
		echo "$rc $(( $(date +%s) - t0 ))" >"$logs/$name-$k.rc"
	done
}

# The lanes of the kernels that are ready start now; the debug lane once
# its kernel is built.
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
		result ok "debug kernel built ($(( $(date +%s) - started ))s after the start)"
		build_modules debug
		# checkpatch --strict over the kernel sources.
		# The debug kernel's build tree links to its source.
		cp_src=$debug_kdir/source/scripts/checkpatch.pl
		if [ -f "$cp_src" ]; then
			files=$(git ls-files 'drivers/*.c' 'drivers/*.h' 'include/uapi/*.h' 'compat/*.c')
			if [ -n "$files" ]; then
				log="$logs/checkpatch.log"
				# Out of tree, compat code must test the kernel version where no
				# feature can be tested (LINUX_VERSION_CODE >= KERNEL_VERSION()
				# also reads as a constant on the left to checkpatch).
				if perl "$cp_src" --no-tree --strict --terse --show-types \
					--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
					-f $files >"$log" 2>&1; then
					result ok "checkpatch --strict on kernel sources"
				else
					grep -E 'ERROR|WARNING|CHECK' "$log" | head -20
					result fail "checkpatch --strict on kernel sources" "log in $log"
				fi
			fi
		fi
		stage debug
		lane debug &
		lanes+=($!)
	else
		tail -20 "$logs/debug-kernel.log"
		result fail "debug kernel built" "log in $logs/debug-kernel.log"
	fi
fi
wait "${lanes[@]}"
echo "# selftests: $(( $(date +%s) - t0 ))s for all lanes"

for k in $kernels; do
	list=""
	for t in $batched; do
		if runs_on "$t" "$k"; then
			list="$list $t"
		else
			result skip "$(basename "$t" .sh) ($k)" "$(why_not "$t" "$k")"
		fi
	done
	[ "$k" = debug ] && list="selftests/vm/kunit.sh $list"
	[ -n "$list" ] || continue
	log="$logs/batch-$k.out"
	read -r brc secs 2>/dev/null <"$logs/batch-$k.rc" || brc=1 secs=0
	echo "# selftests in one $k guest: ${secs}s"
	before=$fail
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
			count_ktap "$out" "$name ($k): " || true
			result fail "$name ($k)" "the guest died during this test"
			continue
		fi
		rc=$(echo "$end" | sed -n 's/.* rc=\([0-9]*\) problem=.*/\1/p')
		problem=$(echo "$end" | sed -n 's/.* problem=//p')
		account "$name" "$k" "$out" "${rc:-1}" "$problem"
	done
	if [ "$brc" != 0 ] && [ $fail = "$before" ]; then
		grep '^run-vm:' "$log" | head -3
		result fail "selftest guest ($k)" "$(grep -m1 '^run-vm: .*FAILED' "$log" | cut -c1-200)"
	fi
done

for t in $solo $hosted; do
	name=$(basename "$t" .sh)
	for k in $kernels; do
		if ! runs_on "$t" "$k"; then
			result skip "$name ($k)" "$(why_not "$t" "$k")"
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

echo "# total time $(( $(date +%s) - started ))s"
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ $fail = 0 ]
