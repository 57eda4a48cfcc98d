/*
 * The commands that read across areas: match, networks and boards. The
 * daemon answers with maps; --json prints each map as it came (same keys,
 * same nesting), people get the same content as indented text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kinds.h"
#include "out.h"

static const struct tv_value *
get(const struct tv_value *m, const char *key)
{
	const struct tv_value *v = tv_map_get(m, key);
	return v != NULL && v->type != TV_NIL ? v : NULL;
}

/* Writes a string value made safe for the terminal; "-" if absent. */
static void
put_vis(FILE *f, const struct tv_value *v)
{
	char *s;

	if (v == NULL || v->type != TV_STR) {
		fputs("-", f);
		return;
	}
	s = out_vis((const char *)v->bytes, v->len, false);
	fputs(s, f);
	free(s);
}

/* The label of an enumeration code of kind.field, in the current language. */
static const char *
enum_label(const char *kind, const char *field, const struct tv_value *code,
    char *buf, size_t buflen)
{
	const struct tv_kind *k = tv_kind_find(kind, strlen(kind));
	const struct tv_field *f = k ? tv_kind_field(k, field) : NULL;

	if (code == NULL || code->type != TV_STR)
		return NULL;
	for (size_t i = 0; f && i < f->n_enums; i++)
		if (tv_str_eq(code, f->enums[i].code))
			return out_tr(f->enums[i].en, f->enums[i].da);
	snprintf(buf, buflen, "%.*s", (int)code->len, (const char *)code->bytes);
	return buf;
}

static const char *
need_label(const struct tv_value *code, char *buf, size_t buflen)
{
	return enum_label("project", "needs", code, buf, buflen);
}

static bool
uint_of(const struct tv_value *v, uint64_t *out)
{
	if (v == NULL || v->type != TV_UINT)
		return false;
	*out = v->u;
	return true;
}

static int
bad_item(void)
{
	cli_err(_("tvaersd sent an item tvaers cannot read. Are tvaers and "
	    "tvaersd the same version?"));
	return EXIT_REFUSED;
}

/* --json: each item is one row whose cells are the map's keys, as they came. */
static int
json_row(const struct output *out, const struct tv_value *item)
{
	struct out_cell cells[32];
	struct out_item it = { .cells = cells };

	if (item->type != TV_MAP || item->len > 32)
		return bad_item();
	memset(cells, 0, sizeof(cells));
	for (uint32_t i = 0; i < item->len; i++) {
		const struct tv_value *k = &item->items[2 * i];
		char *key;
		if (k->type != TV_STR)
			return bad_item();
		/* Keys live until the row is written; the doc outlives it. */
		key = xmalloc(k->len + 1);
		memcpy(key, k->bytes, k->len);
		key[k->len] = 0;
		cells[i] = (struct out_cell){ .key = key, .type = OUT_VALUE,
		    .v = &item->items[2 * i + 1] };
	}
	it.n_cells = item->len;
	out->row(&it);
	for (uint32_t i = 0; i < item->len; i++)
		free((char *)cells[i].key);
	return 0;
}

typedef int text_item_fn(FILE *f, const struct tv_value *item);

struct run {
	const struct output *out;
	bool is_json;
	text_item_fn *text;
	size_t n;
};

static int
run_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct run *r = arg;

	(void)c;
	r->n++;
	if (item->type != TV_MAP)
		return bad_item();
	return r->is_json ? json_row(r->out, item) : r->text(out_file(), item);
}

/* Sends op with args and prints the answer: a JSON array, or text. */
static int
run(struct cli *c, const char *op, const struct tv_value *args,
    text_item_fn *text, const char *none)
{
	struct out_head head = { .what = OUT_CELLS };
	struct run r = { .out = cli_out(c), .is_json = c->is_json,
	    .text = text };
	int rc;

	if (r.is_json)
		r.out->head(&head);
	rc = cli_call(c, op, args, run_item, &r);
	if (r.is_json)
		r.out->tail();
	else if (rc == 0 && r.n == 0)
		fprintf(out_file(), "%s\n", none);
	return rc != 0 ? rc : cli_flush();
}

/* Parses the options every command here takes; returns -1 to go on. */
static int
common_opt(struct cli *c, const char *cmd, const char *arg)
{
	if (strcmp(arg, "--json") == 0) {
		c->is_json = true;
		return -1;
	}
	if (cli_is_help(arg)) {
		cli_help_cmd(cli_cmd_find(cmd), stdout);
		return cli_flush();
	}
	return cli_usage_err(cmd, _("unexpected argument '%s'"), arg);
}

/* ---- match ------------------------------------------------------------- */

static void
put_distance(FILE *f, const struct tv_value *item)
{
	const struct tv_value *own = get(item, "own");
	uint64_t m = 0;
	char km[32];

	if (own != NULL && own->type == TV_BOOL && own->b)
		fprintf(f, "%-9s", _("here"));
	else if (uint_of(get(item, "distance_m"), &m) && m <= INT64_MAX &&
	    tv_fmt_decimal((int64_t)m, 3, 1, i18n_lang(), km, sizeof(km)) <
	    sizeof(km))
		fprintf(f, "%5s km ", km);	/* "12,5 km" in Danish */
	else
		fprintf(f, "%-9s", "-");
}

