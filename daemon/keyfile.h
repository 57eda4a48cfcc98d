/*
 * The area's secret key on disk: DATA_DIR/area.key, mode 0600, one line
 * "tvaers-secret-key-v1 <base32 seed>" (PROTOCOL.md §5.3). Created on first
 * start, written atomically (temporary file, fsync, rename, fsync of the
 * directory), so a power cut never leaves half a key.
 */
#ifndef TVAERS_DAEMON_KEYFILE_H
#define TVAERS_DAEMON_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sign.h"

/*
 * Loads the key at path, or creates a new one if the file does not exist
 * (*out_created tells which). Refuses a key file that others can read.
 * Returns 0 or a negative code with the reason in errbuf.
 */
int keyfile_load_or_create(const char *path, struct tv_keypair *out,
    bool *out_created, char *errbuf, size_t errlen);

#endif
