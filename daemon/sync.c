/*
 * Reconciliation, RECORDS, WANT and live push (sync.h, PROTOCOL.md §12).
 */
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "daemon.h"
#include "err.h"
#include "expire.h"
#include "kinds.h"
#include "log.h"
#include "negentropy.h"
#include "net.h"
#include "store.h"
#include "synclog.h"

#define SYNC_PUMP_MSGS 16	/* RECORDS messages per pump call */

static void publish_queue(struct tvaersd *d,
    const uint8_t hash[static TV_HASH_LEN], const struct peer *from);
static void flush(struct tvaersd *d);

struct sync_link {
	/* The initiator's reconciliation session, if one runs. */
	struct tv_neg_vec *vec;
	struct tv_neg *neg;
	uint64_t session_ms;	/* when the running session last moved */
	uint64_t last_done_ms;	/* when the last session started */
	size_t have_n, need_n;	/* the running session's differences */
	/* Version hashes to send, q[head .. len). */
	uint8_t (*q)[TV_HASH_LEN];
	size_t head, len, cap;
	uint8_t *buf;		/* a RECORDS message being built */
};

static struct store *
store_of(struct peer *p)
{
	return net_daemon(p->net)->store;
}

static uint64_t
now_ms(struct peer *p)
{
	return uv_now(p->tcp.loop);
}

static int
send_w(struct peer *p, struct tv_w *w, int rc)
{
	if (rc == 0)
		rc = tv_w_err(w);
	if (rc == 0)
		rc = peer_send(p, w->buf.data, w->buf.len);
	tv_w_free(w);
	return rc;
}

static void
send_error(struct peer *p, enum tv_wire_ecode code, const char *text)
{
	struct tv_w w;

	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	(void)send_w(p, &w, tv_wire_error_encode(&w, code, text,
	    strlen(text)));
}

/* Queues one hash; false if the queue is full. */
static bool
queue_push(struct sync_link *s, const uint8_t *hash)
{
	if (s->head > 0 && s->len == s->cap) {
		memmove(s->q, s->q + s->head, (s->len - s->head) *
		    sizeof(*s->q));
		s->len -= s->head;
		s->head = 0;
	}
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		void *q;

		if (s->len >= SYNC_QUEUE_MAX)
			return false;
		if (cap > SYNC_QUEUE_MAX)
			cap = SYNC_QUEUE_MAX;
		if ((q = realloc(s->q, cap * sizeof(*s->q))) == NULL)
			return false;
		s->q = q;
		s->cap = cap;
	}
	memcpy(s->q[s->len++], hash, TV_HASH_LEN);
	return true;
}

static void
queue_many(struct peer *p, const uint8_t *hashes, size_t n)
{
	size_t dropped = 0;

	for (size_t i = 0; i < n; i++)
		if (!queue_push(p->sync, hashes + i * TV_HASH_LEN))
			dropped++;
	if (dropped > 0)
		log_info("sync %s: send queue full, %zu versions left for the "
		    "next reconciliation", p->addr, dropped);
}

/* Sends RECORDS from the queue while the link's write queue is short. */
static void
pump(struct peer *p)
{
	struct sync_link *s = p->sync;
	struct store *st = store_of(p);
	struct tv_wire_records_enc e;
	int msgs = 0, rc;

	while (s->head < s->len && msgs < SYNC_PUMP_MSGS &&
	    peer_is_linked(p) && peer_queued(p) < SYNC_WQUEUE_LOW) {
		size_t n, count;

		if (s->buf == NULL &&
		    (s->buf = malloc(TV_WIRE_PLAINTEXT_MAX)) == NULL)
			return;
		tv_wire_records_init(&e, s->buf, TV_WIRE_PLAINTEXT_MAX);
		while (s->head < s->len) {
			uint8_t *raw;
			size_t len;

			rc = store_get_by_hash(st, s->q[s->head], &raw, &len);
			if (rc != 0) {
				/* Superseded, local-only, or a store error. */
				if (rc != TV_ENOTFOUND)
					log_warnx("sync %s: cannot read a "
					    "version: %s", p->addr,
					    tv_strerror(rc));
				s->head++;
				continue;
			}
			if (!tv_wire_records_fits(&e, len)) {
				free(raw);
				break;
			}
			(void)tv_wire_records_add(&e, raw, len);
			free(raw);
			s->head++;
		}
		if ((count = tv_wire_records_count(&e)) == 0)
			break;
		if ((rc = tv_wire_records_finish(&e, &n)) == 0)
			rc = peer_send(p, s->buf, n);
		if (rc != 0) {
			char why[96];
			snprintf(why, sizeof(why), "sync: cannot send "
			    "records: %s", tv_strerror(rc));
			peer_fail(p, why);
			return;
		}
		p->records_out += count;
		msgs++;
	}
	if (s->head == s->len) {
		s->head = s->len = 0;
		if (s->cap > 4096) {
			free(s->q);
			s->q = NULL;
			s->cap = 0;
		}
		free(s->buf);
		s->buf = NULL;
	}
}

