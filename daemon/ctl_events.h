/* The control op `events`: events of every area in a time window (PROTOCOL.md §8). */
#ifndef TVAERS_DAEMON_CTL_EVENTS_H
#define TVAERS_DAEMON_CTL_EVENTS_H

#include "control.h"

/* Streams the events that overlap [from, to), ordered by start. */
int ctl_op_events(struct ctl_req *req);

#endif
