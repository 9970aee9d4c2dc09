#!/bin/bash
# kouan recognize on declarations from the second, independent generator
# (tools/gen2, tests/fixtures/gen2): text PDFs in layouts, fonts (Type 3
# included) and label wordings of its own, and image-only scans of two of
# them. Reads only the committed PDFs.
set -u -o pipefail
: "${KOUAN_BIN:?}" "${KOUAN_SOURCE_DIR:?}"
PY=python3
command -v python3 >/dev/null 2>&1 || PY=/usr/bin/python3
cd "$KOUAN_SOURCE_DIR" || exit 2
fail=0
dir=tests/fixtures/gen2
n=$(ls $dir/*.pdf 2>/dev/null | wc -l)
[ "$n" -ge 12 ] || { echo "gen2: $n PDFs, expected 12"; exit 1; }

# text: every core field, and no value wrong at confidence >= 0.9
$PY tests/tools/score.py recognize --only text --min-core 1.0 --min-all 0.99 --max-sure-wrong 0 --show 20 \
	--cmd "$KOUAN_BIN recognize {}" $dir | tail -n 8 || fail=1

# scans (150 dpi 1-bit and grey, 200 dpi 1-bit): a floor below what was
# measured when the set was made (see the branch report), and no value wrong
# at confidence >= 0.9; --time-limit: a loaded machine must not fail on time
$PY tests/tools/score.py recognize --only scanned --min-core "${KOUAN_GEN2_SCAN_MIN_CORE:-0.60}" \
	--max-sure-wrong "${KOUAN_GEN2_SCAN_MAX_SURE_WRONG:-0}" --show 0 --timeout 300 \
	--cmd "$KOUAN_BIN recognize --time-limit 120 {}" $dir | tail -n 8 || fail=1
exit $fail
