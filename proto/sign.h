/*
 * Keys, signatures and hashes: the only file that calls libsodium's signing
 * and hashing. An area is its Ed25519 key pair; the secret key is kept as
 * the 32-byte seed, wiped with sodium_memzero when done.
 */
#ifndef TVAERS_PROTO_SIGN_H
#define TVAERS_PROTO_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define TV_PK_LEN 32		/* Ed25519 public key: the area id */
#define TV_SEED_LEN 32		/* Ed25519 seed: the secret key at rest */
#define TV_SK_LEN 64		/* libsodium's expanded secret key */
#define TV_SIG_LEN 64
#define TV_HASH_LEN 32		/* BLAKE2b-256 */

struct tv_keypair {
	uint8_t pk[TV_PK_LEN];
	uint8_t sk[TV_SK_LEN];
};

/* Initialises libsodium; returns 0 or TV_EINVAL if it cannot start. */
int tv_sign_init(void);
/* Makes a new random key pair. */
void tv_keypair_generate(struct tv_keypair *out);
/* Derives the key pair of a seed. */
void tv_keypair_from_seed(struct tv_keypair *out,
    const uint8_t seed[static TV_SEED_LEN]);
/* Copies the seed out of a key pair. */
void tv_keypair_seed(const struct tv_keypair *kp,
    uint8_t out_seed[static TV_SEED_LEN]);
/* Wipes a key pair. */
void tv_keypair_wipe(struct tv_keypair *kp);

/* Signs msg with kp into out_sig. */
void tv_sign(const struct tv_keypair *kp, const uint8_t *msg, size_t len,
    uint8_t out_sig[static TV_SIG_LEN]);
/* Returns 0 if sig is pk's signature of msg, else TV_EBADSIG. */
int tv_verify(const uint8_t pk[static TV_PK_LEN], const uint8_t *msg,
    size_t len, const uint8_t sig[static TV_SIG_LEN]);
/* BLAKE2b-256 of msg. */
void tv_hash(const uint8_t *msg, size_t len, uint8_t out[static TV_HASH_LEN]);
/* Fills p with len random bytes. */
void tv_random(void *p, size_t len);

/*
 * The secret key file: one line "tvaers-secret-key-v1 <base32 seed>\n".
 * Returns 0, or TV_EMALFORMED if text is not such a line.
 */
int tv_seed_parse(const char *text, size_t len,
    uint8_t out_seed[static TV_SEED_LEN]);
/* Formats the key file line (NUL-terminated) into out; needs 128 bytes. */
void tv_seed_format(const uint8_t seed[static TV_SEED_LEN], char out[static 128]);

#endif
