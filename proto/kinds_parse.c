/*
 * Parsing the text people type into field values (tv_field_parse,
 * PROTOCOL.md §6.17). Apart from kinds.c because reading what people
 * write is a job of its own: codes typed as either label, "180.000 kr.",
 * "336 Stevns", dates in Danish order, times in Copenhagen time. The value
 * is then checked by tv__kinds_check_value, exactly as tv_kind_validate
 * checks a body, so both report the same one-line reasons. Nothing here
 * allocates except into the caller's tv_doc (and one NFC buffer that is
 * freed before returning); nothing prints.
 */
#include "kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "err.h"
#include "ids.h"
#include "kinds_impl.h"

/* Splitting CLI lists: more items than this are refused before counting. */
#define PARSE_ITEMS_MAX 256

/* ---- Small helpers ----------------------------------------------------- */

/* Lower-cases text in place (ASCII and Latin-1 letters keep their byte length). */
static void
fold_in_place(char *s, size_t len)
{
	uint8_t *p = (uint8_t *)s;

	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] += 32;
		else if (p[i] == 0xc3 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9e && p[i + 1] != 0x97)
			p[++i] += 0x20;
	}
}

/* True if label, or one of its '/'-separated parts, equals s ignoring case. */
static bool
label_matches(const char *label, const char *s, size_t len)
{
	const char *p = label;

	if (label == NULL)
		return false;
	if (tv__kinds_fold_eq(label, strlen(label), s, len))
		return true;
	if (strchr(label, '/') == NULL)
		return false;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;
		tv__kinds_trim(&q, &n);
		if (tv__kinds_fold_eq(q, n, s, len))
			return true;
		p = end ? end + 1 : p + strlen(p);
	}
	return false;
}

/* Finds an enum value by its code or either label, ignoring case. */
static const struct tv_enum_value *
enum_lookup(const struct tv_enum_value *e, size_t n, const char *s,
    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (tv__kinds_fold_eq(e[i].code, strlen(e[i].code), s, len))
			return &e[i];
	for (size_t i = 0; i < n; i++)
		if (label_matches(e[i].da, s, len) ||
		    label_matches(e[i].en, s, len))
			return &e[i];
	return NULL;
}

/* ---- Parsing CLI text -------------------------------------------------- */

/* A piece of the (NFC) input text. */
struct span {
	const char *p;
	size_t len;
};

/*
 * Splits s at sep (or, if sep is 0, at commas and white space), trimming
 * each piece and dropping empty ones. Returns the number of pieces, which
 * may exceed max (only max are stored).
 */
static size_t
split(const char *s, size_t len, char sep, struct span *out, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start = i;
		while (i < len && !(sep ? s[i] == sep :
		    (s[i] == ',' || tv__kinds_is_space(s[i]))))
			i++;
		const char *p = s + start;
		size_t plen = i - start;
		tv__kinds_trim(&p, &plen);
		if (plen > 0) {
			if (n < max)
				out[n] = (struct span){ p, plen };
			n++;
		}
		if (i < len)
			i++;
	}
	return n;
}

static int
put_str(struct tv_doc *doc, const char *p, size_t len, struct tv_value *out)
{
	char *copy = tv_doc_copy(doc, p, len);

	if (copy == NULL)
		return TV_ENOMEM;
	tv_set_str(out, copy, len);
	return 0;
}

static int
put_bin(struct tv_doc *doc, const uint8_t *p, size_t len, struct tv_value *out)
{
	char *copy = tv_doc_copy(doc, p, len);

	if (copy == NULL)
		return TV_ENOMEM;
	memset(out, 0, sizeof(*out));
	out->type = TV_BIN;
	out->len = (uint32_t)len;
	out->bytes = (const uint8_t *)copy;
	return 0;
}

/* Makes out an array of n zeroed items in doc. */
static int
put_array(struct tv_doc *doc, size_t n, struct tv_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = TV_ARRAY;
	out->len = (uint32_t)n;
	if (n > 0 && (out->items = tv_doc_alloc(doc, n)) == NULL)
		return TV_ENOMEM;
	return 0;
}

