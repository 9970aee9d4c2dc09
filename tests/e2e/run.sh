#!/bin/bash
# Browser tests: start `kouan serve --demo` on a free 127.0.0.1 port with a fresh SQLite database,
# read the demo accounts from its stderr, run tests/e2e/*.test.mjs with node's test runner
# (Debian's Chromium through playwright-core), then stop the server with SIGTERM and require exit 0.
# Environment: KOUAN_BIN (the binary), KOUAN_SOURCE_DIR (the source tree), both set by ctest;
# KOUAN_E2E_ONLY=NAME runs NAME.test.mjs alone.
set -u
: "${KOUAN_BIN:?KOUAN_BIN must name the kouan binary}"
: "${KOUAN_SOURCE_DIR:?KOUAN_SOURCE_DIR must name the source tree}"
here="$KOUAN_SOURCE_DIR/tests/e2e"
chromium=${KOUAN_CHROMIUM:-/usr/bin/chromium}
start_timeout=${KOUAN_E2E_START_TIMEOUT:-60}

fail() { echo "e2e: $*" >&2; exit 1; }
[ -x "$KOUAN_BIN" ] || fail "no executable at KOUAN_BIN=$KOUAN_BIN"
[ -x "$chromium" ] || fail "no Chromium at $chromium (scripts/deps.sh check installs it)"
command -v node >/dev/null || fail "node is not installed (scripts/deps.sh check installs it)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed in $here"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kouan-e2e.XXXXXX")
server_pid=""
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -KILL "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Start the server and wait for "listening addr=HOST:PORT"; a port taken meanwhile gets one more try.
start_server() {
	local port=$1 waited=0
	rm -f "$tmp/kouan.db"*
	"$KOUAN_BIN" serve --demo --listen "127.0.0.1:$port" --db "sqlite:$tmp/kouan.db" \
		>"$tmp/server.out" 2>"$tmp/server.err" &
	server_pid=$!
	while [ "$waited" -lt $((start_timeout * 10)) ]; do
		if grep -q "^listening addr=127.0.0.1:$port\$" "$tmp/server.err"; then
			return 0
		fi
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
		waited=$((waited + 1))
	done
	kill -KILL "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
	return 1
}

started=0
for attempt in 1 2 3; do
	port=$(free_port) || fail "cannot find a free port"
	if start_server "$port"; then
		started=1
		break
	fi
	echo "e2e: server did not start on port $port (attempt $attempt); its stderr:" >&2
	tail -n 20 "$tmp/server.err" >&2
done
[ "$started" = 1 ] || fail "the server would not start"

# demo-account username=demo_admin role=admin password=XXXX  ->  {"demo_admin":{"role":…,"password":…}}
node - "$tmp/server.err" "$tmp/accounts.json" <<'JS' || fail "cannot read the demo accounts"
const fs = require('fs');
const [src, dst] = process.argv.slice(2);
const re = /^demo-account username=(\S+) role=(\S+) password=(\S+)$/;
const accounts = {};
for (const line of fs.readFileSync(src, 'utf8').split('\n')) {
	const m = re.exec(line);
	if (m)
		accounts[m[1]] = { role: m[2], password: m[3] };
}
const want = ['demo_enterprise', 'demo_warehouse1', 'demo_warehouse2', 'demo_bureau', 'demo_gate', 'demo_admin'];
const missing = want.filter((u) => !accounts[u]);
if (missing.length) {
	console.error('e2e: demo accounts missing from the server output: ' + missing.join(', '));
	process.exit(1);
}
fs.writeFileSync(dst, JSON.stringify(accounts), { mode: 0o600 });
JS

mkdir -p "$here/artifacts"
rm -f "$here/artifacts/"*.png
started_at=$(date +%s)
(cd "$here" && KOUAN_E2E_BASE="http://127.0.0.1:$port" KOUAN_E2E_ACCOUNTS="$tmp/accounts.json" \
	KOUAN_E2E_ARTIFACTS="$here/artifacts" KOUAN_CHROMIUM="$chromium" \
	node --test ./${KOUAN_E2E_ONLY:-*}.test.mjs)
tests_rc=$?
echo "e2e: tests took $(( $(date +%s) - started_at )) s"

# Stop the server as an operator would; it must finish cleanly.
kill -TERM "$server_pid"
waited=0
while kill -0 "$server_pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
	sleep 0.1
	waited=$((waited + 1))
done
if kill -0 "$server_pid" 2>/dev/null; then
	echo "e2e: the server did not stop within 30 s of SIGTERM" >&2
	server_rc=124
else
	wait "$server_pid"
	server_rc=$?
fi
server_pid=""
if [ "$server_rc" != 0 ]; then
	echo "e2e: the server exited with status $server_rc after SIGTERM; its stderr ends:" >&2
	tail -n 40 "$tmp/server.err" >&2
fi
if [ "$tests_rc" != 0 ]; then
	echo "e2e: browser tests failed; screenshots in $here/artifacts; the server's stderr ends:" >&2
	tail -n 40 "$tmp/server.err" >&2
fi
# Keep the server's log with the screenshots (the demo passwords in it die with the database).
cp "$tmp/server.err" "$here/artifacts/server.log" 2>/dev/null
[ "$tests_rc" = 0 ] && [ "$server_rc" = 0 ]
