#!/usr/bin/env bash
# boards, and role and contact records never leaving their area (DATAMODEL
# §3.2): A holds board roles and a contact with marker names; after a sync
# that carries A's other records to B, not one byte of them is anywhere in
# B's directory (database, WAL, log) or in B's export.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
A=$TEST_TMP/a B=$TEST_TMP/b
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B"
ref() { jq -r .ref; }

tv "$A" set area --name Østby --kind landsby --municipality 336 >/dev/null
X=$(tv "$A" --json add association --name "Ridelauget Østby" --board_seats 5 --board_vacant 1 | ref)
Y=$(tv "$A" --json add association --name "Østby Borgerforening" --board_seats 3 | ref)
Z=$(tv "$A" --json add association --name "Østby Sangkor" --board_seats 1 | ref)
tv "$A" add role --name "Qxzvmarker Hansen" --person p1 --association "$X" --role formand --phone 11223344 >/dev/null
tv "$A" add role --name "Qxzvmarker Hansen" --person p1 --association "$Y" --role kasserer >/dev/null
tv "$A" add role --name "Wqpzmarker Jensen" --association "$Z" --role sekretær >/dev/null
# A role that has ended does not count.
tv "$A" add role --name "Wqpzmarker Jensen" --association "$Y" --role formand --to 2001-01-01 >/dev/null
tv "$A" add contact --name "Kontakt Vbnmmarker" --email vbnm@example.org >/dev/null

tv "$A" --json boards >"$TEST_TMP/boards.json"
jq -e '.[0].people | map(.associations |= sort) == [{"name": "Qxzvmarker Hansen",
	"boards": 2, "associations": ["Ridelauget Østby", "Østby Borgerforening"]}]' "$TEST_TMP/boards.json" >/dev/null ||
	fail "people: $(cat "$TEST_TMP/boards.json")"
jq -e '.[0].associations | map([.title, .filled, .board_seats, .board_vacant]) ==
	[["Ridelauget Østby", 1, 5, 1], ["Østby Borgerforening", 1, 3, null]]' "$TEST_TMP/boards.json" >/dev/null ||
	fail "associations: $(cat "$TEST_TMP/boards.json")"
tv "$A" boards >"$TEST_TMP/boards.txt"
assert_contains "$TEST_TMP/boards.txt" "Qxzvmarker Hansen: 2 boards: "
assert_contains "$TEST_TMP/boards.txt" "Østby Borgerforening: 1 filled of 3"

# The markers are in A's export, so the greps below can find them.
# (Files, not pipes: grep -q stopping early would break the pipe.)
tv "$A" export >"$TEST_TMP/export_a"
grep -q Qxzvmarker "$TEST_TMP/export_a" || fail "A's export lacks its own roles"

join_via "$B" "$A" "$PA"
tv "$A" add association --name "Synkpunkt Efter Roller" >/dev/null
has_sync() { tv "$B" --json list association | jq -e 'any(.[]; .fields.name == "Synkpunkt Efter Roller")'; }
wait_until 30 has_sync || fail "A's records did not reach B"
# The live push of the last can overtake the first sync of the others.
all_four() { [ "$(tv "$B" --json list association | jq length)" -eq 4 ]; }
wait_until 30 all_four || fail "B lacks A's associations"

[ "$(tv "$B" --json list role | jq length)" -eq 0 ] || fail "a role reached B"
[ "$(tv "$B" --json list contact | jq length)" -eq 0 ] || fail "a contact reached B"
tv "$B" export >"$TEST_TMP/export_b"
! grep -q "marker" "$TEST_TMP/export_b" || fail "B's export holds a marker"
for m in Qxzvmarker Wqpzmarker Vbnmmarker 11223344 vbnm@example.org; do
	! grep -rqa "$m" "$B" || fail "'$m' is in B's files: $(grep -rla "$m" "$B")"
done
# B publishes only counts: the vacancy of A's association is what it sees.
tv "$B" --json list association | jq -e 'any(.[]; .fields.board_vacant == 1)' >/dev/null ||
	fail "the published count did not reach B"
[ "$(tv "$B" --json boards | jq '.[0].people | length')" -eq 0 ] || fail "B shows people"
echo "boards ok; no role or contact byte left A" >&2