/* Makes out a map with room for n pairs (len starts at 0). */
static int
put_map(struct tv_doc *doc, size_t n, struct tv_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = TV_MAP;
	if (n > 0 && (out->items = tv_doc_alloc(doc, 2 * n)) == NULL)
		return TV_ENOMEM;
	return 0;
}

/* Appends key (a static string) and a copy of *v to a map made by put_map. */
static void
map_add(struct tv_value *map, const char *key, const struct tv_value *v)
{
	tv_set_str(&map->items[2 * map->len], key, strlen(key));
	map->items[2 * map->len + 1] = *v;
	map->len++;
}

static bool
ends_with_fold(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && tv__kinds_fold_eq(s + len - n, n, suffix, n);
}

/*
 * Reads a whole number: an optional sign, digits, and optionally '.', ' '
 * or '_' between groups of three ("180.000", "1 250"). Money may end in
 * "kr.", "kr", "DKK" or ",-".
 */
static bool
read_int(const char *s, size_t len, bool money, int64_t *out)
{
	static const char *const suffixes[] = { "kr.", "kr", "dkk", ",-" };
	bool neg = false;
	uint64_t v = 0;
	size_t i = 0, group = 0;
	int groups = 0;
	char sep = 0;

	tv__kinds_trim(&s, &len);
	for (size_t k = 0; money && k < N(suffixes); k++)
		if (ends_with_fold(s, len, suffixes[k])) {
			len -= strlen(suffixes[k]);
			tv__kinds_trim(&s, &len);
			break;
		}
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return false;
			v = v * 10 + (uint64_t)(c - '0');
			group++;
		} else if (c == '.' || c == ' ' || c == '_') {
			/* A group separator: the same one throughout, then 3 digits. */
			if (group == 0 || (groups > 0 && group != 3) ||
			    (sep != 0 && c != sep))
				return false;
			sep = c;
			groups++;
			group = 0;
		} else {
			return false;
		}
	}
	if (group == 0 || (groups > 0 && group != 3))
		return false;
	if (v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* Reads decimal degrees ("55.4612" or "55,4612") into micro-degrees, rounding. */
static bool
read_degrees(const char *s, size_t len, char dec, int64_t *out)
{
	bool neg = false, any = false;
	int64_t whole = 0, frac = 0;
	int places = 0;
	size_t i = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (whole > 1000)
			return false;
		whole = whole * 10 + (s[i] - '0');
		any = true;
	}
	if (i < len && s[i] == dec) {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (places < 7) {
				frac = frac * 10 + (s[i] - '0');
				places++;
			}
			any = true;
		}
	}
	if (!any || i != len)
		return false;
	while (places < 7) {
		frac *= 10;
		places++;
	}
	int64_t u = whole * 1000000 + (frac + 5) / 10;	/* 7 places -> 6, rounded */
	*out = neg ? -u : u;
	return true;
}

/*
 * A location is "LAT,LON" with decimal points ("55.4612,12.1823"), or two
 * numbers separated by white space with an optional comma between them
 * ("55.461200, 12.182300", as tv_field_format writes it); in that second
 * form decimal commas are read too ("55,4612 12,1823").
 */
static bool
read_location(const char *s, size_t len, int64_t *lat, int64_t *lon)
{
	const char *a = s, *b;
	size_t alen = 0, blen;

	while (alen < len && !tv__kinds_is_space(s[alen]))
		alen++;
	if (alen == len) {
		const char *comma = memchr(s, ',', len);
		if (comma == NULL || memchr(comma + 1, ',',
		    len - (size_t)(comma + 1 - s)) != NULL)
			return false;
		alen = (size_t)(comma - s);
		return read_degrees(s, alen, '.', lat) &&
		    read_degrees(comma + 1, len - alen - 1, '.', lon);
	}
	b = s + alen;
	blen = len - alen;
	tv__kinds_trim(&b, &blen);
	if (alen > 0 && a[alen - 1] == ',')
		alen--;
	else if (blen > 0 && b[0] == ',') {
		b++;
		blen--;
		tv__kinds_trim(&b, &blen);
	}
	return read_degrees(a, alen, memchr(a, '.', alen) ? '.' : ',', lat) &&
	    read_degrees(b, blen, memchr(b, '.', blen) ? '.' : ',', lon);
}

