/*
 * One federation link (peer.h). The dialler is the Noise initiator. Message
 * 1 carries no payload; messages 2 and 3 carry each side's HELLO, checked
 * against the static key the handshake authenticated (PROTOCOL.md §9.2).
 * The initiator learns that the responder read message 3 (and so shares
 * the federation key) only from the first transport frame, so each side
 * sends a PING as soon as its transport is up.
 */
#include "peer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "log.h"
#include "net.h"
#include "sync.h"

#define PEER_ABORT_MS 5000	/* a closing link waits this long at most */
#define PEER_ERR_FEDKEY \
	"handshake failed: wrong federation key or not a tvaers peer"

/* A write request with its frame; freed in the write callback. */
struct peer_write {
	uv_write_t req;
	size_t len;
	uint8_t data[];
};

static void close_handles(struct peer *p);

static uint64_t
now_ms(struct peer *p)
{
	return uv_now(p->tcp.loop);
}

static void
on_write(uv_write_t *req, int status)
{
	struct peer_write *w = (struct peer_write *)req;
	struct peer *p = req->handle->data;

	(void)status;	/* a failed write shows up as a read error or EOF */
	free(w);
	/* Backpressure: sync sends its next batch as the queue drains. */
	if (p != NULL && p->sync != NULL && peer_is_linked(p))
		sync_on_drain(p);
}

/* Sends one frame of len bytes built by fill into the frame's body. */
static int
send_raw(struct peer *p, const uint8_t *body, size_t len, bool is_encrypted)
{
	struct peer_write *w;
	size_t body_len = len + (is_encrypted ? TV_NOISE_TAG_LEN : 0), n;
	uv_buf_t buf;
	int rc;

	if (p->state == PEER_CLOSING)
		return TV_EINVAL;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&p->tcp) >
	    PEER_WQUEUE_MAX)
		return TV_ETOOBIG;
	if (body_len == 0 || body_len > TV_FRAME_MAX)
		return TV_ETOOBIG;
	if ((w = malloc(sizeof(*w) + TV_FRAME_HEADER_LEN + body_len)) == NULL)
		return TV_ENOMEM;
	/* PROTOCOL.md §10.6: rekey before every 2^20th message. */
	if (is_encrypted && tv_wire_rekey_due(tv_noise_cipher_nonce(&p->tx)) &&
	    (rc = tv_noise_cipher_rekey(&p->tx)) != 0) {
		free(w);
		return rc;
	}
	if (is_encrypted)
		rc = tv_noise_cipher_encrypt(&p->tx, body, len,
		    w->data + TV_FRAME_HEADER_LEN, body_len, &n);
	else {
		memcpy(w->data + TV_FRAME_HEADER_LEN, body, len);
		rc = 0;
	}
	if (rc == 0)
		rc = tv_frame_write(w->data + TV_FRAME_HEADER_LEN, body_len,
		    w->data, TV_FRAME_HEADER_LEN + body_len, &w->len);
	if (rc != 0) {
		free(w);
		return rc;
	}
	buf = uv_buf_init((char *)w->data, (unsigned)w->len);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&p->tcp, &buf, 1,
	    on_write)) != 0) {
		free(w);
		return rc;
	}
	p->bytes_out += w->len;
	p->frames_out++;
	return 0;
}

/* Encrypts and sends the message in w (then freed). */
static int
send_msg(struct peer *p, struct tv_w *w, int rc)
{
	if (rc == 0)
		rc = tv_w_err(w);
	if (rc == 0)
		rc = send_raw(p, w->buf.data, w->buf.len, true);
	tv_w_free(w);
	return rc;
}

static int
send_ping(struct peer *p, enum tv_wire_type type, uint64_t nonce)
{
	struct tv_w w;

	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	return send_msg(p, &w, tv_wire_ping_encode(&w, type, nonce));
}

