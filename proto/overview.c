/*
 * The printable overview as HTML (overview.h). Record texts are formatted
 * with tv_field_format, so labels, money and dates read as everywhere else
 * in tvaers, then escaped. The page's own words are in one table below.
 */
#include "overview.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "geo.h"
#include "showable.h"

#define FIELD_TEXT_MAX 700	/* a long description is cut with "…" */
#define SECONDS_PER_DAY 86400
#define INTERESTS_MAX 64		/* the vocabulary has 25 */
#define NAME_TEXT_MAX 512	/* an area name: 120 characters of UTF-8 */

/* The page's own words, kept together for the translation to come. */
enum word {
	W_TITLE, W_PRINTED, W_ASSOCIATIONS, W_OTHER_INTERESTS, W_PROJECTS,
	W_EVENTS, W_MATCHES, W_NONE, W_SHARED, W_AWAY, W_FOOTER,
};

static const struct {
	const char *da, *en;
} words[] = {
	[W_TITLE] = { "Oversigt for %s", "Overview for %s" },
	[W_PRINTED] = { "Udskrevet %s", "Printed %s" },
	[W_ASSOCIATIONS] = { "Foreninger efter interesse",
	    "Associations by interest" },
	[W_OTHER_INTERESTS] = { "Andre foreninger", "Other associations" },
	[W_PROJECTS] = { "Projekter og skuffeprojekter",
	    "Projects, shelved ones too" },
	[W_EVENTS] = { "Kommende arrangementer i og omkring %s",
	    "Upcoming events in and around %s" },
	[W_MATCHES] = { "Projekter med samme interesser inden for %s",
	    "Projects with the same interests within %s" },
	[W_NONE] = { "Ingen.", "None." },
	[W_SHARED] = { "fælles interesser", "shared interests" },
	[W_AWAY] = { "%s herfra", "%s from here" },
	[W_FOOTER] = { "Fra tvaers. Kontakt går gennem foreningernes og "
	    "områdernes fælles adresser; personers navne vises kun med "
	    "samtykke.", "From tvaers. Contact goes through the shared "
	    "addresses of associations and areas; names of people are only "
	    "shown with consent." },
};

static const char style[] =
    "@page { size: A4; margin: 15mm 15mm 18mm 15mm; }\n"
    "body { font-family: \"DejaVu Sans\", Arial, sans-serif; "
    "font-size: 10.5pt; line-height: 1.35; color: #000; background: #fff; "
    "max-width: 180mm; margin: 0 auto; }\n"
    "h1 { font-size: 18pt; margin: 0 0 2mm; }\n"
    "h2 { font-size: 13pt; border-bottom: 1px solid #444; "
    "margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }\n"
    "h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; "
    "page-break-after: avoid; }\n"
    ".item { margin: 0 0 2.5mm; break-inside: avoid; "
    "page-break-inside: avoid; }\n"
    ".meta { color: #333; font-size: 9.5pt; }\n"
    ".status { font-weight: bold; }\n"
    "footer { margin-top: 8mm; font-size: 8.5pt; color: #555; }\n"
    "@media print { body { max-width: none; } }\n";

struct page {
	struct tv_buf *out;
	const struct tv_recset *s;
	const struct tv_overview_opts *o;
	const struct tv_rec *profile;
	bool da;
	char name[NAME_TEXT_MAX];	/* the area's name, for headings */
	bool has_loc;
	int64_t lat, lon;
	bool own_interest[INTERESTS_MAX];	/* by vocabulary index */
	int err;
};

/* A record picked for a section, with what it is sorted by. */
struct pick {
	const struct tv_rec *rec;
	int64_t key;		/* section order: status, start time … */
	double dist_m;
};

static const char *
word(const struct page *p, enum word w)
{
	return p->da ? words[w].da : words[w].en;
}

static void
puts_(struct page *p, const char *s)
{
	tv_buf_put(p->out, s, strlen(s));
}

int
tv_html_escape(struct tv_buf *out, const void *text, size_t len)
{
	const uint8_t *s = text;
	size_t n;

	for (size_t i = 0; i < len; i += n) {
		const char *ent = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" :
		    s[i] == '>' ? "&gt;" : s[i] == '"' ? "&quot;" :
		    s[i] == '\'' ? "&#39;" : NULL;
		n = 1;
		if (ent != NULL)
			tv_buf_put(out, ent, strlen(ent));
		else if (s[i] == '\n' || s[i] == '\t')
			tv_buf_put(out, " ", 1);
		else if (tv_char_showable(&s[i], len - i, &n))
			tv_buf_put(out, &s[i], n);
	}
	return out->err;
}

