/*
 * Negentropy v1 reconciliation (PROTOCOL.md §11), written from the
 * protocol description; see negentropy.h for the API.
 *
 * A reconciler keeps no state between messages apart from its role and
 * its buffers: every message carries its own bounds, and each call looks
 * the bounds up in the storage again. Incoming messages are checked whole
 * before any of them is acted on, so a bad message changes nothing.
 */
#include "negentropy.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"

/*
 * Room kept free in every message for closing it early: one pending Skip
 * range (bound + mode) and one Fingerprint range to infinity (bound 00 00,
 * mode, 16 bytes). See §11.8.
 */
#define CLOSE_SKIP_MAX (TV_NEG_BOUND_MAX + 1)
#define CLOSE_FP_LEN (2 + 1 + TV_NEG_FP_LEN)
#define CLOSE_MAX (CLOSE_SKIP_MAX + CLOSE_FP_LEN)

enum role {
	ROLE_NONE,
	ROLE_INITIATOR,
	ROLE_RESPONDER,
};

/* A growable byte buffer; len never exceeds cap. */
struct buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

struct tv_neg {
	struct tv_neg_storage st;
	size_t frame_limit;	/* 0: none */
	enum role role;
	struct buf out;		/* the reply being built */
	uint64_t out_ts;	/* last timestamp encoded in out (§11.3) */
	struct buf have;	/* ids, TV_NEG_ID_LEN each */
	struct buf need;
	struct buf theirs;	/* scratch: a received IdList, sorted */
	struct buf found;	/* scratch: one flag per id in theirs */
};

struct tv_neg_vec {
	struct tv_neg_item *items;
	size_t n;
	size_t cap;
	uint8_t *prefix;	/* (n + 1) sums of TV_NEG_ID_LEN bytes */
	bool is_sealed;
};

/* ---- Buffers ---- */

static int
buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		return TV_ENOMEM;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return TV_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
buf_put(struct buf *b, const void *p, size_t n)
{
	int rc;

	if ((rc = buf_reserve(b, n)) != 0)
		return rc;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- Little-endian 256-bit arithmetic ---- */

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * PROTOCOL.md §11.6: ids are added as 256-bit little-endian integers mod 2^256.
 */
static void
sum_add(uint8_t acc[static TV_NEG_ID_LEN],
    const uint8_t x[static TV_NEG_ID_LEN])
{
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t a = load_le64(acc + 8 * i), b = load_le64(x + 8 * i);
		uint64_t s = a + b;
		uint64_t c1 = s < a;
		uint64_t t = s + carry;
		uint64_t c2 = t < s;
		store_le64(acc + 8 * i, t);
		carry = c1 | c2;
	}
}

static void
sum_sub(uint8_t acc[static TV_NEG_ID_LEN],
    const uint8_t x[static TV_NEG_ID_LEN])
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t a = load_le64(acc + 8 * i), b = load_le64(x + 8 * i);
		uint64_t d = a - b;
		uint64_t b1 = a < b;
		uint64_t t = d - borrow;
		uint64_t b2 = d < borrow;
		store_le64(acc + 8 * i, t);
		borrow = b1 | b2;
	}
}

void
tv_neg_acc_init(struct tv_neg_acc *acc)
{
	memset(acc, 0, sizeof(*acc));
}

void
tv_neg_acc_add(struct tv_neg_acc *acc, const uint8_t id[static TV_NEG_ID_LEN])
{
	sum_add(acc->sum, id);
	acc->count++;
}

void
tv_neg_acc_sub(struct tv_neg_acc *acc, const uint8_t id[static TV_NEG_ID_LEN])
{
	sum_sub(acc->sum, id);
	acc->count--;
}

void
tv_neg_acc_merge(struct tv_neg_acc *acc, const struct tv_neg_acc *other)
{
	sum_add(acc->sum, other->sum);
	acc->count += other->count;
}

void
tv_neg_acc_unmerge(struct tv_neg_acc *acc, const struct tv_neg_acc *other)
{
	sum_sub(acc->sum, other->sum);
	acc->count -= other->count;
}

void
tv_neg_acc_fingerprint(const struct tv_neg_acc *acc,
    uint8_t out[static TV_NEG_FP_LEN])
{
	/* PROTOCOL.md §11.6: SHA-256(sum || varint(count)), first 16 bytes. */
	uint8_t in[TV_NEG_ID_LEN + TV_NEG_VARINT_MAX];
	uint8_t h[crypto_hash_sha256_BYTES];
	size_t n;

	memcpy(in, acc->sum, TV_NEG_ID_LEN);
	n = tv_neg_varint_put(acc->count, in + TV_NEG_ID_LEN);
	crypto_hash_sha256(h, in, TV_NEG_ID_LEN + n);
	memcpy(out, h, TV_NEG_FP_LEN);
}

