/*
 * Fuzz target for the record decoder (proto/record.c).
 *
 * Every input that decodes as a record must also: verify or fail to verify
 * without crashing; decode through the canonical reader and encode back to
 * exactly the same bytes (a record is stored and forwarded verbatim, so
 * "canonical" must mean "one encoding"); and have a body that decodes and
 * re-encodes the same way and can be run through its kind's schema.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "kinds.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes buf strictly, encodes the tree again and aborts unless equal. */
static const struct tv_value *
round_trip(const uint8_t *buf, size_t len, struct tv_doc **out_doc)
{
	const struct tv_value *root;
	struct tv_w w;
	uint8_t *out;
	size_t out_len;

	if (tv_decode(buf, len, out_doc, &root) != 0)
		abort();
	tv_w_init(&w, 0);
	if (tv_encode(&w, root) != 0)
		abort();
	if (tv_w_finish(&w, &out, &out_len) != 0)
		abort();
	if (out_len != len || memcmp(out, buf, len) != 0)
		abort();
	free(out);
	return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_record r;
	struct tv_doc *doc = NULL;
	const struct tv_value *body;
	char errbuf[256];

	if (tv_record_decode(data, size, &r) != 0)
		return 0;
	(void)tv_record_verify(&r);
	if (r.raw != data || r.raw_len != size || r.kind_len == 0 ||
	    (r.body_len == 0) != tv_record_is_deleted(&r))
		abort();

	round_trip(data, size, &doc);
	tv_doc_free(doc);
	doc = NULL;

	if (r.body_len > 0) {
		body = round_trip(r.body, r.body_len, &doc);
		if (body->type != TV_MAP)
			abort();
		(void)tv_kind_validate(tv_kind_find(r.kind, r.kind_len), body,
		    errbuf, sizeof(errbuf));
		tv_doc_free(doc);
	}
	return 0;
}
