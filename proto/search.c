#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "canon.h"
#include "err.h"
#include "kinds.h"

#define TOKEN_MAX 256		/* folded bytes of a word compared in a snippet */
#define TEXT_DEPTH_MAX 8	/* nesting walked for texts (needs, funding) */

static bool
utf8_valid(const char *s, size_t len)
{
	utf8proc_int32_t cp;

	for (size_t pos = 0; pos < len;) {
		utf8proc_ssize_t k = utf8proc_iterate((const uint8_t *)s + pos,
		    (utf8proc_ssize_t)(len - pos), &cp);
		if (k <= 0)
			return false;
		pos += (size_t)k;
	}
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Appends the words of one group (a bare word or a quoted phrase). */
static int
add_group(struct tv_search_query *q, const char *s, size_t len,
    unsigned phrase, size_t *used, char *errbuf, size_t errlen)
{
	char unit[TV_FOLD_UNIT_MAX];
	size_t pos = 0;
	bool is_word, in_word = false;

	while (pos < len) {
		size_t n = tv_fold_unit(s, len, &pos, unit, &is_word);
		struct tv_search_term *t;

		if (!is_word) {
			if (in_word)
				q->buf[(*used)++] = 0;
			in_word = false;
			continue;
		}
		if (!in_word) {
			if (q->n_terms == TV_SEARCH_TERMS_MAX) {
				snprintf(errbuf, errlen, "a search takes at "
				    "most %d words", TV_SEARCH_TERMS_MAX);
				return TV_ETOOBIG;
			}
			t = &q->terms[q->n_terms++];
			t->text = q->buf + *used;
			t->len = 0;
			t->phrase = phrase;
			t->is_prefix = false;
			in_word = true;
		}
		/* Cannot overflow (see buf's size), checked all the same. */
		if (*used + n + 1 >= sizeof(q->buf)) {
			snprintf(errbuf, errlen, "the search is too long");
			return TV_ETOOBIG;
		}
		memcpy(q->buf + *used, unit, n);
		*used += n;
		q->terms[q->n_terms - 1].len += n;
	}
	if (in_word)
		q->buf[(*used)++] = 0;
	return 0;
}

int
tv_search_parse(const char *text, size_t len, struct tv_search_query *out,
    char *errbuf, size_t errlen)
{
	size_t pos = 0, used = 0;
	unsigned phrase = 0;
	bool last_bare_open = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > TV_SEARCH_TEXT_MAX) {
		snprintf(errbuf, errlen, "a search is at most %d bytes long",
		    TV_SEARCH_TEXT_MAX);
		return TV_ETOOBIG;
	}
	if (!utf8_valid(text, len)) {
		snprintf(errbuf, errlen, "the search text is not valid UTF-8");
		return TV_EUTF8;
	}
	while (pos < len) {
		size_t start, n_before = out->n_terms;

		if (is_space(text[pos])) {
			pos++;
			last_bare_open = false;
			continue;
		}
		if (text[pos] == '"') {
			start = ++pos;
			while (pos < len && text[pos] != '"')
				pos++;
			rc = add_group(out, text + start, pos - start, phrase,
			    &used, errbuf, errlen);
			if (pos < len)
				pos++;		/* the closing quote */
			last_bare_open = false;
		} else {
			start = pos;
			while (pos < len && !is_space(text[pos]) &&
			    text[pos] != '"')
				pos++;
			rc = add_group(out, text + start, pos - start, phrase,
			    &used, errbuf, errlen);
			last_bare_open = pos == len;
		}
		if (rc != 0)
			return rc;
		if (out->n_terms > n_before)
			phrase++;
		else if (last_bare_open)
			last_bare_open = false;
	}
	if (out->n_terms == 0) {
		snprintf(errbuf, errlen, "nothing to search for: give a word "
		    "with letters or digits");
		return TV_EINVAL;
	}
	if (last_bare_open &&
	    out->terms[out->n_terms - 1].len >= TV_SEARCH_PREFIX_MIN)
		out->terms[out->n_terms - 1].is_prefix = true;
	return 0;
}

/* Appends s to out at *n, or fails; keeps out NUL-terminated. */
static int
put(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n + len + 1 > cap)
		return TV_ETOOBIG;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = 0;
	return 0;
}