/* Reads a whole date (nothing after it) into "YYYY-MM-DD" in out[11]. */
static bool
read_date_text(const char *s, size_t len, char out[11])
{
	int64_t y;
	int m, d;

	if (tv_date_read(s, len, &y, &m, &d) != len || y < 0 || y > 9999)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, m, d);
	return true;
}

enum time_result { TIME_BAD, TIME_OK, TIME_DATE, TIME_GAP };

/*
 * Reads an event time: integer seconds UTC; a date alone (an all-day
 * value, written to date[11]); or "DATE HH:MM[:SS]" / "DATETHH:MM[:SS]"
 * in Copenhagen time (CET/CEST), or UTC when followed by 'Z'.
 */
static enum time_result
read_time(const char *s, size_t len, int64_t *out, char date[11])
{
	int64_t y, hh, mm, ss = 0, v;
	int m, d;
	size_t i;
	bool utc = false;

	if (len > 0 && len <= 12 && tv__digits(s, len) >= 0) {
		*out = tv__digits(s, len);
		return TIME_OK;
	}
	i = tv_date_read(s, len, &y, &m, &d);
	if (i == 0 || y < 0 || y > 9999)
		return TIME_BAD;
	if (i == len) {
		snprintf(date, 11, "%04d-%02d-%02d", (int)y, m, d);
		return TIME_DATE;
	}
	if (s[i] != ' ' && s[i] != 'T' && s[i] != 't')
		return TIME_BAD;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	if (len > i && (s[len - 1] == 'Z' || s[len - 1] == 'z')) {
		utc = true;
		len--;
	}
	/* HH:MM, H:MM, or the Danish HH.MM; then optional :SS. */
	size_t h0 = i;
	while (i < len && s[i] >= '0' && s[i] <= '9' && i - h0 < 2)
		i++;
	if (i == h0 || i >= len || (s[i] != ':' && s[i] != '.'))
		return TIME_BAD;
	hh = tv__digits(s + h0, i - h0);
	i++;
	if (len - i < 2 || (mm = tv__digits(s + i, 2)) < 0)
		return TIME_BAD;
	i += 2;
	if (i < len) {
		if (s[i] != ':' || len - i != 3 || (ss = tv__digits(s + i + 1, 2)) < 0)
			return TIME_BAD;
		i = len;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return TIME_BAD;
	v = tv_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	if (utc) {
		*out = v;
		return TIME_OK;
	}
	return tv_cph_local_to_utc(v, out) ? TIME_OK : TIME_GAP;
}

/* Reads a reference "<area>:<id>", "<area>:" or "<area>" (an area profile). */
static bool
read_ref(const char *s, size_t len, uint8_t origin[TV_PK_LEN],
    uint8_t id[TV_ID_LEN])
{
	/* PROTOCOL.md §5.4: the text form of a reference. */
	if (len < TV_AREA_TEXT_LEN ||
	    tv_b32_decode(s, TV_AREA_TEXT_LEN, origin, TV_PK_LEN) != 0)
		return false;
	memset(id, 0, TV_ID_LEN);
	if (len == TV_AREA_TEXT_LEN ||
	    (len == TV_AREA_TEXT_LEN + 1 && s[TV_AREA_TEXT_LEN] == ':'))
		return true;
	return len == TV_AREA_TEXT_LEN + 1 + TV_ID_TEXT_LEN &&
	    s[TV_AREA_TEXT_LEN] == ':' &&
	    tv_b32_decode(s + TV_AREA_TEXT_LEN + 1, TV_ID_TEXT_LEN, id,
	    TV_ID_LEN) == 0;
}

static int
parse_ref(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];
	int rc;

	if (!read_ref(s, len, origin, id))
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a reference "
		    "(AREA:ID, or AREA for an area)", what,
		    tv__kinds_show(s, len).s);
	if ((rc = put_array(doc, 2, out)) != 0 ||
	    (rc = put_bin(doc, origin, TV_PK_LEN, &out->items[0])) != 0 ||
	    (rc = put_bin(doc, id, TV_ID_LEN, &out->items[1])) != 0)
		return rc;
	return 0;
}