/* ---- Items, bounds, varints ---- */

uint64_t
tv_neg_item_ts(uint64_t record_ts)
{
	/*
	 * PROTOCOL.md §11.1: 2^64-1 is infinity, so such a record uses 2^64-2.
	 */
	return record_ts < TV_NEG_TS_MAX ? record_ts : TV_NEG_TS_MAX;
}

int
tv_neg_item_cmp(const struct tv_neg_item *a, const struct tv_neg_item *b)
{
	/* PROTOCOL.md §11.1: by timestamp, then id bytewise. */
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return memcmp(a->id, b->id, TV_NEG_ID_LEN);
}

static int
bound_cmp(const struct tv_neg_bound *a, const struct tv_neg_bound *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return memcmp(a->id, b->id, TV_NEG_ID_LEN);
}

static void
bound_item(const struct tv_neg_bound *b, struct tv_neg_item *out)
{
	out->ts = b->ts;
	memcpy(out->id, b->id, TV_NEG_ID_LEN);
}

static void
bound_inf(struct tv_neg_bound *b)
{
	memset(b, 0, sizeof(*b));
	b->ts = TV_NEG_TS_INF;
}

void
tv_neg_bound_between(const struct tv_neg_item *prev,
    const struct tv_neg_item *next, struct tv_neg_bound *out)
{
	size_t common = 0;

	/*
	 * PROTOCOL.md §11.3: the shortest prefix that separates next from prev.
	 */
	memset(out, 0, sizeof(*out));
	out->ts = next->ts;
	if (prev->ts != next->ts)
		return;
	while (common < TV_NEG_ID_LEN && prev->id[common] == next->id[common])
		common++;
	out->id_len = (uint8_t)(common < TV_NEG_ID_LEN ? common + 1 : common);
	memcpy(out->id, next->id, out->id_len);
}

