/*
 * The federation views: record sets (proto/recset.c), distances
 * (proto/geo.c), the DOT graph (proto/fedgraph.c) and the printable
 * overview (proto/overview.c).
 *
 * Records are built as the daemon builds them: tv_field_parse on what a
 * person types, tv_encode, then signed with keys derived from small seeds,
 * so each area of a test has its own real id.
 */
#include "test.h"

#include "canon.h"
#include "err.h"
#include "fedgraph.h"
#include "geo.h"
#include "ids.h"
#include "kinds.h"
#include "overview.h"
#include "recset.h"
#include "showable.h"
#include "sign.h"

#if __has_include("fault.h")
#include "fault.h"
#define HAVE_FAULT 1
#endif
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#define NOW 4000000000LL		/* 2096: events of 2099 are upcoming */

#define ASSERT_CONTAINS(s, sub) do { \
	const char *s_ = (s), *sub_ = (sub); \
	if (strstr(s_, sub_) == NULL) \
		TEST_FAIL("\"%s\" does not contain \"%s\"", s_, sub_); \
} while (0)
#define ASSERT_LACKS(s, sub) do { \
	const char *s_ = (s), *sub_ = (sub); \
	if (strstr(s_, sub_) != NULL) \
		TEST_FAIL("\"%s\" contains \"%s\"", s_, sub_); \
} while (0)

static void
key_of(int seed, struct tv_keypair *kp)
{
	uint8_t s[TV_SEED_LEN] = { 0 };

	ASSERT_EQ(tv_sign_init(), 0);
	s[0] = (uint8_t)seed;
	s[1] = (uint8_t)(seed >> 8);
	tv_keypair_from_seed(kp, s);
}

/* "<area id>:" of the area with that seed, in buf. */
static const char *
ref_of(int seed, char *buf)
{
	struct tv_keypair kp;

	key_of(seed, &kp);
	tv_area_text(kp.pk, buf);
	buf[TV_AREA_TEXT_LEN] = ':';
	buf[TV_AREA_TEXT_LEN + 1] = 0;
	return buf;
}

/* Signs a record of kind with fields {name, text, ..., NULL}; returns its bytes. */
static uint8_t *
make(int seed, const char *kind, int n, const char *const *fields,
    uint64_t flags, size_t *out_len)
{
	const struct tv_kind *k = tv_kind_by_wire(kind, strlen(kind));
	struct tv_doc *doc = tv_doc_new();
	struct tv_value map = { .type = TV_MAP }, *kv;
	uint8_t id[TV_ID_LEN] = { 0 }, *body, *out;
	struct tv_keypair kp;
	char err[512];
	size_t nf = 0, body_len;
	struct tv_w w;

	ASSERT(k != NULL && doc != NULL);
	while (fields[2 * nf] != NULL)
		nf++;
	kv = tv_doc_alloc(doc, 2 * (nf ? nf : 1));
	for (size_t i = 0; i < nf; i++) {
		const struct tv_field *f = tv_kind_field(k, fields[2 * i]);
		ASSERT(f != NULL);
		tv_set_str(&kv[2 * i], fields[2 * i], strlen(fields[2 * i]));
		if (tv_field_parse(doc, f, fields[2 * i + 1], &kv[2 * i + 1], err,
		    sizeof(err)) != 0)
			TEST_FAIL("%s: %s", fields[2 * i], err);
	}
	map.len = (uint32_t)nf;
	map.items = kv;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &map), 0);
	ASSERT_EQ(tv_w_finish(&w, &body, &body_len), 0);
	if (strcmp(kind, "area") != 0)
		id[0] = (uint8_t)n, id[1] = (uint8_t)seed, id[15] = 1;
	key_of(seed, &kp);
	ASSERT_EQ(tv_record_sign(&kp, kind, id, 1700000000000000ull + (uint64_t)n,
	    flags, flags ? NULL : body, flags ? 0 : body_len, &out, out_len), 0);
	free(body);
	tv_doc_free(doc);
	return out;
}

static void
add(struct tv_recset *s, int seed, const char *kind, int n,
    const char *const *fields)
{
	size_t len;
	uint8_t *raw = make(seed, kind, n, fields, 0, &len);

	ASSERT_EQ(tv_recset_add(s, raw, len), 0);
	free(raw);
}

