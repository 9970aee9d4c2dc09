#!/bin/sh
# Times `kouan vins` on the 5,000-row fixture (whole process), beside the
# converters that could do the reading part, where they are installed:
#   bench/vins.sh [BUILD_DIR]        (default build)
# Not part of the test suite.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/kouan
file=tests/fixtures/vins/vins_5000.xlsx
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh build)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

set -- "$bin vins $file"
if command -v ssconvert >/dev/null; then
	set -- "$@" "ssconvert --export-type=Gnumeric_stf:stf_csv $file $out/ssconvert.csv"
fi
for office in libreoffice soffice; do
	if command -v $office >/dev/null; then
		set -- "$@" "$office --headless --convert-to csv --outdir $out $file"
		break
	fi
done
[ $# -eq 1 ] && echo "(neither ssconvert nor libreoffice is installed: timing kouan alone)"
hyperfine -N --warmup 3 --min-runs 30 "$@"
