#!/usr/bin/env bash
# The profile's peers and addresses (PROTOCOL.md §12.6): each area
# publishes the areas it links to and where it can be reached; a daemon with
# fewer links than [network] target_peers dials an area learned from a
# profile; [network] advertise = none publishes no address.
source "$(dirname "$0")/lib.sh"

port_base
PA=$PORT_BASE
PB=$((PA + 1))
PC=$((PA + 2))
A=$TEST_TMP/a
B=$TEST_TMP/b
C=$TEST_TMP/c
conf() { # HOME NAME TARGET ADVERTISE
	mkdir -p "$1"
	printf '[area]\nname = %s\nkind = village\nmunicipality = 336\n[network]\ntarget_peers = %s\nadvertise = %s\n' \
		"$2" "$3" "$4" >"$1/tvaersd.conf"
}
conf "$A" Aby 8 auto
conf "$B" Bby 2 "127.0.0.1:$PB"
conf "$C" Cby 2 none
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B" --listen "127.0.0.1:$PB"
start_daemon "$C" --listen "127.0.0.1:$PC"
id_a=$(tv "$A" --json id | jq -r .area)
id_b=$(tv "$B" --json id | jq -r .area)
id_c=$(tv "$C" --json id | jq -r .area)

code=$(tv "$A" --json invite --address "127.0.0.1:$PA" | jq -r .code)
tv "$B" join "$code" >/dev/null
tv "$C" join "$code" >/dev/null

profile() { # HOME AREA: that area's profile as HOME holds it (fields)
	tv "$1" --json show "$2:" | jq -c .fields
}
lists_peer() { # HOME AREA PEER: AREA's profile at HOME lists PEER
	profile "$1" "$2" | jq -e --arg p "$3" '(.peers // []) | any(. == $p or startswith($p))' >/dev/null
}
# A whole area id alone names that area's profile, as AREA: does.
tv "$A" --json show "$id_a" | jq -e --arg a "$id_a" '.area == $a and .kind == "area"' >/dev/null ||
	fail "show AREA did not show the profile"
# B and C dial A: their profiles name A, A's names both.
wait_until 30 lists_peer "$A" "$id_b" "$id_a" || { profile "$A" "$id_b" >&2; cat "$B/daemon.log" >&2; fail "B's profile at A does not list A"; }
wait_until 30 lists_peer "$A" "$id_c" "$id_a" || fail "C's profile at A does not list A"
profile "$A" "$id_b" | jq -e --arg a "127.0.0.1:$PB" '.addresses == [$a]' >/dev/null ||
	fail "B's profile does not carry its advertised address: $(profile "$A" "$id_b")"
profile "$A" "$id_c" | jq -e '.addresses == null' >/dev/null ||
	fail "C (advertise = none) published addresses: $(profile "$A" "$id_c")"
# A only answers, yet lists both (links count in either direction), with
# its (auto) address.
wait_until 30 lists_peer "$B" "$id_a" "$id_b" || fail "A's profile does not list B: $(profile "$B" "$id_a")"
wait_until 30 lists_peer "$B" "$id_a" "$id_c" || fail "A's profile does not list C: $(profile "$B" "$id_a")"
profile "$B" "$id_a" | jq -e --arg a "127.0.0.1:$PA" '.addresses | index($a)' >/dev/null ||
	fail "A's profile at B: $(profile "$B" "$id_a")"

# C has one link of the two it wants and learns B's address through A:
# it dials B. B learns no address for C, so only C's dial can link them.
linked() { # HOME AREA
	tv "$1" --json peers | jq -e --arg a "$2" 'any(.[]; .area == $a and .connected)' >/dev/null
}
wait_until 60 linked "$C" "$id_b" || { cat "$C/daemon.log" >&2; fail "C did not dial B from its profile"; }
grep -q "learned from its profile" "$C/daemon.log" || fail "C did not log the learned dial"
tv "$C" --json peers | jq -e --arg b "$id_b" 'any(.[]; .area == $b and .known == false)' >/dev/null ||
	fail "the learned peer is shown as known: $(tv "$C" --json peers)"
! grep -q "learned from its profile" "$B/daemon.log" || fail "B dialled an area with no address"
# C now links to B too, and both say so.
wait_until 30 lists_peer "$B" "$id_c" "$id_b" || fail "C's profile does not list B: $(profile "$B" "$id_c")"
wait_until 30 lists_peer "$C" "$id_b" "$id_c" || fail "B's profile does not list C: $(profile "$C" "$id_b")"

# A record still crosses: written at B, it reaches C (directly or via A).
tv "$B" add association --name "Bby Bådelaug" >/dev/null
has() { tv "$1" --json list association | jq -e 'any(.[]; .fields.name == "Bby Bådelaug")' >/dev/null; }
wait_until 20 has "$C" || { tv "$C" --json list association >&2; tv "$C" log >&2; tv "$B" log >&2; tail -20 "$C/daemon.log" >&2; fail "the record did not reach C"; }
echo ok
