/*
 * Between CSV and record fields (proto/csvmap.c): header names in every
 * form people write them, the refusal of CPR numbers and member lists,
 * spreadsheet cells made readable, and the promise export relies on: a
 * value written as a cell reads back to the same value, in both dialects,
 * for every enumeration value and across summer time.
 */
#include "test.h"

#include "canon.h"
#include "csv.h"
#include "csvmap.h"
#include "err.h"
#include "fault.h"
#include "kinds.h"

static const struct tv_kind *
kind(const char *name)
{
	const struct tv_kind *k = tv_kind_find(name, strlen(name));

	ASSERT(k != NULL);
	return k;
}

/* A header row from a ';'-separated line (no quoting needed in these tests). */
static void
header(const char *line, struct tv_csv_row *row, char *buf)
{
	strcpy(buf, line);
	row->n = 0;
	for (char *p = buf;; ) {
		char *semi = strchr(p, ';');
		row->field[row->n] = p;
		row->len[row->n] = semi ? (size_t)(semi - p) : strlen(p);
		row->n++;
		if (semi == NULL)
			break;
		*semi = 0;
		p = semi + 1;
	}
}

static int
map(const char *kind_name, const char *line, const struct tv_field **fields,
    char *msg)
{
	struct tv_csv_row row;
	char buf[512];

	header(line, &row, buf);
	return tv_csv_header_map(kind(kind_name), &row, fields, msg, 512);
}

TEST(header_names)
{
	const struct tv_field *f[TV_CSV_COLS_MAX];
	char msg[512];

	ASSERT_EQ(map("association", "  NAVN ;formål;E-mail;Opgjort År;"
	    "members_year;founded;CVR;", f, msg), TV_EEXIST);
	ASSERT(strstr(msg, "columns 4 and 5") != NULL);
	ASSERT_EQ(map("forening", "  NAVN ;formål;E-mail;Opgjort År;founded;"
	    "CVR;;Members", f, msg), 0);
	ASSERT_STR_EQ(f[0]->name, "name");
	ASSERT_STR_EQ(f[1]->name, "purpose");
	ASSERT_STR_EQ(f[2]->name, "email");
	ASSERT_STR_EQ(f[3]->name, "members_year");
	ASSERT_STR_EQ(f[4]->name, "founded");
	ASSERT_STR_EQ(f[5]->name, "cvr");
	ASSERT(f[6] == NULL);	/* an empty header */
	ASSERT_STR_EQ(f[7]->name, "members");	/* the count, a field */
	ASSERT_EQ(map("event", "Titel;Start;Slut;Pris;Målgruppe", f, msg), 0);
	ASSERT_STR_EQ(f[4]->name, "audience");
	ASSERT_EQ(map("project", "Titel;Medlemsnr", f, msg), TV_ELOCAL);
	ASSERT_EQ(map("project", "Titel;Kasse", f, msg), TV_ENOTFOUND);
	ASSERT(strstr(msg, "column 2 'Kasse'") != NULL);
	ASSERT(strstr(msg, "Titel, Beskrivelse, Status") != NULL);
}

TEST(personal_headers)
{
	static const char *const refused[] = { "CPR-nr", "cpr", "Personnummer",
	    "Fødselsdato", "Medlemsliste", "Medlemmer", "MEDLEM", "members list" };
	const struct tv_field *f[TV_CSV_COLS_MAX];
	char line[128], msg[512];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(line, sizeof(line), "Navn;%s", refused[i]);
		ASSERT_EQ(map("association", line, f, msg), TV_ELOCAL);
		ASSERT(strstr(msg, "column 2") != NULL);
		ASSERT(strstr(msg, refused[i]) != NULL);
	}
	ASSERT(strstr(msg, "member list") != NULL);
}

TEST(cpr_values)
{
	ASSERT(tv_csv_looks_like_cpr("010203-1234", 11));
	ASSERT(tv_csv_looks_like_cpr(" 0102031234 ", 12));
	ASSERT(tv_csv_looks_like_cpr("102031234", 9));	/* Excel ate the 0 */
	ASSERT(tv_csv_looks_like_cpr("Jens, 290280 1234, formand", 26));
	ASSERT(!tv_csv_looks_like_cpr("320203-1234", 11));	/* no 32nd */
	ASSERT(!tv_csv_looks_like_cpr("011303-1234", 11));	/* no 13th month */
	ASSERT(!tv_csv_looks_like_cpr("12345678", 8));
	ASSERT(!tv_csv_looks_like_cpr("+45 12345678", 12));
	ASSERT(!tv_csv_looks_like_cpr("20102031234", 11));
	ASSERT(!tv_csv_looks_like_cpr("0102031234567", 13));
	ASSERT(!tv_csv_looks_like_cpr("310203-123", 10));
}

