/* Control ops about other areas and the sync event log (PROTOCOL.md §8). */
#ifndef TVAERS_DAEMON_CTL_AREAS_H
#define TVAERS_DAEMON_CTL_AREAS_H

#include "control.h"

int ctl_op_areas(struct ctl_req *req);
int ctl_op_block(struct ctl_req *req);
int ctl_op_unblock(struct ctl_req *req);
int ctl_op_log(struct ctl_req *req);

#endif
