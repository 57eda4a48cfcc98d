/*
 * Negentropy v1 reconciliation (proto/negentropy.c, PROTOCOL.md §11).
 *
 * The sync tests run an initiator and a responder over two in-memory sets
 * to completion, check the id lists are exactly the set differences, apply
 * them and check both sides end equal. They print the figures (messages,
 * bytes, bytes per difference) for the issue notes; only the budgets named
 * in DESIGN.md are asserted.
 */
#include "test.h"

#include <sodium.h>

#include "err.h"
#include "negentropy.h"

#define T0 UINT64_C(1700000000000000)	/* 2023-11-14, in µs */
#define YEAR_US UINT64_C(31536000000000)

/* A small deterministic generator, so that failures can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void
rng_id(uint8_t id[static TV_NEG_ID_LEN])
{
	for (size_t i = 0; i < TV_NEG_ID_LEN; i += 8) {
		uint64_t r = rng();
		memcpy(id + i, &r, 8);
	}
}

static struct tv_neg_vec *
vec_new(void)
{
	struct tv_neg_vec *v;
	ASSERT_EQ(tv_neg_vec_new(&v), 0);
	return v;
}

static void
vec_add(struct tv_neg_vec *v, uint64_t ts, const uint8_t *id)
{
	ASSERT_EQ(tv_neg_vec_insert(v, ts, id), 0);
}

static void
vec_add_random(struct tv_neg_vec *v, uint64_t ts)
{
	uint8_t id[TV_NEG_ID_LEN];
	rng_id(id);
	vec_add(v, ts, id);
}

static void
fill_id(uint8_t id[static TV_NEG_ID_LEN], uint8_t byte)
{
	memset(id, byte, TV_NEG_ID_LEN);
}

static int
id_qcmp(const void *a, const void *b)
{
	return memcmp(a, b, TV_NEG_ID_LEN);
}

/* ---- A sync driver ---- */

struct ids {
	uint8_t *p;
	size_t n, cap;
};

static void
ids_add(struct ids *l, const uint8_t *p, size_t n)
{
	if (l->n + n > l->cap) {
		l->cap = (l->n + n) * 2 + 16;
		l->p = realloc(l->p, l->cap * TV_NEG_ID_LEN);
		ASSERT(l->p != NULL);
	}
	if (n > 0)
		memcpy(l->p + l->n * TV_NEG_ID_LEN, p, n * TV_NEG_ID_LEN);
	l->n += n;
}

static void
ids_sort(struct ids *l)
{
	if (l->n > 1)
		qsort(l->p, l->n, TV_NEG_ID_LEN, id_qcmp);
}

/* Sorts and drops repeats; returns how many were dropped. */
static size_t
ids_uniq(struct ids *l)
{
	size_t u = 0, before = l->n;

	ids_sort(l);
	for (size_t i = 0; i < l->n; i++)
		if (u == 0 || memcmp(l->p + (u - 1) * TV_NEG_ID_LEN,
		    l->p + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN) != 0)
			memmove(l->p + u++ * TV_NEG_ID_LEN,
			    l->p + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN);
	l->n = u;
	return before - u;
}

static bool
ids_has(const struct ids *sorted, const uint8_t *id)
{
	return sorted->n > 0 && bsearch(id, sorted->p, sorted->n,
	    TV_NEG_ID_LEN, id_qcmp) != NULL;
}

/* Ids of the items in a but not in b (both sealed), sorted by id. */
static void
vec_minus(const struct tv_neg_vec *a, const struct tv_neg_vec *b,
    struct ids *out)
{
	size_t i = 0, j = 0, na = tv_neg_vec_size(a), nb = tv_neg_vec_size(b);

	while (i < na) {
		const struct tv_neg_item *x = tv_neg_vec_item(a, i);
		int c = j < nb ? tv_neg_item_cmp(x, tv_neg_vec_item(b, j)) : -1;
		if (c < 0) {
			ids_add(out, x->id, 1);
			i++;
		} else if (c == 0) {
			i++;
			j++;
		} else {
			j++;
		}
	}
	ids_sort(out);
}

struct run {
	size_t limit_i, limit_r;	/* frame limits of each side */
	bool plain_storage;		/* hide lower_bound and sum */
	/* Results. */
	size_t msgs, rounds, bytes_i, bytes_r, max_msg, first_len;
	size_t diffs, repeats;
	size_t pushed;			/* ids the responder sent unasked */
	struct ids have, need;		/* initiator's, over the session */
	struct ids r_have, r_need;	/* responder's */
};

static struct tv_neg_storage_ops plain_ops;

static const struct tv_neg_storage_ops *
plain_ops_of(const struct tv_neg_storage_ops *ops)
{
	plain_ops = *ops;
	plain_ops.lower_bound = NULL;
	plain_ops.sum = NULL;
	return &plain_ops;
}

static void
check_msg(const uint8_t *msg, size_t len, size_t limit)
{
	if (len == 0)
		return;
	ASSERT_EQ(tv_neg_msg_check(msg, len), 0);
	if (limit != 0)
		ASSERT(len <= limit);
}

/*
 * Reconciles a (initiator) with b (responder) to the end and checks the
 * initiator's lists are exactly a\b and b\a, the responder's correct, and
 * that applying them makes both sets equal.
 */
