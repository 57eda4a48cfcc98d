/*
 * The bound for durable local writes on this disk: single-row INSERT
 * commits per second into an SQLite database in WAL mode with
 * synchronous=FULL, the settings tvaersd uses for local writes.
 *
 *	bench_commit DIR [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = argc > 2 ? atoi(argv[2]) : 2000;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_commit DIR [N]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/bench_commit.db", argv[1]);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB);",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (randomblob(300))",
	    -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_commit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	double t0 = now();
	for (int i = 0; i < n; i++) {
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "bench_commit: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
	}
	double dt = now() - t0;
	printf("%.0f\n", n / dt);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
