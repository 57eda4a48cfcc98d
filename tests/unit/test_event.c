/*
 * Events in time (proto/event.c): spans of timed and all-day events, the
 * RRULE reader, and the expiry rule of PROTOCOL.md §6.18 at its limits.
 */
#include "test.h"

#include "body.h"
#include "caltime.h"
#include "err.h"
#include "event.h"

static int64_t
day_of(int y, int m, int d)
{
	return tv_days_from_civil(y, m, d);
}

TEST(span_timed)
{
	struct test_body b = { 0 };
	struct tv_event_span sp;

	test_body_uint(&b, "start", (uint64_t)test_cph(2025, 11, 8, 9, 30));
	test_body_uint(&b, "end", (uint64_t)test_cph(2025, 11, 9, 13, 0));
	ASSERT_EQ(tv_event_span(&b.map, &sp), 0);
	ASSERT(!sp.is_all_day);
	ASSERT(sp.has_end);
	ASSERT_EQ(sp.start, test_cph(2025, 11, 8, 9, 30));
	ASSERT_EQ(sp.end, test_cph(2025, 11, 9, 13, 0));
	ASSERT_EQ(sp.series_end, sp.end);
}

TEST(span_end_before_start_is_ignored)
{
	struct test_body b = { 0 };
	struct tv_event_span sp;

	test_body_uint(&b, "start", 2000000000);
	test_body_uint(&b, "end", 1999999999);
	ASSERT_EQ(tv_event_span(&b.map, &sp), 0);
	ASSERT(!sp.has_end);
	ASSERT_EQ(sp.end, 2000000000);
}

TEST(span_all_day_dates)
{
	struct test_body b = { 0 };
	struct tv_event_span sp;

	test_body_str(&b, "start", "2025-06-07");
	test_body_str(&b, "end", "2025-06-08");
	ASSERT_EQ(tv_event_span(&b.map, &sp), 0);
	ASSERT(sp.is_all_day);
	ASSERT_EQ(sp.start_day, day_of(2025, 6, 7));
	ASSERT_EQ(sp.end_day, day_of(2025, 6, 9));	/* exclusive */
	/* Copenhagen midnights, not UTC ones (DATAMODEL.md §7). */
	ASSERT_EQ(sp.start, test_cph(2025, 6, 7, 0, 0));
	ASSERT_EQ(sp.end, test_cph(2025, 6, 9, 0, 0));
	ASSERT_EQ(sp.start, day_of(2025, 6, 7) * 86400 - 7200);
}

TEST(span_all_day_one_day_and_flag)
{
	struct test_body b = { 0 }, c = { 0 };
	struct tv_event_span sp;

	test_body_str(&b, "start", "2026-01-01");
	ASSERT_EQ(tv_event_span(&b.map, &sp), 0);
	ASSERT_EQ(sp.end_day, sp.start_day + 1);
	/* all_day with a time: the Copenhagen day of that time. 23:30 UTC
	 * on 31 December is already 1 January in Denmark. */
	test_body_uint(&c, "start", (uint64_t)(day_of(2025, 12, 31) * 86400 +
	    23 * 3600 + 1800));
	test_body_bool(&c, "all_day", true);
	ASSERT_EQ(tv_event_span(&c.map, &sp), 0);
	ASSERT(sp.is_all_day);
	ASSERT_EQ(sp.start_day, day_of(2026, 1, 1));
}

TEST(span_needs_start)
{
	struct test_body b = { 0 }, c = { 0 };
	struct tv_event_span sp;

	test_body_str(&b, "title", "x");
	ASSERT_EQ(tv_event_span(&b.map, &sp), TV_ESCHEMA);
	test_body_str(&c, "start", "2025-02-30");
	ASSERT_EQ(tv_event_span(&c.map, &sp), TV_ESCHEMA);
	ASSERT_EQ(tv_event_span(NULL, &sp), TV_ESCHEMA);
}

static bool
rrule(const char *s, int64_t *until)
{
	return tv_event_rrule(s, strlen(s), until);
}

