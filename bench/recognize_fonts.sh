#!/bin/bash
# Whole-process time of `kouan recognize` against `pdftotext -layout`, per
# font class, with the method of bench/recognize.sh (short hyperfine rounds,
# the two commands in turn, the median of the per-round ratios). Not part of
# the tests.
#   bench/recognize_fonts.sh [BUILD_DIR]   (default build; ROUNDS=N, default 5)
# Classes: simple (the shared fixtures: TrueType subsets with /Widths and
# /ToUnicode), CID (tools/gen2 prints in WenQuanYi and AR PL: CID TrueType)
# and Type 3 (tools/gen2 prints in Noto CJK: Chromium writes dozens of Type 3
# fonts per page).
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/kouan
rounds=${ROUNDS:-5}
gen=tests/fixtures/gen2
class_files() {
	case $1 in
	simple) ls tests/fixtures/declarations/decl_0{0,1,2}*.pdf | grep -v decl_000 ;;
	cid) grep -l -E '"font:(WenQuanYi|AR PL)' $gen/g2_*.json | grep -v '_s[0-9]' | sed 's/json$/pdf/' ;;
	type3) grep -l '"font:Noto' $gen/g2_*.json | grep -v '_s[0-9]' | sed 's/json$/pdf/' ;;
	esac
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for class in simple cid type3; do
	files=$(class_files $class | sort -u)
	n=$(echo "$files" | wc -l)
	k="sh -c 'for f in $(echo $files); do $bin recognize \$f >/dev/null; done'"
	p="sh -c 'for f in $(echo $files); do pdftotext -layout \$f - >/dev/null; done'"
	for r in $(seq "$rounds"); do
		if [ $((r % 2)) -eq 1 ]; then first=$k second=$p; else first=$p second=$k; fi
		hyperfine -N --warmup 1 --runs 4 --export-json "$dir/$class.$r.json" "$first" "$second" >/dev/null
	done
	python3 - "$dir" "$class" "$n" "$rounds" <<'PY'
import json, statistics, sys
d, cls, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ks, ps, ratios = [], [], []
for r in range(1, rounds + 1):
    res = {("pdftotext" if "pdftotext" in x["command"] else "kouan"): x["mean"]
           for x in json.load(open("%s/%s.%d.json" % (d, cls, r)))["results"]}
    ks.append(res["kouan"]); ps.append(res["pdftotext"]); ratios.append(res["kouan"] / res["pdftotext"])
print("%-7s %2d files: kouan %.1f ms, pdftotext %.1f ms per file, ratio %.2f (median of %d rounds, %.2f to %.2f; goal <= 0.8)"
      % (cls, n, statistics.median(ks) / n * 1000, statistics.median(ps) / n * 1000,
         statistics.median(ratios), rounds, min(ratios), max(ratios)))
PY
done
