/*
 * Distances between places given in integer micro-degrees (PROTOCOL.md
 * §6.2 locations), by the haversine formula on a sphere of the Earth's mean
 * radius. Good to well under 1 % at Danish distances, which is all "within
 * 20 km" needs.
 */
#ifndef TVAERS_PROTO_GEO_H
#define TVAERS_PROTO_GEO_H

#include <stdint.h>

#define TV_EARTH_RADIUS_M 6371008.8	/* IUGG mean radius */

/* Returns the great-circle distance in metres between two points. */
double tv_geo_distance_m(int64_t lat1_udeg, int64_t lon1_udeg,
    int64_t lat2_udeg, int64_t lon2_udeg);

#endif
