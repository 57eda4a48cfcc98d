/*
 * The search query parser and its companions (proto/search.c, fold.c):
 * input is QUERY [NUL TEXT]. A query that parses has 1..16 terms, each
 * already folded; its FTS5 expression has every string closed (so no user
 * text can be FTS5 syntax); folding squeezes spaces and leaves no ASCII
 * capital; a snippet of TEXT stays inside it, with its marks inside the
 * excerpt, in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fold.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every "..." string is closed ("" inside is a quote); outside, no quote. */
static void
check_match(const char *m)
{
	for (const char *p = m; *p; p++) {
		if (*p != '"')
			continue;
		for (p++;; p++) {
			if (*p == 0)
				abort();	/* an open string */
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
		}
	}
}

static void
check_fold(const char *s, size_t len)
{
	char *f, *again;
	size_t n, n2;

	if (tv_fold(s, len, &f, &n) != 0)
		return;
	if (strlen(f) != n || (n > 0 && (f[0] == ' ' || f[n - 1] == ' ')) ||
	    strstr(f, "  ") != NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (f[i] >= 'A' && f[i] <= 'Z')
			abort();
	/* Folding is idempotent on what it produced. */
	if (tv_fold(f, n, &again, &n2) == 0) {
		if (n2 != n || memcmp(again, f, n) != 0)
			abort();
		free(again);
	}
	free(f);
}

static void
check_snippet(const struct tv_search_query *q, const char *text, size_t len,
    size_t width)
{
	struct tv_snippet s;
	size_t at;

	tv_search_snippet(q, text, len, width, &s);
	if (s.start > s.end || s.end > len || s.n_marks > TV_SEARCH_MARKS_MAX ||
	    s.hits > q->n_terms)
		abort();
	at = s.start;
	for (size_t i = 0; i < s.n_marks; i++) {
		if (s.mark_start[i] < at || s.mark_end[i] <= s.mark_start[i] ||
		    s.mark_end[i] > s.end)
			abort();
		at = s.mark_end[i];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nul = memchr(in, 0, size);
	size_t qlen = nul ? (size_t)(nul - in) : size;
	const char *text = nul ? nul + 1 : in;
	size_t tlen = nul ? size - qlen - 1 : size;
	struct tv_search_query q;
	char why[256], m[TV_SEARCH_MATCH_MAX];

	check_fold(in, size);
	if (tv_search_parse(in, qlen, &q, why, sizeof(why)) != 0)
		return 0;
	if (q.n_terms == 0 || q.n_terms > TV_SEARCH_TERMS_MAX)
		abort();
	for (size_t i = 0; i < q.n_terms; i++) {
		char *f;
		size_t n;
		if (q.terms[i].len == 0 || strlen(q.terms[i].text) !=
		    q.terms[i].len || memchr(q.terms[i].text, ' ',
		    q.terms[i].len) != NULL || memchr(q.terms[i].text, '"',
		    q.terms[i].len) != NULL)
			abort();
		if (tv_fold(q.terms[i].text, q.terms[i].len, &f, &n) == 0) {
			if (n != q.terms[i].len ||
			    memcmp(f, q.terms[i].text, n) != 0)
				abort();	/* a term is its own folding */
			free(f);
		}
	}
	if (tv_search_match(&q, NULL, m, sizeof(m)) != 0)
		abort();	/* TV_SEARCH_MATCH_MAX fits every query */
	check_match(m);
	if (tv_search_match(&q, "association", m, sizeof(m)) != 0)
		abort();
	check_match(m);
	check_snippet(&q, text, tlen, 1 + (size > 0 ? data[size - 1] : 0));
	return 0;
}
