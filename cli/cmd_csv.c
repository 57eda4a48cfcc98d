/*
 * CSV for the spreadsheets volunteers keep: import FILE, template, and
 * export --csv. The file is read and checked here (encoding, header, CPR
 * numbers and member lists, every cell with the daemon's own parser) so
 * that mistakes come back with line numbers before anything is sent; the
 * daemon then finds existing records by their keys and writes all rows in
 * one transaction, or none (PROTOCOL.md §8, import).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "csvmap.h"
#include "ctl.h"
#include "err.h"
#include "kinds.h"
#include "out.h"

#define LOCAL_ERRORS_MAX 100	/* error lines shown before the rest are counted */

static void
oom(void)
{
	fputs(PROG_NAME ": out of memory\n", stderr);
	abort();
}

/* The options the three commands share. */
struct csv_opts {
	const struct tv_kind *k;
	const char *file;		/* import: the file; "-" is stdin */
	const char *out;		/* export: --out FILE */
	enum tv_csv_dialect dialect;
	bool is_dry_run, wants_template, is_csv;
};

static int
parse_opts(struct cli *c, const char *cmd, int argc, char **argv,
    struct csv_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
		const char *v = eq != NULL ? eq + 1 : NULL;
		bool takes = (n == 6 && strncmp(a, "--kind", 6) == 0) ||
		    (n == 8 && strncmp(a, "--format", 8) == 0) ||
		    (n == 5 && strncmp(a, "--out", 5) == 0);

		if (takes && v == NULL) {
			if (i + 1 >= argc)
				return cli_usage_err(cmd, _("option %s needs a "
				    "value"), a);
			v = argv[++i];
		}
		if (strcmp(a, "--json") == 0) {
			c->is_json = true;
		} else if (strcmp(a, "--dry-run") == 0 &&
		    strcmp(cmd, "import") == 0) {
			o->is_dry_run = true;
		} else if (strcmp(a, "--template") == 0 &&
		    strcmp(cmd, "import") == 0) {
			o->wants_template = true;
		} else if (strcmp(a, "--csv") == 0 && strcmp(cmd, "export") == 0) {
			o->is_csv = true;
		} else if (takes && strncmp(a, "--kind", 6) == 0) {
			o->k = tv_kind_find(v, strlen(v));
			if (!tv_csv_kind_ok(o->k))
				return cli_usage_err(cmd, _("CSV files hold "
				    "association, project or event records "
				    "(forening, projekt, arrangement), not '%s'"),
				    v);
		} else if (takes && strncmp(a, "--format", 8) == 0) {
			if (strcmp(v, "excel") == 0)
				o->dialect = TV_CSV_EXCEL;
			else if (strcmp(v, "rfc4180") == 0)
				o->dialect = TV_CSV_RFC4180;
			else
				return cli_usage_err(cmd, _("--format is excel or "
				    "rfc4180, not '%s'"), v);
		} else if (takes && strcmp(cmd, "export") == 0) {
			if (*v == 0)
				return cli_usage_err(cmd, _("--out needs a file "
				    "name"));
			o->out = v;
		} else if (o->file == NULL && strcmp(cmd, "import") == 0 &&
		    (a[0] != '-' || strcmp(a, "-") == 0)) {
			o->file = a;
		} else {
			return cli_usage_err(cmd, _("unexpected argument '%s'"), a);
		}
	}
	if (o->k == NULL)
		return cli_usage_err(cmd, _("give --kind association, project or "
		    "event"));
	return 0;
}

/* ---- template ---------------------------------------------------------- */

/* Writes the header row of kind k in dialect d into w. */
static void
header_row(struct tv_csv_w *w, const struct tv_kind *k, enum tv_csv_dialect d)
{
	for (size_t i = 0; i < k->n_fields; i++) {
		char h[128];
		tv_csv_header_text(&k->fields[i], d, h, sizeof(h));
		tv_csv_w_field(w, h, strlen(h));
	}
	tv_csv_w_end_row(w);
}

