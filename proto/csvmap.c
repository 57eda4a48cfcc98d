#include "csvmap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "err.h"
#include "ids.h"
#include "caltime.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *msg, size_t msglen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(char *msg, size_t msglen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (msg != NULL && msglen > 0) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/*
 * Case-folds text for comparing names, with '_' read as a space so that
 * "members_year" and "Members year" meet. Returns a new string or NULL
 * (invalid UTF-8, out of memory).
 */
static char *
fold(const char *s, size_t len)
{
	utf8proc_uint8_t *out = NULL;

	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	    &out, UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE) < 0)
		return NULL;
	for (char *p = (char *)out; *p; p++)
		if (*p == '_')
			*p = ' ';
	return (char *)out;
}

static bool
fold_is(const char *folded, const char *name)
{
	char *f = fold(name, strlen(name));
	bool eq = f != NULL && strcmp(folded, f) == 0;

	free(f);
	return eq;
}

bool
tv_csv_kind_ok(const struct tv_kind *k)
{
	/* Records with a name or title of their own, kept in spreadsheets. */
	return k != NULL && (strcmp(k->name, "association") == 0 ||
	    strcmp(k->name, "project") == 0 || strcmp(k->name, "event") == 0);
}

static const struct tv_field *
field_by_header(const struct tv_kind *k, const char *folded)
{
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct tv_field *f = &k->fields[i];
		if (fold_is(folded, f->name) || fold_is(folded, f->da) ||
		    fold_is(folded, f->en))
			return f;
	}
	return NULL;
}

/*
 * DATAMODEL.md §3: tvaers holds no CPR numbers and no member lists. A
 * header that names either is refused unless it is a field of the kind
 * (an association's "members" is its member count).
 */
static const char *const cpr_words[] = {
	"cpr", "personnummer", "personnr", "person nr", "fødselsdato",
	"fødselsdag", "birth",
};
static const char *const member_list_words[] = {
	"medlemsliste", "medlemsnummer", "medlemsnr", "medlemmer", "member list",
	"memberlist", "members list", "member number", "members", "medlem",
	"member",
};

static bool
has_word(const char *folded, const char *const *words, size_t n, bool whole)
{
	for (size_t i = 0; i < n; i++)
		if (whole ? strcmp(folded, words[i]) == 0 :
		    strstr(folded, words[i]) != NULL)
			return true;
	return false;
}

static void
known_headers(const struct tv_kind *k, char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < k->n_fields; i++) {
		char h[64];
		tv_csv_header_text(&k->fields[i], TV_CSV_EXCEL, h, sizeof(h));
		int n = snprintf(out + len, outlen - len, "%s%s", i ? ", " : "",
		    h);
		if (n < 0 || (size_t)n >= outlen - len)
			break;
		len += (size_t)n;
	}
}

/* Maps one header cell; returns 0 with *out (NULL: an empty header) or an error. */
static int
map_column(const struct tv_kind *k, const char *s, size_t len, size_t col,
    const struct tv_field **out, char *msg, size_t msglen)
{
	char *folded, known[1024];
	int rc = 0;

	trim(&s, &len);
	*out = NULL;
	if (len == 0)
		return 0;
	if ((folded = fold(s, len)) == NULL)
		return fail(msg, msglen, TV_ENOMEM, "out of memory");
	if ((*out = field_by_header(k, folded)) != NULL) {
		free(folded);
		return 0;
	}
	if (has_word(folded, cpr_words, N(cpr_words), false))
		rc = fail(msg, msglen, TV_ELOCAL, "column %zu '%.*s' holds "
		    "CPR numbers or birth dates: tvaers never stores them; "
		    "delete the column from the file", col, (int)len, s);
	else if (has_word(folded, member_list_words, 3, false) ||
	    has_word(folded, member_list_words, N(member_list_words), true))
		rc = fail(msg, msglen, TV_ELOCAL, "column %zu '%.*s' looks like "
		    "a member list: tvaers keeps no member lists; delete the "
		    "column (if it holds the number of members, call it "
		    "'Medlemstal')", col, (int)len, s);
	free(folded);
	if (rc != 0)
		return rc;
	known_headers(k, known, sizeof(known));
	return fail(msg, msglen, TV_ENOTFOUND, "column %zu '%.*s' is no field "
	    "of %s; the columns are: %s", col, (int)len, s, k->name, known);
}

