/*
 * The commands served from proto's built-in tables, with no daemon:
 * municipalities, interests and kinds [KIND]. Also the description of a
 * kind's fields that `tvaers add KIND --help` shows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kinds.h"
#include "out.h"

/* Takes no arguments but --json; returns 0 or EXIT_USAGE. */
static int
table_args(struct cli *c, const char *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else
			return cli_usage_err(cmd, _("unexpected argument '%s'"),
			    argv[i]);
	}
	return 0;
}

int
cmd_municipalities(struct cli *c, int argc, char **argv)
{
	static const struct out_cell cols[] = {
		{ .label = N_("CODE"), .width = 4 },
		{ .label = N_("NAME"), .width = 18 },
		{ .label = N_("REGION") },
	};
	struct out_head h = { .what = OUT_CELLS, .cols = cols, .n_cols = 3 };
	const struct tv_municipality *m;
	const struct output *out;
	size_t n;
	int rc;

	if ((rc = table_args(c, "municipalities", argc, argv)) != 0)
		return rc;
	out = cli_out(c);
	m = tv_municipalities(&n);
	out->head(&h);
	for (size_t i = 0; i < n; i++) {
		struct out_cell row[] = {
			{ .key = "code", .type = OUT_INT, .i = m[i].code,
			    .width = 4 },
			{ .key = "name", .type = OUT_STR, .s = m[i].name,
			    .width = 18 },
			{ .key = "region", .type = OUT_STR, .s = m[i].region },
			{ .key = "lat_udeg", .type = OUT_INT,
			    .i = m[i].lat_udeg, .flags = OUT_JSON_ONLY },
			{ .key = "lon_udeg", .type = OUT_INT,
			    .i = m[i].lon_udeg, .flags = OUT_JSON_ONLY },
		};
		struct out_item it = { .cells = row, .n_cells = 5 };
		out->row(&it);
	}
	out->tail();
	return 0;
}

int
cmd_interests(struct cli *c, int argc, char **argv)
{
	static const struct out_cell cols[] = {
		{ .label = N_("CODE"), .width = 16 },
		{ .label = N_("DANISH"), .width = 34 },
		{ .label = N_("ENGLISH") },
	};
	struct out_head h = { .what = OUT_CELLS, .cols = cols, .n_cols = 3 };
	const struct tv_interest *t;
	const struct output *out;
	size_t n;
	int rc;

	if ((rc = table_args(c, "interests", argc, argv)) != 0)
		return rc;
	out = cli_out(c);
	t = tv_interests(&n);
	out->head(&h);
	for (size_t i = 0; i < n; i++) {
		struct out_cell row[] = {
			{ .key = "code", .type = OUT_STR, .s = t[i].code,
			    .width = 16 },
			{ .key = "da", .type = OUT_STR, .s = t[i].da,
			    .width = 34 },
			{ .key = "en", .type = OUT_STR, .s = t[i].en },
		};
		struct out_item it = { .cells = row, .n_cells = 3 };
		out->row(&it);
	}
	out->tail();
	return 0;
}

/* The stable names of field types in JSON. */
static const char *
type_name(enum tv_field_type t)
{
	switch (t) {
	case TV_F_TEXT: return "text";
	case TV_F_INT: return "int";
	case TV_F_BOOL: return "bool";
	case TV_F_ENUM: return "enum";
	case TV_F_ENUM_LIST: return "enum_list";
	case TV_F_INTERESTS: return "interests";
	case TV_F_MUNICIPALITY: return "municipality";
	case TV_F_CVR: return "cvr";
	case TV_F_REF: return "ref";
	case TV_F_REF_LIST: return "ref_list";
	case TV_F_LOCATION: return "location";
	case TV_F_DATE: return "date";
	case TV_F_TIME: return "time";
	case TV_F_INT_LIST: return "int_list";
	case TV_F_TEXT_LIST: return "text_list";
	case TV_F_NEEDS: return "needs";
	case TV_F_FUNDING: return "funding";
	case TV_F_CONSENT: return "consent";
	}
	return "unknown";
}

/* Writes an enumeration's values: code, English label if it differs, Danish label. */
static void
put_enums(FILE *m, const struct tv_field *f)
{
	for (size_t i = 0; i < f->n_enums; i++) {
		const struct tv_enum_value *e = &f->enums[i];
		fprintf(m, "%s%s", i ? ", " : "", e->code);
		if (strcmp(e->en, e->code) != 0)
			fprintf(m, " (%s)", e->en);
		if (strcmp(e->da, e->code) != 0 && strcmp(e->da, e->en) != 0)
			fprintf(m, " [%s]", e->da);
	}
}