static int
print_template(const struct tv_kind *k, enum tv_csv_dialect d)
{
	struct tv_csv_w w;

	tv_csv_w_init(&w, d);
	header_row(&w, k, d);
	if (w.out.err != 0)
		oom();
	fwrite(w.out.data, 1, w.out.len, stdout);
	tv_csv_w_free(&w);
	return cli_flush();
}

int
cmd_template(struct cli *c, int argc, char **argv)
{
	struct csv_opts o;
	int rc;

	if ((rc = parse_opts(c, "template", argc, argv, &o)) != 0)
		return rc;
	return print_template(o.k, o.dialect);
}

/* ---- import: the file --------------------------------------------------- */

/* Reads the whole file (at most one byte over the limit, to say it is too big). */
static uint8_t *
read_all(const char *path, size_t *out_len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	size_t cap = TV_CSV_FILE_MAX + 1, len = 0;
	uint8_t *buf;
	int err = 0;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	while (len < cap) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (!is_stdin)
		close(fd);
	if (err != 0) {
		free(buf);
		errno = err;
		return NULL;
	}
	*out_len = len;
	return buf;
}

/* An import being prepared: the request and what went wrong locally. */
struct import {
	const char *file;
	const struct tv_kind *k;
	const struct tv_field *cols[TV_CSV_COLS_MAX];	/* NULL: ignored */
	char headers[TV_CSV_COLS_MAX][64];
	size_t n_cols, n_sent_cols;
	struct tv_doc *doc;
	struct tv_value *rows;		/* the "rows" array's items */
	size_t n_rows, cap_rows;
	size_t n_errors;
	struct cli *c;
	const struct output *out;
	bool has_head, is_dry_run;
	size_t n_actions[4];		/* added, changed, unchanged, error */
};

static const struct out_cell result_cols[] = {
	{ .label = N_("LINE"), .width = 6 },
	{ .label = N_("ACTION"), .width = 12 },
	{ .label = N_("NAME"), .width = 30 },
	{ .label = N_("RECORD OR ERROR") },
};

static void
ensure_head(struct import *im)
{
	struct out_head h = { .what = OUT_CELLS, .cols = result_cols,
	    .n_cols = 4 };

	if (!im->has_head)
		im->out->head(&h);
	im->has_head = true;
}

static const char *const action_words[] = { "added", "changed", "unchanged",
    "error" };

/* The word people read: what happened, or in a dry run what would. */
static const char *
action_label(const char *action, bool is_dry_run)
{
	if (strcmp(action, "added") == 0)
		return is_dry_run ? _("would add") :
		    _("added");
	if (strcmp(action, "changed") == 0)
		return is_dry_run ? _("would change") :
		    _("changed");
	if (strcmp(action, "unchanged") == 0)
		return _("unchanged");
	return _("error");
}

/* One row of the outcome table; ref and error are NULL when absent. */
static void
put_result(struct import *im, int64_t line, const char *action,
    const struct tv_value *title, const char *ref, const char *error)
{
	struct out_cell cells[7];
	struct out_item it = { .cells = cells, .n_cells = 7 };
	/* People see the short id, as `tvaers list` shows it; scripts the ref. */
	const char *detail = error != NULL ? error : ref != NULL &&
	    strlen(ref) > TV_AREA_TEXT_LEN + 9 ? ref + TV_AREA_TEXT_LEN + 1 : ref;
	char short_id[9];

	if (error == NULL && detail != NULL && detail != ref) {
		snprintf(short_id, sizeof(short_id), "%s", detail);
		detail = short_id;
	}

	for (size_t a = 0; a < 4; a++)
		im->n_actions[a] += strcmp(action, action_words[a]) == 0;
	ensure_head(im);
	memset(cells, 0, sizeof(cells));
	cells[0] = (struct out_cell){ .key = "line", .type = OUT_INT, .i = line,
	    .width = 6 };
	cells[1] = (struct out_cell){ .key = "action", .type = OUT_STR,
	    .s = action, .flags = OUT_JSON_ONLY };
	cells[2] = (struct out_cell){ .key = "action", .type = OUT_STR,
	    .s = action_label(action, im->is_dry_run), .width = 12,
	    .flags = OUT_TEXT_ONLY };
	cells[3] = (struct out_cell){ .key = "title", .type = title != NULL ?
	    OUT_VALUE : OUT_NULL, .v = title, .width = 30 };
	cells[4] = (struct out_cell){ .key = "detail", .type = detail != NULL ?
	    OUT_STR : OUT_NULL, .s = detail, .flags = OUT_TEXT_ONLY };
	cells[5] = (struct out_cell){ .key = "ref", .type = ref != NULL ?
	    OUT_STR : OUT_NULL, .s = ref, .flags = OUT_JSON_ONLY };
	cells[6] = (struct out_cell){ .key = "error", .type = error != NULL ?
	    OUT_STR : OUT_NULL, .s = error, .flags = OUT_JSON_ONLY };
	im->out->row(&it);
}

