#!/usr/bin/env bash
# Past events expire (PROTOCOL.md §6.18): a store sweeps them out at start
# and on reload, with their bytes gone from the database files, and a peer
# that still holds one cannot bring it back through sync. A small keep
# period (event_keep_months = 1) stands in for the default 12 months.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
A=$TEST_TMP/a
B=$TEST_TMP/b
# A reads a file from the start, so that SIGHUP has one to read again.
mkdir -p "$A"
printf '[daemon]\nevent_keep_months = 12\n' >"$A/tvaersd.conf"
start_daemon "$A" --listen "127.0.0.1:$PA"
PID_A=$DAEMON_PID
start_daemon "$B"
PID_B=$DAEMON_PID

OLD="Høstmarked Qzxv"	# ended 40 days ago: kept for 12 months, not for 1
past=$(date -u -d '40 days ago' +%F)
Y=$(( $(date -u +%Y) + 1 ))
E_OLD=$(tv "$A" --json add event --title "$OLD" --start "$past" | jq -r .ref)
E_NEW=$(tv "$A" --json add event --title "Julemarked" --start "$Y-12-05" | jq -r .ref)
join_via "$B" "$A" "$PA"

holds() { # HOME REF
	tv "$1" --json list event | jq -e --arg r "$2" 'any(.[]; .ref == $r)' >/dev/null
}
lacks() { ! holds "$@"; }
in_files() { # HOME TEXT: true if TEXT is anywhere in the database files
	# No pipe: under pipefail a grep -q that stops early fails the cat.
	grep -qsaF -- "$2" "$1"/tvaers.db*
}
wait_until 20 holds "$B" "$E_OLD" || fail "the event did not reach B"
wait_until 20 holds "$B" "$E_NEW" || fail "the new event did not reach B"
in_files "$B" "$OLD" || fail "test broken: the title is not in B's files"

# B restarts with a keep period of one month: the sweep at start deletes
# the old event before anything is served, and its bytes are gone.
stop_daemon "$PID_B"
printf '[daemon]\nevent_keep_months = 1\n' >"$B/tvaersd.conf"
start_daemon "$B"
PID_B=$DAEMON_PID
lacks "$B" "$E_OLD" || fail "the sweep at start kept an expired event"
holds "$B" "$E_NEW" || fail "the sweep deleted an event still to come"
! in_files "$B" "$OLD" || fail "the expired event's bytes are still in B's files"
assert_contains "$B/daemon.log" "expire: deleted 1 events"

# A still holds it (its keep period is 12 months) and offers it when B's
# link reconciles; B takes it in and drops it, without refusing the peer.
dropped() {
	tv "$B" --json log | jq -e 'any(.[]; .event | test("records: [0-9]+ in, 0 new, 0 refused"))' >/dev/null
}
wait_until 20 dropped || { tv "$B" log >&2; fail "B did not take in and drop A's expired event"; }
lacks "$B" "$E_OLD" || fail "sync brought the expired event back to B"
! in_files "$B" "$OLD" || fail "sync put the expired event's bytes back"
holds "$A" "$E_OLD" || fail "A lost an event it keeps"

# A reloads with the shorter keep period: its own event goes too.
printf '[daemon]\nevent_keep_months = 1\n' >"$A/tvaersd.conf"
kill -HUP "$PID_A"
wait_until 10 lacks "$A" "$E_OLD" || fail "the sweep after a reload kept the event"
holds "$A" "$E_NEW" || fail "A's sweep deleted an event still to come"
! in_files "$A" "$OLD" || fail "the expired event's bytes are still in A's files"
tv "$A" log | grep -q "expire: 1 events deleted" || fail "tvaers log does not say"

# A store refuses to write what would expire at once.
expect_fail 1 tv "$A" add event --title "For sent" --start "$past"
assert_contains "$TEST_TMP/stderr" "more than 1 months ago"
exit 0
