/*
 * Full-text search, the pure part: the query people type, parsed into
 * folded terms (proto/fold.h) and turned into an SQLite FTS5 expression in
 * which every term is quoted, so no query can be an FTS5 syntax error;
 * the text of a record that the index holds; and snippets cut from the
 * original text around the matches. The daemon's index (daemon/search_index.c)
 * and every test share this one implementation.
 *
 * Query syntax: words, all of which must match; "quoted words" must match
 * as a phrase; a word with inner punctuation ("Hejninge-Stillinge") is a
 * phrase of its parts; the last word is marked as a prefix when it has at
 * least TV_SEARCH_PREFIX_MIN folded bytes and no space follows it (the
 * daemon tries the words as typed first: see daemon/ctl_search.c).
 */
#ifndef TVAERS_PROTO_SEARCH_H
#define TVAERS_PROTO_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fold.h"
#include "record.h"

#define TV_SEARCH_TEXT_MAX 256	/* bytes of a query */
#define TV_SEARCH_TERMS_MAX 16	/* words of a query, after folding */
#define TV_SEARCH_PREFIX_MIN 3	/* folded bytes for a prefix match */
#define TV_SEARCH_MARKS_MAX 8	/* highlighted matches in one snippet */
/* Room for the FTS5 expression of any query and kind. */
#define TV_SEARCH_MATCH_MAX (4 * TV_SEARCH_TEXT_MAX * 2 + 256)

struct tv_search_term {
	const char *text;	/* folded, NUL-terminated, in the query's buf */
	size_t len;
	unsigned phrase;	/* terms of one phrase share it, in order */
	bool is_prefix;
};

/* A parsed query; self-contained (no pointers out of it but into buf). */
struct tv_search_query {
	struct tv_search_term terms[TV_SEARCH_TERMS_MAX];
	size_t n_terms;
	char buf[TV_SEARCH_TEXT_MAX * TV_FOLD_UNIT_MAX / 2 + TV_SEARCH_TERMS_MAX];
};

/* Where the matches are in one text, and the excerpt to show. */
struct tv_snippet {
	size_t start, end;	/* the excerpt: bytes [start, end) of the text */
	size_t n_marks;		/* matches inside the excerpt, in order */
	size_t mark_start[TV_SEARCH_MARKS_MAX]; /* byte offsets in the text */
	size_t mark_end[TV_SEARCH_MARKS_MAX];
	unsigned hits;		/* how many of the query's terms occur at all */
};

/* Called per text of a record: field is its wire name, NUL-terminated. */
typedef int tv_search_text_cb(void *arg, const char *field, const char *text,
    size_t len, bool is_title);

/*
 * Parses len bytes of what a person typed into *out. Returns 0;
 * TV_ETOOBIG (longer than TV_SEARCH_TEXT_MAX bytes or more than
 * TV_SEARCH_TERMS_MAX words), TV_EUTF8, or TV_EINVAL (no letter or digit
 * to search for), each with a sentence in errbuf.
 */
int tv_search_parse(const char *text, size_t len, struct tv_search_query *out,
    char *errbuf, size_t errlen);
/*
 * Writes the FTS5 expression for q into out (cap bytes, NUL-terminated):
 * q's phrases over the columns title and body, and if kind is not NULL,
 * that kind in column kind. Returns 0 or TV_ETOOBIG if it does not fit.
 */
int tv_search_match(const struct tv_search_query *q, const char *kind,
    char *out, size_t cap);
/*
 * Finds q's terms in len bytes of UTF-8 text and cuts an excerpt of about
 * width bytes around the first match, at spaces where it can (the whole
 * text if it is short; the start of it if nothing matches). Offsets are of
 * the original text, never of its folded form.
 */
void tv_search_snippet(const struct tv_search_query *q, const char *text,
    size_t len, size_t width, struct tv_snippet *out);
/*
 * Calls cb for every text of record r that search indexes: every string in
 * its body, at any depth, the title field marked, and the name of any
 * municipality code. A tombstone has none. Returns 0, cb's first non-zero
 * value, or a tv_decode error.
 */
int tv_search_texts(const struct tv_record *r, tv_search_text_cb *cb,
    void *arg);

#endif
