/*
 * The control protocol between tvaers (CLI) and tvaersd over the Unix
 * socket (PROTOCOL.md §8). Each message is a frame: a 4-byte big-endian
 * length, then one canonical msgpack map of that many bytes, at most
 * TV_CTL_FRAME_MAX.
 *
 * Request: {"v": 1, "op": str, "args": map}. The daemon answers with any
 * number of item frames {"t": "item", "data": any}, then exactly one end
 * frame {"t": "end", "code": int, "msg": str}; code 0 is success, a
 * negative code is a TV_E* or -errno code and msg says what went wrong in
 * one line for people. Keys are in canonical order on the wire (so "t"
 * comes before "data": shorter encoded keys sort first).
 */
#ifndef TVAERS_PROTO_CTL_H
#define TVAERS_PROTO_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "canon.h"

#define TV_CTL_VERSION 1
#define TV_CTL_HDR_LEN 4
#define TV_CTL_FRAME_MAX (1u << 20)	/* payload bytes, each direction */
#define TV_CTL_MSG_MAX 512		/* bytes of an end frame's message */

struct tv_ctl_request {
	uint64_t version;
	const char *op;		/* view, op_len bytes, not NUL-terminated */
	size_t op_len;
	const struct tv_value *args; /* a map, possibly empty */
};

enum tv_ctl_kind {
	TV_CTL_ITEM,
	TV_CTL_END,
};

struct tv_ctl_reply {
	enum tv_ctl_kind kind;
	const struct tv_value *data; /* ITEM: the item */
	int64_t code;		/* END: 0 or a negative error code */
	const char *msg;	/* END: view, msg_len bytes */
	size_t msg_len;
};

/* Writes the frame header for a payload of len bytes. */
void tv_ctl_hdr_write(size_t len, uint8_t out[static TV_CTL_HDR_LEN]);
/* Reads a frame header; returns 0 or TV_ETOOBIG if the length is over the limit. */
int tv_ctl_hdr_read(const uint8_t hdr[static TV_CTL_HDR_LEN], size_t *out_len);

/*
 * Decodes a request payload. On success *out_doc owns the tree (views into
 * buf, which must outlive it). Returns 0, TV_EVERSION (out->version is
 * still set, so the daemon can say which versions it speaks), TV_EMALFORMED
 * (not a map, "op" missing or not a string, "args" not a map) or a
 * tv_decode error.
 */
int tv_ctl_request_decode(const uint8_t *buf, size_t len,
    struct tv_doc **out_doc, struct tv_ctl_request *out);
/*
 * Encodes a whole request frame (header included) for op and args (a map
 * or NULL for none). Returns 0 and new bytes in *out (caller frees with
 * free()), or TV_ETOOBIG, TV_ENOMEM, TV_EKEYORDER, TV_EUTF8.
 */
int tv_ctl_request_encode(const char *op, const struct tv_value *args,
    uint8_t **out, size_t *out_len);
/* Decodes a reply payload; same ownership rules and errors as requests. */
int tv_ctl_reply_decode(const uint8_t *buf, size_t len,
    struct tv_doc **out_doc, struct tv_ctl_reply *out);

/*
 * Starts an item frame in w: a header placeholder and {"t": "item", "data":
 * then the caller writes exactly one value and calls tv_ctl_frame_end with
 * the returned start offset. Returns the offset (>= 0) or the sticky error.
 */
long tv_ctl_item_begin(struct tv_w *w);
/* Patches the header of the frame that began at start; returns 0 or TV_ETOOBIG. */
int tv_ctl_frame_end(struct tv_w *w, long start);
/* Appends a complete end frame to w; msg is truncated to TV_CTL_MSG_MAX at a UTF-8 boundary. */
int tv_ctl_end_write(struct tv_w *w, int64_t code, const char *msg);

#endif
