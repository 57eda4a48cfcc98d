/*
 * Reconciliation, RECORDS, WANT and live push (sync.h, PROTOCOL.md §12).
 */
#include "sync.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canon.h"
#include "daemon.h"
#include "err.h"
#include "expire.h"
#include "intake.h"
#include "kinds.h"
#include "log.h"
#include "negentropy.h"
#include "net.h"
#include "store.h"
#include "synclog.h"

#define SYNC_PUMP_MSGS 16	/* RECORDS messages per pump call */
#define SYNC_TRIM_ITEMS 10000	/* snapshots this big are trimmed after */
#define SYNC_ANSWER_KEEP_MS 2000 /* a responder's snapshot kept unused */
#define SYNC_BULK_IDLE_MS 2000	/* the store's large cache kept unused */
#define SYNC_BULK_MIN 32	/* records in one message that start a bulk */
#define SYNC_RESYNC_GAP_MS 10000 /* first wait between sessions asked for */

static void publish_queue(struct tvaersd *d,
    const uint8_t hash[static TV_HASH_LEN], const struct peer *from);
static void flush(struct tvaersd *d);

struct sync_link {
	struct tvaersd *d;
	struct peer *peer;	/* NULL once the link closed */
	unsigned intakes;	/* RECORDS messages not yet stored */
	unsigned checking;	/* of those, on the pool */
	/* The initiator's reconciliation session, if one runs. */
	struct tv_neg_vec *vec;
	struct tv_neg *neg;
	uint64_t session_ms;	/* when the running session last moved */
	uint64_t last_done_ms;	/* when the last session started */
	bool resync_due;	/* the responder asked for a session (RESYNC) */
	uint64_t resync_gap_ms;	/* wait before the next one asked for */
	uint64_t resync_ms;	/* when the last RESYNC came */
	size_t have_n, need_n;	/* the running session's differences */
	size_t rounds;		/* RECONCILE messages it sent */
	size_t neg_bytes;	/* Negentropy bytes both ways */
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
		net_daemon(p->net)->sync.sent += count;
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

/*
 * Frees a snapshot. One of a large store takes megabytes that glibc keeps
 * in the heap after free; an idle daemon should give them back.
 */
static void
snapshot_free(struct tv_neg_vec *vec, struct tv_neg *neg)
{
	bool was_large = vec != NULL &&
	    tv_neg_vec_size(vec) >= SYNC_TRIM_ITEMS;

	tv_neg_free(neg);
	tv_neg_vec_free(vec);
	if (was_large)
		(void)malloc_trim(0);
}

static void
session_end(struct sync_link *s)
{
	snapshot_free(s->vec, s->neg);
	s->neg = NULL;
	s->vec = NULL;
}

/* Frees the responders' snapshot (struct sync_answer). */
static void
answer_end(struct tvaersd *d)
{
	snapshot_free(d->answer.vec, d->answer.neg);
	d->answer.neg = NULL;
	d->answer.vec = NULL;
}

/* True if some link is open. */
static bool
any_link(struct tvaersd *d)
{
	for (struct peer *p = net_links(d->net); p != NULL; p = p->next)
		if (p->sync != NULL && peer_is_linked(p))
			return true;
	return false;
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

/*
 * The responders' reconciler, over a snapshot as new as the store, kept
 * while the store is unchanged: a first sync of a large store takes dozens
 * of rounds, and reading every version again for each cost most of the
 * sender's time. Returns 0 or a store or allocation error.
 */
static int
answer_get(struct peer *p, struct tv_neg **out)
{
	struct tvaersd *d = p->sync->d;
	uint64_t gen = store_generation(store_of(p));
	int rc = 0;

	if (d->answer.neg != NULL && d->answer.gen != gen)
		answer_end(d);
	if (d->answer.neg == NULL &&
	    (rc = snapshot(p, &d->answer.vec, &d->answer.neg)) == 0)
		d->answer.gen = gen;
	d->answer.used_ms = now_ms(p);
	*out = d->answer.neg;
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
	size_t len = 0;
	int rc;

	if (s->neg != NULL)
		return;
	s->resync_due = false;	/* this session is the one asked for */
	s->session_ms = s->last_done_ms = now_ms(p);
	s->have_n = s->need_n = s->rounds = s->neg_bytes = 0;
	if ((rc = snapshot(p, &s->vec, &s->neg)) == 0 &&
	    (rc = tv_neg_initiate(s->neg, &msg, &len)) == 0)
		rc = send_reconcile(p, msg, len);
	s->rounds = 1;
	s->neg_bytes = len;
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
	struct tv_neg *neg;
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
		s->neg_bytes += in_len + out_len;
		s->rounds += out_len > 0;
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
			log_debug("sync %s: reconciliation done: %zu round "
			    "trips, %zu bytes", p->addr, s->rounds,
			    s->neg_bytes);
			net_daemon(p->net)->sync.last_reconciled = time(NULL);
			synclog_add(p->addr, p->has_area ? p->area : NULL,
			    "reconciled: %zu here, %zu to send, %zu wanted "
			    "(%zu round trips)", tv_neg_vec_size(s->vec),
			    s->have_n, s->need_n, s->rounds);
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
	 * Responder: the initiator settles the differences, but for the
	 * records we push instead of listing their ids.
	 */
	if ((rc = answer_get(p, &neg)) == 0) {
		rc = tv_neg_reconcile(neg, in, in_len, &out, &out_len);
		if (rc == TV_EVERSION) {
			static const uint8_t v1 = TV_NEG_VERSION;
			rc = send_reconcile(p, &v1, 1);
		} else if (rc == TV_EMALFORMED) {
			send_error(p, TV_WIRE_EBADMSG, "bad reconcile message");
			peer_fail(p, "sync: bad reconcile message");
			rc = 0;
		} else if (rc == 0 &&
		    (rc = send_reconcile(p, out, out_len)) == 0) {
			/* Our IdLists name only what both hold; we send the
			 * rest ourselves (PROTOCOL.md §11.7). */
			ids = tv_neg_have(neg, &n);
			queue_many(p, ids, n);
		}
	}
	if (rc != 0)
		answer_end(s->d);
	if (rc == 0 && peer_is_linked(p))
		pump(p);
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

/* Keeps in's records that may be stored: not blocked, not expired. */
static void
filter_checked(struct tvaersd *d, struct intake *in)
{
	in->kept = in->blocked = 0;
	for (size_t i = 0; i < in->n; i++) {
		/* A blocked area's records are dropped: not the peer's fault. */
		if (store_is_blocked(d->store, in->recs[i].origin))
			in->blocked++;
		else if (!expire_drops(d, &in->recs[i]))
			in->recs[in->kept++] = in->recs[i];
		/* else an expired event (PROTOCOL.md §12.3) */
	}
}

/* Counts and relays what in brought; stored[i] says if recs[i] was newer. */
static void
account_checked(struct tvaersd *d, struct peer *p, struct intake *in,
    const bool *stored)
{
	const char *addr = p != NULL ? p->addr : "(closed link)";
	size_t nstored = 0;

	for (size_t i = 0; i < in->kept; i++)
		if (stored[i]) {
			nstored++;
			if (d->net != NULL)
				publish_queue(d, in->recs[i].hash, p);
		}
	d->sync.received += nstored;
	log_debug("sync %s: %zu records, %zu new, %zu refused, %zu blocked",
	    addr, in->received, nstored, in->bad, in->blocked);
	if (p == NULL)
		return;
	p->records_in += nstored;
	p->records_dup += in->kept - nstored;
	synclog_add(p->addr, p->has_area ? p->area : NULL, "records: %zu in, "
	    "%zu new, %zu refused, %zu blocked", in->received, nstored,
	    in->bad, in->blocked);
}

/* Counts refused records against p; enough of them cut the link. */
static void
refused(struct peer *p, struct intake *in)
{
	char why[96];

	p->records_bad += in->bad;
	log_info("sync %s: refused %zu records (%s)", p->addr, in->bad,
	    in->first_why);
	send_error(p, TV_WIRE_EBADRECORD, "bad record");
	if (p->records_bad >= SYNC_BAD_MAX) {
		snprintf(why, sizeof(why), "sync: %llu bad records",
		    (unsigned long long)p->records_bad);
		peer_fail(p, why);
	}
}

/* An intake is done: counted against its link, which may read again. */
static void
finish_intake(struct tvaersd *d, struct intake *in, const bool *stored)
{
	struct sync_link *s = in->arg;
	struct peer *p = s->peer;

	account_checked(d, p, in, stored);
	if (p != NULL && in->bad > 0 && peer_is_linked(p))
		refused(p, in);
	intake_free(in);
	if (--s->intakes == 0 && p == NULL)
		free(s);	/* the link closed while its records waited */
}

/*
 * Records are coming in. Many at once (a reconciliation's, not a live
 * push's few) give the store its large cache (store.h) until they stop.
 */
static void
bulk_note(struct tvaersd *d, size_t count)
{
	int rc;

	if (d->ready.bulk) {
		d->ready.last_ms = uv_now(d->loop);
		return;
	}
	if (count < SYNC_BULK_MIN)
		return;
	d->ready.last_ms = uv_now(d->loop);
	if ((rc = store_bulk_cache(d->store, true)) == 0)
		d->ready.bulk = true;
	else
		log_warnx("sync: cannot enlarge the store's cache: %s",
		    tv_strerror(rc));
}

/*
 * Gives the large cache back once nothing waits to be stored and nothing
 * more can come: none came for a while, or no link is open.
 */
static void
bulk_end_if_idle(struct tvaersd *d)
{
	if (!d->ready.bulk || d->ready.checking > 0 || d->ready.head != NULL)
		return;
	if (uv_now(d->loop) - d->ready.last_ms < SYNC_BULK_IDLE_MS &&
	    any_link(d))
		return;
	(void)store_bulk_cache(d->store, false);
	d->ready.bulk = false;
	(void)malloc_trim(0);
}

/*
 * Stores every waiting intake in one transaction: a RECORDS message holds
 * about 150 records, and committing each alone (an FTS5 segment and index
 * pages per commit) cost a third of the intake rate.
 */
static void
store_ready(struct tvaersd *d)
{
	struct intake *in, *next;
	struct tv_record *all = NULL;
	bool *stored = NULL;
	size_t n = 0, nstored, at = 0;
	int rc;

	for (in = d->ready.head; in != NULL; in = in->next) {
		filter_checked(d, in);
		n += in->kept;
	}
	if (n > 0 && ((all = malloc(n * sizeof(*all))) == NULL ||
	    (stored = calloc(n, sizeof(*stored))) == NULL))
		log_warnx("sync: out of memory; %zu records dropped", n);
	else if (n > 0) {
		for (in = d->ready.head; in != NULL; in = in->next) {
			memcpy(all + at, in->recs, in->kept * sizeof(*all));
			at += in->kept;
		}
		if ((rc = store_put_replicated(d->store, all, n, stored,
		    &nstored)) != 0) {
			log_warnx("sync: cannot store %zu records: %s", n,
			    tv_strerror(rc));
			memset(stored, 0, n * sizeof(*stored));
		}
	}
	at = 0;
	for (in = d->ready.head; in != NULL; in = next) {
		size_t kept = in->kept;

		next = in->next;
		if (stored == NULL)
			in->kept = 0;	/* nothing was stored: nothing is newer */
		finish_intake(d, in, stored != NULL ? stored + at : NULL);
		at += kept;
	}
	free(all);
	free(stored);
	d->ready.head = d->ready.tail = NULL;
	d->ready.records = 0;
	if (d->net != NULL)
		flush(d);
	bulk_end_if_idle(d);
}

static void
on_checked(void *arg, struct intake *in)
{
	struct sync_link *s = arg;
	struct tvaersd *d = s->d;

	s->checking--;
	d->ready.checking--;
	if (d->ready.tail != NULL)
		d->ready.tail->next = in;
	else
		d->ready.head = in;
	d->ready.tail = in;
	d->ready.records += in->n;
	/* Before store_ready: it frees s if its link closed meanwhile. */
	if (s->peer != NULL && s->checking < SYNC_INTAKE_MAX)
		peer_pause_reading(s->peer, false);
	/* Store when nothing more is coming soon, or enough has come. */
	if (d->ready.checking == 0 || d->ready.records >= SYNC_STORE_BATCH)
		store_ready(d);
}

static void
on_records(struct peer *p, const struct tv_wire_msg *m)
{
	struct sync_link *s = p->sync;
	int rc;

	if (m->records.count == 0)
		return;
	bulk_note(s->d, m->records.count);
	if ((rc = intake_start(p->tcp.loop, m, on_checked, s)) != 0) {
		log_warnx("sync %s: cannot check records: %s; dropped",
		    p->addr, rc < -1000 ? tv_strerror(rc) : uv_strerror(rc));
		return;
	}
	s->intakes++;
	s->d->ready.checking++;
	/* Reading stops while enough are being checked: backpressure. */
	if (++s->checking >= SYNC_INTAKE_MAX)
		peer_pause_reading(p, true);
}

/*
 * The initiator starts the session its responder asked for once none runs
 * and the last began resync_gap_ms ago. The gap doubles with each, up to
 * the periodic interval, so a peer repeating RESYNC cannot make us read the
 * whole store much more often than every 10 minutes (PROTOCOL.md §10.3).
 */
static void
resync_if_due(struct peer *p, uint64_t now)
{
	struct sync_link *s = p->sync;

	if (s->resync_due && s->neg == NULL &&
	    now - s->last_done_ms >= s->resync_gap_ms) {
		session_start(p);
		s->resync_gap_ms = 2 * s->resync_gap_ms < SYNC_RECONCILE_MS ?
		    2 * s->resync_gap_ms : SYNC_RECONCILE_MS;
	}
}

/*
 * Only the initiator starts sessions (PROTOCOL.md §12.2). A RESYNC while
 * one is due is not logged again: a peer repeating it gets one line per
 * session, not one per message.
 */
static void
on_resync(struct peer *p)
{
	struct sync_link *s = p->sync;
	uint64_t now = now_ms(p);

	if (!p->is_initiator || s->resync_due)
		return;
	/* A peer quiet for a whole interval starts from the first gap. */
	if (s->resync_gap_ms == 0 || now - s->resync_ms >= SYNC_RECONCILE_MS)
		s->resync_gap_ms = SYNC_RESYNC_GAP_MS;
	s->resync_ms = now;
	log_info("sync %s: the peer asks for a reconciliation", p->addr);
	synclog_add(p->addr, p->has_area ? p->area : NULL,
	    "asked to reconcile");
	s->resync_due = true;
	resync_if_due(p, now);
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
	case TV_WIRE_RESYNC:
		on_resync(p);
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
	p->sync->d = net_daemon(p->net);
	p->sync->peer = p;
	if (p->is_initiator)
		session_start(p);
	return 0;
}

void
sync_link_free(struct peer *p)
{
	struct sync_link *s = p->sync;
	struct tvaersd *d;

	if (s == NULL)
		return;
	d = s->d;
	session_end(s);
	free(s->q);
	free(s->buf);
	s->q = NULL;
	s->buf = NULL;
	s->head = s->len = s->cap = 0;
	s->peer = NULL;
	p->sync = NULL;
	/* Intakes still on the pool free it when the last one returns. */
	if (s->intakes == 0)
		free(s);
	bulk_end_if_idle(d);
	if (!any_link(d))
		answer_end(d);
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

	if (s == NULL || !peer_is_linked(p))
		return;
	bulk_end_if_idle(s->d);
	/* The initiators have stopped asking: their sessions are over. */
	if (s->d->answer.neg != NULL &&
	    now - s->d->answer.used_ms >= SYNC_ANSWER_KEEP_MS)
		answer_end(s->d);
	if (!p->is_initiator)
		return;
	if (s->neg != NULL) {
		if (now - s->session_ms >= SYNC_SESSION_MS) {
			log_info("sync %s: reconciliation timed out", p->addr);
			session_end(s);
		}
	} else if (now - s->last_done_ms >= SYNC_RECONCILE_MS)
		session_start(p);
	else
		resync_if_due(p, now);
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

size_t
sync_reconciling(struct tvaersd *d)
{
	size_t k = 0;

	for (struct peer *p = net_links(d->net); p != NULL; p = p->next)
		k += p->sync != NULL && p->sync->neg != NULL;
	return k;
}

void
sync_reconcile_now(struct tvaersd *d)
{
	struct tv_w w;

	for (struct peer *p = net_links(d->net); p != NULL; p = p->next) {
		if (p->sync == NULL || !peer_is_linked(p))
			continue;
		if (p->is_initiator) {
			session_start(p);
			continue;
		}
		/* The peer dialled us: ask it to start one (§10.3 RESYNC). */
		tv_w_init(&w, 0);
		if (send_w(p, &w, tv_wire_resync_encode(&w)) != 0)
			log_warnx("sync %s: cannot ask for a reconciliation",
			    p->addr);
	}
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