static void
run_sync(struct tv_neg_vec *a, struct tv_neg_vec *b, struct run *r)
{
	struct tv_neg_storage sa, sb;
	struct tv_neg *ni, *nr;
	const uint8_t *msg, *reply, *p;
	size_t len, rlen, n;
	struct ids a_minus_b = { 0 }, b_minus_a = { 0 };

	ASSERT_EQ(tv_neg_vec_seal(a), 0);
	ASSERT_EQ(tv_neg_vec_seal(b), 0);
	tv_neg_vec_storage(a, &sa);
	tv_neg_vec_storage(b, &sb);
	if (r->plain_storage) {
		sa.ops = plain_ops_of(sa.ops);
		sb.ops = &plain_ops;
	}
	ASSERT_EQ(tv_neg_new(&sa, r->limit_i, &ni), 0);
	ASSERT_EQ(tv_neg_new(&sb, r->limit_r, &nr), 0);

	ASSERT_EQ(tv_neg_initiate(ni, &msg, &len), 0);
	ASSERT(tv_neg_is_initiator(ni));
	r->first_len = len;
	while (len > 0) {
		check_msg(msg, len, r->limit_i);
		r->msgs++;
		r->rounds++;
		r->bytes_i += len;
		if (len > r->max_msg)
			r->max_msg = len;
		ASSERT_EQ(tv_neg_reconcile(nr, msg, len, &reply, &rlen), 0);
		ASSERT(rlen >= 1);
		check_msg(reply, rlen, r->limit_r);
		p = tv_neg_have(nr, &n);
		ids_add(&r->r_have, p, n);
		p = tv_neg_need(nr, &n);
		ids_add(&r->r_need, p, n);
		r->msgs++;
		r->bytes_r += rlen;
		if (rlen > r->max_msg)
			r->max_msg = rlen;
		ASSERT_EQ(tv_neg_reconcile(ni, reply, rlen, &msg, &len), 0);
		p = tv_neg_have(ni, &n);
		ids_add(&r->have, p, n);
		p = tv_neg_need(ni, &n);
		ids_add(&r->need, p, n);
		ASSERT(r->rounds < 100000);
	}
	ASSERT(!tv_neg_is_initiator(nr));
	tv_neg_free(ni);
	tv_neg_free(nr);

	/*
	 * The initiator's have is exactly a\b; its need and the responder's
	 * pushes (its have) are together exactly b\a, with no id in both
	 * (PROTOCOL.md §11.7). An id comes once unless a frame limit made a
	 * side close a message with a Fingerprint over ranges settled in an
	 * earlier round (§11.8).
	 */
	vec_minus(a, b, &a_minus_b);
	vec_minus(b, a, &b_minus_a);
	r->diffs = a_minus_b.n + b_minus_a.n;
	r->pushed = r->r_have.n;
	ids_add(&r->need, r->r_have.p, r->r_have.n);
	r->repeats = ids_uniq(&r->have) + ids_uniq(&r->need);
	if (r->limit_i == 0 && r->limit_r == 0)
		ASSERT_EQ(r->repeats, 0);
	ASSERT_EQ(r->r_need.n, 0);
	ASSERT_EQ(r->have.n, a_minus_b.n);
	ASSERT_EQ(r->need.n, b_minus_a.n);
	if (r->have.n)
		ASSERT_MEM_EQ(r->have.p, a_minus_b.p, r->have.n * TV_NEG_ID_LEN);
	if (r->need.n)
		ASSERT_MEM_EQ(r->need.p, b_minus_a.p, r->need.n * TV_NEG_ID_LEN);

	/* Apply: a fetches what it needs from b, b receives what a has. */
	struct tv_neg_item *to_a = calloc(r->need.n + 1, sizeof(*to_a));
	struct tv_neg_item *to_b = calloc(r->have.n + 1, sizeof(*to_b));
	size_t n_a = 0, n_b = 0;
	ASSERT(to_a != NULL && to_b != NULL);
	for (size_t i = 0; i < tv_neg_vec_size(b); i++) {
		const struct tv_neg_item *it = tv_neg_vec_item(b, i);
		if (ids_has(&r->need, it->id))
			to_a[n_a++] = *it;
	}
	for (size_t i = 0; i < tv_neg_vec_size(a); i++) {
		const struct tv_neg_item *it = tv_neg_vec_item(a, i);
		if (ids_has(&r->have, it->id))
			to_b[n_b++] = *it;
	}
	ASSERT_EQ(n_a, r->need.n);
	ASSERT_EQ(n_b, r->have.n);
	for (size_t i = 0; i < n_a; i++)
		vec_add(a, to_a[i].ts, to_a[i].id);
	for (size_t i = 0; i < n_b; i++)
		vec_add(b, to_b[i].ts, to_b[i].id);
	free(to_a);
	free(to_b);
	ASSERT_EQ(tv_neg_vec_seal(a), 0);
	ASSERT_EQ(tv_neg_vec_seal(b), 0);
	ASSERT_EQ(tv_neg_vec_size(a), tv_neg_vec_size(b));
	for (size_t i = 0; i < tv_neg_vec_size(a); i++)
		ASSERT_EQ(tv_neg_item_cmp(tv_neg_vec_item(a, i),
		    tv_neg_vec_item(b, i)), 0);
	free(a_minus_b.p);
	free(b_minus_a.p);
}

static void
run_free(struct run *r)
{
	free(r->have.p);
	free(r->need.p);
	free(r->r_have.p);
	free(r->r_need.p);
}

static void
report(const char *what, const struct run *r)
{
	printf("  %-34s %zu diffs: %zu round trips, %zu msgs, "
	    "%zu+%zu bytes (first %zu, max %zu)", what, r->diffs, r->rounds,
	    r->msgs, r->bytes_i, r->bytes_r, r->first_len, r->max_msg);
	if (r->diffs > 0)
		printf(", %.1f bytes/diff",
		    (double)(r->bytes_i + r->bytes_r) / (double)r->diffs);
	if (r->pushed > 0)
		printf(", %zu pushed by the responder", r->pushed);
	if (r->repeats > 0)
		printf(", %zu ids repeated", r->repeats);
	printf("\n");
}

/* Random timestamps over a year from T0. */
static uint64_t
rand_ts(void)
{
	return T0 + rng() % YEAR_US;
}

enum shape {
	IDENTICAL,
	DISJOINT,
	ONE_PCT,		/* 1 % of items on one side only, half each way */
	CLUSTERED,		/* b has 1 % more items, all newer than a's */
};

static void
make_sets(enum shape shape, size_t n, struct tv_neg_vec **out_a,
    struct tv_neg_vec **out_b)
{
	struct tv_neg_vec *a = vec_new(), *b = vec_new();
	uint8_t id[TV_NEG_ID_LEN];

	for (size_t i = 0; i < n; i++) {
		uint64_t ts = rand_ts(), r;
		rng_id(id);
		switch (shape) {
		case IDENTICAL:
		case CLUSTERED:
			vec_add(a, ts, id);
			vec_add(b, ts, id);
			break;
		case DISJOINT:
			vec_add(a, ts, id);
			vec_add_random(b, rand_ts());
			break;
		case ONE_PCT:
			r = rng() % 200;
			if (r != 0)
				vec_add(a, ts, id);
			if (r != 1)
				vec_add(b, ts, id);
			break;
		}
	}
	if (shape == CLUSTERED)
		for (size_t i = 0; i < n / 100; i++)
			vec_add_random(b, T0 + YEAR_US + 1 + rng() % 1000000000);
	*out_a = a;
	*out_b = b;
}

