#!/usr/bin/env bash
# Catch-up after downtime (PROTOCOL.md §12): (a) 1,000 records written
# while B was down all reach it; (b) after a partition in which each side
# wrote alone, both end with the same set; (c) B restored from an old
# backup converges to the newest versions, and its next write wins; (d) a
# second machine with B's key (a copy of its data folder on another
# computer) writes too, and every store ends with the newest versions.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 8))
A=$TEST_TMP/a
B=$TEST_TMP/b
start_daemon "$A" --listen "127.0.0.1:$PA"
PID_A=$DAEMON_PID
start_daemon "$B" --listen "127.0.0.1:$PB"
PID_B=$DAEMON_PID

id_a=$(tv "$A" --json id | jq -r .area)
id_b=$(tv "$B" --json id | jq -r .area)
join_via "$B" "$A" "$PA"

linked() { # HOME AREA
	tv "$1" --json peers | jq -e --arg a "$2" \
		'any(.[]; .area == $a and .connected == true)' >/dev/null
}
count_is() { # HOME N
	[ "$(tv "$1" --json list association | jq length)" -eq "$2" ]
}
hashes() { # HOME: the sorted version hashes of every association
	tv "$1" --json list association | jq -r '.[].hash' | sort
}
same_set() {
	[ "$(hashes "$A")" = "$(hashes "$B")" ]
}
has_name() { # HOME NAME
	tv "$1" --json list association | jq -e --arg n "$2" \
		'any(.[]; (.fields.name // .title) == $n)' >/dev/null
}
name_of() { # HOME ID: the name of the record with that id
	tv "$1" --json list association | jq -r --arg i "$2" \
		'.[] | select(.id == $i) | (.fields.name // .title)'
}
name_is() { [ "$(name_of "$1" "$2")" = "$3" ]; }
restart_b() {
	start_daemon "$B" --listen "127.0.0.1:$PB"
	PID_B=$DAEMON_PID
}
wait_until 20 linked "$B" "$id_a" || { cat "$B/daemon.log" >&2; fail "B not linked to A"; }
wait_until 20 linked "$A" "$id_b" || { cat "$A/daemon.log" >&2; fail "A not linked to B"; }

# (a) B down while A writes 1,000 records; restarted, B gets them all.
stop_daemon "$PID_B"
"$CTLPOKE" "$A/control.sock" batch 1000 association >/dev/null ||
	fail "batch of 1000 at A"
count_is "$A" 1000 || fail "A does not hold 1000"
t0=$SECONDS
restart_b
wait_until 60 count_is "$B" 1000 ||
	{ tail -20 "$B/daemon.log" >&2; fail "B holds $(tv "$B" --json list association | jq length) of 1000"; }
echo "(a) 1000 records caught up in $((SECONDS - t0)) s" >&2
wait_until 20 same_set || fail "(a) A and B differ"

# (b) A partition: each side writes alone, then both hold everything.
stop_daemon "$PID_B"
"$CTLPOKE" "$A/control.sock" batch 50 association >/dev/null ||
	fail "batch of 50 at A"
stop_daemon "$PID_A"
restart_b
"$CTLPOKE" "$B/control.sock" batch 50 association >/dev/null ||
	fail "batch of 50 at B"
start_daemon "$A" --listen "127.0.0.1:$PA"
PID_A=$DAEMON_PID
t0=$SECONDS
wait_until 60 count_is "$A" 1100 ||
	{ tail -20 "$B/daemon.log" >&2; fail "(b) A holds $(tv "$A" --json list association | jq length) of 1100"; }
wait_until 60 count_is "$B" 1100 ||
	fail "(b) B holds $(tv "$B" --json list association | jq length) of 1100"
wait_until 20 same_set || fail "(b) A and B hold different sets"
echo "(b) partition healed in $((SECONDS - t0)) s" >&2

