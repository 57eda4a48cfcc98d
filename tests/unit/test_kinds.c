/*
 * Record kinds and their schemas, the municipality and interest tables, and
 * the parser and formatter for people (proto/kinds.c, kinds_parse.c,
 * kinds_format.c; PROTOCOL.md §6).
 *
 * Bodies are built the way the daemon builds them: tv_field_parse on what
 * a person types, tv_encode, tv_decode of the bytes, then tv_kind_validate
 * on the decoded map. Values the parser refuses (beyond a limit) are built
 * by hand and go through the same encode, decode and validate path.
 */
#include "test.h"

#include "canon.h"
#include "err.h"
#include "ids.h"
#include "kinds.h"

#define ASSERT_PREFIX(s, p) do { \
	const char *s_ = (s), *p_ = (p); \
	if (strncmp(s_, p_, strlen(p_)) != 0) \
		TEST_FAIL("\"%s\" does not start with \"%s\"", s_, p_); \
} while (0)

#define ASSERT_CONTAINS(s, sub) do { \
	const char *s_ = (s), *sub_ = (sub); \
	if (strstr(s_, sub_) == NULL) \
		TEST_FAIL("\"%s\" does not contain \"%s\"", s_, sub_); \
} while (0)

#define TIME_MAX 4102444799LL
#define LIMIT_TEXT 8192

/* ---- Helpers ----------------------------------------------------------- */

static const struct tv_kind *
kind(const char *name)
{
	const struct tv_kind *k = tv_kind_find(name, strlen(name));

	if (k == NULL)
		TEST_FAIL("no kind '%s'", name);
	return k;
}

static const struct tv_field *
field(const char *kind_name, const char *name)
{
	const struct tv_field *f = tv_kind_field(kind(kind_name), name);

	if (f == NULL)
		TEST_FAIL("no field %s.%s", kind_name, name);
	return f;
}

/* Writes the text form of a reference: area id of bytes a, record id of bytes id (0: the area). */
static void
ref_text(uint8_t a, uint8_t id, char out[80])
{
	uint8_t pk[TV_PK_LEN], rid[TV_ID_LEN];

	memset(pk, a, sizeof(pk));
	memset(rid, id, sizeof(rid));
	tv_area_text(pk, out);
	if (id != 0) {
		out[TV_AREA_TEXT_LEN] = ':';
		tv_id_text(rid, out + TV_AREA_TEXT_LEN + 1);
	}
}

static int
parse(struct tv_doc *doc, const char *k, const char *f, const char *text,
    struct tv_value *out, char *err, size_t errlen)
{
	return tv_field_parse(doc, field(k, f), text, out, err, errlen);
}

/* Parses text that must be accepted. */
static struct tv_value
parse_ok(struct tv_doc *doc, const char *k, const char *f, const char *text)
{
	struct tv_value v;
	char err[512];

	if (parse(doc, k, f, text, &v, err, sizeof(err)) != 0)
		TEST_FAIL("%s.%s = '%s' rejected: %s", k, f, text, err);
	return v;
}

/* Parses text that must be refused with a reason naming the field. */
static void
parse_bad(struct tv_doc *doc, const char *k, const char *f, const char *text,
    const char *want)
{
	struct tv_value v;
	char err[512];
	int rc = parse(doc, k, f, text, &v, err, sizeof(err));

	if (rc != TV_ESCHEMA)
		TEST_FAIL("%s.%s = '%s' gave %d, not TV_ESCHEMA", k, f, text, rc);
	ASSERT_EQ(v.type, TV_NIL);
	ASSERT_PREFIX(err, f);
	ASSERT(strchr(err, '\n') == NULL);	/* one line, whatever was typed */
	ASSERT_EQ(tv_text_check((const uint8_t *)err, strlen(err)), 0);
	if (want != NULL)
		ASSERT_CONTAINS(err, want);
}

static bool
str_is(const struct tv_value *v, const char *s)
{
	return v->type == TV_STR && v->len == strlen(s) &&
	    memcmp(v->bytes, s, v->len) == 0;
}

#define ASSERT_STR_VALUE(v, s) do { \
	const struct tv_value *v_ = (v); \
	if (!str_is(v_, (s))) \
		TEST_FAIL("%s is not \"%s\" (type %d, \"%.*s\")", #v, (s), \
		    v_->type, v_->type == TV_STR ? (int)v_->len : 0, \
		    v_->type == TV_STR ? (const char *)v_->bytes : ""); \
} while (0)

static int64_t
int_of(const struct tv_value *v)
{
	if (v->type == TV_UINT)
		return (int64_t)v->u;
	if (v->type == TV_NINT)
		return v->i;
	TEST_FAIL("not an integer (type %d)", v->type);
}

/* Value builders; everything lives in doc. */
static struct tv_value
v_str(struct tv_doc *doc, const char *s)
{
	struct tv_value v;
	char *copy = tv_doc_copy(doc, s, strlen(s));

	ASSERT(copy != NULL);
	tv_set_str(&v, copy, strlen(s));
	return v;
}

/* unit repeated n times. */
static struct tv_value
v_rep(struct tv_doc *doc, const char *unit, size_t n)
{
	size_t u = strlen(unit);
	char *buf = malloc(u * n + 1);
	struct tv_value v;

	ASSERT(buf != NULL);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * u, unit, u);
	buf[u * n] = 0;
	v = v_str(doc, buf);
	free(buf);
	return v;
}

static struct tv_value
v_int(int64_t i)
{
	struct tv_value v;

	memset(&v, 0, sizeof(v));
	tv_set_int(&v, i);
	return v;
}

static struct tv_value
v_bool(bool b)
{
	struct tv_value v;

	memset(&v, 0, sizeof(v));
	v.type = TV_BOOL;
	v.b = b;
	return v;
}

static struct tv_value
v_bin(struct tv_doc *doc, uint8_t byte, size_t n)
{
	struct tv_value v;
	uint8_t buf[64];

	memset(&v, 0, sizeof(v));
	memset(buf, byte, sizeof(buf));
	v.type = TV_BIN;
	v.len = (uint32_t)n;
	v.bytes = (const uint8_t *)tv_doc_copy(doc, buf, n);
	ASSERT(v.bytes != NULL);
	return v;
}

static struct tv_value
v_array(struct tv_doc *doc, size_t n)
{
	struct tv_value v;

	memset(&v, 0, sizeof(v));
	v.type = TV_ARRAY;
	v.len = (uint32_t)n;
	v.items = tv_doc_alloc(doc, n ? n : 1);
	ASSERT(v.items != NULL);
	return v;
}

static struct tv_value
v_ref(struct tv_doc *doc, uint8_t a, uint8_t id)
{
	struct tv_value v = v_array(doc, 2);

	v.items[0] = v_bin(doc, a, TV_PK_LEN);
	v.items[1] = v_bin(doc, id, TV_ID_LEN);
	return v;
}

static struct tv_value
v_pair(struct tv_doc *doc, int64_t a, int64_t b)
{
	struct tv_value v = v_array(doc, 2);

	v.items[0] = v_int(a);
	v.items[1] = v_int(b);
	return v;
}

/* An empty map with room for n pairs. */
static struct tv_value
v_map(struct tv_doc *doc, size_t n)
{
	struct tv_value v;

	memset(&v, 0, sizeof(v));
	v.type = TV_MAP;
	v.items = tv_doc_alloc(doc, 2 * n);
	ASSERT(v.items != NULL);
	return v;
}

static void
map_put(struct tv_value *m, const char *key, struct tv_value v)
{
	tv_set_str(&m->items[2 * m->len], key, strlen(key));
	m->items[2 * m->len + 1] = v;
	m->len++;
}

/* A body being built: a map of up to BODY_MAX pairs. */
#define BODY_MAX 64
struct body {
	struct tv_doc *doc;
	const struct tv_kind *k;
	struct tv_value pairs[2 * BODY_MAX];
	struct tv_value map;
};

static void
body_put(struct body *b, const char *name, struct tv_value v)
{
	for (uint32_t i = 0; i < b->map.len; i++)
		if (str_is(&b->pairs[2 * i], name)) {
			b->pairs[2 * i + 1] = v;
			return;
		}
	ASSERT(b->map.len < BODY_MAX);
	tv_set_str(&b->pairs[2 * b->map.len], name, strlen(name));
	b->pairs[2 * b->map.len + 1] = v;
	b->map.len++;
}

static void
body_del(struct body *b, const char *name)
{
	for (uint32_t i = 0; i < b->map.len; i++)
		if (str_is(&b->pairs[2 * i], name)) {
			memmove(&b->pairs[2 * i], &b->pairs[2 * i + 2],
			    (b->map.len - i - 1) * 2 * sizeof(b->pairs[0]));
			b->map.len--;
			return;
		}
}

/* Sets a field from the text a person types; the parse must succeed. */
static void
body_text(struct body *b, const char *name, const char *text)
{
	body_put(b, name, parse_ok(b->doc, b->k->name, name, text));
}

/* What each kind needs at least, as typed ("@" stands for a reference). */
static const struct {
	const char *kind;
	const char *pairs[6];
} minimal[] = {
	{ "area", { "name", "Østby", "kind", "landsby", "municipality",
	    "336" } },
	{ "association", { "name", "Ridelauget Østby" } },
	{ "project", { "title", "Ridesti langs åen", "status", "skuffe" } },
	{ "network", { "name", "Landsbyklyngen Syd" } },
	{ "membership", { "network", "@", "member", "@" } },
	{ "event", { "title", "Ildsjælekonference", "start",
	    "2025-11-08 09:30" } },
	{ "document", { "title", "Udviklingsplan 2025" } },
	{ "role", { "name", "Jens Hansen", "association", "@", "role",
	    "formand" } },
	{ "contact", { "name", "Jens Hansen" } },
};

/* Starts a body of the kind holding its required fields, parsed from text. */
static void
body_init(struct body *b, struct tv_doc *doc, const char *kind_name)
{
	char ref[80];

	memset(b, 0, sizeof(*b));
	b->doc = doc;
	b->k = kind(kind_name);
	b->map.type = TV_MAP;
	b->map.items = b->pairs;
	ref_text(7, 9, ref);
	for (size_t i = 0; i < sizeof(minimal) / sizeof(minimal[0]); i++) {
		if (strcmp(minimal[i].kind, b->k->name) != 0)
			continue;
		for (size_t j = 0; j < 6 && minimal[i].pairs[j] != NULL; j += 2)
			body_text(b, minimal[i].pairs[j],
			    strcmp(minimal[i].pairs[j + 1], "@") == 0 ? ref :
			    minimal[i].pairs[j + 1]);
		return;
	}
	TEST_FAIL("no minimal body for %s", kind_name);
}

