#!/bin/bash
# CPU of two binaries' `recognize` on scans against the tesseract command, per scanner class.
#   tools/scans/time.sh BIN_A BIN_B PDF...
# Each scan: user + sys CPU, best of two, of `BIN recognize` for both binaries, and of
# `tesseract page.png out -l chi_sim` on its pages rendered at 200 dpi grey (as bench/recognize_scan.sh,
# OMP_THREAD_LIMIT=1); totals per class (the _s150b… suffix) and in all, as ratios to tesseract's.
# Run with nothing else on the machine: one scan's figures vary by ±15 % from run to run.
set -eu
a=$1 b=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_THREAD_LIMIT=1
ms() { /usr/bin/time -f "%U %S" -o "$tmp/cpu" "$@" >/dev/null 2>&1 || true; tail -n 1 "$tmp/cpu" | awk '{printf "%d\n", ($1 + $2) * 1000}'; }
best() { local x y; x=$(ms "$@"); y=$(ms "$@"); echo $((x < y ? x : y)); }
declare -A T A B
for f in "$@"; do
	n=$(basename "$f" .pdf)
	c=${n##*_s}
	pdftoppm -r 200 -gray -png "$f" "$tmp/$n"
	t=0
	for p in "$tmp/$n"-*.png; do
		t=$((t + $(best tesseract "$p" "$tmp/out" -l chi_sim)))
	done
	ka=$(best "$a" recognize "$f")
	kb=$(best "$b" recognize "$f")
	T[$c]=$((${T[$c]:-0} + t)) A[$c]=$((${A[$c]:-0} + ka)) B[$c]=$((${B[$c]:-0} + kb))
	echo "$n tesseract $t ms, A $ka ms, B $kb ms"
done
tt=0 ta=0 tb=0
for c in "${!T[@]}"; do
	printf "%s: tesseract %d ms, A %.2f, B %.2f\n" "$c" "${T[$c]}" "$(echo "${A[$c]} / ${T[$c]}" | bc -l)" \
		"$(echo "${B[$c]} / ${T[$c]}" | bc -l)"
	tt=$((tt + T[$c])) ta=$((ta + A[$c])) tb=$((tb + B[$c]))
done
printf "all: tesseract %d ms, A %d ms (%.2f), B %d ms (%.2f)\n" "$tt" "$ta" "$(echo "$ta / $tt" | bc -l)" "$tb" \
	"$(echo "$tb / $tt" | bc -l)"
