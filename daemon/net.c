/*
 * Federation links (net.h): listeners, diallers and the set of links.
 * net counts what it owns (listeners, links, dialler timers) in refs and
 * frees itself when net_close has run and refs reaches 0.
 */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "daemon.h"
#include "err.h"
#include "kinds.h"
#include "log.h"
#include "store.h"
#include "synclog.h"

#define NET_LOG_BURST 20	/* inbound failure lines per minute */
#define NET_FAILED_MAX 16	/* learned areas remembered as failing */
#define NET_GONE_MAX 32		/* ended inbound links remembered */
#define NET_GONE_KEEP_S (7 * 86400)	/* ... and listed in the profile */
#define NET_PROFILE_PEERS_MAX 64	/* the profile's peers field limit */
#define NET_LEARNED_TRIES 3	/* dials of a learned area before giving up */
#define NET_PROFILE_DELAY_MS 2000	/* changes gathered before publishing */
#define NET_DISCOVER_MS 30000	/* how often fewer links than wanted is seen */

/* A known peer: an address from the peers table and its dialler. */
struct net_target {
	uv_timer_t timer;
	struct net *net;
	struct net_target *next;
	struct peer *conn;		/* the live outbound link, or NULL */
	uv_getaddrinfo_t gai;		/* a host name being looked up */
	bool is_resolving;
	bool is_released;		/* forgotten; freed when the lookup ends */
	bool is_learned;		/* from a profile, not the peers table */
	unsigned failures;		/* dials in a row that did not link */
	char addr[TV_INVITE_ADDR_MAX + 1];
	uint8_t area[TV_PK_LEN];
	bool has_area;
	char name[TV_WIRE_NAME_MAX + 1];
	uint64_t backoff_ms;
	char last_error[160];
	int64_t last_seen;
	uint64_t bytes_in, bytes_out;	/* of links that have ended */
	uint64_t rec_in, rec_dup, rec_bad, rec_out;	/* likewise */
};

/* An inbound link that has ended, remembered for `tvaers peers`. */
struct net_gone {
	uint8_t area[TV_PK_LEN];
	char addr[TV_INVITE_ADDR_MAX + 1];
	char name[TV_WIRE_NAME_MAX + 1];
	char why[160];
	int64_t last_seen;
	uint64_t bytes_in, bytes_out;
	uint64_t rec_in, rec_dup, rec_bad, rec_out;
};

struct net {
	struct tvaersd *d;
	struct net_gone gone[NET_GONE_MAX];	/* newest first */
	size_t n_gone;
	struct peer_self self;
	uv_tcp_t listeners[CONF_LISTEN_MAX];
	char listen_text[CONF_LISTEN_MAX][TV_INVITE_ADDR_MAX + 1];
	size_t n_listen;
	struct peer *peers;
	struct net_target *targets;
	uv_timer_t profile_timer;	/* publishes peers and addresses */
	uv_timer_t discover_timer;	/* dials areas learned from profiles */
	uint8_t failed[NET_FAILED_MAX][TV_PK_LEN]; /* learned, did not link */
	size_t failed_next;
	size_t refs;
	bool is_closing;
	uint64_t log_window_ms;
	unsigned log_count;
};

static void
maybe_free(struct net *n)
{
	if (n->is_closing && n->refs == 0) {
		sodium_memzero(&n->self, sizeof(n->self));
		free(n);
	}
}

static void
on_ref_close(uv_handle_t *h)
{
	struct net *n = h->data;

	n->refs--;
	maybe_free(n);
}

static void
target_free(struct net_target *t)
{
	struct net *n = t->net;

	free(t);
	n->refs--;
	maybe_free(n);
}

static void
on_target_close(uv_handle_t *h)
{
	struct net_target *t = h->data;

	/* A running lookup still points at t: its callback frees it. */
	if (t->is_resolving) {
		t->is_released = true;
		(void)uv_cancel((uv_req_t *)&t->gai);
		return;
	}
	target_free(t);
}

const struct peer_self *
net_self(struct net *n)
{
	return &n->self;
}

static void
on_dial(uv_timer_t *timer);
static void on_profile_timer(uv_timer_t *timer);
static void on_discover_timer(uv_timer_t *timer);

/* Schedules the next dial of t in about ms milliseconds (±20 %). */
static void
schedule(struct net_target *t, uint64_t ms)
{
	uint64_t span = ms * 2 / 5, jitter = span ?
	    randombytes_uniform((uint32_t)span + 1) : 0;

	uv_timer_start(&t->timer, on_dial, ms - ms / 5 + jitter, 0);
}

static size_t
outbound_count(struct net *n)
{
	size_t k = 0;

	for (struct net_target *t = n->targets; t; t = t->next)
		k += t->conn != NULL;
	return k;
}

static size_t
link_count(struct net *n)
{
	size_t k = 0;

	for (struct peer *p = n->peers; p; p = p->next)
		k += p->state != PEER_CLOSING;
	return k;
}