static char *
text_of(struct tv_buf *b)
{
	tv_buf_put(b, "", 1);
	ASSERT_EQ(b->err, 0);
	return (char *)b->data;
}

/* ---- geo --------------------------------------------------------------- */

/* The distance in metres between two points given in micro-degrees. */
static double
dist(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2)
{
	return tv_geo_distance_m((struct tv_point){ lat1, lon1 },
	    (struct tv_point){ lat2, lon2 });
}

TEST(distance_one_degree_of_latitude)
{
	/* R·π/180 on the mean sphere. */
	double m = dist(55000000, 12000000, 56000000, 12000000);

	ASSERT(m > 111194.0 && m < 111196.0);
	ASSERT(dist(55000000, 12000000, 55000000, 12000000) == 0);
	ASSERT(dist(56000000, 12000000, 55000000, 12000000) == m);
}

TEST(distance_across_denmark)
{
	/* Corners of the accepted box (PROTOCOL.md §6.2): about 666.5 km. */
	double m = dist(54000000, 7500000, 58000000, 15500000);
	/* East-west at 55° N: one degree of longitude is cos(55°) of one of latitude. */
	double e = dist(55000000, 12000000, 55000000, 13000000);

	ASSERT(m > 666000.0 && m < 667000.0);
	ASSERT(e > 63770.0 && e < 63790.0);
}

/* ---- showable --------------------------------------------------------- */

TEST(showable_characters)
{
	static const struct {
		const char *bytes;
		size_t len, want_len;
		bool ok;
	} cases[] = {
		{ "a", 1, 1, true },
		{ " ", 1, 1, true },
		{ "~", 1, 1, true },
		{ "\t", 1, 1, false },
		{ "\n", 1, 1, false },
		{ "\x1b", 1, 1, false },	/* ESC: terminal escapes */
		{ "\x7f", 1, 1, false },
		{ "\xc2\x9b", 2, 2, false },	/* U+009B, the 8-bit CSI */
		{ "\xc2\xa0", 2, 2, true },	/* no-break space */
		{ "\xc3\xa6", 2, 2, true },	/* æ */
		{ "\xe2\x82\xac", 3, 3, true },	/* € */
		{ "\xf0\x9f\x98\x80", 4, 4, true },	/* an emoji */
		{ "\xe2\x80\xae", 3, 3, false },	/* right-to-left override */
		{ "\xe2\x81\xa6", 3, 3, false },	/* left-to-right isolate */
		{ "\xe2\x80\xa8", 3, 3, false },	/* line separator */
		{ "\xd8\x9c", 2, 2, false },	/* Arabic letter mark */
		{ "\xef\xbf\xbe", 3, 3, false },	/* U+FFFE */
		{ "\xef\xb7\x90", 3, 3, false },	/* U+FDD0 */
		{ "\xf4\x8f\xbf\xbf", 4, 4, false },	/* U+10FFFF */
		{ "\xff", 1, 1, false },
		{ "\xc0\x80", 2, 1, false },	/* overlong NUL */
		{ "\xe0\x80\xaf", 3, 1, false },	/* overlong / */
		{ "\xed\xa0\x80", 3, 1, false },	/* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 1, false },	/* above U+10FFFF */
		{ "\xc3", 1, 1, false },	/* cut short */
		{ "\xe2\x82", 2, 1, false },
		{ "\xe2\x82" "a", 3, 1, false },	/* not a continuation */
		{ "\x80", 1, 1, false },	/* a lone continuation */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 99;
		bool ok = tv_char_showable((const uint8_t *)cases[i].bytes,
		    cases[i].len, &n);
		if (ok != cases[i].ok || n != cases[i].want_len)
			TEST_FAIL("case %zu: showable %d length %zu", i, ok, n);
	}
}

TEST(hostile_text_left_out)
{
	static const char in[] = "A\x1b[2J\xc2\x9b" "31m\xe2\x80\xae" "B\n"
	    "C\tD\xff\xed\xa0\x80" "E";
	struct tv_buf b;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_html_escape(&b, in, sizeof(in) - 1), 0);
	ASSERT_STR_EQ(text_of(&b), "A[2J31mB C DE");
	tv_buf_free(&b);
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_dot_quote(&b, in, sizeof(in) - 1), 0);
	ASSERT_STR_EQ(text_of(&b), "\"A[2J31mB\\nCDE\"");
	tv_buf_free(&b);
}

