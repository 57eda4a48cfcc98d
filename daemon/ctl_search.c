/*
 * search: parses the text people typed (proto/search.h), runs it over the
 * store's index and answers each hit with the record, its area's name and
 * a snippet cut from the original text of the field that matched best.
 * Local-only records are found too: the control socket is this area's own
 * people, who may list them anyway, and nothing here leaves the daemon.
 */
#include "ctl_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "err.h"
#include "kinds.h"
#include "record.h"
#include "search.h"
#include "store.h"

#define LIMIT_DEFAULT 20
#define LIMIT_MAX 100
#define SNIPPET_BYTES 120	/* about one line and a half of text */
#define AREA_NAME_MAX 121

/* The best snippet of one record so far. */
struct best {
	const struct tv_search_query *q;
	char field[64];
	const char *text;	/* a view into the record */
	struct tv_snippet snip;
	bool has, is_title;
};

/* More terms win; on a tie a body text beats the title, which is shown anyway. */
static int
best_text(void *arg, const char *field, const char *text, size_t len,
    bool is_title)
{
	struct best *b = arg;
	struct tv_snippet s;

	tv_search_snippet(b->q, text, len, SNIPPET_BYTES, &s);
	if (s.hits == 0 && b->has)
		return 0;
	if (b->has && (s.hits < b->snip.hits || (s.hits == b->snip.hits &&
	    (is_title || !b->is_title))))
		return 0;
	snprintf(b->field, sizeof(b->field), "%s", field);
	b->text = text;
	b->snip = s;
	b->has = true;
	b->is_title = is_title;
	return 0;
}

/* The name in origin's area profile, or "" if it has none. */
static void
area_name_of(struct store *st, const uint8_t *origin, char *out, size_t outlen)
{
	static const uint8_t zero_id[TV_ID_LEN];
	const struct tv_value *body, *v;
	struct tv_record r;
	struct tv_doc *doc;
	uint8_t *raw;
	size_t len;

	out[0] = 0;
	if (store_get(st, origin, zero_id, &raw, &len, NULL) != 0)
		return;
	if (tv_record_decode(raw, len, &r) == 0 && r.body_len > 0 &&
	    tv_decode(r.body, r.body_len, &doc, &body) == 0) {
		v = body->type == TV_MAP ? tv_map_get(body, "name") : NULL;
		if (v != NULL && v->type == TV_STR)
			snprintf(out, outlen, "%.*s", (int)v->len,
			    (const char *)v->bytes);
		tv_doc_free(doc);
	}
	free(raw);
}

struct search_run {
	struct ctl_req *req;
	const struct tv_search_query *q;
	uint64_t rank;
	int err;
};

/* The hits of one pass, copied, so a pass can be thrown away. */
struct collected {
	struct { uint8_t *raw; size_t len; bool is_local; } *hit;
	size_t n, cap;
	int err;
};

static int
collect_hit(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct collected *c = arg;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		void *p = realloc(c->hit, cap * sizeof(*c->hit));
		if (p == NULL)
			return c->err = TV_ENOMEM;
		c->hit = p;
		c->cap = cap;
	}
	if ((c->hit[c->n].raw = malloc(len ? len : 1)) == NULL)
		return c->err = TV_ENOMEM;
	memcpy(c->hit[c->n].raw, raw, len);
	c->hit[c->n].len = len;
	c->hit[c->n].is_local = is_local;
	c->n++;
	return 0;
}

static void
collected_clear(struct collected *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->hit[i].raw);
	c->n = 0;
}

/* Writes the keys in canonical order: shorter first, then bytewise. */
static int
put_hit(struct search_run *run, const struct tv_record *r, bool is_local,
    const struct best *b, const char *area)
{
	struct tv_w *w = run->req->out;
	long start = tv_ctl_item_begin(w);

	if (start < 0)
		return (int)start;
	tv_w_map(w, 7);
	tv_w_cstr(w, "raw");
	tv_w_bin(w, r->raw, r->raw_len);
	tv_w_cstr(w, "rank");
	tv_w_uint(w, run->rank);
	tv_w_cstr(w, "field");
	if (b->has)
		tv_w_cstr(w, b->field);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "local");
	tv_w_bool(w, is_local);
	tv_w_cstr(w, "marks");
	tv_w_array(w, b->has ? (uint32_t)b->snip.n_marks : 0);
	for (size_t i = 0; b->has && i < b->snip.n_marks; i++) {
		tv_w_array(w, 2);
		tv_w_uint(w, b->snip.mark_start[i] - b->snip.start);
		tv_w_uint(w, b->snip.mark_end[i] - b->snip.start);
	}
	tv_w_cstr(w, "snippet");
	if (b->has)
		tv_w_str(w, b->text + b->snip.start, b->snip.end -
		    b->snip.start);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "area_name");
	if (area[0])
		tv_w_cstr(w, area);
	else
		tv_w_nil(w);
	return tv_ctl_frame_end(w, start);
}