static void
fail(struct peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct peer *p, const char *fmt, ...)
{
	char why[sizeof(p->error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	p->errors++;
	peer_close(p, why);
}

/* Writes our HELLO into w. */
static int
hello_write(struct peer *p, struct tv_w *w)
{
	const struct peer_self *self = net_self(p->net);
	struct tv_wire_hello h;

	memset(&h, 0, sizeof(h));
	h.version = TV_WIRE_VERSION;
	h.area = self->area;
	h.listen_port = self->listen_port;
	return tv_wire_hello_encode(w, &h);
}

/* Writes the next handshake message with our HELLO (or no payload). */
static int
hs_send(struct peer *p, bool with_hello)
{
	uint8_t out[TV_NOISE_MSG_MAX];
	struct tv_w w;
	size_t n;
	int rc = 0;

	tv_w_init(&w, TV_WIRE_HELLO_MAX);
	if (with_hello)
		rc = hello_write(p, &w);
	if (rc == 0)
		rc = tv_w_err(&w);
	if (rc == 0)
		rc = tv_noise_hs_write(&p->hs, w.buf.data, w.buf.len, out,
		    sizeof(out), &n);
	tv_w_free(&w);
	if (rc == 0 && (rc = send_raw(p, out, n, false)) == 0)
		p->hs_sent++;
	return rc;
}

/* Checks a HELLO payload against the authenticated static key. */
static int
hello_check(struct peer *p, const uint8_t *payload, size_t len)
{
	uint8_t rs[TV_NOISE_KEY_LEN];
	struct tv_wire_msg m;
	int rc;

	if ((rc = tv_wire_decode(payload, len, &m)) != 0) {
		fail(p, "handshake: bad HELLO: %s", tv_strerror(rc));
		return rc;
	}
	if (m.type != TV_WIRE_HELLO) {
		tv_wire_msg_close(&m);
		fail(p, "handshake: expected HELLO");
		return TV_EMALFORMED;
	}
	/* PROTOCOL.md §9.2: rs must be the X25519 form of the claimed id. */
	if ((rc = tv_noise_hs_remote_static(&p->hs, rs)) == 0)
		rc = tv_noise_check_area(rs, m.hello.area);
	if (rc != 0) {
		tv_wire_msg_close(&m);
		fail(p, "handshake: the static key does not belong to the "
		    "area the HELLO claims");
		return rc;
	}
	memcpy(p->area, m.hello.area, TV_PK_LEN);
	p->has_area = true;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)m.hello.name.len,
	    m.hello.name.p);
	tv_wire_msg_close(&m);
	return 0;
}

/* The handshake is done: split and start the transport. */
static void
hs_finish(struct peer *p)
{
	char why[sizeof(p->error)];
	int rc;

	if ((rc = tv_noise_hs_split(&p->hs, &p->tx, &p->rx)) != 0) {
		fail(p, "handshake: split: %s", tv_strerror(rc));
		return;
	}
	tv_noise_hs_close(&p->hs);
	p->state = PEER_OPEN;
	p->last_ping_ms = now_ms(p);
	if (!p->is_initiator) {
		/* The responder read message 3: the psk matched. */
		p->is_confirmed = true;
		if (!net_peer_open(p->net, p, why, sizeof(why))) {
			peer_close(p, why);
			return;
		}
	}
	if ((rc = send_ping(p, TV_WIRE_PING, randombytes_random())) != 0) {
		fail(p, "cannot send: %s", tv_strerror(rc));
		return;
	}
	if (p->is_confirmed && (rc = sync_link_open(p)) != 0)
		fail(p, "sync: %s", tv_strerror(rc));
}

static void
on_handshake_frame(struct peer *p, const uint8_t *frame, size_t len)
{
	uint8_t payload[TV_NOISE_MSG_MAX];
	size_t n;
	int rc;

	rc = tv_noise_hs_read(&p->hs, frame, len, payload, sizeof(payload),
	    &n);
	if (rc != 0) {
		/* PROTOCOL.md §9.1: only message 3 depends on the psk. */
		if (!p->is_initiator && p->hs_sent >= 1 &&
		    rc == TV_EBADSIG)
			fail(p, PEER_ERR_FEDKEY);
		else
			fail(p, "handshake failed: %s", tv_strerror(rc));
		return;
	}
	if (!p->is_initiator && !tv_noise_hs_is_done(&p->hs)) {
		/* Message 1 read: answer with message 2 and our HELLO. */
		if ((rc = hs_send(p, true)) != 0)
			fail(p, "handshake: cannot send: %s", tv_strerror(rc));
		return;
	}
	if (hello_check(p, payload, n) != 0)
		return;
	if (p->is_initiator) {
		/* Message 2 read and checked: send message 3. */
		if ((rc = hs_send(p, true)) != 0) {
			fail(p, "handshake: cannot send: %s", tv_strerror(rc));
			return;
		}
	}
	if (tv_noise_hs_is_done(&p->hs))
		hs_finish(p);
}

