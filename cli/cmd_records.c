/*
 * The commands that talk to tvaersd about records: status, id, add, set,
 * rm, show, list and export. Each builds one request, checks what it can
 * locally first (kinds, field names, field values), and hands every item
 * of the reply to the output vtable.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "kinds.h"
#include "out.h"
#include "rowsort.h"

#define FIELDS_MAX 128		/* field options on one command line */
#define FIELD_NAME_MAX 64
#define ERRBUF_MAX 1024

static void
oom(void)
{
	fputs(PROG_NAME ": out of memory\n", stderr);
	abort();
}

/* A request's argument map, built in a doc; strings are views of argv. */
struct req {
	struct tv_doc *doc;
	struct tv_value map;
	uint32_t cap;
};

static void
req_init(struct req *r, uint32_t cap)
{
	memset(r, 0, sizeof(*r));
	if ((r->doc = tv_doc_new()) == NULL ||
	    (r->map.items = tv_doc_alloc(r->doc, 2 * (size_t)cap)) == NULL)
		oom();
	r->map.type = TV_MAP;
	r->cap = cap;
}

static struct tv_value *
req_put(struct req *r, const char *key)
{
	struct tv_value *kv;

	assert(r->map.len < r->cap);	/* cap counts the keys */
	kv = &r->map.items[2 * r->map.len];
	tv_set_str(&kv[0], key, strlen(key));
	r->map.len++;
	return &kv[1];
}

static void
req_str(struct req *r, const char *key, const char *val)
{
	tv_set_str(req_put(r, key), val, strlen(val));
}

static void
req_bool(struct req *r, const char *key, bool b)
{
	struct tv_value *v = req_put(r, key);

	v->type = TV_BOOL;
	v->b = b;
}

static void
req_free(struct req *r)
{
	tv_doc_free(r->doc);
	r->doc = NULL;
}

/* A record item for the output: decoded, or a message if it cannot be. */
static int
record_open(const struct tv_value *item, struct out_record *rec)
{
	int rc = out_record_open(item, rec);

	if (rc != 0) {
		out_record_close(rec);
		cli_err(_("tvaersd sent a record tvaers cannot read (%s). Are "
		    "tvaers and tvaersd the same version?"), tv_strerror(rc));
		return EXIT_REFUSED;
	}
	return 0;
}

/* Rejects arguments a command does not take; returns 0 or EXIT_USAGE. */
static int
no_more_args(struct cli *c, const char *cmd, int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->is_json = true;
			continue;
		}
		return cli_usage_err(cmd, _("unexpected argument '%s'"), argv[i]);
	}
	return 0;
}

/* status */

static void
human_duration(int64_t s, char *out, size_t outlen)
{
	int64_t d = s / 86400;

	s %= 86400;
	if (d > 0)
		snprintf(out, outlen, ngettext("%" PRId64 " day, %02d:%02d:%02d",
		    "%" PRId64 " days, %02d:%02d:%02d", (unsigned long)d), d,
		    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(out, outlen, "%02d:%02d:%02d", (int)(s / 3600),
		    (int)(s / 60 % 60), (int)(s % 60));
}

static void
human_bytes(int64_t n, char *out, size_t outlen)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(out, outlen, ngettext("%" PRId64 " byte",
		    "%" PRId64 " bytes", (unsigned long)n), n);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < 4; u++)
		v /= 1024;
	tv_fmt_decimal((int64_t)(v * 10 + 0.5), 1, 1, i18n_lang(), out,
	    outlen);
	snprintf(out + strlen(out), outlen - strlen(out), " %s", units[u]);
}

static bool
value_int(const struct tv_value *v, int64_t *out)
{
	if (v != NULL && v->type == TV_UINT && v->u <= INT64_MAX) {
		*out = (int64_t)v->u;
		return true;
	}
	if (v != NULL && v->type == TV_NINT) {
		*out = v->i;
		return true;
	}
	return false;
}

/*
 * "reconciling with 1 peer now; last done 2026-11-29 07:01:02", in
 * Copenhagen time as every time tvaers shows.
 */
static void
sync_text(const struct tv_value *item, int64_t running, char *out,
    size_t outlen)
{
	char when[64] = "";
	int64_t last = 0;

	(void)value_int(tv_map_get(item, "last_reconciled"), &last);
	if (last > 0)
		tv_fmt_time(last, i18n_lang(), TV_FMT_NUMERIC | TV_FMT_SECONDS,
		    when, sizeof(when));
	if (running > 0)
		snprintf(out, outlen, ngettext("reconciling with %" PRId64
		    " peer now; last done %s", "reconciling with %" PRId64
		    " peers now; last done %s", (unsigned long)running),
		    running, when[0] ? when : "-");
	else if (when[0])
		snprintf(out, outlen, _("idle; last reconciled %s"), when);
	else
		snprintf(out, outlen, "%s", _("idle; not reconciled yet"));
}