/* Appends text as an FTS5 string: in double quotes, inner quotes doubled. */
static int
put_quoted(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	int rc = put(out, cap, n, "\"", 1);

	for (size_t i = 0; rc == 0 && i < len; i++)
		rc = s[i] == '"' ? put(out, cap, n, "\"\"", 2) :
		    put(out, cap, n, s + i, 1);
	return rc ? rc : put(out, cap, n, "\"", 1);
}

int
tv_search_match(const struct tv_search_query *q, const char *kind, char *out,
    size_t cap)
{
	size_t n = 0;
	int rc = 0;

	if (cap == 0)
		return TV_ETOOBIG;
	out[0] = 0;
	if (kind != NULL) {
		char *folded;
		size_t flen;

		if ((rc = tv_fold(kind, strlen(kind), &folded, &flen)) != 0)
			return rc;
		rc = put(out, cap, &n, "kind : ", 7);
		if (rc == 0)
			rc = put_quoted(out, cap, &n, folded, flen);
		if (rc == 0)
			rc = put(out, cap, &n, " AND ", 5);
		free(folded);
	}
	if (rc == 0)
		rc = put(out, cap, &n, "{title body} : (", 16);
	for (size_t i = 0; rc == 0 && i < q->n_terms; i++) {
		const struct tv_search_term *t = &q->terms[i];
		bool first = i == 0 || q->terms[i - 1].phrase != t->phrase;
		bool last = i + 1 == q->n_terms ||
		    q->terms[i + 1].phrase != t->phrase;

		if (first)
			rc = put(out, cap, &n, i ? " \"" : "\"", i ? 2 : 1);
		else
			rc = put(out, cap, &n, " ", 1);
		/* Terms hold letters and digits only; doubled all the same. */
		for (size_t j = 0; rc == 0 && j < t->len; j++)
			rc = t->text[j] == '"' ? put(out, cap, &n, "\"\"", 2) :
			    put(out, cap, &n, t->text + j, 1);
		if (rc == 0 && last)
			rc = put(out, cap, &n, t->is_prefix ? "\"*" : "\"",
			    t->is_prefix ? 2 : 1);
	}
	return rc ? rc : put(out, cap, &n, ")", 1);
}

/* True if the folded word matches term (whole, or as its prefix). */
static bool
term_matches(const struct tv_search_term *t, const char *word, size_t len)
{
	if (t->is_prefix)
		return len >= t->len && memcmp(word, t->text, t->len) == 0;
	return len == t->len && memcmp(word, t->text, len) == 0;
}

/* Notes a word of the text that matches a term. */
static void
snippet_word(const struct tv_search_query *q, const char *word, size_t len,
    size_t start, size_t end, struct tv_snippet *s, uint32_t *seen,
    size_t *first)
{
	bool hit = false;

	for (size_t i = 0; i < q->n_terms; i++) {
		if (!term_matches(&q->terms[i], word, len))
			continue;
		hit = true;
		if (!(*seen & (1u << i))) {
			*seen |= 1u << i;
			s->hits++;
		}
	}
	if (!hit)
		return;
	if (*first == SIZE_MAX)
		*first = start;
	if (s->n_marks < TV_SEARCH_MARKS_MAX) {
		s->mark_start[s->n_marks] = start;
		s->mark_end[s->n_marks] = end;
		s->n_marks++;
	}
}

