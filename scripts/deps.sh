#!/bin/sh
# Install the Debian packages Kouan needs, idempotently.
#   scripts/deps.sh run     what building and running the platform needs
#   scripts/deps.sh check   plus what the test suite needs (PostgreSQL, Chromium, Node, clang)
#   scripts/deps.sh bench   plus the benchmark baselines (nginx, wrk, pdftotext, hyperfine)
#   scripts/deps.sh list GROUP   print that group's packages, one a line, and install nothing
#                                (tests/scripts/run_build_deps.sh reads the run list this way)
# Each list is one string of package names, any spacing: add a name to the list that needs it.
set -eu
group=${1:-run}

RUN="build-essential cmake pkg-config ca-certificates
 libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libcurl4-openssl-dev
 libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev libharfbuzz-dev
 libfreetype-dev libjpeg-dev zlib1g-dev libbrotli-dev
 libtesseract-dev libleptonica-dev tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-rus
 libqrencode-dev libpng-dev libzbar-dev liboath-dev
 libxlsxwriter-dev libzip-dev libexpat1-dev libfreexl-dev libutf8proc-dev
 postgresql"
CHECK="libcmocka-dev clang libclang-rt-14-dev python3 chromium fonts-wqy-microhei zbar-tools
 nginx-light systemd strace curl"
BENCH="wrk iproute2 poppler-utils hyperfine tesseract-ocr gnumeric bc qpdf mupdf-tools ghostscript"

list=""
[ "$group" = list ] && { list=1; group=${2:-}; }
case $group in
run) want=$RUN ;;
check) want="$RUN $CHECK" ;;
bench) want="$RUN $CHECK $BENCH" ;;
*) echo "usage: $0 run|check|bench, or $0 list run|check|bench" >&2; exit 2 ;;
esac
if [ -n "$list" ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $want
	exit 0
fi

# Node.js may come from elsewhere with npm bundled; Debian's own packages otherwise.
if [ "$group" != run ] && ! command -v npm >/dev/null 2>&1; then
	want="$want nodejs npm"
fi
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
