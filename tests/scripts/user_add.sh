#!/bin/bash
# kouan user add: a new database file, duplicates, role/organisation checks,
# password rules, the password on stdin (CRLF too).
set -u
bin=${KOUAN_BIN:?KOUAN_BIN not set}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="sqlite:$dir/nested/folder/kouan.db"
fails=0

# expect STATUS PASSWORD-INPUT ARGS... : run `kouan user ARGS` with the input on stdin.
expect() {
	local want=$1 input=$2
	shift 2
	printf '%b' "$input" | "$bin" user "$@" >"$dir/out" 2>"$dir/err"
	local got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: kouan user $* -> exit $got, expected $want"
		sed 's/^/  | /' "$dir/out" "$dir/err"
		fails=$((fails + 1))
	fi
}

# A new file in a folder that does not exist yet, password with CRLF.
expect 0 'Secret-pass1\r\n' add alice --role enterprise --org 伊犁示范贸易 --db "$db"
[ -f "$dir/nested/folder/kouan.db" ] || { echo "FAIL: database file not created"; fails=$((fails + 1)); }
grep -q 'username=alice role=enterprise org=伊犁示范贸易' "$dir/out" || { echo "FAIL: no confirmation line"; fails=$((fails + 1)); }
# The same organisation again, another enterprise user; --opt=value form.
expect 0 'Secret-pass2\n' add bob --role=enterprise --org=伊犁示范贸易 --db="$db"
# KOUAN_DB is the default database.
KOUAN_DB="$db" expect 0 'Secret-pass3' add 张三 --role warehouse --org 丝路通达物流
expect 0 'Secret-pass4\n' add gate_1 --role gate --db "$db"
expect 0 'Secret-pass5\n' add admin.one --role admin --db "$db"
expect 0 'Secret-pass6\n' add bureau-a --role bureau --db "$db"
expect 0 'Secret-pass7\n' add bureau-b --role bureau --org 霍尔果斯口岸管理局 --db "$db"

# Refused input: exit 1.
expect 1 'Secret-pass1\n' add alice --role admin --db "$db"                           # duplicate name
expect 1 'Secret-pass1\n' add carol --role warehouse --org 伊犁示范贸易 --db "$db"        # org is an enterprise
expect 1 'Secret-pass1\n' add dave --role bureau --org 丝路通达物流 --db "$db"           # org is a warehouse
expect 1 'Secret-pass1\n' add erin --role superuser --db "$db"                        # bad role
expect 1 'Secret-pass1\n' add 'x y' --role admin --db "$db"                           # bad name
expect 1 'Secret-pass1\n' add ab --role admin --db "$db"                              # name too short
expect 1 'short7\n' add frank --role admin --db "$db"                                 # 7 bytes
expect 1 '' add frank --role admin --db "$db"                                         # no password
expect 1 "$(head -c 129 /dev/zero | tr '\0' p)\n" add frank --role admin --db "$db"  # 129 bytes
expect 1 'tab\tinside-pw\n' add frank --role admin --db "$db"                          # control character
expect 0 "$(head -c 128 /dev/zero | tr '\0' p)\r\n" add frank --role admin --db "$db" # 128 bytes is fine

# Usage errors: exit 2.
expect 2 'Secret-pass1\n' add gina --role enterprise --db "$db"                       # missing --org
expect 2 'Secret-pass1\n' add gina --role warehouse --db "$db"                        # missing --org
expect 2 'Secret-pass1\n' add gina --role gate --org 伊犁示范贸易 --db "$db"              # gate has no org
expect 2 'Secret-pass1\n' add gina --db "$db"                                         # no role
expect 2 'Secret-pass1\n' add --role admin --db "$db"                                 # no name
expect 2 'Secret-pass1\n' add gina --role admin --db                                 # --db without value
expect 2 'Secret-pass1\n' add gina --role admin --frobnicate --db "$db"
expect 2 'Secret-pass1\n' add gina --role admin --db "mysql://x"
expect 2 '' remove gina
expect 0 '' add --help

# The rows are what was asked: users, their organisations and kinds.
if command -v sqlite3 >/dev/null; then
	got=$(sqlite3 "$dir/nested/folder/kouan.db" "SELECT u.username || ':' || u.role || ':' || COALESCE(o.name || '/' || o.kind, '-')
		FROM users u LEFT JOIN organisations o ON o.id = u.org_id ORDER BY u.id")
	want="alice:enterprise:伊犁示范贸易/enterprise
bob:enterprise:伊犁示范贸易/enterprise
张三:warehouse:丝路通达物流/warehouse
gate_1:gate:-
admin.one:admin:-
bureau-a:bureau:-
bureau-b:bureau:霍尔果斯口岸管理局/bureau
frank:admin:-"
	if [ "$got" != "$want" ]; then
		echo "FAIL: rows differ"; diff <(echo "$want") <(echo "$got"); fails=$((fails + 1))
	fi
	hash=$(sqlite3 "$dir/nested/folder/kouan.db" "SELECT password_hash FROM users WHERE username = 'alice'")
	case $hash in '$argon2id$'*) ;; *) echo "FAIL: not an argon2id hash: $hash"; fails=$((fails + 1)) ;; esac
fi

# The same against PostgreSQL when the test server is up.
if [ -n "${KOUAN_TEST_PG_FILE:-}" ] && [ -f "$KOUAN_TEST_PG_FILE" ]; then
	pg=$(cat "$KOUAN_TEST_PG_FILE")
	name="cli_$$_$RANDOM"
	expect 0 'Secret-pass1\r\n' add "$name" --role enterprise --org "CLI Org $$ $RANDOM" --db "$pg"
	expect 1 'Secret-pass1\n' add "$name" --role admin --db "$pg"
fi

[ "$fails" = 0 ] && echo "user_add: all passed" || echo "user_add: $fails failed"
[ "$fails" = 0 ]
