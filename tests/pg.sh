#!/bin/bash
# A throwaway PostgreSQL on 127.0.0.1 for the tests (STACK.md, gotchas 10 and 14).
#   tests/pg.sh start DIR   start a cluster on a free port, write its URL to DIR/url
#   tests/pg.sh stop DIR    stop it, remove it and DIR
#   tests/pg.sh pause DIR   stop the cluster at once (as a crash would), keeping it
#   tests/pg.sh resume DIR  start a paused cluster again, on the same port
# DIR is in the build tree, which may sit where the postgres user cannot go (a clone in /root,
# mode 700 on Debian): the cluster itself lives in its own folder under /tmp, given to postgres
# when run as root, and DIR only holds the URL and where the cluster is.
set -euo pipefail
cmd=$1 dir=$(realpath -m "$2")
cd /	# postgres's commands start from a folder it can enter
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
if [ "$(id -u)" = 0 ]; then
	as=(runuser -u postgres --)
else
	as=()
fi

stop() {
	local cluster
	cluster=$(cat "$dir/cluster" 2>/dev/null) || cluster=""
	if [ -n "$cluster" ] && [ -d "$cluster/data" ]; then
		"${as[@]}" "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null || true
	fi
	[ -n "$cluster" ] && rm -rf "$cluster"
	rm -rf "$dir"
}

# On failure show what PostgreSQL said (its logs die with the cluster).
failed() {
	echo "pg: could not start a cluster in $cluster" >&2
	cat "$cluster/initdb.log" "$cluster/log" 2>/dev/null | tail -n 30 >&2
	stop
}

start() {
	stop
	mkdir -p "$dir"
	cluster=$(mktemp -d /tmp/kouan-pg.XXXXXX)
	echo "$cluster" >"$dir/cluster"
	trap failed ERR
	if [ ${#as[@]} -gt 0 ]; then
		chown postgres:postgres "$cluster"
	fi
	"${as[@]}" "$bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$cluster/initdb.log" 2>&1
	# A free port: ask the kernel for one, then hand it to PostgreSQL.
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"${as[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c max_connections=200" start >/dev/null
	"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kouan_test
	trap - ERR
	echo "postgres://postgres@127.0.0.1:$port/kouan_test" >"$dir/url.tmp"
	mv "$dir/url.tmp" "$dir/url"
	echo "pg: $(cat "$dir/url") (cluster in $cluster)"
}

pause() {
	local cluster
	cluster=$(cat "$dir/cluster")
	"${as[@]}" "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null
}

resume() {
	local cluster port
	cluster=$(cat "$dir/cluster")
	port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$dir/url")
	"${as[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c max_connections=200" start >/dev/null
}

case $cmd in
start) start ;;
stop) stop ;;
pause) pause ;;
resume) resume ;;
*) echo "usage: $0 start|stop|pause|resume DIR" >&2; exit 2 ;;
esac
