#!/usr/bin/env bash
# 10,000 durable adds through the control socket, one at a time and as one
# batch: every one is there afterwards, also after a restart.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
start_daemon "$H"
"$CTLPOKE" "$H/control.sock" adds 10000 association | grep -qx "added 10000" ||
	fail "not every add succeeded"
"$CTLPOKE" "$H/control.sock" batch 10000 project | grep -q "10000 records added" ||
	fail "the batch failed"
n=$(tv "$H" --json list association | jq length)
[ "$n" -eq 10000 ] || fail "list shows $n associations, expected 10000"
# A filter that drops whole pages must still end the listing.
tv "$H" add association --name "Ridelauget" --interests heste >/dev/null
tv "$H" --json list association --interests heste |
	jq -e 'length == 1 and .[0].fields.name == "Ridelauget"' >/dev/null ||
	fail "a filtered listing over 10,000 records"
stop_daemon "$DAEMON_PID"
start_daemon "$H"
tv "$H" --json status | jq -e '.records == 20001' >/dev/null ||
	fail "status does not count 20000 records after a restart"
n=$(tv "$H" --json list project | jq length)
[ "$n" -eq 10000 ] || fail "list shows $n projects, expected 10000"
echo "many: ok"
