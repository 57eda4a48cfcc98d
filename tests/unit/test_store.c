/*
 * The store against a real SQLite file in a temporary directory: newest
 * wins, superseded bytes are gone, prefixes resolve like git's, listings
 * page without losing or repeating rows, and a reopened store keeps all.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "attrs.h"
#include "body.h"
#include "canon.h"
#include "err.h"
#include "ids.h"
#include "record.h"
#include "sign.h"
#include "store.h"
#include "test.h"

static char dir[] = "/tmp/tvaers-store-XXXXXX";

/* Takes a store back to schema 6 (before migration 7). */
#define DROP_SCHEMA_7 "DROP TABLE origin_counts;"

static struct store *
open_fresh(char *path, size_t len)
{
	struct store *s;
	char err[512];

	if (mkdtemp(dir) == NULL)
		TEST_FAIL("mkdtemp");
	snprintf(path, len, "%s/t.db", dir);
	if (store_open(path, &s, err, sizeof(err)) != 0)
		TEST_FAIL("store_open: %s", err);
	return s;
}


TEST(newest_wins)
{
	struct tv_keypair kp;
	struct tv_record r;
	char path[256];
	uint8_t id[TV_ID_LEN] = { 1 }, *raw, *got;
	size_t len, got_len;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	raw = test_sign_named(&kp, "association", id, 100, "Version one", &len,
	    &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	raw = test_sign_named(&kp, "association", id, 300, "Version three",
	    &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	/* The same version again, and an older one, change nothing. */
	ASSERT_EQ(store_put(s, &r, false), 0);
	free(raw);
	raw = test_sign_named(&kp, "association", id, 200, "Version two", &len,
	    &r);
	ASSERT_EQ(store_put(s, &r, false), 0);
	free(raw);
	ASSERT_EQ(store_get(s, kp.pk, id, &got, &got_len, NULL), 0);
	ASSERT_EQ(tv_record_decode(got, got_len, &r), 0);
	ASSERT_EQ(r.timestamp, 300);
	free(got);

	/* A tombstone replaces the version, and the old text is gone from disk. */
	raw = test_sign_named(&kp, "association", id, 400, NULL, &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	store_close(s);
	ASSERT(!test_file_contains(path, "Version three"));
	ASSERT(!test_file_contains(path, "Version one"));
}

TEST(equal_timestamps_order_by_hash)
{
	struct tv_keypair kp;
	struct tv_record a, b, *hi;
	char path[256];
	uint8_t id[TV_ID_LEN] = { 2 }, *ra, *rb, *got;
	size_t la, lb, got_len;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	ra = test_sign_named(&kp, "association", id, 500, "A", &la, &a);
	rb = test_sign_named(&kp, "association", id, 500, "B", &lb, &b);
	hi = memcmp(a.hash, b.hash, TV_HASH_LEN) > 0 ? &a : &b;
	/* Whatever order they arrive in, the greater hash is kept. */
	ASSERT(store_put(s, hi == &a ? &b : &a, false) == 1);
	ASSERT_EQ(store_put(s, hi, false), 1);
	ASSERT_EQ(store_put(s, hi == &a ? &b : &a, false), 0);
	ASSERT_EQ(store_get(s, kp.pk, id, &got, &got_len, NULL), 0);
	ASSERT_EQ(got_len, hi->raw_len);
	ASSERT_MEM_EQ(got, hi->raw, got_len);
	free(got);
	free(ra);
	free(rb);
	store_close(s);
}

TEST(resolve_prefixes)
{
	struct tv_keypair kp;
	struct tv_record r;
	char path[256], text[TV_ID_TEXT_LEN + 1], area[TV_AREA_TEXT_LEN + 1];
	uint8_t a[TV_ID_LEN], b[TV_ID_LEN], origin[TV_PK_LEN], id[TV_ID_LEN];
	uint8_t *raw;
	size_t len;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	/* Two ids that share their first 5 bytes: 8 characters of base32. */
	memset(a, 0x42, sizeof(a));
	memcpy(b, a, sizeof(b));
	b[15] = 0x43;
	raw = test_sign_named(&kp, "association", a, 1, "A", &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	raw = test_sign_named(&kp, "association", b, 1, "B", &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);

	char shared[9];
	tv_id_text(a, text);
	memcpy(shared, text, 8);
	shared[8] = 0;
	ASSERT_EQ(store_resolve(s, NULL, shared, origin, id), TV_EAMBIGUOUS);
	ASSERT_EQ(store_resolve(s, NULL, text, origin, id), 0);
	ASSERT_MEM_EQ(id, a, TV_ID_LEN);
	ASSERT_MEM_EQ(origin, kp.pk, TV_PK_LEN);
	/* Upper case is the same prefix. */
	for (char *p = text; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	ASSERT_EQ(store_resolve(s, NULL, text, origin, id), 0);
	ASSERT_EQ(store_resolve(s, NULL, "zzzz", origin, id), TV_ENOTFOUND);
	ASSERT_EQ(store_resolve(s, NULL, "0!", origin, id), TV_EMALFORMED);
	tv_area_text(kp.pk, area);
	area[6] = 0;
	tv_id_text(b, text);
	ASSERT_EQ(store_resolve(s, area, text, origin, id), 0);
	ASSERT_MEM_EQ(id, b, TV_ID_LEN);
	store_close(s);
}

struct collect {
	unsigned rows;
	char last[64];
	bool ordered;
};

static int
collect_row(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct collect *c = arg;
	struct tv_record r;
	const struct tv_value *body, *name;
	struct tv_doc *doc;
	char cur[64];

	ASSERT_EQ(tv_record_decode(raw, len, &r), 0);
	ASSERT_EQ(tv_decode(r.body, r.body_len, &doc, &body), 0);
	name = tv_map_get(body, "name");
	ASSERT(name != NULL);
	snprintf(cur, sizeof(cur), "%.*s", (int)name->len, name->bytes);
	if (c->rows > 0 && strcmp(c->last, cur) >= 0)
		c->ordered = false;
	snprintf(c->last, sizeof(c->last), "%s", cur);
	c->rows++;
	tv_doc_free(doc);
	return 0;
}

TEST(list_pages_in_order)
{
	struct tv_keypair kp;
	struct tv_record *recs;
	uint8_t **raws;
	char path[256], name[32];
	size_t len, stored;
	struct store *s = open_fresh(path, sizeof(path));
	const unsigned n = 1000;

	tv_keypair_generate(&kp);
	recs = calloc(n, sizeof(*recs));
	raws = calloc(n, sizeof(*raws));
	for (unsigned i = 0; i < n; i++) {
		uint8_t id[TV_ID_LEN];
		tv_random(id, sizeof(id));
		snprintf(name, sizeof(name), "Forening %04u", (i * 7919) % n);
		raws[i] = test_sign_named(&kp, "association", id, 1, name, &len,
		    &recs[i]);
	}
	ASSERT_EQ(store_put_batch(s, recs, n, false, &stored), 0);
	ASSERT_EQ(stored, n);

	struct store_query q = { .kind = "association" };
	struct store_cursor cur = { 0 };
	struct collect c = { .ordered = true };
	long got;
	unsigned pages = 0;
	while ((got = store_list(s, &q, &cur, 64, collect_row, &c)) > 0)
		pages++;
	ASSERT_EQ(got, 0);
	ASSERT_EQ(c.rows, n);
	ASSERT(c.ordered);
	ASSERT_EQ(pages, (n + 63) / 64);

	struct store_query other = { .kind = "project" };
	struct store_cursor cur2 = { 0 };
	struct collect c2 = { .ordered = true };
	ASSERT_EQ(store_list(s, &other, &cur2, 0, collect_row, &c2), 0);

	struct store_stats st;
	ASSERT_EQ(store_stats(s, NULL, &st), 0);
	ASSERT_EQ(st.records, n);
	ASSERT_EQ(st.tombstones, 0);
	ASSERT(st.db_bytes > 0);
	for (unsigned i = 0; i < n; i++)
		free(raws[i]);
	free(raws);
	free(recs);
	store_close(s);
}

TEST(reopen_keeps_everything)
{
	struct tv_keypair kp;
	struct tv_record r;
	char path[256], err[256], *v;
	uint8_t id[TV_ID_LEN] = { 9 }, *raw, *got;
	size_t len, got_len;
	bool is_local;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	raw = test_sign_named(&kp, "contact", id, 7, "Jens Jensen", &len, &r);
	ASSERT_EQ(store_put(s, &r, true), 1);
	ASSERT_EQ(store_setting_set(s, "k", "værdi"), 0);
	store_close(s);
	/* Opening twice runs no migration twice. */
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(store_open(path, &s, err, sizeof(err)), 0);
		ASSERT_EQ(store_get(s, kp.pk, id, &got, &got_len, &is_local), 0);
		ASSERT(is_local);
		ASSERT_EQ(got_len, len);
		ASSERT_MEM_EQ(got, raw, len);
		free(got);
		ASSERT_EQ(store_setting_get(s, "k", &v), 0);
		ASSERT_STR_EQ(v, "værdi");
		free(v);
		ASSERT_EQ(store_setting_get(s, "nope", &v), TV_ENOTFOUND);
		store_close(s);
	}
	free(raw);
}

TEST(refuses_newer_schema)
{
	char path[256], err[256];
	struct store *s = open_fresh(path, sizeof(path));
	store_close(s);
	sqlite3 *db;
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	ASSERT_EQ(store_open(path, &s, err, sizeof(err)), TV_EVERSION);
	ASSERT(strstr(err, "newer") != NULL);
}

static int
count_item(void *arg, uint64_t ts, const uint8_t *hash)
{
	(void)ts;
	(void)hash;
	++*(size_t *)arg;
	return 0;
}

/* Received batches: each record says whether it was newer; the sync item
 * set leaves local-only and blocked versions out; blocking purges. */
TEST(replicated_batches_and_blocks)
{
	struct tv_keypair a, b;
	struct tv_record r[4];
	uint8_t *raw[4], id1[TV_ID_LEN] = { 7 }, id2[TV_ID_LEN] = { 8 }, *got;
	size_t len, n, stored, items = 0, got_len;
	bool each[4];
	uint64_t deleted;
	char path[256];
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&a);
	tv_keypair_generate(&b);
	raw[0] = test_sign_named(&a, "association", id1, 200, "Ny Aqzv", &len,
	    &r[0]);
	raw[1] = test_sign_named(&a, "association", id1, 100, "Gammel Aqzv",
	    &len, &r[1]);
	raw[2] = test_sign_named(&b, "association", id2, 100, "Bees Bqzv", &len,
	    &r[2]);
	raw[3] = test_sign_named(&b, "contact", id1, 100, "Lokal Cqzv", &len,
	    &r[3]);
	ASSERT_EQ(store_put(s, &r[3], true), 1);
	ASSERT_EQ(store_put_replicated(s, r, 3, each, &stored), 0);
	ASSERT_EQ(stored, 2);
	ASSERT(each[0] && !each[1] && each[2]);
	/* Again: nothing is newer. */
	ASSERT_EQ(store_put_replicated(s, r, 3, each, &stored), 0);
	ASSERT_EQ(stored, 0);
	ASSERT(!each[0] && !each[1] && !each[2]);
	/* The local contact is neither an item nor found by hash. */
	ASSERT_EQ(store_sync_items(s, count_item, &items), 0);
	ASSERT_EQ(items, 2);
	ASSERT_EQ(store_get_by_hash(s, r[3].hash, &got, &got_len),
	    TV_ENOTFOUND);
	ASSERT_EQ(store_get_by_hash(s, r[2].hash, &got, &got_len), 0);
	ASSERT_EQ(got_len, r[2].raw_len);
	free(got);
	/* Blocking b purges its records (the local one too) and drops its
	 * items; unblocking lets them in again. */
	ASSERT_EQ(store_block(s, b.pk, 1, &deleted), 0);
	ASSERT_EQ(deleted, 2);
	ASSERT(store_is_blocked(s, b.pk));
	ASSERT(!store_is_blocked(s, a.pk));
	items = 0;
	ASSERT_EQ(store_sync_items(s, count_item, &items), 0);
	ASSERT_EQ(items, 1);
	ASSERT_EQ(store_unblock(s, b.pk), 0);
	ASSERT_EQ(store_unblock(s, b.pk), TV_ENOTFOUND);
	ASSERT_EQ(store_put_replicated(s, &r[2], 1, NULL, &stored), 0);
	ASSERT_EQ(stored, 1);
	store_close(s);
	ASSERT(!test_file_contains(path, "Gammel Aqzv"));
	ASSERT(!test_file_contains(path, "Lokal Cqzv"));	/* purged by the block */
	for (n = 0; n < 4; n++)
		free(raw[n]);
}

/* store_delete and store_delete_older: expired events leave no trace. */
TEST(delete_outright)
{
	struct tv_keypair kp;
	struct tv_record r, older;
	struct store_key keys[2];
	char path[256], wal[300];
	uint8_t id1[TV_ID_LEN] = { 1 }, id2[TV_ID_LEN] = { 2 };
	uint8_t *raw, *raw_old, *got;
	uint64_t deleted;
	size_t len, got_len;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	raw = test_sign_named(&kp, "association", id1, 100, "Delete Me Qxz",
	    &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	memcpy(keys[0].origin, kp.pk, TV_PK_LEN);
	memcpy(keys[0].id, id1, TV_ID_LEN);
	memcpy(keys[1].origin, kp.pk, TV_PK_LEN);
	memcpy(keys[1].id, id2, TV_ID_LEN);	/* not held: not counted */
	ASSERT_EQ(store_delete(s, keys, 2, &deleted), 0);
	ASSERT_EQ(deleted, 1);
	ASSERT_EQ(store_get(s, kp.pk, id1, &got, &got_len, NULL),
	    TV_ENOTFOUND);
	ASSERT_EQ(store_delete(s, keys, 0, &deleted), 0);
	ASSERT_EQ(deleted, 0);
	/* No tombstone is left, and the bytes are gone while the store is open. */
	{
		struct store_key k;	/* id1's text starts with "a" */
		ASSERT_EQ(store_resolve(s, NULL, "a", k.origin, k.id),
		    TV_ENOTFOUND);
	}
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ASSERT(!test_file_contains(path, "Delete Me Qxz"));
	ASSERT(!test_file_contains(wal, "Delete Me Qxz"));

	/* delete_older: only a held version that r supersedes goes. */
	raw_old = test_sign_named(&kp, "association", id2, 200, "Held", &len,
	    &older);
	ASSERT_EQ(store_put(s, &older, false), 1);
	ASSERT_EQ(store_delete_older(s, &older), 0);	/* equal: kept */
	raw = test_sign_named(&kp, "association", id2, 150, "Older", &len, &r);
	ASSERT_EQ(store_delete_older(s, &r), 0);	/* older: kept */
	free(raw);
	raw = test_sign_named(&kp, "association", id2, 300, "Newer", &len, &r);
	ASSERT_EQ(store_delete_older(s, &r), 1);
	ASSERT_EQ(store_get(s, kp.pk, id2, &got, &got_len, NULL),
	    TV_ENOTFOUND);
	ASSERT_EQ(store_delete_older(s, &r), 0);	/* nothing held */
	free(raw);
	free(raw_old);
	store_close(s);
}

/* Signs kind with body {title|name: title, status?, interests} or a profile in municipality. */
static uint8_t *
make_attrs(const struct tv_keypair *kp, const char *kind, const uint8_t *id,
    uint64_t ts, const char *status, const char *const *interests,
    int municipality, struct tv_record *r)
{
	struct tv_w w;
	uint8_t *body, *raw;
	size_t body_len, len, n = 0;

	while (interests && interests[n])
		n++;
	tv_w_init(&w, 0);
	tv_w_map(&w, 1 + (status != NULL) + (n > 0) + (municipality > 0));
	tv_w_cstr(&w, strcmp(kind, "project") == 0 ? "title" : "name");
	tv_w_cstr(&w, "Ridelauget");
	if (status != NULL) {
		tv_w_cstr(&w, "status");
		tv_w_cstr(&w, status);
	}
	if (n > 0) {
		tv_w_cstr(&w, "interests");
		tv_w_array(&w, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			tv_w_cstr(&w, interests[i]);
	}
	if (municipality > 0) {
		tv_w_cstr(&w, "municipality");
		tv_w_uint(&w, (uint64_t)municipality);
	}
	ASSERT_EQ(tv_w_finish(&w, &body, &body_len), 0);
	ASSERT_EQ(tv_record_sign(kp, kind, id, ts, 0, body, body_len, &raw,
	    &len), 0);
	free(body);
	ASSERT_EQ(tv_record_decode(raw, len, r), 0);
	return raw;
}

static int
count_record(void *arg, const uint8_t *raw, size_t len)
{
	(void)raw;
	(void)len;
	++*(int *)arg;
	return 0;
}

static int
interest_count(struct store *s, const char *interest,
    const struct tv_keypair *kp)
{
	int n = 0;

	ASSERT_EQ(attrs_interest_records(s, interest, kp->pk, count_record,
	    &n), 0);
	return n;
}

static int
place_seen(void *arg, const struct attrs_place *p)
{
	*(struct attrs_place *)arg = *p;
	((struct attrs_place *)arg)->name = NULL;	/* valid during the call only */
	return 0;
}

TEST(attributes_follow_records)
{
	static const char *const horse_nature[] = { "heste", "natur", NULL };
	static const char *const nature[] = { "natur", NULL };
	static const char *const horse[] = { "heste", NULL };
	uint8_t zero[TV_ID_LEN] = { 0 }, assoc[TV_ID_LEN] = { 1 },
	    proj[TV_ID_LEN] = { 2 }, done[TV_ID_LEN] = { 3 };
	uint8_t *raws[6];
	struct attrs_place p = { 0 };
	struct tv_keypair kp;
	struct tv_record r;
	char path[256], err[256];
	uint64_t deleted;
	sqlite3 *db;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	raws[0] = make_attrs(&kp, "area", zero, 1, NULL, NULL, 336, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	raws[1] = make_attrs(&kp, "association", assoc, 1, NULL, horse_nature,
	    0, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	raws[2] = make_attrs(&kp, "project", proj, 1, "shelved", horse, 0, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	/* A project that is done is not a candidate. */
	raws[3] = make_attrs(&kp, "project", done, 1, "done", horse, 0, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	ASSERT_EQ(interest_count(s, "heste", &kp), 2);
	ASSERT_EQ(interest_count(s, "natur", &kp), 1);
	ASSERT_EQ(attrs_places(s, place_seen, &p), 0);
	ASSERT_EQ(p.municipality, 336);
	ASSERT(p.has_point);

	/* A new version replaces the interests; a tombstone removes them. */
	raws[4] = make_attrs(&kp, "association", assoc, 2, NULL, nature, 0, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	ASSERT_EQ(interest_count(s, "heste", &kp), 1);
	raws[5] = test_sign_named(&kp, "project", proj, 2, NULL, &(size_t){ 0 },
	    &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	ASSERT_EQ(interest_count(s, "heste", &kp), 0);
	ASSERT_EQ(interest_count(s, "natur", &kp), 1);
	store_close(s);

	/* A store from before schema 6 gets its records indexed at open. */
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, DROP_SCHEMA_7 "DROP TABLE record_interests; "
	    "DROP TABLE area_places; PRAGMA user_version = 5", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	ASSERT_EQ(store_open(path, &s, err, sizeof(err)), 0);
	ASSERT_EQ(interest_count(s, "natur", &kp), 1);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(attrs_places(s, place_seen, &p), 0);
	ASSERT_EQ(p.municipality, 336);

	/* Blocking the area drops its attributes with its records. */
	ASSERT_EQ(store_block(s, kp.pk, 1, &deleted), 0);
	ASSERT_EQ(interest_count(s, "natur", &kp), 0);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(attrs_places(s, place_seen, &p), 0);
	ASSERT_EQ(p.municipality, 0);
	store_close(s);
	for (int i = 0; i < 6; i++)
		free(raws[i]);
}

/* store_stats against counting the records table itself. */
static void
assert_counts(struct store *s, const char *path, const uint8_t *origin)
{
	struct store_stats got;
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *sql = origin ? "SELECT count(*), coalesce(sum(is_local), "
	    "0), coalesce(sum(deleted), 0) FROM records WHERE origin = ?" :
	    "SELECT count(*), coalesce(sum(is_local), 0), "
	    "coalesce(sum(deleted), 0) FROM records";

	ASSERT_EQ(store_stats(s, origin, &got), 0);
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (origin)
		sqlite3_bind_blob(st, 1, origin, TV_PK_LEN, SQLITE_STATIC);
	ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_EQ(got.records, (uint64_t)sqlite3_column_int64(st, 0));
	ASSERT_EQ(got.local, (uint64_t)sqlite3_column_int64(st, 1));
	ASSERT_EQ(got.tombstones, (uint64_t)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int
area_records(void *arg, const struct store_area *a)
{
	uint64_t *sum = arg;

	sum[0] += a->records;
	if (a->last_ts > sum[1])
		sum[1] = a->last_ts;
	return 0;
}

TEST(counts_follow_every_write)
{
	struct tv_keypair kp[2];
	struct tv_record r;
	struct store_key key;
	struct store_stats st;
	uint8_t id[TV_ID_LEN] = { 0 }, *raw;
	uint64_t deleted, gen, areas[2] = { 0 };
	char path[256], err[256];
	size_t len;
	sqlite3 *db;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp[0]);
	tv_keypair_generate(&kp[1]);
	/* Five each; the first of every area local, the last a tombstone. */
	for (int k = 0; k < 2; k++)
		for (uint8_t i = 1; i <= 5; i++) {
			id[0] = i;
			raw = test_sign_named(&kp[k], "association", id,
			    100 + i,
			    i == 5 ? NULL : "Forening", &len, &r);
			ASSERT_EQ(store_put(s, &r, i == 1), 1);
			free(raw);
		}
	assert_counts(s, path, NULL);
	assert_counts(s, path, kp[0].pk);
	ASSERT_EQ(store_stats(s, kp[1].pk, &st), 0);
	ASSERT_EQ(st.records, 5);
	ASSERT_EQ(st.local, 1);
	ASSERT_EQ(st.tombstones, 1);

	/* A newer version: a tombstone for one, a live one for another. */
	id[0] = 2;
	raw = test_sign_named(&kp[0], "association", id, 200, NULL, &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	id[0] = 5;
	raw = test_sign_named(&kp[0], "association", id, 201, "Igen", &len, &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	free(raw);
	/* The local first record replaced by a public version. */
	id[0] = 1;
	raw = test_sign_named(&kp[0], "association", id, 202, "Offentlig", &len,
	    &r);
	ASSERT_EQ(store_put(s, &r, false), 1);
	/* The same version again, and an older one, change no count and no
	 * generation. */
	gen = store_generation(s);
	ASSERT_EQ(store_put(s, &r, false), 0);
	free(raw);
	raw = test_sign_named(&kp[0], "association", id, 150, "Gammel", &len,
	    &r);
	ASSERT_EQ(store_put(s, &r, false), 0);
	ASSERT_EQ(store_delete_older(s, &r), 0);
	free(raw);
	ASSERT_EQ(store_generation(s), gen);
	assert_counts(s, path, NULL);
	assert_counts(s, path, kp[0].pk);
	/* A newer version deletes the held one outright. */
	id[0] = 4;
	raw = test_sign_named(&kp[0], "association", id, 300, "Nyere", &len,
	    &r);
	ASSERT_EQ(store_delete_older(s, &r), 1);
	free(raw);
	ASSERT(store_generation(s) != gen);
	assert_counts(s, path, kp[0].pk);

	/* Deleted outright, then a whole area purged by a block. */
	memcpy(key.origin, kp[0].pk, TV_PK_LEN);
	memset(key.id, 0, TV_ID_LEN);
	key.id[0] = 3;
	ASSERT_EQ(store_delete(s, &key, 1, &deleted), 0);
	ASSERT_EQ(deleted, 1);
	assert_counts(s, path, kp[0].pk);
	gen = store_generation(s);
	ASSERT_EQ(store_delete(s, &key, 1, &deleted), 0);	/* not held */
	ASSERT_EQ(deleted, 0);
	ASSERT_EQ(store_generation(s), gen);
	assert_counts(s, path, kp[0].pk);
	ASSERT_EQ(store_block(s, kp[1].pk, 1, &deleted), 0);
	ASSERT_EQ(deleted, 5);
	assert_counts(s, path, NULL);
	assert_counts(s, path, kp[1].pk);
	ASSERT(store_generation(s) != gen);
	ASSERT_EQ(store_areas(s, area_records, areas), 0);
	ASSERT_EQ(areas[0], 2);		/* 1 and 5 live; 2 a tombstone */
	ASSERT_EQ(areas[1], 202);
	gen = store_generation(s);
	ASSERT_EQ(store_unblock(s, kp[1].pk), 0);
	ASSERT(store_generation(s) != gen);
	assert_counts(s, path, kp[1].pk);
	store_close(s);

	/* A store from before schema 7 counts what it holds at open. */
	ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, DROP_SCHEMA_7 "PRAGMA user_version = 6",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ASSERT_EQ(store_open(path, &s, err, sizeof(err)), 0);
	assert_counts(s, path, NULL);
	assert_counts(s, path, kp[0].pk);
	store_close(s);
}

struct offered {
	int n;
	uint8_t hash[4][TV_HASH_LEN];
};

static int
collect_hash(void *arg, uint64_t ts, const uint8_t *hash)
{
	struct offered *o = arg;

	(void)ts;
	if (o->n == 4)
		return 1;	/* more than there are records */
	memcpy(o->hash[o->n++], hash, TV_HASH_LEN);
	return 0;
}

TEST(local_kinds_are_never_offered)
{
	uint8_t ids[3][TV_ID_LEN] = { { 1 }, { 2 }, { 3 } };
	uint8_t hashes[3][TV_HASH_LEN];
	struct offered seen = { 0 };
	static const char *const kinds[] = { "role", "contact", "association" };
	uint8_t *raws[3], *got;
	struct tv_keypair kp;
	struct tv_record r;
	char path[256];
	size_t len;
	struct store *s = open_fresh(path, sizeof(path));

	tv_keypair_generate(&kp);
	/* Even when stored as if public (is_local false), the kind decides. */
	for (int i = 0; i < 3; i++) {
		raws[i] = test_sign_named(&kp, kinds[i], ids[i], 1,
		    "Jens Jensen", &len, &r);
		memcpy(hashes[i], r.hash, TV_HASH_LEN);
		ASSERT_EQ(store_put(s, &r, false), 1);
	}
	ASSERT_EQ(store_sync_items(s, collect_hash, &seen), 0);
	ASSERT_EQ(seen.n, 1);
	ASSERT_MEM_EQ(seen.hash[0], hashes[2], TV_HASH_LEN);
	ASSERT_EQ(store_get_by_hash(s, hashes[0], &got, &len), TV_ENOTFOUND);
	ASSERT_EQ(store_get_by_hash(s, hashes[1], &got, &len), TV_ENOTFOUND);
	ASSERT_EQ(store_get_by_hash(s, hashes[2], &got, &len), 0);
	free(got);
	store_close(s);
	for (int i = 0; i < 3; i++)
		free(raws[i]);
}

TEST_MAIN(newest_wins, equal_timestamps_order_by_hash, resolve_prefixes,
    list_pages_in_order, reopen_keeps_everything, refuses_newer_schema,
    replicated_batches_and_blocks, delete_outright,
    attributes_follow_records, counts_follow_every_write,
    local_kinds_are_never_offered)
