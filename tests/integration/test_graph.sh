#!/usr/bin/env bash
# tvaers graph and tvaers overview against a federation of four real,
# peered daemons in three municipalities: the DOT is accepted by Graphviz
# and holds the expected clusters, edges and emphasis; SVG works; a missing
# dot is named; the overview page is valid HTML, has no external resources,
# escapes hostile names, shows no person, and renders in headless Chromium.
source "$(dirname "$0")/lib.sh"

command -v dot >/dev/null || fail "graphviz is needed: make test-deps"

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
start_daemon "$C" --listen "127.0.0.1:$PC"
start_daemon "$D"

# A and B in Stevns (336), C in Faxe (320), D in Køge (259). Names are
# hostile on purpose: quotes, a backslash, markup, an ampersand, æøå.
tv "$A" set area --name 'Østby "Nord" <script>alert(1)</script>' \
	--kind landsby --municipality 336 --location 55.30,12.35 \
	--email lokalraad@oestby.dk >/dev/null
tv "$B" set area --name 'Vestby\Sogn' --kind sogn --municipality 336 \
	--location 55.32,12.28 >/dev/null
tv "$C" set area --name 'Hårlev & Omegn' --kind landsby --municipality 320 \
	--location 55.35,12.23 >/dev/null
tv "$D" set area --name 'Køge Ådal' --kind lokalområde --municipality 259 \
	>/dev/null
IA=$(tv "$A" id) IB=$(tv "$B" id) IC=$(tv "$C" id) ID=$(tv "$D" id)

# The links make a line A-B-C-D; each daemon lists its links in its
# profile's peers (PROTOCOL.md §12.6), so every link is listed by both
# ends and nobody lists A-D. (One-sided links are in test_views.)
# A cooperation network at A with A and C as members.
tv "$A" add network --name 'Stevns–Faxe "Stinetværk"' --kind interessenetværk \
	--members "$IA:,$IC:" >/dev/null

join_via "$B" "$A" "$PA"
join_via "$C" "$B" "$PB"
join_via "$D" "$C" "$PC"
profiles_at() { # HOME N: N areas with a name
	[ "$(tv "$1" --json areas | jq '[.[] | select(.name != null)] | length')" -eq "$2" ]
}
for h in "$A" "$B" "$C" "$D"; do
	wait_until 30 profiles_at "$h" 4 ||
		fail "profiles did not reach $h: $(tv "$h" --json areas)"
done
peer_lists() { # HOME: the peers entries of all profiles held, in all
	tv "$1" --json list area | jq '[.[] | (.fields.peers // []) | length] | add'
}
peer_lists_are() { [ "$(peer_lists "$1")" -eq "$2" ]; }
for h in "$A" "$D"; do
	wait_until 30 peer_lists_are "$h" 6 ||
		fail "the profiles at $h list $(peer_lists "$h") links, not 6"
done
wait_until 30 bash -c "TVAERS_HOME='$D' '$TVAERS' list network | grep -q Stinet" ||
	fail "the network did not reach D"

# (a) DOT at D: accepted by dot, with clusters, nodes, edges and emphasis.
tv "$D" graph >"$TEST_TMP/g.dot" || fail "graph"
dot -Tsvg "$TEST_TMP/g.dot" >"$TEST_TMP/check.svg" 2>"$TEST_TMP/dot.err" ||
	fail "dot refused the graph: $(cat "$TEST_TMP/dot.err")"
[ ! -s "$TEST_TMP/dot.err" ] || fail "dot warned: $(cat "$TEST_TMP/dot.err")"
for c in 'subgraph "cluster_336"' 'label="336 Stevns"' 'label="320 Faxe"' \
    'label="259 Køge"' 'label="Østby \"Nord\" <script>alert(1)</script>"' \
    'label="Vestby\\Sogn"' 'label="Hårlev & Omegn"'; do
	assert_contains "$TEST_TMP/g.dot" "$c"
done
edge() { # X Y: the edge line between two areas, in either order
	grep -E "^	\"($1|$2)\" -- \"($1|$2)\"" "$TEST_TMP/g.dot" || true
}
[ "$(grep -c -- ' -- ' "$TEST_TMP/g.dot")" -eq 3 ] ||
	fail "expected 3 edges: $(cat "$TEST_TMP/g.dot")"