int
tv_csv_header_map(const struct tv_kind *k, const struct tv_csv_row *hdr,
    const struct tv_field **out_fields, char *msg, size_t msglen)
{
	int rc;

	for (size_t i = 0; i < hdr->n; i++) {
		rc = map_column(k, hdr->field[i], hdr->len[i], i + 1,
		    &out_fields[i], msg, msglen);
		if (rc != 0)
			return rc;
		for (size_t j = 0; j < i && out_fields[i] != NULL; j++)
			if (out_fields[j] == out_fields[i])
				return fail(msg, msglen, TV_EEXIST, "columns "
				    "%zu and %zu are both the field %s", j + 1,
				    i + 1, out_fields[i]->name);
	}
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True if the six digits at s are a day and month that exist (DDMMYY). */
static bool
cpr_date(const char *s)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int d = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[2] - '0') * 10 + (s[3] - '0');

	return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

bool
tv_csv_looks_like_cpr(const char *s, size_t len)
{
	char padded[10];

	trim(&s, &len);
	/* Excel drops the leading zero of 0102031234 unless the column is text. */
	if (len == 9) {
		bool all = true;
		for (size_t i = 0; i < 9; i++)
			all &= is_digit(s[i]);
		padded[0] = '0';
		memcpy(padded + 1, s, 9);
		if (all && cpr_date(padded))
			return true;
	}
	for (size_t i = 0; i + 10 <= len; i++) {
		size_t j = i, run = 0;
		if (i > 0 && is_digit(s[i - 1]))
			continue;
		while (j < len && is_digit(s[j]) && run < 6) {
			j++;
			run++;
		}
		if (run != 6 || j >= len)
			continue;
		if (s[j] == '-' || s[j] == ' ')
			j++;
		if (len - j < 4 || !is_digit(s[j]) || !is_digit(s[j + 1]) ||
		    !is_digit(s[j + 2]) || !is_digit(s[j + 3]))
			continue;
		if ((j + 4 < len && is_digit(s[j + 4])) || !cpr_date(s + i))
			continue;
		return true;
	}
	return false;
}

void
tv_csv_header_text(const struct tv_field *f, enum tv_csv_dialect d,
    char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	snprintf(out, outlen, "%s", d == TV_CSV_EXCEL ? f->da : f->name);
	if (d != TV_CSV_EXCEL)
		return;
	/* A capital first letter, as a Danish spreadsheet heads its columns. */
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
	else if ((uint8_t)out[0] == 0xc3 && (uint8_t)out[1] >= 0xa0 &&
	    (uint8_t)out[1] <= 0xbe && (uint8_t)out[1] != 0xb7)
		out[1] = (char)(out[1] - 0x20);	/* æ ø å and kin */
}

/* ---- Cells in ---------------------------------------------------------- */

/* "4,51235E+09": a number Excel wrote in scientific notation, digits lost. */
static bool
is_scientific(const char *s, size_t len)
{
	size_t i = 0, before = 0;

	while (i < len && is_digit(s[i])) {
		i++;
		before++;
	}
	if (before == 0)
		return false;
	if (i < len && (s[i] == ',' || s[i] == '.'))
		for (i++; i < len && is_digit(s[i]); i++)
			;
	if (i + 2 > len || (s[i] != 'E' && s[i] != 'e') || s[i + 1] != '+')
		return false;
	for (i += 2; i < len && is_digit(s[i]); i++)
		;
	return i == len && is_digit(s[len - 1]);
}

/* Drops a decimal part of zeros from a whole number ("180.000,00 kr."). */
static size_t
drop_zero_decimals(char *s, size_t len)
{
	for (size_t i = 1; i < len; i++) {
		size_t j = i + 1;
		if (s[i] != ',' || !is_digit(s[i - 1]))
			continue;
		while (j < len && s[j] == '0')
			j++;
		if (j == i + 1 || (j < len && is_digit(s[j])))
			continue;
		memmove(s + i, s + j, len - j + 1);
		return len - (j - i);
	}
	return len;
}

