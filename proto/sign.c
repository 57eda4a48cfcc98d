/*
 * Ed25519 keys and signatures, BLAKE2b-256 hashes and randomness, all
 * through libsodium. Secret material lives only in the caller's
 * struct tv_keypair or seed buffer; every temporary copy made here is
 * wiped with sodium_memzero before the function returns, on every path.
 */
#include "sign.h"

#include <string.h>

#include <sodium.h>

#include "err.h"
#include "ids.h"

/* PROTOCOL.md §5.5: the secret key file's one line. */
#define KEYFILE_TAG "tvaers-secret-key-v1 "
#define KEYFILE_TAG_LEN (sizeof(KEYFILE_TAG) - 1)
#define SEED_TEXT_LEN 52	/* base32 of TV_SEED_LEN bytes */

int
tv_sign_init(void)
{
	/* 0: started now, 1: already started; both are fine. */
	return sodium_init() < 0 ? TV_EINVAL : 0;
}

void
tv_keypair_generate(struct tv_keypair *out)
{
	uint8_t seed[TV_SEED_LEN];

	randombytes_buf(seed, sizeof(seed));
	tv_keypair_from_seed(out, seed);
	sodium_memzero(seed, sizeof(seed));
}

void
tv_keypair_from_seed(struct tv_keypair *out,
    const uint8_t seed[static TV_SEED_LEN])
{
	/* Cannot fail for a 32-byte seed. */
	(void)crypto_sign_seed_keypair(out->pk, out->sk, seed);
}

void
tv_keypair_seed(const struct tv_keypair *kp,
    uint8_t out_seed[static TV_SEED_LEN])
{
	(void)crypto_sign_ed25519_sk_to_seed(out_seed, kp->sk);
}

void
tv_keypair_wipe(struct tv_keypair *kp)
{
	sodium_memzero(kp, sizeof(*kp));
}

void
tv_sign(const struct tv_keypair *kp, const uint8_t *msg, size_t len,
    uint8_t out_sig[static TV_SIG_LEN])
{
	(void)crypto_sign_detached(out_sig, NULL, msg, len, kp->sk);
}

int
tv_verify(const uint8_t pk[static TV_PK_LEN], const uint8_t *msg,
    size_t len, const uint8_t sig[static TV_SIG_LEN])
{
	if (crypto_sign_verify_detached(sig, msg, len, pk) != 0)
		return TV_EBADSIG;
	return 0;
}

void
tv_hash(const uint8_t *msg, size_t len, uint8_t out[static TV_HASH_LEN])
{
	(void)crypto_generichash(out, TV_HASH_LEN, msg, len, NULL, 0);
}

void
tv_random(void *p, size_t len)
{
	randombytes_buf(p, len);
}

int
tv_seed_parse(const char *text, size_t len,
    uint8_t out_seed[static TV_SEED_LEN])
{
	size_t rest;

	/*
	 * PROTOCOL.md §5.5: "tvaers-secret-key-v1 " and the base32 seed,
	 * then a line end. A missing final newline (a key typed back in from
	 * paper) and a CRLF are accepted; nothing else may follow.
	 */
	if (len < KEYFILE_TAG_LEN + SEED_TEXT_LEN ||
	    memcmp(text, KEYFILE_TAG, KEYFILE_TAG_LEN) != 0)
		goto bad;
	rest = len - KEYFILE_TAG_LEN - SEED_TEXT_LEN;
	text += KEYFILE_TAG_LEN;
	if (!(rest == 0 || (rest == 1 && text[SEED_TEXT_LEN] == '\n') ||
	    (rest == 2 && text[SEED_TEXT_LEN] == '\r' &&
	    text[SEED_TEXT_LEN + 1] == '\n')))
		goto bad;
	if (tv_b32_decode(text, SEED_TEXT_LEN, out_seed, TV_SEED_LEN) != 0)
		goto bad;
	return 0;
bad:
	/* Never leave half a seed behind. */
	sodium_memzero(out_seed, TV_SEED_LEN);
	return TV_EMALFORMED;
}

void
tv_seed_format(const uint8_t seed[static TV_SEED_LEN], char out[static 128])
{
	/* Encodes straight into out, so no copy of the seed text is left. */
	memcpy(out, KEYFILE_TAG, KEYFILE_TAG_LEN);
	tv_b32_encode(seed, TV_SEED_LEN, out + KEYFILE_TAG_LEN);
	out[KEYFILE_TAG_LEN + SEED_TEXT_LEN] = '\n';
	out[KEYFILE_TAG_LEN + SEED_TEXT_LEN + 1] = 0;
}
