/*
 * The signed record envelope (proto/record.c, PROTOCOL.md §3 and §4).
 *
 * Records with a broken envelope are built by hand with the canonical
 * writer and signed here with an independent encoding of the signing
 * input (the 7-element array written out in full), so each rejection is
 * tested one field at a time on an otherwise valid, validly signed record.
 */
#include "test.h"

#include "canon.h"
#include "err.h"
#include "record.h"
#include "sign.h"

#if __has_include("fault.h")
#include "fault.h"
#define HAVE_FAULT 1
#endif
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

static const uint8_t test_id[TV_ID_LEN] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const uint8_t zero_id[TV_ID_LEN];

/* The published test key: seed 00 01 02 ... 1f. */
static void
test_key(struct tv_keypair *kp)
{
	uint8_t seed[TV_SEED_LEN];

	ASSERT_EQ(tv_sign_init(), 0);
	for (size_t i = 0; i < TV_SEED_LEN; i++)
		seed[i] = (uint8_t)i;
	tv_keypair_from_seed(kp, seed);
}

static uint8_t *
finish(struct tv_w *w, size_t *out_len)
{
	uint8_t *p;

	ASSERT_EQ(tv_w_finish(w, &p, out_len), 0);
	return p;
}

/* A body map {"name": name}. */
static uint8_t *
body_name(const char *name, size_t *out_len)
{
	struct tv_w w;

	tv_w_init(&w, 0);
	tv_w_map(&w, 1);
	tv_w_cstr(&w, "name");
	tv_w_cstr(&w, name);
	return finish(&w, out_len);
}

/* A body map {"x": bin of n bytes}. */
static uint8_t *
body_bin(size_t n, size_t *out_len)
{
	struct tv_w w;
	uint8_t *p = calloc(1, n + 1);

	ASSERT(p != NULL);
	tv_w_init(&w, 0);
	tv_w_map(&w, 1);
	tv_w_cstr(&w, "x");
	tv_w_bin(&w, p, n);
	free(p);
	return finish(&w, out_len);
}

/* What goes into one hand-built record. */
struct env {
	size_t n;		/* items in the outer array */
	uint64_t version;
	size_t origin_len;
	const char *kind;
	size_t kind_len;
	const uint8_t *id;
	size_t id_len;
	uint64_t ts, flags;
	const uint8_t *body;
	size_t body_len;
	size_t sig_len;
	int wrong_field;	/* field written with wrong_type, or -1 */
	int wrong_type;
};

static void
env_default(struct env *e, const uint8_t *body, size_t body_len)
{
	memset(e, 0, sizeof(*e));
	e->n = 8;
	e->version = 1;
	e->origin_len = TV_PK_LEN;
	e->kind = "association";
	e->kind_len = strlen(e->kind);
	e->id = test_id;
	e->id_len = TV_ID_LEN;
	e->ts = 1735689600000000u;
	e->body = body;
	e->body_len = body_len;
	e->sig_len = TV_SIG_LEN;
	e->wrong_field = -1;
}

/* Writes an item of type t (TV_NIL .. TV_MAP) that stands in for a field. */
static void
put_wrong(struct tv_w *w, int t)
{
	switch (t) {
	case TV_NIL: tv_w_nil(w); break;
	case TV_BOOL: tv_w_bool(w, true); break;
	case TV_UINT: tv_w_uint(w, 1); break;
	case TV_NINT: tv_w_int(w, -1); break;
	case TV_STR: tv_w_cstr(w, "x"); break;
	case TV_BIN: tv_w_bin(w, "x", 1); break;
	case TV_ARRAY: tv_w_array(w, 0); break;
	case TV_MAP: tv_w_map(w, 0); break;
	}
}

/* Writes field i (0 version .. 7 sig) of e. */
static void
put_field(struct tv_w *w, const struct env *e, const struct tv_keypair *kp,
    size_t i, const uint8_t *sig)
{
	uint8_t big[80] = { 0 };	/* room for a 65-byte signature */

	if ((int)i == e->wrong_field) {
		put_wrong(w, e->wrong_type);
		return;
	}
	switch (i) {
	case 0: tv_w_uint(w, e->version); break;
	case 1:
		memcpy(big, kp->pk, TV_PK_LEN);
		tv_w_bin(w, big, e->origin_len);
		break;
	case 2: tv_w_str(w, e->kind, e->kind_len); break;
	case 3:
		memcpy(big, e->id, TV_ID_LEN);
		tv_w_bin(w, big, e->id_len);
		break;
	case 4: tv_w_uint(w, e->ts); break;
	case 5: tv_w_uint(w, e->flags); break;
	case 6: tv_w_bin(w, e->body_len ? e->body : big, e->body_len); break;
	case 7:
		if (sig != NULL)
			memcpy(big, sig, TV_SIG_LEN);
		tv_w_bin(w, big, e->sig_len);
		break;
	default: tv_w_nil(w); break;
	}
}

