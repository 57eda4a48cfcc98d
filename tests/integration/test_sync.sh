#!/usr/bin/env bash
# Records travel (PROTOCOL.md §12): catch-up by reconciliation both ways
# when a link opens, live push of add/set/rm, relay along a line of four
# A-B-C-D, and local-only records never leave their area.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 1))
PC=$((PA + 2))
A=$TEST_TMP/a
B=$TEST_TMP/b
C=$TEST_TMP/c
D=$TEST_TMP/d
one_link_each "$A" "$B" "$C" "$D"
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B" --listen "127.0.0.1:$PB"
PID_B=$DAEMON_PID
start_daemon "$C" --listen "127.0.0.1:$PC"
start_daemon "$D"

names() { # HOME: the sorted association names
	tv "$1" --json list association | jq -c '[.[].fields.name // .[].title] | sort'
}
count_is() { # HOME N
	[ "$(tv "$1" --json list association | jq length)" -eq "$2" ]
}
has_name() { # HOME NAME
	tv "$1" --json list association | jq -e --arg n "$2" \
		'any(.[]; (.fields.name // .title) == $n)' >/dev/null
}
hasnt_name() { ! has_name "$@"; }
add() { # HOME NAME -> id
	tv "$1" --json add association --name "$2" | jq -r .id
}

# (a) Before any link: three at A (one with Danish letters), two at B, and
# a local-only contact at A.
add "$A" "Ridelauget Østby" >/dev/null
add "$A" "Æblegårdens Venner på Ærø" >/dev/null
add "$A" "Vestby Borgerforening" >/dev/null
add "$B" "Nordby Skytteforening" >/dev/null
add "$B" "Sønderby Sangkor" >/dev/null
tv "$A" add contact --name "Hemmeligperson Qzxw" --phone 12345678 >/dev/null

code=$(tv "$A" --json invite --address "127.0.0.1:$PA" | jq -r .code)
t0=$SECONDS
tv "$B" join "$code" >/dev/null || fail "B join"
wait_until 20 count_is "$B" 5 || { cat "$B/daemon.log" >&2; fail "A's records did not reach B"; }
wait_until 20 count_is "$A" 5 || { cat "$A/daemon.log" >&2; fail "B's records did not reach A"; }
[ "$(names "$A")" = "$(names "$B")" ] || fail "A and B differ: $(names "$A") vs $(names "$B")"
echo "catch-up both ways: $((SECONDS - t0)) s" >&2

# (c) A line A-B-C-D: C joins B, D joins C; A's records reach D through
# B and C.
join_via "$C" "$B" "$PB"
join_via "$D" "$C" "$PC"
wait_until 20 count_is "$C" 5 || { cat "$C/daemon.log" >&2; fail "C did not catch up"; }
wait_until 20 count_is "$D" 5 || { cat "$D/daemon.log" >&2; fail "D did not catch up"; }
add "$A" "Relæforeningen Vest" >/dev/null
wait_until 20 has_name "$D" "Relæforeningen Vest" ||
	{ cat "$C/daemon.log" >&2; fail "a record written at A did not reach D"; }
# ... and D's way back to A.
add "$D" "Endestationens Venner" >/dev/null
wait_until 20 has_name "$A" "Endestationens Venner" || fail "a record written at D did not reach A"
# D is linked to C only: the record crossed three hops.
[ "$(tv "$D" --json peers | jq '[.[] | select(.connected)] | length')" -eq 1 ] ||
	fail "D has other links: $(tv "$D" --json peers)"

# (b) Live: add, set and rm at A reach B.
live=$(add "$A" "Gammelnavn Kvxzq")
doomed=$(add "$A" "Slettes Snart Wqpx")
wait_until 20 has_name "$B" "Gammelnavn Kvxzq" || fail "live add did not reach B"
wait_until 20 has_name "$B" "Slettes Snart Wqpx" || fail "live add 2 did not reach B"
tv "$A" set "${live:0:10}" --name "Nynavn Fjord" >/dev/null
tv "$A" rm "${doomed:0:10}" >/dev/null
wait_until 20 has_name "$B" "Nynavn Fjord" || fail "set did not reach B"
wait_until 20 hasnt_name "$B" "Gammelnavn Kvxzq" || fail "the old name stayed at B"
wait_until 20 hasnt_name "$B" "Slettes Snart Wqpx" || fail "rm did not reach B"
wait_until 20 hasnt_name "$C" "Slettes Snart Wqpx" || fail "rm did not reach C"
wait_until 20 has_name "$D" "Nynavn Fjord" || fail "set did not reach D"
wait_until 20 hasnt_name "$D" "Gammelnavn Kvxzq" || fail "the old name stayed at D"
wait_until 20 hasnt_name "$D" "Slettes Snart Wqpx" || fail "rm did not reach D"

# Status: B has reconciled and received records since it started.
tv "$B" --json status | jq -e '.records_received > 0 and .last_reconciled > 0 and .records_sent > 0' >/dev/null ||
	fail "status shows no sync: $(tv "$B" --json status)"
tv "$B" status | grep -Eq '^sync: +(idle; last reconciled|reconciling)' || fail "status has no sync line"
tv "$B" status | grep -Eq 'records received, [0-9]+ sent since start' || fail "status has no traffic line"

# Counters: B received records from A.
tv "$B" --json peers | jq -e 'any(.[]; .records_in > 0)' >/dev/null ||
	fail "peers shows no records received: $(tv "$B" --json peers)"

# (d) The contact never left A.
[ "$(tv "$B" --json list contact | jq length)" -eq 0 ] || fail "a contact reached B"
[ "$(tv "$C" --json list contact | jq length)" -eq 0 ] || fail "a contact reached C"
[ "$(tv "$D" --json list contact | jq length)" -eq 0 ] || fail "a contact reached D"
[ "$(tv "$A" --json list contact | jq length)" -eq 1 ] || fail "A lost its contact"

# Old text is gone from every store's files while the daemons run: the
# database pages are overwritten and the WAL truncated after a replacement.
for h in "$A" "$B" "$C" "$D"; do
	for f in "$h"/tvaers.db "$h"/tvaers.db-wal; do
		[ -e "$f" ] || continue
		words="Gammelnavn Slettes"
		[ "$h" = "$A" ] || words="$words Hemmeligperson"
		for word in $words; do
			n=$(grep -c -a "$word" "$f" || true)
			[ "$n" -eq 0 ] || fail "$f still holds '$word' ($n)"
		done
	done
done
echo ok