/* Keeps last_error; logs a failure once, repeats at debug level. */
static void
target_error(struct net_target *t, const char *what)
{
	if (strcmp(t->last_error, what) == 0)
		log_debug("peer %s: %s", t->addr, what);
	else
		log_warnx("peer %s: %s", t->addr, what);
	snprintf(t->last_error, sizeof(t->last_error), "%s", what);
}

/* The dial failed before a link existed: back off. */
static void
dial_failed(struct net_target *t, const char *why)
{
	target_error(t, why);
	t->failures++;
	schedule(t, t->backoff_ms);
	if (t->backoff_ms < NET_BACKOFF_MAX_MS)
		t->backoff_ms *= 2;
	if (t->backoff_ms > NET_BACKOFF_MAX_MS)
		t->backoff_ms = NET_BACKOFF_MAX_MS;
}

static void
dial_addr(struct net_target *t, const struct sockaddr *sa)
{
	struct net *n = t->net;
	char why[160];
	int rc;

	if ((rc = peer_dial(n, t, sa, t->addr, &t->conn)) != 0) {
		snprintf(why, sizeof(why), "cannot dial: %s", uv_strerror(rc));
		dial_failed(t, why);
		return;
	}
	t->conn->next = n->peers;
	n->peers = t->conn;
	n->refs++;
	log_debug("peer %s: dialling", t->addr);
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct net_target *t = req->data;
	char why[160];

	t->is_resolving = false;
	if (t->is_released || t->net->is_closing) {
		uv_freeaddrinfo(res);
		if (t->is_released)
			target_free(t);
		return;
	}
	if (status != 0 || res == NULL) {
		snprintf(why, sizeof(why), "cannot look up the host name: %s",
		    uv_strerror(status));
		dial_failed(t, why);
	} else
		dial_addr(t, res->ai_addr);	/* the resolver's first choice */
	uv_freeaddrinfo(res);
}

static void
on_dial(uv_timer_t *timer)
{
	struct net_target *t = timer->data;
	struct net *n = t->net;
	struct tv_invite_addr a;
	struct sockaddr_storage ss;
	struct addrinfo hints;
	char port[8];
	int rc;

	if (n->is_closing || t->conn != NULL || t->is_resolving)
		return;
	if (outbound_count(n) >= (size_t)n->d->conf.target_peers ||
	    link_count(n) >= (size_t)n->d->conf.max_peers) {
		schedule(t, 5000);
		return;
	}
	if ((rc = tv_invite_addr_parse(t->addr, strlen(t->addr), &a)) != 0) {
		dial_failed(t, "not HOST:PORT");
		return;
	}
	if (a.family == TV_INVITE_IPV4)
		rc = uv_ip4_addr(a.host, a.port, (struct sockaddr_in *)&ss);
	else if (a.family == TV_INVITE_IPV6)
		rc = uv_ip6_addr(a.host, a.port, (struct sockaddr_in6 *)&ss);
	else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
		snprintf(port, sizeof(port), "%u", a.port);
		t->gai.data = t;
		if ((rc = uv_getaddrinfo(n->d->loop, &t->gai, on_resolved,
		    a.host, port, &hints)) != 0) {
			dial_failed(t, "cannot look up the host name");
			return;
		}
		t->is_resolving = true;
		return;
	}
	if (rc != 0) {
		dial_failed(t, "not an IP address");
		return;
	}
	dial_addr(t, (struct sockaddr *)&ss);
}

static struct net_target *
target_find(struct net *n, const char *addr)
{
	for (struct net_target *t = n->targets; t; t = t->next)
		if (strcasecmp(t->addr, addr) == 0)
			return t;
	return NULL;
}

static struct net_target *
target_new(struct net *n, const char *addr)
{
	struct net_target *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->net = n;
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->backoff_ms = NET_BACKOFF_MIN_MS;
	uv_timer_init(n->d->loop, &t->timer);
	t->timer.data = t;
	t->next = n->targets;
	n->targets = t;
	n->refs++;
	return t;
}

static int
load_target(void *arg, const struct store_peer *sp)
{
	struct net *n = arg;
	struct net_target *t;

	if (target_find(n, sp->addr) != NULL ||
	    (t = target_new(n, sp->addr)) == NULL)
		return 0;
	if (sp->has_area) {
		memcpy(t->area, sp->area, TV_PK_LEN);
		t->has_area = true;
	}
	t->last_seen = sp->last_seen;
	t->bytes_in = (uint64_t)sp->bytes_in;
	t->bytes_out = (uint64_t)sp->bytes_out;
	if (sp->last_error != NULL)
		snprintf(t->last_error, sizeof(t->last_error), "%s",
		    sp->last_error);
	schedule(t, 200);
	return 0;
}

