/*
 * The commands about other areas: areas, block AREA, unblock AREA, and the
 * daemon's sync event log (log [N] [LEVEL]).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "out.h"
#include "rowsort.h"

static const struct tv_value *
get(const struct tv_value *item, const char *key)
{
	const struct tv_value *v = tv_map_get(item, key);
	return v != NULL && v->type != TV_NIL ? v : NULL;
}

static void
text_of(const struct tv_value *v, char *out, size_t outlen)
{
	if (v != NULL && v->type == TV_STR)
		snprintf(out, outlen, "%.*s", (int)v->len,
		    (const char *)v->bytes);
	else
		snprintf(out, outlen, "-");
}

static void
when_text(int64_t unix_s, char *out, size_t outlen)
{
	if (unix_s <= 0)
		snprintf(out, outlen, "-");
	else
		tv_fmt_time(unix_s, i18n_lang(), TV_FMT_NUMERIC |
		    TV_FMT_SECONDS, out, outlen);
}

/* The link column for people; JSON keeps the English code. */
static const char *
link_text(const char *link)
{
	if (strcmp(link, "own") == 0)
		return C_("link", "own");
	if (strcmp(link, "direct") == 0)
		return C_("link", "direct");
	return C_("link", "relayed");
}

static int
bad_item(void)
{
	cli_err(_("tvaersd sent an item tvaers cannot read. Are tvaers and "
	    "tvaersd the same version?"));
	return EXIT_REFUSED;
}

static const struct out_cell area_cols[] = {
	{ .label = N_("AREA"), .width = 10 },
	{ .label = N_("NAME"), .width = 24 },
	{ .label = N_("MUNICIPALITY"), .width = 18 },
	{ .label = N_("RECORDS"), .width = 8 },
	{ .label = N_("LAST UPDATE"), .width = 20 },
	{ .label = N_("LINK"), .width = 8 },
	{ .label = N_("BLOCKED") },
};

static int
area_row(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *v, *own, *direct, *blocked, *records;
	char shortid[TV_SHORT_LEN + 1], muni[160], when[32];
	const char *link;
	int64_t last_s = 0;

	(void)arg;
	if (item->type != TV_MAP || (v = get(item, "area")) == NULL ||
	    v->type != TV_STR)
		return bad_item();
	snprintf(shortid, sizeof(shortid), "%.*s", (int)(v->len <
	    TV_SHORT_LEN ? v->len : TV_SHORT_LEN), (const char *)v->bytes);
	own = get(item, "own");
	direct = get(item, "direct");
	blocked = get(item, "blocked");
	records = get(item, "records");
	link = own && own->type == TV_BOOL && own->b ? "own" :
	    direct && direct->type == TV_BOOL && direct->b ? "direct" :
	    "relayed";
	if ((v = get(item, "municipality")) != NULL && v->type == TV_UINT) {
		char name[128];
		text_of(get(item, "municipality_name"), name, sizeof(name));
		snprintf(muni, sizeof(muni), "%03" PRIu64 " %s", v->u, name);
	} else
		snprintf(muni, sizeof(muni), "-");
	if ((v = get(item, "last_update")) != NULL && v->type == TV_UINT)
		last_s = (int64_t)(v->u / 1000000);
	when_text(last_s, when, sizeof(when));
	{
		struct out_cell cells[] = {
			{ .key = "area", .type = OUT_VALUE,
			    .v = get(item, "area"), .flags = OUT_JSON_ONLY },
			{ .key = "area_short", .type = OUT_STR, .s = shortid,
			    .width = 10, .flags = OUT_TEXT_ONLY },
			{ .key = "name", .type = get(item, "name") ? OUT_VALUE :
			    OUT_NULL, .v = get(item, "name"), .width = 24 },
			{ .key = "municipality_text", .type = OUT_STR,
			    .s = muni, .width = 18, .flags = OUT_TEXT_ONLY },
			{ .key = "records", .type = records ? OUT_VALUE :
			    OUT_NULL, .v = records, .width = 8 },
			{ .key = "last_update_text", .type = OUT_STR,
			    .s = when, .width = 20, .flags = OUT_TEXT_ONLY },
			{ .key = "link", .type = OUT_STR, .s = link,
			    .flags = OUT_JSON_ONLY },
			{ .key = "link_text", .type = OUT_STR,
			    .s = link_text(link), .width = 8,
			    .flags = OUT_TEXT_ONLY },
			{ .key = "blocked", .type = OUT_BOOL, .b = blocked &&
			    blocked->type == TV_BOOL && blocked->b },
			{ .key = "own", .type = OUT_BOOL, .b = own &&
			    own->type == TV_BOOL && own->b,
			    .flags = OUT_JSON_ONLY },
			{ .key = "direct", .type = OUT_BOOL, .b = direct &&
			    direct->type == TV_BOOL && direct->b,
			    .flags = OUT_JSON_ONLY },
			{ .key = "municipality", .type = get(item,
			    "municipality") ? OUT_VALUE : OUT_NULL,
			    .v = get(item, "municipality"),
			    .flags = OUT_JSON_ONLY },
			{ .key = "municipality_name", .type = get(item,
			    "municipality_name") ? OUT_VALUE : OUT_NULL,
			    .v = get(item, "municipality_name"),
			    .flags = OUT_JSON_ONLY },
			{ .key = "last_update", .type = get(item,
			    "last_update") ? OUT_VALUE : OUT_NULL,
			    .v = get(item, "last_update"),
			    .flags = OUT_JSON_ONLY },
		};
		struct out_item it = { .cells = cells,
		    .n_cells = sizeof(cells) / sizeof(cells[0]) };
		cli_out(c)->row(&it);
	}
	return 0;
}