/* The status keys people see, in this order, and their labels; any others follow. */
static const struct {
	const char *key, *label;
} status_keys[] = {
	{ "area", N_("area") },
	{ "name", N_("name") },
	{ "municipality", N_("municipality") },
	{ "records", N_("records") },
	{ "own_records", N_("own records") },
	{ "local_records", N_("local-only records") },
	{ "tombstones", N_("tombstones") },
	{ "version", N_("version") },
	{ "pid", N_("pid") },
	{ "uptime", N_("uptime") },
	{ "data_dir", N_("data directory") },
	{ "db_bytes", N_("database size") },
	{ "peers_connected", N_("peers") },
	{ "peers_known", N_("peers known") },
	{ "reconciling", N_("sync") },
	{ "last_reconciled", N_("last reconciled") },
	{ "records_received", N_("sync traffic") },
	{ "records_sent", N_("records sent") },
};

#define N_STATUS_KEYS (sizeof(status_keys) / sizeof(status_keys[0]))
#define EXTRA_MAX 32		/* status keys from a newer daemon */

static int
status_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct out_cell cells[2 * N_STATUS_KEYS + EXTRA_MAX];
	char text[N_STATUS_KEYS][128], extra[EXTRA_MAX][64];
	size_t n_extra = 0;
	const struct tv_municipality *m;
	struct out_item it = { .cells = cells };
	size_t n = 0;
	int64_t i;

	if (item->type != TV_MAP) {
		cli_err(_("tvaersd sent a status tvaers cannot read. Are tvaers "
		    "and tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	memset(cells, 0, sizeof(cells));
	for (size_t k = 0; k < N_STATUS_KEYS; k++) {
		const struct tv_value *v = tv_map_get(item, status_keys[k].key);
		struct out_cell *json, *people;

		if (v == NULL)
			continue;
		json = &cells[n++];
		people = &cells[n++];
		/* Scripts get the daemon's value; people a readable form of it. */
		*json = (struct out_cell){ .key = status_keys[k].key,
		    .type = OUT_VALUE, .v = v, .flags = OUT_JSON_ONLY };
		*people = (struct out_cell){ .key = status_keys[k].key,
		    .label = status_keys[k].label,
		    .type = OUT_VALUE, .v = v, .flags = OUT_TEXT_ONLY };
		if (strcmp(status_keys[k].key, "name") == 0 &&
		    v->type == TV_NIL) {
			people->type = OUT_STR;
			people->s = _("- (not named yet: `tvaers set area "
			    "--name NAME --kind KIND --municipality CODE`)");
		} else if (strcmp(status_keys[k].key, "municipality") == 0 &&
		    value_int(v, &i) && (m = tv_municipality_find((int)i))) {
			snprintf(text[k], sizeof(text[k]), "%03d %s", m->code,
			    m->name);
			people->type = OUT_STR;
			people->s = text[k];
		} else if (strcmp(status_keys[k].key, "uptime") == 0 &&
		    value_int(v, &i)) {
			human_duration(i, text[k], sizeof(text[k]));
			people->type = OUT_STR;
			people->s = text[k];
		} else if (strcmp(status_keys[k].key, "peers_connected") == 0 &&
		    value_int(v, &i)) {
			int64_t known = 0;
			(void)value_int(tv_map_get(item, "peers_known"), &known);
			snprintf(text[k], sizeof(text[k]), _("%" PRId64
			    " connected of %" PRId64 " known"), i, known);
			people->type = OUT_STR;
			people->s = text[k];
		} else if (strcmp(status_keys[k].key, "peers_known") == 0 ||
		    strcmp(status_keys[k].key, "last_reconciled") == 0 ||
		    strcmp(status_keys[k].key, "records_sent") == 0) {
			n--;	/* shown on the peers and sync lines */
		} else if (strcmp(status_keys[k].key, "reconciling") == 0 &&
		    value_int(v, &i)) {
			sync_text(item, i, text[k], sizeof(text[k]));
			people->type = OUT_STR;
			people->s = text[k];
		} else if (strcmp(status_keys[k].key, "records_received") == 0 &&
		    value_int(v, &i)) {
			int64_t sent = 0;
			char got[32], gave[32];
			(void)value_int(tv_map_get(item, "records_sent"), &sent);
			tv_fmt_int(i, i18n_lang(), got, sizeof(got));
			tv_fmt_int(sent, i18n_lang(), gave, sizeof(gave));
			snprintf(text[k], sizeof(text[k]), _("%s records "
			    "received, %s sent since start"), got, gave);
			people->type = OUT_STR;
			people->s = text[k];
		} else if ((strstr(status_keys[k].key, "records") != NULL ||
		    strcmp(status_keys[k].key, "tombstones") == 0) &&
		    value_int(v, &i)) {
			/* Counts grouped as people write them: "1.250". */
			tv_fmt_int(i, i18n_lang(), text[k], sizeof(text[k]));
			people->type = OUT_STR;
			people->s = text[k];
		} else if (strcmp(status_keys[k].key, "db_bytes") == 0 &&
		    value_int(v, &i)) {
			human_bytes(i, text[k], sizeof(text[k]));
			people->type = OUT_STR;
			people->s = text[k];
		}
	}
	/* Keys this tvaers does not know yet are shown as they come. */
	for (uint32_t k = 0; k < item->len && n_extra < EXTRA_MAX; k++) {
		const struct tv_value *key = &item->items[2 * k];
		bool is_known = false;
		for (size_t j = 0; j < N_STATUS_KEYS; j++)
			is_known |= tv_str_eq(key, status_keys[j].key);
		if (is_known || key->type != TV_STR ||
		    key->len >= sizeof(extra[0]))
			continue;
		memcpy(extra[n_extra], key->bytes, key->len);
		extra[n_extra][key->len] = 0;
		cells[n++] = (struct out_cell){ .key = extra[n_extra],
		    .label = extra[n_extra], .type = OUT_VALUE,
		    .v = &item->items[2 * k + 1] };
		n_extra++;
	}
	(void)arg;
	it.n_cells = n;
	cli_out(c)->detail(&it);
	return 0;
}

int
cmd_status(struct cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = no_more_args(c, "status", argc, argv, 1)) != 0)
		return rc;
	return cli_call(c, "status", NULL, status_item, NULL);
}

