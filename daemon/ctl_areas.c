/*
 * Control ops about other areas: areas, block, unblock, and the sync event
 * log (PROTOCOL.md §8).
 */
#include "ctl_areas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "daemon.h"
#include "err.h"
#include "ids.h"
#include "kinds.h"
#include "log.h"
#include "net.h"
#include "store.h"
#include "sync.h"
#include "synclog.h"

#define AREAS_MAX 4096		/* areas one request looks at */
#define LINKS_MAX 256
#define NAME_MAX_LEN 121

struct area_info {
	uint8_t pk[TV_PK_LEN];
	char name[NAME_MAX_LEN];
	int municipality;	/* 0: unknown */
	uint64_t records, last_ts;
	bool is_blocked;
};

struct areas {
	struct area_info *a;
	size_t n, cap;
	uint8_t links[LINKS_MAX][TV_PK_LEN];	/* areas linked right now */
	char link_names[LINKS_MAX][NAME_MAX_LEN];
	size_t n_links;
};

/* Takes name and municipality from an area profile record. */
static void
profile_fields(const uint8_t *raw, size_t len, struct area_info *out)
{
	struct tv_record r;
	struct tv_doc *doc;
	const struct tv_value *body, *v;

	if (raw == NULL || tv_record_decode(raw, len, &r) != 0 ||
	    r.body_len == 0 || tv_decode(r.body, r.body_len, &doc, &body) != 0)
		return;
	if (body->type == TV_MAP) {
		v = tv_map_get(body, "name");
		if (v != NULL && v->type == TV_STR)
			snprintf(out->name, sizeof(out->name), "%.*s",
			    (int)v->len, (const char *)v->bytes);
		v = tv_map_get(body, "municipality");
		if (v != NULL && v->type == TV_UINT && v->u < 1000)
			out->municipality = (int)v->u;
	}
	tv_doc_free(doc);
}

static int
area_cb(void *arg, const struct store_area *sa)
{
	struct areas *as = arg;
	struct area_info *ai;

	if (as->n == as->cap) {
		size_t cap = as->cap ? as->cap * 2 : 32;
		void *p;

		if (as->n >= AREAS_MAX)
			return 1;
		if ((p = realloc(as->a, cap * sizeof(*as->a))) == NULL)
			return TV_ENOMEM;
		as->a = p;
		as->cap = cap;
	}
	ai = &as->a[as->n++];
	memset(ai, 0, sizeof(*ai));
	memcpy(ai->pk, sa->origin, TV_PK_LEN);
	ai->records = sa->records;
	ai->last_ts = sa->last_ts;
	ai->is_blocked = sa->is_blocked;
	profile_fields(sa->profile, sa->profile_len, ai);
	return 0;
}

static int
link_cb(void *arg, const struct net_peer_info *in)
{
	struct areas *as = arg;

	if (!in->is_connected || in->area == NULL || as->n_links == LINKS_MAX)
		return 0;
	memcpy(as->links[as->n_links], in->area, TV_PK_LEN);
	snprintf(as->link_names[as->n_links], NAME_MAX_LEN, "%s",
	    in->name ? in->name : "");
	as->n_links++;
	return 0;
}

static void
areas_free(struct areas *as)
{
	free(as->a);
	free(as);
}

/* Gathers what the store and the links know; NULL with msg set on error. */
static struct areas *
areas_load(struct ctl_req *req)
{
	struct areas *as = calloc(1, sizeof(*as));
	int rc;

	if (as == NULL) {
		snprintf(req->msg, sizeof(req->msg), "out of memory");
		return NULL;
	}
	rc = store_areas(req->d->store, area_cb, as);
	if (rc < 0) {
		snprintf(req->msg, sizeof(req->msg), "cannot list the areas: "
		    "%s", tv_strerror(rc));
		areas_free(as);
		return NULL;
	}
	if (req->d->net != NULL)
		(void)net_peers_each(req->d->net, link_cb, as);
	return as;
}

