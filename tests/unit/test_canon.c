/*
 * Canonical msgpack (proto/canon.c, PROTOCOL.md §2).
 *
 * Every rejection is checked one input at a time from a table (hex in,
 * error out), through tv_decode and tv_canon_check alike; every accepted
 * input must re-encode to exactly itself. The writer is checked at every
 * boundary between two encodings, and the allocating calls run under the
 * fault allocator (tests/lib/fault.c) failing the 1st, 2nd, ... allocation.
 */
#include "test.h"

#include <utf8proc.h>

#include "canon.h"
#include "err.h"
#include "fault.h"

/*
 * The runner ends a passing test with _exit(), which skips LeakSanitizer's
 * exit-time check, so tests that allocate ask for it themselves.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() ASSERT_EQ(__lsan_do_recoverable_leak_check(), 0)
#else
#define LEAK_CHECK() ((void)0)
#endif

/* ------------------------------------------------------------------ */
/* Helpers */

/* Copies p to an allocation of exactly n bytes, so ASan sees over-reads. */
static uint8_t *
exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	ASSERT(q != NULL);
	if (n)
		memcpy(q, p, n);
	return q;
}

static uint8_t *
unhex(const char *hex, size_t *out_len)
{
	uint8_t *tmp = test_unhex(hex, out_len), *q;

	ASSERT(tmp != NULL);
	q = exact(tmp, *out_len);
	free(tmp);
	return q;
}

/* Finishes w and returns its bytes as hex (caller frees). */
static char *
w_hex(struct tv_w *w)
{
	uint8_t *p;
	size_t len;
	char *hex;

	ASSERT_EQ(tv_w_finish(w, &p, &len), 0);
	hex = test_hex(p, len);
	free(p);
	return hex;
}

/* Encodes v and returns the bytes (caller frees). */
static uint8_t *
encode(const struct tv_value *v, size_t *out_len)
{
	struct tv_w w;
	uint8_t *p;

	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, v), 0);
	ASSERT_EQ(tv_w_finish(&w, &p, out_len), 0);
	return p;
}

/*
 * Decodes p expecting want from tv_decode and tv_canon_check; an accepted
 * input must span the whole input and re-encode to exactly itself.
 */
static void
expect_decode(const uint8_t *p, size_t len, int want, const char *what)
{
	const struct tv_value *root;
	struct tv_doc *doc;
	uint8_t *out;
	size_t out_len;
	int rc;

	rc = tv_decode(p, len, &doc, &root);
	if (rc != want)
		TEST_FAIL("%s: tv_decode: %d (%s), want %d (%s)", what, rc,
		    tv_strerror(rc), want, tv_strerror(want));
	rc = tv_canon_check(p, len);
	if (rc != want)
		TEST_FAIL("%s: tv_canon_check: %d (%s), want %d (%s)", what,
		    rc, tv_strerror(rc), want, tv_strerror(want));
	if (want != 0) {
		ASSERT(doc == NULL && root == NULL);
		return;
	}
	ASSERT(root->raw == p && root->raw_len == len);
	out = encode(root, &out_len);
	if (out_len != len || memcmp(out, p, len) != 0)
		TEST_FAIL("%s: re-encoded differently", what);
	free(out);
	tv_doc_free(doc);
}

static void
expect_hex(const char *hex, int want)
{
	size_t len;
	uint8_t *p = unhex(hex, &len);

	expect_decode(p, len, want, hex);
	free(p);
}

/* Decodes hex that must be accepted; returns the doc and its root. */
static struct tv_doc *
decode_ok(const uint8_t *p, size_t len, const struct tv_value **root)
{
	struct tv_doc *doc;

	ASSERT_EQ(tv_decode(p, len, &doc, root), 0);
	return doc;
}

/* Appends header bytes h (hl of them) and then n copies of byte fill. */
static void
put_fill(struct tv_buf *b, const void *h, size_t hl, size_t n, uint8_t fill)
{
	ASSERT_EQ(tv_buf_put(b, h, hl), 0);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(tv_buf_put(b, &fill, 1), 0);
}

/* Appends the canonical encoding of the unsigned integer v. */
static void
put_uint(struct tv_buf *b, uint64_t v)
{
	struct tv_w w;
	uint8_t *p;
	size_t len;

	tv_w_init(&w, 0);
	tv_w_uint(&w, v);
	ASSERT_EQ(tv_w_finish(&w, &p, &len), 0);
	ASSERT_EQ(tv_buf_put(b, p, len), 0);
	free(p);
}

