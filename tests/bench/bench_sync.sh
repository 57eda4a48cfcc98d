#!/usr/bin/env bash
# Sync between linked daemons over loopback (PROTOCOL.md §10-§12), each
# figure printed beside what it compares with:
#  1. initial sync of N records (~300-byte bodies) from A to an empty B,
#     beside the machine's bound (decode + Ed25519 verify + batched store
#     insert of the same records, on one thread and with two verifiers);
#  2. reconnect with nothing changed, then with 1,000 differences;
#  3. one new record through a chain of five daemons, per hop;
#  4. resident memory of A idle holding N records.
# Never fails on time. BENCH_N scales it down (default 100000).
source "$(dirname "$0")/../integration/lib.sh"
: "${BENCH_FILL:?set BENCH_FILL}" "${BENCH_VERIFY:?set BENCH_VERIFY}"

N=${BENCH_N:-100000}
DIFF=${BENCH_DIFF:-1000}
[ "$DIFF" -le "$N" ] || DIFF=$N
CHAIN_K=${BENCH_CHAIN_K:-20}
HZ=$(getconf CLK_TCK)
port_base
P0=$PORT_BASE
A=$TEST_TMP/a
B=$TEST_TMP/b

now() { date +%s.%N; }
calc() { echo "$*" | bc -l; }
cpu() { # PID -> CPU seconds (user + system) so far
	awk -v hz="$HZ" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}
