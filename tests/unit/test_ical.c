/*
 * The iCalendar writer (proto/ical.c): folding at exactly 75 octets
 * without splitting a UTF-8 character or an escape, TEXT escaping, CRLF,
 * and the VEVENT of an event (times, all-day dates, UID, SEQUENCE,
 * STATUS, RRULE), also when memory runs out.
 */
#define _GNU_SOURCE	/* memmem */
#include "test.h"

#include "body.h"
#include "caltime.h"
#include "err.h"
#include "fault.h"
#include "ical.h"
#include "ids.h"

static char *
text_of(struct tv_buf *b)
{
	char *s = malloc(b->len + 1);

	ASSERT(s != NULL);
	memcpy(s, b->data, b->len);
	s[b->len] = 0;
	return s;
}

/* Checks RFC 5545 §3.1 on every physical line and returns the unfolded text. */
static char *
unfold_checked(struct tv_buf *b)
{
	char *out = malloc(b->len + 1);
	size_t o = 0, i = 0;

	ASSERT(out != NULL);
	ASSERT(b->len >= 2 && b->data[b->len - 2] == '\r' &&
	    b->data[b->len - 1] == '\n');
	while (i < b->len) {
		const uint8_t *line = b->data + i;
		const uint8_t *crlf = memmem(line, b->len - i, "\r\n", 2);
		size_t len;

		ASSERT(crlf != NULL);
		len = (size_t)(crlf - line);
		ASSERT(len <= TV_ICAL_LINE_MAX);
		ASSERT(memchr(line, '\n', len) == NULL);
		/* No line starts inside a character or ends inside one. */
		ASSERT(len == 0 || (line[len - 1] & 0xc0) != 0xc0);
		if (i > 0 && line[0] == ' ') {
			ASSERT(len < 2 || (line[1] & 0xc0) != 0x80);
			memcpy(out + o, line + 1, len - 1);
			o += len - 1;
		} else {
			if (o > 0)
				out[o++] = '\n';
			memcpy(out + o, line, len);
			o += len;
		}
		i += len + 2;
	}
	out[o] = 0;
	return out;
}

/* Lengths of the physical lines of b, up to n of them; returns the count. */
static size_t
line_lengths(struct tv_buf *b, size_t *lens, size_t n)
{
	size_t count = 0, i = 0;

	while (i < b->len && count < n) {
		const uint8_t *crlf = memmem(b->data + i, b->len - i, "\r\n", 2);
		ASSERT(crlf != NULL);
		lens[count++] = (size_t)(crlf - (b->data + i));
		i = (size_t)(crlf - b->data) + 2;
	}
	return count;
}

/* One content line "X:" + value; returns the physical line lengths. */
static size_t
fold(const char *value, size_t *lens, size_t n, char **unfolded)
{
	struct tv_buf b;
	size_t count;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_ical_line(&b, "X", value, strlen(value)), 0);
	count = line_lengths(&b, lens, n);
	*unfolded = unfold_checked(&b);
	tv_buf_free(&b);
	return count;
}

static char *
ascii(size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 1);

	memset(s, 'a', n);
	strcpy(s + n, tail);
	return s;
}

TEST(fold_at_75_and_76)
{
	size_t lens[8];
	char *u, *v;

	v = ascii(73, "");			/* "X:" + 73 = 75 octets */
	ASSERT_EQ(fold(v, lens, 8, &u), 1);
	ASSERT_EQ(lens[0], 75);
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
	v = ascii(74, "");			/* 76: one octet moves on */
	ASSERT_EQ(fold(v, lens, 8, &u), 2);
	ASSERT_EQ(lens[0], 75);
	ASSERT_EQ(lens[1], 2);			/* " a" */
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
}

TEST(fold_long_lines)
{
	size_t lens[8];
	char *u, *v = ascii(200, "");

	/* 202 octets: 75, then 1 space + 74 per continuation line. */
	ASSERT_EQ(fold(v, lens, 8, &u), 3);
	ASSERT_EQ(lens[0], 75);
	ASSERT_EQ(lens[1], 75);
	ASSERT_EQ(lens[2], 1 + 202 - 75 - 74);
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
}

