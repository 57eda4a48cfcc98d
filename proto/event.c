/*
 * Events in time (event.h). Times on the wire are seconds UTC or dates
 * (PROTOCOL.md §6.6); an all-day event is a run of Copenhagen days, so its
 * instants are Copenhagen midnights, never UTC ones (DATAMODEL.md §7).
 */
#include "event.h"

#include <string.h>

#include "caltime.h"
#include "err.h"

#define RRULE_MAX 200
#define TIME_MAX 4102444799u	/* PROTOCOL.md §6.2: 2099-12-31 23:59:59 UTC */

/* A time field: seconds UTC (true, *secs) or a date (true, *day). */
static bool
read_time(const struct tv_value *v, int64_t *secs, int64_t *day,
    bool *is_date)
{
	int64_t y;
	int m, d;

	if (v == NULL)
		return false;
	if (v->type == TV_UINT && v->u <= TIME_MAX) {
		*secs = (int64_t)v->u;
		*is_date = false;
		return true;
	}
	if (v->type == TV_STR && tv_date_wire(v->bytes, v->len, &y, &m, &d)) {
		*day = tv_days_from_civil(y, m, d);
		*is_date = true;
		return true;
	}
	return false;
}

/* Sets the end of an event from its end field, if that is after the start. */
static void
span_end(struct tv_event_span *sp, const struct tv_value *end_v)
{
	int64_t secs = 0, day = 0;
	bool is_date;

	if (!read_time(end_v, &secs, &day, &is_date))
		return;
	if (sp->is_all_day) {
		/* DTEND of an all-day event is the day after the last one. */
		int64_t last = is_date ? day : tv_cph_day(secs);
		if (last >= sp->start_day) {
			sp->end_day = last + 1;
			sp->end = tv_cph_midnight(sp->end_day);
			sp->has_end = true;
		}
		return;
	}
	if (is_date)
		secs = tv_cph_midnight(day + 1);
	if (secs > sp->start) {
		sp->end = secs;
		sp->has_end = true;
	}
}

int
tv_event_span(const struct tv_value *body, struct tv_event_span *out)
{
	const struct tv_value *all_day, *rec;
	int64_t secs = 0, day = 0, until;
	bool is_date;

	memset(out, 0, sizeof(*out));
	if (body == NULL || body->type != TV_MAP ||
	    !read_time(tv_map_get(body, "start"), &secs, &day, &is_date))
		return TV_ESCHEMA;
	all_day = tv_map_get(body, "all_day");
	out->is_all_day = is_date || (all_day != NULL &&
	    all_day->type == TV_BOOL && all_day->b);
	if (out->is_all_day) {
		out->start_day = is_date ? day : tv_cph_day(secs);
		out->start = tv_cph_midnight(out->start_day);
		out->end_day = out->start_day + 1;
		out->end = tv_cph_midnight(out->end_day);
	} else {
		out->start = out->end = secs;
	}
	span_end(out, tv_map_get(body, "end"));
	out->series_end = out->end;
	rec = tv_map_get(body, "recurrence");
	if (rec != NULL && rec->type == TV_STR &&
	    tv_event_rrule((const char *)rec->bytes, rec->len, &until) &&
	    until > out->series_end)
		out->series_end = until;
	return 0;
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_value_char(char c)
{
	return is_upper(c) || (c >= '0' && c <= '9') || c == ',' || c == '+' ||
	    c == '-';
}

/* Reads UNTIL's value: YYYYMMDD, or YYYYMMDDTHHMMSS with an optional Z. */
static bool
read_until(const char *s, size_t len, int64_t *out)
{
	int64_t y = len >= 8 ? tv__digits(s, 4) : -1, hh, mm, ss, local;
	int64_t m = len >= 8 ? tv__digits(s + 4, 2) : -1;
	int64_t d = len >= 8 ? tv__digits(s + 6, 2) : -1;

	if (y < 0 || m < 1 || m > 12 || d < 1 || d > tv_month_days(y, (int)m))
		return false;
	if (len == 8) {
		*out = tv_cph_midnight(tv_days_from_civil(y, (int)m,
		    (int)d) + 1);
		return true;
	}
	if ((len != 15 && len != 16) || s[8] != 'T' ||
	    (len == 16 && s[15] != 'Z'))
		return false;
	hh = tv__digits(s + 9, 2);
	mm = tv__digits(s + 11, 2);
	ss = tv__digits(s + 13, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return false;
	local = tv_days_from_civil(y, (int)m, (int)d) * TV_DAY_SECONDS +
	    hh * 3600 + mm * 60 + ss;
	if (len == 16) {
		*out = local;
		return true;
	}
	if (!tv_cph_local_to_utc(local, out))
		*out = local - 3600;	/* in the spring gap: as clocks move on */
	return true;
}

bool
tv_event_rrule(const char *s, size_t len, int64_t *out_until)
{
	bool has_freq = false;
	size_t i = 0;

	*out_until = TV_EVENT_FOREVER;
	if (len == 0 || len > RRULE_MAX)
		return false;
	while (i < len) {
		size_t name = i, value, vlen;

		while (i < len && (is_upper(s[i]) || s[i] == '-'))
			i++;
		if (i == name || i == len || s[i] != '=')
			return false;
		value = ++i;
		while (i < len && is_value_char(s[i]))
			i++;
		vlen = i - value;
		if (vlen == 0 || (i < len && s[i] != ';'))
			return false;
		if (value - name == 5 && memcmp(s + name, "FREQ=", 5) == 0)
			has_freq = true;
		if (value - name == 6 && memcmp(s + name, "UNTIL=", 6) == 0 &&
		    !read_until(s + value, vlen, out_until))
			return false;
		if (i < len && ++i == len)
			return false;	/* a trailing ';' */
	}
	return has_freq;
}

int64_t
tv_cph_add_months(int64_t t, int months)
{
	int64_t local = tv_cph_utc_to_local(t), y, out;
	int64_t day = tv_floor_div(local, TV_DAY_SECONDS);
	int64_t secs = local - day * TV_DAY_SECONDS, mi;
	int m, d;

	tv_civil_from_days(day, &y, &m, &d);
	mi = (int64_t)m - 1 + months;
	y += tv_floor_div(mi, 12);
	m = (int)(mi - tv_floor_div(mi, 12) * 12) + 1;
	if (d > tv_month_days(y, m))
		d = tv_month_days(y, m);
	local = tv_days_from_civil(y, m, d) * TV_DAY_SECONDS + secs;
	/* A time in the spring gap moves an hour on, as clocks do. */
	if (!tv_cph_local_to_utc(local, &out))
		out = local - 3600;
	return out;
}

int
tv_event_expiry(const struct tv_value *body, int keep_months, int64_t *out)
{
	struct tv_event_span sp;
	int64_t secs = 0, day = 0;
	bool is_date;
	int rc;

	if ((rc = tv_event_span(body, &sp)) != 0)
		return rc;
	/* PROTOCOL.md §6.18: the origin's expires wins over the keep period. */
	if (read_time(tv_map_get(body, "expires"), &secs, &day, &is_date)) {
		*out = is_date ? tv_cph_midnight(day) : secs;
		return 0;
	}
	*out = sp.series_end == TV_EVENT_FOREVER ? TV_EVENT_FOREVER :
	    tv_cph_add_months(sp.series_end, keep_months);
	return 0;
}

bool
tv_event_is_expired(const struct tv_value *body, int keep_months, int64_t now)
{
	int64_t at;

	return tv_event_expiry(body, keep_months, &at) == 0 && at <= now;
}