size_t
tv_neg_varint_put(uint64_t v, uint8_t out[static TV_NEG_VARINT_MAX])
{
	uint8_t digits[TV_NEG_VARINT_MAX];
	size_t n = 0;

	/* PROTOCOL.md §11.2: base 128, most significant digit first. */
	do {
		digits[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(digits[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
	return n;
}

int
tv_neg_varint_get(const uint8_t *p, size_t len, uint64_t *out_v,
    size_t *out_used)
{
	uint64_t v = 0;

	/* PROTOCOL.md §11.2: a leading zero digit is not the shortest form. */
	if (len > 0 && p[0] == 0x80)
		return TV_EMALFORMED;
	for (size_t i = 0; i < len; i++) {
		if (v > (UINT64_MAX >> 7))
			return TV_EMALFORMED;
		v = (v << 7) | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0) {
			*out_v = v;
			*out_used = i + 1;
			return 0;
		}
	}
	return TV_EMALFORMED;
}

size_t
tv_neg_bound_put(const struct tv_neg_bound *b, uint64_t *prev_ts,
    uint8_t out[static TV_NEG_BOUND_MAX])
{
	size_t n;

	/* PROTOCOL.md §11.3: infinity is 0, others 1 + delta from the last. */
	if (b->ts == TV_NEG_TS_INF) {
		n = tv_neg_varint_put(0, out);
		*prev_ts = TV_NEG_TS_INF;
	} else {
		n = tv_neg_varint_put(b->ts - *prev_ts + 1, out);
		*prev_ts = b->ts;
	}
	n += tv_neg_varint_put(b->id_len, out + n);
	memcpy(out + n, b->id, b->id_len);
	return n + b->id_len;
}

int
tv_neg_bound_get(const uint8_t *p, size_t len, uint64_t *prev_ts,
    struct tv_neg_bound *out, size_t *out_used)
{
	uint64_t enc, id_len;
	size_t used, n;

	memset(out, 0, sizeof(*out));
	if (tv_neg_varint_get(p, len, &enc, &used) != 0)
		return TV_EMALFORMED;
	if (enc == 0) {
		out->ts = TV_NEG_TS_INF;
	} else {
		/* PROTOCOL.md §11.3: a delta may not reach or pass infinity. */
		if (*prev_ts == TV_NEG_TS_INF ||
		    enc - 1 >= TV_NEG_TS_INF - *prev_ts)
			return TV_EMALFORMED;
		out->ts = *prev_ts + (enc - 1);
	}
	if (tv_neg_varint_get(p + used, len - used, &id_len, &n) != 0)
		return TV_EMALFORMED;
	used += n;
	/* PROTOCOL.md §11.3: a prefix is at most 32 bytes. */
	if (id_len > TV_NEG_ID_LEN || id_len > len - used)
		return TV_EMALFORMED;
	out->id_len = (uint8_t)id_len;
	memcpy(out->id, p + used, (size_t)id_len);
	*prev_ts = out->ts;
	*out_used = used + (size_t)id_len;
	return 0;
}

/*
 * Reads one range at *pos: its bound, mode and payload. For an IdList,
 * *out_ids points at *out_nids ids inside msg. Checks everything §11.4 and
 * §11.5 ask except the version byte.
 */
static int
range_get(const uint8_t *msg, size_t len, size_t *pos, uint64_t *prev_ts,
    struct tv_neg_bound *prev, struct tv_neg_bound *out_bound,
    uint64_t *out_mode, const uint8_t **out_payload, uint64_t *out_nids)
{
	size_t used;
	uint64_t mode, nids = 0;
	int rc;

	/* PROTOCOL.md §11.5: nothing follows a range that ends at infinity. */
	if (prev->ts == TV_NEG_TS_INF)
		return TV_EMALFORMED;
	rc = tv_neg_bound_get(msg + *pos, len - *pos, prev_ts, out_bound,
	    &used);
	if (rc != 0)
		return rc;
	*pos += used;
	/* PROTOCOL.md §11.5: upper bounds never go down. */
	if (bound_cmp(out_bound, prev) < 0)
		return TV_EMALFORMED;
	if (tv_neg_varint_get(msg + *pos, len - *pos, &mode, &used) != 0)
		return TV_EMALFORMED;
	*pos += used;
	switch (mode) {
	case TV_NEG_SKIP:
		break;
	case TV_NEG_FINGERPRINT:
		if (len - *pos < TV_NEG_FP_LEN)
			return TV_EMALFORMED;
		*out_payload = msg + *pos;
		*pos += TV_NEG_FP_LEN;
		break;
	case TV_NEG_IDLIST:
		if (tv_neg_varint_get(msg + *pos, len - *pos, &nids,
		    &used) != 0)
			return TV_EMALFORMED;
		*pos += used;
		/* PROTOCOL.md §11.4: the count must fit in what is left. */
		if (nids > (len - *pos) / TV_NEG_ID_LEN)
			return TV_EMALFORMED;
		*out_payload = msg + *pos;
		*pos += (size_t)nids * TV_NEG_ID_LEN;
		break;
	default:
		/*
		 * PROTOCOL.md §11.4: mode 3 (deprecated) and others are errors.
		 */
		return TV_EMALFORMED;
	}
	*out_mode = mode;
	*out_nids = nids;
	*prev = *out_bound;
	return 0;
}

static int
version_check(const uint8_t *msg, size_t len)
{
	if (len == 0)
		return TV_EMALFORMED;
	/*
	 * PROTOCOL.md §11.9: 0x60..0x6f are Negentropy versions; we speak 0x61.
	 */
	if (msg[0] != TV_NEG_VERSION)
		return (msg[0] & 0xf0) == 0x60 ? TV_EVERSION : TV_EMALFORMED;
	return 0;
}

int
tv_neg_msg_check(const uint8_t *msg, size_t len)
{
	struct tv_neg_bound prev, cur;
	uint64_t prev_ts = 0, mode, nids;
	const uint8_t *payload;
	size_t pos = 1;
	int rc;

	if ((rc = version_check(msg, len)) != 0)
		return rc;
	memset(&prev, 0, sizeof(prev));
	while (pos < len) {
		rc = range_get(msg, len, &pos, &prev_ts, &prev, &cur, &mode,
		    &payload, &nids);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- Storage access ---- */

static int
st_get(const struct tv_neg *n, size_t i, struct tv_neg_item *out)
{
	return n->st.ops->get(n->st.ctx, i, out);
}

static int
st_lower_bound(const struct tv_neg *n, size_t lo, size_t hi,
    const struct tv_neg_bound *b, size_t *out_i)
{
	struct tv_neg_item key, it;
	int rc;

	if (b->ts == TV_NEG_TS_INF) {
		*out_i = hi;
		return 0;
	}
	bound_item(b, &key);
	if (n->st.ops->lower_bound != NULL)
		return n->st.ops->lower_bound(n->st.ctx, lo, hi, &key, out_i);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((rc = st_get(n, mid, &it)) != 0)
			return rc;
		if (tv_neg_item_cmp(&it, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out_i = lo;
	return 0;
}

static int
st_fingerprint(const struct tv_neg *n, size_t lo, size_t hi,
    uint8_t out[static TV_NEG_FP_LEN])
{
	struct tv_neg_acc acc;
	struct tv_neg_item it;
	int rc;

	if (n->st.ops->sum != NULL) {
		if ((rc = n->st.ops->sum(n->st.ctx, lo, hi, &acc)) != 0)
			return rc;
	} else {
		tv_neg_acc_init(&acc);
		for (size_t i = lo; i < hi; i++) {
			if ((rc = st_get(n, i, &it)) != 0)
				return rc;
			tv_neg_acc_add(&acc, it.id);
		}
	}
	tv_neg_acc_fingerprint(&acc, out);
	return 0;
}

/* ---- Message writing ---- */

static int
out_bound(struct tv_neg *n, const struct tv_neg_bound *b)
{
	uint8_t tmp[TV_NEG_BOUND_MAX];

	return buf_put(&n->out, tmp, tv_neg_bound_put(b, &n->out_ts, tmp));
}

static int
out_varint(struct tv_neg *n, uint64_t v)
{
	uint8_t tmp[TV_NEG_VARINT_MAX];

	return buf_put(&n->out, tmp, tv_neg_varint_put(v, tmp));
}

/* Writes a range with bound b and mode, and no payload yet. */
static int
out_range(struct tv_neg *n, const struct tv_neg_bound *b, uint64_t mode)
{
	int rc;

	if ((rc = out_bound(n, b)) != 0)
		return rc;
	return out_varint(n, mode);
}

/* Writes an IdList range with the ids of items [lo, hi). */
static int
out_idlist(struct tv_neg *n, const struct tv_neg_bound *b, size_t lo,
    size_t hi)
{
	struct tv_neg_item it;
	int rc;

	if ((rc = out_range(n, b, TV_NEG_IDLIST)) != 0 ||
	    (rc = out_varint(n, hi - lo)) != 0 ||
	    (rc = buf_reserve(&n->out, (hi - lo) * TV_NEG_ID_LEN)) != 0)
		return rc;
	for (size_t i = lo; i < hi; i++) {
		if ((rc = st_get(n, i, &it)) != 0)
			return rc;
		if ((rc = buf_put(&n->out, it.id, TV_NEG_ID_LEN)) != 0)
			return rc;
	}
	return 0;
}

static int
out_fingerprint(struct tv_neg *n, const struct tv_neg_bound *b, size_t lo,
    size_t hi)
{
	uint8_t fp[TV_NEG_FP_LEN];
	int rc;

	if ((rc = st_fingerprint(n, lo, hi, fp)) != 0 ||
	    (rc = out_range(n, b, TV_NEG_FINGERPRINT)) != 0)
		return rc;
	return buf_put(&n->out, fp, sizeof(fp));
}

/*
 * PROTOCOL.md §11.7: answers a range [lo, hi) whose upper bound is ub:
 * fewer than 32 items go as one IdList, more as 16 Fingerprint ranges of
 * (almost) equal item counts, the first n % 16 one item larger.
 */
static int
out_split(struct tv_neg *n, size_t lo, size_t hi, const struct tv_neg_bound *ub)
{
	size_t count = hi - lo, per, extra, cur = lo;
	struct tv_neg_item a, b;
	struct tv_neg_bound mid;
	int rc;

	if (count < TV_NEG_IDLIST_BELOW)
		return out_idlist(n, ub, lo, hi);
	per = count / TV_NEG_BUCKETS;
	extra = count % TV_NEG_BUCKETS;
	for (size_t i = 0; i < TV_NEG_BUCKETS; i++) {
		size_t start = cur;
		cur += per + (i < extra ? 1 : 0);
		if (cur == hi) {
			rc = out_fingerprint(n, ub, start, cur);
		} else {
			if ((rc = st_get(n, cur - 1, &a)) != 0 ||
			    (rc = st_get(n, cur, &b)) != 0)
				return rc;
			tv_neg_bound_between(&a, &b, &mid);
			rc = out_fingerprint(n, &mid, start, cur);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- Reconciliation ---- */

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, TV_NEG_ID_LEN);
}

/*
 * Compares the peer's complete id list for a range with our items [lo, hi):
 * ours missing from theirs go to have, theirs missing from ours to need.
 * Scratch memory is bounded by the message (nids fit in it).
 */
static int
diff_idlist(struct tv_neg *n, const uint8_t *ids, size_t nids, size_t lo,
    size_t hi, size_t *out_uniq)
{
	struct tv_neg_item it;
	uint8_t *theirs, *hit;
	size_t uniq = 0;
	int rc;

	n->theirs.len = n->found.len = 0;
	if ((rc = buf_put(&n->theirs, ids, nids * TV_NEG_ID_LEN)) != 0 ||
	    (rc = buf_reserve(&n->found, nids)) != 0)
		return rc;
	theirs = n->theirs.p;
	if (nids > 1)
		qsort(theirs, nids, TV_NEG_ID_LEN, id_cmp);
	/* A peer may list an id twice; count it once. */
	for (size_t i = 0; i < nids; i++)
		if (uniq == 0 || memcmp(theirs + (uniq - 1) * TV_NEG_ID_LEN,
		    theirs + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN) != 0) {
			if (uniq != i)
				memmove(theirs + uniq * TV_NEG_ID_LEN,
				    theirs + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN);
			uniq++;
		}
	if (uniq > 0)
		memset(n->found.p, 0, uniq);
	for (size_t i = lo; i < hi; i++) {
		if ((rc = st_get(n, i, &it)) != 0)
			return rc;
		hit = uniq ? bsearch(it.id, theirs, uniq, TV_NEG_ID_LEN,
		    id_cmp) : NULL;
		if (hit != NULL)
			n->found.p[(size_t)(hit - theirs) / TV_NEG_ID_LEN] = 1;
		else if ((rc = buf_put(&n->have, it.id, TV_NEG_ID_LEN)) != 0)
			return rc;
	}
	for (size_t i = 0; i < uniq; i++)
		if (!n->found.p[i] && (rc = buf_put(&n->need,
		    theirs + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN)) != 0)
			return rc;
	if (out_uniq != NULL)
		*out_uniq = uniq;
	return 0;
}

/* True if out may grow by more bytes and still leave room to close. */
static bool
fits(const struct tv_neg *n, size_t more)
{
	if (n->frame_limit == 0)
		return true;
	return n->out.len <= n->frame_limit &&
	    more <= n->frame_limit - n->out.len &&
	    CLOSE_MAX <= n->frame_limit - n->out.len - more;
}

enum answer {
	ANSWERED,		/* the whole range is answered */
	PARTIAL,		/* answered up to *cut; the rest is deferred */
	NO_ROOM,		/* nothing written for this range */
};

/*
 * A responder's answer to an IdList range [lo, hi) with upper bound ub: our
 * own complete list. If it does not fit the frame, as many ids as fit go in
 * an IdList whose bound *cut falls just after the last one sent, and
 * *cut_i is the index of the first item left out (§11.8).
 */
static int
answer_idlist(struct tv_neg *n, size_t lo, size_t hi,
    const struct tv_neg_bound *ub, struct tv_neg_bound *cut, size_t *cut_i,
    enum answer *out)
{
	const size_t head = TV_NEG_BOUND_MAX + 1 + TV_NEG_VARINT_MAX;
	struct tv_neg_item a, b;
	size_t room, k, count = hi - lo;
	int rc;

	*out = ANSWERED;
	if (n->frame_limit == 0 || (count <= (SIZE_MAX - head) /
	    TV_NEG_ID_LEN && fits(n, head + count * TV_NEG_ID_LEN)))
		return out_idlist(n, ub, lo, hi);
	/* The same room test as above, solved for the number of ids. */
	room = n->out.len < n->frame_limit ? n->frame_limit - n->out.len : 0;
	k = room < head + CLOSE_MAX ? 0 : (room - head - CLOSE_MAX) /
	    TV_NEG_ID_LEN;
	if (k == 0 || k >= count) {	/* k >= count cannot happen */
		*out = NO_ROOM;
		return 0;
	}
	if ((rc = st_get(n, lo + k - 1, &a)) != 0 ||
	    (rc = st_get(n, lo + k, &b)) != 0)
		return rc;
	tv_neg_bound_between(&a, &b, cut);
	*cut_i = lo + k;
	*out = PARTIAL;
	return out_idlist(n, cut, lo, lo + k);
}

/*
 * A responder's first choice of answer to an IdList range [lo, hi) with
 * upper bound ub (PROTOCOL.md §11.7): an IdList of the ids both sides
 * hold, while the ids only we hold go to have, for the caller to send as
 * records. The peer then lacks nothing it could ask for and notes its own
 * extras as its have. NO_ROOM (nothing written, nothing noted) when the
 * message would push more than TV_NEG_PUSH_MAX ids or the list does not
 * fit: the caller answers with its whole list instead.
 */
static int
answer_common(struct tv_neg *n, const uint8_t *ids, size_t nids, size_t lo,
    size_t hi, const struct tv_neg_bound *ub, enum answer *out)
{
	const size_t head = TV_NEG_BOUND_MAX + 1 + TV_NEG_VARINT_MAX;
	const size_t have_mark = n->have.len, need_mark = n->need.len;
	size_t uniq = 0, common;
	int rc;

	*out = NO_ROOM;
	if ((rc = diff_idlist(n, ids, nids, lo, hi, &uniq)) != 0)
		goto undo;
	common = uniq - (n->need.len - need_mark) / TV_NEG_ID_LEN;
	/* The initiator sends what we lack: we need not ask. */
	n->need.len = need_mark;
	if (n->have.len / TV_NEG_ID_LEN > TV_NEG_PUSH_MAX ||
	    !fits(n, head + common * TV_NEG_ID_LEN))
		goto undo;
	if ((rc = out_range(n, ub, TV_NEG_IDLIST)) != 0 ||
	    (rc = out_varint(n, common)) != 0)
		goto undo;
	for (size_t i = 0; i < uniq; i++)
		if (n->found.p[i] && (rc = buf_put(&n->out, n->theirs.p +
		    i * TV_NEG_ID_LEN, TV_NEG_ID_LEN)) != 0)
			goto undo;
	*out = ANSWERED;
	return 0;
undo:
	n->have.len = have_mark;
	n->need.len = need_mark;
	return rc;
}

/*
 * The reply being built. Between ranges, out leaves CLOSE_MAX bytes under
 * the frame limit, so a pending Skip and one Fingerprint to infinity can
 * always still be written.
 */
struct reply {
	struct tv_neg_bound prev;	/* upper bound of the last range */
	bool skip_pending;		/* a Skip up to prev is unwritten */
	bool deferring;			/* out of room: §11.8 applies */
	bool run_open;			/* a deferred run is open */
	struct tv_neg_bound run_lb;	/* where it starts (lower bound) */
	size_t run_lo;			/* index of its first item */
};

/* Writes the pending Skip, which ends at ub. */
static int
flush_skip(struct tv_neg *n, struct reply *r, const struct tv_neg_bound *ub)
{
	int rc = 0;

	if (r->skip_pending)
		rc = out_range(n, ub, TV_NEG_SKIP);
	r->skip_pending = false;
	return rc;
}

/*
 * PROTOCOL.md §11.8: ends a deferred run at ub (over items [run_lo, hi))
 * with one Fingerprint range or, without room for that, ends the whole
 * message with one Fingerprint to infinity (*out_done set).
 */
static int
close_run(struct tv_neg *n, struct reply *r, const struct tv_neg_bound *ub,
    size_t hi, size_t size, bool *out_done)
{
	struct tv_neg_bound inf;
	int rc;

	*out_done = false;
	if (ub->ts != TV_NEG_TS_INF &&
	    !fits(n, CLOSE_SKIP_MAX + TV_NEG_BOUND_MAX + 1 + TV_NEG_FP_LEN)) {
		bound_inf(&inf);
		ub = &inf;
		hi = size;
		*out_done = true;
	}
	if ((rc = flush_skip(n, r, &r->run_lb)) != 0)
		return rc;
	r->run_open = false;
	return out_fingerprint(n, ub, r->run_lo, hi);
}

/* Opens a deferred run at the range [lo, ...) that starts at r->prev. */
static void
open_run(struct reply *r, const struct tv_neg_bound *lb, size_t lo)
{
	r->deferring = true;
	if (r->run_open)
		return;
	r->run_open = true;
	r->run_lb = *lb;
	r->run_lo = lo;
}

/* Answers one range [lo, hi) with upper bound cur, room permitting. */
static int
answer(struct tv_neg *n, struct reply *r, const struct tv_neg_bound *cur,
    uint64_t mode, const uint8_t *payload, size_t nids, size_t lo,
    size_t hi, size_t size, bool *out_done)
{
	bool is_init = n->role == ROLE_INITIATOR, was_pending, is_settled;
	uint8_t fp[TV_NEG_FP_LEN];
	struct tv_neg_bound cut;
	size_t mark, have_mark, cut_i = 0;
	uint64_t mark_ts;
	enum answer ans = ANSWERED;
	int rc;

	*out_done = false;
	/*
	 * PROTOCOL.md §11.7: a Skip, an equal Fingerprint and, at the
	 * initiator, an IdList settle the range: the answer is Skip.
	 */
	is_settled = mode == TV_NEG_SKIP || (mode == TV_NEG_IDLIST && is_init);
	if (mode == TV_NEG_FINGERPRINT) {
		if ((rc = st_fingerprint(n, lo, hi, fp)) != 0)
			return rc;
		is_settled = memcmp(fp, payload, TV_NEG_FP_LEN) == 0;
	}
	if (is_settled) {
		/* PROTOCOL.md §11.8: a run deferred before it ends here. */
		if (r->run_open) {
			rc = close_run(n, r, &r->prev, lo, size, out_done);
			if (rc != 0 || *out_done)
				return rc;
		}
		if (mode == TV_NEG_IDLIST &&
		    (rc = diff_idlist(n, payload, nids, lo, hi, NULL)) != 0)
			return rc;
		r->skip_pending = true;
		return 0;
	}
	if (r->deferring) {
		open_run(r, &r->prev, lo);
		return 0;
	}

	mark = n->out.len;
	mark_ts = n->out_ts;
	have_mark = n->have.len;
	was_pending = r->skip_pending;
	if ((rc = flush_skip(n, r, &r->prev)) != 0)
		return rc;
	if (mode == TV_NEG_FINGERPRINT) {
		if ((rc = out_split(n, lo, hi, cur)) != 0)
			return rc;
	} else {
		/* The responder pushes what the list lacks, if it may. */
		rc = answer_common(n, payload, nids, lo, hi, cur, &ans);
		if (rc == 0 && ans == NO_ROOM)
			rc = answer_idlist(n, lo, hi, cur, &cut, &cut_i, &ans);
		if (rc != 0)
			return rc;
	}
	if (ans == PARTIAL) {
		open_run(r, &cut, cut_i);
	} else if (ans == NO_ROOM || !fits(n, 0)) {
		/* PROTOCOL.md §11.8: undo; the range opens a deferred run. */
		n->out.len = mark;
		n->out_ts = mark_ts;
		n->have.len = have_mark;
		r->skip_pending = was_pending;
		open_run(r, &r->prev, lo);
	}
	return 0;
}

/* Answers every range of msg (already checked whole) into n->out. */
static int
reconcile(struct tv_neg *n, const uint8_t *msg, size_t len)
{
	struct tv_neg_bound cur, chk;
	struct reply r;
	uint64_t in_ts = 0, mode, nids;
	const uint8_t *payload = NULL;
	size_t pos = 1, size, lo = 0, hi;
	bool done = false;
	int rc;

	size = n->st.ops->size(n->st.ctx);
	memset(&r, 0, sizeof(r));
	memset(&chk, 0, sizeof(chk));
	while (pos < len) {
		rc = range_get(msg, len, &pos, &in_ts, &chk, &cur, &mode,
		    &payload, &nids);
		if (rc != 0)
			return rc;
		if ((rc = st_lower_bound(n, lo, size, &cur, &hi)) != 0)
			return rc;
		if (hi < lo || hi > size)
			return TV_EINVAL;	/* a storage bug */
		rc = answer(n, &r, &cur, mode, payload, (size_t)nids, lo, hi,
		    size, &done);
		if (rc != 0 || done)
			return rc;
		lo = hi;
		r.prev = cur;
	}
	if (r.run_open)
		return close_run(n, &r, &r.prev, lo, size, &done);
	/* A trailing Skip is implied (§11.5), so a pending one is dropped. */
	return 0;
}

static void
reset_output(struct tv_neg *n)
{
	n->out.len = 0;
	n->out_ts = 0;
	n->have.len = 0;
	n->need.len = 0;
}

int
tv_neg_new(const struct tv_neg_storage *storage, size_t frame_limit,
    struct tv_neg **out)
{
	struct tv_neg *n;

	*out = NULL;
	if (storage == NULL || storage->ops == NULL ||
	    storage->ops->size == NULL || storage->ops->get == NULL)
		return TV_EINVAL;
	/* PROTOCOL.md §11.8: a limit below 4096 could stall progress. */
	if (frame_limit != 0 && frame_limit < TV_NEG_FRAME_MIN)
		return TV_EINVAL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return TV_ENOMEM;
	n->st = *storage;
	n->frame_limit = frame_limit;
	n->role = ROLE_NONE;
	*out = n;
	return 0;
}

void
tv_neg_free(struct tv_neg *n)
{
	if (n == NULL)
		return;
	buf_free(&n->out);
	buf_free(&n->have);
	buf_free(&n->need);
	buf_free(&n->theirs);
	buf_free(&n->found);
	free(n);
}

int
tv_neg_initiate(struct tv_neg *n, const uint8_t **out_msg, size_t *out_len)
{
	const uint8_t version = TV_NEG_VERSION;
	struct tv_neg_bound inf;
	int rc;

	if (n->role == ROLE_RESPONDER)
		return TV_EINVAL;
	reset_output(n);
	bound_inf(&inf);
	/*
	 * PROTOCOL.md §11.7: the first message splits the whole set like any
	 * mismatched range; it is at most 16 ranges or 31 ids, far below
	 * TV_NEG_FRAME_MIN.
	 */
	if ((rc = buf_put(&n->out, &version, 1)) != 0 ||
	    (rc = out_split(n, 0, n->st.ops->size(n->st.ctx), &inf)) != 0) {
		reset_output(n);
		return rc;
	}
	n->role = ROLE_INITIATOR;
	*out_msg = n->out.p;
	*out_len = n->out.len;
	return 0;
}

int
tv_neg_reconcile(struct tv_neg *n, const uint8_t *msg, size_t msg_len,
    const uint8_t **out_msg, size_t *out_len)
{
	const uint8_t version = TV_NEG_VERSION;
	int rc;

	if ((rc = tv_neg_msg_check(msg, msg_len)) != 0)
		return rc;
	if (n->role == ROLE_NONE)
		n->role = ROLE_RESPONDER;
	reset_output(n);
	if ((rc = buf_put(&n->out, &version, 1)) != 0 ||
	    (rc = reconcile(n, msg, msg_len)) != 0) {
		reset_output(n);
		return rc;
	}
	*out_msg = n->out.p;
	/* PROTOCOL.md §11.7: an initiator with nothing to ask is done. */
	*out_len = n->role == ROLE_INITIATOR && n->out.len == 1 ? 0 :
	    n->out.len;
	return 0;
}

const uint8_t *
tv_neg_have(const struct tv_neg *n, size_t *out_count)
{
	*out_count = n->have.len / TV_NEG_ID_LEN;
	return n->have.p;
}

const uint8_t *
tv_neg_need(const struct tv_neg *n, size_t *out_count)
{
	*out_count = n->need.len / TV_NEG_ID_LEN;
	return n->need.p;
}

bool
tv_neg_is_initiator(const struct tv_neg *n)
{
	return n->role == ROLE_INITIATOR;
}

/* ---- In-memory storage ---- */

int
tv_neg_vec_new(struct tv_neg_vec **out)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? TV_ENOMEM : 0;
}

void
tv_neg_vec_free(struct tv_neg_vec *v)
{
	if (v == NULL)
		return;
	free(v->items);
	free(v->prefix);
	free(v);
}

int
tv_neg_vec_insert(struct tv_neg_vec *v, uint64_t ts,
    const uint8_t id[static TV_NEG_ID_LEN])
{
	struct tv_neg_item *items;
	size_t cap;

	/* PROTOCOL.md §11.1: the largest timestamp is reserved for infinity. */
	if (ts == TV_NEG_TS_INF)
		return TV_EINVAL;
	if (v->n == v->cap) {
		cap = v->cap ? v->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof(*items))
			return TV_ENOMEM;
		if ((items = realloc(v->items, cap * sizeof(*items))) == NULL)
			return TV_ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->n].ts = ts;
	memcpy(v->items[v->n].id, id, TV_NEG_ID_LEN);
	v->n++;
	v->is_sealed = false;
	return 0;
}

static int
item_qcmp(const void *a, const void *b)
{
	return tv_neg_item_cmp(a, b);
}

int
tv_neg_vec_seal(struct tv_neg_vec *v)
{
	uint8_t *prefix;
	size_t uniq = 0;

	if (v->n > 1)
		qsort(v->items, v->n, sizeof(*v->items), item_qcmp);
	for (size_t i = 0; i < v->n; i++)
		if (uniq == 0 ||
		    tv_neg_item_cmp(&v->items[uniq - 1], &v->items[i]) != 0)
			v->items[uniq++] = v->items[i];
	v->n = uniq;
	if (v->n >= SIZE_MAX / TV_NEG_ID_LEN - 1)
		return TV_ENOMEM;
	prefix = realloc(v->prefix, (v->n + 1) * TV_NEG_ID_LEN);
	if (prefix == NULL)
		return TV_ENOMEM;
	v->prefix = prefix;
	memset(prefix, 0, TV_NEG_ID_LEN);
	for (size_t i = 0; i < v->n; i++) {
		memcpy(prefix + (i + 1) * TV_NEG_ID_LEN,
		    prefix + i * TV_NEG_ID_LEN, TV_NEG_ID_LEN);
		sum_add(prefix + (i + 1) * TV_NEG_ID_LEN, v->items[i].id);
	}
	v->is_sealed = true;
	return 0;
}

size_t
tv_neg_vec_size(const struct tv_neg_vec *v)
{
	return v->n;
}

const struct tv_neg_item *
tv_neg_vec_item(const struct tv_neg_vec *v, size_t i)
{
	return v->is_sealed && i < v->n ? &v->items[i] : NULL;
}

static size_t
vec_size(void *ctx)
{
	return ((const struct tv_neg_vec *)ctx)->n;
}

static int
vec_get(void *ctx, size_t i, struct tv_neg_item *out)
{
	const struct tv_neg_vec *v = ctx;

	if (!v->is_sealed || i >= v->n)
		return TV_EINVAL;
	*out = v->items[i];
	return 0;
}

static int
vec_lower_bound(void *ctx, size_t lo, size_t hi,
    const struct tv_neg_item *bound, size_t *out_i)
{
	const struct tv_neg_vec *v = ctx;

	if (!v->is_sealed || lo > hi || hi > v->n)
		return TV_EINVAL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tv_neg_item_cmp(&v->items[mid], bound) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out_i = lo;
	return 0;
}

static int
vec_sum(void *ctx, size_t lo, size_t hi, struct tv_neg_acc *out)
{
	const struct tv_neg_vec *v = ctx;

	if (!v->is_sealed || lo > hi || hi > v->n)
		return TV_EINVAL;
	memcpy(out->sum, v->prefix + hi * TV_NEG_ID_LEN, TV_NEG_ID_LEN);
	sum_sub(out->sum, v->prefix + lo * TV_NEG_ID_LEN);
	out->count = hi - lo;
	return 0;
}

static const struct tv_neg_storage_ops vec_ops = {
	.size = vec_size,
	.get = vec_get,
	.lower_bound = vec_lower_bound,
	.sum = vec_sum,
};

void
tv_neg_vec_storage(struct tv_neg_vec *v, struct tv_neg_storage *out)
{
	out->ops = &vec_ops;
	out->ctx = v;
}