/*
 * Builds the record e describes, signed by kp over "tvaers-record-v1",
 * 0x00 and the canonical 7-element array [version .. body], written out
 * here item by item rather than taken from the record's bytes.
 */
static uint8_t *
build(const struct env *e, const struct tv_keypair *kp, size_t *out_len)
{
	struct tv_w w;
	uint8_t sig[TV_SIG_LEN];
	uint8_t *input;
	size_t input_len;

	tv_w_init(&w, 0);
	ASSERT_EQ(tv_buf_put(&w.buf, "tvaers-record-v1", 17), 0);
	tv_w_array(&w, 7);
	for (size_t i = 0; i < 7; i++)
		put_field(&w, e, kp, i, NULL);
	input = finish(&w, &input_len);
	tv_sign(kp, input, input_len, sig);
	free(input);

	tv_w_init(&w, 0);
	tv_w_array(&w, (uint32_t)e->n);
	for (size_t i = 0; i < e->n; i++)
		put_field(&w, e, kp, i, sig);
	return finish(&w, out_len);
}

/* Builds e and returns what tv_record_decode says about it. */
static int
decode_env(const struct env *e, const struct tv_keypair *kp)
{
	struct tv_record r;
	size_t len;
	uint8_t *p = build(e, kp, &len);
	int rc = tv_record_decode(p, len, &r);

	if (rc == 0)
		ASSERT_EQ(tv_record_verify(&r), 0);
	free(p);
	return rc;
}

TEST(sign_decode_verify)
{
	struct tv_keypair kp;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec;
	uint8_t hash[TV_HASH_LEN];

	test_key(&kp);
	body = body_name("Ridelauget Østby", &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1735689600000000u,
	    0, body, body_len, &rec, &len), 0);
	ASSERT_EQ(rec[0], 0x98);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT_EQ(tv_record_verify(&r), 0);
	ASSERT_EQ(r.version, 1);
	ASSERT_MEM_EQ(r.origin, kp.pk, TV_PK_LEN);
	ASSERT_EQ(r.kind_len, 11);
	ASSERT(tv_record_kind_is(&r, "association"));
	ASSERT(!tv_record_kind_is(&r, "associatio"));
	ASSERT(!tv_record_kind_is(&r, "associations"));
	ASSERT_MEM_EQ(r.id, test_id, TV_ID_LEN);
	ASSERT_EQ(r.timestamp, 1735689600000000u);
	ASSERT_EQ(r.flags, 0);
	ASSERT(!tv_record_is_deleted(&r));
	ASSERT_EQ(r.body_len, body_len);
	ASSERT_MEM_EQ(r.body, body, body_len);
	ASSERT(r.raw == rec && r.raw_len == len);
	/* Views point into the record; the signature is its last 64 bytes. */
	ASSERT(r.sig == rec + len - TV_SIG_LEN);
	tv_hash(rec, len, hash);
	ASSERT_MEM_EQ(r.hash, hash, TV_HASH_LEN);
	free(rec);
	free(body);
	tv_keypair_wipe(&kp);
}

TEST(signing_input_is_the_7_array)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len, len, len2;
	uint8_t *body, *rec, *rec2;

	test_key(&kp);
	body = body_name("Ridelauget Østby", &body_len);
	env_default(&e, body, body_len);
	rec = build(&e, &kp, &len);
	/* Ed25519 is deterministic: the same input gives the same bytes. */
	ASSERT_EQ(tv_record_sign(&kp, e.kind, e.id, e.ts, e.flags, body,
	    body_len, &rec2, &len2), 0);
	ASSERT_EQ(len, len2);
	ASSERT_MEM_EQ(rec, rec2, len);
	free(rec);
	free(rec2);
	free(body);
}

