#!/usr/bin/env bash
# Malformed control requests get an error reply (or a hang-up) and the
# daemon keeps answering status.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
S=$H/control.sock
start_daemon "$H"

alive() {
	tv "$H" status >/dev/null || fail "tvaersd stopped answering after $1"
	kill -0 "$DAEMON_PID" 2>/dev/null || fail "tvaersd died after $1"
}

for seed in 1 2 3 4 5 6 7 8; do
	"$CTLPOKE" "$S" random "$seed" $((seed * 97)) >"$TEST_TMP/out"
	grep -Eq '^end -[0-9]+ ' "$TEST_TMP/out" ||
		fail "random frame $seed: $(cat "$TEST_TMP/out")"
	alive "random frame $seed"
	"$CTLPOKE" "$S" garbage "$seed" 300 >"$TEST_TMP/out"
	alive "unframed garbage $seed"
done

"$CTLPOKE" "$S" huge >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "request too big"
alive "a 100 MB length prefix"

"$CTLPOKE" "$S" truncated >/dev/null
alive "a truncated frame"

"$CTLPOKE" "$S" stall >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "request incomplete"
alive "a stalled frame"

"$CTLPOKE" "$S" op nosuchop >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "unknown request 'nosuchop'"
"$CTLPOKE" "$S" op add >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "argument 'kind' is missing"
"$CTLPOKE" "$S" op set >"$TEST_TMP/out"
assert_contains "$TEST_TMP/out" "argument 'ref' is missing"
alive "requests without arguments"

# Many connections at once, all abandoned: the daemon sheds and survives.
pokes=()
for i in $(seq 1 40); do
	"$CTLPOKE" "$S" truncated >/dev/null &
	pokes+=("$!")
done
wait_until 20 tv "$H" status || fail "status after 40 abandoned connections"
wait "${pokes[@]}"
alive "40 abandoned connections"
echo "hostile: ok"
