/*
 * Danish and English forms for people: Copenhagen time computed from UTC
 * (CET/CEST by the EU rule, no time zone database), dates such as "lør. 8.
 * nov. 2025 kl. 19.30", numbers such as "1.250 kr." and "12,5 km", and the
 * Danish alphabetical order (Æ Ø Å after Z, a word-initial "Aa" as Å). Pure:
 * no locale, no clock, no allocation. Every formatter writes at most outlen
 * bytes including the NUL and returns the length the whole text needs, as
 * snprintf does; outlen 0 writes nothing.
 */
#ifndef TVAERS_PROTO_DKFMT_H
#define TVAERS_PROTO_DKFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * Times and years outside 0001-01-01 .. 9999-12-31 UTC are formatted as "?"
 * and have no summer time; nothing here overflows for any int64_t.
 */
#define TV_TIME_MIN (-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define TV_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */

/* Days since 1970-01-01 of a proleptic Gregorian date (|y| < 10^9, m 1..12). */
int64_t tv_days_from_civil(int64_t y, int m, int d);
/* The date of a day number (|days| < 10^11; the inverse of tv_days_from_civil). */
void tv_civil_from_days(int64_t days, int64_t *out_y, int *out_m, int *out_d);
/* Days in month m (1..12) of year y. */
int tv_month_days(int64_t y, int m);
/* a / b rounded towards minus infinity (b > 0). */
int64_t tv_floor_div(int64_t a, int64_t b);

/*
 * True if Denmark keeps summer time (CEST, UTC+2) at utc seconds: from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October (EU rule since 1996).
 */
bool tv_cph_is_summer(int64_t utc);
/* Copenhagen wall-clock time at utc seconds, as seconds written as if UTC. */
int64_t tv_cph_from_utc(int64_t utc);
/*
 * Turns a Copenhagen wall-clock time (seconds as if UTC) into *out_utc. In
 * the autumn hour that happens twice the first (summer time) is taken;
 * returns false for the spring hour that never happens.
 */
bool tv_cph_to_utc(int64_t local, int64_t *out_utc);

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
