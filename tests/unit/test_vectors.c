/*
 * The canonical reader and writer against the msgpack-test-suite vectors
 * (../shared/vectors/msgpack-test-suite.json, see its README.md).
 *
 * The suite lists, for each value, every valid msgpack encoding of it. For
 * each entry the value is built from the JSON and encoded with tv_w_* or
 * tv_encode; exactly the listed form equal to that encoding must be
 * accepted (and re-encode to itself), every other listed form must be
 * rejected with the error its first byte calls for. Outside the bignum
 * group the canonical form must be the first one listed. Floats, the
 * timestamp and ext groups have no canonical form: every form is refused.
 */
#include "test.h"

#include <errno.h>

#include <jansson.h>

#include "canon.h"
#include "err.h"

#define SUITE_PATH TVAERS_SHARED_DIR "/vectors/msgpack-test-suite.json"
/* All 233 forms of the snapshot named in the README (sha256 8ea4d7ae...). */
#define SUITE_FORMS 233

static json_t *
load_suite(void)
{
	json_error_t err;
	json_t *root = json_load_file(SUITE_PATH, 0, &err);

	if (root == NULL)
		TEST_FAIL("%s: %s (line %d)", SUITE_PATH, err.text, err.line);
	ASSERT(json_is_object(root));
	return root;
}

/* hex-with-dashes into an exact-size buffer, so ASan sees over-reads. */
static uint8_t *
unhex_exact(const char *hex, size_t *out_len)
{
	uint8_t *tmp = test_unhex(hex, out_len), *p;

	ASSERT(tmp != NULL);
	p = malloc(*out_len ? *out_len : 1);
	ASSERT(p != NULL);
	memcpy(p, tmp, *out_len);
	free(tmp);
	return p;
}

/* The error a non-canonical form gets, by its first byte. */
static int
error_for(const uint8_t *p, size_t len)
{
	if (len == 0)
		return TV_ETRUNC;
	if (p[0] == 0xca || p[0] == 0xcb)
		return TV_EFLOAT;
	if ((p[0] >= 0xc7 && p[0] <= 0xc9) || (p[0] >= 0xd4 && p[0] <= 0xd8))
		return TV_EMALFORMED;
	return TV_ENONCANON;
}

/* Builds the tree of a JSON null, bool, integer, string, array or object. */
static void
from_json(struct tv_doc *doc, json_t *j, struct tv_value *v)
{
	size_t i = 0, n;
	const char *key;
	json_t *item;

	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_NULL:
		v->type = TV_NIL;
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		v->type = TV_BOOL;
		v->b = json_is_true(j);
		break;
	case JSON_INTEGER:
		tv_set_int(v, json_integer_value(j));
		break;
	case JSON_STRING:
		tv_set_str(v, json_string_value(j), json_string_length(j));
		break;
	case JSON_ARRAY:
		n = json_array_size(j);
		v->type = TV_ARRAY;
		v->len = (uint32_t)n;
		v->items = tv_doc_alloc(doc, n);
		ASSERT(v->items != NULL);
		json_array_foreach(j, i, item)
			from_json(doc, item, &v->items[i]);
		break;
	case JSON_OBJECT:
		n = json_object_size(j);
		v->type = TV_MAP;
		v->len = (uint32_t)n;
		v->items = tv_doc_alloc(doc, 2 * n);
		ASSERT(v->items != NULL);
		json_object_foreach(j, key, item) {
			tv_set_str(&v->items[2 * i], key, strlen(key));
			from_json(doc, item, &v->items[2 * i + 1]);
			i++;
		}
		break;
	default:
		TEST_FAIL("unexpected JSON type %d", (int)json_typeof(j));
	}
}

/* A decimal integer string from the bignum group into the writer. */
static void
write_bignum(struct tv_w *w, const char *s)
{
	char *end;

	errno = 0;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 10);
		ASSERT(errno == 0 && *end == 0);
		ASSERT_EQ(tv_w_int(w, v), 0);
	} else {
		unsigned long long v = strtoull(s, &end, 10);
		ASSERT(errno == 0 && *end == 0);
		ASSERT_EQ(tv_w_uint(w, v), 0);
	}
}

