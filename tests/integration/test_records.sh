#!/usr/bin/env bash
# One area: add, set, rm, show, list and export through the real CLI; the
# records survive a restart and verify with an independent reader.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"

tv "$H" set area --name "Østby" --kind village --municipality 336 >/dev/null
tv "$H" --json status | jq -e '.name == "Østby" and .records == 1' >/dev/null ||
	fail "status does not show the named area"

assoc=$(tv "$H" --json add association --name "Ridelauget Østby" \
	--interests heste,natur,islandsheste --municipality 336 | jq -r .id)
[ ${#assoc} -eq 26 ] || fail "add did not return a record id: '$assoc'"
short=${assoc:0:8}
tv "$H" --json show "$short" |
	jq -e '.fields.name == "Ridelauget Østby" and .kind == "association"
		and (.fields.interests | index("heste")) != null' >/dev/null ||
	fail "show does not return the association"

tv "$H" set "$short" --members 60 --members_year 2024 >/dev/null
tv "$H" --json show "$short" | jq -e '.fields.members == 60' >/dev/null ||
	fail "set did not change members"
tv "$H" set "$short" --members "" >/dev/null
tv "$H" --json show "$short" | jq -e '.fields | has("members") | not' >/dev/null ||
	fail "set with empty text did not remove the field"

proj=$(tv "$H" --json add project --title "Ridesti langs åen" --status skuffe \
	--interests heste --owner "$short" | jq -r .id)
tv "$H" --json show "$proj" | jq -e '.fields.status == "shelved"' >/dev/null ||
	fail "a Danish status label was not stored as its code"
tv "$H" --json add association --name "Vestby Borgerforening" \
	--interests lokaludvikling >/dev/null

tv "$H" --json list association | jq -e 'length == 2' >/dev/null ||
	fail "list association does not show 2"
tv "$H" --json list association --interests heste |
	jq -e 'length == 1 and .[0].id == "'"$assoc"'"' >/dev/null ||
	fail "list --interests heste"
tv "$H" --json list project --status shelved | jq -e 'length == 1' >/dev/null ||
	fail "list --status shelved"
tv "$H" --json list project --status idea | jq -e 'length == 0' >/dev/null ||
	fail "list --status idea"
tv "$H" list association >"$TEST_TMP/table"
assert_contains "$TEST_TMP/table" "Ridelauget Østby"
assert_contains "$TEST_TMP/table" "Vestby Borgerforening"

tv "$H" rm "$proj" >/dev/null
tv "$H" --json list project | jq -e 'length == 0' >/dev/null ||
	fail "a deleted project is still listed"
tv "$H" --json show "$proj" | jq -e '.deleted == true and .fields == {}' >/dev/null ||
	fail "show of a deleted record is not a tombstone"

# Errors name the problem and the way out.
expect_fail 1 tv "$H" add association --name "X" --municipality 999
assert_contains "$TEST_TMP/stderr" "999"
assert_contains "$TEST_TMP/stderr" "tvaers municipalities"
rc=0; tv "$H" add association --interests heste 2>"$TEST_TMP/stderr" || rc=$?
[ "$rc" -ne 0 ] || fail "a missing required field was accepted"
assert_contains "$TEST_TMP/stderr" "name"
rc=0; tv "$H" add association --nmae X 2>"$TEST_TMP/stderr" || rc=$?
[ "$rc" -ne 0 ] || fail "an unknown field was accepted"
assert_contains "$TEST_TMP/stderr" "nmae"
expect_fail 1 tv "$H" show zzzzzzzz
expect_fail 1 tv "$H" add association --name "X" --cvr 12345678
assert_contains "$TEST_TMP/stderr" "cvr"

# Terminal escapes in a record never reach the terminal raw.
tv "$H" add association --name $'Evil \e[31mred\e[0m club' >/dev/null
tv "$H" list association >"$TEST_TMP/table"
if grep -q $'\e' "$TEST_TMP/table"; then
	fail "an escape character reached the terminal"
fi

# Export: every record with its signed bytes, verifiable independently.
tv "$H" export --out "$TEST_TMP/export.jsonl"
lines=$(wc -l <"$TEST_TMP/export.jsonl")
[ "$lines" -eq 5 ] || fail "export has $lines lines, expected 5"
"$CTLPOKE" - verify "$TEST_TMP/export.jsonl" | grep -q "verified 5" ||
	fail "export does not verify"
jq -e 'select(.id == "'"$proj"'") | .deleted == true' "$TEST_TMP/export.jsonl" \
	>/dev/null || fail "export lacks the tombstone"

# Everything survives a clean restart.
before=$(tv "$H" --json list association | jq -c 'map(.hash)')
stop_daemon "$DAEMON_PID"
start_daemon "$H"
after=$(tv "$H" --json list association | jq -c 'map(.hash)')
[ "$before" = "$after" ] || fail "records changed across a restart"
tv "$H" --json status | jq -e '.name == "Østby"' >/dev/null ||
	fail "the area name was lost across a restart"
echo "records: ok"
