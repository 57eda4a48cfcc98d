/*
 * The store: one SQLite database in WAL mode holding the current version
 * of every record, own and replicated, plus a few settings. Superseded
 * versions are deleted (secure_delete is on), never kept. Local writes
 * commit with synchronous=FULL before the caller answers anyone. The WAL
 * is checkpointed on a thread of the store's own (checkpointer.h), never
 * in the caller's COMMIT.
 * The schema is versioned with PRAGMA user_version and migrated at open.
 * Every query is one prepared statement, made once at open.
 */
#ifndef TVAERS_DAEMON_STORE_H
#define TVAERS_DAEMON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define STORE_CACHE_IDLE_KIB 2000	/* SQLite's default page cache */
#define STORE_CACHE_BULK_KIB 32768	/* while taking in many records */
/* WAL pages that start a checkpoint on its own thread (SQLite's default). */
#define STORE_WAL_CHECKPOINT_PAGES 1000
/* WAL pages past which the writer checkpoints itself (store.c). */
#define STORE_WAL_LIMIT_PAGES 4000

#define STORE_SCHEMA_VERSION 7

struct store;

struct store_stats {
	uint64_t records;	/* current versions, tombstones included */
	uint64_t own;		/* of those, written by this area */
	uint64_t local;		/* of those, local-only */
	uint64_t tombstones;
	uint64_t db_bytes;	/* database file plus WAL */
};

/* Where a listing starts and what it holds; zeroed means "all records". */
struct store_query {
	const char *kind;	/* NULL: every kind */
	const char *status;	/* NULL: any status */
	bool with_deleted;	/* include tombstones */
};

/* The key a listing is ordered by, so it can resume after the last row. */
struct store_cursor {
	bool started;
	char kind[TV_KIND_MAX + 1];
	char title[1024];
	uint8_t origin[TV_PK_LEN];
	uint8_t id[TV_ID_LEN];
};

/* Called per row; raw is valid only during the call. Non-zero stops the walk. */
typedef int store_row_cb(void *arg, const uint8_t *raw, size_t len,
    bool is_local);

/*
 * Opens (creating if needed) the database at path and migrates it.
 * Returns 0, or a negative code with the reason in errbuf.
 */
int store_open(const char *path, struct store **out, char *errbuf,
    size_t errlen);
/* Checkpoints the WAL (TRUNCATE) and closes; NULL is fine. */
void store_close(struct store *s);

/*
 * Stores a decoded, verified record unless the store holds a newer or equal
 * version of (origin, id); the older version's bytes are deleted. One
 * durable transaction. Returns 1 if stored, 0 if the held version wins, or
 * a negative error.
 */
int store_put(struct store *s, const struct tv_record *r, bool is_local);
/*
 * As store_put for n records in one transaction. *out_stored counts the
 * records that were newer. Returns 0 or a negative error (then none stored).
 */
int store_put_batch(struct store *s, const struct tv_record *recs, size_t n,
    bool is_local, size_t *out_stored);
/*
 * As store_put_batch; out_each (NULL or n bools) says which were stored.
 */
int store_put_batch_each(struct store *s, const struct tv_record *recs,
    size_t n, bool is_local, bool *out_each, size_t *out_stored);
/*
 * As store_put_batch_each for records received from peers: the commit is
 * atomic but not synced to disk before it returns (a crash may lose the
 * last batches, which the next reconciliation fetches again).
 */
int store_put_replicated(struct store *s, const struct tv_record *recs,
    size_t n, bool *out_each, size_t *out_stored);
/*
 * Fetches the current version whose hash is hash, unless it is local-only.
 * Returns 0 with new bytes in *out_raw (caller frees), TV_ENOTFOUND (not
 * held, superseded, or local-only) or a negative error.
 */
int store_get_by_hash(struct store *s, const uint8_t hash[static TV_HASH_LEN],
    uint8_t **out_raw, size_t *out_len);
/* Called per sync item; non-zero stops the walk and is returned. */
typedef int store_item_cb(void *arg, uint64_t ts, const uint8_t *hash);
/*
 * Walks (timestamp, hash) of every current version that may leave the
 * daemon: not is_local and not of a local-only kind (PROTOCOL.md §11.1).
 * Returns 0, cb's value or an error.
 */
int store_sync_items(struct store *s, store_item_cb *cb, void *arg);
/*
 * Fetches the current version of (origin, id). Returns 0 with new bytes in
 * *out_raw (caller frees with free()), TV_ENOTFOUND, or a negative error.
 */
int store_get(struct store *s, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], uint8_t **out_raw, size_t *out_len,
    bool *out_local);
/*
 * Resolves a record id prefix (base32, any case), optionally within the
 * areas whose id starts with area_prefix (NULL: any area). Returns 0 and the
 * full key, TV_ENOTFOUND, TV_EAMBIGUOUS or TV_EMALFORMED.
 */
int store_resolve(struct store *s, const char *area_prefix,
    const char *id_prefix, uint8_t out_origin[static TV_PK_LEN],
    uint8_t out_id[static TV_ID_LEN]);
/*
 * Walks the records matching q in (kind, title, origin, id) order, starting
 * after *cur, calling cb for at most limit rows (0: no limit). Updates *cur
 * to the last row seen. Returns the number of rows passed to cb, or a
 * negative error.
 */
