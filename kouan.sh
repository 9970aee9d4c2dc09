#!/bin/sh
# Kouan's two set-up commands, for a fresh Debian 12 machine as root:
#   ./kouan.sh run     install what is missing, build, start the platform on SQLite with demo data
#   ./kouan.sh check   install what is missing, build, run every test (also under ASan/UBSan)
# and, outside the test command:
#   ./kouan.sh bench   the benchmarks in bench/, side by side with their baselines
set -eu
cd "$(dirname "$0")"
case "${1:-}" in
run)
	scripts/deps.sh run
	scripts/build.sh --run build-run
	mkdir -p var
	exec build-run/kouan serve --demo
	;;
check)
	scripts/deps.sh check
	exec scripts/check.sh
	;;
bench)
	scripts/deps.sh bench
	scripts/build.sh build
	exec bench/run.sh
	;;
*)
	echo "usage: ./kouan.sh run|check|bench" >&2
	exit 2
	;;
esac
