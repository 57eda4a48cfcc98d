/*
 * The match control op (PROTOCOL.md §8): projects and associations near
 * this area sharing an interest (README "Matching"); and the small helpers
 * the ops that read across areas share (ctl_coop.c, ctl_where.c).
 */
#ifndef TVAERS_DAEMON_CTL_MATCH_H
#define TVAERS_DAEMON_CTL_MATCH_H

#include "control.h"
#include "geo.h"
#include "ids.h"

/* match {interests?: text, within?: km} -> one item per shared interest. */
int ctl_op_match(struct ctl_req *req);

/*
 * Finds this area's place (profile location or municipality centroid).
 * Returns 0, TV_ENOTFOUND with a sentence in req->msg, or an error.
 */
int ctl_here(struct ctl_req *req, struct tv_point *out);
/* Copies a string value into out (empty if v is not a string). */
void ctl_text_of(const struct tv_value *v, char *out, size_t outlen);
/* Writes the text reference "AREA:ID" of a record. */
void ctl_put_ref(struct tv_w *w, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN]);

#endif