/* Hex of a header: byte tag followed by an n-byte big-endian length. */
static void
header(uint8_t *out, uint8_t tag, unsigned width, uint64_t n)
{
	out[0] = tag;
	for (unsigned i = 0; i < width; i++)
		out[1 + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

/* ------------------------------------------------------------------ */
/* Buffer */

TEST(buf_cap_exact_and_one_more)
{
	struct tv_buf b;
	uint8_t bytes[100] = { 0 };

	tv_buf_init(&b, 100);
	ASSERT_EQ(tv_buf_put(&b, bytes, 60), 0);
	ASSERT_EQ(tv_buf_put(&b, bytes, 40), 0);	/* exactly max */
	ASSERT_EQ(b.len, 100);
	ASSERT_EQ(tv_buf_put(&b, bytes, 0), 0);
	ASSERT_EQ(tv_buf_put(&b, bytes, 1), TV_ETOOBIG);	/* max + 1 */
	ASSERT_EQ(b.err, TV_ETOOBIG);
	ASSERT_EQ(tv_buf_put(&b, bytes, 0), TV_ETOOBIG);	/* sticky */
	ASSERT_EQ(b.len, 100);
	tv_buf_reset(&b);
	ASSERT_EQ(b.err, 0);
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(tv_buf_put(&b, bytes, 101), TV_ETOOBIG);
	tv_buf_free(&b);
	ASSERT(b.data == NULL);

	/* No cap: grows well past the first block. */
	tv_buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		ASSERT_EQ(tv_buf_put(&b, bytes, 100), 0);
	ASSERT_EQ(b.len, 100000);
	tv_buf_free(&b);

	/* A cap below the first growth step. */
	tv_buf_init(&b, 3);
	ASSERT_EQ(tv_buf_put(&b, "abc", 3), 0);
	ASSERT_EQ(tv_buf_put(&b, "d", 1), TV_ETOOBIG);
	ASSERT_MEM_EQ(b.data, "abc", 3);
	tv_buf_free(&b);
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Writer */

/* Integers at every boundary between two forms, both directions. */
static const struct {
	bool is_neg;
	uint64_t u;
	int64_t i;
	const char *hex;
} int_forms[] = {
	{ false, 0, 0, "00" },
	{ false, 1, 0, "01" },
	{ false, 127, 0, "7f" },
	{ false, 128, 0, "cc80" },
	{ false, 255, 0, "ccff" },
	{ false, 256, 0, "cd0100" },
	{ false, 65535, 0, "cdffff" },
	{ false, 65536, 0, "ce00010000" },
	{ false, 2147483647, 0, "ce7fffffff" },
	{ false, 2147483648u, 0, "ce80000000" },
	{ false, UINT32_MAX, 0, "ceffffffff" },
	{ false, UINT64_C(4294967296), 0, "cf0000000100000000" },
	{ false, INT64_MAX, 0, "cf7fffffffffffffff" },
	{ false, UINT64_C(9223372036854775808), 0, "cf8000000000000000" },
	{ false, UINT64_MAX, 0, "cfffffffffffffffff" },
	{ true, 0, -1, "ff" },
	{ true, 0, -32, "e0" },
	{ true, 0, -33, "d0df" },
	{ true, 0, -128, "d080" },
	{ true, 0, -129, "d1ff7f" },
	{ true, 0, -32768, "d18000" },
	{ true, 0, -32769, "d2ffff7fff" },
	{ true, 0, INT32_MIN, "d280000000" },
	{ true, 0, (int64_t)INT32_MIN - 1, "d3ffffffff7fffffff" },
	{ true, 0, INT64_MIN + 1, "d38000000000000001" },
	{ true, 0, INT64_MIN, "d38000000000000000" },
};

TEST(writer_int_boundaries)
{
	for (size_t k = 0; k < sizeof(int_forms) / sizeof(int_forms[0]); k++) {
		struct tv_w w;
		struct tv_value v;
		char *hex;
		uint8_t *p;
		size_t len;

		/* tv_w_int, and tv_w_uint for the non-negative values. */
		if (int_forms[k].is_neg || int_forms[k].u <= INT64_MAX) {
			tv_w_init(&w, 0);
			ASSERT_EQ(tv_w_int(&w, int_forms[k].is_neg ?
			    int_forms[k].i : (int64_t)int_forms[k].u), 0);
			hex = w_hex(&w);
			ASSERT_STR_EQ(hex, int_forms[k].hex);
			free(hex);
		}
		if (!int_forms[k].is_neg) {
			tv_w_init(&w, 0);
			ASSERT_EQ(tv_w_uint(&w, int_forms[k].u), 0);
			hex = w_hex(&w);
			ASSERT_STR_EQ(hex, int_forms[k].hex);
			free(hex);
		}
		/* tv_set_int + tv_encode. */
		if (int_forms[k].is_neg || int_forms[k].u <= INT64_MAX) {
			tv_set_int(&v, int_forms[k].is_neg ? int_forms[k].i :
			    (int64_t)int_forms[k].u);
			ASSERT_EQ(v.type, int_forms[k].is_neg ? TV_NINT :
			    TV_UINT);
			p = encode(&v, &len);
			hex = test_hex(p, len);
			ASSERT_STR_EQ(hex, int_forms[k].hex);
			free(hex);
			free(p);
		}
	}
	LEAK_CHECK();
}

TEST(reader_int_boundaries)
{
	for (size_t k = 0; k < sizeof(int_forms) / sizeof(int_forms[0]); k++) {
		const struct tv_value *root;
		struct tv_doc *doc;
		size_t len;
		uint8_t *p = unhex(int_forms[k].hex, &len);

		expect_decode(p, len, 0, int_forms[k].hex);
		doc = decode_ok(p, len, &root);
		if (int_forms[k].is_neg) {
			ASSERT_EQ(root->type, TV_NINT);
			ASSERT(root->i == int_forms[k].i);
		} else {
			ASSERT_EQ(root->type, TV_UINT);
			ASSERT(root->u == int_forms[k].u);
		}
		tv_doc_free(doc);
		free(p);
	}
	LEAK_CHECK();
}

/*
 * Strings and binaries at each length boundary: the writer's header, the
 * reader accepting it, and the reader rejecting the next longer header
 * for the same length.
 */
static void
check_bytes_form(bool is_str, size_t n, const char *want_hdr,
    uint8_t longer_tag, unsigned longer_width)
{
	struct tv_w w;
	struct tv_buf b;
	uint8_t *body = malloc(n ? n : 1), *out, hdr[5];
	size_t out_len, hl = strlen(want_hdr) / 2;
	char *hex;

	ASSERT(body != NULL);
	memset(body, 'x', n);
	tv_w_init(&w, 0);
	if (is_str)
		ASSERT_EQ(tv_w_str(&w, (const char *)body, n), 0);
	else
		ASSERT_EQ(tv_w_bin(&w, body, n), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	ASSERT_EQ(out_len, hl + n);
	hex = test_hex(out, hl);
	ASSERT_STR_EQ(hex, want_hdr);
	free(hex);
	expect_decode(out, out_len, 0, want_hdr);
	free(out);

	if (longer_tag != 0) {
		tv_buf_init(&b, 0);
		header(hdr, longer_tag, longer_width, n);
		put_fill(&b, hdr, 1 + longer_width, n, 'x');
		out = exact(b.data, b.len);
		expect_decode(out, b.len, TV_ENONCANON, "longer header");
		free(out);
		tv_buf_free(&b);
	}
	free(body);
}

TEST(writer_str_lengths)
{
	check_bytes_form(true, 0, "a0", 0xd9, 1);
	check_bytes_form(true, 1, "a1", 0xd9, 1);
	check_bytes_form(true, 31, "bf", 0xd9, 1);
	check_bytes_form(true, 32, "d920", 0xda, 2);
	check_bytes_form(true, 255, "d9ff", 0xda, 2);
	check_bytes_form(true, 256, "da0100", 0xdb, 4);
	check_bytes_form(true, 65535, "daffff", 0xdb, 4);
	check_bytes_form(true, 65536, "db00010000", 0, 0);
	LEAK_CHECK();
}

TEST(writer_bin_lengths)
{
	check_bytes_form(false, 0, "c400", 0xc5, 2);
	check_bytes_form(false, 255, "c4ff", 0xc5, 2);
	check_bytes_form(false, 256, "c50100", 0xc6, 4);
	check_bytes_form(false, 65535, "c5ffff", 0xc6, 4);
	check_bytes_form(false, 65536, "c600010000", 0, 0);
	LEAK_CHECK();
}

/*
 * Arrays of n nils and maps of n pairs {0: nil, 1: nil, ...} (ascending
 * unsigned keys are in canonical order): writer header, round trip, and
 * the next longer header rejected.
 */
static void
check_container_form(bool is_map, uint32_t n, const char *want_hdr,
    uint8_t longer_tag, unsigned longer_width)
{
	struct tv_w w;
	struct tv_buf items, b;
	uint8_t *out, *p, hdr[5], nil = 0xc0;
	size_t out_len, hl = strlen(want_hdr) / 2;
	char *hex;

	tv_buf_init(&items, 0);
	for (uint32_t i = 0; i < n; i++) {
		if (is_map)
			put_uint(&items, i);
		ASSERT_EQ(tv_buf_put(&items, &nil, 1), 0);
	}
	tv_w_init(&w, 0);
	ASSERT_EQ(is_map ? tv_w_map(&w, n) : tv_w_array(&w, n), 0);
	ASSERT_EQ(tv_w_raw(&w, items.data, items.len), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	ASSERT_EQ(out_len, hl + items.len);
	hex = test_hex(out, hl);
	ASSERT_STR_EQ(hex, want_hdr);
	free(hex);
	expect_decode(out, out_len, 0, want_hdr);
	free(out);

	if (longer_tag != 0) {
		tv_buf_init(&b, 0);
		header(hdr, longer_tag, longer_width, n);
		ASSERT_EQ(tv_buf_put(&b, hdr, 1 + longer_width), 0);
		ASSERT_EQ(tv_buf_put(&b, items.data, items.len), 0);
		p = exact(b.data, b.len);
		expect_decode(p, b.len, TV_ENONCANON, "longer header");
		free(p);
		tv_buf_free(&b);
	}
	tv_buf_free(&items);
}

TEST(writer_array_map_headers)
{
	check_container_form(false, 0, "90", 0xdc, 2);
	check_container_form(false, 15, "9f", 0xdc, 2);
	check_container_form(false, 16, "dc0010", 0xdd, 4);
	check_container_form(false, 65535, "dcffff", 0xdd, 4);
	check_container_form(false, 65536, "dd00010000", 0, 0);
	check_container_form(true, 0, "80", 0xde, 2);
	check_container_form(true, 15, "8f", 0xde, 2);
	check_container_form(true, 16, "de0010", 0xdf, 4);
	check_container_form(true, 65535, "deffff", 0xdf, 4);
	check_container_form(true, 65536, "df00010000", 0, 0);
	LEAK_CHECK();
}

TEST(writer_headers_alone)
{
	struct tv_w w;
	char *hex;

	tv_w_init(&w, 0);
	ASSERT_EQ(tv_w_array(&w, UINT32_MAX), 0);
	ASSERT_EQ(tv_w_map(&w, UINT32_MAX), 0);
	ASSERT_EQ(tv_w_nil(&w), 0);
	ASSERT_EQ(tv_w_bool(&w, false), 0);
	ASSERT_EQ(tv_w_bool(&w, true), 0);
	ASSERT_EQ(tv_w_cstr(&w, "\xc3\xa5"), 0);
	ASSERT_EQ(tv_w_raw(&w, "\x01\x02", 2), 0);
	ASSERT_EQ(tv_w_err(&w), 0);
	hex = w_hex(&w);
	ASSERT_STR_EQ(hex, "ddffffffffdfffffffffc0c2c3a2c3a50102");
	free(hex);
	LEAK_CHECK();
}

TEST(writer_sticky_errors)
{
	struct tv_w w;
	uint8_t *out = (uint8_t *)"x", small[1] = { 0 };
	size_t out_len = 7;

	/* Invalid UTF-8 is refused and sticks. */
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_w_cstr(&w, "ok"), 0);
	ASSERT_EQ(tv_w_str(&w, "\xc0\x80", 2), TV_EUTF8);
	ASSERT_EQ(tv_w_nil(&w), TV_EUTF8);
	ASSERT_EQ(tv_w_uint(&w, 1), TV_EUTF8);
	ASSERT_EQ(tv_w_err(&w), TV_EUTF8);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), TV_EUTF8);
	ASSERT(out == NULL && out_len == 0);
	tv_w_free(&w);		/* harmless after a failed finish */

	/* Lengths msgpack-c would silently truncate to 32 bits. */
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_w_bin(&w, small, (size_t)UINT32_MAX + 1), TV_ETOOBIG);
	tv_w_free(&w);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_w_str(&w, (const char *)small, (size_t)UINT32_MAX + 1),
	    TV_ETOOBIG);
	tv_w_free(&w);

	/* An empty writer finishes with a real (freeable) allocation. */
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	ASSERT(out != NULL);
	ASSERT_EQ(out_len, 0);
	free(out);
	tv_w_free(&w);

	/* A copied writer still writes into its own buffer. */
	struct tv_w a, b;
	char *hex;
	tv_w_init(&a, 0);
	tv_w_uint(&a, 1);
	b = a;
	tv_w_uint(&b, 2);
	hex = w_hex(&b);
	ASSERT_STR_EQ(hex, "0102");
	free(hex);
	LEAK_CHECK();
}

