/*
 * Negentropy v1 range-based set reconciliation (PROTOCOL.md §11).
 *
 * Two peers each hold a set of items (timestamp, 32-byte id), sorted by
 * timestamp then id bytewise. For tvaers the id is a record version's
 * BLAKE2b-256 hash and the timestamp is the record's timestamp in µs (the
 * Negentropy reference uses seconds; the format takes any uint64 below
 * 2^64-1). The module is pure: bytes in, bytes and id lists out; the item
 * set comes from the caller through struct tv_neg_storage.
 */
#ifndef TVAERS_PROTO_NEGENTROPY_H
#define TVAERS_PROTO_NEGENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TV_NEG_VERSION 0x61	/* protocol version byte: Negentropy v1 */
#define TV_NEG_ID_LEN 32	/* item id: a record version's hash */
#define TV_NEG_FP_LEN 16	/* fingerprint bytes on the wire */
#define TV_NEG_BUCKETS 16	/* a mismatched range splits into 16 */
#define TV_NEG_IDLIST_BELOW 32	/* fewer items: one IdList (2 * buckets) */
#define TV_NEG_FRAME_MIN 4096	/* smallest non-zero frame size limit */
#define TV_NEG_PUSH_MAX 4096	/* ids a responder pushes per message (§11.7) */
#define TV_NEG_TS_INF UINT64_MAX	/* "infinity"; no item has it */
#define TV_NEG_TS_MAX (UINT64_MAX - 1)	/* the largest item timestamp */
#define TV_NEG_VARINT_MAX 10	/* bytes of the longest varint (2^64-1) */
#define TV_NEG_BOUND_MAX (TV_NEG_VARINT_MAX + 1 + TV_NEG_ID_LEN)

/* Range modes on the wire. */
enum tv_neg_mode {
	TV_NEG_SKIP = 0,
	TV_NEG_FINGERPRINT = 1,
	TV_NEG_IDLIST = 2,
};

/* One item of a set. Sets never hold two equal items. */
struct tv_neg_item {
	uint64_t ts;		/* µs; must be below TV_NEG_TS_INF */
	uint8_t id[TV_NEG_ID_LEN];
};

/*
 * A range bound: timestamp and an id prefix of id_len bytes; id[] is
 * zero-filled past id_len, so a bound compares like the item (ts, id).
 */
struct tv_neg_bound {
	uint64_t ts;		/* TV_NEG_TS_INF: after every item */
	uint8_t id_len;		/* 0 .. TV_NEG_ID_LEN */
	uint8_t id[TV_NEG_ID_LEN];
};

/*
 * A fingerprint accumulator: the sum of ids as 256-bit little-endian
 * integers mod 2^256, and their count. Add and subtract are exact inverses,
 * so a store can cache sums per range and update them per insert/delete.
 */
struct tv_neg_acc {
	uint8_t sum[TV_NEG_ID_LEN];	/* little-endian */
	uint64_t count;
};

/*
 * The item set, seen through a small interface so the daemon can back it
 * with SQLite. Items are indexed 0 .. size-1 in ascending order and must not
 * change during one tv_neg_initiate/tv_neg_reconcile call. Callbacks return
 * 0 or a negative code, which the reconciler passes on unchanged.
 */
struct tv_neg_storage_ops {
	/* Number of items. */
	size_t (*size)(void *ctx);
	/* Copies item i (i < size) into *out. */
	int (*get)(void *ctx, size_t i, struct tv_neg_item *out);
	/*
	 * Optional (NULL: binary search over get): first i in [lo, hi) with
	 * item i >= *bound, else hi.
	 */
	int (*lower_bound)(void *ctx, size_t lo, size_t hi,
	    const struct tv_neg_item *bound, size_t *out_i);
	/*
	 * Optional (NULL: summed over get): sets *out to the accumulator of
	 * items [lo, hi).
	 */
	int (*sum)(void *ctx, size_t lo, size_t hi, struct tv_neg_acc *out);
};

struct tv_neg_storage {
	const struct tv_neg_storage_ops *ops;
	void *ctx;
};

/* An in-memory sorted vector of items (opaque), with prefix sums. */
struct tv_neg_vec;

/* A reconciler for one session with one peer (opaque). */
struct tv_neg;

/* ---- Accumulator and fingerprint ---- */

/* Empties acc (sum 0, count 0). */
void tv_neg_acc_init(struct tv_neg_acc *acc);
/* Adds one id. */
void tv_neg_acc_add(struct tv_neg_acc *acc,
    const uint8_t id[static TV_NEG_ID_LEN]);
/* Removes one id that was added before. */
void tv_neg_acc_sub(struct tv_neg_acc *acc,
    const uint8_t id[static TV_NEG_ID_LEN]);
/* Adds every id counted in other. */
void tv_neg_acc_merge(struct tv_neg_acc *acc, const struct tv_neg_acc *other);
/* Removes every id counted in other (other must be a subset). */
void tv_neg_acc_unmerge(struct tv_neg_acc *acc, const struct tv_neg_acc *other);
/* Writes SHA-256(sum || varint(count))[0..16) into out. */
void tv_neg_acc_fingerprint(const struct tv_neg_acc *acc,
    uint8_t out[static TV_NEG_FP_LEN]);

/* ---- In-memory storage ---- */

/* Makes an empty vector; returns 0 or TV_ENOMEM. Free with tv_neg_vec_free. */
int tv_neg_vec_new(struct tv_neg_vec **out);
/* Frees v; NULL is fine. */
void tv_neg_vec_free(struct tv_neg_vec *v);
/*
 * Adds an item and unseals v; returns 0, TV_EINVAL (ts is TV_NEG_TS_INF) or
 * TV_ENOMEM.
 */
