/*
 * Showable characters (showable.h). The UTF-8 checks follow RFC 3629 §4:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
#include "showable.h"

static bool
is_cont(uint8_t b)
{
	return (b & 0xc0) == 0x80;
}

/* Decodes one UTF-8 sequence; returns its length, or 0 if it is invalid. */
static size_t
utf8_decode(const uint8_t *p, size_t len, uint32_t *out_cp)
{
	uint8_t b = p[0];
	size_t n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 :
	    b >= 0xf0 && b <= 0xf4 ? 4 : 0;
	uint32_t cp;

	if (n == 0 || len < n)
		return 0;
	cp = b & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if (!is_cont(p[i]))
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	*out_cp = cp;
	return n;
}

static bool
is_hidden_format(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x2028 || cp == 0x2029;
}

static bool
is_noncharacter(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

bool
tv_char_showable(const uint8_t *p, size_t len, size_t *out_len)
{
	uint32_t cp;

	*out_len = 1;
	if (p[0] < 0x80)
		return p[0] >= 0x20 && p[0] != 0x7f;
	if ((*out_len = utf8_decode(p, len, &cp)) == 0) {
		*out_len = 1;
		return false;
	}
	return cp >= 0xa0 && !is_hidden_format(cp) && !is_noncharacter(cp);
}
