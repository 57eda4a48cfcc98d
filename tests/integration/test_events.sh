#!/usr/bin/env bash
# tvaers events (issue 5): the agenda across two peered areas, --json,
# date windows, and --ical read back by an independent parser (Debian's
# python3-icalendar) field by field: a Danish title folded across a line
# boundary, Copenhagen times with their VTIMEZONE, an all-day event with
# an exclusive DTEND, UID stable and SEQUENCE growing after `tvaers set`,
# STATUS:CANCELLED, CRLF and lines of at most 75 octets.
source "$(dirname "$0")/lib.sh"

# Debian's python3-icalendar belongs to Debian's python3, whatever else
# is first on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c 'import icalendar' 2>/dev/null ||
	fail "python3-icalendar is missing: make test-deps"

port_base
PA=$PORT_BASE
A=$TEST_TMP/a
B=$TEST_TMP/b
start_daemon "$A" --listen "127.0.0.1:$PA"
start_daemon "$B"
tv "$A" set area --name "Hejninge-Stillinge" --kind landsby --municipality 329 >/dev/null
tv "$B" set area --name "Østby" --kind landsby --municipality 336 >/dev/null
join_via "$B" "$A" "$PA"

Y=$(( $(date -u +%Y) + 1 ))	# next year: always in the future
# "SUMMARY:" and the escaped text before "æbleskiver" are exactly 74
# octets, so the 2-octet æ must move whole onto the continuation line.
TITLE="Hejninge-Stillinge Lokalråd inviterer: fællesspisning, dans og æbleskiver i forsamlingshuset"
add_event() { # HOME ARGS... -> ref
	local home=$1
	shift
	tv "$home" --json add event "$@" | jq -r .ref
}
E1=$(add_event "$A" --title "$TITLE" --start "$Y-11-08 09:30" \
	--end "08.11.$Y 17:00" --place "Forsamlingshuset; salen" --price 75 \
	--interests faellesskab,miljoe)
E2=$(add_event "$A" --title "Sommerlejr" --start "$Y-07-03" --end "05-07-$Y")
E3=$(add_event "$B" --title "Loppemarked ved kirken" --start "$Y-06-20 10:00" \
	--end "$Y-06-20 14:00" --signup "https://example.org/loppe")
has_event() { # HOME REF
	tv "$1" --json events | jq -e --arg r "$2" 'any(.[]; .ref == $r)' >/dev/null
}
wait_until 20 has_event "$A" "$E3" || fail "B's event did not reach A"
wait_until 20 has_event "$B" "$E1" || fail "A's event did not reach B"

# The agenda: ordered by start, from both areas, with the area's name.
tv "$A" --json events >"$TEST_TMP/agenda.json"
jq -e --arg y "$Y" '[.[].start] == [$y + "-06-20T10:00:00+02:00",
	$y + "-07-03", $y + "-11-08T09:30:00+01:00"]' "$TEST_TMP/agenda.json" \
	>/dev/null || fail "agenda order or times: $(cat "$TEST_TMP/agenda.json")"
jq -e '.[0].area_name == "Østby" and .[2].area_name == "Hejninge-Stillinge"
	and .[1].all_day and .[1].end == "'"$Y"'-07-05" and
	.[2].place == "Forsamlingshuset; salen"' "$TEST_TMP/agenda.json" \
	>/dev/null || fail "agenda fields: $(cat "$TEST_TMP/agenda.json")"
tv "$A" events >"$TEST_TMP/agenda.txt"
assert_contains "$TEST_TMP/agenda.txt" "$Y-06-20   10:00–14:00"
assert_contains "$TEST_TMP/agenda.txt" "until $Y-07-05"
assert_contains "$TEST_TMP/agenda.txt" "Østby"

