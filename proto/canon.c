/*
 * Canonical msgpack (PROTOCOL.md §2): a growable buffer, a writer that packs
 * through msgpack-c, a strict hand-written reader, a value tree in an arena,
 * and the UTF-8/NFC checks both sides share.
 *
 * The reader is a recursive descent whose recursion is bounded by
 * TV_CANON_MAX_DEPTH. It runs in two modes: building a tree into a doc, or
 * only checking (tv_canon_check), which allocates nothing unless it meets a
 * long string that needs a heap buffer for its NFC check.
 */
#include "canon.h"

#include <assert.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "err.h"

/* ------------------------------------------------------------------ */
/* Buffer */

/* Records err unless an earlier error is already there; returns the first. */
static int
buf_fail(struct tv_buf *b, int err)
{
	if (b->err == 0)
		b->err = err;
	return b->err;
}

void
tv_buf_init(struct tv_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = 0;
}

void
tv_buf_free(struct tv_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = 0;
}

int
tv_buf_put(struct tv_buf *b, const void *p, size_t n)
{
	size_t limit = b->max != 0 ? b->max : SIZE_MAX;

	if (b->err != 0)
		return b->err;
	if (n == 0)
		return 0;
	if (b->len > limit || n > limit - b->len)
		return buf_fail(b, TV_ETOOBIG);
	if (n > b->cap - b->len) {
		size_t need = b->len + n, cap = b->cap != 0 ? b->cap : 64;
		uint8_t *nd;

		while (cap < need)
			cap = cap > limit / 2 ? limit : cap * 2;
		if (cap > limit)
			cap = limit;
		if ((nd = realloc(b->data, cap)) == NULL)
			return buf_fail(b, TV_ENOMEM);
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void
tv_buf_reset(struct tv_buf *b)
{
	b->len = 0;
	b->err = 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8 and NFC (PROTOCOL.md §2.3) */

#define NFC_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)
/* Code points that nfc_check() handles without a heap buffer. */
#define NFC_STACK 256

/*
 * PROTOCOL.md §2.3: RFC 3629 UTF-8: no overlong forms, no surrogates, nothing
 * above U+10FFFF, no truncated sequences. The second byte's range encodes
 * the first three rules (RFC 3629 §4, "UTF8-2" .. "UTF8-4").
 */
static bool
utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i], lo = 0x80, hi = 0xbf;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong below U+0800 */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates U+D800.. */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong below U+10000 */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return false;	/* 80..c1 and f5..ff never lead */
		}
		if (len - i - 1 < n || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n + 1;
	}
	return true;
}

/*
 * True if the text has no code point at or above U+0300 (no byte >= 0xcc).
 * Every such code point is a starter with NFC_Quick_Check=Yes and none of
 * them composes with another, so such text is always in NFC: this covers
 * ASCII and Latin-1 (Danish included) without touching utf8proc.
 * test_canon.c's nfc_fast_path test checks this against utf8proc.
 */
static bool
nfc_trivial(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0xcc)
			return false;
	return true;
}

static int
nfc_err(utf8proc_ssize_t e)
{
	if (e == UTF8PROC_ERROR_NOMEM)
		return TV_ENOMEM;
	if (e == UTF8PROC_ERROR_OVERFLOW)
		return TV_ETOOBIG;
	return TV_EUTF8;
}

/*
 * Decomposes valid UTF-8 s into code points in stack (n_stack entries) or,
 * if it does not fit, a new heap buffer with room for one more entry (what
 * utf8proc_reencode needs). Returns 0 and *out (stack or heap; the caller
 * frees it if it is not stack), *out_n; or a TV_E* code.
 */
