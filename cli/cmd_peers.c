/*
 * The commands about federation links: peers [add ADDR | rm ADDR],
 * invite [--address HOST:PORT] [--days N] and join CODE. Each is one
 * request; the items go to the output vtable.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "out.h"

/* Builds {key: text} in v (kv holds 2 values); strings are views. */
static void
one_arg(struct tv_value *map, struct tv_value kv[2], const char *key,
    const char *text)
{
	memset(map, 0, sizeof(*map));
	memset(kv, 0, 2 * sizeof(*kv));
	tv_set_str(&kv[0], key, strlen(key));
	tv_set_str(&kv[1], text, strlen(text));
	map->type = TV_MAP;
	map->len = 1;
	map->items = kv;
}

static const struct out_cell peer_cols[] = {
	{ .label = N_("ADDRESS"), .width = 22 },
	{ .label = N_("STATE"), .width = 10 },
	{ .label = N_("AREA"), .width = 14 },
	{ .label = N_("NAME"), .width = 20 },
	{ .label = N_("RECV"), .width = 8 },
	{ .label = N_("DUP"), .width = 8 },
	{ .label = N_("LAST ERROR") },
};

/* A link's state for people; a state this tvaers does not know, as it is. */
static const char *
state_text(const struct tv_value *v)
{
	static char other[32];

	if (tv_str_eq(v, "connected"))
		return C_("peer state", "connected");
	if (tv_str_eq(v, "connecting"))
		return C_("peer state", "connecting");
	if (tv_str_eq(v, "backoff"))
		return C_("peer state", "backoff");
	if (tv_str_eq(v, "inbound"))
		return C_("peer state", "inbound");
	if (tv_str_eq(v, "gone"))
		return C_("peer state", "gone");
	if (v == NULL || v->type != TV_STR)
		return "-";
	snprintf(other, sizeof(other), "%.*s", (int)v->len,
	    (const char *)v->bytes);
	return other;
}