int
tv_csv_cell_prepare(const struct tv_field *f, const char *s, size_t len,
    char **out, char *msg, size_t msglen)
{
	char *t;

	trim(&s, &len);
	*out = NULL;
	if (is_scientific(s, len))
		return fail(msg, msglen, TV_ESCHEMA, "'%.*s' is a number Excel "
		    "shortened, and digits are lost; format the column as text "
		    "in Excel, type the numbers again and save", (int)len, s);
	if ((t = malloc(len + 8)) == NULL)
		return TV_ENOMEM;
	memcpy(t, s, len);
	t[len] = 0;
	*out = t;
	if (f->type == TV_F_BOOL && (strcmp(t, "SAND") == 0 ||
	    strcmp(t, "sand") == 0 || strcmp(t, "Sand") == 0))
		strcpy(t, "ja");	/* Danish Excel's TRUE */
	else if (f->type == TV_F_BOOL && (strcmp(t, "FALSK") == 0 ||
	    strcmp(t, "falsk") == 0 || strcmp(t, "Falsk") == 0))
		strcpy(t, "nej");
	else if (f->type == TV_F_INT)
		drop_zero_decimals(t, len);
	else if (strcmp(f->name, "phone") == 0 && len == 10 &&
	    strncmp(t, "45", 2) == 0 && strspn(t, "0123456789") == 10) {
		/* A number cell lost the "+" of +45 12345678. */
		memmove(t + 4, t + 2, 9);
		memcpy(t, "+45 ", 4);
	}
	return 0;
}

/* ---- Cells out --------------------------------------------------------- */

/* Cells are built in a tv_buf; its error is sticky and checked once at the end. */
struct sb {
	struct tv_buf b;
};

static void
sb_put(struct sb *b, const void *s, size_t n)
{
	(void)tv_buf_put(&b->b, s, n);
}

static void sb_printf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	char buf[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_put(b, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf) - 1);
}

static void
sb_str(struct sb *b, const struct tv_value *v)
{
	if (v != NULL && v->type == TV_STR)
		sb_put(b, v->bytes, v->len);
}

static bool
int_of(const struct tv_value *v, int64_t *out)
{
	if (v == NULL)
		return false;
	if (v->type == TV_UINT && v->u <= INT64_MAX) {
		*out = (int64_t)v->u;
		return true;
	}
	if (v->type == TV_NINT) {
		*out = v->i;
		return true;
	}
	return false;
}

static void
put_enum(struct sb *b, const struct tv_enum_value *e, size_t n,
    const struct tv_value *v, enum tv_csv_dialect d)
{
	for (size_t i = 0; d == TV_CSV_EXCEL && v->type == TV_STR && i < n;
	    i++)
		if (strlen(e[i].code) == v->len &&
		    memcmp(e[i].code, v->bytes, v->len) == 0) {
			sb_put(b, e[i].da, strlen(e[i].da));
			return;
		}
	sb_str(b, v);
}

/* "YYYY-MM-DD" as DD-MM-YYYY for Excel, as it is for machines. */
static void
put_date(struct sb *b, const struct tv_value *v, enum tv_csv_dialect d)
{
	if (d == TV_CSV_EXCEL && v->type == TV_STR && v->len == 10) {
		const char *s = (const char *)v->bytes;
		sb_printf(b, "%.2s-%.2s-%.4s", s + 8, s + 5, s);
		return;
	}
	sb_str(b, v);
}

static void
put_clock(struct sb *b, int64_t t)
{
	int64_t day = t / 86400 - (t % 86400 < 0), sec = t - day * 86400, y;
	int m, dd;

	tv_civil_from_days(day, &y, &m, &dd);
	sb_printf(b, "%02d-%02d-%04" PRId64 " %02d:%02d", dd, m, y,
	    (int)(sec / 3600), (int)(sec / 60 % 60));
	if (sec % 60 != 0)
		sb_printf(b, ":%02d", (int)(sec % 60));
}

/*
 * Excel gets Copenhagen time; the autumn hour that happens twice reads
 * back as its first occurrence, so the second is written in UTC ("Z").
 */
static void
put_time(struct sb *b, const struct tv_value *v, enum tv_csv_dialect d)
{
	int64_t t, local, back;

	if (v->type == TV_STR) {
		put_date(b, v, d);	/* an all-day event */
		return;
	}
	if (!int_of(v, &t))
		return;
	local = tv_cph_utc_to_local(t);
	if (d == TV_CSV_EXCEL && tv_cph_local_to_utc(local, &back) && back == t) {
		put_clock(b, local);
		return;
	}
	put_clock(b, t);
	sb_put(b, "Z", 1);
}

