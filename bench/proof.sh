#!/bin/bash
# Issue 14's figures, not part of the tests:
#   1. an authenticated GET of a booking under wrk, beside nginx serving a static file of the same size;
#   2. bookings created and submitted per second over ENTERPRISES enterprises (bench/proof_load.py);
#   3. gate scans per second, verify + record a passage (same script, on those bookings).
#   bench/proof.sh [DURATION] [ENTERPRISES] [PER_ENTERPRISE] [DB]   (10s 64 20 sqlite)
# DB: sqlite, or a postgres:// URL of an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s} nent=${2:-64} per=${3:-20} db=${4:-sqlite}
bin=${KOUAN_BIN:-build/kouan}
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'kill $kpid 2>/dev/null || true; [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true; rm -rf "$tmp"' EXIT
[ "$db" = sqlite ] && db="sqlite:$tmp/kouan.db"
pw=bench-password-1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
add() { echo "$pw" | "$bin" user add "$@" --db "$db" >/dev/null 2>&1; }

# Each enterprise its own organisation; every account hashes its password (argon2id), so this takes a while.
for i in $(seq 0 $((nent - 1))); do add "bench_ent$i" --role enterprise --org "压测企业$i"; done
add bench_bureau --role bureau
add bench_gate --role gate
kport=$(free_port)
"$bin" serve --listen "127.0.0.1:$kport" --db "$db" --demo --log-level warn 2>"$tmp/kouan.log" &
kpid=$!
for _ in $(seq 100); do grep -q 'listening addr=' "$tmp/kouan.log" && break; sleep 0.1; done
base="http://127.0.0.1:$kport"
whpw=$(sed -n 's/.*username=demo_warehouse1 .*password=\([^ ]*\).*/\1/p' "$tmp/kouan.log" | head -n1)

echo "proof: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), database ${db%%:*}"
WAREHOUSE_PW=$whpw python3 bench/proof_load.py "$base" "$pw" "$nent" "$per"

# 1. GET of one of those bookings, with its enterprise's session
curl -s -c "$tmp/cookies" -H 'Content-Type: application/json' \
	-d "{\"username\":\"bench_ent0\",\"password\":\"$pw\"}" "$base/api/v1/session" >/dev/null
cookie=$(awk '$6 == "kouan_session" {print $7}' "$tmp/cookies")
id=$(curl -s -H "Cookie: kouan_session=$cookie" "$base/api/v1/bookings?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -s -H "Cookie: kouan_session=$cookie" "$base/api/v1/bookings/$id" >"$tmp/booking.json"
size=$(stat -c %s "$tmp/booking.json")
[ "$size" -gt 200 ] || { echo "proof: GET of the booking failed" >&2; exit 1; }
nport=$(free_port)
mkdir -p "$tmp/www"
cp "$tmp/booking.json" "$tmp/www/booking.json"
chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	default_type application/json;
	client_body_temp_path $tmp;
	proxy_temp_path $tmp; fastcgi_temp_path $tmp; uwsgi_temp_path $tmp; scgi_temp_path $tmp;
	server { listen 127.0.0.1:$nport; root $tmp/www; }
}
NGINX
nginx -c "$tmp/nginx.conf" -p "$tmp"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nport/booking.json" >/dev/null && break; sleep 0.1; done
rate() { awk '/Requests\/sec/ {print $2}'; }
k=$(wrk -t2 -c64 -d"$dur" -H "Cookie: kouan_session=$cookie" "$base/api/v1/bookings/$id" | tee "$tmp/wrk-kouan" | rate)
n=$(wrk -t2 -c64 -d"$dur" "http://127.0.0.1:$nport/booking.json" | rate)
non2xx=$(grep -c 'Non-2xx' "$tmp/wrk-kouan" || true)
printf '  GET /api/v1/bookings/%s (session), body %d bytes, wrk -t2 -c64 -d%s\n' "$id" "$size" "$dur"
printf '    kouan %10.0f req/s%s\n    nginx %10.0f req/s (static file, same size)\n    ratio %10.2f   (goal >= 0.80)\n' \
	"$k" "$([ "$non2xx" = 0 ] || echo '  (non-2xx answers!)')" "$n" "$(echo "$k / $n" | bc -l)"