static int
nfc_decompose(const uint8_t *s, size_t len, utf8proc_int32_t *stack,
    size_t n_stack, utf8proc_int32_t **out, size_t *out_n)
{
	utf8proc_int32_t *cp = stack;
	utf8proc_ssize_t n, m;

	if (len > (size_t)PTRDIFF_MAX / sizeof(*cp) - 1)
		return TV_ETOOBIG;
	n = utf8proc_decompose(s, (utf8proc_ssize_t)len, cp,
	    (utf8proc_ssize_t)n_stack, NFC_OPTS);
	if (n < 0)
		return nfc_err(n);
	if ((size_t)n > n_stack) {
		if ((cp = malloc(((size_t)n + 1) * sizeof(*cp))) == NULL)
			return TV_ENOMEM;
		m = utf8proc_decompose(s, (utf8proc_ssize_t)len, cp, n,
		    NFC_OPTS);
		if (m != n) {
			free(cp);
			return m < 0 ? nfc_err(m) : TV_EUTF8;
		}
	}
	*out = cp;
	*out_n = (size_t)n;
	return 0;
}

/* PROTOCOL.md §2.3: s (valid UTF-8) must already be in NFC; 0 or TV_ENFC. */
static int
nfc_check(const uint8_t *s, size_t len)
{
	utf8proc_int32_t stack[NFC_STACK], *cp, c;
	utf8proc_ssize_t n, k;
	size_t n_cp, pos = 0, i = 0;
	int rc;

	if (nfc_trivial(s, len))
		return 0;
	if ((rc = nfc_decompose(s, len, stack, NFC_STACK, &cp, &n_cp)) != 0)
		return rc;
	if ((n = utf8proc_normalize_utf32(cp, (utf8proc_ssize_t)n_cp,
	    NFC_OPTS)) < 0) {
		rc = nfc_err(n);
		goto out;
	}
	/* Compare the composed code points with the input's. */
	rc = TV_ENFC;
	while (pos < len) {
		k = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(len - pos),
		    &c);
		if (k <= 0 || i >= (size_t)n || cp[i] != c)
			goto out;
		pos += (size_t)k;
		i++;
	}
	if (i == (size_t)n)
		rc = 0;
out:
	if (cp != stack)
		free(cp);
	return rc;
}

int
tv_text_check(const uint8_t *s, size_t len)
{
	if (!utf8_valid(s, len))
		return TV_EUTF8;
	return nfc_check(s, len);
}

int
tv_text_nfc(const char *s, size_t len, char **out, size_t *out_len)
{
	const uint8_t *u = (const uint8_t *)s;
	utf8proc_int32_t *cp;
	utf8proc_ssize_t n;
	size_t n_cp;
	char *copy;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!utf8_valid(u, len))
		return TV_EUTF8;
	if (nfc_trivial(u, len)) {
		if (len == SIZE_MAX || (copy = malloc(len + 1)) == NULL)
			return TV_ENOMEM;
		if (len != 0)
			memcpy(copy, s, len);
		copy[len] = 0;
		*out = copy;
		*out_len = len;
		return 0;
	}
	/*
	 * Always a heap buffer (n_stack 0), so that the result can be encoded
	 * in place: this is what utf8proc_map() does, but with our malloc, so
	 * that the fault allocator reaches it.
	 */
	if ((rc = nfc_decompose(u, len, NULL, 0, &cp, &n_cp)) != 0)
		return rc;
	if (n_cp == 0) {
		/* Unreachable: non-trivial text has code points. */
		free(cp);
		return TV_EUTF8;
	}
	if ((n = utf8proc_reencode(cp, (utf8proc_ssize_t)n_cp, NFC_OPTS)) < 0) {
		free(cp);
		return nfc_err(n);
	}
	*out = (char *)cp;
	*out_len = (size_t)n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writer */

/* msgpack-c's output callback: every byte goes through the capped buffer. */
static int
w_write(void *data, const char *p, size_t n)
{
	struct tv_w *w = data;

	return tv_buf_put(&w->buf, p, n);
}

/*
 * Points the packer at w before each use, so that a struct tv_w stays
 * valid when the caller copies or moves it (it is a plain value).
 */
