#!/bin/bash
# Gate scans per second of two binaries on the same prepared database, not part of the tests:
# bookings are made, approved and their codes fetched once (bench/proof.sh's book and release
# loads, by the first binary), the database is stopped and kept; then each round scans every
# code once with each binary in turn, on its own copy of that database, so that both scan the
# same codes on the same pages. Per binary and round: scans a second, the server's CPU a scan
# (/proc), and with BENCH_STMTS=1 SQLite statements (sqlite3_step, by a uprobe) and WAL writes
# (pwrite64) a scan; with BENCH_PERF=DIR, `perf record -g` of each scan load into DIR/perf.{baseline,this}.
#   bench/gate.sh BASELINE_BIN [ROUNDS] [BOOKING_SECONDS] [ENTERPRISES] [THREADS] [THIS_THREADS]
#   (KOUAN_BIN is the binary measured, build/kouan unless set; 3 rounds, 10 s, 64, --threads 4 for both)
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=$1 rounds=${2:-3} dur=${3:-10}s nent=${4:-64} threads=${5:-4} this_threads=${6:-${5:-4}}
source bench/lib.sh
[ -n "${BENCH_KEEP:-}" ] && trap '[ -n "$kpid" ] && kill "$kpid"; echo kept $tmp' EXIT
own=$bin
bin=$baseline
db="sqlite:$tmp/kouan.db"
pw=bench-password-1
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
add() { echo "$pw" | "$bin" user add "$@" --db "$db" >/dev/null 2>&1; }
for i in $(seq 0 $((nent - 1))); do add "bench_ent$i" --role enterprise --org "压测企业$i"; done
add bench_bureau --role bureau
add bench_gate --role gate
kouan_start "$db" --demo --threads "$threads" --db-pool 8
whpw=$(sed -n 's/.*username=demo_warehouse1 .*password=\([^ ]*\).*/\1/p' "$tmp/kouan.log" | head -n1)
read -r bc bx < <(kouan_login bench_bureau "$pw")
bureau=(-s -o /dev/null -w '%{http_code}' -H "Cookie: kouan_session=$bc" -H "X-CSRF-Token: $bx" -H 'Content-Type: application/json')
[ "$(curl "${bureau[@]}" -X PUT -d '{"grace_minutes":1440}' "$base/api/v1/capacity/defaults")" = 200 ]
[ "$(curl "${bureau[@]}" -X PUT -d "{\"date\":\"$tomorrow\",\"kind\":\"heavy_truck\",\"capacity\":100000}" \
	"$base/api/v1/capacity")" = 200 ]
for i in $(seq 0 $((nent - 1))); do kouan_login "bench_ent$i" "$pw"; done >"$tmp/enterprises"
wrk -t"$nent" -c"$nent" -d"$dur" -s bench/proof.lua "$base" -- book "$tmp/enterprises" "$tmp/booked" "$tomorrow" |
	grep '^book '
read -r wc wx < <(kouan_login demo_warehouse1 "$whpw")
approve_booked "$wc" "$wx" "$tmp"/booked.[0-9]*
# release: each thread stops when its ids are done; wrk itself is interrupted then
wrk -t"$nent" -c"$nent" -d600s -s bench/proof.lua "$base" -- release "$tmp/enterprises" "$tmp/booked" "$tomorrow" \
	>"$tmp/wrk.release" &
w=$!
until [ "$(ls "$tmp" | grep -c '\.release-done$')" -ge "$nent" ]; do sleep 0.1; done
kill -INT "$w"
wait "$w" || true
kill "$kpid"
wait "$kpid" || true
kpid=
mkdir "$tmp/kept"
cp "$tmp"/kouan.db* "$tmp/kept/"
codes=$(cat "$tmp"/booked.*.tokens | wc -l)
echo "gate: $codes codes of $nent enterprises kept; $(nproc) cores"

# gate_start DB THREADS: as kouan_start, with a longer wait (a loaded machine) and the log shown when it fails
gate_start() {
	kport=$(free_port)
	"$bin" serve --listen "127.0.0.1:$kport" --db "$1" --log-level warn --threads "$2" --db-pool 8 \
		2>"$tmp/r/kouan.log" &
	kpid=$!
	for _ in $(seq 600); do grep -q 'listening addr=' "$tmp/r/kouan.log" && break; sleep 0.1; done
	grep -q 'listening addr=' "$tmp/r/kouan.log" || { echo "gate: $bin did not start" >&2; cat "$tmp/r/kouan.log" >&2; exit 1; }
	base="http://127.0.0.1:$kport"
}
# scan BIN NAME: one round with BIN on a fresh copy; prints "scans seconds cpu_s steps writes"
scan() {
	local r=$tmp/r
	rm -rf "$r"
	mkdir "$r"
	cp "$tmp"/kept/* "$r/"
	cp "$tmp"/booked.*.tokens "$r/"
	bin=$1
	gate_start "sqlite:$r/kouan.db" "$([ "$2" = this ] && echo "$this_threads" || echo "$threads")"
	kouan_login bench_gate "$pw" >"$r/gate"
	local p= k0 k1
	if [ -n "${BENCH_STMTS:-}" ]; then
		perf stat -x, -o "$r/stat" -e probe_libsqlite3:sqlite3_step -e probe_libsqlite3:sqlite3WalFrames \
			-e syscalls:sys_enter_pwrite64 -p "$kpid" &
		p=$!
		sleep 1	# attached before the load starts
	fi
	local q=
	if [ -n "${BENCH_PERF:-}" ]; then
		perf record -g -q -p "$kpid" -o "$BENCH_PERF/perf.$2" 2>/dev/null &
		q=$!
	fi
	k0=$(cpu_s "$kpid")
	wrk -t"$nent" -c"$nent" -d600s -s bench/proof.lua "$base" -- scan "$r/gate" "$r/booked" "$tomorrow" >"$r/wrk" &
	local w=$!
	until [ "$(ls "$r" | grep -c '\.scan-done$')" -ge "$nent" ] || ! kill -0 "$w" 2>/dev/null; do sleep 0.02; done
	kill -INT "$w" 2>/dev/null || true
	wait "$w" || true
	k1=$(cpu_s "$kpid")
	[ -n "$p" ] && { kill -INT "$p"; wait "$p" || true; }
	[ -n "$q" ] && { kill -INT "$q"; wait "$q" || true; }
	kill "$kpid"
	wait "$kpid" || true
	kpid=
	grep -q 'failed=0 ' "$r/wrk" || echo "    $(grep '^scan ' "$r/wrk")" >&2
	local steps=0 commits=0 writes=0
	if [ -n "$p" ]; then
		steps=$(awk -F, '/sqlite3_step/ { print $1 }' "$r/stat")
		# the probe fires twice a commit: at the function and at libsqlite3's own PLT entry, which SQLite's
		# pager calls it through (a single scan alone: 2)
		commits=$(awk -F, '/sqlite3WalFrames/ { print $1 / 2 }' "$r/stat")
		writes=$(awk -F, '/pwrite64/ { print $1 }' "$r/stat")
	fi
	echo "$(sed -n 's/^scan ok=\([0-9]*\) .* seconds=\([0-9.]*\) .*/\1 \2/p' "$r/wrk") $(echo "$k1 - $k0" | bc -l) $steps $commits $writes"
}
report() {
	read -r n s c steps commits writes
	printf '  %-9s %6d scans in %6.2f s = %5.0f /s, server CPU %.3f ms a scan' "$1" "$n" "$s" "$(echo "$n / $s" | bc -l)" \
		"$(echo "1000 * $c / $n" | bc -l)"
	[ "$steps" != 0 ] && printf ', %.1f statements, %.2f commits, %.1f writes (WAL and checkpoint) a scan' \
		"$(echo "$steps / $n" | bc -l)" "$(echo "$commits / $n" | bc -l)" "$(echo "$writes / $n" | bc -l)"
	printf '   (load %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
}
if [ -n "${BENCH_STMTS:-}" ]; then
	for f in sqlite3_step sqlite3WalFrames; do
		perf probe -q -x "$(ldd "$own" | awk '/libsqlite3/ { print $3 }')" "$f" 2>/dev/null || true
	done
fi
for round in $(seq "$rounds"); do
	echo "round $round"
	scan "$baseline" baseline >"$tmp/round"
	report baseline <"$tmp/round"
	scan "$own" this >"$tmp/round"
	report this <"$tmp/round"
done
[ -n "${BENCH_STMTS:-}" ] && perf probe -q -d 'probe_libsqlite3:*' 2>/dev/null || true