/* id */

static int
id_item(struct cli *c, void *arg, const struct tv_value *item)
{
	const struct tv_value *area = item->type == TV_MAP ?
	    tv_map_get(item, "area") : NULL;
	struct out_cell cell = { .key = "area", .type = OUT_VALUE, .v = area };
	struct out_item it = { .cells = &cell, .n_cells = 1 };

	(void)arg;
	if (area == NULL || area->type != TV_STR) {
		cli_err(_("tvaersd sent an id tvaers cannot read. Are tvaers and "
		    "tvaersd the same version?"));
		return EXIT_REFUSED;
	}
	cli_out(c)->detail(&it);
	return 0;
}

int
cmd_id(struct cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = no_more_args(c, "id", argc, argv, 1)) != 0)
		return rc;
	return cli_call(c, "id", NULL, id_item, NULL);
}

/* add and set: the field options */

struct field_arg {
	char name[FIELD_NAME_MAX];	/* the wire name; '-' is read as '_' */
	const char *text;		/* what the person typed */
	const struct tv_field *f;	/* NULL until resolved, or if unknown */
};

struct field_args {
	struct field_arg a[FIELDS_MAX];
	size_t n;
	bool wants_help;
};

/*
 * Reads --FIELD VALUE and --FIELD=VALUE options from argv[from..], and
 * --json and --help among them. Returns 0 or EXIT_USAGE after saying why.
 */