TEST(writer_max_exact_and_one_more)
{
	struct tv_w w;
	uint8_t eight[8] = { 0 }, *out;
	size_t out_len;

	/* c4 08 + 8 bytes = 10 bytes: exactly the cap. */
	tv_w_init(&w, 10);
	ASSERT_EQ(tv_w_bin(&w, eight, 8), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	ASSERT_EQ(out_len, 10);
	free(out);

	/* One more byte. */
	tv_w_init(&w, 10);
	ASSERT_EQ(tv_w_bin(&w, eight, 8), 0);
	ASSERT_EQ(tv_w_nil(&w), TV_ETOOBIG);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), TV_ETOOBIG);
	ASSERT(out == NULL);

	/* A cap one short, hit in the middle of an item. */
	tv_w_init(&w, 9);
	ASSERT_EQ(tv_w_bin(&w, eight, 8), TV_ETOOBIG);
	ASSERT_EQ(tv_w_err(&w), TV_ETOOBIG);
	tv_w_free(&w);

	/* tv_encode keeps to the cap too, map keys included. */
	struct tv_value m, kv[2];
	m.type = TV_MAP;
	m.len = 1;
	m.items = kv;
	tv_set_str(&kv[0], "abcdefgh", 8);
	tv_set_int(&kv[1], 1);
	tv_w_init(&w, 11);	/* 81 a8 abcdefgh 01 */
	ASSERT_EQ(tv_encode(&w, &m), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	ASSERT_EQ(out_len, 11);
	free(out);
	tv_w_init(&w, 10);
	ASSERT_EQ(tv_encode(&w, &m), TV_ETOOBIG);
	tv_w_free(&w);
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Reader: rejections, one by one */

static const struct {
	const char *hex;
	int err;
} rejects[] = {
	/* Integers not in their shortest form (PROTOCOL.md §2.2). */
	{ "cc00", TV_ENONCANON },
	{ "cc05", TV_ENONCANON },
	{ "cc7f", TV_ENONCANON },
	{ "cd0000", TV_ENONCANON },
	{ "cd00ff", TV_ENONCANON },
	{ "ce00000000", TV_ENONCANON },
	{ "ce0000ffff", TV_ENONCANON },
	{ "cf0000000000000000", TV_ENONCANON },
	{ "cf00000000ffffffff", TV_ENONCANON },
	/* Non-negative values in the signed forms, at all. */
	{ "d000", TV_ENONCANON },
	{ "d005", TV_ENONCANON },
	{ "d07f", TV_ENONCANON },
	{ "d10000", TV_ENONCANON },
	{ "d10080", TV_ENONCANON },
	{ "d17fff", TV_ENONCANON },
	{ "d200000001", TV_ENONCANON },
	{ "d27fffffff", TV_ENONCANON },
	{ "d30000000000000001", TV_ENONCANON },
	{ "d30000000100000000", TV_ENONCANON },
	{ "d37fffffffffffffff", TV_ENONCANON },
	/* Negative values in a longer signed form than needed. */
	{ "d0ff", TV_ENONCANON },
	{ "d0e0", TV_ENONCANON },
	{ "d1ffff", TV_ENONCANON },
	{ "d1ffe0", TV_ENONCANON },
	{ "d1ff80", TV_ENONCANON },
	{ "d2ffffffff", TV_ENONCANON },
	{ "d2ffffff80", TV_ENONCANON },
	{ "d2ffff8000", TV_ENONCANON },
	{ "d3ffffffffffffffff", TV_ENONCANON },
	{ "d3ffffffffffff8000", TV_ENONCANON },
	{ "d3ffffffff80000000", TV_ENONCANON },
	/* Length headers not in their shortest form. */
	{ "d900", TV_ENONCANON },
	{ "d903616263", TV_ENONCANON },
	{ "da0000", TV_ENONCANON },
	{ "da000161", TV_ENONCANON },
	{ "db00000000", TV_ENONCANON },
	{ "c50000", TV_ENONCANON },
	{ "c5000101", TV_ENONCANON },
	{ "c600000000", TV_ENONCANON },
	{ "dc0000", TV_ENONCANON },
	{ "dc000101", TV_ENONCANON },
	{ "dd00000000", TV_ENONCANON },
	{ "de0000", TV_ENONCANON },
	{ "de0001a16101", TV_ENONCANON },
	{ "df00000000", TV_ENONCANON },
	{ "91d90161", TV_ENONCANON },	/* nested */
	/* Floats (PROTOCOL.md §2.1), wherever they are. */
	{ "ca00000000", TV_EFLOAT },
	{ "ca3f800000", TV_EFLOAT },
	{ "cb0000000000000000", TV_EFLOAT },
	{ "ca", TV_EFLOAT },
	{ "91ca00000000", TV_EFLOAT },
	{ "81a161cb3ff0000000000000", TV_EFLOAT },
	/* Ext types (the timestamp included) and the unused c1. */
	{ "c1", TV_EMALFORMED },
	{ "91c1", TV_EMALFORMED },
	{ "c70006", TV_EMALFORMED },
	{ "c8000006", TV_EMALFORMED },
	{ "c90000000006", TV_EMALFORMED },
	{ "d40110", TV_EMALFORMED },
	{ "d5022021", TV_EMALFORMED },
	{ "d6ff5a4af6a5", TV_EMALFORMED },
	{ "d7ff00000000000000ff", TV_EMALFORMED },
	{ "d8050000000000000000000000000000ff00", TV_EMALFORMED },
	{ "c70cff000000000000000000000000ff", TV_EMALFORMED },
	/* Invalid UTF-8 (PROTOCOL.md §2.3). */
	{ "a2c080", TV_EUTF8 },		/* overlong U+0000 */
	{ "a2c1bf", TV_EUTF8 },		/* overlong U+007F */
	{ "a3e08080", TV_EUTF8 },	/* overlong 3-byte */
	{ "a3e09fbf", TV_EUTF8 },	/* overlong U+07FF */
	{ "a4f0808080", TV_EUTF8 },	/* overlong 4-byte */
	{ "a4f08fbfbf", TV_EUTF8 },	/* overlong U+FFFF */
	{ "a3eda080", TV_EUTF8 },	/* U+D800 */
	{ "a3edbfbf", TV_EUTF8 },	/* U+DFFF */
	{ "a6eda0bdedb2a9", TV_EUTF8 },	/* CESU-8 surrogate pair */
	{ "a4f4908080", TV_EUTF8 },	/* U+110000 */
	{ "a4f5808080", TV_EUTF8 },
	{ "a5f888808080", TV_EUTF8 },	/* 5-byte form */
	{ "a1ff", TV_EUTF8 },
	{ "a1fe", TV_EUTF8 },
	{ "a180", TV_EUTF8 },		/* lone continuation */
	{ "a1bf", TV_EUTF8 },
	{ "a1c3", TV_EUTF8 },		/* truncated 2-byte */
	{ "a2e282", TV_EUTF8 },		/* truncated 3-byte */
	{ "a3f09f8d", TV_EUTF8 },	/* truncated 4-byte */
	{ "a2c341", TV_EUTF8 },		/* bad continuation */
	{ "a3e2823f", TV_EUTF8 },
	{ "a3616263a1ff", TV_ETRAILING },	/* the ff is outside */
	{ "81a1ff01", TV_EUTF8 },	/* in a key */
	/* Not in NFC. */
	{ "a361cc8a", TV_ENFC },	/* a + U+030A */
	{ "a3e284ab", TV_ENFC },	/* U+212B ANGSTROM SIGN */
	{ "a2cd80", TV_ENFC },		/* U+0340, NFC_QC=No */
	{ "a6e18480e185a1", TV_ENFC },	/* Hangul L + V */
	{ "a571cc81cca3", TV_ENFC },	/* q + U+0301 + U+0323 misordered */
	{ "81a361cc8a01", TV_ENFC },	/* in a key */
	/* Map keys out of order (PROTOCOL.md §2.4). */
	{ "82a16201a16102", TV_EKEYORDER },
	{ "82a16101a16102", TV_EKEYORDER },	/* duplicate */
	{ "82a2616101a16202", TV_EKEYORDER },	/* "aa" before "b" */
	{ "8202c001c0", TV_EKEYORDER },
	{ "82a161c001c0", TV_EKEYORDER },
	{ "82c0c0c0c0", TV_EKEYORDER },
	{ "8291019001c0", TV_EKEYORDER },	/* [1] before 1 */
	{ "81a1618201c002c0", 0 },		/* ordered, for contrast */
	{ "81a16182c00102c0", TV_EKEYORDER },	/* in a nested map */
	/* Truncated input (PROTOCOL.md §2.5). */
	{ "", TV_ETRUNC },
	{ "cc", TV_ETRUNC },
	{ "cd01", TV_ETRUNC },
	{ "ce000100", TV_ETRUNC },
	{ "cf00000001000000", TV_ETRUNC },
	{ "d0", TV_ETRUNC },
	{ "d3ffffffff7fffff", TV_ETRUNC },
	{ "a261", TV_ETRUNC },
	{ "d9", TV_ETRUNC },
	{ "d920", TV_ETRUNC },
	{ "da01", TV_ETRUNC },
	{ "c4", TV_ETRUNC },
	{ "c40500", TV_ETRUNC },
	{ "92", TV_ETRUNC },
	{ "9201", TV_ETRUNC },
	{ "dc00", TV_ETRUNC },
	{ "81", TV_ETRUNC },
	{ "81a161", TV_ETRUNC },
	{ "830102030405", TV_ETRUNC },	/* 3 pairs need 6 bytes */
	/* Counts and lengths far beyond the input. */
	{ "ddffffffff", TV_ETRUNC },
	{ "dfffffffff", TV_ETRUNC },
	{ "dbffffffff", TV_ETRUNC },
	{ "c6ffffffff", TV_ETRUNC },
	{ "dcffff", TV_ETRUNC },
	{ "deffff", TV_ETRUNC },
	{ "91ddffffffff", TV_ETRUNC },
	/* Trailing bytes. */
	{ "c0c0", TV_ETRAILING },
	{ "0102", TV_ETRAILING },
	{ "9000", TV_ETRAILING },
	{ "a16100", TV_ETRAILING },
	{ "80c1", TV_ETRAILING },
};

TEST(reader_rejects)
{
	for (size_t k = 0; k < sizeof(rejects) / sizeof(rejects[0]); k++)
		expect_hex(rejects[k].hex, rejects[k].err);
	LEAK_CHECK();
}

/* Inputs that look odd but are canonical. */
static const char *const accepts[] = {
	"c0", "c2", "c3", "a0", "c400", "90", "80",
	"a100",			/* U+0000 is a valid string */
	"a2cc8a",		/* a lone combining mark is NFC */
	"a571cca3cc81",		/* q + U+0323 + U+0301: ordered */
	"a2c3a5",		/* å composed */
	"a4f48fbfbf",		/* U+10FFFF */
	"a3efbfbf",		/* U+FFFF */
	"a3ee8080",		/* U+E000 */
	"a4f09f8dba",		/* U+1F37A */
	"a3eab080",		/* U+AC00 Hangul syllable */
	"c403c0c1ca",		/* a bin's bytes are not looked at */
	"82a16201a2616102",	/* "b" before "aa" */
	"83 00c0 01c0 a161c0",	/* integer keys, then a string */
	"82 80c0 90c0",		/* container keys: {} before [] */
	"82 9101c0 9102c0",
	"81 c0c0",
	"92 9180 8191c0c0",
};

TEST(reader_accepts)
{
	for (size_t k = 0; k < sizeof(accepts) / sizeof(accepts[0]); k++)
		expect_hex(accepts[k], 0);
	LEAK_CHECK();
}

TEST(reader_values_and_spans)
{
	static const char hex[] =
	    "87"			/* map of 7 */
	    "a161" "c3"			/* "a": true */
	    "a162" "c403010203"		/* "b": bin */
	    "a163" "93c0ff7f"		/* "c": [nil, -1, 127] */
	    "a164" "a3e284a2"		/* "d": "™" */
	    "a165" "81a178c2"		/* "e": {"x": false} */
	    "a166" "d38000000000000000"	/* "f": INT64_MIN */
	    "a167" "cfffffffffffffffff";	/* "g": UINT64_MAX */
	const struct tv_value *root, *v;
	struct tv_doc *doc;
	size_t len;
	uint8_t *p = unhex(hex, &len);

	doc = decode_ok(p, len, &root);
	ASSERT_EQ(root->type, TV_MAP);
	ASSERT_EQ(root->len, 7);
	ASSERT(root->raw == p && root->raw_len == len);
	ASSERT(tv_str_eq(&root->items[0], "a"));
	ASSERT(root->items[0].raw == p + 1 && root->items[0].raw_len == 2);
	v = tv_map_get(root, "a");
	ASSERT(v == &root->items[1]);
	ASSERT(v->type == TV_BOOL && v->b);
	v = tv_map_get(root, "b");
	ASSERT(v->type == TV_BIN && v->len == 3);
	ASSERT_MEM_EQ(v->bytes, "\x01\x02\x03", 3);
	ASSERT(v->bytes >= p && v->bytes < p + len);	/* a view */
	ASSERT_EQ(v->raw_len, 5);
	v = tv_map_get(root, "c");
	ASSERT(v->type == TV_ARRAY && v->len == 3);
	ASSERT_EQ(v->items[0].type, TV_NIL);
	ASSERT(v->items[1].type == TV_NINT && v->items[1].i == -1);
	ASSERT(v->items[2].type == TV_UINT && v->items[2].u == 127);
	ASSERT_EQ(v->raw_len, 4);
	ASSERT(v->items[2].raw == v->raw + 3);
	v = tv_map_get(root, "d");
	ASSERT(tv_str_eq(v, "\xe2\x84\xa2"));
	v = tv_map_get(root, "e");
	ASSERT(v->type == TV_MAP && v->len == 1);
	ASSERT(tv_map_get(v, "x")->type == TV_BOOL);
	ASSERT(!tv_map_get(v, "x")->b);
	v = tv_map_get(root, "f");
	ASSERT(v->type == TV_NINT && v->i == INT64_MIN);
	v = tv_map_get(root, "g");
	ASSERT(v->type == TV_UINT && v->u == UINT64_MAX);
	ASSERT(tv_map_get(root, "h") == NULL);
	ASSERT(tv_map_get(root, "") == NULL);
	ASSERT(tv_map_get(tv_map_get(root, "c"), "a") == NULL);
	ASSERT(tv_map_get(NULL, "a") == NULL);
	expect_decode(p, len, 0, "values");
	tv_doc_free(doc);
	free(p);
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Limits */

/* n nested arrays around an inner item (hex of one byte). */
static uint8_t *
nested(size_t n, uint8_t head, uint8_t inner, size_t *out_len)
{
	uint8_t *p = malloc(n + 1);

	ASSERT(p != NULL);
	memset(p, head, n);
	p[n] = inner;
	*out_len = n + 1;
	return p;
}

TEST(depth_limit_reader)
{
	uint8_t *p;
	size_t len;

	/* 16 arrays: 15 × [x] around [] ... */
	p = nested(15, 0x91, 0x90, &len);
	expect_decode(p, len, 0, "16 arrays");
	free(p);
	p = nested(16, 0x91, 0x90, &len);
	expect_decode(p, len, TV_EDEPTH, "17 arrays");
	free(p);
	/* ... 16 arrays around a scalar (scalars add no depth). */
	p = nested(16, 0x91, 0x01, &len);
	expect_decode(p, len, 0, "16 arrays + scalar");
	free(p);
	p = nested(17, 0x91, 0x01, &len);
	expect_decode(p, len, TV_EDEPTH, "17 arrays + scalar");
	free(p);
	/* 17 opening headers with the input ending there: depth first. */
	p = nested(17, 0x91, 0x91, &len);
	expect_decode(p, len - 1, TV_EDEPTH, "17 headers, truncated");
	free(p);

	/* Maps: {"a": {"a": ... {}}}. */
	struct tv_buf b;
	tv_buf_init(&b, 0);
	for (int i = 0; i < 15; i++)
		ASSERT_EQ(tv_buf_put(&b, "\x81\xa1\x61", 3), 0);
	ASSERT_EQ(tv_buf_put(&b, "\x80", 1), 0);
	p = exact(b.data, b.len);
	expect_decode(p, b.len, 0, "16 maps");
	free(p);
	tv_buf_reset(&b);
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(tv_buf_put(&b, "\x81\xa1\x61", 3), 0);
	ASSERT_EQ(tv_buf_put(&b, "\x80", 1), 0);
	p = exact(b.data, b.len);
	expect_decode(p, b.len, TV_EDEPTH, "17 maps");
	free(p);
	/* Depth counts in keys too: {[[...]]: nil}. */
	tv_buf_reset(&b);
	ASSERT_EQ(tv_buf_put(&b, "\x81", 1), 0);
	put_fill(&b, "", 0, 14, 0x91);
	ASSERT_EQ(tv_buf_put(&b, "\x90\xc0", 2), 0);
	p = exact(b.data, b.len);
	expect_decode(p, b.len, 0, "key at depth 16");
	free(p);
	tv_buf_reset(&b);
	ASSERT_EQ(tv_buf_put(&b, "\x81", 1), 0);
	put_fill(&b, "", 0, 15, 0x91);
	ASSERT_EQ(tv_buf_put(&b, "\x90\xc0", 2), 0);
	p = exact(b.data, b.len);
	expect_decode(p, b.len, TV_EDEPTH, "key at depth 17");
	free(p);
	/* A bin is a scalar whatever it holds. */
	tv_buf_reset(&b);
	ASSERT_EQ(tv_buf_put(&b, "\xc4\x20", 2), 0);
	put_fill(&b, "", 0, 32, 0x91);
	p = exact(b.data, b.len);
	expect_decode(p, b.len, 0, "bin of headers");
	free(p);
	tv_buf_free(&b);
	LEAK_CHECK();
}

/* A chain of n arrays (or maps {"a": ...}), innermost empty. */
static struct tv_value *
chain(struct tv_doc *doc, size_t n, bool is_map)
{
	struct tv_value *v = tv_doc_alloc(doc, 1), *top = v;

	for (size_t i = 0; i < n; i++) {
		if (is_map) {
			v->type = TV_MAP;
			if (i + 1 == n)
				break;
			v->len = 1;
			v->items = tv_doc_alloc(doc, 2);
			tv_set_str(&v->items[0], "a", 1);
			v = &v->items[1];
		} else {
			v->type = TV_ARRAY;
			if (i + 1 == n)
				break;
			v->len = 1;
			v->items = tv_doc_alloc(doc, 1);
			v = &v->items[0];
		}
	}
	return top;
}

TEST(depth_limit_writer)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_w w;
	uint8_t *p;
	size_t len;

	p = encode(chain(doc, 16, false), &len);
	expect_decode(p, len, 0, "encoded 16 arrays");
	free(p);
	p = encode(chain(doc, 16, true), &len);
	expect_decode(p, len, 0, "encoded 16 maps");
	free(p);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, chain(doc, 17, false)), TV_EDEPTH);
	ASSERT_EQ(tv_w_err(&w), TV_EDEPTH);
	tv_w_free(&w);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, chain(doc, 17, true)), TV_EDEPTH);
	tv_w_free(&w);

	/* A key 16 deep inside a map of depth 1. */
	struct tv_value m, kv[2];
	m.type = TV_MAP;
	m.len = 1;
	m.items = kv;
	kv[0] = *chain(doc, 15, false);
	kv[1].type = TV_NIL;
	p = encode(&m, &len);
	expect_decode(p, len, 0, "encoded key at depth 16");
	free(p);
	kv[0] = *chain(doc, 16, false);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &m), TV_EDEPTH);
	tv_w_free(&w);
	tv_doc_free(doc);
	LEAK_CHECK();
}