static void local_error(struct import *im, const struct tv_csv_row *row,
    size_t col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A line the daemon will not see: reported like the daemon's errors. */
static void
local_error(struct import *im, const struct tv_csv_row *row, size_t col,
    const char *fmt, ...)
{
	struct tv_value title, *has_title = NULL;
	char msg[700], why[600];
	va_list ap;

	for (size_t i = 0; i < row->n && i < im->n_cols; i++)
		if (im->cols[i] != NULL && row->len[i] > 0 &&
		    strcmp(im->cols[i]->name, im->k->title_field) == 0) {
			tv_set_str(&title, row->field[i], row->len[i]);
			has_title = &title;
		}

	im->n_errors++;
	if (im->n_errors > LOCAL_ERRORS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (col > 0)
		snprintf(msg, sizeof(msg), _("column '%s': %s"),
		    im->headers[col - 1], why);
	else
		snprintf(msg, sizeof(msg), "%s", why);
	char *vis = out_vis(msg, strlen(msg), false);
	put_result(im, (int64_t)row->line, "error", has_title, NULL, vis);
	free(vis);
}

/* Maps the header; returns 0 or EXIT_REFUSED after saying why. */
static int
read_header(struct import *im, struct tv_csv *r)
{
	struct tv_csv_err err;
	struct tv_csv_row hdr;
	char msg[TV_CSVMAP_MSG_MAX];
	int rc = tv_csv_next(r, &hdr, &err);

	if (rc == 0) {
		cli_err(_("%s is empty. `tvaers template --kind %s` prints the "
		    "header line to start from."), im->file, im->k->name);
		return EXIT_REFUSED;
	}
	if (rc < 0) {
		cli_err(_("%s: line %zu: %s"), im->file, err.line, err.msg);
		return EXIT_REFUSED;
	}
	if (tv_csv_header_map(im->k, &hdr, im->cols, msg, sizeof(msg)) != 0) {
		char *vis = out_vis(msg, strlen(msg), false);
		cli_err(_("%s: line %zu: %s."), im->file, hdr.line, vis);
		free(vis);
		return EXIT_REFUSED;
	}
	im->n_cols = hdr.n;
	for (size_t i = 0; i < hdr.n; i++) {
		snprintf(im->headers[i], sizeof(im->headers[i]), "%.*s",
		    (int)hdr.len[i], hdr.field[i]);
		im->n_sent_cols += im->cols[i] != NULL;
	}
	return 0;
}

static bool
is_blank(const struct tv_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (strspn(row->field[i], " \t") != row->len[i])
			return false;
	return true;
}

/*
 * Checks one cell and stores its prepared text in *out. Returns 0, -1 if
 * the row has an error (reported), or EXIT_REFUSED for a CPR number,
 * which refuses the whole file.
 */
static int
check_cell(struct import *im, const struct tv_csv_row *row, size_t i,
    struct tv_value *out)
{
	const struct tv_field *f = im->cols[i];
	char msg[TV_CSVMAP_MSG_MAX] = "", *text, *copy;
	struct tv_value v;

	if (tv_csv_looks_like_cpr(row->field[i], row->len[i])) {
		/* The number itself is never printed. */
		cli_err(_("%s: line %zu, column '%s' holds what looks like a CPR "
		    "number. tvaers never stores CPR numbers (they identify "
		    "people); remove them from the file. Nothing was imported."),
		    im->file, row->line, im->headers[i]);
		return EXIT_REFUSED;
	}
	if (f == NULL) {
		if (strspn(row->field[i], " \t") == row->len[i])
			return 0;
		local_error(im, row, 0, _("column %zu has text but no "
		    "header; name it or empty it"), i + 1);
		return -1;
	}
	if (tv_csv_cell_prepare(f, row->field[i], row->len[i], &text, msg,
	    sizeof(msg)) != 0) {
		if (text == NULL && msg[0] == 0)
			oom();
		local_error(im, row, i + 1, "%s", msg);
		return -1;
	}
	/* The daemon's parser, here first: references need the daemon. */
	if (f->type != TV_F_REF && f->type != TV_F_REF_LIST &&
	    tv_field_parse(im->doc, f, text, &v, msg, sizeof(msg)) != 0) {
		/* The column is named already: drop the parser's "founded: ". */
		size_t n = strlen(f->name);
		bool named = strncmp(msg, f->name, n) == 0 && msg[n] == ':';
		local_error(im, row, i + 1, "%s", named ? msg + n + 2 : msg);
		free(text);
		return -1;
	}
	if ((copy = tv_doc_copy(im->doc, text, strlen(text))) == NULL)
		oom();
	tv_set_str(out, copy, strlen(text));
	free(text);
	return 0;
}

/* Adds one record of the file to the request, or reports what is wrong with it. */
static int
add_row(struct import *im, const struct tv_csv_row *row)
{
	struct tv_value *arr, *cells;
	size_t k = 0;
	bool has_error = false;
	int rc;

	if (is_blank(row))
		return 0;
	if (row->n != im->n_cols) {
		local_error(im, row, 0, _("%zu cells, but the header "
		    "has %zu columns (a separator too many or too few?)"),
		    row->n, im->n_cols);
		return 0;
	}
	if (im->n_rows == im->cap_rows) {
		im->cap_rows = im->cap_rows ? 2 * im->cap_rows : 64;
		im->rows = realloc(im->rows, im->cap_rows * sizeof(*im->rows));
		if (im->rows == NULL)
			oom();
	}
	arr = &im->rows[im->n_rows];
	memset(arr, 0, sizeof(*arr));
	arr->type = TV_ARRAY;
	arr->len = (uint32_t)im->n_sent_cols + 1;
	if ((arr->items = tv_doc_alloc(im->doc, arr->len)) == NULL)
		oom();
	tv_set_int(&arr->items[0], (int64_t)row->line);
	cells = &arr->items[1];
	for (size_t i = 0; i < row->n; i++) {
		struct tv_value ignored, *cell = im->cols[i] != NULL ?
		    &cells[k++] : &ignored;
		tv_set_str(cell, "", 0);
		if ((rc = check_cell(im, row, i, cell)) == EXIT_REFUSED)
			return rc;
		has_error |= rc != 0;
	}
	if (!has_error)
		im->n_rows++;
	return 0;
}

/* Reads the file into im; returns 0 or an exit code after saying why. */
static int
read_file(struct import *im)
{
	struct tv_csv_err err;
	struct tv_csv_row row;
	struct tv_csv *r;
	uint8_t *data;
	size_t len;
	int rc;

	if ((data = read_all(im->file, &len)) == NULL) {
		cli_err(_("cannot read %s: %s"), im->file, strerror(errno));
		return EXIT_REFUSED;
	}
	rc = tv_csv_open(data, len, &r, &err);
	free(data);
	if (rc == TV_ENOMEM)
		oom();
	if (rc != 0) {
		if (err.line > 0)
			cli_err(_("%s: line %zu: %s."), im->file, err.line, err.msg);
		else
			cli_err(_("%s: %s."), im->file, err.msg);
		return EXIT_REFUSED;
	}
	if (tv_csv_encoding(r) == TV_CSV_CP1252)
		cli_err(_("warning: %s is not UTF-8; it was read as Windows-1252 "
		    "(Excel's older \"CSV\" format). Check that æ, ø and å look "
		    "right below; \"CSV UTF-8\" avoids the guess."), im->file);
	if ((rc = read_header(im, r)) != 0)
		goto out;
	while ((rc = tv_csv_next(r, &row, &err)) == 1)
		if ((rc = add_row(im, &row)) != 0)
			goto out;
	if (rc < 0) {
		cli_err(_("%s: line %zu: %s. Nothing was imported."), im->file,
		    err.line, err.msg);
		rc = EXIT_REFUSED;
	}
out:
	tv_csv_free(r);
	return rc;
}

/* ---- import: the request ------------------------------------------------ */

static int
result_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct import *im = arg;
	const struct tv_value *line = tv_map_get(item, "line");
	const struct tv_value *action = tv_map_get(item, "action");
	const struct tv_value *ref = tv_map_get(item, "ref");
	const struct tv_value *error = tv_map_get(item, "error");
	char act[16], refs[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];
	char *err = NULL;

	(void)c;
	if (item->type != TV_MAP || line == NULL || line->type != TV_UINT ||
	    action == NULL || action->type != TV_STR ||
	    action->len >= sizeof(act)) {
		cli_err(_("tvaersd sent an import result tvaers cannot read. Are "
		    "tvaers and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	snprintf(act, sizeof(act), "%.*s", (int)action->len,
	    (const char *)action->bytes);
	if (ref != NULL && ref->type == TV_STR && ref->len < sizeof(refs))
		snprintf(refs, sizeof(refs), "%.*s", (int)ref->len,
		    (const char *)ref->bytes);
	else
		refs[0] = 0;
	if (error != NULL && error->type == TV_STR)
		err = out_vis((const char *)error->bytes, error->len, false);
	put_result(im, (int64_t)line->u, act, tv_map_get(item, "title"),
	    refs[0] ? refs : NULL, err);
	free(err);
	return 0;
}

/* The request {kind, columns, rows, dry_run}; strings are views into im. */
static void
build_request(struct import *im, bool is_dry_run, struct tv_value *map,
    struct tv_value kv[8], struct tv_value *cols)
{
	size_t k = 0;

	cols->type = TV_ARRAY;
	cols->len = (uint32_t)im->n_sent_cols;
	if ((cols->items = tv_doc_alloc(im->doc, im->n_sent_cols + 1)) == NULL)
		oom();
	for (size_t i = 0; i < im->n_cols; i++)
		if (im->cols[i] != NULL)
			tv_set_str(&cols->items[k++], im->cols[i]->name,
			    strlen(im->cols[i]->name));
	memset(kv, 0, 8 * sizeof(*kv));
	tv_set_str(&kv[0], "kind", 4);
	tv_set_str(&kv[1], im->k->name, strlen(im->k->name));
	tv_set_str(&kv[2], "columns", 7);
	kv[3] = *cols;
	tv_set_str(&kv[4], "rows", 4);
	kv[5] = (struct tv_value){ .type = TV_ARRAY, .len =
	    (uint32_t)im->n_rows, .items = im->rows };
	tv_set_str(&kv[6], "dry_run", 7);
	kv[7] = (struct tv_value){ .type = TV_BOOL, .b = is_dry_run };
	*map = (struct tv_value){ .type = TV_MAP, .len = 4, .items = kv };
}

static int
send_import(struct cli *c, struct import *im)
{
	struct tv_value map, kv[8], cols;
	uint8_t *frame;
	size_t frame_len;
	int rc;

	build_request(im, im->is_dry_run, &map, kv, &cols);
	rc = tv_ctl_request_encode("import", &map, &frame, &frame_len);
	if (rc == TV_ETOOBIG) {
		cli_err(_("%s is too large for one import (more than %u bytes "
		    "to send); split it into smaller files."), im->file,
		    TV_CTL_FRAME_MAX);
		return EXIT_REFUSED;
	}
	if (rc != 0) {
		cli_err(_("cannot send %s: %s"), im->file, tv_strerror(rc));
		return EXIT_REFUSED;
	}
	free(frame);
	return cli_call(c, "import", &map, result_item, im);
}

int
cmd_import(struct cli *c, int argc, char **argv)
{
	struct import im = { .c = c };
	struct csv_opts o;
	int rc;

	if ((rc = parse_opts(c, "import", argc, argv, &o)) != 0)
		return rc;
	if (o.wants_template)
		return print_template(o.k, o.dialect);
	if (o.file == NULL)
		return cli_usage_err("import", _("import needs a FILE"));
	im.file = o.file;
	im.k = o.k;
	im.is_dry_run = o.is_dry_run;
	im.out = cli_out(c);
	if ((im.doc = tv_doc_new()) == NULL)
		oom();
	rc = read_file(&im);
	if (rc == 0 && im.n_errors > 0) {
		if (im.n_errors > LOCAL_ERRORS_MAX)
			cli_err(_("… and %zu more lines with errors"),
			    im.n_errors - LOCAL_ERRORS_MAX);
		cli_err(ngettext("%zu line of %s has errors; nothing was "
		    "imported. Correct it and import the file again.",
		    "%zu lines of %s have errors; nothing was imported. "
		    "Correct them and import the file again.", im.n_errors),
		    im.n_errors, im.file);
		rc = EXIT_REFUSED;
	} else if (rc == 0 && im.n_rows == 0) {
		cli_err(_("%s has a header but no records."), im.file);
		rc = EXIT_REFUSED;
	} else if (rc == 0) {
		rc = send_import(c, &im);
		if (rc == 0 && im.n_actions[3] > 0) {
			cli_err(_("%s. Correct the lines and import the file "
			    "again."), c->last_msg);
			rc = EXIT_REFUSED;
		}
	}
	if (im.has_head)
		im.out->tail();
	if (rc == 0 && !c->is_json)
		printf("%s\n", c->last_msg);
	free(im.rows);
	tv_doc_free(im.doc);
	return rc;
}

/* ---- export --csv ------------------------------------------------------- */

struct export {
	const struct tv_kind *k;
	enum tv_csv_dialect dialect;
	char area[TV_AREA_TEXT_LEN + 1];
	struct tv_csv_w w;
	FILE *f;
	size_t n_rows;
};

static int
own_area(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *area = tv_map_get(item, "area");

	(void)c;
	if (area == NULL || area->type != TV_STR ||
	    area->len != TV_AREA_TEXT_LEN) {
		cli_err(_("tvaersd sent an id tvaers cannot read. Are tvaers and "
		    "tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	memcpy(arg, area->bytes, TV_AREA_TEXT_LEN);
	((char *)arg)[TV_AREA_TEXT_LEN] = 0;
	return 0;
}

/* True if the cell reads back to exactly v (a ':' inside a funding name does not). */
static bool
reads_back(const struct tv_field *f, const struct tv_value *v,
    const char *cell)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value back;
	uint8_t *a = NULL, *b = NULL;
	size_t a_len = 0, b_len = 0;
	struct tv_w w;
	bool same = false;
	char why[256];

	if (doc == NULL)
		oom();
	if (tv_field_parse(doc, f, cell, &back, why, sizeof(why)) == 0) {
		tv_w_init(&w, 0);
		if (tv_encode(&w, v) == 0 && tv_w_finish(&w, &a, &a_len) == 0) {
			tv_w_init(&w, 0);
			if (tv_encode(&w, &back) == 0 &&
			    tv_w_finish(&w, &b, &b_len) == 0)
				same = a_len == b_len && memcmp(a, b, a_len) == 0;
		}
	}
	free(a);
	free(b);
	tv_doc_free(doc);
	return same;
}

static int
export_row(struct cli *c, void *arg, const struct tv_value *item)
{
	struct export *ex = arg;
	struct out_record rec;
	int rc = out_record_open(item, &rec);

	(void)c;
	if (rc != 0) {
		out_record_close(&rec);
		cli_err(_("tvaersd sent a record tvaers cannot read (%s). Are "
		    "tvaers and tvaersd the same version?"), tv_strerror(rc));
		return EXIT_REFUSED;
	}
	/* Only this area's records: importing them again changes nothing. */
	if (strcmp(rec.area, ex->area) != 0 || rec.body == NULL) {
		out_record_close(&rec);
		return 0;
	}
	for (size_t i = 0; i < ex->k->n_fields; i++) {
		const struct tv_field *f = &ex->k->fields[i];
		const struct tv_value *v = tv_map_get(rec.body, f->name);
		char *cell;
		if (tv_csv_cell_format(f, v, ex->dialect, &cell) != 0)
			oom();
		if (v != NULL && !reads_back(f, v, cell))
			cli_err(_("warning: record %s, column '%s': the value "
			    "holds a separator of its list, so it will not read "
			    "back as it is"), rec.id, f->da);
		tv_csv_w_field(&ex->w, cell, strlen(cell));
		free(cell);
	}
	tv_csv_w_end_row(&ex->w);
	out_record_close(&rec);
	if (ex->w.out.err != 0)
		oom();
	ex->n_rows++;
	fwrite(ex->w.out.data, 1, ex->w.out.len, ex->f);
	tv_csv_w_reset(&ex->w);
	if (ferror(ex->f)) {
		cli_err(_("cannot write the output: %s"), strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

int
cmd_export_csv(struct cli *c, int argc, char **argv)
{
	struct export ex = { .f = stdout };
	struct tv_value map, kv[2];
	struct csv_opts o;
	char *tmp = NULL;
	int rc;

	if ((rc = parse_opts(c, "export", argc, argv, &o)) != 0)
		return rc;
	ex.k = o.k;
	ex.dialect = o.dialect;
	if ((rc = cli_call(c, "id", NULL, own_area, ex.area)) != 0)
		return rc;
	if (o.out != NULL && (ex.f = cli_atomic_open(o.out, &tmp)) == NULL) {
		cli_err(_("cannot create a file beside %s: %s. Choose another "
		    "--out."), o.out, strerror(errno));
		return EXIT_REFUSED;
	}
	tv_csv_w_init(&ex.w, ex.dialect);
	header_row(&ex.w, ex.k, ex.dialect);
	fwrite(ex.w.out.data, 1, ex.w.out.len, ex.f);
	tv_csv_w_reset(&ex.w);
	memset(kv, 0, sizeof(kv));
	tv_set_str(&kv[0], "kind", 4);
	tv_set_str(&kv[1], ex.k->name, strlen(ex.k->name));
	map = (struct tv_value){ .type = TV_MAP, .len = 1, .items = kv };
	rc = cli_call(c, "list", &map, export_row, &ex);
	tv_csv_w_free(&ex.w);
	if (o.out == NULL)
		return rc != 0 ? rc : cli_flush();
	if (rc == 0 && cli_atomic_commit(ex.f, tmp, o.out) != 0) {
		cli_err(_("cannot write %s: %s. Nothing was exported; free some "
		    "space or choose another --out."), o.out, strerror(errno));
		rc = EXIT_REFUSED;
		unlink(tmp);
	} else if (rc != 0) {
		fclose(ex.f);
		unlink(tmp);
	} else if (!c->is_json) {
		printf(ngettext("exported %zu record to %s\n",
		    "exported %zu records to %s\n", ex.n_rows), ex.n_rows,
		    o.out);
	}
	free(tmp);
	return rc;
}
