#!/usr/bin/env bash
# The limit of Danish order in human listings (cli/rowsort.h ROWSORT_MAX):
# a kind with 2,000 records is sorted; with 2,001 the table streams in
# tvaersd's order (byte order of titles) instead of waiting for them all.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"
# "bårse" comes first in Danish order, after "Zoo" and the capitals in bytes.
"$CTLPOKE" "$H/control.sock" batch 1998 association >/dev/null
tv "$H" add association --name "Zoo" >/dev/null
tv "$H" add association --name "bårse" >/dev/null

tv "$H" list association >"$TEST_TMP/list"
[ "$(wc -l <"$TEST_TMP/list")" -eq 2001 ] || fail "not 2,000 rows and a head"
[ "$(awk 'NR == 2 { print $2 }' "$TEST_TMP/list")" = "bårse" ] ||
	fail "2,000 records are not in Danish order: $(sed -n 2p "$TEST_TMP/list")"
awk 'NR > 1 { print $2 }' "$TEST_TMP/list" | tail -n 1 | grep -qx "Zoo" ||
	fail "Zoo is not last of 2,000"

# Counts in status are grouped as people write them.
tv "$H" --lang da status | grep -Eq '^poster: +2\.000$' ||
	fail "status does not say 2.000 poster: $(tv "$H" --lang da status)"
tv "$H" status | grep -Eq '^records: +2,000$' || fail "status: not 2,000 records"

tv "$H" add association --name "Ærø" >/dev/null
tv "$H" list association >"$TEST_TMP/list"
[ "$(wc -l <"$TEST_TMP/list")" -eq 2002 ] || fail "not 2,001 rows and a head"
# tvaersd's order: "Forening nr. …" < "Zoo" < "bårse" < "Ærø" bytewise.
tail -n 3 "$TEST_TMP/list" | awk '{ print $2 }' | tr '\n' ' ' |
	grep -qx "Zoo bårse Ærø " ||
	fail "2,001 records are not in tvaersd's order: $(tail -n 3 "$TEST_TMP/list")"
tv "$H" --json list association | jq -r '.[-3:][] | .fields.name' |
	tr '\n' ' ' | grep -qx "Zoo bårse Ærø " || fail "--json order changed"
echo "ok"