/* ---- recset ------------------------------------------------------------ */

TEST(recset_skips_tombstones_and_local_kinds)
{
	static const char *const contact[] = { "name", "Hemmelig Person",
	    "phone", "12345678", NULL };
	static const char *const assoc[] = { "name", "Ridelauget", NULL };
	struct tv_recset s;
	uint8_t *raw;
	size_t len;

	tv_recset_init(&s);
	add(&s, 1, "contact", 1, contact);
	add(&s, 1, "association", 2, assoc);
	raw = make(1, "association", 3, assoc, TV_FLAG_DELETED, &len);
	ASSERT_EQ(tv_recset_add(&s, raw, len), 0);
	free(raw);
	ASSERT_EQ(s.n, 1);
	ASSERT(tv_rec_is(&s.recs[0], "association"));
	ASSERT_EQ(tv_recset_add(&s, (const uint8_t *)"\x93\x01\x02\x03", 4) != 0,
	    1);
	ASSERT_EQ(s.n, 1);
	tv_recset_free(&s);
}

TEST(location_falls_back_to_profile_then_centroid)
{
	static const char *const a1[] = { "name", "Østby", "kind", "landsby",
	    "municipality", "336", "location", "55.30,12.35", NULL };
	static const char *const a2[] = { "name", "Vestby", "kind", "landsby",
	    "municipality", "336", NULL };
	static const char *const p1[] = { "title", "Sti", "status", "idea",
	    "location", "55.5,12.0", NULL };
	static const char *const p2[] = { "title", "Hal", "status", "idea",
	    NULL };
	const struct tv_municipality *m = tv_municipality_find(336);
	struct tv_recset s;
	int64_t lat, lon;

	tv_recset_init(&s);
	add(&s, 1, "area", 0, a1);
	add(&s, 2, "area", 0, a2);
	add(&s, 1, "project", 1, p1);
	add(&s, 1, "project", 2, p2);
	add(&s, 2, "project", 3, p2);
	add(&s, 3, "project", 4, p2);	/* an area whose profile is unknown */
	ASSERT(tv_rec_location(&s, &s.recs[2], &lat, &lon));
	ASSERT(lat == 55500000 && lon == 12000000);
	ASSERT(tv_rec_location(&s, &s.recs[3], &lat, &lon));
	ASSERT(lat == 55300000 && lon == 12350000);
	ASSERT(tv_rec_location(&s, &s.recs[4], &lat, &lon));
	ASSERT(lat == m->lat_udeg && lon == m->lon_udeg);
	ASSERT(!tv_rec_location(&s, &s.recs[5], &lat, &lon));
	tv_recset_free(&s);
}

/* ---- fedgraph ---------------------------------------------------------- */

TEST(dot_quote)
{
	static const char in[] = "a\"b\\c\nd\te\x01æ";
	struct tv_buf b;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_dot_quote(&b, in, sizeof(in) - 1), 0);
	ASSERT_STR_EQ(text_of(&b), "\"a\\\"b\\\\c\\nde\xc3\xa6\"");
	tv_buf_free(&b);
}

/* Four areas: 1,2 in 336, 3 in 320; 4 listed by 3 but its profile unknown. */
static void
federation(struct tv_recset *s, bool reversed)
{
	char r1[64], r2[64], r3[64], r4[64], p2[200], p3[200];
	const char *a1[] = { "name", "Østby \"Nord\"", "kind", "landsby",
	    "municipality", "336", "peers", NULL, NULL };
	const char *a2[] = { "name", "Vestby\\Sogn", "kind", "sogn",
	    "municipality", "336", "peers", NULL, NULL };
	const char *a3[] = { "name", "Hårlev", "kind", "landsby",
	    "municipality", "320", "peers", NULL, NULL };
	const char *net[] = { "name", "Stinet", "members", NULL, NULL };

	a1[7] = ref_of(2, r2);			/* 1 lists 2 */
	snprintf(p2, sizeof(p2), "%s,%s,%s", ref_of(1, r1), ref_of(3, r3),
	    ref_of(2, r2));			/* 2 lists 1, 3 and itself */
	a2[7] = p2;
	snprintf(p3, sizeof(p3), "%s,%s", ref_of(4, r4), r4);
	a3[7] = p3;				/* 3 lists 4 (twice) only */
	net[3] = p2;
	if (reversed) {
		add(s, 9, "network", 1, net);
		add(s, 3, "area", 0, a3);
		add(s, 2, "area", 0, a2);
		add(s, 1, "area", 0, a1);
	} else {
		add(s, 1, "area", 0, a1);
		add(s, 2, "area", 0, a2);
		add(s, 3, "area", 0, a3);
		add(s, 9, "network", 1, net);
	}
}