static void
on_message(struct peer *p, const uint8_t *pt, size_t len)
{
	struct tv_wire_msg m;
	int rc;

	if ((rc = tv_wire_decode(pt, len, &m)) != 0) {
		struct tv_w w;
		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		/* PROTOCOL.md §10.5: too big gets ERROR 3, else ERROR 1. */
		(void)send_msg(p, &w, rc == TV_ETOOBIG ?
		    tv_wire_error_encode(&w, TV_WIRE_ETOOBIG, "too big", 7) :
		    tv_wire_error_encode(&w, TV_WIRE_EBADMSG, "bad message",
		    11));
		fail(p, "bad message: %s", tv_strerror(rc));
		return;
	}
	switch (m.type) {
	case TV_WIRE_PING:
		if ((rc = send_ping(p, TV_WIRE_PONG, m.nonce)) != 0)
			fail(p, "cannot send: %s", tv_strerror(rc));
		break;
	case TV_WIRE_ERROR:
		p->errors++;
		log_info("peer %s: says error %llu: %.*s", p->addr,
		    (unsigned long long)m.error.code,
		    (int)m.error.text.len, m.error.text.p);
		break;
	case TV_WIRE_RECONCILE:
	case TV_WIRE_RECORDS:
	case TV_WIRE_WANT:
	case TV_WIRE_RESYNC:
		if (p->sync != NULL)
			sync_on_message(p, &m);
		break;
	case TV_WIRE_GOODBYE:
		log_debug("peer %s: goodbye", p->addr);
		tv_wire_msg_close(&m);
		peer_close(p, "closed by the peer");
		return;
	default:
		/* PONG, HELLO again and newer types: ignored. */
		break;
	}
	tv_wire_msg_close(&m);
}

