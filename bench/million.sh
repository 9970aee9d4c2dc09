#!/bin/bash
# Search and list pages with many bookings in the database (issue 14), not part of the tests:
#   bench/million.sh make DB COUNT             a database with COUNT bookings (bench/million.py), and how long it took
#   bench/million.sh measure DB [DURATION]     p50/p99 of each query over HTTP (wrk --latency), per role
#   bench/million.sh cpu DB [REQUESTS]         CPU time per request of each query (the server's, and on PostgreSQL
#                                              the cluster's processes'), REQUESTS (40) one after another: what the
#                                              machine's load inflates least
#   bench/million.sh [COUNT] [DURATION]        both, on SQLite and on PostgreSQL, in a folder removed after
#                                              (./kouan.sh bench runs 100000 5s; the README's figures: 1000000)
# DB: a SQLite file path, or a folder for a throwaway PostgreSQL cluster (tests/pg.sh) holding its URL.
# KOUAN_BIN: the server measured (build/kouan, as ./kouan.sh bench builds it: RelWithDebInfo, -O2).
# MILLION_CONNS: wrk connections (4). MILLION_BASE_BIN: a baseline server measured beside it, query by query,
# on the same database or on MILLION_BASE_DB (a copy of the same rows: a schema change measured against the old).
# MILLION_ONLY: measure only the queries whose name holds it ("approvals": the approvals queue).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${KOUAN_BIN:-build/kouan}
pw=bench-password-1
conns=${MILLION_CONNS:-4}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
db_url() { if [ -d "$1" ]; then cat "$1/url"; else echo "sqlite:$1"; fi; }

# A server of BIN on URL in the background until "listening"; prints its pid and address.
start_server() {
	local sbin=$1 url=$2 port log
	port=$(free_port)
	log=$(mktemp)
	"$sbin" serve --listen "127.0.0.1:$port" --db "$url" "${@:3}" --log-level warn >/dev/null 2>"$log" &
	local pid=$!
	for _ in $(seq 600); do grep -q 'listening addr=' "$log" && break; sleep 0.1; done
	grep -q 'listening addr=' "$log" || { cat "$log" >&2; kill "$pid"; exit 1; }
	rm -f "$log"
	echo "$pid http://127.0.0.1:$port"
}
# The measured server (sets kpid, base) and, with MILLION_BASE_BIN, the baseline beside it on the same
# database (kpid2, base2): each query is measured on both in turn, so that the machine's load is shared.
serve() {
	read -r kpid base < <(start_server "$bin" "$@")
	kpid2="" base2=""
	if [ -n "${MILLION_BASE_BIN:-}" ]; then
		local url2=$1
		[ -n "${MILLION_BASE_DB:-}" ] && url2=$(db_url "$MILLION_BASE_DB")
		read -r kpid2 base2 < <(start_server "$MILLION_BASE_BIN" "$url2")
	fi
	trap 'kill $kpid $kpid2 2>/dev/null || true' EXIT
}
stop() {
	kill $kpid $kpid2
	while kill -0 $kpid 2>/dev/null || { [ -n "$kpid2" ] && kill -0 $kpid2 2>/dev/null; }; do sleep 0.1; done
}