/* Encodes the body, decodes the bytes and validates the decoded map. */
static int
body_check(struct body *b, char *err, size_t errlen)
{
	const struct tv_value *root;
	struct tv_doc *d2;
	struct tv_w w;
	uint8_t *bytes;
	size_t len;
	int rc;

	tv_w_init(&w, 0);
	if ((rc = tv_encode(&w, &b->map)) != 0) {
		tv_w_free(&w);
		TEST_FAIL("encode: %s", tv_strerror(rc));
	}
	if ((rc = tv_w_finish(&w, &bytes, &len)) != 0)
		TEST_FAIL("finish: %s", tv_strerror(rc));
	if ((rc = tv_decode(bytes, len, &d2, &root)) != 0)
		TEST_FAIL("decode: %s", tv_strerror(rc));
	err[0] = 0;
	rc = tv_kind_validate(b->k, root, err, errlen);
	tv_doc_free(d2);
	free(bytes);
	return rc;
}

static void
body_ok(struct body *b)
{
	char err[512];

	if (body_check(b, err, sizeof(err)) != 0)
		TEST_FAIL("%s body rejected: %s", b->k->name, err);
}

/* The body must fail with a reason that starts with prefix. */
static void
body_bad(struct body *b, const char *prefix, const char *want)
{
	char err[512];
	int rc = body_check(b, err, sizeof(err));

	if (rc != TV_ESCHEMA)
		TEST_FAIL("%s body gave %d, not TV_ESCHEMA (expected \"%s...\")",
		    b->k->name, rc, prefix);
	ASSERT_PREFIX(err, prefix);
	if (want != NULL)
		ASSERT_CONTAINS(err, want);
	ASSERT(strchr(err, '\n') == NULL);	/* one line */
}

/* Fields whose value may not come before a partner field's. */
static const char *
earlier_partner(const char *name)
{
	if (strcmp(name, "end") == 0)
		return "start";
	if (strcmp(name, "until") == 0)
		return "since";
	if (strcmp(name, "to") == 0)
		return "from";
	return NULL;
}

/* A fresh minimal body of kind k with field = v must pass. */
static void
expect_ok(struct tv_doc *doc, const char *k, const struct tv_field *f,
    struct tv_value v, const char *what)
{
	const char *partner = earlier_partner(f->name);
	struct body b;
	char err[512];

	body_init(&b, doc, k);
	body_put(&b, f->name, v);
	if (partner != NULL)
		body_put(&b, partner, v);
	if (body_check(&b, err, sizeof(err)) != 0)
		TEST_FAIL("%s.%s (%s) rejected: %s", k, f->name, what, err);
}

/* A fresh minimal body of kind k with field = v must fail, naming the field. */
static void
expect_bad(struct tv_doc *doc, const char *k, const struct tv_field *f,
    struct tv_value v, const char *what)
{
	struct body b;
	char err[512];
	int rc;

	body_init(&b, doc, k);
	body_put(&b, f->name, v);
	rc = body_check(&b, err, sizeof(err));
	if (rc != TV_ESCHEMA)
		TEST_FAIL("%s.%s (%s) gave %d, not TV_ESCHEMA", k, f->name, what,
		    rc);
	if (strncmp(err, f->name, strlen(f->name)) != 0)
		TEST_FAIL("%s.%s (%s): reason does not name the field: %s", k,
		    f->name, what, err);
}

static struct tv_value
hex64(struct tv_doc *doc, size_t n, char c)
{
	char buf[80];

	memset(buf, c, n);
	buf[n] = 0;
	return v_str(doc, buf);
}

/* Builds a list of n distinct values of the item type of f, starting at k0. */
static struct tv_value
distinct_items(struct tv_doc *doc, const struct tv_field *f, size_t n)
{
	struct tv_value v = v_array(doc, n);
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		switch (f->type) {
		case TV_F_INT_LIST:
			v.items[i] = v_int(f->min + (int64_t)i);
			break;
		case TV_F_TEXT_LIST:
			snprintf(buf, sizeof(buf), "punkt %zu", i);
			v.items[i] = v_str(doc, buf);
			break;
		case TV_F_REF_LIST:
			v.items[i] = v_ref(doc, 3, (uint8_t)(i + 1));
			break;
		default:
			TEST_FAIL("distinct_items: type %d", f->type);
		}
	}
	return v;
}

static struct tv_value
need_item(struct tv_doc *doc, const char *type, struct tv_value *text)
{
	struct tv_value m = v_map(doc, 2);

	map_put(&m, "type", v_str(doc, type));
	if (text != NULL)
		map_put(&m, "text", *text);
	return m;
}

static struct tv_value
funding_item(struct tv_doc *doc, int64_t applied, struct tv_value name)
{
	struct tv_value m = v_map(doc, 6);

	map_put(&m, "source", v_str(doc, "lag"));
	map_put(&m, "name", name);
	map_put(&m, "amount_applied", v_int(applied));
	map_put(&m, "amount_granted", v_int(0));
	map_put(&m, "status", v_str(doc, "granted"));
	map_put(&m, "date", v_str(doc, "2025-01-01"));
	return m;
}

static struct tv_value
consent(struct tv_doc *doc, bool with_given, struct tv_value scope)
{
	struct tv_value m = v_map(doc, 4);

	map_put(&m, "publish_name", v_bool(true));
	map_put(&m, "publish_contact", v_bool(false));
	if (with_given)
		map_put(&m, "given", v_str(doc, "2025-03-01"));
	map_put(&m, "scope", scope);
	return m;
}

/*
 * Every field of kind k at each of its limits (accepted) and just beyond
 * (refused with a reason that starts with the field's name).
 */
