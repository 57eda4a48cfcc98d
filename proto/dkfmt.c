/*
 * Danish and English forms for people (dkfmt.h): dates and times, numbers
 * and the Danish alphabetical order. The calendar and Copenhagen time are
 * caltime.c's.
 */
#include "dkfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

/* 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday. */
static int
weekday(int64_t days)
{
	return (int)(((days + 3) % 7 + 7) % 7);
}

/* ---- Text with snprintf's contract -------------------------------------- */

struct buf {
	char *out;
	size_t cap, len;	/* len counts what was asked for, not what fit */
};

static void
bputf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bputf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->cap ? b->out + b->len : NULL,
	    b->len < b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

static size_t
bdone(struct buf *b)
{
	size_t end, lead, need;

	if (b->cap == 0 || b->len < b->cap)
		return b->len;
	/* A cut never leaves half a UTF-8 character (month names hold "ø"). */
	end = b->cap - 1;
	for (lead = end; lead > 0 && ((uint8_t)b->out[lead - 1] & 0xc0) == 0x80;)
		lead--;
	if (lead > 0) {
		uint8_t c = (uint8_t)b->out[lead - 1];
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (lead - 1 + need > end)
			end = lead - 1;
	}
	b->out[end] = 0;
	return b->len;
}

/* ---- Dates and times ---------------------------------------------------- */

/* DATAMODEL.md §6.1: "lør. 8. nov. 2025", the abbreviations as Danes write them. */
static const char *const da_weekdays[] = { "man.", "tir.", "ons.", "tor.",
    "fre.", "lør.", "søn." };
static const char *const da_months[] = { "jan.", "feb.", "mar.", "apr.",
    "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec." };
static const char *const en_weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun" };
static const char *const en_months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void
put_date(struct buf *b, int64_t y, int m, int d, enum tv_lang lang,
    unsigned flags)
{
	bool da = lang == TV_LANG_DA;
	int wd;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > tv_month_days(y, m)) {
		bputf(b, "?");
		return;
	}
	wd = weekday(tv_days_from_civil(y, m, d));
	if (flags & TV_FMT_NUMERIC) {
		if (da)
			bputf(b, "%02d-%02d-%04lld", d, m, (long long)y);
		else
			bputf(b, "%04lld-%02d-%02d", (long long)y, m, d);
		return;
	}
	if (flags & TV_FMT_WEEKDAY)
		bputf(b, "%s ", da ? da_weekdays[wd] : en_weekdays[wd]);
	bputf(b, da ? "%d. %s" : "%d %s", d, da ? da_months[m - 1] :
	    en_months[m - 1]);
	if (flags & TV_FMT_YEAR)
		bputf(b, " %lld", (long long)y);
}

size_t
tv_fmt_date(int64_t y, int m, int d, enum tv_lang lang, unsigned flags,
    char *out, size_t outlen)
{
	struct buf b = { .out = out, .cap = outlen };

	put_date(&b, y, m, d, lang, flags);
	return bdone(&b);
}

size_t
tv_fmt_time(int64_t utc, enum tv_lang lang, unsigned flags, char *out,
    size_t outlen)
{
	struct buf b = { .out = out, .cap = outlen };
	int64_t local = tv_cph_utc_to_local(utc), day, sec, y;
	bool da = lang == TV_LANG_DA, is_numeric = flags & TV_FMT_NUMERIC;
	int m, d, hh, mm, ss;

	/* Copenhagen is ahead of UTC: the last UTC hour of 9999 is in 10000. */
	if (!tv_time_in_range(utc) || local > TV_TIME_MAX) {
		bputf(&b, "?");
		return bdone(&b);
	}
	day = tv_floor_div(local, 86400);
	sec = local - day * 86400;
	hh = (int)(sec / 3600);
	mm = (int)(sec / 60 % 60);
	ss = (int)(sec % 60);
	tv_civil_from_days(day, &y, &m, &d);
	put_date(&b, y, m, d, lang, flags);
	/* Danes write "kl. 9.30" (no leading zero) and "09.30" in tables. */
	if (da)
		bputf(&b, is_numeric ? " %02d.%02d" : " kl. %d.%02d", hh, mm);
	else
		bputf(&b, is_numeric ? " %02d:%02d" : ", %02d:%02d", hh, mm);
	if (flags & TV_FMT_SECONDS)
		bputf(&b, da ? ".%02d" : ":%02d", ss);
	return bdone(&b);
}

/* ---- Numbers ------------------------------------------------------------ */

/* Writes the digits of a with a separator every three from the right. */
static void
put_grouped(struct buf *b, uint64_t a, char sep)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)a);

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			bputf(b, "%c", sep);
		bputf(b, "%c", digits[i]);
	}
}

static uint64_t
magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

size_t
tv_fmt_int(int64_t v, enum tv_lang lang, char *out, size_t outlen)
{
	return tv_fmt_decimal(v, 0, 0, lang, out, outlen);
}

size_t
tv_fmt_decimal(int64_t v, unsigned scale, unsigned digits, enum tv_lang lang,
    char *out, size_t outlen)
{
	struct buf b = { .out = out, .cap = outlen };
	bool da = lang == TV_LANG_DA;
	uint64_t a = magnitude(v), unit = 1, keep = 1;

	if (scale > 18)
		scale = 18;
	if (digits > scale)
		digits = scale;
	for (unsigned i = 0; i < scale; i++)
		unit *= 10;
	for (unsigned i = 0; i < digits; i++)
		keep *= 10;
	/* Round half away from zero at the last digit shown. */
	uint64_t step = unit / keep, q = a / step, r = a % step;
	if (r >= step - r)
		q++;
	if (v < 0 && q > 0)
		bputf(&b, "-");
	put_grouped(&b, q / keep, da ? '.' : ',');
	if (digits > 0)
		bputf(&b, "%c%0*llu", da ? ',' : '.', (int)digits,
		    (unsigned long long)(q % keep));
	return bdone(&b);
}