long store_list(struct store *s, const struct store_query *q,
    struct store_cursor *cur, size_t limit, store_row_cb *cb, void *arg);
/* Counts records; origin NULL counts everything. */
int store_stats(struct store *s, const uint8_t *origin,
    struct store_stats *out);
/* Reads a setting; returns 0 with a new string (caller frees), TV_ENOTFOUND, or an error. */
int store_setting_get(struct store *s, const char *key, char **out);
/* Writes a setting durably; returns 0 or a negative error. */
int store_setting_set(struct store *s, const char *key, const char *value);
/* A known peer as the peers table holds it; strings valid during the call. */
struct store_peer {
	const char *addr;		/* "host:port" */
	uint8_t area[TV_PK_LEN];	/* valid if has_area */
	bool has_area;
	int64_t last_seen;		/* unix seconds; 0: never */
	const char *last_error;		/* NULL: none */
	int64_t bytes_in, bytes_out;	/* over every link so far */
};

/* Called per known peer; non-zero stops the walk and is returned. */
typedef int store_peer_cb(void *arg, const struct store_peer *p);

/* Adds a peer address (area may be NULL); an existing one keeps its
 * counters and takes area if given. Returns 0 or a negative error. */
int store_peer_add(struct store *s, const char *addr, const uint8_t *area,
    int64_t now);
/* Removes a peer; returns 0, TV_ENOTFOUND or a negative error. */
int store_peer_rm(struct store *s, const char *addr);
/* Walks the known peers in address order; returns 0, cb's value or an error. */
int store_peer_list(struct store *s, store_peer_cb *cb, void *arg);
/* Records a link's outcome: area (NULL: keep), last_seen (0: keep),
 * last_error (NULL: clear), bytes to add. Returns 0 or an error. */
int store_peer_seen(struct store *s, const char *addr, const uint8_t *area,
    int64_t last_seen, const char *last_error, uint64_t bytes_in,
    uint64_t bytes_out);
/* Counts the known peers. */
int store_peer_count(struct store *s, uint64_t *out);
/*
 * Blocks an area: remembers origin in the blocked table and deletes every
 * record it wrote, in one durable transaction, then truncates the WAL so
 * the bytes leave the files. *out_deleted counts the records deleted.
 * Blocking a blocked area again only deletes. Returns 0 or an error.
 */
int store_block(struct store *s, const uint8_t origin[static TV_PK_LEN],
    int64_t now, uint64_t *out_deleted);
/* Forgets a block; returns 0, TV_ENOTFOUND or a negative error. */
int store_unblock(struct store *s, const uint8_t origin[static TV_PK_LEN]);
/* True if origin is blocked (false on a store error). */
bool store_is_blocked(struct store *s, const uint8_t origin[static TV_PK_LEN]);
/* One area the store knows of; pointers valid during the call. */
struct store_area {
	uint8_t origin[TV_PK_LEN];
	uint64_t records;		/* held, tombstones not counted */
	uint64_t last_ts;		/* newest timestamp ever stored; 0: none */
	const uint8_t *profile;		/* its area profile record, or NULL */
	size_t profile_len;
	bool is_blocked;
	int64_t since;			/* when blocked, unix seconds */
};
typedef int store_area_cb(void *arg, const struct store_area *a);
/*
 * Gives SQLite a page cache of STORE_CACHE_BULK_KIB for a burst of
 * replicated writes (on), or goes back to STORE_CACHE_IDLE_KIB and frees
 * the pages held (off). With the small cache a large intake spent a fifth
 * of its time reading index pages back from the OS. Returns 0 or an error.
 */
int store_bulk_cache(struct store *s, bool on);
/*
 * A number that changes whenever a committed write transaction changed
 * records (or a block ended), so a caller can tell whether something it
 * read from the store may be out of date.
 */
uint64_t store_generation(const struct store *s);
/* Walks every origin with records or a block, in origin order. Returns 0,
 * cb's value or an error. */
int store_areas(struct store *s, store_area_cb *cb, void *arg);
/* The key of one item: (origin, id). */
struct store_key {
	uint8_t origin[TV_PK_LEN];
	uint8_t id[TV_ID_LEN];
};
/*
 * Deletes the items of keys outright (no tombstone: expired events,
 * PROTOCOL.md §6.18) in one durable transaction, then truncates the WAL so
 * the bytes leave the files. *out_deleted counts the rows that were there.
 * Returns 0 or an error (then none is deleted).
 */
int store_delete(struct store *s, const struct store_key *keys, size_t n,
    uint64_t *out_deleted);
/*
 * Deletes the held version of r's item if r is newer (PROTOCOL.md §4.1),
 * as store_delete does. Returns 1 if one was deleted, 0 if none is held or
 * the held one is not older, or a negative error.
 */
int store_delete_older(struct store *s, const struct tv_record *r);
/*
 * Full-text search: runs an FTS5 expression made by tv_search_match over
 * every current record, local-only ones included, and calls cb for at most
 * limit hits, best first. Returns 0 (*out_hits set) or a negative error.
 */
int store_search(struct store *s, const char *match, size_t limit,
    store_row_cb *cb, void *arg, size_t *out_hits);
/* Returns SQLite's message for the last failure, for logs. */
const char *store_errmsg(struct store *s);

#endif