mem() { # PID FIELD -> kB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
records() { tv "$1" --json status | jq .records; }
has_at_least() { [ "$(records "$1")" -ge "$2" ]; }
peer_bytes() { # HOME -> "in out" summed over its peers
	tv "$1" --json peers | jq -r '[([.[].bytes_in] | add // 0), ([.[].bytes_out] | add // 0)] | @tsv'
}
connected() { tv "$1" --json peers | jq -e 'any(.[]; .connected)' >/dev/null; }
log_count() { grep -c -- "$2" "$1" || true; }
# wait_done LOG BEFORE: waits for one more "reconciliation done" in LOG
wait_done() {
	local deadline=$((SECONDS + 120))
	until [ "$(log_count "$1" 'reconciliation done')" -gt "$2" ]; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# ---- 1. Initial sync ----------------------------------------------------
start_daemon "$A" --listen "127.0.0.1:$P0" -l debug
PID_A=$DAEMON_PID
start_daemon "$B" --listen "127.0.0.1:$((P0 + 1))" -l debug
PID_B=$DAEMON_PID

t=$(now)
"$BENCH_FILL" "$A/control.sock" "$N" >/dev/null
fill_s=$(calc "$(now) - $t")
tv "$A" export --out "$TEST_TMP/a.jsonl" >/dev/null
rec_bytes=$(jq -r '.raw | length / 2' "$TEST_TMP/a.jsonl" | awk '{ s += $1 } END { printf "%.0f", s / NR }')
want_b=$(($(records "$B") + $(records "$A") - $(tv "$A" --json status | jq .local_records)))

code=$(tv "$A" --json invite --address "127.0.0.1:$P0" | jq -r .code)
cpu_a0=$(cpu "$PID_A")
cpu_b0=$(cpu "$PID_B")
t0=$(now)
tv "$B" join "$code" >/dev/null || fail "B join"
wait_until 600 has_at_least "$B" "$want_b" ||
	{ tail -20 "$B/daemon.log" >&2; fail "B did not get A's records"; }
t1=$(now)
cpu_a1=$(cpu "$PID_A")
cpu_b1=$(cpu "$PID_B")
sleep 0.3
read -r b_in b_out < <(peer_bytes "$B")
hwm_a=$(mem "$PID_A" VmHWM)
hwm_b=$(mem "$PID_B" VmHWM)

bound=$("$BENCH_VERIFY" "$TEST_TMP/a.jsonl" "$TEST_TMP")
one=$(awk '$1 == "one_thread" { print $2 }' <<<"$bound")
two=$(awk '$1 == "two_threads" { print $2 }' <<<"$bound")
rate=$(calc "$N / ($t1 - $t0)")

printf 'bench sync: (setup) %d associations made at A in %.1f s: signed records of %d bytes (body: name + 250-char description)\n' \
	"$N" "$fill_s" "$rec_bytes"
printf 'bench sync: initial sync A->B of %d records: %.2f s, %.0f records/s (from join to B holding all)\n' \
	"$N" "$(calc "$t1 - $t0")" "$rate"
printf 'bench sync:   bound, same records decode+verify+store_put_replicated (the daemon store with all its indexes and its intake cache, txn 1000): one thread %s records/s, two verify threads %s records/s\n' \
	"$one" "$two"
printf 'bench sync:   sync reaches %.0f%% of the two-thread bound (target >= 80%%), %.0f%% of the one-thread bound\n' \
	"$(calc "100 * $rate / $two")" "$(calc "100 * $rate / $one")"
printf 'bench sync:   wire bytes per record: %.1f (B in %d + out %d; record itself %d bytes)\n' \
	"$(calc "($b_in + $b_out) / $N")" "$b_in" "$b_out" "$rec_bytes"
printf 'bench sync:   CPU seconds: A %.2f, B %.2f (wall %.2f); peak RSS (VmHWM): A %.1f MB, B %.1f MB\n' \
	"$(calc "$cpu_a1 - $cpu_a0")" "$(calc "$cpu_b1 - $cpu_b0")" "$(calc "$t1 - $t0")" \
	"$(calc "$hwm_a / 1024")" "$(calc "$hwm_b / 1024")"

# The receiver's large intake cache (daemon/sync.c) goes 2 s after the last
# records came; B should be as small as an idle daemon then.
sleep 4
printf 'bench sync:   B idle after taking them in: VmRSS %.1f MB (target <= 16 MB)\n' \
	"$(calc "$(mem "$PID_B" VmRSS) / 1024")"

# ---- 2. Reconnect --------------------------------------------------------
# B dials A. `peers` shows B's stored totals of ended links plus the open
# link; a link still open at shutdown is not added to the stored totals, so
# the baseline is read from B's stopped database, and what `peers` shows
# after the restart, minus it, is what the new link exchanged.
stored_bytes() {
	sqlite3 -readonly "$B/tvaers.db" \
		'SELECT coalesce(sum(bytes_in), 0), coalesce(sum(bytes_out), 0) FROM peers' | tr '|' ' '
}
restart_b() { # [FUNCTION to run while B is stopped]; sets L_IN L_OUT
	local before before_a s_in s_out e_in e_out
	stop_daemon "$PID_B"
	[ -z "${1:-}" ] || "$1"
	read -r s_in s_out < <(stored_bytes)
	before=$(log_count "$B/daemon.log" 'reconciliation done')
	before_a=$(log_count "$A/daemon.log" 'reconciliation done')
	start_daemon "$B" --listen "127.0.0.1:$((P0 + 1))" -l debug
	PID_B=$DAEMON_PID
	wait_done "$B/daemon.log" "$before" || wait_done "$A/daemon.log" "$before_a" ||
		fail "no reconciliation after the restart"
	[ -z "${2:-}" ] || wait_until 120 has_at_least "$B" "$2" ||
		fail "B did not get the new records"
	sleep 0.3
	read -r e_in e_out < <(peer_bytes "$B")
	L_IN=$((e_in - s_in))
	L_OUT=$((e_out - s_out))
}

# last_session LOG: "ROUNDS BYTES" of the last reconciliation B ran
last_session() {
	grep 'reconciliation done:' "$1" | tail -1 |
		sed -E 's/.*done: ([0-9]+) round trips, ([0-9]+) bytes.*/\1 \2/'
}

sleep 0.5
restart_b
ref_bytes=$((L_IN + L_OUT))
read -r rounds neg_bytes < <(last_session "$B/daemon.log")
printf 'bench sync: reconnect, nothing changed, %d records each side: %d bytes on the new link (B in %d + out %d, Noise handshake and hello included)\n' \
	"$N" "$ref_bytes" "$L_IN" "$L_OUT"
printf 'bench sync:   reconciliation itself: %d round trip(s), %d bytes of Negentropy messages (target <= 400 bytes, 1 round trip)\n' \
	"$rounds" "$neg_bytes"

add_at_a() { "$BENCH_FILL" "$A/control.sock" "$DIFF" Ny >/dev/null; }
restart_b add_at_a $(($(records "$B") + DIFF))
per_rec=$(calc "($b_in + $b_out) / $N")
printf 'bench sync: reconnect, %d new at A: %d bytes (B in %d + out %d) = %.1f bytes per difference in all;\n' \
	"$DIFF" "$((L_IN + L_OUT))" "$L_IN" "$L_OUT" "$(calc "($L_IN + $L_OUT) / $DIFF")"
printf 'bench sync:   minus the unchanged reconnect and the record bytes (%d each): %.1f bytes per difference (target <= 40); minus the initial sync'"'"'s %.1f wire bytes per record: %.1f\n' \
	"$rec_bytes" "$(calc "($L_IN + $L_OUT - $ref_bytes - $DIFF * $rec_bytes) / $DIFF")" \
	"$per_rec" "$(calc "($L_IN + $L_OUT - $ref_bytes) / $DIFF - $per_rec")"
read -r rounds neg_bytes < <(last_session "$B/daemon.log")
printf 'bench sync:   reconciliation: %d round trips, %d bytes = %.1f bytes per difference (A, the responder, sent the records unasked: PROTOCOL.md §11.7)\n' \
	"$rounds" "$neg_bytes" "$(calc "$neg_bytes / $DIFF")"

# The same, with the new records on the initiator's side: B writes while
# its link is down (peers rm), then dials again (peers add).
tv "$B" peers rm "127.0.0.1:$P0" >/dev/null
"$BENCH_FILL" "$B/control.sock" "$DIFF" Nyb >/dev/null
before=$(log_count "$B/daemon.log" 'reconciliation done')
want_a=$(($(records "$A") + DIFF))
tv "$B" peers add "127.0.0.1:$P0" >/dev/null
wait_done "$B/daemon.log" "$before" || fail "no reconciliation after peers add"
wait_until 120 has_at_least "$A" "$want_a" || fail "A did not get B's new records"
sleep 0.3
read -r L_IN L_OUT < <(peer_bytes "$B")
read -r rounds neg_bytes < <(last_session "$B/daemon.log")
printf 'bench sync: reconnect, %d new at B (the initiator): %d bytes on the link = %.1f bytes per difference in all; minus the unchanged reconnect and the record bytes: %.1f (target <= 40)\n' \
	"$DIFF" "$((L_IN + L_OUT))" "$(calc "($L_IN + $L_OUT) / $DIFF")" \
	"$(calc "($L_IN + $L_OUT - $ref_bytes - $DIFF * $rec_bytes) / $DIFF")"
printf 'bench sync:   reconciliation: %d round trips, %d bytes = %.1f bytes per difference\n' \
	"$rounds" "$neg_bytes" "$(calc "$neg_bytes / $DIFF")"

# ---- 4. Idle memory of A -------------------------------------------------
# A still holds N + DIFF records; let it go idle first: a responder keeps
# its snapshot for 2 s after the last round (daemon/sync.c).
sleep 4
printf 'bench sync: A idle holding %d records: VmRSS %.1f MB (target <= 16 MB), VmHWM %.1f MB\n' \
	"$(records "$A")" "$(calc "$(mem "$PID_A" VmRSS) / 1024")" "$(calc "$(mem "$PID_A" VmHWM) / 1024")"

# ---- 3. Chain of five ----------------------------------------------------
stop_daemon "$PID_B"
stop_daemon "$PID_A"
H=()
for i in 0 1 2 3 4; do
	H[i]=$TEST_TMP/chain$i
	start_daemon "${H[i]}" --listen "127.0.0.1:$((P0 + 2 + i))"
done
for i in 1 2 3 4; do
	code=$(tv "${H[i - 1]}" --json invite --address "127.0.0.1:$((P0 + 1 + i))" | jq -r .code)
	tv "${H[i]}" join "$code" >/dev/null || fail "chain join $i"
done
for i in 1 2 3 4; do
	wait_until 30 connected "${H[i]}" || fail "chain link $i did not open"
done
# Warm up: one record end to end, then wait for every area record to settle.
"$BENCH_FILL" chain "${H[0]}/control.sock" "${H[4]}/control.sock" 1 >/dev/null ||
	fail "warm-up record did not cross the chain"
sleep 1
"$BENCH_FILL" chain "${H[0]}/control.sock" "${H[4]}/control.sock" "$CHAIN_K" >"$TEST_TMP/chain.txt" ||
	fail "a record did not cross the chain"
med=$(sort -n "$TEST_TMP/chain.txt" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
max=$(sort -n "$TEST_TMP/chain.txt" | tail -1)
printf 'bench sync: one new record A->E through 5 daemons (%d records): median %.2f ms end to end, %.2f ms per hop (target <= 5 ms per hop); worst %.2f ms\n' \
	"$CHAIN_K" "$med" "$(calc "$med / 4")" "$max"
