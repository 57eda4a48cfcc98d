/*
 * Distances between places in Denmark (DATAMODEL.md §7): great-circle
 * distance by the haversine formula on integer micro-degrees, and where an
 * area is when its profile names no location (its municipality's centroid
 * from data/kommuner.csv, a coarse fallback).
 */
#ifndef TVAERS_PROTO_GEO_H
#define TVAERS_PROTO_GEO_H

#include <stdbool.h>
#include <stdint.h>

#include "canon.h"

/* A point in integer micro-degrees (PROTOCOL.md §6.2 location). */
struct tv_point {
	int32_t lat_udeg, lon_udeg;
};

/* Returns the haversine distance in metres on a sphere of mean Earth radius. */
uint32_t tv_geo_distance_m(struct tv_point a, struct tv_point b);

/*
 * Where an area profile body (a decoded map) puts the area: its location
 * field, else its municipality's centroid. Sets *out_municipality (0 if
 * none) and *out_point; returns true if a point was found.
 */
bool tv_geo_area_place(const struct tv_value *body, int *out_municipality,
    struct tv_point *out_point);

#endif
