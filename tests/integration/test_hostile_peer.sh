#!/usr/bin/env bash
# A hostile federation peer (peerpoke, with the federation key from an
# invite code): forged, non-canonical, local-only and oversized records,
# garbage and stalled frames, a wrong federation key. Each time the daemon
# answers ERROR or hangs up, stores nothing, logs it, keeps serving status,
# and keeps its real peer B linked and syncing. A valid record is stored.
source "$(dirname "$0")/lib.sh"
: "${PEERPOKE:?set PEERPOKE to the peerpoke binary}"

port_base
PA=$PORT_BASE
PB=$((PA + 8))
A=$TEST_TMP/a
B=$TEST_TMP/b
start_daemon "$A" --listen "127.0.0.1:$PA"
PID_A=$DAEMON_PID
start_daemon "$B" --listen "127.0.0.1:$PB"

id_a=$(tv "$A" --json id | jq -r .area)
id_b=$(tv "$B" --json id | jq -r .area)
code=$(tv "$A" --json invite --address "127.0.0.1:$PA" | jq -r .code)
tv "$B" join "$code" >/dev/null || fail "B join"

linked() { # HOME AREA
	tv "$1" --json peers | jq -e --arg a "$2" \
		'any(.[]; .area == $a and .connected == true)' >/dev/null
}
has_name() { # HOME KIND NAME
	tv "$1" --json list "$2" | jq -e --arg n "$3" \
		'any(.[]; (.fields.name // .title) == $n)' >/dev/null
}
wait_until 20 linked "$B" "$id_a" || { cat "$B/daemon.log" >&2; fail "B not linked to A"; }
wait_until 20 linked "$A" "$id_b" || { cat "$A/daemon.log" >&2; fail "A not linked to B"; }

# poke MODE EXPECTED_OUTPUT LOG_TEXT
poke() {
	local mode=$1 want=$2 logtext=$3 out
	out=$("$PEERPOKE" "127.0.0.1:$PA" "$code" "$mode") ||
		fail "peerpoke $mode failed: $out"
	[ "$out" = "$want" ] ||
		fail "$mode: the daemon did '$(echo $out)', expected '$(echo $want)'"
	wait_until 10 grep -qF -- "$logtext" "$A/daemon.log" ||
		fail "$mode: A did not log '$logtext': $(tail -5 "$A/daemon.log")"
	kill -0 "$PID_A" 2>/dev/null || fail "A died after $mode"
	tv "$A" status >/dev/null || fail "A stopped serving status after $mode"
	linked "$A" "$id_b" || fail "the A-B link did not survive $mode"
	[ "$mode" = valid ] || ! has_name "$A" association "Peerpoke $mode Xq" ||
		fail "$mode: the bad record was stored"
	echo "$mode: $(echo $out)" >&2
}

# Bad records are dropped one by one: ERROR 2, the link stays up.
poke forged "error 2" "refused 1 records (bad signature)"
poke noncanon "error 2" "refused 1 records (undecodable record: not in canonical form)"
poke local "error 2" "refused 1 records (a local-only record)"
[ "$(tv "$A" --json list contact | jq length)" -eq 0 ] || fail "a contact from a peer was stored"
# A record over 61440 bytes: too big, ERROR 3 and the link closes.
poke oversized $'error 3\nclosed' "inbound link closed: bad message: too big"
# A flood of RESYNC from a peer that dialled us: only an initiator acts on
# it, so it is ignored, and neither logged nor answered.
poke resync ok "linked to area"
! grep -q "asks for a reconciliation" "$A/daemon.log" ||
	fail "A acted on RESYNC from a link it did not open"
# Frames that do not decrypt, a wrong psk, a stalled handshake: closed.
poke garbage closed "inbound link closed: cannot decrypt a frame"
poke wrongkey closed "handshake failed: wrong federation key"
poke stall closed "handshake timed out"

# Peer failures are counted; none of them were B's.
[ "$(grep -c 'refused 1 records' "$A/daemon.log")" -eq 3 ] ||
	fail "A did not count 3 refused records"
tv "$A" --json peers | jq -e --arg a "$id_b" \
	'all(.[]; .area != $a or .records_bad == 0)' >/dev/null ||
	fail "B was blamed: $(tv "$A" --json peers)"

# The tool works: a valid record from a peer of the federation is stored.
poke valid ok "linked to area"
wait_until 10 has_name "$A" association "Peerpoke valid Xq" ||
	fail "the valid record was not stored"
wait_until 20 has_name "$B" association "Peerpoke valid Xq" ||
	fail "the valid record was not relayed to B"

# After all of it, B still syncs with A.
tv "$B" add association --name "Efter Angrebet Zqx" >/dev/null
wait_until 20 has_name "$A" association "Efter Angrebet Zqx" ||
	{ cat "$A/daemon.log" >&2; fail "a record written at B did not reach A"; }
tv "$A" add association --name "Stadig Levende Wqx" >/dev/null
wait_until 20 has_name "$B" association "Stadig Levende Wqx" ||
	fail "a record written at A did not reach B"
echo ok