static bool
is_linked(const struct areas *as, const uint8_t *pk, const char **name)
{
	for (size_t i = 0; i < as->n_links; i++)
		if (memcmp(as->links[i], pk, TV_PK_LEN) == 0) {
			if (name != NULL)
				*name = as->link_names[i];
			return true;
		}
	return false;
}

/*
 * Resolves what a person typed: a full area id, a unique prefix of a known
 * area's id, or a unique area name. Returns 0, TV_ENOTFOUND or
 * TV_EAMBIGUOUS with msg set.
 */
static int
resolve(struct ctl_req *req, const struct areas *as, const char *text,
    uint8_t out[static TV_PK_LEN])
{
	uint8_t lo[TV_PK_LEN], hi[TV_PK_LEN];
	size_t found = 0;

	if (strlen(text) == TV_AREA_TEXT_LEN &&
	    tv_b32_decode(text, TV_AREA_TEXT_LEN, out, TV_PK_LEN) == 0)
		return 0;
	if (tv_is_id_prefix(text, TV_AREA_TEXT_LEN) &&
	    tv_prefix_range(text, TV_PK_LEN, lo, hi) == 0) {
		for (size_t i = 0; i < as->n; i++)
			if (memcmp(as->a[i].pk, lo, TV_PK_LEN) >= 0 &&
			    memcmp(as->a[i].pk, hi, TV_PK_LEN) <= 0 &&
			    found++ == 0)
				memcpy(out, as->a[i].pk, TV_PK_LEN);
		for (size_t i = 0; i < as->n_links; i++)
			if (memcmp(as->links[i], lo, TV_PK_LEN) >= 0 &&
			    memcmp(as->links[i], hi, TV_PK_LEN) <= 0 &&
			    (found == 0 || memcmp(as->links[i], out,
			    TV_PK_LEN) != 0) && found++ == 0)
				memcpy(out, as->links[i], TV_PK_LEN);
	}
	if (found == 0) {
		for (size_t i = 0; i < as->n; i++)
			if (as->a[i].name[0] &&
			    strcasecmp(as->a[i].name, text) == 0 &&
			    found++ == 0)
				memcpy(out, as->a[i].pk, TV_PK_LEN);
		for (size_t i = 0; i < as->n_links; i++)
			if (as->link_names[i][0] &&
			    strcasecmp(as->link_names[i], text) == 0 &&
			    (found == 0 || memcmp(as->links[i], out,
			    TV_PK_LEN) != 0) && found++ == 0)
				memcpy(out, as->links[i], TV_PK_LEN);
	}
	if (found == 1)
		return 0;
	snprintf(req->msg, sizeof(req->msg), found == 0 ?
	    "no known area has the id or name '%s' (see `tvaers areas`)" :
	    "'%s' matches more than one area; give more of its id",
	    text);
	return found == 0 ? TV_ENOTFOUND : TV_EAMBIGUOUS;
}

static int
arg_area(struct ctl_req *req, char *out, size_t outlen)
{
	const struct tv_value *v = tv_map_get(req->in->args, "area");

	if (v == NULL || v->type != TV_STR || v->len == 0 || v->len >= outlen) {
		snprintf(req->msg, sizeof(req->msg), "argument 'area' must be "
		    "an area id, a prefix of one, or an area's name");
		return TV_EINVAL;
	}
	memcpy(out, v->bytes, v->len);
	out[v->len] = 0;
	return 0;
}

