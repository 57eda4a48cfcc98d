/* The control op `events`: every area's events in a window (PROTOCOL.md §8). */
#ifndef TVAERS_DAEMON_CTL_EVENTS_H
#define TVAERS_DAEMON_CTL_EVENTS_H

#include "control.h"

/* Streams the events that overlap [from, to), ordered by start. */
int ctl_op_events(struct ctl_req *req);

#endif
