/*
 * Output for people: tables that stream with fixed column widths, and
 * "label: value" lines. Every string is passed through out_vis before it
 * reaches the terminal, since records are supplied by peers.
 */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIELD_TEXT_MAX (2 * TV_RECORD_MAX) /* a field formatted for people */
#define WRAP_COLUMNS 80		/* the last column wraps here; fixed, not the tty's */
#define GAP "  "		/* between columns */
#define LABEL_ALIGN_MAX 20	/* longer labels do not widen a detail's label column */

/* Column widths of a record table, in terminal cells. */
#define W_ID TV_SHORT_LEN
#define W_KIND 12
#define W_TITLE 32
#define W_STATUS 13		/* "seeking funds" */
#define W_AREA TV_SHORT_LEN
#define W_MUNI 21		/* "336 Ringkøbing-Skjern" */
#define W_TIME 16		/* "2025-11-08 09:30", "08-11-2025 09.30" */

/* What the current listing looks like. */
static struct {
	bool has_kind_col;
	bool has_status_col;
} table;

static char *
field_buf(void)
{
	static char *buf;

	if (buf == NULL)
		buf = xmalloc(FIELD_TEXT_MAX);
	return buf;
}

/* Writes v for people, generically (unknown fields, status values). */
static void
value_text(FILE *m, const struct tv_value *v, int depth)
{
	char ref[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];

	switch (v->type) {
	case TV_NIL:
		fputs("-", m);
		break;
	case TV_BOOL:
		fputs(v->b ? _("yes") : _("no"), m);
		break;
	case TV_UINT:
		fprintf(m, "%" PRIu64, v->u);
		break;
	case TV_NINT:
		fprintf(m, "%" PRId64, v->i);
		break;
	case TV_STR:
		fwrite(v->bytes, 1, v->len, m);
		break;
	case TV_BIN:
		out_hex(m, v->bytes, v->len);
		break;
	case TV_ARRAY:
		if (out_ref_text(v, ref)) {
			fputs(ref, m);
			break;
		}
		if (depth > 0)
			fputs("[", m);
		for (uint32_t i = 0; i < v->len; i++) {
			fputs(i ? ", " : "", m);
			value_text(m, &v->items[i], depth + 1);
		}
		if (depth > 0)
			fputs("]", m);
		break;
	case TV_MAP:
		if (depth > 0)
			fputs("{", m);
		for (uint32_t i = 0; i < v->len; i++) {
			fputs(i ? ", " : "", m);
			value_text(m, &v->items[2 * i], depth + 1);
			fputs(": ", m);
			value_text(m, &v->items[2 * i + 1], depth + 1);
		}
		if (depth > 0)
			fputs("}", m);
		break;
	}
}

/* Returns a new string: v for people, by its field's rules if f is known. */
static char *
field_text(const struct tv_field *f, const struct tv_value *v)
{
	char *s;
	size_t len;
	FILE *m;

	if (f != NULL) {
		len = tv_field_format(f, v, out_lang(), field_buf(),
		    FIELD_TEXT_MAX);
		s = xmalloc(len + 1);
		memcpy(s, field_buf(), len);
		s[len] = 0;
		return s;
	}
	if ((m = open_memstream(&s, &len)) == NULL) {
		fputs("tvaers: out of memory\n", stderr);
		abort();
	}
	value_text(m, v, 0);
	fclose(m);
	return s;
}

/* Returns a new string: the body's field name for people, or NULL if absent. */
static char *
record_field(const struct out_record *rec, const char *name)
{
	const struct tv_value *v;

	if (rec->body == NULL || name == NULL ||
	    (v = tv_map_get(rec->body, name)) == NULL ||
	    v->type == TV_NIL)
		return NULL;
	return field_text(rec->kind ? tv_kind_field(rec->kind, name) : NULL, v);
}

/* The field that names a record in tables, or NULL (a membership has none). */
static const char *
record_title_field(const struct out_record *rec)
{
	if (rec->kind != NULL)
		return rec->kind->title_field;
	/* A kind this program does not know: guess the usual names. */
	if (rec->body != NULL && tv_map_get(rec->body, "title") != NULL &&
	    tv_map_get(rec->body, "name") == NULL)
		return "title";
	return "name";
}

