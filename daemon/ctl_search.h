/* The control op search: full-text search over the store (PROTOCOL.md §8). */
#ifndef TVAERS_DAEMON_CTL_SEARCH_H
#define TVAERS_DAEMON_CTL_SEARCH_H

#include "control.h"

/* {"text", "kind"?, "limit"?} -> one item per hit, best first. */
int ctl_op_search(struct ctl_req *req);

#endif
