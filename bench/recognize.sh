#!/bin/bash
# Whole-process time of `kouan recognize` against `pdftotext -layout` on the
# same text declarations, in one hyperfine run. Not part of the tests.
#   bench/recognize.sh [BUILD_DIR]   (default build)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/kouan
files=$(ls tests/fixtures/declarations/decl_0{0,1,2}*.pdf tests/fixtures/declarations/decl_030.pdf | sort -u | grep -v 'decl_000')
n=$(echo "$files" | wc -l)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
hyperfine -N --warmup 2 --runs 10 --export-json "$out" \
	"sh -c 'for f in $(echo $files); do $bin recognize \$f >/dev/null; done'" \
	"sh -c 'for f in $(echo $files); do pdftotext -layout \$f - >/dev/null; done'" >/dev/null
python3 - "$out" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
k, p = r[0]["mean"], r[1]["mean"]
n = int(sys.argv[2])
print("kouan recognize:   %.1f ms per file" % (k / n * 1000))
print("pdftotext -layout: %.1f ms per file" % (p / n * 1000))
print("ratio kouan/pdftotext: %.2f (goal <= 0.8)" % (k / p))
PY