static void
check_kind_limits(const char *k)
{
	const struct tv_kind *kd = kind(k);

	for (size_t i = 0; i < kd->n_fields; i++) {
		struct tv_doc *doc = tv_doc_new();
		const struct tv_field *f = &kd->fields[i];
		struct tv_value v, t;

		ASSERT(doc != NULL);
		switch (f->type) {
		case TV_F_TEXT:
			if (strcmp(f->name, "hash") == 0) {
				expect_ok(doc, k, f, hex64(doc, 64, 'a'), "64 hex");
				expect_bad(doc, k, f, hex64(doc, 63, 'a'), "63 hex");
				expect_bad(doc, k, f, hex64(doc, 64, 'A'), "upper");
				expect_bad(doc, k, f, hex64(doc, 64, 'g'), "not hex");
				break;
			}
			ASSERT(f->max > 0 && f->max <= LIMIT_TEXT);
			expect_ok(doc, k, f, v_rep(doc, "å", (size_t)f->max),
			    "max chars of two bytes");
			expect_ok(doc, k, f, v_rep(doc, "a", (size_t)f->max),
			    "max chars");
			expect_bad(doc, k, f, v_rep(doc, "a", (size_t)f->max + 1),
			    "max + 1 chars");
			expect_bad(doc, k, f, v_str(doc, ""), "empty");
			expect_bad(doc, k, f, v_int(1), "an integer");
			break;
		case TV_F_INT:
			expect_ok(doc, k, f, v_int(f->min), "min");
			expect_ok(doc, k, f, v_int(f->max), "max");
			expect_bad(doc, k, f, v_int(f->min - 1), "min - 1");
			expect_bad(doc, k, f, v_int(f->max + 1), "max + 1");
			expect_bad(doc, k, f, v_str(doc, "1"), "text");
			break;
		case TV_F_BOOL:
			expect_ok(doc, k, f, v_bool(true), "true");
			expect_ok(doc, k, f, v_bool(false), "false");
			expect_bad(doc, k, f, v_int(1), "1");
			expect_bad(doc, k, f, v_str(doc, "ja"), "ja");
			break;
		case TV_F_ENUM:
			ASSERT(f->n_enums > 0);
			for (size_t e = 0; e < f->n_enums; e++)
				expect_ok(doc, k, f, v_str(doc, f->enums[e].code),
				    f->enums[e].code);
			expect_bad(doc, k, f, v_str(doc, "nope"), "unknown code");
			expect_bad(doc, k, f, v_int(0), "an integer");
			break;
		case TV_F_ENUM_LIST:
			ASSERT(f->n_enums <= f->max_items);
			v = v_array(doc, f->n_enums);
			for (size_t e = 0; e < f->n_enums; e++)
				v.items[e] = v_str(doc, f->enums[e].code);
			expect_ok(doc, k, f, v, "every code once");
			v = v_array(doc, f->max_items + 1);
			for (size_t e = 0; e <= f->max_items; e++)
				v.items[e] = v_str(doc,
				    f->enums[e % f->n_enums].code);
			expect_bad(doc, k, f, v, "max_items + 1");
			v = v_array(doc, 2);
			v.items[0] = v.items[1] = v_str(doc, f->enums[0].code);
			expect_bad(doc, k, f, v, "repeated");
			v = v_array(doc, 1);
			v.items[0] = v_str(doc, "nope");
			expect_bad(doc, k, f, v, "unknown code");
			break;
		case TV_F_INTERESTS: {
			size_t ni;
			const struct tv_interest *all = tv_interests(&ni);
			char tag[40];
			v = v_array(doc, 8 + 16);
			for (size_t e = 0; e < 8; e++)
				v.items[e] = v_str(doc, all[e].code);
			for (size_t e = 0; e < 16; e++) {
				snprintf(tag, sizeof(tag), "tag-%zu", e);
				v.items[8 + e] = v_str(doc, tag);
			}
			expect_ok(doc, k, f, v, "8 codes and 16 tags");
			v = v_array(doc, 9);
			for (size_t e = 0; e < 9; e++)
				v.items[e] = v_str(doc, all[e].code);
			expect_bad(doc, k, f, v, "9 codes");
			v = v_array(doc, 17);
			for (size_t e = 0; e < 17; e++) {
				snprintf(tag, sizeof(tag), "tag-%zu", e);
				v.items[e] = v_str(doc, tag);
			}
			expect_bad(doc, k, f, v, "17 tags");
			v = v_array(doc, 1);
			v.items[0] = v_rep(doc, "a", 33);
			expect_bad(doc, k, f, v, "33-character tag");
			v.items[0] = v_rep(doc, "ø", 32);
			expect_ok(doc, k, f, v, "32-character tag");
			break;
		}
		case TV_F_MUNICIPALITY:
			expect_ok(doc, k, f, v_int(101), "101");
			expect_ok(doc, k, f, v_int(860), "860");
			expect_bad(doc, k, f, v_int(999), "999");
			expect_bad(doc, k, f, v_int(0), "0");
			expect_bad(doc, k, f, v_int(411), "Christiansø");
			expect_bad(doc, k, f, v_str(doc, "336"), "text");
			break;
		case TV_F_CVR:
			expect_ok(doc, k, f, v_str(doc, "10150817"), "valid");
			expect_bad(doc, k, f, v_str(doc, "10150818"), "check digit");
			expect_bad(doc, k, f, v_str(doc, "1015081"), "7 digits");
			expect_bad(doc, k, f, v_str(doc, "101508170"), "9 digits");
			expect_bad(doc, k, f, v_int(10150817), "an integer");
			break;
		case TV_F_REF:
			expect_ok(doc, k, f, v_ref(doc, 1, 2), "ref");
			expect_ok(doc, k, f, v_ref(doc, 1, 0), "area ref");
			v = v_array(doc, 2);
			v.items[0] = v_bin(doc, 1, 31);
			v.items[1] = v_bin(doc, 2, 16);
			expect_bad(doc, k, f, v, "31-byte origin");
			v.items[0] = v_bin(doc, 1, 32);
			v.items[1] = v_bin(doc, 2, 17);
			expect_bad(doc, k, f, v, "17-byte id");
			expect_bad(doc, k, f, v_str(doc, "x"), "text");
			break;
		case TV_F_REF_LIST:
		case TV_F_INT_LIST:
		case TV_F_TEXT_LIST:
			expect_ok(doc, k, f, distinct_items(doc, f, f->max_items),
			    "max_items");
			expect_ok(doc, k, f, v_array(doc, 0), "empty list");
			expect_bad(doc, k, f,
			    distinct_items(doc, f, f->max_items + 1),
			    "max_items + 1");
			v = distinct_items(doc, f, 2);
			v.items[1] = v.items[0];
			expect_bad(doc, k, f, v, "repeated");
			if (f->type == TV_F_INT_LIST) {
				v = v_array(doc, 1);
				v.items[0] = v_int(f->max);
				expect_ok(doc, k, f, v, "item max");
				v.items[0] = v_int(f->max + 1);
				expect_bad(doc, k, f, v, "item max + 1");
				v.items[0] = v_int(f->min - 1);
				expect_bad(doc, k, f, v, "item min - 1");
			}
			if (f->type == TV_F_TEXT_LIST) {
				v = v_array(doc, 1);
				v.items[0] = v_rep(doc, "æ", (size_t)f->max);
				expect_ok(doc, k, f, v, "item max chars");
				v.items[0] = v_rep(doc, "æ", (size_t)f->max + 1);
				expect_bad(doc, k, f, v, "item max + 1 chars");
			}
			break;
		case TV_F_LOCATION:
			expect_ok(doc, k, f, v_pair(doc, 54000000, 7500000), "SW");
			expect_ok(doc, k, f, v_pair(doc, 58000000, 15500000), "NE");
			expect_bad(doc, k, f, v_pair(doc, 53999999, 12000000),
			    "south");
			expect_bad(doc, k, f, v_pair(doc, 58000001, 12000000),
			    "north");
			expect_bad(doc, k, f, v_pair(doc, 55000000, 7499999),
			    "west");
			expect_bad(doc, k, f, v_pair(doc, 55000000, 15500001),
			    "east");
			v = v_array(doc, 1);
			v.items[0] = v_int(55000000);
			expect_bad(doc, k, f, v, "one number");
			break;
		case TV_F_DATE:
			expect_ok(doc, k, f, v_str(doc, "1800-01-01"), "first");
			expect_ok(doc, k, f, v_str(doc, "2100-12-31"), "last");
			expect_ok(doc, k, f, v_str(doc, "2024-02-29"), "leap day");
			expect_bad(doc, k, f, v_str(doc, "1799-12-31"), "too early");
			expect_bad(doc, k, f, v_str(doc, "2101-01-01"), "too late");
			expect_bad(doc, k, f, v_str(doc, "2025-02-29"), "no leap");
			expect_bad(doc, k, f, v_str(doc, "2025-13-01"), "month 13");
			expect_bad(doc, k, f, v_str(doc, "01-03-2025"), "DMY");
			expect_bad(doc, k, f, v_int(20250301), "an integer");
			break;
		case TV_F_TIME:
			expect_ok(doc, k, f, v_int(0), "0");
			expect_ok(doc, k, f, v_int(TIME_MAX), "max");
			expect_ok(doc, k, f, v_str(doc, "2025-11-08"), "all day");
			expect_bad(doc, k, f, v_int(TIME_MAX + 1), "max + 1");
			expect_bad(doc, k, f, v_int(-1), "-1");
			expect_bad(doc, k, f, v_str(doc, "2025-11-31"), "bad date");
			break;
		case TV_F_NEEDS:
			t = v_rep(doc, "ø", (size_t)f->max);
			v = v_array(doc, f->max_items);
			for (size_t e = 0; e < f->max_items; e++)
				v.items[e] = need_item(doc,
				    f->enums[e % f->n_enums].code, &t);
			expect_ok(doc, k, f, v, "max_items with max text");
			v = v_array(doc, f->max_items + 1);
			for (size_t e = 0; e <= f->max_items; e++)
				v.items[e] = need_item(doc, "volunteers", NULL);
			expect_bad(doc, k, f, v, "max_items + 1");
			t = v_rep(doc, "ø", (size_t)f->max + 1);
			v = v_array(doc, 1);
			v.items[0] = need_item(doc, "volunteers", &t);
			expect_bad(doc, k, f, v, "text max + 1");
			v.items[0] = need_item(doc, "nope", NULL);
			expect_bad(doc, k, f, v, "unknown type");
			v.items[0] = v_map(doc, 1);
			expect_bad(doc, k, f, v, "no type");
			break;
		case TV_F_FUNDING:
			v = v_array(doc, f->max_items);
			for (size_t e = 0; e < f->max_items; e++)
				v.items[e] = funding_item(doc, 1000000000,
				    v_rep(doc, "å", 120));
			expect_ok(doc, k, f, v, "max_items at every limit");
			v = v_array(doc, f->max_items + 1);
			for (size_t e = 0; e <= f->max_items; e++)
				v.items[e] = funding_item(doc, 1,
				    v_str(doc, "LAG"));
			expect_bad(doc, k, f, v, "max_items + 1");
			v = v_array(doc, 1);
			v.items[0] = funding_item(doc, 1000000001,
			    v_str(doc, "LAG"));
			expect_bad(doc, k, f, v, "amount max + 1");
			v.items[0] = funding_item(doc, 1, v_rep(doc, "å", 121));
			expect_bad(doc, k, f, v, "name 121 chars");
			t = v_map(doc, 1);
			map_put(&t, "name", v_str(doc, "LAG"));
			v.items[0] = t;
			expect_bad(doc, k, f, v, "no source");
			break;
		case TV_F_CONSENT:
			expect_ok(doc, k, f, consent(doc, true,
			    v_rep(doc, "ø", 200)), "scope 200");
			expect_bad(doc, k, f, consent(doc, true,
			    v_rep(doc, "ø", 201)), "scope 201");
			expect_bad(doc, k, f, consent(doc, false,
			    v_str(doc, "x")), "no date given");
			expect_bad(doc, k, f, v_bool(true), "not a map");
			break;
		}
		tv_doc_free(doc);
	}
}

/* ---- Tables ------------------------------------------------------------ */

TEST(municipalities_table)
{
	static const struct {
		int code;
		const char *name, *region;
	} known[] = {
		{ 101, "København", "Region Hovedstaden" },
		{ 147, "Frederiksberg", "Region Hovedstaden" },
		{ 253, "Greve", "Region Sjælland" },
		{ 259, "Køge", "Region Sjælland" },
		{ 320, "Faxe", "Region Sjælland" },
		{ 336, "Stevns", "Region Sjælland" },
		{ 350, "Lejre", "Region Sjælland" },
		{ 370, "Næstved", "Region Sjælland" },
		{ 400, "Bornholm", "Region Hovedstaden" },
		{ 492, "Ærø", "Region Syddanmark" },
		{ 580, "Aabenraa", "Region Syddanmark" },
		{ 751, "Aarhus", "Region Midtjylland" },
		{ 825, "Læsø", "Region Nordjylland" },
		{ 851, "Aalborg", "Region Nordjylland" },
		{ 860, "Hjørring", "Region Nordjylland" },
	};
	static const char *const regions[] = { "Region Hovedstaden",
	    "Region Sjælland", "Region Syddanmark", "Region Midtjylland",
	    "Region Nordjylland" };
	static const int per_region[] = { 29, 17, 22, 19, 11 };
	int count[5] = { 0 };
	size_t n;
	const struct tv_municipality *all = tv_municipalities(&n);

	ASSERT_EQ(n, 98);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		if (i > 0)
			ASSERT(all[i - 1].code < all[i].code);
		ASSERT(all[i].code >= 101 && all[i].code <= 860);
		ASSERT(tv_municipality_find(all[i].code) == &all[i]);
		ASSERT(tv_text_check((const uint8_t *)all[i].name,
		    strlen(all[i].name)) == 0);
		/* Centroids lie inside the box that locations must. */
		ASSERT(all[i].lat_udeg >= 54500000 && all[i].lat_udeg <= 57800000);
		ASSERT(all[i].lon_udeg >= 8000000 && all[i].lon_udeg <= 15200000);
		for (int r = 0; r < 5; r++)
			if (strcmp(all[i].region, regions[r]) == 0) {
				count[r]++;
				found = true;
			}
		if (!found)
			TEST_FAIL("%d: region '%s'", all[i].code, all[i].region);
	}
	for (int r = 0; r < 5; r++)
		ASSERT_EQ(count[r], per_region[r]);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct tv_municipality *m = tv_municipality_find(known[i].code);
		if (m == NULL)
			TEST_FAIL("no municipality %d", known[i].code);
		ASSERT_STR_EQ(m->name, known[i].name);
		ASSERT_STR_EQ(m->region, known[i].region);
	}
	/* Christiansø is administered by the state, not a municipality. */
	ASSERT(tv_municipality_find(411) == NULL);
	ASSERT(tv_municipality_find(999) == NULL);
	ASSERT(tv_municipality_find(0) == NULL);
	ASSERT(tv_municipality_find(-1) == NULL);
	/* Two centroids checked against the towns they stand for (± 0.1°). */
	const struct tv_municipality *m = tv_municipality_find(101);
	ASSERT(m->lat_udeg > 55576100 && m->lat_udeg < 55776100);
	ASSERT(m->lon_udeg > 12468300 && m->lon_udeg < 12668300);
	m = tv_municipality_find(461);	/* Odense 55.40, 10.39 */
	ASSERT(m->lat_udeg > 55300000 && m->lat_udeg < 55500000);
	ASSERT(m->lon_udeg > 10290000 && m->lon_udeg < 10490000);
}

