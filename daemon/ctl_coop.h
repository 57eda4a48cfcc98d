/*
 * Control ops about cooperation (PROTOCOL.md §8): networks (cooperation
 * networks with confirmed and pending members) and boards (this area's
 * local board roles; the answer goes only to the local client).
 */
#ifndef TVAERS_DAEMON_CTL_COOP_H
#define TVAERS_DAEMON_CTL_COOP_H

#include "control.h"

/* networks {} -> one item per network record held. */
int ctl_op_networks(struct ctl_req *req);
/* boards {} -> one item: people on several boards, boards with vacancies. */
int ctl_op_boards(struct ctl_req *req);

#endif
