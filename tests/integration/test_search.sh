#!/usr/bin/env bash
# Full-text search with real daemons (issue 4): three areas in a line,
# A-B-C; each searches its own, replicated and relayed records with Danish
# place names spelt either way, kind filter, snippets with marks, local-only
# records found only where they live; then an erased text (set, rm) is gone
# from every daemon's index and database files (byte grep, DATAMODEL §3.3).
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 1))
A=$TEST_TMP/a
B=$TEST_TMP/b
C=$TEST_TMP/c
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B" --listen "127.0.0.1:$PB"
start_daemon "$C"

tv "$A" set area --name "Aabenraa Midtby" --kind bydel --municipality 580 >/dev/null
tv "$B" set area --name "Bårse" --kind landsby --municipality 390 >/dev/null
tv "$C" set area --name "Køge Nord" --kind bydel --municipality 259 >/dev/null
tv "$A" add association --name "Idrætsforeningen Åbenrå" \
	--description "Træning i hallen hver tirsdag. Kontakt Qwyxbæl i klubhuset." >/dev/null
tv "$A" add association --name "Langtekst" --description "$(printf 'ord%.0s ' {1..40})midt zebrafinke midt $(printf 'ord%.0s ' {1..40})" >/dev/null
tv "$B" add association --name "Bårse Borgerforening" \
	--description "Vi samler byen om sommerfest og fællesspisning." >/dev/null
doomed=$(tv "$B" --json add project --title "Sti fra Bårse til Køge" --status idea \
	--description "En cykelsti langs Jvzørk-vejen." | jq -r .ref)
tv "$C" add association --name "Køge Roklub" --description "Roning på bugten." >/dev/null
tv "$C" add contact --name "Kasserer Zqvrel" >/dev/null

join_via "$B" "$A" "$PA"
join_via "$C" "$B" "$PB"

hits() { # HOME TEXT [ARGS...]: the number of hits
	local h=$1
	shift
	tv "$h" --json search "$@" | jq length
}
hits_are() { # HOME N TEXT [ARGS...]
	local h=$1 n=$2
	shift 2
	[ "$(hits "$h" "$@")" -eq "$n" ]
}
# Everything public has reached A: 3 profiles + 4 records.
wait_until 30 hits_are "$A" 1 "Roklub" ||
	{ cat "$B/daemon.log" >&2; fail "C's records did not reach A through B"; }
wait_until 30 hits_are "$C" 1 "Qwyxbæl" || fail "A's records did not reach C"

# Danish spellings meet, on replicated and relayed records alike.
for q in Aabenraa Åbenrå ÅBENRÅ aabenraa; do
	[ "$(hits "$A" "$q")" -eq 2 ] || fail "A: '$q' should find the profile and the association"
	[ "$(hits "$C" "$q")" -eq 2 ] || fail "C: '$q' should find A's two records"
done
[ "$(hits "$A" Bårse)" -eq 3 ] || fail "A: Bårse: $(tv "$A" --json search Bårse)"
[ "$(hits "$A" baarse)" -eq 3 ] || fail "A: baarse"
[ "$(hits "$C" "Køge")" -eq 3 ] || fail "C: Køge: $(tv "$C" --json search Køge)"
[ "$(hits "$A" koege)" -eq 3 ] || fail "A: koege"
[ "$(hits "$A" Bårse --kind projekt)" -eq 1 ] || fail "A: --kind projekt"
[ "$(hits "$A" Bårse --kind=project --limit=2)" -eq 1 ] || fail "A: --kind=project"
[ "$(hits "$A" Bårse --limit=2)" -eq 2 ] || fail "A: --limit=2"
[ "$(hits "$A" '"fra Bårse til Køge"')" -eq 1 ] || fail "A: phrase"
[ "$(hits "$A" '"til Bårse"')" -eq 0 ] || fail "A: a phrase that is not there matched"
# The last word begins words when the words as typed find too few.
[ "$(hits "$A" Rokl)" -eq 1 ] || fail "A: the prefix Rokl"
[ "$(hits "$A" "køg")" -eq 3 ] || fail "A: the prefix køg"
[ "$(hits "$A" "køg ")" -eq 0 ] || fail "A: 'køg ' is a whole word"
[ "$(hits "$A" Vordingborg)" -eq 1 ] || fail "A: the municipality's name finds B's profile"