TEST(huge_counts_allocate_nothing)
{
	static const char *const inputs[] = {
		"ddffffffff", "dfffffffff", "dd7fffffff", "df80000000",
		"dbffffffff", "c6ffffffff", "dd0001000000",
		"df00010000c0c0c0c0",
	};
	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		const struct tv_value *root;
		struct tv_doc *doc;
		size_t len;
		uint8_t *p = unhex(inputs[k], &len);

		fault_fail_after(-1);
		ASSERT_EQ(tv_decode(p, len, &doc, &root), TV_ETRUNC);
		/* The doc and its first block of nodes, nothing more. */
		ASSERT(fault_count() <= 2);
		fault_fail_after(-1);
		ASSERT_EQ(tv_canon_check(p, len), TV_ETRUNC);
		ASSERT_EQ(fault_count(), 0);
		free(p);
	}
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Key order */

TEST(keycmp_rules)
{
	const uint8_t *b = (const uint8_t *)"\xa1\x62", *aa =
	    (const uint8_t *)"\xa2\x61\x61", *a = (const uint8_t *)"\xa1\x61";

	ASSERT(tv_canon_keycmp(b, 2, aa, 3) < 0);	/* "b" < "aa" */
	ASSERT(tv_canon_keycmp(aa, 3, b, 2) > 0);
	ASSERT(tv_canon_keycmp(a, 2, b, 2) < 0);
	ASSERT_EQ(tv_canon_keycmp(a, 2, a, 2), 0);
	/* A proper prefix sorts first. */
	ASSERT(tv_canon_keycmp(aa, 2, aa, 3) < 0);
	ASSERT(tv_canon_keycmp(aa, 3, aa, 2) > 0);
	ASSERT(tv_canon_keycmp(aa, 0, aa, 1) < 0);
	ASSERT_EQ(tv_canon_keycmp(NULL, 0, NULL, 0), 0);
	/* Bytes compare unsigned. */
	ASSERT(tv_canon_keycmp((const uint8_t *)"\x7f", 1,
	    (const uint8_t *)"\x80", 1) < 0);
	ASSERT(tv_canon_keycmp((const uint8_t *)"\xff", 1,
	    (const uint8_t *)"\x00\x00", 2) > 0);
}