/* " [forening]" after an English label; nothing when the label is Danish. */
static const char *
danish_aside(const char *da)
{
	static char buf[128];

	if (i18n_is_da())
		return "";
	snprintf(buf, sizeof(buf), " [%s]", da);
	return buf;
}

/* Returns a new string: the field's label and what it takes, for people. */
static char *
field_description(const struct tv_field *f)
{
	char *s, items[64] = "";
	size_t len;
	FILE *m;

	if ((m = open_memstream(&s, &len)) == NULL) {
		fputs(PROG_NAME ": out of memory\n", stderr);
		abort();
	}
	/* English label, Danish in brackets, as DATAMODEL.md writes them. */
	fprintf(m, "%s%s: %s", out_tr(f->en, f->da), danish_aside(f->da),
	    f->required ? _("required; ") : "");
	if (f->max_items > 0)
		snprintf(items, sizeof(items), _(", at most %" PRIu32),
		    f->max_items);
	switch (f->type) {
	case TV_F_TEXT:
		fputs(_("text"), m);
		if (f->max > 0)
			fprintf(m, _(" of at most %" PRId64 " characters"), f->max);
		break;
	case TV_F_INT:
		fprintf(m, _("whole number from %" PRId64 " to %" PRId64), f->min,
		    f->max);
		break;
	case TV_F_BOOL:
		fputs(_("ja/nej (yes/no)"), m);
		break;
	case TV_F_ENUM:
		fputs(_("one of: "), m);
		put_enums(m, f);
		break;
	case TV_F_ENUM_LIST:
		fprintf(m, _("comma-separated list%s of: "), items);
		put_enums(m, f);
		break;
	case TV_F_INTERESTS:
		fprintf(m, _("comma-separated interest codes (`tvaers interests`) "
		    "and free tags%s"), items);
		break;
	case TV_F_MUNICIPALITY:
		fputs(_("municipality code or name (`tvaers municipalities`)"), m);
		break;
	case TV_F_CVR:
		fputs(_("CVR number: 8 digits passing the mod-11 check"), m);
		break;
	case TV_F_REF:
		fputs(_("a reference: a record id, its first characters, AREA:ID, "
		    "or area"), m);
		break;
	case TV_F_REF_LIST:
		fprintf(m, _("comma-separated references%s"), items);
		break;
	case TV_F_LOCATION:
		fputs(_("LAT,LON in degrees, e.g. 55.4612,12.1823"), m);
		break;
	case TV_F_DATE:
		fputs(_("a date: YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY"), m);
		break;
	case TV_F_TIME:
		fputs(_("a time: YYYY-MM-DD HH:MM (Danish time), or a date for all "
		    "day"), m);
		break;
	case TV_F_INT_LIST:
		fprintf(m, _("comma-separated whole numbers from %" PRId64 " to %"
		    PRId64 "%s"), f->min, f->max, items);
		break;
	case TV_F_TEXT_LIST:
		fprintf(m, _("comma-separated texts%s"), items);
		break;
	case TV_F_NEEDS:
		fprintf(m, _("comma-separated needs%s, each TYPE or TYPE:text; "
		    "TYPE is one of: "), items);
		put_enums(m, f);
		break;
	case TV_F_FUNDING:
		fprintf(m, _("funding items separated by ';'%s, each "
		    "source:name:applied:granted:status[:date] (parts may be "
		    "empty); source is one of: "), items);
		put_enums(m, f);
		break;
	case TV_F_CONSENT:
		fputs(_("what may be published (name, contact or none), the date "
		    "it was given, and a scope: name,contact,2025-03-01,board "
		    "list on the website"), m);
		break;
	}
	fclose(m);
	return s;
}

