#!/bin/bash
# kouan vins / kouan vin-template: every fixture imported exactly, the error
# codes on files that must be refused (made here, in a temp dir), and the
# template reading back empty.
set -u
: "${KOUAN_BIN:?}" "${KOUAN_SOURCE_DIR:?}"
cd "$KOUAN_SOURCE_DIR"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

"$PY" tests/tools/score.py vins --cmd "$KOUAN_BIN vins {}" tests/fixtures/vins > "$tmp/score.txt"
cat "$tmp/score.txt"
n=$(ls tests/fixtures/vins/*.expected.json | wc -l)
grep -q "^vins: $n/$n files imported exactly" "$tmp/score.txt" || { echo "FAIL: not every fixture exact"; fail=1; }

# The rejected values must be the cells as written, not only row and reason.
for exp in tests/fixtures/vins/*.expected.json; do
	stem=${exp%.expected.json}
	file=$(ls "$stem".* | grep -v '\.json$' | head -1)
	"$KOUAN_BIN" vins "$file" > "$tmp/out.json"
	"$PY" - "$exp" "$tmp/out.json" <<'PY' || { echo "FAIL: $file differs"; fail=1; }
import json, sys
want, got = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
sys.exit(0 if want["vins"] == got["vins"] and want["rejected"] == got["rejected"] else 1)
PY
done

# expect CODE FILE: exit 1 and {"error":{"code":CODE,...}} with a message
expect() {
	local code=$1 file=$2 out rc
	out=$("$KOUAN_BIN" vins "$file" 2>"$tmp/err.txt")
	rc=$?
	if [ $rc -ne 1 ] || ! printf '%s' "$out" | "$PY" -c '
import json, sys
e = json.load(sys.stdin)["error"]
sys.exit(0 if e["code"] == sys.argv[1] and e["message"] else 1)' "$code"; then
		echo "FAIL: $(basename "$file"): want $code (exit 1), got exit $rc: $out $(cat "$tmp/err.txt")"
		fail=1
	fi
}

: > "$tmp/empty.csv"
expect empty_file "$tmp/empty.csv"
printf ' \r\n\t\n' > "$tmp/blank.xlsx"
expect empty_file "$tmp/blank.xlsx"
printf '\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89' > "$tmp/image.xlsx"
expect not_spreadsheet "$tmp/image.xlsx"
cat > "$tmp/letter.csv" <<'TXT'
Dear customer, the declaration 940220240000224219 was received.
We will check it tomorrow; the trucks, as agreed, leave on Monday.
Regards
TXT
expect not_spreadsheet "$tmp/letter.csv"
"$PY" - "$tmp" <<'PY'
import sys, zipfile
d = sys.argv[1]
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def book(path, sheet, method=zipfile.ZIP_DEFLATED, extra=0):
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr("xl/workbook.xml", "<workbook %s/>" % ns)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for i in range(extra):
            z.writestr("xl/media/f%d.bin" % i, "")
# a workbook whose header has no VIN column
book(d + "/novin.xlsx", '<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c>'
     '<c r="B1" t="inlineStr"><is><t>车牌号</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row></sheetData></worksheet>' % ns)
# a zip bomb: 300 MB of blanks deflate to a few hundred KB
with zipfile.ZipFile(d + "/bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", "<workbook %s/>" % ns)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b"<worksheet><sheetData>")
        block = b" " * (1 << 20)
        for _ in range(300):
            f.write(block)
        f.write(b"</sheetData></worksheet>")
# too many members
book(d + "/entries.xlsx", "<worksheet/>", zipfile.ZIP_STORED, extra=5000)
# 10,001 VIN rows (the limit is 10,000), as .xlsx and as .csv
rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>VIN</t></is></c></row>']
rows += ['<row r="%d"><c r="A%d" t="inlineStr"><is><t>LVBV2PE16SN258042</t></is></c></row>' % (i, i) for i in range(2, 10003)]
book(d + "/rows.xlsx", "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (ns, "".join(rows)))
open(d + "/rows.csv", "w").write("VIN\n" + "LVBV2PE16SN258042\n" * 10001)
open(d + "/rows_ok.csv", "w").write("VIN\n" + "LVBV2PE16SN258042\n" * 10000)
PY
ls -l "$tmp/bomb.xlsx" | awk '{print "bomb.xlsx is", $5, "bytes"}'
expect no_vin_column "$tmp/novin.xlsx"
expect resource_limit "$tmp/bomb.xlsx"
expect resource_limit "$tmp/entries.xlsx"
expect too_many_rows "$tmp/rows.xlsx"
expect too_many_rows "$tmp/rows.csv"
"$KOUAN_BIN" vins "$tmp/rows_ok.csv" > /dev/null || { echo "FAIL: 10,000 rows refused"; fail=1; }
# other languages for the message
"$KOUAN_BIN" vins --lang en "$tmp/empty.csv" | grep -q '"The file is empty"' || { echo "FAIL: --lang en"; fail=1; }

# usage and I/O errors: exit 2, a message on stderr
for args in "" "$tmp/missing.xlsx" "--bogus $tmp/empty.csv" "--lang xx $tmp/empty.csv"; do
	# shellcheck disable=SC2086
	"$KOUAN_BIN" vins $args > /dev/null 2> "$tmp/err.txt"
	rc=$?
	[ $rc -eq 2 ] && [ -s "$tmp/err.txt" ] || { echo "FAIL: 'kouan vins $args' exit $rc"; fail=1; }
done

# the template: reads back as an empty list (the header is found under the note)
"$KOUAN_BIN" vin-template "$tmp/template.xlsx" || { echo "FAIL: vin-template"; fail=1; }
out=$("$KOUAN_BIN" vins "$tmp/template.xlsx")
[ "$out" = '{"vins": [], "rejected": []}' ] || [ "$out" = '{"vins":[],"rejected":[]}' ] ||
	{ echo "FAIL: template reads back as $out"; fail=1; }
"$PY" - "$tmp/template.xlsx" <<'PY' || { echo "FAIL: template layout"; fail=1; }
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert 'name="车架号"' in z.read("xl/workbook.xml").decode()
sheet = z.read("xl/worksheets/sheet1.xml").decode()
strings = z.read("xl/sharedStrings.xml").decode()
for text in ("序号", "VIN", "17", "I、O、Q", "10000"):
    assert text in strings, text
assert re.search(r'<c r="A2"[^>]*t="s"', sheet) and re.search(r'<c r="B2"[^>]*t="s"', sheet), "header in row 2"
assert '<mergeCell ref="A1:B1"/>' in sheet, "note row merged over A1:B1"
assert 'numFmtId="49"' in z.read("xl/styles.xml").decode(), "text format @"
PY
"$KOUAN_BIN" vin-template /nonexistent/dir/t.xlsx 2> /dev/null && { echo "FAIL: vin-template to a bad path"; fail=1; }

[ $fail -eq 0 ] && echo "vins.sh: all checks passed"
exit $fail
