/*
 * A thread that checkpoints a WAL-mode database, so that the disk waits of
 * a checkpoint never stop the event loop.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL
 * past its limit, on the writing thread, and ends in two fsyncs. While a
 * peer's records came in, the daemon's loop spent about a quarter of its
 * time waiting for them; on a village hall's SD card one fsync can take a
 * second. The store turns the automatic checkpoint off and pokes this
 * thread instead, which runs a PASSIVE checkpoint on a connection of its
 * own: SQLite lets that copy pages beside the writer and its readers.
 */
#ifndef TVAERS_DAEMON_CHECKPOINTER_H
#define TVAERS_DAEMON_CHECKPOINTER_H

#include <stddef.h>
#include <stdint.h>

struct checkpointer;

/*
 * Opens a second connection to the database at path (which must exist and
 * be in WAL mode) and starts the thread. Returns 0, or TV_ENOMEM or -EIO
 * with a one-line reason in errbuf; *out is then NULL.
 */
int checkpointer_open(const char *path, struct checkpointer **out,
    char *errbuf, size_t errlen);
/* Asks for a checkpoint soon. Never waits for the disk; NULL is a no-op. */
void checkpointer_poke(struct checkpointer *c);
/*
 * Waits for the checkpoint running, if any, and starts no other until
 * checkpointer_release: SQLite refuses a second checkpointer at once
 * without waiting, and the store's own TRUNCATE checkpoint after an
 * erasure must not fail for that. NULL is a no-op.
 */
void checkpointer_hold(struct checkpointer *c);
/* Lets the thread checkpoint again after checkpointer_hold. */
void checkpointer_release(struct checkpointer *c);
/*
 * Stops the thread after the checkpoint it is running, if any, closes its
 * connection and frees c; NULL is a no-op.
 */
void checkpointer_close(struct checkpointer *c);
/* Checkpoints the thread has finished, successful or not (0 for NULL). */
uint64_t checkpointer_runs(struct checkpointer *c);

#endif