TEST(municipality_by_name)
{
	static const struct {
		const char *text;
		int code;
	} v[] = {
		{ "Stevns", 336 }, { "stevns", 336 }, { "STEVNS", 336 },
		{ "KØBENHAVN", 101 }, { "københavn", 101 },
		{ "høje-taastrup", 169 }, { "Aarhus", 751 }, { "ÆRØ", 492 },
		{ "Ringkøbing-Skjern", 760 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct tv_municipality *m = tv_municipality_by_name(v[i].text);
		if (m == NULL)
			TEST_FAIL("'%s' not found", v[i].text);
		ASSERT_EQ(m->code, v[i].code);
	}
	ASSERT(tv_municipality_by_name("Atlantis") == NULL);
	ASSERT(tv_municipality_by_name("Stevn") == NULL);
	ASSERT(tv_municipality_by_name("") == NULL);
	ASSERT(tv_municipality_by_name(NULL) == NULL);
}

TEST(municipality_parse)
{
	static const char *const as_336[] = { "336", "0336", "00336",
	    "Stevns", "stevns", "Stevns Kommune", "336 Stevns", " 336 ",
	    "0336 stevns" };
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < sizeof(as_336) / sizeof(as_336[0]); i++) {
		struct tv_value v = parse_ok(doc, "area", "municipality",
		    as_336[i]);
		ASSERT_EQ(int_of(&v), 336);
	}
	struct tv_value v = parse_ok(doc, "area", "municipality", "0101");
	ASSERT_EQ(int_of(&v), 101);
	parse_bad(doc, "area", "municipality", "999",
	    "unknown code 999 (see `tvaers municipalities`)");
	parse_bad(doc, "area", "municipality", "0", "unknown code 0");
	parse_bad(doc, "area", "municipality", "411", "unknown code 411");
	parse_bad(doc, "area", "municipality", "Atlantis",
	    "`tvaers municipalities`");
	parse_bad(doc, "area", "municipality", "336 Faxe", "Stevns");
	parse_bad(doc, "area", "municipality", "336x", NULL);
	parse_bad(doc, "association", "municipality", "99999999999999",
	    "unknown code");
	tv_doc_free(doc);
}

TEST(municipality_validate)
{
	struct tv_doc *doc = tv_doc_new();
	struct body b;
	char err[256];

	body_init(&b, doc, "area");
	body_ok(&b);
	body_put(&b, "municipality", v_int(999));
	ASSERT_EQ(body_check(&b, err, sizeof(err)), TV_ESCHEMA);
	ASSERT_STR_EQ(err, "municipality: unknown code 999 (see `tvaers "
	    "municipalities`)");
	body_put(&b, "municipality", v_int(147));
	body_ok(&b);
	tv_doc_free(doc);
}

TEST(interests_vocabulary)
{
	size_t n;
	const struct tv_interest *all = tv_interests(&n);

	ASSERT_EQ(n, 25);	/* data/interests.csv */
	ASSERT(tv_interest_find("heste", 5) != NULL);
	ASSERT_STR_EQ(tv_interest_find("heste", 5)->da, "Heste og ridning");
	ASSERT_STR_EQ(tv_interest_find("jagt-fiskeri", 12)->en,
	    "Hunting and angling");
	ASSERT(tv_interest_find("hestex", 5) != NULL);	/* len counts */
	ASSERT(tv_interest_find("islandsheste", 12) == NULL);
	ASSERT(tv_interest_find("Heste", 5) == NULL);	/* codes are exact */
	for (size_t i = 0; i < n; i++)
		ASSERT(tv_interest_find(all[i].code, strlen(all[i].code)) ==
		    &all[i]);
}

TEST(interests_codes_and_tags)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v;
	struct body b;

	v = parse_ok(doc, "association", "interests",
	    "heste, Natur,islandsheste, Heste og ridning,, Petanque, ÆBLEMOST,"
	    " Local business and trade");
	ASSERT_EQ(v.type, TV_ARRAY);
	ASSERT_EQ(v.len, 6);
	ASSERT_STR_VALUE(&v.items[0], "heste");
	ASSERT_STR_VALUE(&v.items[1], "natur");
	ASSERT_STR_VALUE(&v.items[2], "islandsheste");
	ASSERT_STR_VALUE(&v.items[3], "petanque");
	ASSERT_STR_VALUE(&v.items[4], "æblemost");
	ASSERT_STR_VALUE(&v.items[5], "erhverv");
	body_init(&b, doc, "association");
	body_put(&b, "interests", v);
	body_ok(&b);
	tv_doc_free(doc);
}

TEST(interests_limits_and_bad_tags)
{
	struct tv_doc *doc = tv_doc_new();

	parse_ok(doc, "project", "interests", "idraet,heste,natur,miljoe,"
	    "jagt-fiskeri,kultur,musik,lokalhistorie");
	parse_bad(doc, "project", "interests", "idraet,heste,natur,miljoe,"
	    "jagt-fiskeri,kultur,musik,lokalhistorie,spejder",
	    "9 interest codes, at most 8");
	parse_ok(doc, "project", "interests", "a1,a2,a3,a4,a5,a6,a7,a8,a9,b1,"
	    "b2,b3,b4,b5,b6,b7");
	parse_bad(doc, "project", "interests", "a1,a2,a3,a4,a5,a6,a7,a8,a9,"
	    "b1,b2,b3,b4,b5,b6,b7,b8", "17 free tags, at most 16");
	parse_bad(doc, "project", "interests", "heste!", "'heste!'");
	parse_bad(doc, "project", "interests", "x", "neither");
	parse_bad(doc, "project", "interests", "under_score", NULL);
	parse_bad(doc, "project", "interests", "bär", NULL);
	parse_bad(doc, "project", "interests", "hest e", NULL);
	/* The wire is strict: upper case is not a tag there. */
	struct body b;
	struct tv_value v = v_array(doc, 1);
	v.items[0] = v_str(doc, "Heste");
	body_init(&b, doc, "event");
	body_put(&b, "interests", v);
	body_bad(&b, "interests", "'Heste'");
	tv_doc_free(doc);
}

