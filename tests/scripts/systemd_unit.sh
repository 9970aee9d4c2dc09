#!/bin/bash
# deploy/systemd/kouan@.service (issue 14, item 6): systemd accepts it
# (systemd-analyze verify), its sandbox rates OK (systemd-analyze security),
# and kouan runs within that sandbox: started as an unprivileged user with no
# capabilities and no new privileges, it serves a login, a declaration upload
# (recognition: MuPDF; an OCR scan takes longer than its
# limit under strace) and a booking, stops on
# SIGTERM with status 0, and every system call it made is one that
# SystemCallFilter= lets through, every socket of a family
# RestrictAddressFamilies= allows, no memory both writable and executable
# (MemoryDenyWriteExecute=). No systemd manager runs here, so the unit itself
# cannot be started: these checks stand for it.
set -u
bin=${KOUAN_BIN:?KOUAN_BIN not set}
src=${KOUAN_SOURCE_DIR:?KOUAN_SOURCE_DIR not set}
unit=$src/deploy/systemd/kouan@.service
EXPOSURE_MAX=20		# systemd-analyze security's 0-100 scale: 20 is "2.0 OK"
START_LOOKS=300		# looks at the log for the listening line (one a tenth of a second)
NOBODY=65534
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for tool in systemd-analyze strace setpriv curl; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (scripts/deps.sh check)"; exit 1; }
done
dir=$(mktemp -d)
chmod 0777 "$dir"	# the unprivileged server writes its SQLite database here
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# --- the unit, with ExecStart pointing at the binary under test ---
mkdir "$dir/units"
sed "s#^ExecStart=/usr/local/bin/kouan #ExecStart=$bin #" "$unit" >"$dir/units/kouan@.service"
grep -q "^ExecStart=$bin serve" "$dir/units/kouan@.service" || fail "ExecStart line not found in $unit"
out=$(systemd-analyze verify --man=no "$dir/units/kouan@a.service" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
systemd-analyze security --offline=true --threshold=$EXPOSURE_MAX "$dir/units/kouan@a.service" >"$dir/security" 2>&1 ||
	{ fail "exposure above $EXPOSURE_MAX:"; tail -3 "$dir/security"; }

# --- kouan as nobody, no capabilities, no new privileges, traced ---
db="sqlite:$dir/kouan.db"
printf 'Unit-pass-1\n' | "$bin" user add unit_ent --role enterprise --org 沙箱测试企业 --db "$db" >/dev/null 2>&1 ||
	fail "user add"
# the binary where nobody can reach it: the tree under test may sit in a folder closed to others (/root)
cp "$bin" "$dir/kouan"
chown -R $NOBODY:$NOBODY "$dir"
# A sanitizer build: LeakSanitizer cannot work under ptrace (the other tests check leaks)
ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all -- \
	strace -f -qq -o "$dir/trace" "$dir/kouan" serve --listen 127.0.0.1:0 --db "$db" 2>"$dir/log" &
pid=$!
addr=
for _ in $(seq $START_LOOKS); do
	addr=$(sed -n 's/.*listening addr=\([^ ]*\).*/\1/p' "$dir/log" | head -1)
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1	# a look at the log, not a pace: the loop ends on the line
done
[ -n "$addr" ] || { fail "server did not start"; cat "$dir/log"; exit 1; }
base=http://$addr
jar=$dir/cookies
req() {	# METHOD PATH [curl args...]: prints the status
	local m=$1 p=$2
	shift 2
	curl -s -o "$dir/body" -w '%{http_code}' -b "$jar" -c "$jar" -X "$m" "$@" "$base$p"
}
[ "$(req GET /livez)" = 200 ] || fail "livez"
[ "$(req POST /api/v1/session -H 'Content-Type: application/json' \
	-d '{"username":"unit_ent","password":"Unit-pass-1"}')" = 200 ] || fail "login: $(cat "$dir/body")"
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$dir/body")
[ "$(req POST /api/v1/declarations -H "X-CSRF-Token: $csrf" -F "file=@$src/tests/fixtures/declarations/decl_001.pdf")" \
	= 201 ] || fail "upload: $(cat "$dir/body")"
[ "$(req POST /api/v1/bookings -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	-d '{"kind":"heavy_truck"}')" = 201 ] || fail "booking: $(cat "$dir/body")"
[ "$(req GET / )" = 200 ] || fail "home page"
server=$(pgrep -P "$pid")	# strace's child: kouan itself
kill -TERM "$server"
wait "$pid"	# strace ends with its tracee's status
rc=$?
pid=
[ "$rc" = 0 ] || { fail "exit status $rc on SIGTERM"; tail -5 "$dir/log"; }

# --- what the trace shows, against the unit's filters ---
expand() {	# a systemd system-call group, its nested groups opened
	systemd-analyze syscall-filter "$1" | sed -n '2,$p' | sed 's/#.*//; s/^[[:space:]]*//' | grep -v '^$' |
		while read -r s; do
			case $s in @*) expand "$s" ;; *) echo "$s" ;; esac
		done
}
allowed=$(grep -vxF -f <(expand @privileged | sort -u) <(expand @system-service | sort -u))
# the first execve is strace starting kouan: the sandbox is in place before it
used=$(sed -n 's/^[0-9]* *\(<\.\.\. \)\{0,1\}\([a-z_0-9]*\)[( ].*/\2/p' "$dir/trace" | grep -v '^$' | sort -u)
[ -n "$used" ] || fail "empty trace"
for s in $used; do
	grep -qxF "$s" <<<"$allowed" || fail "system call $s is outside SystemCallFilter=@system-service ~@privileged"
done
bad_families=$(grep -o 'socket(AF_[A-Z0-9]*' "$dir/trace" | sort -u | grep -v -e AF_INET -e AF_INET6 -e AF_UNIX)
[ -z "$bad_families" ] || fail "socket families outside RestrictAddressFamilies=: $bad_families"
wx=$(grep -E '(mmap|mprotect|pkey_mprotect)\(.*PROT_WRITE\|PROT_EXEC|(mmap|mprotect)\(.*PROT_EXEC\|PROT_WRITE' "$dir/trace")
[ -z "$wx" ] || fail "writable and executable memory: $wx"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "systemd unit: verified, exposure within $EXPOSURE_MAX, $(wc -w <<<"$used") system calls all allowed"