static void
put_ref(struct sb *b, const struct tv_value *v)
{
	static const uint8_t zero[TV_ID_LEN];
	char area[TV_AREA_TEXT_LEN + 1], id[TV_ID_TEXT_LEN + 1];

	if (v->type != TV_ARRAY || v->len != 2 ||
	    v->items[0].len != TV_PK_LEN || v->items[1].len != TV_ID_LEN)
		return;
	tv_area_text(v->items[0].bytes, area);
	sb_put(b, area, strlen(area));
	if (memcmp(v->items[1].bytes, zero, TV_ID_LEN) != 0) {
		tv_id_text(v->items[1].bytes, id);
		sb_printf(b, ":%s", id);
	}
}

static void
put_location(struct sb *b, const struct tv_value *v, enum tv_csv_dialect d)
{
	int64_t c[2];

	if (v->type != TV_ARRAY || v->len != 2 || !int_of(&v->items[0], &c[0]) ||
	    !int_of(&v->items[1], &c[1]))
		return;
	for (int i = 0; i < 2; i++) {
		uint64_t a = c[i] < 0 ? (uint64_t)0 - (uint64_t)c[i] :
		    (uint64_t)c[i];
		if (i > 0)
			sb_put(b, d == TV_CSV_EXCEL ? " " : ",", 1);
		sb_printf(b, "%s%" PRIu64 "%c%06" PRIu64, c[i] < 0 ? "-" : "",
		    a / 1000000, d == TV_CSV_EXCEL ? ',' : '.', a % 1000000);
	}
}

/* "source:name:applied:granted:status[:date]", as tv_field_parse reads it. */
static void
put_funding(struct sb *b, const struct tv_field *f, const struct tv_value *it,
    enum tv_csv_dialect d)
{
	static const char *const parts[] = { "source", "name",
	    "amount_applied", "amount_granted", "status", "date" };
	const struct tv_value *date = tv_map_get(it, "date");
	int64_t x;

	for (size_t k = 0; k < N(parts); k++) {
		const struct tv_value *v = tv_map_get(it, parts[k]);
		if (k == 5 && date == NULL)
			break;
		if (k > 0)
			sb_put(b, ":", 1);
		if (v == NULL)
			continue;
		if (k == 0)
			put_enum(b, f->enums, f->n_enums, v, d);
		else if (int_of(v, &x))
			sb_printf(b, "%" PRId64, x);
		else if (k == 4)
			sb_str(b, v);	/* a status code reads back as itself */
		else if (k == 5)
			put_date(b, v, TV_CSV_RFC4180);	/* ':' splits the parts */
		else
			sb_str(b, v);
	}
}

static void
put_consent(struct sb *b, const struct tv_value *v)
{
	const struct tv_value *n = tv_map_get(v, "publish_name");
	const struct tv_value *c = tv_map_get(v, "publish_contact");
	bool pn = n != NULL && n->type == TV_BOOL && n->b;
	bool pc = c != NULL && c->type == TV_BOOL && c->b;

	sb_printf(b, "%s%s%s,", pn ? "name" : "", pn && pc ? "," : "",
	    pc ? "contact" : pn ? "" : "none");
	sb_str(b, tv_map_get(v, "given"));
	if (tv_map_get(v, "scope") != NULL) {
		sb_put(b, ",", 1);
		sb_str(b, tv_map_get(v, "scope"));
	}
}

/* One item of a list field. */
static void
put_item(struct sb *b, const struct tv_field *f, const struct tv_value *v,
    enum tv_csv_dialect d)
{
	int64_t x;

	switch (f->type) {
	case TV_F_ENUM_LIST:
		put_enum(b, f->enums, f->n_enums, v, d);
		break;
	case TV_F_REF_LIST:
		put_ref(b, v);
		break;
	case TV_F_INT_LIST:
		if (int_of(v, &x))
			sb_printf(b, "%" PRId64, x);
		break;
	case TV_F_NEEDS:
		put_enum(b, f->enums, f->n_enums, tv_map_get(v, "type"), d);
		if (tv_map_get(v, "text") != NULL) {
			sb_put(b, ":", 1);
			sb_str(b, tv_map_get(v, "text"));
		}
		break;
	case TV_F_FUNDING:
		put_funding(b, f, v, d);
		break;
	default:	/* interests (codes: labels hold commas), text lists */
		sb_str(b, v);
		break;
	}
}