TEST(cvr_check_digit)
{
	/* Valid numbers, checked by hand: weights 2,7,6,5,4,3,2,1, sum % 11 == 0. */
	static const char *const good[] = { "10150817", "25313763",
	    "29403473", "61126228", "20756438", "12345674" };
	static const char *const bad[] = { "12345678", "35402205", "10150818",
	    "1015081", "101508170", "1015081a", "abcdefgh", "" };
	struct tv_doc *doc = tv_doc_new();
	struct body b;
	char err[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ASSERT(tv_cvr_valid(good[i], 8));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT(!tv_cvr_valid(bad[i], strlen(bad[i])));
	ASSERT(!tv_cvr_valid("10150817", 7));
	ASSERT(!tv_cvr_valid(NULL, 8));

	struct tv_value v = parse_ok(doc, "association", "cvr", "DK 1015 0817");
	ASSERT_STR_VALUE(&v, "10150817");
	parse_bad(doc, "association", "cvr", "12345678",
	    "12345678 fails the CVR check digit");
	parse_bad(doc, "association", "cvr", "1234567", "is not 8 digits");
	parse_bad(doc, "association", "cvr", "123456789", "is not 8 digits");
	parse_bad(doc, "association", "cvr", "1234567x", "is not 8 digits");

	body_init(&b, doc, "association");
	body_put(&b, "cvr", v_str(doc, "12345678"));
	ASSERT_EQ(body_check(&b, err, sizeof(err)), TV_ESCHEMA);
	ASSERT_STR_EQ(err, "cvr: 12345678 fails the CVR check digit");
	body_text(&b, "cvr", "25313763");
	body_ok(&b);
	tv_doc_free(doc);
}

/* ---- Kinds ------------------------------------------------------------- */

TEST(kinds_listed_and_flagged)
{
	static const char *const names[] = { "area", "association", "project",
	    "network", "membership", "event", "document", "role", "contact" };
	size_t n;
	const struct tv_kind *all = tv_kinds(&n);

	ASSERT_EQ(n, 9);
	for (size_t i = 0; i < n; i++) {
		const struct tv_kind *k = &all[i];
		ASSERT_STR_EQ(k->name, names[i]);
		ASSERT_EQ(k->is_local, strcmp(k->name, "role") == 0 ||
		    strcmp(k->name, "contact") == 0);
		ASSERT(k->da != NULL && k->en != NULL && k->n_fields > 0);
		if (k->title_field != NULL)
			ASSERT(tv_kind_field(k, k->title_field)->type ==
			    TV_F_TEXT);
		for (size_t j = 0; j < k->n_fields; j++) {
			const struct tv_field *f = &k->fields[j];
			ASSERT(f->da != NULL && *f->da && f->en != NULL && *f->en);
			ASSERT(tv_kind_field(k, f->name) == f);
			for (const char *p = f->name; *p; p++)
				ASSERT((*p >= 'a' && *p <= 'z') || *p == '_');
			for (size_t e = 0; e < f->n_enums; e++)
				for (const char *p = f->enums[e].code; *p; p++)
					ASSERT((*p >= 'a' && *p <= 'z') ||
					    *p == '_');
		}
	}
	ASSERT(tv_kind_field(kind("association"), "nmae") == NULL);
	ASSERT(tv_kind_field(NULL, "name") == NULL);
}

TEST(kind_find_names_and_labels)
{
	static const struct {
		const char *text, *kind;
	} v[] = {
		{ "area", "area" }, { "område", "area" }, { "OMRÅDE", "area" },
		{ "forening", "association" }, { "FORENING", "association" },
		{ "Association", "association" }, { "projekt", "project" },
		{ "netværk", "network" }, { "NETVÆRK", "network" },
		{ "Netværk", "network" }, { "arrangement", "event" },
		{ "dokument", "document" }, { "medlemskab", "membership" },
		{ "rolle", "role" }, { "kontakt", "contact" },
		{ "foreninger", "association" }, { "projekter", "project" },
		{ "events", "event" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct tv_kind *k = tv_kind_find(v[i].text,
		    strlen(v[i].text));
		if (k == NULL)
			TEST_FAIL("'%s' not found", v[i].text);
		ASSERT_STR_EQ(k->name, v[i].kind);
	}
	ASSERT(tv_kind_find("forening-x", 8) == kind("association"));
	ASSERT(tv_kind_find("metropolis", 10) == NULL);
	ASSERT(tv_kind_find("foren", 5) == NULL);
	ASSERT(tv_kind_find("", 0) == NULL);
	ASSERT(tv_kind_find(NULL, 0) == NULL);
}

TEST(required_fields)
{
	static const struct {
		const char *kind;
		const char *req[4];
	} v[] = {
		{ "area", { "name", "kind", "municipality" } },
		{ "association", { "name" } },
		{ "project", { "title", "status" } },
		{ "network", { "name" } },
		{ "membership", { "network", "member" } },
		{ "event", { "title", "start" } },
		{ "document", { "title" } },
		{ "role", { "name", "association", "role" } },
		{ "contact", { "name" } },
	};
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct tv_kind *k = kind(v[i].kind);
		size_t nreq = 0;
		struct body b;
		char want[64];

		for (size_t j = 0; j < k->n_fields; j++)
			nreq += k->fields[j].required;
		for (size_t j = 0; j < 4 && v[i].req[j] != NULL; j++) {
			ASSERT(field(v[i].kind, v[i].req[j])->required);
			nreq--;
			body_init(&b, doc, v[i].kind);
			body_ok(&b);
			body_del(&b, v[i].req[j]);
			snprintf(want, sizeof(want), "%s: required", v[i].req[j]);
			body_bad(&b, want, NULL);
		}
		ASSERT_EQ(nreq, 0);
		/* The empty body names the first required field. */
		body_init(&b, doc, v[i].kind);
		b.map.len = 0;
		snprintf(want, sizeof(want), "%s: required", v[i].req[0]);
		body_bad(&b, want, NULL);
	}
	tv_doc_free(doc);
}

TEST(unknown_fields_and_kinds_pass)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value m = v_map(doc, 3);
	struct body b;
	char err[128];

	body_init(&b, doc, "project");
	body_put(&b, "x_future_field", v_int(42));
	body_put(&b, "zz", v_array(doc, 0));
	body_ok(&b);
	/* Unknown kind: any map passes, even one that looks wrong. */
	map_put(&m, "name", v_int(5));
	map_put(&m, "municipality", v_int(999));
	ASSERT_EQ(tv_kind_validate(NULL, &m, err, sizeof(err)), 0);
	ASSERT_EQ(tv_kind_validate(kind("area"), &m, err, sizeof(err)),
	    TV_ESCHEMA);
	/* But a body is always a map. */
	struct tv_value arr = v_array(doc, 0);
	ASSERT_EQ(tv_kind_validate(NULL, &arr, err, sizeof(err)), TV_ESCHEMA);
	ASSERT_PREFIX(err, "body:");
	ASSERT_EQ(tv_kind_validate(NULL, NULL, err, sizeof(err)), TV_ESCHEMA);
	/* Keys of a known kind's body are text. */
	struct tv_value k = v_map(doc, 2);
	k.items[0] = v_int(1);
	k.items[1] = v_int(2);
	k.len = 1;
	ASSERT_EQ(tv_kind_validate(kind("contact"), &k, err, sizeof(err)),
	    TV_ESCHEMA);
	ASSERT_PREFIX(err, "body:");
	ASSERT_EQ(tv_kind_validate(kind("contact"), &k, NULL, 0), TV_ESCHEMA);
	tv_doc_free(doc);
}

TEST(nfc_normalised_by_parse_rejected_by_validate)
{
	struct tv_doc *doc = tv_doc_new();
	struct body b;
	char err[256];
	/* "Bårse" with å written as a + U+030A COMBINING RING ABOVE. */
	const char *decomposed = "Ba\xcc\x8arse";

	struct tv_value v = parse_ok(doc, "association", "name", decomposed);
	ASSERT_STR_VALUE(&v, "B\xc3\xa5rse");
	v = parse_ok(doc, "association", "interests", "ba\xcc\x8a" "dklub");
	ASSERT_STR_VALUE(&v.items[0], "b\xc3\xa5" "dklub");
	parse_bad(doc, "association", "name", "Ba\xff", "not valid UTF-8");

	/* Built in memory without normalising: validate refuses it. */
	body_init(&b, doc, "association");
	body_put(&b, "name", v_str(doc, decomposed));
	ASSERT_EQ(tv_kind_validate(b.k, &b.map, err, sizeof(err)), TV_ESCHEMA);
	ASSERT_PREFIX(err, "name: not in Unicode NFC");
	body_put(&b, "name", v_str(doc, "Ba\xff"));
	ASSERT_EQ(tv_kind_validate(b.k, &b.map, err, sizeof(err)), TV_ESCHEMA);
	ASSERT_STR_EQ(err, "name: not valid UTF-8");
	tv_doc_free(doc);
}

TEST(text_limits_in_code_points)
{
	struct tv_doc *doc = tv_doc_new();
	char err[256], *text = malloc(1000);
	struct tv_value v;

	/* 120 characters of two bytes each fit; the 121st does not. */
	for (int i = 0; i < 120; i++)
		memcpy(text + 2 * i, "ø", 2);
	text[240] = 0;
	parse_ok(doc, "association", "name", text);
	strcat(text, "x");
	ASSERT_EQ(parse(doc, "association", "name", text, &v, err,
	    sizeof(err)), TV_ESCHEMA);
	ASSERT_STR_EQ(err, "name: 121 characters, at most 120");
	/* Project descriptions are longer than the others. */
	ASSERT_EQ(field("project", "description")->max, 8000);
	ASSERT_EQ(field("event", "description")->max, 4000);
	free(text);
	tv_doc_free(doc);
}