static int
parse_enum(const struct tv_enum_value *e, size_t n, const char *what,
    const char *s, size_t len, struct tv_value *out, char *errbuf,
    size_t errlen)
{
	const struct tv_enum_value *v = enum_lookup(e, n, s, len);
	char known[512];

	if (v == NULL) {
		tv__kinds_enum_list(e, n, known, sizeof(known));
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not one of: %s", what,
		    tv__kinds_show(s, len).s, known);
	}
	tv_set_str(out, v->code, strlen(v->code));
	return 0;
}

static int
parse_date(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	char date[11];

	if (!read_date_text(s, len, date))
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a date (use "
		    "YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY)", what,
		    tv__kinds_show(s, len).s);
	return put_str(doc, date, 10, out);
}

static int
parse_int(const struct tv_field *f, const char *what, const char *s,
    size_t len, struct tv_value *out, char *errbuf, size_t errlen)
{
	int64_t v;

	if (!read_int(s, len, tv__kinds_is_money(f), &v))
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a whole number",
		    what, tv__kinds_show(s, len).s);
	tv_set_int(out, v);
	return 0;
}

/*
 * A municipality: its code with or without leading zeros ("336", "0336",
 * as DAWA writes it), its name ("Stevns", "Stevns Kommune"), or both as
 * tv_field_format writes them ("336 Stevns").
 */
static int
parse_municipality(const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	const struct tv_municipality *m;
	char name[128];
	size_t i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i > 0) {
		size_t z = 0;
		while (z + 1 < i && s[z] == '0')
			z++;
		int64_t code = i - z > 6 ? 999999 : tv__digits(s + z, i - z);
		const char *rest = s + i;
		size_t rlen = len - i;
		tv__kinds_trim(&rest, &rlen);
		if (rlen > 0 && !tv__kinds_is_space(s[i]))
			return tv__kinds_fail(errbuf, errlen, "%s: '%s' is neither a "
			    "municipality code nor a name (see `tvaers "
			    "municipalities`)", what, tv__kinds_show(s, len).s);
		m = tv_municipality_find((int)code);
		if (m != NULL && rlen > 0 &&
		    !tv__kinds_fold_eq(m->name, strlen(m->name), rest, rlen))
			return tv__kinds_fail(errbuf, errlen, "%s: code %03d is %s, not "
			    "'%s'", what, m->code, m->name,
			    tv__kinds_show(rest, rlen).s);
		tv_set_int(out, code);	/* tv__kinds_check_value reports unknown codes */
		return 0;
	}
	if (ends_with_fold(s, len, " kommune"))
		len -= strlen(" kommune");
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, s, len);
	name[len] = 0;
	if ((m = tv_municipality_by_name(name)) == NULL)
		return tv__kinds_fail(errbuf, errlen, "%s: unknown municipality '%s' (see "
		    "`tvaers municipalities`)", what, tv__kinds_show(name, len).s);
	tv_set_int(out, m->code);
	return 0;
}

/* An interest: a code or a label from the vocabulary, or else a free tag (lower-cased). */
static int
parse_interest(struct tv_doc *doc, const char *s, size_t len,
    struct tv_value *out)
{
	size_t n;
	const struct tv_interest *all = tv_interests(&n);
	char *copy;

	for (size_t i = 0; i < n; i++)
		if (tv__kinds_fold_eq(all[i].code, strlen(all[i].code), s, len) ||
		    tv__kinds_fold_eq(all[i].da, strlen(all[i].da), s, len) ||
		    tv__kinds_fold_eq(all[i].en, strlen(all[i].en), s, len)) {
			tv_set_str(out, all[i].code, strlen(all[i].code));
			return 0;
		}
	if ((copy = tv_doc_copy(doc, s, len)) == NULL)
		return TV_ENOMEM;
	fold_in_place(copy, len);
	tv_set_str(out, copy, len);
	return 0;
}

/* Drops items equal to an earlier one, so "heste, heste" is one interest. */
static void
dedupe(struct tv_value *arr)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < arr->len; i++) {
		bool seen = false;
		for (uint32_t j = 0; j < n && !seen; j++)
			seen = tv__kinds_values_equal(&arr->items[i], &arr->items[j]);
		if (!seen)
			arr->items[n++] = arr->items[i];
	}
	arr->len = n;
}