static int
area_emit(void *arg, const struct tv_value *item)
{
	return area_row(arg, NULL, item);
}

/* People see the areas by name in Danish order; scripts in tvaersd's. */
static int
area_hold(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *name = item->type == TV_MAP ?
	    get(item, "name") : NULL;
	bool has_name = name != NULL && name->type == TV_STR;

	return rowsort_add(arg, "areas", has_name ? (const char *)name->bytes :
	    "", has_name ? name->len : 0, item, area_emit, c);
}

int
cmd_areas(struct cli *c, int argc, char **argv)
{
	struct out_head h = { .what = OUT_CELLS, .cols = area_cols,
	    .n_cols = sizeof(area_cols) / sizeof(area_cols[0]) };
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else
			return cli_usage_err("areas", _("unexpected argument '%s'"),
			    argv[i]);
	}
	cli_out(c)->head(&h);
	if (c->is_json) {
		rc = cli_call(c, "areas", NULL, area_row, NULL);
	} else {
		struct rowsort *rs = rowsort_new();
		rc = cli_call(c, "areas", NULL, area_hold, rs);
		if (rc == 0)
			rc = rowsort_flush(rs, area_emit, c);
		rowsort_free(rs);
	}
	cli_out(c)->tail();
	return rc;
}

static int
no_items(struct cli *c, void *arg, const struct tv_value *item)
{
	(void)c;
	(void)arg;
	(void)item;
	return 0;
}

/* block AREA, unblock AREA: one request with {"area": AREA}. */
static int
block_cmd(struct cli *c, int argc, char **argv, const char *op)
{
	struct tv_value map, kv[2];
	const char *area = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (area == NULL && argv[i][0] != '-')
			area = argv[i];
		else
			return cli_usage_err(op, _("unexpected argument '%s'"),
			    argv[i]);
	}
	if (area == NULL)
		return cli_usage_err(op, _("give the area: its id, a prefix of "
		    "it, or its name (see `tvaers areas`)"));
	memset(&map, 0, sizeof(map));
	memset(kv, 0, sizeof(kv));
	tv_set_str(&kv[0], "area", 4);
	tv_set_str(&kv[1], area, strlen(area));
	map.type = TV_MAP;
	map.len = 1;
	map.items = kv;
	rc = cli_call(c, op, &map, no_items, NULL);
	if (rc != 0)
		return rc;
	if (c->is_json) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "area", area, "message",
		    c->last_msg, "ok", 1);
		if (o != NULL) {
			json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		}
	} else
		printf("%s\n", c->last_msg);
	return 0;
}