bool
net_peer_open(struct net *n, struct peer *p, char *why, size_t whylen)
{
	char id[TV_AREA_TEXT_LEN + 1];
	struct net_target *t = p->target;

	tv_area_text(p->area, id);
	if (memcmp(p->area, n->self.area, TV_PK_LEN) == 0) {
		snprintf(why, whylen, "this is our own area");
		return false;
	}
	if (t != NULL && t->has_area &&
	    memcmp(t->area, p->area, TV_PK_LEN) != 0) {
		snprintf(why, whylen, "answered as area %s, not the area the "
		    "invite named", id);
		return false;
	}
	for (struct peer *q = n->peers; q; q = q->next)
		if (q != p && q->state == PEER_OPEN && q->is_confirmed &&
		    q->has_area && memcmp(q->area, p->area, TV_PK_LEN) == 0) {
			/* One link per area: keep the older one. */
			snprintf(why, whylen, "already linked to this area");
			return false;
		}
	log_info("peer %s: linked to area %s (%s)", p->addr, id,
	    p->target ? "outbound" : "inbound");
	if (t == NULL)
		net_profile_changed(n);	/* an inbound link: a new peer? */
	synclog_add(p->addr, p->area, "connected (%s)", p->target ?
	    "outbound" : "inbound");
	if (t != NULL) {
		memcpy(t->area, p->area, TV_PK_LEN);
		t->has_area = true;
		snprintf(t->name, sizeof(t->name), "%s", p->name);
		t->backoff_ms = NET_BACKOFF_MIN_MS;
		t->failures = 0;
		t->last_error[0] = 0;
		t->last_seen = time(NULL);
		(void)store_peer_seen(n->d->store, t->addr, t->area,
		    t->last_seen, NULL, 0, 0);
		net_profile_changed(n);
	}
	return true;
}

/* Keeps an ended inbound link's totals, one entry per area, newest first. */
static void
remember_gone(struct net *n, const struct peer *p)
{
	struct net_gone g, *old = NULL;
	size_t i;

	if (!p->has_area)
		return;
	memset(&g, 0, sizeof(g));
	for (i = 0; i < n->n_gone && old == NULL; i++)
		if (memcmp(n->gone[i].area, p->area, TV_PK_LEN) == 0)
			old = &n->gone[i];
	if (old != NULL) {
		g = *old;
		memmove(old, old + 1, (size_t)(n->gone + n->n_gone - old - 1) *
		    sizeof(*old));
		n->n_gone--;
	}
	memcpy(g.area, p->area, TV_PK_LEN);
	snprintf(g.addr, sizeof(g.addr), "%s", p->addr);
	snprintf(g.name, sizeof(g.name), "%s", p->name);
	snprintf(g.why, sizeof(g.why), "%s", p->error);
	g.last_seen = time(NULL);
	g.bytes_in += p->bytes_in;
	g.bytes_out += p->bytes_out;
	g.rec_in += p->records_in;
	g.rec_dup += p->records_dup;
	g.rec_bad += p->records_bad;
	g.rec_out += p->records_out;
	if (n->n_gone == NET_GONE_MAX)
		n->n_gone--;
	memmove(n->gone + 1, n->gone, n->n_gone * sizeof(n->gone[0]));
	n->gone[0] = g;
	n->n_gone++;
}

/* True if an open inbound link to area exists. */
static bool
has_inbound(struct net *n, const uint8_t *area)
{
	for (struct peer *p = n->peers; p; p = p->next)
		if (p->target == NULL && p->has_area &&
		    p->state != PEER_CLOSING &&
		    memcmp(p->area, area, TV_PK_LEN) == 0)
			return true;
	return false;
}