TEST(tombstone)
{
	struct tv_keypair kp;
	struct tv_record r;
	size_t len;
	uint8_t *rec;

	test_key(&kp);
	ASSERT_EQ(tv_record_sign(&kp, "project", test_id, 5, TV_FLAG_DELETED,
	    NULL, 0, &rec, &len), 0);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT_EQ(tv_record_verify(&r), 0);
	ASSERT(tv_record_is_deleted(&r));
	ASSERT_EQ(r.body_len, 0);
	ASSERT_EQ(r.flags, TV_FLAG_DELETED);
	free(rec);
}

TEST(every_flipped_bit_fails)
{
	struct tv_keypair kp;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec, *copy;
	size_t decoded = 0;

	test_key(&kp);
	body = body_name("Ridelauget Østby", &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1735689600000000u,
	    0, body, body_len, &rec, &len), 0);
	copy = malloc(len);
	ASSERT(copy != NULL);
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(copy, rec, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		int rc = tv_record_decode(copy, len, &r);
		if (rc != 0)
			continue;
		decoded++;
		if (tv_record_verify(&r) != TV_EBADSIG)
			TEST_FAIL("bit %zu flipped still verifies", bit);
	}
	/* Most flips leave a well-formed record: the signature caught them. */
	ASSERT(decoded > len * 4);
	free(copy);
	free(rec);
	free(body);
}

TEST(envelope_array_length)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;

	test_key(&kp);
	body = body_name("x", &body_len);
	env_default(&e, body, body_len);
	ASSERT_EQ(decode_env(&e, &kp), 0);
	e.n = 7;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	e.n = 9;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	e.n = 1;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	e.n = 0;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	free(body);
}

TEST(envelope_not_an_array)
{
	static const uint8_t map[] = { 0x80 }, str[] = { 0xa1, 'x' };
	static const uint8_t uint1[] = { 0x01 }, nil[] = { 0xc0 };
	struct tv_record r;

	ASSERT_EQ(tv_record_decode(map, sizeof(map), &r), TV_EMALFORMED);
	ASSERT_EQ(tv_record_decode(str, sizeof(str), &r), TV_EMALFORMED);
	ASSERT_EQ(tv_record_decode(uint1, sizeof(uint1), &r), TV_EMALFORMED);
	ASSERT_EQ(tv_record_decode(nil, sizeof(nil), &r), TV_EMALFORMED);
	ASSERT(tv_record_decode(map, 0, &r) != 0);
}

TEST(envelope_wrong_types)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;
	/* The type each field must have. */
	static const int want[8] = { TV_UINT, TV_BIN, TV_STR, TV_BIN, TV_UINT,
		TV_UINT, TV_BIN, TV_BIN };

	test_key(&kp);
	body = body_name("x", &body_len);
	for (int f = 0; f < 8; f++) {
		for (int t = TV_NIL; t <= TV_MAP; t++) {
			if (t == want[f])
				continue;
			env_default(&e, body, body_len);
			e.wrong_field = f;
			e.wrong_type = t;
			int rc = decode_env(&e, &kp);
			if (rc != TV_EMALFORMED)
				TEST_FAIL("field %d as type %d: %s", f, t,
				    tv_strerror(rc));
		}
	}
	free(body);
}

TEST(envelope_version)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;

	test_key(&kp);
	body = body_name("x", &body_len);
	env_default(&e, body, body_len);
	e.version = 0;
	ASSERT_EQ(decode_env(&e, &kp), TV_EVERSION);
	e.version = 2;
	ASSERT_EQ(decode_env(&e, &kp), TV_EVERSION);
	e.version = UINT64_MAX;
	ASSERT_EQ(decode_env(&e, &kp), TV_EVERSION);
	/* A later version may change the shape: the version is read first. */
	e.version = 2;
	e.n = 3;
	ASSERT_EQ(decode_env(&e, &kp), TV_EVERSION);
	free(body);
}

TEST(envelope_field_lengths)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;

	test_key(&kp);
	body = body_name("x", &body_len);
	static const size_t origin_bad[] = { 0, 31, 33 };
	static const size_t id_bad[] = { 0, 15, 17 };
	static const size_t sig_bad[] = { 0, 63, 65 };
	for (size_t i = 0; i < 3; i++) {
		env_default(&e, body, body_len);
		e.origin_len = origin_bad[i];
		ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
		env_default(&e, body, body_len);
		e.id_len = id_bad[i];
		ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
		env_default(&e, body, body_len);
		e.sig_len = sig_bad[i];
		ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	}
	free(body);
}

