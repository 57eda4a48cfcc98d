#include "ctl_where.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attrs.h"
#include "ctl_match.h"
#include "daemon.h"
#include "err.h"
#include "geo.h"
#include "ids.h"
#include "kinds.h"

#define NEAR_MAX_KM 500

struct want {
	struct where *w;
	char area[TV_AREA_TEXT_LEN + 1];	/* "" : any */
	uint8_t lo[TV_PK_LEN], hi[TV_PK_LEN];	/* area as an id prefix */
	bool is_prefix;
	int municipality;			/* 0: any */
	char region[64];			/* "": any */
	uint32_t near_m;			/* 0: any distance */
	struct tv_point here;
	size_t cap;
};

static bool
area_matches(const struct want *wt, const struct attrs_place *p)
{
	if (wt->area[0] == 0)
		return true;
	if (wt->is_prefix && memcmp(p->origin, wt->lo, TV_PK_LEN) >= 0 &&
	    memcmp(p->origin, wt->hi, TV_PK_LEN) <= 0)
		return true;
	return strcasecmp(p->name, wt->area) == 0;
}

static bool
place_matches(const struct want *wt, const struct attrs_place *p)
{
	const struct tv_municipality *m;

	if (!area_matches(wt, p))
		return false;
	if (wt->municipality != 0 && p->municipality != wt->municipality)
		return false;
	if (wt->region[0] != 0 &&
	    ((m = tv_municipality_find(p->municipality)) == NULL ||
	    strcmp(m->region, wt->region) != 0))
		return false;
	return wt->near_m == 0 || (p->has_point &&
	    tv_geo_distance_m(wt->here, p->point) <= wt->near_m);
}

static int
add_origin(struct want *wt, const uint8_t *origin)
{
	struct where *w = wt->w;

	if (w->n_origins == wt->cap) {
		size_t cap = wt->cap ? wt->cap * 2 : 64;
		void *p = realloc(w->origins, cap * TV_PK_LEN);
		if (p == NULL)
			return TV_ENOMEM;
		w->origins = p;
		wt->cap = cap;
	}
	memcpy(w->origins[w->n_origins++], origin, TV_PK_LEN);
	return 0;
}

static int
collect(void *arg, const struct attrs_place *p)
{
	struct want *wt = arg;

	return place_matches(wt, p) ? add_origin(wt, p->origin) : 0;
}

static int
arg_uint(struct ctl_req *req, const char *name, uint64_t max, uint64_t *out)
{
	const struct tv_value *v = tv_map_get(req->in->args, name);

	*out = 0;
	if (v == NULL)
		return 0;
	if (v->type != TV_UINT || v->u > max) {
		snprintf(req->msg, sizeof(req->msg), "argument '%s' must be a "
		    "whole number from 0 to %llu", name,
		    (unsigned long long)max);
		return TV_EMALFORMED;
	}
	*out = v->u;
	return 0;
}

/* Reads the text arguments; "" when absent. */
static int
arg_text(struct ctl_req *req, const char *name, char *out, size_t outlen)
{
	int rc = ctl_arg_str(req, name, false, out, outlen);

	if (rc == TV_ENOTFOUND) {
		out[0] = 0;
		return 0;
	}
	return rc;
}

static int
read_args(struct ctl_req *req, struct want *wt)
{
	uint64_t v;
	int rc;

	if ((rc = arg_text(req, "area", wt->area, sizeof(wt->area))) != 0 ||
	    (rc = arg_text(req, "region", wt->region, sizeof(wt->region))) != 0)
		return rc;
	if ((rc = arg_uint(req, "municipality", 999, &v)) != 0)
		return rc;
	wt->municipality = (int)v;
	if ((rc = arg_uint(req, "near", NEAR_MAX_KM, &v)) != 0)
		return rc;
	wt->near_m = (uint32_t)v * 1000;
	if ((rc = arg_uint(req, "since", UINT64_MAX / 1000000, &v)) != 0)
		return rc;
	wt->w->since_us = v * 1000000;
	wt->is_prefix = wt->area[0] && tv_is_id_prefix(wt->area,
	    TV_AREA_TEXT_LEN) && tv_prefix_range(wt->area, TV_PK_LEN, wt->lo,
	    wt->hi) == 0;
	return 0;
}

int
where_parse(struct ctl_req *req, struct where *w)
{
	struct want wt = { .w = w };
	uint8_t full[TV_PK_LEN];
	int rc;

	if ((rc = read_args(req, &wt)) != 0)
		return rc;
	w->has_origins = wt.area[0] || wt.municipality || wt.region[0] ||
	    wt.near_m;
	if (!w->has_origins)
		return 0;
	if (wt.near_m != 0 && (rc = ctl_here(req, &wt.here)) != 0)
		return rc;
	if ((rc = attrs_places(req->d->store, collect, &wt)) != 0)
		return rc;
	/* A full id needs no profile: its records may have come first. */
	if (w->n_origins == 0 && strlen(wt.area) == TV_AREA_TEXT_LEN &&
	    tv_b32_decode(wt.area, TV_AREA_TEXT_LEN, full, TV_PK_LEN) == 0 &&
	    !wt.municipality && !wt.region[0] && !wt.near_m)
		return add_origin(&wt, full);
	if (w->n_origins == 0 && wt.area[0]) {
		snprintf(req->msg, sizeof(req->msg), "no known area has the id "
		    "or name '%s' (see `tvaers areas`)", wt.area);
		return TV_ENOTFOUND;
	}
	return 0;
}

bool
where_any(const struct where *w)
{
	return w->has_origins || w->since_us != 0;
}

static int
origin_cmp(const void *key, const void *elem)
{
	return memcmp(key, elem, TV_PK_LEN);
}

bool
where_pass(const struct where *w, const struct tv_record *r)
{
	if (r->timestamp < w->since_us)
		return false;
	if (!w->has_origins)
		return true;
	return w->n_origins > 0 && bsearch(r->origin, w->origins,
	    w->n_origins, TV_PK_LEN, origin_cmp) != NULL;
}

void
where_free(struct where *w)
{
	free(w->origins);
	memset(w, 0, sizeof(*w));
}
