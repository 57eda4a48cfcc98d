/*
 * `events`: the events held here, own and replicated, that overlap a time
 * window, ordered by start. The kind index gives every event; their spans
 * are read in C (proto/event.c), the matching keys sorted, and the records
 * streamed a page at a time, each with its area's name.
 */
#include "ctl_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "err.h"
#include "event.h"
#include "record.h"

#define PAGE 128		/* events per page of the reply */
#define NAMES_MAX 64		/* area names remembered per request */
#define NAME_MAX_BYTES 512

struct hit {
	int64_t start;
	struct store_key key;
};

struct area_name {
	uint8_t origin[TV_PK_LEN];
	char name[NAME_MAX_BYTES];	/* "" if the area has no name */
};

struct events {
	int64_t from, to;
	struct hit *hits;
	size_t n, cap, next;
	struct area_name names[NAMES_MAX];
	size_t n_names, n_evicted;
	int err;
};

static void
events_free(void *p)
{
	struct events *e = p;

	free(e->hits);
	free(e);
}

/* True if the event of r overlaps [from, to); sets its start. */
static bool
in_window(const struct tv_record *r, int64_t from, int64_t to,
    int64_t *out_start)
{
	const struct tv_value *body;
	struct tv_event_span sp;
	struct tv_doc *doc;
	bool hit = false;

	if (tv_decode(r->body, r->body_len, &doc, &body) != 0)
		return false;
	if (tv_event_span(body, &sp) == 0) {
		/* An event without an end is a moment: it is in if it starts in. */
		hit = sp.start < to && (sp.series_end > from ||
		    sp.start >= from);
		*out_start = sp.start;
	}
	tv_doc_free(doc);
	return hit;
}

static int
collect(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct events *e = arg;
	struct tv_record r;
	int64_t start;

	(void)is_local;
	if (tv_record_decode(raw, len, &r) != 0 || tv_record_is_deleted(&r) ||
	    !in_window(&r, e->from, e->to, &start))
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		struct hit *h = realloc(e->hits, cap * sizeof(*h));
		if (h == NULL) {
			e->err = TV_ENOMEM;
			return 1;
		}
		e->hits = h;
		e->cap = cap;
	}
	e->hits[e->n].start = start;
	memcpy(e->hits[e->n].key.origin, r.origin, TV_PK_LEN);
	memcpy(e->hits[e->n].key.id, r.id, TV_ID_LEN);
	e->n++;
	return 0;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

/* The name in an area's profile, looked up once per request. */
static const char *
area_name_of(struct ctl_req *req, struct events *e,
    const uint8_t origin[static TV_PK_LEN])
{
	static const uint8_t zero[TV_ID_LEN];
	const struct tv_value *body, *name;
	struct area_name *slot;
	struct tv_record r;
	struct tv_doc *doc;
	uint8_t *raw;
	size_t len;

	for (size_t i = 0; i < e->n_names; i++)
		if (memcmp(e->names[i].origin, origin, TV_PK_LEN) == 0)
			return e->names[i].name;
	/* Past NAMES_MAX areas the oldest slot is reused. */
	slot = &e->names[e->n_names < NAMES_MAX ? e->n_names++ :
	    e->n_evicted++ % NAMES_MAX];
	memcpy(slot->origin, origin, TV_PK_LEN);
	slot->name[0] = 0;
	if (store_get(req->d->store, origin, zero, &raw, &len, NULL) != 0)
		return slot->name;
	if (tv_record_decode(raw, len, &r) == 0 && r.body_len > 0 &&
	    tv_decode(r.body, r.body_len, &doc, &body) == 0) {
		name = tv_map_get(body, "name");
		if (name != NULL && name->type == TV_STR &&
		    name->len < sizeof(slot->name)) {
			memcpy(slot->name, name->bytes, name->len);
			slot->name[name->len] = 0;
		}
		tv_doc_free(doc);
	}
	free(raw);
	return slot->name;
}

/* One item: {"raw": bin, "local": bool, "area_name": str or nil}. */
static int
put_event(struct ctl_req *req, struct events *e, const struct hit *h)
{
	uint8_t *raw;
	size_t len;
	bool is_local;
	const char *name;
	long start;
	int rc;

	rc = store_get(req->d->store, h->key.origin, h->key.id, &raw, &len,
	    &is_local);
	if (rc == TV_ENOTFOUND)
		return 0;	/* deleted since the listing began */
	if (rc != 0)
		return rc;
	name = area_name_of(req, e, h->key.origin);
	if ((start = tv_ctl_item_begin(req->out)) < 0) {
		free(raw);
		return (int)start;
	}
	/* Canonical key order: shorter encodings first (PROTOCOL.md §2.4). */
	tv_w_map(req->out, 3);
	tv_w_cstr(req->out, "raw");
	tv_w_bin(req->out, raw, len);
	tv_w_cstr(req->out, "local");
	tv_w_bool(req->out, is_local);
	tv_w_cstr(req->out, "area_name");
	if (*name)
		tv_w_cstr(req->out, name);
	else
		tv_w_nil(req->out);
	free(raw);
	return tv_ctl_frame_end(req->out, start);
}

static int
events_more(struct ctl_req *req)
{
	struct events *e = req->state;
	int rc;

	for (size_t i = 0; i < PAGE && e->next < e->n; i++, e->next++)
		if ((rc = put_event(req, e, &e->hits[e->next])) != 0) {
			snprintf(req->msg, sizeof(req->msg), "listing events "
			    "failed: %s", tv_strerror(rc));
			return rc;
		}
	return e->next < e->n ? 1 : 0;
}

/* Reads an optional argument of unix seconds. */
static int
arg_time(struct ctl_req *req, const char *name, int64_t *out)
{
	const struct tv_value *v = tv_map_get(req->in->args, name);

	if (v == NULL || v->type == TV_NIL)
		return 0;
	if (v->type == TV_UINT && v->u <= INT64_MAX) {
		*out = (int64_t)v->u;
		return 0;
	}
	if (v->type == TV_NINT) {
		*out = v->i;
		return 0;
	}
	snprintf(req->msg, sizeof(req->msg), "argument '%s' must be a time "
	    "in seconds since 1970 (UTC)", name);
	return TV_ETYPE;
}

int
ctl_op_events(struct ctl_req *req)
{
	struct store_query q = { .kind = "event" };
	struct store_cursor cur = { .started = false };
	struct events *e;
	long rows;
	int rc;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return TV_ENOMEM;
	req->state = e;
	req->state_free = events_free;
	e->from = INT64_MIN;
	e->to = INT64_MAX;
	if ((rc = arg_time(req, "from", &e->from)) != 0 ||
	    (rc = arg_time(req, "to", &e->to)) != 0)
		return rc;
	rows = store_list(req->d->store, &q, &cur, 0, collect, e);
	if (rows < 0 || e->err != 0) {
		rc = rows < 0 ? (int)rows : e->err;
		snprintf(req->msg, sizeof(req->msg), "listing events failed: "
		    "%s", tv_strerror(rc));
		return rc;
	}
	if (e->n > 1)	/* qsort takes no NULL, even for no items */
		qsort(e->hits, e->n, sizeof(*e->hits), hit_cmp);
	rc = events_more(req);
	if (rc > 0)
		req->more = events_more;
	return rc < 0 ? rc : 0;
}
