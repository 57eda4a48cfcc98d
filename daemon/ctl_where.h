/*
 * Where-filters of a listing (PROTOCOL.md §8 list): area, municipality,
 * region, near (km from this area) and since. A record's area is its
 * origin and its place is its area's place (daemon/attrs.c), so the place
 * filters come down to a set of origins, worked out once per listing.
 */
#ifndef TVAERS_DAEMON_CTL_WHERE_H
#define TVAERS_DAEMON_CTL_WHERE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control.h"
#include "record.h"

struct where {
	bool has_origins;		/* a place filter was given */
	uint8_t (*origins)[TV_PK_LEN];	/* allowed, in byte order */
	size_t n_origins;
	uint64_t since_us;		/* 0: any time */
};

/*
 * Reads the filter arguments of req into w (zeroed by the caller). Returns
 * 0, or a negative code with a sentence in req->msg (unknown area, no place
 * for --near, bad argument types). Free w with where_free.
 */
int where_parse(struct ctl_req *req, struct where *w);
/* True if a filter was given. */
bool where_any(const struct where *w);
/* True if record r passes every filter. */
bool where_pass(const struct where *w, const struct tv_record *r);
/* Frees what where_parse allocated; safe on a zeroed struct. */
void where_free(struct where *w);

#endif
