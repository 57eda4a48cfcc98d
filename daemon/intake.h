/*
 * Received records are checked off the event loop (PROTOCOL.md §12.3):
 * the bytes of one RECORDS message are copied into an intake, decoded,
 * signature-checked and schema-checked on libuv's threadpool, and handed
 * back to the loop, where the caller stores what passed. Ed25519
 * verification is the costly part of taking records in; on the pool it
 * runs beside the loop thread's SQLite work instead of in front of it.
 */
#ifndef TVAERS_DAEMON_INTAKE_H
#define TVAERS_DAEMON_INTAKE_H

#include <stddef.h>

#include <uv.h>

#include "record.h"
#include "wire.h"

struct intake;
typedef void intake_done_cb(void *arg, struct intake *in);

struct intake {
	uv_work_t work;
	intake_done_cb *done;
	void *arg;
	size_t received;	/* records in the message */
	/* Records that passed, n of them; views into bytes. */
	struct tv_record *recs;
	size_t n;
	size_t bad;		/* records refused */
	char first_why[160];	/* why the first one was refused */
	uint8_t *bytes;		/* the message's records, back to back */
	/* For the caller, while it waits to be stored. */
	struct intake *next;
	size_t kept, blocked;	/* recs[0 .. kept) are to be stored */
};

/*
 * Copies the records of m (a decoded RECORDS message) and queues their
 * check on loop's threadpool; done(arg, in) runs on the loop afterwards
 * and owns in (free it with intake_free). Returns 0, TV_ENOMEM, or a
 * libuv error (then done never runs).
 */
int intake_start(uv_loop_t *loop, const struct tv_wire_msg *m,
    intake_done_cb *done, void *arg);
/* Frees an intake handed to a done callback. */
void intake_free(struct intake *in);
/*
 * Checks one received record: envelope, not of a local-only kind,
 * signature, and the schema of a known kind. Fills r (views into raw).
 * Returns 0, or the reason's code with why set to text that never quotes
 * record content. Pure; safe on any thread.
 */
int intake_check(const uint8_t *raw, size_t len, struct tv_record *r,
    char *why, size_t whylen);

#endif
