#!/bin/bash
# Issue 14's figures, not part of the tests:
#   1. bookings created, filled and submitted per second over ENTERPRISES enterprises;
#   2. gate scans per second, verify + record a passage, of those bookings once approved;
#   3. an authenticated GET of a booking under wrk, beside nginx serving a static file of the same size;
#   4. the server's resident memory idle and under the GET load, beside nginx's.
# The load is wrk with bench/proof.lua: one connection per wrk thread, ENTERPRISES of them.
#   bench/proof.sh [DURATION] [ENTERPRISES] [DB] [SYNCHRONOUS]   (10s 64 sqlite; DB: sqlite or
#   a postgres:// URL of an empty database; SYNCHRONOUS: FULL for SQLite's synchronous=FULL)
# BENCH_PERF=DIR records the server with `perf record -g` during each load into DIR/perf.MODE.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s} nent=${2:-64} db=${3:-sqlite} sync=${4:-}
source bench/lib.sh
[ "$db" = sqlite ] && db="sqlite:$tmp/kouan.db"
pw=bench-password-1
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)

add() { echo "$pw" | "$bin" user add "$@" --db "$db" >/dev/null 2>&1; }
# Each enterprise its own organisation; every account hashes its password (argon2id), so this takes a while.
for i in $(seq 0 $((nent - 1))); do add "bench_ent$i" --role enterprise --org "压测企业$i"; done
add bench_bureau --role bureau
add bench_gate --role gate
[ -n "$sync" ] && export KOUAN_SQLITE_SYNCHRONOUS=$sync
kouan_start "$db" --demo --threads 4 --db-pool 8
# PostgreSQL on this machine: its CPU per operation too
pgpid=
[ "${db%%:*}" != sqlite ] && { pgpid=$(pg_postmaster "$db") || pgpid=; }
whpw=$(sed -n 's/.*username=demo_warehouse1 .*password=\([^ ]*\).*/\1/p' "$tmp/kouan.log" | head -n1)
idle_kib=$(rss_kib "$kpid")

