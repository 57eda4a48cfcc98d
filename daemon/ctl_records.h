/*
 * The control requests: one handler per op, found by name. Each handler
 * reads req->in->args, appends item frames to req->out, and returns 0 or a
 * negative code with a sentence for people in req->msg.
 */
#ifndef TVAERS_DAEMON_CTL_RECORDS_H
#define TVAERS_DAEMON_CTL_RECORDS_H

#include <stddef.h>

#include "control.h"

typedef int ctl_handler_fn(struct ctl_req *req);

/* Returns the handler for op (op_len bytes), or NULL if there is none. */
ctl_handler_fn *ctl_handler_find(const char *op, size_t op_len);
/* Writes the names of every op, comma-separated, into out. */
void ctl_handler_names(char *out, size_t outlen);

#endif
