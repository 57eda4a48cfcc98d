# Shared helpers for the integration tests (sourced, bash).
# Each test gets a temporary directory that is removed on exit, with every
# daemon it started stopped first. Waits poll with a deadline; no sleeps.
set -euo pipefail

: "${TVAERSD:?set TVAERSD to the tvaersd binary}"
: "${TVAERS:?set TVAERS to the tvaers binary}"
: "${CTLPOKE:?set CTLPOKE to the ctlpoke binary}"

# Tests read English output unless they ask for Danish (--lang da or LANG).
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tvaers-test.XXXXXX")
TEST_PIDS=()
PORT_LOCKS=()

cleanup() {
	local pid
	for pid in "${TEST_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${TEST_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TEST_TMP" "${PORT_LOCKS[@]}"
}
trap cleanup EXIT

# port_base: sets PORT_BASE to the first of 16 loopback ports that no other
# test of this machine holds. ctest -j starts tests with neighbouring pids,
# so ports derived from $$ collided; a lock directory per block (mkdir is
# atomic) cannot. The lock goes with the test.
port_base() {
	local dir=${TMPDIR:-/tmp}/tvaers-test-ports i b
	mkdir -p "$dir"
	for ((i = 0; i < 2500; i++)); do
		b=$((20000 + ($$ + i) % 2500 * 16))
		if mkdir "$dir/$b" 2>/dev/null; then
			PORT_LOCKS+=("$dir/$b")
			PORT_BASE=$b
			return 0
		fi
	done
	fail "no free block of test ports in $dir"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# wait_until DEADLINE_SECONDS COMMAND...: polls COMMAND until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# start_daemon HOME [ARGS...]: starts tvaersd on HOME with ARGS (default
# --listen none, so that parallel tests never share a peer port); sets
# DAEMON_PID.
start_daemon() {
	local home=$1
	shift
	[ "$#" -gt 0 ] || set -- --listen none
	mkdir -p "$home"
	TVAERS_HOME=$home "$TVAERSD" "$@" >>"$home/daemon.log" 2>&1 &
	DAEMON_PID=$!
	TEST_PIDS+=("$DAEMON_PID")
	wait_until 20 env TVAERS_HOME="$home" "$TVAERS" status ||
		{ cat "$home/daemon.log" >&2; fail "tvaersd on $home did not start"; }
}

# stop_daemon PID: SIGTERM and wait; fails if it does not exit cleanly.
stop_daemon() {
	local pid=$1 rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "tvaersd $pid exited with $rc on SIGTERM"
}

# one_link_each HOME...: each daemon wants one link only ([network]
# target_peers = 1), so it dials no area learned from profiles and a line
# of daemons stays a line. Call before start_daemon.
one_link_each() {
	local h
	for h in "$@"; do
		mkdir -p "$h"
		printf '[network]\ntarget_peers = 1\n' >"$h/tvaersd.conf"
	done
}

# join_via JOINER HOST PORT: JOINER joins HOST's federation with an invite
# naming 127.0.0.1:PORT, where HOST listens.
join_via() {
	local code
	code=$(tv "$2" --json invite --address "127.0.0.1:$3" | jq -r .code)
	tv "$1" join "$code" >/dev/null || fail "join $1 -> $2"
}

# tv HOME ARGS...: runs the CLI against HOME.
tv() {
	local home=$1
	shift
	TVAERS_HOME=$home "$TVAERS" "$@"
}

# expect_fail STATUS COMMAND...: COMMAND must exit with STATUS; its stderr
# is left in $TEST_TMP/stderr.
expect_fail() {
	local want=$1 rc=0
	shift
	"$@" >"$TEST_TMP/stdout" 2>"$TEST_TMP/stderr" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "'$*' exited $rc, expected $want: $(cat "$TEST_TMP/stderr")"
}

# assert_contains FILE TEXT
assert_contains() {
	grep -qF -- "$2" "$1" || fail "$1 does not contain '$2': $(head -c 2000 "$1")"
}
