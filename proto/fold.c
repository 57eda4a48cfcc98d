#include "fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "err.h"

#define DECOMP_MAX 8		/* code points of one canonical decomposition */
#define RING_ABOVE 0x030a
#define DIAERESIS 0x0308

static bool
is_mark(utf8proc_int32_t cp)
{
	return utf8proc_get_property(cp)->combining_class != 0;
}

/*
 * Letters, digits and private use make words, as for SQLite's unicode61
 * tokenizer, so that the index and the snippets cut words alike.
 */
static bool
is_word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) ||
	    c == UTF8PROC_CATEGORY_CO;
}

/* Letters that lose no accent but are spelt out: the Danish way first. */
static const char *
spelt_out(utf8proc_int32_t lower)
{
	switch (lower) {
	case 0x00e6: return "ae";	/* æ */
	case 0x00f8: return "oe";	/* ø */
	case 0x0153: return "oe";	/* œ */
	case 0x00df: return "ss";	/* ß */
	case 0x00f0: return "d";	/* ð */
	case 0x00fe: return "th";	/* þ */
	case 0x0111: return "d";	/* đ */
	case 0x0142: return "l";	/* ł */
	case 0x0131: return "i";	/* dotless i */
	default: return NULL;
	}
}

/*
 * The letter a mark leaves behind, Danish and German style: å is aa
 * (Aabenraa), ä, ö and ü are ae, oe and ue (as æ and ø are). Other marks
 * go: é is e.
 */
static char
mark_letter(utf8proc_int32_t base, utf8proc_int32_t mark)
{
	if (mark == RING_ABOVE && base == 'a')
		return 'a';
	if (mark == DIAERESIS && (base == 'a' || base == 'o' || base == 'u'))
		return 'e';
	return 0;
}

/*
 * Splits cp into its base and marks when its canonical decomposition is a
 * starter followed by marks only (Latin, Greek, Cyrillic accents); other
 * decompositions (Hangul syllables into jamo) keep cp whole.
 */
static size_t
base_and_marks(utf8proc_int32_t cp, utf8proc_int32_t out[static DECOMP_MAX])
{
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, out, DECOMP_MAX,
	    UTF8PROC_DECOMPOSE, NULL);

	if (n < 1 || n > DECOMP_MAX)
		goto whole;
	for (utf8proc_ssize_t i = 1; i < n; i++)
		if (!is_mark(out[i]))
			goto whole;
	return (size_t)n;
whole:
	out[0] = cp;
	return 1;
}

size_t
tv_fold_unit(const char *s, size_t len, size_t *pos,
    char out[static TV_FOLD_UNIT_MAX], bool *out_is_word)
{
	const uint8_t *p = (const uint8_t *)s;
	utf8proc_int32_t cp, parts[DECOMP_MAX], base;
	utf8proc_ssize_t k;
	size_t n_parts, n = 0;
	const char *spelt;
	char extra = 0;

	k = utf8proc_iterate(p + *pos, (utf8proc_ssize_t)(len - *pos), &cp);
	if (k <= 0) {
		*pos += 1;
		*out_is_word = false;
		out[0] = ' ';
		return 1;
	}
	*pos += (size_t)k;
	n_parts = base_and_marks(cp, parts);
	base = utf8proc_tolower(parts[0]);
	for (size_t i = 1; i < n_parts && !extra; i++)
		extra = mark_letter(base, parts[i]);
	/* Marks typed after the letter (decomposed input) belong to it. */
	while (*pos < len) {
		k = utf8proc_iterate(p + *pos, (utf8proc_ssize_t)(len - *pos),
		    &cp);
		if (k <= 0 || !is_mark(cp))
			break;
		if (!extra)
			extra = mark_letter(base, cp);
		*pos += (size_t)k;
	}
	*out_is_word = is_word_char(base);
	if (!*out_is_word) {
		out[0] = ' ';
		return 1;
	}
	if ((spelt = spelt_out(base)) != NULL) {
		n = strlen(spelt);
		memcpy(out, spelt, n);
	} else {
		n = (size_t)utf8proc_encode_char(base, (utf8proc_uint8_t *)out);
	}
	if (extra)
		out[n++] = extra;
	return n;
}

int
tv_fold(const char *s, size_t len, char **out, size_t *out_len)
{
	size_t cap = 2 * len + TV_FOLD_UNIT_MAX, n = 0, pos = 0;
	char *buf = malloc(cap), unit[TV_FOLD_UNIT_MAX];
	bool is_word;

	*out = NULL;
	if (buf == NULL)
		return TV_ENOMEM;
	while (pos < len) {
		size_t m = tv_fold_unit(s, len, &pos, unit, &is_word);

		if (!is_word && (n == 0 || buf[n - 1] == ' '))
			continue;
		if (n + m + 1 > cap) {
			char *bigger = realloc(buf, 2 * cap);
			if (bigger == NULL) {
				free(buf);
				return TV_ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		memcpy(buf + n, unit, m);
		n += m;
	}
	if (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = 0;
	*out = buf;
	if (out_len != NULL)
		*out_len = n;
	return 0;
}
