#!/bin/bash
# The README's commands as a newcomer types them, on a fresh Debian 12 root (HACKING.md):
#   /work/shared/tools/fresh-debian.sh 'tools/try-readme.sh --fresh-root'
# Every line of the README's ```sh blocks runs in order, from the repository's folder, as root
# (a `# or: COMMAND` line runs COMMAND). `./kouan.sh run` and every `… serve` line start in the
# background and must print `listening addr=…`, answer GET /healthz with 200 and stop with exit 0
# on SIGTERM; after `./kouan.sh run`, demo_admin must also sign in with the password it printed.
# Every other line must exit 0. `./kouan.sh check` is skipped: run it on its own, it takes long.
# A block right after a `<!-- try-readme: skip, WHY -->` line is skipped (e.g. it needs a systemd
# manager, which a fresh root has not): its commands are tested elsewhere, as WHY says.
# It installs packages, starts Debian's cluster and creates a role: never on a machine you keep.
set -u
if [ "${1:-}" != --fresh-root ]; then
	echo "usage: tools/try-readme.sh --fresh-root   (inside /work/shared/tools/fresh-debian.sh only)" >&2
	exit 2
fi
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
failures=0
t0=$(date +%s)

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# HTTP/1.1 over bash's /dev/tcp (a fresh root has no curl): METHOD PATH [BODY] [COOKIE] on $port.
http() {
	local body=${3:-} cookie=${4:-} req
	req="$1 $2 HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"Connection: close"$'\r\n'
	[ -n "$body" ] && req+="Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'
	[ -n "$cookie" ] && req+="Cookie: $cookie"$'\r\n'
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf '%s\r\n%s' "$req" "$body" >&3
	tr -d '\r' <&3
	exec 3>&-
}

# demo_admin signs in with the password the server printed, and /api/v1/me names it.
demo_login() {
	local log=$1 pw resp cookie
	pw=$(sed -n 's/^demo-account username=demo_admin role=admin password=//p' "$log")
	[ -n "$pw" ] || { fail "no demo-account line for demo_admin"; return; }
	resp=$(http POST /api/v1/session "{\"username\":\"demo_admin\",\"password\":\"$pw\"}")
	[ "$(echo "$resp" | head -n1)" = "HTTP/1.1 200 OK" ] || { fail "demo_admin cannot sign in"; return; }
	cookie=$(echo "$resp" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1)
	http GET /api/v1/me "" "$cookie" | tail -n1 | grep -q '"username":"demo_admin"' ||
		fail "GET /api/v1/me does not name demo_admin"
	echo "  demo_admin signed in"
}

# A server command: start it, wait for `listening` (or its end), try it, stop it.
serve() {
	local cmd=$1 log=$tmp/serve.$RANDOM pid addr
	: >"$log"	# before the background command opens it, so that the first grep finds it
	bash -c "$cmd" </dev/null >"$log" 2>&1 &
	pid=$!
	while ! grep -q '^listening addr=' "$log"; do
		kill -0 "$pid" 2>/dev/null || { fail "'$cmd' ended before listening:"; tail -n 30 "$log"; return; }
		sleep 1
	done
	addr=$(sed -n 's/^listening addr=//p' "$log")
	port=${addr##*:}
	echo "  listening on $addr after $(($(date +%s) - t0)) s"
	grep '^demo-account' "$log" | sed 's/password=.*/password=…/'
	[ "$(readlink "/proc/$pid/exe")" = "$PWD/build-run/kouan" ] || fail "process $pid is not build-run/kouan"
	[ "$(http GET /healthz | head -n1)" = "HTTP/1.1 200 OK" ] || fail "GET /healthz is not 200"
	case $cmd in ./kouan.sh\ run*) demo_login "$log" ;; esac
	kill -TERM "$pid"
	wait "$pid" || fail "'$cmd' exited with $? after SIGTERM"
}

while IFS= read -r line; do
	line=${line#"${line%%[![:space:]]*}"}
	case $line in
	"# or: "*) line=${line#"# or: "} ;;
	"#"* | "") continue ;;
	esac
	echo "\$ $line"
	case $line in
	./kouan.sh\ check*) echo "  (skipped: run it on its own)" ;;
	./kouan.sh\ run* | *" serve"*) serve "$line" ;;
	*) bash -c "$line" </dev/null 2>&1 | tail -n 5 | sed 's/^/  /'; [ "${PIPESTATUS[0]}" = 0 ] || fail "'$line' exited non-zero" ;;
	esac
done < <(awk '/^<!-- try-readme: skip/{s=1; next} /^```sh$/{f=!s; s=0; next} /^```/{f=0} f' README.md)

rm -rf "$tmp"
echo "try-readme: $failures failure(s), $(($(date +%s) - t0)) s"
[ "$failures" = 0 ]
