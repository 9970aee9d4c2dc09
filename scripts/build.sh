#!/bin/sh
# Configure and build one build tree: scripts/build.sh DIR [cmake options...]
set -eu
dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
