#!/bin/bash
# The authenticated GET of one booking (issue 14's first figure) beside nginx
# serving a static file of the same size, with what each costs in CPU: on a
# machine shared with others the rates say how much of it each side got, the
# CPU per request says what it needs. Also the ceiling of the HTTP layer: our
# server's GET /livez (no session, no database, a constant answer) under the
# same load. Not part of the tests.
#   bench/get.sh [DURATION] [THREADS] [DB]   (10s 4 sqlite; THREADS: --threads
#   of kouan serve; DB: sqlite or a postgres:// URL of an empty database;
#   BENCH_PERF=FILE: a perf record of the server's GET load into FILE)
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s} threads=${2:-4} db=${3:-sqlite}
source bench/lib.sh
[ "$db" = sqlite ] && db="sqlite:$tmp/kouan.db"
pw=bench-password-1
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)

for u in "bench_ent --role enterprise --org 压测企业" "bench_bureau --role bureau"; do
	# shellcheck disable=SC2086
	echo "$pw" | "$bin" user add $u --db "$db" >/dev/null 2>&1
done
kouan_start "$db" --demo --threads "$threads"	# --demo: the option lists
read -r bc bx < <(kouan_login bench_bureau "$pw")
read -r ec ex < <(kouan_login bench_ent "$pw")
call() { curl -s -H "Cookie: kouan_session=$1" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' "${@:3}"; }
# a booking as proof.sh makes them: created, filled and submitted on an open day
call "$bc" "$bx" -o /dev/null -X PUT -d '{"grace_minutes":1440}' "$base/api/v1/capacity/defaults"
call "$bc" "$bx" -o /dev/null -X PUT -d "{\"date\":\"$tomorrow\",\"kind\":\"heavy_truck\",\"capacity\":100}" \
	"$base/api/v1/capacity"
id=$(call "$ec" "$ex" -d '{"kind":"heavy_truck"}' "$base/api/v1/bookings" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -n1)
call "$ec" "$ex" -o "$tmp/patch" -X PATCH -d "{\"clearance_mode\":\"一般申报\",\"cargo_type\":\"一般货物\",\
\"customs_warehouse\":\"国际物流园监管库\",\"contact\":\"13912345678\",\"transshipment_site_id\":1,\
\"crossing_date\":\"$tomorrow\",\"is_transit\":true,\"truck_count\":1,\"declaration_no\":\"940220260100000001\",\
\"plates\":[\"新F00001\"]}" "$base/api/v1/bookings/$id"
call "$ec" "$ex" -o "$tmp/submit" -X POST "$base/api/v1/bookings/$id/submit"
curl -s -H "Cookie: kouan_session=$ec" "$base/api/v1/bookings/$id" >"$tmp/booking.json"
size=$(stat -c %s "$tmp/booking.json")
grep -q '"state":"submitted"' "$tmp/booking.json" || { echo "get: the booking was not made" >&2; cat "$tmp/patch" "$tmp/submit" >&2; exit 1; }
nginx_static "$tmp/booking.json"

# run NAME PIDS -- WRK ARGS: wrk -t2 -c64 against one side; prints "req/s cpu_us_per_request wrk_cpu_us_per_request"
run() {
	local name=$1 pids=$2 s0 s1
	shift 3
	s0=$(for p in $pids; do cpu_s "$p"; done | awk '{ s += $1 } END { print s }')
	/usr/bin/time -f '%U %S' -o "$tmp/time.$name" wrk -t2 -c64 -d"$dur" "$@" >"$tmp/wrk.$name"
	s1=$(for p in $pids; do cpu_s "$p"; done | awk '{ s += $1 } END { print s }')
	if grep -q 'Non-2xx' "$tmp/wrk.$name"; then echo "get: $name had non-2xx answers" >&2; exit 1; fi
	awk -v s0="$s0" -v s1="$s1" -v w="$(awk '{ print $1 + $2 }' "$tmp/time.$name")" '
		/requests in/ { n = $1 } /Requests\/sec/ { r = $2 }
		END { printf "%.0f %.1f %.1f\n", r, 1e6 * (s1 - s0) / n, 1e6 * w / n }' "$tmp/wrk.$name"
}
echo "get: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), database ${db%%:*}, kouan --threads $threads"
# BENCH_PERF=FILE: perf record of the server during the GET of the booking (its CPU figure then includes perf's cost)
[ -n "${BENCH_PERF:-}" ] && { perf record -q ${BENCH_PERF_CALLS:--g} -p "$kpid" -o "$BENCH_PERF" -- sleep "${dur%s}" >/dev/null 2>&1 & }
read -r kr kc kw < <(run kouan "$kpid" -- -H "Cookie: kouan_session=$ec" "$base/api/v1/bookings/$id")
read -r lr lc lw < <(run livez "$kpid" -- "$base/livez")
read -r nr nc nw < <(run nginx "$(nginx_pids)" -- "http://127.0.0.1:$nport/booking.json")
printf '  GET /api/v1/bookings/%s (session), body %d bytes, wrk -t2 -c64 -d%s\n' "$id" "$size" "$dur"
printf '  %-34s %9s %16s %12s\n' "" "req/s" "server CPU/req" "wrk CPU/req"
printf '  %-34s %9.0f %13.1f us %9.1f us\n' "kouan GET of the booking" "$kr" "$kc" "$kw" \
	"kouan GET /livez (ceiling)" "$lr" "$lc" "$lw" "nginx static file, same size" "$nr" "$nc" "$nw"
printf '  ratio kouan/nginx: %.2f in req/s, %.2f in CPU per request (nginx/kouan; goal >= 0.80)\n' \
	"$(echo "$kr / $nr" | bc -l)" "$(echo "$nc / $kc" | bc -l)"
printf '  resident memory after the loads: kouan %.1f MiB, nginx (master + 2 workers) %.1f MiB\n' \
	"$(echo "$(rss_kib "$kpid") / 1024" | bc -l)" "$(echo "$(rss_kib $(nginx_pids)) / 1024" | bc -l)"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
