#!/usr/bin/env bash
# Blocking an area (tvaers block/unblock, areas, log): B blocks A, so B
# deletes A's records (from its files too), refuses new ones without
# punishing the peer and relays nothing of A's to C; unblock brings them
# back, also on a link the other side opened (RESYNC). `areas` shows names,
# counts, direct or relayed, and blocks.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 1))
A=$TEST_TMP/a
B=$TEST_TMP/b
C=$TEST_TMP/c
# One link each: A must not dial B itself (discovery), so that the unblock
# below happens on a link B opened.
one_link_each "$A" "$B" "$C"
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B" --listen "127.0.0.1:$PB"
start_daemon "$C"

count_is() { # HOME N
	[ "$(tv "$1" --json list association | jq length)" -eq "$2" ]
}
has_name() { # HOME NAME
	tv "$1" --json list association | jq -e --arg n "$2" \
		'any(.[]; (.fields.name // .title) == $n)' >/dev/null
}
area_of() { # HOME AREA_ID JQ_FILTER: the filter holds for AREA_ID's item
	tv "$1" --json areas | jq -e --arg a "$2" "any(.[]; .area == \$a and ($3))" >/dev/null
}
log_has() { # HOME REGEX
	tv "$1" --json log 200 | jq -e --arg r "$2" 'any(.[]; .event | test($r))' >/dev/null
}

tv "$A" set area --name "Blokby Lokalråd Zqx" --kind village --municipality 336 >/dev/null
for i in 1 2 3; do
	tv "$A" add association --name "Blokforening Qwzx $i" >/dev/null
done
ID_A=$(tv "$A" --json id | jq -r .area)
ID_B=$(tv "$B" --json id | jq -r .area)

join_via "$B" "$A" "$PA"
join_via "$C" "$B" "$PB"
wait_until 30 count_is "$B" 3 || { cat "$B/daemon.log" >&2; fail "A's records did not reach B"; }
wait_until 30 count_is "$C" 3 || { cat "$C/daemon.log" >&2; fail "A's records did not reach C"; }

# areas: A is direct at B with its name, municipality and 4 records (the
# profile and three associations); relayed at C; B is direct at C.
wait_until 20 area_of "$B" "$ID_A" '.direct == true and .blocked == false' ||
	fail "areas at B: $(tv "$B" --json areas)"
area_of "$B" "$ID_A" '.name == "Blokby Lokalråd Zqx" and .records == 4 and
	.municipality == 336 and .municipality_name == "Stevns" and .own == false' ||
	fail "areas at B: $(tv "$B" --json areas)"
tv "$B" --json areas | jq -e --arg b "$ID_B" 'any(.[]; .area == $b and .own)' >/dev/null ||
	fail "areas at B does not mark its own area: $(tv "$B" --json areas)"
area_of "$C" "$ID_A" '.direct == false and .link == "relayed" and .records == 4' ||
	fail "areas at C: $(tv "$C" --json areas)"
wait_until 20 area_of "$C" "$ID_B" '.direct == true' || fail "areas at C: $(tv "$C" --json areas)"
tv "$B" areas | grep -q "Blokby Lokalråd Zqx" || fail "text areas lacks A's name"
# People see areas by name in Danish order: Aa as Å, after B (bytes: before).
tv "$B" set area --name "Aabybro Zqx" --kind village --municipality 849 >/dev/null
tv "$B" areas | grep -Eo 'Blokby|Aabybro' | tr '\n' ' ' | grep -qx "Blokby Aabybro " ||
	fail "text areas not in Danish order: $(tv "$B" areas)"

# Blocking one's own area is refused.
expect_fail 1 tv "$B" block "$ID_B"
assert_contains "$TEST_TMP/stderr" "own area"
expect_fail 1 tv "$B" block "Ingen Sådan Zzzq"

# Block A by its name: its records are gone at once, also from the files.
tv "$B" block "blokby lokalråd zqx" >"$TEST_TMP/out" || fail "block"
assert_contains "$TEST_TMP/out" "4 records deleted"
count_is "$B" 0 || fail "B still lists A's records"
tv "$B" --json list area | jq -e --arg a "$ID_A" 'all(.[]; .area != $a)' >/dev/null ||
	fail "B still holds A's profile"
