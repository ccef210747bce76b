#!/bin/sh
# Runs the whole test suite, as CI does: set-up with warnings as errors,
# then `make check` in the normal build and again in the sanitizer build
# (ASan + UBSan), then `make distcheck` in the normal build (the release
# tarball builds, without a warning, and passes its own make check). Ends
# with the line "N passed, N failed, N skipped" counted over every test
# point of both builds, distcheck being one more point, and a build of the
# tests that fails one more failure.
set -u
cd "$(dirname "$0")/.."

sh scripts/setup.sh --tests --werror || exit 2
sh scripts/setup.sh --sanitizers --werror || exit 2

status=0
more_passed=0
more_failed=0
point() { # point EXIT-STATUS NAME LOG: a test point of this script's own
	if [ "$1" -eq 0 ]; then
		more_passed=$((more_passed + 1))
	else
		more_failed=$((more_failed + 1))
		echo "FAIL: $2 (the end of $3:)" >&2
		tail -n 30 "$3" | sed 's/^/    /' >&2
	fi
}

for b in build build-asan; do
	echo "== make check in $b" >&2
	san=""
	if [ "$b" = build-asan ]; then
		san="ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1"
		san="$san UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 DUMPTRACE_SANITIZED=1"
		san="$san LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp" # FreeXL's own leak
	fi
	rm -f "$b"/tests/*/*.trs
	# the test programs first: one of them that does not build is a failure
	if ! make -C "$b" -s -j"$(nproc)" check TESTS= >"$b/check-build.out" 2>&1; then
		point 1 "the tests' build in $b" "$b/check-build.out"
		continue
	fi
	env $san make -C "$b" -s -j"$(nproc)" check >"$b/check.out" 2>&1 || status=1
	grep -aE '^(FAIL|ERROR|XPASS):' "$b/check.out" >&2 || true
	grep -aE '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$b/check.out" >&2 || true
done

# The tarball: everything make check needs is in it, and it builds with
# -Werror. Its make check runs the whole suite once more (about 3 minutes
# on 2 cores, the corpus tests skipped unless CORPORA is exported).
echo "== make distcheck in build" >&2
make -C build -s -j"$(nproc)" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >build/distcheck.out 2>&1
point $? "make distcheck" build/distcheck.out
grep -aE '^(FAIL|ERROR|XPASS):' build/distcheck.out >&2 || true
grep -aE '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' build/distcheck.out >&2 || true

# Count test points from the drivers' .trs files of both builds.
passed=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
failed=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
skipped=$(cat build/tests/*/*.trs build-asan/tests/*/*.trs 2>/dev/null | grep -cE '^:test-result: (SKIP|XFAIL)')
passed=$((passed + more_passed))
failed=$((failed + more_failed))
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