TEST(fold_never_splits_utf8)
{
	size_t lens[8];
	char *u, *v;

	v = ascii(72, "æ");			/* 74 + 2 = 76: æ moves on whole */
	ASSERT_EQ(fold(v, lens, 8, &u), 2);
	ASSERT_EQ(lens[0], 74);
	ASSERT_EQ(lens[1], 3);
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
	v = ascii(71, "æ");			/* 73 + 2 = 75: fits */
	ASSERT_EQ(fold(v, lens, 8, &u), 1);
	ASSERT_EQ(lens[0], 75);
	free(u);
	free(v);
	v = ascii(71, "€x");			/* 73 + 3 = 76: € moves on */
	ASSERT_EQ(fold(v, lens, 8, &u), 2);
	ASSERT_EQ(lens[0], 73);
	ASSERT_EQ(lens[1], 5);
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
	v = ascii(72, "€");			/* 74 + 3 = 77, one short of it */
	ASSERT_EQ(fold(v, lens, 8, &u), 2);
	ASSERT_EQ(lens[0], 74);
	free(u);
	free(v);
	v = ascii(70, "€");			/* 72 + 3 = 75: fits */
	ASSERT_EQ(fold(v, lens, 8, &u), 1);
	free(u);
	free(v);
	v = ascii(72, "😀");			/* 4 octets, 74 + 4: moves on */
	ASSERT_EQ(fold(v, lens, 8, &u), 2);
	ASSERT_EQ(lens[0], 74);
	ASSERT_STR_EQ(u + 2, v);
	free(u);
	free(v);
}

TEST(text_escaping)
{
	static const char in[] = "a\\b;c,d\ne\r\nf\rg\x01h\ti\x7fj";
	struct tv_buf b;
	char *s;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_ical_text(&b, "SUMMARY", in, sizeof(in) - 1), 0);
	s = text_of(&b);
	ASSERT_STR_EQ(s, "SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\\ngh\tij\r\n");
	free(s);
	tv_buf_free(&b);
}

TEST(escape_is_never_split)
{
	struct tv_buf b;
	size_t lens[4];
	char *v = ascii(65, ",");	/* "SUMMARY:" + 65 = 73, then "\," */
	char *u;

	tv_buf_init(&b, 0);
	ASSERT_EQ(tv_ical_text(&b, "SUMMARY", v, strlen(v)), 0);
	ASSERT_EQ(line_lengths(&b, lens, 4), 1);
	ASSERT_EQ(lens[0], 75);
	tv_buf_reset(&b);
	free(v);
	v = ascii(66, ",");		/* 74, then the escape moves on whole */
	ASSERT_EQ(tv_ical_text(&b, "SUMMARY", v, strlen(v)), 0);
	ASSERT_EQ(line_lengths(&b, lens, 4), 2);
	ASSERT_EQ(lens[0], 74);
	ASSERT_EQ(lens[1], 3);
	u = unfold_checked(&b);
	ASSERT(strstr(u, "aa\\,") != NULL);
	free(u);
	free(v);
	tv_buf_free(&b);
}

/* A record envelope as the writer reads it: origin, id, timestamp. */
static struct tv_record
record(uint8_t seed, uint64_t ts)
{
	static uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	struct tv_record r = { 0 };

	memset(origin, seed, sizeof(origin));
	memset(id, seed + 1, sizeof(id));
	r.origin = origin;
	r.id = id;
	r.timestamp = ts;
	return r;
}

/* The unfolded calendar of one event. */
static char *
calendar(const struct tv_record *r, const struct test_body *b, const char *lang)
{
	struct tv_buf buf;
	char *u;

	tv_buf_init(&buf, 0);
	ASSERT_EQ(tv_ical_begin(&buf, "-//tvaers//test//EN", "Østby"), 0);
	ASSERT_EQ(tv_ical_event(&buf, r, &b->map, lang), 0);
	ASSERT_EQ(tv_ical_end(&buf), 0);
	u = unfold_checked(&buf);
	tv_buf_free(&buf);
	return u;
}