# Windows: Danish dates work; --to takes its whole day.
n() { tv "$A" --json events "$@" | jq length; }
[ "$(n --from "01-07-$Y" --to "03.07.$Y")" -eq 1 ] || fail "window of 1-3 July"
[ "$(n --from "$Y-07-04")" -eq 2 ] || fail "an all-day event is on until its last day"
[ "$(n --from "$Y-07-06" --to "$Y-11-07")" -eq 0 ] || fail "empty window"
[ "$(n --from "$Y-06-20" --to "$Y-06-20")" -eq 1 ] || fail "one day"
expect_fail 2 tv "$A" events --from "31-02-$Y"
assert_contains "$TEST_TMP/stderr" "is not a date"
expect_fail 2 tv "$A" events --from "$Y-07-06" --to "$Y-07-01"
expect_fail 2 tv "$A" events --out "$TEST_TMP/x.ics"
expect_fail 2 tv "$A" events --bogus

# The op itself without arguments: every event held, no window.
"$CTLPOKE" "$A/control.sock" op events | grep -q '^end 0' ||
	fail "events without arguments"

# Past events are not written (they would expire at once).
expect_fail 1 tv "$A" add event --title "Gammelt" --start 2001-01-01
assert_contains "$TEST_TMP/stderr" "months ago"

check_ical() { # FILE: the independent parser's view; prints "uid seq" of E1
	"$PY" - "$1" "$TITLE" "$Y" <<'PY'
import sys, datetime
import icalendar

path, title, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
raw = open(path, "rb").read()
def fail(msg):
	sys.exit("FAIL: " + msg)
# RFC 5545 §3.1: CRLF everywhere, lines of at most 75 octets, folds never
# inside a UTF-8 character (each physical line decodes on its own).
if not raw.endswith(b"\r\n") or b"\n" in raw.replace(b"\r\n", b""):
	fail("not CRLF line ends")
lines = raw.split(b"\r\n")[:-1]
for l in lines:
	if len(l) > 75:
		fail("line of %d octets: %r" % (len(l), l))
	l.decode("utf-8")
folded = [i for i, l in enumerate(lines) if l.startswith(b"SUMMARY:Hejninge")]
if not folded or not lines[folded[0] + 1].startswith(" æbleskiver".encode()):
	fail("the title did not fold before æ: %r" % lines[folded[0]:folded[0] + 2])
if len(lines[folded[0]]) != 74:
	fail("the fold line has %d octets" % len(lines[folded[0]]))

cal = icalendar.Calendar.from_ical(raw)
if str(cal["VERSION"]) != "2.0" or "PRODID" not in cal:
	fail("VERSION/PRODID")
tz = [c for c in cal.walk("VTIMEZONE")]
if len(tz) != 1 or str(tz[0]["TZID"]) != "Europe/Copenhagen":
	fail("no VTIMEZONE for Europe/Copenhagen")
names = sorted(str(s["TZNAME"]) for s in tz[0].subcomponents)
if names != ["CEST", "CET"]:
	fail("VTIMEZONE parts: %r" % names)
ev = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
if sorted(ev) != sorted([title, "Sommerlejr", "Loppemarked ved kirken"]):
	fail("summaries: %r" % sorted(ev))
for e in ev.values():
	for k in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART"):
		if k not in e:
			fail("%s lacks %s" % (e["SUMMARY"], k))
e1 = ev[title]
s, t = e1["DTSTART"].dt, e1["DTEND"].dt
if (s.replace(tzinfo=None), t.replace(tzinfo=None)) != (
    datetime.datetime(year, 11, 8, 9, 30), datetime.datetime(year, 11, 8, 17, 0)):
	fail("E1 times %r %r" % (s, t))
if e1["DTSTART"].params.get("TZID") != "Europe/Copenhagen":
	fail("E1 DTSTART has no TZID")
if s.utcoffset() != datetime.timedelta(hours=1):
	fail("E1 is not in CET: %r" % s.utcoffset())
if str(e1["LOCATION"]) != "Forsamlingshuset; salen":
	fail("LOCATION %r" % str(e1["LOCATION"]))
if "75 kr." not in str(e1["DESCRIPTION"]):
	fail("price not in DESCRIPTION: %r" % str(e1["DESCRIPTION"]))
# python3-icalendar 4.0.3 unescapes CATEGORIES before it splits them at
# commas, so a label with an escaped comma comes back in two; read the
# unfolded line instead (RFC 5545 §3.8.1.2: "\," is part of the text).
unfolded = raw.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
if "CATEGORIES:Community and social life,Environment\\, climate and energy" \
    not in unfolded:
	fail("CATEGORIES: %r" % [l for l in unfolded if l.startswith("CATEG")])
e2 = ev["Sommerlejr"]
if e2["DTSTART"].params.get("VALUE") != "DATE" or \
    (e2["DTSTART"].dt, e2["DTEND"].dt) != (datetime.date(year, 7, 3), datetime.date(year, 7, 6)):
	fail("all-day dates %r %r" % (e2["DTSTART"].dt, e2["DTEND"].dt))
e3 = ev["Loppemarked ved kirken"]
if e3["DTSTART"].dt.utcoffset() != datetime.timedelta(hours=2):
	fail("summer time: %r" % e3["DTSTART"].dt)
if str(e3["URL"]) != "https://example.org/loppe":
	fail("URL %r" % str(e3["URL"]))
if "STATUS" in e2 or "STATUS" in e3:
	fail("a STATUS nobody set")
uids = [str(e["UID"]) for e in ev.values()]
if len(set(uids)) != 3:
	fail("UIDs not distinct: %r" % uids)
print(str(e1["UID"]), int(e1["SEQUENCE"]), str(e1.get("STATUS", "-")))
PY
}