static int
field_args_parse(struct cli *c, const char *cmd, int argc, char **argv,
    int from, struct field_args *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = from; i < argc; i++) {
		const char *arg = argv[i], *eq;
		struct field_arg *fa;
		size_t n;

		if (cli_is_help(arg)) {
			out->wants_help = true;
			continue;
		}
		if (strcmp(arg, "--json") == 0) {
			c->is_json = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 || arg[2] == 0 || arg[2] == '=')
			return cli_usage_err(cmd, _("unexpected argument '%s'; "
			    "each value follows its option, quoted if it holds "
			    "spaces: --name \"Ridelauget Østby\""), arg);
		arg += 2;
		eq = strchr(arg, '=');
		n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		if (n >= FIELD_NAME_MAX)
			return cli_usage_err(cmd, _("option --%.20s… is too long "
			    "to be a field name"), arg);
		if (out->n == FIELDS_MAX)
			return cli_usage_err(cmd, _("more than %d field options"),
			    FIELDS_MAX);
		fa = &out->a[out->n];
		for (size_t j = 0; j < n; j++) {
			char ch = arg[j] == '-' ? '_' : arg[j];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' &&
			    ch <= '9') || ch == '_'))
				return cli_usage_err(cmd, _("'--%.*s' is not a "
				    "field option: field names are lower-case "
				    "letters, digits and '_'"), (int)n, arg);
			fa->name[j] = ch;
		}
		fa->name[n] = 0;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(out->a[j].name, fa->name) == 0)
				return cli_usage_err(cmd, _("--%s is given twice"),
				    fa->name);
		if (eq != NULL) {
			fa->text = eq + 1;
		} else if (i + 1 < argc) {
			fa->text = argv[++i];
		} else {
			return cli_usage_err(cmd, _("option --%s needs a value%s"),
			    fa->name, strcmp(cmd, "set") == 0 ?
			    _(" (--FIELD \"\" removes the field)") : "");
		}
		out->n++;
	}
	return 0;
}

/*
 * Edit distance of two short ASCII names, counting a swap of neighbours as
 * one edit ("nmae" is 1 from "name"), for "did you mean".
 */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[FIELD_NAME_MAX + 1][FIELD_NAME_MAX + 1];

	if (la > FIELD_NAME_MAX || lb > FIELD_NAME_MAX)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* Finds each option's field in kind k; returns 0 or EXIT_USAGE naming the stranger. */
static int
field_args_resolve(const struct tv_kind *k, struct field_args *fa)
{
	for (size_t i = 0; i < fa->n; i++) {
		const char *best = NULL;
		/* One slip in a short name, two in a longer one. */
		size_t best_d = strlen(fa->a[i].name) <= 4 ? 2 : 3;
		char *names;

		if ((fa->a[i].f = tv_kind_field(k, fa->a[i].name)) != NULL)
			continue;
		for (size_t j = 0; j < k->n_fields; j++) {
			size_t d = edit_distance(fa->a[i].name,
			    k->fields[j].name);
			if (d < best_d) {
				best_d = d;
				best = k->fields[j].name;
			}
		}
		names = misc_field_names(k);
		if (best != NULL)
			cli_err(_("%s has no field '%s'. Did you mean --%s? "
			    "Fields: %s."), k->name, fa->a[i].name, best, names);
		else
			cli_err(_("%s has no field '%s'. Fields: %s."), k->name,
			    fa->a[i].name, names);
		free(names);
		return EXIT_USAGE;
	}
	return 0;
}

/* Says where to look after a field value was refused, unless the reason already does. */
static const char *
field_hint(const struct tv_field *f, const char *why)
{
	if (strstr(why, "`tvaers ") != NULL || strstr(why, "one of:") != NULL)
		return NULL;
	switch (f->type) {
	case TV_F_MUNICIPALITY:
		return _("See `tvaers municipalities` for the codes.");
	case TV_F_INTERESTS:
		return _("See `tvaers interests` for the codes.");
	default:
		return "";
	}
}

/*
 * Checks every value with the daemon's own parser before anything is sent,
 * and (for add) that every required field is there. Returns 0 or
 * EXIT_REFUSED after saying what is wrong.
 */
static int
field_args_check(const struct tv_kind *k, const struct field_args *fa,
    bool is_add)
{
	char errbuf[ERRBUF_MAX], missing[512] = "", example[512] = "";
	struct tv_doc *doc;
	int rc = 0;

	if ((doc = tv_doc_new()) == NULL)
		oom();
	for (size_t i = 0; i < fa->n && rc == 0; i++) {
		const struct tv_field *f = fa->a[i].f;
		struct tv_value v;
		const char *hint;
		char *vis;

		/* References need a lookup that only the daemon can do. */
		if (f->type == TV_F_REF || f->type == TV_F_REF_LIST ||
		    fa->a[i].text[0] == 0)
			continue;
		errbuf[0] = 0;
		if (tv_field_parse(doc, f, fa->a[i].text, &v, errbuf,
		    sizeof(errbuf)) == 0)
			continue;
		vis = out_vis(errbuf, strlen(errbuf), false);
		hint = field_hint(f, errbuf);
		if (hint != NULL && *hint == 0)
			cli_err(_("%s. See `tvaers kinds %s` for the type and "
			    "limits of each field."), vis, k->name);
		else
			cli_err("%s.%s%s", vis, hint ? " " : "", hint ? hint : "");
		free(vis);
		rc = EXIT_REFUSED;
	}
	tv_doc_free(doc);
	if (rc != 0 || !is_add)
		return rc;
	for (size_t j = 0; j < k->n_fields; j++) {
		const struct tv_field *f = &k->fields[j];
		bool is_given = false;
		size_t len;

		if (!f->required)
			continue;
		for (size_t i = 0; i < fa->n; i++)
			is_given |= fa->a[i].f == f && fa->a[i].text[0] != 0;
		if (is_given)
			continue;
		len = strlen(missing);
		snprintf(missing + len, sizeof(missing) - len, "%s%s",
		    len ? ", " : "", f->name);
		len = strlen(example);
		snprintf(example + len, sizeof(example) - len, "%s--%s VALUE",
		    len ? " " : "", f->name);
	}
	if (missing[0] == 0)
		return 0;
	cli_err(_("a new %s needs %s. Give %s."), k->name, missing, example);
	return EXIT_REFUSED;
}

