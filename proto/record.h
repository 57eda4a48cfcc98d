/*
 * The signed record envelope (PROTOCOL.md §3):
 *
 *   [version, origin, kind, id, timestamp, flags, body, signature]
 *
 * a canonical msgpack array of 8. The signature is Ed25519 over the domain
 * string "tvaers-record-v1" and a zero byte, followed by the canonical
 * encoding of the 7-element array of everything before it. The record's
 * hash, its version id, is BLAKE2b-256 of its complete encoded bytes.
 * Received bytes are stored and forwarded verbatim, never re-encoded.
 */
#ifndef TVAERS_PROTO_RECORD_H
#define TVAERS_PROTO_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ids.h"
#include "sign.h"

#define TV_RECORD_VERSION 1
#define TV_RECORD_MAX 61440	/* encoded record, bytes; fits one frame */
#define TV_KIND_MAX 32		/* kind name, bytes: [a-z][a-z0-9_]* */
#define TV_FLAG_DELETED 0x1u	/* a tombstone: body is empty */
#define TV_SIGN_DOMAIN "tvaers-record-v1"

/* A decoded record: every pointer is a view into the encoded bytes. */
struct tv_record {
	uint64_t version;
	const uint8_t *origin;	/* TV_PK_LEN bytes */
	const char *kind;	/* kind_len bytes, not NUL-terminated */
	size_t kind_len;
	const uint8_t *id;	/* TV_ID_LEN bytes */
	uint64_t timestamp;	/* microseconds since 1970 UTC */
	uint64_t flags;
	const uint8_t *body;	/* canonical msgpack map, or empty if deleted */
	size_t body_len;
	const uint8_t *sig;	/* TV_SIG_LEN bytes */
	const uint8_t *raw;	/* the whole record */
	size_t raw_len;
	uint8_t hash[TV_HASH_LEN];
};

/*
 * Decodes and checks the envelope of buf (not the signature, not the body's
 * schema), in the order of PROTOCOL.md §3.5. The record's views borrow buf.
 * Returns 0 or TV_ETOOBIG, TV_EVERSION, TV_EMALFORMED, TV_ENONCANON (and the
 * other tv_decode errors, also for a non-canonical body); on error *out is
 * zeroed.
 */
int tv_record_decode(const uint8_t *buf, size_t len, struct tv_record *out);
/* Verifies the signature of a decoded record; returns 0 or TV_EBADSIG (never allocates). */
int tv_record_verify(const struct tv_record *r);
/*
 * Builds and signs a record. body must be one canonical map (or empty with
 * TV_FLAG_DELETED). Returns 0 and new bytes in *out (caller frees with
 * free()), or TV_ETOOBIG, TV_ENOMEM, or TV_EINVAL (a flag other than
 * TV_FLAG_DELETED, a bad kind name, the zero id on a kind other than "area"
 * or another id on "area", a bad body); on error *out is NULL.
 */
int tv_record_sign(const struct tv_keypair *kp, const char *kind,
    const uint8_t id[static TV_ID_LEN], uint64_t timestamp, uint64_t flags,
    const uint8_t *body, size_t body_len, uint8_t **out, size_t *out_len);
/*
 * The newest-wins order of two versions of one (origin, id): returns >0 if
 * a is newer (greater timestamp, then greater hash), <0 if b is, 0 if equal.
 */
int tv_record_cmp(uint64_t a_ts, const uint8_t a_hash[static TV_HASH_LEN],
    uint64_t b_ts, const uint8_t b_hash[static TV_HASH_LEN]);
/* True if the record is a tombstone. */
bool tv_record_is_deleted(const struct tv_record *r);
/* True if kind_len bytes of kind name the given kind. */
bool tv_record_kind_is(const struct tv_record *r, const char *kind);

#endif
