#include "attrs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"
#include "geo.h"
#include "kinds.h"
#include "store.h"

static const char *const attrs_sql[AT__COUNT] = {
	[AT_DEL_INTEREST] = "DELETE FROM record_interests WHERE interest = ? "
	    "AND origin = ? AND id = ?",
	[AT_PUT_INTEREST] = "INSERT OR IGNORE INTO record_interests "
	    "(interest, origin, id) VALUES (?, ?, ?)",
	[AT_DEL_PLACE] = "DELETE FROM area_places WHERE origin = ?",
	[AT_PUT_PLACE] = "INSERT OR REPLACE INTO area_places (origin, name, "
	    "municipality, lat, lon) VALUES (?, ?, ?, ?, ?)",
	/* An area's records: its own interests (match), or a block's purge. */
	[AT_ORIGIN_RECORDS] = "SELECT raw, kind, deleted FROM records WHERE "
	    "origin = ?",
	[AT_PLACES] = "SELECT origin, name, municipality, lat, lon FROM "
	    "area_places ORDER BY origin",
	[AT_PLACE_OF] = "SELECT lat, lon FROM area_places WHERE origin = ? "
	    "AND lat IS NOT NULL",
	/* match's candidates (proto/match.c tv_match_status_open). */
	[AT_INTEREST_RECORDS] = "SELECT r.raw FROM record_interests i JOIN "
	    "records r ON r.origin = i.origin AND r.id = i.id WHERE "
	    "i.interest = ? AND i.origin = ? AND r.deleted = 0 AND "
	    "(r.kind = 'association' OR (r.kind = 'project' AND r.status IN "
	    "('idea', 'planning', 'shelved')))",
};

int
attrs_prepare(sqlite3 *db, struct attrs *a)
{
	int rc;

	for (int i = 0; i < AT__COUNT; i++)
		if ((rc = sqlite3_prepare_v3(db, attrs_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &a->stmt[i], NULL)) != SQLITE_OK)
			return rc;
	return SQLITE_OK;
}

void
attrs_finalize(struct attrs *a)
{
	for (int i = 0; i < AT__COUNT; i++) {
		sqlite3_finalize(a->stmt[i]);
		a->stmt[i] = NULL;
	}
}

/* Steps a write statement once and resets it; returns the result code. */
static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static bool
is_profile(const struct tv_record *r)
{
	static const uint8_t zero[TV_ID_LEN];

	return tv_record_kind_is(r, "area") &&
	    memcmp(r->id, zero, TV_ID_LEN) == 0;
}

static int
put_place(struct attrs *a, const struct tv_record *r, const struct tv_value *body)
{
	sqlite3_stmt *st = a->stmt[AT_PUT_PLACE];
	const struct tv_value *name = tv_map_get(body, "name");
	struct tv_point p;
	int municipality;
	bool has_point = tv_geo_area_place(body, &municipality, &p);

	sqlite3_bind_blob(st, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	if (name != NULL && name->type == TV_STR)
		sqlite3_bind_text(st, 2, (const char *)name->bytes,
		    (int)name->len, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 2, "", 0, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, municipality);
	if (has_point) {
		sqlite3_bind_int(st, 4, p.lat_udeg);
		sqlite3_bind_int(st, 5, p.lon_udeg);
	}
	return step_done(st);
}

/* Inserts (st AT_PUT_INTEREST) or deletes (AT_DEL_INTEREST) r's interests. */
static int
each_interest(sqlite3_stmt *st, const struct tv_record *r,
    const struct tv_value *list)
{
	int rc = SQLITE_OK;

	for (uint32_t i = 0; list != NULL && list->type == TV_ARRAY &&
	    i < list->len && rc == SQLITE_OK; i++) {
		const struct tv_value *v = &list->items[i];
		if (v->type != TV_STR)
			continue;
		sqlite3_bind_text(st, 1, (const char *)v->bytes, (int)v->len,
		    SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, r->origin, TV_PK_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, r->id, TV_ID_LEN, SQLITE_STATIC);
		rc = step_done(st);
	}
	return rc;
}

/* Runs st over the interests of r's body; a body that does not decode has none. */
static int
body_interests(sqlite3_stmt *st, const struct tv_record *r)
{
	const struct tv_value *body;
	struct tv_doc *doc;
	int rc = SQLITE_OK;

	if (r->body_len == 0 || tv_decode(r->body, r->body_len, &doc, &body))
		return SQLITE_OK;
	if (body->type == TV_MAP)
		rc = each_interest(st, r, tv_map_get(body, "interests"));
	tv_doc_free(doc);
	return rc;
}

static int
del_place(struct attrs *a, const uint8_t origin[static TV_PK_LEN])
{
	sqlite3_bind_blob(a->stmt[AT_DEL_PLACE], 1, origin, TV_PK_LEN,
	    SQLITE_STATIC);
	return step_done(a->stmt[AT_DEL_PLACE]);
}

int
attrs_forget(struct attrs *a, const uint8_t *old_raw, size_t old_len)
{
	struct tv_record old;

	/* Stored bytes were checked on the way in; junk has nothing indexed. */
	if (tv_record_decode(old_raw, old_len, &old) != 0)
		return SQLITE_OK;
	return body_interests(a->stmt[AT_DEL_INTEREST], &old);
}

int
attrs_update(struct attrs *a, const struct tv_record *r)
{
	const struct tv_value *body;
	struct tv_doc *doc;
	int rc;

	if ((rc = body_interests(a->stmt[AT_PUT_INTEREST], r)) != SQLITE_OK ||
	    !is_profile(r))
		return rc;
	if ((rc = del_place(a, r->origin)) != SQLITE_OK)
		return rc;
	if (r->body_len == 0 || tv_decode(r->body, r->body_len, &doc, &body))
		return SQLITE_OK;
	if (body->type == TV_MAP)
		rc = put_place(a, r, body);
	tv_doc_free(doc);
	return rc;
}

int
attrs_purge(struct attrs *a, const uint8_t origin[static TV_PK_LEN])
{
	sqlite3_stmt *st = a->stmt[AT_ORIGIN_RECORDS];
	int rc;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = attrs_forget(a, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0))) != SQLITE_OK)
			break;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return rc;
	return del_place(a, origin);
}

