#!/bin/sh
# Every benchmark, each beside its baseline in the same run (./kouan.sh bench).
set -eu
cd "$(dirname "$0")/.."
echo "== HTTP: authenticated GET /api/v1/me against nginx"
bench/http.sh 10s
echo "== Text declarations: kouan recognize against pdftotext -layout"
bench/recognize.sh build
echo "== Scanned declarations: kouan recognize against the tesseract command"
bench/recognize_scan.sh build
echo "== VIN spreadsheet, 5,000 rows"
bench/vins.sh build
echo "== GET of a booking against nginx, CPU per request, and our /livez as the HTTP layer's ceiling"
bench/get.sh 10s
echo "== Bookings created+submitted/s over 64 enterprises, gate scans/s, GET of a booking and memory against nginx"
bench/proof.sh 10s 64
echo "== The same with SQLite synchronous=FULL"
bench/proof.sh 10s 64 sqlite FULL
echo "== Peak memory of each command beside its baseline"
bench/memory.sh build
echo "== Booking form in Chromium: keystroke in a 300-row commodity-vehicle booking to the updated row"
node bench/booking_rows.mjs build
echo "== Search and list pages over many bookings, SQLite and PostgreSQL (KOUAN_MILLION bookings, 100,000 unless set; the README's figures: 1,000,000)"
bench/million.sh "${KOUAN_MILLION:-100000}" 5s
