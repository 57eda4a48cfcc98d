/*
 * Canonical msgpack: a writer, a strict reader and a value tree.
 *
 * Canonical means: shortest integer, string, binary, array and map headers;
 * non-negative integers always in the unsigned forms; strings valid UTF-8 in
 * NFC; map keys unique and sorted by their encoded bytes; no floats, no ext
 * types, nothing after the item (PROTOCOL.md §2). The reader accepts exactly
 * these forms and nothing else. The writer packs through msgpack-c.
 */
#ifndef TVAERS_PROTO_CANON_H
#define TVAERS_PROTO_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

/*
 * Arrays/maps nested deeper are rejected (PROTOCOL.md §2.5): a top-level
 * array or map has depth 1, scalars add none, so 16 nested arrays are
 * accepted and 17 give TV_EDEPTH, in tv_decode and tv_encode alike.
 */
#define TV_CANON_MAX_DEPTH 16

/* A growable byte buffer with a hard size cap and a sticky error. */
struct tv_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;		/* 0 means no cap beyond SIZE_MAX */
	int err;		/* first error (TV_ENOMEM, TV_ETOOBIG), sticky */
};

/* Starts an empty buffer that refuses to grow past max bytes (0: no cap). */
void tv_buf_init(struct tv_buf *b, size_t max);
/* Frees the contents; b may be re-initialised afterwards. */
void tv_buf_free(struct tv_buf *b);
/* Appends n bytes; returns 0 or the sticky error (TV_ENOMEM, TV_ETOOBIG). */
int tv_buf_put(struct tv_buf *b, const void *p, size_t n);
/* Empties the buffer, keeping its memory and clearing the error. */
void tv_buf_reset(struct tv_buf *b);

/*
 * The writer. Every call appends one canonical item or header; errors
 * (TV_EUTF8 and tv_encode's included) are sticky in w->buf.err and returned
 * by every later call. The caller writes
 * map keys in canonical order (tv_canon_keycmp); tv_encode() sorts for you.
 */
struct tv_w {
	struct tv_buf buf;
	msgpack_packer pk;
};

/* Starts a writer whose output may not exceed max bytes (0: no cap). */
void tv_w_init(struct tv_w *w, size_t max);
/* Frees the writer's buffer (not needed after tv_w_finish succeeded). */
void tv_w_free(struct tv_w *w);
int tv_w_nil(struct tv_w *w);
int tv_w_bool(struct tv_w *w, bool v);
int tv_w_uint(struct tv_w *w, uint64_t v);
/* Writes v in the shortest form; non-negative values use the unsigned forms. */
int tv_w_int(struct tv_w *w, int64_t v);
/* Writes a string; returns TV_EUTF8 if s is not valid UTF-8 (NFC is the caller's job). */
int tv_w_str(struct tv_w *w, const char *s, size_t len);
/* Writes a NUL-terminated string; same errors as tv_w_str. */
int tv_w_cstr(struct tv_w *w, const char *s);
int tv_w_bin(struct tv_w *w, const void *p, size_t len);
/* Writes an array header; the caller writes n items next. */
int tv_w_array(struct tv_w *w, uint32_t n);
/* Writes a map header; the caller writes n key/value pairs in canonical key order. */
int tv_w_map(struct tv_w *w, uint32_t n);
/* Appends bytes that already are one canonical item (e.g. a stored body). */
int tv_w_raw(struct tv_w *w, const void *p, size_t len);
/* Returns the sticky error, 0 if none. */
int tv_w_err(const struct tv_w *w);
/* Hands the bytes to the caller (free with free()); on error frees them, returns it. */
int tv_w_finish(struct tv_w *w, uint8_t **out, size_t *out_len);

/* The value tree. Decoded strings and binaries are views into the input. */
enum tv_type {
	TV_NIL,
	TV_BOOL,
	TV_UINT,		/* 0 .. 2^64-1 */
	TV_NINT,		/* -2^63 .. -1 */
	TV_STR,
	TV_BIN,
	TV_ARRAY,
	TV_MAP,
};

struct tv_value {
	enum tv_type type;
	uint32_t len;		/* bytes of STR/BIN, items of ARRAY, pairs of MAP */
	union {
		bool b;
		uint64_t u;
		int64_t i;
		const uint8_t *bytes;	/* STR/BIN; not NUL-terminated */
		struct tv_value *items;	/* ARRAY: len items; MAP: key0, val0, key1, ... */
	};
	const uint8_t *raw;	/* decoded values: their canonical bytes in the input */
	size_t raw_len;		/* 0 for values built in code */
};

/* An arena that owns the nodes of one tree (and copies made by tv_doc_str). */
struct tv_doc;

/* Returns a new empty arena, or NULL when out of memory. */
struct tv_doc *tv_doc_new(void);
/* Frees the arena and every node and copy in it; NULL is fine. */
void tv_doc_free(struct tv_doc *doc);
/* Returns n zeroed nodes owned by doc, or NULL when out of memory. */
struct tv_value *tv_doc_alloc(struct tv_doc *doc, size_t n);
/* Copies len bytes into doc; returns the copy (NUL-terminated) or NULL. */
char *tv_doc_copy(struct tv_doc *doc, const void *p, size_t len);

/*
 * Strictly decodes exactly one canonical item filling buf[0..len).
 * On success *out_doc owns the tree and *out_root points into it; the tree's
 * strings are views into buf, so buf must outlive the doc. Returns 0 or
 * TV_ETRUNC, TV_ETRAILING, TV_ENONCANON, TV_EKEYORDER, TV_EUTF8, TV_ENFC,
 * TV_EFLOAT, TV_EDEPTH, TV_EMALFORMED, TV_ENOMEM; on error nothing is owned.
 */
int tv_decode(const uint8_t *buf, size_t len, struct tv_doc **out_doc,
    const struct tv_value **out_root);
/* Checks that buf is exactly one canonical item; same errors as tv_decode. */
int tv_canon_check(const uint8_t *buf, size_t len);

/*
 * Encodes v canonically into w: map keys are sorted by their encoded bytes.
 * Returns 0 or TV_EKEYORDER (duplicate key), TV_EUTF8, TV_EDEPTH, or the
 * writer's sticky error.
 */
int tv_encode(struct tv_w *w, const struct tv_value *v);
/* Orders two encoded map keys as canonical maps do (bytewise, shorter first on a tie). */
int tv_canon_keycmp(const uint8_t *a, size_t a_len, const uint8_t *b,
    size_t b_len);
/* Checks text for valid UTF-8 and NFC; returns 0, TV_EUTF8 or TV_ENFC. */
int tv_text_check(const uint8_t *s, size_t len);
/*
 * Normalises UTF-8 text to NFC. Returns 0 and a new NUL-terminated string in
 * *out (caller frees with free()), or TV_EUTF8 / TV_ENOMEM.
 */
int tv_text_nfc(const char *s, size_t len, char **out, size_t *out_len);

/* Value helpers. */
/* Returns the value stored under the string key, or NULL; map must be TV_MAP. */
const struct tv_value *tv_map_get(const struct tv_value *map, const char *key);
/* True if v is a string equal to the NUL-terminated s. */
bool tv_str_eq(const struct tv_value *v, const char *s);
/* Sets v to a string view of s (not copied). */
void tv_set_str(struct tv_value *v, const char *s, size_t len);
/* Sets v to an unsigned or negative integer as fits. */
void tv_set_int(struct tv_value *v, int64_t i);

#endif
