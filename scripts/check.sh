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
		if perl "$cp_src" --no-tree --strict --terse --show-types -f $files >"$log" 2>&1; then
			result ok "checkpatch --strict on kernel sources"
		else
			grep -E 'ERROR|WARNING|CHECK' "$log" | head -20
			result fail "checkpatch --strict on kernel sources" "log in $log"
		fi
	fi
fi

# 2. Tool unit tests (host).
log="$logs/tools-test.log"
make -s -C tools test >"$log" 2>&1
trc=$?
count_ktap "$log" "tools: " || result fail "tools: unit tests" "no results"
[ $trc = 0 ] || { grep -v '^ok' "$log" | tail -10; result fail "tools: unit tests exit status" "exit $trc"; }

# Stage the project (make install) once per kernel for the guests.
for k in $kernels; do
	if ! selftests/vm/run-test --kernel "$k" -- true >"$logs/stage-$k.out" 2>&1; then
		cat "$logs/stage-$k.out"
		result fail "guest boots the $k kernel with the project installed"
	fi
done

# 3. KUnit suites on the debug kernel.
case " $kernels " in
*" debug "*)
	log="$logs/kunit.log"
	if selftests/vm/run-test --kernel debug --no-build --timeout 900 selftests/vm/kunit.sh >"$log" 2>&1; then
		krc=0
	else
		krc=1
	fi
	count_ktap "$log" "kunit: " || result fail "kunit: suites" "no results"
	[ $krc = 0 ] || { tail -20 "$log"; result fail "kunit: run" "log in $log"; }
	;;
esac

# 4. Selftests, each on every kernel, each in a fresh guest.
tests=$(ls selftests/*.sh 2>/dev/null)
if [ -n "${CHECK_TESTS:-}" ]; then
	tests=$(for t in $CHECK_TESTS; do echo "selftests/$t.sh"; done)
fi
for t in $tests; do
	name=$(basename "$t" .sh)
	for k in $kernels; do
		log="$logs/$name-$k.out"
		t0=$(date +%s)
		selftests/vm/run-test --kernel "$k" --no-build "$t" >"$log" 2>&1
		rc=$?
		echo "# $name ($k): $(( $(date +%s) - t0 ))s"
		before=$fail
		count_ktap "$log" "$name ($k): " || true
		if [ $rc != 0 ] && [ $fail = "$before" ]; then
			grep '^run-vm:' "$log" | head -3
			tail -5 "$log"
			result fail "$name ($k)" "$(grep -m1 '^run-vm: .*FAILED' "$log" | cut -c1-200)"
		elif [ $rc != 0 ]; then
			grep -E '^run-vm:|^not ok' "$log" | head -10
		fi
	done
done

echo "# total time $(( $(date +%s) - started ))s"
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ $fail = 0 ]