static int
peer_row(struct cli *c, void *arg, const struct tv_value *item)
{
	static const char *const keys[] = { "addr", "state", "area", "name",
	    "records_in", "records_dup", "last_error" };
	static const int widths[] = { 22, 10, 14, 20, 8, 8, 0 };
	static const char *const json_keys[] = { "known", "connected",
	    "last_seen", "bytes_in", "bytes_out", "records_bad",
	    "records_out" };
	enum { N_KEYS = 7, N_JSON = 7 };
	struct out_cell cells[N_KEYS + 1 + N_JSON];
	struct out_item it = { .cells = cells, .n_cells = N_KEYS + 1 + N_JSON };
	const struct tv_value *v;
	size_t n = 0;

	(void)arg;
	if (item->type != TV_MAP) {
		cli_err(_("tvaersd sent a peer tvaers cannot read. Are tvaers "
		    "and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	memset(cells, 0, sizeof(cells));
	for (size_t i = 0; i < N_KEYS; i++) {
		v = tv_map_get(item, keys[i]);
		cells[n++] = (struct out_cell){ .key = keys[i],
		    .width = widths[i],
		    .type = v && v->type != TV_NIL ? OUT_VALUE : OUT_NULL,
		    .v = v };
		if (i != 1)
			continue;
		/* The state: its code for scripts, a word for people. */
		cells[n - 1].flags = OUT_JSON_ONLY;
		cells[n++] = (struct out_cell){ .key = "state_text",
		    .width = widths[i], .type = OUT_STR,
		    .s = state_text(v), .flags = OUT_TEXT_ONLY };
	}
	for (size_t i = 0; i < N_JSON; i++) {
		v = tv_map_get(item, json_keys[i]);
		cells[n++] = (struct out_cell){ .key = json_keys[i],
		    .type = v && v->type != TV_NIL ? OUT_VALUE : OUT_NULL,
		    .v = v, .flags = OUT_JSON_ONLY };
	}
	cli_out(c)->row(&it);
	return 0;
}

static int
done_msg(struct cli *c, void *arg, const struct tv_value *item)
{
	(void)c;
	(void)arg;
	(void)item;
	return 0;
}

int
cmd_peers(struct cli *c, int argc, char **argv)
{
	struct out_head h = { .what = OUT_CELLS, .cols = peer_cols,
	    .n_cols = 7 };
	const char *sub = NULL, *addr = NULL;
	struct tv_value map, kv[2];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (sub == NULL && argv[i][0] != '-')
			sub = argv[i];
		else if (addr == NULL && argv[i][0] != '-')
			addr = argv[i];
		else
			return cli_usage_err("peers", _("unexpected argument '%s'"),
			    argv[i]);
	}
	if (sub == NULL) {
		cli_out(c)->head(&h);
		rc = cli_call(c, "peers", NULL, peer_row, NULL);
		cli_out(c)->tail();
		return rc;
	}
	if (strcmp(sub, "add") != 0 && strcmp(sub, "rm") != 0)
		return cli_usage_err("peers", _("unknown subcommand '%s' (add or "
		    "rm)"), sub);
	if (addr == NULL)
		return cli_usage_err("peers", _("%s needs an address HOST:PORT"),
		    sub);
	one_arg(&map, kv, "addr", addr);
	rc = cli_call(c, strcmp(sub, "add") == 0 ? "peers_add" : "peers_rm",
	    &map, done_msg, NULL);
	if (rc == 0 && !c->is_json)
		printf(strcmp(sub, "add") == 0 ? _("added %s\n") :
		    _("removed %s\n"), addr);
	else if (rc == 0) {
		/* jansson escapes what the user typed. */
		json_t *o = json_pack("{s:s, s:b}", "addr", addr, "ok", 1);
		if (o != NULL) {
			json_dumpf(o, stdout, JSON_COMPACT);
			putchar('\n');
			json_decref(o);
		}
	}
	return rc;
}

static int
invite_item(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *code = item->type == TV_MAP ?
	    tv_map_get(item, "code") : NULL;
	struct out_cell cells[] = {
		{ .key = "code", .type = OUT_VALUE, .v = code },
		{ .key = "expires", .type = OUT_VALUE,
		    .v = tv_map_get(item, "expires"), .flags = OUT_JSON_ONLY },
		{ .key = "addresses", .type = OUT_VALUE,
		    .v = tv_map_get(item, "addresses"),
		    .flags = OUT_JSON_ONLY },
	};
	struct out_item it = { .cells = cells, .n_cells = 3 };

	(void)arg;
	if (code == NULL || code->type != TV_STR) {
		cli_err(_("tvaersd sent an invite tvaers cannot read. Are "
		    "tvaers and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	cli_out(c)->detail(&it);
	return 0;
}

int
cmd_invite(struct cli *c, int argc, char **argv)
{
	struct tv_value map, kv[4];
	const char *addr = NULL;
	long days = 0;
	char *end;
	uint32_t n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (strcmp(argv[i], "--address") == 0 && i + 1 < argc)
			addr = argv[++i];
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc) {
			days = strtol(argv[++i], &end, 10);
			if (*end != 0 || days < 1 || days > 365)
				return cli_usage_err("invite", _("--days takes a "
				    "whole number from 1 to 365"));
		} else
			return cli_usage_err("invite", _("unexpected argument "
			    "'%s'"), argv[i]);
	}
	memset(kv, 0, sizeof(kv));
	/* Keys in canonical order: "addr" before "expires_days". */
	if (addr != NULL) {
		tv_set_str(&kv[2 * n], "addr", 4);
		tv_set_str(&kv[2 * n + 1], addr, strlen(addr));
		n++;
	}
	if (days > 0) {
		tv_set_str(&kv[2 * n], "expires_days", 12);
		tv_set_int(&kv[2 * n + 1], days);
		n++;
	}
	memset(&map, 0, sizeof(map));
	map.type = TV_MAP;
	map.len = n;
	map.items = kv;
	return cli_call(c, "invite", &map, invite_item, NULL);
}

int
cmd_join(struct cli *c, int argc, char **argv)
{
	struct tv_value map, kv[2];
	const char *code = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->is_json = true;
		else if (code == NULL && argv[i][0] != '-')
			code = argv[i];
		else
			return cli_usage_err("join", _("unexpected argument '%s'"),
			    argv[i]);
	}
	if (code == NULL)
		return cli_usage_err("join", _("give the invite code"));
	one_arg(&map, kv, "code", code);
	rc = cli_call(c, "join", &map, done_msg, NULL);
	if (rc == 0)
		fputs(c->is_json ? "{\"joined\": true}\n" :
		    _("joined; see `tvaers peers`\n"), stdout);
	return rc;
}
