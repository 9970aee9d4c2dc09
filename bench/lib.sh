#!/bin/bash
# Shared by the server benchmarks (http.sh, proof.sh, memory_server.sh): a
# scratch folder, free ports, a kouan server and an nginx serving a static
# file, stopped and removed on exit. Source it after `set -euo pipefail` and
# `cd` to the checkout; it sets $tmp and $bin.
bin=${KOUAN_BIN:-build/kouan}
tmp=$(mktemp -d)
chmod 755 "$tmp"
kpid=
bench_cleanup() {
	[ -n "$kpid" ] && kill "$kpid" 2>/dev/null || true
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	rm -rf "$tmp"
}
trap bench_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# kouan_start DB [ARGS...]: serve DB on a free port; sets $kport, $kpid, $base; waits for "listening".
kouan_start() {
	local db=$1
	shift
	kport=$(free_port)
	"$bin" serve --listen "127.0.0.1:$kport" --db "$db" --log-level warn "$@" 2>"$tmp/kouan.log" &
	kpid=$!
	for _ in $(seq 200); do grep -q 'listening addr=' "$tmp/kouan.log" && break; sleep 0.05; done
	grep -q 'listening addr=' "$tmp/kouan.log" || { echo "bench: kouan did not start" >&2; cat "$tmp/kouan.log" >&2; exit 1; }
	base="http://127.0.0.1:$kport"
}

# kouan_login USER PASSWORD: prints the session cookie's value and the CSRF token, on one line.
kouan_login() {
	local csrf
	csrf=$(curl -s -c "$tmp/cookies.$1" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/session" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
	echo "$(awk '$6 == "kouan_session" {print $7}' "$tmp/cookies.$1") $csrf"
}

# nginx_static FILE: nginx (master + 2 workers) serving FILE as /NAME on a free port; sets $nport.
nginx_static() {
	nport=$(free_port)
	mkdir -p "$tmp/www"
	cp "$1" "$tmp/www/"
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
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport/$(basename "$1")" >/dev/null && break; sleep 0.05; done
}

# wrk's requests per second from its output on stdin
wrk_rate() { awk '/Requests\/sec/ {print $2}'; }

# resident KiB of the processes named by pid
rss_kib() { for p in "$@"; do cat /proc/"$p"/status; done | awk '/^VmRSS:/ {s += $2} END {print s}'; }
# nginx's master and its workers
nginx_pids() { local m; m=$(cat "$tmp/nginx.pid"); echo "$m" $(pgrep -P "$m"); }
# CPU seconds (user + system) a process has used so far
cpu_s() { awk -v tck="$(getconf CLK_TCK)" '{ print ($14 + $15) / tck }' /proc/"$1"/stat; }
# The postmaster of the PostgreSQL at URL when it runs on this machine (the process listening on its port over
# TCP, also when URL names a Unix socket), else nothing
pg_postmaster() {
	local port
	port=$(psql "$1" -Atc 'SHOW port' 2>/dev/null) || return 0
	[ -n "$port" ] || return 0
	ss -Hltnp "sport = :$port" | sed -n 's/.*"postgres",pid=\([0-9]*\).*/\1/p' | head -n1
}
# CPU seconds (user + system) a PostgreSQL cluster has used so far: its postmaster, the backends it has
# reaped (cutime, cstime) and those still running
pg_cpu_s() {
	local tck
	tck=$(getconf CLK_TCK)
	{
		awk '{ print $14 + $15 + $16 + $17 }' /proc/"$1"/stat
		for p in $(pgrep -P "$1"); do awk '{ print $14 + $15 }' /proc/"$p"/stat 2>/dev/null || true; done
	} | awk -v tck="$tck" '{ s += $1 } END { print s / tck }'
}

# Approve every booking id listed in FILES (one a line) as the warehouse whose session is COOKIE CSRF, 100 a
# request (POST /api/v1/approvals/batch):  approve_booked COOKIE CSRF FILES...
approve_booked() {
	local cookie=$1 csrf=$2
	shift 2
	cat "$@" | python3 -c '
import json, sys
ids = [int(l) for l in sys.stdin if l.strip()]
for k in range(0, len(ids), 100):
    print(json.dumps({"action": "approve", "ids": ids[k:k + 100]}))' | while read -r batch; do
		curl -s -o /dev/null -H "Cookie: kouan_session=$cookie" -H "X-CSRF-Token: $csrf" \
			-H 'Content-Type: application/json' -d "$batch" "$base/api/v1/approvals/batch"
	done
}
