#!/bin/bash
# Scanned declarations: time `kouan recognize` (render + deskew + OCR + form)
# and `kouan ocr` (the page image alone) against the tesseract command on the
# same 200 dpi page image (OMP_THREAD_LIMIT=1 tesseract page.png out -l chi_sim).
# Goal: ratio kouan/tesseract <= 1.0. Not part of the tests.
#   bench/recognize_scan.sh [BUILD_DIR] [PDF...]   (default: the scanned fixtures)
# BENCH_CPU=1 times CPU (user + sys) instead of wall-clock: steadier on a
# machine shared with other jobs (wall-clock pages vary by +-20 % there).
set -eu
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build}")/kouan
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(python3 - <<'PY'
import glob, json
for j in sorted(glob.glob("tests/fixtures/declarations/*.json")):
    if (json.load(open(j, encoding="utf-8")).get("document") or {}).get("scanned"):
        print(j[:-5] + ".pdf")
PY
)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_THREAD_LIMIT=1
if [ "${BENCH_CPU:-0}" = 1 ]; then
	ms() { /usr/bin/time -f "%U %S" -o "$tmp/cpu" "$@" >/dev/null 2>&1 || true; tail -n 1 "$tmp/cpu" | awk '{printf "%d\n", ($1 + $2) * 1000}'; }
else
	ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
fi
best() { local a b; a=$(ms "$@"); b=$(ms "$@"); echo $((a < b ? a : b)); }	# best of two runs
printf "%-16s %6s %8s %10s %6s %6s\n" page pages tess_ms recog_ms ocr_ms ratio
tr=0; tk=0; to=0
for f in "${files[@]}"; do
	name=$(basename "$f" .pdf)
	pdftoppm -r 200 -gray -png "$f" "$tmp/$name"
	t=0; o=0; n=0
	for png in "$tmp/$name"-*.png; do
		t=$((t + $(best tesseract "$png" "$tmp/out" -l chi_sim)))
		o=$((o + $(best "$bin" ocr --dpi 200 "$png")))
		n=$((n + 1))
	done
	k=$(best "$bin" recognize "$f")
	printf "%-16s %6d %8d %10d %6d %6.2f\n" "$name" "$n" "$t" "$k" "$o" "$(echo "$k / $t" | bc -l)"
	tr=$((tr + t)); tk=$((tk + k)); to=$((to + o))
done
printf "total: tesseract %d ms, kouan recognize %d ms (ratio %.2f), kouan ocr %d ms (ratio %.2f); goal <= 1.0\n" \
	"$tr" "$tk" "$(echo "$tk / $tr" | bc -l)" "$to" "$(echo "$to / $tr" | bc -l)"
