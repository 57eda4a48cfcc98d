/*
 * Formatting field values for people (tv_field_format): labels instead of
 * codes, "336 Stevns", money, dates and Copenhagen times through
 * proto/dkfmt.h, cut to the caller's buffer with "…". Apart from kinds.c
 * because writing for people is a job of its own; it needs only the
 * schema tables and a few helpers (kinds_impl.h). A value that does not
 * match its field is shown raw. Nothing here allocates or prints.
 */
#include "kinds.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "caltime.h"
#include "dkfmt.h"
#include "ids.h"
#include "kinds_impl.h"

/* ---- Formatting for people --------------------------------------------- */

/* Output into a fixed buffer; remembers whether anything was cut off. */
struct fmt {
	char *out;
	size_t cap;		/* bytes available, including the NUL */
	size_t len;
	bool cut;
};

static void
put(struct fmt *o, const void *p, size_t n)
{
	if (o->cap == 0)
		return;
	size_t room = o->cap - 1 - o->len;
	if (n > room) {
		n = room;
		o->cut = true;
	}
	memcpy(o->out + o->len, p, n);
	o->len += n;
	o->out[o->len] = 0;
}

static void
puts_(struct fmt *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct fmt *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct fmt *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Ends a cut-off output with "…" at a UTF-8 character boundary. */
static size_t
finish(struct fmt *o)
{
	static const char ellipsis[] = "\xe2\x80\xa6";

	if (o->cap == 0)
		return 0;
	if (!o->cut)
		return o->len;
	if (o->cap < sizeof(ellipsis)) {
		/* No room for the ellipsis; drop a character left incomplete. */
		size_t start = o->len;
		while (start > 0 && ((uint8_t)o->out[start - 1] & 0xc0) == 0x80)
			start--;
		if (start > 0) {
			uint8_t lead = (uint8_t)o->out[start - 1];
			size_t want = lead < 0x80 ? 1 : lead < 0xe0 ? 2 :
			    lead < 0xf0 ? 3 : 4;
			if (o->len - (start - 1) < want)
				o->len = start - 1;
		}
		o->out[o->len] = 0;
		return o->len;
	}
	if (o->len > o->cap - sizeof(ellipsis))
		o->len = o->cap - sizeof(ellipsis);
	/* out[len] is a byte of the full text here: step back to a character start. */
	while (o->len > 0 && ((uint8_t)o->out[o->len] & 0xc0) == 0x80)
		o->len--;
	memcpy(o->out + o->len, ellipsis, sizeof(ellipsis));
	o->len += sizeof(ellipsis) - 1;
	return o->len;
}

static const char *
enum_label(const struct tv_enum_value *e, size_t n, const struct tv_value *v,
    bool da)
{
	if (v->type != TV_STR)
		return NULL;
	const struct tv_enum_value *x = tv__kinds_enum_by_code(e, n, v->bytes, v->len);
	return x ? (da ? x->da : x->en) : NULL;
}

static void
put_enum(struct fmt *o, const struct tv_enum_value *e, size_t n,
    const struct tv_value *v, bool da)
{
	const char *label = enum_label(e, n, v, da);

	if (label != NULL)
		puts_(o, label);
	else if (v->type == TV_STR)
		put(o, v->bytes, v->len);	/* a code this build does not know */
	else
		puts_(o, "?");
}

static void
put_int(struct fmt *o, int64_t v, bool da)
{
	char buf[48];

	tv_fmt_int(v, da ? TV_LANG_DA : TV_LANG_EN, buf, sizeof(buf));
	puts_(o, buf);
}

static void
put_money(struct fmt *o, int64_t v, bool da)
{
	char buf[48];

	tv_fmt_money(v, da ? TV_LANG_DA : TV_LANG_EN, buf, sizeof(buf));
	puts_(o, buf);
}

/* Writes any value without a schema: text as is, numbers, lists joined. */
static void
put_plain(struct fmt *o, const struct tv_value *v, bool da)
{
	switch (v->type) {
	case TV_NIL:
		puts_(o, "-");
		return;
	case TV_BOOL:
		puts_(o, v->b ? (da ? "ja" : "yes") : (da ? "nej" : "no"));
		return;
	case TV_UINT:
		putf(o, "%llu", (unsigned long long)v->u);
		return;
	case TV_NINT:
		putf(o, "%lld", (long long)v->i);
		return;
	case TV_STR:
		put(o, v->bytes, v->len);
		return;
	case TV_BIN:
		for (uint32_t i = 0; i < v->len && i < 8; i++)
			putf(o, "%02x", v->bytes[i]);
		if (v->len > 8)
			puts_(o, "…");
		return;
	case TV_ARRAY:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_plain(o, &v->items[i], da);
		}
		return;
	case TV_MAP:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_plain(o, &v->items[2 * i], da);
			puts_(o, ": ");
			put_plain(o, &v->items[2 * i + 1], da);
		}
		return;
	}
}

