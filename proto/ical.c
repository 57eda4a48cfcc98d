/*
 * iCalendar writer (ical.h). A content line is written through a small
 * folding writer that knows how many octets the physical line holds and
 * treats each UTF-8 character, and each TEXT escape, as one unit that never
 * straddles a fold (RFC 5545 §3.1).
 */
#include "ical.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "caltime.h"
#include "err.h"
#include "event.h"
#include "ids.h"
#include "kinds.h"

#define TZID "Europe/Copenhagen"

/* One content line being written: the octets on its current physical line. */
struct line {
	struct tv_buf *b;
	size_t col;
};

/* Appends one unit that must stay whole, folding before it if needed. */
static void
put_unit(struct line *l, const void *p, size_t n)
{
	if (l->col + n > TV_ICAL_LINE_MAX) {
		tv_buf_put(l->b, "\r\n ", 3);
		l->col = 1;
	}
	tv_buf_put(l->b, p, n);
	l->col += n;
}

/* Octets of the UTF-8 character whose lead byte is c (1 for a stray byte). */
static size_t
utf8_len(uint8_t c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Appends text as it is, one character per unit. */
static void
put_raw(struct line *l, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len((uint8_t)s[i]);
		if (n > len - i)
			n = len - i;
		put_unit(l, s + i, n);
		i += n;
	}
}

/* Appends TEXT with RFC 5545 §3.3.11 escapes; an escape is one unit. */
static void
put_escaped(struct line *l, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint8_t c = (uint8_t)s[i];
		size_t n;

		if (c == '\\' || c == ';' || c == ',') {
			char esc[2] = { '\\', (char)c };
			put_unit(l, esc, 2);
			i++;
		} else if (c == '\n' || c == '\r') {
			/* CRLF, CR and LF are each one line break. */
			put_unit(l, "\\n", 2);
			i += c == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			i++;	/* RFC 5545 TEXT has no other control characters */
		} else {
			n = utf8_len(c);
			if (n > len - i)
				n = len - i;
			put_unit(l, s + i, n);
			i += n;
		}
	}
}

static int
line_end(struct line *l)
{
	return tv_buf_put(l->b, "\r\n", 2);
}

/* One content line, the value escaped as TEXT or written as it is. */
static int
put_line(struct tv_buf *b, const char *name, const char *value, size_t len,
    bool is_text)
{
	struct line l = { .b = b };

	put_raw(&l, name, strlen(name));
	put_unit(&l, ":", 1);
	if (is_text)
		put_escaped(&l, value, len);
	else
		put_raw(&l, value, len);
	return line_end(&l);
}

int
tv_ical_line(struct tv_buf *b, const char *name, const char *value,
    size_t len)
{
	return put_line(b, name, value, len, false);
}

int
tv_ical_text(struct tv_buf *b, const char *name, const char *text,
    size_t len)
{
	return put_line(b, name, text, len, true);
}

static int
put_cline(struct tv_buf *b, const char *line)
{
	const char *colon = strchr(line, ':');
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)(colon - line), line);
	return tv_ical_line(b, name, colon + 1, strlen(colon + 1));
}

int
tv_ical_begin(struct tv_buf *b, const char *prodid, const char *name)
{
	/*
	 * The rule proto's own conversions use (caltime.h): the EU rule for
	 * every year, so the calendar and `tvaers events` always agree.
	 */
	static const char *const vtimezone[] = {
		"BEGIN:VTIMEZONE",
		("TZID:" TZID),
		"BEGIN:DAYLIGHT",
		"TZOFFSETFROM:+0100",
		"TZOFFSETTO:+0200",
		"TZNAME:CEST",
		"DTSTART:19700329T020000",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
		"END:DAYLIGHT",
		"BEGIN:STANDARD",
		"TZOFFSETFROM:+0200",
		"TZOFFSETTO:+0100",
		"TZNAME:CET",
		"DTSTART:19701025T030000",
		"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		"END:STANDARD",
		"END:VTIMEZONE",
	};

	put_cline(b, "BEGIN:VCALENDAR");
	put_cline(b, "VERSION:2.0");
	tv_ical_text(b, "PRODID", prodid, strlen(prodid));
	put_cline(b, "CALSCALE:GREGORIAN");
	if (name != NULL)
		tv_ical_text(b, "X-WR-CALNAME", name, strlen(name));
	put_cline(b, "X-WR-TIMEZONE:" TZID);
	for (size_t i = 0; i < sizeof(vtimezone) / sizeof(vtimezone[0]); i++)
		put_cline(b, vtimezone[i]);
	return b->err;
}

int
tv_ical_end(struct tv_buf *b)
{
	return put_cline(b, "END:VCALENDAR");
}

int64_t
tv_ical_sequence(uint64_t ts)
{
	uint64_t s = ts / 1000000;

	if (s <= TV_ICAL_SEQUENCE_EPOCH)
		return 0;
	s -= TV_ICAL_SEQUENCE_EPOCH;
	return s > INT32_MAX ? INT32_MAX : (int64_t)s;
}