/* Not strstr: ASan's strstr measures the whole rest on every call. */
static size_t
count(const char *s, const char *sub)
{
	size_t n = 0, len = strlen(s), sub_len = strlen(sub);

	for (size_t i = 0; i + sub_len <= len; i++)
		if (s[i] == sub[0] && memcmp(s + i, sub, sub_len) == 0) {
			n++;
			i += sub_len - 1;
		}
	return n;
}

TEST(graph_nodes_clusters_edges)
{
	struct tv_fedgraph_stats st;
	struct tv_recset s;
	struct tv_buf b;
	char id1[64], id2[64], id3[64], id4[64], line[300];
	const char *dot;

	tv_recset_init(&s);
	federation(&s, false);
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_fedgraph_dot(&s, false, &b, &st), 0);
	dot = text_of(&b);
	ref_of(1, id1), ref_of(2, id2), ref_of(3, id3), ref_of(4, id4);
	id1[52] = id2[52] = id3[52] = id4[52] = 0;
	ASSERT_EQ(st.areas, 4);
	ASSERT_EQ(st.links, 3);
	ASSERT_EQ(st.cross, 1);
	ASSERT_EQ(st.one_sided, 2);
	ASSERT_EQ(st.networks, 0);
	ASSERT_EQ(count(dot, "subgraph"), 2);
	ASSERT_CONTAINS(dot, "subgraph \"cluster_320\" {\n\t\tlabel=\"320 Faxe\";");
	ASSERT_CONTAINS(dot, "label=\"Østby \\\"Nord\\\"\"");
	ASSERT_CONTAINS(dot, "label=\"Vestby\\\\Sogn\"");
	/* Area 4: outside every cluster, a dashed box with its short id. */
	snprintf(line, sizeof(line), "\t\"%s\" [label=\"%.8s\", tooltip=\"%s\", "
	    "style=\"rounded,dashed\"];", id4, id4, id4);
	ASSERT_CONTAINS(dot, line);
	/* 1-2: both list it, same municipality: plain. */
	snprintf(line, sizeof(line), "\"%s\" -- \"%s\";", id1, id2);
	if (strstr(dot, line) == NULL) {
		snprintf(line, sizeof(line), "\"%s\" -- \"%s\";", id2, id1);
		ASSERT_CONTAINS(dot, line);
	}
	ASSERT_EQ(count(dot, "penwidth=3"), 1);
	ASSERT_EQ(count(dot, "style=dashed]"), 2);
	ASSERT_EQ(count(dot, "color=\"#c0392b\", penwidth=3, style=dashed"), 1);
	ASSERT_LACKS(dot, "net:");
	tv_buf_free(&b);
	tv_recset_free(&s);
}

TEST(graph_text_independent_of_arrival_order)
{
	struct tv_recset s1, s2;
	struct tv_buf b1, b2;

	tv_recset_init(&s1);
	tv_recset_init(&s2);
	federation(&s1, false);
	federation(&s2, true);
	tv_buf_init(&b1, 0);
	tv_buf_init(&b2, 0);
	ASSERT_EQ(tv_fedgraph_dot(&s1, true, &b1, NULL), 0);
	ASSERT_EQ(tv_fedgraph_dot(&s2, true, &b2, NULL), 0);
	ASSERT_STR_EQ(text_of(&b1), text_of(&b2));
	tv_buf_free(&b1);
	tv_buf_free(&b2);
	tv_recset_free(&s1);
	tv_recset_free(&s2);
}