static msgpack_packer *
w_pk(struct tv_w *w)
{
	msgpack_packer_init(&w->pk, w, w_write);
	return &w->pk;
}

static int
w_fail(struct tv_w *w, int err)
{
	return buf_fail(&w->buf, err);
}

void
tv_w_init(struct tv_w *w, size_t max)
{
	tv_buf_init(&w->buf, max);
	msgpack_packer_init(&w->pk, w, w_write);
}

void
tv_w_free(struct tv_w *w)
{
	tv_buf_free(&w->buf);
}

int
tv_w_nil(struct tv_w *w)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return msgpack_pack_nil(w_pk(w));
}

int
tv_w_bool(struct tv_w *w, bool v)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return v ? msgpack_pack_true(w_pk(w)) : msgpack_pack_false(w_pk(w));
}

/*
 * PROTOCOL.md §2.2: msgpack_pack_uint64 picks fixint/cc/cd/ce/cf by the
 * value (checked at every boundary in test_canon.c).
 */
int
tv_w_uint(struct tv_w *w, uint64_t v)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return msgpack_pack_uint64(w_pk(w), v);
}

/*
 * PROTOCOL.md §2.2: non-negative values in the unsigned forms. For v < 0,
 * msgpack_pack_int64 picks negative fixint/d0/d1/d2/d3 by the value.
 */
int
tv_w_int(struct tv_w *w, int64_t v)
{
	if (w->buf.err != 0)
		return w->buf.err;
	if (v >= 0)
		return msgpack_pack_uint64(w_pk(w), (uint64_t)v);
	return msgpack_pack_int64(w_pk(w), v);
}

/*
 * msgpack_pack_str/bin/array/map take a size_t and store the low 32 bits
 * of anything above 2^32-1 in the 32-bit header without a word, so the
 * writer refuses such lengths itself.
 */
int
tv_w_str(struct tv_w *w, const char *s, size_t len)
{
	if (w->buf.err != 0)
		return w->buf.err;
	if ((uint64_t)len > UINT32_MAX)
		return w_fail(w, TV_ETOOBIG);
	/* PROTOCOL.md §2.3: only valid UTF-8 goes out. */
	if (!utf8_valid((const uint8_t *)s, len))
		return w_fail(w, TV_EUTF8);
	/* fixstr up to 31, then str8 (d9), str16, str32: all shortest. */
	return msgpack_pack_str_with_body(w_pk(w), s, len);
}

int
tv_w_cstr(struct tv_w *w, const char *s)
{
	return tv_w_str(w, s, strlen(s));
}

int
tv_w_bin(struct tv_w *w, const void *p, size_t len)
{
	if (w->buf.err != 0)
		return w->buf.err;
	if ((uint64_t)len > UINT32_MAX)
		return w_fail(w, TV_ETOOBIG);
	/* bin8 from 0 (c4 00 for empty), bin16, bin32: all shortest. */
	return msgpack_pack_bin_with_body(w_pk(w), p, len);
}

int
tv_w_array(struct tv_w *w, uint32_t n)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return msgpack_pack_array(w_pk(w), n);
}

int
tv_w_map(struct tv_w *w, uint32_t n)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return msgpack_pack_map(w_pk(w), n);
}

int
tv_w_raw(struct tv_w *w, const void *p, size_t len)
{
	return tv_buf_put(&w->buf, p, len);
}

int
tv_w_err(const struct tv_w *w)
{
	return w->buf.err;
}

