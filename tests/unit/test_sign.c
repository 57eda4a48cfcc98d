/*
 * Keys, signatures, hashes and the secret key file (proto/sign.c).
 */
#include "test.h"

#include "err.h"
#include "ids.h"
#include "sign.h"

static uint8_t *
unhex_n(const char *hex, size_t want)
{
	size_t n;
	uint8_t *p = test_unhex(hex, &n);
	ASSERT(p != NULL);
	ASSERT_EQ(n, want);
	return p;
}

static bool
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* RFC 8032 §7.1, TEST 1 and TEST 2. */
static const struct {
	const char *seed, *pk, *msg, *sig;
} rfc8032[] = {
	{
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"",
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
	},
	{
		"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		"72",
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
	},
};

TEST(rfc8032_vectors)
{
	ASSERT_EQ(tv_sign_init(), 0);
	for (size_t i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		uint8_t *seed = unhex_n(rfc8032[i].seed, TV_SEED_LEN);
		uint8_t *pk = unhex_n(rfc8032[i].pk, TV_PK_LEN);
		uint8_t *want = unhex_n(rfc8032[i].sig, TV_SIG_LEN);
		size_t msg_len;
		uint8_t *msg = test_unhex(rfc8032[i].msg, &msg_len);
		struct tv_keypair kp;
		uint8_t sig[TV_SIG_LEN], back[TV_SEED_LEN];

		tv_keypair_from_seed(&kp, seed);
		ASSERT_MEM_EQ(kp.pk, pk, TV_PK_LEN);
		tv_keypair_seed(&kp, back);
		ASSERT_MEM_EQ(back, seed, TV_SEED_LEN);
		tv_sign(&kp, msg, msg_len, sig);
		ASSERT_MEM_EQ(sig, want, TV_SIG_LEN);
		ASSERT_EQ(tv_verify(pk, msg, msg_len, sig), 0);
		tv_keypair_wipe(&kp);
		free(seed);
		free(pk);
		free(want);
		free(msg);
	}
}

TEST(verify_rejects)
{
	uint8_t *pk = unhex_n(rfc8032[1].pk, TV_PK_LEN);
	uint8_t *sig = unhex_n(rfc8032[1].sig, TV_SIG_LEN);
	uint8_t msg[1] = { 0x72 };

	ASSERT_EQ(tv_sign_init(), 0);
	ASSERT_EQ(tv_verify(pk, msg, 1, sig), 0);
	/* Another message, no message, a flipped bit anywhere. */
	msg[0] = 0x73;
	ASSERT_EQ(tv_verify(pk, msg, 1, sig), TV_EBADSIG);
	msg[0] = 0x72;
	ASSERT_EQ(tv_verify(pk, msg, 0, sig), TV_EBADSIG);
	for (size_t bit = 0; bit < TV_SIG_LEN * 8; bit++) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ASSERT_EQ(tv_verify(pk, msg, 1, sig), TV_EBADSIG);
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (size_t bit = 0; bit < TV_PK_LEN * 8; bit++) {
		pk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ASSERT_EQ(tv_verify(pk, msg, 1, sig), TV_EBADSIG);
		pk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* The other vector's key does not verify this signature. */
	uint8_t *pk1 = unhex_n(rfc8032[0].pk, TV_PK_LEN);
	ASSERT_EQ(tv_verify(pk1, msg, 1, sig), TV_EBADSIG);
	free(pk1);
	free(pk);
	free(sig);
}

TEST(generate_sign_verify)
{
	struct tv_keypair a, b;
	uint8_t sig[TV_SIG_LEN], seed[TV_SEED_LEN];
	static const uint8_t msg[] = "Ridelauget Østby";

	ASSERT_EQ(tv_sign_init(), 0);
	tv_keypair_generate(&a);
	tv_keypair_generate(&b);
	ASSERT(memcmp(a.pk, b.pk, TV_PK_LEN) != 0);
	tv_sign(&a, msg, sizeof(msg), sig);
	ASSERT_EQ(tv_verify(a.pk, msg, sizeof(msg), sig), 0);
	ASSERT_EQ(tv_verify(b.pk, msg, sizeof(msg), sig), TV_EBADSIG);
	/* The seed alone gives back the whole key pair. */
	tv_keypair_seed(&a, seed);
	tv_keypair_from_seed(&b, seed);
	ASSERT_MEM_EQ(&a, &b, sizeof(a));
	tv_keypair_wipe(&a);
	tv_keypair_wipe(&b);
}

TEST(blake2b_256)
{
	/* BLAKE2b with a 32-byte digest (RFC 7693 parameters, no key). */
	static const struct {
		const char *msg, *hash;
	} v[] = {
		{ "", "0e5751c026e543b2e8ab2eb06099daa1"
		    "d1e5df47778f7787faab45cdf12fe3a8" },
		{ "abc", "bddd813c634239723171ef3fee98579b"
		    "94964e3bb1cb3e427262c8c068d52319" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t out[TV_HASH_LEN];
		uint8_t *want = unhex_n(v[i].hash, TV_HASH_LEN);
		tv_hash((const uint8_t *)v[i].msg, strlen(v[i].msg), out);
		ASSERT_MEM_EQ(out, want, TV_HASH_LEN);
		free(want);
	}
}

TEST(random_bytes)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };

	ASSERT_EQ(tv_sign_init(), 0);
	tv_random(a, sizeof(a));
	tv_random(b, sizeof(b));
	ASSERT(memcmp(a, b, sizeof(a)) != 0);
	ASSERT(!all_zero(a, sizeof(a)));
	tv_random(a, 0);
}

