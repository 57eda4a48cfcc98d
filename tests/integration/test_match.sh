#!/usr/bin/env bash
# match and networks across real, peered daemons: the seed's horse-village
# case (README "Matching"). Four areas within a few kilometres each hold a
# horse project none can carry alone; a fifth near Aarhus is out of reach.
# Records travel by sync to A, where match must rank them exactly.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
A=$TEST_TMP/a B=$TEST_TMP/b C=$TEST_TMP/c D=$TEST_TMP/d E=$TEST_TMP/e
start_daemon "$A" --listen "127.0.0.1:$PA"
for h in "$B" "$C" "$D" "$E"; do start_daemon "$h"; done

ref() { jq -r .ref; }
# A at 55.3000 N 12.4000 E; B 1.5 km, C 3.0 km, D 5.0 km due north.
tv "$A" set area --name Østby --kind landsby --municipality 336 --location 55.3,12.4 >/dev/null
tv "$B" set area --name Vestby --kind landsby --municipality 336 --location 55.3135,12.4 >/dev/null
tv "$C" set area --name Nordby --kind landsby --municipality 320 --location 55.327,12.4 >/dev/null
tv "$D" set area --name Sønderby --kind landsby --municipality 336 --location 55.345,12.4 >/dev/null
tv "$E" set area --name Fjernby --kind landsby --municipality 751 >/dev/null

tv "$A" add project --title "Ridesti langs åen" --status skuffe --shelved_reason "manglede hænder" \
	--interests heste,natur --needs frivillige,partner,tilladelse >/dev/null
tv "$A" add association --name "Ridelauget Østby" --interests heste,natur,turisme \
	--seeking kasserer --board_seats 5 --board_vacant 1 >/dev/null
tv "$B" add project --title "Ridehal i Vestby" --status skuffe --shelved_reason "manglede penge" \
	--interests heste --needs penge,lokaler >/dev/null
B_CLUB=$(tv "$B" --json add association --name "Vestby Rideklub" --interests heste --seeking frivillige | ref)
tv "$C" add project --title "Rideskole for børn" --status idé --interests heste,boern-unge --needs trænere >/dev/null
tv "$C" add project --title "Ridefestival" --status afsluttet --interests heste >/dev/null
tv "$D" add project --title "Hestevognsture" --status planlægning --interests heste,turisme,natur \
	--needs frivillige >/dev/null
tv "$D" add association --name "Sønderby Jagtforening" --interests jagt-fiskeri >/dev/null
tv "$E" add project --title "Ridesti ved Aarhus" --status skuffe --interests heste >/dev/null

for h in "$B" "$C" "$D" "$E"; do
	code=$(tv "$A" --json invite --address "127.0.0.1:$PA" | jq -r .code)
	tv "$h" join "$code" >/dev/null || fail "join $h"
done
count_is() { [ "$(tv "$A" --json list | jq length)" -eq "$1" ]; }
# 5 profiles + 2 + 2 + 2 + 2 + 1 records.
wait_until 30 count_is 14 || fail "records did not reach A: $(tv "$A" list)"

# The heste group first (four other areas), nearest first; within a
# distance more shared interests first, then projects; the done project and
# the far area are left out.
tv "$A" --json match --within 10 >"$TEST_TMP/match.json" || fail "match"
got=$(jq -c '[.[0].interest, [.[0].items[] | .title]]' "$TEST_TMP/match.json")
want='["heste",["Ridelauget Østby","Ridesti langs åen","Ridehal i Vestby","Vestby Rideklub","Rideskole for børn","Hestevognsture"]]'
[ "$got" = "$want" ] || fail "heste ranking: $got, want $want"
jq -e '.[0].items | map(.distance_m) == [0, 0, 1501, 1501, 3002, 5004]' "$TEST_TMP/match.json" >/dev/null ||
	fail "distances: $(jq -c '[.[0].items[].distance_m]' "$TEST_TMP/match.json")"
