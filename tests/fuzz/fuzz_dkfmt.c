/*
 * Fuzz target for Danish order and formats (proto/dkfmt.c), which see text
 * and numbers from other areas' records.
 *
 * The input is split at its first NUL into two texts a and b (no NUL: a
 * against itself with a byte less). tv_da_collate must be antisymmetric,
 * zero only for equal bytes, and agree with memcmp on tv_da_sortkey keys,
 * whose length stays within 4 * len + 3. The first 8 bytes, read as a
 * number, also go through every time and number formatter with a small
 * buffer: the text must stay valid UTF-8 and within its length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dkfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

static int
key_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	uint8_t *ka = malloc(4 * a_len + 3), *kb = malloc(4 * b_len + 3);
	size_t la, lb;
	int c;

	if (ka == NULL || kb == NULL)
		abort();
	la = tv_da_sortkey((const char *)a, a_len, ka, 4 * a_len + 3);
	lb = tv_da_sortkey((const char *)b, b_len, kb, 4 * b_len + 3);
	if (la > 4 * a_len + 3 || lb > 4 * b_len + 3)
		abort();
	c = memcmp(ka, kb, la < lb ? la : lb);
	if (c == 0)
		c = la < lb ? -1 : la > lb;
	free(ka);
	free(kb);
	return sign(c);
}

static void
check_text(const char *s, size_t n, size_t cap)
{
	size_t len = strlen(s);

	if (len >= cap || (n < cap && len != n))
		abort();
	/* A cut never leaves half a character. */
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0)
			abort();
		i += (size_t)k;
	}
}

static void
formats(int64_t v)
{
	static const unsigned flags[] = { 0, TV_FMT_LONG, TV_FMT_WEEKDAY,
	    TV_FMT_NUMERIC, TV_FMT_LONG | TV_FMT_SECONDS,
	    TV_FMT_NUMERIC | TV_FMT_SECONDS };
	char out[16];	/* the caps below stay under 14 */

	for (int lang = TV_LANG_EN; lang <= TV_LANG_DA; lang++) {
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			size_t cap = 1 + (size_t)(v & 7) + f;
			check_text(out, tv_fmt_time(v, lang, flags[f], out, cap),
			    cap);
			check_text(out, tv_fmt_date(v >> 9, (int)(v & 15),
			    (int)((v >> 4) & 31), lang, flags[f], out, cap),
			    cap);
		}
		check_text(out, tv_fmt_int(v, lang, out, sizeof(out)),
		    sizeof(out));
		check_text(out, tv_fmt_money(v, lang, out, sizeof(out)),
		    sizeof(out));
		check_text(out, tv_fmt_decimal(v, (unsigned)(v & 31),
		    (unsigned)((v >> 5) & 31), lang, out, sizeof(out)),
		    sizeof(out));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	const uint8_t *a = data, *b;
	size_t a_len, b_len;
	int ab, ba;
	int64_t v = 0;

	if (nul != NULL) {
		a_len = (size_t)(nul - data);
		b = nul + 1;
		b_len = size - a_len - 1;
	} else {
		a_len = size;
		b = data;
		b_len = size > 0 ? size - 1 : 0;
	}
	ab = sign(tv_da_collate((const char *)a, a_len, (const char *)b, b_len));
	ba = sign(tv_da_collate((const char *)b, b_len, (const char *)a, a_len));
	if (ab != -ba)
		abort();
	if ((ab == 0) != (a_len == b_len && memcmp(a, b, a_len) == 0))
		abort();
	if (key_cmp(a, a_len, b, b_len) != ab)
		abort();
	memcpy(&v, data, size < sizeof(v) ? size : sizeof(v));
	formats(v);
	return 0;
}