/* The "fields" argument: each option's text under its field name. */
static struct tv_value *
fields_map(struct req *r, const struct field_args *fa, bool skip_empty)
{
	struct tv_value *m = tv_doc_alloc(r->doc, 1);
	uint32_t n = 0;

	if (m == NULL || (m->items = tv_doc_alloc(r->doc, 2 * fa->n + 1)) ==
	    NULL)
		oom();
	m->type = TV_MAP;
	for (size_t i = 0; i < fa->n; i++) {
		if (skip_empty && fa->a[i].text[0] == 0)
			continue;
		tv_set_str(&m->items[2 * n], fa->a[i].name,
		    strlen(fa->a[i].name));
		tv_set_str(&m->items[2 * n + 1], fa->a[i].text,
		    strlen(fa->a[i].text));
		n++;
	}
	m->len = n;
	return m;
}

/* The reply to add, set or rm: the record written. */
static int
result_item(struct cli *c, void *arg, const struct tv_value *item)
{
	const char *verb = arg;
	struct out_record rec;
	struct out_item it = { .rec = &rec };
	int rc;

	if ((rc = record_open(item, &rec)) != 0)
		return rc;
	cli_out(c)->result(verb, &it);
	out_record_close(&rec);
	return 0;
}

static const struct tv_kind *
find_kind(const char *name)
{
	return tv_kind_find(name, strlen(name));
}

static int
unknown_kind(const char *cmd, const char *name)
{
	char *names = misc_kind_names();
	char *vis = out_vis(name, strlen(name), false);

	cli_err(_("there is no kind '%s'. Kinds: %s (`tvaers kinds` describes "
	    "them; `tvaers %s KIND --help` lists a kind's fields)."), vis, names,
	    cmd);
	free(vis);
	free(names);
	return EXIT_USAGE;
}

/* Prints the help of add or set, with the fields of k. */
static int
fields_help(const char *cmd, const struct tv_kind *k)
{
	cli_help_cmd(cli_cmd_find(cmd), stdout);
	if (k != NULL) {
		putchar('\n');
		misc_kind_fields(&out_text, k);
	}
	return cli_flush();
}

int
cmd_add(struct cli *c, int argc, char **argv)
{
	struct field_args fa;
	const struct tv_kind *k;
	struct req r;
	int rc;

	if (argc < 2 || strncmp(argv[1], "--", 2) == 0)
		return cli_usage_err("add", _("add needs a KIND first"));
	if ((k = find_kind(argv[1])) == NULL)
		return unknown_kind("add", argv[1]);
	if ((rc = field_args_parse(c, "add", argc, argv, 2, &fa)) != 0)
		return rc;
	if (fa.wants_help)
		return fields_help("add", k);
	if (strcmp(k->name, "area") == 0) {
		cli_err(_("an area has one profile, which is not added but "
		    "changed: `tvaers set area --FIELD VALUE`."));
		return EXIT_USAGE;
	}
	if ((rc = field_args_resolve(k, &fa)) != 0 ||
	    (rc = field_args_check(k, &fa, true)) != 0)
		return rc;
	req_init(&r, 2);
	req_str(&r, "kind", k->name);
	*req_put(&r, "fields") = *fields_map(&r, &fa, true);
	rc = cli_call(c, "add", &r.map, result_item,
	    (void *)N_("added"));
	req_free(&r);
	return rc;
}

/* Catches the kind of the record a REF names. */
static int
kind_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct out_record rec;
	int rc;

	(void)c;
	if ((rc = record_open(item, &rec)) != 0)
		return rc;
	snprintf(arg, TV_KIND_MAX + 1, "%s", rec.kind_name);
	out_record_close(&rec);
	return 0;
}