/* A record's time in Copenhagen, whatever the machine's time zone. */
static void
local_time(uint64_t us, unsigned flags, char *out, size_t outlen)
{
	tv_fmt_time((int64_t)(us / 1000000), i18n_lang(), flags, out, outlen);
}

/* Writes one table cell: s made visible, padded or cut to width. */
static void
put_cell(FILE *f, const char *s, size_t width, bool is_last)
{
	if (s == NULL || *s == 0)
		s = "-";
	out_cell_vis(f, s, strlen(s), is_last ? 0 : width);
	if (!is_last)
		fputs(GAP, f);
}

static void
text_head(const struct out_head *h)
{
	FILE *f = out_file();
	char title[64];

	memset(&table, 0, sizeof(table));
	if (h->title != NULL) {
		char *vis = out_vis(h->title, strlen(h->title), true);
		fprintf(f, "%s\n", vis);
		free(vis);
	}
	if (h->what == OUT_CELLS) {
		bool any = false;
		for (size_t i = 0; i < h->n_cols; i++)
			any |= h->cols[i].label != NULL;
		if (!any)
			return;
		for (size_t i = 0; i < h->n_cols; i++)
			put_cell(f, h->cols[i].label != NULL ?
			    _(h->cols[i].label) : NULL, (size_t)h->cols[i].width,
			    i + 1 == h->n_cols);
		putc('\n', f);
		return;
	}
	if (h->what != OUT_RECORDS)
		return;
	table.has_kind_col = h->kind == NULL;
	table.has_status_col = h->kind == NULL ||
	    tv_kind_field(h->kind, "status") != NULL;
	/* The title column is named after the kind's title field: NAME or TITLE. */
	snprintf(title, sizeof(title), "%s", h->kind != NULL &&
	    h->kind->title_field != NULL &&
	    strcmp(h->kind->title_field, "title") == 0 ?
	    _("TITLE") : _("NAME"));
	put_cell(f, _("ID"), W_ID, false);
	if (table.has_kind_col)
		put_cell(f, _("KIND"), W_KIND, false);
	put_cell(f, title, W_TITLE, false);
	if (table.has_status_col)
		put_cell(f, _("STATUS"), W_STATUS, false);
	put_cell(f, _("AREA"), W_AREA, false);
	put_cell(f, _("MUNICIPALITY"), W_MUNI, false);
	fputs(_("UPDATED"), f);
	putc('\n', f);
}

static const char *
kind_label(const struct out_record *rec)
{
	return rec->kind != NULL ? out_tr(rec->kind->name, rec->kind->da) :
	    rec->kind_name;
}

static void
record_row(const struct out_record *rec)
{
	FILE *f = out_file();
	char shortid[TV_SHORT_LEN + 1], when[32], *s;

	snprintf(shortid, sizeof(shortid), "%.*s", TV_SHORT_LEN,
	    rec->is_profile ? "-" : rec->id);
	put_cell(f, shortid, W_ID, false);
	if (table.has_kind_col)
		put_cell(f, kind_label(rec), W_KIND, false);
	if (rec->is_deleted) {
		put_cell(f, _("(deleted)"), W_TITLE, false);
	} else {
		s = record_field(rec, record_title_field(rec));
		put_cell(f, s, W_TITLE, false);
		free(s);
	}
	if (table.has_status_col) {
		s = record_field(rec, "status");
		put_cell(f, s, W_STATUS, false);
		free(s);
	}
	snprintf(shortid, sizeof(shortid), "%.*s", TV_SHORT_LEN, rec->area);
	put_cell(f, shortid, W_AREA, false);
	s = record_field(rec, "municipality");
	put_cell(f, s, W_MUNI, false);
	free(s);
	local_time(rec->r.timestamp, TV_FMT_NUMERIC, when, sizeof(when));
	put_cell(f, when, W_TIME, true);
	putc('\n', f);
}

