#include "wire.h"

#include <string.h>

#include "err.h"

/* ---- Framing ---- */

void
tv_frame_reader_init(struct tv_frame_reader *r)
{
	r->have = 0;
	r->need = 0;
	r->err = 0;
}

bool
tv_frame_reader_is_partial(const struct tv_frame_reader *r)
{
	return r->err == 0 && r->have > 0 &&
	    (r->need == 0 || r->have < r->need);
}

/* PROTOCOL.md §10.1: L is 1..65535; L == 0 is malformed. */
static int
frame_length(const uint8_t hdr[static TV_FRAME_HEADER_LEN], size_t *out_len)
{
	size_t l = (size_t)hdr[0] << 8 | hdr[1];

	if (l == 0)
		return TV_EMALFORMED;
	*out_len = l;
	return 0;
}

int
tv_frame_feed(struct tv_frame_reader *r, const uint8_t *data, size_t len,
    size_t *out_used, const uint8_t **out_frame, size_t *out_frame_len)
{
	size_t used = 0, body, take;
	int rc;

	*out_used = 0;
	*out_frame = NULL;
	*out_frame_len = 0;
	if (r->err != 0)
		return r->err;
	/* The last call handed out a frame from buf: start the next one. */
	if (r->need != 0 && r->have == r->need)
		r->have = r->need = 0;

	/* Fast path: a whole frame in data and nothing buffered, no copy. */
	if (r->have == 0 && len >= TV_FRAME_HEADER_LEN) {
		if ((rc = frame_length(data, &body)) != 0)
			return r->err = rc;
		if (len - TV_FRAME_HEADER_LEN >= body) {
			*out_used = TV_FRAME_HEADER_LEN + body;
			*out_frame = data + TV_FRAME_HEADER_LEN;
			*out_frame_len = body;
			return 0;
		}
	}

	/* Slow path: gather the header, then the body, in r->buf. */
	if (r->have < TV_FRAME_HEADER_LEN) {
		take = TV_FRAME_HEADER_LEN - r->have;
		if (take > len)
			take = len;
		memcpy(r->buf + r->have, data, take);
		r->have += take;
		used += take;
		if (r->have < TV_FRAME_HEADER_LEN) {
			*out_used = used;
			return 0;
		}
		if ((rc = frame_length(r->buf, &body)) != 0) {
			*out_used = used;
			return r->err = rc;
		}
		r->need = TV_FRAME_HEADER_LEN + body;
	}
	take = r->need - r->have;
	if (take > len - used)
		take = len - used;
	memcpy(r->buf + r->have, data + used, take);
	r->have += take;
	used += take;
	*out_used = used;
	if (r->have == r->need) {
		*out_frame = r->buf + TV_FRAME_HEADER_LEN;
		*out_frame_len = r->need - TV_FRAME_HEADER_LEN;
	}
	return 0;
}

int
tv_frame_write(const uint8_t *body, size_t len, uint8_t *out, size_t out_cap,
    size_t *out_len)
{
	*out_len = 0;
	if (len > TV_FRAME_MAX)
		return TV_ETOOBIG;
	if (len == 0 || out_cap < TV_FRAME_HEADER_LEN + len)
		return TV_EINVAL;
	/* memmove: body may already sit at out + 2 (or overlap otherwise). */
	if (body != out + TV_FRAME_HEADER_LEN)
		memmove(out + TV_FRAME_HEADER_LEN, body, len);
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	*out_len = TV_FRAME_HEADER_LEN + len;
	return 0;
}

bool
tv_wire_rekey_due(uint64_t nonce)
{
	/* PROTOCOL.md §10.6: before nonces 2^20, 2^21, ... */
	return nonce != 0 && nonce % TV_WIRE_REKEY_EVERY == 0;
}

/* ---- Sizes of canonical headers ---- */

static size_t
bin_hdr_len(size_t len)
{
	return len <= 0xff ? 2 : len <= 0xffff ? 3 : 5;
}

static size_t
array_hdr_len(size_t n)
{
	return n <= 15 ? 1 : n <= 0xffff ? 3 : 5;
}

/* ---- Decoding ---- */