TEST(header_text)
{
	static const struct tv_field oe = { .name = "broken", .da = "ødelagt" };
	char h[64];

	tv_csv_header_text(tv_kind_field(kind("association"), "purpose"),
	    TV_CSV_EXCEL, h, sizeof(h));
	ASSERT_STR_EQ(h, "Formål");
	tv_csv_header_text(tv_kind_field(kind("association"), "purpose"),
	    TV_CSV_RFC4180, h, sizeof(h));
	ASSERT_STR_EQ(h, "purpose");
	tv_csv_header_text(tv_kind_field(kind("association"), "cvr"),
	    TV_CSV_EXCEL, h, sizeof(h));
	ASSERT_STR_EQ(h, "CVR");
	tv_csv_header_text(&oe, TV_CSV_EXCEL, h, sizeof(h));
	ASSERT_STR_EQ(h, "Ødelagt");
}

/* Every header the template writes maps back to its own field, in both dialects. */
TEST(template_headers_map_back)
{
	static const char *const kinds[] = { "association", "project", "event" };
	const struct tv_field *f[TV_CSV_COLS_MAX];
	char text[TV_CSV_COLS_MAX][64], msg[512];
	struct tv_csv_row row;

	for (size_t i = 0; i < 3; i++) {
		const struct tv_kind *k = kind(kinds[i]);
		ASSERT(tv_csv_kind_ok(k));
		for (int d = 0; d < 2; d++) {
			row.n = k->n_fields;
			for (size_t j = 0; j < k->n_fields; j++) {
				tv_csv_header_text(&k->fields[j], d ?
				    TV_CSV_RFC4180 : TV_CSV_EXCEL, text[j], 64);
				row.field[j] = text[j];
				row.len[j] = strlen(text[j]);
			}
			if (tv_csv_header_map(k, &row, f, msg, sizeof(msg)) != 0)
				TEST_FAIL("%s: %s", k->name, msg);
			for (size_t j = 0; j < k->n_fields; j++)
				ASSERT(f[j] == &k->fields[j]);
		}
	}
	ASSERT(!tv_csv_kind_ok(kind("role")));
	ASSERT(!tv_csv_kind_ok(kind("area")));
	ASSERT(!tv_csv_kind_ok(NULL));
}

static void
prepared(const char *kind_name, const char *field, const char *in,
    const char *want)
{
	const struct tv_field *f = tv_kind_field(kind(kind_name), field);
	char *out, msg[512];

	ASSERT_EQ(tv_csv_cell_prepare(f, in, strlen(in), &out, msg,
	    sizeof(msg)), 0);
	ASSERT_STR_EQ(out, want);
	free(out);
}

TEST(cell_prepare)
{
	const struct tv_field *phone = tv_kind_field(kind("association"),
	    "phone");
	char *out, msg[512];

	prepared("association", "folkeoplysende", "SAND", "ja");
	prepared("association", "folkeoplysende", " Falsk ", "nej");
	prepared("project", "budget", "180.000,00 kr.", "180.000 kr.");
	prepared("project", "budget", "1250,0", "1250");
	prepared("project", "budget", "1250,50", "1250,50");	/* refused later */
	prepared("association", "phone", "4512345678", "+45 12345678");
	prepared("association", "phone", "12345678", "12345678");
	prepared("association", "name", "  Vestby Kor ", "Vestby Kor");
	ASSERT_EQ(tv_csv_cell_prepare(phone, "4,51235E+09", 11, &out, msg,
	    sizeof(msg)), TV_ESCHEMA);
	ASSERT(out == NULL);
	ASSERT(strstr(msg, "format the column as text") != NULL);
}

