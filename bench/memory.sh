#!/bin/bash
# Peak memory (largest resident set over the files) of each kouan command
# beside its baseline in the same run. Not part of the tests.
#   bench/memory.sh [BUILD_DIR]        (default build)
# The server's memory idle and under 64 busy connections, beside nginx's, is in bench/proof.sh (and after
# the load in bench/http.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build}")/kouan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_THREAD_LIMIT=1
rss() { python3 bench/peak_rss.py -- "$@"; }
# worst of kouan and of the baseline over a list of pairs, read from stdin as "kouan_kib base_kib"
report() {
	awk -v what="$1" -v base="$2" '{ if ($1 > k) k = $1; if ($2 > b) b = $2; n++ }
		END { printf "  %-30s kouan %7.1f MiB   %-18s %7.1f MiB   ratio %.2f   (%d files)\n", what, k / 1024, base, b / 1024, k / b, n }'
}

echo "peak resident memory, worst file"
for f in tests/fixtures/declarations/decl_0*.pdf; do
	grep -q '"scanned": *true' "${f%.pdf}.json" && continue
	rss "$bin" recognize "$f" :: pdftotext -layout "$f" - | paste -sd' '
done | report "text declarations" "pdftotext -layout"

for f in tests/fixtures/declarations/decl_0*.pdf; do
	grep -q '"scanned": *true' "${f%.pdf}.json" || continue
	name=$(basename "$f" .pdf)
	pdftoppm -r 200 -gray -png -f 1 -l 1 "$f" "$tmp/$name"	# kouan frees each page before the next
	rss "$bin" recognize "$f" :: tesseract "$tmp/$name"-1.png "$tmp/out" -l chi_sim | paste -sd' '
done | report "scanned declarations, a page" "tesseract"

xlsx=tests/fixtures/vins/vins_5000.xlsx
if command -v ssconvert >/dev/null; then
	rss "$bin" vins "$xlsx" :: ssconvert --export-type=Gnumeric_stf:stf_csv "$xlsx" "$tmp/v.csv" | paste -sd' ' |
		report "VIN sheet, 5,000 rows" "ssconvert"
fi