/*
 * The canonical encoding of an entry's value, or NULL when there is none
 * (floats, timestamps, ext).
 */
static uint8_t *
canonical(json_t *e, size_t *out_len)
{
	struct tv_doc *doc;
	struct tv_value v;
	struct tv_w w;
	json_t *j;
	uint8_t *p;

	tv_w_init(&w, 0);
	if ((j = json_object_get(e, "bignum")) != NULL) {
		write_bignum(&w, json_string_value(j));
	} else if ((j = json_object_get(e, "number")) != NULL) {
		if (json_is_real(j)) {
			tv_w_free(&w);
			return NULL;
		}
		ASSERT(json_is_integer(j));
		ASSERT_EQ(tv_w_int(&w, json_integer_value(j)), 0);
	} else if (json_object_get(e, "nil") != NULL) {
		ASSERT_EQ(tv_w_nil(&w), 0);
	} else if ((j = json_object_get(e, "bool")) != NULL) {
		ASSERT_EQ(tv_w_bool(&w, json_is_true(j)), 0);
	} else if ((j = json_object_get(e, "string")) != NULL) {
		ASSERT_EQ(tv_w_str(&w, json_string_value(j),
		    json_string_length(j)), 0);
	} else if ((j = json_object_get(e, "binary")) != NULL) {
		size_t len;
		uint8_t *bin = unhex_exact(json_string_value(j), &len);
		ASSERT_EQ(tv_w_bin(&w, bin, len), 0);
		free(bin);
	} else if ((j = json_object_get(e, "array")) != NULL ||
	    (j = json_object_get(e, "map")) != NULL) {
		doc = tv_doc_new();
		ASSERT(doc != NULL);
		from_json(doc, j, &v);
		ASSERT_EQ(tv_encode(&w, &v), 0);
		tv_doc_free(doc);
	} else {
		ASSERT(json_object_get(e, "timestamp") != NULL ||
		    json_object_get(e, "ext") != NULL);
		tv_w_free(&w);
		return NULL;
	}
	ASSERT_EQ(tv_w_finish(&w, &p, out_len), 0);
	return p;
}

/* Checks one form that must be accepted. */
static void
check_accepted(const char *hex, const uint8_t *p, size_t len)
{
	const struct tv_value *root;
	struct tv_doc *doc;
	struct tv_w w;
	uint8_t *out;
	size_t out_len;
	int rc;

	if ((rc = tv_decode(p, len, &doc, &root)) != 0)
		TEST_FAIL("%s: tv_decode: %s", hex, tv_strerror(rc));
	ASSERT_EQ(tv_canon_check(p, len), 0);
	ASSERT(root->raw == p && root->raw_len == len);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, root), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	if (out_len != len || memcmp(out, p, len) != 0)
		TEST_FAIL("%s: re-encoded differently", hex);
	free(out);
	tv_doc_free(doc);
}

/* Checks one form that must be rejected with want. */
static void
check_rejected(const char *hex, const uint8_t *p, size_t len, int want)
{
	const struct tv_value *root;
	struct tv_doc *doc;
	int rc;

	rc = tv_decode(p, len, &doc, &root);
	if (rc != want)
		TEST_FAIL("%s: tv_decode: %d (%s), want %d (%s)", hex, rc,
		    tv_strerror(rc), want, tv_strerror(want));
	ASSERT(doc == NULL && root == NULL);
	ASSERT_EQ(tv_canon_check(p, len), want);
}

/*
 * Runs every entry of group name; returns how many forms it checked and
 * adds the accepted ones to *n_accepted.
 */
