/*
 * Records decoded once and held for the federation views (recset.h).
 */
#include "recset.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

void
tv_recset_init(struct tv_recset *s)
{
	memset(s, 0, sizeof(*s));
}

void
tv_recset_free(struct tv_recset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		tv_doc_free(s->recs[i].doc);
		free(s->recs[i].raw);
	}
	free(s->recs);
	free(s->profiles);
	memset(s, 0, sizeof(*s));
}

static int
grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *q;

	if (n < *cap)
		return 0;
	if ((q = realloc(*p, ncap * size)) == NULL)
		return TV_ENOMEM;
	*p = q;
	*cap = ncap;
	return 0;
}

/* Where origin's profile is, or would go, in the sorted index. */
static size_t
profile_slot(const struct tv_recset *s, const uint8_t *origin, bool *found)
{
	size_t lo = 0, hi = s->n_profiles;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(s->recs[s->profiles[mid]].origin, origin,
		    TV_PK_LEN);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Indexes the newest record if it is a profile; a second one is not kept. */
static int
index_profile(struct tv_recset *s)
{
	const struct tv_rec *rec = &s->recs[s->n - 1];
	bool found;
	size_t at;

	if (!rec->is_profile || !tv_rec_is(rec, "area"))
		return 0;
	at = profile_slot(s, rec->origin, &found);
	if (found)
		return 0;
	if (grow((void **)&s->profiles, &s->cap_profiles, s->n_profiles,
	    sizeof(*s->profiles)) != 0)
		return TV_ENOMEM;
	memmove(&s->profiles[at + 1], &s->profiles[at],
	    (s->n_profiles - at) * sizeof(*s->profiles));
	s->profiles[at] = s->n - 1;
	s->n_profiles++;
	return 0;
}

static bool
is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Fills rec from the decoded envelope r; 1 if it is to be skipped. */
static int
rec_fill(struct tv_rec *rec, const struct tv_record *r)
{
	const struct tv_kind *k;
	const struct tv_value *body;
	int rc;

	if (tv_record_is_deleted(r) || r->body_len == 0)
		return 1;
	k = tv_kind_by_wire(r->kind, r->kind_len);
	if (k != NULL && k->is_local)
		return 1;
	if ((rc = tv_decode(r->body, r->body_len, &rec->doc, &body)) != 0)
		return rc;
	if (body->type != TV_MAP) {
		tv_doc_free(rec->doc);
		return 1;
	}
	rec->body = body;
	rec->k = k;
	memcpy(rec->kind, r->kind, r->kind_len);
	rec->kind[r->kind_len] = 0;
	memcpy(rec->origin, r->origin, TV_PK_LEN);
	memcpy(rec->id, r->id, TV_ID_LEN);
	rec->is_profile = is_zero(r->id, TV_ID_LEN);
	rec->timestamp = r->timestamp;
	return 0;
}

int
tv_recset_add(struct tv_recset *s, const uint8_t *raw, size_t len)
{
	struct tv_record r;
	struct tv_rec *rec;
	uint8_t *copy;
	int rc;

	if ((rc = grow((void **)&s->recs, &s->cap, s->n, sizeof(*s->recs))) !=
	    0)
		return rc;
	if ((copy = malloc(len ? len : 1)) == NULL)
		return TV_ENOMEM;
	memcpy(copy, raw, len);
	if ((rc = tv_record_decode(copy, len, &r)) != 0) {
		free(copy);
		return rc;
	}
	rec = &s->recs[s->n];
	memset(rec, 0, sizeof(*rec));
	if ((rc = rec_fill(rec, &r)) != 0) {
		free(copy);
		return rc > 0 ? 0 : rc;
	}
	rec->raw = copy;
	s->n++;
	if ((rc = index_profile(s)) != 0) {
		s->n--;
		tv_doc_free(rec->doc);
		free(copy);
	}
	return rc;
}

const struct tv_rec *
tv_recset_profile(const struct tv_recset *s,
    const uint8_t origin[static TV_PK_LEN])
{
	bool found;
	size_t at = profile_slot(s, origin, &found);

	return found ? &s->recs[s->profiles[at]] : NULL;
}

bool
tv_rec_is(const struct tv_rec *rec, const char *kind)
{
	return strcmp(rec->kind, kind) == 0;
}

const struct tv_value *
tv_rec_text(const struct tv_rec *rec, const char *name)
{
	const struct tv_value *v = tv_map_get(rec->body, name);

	return v != NULL && v->type == TV_STR ? v : NULL;
}

/* Reads a [lat, lon] location field; false if absent or malformed. */
static bool
location_field(const struct tv_value *body, int64_t *lat, int64_t *lon)
{
	const struct tv_value *v = tv_map_get(body, "location");

	if (v == NULL || v->type != TV_ARRAY || v->len != 2)
		return false;
	for (int i = 0; i < 2; i++)
		if (v->items[i].type != TV_UINT || v->items[i].u > INT32_MAX)
			return false;
	*lat = (int64_t)v->items[0].u;
	*lon = (int64_t)v->items[1].u;
	return true;
}

bool
tv_rec_location(const struct tv_recset *s, const struct tv_rec *rec,
    int64_t *out_lat, int64_t *out_lon)
{
	const struct tv_rec *profile;
	const struct tv_municipality *m;
	const struct tv_value *v;

	if (location_field(rec->body, out_lat, out_lon))
		return true;
	if ((profile = tv_recset_profile(s, rec->origin)) == NULL)
		return false;
	if (location_field(profile->body, out_lat, out_lon))
		return true;
	v = tv_map_get(profile->body, "municipality");
	if (v == NULL || v->type != TV_UINT || v->u > 9999 ||
	    (m = tv_municipality_find((int)v->u)) == NULL)
		return false;
	*out_lat = m->lat_udeg;
	*out_lon = m->lon_udeg;
	return true;
}
