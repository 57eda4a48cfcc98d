#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct tv_csv {
	char *text;		/* the file as UTF-8, NUL-terminated */
	size_t len, pos;
	size_t line;		/* the line at pos, from 1 */
	char *fbuf;		/* the current record's fields, unquoted */
	enum tv_csv_encoding enc;
	char sep;
	int err;		/* sticky after a failed tv_csv_next */
	struct tv_csv_err last;
};

static int fail(struct tv_csv_err *err, int rc, size_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct tv_csv_err *err, int rc, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->line = line;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Windows-1252 0x80..0x9f; 0 marks the five bytes it leaves undefined. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* Length of the valid UTF-8 sequence at s, or 0 (overlong, surrogate, > U+10FFFF, cut). */
static size_t
utf8_seq(const uint8_t *s, size_t len)
{
	uint32_t c;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Returns the offset of the first invalid UTF-8 byte, or len. */
static size_t
utf8_valid_prefix(const uint8_t *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && (n = utf8_seq(s + i, len - i)) > 0)
		i += n;
	return i;
}

/* The line of byte offset off, counting CRLF, LF and a lone CR as one break each. */
static size_t
line_of(const uint8_t *s, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off ||
		    s[i + 1] != '\n')))
			line++;
	return line;
}

static size_t
put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | c >> 12);
	out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

/* Converts Windows-1252 into r->text (at most 3 bytes per byte). */
static int
from_cp1252(struct tv_csv *r, const uint8_t *s, size_t len,
    struct tv_csv_err *err)
{
	size_t k = 0;

	if ((r->text = malloc(3 * len + 1)) == NULL)
		return fail(err, TV_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < len; i++) {
		uint32_t c = s[i];
		if (c >= 0x80 && c < 0xa0 && (c = cp1252_high[c - 0x80]) == 0)
			return fail(err, TV_EMALFORMED, line_of(s, i), "byte "
			    "0x%02x is neither UTF-8 nor Windows-1252 text; "
			    "save the file as \"CSV UTF-8\"", s[i]);
		k += put_utf8(r->text + k, c);
	}
	r->text[k] = 0;
	r->len = k;
	return 0;
}

static int
decode_text(struct tv_csv *r, const uint8_t *s, size_t len,
    struct tv_csv_err *err)
{
	const uint8_t *nul = memchr(s, 0, len);
	size_t valid;

	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
	    (s[0] == 0xfe && s[1] == 0xff)))
		return fail(err, TV_EUTF8, 0, "the file is UTF-16 (Excel "
		    "\"Unicode text\"); save it as \"CSV UTF-8\" instead");
	if (nul != NULL)
		return fail(err, TV_EMALFORMED, line_of(s, (size_t)(nul - s)),
		    "a NUL byte: this is not a text file");
	r->enc = TV_CSV_UTF8;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		r->enc = TV_CSV_UTF8_BOM;
		s += 3;
		len -= 3;
	}
	valid = utf8_valid_prefix(s, len);
	if (valid < len && r->enc == TV_CSV_UTF8_BOM)
		return fail(err, TV_EUTF8, line_of(s, valid), "not valid UTF-8, "
		    "although the file starts with a UTF-8 mark (BOM)");
	if (valid < len) {
		r->enc = TV_CSV_CP1252;
		return from_cp1252(r, s, len, err);
	}
	if ((r->text = malloc(len + 1)) == NULL)
		return fail(err, TV_ENOMEM, 0, "out of memory");
	memcpy(r->text, s, len);
	r->text[len] = 0;
	r->len = len;
	return 0;
}

/*
 * The separator is the most frequent of ';', ',' and tab on the header
 * line outside quotes; on a tie ';' (Danish Excel) wins, then ','. A
 * header of one column has none: ';' then.
 */
static char
detect_separator(const char *s, size_t len)
{
	size_t semi = 0, comma = 0, tab = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == '\n' || s[i] == '\r')
			break;
		else if (s[i] == ';')
			semi++;
		else if (s[i] == ',')
			comma++;
		else if (s[i] == '\t')
			tab++;
	}
	if (comma > semi && comma >= tab)
		return ',';
	if (tab > semi && tab > comma)
		return '\t';
	return ';';
}

int
tv_csv_open(const uint8_t *data, size_t len, struct tv_csv **out,
    struct tv_csv_err *err)
{
	struct tv_csv *r;
	int rc;

	*out = NULL;
	if (len > TV_CSV_FILE_MAX)
		return fail(err, TV_ETOOBIG, 0, "the file has %zu bytes, more "
		    "than the %u a single import takes; split it", len,
		    TV_CSV_FILE_MAX);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return fail(err, TV_ENOMEM, 0, "out of memory");
	if ((rc = decode_text(r, data, len, err)) != 0) {
		tv_csv_free(r);
		return rc;
	}
	/* Unquoting only shrinks a record; each field adds its NUL. */
	if ((r->fbuf = malloc(r->len + TV_CSV_COLS_MAX + 1)) == NULL) {
		tv_csv_free(r);
		return fail(err, TV_ENOMEM, 0, "out of memory");
	}
	r->sep = detect_separator(r->text, r->len);
	r->line = 1;
	*out = r;
	return 0;
}

void
tv_csv_free(struct tv_csv *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->fbuf);
	free(r);
}

enum tv_csv_encoding
tv_csv_encoding(const struct tv_csv *r)
{
	return r->enc;
}

char
tv_csv_separator(const struct tv_csv *r)
{
	return r->sep;
}

