#include "body.h"

#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "test.h"

static struct tv_value *
put(struct test_body *b, const char *key)
{
	struct tv_value *kv;

	if (b->map.len >= TEST_BODY_MAX)
		TEST_FAIL("more than %d keys in a test body", TEST_BODY_MAX);
	kv = &b->kv[2 * b->map.len++];
	b->map.type = TV_MAP;
	b->map.items = b->kv;
	tv_set_str(&kv[0], key, strlen(key));
	return &kv[1];
}

void
test_body_str(struct test_body *b, const char *key, const char *s)
{
	tv_set_str(put(b, key), s, strlen(s));
}

void
test_body_uint(struct test_body *b, const char *key, uint64_t u)
{
	struct tv_value *v = put(b, key);

	v->type = TV_UINT;
	v->u = u;
}

void
test_body_bool(struct test_body *b, const char *key, bool is_true)
{
	struct tv_value *v = put(b, key);

	v->type = TV_BOOL;
	v->b = is_true;
}

struct tv_value *
test_body_array(struct test_body *b, const char *key, size_t n)
{
	struct tv_value *v = put(b, key);

	if (b->n_items + n > TEST_BODY_ITEMS)
		TEST_FAIL("more than %d array items in a test body",
		    TEST_BODY_ITEMS);
	v->type = TV_ARRAY;
	v->len = (uint32_t)n;
	v->items = &b->items[b->n_items];
	b->n_items += n;
	return v->items;
}

int64_t
test_cph(int y, int m, int d, int hh, int mm)
{
	int64_t out;

	if (!tv_cph_local_to_utc(tv_days_from_civil(y, m, d) * 86400 +
	    hh * 3600 + mm * 60, &out))
		TEST_FAIL("%04d-%02d-%02d %02d:%02d is no Danish time", y, m,
		    d, hh, mm);
	return out;
}

uint8_t *
test_sign_named(const struct tv_keypair *kp, const char *kind,
    const uint8_t id[static TV_ID_LEN], uint64_t ts, const char *name,
    size_t *len, struct tv_record *r)
{
	struct tv_w w;
	uint8_t *body = NULL, *raw;
	size_t body_len = 0;

	if (name != NULL) {
		tv_w_init(&w, 0);
		tv_w_map(&w, 1);
		tv_w_cstr(&w, strcmp(kind, "project") == 0 ? "title" : "name");
		tv_w_cstr(&w, name);
		ASSERT_EQ(tv_w_finish(&w, &body, &body_len), 0);
	}
	ASSERT_EQ(tv_record_sign(kp, kind, id, ts, name ? 0 : TV_FLAG_DELETED,
	    body, body_len, &raw, len), 0);
	free(body);
	ASSERT_EQ(tv_record_decode(raw, *len, r), 0);
	return raw;
}
