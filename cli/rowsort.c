/*
 * Rows of a human listing in Danish alphabetical order (rowsort.h). Each
 * row is kept as its msgpack encoding, decoded again when it is handed on.
 */
#include "rowsort.h"

#include <stdlib.h>
#include <string.h>

#include "dkfmt.h"
#include "out.h"

#define ROW_ENCODED_MAX (4 * 1024 * 1024)	/* above any record item */

struct row {
	uint8_t *bytes;		/* the item, encoded */
	size_t len;
	char *text;		/* what it sorts by */
	size_t text_len;
	size_t seq;		/* arrival order: equal texts keep it */
};

struct rowsort {
	struct row *rows;
	size_t n, cap, seq;
	char group[TV_KIND_MAX + 1];
	bool is_streaming;	/* a group was too long: no more sorting */
};

struct rowsort *
rowsort_new(void)
{
	struct rowsort *rs = xmalloc(sizeof(*rs));

	memset(rs, 0, sizeof(*rs));
	return rs;
}

static void
forget_rows(struct rowsort *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->rows[i].bytes);
		free(rs->rows[i].text);
	}
	rs->n = 0;
}

void
rowsort_free(struct rowsort *rs)
{
	if (rs == NULL)
		return;
	forget_rows(rs);
	free(rs->rows);
	free(rs);
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = tv_da_collate(x->text, x->text_len, y->text, y->text_len);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hands the held rows to cb, sorted or in arrival order, and forgets them. */
static int
emit(struct rowsort *rs, bool is_sorted, rowsort_cb *cb, void *arg)
{
	int rc = 0;

	if (is_sorted)
		qsort(rs->rows, rs->n, sizeof(rs->rows[0]), row_cmp);
	for (size_t i = 0; i < rs->n && rc == 0; i++) {
		const struct tv_value *item;
		struct tv_doc *doc;

		/* These bytes were encoded here from a decoded item. */
		if (tv_decode(rs->rows[i].bytes, rs->rows[i].len, &doc,
		    &item) != 0)
			abort();
		rc = cb(arg, item);
		tv_doc_free(doc);
	}
	forget_rows(rs);
	return rc;
}

int
rowsort_flush(struct rowsort *rs, rowsort_cb *cb, void *arg)
{
	return emit(rs, true, cb, arg);
}

bool
rowsort_is_streaming(const struct rowsort *rs)
{
	return rs->is_streaming;
}

int
rowsort_add(struct rowsort *rs, const char *group, const char *text,
    size_t text_len, const struct tv_value *item, rowsort_cb *cb, void *arg)
{
	struct row *r;
	struct tv_w w;
	int rc;

	if (rs->is_streaming)
		return cb(arg, item);
	if (rs->n > 0 && strcmp(rs->group, group) != 0 &&
	    (rc = rowsort_flush(rs, cb, arg)) != 0)
		return rc;
	if (rs->n == ROWSORT_MAX) {
		/* Too many to wait for: the listing streams in tvaersd's order. */
		rs->is_streaming = true;
		if ((rc = emit(rs, false, cb, arg)) != 0)
			return rc;
		return cb(arg, item);
	}
	snprintf(rs->group, sizeof(rs->group), "%s", group);
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		if ((rs->rows = realloc(rs->rows, rs->cap *
		    sizeof(rs->rows[0]))) == NULL) {
			fputs("tvaers: out of memory\n", stderr);
			abort();
		}
	}
	r = &rs->rows[rs->n];
	tv_w_init(&w, ROW_ENCODED_MAX);
	if (tv_encode(&w, item) != 0 || tv_w_finish(&w, &r->bytes,
	    &r->len) != 0) {
		fputs("tvaers: out of memory\n", stderr);
		abort();
	}
	r->text = xmalloc(text_len + 1);
	memcpy(r->text, text, text_len);
	r->text[text_len] = 0;
	r->text_len = text_len;
	r->seq = rs->seq++;
	rs->n++;
	return 0;
}
