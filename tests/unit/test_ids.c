/*
 * Base32 text forms of ids and prefix ranges (proto/ids.c, PROTOCOL.md §5).
 */
#include "test.h"

#include "err.h"
#include "ids.h"

/* A small deterministic generator, so that failures can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void
rng_bytes(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rng();
}

TEST(rfc4648_vectors)
{
	/* RFC 4648 §10, lower case and without the padding. */
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },
		{ "f", "my" },
		{ "fo", "mzxq" },
		{ "foo", "mzxw6" },
		{ "foob", "mzxw6yq" },
		{ "fooba", "mzxw6ytb" },
		{ "foobar", "mzxw6ytboi" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].in);
		char text[32];
		uint8_t back[16];
		tv_b32_encode((const uint8_t *)v[i].in, n, text);
		ASSERT_STR_EQ(text, v[i].out);
		ASSERT_EQ(tv_b32_decode(v[i].out, strlen(v[i].out), back, n), 0);
		ASSERT_MEM_EQ(back, v[i].in, n);
	}
}

TEST(round_trip_record_ids)
{
	for (int i = 0; i < 2000; i++) {
		uint8_t id[TV_ID_LEN], back[TV_ID_LEN];
		char text[TV_ID_TEXT_LEN + 1];
		rng_bytes(id, sizeof(id));
		tv_id_text(id, text);
		ASSERT_EQ(strlen(text), TV_ID_TEXT_LEN);
		for (size_t j = 0; j < TV_ID_TEXT_LEN; j++)
			ASSERT(strchr("abcdefghijklmnopqrstuvwxyz234567",
			    text[j]) != NULL);
		ASSERT_EQ(tv_b32_decode(text, TV_ID_TEXT_LEN, back,
		    TV_ID_LEN), 0);
		ASSERT_MEM_EQ(back, id, TV_ID_LEN);
	}
}

TEST(round_trip_area_ids)
{
	for (int i = 0; i < 2000; i++) {
		uint8_t pk[TV_PK_LEN], back[TV_PK_LEN];
		char text[TV_AREA_TEXT_LEN + 1];
		rng_bytes(pk, sizeof(pk));
		tv_area_text(pk, text);
		ASSERT_EQ(strlen(text), TV_AREA_TEXT_LEN);
		ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back,
		    TV_PK_LEN), 0);
		ASSERT_MEM_EQ(back, pk, TV_PK_LEN);
	}
}

