/*
 * iCalendar (RFC 5545) text for events: content lines folded at 75 octets
 * without splitting a UTF-8 character, TEXT values escaped, CRLF line ends,
 * local times with TZID=Europe/Copenhagen and its VTIMEZONE, all-day events
 * as dates with an exclusive end. Writes into a caller's tv_buf, whose
 * sticky error (TV_ENOMEM, TV_ETOOBIG) every call returns.
 */
#ifndef TVAERS_PROTO_ICAL_H
#define TVAERS_PROTO_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "record.h"

/* RFC 5545 §3.1: content lines longer than this many octets are folded. */
#define TV_ICAL_LINE_MAX 75
/* Record timestamps (seconds) count SEQUENCE from 2024-01-01T00:00:00Z. */
#define TV_ICAL_SEQUENCE_EPOCH 1704067200

/*
 * Appends one content line "NAME:VALUE" CRLF, folded; name may carry
 * parameters ("DTSTART;VALUE=DATE"); value is written as given (len bytes).
 */
int tv_ical_line(struct tv_buf *b, const char *name, const char *value,
    size_t len);
/*
 * Appends a property of type TEXT (RFC 5545 §3.3.11): backslash, ';' and
 * ',' escaped, line breaks as \n, other control characters left out.
 */
int tv_ical_text(struct tv_buf *b, const char *name, const char *text,
    size_t len);
/*
 * Appends BEGIN:VCALENDAR, VERSION, PRODID (prodid, e.g. "-//tvaers//tvaers
 * 0.1.0//EN"), CALSCALE, the calendar's name (NULL: none) and the VTIMEZONE
 * of Europe/Copenhagen.
 */
int tv_ical_begin(struct tv_buf *b, const char *prodid, const char *name);
/* Appends END:VCALENDAR. */
int tv_ical_end(struct tv_buf *b);
/*
 * Appends the VEVENT of an event record r (not a tombstone) whose body map
 * is body, with labels in lang ("da" or "en"). UID is "<id>@<area>.tvaers",
 * the same for every version; SEQUENCE and DTSTAMP follow the version's
 * timestamp (tv_ical_sequence). Returns 0, TV_ESCHEMA (no readable start)
 * or the buffer's error.
 */
int tv_ical_event(struct tv_buf *b, const struct tv_record *r,
    const struct tv_value *body, const char *lang);
/*
 * SEQUENCE of a version written at ts µs: whole seconds since
 * TV_ICAL_SEQUENCE_EPOCH, 0 before it, at most 2^31 - 1 (RFC 5545's
 * INTEGER, reached in 2092). Never decreases as ts grows.
 */
int64_t tv_ical_sequence(uint64_t ts);

#endif
