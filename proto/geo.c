/*
 * Haversine on micro-degrees. Double precision is ample: Denmark spans
 * a few hundred kilometres and the answer is rounded to a metre.
 */
#include "geo.h"

#include <math.h>

#include "kinds.h"

#define EARTH_RADIUS_M 6371008.8	/* IUGG mean radius */
#define UDEG_TO_RAD (M_PI / 180e6)

uint32_t
tv_geo_distance_m(struct tv_point a, struct tv_point b)
{
	double lat1 = a.lat_udeg * UDEG_TO_RAD, lat2 = b.lat_udeg * UDEG_TO_RAD;
	double dlat = lat2 - lat1;
	double dlon = (double)(b.lon_udeg - (int64_t)a.lon_udeg) * UDEG_TO_RAD;
	double h = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1) * cos(lat2) * sin(dlon / 2) * sin(dlon / 2);

	/* Rounding, or latitudes beyond ±90° from a hostile record. */
	if (!(h >= 0))
		h = 0;
	if (h > 1)
		h = 1;
	return (uint32_t)lround(2 * EARTH_RADIUS_M * asin(sqrt(h)));
}

static bool
int_of(const struct tv_value *v, int64_t *out)
{
	if (v != NULL && v->type == TV_UINT && v->u <= INT32_MAX) {
		*out = (int64_t)v->u;
		return true;
	}
	if (v != NULL && v->type == TV_NINT && v->i >= INT32_MIN) {
		*out = v->i;
		return true;
	}
	return false;
}

bool
tv_geo_area_place(const struct tv_value *body, int *out_municipality,
    struct tv_point *out_point)
{
	const struct tv_value *loc, *mun;
	const struct tv_municipality *m = NULL;
	int64_t lat, lon, code;

	*out_municipality = 0;
	if (body == NULL || body->type != TV_MAP)
		return false;
	mun = tv_map_get(body, "municipality");
	if (int_of(mun, &code) && (m = tv_municipality_find((int)code)) != NULL)
		*out_municipality = m->code;
	loc = tv_map_get(body, "location");
	if (loc != NULL && loc->type == TV_ARRAY && loc->len == 2 &&
	    int_of(&loc->items[0], &lat) && int_of(&loc->items[1], &lon)) {
		out_point->lat_udeg = (int32_t)lat;
		out_point->lon_udeg = (int32_t)lon;
		return true;
	}
	if (m == NULL)
		return false;
	out_point->lat_udeg = m->lat_udeg;
	out_point->lon_udeg = m->lon_udeg;
	return true;
}