/* A string field of at most max bytes; TV_ETOOBIG past it. */
static int
get_str(const struct tv_value *v, size_t max, struct tv_wire_str *out)
{
	if (v->type != TV_STR)
		return TV_EMALFORMED;
	if (v->len > max)
		return TV_ETOOBIG;
	out->p = (const char *)v->bytes;
	out->len = v->len;
	return 0;
}

/* PROTOCOL.md §10.3: a capability is 1..32 bytes of printable ASCII. */
static bool
is_cap(const char *p, size_t len)
{
	if (len == 0 || len > TV_WIRE_CAP_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
			return false;
	return true;
}

static int
decode_hello(const struct tv_value *a, struct tv_wire_hello *h)
{
	const struct tv_value *it = a->items, *caps;
	int rc;

	/*
	 * PROTOCOL.md §10.3: the version comes first, so that a HELLO of a
	 * later version, whatever its layout, gets TV_EVERSION.
	 */
	if (a->len < 2 || it[1].type != TV_UINT)
		return TV_EMALFORMED;
	if (it[1].u != TV_WIRE_VERSION)
		return TV_EVERSION;
	if (a->len != 6)
		return TV_EMALFORMED;
	h->version = it[1].u;
	if (it[2].type != TV_BIN || it[2].len != TV_PK_LEN)
		return TV_EMALFORMED;
	h->area = it[2].bytes;
	caps = &it[3];
	if (caps->type != TV_ARRAY)
		return TV_EMALFORMED;
	if (caps->len > TV_WIRE_CAPS_MAX)
		return TV_ETOOBIG;
	for (uint32_t i = 0; i < caps->len; i++) {
		if ((rc = get_str(&caps->items[i], TV_WIRE_CAP_MAX,
		    &h->caps[i])) != 0)
			return rc;
		if (!is_cap(h->caps[i].p, h->caps[i].len))
			return TV_EMALFORMED;
	}
	h->caps_len = caps->len;
	if (it[4].type != TV_UINT || it[4].u > 0xffff)
		return TV_EMALFORMED;
	h->listen_port = (uint16_t)it[4].u;
	return get_str(&it[5], TV_WIRE_NAME_MAX, &h->name);
}

/* An array of 1.. bins, each of min_len..max_len bytes. */
static int
decode_bins(const struct tv_value *v, size_t max_count, size_t min_len,
    size_t max_len, const struct tv_value **out_items, size_t *out_count)
{
	if (v->type != TV_ARRAY || v->len == 0)
		return TV_EMALFORMED;
	if (v->len > max_count)
		return TV_ETOOBIG;
	for (uint32_t i = 0; i < v->len; i++) {
		const struct tv_value *b = &v->items[i];

		if (b->type != TV_BIN || b->len < min_len)
			return TV_EMALFORMED;
		if (b->len > max_len)
			return min_len == max_len ? TV_EMALFORMED : TV_ETOOBIG;
	}
	*out_items = v->items;
	*out_count = v->len;
	return 0;
}

static int
decode_body(const struct tv_value *a, struct tv_wire_msg *m)
{
	const struct tv_value *it = a->items;

	switch (m->type) {
	case TV_WIRE_HELLO:
		return decode_hello(a, &m->hello);
	case TV_WIRE_RECONCILE:
		if (a->len != 2 || it[1].type != TV_BIN || it[1].len == 0)
			return TV_EMALFORMED;
		m->reconcile.p = it[1].bytes;
		m->reconcile.len = it[1].len;
		return 0;
	case TV_WIRE_RECORDS:
		if (a->len != 2)
			return TV_EMALFORMED;
		/* PROTOCOL.md §10.3: each element is one whole record. */
		return decode_bins(&it[1], SIZE_MAX, 1, TV_RECORD_MAX,
		    &m->records.items, &m->records.count);
	case TV_WIRE_WANT:
		if (a->len != 2)
			return TV_EMALFORMED;
		return decode_bins(&it[1], TV_WIRE_WANT_MAX, TV_HASH_LEN,
		    TV_HASH_LEN, &m->want.items, &m->want.count);
	case TV_WIRE_PING:
	case TV_WIRE_PONG:
		if (a->len != 2 || it[1].type != TV_UINT)
			return TV_EMALFORMED;
		m->nonce = it[1].u;
		return 0;
	case TV_WIRE_ERROR:
		if (a->len != 3 || it[1].type != TV_UINT)
			return TV_EMALFORMED;
		m->error.code = it[1].u;
		return get_str(&it[2], TV_WIRE_TEXT_MAX, &m->error.text);
	case TV_WIRE_GOODBYE:
		if (a->len != 2)
			return TV_EMALFORMED;
		return get_str(&it[1], TV_WIRE_TEXT_MAX, &m->goodbye);
	case TV_WIRE_RESYNC:
		return a->len == 1 ? 0 : TV_EMALFORMED;
	case TV_WIRE_UNKNOWN:
		/* PROTOCOL.md §10.5: a newer type is ignored, not an error. */
		return 0;
	}
	return TV_EMALFORMED;
}

int
tv_wire_decode(const uint8_t *buf, size_t len, struct tv_wire_msg *out)
{
	const struct tv_value *root;
	struct tv_doc *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > TV_WIRE_PLAINTEXT_MAX)
		return TV_ETOOBIG;
	if ((rc = tv_decode(buf, len, &doc, &root)) != 0)
		return rc;
	/* PROTOCOL.md §10.2: a message is an array whose first item is a uint. */
	if (root->type != TV_ARRAY || root->len == 0 ||
	    root->items[0].type != TV_UINT) {
		rc = TV_EMALFORMED;
		goto out;
	}
	out->type_code = root->items[0].u;
	out->type = out->type_code <= TV_WIRE_RESYNC ?
	    (enum tv_wire_type)out->type_code : TV_WIRE_UNKNOWN;
	if ((rc = decode_body(root, out)) != 0)
		goto out;
	out->doc = doc;
	return 0;
out:
	tv_doc_free(doc);
	memset(out, 0, sizeof(*out));
	return rc;
}