static bool
is_own_profile(const char *ref)
{
	return strcmp(ref, "area") == 0 || strcmp(ref, "område") == 0;
}

int
cmd_set(struct cli *c, int argc, char **argv)
{
	char kind[TV_KIND_MAX + 1] = "";
	const struct tv_kind *k = NULL;
	struct field_args fa;
	struct req r;
	int rc;

	if (argc < 2 || strncmp(argv[1], "--", 2) == 0)
		return cli_usage_err("set", _("set needs a REF first: `area`, a "
		    "record id or its first characters, or AREA:ID"));
	if ((rc = field_args_parse(c, "set", argc, argv, 2, &fa)) != 0)
		return rc;
	if (fa.wants_help)
		return fields_help("set", is_own_profile(argv[1]) ?
		    find_kind("area") : NULL);
	if (fa.n == 0)
		return cli_usage_err("set", _("nothing to change: give at least "
		    "one --FIELD VALUE"));
	/* The kind decides which fields exist: ask for the record first. */
	if (is_own_profile(argv[1])) {
		k = find_kind("area");
	} else {
		req_init(&r, 1);
		req_str(&r, "ref", argv[1]);
		rc = cli_call(c, "show", &r.map, kind_item, kind);
		req_free(&r);
		if (rc != 0)
			return rc;
		k = find_kind(kind);
		if (k != NULL && strcmp(k->name, kind) != 0)
			k = NULL;
	}
	/* A kind this tvaers does not know: the daemon checks the fields. */
	if (k != NULL && ((rc = field_args_resolve(k, &fa)) != 0 ||
	    (rc = field_args_check(k, &fa, false)) != 0))
		return rc;
	req_init(&r, 2);
	req_str(&r, "ref", argv[1]);
	*req_put(&r, "fields") = *fields_map(&r, &fa, false);
	rc = cli_call(c, "set", &r.map, result_item,
	    (void *)N_("changed"));
	req_free(&r);
	return rc;
}

/* rm REF and show REF: one argument, one record back. */
static int
ref_command(struct cli *c, const char *cmd, int argc, char **argv,
    cli_item_cb *cb, void *arg)
{
	struct req r;
	int rc;

	if (argc < 2 || strncmp(argv[1], "--", 2) == 0)
		return cli_usage_err(cmd, _("%s needs a REF: `area`, a record id "
		    "or its first characters, or AREA:ID"), cmd);
	if ((rc = no_more_args(c, cmd, argc, argv, 2)) != 0)
		return rc;
	req_init(&r, 1);
	req_str(&r, "ref", argv[1]);
	rc = cli_call(c, cmd, &r.map, cb, arg);
	req_free(&r);
	return rc;
}

int
cmd_rm(struct cli *c, int argc, char **argv)
{
	return ref_command(c, "rm", argc, argv, result_item,
	    (void *)N_("deleted"));
}

static int
show_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct out_record rec;
	struct out_item it = { .rec = &rec };
	int rc;

	(void)arg;
	if ((rc = record_open(item, &rec)) != 0)
		return rc;
	cli_out(c)->detail(&it);
	out_record_close(&rec);
	return 0;
}

int
cmd_show(struct cli *c, int argc, char **argv)
{
	return ref_command(c, "show", argc, argv, show_item, NULL);
}

/* list and export: a streamed listing */

struct listing {
	const struct output *out;
	struct out_head head;
	bool has_head;
	size_t n_rows;
	struct rowsort *sort;	/* people's listings: Danish order; NULL: as they come */
};

