/*
 * Haversine distance (geo.h). The haversine form stays accurate for short
 * distances, where the spherical law of cosines loses digits.
 */
#include "geo.h"

#include <math.h>

static double
radians(int64_t udeg)
{
	return (double)udeg / 1e6 * (M_PI / 180.0);
}

double
tv_geo_distance_m(int64_t lat1_udeg, int64_t lon1_udeg, int64_t lat2_udeg,
    int64_t lon2_udeg)
{
	double lat1 = radians(lat1_udeg), lat2 = radians(lat2_udeg);
	double dlat = lat2 - lat1;
	double dlon = radians(lon2_udeg) - radians(lon1_udeg);
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1) * cos(lat2) * sin(dlon / 2) * sin(dlon / 2);

	if (a > 1.0)
		a = 1.0;
	return 2.0 * TV_EARTH_RADIUS_M * asin(sqrt(a));
}
