#!/bin/bash
# `./kouan.sh run` installs only `scripts/deps.sh run`, then builds. This test configures a second
# tree the way it does (scripts/build.sh --run, configure only, CMake's calls traced) and fails if
# that build would take a file from a package outside the run list and its dependencies, or if it
# enters tests/ or fuzz/ (tests/tools/run_deps.py says how it looks). No fresh machine needed; for
# the real thing see HACKING.md (fresh-debian.sh).
set -u
: "${KOUAN_SOURCE_DIR:?}"
cd "$KOUAN_SOURCE_DIR"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The configuration below must be the one kouan.sh runs.
run_build=$(sed -n '/^run)/,/;;/p' kouan.sh | grep 'scripts/build.sh')
if [ "$(echo $run_build)" != "scripts/build.sh --run build-run" ]; then
	echo "FAIL: kouan.sh run builds with '$run_build', not 'scripts/build.sh --run build-run': update this test" >&2
	exit 1
fi

scripts/deps.sh list run >"$tmp/run.list" || { echo "FAIL: scripts/deps.sh list run" >&2; exit 1; }
if ! KOUAN_CONFIGURE_ONLY=1 scripts/build.sh --run "$tmp/tree" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
	--trace-expand --trace-format=json-v1 --trace-redirect="$tmp/trace.json" 2>"$tmp/cmake.err"; then
	echo "FAIL: the run tree does not configure here:" >&2
	cat "$tmp/cmake.err" >&2
	exit 1
fi
"$PY" tests/tools/run_deps.py "$KOUAN_SOURCE_DIR" "$tmp/tree" "$tmp/trace.json" "$tmp/run.list"