TEST(envelope_kind)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;
	char k33[TV_KIND_MAX + 2];
	static const char *good[] = { "a", "association", "x_1", "kind2",
		"a_", "z9_9z" };
	static const char *bad[] = { "", "Association", "ASSOCIATION",
		"a-b", "a b", "a.b", "_a", "1a", "9", "æble", "a\xc3\xa6",
		"a\t", "a:b", "a/b" };

	test_key(&kp);
	body = body_name("x", &body_len);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		env_default(&e, body, body_len);
		e.kind = good[i];
		e.kind_len = strlen(good[i]);
		ASSERT_EQ(decode_env(&e, &kp), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env_default(&e, body, body_len);
		e.kind = bad[i];
		e.kind_len = strlen(bad[i]);
		if (decode_env(&e, &kp) != TV_EMALFORMED)
			TEST_FAIL("kind \"%s\" accepted", bad[i]);
	}
	/* A NUL inside the kind. */
	env_default(&e, body, body_len);
	e.kind = "ab\0c";
	e.kind_len = 4;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	/* TV_KIND_MAX bytes are fine, one more is not. */
	memset(k33, 'k', sizeof(k33));
	env_default(&e, body, body_len);
	e.kind = k33;
	e.kind_len = TV_KIND_MAX;
	ASSERT_EQ(decode_env(&e, &kp), 0);
	e.kind_len = TV_KIND_MAX + 1;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	free(body);
}

TEST(envelope_area_id)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;

	test_key(&kp);
	body = body_name("Østby", &body_len);
	env_default(&e, body, body_len);
	e.kind = "area";
	e.kind_len = 4;
	e.id = zero_id;
	ASSERT_EQ(decode_env(&e, &kp), 0);
	/* The area profile has the zero id, and nothing else has it. */
	e.id = test_id;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	e.kind = "association";
	e.kind_len = 11;
	e.id = zero_id;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	free(body);
}

TEST(envelope_body)
{
	struct tv_keypair kp;
	struct env e;
	size_t body_len;
	uint8_t *body;
	/* Not a map: array, string, integer, nil, an empty map is fine. */
	static const uint8_t arr[] = { 0x91, 0x01 }, str[] = { 0xa1, 'x' };
	static const uint8_t one[] = { 0x01 }, nil[] = { 0xc0 };
	static const uint8_t empty_map[] = { 0x80 };
	/* Maps that are not canonical. */
	static const uint8_t unsorted[] = { 0x82, 0xa1, 'b', 0x01, 0xa1, 'a',
		0x02 };
	static const uint8_t dup[] = { 0x82, 0xa1, 'a', 0x01, 0xa1, 'a',
		0x02 };
	static const uint8_t map16[] = { 0xde, 0x00, 0x01, 0xa1, 'a', 0x01 };
	static const uint8_t long_int[] = { 0x81, 0xa1, 'a', 0xcc, 0x01 };
	static const uint8_t flt[] = { 0x81, 0xa1, 'a', 0xca, 0, 0, 0, 0 };
	static const uint8_t trailing[] = { 0x81, 0xa1, 'a', 0x01, 0x01 };
	static const uint8_t trunc[] = { 0x82, 0xa1, 'a', 0x01 };
	/* "å" as a + U+030A: valid UTF-8, not NFC. */
	static const uint8_t nfd[] = { 0x81, 0xa1, 'a', 0xa3, 'a', 0xcc,
		0x8a };
	static const uint8_t bad_utf8[] = { 0x81, 0xa1, 'a', 0xa1, 0xff };
	static const struct {
		const uint8_t *p;
		size_t n;
		int rc;
	} v[] = {
		{ arr, sizeof(arr), TV_EMALFORMED },
		{ str, sizeof(str), TV_EMALFORMED },
		{ one, sizeof(one), TV_EMALFORMED },
		{ nil, sizeof(nil), TV_EMALFORMED },
		{ empty_map, sizeof(empty_map), 0 },
		{ unsorted, sizeof(unsorted), TV_EKEYORDER },
		{ dup, sizeof(dup), TV_EKEYORDER },
		{ map16, sizeof(map16), TV_ENONCANON },
		{ long_int, sizeof(long_int), TV_ENONCANON },
		{ flt, sizeof(flt), TV_EFLOAT },
		{ trailing, sizeof(trailing), TV_ETRAILING },
		{ trunc, sizeof(trunc), TV_ETRUNC },
		{ nfd, sizeof(nfd), TV_ENFC },
		{ bad_utf8, sizeof(bad_utf8), TV_EUTF8 },
	};

	test_key(&kp);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		env_default(&e, v[i].p, v[i].n);
		int rc = decode_env(&e, &kp);
		if (rc != v[i].rc)
			TEST_FAIL("body %zu: %s, want %s", i, tv_strerror(rc),
			    tv_strerror(v[i].rc));
	}
	body = body_name("x", &body_len);
	/* Deleted with a body; not deleted without one. */
	env_default(&e, body, body_len);
	e.flags = TV_FLAG_DELETED;
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	env_default(&e, NULL, 0);
	ASSERT_EQ(decode_env(&e, &kp), TV_EMALFORMED);
	e.flags = TV_FLAG_DELETED;
	ASSERT_EQ(decode_env(&e, &kp), 0);
	free(body);
}