TEST(extremes)
{
	uint8_t zero[TV_PK_LEN] = { 0 }, ones[TV_PK_LEN];
	char text[TV_AREA_TEXT_LEN + 1];

	memset(ones, 0xff, sizeof(ones));
	tv_area_text(zero, text);
	ASSERT_STR_EQ(text, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	tv_area_text(ones, text);
	/* 256 bits: 51 full groups, then one bit and four zero tail bits. */
	ASSERT_STR_EQ(text, "777777777777777777777777777777777777777777777777777q");
	tv_id_text(ones, text);
	/* 128 bits: 25 full groups, then three bits and two zero tail bits. */
	ASSERT_STR_EQ(text, "77777777777777777777777774");
}

TEST(decode_any_case)
{
	uint8_t id[TV_ID_LEN], back[TV_ID_LEN];
	char text[TV_ID_TEXT_LEN + 1];

	rng_bytes(id, sizeof(id));
	tv_id_text(id, text);
	for (size_t j = 0; j < TV_ID_TEXT_LEN; j++)
		if (j % 2 && text[j] >= 'a' && text[j] <= 'z')
			text[j] = (char)(text[j] - 'a' + 'A');
	ASSERT_EQ(tv_b32_decode(text, TV_ID_TEXT_LEN, back, TV_ID_LEN), 0);
	ASSERT_MEM_EQ(back, id, TV_ID_LEN);
	for (size_t j = 0; j < TV_ID_TEXT_LEN; j++)
		if (text[j] >= 'a' && text[j] <= 'z')
			text[j] = (char)(text[j] - 'a' + 'A');
	ASSERT_EQ(tv_b32_decode(text, TV_ID_TEXT_LEN, back, TV_ID_LEN), 0);
	ASSERT_MEM_EQ(back, id, TV_ID_LEN);
}

TEST(decode_rejects_bad_characters)
{
	uint8_t id[TV_ID_LEN] = { 1, 2, 3 }, back[TV_ID_LEN];
	char text[TV_ID_TEXT_LEN + 1];
	/* Digits 0, 1, 8, 9, padding, separators, space, NUL, high bytes. */
	static const char bad[] = { '0', '1', '8', '9', '=', '-', ':', ' ',
		'\0', '\n', '@', '[', '`', '{', (char)0xc3, (char)0xff };

	tv_id_text(id, text);
	for (size_t i = 0; i < sizeof(bad); i++) {
		for (size_t pos = 0; pos < TV_ID_TEXT_LEN; pos += 5) {
			char t[TV_ID_TEXT_LEN + 1];
			memcpy(t, text, sizeof(t));
			t[pos] = bad[i];
			ASSERT_EQ(tv_b32_decode(t, TV_ID_TEXT_LEN, back,
			    TV_ID_LEN), TV_EMALFORMED);
		}
	}
}

TEST(decode_rejects_wrong_lengths)
{
	uint8_t pk[TV_PK_LEN] = { 7 }, back[TV_PK_LEN + 1];
	char text[TV_AREA_TEXT_LEN + 2];

	tv_area_text(pk, text);
	for (size_t n = 0; n <= TV_AREA_TEXT_LEN + 1; n++) {
		if (n == TV_AREA_TEXT_LEN)
			continue;
		text[TV_AREA_TEXT_LEN] = 'a';
		ASSERT_EQ(tv_b32_decode(text, n, back, TV_PK_LEN),
		    TV_EMALFORMED);
	}
	/* A 52-character text is not a 31- or 33-byte value. */
	ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back, TV_PK_LEN - 1),
	    TV_EMALFORMED);
	ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back, TV_PK_LEN + 1),
	    TV_EMALFORMED);
	/* Padding is not accepted either. */
	ASSERT_EQ(tv_b32_decode("my======", 8, back, 1), TV_EMALFORMED);
	ASSERT_EQ(tv_b32_decode("my", 2, back, 1), 0);
}

TEST(decode_rejects_tail_bits)
{
	uint8_t back[TV_PK_LEN];
	char text[TV_AREA_TEXT_LEN + 1];
	static const char tails[] = "bcdefghijklmnop";	/* values 1..15 */

	/* A 32-byte id's last character may only be 'a' or 'q'. */
	memset(text, 'a', TV_AREA_TEXT_LEN);
	text[TV_AREA_TEXT_LEN] = 0;
	ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back, TV_PK_LEN), 0);
	for (size_t i = 0; tails[i]; i++) {
		text[TV_AREA_TEXT_LEN - 1] = tails[i];
		ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back,
		    TV_PK_LEN), TV_EMALFORMED);
	}
	text[TV_AREA_TEXT_LEN - 1] = 'q';
	ASSERT_EQ(tv_b32_decode(text, TV_AREA_TEXT_LEN, back, TV_PK_LEN), 0);
	ASSERT_EQ(back[TV_PK_LEN - 1], 1);

	/* A 16-byte id's last character: values 0, 4, 8, ... 28 only. */
	memset(text, 'a', TV_ID_TEXT_LEN);
	for (int v = 0; v < 32; v++) {
		text[TV_ID_TEXT_LEN - 1] =
		    "abcdefghijklmnopqrstuvwxyz234567"[v];
		ASSERT_EQ(tv_b32_decode(text, TV_ID_TEXT_LEN, back, TV_ID_LEN),
		    v % 4 == 0 ? 0 : TV_EMALFORMED);
	}
	/* One text form per id: the canonical text is all there is. */
	ASSERT_EQ(tv_b32_decode("mz", 2, back, 1), TV_EMALFORMED);
}

TEST(is_id_prefix)
{
	ASSERT(tv_is_id_prefix("a", TV_ID_TEXT_LEN));
	ASSERT(tv_is_id_prefix("3KF9", TV_ID_TEXT_LEN) == false);
	ASSERT(tv_is_id_prefix("3KFA", TV_ID_TEXT_LEN));
	ASSERT(tv_is_id_prefix("", TV_ID_TEXT_LEN) == false);
	ASSERT(tv_is_id_prefix("ab-c", TV_ID_TEXT_LEN) == false);
	ASSERT(tv_is_id_prefix("abcdefgh", TV_ID_TEXT_LEN));
	/* Only max_len characters are looked at: "<area>:<id>" in place. */
	ASSERT(tv_is_id_prefix("abcd:efg", 4));
	ASSERT(tv_is_id_prefix("abc:efg", 4) == false);
}