/* Parses text as field f, formats it in dialect d, parses that, and compares bytes. */
static void
round_trip(const struct tv_field *f, const char *text, enum tv_csv_dialect d,
    const char *want_cell)
{
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v, back;
	char *cell, errbuf[512];
	uint8_t *a, *b;
	size_t a_len, b_len;
	struct tv_w w;

	ASSERT(doc != NULL);
	if (tv_field_parse(doc, f, text, &v, errbuf, sizeof(errbuf)) != 0)
		TEST_FAIL("%s '%s': %s", f->name, text, errbuf);
	ASSERT_EQ(tv_csv_cell_format(f, &v, d, &cell), 0);
	if (want_cell != NULL)
		ASSERT_STR_EQ(cell, want_cell);
	if (tv_field_parse(doc, f, cell, &back, errbuf, sizeof(errbuf)) != 0)
		TEST_FAIL("%s cell '%s': %s", f->name, cell, errbuf);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &v), 0);
	ASSERT_EQ(tv_w_finish(&w, &a, &a_len), 0);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_encode(&w, &back), 0);
	ASSERT_EQ(tv_w_finish(&w, &b, &b_len), 0);
	if (a_len != b_len || memcmp(a, b, a_len) != 0)
		TEST_FAIL("%s: '%s' came back from cell '%s' changed", f->name,
		    text, cell);
	free(a);
	free(b);
	free(cell);
	tv_doc_free(doc);
}

static void
both(const char *kind_name, const char *field, const char *text,
    const char *excel, const char *rfc)
{
	const struct tv_field *f = tv_kind_field(kind(kind_name), field);

	ASSERT(f != NULL);
	round_trip(f, text, TV_CSV_EXCEL, excel);
	round_trip(f, text, TV_CSV_RFC4180, rfc);
}

TEST(cells_round_trip)
{
	both("association", "name", "Ridelauget \"Østby\"; hest",
	    "Ridelauget \"Østby\"; hest", NULL);
	both("association", "cvr", "DK 2981 6328", "29816328", "29816328");
	both("association", "kind", "idrætsforening", "idrætsforening",
	    NULL);
	both("association", "interests", "heste, Natur og friluftsliv, "
	    "islandsheste", "heste, natur, islandsheste", NULL);
	both("association", "folkeoplysende", "ja", "ja", "true");
	both("association", "members", "1.250", "1250", "1250");
	both("association", "municipality", "0336", "336", "336");
	both("association", "seeking", "kasserer, frivillige:til "
	    "sommerfesten", NULL, NULL);
	both("association", "status", "hvilende", "hvilende", "dormant");
	both("project", "location", "55.4612,12.1823", "55,461200 12,182300",
	    "55.461200,12.182300");
	both("project", "location", "55.05,8.000001", NULL, NULL);
	both("project", "start", "2025-03-01", "01-03-2025", "2025-03-01");
	both("project", "budget", "180.000 kr.", "180000", "180000");
	both("project", "target_group", "børn, unge", NULL, NULL);
	both("project", "partner_names", "Lystfiskerne, Vestby Lokalråd", NULL,
	    NULL);
	both("project", "funding", "lag:LAG Sydsjælland:180000::søgt:"
	    "2025-03-01; fond:::50000:bevilget", NULL, NULL);
	both("project", "owner", "5yr7jjrh5v2g4ymkoi5gfq3dr4gbm3zmmn3wrnzyxvnr"
	    "jt5xg3aa:aaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, NULL);
	/* Summer and winter time, seconds, and an all-day event. */
	both("event", "start", "2025-07-01 19:30", "01-07-2025 19:30",
	    "01-07-2025 17:30Z");
	both("event", "start", "2025-12-01 09:05:07", "01-12-2025 09:05:07",
	    NULL);
	both("event", "start", "08.11.2025", "08-11-2025", "2025-11-08");
	both("event", "price", "0", "0", "0");
	both("event", "audience", "alle", NULL, NULL);
	/* 02:30 on 26 October 2025 happens twice; the second is 01:30 UTC. */
	both("event", "start", "2025-10-26T01:30Z", "26-10-2025 01:30Z", NULL);
	both("event", "start", "2025-10-26T00:30Z", "26-10-2025 02:30", NULL);
}

TEST(every_enum_value)
{
	size_t n_kinds;
	const struct tv_kind *kinds = tv_kinds(&n_kinds);

	for (size_t i = 0; i < n_kinds; i++) {
		for (size_t j = 0; j < kinds[i].n_fields; j++) {
			const struct tv_field *f = &kinds[i].fields[j];
			if (f->type != TV_F_ENUM && f->type != TV_F_ENUM_LIST)
				continue;
			for (size_t e = 0; e < f->n_enums; e++) {
				round_trip(f, f->enums[e].code, TV_CSV_EXCEL,
				    f->enums[e].da);
				round_trip(f, f->enums[e].code, TV_CSV_RFC4180,
				    f->enums[e].code);
			}
		}
	}
}

TEST(nil_is_empty)
{
	const struct tv_field *f = tv_kind_field(kind("event"), "title");
	struct tv_value nil = { .type = TV_NIL };
	char *cell;

	ASSERT_EQ(tv_csv_cell_format(f, &nil, TV_CSV_EXCEL, &cell), 0);
	ASSERT_STR_EQ(cell, "");
	free(cell);
	ASSERT_EQ(tv_csv_cell_format(f, NULL, TV_CSV_EXCEL, &cell), 0);
	ASSERT_STR_EQ(cell, "");
	free(cell);
}

/* Builds a body from field=text pairs the way the daemon does. */
static struct tv_value *
body(struct tv_doc *doc, const struct tv_kind *k, const char *const *pairs,
    size_t n)
{
	struct tv_value *m = tv_doc_alloc(doc, 1);
	char errbuf[256];

	m->type = TV_MAP;
	m->items = tv_doc_alloc(doc, 2 * n);
	m->len = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		tv_set_str(&m->items[2 * i], pairs[2 * i], strlen(pairs[2 * i]));
		ASSERT_EQ(tv_field_parse(doc, tv_kind_field(k, pairs[2 * i]),
		    pairs[2 * i + 1], &m->items[2 * i + 1], errbuf,
		    sizeof(errbuf)), 0);
	}
	return m;
}

