/*
 * CSV as Danish spreadsheets write it, and as machines want it (RFC 4180).
 *
 * The reader takes a whole file: UTF-8 with or without a BOM, or else
 * Windows-1252 (older Excel "CSV"), converted to UTF-8 and flagged so the
 * caller can warn. The separator (';', ',' or tab) is found on the header
 * line outside quotes. Fields follow RFC 4180: "" inside quotes is one
 * quote, quoted fields may hold separators and line breaks (CRLF, LF or a
 * lone CR, all read as LF). Each record knows the line it starts on, so
 * errors name the line a person sees in an editor. Hard limits on file
 * size, columns and field length keep hostile files bounded.
 */
#ifndef TVAERS_PROTO_CSV_H
#define TVAERS_PROTO_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"

#define TV_CSV_FILE_MAX (1u << 20)	/* bytes of a file: one control request carries it */
#define TV_CSV_FIELD_MAX 65536		/* bytes of one field after unquoting */
#define TV_CSV_COLS_MAX 128		/* fields in one record */
#define TV_CSV_MSG_MAX 256

enum tv_csv_encoding {
	TV_CSV_UTF8,		/* valid UTF-8 without a BOM */
	TV_CSV_UTF8_BOM,	/* Excel "CSV UTF-8": the BOM is dropped */
	TV_CSV_CP1252,		/* not UTF-8: read as Windows-1252 and converted */
};

enum tv_csv_dialect {
	TV_CSV_EXCEL,		/* Danish Excel: BOM, ';', CRLF */
	TV_CSV_RFC4180,		/* machines: no BOM, ',', CRLF */
};

/* Where and why a file was refused: line 0 means the file as a whole. */
struct tv_csv_err {
	size_t line;
	char msg[TV_CSV_MSG_MAX];
};

/* One record; the field views are NUL-terminated and valid until the next call. */
struct tv_csv_row {
	size_t line;		/* the line the record starts on, from 1 */
	size_t n;		/* number of fields, at least 1 */
	const char *field[TV_CSV_COLS_MAX];
	size_t len[TV_CSV_COLS_MAX];
};

struct tv_csv;

/*
 * Opens a reader over len bytes of data (borrowed only during the call).
 * Returns 0 and a new reader in *out (free with tv_csv_free), or TV_ETOOBIG
 * (over TV_CSV_FILE_MAX), TV_EUTF8 (a UTF-8 BOM before invalid UTF-8, or
 * UTF-16), TV_EMALFORMED (a NUL byte, or a byte Windows-1252 leaves
 * undefined) or TV_ENOMEM, with the reason and line in *err.
 */
int tv_csv_open(const uint8_t *data, size_t len, struct tv_csv **out,
    struct tv_csv_err *err);
/* Frees the reader; NULL is fine. */
void tv_csv_free(struct tv_csv *r);
/* How the bytes were read. */
enum tv_csv_encoding tv_csv_encoding(const struct tv_csv *r);
/* The separator found on the header line. */
char tv_csv_separator(const struct tv_csv *r);
/*
 * Reads the next record into *out. Returns 1, 0 at the end of the file,
 * or TV_EMALFORMED (an unclosed quote, text after a closing quote) or
 * TV_ETOOBIG (too many columns, a field too long) with *err naming the
 * line; after an error the reader only returns the same error.
 */
int tv_csv_next(struct tv_csv *r, struct tv_csv_row *out,
    struct tv_csv_err *err);

/*
 * A CSV writer into a growing buffer: the Excel dialect starts with a
 * UTF-8 BOM (without it Excel on Windows reads UTF-8 as Windows-1252 and
 * shows "Ã¦" for "æ") and separates with ';' as Danish Excel does; RFC 4180
 * has no BOM and ','. Both end rows with CRLF and quote a field only when
 * it holds ';', ',' or a tab, a quote, a line break, or spaces at either
 * end, so that the reader's separator guess never splits it.
 */
struct tv_csv_w {
	struct tv_buf out;	/* the bytes written so far; out.err is sticky */
	char sep;
	bool has_field;		/* the current row has a field already */
};

/* Starts a writer for dialect d (the Excel dialect writes the BOM now). */
void tv_csv_w_init(struct tv_csv_w *w, enum tv_csv_dialect d);
/* Appends one field of len bytes to the current row. */
void tv_csv_w_field(struct tv_csv_w *w, const char *s, size_t len);
/* Ends the current row with CRLF. */
void tv_csv_w_end_row(struct tv_csv_w *w);
/* Forgets the bytes written so far, keeping the buffer (for streaming). */
void tv_csv_w_reset(struct tv_csv_w *w);
/* Frees the buffer; returns the sticky error (0 or TV_ENOMEM). */
int tv_csv_w_free(struct tv_csv_w *w);

#endif
