/*
 * The ranking behind `tvaers match` (README "Matching"): which records are
 * candidates, in which order they are shown within a shared interest, and
 * which associations could help with a project's need. Pure rules over
 * decoded values, so the daemon and the tests share one definition.
 */
#ifndef TVAERS_PROTO_MATCH_H
#define TVAERS_PROTO_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"

/* What the order within one interest looks at. */
struct tv_match_key {
	uint32_t distance_m;	/* from this area to the record's area */
	uint32_t overlap;	/* interests the record shares with the query */
	bool is_project;
	const char *title;	/* NUL-terminated */
	const uint8_t *origin;	/* TV_PK_LEN bytes */
	const uint8_t *id;	/* TV_ID_LEN bytes */
};

/*
 * Orders two candidates: nearer first; then more shared interests; then
 * projects before associations; then title, origin and id bytewise, so the
 * order is total. Returns <0, 0 or >0 as strcmp.
 */
int tv_match_cmp(const struct tv_match_key *a, const struct tv_match_key *b);
/* True if a project status (a code) is one match looks for: idea, planning, shelved. */
bool tv_match_status_open(const struct tv_value *status);
/* True if a needs list ([{type, text}], e.g. association.seeking) holds type. */
bool tv_match_needs_has(const struct tv_value *needs, const char *type,
    size_t type_len);
/*
 * True if an association seeking `seeking` (NULL: nothing) could supply a
 * need of type: hands, skills, premises, equipment or partnership, which an
 * association gives from its members, unless it seeks the same itself.
 * Money and permits come from elsewhere and are never "supplied".
 */
bool tv_match_could_supply(const char *type, size_t type_len,
    const struct tv_value *seeking);
/* Counts the items of a record's interests array found in wanted (an array of strings). */
uint32_t tv_match_overlap(const struct tv_value *interests,
    const struct tv_value *wanted);

#endif
