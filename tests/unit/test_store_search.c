/*
 * The search index in a real store: Danish place names meet however they
 * are spelt, the kind filter, ranking, local-only records, and erasure: a
 * superseded, deleted or blocked text leaves both the index and the
 * database files (a byte grep, DATAMODEL.md §3.3).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "canon.h"
#include "err.h"
#include "record.h"
#include "search.h"
#include "sign.h"
#include "store.h"
#include "test.h"

static char dir[] = "/tmp/tvaers-search-XXXXXX";
static char path[256];
static struct tv_keypair kp;

static struct store *
open_store(void)
{
	struct store *s;
	char err[512];

	if (path[0] == 0) {
		if (mkdtemp(dir) == NULL)
			TEST_FAIL("mkdtemp");
		snprintf(path, sizeof(path), "%s/t.db", dir);
		tv_keypair_generate(&kp);
	}
	if (store_open(path, &s, err, sizeof(err)) != 0)
		TEST_FAIL("store_open: %s", err);
	return s;
}

/*
 * Stores a version of record id n: kind with {title_key: title,
 * "description": desc}, or a tombstone if title is NULL.
 */
static void
put(struct store *s, const char *kind, uint8_t n, uint64_t ts,
    const char *title, const char *desc, bool is_local)
{
	uint8_t id[TV_ID_LEN] = { n }, *body = NULL, *raw;
	size_t body_len = 0, len;
	struct tv_record r;
	struct tv_w w;

	if (title != NULL) {
		tv_w_init(&w, 0);
		tv_w_map(&w, desc ? 2 : 1);
		/* canonical order: shorter keys first */
		tv_w_cstr(&w, strcmp(kind, "project") == 0 ? "title" : "name");
		tv_w_cstr(&w, title);
		if (desc) {
			tv_w_cstr(&w, "description");
			tv_w_cstr(&w, desc);
		}
		ASSERT_EQ(tv_w_finish(&w, &body, &body_len), 0);
	}
	ASSERT_EQ(tv_record_sign(&kp, kind, id, ts, title ? 0 :
	    TV_FLAG_DELETED, body, body_len, &raw, &len), 0);
	ASSERT_EQ(tv_record_decode(raw, len, &r), 0);
	ASSERT_EQ(store_put(s, &r, is_local), 1);
	free(body);
	free(raw);
}

struct hits {
	char titles[16][128];
	bool local[16];
	size_t n;
};

static int
hit(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct hits *h = arg;
	struct tv_record r;
	const struct tv_value *body, *v;
	struct tv_doc *doc;

	ASSERT_EQ(tv_record_decode(raw, len, &r), 0);
	ASSERT_EQ(tv_decode(r.body, r.body_len, &doc, &body), 0);
	v = tv_map_get(body, "name");
	if (v == NULL)
		v = tv_map_get(body, "title");
	ASSERT(v != NULL && h->n < 16);
	snprintf(h->titles[h->n], sizeof(h->titles[0]), "%.*s", (int)v->len,
	    (const char *)v->bytes);
	h->local[h->n++] = is_local;
	tv_doc_free(doc);
	return 0;
}

static size_t
search(struct store *s, const char *text, const char *kind, struct hits *h)
{
	struct tv_search_query q;
	char match[TV_SEARCH_MATCH_MAX], why[256];
	size_t n;

	memset(h, 0, sizeof(*h));
	ASSERT_EQ(tv_search_parse(text, strlen(text), &q, why, sizeof(why)), 0);
	ASSERT_EQ(tv_search_match(&q, kind, match, sizeof(match)), 0);
	ASSERT_EQ(store_search(s, match, 16, hit, h, &n), 0);
	ASSERT_EQ(n, h->n);
	return n;
}

/* True if the database or its WAL holds needle anywhere. */
static bool
db_contains(const char *needle)
{
	char wal[300];

	snprintf(wal, sizeof(wal), "%s-wal", path);
	return test_file_contains(path, needle) ||
	    (access(wal, F_OK) == 0 && test_file_contains(wal, needle));
}