static void
put_ref(struct fmt *o, const struct tv_value *v)
{
	char area[TV_AREA_TEXT_LEN + 1], id[TV_ID_TEXT_LEN + 1];
	static const uint8_t zero[TV_ID_LEN];

	tv_area_text(v->items[0].bytes, area);
	puts_(o, area);
	if (memcmp(v->items[1].bytes, zero, TV_ID_LEN) != 0) {
		tv_id_text(v->items[1].bytes, id);
		puts_(o, ":");
		puts_(o, id);
	}
}

/* A wire date "YYYY-MM-DD" as people write it, flags as for tv_fmt_date. */
static void
put_date(struct fmt *o, const struct tv_value *v, bool da, unsigned flags)
{
	char buf[64];
	int64_t y;
	int m, d;

	if (!tv_date_wire(v->bytes, v->len, &y, &m, &d)) {
		put(o, v->bytes, v->len);
		return;
	}
	tv_fmt_date(y, m, d, da ? TV_LANG_DA : TV_LANG_EN, flags, buf,
	    sizeof(buf));
	puts_(o, buf);
}

/* "lør. 8. nov. 2025 kl. 19.30" in Copenhagen time; all day: "lør. 8. nov. 2025". */
static void
put_time(struct fmt *o, const struct tv_value *v, bool da)
{
	char buf[64];
	int64_t t = 0;

	if (v->type == TV_STR) {
		put_date(o, v, da, TV_FMT_LONG);
		return;
	}
	tv__kinds_value_int(v, &t);
	tv_fmt_time(t, da ? TV_LANG_DA : TV_LANG_EN, TV_FMT_LONG |
	    (t % 60 != 0 ? TV_FMT_SECONDS : 0), buf, sizeof(buf));
	puts_(o, buf);
}

static void
put_funding(struct fmt *o, const struct tv_value *it, bool da)
{
	const struct tv_value *src = tv__kinds_map_find(it, "source");
	const struct tv_value *name = tv__kinds_map_find(it, "name");
	const struct tv_value *st = tv__kinds_map_find(it, "status");
	const struct tv_value *app = tv__kinds_map_find(it, "amount_applied");
	const struct tv_value *gr = tv__kinds_map_find(it, "amount_granted");
	const struct tv_value *date = tv__kinds_map_find(it, "date");
	bool has_name = name != NULL && name->type == TV_STR;
	const char *sep = "";
	int64_t a = 0, g = 0;

	/* "LAG Sydsjælland (LAG, søgt, søgt 180.000 kr., 2025-03-01)" */
	if (has_name)
		put(o, name->bytes, name->len);
	else
		put_enum(o, tv__kinds_funding_sources, tv__kinds_n_funding_sources, src, da);
	if (!has_name && st == NULL && app == NULL && gr == NULL && date == NULL)
		return;
	puts_(o, " (");
	if (has_name) {
		put_enum(o, tv__kinds_funding_sources, tv__kinds_n_funding_sources, src, da);
		sep = ", ";
	}
	if (st != NULL) {
		puts_(o, sep);
		put_enum(o, tv__kinds_funding_status, tv__kinds_n_funding_status, st, da);
		sep = ", ";
	}
	if (app != NULL && tv__kinds_value_int(app, &a)) {
		puts_(o, sep);
		puts_(o, da ? "søgt " : "applied for ");
		put_money(o, a, da);
		sep = ", ";
	}
	if (gr != NULL && tv__kinds_value_int(gr, &g)) {
		puts_(o, sep);
		puts_(o, da ? "bevilget " : "granted ");
		put_money(o, g, da);
		sep = ", ";
	}
	if (date != NULL && date->type == TV_STR) {
		puts_(o, sep);
		put_date(o, date, da, TV_FMT_YEAR);
	}
	puts_(o, ")");
}

static void
put_consent(struct fmt *o, const struct tv_value *v, bool da)
{
	const struct tv_value *n = tv__kinds_map_find(v, "publish_name");
	const struct tv_value *c = tv__kinds_map_find(v, "publish_contact");
	const struct tv_value *g = tv__kinds_map_find(v, "given");
	const struct tv_value *s = tv__kinds_map_find(v, "scope");
	bool pn = n != NULL && n->type == TV_BOOL && n->b;
	bool pc = c != NULL && c->type == TV_BOOL && c->b;

	if (pn && pc)
		puts_(o, da ? "navn og kontakt" : "name and contact");
	else if (pn)
		puts_(o, da ? "navn" : "name");
	else if (pc)
		puts_(o, da ? "kontakt" : "contact");
	else
		puts_(o, da ? "intet" : "nothing");
	if (g != NULL && g->type == TV_STR) {
		puts_(o, da ? ", givet " : ", given ");
		put_date(o, g, da, TV_FMT_YEAR);
	}
	if (s != NULL && s->type == TV_STR) {
		puts_(o, " (");
		put(o, s->bytes, s->len);
		puts_(o, ")");
	}
}