TEST(seed_file_round_trip)
{
	uint8_t seed[TV_SEED_LEN], back[TV_SEED_LEN];
	char line[128];

	for (int i = 0; i < 100; i++) {
		tv_random(seed, sizeof(seed));
		tv_seed_format(seed, line);
		ASSERT_EQ(strlen(line), 21 + 52 + 1);
		ASSERT(strncmp(line, "tvaers-secret-key-v1 ", 21) == 0);
		ASSERT_EQ(line[73], '\n');
		ASSERT_EQ(tv_seed_parse(line, strlen(line), back), 0);
		ASSERT_MEM_EQ(back, seed, TV_SEED_LEN);
	}
}

TEST(seed_file_known_line)
{
	uint8_t seed[TV_SEED_LEN], back[TV_SEED_LEN];
	char line[128], text[TV_AREA_TEXT_LEN + 1];

	/* The published test seed 00 01 02 ... 1f (PROTOCOL.md §7). */
	for (size_t i = 0; i < TV_SEED_LEN; i++)
		seed[i] = (uint8_t)i;
	tv_seed_format(seed, line);
	tv_b32_encode(seed, TV_SEED_LEN, text);
	ASSERT_STR_EQ(text,
	    "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq");
	ASSERT_STR_EQ(line, "tvaers-secret-key-v1 "
	    "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n");
	/* Without the final newline, with CRLF, and in capitals. */
	ASSERT_EQ(tv_seed_parse(line, strlen(line) - 1, back), 0);
	ASSERT_MEM_EQ(back, seed, TV_SEED_LEN);
	static const char crlf[] = "tvaers-secret-key-v1 "
	    "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\r\n";
	ASSERT_EQ(tv_seed_parse(crlf, strlen(crlf), back), 0);
	ASSERT_MEM_EQ(back, seed, TV_SEED_LEN);
	static const char caps[] = "tvaers-secret-key-v1 "
	    "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPQ\n";
	ASSERT_EQ(tv_seed_parse(caps, strlen(caps), back), 0);
	ASSERT_MEM_EQ(back, seed, TV_SEED_LEN);
}

TEST(seed_file_rejects)
{
	static const char *bad[] = {
		"",
		"\n",
		"tvaers-secret-key-v1\n",
		"tvaers-secret-key-v1 \n",
		/* Wrong tag, version, separator, case of the tag. */
		"tvaers-secret-key-v2 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		"tvaers-public-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		"tvaers-secret-key-v1  aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		"tvaers-secret-key-v1\taaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		"TVAERS-SECRET-KEY-V1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		" tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
		/* Seed too short, too long, bad character, tail bits. */
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp\n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypqa\n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp0\n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypr\n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp=\n",
		/* Anything after the line. */
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n\n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq \n",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\r",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\nx",
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n"
		"tvaers-secret-key-v1 aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t seed[TV_SEED_LEN];
		memset(seed, 0xa5, sizeof(seed));
		if (tv_seed_parse(bad[i], strlen(bad[i]), seed) !=
		    TV_EMALFORMED)
			TEST_FAIL("accepted bad key line %zu: %s", i, bad[i]);
		/* Nothing of a half-decoded seed is left behind. */
		ASSERT(all_zero(seed, sizeof(seed)));
	}
	/* An embedded NUL counts as a character, not as the end. */
	static const char nul[] = "tvaers-secret-key-v1 "
	    "aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\n";
	uint8_t seed[TV_SEED_LEN];
	ASSERT_EQ(tv_seed_parse(nul, sizeof(nul), seed), TV_EMALFORMED);
}

TEST(wipe)
{
	struct tv_keypair kp;
	uint8_t seed[TV_SEED_LEN];

	ASSERT_EQ(tv_sign_init(), 0);
	tv_keypair_generate(&kp);
	ASSERT(!all_zero(kp.sk, TV_SK_LEN));
	tv_keypair_wipe(&kp);
	ASSERT(all_zero(&kp, sizeof(kp)));
	/* A bad line wipes a seed buffer that held a good seed before. */
	tv_random(seed, sizeof(seed));
	ASSERT_EQ(tv_seed_parse("tvaers-secret-key-v1 x", 22, seed),
	    TV_EMALFORMED);
	ASSERT(all_zero(seed, sizeof(seed)));
}

TEST_MAIN(rfc8032_vectors, verify_rejects, generate_sign_verify, blake2b_256,
    random_bytes, seed_file_round_trip, seed_file_known_line,
    seed_file_rejects, wipe)