void
tv_wire_msg_close(struct tv_wire_msg *m)
{
	if (m == NULL)
		return;
	tv_doc_free(m->doc);
	memset(m, 0, sizeof(*m));
}

/* ---- Encoding ---- */

/* A text field: at most max bytes; tv_w_str checks UTF-8, we check NFC. */
static int
check_text(const char *p, size_t len, size_t max)
{
	if (len > max)
		return TV_ETOOBIG;
	if (len > 0 && p == NULL)
		return TV_EINVAL;
	return len > 0 ? tv_text_check((const uint8_t *)p, len) : 0;
}

int
tv_wire_hello_encode(struct tv_w *w, const struct tv_wire_hello *h)
{
	int rc;

	if (h->version != TV_WIRE_VERSION || h->area == NULL)
		return TV_EINVAL;
	if (h->caps_len > TV_WIRE_CAPS_MAX)
		return TV_ETOOBIG;
	for (size_t i = 0; i < h->caps_len; i++) {
		if (h->caps[i].len > TV_WIRE_CAP_MAX)
			return TV_ETOOBIG;
		if (h->caps[i].p == NULL ||
		    !is_cap(h->caps[i].p, h->caps[i].len))
			return TV_EINVAL;
	}
	if ((rc = check_text(h->name.p, h->name.len, TV_WIRE_NAME_MAX)) != 0)
		return rc;
	tv_w_array(w, 6);
	tv_w_uint(w, TV_WIRE_HELLO);
	tv_w_uint(w, h->version);
	tv_w_bin(w, h->area, TV_PK_LEN);
	tv_w_array(w, (uint32_t)h->caps_len);
	for (size_t i = 0; i < h->caps_len; i++)
		tv_w_str(w, h->caps[i].p, h->caps[i].len);
	tv_w_uint(w, h->listen_port);
	return tv_w_str(w, h->name.len > 0 ? h->name.p : "", h->name.len);
}

int
tv_wire_reconcile_encode(struct tv_w *w, const uint8_t *p, size_t len)
{
	if (len == 0 || p == NULL)
		return TV_EINVAL;
	if (len > TV_WIRE_RECONCILE_MAX)
		return TV_ETOOBIG;
	tv_w_array(w, 2);
	tv_w_uint(w, TV_WIRE_RECONCILE);
	return tv_w_bin(w, p, len);
}

