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
