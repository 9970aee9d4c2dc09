#!/bin/bash
# kouan recognize on the fixtures: every text declaration read (core fields,
# VINs), every bad file refused with its class, usage errors exit 2.
set -u -o pipefail
: "${KOUAN_BIN:?}" "${KOUAN_SOURCE_DIR:?}"
PY=python3
command -v python3 >/dev/null 2>&1 || PY=/usr/bin/python3
cd "$KOUAN_SOURCE_DIR" || exit 2
fail=0

$PY tests/tools/score.py recognize --only text --min-core 1.0 --min-all 0.99 --show 10 \
	--cmd "$KOUAN_BIN recognize {}" tests/fixtures/declarations | tail -n 12 || fail=1
# declarations bundled with a contract, an invoice and a packing list (issue 15): read as
# the declaration alone, the other papers' pages skipped; two declarations refused
$PY tests/tools/score.py recognize --min-core 1.0 --min-all 0.99 --show 10 \
	--cmd "$KOUAN_BIN recognize {}" tests/fixtures/bundles | tail -n 1 || fail=1
out=$("$KOUAN_BIN" recognize tests/fixtures/bundles/two_010_005.pdf); st=$?
[ $st -eq 1 ] || { echo "two declarations: exit $st"; fail=1; }
echo "$out" | grep -q '"code": "multiple_declarations"' || { echo "two declarations: $out"; fail=1; }
$PY tests/tools/score.py bad --cmd "$KOUAN_BIN recognize {}" tests/fixtures/bad tests/fixtures/real || fail=1

# the answer is one JSON object with confidences and warnings
out=$("$KOUAN_BIN" recognize tests/fixtures/declarations/decl_028.pdf) || fail=1
echo "$out" | $PY -c '
import json, sys
d = json.load(sys.stdin)
assert all(0 <= v <= 1 for v in d["confidence"].values()), "confidence out of range"
assert "vins.0" in d["confidence"] and "items.0.qty" in d["confidence"]
codes = [w["code"] for w in d["warnings"]]
assert "vehicle_count_mismatch" in codes, codes   # 11 vehicles, 10 VINs
' || fail=1

# refusals: exit 1 and an error object, in the language asked for
out=$("$KOUAN_BIN" recognize --lang en tests/fixtures/bad/empty.pdf); st=$?
[ $st -eq 1 ] || { echo "empty file: exit $st"; fail=1; }
echo "$out" | grep -q '"code": "empty_file"' || { echo "empty file: $out"; fail=1; }

# usage and I/O errors: exit 2, message on stderr, nothing on stdout
for args in "" "--bogus x.pdf" "/nonexistent/file.pdf" "--lang xx a.pdf"; do
	out=$("$KOUAN_BIN" recognize $args 2>/dev/null); st=$?
	[ $st -eq 2 ] && [ -z "$out" ] || { echo "'recognize $args': exit $st, stdout '$out'"; fail=1; }
done

# the fuzzers' seeds and findings never crash the command
for f in fuzz/corpus/pdf/* fuzz/regress/pdf/*; do
	[ -f "$f" ] || continue
	(ulimit -t 30; exec "$KOUAN_BIN" recognize "$f") >/dev/null 2>&1; st=$?	# 30 s of CPU, not of clock
	[ $st -le 2 ] || { echo "$f: exit $st"; fail=1; }
done
exit $fail