void
net_peer_gone(struct net *n, struct peer *p)
{
	struct net_target *t = p->target;
	const char *why = p->error[0] ? p->error : "closed";

	synclog_add(p->addr, p->has_area ? p->area : NULL, "%s%s",
	    p->is_confirmed ? "disconnected: " : strncmp(why, "connect:", 8) ?
	    "handshake failed: " : "", why);
	for (struct peer **pp = &n->peers; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (t != NULL) {
		bool was_open = p->is_confirmed;

		t->conn = NULL;
		t->bytes_in += p->bytes_in;
		t->bytes_out += p->bytes_out;
		t->rec_in += p->records_in;
		t->rec_dup += p->records_dup;
		t->rec_bad += p->records_bad;
		t->rec_out += p->records_out;
		if (was_open) {
			t->last_seen = time(NULL);
			log_info("peer %s: link closed: %s", t->addr, why);
			snprintf(t->last_error, sizeof(t->last_error), "%s",
			    p->error);
		} else {
			target_error(t, why);
			t->failures++;
		}
		/* Also at shutdown: the store closes after the last link. */
		(void)store_peer_seen(n->d->store, t->addr, NULL,
		    was_open ? t->last_seen : 0,
		    t->last_error[0] ? t->last_error : NULL,
		    p->bytes_in, p->bytes_out);
		if (!n->is_closing && !uv_is_closing((uv_handle_t *)&t->timer)) {
			schedule(t, t->backoff_ms);
			if (!was_open)
				t->backoff_ms = t->backoff_ms * 2 >
				    NET_BACKOFF_MAX_MS ? NET_BACKOFF_MAX_MS :
				    t->backoff_ms * 2;
		}
	} else if (p->is_confirmed) {
		log_info("peer %s: %s link closed: %s", p->addr,
		    p->is_initiator ? "forgotten" : "inbound", why);
		if (!p->is_initiator)
			remember_gone(n, p);
	} else {
		/* Hostile or confused peers: rate-limit these lines. */
		uint64_t now = uv_now(n->d->loop);
		if (now - n->log_window_ms > 60000) {
			n->log_window_ms = now;
			n->log_count = 0;
		}
		if (n->log_count++ < NET_LOG_BURST)
			log_info("peer %s: %s", p->addr, why);
	}
	n->refs--;
	maybe_free(n);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct net *n = server->data;
	struct peer *p;
	int rc;

	if (status != 0 || n->is_closing)
		return;
	if ((rc = peer_accept(n, server, &p)) != 0) {
		log_warnx("net: accept: %s", uv_strerror(rc));
		return;
	}
	p->next = n->peers;
	n->peers = p;
	n->refs++;
	if (link_count(n) > (size_t)n->d->conf.max_peers)
		peer_close(p, "too many links (max_peers)");
}

static void
listen_one(struct net *n, const char *text, size_t len)
{
	struct tv_invite_addr a;
	struct sockaddr_storage ss;
	uv_tcp_t *h = &n->listeners[n->n_listen];
	int rc;

	if (tv_invite_addr_parse(text, len, &a) != 0 ||
	    a.family == TV_INVITE_DNS) {
		log_warnx("net: cannot listen on '%.*s': not IP:PORT", (int)len,
		    text);
		return;
	}
	if (a.family == TV_INVITE_IPV4)
		rc = uv_ip4_addr(a.host, a.port, (struct sockaddr_in *)&ss);
	else
		rc = uv_ip6_addr(a.host, a.port, (struct sockaddr_in6 *)&ss);
	uv_tcp_init(n->d->loop, h);
	h->data = n;
	n->refs++;
	if (rc == 0)
		rc = uv_tcp_bind(h, (struct sockaddr *)&ss,
		    a.family == TV_INVITE_IPV6 ? UV_TCP_IPV6ONLY : 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)h, 128, on_connection);
	if (rc != 0) {
		log_warnx("net: cannot listen on %s: %s", a.text,
		    uv_strerror(rc));
		uv_close((uv_handle_t *)h, on_ref_close);
		return;
	}
	snprintf(n->listen_text[n->n_listen], sizeof(n->listen_text[0]), "%s",
	    a.text);
	if (n->self.listen_port == 0)
		n->self.listen_port = a.port;
	log_info("net: listening on %s", a.text);
	n->n_listen++;
}

static int
load_fed_key(struct net *n, char *errbuf, size_t errlen)
{
	char *hex = NULL, text[2 * TV_NOISE_KEY_LEN + 1];
	size_t len = 0;
	int rc;

	rc = store_setting_get(n->d->store, NET_FED_KEY_SETTING, &hex);
	if (rc == 0) {
		rc = sodium_hex2bin(n->self.fed_key, TV_NOISE_KEY_LEN, hex,
		    strlen(hex), NULL, &len, NULL);
		sodium_memzero(hex, strlen(hex));
		free(hex);
		if (rc != 0 || len != TV_NOISE_KEY_LEN) {
			snprintf(errbuf, errlen, "the stored federation key is "
			    "not 64 hex digits");
			return TV_EMALFORMED;
		}
		return 0;
	}
	if (rc != TV_ENOTFOUND) {
		snprintf(errbuf, errlen, "cannot read the federation key: %s",
		    tv_strerror(rc));
		return rc;
	}
	/* A new area starts a federation of its own until it joins one. */
	tv_random(n->self.fed_key, TV_NOISE_KEY_LEN);
	sodium_bin2hex(text, sizeof(text), n->self.fed_key, TV_NOISE_KEY_LEN);
	rc = store_setting_set(n->d->store, NET_FED_KEY_SETTING, text);
	sodium_memzero(text, sizeof(text));
	if (rc != 0) {
		snprintf(errbuf, errlen, "cannot store the federation key: %s",
		    tv_strerror(rc));
		return rc;
	}
	log_info("net: created a new federation key");
	return 0;
}

int
net_open(struct tvaersd *d, struct net **out, char *errbuf, size_t errlen)
{
	struct net *n;
	const char *p, *item;
	size_t len;
	int rc;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return TV_ENOMEM;
	}
	n->d = d;
	n->self.loop = d->loop;
	memcpy(n->self.area, d->area.kp.pk, TV_PK_LEN);
	if ((rc = tv_noise_keypair_from_ed25519(&d->area.kp,
	    &n->self.s)) != 0) {
		snprintf(errbuf, errlen, "cannot derive the link key: %s",
		    tv_strerror(rc));
		free(n);
		return rc;
	}
	if ((rc = load_fed_key(n, errbuf, errlen)) != 0) {
		sodium_memzero(&n->self, sizeof(n->self));
		free(n);
		return rc;
	}
	p = d->conf.listen;
	while (p != NULL && n->n_listen < CONF_LISTEN_MAX &&
	    tv_list_next(&p, &item, &len))
		if (len > 0)
			listen_one(n, item, len);
	if (d->conf.listen == NULL)
		log_info("net: not listening ([network] listen = none)");
	(void)store_peer_list(d->store, load_target, n);
	uv_timer_init(d->loop, &n->profile_timer);
	uv_timer_init(d->loop, &n->discover_timer);
	n->profile_timer.data = n->discover_timer.data = n;
	n->refs += 2;
	uv_timer_start(&n->discover_timer, on_discover_timer,
	    NET_DISCOVER_MS / 3, NET_DISCOVER_MS);
	net_profile_changed(n);
	*out = n;
	return 0;
}

