#include "client.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"

struct client {
	int fd;
	bool is_broken;		/* a failed call left the stream out of step */
	uint8_t *buf;		/* the current reply payload */
	size_t cap;
};

int
client_open(const char *path, struct client **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT };
	struct client *c;
	int fd, err;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	/* Blocking I/O with a deadline: a read or write that waits longer fails with EAGAIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		goto fail;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		if (errno != EINTR)
			goto fail;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	c->fd = fd;
	*out = c;
	return 0;
fail:
	err = errno;
	close(fd);
	return -err;
}

void
client_close(struct client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		/* MSG_NOSIGNAL: a daemon that hung up gives EPIPE, not SIGPIPE. */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly len bytes; returns 0, -errno, or TV_ETRUNC at end of stream. */
static int
read_all(int fd, uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		if (n == 0)
			return TV_ETRUNC;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one reply frame into c->buf; returns 0 and its length, or an error. */
static int
read_frame(struct client *c, size_t *out_len)
{
	uint8_t hdr[TV_CTL_HDR_LEN];
	size_t len;
	int rc;

	if ((rc = read_all(c->fd, hdr, sizeof(hdr))) != 0)
		return rc;
	/* PROTOCOL.md §8.1: a frame over the limit is refused before it is read. */
	if ((rc = tv_ctl_hdr_read(hdr, &len)) != 0)
		return rc;
	if (len > c->cap) {
		uint8_t *p = realloc(c->buf, len);
		if (p == NULL)
			return TV_ENOMEM;
		c->buf = p;
		c->cap = len;
	}
	if ((rc = read_all(c->fd, c->buf, len)) != 0)
		return rc;
	*out_len = len;
	return 0;
}

int
client_call(struct client *c, const char *op, const struct tv_value *args,
    client_item_cb *cb, void *arg, int64_t *out_code, char *msg,
    size_t msglen)
{
	uint8_t *req;
	size_t req_len;
	int rc;

	if (msglen > 0)
		msg[0] = 0;
	*out_code = 0;
	if (c->is_broken)
		return TV_EINVAL;
	if ((rc = tv_ctl_request_encode(op, args, &req, &req_len)) != 0)
		return rc;
	rc = write_all(c->fd, req, req_len);
	free(req);
	if (rc != 0)
		goto broken;
	for (;;) {
		struct tv_ctl_reply reply;
		struct tv_doc *doc;
		size_t len;

		if ((rc = read_frame(c, &len)) != 0)
			goto broken;
		if ((rc = tv_ctl_reply_decode(c->buf, len, &doc, &reply)) != 0)
			goto broken;
		if (reply.kind == TV_CTL_END) {
			size_t n = reply.msg_len < msglen ? reply.msg_len :
			    msglen - 1;
			if (msglen > 0) {
				memcpy(msg, reply.msg, n);
				msg[n] = 0;
			}
			*out_code = reply.code;
			tv_doc_free(doc);
			return 0;
		}
		rc = cb != NULL ? cb(arg, reply.data) : 0;
		tv_doc_free(doc);
		if (rc != 0)
			goto broken;
	}
broken:
	/* The rest of this reply is still on its way: the connection is done. */
	c->is_broken = true;
	return rc;
}