TEST(encode_sorts_keys)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value m, *kv = tv_doc_alloc(doc, 12), *arr =
	    tv_doc_alloc(doc, 1);
	struct tv_w w;
	uint8_t *p;
	size_t len;
	char *hex;

	ASSERT(doc != NULL && kv != NULL && arr != NULL);
	m.type = TV_MAP;
	m.len = 6;
	m.items = kv;
	tv_set_str(&kv[0], "name", 4);
	tv_set_int(&kv[1], 1);
	tv_set_str(&kv[2], "aa", 2);
	tv_set_int(&kv[3], 2);
	tv_set_str(&kv[4], "b", 1);
	tv_set_int(&kv[5], 3);
	tv_set_int(&kv[6], 300);
	tv_set_int(&kv[7], 4);
	kv[8].type = TV_ARRAY;		/* [1] */
	kv[8].len = 1;
	kv[8].items = arr;
	tv_set_int(arr, 1);
	tv_set_int(&kv[9], 5);
	tv_set_int(&kv[10], -1);
	tv_set_int(&kv[11], 6);
	p = encode(&m, &len);
	hex = test_hex(p, len);
	/* 91 01 < a1 62 < a2 6161 < a4 name < cd 012c < ff */
	ASSERT_STR_EQ(hex, "86" "910105" "a16203" "a2616102" "a46e616d6501"
	    "cd012c04" "ff06");
	expect_decode(p, len, 0, "sorted");
	free(hex);
	free(p);

	/* A duplicate key, here or nested, is refused and sticks. */
	tv_set_str(&kv[4], "aa", 2);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &m), TV_EKEYORDER);
	ASSERT_EQ(tv_w_nil(&w), TV_EKEYORDER);
	tv_w_free(&w);
	struct tv_value outer, okv[2];
	outer.type = TV_ARRAY;
	outer.len = 1;
	outer.items = &m;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &outer), TV_EKEYORDER);
	tv_w_free(&w);
	/* The same number written as UINT and as NINT is one key too. */
	okv[0].type = TV_NINT;
	okv[0].i = 5;		/* not what tv_set_int makes; still 05 */
	okv[1].type = TV_NIL;
	m.len = 1;
	m.items = okv;
	p = encode(&m, &len);
	hex = test_hex(p, len);
	ASSERT_STR_EQ(hex, "8105c0");
	free(hex);
	free(p);
	tv_doc_free(doc);
	LEAK_CHECK();
}