void
net_close(struct net *n)
{
	struct peer *p, *next;

	if (n == NULL || n->is_closing)
		return;
	n->is_closing = true;
	n->refs++;	/* held while starting the closes */
	for (size_t i = 0; i < CONF_LISTEN_MAX; i++)
		if (n->listeners[i].loop != NULL &&
		    !uv_is_closing((uv_handle_t *)&n->listeners[i]))
			uv_close((uv_handle_t *)&n->listeners[i], on_ref_close);
	for (struct net_target *t = n->targets; t; t = t->next) {
		t->conn = NULL;
		uv_close((uv_handle_t *)&t->timer, on_target_close);
	}
	n->targets = NULL;
	uv_close((uv_handle_t *)&n->profile_timer, on_ref_close);
	uv_close((uv_handle_t *)&n->discover_timer, on_ref_close);
	for (p = n->peers; p; p = next) {
		next = p->next;
		p->target = NULL;
		peer_abort(p);
	}
	n->refs--;
	maybe_free(n);
}

int
net_peers_each(struct net *n, net_peer_cb *cb, void *arg)
{
	struct net_peer_info in;
	int rc;

	/* Targets are kept newest first; list them in address order. */
	for (struct net_target *t = n->targets; t; t = t->next) {
		const struct peer *c = t->conn;
		memset(&in, 0, sizeof(in));
		in.addr = t->addr;
		in.is_known = !t->is_learned;
		in.area = t->has_area ? t->area : NULL;
		in.name = t->name[0] ? t->name : NULL;
		in.is_connected = c != NULL && c->state == PEER_OPEN &&
		    c->is_confirmed;
		in.state = c == NULL ? "backoff" : peer_state_name(c);
		in.last_seen = t->last_seen;
		in.bytes_in = t->bytes_in + (c ? c->bytes_in : 0);
		in.bytes_out = t->bytes_out + (c ? c->bytes_out : 0);
		in.records_in = t->rec_in + (c ? c->records_in : 0);
		in.records_dup = t->rec_dup + (c ? c->records_dup : 0);
		in.records_bad = t->rec_bad + (c ? c->records_bad : 0);
		in.records_out = t->rec_out + (c ? c->records_out : 0);
		in.last_error = t->last_error[0] ? t->last_error : NULL;
		if ((rc = cb(arg, &in)) != 0)
			return rc;
	}
	for (struct peer *p = n->peers; p; p = p->next) {
		if (p->target != NULL || p->state == PEER_CLOSING)
			continue;
		memset(&in, 0, sizeof(in));
		in.addr = p->addr;
		in.area = p->is_confirmed && p->has_area ? p->area : NULL;
		in.name = p->is_confirmed && p->name[0] ? p->name : NULL;
		in.is_connected = p->state == PEER_OPEN && p->is_confirmed;
		in.state = peer_state_name(p);
		in.last_seen = in.is_connected ? (int64_t)time(NULL) : 0;
		in.bytes_in = p->bytes_in;
		in.bytes_out = p->bytes_out;
		in.records_in = p->records_in;
		in.records_dup = p->records_dup;
		in.records_bad = p->records_bad;
		in.records_out = p->records_out;
		if ((rc = cb(arg, &in)) != 0)
			return rc;
	}
	for (size_t i = 0; i < n->n_gone; i++) {
		const struct net_gone *g = &n->gone[i];

		if (has_inbound(n, g->area))
			continue;
		memset(&in, 0, sizeof(in));
		in.addr = g->addr;
		in.area = g->area;
		in.name = g->name[0] ? g->name : NULL;
		in.state = "gone";
		in.last_seen = g->last_seen;
		in.bytes_in = g->bytes_in;
		in.bytes_out = g->bytes_out;
		in.records_in = g->rec_in;
		in.records_dup = g->rec_dup;
		in.records_bad = g->rec_bad;
		in.records_out = g->rec_out;
		in.last_error = g->why[0] ? g->why : NULL;
		if ((rc = cb(arg, &in)) != 0)
			return rc;
	}
	return 0;
}

struct tvaersd *
net_daemon(struct net *n)
{
	return n->d;
}

struct peer *
net_links(struct net *n)
{
	return n == NULL || n->is_closing ? NULL : n->peers;
}

void
net_counts(struct net *n, size_t *out_connected, size_t *out_known)
{
	*out_connected = *out_known = 0;
	for (struct net_target *t = n->targets; t; t = t->next)
		(*out_known)++;
	for (struct peer *p = n->peers; p; p = p->next)
		*out_connected += p->state == PEER_OPEN && p->is_confirmed;
}

