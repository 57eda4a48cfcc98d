/*
 * Control ops that read across areas (PROTOCOL.md §8): match (projects and
 * associations near this area sharing an interest, README "Matching"),
 * networks (cooperation networks with confirmed and pending members) and
 * boards (this area's local board roles; never sent to peers).
 */
#ifndef TVAERS_DAEMON_CTL_MATCH_H
#define TVAERS_DAEMON_CTL_MATCH_H

#include "control.h"

/* match {interests?: text, within?: km} -> one item per shared interest. */
int ctl_op_match(struct ctl_req *req);
/* networks {} -> one item per network record held. */
int ctl_op_networks(struct ctl_req *req);
/* boards {} -> one item: people on several boards, boards with vacancies. */
int ctl_op_boards(struct ctl_req *req);

#endif