static void
session_end(struct sync_link *s)
{
	tv_neg_free(s->neg);
	tv_neg_vec_free(s->vec);
	s->neg = NULL;
	s->vec = NULL;
}

static int
vec_add(void *arg, uint64_t ts, const uint8_t *hash)
{
	return tv_neg_vec_insert(arg, tv_neg_item_ts(ts), hash);
}

/* A snapshot of every version that may leave, and a reconciler over it. */
static int
snapshot(struct peer *p, struct tv_neg_vec **out_vec, struct tv_neg **out_neg)
{
	struct tv_neg_storage stg;
	int rc;

	*out_vec = NULL;
	*out_neg = NULL;
	if ((rc = tv_neg_vec_new(out_vec)) != 0)
		return rc;
	if ((rc = store_sync_items(store_of(p), vec_add, *out_vec)) == 0 &&
	    (rc = tv_neg_vec_seal(*out_vec)) == 0) {
		tv_neg_vec_storage(*out_vec, &stg);
		rc = tv_neg_new(&stg, TV_WIRE_RECONCILE_MAX, out_neg);
	}
	if (rc != 0) {
		tv_neg_vec_free(*out_vec);
		*out_vec = NULL;
	}
	return rc;
}

static int
send_reconcile(struct peer *p, const uint8_t *msg, size_t len)
{
	struct tv_w w;

	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	return send_w(p, &w, tv_wire_reconcile_encode(&w, msg, len));
}

/* The link's initiator starts a reconciliation (PROTOCOL.md §12.1). */
static void
session_start(struct peer *p)
{
	struct sync_link *s = p->sync;
	const uint8_t *msg;
	size_t len;
	int rc;

	if (s->neg != NULL)
		return;
	s->session_ms = s->last_done_ms = now_ms(p);
	s->have_n = s->need_n = 0;
	if ((rc = snapshot(p, &s->vec, &s->neg)) == 0 &&
	    (rc = tv_neg_initiate(s->neg, &msg, &len)) == 0)
		rc = send_reconcile(p, msg, len);
	if (rc != 0) {
		session_end(s);
		log_warnx("sync %s: cannot start reconciliation: %s", p->addr,
		    tv_strerror(rc));
		return;
	}
	log_debug("sync %s: reconciling %zu versions", p->addr,
	    tv_neg_vec_size(s->vec));
}

static int
send_want(struct peer *p, const uint8_t *ids, size_t n)
{
	while (n > 0) {
		size_t k = n > TV_WIRE_WANT_MAX ? TV_WIRE_WANT_MAX : n;
		struct tv_w w;
		int rc;

		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		rc = send_w(p, &w, tv_wire_want_encode(&w,
		    (const uint8_t (*)[TV_HASH_LEN])ids, k));
		if (rc != 0)
			return rc;
		ids += k * TV_HASH_LEN;
		n -= k;
	}
	return 0;
}

static void
on_reconcile(struct peer *p, const uint8_t *in, size_t in_len)
{
	struct sync_link *s = p->sync;
	struct tv_neg_vec *vec = NULL;
	struct tv_neg *neg = NULL;
	const uint8_t *out, *ids;
	size_t out_len, n;
	char why[96];
	int rc;

	if (p->is_initiator) {
		if (s->neg == NULL)
			return;		/* a late answer to a dropped session */
		rc = tv_neg_reconcile(s->neg, in, in_len, &out, &out_len);
		if (rc != 0) {
			session_end(s);
			if (rc == TV_EVERSION || rc == TV_EMALFORMED) {
				send_error(p, TV_WIRE_EBADMSG,
				    "bad reconcile message");
				snprintf(why, sizeof(why), "sync: bad "
				    "reconcile message: %s", tv_strerror(rc));
				peer_fail(p, why);
			} else
				log_warnx("sync %s: reconciliation failed: %s",
				    p->addr, tv_strerror(rc));
			return;
		}
		s->session_ms = now_ms(p);
		ids = tv_neg_have(s->neg, &n);
		queue_many(p, ids, n);
		s->have_n += n;
		ids = tv_neg_need(s->neg, &n);
		s->need_n += n;
		if (n > 0 && (rc = send_want(p, ids, n)) == 0)
			log_debug("sync %s: asked for %zu versions", p->addr,
			    n);
		if (rc == 0 && out_len > 0)
			rc = send_reconcile(p, out, out_len);
		if (out_len == 0) {
			log_debug("sync %s: reconciliation done", p->addr);
			synclog_add(p->addr, p->has_area ? p->area : NULL,
			    "reconciled: %zu here, %zu to send, %zu wanted",
			    tv_neg_vec_size(s->vec), s->have_n, s->need_n);
			session_end(s);
		}
		if (rc != 0) {
			snprintf(why, sizeof(why), "sync: cannot send: %s",
			    tv_strerror(rc));
			peer_fail(p, why);
			return;
		}
		pump(p);
		return;
	}
	/*
	 * Responder: answer from a fresh snapshot each round. The initiator
	 * settles the differences (its have and need lists are complete).
	 */
	if ((rc = snapshot(p, &vec, &neg)) == 0) {
		rc = tv_neg_reconcile(neg, in, in_len, &out, &out_len);
		if (rc == TV_EVERSION) {
			static const uint8_t v1 = TV_NEG_VERSION;
			rc = send_reconcile(p, &v1, 1);
		} else if (rc == TV_EMALFORMED) {
			send_error(p, TV_WIRE_EBADMSG, "bad reconcile message");
			peer_fail(p, "sync: bad reconcile message");
			rc = 0;
		} else if (rc == 0)
			rc = send_reconcile(p, out, out_len);
	}
	tv_neg_free(neg);
	tv_neg_vec_free(vec);
	if (rc != 0 && peer_is_linked(p)) {
		snprintf(why, sizeof(why), "sync: cannot answer reconcile: %s",
		    tv_strerror(rc));
		send_error(p, TV_WIRE_EINTERNAL, "internal error");
		peer_fail(p, why);
	}
}

