/*
 * The checkpoint thread against real SQLite files: a poke copies the WAL
 * into the database while the writer's connection stays open, a store
 * checkpoints on its own as it is written to, and a database that is
 * missing or not in WAL mode is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "body.h"
#include "checkpointer.h"
#include "record.h"
#include "sign.h"
#include "store.h"
#include "test.h"

static char dir[] = "/tmp/tvaers-ckpt-XXXXXX";

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Polls check(arg) for up to 20 s; true once it holds. */
static bool
eventually(bool (*check)(const void *arg, long long n), const void *arg,
    long long n)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 2000; i++) {
		if (check(arg, n))
			return true;
		nanosleep(&ms10, NULL);
	}
	return false;
}

static bool
size_at_least(const void *path, long long size)
{
	return file_size(path) >= size;
}

/* True when the path is at least size bytes, within 20 s. */
static bool
grows_to(const char *path, long long size)
{
	return eventually(size_at_least, path, size);
}

static bool
runs_at_least(const void *c, long long n)
{
	return checkpointer_runs((struct checkpointer *)c) >= (uint64_t)n;
}

/* True when c has finished at least n checkpoints, within 20 s. */
static bool
runs_reach(struct checkpointer *c, uint64_t n)
{
	return eventually(runs_at_least, c, (long long)n);
}

TEST(a_poke_copies_the_wal_into_the_database)
{
	char path[256], err[256];
	struct checkpointer *c;
	sqlite3 *db;
	sqlite3_stmt *st;
	static uint8_t blob[4000];

	if (mkdtemp(dir) == NULL)
		TEST_FAIL("mkdtemp");
	snprintf(path, sizeof(path), "%s/t.db", dir);
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (b BLOB)", NULL,
	    NULL, NULL), SQLITE_OK);
	/* About 8 MB, all of it in the WAL: nothing checkpoints. */
	ASSERT_EQ(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?)", -1, &st,
	    NULL), SQLITE_OK);
	for (int i = 0; i < 2000; i++) {
		blob[0] = (uint8_t)i;
		sqlite3_bind_blob(st, 1, blob, sizeof(blob), SQLITE_STATIC);
		ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	ASSERT_EQ(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	ASSERT(file_size(path) < 100000);

	/* The writer stays open; the thread copies beside it. */
	ASSERT_EQ(checkpointer_open(path, &c, err, sizeof(err)), 0);
	ASSERT_EQ(checkpointer_runs(c), 0);
	checkpointer_poke(c);
	ASSERT(grows_to(path, 8000000));
	checkpointer_close(c);
	sqlite3_close(db);
	checkpointer_poke(NULL);
	checkpointer_close(NULL);
}

TEST(no_checkpoint_starts_while_held)
{
	struct timespec ms200 = { 0, 200 * 1000 * 1000 };
	char path[256], err[256];
	struct checkpointer *c;
	sqlite3 *db;

	if (mkdtemp(dir) == NULL)
		TEST_FAIL("mkdtemp");
	snprintf(path, sizeof(path), "%s/t.db", dir);
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE "
	    "t (x)", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_EQ(checkpointer_open(path, &c, err, sizeof(err)), 0);
	checkpointer_poke(c);
	ASSERT(runs_reach(c, 1));
	/* Held: pokes wait. Released: the waiting poke runs. */
	checkpointer_hold(c);
	checkpointer_poke(c);
	nanosleep(&ms200, NULL);
	ASSERT_EQ(checkpointer_runs(c), 1);
	checkpointer_release(c);
	ASSERT(runs_reach(c, 2));
	checkpointer_close(c);
	sqlite3_close(db);
	checkpointer_hold(NULL);
	checkpointer_release(NULL);
}

TEST(a_missing_database_is_refused)
{
	struct checkpointer *c = (void *)1;
	char err[256] = "";

	ASSERT(checkpointer_open("/nonexistent-tvaers/t.db", &c, err,
	    sizeof(err)) != 0);
	ASSERT(c == NULL);
	ASSERT(strstr(err, "/nonexistent-tvaers/t.db") != NULL);
}

TEST(a_database_not_in_wal_mode_is_refused)
{
	struct checkpointer *c;
	char path[256], err[256] = "";
	sqlite3 *db;

	if (mkdtemp(dir) == NULL)
		TEST_FAIL("mkdtemp");
	snprintf(path, sizeof(path), "%s/t.db", dir);
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ASSERT(checkpointer_open(path, &c, err, sizeof(err)) != 0);
	ASSERT(strstr(err, "not in WAL mode") != NULL);
}

TEST(a_store_checkpoints_while_it_is_written)
{
	enum { BATCH = 500, BATCHES = 40 };
	static struct tv_record recs[BATCH];
	static uint8_t *raws[BATCH];
	struct tv_keypair kp;
	char path[256], wal[300], err[256], name[64];
	uint8_t id[TV_ID_LEN] = { 0 };
	struct store *s;
	size_t stored, len;
	long long before, wal_max = 0;

	if (mkdtemp(dir) == NULL)
		TEST_FAIL("mkdtemp");
	snprintf(path, sizeof(path), "%s/t.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ASSERT_EQ(store_open(path, &s, err, sizeof(err)), 0);
	before = file_size(path);
	tv_keypair_generate(&kp);
	/* 20,000 records in 40 commits back to back: far more than the WAL's
	 * limit, with no pause for the thread to catch up in. */
	for (int b = 0; b < BATCHES; b++) {
		for (int i = 0; i < BATCH; i++) {
			memcpy(id, &(int){ b * BATCH + i + 1 }, sizeof(int));
			snprintf(name, sizeof(name), "Forening %d", b * BATCH + i);
			raws[i] = test_sign_named(&kp, "association", id, 1, name,
			    &len, &recs[i]);
		}
		ASSERT_EQ(store_put_replicated(s, recs, BATCH, NULL, &stored), 0);
		ASSERT_EQ(stored, BATCH);
		for (int i = 0; i < BATCH; i++)
			free(raws[i]);
		if (file_size(wal) > wal_max)
			wal_max = file_size(wal);
	}
	/* The WAL starts over at its limit; one commit may pass it. */
	if (wal_max > (STORE_WAL_LIMIT_PAGES + 2000) * 4096LL)
		TEST_FAIL("the WAL grew to %lld bytes", wal_max);
	/* The database file takes the pages while the store is open. */
	ASSERT(grows_to(path, before + 1000000));
	store_close(s);
}

TEST_MAIN(a_poke_copies_the_wal_into_the_database,
    no_checkpoint_starts_while_held,
    a_missing_database_is_refused, a_database_not_in_wal_mode_is_refused,
    a_store_checkpoints_while_it_is_written)
