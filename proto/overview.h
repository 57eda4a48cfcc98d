/*
 * The printable overview of one area (`tvaers overview`, DATAMODEL §6.4):
 * one self-contained HTML page with A4 print CSS and no external resources
 * (no scripts, images, fonts or style sheets), for the notice board and the
 * general assembly. Sections: the area's associations grouped by interest,
 * its projects (shelved ones too), upcoming events in and near the area,
 * and projects of other areas nearby that share an interest with it.
 *
 * Every text from a record is HTML-escaped. Contacts are the functional
 * e-mail, phone and website fields of area and association records; the
 * `contact` references and local-only records are never followed, so no
 * person's name appears.
 */
#ifndef TVAERS_PROTO_OVERVIEW_H
#define TVAERS_PROTO_OVERVIEW_H

#include <stdint.h>

#include "canon.h"
#include "recset.h"

#define TV_OVERVIEW_RADIUS_M 20000	/* "nearby", DATAMODEL §6.4 */

struct tv_overview_opts {
	const uint8_t *area;	/* TV_PK_LEN bytes: the area the page is about */
	int64_t now;		/* unix seconds; events that ended are left out */
	uint32_t radius_m;	/* nearby: events and matching projects */
	const char *lang;	/* "da" or "en": labels and headings */
};

/*
 * Appends the page to out. Returns 0, TV_ENOTFOUND if s holds no profile of
 * o->area (the page needs its name), TV_ENOMEM or out's sticky error.
 */
int tv_overview_html(const struct tv_recset *s,
    const struct tv_overview_opts *o, struct tv_buf *out);
/*
 * Appends len bytes of text with & < > " ' escaped, tab and line feed as a
 * space, and what tv_char_showable refuses left out; returns out's error.
 */
int tv_html_escape(struct tv_buf *out, const void *text, size_t len);

#endif