/* Room for the longest date or time text snprintf can imagine. */
#define STAMP_MAX 48

/* "YYYYMMDD" of day z. */
static void
date_text(int64_t z, char out[static STAMP_MAX])
{
	int64_t y;
	int m, d;

	tv_civil_from_days(z, &y, &m, &d);
	snprintf(out, STAMP_MAX, "%04d%02d%02d", (int)(y % 10000), m, d);
}

/* "YYYYMMDDTHHMMSS" of t seconds (UTC, or local as if UTC). */
static void
datetime_text(int64_t t, char out[static STAMP_MAX])
{
	int64_t day = tv_floor_div(t, TV_DAY_SECONDS);
	int64_t s = t - day * TV_DAY_SECONDS;
	char date[STAMP_MAX];
	size_t n;

	date_text(day, date);
	n = strlen(date);
	memcpy(out, date, n);
	snprintf(out + n, STAMP_MAX - n, "T%02u%02u%02u",
	    (unsigned)(s / 3600) % 24u, (unsigned)(s / 60 % 60) % 60u,
	    (unsigned)(s % 60) % 60u);
}

/* DTSTART or DTEND: a date, or a Copenhagen time with its TZID. */
static void
put_when(struct tv_buf *b, const char *prop, bool is_date, int64_t day,
    int64_t t)
{
	char name[48], value[STAMP_MAX];

	if (is_date) {
		snprintf(name, sizeof(name), "%s;VALUE=DATE", prop);
		date_text(day, value);
	} else {
		snprintf(name, sizeof(name), "%s;TZID=" TZID, prop);
		datetime_text(tv_cph_utc_to_local(t), value);
	}
	tv_ical_line(b, name, value, strlen(value));
}

static const struct tv_value *
str_field(const struct tv_value *body, const char *key)
{
	const struct tv_value *v = tv_map_get(body, key);
	return v != NULL && v->type == TV_STR && v->len > 0 ? v : NULL;
}

/* The text of a value as a NUL-free view. */
#define VIEW(v) (const char *)(v)->bytes, (v)->len

static bool
is_http_url(const struct tv_value *v)
{
	if (!(v->len > 8 && (memcmp(v->bytes, "https://", 8) == 0 ||
	    memcmp(v->bytes, "http://", 7) == 0)))
		return false;
	for (uint32_t i = 0; i < v->len; i++)
		if (v->bytes[i] <= ' ' || v->bytes[i] == 0x7f ||
		    v->bytes[i] == '"')
			return false;
	return true;
}

/* Appends "\n\n" between parts of a description being built. */
static void
desc_sep(struct tv_buf *d)
{
	if (d->len > 0)
		tv_buf_put(d, "\n\n", 2);
}

/* "Label: value" with the field's label in lang, first letter upper case. */
static void
desc_labelled(struct tv_buf *d, const char *field, const char *value,
    size_t len, const char *lang)
{
	const struct tv_kind *k = tv_kind_by_wire("event", 5);
	const struct tv_field *f = k ? tv_kind_field(k, field) : NULL;
	const char *label = f == NULL ? field : strcmp(lang, "da") == 0 ?
	    f->da : f->en;
	char first = label[0] >= 'a' && label[0] <= 'z' ?
	    (char)(label[0] - 'a' + 'A') : label[0];

	desc_sep(d);
	tv_buf_put(d, &first, 1);
	tv_buf_put(d, label + 1, strlen(label + 1));
	tv_buf_put(d, ": ", 2);
	tv_buf_put(d, value, len);
}

/* DESCRIPTION: the description, then price and a sign-up that is no URL. */
static void
put_description(struct tv_buf *b, const struct tv_value *body,
    const char *lang)
{
	const struct tv_kind *k = tv_kind_by_wire("event", 5);
	const struct tv_value *desc = str_field(body, "description");
	const struct tv_value *price = tv_map_get(body, "price");
	const struct tv_value *signup = str_field(body, "signup");
	struct tv_buf d;
	char money[64];
	size_t n;

	tv_buf_init(&d, 0);
	if (desc != NULL)
		tv_buf_put(&d, desc->bytes, desc->len);
	if (price != NULL && k != NULL && price->type == TV_UINT) {
		n = tv_field_format(tv_kind_field(k, "price"), price, lang,
		    money, sizeof(money));
		desc_labelled(&d, "price", money, n, lang);
	}
	if (signup != NULL && !is_http_url(signup))
		desc_labelled(&d, "signup", VIEW(signup), lang);
	if (d.err != 0 && b->err == 0)
		b->err = d.err;
	if (d.len > 0 && d.err == 0)
		tv_ical_text(b, "DESCRIPTION", (const char *)d.data, d.len);
	tv_buf_free(&d);
}

