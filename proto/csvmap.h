/*
 * Between CSV rows and record fields: which column is which field (Danish
 * label, English label or wire name, any case), which columns are refused
 * because they hold CPR numbers or member lists (DATAMODEL.md §3, §7),
 * how a spreadsheet cell becomes text tv_field_parse reads, how a value
 * becomes a cell that reads back to the same value, and the key that makes
 * a re-import find the record it made before (CVR, else the name or title).
 */
#ifndef TVAERS_PROTO_CSVMAP_H
#define TVAERS_PROTO_CSVMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "canon.h"
#include "csv.h"
#include "kinds.h"

#define TV_CSVMAP_MSG_MAX 512

/* True for the kinds a CSV file may hold: association, project, event. */
bool tv_csv_kind_ok(const struct tv_kind *k);
/*
 * Maps the header row to fields of k: out_fields[i] is column i's field, or
 * NULL for a column with an empty header (ignored if its cells are empty).
 * Returns 0, TV_ENOTFOUND (an unknown column; msg lists the known ones),
 * TV_EEXIST (a field named twice) or TV_ELOCAL (a column of CPR numbers
 * or a member list), with a sentence naming the column in msg.
 */
int tv_csv_header_map(const struct tv_kind *k, const struct tv_csv_row *hdr,
    const struct tv_field **out_fields, char *msg, size_t msglen);
/* True if the text holds something shaped like a CPR number (DDMMYY-NNNN). */
bool tv_csv_looks_like_cpr(const char *s, size_t len);
/*
 * Writes the header cell of field f for dialect d into out: the Danish
 * label with a capital ("Formål") for Excel, the wire name for RFC 4180.
 */
void tv_csv_header_text(const struct tv_field *f, enum tv_csv_dialect d,
    char *out, size_t outlen);
/*
 * Turns a spreadsheet cell into text for tv_field_parse: "SAND"/"FALSK"
 * become ja/nej, "180.000,00" a whole number, a phone number that lost its
 * "+" gets it back. Returns 0 and a new string in *out (caller frees), or
 * TV_ESCHEMA for a number Excel cut to scientific notation (msg says so),
 * or TV_ENOMEM.
 */
int tv_csv_cell_prepare(const struct tv_field *f, const char *s, size_t len,
    char **out, char *msg, size_t msglen);
/*
 * Writes value v of field f as a cell that tv_field_parse reads back to v:
 * Danish labels, DD-MM-YYYY dates, Copenhagen times and decimal commas for
 * Excel; codes, ISO dates and UTC times for RFC 4180. Returns 0 and a new
 * string in *out (caller frees), or TV_ENOMEM.
 */
int tv_csv_cell_format(const struct tv_field *f, const struct tv_value *v,
    enum tv_csv_dialect d, char **out);
/*
 * The keys a record of kind k is found by on re-import, from its body map:
 * *out_cvr the CVR number if the body has one (else NULL), *out_name the
 * case-folded name or title, for events with the start appended (a
 * monthly "Fællesspisning" is many events). Returns 0 with new strings
 * (caller frees both), TV_ENOTFOUND if the body has no title, or TV_ENOMEM.
 */
int tv_csv_record_key(const struct tv_kind *k, const struct tv_value *body,
    char **out_cvr, char **out_name);

#endif
