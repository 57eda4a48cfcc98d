#define _GNU_SOURCE		/* struct ucred */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_records.h"
#include "daemon.h"
#include "err.h"
#include "log.h"

#define CONN_MAX_PER_UID 32
#define CONN_MAX 128
#define STALL_TIMEOUT_MS 10000	/* a started frame must finish within this */
#define IDLE_TIMEOUT_MS 300000	/* an idle connection is closed after this */
#define READ_CHUNK 65536

struct ctl_conn {
	uv_pipe_t pipe;		/* first: handle->data is not needed */
	uv_timer_t timer;
	struct control *ctl;
	struct ctl_conn *next;
	uid_t uid;
	int open_handles;
	bool closing;
	bool close_after_write;
	bool busy;		/* a request is being answered */
	uint8_t *in;		/* bytes received and not yet handled */
	size_t in_len, in_cap;
	uint8_t *payload;	/* the request being answered; its doc views it */
	struct tv_doc *doc;
	struct ctl_request_view view;
	struct ctl_req req;
	struct tv_w out;
	size_t pending_writes;
	char read_buf[READ_CHUNK];
};

struct ctl_write {
	uv_write_t req;
	struct ctl_conn *conn;
	uint8_t *data;
	size_t len;
};

struct control {
	struct tvaersd *d;
	uv_pipe_t server;
	char *path;
	struct ctl_conn *conns;
	unsigned n_conns;
	bool closing;
	bool server_closed;	/* its close callback ran */
};

static void conn_close(struct ctl_conn *c);
static void conn_process(struct ctl_conn *c);
static void conn_flush(struct ctl_conn *c);
static void conn_resume(struct ctl_conn *c);
static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
static void on_timer(uv_timer_t *t);

static void
conn_free_request(struct ctl_conn *c)
{
	if (c->req.state_free != NULL && c->req.state != NULL)
		c->req.state_free(c->req.state);
	tv_doc_free(c->doc);
	free(c->payload);
	c->doc = NULL;
	c->payload = NULL;
	memset(&c->req, 0, sizeof(c->req));
}

static void
conn_handle_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;
	struct control *ctl = c->ctl;

	if (--c->open_handles > 0)
		return;
	/* The last handle is closed: now, and only now, free the owner. */
	for (struct ctl_conn **pp = &ctl->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	ctl->n_conns--;
	conn_free_request(c);
	tv_w_free(&c->out);
	free(c->in);
	free(c);
	/* The last connection of a closed server frees the server. */
	if (ctl->server_closed && ctl->conns == NULL) {
		free(ctl->path);
		free(ctl);
	}
}

static void
conn_close(struct ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->timer, conn_handle_closed);
	uv_close((uv_handle_t *)&c->pipe, conn_handle_closed);
}

static void
on_write(uv_write_t *wr, int status)
{
	struct ctl_write *w = (struct ctl_write *)wr;
	struct ctl_conn *c = w->conn;

	free(w->data);
	free(w);
	c->pending_writes--;
	if (c->closing)
		return;
	if (status < 0) {
		log_debug("control: uid %u: write: %s", (unsigned)c->uid,
		    uv_strerror(status));
		conn_close(c);
		return;
	}
	if (c->pending_writes > 0)
		return;
	if (c->close_after_write) {
		conn_close(c);
		return;
	}
	if (c->req.more != NULL) {
		/* The client took the last page: make the next one. */
		ctl_more_cb *more = c->req.more;
		int rc = more(&c->req);
		if (rc <= 0) {
			c->req.more = NULL;
			tv_ctl_end_write(&c->out, rc < 0 ? rc : 0,
			    rc < 0 ? c->req.msg : "");
			c->busy = false;
		}
		conn_flush(c);
		if (!c->busy)
			conn_free_request(c);
		return;
	}
	if (!c->busy)
		conn_process(c);
}

/* Hands what the writer holds to libuv; the write request owns the bytes. */
static void
conn_flush(struct ctl_conn *c)
{
	struct ctl_write *w;
	uv_buf_t buf;
	int rc;

	if (c->closing)
		return;
	if (tv_w_err(&c->out) != 0) {
		log_warnx("control: uid %u: reply: %s", (unsigned)c->uid,
		    tv_strerror(tv_w_err(&c->out)));
		conn_close(c);
		return;
	}
	if (c->out.buf.len == 0)
		return;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		conn_close(c);
		return;
	}
	w->conn = c;
	w->data = c->out.buf.data;
	w->len = c->out.buf.len;
	/* The next page starts in a fresh buffer. */
	tv_w_init(&c->out, 0);
	buf = uv_buf_init((char *)w->data, (unsigned)w->len);
	c->pending_writes++;
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1,
	    on_write)) != 0) {
		c->pending_writes--;
		free(w->data);
		free(w);
		conn_close(c);
	}
}