TEST(timed_event)
{
	struct tv_record r = record(7, 1767225600000000ull + 5000000);
	struct test_body b = { 0 };
	char *u;

	test_body_str(&b, "title", "Ildsjælekonference på Lolland, Falster og Møn");
	test_body_uint(&b, "start", (uint64_t)test_cph(2025, 11, 8, 9, 30));
	test_body_uint(&b, "end", (uint64_t)test_cph(2025, 11, 9, 13, 0));
	test_body_str(&b, "place", "Hotel; Maribo");
	test_body_uint(&b, "price", 450);
	test_body_str(&b, "status", "cancelled");
	u = calendar(&r, &b, "da");
	ASSERT(strncmp(u, "BEGIN:VCALENDAR\nVERSION:2.0\n", 28) == 0);
	ASSERT(strstr(u, "\nBEGIN:VTIMEZONE\nTZID:Europe/Copenhagen\n") != NULL);
	ASSERT(strstr(u, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n") != NULL);
	ASSERT(strstr(u, "\nDTSTART;TZID=Europe/Copenhagen:20251108T093000\n"));
	ASSERT(strstr(u, "\nDTEND;TZID=Europe/Copenhagen:20251109T130000\n"));
	ASSERT(strstr(u, "\nSUMMARY:Ildsjælekonference på Lolland\\, Falster "
	    "og Møn\n"));
	ASSERT(strstr(u, "\nLOCATION:Hotel\\; Maribo\n"));
	ASSERT(strstr(u, "\nDESCRIPTION:Pris: 450 kr.\n"));
	ASSERT(strstr(u, "\nSTATUS:CANCELLED\n"));
	/* 2026-01-01T00:00:05Z: SEQUENCE counts seconds from 2024-01-01. */
	ASSERT(strstr(u, "\nDTSTAMP:20260101T000005Z\n"));
	ASSERT(strstr(u, "\nSEQUENCE:63158405\n"));
	{
		char area[TV_AREA_TEXT_LEN + 1], id[TV_ID_TEXT_LEN + 1];
		char uid[160];

		tv_area_text(r.origin, area);
		tv_id_text(r.id, id);
		snprintf(uid, sizeof(uid), "\nUID:%s@%s.tvaers\n", id, area);
		ASSERT(strstr(u, uid) != NULL);
	}
	ASSERT(strstr(u, "\nEND:VEVENT\nEND:VCALENDAR") != NULL);
	free(u);
}

TEST(uid_stable_sequence_grows)
{
	struct tv_record a = record(3, 1800000000000000ull);
	struct tv_record b2 = record(3, 1800000001000000ull);
	struct test_body b = { 0 };
	char *u1, *u2, *uid1, *uid2;

	test_body_str(&b, "title", "Loppemarked");
	test_body_str(&b, "start", "2027-01-16");
	u1 = calendar(&a, &b, "en");
	u2 = calendar(&b2, &b, "en");
	uid1 = strstr(u1, "\nUID:");
	uid2 = strstr(u2, "\nUID:");
	ASSERT(uid1 != NULL && uid2 != NULL);
	ASSERT(strncmp(uid1, uid2, (size_t)(strchr(uid1 + 1, '\n') - uid1)) == 0);
	ASSERT(strstr(u1, "\nSEQUENCE:95932800\n"));
	ASSERT(strstr(u2, "\nSEQUENCE:95932801\n"));
	free(u1);
	free(u2);
}

TEST(sequence_limits)
{
	ASSERT_EQ(tv_ical_sequence(0), 0);
	ASSERT_EQ(tv_ical_sequence(TV_ICAL_SEQUENCE_EPOCH * 1000000ull), 0);
	ASSERT_EQ(tv_ical_sequence((TV_ICAL_SEQUENCE_EPOCH + 1) * 1000000ull), 1);
	ASSERT_EQ(tv_ical_sequence((TV_ICAL_SEQUENCE_EPOCH + 2147483647ull) *
	    1000000ull), 2147483647);
	ASSERT_EQ(tv_ical_sequence(UINT64_MAX), 2147483647);
}

TEST(all_day_event)
{
	struct tv_record r = record(1, 1800000000000000ull);
	struct test_body b = { 0 }, c = { 0 };
	char *u;

	test_body_str(&b, "title", "Sommerfest");
	test_body_str(&b, "start", "2026-06-27");
	test_body_str(&b, "end", "2026-06-28");
	test_body_str(&b, "status", "planned");
	u = calendar(&r, &b, "en");
	ASSERT(strstr(u, "\nDTSTART;VALUE=DATE:20260627\n"));
	ASSERT(strstr(u, "\nDTEND;VALUE=DATE:20260629\n"));	/* exclusive */
	ASSERT(strstr(u, "\nSTATUS:CONFIRMED\n"));
	free(u);
	test_body_str(&c, "title", "Juleaften");
	test_body_str(&c, "start", "2026-12-24");
	u = calendar(&r, &c, "en");
	ASSERT(strstr(u, "\nDTEND;VALUE=DATE:20261225\n"));
	ASSERT(strstr(u, "STATUS:") == NULL);
	free(u);
}

TEST(place_categories_url_rrule)
{
	struct tv_record r = record(1, 1800000000000000ull);
	struct test_body b = { 0 };
	struct tv_value *loc, *interests;
	char *u;

	test_body_str(&b, "title", "Gåtur");
	test_body_uint(&b, "start", (uint64_t)test_cph(2026, 3, 3, 19, 0));
	test_body_str(&b, "address", "Bygaden 1, 4660 Store Heddinge");
	test_body_str(&b, "signup", "https://example.org/gaatur?x=1;y=2");
	test_body_str(&b, "recurrence", "FREQ=WEEKLY;UNTIL=20260630T170000Z");
	loc = test_body_array(&b, "location", 2);
	loc[0].type = loc[1].type = TV_UINT;
	loc[0].u = 55461200;
	loc[1].u = 12182300;
	interests = test_body_array(&b, "interests", 2);
	tv_set_str(&interests[0], "miljoe", 6);
	tv_set_str(&interests[1], "hunde;katte", 11);
	u = calendar(&r, &b, "da");
	ASSERT(strstr(u, "\nLOCATION:Bygaden 1\\, 4660 Store Heddinge\n"));
	ASSERT(strstr(u, "\nGEO:55.461200;12.182300\n"));
	ASSERT(strstr(u, "\nCATEGORIES:Miljø\\, klima og energi,hunde\\;katte\n"));
	ASSERT(strstr(u, "\nURL:https://example.org/gaatur?x=1;y=2\n"));
	ASSERT(strstr(u, "\nRRULE:FREQ=WEEKLY;UNTIL=20260630T170000Z\n"));
	ASSERT(strstr(u, "DTEND") == NULL);
	free(u);
}

TEST(unsafe_recurrence_and_signup_stay_text)
{
	struct tv_record r = record(1, 1800000000000000ull);
	struct test_body b = { 0 };
	char *u;

	test_body_str(&b, "title", "x");
	test_body_str(&b, "start", "2026-01-02");
	test_body_str(&b, "recurrence", "FREQ=DAILY\r\nATTACH:http://evil");
	test_body_str(&b, "signup", "kasserer@example.org");
	u = calendar(&r, &b, "en");
	ASSERT(strstr(u, "RRULE:FREQ=DAILY") == NULL);
	ASSERT(strstr(u, "\nATTACH") == NULL);
	ASSERT(strstr(u, "\nURL:") == NULL);
	ASSERT(strstr(u, "\nDESCRIPTION:Sign-up: kasserer@example.org\n"));
	free(u);
}

TEST(event_without_start)
{
	struct tv_record r = record(1, 1);
	struct test_body b = { 0 };
	struct tv_buf buf;

	test_body_str(&b, "title", "x");
	tv_buf_init(&buf, 0);
	ASSERT_EQ(tv_ical_event(&buf, &r, &b.map, "en"), TV_ESCHEMA);
	ASSERT_EQ(buf.len, 0);
	tv_buf_free(&buf);
}

TEST(out_of_memory)
{
	struct tv_record r = record(1, 1800000000000000ull);
	struct test_body b = { 0 };
	struct tv_buf buf;
	int rc;

	test_body_str(&b, "title", "Fællesspisning i forsamlingshuset");
	test_body_str(&b, "description", "Medbring selv service.");
	test_body_uint(&b, "price", 50);
	test_body_str(&b, "start", "2026-02-05");
	for (long n = 0;; n++) {
		tv_buf_init(&buf, 0);
		fault_fail_after(n);
		rc = tv_ical_begin(&buf, "-//tvaers//test//EN", NULL);
		if (rc == 0)
			rc = tv_ical_event(&buf, &r, &b.map, "da");
		fault_fail_after(-1);
		tv_buf_free(&buf);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(n < 100);
	}
}

TEST_MAIN(fold_at_75_and_76, fold_long_lines, fold_never_splits_utf8,
    text_escaping, escape_is_never_split, timed_event,
    uid_stable_sequence_grows, sequence_limits, all_day_event,
    place_categories_url_rrule, unsafe_recurrence_and_signup_stay_text,
    event_without_start, out_of_memory)