TEST(rrule_reader)
{
	int64_t until;
	char big[202];

	ASSERT(rrule("FREQ=WEEKLY", &until));
	ASSERT_EQ(until, TV_EVENT_FOREVER);
	ASSERT(rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=MO,-1SU", &until));
	ASSERT(rrule("FREQ=MONTHLY;UNTIL=20261231", &until));
	ASSERT_EQ(until, test_cph(2027, 1, 1, 0, 0));
	ASSERT(rrule("FREQ=WEEKLY;UNTIL=20260601T120000Z", &until));
	ASSERT_EQ(until, day_of(2026, 6, 1) * 86400 + 12 * 3600);
	ASSERT(rrule("FREQ=WEEKLY;UNTIL=20260601T120000", &until));
	ASSERT_EQ(until, test_cph(2026, 6, 1, 12, 0));
	/* Anything that could smuggle a line or a parameter is refused. */
	ASSERT(!rrule("FREQ=WEEKLY\r\nX-EVIL:1", &until));
	ASSERT(!rrule("FREQ=WEEKLY;", &until));
	ASSERT(!rrule("freq=weekly", &until));
	ASSERT(!rrule("INTERVAL=2", &until));
	ASSERT(!rrule("FREQ=WEEKLY;UNTIL=20260230", &until));
	ASSERT(!rrule("FREQ=WEEKLY;UNTIL=2026", &until));
	ASSERT(!rrule("FREQ=", &until));
	ASSERT(!rrule("", &until));
	ASSERT(!rrule("FREQ=WEEKLY:X", &until));
	/* 200 bytes is the field's limit; 201 is refused. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "FREQ=", 5);
	big[200] = 0;
	ASSERT(rrule(big, &until));
	big[200] = 'A';
	big[201] = 0;
	ASSERT(!rrule(big, &until));
}

TEST(add_months_clamps_and_keeps_the_clock)
{
	/* 19:00 in winter is 19:00 in summer: the wall clock is kept. */
	ASSERT_EQ(tv_cph_add_months(test_cph(2025, 1, 10, 19, 0), 6),
	    test_cph(2025, 7, 10, 19, 0));
	ASSERT_EQ(tv_cph_add_months(test_cph(2024, 1, 31, 12, 0), 1),
	    test_cph(2024, 2, 29, 12, 0));
	ASSERT_EQ(tv_cph_add_months(test_cph(2025, 1, 31, 12, 0), 1),
	    test_cph(2025, 2, 28, 12, 0));
	ASSERT_EQ(tv_cph_add_months(test_cph(2025, 11, 30, 8, 0), 14),
	    test_cph(2027, 1, 30, 8, 0));
	ASSERT_EQ(tv_cph_add_months(test_cph(2025, 6, 10, 0, 0), 12),
	    test_cph(2026, 6, 10, 0, 0));
}

TEST(expiry_timed)
{
	struct test_body b = { 0 };
	int64_t at;

	test_body_uint(&b, "start", (uint64_t)test_cph(2025, 6, 10, 17, 0));
	test_body_uint(&b, "end", (uint64_t)test_cph(2025, 6, 10, 19, 0));
	ASSERT_EQ(tv_event_expiry(&b.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2026, 6, 10, 19, 0));
	/* At the instant, not a second before. */
	ASSERT(tv_event_is_expired(&b.map, 12, at));
	ASSERT(!tv_event_is_expired(&b.map, 12, at - 1));
	ASSERT(tv_event_is_expired(&b.map, 1, test_cph(2025, 7, 10, 19, 0)));
	ASSERT(!tv_event_is_expired(&b.map, 1, test_cph(2025, 7, 10, 18, 59)));
}

TEST(expiry_without_end_counts_from_start)
{
	struct test_body b = { 0 };
	int64_t at;

	test_body_uint(&b, "start", (uint64_t)test_cph(2025, 3, 1, 10, 0));
	ASSERT_EQ(tv_event_expiry(&b.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2026, 3, 1, 10, 0));
}

TEST(expiry_all_day_after_the_last_day)
{
	struct test_body b = { 0 };
	int64_t at;

	test_body_str(&b, "start", "2025-06-07");
	test_body_str(&b, "end", "2025-06-10");
	ASSERT_EQ(tv_event_expiry(&b.map, 12, &at), 0);
	/* The whole last day counts: 12 months after 11 June 00:00. */
	ASSERT_EQ(at, test_cph(2026, 6, 11, 0, 0));
	ASSERT(!tv_event_is_expired(&b.map, 12, test_cph(2026, 6, 10, 23, 59)));
	ASSERT(tv_event_is_expired(&b.map, 12, test_cph(2026, 6, 11, 0, 0)));
}

TEST(expiry_field_wins)
{
	struct test_body b = { 0 }, c = { 0 };
	int64_t at;

	test_body_uint(&b, "start", (uint64_t)test_cph(2025, 6, 10, 17, 0));
	test_body_uint(&b, "expires", (uint64_t)test_cph(2025, 6, 11, 0, 0));
	ASSERT_EQ(tv_event_expiry(&b.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2025, 6, 11, 0, 0));
	/* A later expires keeps the event longer than the keep period. */
	test_body_str(&c, "start", "2025-06-10");
	test_body_str(&c, "expires", "2030-01-01");
	ASSERT_EQ(tv_event_expiry(&c.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2030, 1, 1, 0, 0));
}

TEST(expiry_of_series)
{
	struct test_body b = { 0 }, c = { 0 }, d = { 0 };
	int64_t at;

	test_body_uint(&b, "start", (uint64_t)test_cph(2020, 1, 6, 19, 0));
	test_body_str(&b, "recurrence", "FREQ=WEEKLY");
	ASSERT_EQ(tv_event_expiry(&b.map, 12, &at), 0);
	ASSERT_EQ(at, TV_EVENT_FOREVER);
	ASSERT(!tv_event_is_expired(&b.map, 12, INT64_MAX - 1));

	test_body_uint(&c, "start", (uint64_t)test_cph(2020, 1, 6, 19, 0));
	test_body_str(&c, "recurrence", "FREQ=WEEKLY;UNTIL=20250630");
	ASSERT_EQ(tv_event_expiry(&c.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2026, 7, 1, 0, 0));

	/* A rule that cannot be read: the first date only (§6.13). */
	test_body_uint(&d, "start", (uint64_t)test_cph(2020, 1, 6, 19, 0));
	test_body_str(&d, "recurrence", "every tuesday");
	ASSERT_EQ(tv_event_expiry(&d.map, 12, &at), 0);
	ASSERT_EQ(at, test_cph(2021, 1, 6, 19, 0));
}

TEST(unreadable_body_never_expires)
{
	struct test_body b = { 0 };

	test_body_str(&b, "title", "no start");
	ASSERT(!tv_event_is_expired(&b.map, 12, INT64_MAX));
}

TEST_MAIN(span_timed, span_end_before_start_is_ignored, span_all_day_dates,
    span_all_day_one_day_and_flag, span_needs_start, rrule_reader,
    add_months_clamps_and_keeps_the_clock, expiry_timed,
    expiry_without_end_counts_from_start, expiry_all_day_after_the_last_day,
    expiry_field_wins, expiry_of_series, unreadable_body_never_expires)
