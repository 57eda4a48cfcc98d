#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "attrs.h"
#include "canon.h"
#include "checkpointer.h"
#include "err.h"
#include "ids.h"
#include "kinds.h"
#include "search_index.h"

/* One shard of the search index (daemon/search_index.h): contentless FTS5
 * over folded text, ranked by BM25 with the title counting tenfold. */
#define SEARCH_SHARD(n) \
	"CREATE VIRTUAL TABLE search_" #n " USING fts5(kind, title, body, " \
	"content='', tokenize='unicode61 remove_diacritics 0');" \
	"INSERT INTO search_" #n " (search_" #n ", rank) " \
	"VALUES ('rank', 'bm25(0.0, 10.0, 1.0)');"

/*
 * Schema migrations, in order; migration i takes user_version i to i + 1.
 * Never edit a shipped migration: add a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE records ("
	"  origin BLOB NOT NULL,"
	"  id BLOB NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  deleted INTEGER NOT NULL,"
	"  is_local INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"	/* what listings sort and show */
	"  status TEXT,"
	"  raw BLOB NOT NULL,"
	"  PRIMARY KEY (origin, id)"
	") WITHOUT ROWID;"
	"CREATE INDEX records_by_kind ON records (kind, title, origin, id);"
	"CREATE INDEX records_by_id ON records (id);"
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;",
	/* 1 -> 2: the peers this daemon dials (PROTOCOL.md §9) */
	"CREATE TABLE peers ("
	"  addr TEXT PRIMARY KEY,"
	"  area BLOB,"
	"  added INTEGER NOT NULL,"
	"  last_seen INTEGER,"
	"  last_error TEXT,"
	"  bytes_in INTEGER NOT NULL DEFAULT 0,"
	"  bytes_out INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;",
	/* 2 -> 3: look versions up by hash for WANT (PROTOCOL.md §12) */
	"CREATE INDEX records_by_hash ON records (hash);",
	/* 3 -> 4: areas whose records are neither kept nor relayed */
	"CREATE TABLE blocked ("
	"  origin BLOB PRIMARY KEY,"
	"  since INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 4 -> 5: full-text search; filled by search_index_open */
	"CREATE TABLE search_docs ("
	"  docid INTEGER PRIMARY KEY,"
	"  origin BLOB NOT NULL,"
	"  id BLOB NOT NULL,"
	"  UNIQUE (origin, id)"
	");"
	SEARCH_SHARD(0) SEARCH_SHARD(1) SEARCH_SHARD(2) SEARCH_SHARD(3)
	SEARCH_SHARD(4) SEARCH_SHARD(5) SEARCH_SHARD(6) SEARCH_SHARD(7)
	SEARCH_SHARD(8) SEARCH_SHARD(9) SEARCH_SHARD(10) SEARCH_SHARD(11)
	SEARCH_SHARD(12) SEARCH_SHARD(13) SEARCH_SHARD(14) SEARCH_SHARD(15),
	/*
	 * 5 -> 6: attributes for filters and match (daemon/attrs.c), filled
	 * from the records already held by attrs_fill in the same transaction.
	 * A place is NULL when the profile names neither location nor a
	 * known municipality.
	 */
	"CREATE TABLE area_places ("
	"  origin BLOB PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  municipality INTEGER NOT NULL,"	/* 0: none */
	"  lat INTEGER,"			/* micro-degrees */
	"  lon INTEGER"
	") WITHOUT ROWID;"
	"CREATE TABLE record_interests ("
	"  interest TEXT NOT NULL,"
	"  origin BLOB NOT NULL,"
	"  id BLOB NOT NULL,"
	"  PRIMARY KEY (interest, origin, id)"
	") WITHOUT ROWID;",
	/*
	 * 6 -> 7: counts per area, so that `status` and `areas` cost the
	 * same at a million records as at ten: counting scanned every record
	 * on the event loop. Every write adjusts them in its own transaction
	 * (count_note); triggers would have cost a third of intake speed.
	 */
	"CREATE TABLE origin_counts ("
	"  origin BLOB PRIMARY KEY,"
	"  records INTEGER NOT NULL,"
	"  local INTEGER NOT NULL,"
	"  deleted INTEGER NOT NULL,"
	"  last_ts INTEGER NOT NULL"	/* the newest version ever held */
	") WITHOUT ROWID;"
	"INSERT INTO origin_counts SELECT origin, count(*), sum(is_local), "
	"  sum(deleted), max(ts) FROM records GROUP BY origin;",
};

/* C steps that run after a migration's SQL, in its transaction. */
static int (*const migration_fill[])(sqlite3 *db) = {
	[5] = attrs_fill,
};
_Static_assert(SEARCH_SHARDS == 16, "migration 4 creates 16 search shards");
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
    STORE_SCHEMA_VERSION, "a migration per schema version");

