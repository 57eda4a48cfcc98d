/*
 * The link handshake and transport: Noise_XX_25519_ChaChaPoly_BLAKE2b and
 * Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b (Noise Protocol Framework, rev 34)
 * on libsodium. Pure: bytes in, bytes out; no I/O, no allocation, no
 * globals. A handshake fails closed: after any error caused by the peer's
 * bytes it wipes every secret it holds and refuses further calls. Secrets are
 * wiped with sodium_memzero by the matching _close/_wipe. Callers must have
 * run sodium_init() (tv_sign_init()) first.
 */
#ifndef TVAERS_PROTO_NOISE_H
#define TVAERS_PROTO_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define TV_NOISE_KEY_LEN 32	/* X25519 keys, cipher keys and the psk */
#define TV_NOISE_HASH_LEN 64	/* BLAKE2b-512: ck and the handshake hash */
#define TV_NOISE_TAG_LEN 16	/* Poly1305 tag */
#define TV_NOISE_MSG_MAX 65535	/* Noise §3: the longest message */
/* Largest plaintext of one transport message. */
#define TV_NOISE_PLAINTEXT_MAX (TV_NOISE_MSG_MAX - TV_NOISE_TAG_LEN)

/* PROTOCOL.md §9.1: the prologue every tvaers handshake uses. */
#define TV_NOISE_PROLOGUE "tvaers/1"
#define TV_NOISE_PROLOGUE_LEN 8

#define TV_NOISE_NAME "Noise_XX_25519_ChaChaPoly_BLAKE2b"
#define TV_NOISE_NAME_PSK "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b"

enum tv_noise_role {
	TV_NOISE_INITIATOR,	/* sends messages 1 and 3 (the dialler) */
	TV_NOISE_RESPONDER,	/* sends message 2 (the listening side) */
};

/* An X25519 key pair; priv is secret (wipe with tv_noise_keypair_wipe). */
struct tv_noise_keypair {
	uint8_t pub[TV_NOISE_KEY_LEN];
	uint8_t priv[TV_NOISE_KEY_LEN];
};

/*
 * The structs below are visible only so that a connection can embed them
 * without an allocation (as libuv does with its handles); their fields are
 * private to noise.c.
 */

/* A CipherState (Noise §5.1): one direction of a transport. */
struct tv_noise_cipher {
	uint8_t k[TV_NOISE_KEY_LEN];
	uint64_t n;
	bool has_key;
};

/* A HandshakeState with its SymmetricState (Noise §5.2, §5.3). */
struct tv_noise_hs {
	struct tv_noise_cipher cs;
	uint8_t ck[TV_NOISE_HASH_LEN];
	uint8_t h[TV_NOISE_HASH_LEN];
	struct tv_noise_keypair s;
	struct tv_noise_keypair e;
	uint8_t re[TV_NOISE_KEY_LEN];
	uint8_t rs[TV_NOISE_KEY_LEN];
	uint8_t psk[TV_NOISE_KEY_LEN];
	uint8_t step;		/* handshake messages done, 0..3 */
	bool is_ready;		/* initialised, not failed, not closed */
	bool is_initiator;
	bool has_psk;
	bool has_e;		/* e holds a key pair (fixed, or written) */
	bool has_rs;
	bool is_split;
};

/* Key pairs. */

/* Derives the Noise static key pair of an area's Ed25519 key pair (libsodium
 * layout); returns 0, or TV_EINVAL if kp->pk does not belong to kp->sk. */
int tv_noise_keypair_from_ed25519(const struct tv_keypair *kp,
    struct tv_noise_keypair *out);
/* Makes the key pair of a 32-byte X25519 private key (stored clamped);
 * returns 0 or TV_EINVAL. */
int tv_noise_keypair_from_private(const uint8_t priv[static TV_NOISE_KEY_LEN],
    struct tv_noise_keypair *out);
/* Makes a random key pair. */
void tv_noise_keypair_generate(struct tv_noise_keypair *out);
/* Wipes a key pair. */
void tv_noise_keypair_wipe(struct tv_noise_keypair *kp);
/* Returns 0 if remote_static is the X25519 form of the Ed25519 area_id,
 * TV_EBADSIG if it is not, TV_EMALFORMED if area_id is not a valid key. */
int tv_noise_check_area(const uint8_t remote_static[static TV_NOISE_KEY_LEN],
    const uint8_t area_id[static TV_PK_LEN]);

/* Handshake: lifecycle. */

/*
 * Starts a handshake. prologue (may be NULL if prologue_len is 0) is mixed
 * in as is; s is copied. psk is NULL for Noise_XX, or 32 bytes for
 * Noise_XXpsk3 (copied). fixed_e is NULL (a random ephemeral is made when
 * needed) or, for test vectors only, the ephemeral to use (copied). Returns
 * 0, or TV_EINVAL for a bad argument or a key pair whose pub does not match
 * its priv. Release with tv_noise_hs_close whatever the outcome.
 */