tv "$A" events --ical >"$TEST_TMP/a.ics"
read -r uid1 seq1 status1 < <(check_ical "$TEST_TMP/a.ics") || fail "iCal check"
[ "$status1" = "-" ] || fail "E1 has status $status1 before it is cancelled"
[[ "$uid1" == "${E1#*:}@${E1%%:*}.tvaers" ]] || fail "UID $uid1 is not $E1"
# B's copy of the calendar names the same events the same way.
tv "$B" events --ical >"$TEST_TMP/b.ics"
read -r uid_b seq_b _ < <(check_ical "$TEST_TMP/b.ics") || fail "iCal check at B"
[ "$uid_b $seq_b" = "$uid1 $seq1" ] || fail "B's UID/SEQUENCE differ"

# Cancel E1 in a later second than it was written: SEQUENCE counts
# seconds, so poll for the clock's next second rather than sleep.
clock_after() { [ "$(date +%s)" -gt "$1" ]; }
wait_until 3 clock_after "$(date +%s)"
tv "$A" set "$E1" --status aflyst >/dev/null
tv "$A" events --ical --out "$TEST_TMP/c.ics" >"$TEST_TMP/out.txt"
assert_contains "$TEST_TMP/out.txt" "wrote 3 events"
read -r uid2 seq2 status2 < <(check_ical "$TEST_TMP/c.ics") || fail "iCal check after set"
[ "$uid2" = "$uid1" ] || fail "UID changed with the version: $uid1 -> $uid2"
[ "$seq2" -gt "$seq1" ] || fail "SEQUENCE did not grow: $seq1 -> $seq2"
[ "$status2" = "CANCELLED" ] || fail "status after cancelling: $status2"
[ "$(stat -c %a "$TEST_TMP/c.ics")" = 600 ] || fail "--out file mode"
# The cancellation travels; B's calendar says so too.
cancelled_at_b() {
	tv "$B" --json events | jq -e --arg r "$E1" \
		'any(.[]; .ref == $r and .status == "cancelled")' >/dev/null
}
wait_until 20 cancelled_at_b || fail "the cancellation did not reach B"
tv "$A" events | grep -q "CANCELLED: Hejninge" || fail "agenda does not say cancelled"
exit 0
