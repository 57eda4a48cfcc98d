/*
 * The federation as a Graphviz DOT graph (`tvaers graph`, DATAMODEL §6.4):
 * areas are nodes, clustered by municipality; a peer link is an edge when
 * either area lists the other in its profile's `peers` field; a link
 * between two municipalities is drawn thick and red; a link only one side
 * lists is dashed. Optionally each cooperation network is a node joined to
 * its member areas by dotted blue edges. Output is UTF-8 and deterministic
 * (sorted by municipality, name and id), so it can be compared in tests.
 */
#ifndef TVAERS_PROTO_FEDGRAPH_H
#define TVAERS_PROTO_FEDGRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "canon.h"
#include "recset.h"

struct tv_fedgraph_stats {
	size_t areas;		/* nodes for areas, profiles held or not */
	size_t links;		/* peer edges */
	size_t one_sided;	/* of them, listed by one side only */
	size_t cross;		/* of them, between two municipalities */
	size_t networks;	/* network nodes (with_networks only) */
};

/*
 * Appends the DOT text of the areas and networks in s to out. stats may be
 * NULL. Returns 0, TV_ENOMEM or out's sticky error.
 */
int tv_fedgraph_dot(const struct tv_recset *s, bool with_networks,
    struct tv_buf *out, struct tv_fedgraph_stats *stats);
/*
 * Appends text as one DOT double-quoted string: '"' and '\' escaped, a line
 * break as DOT's \n, what tv_char_showable refuses left out. Returns 0 or
 * out's sticky error.
 */
int tv_dot_quote(struct tv_buf *out, const void *text, size_t len);

#endif