int tv_noise_hs_init(struct tv_noise_hs *hs, enum tv_noise_role role,
    const uint8_t *prologue, size_t prologue_len,
    const struct tv_noise_keypair *s, const uint8_t *psk,
    const struct tv_noise_keypair *fixed_e);
/* Wipes hs; idempotent, and fine on a zeroed or failed hs. */
void tv_noise_hs_close(struct tv_noise_hs *hs);

/* Handshake: operations. */

/*
 * Writes the next handshake message carrying payload (NULL if payload_len
 * is 0) into out (out_cap bytes; TV_NOISE_MSG_MAX always suffices; must not
 * overlap payload) and sets *out_len. Returns 0; TV_EINVAL if it is not our
 * turn, hs has failed, or out is too small; TV_ETOOBIG if the message would
 * pass TV_NOISE_MSG_MAX (hs unchanged by these three). Other errors fail hs.
 */
int tv_noise_hs_write(struct tv_noise_hs *hs, const uint8_t *payload,
    size_t payload_len, uint8_t *out, size_t out_cap, size_t *out_len);
/*
 * Reads the peer's next handshake message msg and decrypts its payload into
 * out (out_cap bytes; msg_len suffices; must not overlap msg), setting
 * *out_len. Returns 0; TV_EINVAL if it is not the peer's turn, hs has
 * failed, or out is too small (hs unchanged). Failures of the peer's bytes
 * wipe and fail hs: TV_ETOOBIG (over TV_NOISE_MSG_MAX), TV_EMALFORMED (wrong
 * length, or a DH with a low-order key), TV_EBADSIG (authentication fails:
 * tampering, another prologue or another psk).
 */
int tv_noise_hs_read(struct tv_noise_hs *hs, const uint8_t *msg,
    size_t msg_len, uint8_t *out, size_t out_cap, size_t *out_len);
/*
 * Derives the transport cipher states once the handshake is done: out_send
 * encrypts what we send, out_recv decrypts what we receive. Then wipes the
 * handshake's keys, keeping only the handshake hash and the remote static
 * key. Returns 0, or TV_EINVAL if not done, failed, or already split.
 */
int tv_noise_hs_split(struct tv_noise_hs *hs, struct tv_noise_cipher *out_send,
    struct tv_noise_cipher *out_recv);

/* Handshake: accessors. */

/* Returns true once all three messages have been written or read. */
bool tv_noise_hs_is_done(const struct tv_noise_hs *hs);
/* Returns true if the next call must be tv_noise_hs_write (false when done
 * or failed). */
bool tv_noise_hs_is_my_turn(const struct tv_noise_hs *hs);
/* Copies the handshake hash (channel binding) once done; returns 0 or
 * TV_EINVAL if not done or failed. */
int tv_noise_hs_hash(const struct tv_noise_hs *hs,
    uint8_t out[static TV_NOISE_HASH_LEN]);
/* Copies the peer's authenticated static key once received (initiator:
 * after message 2; responder: after message 3); returns 0 or TV_EINVAL. */
int tv_noise_hs_remote_static(const struct tv_noise_hs *hs,
    uint8_t out[static TV_NOISE_KEY_LEN]);

/* Transport. */

/* Wipes a cipher state; idempotent. */
void tv_noise_cipher_close(struct tv_noise_cipher *c);
/*
 * Encrypts pt into out (pt_len + 16 bytes; out == pt is allowed, no other
 * overlap) under the next nonce, with empty associated data, and sets
 * *out_len. Returns 0; TV_ETOOBIG if the message would pass
 * TV_NOISE_MSG_MAX or the nonces are used up (2^64 - 1 is reserved);
 * TV_EINVAL for no key or a short out. The nonce advances only on success.
 */
int tv_noise_cipher_encrypt(struct tv_noise_cipher *c, const uint8_t *pt,
    size_t pt_len, uint8_t *out, size_t out_cap, size_t *out_len);
/*
 * Decrypts ct into out (ct_len - 16 bytes; out == ct is allowed, no other
 * overlap) under the next nonce and sets *out_len. Returns 0; TV_EBADSIG if
 * authentication fails (out is zeroed, the nonce does not advance; the link
 * must be closed); TV_EMALFORMED if ct_len < 16; TV_ETOOBIG if ct_len passes
 * TV_NOISE_MSG_MAX or the nonces are used up; TV_EINVAL for no key or a
 * short out.
 */
int tv_noise_cipher_decrypt(struct tv_noise_cipher *c, const uint8_t *ct,
    size_t ct_len, uint8_t *out, size_t out_cap, size_t *out_len);
/* Replaces the key with REKEY(k) (Noise §4.2, §11.3); the nonce is kept.
 * Returns 0, or TV_EINVAL if c has no key. Both ends must rekey at the same
 * message. */
int tv_noise_cipher_rekey(struct tv_noise_cipher *c);
/* Sets the next nonce (Noise §5.1 SetNonce; for tests and resumption). */
void tv_noise_cipher_set_nonce(struct tv_noise_cipher *c, uint64_t n);
/* Returns the next nonce to be used. */
uint64_t tv_noise_cipher_nonce(const struct tv_noise_cipher *c);

#endif