/* Steps over a line break at pos if there is one; returns whether it did. */
static bool
skip_break(struct tv_csv *r)
{
	if (r->pos >= r->len)
		return false;
	if (r->text[r->pos] == '\r') {
		r->pos++;
		if (r->pos < r->len && r->text[r->pos] == '\n')
			r->pos++;
	} else if (r->text[r->pos] == '\n') {
		r->pos++;
	} else {
		return false;
	}
	r->line++;
	return true;
}

/* Reads a quoted field (pos at the opening quote) into fbuf at *k. */
static int
read_quoted(struct tv_csv *r, size_t col, size_t *k, struct tv_csv_err *err)
{
	size_t open_line = r->line;

	r->pos++;
	for (;;) {
		if (r->pos >= r->len)
			return fail(err, TV_EMALFORMED, open_line, "column %zu: "
			    "the quote that opens this field is never closed",
			    col);
		char c = r->text[r->pos];
		if (c == '"' && r->pos + 1 < r->len &&
		    r->text[r->pos + 1] == '"') {
			r->fbuf[(*k)++] = '"';
			r->pos += 2;
		} else if (c == '"') {
			r->pos++;
			break;
		} else if (skip_break(r)) {
			r->fbuf[(*k)++] = '\n';	/* CRLF in a cell is one break */
		} else {
			r->fbuf[(*k)++] = c;
			r->pos++;
		}
	}
	/* Spaces between the closing quote and the separator are harmless. */
	while (r->pos < r->len && r->text[r->pos] == ' ' && r->sep != ' ')
		r->pos++;
	if (r->pos < r->len && r->text[r->pos] != r->sep &&
	    r->text[r->pos] != '\r' && r->text[r->pos] != '\n')
		return fail(err, TV_EMALFORMED, r->line, "column %zu: text after "
		    "the closing quote (a quote inside a quoted field is "
		    "written \"\")", col);
	return 0;
}

static int
read_record(struct tv_csv *r, struct tv_csv_row *out, struct tv_csv_err *err)
{
	size_t k = 0;
	int rc;

	out->line = r->line;
	out->n = 0;
	for (;;) {
		size_t start = k, col = out->n + 1, field_line = r->line;
		if (out->n == TV_CSV_COLS_MAX)
			return fail(err, TV_ETOOBIG, out->line, "more than %d "
			    "columns", TV_CSV_COLS_MAX);
		if (r->pos < r->len && r->text[r->pos] == '"') {
			if ((rc = read_quoted(r, col, &k, err)) != 0)
				return rc;
		} else {
			while (r->pos < r->len && r->text[r->pos] != r->sep &&
			    r->text[r->pos] != '\r' && r->text[r->pos] != '\n')
				r->fbuf[k++] = r->text[r->pos++];
		}
		if (k - start > TV_CSV_FIELD_MAX)
			return fail(err, TV_ETOOBIG, field_line, "column %zu: "
			    "a field of %zu bytes; at most %d", col, k - start,
			    TV_CSV_FIELD_MAX);
		r->fbuf[k++] = 0;
		out->field[out->n] = r->fbuf + start;
		out->len[out->n] = k - 1 - start;
		out->n++;
		if (r->pos < r->len && r->text[r->pos] == r->sep) {
			r->pos++;
			continue;
		}
		skip_break(r);
		return 1;
	}
}

int
tv_csv_next(struct tv_csv *r, struct tv_csv_row *out, struct tv_csv_err *err)
{
	int rc;

	if (r->err != 0) {
		if (err != NULL)
			*err = r->last;
		return r->err;
	}
	if (r->pos >= r->len)
		return 0;
	rc = read_record(r, out, &r->last);
	if (rc < 0) {
		r->err = rc;
		if (err != NULL)
			*err = r->last;
	}
	return rc;
}

/* ---- Writer ------------------------------------------------------------ */

static void
w_put(struct tv_csv_w *w, const char *s, size_t len)
{
	(void)tv_buf_put(&w->out, s, len);	/* the error is sticky */
}

void
tv_csv_w_init(struct tv_csv_w *w, enum tv_csv_dialect d)
{
	memset(w, 0, sizeof(*w));
	tv_buf_init(&w->out, 0);
	w->sep = d == TV_CSV_EXCEL ? ';' : ',';
	if (d == TV_CSV_EXCEL)
		w_put(w, "\xef\xbb\xbf", 3);
}

/*
 * Quotes fields that hold any separator the reader might detect (not only
 * this dialect's), a quote, a line break, spaces at either end, or a
 * leading BOM, so that what is written reads back exactly.
 */
static bool
needs_quotes(const char *s, size_t len)
{
	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		return true;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ';' || s[i] == ',' || s[i] == '\t' || s[i] == '"' ||
		    s[i] == '\n' || s[i] == '\r')
			return true;
	return false;
}

void
tv_csv_w_field(struct tv_csv_w *w, const char *s, size_t len)
{
	if (w->has_field)
		w_put(w, &w->sep, 1);
	w->has_field = true;
	if (!needs_quotes(s, len)) {
		w_put(w, s, len);
		return;
	}
	w_put(w, "\"", 1);
	for (const char *q; len > 0 && (q = memchr(s, '"', len)) != NULL;) {
		w_put(w, s, (size_t)(q - s) + 1);
		w_put(w, "\"", 1);
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	w_put(w, s, len);
	w_put(w, "\"", 1);
}

void
tv_csv_w_end_row(struct tv_csv_w *w)
{
	w_put(w, "\r\n", 2);
	w->has_field = false;
}

void
tv_csv_w_reset(struct tv_csv_w *w)
{
	w->out.len = 0;
}

int
tv_csv_w_free(struct tv_csv_w *w)
{
	int err = w->out.err;

	tv_buf_free(&w->out);
	return err;
}
