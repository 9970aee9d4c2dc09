#!/bin/bash
# Whole-process time of `kouan recognize` against `pdftotext -layout` on the
# same text declarations, with hyperfine. Not part of the tests.
#   bench/recognize.sh [BUILD_DIR]   (default build; ROUNDS=N, default 5)
#
# The machine is shared, and its load changes within seconds: one hyperfine
# run that times all of kouan's runs and then all of pdftotext's compares two
# different moments (the same binary read 0.45 to 0.78). So the two commands
# are timed in several short rounds, in turn (which goes first alternates),
# and the ratio is given per round: its median, and the spread.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/kouan
rounds=${ROUNDS:-5}
files=$(ls tests/fixtures/declarations/decl_0{0,1,2}*.pdf tests/fixtures/declarations/decl_030.pdf | sort -u | grep -v 'decl_000')
n=$(echo "$files" | wc -l)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
k="sh -c 'for f in $(echo $files); do $bin recognize \$f >/dev/null; done'"
p="sh -c 'for f in $(echo $files); do pdftotext -layout \$f - >/dev/null; done'"
for r in $(seq "$rounds"); do
	if [ $((r % 2)) -eq 1 ]; then first=$k second=$p; else first=$p second=$k; fi
	hyperfine -N --warmup 1 --runs 4 --export-json "$dir/$r.json" "$first" "$second" >/dev/null
done
python3 - "$dir" "$n" "$rounds" <<'PY'
import json, statistics, sys
d, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ks, ps, ratios = [], [], []
for r in range(1, rounds + 1):
    res = {("pdftotext" if "pdftotext" in x["command"] else "kouan"): x["mean"]
           for x in json.load(open("%s/%d.json" % (d, r)))["results"]}
    ks.append(res["kouan"]); ps.append(res["pdftotext"]); ratios.append(res["kouan"] / res["pdftotext"])
print("kouan recognize:   %.1f ms per file" % (statistics.median(ks) / n * 1000))
print("pdftotext -layout: %.1f ms per file" % (statistics.median(ps) / n * 1000))
print("ratio kouan/pdftotext: %.2f (median of %d rounds, %.2f to %.2f; goal <= 0.8)" % (
    statistics.median(ratios), rounds, min(ratios), max(ratios)))
PY