static void
on_want(struct peer *p, const struct tv_wire_msg *m)
{
	size_t dropped = 0;

	for (size_t i = 0; i < m->want.count; i++)
		if (m->want.items[i].len != TV_HASH_LEN ||
		    !queue_push(p->sync, m->want.items[i].bytes))
			dropped++;
	if (dropped > 0)
		log_info("sync %s: send queue full, %zu wanted versions "
		    "dropped", p->addr, dropped);
	pump(p);
}

/*
 * Checks one received record (PROTOCOL.md §12.3): envelope, not local-only,
 * signature, schema of a known kind. Returns 0 or the reason's code, with
 * why set.
 */
static int
check_record(const uint8_t *raw, size_t len, struct tv_record *r, char *why,
    size_t whylen)
{
	const struct tv_kind *k;
	const struct tv_value *body;
	struct tv_doc *doc;
	int rc;

	if ((rc = tv_record_decode(raw, len, r)) != 0) {
		snprintf(why, whylen, "undecodable record: %s",
		    tv_strerror(rc));
		return rc;
	}
	k = tv_kind_by_wire(r->kind, r->kind_len);
	if (k != NULL && k->is_local) {
		snprintf(why, whylen, "a local-only record");
		return TV_EINVAL;
	}
	if ((rc = tv_record_verify(r)) != 0) {
		snprintf(why, whylen, "bad signature");
		return rc;
	}
	if (k == NULL || r->body_len == 0)
		return 0;	/* unknown kinds are kept and forwarded */
	if ((rc = tv_decode(r->body, r->body_len, &doc, &body)) != 0) {
		snprintf(why, whylen, "body: %s", tv_strerror(rc));
		return rc;
	}
	{
		char reason[160];
		rc = tv_kind_validate(k, body, reason, sizeof(reason));
		if (rc != 0)
			/* Not the reason: it may quote record content. */
			snprintf(why, whylen, "the body breaks the %s schema",
			    k->name);
	}
	tv_doc_free(doc);
	return rc;
}