static void
put_places(struct store *s)
{
	put(s, "association", 1, 10, "Aabenraa Rideklub", NULL, false);
	put(s, "association", 2, 10, "Idrætsforeningen", "Vi træner i Åbenrå "
	    "hver tirsdag.", false);
	put(s, "association", 3, 10, "Bårse Borgerforening", NULL, false);
	put(s, "project", 4, 10, "Sti fra Køge til Bårse", "Cykelsti.", false);
	put(s, "association", 5, 10, "Ærø Sejlklub", NULL, false);
	put(s, "association", 6, 10, "Sønderborg Spejdere", NULL, false);
}

TEST(danish_spellings_meet)
{
	struct store *s = open_store();
	struct hits h;

	put_places(s);
	ASSERT_EQ(search(s, "Åbenrå", NULL, &h), 2);
	/* The title match ranks first. */
	ASSERT_STR_EQ(h.titles[0], "Aabenraa Rideklub");
	ASSERT_STR_EQ(h.titles[1], "Idrætsforeningen");
	ASSERT_EQ(search(s, "aabenraa", NULL, &h), 2);
	ASSERT_EQ(search(s, "ÅBENRÅ ", NULL, &h), 2);
	ASSERT_EQ(search(s, "baarse", NULL, &h), 2);
	ASSERT_EQ(search(s, "Bårse", "project", &h), 1);
	ASSERT_STR_EQ(h.titles[0], "Sti fra Køge til Bårse");
	ASSERT_EQ(search(s, "KØGE", NULL, &h), 1);
	ASSERT_EQ(search(s, "Koege", NULL, &h), 1);
	ASSERT_EQ(search(s, "aerø", NULL, &h), 1);
	ASSERT_EQ(search(s, "sønderb", NULL, &h), 1);
	ASSERT_EQ(search(s, "sønderb ", NULL, &h), 0);
	ASSERT_EQ(search(s, "\"fra køge\"", NULL, &h), 1);
	ASSERT_EQ(search(s, "\"køge fra\"", NULL, &h), 0);
	ASSERT_EQ(search(s, "Køge Sejlklub", NULL, &h), 0);
	store_close(s);
}

TEST(local_records_are_found_here)
{
	struct store *s = open_store();
	struct hits h;

	put(s, "contact", 7, 10, "Jens Kasserer", NULL, true);
	ASSERT_EQ(search(s, "kasserer", NULL, &h), 1);
	ASSERT(h.local[0]);
	store_close(s);
}

TEST(erased_text_leaves_index_and_files)
{
	struct store *s = open_store();
	struct hits h;

	/* A word no other text shares a prefix with, so it is stored whole. */
	put(s, "association", 8, 10, "Qxzæbel Klub", "Mødes hos Wyxånd.",
	    false);
	put(s, "association", 9, 10, "Jqvøl Forening", NULL, false);
	put(s, "association", 10, 10, "Vzkæt Lag", NULL, false);
	ASSERT_EQ(search(s, "qxzaebel", NULL, &h), 1);
	store_close(s);
	/* The grep can see them: original and folded forms. */
	ASSERT(db_contains("Qxzæbel"));
	ASSERT(db_contains("qxzaebel"));
	ASSERT(db_contains("wyxaand"));
	ASSERT(db_contains("jqvoel"));
	ASSERT(db_contains("vzkaet"));

	s = open_store();
	/* set: a new version without the words; rm: a tombstone; block. */
	put(s, "association", 8, 20, "Anden Klub", NULL, false);
	ASSERT_EQ(search(s, "qxzæbel", NULL, &h), 0);
	ASSERT_EQ(search(s, "wyxånd", NULL, &h), 0);
	ASSERT_EQ(search(s, "anden", NULL, &h), 1);
	ASSERT(!db_contains("qxzaebel") && !db_contains("Qxzæbel"));
	ASSERT(!db_contains("wyxaand") && !db_contains("Wyxånd"));
	ASSERT(!db_contains("zaebel") && !db_contains("xaand"));
	put(s, "association", 9, 20, NULL, NULL, false);
	ASSERT_EQ(search(s, "jqvøl", NULL, &h), 0);
	ASSERT(!db_contains("jqvoel") && !db_contains("Jqvøl"));
	ASSERT(!db_contains("qvoel"));
	{
		uint64_t deleted;
		ASSERT_EQ(store_block(s, kp.pk, 1, &deleted), 0);
		ASSERT_EQ(deleted, 3);
	}
	ASSERT_EQ(search(s, "vzkæt", NULL, &h), 0);
	ASSERT(!db_contains("vzkaet") && !db_contains("Vzkæt"));
	store_close(s);
	ASSERT(!db_contains("vzkaet") && !db_contains("qxzaebel") &&
	    !db_contains("jqvoel"));
}