TEST(graph_networks)
{
	struct tv_fedgraph_stats st;
	struct tv_recset s;
	struct tv_buf b;
	const char *dot;

	tv_recset_init(&s);
	federation(&s, false);
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_fedgraph_dot(&s, true, &b, &st), 0);
	dot = text_of(&b);
	ASSERT_EQ(st.networks, 1);
	ASSERT_CONTAINS(dot, "[label=\"Stinet\", shape=ellipse");
	/* Members 1, 3 and 2 are drawn once each. */
	ASSERT_EQ(count(dot, "style=dotted"), 3);
	tv_buf_free(&b);
	tv_recset_free(&s);
}

TEST(graph_empty_and_out_of_space)
{
	struct tv_recset s;
	struct tv_buf b;

	tv_recset_init(&s);
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_fedgraph_dot(&s, true, &b, NULL), 0);
	ASSERT_CONTAINS(text_of(&b), "graph \"tvaers\" {");
	tv_buf_free(&b);
	federation(&s, false);
	tv_buf_init(&b, 100);
	ASSERT_EQ(tv_fedgraph_dot(&s, true, &b, NULL), TV_ETOOBIG);
	tv_buf_free(&b);
	tv_recset_free(&s);
}

/* 513 areas, each listing the next 64 (the most a profile may list). */
TEST(graph_at_the_peer_limit)
{
	/* Odd: the 64 after an area never include one that lists it back. */
	enum { AREAS = 513, PEERS = 64 };
	const struct tv_field *f = tv_kind_field(tv_kind_by_wire("area", 4),
	    "peers");
	static char ids[AREAS][64];
	struct tv_fedgraph_stats st;
	struct tv_recset s;
	struct tv_buf b;
	char *list = malloc(PEERS * 54 + 1), name[32];
	size_t cross = 0;

	ASSERT(f != NULL && f->max_items == PEERS);
	for (int i = 0; i < AREAS; i++)
		ref_of(1000 + i, ids[i]);
	tv_recset_init(&s);
	for (int i = 0; i < AREAS; i++) {
		const char *a[] = { "name", name, "kind", "landsby",
		    "municipality", i % 2 ? "336" : "320", "peers", list, NULL };
		list[0] = 0;
		for (int k = 1; k <= PEERS; k++) {
			strcat(list, ids[(i + k) % AREAS]);
			strcat(list, k < PEERS ? "," : "");
		}
		for (int k = 1; k <= PEERS; k++)
			cross += i % 2 != (i + k) % AREAS % 2;
		snprintf(name, sizeof(name), "Område %03d", i);
		add(&s, 1000 + i, "area", 0, a);
	}
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_fedgraph_dot(&s, true, &b, &st), 0);
	ASSERT_EQ(st.areas, AREAS);
	ASSERT_EQ(st.links, AREAS * PEERS);
	ASSERT_EQ(st.one_sided, AREAS * PEERS);
	ASSERT_EQ(st.cross, cross);
	ASSERT_EQ(count(text_of(&b), " -- "), AREAS * PEERS);
	tv_buf_free(&b);
	tv_recset_free(&s);
	free(list);
}

/* ---- overview ---------------------------------------------------------- */