jq -e '[.[].interest] == ["heste", "natur", "turisme"] and
	(.[0] | [.areas, .projects, .shelved] == [4, 4, 2])' "$TEST_TMP/match.json" >/dev/null ||
	fail "groups: $(jq -c '[.[].interest]' "$TEST_TMP/match.json")"
# What A's shelved project needs, and who could help or seeks the same.
jq -e --arg club "$B_CLUB" '.[0].items[1] | .status == "shelved" and .own and
	.shelved_reason == "no_hands" and
	(.needs[0] | .type == "volunteers" and (.seekers | map(.ref) == [$club]) and
	 (.helpers | map(.title) == ["Ridelauget Østby"]))' "$TEST_TMP/match.json" >/dev/null ||
	fail "needs of Ridesti: $(jq -c '.[0].items[1]' "$TEST_TMP/match.json")"
jq -e '.[0].items[0].seeking == ["treasurer"] and .[0].items[0].board_vacant == 1' \
	"$TEST_TMP/match.json" >/dev/null || fail "association facts: $(jq -c '.[0].items[0]' "$TEST_TMP/match.json")"

# People see the same, grouped, with labels.
tv "$A" match --within 10 >"$TEST_TMP/match.txt"
assert_contains "$TEST_TMP/match.txt" "heste — Horses and riding: 4 projects (2 shelved) in 4 areas"
assert_contains "$TEST_TMP/match.txt" "1.5 km Vestby: project Ridehal i Vestby [shelved (lacked money)]"
assert_contains "$TEST_TMP/match.txt" "also seeking: Vestby Rideklub (Vestby)"
tv "$A" --lang da match --within 10 >"$TEST_TMP/match.da"
assert_contains "$TEST_TMP/match.da" "heste — Heste og ridning: 4 projekter (2 i skuffen) i 4 områder"
assert_contains "$TEST_TMP/match.da" "1,5 km Vestby: projekt Ridehal i Vestby [skuffe"
assert_contains "$TEST_TMP/match.da" "søger også: Vestby Rideklub (Vestby)"
! grep -q "Aarhus\|Ridefestival\|Jagtforening" "$TEST_TMP/match.txt" || fail "out of reach or closed shown"
# Farther reach takes in Fjernby; a given interest narrows to it.
tv "$A" --json match --within 500 --interests heste |
	jq -e '[.[0].items[].title] | index("Ridesti ved Aarhus") == 6' >/dev/null || fail "--within 500"
tv "$A" --json match --interests natur --within 10 |
	jq -e 'length == 1 and .[0].interest == "natur"' >/dev/null || fail "--interests natur"
expect_fail 2 tv "$A" match --within 0
expect_fail 2 tv "$A" match --within 501
# At most 32 interests in one match (limit), and a group shows at most
# 100 items, each need at most 10 helpers.
tv "$A" --json match --interests "$(seq -s, -f 'tag%02g' 32)" | jq -e 'length == 0' >/dev/null ||
	fail "32 interests"
expect_fail 1 tv "$A" match --interests "$(seq -s, -f 'tag%02g' 33)"
assert_contains "$TEST_TMP/stderr" "at most 32 interests"
for i in $(seq 101); do
	tv "$D" add association --name "Petanqueklub $i" --interests petanque >/dev/null
done
tv "$D" add project --title "Petanquebane" --status idé --interests petanque --needs frivillige >/dev/null
has_petanque() { [ "$(tv "$A" --json list --interests petanque | jq length)" -eq 102 ]; }
wait_until 30 has_petanque || fail "the petanque clubs did not reach A"
tv "$A" --json match --interests petanque --within 10 | jq -e '.[0].items | length == 100 and
	.[0].title == "Petanquebane" and (.[0].needs[0].helpers | length == 10)' >/dev/null ||
	fail "limits of a group: $(tv "$A" --json match --interests petanque | jq -c '[.[0].items | length, .[0].items[0].needs]')"
expect_fail 2 tv "$A" match --bogus
# An area with no place cannot be matched from.
start_daemon "$TEST_TMP/lost"
expect_fail 1 tv "$TEST_TMP/lost" match --interests heste
assert_contains "$TEST_TMP/stderr" "no place"

