/*
 * Records travel between linked daemons (PROTOCOL.md §12): the side that
 * opened a link reconciles (Negentropy, §11) right after the handshake and
 * every SYNC_RECONCILE_MS after, sends what the peer lacks (RECORDS) and
 * asks for what it lacks (WANT); new versions, written here or received
 * and stored as newer, are pushed to every other link. Each link has a
 * bounded queue of version hashes to send; RECORDS are filled from the
 * store as the link's write queue drains, so memory stays bounded at any
 * store size.
 */
#ifndef TVAERS_DAEMON_SYNC_H
#define TVAERS_DAEMON_SYNC_H

#include <stdint.h>

#include "peer.h"
#include "record.h"
#include "wire.h"

#define SYNC_RECONCILE_MS (10u * 60u * 1000u)	/* periodic reconciliation */
#define SYNC_SESSION_MS 60000u	/* a reconciliation waiting longer is dropped */
#define SYNC_QUEUE_MAX 131072u	/* hashes queued per link (4 MiB) */
#define SYNC_WQUEUE_LOW (1u << 20) /* fill RECORDS while less is queued */
#define SYNC_BAD_MAX 16u	/* refused records before the link is cut */
#define SYNC_INTAKE_MAX 16u	/* RECORDS being checked before reading stops */
#define SYNC_STORE_BATCH 1000u	/* checked records stored in one transaction */

struct tvaersd;

/* The link is open and confirmed: set up its sync state; the link's
 * initiator starts a reconciliation. Returns 0 or TV_ENOMEM. */
int sync_link_open(struct peer *p);
/* Frees p's sync state; fine if there is none. */
void sync_link_free(struct peer *p);
/* Handles RECONCILE, RECORDS and WANT. May close p. */
void sync_on_message(struct peer *p, const struct tv_wire_msg *m);
/* p's write queue shrank: send more if some is waiting. */
void sync_on_drain(struct peer *p);
/* Once a second on an open link: periodic reconciliation, timeouts. */
void sync_on_tick(struct peer *p, uint64_t now_ms);
/*
 * A new version with this hash is in the store: queue it for every linked
 * peer but from (NULL: every peer). Local-only versions are never sent
 * (the store refuses to hand them out).
 */
void sync_publish(struct tvaersd *d, const uint8_t hash[static TV_HASH_LEN],
    const struct peer *from);
/*
 * After an unblock: starts a reconciliation now on every link this side
 * opened (one already running is left alone), and asks the peer of every
 * other link to start one (RESYNC).
 */
void sync_reconcile_now(struct tvaersd *d);
/* Counts the links with a reconciliation running now. */
size_t sync_reconciling(struct tvaersd *d);
/* For area.c's write hook (arg is the struct tvaersd): n new versions. */
void sync_area_written(void *arg, const struct tv_record *recs, size_t n);

#endif
