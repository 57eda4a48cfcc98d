/*
 * The CLI's side of the control socket (PROTOCOL.md §8): connect to the
 * Unix socket, send one request frame, read item frames until the end frame.
 * Blocking I/O; EINTR and short reads and writes are handled, and a read
 * that waits more than CLIENT_TIMEOUT seconds fails. One request at a time
 * per connection; a connection may carry several requests in turn.
 */
#ifndef TVAERS_CLI_CLIENT_H
#define TVAERS_CLI_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "ctl.h"

#define CLIENT_TIMEOUT 30	/* seconds a read may wait */

struct client;

/* Called with each item (a view valid during the call); 0 goes on, non-zero stops. */
typedef int client_item_cb(void *arg, const struct tv_value *item);

/*
 * Connects to the socket at path. Returns 0 and a new client in *out (free
 * with client_close), or -errno (-ENOENT: no socket, -ECONNREFUSED: nobody
 * listens, -ENAMETOOLONG: the path does not fit a socket address).
 */
int client_open(const char *path, struct client **out);
/* Closes the connection and frees c; NULL is fine. */
void client_close(struct client *c);

/*
 * Sends op with args (a map or NULL) and hands every item to cb. Returns 0
 * once the end frame arrived, with its code in *out_code and its message
 * (NUL-terminated, truncated to fit) in msg. Returns instead the first
 * non-zero value of cb, -errno on an I/O failure (-EAGAIN: timed out,
 * -EPIPE or -ECONNRESET: the daemon went away), TV_ETRUNC if the daemon
 * closed before its end frame, or TV_EMALFORMED / TV_ETOOBIG / a tv_decode
 * error for a reply that is not valid; after such a failure c can only be
 * closed.
 */
int client_call(struct client *c, const char *op, const struct tv_value *args,
    client_item_cb *cb, void *arg, int64_t *out_code, char *msg,
    size_t msglen);

#endif
