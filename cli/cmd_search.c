/*
 * search TEXT: full-text search over every record the daemon holds. The
 * daemon ranks the hits and cuts each snippet from the original text; this
 * shows them as a table with the snippet on a line of its own, the
 * matches in [brackets] (the same in a terminal and in a pipe) and "…"
 * where the field's text goes on, or with
 * --json as an array of objects with the plain snippet and the byte
 * offsets of its matches.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "out.h"
#include "search.h"

#define TEXT_ARGS_MAX (4 * TV_SEARCH_TEXT_MAX)

static const struct out_cell search_cols[] = {
	{ .label = "#", .width = 3 },
	{ .label = N_("KIND"), .width = 12 },
	{ .label = N_("TITLE"), .width = 28 },
	{ .label = N_("AREA"), .width = 16 },
	{ .label = N_("REF") },
};

static const struct tv_value *
get(const struct tv_value *item, const char *key)
{
	const struct tv_value *v = tv_map_get(item, key);
	return v != NULL && v->type != TV_NIL ? v : NULL;
}

/* The record's title as text (new string), or NULL. */
static char *
title_of(const struct out_record *rec)
{
	const char *field = rec->kind && rec->kind->title_field ?
	    rec->kind->title_field : "name";
	const struct tv_value *v;
	char *s;

	if (rec->body == NULL)
		return NULL;
	if ((v = tv_map_get(rec->body, field)) == NULL && rec->kind == NULL)
		v = tv_map_get(rec->body, "title");
	if (v == NULL || v->type != TV_STR)
		return NULL;
	s = xmalloc(v->len + 1);
	memcpy(s, v->bytes, v->len);
	s[v->len] = 0;
	return s;
}

/*
 * The snippet for people: on one line (line breaks become spaces), each
 * match in brackets. Returns a new string; marks out of order or out of
 * range (a daemon bug) are ignored rather than trusted.
 */