static void
on_transport_frame(struct peer *p, const uint8_t *frame, size_t len)
{
	uint8_t pt[TV_NOISE_MSG_MAX];
	char why[sizeof(p->error)];
	size_t n;
	int rc;

	if (tv_wire_rekey_due(tv_noise_cipher_nonce(&p->rx)) &&
	    (rc = tv_noise_cipher_rekey(&p->rx)) != 0) {
		fail(p, "cannot rekey: %s", tv_strerror(rc));
		return;
	}
	if ((rc = tv_noise_cipher_decrypt(&p->rx, frame, len, pt, sizeof(pt),
	    &n)) != 0) {
		fail(p, "cannot decrypt a frame: %s", tv_strerror(rc));
		return;
	}
	if (!p->is_confirmed) {
		p->is_confirmed = true;
		if (!net_peer_open(p->net, p, why, sizeof(why))) {
			peer_close(p, why);
			return;
		}
		if ((rc = sync_link_open(p)) != 0) {
			fail(p, "sync: %s", tv_strerror(rc));
			return;
		}
	}
	on_message(p, pt, n);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct peer *p = h->data;

	(void)hint;
	*buf = uv_buf_init((char *)p->rbuf, sizeof(p->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct peer *p = s->data;
	const uint8_t *frame;
	size_t off = 0, used, flen;
	int rc;

	if (nread < 0) {
		if (p->is_initiator && !p->is_confirmed &&
		    p->state == PEER_OPEN)
			fail(p, PEER_ERR_FEDKEY);
		else if (nread == UV_EOF)
			peer_close(p, p->state == PEER_OPEN ?
			    "connection closed by the peer" :
			    "handshake: connection closed by the peer");
		else
			fail(p, "read: %s", uv_strerror((int)nread));
		return;
	}
	p->bytes_in += (size_t)nread;
	while (off < (size_t)nread && p->state != PEER_CLOSING) {
		rc = tv_frame_feed(&p->rd, (const uint8_t *)buf->base + off,
		    (size_t)nread - off, &used, &frame, &flen);
		if (rc != 0) {
			fail(p, "bad frame: %s", tv_strerror(rc));
			return;
		}
		off += used;
		if (frame == NULL)
			continue;
		p->frames_in++;
		p->last_rx_ms = now_ms(p);
		if (p->state == PEER_HANDSHAKE)
			on_handshake_frame(p, frame, flen);
		else if (p->state == PEER_OPEN)
			on_transport_frame(p, frame, flen);
	}
}

static void
on_tick(uv_timer_t *t)
{
	struct peer *p = t->data;
	uint64_t now = now_ms(p);
	int rc;

	switch (p->state) {
	case PEER_CONNECTING:
	case PEER_HANDSHAKE:
		if (now - p->started_ms >= PEER_HANDSHAKE_MS)
			fail(p, "handshake timed out");
		break;
	case PEER_OPEN:
		if (p->is_paused)
			p->last_rx_ms = now;	/* our own backpressure */
		if (now - p->last_rx_ms >= PEER_IDLE_MS)
			fail(p, "idle for %d s", PEER_IDLE_MS / 1000);
		else if (now - p->last_ping_ms >= PEER_PING_MS) {
			p->last_ping_ms = now;
			if ((rc = send_ping(p, TV_WIRE_PING,
			    randombytes_random())) != 0)
				fail(p, "cannot send: %s", tv_strerror(rc));
		}
		if (p->state == PEER_OPEN && p->sync != NULL)
			sync_on_tick(p, now);
		break;
	case PEER_CLOSING:
		if (now - p->closing_ms >= PEER_ABORT_MS)
			close_handles(p);
		break;
	}
}

static int
start(struct peer *p)
{
	int rc;

	p->tcp.data = p->tick.data = p;
	p->started_ms = p->last_rx_ms = now_ms(p);
	tv_frame_reader_init(&p->rd);
	rc = tv_noise_hs_init(&p->hs, p->is_initiator ? TV_NOISE_INITIATOR :
	    TV_NOISE_RESPONDER, (const uint8_t *)TV_NOISE_PROLOGUE,
	    TV_NOISE_PROLOGUE_LEN, &net_self(p->net)->s,
	    net_self(p->net)->fed_key, NULL);
	if (rc != 0)
		return rc;
	return uv_timer_start(&p->tick, on_tick, 1000, 1000);
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct peer *p = req->data;
	int rc;

	if (status == UV_ECANCELED)
		return;		/* closed while connecting */
	if (status != 0) {
		fail(p, "connect: %s", uv_strerror(status));
		return;
	}
	p->state = PEER_HANDSHAKE;
	if ((rc = uv_read_start((uv_stream_t *)&p->tcp, on_alloc,
	    on_read)) != 0 || (rc = hs_send(p, false)) != 0)
		fail(p, "handshake: cannot send: %s", tv_strerror(rc));
}

static struct peer *
peer_new(struct net *n, uv_loop_t *loop)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->net = n;
	if (uv_tcp_init(loop, &p->tcp) != 0) {
		free(p);
		return NULL;
	}
	uv_timer_init(loop, &p->tick);
	p->handles = 2;
	return p;
}

int
peer_dial(struct net *n, struct net_target *t, const struct sockaddr *sa,
    const char *addr, struct peer **out)
{
	struct peer *p;
	int rc;

	if ((p = peer_new(n, net_self(n)->loop)) == NULL)
		return UV_ENOMEM;
	p->target = t;
	p->is_initiator = true;
	p->state = PEER_CONNECTING;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	p->connect.data = p;
	if ((rc = start(p)) != 0 || (rc = uv_tcp_connect(&p->connect,
	    &p->tcp, sa, on_connect)) != 0) {
		p->target = NULL;
		p->state = PEER_CLOSING;
		p->net = NULL;	/* net does not know it: free quietly */
		close_handles(p);
		return rc < -1000 ? UV_EINVAL : rc;
	}
	*out = p;
	return 0;
}

int
peer_accept(struct net *n, uv_stream_t *server, struct peer **out)
{
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN];
	int len = sizeof(ss), rc, port = 0;
	struct peer *p;

	if ((p = peer_new(n, server->loop)) == NULL)
		return UV_ENOMEM;
	p->state = PEER_HANDSHAKE;
	if ((rc = uv_accept(server, (uv_stream_t *)&p->tcp)) == 0 &&
	    (rc = uv_tcp_getpeername(&p->tcp, (struct sockaddr *)&ss,
	    &len)) == 0) {
		if (ss.ss_family == AF_INET6) {
			uv_ip6_name((struct sockaddr_in6 *)&ss, host,
			    sizeof(host));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
			snprintf(p->addr, sizeof(p->addr), "[%s]:%d", host,
			    port);
		} else {
			uv_ip4_name((struct sockaddr_in *)&ss, host,
			    sizeof(host));
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
			snprintf(p->addr, sizeof(p->addr), "%s:%d", host, port);
		}
	}
	if (rc != 0 || (rc = start(p)) != 0 ||
	    (rc = uv_read_start((uv_stream_t *)&p->tcp, on_alloc,
	    on_read)) != 0) {
		p->state = PEER_CLOSING;
		p->net = NULL;
		close_handles(p);
		return rc < -1000 ? UV_EINVAL : rc;
	}
	*out = p;
	return 0;
}

