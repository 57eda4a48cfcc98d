/*
 * One daemon per data directory: DATA_DIR/tvaersd.pid holds the running
 * daemon's pid under an exclusive fcntl lock, which the kernel drops when
 * the process dies however it dies, so a stale file never blocks a start.
 */
#ifndef TVAERS_DAEMON_PIDFILE_H
#define TVAERS_DAEMON_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Takes the lock and writes our pid. Returns the open descriptor (keep it
 * open for the daemon's life); -EBUSY with *out_owner set to the running
 * daemon's pid (0 if unknown); or another negative code, with a message in
 * errbuf in every failure case.
 */
int pidfile_acquire(const char *path, pid_t *out_owner, char *errbuf,
    size_t errlen);
/* Removes the file and releases the lock. */
void pidfile_release(int fd, const char *path);

#endif