/* "type[:text]": one need, e.g. "partner:en lokal rideklub". */
static int
parse_need(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	const char *colon = memchr(s, ':', len);
	const char *t = s, *x;
	size_t tlen = colon ? (size_t)(colon - s) : len, xlen;
	struct tv_value v;
	int rc;

	tv__kinds_trim(&t, &tlen);
	if ((rc = put_map(doc, 2, out)) != 0)
		return rc;
	if ((rc = parse_enum(tv__kinds_need_types, tv__kinds_n_need_types, what, t, tlen, &v,
	    errbuf, errlen)) != 0)
		return rc;
	map_add(out, "type", &v);
	if (colon != NULL) {
		x = colon + 1;
		xlen = len - (size_t)(x - s);
		tv__kinds_trim(&x, &xlen);
		if (xlen > 0) {
			if ((rc = put_str(doc, x, xlen, &v)) != 0)
				return rc;
			map_add(out, "text", &v);
		}
	}
	return 0;
}

/* "source:name:applied:granted:status[:date]": one funding item; parts may be empty. */
static int
parse_funding(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	struct span part[7];
	size_t n = 0, i = 0;
	struct tv_value v;
	int rc;

	/* Split at ':' keeping empty parts. */
	while (n < N(part)) {
		size_t start = i;
		while (i < len && s[i] != ':')
			i++;
		part[n] = (struct span){ s + start, i - start };
		tv__kinds_trim(&part[n].p, &part[n].len);
		n++;
		if (i >= len)
			break;
		i++;
	}
	if (i < len || n > 6)
		return tv__kinds_fail(errbuf, errlen, "%s: expected source:name:applied:"
		    "granted:status[:date], e.g. 'lag:LAG Sydsjælland:180000::"
		    "søgt'", what);
	if ((rc = put_map(doc, 6, out)) != 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		const struct tv_field *f = &tv__kinds_funding_item[k];
		char sub[200];
		if (part[k].len == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s: %s", what, f->name);
		switch (f->type) {
		case TV_F_ENUM:
			rc = parse_enum(f->enums, f->n_enums, sub, part[k].p,
			    part[k].len, &v, errbuf, errlen);
			break;
		case TV_F_INT:
			rc = parse_int(f, sub, part[k].p, part[k].len, &v,
			    errbuf, errlen);
			break;
		case TV_F_DATE:
			rc = parse_date(doc, sub, part[k].p, part[k].len, &v,
			    errbuf, errlen);
			break;
		default:
			rc = put_str(doc, part[k].p, part[k].len, &v);
			break;
		}
		if (rc != 0)
			return rc;
		map_add(out, f->name, &v);
	}
	return 0;
}

/*
 * A consent: what may be published ("name" and/or "contact", Danish "navn",
 * "kontakt", or "none"/"ingen"), then the date it was given, then an
 * optional scope that may contain commas:
 * "name,contact,2025-03-01,bestyrelsesliste på hjemmesiden".
 */
static int
parse_consent(struct tv_doc *doc, const char *what, const char *s, size_t len,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	bool name = false, contact = false, have_date = false;
	struct tv_value v;
	char date[11];
	size_t i = 0;
	int rc;

	while (i < len && !have_date) {
		size_t start = i;
		while (i < len && s[i] != ',')
			i++;
		const char *p = s + start;
		size_t n = i - start;
		tv__kinds_trim(&p, &n);
		if (i < len)
			i++;
		if (tv__kinds_fold_eq(p, n, "name", 4) || tv__kinds_fold_eq(p, n, "navn", 4))
			name = true;
		else if (tv__kinds_fold_eq(p, n, "contact", 7) ||
		    tv__kinds_fold_eq(p, n, "kontakt", 7))
			contact = true;
		else if (tv__kinds_fold_eq(p, n, "none", 4) || tv__kinds_fold_eq(p, n, "ingen", 5))
			;
		else if (read_date_text(p, n, date))
			have_date = true;
		else
			break;
	}
	if (!have_date)
		return tv__kinds_fail(errbuf, errlen, "%s: expected what may be published "
		    "(name, contact or none), the date it was given and a scope, "
		    "e.g. 'name,contact,2025-03-01,board list on the website'",
		    what);
	if ((rc = put_map(doc, 4, out)) != 0)
		return rc;
	v = (struct tv_value){ .type = TV_BOOL, .b = name };
	map_add(out, "publish_name", &v);
	v = (struct tv_value){ .type = TV_BOOL, .b = contact };
	map_add(out, "publish_contact", &v);
	if ((rc = put_str(doc, date, 10, &v)) != 0)
		return rc;
	map_add(out, "given", &v);
	const char *scope = s + i;
	size_t slen = len - i;
	tv__kinds_trim(&scope, &slen);
	if (slen > 0) {
		if ((rc = put_str(doc, scope, slen, &v)) != 0)
			return rc;
		map_add(out, "scope", &v);
	}
	return 0;
}

/* Parses a list field: items split at sep, each parsed by the field's item rule. */
static int
parse_list(struct tv_doc *doc, const struct tv_field *f, const char *s,
    size_t len, char sep, struct tv_value *out, char *errbuf, size_t errlen)
{
	struct span part[PARSE_ITEMS_MAX];
	size_t n = split(s, len, sep, part, N(part));
	char item[160];
	int rc;

	if (n > N(part))
		return tv__kinds_fail(errbuf, errlen, "%s: %zu items, at most %u", f->name,
		    n, f->max_items);
	if ((rc = put_array(doc, n, out)) != 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		struct tv_value *v = &out->items[k];
		const char *p = part[k].p;
		size_t plen = part[k].len;
		snprintf(item, sizeof(item), "%s item %zu", f->name, k + 1);
		switch (f->type) {
		case TV_F_ENUM_LIST:
			rc = parse_enum(f->enums, f->n_enums, f->name, p, plen, v,
			    errbuf, errlen);
			break;
		case TV_F_INTERESTS:
			rc = parse_interest(doc, p, plen, v);
			break;
		case TV_F_REF_LIST:
			rc = parse_ref(doc, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_INT_LIST:
			rc = parse_int(f, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_NEEDS:
			rc = parse_need(doc, item, p, plen, v, errbuf, errlen);
			break;
		case TV_F_FUNDING:
			rc = parse_funding(doc, item, p, plen, v, errbuf, errlen);
			break;
		default:	/* TV_F_TEXT_LIST */
			rc = put_str(doc, p, plen, v);
			break;
		}
		if (rc != 0)
			return rc;
	}
	if (f->type != TV_F_NEEDS && f->type != TV_F_FUNDING)
		dedupe(out);
	return 0;
}

/* Parses the NFC-normalised, trimmed, non-empty text s of field f. */
static int
parse_text(struct tv_doc *doc, const struct tv_field *f, const char *s,
    size_t len, struct tv_value *out, char *errbuf, size_t errlen)
{
	const char *what = f->name;
	int64_t t, lat, lon;
	char date[11];

	switch (f->type) {
	case TV_F_TEXT:
		if (tv__kinds_is_hash(f)) {
			char *copy = tv_doc_copy(doc, s, len);
			if (copy == NULL)
				return TV_ENOMEM;
			fold_in_place(copy, len);
			tv_set_str(out, copy, len);
			return 0;
		}
		return put_str(doc, s, len, out);
	case TV_F_INT:
		return parse_int(f, what, s, len, out, errbuf, errlen);
	case TV_F_BOOL: {
		static const char *const yes[] = { "ja", "yes", "true", "1", "j",
		    "y" };
		static const char *const no[] = { "nej", "no", "false", "0", "n" };
		for (size_t k = 0; k < N(yes); k++)
			if (tv__kinds_fold_eq(s, len, yes[k], strlen(yes[k]))) {
				*out = (struct tv_value){ .type = TV_BOOL,
				    .b = true };
				return 0;
			}
		for (size_t k = 0; k < N(no); k++)
			if (tv__kinds_fold_eq(s, len, no[k], strlen(no[k]))) {
				*out = (struct tv_value){ .type = TV_BOOL,
				    .b = false };
				return 0;
			}
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not ja/nej "
		    "(yes/no)", what, tv__kinds_show(s, len).s);
	}
	case TV_F_ENUM:
		return parse_enum(f->enums, f->n_enums, what, s, len, out,
		    errbuf, errlen);
	case TV_F_MUNICIPALITY:
		return parse_municipality(what, s, len, out, errbuf, errlen);
	case TV_F_CVR: {
		/* "12 34 56 78" and "DK12345678" (the VAT form) are fine. */
		char cvr[16];
		size_t n = 0, i = 0;
		if (len >= 2 && tv__kinds_fold_eq(s, 2, "dk", 2))
			i = 2;
		for (; i < len; i++) {
			if (s[i] == ' ' || s[i] == '-')
				continue;
			if (n == sizeof(cvr))
				return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not "
				    "8 digits", what, tv__kinds_show(s, len).s);
			cvr[n++] = s[i];
		}
		return put_str(doc, cvr, n, out);
	}
	case TV_F_REF:
		return parse_ref(doc, what, s, len, out, errbuf, errlen);
	case TV_F_LOCATION:
		if (!read_location(s, len, &lat, &lon))
			return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a "
			    "location; write LAT,LON in degrees, e.g. "
			    "55.4612,12.1823", what, tv__kinds_show(s, len).s);
		if (put_array(doc, 2, out) != 0)
			return TV_ENOMEM;
		tv_set_int(&out->items[0], lat);
		tv_set_int(&out->items[1], lon);
		return 0;
	case TV_F_DATE:
		return parse_date(doc, what, s, len, out, errbuf, errlen);
	case TV_F_TIME:
		switch (read_time(s, len, &t, date)) {
		case TIME_OK:
			tv_set_int(out, t);
			return 0;
		case TIME_DATE:
			return put_str(doc, date, 10, out);
		case TIME_GAP:
			return tv__kinds_fail(errbuf, errlen, "%s: '%s' does not exist "
			    "in Denmark (clocks skip from 02:00 to 03:00 that "
			    "night)", what, tv__kinds_show(s, len).s);
		case TIME_BAD:
			break;
		}
		return tv__kinds_fail(errbuf, errlen, "%s: '%s' is not a time; write "
		    "YYYY-MM-DD HH:MM (Danish time) or a date for all day",
		    what, tv__kinds_show(s, len).s);
	case TV_F_ENUM_LIST:
	case TV_F_INTERESTS:
	case TV_F_REF_LIST:
	case TV_F_TEXT_LIST:
	case TV_F_NEEDS:
		return parse_list(doc, f, s, len, ',', out, errbuf, errlen);
	case TV_F_INT_LIST:
		return parse_list(doc, f, s, len, 0, out, errbuf, errlen);
	case TV_F_FUNDING:
		return parse_list(doc, f, s, len, ';', out, errbuf, errlen);
	case TV_F_CONSENT:
		return parse_consent(doc, what, s, len, out, errbuf, errlen);
	}
	return tv__kinds_fail(errbuf, errlen, "%s: field of unknown type", what);
}

