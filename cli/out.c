#include "out.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "err.h"

static FILE *out_fp;

void
out_set_file(FILE *f)
{
	out_fp = f;
}

FILE *
out_file(void)
{
	return out_fp != NULL ? out_fp : stdout;
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fputs("tvaers: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

int
out_record_open(const struct tv_value *item, struct out_record *out)
{
	const struct tv_value *raw, *local, *body;
	const struct tv_kind *k;
	int rc;

	memset(out, 0, sizeof(*out));
	if (item == NULL || item->type != TV_MAP ||
	    (raw = tv_map_get(item, "raw")) == NULL || raw->type != TV_BIN)
		return TV_EMALFORMED;
	local = tv_map_get(item, "local");
	out->is_local = local != NULL && local->type == TV_BOOL && local->b;
	if ((rc = tv_record_decode(raw->bytes, raw->len, &out->r)) != 0)
		return rc;
	memcpy(out->kind_name, out->r.kind, out->r.kind_len);
	out->kind_name[out->r.kind_len] = 0;
	k = tv_kind_find(out->r.kind, out->r.kind_len);
	/* A Danish label is no wire name: only the kind's own name counts. */
	out->kind = k != NULL && strcmp(k->name, out->kind_name) == 0 ? k : NULL;
	out->is_deleted = tv_record_is_deleted(&out->r);
	tv_area_text(out->r.origin, out->area);
	tv_id_text(out->r.id, out->id);
	out->is_profile = true;
	for (size_t i = 0; i < TV_ID_LEN; i++)
		if (out->r.id[i] != 0)
			out->is_profile = false;
	/* PROTOCOL.md §5.4: a profile is named by its area id alone. */
	if (out->is_profile)
		snprintf(out->ref, sizeof(out->ref), "%s", out->area);
	else
		snprintf(out->ref, sizeof(out->ref), "%s:%s", out->area,
		    out->id);
	if (!out->is_deleted && out->r.body_len > 0) {
		rc = tv_decode(out->r.body, out->r.body_len, &out->doc, &body);
		if (rc != 0)
			return rc;
		if (body->type != TV_MAP) {
			out_record_close(out);
			return TV_EMALFORMED;
		}
		out->body = body;
	}
	return 0;
}

void
out_record_close(struct out_record *rec)
{
	tv_doc_free(rec->doc);
	rec->doc = NULL;
	rec->body = NULL;
}

const char *
out_lang(void)
{
	return i18n_is_da() ? "da" : "en";
}

const char *
out_tr(const char *en, const char *da)
{
	/*
	 * Labels of kinds, fields and enumerations are data in proto's tables
	 * (shared with the daemon, both languages in --json); they are
	 * chosen here, not looked up in the catalogue.
	 */
	return i18n_is_da() ? da : en;
}

bool
out_ref_text(const struct tv_value *v, char out[static TV_AREA_TEXT_LEN +
    TV_ID_TEXT_LEN + 2])
{
	const struct tv_value *o, *id;
	bool is_zero = true;

	/* PROTOCOL.md §5.4: a reference is [origin bin32, id bin16]. */
	if (v == NULL || v->type != TV_ARRAY || v->len != 2)
		return false;
	o = &v->items[0];
	id = &v->items[1];
	if (o->type != TV_BIN || o->len != TV_PK_LEN || id->type != TV_BIN ||
	    id->len != TV_ID_LEN)
		return false;
	tv_area_text(o->bytes, out);
	for (size_t i = 0; i < TV_ID_LEN; i++)
		if (id->bytes[i] != 0)
			is_zero = false;
	if (!is_zero) {
		out[TV_AREA_TEXT_LEN] = ':';
		tv_id_text(id->bytes, out + TV_AREA_TEXT_LEN + 1);
	}
	return true;
}

void
out_hex(FILE *f, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		putc(digits[p[i] >> 4], f);
		putc(digits[p[i] & 15], f);
	}
}

/* Format characters that reorder or break lines on a terminal (Trojan Source). */
static bool
is_format_hazard(int32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Renders the character at p for a terminal: into out (at most 7 bytes plus
 * a NUL, or the character itself), its byte length in *out_len, the input
 * bytes it used in *out_used. Returns its width in cells.
 */
static size_t
vis_one(const uint8_t *p, size_t avail, bool keep_newlines, char out[8],
    size_t *out_len, size_t *out_used)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)avail, &cp);
	int w;

	if (n <= 0) {
		*out_used = 1;
		*out_len = (size_t)snprintf(out, 8, "\\x%02x", *p);
		return *out_len;
	}
	*out_used = (size_t)n;
	if ((cp == '\n' || cp == '\t') && keep_newlines) {
		out[0] = (char)cp;
		*out_len = 1;
		return 1;
	}
	if (cp == '\n' || cp == '\t' || cp == '\r')
		*out_len = (size_t)snprintf(out, 8, "\\%c",
		    cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r');
	else if (cp < 0x20 || cp == 0x7f)
		*out_len = (size_t)snprintf(out, 8, "\\x%02x", (unsigned)cp);
	else if ((cp >= 0x80 && cp <= 0x9f) || is_format_hazard(cp))
		*out_len = (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
	else {
		memcpy(out, p, (size_t)n);
		*out_len = (size_t)n;
		w = utf8proc_charwidth(cp);
		return w > 0 ? (size_t)w : 0;
	}
	return *out_len;
}

char *
out_vis(const char *s, size_t len, bool keep_newlines)
{
	const uint8_t *p = (const uint8_t *)s;
	/* The longest escape, \u0085, is 6 bytes for 2 of input; \xNN is 4 for 1. */
	char *out = xmalloc(len * 4 + 1), *o = out;

	while (len > 0) {
		size_t n, used;
		vis_one(p, len, keep_newlines, o, &n, &used);
		o += n;
		p += used;
		len -= used;
	}
	*o = 0;
	return out;
}

void
out_cell_vis(FILE *f, const char *s, size_t len, size_t width)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t w = 0, total = 0, rest = len;
	char buf[8];

	for (const uint8_t *q = p; rest > 0;) {
		size_t n, used;
		total += vis_one(q, rest, false, buf, &n, &used);
		q += used;
		rest -= used;
	}
	/* Cut at a character or escape boundary so that the text and "…" fit. */
	while (len > 0) {
		size_t n, used, cw = vis_one(p, len, false, buf, &n, &used);
		if (width > 0 && total > width && w + cw > width - 1)
			break;
		fwrite(buf, 1, n, f);
		w += cw;
		p += used;
		len -= used;
	}
	if (width > 0 && total > width) {
		fputs("…", f);
		w++;
	}
	for (; w < width; w++)
		putc(' ', f);
}

/* Width of one character starting at p (its length in *out_n); invalid bytes count 4 (\xNN). */
static size_t
char_width(const uint8_t *p, size_t avail, size_t *out_n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate(p, (utf8proc_ssize_t)avail, &cp);

	if (n <= 0) {
		*out_n = 1;
		return 4;
	}
	*out_n = (size_t)n;
	return (size_t)utf8proc_charwidth(cp);
}

size_t
out_width(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = strlen(s), w = 0;

	while (len > 0) {
		size_t n;
		w += char_width(p, len, &n);
		p += n;
		len -= n;
	}
	return w;
}