[ "$(edge "$IA" "$IB")" != "" ] || fail "no A-B edge"
edge "$IA" "$IB" | grep -q '\[' && fail "A-B is plain (same municipality, both list)"
edge "$IB" "$IC" | grep -q 'penwidth=3' || fail "B-C crosses 336/320: not emphasised"
edge "$IB" "$IC" | grep -q 'dashed' && fail "B-C is listed by both"
edge "$IC" "$ID" | grep -q 'penwidth=3' || fail "C-D crosses 320/259: not emphasised"
edge "$IC" "$ID" | grep -q 'dashed' && fail "C-D is listed by both"
[ "$(edge "$IA" "$ID")" = "" ] || fail "A-D drawn though nobody lists it"
grep -q 'net:' "$TEST_TMP/g.dot" && fail "networks drawn without --networks"
# The same federation gives the same text at every area.
tv "$A" graph | cmp -s - "$TEST_TMP/g.dot" || fail "A and D draw different graphs"

# (b) --networks: a node for the network and dotted lines to A and C.
tv "$D" graph --networks >"$TEST_TMP/n.dot"
dot -Tsvg "$TEST_TMP/n.dot" >/dev/null || fail "dot refused the network graph"
assert_contains "$TEST_TMP/n.dot" 'label="Stevns–Faxe \"Stinetværk\""'
[ "$(grep -c -- '"net:.* -- .*style=dotted' "$TEST_TMP/n.dot")" -eq 2 ] ||
	fail "expected 2 network edges: $(grep net: "$TEST_TMP/n.dot")"

# (c) SVG through dot, to stdout and to a file, and a summary in JSON.
tv "$D" graph --format svg >"$TEST_TMP/g.svg" || fail "graph --format svg"
grep -q '<svg' "$TEST_TMP/g.svg" || fail "no SVG: $(head -c 300 "$TEST_TMP/g.svg")"
assert_contains "$TEST_TMP/g.svg" 'Hårlev &amp; Omegn'
tv "$D" --json graph --format svg --networks --out "$TEST_TMP/out.svg" >"$TEST_TMP/sum.json"
jq -e '.areas == 4 and .links == 3 and .cross_municipality == 2 and
	.one_sided == 0 and .networks == 1' "$TEST_TMP/sum.json" >/dev/null ||
	fail "summary: $(cat "$TEST_TMP/sum.json")"
grep -q '</svg>' "$TEST_TMP/out.svg" || fail "--out file is no SVG"

# (d) Without dot on PATH: one clear line, exit 1, nothing written.
mkdir -p "$TEST_TMP/nodot"
expect_fail 1 env PATH="$TEST_TMP/nodot" TVAERS_HOME="$D" "$TVAERS" graph \
	--format svg --out "$TEST_TMP/none.svg"
assert_contains "$TEST_TMP/stderr" "graphviz is not installed: apt-get install graphviz, or use --format dot"
[ ! -e "$TEST_TMP/none.svg" ] || fail "a file was written without dot"
expect_fail 2 tv "$D" graph --format png
expect_fail 2 tv "$D" --json graph
expect_fail 2 tv "$D" overview --lang de
# No daemon: exit 3, for both.
expect_fail 3 tv "$TEST_TMP/nobody" graph
expect_fail 3 tv "$TEST_TMP/nobody" overview

# (e) Overview at A: associations, a shelved project, events near and far,
# a matching project at C (8 km) and one at D (too far), a person.
tv "$A" add association --name 'Ridelauget <b>Øst</b> & Co' --interests heste,natur \
	--email formand@ridelauget.dk --board_vacant 1 --seeking kasserer >/dev/null
tv "$A" add association --name 'Østby Petanque' --interests petanque >/dev/null
tv "$A" add contact --name 'Hemmelig Person Qzxw' --phone 12345678 >/dev/null
tv "$A" add project --title 'Ridesti langs åen' --status skuffe \
	--shelved_reason no_hands --interests heste >/dev/null
tv "$A" add event --title 'Høstfest i Østby' --start '2099-09-12 19:30' >/dev/null
# Past, but not yet expired (events expire 12 months after their end).
tv "$A" add event --title 'Gammel fest' --start "$(date -d '-40 days' +%F) 10:00" >/dev/null
tv "$C" add event --title 'Juletræ i Hårlev' --start '2099-12-01 16:00' >/dev/null
tv "$D" add event --title 'Langt væk i Køge' --start '2099-12-02 16:00' >/dev/null
tv "$C" add project --title 'Rideskole i Hårlev' --status idé --interests heste >/dev/null
tv "$C" add project --title 'Ishockeyhal' --status idé --interests idraet >/dev/null
tv "$D" add project --title 'Heste i Køge' --status idé --interests heste >/dev/null
wait_until 30 bash -c "TVAERS_HOME='$A' '$TVAERS' list project | grep -q 'Heste i Køge'" ||
	fail "projects did not reach A"
wait_until 30 bash -c "TVAERS_HOME='$A' '$TVAERS' list event | grep -q 'Langt væk'" ||
	fail "events did not reach A"
O=$TEST_TMP/oversigt.html
tv "$A" overview --out "$O" >/dev/null || fail "overview"
for c in '<html lang="da">' '@page { size: A4' 'Heste og ridning' \
    'Andre foreninger' 'Ridelauget &lt;b&gt;Øst&lt;/b&gt; &amp; Co' \
    'Østby &quot;Nord&quot; &lt;script&gt;' 'skuffe' 'manglede hænder' \
    'formand@ridelauget.dk' 'Høstfest i Østby' 'Juletræ i Hårlev' \
    'Rideskole i Hårlev' 'Hårlev &amp; Omegn'; do
	assert_contains "$O" "$c"
done
for bad in '<script' '<b>' 'Hemmelig' '12345678' 'Gammel fest' \
    'Langt væk' 'Heste i Køge' 'Ishockeyhal' 'src=' 'url(' 'http:' \
    'https:' '<link' '@import'; do
	grep -qF -- "$bad" "$O" && fail "the page contains '$bad'"
done
# An independent parser must accept it as HTML without a single error.
/usr/bin/python3 - "$O" <<'PY' || fail "html5lib found errors"
import sys, html5lib
p = html5lib.HTMLParser(strict=True)
p.parse(open(sys.argv[1], "rb").read())
PY
tidy -e -q "$O" 2>"$TEST_TMP/tidy.err" || [ $? -eq 1 ] ||
	fail "tidy: $(cat "$TEST_TMP/tidy.err")"
grep -q 'Error:' "$TEST_TMP/tidy.err" && fail "tidy: $(cat "$TEST_TMP/tidy.err")"
tv "$A" overview --lang en | grep -q 'Associations by interest' ||
	fail "overview --lang en"
# An area without a profile is told how to give it one.
E=$TEST_TMP/e
start_daemon "$E"
expect_fail 1 tv "$E" overview --out "$TEST_TMP/x.html"
assert_contains "$TEST_TMP/stderr" "tvaers set area --name"
[ ! -e "$TEST_TMP/x.html" ] || fail "a page was written without a profile"

# (f) Headless Chromium renders it to a non-empty PNG (chromium is in
# test-deps; TVAERS_TEST_NO_BROWSER=1 skips this where it cannot be).
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || [ "${TVAERS_TEST_NO_BROWSER:-0}" = 1 ] ||
	fail "chromium is needed: make test-deps, or TVAERS_TEST_NO_BROWSER=1"
if [ -n "$CHROMIUM" ]; then
	(cd "$TEST_TMP" && timeout 120 "$CHROMIUM" --headless --no-sandbox \
		--disable-gpu --user-data-dir="$TEST_TMP/chr" \
		--screenshot="$TEST_TMP/shot.png" --window-size=794,1123 \
		"file://$O" >"$TEST_TMP/chr.log" 2>&1) ||
		fail "chromium: $(tail -5 "$TEST_TMP/chr.log")"
	[ "$(head -c 8 "$TEST_TMP/shot.png" | od -An -tx1 | tr -d ' \n')" = \
	    "89504e470d0a1a0a" ] || fail "the screenshot is no PNG"
	[ "$(stat -c %s "$TEST_TMP/shot.png")" -gt 10000 ] ||
		fail "the screenshot is nearly empty"
else
	echo "TVAERS_TEST_NO_BROWSER=1: rendering not checked" >&2
fi
echo ok
