/*
 * The search index: SQLite FTS5 over the folded text of every current
 * record, own, replicated and local-only alike (proto/search.h says what
 * text and how it folds). It lives in the store's database and changes in
 * the store's transactions: store.c drops a record's entry before a newer
 * version or a block replaces it and adds the new version after.
 *
 * Erasure (DATAMODEL.md §3.3): the FTS5 of SQLite 3.40 keeps a deleted
 * row's terms in its segments until they are merged. So the index is
 * contentless (no copy of the text), split into SEARCH_SHARDS tables by
 * document id, and every shard that lost an entry is optimised (its
 * segments merged into one, without the deleted terms) before the
 * transaction commits; secure_delete then zeroes the freed pages. The
 * shards bound that cost: an optimise rewrites one sixteenth of the index.
 */
#ifndef TVAERS_DAEMON_SEARCH_INDEX_H
#define TVAERS_DAEMON_SEARCH_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "record.h"

#define SEARCH_SHARDS 16

struct search_index;

/* Called per hit, best first; raw is valid only during the call. Non-zero stops. */
typedef int search_hit_cb(void *arg, const uint8_t *raw, size_t len,
    bool is_local);

/*
 * Prepares the index's statements on db (migrated to schema 5 or later)
 * and, if the index was built with another folding (or never), rebuilds
 * it from the records table in one transaction. Returns 0 or an
 * SQLite result code with the reason in errbuf. Every function here
 * returns SQLite result codes (SQLITE_OK is 0), for the store to map.
 */
int search_index_open(sqlite3 *db, struct search_index **out, char *errbuf,
    size_t errlen);
/* Finalizes the statements; NULL is fine. */
void search_index_close(struct search_index *si);
/*
 * Removes the held version of (origin, id) from the index, if it has one,
 * and marks its shard for optimising. Inside the caller's transaction.
 * Returns 0 or an SQLite result code.
 */
int search_index_drop(struct search_index *si,
    const uint8_t origin[static TV_PK_LEN], const uint8_t id[static TV_ID_LEN]);
/* Indexes r (a tombstone has no text: nothing). Inside the caller's
 * transaction. Returns 0 or an SQLite result code. */
int search_index_add(struct search_index *si, const struct tv_record *r);
/*
 * Optimises every shard that lost an entry since the last flush, so the
 * dropped text leaves the index before the caller commits. Returns 0 or an
 * SQLite result code (the caller then rolls back).
 */
int search_index_flush(struct search_index *si);
/* Forgets the shards to optimise, after the caller rolled back. */
void search_index_abort(struct search_index *si);
/*
 * Runs an FTS5 expression (from tv_search_match) over every shard and
 * calls cb for at most limit hits, best (BM25, title counts tenfold)
 * first. Returns 0 (*out_hits set) or an SQLite result code.
 */
int search_index_query(struct search_index *si, const char *match,
    size_t limit, search_hit_cb *cb, void *arg, size_t *out_hits);

#endif
