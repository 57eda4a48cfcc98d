/*
 * The machine's bound for receiving records (bench_sync.sh): reads the raw
 * records of a `tvaers export` (JSON lines with "raw": hex), then decodes,
 * verifies (Ed25519) and inserts them into a fresh SQLite file shaped like
 * the daemon's records table (WAL, synchronous=NORMAL, transactions of
 * 1,000 records): once with everything on one thread, and once with decode
 * and verify on two worker threads feeding the inserting thread.
 *
 *	bench_verify EXPORT.jsonl DIR
 *
 * Prints "one_thread RATE" and "two_threads RATE" in records per second.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "canon.h"
#include "record.h"
#include "sign.h"

#define TXN 1000

struct item {
	uint8_t *raw;
	size_t len;
	struct tv_record r;
};

static struct item *items;
static size_t n_items;
static size_t n_chunks;
static atomic_int *chunk_done;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static atomic_int bad;

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
hexval(int c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void
load(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (getline(&line, &cap, f) > 0) {
		char *p = strstr(line, "\"raw\"");
		char *q;
		size_t n;
		if (p == NULL || (p = strchr(p + 5, '"')) == NULL)
			continue;
		p++;
		if ((q = strchr(p, '"')) == NULL)
			continue;
		n = (size_t)(q - p) / 2;
		if (n_items == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			items = realloc(items, alloc * sizeof(*items));
		}
		items[n_items].raw = malloc(n);
		items[n_items].len = n;
		for (size_t i = 0; i < n; i++)
			items[n_items].raw[i] = (uint8_t)(hexval(p[2 * i]) << 4 |
			    hexval(p[2 * i + 1]));
		n_items++;
	}
	free(line);
	fclose(f);
}

static void
check(struct item *it)
{
	if (tv_record_decode(it->raw, it->len, &it->r) != 0 ||
	    tv_record_verify(&it->r) != 0)
		atomic_fetch_add(&bad, 1);
}

struct db {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
};

static void
db_exec(struct db *d, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(d->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench_verify: %s: %s\n", sql, err);
		exit(1);
	}
}

static void
db_open(struct db *d, const char *path)
{
	remove(path);
	if (sqlite3_open(path, &d->db) != SQLITE_OK)
		exit(1);
	db_exec(d, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "CREATE TABLE records (origin BLOB NOT NULL, id BLOB NOT NULL,"
	    " kind TEXT NOT NULL, ts INTEGER NOT NULL, hash BLOB NOT NULL,"
	    " deleted INTEGER NOT NULL, is_local INTEGER NOT NULL,"
	    " title TEXT NOT NULL, status TEXT, raw BLOB NOT NULL,"
	    " PRIMARY KEY (origin, id)) WITHOUT ROWID;"
	    "CREATE INDEX records_by_kind ON records (kind, title, origin, id);"
	    "CREATE INDEX records_by_id ON records (id);"
	    "CREATE INDEX records_by_hash ON records (hash);");
	sqlite3_prepare_v2(d->db, "SELECT ts, hash FROM records WHERE "
	    "origin = ? AND id = ?", -1, &d->get, NULL);
	sqlite3_prepare_v2(d->db, "INSERT OR REPLACE INTO records (origin, id,"
	    " kind, ts, hash, deleted, is_local, title, status, raw) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &d->put, NULL);
}

static void
db_close(struct db *d)
{
	sqlite3_finalize(d->get);
	sqlite3_finalize(d->put);
	sqlite3_close(d->db);
}

/* What the store does per received record: look up, take the title, insert. */
static void
db_put(struct db *d, const struct tv_record *r)
{
	struct tv_doc *doc = NULL;
	const struct tv_value *body = NULL, *v;
	char title[1024] = "";

	sqlite3_bind_blob(d->get, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(d->get, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	(void)sqlite3_step(d->get);
	sqlite3_reset(d->get);
	if (r->body_len > 0 && tv_decode(r->body, r->body_len, &doc, &body) == 0 &&
	    (v = tv_map_get(body, "name")) != NULL && v->type == TV_STR)
		snprintf(title, sizeof(title), "%.*s", (int)v->len, v->bytes);
	tv_doc_free(doc);
	sqlite3_bind_blob(d->put, 1, r->origin, TV_PK_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(d->put, 2, r->id, TV_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(d->put, 3, r->kind, (int)r->kind_len, SQLITE_STATIC);
	sqlite3_bind_int64(d->put, 4, (sqlite3_int64)r->timestamp);
	sqlite3_bind_blob(d->put, 5, r->hash, TV_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int(d->put, 6, tv_record_is_deleted(r));
	sqlite3_bind_int(d->put, 7, 0);
	sqlite3_bind_text(d->put, 8, title, -1, SQLITE_STATIC);
	sqlite3_bind_null(d->put, 9);
	sqlite3_bind_blob(d->put, 10, r->raw, (int)r->raw_len, SQLITE_STATIC);
	if (sqlite3_step(d->put) != SQLITE_DONE) {
		fprintf(stderr, "bench_verify: insert: %s\n", sqlite3_errmsg(d->db));
		exit(1);
	}
	sqlite3_reset(d->put);
}

static void
insert_chunk(struct db *d, size_t c)
{
	size_t lo = c * TXN, hi = lo + TXN > n_items ? n_items : lo + TXN;

	db_exec(d, "BEGIN");
	for (size_t i = lo; i < hi; i++)
		db_put(d, &items[i].r);
	db_exec(d, "COMMIT");
}

static double
run_one(const char *path)
{
	struct db d;
	double t0;

	db_open(&d, path);
	t0 = now();
	for (size_t c = 0; c < n_chunks; c++) {
		size_t lo = c * TXN, hi = lo + TXN > n_items ? n_items : lo + TXN;
		for (size_t i = lo; i < hi; i++)
			check(&items[i]);
		insert_chunk(&d, c);
	}
	t0 = now() - t0;
	db_close(&d);
	return (double)n_items / t0;
}

static void *
worker(void *arg)
{
	size_t self = (size_t)arg;

	for (size_t c = self; c < n_chunks; c += 2) {
		size_t lo = c * TXN, hi = lo + TXN > n_items ? n_items : lo + TXN;
		for (size_t i = lo; i < hi; i++)
			check(&items[i]);
		pthread_mutex_lock(&mu);
		atomic_store(&chunk_done[c], 1);
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static double
run_two(const char *path)
{
	pthread_t th[2];
	struct db d;
	double t0;

	db_open(&d, path);
	for (size_t c = 0; c < n_chunks; c++)
		atomic_store(&chunk_done[c], 0);
	t0 = now();
	for (size_t i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (size_t c = 0; c < n_chunks; c++) {
		pthread_mutex_lock(&mu);
		while (!atomic_load(&chunk_done[c]))
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		insert_chunk(&d, c);
	}
	t0 = now() - t0;
	for (size_t i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	db_close(&d);
	return (double)n_items / t0;
}

int
main(int argc, char **argv)
{
	char path[4096];
	double one, two;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_verify EXPORT.jsonl DIR\n");
		return 2;
	}
	if (tv_sign_init() != 0)
		return 1;
	load(argv[1]);
	if (n_items == 0) {
		fprintf(stderr, "bench_verify: no records in %s\n", argv[1]);
		return 1;
	}
	n_chunks = (n_items + TXN - 1) / TXN;
	chunk_done = calloc(n_chunks, sizeof(*chunk_done));
	snprintf(path, sizeof(path), "%s/bound1.db", argv[2]);
	one = run_one(path);
	snprintf(path, sizeof(path), "%s/bound2.db", argv[2]);
	two = run_two(path);
	if (atomic_load(&bad) != 0) {
		fprintf(stderr, "bench_verify: %d records failed to verify\n",
		    atomic_load(&bad));
		return 1;
	}
	printf("records %zu\none_thread %.0f\ntwo_threads %.0f\n", n_items, one, two);
	return 0;
}
