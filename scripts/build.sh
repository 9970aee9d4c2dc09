#!/bin/sh
# Configure and build one build tree; the tests are on or off explicitly every time, so that
# switching between the two kinds never inherits the other's setting from a CMake cache.
#   scripts/build.sh DIR [cmake options...]         a development tree with the tests (build, build-san)
#   scripts/build.sh --run DIR [cmake options...]   the tree `./kouan.sh run` serves from (build-run):
#                                                   no tests, so only what `scripts/deps.sh run` installs
# KOUAN_CONFIGURE_ONLY=1 stops after configuring (tests/scripts/run_build_deps.sh configures a run tree).
set -eu
kind="-DKOUAN_TESTS=ON"
if [ "${1:-}" = --run ]; then
	kind="-DKOUAN_TESTS=OFF -DKOUAN_FUZZ=OFF"
	shift
fi
dir=${1:-build}
[ $# -gt 0 ] && shift
# shellcheck disable=SC2086
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo $kind "$@" >/dev/null
[ -n "${KOUAN_CONFIGURE_ONLY:-}" ] && exit 0
cmake --build "$dir" -j"$(nproc)"
