/*
 * Output: one vtable, after bgpctl's struct output, implemented for people
 * (out_text.c) and for scripts (out_json.c). Commands fetch and decode the
 * data and hand it to the vtable; formatters never fetch anything. The
 * format is chosen by --json only, never by isatty, so piping the output
 * never changes its shape.
 *
 * A listing is head, row..., tail; one item in full is detail; the outcome
 * of a write is result. An item is either a record or a row of cells.
 */
#ifndef TVAERS_CLI_OUT_H
#define TVAERS_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "canon.h"
#include "i18n.h"
#include "ids.h"
#include "kinds.h"
#include "record.h"

/* A record item {"local": bool, "raw": bin} decoded for display. */
struct out_record {
	struct tv_record r;		/* views into the reply */
	const struct tv_kind *kind;	/* NULL: a kind this program does not know */
	const struct tv_value *body;	/* the body map; NULL for a tombstone */
	bool is_local;
	bool is_deleted;
	bool is_profile;		/* the zero id: an area's profile */
	char kind_name[TV_KIND_MAX + 1];
	char area[TV_AREA_TEXT_LEN + 1];
	char id[TV_ID_TEXT_LEN + 1];
	char ref[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2]; /* "<area>:<id>" or "<area>" */
	struct tv_doc *doc;		/* owns the body tree */
};

enum out_type {
	OUT_NULL,		/* no value: "-" for people, null in JSON */
	OUT_STR,
	OUT_INT,
	OUT_BOOL,
	OUT_VALUE,		/* any msgpack value, converted generically */
	OUT_ENUMS,		/* an enumeration's values (code and labels) */
};

#define OUT_TEXT_ONLY 0x1u	/* a cell that only people see */
#define OUT_JSON_ONLY 0x2u	/* a cell that only scripts see */
#define OUT_OWN_LINE 0x4u	/* the last cell of a row: on its own line, indented */

/* One named value: a column of a row, or a line of a detail. */
struct out_cell {
	const char *key;	/* JSON key: stable ASCII, never translated */
	const char *label;	/* heading or label for people, an msgid (N_) that
				   out_text translates; NULL: the value alone */
	enum out_type type;
	const char *s;		/* STR: NUL-terminated */
	int64_t i;		/* INT */
	bool b;			/* BOOL */
	const struct tv_value *v; /* VALUE */
	const struct tv_enum_value *enums; /* ENUMS */
	size_t n_enums;
	unsigned flags;		/* OUT_TEXT_ONLY, OUT_JSON_ONLY */
	int width;		/* table column width in cells; 0: the rest of the line */
};

enum out_what {
	OUT_RECORDS,		/* a listing of records */
	OUT_CELLS,		/* a listing of rows of cells */
	OUT_EXPORT,		/* records with their signed bytes (export) */
};

struct out_head {
	enum out_what what;
	const struct tv_kind *kind; /* RECORDS: the kind listed; NULL: any */
	const char *title;	/* a line for people above the table, or NULL */
	const struct out_cell *cols; /* CELLS: headings and widths */
	size_t n_cols;
};

struct out_item {
	const struct out_record *rec; /* a record, or else */
	const struct out_cell *cells; /* a row of cells */
	size_t n_cells;
};

struct output {
	/* Starts a listing. */
	void (*head)(const struct out_head *h);
	/* One item of the listing, written at once (streams). */
	void (*row)(const struct out_item *it);
	/* One item in full (show, status, id). */
	void (*detail)(const struct out_item *it);
	/* The outcome of a write: verb is "added", "changed" or "deleted". */
	void (*result)(const char *verb, const struct out_item *it);
	/* Ends a listing (also after an error, so JSON stays one document). */
	void (*tail)(void);
};

extern const struct output out_text;	/* out_text.c: tables for people */
extern const struct output out_json;	/* out_json.c: one JSON document */
extern const struct output out_jsonl;	/* out_json.c: JSON Lines, for export */

/* Where every formatter writes; stdout unless set. */
void out_set_file(FILE *f);
FILE *out_file(void);

/*
 * Decodes a record item. Returns 0 (close with out_record_close) or
 * TV_EMALFORMED / a tv_record_decode error; the views borrow item.
 */
int out_record_open(const struct tv_value *item, struct out_record *out);
/* Frees what out_record_open allocated; safe on a zeroed struct. */
void out_record_close(struct out_record *rec);

/* The language of human output: "da" or "en" (i18n.h decides). */
const char *out_lang(void);
/* Chooses a label of proto's tables (kinds, fields, enums) for the language. */
const char *out_tr(const char *en, const char *da);
/* Formats a record reference [origin, id] as text; returns false if v is not one. */
bool out_ref_text(const struct tv_value *v, char out[static TV_AREA_TEXT_LEN +
    TV_ID_TEXT_LEN + 2]);
/* Writes len bytes as lower-case hex into f. */
void out_hex(FILE *f, const uint8_t *p, size_t len);

/*
 * Makes text safe for a terminal: control characters (C0, DEL, C1),
 * invalid UTF-8 and bidirectional or line-separating format characters
 * become visible escapes (\n, \t, \x1b, \u202e); other UTF-8 passes
 * through. With keep_newlines, \n and \t stay as they are. Returns a new
 * NUL-terminated string (caller frees with free()); aborts when out of
 * memory.
 */
char *out_vis(const char *s, size_t len, bool keep_newlines);
/*
 * Writes len bytes of s made visible as out_vis does (newlines escaped),
 * padded with spaces to exactly width cells, or cut with "…" at a character
 * or escape boundary if wider. width 0 writes all of it.
 */
void out_cell_vis(FILE *f, const char *s, size_t len, size_t width);
/* Display width of UTF-8 text in terminal cells (invalid bytes count 4). */
size_t out_width(const char *s);
/* Allocation that aborts with a message when memory runs out (CLI only). */
void *xmalloc(size_t n);
char *xstrdup(const char *s);

#endif
