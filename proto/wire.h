/*
 * Peer links after TCP: framing and the peer messages (PROTOCOL.md §10).
 *
 * A frame is a 2-byte big-endian length L (1..65535) and L bytes: a Noise
 * handshake message, or after the handshake one Noise transport message
 * whose plaintext is one peer message, a canonical msgpack array
 * [type, ...]. Framing keeps the tv_frame_ prefix (STYLE.md's frame.c);
 * messages use tv_wire_. Pure: no I/O, no globals; only tv_wire_decode
 * and the tv_w encoders allocate.
 */
#ifndef TVAERS_PROTO_WIRE_H
#define TVAERS_PROTO_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "record.h"
#include "sign.h"

#define TV_FRAME_HEADER_LEN 2
#define TV_FRAME_MAX 65535		/* bytes after the header */
#define TV_WIRE_TAG_LEN 16		/* Poly1305 tag of a transport message */
/* The largest peer message: one transport message's plaintext. */
#define TV_WIRE_PLAINTEXT_MAX (TV_FRAME_MAX - TV_WIRE_TAG_LEN)

#define TV_WIRE_VERSION 1		/* HELLO's protocol version */
#define TV_WIRE_CAPS_MAX 16		/* capabilities in a HELLO */
#define TV_WIRE_CAP_MAX 32		/* bytes of one capability */
#define TV_WIRE_NAME_MAX 120		/* bytes of HELLO's name */
#define TV_WIRE_TEXT_MAX 256		/* bytes of ERROR's and GOODBYE's text */
/*
 * Hashes in a WANT: the most that fit the plaintext limit, as
 * 1 + 1 + 3 + 34 * n <= 65519 (array16 header, bin8 32-byte items).
 */
#define TV_WIRE_WANT_MAX 1926
/*
 * The largest Negentropy message in a RECONCILE (2 + 3 + 65514 = 65519):
 * the frame_limit to give tv_neg_new.
 */
#define TV_WIRE_RECONCILE_MAX (TV_WIRE_PLAINTEXT_MAX - 5)
/* The largest HELLO (16 caps of 32 bytes, a 120-byte name): 709 bytes. */
#define TV_WIRE_HELLO_MAX 709

/*
 * PROTOCOL.md §10.6: each direction's cipher is rekeyed (Noise REKEY)
 * before every 2^20-th transport message: before the one with nonce n,
 * n > 0 and n a multiple of 2^20.
 */
#define TV_WIRE_REKEY_EVERY (UINT64_C(1) << 20)

/* Message types (PROTOCOL.md §10.3). */
enum tv_wire_type {
	TV_WIRE_UNKNOWN = -1,	/* a well-formed message of a newer type */
	TV_WIRE_HELLO = 0,
	TV_WIRE_RECONCILE = 1,
	TV_WIRE_RECORDS = 2,
	TV_WIRE_WANT = 3,
	TV_WIRE_PING = 4,
	TV_WIRE_PONG = 5,
	TV_WIRE_ERROR = 6,
	TV_WIRE_GOODBYE = 7,
	TV_WIRE_RESYNC = 8,	/* "please reconcile": optional (§10.3) */
};

/* ERROR codes (PROTOCOL.md §10.4); receivers treat others like INTERNAL. */
enum tv_wire_ecode {
	TV_WIRE_EBADMSG = 1,	/* a message did not decode */
	TV_WIRE_EBADRECORD = 2,	/* a record failed its checks */
	TV_WIRE_ETOOBIG = 3,	/* a limit was exceeded */
	TV_WIRE_EVERSION = 4,	/* no protocol version in common */
	TV_WIRE_EBLOCKED = 5,	/* the sender blocks the receiver's area */
	TV_WIRE_EBUSY = 6,	/* too many peers; try later */
	TV_WIRE_EINTERNAL = 7,	/* the sender failed on its own */
};

/* ---- Framing ---- */

/*
 * An incremental frame reader. It is about 64 KiB: embed it in the
 * connection (no allocation happens inside). Its fields are private.
 */