static int
block_or_unblock(struct ctl_req *req, bool is_block)
{
	struct tvaersd *d = req->d;
	char text[256], id[TV_AREA_TEXT_LEN + 1];
	uint8_t pk[TV_PK_LEN];
	struct areas *as;
	uint64_t deleted = 0;
	int rc;

	if ((rc = arg_area(req, text, sizeof(text))) != 0)
		return rc;
	if ((as = areas_load(req)) == NULL)
		return TV_ENOMEM;
	rc = resolve(req, as, text, pk);
	areas_free(as);
	if (rc != 0)
		return rc;
	tv_area_text(pk, id);
	if (memcmp(pk, d->area.kp.pk, TV_PK_LEN) == 0) {
		snprintf(req->msg, sizeof(req->msg), "%s is this daemon's own "
		    "area; it cannot be %s", id, is_block ? "blocked" :
		    "unblocked");
		return TV_EINVAL;
	}
	if (is_block) {
		rc = store_block(d->store, pk, (int64_t)time(NULL), &deleted);
		if (rc != 0) {
			snprintf(req->msg, sizeof(req->msg), "cannot block: %s",
			    tv_strerror(rc));
			return rc;
		}
		log_info("sync: blocked area %s; %llu records deleted", id,
		    (unsigned long long)deleted);
		synclog_add(NULL, pk, "blocked; %llu records deleted",
		    (unsigned long long)deleted);
		snprintf(req->msg, sizeof(req->msg), "blocked %s; %llu "
		    "record%s deleted", id, (unsigned long long)deleted,
		    deleted == 1 ? "" : "s");
		return 0;
	}
	rc = store_unblock(d->store, pk);
	if (rc == TV_ENOTFOUND) {
		snprintf(req->msg, sizeof(req->msg), "%s is not blocked", id);
		return rc;
	}
	if (rc != 0) {
		snprintf(req->msg, sizeof(req->msg), "cannot unblock: %s",
		    tv_strerror(rc));
		return rc;
	}
	log_info("sync: unblocked area %s", id);
	synclog_add(NULL, pk, "unblocked");
	if (d->net != NULL)
		sync_reconcile_now(d);
	snprintf(req->msg, sizeof(req->msg), "unblocked %s; its records "
	    "return as the links reconcile", id);
	return 0;
}

int
ctl_op_block(struct ctl_req *req)
{
	return block_or_unblock(req, true);
}

int
ctl_op_unblock(struct ctl_req *req)
{
	return block_or_unblock(req, false);
}

static int
area_item(struct ctl_req *req, const struct areas *as,
    const struct area_info *ai)
{
	struct tv_w *w = req->out;
	char id[TV_AREA_TEXT_LEN + 1];
	const struct tv_municipality *m = ai->municipality ?
	    tv_municipality_find(ai->municipality) : NULL;
	const char *link_name = NULL;
	bool direct = is_linked(as, ai->pk, &link_name);
	const char *name = ai->name[0] ? ai->name :
	    link_name && link_name[0] ? link_name : NULL;
	long start = tv_ctl_item_begin(w);

	if (start < 0)
		return (int)start;
	tv_area_text(ai->pk, id);
	/* Keys in canonical order: by length, then bytes. */
	tv_w_map(w, 9);
	tv_w_cstr(w, "own");
	tv_w_bool(w, memcmp(ai->pk, req->d->area.kp.pk, TV_PK_LEN) == 0);
	tv_w_cstr(w, "area");
	tv_w_cstr(w, id);
	tv_w_cstr(w, "name");
	if (name != NULL)
		tv_w_cstr(w, name);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "direct");
	tv_w_bool(w, direct);
	tv_w_cstr(w, "blocked");
	tv_w_bool(w, ai->is_blocked);
	tv_w_cstr(w, "records");
	tv_w_uint(w, ai->records);
	tv_w_cstr(w, "last_update");
	if (ai->last_ts > 0)
		tv_w_uint(w, ai->last_ts);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "municipality");
	if (ai->municipality)
		tv_w_uint(w, (uint64_t)ai->municipality);
	else
		tv_w_nil(w);
	tv_w_cstr(w, "municipality_name");
	if (m != NULL)
		tv_w_cstr(w, m->name);
	else
		tv_w_nil(w);
	return tv_ctl_frame_end(w, start);
}