TEST(encode_strings)
{
	struct tv_value v, bad;
	struct tv_w w;
	uint8_t *p;
	size_t len;

	/* The encoder checks UTF-8 ... */
	tv_set_str(&bad, "\xed\xa0\x80", 3);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &bad), TV_EUTF8);
	tv_w_free(&w);
	/* ... but does not normalise: NFD goes out, and is refused in. */
	tv_set_str(&v, "a\xcc\x8a", 3);
	p = encode(&v, &len);
	ASSERT_EQ(len, 4);
	ASSERT_MEM_EQ(p, "\xa3" "a\xcc\x8a", 4);
	expect_decode(p, len, TV_ENFC, "NFD string");
	free(p);
	/* Zero-length views may be NULL. */
	tv_set_str(&v, NULL, 0);
	p = encode(&v, &len);
	ASSERT_EQ(len, 1);
	ASSERT_EQ(p[0], 0xa0);
	free(p);
	v.type = TV_BIN;
	p = encode(&v, &len);
	ASSERT_EQ(len, 2);
	ASSERT_MEM_EQ(p, "\xc4\x00", 2);
	free(p);
	/* Not a type at all. */
	memset(&v, 0, sizeof(v));
	v.type = (enum tv_type)99;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &v), TV_EINVAL);
	tv_w_free(&w);
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Text */

TEST(nfc_check_and_convert)
{
	char *out;
	size_t out_len;

	ASSERT_EQ(tv_text_check((const uint8_t *)"\xc3\xa5", 2), 0);
	ASSERT_EQ(tv_text_check((const uint8_t *)"a\xcc\x8a", 3), TV_ENFC);
	ASSERT_EQ(tv_text_check((const uint8_t *)"\xc3", 1), TV_EUTF8);
	ASSERT_EQ(tv_text_check((const uint8_t *)"", 0), 0);
	ASSERT_EQ(tv_text_check((const uint8_t *)"a\0b", 3), 0);

	ASSERT_EQ(tv_text_nfc("a\xcc\x8a", 3, &out, &out_len), 0);
	ASSERT_EQ(out_len, 2);
	ASSERT_STR_EQ(out, "\xc3\xa5");
	free(out);
	ASSERT_EQ(tv_text_nfc("Kr\xc3\xa6mmerhuset", 14, &out, &out_len),
	    0);
	ASSERT_EQ(out_len, 14);
	ASSERT_STR_EQ(out, "Kr\xc3\xa6mmerhuset");
	free(out);
	ASSERT_EQ(tv_text_nfc("", 0, &out, &out_len), 0);
	ASSERT_EQ(out_len, 0);
	ASSERT_STR_EQ(out, "");
	free(out);
	/* Reordering, Hangul, singletons. */
	ASSERT_EQ(tv_text_nfc("q\xcc\x81\xcc\xa3", 5, &out, &out_len), 0);
	ASSERT_STR_EQ(out, "q\xcc\xa3\xcc\x81");
	free(out);
	ASSERT_EQ(tv_text_nfc("\xe1\x84\x80\xe1\x85\xa1", 6, &out, &out_len),
	    0);
	ASSERT_STR_EQ(out, "\xea\xb0\x80");
	free(out);
	ASSERT_EQ(tv_text_nfc("\xe2\x84\xab", 3, &out, &out_len), 0);
	ASSERT_STR_EQ(out, "\xc3\x85");
	free(out);
	/* Embedded U+0000 survives. */
	ASSERT_EQ(tv_text_nfc("a\0\xcc\x8a", 4, &out, &out_len), 0);
	ASSERT_EQ(out_len, 4);
	ASSERT_MEM_EQ(out, "a\0\xcc\x8a", 5);
	free(out);
	/* Invalid input. */
	out = (char *)"x";
	ASSERT_EQ(tv_text_nfc("\xed\xa0\x80", 3, &out, &out_len), TV_EUTF8);
	ASSERT(out == NULL);
	ASSERT_EQ(tv_text_nfc("\xc0\x80", 2, &out, &out_len), TV_EUTF8);
	ASSERT_EQ(tv_text_nfc("a\xcc", 2, &out, &out_len), TV_EUTF8);
	LEAK_CHECK();
}

/* n copies of the UTF-8 sequence s. */
static char *
repeat(const char *s, size_t n, size_t *out_len)
{
	size_t sl = strlen(s);
	char *p = malloc(sl * n + 1);

	ASSERT(p != NULL);
	for (size_t i = 0; i < n; i++)
		memcpy(p + i * sl, s, sl);
	p[sl * n] = 0;
	*out_len = sl * n;
	return p;
}