static void
put_esc(struct page *p, const char *s)
{
	tv_html_escape(p->out, s, strlen(s));
}

/* Escapes a printf-style sentence of the page, record texts in its arguments. */
static void
putf_esc(struct page *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf_esc(struct page *p, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_esc(p, text);
}

/* Formats field name of rec for people into text; false if it is absent. */
static bool
field_text(const struct page *p, const struct tv_rec *rec, const char *name,
    char *text, size_t len)
{
	const struct tv_field *f = rec->k ? tv_kind_field(rec->k, name) : NULL;
	const struct tv_value *v = tv_map_get(rec->body, name);

	if (f == NULL || v == NULL || v->type == TV_NIL)
		return false;
	return tv_field_format(f, v, p->da ? "da" : "en", text, len) > 0;
}

static void
put_field(struct page *p, const struct tv_rec *rec, const char *name)
{
	char text[FIELD_TEXT_MAX];

	if (field_text(p, rec, name, text, sizeof(text)))
		put_esc(p, text);
}

/* "label: value" for each present field, separated by " · ". */
static void
put_meta(struct page *p, const struct tv_rec *rec, const char *const *names)
{
	char text[FIELD_TEXT_MAX];
	bool first = true;

	for (; *names != NULL; names++) {
		const struct tv_field *f = tv_kind_field(rec->k, *names);
		if (f == NULL || !field_text(p, rec, *names, text, sizeof(text)))
			continue;
		if (first)
			puts_(p, "<div class=\"meta\">");
		else
			puts_(p, " · ");
		first = false;
		putf_esc(p, "%s: %s", p->da ? f->da : f->en, text);
	}
	if (!first)
		puts_(p, "</div>\n");
}

static void
section_open(struct page *p, const char *id, const char *heading)
{
	puts_(p, "<section id=\"");
	puts_(p, id);
	puts_(p, "\">\n<h2>");
	put_esc(p, heading);
	puts_(p, "</h2>\n");
}

/* Ends a section of n items ("None." if empty) and frees its picks. */
static void
section_close(struct page *p, size_t n, struct pick *picks)
{
	if (n == 0) {
		puts_(p, "<p>");
		put_esc(p, word(p, W_NONE));
		puts_(p, "</p>\n");
	}
	puts_(p, "</section>\n");
	free(picks);
}

static void
put_distance(struct page *p, double m)
{
	char km[32];

	snprintf(km, sizeof(km), "%.1f km", m / 1000.0);
	if (p->da)
		*strchr(km, '.') = ',';
	putf_esc(p, word(p, W_AWAY), km);
}

static bool
is_own(const struct page *p, const struct tv_rec *rec)
{
	return memcmp(rec->origin, p->o->area, TV_PK_LEN) == 0;
}

/* Distance from this area to rec; false if either place is unknown. */
static bool
distance_to(const struct page *p, const struct tv_rec *rec, double *out_m)
{
	int64_t lat, lon;

	if (!p->has_loc || !tv_rec_location(p->s, rec, &lat, &lon))
		return false;
	/* Micro-degrees fit 32 bits (±180,000,000). */
	*out_m = tv_geo_distance_m(
	    (struct tv_point){ (int32_t)p->lat, (int32_t)p->lon },
	    (struct tv_point){ (int32_t)lat, (int32_t)lon });
	return true;
}

static bool
has_interest(const struct tv_rec *rec, const char *code)
{
	const struct tv_value *v = tv_map_get(rec->body, "interests");

	if (v == NULL || v->type != TV_ARRAY)
		return false;
	for (uint32_t i = 0; i < v->len; i++)
		if (tv_str_eq(&v->items[i], code))
			return true;
	return false;
}

static bool
has_any_code(const struct tv_rec *rec)
{
	size_t n;
	const struct tv_interest *in = tv_interests(&n);

	for (size_t i = 0; i < n; i++)
		if (has_interest(rec, in[i].code))
			return true;
	return false;
}

/* Position of the enum code in field name of rec's kind, or n if absent. */
static int64_t
enum_rank(const struct tv_rec *rec, const char *name)
{
	const struct tv_field *f = rec->k ? tv_kind_field(rec->k, name) : NULL;
	const struct tv_value *v = tv_map_get(rec->body, name);

	if (f == NULL || v == NULL)
		return 1000;
	for (size_t i = 0; i < f->n_enums; i++)
		if (tv_str_eq(v, f->enums[i].code))
			return (int64_t)i;
	return 1000;
}

static int
bytes_cmp(const struct tv_value *x, const struct tv_value *y)
{
	size_t xl = x ? x->len : 0, yl = y ? y->len : 0;
	int c = xl && yl ? memcmp(x->bytes, y->bytes, xl < yl ? xl : yl) : 0;

	return c != 0 ? c : (xl > yl) - (xl < yl);
}

static const struct tv_value *
title_of(const struct tv_rec *rec)
{
	const struct tv_value *v = tv_rec_text(rec, "title");

	return v != NULL ? v : tv_rec_text(rec, "name");
}

static int
pick_cmp(const void *pa, const void *pb)
{
	const struct pick *x = pa, *y = pb;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((c = bytes_cmp(title_of(x->rec), title_of(y->rec))) != 0)
		return c;
	return memcmp(x->rec->id, y->rec->id, TV_ID_LEN);
}

/* Picks the records of a kind that keep() accepts, sorted; NULL on ENOMEM. */
typedef bool keep_fn(struct page *p, const struct tv_rec *rec,
    struct pick *out);

static struct pick *
pick_all(struct page *p, const char *kind, keep_fn *keep, size_t *out_n)
{
	struct pick *picks = malloc((p->s->n ? p->s->n : 1) * sizeof(*picks));
	size_t n = 0;

	if (picks == NULL) {
		p->err = TV_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < p->s->n; i++) {
		const struct tv_rec *rec = &p->s->recs[i];
		if (!tv_rec_is(rec, kind) || rec->k == NULL)
			continue;
		picks[n] = (struct pick){ .rec = rec };
		if (keep(p, rec, &picks[n]))
			n++;
	}
	qsort(picks, n, sizeof(*picks), pick_cmp);
	*out_n = n;
	return picks;
}

static void
put_item_head(struct page *p, const struct tv_rec *rec, const char *extra)
{
	const struct tv_value *t = title_of(rec);

	puts_(p, "<div class=\"item\"><strong>");
	if (t != NULL)
		tv_html_escape(p->out, t->bytes, t->len);
	puts_(p, "</strong>");
	if (extra != NULL) {
		puts_(p, " – <span class=\"status\">");
		put_field(p, rec, extra);
		puts_(p, "</span>");
	}
	puts_(p, "\n");
}

/* ---- Associations by interest ------------------------------------------ */

static bool
keep_own_association(struct page *p, const struct tv_rec *rec,
    struct pick *out)
{
	const struct tv_value *st = tv_map_get(rec->body, "status");

	(void)out;
	return is_own(p, rec) && !(st != NULL && tv_str_eq(st, "closed"));
}

static void
put_association(struct page *p, const struct tv_rec *rec)
{
	static const char *const meta[] = { "kind", "status", "purpose",
	    "meeting_place", "members", "board_vacant", "seeking", "email",
	    "phone", "website", NULL };

	put_item_head(p, rec, NULL);
	put_meta(p, rec, meta);
	puts_(p, "</div>\n");
}

static void
put_associations(struct page *p)
{
	size_t n, n_codes;
	struct pick *picks = pick_all(p, "association", keep_own_association,
	    &n);
	const struct tv_interest *in = tv_interests(&n_codes);
	bool any_other = false;

	if (picks == NULL)
		return;
	section_open(p, "associations", word(p, W_ASSOCIATIONS));
	for (size_t i = 0; i < n_codes; i++) {
		bool head = false;
		for (size_t k = 0; k < n; k++) {
			if (!has_interest(picks[k].rec, in[i].code))
				continue;
			if (!head) {
				puts_(p, "<h3>");
				put_esc(p, p->da ? in[i].da : in[i].en);
				puts_(p, "</h3>\n");
				head = true;
			}
			put_association(p, picks[k].rec);
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (has_any_code(picks[k].rec))
			continue;
		if (!any_other) {
			puts_(p, "<h3>");
			put_esc(p, word(p, W_OTHER_INTERESTS));
			puts_(p, "</h3>\n");
			any_other = true;
		}
		put_association(p, picks[k].rec);
	}
	section_close(p, n, picks);
}

/* ---- The area's projects ----------------------------------------------- */

static bool
keep_own_project(struct page *p, const struct tv_rec *rec, struct pick *out)
{
	out->key = enum_rank(rec, "status");
	return is_own(p, rec);
}

static void
put_own_projects(struct page *p)
{
	static const char *const meta[] = { "shelved_reason", "shelved_note",
	    "interests", "place", "needs", "budget", "start", "end", NULL };
	size_t n;
	struct pick *picks = pick_all(p, "project", keep_own_project, &n);

	if (picks == NULL)
		return;
	section_open(p, "projects", word(p, W_PROJECTS));
	for (size_t k = 0; k < n; k++) {
		put_item_head(p, picks[k].rec, "status");
		put_meta(p, picks[k].rec, meta);
		puts_(p, "</div>\n");
	}
	section_close(p, n, picks);
}

/* ---- Upcoming events nearby -------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds of a time field, or of the end of a date's day; false if neither. */
static bool
event_time(const struct tv_value *v, bool end_of_day, int64_t *out)
{
	int y, m, d;

	if (v == NULL)
		return false;
	if (v->type == TV_UINT) {
		*out = (int64_t)v->u;
		return true;
	}
	if (v->type != TV_STR || v->len != 10 ||
	    sscanf((const char *)v->bytes, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	*out = days_from_civil(y, m, d) * SECONDS_PER_DAY +
	    (end_of_day ? SECONDS_PER_DAY - 1 : 0);
	return true;
}

static bool
keep_event(struct page *p, const struct tv_rec *rec, struct pick *out)
{
	int64_t start, end;

	if (!event_time(tv_map_get(rec->body, "start"), false, &start))
		return false;
	if (!event_time(tv_map_get(rec->body, "end"), true, &end) &&
	    !event_time(tv_map_get(rec->body, "start"), true, &end))
		return false;
	if (end < p->o->now)
		return false;
	out->key = start;
	if (!distance_to(p, rec, &out->dist_m))
		return is_own(p, rec);
	return is_own(p, rec) || out->dist_m <= p->o->radius_m;
}

static void
put_area_name(struct page *p, const struct tv_rec *rec)
{
	const struct tv_rec *profile = tv_recset_profile(p->s, rec->origin);
	const struct tv_value *name = profile ? tv_rec_text(profile, "name") :
	    NULL;

	if (name == NULL)
		return;
	tv_html_escape(p->out, name->bytes, name->len);
	puts_(p, " · ");
}

static void
put_event(struct page *p, const struct pick *pk)
{
	static const char *const meta[] = { "place", "address", "price",
	    "signup", "interests", NULL };
	const struct tv_value *st = tv_map_get(pk->rec->body, "status");
	bool cancelled = st != NULL && tv_str_eq(st, "cancelled");

	puts_(p, "<div class=\"item\"><strong>");
	put_field(p, pk->rec, "start");
	puts_(p, "</strong> ");
	put_field(p, pk->rec, "title");
	if (cancelled) {
		puts_(p, " – <span class=\"status\">");
		put_field(p, pk->rec, "status");
		puts_(p, "</span>");
	}
	puts_(p, "\n");
	if (!is_own(p, pk->rec)) {
		puts_(p, "<div class=\"meta\">");
		put_area_name(p, pk->rec);
		put_distance(p, pk->dist_m);
		puts_(p, "</div>\n");
	}
	put_meta(p, pk->rec, meta);
	puts_(p, "</div>\n");
}

static void
radius_text(const struct page *p, char *out, size_t len)
{
	snprintf(out, len, "%u km", (unsigned)(p->o->radius_m / 1000));
}

static void
put_events(struct page *p)
{
	char heading[NAME_TEXT_MAX + 80];
	size_t n;
	struct pick *picks = pick_all(p, "event", keep_event, &n);

	if (picks == NULL)
		return;
	snprintf(heading, sizeof(heading), word(p, W_EVENTS), p->name);
	section_open(p, "events", heading);
	for (size_t k = 0; k < n; k++)
		put_event(p, &picks[k]);
	section_close(p, n, picks);
}

/* ---- Matching projects nearby ------------------------------------------ */

/* DATAMODEL §4.5: a project others can join is an idea, planned or shelved. */
static bool
is_open_project(const struct tv_rec *rec)
{
	const struct tv_value *st = tv_map_get(rec->body, "status");

	return st != NULL && (tv_str_eq(st, "idea") ||
	    tv_str_eq(st, "planning") || tv_str_eq(st, "shelved"));
}

/* Notes which vocabulary codes this area's associations and projects have. */
static void
own_interests(struct page *p)
{
	size_t n;
	const struct tv_interest *in = tv_interests(&n);

	for (size_t i = 0; i < p->s->n; i++) {
		const struct tv_rec *rec = &p->s->recs[i];
		if (!is_own(p, rec) || !(tv_rec_is(rec, "association") ||
		    tv_rec_is(rec, "project")))
			continue;
		for (size_t k = 0; k < n && k < INTERESTS_MAX; k++)
			p->own_interest[k] |= has_interest(rec, in[k].code);
	}
}

static bool
shares_interest(const struct page *p, const struct tv_rec *rec)
{
	size_t n;
	const struct tv_interest *in = tv_interests(&n);

	for (size_t i = 0; i < n && i < INTERESTS_MAX; i++)
		if (p->own_interest[i] && has_interest(rec, in[i].code))
			return true;
	return false;
}

static bool
keep_match(struct page *p, const struct tv_rec *rec, struct pick *out)
{
	if (is_own(p, rec) || !is_open_project(rec) ||
	    !distance_to(p, rec, &out->dist_m) ||
	    out->dist_m > p->o->radius_m || !shares_interest(p, rec))
		return false;
	out->key = (int64_t)out->dist_m;
	return true;
}

static void
put_shared(struct page *p, const struct tv_rec *rec)
{
	size_t n;
	const struct tv_interest *in = tv_interests(&n);
	bool first = true;

	for (size_t i = 0; i < n && i < INTERESTS_MAX; i++) {
		if (!p->own_interest[i] || !has_interest(rec, in[i].code))
			continue;
		if (first)
			putf_esc(p, " · %s: ", word(p, W_SHARED));
		else
			puts_(p, ", ");
		put_esc(p, p->da ? in[i].da : in[i].en);
		first = false;
	}
}

static void
put_matches(struct page *p)
{
	char heading[160];
	static const char *const meta[] = { "needs", "place", NULL };
	char radius[32];
	size_t n;
	struct pick *picks = pick_all(p, "project", keep_match, &n);

	if (picks == NULL)
		return;
	radius_text(p, radius, sizeof(radius));
	snprintf(heading, sizeof(heading), word(p, W_MATCHES), radius);
	section_open(p, "matches", heading);
	for (size_t k = 0; k < n; k++) {
		put_item_head(p, picks[k].rec, "status");
		puts_(p, "<div class=\"meta\">");
		put_area_name(p, picks[k].rec);
		put_distance(p, picks[k].dist_m);
		put_shared(p, picks[k].rec);
		puts_(p, "</div>\n");
		put_meta(p, picks[k].rec, meta);
		puts_(p, "</div>\n");
	}
	section_close(p, n, picks);
}

/* ---- The page ---------------------------------------------------------- */

static void
put_head(struct page *p)
{
	static const char *const meta[] = { "council_name", "municipality",
	    "meeting_place", "email", "phone", "website", NULL };
	const struct tv_kind *event = tv_kind_by_wire("event", 5);
	struct tv_value now;
	char printed[64];

	puts_(p, "<!DOCTYPE html>\n<html lang=\"");
	puts_(p, p->da ? "da" : "en");
	puts_(p, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	putf_esc(p, word(p, W_TITLE), p->name);
	puts_(p, "</title>\n<style>\n");
	puts_(p, style);
	puts_(p, "</style>\n</head>\n<body>\n<header>\n<h1>");
	putf_esc(p, word(p, W_TITLE), p->name);
	puts_(p, "</h1>\n");
	put_meta(p, p->profile, meta);
	/* To the minute: seconds on a printed page only look odd. */
	tv_set_int(&now, p->o->now - p->o->now % 60);
	tv_field_format(tv_kind_field(event, "start"), &now,
	    p->da ? "da" : "en", printed, sizeof(printed));
	puts_(p, "<div class=\"meta\">");
	putf_esc(p, word(p, W_PRINTED), printed);
	puts_(p, "</div>\n</header>\n");
}

int
tv_overview_html(const struct tv_recset *s, const struct tv_overview_opts *o,
    struct tv_buf *out)
{
	struct page p = { .out = out, .s = s, .o = o,
	    .da = strcmp(o->lang, "da") == 0 };
	const struct tv_value *name;

	if ((p.profile = tv_recset_profile(s, o->area)) == NULL ||
	    p.profile->k == NULL)
		return TV_ENOTFOUND;
	name = tv_rec_text(p.profile, "name");
	snprintf(p.name, sizeof(p.name), "%.*s", name ? (int)name->len : 0,
	    name ? (const char *)name->bytes : "");
	p.has_loc = tv_rec_location(s, p.profile, &p.lat, &p.lon);
	own_interests(&p);
	put_head(&p);
	put_associations(&p);
	if (p.err == 0)
		put_own_projects(&p);
	if (p.err == 0)
		put_events(&p);
	if (p.err == 0)
		put_matches(&p);
	puts_(&p, "<footer>");
	put_esc(&p, word(&p, W_FOOTER));
	puts_(&p, "</footer>\n</body>\n</html>\n");
	return p.err != 0 ? p.err : out->err;
}