int
net_peer_add(struct net *n, const char *addr, const uint8_t *area,
    char *errbuf, size_t errlen)
{
	struct tv_invite_addr a;
	struct net_target *t;
	int rc;

	if ((rc = tv_invite_addr_parse(addr, strlen(addr), &a)) != 0) {
		snprintf(errbuf, errlen, "'%s' is not HOST:PORT (e.g. "
		    "192.0.2.1:%d or [2001:db8::1]:%d)", addr, CONF_PEER_PORT,
		    CONF_PEER_PORT);
		return rc;
	}
	if ((rc = store_peer_add(n->d->store, a.text, area,
	    time(NULL))) != 0) {
		snprintf(errbuf, errlen, "cannot store the peer: %s",
		    tv_strerror(rc));
		return rc;
	}
	if ((t = target_find(n, a.text)) == NULL) {
		if ((t = target_new(n, a.text)) == NULL) {
			snprintf(errbuf, errlen, "out of memory");
			return TV_ENOMEM;
		}
	}
	if (area != NULL) {
		memcpy(t->area, area, TV_PK_LEN);
		t->has_area = true;
	}
	t->backoff_ms = NET_BACKOFF_MIN_MS;
	t->is_learned = false;	/* the peers table holds it now */
	if (t->conn == NULL)
		uv_timer_start(&t->timer, on_dial, 0, 0);
	return 0;
}

int
net_peer_rm(struct net *n, const char *addr)
{
	struct tv_invite_addr a;
	struct net_target **tp, *t = NULL;
	int rc;

	if (tv_invite_addr_parse(addr, strlen(addr), &a) == 0)
		addr = a.text;
	for (tp = &n->targets; *tp; tp = &(*tp)->next)
		if (strcasecmp((*tp)->addr, addr) == 0) {
			t = *tp;
			*tp = t->next;
			break;
		}
	rc = store_peer_rm(n->d->store, addr);
	if (t == NULL)
		return rc;
	if (t->conn != NULL) {
		t->conn->target = NULL;
		peer_close(t->conn, NULL);
	}
	uv_close((uv_handle_t *)&t->timer, on_target_close);
	net_profile_changed(n);
	return 0;
}

/* Adds "host:port" to inv unless it is there; returns 1 if added. */
static size_t
add_addr(struct tv_invite *inv, const char *host, bool is_v6, int port)
{
	char text[TV_INVITE_ADDR_MAX + 1];

	snprintf(text, sizeof(text), is_v6 ? "[%s]:%d" : "%s:%d", host, port);
	for (size_t i = 0; i < inv->addrs_len; i++)
		if (strcmp(inv->addrs[i].text, text) == 0)
			return 0;
	return tv_invite_add_addr(inv, text) == 0;
}

size_t
net_invite_addrs(struct net *n, struct tv_invite *inv)
{
	uv_interface_address_t *ifs = NULL;
	int n_ifs = 0;
	size_t added = 0;

	if (uv_interface_addresses(&ifs, &n_ifs) != 0)
		n_ifs = 0;
	for (size_t i = 0; i < n->n_listen; i++) {
		struct tv_invite_addr a;
		bool is_any;

		if (tv_invite_addr_parse(n->listen_text[i],
		    strlen(n->listen_text[i]), &a) != 0)
			continue;
		is_any = strcmp(a.host, "0.0.0.0") == 0 ||
		    strcmp(a.host, "::") == 0;
		if (!is_any) {
			added += add_addr(inv, a.host,
			    a.family == TV_INVITE_IPV6, a.port);
			continue;
		}
		/* A wildcard: every address others might reach us on. */
		for (int k = 0; k < n_ifs; k++) {
			char host[INET6_ADDRSTRLEN];
			const uv_interface_address_t *f = &ifs[k];

			if (f->is_internal)
				continue;
			if (a.family == TV_INVITE_IPV4 &&
			    f->address.address4.sin_family == AF_INET) {
				uv_ip4_name(&f->address.address4, host,
				    sizeof(host));
				added += add_addr(inv, host, false, a.port);
			} else if (a.family == TV_INVITE_IPV6 &&
			    f->address.address6.sin6_family == AF_INET6 &&
			    !IN6_IS_ADDR_LINKLOCAL(
			    &f->address.address6.sin6_addr)) {
				uv_ip6_name(&f->address.address6, host,
				    sizeof(host));
				added += add_addr(inv, host, true, a.port);
			}
		}
		if (a.family == TV_INVITE_IPV4)
			added += add_addr(inv, "127.0.0.1", false, a.port);
	}
	uv_free_interface_addresses(ifs, n_ifs);
	return added;
}

void
net_fed_key(const struct net *n, uint8_t out[static TV_NOISE_KEY_LEN])
{
	memcpy(out, n->self.fed_key, TV_NOISE_KEY_LEN);
}

