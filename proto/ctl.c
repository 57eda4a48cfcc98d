#include "ctl.h"

#include <string.h>

#include "err.h"

void
tv_ctl_hdr_write(size_t len, uint8_t out[static TV_CTL_HDR_LEN])
{
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
}

int
tv_ctl_hdr_read(const uint8_t hdr[static TV_CTL_HDR_LEN], size_t *out_len)
{
	uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];

	/* PROTOCOL.md §8.1: a frame over the limit is refused before it is read. */
	if (len > TV_CTL_FRAME_MAX)
		return TV_ETOOBIG;
	*out_len = len;
	return 0;
}

int
tv_ctl_request_decode(const uint8_t *buf, size_t len, struct tv_doc **out_doc,
    struct tv_ctl_request *out)
{
	const struct tv_value *root, *v, *op, *args;
	struct tv_doc *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	*out_doc = NULL;
	if ((rc = tv_decode(buf, len, &doc, &root)) != 0)
		return rc;
	rc = TV_EMALFORMED;
	if (root->type != TV_MAP)
		goto fail;
	v = tv_map_get(root, "v");
	op = tv_map_get(root, "op");
	args = tv_map_get(root, "args");
	if (v == NULL || v->type != TV_UINT || op == NULL ||
	    op->type != TV_STR || (args != NULL && args->type != TV_MAP))
		goto fail;
	out->version = v->u;
	out->op = (const char *)op->bytes;
	out->op_len = op->len;
	if (args == NULL) {
		struct tv_value *empty = tv_doc_alloc(doc, 1);
		if (empty == NULL) {
			rc = TV_ENOMEM;
			goto fail;
		}
		empty->type = TV_MAP;
		args = empty;
	}
	out->args = args;
	*out_doc = doc;
	return v->u == TV_CTL_VERSION ? 0 : TV_EVERSION;
fail:
	tv_doc_free(doc);
	memset(out, 0, sizeof(*out));
	return rc;
}

int
tv_ctl_request_encode(const char *op, const struct tv_value *args,
    uint8_t **out, size_t *out_len)
{
	struct tv_w w;
	static const uint8_t placeholder[TV_CTL_HDR_LEN];

	tv_w_init(&w, TV_CTL_FRAME_MAX + TV_CTL_HDR_LEN);
	tv_buf_put(&w.buf, placeholder, sizeof(placeholder));
	/* Canonical key order: "v" (a1 76), "op" (a2 ..), "args" (a4 ..). */
	tv_w_map(&w, args != NULL ? 3 : 2);
	tv_w_cstr(&w, "v");
	tv_w_uint(&w, TV_CTL_VERSION);
	tv_w_cstr(&w, "op");
	tv_w_cstr(&w, op);
	if (args != NULL) {
		tv_w_cstr(&w, "args");
		int rc = tv_encode(&w, args);
		if (rc != 0) {
			tv_w_free(&w);
			return rc;
		}
	}
	if (tv_w_err(&w) == 0)
		tv_ctl_hdr_write(w.buf.len - TV_CTL_HDR_LEN, w.buf.data);
	return tv_w_finish(&w, out, out_len);
}

int
tv_ctl_reply_decode(const uint8_t *buf, size_t len, struct tv_doc **out_doc,
    struct tv_ctl_reply *out)
{
	const struct tv_value *root, *t, *v;
	struct tv_doc *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	*out_doc = NULL;
	if ((rc = tv_decode(buf, len, &doc, &root)) != 0)
		return rc;
	if (root->type != TV_MAP || (t = tv_map_get(root, "t")) == NULL)
		goto malformed;
	if (tv_str_eq(t, "item")) {
		out->kind = TV_CTL_ITEM;
		if ((out->data = tv_map_get(root, "data")) == NULL)
			goto malformed;
	} else if (tv_str_eq(t, "end")) {
		out->kind = TV_CTL_END;
		v = tv_map_get(root, "code");
		if (v == NULL || (v->type != TV_UINT && v->type != TV_NINT))
			goto malformed;
		if (v->type == TV_UINT && v->u != 0)
			goto malformed;
		out->code = v->type == TV_NINT ? v->i : 0;
		v = tv_map_get(root, "msg");
		if (v == NULL || v->type != TV_STR)
			goto malformed;
		out->msg = (const char *)v->bytes;
		out->msg_len = v->len;
	} else {
		goto malformed;
	}
	*out_doc = doc;
	return 0;
malformed:
	tv_doc_free(doc);
	memset(out, 0, sizeof(*out));
	return TV_EMALFORMED;
}

long
tv_ctl_item_begin(struct tv_w *w)
{
	static const uint8_t placeholder[TV_CTL_HDR_LEN];
	size_t start = w->buf.len;

	tv_buf_put(&w->buf, placeholder, sizeof(placeholder));
	tv_w_map(w, 2);
	tv_w_cstr(w, "t");
	tv_w_cstr(w, "item");
	tv_w_cstr(w, "data");
	if (tv_w_err(w) != 0)
		return tv_w_err(w);
	return (long)start;
}

int
tv_ctl_frame_end(struct tv_w *w, long start)
{
	if (tv_w_err(w) != 0)
		return tv_w_err(w);
	size_t len = w->buf.len - (size_t)start - TV_CTL_HDR_LEN;
	if (len > TV_CTL_FRAME_MAX)
		return TV_ETOOBIG;
	tv_ctl_hdr_write(len, w->buf.data + start);
	return 0;
}

/* Length of the longest prefix of s, at most max bytes, that ends on a UTF-8 boundary. */
static size_t
utf8_clip(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

int
tv_ctl_end_write(struct tv_w *w, int64_t code, const char *msg)
{
	static const uint8_t placeholder[TV_CTL_HDR_LEN];
	size_t start = w->buf.len;

	tv_buf_put(&w->buf, placeholder, sizeof(placeholder));
	/* Canonical key order: "t" (a1), "msg" (a3), "code" (a4). */
	tv_w_map(w, 3);
	tv_w_cstr(w, "t");
	tv_w_cstr(w, "end");
	tv_w_cstr(w, "msg");
	tv_w_str(w, msg, utf8_clip(msg, TV_CTL_MSG_MAX));
	tv_w_cstr(w, "code");
	tv_w_int(w, code);
	return tv_ctl_frame_end(w, (long)start);
}