static void
sync_case(const char *what, enum shape shape, size_t n, size_t limit_i,
    size_t limit_r, struct run *out)
{
	struct tv_neg_vec *a, *b;

	make_sets(shape, n, &a, &b);
	out->limit_i = limit_i;
	out->limit_r = limit_r;
	run_sync(a, b, out);
	report(what, out);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

/* ---- Varints and bounds ---- */

TEST(varint_encoding)
{
	static const struct {
		uint64_t v;
		const char *hex;
	} v[] = {
		{ 0, "00" },
		{ 1, "01" },
		{ 127, "7f" },
		{ 128, "8100" },
		{ 300, "822c" },
		{ 16383, "ff7f" },
		{ 16384, "818000" },
		{ UINT64_C(1700000000000000), "8382c4c1c0f98000" },
		{ UINT64_MAX, "81ffffffffffffffff7f" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t buf[TV_NEG_VARINT_MAX];
		size_t n = tv_neg_varint_put(v[i].v, buf), used;
		uint64_t back;
		char *hex = test_hex(buf, n);
		ASSERT_STR_EQ(hex, v[i].hex);
		free(hex);
		ASSERT_EQ(tv_neg_varint_get(buf, n, &back, &used), 0);
		ASSERT(back == v[i].v);
		ASSERT_EQ(used, n);
		/* Every proper prefix is truncated. */
		for (size_t k = 0; k < n; k++)
			ASSERT_EQ(tv_neg_varint_get(buf, k, &back, &used),
			    TV_EMALFORMED);
	}
}

TEST(varint_decoding_errors)
{
	static const char *bad[] = {
		"",			/* nothing */
		"81",			/* truncated */
		"8000",			/* leading zero digit: not shortest */
		"808001",
		"82ffffffffffffffff7f",	/* 2^64 */
		"ffffffffffffffffffff7f", /* 11 digits */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len, used;
		uint64_t v;
		uint8_t *p = test_unhex(bad[i], &len);
		ASSERT_EQ(tv_neg_varint_get(p, len, &v, &used), TV_EMALFORMED);
		free(p);
	}
}

TEST(bound_encoding)
{
	struct tv_neg_bound b, back;
	uint8_t buf[TV_NEG_BOUND_MAX];
	uint64_t prev = 0, prev_in = 0;
	size_t n, used;
	char *hex;

	/* First bound: 1 + timestamp, no prefix. */
	memset(&b, 0, sizeof(b));
	b.ts = 5;
	n = tv_neg_bound_put(&b, &prev, buf);
	ASSERT_STR_EQ(hex = test_hex(buf, n), "0600");
	free(hex);
	ASSERT_EQ(tv_neg_bound_get(buf, n, &prev_in, &back, &used), 0);
	ASSERT_EQ(used, n);
	ASSERT(back.ts == 5 && back.id_len == 0);
	/* Same timestamp again: delta 0 is encoded 1; a 2-byte prefix. */
	b.id_len = 2;
	b.id[0] = 0xab;
	b.id[1] = 0xcd;
	n = tv_neg_bound_put(&b, &prev, buf);
	ASSERT_STR_EQ(hex = test_hex(buf, n), "0102abcd");
	free(hex);
	ASSERT_EQ(tv_neg_bound_get(buf, n, &prev_in, &back, &used), 0);
	ASSERT(back.ts == 5 && back.id_len == 2 && back.id[1] == 0xcd &&
	    back.id[2] == 0);
	/* Infinity is 0, whatever came before. */
	memset(&b, 0, sizeof(b));
	b.ts = TV_NEG_TS_INF;
	n = tv_neg_bound_put(&b, &prev, buf);
	ASSERT_STR_EQ(hex = test_hex(buf, n), "0000");
	free(hex);
	ASSERT_EQ(tv_neg_bound_get(buf, n, &prev_in, &back, &used), 0);
	ASSERT(back.ts == TV_NEG_TS_INF && prev_in == TV_NEG_TS_INF);
	/* Encoded 2^64-1 from 0 is 2^64-2, the largest finite timestamp. */
	{
		uint8_t *p = test_unhex("81ffffffffffffffff7f00", &n);
		prev_in = 0;
		ASSERT_EQ(tv_neg_bound_get(p, n, &prev_in, &back, &used), 0);
		ASSERT(back.ts == TV_NEG_TS_INF - 1);
		free(p);
	}
	/* A full 32-byte prefix and the largest finite timestamp. */
	prev = prev_in = 0;
	b.ts = TV_NEG_TS_INF - 1;
	b.id_len = TV_NEG_ID_LEN;
	memset(b.id, 0x77, sizeof(b.id));
	n = tv_neg_bound_put(&b, &prev, buf);
	ASSERT_EQ(n, TV_NEG_BOUND_MAX);
	ASSERT_EQ(tv_neg_bound_get(buf, n, &prev_in, &back, &used), 0);
	ASSERT(back.ts == TV_NEG_TS_INF - 1 && back.id_len == 32 &&
	    back.id[31] == 0x77);
}

TEST(bound_decoding_errors)
{
	static const struct {
		uint64_t prev;
		const char *hex;
	} bad[] = {
		{ 0, "" },
		{ 0, "05" },			/* no length */
		{ 0, "0521" },			/* prefix of 33 bytes */
		{ 0, "050200" },		/* prefix cut short */
		{ 0, "0581" },			/* length truncated */
		{ 1, "81ffffffffffffffff7f00" },	/* delta reaches inf */
		{ TV_NEG_TS_INF - 1, "0200" },	/* delta 1 reaches inf */
		{ TV_NEG_TS_INF, "0100" },	/* a delta after infinity */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tv_neg_bound b;
		uint64_t prev = bad[i].prev;
		size_t len, used;
		uint8_t *p = test_unhex(bad[i].hex, &len);
		if (tv_neg_bound_get(p, len, &prev, &b, &used) != TV_EMALFORMED)
			TEST_FAIL("bound %s accepted", bad[i].hex);
		free(p);
	}
}

TEST(bound_between)
{
	struct tv_neg_item a = { .ts = 10 }, b = { .ts = 11 };
	struct tv_neg_bound m;

	fill_id(a.id, 0x55);
	fill_id(b.id, 0x11);
	tv_neg_bound_between(&a, &b, &m);
	ASSERT(m.ts == 11 && m.id_len == 0);
	/* Same timestamp: common prefix plus one byte of the next id. */
	b.ts = 10;
	memcpy(b.id, a.id, sizeof(b.id));
	b.id[3] = 0x56;
	tv_neg_bound_between(&a, &b, &m);
	ASSERT(m.ts == 10 && m.id_len == 4);
	ASSERT_MEM_EQ(m.id, b.id, 4);
	for (size_t i = 4; i < TV_NEG_ID_LEN; i++)
		ASSERT_EQ(m.id[i], 0);
	/* a < m <= b as items. */
	struct tv_neg_item mi = { .ts = m.ts };
	memcpy(mi.id, m.id, sizeof(mi.id));
	ASSERT(tv_neg_item_cmp(&a, &mi) < 0 && tv_neg_item_cmp(&mi, &b) <= 0);
	/* Differing only in the last byte: a 32-byte prefix. */
	memcpy(b.id, a.id, sizeof(b.id));
	b.id[31] = 0x56;
	tv_neg_bound_between(&a, &b, &m);
	ASSERT_EQ(m.id_len, 32);
}

/* ---- Fingerprints ---- */

/* The definition, by hand: SHA-256(sum LE || varint(count))[0..16). */
static void
fp_by_hand(const uint8_t sum[32], const uint8_t *varint, size_t vlen,
    uint8_t out[16])
{
	uint8_t in[42], h[32];
	memcpy(in, sum, 32);
	memcpy(in + 32, varint, vlen);
	crypto_hash_sha256(h, in, 32 + vlen);
	memcpy(out, h, 16);
}

TEST(fingerprint_known_values)
{
	struct tv_neg_acc acc;
	uint8_t id[32], sum[32] = { 0 }, fp[16], want[16], *hex_want;
	size_t n;

	/* Empty: a zero sum and count 0. */
	tv_neg_acc_init(&acc);
	tv_neg_acc_fingerprint(&acc, fp);
	fp_by_hand(sum, (const uint8_t *)"\x00", 1, want);
	ASSERT_MEM_EQ(fp, want, 16);
	hex_want = test_unhex("7f9c9e31ac8256ca2f258583df262dbc", &n);
	ASSERT_MEM_EQ(fp, hex_want, 16);
	free(hex_want);

	/* ff..ff + 01 00..00 carries through all 32 bytes and wraps to 0. */
	fill_id(id, 0xff);
	tv_neg_acc_add(&acc, id);
	memset(id, 0, sizeof(id));
	id[0] = 1;
	tv_neg_acc_add(&acc, id);
	ASSERT_MEM_EQ(acc.sum, sum, 32);
	ASSERT(acc.count == 2);
	tv_neg_acc_fingerprint(&acc, fp);
	fp_by_hand(sum, (const uint8_t *)"\x02", 1, want);
	ASSERT_MEM_EQ(fp, want, 16);
	hex_want = test_unhex("58cc2f44d3a27866874701fbad573da9", &n);
	ASSERT_MEM_EQ(fp, hex_want, 16);
	free(hex_want);

	/* 300 ids (i mod 256, i / 256, 0...): a two-byte count varint. */
	tv_neg_acc_init(&acc);
	unsigned total = 0;
	for (unsigned i = 0; i < 300; i++) {
		memset(id, 0, sizeof(id));
		id[0] = (uint8_t)(i % 256);
		id[1] = (uint8_t)(i / 256);
		tv_neg_acc_add(&acc, id);
		total += i;
	}
	memset(sum, 0, sizeof(sum));
	sum[0] = (uint8_t)total;
	sum[1] = (uint8_t)(total >> 8);
	sum[2] = (uint8_t)(total >> 16);
	ASSERT_MEM_EQ(acc.sum, sum, 32);
	tv_neg_acc_fingerprint(&acc, fp);
	fp_by_hand(sum, (const uint8_t *)"\x82\x2c", 2, want);
	ASSERT_MEM_EQ(fp, want, 16);
	hex_want = test_unhex("7f3cca9f88c4d6afdcff1d338c02497d", &n);
	ASSERT_MEM_EQ(fp, hex_want, 16);
	free(hex_want);
}

TEST(accumulator_add_sub_merge)
{
	struct tv_neg_acc all, part, rest;
	uint8_t ids[200][32];

	tv_neg_acc_init(&all);
	tv_neg_acc_init(&part);
	for (size_t i = 0; i < 200; i++) {
		rng_id(ids[i]);
		if (i % 3 == 0)
			fill_id(ids[i], 0xff);	/* force carries */
		tv_neg_acc_add(&all, ids[i]);
		if (i < 80)
			tv_neg_acc_add(&part, ids[i]);
	}
	rest = all;
	tv_neg_acc_unmerge(&rest, &part);
	ASSERT(rest.count == 120);
	/* rest + part == all; removing ids one by one reaches zero. */
	tv_neg_acc_merge(&rest, &part);
	ASSERT_MEM_EQ(rest.sum, all.sum, 32);
	ASSERT(rest.count == all.count);
	for (size_t i = 0; i < 200; i++)
		tv_neg_acc_sub(&all, ids[i]);
	struct tv_neg_acc zero;
	tv_neg_acc_init(&zero);
	ASSERT_MEM_EQ(all.sum, zero.sum, 32);
	ASSERT(all.count == 0);
}

/* ---- Storage ---- */

TEST(vec_sorts_and_drops_duplicates)
{
	struct tv_neg_vec *v = vec_new();
	uint8_t id[32];

	fill_id(id, 2);
	vec_add(v, 7, id);
	vec_add(v, 7, id);		/* duplicate */
	fill_id(id, 1);
	vec_add(v, 7, id);		/* same time, smaller id */
	vec_add(v, 3, id);
	ASSERT(tv_neg_vec_item(v, 0) == NULL);	/* not sealed */
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	ASSERT_EQ(tv_neg_vec_size(v), 3);
	ASSERT(tv_neg_vec_item(v, 0)->ts == 3);
	ASSERT(tv_neg_vec_item(v, 1)->ts == 7 && tv_neg_vec_item(v, 1)->id[0] == 1);
	ASSERT(tv_neg_vec_item(v, 2)->ts == 7 && tv_neg_vec_item(v, 2)->id[0] == 2);
	ASSERT(tv_neg_vec_item(v, 3) == NULL);
	/*
	 * Infinity is not a timestamp; such records are clamped; inserting
	 * unseals.
	 */
	ASSERT_EQ(tv_neg_vec_insert(v, TV_NEG_TS_INF, id), TV_EINVAL);
	ASSERT(tv_neg_item_ts(UINT64_MAX) == UINT64_MAX - 1);
	ASSERT(tv_neg_item_ts(UINT64_MAX - 1) == UINT64_MAX - 1);
	ASSERT(tv_neg_item_ts(T0) == T0);
	ASSERT_EQ(tv_neg_vec_insert(v, tv_neg_item_ts(UINT64_MAX), id), 0);
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	ASSERT(tv_neg_vec_item(v, tv_neg_vec_size(v) - 1)->ts == TV_NEG_TS_MAX);
	vec_add(v, 1, id);
	struct tv_neg_storage st;
	struct tv_neg_item it;
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(st.ops->get(st.ctx, 0, &it), TV_EINVAL);
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	ASSERT_EQ(st.ops->get(st.ctx, 0, &it), 0);
	ASSERT(it.ts == 1);
	tv_neg_vec_free(v);
	tv_neg_vec_free(NULL);
}

TEST(api_misuse)
{
	struct tv_neg_vec *v = vec_new();
	struct tv_neg_storage st;
	struct tv_neg *n;
	const uint8_t *out;
	size_t len;

	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(tv_neg_new(&st, 4095, &n), TV_EINVAL);
	ASSERT(n == NULL);
	ASSERT_EQ(tv_neg_new(&st, 1, &n), TV_EINVAL);
	ASSERT_EQ(tv_neg_new(&st, TV_NEG_FRAME_MIN, &n), 0);
	/* Once it has answered as responder it cannot initiate. */
	ASSERT_EQ(tv_neg_reconcile(n, (const uint8_t *)"\x61", 1, &out, &len), 0);
	ASSERT_EQ(len, 1);
	ASSERT_EQ(out[0], TV_NEG_VERSION);
	ASSERT(!tv_neg_is_initiator(n));
	ASSERT_EQ(tv_neg_initiate(n, &out, &len), TV_EINVAL);
	tv_neg_free(n);
	tv_neg_free(NULL);
	tv_neg_vec_free(v);
}

/* ---- The first message ---- */

static char *
first_message_hex(size_t n_items, uint64_t ts_step)
{
	struct tv_neg_vec *v = vec_new();
	struct tv_neg_storage st;
	struct tv_neg *n;
	const uint8_t *msg;
	size_t len;
	uint8_t id[32];
	char *hex;

	for (size_t i = 0; i < n_items; i++) {
		fill_id(id, (uint8_t)(i + 1));
		vec_add(v, T0 + i * ts_step, id);
	}
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(tv_neg_new(&st, 0, &n), 0);
	ASSERT_EQ(tv_neg_initiate(n, &msg, &len), 0);
	ASSERT_EQ(tv_neg_msg_check(msg, len), 0);
	hex = test_hex(msg, len);
	tv_neg_free(n);
	tv_neg_vec_free(v);
	return hex;
}

TEST(first_message_shapes)
{
	char *hex;

	/* Empty set: one IdList of 0 ids up to infinity. */
	ASSERT_STR_EQ(hex = first_message_hex(0, 1), "6100000200");
	free(hex);
	/* One item: its id. */
	hex = first_message_hex(1, 1);
	ASSERT_EQ(strlen(hex), 2 * (5 + 32));
	ASSERT(strncmp(hex, "6100000201", 10) == 0);
	free(hex);
	/* 31 items: still one IdList (below 2 * 16). */
	hex = first_message_hex(31, 1);
	ASSERT_EQ(strlen(hex), 2 * (5 + 31 * 32));
	ASSERT(strncmp(hex, "610000021f", 10) == 0);
	free(hex);
	/*
	 * 32 items, one per µs: 16 Fingerprint ranges of 2 items. The first
	 * bound is item 2's timestamp (1 + T0 + 2), then deltas of 2 (03),
	 * the last is infinity (00 00).
	 */
	hex = first_message_hex(32, 1);
	ASSERT_EQ(strlen(hex), 2 * (1 + (9 + 1 + 16) + 14 * (3 + 16) +
	    (3 + 16)));
	ASSERT(strncmp(hex, "61" "8382c4c1c0f98003" "00" "01", 22) == 0);
	ASSERT(strncmp(hex + 2 + 2 * 26, "030001", 6) == 0);
	ASSERT(strncmp(hex + strlen(hex) - 2 * 19, "000001", 6) == 0);
	free(hex);
}

/* ---- Malformed input ---- */

static void
expect_rejected(const char *hex, int want)
{
	struct tv_neg_vec *v = vec_new();
	struct tv_neg_storage st;
	struct tv_neg *resp, *init;
	const uint8_t *out;
	size_t len, olen, n;
	uint8_t *msg = test_unhex(hex, &len), id[32];

	for (int i = 0; i < 40; i++) {
		fill_id(id, (uint8_t)i);
		vec_add(v, 10 + (uint64_t)i, id);
	}
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(tv_neg_msg_check(msg, len), want);
	ASSERT_EQ(tv_neg_new(&st, 0, &resp), 0);
	ASSERT_EQ(tv_neg_new(&st, TV_NEG_FRAME_MIN, &init), 0);
	ASSERT_EQ(tv_neg_initiate(init, &out, &olen), 0);
	olen = 12345;
	if (tv_neg_reconcile(resp, msg, len, &out, &olen) != want)
		TEST_FAIL("responder accepted %s", hex);
	if (tv_neg_reconcile(init, msg, len, &out, &olen) != want)
		TEST_FAIL("initiator accepted %s", hex);
	ASSERT_EQ(olen, 12345);		/* nothing written */
	(void)tv_neg_have(init, &n);
	ASSERT_EQ(n, 0);
	/* Both go on working. */
	ASSERT_EQ(tv_neg_reconcile(resp, (const uint8_t *)"\x61", 1, &out,
	    &olen), 0);
	ASSERT_EQ(olen, 1);
	ASSERT_EQ(tv_neg_reconcile(init, (const uint8_t *)"\x61", 1, &out,
	    &olen), 0);
	ASSERT_EQ(olen, 0);
	tv_neg_free(resp);
	tv_neg_free(init);
	tv_neg_vec_free(v);
	free(msg);
}

TEST(malformed_messages)
{
	static const char *bad[] = {
		"",				/* no version byte */
		"00",				/* not a Negentropy message */
		"ff",
		"6181",				/* truncated timestamp */
		"618000" "0000",		/* padded varint */
		"6105",				/* bound without length */
		"61052100",			/* prefix longer than 32 */
		"610502aa",			/* prefix cut short */
		"610500",			/* no mode */
		"61050003",			/* mode 3 (deprecated) */
		"61050004",			/* mode 4 */
		"610500ff7f",			/* a large unknown mode */
		"61050001" "00112233445566778899aabbccddee",	/* fp 15 bytes */
		"6105000202" "0000000000000000000000000000000000000000000000000000000000000000",
						/* 2 ids announced, 1 sent */
		"6105000281808080808080808000",	/* 2^63 ids: no allocation */
		"6105000281",			/* count truncated */
		"610501aa00" "010100" "00",	/* second bound below the first */
		"61000000000000",		/* a range after infinity */
		"61000000010000",		/* delta after infinity */
		"6181ffffffffffffffff7f0000" "020000",	/* delta reaches inf */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_rejected(bad[i], TV_EMALFORMED);
}

TEST(bounds_must_ascend)
{
	/* (ts 5, aa) then (ts 5, a9): the second is below the first. */
	expect_rejected("61" "0601aa00" "0101a900", TV_EMALFORMED);
	/* Equal bounds are an empty range: allowed. */
	struct tv_neg_vec *v = vec_new();
	struct tv_neg_storage st;
	struct tv_neg *n;
	const uint8_t *out;
	size_t len, olen;
	uint8_t *msg = test_unhex("61" "0601aa00" "0101aa00" "0000020100"
	    "00000000000000000000000000000000000000000000000000000000000000",
	    &len);
	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(tv_neg_new(&st, 0, &n), 0);
	ASSERT_EQ(tv_neg_reconcile(n, msg, len, &out, &olen), 0);
	/* The list's one id is news to us: the answer is a Skip to (5, aa)
	 * and an IdList of no common id to infinity; the initiator will
	 * send the record. */
	ASSERT_EQ(olen, 9);
	ASSERT_MEM_EQ(out, "\x61\x06\x01\xaa\x00" "\x00\x00\x02\x00", 9);
	(void)tv_neg_need(n, &olen);
	ASSERT_EQ(olen, 0);
	tv_neg_free(n);
	tv_neg_vec_free(v);
	free(msg);
}

TEST(version_byte)
{
	/* Another Negentropy version: TV_EVERSION on both sides. */
	expect_rejected("62", TV_EVERSION);
	expect_rejected("60", TV_EVERSION);
	expect_rejected("6f0000020000", TV_EVERSION);
	/* Not a Negentropy message at all. */
	expect_rejected("70", TV_EMALFORMED);
	expect_rejected("41", TV_EMALFORMED);
}

TEST(duplicate_ids_in_idlist_count_once)
{
	struct tv_neg_vec *v = vec_new();
	struct tv_neg_storage st;
	struct tv_neg *n;
	const uint8_t *out, *p;
	size_t len, olen, cnt;
	char hex[2 * (5 + 3 * 32) + 1];
	uint8_t *msg;

	ASSERT_EQ(tv_neg_vec_seal(v), 0);
	tv_neg_vec_storage(v, &st);
	ASSERT_EQ(tv_neg_new(&st, 0, &n), 0);
	ASSERT_EQ(tv_neg_initiate(n, &out, &olen), 0);
	strcpy(hex, "6100000203");
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 32; j++)
			strcat(hex, i == 1 ? "bb" : "aa");
	msg = test_unhex(hex, &len);
	ASSERT_EQ(tv_neg_reconcile(n, msg, len, &out, &olen), 0);
	ASSERT_EQ(olen, 0);
	p = tv_neg_need(n, &cnt);
	ASSERT_EQ(cnt, 2);
	ASSERT(p[0] == 0xaa && p[32] == 0xbb);
	tv_neg_free(n);
	tv_neg_vec_free(v);
	free(msg);
}

/* A storage that fails on the nth get. */
struct failing {
	struct tv_neg_storage inner;
	int calls_left;
};

static size_t
failing_size(void *ctx)
{
	struct failing *f = ctx;
	return f->inner.ops->size(f->inner.ctx);
}

static int
failing_get(void *ctx, size_t i, struct tv_neg_item *out)
{
	struct failing *f = ctx;
	if (f->calls_left-- <= 0)
		return -5;	/* -EIO */
	return f->inner.ops->get(f->inner.ctx, i, out);
}

TEST(storage_errors_pass_through)
{
	static const struct tv_neg_storage_ops ops = {
		.size = failing_size,
		.get = failing_get,
	};
	struct tv_neg_vec *a, *b;
	struct tv_neg_storage sa, sb, sf = { &ops, NULL };
	struct failing f;
	struct tv_neg *ni, *nr;
	const uint8_t *msg, *reply;
	size_t len, rlen;
	int failures = 0;

	make_sets(ONE_PCT, 500, &a, &b);
	ASSERT_EQ(tv_neg_vec_seal(a), 0);
	ASSERT_EQ(tv_neg_vec_seal(b), 0);
	tv_neg_vec_storage(a, &sa);
	tv_neg_vec_storage(b, &sb);
	sf.ctx = &f;
	f.inner = sb;
	/* Fail at every point in the responder's first answer. */
	for (int k = 0; ; k++) {
		ASSERT_EQ(tv_neg_new(&sa, 0, &ni), 0);
		ASSERT_EQ(tv_neg_new(&sf, 0, &nr), 0);
		ASSERT_EQ(tv_neg_initiate(ni, &msg, &len), 0);
		f.calls_left = k;
		rlen = 777;
		int rc = tv_neg_reconcile(nr, msg, len, &reply, &rlen);
		tv_neg_free(ni);
		tv_neg_free(nr);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, -5);
		ASSERT_EQ(rlen, 777);
		failures++;
	}
	ASSERT(failures > 100);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

/* ---- Sync runs ---- */

TEST(sync_empty_sets)
{
	struct run r = { 0 };
	sync_case("0 vs 0", IDENTICAL, 0, 0, 0, &r);
	ASSERT_EQ(r.rounds, 1);
	ASSERT_EQ(r.bytes_i, 5);
	ASSERT_EQ(r.bytes_r, 5);
	run_free(&r);
}

TEST(sync_one_item)
{
	struct run r = { 0 };
	struct tv_neg_vec *a, *b;

	sync_case("1 identical", IDENTICAL, 1, 0, 0, &r);
	ASSERT_EQ(r.rounds, 1);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("1 vs 1 disjoint", DISJOINT, 1, 0, 0, &r);
	ASSERT_EQ(r.rounds, 1);
	ASSERT_EQ(r.diffs, 2);
	run_free(&r);
	/* One side empty, both ways. */
	for (int way = 0; way < 2; way++) {
		a = vec_new();
		b = vec_new();
		vec_add_random(way ? b : a, T0);
		memset(&r, 0, sizeof(r));
		run_sync(a, b, &r);
		report(way ? "0 vs 1" : "1 vs 0", &r);
		ASSERT_EQ(r.rounds, 1);
		ASSERT_EQ(r.diffs, 1);
		run_free(&r);
		tv_neg_vec_free(a);
		tv_neg_vec_free(b);
	}
}

TEST(sync_1000)
{
	struct run r = { 0 };

	sync_case("1000 identical", IDENTICAL, 1000, 0, 0, &r);
	ASSERT_EQ(r.rounds, 1);
	ASSERT_EQ(r.bytes_r, 1);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("1000 disjoint", DISJOINT, 1000, 0, 0, &r);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("1000, 1% random", ONE_PCT, 1000, 0, 0, &r);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("1000 + 10 newest", CLUSTERED, 1000, 0, 0, &r);
	run_free(&r);
}

TEST(sync_100k_identical)
{
	struct run r = { 0 };

	sync_case("100000 identical", IDENTICAL, 100000, 0, 0, &r);
	/* DESIGN.md: one round trip and a few hundred bytes. */
	ASSERT_EQ(r.rounds, 1);
	ASSERT_EQ(r.msgs, 2);
	ASSERT_EQ(r.bytes_r, 1);
	ASSERT(r.bytes_i + r.bytes_r <= 400);
	run_free(&r);
}

TEST(sync_100k_disjoint)
{
	struct run r = { 0 };
	sync_case("100000 disjoint", DISJOINT, 100000, 0, 0, &r);
	run_free(&r);
}

TEST(sync_100k_one_percent)
{
	struct run r = { 0 };
	sync_case("100000, 1% random", ONE_PCT, 100000, 0, 0, &r);
	run_free(&r);
}

TEST(sync_100k_clustered)
{
	struct run r = { 0 };
	struct tv_neg_vec *a, *b;

	/* 1,000 new items at the end: about one id per difference. */
	sync_case("100000 + 1000 newest (resp.)", CLUSTERED, 100000, 0, 0, &r);
	ASSERT_EQ(r.diffs, 1000);
	ASSERT((r.bytes_i + r.bytes_r) / r.diffs <= 40);
	run_free(&r);
	/* The same with the initiator holding the new items. */
	make_sets(CLUSTERED, 100000, &a, &b);
	memset(&r, 0, sizeof(r));
	run_sync(b, a, &r);
	report("100000 + 1000 newest (init.)", &r);
	ASSERT((r.bytes_i + r.bytes_r) / r.diffs <= 40);
	run_free(&r);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

TEST(sync_same_timestamp)
{
	struct tv_neg_vec *a = vec_new(), *b = vec_new();
	struct run r = { 0 };
	uint8_t id[32];

	/* Every item at one µs: bounds need id prefixes. */
	for (int i = 0; i < 5000; i++) {
		rng_id(id);
		if (i % 3 == 0)
			id[0] = id[1] = id[2] = 0x42;	/* long common prefixes */
		if (i % 50 != 0)
			vec_add(a, T0, id);
		if (i % 70 != 0)
			vec_add(b, T0, id);
	}
	run_sync(a, b, &r);
	report("5000 at one timestamp", &r);
	run_free(&r);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

TEST(sync_extreme_timestamps)
{
	struct tv_neg_vec *a = vec_new(), *b = vec_new();
	struct run r = { 0 };
	uint8_t id[32];

	/* Items at 0, 1, ... and at the top, next to infinity. */
	for (int i = 0; i < 400; i++) {
		uint64_t ts = i % 2 ? TV_NEG_TS_MAX - (uint64_t)(i % 7) :
		    (uint64_t)(i % 5);
		rng_id(id);
		if (i % 9 != 0)
			vec_add(a, ts, id);
		if (i % 11 != 0)
			vec_add(b, ts, id);
	}
	run_sync(a, b, &r);
	report("400 at 0..4 and 2^64-8..2^64-2", &r);
	run_free(&r);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

TEST(sync_plain_storage_same_bytes)
{
	struct tv_neg_vec *a, *b;
	struct run r1 = { 0 }, r2 = { 0 };
	uint64_t seed = rng_state;

	/* Without lower_bound and sum the reconciler falls back on get. */
	make_sets(ONE_PCT, 5000, &a, &b);
	run_sync(a, b, &r1);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
	rng_state = seed;
	make_sets(ONE_PCT, 5000, &a, &b);
	r2.plain_storage = true;
	run_sync(a, b, &r2);
	ASSERT_EQ(r1.bytes_i, r2.bytes_i);
	ASSERT_EQ(r1.bytes_r, r2.bytes_r);
	ASSERT_EQ(r1.rounds, r2.rounds);
	run_free(&r1);
	run_free(&r2);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

/* ---- Frame size limits ---- */

TEST(limit_1000_disjoint)
{
	struct run r = { 0 };
	sync_case("4096: 1000 disjoint", DISJOINT, 1000, 4096, 4096, &r);
	ASSERT(r.rounds > 2);
	ASSERT(r.max_msg <= 4096);
	run_free(&r);
}

TEST(limit_10k_one_percent)
{
	struct run r = { 0 };
	uint64_t seed = rng_state;
	sync_case("4096: 10000, 1% random", ONE_PCT, 10000, 4096, 4096, &r);
	ASSERT(r.rounds > 2);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	rng_state = seed;
	sync_case("(same without limit)", ONE_PCT, 10000, 0, 0, &r);
	run_free(&r);
}

TEST(limit_100k_clustered)
{
	struct run r = { 0 };
	sync_case("4096: 100000 + 1000 newest", CLUSTERED, 100000, 4096,
	    4096, &r);
	ASSERT(r.rounds > 2);
	run_free(&r);
}

TEST(limit_one_side_empty)
{
	struct tv_neg_vec *a = vec_new(), *b = vec_new();
	struct run r = { 0 };

	for (int i = 0; i < 10000; i++)
		vec_add_random(b, rand_ts());
	/* The responder holds everything: its IdLists are cut to fit. */
	r.limit_i = r.limit_r = 4096;
	run_sync(a, b, &r);
	report("4096: 0 vs 10000", &r);
	/* Too many to push at first: the lists are cut to fit, many rounds. */
	ASSERT(r.rounds > 20);
	ASSERT(r.pushed <= r.rounds * TV_NEG_PUSH_MAX);
	run_free(&r);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);

	a = vec_new();
	b = vec_new();
	for (int i = 0; i < 10000; i++)
		vec_add_random(a, rand_ts());
	memset(&r, 0, sizeof(r));
	r.limit_i = r.limit_r = 4096;
	run_sync(a, b, &r);
	report("4096: 10000 vs 0", &r);
	run_free(&r);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

TEST(limit_on_one_side_only)
{
	struct run r = { 0 };

	sync_case("4096 initiator only: 10000 disj.", DISJOINT, 10000, 4096,
	    0, &r);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("4096 responder only: 10000 disj.", DISJOINT, 10000, 0,
	    4096, &r);
	ASSERT(r.rounds > 2);
	run_free(&r);
	memset(&r, 0, sizeof(r));
	sync_case("65535: 100000 disjoint", DISJOINT, 100000, 65535, 65535,
	    &r);
	run_free(&r);
}

/* ---- The example in PROTOCOL.md §11.10 ---- */

/*
 * The example sets: 40 items one second apart with ids 01..01 to 28..28;
 * the initiator lacks item 7 (id 08..08) and has an extra item at
 * T0 + 20.5 s (id ee..ee) that the responder lacks.
 */
static void
example_sets(struct tv_neg_vec **out_a, struct tv_neg_vec **out_b)
{
	struct tv_neg_vec *a = vec_new(), *b = vec_new();
	uint8_t id[32];

	for (int i = 0; i < 40; i++) {
		fill_id(id, (uint8_t)(i + 1));
		if (i != 7)
			vec_add(a, T0 + (uint64_t)i * 1000000, id);
		vec_add(b, T0 + (uint64_t)i * 1000000, id);
	}
	fill_id(id, 0xee);
	vec_add(a, T0 + 20500000, id);
	ASSERT_EQ(tv_neg_vec_seal(a), 0);
	ASSERT_EQ(tv_neg_vec_seal(b), 0);
	*out_a = a;
	*out_b = b;
}

/* Compares the "```hex negentropy" blocks of path, in order, with msgs. */
static int
check_md_blocks(const char *path, char **msgs, size_t nmsgs)
{
	size_t len, n = 0;
	char *text = (char *)test_read_file(path, &len), *p, *end;

	if (text == NULL)
		return -1;
	for (p = text; (p = strstr(p, "```hex negentropy\n")) != NULL; p = end) {
		p += strlen("```hex negentropy\n");
		end = strstr(p, "```");
		ASSERT(end != NULL);
		*end++ = '\0';
		size_t blen;
		uint8_t *bytes = test_unhex(p, &blen);
		ASSERT(bytes != NULL);
		char *hex = test_hex(bytes, blen);
		ASSERT(n < nmsgs);
		if (strcmp(hex, msgs[n]) != 0)
			TEST_FAIL("%s: negentropy block %zu is\n%s\nbut the "
			    "code gives\n%s", path, n + 1, hex, msgs[n]);
		free(hex);
		free(bytes);
		n++;
	}
	free(text);
	if (n > 0)
		ASSERT_EQ(n, nmsgs);
	return (int)n;
}

TEST(protocol_md_example)
{
	struct tv_neg_vec *a, *b;
	struct tv_neg_storage sa, sb;
	struct tv_neg *ni, *nr;
	const uint8_t *msg, *p;
	size_t len, n;
	char *msgs[8];
	size_t nmsgs = 0;

	example_sets(&a, &b);
	tv_neg_vec_storage(a, &sa);
	tv_neg_vec_storage(b, &sb);
	ASSERT_EQ(tv_neg_new(&sa, 0, &ni), 0);
	ASSERT_EQ(tv_neg_new(&sb, 0, &nr), 0);
	ASSERT_EQ(tv_neg_initiate(ni, &msg, &len), 0);
	while (len > 0) {
		ASSERT(nmsgs + 2 <= 8);
		msgs[nmsgs++] = test_hex(msg, len);
		ASSERT_EQ(tv_neg_reconcile(nr, msg, len, &msg, &len), 0);
		msgs[nmsgs++] = test_hex(msg, len);
		ASSERT_EQ(tv_neg_reconcile(ni, msg, len, &msg, &len), 0);
		if (len == 0) {
			p = tv_neg_have(ni, &n);
			ASSERT(n == 1 && p[0] == 0xee);
			p = tv_neg_need(ni, &n);
			ASSERT(n == 1 && p[0] == 0x08);
		}
	}
	if (getenv("TVAERS_PRINT_EXAMPLE") != NULL)
		for (size_t i = 0; i < nmsgs; i++)
			printf("message %zu (%zu bytes):\n%s\n", i + 1,
			    strlen(msgs[i]) / 2, msgs[i]);
	/* The example in PROTOCOL.md must be exactly what the code says. */
	int in_md = check_md_blocks(TVAERS_SOURCE_DIR "/PROTOCOL.md", msgs,
	    nmsgs);
	ASSERT(in_md > 0);
	printf("  example: %zu messages, checked against PROTOCOL.md\n",
	    nmsgs);
	for (size_t i = 0; i < nmsgs; i++)
		free(msgs[i]);
	tv_neg_free(ni);
	tv_neg_free(nr);
	tv_neg_vec_free(a);
	tv_neg_vec_free(b);
}

TEST_MAIN(varint_encoding, varint_decoding_errors, bound_encoding,
    bound_decoding_errors, bound_between, fingerprint_known_values,
    accumulator_add_sub_merge, vec_sorts_and_drops_duplicates, api_misuse,
    first_message_shapes, malformed_messages, bounds_must_ascend,
    version_byte, duplicate_ids_in_idlist_count_once,
    storage_errors_pass_through, sync_empty_sets, sync_one_item, sync_1000,
    sync_100k_identical, sync_100k_disjoint, sync_100k_one_percent,
    sync_100k_clustered, sync_same_timestamp, sync_extreme_timestamps,
    sync_plain_storage_same_bytes,
    limit_1000_disjoint, limit_10k_one_percent, limit_100k_clustered,
    limit_one_side_empty, limit_on_one_side_only, protocol_md_example)
