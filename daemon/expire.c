/*
 * Event expiry (expire.h). Events are a small share of the records, so a
 * sweep reads every event through the kind index and decides in C with
 * proto's rule; the keys of the expired ones are deleted in one batch.
 */
#include "expire.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "daemon.h"
#include "err.h"
#include "event.h"
#include "log.h"
#include "synclog.h"

#define SWEEP_MS (3600 * 1000)	/* an hour */

struct expire {
	uv_timer_t timer;
	struct tvaersd *d;
};

/* The keys of the expired events a sweep found. */
struct found {
	struct store_key *keys;
	size_t n, cap;
	int keep_months;
	int64_t now;
	int err;
};

static int
keep_months(const struct tvaersd *d)
{
	int k = d->conf.event_keep_months;
	return k > 0 ? k : TV_EVENT_KEEP_MONTHS;
}

/* True if r is a live event that has expired at now. */
static bool
is_expired(const struct tv_record *r, int months, int64_t now)
{
	const struct tv_value *body;
	struct tv_doc *doc;
	bool expired;

	if (!tv_record_kind_is(r, "event") || tv_record_is_deleted(r) ||
	    tv_decode(r->body, r->body_len, &doc, &body) != 0)
		return false;
	expired = tv_event_is_expired(body, months, now);
	tv_doc_free(doc);
	return expired;
}

static int
collect(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct found *f = arg;
	struct tv_record r;

	(void)is_local;
	if (tv_record_decode(raw, len, &r) != 0 ||
	    !is_expired(&r, f->keep_months, f->now))
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct store_key *k = realloc(f->keys, cap * sizeof(*k));
		if (k == NULL) {
			f->err = TV_ENOMEM;
			return 1;
		}
		f->keys = k;
		f->cap = cap;
	}
	memcpy(f->keys[f->n].origin, r.origin, TV_PK_LEN);
	memcpy(f->keys[f->n].id, r.id, TV_ID_LEN);
	f->n++;
	return 0;
}

int
expire_sweep(struct tvaersd *d, uint64_t *out_deleted)
{
	struct found f = { .keep_months = keep_months(d), .now = time(NULL) };
	struct store_query q = { .kind = "event" };
	struct store_cursor cur = { .started = false };
	long rows;
	int rc;

	*out_deleted = 0;
	rows = store_list(d->store, &q, &cur, 0, collect, &f);
	rc = rows < 0 ? (int)rows : f.err;
	if (rc == 0)
		rc = store_delete(d->store, f.keys, f.n, out_deleted);
	free(f.keys);
	if (rc != 0) {
		log_warnx("expire: sweep failed: %s", tv_strerror(rc));
		return rc;
	}
	if (*out_deleted > 0) {
		log_info("expire: deleted %llu events past their expiry (%d "
		    "months after their end)",
		    (unsigned long long)*out_deleted, f.keep_months);
		synclog_add("local", NULL, "expire: %llu events deleted",
		    (unsigned long long)*out_deleted);
	}
	return 0;
}

bool
expire_drops(struct tvaersd *d, const struct tv_record *r)
{
	int rc;

	if (!is_expired(r, keep_months(d), time(NULL)))
		return false;
	/* The held version would outlive a newer one that says it is over. */
	if ((rc = store_delete_older(d->store, r)) < 0)
		log_warnx("expire: cannot delete a superseded event: %s",
		    tv_strerror(rc));
	return true;
}

static void
on_timer(uv_timer_t *t)
{
	struct expire *e = t->data;
	uint64_t deleted;

	expire_sweep(e->d, &deleted);
}

int
expire_open(struct tvaersd *d, struct expire **out)
{
	struct expire *e = calloc(1, sizeof(*e));
	int rc;

	*out = NULL;
	if (e == NULL)
		return UV_ENOMEM;
	e->d = d;
	if ((rc = uv_timer_init(d->loop, &e->timer)) != 0) {
		free(e);
		return rc;
	}
	e->timer.data = e;
	rc = uv_timer_start(&e->timer, on_timer, SWEEP_MS, SWEEP_MS);
	if (rc != 0) {
		expire_close(e);
		return rc;
	}
	*out = e;
	return 0;
}

static void
on_close(uv_handle_t *h)
{
	free(h->data);
}

void
expire_close(struct expire *e)
{
	if (e == NULL || uv_is_closing((uv_handle_t *)&e->timer))
		return;
	uv_close((uv_handle_t *)&e->timer, on_close);
}
