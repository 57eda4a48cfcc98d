#include "search_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "record.h"
#include "search.h"

enum shard_stmt {
	SH_INSERT,
	SH_DELETE,
	SH_OPTIMIZE,
	SH_DELETE_ALL,
	SH__COUNT,
};

static const char *const shard_sql[SH__COUNT] = {
	[SH_INSERT] = "INSERT INTO search_%d (rowid, kind, title, body) "
	    "VALUES (?, ?, ?, ?)",
	/* Contentless: a delete names the exact values that were indexed. */
	[SH_DELETE] = "INSERT INTO search_%d (search_%d, rowid, kind, title, "
	    "body) VALUES ('delete', ?, ?, ?, ?)",
	[SH_OPTIMIZE] = "INSERT INTO search_%d (search_%d) VALUES ('optimize')",
	[SH_DELETE_ALL] = "INSERT INTO search_%d (search_%d) "
	    "VALUES ('delete-all')",
};

enum stmt_id {
	SI_DOCID,
	SI_DOC_ADD,
	SI_DOC_RM,
	SI_RAW,
	SI__COUNT,
};

static const char *const stmt_sql[SI__COUNT] = {
	[SI_DOCID] = "SELECT docid FROM search_docs WHERE origin = ? AND id = ?",
	[SI_DOC_ADD] = "INSERT INTO search_docs (origin, id) VALUES (?, ?)",
	[SI_DOC_RM] = "DELETE FROM search_docs WHERE docid = ?",
	[SI_RAW] = "SELECT raw FROM records WHERE origin = ? AND id = ?",
};

struct search_index {
	sqlite3 *db;
	sqlite3_stmt *shard[SEARCH_SHARDS][SH__COUNT];
	sqlite3_stmt *stmt[SI__COUNT];
	sqlite3_stmt *query;
	bool dirty[SEARCH_SHARDS];	/* lost an entry since the last flush */
};

/* The folded text of one record, column by column. */
struct columns {
	char *kind, *title, *body;
	size_t title_len, body_len, title_cap, body_cap;
	bool failed;
};

/* Appends the folded text to a column, a space between texts. */
static bool
column_add(char **col, size_t *len, size_t *cap, const char *folded,
    size_t n)
{
	if (n == 0)
		return true;
	if (*len + n + 2 > *cap) {
		size_t want = 2 * (*len + n + 2);
		char *p = realloc(*col, want);
		if (p == NULL)
			return false;
		*col = p;
		*cap = want;
	}
	if (*len > 0)
		(*col)[(*len)++] = ' ';
	memcpy(*col + *len, folded, n);
	*len += n;
	(*col)[*len] = 0;
	return true;
}

static int
columns_text(void *arg, const char *field, const char *text, size_t len,
    bool is_title)
{
	struct columns *c = arg;
	char *folded;
	size_t n;
	bool ok;

	(void)field;
	if (tv_fold(text, len, &folded, &n) != 0) {
		c->failed = true;
		return 1;
	}
	ok = is_title ? column_add(&c->title, &c->title_len, &c->title_cap,
	    folded, n) : column_add(&c->body, &c->body_len, &c->body_cap,
	    folded, n);
	free(folded);
	if (!ok) {
		c->failed = true;
		return 1;
	}
	return 0;
}

static void
columns_free(struct columns *c)
{
	free(c->kind);
	free(c->title);
	free(c->body);
}

/*
 * Folds r's texts into columns. Returns SQLITE_OK with *out_any telling
 * whether there is anything to index, or SQLITE_NOMEM. A body that does
 * not decode (never stored: records are checked first) indexes nothing.
 */
static int
columns_of(const struct tv_record *r, struct columns *c, bool *out_any)
{
	size_t n;
	int rc;

	memset(c, 0, sizeof(*c));
	*out_any = false;
	rc = tv_search_texts(r, columns_text, c);
	if (c->failed)
		return SQLITE_NOMEM;
	if (rc != 0 || (c->title_len == 0 && c->body_len == 0))
		return SQLITE_OK;
	if (tv_fold(r->kind, r->kind_len, &c->kind, &n) != 0)
		return SQLITE_NOMEM;
	*out_any = true;
	return SQLITE_OK;
}