size_t
tv_fmt_money(int64_t kroner, enum tv_lang lang, char *out, size_t outlen)
{
	struct buf b = { .out = out, .cap = outlen };

	if (kroner < 0)
		bputf(&b, "-");
	put_grouped(&b, magnitude(kroner), lang == TV_LANG_DA ? '.' : ',');
	bputf(&b, " kr.");
	return bdone(&b);
}

/* ---- Danish alphabetical order ------------------------------------------ */

/*
 * Primary weights, 3 bytes each so every code point has its own and none
 * is 0 (the end of the primary part): punctuation and spaces, then digits,
 * then the Danish alphabet, then everything else by code point.
 */
#define W_PUNCT 0x000100u
#define W_DIGIT 0x000200u
#define W_LETTER 0x000300u	/* a..z = 0..25, æ 26, ø 27, å 28 */
#define W_OTHER 0x001000u
#define W_INVALID 0xfff000u	/* a byte that starts no UTF-8 character */
#define W_LEN 3

#define L_AE 26
#define L_OE 27
#define L_AA 28

/* The letter a lower-case code point sorts as, 0..28, or -1. */
static int
da_letter(int32_t cp)
{
	utf8proc_int32_t base[4];
	utf8proc_ssize_t n;
	int last = 0;

	if (cp >= 'a' && cp <= 'z')
		return cp - 'a';
	switch (cp) {
	case 0xe6: case 0xe4:	/* æ ä */
		return L_AE;
	case 0xf8: case 0xf6: case 0x151: /* ø ö ő */
		return L_OE;
	case 0xe5:		/* å */
		return L_AA;
	case 0xfc: case 0x171:	/* ü ű: as y, as in Danish dictionaries */
		return 'y' - 'a';
	}
	/* Other accented Latin letters sort as their base letter (é as e). */
	n = utf8proc_decompose_char(cp, base, 4, UTF8PROC_DECOMPOSE |
	    UTF8PROC_STRIPMARK, &last);
	if (n >= 1 && base[0] >= 'a' && base[0] <= 'z' && base[0] != cp)
		return base[0] - 'a';
	return -1;
}

/* Walks a text weight by weight. */
struct da_iter {
	const uint8_t *p;
	size_t len, pos;
	bool is_word_start;
};

static int32_t
lower_at(const struct da_iter *it, size_t pos, size_t *out_n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate(it->p + pos,
	    (utf8proc_ssize_t)(it->len - pos), &cp);

	if (n <= 0) {
		*out_n = 1;
		return -1;
	}
	*out_n = (size_t)n;
	return utf8proc_tolower(cp);
}

/* The next primary weight, or 0 at the end. */
static uint32_t
da_next(struct da_iter *it)
{
	size_t n, n2;
	int32_t cp, cp2;
	int letter;
	uint32_t w;

	if (it->pos >= it->len)
		return 0;
	cp = lower_at(it, it->pos, &n);
	if (cp < 0) {
		w = W_INVALID + it->p[it->pos];
		letter = -1;
	} else if ((letter = da_letter(cp)) >= 0) {
		/* "Aabenraa" as "Åbenraa": the old spelling of å, at a word's start. */
		if (letter == 0 && it->is_word_start && it->pos + n < it->len &&
		    (cp2 = lower_at(it, it->pos + n, &n2)) == 'a') {
			letter = L_AA;
			n += n2;
		}
		w = W_LETTER + (uint32_t)letter;
	} else if (cp >= '0' && cp <= '9') {
		w = W_DIGIT + (uint32_t)(cp - '0');
	} else if (cp < 0x80) {
		w = W_PUNCT + (uint32_t)cp;
	} else {
		w = W_OTHER + (uint32_t)cp;
	}
	it->is_word_start = letter < 0 && !(cp >= '0' && cp <= '9');
	it->pos += n;
	return w;
}

int
tv_da_collate(const char *a, size_t a_len, const char *b, size_t b_len)
{
	struct da_iter ia = { (const uint8_t *)a, a_len, 0, true };
	struct da_iter ib = { (const uint8_t *)b, b_len, 0, true };
	uint32_t wa, wb;
	int c;

	do {
		wa = da_next(&ia);
		wb = da_next(&ib);
		if (wa != wb)
			return wa < wb ? -1 : 1;
	} while (wa != 0);
	/* Equal but for case and accents: the bytes decide, as in the key. */
	c = memcmp(a, b, a_len < b_len ? a_len : b_len);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return a_len < b_len ? -1 : a_len > b_len;
}

size_t
tv_da_sortkey(const char *s, size_t len, uint8_t *out, size_t outlen)
{
	struct da_iter it = { (const uint8_t *)s, len, 0, true };
	size_t k = 0;
	uint32_t w;

	do {
		w = da_next(&it);
		for (int i = W_LEN - 1; i >= 0; i--, k++)
			if (k < outlen)
				out[k] = (uint8_t)(w >> (8 * i));
	} while (w != 0);
	for (size_t i = 0; i < len; i++, k++)
		if (k < outlen)
			out[k] = (uint8_t)s[i];
	return k;
}
