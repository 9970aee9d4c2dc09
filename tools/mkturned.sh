#!/bin/bash
# mkturned.sh OUT NNN... : scans of text declarations lying every way up (issue 15).
# For each declaration decl_NNN (tests/fixtures/declarations) one pipeline —
# pdftoppm at a resolution, tools/mkscan.c with a skew, grey or black and white —
# makes the page upright and turned 90, 180 and 270 degrees clockwise, each with
# the same few degrees of skew, so that only the turn differs:
#   OUT/up/decl_NNN_<dpi>_<mode>.pdf  and  OUT/turned/decl_NNN_<angle>_<dpi>_<mode>.pdf
# each beside its ground truth (the declaration's JSON, marked scanned).
# Resolution, mode and skew go round with the declaration's number.
# Needs poppler-utils and build/mkscan (cc -O2 -o build/mkscan tools/mkscan.c $(pkg-config --cflags --libs lept) -lm).
set -eu -o pipefail
[ $# -ge 2 ] || { echo "usage: $0 OUT NNN..." >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1; shift
mkdir -p "$out/up" "$out/turned"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpis=(200 300 150 200)
modes=(grey bw grey 40)
skews=(0.8 -1.5 2.5 -3.0)
truth() {	# truth SRC.json DST.json: the ground truth, marked as a scan
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d.setdefault("document", {})["scanned"] = True
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
}
for n in "$@"; do
	k=$((10#$n % 4))
	dpi=${dpis[$k]} mode=${modes[$k]} skew=${skews[$k]}
	src="$here/tests/fixtures/declarations/decl_$n"
	pdftoppm -r "$dpi" -gray -png "$src.pdf" "$tmp/p$n"
	arg=$mode; [ "$mode" = grey ] && arg=55
	"$here/build/mkscan" "$tmp/p$n-1.png" "$out/up/decl_${n}_${dpi}_$mode.pdf" "$dpi" "$skew" "$arg"
	truth "$src.json" "$out/up/decl_${n}_${dpi}_$mode.json"
	for turn in 90 180 270; do
		angle=$(python3 -c "print($turn + $skew)")
		"$here/build/mkscan" "$tmp/p$n-1.png" "$out/turned/decl_${n}_${turn}_${dpi}_$mode.pdf" "$dpi" "$angle" "$arg"
		truth "$src.json" "$out/turned/decl_${n}_${turn}_${dpi}_$mode.json"
	done
done