int
tv_wire_want_encode(struct tv_w *w, const uint8_t (*hashes)[TV_HASH_LEN],
    size_t n)
{
	if (n > TV_WIRE_WANT_MAX)
		return TV_ETOOBIG;
	if (n == 0 || hashes == NULL)
		return TV_EINVAL;
	tv_w_array(w, 2);
	tv_w_uint(w, TV_WIRE_WANT);
	tv_w_array(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		tv_w_bin(w, hashes[i], TV_HASH_LEN);
	return tv_w_err(w);
}

int
tv_wire_ping_encode(struct tv_w *w, enum tv_wire_type type, uint64_t nonce)
{
	if (type != TV_WIRE_PING && type != TV_WIRE_PONG)
		return TV_EINVAL;
	tv_w_array(w, 2);
	tv_w_uint(w, (uint64_t)type);
	return tv_w_uint(w, nonce);
}

int
tv_wire_error_encode(struct tv_w *w, uint64_t code, const char *text,
    size_t len)
{
	int rc;

	if ((rc = check_text(text, len, TV_WIRE_TEXT_MAX)) != 0)
		return rc;
	tv_w_array(w, 3);
	tv_w_uint(w, TV_WIRE_ERROR);
	tv_w_uint(w, code);
	return tv_w_str(w, len > 0 ? text : "", len);
}

int
tv_wire_goodbye_encode(struct tv_w *w, const char *text, size_t len)
{
	int rc;

	if ((rc = check_text(text, len, TV_WIRE_TEXT_MAX)) != 0)
		return rc;
	tv_w_array(w, 2);
	tv_w_uint(w, TV_WIRE_GOODBYE);
	return tv_w_str(w, len > 0 ? text : "", len);
}

int
tv_wire_resync_encode(struct tv_w *w)
{
	tv_w_array(w, 1);
	tv_w_uint(w, TV_WIRE_RESYNC);
	return tv_w_err(w);
}

/* RECORDS from value views, e.g. to re-encode a decoded message. */
static int
records_encode_values(struct tv_w *w, const struct tv_value *items,
    size_t count)
{
	size_t total = 2 + array_hdr_len(count);

	if (count == 0 || items == NULL)
		return TV_EINVAL;
	for (size_t i = 0; i < count; i++) {
		if (items[i].type != TV_BIN || items[i].len == 0)
			return TV_EINVAL;
		if (items[i].len > TV_RECORD_MAX)
			return TV_ETOOBIG;
		total += bin_hdr_len(items[i].len) + items[i].len;
		if (total > TV_WIRE_PLAINTEXT_MAX)
			return TV_ETOOBIG;
	}
	tv_w_array(w, 2);
	tv_w_uint(w, TV_WIRE_RECORDS);
	tv_w_array(w, (uint32_t)count);
	for (size_t i = 0; i < count; i++)
		tv_w_bin(w, items[i].bytes, items[i].len);
	return tv_w_err(w);
}

static int
want_encode_values(struct tv_w *w, const struct tv_value *items, size_t count)
{
	if (count > TV_WIRE_WANT_MAX)
		return TV_ETOOBIG;
	if (count == 0 || items == NULL)
		return TV_EINVAL;
	for (size_t i = 0; i < count; i++)
		if (items[i].type != TV_BIN || items[i].len != TV_HASH_LEN)
			return TV_EINVAL;
	tv_w_array(w, 2);
	tv_w_uint(w, TV_WIRE_WANT);
	tv_w_array(w, (uint32_t)count);
	for (size_t i = 0; i < count; i++)
		tv_w_bin(w, items[i].bytes, TV_HASH_LEN);
	return tv_w_err(w);
}

int
tv_wire_encode(struct tv_w *w, const struct tv_wire_msg *m)
{
	switch (m->type) {
	case TV_WIRE_HELLO:
		return tv_wire_hello_encode(w, &m->hello);
	case TV_WIRE_RECONCILE:
		return tv_wire_reconcile_encode(w, m->reconcile.p,
		    m->reconcile.len);
	case TV_WIRE_RECORDS:
		return records_encode_values(w, m->records.items,
		    m->records.count);
	case TV_WIRE_WANT:
		return want_encode_values(w, m->want.items, m->want.count);
	case TV_WIRE_PING:
	case TV_WIRE_PONG:
		return tv_wire_ping_encode(w, m->type, m->nonce);
	case TV_WIRE_ERROR:
		return tv_wire_error_encode(w, m->error.code, m->error.text.p,
		    m->error.text.len);
	case TV_WIRE_GOODBYE:
		return tv_wire_goodbye_encode(w, m->goodbye.p, m->goodbye.len);
	case TV_WIRE_RESYNC:
		return tv_wire_resync_encode(w);
	case TV_WIRE_UNKNOWN:
		break;
	}
	return TV_EINVAL;
}

/* ---- RECORDS, built in place ---- */

/*
 * The header is [fixarray 2, 2, array header]: 3 bytes while there are at
 * most 15 records (fixarray), 5 from the 16th on (array16); the elements
 * move up by 2 bytes once, when the 16th record comes.
 */
#define RECORDS_HDR_SMALL 3
#define RECORDS_HDR_LARGE 5

void
tv_wire_records_init(struct tv_wire_records_enc *e, uint8_t *buf, size_t cap)
{
	e->buf = buf;
	e->cap = cap < TV_WIRE_PLAINTEXT_MAX ? cap : TV_WIRE_PLAINTEXT_MAX;
	e->hdr = RECORDS_HDR_SMALL;
	e->len = RECORDS_HDR_SMALL;
	e->count = 0;
}

/* The message's length with one more record of len bytes. */
static size_t
records_len_with(const struct tv_wire_records_enc *e, size_t len)
{
	size_t hdr = e->count + 1 <= 15 ? RECORDS_HDR_SMALL :
	    RECORDS_HDR_LARGE;

	return e->len - e->hdr + hdr + bin_hdr_len(len) + len;
}

bool
tv_wire_records_fits(const struct tv_wire_records_enc *e, size_t len)
{
	return len > 0 && len <= TV_RECORD_MAX &&
	    records_len_with(e, len) <= e->cap;
}

int
tv_wire_records_add(struct tv_wire_records_enc *e, const uint8_t *rec,
    size_t len)
{
	uint8_t *p;

	if (len == 0 || len > TV_RECORD_MAX || rec == NULL)
		return TV_EINVAL;
	/* PROTOCOL.md §10.3: the whole message fits one transport message. */
	if (records_len_with(e, len) > e->cap)
		return TV_ETOOBIG;
	if (e->count + 1 > 15 && e->hdr == RECORDS_HDR_SMALL) {
		memmove(e->buf + RECORDS_HDR_LARGE, e->buf + RECORDS_HDR_SMALL,
		    e->len - RECORDS_HDR_SMALL);
		e->hdr = RECORDS_HDR_LARGE;
		e->len += RECORDS_HDR_LARGE - RECORDS_HDR_SMALL;
	}
	p = e->buf + e->len;
	if (len <= 0xff) {
		*p++ = 0xc4;
		*p++ = (uint8_t)len;
	} else {
		*p++ = 0xc5;
		*p++ = (uint8_t)(len >> 8);
		*p++ = (uint8_t)len;
	}
	memcpy(p, rec, len);
	e->len = (size_t)(p - e->buf) + len;
	e->count++;
	return 0;
}

size_t
tv_wire_records_count(const struct tv_wire_records_enc *e)
{
	return e->count;
}

int
tv_wire_records_finish(struct tv_wire_records_enc *e, size_t *out_len)
{
	*out_len = 0;
	if (e->count == 0)
		return TV_EINVAL;
	e->buf[0] = 0x92;
	e->buf[1] = TV_WIRE_RECORDS;
	if (e->hdr == RECORDS_HDR_SMALL) {
		e->buf[2] = (uint8_t)(0x90 | e->count);
	} else {
		/* count < 65536: every element takes at least 3 bytes. */
		e->buf[2] = 0xdc;
		e->buf[3] = (uint8_t)(e->count >> 8);
		e->buf[4] = (uint8_t)e->count;
	}
	*out_len = e->len;
	return 0;
}