# The JSON of a hit: its area's name, the field and the original text
# around the marked match.
tv "$A" --json search fællesspisning >"$TEST_TMP/hit.json"
jq -e '.[0] | .rank == 1 and .kind == "association" and
	.title == "Bårse Borgerforening" and .area_name == "Bårse" and
	.field == "description" and .local == false and
	(.ref | test("^[a-z2-7]{52}:[a-z2-7]{26}$"))' "$TEST_TMP/hit.json" >/dev/null ||
	fail "hit JSON: $(cat "$TEST_TMP/hit.json")"
# marks are byte offsets into the snippet: cut it with a byte-exact tool.
snippet=$(jq -r '.[0].snippet' "$TEST_TMP/hit.json")
start=$(jq -r '.[0].marks[0][0]' "$TEST_TMP/hit.json")
end=$(jq -r '.[0].marks[0][1]' "$TEST_TMP/hit.json")
marked=$(printf '%s' "$snippet" | LC_ALL=C cut -b "$((start + 1))-$end")
[ "$marked" = "fællesspisning" ] || fail "marks point at '$marked'"

# For people: the snippet on its own line, the match in brackets.
tv "$A" search køge >"$TEST_TMP/human"
assert_contains "$TEST_TMP/human" "Køge Roklub"
assert_contains "$TEST_TMP/human" "Køge Nord"
assert_contains "$TEST_TMP/human" "[Køge]"
# A snippet cut from a longer text says so.
tv "$A" search zebrafinke >"$TEST_TMP/human"
assert_contains "$TEST_TMP/human" "…ord ord"
assert_contains "$TEST_TMP/human" "midt [zebrafinke] midt"
assert_contains "$TEST_TMP/human" "ord…"
tv "$A" search --limit 1 køge >"$TEST_TMP/human"
[ "$(grep -c '^[0-9]' "$TEST_TMP/human")" -eq 1 ] || fail "--limit 1: $(cat "$TEST_TMP/human")"
tv "$A" search zzzyyyxxx >"$TEST_TMP/human"
assert_contains "$TEST_TMP/human" "Nothing found."
[ "$(tv "$A" --json search zzzyyyxxx)" = "[]" ] || fail "no hits is not []"

# The local-only contact is found at C only.
[ "$(tv "$C" --json search zqvrel | jq -r '.[0].local')" = true ] ||
	fail "C does not find its own contact"
[ "$(hits "$A" zqvrel)" -eq 0 ] || fail "C's contact is found at A"

# Bad input: a clear error and the right exit status.
expect_fail 2 tv "$A" search
expect_fail 2 tv "$A" search køge --limit 0
expect_fail 2 tv "$A" search køge --nope
expect_fail 1 tv "$A" search '"--"'
assert_contains "$TEST_TMP/stderr" "nothing to search for"
expect_fail 1 tv "$A" search "$(printf 'ord%.0s ' {1..17})"
assert_contains "$TEST_TMP/stderr" "16 words"
expect_fail 1 tv "$A" search "$(head -c 257 /dev/zero | tr '\0' a)"
assert_contains "$TEST_TMP/stderr" "256 bytes"

"$CTLPOKE" "$A/control.sock" op search >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "argument 'text' is missing"
tv "$A" status >/dev/null || fail "a search without text hurt the daemon"

# Erasure. First prove the grep sees the words while they are held.
grep_db() { # HOME WORD: true if the database or its WAL holds WORD
	local f
	for f in "$1"/tvaers.db "$1"/tvaers.db-wal; do
		[ -e "$f" ] && LC_ALL=C grep -aqF -- "$2" "$f" && return 0
	done
	return 1
}
for h in "$A" "$B" "$C"; do
	grep_db "$h" qwyxbael || fail "$h: the folded word is not found even before"
	grep_db "$h" jvzoerk || fail "$h: the folded word 2 is not found even before"
done
# set replaces the word at A; rm deletes B's project.
id=$(tv "$A" --json search Qwyxbæl | jq -r '.[0].ref')
tv "$A" set "$id" --description "Træning i hallen hver tirsdag." >/dev/null
tv "$B" rm "$doomed" >/dev/null
for h in "$A" "$B" "$C"; do
	wait_until 30 hits_are "$h" 0 Qwyxbæl || fail "$h still finds the replaced word"
	wait_until 30 hits_are "$h" 0 Jvzørk || fail "$h still finds the deleted word"
	wait_until 30 hits_are "$h" 1 tirsdag || fail "$h lost the new version"
done
for h in "$A" "$B" "$C"; do
	for word in Qwyxbæl qwyxbael yxbael Jvzørk jvzoerk zoerk; do
		! grep_db "$h" "$word" || fail "$h: the database files still hold '$word'"
	done
done
echo ok
