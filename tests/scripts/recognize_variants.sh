#!/bin/bash
# kouan recognize on declarations it was not tuned on: the same documents
# printed in other layouts by Chromium (tools/mkvariant.py: label：value on one
# line, values beside labels, the pre-2018 labels, no ruling, A4 portrait) and
# re-written with the form turned on the sheet (tools/reproduce.sh rot0,
# rot180). Reads only the committed PDFs in tests/fixtures/variants.
set -u -o pipefail
: "${KOUAN_BIN:?}" "${KOUAN_SOURCE_DIR:?}"
PY=python3
command -v python3 >/dev/null 2>&1 || PY=/usr/bin/python3
cd "$KOUAN_SOURCE_DIR" || exit 2
n=$(ls tests/fixtures/variants/*.pdf 2>/dev/null | wc -l)
[ "$n" -ge 20 ] || { echo "variants: $n PDFs, expected 20"; exit 1; }
# floor: what the reader reached when the set was made (every core field,
# every scored field of all 20 files)
$PY tests/tools/score.py recognize --min-core 1.0 --min-all 0.99 --show 20 \
	--cmd "$KOUAN_BIN recognize {}" tests/fixtures/variants | tail -n 22