make_db() {
	local db=$1 count=$2 url t0
	if [[ $db != *.db ]]; then
		tests/pg.sh start "$db" >/dev/null
	fi
	url=$(db_url "$db")
	serve "$url" --demo	# migrate, demo sites and warehouses
	stop
	echo "$pw" | "$bin" user add bench_ent --role enterprise --org 压测企业0000 --db "$url" >/dev/null 2>&1
	echo "$pw" | "$bin" user add bench_bureau --role bureau --db "$url" >/dev/null 2>&1
	echo "$pw" | "$bin" user add bench_wh --role warehouse --org 丝路通达物流有限公司 --db "$url" >/dev/null 2>&1
	t0=$(date +%s.%N)
	if [[ $db == *.db ]]; then
		nice -n 10 python3 bench/million.py sqlite "$db" "$count"
	else
		local dir
		dir=$(mktemp -d)
		chmod 755 "$dir"
		nice -n 10 python3 bench/million.py pg "$url" "$dir" "$count" >"$dir/load.sql"
		nice -n 10 psql -Xq "$url" -f "$dir/load.sql" >/dev/null
		rm -rf "$dir"
	fi
	printf 'million: %s bookings made in %.0f s on %s (load average %s)\n' "$count" \
		"$(echo "$(date +%s.%N) - $t0" | bc)" "${url%%:*}" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# One query's figures on one server: "p50 p99" from wrk --latency, or a note when too slow for it.
wrk_one() {
	local url=$1 cookie=$2 code took out
	read -r code took < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: kouan_session=$cookie" "$url")
	if [ "$code" != 200 ]; then
		printf 'answered %s after %.2f s' "$code" "$took"
	elif [ "$(echo "$took > 1" | bc)" = 1 ]; then	# it would outlast wrk's run: timed alone
		printf 'one request %.2f s' "$took"
	else
		out=$(wrk -t1 -c"$conns" -d"$dur" --latency -H "Cookie: kouan_session=$cookie" "$url")
		printf 'p50 %8s  p99 %8s' "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
		grep -q 'Non-2xx' <<<"$out" && printf ' (non-2xx answers!)'
	fi
	return 0
}

# CPU seconds (user + system) of the processes named, in clock ticks.
ticks() {
	local t=0 p
	for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
	echo "$t"
}
# The PostgreSQL cluster's processes (none for SQLite: its queries run in the server).
cluster_pids() {
	local pm
	[ -d "$db" ] || return 0
	pm=$(head -n1 "$(cat "$db/cluster")/data/postmaster.pid" 2>/dev/null) || return 0
	echo "$pm" "$(pgrep -P "$pm" | tr '\n' ' ')"
}
# One query's CPU per request on one server (PID): "server X ms" and, on PostgreSQL, "database Y ms".
cpu_one() {
	local url=$1 cookie=$2 pid=$3 n=${requests:-40} s0 d0 s1 d1 code i
	local -a pg
	for i in 1 2 3; do curl -s -o /dev/null -H "Cookie: kouan_session=$cookie" "$url"; done
	read -ra pg <<<"$(cluster_pids)"
	s0=$(ticks "$pid") d0=$(ticks "${pg[@]}")
	for ((i = 0; i < n; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: kouan_session=$cookie" "$url")
	done
	s1=$(ticks "$pid") d1=$(ticks "${pg[@]}")
	printf 'server %5.2f ms' "$(echo "($s1 - $s0) * 1000 / $(getconf CLK_TCK) / $n" | bc -l)"
	[ ${#pg[@]} -gt 0 ] && printf '  database %5.2f ms' "$(echo "($d1 - $d0) * 1000 / $(getconf CLK_TCK) / $n" | bc -l)"
	[ "$code" = 200 ] || printf ' (answered %s)' "$code"
	return 0
}
one() {
	if [ "$mode" = cpu ]; then cpu_one "$1" "$2" "$3"; else wrk_one "$1" "$2"; fi
}

# measure_one NAME COOKIE PATH [BASELINE_COOKIE]
measure_one() {
	local name=$1 cookie=$2 path=$3
	[[ $name == *"${MILLION_ONLY:-}"* ]] || return 0
	printf '  %-26s %-30s' "$name" "$(one "$base$path" "$cookie" "$kpid")"
	[ -n "$base2" ] && printf '  baseline %-30s' "$(one "$base2$path" "${4:-$cookie}" "$kpid2")"
	printf '  %s\n' "$path"
}

# login USER [SERVER]: its session cookie on the measured server (or SERVER)
login() {
	curl -s -c - -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$pw\"}" \
		"${2:-$base}/api/v1/session" | awk '$6 == "kouan_session" {print $7}'
}

# Search terms drawn from the data: the enterprise's own newest VIN, plate and declaration number.
sql() { if [[ $url == sqlite:* ]]; then sqlite3 "${url#sqlite:}" "$1"; else psql -XAtq "$url" -c "$1"; fi; }

measure() {
	local ent bureau wh org vin plate decl mid
	db=$1
	url=$(db_url "$db")
	dur=${2:-10s}
	serve "$url"
	ent=$(login bench_ent) bureau=$(login bench_bureau) wh=$(login bench_wh)
	local ent2=$ent bureau2=$bureau wh2=$wh	# the baseline's sessions: its own when on its own database
	if [ -n "$base2" ] && [ -n "${MILLION_BASE_DB:-}" ]; then
		ent2=$(login bench_ent "$base2") bureau2=$(login bench_bureau "$base2") wh2=$(login bench_wh "$base2")
	fi
	org=$(sql "SELECT org_id FROM users WHERE username = 'bench_ent'")
	vin=$(sql "SELECT v.vin FROM booking_vehicles v JOIN bookings b ON b.id = v.booking_id WHERE b.org_id = $org ORDER BY b.id LIMIT 1")
	plate=$(sql "SELECT p.plate FROM booking_plates p JOIN bookings b ON b.id = p.booking_id WHERE b.org_id = $org AND p.plate LIKE '新%' ORDER BY b.id LIMIT 1")
	decl=$(sql "SELECT declaration_digits FROM bookings WHERE org_id = $org ORDER BY id LIMIT 1")
	mid=$(sql "SELECT (MIN(id) + MAX(id)) / 2 FROM bookings")
	echo "million: $(sql 'SELECT COUNT(*) FROM bookings') bookings, $(sql 'SELECT COUNT(*) FROM booking_vehicles') vehicles," \
		"$(sql 'SELECT COUNT(*) FROM booking_plates') plates, $(sql 'SELECT COUNT(*) FROM booking_history') history rows;" \
		"bench_ent's organisation $(sql "SELECT COUNT(*) FROM bookings WHERE org_id = $org"); ${url%%:*};" \
		"$([ "$mode" = cpu ] && echo "CPU per request over $requests" || echo "wrk -t1 -c$conns -d$dur");" \
		"$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	for who in enterprise bureau; do
		local c=$ent c2=$ent2
		[ $who = bureau ] && c=$bureau c2=$bureau2
		echo " $who:"
		measure_one "list, first page" "$c" "/api/v1/bookings" "$c2"
		measure_one "list, cursor half-way" "$c" "/api/v1/bookings?cursor=$mid" "$c2"
		measure_one "list, submitted" "$c" "/api/v1/bookings?state=submitted" "$c2"
		measure_one "VIN, whole" "$c" "/api/v1/bookings?q=$vin" "$c2"
		measure_one "VIN, model prefix (8)" "$c" "/api/v1/bookings?q=${vin:0:8}" "$c2"
		measure_one "VIN, maker prefix (4)" "$c" "/api/v1/bookings?q=${vin:0:4}" "$c2"
		measure_one "plate, whole" "$c" "/api/v1/bookings?q=$(urlenc "$plate")" "$c2"
		measure_one "plate, prefix (4)" "$c" "/api/v1/bookings?q=$(urlenc "${plate:0:4}")" "$c2"
		measure_one "declaration, whole" "$c" "/api/v1/bookings?q=$decl" "$c2"
		measure_one "declaration, prefix (8)" "$c" "/api/v1/bookings?q=${decl:0:8}" "$c2"
		measure_one "declaration, prefix (4)" "$c" "/api/v1/bookings?q=${decl:0:4}" "$c2"
	done
	echo " bureau:"
	measure_one "approvals queue" "$bureau" "/api/v1/approvals" "$bureau2"
	measure_one "history, first page" "$bureau" "/api/v1/history" "$bureau2"
	measure_one "history, declaration" "$bureau" "/api/v1/history?q=${decl:0:8}" "$bureau2"
	echo " warehouse:"
	measure_one "approvals queue" "$wh" "/api/v1/approvals" "$wh2"
	measure_one "list, first page" "$wh" "/api/v1/bookings" "$wh2"
	stop
}

urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

mode=wrk
case "${1:-}" in
make) make_db "$2" "$3" ;;
measure) measure "$2" "${3:-10s}" ;;
cpu)
	mode=cpu requests=${3:-40}
	measure "$2"
	;;
*)
	count=${1:-1000000} dur=${2:-10s}
	tmp=$(mktemp -d)
	trap 'tests/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
	make_db "$tmp/kouan.db" "$count"
	measure "$tmp/kouan.db" "$dur"
	make_db "$tmp/pg" "$count"
	measure "$tmp/pg" "$dur"
	;;
esac