static void
on_close(uv_handle_t *h)
{
	struct peer *p = h->data;

	if (--p->handles > 0)
		return;
	if (p->net != NULL)
		net_peer_gone(p->net, p);
	sync_link_free(p);
	tv_noise_hs_close(&p->hs);
	tv_noise_cipher_close(&p->tx);
	tv_noise_cipher_close(&p->rx);
	free(p);
}

static void
close_handles(struct peer *p)
{
	p->tcp.data = p->tick.data = p;
	if (!uv_is_closing((uv_handle_t *)&p->tcp))
		uv_close((uv_handle_t *)&p->tcp, on_close);
	if (!uv_is_closing((uv_handle_t *)&p->tick))
		uv_close((uv_handle_t *)&p->tick, on_close);
}

static void
on_shutdown(uv_shutdown_t *req, int status)
{
	(void)status;
	close_handles(req->data);
}

void
peer_close(struct peer *p, const char *why)
{
	struct tv_w w;

	if (p == NULL || p->state == PEER_CLOSING)
		return;
	snprintf(p->error, sizeof(p->error), "%s", why ? why : "");
	if (p->state == PEER_OPEN) {
		/* Flush a GOODBYE (or an ERROR), then shut down. */
		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		if (why == NULL)
			(void)send_msg(p, &w, tv_wire_goodbye_encode(&w, "", 0));
		else
			(void)send_msg(p, &w, tv_wire_goodbye_encode(&w, why,
			    strnlen(why, TV_WIRE_TEXT_MAX)));
		p->state = PEER_CLOSING;
		p->closing_ms = now_ms(p);
		uv_read_stop((uv_stream_t *)&p->tcp);
		p->shutdown.data = p;
		if (uv_shutdown(&p->shutdown, (uv_stream_t *)&p->tcp,
		    on_shutdown) == 0)
			return;
	}
	p->state = PEER_CLOSING;
	close_handles(p);
}

void
peer_abort(struct peer *p)
{
	if (p == NULL)
		return;
	if (p->state == PEER_OPEN)
		peer_close(p, NULL);	/* GOODBYE, bounded by the tick */
	else {
		p->state = PEER_CLOSING;
		close_handles(p);
	}
}

int
peer_send(struct peer *p, const uint8_t *msg, size_t len)
{
	if (!peer_is_linked(p))
		return TV_EINVAL;
	return send_raw(p, msg, len, true);
}

size_t
peer_queued(const struct peer *p)
{
	return uv_stream_get_write_queue_size((const uv_stream_t *)&p->tcp);
}

void
peer_pause_reading(struct peer *p, bool pause)
{
	if (p->state == PEER_CLOSING || p->is_paused == pause)
		return;
	if (pause)
		uv_read_stop((uv_stream_t *)&p->tcp);
	else if (uv_read_start((uv_stream_t *)&p->tcp, on_alloc, on_read) != 0) {
		fail(p, "cannot read again");
		return;
	}
	p->is_paused = pause;
	p->last_rx_ms = now_ms(p);
}

void
peer_fail(struct peer *p, const char *why)
{
	fail(p, "%s", why);
}

bool
peer_is_linked(const struct peer *p)
{
	return p->state == PEER_OPEN && p->is_confirmed;
}

const char *
peer_state_name(const struct peer *p)
{
	if (p->state == PEER_OPEN && p->is_confirmed)
		return p->target != NULL ? "connected" : "inbound";
	return "connecting";
}
