#!/bin/bash
# A throwaway PostgreSQL on 127.0.0.1 for the tests (STACK.md, gotcha 10).
#   tests/pg.sh start DIR   initdb in DIR, start on a free port, write the URL to DIR/url
#   tests/pg.sh stop DIR    stop it and remove DIR
set -euo pipefail
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
case $cmd in
start)
	[ -f "$dir/url" ] && "$0" stop "$dir" || true
	rm -rf "$dir"
	install -d -m700 "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$dir"
		as=(runuser -u postgres --)
	else
		as=()
	fi
	"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1
	# A free port: ask the kernel for one, then hand it to PostgreSQL.
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
	"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kouan_test
	echo "postgres://postgres@127.0.0.1:$port/kouan_test" >"$dir/url.tmp"
	mv "$dir/url.tmp" "$dir/url"
	echo "pg: $(cat "$dir/url")"
	;;
stop)
	if [ -d "$dir/data" ]; then
		if [ "$(id -u)" = 0 ]; then
			runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
		else
			"$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
		fi
	fi
	rm -rf "$dir"
	;;
esac