int
cmd_block(struct cli *c, int argc, char **argv)
{
	return block_cmd(c, argc, argv, "block");
}

int
cmd_unblock(struct cli *c, int argc, char **argv)
{
	return block_cmd(c, argc, argv, "unblock");
}

static const struct out_cell log_cols[] = {
	{ .label = N_("TIME"), .width = 20 },
	{ .label = N_("PEER"), .width = 22 },
	{ .label = N_("AREA"), .width = 10 },
	{ .label = N_("EVENT") },
};

static int
log_row(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *t, *area;
	char when[32], shortid[TV_SHORT_LEN + 1];

	(void)arg;
	if (item->type != TV_MAP || (t = get(item, "time")) == NULL ||
	    t->type != TV_UINT)
		return bad_item();
	when_text((int64_t)(t->u / 1000), when, sizeof(when));
	area = get(item, "area");
	if (area != NULL && area->type == TV_STR)
		snprintf(shortid, sizeof(shortid), "%.*s", (int)(area->len <
		    TV_SHORT_LEN ? area->len : TV_SHORT_LEN),
		    (const char *)area->bytes);
	else
		snprintf(shortid, sizeof(shortid), "-");
	{
		struct out_cell cells[] = {
			{ .key = "time_text", .type = OUT_STR, .s = when,
			    .width = 20, .flags = OUT_TEXT_ONLY },
			{ .key = "time", .type = OUT_VALUE, .v = t,
			    .flags = OUT_JSON_ONLY },
			{ .key = "peer", .type = get(item, "peer") ? OUT_VALUE :
			    OUT_NULL, .v = get(item, "peer"), .width = 22 },
			{ .key = "area_short", .type = OUT_STR, .s = shortid,
			    .width = 10, .flags = OUT_TEXT_ONLY },
			{ .key = "area", .type = area ? OUT_VALUE : OUT_NULL,
			    .v = area, .flags = OUT_JSON_ONLY },
			{ .key = "event", .type = get(item, "event") ?
			    OUT_VALUE : OUT_NULL, .v = get(item, "event") },
		};
		struct out_item it = { .cells = cells,
		    .n_cells = sizeof(cells) / sizeof(cells[0]) };
		cli_out(c)->row(&it);
	}
	return 0;
}

int
cmd_log(struct cli *c, int argc, char **argv)
{
	struct out_head h = { .what = OUT_CELLS, .cols = log_cols,
	    .n_cols = sizeof(log_cols) / sizeof(log_cols[0]) };
	struct tv_value map, kv[2];
	const char *level = NULL;
	long limit = 0;
	char *end;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (argv[i][0] >= '0' && argv[i][0] <= '9' && limit == 0) {
			limit = strtol(argv[i], &end, 10);
			if (*end != 0 || limit < 1 || limit > 200)
				return cli_usage_err("log", _("N is a whole number "
				    "from 1 to 200"));
		} else if (level == NULL && argv[i][0] != '-')
			level = argv[i];
		else
			return cli_usage_err("log", _("unexpected argument '%s'"),
			    argv[i]);
	}
	memset(&map, 0, sizeof(map));
	memset(kv, 0, sizeof(kv));
	map.type = TV_MAP;
	map.items = kv;
	if (level != NULL) {
		tv_set_str(&kv[0], "level", 5);
		tv_set_str(&kv[1], level, strlen(level));
		map.len = 1;
		rc = cli_call(c, "log", &map, no_items, NULL);
		if (rc == 0)
			printf(c->is_json ? "{\"ok\": true}\n" : "%s\n",
			    c->last_msg);
		return rc;
	}
	if (limit > 0) {
		tv_set_str(&kv[0], "limit", 5);
		tv_set_int(&kv[1], limit);
		map.len = 1;
	}
	cli_out(c)->head(&h);
	rc = cli_call(c, "log", &map, log_row, NULL);
	cli_out(c)->tail();
	return rc;
}
