#!/usr/bin/env bash
# Danish for people, the same bytes for scripts (issue 5, DATAMODEL.md §6.1):
# --lang da and a da_* locale give Danish words, dates, numbers and order
# even where da_DK.UTF-8 is not generated; --json output and subcommand
# names never change with the language.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"

locale -a 2>/dev/null | grep -qi '^da_DK' &&
	echo "note: da_DK is installed here; Danish is also tested through LANGUAGE"

tv "$H" set area --name "Østby" --kind village --municipality 336 >/dev/null
for name in Ølstykke Aabenraa Zealand Køge Åbyhøj Ærø Bårse; do
	tv "$H" add association --name "$name" >/dev/null
done
proj=$(tv "$H" --json add project --title "Ridesti langs åen" --status skuffe \
	--budget 180000 | jq -r .id)
# An event still to come: past events expire 12 months after their end.
event=$(tv "$H" --json add event --title "Ildsjælekonference" \
	--start "2036-11-08 19:30" --price 1250 | jq -r .id)

# Scripts: identical bytes in every language (status without its clock).
for args in "id" "list" "list association" "show $proj" "show $event" \
	"kinds" "kinds event" "interests" "municipalities" "areas"; do
	# shellcheck disable=SC2086
	tv "$H" --json $args >"$TEST_TMP/en.json"
	# shellcheck disable=SC2086
	tv "$H" --lang da --json $args >"$TEST_TMP/da.json"
	# shellcheck disable=SC2086
	LANG=da_DK.UTF-8 tv "$H" --json $args >"$TEST_TMP/locale.json"
	cmp -s "$TEST_TMP/en.json" "$TEST_TMP/da.json" ||
		fail "--json $args differs under --lang da"
	cmp -s "$TEST_TMP/en.json" "$TEST_TMP/locale.json" ||
		fail "--json $args differs under LANG=da_DK.UTF-8"
done
tv "$H" --json status | jq -S 'del(.uptime)' >"$TEST_TMP/en.json"
tv "$H" --lang da --json status | jq -S 'del(.uptime)' >"$TEST_TMP/da.json"
cmp -s "$TEST_TMP/en.json" "$TEST_TMP/da.json" ||
	fail "--json status differs under --lang da"

# People: Danish words, alphabetical order with Æ Ø Å last and Aa as Å.
LANG=C tv "$H" --lang da list association >"$TEST_TMP/list"
assert_contains "$TEST_TMP/list" "NAVN"
assert_contains "$TEST_TMP/list" "KOMMUNE"
order=$(awk 'NR > 1 { print $2 }' "$TEST_TMP/list" | tr '\n' ' ')
[ "$order" = "Bårse Køge Zealand Ærø Ølstykke Aabenraa Åbyhøj " ] ||
	fail "Danish order is wrong: $order"
# The table's dates are day-first in Danish.
grep -Eq '[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}\.[0-9]{2}$' "$TEST_TMP/list" ||
	fail "no Danish date in: $(cat "$TEST_TMP/list")"

# A Danish locale that is not installed still gives Danish.
LANG=da_DK.UTF-8 tv "$H" show "$event" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "lør. 8. nov. 2036 kl. 19.30"
assert_contains "$TEST_TMP/show" "pris:"
assert_contains "$TEST_TMP/show" "1.250 kr."
assert_contains "$TEST_TMP/show" "posttype:"
LC_ALL=C tv "$H" --lang da show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "180.000 kr."
assert_contains "$TEST_TMP/show" "skuffe"
env LC_MESSAGES=da_DK.UTF-8 TVAERS_HOME="$H" "$TVAERS" status >"$TEST_TMP/status"
assert_contains "$TEST_TMP/status" "egne poster:"

# English otherwise, and --lang en beats the locale.
tv "$H" show "$event" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "Sat 8 Nov 2036, 19:30"
assert_contains "$TEST_TMP/show" "1,250 kr."
LANG=da_DK.UTF-8 tv "$H" --lang en show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "180,000 kr."
assert_contains "$TEST_TMP/show" "record kind:"
# GNU gettext's rule: LANGUAGE does not count in the C locale.
LC_ALL=C LANGUAGE=da tv "$H" show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "record kind:"
LANG=en_GB.UTF-8 LANGUAGE=da tv "$H" show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "posttype:"

# Plurals follow the number.
tv "$H" --lang da export --out "$TEST_TMP/export.jsonl" >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "eksporterede 10 poster til"