static void
put_value(struct sb *b, const struct tv_field *f, const struct tv_value *v,
    enum tv_csv_dialect d)
{
	int64_t x;

	switch (f->type) {
	case TV_F_INT:
	case TV_F_MUNICIPALITY:
		if (int_of(v, &x))
			sb_printf(b, "%" PRId64, x);
		return;
	case TV_F_BOOL:
		if (v->type == TV_BOOL)
			sb_printf(b, "%s", d == TV_CSV_EXCEL ?
			    (v->b ? "ja" : "nej") : (v->b ? "true" : "false"));
		return;
	case TV_F_ENUM:
		put_enum(b, f->enums, f->n_enums, v, d);
		return;
	case TV_F_REF:
		put_ref(b, v);
		return;
	case TV_F_LOCATION:
		put_location(b, v, d);
		return;
	case TV_F_DATE:
		put_date(b, v, d);
		return;
	case TV_F_TIME:
		put_time(b, v, d);
		return;
	case TV_F_CONSENT:
		put_consent(b, v);
		return;
	case TV_F_ENUM_LIST:
	case TV_F_INTERESTS:
	case TV_F_REF_LIST:
	case TV_F_INT_LIST:
	case TV_F_TEXT_LIST:
	case TV_F_NEEDS:
	case TV_F_FUNDING:
		for (uint32_t i = 0; v->type == TV_ARRAY && i < v->len; i++) {
			if (i > 0)
				sb_put(b, f->type == TV_F_FUNDING ? "; " : ", ",
				    2);
			put_item(b, f, &v->items[i], d);
		}
		return;
	case TV_F_TEXT:
	case TV_F_CVR:
		sb_str(b, v);
		return;
	}
}

/* Ends the text with its NUL and hands it over; returns 0 or TV_ENOMEM. */
static int
sb_finish(struct sb *b, char **out)
{
	int rc = tv_buf_put(&b->b, "", 1);

	if (rc != 0) {
		tv_buf_free(&b->b);
		return TV_ENOMEM;
	}
	*out = (char *)b->b.data;
	return 0;
}

int
tv_csv_cell_format(const struct tv_field *f, const struct tv_value *v,
    enum tv_csv_dialect d, char **out)
{
	struct sb b;

	*out = NULL;
	tv_buf_init(&b.b, 0);
	if (v != NULL && v->type != TV_NIL)
		put_value(&b, f, v, d);
	return sb_finish(&b, out);
}

/* ---- Keys -------------------------------------------------------------- */

int
tv_csv_record_key(const struct tv_kind *k, const struct tv_value *body,
    char **out_cvr, char **out_name)
{
	const struct tv_value *title = k->title_field != NULL ?
	    tv_map_get(body, k->title_field) : NULL;
	const struct tv_value *cvr = tv_map_get(body, "cvr");
	const struct tv_value *start = tv_map_get(body, "start");
	struct sb b;
	char *folded;
	int64_t t;
	int rc;

	*out_cvr = *out_name = NULL;
	if (title == NULL || title->type != TV_STR)
		return TV_ENOTFOUND;
	if ((folded = fold((const char *)title->bytes, title->len)) == NULL)
		return TV_ENOMEM;
	tv_buf_init(&b.b, 0);
	sb_put(&b, folded, strlen(folded));
	free(folded);
	if (strcmp(k->name, "event") == 0 && start != NULL) {
		/* A unit separator keeps the title and the start apart. */
		sb_put(&b, "\x1f", 1);
		if (int_of(start, &t))
			sb_printf(&b, "%" PRId64, t);
		else
			sb_str(&b, start);
	}
	if ((rc = sb_finish(&b, out_name)) != 0)
		return rc;
	if (cvr != NULL && cvr->type == TV_STR) {
		if ((*out_cvr = malloc(cvr->len + 1)) == NULL) {
			free(*out_name);
			*out_name = NULL;
			return TV_ENOMEM;
		}
		memcpy(*out_cvr, cvr->bytes, cvr->len);
		(*out_cvr)[cvr->len] = 0;
	}
	return 0;
}