int
net_join(struct net *n, const struct tv_invite *inv, char *errbuf,
    size_t errlen)
{
	char text[2 * TV_NOISE_KEY_LEN + 1], text2[TV_AREA_TEXT_LEN + 1];
	uint64_t known = 0;
	bool is_new;
	int rc;

	if (memcmp(inv->area, n->self.area, TV_PK_LEN) == 0) {
		snprintf(errbuf, errlen, "this invite was made by this area; "
		    "give it to another area");
		return TV_EINVAL;
	}
	is_new = sodium_memcmp(inv->fed_key, n->self.fed_key,
	    TV_NOISE_KEY_LEN) != 0;
	if (is_new) {
		if ((rc = store_peer_count(n->d->store, &known)) != 0) {
			snprintf(errbuf, errlen, "cannot read the peers: %s",
			    tv_strerror(rc));
			return rc;
		}
		if (known > 0) {
			snprintf(errbuf, errlen, "this area already peers in "
			    "another federation (%llu known peers); remove "
			    "them with `tvaers peers rm ADDR` first",
			    (unsigned long long)known);
			return TV_EEXIST;
		}
		sodium_bin2hex(text, sizeof(text), inv->fed_key,
		    TV_NOISE_KEY_LEN);
		rc = store_setting_set(n->d->store, NET_FED_KEY_SETTING, text);
		sodium_memzero(text, sizeof(text));
		if (rc != 0) {
			snprintf(errbuf, errlen, "cannot store the federation "
			    "key: %s", tv_strerror(rc));
			return rc;
		}
		memcpy(n->self.fed_key, inv->fed_key, TV_NOISE_KEY_LEN);
		/* Links of the old federation end. */
		for (struct peer *p = n->peers; p; p = p->next)
			peer_close(p, "federation key changed");
		tv_area_text(inv->area, text2);
		log_info("net: joined the federation of area %s", text2);
	}
	for (size_t i = 0; i < inv->addrs_len; i++)
		if ((rc = net_peer_add(n, inv->addrs[i].text, inv->area,
		    errbuf, errlen)) != 0)
			return rc;
	return 0;
}

/* ---- The profile's peers and addresses (PROTOCOL.md §12.6) ---- */

static int
area_cmp(const void *a, const void *b)
{
	return memcmp(a, b, TV_PK_LEN);
}

/*
 * The areas this daemon links to, sorted, as "ID:,ID:,...": known peers
 * that have answered, open inbound links, and inbound links that ended in
 * the last NET_GONE_KEEP_S (so a link that drops for a while does not make
 * a new profile version each time).
 */
static void
profile_peers_text(struct net *n, char *out, size_t outlen)
{
	uint8_t areas[NET_PROFILE_PEERS_MAX][TV_PK_LEN];
	int64_t since = (int64_t)time(NULL) - NET_GONE_KEEP_S;
	size_t k = 0, used = 0;

	for (struct net_target *t = n->targets; t && k < NET_PROFILE_PEERS_MAX;
	    t = t->next)
		if (t->has_area && t->last_seen != 0)
			memcpy(areas[k++], t->area, TV_PK_LEN);
	for (struct peer *p = n->peers; p && k < NET_PROFILE_PEERS_MAX;
	    p = p->next)
		if (!p->is_initiator && p->is_confirmed && p->has_area &&
		    p->state == PEER_OPEN)
			memcpy(areas[k++], p->area, TV_PK_LEN);
	for (size_t i = 0; i < n->n_gone && k < NET_PROFILE_PEERS_MAX; i++)
		if (n->gone[i].last_seen >= since)
			memcpy(areas[k++], n->gone[i].area, TV_PK_LEN);
	qsort(areas, k, TV_PK_LEN, area_cmp);
	out[0] = 0;
	for (size_t i = 0; i < k; i++) {
		char id[TV_AREA_TEXT_LEN + 1];

		if (i > 0 && memcmp(areas[i], areas[i - 1], TV_PK_LEN) == 0)
			continue;
		tv_area_text(areas[i], id);
		/* "AREA:" names the area's profile (area_resolve). */
		used += (size_t)snprintf(out + used, outlen - used, "%s%s:",
		    used ? "," : "", id);
		if (used >= outlen)
			return;
	}
}

/* [network] advertise as the profile's addresses field takes it. */
static void
profile_addresses_text(struct net *n, char *out, size_t outlen)
{
	const char *adv = n->d->conf.advertise;
	struct tv_invite inv;
	size_t used = 0;

	out[0] = 0;
	if (adv != NULL && strcasecmp(adv, "none") == 0)
		return;
	if (adv != NULL && strcasecmp(adv, "auto") != 0) {
		snprintf(out, outlen, "%s", adv);
		return;
	}
	memset(&inv, 0, sizeof(inv));
	(void)net_invite_addrs(n, &inv);
	for (size_t i = 0; i < inv.addrs_len; i++)
		used += (size_t)snprintf(out + used, used < outlen ?
		    outlen - used : 0, "%s%s", used ? "," : "",
		    inv.addrs[i].text);
}

