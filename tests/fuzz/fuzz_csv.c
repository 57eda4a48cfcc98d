/*
 * The CSV reader (proto/csv.c) and the column and cell mapping of import
 * (proto/csvmap.c) on any bytes. The first byte chooses the kind; the rest
 * is the file. Every record must respect the limits and be NUL-free UTF-8
 * on lines that never go backwards; every record written back with the
 * writer, in either dialect, must read back field for field; a cell that
 * parses must format as a cell that parses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "csv.h"
#include "csvmap.h"
#include "err.h"
#include "kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes row in dialect d and reads it back: the same fields must come out. */
static void
write_read(const struct tv_csv_row *row, enum tv_csv_dialect d)
{
	struct tv_csv_w w;
	struct tv_csv_row back;
	struct tv_csv *r;

	tv_csv_w_init(&w, d);
	for (size_t i = 0; i < row->n; i++)
		tv_csv_w_field(&w, row->field[i], row->len[i]);
	tv_csv_w_end_row(&w);
	if (w.out.err != 0 || w.out.len > TV_CSV_FILE_MAX) {
		tv_csv_w_free(&w);
		return;
	}
	if (tv_csv_open((const uint8_t *)w.out.data, w.out.len, &r, NULL) != 0)
		abort();	/* written UTF-8 is always readable */
	if (tv_csv_next(r, &back, NULL) != 1 || back.n != row->n)
		abort();
	for (size_t i = 0; i < row->n; i++)
		if (back.len[i] != row->len[i] ||
		    memcmp(back.field[i], row->field[i], row->len[i]) != 0)
			abort();
	if (tv_csv_next(r, &back, NULL) != 0)
		abort();
	tv_csv_free(r);
	tv_csv_w_free(&w);
}

/* Prepares, parses and formats one cell as import and export would. */
static void
cell(const struct tv_field *f, const char *s, size_t len)
{
	struct tv_doc *doc;
	struct tv_value v, back;
	char msg[TV_CSVMAP_MSG_MAX], *text, *out;

	(void)tv_csv_looks_like_cpr(s, len);
	if (tv_csv_cell_prepare(f, s, len, &text, msg, sizeof(msg)) != 0)
		return;
	if ((doc = tv_doc_new()) == NULL) {
		free(text);
		return;
	}
	if (tv_field_parse(doc, f, text, &v, msg, sizeof(msg)) == 0 &&
	    v.type != TV_NIL) {
		for (int d = 0; d < 2; d++) {
			if (tv_csv_cell_format(f, &v, d ? TV_CSV_RFC4180 :
			    TV_CSV_EXCEL, &out) != 0)
				continue;
			/* Lists whose items hold their separator may not come back equal. */
			(void)tv_field_parse(doc, f, out, &back, msg, sizeof(msg));
			free(out);
		}
	}
	tv_doc_free(doc);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = { "association", "project", "event" };
	const struct tv_field *cols[TV_CSV_COLS_MAX];
	const struct tv_kind *k;
	struct tv_csv_err err;
	struct tv_csv_row row;
	struct tv_csv *r;
	size_t last_line = 0, n_cols = 0;
	bool has_header = false;
	char msg[TV_CSVMAP_MSG_MAX];
	int rc;

	if (size < 1)
		return 0;
	k = tv_kind_find(kinds[data[0] % 3], strlen(kinds[data[0] % 3]));
	if (tv_csv_open(data + 1, size - 1, &r, &err) != 0)
		return 0;
	while ((rc = tv_csv_next(r, &row, &err)) == 1) {
		if (row.n < 1 || row.n > TV_CSV_COLS_MAX || row.line < last_line ||
		    row.line < 1)
			abort();
		last_line = row.line;
		for (size_t i = 0; i < row.n; i++)
			if (row.len[i] > TV_CSV_FIELD_MAX ||
			    strlen(row.field[i]) != row.len[i] ||
			    tv_text_check((const uint8_t *)row.field[i],
			    row.len[i]) == TV_EUTF8)
				abort();
		write_read(&row, TV_CSV_EXCEL);
		write_read(&row, TV_CSV_RFC4180);
		if (!has_header) {
			has_header = true;
			if (tv_csv_header_map(k, &row, cols, msg, sizeof(msg)) != 0)
				break;
			n_cols = row.n;
			continue;
		}
		for (size_t i = 0; i < row.n && i < n_cols; i++)
			if (cols[i] != NULL)
				cell(cols[i], row.field[i], row.len[i]);
	}
	if (rc < 0 && (err.msg[0] == 0 || err.line < last_line))
		abort();	/* an error names where it is */
	tv_csv_free(r);
	return 0;
}