/* "Title (Area), Title (Area)" of a helpers or seekers list. */
static void
put_whos(FILE *f, const struct tv_value *list)
{
	for (uint32_t i = 0; list && list->type == TV_ARRAY && i < list->len;
	    i++) {
		const struct tv_value *w = &list->items[i];
		fputs(i ? ", " : "", f);
		put_vis(f, get(w, "title"));
		fputs(" (", f);
		put_vis(f, get(w, "area_name"));
		fputs(")", f);
	}
}

static void
put_needs(FILE *f, const struct tv_value *needs)
{
	char buf[64];

	for (uint32_t i = 0; needs && needs->type == TV_ARRAY && i < needs->len;
	    i++) {
		const struct tv_value *n = &needs->items[i];
		const struct tv_value *helpers = get(n, "helpers");
		const struct tv_value *seekers = get(n, "seekers");
		const char *label = need_label(get(n, "type"), buf, sizeof(buf));

		fprintf(f, "             %s %s", _("needs:"),
		    label ? label : "-");
		if (get(n, "text") != NULL) {
			fputs(" — ", f);
			put_vis(f, get(n, "text"));
		}
		if (helpers && helpers->len > 0) {
			fprintf(f, "; %s ", _("could help:"));
			put_whos(f, helpers);
		}
		if (seekers && seekers->len > 0) {
			fprintf(f, "; %s ", _("also seeking:"));
			put_whos(f, seekers);
		}
		fputc('\n', f);
	}
}

static void
put_association_line(FILE *f, const struct tv_value *item)
{
	const struct tv_value *seeking = get(item, "seeking");
	uint64_t vacant = 0;
	char buf[64];

	if (seeking && seeking->type == TV_ARRAY && seeking->len > 0) {
		fprintf(f, "             %s ", _("seeks:"));
		for (uint32_t i = 0; i < seeking->len; i++) {
			const char *l = need_label(&seeking->items[i], buf,
			    sizeof(buf));
			fprintf(f, "%s%s", i ? ", " : "", l ? l : "-");
		}
		fputc('\n', f);
	}
	if (uint_of(get(item, "board_vacant"), &vacant) && vacant > 0)
		fprintf(f, "             %s %" PRIu64 "\n",
		    _("vacant board seats:"),
		    vacant);
}

/* ": 5 projects (2 shelved) in 4 areas", so that pooling shows at a glance. */
static void
put_pooling(FILE *f, const struct tv_value *group)
{
	uint64_t projects = 0, shelved = 0, areas = 0;

	uint_of(get(group, "projects"), &projects);
	uint_of(get(group, "shelved"), &shelved);
	uint_of(get(group, "areas"), &areas);
	fprintf(f, _(": %" PRIu64 " projects (%" PRIu64 " shelved) in %"
	    PRIu64 " areas"), projects, shelved, areas);
}

static int
match_text(FILE *f, const struct tv_value *group)
{
	const struct tv_value *interest = get(group, "interest");
	const struct tv_value *items = get(group, "items");
	const struct tv_interest *known;
	char buf[64];

	if (interest == NULL || interest->type != TV_STR || items == NULL ||
	    items->type != TV_ARRAY)
		return bad_item();
	known = tv_interest_find((const char *)interest->bytes, interest->len);
	put_vis(f, interest);
	if (known != NULL)
		fprintf(f, " — %s", out_tr(known->en, known->da));
	put_pooling(f, group);
	fputc('\n', f);
	for (uint32_t i = 0; i < items->len; i++) {
		const struct tv_value *it = &items->items[i];
		const struct tv_value *kind = get(it, "kind");
		bool is_project = kind && tv_str_eq(kind, "project");
		const char *status = enum_label("project", "status",
		    get(it, "status"), buf, sizeof(buf));

		fputs("  ", f);
		put_distance(f, it);
		put_vis(f, get(it, "area_name"));
		fprintf(f, ": %s ", is_project ? _("project") :
		    _("association"));
		put_vis(f, get(it, "title"));
		if (status != NULL) {
			const char *why = enum_label("project",
			    "shelved_reason", get(it, "shelved_reason"),
			    (char[64]){ 0 }, 64);
			fprintf(f, " [%s%s%s%s]", status, why ? " (" : "",
			    why ? why : "", why ? ")" : "");
		}
		fputc('\n', f);
		if (is_project)
			put_needs(f, get(it, "needs"));
		else
			put_association_line(f, it);
	}
	fputc('\n', f);
	return 0;
}