/* Binds (docid, kind, title, body) and steps one shard statement. */
static int
shard_step(sqlite3_stmt *st, int64_t docid, const struct columns *c)
{
	int rc;

	sqlite3_bind_int64(st, 1, docid);
	sqlite3_bind_text(st, 2, c->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->title ? c->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->body ? c->body : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
shard_of(int64_t docid)
{
	return (int)((uint64_t)docid % SEARCH_SHARDS);
}

static int
doc_id(struct search_index *si, const uint8_t *origin, const uint8_t *id,
    int64_t *out)
{
	sqlite3_stmt *st = si->stmt[SI_DOCID];
	int rc;

	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SQLITE_OK;
	return rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc;
}

/* Takes the held version's entry out of its shard, with its exact text. */
static int
drop_entry(struct search_index *si, const uint8_t *raw, size_t len,
    int64_t docid)
{
	struct tv_record old;
	struct columns c;
	bool any;
	int rc;

	if (tv_record_decode(raw, len, &old) != 0)
		return SQLITE_CORRUPT;
	if ((rc = columns_of(&old, &c, &any)) == SQLITE_OK && any) {
		rc = shard_step(si->shard[shard_of(docid)][SH_DELETE], docid,
		    &c);
		si->dirty[shard_of(docid)] = true;
	}
	columns_free(&c);
	return rc;
}

int
search_index_drop(struct search_index *si,
    const uint8_t origin[static TV_PK_LEN], const uint8_t id[static TV_ID_LEN])
{
	sqlite3_stmt *st = si->stmt[SI_RAW];
	int64_t docid;
	int rc;

	if ((rc = doc_id(si, origin, id, &docid)) != SQLITE_OK)
		return rc == SQLITE_NOTFOUND ? SQLITE_OK : rc;
	sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = drop_entry(si, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), docid);
	else if (rc == SQLITE_DONE)
		rc = SQLITE_CORRUPT;	/* an entry without its record */
	sqlite3_reset(st);
	if (rc != SQLITE_OK)
		return rc;
	st = si->stmt[SI_DOC_RM];
	sqlite3_bind_int64(st, 1, docid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
search_index_add(struct search_index *si, const struct tv_record *r)
{
	sqlite3_stmt *st = si->stmt[SI_DOC_ADD];
	struct columns c;
	int64_t docid;
	bool any;
	int rc;

	if ((rc = columns_of(r, &c, &any)) != SQLITE_OK || !any)
		goto out;
	sqlite3_bind_blob(st, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	docid = sqlite3_last_insert_rowid(si->db);
	rc = shard_step(si->shard[shard_of(docid)][SH_INSERT], docid, &c);
out:
	columns_free(&c);
	return rc;
}

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
search_index_flush(struct search_index *si)
{
	int rc;

	for (int i = 0; i < SEARCH_SHARDS; i++) {
		if (!si->dirty[i])
			continue;
		if ((rc = step_done(si->shard[i][SH_OPTIMIZE])) != SQLITE_OK)
			return rc;
		si->dirty[i] = false;
	}
	return SQLITE_OK;
}

void
search_index_abort(struct search_index *si)
{
	memset(si->dirty, 0, sizeof(si->dirty));
}

int
search_index_query(struct search_index *si, const char *match, size_t limit,
    search_hit_cb *cb, void *arg, size_t *out_hits)
{
	sqlite3_stmt *st = si->query;
	size_t hits = 0;
	int rc;

	*out_hits = 0;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hits++;
		if (cb(arg, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_int(st, 1) != 0) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	*out_hits = hits;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Every shard's best limit hits, then the best limit of those: each shard
 * ranks in FTS5 (ORDER BY rank), so only a few rows reach the joins.
 */
static char *
query_sql(void)
{
	size_t cap = 512 + SEARCH_SHARDS * 160, n = 0;
	char *sql = malloc(cap);

	if (sql == NULL)
		return NULL;
	n += (size_t)snprintf(sql + n, cap - n, "SELECT r.raw, r.is_local "
	    "FROM (");
	for (int i = 0; i < SEARCH_SHARDS; i++)
		n += (size_t)snprintf(sql + n, cap - n, "%sSELECT * FROM "
		    "(SELECT rowid AS docid, rank FROM search_%d WHERE "
		    "search_%d MATCH ?1 ORDER BY rank LIMIT ?2)",
		    i ? " UNION ALL " : "", i, i);
	snprintf(sql + n, cap - n, ") h JOIN search_docs d ON d.docid = "
	    "h.docid JOIN records r ON r.origin = d.origin AND r.id = d.id "
	    "ORDER BY h.rank LIMIT ?2");
	return sql;
}

static int
prepare_all(struct search_index *si, char *errbuf, size_t errlen)
{
	char sql[256], *qsql;
	int rc;

	for (int i = 0; i < SEARCH_SHARDS; i++)
		for (int j = 0; j < SH__COUNT; j++) {
			snprintf(sql, sizeof(sql), shard_sql[j], i, i);
			if ((rc = sqlite3_prepare_v3(si->db, sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &si->shard[i][j],
			    NULL)) != SQLITE_OK)
				goto fail;
		}
	for (int j = 0; j < SI__COUNT; j++)
		if ((rc = sqlite3_prepare_v3(si->db, stmt_sql[j], -1,
		    SQLITE_PREPARE_PERSISTENT, &si->stmt[j], NULL)) !=
		    SQLITE_OK)
			goto fail;
	if ((qsql = query_sql()) == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v3(si->db, qsql, -1, SQLITE_PREPARE_PERSISTENT,
	    &si->query, NULL);
	free(qsql);
	if (rc == SQLITE_OK)
		return rc;
fail:
	snprintf(errbuf, errlen, "preparing the search index: %s",
	    sqlite3_errmsg(si->db));
	return rc;
}

/* The folding the index was built with; 0 if none. */
static int
built_with(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = "
	    "'search_fold'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Indexes every current record anew; inside a transaction. */
static int
reindex(struct search_index *si)
{
	sqlite3_stmt *st;
	char sql[128];
	int rc;

	for (int i = 0; i < SEARCH_SHARDS; i++)
		if ((rc = step_done(si->shard[i][SH_DELETE_ALL])) != SQLITE_OK)
			return rc;
	if ((rc = sqlite3_exec(si->db, "DELETE FROM search_docs", NULL, NULL,
	    NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_prepare_v2(si->db, "SELECT raw FROM records WHERE "
	    "deleted = 0", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tv_record r;
		if (tv_record_decode(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), &r) != 0)
			continue;
		if ((rc = search_index_add(si, &r)) != SQLITE_OK)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return rc;
	for (int i = 0; i < SEARCH_SHARDS; i++)
		si->dirty[i] = true;
	if ((rc = search_index_flush(si)) != SQLITE_OK)
		return rc;
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO settings (key, "
	    "value) VALUES ('search_fold', '%d')", TV_FOLD_VERSION);
	return sqlite3_exec(si->db, sql, NULL, NULL, NULL);
}

int
search_index_open(sqlite3 *db, struct search_index **out, char *errbuf,
    size_t errlen)
{
	struct search_index *si;
	int rc;

	*out = NULL;
	if ((si = calloc(1, sizeof(*si))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return SQLITE_NOMEM;
	}
	si->db = db;
	if ((rc = prepare_all(si, errbuf, errlen)) != SQLITE_OK)
		goto fail;
	if (built_with(db) != TV_FOLD_VERSION) {
		if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
		    NULL)) == SQLITE_OK &&
		    (rc = reindex(si)) == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			snprintf(errbuf, errlen, "building the search index: "
			    "%s", sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	*out = si;
	return SQLITE_OK;
fail:
	search_index_close(si);
	return rc;
}

void
search_index_close(struct search_index *si)
{
	if (si == NULL)
		return;
	for (int i = 0; i < SEARCH_SHARDS; i++)
		for (int j = 0; j < SH__COUNT; j++)
			sqlite3_finalize(si->shard[i][j]);
	for (int j = 0; j < SI__COUNT; j++)
		sqlite3_finalize(si->stmt[j]);
	sqlite3_finalize(si->query);
	free(si);
}