static void
village(struct tv_recset *s)
{
	static const char *const a1[] = { "name", "Østby <script>x</script>",
	    "kind", "landsby", "municipality", "336", "location", "55.30,12.35",
	    "email", "lokalraad@oestby.dk", NULL };
	static const char *const a2[] = { "name", "Hårlev & Co", "kind",
	    "landsby", "municipality", "320", "location", "55.35,12.23", NULL };
	static const char *const a3[] = { "name", "Fjernby", "kind", "landsby",
	    "municipality", "860", NULL };
	static const char *const as1[] = { "name", "Ride<b>lauget</b> & Co",
	    "interests", "heste,natur", "email", "formand@ride.dk",
	    "contact", "", NULL };
	static const char *const as2[] = { "name", "Petanque", "interests",
	    "petanque", NULL };
	static const char *const as3[] = { "name", "Nedlagt Klub", "status",
	    "closed", "interests", "heste", NULL };
	static const char *const pr1[] = { "title", "Ridesti", "status",
	    "skuffe", "shelved_reason", "no_hands", "interests", "heste", NULL };
	static const char *const pr2[] = { "title", "Rideskole", "status",
	    "idé", "interests", "heste", NULL };
	static const char *const pr3[] = { "title", "Ishal", "status", "idé",
	    "interests", "idraet", NULL };
	static const char *const pr4[] = { "title", "Heste langt væk",
	    "status", "idé", "interests", "heste", NULL };
	static const char *const pr5[] = { "title", "Hestestald i gang",
	    "status", "active", "interests", "heste", NULL };
	static const char *const ev1[] = { "title", "Høstfest", "start",
	    "2099-09-12 19:30", NULL };
	static const char *const ev2[] = { "title", "Gammel fest", "start",
	    "2020-01-01 10:00", NULL };
	static const char *const ev3[] = { "title", "Juletræ", "start",
	    "2099-12-01", "status", "cancelled", NULL };
	static const char *const ev4[] = { "title", "Fjern fest", "start",
	    "2099-12-02 16:00", NULL };
	static const char *const ct[] = { "name", "Hemmelig Person",
	    "phone", "12345678", NULL };

	add(s, 1, "area", 0, a1);
	add(s, 2, "area", 0, a2);
	add(s, 3, "area", 0, a3);
	add(s, 1, "association", 1, as1);
	add(s, 1, "association", 2, as2);
	add(s, 1, "association", 3, as3);
	add(s, 1, "contact", 4, ct);
	add(s, 1, "project", 5, pr1);
	add(s, 2, "project", 6, pr2);
	add(s, 2, "project", 7, pr3);
	add(s, 3, "project", 8, pr4);
	add(s, 2, "project", 9, pr5);
	add(s, 1, "event", 10, ev1);
	add(s, 1, "event", 11, ev2);
	add(s, 2, "event", 12, ev3);
	add(s, 3, "event", 13, ev4);
}

static char *
overview(struct tv_recset *s, const char *lang, struct tv_buf *b)
{
	struct tv_keypair kp;
	struct tv_overview_opts o = { .area = kp.pk, .now = NOW,
	    .radius_m = TV_OVERVIEW_RADIUS_M, .lang = lang };

	key_of(1, &kp);
	tv_buf_init(b, 0);
	ASSERT_EQ(tv_overview_html(s, &o, b), 0);
	return text_of(b);
}

TEST(overview_sections_and_escaping)
{
	struct tv_recset s;
	struct tv_buf b;
	const char *h;

	tv_recset_init(&s);
	village(&s);
	h = overview(&s, "da", &b);
	ASSERT(strncmp(h, "<!DOCTYPE html>\n<html lang=\"da\">", 32) == 0);
	ASSERT_CONTAINS(h, "<title>Oversigt for Østby &lt;script&gt;x&lt;/script&gt;</title>");
	ASSERT_CONTAINS(h, "Ride&lt;b&gt;lauget&lt;/b&gt; &amp; Co");
	ASSERT_EQ(count(h, "Ride&lt;b&gt;lauget"), 2);	/* heste and natur */
	ASSERT_CONTAINS(h, "<h3>Andre foreninger</h3>\n<div class=\"item\">"
	    "<strong>Petanque</strong>");
	ASSERT_CONTAINS(h, "e-mail: formand@ride.dk");
	ASSERT_CONTAINS(h, "e-mail: lokalraad@oestby.dk");
	/* NOW is 2096-10-02 07:06:40 UTC: Danish summer time, to the minute. */
	ASSERT_CONTAINS(h, "Udskrevet tir. 2. okt. 2096 kl. 9.06</div>");
	ASSERT_CONTAINS(h, "Ridesti</strong> – <span class=\"status\">skuffe");
	ASSERT_CONTAINS(h, "manglede hænder");
	ASSERT_CONTAINS(h, "Høstfest");
	ASSERT_CONTAINS(h, "<strong>tir. 1. dec. 2099</strong> Juletræ – "
	    "<span class=\"status\">aflyst</span>");
	ASSERT_CONTAINS(h, "Hårlev &amp; Co · 9,4 km herfra");
	ASSERT_CONTAINS(h, "Rideskole</strong>");
	ASSERT_CONTAINS(h, "fælles interesser: Heste og ridning");
	for (const char *const *bad = (const char *const[]){ "<script",
	    "<b>", "Nedlagt Klub", "Hemmelig", "12345678", "Gammel fest",
	    "Fjern fest", "Heste langt væk", "Ishal", "Hestestald",
	    "src=", "url(", "http", NULL }; *bad != NULL; bad++)
		ASSERT_LACKS(h, *bad);
	tv_buf_free(&b);
	h = overview(&s, "en", &b);
	ASSERT_CONTAINS(h, "<html lang=\"en\">");
	ASSERT_CONTAINS(h, "Associations by interest");
	ASSERT_CONTAINS(h, "9.4 km from here");
	ASSERT_CONTAINS(h, "Printed Tue 2 Oct 2096, 09:06</div>");
	ASSERT_CONTAINS(h, "shelved");
	tv_buf_free(&b);
	tv_recset_free(&s);
}