echo "proof: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), database ${db%%:*}${sync:+, synchronous=$sync}"
# the bureau opens tomorrow wide, with a day's grace, so that no cap stops the load
read -r bc bx < <(kouan_login bench_bureau "$pw")
bureau=(-s -o /dev/null -w '%{http_code}' -H "Cookie: kouan_session=$bc" -H "X-CSRF-Token: $bx" -H 'Content-Type: application/json')
[ "$(curl "${bureau[@]}" -X PUT -d '{"grace_minutes":1440}' "$base/api/v1/capacity/defaults")" = 200 ]
[ "$(curl "${bureau[@]}" -X PUT -d "{\"date\":\"$tomorrow\",\"kind\":\"heavy_truck\",\"capacity\":100000}" \
	"$base/api/v1/capacity")" = 200 ]
for i in $(seq 0 $((nent - 1))); do kouan_login "bench_ent$i" "$pw"; done >"$tmp/enterprises"

# load MODE DURATION SESSIONS: bench/proof.lua's summary line; release and scan end when each thread is done.
# The CPU seconds the server and wrk used go to $tmp/cpu.MODE ("server client"): on a machine shared with
# others the rate says little, the CPU per operation says what 2 cores of our own would do.
load() {
	local k0 k1 p0=0 p1=0
	k0=$(cpu_s "$kpid")
	[ -n "$pgpid" ] && p0=$(pg_cpu_s "$pgpid")
	local p=
	if [ -n "${BENCH_PERF:-}" ]; then
		perf record -g -q -p "$kpid" -o "$BENCH_PERF/perf.$1" 2>/dev/null &
		p=$!
	fi
	/usr/bin/time -f '%U %S' -o "$tmp/time.$1" \
		wrk -t"$nent" -c"$nent" -d"$2" -s bench/proof.lua "$base" -- "$1" "$3" "$tmp/booked" "$tomorrow" >"$tmp/wrk.$1" &
	local w=$!
	if [ "$1" != book ]; then
		until [ "$(ls "$tmp" | grep -c "\.$1-done\$")" -ge "$nent" ] || ! kill -0 "$w" 2>/dev/null; do sleep 0.02; done
		kill -INT $(pgrep -P "$w") 2>/dev/null || true	# wrk itself: time(1) ignores SIGINT
	fi
	wait "$w" || true
	k1=$(cpu_s "$kpid")
	if [ -n "$p" ]; then kill -INT "$p"; wait "$p" || true; fi
	[ -n "$pgpid" ] && p1=$(pg_cpu_s "$pgpid")
	echo "$(echo "$k1 - $k0" | bc -l) $(awk '{ print $1 + $2 }' "$tmp/time.$1") $(echo "$p1 - $p0" | bc -l)" >"$tmp/cpu.$1"
	grep "^$1 " "$tmp/wrk.$1"
}
# per MODE COUNT: CPU milliseconds per operation of the server and of wrk, and what 2 cores would do;
# with PostgreSQL on this machine its processes' too, counted in both figures
per() {
	read -r ks ws ps <"$tmp/cpu.$1"
	local all
	all=$(echo "$ks + $ps" | bc -l)
	printf '    CPU per operation: server %.3f ms, wrk %.3f ms' "$(echo "1000 * $ks / $2" | bc -l)" "$(echo "1000 * $ws / $2" | bc -l)"
	[ -n "$pgpid" ] && printf ', postgres %.3f ms' "$(echo "1000 * $ps / $2" | bc -l)"
	printf ' -> 2 cores of our own: %.0f /s (server%s and wrk), %.0f /s (server%s alone)\n' \
		"$(echo "2 * $2 / ($all + $ws)" | bc -l)" "${pgpid:+, postgres}" "$(echo "2 * $2 / $all" | bc -l)" "${pgpid:+ and postgres}"
}
figure() { sed -n 's/.* ok=\([0-9]*\) .* seconds=\([0-9.]*\) .*/\1 \2/p'; }

# 1. bookings: create -> fill -> submit, each enterprise on its own connection
b=$(load book "$dur" "$tmp/enterprises")
read -r nb bs < <(echo "$b" | figure)
printf '  bookings created+filled+submitted: %d in %.2f s = %.0f /s (%.0f requests/s)   (goal >= 2000 /s)\n' \
	"$nb" "$bs" "$(echo "$nb / $bs" | bc -l)" "$(echo "3 * $nb / $bs" | bc -l)"
per book "$nb"
echo "$b" | grep -q 'failed=0 ' || echo "    $b"

# 2. gate scans: approve (warehouse 1, untimed) and fetch each code, then scan each once
read -r wc wx < <(kouan_login demo_warehouse1 "$whpw")
approve_booked "$wc" "$wx" "$tmp"/booked.[0-9]*
load release 600s "$tmp/enterprises" >/dev/null
kouan_login bench_gate "$pw" >"$tmp/gate"
g=$(load scan 600s "$tmp/gate")
read -r ng gs < <(echo "$g" | figure)
printf '  gate scans (verify + record the passage, green): %d in %.2f s = %.0f /s   (goal >= 5000 /s)\n' \
	"$ng" "$gs" "$(echo "$ng / $gs" | bc -l)"
per scan "$ng"
echo "$g" | grep -q 'failed=0 ' || echo "    $g"

# 3. GET of one of those bookings, with its enterprise's session, beside nginx
read -r cookie _ <"$tmp/enterprises"
id=$(head -n1 "$tmp/booked.0")
curl -s -H "Cookie: kouan_session=$cookie" "$base/api/v1/bookings/$id" >"$tmp/booking.json"
size=$(stat -c %s "$tmp/booking.json")
[ "$size" -gt 200 ] || { echo "proof: GET of the booking failed" >&2; exit 1; }
nginx_static "$tmp/booking.json"
nginx_idle_kib=$(rss_kib $(nginx_pids))
# resident memory sampled halfway through each load
busy() { sleep "$(echo "${dur%s} / 2" | bc -l)"; rss_kib "$@" >"$tmp/busy"; }
# the CPU seconds of the processes named (kouan; nginx's master and workers), summed
cpu_of() { for p in "$@"; do cpu_s "$p"; done | awk '{ s += $1 } END { print s }'; }
# microseconds of CPU per request: CPU0 CPU1 WRK_OUTPUT
us_per_request() { awk -v c="$(echo "$2 - $1" | bc -l)" '/requests in/ { printf "%.1f", 1e6 * c / $1 }' "$3"; }
c0=$(cpu_of "$kpid")
wrk -t2 -c64 -d"$dur" -H "Cookie: kouan_session=$cookie" "$base/api/v1/bookings/$id" >"$tmp/wrk-kouan" &
busy "$kpid"
wait $!
kus=$(us_per_request "$c0" "$(cpu_of "$kpid")" "$tmp/wrk-kouan")
k=$(wrk_rate <"$tmp/wrk-kouan")
kouan_busy_kib=$(cat "$tmp/busy")
c0=$(cpu_of $(nginx_pids))
wrk -t2 -c64 -d"$dur" "http://127.0.0.1:$nport/booking.json" >"$tmp/wrk-nginx" &
busy $(nginx_pids)
wait $!
nus=$(us_per_request "$c0" "$(cpu_of $(nginx_pids))" "$tmp/wrk-nginx")
n=$(wrk_rate <"$tmp/wrk-nginx")
nginx_busy_kib=$(cat "$tmp/busy")
non2xx=$(grep -c 'Non-2xx' "$tmp/wrk-kouan" || true)
printf '  GET /api/v1/bookings/%s (session), body %d bytes, wrk -t2 -c64 -d%s\n' "$id" "$size" "$dur"
printf '    kouan %10.0f req/s%s, %.1f us CPU a request\n    nginx %10.0f req/s (static file, same size), %.1f us CPU a request\n' \
	"$k" "$([ "$non2xx" = 0 ] || echo '  (non-2xx answers!)')" "$kus" "$n" "$nus"
printf '    ratio %10.2f in req/s, %.2f in CPU a request (nginx / kouan)   (goal >= 0.80)\n' \
	"$(echo "$k / $n" | bc -l)" "$(echo "$nus / $kus" | bc -l)"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# 4. resident memory: kouan's one process; nginx's master and 2 workers together
printf '  resident memory idle: kouan %.1f MiB (before any login), nginx %.1f MiB\n' \
	"$(echo "$idle_kib / 1024" | bc -l)" "$(echo "$nginx_idle_kib / 1024" | bc -l)"
printf '  resident memory under 64 busy connections (the GET load): kouan %.1f MiB, nginx %.1f MiB, ratio %.2f\n' \
	"$(echo "$kouan_busy_kib / 1024" | bc -l)" "$(echo "$nginx_busy_kib / 1024" | bc -l)" \
	"$(echo "$kouan_busy_kib / $nginx_busy_kib" | bc -l)"