TEST(envelope_body_depth)
{
	struct tv_keypair kp;
	struct env e;
	uint8_t deep[64];
	size_t n = 0;

	/* The body counts its own depth: a map holding 15 nested arrays. */
	test_key(&kp);
	deep[n++] = 0x81;
	deep[n++] = 0xa1;
	deep[n++] = 'a';
	for (int i = 0; i < 14; i++)
		deep[n++] = 0x91;
	deep[n++] = 0x90;
	env_default(&e, deep, n);
	ASSERT_EQ(decode_env(&e, &kp), 0);
	deep[n - 1] = 0x91;
	deep[n++] = 0x90;
	env_default(&e, deep, n);
	ASSERT_EQ(decode_env(&e, &kp), TV_EDEPTH);
}

TEST(unknown_flags_kept)
{
	struct tv_keypair kp;
	struct tv_record r;
	struct env e;
	size_t body_len, len;
	uint8_t *body, *rec;

	test_key(&kp);
	body = body_name("x", &body_len);
	env_default(&e, body, body_len);
	e.flags = 0x8000000000000006u;
	rec = build(&e, &kp, &len);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT_EQ(tv_record_verify(&r), 0);
	ASSERT_EQ(r.flags, 0x8000000000000006u);
	ASSERT(!tv_record_is_deleted(&r));
	free(rec);
	/* A tombstone with other bits is still a tombstone. */
	env_default(&e, NULL, 0);
	e.flags = 0x3;
	rec = build(&e, &kp, &len);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT(tv_record_is_deleted(&r));
	free(rec);
	free(body);
}

TEST(envelope_not_canonical)
{
	struct tv_keypair kp;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec, *p;

	test_key(&kp);
	body = body_name("x", &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 5, 0, body,
	    body_len, &rec, &len), 0);
	p = malloc(len + 2);
	ASSERT(p != NULL);
	/* The array header as array16, the version as uint8. */
	p[0] = 0xdc;
	p[1] = 0x00;
	p[2] = 0x08;
	memcpy(p + 3, rec + 1, len - 1);
	ASSERT_EQ(tv_record_decode(p, len + 2, &r), TV_ENONCANON);
	p[0] = 0x98;
	p[1] = 0xcc;
	p[2] = 0x01;
	memcpy(p + 3, rec + 2, len - 2);
	ASSERT_EQ(tv_record_decode(p, len + 1, &r), TV_ENONCANON);
	/* A byte after the record, a byte short. */
	memcpy(p, rec, len);
	p[len] = 0xc0;
	ASSERT_EQ(tv_record_decode(p, len + 1, &r), TV_ETRAILING);
	ASSERT_EQ(tv_record_decode(p, len - 1, &r), TV_ETRUNC);
	free(p);
	free(rec);
	free(body);
}