static void
on_profile_timer(uv_timer_t *timer)
{
	struct net *n = timer->data;
	static const char *const names[] = { "peers", "addresses" };
	char peers[NET_PROFILE_PEERS_MAX * (TV_AREA_TEXT_LEN + 2) + 1], addrs[1024];
	const char *texts[] = { peers, addrs };
	char errbuf[256];
	bool changed;

	if (n->is_closing)
		return;
	profile_peers_text(n, peers, sizeof(peers));
	profile_addresses_text(n, addrs, sizeof(addrs));
	if (area_set_profile_fields(&n->d->area, names, texts, 2, &changed,
	    errbuf, sizeof(errbuf)) != 0)
		log_info("net: the profile's peers and addresses are not "
		    "published: %s", errbuf);
	else if (changed)
		log_info("net: published peers and addresses in the profile");
}

void
net_profile_changed(struct net *n)
{
	if (n != NULL && !n->is_closing)
		uv_timer_start(&n->profile_timer, on_profile_timer,
		    NET_PROFILE_DELAY_MS, 0);
}

/* ---- Dialling areas learned from profiles ---- */

static bool
is_linked_area(struct net *n, const uint8_t *area)
{
	for (struct net_target *t = n->targets; t; t = t->next)
		if (t->has_area && memcmp(t->area, area, TV_PK_LEN) == 0)
			return true;
	for (struct peer *p = n->peers; p; p = p->next)
		if (p->has_area && p->state != PEER_CLOSING &&
		    memcmp(p->area, area, TV_PK_LEN) == 0)
			return true;
	for (size_t i = 0; i < NET_FAILED_MAX; i++)
		if (memcmp(n->failed[i], area, TV_PK_LEN) == 0)
			return true;
	return memcmp(area, n->self.area, TV_PK_LEN) == 0;
}

/* One candidate, chosen uniformly among those seen so far. */
struct pick {
	struct net *n;
	size_t seen;
	uint8_t area[TV_PK_LEN];
	char addr[TV_INVITE_ADDR_MAX + 1];
};

/* The first address of a decoded profile that parses, or false. */
static bool
profile_addr(const struct tv_record *r, char *out, size_t outlen)
{
	const struct tv_value *body, *list;
	struct tv_invite_addr a;
	struct tv_doc *doc;
	bool found = false;

	if (r->body_len == 0 || tv_decode(r->body, r->body_len, &doc,
	    &body) != 0)
		return false;
	list = tv_map_get(body, "addresses");
	for (uint32_t i = 0; list && list->type == TV_ARRAY && i < list->len &&
	    !found; i++) {
		const struct tv_value *v = &list->items[i];

		if (v->type == TV_STR && tv_invite_addr_parse((const char *)
		    v->bytes, v->len, &a) == 0) {
			snprintf(out, outlen, "%s", a.text);
			found = true;
		}
	}
	tv_doc_free(doc);
	return found;
}

/* store_list callback over area profiles. */
static int
consider_profile(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct pick *pk = arg;
	char addr[TV_INVITE_ADDR_MAX + 1];
	struct tv_record r;

	(void)is_local;
	if (tv_record_decode(raw, len, &r) != 0 ||
	    is_linked_area(pk->n, r.origin) ||
	    store_is_blocked(pk->n->d->store, r.origin) ||
	    !profile_addr(&r, addr, sizeof(addr)))
		return 0;
	if (randombytes_uniform((uint32_t)++pk->seen) == 0) {
		memcpy(pk->area, r.origin, TV_PK_LEN);
		memcpy(pk->addr, addr, sizeof(addr));
	}
	return 0;
}

/* Learned targets that never linked make room for others. */
static void
drop_failed_learned(struct net *n)
{
	struct net_target **tp = &n->targets, *t;

	while ((t = *tp) != NULL) {
		if (!t->is_learned || t->conn != NULL ||
		    t->failures < NET_LEARNED_TRIES) {
			tp = &t->next;
			continue;
		}
		log_info("peer %s: learned from a profile, gave up after %u "
		    "tries", t->addr, t->failures);
		memcpy(n->failed[n->failed_next++ % NET_FAILED_MAX], t->area,
		    TV_PK_LEN);
		*tp = t->next;
		uv_close((uv_handle_t *)&t->timer, on_target_close);
	}
}

static void
on_discover_timer(uv_timer_t *timer)
{
	struct net *n = timer->data;
	size_t waiting = 0;
	struct store_query q;
	struct store_cursor cur;
	struct pick pk;
	struct net_target *t;

	if (n->is_closing)
		return;
	drop_failed_learned(n);
	for (t = n->targets; t; t = t->next)
		waiting += t->conn == NULL;
	/* Known peers being retried count: they may come back. */
	if (link_count(n) + waiting >= (size_t)n->d->conf.target_peers)
		return;
	memset(&pk, 0, sizeof(pk));
	memset(&cur, 0, sizeof(cur));
	memset(&q, 0, sizeof(q));
	q.kind = "area";
	pk.n = n;
	(void)store_list(n->d->store, &q, &cur, 0, consider_profile, &pk);
	if (pk.seen == 0 || (t = target_new(n, pk.addr)) == NULL)
		return;
	t->is_learned = true;
	memcpy(t->area, pk.area, TV_PK_LEN);
	t->has_area = true;
	log_info("peer %s: dialling an area learned from its profile",
	    t->addr);
	uv_timer_start(&t->timer, on_dial, 0, 0);
}
