#!/usr/bin/env bash
# tvaersd -n checks a config; the area profile follows the config at start
# and on SIGHUP; a bad config is refused with file:line.
source "$(dirname "$0")/lib.sh"

H=$TEST_TMP/area
mkdir -p "$H"
cat >"$H/tvaersd.conf" <<CONF
[area]
name = Hejninge-Stillinge
kind = landsby
municipality = 0329
CONF
TVAERS_HOME=$H "$TVAERSD" -n | grep -qx "configuration OK" || fail "-n"
TVAERS_HOME=$H "$TVAERSD" -nv >"$TEST_TMP/norm"
assert_contains "$TEST_TMP/norm" "Hejninge-Stillinge"
assert_contains "$TEST_TMP/norm" "329"

start_daemon "$H"
tv "$H" --json show area | jq -e '.fields.name == "Hejninge-Stillinge"
	and .fields.kind == "village" and .fields.municipality == 329' >/dev/null ||
	fail "the configured profile was not applied at start"

sed -i 's/Hejninge-Stillinge/Stillinge Lokalråd/' "$H/tvaersd.conf"
kill -HUP "$DAEMON_PID"
wait_until 20 bash -c "TVAERS_HOME='$H' '$TVAERS' --json show area |
	jq -e '.fields.name == \"Stillinge Lokalråd\"'" ||
	fail "SIGHUP did not apply the new name"

printf '[area]\nmunicipality = 999\n' >"$TEST_TMP/bad.conf"
rc=0
TVAERS_HOME=$H "$TVAERSD" -n -c "$TEST_TMP/bad.conf" 2>"$TEST_TMP/err" || rc=$?
[ "$rc" -ne 0 ] || fail "a bad config passed -n"
assert_contains "$TEST_TMP/err" "bad.conf:2"
echo "config: ok"