struct tv_frame_reader {
	size_t have;		/* bytes in buf: header, then body */
	size_t need;		/* header + body length, once the header is in */
	int err;		/* sticky TV_EMALFORMED */
	uint8_t buf[TV_FRAME_HEADER_LEN + TV_FRAME_MAX];
};

/* Starts (or restarts) a reader with nothing buffered. */
void tv_frame_reader_init(struct tv_frame_reader *r);
/*
 * Consumes bytes of data (len of them) until one frame is complete or data
 * runs out, and sets *out_used to the bytes consumed. When a frame is
 * complete, *out_frame and *out_frame_len view its body (without the header),
 * else *out_frame is NULL. The view points into data or into r, and is
 * valid until the next call on r and while data is unchanged. Call again
 * with the rest of data. Returns 0, or TV_EMALFORMED for a frame length of
 * 0 (sticky: the link must close).
 */
int tv_frame_feed(struct tv_frame_reader *r, const uint8_t *data, size_t len,
    size_t *out_used, const uint8_t **out_frame, size_t *out_frame_len);
/* Returns true if r holds part of a frame (EOF now would cut it). */
bool tv_frame_reader_is_partial(const struct tv_frame_reader *r);
/*
 * Writes the header and body (len bytes at body) into out (out_cap bytes)
 * and sets *out_len to len + 2. body may be out + 2 (built in place) or any
 * overlapping buffer. Returns 0, TV_EINVAL for len 0 or a short out, or
 * TV_ETOOBIG for len over TV_FRAME_MAX.
 */
int tv_frame_write(const uint8_t *body, size_t len, uint8_t *out,
    size_t out_cap, size_t *out_len);

/* True if the cipher must be rekeyed before sending or receiving the
 * transport message of this nonce (tv_noise_cipher_nonce). */
bool tv_wire_rekey_due(uint64_t nonce);

/* ---- Messages: decoding ---- */

/* A string view; not NUL-terminated. */
struct tv_wire_str {
	const char *p;
	size_t len;
};

/* HELLO: also the input of tv_wire_hello_encode. */
struct tv_wire_hello {
	uint64_t version;		/* TV_WIRE_VERSION */
	const uint8_t *area;		/* TV_PK_LEN bytes: the sender's area id */
	size_t caps_len;		/* 0 .. TV_WIRE_CAPS_MAX */
	struct tv_wire_str caps[TV_WIRE_CAPS_MAX];
	uint16_t listen_port;		/* 0: not listening */
	struct tv_wire_str name;	/* 0 .. TV_WIRE_NAME_MAX bytes */
};

/*
 * A decoded message. Every pointer is a view into the decoded bytes or
 * into the tree owned by doc; all stay valid until tv_wire_msg_close and
 * while the decoded bytes are unchanged.
 */
struct tv_wire_msg {
	enum tv_wire_type type;
	uint64_t type_code;		/* the type on the wire (also if unknown) */
	union {
		struct tv_wire_hello hello;
		struct {
			const uint8_t *p;	/* a Negentropy message */
			size_t len;
		} reconcile;
		struct {
			const struct tv_value *items;	/* count TV_BIN */
			size_t count;
		} records, want;	/* a record each; a 32-byte hash each */
		uint64_t nonce;		/* PING and PONG */
		struct {
			uint64_t code;	/* enum tv_wire_ecode, or newer */
			struct tv_wire_str text;
		} error;
		struct tv_wire_str goodbye;
	};
	struct tv_doc *doc;		/* private */
};

/*
 * Strictly decodes one peer message (canonical msgpack only). On success
 * *out holds views into buf (see struct tv_wire_msg); a well-formed array
 * of an unknown type gives TV_WIRE_UNKNOWN, to be ignored. Returns 0 or
 * TV_ETOOBIG (len over TV_WIRE_PLAINTEXT_MAX, a field over its limit),
 * TV_EVERSION (HELLO of another version), TV_EMALFORMED (wrong arity,
 * types or values), or a tv_decode error (TV_ENONCANON, TV_ENOMEM, ...).
 * Call tv_wire_msg_close after success; on error nothing is owned.
 */
