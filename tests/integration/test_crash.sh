#!/usr/bin/env bash
# A record acknowledged by `add` survives kill -9 of the daemon right after.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"
for i in 1 2 3; do
	id=$(tv "$H" --json add association --name "Crash test $i" | jq -r .id)
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	start_daemon "$H"
	tv "$H" --json show "$id" | jq -e '.fields.name == "Crash test '"$i"'"' \
		>/dev/null || fail "record $i lost after kill -9"
done
tv "$H" export --out "$TEST_TMP/export.jsonl"
"$CTLPOKE" - verify "$TEST_TMP/export.jsonl" | grep -q "verified 3" ||
	fail "records do not verify after the crashes"
echo "crash: ok"
