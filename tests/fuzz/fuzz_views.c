/*
 * Fuzz target for the federation views (proto/recset.c, proto/fedgraph.c,
 * proto/overview.c): records come from other areas, so whatever their
 * bodies hold must neither crash the graph or the page nor get markup into
 * the page, or a character that may not be shown into either.
 *
 * Input: records, each preceded by its length as 2 bytes big-endian. The
 * page is drawn for the origin of the first record kept; the first input
 * byte's low bit picks the language.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "fedgraph.h"
#include "overview.h"
#include "recset.h"
#include "showable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every character may be shown, or is the templates' tab or line break. */
static void
check_showable(const struct tv_buf *b)
{
	size_t n;

	for (size_t i = 0; i < b->len; i += n) {
		bool space = b->data[i] == '\n' || b->data[i] == '\t';
		if (!tv_char_showable(&b->data[i], b->len - i, &n) && !space)
			abort();
	}
}

/* The template itself never opens these; record text must not either. */
static void
check_page(const struct tv_buf *b)
{
	static const char *const bad[] = { "<script", "<img", "<iframe",
	    "<a ", "<link", "<object", "<embed" };
	char *text = malloc(b->len + 1);

	if (text == NULL)
		return;
	memcpy(text, b->data, b->len);
	text[b->len] = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(text, bad[i]) != NULL)
			abort();
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_overview_opts o = { .now = 1800000000,
	    .radius_m = TV_OVERVIEW_RADIUS_M,
	    .lang = size > 0 && (data[0] & 1) ? "en" : "da" };
	struct tv_recset s;
	struct tv_buf b;
	size_t off = 0;

	tv_recset_init(&s);
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		(void)tv_recset_add(&s, data + off, len);
		off += len;
	}
	for (int networks = 0; networks < 2; networks++) {
		tv_buf_init(&b, 0);
		if (tv_fedgraph_dot(&s, networks, &b, NULL) != 0)
			abort();
		check_showable(&b);
		tv_buf_free(&b);
	}
	if (s.n > 0) {
		o.area = s.recs[0].origin;
		tv_buf_init(&b, 0);
		if (tv_overview_html(&s, &o, &b) == 0) {
			check_page(&b);
			check_showable(&b);
		}
		tv_buf_free(&b);
	}
	tv_recset_free(&s);
	return 0;
}