enum stmt_id {
	ST_GET_VERSION,
	ST_UPSERT,
	ST_GET,
	ST_RESOLVE,
	ST_STATS,
	ST_STATS_ORIGIN,
	ST_COUNT_ADD,
	ST_COUNT_ZERO,
	ST_SETTING_GET,
	ST_SETTING_SET,
	ST_PEER_ADD,
	ST_PEER_RM,
	ST_PEER_LIST,
	ST_PEER_SEEN,
	ST_PEER_COUNT,
	ST_BY_HASH,
	ST_SYNC_ITEMS,
	ST_BLOCK_ADD,
	ST_BLOCK_PURGE,
	ST_UNBLOCK,
	ST_IS_BLOCKED,
	ST_DELETE,
	ST_ORIGIN_IDS,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SYNC_NORMAL,
	ST_SYNC_FULL,
	ST__COUNT,
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_GET_VERSION] = "SELECT ts, hash, raw, is_local, deleted FROM "
	    "records WHERE origin = ? AND id = ?",
	[ST_UPSERT] = "INSERT OR REPLACE INTO records (origin, id, kind, ts, "
	    "hash, deleted, is_local, title, status, raw) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_GET] = "SELECT raw, is_local FROM records WHERE origin = ? AND id = ?",
	/* No LIMIT: the area filter runs after; the loop stops at a second match. */
	[ST_RESOLVE] = "SELECT origin, id FROM records WHERE id BETWEEN ? AND ?",
	[ST_STATS] = "SELECT coalesce(sum(records), 0), coalesce(sum(local), "
	    "0), coalesce(sum(deleted), 0) FROM origin_counts",
	[ST_STATS_ORIGIN] = "SELECT coalesce(sum(records), 0), "
	    "coalesce(sum(local), 0), coalesce(sum(deleted), 0) "
	    "FROM origin_counts WHERE origin = ?",
	[ST_COUNT_ADD] = "INSERT INTO origin_counts VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (origin) DO UPDATE SET records = records + ?2, "
	    "local = local + ?3, deleted = deleted + ?4, "
	    "last_ts = max(last_ts, ?5)",
	[ST_COUNT_ZERO] = "UPDATE origin_counts SET records = 0, local = 0, "
	    "deleted = 0 WHERE origin = ?",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
	[ST_SETTING_SET] = "INSERT OR REPLACE INTO settings (key, value) "
	    "VALUES (?, ?)",
	[ST_PEER_ADD] = "INSERT INTO peers (addr, area, added) VALUES (?, ?, ?) "
	    "ON CONFLICT (addr) DO UPDATE SET area = coalesce(excluded.area, "
	    "area)",
	[ST_PEER_RM] = "DELETE FROM peers WHERE addr = ?",
	[ST_PEER_LIST] = "SELECT addr, area, last_seen, last_error, bytes_in, "
	    "bytes_out FROM peers ORDER BY addr",
	[ST_PEER_SEEN] = "UPDATE peers SET area = coalesce(?2, area), "
	    "last_seen = coalesce(?3, last_seen), last_error = ?4, "
	    "bytes_in = bytes_in + ?5, bytes_out = bytes_out + ?6 "
	    "WHERE addr = ?1",
	[ST_PEER_COUNT] = "SELECT count(*) FROM peers",
	[ST_BY_HASH] = "SELECT raw, is_local, kind FROM records WHERE hash = ?",
	[ST_SYNC_ITEMS] = "SELECT ts, hash, kind FROM records WHERE is_local = 0 "
	    "AND origin NOT IN (SELECT origin FROM blocked)",
	[ST_BLOCK_ADD] = "INSERT OR IGNORE INTO blocked (origin, since) "
	    "VALUES (?, ?)",
	[ST_BLOCK_PURGE] = "DELETE FROM records WHERE origin = ?",
	[ST_UNBLOCK] = "DELETE FROM blocked WHERE origin = ?",
	[ST_IS_BLOCKED] = "SELECT 1 FROM blocked WHERE origin = ?",
	[ST_DELETE] = "DELETE FROM records WHERE origin = ? AND id = ?",
	[ST_ORIGIN_IDS] = "SELECT id FROM records WHERE origin = ?",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
	[ST_SYNC_FULL] = "PRAGMA synchronous = FULL",
};

/* How the open transaction changes one area's row of origin_counts. */
struct count_delta {
	uint8_t origin[TV_PK_LEN];
	int64_t records, local, deleted;
	uint64_t last_ts;
};

struct store {
	sqlite3 *db;
	struct search_index *search;
	bool replaced;		/* this transaction superseded a version */
	bool has_blocked;	/* false: the blocked table is known empty */
	char *path;
	sqlite3_stmt *stmt[ST__COUNT];
	struct attrs attrs;
	/* Gathered per transaction: one row write per area, not per record. */
	struct count_delta *counts;
	size_t counts_n, counts_cap;
	uint64_t generation;	/* commits that changed records so far */
	bool changed;		/* this transaction changed records */
	struct checkpointer *checkpointer;
};

uint64_t
store_generation(const struct store *s)
{
	return s->generation;
}

struct attrs *
store_attrs(struct store *s)
{
	return &s->attrs;
}


/* Runs migration i's C step, if it has one; returns an SQLite result code. */
static int
migration_fill_run(sqlite3 *db, int i)
{
	const int n = (int)(sizeof(migration_fill) / sizeof(migration_fill[0]));

	return i < n && migration_fill[i] != NULL ? migration_fill[i](db) :
	    SQLITE_OK;
}

/* Maps an SQLite result code to our code space. */
static void note_blocked(struct store *s);

static int
sqlite_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM: return TV_ENOMEM;
	case SQLITE_FULL: return -ENOSPC;
	case SQLITE_IOERR: return -EIO;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN: return -EACCES;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return -EBUSY;
	case SQLITE_TOOBIG: return TV_ETOOBIG;
	default: return -EIO;
	}
}

int
store_sqlite_err(int rc)
{
	return sqlite_err(rc);
}

