#include "ctl_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csvmap.h"
#include "daemon.h"
#include "err.h"
#include "kinds.h"
#include "record.h"

/* One of this area's records of the kind imported, as held before the import. */
struct held {
	uint8_t id[TV_ID_LEN];
	uint64_t ts;
	uint8_t *raw;		/* owned copy of the signed record */
	const uint8_t *body;	/* view into raw */
	size_t body_len;
	char *cvr, *name;	/* its keys (tv_csv_record_key) */
	size_t claimed_by;	/* the line of the row that found it; 0: none */
};

/* What became of one row. */
struct outcome {
	size_t line;
	const char *action;	/* "added", "changed", "unchanged" or "error" */
	const struct tv_value *title;	/* the title cell (a view), or NULL */
	uint8_t id[TV_ID_LEN];
	uint64_t prev_ts;
	uint8_t *body;		/* the new body when added or changed */
	size_t body_len;
	char *cvr, *name;	/* the row's keys */
	char error[320];
};

struct import {
	struct ctl_req *req;
	const struct tv_kind *k;
	const struct tv_field *cols[TV_CSV_COLS_MAX];
	const struct tv_value *col_names;
	size_t n_cols;
	struct held *held;
	size_t n_held, cap_held;
	struct held **by_name, **by_cvr;	/* sorted views of held */
	size_t n_by_cvr;
	struct outcome *rows;
	size_t n_rows;
	int err;
};

static int
bad_args(struct ctl_req *req, const char *what)
{
	snprintf(req->msg, sizeof(req->msg), "import: %s", what);
	return TV_EMALFORMED;
}

/* Reads kind and columns; every column must be a field, the title among them. */
static int
read_columns(struct import *im)
{
	struct ctl_req *req = im->req;
	const struct tv_value *cols = tv_map_get(req->in->args, "columns");
	char kind[TV_KIND_MAX + 1];
	bool has_title = false;
	int rc;

	if ((rc = ctl_arg_str(req, "kind", true, kind, sizeof(kind))) != 0)
		return rc;
	im->k = tv_kind_find(kind, strlen(kind));
	if (!tv_csv_kind_ok(im->k)) {
		snprintf(req->msg, sizeof(req->msg), "import takes association, "
		    "project or event records, not '%s'", kind);
		return TV_EINVAL;
	}
	if (cols == NULL || cols->type != TV_ARRAY || cols->len == 0 ||
	    cols->len > TV_CSV_COLS_MAX)
		return bad_args(req, "'columns' must be an array of 1 to 128 "
		    "field names");
	im->col_names = cols;
	im->n_cols = cols->len;
	for (size_t i = 0; i < im->n_cols; i++) {
		const struct tv_value *c = &cols->items[i];
		char name[64];
		if (c->type != TV_STR || c->len >= sizeof(name))
			return bad_args(req, "'columns' must hold field names");
		memcpy(name, c->bytes, c->len);
		name[c->len] = 0;
		if ((im->cols[i] = tv_kind_field(im->k, name)) == NULL) {
			snprintf(req->msg, sizeof(req->msg), "import: %s has no "
			    "field '%s'", im->k->name, name);
			return TV_ENOTFOUND;
		}
		for (size_t j = 0; j < i; j++)
			if (im->cols[j] == im->cols[i])
				return bad_args(req, "a field is named twice in "
				    "'columns'");
		has_title |= strcmp(name, im->k->title_field) == 0;
	}
	if (!has_title) {
		snprintf(req->msg, sizeof(req->msg), "the file needs a column "
		    "'%s' (%s): it is how a record is found again",
		    tv_kind_field(im->k, im->k->title_field)->da,
		    im->k->title_field);
		return TV_EINVAL;
	}
	return 0;
}

static void
held_free(struct import *im)
{
	for (size_t i = 0; i < im->n_held; i++) {
		free(im->held[i].raw);
		free(im->held[i].cvr);
		free(im->held[i].name);
	}
	free(im->held);
	free(im->by_name);
	free(im->by_cvr);
}