/* True if id's text starts with prefix, ignoring case. */
static bool
text_has_prefix(const char *text, const char *prefix)
{
	for (size_t i = 0; prefix[i]; i++) {
		char c = prefix[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (text[i] != c)
			return false;
	}
	return true;
}

/*
 * Checks tv_prefix_range against brute force: for every id, the id is in
 * [lo, hi] exactly when its text starts with the prefix.
 */
static void
check_prefix_brute(size_t id_len, size_t n_ids, int rounds)
{
	size_t text_len = (id_len * 8 + 4) / 5;
	uint8_t *ids = malloc(n_ids * id_len);
	char *texts = malloc(n_ids * (text_len + 1));
	uint8_t lo[TV_PK_LEN], hi[TV_PK_LEN];

	ASSERT(ids != NULL && texts != NULL);
	for (size_t i = 0; i < n_ids; i++) {
		uint8_t *id = ids + i * id_len;
		rng_bytes(id, id_len);
		/* Cluster some ids so that long prefixes match several. */
		if (i % 4 == 1)
			memcpy(id, ids + (i - 1) * id_len, id_len / 2);
		tv_b32_encode(id, id_len, texts + i * (text_len + 1));
	}
	for (int r = 0; r < rounds; r++) {
		char prefix[64];
		size_t plen = 1 + rng() % text_len;
		const char *src = texts + (rng() % n_ids) * (text_len + 1);
		memcpy(prefix, src, plen);
		prefix[plen] = 0;
		/* Sometimes change the last character, sometimes upper-case. */
		if (r % 3 == 1)
			prefix[plen - 1] = "abcdefghijklmnopqrstuvwxyz234567"
			    [rng() % 32];
		if (r % 5 == 2 && prefix[0] >= 'a')
			prefix[0] = (char)(prefix[0] - 'a' + 'A');
		int rc = tv_prefix_range(prefix, id_len, lo, hi);
		if (rc != 0) {
			/* Only a full-length prefix with tail bits may fail. */
			ASSERT_EQ(rc, TV_EMALFORMED);
			ASSERT_EQ(plen, text_len);
			uint8_t tmp[TV_PK_LEN];
			ASSERT_EQ(tv_b32_decode(prefix, plen, tmp, id_len),
			    TV_EMALFORMED);
			continue;
		}
		ASSERT(memcmp(lo, hi, id_len) <= 0);
		size_t matches = 0;
		for (size_t i = 0; i < n_ids; i++) {
			const uint8_t *id = ids + i * id_len;
			bool in = memcmp(lo, id, id_len) <= 0 &&
			    memcmp(id, hi, id_len) <= 0;
			bool want = text_has_prefix(texts + i * (text_len + 1),
			    prefix);
			if (in != want)
				TEST_FAIL("prefix %s, id %s: in range %d, "
				    "text match %d", prefix,
				    texts + i * (text_len + 1), in, want);
			matches += want;
		}
		/* A prefix taken from an id unchanged matches that id. */
		if (r % 3 != 1)
			ASSERT(matches > 0);
	}
	free(ids);
	free(texts);
}

TEST(prefix_range_record_ids_brute_force)
{
	check_prefix_brute(TV_ID_LEN, 3000, 3000);
}

TEST(prefix_range_area_ids_brute_force)
{
	check_prefix_brute(TV_PK_LEN, 2000, 2000);
}

TEST(prefix_range_one_char)
{
	uint8_t lo[TV_ID_LEN], hi[TV_ID_LEN];

	/* 'a' = 00000: ids 00000000... to 07ffffff.... */
	ASSERT_EQ(tv_prefix_range("a", TV_ID_LEN, lo, hi), 0);
	ASSERT_EQ(lo[0], 0x00);
	ASSERT_EQ(hi[0], 0x07);
	for (size_t i = 1; i < TV_ID_LEN; i++) {
		ASSERT_EQ(lo[i], 0x00);
		ASSERT_EQ(hi[i], 0xff);
	}
	/* '7' = 11111: f8... to ff.... */
	ASSERT_EQ(tv_prefix_range("7", TV_ID_LEN, lo, hi), 0);
	ASSERT_EQ(lo[0], 0xf8);
	ASSERT_EQ(hi[0], 0xff);
	/* 'Q' = 10000, either case. */
	ASSERT_EQ(tv_prefix_range("Q", TV_ID_LEN, lo, hi), 0);
	ASSERT_EQ(lo[0], 0x80);
	ASSERT_EQ(hi[0], 0x87);
	/* Two characters end in the middle of the second byte. */
	ASSERT_EQ(tv_prefix_range("77", TV_ID_LEN, lo, hi), 0);
	ASSERT_EQ(lo[0], 0xff);
	ASSERT_EQ(lo[1], 0xc0);
	ASSERT_EQ(hi[1], 0xff);
}

TEST(prefix_range_full_length)
{
	uint8_t id[TV_ID_LEN], lo[TV_ID_LEN], hi[TV_ID_LEN];
	uint8_t pk[TV_PK_LEN], plo[TV_PK_LEN], phi[TV_PK_LEN];
	char text[TV_AREA_TEXT_LEN + 1];

	for (int i = 0; i < 200; i++) {
		rng_bytes(id, sizeof(id));
		tv_id_text(id, text);
		ASSERT_EQ(tv_prefix_range(text, TV_ID_LEN, lo, hi), 0);
		ASSERT_MEM_EQ(lo, id, TV_ID_LEN);
		ASSERT_MEM_EQ(hi, id, TV_ID_LEN);
		rng_bytes(pk, sizeof(pk));
		tv_area_text(pk, text);
		ASSERT_EQ(tv_prefix_range(text, TV_PK_LEN, plo, phi), 0);
		ASSERT_MEM_EQ(plo, pk, TV_PK_LEN);
		ASSERT_MEM_EQ(phi, pk, TV_PK_LEN);
	}
	/* 25 characters leave the last 3 bits open. */
	memset(id, 0, sizeof(id));
	tv_id_text(id, text);
	text[TV_ID_TEXT_LEN - 1] = 0;
	ASSERT_EQ(tv_prefix_range(text, TV_ID_LEN, lo, hi), 0);
	ASSERT_EQ(lo[TV_ID_LEN - 1], 0x00);
	ASSERT_EQ(hi[TV_ID_LEN - 1], 0x07);
}

TEST(prefix_range_rejects)
{
	uint8_t lo[TV_PK_LEN], hi[TV_PK_LEN];
	char text[TV_AREA_TEXT_LEN + 2];

	ASSERT_EQ(tv_prefix_range("", TV_ID_LEN, lo, hi), TV_EMALFORMED);
	ASSERT_EQ(tv_prefix_range("ab1", TV_ID_LEN, lo, hi), TV_EMALFORMED);
	ASSERT_EQ(tv_prefix_range("ab=", TV_ID_LEN, lo, hi), TV_EMALFORMED);
	ASSERT_EQ(tv_prefix_range("ab:c", TV_ID_LEN, lo, hi), TV_EMALFORMED);
	/* Longer than any id of that length. */
	memset(text, 'a', TV_ID_TEXT_LEN + 1);
	text[TV_ID_TEXT_LEN + 1] = 0;
	ASSERT_EQ(tv_prefix_range(text, TV_ID_LEN, lo, hi), TV_EMALFORMED);
	memset(text, 'a', TV_AREA_TEXT_LEN + 1);
	text[TV_AREA_TEXT_LEN + 1] = 0;
	ASSERT_EQ(tv_prefix_range(text, TV_PK_LEN, lo, hi), TV_EMALFORMED);
	/* Full length with non-zero tail bits names no id. */
	text[TV_AREA_TEXT_LEN] = 0;
	text[TV_AREA_TEXT_LEN - 1] = 'b';
	ASSERT_EQ(tv_prefix_range(text, TV_PK_LEN, lo, hi), TV_EMALFORMED);
	text[TV_AREA_TEXT_LEN - 1] = 'q';
	ASSERT_EQ(tv_prefix_range(text, TV_PK_LEN, lo, hi), 0);
}

TEST_MAIN(rfc4648_vectors, round_trip_record_ids, round_trip_area_ids,
    extremes, decode_any_case, decode_rejects_bad_characters,
    decode_rejects_wrong_lengths, decode_rejects_tail_bits, is_id_prefix,
    prefix_range_record_ids_brute_force, prefix_range_area_ids_brute_force,
    prefix_range_one_char, prefix_range_full_length, prefix_range_rejects)