int
store_bulk_cache(struct store *s, bool on)
{
	char sql[48];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d",
	    on ? STORE_CACHE_BULK_KIB : STORE_CACHE_IDLE_KIB);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_err(sqlite3_errcode(s->db));
	if (!on)
		(void)sqlite3_db_release_memory(s->db);
	return 0;
}

static int
exec_simple(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

/*
 * Notes how one write changes origin's counts; count_flush writes them
 * before the commit. Returns 0 or TV_ENOMEM (the caller rolls back).
 */
static int
count_note(struct store *s, const uint8_t *origin, int64_t records,
    int64_t local, int64_t deleted, uint64_t ts)
{
	struct count_delta *c = NULL;

	s->changed = true;
	/* A batch comes from few areas; the newest is likeliest again. */
	for (size_t i = s->counts_n; i > 0 && c == NULL; i--)
		if (memcmp(s->counts[i - 1].origin, origin, TV_PK_LEN) == 0)
			c = &s->counts[i - 1];
	if (c == NULL) {
		if (s->counts_n == s->counts_cap) {
			size_t cap = s->counts_cap ? 2 * s->counts_cap : 16;
			void *p = realloc(s->counts, cap * sizeof(*s->counts));

			if (p == NULL)
				return TV_ENOMEM;
			s->counts = p;
			s->counts_cap = cap;
		}
		c = &s->counts[s->counts_n++];
		memset(c, 0, sizeof(*c));
		memcpy(c->origin, origin, TV_PK_LEN);
	}
	c->records += records;
	c->local += local;
	c->deleted += deleted;
	if (ts > c->last_ts)
		c->last_ts = ts;
	return 0;
}

/* Writes the noted counts into the open transaction; 0 or an error. */
static int
count_flush(struct store *s)
{
	sqlite3_stmt *st = s->stmt[ST_COUNT_ADD];
	int rc = SQLITE_DONE;

	for (size_t i = 0; i < s->counts_n && rc == SQLITE_DONE; i++) {
		const struct count_delta *c = &s->counts[i];

		sqlite3_bind_blob(st, 1, c->origin, TV_PK_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, c->records);
		sqlite3_bind_int64(st, 3, c->local);
		sqlite3_bind_int64(st, 4, c->deleted);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)c->last_ts);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	s->counts_n = 0;
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

/* Begins a write transaction with no counts noted. */
static int
txn_begin(struct store *s)
{
	s->counts_n = 0;
	s->changed = false;
	return exec_simple(s, ST_BEGIN);
}

/* Commits with the noted counts; on failure the caller calls txn_abort. */
static int
txn_commit(struct store *s)
{
	int rc = count_flush(s);

	if (rc == 0 && (rc = exec_simple(s, ST_COMMIT)) == 0 && s->changed)
		s->generation++;
	return rc;
}

/* Rolls the transaction back, with the indexes' pending work. */
static void
txn_abort(struct store *s)
{
	exec_simple(s, ST_ROLLBACK);
	search_index_abort(s->search);
	s->counts_n = 0;
	s->changed = false;
}

static int
migrate(struct store *s, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st;
	int version, rc;
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	rc = sqlite3_step(st);
	version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (version < 0)
		goto fail;
	if (version > latest) {
		snprintf(errbuf, errlen, "%s: schema version %d is newer than "
		    "this tvaersd understands (%d); run a newer tvaersd",
		    s->path, version, latest);
		return TV_EVERSION;
	}
	for (; version < latest; version++) {
		char sql[64];
		char *msg = NULL;
		/* Each step and its version bump commit together or not at all. */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;",
		    version + 1);
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK ||
		    sqlite3_exec(s->db, migrations[version], NULL, NULL, &msg) !=
		    SQLITE_OK ||
		    migration_fill_run(s->db, version) != SQLITE_OK ||
		    sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) !=
		    SQLITE_OK) {
			snprintf(errbuf, errlen, "%s: migration to schema "
			    "version %d failed: %s", s->path, version + 1,
			    msg ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -EIO;
		}
	}
	return 0;
fail:
	snprintf(errbuf, errlen, "%s: cannot read the schema version: %s",
	    s->path, sqlite3_errmsg(s->db));
	return sqlite_err(sqlite3_errcode(s->db));
}

/*
 * Copies the whole WAL into the database and empties it, so that what a
 * transaction overwrote leaves the files (DATAMODEL.md §3.3). A reader
 * busy past the busy timeout only delays this to the next erasure.
 */
static void
wal_truncate(struct store *s)
{
	checkpointer_hold(s->checkpointer);
	(void)sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	checkpointer_release(s->checkpointer);
}

/*
 * After every commit: a WAL over STORE_WAL_CHECKPOINT_PAGES is the
 * checkpointer's to copy. SQLite starts the WAL over only after a
 * checkpoint that caught up with every commit, which the thread's never do
 * while commits come back to back (an initial sync grew it past a
 * gigabyte). So past STORE_WAL_LIMIT_PAGES the writer checkpoints itself,
 * as SQLite's own checkpoint would, with most pages already copied.
 */
static int
on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *s = arg;

	if (pages >= STORE_WAL_LIMIT_PAGES) {
		checkpointer_hold(s->checkpointer);
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		checkpointer_release(s->checkpointer);
	} else if (pages >= STORE_WAL_CHECKPOINT_PAGES)
		checkpointer_poke(s->checkpointer);
	return SQLITE_OK;
}