TEST(record_size_limit)
{
	struct tv_keypair kp;
	struct tv_record r;
	struct env e;
	size_t body_len, len, k;
	uint8_t *body, *rec;

	test_key(&kp);
	/* Find the body size that makes the record exactly TV_RECORD_MAX. */
	body = body_bin(1000, &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "document", test_id, UINT64_MAX, 0, body,
	    body_len, &rec, &len), 0);
	free(rec);
	free(body);
	k = 1000 + (TV_RECORD_MAX - len);

	body = body_bin(k, &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "document", test_id, UINT64_MAX, 0, body,
	    body_len, &rec, &len), 0);
	ASSERT_EQ(len, TV_RECORD_MAX);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT_EQ(tv_record_verify(&r), 0);
	free(rec);
	free(body);

	/* One byte more: refused when signing and when decoding. */
	body = body_bin(k + 1, &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "document", test_id, UINT64_MAX, 0, body,
	    body_len, &rec, &len), TV_ETOOBIG);
	ASSERT(rec == NULL);
	env_default(&e, body, body_len);
	e.kind = "document";
	e.kind_len = 8;
	e.ts = UINT64_MAX;
	rec = build(&e, &kp, &len);
	ASSERT_EQ(len, TV_RECORD_MAX + 1);
	ASSERT_EQ(tv_record_decode(rec, len, &r), TV_ETOOBIG);
	free(rec);
	free(body);

	/* The size is checked before parsing: garbage of that size too. */
	rec = malloc(TV_RECORD_MAX + 1);
	ASSERT(rec != NULL);
	memset(rec, 0xc1, TV_RECORD_MAX + 1);
	ASSERT_EQ(tv_record_decode(rec, TV_RECORD_MAX + 1, &r), TV_ETOOBIG);
	free(rec);
}

TEST(sign_rejects)
{
	struct tv_keypair kp;
	size_t body_len, len;
	uint8_t *body, *rec = (uint8_t *)&len;
	static const uint8_t unsorted[] = { 0x82, 0xa1, 'b', 0x01, 0xa1, 'a',
		0x02 };
	static const uint8_t arr[] = { 0x90 };
	char k33[TV_KIND_MAX + 2];

	test_key(&kp);
	body = body_name("x", &body_len);
	/* Flags other than bit 0. */
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 2, body,
	    body_len, &rec, &len), TV_EINVAL);
	ASSERT(rec == NULL);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 1u << 31,
	    NULL, 0, &rec, &len), TV_EINVAL);
	/* Kinds. */
	ASSERT_EQ(tv_record_sign(&kp, "", test_id, 1, 0, body, body_len, &rec,
	    &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "Forening", test_id, 1, 0, body,
	    body_len, &rec, &len), TV_EINVAL);
	memset(k33, 'k', TV_KIND_MAX + 1);
	k33[TV_KIND_MAX + 1] = 0;
	ASSERT_EQ(tv_record_sign(&kp, k33, test_id, 1, 0, body, body_len, &rec,
	    &len), TV_EINVAL);
	/* The zero id belongs to the area profile only. */
	ASSERT_EQ(tv_record_sign(&kp, "area", test_id, 1, 0, body, body_len,
	    &rec, &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "association", zero_id, 1, 0, body,
	    body_len, &rec, &len), TV_EINVAL);
	/* Bodies. */
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 0, NULL, 0,
	    &rec, &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1,
	    TV_FLAG_DELETED, body, body_len, &rec, &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 0, unsorted,
	    sizeof(unsorted), &rec, &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 0, arr,
	    sizeof(arr), &rec, &len), TV_EINVAL);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 1, 0, body,
	    body_len - 1, &rec, &len), TV_EINVAL);
	ASSERT(rec == NULL);
	free(body);
}

TEST(timestamps_shortest_form)
{
	struct tv_keypair kp;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec;
	static const uint64_t ts[] = { 0, 127, 128, 255, 256, 65535, 65536,
		UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX };

	test_key(&kp);
	body = body_name("x", &body_len);
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		ASSERT_EQ(tv_record_sign(&kp, "event", test_id, ts[i], 0, body,
		    body_len, &rec, &len), 0);
		ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
		ASSERT_EQ(tv_record_verify(&r), 0);
		ASSERT(r.timestamp == ts[i]);
		free(rec);
	}
	free(body);
}

TEST(verify_other_origin_fails)
{
	struct tv_keypair kp, other;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec;

	test_key(&kp);
	tv_keypair_generate(&other);
	body = body_name("x", &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 7, 0, body,
	    body_len, &rec, &len), 0);
	/* Put another area's key in the origin field: the signature fails. */
	memcpy(rec + 4, other.pk, TV_PK_LEN);
	ASSERT_EQ(tv_record_decode(rec, len, &r), 0);
	ASSERT_MEM_EQ(r.origin, other.pk, TV_PK_LEN);
	ASSERT_EQ(tv_record_verify(&r), TV_EBADSIG);
	free(rec);
	free(body);
}

