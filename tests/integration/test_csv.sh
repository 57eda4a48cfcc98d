#!/usr/bin/env bash
# CSV import and export against a real daemon: a dry run writes nothing,
# an import adds, the same file again changes nothing (no new versions),
# export --csv reads back unchanged in both dialects, errors carry the line
# and column and write nothing, and CPR numbers refuse the whole file.
source "$(dirname "$0")/lib.sh"

FX=$TVAERS_SOURCE_DIR/tests/fixtures/csv
H=$TEST_TMP/area
start_daemon "$H"
tv "$H" set area --name "Østby" --kind village --municipality 336 >/dev/null

records() { tv "$H" --json status | jq -r .records; }
# The (id, hash) of every association, sorted: equal before and after means no new versions.
versions() {
	tv "$H" export | jq -r 'select(.kind == "'"$1"'") | .id + " " + .hash' | sort
}

# template: the header line in the Excel dialect, no daemon needed.
TVAERS_HOME=$TEST_TMP/none "$TVAERS" template --kind forening >"$TEST_TMP/tpl"
head -c 20 "$TEST_TMP/tpl" | od -An -tx1 | grep -q "ef bb bf 4e 61 76 6e 3b" ||
	fail "template does not start with a BOM and 'Navn;'"
assert_contains "$TEST_TMP/tpl" "Formål;"
tv "$H" template --kind event --format rfc4180 | grep -q "^title,description,start," ||
	fail "template --format rfc4180"

# A dry run plans and writes nothing.
before=$(records)
tv "$H" --json import "$FX/foreninger_bom.csv" --kind forening --dry-run \
	>"$TEST_TMP/dry"
jq -e 'length == 2 and all(.action == "added" and .ref == null)
	and .[0].line == 2 and .[1].line == 3' "$TEST_TMP/dry" >/dev/null ||
	fail "dry run: $(cat "$TEST_TMP/dry")"
[ "$(records)" = "$before" ] || fail "the dry run wrote records"

# The import adds; the same file again changes nothing.
tv "$H" --json import "$FX/foreninger_bom.csv" --kind forening >"$TEST_TMP/imp"
jq -e 'length == 2 and all(.action == "added" and (.ref | length) > 60)' \
	"$TEST_TMP/imp" >/dev/null || fail "import: $(cat "$TEST_TMP/imp")"
tv "$H" --json list association >"$TEST_TMP/list"
jq -e 'length == 2 and any(.fields.name == "Ridelauget Østby"
	and .fields.purpose == "At skabe ridestier; også for børn"
	and .fields.members == 60 and .fields.founded == 1987
	and .fields.interests == ["heste", "natur"])' "$TEST_TMP/list" >/dev/null ||
	fail "list after import: $(cat "$TEST_TMP/list")"
v1=$(versions association)
[ "$(echo "$v1" | wc -l)" -eq 2 ] || fail "versions: '$v1'"
tv "$H" import "$FX/foreninger_bom.csv" --kind forening >"$TEST_TMP/again"
assert_contains "$TEST_TMP/again" "0 added, 0 changed, 2 unchanged"
[ "$(versions association)" = "$v1" ] || fail "re-import wrote new versions"

# export --csv reads back unchanged, in both dialects, to stdout and --out.
tv "$H" export --csv --kind forening >"$TEST_TMP/excel.csv"
head -c 3 "$TEST_TMP/excel.csv" | od -An -tx1 | grep -q "ef bb bf" ||
	fail "the Excel export has no BOM"
grep -q $'\r$' "$TEST_TMP/excel.csv" || fail "the Excel export has no CRLF"
assert_contains "$TEST_TMP/excel.csv" '"At skabe ridestier; også for børn"'
tv "$H" export --csv --kind association --format rfc4180 \
	--out "$TEST_TMP/rfc.csv" >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "exported 2 records"
head -1 "$TEST_TMP/rfc.csv" | grep -q "^name,short_name,cvr," ||
	fail "the rfc4180 export header"
for f in excel rfc; do
	tv "$H" --json import "$TEST_TMP/$f.csv" --kind association \
		>"$TEST_TMP/back"
	jq -e 'length == 2 and all(.action == "unchanged")' "$TEST_TMP/back" \
		>/dev/null || fail "$f export did not read back: $(cat "$TEST_TMP/back")"
done
[ "$(versions association)" = "$v1" ] || fail "round trips wrote new versions"