/* Returns a new string: a cell's value for people (before escaping). */
static char *
cell_text(const struct out_cell *c)
{
	char *s;
	size_t len;
	FILE *m;

	switch (c->type) {
	case OUT_NULL:
		return xstrdup("-");
	case OUT_STR:
		return xstrdup(c->s != NULL && *c->s ? c->s : "-");
	case OUT_INT:
		s = xmalloc(24);
		snprintf(s, 24, "%" PRId64, c->i);
		return s;
	case OUT_BOOL:
		return xstrdup(c->b ? _("yes") : _("no"));
	case OUT_VALUE:
		return c->v != NULL ? field_text(NULL, c->v) : xstrdup("-");
	case OUT_ENUMS:
		break;
	}
	if ((m = open_memstream(&s, &len)) == NULL) {
		fputs("tvaers: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < c->n_enums; i++) {
		const struct tv_enum_value *e = &c->enums[i];
		fprintf(m, "%s%s (%s)", i ? ", " : "", e->code,
		    out_tr(e->en, e->da));
	}
	fclose(m);
	return s;
}

/* Writes s from column col on, wrapped at spaces before WRAP_COLUMNS. */
static void
put_wrapped(FILE *f, const char *s, size_t col)
{
	size_t avail = col + 30 < WRAP_COLUMNS ? WRAP_COLUMNS - col : 30;
	size_t used = 0;
	const char *p = s;

	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		char *word = xmalloc(n + 1);
		size_t w;

		memcpy(word, p, n);
		word[n] = 0;
		w = out_width(word);
		if (used > 0 && used + 1 + w > avail) {
			fprintf(f, "\n%*s", (int)col, "");
			used = 0;
		} else if (used > 0) {
			putc(' ', f);
			used++;
		}
		fputs(word, f);
		used += w;
		free(word);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* True if no cell people see lies between cell i and cell last. */
static bool
is_last_before(const struct out_cell *cells, size_t i, size_t last)
{
	for (size_t j = i + 1; j < last; j++)
		if (!(cells[j].flags & OUT_JSON_ONLY))
			return false;
	return true;
}

static void
cells_row(const struct out_cell *cells, size_t n_cells)
{
	FILE *f = out_file();
	size_t col = 0, last = 0;

	for (size_t i = 0; i < n_cells; i++)
		if (!(cells[i].flags & OUT_JSON_ONLY))
			last = i;
	for (size_t i = 0; i < n_cells; i++) {
		const struct out_cell *c = &cells[i];
		char *s, *vis;

		if (c->flags & OUT_JSON_ONLY)
			continue;
		s = cell_text(c);
		if (i == last && (c->flags & OUT_OWN_LINE)) {
			fputs("\n    ", f);
			col = 4;
		}
		if (i == last) {
			vis = out_vis(s, strlen(s), false);
			put_wrapped(f, vis, col);
			free(vis);
		} else if (cells[last].flags & OUT_OWN_LINE && is_last_before(
		    cells, i, last)) {
			out_cell_vis(f, s, strlen(s), 0);
		} else {
			out_cell_vis(f, s, strlen(s), (size_t)c->width);
			fputs(GAP, f);
			col += (size_t)c->width + strlen(GAP);
		}
		free(s);
	}
	putc('\n', f);
}

static void
text_row(const struct out_item *it)
{
	if (it->rec != NULL)
		record_row(it->rec);
	else
		cells_row(it->cells, it->n_cells);
}

/* Lines of a detail: labels and values, printed aligned. */
struct lines {
	char **label;		/* NULL entries: the value alone */
	char **value;
	size_t n, cap;
};

/* Adds a line; takes value (a new string), copies label. Both are made visible. */
static void
lines_add(struct lines *l, const char *label, char *value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char **nl = realloc(l->label, cap * sizeof(*nl));
		char **nv = nl ? realloc(l->value, cap * sizeof(*nv)) : NULL;
		if (nl == NULL || nv == NULL) {
			fputs("tvaers: out of memory\n", stderr);
			abort();
		}
		l->label = nl;
		l->value = nv;
		l->cap = cap;
	}
	l->label[l->n] = label != NULL ? out_vis(label, strlen(label), false) :
	    NULL;
	l->value[l->n] = out_vis(value, strlen(value), true);
	free(value);
	l->n++;
}

static void
lines_print(struct lines *l)
{
	FILE *f = out_file();
	size_t w = 0;

	/* Values line up after the labels; a rare long label just pushes its own. */
	for (size_t i = 0; i < l->n; i++)
		if (l->label[i] != NULL && out_width(l->label[i]) + 1 > w &&
		    out_width(l->label[i]) + 1 <= LABEL_ALIGN_MAX)
			w = out_width(l->label[i]) + 1;
	for (size_t i = 0; i < l->n; i++) {
		size_t indent = 0;
		if (l->label[i] != NULL) {
			fputs(l->label[i], f);
			putc(':', f);
			indent = w + 1;
			for (size_t k = out_width(l->label[i]) + 1; k < indent; k++)
				putc(' ', f);
			if (out_width(l->label[i]) + 1 >= indent)
				putc(' ', f);
		}
		/* Continuation lines of a multi-line value line up under its first. */
		for (const char *p = l->value[i]; *p; p++) {
			putc(*p, f);
			if (*p == '\n')
				fprintf(f, "%*s", (int)indent, "");
		}
		putc('\n', f);
		free(l->label[i]);
		free(l->value[i]);
	}
	free(l->label);
	free(l->value);
	memset(l, 0, sizeof(*l));
}

static void
record_detail(const struct out_record *rec)
{
	struct lines l = { .n = 0, .cap = 0 };
	char when[64];
	char hash[2 * TV_HASH_LEN + 1];

	lines_add(&l, _("ref"), xstrdup(rec->ref));
	/* "record kind": many kinds have a field called kind of their own. */
	lines_add(&l, _("record kind"),
	    xstrdup(kind_label(rec)));
	lines_add(&l, _("area"), xstrdup(rec->area));
	if (rec->is_local)
		lines_add(&l, _("local"), xstrdup(
		    _("yes: this record never leaves this daemon")));
	if (rec->body != NULL) {
		/* Known fields in the kind's order, then any this program does not know. */
		for (size_t i = 0; rec->kind != NULL && i < rec->kind->n_fields;
		    i++) {
			const struct tv_field *f = &rec->kind->fields[i];
			const struct tv_value *v = tv_map_get(rec->body, f->name);
			if (v != NULL && v->type != TV_NIL)
				lines_add(&l, out_tr(f->en, f->da),
				    field_text(f, v));
		}
		for (uint32_t i = 0; i < rec->body->len; i++) {
			const struct tv_value *k = &rec->body->items[2 * i];
			char name[128];
			if (k->type != TV_STR) {
				snprintf(name, sizeof(name), "?");
			} else {
				snprintf(name, sizeof(name), "%.*s",
				    (int)k->len, (const char *)k->bytes);
				if (rec->kind != NULL &&
				    tv_kind_field(rec->kind, name) != NULL)
					continue;
			}
			lines_add(&l, name, field_text(NULL,
			    &rec->body->items[2 * i + 1]));
		}
	}
	local_time(rec->r.timestamp, TV_FMT_LONG | TV_FMT_SECONDS, when,
	    sizeof(when));
	lines_add(&l, _("updated"), xstrdup(when));
	for (size_t i = 0; i < 8; i++)
		snprintf(hash + 2 * i, 3, "%02x", rec->r.hash[i]);
	lines_add(&l, _("hash"), xstrdup(hash));
	if (rec->is_deleted)
		lines_add(&l, _("deleted"), xstrdup(
		    _("yes: this is a tombstone")));
	lines_print(&l);
}

static void
text_detail(const struct out_item *it)
{
	struct lines l = { .n = 0, .cap = 0 };

	if (it->rec != NULL) {
		record_detail(it->rec);
		return;
	}
	for (size_t i = 0; i < it->n_cells; i++)
		if (!(it->cells[i].flags & OUT_JSON_ONLY))
			lines_add(&l, it->cells[i].label != NULL ?
			    _(it->cells[i].label) : NULL,
			    cell_text(&it->cells[i]));
	lines_print(&l);
}

static void
text_result(const char *verb, const struct out_item *it)
{
	const struct out_record *rec = it->rec;
	FILE *f = out_file();
	char *title = NULL, *vis;

	if (rec == NULL) {
		text_detail(it);
		return;
	}
	if (!rec->is_deleted)
		title = record_field(rec, record_title_field(rec));
	vis = out_vis(kind_label(rec), strlen(kind_label(rec)), false);
	fprintf(f, "%s %s %.*s", _(verb), vis, TV_SHORT_LEN,
	    rec->is_profile ? rec->area : rec->id);
	free(vis);
	if (title != NULL) {
		vis = out_vis(title, strlen(title), false);
		fprintf(f, " %s", vis);
		free(vis);
		free(title);
	}
	putc('\n', f);
}

static void
text_tail(void)
{
	fflush(out_file());
}

const struct output out_text = {
	.head = text_head,
	.row = text_row,
	.detail = text_detail,
	.result = text_result,
	.tail = text_tail,
};