/* Writes v, already checked to have f's type. */
static void
put_field(struct fmt *o, const struct tv_field *f, const struct tv_value *v,
    bool da)
{
	const struct tv_municipality *m;
	const struct tv_interest *in;
	char lat[32], lon[32];
	int64_t x = 0;

	switch (f->type) {
	case TV_F_INT:
		tv__kinds_value_int(v, &x);
		if (strcmp(f->name, "price") == 0 && x == 0)
			puts_(o, da ? "gratis" : "free");
		else if (tv__kinds_is_money(f))
			put_money(o, x, da);
		else if (f->max > 9999)	/* counts, not years or postcodes */
			put_int(o, x, da);
		else
			putf(o, "%lld", (long long)x);
		return;
	case TV_F_ENUM:
		put_enum(o, f->enums, f->n_enums, v, da);
		return;
	case TV_F_ENUM_LIST:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_enum(o, f->enums, f->n_enums, &v->items[i], da);
		}
		return;
	case TV_F_INTERESTS:
		for (uint32_t i = 0; i < v->len; i++) {
			const struct tv_value *it = &v->items[i];
			if (i > 0)
				puts_(o, ", ");
			in = tv_interest_find((const char *)it->bytes, it->len);
			if (in != NULL)
				puts_(o, da ? in->da : in->en);
			else
				put(o, it->bytes, it->len);
		}
		return;
	case TV_F_MUNICIPALITY:
		tv__kinds_value_int(v, &x);
		m = tv_municipality_find((int)x);
		putf(o, "%03lld", (long long)x);
		if (m != NULL) {
			puts_(o, " ");
			puts_(o, m->name);
		}
		return;
	case TV_F_REF:
		put_ref(o, v);
		return;
	case TV_F_REF_LIST:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, ", ");
			put_ref(o, &v->items[i]);
		}
		return;
	case TV_F_LOCATION:
		tv__kinds_value_int(&v->items[0], &x);
		tv__kinds_format_udeg(x, lat, sizeof(lat));
		tv__kinds_value_int(&v->items[1], &x);
		tv__kinds_format_udeg(x, lon, sizeof(lon));
		putf(o, "%s, %s", lat, lon);
		return;
	case TV_F_TIME:
		put_time(o, v, da);
		return;
	case TV_F_NEEDS:
		for (uint32_t i = 0; i < v->len; i++) {
			const struct tv_value *t = tv__kinds_map_find(&v->items[i], "type");
			const struct tv_value *x2 = tv__kinds_map_find(&v->items[i], "text");
			if (i > 0)
				puts_(o, ", ");
			put_enum(o, f->enums, f->n_enums, t, da);
			if (x2 != NULL && x2->type == TV_STR) {
				puts_(o, " (");
				put(o, x2->bytes, x2->len);
				puts_(o, ")");
			}
		}
		return;
	case TV_F_FUNDING:
		for (uint32_t i = 0; i < v->len; i++) {
			if (i > 0)
				puts_(o, "; ");
			put_funding(o, &v->items[i], da);
		}
		return;
	case TV_F_CONSENT:
		put_consent(o, v, da);
		return;
	case TV_F_DATE:
		put_date(o, v, da, TV_FMT_YEAR);
		return;
	case TV_F_TEXT:
	case TV_F_BOOL:
	case TV_F_CVR:
	case TV_F_INT_LIST:
	case TV_F_TEXT_LIST:
		put_plain(o, v, da);
		return;
	}
	put_plain(o, v, da);
}

size_t
tv_field_format(const struct tv_field *f, const struct tv_value *v,
    const char *lang, char *out, size_t outlen)
{
	struct fmt o = { .out = out, .cap = outlen };
	bool da = lang == NULL || strncmp(lang, "da", 2) == 0;

	if (outlen == 0)
		return 0;
	out[0] = 0;
	if (v == NULL || v->type == TV_NIL)
		puts_(&o, "-");
	else if (f == NULL || tv__kinds_check_value(f, v, "", NULL, 0) != 0)
		put_plain(&o, v, da);	/* not what the schema says: show it raw */
	else
		put_field(&o, f, v, da);
	return finish(&o);
}
