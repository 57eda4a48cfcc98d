#!/usr/bin/env bash
# One daemon per data directory: a second one refuses and names the first.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"
rc=0
TVAERS_HOME=$H timeout 10 "$TVAERSD" >"$TEST_TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a second tvaersd exited $rc, expected 1"
assert_contains "$TEST_TMP/out" "pid $DAEMON_PID"
assert_contains "$TEST_TMP/out" "already running"
tv "$H" status >/dev/null || fail "the first daemon stopped answering"

# After a clean stop the directory is free again, with no stale files.
stop_daemon "$DAEMON_PID"
[ ! -e "$H/control.sock" ] || fail "the control socket was left behind"
[ ! -e "$H/tvaersd.pid" ] || fail "the pid file was left behind"
[ ! -s "$H/tvaers.db-wal" ] || fail "the WAL was not checkpointed on SIGTERM"
start_daemon "$H"
stat -c %a "$H/control.sock" | grep -qx 600 || fail "socket mode is not 0600"
stat -c %a "$H/area.key" | grep -qx 600 || fail "key mode is not 0600"
echo "lock: ok"
