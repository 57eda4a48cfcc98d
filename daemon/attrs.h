/*
 * Indexed attributes of stored records, for filters and `match` over a
 * large store (schema version 6): where each area is (area_places: name,
 * municipality, point from its profile) and which records carry which
 * interest (record_interests). Both are derived from the signed bytes and
 * rewritten in the same transaction as the record (store.c calls in here),
 * so they can never disagree with the records table.
 */
#ifndef TVAERS_DAEMON_ATTRS_H
#define TVAERS_DAEMON_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "geo.h"
#include "record.h"

struct store;

enum attrs_stmt {
	AT_DEL_INTEREST,
	AT_PUT_INTEREST,
	AT_DEL_PLACE,
	AT_PUT_PLACE,
	AT_ORIGIN_RECORDS,
	AT_PLACES,
	AT_PLACE_OF,
	AT_INTEREST_RECORDS,
	AT__COUNT,
};

/* The prepared statements; owned by the store. */
struct attrs {
	sqlite3_stmt *stmt[AT__COUNT];
};

/* ---- For store.c ------------------------------------------------------- */

/* Prepares the statements on db; returns 0 or an SQLite result code. */
int attrs_prepare(sqlite3 *db, struct attrs *a);
/* Finalizes the statements; safe on a zeroed struct. */
void attrs_finalize(struct attrs *a);
/*
 * Drops the attributes of a version about to be replaced (old_raw, the
 * stored bytes); inside the caller's transaction, before the replacement's
 * attrs_update. Returns an SQLite result code.
 */
int attrs_forget(struct attrs *a, const uint8_t *old_raw, size_t old_len);
/* Writes r's attributes (none for a tombstone); inside the caller's transaction. Returns an SQLite result code. */
int attrs_update(struct attrs *a, const struct tv_record *r);
/* Deletes every attribute of origin's records (block); returns an SQLite result code. */
int attrs_purge(struct attrs *a, const uint8_t origin[static TV_PK_LEN]);
/* Migration 5 -> 6: indexes every record already held; returns an SQLite result code. */
int attrs_fill(sqlite3 *db);

/* The store's statements (store.c), for the readers below. */
struct attrs *store_attrs(struct store *s);
/* Maps an SQLite result code into our code space (store.c). */
int store_sqlite_err(int rc);

/* ---- For readers ------------------------------------------------------- */

/* One area with a known place; pointers valid during the call. */
struct attrs_place {
	const uint8_t *origin;	/* TV_PK_LEN bytes */
	const char *name;	/* "" if unnamed */
	int municipality;	/* 0: none */
	bool has_point;
	struct tv_point point;
};
typedef int attrs_place_cb(void *arg, const struct attrs_place *p);
/* Walks every area profile held, in origin order. Returns 0, cb's value or a negative error. */
int attrs_places(struct store *s, attrs_place_cb *cb, void *arg);

/*
 * Finds where origin is: returns 0 with *out set, TV_ENOTFOUND if its
 * profile is not held or names no place, or a negative error.
 */
int attrs_place_of(struct store *s, const uint8_t origin[static TV_PK_LEN],
    struct tv_point *out);

typedef int attrs_str_cb(void *arg, const char *s);
/* Walks the distinct interests of origin's records of kind association or project. */
int attrs_origin_interests(struct store *s,
    const uint8_t origin[static TV_PK_LEN], attrs_str_cb *cb, void *arg);

/* Called per record; raw valid during the call. */
typedef int attrs_record_cb(void *arg, const uint8_t *raw, size_t len);
/*
 * Walks origin's live association records and project records whose status
 * match looks for (idea, planning, shelved) that carry interest.
 */
int attrs_interest_records(struct store *s, const char *interest,
    const uint8_t origin[static TV_PK_LEN], attrs_record_cb *cb, void *arg);

#endif
