/*
 * A set of decoded records held in memory, for the views that draw or print
 * the federation as a whole (graph, overview). Each record keeps its own
 * copy of the signed bytes, so the caller's buffers may go at once.
 * Tombstones and local-only kinds (role, contact) are never kept: nothing
 * built from a record set can show them.
 */
#ifndef TVAERS_PROTO_RECSET_H
#define TVAERS_PROTO_RECSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "ids.h"
#include "kinds.h"
#include "record.h"

struct tv_rec {
	char kind[TV_KIND_MAX + 1];	/* wire name */
	const struct tv_kind *k;	/* NULL: a kind this program does not know */
	uint8_t origin[TV_PK_LEN];
	uint8_t id[TV_ID_LEN];
	bool is_profile;		/* the zero id: an area's profile */
	uint64_t timestamp;		/* µs */
	const struct tv_value *body;	/* a map, never NULL */
	uint8_t *raw;			/* owned copy the body points into */
	struct tv_doc *doc;		/* owns the body tree */
};

struct tv_recset {
	struct tv_rec *recs;
	size_t n, cap;
	size_t *profiles;	/* indexes of area profiles, sorted by origin */
	size_t n_profiles, cap_profiles;
};

/* Starts an empty set. */
void tv_recset_init(struct tv_recset *s);
/* Frees every record; s may be initialised again afterwards. */
void tv_recset_free(struct tv_recset *s);
/*
 * Copies and decodes one signed record (the signature is not checked: the
 * daemon did that on receipt). Tombstones, local-only kinds and bodies that
 * are not maps are skipped and return 0. Returns 0, TV_ENOMEM, or the
 * decoder's error for bytes that are no record.
 */
int tv_recset_add(struct tv_recset *s, const uint8_t *raw, size_t len);
/* Returns the profile (kind "area") of the area origin, or NULL; O(log n). */
const struct tv_rec *tv_recset_profile(const struct tv_recset *s,
    const uint8_t origin[static TV_PK_LEN]);
/*
 * Where rec is, in micro-degrees: its own location field, else its area's
 * profile location, else the centroid of the profile's municipality (a
 * coarse fallback: a municipality can be 40 km across). False if none is
 * known.
 */
bool tv_rec_location(const struct tv_recset *s, const struct tv_rec *rec,
    int64_t *out_lat, int64_t *out_lon);
/* True if rec is of the kind with wire name kind. */
bool tv_rec_is(const struct tv_rec *rec, const char *kind);
/* Returns the text of field name in rec's body, or NULL if absent or not text. */
const struct tv_value *tv_rec_text(const struct tv_rec *rec, const char *name);

#endif
