#!/bin/sh
# Read every scan of a set with one binary and keep each output, for tools/scans/score.py.
#   tools/scans/run.sh BIN SETDIR OUTDIR [JOBS]
# OUTDIR gets <name>.json (the binary's `recognize` output) for each SETDIR/<name>.pdf; JOBS at once
# (default 2), each limited to 60 s of CPU.
set -eu
bin=$(realpath "$1") set=$2 out=$3 jobs=${4:-2}
mkdir -p "$out"
ls "$set"/*.pdf | xargs -P "$jobs" -I{} sh -c \
	'b=$(basename "{}" .pdf); ulimit -t 60; "$0" recognize "{}" > "$1/$b.json" 2>/dev/null || true' "$bin" "$out"