# A changed line changes its record; a CVR given now finds it by name.
printf 'navn;cvr;medlemstal\nRIDELAUGET ØSTBY;29816328;61\n' >"$TEST_TMP/change.csv"
id=$(jq -r '.[] | select(.title == "Ridelauget Østby") | .ref' "$TEST_TMP/imp")
tv "$H" --json import "$TEST_TMP/change.csv" --kind association >"$TEST_TMP/ch"
jq -e 'length == 1 and .[0].action == "changed" and .[0].ref == "'"$id"'"' \
	"$TEST_TMP/ch" >/dev/null || fail "change: $(cat "$TEST_TMP/ch")"
tv "$H" --json show "$id" | jq -e '.fields.members == 61 and .fields.cvr ==
	"29816328" and .fields.founded == 1987' >/dev/null ||
	fail "the change did not keep the other fields"

# Windows-1252 is read with a warning; embedded newlines keep their lines.
tv "$H" --json import "$FX/foreninger_cp1252.csv" --kind forening \
	>"$TEST_TMP/cp" 2>"$TEST_TMP/cp.err"
assert_contains "$TEST_TMP/cp.err" "Windows-1252"
jq -e '.[0].title == "Ærø Rideklub"' "$TEST_TMP/cp" >/dev/null ||
	fail "cp1252: $(cat "$TEST_TMP/cp")"
tv "$H" --json import "$FX/foreninger_newlines.csv" --kind forening >"$TEST_TMP/nl"
jq -e '[.[].line] == [2, 5, 6]' "$TEST_TMP/nl" >/dev/null ||
	fail "line numbers after a multi-line cell: $(cat "$TEST_TMP/nl")"
kor=$(jq -r '.[0].ref' "$TEST_TMP/nl")
tv "$H" --json show "$kor" | jq -e '.fields.description ==
	"Vi synger hver tirsdag.\nNye sangere er velkomne;\nogså uden erfaring."' \
	>/dev/null || fail "the embedded newlines were not kept"

# Errors name line and column, and nothing is written.
before=$(records)
expect_fail 1 tv "$H" --json import "$FX/errors.csv" --kind forening
jq -e 'length == 2 and .[0].line == 3 and .[1].line == 5
	and (.[0].error | test("Medlemstal")) and (.[1].error | test("Stiftet"))' \
	"$TEST_TMP/stdout" >/dev/null || fail "errors: $(cat "$TEST_TMP/stdout")"
assert_contains "$TEST_TMP/stderr" "2 lines of"
assert_contains "$TEST_TMP/stderr" "nothing was imported"
printf 'Navn\nVestby Skakklub\nvestby skakklub\n' >"$TEST_TMP/dup.csv"
expect_fail 1 tv "$H" --json import "$TEST_TMP/dup.csv" --kind forening
jq -e 'length == 1 and .[0].line == 3 and (.[0].error | test("line 2"))' \
	"$TEST_TMP/stdout" >/dev/null || fail "duplicate: $(cat "$TEST_TMP/stdout")"
[ "$(records)" = "$before" ] || fail "a file with errors wrote records"

tv "$H" add association --name "Tvilling" >/dev/null
tv "$H" add association --name "tvilling" >/dev/null
printf 'Navn;CVR\nTvilling;\nEt;29816301\nTo;29816301\n' >"$TEST_TMP/twin.csv"
expect_fail 1 tv "$H" --json import "$TEST_TMP/twin.csv" --kind forening
jq -e 'length == 2 and (.[0].error | test("2 of this area.s records"))
	and .[1].line == 4 and (.[1].error | test("line 3"))' "$TEST_TMP/stdout" \
	>/dev/null || fail "ambiguous name, same CVR: $(cat "$TEST_TMP/stdout")"
before=$(records)

# The limits: 10000 rows, and one request (a Windows-1252 file grows as UTF-8).
awk 'BEGIN { print "Navn"; for (i = 0; i < 10000; i++) print "F" i }' \
	>"$TEST_TMP/max.csv"
tv "$H" import "$TEST_TMP/max.csv" --kind forening --dry-run >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "10000 to add"
echo "F10000" >>"$TEST_TMP/max.csv"
expect_fail 1 tv "$H" import "$TEST_TMP/max.csv" --kind forening --dry-run
assert_contains "$TEST_TMP/stderr" "at most 10000 rows"
awk 'BEGIN { printf "Navn;Beskrivelse\n"; for (i = 0; i < 160; i++) {
	printf "F%d;", i; for (j = 0; j < 3990; j++) printf "\346"; print "" } }' \
	>"$TEST_TMP/big.csv"
