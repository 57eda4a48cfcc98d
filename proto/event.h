/*
 * What an event record means in time (PROTOCOL.md §6.13, §6.18): the
 * instants it starts and ends, whether it lasts whole days, how long a
 * recurring series runs, and when every store drops it (expiry). Pure
 * functions over a decoded body; the caller supplies "now".
 */
#ifndef TVAERS_PROTO_EVENT_H
#define TVAERS_PROTO_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "canon.h"

/* PROTOCOL.md §6.18: the default keep period after an event's end. */
#define TV_EVENT_KEEP_MONTHS 12
/* The longest keep period a daemon may be configured with. */
#define TV_EVENT_KEEP_MONTHS_MAX 120
/* A series end for recurring events whose last date is unknown. */
#define TV_EVENT_FOREVER INT64_MAX

struct tv_event_span {
	bool is_all_day;	/* dates, not times: start_day .. end_day */
	bool has_end;		/* an end after the start was given */
	/* Seconds UTC; all day: 00:00 Copenhagen time of start_day. */
	int64_t start;
	/* Seconds UTC, exclusive; without an end (not all day): start. */
	int64_t end;
	int64_t start_day;	/* all day: days since 1970-01-01 */
	int64_t end_day;	/* all day: the day after the last one */
	int64_t series_end;	/* end of the last occurrence: end, a
				 * recurrence's UNTIL, or TV_EVENT_FOREVER */
};

/*
 * Reads when the event of body (its map) happens. A date in start, or
 * all_day true, makes it an all-day event; an end before the start is
 * ignored. Returns 0, or TV_ESCHEMA if start is missing or not a time.
 */
int tv_event_span(const struct tv_value *body, struct tv_event_span *out);
/*
 * Checks an RFC 5545 RRULE value as events carry it: NAME=VALUE parts
 * separated by ';', names of A-Z and '-', values of A-Z, 0-9, ',', '+',
 * '-', FREQ present, at most 200 bytes. Returns true if it is readable
 * (and so safe to copy into iCalendar); then *out_until is the instant
 * after the last occurrence by its UNTIL (a date: the following midnight,
 * Copenhagen time; floating date-times are read as Copenhagen time), or
 * TV_EVENT_FOREVER without UNTIL.
 */
bool tv_event_rrule(const char *s, size_t len, int64_t *out_until);
/*
 * The instant every store drops the event (PROTOCOL.md §6.18): its
 * expires field (a date: 00:00 Copenhagen time that day), else keep_months
 * calendar months after the series end, on the Copenhagen clock; a series
 * without a known end gives TV_EVENT_FOREVER. Returns 0 or TV_ESCHEMA.
 */
int tv_event_expiry(const struct tv_value *body, int keep_months,
    int64_t *out);
/* True if the event of body has expired at now (false if unreadable). */
bool tv_event_is_expired(const struct tv_value *body, int keep_months,
    int64_t now);
/*
 * Adds months calendar months to the Copenhagen wall-clock time of t
 * (the day clamped to the month's length); returns seconds UTC.
 */
int64_t tv_cph_add_months(int64_t t, int months);

#endif
