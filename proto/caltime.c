/*
 * Calendar arithmetic and Danish time (caltime.h). proto has no time zone
 * database, so the EU summer time rule is written out here.
 */
#include "caltime.h"

bool
tv_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
tv_month_days(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && tv_is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int64_t
tv_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tv_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t
tv_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Seconds UTC of 01:00 UTC on the last Sunday of a month (EU summer time rule). */
static int64_t
last_sunday_0100(int64_t y, int m)
{
	int64_t day = tv_days_from_civil(y, m, tv_month_days(y, m));
	int64_t wd = ((day + 4) % 7 + 7) % 7;	/* 0 = Sunday; 1970-01-01 was a Thursday */
	return (day - wd) * 86400 + 3600;
}

bool
tv_time_in_range(int64_t t)
{
	return t >= TV_TIME_MIN && t <= TV_TIME_MAX;
}

/*
 * True if Denmark keeps summer time (CEST, UTC+2) at t seconds UTC: from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October (EU rule since 1996). proto has no time zone database.
 */
bool
tv_cph_is_summer(int64_t t)
{
	int64_t y;
	int m, d;

	if (!tv_time_in_range(t))
		return false;
	tv_civil_from_days(tv_floor_div(t, 86400), &y, &m, &d);
	return t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10);
}

/*
 * Turns a Copenhagen wall-clock time (given as seconds as if it were UTC)
 * into seconds UTC. In the autumn hour that happens twice the first (summer
 * time) is taken; the spring hour that never happens is an error (false).
 */
bool
tv_cph_local_to_utc(int64_t local, int64_t *out)
{
	if (!tv_time_in_range(local))
		return false;

	int64_t summer = local - 7200, winter = local - 3600;

	if (tv_cph_is_summer(summer)) {
		*out = summer;
		return true;
	}
	if (!tv_cph_is_summer(winter)) {
		*out = winter;
		return true;
	}
	return false;
}

int64_t
tv_cph_utc_to_local(int64_t t)
{
	if (!tv_time_in_range(t))
		return t;
	return t + (tv_cph_is_summer(t) ? 7200 : 3600);
}

/* Reads exactly n digits; returns -1 if any is not a digit. */
int64_t
tv__digits(const char *s, size_t n)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Checks the wire form "YYYY-MM-DD" and that it names a real day. */
bool
tv_date_wire(const uint8_t *s, size_t len, int64_t *y, int *m, int *d)
{
	const char *p = (const char *)s;

	if (len != 10 || p[4] != '-' || p[7] != '-')
		return false;
	int64_t yy = tv__digits(p, 4), mm = tv__digits(p + 5, 2);
	int64_t dd = tv__digits(p + 8, 2);
	if (yy < 0 || mm < 1 || mm > 12 || dd < 1 || dd > tv_month_days(yy, (int)mm))
		return false;
	*y = yy;
	*m = (int)mm;
	*d = (int)dd;
	return true;
}

/*
 * Reads a date as people type it: YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY (day
 * and month may have one digit in the latter two). Returns the number of
 * bytes read (0 if none): the caller checks what follows.
 */
size_t
tv_date_read(const char *s, size_t len, int64_t *y, int *m, int *d)
{
	size_t i = 0;
	int64_t part[3];
	size_t plen[3];
	char sep = 0;

	for (int k = 0; k < 3; k++) {
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			i++;
		plen[k] = i - start;
		if (plen[k] == 0)
			return 0;
		part[k] = tv__digits(s + start, plen[k]);
		if (k < 2) {
			if (i >= len || (s[i] != '-' && s[i] != '.'))
				return 0;
			if (k == 1 && s[i] != sep)
				return 0;
			sep = s[i++];
		}
	}
	if (plen[0] == 4 && sep == '-' && plen[1] == 2 && plen[2] == 2) {
		*y = part[0];
		*m = (int)part[1];
		*d = (int)part[2];
	} else if (plen[2] == 4 && plen[0] <= 2 && plen[1] <= 2) {
		*y = part[2];
		*m = (int)part[1];
		*d = (int)part[0];
	} else {
		return 0;
	}
	if (*m < 1 || *m > 12 || *d < 1 || *d > tv_month_days(*y, *m))
		return 0;
	return i;
}

int64_t
tv_cph_midnight(int64_t z)
{
	int64_t out;

	/* Danish clocks change at 02:00 or 03:00, so midnight always exists. */
	if (!tv_cph_local_to_utc(z * TV_DAY_SECONDS, &out))
		out = z * TV_DAY_SECONDS - 3600;
	return out;
}

int64_t
tv_cph_day(int64_t t)
{
	return tv_floor_div(tv_cph_utc_to_local(t), TV_DAY_SECONDS);
}
