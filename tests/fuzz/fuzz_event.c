/*
 * Events as peers send them: the first byte chooses the input.
 *   0: text for the RRULE reader and the date reader the CLI uses;
 *   otherwise: a msgpack body for tv_event_span, tv_event_expiry and the
 *      iCalendar writer, whose output must keep RFC 5545's shape whatever
 *      the body holds: CRLF only, lines of at most 75 octets, each of them
 *      whole UTF-8, continuation lines starting with a space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "canon.h"
#include "event.h"
#include "ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True if p[0..len) is whole UTF-8 (structure only). */
static int
whole_utf8(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = p[i] < 0x80 ? 1 : (p[i] & 0xe0) == 0xc0 ? 2 :
		    (p[i] & 0xf0) == 0xe0 ? 3 : (p[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || n > len - i)
			return 0;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += n;
	}
	return 1;
}

static void
check_shape(const struct tv_buf *b)
{
	size_t i = 0;

	if (b->len < 2 || memcmp(b->data + b->len - 2, "\r\n", 2) != 0)
		abort();
	while (i < b->len) {
		const uint8_t *line = b->data + i;
		size_t len = 0;

		while (i + len < b->len && line[len] != '\r' && line[len] != '\n')
			len++;
		if (i + len + 1 >= b->len || line[len] != '\r' ||
		    line[len + 1] != '\n')
			abort();	/* a bare CR or LF */
		if (len > TV_ICAL_LINE_MAX || !whole_utf8(line, len))
			abort();
		for (size_t k = 0; k < len; k++)
			if ((line[k] < 0x20 && line[k] != '\t') || line[k] == 0x7f)
				abort();
		i += len + 2;
	}
}

static void
body_input(const uint8_t *data, size_t size, int keep)
{
	static const uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	struct tv_record r = { .origin = origin, .id = id,
	    .timestamp = 1800000000000000ull };
	const struct tv_value *body;
	struct tv_event_span sp;
	struct tv_doc *doc;
	struct tv_buf b;
	int64_t at;

	if (tv_decode(data, size, &doc, &body) != 0)
		return;
	if (tv_event_span(body, &sp) == 0) {
		if (sp.end < sp.start || sp.series_end < sp.end ||
		    (sp.is_all_day && sp.end_day <= sp.start_day))
			abort();
		if (tv_event_expiry(body, keep, &at) != 0)
			abort();
	}
	tv_buf_init(&b, 0);
	tv_ical_begin(&b, "-//tvaers//fuzz//EN", NULL);
	if (tv_ical_event(&b, &r, body, keep % 2 ? "da" : "en") == 0 &&
	    tv_ical_end(&b) == 0)
		check_shape(&b);
	tv_buf_free(&b);
	tv_doc_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t until, y;
	int m, d;

	if (size < 1)
		return 0;
	if (data[0] == 0) {
		if (tv_event_rrule((const char *)data + 1, size - 1, &until) &&
		    size - 1 > 200)
			abort();
		if (tv_date_read((const char *)data + 1, size - 1, &y, &m,
		    &d) > size - 1)
			abort();
		return 0;
	}
	body_input(data + 1, size - 1, 1 + data[0] % TV_EVENT_KEEP_MONTHS_MAX);
	return 0;
}
