/*
 * Bodies built by hand for the tests of proto's event rules and iCal
 * writer: a map of string keys whose strings are views of the caller's
 * literals (nothing is copied or allocated), and Danish wall-clock times.
 */
#ifndef TVAERS_TESTS_BODY_H
#define TVAERS_TESTS_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "record.h"
#include "sign.h"

#define TEST_BODY_MAX 32	/* keys */
#define TEST_BODY_ITEMS 32	/* array items over all keys */

struct test_body {
	struct tv_value map;		/* the body: pass &b.map */
	struct tv_value kv[2 * TEST_BODY_MAX];
	struct tv_value items[TEST_BODY_ITEMS];
	size_t n_items;
};

/* Adds key with a string, unsigned or bool value; b starts zeroed. */
void test_body_str(struct test_body *b, const char *key, const char *s);
void test_body_uint(struct test_body *b, const char *key, uint64_t u);
void test_body_bool(struct test_body *b, const char *key, bool v);
/* Adds key with an array of n items; returns them for the caller to set. */
struct tv_value *test_body_array(struct test_body *b, const char *key,
    size_t n);
/*
 * Signs a record of kind with the body {"name": name} ({"title": name} for
 * a project), or a tombstone if name is NULL, and decodes it into *r.
 * Returns the raw bytes, which the caller frees and *r views; fails the
 * test on any error.
 */
uint8_t *test_sign_named(const struct tv_keypair *kp, const char *kind,
    const uint8_t id[static TV_ID_LEN], uint64_t ts, const char *name,
    size_t *len, struct tv_record *r);
/* Seconds UTC of a Copenhagen wall-clock time (fails the test in the gap). */
int64_t test_cph(int y, int m, int d, int hh, int mm);

#endif
