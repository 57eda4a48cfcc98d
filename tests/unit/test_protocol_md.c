/*
 * PROTOCOL.md's examples are tests: every fenced block tagged "hex record"
 * must decode, verify, re-encode byte for byte and pass its kind's schema.
 * A "hex signing-input" or "hex hash" block that follows a record (before
 * the next record) must match what the record gives, and the published
 * test seed ("hex test-seed") must derive the published public key
 * ("hex test-pk"), whose base32 text must appear in the document.
 */
#include "test.h"

#include "canon.h"
#include "err.h"
#include "ids.h"
#include "kinds.h"
#include "record.h"
#include "sign.h"

#define MAX_BLOCKS 128

struct block {
	char tag[32];		/* what follows "```hex " */
	uint8_t *bytes;
	size_t len;
	int line;		/* of the opening fence */
};

struct doc_md {
	char *text;
	struct block b[MAX_BLOCKS];
	size_t n;
};

/* Reads PROTOCOL.md and collects its "```hex <tag>" blocks. */
static void
md_load(struct doc_md *md)
{
	size_t len;
	char *line, *next;
	char *copy;
	struct block *cur = NULL;
	char *hex = NULL;
	size_t hex_len = 0;
	int lineno = 0;

	memset(md, 0, sizeof(*md));
	md->text = (char *)test_read_file(TVAERS_SOURCE_DIR "/PROTOCOL.md",
	    &len);
	if (md->text == NULL)
		TEST_FAIL("cannot read %s", TVAERS_SOURCE_DIR "/PROTOCOL.md");
	copy = strdup(md->text);
	hex = malloc(len + 1);
	ASSERT(copy != NULL && hex != NULL);
	for (line = copy; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = 0;
		lineno++;
		if (cur == NULL) {
			if (strncmp(line, "```hex ", 7) != 0)
				continue;
			ASSERT(md->n < MAX_BLOCKS);
			cur = &md->b[md->n++];
			snprintf(cur->tag, sizeof(cur->tag), "%s", line + 7);
			/* Trailing blanks in the tag line do not count. */
			for (size_t k = strlen(cur->tag); k > 0 &&
			    (cur->tag[k - 1] == ' ' || cur->tag[k - 1] == '\r');
			    k--)
				cur->tag[k - 1] = 0;
			cur->line = lineno;
			hex_len = 0;
			continue;
		}
		if (strncmp(line, "```", 3) == 0) {
			hex[hex_len] = 0;
			cur->bytes = test_unhex(hex, &cur->len);
			ASSERT(cur->bytes != NULL);
			cur = NULL;
			continue;
		}
		for (const char *c = line; *c; c++) {
			if (*c == ' ' || *c == '\t' || *c == '\r')
				continue;
			if (!strchr("0123456789abcdefABCDEF", *c))
				TEST_FAIL("PROTOCOL.md block at line %d: "
				    "'%c' is not hex", cur->line, *c);
			hex[hex_len++] = *c;
		}
	}
	if (cur != NULL)
		TEST_FAIL("PROTOCOL.md: block at line %d is not closed",
		    cur->line);
	free(hex);
	free(copy);
}

static void
md_free(struct doc_md *md)
{
	for (size_t i = 0; i < md->n; i++)
		free(md->b[i].bytes);
	free(md->text);
}

static const struct block *
md_only(const struct doc_md *md, const char *tag)
{
	const struct block *found = NULL;

	for (size_t i = 0; i < md->n; i++) {
		if (strcmp(md->b[i].tag, tag) != 0)
			continue;
		if (found != NULL)
			TEST_FAIL("PROTOCOL.md has more than one '%s' block", tag);
		found = &md->b[i];
	}
	if (found == NULL)
		TEST_FAIL("PROTOCOL.md has no '```hex %s' block", tag);
	return found;
}

static size_t
count_records(const struct doc_md *md)
{
	size_t n = 0;

	for (size_t i = 0; i < md->n; i++)
		n += strcmp(md->b[i].tag, "record") == 0;
	return n;
}

TEST(at_least_three_records)
{
	struct doc_md md;

	md_load(&md);
	if (count_records(&md) < 3)
		TEST_FAIL("PROTOCOL.md has %zu '```hex record' blocks, "
		    "want at least 3", count_records(&md));
	md_free(&md);
}

TEST(test_key_published)
{
	struct doc_md md;
	struct tv_keypair kp;
	char text[TV_AREA_TEXT_LEN + 1];
	char line[128];

	ASSERT_EQ(tv_sign_init(), 0);
	md_load(&md);
	const struct block *seed = md_only(&md, "test-seed");
	const struct block *pk = md_only(&md, "test-pk");
	ASSERT_EQ(seed->len, TV_SEED_LEN);
	ASSERT_EQ(pk->len, TV_PK_LEN);
	tv_keypair_from_seed(&kp, seed->bytes);
	ASSERT_MEM_EQ(kp.pk, pk->bytes, TV_PK_LEN);
	/* The area id and the key file line are printed in the text too. */
	tv_area_text(pk->bytes, text);
	if (strstr(md.text, text) == NULL)
		TEST_FAIL("PROTOCOL.md does not show the test area id %s", text);
	tv_seed_format(seed->bytes, line);
	line[strlen(line) - 1] = 0;
	if (strstr(md.text, line) == NULL)
		TEST_FAIL("PROTOCOL.md does not show the key file line %s", line);
	tv_keypair_wipe(&kp);
	md_free(&md);
}