int
tv_field_parse(struct tv_doc *doc, const struct tv_field *f, const char *text,
    struct tv_value *out, char *errbuf, size_t errlen)
{
	char *nfc = NULL;
	size_t nfc_len;
	const char *s;
	size_t len;
	int rc;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = 0;
	memset(out, 0, sizeof(*out));
	out->type = TV_NIL;
	if (f == NULL) {
		/* The caller knows the kind and lists its fields (tv_kind_field). */
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no such field");
		return TV_ENOTFOUND;
	}
	if (doc == NULL || text == NULL)
		return TV_EINVAL;
	/* PROTOCOL.md §2.3: writers normalise text to NFC before signing. */
	rc = tv_text_nfc(text, strlen(text), &nfc, &nfc_len);
	if (rc == TV_ENOMEM)
		return rc;
	if (rc != 0)
		return tv__kinds_fail(errbuf, errlen, "%s: not valid UTF-8", f->name);
	s = nfc;
	len = nfc_len;
	tv__kinds_trim(&s, &len);
	if (len == 0) {
		rc = 0;		/* empty text: remove the field */
		goto out;
	}
	if ((rc = parse_text(doc, f, s, len, out, errbuf, errlen)) != 0)
		goto out;
	/* The limits, reported exactly as tv_kind_validate reports them. */
	rc = tv__kinds_check_value(f, out, "", errbuf, errlen);
out:
	free(nfc);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		out->type = TV_NIL;
	}
	return rc;
}