# Errors and help in Danish; exit codes and subcommand names as in English.
expect_fail 2 tv "$H" --lang da show
assert_contains "$TEST_TMP/stderr" "show skal have en REF"
assert_contains "$TEST_TMP/stderr" "Brug: tvaers show REF"
expect_fail 2 tv "$H" --lang da frobnicate
assert_contains "$TEST_TMP/stderr" "der findes ingen kommando 'frobnicate'"
expect_fail 3 env TVAERS_HOME="$TEST_TMP/nowhere" "$TVAERS" --lang da status
assert_contains "$TEST_TMP/stderr" "tvaersd kører ikke"
expect_fail 2 tv "$H" --lang de status
assert_contains "$TEST_TMP/stderr" "--lang takes da (Danish) or en (English)"
tv "$H" --lang da help >"$TEST_TMP/help.da"
tv "$H" help >"$TEST_TMP/help.en"
assert_contains "$TEST_TMP/help.da" "Kommandoer:"
diff <(awk '/^  [a-z]/ { print $1 }' "$TEST_TMP/help.en") \
	<(awk '/^  [a-z]/ { print $1 }' "$TEST_TMP/help.da") >/dev/null ||
	fail "the command names differ between the English and Danish help"
tv "$H" --lang da list --help >"$TEST_TMP/help"
assert_contains "$TEST_TMP/help" "alfabetisk orden (Æ, Ø, Å efter Z; Aa som Å)"

# A peer's state: a Danish word for people, the code for scripts (port 9 on
# loopback refuses, so the link is connecting or waiting to retry).
tv "$H" peers add 127.0.0.1:9 >/dev/null
tv "$H" --lang da peers >"$TEST_TMP/peers"
assert_contains "$TEST_TMP/peers" "TILSTAND"
grep -Eq '127\.0\.0\.1:9 +(forbinder|venter) ' "$TEST_TMP/peers" ||
	fail "no Danish peer state: $(cat "$TEST_TMP/peers")"
tv "$H" --lang da --json peers |
	jq -e '.[0].state == "connecting" or .[0].state == "backoff"' >/dev/null ||
	fail "--json peers lost the state code"
tv "$H" peers rm 127.0.0.1:9 >/dev/null

# The commands of main's later branches speak Danish too.
tv "$H" --lang da events --from 2036-11-01 >"$TEST_TMP/events"
assert_contains "$TEST_TMP/events" "DATO"
assert_contains "$TEST_TMP/events" "08-11-2036"
assert_contains "$TEST_TMP/events" "19.30"
tv "$H" events --from 2036-11-01 >"$TEST_TMP/events"
assert_contains "$TEST_TMP/events" "2036-11-08"
assert_contains "$TEST_TMP/events" "19:30"
tv "$H" --lang da status >"$TEST_TMP/status"
grep -Eq '^synkronisering: +i ro; ikke afstemt endnu' "$TEST_TMP/status" ||
	fail "no Danish sync line: $(cat "$TEST_TMP/status")"
assert_contains "$TEST_TMP/status" "poster modtaget, 0 sendt siden start"
tv "$H" --lang da search zzzyyyxxx >"$TEST_TMP/search"
assert_contains "$TEST_TMP/search" "Intet fundet."
tv "$H" --lang da search Ridesti >"$TEST_TMP/search"
assert_contains "$TEST_TMP/search" "TITEL"
tv "$H" --lang da networks >"$TEST_TMP/networks"
assert_contains "$TEST_TMP/networks" "Ingen kendte netværk."
expect_fail 2 tv "$H" --lang da list --region Atlantis
assert_contains "$TEST_TMP/stderr" "ingen region 'Atlantis'; regionerne er"
expect_fail 2 tv "$H" --lang da events --to 2000-01-01
assert_contains "$TEST_TMP/stderr" "--to ligger før --from"
tv "$H" --lang da template --kind forening >/dev/null
expect_fail 2 tv "$H" --lang da template --kind area
assert_contains "$TEST_TMP/stderr" "CSV-filer rummer foreninger, projekter eller arrangementer"
tv "$H" --lang da match --help >"$TEST_TMP/help"
assert_contains "$TEST_TMP/help" "Finder foreninger og projekter"

# The catalogue is found through TVAERS_LOCALEDIR first: none there, English.
TVAERS_LOCALEDIR=$TEST_TMP/none tv "$H" --lang da show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "record kind:"

# Installed anywhere: PREFIX/bin/tvaers finds PREFIX/share/locale.
P=$TEST_TMP/prefix
mkdir -p "$P/bin" "$P/share/locale/da/LC_MESSAGES"
cp "$TVAERS" "$P/bin/tvaers"
cp "$(dirname "$TVAERS")/locale/da/LC_MESSAGES/tvaers.mo" \
	"$P/share/locale/da/LC_MESSAGES/"
TVAERS_HOME=$H "$P/bin/tvaers" --lang da show "$proj" >"$TEST_TMP/show"
assert_contains "$TEST_TMP/show" "posttype:"

echo "ok"
