#!/bin/sh
# Runs the whole test suite, as CI does: set-up, then `make check` in the
# normal build and again in the sanitizer build (ASan + UBSan). Ends with
# the line "N passed, N failed" counted over every test point of both.
set -u
cd "$(dirname "$0")/.."

sh scripts/setup.sh --tests || exit 2
sh scripts/setup.sh --sanitizers || exit 2

status=0
for b in build build-asan; do
	echo "== make check in $b" >&2
	if [ "$b" = build-asan ]; then
		export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
		export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
		export DUMPTRACE_SANITIZED=1
	fi
	make -C "$b" -s -j"$(nproc)" check >"$b/check.out" 2>&1 || status=1
	grep -aE '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):|^# (TOTAL|PASS|SKIP|FAIL|ERROR)' "$b/check.out" |
		grep -vE '^(PASS|SKIP|XFAIL):' >&2 || true
	grep -aE '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$b/check.out" >&2 || true
done

# Count test points from the drivers' .trs files of both builds.
passed=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
failed=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
skipped=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -cE '^:test-result: (SKIP|XFAIL)')
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