int
ctl_op_areas(struct ctl_req *req)
{
	struct areas *as = areas_load(req);
	bool own_seen = false;
	int rc = 0;

	if (as == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < as->n && rc == 0; i++) {
		own_seen |= memcmp(as->a[i].pk, req->d->area.kp.pk,
		    TV_PK_LEN) == 0;
		rc = area_item(req, as, &as->a[i]);
	}
	/* Linked areas this store holds nothing of yet. */
	for (size_t i = 0; i < as->n_links && rc == 0; i++) {
		struct area_info ai;
		bool seen = false;

		for (size_t j = 0; j < as->n && !seen; j++)
			seen = memcmp(as->a[j].pk, as->links[i],
			    TV_PK_LEN) == 0;
		if (seen)
			continue;
		memset(&ai, 0, sizeof(ai));
		memcpy(ai.pk, as->links[i], TV_PK_LEN);
		rc = area_item(req, as, &ai);
	}
	if (!own_seen && rc == 0) {
		struct area_info ai;

		memset(&ai, 0, sizeof(ai));
		memcpy(ai.pk, req->d->area.kp.pk, TV_PK_LEN);
		rc = area_item(req, as, &ai);
	}
	areas_free(as);
	if (rc != 0)
		snprintf(req->msg, sizeof(req->msg), "cannot list the areas: "
		    "%s", tv_strerror(rc));
	return rc;
}

int
ctl_op_log(struct ctl_req *req)
{
	const struct tv_value *lim = tv_map_get(req->in->args, "limit");
	const struct tv_value *lev = tv_map_get(req->in->args, "level");
	size_t n = synclog_count(), limit = 50;
	int rc = 0;

	if (lev != NULL && lev->type != TV_NIL) {
		enum log_level level;
		char text[16];

		if (lev->type != TV_STR || lev->len >= sizeof(text))
			goto bad_level;
		memcpy(text, lev->bytes, lev->len);
		text[lev->len] = 0;
		if (strcmp(text, "verbose") == 0)
			level = LOG_LEVEL_DEBUG;
		else if (log_level_parse(text, &level) != 0)
			goto bad_level;
		log_set_level(level);
		req->d->log_level_fixed = true;
		snprintf(req->msg, sizeof(req->msg), "log level is now %s",
		    log_level_name(level));
		return 0;
	}
	if (lim != NULL && lim->type != TV_NIL) {
		if (lim->type != TV_UINT || lim->u < 1 ||
		    lim->u > SYNCLOG_MAX) {
			snprintf(req->msg, sizeof(req->msg), "argument 'limit' "
			    "must be a whole number from 1 to %d",
			    SYNCLOG_MAX);
			return TV_EINVAL;
		}
		limit = (size_t)lim->u;
	}
	for (size_t i = n > limit ? n - limit : 0; i < n && rc == 0; i++) {
		const struct synclog_entry *e = synclog_get(i);
		char id[TV_AREA_TEXT_LEN + 1];
		long start = tv_ctl_item_begin(req->out);

		if (start < 0)
			return (int)start;
		tv_w_map(req->out, 4);
		tv_w_cstr(req->out, "area");
		if (e->has_area) {
			tv_area_text(e->area, id);
			tv_w_cstr(req->out, id);
		} else
			tv_w_nil(req->out);
		tv_w_cstr(req->out, "peer");
		tv_w_cstr(req->out, e->peer);
		tv_w_cstr(req->out, "time");
		tv_w_int(req->out, e->time_ms);
		tv_w_cstr(req->out, "event");
		tv_w_cstr(req->out, e->event);
		rc = tv_ctl_frame_end(req->out, start);
	}
	return rc;
bad_level:
	snprintf(req->msg, sizeof(req->msg), "argument 'level' must be one of "
	    "error, warn, info, debug, verbose");
	return TV_EINVAL;
}
