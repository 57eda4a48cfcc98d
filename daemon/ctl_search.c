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

int
ctl_op_search(struct ctl_req *req)
{
	char text[4 * TV_SEARCH_TEXT_MAX], kind[TV_KIND_MAX + 1];
	char match[TV_SEARCH_MATCH_MAX];
	struct tv_search_query q;
	struct search_run run = { .req = req, .q = &q };
	const struct tv_kind *k;
	bool has_kind;
	size_t limit, hits;
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
	if ((rc = tv_search_match(&q, has_kind ? kind : NULL, match,
	    sizeof(match))) != 0) {
		snprintf(req->msg, sizeof(req->msg), "the search is too long");
		return rc;
	}
	rc = store_search(req->d->store, match, limit, search_hit, &run, &hits);
	if (rc != 0 || run.err != 0) {
		rc = rc ? rc : run.err;
		snprintf(req->msg, sizeof(req->msg), "search failed: %s",
		    tv_strerror(rc));
		return rc;
	}
	snprintf(req->msg, sizeof(req->msg), "%zu found", hits);
	return 0;
}
