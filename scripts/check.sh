#!/bin/sh
# The whole test suite: a normal build, then the same suite built with
# AddressSanitizer and UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

if [ -f tests/e2e/package.json ]; then
	(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

scripts/build.sh build
(cd build && ctest -j"$jobs" --output-on-failure --timeout 900)

scripts/build.sh build-san -DKOUAN_SANITIZE=ON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-san && ctest -j"$jobs" --output-on-failure --timeout 1800)