expect_fail 1 tv "$H" import "$TEST_TMP/big.csv" --kind forening
assert_contains "$TEST_TMP/stderr" "too large for one import"
[ "$(records)" = "$before" ] || fail "a refused file wrote records"

# CPR numbers and member lists refuse the whole file, without echoing them.
expect_fail 1 tv "$H" import "$FX/cpr_values.csv" --kind forening
assert_contains "$TEST_TMP/stderr" "line 3, column 'Telefon'"
assert_contains "$TEST_TMP/stderr" "CPR"
grep -q 2503851234 "$TEST_TMP/stderr" "$TEST_TMP/stdout" &&
	fail "the CPR number was printed"
expect_fail 1 tv "$H" import "$FX/cpr_header.csv" --kind forening
assert_contains "$TEST_TMP/stderr" "column 2 'CPR-nr'"
printf 'Navn;Medlemsliste\nA;Jens, Hanne\n' >"$TEST_TMP/members.csv"
expect_fail 1 tv "$H" import "$TEST_TMP/members.csv" --kind forening
assert_contains "$TEST_TMP/stderr" "member list"
# The daemon refuses them too, from a client that skips the CLI's checks.
"$CTLPOKE" "$H/control.sock" import phone "tlf. 010203-1234" >"$TEST_TMP/poke"
assert_contains "$TEST_TMP/poke" "end 0 1 line with errors"
[ "$(records)" = "$before" ] || fail "a refused file wrote records"
"$CTLPOKE" "$H/control.sock" import phone "+45 12345678" >"$TEST_TMP/poke"
assert_contains "$TEST_TMP/poke" "end 0 1 added"

# Events: a monthly event with one title is many records; times read back.
printf 'Titel;Start;Slut;Pris;Beskrivelse\r\nFællesspisning;07-03-2030 18:00;07-03-2030 21:00;50;"Tag en ret med,\r\nog godt humør"\r\nFællesspisning;04.04.2030 18.00;;50;\r\nSankthans;23-06-2030;;0;Bål\r\n' \
	>"$TEST_TMP/ev.csv"
tv "$H" --json import "$TEST_TMP/ev.csv" --kind arrangement >"$TEST_TMP/ev"
jq -e 'length == 3 and all(.action == "added") and [.[].line] == [2, 4, 5]' \
	"$TEST_TMP/ev" >/dev/null || fail "events: $(cat "$TEST_TMP/ev")"
v2=$(versions event)
[ "$(echo "$v2" | wc -l)" -eq 3 ] || fail "versions: '$v2'"
tv "$H" export --csv --kind event >"$TEST_TMP/ev2.csv"
assert_contains "$TEST_TMP/ev2.csv" "07-03-2030 18:00"
tv "$H" --json import "$TEST_TMP/ev2.csv" --kind event >"$TEST_TMP/ev2"
jq -e 'length == 3 and all(.action == "unchanged")' "$TEST_TMP/ev2" >/dev/null ||
	fail "events did not read back: $(cat "$TEST_TMP/ev2")"
[ "$(versions event)" = "$v2" ] || fail "the event round trip wrote versions"

# Another area's record of the same name is never touched: the line adds
# one of this area's own.
port_base
PB=$PORT_BASE
B=$TEST_TMP/b
start_daemon "$B" --listen "127.0.0.1:$PB"
tv "$B" --json add association --name "Nordby Skytteforening" --members 9 \
	>"$TEST_TMP/b.json"
theirs=$(jq -r .ref "$TEST_TMP/b.json")
tv "$H" join "$(tv "$B" --json invite --address "127.0.0.1:$PB" | jq -r .code)" \
	>/dev/null
has_theirs() { tv "$H" --json show "$theirs" >/dev/null; }
wait_until 20 has_theirs || fail "B's association did not reach A"
printf 'Navn;Medlemstal\nNordby Skytteforening;40\n' >"$TEST_TMP/nordby.csv"
for want in added unchanged; do
	tv "$H" --json import "$TEST_TMP/nordby.csv" --kind forening >"$TEST_TMP/nb"
	jq -e '.[0].action == "'$want'" and .[0].ref != "'"$theirs"'"' \
		"$TEST_TMP/nb" >/dev/null || fail "another area's record: $(cat "$TEST_TMP/nb")"
done
tv "$H" --json show "$theirs" | jq -e '.fields.members == 9' >/dev/null ||
	fail "the other area's record changed"

# Usage errors.
expect_fail 2 tv "$H" import "$FX/errors.csv"
expect_fail 2 tv "$H" import "$FX/errors.csv" --kind role
expect_fail 2 tv "$H" export --csv
echo "ok"