/* Keeps one of this area's live records of the kind, with its keys. */
static int
held_row(void *arg, const uint8_t *raw, size_t len, bool is_local)
{
	struct import *im = arg;
	const struct tv_value *body;
	struct tv_record r;
	struct tv_doc *doc;
	struct held *h;

	(void)is_local;
	if (tv_record_decode(raw, len, &r) != 0 ||
	    memcmp(r.origin, im->req->d->area.kp.pk, TV_PK_LEN) != 0 ||
	    tv_record_is_deleted(&r) || tv_decode(r.body, r.body_len, &doc,
	    &body) != 0)
		return 0;
	if (im->n_held == im->cap_held) {
		size_t cap = im->cap_held ? 2 * im->cap_held : 64;
		struct held *p = realloc(im->held, cap * sizeof(*p));
		if (p == NULL)
			goto nomem;
		im->held = p;
		im->cap_held = cap;
	}
	h = &im->held[im->n_held];
	memset(h, 0, sizeof(*h));
	if (tv_csv_record_key(im->k, body, &h->cvr, &h->name) != 0) {
		tv_doc_free(doc);
		return 0;	/* no title: no row can name it */
	}
	tv_doc_free(doc);
	if ((h->raw = malloc(len)) == NULL) {
		free(h->cvr);
		free(h->name);
		goto nomem;
	}
	memcpy(h->raw, raw, len);
	memcpy(h->id, r.id, TV_ID_LEN);
	h->ts = r.timestamp;
	h->body = h->raw + (r.body - raw);
	h->body_len = r.body_len;
	im->n_held++;
	return 0;
nomem:
	im->err = TV_ENOMEM;
	return TV_ENOMEM;
}

static int
load_held(struct import *im)
{
	struct store_query q = { .kind = im->k->name };
	struct store_cursor cur = { .started = false };
	long rows = store_list(im->req->d->store, &q, &cur, 0, held_row, im);

	if (rows < 0 || im->err != 0) {
		int rc = im->err != 0 ? im->err : (int)rows;
		snprintf(im->req->msg, sizeof(im->req->msg), "cannot read the "
		    "store: %s", tv_strerror(rc));
		return rc;
	}
	return 0;
}

static bool
str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * The row's keys from its title, CVR and start cells, parsed as the body
 * will be. Returns 0, or an error with the reason in o->error.
 */
static int
row_keys(struct import *im, const struct tv_value *cells, struct outcome *o)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value map, pairs[6];
	int rc = 0;

	if (doc == NULL)
		return TV_ENOMEM;
	map = (struct tv_value){ .type = TV_MAP, .items = pairs };
	for (size_t i = 0; i < im->n_cols && rc == 0; i++) {
		const char *name = im->cols[i]->name;
		char *text;
		if (strcmp(name, im->k->title_field) != 0 &&
		    strcmp(name, "cvr") != 0 && strcmp(name, "start") != 0)
			continue;
		if ((text = tv_doc_copy(doc, cells[i].bytes, cells[i].len)) ==
		    NULL) {
			rc = TV_ENOMEM;
			break;
		}
		tv_set_str(&pairs[2 * map.len], name, strlen(name));
		rc = tv_field_parse(doc, im->cols[i], text,
		    &pairs[2 * map.len + 1], o->error, sizeof(o->error));
		if (rc == 0 && pairs[2 * map.len + 1].type != TV_NIL)
			map.len++;
		if (strcmp(name, im->k->title_field) == 0)
			o->title = &cells[i];
	}
	if (rc == 0 && (rc = tv_csv_record_key(im->k, &map, &o->cvr,
	    &o->name)) == TV_ENOTFOUND)
		snprintf(o->error, sizeof(o->error), "%s: required (it is how "
		    "the record is found again)", im->k->title_field);
	tv_doc_free(doc);
	return rc;
}

static int
cmp_held_name(const void *a, const void *b)
{
	return strcmp((*(struct held *const *)a)->name,
	    (*(struct held *const *)b)->name);
}

static int
cmp_held_cvr(const void *a, const void *b)
{
	return strcmp((*(struct held *const *)a)->cvr,
	    (*(struct held *const *)b)->cvr);
}

/* Sorts the held records by name and by CVR, so each row finds its own in log n. */
static int
index_held(struct import *im)
{
	im->by_name = calloc(im->n_held + 1, sizeof(*im->by_name));
	im->by_cvr = calloc(im->n_held + 1, sizeof(*im->by_cvr));
	if (im->by_name == NULL || im->by_cvr == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < im->n_held; i++) {
		im->by_name[i] = &im->held[i];
		if (im->held[i].cvr != NULL)
			im->by_cvr[im->n_by_cvr++] = &im->held[i];
	}
	qsort(im->by_name, im->n_held, sizeof(*im->by_name), cmp_held_name);
	qsort(im->by_cvr, im->n_by_cvr, sizeof(*im->by_cvr), cmp_held_cvr);
	return 0;
}