TEST(nfc_long_text)
{
	size_t len, out_len, want_len;
	char *s, *out, *want;

	/* Past the 256-code-point stack buffer: 300 × α (U+03B1). */
	s = repeat("\xce\xb1", 300, &len);
	ASSERT_EQ(tv_text_check((const uint8_t *)s, len), 0);
	free(s);
	/* 300 × α + U+0301 → 300 × ά (U+03AC). */
	s = repeat("\xce\xb1\xcc\x81", 300, &len);
	ASSERT_EQ(tv_text_check((const uint8_t *)s, len), TV_ENFC);
	ASSERT_EQ(tv_text_nfc(s, len, &out, &out_len), 0);
	want = repeat("\xce\xac", 300, &want_len);
	ASSERT_EQ(out_len, want_len);
	ASSERT_STR_EQ(out, want);
	free(want);
	free(out);
	free(s);
	/* The last of 300 code points differs. */
	s = repeat("\xce\xb1", 300, &len);
	char *t = malloc(len + 3);
	ASSERT(t != NULL);
	memcpy(t, s, len);
	memcpy(t + len, "\xcc\x81", 2);
	ASSERT_EQ(tv_text_check((const uint8_t *)t, len + 2), TV_ENFC);
	free(t);
	free(s);
	LEAK_CHECK();
}

/*
 * canon.c skips utf8proc for text with no byte >= 0xcc (no code point at or
 * above U+0300). That is right only if no such code point changes under
 * NFC, alone or next to another: checked here against utf8proc for every
 * code point and every ordered pair.
 */
TEST(nfc_fast_path)
{
	uint8_t buf[2 * 0x300 * 2 + 8];

	for (int32_t b = 0; b < 0x300; b++) {
		size_t len = 0;
		uint8_t *nfc;
		utf8proc_ssize_t n;

		/* a0 b a1 b a2 b ...: every pair (a, b) and (b, a). */
		for (int32_t a = 0; a < 0x300; a++) {
			len += (size_t)utf8proc_encode_char(a, buf + len);
			len += (size_t)utf8proc_encode_char(b, buf + len);
		}
		n = utf8proc_map(buf, (utf8proc_ssize_t)len, &nfc,
		    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		ASSERT_EQ(n, (long long)len);
		ASSERT_MEM_EQ(nfc, buf, len);
		free(nfc);
		ASSERT_EQ(tv_text_check(buf, len), 0);
	}
	/* U+0300 itself is where composing starts. */
	ASSERT_EQ(tv_text_check((const uint8_t *)"a\xcc\x80", 3), TV_ENFC);
}

TEST(utf8_valid_edges)
{
	static const char *const ok[] = {
		"\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
		"\xee\x80\x80", "\xef\xbf\xbd", "\xf0\x90\x80\x80",
		"\xf4\x8f\xbf\xbf", "\xf3\xbf\xbf\xbf",
	};
	static const char *const bad[] = {
		"\x80", "\xc0\xaf", "\xc2", "\xc2\x7f", "\xc2\xc0",
		"\xe0\x9f\xbf", "\xed\xa0\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe1\x80",
		"\xf1\x80\x80", "\xf1\x80\x80\x7f",
	};
	struct tv_w w;

	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
		size_t n = strlen(ok[k]);
		ASSERT_EQ(tv_text_check((const uint8_t *)ok[k], n), 0);
		tv_w_init(&w, 0);
		ASSERT_EQ(tv_w_str(&w, ok[k], n), 0);
		tv_w_free(&w);
	}
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		size_t n = strlen(bad[k]);
		ASSERT_EQ(tv_text_check((const uint8_t *)bad[k], n), TV_EUTF8);
		tv_w_init(&w, 0);
		ASSERT_EQ(tv_w_str(&w, bad[k], n), TV_EUTF8);
		tv_w_free(&w);
	}
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Round trips and helpers */

TEST(round_trip_nested)
{
	static const char *const docs[] = {
		"93c0c2c3",
		"82a16191a0a2616281a163c402beef",
		("9a00ffcc80d0dfcdffffd1ff7fce00010000d2ffff7fff"
		    "cf0000000100000000d3ffffffff7fffffff"),
		"81a474657874a8c3a6c3b8c3a52121",	/* {"text": "æøå!!"} */
		"85a16101a16202a16303a16404a16505",
		"9391909290c093c0c0c0",	/* ragged */
	};
	for (size_t k = 0; k < sizeof(docs) / sizeof(docs[0]); k++)
		expect_hex(docs[k], 0);
	/* Built with the writer, decoded, re-encoded. */
	struct tv_w w;
	uint8_t *p;
	size_t len;
	tv_w_init(&w, 0);
	tv_w_map(&w, 3);
	tv_w_cstr(&w, "id");
	tv_w_bin(&w, "0123456789abcdef", 16);
	tv_w_cstr(&w, "name");
	tv_w_cstr(&w, "Fjordens Venner");
	tv_w_cstr(&w, "interests");
	tv_w_array(&w, 2);
	tv_w_cstr(&w, "natur");
	tv_w_cstr(&w, "kultur");
	ASSERT_EQ(tv_w_finish(&w, &p, &len), 0);
	expect_decode(p, len, 0, "writer doc");
	free(p);
	LEAK_CHECK();
}

TEST(value_helpers)
{
	struct tv_value v, kv[4], m;

	tv_set_str(&v, "abc", 3);
	ASSERT(tv_str_eq(&v, "abc"));
	ASSERT(!tv_str_eq(&v, "ab"));
	ASSERT(!tv_str_eq(&v, "abcd"));
	ASSERT(!tv_str_eq(NULL, "abc"));
	ASSERT(v.raw == NULL && v.raw_len == 0);
	tv_set_str(&v, "", 0);
	ASSERT(tv_str_eq(&v, ""));
	v.type = TV_BIN;
	ASSERT(!tv_str_eq(&v, ""));

	tv_set_int(&v, 0);
	ASSERT(v.type == TV_UINT && v.u == 0);
	tv_set_int(&v, INT64_MAX);
	ASSERT(v.type == TV_UINT && v.u == INT64_MAX);
	tv_set_int(&v, -1);
	ASSERT(v.type == TV_NINT && v.i == -1);
	tv_set_int(&v, INT64_MIN);
	ASSERT(v.type == TV_NINT && v.i == INT64_MIN);

	/* tv_map_get compares keys as strings, whatever else is there. */
	m.type = TV_MAP;
	m.len = 2;
	m.items = kv;
	tv_set_int(&kv[0], 1);
	tv_set_str(&kv[1], "one", 3);
	tv_set_str(&kv[2], "", 0);
	tv_set_str(&kv[3], "empty", 5);
	ASSERT(tv_map_get(&m, "") == &kv[3]);
	ASSERT(tv_map_get(&m, "one") == NULL);
	ASSERT(tv_map_get(&kv[1], "one") == NULL);
}

TEST(doc_arena)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value *v;
	char *s;

	ASSERT(doc != NULL);
	v = tv_doc_alloc(doc, 0);
	ASSERT(v != NULL);
	ASSERT_EQ(v->type, 0);
	ASSERT(tv_doc_alloc(doc, SIZE_MAX / 2) == NULL);
	ASSERT(tv_doc_alloc(doc, SIZE_MAX) == NULL);
	ASSERT(tv_doc_copy(doc, "", SIZE_MAX) == NULL);
	/* Small, large and odd sizes, all zeroed, aligned and separate. */
	for (size_t n = 1; n < 3000; n += 37) {
		v = tv_doc_alloc(doc, n);
		ASSERT(v != NULL);
		ASSERT_EQ((uintptr_t)v % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			ASSERT(v[i].type == 0 && v[i].len == 0 &&
			    v[i].raw == NULL);
		memset(v, 0xa5, n * sizeof(*v));
		s = tv_doc_copy(doc, "hello", n % 6);
		ASSERT(s != NULL);
		ASSERT_EQ(strlen(s), n % 6);
		ASSERT_MEM_EQ(s, "hello", n % 6);
	}
	s = tv_doc_copy(doc, NULL, 0);
	ASSERT(s != NULL && s[0] == 0);
	tv_doc_free(doc);
	tv_doc_free(NULL);
	LEAK_CHECK();
}

/* ------------------------------------------------------------------ */
/* Allocation failures */

/*
 * A document that needs several arena blocks, map key sorting on the way
 * out, and a non-Latin string long enough for a heap NFC buffer.
 */
