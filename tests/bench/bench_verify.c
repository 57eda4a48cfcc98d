/*
 * The machine's bound for receiving records (bench_sync.sh): reads the raw
 * records of a `tvaers export` (JSON lines with "raw": hex), then decodes,
 * verifies (Ed25519) and stores them in a fresh store of the daemon's own
 * (store_put_replicated: WAL, synchronous=NORMAL, every index the daemon
 * keeps, transactions of 1,000 records, the large cache sync.c gives the
 * store while records come in, checkpoints on the store's own thread):
 * once with everything on one
 * thread, and once with decode and verify on two worker threads feeding
 * the storing thread.
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

#include "canon.h"
#include "record.h"
#include "sign.h"
#include "store.h"

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

/* The daemon's own store, so the bound pays what receiving pays: the
 * records table, its indexes, the search index and the attributes. */
struct db {
	struct store *st;
	struct tv_record recs[TXN];
};

static void
db_open(struct db *d, const char *path)
{
	char err[512];
	char wal[4200];

	remove(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	remove(wal);
	if (store_open(path, &d->st, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_verify: %s\n", err);
		exit(1);
	}
	if (store_bulk_cache(d->st, true) != 0) {
		fprintf(stderr, "bench_verify: %s: %s\n", path,
		    store_errmsg(d->st));
		exit(1);
	}
}

static void
db_close(struct db *d)
{
	store_close(d->st);
}

/* One replicated batch, as sync.c stores a RECORDS message's records. */
static void
insert_chunk(struct db *d, size_t c)
{
	size_t lo = c * TXN, hi = lo + TXN > n_items ? n_items : lo + TXN;
	size_t stored;

	for (size_t i = lo; i < hi; i++)
		d->recs[i - lo] = items[i].r;
	if (store_put_replicated(d->st, d->recs, hi - lo, NULL, &stored) != 0) {
		fprintf(stderr, "bench_verify: cannot store: %s\n",
		    store_errmsg(d->st));
		exit(1);
	}
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