/* Answers with only an end frame; closes afterwards if told to. */
static void
conn_fail(struct ctl_conn *c, int code, bool then_close, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
conn_fail(struct ctl_conn *c, int code, bool then_close, const char *fmt, ...)
{
	char msg[TV_CTL_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tv_buf_reset(&c->out.buf);
	tv_ctl_end_write(&c->out, code, msg);
	c->close_after_write = c->close_after_write || then_close;
	conn_flush(c);
}

static void
conn_answer(struct ctl_conn *c, const uint8_t *frame, size_t len)
{
	struct tv_ctl_request in;
	ctl_handler_fn *fn;
	char names[512];
	int rc;

	if ((c->payload = malloc(len ? len : 1)) == NULL) {
		conn_fail(c, TV_ENOMEM, true, "tvaersd is out of memory");
		return;
	}
	memcpy(c->payload, frame, len);
	rc = tv_ctl_request_decode(c->payload, len, &c->doc, &in);
	if (rc == TV_EVERSION) {
		conn_fail(c, rc, false, "this tvaers speaks control protocol "
		    "version %llu, but tvaersd speaks %d; use a tvaers and "
		    "tvaersd of the same release", (unsigned long long)in.version,
		    TV_CTL_VERSION);
		conn_free_request(c);
		return;
	}
	if (rc != 0) {
		conn_fail(c, rc, false, "bad control request: %s",
		    tv_strerror(rc));
		conn_free_request(c);
		return;
	}
	if ((fn = ctl_handler_find(in.op, in.op_len)) == NULL) {
		ctl_handler_names(names, sizeof(names));
		conn_fail(c, TV_ENOTFOUND, false, "unknown request '%.*s'; "
		    "tvaersd answers: %s", (int)(in.op_len > 64 ? 64 : in.op_len),
		    in.op, names);
		conn_free_request(c);
		return;
	}
	c->view.op = in.op;
	c->view.op_len = in.op_len;
	c->view.args = in.args;
	c->req.d = c->ctl->d;
	c->req.in = &c->view;
	c->req.out = &c->out;
	/* No stall or idle timeout while we answer: the client waits on us. */
	uv_timer_stop(&c->timer);
	c->busy = true;
	rc = fn(&c->req);
	if (rc < 0) {
		/* Items of a failed request are dropped; only the reason goes out. */
		tv_buf_reset(&c->out.buf);
		tv_ctl_end_write(&c->out, rc, c->req.msg[0] ? c->req.msg :
		    tv_strerror(rc));
		c->req.more = NULL;
	} else if (c->req.more == NULL) {
		tv_ctl_end_write(&c->out, 0, c->req.msg);
	}
	if (c->req.more == NULL) {
		c->busy = false;
		conn_flush(c);
		conn_free_request(c);
	} else {
		conn_flush(c);
	}
}

/* Handles every complete frame in the input, one request at a time. */
static void
conn_process(struct ctl_conn *c)
{
	while (!c->closing && !c->busy && c->pending_writes == 0 &&
	    c->in_len >= TV_CTL_HDR_LEN) {
		size_t len;
		if (tv_ctl_hdr_read(c->in, &len) != 0) {
			/* PROTOCOL.md §8.1: never read an oversized frame. */
			conn_fail(c, TV_ETOOBIG, true, "request too big: at most "
			    "%u bytes", TV_CTL_FRAME_MAX);
			c->in_len = 0;
			return;
		}
		if (c->in_len < TV_CTL_HDR_LEN + len)
			break;
		conn_answer(c, c->in + TV_CTL_HDR_LEN, len);
		c->in_len -= TV_CTL_HDR_LEN + len;
		memmove(c->in, c->in + TV_CTL_HDR_LEN + len, c->in_len);
	}
	if (c->closing)
		return;
	if (c->busy || c->pending_writes > 0) {
		uv_read_stop((uv_stream_t *)&c->pipe);
		return;
	}
	conn_resume(c);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct ctl_conn *c = h->data;
	*buf = uv_buf_init(c->read_buf, sizeof(c->read_buf));
}


static void
on_timer(uv_timer_t *t)
{
	struct ctl_conn *c = t->data;

	if (c->in_len > 0)
		conn_fail(c, TV_ETRUNC, true, "request incomplete after %d "
		    "seconds", STALL_TIMEOUT_MS / 1000);
	else
		conn_close(c);
}

static void
conn_resume(struct ctl_conn *c)
{
	uv_timer_start(&c->timer, on_timer, c->in_len > 0 ? STALL_TIMEOUT_MS :
	    IDLE_TIMEOUT_MS, 0);
	uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct ctl_conn *c = s->data;

	if (n == 0)
		return;
	if (n < 0) {
		/* EOF or error; a half-sent frame dies with the connection. */
		conn_close(c);
		return;
	}
	if (c->in_len + (size_t)n > c->in_cap) {
		size_t cap = c->in_cap ? c->in_cap : 4096;
		while (cap < c->in_len + (size_t)n)
			cap *= 2;
		/* At most one frame plus one read chunk is ever buffered. */
		if (cap > TV_CTL_HDR_LEN + TV_CTL_FRAME_MAX + READ_CHUNK)
			cap = TV_CTL_HDR_LEN + TV_CTL_FRAME_MAX + READ_CHUNK;
		if (c->in_len + (size_t)n > cap) {
			conn_fail(c, TV_ETOOBIG, true, "request buffer exhausted");
			return;
		}
		uint8_t *in = realloc(c->in, cap);
		if (in == NULL) {
			conn_fail(c, TV_ENOMEM, true, "tvaersd is out of memory");
			return;
		}
		c->in = in;
		c->in_cap = cap;
	}
	memcpy(c->in + c->in_len, buf->base, (size_t)n);
	c->in_len += (size_t)n;
	conn_process(c);
}

/* Returns the connecting process's uid, or -1 if it cannot be known. */
static long
peer_uid(uv_pipe_t *p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)p, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return -1;
	return (long)cred.uid;
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct control *ctl = server->data;
	struct ctl_conn *c;
	unsigned same_uid = 0;
	long uid;

	if (status < 0) {
		log_warnx("control: accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("control: out of memory for a connection");
		return;
	}
	c->ctl = ctl;
	tv_w_init(&c->out, 0);
	uv_pipe_init(ctl->d->loop, &c->pipe, 0);
	uv_timer_init(ctl->d->loop, &c->timer);
	c->pipe.data = c->timer.data = c;
	c->open_handles = 2;
	c->next = ctl->conns;
	ctl->conns = c;
	ctl->n_conns++;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		conn_close(c);
		return;
	}
	uid = peer_uid(&c->pipe);
	if (uid < 0 || (uid != 0 && (uid_t)uid != geteuid())) {
		log_warnx("control: refused a connection from uid %ld", uid);
		conn_fail(c, -EACCES, true, "permission denied: run tvaers as "
		    "the user that runs tvaersd");
		return;
	}
	c->uid = (uid_t)uid;
	for (struct ctl_conn *o = ctl->conns; o; o = o->next)
		if (!o->closing && o->uid == c->uid)
			same_uid++;
	if (ctl->n_conns > CONN_MAX || same_uid > CONN_MAX_PER_UID) {
		log_warnx("control: too many connections (uid %ld)", uid);
		conn_fail(c, -EAGAIN, true, "tvaersd has too many control "
		    "connections open; try again shortly");
		return;
	}
	conn_resume(c);
}

/*
 * libuv runs close callbacks in no order we may rely on, so the control
 * block lives until both the server and every connection have closed.
 */
static void
server_closed(uv_handle_t *h)
{
	struct control *ctl = h->data;

	ctl->server_closed = true;
	if (ctl->conns != NULL)
		return;
	free(ctl->path);
	free(ctl);
}

int
control_open(struct tvaersd *d, const char *path, struct control **out,
    char *errbuf, size_t errlen)
{
	struct sockaddr_un sun;
	struct control *ctl;
	mode_t old_umask;
	int rc, fd;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(errbuf, errlen, "%s: socket path too long (at most %zu "
		    "bytes); set control_socket to a shorter path", path,
		    sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	/* Refuse to take over a socket that a live daemon still answers. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		close(fd);
		if (rc == 0) {
			snprintf(errbuf, errlen, "%s: another daemon answers on "
			    "this control socket; stop it first", path);
			return -EADDRINUSE;
		}
	}
	unlink(path);

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL ||
	    (ctl->path = strdup(path)) == NULL) {
		free(ctl);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	ctl->d = d;
	uv_pipe_init(d->loop, &ctl->server, 0);
	ctl->server.data = ctl;
	old_umask = umask(0177);
	rc = uv_pipe_bind(&ctl->server, path);
	umask(old_umask);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ctl->server, 16, on_connection);
	if (rc != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, uv_strerror(rc));
		/* Freed when the loop runs the close callback. */
		uv_close((uv_handle_t *)&ctl->server, server_closed);
		return rc;
	}
	chmod(path, 0600);
	*out = ctl;
	return 0;
}

void
control_close(struct control *ctl)
{
	if (ctl == NULL)
		return;
	if (!ctl->closing) {
		ctl->closing = true;
		unlink(ctl->path);
		uv_close((uv_handle_t *)&ctl->server, server_closed);
	}
	for (struct ctl_conn *c = ctl->conns; c; c = c->next)
		conn_close(c);
}

int
ctl_arg_str(struct ctl_req *req, const char *name, bool required, char *out,
    size_t outlen)
{
	const struct tv_value *v = tv_map_get(req->in->args, name);

	if (v == NULL || v->type == TV_NIL) {
		if (required)
			snprintf(req->msg, sizeof(req->msg), "argument '%s' is "
			    "missing", name);
		return TV_ENOTFOUND;
	}
	if (v->type != TV_STR || v->len >= outlen) {
		snprintf(req->msg, sizeof(req->msg), "argument '%s' must be "
		    "text of at most %zu bytes", name, outlen - 1);
		return TV_ETYPE;
	}
	memcpy(out, v->bytes, v->len);
	out[v->len] = 0;
	return 0;
}