for f in "$B"/tvaers.db "$B"/tvaers.db-wal; do
	[ -e "$f" ] || continue
	for word in Blokforening Blokby; do
		n=$(grep -c -a "$word" "$f" || true)
		[ "$n" -eq 0 ] || fail "$f still holds '$word' ($n)"
	done
done
area_of "$B" "$ID_A" '.blocked == true and .records == 0' ||
	fail "areas at B does not show A blocked: $(tv "$B" --json areas)"
tv "$B" areas | grep -q "$(printf %.8s "$ID_A")" || fail "text areas lacks A"

# A new record at A reaches B, which drops it: not stored, not relayed to
# C, and the link to A is not punished.
tv "$A" add association --name "Blokforening Ny Qwzx" >/dev/null
wait_until 30 log_has "$B" '[1-9][0-9]* blocked$' ||
	fail "B's log shows no dropped record: $(tv "$B" log 200)"
count_is "$B" 0 || fail "the new record of A reached B's store"
hasnt() { ! has_name "$@"; }
hasnt "$C" "Blokforening Ny Qwzx" || fail "B relayed a blocked area's record to C"
tv "$B" --json peers | jq -e --arg a "$ID_A" \
	'any(.[]; .area == $a and .connected and .records_bad == 0)' >/dev/null ||
	fail "the link to A was punished: $(tv "$B" --json peers)"
count_is "$C" 3 || fail "C lost A's records"

# Unblock by id prefix: A's records come back, the new one too.
tv "$B" unblock "${ID_A:0:12}" >/dev/null || fail "unblock"
wait_until 30 count_is "$B" 4 || { cat "$B/daemon.log" >&2; fail "A's records did not return to B"; }
wait_until 30 has_name "$C" "Blokforening Ny Qwzx" || fail "the new record did not reach C after unblock"
area_of "$B" "$ID_A" '.blocked == false and .records == 5' ||
	fail "areas at B after unblock: $(tv "$B" --json areas)"
expect_fail 1 tv "$B" unblock "$ID_A"

# An unblock on a link the other side opened: A is the responder on B's
# link, so A asks B to reconcile (RESYNC, PROTOCOL.md §10.3) and B's
# records return in seconds, not at B's next 10-minute reconciliation.
# (B's profile may get new versions meanwhile; an old record of B's must
# come back.)
tv "$B" add association --name "Bforening Tilbage Zqx" >/dev/null
wait_until 30 has_name "$A" "Bforening Tilbage Zqx" || fail "B's record did not reach A"
tv "$A" block "$ID_B" >/dev/null || fail "A block B"
area_of "$A" "$ID_B" '.blocked == true and .records == 0' ||
	fail "areas at A after blocking B: $(tv "$A" --json areas)"
tv "$A" unblock "$ID_B" >/dev/null || fail "A unblock B"
wait_until 30 has_name "$A" "Bforening Tilbage Zqx" ||
	{ cat "$B/daemon.log" >&2; fail "B's records did not return to A after unblock"; }
log_has "$B" '^asked to reconcile$' || fail "B's log does not show A's RESYNC: $(tv "$B" log 200)"
# B had reconciled with A a moment before (its own unblock): the session
# RESYNC asked for starts no sooner than 10 s after that one (PROTOCOL.md
# §10.3). Sessions end well within a second of starting.
gap=$(tv "$B" --json log 200 | jq '
	(map(select(.event == "asked to reconcile")) | .[0].time) as $ask |
	map(select(.event | startswith("reconciled"))) |
	(map(select(.time > $ask)) | min_by(.time).time) -
	(map(select(.time <= $ask)) | max_by(.time).time)')
[ "$gap" -ge 9000 ] || fail "B reconciled again after $gap ms, under RESYNC's 10 s"

# The log has the events.
log_has "$B" '^connected' || fail "no connect event: $(tv "$B" log 200)"
log_has "$B" '^blocked; 4 records deleted' || fail "no block event"
log_has "$B" '^unblocked' || fail "no unblock event"
log_has "$B" '^reconciled' || fail "no reconciliation event"
[ "$(tv "$B" --json log 5 | jq length)" -eq 5 ] || fail "log 5: $(tv "$B" --json log 5)"
tv "$B" log | grep -q "blocked; 4 records deleted" || fail "text log: $(tv "$B" log)"
tv "$B" log verbose >/dev/null || fail "log verbose"
expect_fail 1 tv "$B" log loud
echo ok
