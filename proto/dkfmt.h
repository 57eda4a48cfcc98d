/*
 * Danish and English forms for people: times in Copenhagen time (caltime.h)
 * such as "lør. 8. nov. 2025 kl. 19.30", numbers such as "1.250 kr." and
 * "12,5 km", and the Danish alphabetical order (Æ Ø Å after Z, a
 * word-initial "Aa" as Å). Pure:
 * no locale, no clock, no allocation. Every formatter writes at most outlen
 * bytes including the NUL and returns the length the whole text needs, as
 * snprintf does; outlen 0 writes nothing.
 */
#ifndef TVAERS_PROTO_DKFMT_H
#define TVAERS_PROTO_DKFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caltime.h"

enum tv_lang {
	TV_LANG_EN,
	TV_LANG_DA,
};

/* What tv_fmt_date and tv_fmt_time write beside the day and month. */
#define TV_FMT_WEEKDAY 0x1u	/* "lør." / "Sat" first */
#define TV_FMT_YEAR 0x2u	/* the year */
#define TV_FMT_SECONDS 0x4u	/* time with seconds (tv_fmt_time only) */
#define TV_FMT_NUMERIC 0x8u	/* "08-11-2025 19.30" / "2025-11-08 19:30", for tables */
#define TV_FMT_LONG (TV_FMT_WEEKDAY | TV_FMT_YEAR)

/* Times outside TV_TIME_MIN .. TV_TIME_MAX (caltime.h) are formatted as "?". */

/* A calendar date: "lør. 8. nov. 2025" / "Sat 8 Nov 2025" (flags choose parts). */
size_t tv_fmt_date(int64_t y, int m, int d, enum tv_lang lang, unsigned flags,
    char *out, size_t outlen);
/*
 * A moment in Copenhagen time: "lør. 8. nov. 2025 kl. 19.30" / "Sat 8 Nov
 * 2025, 19:30", or with TV_FMT_NUMERIC "08-11-2025 19.30" / "2025-11-08
 * 19:30".
 */
size_t tv_fmt_time(int64_t utc, enum tv_lang lang, unsigned flags, char *out,
    size_t outlen);
/* A whole number with thousands grouped: "1.250" / "1,250". */
size_t tv_fmt_int(int64_t v, enum tv_lang lang, char *out, size_t outlen);
/*
 * v / 10^scale with digits decimals (digits <= scale <= 18), rounded half
 * away from zero and grouped: (12500, 3, 1) is "12,5" / "12.5".
 */
size_t tv_fmt_decimal(int64_t v, unsigned scale, unsigned digits,
    enum tv_lang lang, char *out, size_t outlen);
/* An amount of kroner: "1.250 kr." / "1,250 kr.". */
size_t tv_fmt_money(int64_t kroner, enum tv_lang lang, char *out,
    size_t outlen);

/*
 * Compares UTF-8 texts in Danish alphabetical order: case and accents
 * aside first (A..Z, then Æ Ø Å; ä as æ, ö as ø, ü as y, é as e, a
 * word-initial "aa" as å; digits before letters, punctuation before
 * digits), then byte by byte so the order is total. Invalid UTF-8 sorts
 * after every letter. Returns <0, 0 or >0 as memcmp does.
 */
int tv_da_collate(const char *a, size_t a_len, const char *b, size_t b_len);
/*
 * Writes a sort key for s: memcmp of two keys orders them as
 * tv_da_collate does (for an index or a sort column). Returns the key's
 * full length (at most 4 * len + 3); writes only what fits.
 */
size_t tv_da_sortkey(const char *s, size_t len, uint8_t *out, size_t outlen);

#endif
