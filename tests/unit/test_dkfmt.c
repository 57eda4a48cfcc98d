/*
 * Danish forms for people (proto/dkfmt.c): Copenhagen time at the summer
 * time changes, dates, numbers and the Danish alphabetical order.
 */
#include "test.h"

#include "dkfmt.h"

static const char *
when(int64_t utc, enum tv_lang lang, unsigned flags)
{
	static char out[96];

	tv_fmt_time(utc, lang, flags, out, sizeof(out));
	return out;
}

/* Seconds UTC of a UTC date and time. */
static int64_t
utc(int64_t y, int m, int d, int hh, int mm)
{
	return tv_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

TEST(calendar_round_trip)
{
	int64_t y;
	int m, d;

	ASSERT_EQ(tv_days_from_civil(1970, 1, 1), 0);
	ASSERT_EQ(tv_days_from_civil(2000, 3, 1), 11017);
	for (int64_t day = -800000; day < 800000; day += 97) {
		tv_civil_from_days(day, &y, &m, &d);
		ASSERT_EQ(tv_days_from_civil(y, m, d), day);
		ASSERT(d >= 1 && d <= tv_month_days(y, m));
	}
	ASSERT_EQ(tv_month_days(2024, 2), 29);
	ASSERT_EQ(tv_month_days(2100, 2), 28);
	ASSERT_EQ(tv_month_days(2000, 2), 29);
	ASSERT_EQ(tv_floor_div(-1, 86400), -1);
	ASSERT_EQ(tv_floor_div(86400, 86400), 1);
}

TEST(summer_time_spring)
{
	/* Sunday 30 March 2025, 01:00 UTC: 02:00 CET becomes 03:00 CEST. */
	int64_t change = utc(2025, 3, 30, 1, 0), out;

	ASSERT(!tv_cph_is_summer(change - 1));
	ASSERT(tv_cph_is_summer(change));
	ASSERT_STR_EQ(when(change - 60, TV_LANG_DA, TV_FMT_LONG),
	    "søn. 30. mar. 2025 kl. 1.59");
	ASSERT_STR_EQ(when(change, TV_LANG_DA, TV_FMT_LONG),
	    "søn. 30. mar. 2025 kl. 3.00");
	ASSERT_STR_EQ(when(change, TV_LANG_EN, TV_FMT_LONG),
	    "Sun 30 Mar 2025, 03:00");
	/* 02:30 never happens that night. */
	ASSERT(!tv_cph_local_to_utc(utc(2025, 3, 30, 2, 30), &out));
	ASSERT(tv_cph_local_to_utc(utc(2025, 3, 30, 3, 0), &out));
	ASSERT_EQ(out, change);
	ASSERT(tv_cph_local_to_utc(utc(2025, 3, 30, 1, 59), &out));
	ASSERT_EQ(out, change - 60);
}

TEST(summer_time_autumn)
{
	/* Sunday 26 October 2025, 01:00 UTC: 03:00 CEST becomes 02:00 CET. */
	int64_t change = utc(2025, 10, 26, 1, 0), out;

	ASSERT(tv_cph_is_summer(change - 1));
	ASSERT(!tv_cph_is_summer(change));
	ASSERT_STR_EQ(when(change - 1800, TV_LANG_DA, TV_FMT_NUMERIC),
	    "26-10-2025 02.30");
	ASSERT_STR_EQ(when(change + 1800, TV_LANG_DA, TV_FMT_NUMERIC),
	    "26-10-2025 02.30");	/* the second 02.30 */
	ASSERT_STR_EQ(when(change, TV_LANG_EN, TV_FMT_NUMERIC),
	    "2025-10-26 02:00");
	/* The hour that happens twice: the first (summer time) is taken. */
	ASSERT(tv_cph_local_to_utc(utc(2025, 10, 26, 2, 30), &out));
	ASSERT_EQ(out, change - 1800);
	ASSERT(tv_cph_local_to_utc(utc(2025, 10, 26, 3, 0), &out));
	ASSERT_EQ(out, change + 3600);
}

TEST(summer_time_other_years)
{
	/* Last Sundays: 2024-03-31 / 2024-10-27, 2026-03-29 / 2026-10-25. */
	ASSERT(!tv_cph_is_summer(utc(2024, 3, 31, 0, 59)));
	ASSERT(tv_cph_is_summer(utc(2024, 3, 31, 1, 0)));
	ASSERT(tv_cph_is_summer(utc(2024, 10, 27, 0, 59)));
	ASSERT(!tv_cph_is_summer(utc(2024, 10, 27, 1, 0)));
	ASSERT(!tv_cph_is_summer(utc(2026, 3, 29, 0, 59)));
	ASSERT(tv_cph_is_summer(utc(2026, 3, 29, 1, 0)));
	ASSERT(!tv_cph_is_summer(utc(2026, 10, 25, 1, 0)));
	/* New Year's Eve in Copenhagen is already the next year. */
	ASSERT_STR_EQ(when(utc(2025, 12, 31, 23, 30), TV_LANG_DA,
	    TV_FMT_LONG), "tor. 1. jan. 2026 kl. 0.30");
	/* Before 1970 too. */
	ASSERT_STR_EQ(when(utc(1969, 12, 24, 18, 0), TV_LANG_EN, TV_FMT_LONG),
	    "Wed 24 Dec 1969, 19:00");
}

TEST(dates_danish_and_english)
{
	/* DATAMODEL.md §6.1 and §4.4. */
	int64_t t = utc(2025, 11, 8, 18, 30);
	char out[64];

	ASSERT_STR_EQ(when(t, TV_LANG_DA, TV_FMT_LONG),
	    "lør. 8. nov. 2025 kl. 19.30");
	ASSERT_STR_EQ(when(t, TV_LANG_DA, TV_FMT_WEEKDAY), "lør. 8. nov. kl. 19.30");
	ASSERT_STR_EQ(when(utc(2025, 11, 8, 8, 30), TV_LANG_DA, TV_FMT_WEEKDAY),
	    "lør. 8. nov. kl. 9.30");
	ASSERT_STR_EQ(when(t, TV_LANG_EN, TV_FMT_LONG), "Sat 8 Nov 2025, 19:30");
	ASSERT_STR_EQ(when(t + 5, TV_LANG_DA, TV_FMT_LONG | TV_FMT_SECONDS),
	    "lør. 8. nov. 2025 kl. 19.30.05");
	ASSERT_STR_EQ(when(t + 5, TV_LANG_EN, TV_FMT_NUMERIC | TV_FMT_SECONDS),
	    "2025-11-08 19:30:05");
	ASSERT_STR_EQ(when(t, TV_LANG_DA, TV_FMT_NUMERIC), "08-11-2025 19.30");
	/* Every weekday and month abbreviation. */
	static const char *const da[] = { "man. 5. maj 2025", "tir. 3. jun. 2025",
	    "ons. 2. jul. 2025", "tor. 7. aug. 2025", "fre. 5. sep. 2025",
	    "lør. 4. okt. 2025", "søn. 7. dec. 2025" };
	static const int md[][2] = { { 5, 5 }, { 6, 3 }, { 7, 2 }, { 8, 7 },
	    { 9, 5 }, { 10, 4 }, { 12, 7 } };
	for (size_t i = 0; i < 7; i++) {
		tv_fmt_date(2025, md[i][0], md[i][1], TV_LANG_DA, TV_FMT_LONG,
		    out, sizeof(out));
		ASSERT_STR_EQ(out, da[i]);
	}
	tv_fmt_date(2025, 3, 1, TV_LANG_DA, TV_FMT_YEAR, out, sizeof(out));
	ASSERT_STR_EQ(out, "1. mar. 2025");
	tv_fmt_date(2025, 2, 1, TV_LANG_EN, TV_FMT_LONG, out, sizeof(out));
	ASSERT_STR_EQ(out, "Sat 1 Feb 2025");
	tv_fmt_date(2025, 4, 1, TV_LANG_DA, TV_FMT_NUMERIC, out, sizeof(out));
	ASSERT_STR_EQ(out, "01-04-2025");
	tv_fmt_date(2025, 13, 1, TV_LANG_DA, TV_FMT_LONG, out, sizeof(out));
	ASSERT_STR_EQ(out, "?");
}

TEST(formatters_cut_like_snprintf)
{
	char out[8];
	size_t n = tv_fmt_time(utc(2025, 11, 8, 18, 30), TV_LANG_DA,
	    TV_FMT_LONG, out, sizeof(out));

	ASSERT_EQ(n, strlen("lør. 8. nov. 2025 kl. 19.30"));
	ASSERT_STR_EQ(out, "lør. 8");
	/* "lør." cut inside "ø" keeps no half character. */
	ASSERT_EQ(tv_fmt_date(2025, 11, 8, TV_LANG_DA, TV_FMT_LONG, out, 3), 18);
	ASSERT_STR_EQ(out, "l");
	ASSERT_EQ(tv_fmt_int(1250, TV_LANG_DA, out, 0), 5);
	ASSERT_EQ(tv_fmt_money(1250, TV_LANG_DA, out, sizeof(out)), 9);
	ASSERT_STR_EQ(out, "1.250 k");
}

TEST(numbers)
{
	char out[64];

	tv_fmt_money(1250, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "1.250 kr.");
	tv_fmt_money(1250, TV_LANG_EN, out, sizeof(out));
	ASSERT_STR_EQ(out, "1,250 kr.");
	tv_fmt_money(-180000, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "-180.000 kr.");
	tv_fmt_decimal(12500, 3, 1, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "12,5");
	tv_fmt_decimal(12500, 3, 1, TV_LANG_EN, out, sizeof(out));
	ASSERT_STR_EQ(out, "12.5");
	tv_fmt_decimal(12550, 3, 1, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "12,6");	/* half away from zero */
	tv_fmt_decimal(-12550, 3, 1, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "-12,6");
	tv_fmt_decimal(-40, 3, 1, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "0,0");	/* no "-0,0" */
	tv_fmt_decimal(1234567890, 3, 2, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "1.234.567,89");
	tv_fmt_decimal(999960, 3, 1, TV_LANG_EN, out, sizeof(out));
	ASSERT_STR_EQ(out, "1,000.0");	/* the carry reaches the integer part */
	tv_fmt_decimal(5, 3, 3, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "0,005");
	tv_fmt_int(INT64_MIN, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "-9.223.372.036.854.775.808");
	tv_fmt_int(999, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "999");
	tv_fmt_int(1000, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "1.000");
	/* Limits: more digits than the scale, a scale past 10^18. */
	tv_fmt_decimal(125, 1, 5, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "12,5");
	tv_fmt_decimal(INT64_MAX, 30, 1, TV_LANG_DA, out, sizeof(out));
	ASSERT_STR_EQ(out, "9,2");
}

static int
cmp(const char *a, const char *b)
{
	return tv_da_collate(a, strlen(a), b, strlen(b));
}

/* The order of tv_da_collate and of memcmp on sort keys must agree. */
static int
key_cmp(const char *a, const char *b)
{
	uint8_t ka[256], kb[256];
	size_t la = tv_da_sortkey(a, strlen(a), ka, sizeof(ka));
	size_t lb = tv_da_sortkey(b, strlen(b), kb, sizeof(kb));
	int c;

	ASSERT(la <= 4 * strlen(a) + 3 && lb <= 4 * strlen(b) + 3);
	c = memcmp(ka, kb, la < lb ? la : lb);
	if (c == 0)
		c = la < lb ? -1 : la > lb;
	return c < 0 ? -1 : c > 0;
}

static int
by_collate(const void *a, const void *b)
{
	return cmp(*(const char *const *)a, *(const char *const *)b);
}

TEST(danish_order_of_place_names)
{
	const char *names[] = { "Ølstykke", "Aabenraa", "Zealand", "Køge",
	    "Åbyhøj", "Ærø", "Bårse", "aalborg", "Aarhus", "Barse", "Albertslund",
	    "Ærøskøbing" };
	static const char *const want[] = { "Albertslund", "Barse", "Bårse",
	    "Køge", "Zealand", "Ærø", "Ærøskøbing", "Ølstykke", "Aabenraa",
	    "Åbyhøj", "aalborg", "Aarhus" };
	size_t n = sizeof(names) / sizeof(names[0]);

	qsort(names, n, sizeof(names[0]), by_collate);
	for (size_t i = 0; i < n; i++)
		ASSERT_STR_EQ(names[i], want[i]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			ASSERT_EQ(key_cmp(want[i], want[j]),
			    i < j ? -1 : i > j);
}

TEST(danish_letters_and_folding)
{
	ASSERT(cmp("Zoo", "Æble") < 0);
	ASSERT(cmp("Æble", "Øl") < 0);
	ASSERT(cmp("Øl", "Ål") < 0);
	ASSERT(cmp("ærø", "ÆRØ") > 0 && cmp("ærø", "ÆRØ") == key_cmp("ærø", "ÆRØ"));
	/* Case aside first: "b" before "C". */
	ASSERT(cmp("b", "C") < 0);
	/* ä as æ, ö as ø, ü as y, é as e. */
	ASSERT(cmp("Bär", "Bæq") > 0 && cmp("Bär", "Bæs") < 0);
	ASSERT(cmp("Bör", "Bøs") < 0 && cmp("Bör", "Bøq") > 0);
	ASSERT(cmp("Müller", "Myller") > 0 && cmp("Müller", "Mymer") < 0);
	ASSERT(cmp("Müller", "Mz") < 0);
	ASSERT(cmp("Café", "Cafe") > 0 && cmp("Café", "Cafg") < 0);
	/* The old spelling of å only at a word's start. */
	ASSERT(cmp("Aabenraa", "Zealand") > 0);
	ASSERT(cmp("Store Aadal", "Store Zoo") > 0);
	ASSERT(cmp("Haarby", "Hz") < 0);
	ASSERT(cmp("A", "Aa") < 0 && cmp("Aa", "B") > 0);
	/* Punctuation, then digits, then letters, then other scripts. */
	ASSERT(cmp("Ny By", "Nyby") < 0);
	ASSERT(cmp("9. klasse", "A") < 0);
	ASSERT(cmp("10", "9") < 0);	/* text order, not numeric */
	ASSERT(cmp("Å", "Ω") < 0);
	/* Total order: equal only when the bytes are. */
	ASSERT_EQ(cmp("Køge", "Køge"), 0);
	ASSERT(cmp("", "a") < 0 && cmp("a", "") > 0 && cmp("", "") == 0);
	/* Invalid UTF-8 after every letter, never read past the end. */
	ASSERT(cmp("\xff", "Å") > 0);
	ASSERT(cmp("\xc3", "\xc3\xa5") != 0);
	ASSERT_EQ(tv_da_collate("ab", 1, "ac", 1), 0);
}

TEST(times_at_the_limits)
{
	int64_t out;

	ASSERT_STR_EQ(when(TV_TIME_MIN, TV_LANG_DA, TV_FMT_NUMERIC),
	    "01-01-0001 01.00");
	ASSERT_STR_EQ(when(TV_TIME_MIN - 1, TV_LANG_DA, TV_FMT_LONG), "?");
	ASSERT_STR_EQ(when(TV_TIME_MAX - 3600, TV_LANG_EN, TV_FMT_LONG),
	    "Fri 31 Dec 9999, 23:59");
	ASSERT_STR_EQ(when(TV_TIME_MAX, TV_LANG_EN, TV_FMT_LONG), "?");
	ASSERT_STR_EQ(when(INT64_MAX, TV_LANG_DA, TV_FMT_LONG), "?");
	ASSERT_STR_EQ(when(INT64_MIN, TV_LANG_DA, TV_FMT_LONG), "?");
	ASSERT(!tv_cph_is_summer(INT64_MAX) && !tv_cph_is_summer(INT64_MIN));
	ASSERT_EQ(tv_cph_utc_to_local(INT64_MAX), INT64_MAX);
	ASSERT(!tv_cph_local_to_utc(INT64_MIN, &out));
	ASSERT(!tv_cph_local_to_utc(INT64_MAX, &out));

	char buf[32];
	tv_fmt_date(10000, 1, 1, TV_LANG_DA, TV_FMT_LONG, buf, sizeof(buf));
	ASSERT_STR_EQ(buf, "?");
	tv_fmt_date(2025, 2, 29, TV_LANG_DA, TV_FMT_LONG, buf, sizeof(buf));
	ASSERT_STR_EQ(buf, "?");
	tv_fmt_date(INT64_MIN, 1, 1, TV_LANG_EN, TV_FMT_LONG, buf, sizeof(buf));
	ASSERT_STR_EQ(buf, "?");
	tv_fmt_date(9999, 12, 31, TV_LANG_EN, TV_FMT_LONG, buf, sizeof(buf));
	ASSERT_STR_EQ(buf, "Fri 31 Dec 9999");
}

TEST(sortkey_bounds)
{
	uint8_t key[16];
	const char *s = "Aabenraa";
	size_t full = tv_da_sortkey(s, strlen(s), NULL, 0);

	/* 7 weights (initial "Aa" is one) + end + 8 bytes. */
	ASSERT_EQ(full, 7 * 3 + 3 + 8);
	memset(key, 0xee, sizeof(key));
	ASSERT_EQ(tv_da_sortkey(s, strlen(s), key, 10), full);
	ASSERT_EQ(key[10], 0xee);
}

TEST_MAIN(calendar_round_trip, summer_time_spring, summer_time_autumn,
    summer_time_other_years, dates_danish_and_english,
    formatters_cut_like_snprintf, numbers, danish_order_of_place_names,
    danish_letters_and_folding, times_at_the_limits, sortkey_bounds)