int
attrs_fill(sqlite3 *db)
{
	struct attrs a = { 0 };
	sqlite3_stmt *st = NULL;
	struct tv_record r;
	int rc;

	if ((rc = attrs_prepare(db, &a)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(db, "SELECT raw FROM records WHERE "
	    "deleted = 0", -1, &st, NULL)) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Stored bytes were checked on the way in; skip what is not a record. */
		if (tv_record_decode(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), &r) != 0)
			continue;
		if ((rc = attrs_update(&a, &r)) != SQLITE_OK)
			goto out;
	}
	rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
out:
	sqlite3_finalize(st);
	attrs_finalize(&a);
	return rc;
}

/* ---- Readers ----------------------------------------------------------- */

int
attrs_places(struct store *s, attrs_place_cb *cb, void *arg)
{
	sqlite3_stmt *st = store_attrs(s)->stmt[AT_PLACES];
	struct attrs_place p;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);

		if (sqlite3_column_bytes(st, 0) != TV_PK_LEN)
			continue;
		memset(&p, 0, sizeof(p));
		p.origin = sqlite3_column_blob(st, 0);
		p.name = name ? (const char *)name : "";
		p.municipality = sqlite3_column_int(st, 2);
		p.has_point = sqlite3_column_type(st, 3) != SQLITE_NULL;
		p.point.lat_udeg = sqlite3_column_int(st, 3);
		p.point.lon_udeg = sqlite3_column_int(st, 4);
		if ((rc = cb(arg, &p)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_sqlite_err(rc);
}

int
attrs_place_of(struct store *s, const uint8_t origin[static TV_PK_LEN],
    struct tv_point *out)
{
	sqlite3_stmt *st = store_attrs(s)->stmt[AT_PLACE_OF];
	int rc;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->lat_udeg = sqlite3_column_int(st, 0);
		out->lon_udeg = sqlite3_column_int(st, 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? TV_ENOTFOUND : store_sqlite_err(rc);
	}
	sqlite3_reset(st);
	return rc;
}

/* The distinct interests of one area, sorted, gathered from its records. */
struct interest_set {
	char **v;
	size_t n, cap;
};

static int
set_add(struct interest_set *set, const struct tv_value *list)
{
	for (uint32_t i = 0; list && list->type == TV_ARRAY && i < list->len;
	    i++) {
		const struct tv_value *v = &list->items[i];
		bool seen = false;
		if (v->type != TV_STR)
			continue;
		for (size_t k = 0; k < set->n && !seen; k++)
			seen = tv_str_eq(v, set->v[k]);
		if (seen)
			continue;
		if (set->n == set->cap) {
			size_t cap = set->cap ? set->cap * 2 : 16;
			char **p = realloc(set->v, cap * sizeof(*p));
			if (p == NULL)
				return TV_ENOMEM;
			set->v = p;
			set->cap = cap;
		}
		if ((set->v[set->n] = strndup((const char *)v->bytes,
		    v->len)) == NULL)
			return TV_ENOMEM;
		set->n++;
	}
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the interests of one stored association or project to set. */
static int
row_interests(sqlite3_stmt *st, struct interest_set *set)
{
	const unsigned char *kind = sqlite3_column_text(st, 1);
	const struct tv_value *body;
	struct tv_record r;
	struct tv_doc *doc;
	int rc;

	if (sqlite3_column_int(st, 2) != 0 || kind == NULL ||
	    (strcmp((const char *)kind, "association") != 0 &&
	    strcmp((const char *)kind, "project") != 0) ||
	    tv_record_decode(sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0), &r) != 0 || r.body_len == 0 ||
	    tv_decode(r.body, r.body_len, &doc, &body) != 0)
		return 0;
	rc = body->type == TV_MAP ? set_add(set, tv_map_get(body,
	    "interests")) : 0;
	tv_doc_free(doc);
	return rc;
}

int
attrs_origin_interests(struct store *s, const uint8_t origin[static TV_PK_LEN],
    attrs_str_cb *cb, void *arg)
{
	sqlite3_stmt *st = store_attrs(s)->stmt[AT_ORIGIN_RECORDS];
	struct interest_set set = { 0 };
	int rc;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = row_interests(st, &set)) != 0)
			break;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		rc = 0;
		if (set.n > 0)
			qsort(set.v, set.n, sizeof(set.v[0]), str_cmp);
		for (size_t i = 0; i < set.n && rc == 0; i++)
			rc = cb(arg, set.v[i]);
	} else if (rc > 0) {
		rc = store_sqlite_err(rc);
	}
	for (size_t i = 0; i < set.n; i++)
		free(set.v[i]);
	free(set.v);
	return rc;
}

int
attrs_interest_records(struct store *s, const char *interest,
    const uint8_t origin[static TV_PK_LEN], attrs_record_cb *cb, void *arg)
{
	sqlite3_stmt *st = store_attrs(s)->stmt[AT_INTEREST_RECORDS];
	int rc;

	sqlite3_bind_text(st, 1, interest, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, origin, TV_PK_LEN, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = cb(arg, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0))) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_sqlite_err(rc);
}
