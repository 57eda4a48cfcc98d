/*
 * The sync event log: the last SYNCLOG_MAX link and sync events (links
 * opened and closed, handshake failures, reconciliations, batches of
 * records stored or refused, blocks), kept in memory for `tvaers log`.
 * Only the loop thread calls these.
 */
#ifndef TVAERS_DAEMON_SYNCLOG_H
#define TVAERS_DAEMON_SYNCLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define SYNCLOG_MAX 200

struct synclog_entry {
	int64_t time_ms;		/* unix milliseconds */
	char peer[64];			/* address, or "local" */
	uint8_t area[TV_PK_LEN];	/* valid if has_area */
	bool has_area;
	char event[200];
};

/* Adds an event; peer and area may be NULL. The oldest falls out. */
void synclog_add(const char *peer, const uint8_t *area, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* How many events are held (at most SYNCLOG_MAX). */
size_t synclog_count(void);
/* The i-th held event, oldest first, or NULL. */
const struct synclog_entry *synclog_get(size_t i);

#endif