/* The limits the specification promises, pinned (the loops below test them). */
TEST(limits_table)
{
	static const struct {
		const char *kind, *field;
		enum tv_field_type type;
		int64_t min, max;
		uint32_t max_items;
	} v[] = {
		{ "area", "name", TV_F_TEXT, 0, 120, 0 },
		{ "area", "description", TV_F_TEXT, 0, 4000, 0 },
		{ "area", "postcodes", TV_F_INT_LIST, 1000, 9999, 20 },
		{ "area", "population", TV_F_INT, 0, 10000000, 0 },
		{ "area", "website", TV_F_TEXT, 0, 300, 0 },
		{ "area", "peers", TV_F_REF_LIST, 0, 0, 64 },
		{ "association", "short_name", TV_F_TEXT, 0, 40, 0 },
		{ "association", "purpose", TV_F_TEXT, 0, 1000, 0 },
		{ "association", "members", TV_F_INT, 0, 1000000, 0 },
		{ "association", "members_year", TV_F_INT, 1800, 2100, 0 },
		{ "association", "founded", TV_F_INT, 1800, 2100, 0 },
		{ "association", "board_seats", TV_F_INT, 0, 50, 0 },
		{ "association", "board_vacant", TV_F_INT, 0, 50, 0 },
		{ "association", "meeting_place", TV_F_TEXT, 0, 200, 0 },
		{ "association", "interests", TV_F_INTERESTS, 0, 0, 24 },
		{ "project", "title", TV_F_TEXT, 0, 160, 0 },
		{ "project", "description", TV_F_TEXT, 0, 8000, 0 },
		{ "project", "budget", TV_F_INT, 0, 1000000000, 0 },
		{ "project", "partners", TV_F_REF_LIST, 0, 0, 64 },
		{ "project", "needs", TV_F_NEEDS, 0, 200, 16 },
		{ "project", "funding", TV_F_FUNDING, 0, 0, 32 },
		{ "network", "members", TV_F_REF_LIST, 0, 0, 64 },
		{ "network", "online", TV_F_TEXT_LIST, 0, 300, 16 },
		{ "event", "title", TV_F_TEXT, 0, 160, 0 },
		{ "event", "start", TV_F_TIME, 0, TIME_MAX, 0 },
		{ "event", "signup", TV_F_TEXT, 0, 300, 0 },
		{ "event", "co_organisers", TV_F_REF_LIST, 0, 0, 64 },
		{ "document", "hash", TV_F_TEXT, 0, 64, 0 },
		{ "role", "name", TV_F_TEXT, 0, 120, 0 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct tv_field *f = field(v[i].kind, v[i].field);
		ASSERT_EQ(f->type, v[i].type);
		if (v[i].type == TV_F_INT || v[i].type == TV_F_INT_LIST) {
			ASSERT_EQ(f->min, v[i].min);
		}
		if (v[i].max != 0)
			ASSERT_EQ(f->max, v[i].max);
		if (v[i].max_items != 0)
			ASSERT_EQ(f->max_items, v[i].max_items);
	}
}

TEST(limits_area) { check_kind_limits("area"); }
TEST(limits_association) { check_kind_limits("association"); }
TEST(limits_project) { check_kind_limits("project"); }
TEST(limits_network) { check_kind_limits("network"); }
TEST(limits_membership) { check_kind_limits("membership"); }
TEST(limits_event) { check_kind_limits("event"); }
TEST(limits_document) { check_kind_limits("document"); }
TEST(limits_role) { check_kind_limits("role"); }
TEST(limits_contact) { check_kind_limits("contact"); }

TEST(cross_field_rules)
{
	struct tv_doc *doc = tv_doc_new();
	struct body b;

	body_init(&b, doc, "association");
	body_text(&b, "board_seats", "5");
	body_text(&b, "board_vacant", "5");
	body_ok(&b);
	body_text(&b, "board_vacant", "6");
	body_bad(&b, "board_vacant", "board_seats is 5");

	body_init(&b, doc, "project");
	body_text(&b, "start", "2025-03-01");
	body_text(&b, "end", "01-03-2025");
	body_ok(&b);
	body_text(&b, "end", "2025-02-28");
	body_bad(&b, "end: 2025-02-28 is before start 2025-03-01", NULL);

	body_init(&b, doc, "event");
	body_text(&b, "end", "2025-11-08 09:29");
	body_bad(&b, "end: ends before start", NULL);
	body_text(&b, "end", "2025-11-09 13:00");
	body_ok(&b);
	/* An all-day end next to a timed start is not compared. */
	body_text(&b, "end", "2025-01-01");
	body_ok(&b);

	body_init(&b, doc, "membership");
	body_text(&b, "since", "2024-01-01");
	body_text(&b, "until", "2023-12-31");
	body_bad(&b, "until", NULL);

	body_init(&b, doc, "role");
	body_text(&b, "from", "2024-01-01");
	body_text(&b, "to", "2023-12-31");
	body_bad(&b, "to", NULL);
	tv_doc_free(doc);
}

/* ---- Parsing ----------------------------------------------------------- */

TEST(enums_by_code_and_label)
{
	static const struct {
		const char *kind, *field, *text, *code;
	} v[] = {
		{ "project", "status", "skuffe", "shelved" },
		{ "project", "status", "Skuffe", "shelved" },
		{ "project", "status", "shelved", "shelved" },
		{ "project", "status", "SØGER MIDLER", "seeking_funds" },
		{ "project", "status", "søger midler", "seeking_funds" },
		{ "project", "status", "seeking_funds", "seeking_funds" },
		{ "project", "status", "i gang", "active" },
		{ "project", "status", "in progress", "active" },
		{ "project", "status", "idé", "idea" },
		{ "project", "status", "IDÉ", "idea" },
		{ "project", "status", "planlægning", "planning" },
		{ "project", "status", "afsluttet", "done" },
		{ "project", "status", "opgivet", "abandoned" },
		{ "project", "shelved_reason", "manglede hænder", "no_hands" },
		{ "area", "kind", "ø", "island" },
		{ "area", "kind", "Ø", "island" },
		{ "area", "kind", "landsby", "village" },
		{ "area", "kind", "Lokalområde", "local_area" },
		{ "area", "kind", "koordinator", "coordinator" },
		{ "association", "kind", "borgerforening", "residents" },
		{ "association", "kind", "lokalråd", "residents" },
		{ "association", "kind", "Borgerforening/lokalråd", "residents" },
		{ "association", "status", "hvilende", "dormant" },
		{ "association", "admin_system", "conventus", "conventus" },
		{ "network", "kind", "paraply", "umbrella" },
		{ "network", "scope", "på tværs af kommuner",
		    "across_municipalities" },
		{ "membership", "role", "observatør", "observer" },
		{ "event", "status", "aflyst", "cancelled" },
		{ "document", "category", "vedtægter", "statutes" },
		{ "document", "visibility", "føderation", "federation" },
		{ "role", "role", "træner", "coach" },
		{ "role", "role", "Næstformand", "vice_chair" },
	};
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tv_value x = parse_ok(doc, v[i].kind, v[i].field,
		    v[i].text);
		if (!str_is(&x, v[i].code))
			TEST_FAIL("%s.%s '%s' gave '%.*s', not %s", v[i].kind,
			    v[i].field, v[i].text, (int)x.len,
			    (const char *)x.bytes, v[i].code);
	}
	parse_bad(doc, "project", "status", "måske", "idea (idé)");
	parse_bad(doc, "project", "status", "skuf", "shelved (skuffe)");
	parse_bad(doc, "project", "status", "en\nto\x1b[31m", "'en?to?[31m'");
	parse_bad(doc, "project", "status", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaæææ", "æ…'");

	/* Labels are for people; the wire carries codes only. */
	struct body b;
	body_init(&b, doc, "project");
	body_put(&b, "status", v_str(doc, "skuffe"));
	body_bad(&b, "status: unknown value 'skuffe'", "shelved (skuffe)");
	tv_doc_free(doc);
}

TEST(enum_labels_match_datamodel)
{
	static const char *const status_da[] = { "idé", "planlægning",
	    "søger midler", "i gang", "skuffe", "afsluttet", "opgivet" };
	static const char *const kinds_da[] = { "landsby", "sogn",
	    "lokalområde", "landsbyklynge", "ø", "bydel", "koordinator" };
	const struct tv_field *f = field("project", "status");

	ASSERT_EQ(f->n_enums, 7);
	for (size_t i = 0; i < 7; i++)
		ASSERT_STR_EQ(f->enums[i].da, status_da[i]);
	f = field("area", "kind");
	ASSERT_EQ(f->n_enums, 7);
	for (size_t i = 0; i < 7; i++)
		ASSERT_STR_EQ(f->enums[i].da, kinds_da[i]);
	ASSERT_STR_EQ(field("event", "status")->enums[1].da, "aflyst");
	ASSERT_STR_EQ(field("association", "members")->da, "medlemstal");
	ASSERT_STR_EQ(field("project", "shelved_reason")->da,
	    "hvorfor i skuffen");
	ASSERT_STR_EQ(field("event", "organiser")->da, "arrangør");
}

TEST(enum_lists)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v = parse_ok(doc, "project", "target_group",
	    "børn, unge, Børn,families");

	ASSERT_EQ(v.len, 3);
	ASSERT_STR_VALUE(&v.items[0], "children");
	ASSERT_STR_VALUE(&v.items[1], "youth");
	ASSERT_STR_VALUE(&v.items[2], "families");
	parse_bad(doc, "event", "audience", "børn, katte", "'katte'");
	tv_doc_free(doc);
}

TEST(bools)
{
	static const char *const yes[] = { "ja", "JA", "yes", "true", "1" };
	static const char *const no[] = { "nej", "Nej", "no", "false", "0" };
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < 5; i++) {
		struct tv_value v = parse_ok(doc, "association",
		    "folkeoplysende", yes[i]);
		ASSERT(v.type == TV_BOOL && v.b);
		v = parse_ok(doc, "network", "formal", no[i]);
		ASSERT(v.type == TV_BOOL && !v.b);
	}
	parse_bad(doc, "association", "folkeoplysende", "måske", "ja/nej");
	tv_doc_free(doc);
}

TEST(integers)
{
	static const struct {
		const char *field, *text;
		int64_t v;
	} ok[] = {
		{ "members", "60", 60 }, { "members", "1.250", 1250 },
		{ "members", "1 250", 1250 }, { "members", "+7", 7 },
		{ "founded", "1898", 1898 }, { "board_seats", "0", 0 },
	};
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct tv_value v = parse_ok(doc, "association", ok[i].field,
		    ok[i].text);
		ASSERT_EQ(int_of(&v), ok[i].v);
	}
	struct tv_value v = parse_ok(doc, "project", "budget", "180.000 kr.");
	ASSERT_EQ(int_of(&v), 180000);
	v = parse_ok(doc, "event", "price", "450,-");
	ASSERT_EQ(int_of(&v), 450);
	parse_bad(doc, "association", "members", "1.5", "not a whole number");
	parse_bad(doc, "association", "members", "12.34.567", NULL);
	parse_bad(doc, "association", "members", "sixty", NULL);
	parse_bad(doc, "association", "members", "60 kr", NULL);
	parse_bad(doc, "association", "members", "-1",
	    "members: -1 is out of range 0..1000000");
	parse_bad(doc, "association", "founded", "1799", "1800..2100");
	parse_bad(doc, "association", "members", "99999999999999999999",
	    NULL);

	v = parse_ok(doc, "area", "postcodes", "4652, 4653 4654,4652");
	ASSERT_EQ(v.len, 3);
	ASSERT_EQ(int_of(&v.items[2]), 4654);
	parse_bad(doc, "area", "postcodes", "4652, 999", "postcodes item 2");
	tv_doc_free(doc);
}

TEST(dates)
{
	static const char *const as_0301[] = { "2025-03-01", "01-03-2025",
	    "1-3-2025", "01.03.2025", "1.3.2025", " 2025-03-01 " };
	struct tv_doc *doc = tv_doc_new();

	for (size_t i = 0; i < sizeof(as_0301) / sizeof(as_0301[0]); i++) {
		struct tv_value v = parse_ok(doc, "project", "start", as_0301[i]);
		ASSERT_STR_VALUE(&v, "2025-03-01");
	}
	struct tv_value v = parse_ok(doc, "project", "start", "29.02.2024");
	ASSERT_STR_VALUE(&v, "2024-02-29");
	parse_bad(doc, "project", "start", "2025-02-29", "not a date");
	parse_bad(doc, "project", "start", "31-04-2025", NULL);
	parse_bad(doc, "project", "start", "2025/03/01", NULL);
	parse_bad(doc, "project", "start", "01-03.2025", NULL);
	parse_bad(doc, "project", "start", "2025-3-1", NULL);
	parse_bad(doc, "project", "start", "1700-01-01", "year 1700");
	tv_doc_free(doc);
}

/* Parses an event start; returns seconds UTC. */
static int64_t
start_utc(struct tv_doc *doc, const char *text)
{
	struct tv_value v = parse_ok(doc, "event", "start", text);

	return int_of(&v);
}