int tv_neg_vec_insert(struct tv_neg_vec *v, uint64_t ts,
    const uint8_t id[static TV_NEG_ID_LEN]);
/* Sorts, drops duplicates and builds prefix sums; returns 0 or TV_ENOMEM. */
int tv_neg_vec_seal(struct tv_neg_vec *v);
/*
 * Fills *out with v's storage interface; v must be sealed before each use (else
 * get fails with TV_EINVAL).
 */
void tv_neg_vec_storage(struct tv_neg_vec *v, struct tv_neg_storage *out);
/* Number of items (after seal: distinct items). */
size_t tv_neg_vec_size(const struct tv_neg_vec *v);
/*
 * Returns item i of a sealed vector (borrowed, valid until the next
 * insert/seal), NULL if out of range.
 */
const struct tv_neg_item *tv_neg_vec_item(const struct tv_neg_vec *v, size_t i);

/* ---- Reconciler ---- */

/*
 * Makes a reconciler over storage (copied; its ctx is borrowed and must
 * outlive the reconciler). frame_limit caps every message this side sends:
 * 0 for no cap, else at least TV_NEG_FRAME_MIN. Returns 0, TV_EINVAL or
 * TV_ENOMEM.
 */
int tv_neg_new(const struct tv_neg_storage *storage, size_t frame_limit,
    struct tv_neg **out);
/* Frees n and its buffers; NULL is fine. */
void tv_neg_free(struct tv_neg *n);
/*
 * Makes n the initiator and writes the first message. *out_msg is borrowed
 * from n and valid until the next call on n. Returns 0, TV_EINVAL (n has
 * already answered as responder), TV_ENOMEM or a storage error.
 */
int tv_neg_initiate(struct tv_neg *n, const uint8_t **out_msg,
    size_t *out_len);
/*
 * Processes the peer's message and writes the reply (borrowed, valid until
 * the next call on n). An initiator's reply of length 0 means "done: send
 * nothing"; a responder always replies (1 byte means "nothing to ask").
 * The ids found are then in tv_neg_have and tv_neg_need. Returns 0,
 * TV_EVERSION (first byte 0x60..0x6f but not 0x61: a responder should send
 * back the one byte TV_NEG_VERSION), TV_EMALFORMED, TV_ENOMEM or a storage
 * error; on error nothing is written and n can go on.
 */
int tv_neg_reconcile(struct tv_neg *n, const uint8_t *msg, size_t msg_len,
    const uint8_t **out_msg, size_t *out_len);

/*
 * Ids we have and the peer lacks, found by the last tv_neg_reconcile:
 * *out_count ids of TV_NEG_ID_LEN bytes (borrowed, valid until the next call
 * on n). The caller sends their records. An initiator's are what the
 * responder's lists showed; a responder's are the ids it pushes instead of
 * listing them (PROTOCOL.md §11.7). Over a session the initiator's have
 * is exactly what the responder lacks, and the initiator's need and the
 * responder's have together exactly what the initiator lacks. When either side has a frame limit
 * an id may come again in a later round (§11.8), so callers must tolerate
 * repeats.
 */
const uint8_t *tv_neg_have(const struct tv_neg *n, size_t *out_count);
/* Ids the peer has and we lack, to ask for: only an initiator's. */
const uint8_t *tv_neg_need(const struct tv_neg *n, size_t *out_count);
/* True once tv_neg_initiate succeeded on n. */
bool tv_neg_is_initiator(const struct tv_neg *n);

/* ---- Wire pieces (exposed for tests, tools and fuzzers) ---- */

/*
 * Returns a record timestamp (µs) as an item timestamp: 2^64-1 becomes 2^64-2
 * (§11.1).
 */
uint64_t tv_neg_item_ts(uint64_t record_ts);
/* Compares two items by timestamp, then id bytewise; returns <0, 0 or >0. */
int tv_neg_item_cmp(const struct tv_neg_item *a, const struct tv_neg_item *b);
/* Writes the shortest bound b with prev < b <= next (prev < next). */
void tv_neg_bound_between(const struct tv_neg_item *prev,
    const struct tv_neg_item *next, struct tv_neg_bound *out);
/*
 * Writes v as a varint (base 128, most significant digit first); returns its
 * length.
 */
size_t tv_neg_varint_put(uint64_t v, uint8_t out[static TV_NEG_VARINT_MAX]);
/*
 * Reads one minimal varint from p[0..len); returns 0 or TV_EMALFORMED
 * (truncated, padded, over 2^64-1).
 */
int tv_neg_varint_get(const uint8_t *p, size_t len, uint64_t *out_v,
    size_t *out_used);
/*
 * Encodes b after a bound of timestamp *prev_ts (0 at the start of a
 * message) and updates *prev_ts; b->ts must be >= *prev_ts unless it is
 * TV_NEG_TS_INF. Returns the length written.
 */
size_t tv_neg_bound_put(const struct tv_neg_bound *b, uint64_t *prev_ts,
    uint8_t out[static TV_NEG_BOUND_MAX]);
/* Decodes a bound after *prev_ts and updates it; returns 0 or TV_EMALFORMED. */
int tv_neg_bound_get(const uint8_t *p, size_t len, uint64_t *prev_ts,
    struct tv_neg_bound *out, size_t *out_used);
/*
 * Checks a whole message without a set: version byte, varints, bounds in
 * ascending order, nothing after an infinity bound, known modes, payload
 * lengths. Returns 0, TV_EVERSION or TV_EMALFORMED.
 */
int tv_neg_msg_check(const uint8_t *msg, size_t len);

#endif