int tv_wire_decode(const uint8_t *buf, size_t len, struct tv_wire_msg *out);
/* Frees what a decoded message owns; idempotent, fine on a zeroed msg. */
void tv_wire_msg_close(struct tv_wire_msg *m);

/* ---- Messages: encoding ---- */

/*
 * Each encoder appends one message to w (give w a max of
 * TV_WIRE_PLAINTEXT_MAX or more) and checks the message's limits first:
 * it returns TV_ETOOBIG or TV_EINVAL having written nothing, else 0 or
 * w's sticky error (TV_ENOMEM, TV_EUTF8).
 */

/* HELLO; version, area, caps and name as in struct tv_wire_hello. */
int tv_wire_hello_encode(struct tv_w *w, const struct tv_wire_hello *h);
/* RECONCILE of a Negentropy message (1 or more bytes). */
int tv_wire_reconcile_encode(struct tv_w *w, const uint8_t *p, size_t len);
/* WANT of n (1 .. TV_WIRE_WANT_MAX) version hashes. */
int tv_wire_want_encode(struct tv_w *w, const uint8_t (*hashes)[TV_HASH_LEN],
    size_t n);
/* PING (type TV_WIRE_PING) or PONG (TV_WIRE_PONG) with a nonce. */
int tv_wire_ping_encode(struct tv_w *w, enum tv_wire_type type,
    uint64_t nonce);
/* ERROR with a code and up to TV_WIRE_TEXT_MAX bytes of UTF-8 NFC text. */
int tv_wire_error_encode(struct tv_w *w, uint64_t code, const char *text,
    size_t len);
/* GOODBYE with up to TV_WIRE_TEXT_MAX bytes of UTF-8 NFC text. */
int tv_wire_goodbye_encode(struct tv_w *w, const char *text, size_t len);
/* RESYNC, which has no fields. */
int tv_wire_resync_encode(struct tv_w *w);
/*
 * Re-encodes a decoded (or hand-built) message of a known type; the result
 * is the canonical bytes it was decoded from. Same errors as above;
 * TV_EINVAL for TV_WIRE_UNKNOWN.
 */
int tv_wire_encode(struct tv_w *w, const struct tv_wire_msg *m);

/*
 * A RECORDS message built in place, one record at a time, in a buffer the
 * caller owns (TV_WIRE_PLAINTEXT_MAX bytes always suffice). Fields private.
 */
struct tv_wire_records_enc {
	uint8_t *buf;
	size_t cap;		/* min(buffer size, TV_WIRE_PLAINTEXT_MAX) */
	size_t hdr;		/* bytes kept for the header: 3, or 5 past 15 */
	size_t len;		/* header + elements so far */
	size_t count;
};

/* Starts an empty RECORDS message in buf (cap bytes; borrowed). */
void tv_wire_records_init(struct tv_wire_records_enc *e, uint8_t *buf,
    size_t cap);
/* True if a record of len bytes would still fit this message. */
bool tv_wire_records_fits(const struct tv_wire_records_enc *e, size_t len);
/*
 * Appends one complete record (copied). Returns 0; TV_ETOOBIG if it does
 * not fit (e unchanged: finish this message, start the next); TV_EINVAL
 * for an empty record or one over TV_RECORD_MAX, which fits no message.
 */
int tv_wire_records_add(struct tv_wire_records_enc *e, const uint8_t *rec,
    size_t len);
/* Returns the number of records added so far. */
size_t tv_wire_records_count(const struct tv_wire_records_enc *e);
/*
 * Writes the header; the message is then buf[0 .. *out_len). Returns 0, or
 * TV_EINVAL if no record was added. e may be initialised again afterwards.
 */
int tv_wire_records_finish(struct tv_wire_records_enc *e, size_t *out_len);

#endif