void
misc_kind_fields(const struct output *out, const struct tv_kind *k)
{
	static const struct out_cell cols[] = {
		{ .label = N_("FIELD"), .width = 18 },
		{ .label = N_("LABEL [DANISH]: WHAT IT TAKES") },
	};
	char title[256];
	struct out_head h = { .what = OUT_CELLS, .title = title, .cols = cols,
	    .n_cols = 2 };

	snprintf(title, sizeof(title), k->is_local ? _("Fields of %s%s, "
	    "a local-only kind that never leaves this daemon; give each as "
	    "--FIELD VALUE:") : _("Fields of %s%s; give each as --FIELD "
	    "VALUE:"), out_tr(k->en, k->da), danish_aside(k->da));
	out->head(&h);
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct tv_field *f = &k->fields[i];
		char *desc = field_description(f);
		bool has_min = f->type == TV_F_INT || f->type == TV_F_INT_LIST ||
		    f->type == TV_F_TIME;
		bool has_max = has_min || ((f->type == TV_F_TEXT ||
		    f->type == TV_F_TEXT_LIST) && f->max > 0);
		struct out_cell row[] = {
			{ .key = "name", .type = OUT_STR, .s = f->name,
			    .width = 18 },
			{ .type = OUT_STR, .s = desc, .flags = OUT_TEXT_ONLY },
			{ .key = "en", .type = OUT_STR, .s = f->en,
			    .flags = OUT_JSON_ONLY },
			{ .key = "da", .type = OUT_STR, .s = f->da,
			    .flags = OUT_JSON_ONLY },
			{ .key = "type", .type = OUT_STR,
			    .s = type_name(f->type), .flags = OUT_JSON_ONLY },
			{ .key = "required", .type = OUT_BOOL,
			    .b = f->required, .flags = OUT_JSON_ONLY },
			/* Limits that do not apply to the type are null. */
			{ .key = "min", .type = has_min ? OUT_INT : OUT_NULL,
			    .i = f->min, .flags = OUT_JSON_ONLY },
			{ .key = "max", .type = has_max ? OUT_INT : OUT_NULL,
			    .i = f->max, .flags = OUT_JSON_ONLY },
			{ .key = "max_items", .type = f->max_items ? OUT_INT :
			    OUT_NULL, .i = f->max_items,
			    .flags = OUT_JSON_ONLY },
			{ .key = "values", .type = OUT_ENUMS,
			    .enums = f->enums, .n_enums = f->n_enums,
			    .flags = OUT_JSON_ONLY },
		};
		struct out_item it = { .cells = row,
		    .n_cells = sizeof(row) / sizeof(row[0]) };

		out->row(&it);
		free(desc);
	}
	out->tail();
}

char *
misc_field_names(const struct tv_kind *k)
{
	size_t cap = 1;
	char *s;

	for (size_t i = 0; i < k->n_fields; i++)
		cap += strlen(k->fields[i].name) + 2;
	s = xmalloc(cap);
	s[0] = 0;
	for (size_t i = 0; i < k->n_fields; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, k->fields[i].name);
	}
	return s;
}

char *
misc_kind_names(void)
{
	size_t n, cap = 1;
	const struct tv_kind *k = tv_kinds(&n);
	char *s;

	for (size_t i = 0; i < n; i++)
		cap += strlen(k[i].name) + 2;
	s = xmalloc(cap);
	s[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, k[i].name);
	}
	return s;
}

int
cmd_kinds(struct cli *c, int argc, char **argv)
{
	static const struct out_cell cols[] = {
		{ .label = N_("KIND"), .width = 14 },
		{ .label = N_("DANISH"), .width = 14 },
		{ .label = N_("FIELDS"), .width = 6 },
		{ .label = N_("LOCAL-ONLY") },
	};
	struct out_head h = { .what = OUT_CELLS, .cols = cols, .n_cols = 4 };
	const char *name = NULL;
	const struct tv_kind *k;
	const struct output *out;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return cli_usage_err("kinds", _("unexpected argument "
			    "'%s'"), argv[i]);
	}
	out = cli_out(c);
	if (name != NULL) {
		if ((k = tv_kind_find(name, strlen(name))) == NULL) {
			char *names = misc_kind_names();
			char *vis = out_vis(name, strlen(name), false);
			cli_err(_("there is no kind '%s'. Kinds: %s."), vis, names);
			free(vis);
			free(names);
			return EXIT_USAGE;
		}
		misc_kind_fields(out, k);
		return 0;
	}
	k = tv_kinds(&n);
	out->head(&h);
	for (size_t i = 0; i < n; i++) {
		struct out_cell row[] = {
			{ .key = "name", .type = OUT_STR, .s = k[i].name,
			    .width = 14 },
			{ .key = "da", .type = OUT_STR, .s = k[i].da,
			    .width = 14 },
			{ .key = "en", .type = OUT_STR, .s = k[i].en,
			    .flags = OUT_JSON_ONLY },
			{ .key = "fields", .type = OUT_INT,
			    .i = (int64_t)k[i].n_fields, .width = 6 },
			{ .key = "title_field", .type = OUT_STR,
			    .s = k[i].title_field, .flags = OUT_JSON_ONLY },
			{ .key = "local", .type = OUT_BOOL, .b = k[i].is_local },
		};
		struct out_item it = { .cells = row,
		    .n_cells = sizeof(row) / sizeof(row[0]) };
		out->row(&it);
	}
	out->tail();
	return 0;
}
