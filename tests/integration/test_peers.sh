#!/usr/bin/env bash
# Federation links: invite and join, both sides linked with the right area
# ids; a daemon of another federation never links; garbage on the peer port
# does not hurt; peers rm closes the link.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 1))
A=$TEST_TMP/a
B=$TEST_TMP/b
C=$TEST_TMP/c
start_daemon "$A" --listen "127.0.0.1:$PA"
PID_A=$DAEMON_PID
start_daemon "$B" --listen "127.0.0.1:$PB"
start_daemon "$C"

id_a=$(tv "$A" --json id | jq -r .area)
id_b=$(tv "$B" --json id | jq -r .area)

code=$(tv "$A" --json invite --address "127.0.0.1:$PA" | jq -r .code)
case $code in tvaers-*) ;; *) fail "invite gave no code: '$code'" ;; esac
tv "$B" join "$code" >/dev/null || fail "join"

linked() { # HOME AREA: HOME has an open link to AREA
	tv "$1" --json peers | jq -e --arg a "$2" \
		'any(.[]; .area == $a and .connected == true)' >/dev/null
}
wait_until 20 linked "$B" "$id_a" || { cat "$B/daemon.log" >&2; fail "B not linked to A"; }
wait_until 20 linked "$A" "$id_b" || { cat "$A/daemon.log" >&2; fail "A not linked to B"; }
tv "$B" status | grep -q "1 connected of 1 known" || fail "status peers line"

# Another federation: C never joined; its handshake fails at message 3.
tv "$C" peers add "127.0.0.1:$PA" >/dev/null
wait_until 20 grep -q "wrong federation key or not a tvaers peer" "$A/daemon.log" ||
	fail "A did not log the failed handshake"
tv "$C" --json peers | jq -e 'all(.[]; .connected == false)' >/dev/null ||
	fail "C linked without the federation key"

# Garbage on the peer port: the daemon keeps serving.
head -c 4096 /dev/urandom >/dev/tcp/127.0.0.1/"$PA" || true
printf '\0\0\0\0' >/dev/tcp/127.0.0.1/"$PA" || true
tv "$A" status >/dev/null || fail "A stopped serving after garbage"
linked "$B" "$id_a" || fail "the B-A link did not survive the garbage"

# peers rm: the link goes away.
tv "$B" peers rm "127.0.0.1:$PA" >/dev/null
not_linked() { ! linked "$@"; }
wait_until 20 not_linked "$A" "$id_b" || fail "A still linked after rm"
tv "$B" --json peers | jq -e 'length == 0' >/dev/null || fail "B still lists A"
# A remembers the ended inbound link with its totals.
tv "$A" --json peers | jq -e --arg b "$id_b" \
	'any(.[]; .area == $b and .state == "gone" and .bytes_in > 0 and .last_seen > 0)' >/dev/null ||
	fail "A forgot the inbound link: $(tv "$A" --json peers)"

# A killed with -9 is seen gone; restarted, B links again.
tv "$B" peers add "127.0.0.1:$PA" >/dev/null
wait_until 20 linked "$B" "$id_a" || fail "B did not link to A again"
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
wait_until 20 not_linked "$B" "$id_a" || fail "B did not notice A gone"
start_daemon "$A" --listen "127.0.0.1:$PA"
wait_until 30 linked "$B" "$id_a" || { cat "$B/daemon.log" >&2; fail "B did not relink to A"; }

# Host names are looked up when dialled; a name that does not resolve is
# a peer error, not a daemon error.
tv "$B" peers rm "127.0.0.1:$PA" >/dev/null
wait_until 20 not_linked "$A" "$id_b" || fail "A still linked after rm"
tv "$B" peers add "localhost:$PA" >/dev/null || fail "peers add by host name"
wait_until 20 linked "$B" "$id_a" || { cat "$B/daemon.log" >&2; fail "B did not link to localhost"; }
tv "$B" peers add "no-such-host.invalid:$PA" >/dev/null
looked_up() {
	tv "$B" --json peers | jq -e 'any(.[]; .addr == "no-such-host.invalid:'"$PA"'" and
		(.last_error // "" | test("cannot look up")))' >/dev/null
}
wait_until 20 looked_up || { tv "$B" --json peers >&2; fail "no look-up error"; }
tv "$B" status >/dev/null || fail "B stopped serving"
echo ok