TEST(rebuilt_when_folding_changes)
{
	struct store *s = open_store();
	struct hits h;
	sqlite3 *db;

	put_places(s);
	store_close(s);
	/* An index built by another folding (or before schema 5) is rebuilt. */
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "UPDATE settings SET value = '0' WHERE "
	    "key = 'search_fold'", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "INSERT INTO search_0 (search_0) "
	    "VALUES ('delete-all'); DELETE FROM search_docs", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	s = open_store();
	ASSERT_EQ(search(s, "Åbenrå", NULL, &h), 2);
	ASSERT_EQ(search(s, "Køge", NULL, &h), 1);
	/* And keeps working: a replaced version is still dropped cleanly. */
	put(s, "association", 1, 20, "Aabenraa Ryttere", NULL, false);
	ASSERT_EQ(search(s, "rideklub", NULL, &h), 0);
	ASSERT_EQ(search(s, "ryttere", NULL, &h), 1);
	store_close(s);
}

TEST(migration_from_schema_4_indexes_what_is_there)
{
	struct store *s = open_store();
	struct hits h;
	sqlite3 *db;
	char sql[2048];
	size_t n = 0;

	put_places(s);
	store_close(s);
	/* Turn the file back into schema 4: no search tables at all. */
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	for (int i = 0; i < 16; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
		    "DROP TABLE search_%d;", i);
	/* Schemas 5 to 7 go too: the store is as schema 4 left it. */
	snprintf(sql + n, sizeof(sql) - n, "DROP TABLE origin_counts; "
	    "DROP TABLE search_docs; "
	    "DROP TABLE area_places; DROP TABLE record_interests; DELETE "
	    "FROM settings WHERE key = 'search_fold'; PRAGMA user_version = 4;");
	ASSERT_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = open_store();
	ASSERT_EQ(search(s, "Åbenrå", NULL, &h), 2);
	ASSERT_EQ(search(s, "Sønderborg", NULL, &h), 1);
	store_close(s);
}

TEST(limit_and_syntax_safety)
{
	struct store *s = open_store();
	struct hits h;
	size_t n;

	for (uint8_t i = 20; i < 40; i++)
		put(s, "event", i, 10, "Fællesspisning", NULL, false);
	ASSERT_EQ(search(s, "fællesspisning", NULL, &h), 16);
	memset(&h, 0, sizeof(h));
	ASSERT_EQ(store_search(s, "{title body} : (\"faellesspisning\")", 3,
	    hit, &h, &n), 0);
	ASSERT_EQ(n, 3);
	/* Text that is FTS5 syntax is only words once parsed. */
	ASSERT_EQ(search(s, "\"a\" OR NOT * : ( ^ NEAR", NULL, &h), 0);
	store_close(s);
}

TEST_MAIN(danish_spellings_meet, local_records_are_found_here,
    erased_text_leaves_index_and_files, rebuilt_when_folding_changes,
    migration_from_schema_4_indexes_what_is_there, limit_and_syntax_safety)