TEST(overview_radius_limit)
{
	struct tv_recset s;
	struct tv_buf b;
	struct tv_keypair kp;
	struct tv_overview_opts o = { .area = kp.pk, .now = NOW, .lang = "da" };
	double d = dist(55300000, 12350000, 55350000, 12230000);

	tv_recset_init(&s);
	village(&s);
	key_of(1, &kp);
	/* At the limit the project 9,4 km away is in; a metre less, out. */
	o.radius_m = (uint32_t)d + 1;
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_overview_html(&s, &o, &b), 0);
	ASSERT_CONTAINS(text_of(&b), "Rideskole");
	tv_buf_free(&b);
	o.radius_m = (uint32_t)d - 1;
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_overview_html(&s, &o, &b), 0);
	ASSERT_LACKS(text_of(&b), "Rideskole");
	ASSERT_LACKS(text_of(&b), "Juletræ");
	ASSERT_CONTAINS(text_of(&b), "Høstfest");	/* own events always */
	tv_buf_free(&b);
	tv_recset_free(&s);
}

TEST(overview_needs_a_profile)
{
	struct tv_recset s;
	struct tv_buf b;
	struct tv_keypair kp;
	struct tv_overview_opts o = { .area = kp.pk, .now = NOW,
	    .radius_m = TV_OVERVIEW_RADIUS_M, .lang = "da" };

	tv_recset_init(&s);
	village(&s);
	key_of(7, &kp);
	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_overview_html(&s, &o, &b), TV_ENOTFOUND);
	tv_buf_free(&b);
	tv_recset_free(&s);
}

TEST(html_escape)
{
	static const char in[] = "<a href='x'>\"&\"</a>æ";
	struct tv_buf b;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_html_escape(&b, in, sizeof(in) - 1), 0);
	ASSERT_STR_EQ(text_of(&b), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;"
	    "&quot;&lt;/a&gt;æ");
	tv_buf_free(&b);
}

TEST(out_of_memory)
{
#ifdef HAVE_FAULT
	struct tv_recset s;
	struct tv_keypair kp;
	struct tv_overview_opts o = { .area = kp.pk, .now = NOW,
	    .radius_m = TV_OVERVIEW_RADIUS_M, .lang = "da" };
	int rc = TV_ENOMEM;
	long n;

	tv_recset_init(&s);
	village(&s);
	federation(&s, false);
	key_of(1, &kp);
	for (n = 0; n < 100000 && rc == TV_ENOMEM; n++) {
		struct tv_buf b1, b2;
		tv_buf_init(&b1, 0);
		tv_buf_init(&b2, 0);
		fault_fail_after(n);
		rc = tv_fedgraph_dot(&s, true, &b1, NULL);
		if (rc == 0)
			rc = tv_overview_html(&s, &o, &b2);
		fault_fail_after(-1);
		tv_buf_free(&b1);
		tv_buf_free(&b2);
	}
	ASSERT_EQ(rc, 0);
	ASSERT(n > 2);
	tv_recset_free(&s);
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
#endif
}

TEST_MAIN(distance_one_degree_of_latitude, distance_across_denmark,
    showable_characters, hostile_text_left_out,
    recset_skips_tombstones_and_local_kinds,
    location_falls_back_to_profile_then_centroid, dot_quote,
    graph_nodes_clusters_edges, graph_text_independent_of_arrival_order,
    graph_networks, graph_empty_and_out_of_space, graph_at_the_peer_limit,
    overview_sections_and_escaping, overview_radius_limit,
    overview_needs_a_profile, html_escape, out_of_memory)
