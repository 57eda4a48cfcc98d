/*
 * Fuzz target for the canonical msgpack reader (proto/canon.c).
 *
 * Canonical means one encoding per value, so every input the strict reader
 * accepts must come back byte for byte from tv_encode of its tree, and so
 * must every node's own span (raw, raw_len). tv_canon_check must give the
 * same verdict as tv_decode, since both run the same reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless v encodes to exactly its span in the input. */
static void
check_node(const struct tv_value *v, const uint8_t *data, size_t size)
{
	struct tv_w w;
	uint8_t *out;
	size_t out_len, n = 0;

	if (v->raw < data || v->raw_len == 0 ||
	    v->raw_len > size - (size_t)(v->raw - data))
		abort();
	tv_w_init(&w, 0);
	if (tv_encode(&w, v) != 0 || tv_w_finish(&w, &out, &out_len) != 0)
		abort();
	if (out_len != v->raw_len || memcmp(out, v->raw, out_len) != 0)
		abort();
	free(out);
	if (v->type == TV_ARRAY)
		n = v->len;
	else if (v->type == TV_MAP)
		n = 2 * (size_t)v->len;
	for (size_t i = 0; i < n; i++)
		check_node(&v->items[i], data, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tv_value *root;
	struct tv_doc *doc;
	int rc;

	rc = tv_decode(data, size, &doc, &root);
	if (rc != tv_canon_check(data, size))
		abort();
	if (rc != 0) {
		if (doc != NULL || root != NULL)
			abort();
		return 0;
	}
	if (root->raw != data || root->raw_len != size)
		abort();
	check_node(root, data, size);
	tv_doc_free(doc);
	return 0;
}