int
cmd_match(struct cli *c, int argc, char **argv)
{
	struct tv_value kv[4], args = { .type = TV_MAP, .items = kv };
	const char *interests = NULL;
	long within = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--interests") == 0 ||
		    strcmp(argv[i], "--within") == 0) && i + 1 < argc) {
			if (argv[i][2] == 'i') {
				interests = argv[++i];
				continue;
			}
			char *end;
			within = strtol(argv[++i], &end, 10);
			if (*end != 0 || within < 1 || within > 500)
				return cli_usage_err("match", _("--within takes "
				    "whole kilometres from 1 to 500, not '%s'"),
				    argv[i]);
		} else if ((rc = common_opt(c, "match", argv[i])) >= 0) {
			return rc;
		}
	}
	if (interests != NULL) {
		tv_set_str(&kv[2 * args.len], "interests", 9);
		tv_set_str(&kv[2 * args.len + 1], interests, strlen(interests));
		args.len++;
	}
	if (within > 0) {
		tv_set_str(&kv[2 * args.len], "within", 6);
		tv_set_int(&kv[2 * args.len + 1], within);
		args.len++;
	}
	return run(c, "match", &args, match_text, _("Nothing nearby "
	    "shares these interests."));
}

/* ---- networks ---------------------------------------------------------- */

static int
network_text(FILE *f, const struct tv_value *net)
{
	const struct tv_value *members = get(net, "members");
	const struct tv_value *crosses = get(net, "crosses_municipalities");
	uint64_t code;

	put_vis(f, get(net, "name"));
	fputs(" (", f);
	put_vis(f, get(net, "area_name"));
	fputs(")", f);
	if (crosses && crosses->type == TV_BOOL && crosses->b)
		fprintf(f, " — %s", _("crosses municipality borders"));
	fputc('\n', f);
	for (uint32_t i = 0; members && members->type == TV_ARRAY &&
	    i < members->len; i++) {
		const struct tv_value *m = &members->items[i];
		const struct tv_value *ok = get(m, "confirmed");
		const struct tv_value *listed = get(m, "listed");
		const struct tv_municipality *mu = NULL;
		const char *state = ok && ok->type == TV_BOOL && ok->b ?
		    _("confirmed") :
		    listed && listed->type == TV_BOOL && listed->b ?
		    _("pending confirmation") :
		    _("claims membership, not listed");

		fputs("  ", f);
		put_vis(f, get(m, "title"));
		fputs(" (", f);
		put_vis(f, get(m, "area_name"));
		if (uint_of(get(m, "municipality"), &code) &&
		    (mu = tv_municipality_find((int)code)) != NULL)
			fprintf(f, ", %03d %s", mu->code, mu->name);
		fprintf(f, "): %s\n", state);
	}
	return 0;
}

/* A command with no options of its own: op is also its name. */
static int
run_plain(struct cli *c, int argc, char **argv, const char *op,
    text_item_fn *text, const char *none)
{
	int rc;

	for (int i = 1; i < argc; i++)
		if ((rc = common_opt(c, op, argv[i])) >= 0)
			return rc;
	return run(c, op, NULL, text, none);
}

int
cmd_networks(struct cli *c, int argc, char **argv)
{
	return run_plain(c, argc, argv, "networks", network_text,
	    _("No networks known."));
}

/* ---- boards ------------------------------------------------------------ */

static int
boards_text(FILE *f, const struct tv_value *item)
{
	const struct tv_value *people = get(item, "people");
	const struct tv_value *assocs = get(item, "associations");
	uint64_t n = 0, seats, vacant;

	fprintf(f, "%s\n", _("People on several boards (local only, "
	    "never shared):"));
	if (people == NULL || people->type != TV_ARRAY || people->len == 0)
		fprintf(f, "  %s\n", _("none"));
	for (uint32_t i = 0; people && i < people->len; i++) {
		const struct tv_value *p = &people->items[i];
		const struct tv_value *list = get(p, "associations");
		fputs("  ", f);
		put_vis(f, get(p, "name"));
		if (uint_of(get(p, "boards"), &n))
			fprintf(f, ": %" PRIu64 " %s: ", n, _("boards"));
		for (uint32_t j = 0; list && list->type == TV_ARRAY &&
		    j < list->len; j++) {
			fputs(j ? ", " : "", f);
			put_vis(f, &list->items[j]);
		}
		fputc('\n', f);
	}
	fprintf(f, "%s\n", _("Associations with vacant seats (the count "
	    "is what other areas see):"));
	if (assocs == NULL || assocs->type != TV_ARRAY || assocs->len == 0)
		fprintf(f, "  %s\n", _("none"));
	for (uint32_t i = 0; assocs && i < assocs->len; i++) {
		const struct tv_value *a = &assocs->items[i];
		fputs("  ", f);
		put_vis(f, get(a, "title"));
		if (!uint_of(get(a, "filled"), &n))
			n = 0;
		fprintf(f, ": %" PRIu64 " %s", n, _("filled"));
		if (uint_of(get(a, "board_seats"), &seats))
			fprintf(f, " %s %" PRIu64, _("of"), seats);
		if (uint_of(get(a, "board_vacant"), &vacant))
			fprintf(f, ", %s %" PRIu64, _("published vacant"), vacant);
		fputc('\n', f);
	}
	return 0;
}

int
cmd_boards(struct cli *c, int argc, char **argv)
{
	return run_plain(c, argc, argv, "boards", boards_text, "");
}