int
tv_w_finish(struct tv_w *w, uint8_t **out, size_t *out_len)
{
	int err = w->buf.err;

	*out = NULL;
	*out_len = 0;
	/* An empty result is still a real allocation, so NULL means failure. */
	if (err == 0 && w->buf.data == NULL &&
	    (w->buf.data = malloc(1)) == NULL)
		err = TV_ENOMEM;
	if (err != 0) {
		/* The writer is used up either way: release what it holds. */
		free(w->buf.data);
		w->buf.data = NULL;
		w->buf.len = w->buf.cap = 0;
		w->buf.err = err;
		return err;
	}
	*out = w->buf.data;
	*out_len = w->buf.len;
	w->buf.data = NULL;
	w->buf.len = w->buf.cap = 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Doc arena */

/*
 * Blocks grow from DOC_BLOCK_MIN to DOC_BLOCK_MAX bytes; a request bigger
 * than half the next block gets a block of its own, linked behind the
 * current one so that the current block's free space stays in use.
 */
#define DOC_BLOCK_MIN 1024
#define DOC_BLOCK_MAX 65536
#define DOC_ALIGN (alignof(max_align_t))

struct doc_block {
	struct doc_block *next;
	size_t cap;
	size_t used;
	max_align_t data[];
};

struct tv_doc {
	struct doc_block *head;
	size_t next_cap;
};

static void *
doc_alloc(struct tv_doc *doc, size_t size)
{
	struct doc_block *b = doc->head, *nb;
	size_t cap;
	bool is_own;
	void *p;

	if (size > SIZE_MAX - sizeof(*nb) - DOC_ALIGN)
		return NULL;
	size = size == 0 ? DOC_ALIGN : (size + DOC_ALIGN - 1) &
	    ~(DOC_ALIGN - 1);
	if (b != NULL && b->cap - b->used >= size) {
		p = (unsigned char *)b->data + b->used;
		b->used += size;
		return p;
	}
	is_own = size > doc->next_cap / 2;
	cap = is_own ? size : doc->next_cap;
	if ((nb = malloc(sizeof(*nb) + cap)) == NULL)
		return NULL;
	nb->cap = cap;
	nb->used = size;
	if (is_own && b != NULL) {
		nb->next = b->next;
		b->next = nb;
	} else {
		nb->next = b;
		doc->head = nb;
		if (!is_own && doc->next_cap < DOC_BLOCK_MAX)
			doc->next_cap *= 2;
	}
	return nb->data;
}

struct tv_doc *
tv_doc_new(void)
{
	struct tv_doc *doc = malloc(sizeof(*doc));

	if (doc == NULL)
		return NULL;
	doc->head = NULL;
	doc->next_cap = DOC_BLOCK_MIN;
	return doc;
}

void
tv_doc_free(struct tv_doc *doc)
{
	struct doc_block *b, *next;

	if (doc == NULL)
		return;
	for (b = doc->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

struct tv_value *
tv_doc_alloc(struct tv_doc *doc, size_t n)
{
	struct tv_value *v;

	/* n == 0 still gets a node, so that NULL always means no memory. */
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / sizeof(*v))
		return NULL;
	if ((v = doc_alloc(doc, n * sizeof(*v))) == NULL)
		return NULL;
	memset(v, 0, n * sizeof(*v));
	return v;
}

char *
tv_doc_copy(struct tv_doc *doc, const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX || (s = doc_alloc(doc, len + 1)) == NULL)
		return NULL;
	if (len != 0)
		memcpy(s, p, len);
	s[len] = 0;
	return s;
}

/* ------------------------------------------------------------------ */
/* Reader */

struct rd {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	struct tv_doc *doc;	/* NULL: only check, build nothing */
};

/* Reads a width-byte big-endian number; ETRUNC if the input ends first. */
static int
rd_be(struct rd *r, unsigned width, uint64_t *out)
{
	uint64_t v = 0;

	if (r->len - r->pos < width)
		return TV_ETRUNC;
	for (unsigned i = 0; i < width; i++)
		v = v << 8 | r->buf[r->pos++];
	*out = v;
	return 0;
}

/*
 * Reads a length or unsigned value of width bytes that must be at least
 * min: PROTOCOL.md §2.2, every length and integer in its shortest form.
 */
static int
rd_min(struct rd *r, unsigned width, uint64_t min, uint64_t *out)
{
	int rc;

	if ((rc = rd_be(r, width, out)) != 0)
		return rc;
	return *out < min ? TV_ENONCANON : 0;
}

/*
 * d0..d3: PROTOCOL.md §2.2, the signed forms hold only negative values
 * below the next shorter form's range.
 */
static int
rd_neg(struct rd *r, unsigned width, int64_t below, int64_t *out)
{
	uint64_t u;
	int64_t v;
	int rc;

	if ((rc = rd_be(r, width, &u)) != 0)
		return rc;
	switch (width) {
	case 1: v = (int8_t)(uint8_t)u; break;
	case 2: v = (int16_t)(uint16_t)u; break;
	case 4: v = (int32_t)(uint32_t)u; break;
	default: v = (int64_t)u; break;
	}
	if (v >= below)
		return TV_ENONCANON;
	*out = v;
	return 0;
}

static int rd_item(struct rd *r, struct tv_value *v, unsigned depth);

/* Reads the body of a str or bin of n bytes. */
static int
rd_bytes(struct rd *r, struct tv_value *v, enum tv_type type, uint64_t n)
{
	const uint8_t *p = r->buf + r->pos;
	int rc;

	if (n > r->len - r->pos)
		return TV_ETRUNC;
	if (type == TV_STR) {
		/* PROTOCOL.md §2.3: valid UTF-8, already in NFC. */
		if (!utf8_valid(p, (size_t)n))
			return TV_EUTF8;
		if ((rc = nfc_check(p, (size_t)n)) != 0)
			return rc;
	}
	v->type = type;
	v->len = (uint32_t)n;
	v->bytes = p;
	r->pos += (size_t)n;
	return 0;
}

/*
 * Reads the items of an array (n items) or map (n pairs) at depth d. In
 * check mode every item goes through one scratch node.
 */
static int
rd_container(struct rd *r, struct tv_value *v, enum tv_type type, uint64_t n,
    unsigned d)
{
	uint64_t n_items = type == TV_MAP ? 2 * n : n;
	struct tv_value scratch, *items = NULL;
	const uint8_t *prev = NULL;
	size_t prev_len = 0;
	int rc;

	/*
	 * PROTOCOL.md §2.5: every item takes at least one byte, so a count
	 * above what remains is truncated input, found before allocating.
	 */
	if (n_items > r->len - r->pos)
		return TV_ETRUNC;
	if (r->doc != NULL && n_items != 0 &&
	    (items = tv_doc_alloc(r->doc, (size_t)n_items)) == NULL)
		return TV_ENOMEM;
	for (uint64_t i = 0; i < n_items; i++) {
		size_t start = r->pos;
		struct tv_value *it = items != NULL ? &items[i] : &scratch;

		if ((rc = rd_item(r, it, d)) != 0)
			return rc;
		if (type != TV_MAP || i % 2 != 0)
			continue;
		/*
		 * PROTOCOL.md §2.4: keys strictly ascending by their encoded
		 * bytes, which also rules out duplicates.
		 */
		if (prev != NULL && tv_canon_keycmp(prev, prev_len,
		    r->buf + start, r->pos - start) >= 0)
			return TV_EKEYORDER;
		prev = r->buf + start;
		prev_len = r->pos - start;
	}
	v->type = type;
	v->len = (uint32_t)n;
	v->items = items;
	return 0;
}

/*
 * Reads one item into v. depth is the depth of the container holding v (0
 * at the top), so an array or map read here has depth + 1 (PROTOCOL.md
 * §2.5), which bounds the recursion.
 */
static int
rd_item(struct rd *r, struct tv_value *v, unsigned depth)
{
	size_t start = r->pos;
	enum tv_type ctype;
	uint64_t n;
	uint8_t b;
	int rc = 0;

	if (r->pos >= r->len)
		return TV_ETRUNC;
	b = r->buf[r->pos++];
	if (b <= 0x7f) {
		v->type = TV_UINT;
		v->u = b;
		goto done;
	}
	if (b >= 0xe0) {
		v->type = TV_NINT;
		v->i = (int8_t)b;
		goto done;
	}
	if (b >= 0xa0 && b <= 0xbf) {
		rc = rd_bytes(r, v, TV_STR, b & 0x1f);
		goto done;
	}
	/* Arrays and maps: the depth check comes before the count. */
	ctype = TV_NIL;
	if ((b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf)) {
		ctype = (b & 0xf0) == 0x90 || b == 0xdc || b == 0xdd ?
		    TV_ARRAY : TV_MAP;
		if (depth + 1 > TV_CANON_MAX_DEPTH)
			return TV_EDEPTH;	/* PROTOCOL.md §2.5 */
	}
	switch (b) {
	case 0xc0:
		v->type = TV_NIL;
		break;
	case 0xc2:
	case 0xc3:
		v->type = TV_BOOL;
		v->b = b == 0xc3;
		break;
	/* PROTOCOL.md §2.2: the shortest form, unsigned for values >= 0. */
	case 0xcc:
		v->type = TV_UINT;
		rc = rd_min(r, 1, 0x80, &v->u);
		break;
	case 0xcd:
		v->type = TV_UINT;
		rc = rd_min(r, 2, 0x100, &v->u);
		break;
	case 0xce:
		v->type = TV_UINT;
		rc = rd_min(r, 4, 0x10000, &v->u);
		break;
	case 0xcf:
		v->type = TV_UINT;
		rc = rd_min(r, 8, UINT64_C(0x100000000), &v->u);
		break;
	case 0xd0:
		v->type = TV_NINT;
		rc = rd_neg(r, 1, -32, &v->i);
		break;
	case 0xd1:
		v->type = TV_NINT;
		rc = rd_neg(r, 2, -128, &v->i);
		break;
	case 0xd2:
		v->type = TV_NINT;
		rc = rd_neg(r, 4, -32768, &v->i);
		break;
	case 0xd3:
		v->type = TV_NINT;
		rc = rd_neg(r, 8, -INT64_C(2147483648), &v->i);
		break;
	case 0xd9:
		if ((rc = rd_min(r, 1, 32, &n)) == 0)
			rc = rd_bytes(r, v, TV_STR, n);
		break;
	case 0xda:
		if ((rc = rd_min(r, 2, 0x100, &n)) == 0)
			rc = rd_bytes(r, v, TV_STR, n);
		break;
	case 0xdb:
		if ((rc = rd_min(r, 4, 0x10000, &n)) == 0)
			rc = rd_bytes(r, v, TV_STR, n);
		break;
	/* bin8 has no shorter form below it: c4 00 is the empty binary. */
	case 0xc4:
		if ((rc = rd_min(r, 1, 0, &n)) == 0)
			rc = rd_bytes(r, v, TV_BIN, n);
		break;
	case 0xc5:
		if ((rc = rd_min(r, 2, 0x100, &n)) == 0)
			rc = rd_bytes(r, v, TV_BIN, n);
		break;
	case 0xc6:
		if ((rc = rd_min(r, 4, 0x10000, &n)) == 0)
			rc = rd_bytes(r, v, TV_BIN, n);
		break;
	case 0xdc:
	case 0xde:
		if ((rc = rd_min(r, 2, 16, &n)) == 0)
			rc = rd_container(r, v, ctype, n, depth + 1);
		break;
	case 0xdd:
	case 0xdf:
		if ((rc = rd_min(r, 4, 0x10000, &n)) == 0)
			rc = rd_container(r, v, ctype, n, depth + 1);
		break;
	/* PROTOCOL.md §2.1: no floats, no ext types, no c1. */
	case 0xca:
	case 0xcb:
		return TV_EFLOAT;
	case 0xc1:
	case 0xc7:
	case 0xc8:
	case 0xc9:
	case 0xd4:
	case 0xd5:
	case 0xd6:
	case 0xd7:
	case 0xd8:
		return TV_EMALFORMED;
	default:
		/* fixmap 80..8f, fixarray 90..9f: every byte is covered. */
		rc = rd_container(r, v, ctype, b & 0x0f, depth + 1);
		break;
	}
done:
	if (rc != 0)
		return rc;
	v->raw = r->buf + start;
	v->raw_len = r->pos - start;
	return 0;
}

/* PROTOCOL.md §2.5: exactly one item fills the input. */
static int
rd_top(struct rd *r, struct tv_value *root)
{
	int rc;

	if ((rc = rd_item(r, root, 0)) != 0)
		return rc;
	return r->pos == r->len ? 0 : TV_ETRAILING;
}

int
tv_decode(const uint8_t *buf, size_t len, struct tv_doc **out_doc,
    const struct tv_value **out_root)
{
	struct rd r = { .buf = buf, .len = len };
	struct tv_value *root;
	int rc;

	*out_doc = NULL;
	*out_root = NULL;
	if ((r.doc = tv_doc_new()) == NULL)
		return TV_ENOMEM;
	if ((root = tv_doc_alloc(r.doc, 1)) == NULL) {
		rc = TV_ENOMEM;
		goto fail;
	}
	if ((rc = rd_top(&r, root)) != 0)
		goto fail;
	*out_doc = r.doc;
	*out_root = root;
	return 0;
fail:
	tv_doc_free(r.doc);
	return rc;
}

int
tv_canon_check(const uint8_t *buf, size_t len)
{
	struct rd r = { .buf = buf, .len = len };
	struct tv_value root;

	return rd_top(&r, &root);
}

/* ------------------------------------------------------------------ */
/* Encoder */

int
tv_canon_keycmp(const uint8_t *a, size_t a_len, const uint8_t *b,
    size_t b_len)
{
	size_t n = a_len < b_len ? a_len : b_len;
	int c = n != 0 ? memcmp(a, b, n) : 0;

	if (c != 0)
		return c < 0 ? -1 : 1;
	/* PROTOCOL.md §1.3: a proper prefix sorts first. */
	return (a_len > b_len) - (a_len < b_len);
}

struct enc_key {
	size_t off;		/* in the key buffer, until p is set */
	size_t len;
	const uint8_t *p;
	uint32_t pair;
};

static int
enc_key_cmp(const void *a, const void *b)
{
	const struct enc_key *ka = a, *kb = b;

	return tv_canon_keycmp(ka->p, ka->len, kb->p, kb->len);
}

static int enc_item(struct tv_w *w, const struct tv_value *v, unsigned depth);

/*
 * PROTOCOL.md §2.4: writes the map v of depth d with its pairs ordered by
 * their encoded keys. The keys are encoded once into a scratch writer,
 * sorted, and copied out.
 */
static int
enc_map(struct tv_w *w, const struct tv_value *v, unsigned d)
{
	struct enc_key *keys;
	struct tv_w kw;
	int rc = 0;

	if (v->len == 0)
		return tv_w_map(w, 0);
	if ((keys = malloc(v->len * sizeof(*keys))) == NULL)
		return w_fail(w, TV_ENOMEM);
	tv_w_init(&kw, w->buf.max);
	for (uint32_t i = 0; i < v->len; i++) {
		keys[i].off = kw.buf.len;
		if ((rc = enc_item(&kw, &v->items[2 * (size_t)i], d)) != 0)
			goto out;
		keys[i].len = kw.buf.len - keys[i].off;
		keys[i].pair = i;
	}
	for (uint32_t i = 0; i < v->len; i++)
		keys[i].p = kw.buf.data + keys[i].off;
	qsort(keys, v->len, sizeof(*keys), enc_key_cmp);
	for (uint32_t i = 1; i < v->len; i++) {
		if (enc_key_cmp(&keys[i - 1], &keys[i]) == 0) {
			rc = TV_EKEYORDER;	/* duplicate key */
			goto out;
		}
	}
	if ((rc = tv_w_map(w, v->len)) != 0)
		goto out;
	for (uint32_t i = 0; i < v->len; i++) {
		if ((rc = tv_w_raw(w, keys[i].p, keys[i].len)) != 0 ||
		    (rc = enc_item(w, &v->items[2 * (size_t)keys[i].pair + 1],
		    d)) != 0)
			goto out;
	}
out:
	tv_w_free(&kw);
	free(keys);
	return rc != 0 ? w_fail(w, rc) : 0;
}

/* Writes v, held by a container of depth depth (0 at the top). */
static int
enc_item(struct tv_w *w, const struct tv_value *v, unsigned depth)
{
	int rc;

	switch (v->type) {
	case TV_NIL:
		return tv_w_nil(w);
	case TV_BOOL:
		return tv_w_bool(w, v->b);
	case TV_UINT:
		return tv_w_uint(w, v->u);
	case TV_NINT:
		/* tv_w_int also copes with a NINT node holding i >= 0. */
		return tv_w_int(w, v->i);
	case TV_STR:
		return tv_w_str(w, (const char *)v->bytes, v->len);
	case TV_BIN:
		return tv_w_bin(w, v->bytes, v->len);
	case TV_ARRAY:
		if (depth + 1 > TV_CANON_MAX_DEPTH)
			return w_fail(w, TV_EDEPTH);	/* PROTOCOL.md §2.5 */
		if ((rc = tv_w_array(w, v->len)) != 0)
			return rc;
		for (uint32_t i = 0; i < v->len; i++)
			if ((rc = enc_item(w, &v->items[i], depth + 1)) != 0)
				return rc;
		return 0;
	case TV_MAP:
		if (depth + 1 > TV_CANON_MAX_DEPTH)
			return w_fail(w, TV_EDEPTH);	/* PROTOCOL.md §2.5 */
		return enc_map(w, v, depth + 1);
	}
	return w_fail(w, TV_EINVAL);	/* not a tv_type: a broken tree */
}

int
tv_encode(struct tv_w *w, const struct tv_value *v)
{
	if (w->buf.err != 0)
		return w->buf.err;
	return enc_item(w, v, 0);
}

/* ------------------------------------------------------------------ */
/* Value helpers */

const struct tv_value *
tv_map_get(const struct tv_value *map, const char *key)
{
	size_t key_len;

	if (map == NULL || map->type != TV_MAP)
		return NULL;
	key_len = strlen(key);
	for (uint32_t i = 0; i < map->len; i++) {
		const struct tv_value *k = &map->items[2 * (size_t)i];

		if (k->type == TV_STR && k->len == key_len &&
		    (key_len == 0 || memcmp(k->bytes, key, key_len) == 0))
			return k + 1;
	}
	return NULL;
}

bool
tv_str_eq(const struct tv_value *v, const char *s)
{
	size_t len = strlen(s);

	return v != NULL && v->type == TV_STR && v->len == len &&
	    (len == 0 || memcmp(v->bytes, s, len) == 0);
}

void
tv_set_str(struct tv_value *v, const char *s, size_t len)
{
	/* A longer string cannot be a tv_value (len is 32 bits). */
	assert((uint64_t)len <= UINT32_MAX);
	memset(v, 0, sizeof(*v));
	v->type = TV_STR;
	v->len = (uint32_t)len;
	v->bytes = (const uint8_t *)s;
}

void
tv_set_int(struct tv_value *v, int64_t i)
{
	memset(v, 0, sizeof(*v));
	if (i >= 0) {
		v->type = TV_UINT;
		v->u = (uint64_t)i;
	} else {
		v->type = TV_NINT;
		v->i = i;
	}
}