/* Moves i back to the start of a UTF-8 sequence. */
static size_t
char_start(const char *text, size_t i)
{
	while (i > 0 && ((unsigned char)text[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Chooses [start, end) of about width bytes that shows the first match. */
static void
snippet_window(const char *text, size_t len, size_t width, size_t first,
    struct tv_snippet *s)
{
	size_t start = 0, end;

	if (len <= width) {
		s->start = 0;
		s->end = len;
		return;
	}
	if (first != SIZE_MAX && first > width / 3) {
		size_t from = first - width / 3;
		start = first;
		/* Start after a space between from and the match, if any. */
		for (size_t i = from; i < first; i++)
			if (is_space(text[i])) {
				start = i + 1;
				break;
			}
	}
	end = start + width < len ? start + width : len;
	if (end < len) {
		size_t i = end;
		while (i > start && !is_space(text[i]))
			i--;
		end = i > start && (first == SIZE_MAX || i > first) ? i :
		    char_start(text, end);
	}
	s->start = start;
	s->end = end;
}

void
tv_search_snippet(const struct tv_search_query *q, const char *text,
    size_t len, size_t width, struct tv_snippet *out)
{
	char word[TOKEN_MAX + TV_FOLD_UNIT_MAX], unit[TV_FOLD_UNIT_MAX];
	size_t pos = 0, wlen = 0, wstart = 0, wend = 0, first = SIZE_MAX;
	uint32_t seen = 0;
	bool is_word;
	struct tv_snippet all;

	memset(&all, 0, sizeof(all));
	while (pos < len) {
		size_t at = pos, n = tv_fold_unit(text, len, &pos, unit,
		    &is_word);

		if (is_word) {
			if (wlen == 0)
				wstart = at;
			if (wlen + n <= TOKEN_MAX) {
				memcpy(word + wlen, unit, n);
				wlen += n;
			}
			wend = pos;
			continue;
		}
		if (wlen > 0)
			snippet_word(q, word, wlen, wstart, wend, &all, &seen,
			    &first);
		wlen = 0;
	}
	if (wlen > 0)
		snippet_word(q, word, wlen, wstart, wend, &all, &seen, &first);
	memset(out, 0, sizeof(*out));
	out->hits = all.hits;
	snippet_window(text, len, width, first, out);
	for (size_t i = 0; i < all.n_marks; i++)
		if (all.mark_start[i] >= out->start &&
		    all.mark_end[i] <= out->end) {
			out->mark_start[out->n_marks] = all.mark_start[i];
			out->mark_end[out->n_marks] = all.mark_end[i];
			out->n_marks++;
		}
}

/* What tv_search_texts walks with. */
struct walk {
	const struct tv_kind *k;
	tv_search_text_cb *cb;
	void *arg;
};

static int
walk_value(struct walk *w, const char *field, const struct tv_value *v,
    bool is_title, int depth)
{
	int rc = 0;

	if (depth > TEXT_DEPTH_MAX)
		return 0;
	switch (v->type) {
	case TV_STR:
		return w->cb(w->arg, field, (const char *)v->bytes, v->len,
		    is_title);
	case TV_ARRAY:
		for (uint32_t i = 0; rc == 0 && i < v->len; i++)
			rc = walk_value(w, field, &v->items[i], false,
			    depth + 1);
		return rc;
	case TV_MAP:
		for (uint32_t i = 0; rc == 0 && i < v->len; i++)
			rc = walk_value(w, field, &v->items[2 * i + 1], false,
			    depth + 1);
		return rc;
	default:
		return 0;
	}
}

/* A municipality code is text people search for: "Stevns", "Køge". */
static int
walk_municipality(struct walk *w, const char *field, const struct tv_value *v)
{
	const struct tv_field *f = w->k ? tv_kind_field(w->k, field) : NULL;
	const struct tv_municipality *m;

	if (f == NULL || f->type != TV_F_MUNICIPALITY || v->type != TV_UINT ||
	    v->u > 9999 || (m = tv_municipality_find((int)v->u)) == NULL)
		return 0;
	return w->cb(w->arg, field, m->name, strlen(m->name), false);
}

int
tv_search_texts(const struct tv_record *r, tv_search_text_cb *cb, void *arg)
{
	struct walk w = { .cb = cb, .arg = arg };
	const struct tv_value *body;
	const char *title;
	struct tv_doc *doc;
	int rc;

	if (r->body_len == 0)
		return 0;
	if ((rc = tv_decode(r->body, r->body_len, &doc, &body)) != 0)
		return rc;
	w.k = tv_kind_by_wire(r->kind, r->kind_len);
	/* As the store's title column: unknown kinds show name, else title. */
	title = w.k && w.k->title_field ? w.k->title_field :
	    w.k == NULL && body->type == TV_MAP && !tv_map_get(body, "name") ?
	    "title" : "name";
	for (uint32_t i = 0; rc == 0 && body->type == TV_MAP && i < body->len;
	    i++) {
		const struct tv_value *key = &body->items[2 * i];
		const struct tv_value *val = &body->items[2 * i + 1];
		char field[64];

		if (key->type != TV_STR || key->len >= sizeof(field))
			continue;
		memcpy(field, key->bytes, key->len);
		field[key->len] = 0;
		rc = walk_value(&w, field, val, strcmp(field, title) == 0, 0);
		if (rc == 0)
			rc = walk_municipality(&w, field, val);
	}
	tv_doc_free(doc);
	return rc;
}