static char *
marked_snippet(const struct tv_value *snip, const struct tv_value *marks,
    bool is_cut_before, bool is_cut_after)
{
	static const char ellipsis[] = "…";
	size_t len = snip->len, n = 0, at = 0, el = strlen(ellipsis);
	char *out = xmalloc(len + 2 * TV_SEARCH_MARKS_MAX + 2 * el + 1);

	if (is_cut_before) {
		memcpy(out, ellipsis, el);
		n = el;
	}

	for (uint32_t i = 0; marks && marks->type == TV_ARRAY &&
	    i < marks->len && i < TV_SEARCH_MARKS_MAX; i++) {
		const struct tv_value *m = &marks->items[i];
		uint64_t s, e;

		if (m->type != TV_ARRAY || m->len != 2 ||
		    m->items[0].type != TV_UINT || m->items[1].type != TV_UINT)
			continue;
		s = m->items[0].u;
		e = m->items[1].u;
		if (s < at || e < s || e > len)
			continue;
		memcpy(out + n, snip->bytes + at, s - at);
		n += s - at;
		out[n++] = '[';
		memcpy(out + n, snip->bytes + s, e - s);
		n += e - s;
		out[n++] = ']';
		at = e;
	}
	memcpy(out + n, snip->bytes + at, len - at);
	n += len - at;
	if (is_cut_after) {
		memcpy(out + n, ellipsis, el);
		n += el;
	}
	out[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	return out;
}

/* The listing so far: its head waits for the first hit. */
struct hits {
	struct out_head head;
	bool has_head;
};

/*
 * Whether the snippet starts after, or ends before, the text of its field,
 * when that field is a plain text of the record; a snippet from a list or
 * map has no ellipses.
 */
static void
snippet_cuts(const struct out_record *rec, const struct tv_value *field,
    const struct tv_value *snip, bool *out_before, bool *out_after)
{
	const struct tv_value *v;
	char name[64];
	size_t at;

	*out_before = *out_after = false;
	if (rec->body == NULL || field == NULL || field->type != TV_STR ||
	    field->len >= sizeof(name))
		return;
	memcpy(name, field->bytes, field->len);
	name[field->len] = 0;
	if ((v = tv_map_get(rec->body, name)) == NULL || v->type != TV_STR ||
	    snip->len > v->len)
		return;
	for (at = 0; at + snip->len <= v->len; at++)
		if (memcmp(v->bytes + at, snip->bytes, snip->len) == 0)
			break;
	if (at + snip->len > v->len)
		return;
	*out_before = at > 0;
	*out_after = at + snip->len < v->len;
}

static int
search_row(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *snip = get(item, "snippet");
	const struct tv_value *marks = get(item, "marks");
	const struct tv_value *area_name = get(item, "area_name");
	const struct tv_value *rank = get(item, "rank");
	char shortref[2 * TV_SHORT_LEN + 2], area[TV_SHORT_LEN + 1];
	char *title, *marked;
	struct out_record rec;
	struct hits *l = arg;
	int rc;

	if ((rc = out_record_open(item, &rec)) != 0 || rank == NULL ||
	    rank->type != TV_UINT) {
		out_record_close(&rec);
		cli_err(_("tvaersd sent a search hit tvaers cannot read. Are "
		    "tvaers and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	snprintf(area, sizeof(area), "%.*s", TV_SHORT_LEN, rec.area);
	snprintf(shortref, sizeof(shortref), "%.*s:%.*s", TV_SHORT_LEN,
	    rec.area, TV_SHORT_LEN, rec.id);
	if (!l->has_head) {
		cli_out(c)->head(&l->head);
		l->has_head = true;
	}
	title = title_of(&rec);
	if (snip != NULL && snip->type == TV_STR) {
		bool before, after;
		snippet_cuts(&rec, get(item, "field"), snip, &before, &after);
		marked = marked_snippet(snip, marks, before, after);
	} else {
		marked = xstrdup("-");
	}
	{
		struct out_cell cells[] = {
			{ .key = "rank", .type = OUT_VALUE, .v = rank,
			    .width = 3 },
			{ .key = "kind_label", .type = OUT_STR, .s = rec.kind ?
			    out_tr(rec.kind->en, rec.kind->da) : rec.kind_name,
			    .width = 12, .flags = OUT_TEXT_ONLY },
			{ .key = "kind", .type = OUT_STR, .s = rec.kind_name,
			    .flags = OUT_JSON_ONLY },
			{ .key = "title", .type = title ? OUT_STR : OUT_NULL,
			    .s = title, .width = 28 },
			{ .key = "area_text", .type = OUT_STR, .s = area_name &&
			    area_name->type == TV_STR ? NULL : area,
			    .width = 16, .flags = OUT_TEXT_ONLY },
			{ .key = "ref_short", .type = OUT_STR,
			    .s = rec.is_profile ? rec.ref : shortref,
			    .width = 17, .flags = OUT_TEXT_ONLY },
			{ .key = "ref", .type = OUT_STR, .s = rec.ref,
			    .flags = OUT_JSON_ONLY },
			{ .key = "area", .type = OUT_STR, .s = rec.area,
			    .flags = OUT_JSON_ONLY },
			{ .key = "area_name", .type = area_name ? OUT_VALUE :
			    OUT_NULL, .v = area_name, .flags = OUT_JSON_ONLY },
			{ .key = "local", .type = OUT_BOOL, .b = rec.is_local,
			    .flags = OUT_JSON_ONLY },
			{ .key = "field", .type = get(item, "field") ?
			    OUT_VALUE : OUT_NULL, .v = get(item, "field"),
			    .flags = OUT_JSON_ONLY },
			{ .key = "snippet", .type = snip ? OUT_VALUE :
			    OUT_NULL, .v = snip, .flags = OUT_JSON_ONLY },
			{ .key = "marks", .type = marks ? OUT_VALUE : OUT_NULL,
			    .v = marks, .flags = OUT_JSON_ONLY },
			{ .key = "snippet_text", .type = OUT_STR, .s = marked,
			    .flags = OUT_TEXT_ONLY | OUT_OWN_LINE },
		};
		struct out_item it = { .cells = cells,
		    .n_cells = sizeof(cells) / sizeof(cells[0]) };
		char *name = NULL;

		/* The area's name when its profile is known, else its id. */
		if (area_name != NULL && area_name->type == TV_STR) {
			name = xmalloc(area_name->len + 1);
			memcpy(name, area_name->bytes, area_name->len);
			name[area_name->len] = 0;
			cells[4].s = name;
		}
		cli_out(c)->row(&it);
		free(name);
	}
	free(title);
	free(marked);
	out_record_close(&rec);
	return 0;
}

/* Joins the words of the command line with spaces, as people typed them. */
static int
join_text(const char *word, char *text, size_t *len)
{
	size_t n = strlen(word);

	if (*len + n + 2 > TEXT_ARGS_MAX)
		return cli_usage_err("search", _("the search is longer than %d "
		    "bytes"), TV_SEARCH_TEXT_MAX);
	if (*len > 0)
		text[(*len)++] = ' ';
	memcpy(text + *len, word, n + 1);
	*len += n;
	return 0;
}

int
cmd_search(struct cli *c, int argc, char **argv)
{
	struct hits l = { .head = { .what = OUT_CELLS, .cols = search_cols,
	    .n_cols = sizeof(search_cols) / sizeof(search_cols[0]) } };
	struct tv_value map, kv[6];
	const char *kind = NULL, *limit_text = NULL;
	char text[TEXT_ARGS_MAX] = "", *end;
	size_t len = 0;
	unsigned long limit = 0;
	uint32_t n = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->is_json = true;
		} else if (cli_is_help(argv[i])) {
			cli_help_cmd(cli_cmd_find("search"), stdout);
			return cli_flush();
		} else if (strncmp(argv[i], "--kind=", 7) == 0) {
			kind = argv[i] + 7;
		} else if (strncmp(argv[i], "--limit=", 8) == 0) {
			limit_text = argv[i] + 8;
		} else if (strcmp(argv[i], "--kind") == 0 ||
		    strcmp(argv[i], "--limit") == 0) {
			if (i + 1 >= argc)
				return cli_usage_err("search", _("option %s "
				    "needs a value"), argv[i]);
			if (argv[i][2] == 'k')
				kind = argv[++i];
			else
				limit_text = argv[++i];
		} else if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				if ((rc = join_text(argv[i], text, &len)) != 0)
					return rc;
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cli_usage_err("search", _("there is no option "
			    "'%s'"), argv[i]);
		} else if ((rc = join_text(argv[i], text, &len)) != 0) {
			return rc;
		}
	}
	if (len == 0)
		return cli_usage_err("search", _("give the words to search for"));
	if (limit_text != NULL) {
		limit = strtoul(limit_text, &end, 10);
		if (*limit_text == 0 || *end != 0 || limit < 1 || limit > 100)
			return cli_usage_err("search", _("--limit takes a whole "
			    "number from 1 to 100"));
	}
	memset(kv, 0, sizeof(kv));
	tv_set_str(&kv[2 * n], "text", 4);
	tv_set_str(&kv[2 * n++ + 1], text, len);
	if (kind != NULL) {
		tv_set_str(&kv[2 * n], "kind", 4);
		tv_set_str(&kv[2 * n++ + 1], kind, strlen(kind));
	}
	if (limit != 0) {
		tv_set_str(&kv[2 * n], "limit", 5);
		tv_set_int(&kv[2 * n++ + 1], (int64_t)limit);
	}
	memset(&map, 0, sizeof(map));
	map.type = TV_MAP;
	map.len = n;
	map.items = kv;
	rc = cli_call(c, "search", &map, search_row, &l);
	if (rc == 0 && !l.has_head && !c->is_json)
		printf("%s\n", _("Nothing found."));
	/* JSON stays one document, also after an error. */
	if (!l.has_head && c->is_json)
		cli_out(c)->head(&l.head);
	if (l.has_head || c->is_json)
		cli_out(c)->tail();
	return rc != 0 ? rc : cli_flush();
}
