#!/bin/bash
# The authenticated GET /api/v1/me under wrk, beside nginx serving a static
# file of the same size, in one run on this machine. Not part of the tests.
#   bench/http.sh [DURATION]      (default 10s; wrk -t2 -c64)
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
bin=${KOUAN_BIN:-build/kouan}
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'kill $kpid 2>/dev/null || true; [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

kport=$(free_port)
echo "bench-password-1" | "$bin" user add bench_user --role gate --db "sqlite:$tmp/kouan.db" >/dev/null 2>&1
"$bin" serve --listen "127.0.0.1:$kport" --db "sqlite:$tmp/kouan.db" --log-level warn 2>"$tmp/kouan.log" &
kpid=$!
for _ in $(seq 100); do grep -q 'listening addr=' "$tmp/kouan.log" && break; sleep 0.1; done
curl -s -c "$tmp/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"bench_user","password":"bench-password-1"}' "http://127.0.0.1:$kport/api/v1/session" >/dev/null
cookie=$(awk '$6 == "kouan_session" {print $7}' "$tmp/cookies")
curl -s -H "Cookie: kouan_session=$cookie" "http://127.0.0.1:$kport/api/v1/me" >"$tmp/me.json"
size=$(stat -c %s "$tmp/me.json")
[ "$size" -gt 50 ] || { echo "bench: login failed" >&2; exit 1; }

nport=$(free_port)
mkdir -p "$tmp/www"
cp "$tmp/me.json" "$tmp/www/me.json"
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
sleep 0.3

rate() { awk '/Requests\/sec/ {print $2}'; }
k=$(wrk -t2 -c64 -d"$dur" -H "Cookie: kouan_session=$cookie" "http://127.0.0.1:$kport/api/v1/me" | tee "$tmp/wrk-kouan" | rate)
n=$(wrk -t2 -c64 -d"$dur" "http://127.0.0.1:$nport/me.json" | tee "$tmp/wrk-nginx" | rate)
non2xx=$(grep -c 'Non-2xx' "$tmp/wrk-kouan" || true)
printf 'http: body %d bytes, wrk -t2 -c64 -d%s\n' "$size" "$dur"
printf '  kouan GET /api/v1/me (session)  %10.0f req/s%s\n' "$k" "$([ "$non2xx" = 0 ] || echo '  (non-2xx answers!)')"
printf '  nginx static file, same size   %10.0f req/s\n' "$n"
printf '  ratio kouan/nginx               %10.2f   (goal >= 0.80)\n' "$(echo "$k / $n" | bc -l)"
# resident memory right after the load: kouan's one process, nginx's master and workers together
# (kouan's peak also holds the 64 MiB that one argon2id login takes, so the peak says less)
rss() { awk '/^VmRSS:/ {s += $2} END {print s}' "$@"; }
km=$(rss /proc/"$kpid"/status)
nmaster=$(cat "$tmp/nginx.pid")
nm=$(rss /proc/"$nmaster"/status $(for p in $(pgrep -P "$nmaster"); do echo /proc/"$p"/status; done))
printf '  memory after the load: kouan %.1f MiB, nginx (master + 2 workers) %.1f MiB, ratio %.2f\n' \
	"$(echo "$km / 1024" | bc -l)" "$(echo "$nm / 1024" | bc -l)" "$(echo "$km / $nm" | bc -l)"