/* Runs fn on every record block; fn fails the test with the block's line. */
static void
each_record(void (*fn)(const struct doc_md *, size_t))
{
	struct doc_md md;

	ASSERT_EQ(tv_sign_init(), 0);
	md_load(&md);
	for (size_t i = 0; i < md.n; i++)
		if (strcmp(md.b[i].tag, "record") == 0)
			fn(&md, i);
	md_free(&md);
}

static void
check_decode_verify(const struct doc_md *md, size_t i)
{
	const struct block *b = &md->b[i];
	struct tv_record r;
	int rc;

	if ((rc = tv_record_decode(b->bytes, b->len, &r)) != 0)
		TEST_FAIL("PROTOCOL.md line %d: record does not decode: %s",
		    b->line, tv_strerror(rc));
	if ((rc = tv_record_verify(&r)) != 0)
		TEST_FAIL("PROTOCOL.md line %d: record does not verify: %s",
		    b->line, tv_strerror(rc));
}

TEST(records_decode_and_verify)
{
	each_record(check_decode_verify);
}

static void
check_reencode(const struct doc_md *md, size_t i)
{
	const struct block *b = &md->b[i];
	struct tv_doc *doc;
	const struct tv_value *root;
	struct tv_w w;
	uint8_t *out;
	size_t out_len;

	ASSERT_EQ(tv_decode(b->bytes, b->len, &doc, &root), 0);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, root), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, &out_len), 0);
	if (out_len != b->len || memcmp(out, b->bytes, b->len) != 0)
		TEST_FAIL("PROTOCOL.md line %d: record re-encodes differently",
		    b->line);
	free(out);
	tv_doc_free(doc);
}

TEST(records_reencode_identically)
{
	each_record(check_reencode);
}

static void
check_kind(const struct doc_md *md, size_t i)
{
	const struct block *b = &md->b[i];
	struct tv_record r;
	struct tv_doc *doc;
	const struct tv_value *body;
	char errbuf[256] = "";

	ASSERT_EQ(tv_record_decode(b->bytes, b->len, &r), 0);
	if (r.body_len == 0)
		return;
	ASSERT_EQ(tv_decode(r.body, r.body_len, &doc, &body), 0);
	const struct tv_kind *k = tv_kind_find(r.kind, r.kind_len);
	/* Examples use wire names, not the Danish labels tv_kind_find knows. */
	if (k == NULL || !tv_record_kind_is(&r, k->name))
		TEST_FAIL("PROTOCOL.md line %d: kind %.*s is not known",
		    b->line, (int)r.kind_len, r.kind);
	if (tv_kind_validate(k, body, errbuf, sizeof(errbuf)) != 0)
		TEST_FAIL("PROTOCOL.md line %d: body breaks the %s schema: %s",
		    b->line, k->name, errbuf);
	tv_doc_free(doc);
}

TEST(records_pass_their_schema)
{
	each_record(check_kind);
}

/*
 * Builds the signing input from the decoded fields, writing the 7-element
 * array out item by item (not from the record's bytes).
 */
static uint8_t *
signing_input(const uint8_t *rec, size_t len, size_t *out_len)
{
	struct tv_doc *doc;
	const struct tv_value *root;
	struct tv_w w;
	uint8_t *out;

	ASSERT_EQ(tv_decode(rec, len, &doc, &root), 0);
	ASSERT(root->type == TV_ARRAY && root->len == 8);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_buf_put(&w.buf, TV_SIGN_DOMAIN, strlen(TV_SIGN_DOMAIN) + 1),
	    0);
	ASSERT_EQ(tv_w_array(&w, 7), 0);
	for (size_t k = 0; k < 7; k++)
		ASSERT_EQ(tv_encode(&w, &root->items[k]), 0);
	ASSERT_EQ(tv_w_finish(&w, &out, out_len), 0);
	tv_doc_free(doc);
	return out;
}

static void
check_input_and_hash(const struct doc_md *md, size_t i)
{
	const struct block *b = &md->b[i];
	struct tv_record r;
	size_t input_len;
	uint8_t *input;

	ASSERT_EQ(tv_record_decode(b->bytes, b->len, &r), 0);
	input = signing_input(b->bytes, b->len, &input_len);
	ASSERT_EQ(tv_verify(r.origin, input, input_len, r.sig), 0);
	for (size_t j = i + 1; j < md->n; j++) {
		const struct block *e = &md->b[j];
		if (strcmp(e->tag, "record") == 0)
			break;
		if (strcmp(e->tag, "signing-input") == 0) {
			if (e->len != input_len ||
			    memcmp(e->bytes, input, input_len) != 0)
				TEST_FAIL("PROTOCOL.md line %d: wrong signing "
				    "input for the record at line %d", e->line,
				    b->line);
		} else if (strcmp(e->tag, "hash") == 0) {
			if (e->len != TV_HASH_LEN ||
			    memcmp(e->bytes, r.hash, TV_HASH_LEN) != 0)
				TEST_FAIL("PROTOCOL.md line %d: wrong hash for "
				    "the record at line %d", e->line, b->line);
		}
	}
	free(input);
}

TEST(signing_inputs_and_hashes_match)
{
	struct doc_md md;
	size_t inputs = 0, hashes = 0;

	each_record(check_input_and_hash);
	/* The §7 examples show both for each of their records. */
	md_load(&md);
	for (size_t i = 0; i < md.n; i++) {
		inputs += strcmp(md.b[i].tag, "signing-input") == 0;
		hashes += strcmp(md.b[i].tag, "hash") == 0;
	}
	ASSERT(inputs >= 3);
	ASSERT(hashes >= 3);
	md_free(&md);
}

TEST_MAIN(at_least_three_records, test_key_published,
    records_decode_and_verify, records_reencode_identically,
    records_pass_their_schema, signing_inputs_and_hashes_match)