/* CATEGORIES: the interests' labels in lang, and free tags as they are. */
static void
put_categories(struct tv_buf *b, const struct tv_value *body,
    const char *lang)
{
	const struct tv_value *list = tv_map_get(body, "interests");
	struct line l = { .b = b };
	bool any = false;

	if (list == NULL || list->type != TV_ARRAY)
		return;
	for (uint32_t i = 0; i < list->len; i++) {
		const struct tv_value *it = &list->items[i];
		const struct tv_interest *in;
		const char *label;

		if (it->type != TV_STR || it->len == 0)
			continue;
		put_raw(&l, any ? "," : "CATEGORIES:", any ? 1 : 11);
		any = true;
		in = tv_interest_find((const char *)it->bytes, it->len);
		label = in == NULL ? NULL : strcmp(lang, "da") == 0 ? in->da :
		    in->en;
		if (label != NULL)
			put_escaped(&l, label, strlen(label));
		else
			put_escaped(&l, VIEW(it));
	}
	if (any)
		line_end(&l);
}

/* LOCATION (place, address) and GEO (latitude;longitude in degrees). */
static void
put_place(struct tv_buf *b, const struct tv_value *body)
{
	const struct tv_value *place = str_field(body, "place");
	const struct tv_value *addr = str_field(body, "address");
	const struct tv_value *loc = tv_map_get(body, "location");
	struct line l = { .b = b };
	char geo[48];

	if (place != NULL || addr != NULL) {
		put_raw(&l, "LOCATION:", 9);
		if (place != NULL)
			put_escaped(&l, VIEW(place));
		if (place != NULL && addr != NULL)
			put_escaped(&l, ", ", 2);
		if (addr != NULL)
			put_escaped(&l, VIEW(addr));
		line_end(&l);
	}
	if (loc != NULL && loc->type == TV_ARRAY && loc->len == 2 &&
	    loc->items[0].type == TV_UINT && loc->items[1].type == TV_UINT &&
	    loc->items[0].u <= 90000000 && loc->items[1].u <= 180000000) {
		uint64_t lat = loc->items[0].u, lon = loc->items[1].u;
		snprintf(geo, sizeof(geo), "%" PRIu64 ".%06" PRIu64 ";%"
		    PRIu64 ".%06" PRIu64, lat / 1000000, lat % 1000000,
		    lon / 1000000, lon % 1000000);
		tv_ical_line(b, "GEO", geo, strlen(geo));
	}
}

/* UID, DTSTAMP, LAST-MODIFIED and SEQUENCE: who and which version. */
static void
put_identity(struct tv_buf *b, const struct tv_record *r)
{
	char area[TV_AREA_TEXT_LEN + 1], id[TV_ID_TEXT_LEN + 1];
	char uid[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 16], stamp[STAMP_MAX];
	char seq[24];

	tv_area_text(r->origin, area);
	tv_id_text(r->id, id);
	/* Stable across versions: the item is (origin, id) (PROTOCOL.md §4.1). */
	snprintf(uid, sizeof(uid), "%s@%s.tvaers", id, area);
	tv_ical_line(b, "UID", uid, strlen(uid));
	datetime_text((int64_t)(r->timestamp / 1000000), stamp);
	strcat(stamp, "Z");
	tv_ical_line(b, "DTSTAMP", stamp, strlen(stamp));
	tv_ical_line(b, "LAST-MODIFIED", stamp, strlen(stamp));
	snprintf(seq, sizeof(seq), "%" PRId64, tv_ical_sequence(r->timestamp));
	tv_ical_line(b, "SEQUENCE", seq, strlen(seq));
}

int
tv_ical_event(struct tv_buf *b, const struct tv_record *r,
    const struct tv_value *body, const char *lang)
{
	const struct tv_value *title, *status, *signup, *rec;
	struct tv_event_span sp;
	int64_t until;
	int rc;

	if ((rc = tv_event_span(body, &sp)) != 0)
		return rc;
	put_cline(b, "BEGIN:VEVENT");
	put_identity(b, r);
	put_when(b, "DTSTART", sp.is_all_day, sp.start_day, sp.start);
	/* RFC 5545 §3.6.1: a DATE DTEND is exclusive, the day after the last. */
	if (sp.is_all_day || sp.has_end)
		put_when(b, "DTEND", sp.is_all_day, sp.end_day, sp.end);
	if ((title = str_field(body, "title")) != NULL)
		tv_ical_text(b, "SUMMARY", VIEW(title));
	put_description(b, body, lang);
	put_place(b, body);
	put_categories(b, body, lang);
	if ((signup = str_field(body, "signup")) != NULL && is_http_url(signup))
		tv_ical_line(b, "URL", VIEW(signup));
	if ((status = str_field(body, "status")) != NULL)
		put_cline(b, tv_str_eq(status, "cancelled") ?
		    "STATUS:CANCELLED" : "STATUS:CONFIRMED");
	/* Only a rule that reads cleanly is copied: it must not inject lines. */
	rec = str_field(body, "recurrence");
	if (rec != NULL && tv_event_rrule(VIEW(rec), &until))
		tv_ical_line(b, "RRULE", VIEW(rec));
	put_cline(b, "END:VEVENT");
	return b->err;
}
