#!/usr/bin/env bash
# The CLI without a daemon, its help, and the tables it serves itself.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/none
expect_fail 3 tv "$H" status
assert_contains "$TEST_TMP/stderr" "not running"
assert_contains "$TEST_TMP/stderr" "tvaersd"

"$TVAERS" --help >"$TEST_TMP/help"
for cmd in status id add set rm show list export municipalities interests kinds; do
	assert_contains "$TEST_TMP/help" "$cmd"
	"$TVAERS" "$cmd" --help >/dev/null || fail "$cmd --help failed"
done
# Every command of --help has an entry in the manual page (contrib/tvaers.1):
# a .TP paragraph whose tag starts with its name.
MAN=$(dirname "$0")/../../contrib/tvaers.1
for cmd in $("$TVAERS" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }'); do
	awk -v c="$cmd" 'prev == ".TP" && ($0 == ".B " c || $0 == ".BR " c ||
		index($0, ".BR " c " ") == 1 || index($0, ".BI \"" c " ") == 1) { found = 1 }
		{ prev = $0 } END { exit !found }' "$MAN" || fail "tvaers.1 lacks the command $cmd"
done

"$TVAERS" add association --help >"$TEST_TMP/help"
assert_contains "$TEST_TMP/help" "municipality"
assert_contains "$TEST_TMP/help" "interests"

n=$("$TVAERS" --json municipalities | jq length)
[ "$n" -eq 98 ] || fail "municipalities lists $n, expected 98"
"$TVAERS" municipalities >"$TEST_TMP/k"
assert_contains "$TEST_TMP/k" "Stevns"
"$TVAERS" --json interests | jq -e 'map(.code) | index("heste") != null' \
	>/dev/null || fail "interests lacks heste"
expect_fail 2 "$TVAERS" frobnicate
echo "cli: ok"