/* Hands one record item to the output. */
static int
listing_emit(void *arg, const struct tv_value *item)
{
	struct listing *l = arg;
	struct out_record rec;
	struct out_item it = { .rec = &rec };
	int rc;

	if ((rc = record_open(item, &rec)) != 0)
		return rc;
	/* The head waits for the first row, so a refused request prints no table. */
	if (!l->has_head) {
		l->out->head(&l->head);
		l->has_head = true;
	}
	l->out->row(&it);
	l->n_rows++;
	out_record_close(&rec);
	/* A closed pipe or a full disk ends the listing at once. */
	if (ferror(out_file())) {
		cli_err(_("cannot write the output: %s"), strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

/* Holds a record item to be sorted by its title among those of its kind. */
static int
listing_hold(struct listing *l, const struct tv_value *item)
{
	const struct tv_value *title = NULL;
	const char *field;
	struct out_record rec;
	int rc;

	if ((rc = record_open(item, &rec)) != 0)
		return rc;
	field = rec.kind != NULL ? rec.kind->title_field : "name";
	if (rec.body != NULL && field != NULL)
		title = tv_map_get(rec.body, field);
	if (title == NULL || title->type != TV_STR)
		title = NULL;
	rc = rowsort_add(l->sort, rec.kind_name, title ? (const char *)
	    title->bytes : "", title ? title->len : 0, item, listing_emit, l);
	out_record_close(&rec);
	return rc;
}

static int
listing_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct listing *l = arg;

	(void)c;
	return l->sort != NULL ? listing_hold(l, item) : listing_emit(l, item);
}

static int
listing_run(struct cli *c, struct listing *l, const char *op,
    const struct tv_value *args)
{
	int rc = cli_call(c, op, args, listing_item, l);

	if (rc == 0 && l->sort != NULL)
		rc = rowsort_flush(l->sort, listing_emit, l);
	if (rc == 0 && !l->has_head) {
		l->out->head(&l->head);
		l->has_head = true;
	}
	/* After an error too, so that JSON output stays one document. */
	if (l->has_head)
		l->out->tail();
	rowsort_free(l->sort);
	l->sort = NULL;
	return rc;
}

const char *
cli_opt_value(const char *cmd, int argc, char **argv, int *i, const char *name,
    int *out_rc)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) != 0)
		return NULL;
	if (*i + 1 >= argc) {
		*out_rc = cli_usage_err(cmd, _("option %s needs a value"), name);
		return NULL;
	}
	return argv[++*i];
}

/* Takes one of the where-options of list into where[]; NULL if argv[*i] is none. */
static const char *
where_opt(int argc, char **argv, int *i, const char *where[WHERE_OPTS],
    int *out_rc)
{
	const char *v;

	for (int k = 0; k < WHERE_OPTS; k++)
		if ((v = cli_opt_value("list", argc, argv, i, where_opts[k],
		    out_rc)) != NULL)
			return where[k] = v;
	return NULL;
}

/*
 * A status filter for every kind: the code that the label means in each
 * kind that has it ("skuffe" is "shelved"), if they all agree; else the
 * text as given, which the daemon matches literally.
 */
static const char *
any_status_code(const char *text, char *out, size_t outlen)
{
	const struct tv_kind *kinds;
	const char *found = NULL;
	struct tv_doc *doc;
	char errbuf[ERRBUF_MAX];
	size_t n;

	if ((doc = tv_doc_new()) == NULL)
		oom();
	kinds = tv_kinds(&n);
	for (size_t i = 0; i < n; i++) {
		const struct tv_field *f = tv_kind_field(&kinds[i], "status");
		struct tv_value v;
		if (f == NULL || tv_field_parse(doc, f, text, &v, errbuf,
		    sizeof(errbuf)) != 0 || v.type != TV_STR ||
		    v.len >= outlen)
			continue;
		if (found != NULL && (strlen(found) != v.len ||
		    memcmp(found, v.bytes, v.len) != 0)) {
			found = NULL;
			break;
		}
		memcpy(out, v.bytes, v.len);
		out[v.len] = 0;
		found = out;
	}
	tv_doc_free(doc);
	return found != NULL ? found : text;
}

