/*
 * events: the coming events of every area this daemon holds, as an agenda
 * for people, a JSON array for scripts, or an iCalendar file (RFC 5545)
 * for calendar programs. The daemon picks and orders them (the `events`
 * op); times are shown in Danish time (PROTOCOL.md §6.6).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caltime.h"
#include "cli.h"
#include "err.h"
#include "event.h"
#include "ical.h"
#include "out.h"

#ifndef PROJECT_VERSION
#define PROJECT_VERSION "0.1.0"
#endif

#define TEXT_MAX 256

struct agenda {
	const struct output *out;
	const struct out_head *head;	/* written before the first row */
	bool has_head;
	bool is_ical;
	struct tv_buf ical;	/* the calendar, written after the last item */
	size_t n;
};

static const struct out_cell agenda_cols[] = {
	{ .label = N_("DATE"), .width = 11 },
	{ .label = N_("TIME"), .width = 20 },
	{ .label = N_("TITLE"), .width = 24 },
	{ .label = N_("AREA"), .width = 12 },
	{ .label = N_("PLACE") },
};

/* "YYYY-MM-DD" of day z. */
static void
day_text(int64_t z, char *out, size_t outlen)
{
	int64_t y;
	int m, d;

	tv_civil_from_days(z, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d", (int)y, m, d);
}

/* "HH:MM" (Danish: "HH.MM") of t seconds UTC in Danish time. */
static void
clock_text(int64_t t, char *out, size_t outlen)
{
	int64_t local = tv_cph_utc_to_local(t);
	int64_t s = local - tv_floor_div(local, TV_DAY_SECONDS) *
	    TV_DAY_SECONDS;

	snprintf(out, outlen, i18n_is_da() ? "%02d.%02d" : "%02d:%02d",
	    (int)(s / 3600), (int)(s / 60 % 60));
}

/*
 * Day z for people, as dkfmt's tables write it: "08-11-2025" in Danish,
 * "2025-11-08" in English; without the year "08-11" / "11-08".
 */
static void
people_day(int64_t z, bool with_year, char *out, size_t outlen)
{
	int64_t y;
	int m, d;

	tv_civil_from_days(z, &y, &m, &d);
	if (i18n_is_da())
		snprintf(out, outlen, with_year ? "%02d-%02d-%04d" : "%02d-%02d",
		    d, m, (int)y);
	else if (with_year)
		snprintf(out, outlen, "%04d-%02d-%02d", (int)y, m, d);
	else
		snprintf(out, outlen, "%02d-%02d", m, d);
}

/* ISO 8601 with the Danish offset, "2025-11-08T09:30:00+01:00" (JSON). */
static void
iso_text(int64_t t, char *out, size_t outlen)
{
	int64_t local = tv_cph_utc_to_local(t);
	int64_t day = tv_floor_div(local, TV_DAY_SECONDS);
	int64_t s = local - day * TV_DAY_SECONDS;
	char date[16];

	day_text(day, date, sizeof(date));
	snprintf(out, outlen, "%sT%02d:%02d:%02d+%02d:00", date,
	    (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
	    (int)((local - t) / 3600));
}

/* The TIME column: "09:30–13:00", "all day", "until 2025-11-09" ... */
static void
when_text(const struct tv_event_span *sp, char *out, size_t outlen)
{
	char a[16], b[16], day[16];

	if (sp->is_all_day) {
		if (sp->end_day - sp->start_day <= 1) {
			snprintf(out, outlen, "%s", _("all day"));
		} else {
			people_day(sp->end_day - 1, true, day, sizeof(day));
			snprintf(out, outlen, _("until %s"), day);
		}
		return;
	}
	clock_text(sp->start, a, sizeof(a));
	if (!sp->has_end) {
		snprintf(out, outlen, "%s", a);
		return;
	}
	clock_text(sp->end, b, sizeof(b));
	if (tv_cph_day(sp->end - 1) == tv_cph_day(sp->start)) {
		snprintf(out, outlen, "%s–%s", a, b);
	} else {
		people_day(tv_cph_day(sp->end), false, day, sizeof(day));
		snprintf(out, outlen, "%s – %s %s", a, day, b);
	}
}

static const struct tv_value *
str_of(const struct tv_value *body, const char *key)
{
	const struct tv_value *v = tv_map_get(body, key);
	return v != NULL && v->type == TV_STR ? v : NULL;
}

/* The label of the event's status in the current language, or NULL. */
static const char *
status_label(const struct tv_value *status)
{
	const struct tv_kind *k = tv_kind_by_wire("event", 5);
	const struct tv_field *f = k ? tv_kind_field(k, "status") : NULL;

	for (size_t i = 0; f != NULL && status != NULL && i < f->n_enums; i++)
		if (tv_str_eq(status, f->enums[i].code))
			return out_tr(f->enums[i].en, f->enums[i].da);
	return NULL;
}

/* One row of the agenda: the same cells for people and for JSON. */
static void
agenda_row(struct agenda *a, const struct out_record *rec,
    const struct tv_value *area_name, const struct tv_event_span *sp)
{
	const struct tv_value *title = str_of(rec->body, "title");
	const struct tv_value *status = str_of(rec->body, "status");
	const struct tv_value *place = str_of(rec->body, "place");
	const struct tv_value *addr = str_of(rec->body, "address");
	const char *slabel = status_label(status);
	char date[16], when[64], start[40], end[40], area_short[16];
	char shown_title[TEXT_MAX * 2];
	bool is_cancelled = tv_str_eq(status, "cancelled");

	people_day(sp->is_all_day ? sp->start_day : tv_cph_day(sp->start), true,
	    date, sizeof(date));
	when_text(sp, when, sizeof(when));
	if (sp->is_all_day) {
		day_text(sp->start_day, start, sizeof(start));
		day_text(sp->end_day - 1, end, sizeof(end));
	} else {
		iso_text(sp->start, start, sizeof(start));
		iso_text(sp->end, end, sizeof(end));
	}
	snprintf(area_short, sizeof(area_short), "%.8s", rec->area);
	snprintf(shown_title, sizeof(shown_title), is_cancelled ?
	    _("CANCELLED: %.*s") : "%.*s",
	    title ? (int)title->len : 1, title ? (const char *)title->bytes :
	    "-");
	{
		struct out_cell cells[] = {
			{ .key = "date", .type = OUT_STR, .s = date,
			    .width = 11, .flags = OUT_TEXT_ONLY },
			{ .key = "time", .type = OUT_STR, .s = when,
			    .width = 20, .flags = OUT_TEXT_ONLY },
			{ .key = "title_text", .type = OUT_STR,
			    .s = shown_title, .width = 24,
			    .flags = OUT_TEXT_ONLY },
			{ .key = "area_text", .type = OUT_VALUE, .v = area_name,
			    .width = 12, .flags = OUT_TEXT_ONLY },
			{ .key = "place_text", .type = place || addr ?
			    OUT_VALUE : OUT_NULL, .v = place ? place : addr,
			    .flags = OUT_TEXT_ONLY },
			{ .key = "ref", .type = OUT_STR, .s = rec->ref,
			    .flags = OUT_JSON_ONLY },
			{ .key = "area", .type = OUT_STR, .s = rec->area,
			    .flags = OUT_JSON_ONLY },
			{ .key = "area_name", .type = area_name ? OUT_VALUE :
			    OUT_NULL, .v = area_name, .flags = OUT_JSON_ONLY },
			{ .key = "title", .type = title ? OUT_VALUE : OUT_NULL,
			    .v = title, .flags = OUT_JSON_ONLY },
			{ .key = "start", .type = OUT_STR, .s = start,
			    .flags = OUT_JSON_ONLY },
			{ .key = "end", .type = sp->is_all_day || sp->has_end ?
			    OUT_STR : OUT_NULL, .s = end,
			    .flags = OUT_JSON_ONLY },
			{ .key = "all_day", .type = OUT_BOOL,
			    .b = sp->is_all_day, .flags = OUT_JSON_ONLY },
			{ .key = "status", .type = status ? OUT_VALUE :
			    OUT_NULL, .v = status, .flags = OUT_JSON_ONLY },
			{ .key = "status_label", .type = slabel ? OUT_STR :
			    OUT_NULL, .s = slabel, .flags = OUT_JSON_ONLY },
			{ .key = "place", .type = place ? OUT_VALUE : OUT_NULL,
			    .v = place, .flags = OUT_JSON_ONLY },
			{ .key = "address", .type = addr ? OUT_VALUE : OUT_NULL,
			    .v = addr, .flags = OUT_JSON_ONLY },
		};
		struct out_item it = { .cells = cells,
		    .n_cells = sizeof(cells) / sizeof(cells[0]) };
		/* An area without a name shows its short id. */
		struct out_cell *area_cell = &cells[3];

		if (area_name == NULL) {
			area_cell->type = OUT_STR;
			area_cell->s = area_short;
		}
		a->out->row(&it);
	}
}

static int
bad_item(int rc)
{
	cli_err(_("tvaersd sent an event tvaers cannot read (%s). Are tvaers "
	    "and tvaersd the same version?"), tv_strerror(rc));
	return EXIT_REFUSED;
}

static int
event_item(struct cli *c, void *arg, const struct tv_value *item)
{
	struct agenda *a = arg;
	const struct tv_value *name = tv_map_get(item, "area_name");
	struct out_record rec;
	struct tv_event_span sp;
	int rc;

	(void)c;
	if ((rc = out_record_open(item, &rec)) != 0) {
		out_record_close(&rec);
		return bad_item(rc);
	}
	if (rec.body == NULL || (rc = tv_event_span(rec.body, &sp)) != 0) {
		out_record_close(&rec);
		return bad_item(rc ? rc : TV_EMALFORMED);
	}
	if (name != NULL && (name->type != TV_STR || name->len == 0))
		name = NULL;
	if (a->is_ical)
		rc = tv_ical_event(&a->ical, &rec.r, rec.body, out_lang());
	else {
		/* The head waits for a row, so a refusal prints no table. */
		if (!a->has_head) {
			a->out->head(a->head);
			a->has_head = true;
		}
		agenda_row(a, &rec, name, &sp);
	}
	out_record_close(&rec);
	a->n++;
	if (rc != 0)
		return bad_item(rc);
	if (ferror(out_file())) {
		cli_err(_("cannot write the output: %s"), strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

/*
 * Reads DATE (YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY) into a day number.
 * Returns 0 or a usage error naming the option.
 */
static int
read_day(const char *opt, const char *text, int64_t *out)
{
	int64_t y;
	int m, d;
	size_t len = strlen(text);

	if (len == 0 || tv_date_read(text, len, &y, &m, &d) != len ||
	    y < 1800 || y > 2100)
		return cli_usage_err("events", _("%s '%s' is not a date; use "
		    "YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY (1800-2100)"), opt,
		    text);
	*out = tv_days_from_civil(y, m, d);
	return 0;
}

static void
put_int(struct tv_value *kv, const char *key, int64_t v)
{
	tv_set_str(&kv[0], key, strlen(key));
	tv_set_int(&kv[1], v);
}

/* Writes the calendar to stdout or, atomically, to path. */
static int
write_ical(const struct tv_buf *b, const char *path, size_t n, bool is_json)
{
	char *tmp = NULL;
	FILE *f;

	if (path == NULL) {
		fwrite(b->data, 1, b->len, stdout);
		return cli_flush();
	}
	if ((f = cli_atomic_open(path, &tmp)) == NULL) {
		cli_err(_("cannot create a file beside %s: %s. Choose another "
		    "--out."), path, strerror(errno));
		return EXIT_REFUSED;
	}
	if (fwrite(b->data, 1, b->len, f) != b->len ||
	    cli_atomic_commit(f, tmp, path) != 0) {
		cli_err(_("cannot write %s: %s. Free some space or choose "
		    "another --out."), path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return EXIT_REFUSED;
	}
	free(tmp);
	/* The calendar is for other programs; say where it went. */
	if (!is_json)
		printf(ngettext("wrote %zu event to %s\n",
		    "wrote %zu events to %s\n", n), n, path);
	return cli_flush();
}

/* The window [from, to) in seconds UTC; from is today by default. */
struct window {
	int64_t from_day, to_day;	/* to_day: the day after --to */
	bool has_to;
};

static int
parse_args(struct cli *c, int argc, char **argv, struct window *w,
    bool *is_ical, const char **path)
{
	const char *v;
	int rc = 0;

	w->from_day = tv_cph_day((int64_t)time(NULL));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->is_json = true;
		} else if (strcmp(argv[i], "--ical") == 0) {
			*is_ical = true;
		} else if ((v = cli_opt_value("events", argc, argv, &i,
		    "--from", &rc)) != NULL) {
			if ((rc = read_day("--from", v, &w->from_day)) != 0)
				return rc;
		} else if ((v = cli_opt_value("events", argc, argv, &i,
		    "--to", &rc)) != NULL) {
			if ((rc = read_day("--to", v, &w->to_day)) != 0)
				return rc;
			w->to_day++;	/* the whole day of --to is in */
			w->has_to = true;
		} else if ((v = cli_opt_value("events", argc, argv, &i,
		    "--out", &rc)) != NULL) {
			*path = v;
		} else if (rc != 0) {
			return rc;
		} else {
			return cli_usage_err("events", _("unexpected argument "
			    "'%s'"), argv[i]);
		}
	}
	if (w->has_to && w->to_day <= w->from_day)
		return cli_usage_err("events", _("--to is before --from (or "
		    "before today, when --from is not given)"));
	if (*path != NULL && !*is_ical)
		return cli_usage_err("events", _("--out writes a calendar file; "
		    "give --ical too"));
	if (*path != NULL && **path == 0)
		return cli_usage_err("events", _("--out needs a file name"));
	if (*is_ical && c->is_json && *path == NULL)
		return cli_usage_err("events", _("--ical writes iCalendar, not "
		    "JSON; leave out --json (or add --out FILE)"));
	return 0;
}

int
cmd_events(struct cli *c, int argc, char **argv)
{
	struct agenda a = { .out = cli_out(c) };
	struct out_head h = { .what = OUT_CELLS, .cols = agenda_cols,
	    .n_cols = sizeof(agenda_cols) / sizeof(agenda_cols[0]) };
	struct window w = { 0 };
	struct tv_value args, kv[4];
	const char *path = NULL;
	int rc;

	if ((rc = parse_args(c, argc, argv, &w, &a.is_ical, &path)) != 0)
		return rc;
	a.out = cli_out(c);
	memset(&args, 0, sizeof(args));
	args.type = TV_MAP;
	args.items = kv;
	put_int(&kv[2 * args.len++], "from", tv_cph_midnight(w.from_day));
	if (w.has_to)
		put_int(&kv[2 * args.len++], "to", tv_cph_midnight(w.to_day));
	if (a.is_ical) {
		tv_buf_init(&a.ical, 0);
		tv_ical_begin(&a.ical, "-//tvaers//tvaers " PROJECT_VERSION
		    "//EN", _("tvaers events"));
		rc = cli_call(c, "events", &args, event_item, &a);
		if (rc == 0 && tv_ical_end(&a.ical) != 0) {
			cli_err(_("out of memory"));
			rc = EXIT_REFUSED;
		}
		if (rc == 0)
			rc = write_ical(&a.ical, path, a.n, c->is_json);
		tv_buf_free(&a.ical);
		return rc;
	}
	h.cols = agenda_cols;
	a.head = &h;
	rc = cli_call(c, "events", &args, event_item, &a);
	if (rc == 0 && !a.has_head) {
		a.out->head(&h);
		a.has_head = true;
	}
	/* After an error too, so that JSON output stays one document. */
	if (a.has_head)
		a.out->tail();
	return rc;
}
