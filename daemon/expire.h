/*
 * Event expiry (PROTOCOL.md §6.18): past events are deleted from the store,
 * whatever area wrote them, at start, every hour and after a reload, and a
 * received event that has already expired is dropped rather than stored.
 * The keep period is [daemon] event_keep_months; proto/event.c says when an
 * event expires.
 */
#ifndef TVAERS_DAEMON_EXPIRE_H
#define TVAERS_DAEMON_EXPIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct tvaersd;
struct expire;

/* Sweeps every hour on d->loop. Returns 0 or a libuv error. */
int expire_open(struct tvaersd *d, struct expire **out);
/* Stops the sweeps; frees the state in the timer's close callback; NULL: no-op. */
void expire_close(struct expire *e);
/*
 * Deletes every expired event held now, in one durable transaction with the
 * WAL truncated after. Logs what it did. Returns 0 or a store error;
 * *out_deleted counts the events deleted.
 */
int expire_sweep(struct tvaersd *d, uint64_t *out_deleted);
/*
 * True if the received record r (decoded and verified) is an event that
 * has expired: it must be dropped, not stored or relayed (PROTOCOL.md
 * §12.3). A version of its item held here that r supersedes is deleted.
 */
bool expire_drops(struct tvaersd *d, const struct tv_record *r);

#endif