static void
assert_local(int64_t utc, const char *want)
{
	struct tv_value v = v_int(utc);
	char out[64];

	tv_field_format(field("event", "start"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, want);
}

TEST(dst_spring_2025)
{
	struct tv_doc *doc = tv_doc_new();

	/* Sunday 30 March 2025: 02:00 CET becomes 03:00 CEST (01:00 UTC). */
	ASSERT_EQ(start_utc(doc, "2025-03-29 12:00"), 1743246000);
	ASSERT_EQ(start_utc(doc, "2025-03-30 01:59"), 1743296340);
	ASSERT_EQ(start_utc(doc, "2025-03-30 03:00"), 1743296400);
	ASSERT_EQ(start_utc(doc, "2025-03-30T03:00"), 1743296400);
	parse_bad(doc, "event", "start", "2025-03-30 02:30", "does not exist");
	parse_bad(doc, "event", "start", "2025-03-30 02:00", "does not exist");
	assert_local(1743296340, "søn. 30. mar. 2025 kl. 1.59");
	assert_local(1743296400, "søn. 30. mar. 2025 kl. 3.00");
	assert_local(1743246000, "lør. 29. mar. 2025 kl. 12.00");
	assert_local(1751364000, "tir. 1. jul. 2025 kl. 12.00");
	ASSERT_EQ(start_utc(doc, "2025-07-01 12:00"), 1751364000);
	tv_doc_free(doc);
}

TEST(dst_autumn_2025)
{
	struct tv_doc *doc = tv_doc_new();

	/* Sunday 26 October 2025: 03:00 CEST becomes 02:00 CET (01:00 UTC). */
	ASSERT_EQ(start_utc(doc, "2025-10-26 01:59"), 1761436740);
	/* 02:30 happens twice; the first (summer time) is taken. */
	ASSERT_EQ(start_utc(doc, "2025-10-26 02:30"), 1761438600);
	ASSERT_EQ(start_utc(doc, "2025-10-26 03:00"), 1761444000);
	ASSERT_EQ(start_utc(doc, "2025-10-27 12:00"), 1761562800);
	assert_local(1761436740, "søn. 26. okt. 2025 kl. 1.59");
	assert_local(1761438600, "søn. 26. okt. 2025 kl. 2.30");	/* CEST */
	assert_local(1761440400, "søn. 26. okt. 2025 kl. 2.00");	/* CET, after the change */
	assert_local(1761442200, "søn. 26. okt. 2025 kl. 2.30");	/* the second 02:30 */
	assert_local(1761444000, "søn. 26. okt. 2025 kl. 3.00");
	assert_local(1761562800, "man. 27. okt. 2025 kl. 12.00");
	tv_doc_free(doc);
}

TEST(time_forms)
{
	struct tv_doc *doc = tv_doc_new();

	ASSERT_EQ(start_utc(doc, "1762626600"), 1762626600);
	ASSERT_EQ(start_utc(doc, "2025-11-08 19:30"), 1762626600);
	ASSERT_EQ(start_utc(doc, "08-11-2025 19.30"), 1762626600);
	ASSERT_EQ(start_utc(doc, "8.11.2025 19:30:00"), 1762626600);
	ASSERT_EQ(start_utc(doc, "2025-11-08T18:30Z"), 1762626600);
	struct tv_value v = parse_ok(doc, "event", "start", "08-11-2025");
	ASSERT_STR_VALUE(&v, "2025-11-08");	/* all day: a date */
	parse_bad(doc, "event", "start", "19:30", "not a time");
	parse_bad(doc, "event", "start", "2025-11-08 24:00", NULL);
	parse_bad(doc, "event", "start", "2025-11-08 19:3", NULL);
	parse_bad(doc, "event", "start", "2025-11-08 19:30 CET", NULL);
	parse_bad(doc, "event", "start", "9999999999999", NULL);
	parse_bad(doc, "event", "start", "99999999999999999999999", NULL);
	assert_local(1762626600, "lør. 8. nov. 2025 kl. 19.30");
	assert_local(1762626601, "lør. 8. nov. 2025 kl. 19.30.01");
	tv_doc_free(doc);
}

TEST(locations)
{
	static const char *const same[] = { "55.4612,12.1823",
	    "55.4612 12.1823", "55,4612 12,1823", "55.461200, 12.182300",
	    " 55.46120 ,  12.18230 " };
	struct tv_doc *doc = tv_doc_new();
	char out[64];

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct tv_value v = parse_ok(doc, "area", "location", same[i]);
		ASSERT_EQ(v.type, TV_ARRAY);
		ASSERT_EQ(int_of(&v.items[0]), 55461200);
		ASSERT_EQ(int_of(&v.items[1]), 12182300);
	}
	struct tv_value v = parse_ok(doc, "event", "location",
	    "55.12345675,12.0000004");
	ASSERT_EQ(int_of(&v.items[0]), 55123457);	/* rounded */
	ASSERT_EQ(int_of(&v.items[1]), 12000000);
	tv_field_format(field("event", "location"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "55.123457, 12.000000");
	v = parse_ok(doc, "event", "location", out);
	ASSERT_EQ(int_of(&v.items[0]), 55123457);
	parse_bad(doc, "area", "location", "40.0,12.0",
	    "latitude 40.000000 is outside Denmark");
	parse_bad(doc, "area", "location", "55.5,20", "longitude 20.000000");
	parse_bad(doc, "area", "location", "55.5", "LAT,LON");
	parse_bad(doc, "area", "location", "55.5,12.1,3", NULL);
	parse_bad(doc, "area", "location", "nord,syd", NULL);
	tv_doc_free(doc);
}

TEST(references)
{
	struct tv_doc *doc = tv_doc_new();
	char ref[80], area[80], text[300], out[256];
	struct tv_value v;

	ref_text(0x42, 0x17, ref);
	ref_text(0x42, 0, area);
	v = parse_ok(doc, "project", "owner", ref);
	ASSERT_EQ(v.type, TV_ARRAY);
	ASSERT_EQ(v.len, 2);
	ASSERT(v.items[0].type == TV_BIN && v.items[0].len == 32 &&
	    v.items[0].bytes[31] == 0x42);
	ASSERT(v.items[1].type == TV_BIN && v.items[1].len == 16 &&
	    v.items[1].bytes[0] == 0x17);
	tv_field_format(field("project", "owner"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, ref);

	/* An area is referred to by its id alone: the record id is zero. */
	v = parse_ok(doc, "project", "owner", area);
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(v.items[1].bytes[i], 0);
	tv_field_format(field("project", "owner"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, area);
	snprintf(text, sizeof(text), "%s:", area);
	v = parse_ok(doc, "project", "owner", text);
	ASSERT_EQ(v.items[1].bytes[0], 0);
	/* Upper case is read too. */
	for (char *p = ref; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 32;
	parse_ok(doc, "project", "owner", ref);

	snprintf(text, sizeof(text), "%s , %s,%s", ref, area, ref);
	v = parse_ok(doc, "network", "members", text);
	ASSERT_EQ(v.len, 2);
	parse_bad(doc, "project", "owner", "abcdefgh", "not a reference");
	parse_bad(doc, "project", "owner", "abcdefgh:ijk", NULL);
	snprintf(text, sizeof(text), "%s:abc", area);
	parse_bad(doc, "project", "owner", text, NULL);
	area[3] = '1';	/* not base32 */
	parse_bad(doc, "project", "owner", area, NULL);
	tv_doc_free(doc);
}

TEST(needs)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v;
	struct body b;
	char out[256];

	v = parse_ok(doc, "project", "needs",
	    "frivillige, partner: en lokal rideklub,tilladelse");
	ASSERT_EQ(v.len, 3);
	ASSERT_EQ(v.items[0].type, TV_MAP);
	ASSERT_STR_VALUE(tv_map_get(&v.items[0], "type"), "volunteers");
	ASSERT(tv_map_get(&v.items[0], "text") == NULL);
	ASSERT_STR_VALUE(tv_map_get(&v.items[1], "type"), "partner");
	ASSERT_STR_VALUE(tv_map_get(&v.items[1], "text"), "en lokal rideklub");
	tv_field_format(field("project", "needs"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "frivillige, partner (en lokal rideklub), "
	    "tilladelse");
	tv_field_format(field("project", "needs"), &v, "en", out, sizeof(out));
	ASSERT_STR_EQ(out, "volunteers, partner (en lokal rideklub), permit");
	body_init(&b, doc, "project");
	body_put(&b, "needs", v);
	body_ok(&b);
	v = parse_ok(doc, "association", "seeking", "kasserer, trænere");
	ASSERT_STR_VALUE(tv_map_get(&v.items[0], "type"), "treasurer");
	parse_bad(doc, "project", "needs", "frivillige, kage", "'kage'");
	tv_doc_free(doc);
}

TEST(funding)
{
	struct tv_doc *doc = tv_doc_new();
	const struct tv_field *f = field("project", "funding");
	struct tv_value v, *it;
	struct body b;
	char out[512];

	v = parse_ok(doc, "project", "funding",
	    "LAG:LAG Sydsjælland:180.000::overvejes; "
	    "kommune:Landdistriktspuljen:50000:0:afslag:01-05-2023;fond");
	ASSERT_EQ(v.len, 3);
	it = &v.items[0];
	ASSERT_STR_VALUE(tv_map_get(it, "source"), "lag");
	ASSERT_STR_VALUE(tv_map_get(it, "name"), "LAG Sydsjælland");
	ASSERT_EQ(int_of(tv_map_get(it, "amount_applied")), 180000);
	ASSERT(tv_map_get(it, "amount_granted") == NULL);
	ASSERT_STR_VALUE(tv_map_get(it, "status"), "considering");
	it = &v.items[1];
	ASSERT_EQ(int_of(tv_map_get(it, "amount_granted")), 0);
	ASSERT_STR_VALUE(tv_map_get(it, "status"), "rejected");
	ASSERT_STR_VALUE(tv_map_get(it, "date"), "2023-05-01");
	ASSERT_EQ(v.items[2].len, 1);
	tv_field_format(f, &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "LAG Sydsjælland (LAG, overvejes, søgt 180.000 kr.); "
	    "Landdistriktspuljen (kommune, afslag, søgt 50.000 kr., bevilget "
	    "0 kr., 1. maj 2023); fond");
	tv_field_format(f, &v, "en", out, sizeof(out));
	ASSERT_STR_EQ(out, "LAG Sydsjælland (LAG, under consideration, applied "
	    "for 180,000 kr.); Landdistriktspuljen (municipality, rejected, "
	    "applied for 50,000 kr., granted 0 kr., 1 May 2023); foundation");
	body_init(&b, doc, "project");
	body_put(&b, "funding", v);
	body_ok(&b);
	parse_bad(doc, "project", "funding", "lag:a:1:2:søgt:2025-01-01:x",
	    "source:name");
	parse_bad(doc, "project", "funding", "bank:Lån", "'bank'");
	parse_bad(doc, "project", "funding", "lag::mange", "not a whole number");
	parse_bad(doc, "project", "funding", ":LAG", "funding item 1: source: "
	    "required");
	tv_doc_free(doc);
}

TEST(consent)
{
	struct tv_doc *doc = tv_doc_new();
	const struct tv_field *f = field("role", "consent");
	struct tv_value v, m;
	struct body b;
	char out[256];

	v = parse_ok(doc, "role", "consent",
	    "name,contact,2025-03-01,bestyrelsesliste, på hjemmesiden");
	ASSERT_EQ(v.type, TV_MAP);
	ASSERT(tv_map_get(&v, "publish_name")->b);
	ASSERT(tv_map_get(&v, "publish_contact")->b);
	ASSERT_STR_VALUE(tv_map_get(&v, "given"), "2025-03-01");
	ASSERT_STR_VALUE(tv_map_get(&v, "scope"),
	    "bestyrelsesliste, på hjemmesiden");
	tv_field_format(f, &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "navn og kontakt, givet 1. mar. 2025 "
	    "(bestyrelsesliste, på hjemmesiden)");
	body_init(&b, doc, "role");
	body_put(&b, "consent", v);
	body_ok(&b);

	v = parse_ok(doc, "contact", "consent", "navn, 01.03.2025");
	ASSERT(tv_map_get(&v, "publish_name")->b);
	ASSERT(!tv_map_get(&v, "publish_contact")->b);
	ASSERT(tv_map_get(&v, "scope") == NULL);
	tv_field_format(f, &v, "en", out, sizeof(out));
	ASSERT_STR_EQ(out, "name, given 1 Mar 2025");
	v = parse_ok(doc, "contact", "consent", "ingen,2025-03-01");
	ASSERT(!tv_map_get(&v, "publish_name")->b);
	parse_bad(doc, "role", "consent", "name,contact", "name,contact,");
	parse_bad(doc, "role", "consent", "altid,2025-03-01", NULL);

	m = v_map(doc, 2);
	map_put(&m, "publish_name", v_bool(true));
	map_put(&m, "publish_contact", v_bool(true));
	body_put(&b, "consent", m);
	body_bad(&b, "consent: given: required", NULL);
	tv_doc_free(doc);
}

TEST(empty_text_and_unknown_field)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v;
	char err[128];

	v = parse_ok(doc, "association", "members", "");
	ASSERT_EQ(v.type, TV_NIL);
	v = parse_ok(doc, "association", "name", "  \t ");
	ASSERT_EQ(v.type, TV_NIL);
	v = parse_ok(doc, "association", "interests", "");
	ASSERT_EQ(v.type, TV_NIL);
	ASSERT_EQ(tv_field_parse(doc, tv_kind_field(kind("association"),
	    "nmae"), "X", &v, err, sizeof(err)), TV_ENOTFOUND);
	ASSERT_EQ(v.type, TV_NIL);
	/* Surrounding white space is not part of a value. */
	v = parse_ok(doc, "association", "name", "  Ridelauget Østby \n");
	ASSERT_STR_VALUE(&v, "Ridelauget Østby");
	tv_doc_free(doc);
}

TEST(hash_field)
{
	struct tv_doc *doc = tv_doc_new();
	char hex[65];

	memset(hex, 'A', 64);
	hex[64] = 0;
	struct tv_value v = parse_ok(doc, "document", "hash", hex);
	ASSERT_EQ(v.len, 64);
	ASSERT_EQ(v.bytes[0], 'a');
	hex[63] = 0;
	parse_bad(doc, "document", "hash", hex, "64 lower-case hex digits");
	tv_doc_free(doc);
}

/* ---- Formatting -------------------------------------------------------- */

static void
assert_format(const char *k, const char *f, const char *text, const char *lang,
    const char *want)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v = parse_ok(doc, k, f, text);
	char out[256];
	size_t n = tv_field_format(field(k, f), &v, lang, out, sizeof(out));

	if (strcmp(out, want) != 0)
		TEST_FAIL("%s.%s '%s' (%s) formats as \"%s\", not \"%s\"", k, f,
		    text, lang, out, want);
	ASSERT_EQ(n, strlen(want));
	tv_doc_free(doc);
}

TEST(format_values)
{
	assert_format("area", "municipality", "0336", "da", "336 Stevns");
	assert_format("area", "municipality", "København", "en",
	    "101 København");
	assert_format("project", "status", "skuffe", "da", "skuffe");
	assert_format("project", "status", "skuffe", "en", "shelved");
	assert_format("project", "status", "seeking_funds", "da",
	    "søger midler");
	assert_format("project", "target_group", "børn,unge", "en",
	    "children, young people");
	assert_format("association", "interests", "heste,natur,islandsheste",
	    "da", "Heste og ridning, Natur og friluftsliv, islandsheste");
	assert_format("association", "interests", "heste,islandsheste", "en",
	    "Horses and riding, islandsheste");
	assert_format("area", "location", "55.4612,12.1823", "da",
	    "55.461200, 12.182300");
	assert_format("association", "folkeoplysende", "yes", "da", "ja");
	assert_format("association", "folkeoplysende", "nej", "en", "no");
	assert_format("project", "budget", "180000", "da", "180.000 kr.");
	assert_format("project", "budget", "180000", "en", "180,000 kr.");
	assert_format("project", "budget", "1250000", "da", "1.250.000 kr.");
	assert_format("project", "budget", "0", "da", "0 kr.");
	assert_format("event", "price", "0", "da", "gratis");
	assert_format("event", "price", "0", "en", "free");
	assert_format("event", "price", "450", "da", "450 kr.");
	assert_format("association", "members", "1250", "da", "1.250");
	assert_format("association", "members", "60", "da", "60");
	assert_format("association", "founded", "2024", "da", "2024");
	assert_format("area", "population", "12500", "en", "12,500");
	assert_format("area", "postcodes", "4652,4653", "da", "4652, 4653");
	assert_format("project", "start", "01.03.2025", "da", "1. mar. 2025");
	assert_format("project", "start", "01.03.2025", "en", "1 Mar 2025");
	assert_format("event", "start", "2025-11-08 19:30", "da",
	    "lør. 8. nov. 2025 kl. 19.30");
	assert_format("event", "start", "2025-11-08 19:30", "en",
	    "Sat 8 Nov 2025, 19:30");
	assert_format("event", "start", "2025-11-08", "da", "lør. 8. nov. 2025");
	assert_format("event", "start", "2025-11-08", "en", "Sat 8 Nov 2025");
	assert_format("association", "cvr", "25313763", "da", "25313763");
	assert_format("network", "online", "https://a.dk, https://b.dk", "da",
	    "https://a.dk, https://b.dk");
	assert_format("association", "name", "Ridelauget Østby", "da",
	    "Ridelauget Østby");

	/* Missing values and values outside the schema. */
	struct tv_doc *doc = tv_doc_new();
	char out[64];
	struct tv_value v = { .type = TV_NIL };
	tv_field_format(field("association", "name"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "-");
	tv_field_format(field("association", "name"), NULL, "da", out,
	    sizeof(out));
	ASSERT_STR_EQ(out, "-");
	v = v_str(doc, "future_status");	/* a code from a newer area */
	tv_field_format(field("project", "status"), &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "future_status");
	v = v_int(77);
	tv_field_format(NULL, &v, "da", out, sizeof(out));
	ASSERT_STR_EQ(out, "77");
	v = v_int(999);
	tv_field_format(field("area", "municipality"), &v, "da", out,
	    sizeof(out));
	ASSERT_STR_EQ(out, "999");
	ASSERT_EQ(tv_field_format(NULL, &v, "da", out, 0), 0);
	tv_doc_free(doc);
}

TEST(format_truncates_at_character_boundary)
{
	struct tv_doc *doc = tv_doc_new();
	const struct tv_field *f = field("association", "name");
	struct tv_value v = v_str(doc, "Ridelauget Østby æøå");
	size_t full = v.len;
	char out[64];

	for (size_t cap = 1; cap < 40; cap++) {
		memset(out, 'X', sizeof(out));
		size_t n = tv_field_format(f, &v, "da", out, cap);
		ASSERT_EQ(n, strlen(out));
		ASSERT(n < cap);
		ASSERT_EQ(tv_text_check((const uint8_t *)out, n), 0);
		if (cap > full) {
			ASSERT_MEM_EQ(out, v.bytes, full);
			ASSERT_EQ(n, full);
		} else if (cap >= 4) {
			ASSERT(n >= 3 && strcmp(out + n - 3, "…") == 0);
			ASSERT_MEM_EQ(out, v.bytes, n - 3);
			ASSERT(n + 2 >= cap - 1);	/* cut at most one character early */
		}
	}
	/* "Ridelauget " is 11 bytes; Ø is 2: a cut inside Ø steps back. */
	tv_field_format(f, &v, "da", out, 16);
	ASSERT_STR_EQ(out, "Ridelauget …");
	tv_field_format(f, &v, "da", out, 17);
	ASSERT_STR_EQ(out, "Ridelauget Ø…");
	tv_doc_free(doc);
}

TEST(list_next_splits_and_trims)
{
	const char *p = " heste , natur,,islandsheste ", *item;
	const char *want[] = { "heste", "natur", "", "islandsheste" };
	size_t n, k = 0;

	while (tv_list_next(&p, &item, &n)) {
		ASSERT(k < 4);
		ASSERT_EQ(n, strlen(want[k]));
		ASSERT(memcmp(item, want[k], n) == 0);
		k++;
	}
	ASSERT_EQ(k, 4);
	p = "";
	ASSERT(!tv_list_next(&p, &item, &n));
}

TEST_MAIN(list_next_splits_and_trims, 
	municipalities_table,
	municipality_by_name,
	municipality_parse,
	municipality_validate,
	interests_vocabulary,
	interests_codes_and_tags,
	interests_limits_and_bad_tags,
	cvr_check_digit,
	kinds_listed_and_flagged,
	kind_find_names_and_labels,
	required_fields,
	unknown_fields_and_kinds_pass,
	nfc_normalised_by_parse_rejected_by_validate,
	text_limits_in_code_points,
	limits_table,
	limits_area,
	limits_association,
	limits_project,
	limits_network,
	limits_membership,
	limits_event,
	limits_document,
	limits_role,
	limits_contact,
	cross_field_rules,
	enums_by_code_and_label,
	enum_labels_match_datamodel,
	enum_lists,
	bools,
	integers,
	dates,
	dst_spring_2025,
	dst_autumn_2025,
	time_forms,
	locations,
	references,
	needs,
	funding,
	consent,
	empty_text_and_unknown_field,
	hash_field,
	format_values,
	format_truncates_at_character_boundary
)