TEST(record_keys)
{
	static const char *const a[] = { "name", "Ridelauget Østby", "cvr",
	    "29816328" };
	static const char *const b[] = { "name", "RIDELAUGET ØSTBY" };
	static const char *const e1[] = { "title", "Fællesspisning", "start",
	    "2025-03-01 18:00" };
	static const char *const e2[] = { "title", "fællesspisning", "start",
	    "2025-04-05 18:00" };
	static const char *const none[] = { "members", "3" };
	struct tv_doc *doc = tv_doc_new();
	char *cvr, *name, *cvr2, *name2;

	ASSERT_EQ(tv_csv_record_key(kind("association"), body(doc,
	    kind("association"), a, 2), &cvr, &name), 0);
	ASSERT_STR_EQ(cvr, "29816328");
	ASSERT_EQ(tv_csv_record_key(kind("association"), body(doc,
	    kind("association"), b, 1), &cvr2, &name2), 0);
	ASSERT(cvr2 == NULL);
	ASSERT_STR_EQ(name, name2);
	free(cvr);
	free(name);
	free(name2);
	ASSERT_EQ(tv_csv_record_key(kind("event"), body(doc, kind("event"),
	    e1, 2), &cvr, &name), 0);
	ASSERT_EQ(tv_csv_record_key(kind("event"), body(doc, kind("event"),
	    e2, 2), &cvr2, &name2), 0);
	ASSERT(strcmp(name, name2) != 0);	/* a monthly event is many */
	ASSERT(strncmp(name, name2, strlen("fællesspisning")) == 0);
	free(name);
	free(name2);
	ASSERT_EQ(tv_csv_record_key(kind("association"), body(doc,
	    kind("association"), none, 1), &cvr, &name), TV_ENOTFOUND);
	tv_doc_free(doc);
}

TEST(out_of_memory)
{
	const struct tv_field *f = tv_kind_field(kind("project"), "funding");
	struct tv_doc *doc = tv_doc_new();
	struct tv_value v;
	char errbuf[256], *cell;
	int rc;

	ASSERT_EQ(tv_field_parse(doc, f, "lag:LAG Sydsjælland:180000::søgt",
	    &v, errbuf, sizeof(errbuf)), 0);
	for (long n = 0;; n++) {
		fault_fail_after(n);
		rc = tv_csv_cell_format(f, &v, TV_CSV_EXCEL, &cell);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(cell == NULL);
		ASSERT(n < 20);
	}
	free(cell);
	tv_doc_free(doc);
}

TEST_MAIN(header_names, personal_headers, cpr_values, header_text,
    template_headers_map_back,
    cell_prepare, cells_round_trip, every_enum_value, nil_is_empty,
    record_keys, out_of_memory)