# The where-filters of list: by area, municipality (code or name), region,
# distance from A and time.
titles() { jq -c '[.[] | .fields.title // .fields.name] | sort'; }
[ "$(tv "$A" --json list project --area Vestby | titles)" = '["Ridehal i Vestby"]' ] || fail "--area by name"
ID_C=$(tv "$C" --json id | jq -r .area)
[ "$(tv "$A" --json list project --area "${ID_C:0:8}" | titles)" = '["Ridefestival","Rideskole for børn"]' ] ||
	fail "--area by id prefix"
[ "$(tv "$A" --json list project --municipality Faxe | titles)" = '["Ridefestival","Rideskole for børn"]' ] ||
	fail "--municipality Faxe"
[ "$(tv "$A" --json list project --municipality 0751 | titles)" = '["Ridesti ved Aarhus"]' ] || fail "--municipality 0751"
[ "$(tv "$A" --json list project --region Midtjylland | titles)" = '["Ridesti ved Aarhus"]' ] || fail "--region"
[ "$(tv "$A" --json list project --near 2 | titles)" = '["Ridehal i Vestby","Ridesti langs åen"]' ] || fail "--near 2"
[ "$(tv "$A" --json list project --near 4 --status skuffe | titles)" = '["Ridehal i Vestby","Ridesti langs åen"]' ] ||
	fail "--near 4 --status skuffe"
[ "$(tv "$A" --json list area --region "Region Sjælland" | jq length)" -eq 4 ] || fail "--region Region Sjælland"
n=$(tv "$A" --json list project --since 2001-01-01 | jq length); [ "$n" -eq 7 ] || fail "--since 2001: $n"
[ "$(tv "$A" --json list project --since 2099-01-01 | jq length)" -eq 0 ] || fail "--since 2099"
expect_fail 2 tv "$A" list --municipality Atlantis
assert_contains "$TEST_TMP/stderr" "no municipality 'Atlantis'"
expect_fail 2 tv "$A" list --region Skåne
expect_fail 2 tv "$A" list --near 0
expect_fail 2 tv "$A" list --near 501
[ "$(tv "$A" --json list project --near 500 | jq length)" -eq 7 ] || fail "--near 500"
expect_fail 2 tv "$A" list --since igår
expect_fail 1 tv "$A" list --area Atlantis
assert_contains "$TEST_TMP/stderr" "no known area has the id or name 'Atlantis'"
expect_fail 1 tv "$TEST_TMP/lost" list --near 5
assert_contains "$TEST_TMP/stderr" "no place yet"

# Networks: A's network lists B's club and C's area; B confirms, C has not.
NET=$(tv "$A" --json add network --name Hesteklyngen --kind landsbyklynge --members "$B_CLUB,$(tv "$C" --json id | jq -r .area):aaaaaaaaaaaaaaaaaaaaaaaaaa" | ref)
wait_until 30 sh -c "TVAERS_HOME='$B' '$TVAERS' --json list network | jq -e 'length == 1'" || fail "network did not reach B"
tv "$B" add membership --network "$NET" --member "$B_CLUB" >/dev/null
wait_until 30 sh -c "TVAERS_HOME='$A' '$TVAERS' --json networks | jq -e '.[0].members[0].confirmed'" ||
	fail "B's membership not confirmed at A: $(tv "$A" --json networks)"
tv "$A" --json networks | jq -e '.[0] | .name == "Hesteklyngen" and .crosses_municipalities and
	(.members | map(.confirmed) == [true, false]) and .municipalities == [336, 320]' >/dev/null ||
	fail "networks: $(tv "$A" --json networks)"
tv "$A" networks >"$TEST_TMP/net.txt"
assert_contains "$TEST_TMP/net.txt" "Hesteklyngen (Østby) — crosses municipality borders"
assert_contains "$TEST_TMP/net.txt" "Vestby Rideklub (Vestby, 336 Stevns): confirmed"
assert_contains "$TEST_TMP/net.txt" "Nordby (Nordby, 320 Faxe): pending confirmation"
echo "match and networks ok" >&2