int
store_open(const char *path, struct store **out, char *errbuf, size_t errlen)
{
	/*
	 * WAL for readers beside the writer; FULL so that a local write is on
	 * disk before the CLI hears "added"; secure_delete so superseded
	 * versions do not linger in free pages (DATAMODEL.md §3.3).
	 */
	static const char pragmas[] =
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA secure_delete = ON;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA busy_timeout = 5000;";
	struct store *s;
	char *msg = NULL, limit[64];
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		snprintf(errbuf, errlen, "out of memory");
		return TV_ENOMEM;
	}
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: %s", path,
		    s->db ? sqlite3_errmsg(s->db) : "cannot open");
		rc = sqlite_err(rc);
		goto err_close;
	}
	chmod(path, 0600);
	sqlite3_extended_result_codes(s->db, 1);
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: %s", path, msg);
		sqlite3_free(msg);
		rc = sqlite_err(sqlite3_errcode(s->db));
		goto err_close;
	}
	if ((rc = migrate(s, errbuf, errlen)) != 0)
		goto err_close;
	for (int i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			snprintf(errbuf, errlen, "%s: preparing \"%s\": %s",
			    path, stmt_sql[i], sqlite3_errmsg(s->db));
			rc = sqlite_err(sqlite3_errcode(s->db));
			goto err_close;
		}
	}
	if ((rc = search_index_open(s->db, &s->search, errbuf, errlen)) !=
	    SQLITE_OK) {
		rc = sqlite_err(rc);
		goto err_close;
	}
	if (attrs_prepare(s->db, &s->attrs) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: preparing the attribute index: %s",
		    path, sqlite3_errmsg(s->db));
		rc = sqlite_err(sqlite3_errcode(s->db));
		goto err_close;
	}
	note_blocked(s);
	if ((rc = checkpointer_open(path, &s->checkpointer, errbuf,
	    errlen)) != 0)
		goto err_close;
	/* Replaces SQLite's own checkpoint in COMMIT (checkpointer.h). */
	sqlite3_wal_hook(s->db, on_wal_commit, s);
	/* A WAL that grew past the limit is cut back when it starts over. */
	snprintf(limit, sizeof(limit), "PRAGMA journal_size_limit = %d",
	    STORE_WAL_LIMIT_PAGES * 4096);
	if (sqlite3_exec(s->db, limit, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		rc = sqlite_err(sqlite3_errcode(s->db));
		goto err_close;
	}
	*out = s;
	return 0;
err_close:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	search_index_close(s->search);
	attrs_finalize(&s->attrs);
	checkpointer_close(s->checkpointer);
	if (s->db != NULL) {
		sqlite3_wal_checkpoint_v2(s->db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_close(s->db);
	}
	free(s->counts);
	free(s->path);
	free(s);
}

int
store_search(struct store *s, const char *match, size_t limit,
    store_row_cb *cb, void *arg, size_t *out_hits)
{
	int rc = search_index_query(s->search, match, limit, cb, arg,
	    out_hits);
	return rc == SQLITE_OK ? 0 : sqlite_err(rc);
}

const char *
store_errmsg(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

/*
 * The columns a listing sorts and filters by, taken from the body: the
 * kind's title field and its status, if any. Tombstones have neither.
 */
static void
record_columns(const struct tv_record *r, char *title, size_t title_len,
    char *status, size_t status_len)
{
	const struct tv_kind *k;
	const struct tv_value *body, *v;
	struct tv_doc *doc;

	title[0] = status[0] = 0;
	if (r->body_len == 0 ||
	    tv_decode(r->body, r->body_len, &doc, &body) != 0)
		return;
	k = tv_kind_by_wire(r->kind, r->kind_len);
	if (body->type == TV_MAP) {
		v = tv_map_get(body, k && k->title_field ? k->title_field : "name");
		if (v == NULL && k == NULL)
			v = tv_map_get(body, "title");
		if (v != NULL && v->type == TV_STR)
			snprintf(title, title_len, "%.*s", (int)v->len,
			    (const char *)v->bytes);
		v = tv_map_get(body, "status");
		if (v != NULL && v->type == TV_STR)
			snprintf(status, status_len, "%.*s", (int)v->len,
			    (const char *)v->bytes);
	}
	tv_doc_free(doc);
}

/* Inserts r if it is newer than the held version; inside a transaction. */
static int
put_one(struct store *s, const struct tv_record *r, bool is_local)
{
	sqlite3_stmt *st = s->stmt[ST_GET_VERSION];
	char title[1024], status[64];
	int rc;

	sqlite3_bind_blob(st, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		uint64_t ts = (uint64_t)sqlite3_column_int64(st, 0);
		const void *hash = sqlite3_column_blob(st, 1);
		bool newer = sqlite3_column_bytes(st, 1) != TV_HASH_LEN ||
		    tv_record_cmp(r->timestamp, r->hash, ts, hash) > 0;
		/* PROTOCOL.md §4: newest wins; an equal or older version is dropped. */
		if (!newer) {
			sqlite3_reset(st);
			return 0;
		}
		/* Its interests are found from its bytes, not by another index. */
		rc = attrs_forget(&s->attrs, sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		if (rc == SQLITE_OK && count_note(s, r->origin, -1,
		    -sqlite3_column_int(st, 3), -sqlite3_column_int(st, 4), 0))
			rc = SQLITE_NOMEM;
		sqlite3_reset(st);
		if (rc != SQLITE_OK)
			return sqlite_err(rc);
		s->replaced = true;
		if ((rc = search_index_drop(s->search, r->origin, r->id)) !=
		    SQLITE_OK)
			return sqlite_err(rc);
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sqlite_err(rc);
	}

	record_columns(r, title, sizeof(title), status, sizeof(status));
	st = s->stmt[ST_UPSERT];
	sqlite3_bind_blob(st, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->kind, (int)r->kind_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)r->timestamp);
	sqlite3_bind_blob(st, 5, r->hash, TV_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, tv_record_is_deleted(r));
	sqlite3_bind_int(st, 7, is_local);
	sqlite3_bind_text(st, 8, title, -1, SQLITE_STATIC);
	if (status[0])
		sqlite3_bind_text(st, 9, status, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_blob(st, 10, r->raw, (int)r->raw_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return sqlite_err(rc);
	if (count_note(s, r->origin, 1, is_local, tv_record_is_deleted(r),
	    r->timestamp) != 0)
		return TV_ENOMEM;
	rc = search_index_add(s->search, r);
	if (rc == SQLITE_OK)
		rc = attrs_update(&s->attrs, r);
	return rc == SQLITE_OK ? 1 : sqlite_err(rc);
}

int
store_put_batch_each(struct store *s, const struct tv_record *recs, size_t n,
    bool is_local, bool *out_each, size_t *out_stored)
{
	size_t stored = 0;
	int rc;

	*out_stored = 0;
	if ((rc = txn_begin(s)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = put_one(s, &recs[i], is_local)) < 0)
			goto rollback;
		if (out_each != NULL)
			out_each[i] = rc > 0;
		stored += (size_t)rc;
	}
	/* The superseded texts leave the search index before the commit. */
	if ((rc = search_index_flush(s->search)) != SQLITE_OK) {
		rc = sqlite_err(rc);
		goto rollback;
	}
	if ((rc = txn_commit(s)) != 0)
		goto rollback;
	/*
	 * DATAMODEL.md §3.3: a superseded version's bytes must leave the
	 * files. secure_delete overwrites the database pages, but the WAL
	 * still holds the old page images until it is checkpointed and
	 * truncated. A busy reader only delays this to the next replacement.
	 */
	if (s->replaced)
		wal_truncate(s);
	s->replaced = false;
	*out_stored = stored;
	return 0;
rollback:
	txn_abort(s);
	s->replaced = false;
	return rc;
}

int
store_put_batch(struct store *s, const struct tv_record *recs, size_t n,
    bool is_local, size_t *out_stored)
{
	return store_put_batch_each(s, recs, n, is_local, NULL, out_stored);
}

int
store_put_replicated(struct store *s, const struct tv_record *recs, size_t n,
    bool *out_each, size_t *out_stored)
{
	int rc, rc2;

	/*
	 * In WAL mode NORMAL skips the fsync at commit: a power cut may undo
	 * the last batches but never corrupts the file, and the peers still
	 * hold them for the next reconciliation. The next FULL commit syncs
	 * these frames along with its own.
	 */
	if ((rc = exec_simple(s, ST_SYNC_NORMAL)) != 0)
		return rc;
	rc = store_put_batch_each(s, recs, n, false, out_each, out_stored);
	rc2 = exec_simple(s, ST_SYNC_FULL);
	return rc != 0 ? rc : rc2;
}

/* Copies blob column col of the current row into new memory (caller frees). */
static int
copy_blob(sqlite3_stmt *st, int col, uint8_t **out_raw, size_t *out_len)
{
	size_t len = (size_t)sqlite3_column_bytes(st, col);
	uint8_t *raw = malloc(len ? len : 1);

	if (raw == NULL)
		return TV_ENOMEM;
	if (len > 0)
		memcpy(raw, sqlite3_column_blob(st, col), len);
	*out_raw = raw;
	*out_len = len;
	return 0;
}

int
store_get_by_hash(struct store *s, const uint8_t hash[static TV_HASH_LEN],
    uint8_t **out_raw, size_t *out_len)
{
	sqlite3_stmt *st = s->stmt[ST_BY_HASH];
	int rc;

	*out_raw = NULL;
	sqlite3_bind_blob(st, 1, hash, TV_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *kind = sqlite3_column_text(st, 2);
		const struct tv_kind *k = kind ? tv_kind_by_wire(
		    (const char *)kind, strlen((const char *)kind)) : NULL;

		/* Local-only versions never leave (PROTOCOL.md §6.1). */
		if (sqlite3_column_int(st, 1) != 0 || (k && k->is_local)) {
			rc = TV_ENOTFOUND;
			goto out;
		}
		rc = copy_blob(st, 0, out_raw, out_len);
	} else {
		rc = rc == SQLITE_DONE ? TV_ENOTFOUND : sqlite_err(rc);
	}
out:
	sqlite3_reset(st);
	return rc;
}

int
store_sync_items(struct store *s, store_item_cb *cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[ST_SYNC_ITEMS];
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *kind = sqlite3_column_text(st, 2);
		const struct tv_kind *k;

		if (sqlite3_column_bytes(st, 1) != TV_HASH_LEN || kind == NULL)
			continue;
		k = tv_kind_by_wire((const char *)kind,
		    strlen((const char *)kind));
		if (k != NULL && k->is_local)
			continue;
		if ((rc = cb(arg, (uint64_t)sqlite3_column_int64(st, 0),
		    sqlite3_column_blob(st, 1))) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

int
store_put(struct store *s, const struct tv_record *r, bool is_local)
{
	size_t stored;
	int rc = store_put_batch(s, r, 1, is_local, &stored);
	return rc < 0 ? rc : (int)stored;
}

int
store_get(struct store *s, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], uint8_t **out_raw, size_t *out_len,
    bool *out_local)
{
	sqlite3_stmt *st = s->stmt[ST_GET];
	int rc;

	*out_raw = NULL;
	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = copy_blob(st, 0, out_raw, out_len);
		if (rc == 0 && out_local != NULL)
			*out_local = sqlite3_column_int(st, 1) != 0;
	} else {
		rc = rc == SQLITE_DONE ? TV_ENOTFOUND : sqlite_err(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int
store_resolve(struct store *s, const char *area_prefix, const char *id_prefix,
    uint8_t out_origin[static TV_PK_LEN], uint8_t out_id[static TV_ID_LEN])
{
	uint8_t lo[TV_ID_LEN], hi[TV_ID_LEN];
	uint8_t area_lo[TV_PK_LEN], area_hi[TV_PK_LEN];
	sqlite3_stmt *st = s->stmt[ST_RESOLVE];
	int found = 0, rc;

	if (tv_prefix_range(id_prefix, TV_ID_LEN, lo, hi) != 0)
		return TV_EMALFORMED;
	if (area_prefix != NULL &&
	    tv_prefix_range(area_prefix, TV_PK_LEN, area_lo, area_hi) != 0)
		return TV_EMALFORMED;
	sqlite3_bind_blob(st, 1, lo, TV_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hi, TV_ID_LEN, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *origin = sqlite3_column_blob(st, 0);
		const uint8_t *id = sqlite3_column_blob(st, 1);
		if (sqlite3_column_bytes(st, 0) != TV_PK_LEN ||
		    sqlite3_column_bytes(st, 1) != TV_ID_LEN)
			continue;
		if (area_prefix != NULL &&
		    (memcmp(origin, area_lo, TV_PK_LEN) < 0 ||
		    memcmp(origin, area_hi, TV_PK_LEN) > 0))
			continue;
		if (found++ == 0) {
			memcpy(out_origin, origin, TV_PK_LEN);
			memcpy(out_id, id, TV_ID_LEN);
		} else if (memcmp(out_origin, origin, TV_PK_LEN) != 0 ||
		    memcmp(out_id, id, TV_ID_LEN) != 0) {
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_err(rc);
	if (found == 0)
		return TV_ENOTFOUND;
	return found == 1 ? 0 : TV_EAMBIGUOUS;
}

long
store_list(struct store *s, const struct store_query *q,
    struct store_cursor *cur, size_t limit, store_row_cb *cb, void *arg)
{
	char sql[512];
	sqlite3_stmt *st;
	long rows = 0;
	int rc, n = 1;

	/*
	 * Keyset pagination on the listing index: each page resumes after the
	 * last key seen, so a long listing never holds a read transaction or
	 * memory across pages.
	 */
	/*
	 * With the kind fixed, the resume key must leave it out: SQLite 3.40
	 * uses the index for "kind = ? AND (title, origin, id) > (...)" but
	 * scans every row of the kind for the four-column comparison.
	 */
	snprintf(sql, sizeof(sql),
	    "SELECT raw, is_local, kind, title, origin, id FROM records "
	    "WHERE 1 %s%s%s%s ORDER BY kind, title, origin, id %s",
	    q->kind ? "AND kind = ? " : "",
	    q->status ? "AND status = ? " : "",
	    q->with_deleted ? "" : "AND deleted = 0 ",
	    !cur->started ? "" : q->kind ?
	    "AND (title, origin, id) > (?, ?, ?)" :
	    "AND (kind, title, origin, id) > (?, ?, ?, ?)",
	    limit ? "LIMIT ?" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_err(sqlite3_errcode(s->db));
	if (q->kind)
		sqlite3_bind_text(st, n++, q->kind, -1, SQLITE_STATIC);
	if (q->status)
		sqlite3_bind_text(st, n++, q->status, -1, SQLITE_STATIC);
	if (cur->started) {
		if (!q->kind)
			sqlite3_bind_text(st, n++, cur->kind, -1,
			    SQLITE_TRANSIENT);
		sqlite3_bind_text(st, n++, cur->title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, n++, cur->origin, TV_PK_LEN,
		    SQLITE_TRANSIENT);
		sqlite3_bind_blob(st, n++, cur->id, TV_ID_LEN, SQLITE_TRANSIENT);
	}
	if (limit)
		sqlite3_bind_int64(st, n++, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *kind = sqlite3_column_text(st, 2);
		const unsigned char *title = sqlite3_column_text(st, 3);
		cur->started = true;
		snprintf(cur->kind, sizeof(cur->kind), "%s",
		    kind ? (const char *)kind : "");
		snprintf(cur->title, sizeof(cur->title), "%s",
		    title ? (const char *)title : "");
		if (sqlite3_column_bytes(st, 4) == TV_PK_LEN)
			memcpy(cur->origin, sqlite3_column_blob(st, 4), TV_PK_LEN);
		if (sqlite3_column_bytes(st, 5) == TV_ID_LEN)
			memcpy(cur->id, sqlite3_column_blob(st, 5), TV_ID_LEN);
		rows++;
		if (cb(arg, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_int(st, 1) != 0) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sqlite_err(rc);
	return rows;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int
store_stats(struct store *s, const uint8_t *origin, struct store_stats *out)
{
	sqlite3_stmt *st = s->stmt[origin ? ST_STATS_ORIGIN : ST_STATS];
	char wal[4096];
	int rc;

	memset(out, 0, sizeof(*out));
	if (origin)
		sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->records = (uint64_t)sqlite3_column_int64(st, 0);
		out->local = (uint64_t)sqlite3_column_int64(st, 1);
		out->tombstones = (uint64_t)sqlite3_column_int64(st, 2);
		rc = 0;
	} else {
		rc = sqlite_err(rc);
	}
	sqlite3_reset(st);
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	out->db_bytes = file_size(s->path) + file_size(wal);
	return rc;
}

int
store_setting_get(struct store *s, const char *key, char **out)
{
	sqlite3_stmt *st = s->stmt[ST_SETTING_GET];
	int rc;

	*out = NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		*out = strdup(v ? (const char *)v : "");
		rc = *out ? 0 : TV_ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? TV_ENOTFOUND : sqlite_err(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int
store_setting_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = s->stmt[ST_SETTING_SET];
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

int
store_peer_add(struct store *s, const char *addr, const uint8_t *area,
    int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_PEER_ADD];
	int rc;

	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	if (area != NULL)
		sqlite3_bind_blob(st, 2, area, TV_PK_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

int
store_peer_rm(struct store *s, const char *addr)
{
	sqlite3_stmt *st = s->stmt[ST_PEER_RM];
	int rc;

	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlite_err(rc);
	return sqlite3_changes(s->db) > 0 ? 0 : TV_ENOTFOUND;
}

int
store_peer_list(struct store *s, store_peer_cb *cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[ST_PEER_LIST];
	struct store_peer p;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *addr = sqlite3_column_text(st, 0);
		const void *area = sqlite3_column_blob(st, 1);
		const unsigned char *err = sqlite3_column_text(st, 3);

		memset(&p, 0, sizeof(p));
		p.addr = addr ? (const char *)addr : "";
		if (area != NULL && sqlite3_column_bytes(st, 1) == TV_PK_LEN) {
			memcpy(p.area, area, TV_PK_LEN);
			p.has_area = true;
		}
		p.last_seen = sqlite3_column_int64(st, 2);
		p.last_error = err ? (const char *)err : NULL;
		p.bytes_in = sqlite3_column_int64(st, 4);
		p.bytes_out = sqlite3_column_int64(st, 5);
		if ((rc = cb(arg, &p)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

int
store_peer_seen(struct store *s, const char *addr, const uint8_t *area,
    int64_t last_seen, const char *last_error, uint64_t bytes_in,
    uint64_t bytes_out)
{
	sqlite3_stmt *st = s->stmt[ST_PEER_SEEN];
	int rc;

	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	if (area != NULL)
		sqlite3_bind_blob(st, 2, area, TV_PK_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (last_seen != 0)
		sqlite3_bind_int64(st, 3, last_seen);
	else
		sqlite3_bind_null(st, 3);
	if (last_error != NULL)
		sqlite3_bind_text(st, 4, last_error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (int64_t)bytes_in);
	sqlite3_bind_int64(st, 6, (int64_t)bytes_out);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

int
store_peer_count(struct store *s, uint64_t *out)
{
	sqlite3_stmt *st = s->stmt[ST_PEER_COUNT];
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : sqlite_err(rc);
}

/* Takes every record of origin out of the search index; SQLITE_DONE or an error. */
static int
search_drop_origin(struct store *s, const uint8_t origin[static TV_PK_LEN])
{
	sqlite3_stmt *st = s->stmt[ST_ORIGIN_IDS];
	uint8_t id[TV_ID_LEN];
	int rc = SQLITE_DONE, drc = SQLITE_OK;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	while (drc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != TV_ID_LEN)
			continue;
		memcpy(id, sqlite3_column_blob(st, 0), TV_ID_LEN);
		drc = search_index_drop(s->search, origin, id);
	}
	sqlite3_reset(st);
	if (drc != SQLITE_OK)
		return drc;
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

int
store_block(struct store *s, const uint8_t origin[static TV_PK_LEN],
    int64_t now, uint64_t *out_deleted)
{
	sqlite3_stmt *st;
	int rc;

	*out_deleted = 0;
	if ((rc = txn_begin(s)) != 0)
		return rc;
	s->has_blocked = true;	/* before any record of origin is judged */
	st = s->stmt[ST_BLOCK_ADD];
	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		rc = search_drop_origin(s, origin);
	/* The attributes first: they are found from the records' bytes. */
	if (rc == SQLITE_DONE && (rc = attrs_purge(&s->attrs, origin)) ==
	    SQLITE_OK) {
		st = s->stmt[ST_BLOCK_PURGE];
		sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		*out_deleted = (uint64_t)sqlite3_changes(s->db);
	}
	if (rc == SQLITE_DONE) {
		s->changed = true;	/* at least the set that may leave */
		st = s->stmt[ST_COUNT_ZERO];
		sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	if (rc == SQLITE_DONE)
		rc = search_index_flush(s->search) == SQLITE_OK ?
		    SQLITE_DONE : SQLITE_ERROR;
	if (rc != SQLITE_DONE || (rc = txn_commit(s)) != 0) {
		rc = rc > 0 ? sqlite_err(rc) : rc;
		txn_abort(s);
		*out_deleted = 0;
		return rc;
	}
	/* As store_put_batch_each: the deleted bytes must leave the WAL too. */
	wal_truncate(s);
	return 0;
}

int
store_unblock(struct store *s, const uint8_t origin[static TV_PK_LEN])
{
	sqlite3_stmt *st = s->stmt[ST_UNBLOCK];
	int rc;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlite_err(rc);
	rc = sqlite3_changes(s->db) > 0 ? 0 : TV_ENOTFOUND;
	note_blocked(s);
	s->generation++;	/* which versions may leave has changed */
	return rc;
}

/* Learns whether any area is blocked; a failure assumes some is. */
static void
note_blocked(struct store *s)
{
	sqlite3_stmt *st;

	s->has_blocked = true;
	if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM blocked)",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		s->has_blocked = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
}

bool
store_is_blocked(struct store *s, const uint8_t origin[static TV_PK_LEN])
{
	sqlite3_stmt *st = s->stmt[ST_IS_BLOCKED];
	int rc;

	/* Asked once per received record; nearly always nothing is blocked. */
	if (!s->has_blocked)
		return false;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

int
store_areas(struct store *s, store_area_cb *cb, void *arg)
{
	static const char sql[] =
	    "SELECT o.origin, "
	    " (SELECT c.records - c.deleted FROM origin_counts c "
	    "  WHERE c.origin = o.origin), "
	    " (SELECT c.last_ts FROM origin_counts c "
	    "  WHERE c.origin = o.origin), "
	    " (SELECT raw FROM records r WHERE r.origin = o.origin AND "
	    "  r.kind = 'area' AND r.deleted = 0 ORDER BY r.id LIMIT 1), "
	    " (SELECT since FROM blocked b WHERE b.origin = o.origin) "
	    "FROM (SELECT origin FROM origin_counts WHERE records > 0 UNION "
	    " SELECT origin FROM blocked) o ORDER BY o.origin";
	struct store_area a;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_err(sqlite3_errcode(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != TV_PK_LEN)
			continue;
		memset(&a, 0, sizeof(a));
		memcpy(a.origin, sqlite3_column_blob(st, 0), TV_PK_LEN);
		a.records = (uint64_t)sqlite3_column_int64(st, 1);
		a.last_ts = (uint64_t)sqlite3_column_int64(st, 2);
		a.profile = sqlite3_column_blob(st, 3);
		a.profile_len = (size_t)sqlite3_column_bytes(st, 3);
		a.is_blocked = sqlite3_column_type(st, 4) != SQLITE_NULL;
		a.since = sqlite3_column_int64(st, 4);
		if ((rc = cb(arg, &a)) != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sqlite_err(rc);
}

/*
 * Takes the version held for key, about to be deleted, out of the attribute
 * index and the counts.
 */
static int
forget_held(struct store *s, const struct store_key *key)
{
	sqlite3_stmt *st = s->stmt[ST_GET_VERSION];
	int rc;

	sqlite3_bind_blob(st, 1, key->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key->id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = attrs_forget(&s->attrs, sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		if (rc == SQLITE_OK && count_note(s, key->origin, -1,
		    -sqlite3_column_int(st, 3), -sqlite3_column_int(st, 4), 0))
			rc = SQLITE_NOMEM;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;		/* not held: nothing to forget */
	sqlite3_reset(st);
	return rc;
}

int
store_delete(struct store *s, const struct store_key *keys, size_t n,
    uint64_t *out_deleted)
{
	sqlite3_stmt *st = s->stmt[ST_DELETE];
	uint64_t deleted = 0;
	int rc = SQLITE_DONE;

	*out_deleted = 0;
	if (n == 0)
		return 0;
	if ((rc = txn_begin(s)) != 0)
		return rc;
	rc = SQLITE_DONE;
	for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
		/* Its text and attributes leave the indexes with it. */
		if (search_index_drop(s->search, keys[i].origin,
		    keys[i].id) != SQLITE_OK ||
		    forget_held(s, &keys[i]) != SQLITE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_blob(st, 1, keys[i].origin, TV_PK_LEN,
		    SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, keys[i].id, TV_ID_LEN, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		deleted += (uint64_t)sqlite3_changes(s->db);
	}
	if (rc == SQLITE_DONE && search_index_flush(s->search) != SQLITE_OK)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE || (rc = txn_commit(s)) != 0) {
		rc = rc > 0 ? sqlite_err(rc) : rc;
		txn_abort(s);
		return rc;
	}
	/* As store_block: the deleted bytes must leave the WAL too. */
	if (deleted > 0)
		wal_truncate(s);
	*out_deleted = deleted;
	return 0;
}

int
store_delete_older(struct store *s, const struct tv_record *r)
{
	sqlite3_stmt *st = s->stmt[ST_GET_VERSION];
	struct store_key key;
	uint64_t deleted;
	bool is_older;
	int rc;

	sqlite3_bind_blob(st, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	is_older = rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) ==
	    TV_HASH_LEN && tv_record_cmp(r->timestamp, r->hash,
	    (uint64_t)sqlite3_column_int64(st, 0),
	    sqlite3_column_blob(st, 1)) > 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sqlite_err(rc);
	if (!is_older)
		return 0;
	memcpy(key.origin, r->origin, TV_PK_LEN);
	memcpy(key.id, r->id, TV_ID_LEN);
	rc = store_delete(s, &key, 1, &deleted);
	return rc < 0 ? rc : deleted > 0;
}