static uint8_t *
big_doc(size_t *out_len)
{
	struct tv_w w;
	uint8_t *p;
	size_t slen;
	char *greek = repeat("\xce\xb1", 300, &slen);

	tv_w_init(&w, 0);
	tv_w_map(&w, 3);
	tv_w_cstr(&w, "a");
	tv_w_array(&w, 40);
	for (int i = 0; i < 40; i++) {
		tv_w_map(&w, 2);
		tv_w_cstr(&w, "k");
		tv_w_int(&w, -i);
		tv_w_cstr(&w, "list");
		tv_w_array(&w, 10);
		for (int j = 0; j < 10; j++)
			tv_w_uint(&w, (uint64_t)(i * j));
	}
	tv_w_cstr(&w, "bb");
	tv_w_str(&w, greek, slen);
	tv_w_cstr(&w, "ccc");
	tv_w_map(&w, 2);
	tv_w_cstr(&w, "x");
	tv_w_map(&w, 1);
	tv_w_cstr(&w, "y");
	tv_w_nil(&w);
	tv_w_cstr(&w, "zz");
	tv_w_bin(&w, "", 0);
	free(greek);
	ASSERT_EQ(tv_w_finish(&w, &p, out_len), 0);
	expect_decode(p, *out_len, 0, "big doc");
	return p;
}

TEST(fault_decode)
{
	size_t len;
	uint8_t *p = big_doc(&len);
	long k, failures = 0, needed;

	fault_fail_after(-1);
	{
		const struct tv_value *root;
		struct tv_doc *doc;
		ASSERT_EQ(tv_decode(p, len, &doc, &root), 0);
		needed = fault_count();
		tv_doc_free(doc);
	}
	ASSERT(needed >= 4);	/* doc, blocks, NFC buffer */
	for (k = 0; k < 1000; k++) {
		const struct tv_value *root = (void *)1;
		struct tv_doc *doc = (void *)1;
		int rc;

		fault_fail_after(k);
		rc = tv_decode(p, len, &doc, &root);
		fault_fail_after(-1);
		if (rc == 0) {
			expect_decode(p, len, 0, "after faults");
			tv_doc_free(doc);
			break;
		}
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(doc == NULL && root == NULL);
		failures++;
	}
	ASSERT_EQ(k, needed);
	ASSERT_EQ(failures, needed);
	/* tv_canon_check allocates only for the long non-Latin string. */
	fault_fail_after(0);
	ASSERT_EQ(tv_canon_check(p, len), TV_ENOMEM);
	fault_fail_after(1);
	ASSERT_EQ(tv_canon_check(p, len), 0);
	ASSERT_EQ(fault_count(), 1);
	fault_fail_after(-1);
	free(p);
	LEAK_CHECK();
}

TEST(fault_encode)
{
	const struct tv_value *root;
	struct tv_doc *doc;
	size_t len;
	uint8_t *p = big_doc(&len);
	long k, needed;

	doc = decode_ok(p, len, &root);
	fault_fail_after(-1);
	{
		struct tv_w w;
		uint8_t *out;
		size_t out_len;
		tv_w_init(&w, 0);
		ASSERT_EQ(tv_encode(&w, root), 0);
		ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
		needed = fault_count();
		free(out);
	}
	ASSERT(needed >= 10);	/* growth, key buffers, key arrays */
	for (k = 0; k < 1000; k++) {
		struct tv_w w;
		uint8_t *out;
		size_t out_len;
		int rc;

		fault_fail_after(k);
		tv_w_init(&w, 0);
		rc = tv_encode(&w, root);
		if (rc == 0)
			rc = tv_w_finish(&w, &out, &out_len);
		else
			tv_w_free(&w);
		fault_fail_after(-1);
		if (rc == 0) {
			ASSERT_EQ(out_len, len);
			ASSERT_MEM_EQ(out, p, len);
			free(out);
			break;
		}
		ASSERT_EQ(rc, TV_ENOMEM);
	}
	ASSERT_EQ(k, needed);
	tv_doc_free(doc);
	free(p);
	LEAK_CHECK();
}

TEST(fault_text_and_doc)
{
	char *out, *s;
	size_t out_len, len;
	long k;

	/* Latin text: one allocation, the copy. */
	fault_fail_after(0);
	ASSERT_EQ(tv_text_nfc("abc", 3, &out, &out_len), TV_ENOMEM);
	ASSERT(out == NULL);
	/* Other text: the code point buffer. */
	ASSERT_EQ(tv_text_nfc("a\xcc\x8a", 3, &out, &out_len), TV_ENOMEM);
	fault_fail_after(1);
	ASSERT_EQ(tv_text_nfc("a\xcc\x8a", 3, &out, &out_len), 0);
	fault_fail_after(-1);
	ASSERT_STR_EQ(out, "\xc3\xa5");
	free(out);
	/* A long text checks in a heap buffer. */
	s = repeat("\xce\xb1", 300, &len);
	fault_fail_after(0);
	ASSERT_EQ(tv_text_check((const uint8_t *)s, len), TV_ENOMEM);
	fault_fail_after(-1);
	free(s);

	/* The arena. */
	fault_fail_after(0);
	ASSERT(tv_doc_new() == NULL);
	fault_fail_after(1);
	struct tv_doc *doc = tv_doc_new();
	ASSERT(doc != NULL);
	ASSERT(tv_doc_alloc(doc, 1) == NULL);
	ASSERT(tv_doc_copy(doc, "x", 1) == NULL);
	fault_fail_after(-1);
	ASSERT(tv_doc_alloc(doc, 1) != NULL);
	tv_doc_free(doc);

	/* The writer: every failure is sticky and frees on finish. */
	for (k = 0; k < 100; k++) {
		struct tv_w w;
		int rc;

		fault_fail_after(k);
		tv_w_init(&w, 0);
		for (int i = 0; i < 200; i++)
			tv_w_cstr(&w, "0123456789");
		rc = tv_w_finish(&w, (uint8_t **)&out, &out_len);
		fault_fail_after(-1);
		if (rc == 0) {
			ASSERT_EQ(out_len, 200 * 11);
			free(out);
			break;
		}
		ASSERT_EQ(rc, TV_ENOMEM);
	}
	ASSERT(k > 3 && k < 100);
	LEAK_CHECK();
}

TEST(fault_sweep_small_inputs)
{
	/* Every accepted input and every rejection, under every fault. */
	for (size_t t = 0; t < sizeof(accepts) / sizeof(accepts[0]) +
	    sizeof(rejects) / sizeof(rejects[0]); t++) {
		bool is_acc = t < sizeof(accepts) / sizeof(accepts[0]);
		const char *hex = is_acc ? accepts[t] :
		    rejects[t - sizeof(accepts) / sizeof(accepts[0])].hex;
		int want = is_acc ? 0 :
		    rejects[t - sizeof(accepts) / sizeof(accepts[0])].err;
		size_t len;
		uint8_t *p = unhex(hex, &len);
		long k;

		for (k = 0; k < 20; k++) {
			const struct tv_value *root;
			struct tv_doc *doc;
			int rc;

			fault_fail_after(k);
			rc = tv_decode(p, len, &doc, &root);
			fault_fail_after(-1);
			if (rc == TV_ENOMEM)
				continue;
			if (rc != want)
				TEST_FAIL("%s after %ld allocations: %d", hex,
				    k, rc);
			tv_doc_free(doc);
			break;
		}
		ASSERT(k < 20);
		free(p);
	}
	LEAK_CHECK();
}

TEST_MAIN(buf_cap_exact_and_one_more, writer_int_boundaries,
    reader_int_boundaries, writer_str_lengths, writer_bin_lengths,
    writer_array_map_headers, writer_headers_alone, writer_sticky_errors,
    writer_max_exact_and_one_more, reader_rejects, reader_accepts,
    reader_values_and_spans, depth_limit_reader, depth_limit_writer,
    huge_counts_allocate_nothing, keycmp_rules, encode_sorts_keys,
    encode_strings, nfc_check_and_convert, nfc_long_text, nfc_fast_path,
    utf8_valid_edges, round_trip_nested, value_helpers, doc_arena,
    fault_decode, fault_encode, fault_text_and_doc, fault_sweep_small_inputs)