static size_t
check_group(json_t *suite, const char *name, size_t *n_accepted)
{
	json_t *group = json_object_get(suite, name), *e, *forms, *f;
	bool is_bignum = strcmp(name, "23.number-bignum.yaml") == 0;
	size_t i, k, n = 0;

	if (!json_is_array(group) || json_array_size(group) == 0)
		TEST_FAIL("%s: no such group in %s", name, SUITE_PATH);
	json_array_foreach(group, i, e) {
		size_t canon_len = 0;
		uint8_t *canon = canonical(e, &canon_len);
		bool found = false;

		forms = json_object_get(e, "msgpack");
		ASSERT(json_is_array(forms) && json_array_size(forms) > 0);
		json_array_foreach(forms, k, f) {
			const char *hex = json_string_value(f);
			size_t len;
			uint8_t *p;

			ASSERT(hex != NULL);
			p = unhex_exact(hex, &len);
			if (canon != NULL && len == canon_len &&
			    memcmp(p, canon, len) == 0) {
				/*
				 * The README promises the first form is the
				 * canonical one; bignum is the exception.
				 */
				if (k != 0 && !is_bignum)
					TEST_FAIL("%s #%zu: canonical form %s "
					    "is not listed first", name, i,
					    hex);
				if (k != 0)
					printf("note: %s #%zu: canonical "
					    "form %s is listed #%zu\n", name,
					    i, hex, k + 1);
				check_accepted(hex, p, len);
				found = true;
				(*n_accepted)++;
			} else {
				check_rejected(hex, p, len, error_for(p, len));
			}
			free(p);
			n++;
		}
		if (canon != NULL && !found) {
			char *h = test_hex(canon, canon_len);
			TEST_FAIL("%s #%zu: our encoding %s is not listed",
			    name, i, h);
		}
		free(canon);
	}
	return n;
}

/* Runs one group and checks how many of its forms were accepted. */
static void
run_group(const char *name, size_t want_accepted)
{
	json_t *suite = load_suite();
	size_t n_accepted = 0, n = check_group(suite, name, &n_accepted);

	printf("%s: %zu forms, %zu canonical\n", name, n, n_accepted);
	ASSERT_EQ(n_accepted, want_accepted);
	json_decref(suite);
}

TEST(group_nil) { run_group("10.nil.yaml", 1); }
TEST(group_bool) { run_group("11.bool.yaml", 2); }
TEST(group_binary) { run_group("12.binary.yaml", 3); }
TEST(group_number_positive) { run_group("20.number-positive.yaml", 11); }
TEST(group_number_negative) { run_group("21.number-negative.yaml", 8); }
TEST(group_number_float) { run_group("22.number-float.yaml", 0); }
TEST(group_number_bignum) { run_group("23.number-bignum.yaml", 9); }
TEST(group_string_ascii) { run_group("30.string-ascii.yaml", 4); }
TEST(group_string_utf8) { run_group("31.string-utf8.yaml", 5); }
TEST(group_string_emoji) { run_group("32.string-emoji.yaml", 2); }
TEST(group_array) { run_group("40.array.yaml", 5); }
TEST(group_map) { run_group("41.map.yaml", 3); }
TEST(group_nested) { run_group("42.nested.yaml", 4); }
TEST(group_timestamp) { run_group("50.timestamp.yaml", 0); }
TEST(group_ext) { run_group("60.ext.yaml", 0); }

/* Every group in the file, none skipped, every form counted. */
TEST(all_forms)
{
	json_t *suite = load_suite(), *group;
	size_t n = 0, n_accepted = 0, n_groups = 0;
	const char *name;

	json_object_foreach(suite, name, group) {
		n += check_group(suite, name, &n_accepted);
		n_groups++;
	}
	printf("msgpack-test-suite: %zu groups, %zu forms checked, "
	    "%zu canonical, %zu rejected\n", n_groups, n, n_accepted,
	    n - n_accepted);
	ASSERT_EQ(n_groups, 15);
	if (n < SUITE_FORMS)
		TEST_FAIL("only %zu forms checked, want %d", n, SUITE_FORMS);
	json_decref(suite);
}

TEST_MAIN(group_nil, group_bool, group_binary, group_number_positive,
    group_number_negative, group_number_float, group_number_bignum,
    group_string_ascii, group_string_utf8, group_string_emoji, group_array,
    group_map, group_nested, group_timestamp, group_ext, all_forms)