static int
search_hit(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct search_run *run = arg;
	struct best b = { .q = run->q };
	char area[AREA_NAME_MAX];
	struct tv_record r;

	if (tv_record_decode(raw, len, &r) != 0)
		return 0;	/* stored records decode; never fail a search */
	(void)tv_search_texts(&r, best_text, &b);
	area_name_of(run->req->d->store, r.origin, area, sizeof(area));
	run->rank++;
	run->err = put_hit(run, &r, is_local, &b, area);
	return run->err;
}

/* The optional "limit": 1 .. LIMIT_MAX, LIMIT_DEFAULT if absent. */
static int
arg_limit(struct ctl_req *req, size_t *out)
{
	const struct tv_value *v = tv_map_get(req->in->args, "limit");

	*out = LIMIT_DEFAULT;
	if (v == NULL)
		return 0;
	if (v->type != TV_UINT || v->u < 1 || v->u > LIMIT_MAX) {
		snprintf(req->msg, sizeof(req->msg), "argument 'limit' must "
		    "be a whole number from 1 to %d", LIMIT_MAX);
		return TV_EINVAL;
	}
	*out = (size_t)v->u;
	return 0;
}

/* Runs one FTS5 expression of q into found; 0 or an error with msg set. */
static int
run_pass(struct ctl_req *req, const struct tv_search_query *q,
    const char *kind, size_t limit, struct collected *found)
{
	char match[TV_SEARCH_MATCH_MAX];
	size_t hits;
	int rc;

	if ((rc = tv_search_match(q, kind, match, sizeof(match))) != 0) {
		snprintf(req->msg, sizeof(req->msg), "the search is too long");
		return rc;
	}
	rc = store_search(req->d->store, match, limit, collect_hit, found,
	    &hits);
	return rc ? rc : found->err;
}

/*
 * A prefix on the last word costs as much as every word it begins: "for"
 * merges the doclists of forening, foreningen, for, ... before anything
 * is ranked. So the words are first matched exactly, and only when that
 * finds fewer than limit hits does the last word match as a prefix (as
 * when someone is still typing "sønderb").
 */
static int
run_passes(struct ctl_req *req, struct tv_search_query *q, const char *kind,
    size_t limit, struct collected *found)
{
	struct tv_search_term *last = &q->terms[q->n_terms - 1];
	int rc;

	if (!last->is_prefix)
		return run_pass(req, q, kind, limit, found);
	last->is_prefix = false;
	rc = run_pass(req, q, kind, limit, found);
	last->is_prefix = true;
	if (rc != 0 || found->n >= limit)
		return rc;
	collected_clear(found);
	return run_pass(req, q, kind, limit, found);
}

int
ctl_op_search(struct ctl_req *req)
{
	char text[4 * TV_SEARCH_TEXT_MAX], kind[TV_KIND_MAX + 1];
	struct tv_search_query q;
	struct search_run run = { .req = req, .q = &q };
	struct collected found = { .n = 0 };
	const struct tv_kind *k;
	bool has_kind;
	size_t limit;
	int rc;

	if ((rc = ctl_arg_str(req, "text", true, text, sizeof(text))) != 0)
		return rc;
	rc = ctl_arg_str(req, "kind", false, kind, sizeof(kind));
	if (rc != 0 && rc != TV_ENOTFOUND)
		return rc;
	has_kind = rc == 0;
	if (has_kind && (k = tv_kind_find(kind, strlen(kind))) != NULL)
		snprintf(kind, sizeof(kind), "%s", k->name);
	if ((rc = arg_limit(req, &limit)) != 0)
		return rc;
	if ((rc = tv_search_parse(text, strlen(text), &q, req->msg,
	    sizeof(req->msg))) != 0)
		return rc;
	rc = run_passes(req, &q, has_kind ? kind : NULL, limit, &found);
	for (size_t i = 0; rc == 0 && i < found.n; i++)
		rc = search_hit(&run, found.hit[i].raw, found.hit[i].len,
		    found.hit[i].is_local);
	if (rc == 0)
		snprintf(req->msg, sizeof(req->msg), "%zu found", found.n);
	else if (req->msg[0] == 0)
		snprintf(req->msg, sizeof(req->msg), "search failed: %s",
		    tv_strerror(rc));
	collected_clear(&found);
	free(found.hit);
	return rc;
}