TEST(newest_wins)
{
	uint8_t lo[TV_HASH_LEN], hi[TV_HASH_LEN];

	memset(lo, 0x11, sizeof(lo));
	memset(hi, 0x11, sizeof(hi));
	hi[TV_HASH_LEN - 1] = 0x12;
	/* The timestamp decides first, whatever the hashes. */
	ASSERT(tv_record_cmp(2, lo, 1, hi) > 0);
	ASSERT(tv_record_cmp(1, hi, 2, lo) < 0);
	ASSERT(tv_record_cmp(UINT64_MAX, lo, UINT64_MAX - 1, hi) > 0);
	/* Equal timestamps: the greater hash, bytewise, wins. */
	ASSERT(tv_record_cmp(5, hi, 5, lo) > 0);
	ASSERT(tv_record_cmp(5, lo, 5, hi) < 0);
	ASSERT_EQ(tv_record_cmp(5, lo, 5, lo), 0);
	/* Bytewise means unsigned: 0x80 beats 0x7f. */
	memset(lo, 0x7f, sizeof(lo));
	memset(hi, 0x00, sizeof(hi));
	hi[0] = 0x80;
	ASSERT(tv_record_cmp(5, hi, 5, lo) > 0);
}

TEST(newest_wins_signed_versions)
{
	struct tv_keypair kp;
	struct tv_record a, b;
	size_t la, lb, body_len;
	uint8_t *ra, *rb, *body;

	/* Two versions with one timestamp: the order follows their hashes. */
	test_key(&kp);
	body = body_name("a", &body_len);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 100, 0, body,
	    body_len, &ra, &la), 0);
	ASSERT_EQ(tv_record_sign(&kp, "association", test_id, 100,
	    TV_FLAG_DELETED, NULL, 0, &rb, &lb), 0);
	ASSERT_EQ(tv_record_decode(ra, la, &a), 0);
	ASSERT_EQ(tv_record_decode(rb, lb, &b), 0);
	int c = memcmp(a.hash, b.hash, TV_HASH_LEN);
	ASSERT(c != 0);
	ASSERT_EQ(tv_record_cmp(a.timestamp, a.hash, b.timestamp, b.hash) > 0,
	    c > 0);
	ASSERT_EQ(tv_record_cmp(b.timestamp, b.hash, a.timestamp, a.hash) > 0,
	    c < 0);
	free(ra);
	free(rb);
	free(body);
}

/*
 * Fails the 1st, 2nd, ... allocation of signing and of decoding: each
 * call returns TV_ENOMEM and owns nothing (the leak checker sees to that),
 * until enough allocations succeed for the call to complete.
 */
TEST(out_of_memory)
{
#ifndef HAVE_FAULT
	printf("skipped: tests/lib/fault.h is missing\n");
#else
	struct tv_keypair kp;
	struct tv_record r;
	size_t body_len, len;
	uint8_t *body, *rec;
	int rc = TV_ENOMEM, n;

	test_key(&kp);
	body = body_name("Ridelauget Østby", &body_len);
	for (n = 0; n < 1000 && rc == TV_ENOMEM; n++) {
		fault_fail_after(n);
		rc = tv_record_sign(&kp, "association", test_id, 1, 0, body,
		    body_len, &rec, &len);
		fault_fail_after(-1);
		if (rc == TV_ENOMEM)
			ASSERT(rec == NULL);
	}
	ASSERT_EQ(rc, 0);
	ASSERT(n > 1);
	rc = TV_ENOMEM;
	for (n = 0; n < 1000 && rc == TV_ENOMEM; n++) {
		fault_fail_after(n);
		rc = tv_record_decode(rec, len, &r);
		fault_fail_after(-1);
	}
	ASSERT_EQ(rc, 0);
	ASSERT(n > 1);
	ASSERT_EQ(tv_record_verify(&r), 0);
	free(rec);
	free(body);
#ifdef __SANITIZE_ADDRESS__
	/* The runner's _exit skips LeakSanitizer's own check at exit. */
	__lsan_do_leak_check();
#endif
#endif
}

TEST_MAIN(sign_decode_verify, signing_input_is_the_7_array, tombstone,
    every_flipped_bit_fails, envelope_array_length, envelope_not_an_array,
    envelope_wrong_types, envelope_version, envelope_field_lengths,
    envelope_kind, envelope_area_id, envelope_body, envelope_body_depth,
    unknown_flags_kept, envelope_not_canonical, record_size_limit,
    sign_rejects, timestamps_shortest_form, verify_other_origin_fails,
    newest_wins, newest_wins_signed_versions, out_of_memory)
