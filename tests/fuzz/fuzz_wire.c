/*
 * Fuzz target for framing and peer messages (proto/wire.c).
 *
 * Input: one byte s, then the rest R. R is fed to a frame reader in two
 * pieces split at s * len(R) / 255, then again byte by byte; both must
 * yield exactly the frames (and the error) of a reference parse of R in
 * one go. Each frame body and R itself go through tv_wire_decode; a
 * message of a known type must re-encode to the very bytes decoded, and a
 * RECORDS message must also rebuild byte for byte through the in-place
 * encoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 4096

struct frames {
	size_t n;
	size_t off[MAX_FRAMES];		/* body offsets in R */
	size_t len[MAX_FRAMES];
	int err;
};

/* The reference: frames of R parsed in one go, by hand. */
static void
reference(const uint8_t *r, size_t len, struct frames *out)
{
	size_t off = 0;

	out->n = 0;
	out->err = 0;
	while (len - off >= 2 && out->n < MAX_FRAMES) {
		size_t l = (size_t)r[off] << 8 | r[off + 1];

		if (l == 0) {
			out->err = TV_EMALFORMED;
			return;
		}
		if (len - off - 2 < l)
			return;
		out->off[out->n] = off + 2;
		out->len[out->n] = l;
		out->n++;
		off += 2 + l;
	}
}

static void
check_message(const uint8_t *buf, size_t len)
{
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *again;
	size_t again_len;
	int rc;

	if (tv_wire_decode(buf, len, &m) != 0)
		return;
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	rc = tv_wire_encode(&w, &m);
	if (m.type == TV_WIRE_UNKNOWN) {
		if (rc != TV_EINVAL)
			abort();
		tv_w_free(&w);
		tv_wire_msg_close(&m);
		return;
	}
	if (rc != 0 || tv_w_finish(&w, &again, &again_len) != 0)
		abort();
	if (again_len != len || memcmp(again, buf, len) != 0)
		abort();
	free(again);

	if (m.type == TV_WIRE_RECORDS) {
		uint8_t *out = malloc(TV_WIRE_PLAINTEXT_MAX);
		struct tv_wire_records_enc e;

		if (out == NULL)
			abort();
		tv_wire_records_init(&e, out, TV_WIRE_PLAINTEXT_MAX);
		for (size_t i = 0; i < m.records.count; i++)
			if (tv_wire_records_add(&e, m.records.items[i].bytes,
			    m.records.items[i].len) != 0)
				abort();
		if (tv_wire_records_finish(&e, &again_len) != 0 ||
		    again_len != len || memcmp(out, buf, len) != 0)
			abort();
		free(out);
	}
	tv_wire_msg_close(&m);
}

/* Feeds R in pieces of at most step bytes, with a cut at split. */
static void
feed(struct tv_frame_reader *rd, const uint8_t *r, size_t len, size_t split,
    size_t step, const struct frames *ref)
{
	size_t off = 0, seen = 0;
	int err = 0;

	tv_frame_reader_init(rd);
	while (off < len && err == 0) {
		size_t end = off < split ? split : len;
		size_t chunk = end - off;

		if (step != 0 && chunk > step)
			chunk = step;
		while (chunk > 0) {
			const uint8_t *f;
			size_t used, flen;

			err = tv_frame_feed(rd, r + off, chunk, &used, &f,
			    &flen);
			if (used > chunk)
				abort();
			off += used;
			chunk -= used;
			if (err != 0)
				break;
			if (used == 0)
				abort();	/* no progress */
			if (f == NULL)
				continue;
			if (seen >= ref->n || flen != ref->len[seen] ||
			    memcmp(f, r + ref->off[seen], flen) != 0)
				abort();
			seen++;
		}
	}
	if (err != ref->err)
		abort();
	if (ref->n < MAX_FRAMES && seen != ref->n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frames ref;
	static struct tv_frame_reader rd;
	const uint8_t *r;
	size_t len, split;

	if (size == 0)
		return 0;
	r = data + 1;
	len = size - 1;
	split = len * data[0] / 255;

	reference(r, len, &ref);
	feed(&rd, r, len, split, 0, &ref);
	if (len <= 4096)
		feed(&rd, r, len, split, 1, &ref);
	for (size_t i = 0; i < ref.n && i < 64; i++)
		check_message(r + ref.off[i], ref.len[i]);
	check_message(r, len);
	return 0;
}