static void
on_records(struct peer *p, const struct tv_wire_msg *m)
{
	struct tvaersd *d = net_daemon(p->net);
	struct tv_record *recs;
	bool *stored;
	size_t n = 0, bad = 0, blocked = 0, nstored = 0;
	char why[200], first_why[200] = "";
	int rc;

	if (m->records.count == 0)
		return;
	recs = calloc(m->records.count, sizeof(*recs));
	stored = calloc(m->records.count, sizeof(*stored));
	if (recs == NULL || stored == NULL) {
		free(recs);
		free(stored);
		log_warnx("sync %s: out of memory; records dropped", p->addr);
		return;
	}
	for (size_t i = 0; i < m->records.count; i++) {
		const struct tv_value *v = &m->records.items[i];

		if (check_record(v->bytes, v->len, &recs[n], why,
		    sizeof(why)) != 0) {
			if (bad++ == 0)
				snprintf(first_why, sizeof(first_why), "%s",
				    why);
			continue;
		}
		/* A blocked area's records are dropped: not the peer's fault. */
		if (store_is_blocked(d->store, recs[n].origin)) {
			blocked++;
			continue;
		}
		if (expire_drops(d, &recs[n]))
			continue;	/* an expired event (PROTOCOL.md §12.3) */
		n++;
	}
	/* synchronous stays FULL for now (see PROTOCOL.md §12.3). */
	if (n > 0 && (rc = store_put_batch_each(d->store, recs, n, false,
	    stored, &nstored)) != 0) {
		log_warnx("sync %s: cannot store %zu records: %s", p->addr, n,
		    tv_strerror(rc));
		n = 0;
	} else if (n > 0) {
		p->records_in += nstored;
		p->records_dup += n - nstored;
		for (size_t i = 0; i < n; i++)
			if (stored[i])
				publish_queue(d, recs[i].hash, p);
		flush(d);
		log_debug("sync %s: %zu records, %zu new", p->addr, n,
		    nstored);
	}
	free(recs);
	free(stored);
	synclog_add(p->addr, p->has_area ? p->area : NULL, "records: %zu in, "
	    "%zu new, %zu refused, %zu blocked", m->records.count, nstored,
	    bad, blocked);
	if (blocked > 0)
		log_debug("sync %s: dropped %zu records of blocked areas",
		    p->addr, blocked);
	if (bad > 0) {
		p->records_bad += bad;
		log_info("sync %s: refused %zu records (%s)", p->addr, bad,
		    first_why);
		send_error(p, TV_WIRE_EBADRECORD, "bad record");
		if (p->records_bad >= SYNC_BAD_MAX) {
			snprintf(why, sizeof(why), "sync: %llu bad records",
			    (unsigned long long)p->records_bad);
			peer_fail(p, why);
		}
	}
}

void
sync_on_message(struct peer *p, const struct tv_wire_msg *m)
{
	if (p->sync == NULL || !peer_is_linked(p))
		return;
	switch (m->type) {
	case TV_WIRE_RECONCILE:
		on_reconcile(p, m->reconcile.p, m->reconcile.len);
		break;
	case TV_WIRE_RECORDS:
		on_records(p, m);
		break;
	case TV_WIRE_WANT:
		on_want(p, m);
		break;
	default:
		break;
	}
}

int
sync_link_open(struct peer *p)
{
	if (p->sync != NULL)
		return 0;
	if ((p->sync = calloc(1, sizeof(*p->sync))) == NULL)
		return TV_ENOMEM;
	if (p->is_initiator)
		session_start(p);
	return 0;
}

void
sync_link_free(struct peer *p)
{
	struct sync_link *s = p->sync;

	if (s == NULL)
		return;
	session_end(s);
	free(s->q);
	free(s->buf);
	free(s);
	p->sync = NULL;
}

void
sync_on_drain(struct peer *p)
{
	if (p->sync != NULL && p->sync->head < p->sync->len)
		pump(p);
}

void
sync_on_tick(struct peer *p, uint64_t now)
{
	struct sync_link *s = p->sync;

	if (s == NULL || !peer_is_linked(p) || !p->is_initiator)
		return;
	if (s->neg != NULL) {
		if (now - s->session_ms >= SYNC_SESSION_MS) {
			log_info("sync %s: reconciliation timed out", p->addr);
			session_end(s);
		}
	} else if (now - s->last_done_ms >= SYNC_RECONCILE_MS)
		session_start(p);
}

/* Queues hash for every linked peer but from; send with flush(). */
static void
publish_queue(struct tvaersd *d, const uint8_t hash[static TV_HASH_LEN],
    const struct peer *from)
{
	for (struct peer *p = net_links(d->net); p != NULL; p = p->next) {
		if (p == from || p->sync == NULL || !peer_is_linked(p))
			continue;
		if (!queue_push(p->sync, hash))
			log_info("sync %s: send queue full; a new version "
			    "waits for the next reconciliation", p->addr);
	}
}

static void
flush(struct tvaersd *d)
{
	for (struct peer *p = net_links(d->net); p != NULL; p = p->next)
		if (p->sync != NULL && peer_is_linked(p))
			sync_on_drain(p);
}

void
sync_publish(struct tvaersd *d, const uint8_t hash[static TV_HASH_LEN],
    const struct peer *from)
{
	publish_queue(d, hash, from);
	flush(d);
}

void
sync_reconcile_now(struct tvaersd *d)
{
	for (struct peer *p = net_links(d->net); p != NULL; p = p->next)
		if (p->sync != NULL && peer_is_linked(p) && p->is_initiator)
			session_start(p);
}

void
sync_area_written(void *arg, const struct tv_record *recs, size_t n)
{
	struct tvaersd *d = arg;

	if (d->net == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct tv_kind *k = tv_kind_by_wire(recs[i].kind,
		    recs[i].kind_len);
		/* Local-only kinds never leave (PROTOCOL.md §6.1). */
		if (k == NULL || !k->is_local)
			publish_queue(d, recs[i].hash, NULL);
	}
	flush(d);
}
