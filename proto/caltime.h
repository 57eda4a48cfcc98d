/*
 * Calendar arithmetic and Danish time (PROTOCOL.md §6.6), shared by the
 * kinds' parsers and formatters, the event rules and the iCalendar writer.
 * Proleptic Gregorian dates; Europe/Copenhagen is CET (UTC+1) with the EU
 * summer time rule (CEST, UTC+2, from 01:00 UTC on the last Sunday of March
 * to 01:00 UTC on the last Sunday of October), applied to every year:
 * proto has no time zone database. Pure functions, no clock.
 */
#ifndef TVAERS_PROTO_CALTIME_H
#define TVAERS_PROTO_CALTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TV_DAY_SECONDS 86400

/*
 * Times outside 0001-01-01 .. 9999-12-31 UTC have no summer time and are
 * not converted (tv_cph_utc_to_local returns them as they are,
 * tv_cph_local_to_utc refuses them), so nothing here overflows for any
 * int64_t.
 */
#define TV_TIME_MIN (-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define TV_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */

/* True if y is a Gregorian leap year. */
bool tv_is_leap(int64_t y);
/* Days in month m (1-12) of year y. */
int tv_month_days(int64_t y, int m);
/* Days since 1970-01-01 of the date y-m-d (H. Hinnant's algorithm). */
int64_t tv_days_from_civil(int64_t y, int m, int d);
/* The date of day z counted from 1970-01-01. */
void tv_civil_from_days(int64_t z, int64_t *y, int *m, int *d);
/* a / b rounded towards minus infinity (b > 0). */
int64_t tv_floor_div(int64_t a, int64_t b);
/* True if t lies within TV_TIME_MIN .. TV_TIME_MAX. */
bool tv_time_in_range(int64_t t);
/* True if Denmark keeps summer time (CEST) at t seconds UTC. */
bool tv_cph_is_summer(int64_t t);
/*
 * Turns a Copenhagen wall-clock time, given as seconds as if it were UTC,
 * into seconds UTC. The autumn hour that happens twice is read as the first
 * (summer time); the spring hour that never happens gives false.
 */
bool tv_cph_local_to_utc(int64_t local, int64_t *out);
/* Copenhagen wall-clock time of t seconds UTC, as seconds as if it were UTC. */
int64_t tv_cph_utc_to_local(int64_t t);
/* Seconds UTC of 00:00 Copenhagen time on day z (days since 1970-01-01). */
int64_t tv_cph_midnight(int64_t z);
/* The Copenhagen date (days since 1970-01-01) of t seconds UTC. */
int64_t tv_cph_day(int64_t t);
/*
 * Checks the wire form of a date, "YYYY-MM-DD", and that it names a real
 * day; on success sets y, m, d.
 */
bool tv_date_wire(const uint8_t *s, size_t len, int64_t *y, int *m, int *d);
/*
 * Reads a date as people type it: YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY (day
 * and month may have one digit in the latter two). Returns the number of
 * bytes read (0 if none is a date): the caller checks what follows.
 */
size_t tv_date_read(const char *s, size_t len, int64_t *y, int *m, int *d);
/* Reads exactly n ASCII digits; -1 if any is not a digit (proto-private). */
int64_t tv__digits(const char *s, size_t n);

#endif
