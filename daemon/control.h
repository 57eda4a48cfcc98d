/*
 * The control socket: a Unix socket (mode 0600) on which tvaers sends
 * framed requests (proto/ctl.h, PROTOCOL.md §8). Set up as OpenSMTPD's
 * control.c: refuse to start if another daemon answers on the path, remove
 * a stale socket, umask around bind, peer credentials checked on accept
 * (same user or root), a cap on connections per user.
 *
 * A connection handles one request at a time: reading stops while the
 * reply is written, and long replies are produced a page at a time as
 * the client drains them, so memory stays bounded whatever the store holds.
 * A bad, oversized or truncated request gets an error reply; an oversized
 * or stalled one also closes the connection. Nothing a client sends can
 * stop the daemon.
 */
#ifndef TVAERS_DAEMON_CONTROL_H
#define TVAERS_DAEMON_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "canon.h"
#include "ctl.h"

struct tvaersd;
struct control;
struct ctl_req;

/*
 * A continuation for a long reply: append the next items to the request's
 * writer; return 1 if more will follow, 0 when done (the end frame is then
 * written by the caller), or a negative code with a message set.
 */
typedef int ctl_more_cb(struct ctl_req *req);

/* One request being answered; handlers see it, only control.c owns it. */
struct ctl_req {
	struct tvaersd *d;
	const struct ctl_request_view {
		const char *op;
		size_t op_len;
		const struct tv_value *args;
	} *in;
	struct tv_w *out;	/* append item frames here */
	char msg[TV_CTL_MSG_MAX]; /* the end frame's message */
	ctl_more_cb *more;	/* set to stream more pages */
	void *state;		/* the continuation's state */
	void (*state_free)(void *state); /* frees state when the request ends */
};

/*
 * Copies the text argument name of a request into out (NUL-terminated).
 * Returns 0; TV_ENOTFOUND if it is absent (with a message in req->msg
 * when required); or TV_ETYPE, with a message, if it is not text that
 * fits in outlen - 1 bytes.
 */
int ctl_arg_str(struct ctl_req *req, const char *name, bool required,
    char *out, size_t outlen);

/*
 * Creates the socket at path and starts accepting. Returns 0 or a negative
 * code with the reason in errbuf (e.g. another daemon answers there).
 */
int control_open(struct tvaersd *d, const char *path, struct control **out,
    char *errbuf, size_t errlen);
/* Starts closing the socket and every connection; idempotent, NULL is fine. */
void control_close(struct control *c);

#endif