# (c) An old backup of B: a record written at B, then B copied while
# stopped, then the record updated three times at B.
rid=$(tv "$B" --json add association --name "Backup Original Kqz" | jq -r .id)
wait_until 20 name_is "$A" "$rid" "Backup Original Kqz" || fail "(c) the record did not reach A"
stop_daemon "$PID_B"
cp -a "$B" "$TEST_TMP/b.backup"
restart_b
wait_until 20 linked "$B" "$id_a" || fail "(c) B did not relink"
for v in 1 2 3; do
	tv "$B" set "${rid:0:10}" --name "Backup Version $v Kqz" >/dev/null ||
		fail "(c) set $v at B"
done
wait_until 20 name_is "$A" "$rid" "Backup Version 3 Kqz" ||
	fail "(c) A has '$(name_of "$A" "$rid")', not version 3"
stop_daemon "$PID_B"
rm -rf "$B"
cp -a "$TEST_TMP/b.backup" "$B"
restart_b
# (It may have caught up already: the original or version 3, nothing else.)
name_of "$B" "$rid" | grep -Eqx "Backup (Original|Version 3) Kqz" ||
	fail "(c) the restored B has '$(name_of "$B" "$rid")'"
wait_until 30 name_is "$B" "$rid" "Backup Version 3 Kqz" ||
	{ tail -20 "$B/daemon.log" >&2; fail "(c) the restored B has '$(name_of "$B" "$rid")', not version 3"; }
name_is "$A" "$rid" "Backup Version 3 Kqz" || fail "(c) A lost version 3"
# The restored daemon's own next write is newer than everything it had.
tv "$B" set "${rid:0:10}" --name "Backup Version 4 Kqz" >/dev/null || fail "(c) set 4"
wait_until 20 name_is "$A" "$rid" "Backup Version 4 Kqz" ||
	fail "(c) A has '$(name_of "$A" "$rid")', not version 4"
name_is "$B" "$rid" "Backup Version 4 Kqz" || fail "(c) B has '$(name_of "$B" "$rid")', not version 4"
wait_until 20 same_set || fail "(c) A and B differ"

# (d) B2 runs with B's key and a copy of B's store, linked to a third
# daemon C that links to A: A-B and A-C-B2. A refuses a second link to
# B's area, so B and B2 only meet through records that A relays.
C=$TEST_TMP/c
B2=$TEST_TMP/b2
PC=$((PA + 1))
start_daemon "$C" --listen "127.0.0.1:$PC"
join_via "$C" "$A" "$PA"
stop_daemon "$PID_B"
cp -a "$B" "$B2"
rm -f "$B2"/tvaers.db-wal "$B2"/daemon.log
tv_peers_rm() { sqlite3 "$1/tvaers.db" "DELETE FROM peers"; }
tv_peers_rm "$B2"
restart_b
start_daemon "$B2"
join_via "$B2" "$C" "$PC"
id_c=$(tv "$C" --json id | jq -r .area)
wait_until 20 linked "$B2" "$id_c" || { cat "$B2/daemon.log" >&2; fail "(d) B2 not linked to C"; }
# Each machine edits the record in turn; the later edit wins everywhere.
tv "$B2" set "${rid:0:10}" --name "Twin Version 5 Kqz" >/dev/null || fail "(d) set 5 at B2"
wait_until 20 name_is "$B" "$rid" "Twin Version 5 Kqz" || fail "(d) B has '$(name_of "$B" "$rid")', not B2's version 5"
tv "$B" set "${rid:0:10}" --name "Twin Version 6 Kqz" >/dev/null || fail "(d) set 6 at B"
for h in "$A" "$B" "$B2" "$C"; do
	wait_until 20 name_is "$h" "$rid" "Twin Version 6 Kqz" ||
		fail "(d) $(basename "$h") has '$(name_of "$h" "$rid")', not version 6"
done
# New records from both machines reach every store.
tv "$B" add association --name "Fra B Kqz" >/dev/null
tv "$B2" add association --name "Fra B2 Kqz" >/dev/null
for h in "$A" "$B" "$B2" "$C"; do
	wait_until 20 has_name "$h" "Fra B Kqz" || fail "(d) B's new record missing at $(basename "$h")"
	wait_until 20 has_name "$h" "Fra B2 Kqz" || fail "(d) B2's new record missing at $(basename "$h")"
done
[ "$(hashes "$B")" = "$(hashes "$B2")" ] || fail "(d) B and B2 differ"
echo ok
