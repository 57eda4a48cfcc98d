/*
 * Fills a store for the match benchmark straight through store_put_batch,
 * as sync would: AREAS areas (random keys) scattered within about 60 km of
 * 55.3 N 12.4 E, each with a profile and N / AREAS associations and
 * projects carrying two or three random interests and a random status.
 * Run it on a stopped daemon's database.
 *
 *	bench_match_fill DB N AREAS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "kinds.h"
#include "record.h"
#include "sign.h"
#include "store.h"

#define BATCH 5000

static const char *const statuses[] = {
	"idea", "planning", "seeking_funds", "active", "shelved", "done",
};

static uint8_t *
sign_body(const struct tv_keypair *kp, const char *kind, const uint8_t *id,
    struct tv_w *w, size_t *len)
{
	uint8_t *body, *raw;
	size_t body_len;

	if (tv_w_finish(w, &body, &body_len) != 0 ||
	    tv_record_sign(kp, kind, id, 1700000000000000ULL, 0, body,
	    body_len, &raw, len) != 0) {
		fprintf(stderr, "cannot sign\n");
		exit(1);
	}
	free(body);
	return raw;
}

static uint8_t *
profile(const struct tv_keypair *kp, unsigned n, size_t *len)
{
	static const uint8_t zero[TV_ID_LEN];
	struct tv_w w;
	char name[32];

	snprintf(name, sizeof(name), "Område %u", n);
	tv_w_init(&w, 0);
	tv_w_map(&w, 4);
	tv_w_cstr(&w, "kind");
	tv_w_cstr(&w, "village");
	tv_w_cstr(&w, "name");
	tv_w_cstr(&w, name);
	tv_w_cstr(&w, "location");
	tv_w_array(&w, 2);
	tv_w_int(&w, 55300000 + (rand() % 1000000) - 500000);
	tv_w_int(&w, 12400000 + (rand() % 2000000) - 1000000);
	tv_w_cstr(&w, "municipality");
	tv_w_uint(&w, 336);
	return sign_body(kp, "area", zero, &w, len);
}

static uint8_t *
record(const struct tv_keypair *kp, unsigned n, size_t *len)
{
	size_t n_codes, k = 2 + (size_t)(rand() % 2);
	const struct tv_interest *codes = tv_interests(&n_codes);
	bool is_project = rand() % 2;
	uint8_t id[TV_ID_LEN];
	struct tv_w w;
	char title[48];

	tv_random(id, sizeof(id));
	snprintf(title, sizeof(title), "%s %u", is_project ? "Projekt" :
	    "Forening", n);
	tv_w_init(&w, 0);
	tv_w_map(&w, is_project ? 3 : 2);
	tv_w_cstr(&w, is_project ? "title" : "name");
	tv_w_cstr(&w, title);
	if (is_project) {
		tv_w_cstr(&w, "status");
		tv_w_cstr(&w, statuses[rand() % 6]);
	}
	tv_w_cstr(&w, "interests");
	tv_w_array(&w, (uint32_t)k);
	for (size_t i = 0; i < k; i++)	/* distinct: consecutive codes */
		tv_w_cstr(&w, codes[((size_t)n * 7 + i) % n_codes].code);
	return sign_body(kp, is_project ? "project" : "association", id, &w,
	    len);
}

static void
flush(struct store *s, uint8_t **raws, size_t *lens, size_t n)
{
	static struct tv_record recs[BATCH];
	size_t stored;

	for (size_t i = 0; i < n; i++)
		if (tv_record_decode(raws[i], lens[i], &recs[i]) != 0)
			exit(1);
	if (store_put_batch(s, recs, n, false, &stored) != 0) {
		fprintf(stderr, "store_put_batch: %s\n", store_errmsg(s));
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		free(raws[i]);
}

int
main(int argc, char **argv)
{
	static uint8_t *raws[BATCH];
	static size_t lens[BATCH];
	struct store *s;
	char err[512];
	unsigned long n, areas;
	size_t k = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_match_fill DB N AREAS\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	areas = strtoul(argv[3], NULL, 10);
	srand(42);
	if (store_open(argv[1], &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (unsigned long a = 0; a < areas; a++) {
		struct tv_keypair kp;

		tv_keypair_generate(&kp);
		raws[k] = profile(&kp, (unsigned)a, &lens[k]);
		k++;
		for (unsigned long i = 0; i < n / areas; i++) {
			if (k == BATCH) {
				flush(s, raws, lens, k);
				k = 0;
			}
			raws[k] = record(&kp, (unsigned)i, &lens[k]);
			k++;
		}
		if (k == BATCH) {
			flush(s, raws, lens, k);
			k = 0;
		}
	}
	flush(s, raws, lens, k);
	store_close(s);
	return 0;
}