/* The first index in a sorted view whose key is not below key. */
static size_t
lower_bound(struct held **v, size_t n, const char *key, bool by_cvr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(by_cvr ? v[mid]->cvr : v[mid]->name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Finds the held record the row names: by CVR, else by name. */
static struct held *
find_held(struct import *im, struct outcome *o)
{
	struct held *found = NULL;
	size_t n = 0, i;

	if (o->cvr != NULL) {
		i = lower_bound(im->by_cvr, im->n_by_cvr, o->cvr, true);
		if (i < im->n_by_cvr && str_eq(im->by_cvr[i]->cvr, o->cvr))
			return im->by_cvr[i];
	}
	/* A CVR given now finds a record that was named before it had one. */
	for (i = lower_bound(im->by_name, im->n_held, o->name, false);
	    i < im->n_held && str_eq(im->by_name[i]->name, o->name); i++) {
		if (o->cvr == NULL || im->by_name[i]->cvr == NULL) {
			found = im->by_name[i];
			n++;
		}
	}
	if (n > 1) {
		snprintf(o->error, sizeof(o->error), "%zu of this area's "
		    "records are called that; give a CVR column, or rename one "
		    "of them", n);
		return NULL;
	}
	return found;
}

/* Two rows are one record when their CVRs match, or their names do and no CVR tells them apart. */
static bool
same_record(const struct outcome *a, const struct outcome *b)
{
	if (a->cvr != NULL && str_eq(a->cvr, b->cvr))
		return true;
	return str_eq(a->name, b->name) && (a->cvr == NULL || b->cvr == NULL ||
	    str_eq(a->cvr, b->cvr));
}

/* Orders rows by a key, then by their place in the file. */
static int
cmp_rows(const char *kx, const char *ky, const void *x, const void *y)
{
	int c = strcmp(kx, ky);

	return c != 0 ? c : (x < y ? -1 : x > y);
}

static int
cmp_row_name(const void *a, const void *b)
{
	const struct outcome *x = *(struct outcome *const *)a;
	const struct outcome *y = *(struct outcome *const *)b;

	return cmp_rows(x->name, y->name, x, y);
}

static int
cmp_row_cvr(const void *a, const void *b)
{
	const struct outcome *x = *(struct outcome *const *)a;
	const struct outcome *y = *(struct outcome *const *)b;

	return cmp_rows(x->cvr, y->cvr, x, y);
}

/* Marks a row an error when an earlier row names the same record. */
static void
mark_duplicate(struct import *im, struct outcome *o, const struct outcome *p)
{
	if (o->error[0] == 0)
		snprintf(o->error, sizeof(o->error), "the same %s as line %zu",
		    im->k->name, p->line);
}

/*
 * Refuses rows that name the same record as an earlier row: rows sorted by
 * name (and, apart, by CVR) bring such pairs together, in file order.
 */
static int
find_duplicates(struct import *im)
{
	struct outcome **v = calloc(im->n_rows + 1, sizeof(*v));
	size_t n = 0;

	if (v == NULL)
		return TV_ENOMEM;
	for (size_t r = 0; r < im->n_rows; r++)
		if (im->rows[r].name != NULL)
			v[n++] = &im->rows[r];
	qsort(v, n, sizeof(*v), cmp_row_name);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j > 0 && str_eq(v[j - 1]->name, v[i]->name);
		    j--)
			if (same_record(v[i], v[j - 1]))
				mark_duplicate(im, v[i], v[j - 1]);
	n = 0;
	for (size_t r = 0; r < im->n_rows; r++)
		if (im->rows[r].cvr != NULL)
			v[n++] = &im->rows[r];
	qsort(v, n, sizeof(*v), cmp_row_cvr);
	for (size_t i = 1; i < n; i++)
		if (str_eq(v[i - 1]->cvr, v[i]->cvr))
			mark_duplicate(im, v[i], v[i - 1]);
	free(v);
	return 0;
}

/* Plans one row: error, unchanged, changed or added. */
static int
plan_row(struct import *im, struct outcome *o, const struct tv_value *row,
    struct tv_value *fields)
{
	const struct tv_value *cells = &row->items[1], *old = NULL;
	struct tv_doc *doc = NULL;
	struct held *h;
	int rc;

	if (o->error[0] != 0)
		return 0;	/* its keys or an earlier row said why */
	for (size_t i = 0; i < im->n_cols; i++)
		fields[2 * i + 1] = cells[i];
	h = find_held(im, o);
	if (h == NULL && o->error[0] != 0)
		return 0;
	if (h != NULL && h->claimed_by != 0) {
		snprintf(o->error, sizeof(o->error), "the same %s as line %zu",
		    im->k->name, h->claimed_by);
		return 0;
	}
	if (h != NULL && (rc = tv_decode(h->body, h->body_len, &doc, &old)) != 0)
		return rc;
	struct tv_value map = { .type = TV_MAP, .len = (uint32_t)im->n_cols,
	    .items = fields };
	rc = area_build_body(&im->req->d->area, im->k, old, &map, &o->body,
	    &o->body_len, o->error, sizeof(o->error));
	tv_doc_free(doc);
	if (rc != 0)
		return rc == TV_ENOMEM ? rc : 0;
	if (h == NULL) {
		o->action = "added";
		area_new_id(o->id);
		return 0;
	}
	h->claimed_by = o->line;
	memcpy(o->id, h->id, TV_ID_LEN);
	o->prev_ts = h->ts;
	o->action = "changed";
	if (o->body_len == h->body_len &&
	    memcmp(o->body, h->body, h->body_len) == 0)
		o->action = "unchanged";
	return 0;
}

/* Checks each row's shape and reads its keys; errors stay with the row. */
static int
read_rows(struct import *im, const struct tv_value *rows)
{
	for (size_t r = 0; r < rows->len; r++) {
		const struct tv_value *row = &rows->items[r];
		struct outcome *o = &im->rows[r];
		bool ok = row->type == TV_ARRAY && row->len == im->n_cols + 1 &&
		    row->items[0].type == TV_UINT;
		int rc;

		for (size_t i = 1; ok && i < row->len; i++)
			ok = row->items[i].type == TV_STR;
		if (!ok)
			return bad_args(im->req, "each row must be [line, cell "
			    "text...] with one cell per column");
		o->line = (size_t)row->items[0].u;
		o->action = "error";
		im->n_rows = r + 1;
		/* DATAMODEL.md §3: no CPR numbers, whichever client sends them. */
		for (size_t i = 1; i < row->len && o->error[0] == 0; i++)
			if (tv_csv_looks_like_cpr((const char *)row->items[i].bytes,
			    row->items[i].len))
				snprintf(o->error, sizeof(o->error), "%s: this "
				    "looks like a CPR number, which tvaers never "
				    "stores", im->cols[i - 1]->name);
		if (o->error[0] == 0 &&
		    (rc = row_keys(im, &row->items[1], o)) == TV_ENOMEM)
			return rc;
	}
	return 0;
}

static int
plan_rows(struct import *im, const struct tv_value *rows)
{
	struct tv_value *fields;
	int rc;

	if ((rc = read_rows(im, rows)) != 0 || (rc = find_duplicates(im)) != 0 ||
	    (rc = index_held(im)) != 0)
		return rc;
	if ((fields = calloc(2 * im->n_cols, sizeof(*fields))) == NULL)
		return TV_ENOMEM;
	for (size_t i = 0; i < im->n_cols; i++)
		fields[2 * i] = im->col_names->items[i];
	for (size_t r = 0; r < im->n_rows && rc == 0; r++)
		rc = plan_row(im, &im->rows[r], &rows->items[r], fields);
	free(fields);
	return rc;
}

static int
write_rows(struct import *im, size_t *out_stored)
{
	struct area_version *v = calloc(im->n_rows + 1, sizeof(*v));
	size_t n = 0;
	int rc;

	if (v == NULL)
		return TV_ENOMEM;
	for (size_t r = 0; r < im->n_rows; r++) {
		struct outcome *o = &im->rows[r];
		if (strcmp(o->action, "added") != 0 &&
		    strcmp(o->action, "changed") != 0)
			continue;
		memcpy(v[n].id, o->id, TV_ID_LEN);
		v[n].prev_ts = o->prev_ts;
		v[n].body = o->body;
		v[n].body_len = o->body_len;
		n++;
	}
	rc = area_write_batch(&im->req->d->area, im->k, v, n, out_stored,
	    im->req->msg, sizeof(im->req->msg));
	free(v);
	return rc;
}

/* One item: {"action", "error", "line", "ref", "title"}. */
static int
put_outcome(struct import *im, const struct outcome *o, bool is_written)
{
	char ref[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];
	struct tv_value root, kv[10];
	bool has_ref = strcmp(o->action, "error") != 0 &&
	    (is_written || strcmp(o->action, "added") != 0);
	long start;
	int rc;

	tv_area_text(im->req->d->area.kp.pk, ref);
	ref[TV_AREA_TEXT_LEN] = ':';
	tv_id_text(o->id, ref + TV_AREA_TEXT_LEN + 1);
	memset(kv, 0, sizeof(kv));
	tv_set_str(&kv[0], "line", 4);
	tv_set_int(&kv[1], (int64_t)o->line);
	tv_set_str(&kv[2], "action", 6);
	tv_set_str(&kv[3], o->action, strlen(o->action));
	tv_set_str(&kv[4], "ref", 3);
	kv[5].type = TV_NIL;
	if (has_ref)
		tv_set_str(&kv[5], ref, strlen(ref));
	tv_set_str(&kv[6], "title", 5);
	kv[7].type = TV_NIL;
	if (o->title != NULL)
		kv[7] = *o->title;
	tv_set_str(&kv[8], "error", 5);
	kv[9].type = TV_NIL;
	if (o->error[0] != 0 && strcmp(o->action, "error") == 0)
		tv_set_str(&kv[9], o->error, strlen(o->error));
	root = (struct tv_value){ .type = TV_MAP, .len = 5, .items = kv };
	if ((start = tv_ctl_item_begin(im->req->out)) < 0)
		return (int)start;
	if ((rc = tv_encode(im->req->out, &root)) != 0)
		return rc;
	return tv_ctl_frame_end(im->req->out, start);
}

static void
summarise(struct import *im, bool is_dry_run)
{
	size_t n[4] = { 0 };
	static const char *const actions[] = { "added", "changed", "unchanged",
	    "error" };

	for (size_t r = 0; r < im->n_rows; r++)
		for (size_t a = 0; a < 4; a++)
			n[a] += strcmp(im->rows[r].action, actions[a]) == 0;
	if (n[3] > 0)
		snprintf(im->req->msg, sizeof(im->req->msg), "%zu line%s with "
		    "errors; nothing was imported", n[3], n[3] == 1 ? "" : "s");
	else
		snprintf(im->req->msg, sizeof(im->req->msg), "%s%zu %s, %zu %s, "
		    "%zu unchanged", is_dry_run ? "dry run, nothing written: " :
		    "", n[0], is_dry_run ? "to add" : "added", n[1],
		    is_dry_run ? "to change" : "changed", n[2]);
}

int
ctl_op_import(struct ctl_req *req)
{
	const struct tv_value *rows = tv_map_get(req->in->args, "rows");
	const struct tv_value *dry = tv_map_get(req->in->args, "dry_run");
	bool is_dry_run = dry != NULL && dry->type == TV_BOOL && dry->b;
	struct import im = { .req = req };
	size_t stored = 0, n_errors = 0;
	int rc;

	if ((rc = read_columns(&im)) != 0)
		return rc;
	if (rows == NULL || rows->type != TV_ARRAY)
		return bad_args(req, "'rows' must be an array");
	if (rows->len > AREA_BATCH_MAX) {
		snprintf(req->msg, sizeof(req->msg), "an import holds at most "
		    "%d rows; split the file", AREA_BATCH_MAX);
		return TV_ETOOBIG;
	}
	if ((im.rows = calloc(rows->len + 1, sizeof(*im.rows))) == NULL)
		return TV_ENOMEM;
	if ((rc = load_held(&im)) != 0 || (rc = plan_rows(&im, rows)) != 0)
		goto out;
	for (size_t r = 0; r < im.n_rows; r++)
		n_errors += strcmp(im.rows[r].action, "error") == 0;
	if (n_errors == 0 && !is_dry_run && (rc = write_rows(&im, &stored)) != 0)
		goto out;
	/* After an error nothing is written: only the lines to mend matter. */
	for (size_t r = 0; r < im.n_rows && rc == 0; r++)
		if (n_errors == 0 || strcmp(im.rows[r].action, "error") == 0)
			rc = put_outcome(&im, &im.rows[r], !is_dry_run &&
			    n_errors == 0);
	if (rc == 0)
		summarise(&im, is_dry_run);
out:
	if (rc == TV_ENOMEM)
		snprintf(req->msg, sizeof(req->msg), "tvaersd is out of memory");
	for (size_t r = 0; r < im.n_rows; r++) {
		free(im.rows[r].body);
		free(im.rows[r].cvr);
		free(im.rows[r].name);
	}
	free(im.rows);
	held_free(&im);
	return rc;
}
