#!/bin/bash
# make check: build (W=1, sparse) for both kernels, tool unit tests, KUnit
# suites on the debug kernel, then every selftest on both kernels.
#
# Every test prints a KTAP-style `ok N - name` / `not ok N - name` line; the
# last line of the run is `N passed, N failed[, N skipped]`.
#
#   CHECK_KERNELS="stock debug"   kernels to run the selftests on
#   CHECK_TESTS="podnet_basic"    only these selftests (names without .sh)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs="$top/build/logs"
mkdir -p "$logs"
kernels=${CHECK_KERNELS:-stock debug}
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

# The debug kernel is built once and cached outside the repository.
debug_kdir=""
case " $kernels " in
*" debug "*)
	echo "# debug kernel: $(selftests/vm/build-debug-kernel.sh --print)"
	if debug_kdir=$(selftests/vm/build-debug-kernel.sh 2>"$logs/debug-kernel.log"); then
		result ok "debug kernel built ($(( $(date +%s) - started ))s)"
	else
		tail -20 "$logs/debug-kernel.log"
		result fail "debug kernel built"
		debug_kdir=""
	fi ;;
esac

# 1. Build: modules for each kernel with W=1 and sparse, tools, zero warnings.
for k in $kernels; do
	case $k in
	stock) kdir=/lib/modules/$(scripts/kver.sh)/build ;;
	debug) kdir=$debug_kdir; [ -n "$kdir" ] || { result fail "build: modules ($k)" "no kernel"; continue; } ;;
	esac
	log="$logs/build-modules-$k.log"
	rm -rf "build/$(scripts/kver.sh "$kdir")"
	if make -s KDIR="$kdir" modules >"$log" 2>&1; then
		w=$(grep -cE 'warning:|error:' "$log")
		if [ "$w" = 0 ]; then
			result ok "build: modules ($k, W=1 C=1) without warnings"
		else
			grep -E 'warning:|error:' "$log" | head -20
			result fail "build: modules ($k, W=1 C=1) without warnings" "$w warnings"
		fi
	else
		tail -30 "$log"
		result fail "build: modules ($k, W=1 C=1)" "build failed, log in $log"
	fi
done
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

# checkpatch --strict over the kernel sources.
cp_src=$(ls -d /var/cache/podkit/src-*/scripts/checkpatch.pl 2>/dev/null | head -1)
if [ -n "$cp_src" ]; then
	files=$(git ls-files 'drivers/*.c' 'drivers/*.h' 'include/uapi/*.h')
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

# DKMS: the package builds against the stock kernel's headers.  This runs on
# the host (building needs no module loading); selftests/dkms_build.sh does
# the whole add/build/install/modprobe cycle in a guest, but compiling under
# TCG takes longer than make check can afford.
if command -v dkms >/dev/null; then
	log="$logs/dkms.log"
	dk=$(mktemp -d)
	dver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	dname=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
	mkdir -p "$dk/src/$dname-$dver" "$dk/tree"
	git ls-files -z Kbuild Makefile dkms.conf drivers include scripts/kver.sh |
		xargs -0 cp --parents -t "$dk/src/$dname-$dver"
	dkv=$(scripts/kver.sh)
	if { dkms add -m "$dname" -v "$dver" --sourcetree "$dk/src" --dkmstree "$dk/tree" &&
	     dkms build -m "$dname" -v "$dver" -k "$dkv" --sourcetree "$dk/src" --dkmstree "$dk/tree"; } >"$log" 2>&1 &&
	   [ -n "$(find "$dk/tree" -name 'podnet.ko*')" ] && [ -n "$(find "$dk/tree" -name 'podvol.ko*')" ]; then
		result ok "dkms: package $dname-$dver builds podnet and podvol for $dkv"
	else
		tail -20 "$log"
		result fail "dkms: package $dname-$dver builds for $dkv" "log in $log"
	fi
	rm -rf "$dk"
fi

# 2. Tool unit tests (host).
log="$logs/tools-test.log"
make -s -C tools test >"$log" 2>&1
trc=$?
count_ktap "$log" "tools: " || result fail "tools: unit tests" "no results"
[ $trc = 0 ] || { grep -v '^ok' "$log" | tail -10; result fail "tools: unit tests exit status" "exit $trc"; }

# Stage the project (make install) once per kernel for the guests.
for k in $kernels; do
	if ! selftests/vm/run-test --kernel "$k" --build-only >"$logs/stage-$k.out" 2>&1; then
		tail -20 "$logs/stage-$k.out"
		result fail "make install into the $k kernel's staging root"
	fi
done

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

# A selftest may limit itself with "# vm-kernels: stock" (the debug kernel
# is several times slower under TCG); the others are reported as skipped.
runs_on() {	# runs_on TEST KERNEL
	local ks
	ks=$(sed -n 's/^# vm-kernels: *//p' "$1" | head -1)
	[ -z "$ks" ] || [[ " $ks " == *" $2 "* ]]
}

# The kernels' lanes run side by side.  A lane is a chain of guests whose
# tests are shell scripts, one process at a time, so it keeps about one of
# the machine's CPUs busy: two lanes take little longer than the slower one.
# A lane only writes logs; they are accounted for afterwards, in order.
lane() {	# lane KERNEL
	local k=$1 list="" t name t0 rc
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

rm -f "$logs"/*.rc
t0=$(date +%s)
for k in $kernels; do lane "$k" & done
wait
echo "# selftests: $(( $(date +%s) - t0 ))s for both lanes"

for k in $kernels; do
	list=""
	for t in $batched; do
		if runs_on "$t" "$k"; then
			list="$list $t"
		else
			result skip "$(basename "$t" .sh) ($k)" "vm-kernels: $(sed -n 's/^# vm-kernels: *//p' "$t" | head -1)"
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
			result skip "$name ($k)" "vm-kernels: $(sed -n 's/^# vm-kernels: *//p' "$t" | head -1)"
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