int
cmd_list(struct cli *c, int argc, char **argv)
{
	const char *kind = NULL, *status = NULL, *interests = NULL, *v;
	const char *where[WHERE_OPTS] = { 0 };
	const struct tv_kind *k = NULL;
	struct listing l = { .head.what = OUT_RECORDS };
	char status_code[64];
	bool with_deleted = false;
	struct req r;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->is_json = true;
		} else if (strcmp(argv[i], "--deleted") == 0) {
			with_deleted = true;
		} else if (cli_is_help(argv[i])) {
			cli_help_cmd(cli_cmd_find("list"), stdout);
			return cli_flush();
		} else if ((v = cli_opt_value("list", argc, argv, &i, "--status",
		    &rc)) != NULL) {
			status = v;
		} else if ((v = cli_opt_value("list", argc, argv, &i,
		    "--interests", &rc)) != NULL) {
			interests = v;
		} else if (rc == 0 && (v = where_opt(argc, argv, &i, where,
		    &rc)) != NULL) {
			continue;
		} else if (rc != 0) {
			return rc;
		} else if (argv[i][0] == '-') {
			return cli_usage_err("list", _("there is no option '%s'"),
			    argv[i]);
		} else if (kind == NULL) {
			kind = argv[i];
		} else {
			return cli_usage_err("list", _("unexpected argument '%s'; "
			    "list takes one KIND"), argv[i]);
		}
	}
	if (kind != NULL && (k = find_kind(kind)) != NULL)
		kind = k->name;
	if (status != NULL && k != NULL) {
		const struct tv_field *f = tv_kind_field(k, "status");
		struct field_args fa = { .n = 1 };

		if (f == NULL) {
			cli_err(_("%s records have no status. Leave out --status."),
			    k->name);
			return EXIT_USAGE;
		}
		snprintf(fa.a[0].name, sizeof(fa.a[0].name), "status");
		fa.a[0].text = status;
		fa.a[0].f = f;
		if ((rc = field_args_check(k, &fa, false)) != 0)
			return rc;
	}
	if (status != NULL && k == NULL)
		status = any_status_code(status, status_code, sizeof(status_code));
	l.out = cli_out(c);
	l.head.kind = k;
	req_init(&r, 4 + WHERE_OPTS);
	for (int i = 0; i < WHERE_OPTS; i++)
		if (where[i] != NULL && (rc = where_value(i, where[i], r.doc,
		    req_put(&r, where_opts[i] + 2))) != 0) {
			req_free(&r);
			return rc;
		}
	if (!c->is_json)
		l.sort = rowsort_new();
	if (kind != NULL)
		req_str(&r, "kind", kind);
	if (status != NULL)
		req_str(&r, "status", status);
	if (interests != NULL)
		req_str(&r, "interests", interests);
	if (with_deleted)
		req_bool(&r, "deleted", true);
	rc = listing_run(c, &l, "list", &r.map);
	req_free(&r);
	/* A kind from a newer area may exist; a typo is likelier when nothing matched. */
	if (rc == 0 && kind != NULL && k == NULL && l.n_rows == 0) {
		char *names = misc_kind_names();
		char *vis = out_vis(kind, strlen(kind), false);
		cli_err(_("no records of kind '%s', which this tvaers does not "
		    "know. Kinds: %s."), vis, names);
		free(vis);
		free(names);
	}
	return rc;
}

FILE *
cli_atomic_open(const char *path, char **out_tmp)
{
	size_t n = strlen(path) + sizeof(".tmp.XXXXXX");
	char *tmp = xmalloc(n);
	FILE *f;
	int fd;

	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	/* mkstemp makes it 0600: local-only records may hold personal data. */
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		int err = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = err;
		return NULL;
	}
	*out_tmp = tmp;
	return f;
}

int
cli_atomic_commit(FILE *f, const char *tmp, const char *path)
{
	char *dir, *slash;
	int fd;

	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		int err = errno;
		fclose(f);
		errno = err;
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	/* The rename itself is durable once the directory is synced. */
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash != NULL)
		*slash = 0;
	fd = open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	return 0;
}

int
cmd_export(struct cli *c, int argc, char **argv)
{
	struct listing l = { .out = &out_jsonl, .head.what = OUT_EXPORT };
	const char *path = NULL, *v;
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--csv") == 0)
			return cmd_export_csv(c, argc, argv);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->is_json = true;
		} else if (cli_is_help(argv[i])) {
			cli_help_cmd(cli_cmd_find("export"), stdout);
			return cli_flush();
		} else if ((v = cli_opt_value("export", argc, argv, &i, "--out",
		    &rc)) != NULL) {
			path = v;
		} else if (rc != 0) {
			return rc;
		} else {
			return cli_usage_err("export", _("unexpected argument '%s'"),
			    argv[i]);
		}
	}
	if (path != NULL) {
		if (*path == 0)
			return cli_usage_err("export", _("--out needs a file name"));
		if ((f = cli_atomic_open(path, &tmp)) == NULL) {
			cli_err(_("cannot create a file beside %s: %s. Choose "
			    "another --out."), path, strerror(errno));
			return EXIT_REFUSED;
		}
		out_set_file(f);
	}
	rc = listing_run(c, &l, "export", NULL);
	out_set_file(NULL);
	if (f == NULL)
		return rc;
	if (rc == 0 && cli_atomic_commit(f, tmp, path) != 0) {
		cli_err(_("cannot write %s: %s. Nothing was exported; free some "
		    "space or choose another --out."), path, strerror(errno));
		rc = EXIT_REFUSED;
		unlink(tmp);
	} else if (rc != 0) {
		fclose(f);
		unlink(tmp);
	} else if (!c->is_json) {
		printf(ngettext("exported %zu record to %s\n",
		    "exported %zu records to %s\n", l.n_rows), l.n_rows, path);
	}
	free(tmp);
	return rc;
}
