/*
 * Fuzz target for Negentropy messages (proto/negentropy.c, PROTOCOL.md §11).
 *
 * The input is one message from a peer. It goes to a responder (with and
 * without a frame limit) and to an initiator that has sent its first
 * message, all over one fixed set of 300 items. Whatever the input: no
 * crash or leak; every call agrees with tv_neg_msg_check on whether the
 * input is valid; every reply passes tv_neg_msg_check and respects the
 * frame limit; and a valid input decodes and re-encodes to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "negentropy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ITEMS 300
#define FUZZ_LIMIT TV_NEG_FRAME_MIN

/*
 * The fixed set: item i has timestamp 1700000000000000 + (i / 3) * 1000 (so
 * three items share each timestamp and bounds need id prefixes) and an id
 * whose first bytes repeat often, for long common prefixes.
 */
static void
fuzz_item(unsigned i, uint64_t *ts, uint8_t id[static TV_NEG_ID_LEN])
{
	uint32_t x = i * 2654435761u;

	*ts = UINT64_C(1700000000000000) + (uint64_t)(i / 3) * 1000;
	for (size_t j = 0; j < TV_NEG_ID_LEN; j++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		id[j] = (uint8_t)x;
	}
	if (i % 2 == 0)
		id[0] = id[1] = 0x5a;
}

static struct tv_neg_vec *
fuzz_set(void)
{
	/* Built once; the fuzzer process keeps it to the end. */
	static struct tv_neg_vec *v;
	uint8_t id[TV_NEG_ID_LEN];
	uint64_t ts;

	if (v != NULL)
		return v;
	if (tv_neg_vec_new(&v) != 0)
		abort();
	for (unsigned i = 0; i < FUZZ_ITEMS; i++) {
		fuzz_item(i, &ts, id);
		if (tv_neg_vec_insert(v, ts, id) != 0)
			abort();
	}
	if (tv_neg_vec_seal(v) != 0)
		abort();
	return v;
}

/* Appends n bytes to out[0..cap), aborting rather than overflowing. */
static void
put(uint8_t *out, size_t *o, size_t cap, const uint8_t *p, size_t n)
{
	if (n > cap - *o)
		abort();
	memcpy(out + *o, p, n);
	*o += n;
}

/* Decodes a valid message range by range and encodes it again: same bytes. */
static void
round_trip(const uint8_t *msg, size_t len)
{
	uint8_t *out = malloc(len);
	uint64_t ts_in = 0, ts_out = 0, mode, count;
	uint8_t tmp[TV_NEG_BOUND_MAX];
	struct tv_neg_bound b;
	size_t pos = 1, o = 0, used, n;

	if (out == NULL)
		abort();
	put(out, &o, len, msg, 1);
	while (pos < len) {
		if (tv_neg_bound_get(msg + pos, len - pos, &ts_in, &b, &used))
			abort();
		pos += used;
		put(out, &o, len, tmp, tv_neg_bound_put(&b, &ts_out, tmp));
		if (tv_neg_varint_get(msg + pos, len - pos, &mode, &used))
			abort();
		pos += used;
		put(out, &o, len, tmp, tv_neg_varint_put(mode, tmp));
		n = 0;
		if (mode == TV_NEG_FINGERPRINT) {
			n = TV_NEG_FP_LEN;
		} else if (mode == TV_NEG_IDLIST) {
			if (tv_neg_varint_get(msg + pos, len - pos, &count,
			    &used))
				abort();
			pos += used;
			put(out, &o, len, tmp, tv_neg_varint_put(count, tmp));
			n = (size_t)count * TV_NEG_ID_LEN;
		}
		if (n > len - pos)
			abort();
		put(out, &o, len, msg + pos, n);
		pos += n;
	}
	if (o != len || memcmp(out, msg, len) != 0)
		abort();
	free(out);
}

static void
check_reply(int rc, int want, const uint8_t *out, size_t out_len,
    size_t limit)
{
	if (rc != want)
		abort();
	if (rc != 0 || out_len == 0)
		return;
	if (tv_neg_msg_check(out, out_len) != 0)
		abort();
	if (limit != 0 && out_len > limit)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_neg_storage st;
	struct tv_neg *n;
	const uint8_t *out;
	size_t out_len;
	int want, rc;

	tv_neg_vec_storage(fuzz_set(), &st);
	want = tv_neg_msg_check(data, size);
	if (want != 0 && want != TV_EMALFORMED && want != TV_EVERSION)
		abort();
	if (want == 0)
		round_trip(data, size);

	/* Responders, with and without a frame limit. */
	for (int i = 0; i < 2; i++) {
		size_t limit = i ? FUZZ_LIMIT : 0;
		if (tv_neg_new(&st, limit, &n) != 0)
			abort();
		rc = tv_neg_reconcile(n, data, size, &out, &out_len);
		check_reply(rc, want, out, out_len, limit);
		if (rc == 0 && out_len == 0)
			abort();	/* a responder always answers */
		tv_neg_free(n);
	}

	/* An initiator that has sent its first message. */
	if (tv_neg_new(&st, FUZZ_LIMIT, &n) != 0)
		abort();
	if (tv_neg_initiate(n, &out, &out_len) != 0)
		abort();
	rc = tv_neg_reconcile(n, data, size, &out, &out_len);
	check_reply(rc, want, out, out_len, FUZZ_LIMIT);
	tv_neg_free(n);
	return 0;
}
