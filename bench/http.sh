#!/bin/bash
# The authenticated GET /api/v1/me under wrk, beside nginx serving a static
# file of the same size, in one run on this machine. Not part of the tests.
#   bench/http.sh [DURATION]      (default 10s; wrk -t2 -c64)
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
source bench/lib.sh

echo "bench-password-1" | "$bin" user add bench_user --role gate --db "sqlite:$tmp/kouan.db" >/dev/null 2>&1
kouan_start "sqlite:$tmp/kouan.db"
read -r cookie _ < <(kouan_login bench_user bench-password-1)
curl -s -H "Cookie: kouan_session=$cookie" "$base/api/v1/me" >"$tmp/me.json"
size=$(stat -c %s "$tmp/me.json")
[ "$size" -gt 50 ] || { echo "bench: login failed" >&2; exit 1; }
nginx_static "$tmp/me.json"

k=$(wrk -t2 -c64 -d"$dur" -H "Cookie: kouan_session=$cookie" "$base/api/v1/me" | tee "$tmp/wrk-kouan" | wrk_rate)
n=$(wrk -t2 -c64 -d"$dur" "http://127.0.0.1:$nport/me.json" | wrk_rate)
non2xx=$(grep -c 'Non-2xx' "$tmp/wrk-kouan" || true)
printf 'http: body %d bytes, wrk -t2 -c64 -d%s\n' "$size" "$dur"
printf '  kouan GET /api/v1/me (session)  %10.0f req/s%s\n' "$k" "$([ "$non2xx" = 0 ] || echo '  (non-2xx answers!)')"
printf '  nginx static file, same size   %10.0f req/s\n' "$n"
printf '  ratio kouan/nginx               %10.2f   (goal >= 0.80)\n' "$(echo "$k / $n" | bc -l)"
# resident memory right after the load: kouan's one process, nginx's master and workers together
# (kouan's peak also holds the 64 MiB that one argon2id login takes, so the peak says less)
km=$(rss_kib "$kpid")
nm=$(rss_kib $(nginx_pids))
printf '  memory after the load: kouan %.1f MiB, nginx (master + 2 workers) %.1f MiB, ratio %.2f\n' \
	"$(echo "$km / 1024" | bc -l)" "$(echo "$nm / 1024" | bc -l)" "$(echo "$km / $nm" | bc -l)"
