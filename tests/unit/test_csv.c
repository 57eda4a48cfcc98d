/*
 * The CSV reader and writer (proto/csv.c): encodings, separators, quoting,
 * line numbers of records that span lines, every limit at and past it,
 * and a write-then-read round trip in both dialects.
 */
#include "test.h"

#include "csv.h"
#include "err.h"
#include "fault.h"

#define FIXTURE(name) TVAERS_SOURCE_DIR "/tests/fixtures/csv/" name

static struct tv_csv *
open_mem(const char *s, size_t len)
{
	struct tv_csv_err err;
	struct tv_csv *r;
	int rc = tv_csv_open((const uint8_t *)s, len, &r, &err);

	if (rc != 0)
		TEST_FAIL("tv_csv_open: %d, line %zu: %s", rc, err.line, err.msg);
	return r;
}

static struct tv_csv *
open_fixture(const char *path)
{
	size_t len;
	uint8_t *data = test_read_file(path, &len);
	struct tv_csv *r;

	ASSERT(data != NULL);
	r = open_mem((const char *)data, len);
	free(data);
	return r;
}

static void
next_ok(struct tv_csv *r, struct tv_csv_row *row)
{
	struct tv_csv_err err;
	int rc = tv_csv_next(r, row, &err);

	if (rc != 1)
		TEST_FAIL("tv_csv_next: %d, line %zu: %s", rc, err.line,
		    err.msg);
}

TEST(bom_semicolon)
{
	struct tv_csv *r = open_fixture(FIXTURE("foreninger_bom.csv"));
	struct tv_csv_row row;

	ASSERT_EQ(tv_csv_encoding(r), TV_CSV_UTF8_BOM);
	ASSERT_EQ(tv_csv_separator(r), ';');
	next_ok(r, &row);
	ASSERT_EQ(row.n, 7);
	ASSERT_STR_EQ(row.field[0], "Navn");	/* no BOM left on it */
	ASSERT_STR_EQ(row.field[2], "Formål");
	next_ok(r, &row);
	ASSERT_EQ(row.line, 2);
	ASSERT_STR_EQ(row.field[0], "Ridelauget Østby");
	ASSERT_STR_EQ(row.field[1], "");
	ASSERT_STR_EQ(row.field[2], "At skabe ridestier; også for børn");
	ASSERT_STR_EQ(row.field[3], "heste, natur");
	next_ok(r, &row);
	ASSERT_EQ(row.line, 3);
	ASSERT_EQ(row.n, 7);
	ASSERT_STR_EQ(row.field[6], "");
	ASSERT_EQ(tv_csv_next(r, &row, NULL), 0);
	ASSERT_EQ(tv_csv_next(r, &row, NULL), 0);
	tv_csv_free(r);
}

TEST(windows_1252)
{
	struct tv_csv *r = open_fixture(FIXTURE("foreninger_cp1252.csv"));
	struct tv_csv_row row;

	ASSERT_EQ(tv_csv_encoding(r), TV_CSV_CP1252);
	next_ok(r, &row);
	ASSERT_STR_EQ(row.field[1], "Formål");
	next_ok(r, &row);
	ASSERT_STR_EQ(row.field[0], "Ærø Rideklub");
	ASSERT_STR_EQ(row.field[1], "Ridning på Ærø");
	tv_csv_free(r);
	/* The euro sign and curly quotes live in 0x80..0x9f. */
	r = open_mem("a\r\n\x80 \x93x\x94\r\n", 10);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_STR_EQ(row.field[0], "€ “x”");
	tv_csv_free(r);
}

TEST(encodings_refused)
{
	struct tv_csv_err err;
	struct tv_csv *r;

	/* A byte Windows-1252 leaves undefined, on line 2. */
	ASSERT_EQ(tv_csv_open((const uint8_t *)"a\nb\x81", 4, &r, &err),
	    TV_EMALFORMED);
	ASSERT_EQ(err.line, 2);
	ASSERT(r == NULL);
	/* A BOM promises UTF-8. */
	ASSERT_EQ(tv_csv_open((const uint8_t *)"\xef\xbb\xbf" "a\r\n\xe6", 7,
	    &r, &err), TV_EUTF8);
	ASSERT_EQ(err.line, 2);
	ASSERT_EQ(tv_csv_open((const uint8_t *)"\xff\xfe" "a\0", 4, &r, &err),
	    TV_EUTF8);
	ASSERT(strstr(err.msg, "UTF-16") != NULL);
	ASSERT_EQ(tv_csv_open((const uint8_t *)"a;b\r\nc\0d", 8, &r, &err),
	    TV_EMALFORMED);
	ASSERT_EQ(err.line, 2);
	/* Plain UTF-8 without a BOM, and an empty file. */
	r = open_mem("æ\n", 3);
	ASSERT_EQ(tv_csv_encoding(r), TV_CSV_UTF8);
	tv_csv_free(r);
	r = open_mem("", 0);
	struct tv_csv_row row;
	ASSERT_EQ(tv_csv_next(r, &row, NULL), 0);
	tv_csv_free(r);
}

TEST(separator_detection)
{
	struct tv_csv *r;

	r = open_fixture(FIXTURE("associations_comma.csv"));
	ASSERT_EQ(tv_csv_separator(r), ',');
	tv_csv_free(r);
	/* Commas inside quotes on the header do not count. */
	r = open_mem("\"a,b,c\";d\n", 10);
	ASSERT_EQ(tv_csv_separator(r), ';');
	tv_csv_free(r);
	r = open_mem("a;b,c\n", 6);		/* a tie: Danish Excel wins */
	ASSERT_EQ(tv_csv_separator(r), ';');
	tv_csv_free(r);
	r = open_mem("a\tb\tc\n", 6);
	ASSERT_EQ(tv_csv_separator(r), '\t');
	tv_csv_free(r);
	r = open_mem("Navn\nx,y\n", 9);	/* one column: the body does not count */
	ASSERT_EQ(tv_csv_separator(r), ';');
	tv_csv_free(r);
}

TEST(quotes_and_line_numbers)
{
	struct tv_csv *r = open_fixture(FIXTURE("foreninger_newlines.csv"));
	struct tv_csv_row row;

	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_EQ(row.line, 2);
	ASSERT_STR_EQ(row.field[1], "Vi synger hver tirsdag.\nNye sangere er "
	    "velkomne;\nogså uden erfaring.");
	ASSERT_STR_EQ(row.field[2], "25");
	next_ok(r, &row);
	ASSERT_EQ(row.line, 5);		/* after a record of three lines */
	next_ok(r, &row);
	ASSERT_EQ(row.line, 6);
	ASSERT_STR_EQ(row.field[0], "Vestby \"Gamle\" Drenge");
	ASSERT_STR_EQ(row.field[1], "To linjer\nmed LF");
	ASSERT_EQ(tv_csv_next(r, &row, NULL), 0);
	tv_csv_free(r);
	/* A lone CR ends a line (old Excel for Mac), and a blank line is a record. */
	r = open_mem("a;b\r1;2\r\r3;\"x\"  \r", 17);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_EQ(row.line, 2);
	next_ok(r, &row);
	ASSERT_EQ(row.line, 3);
	ASSERT_EQ(row.n, 1);
	ASSERT_EQ(row.len[0], 0);
	next_ok(r, &row);
	ASSERT_EQ(row.line, 4);
	ASSERT_STR_EQ(row.field[1], "x");
	tv_csv_free(r);
	/* A quote inside an unquoted field is kept as it is. */
	r = open_mem("a;b\n5\" disk;x\n", 14);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_STR_EQ(row.field[0], "5\" disk");
	tv_csv_free(r);
}

TEST(malformed)
{
	struct tv_csv_err err;
	struct tv_csv_row row;
	struct tv_csv *r;

	r = open_mem("a;b\n1;\"open\n\n2;3\n", 17);
	next_ok(r, &row);
	ASSERT_EQ(tv_csv_next(r, &row, &err), TV_EMALFORMED);
	ASSERT_EQ(err.line, 2);		/* where the quote opened */
	ASSERT(strstr(err.msg, "column 2") != NULL);
	ASSERT_EQ(tv_csv_next(r, &row, &err), TV_EMALFORMED);	/* sticky */
	tv_csv_free(r);
	r = open_mem("a;b\n\n1;\"x\"y\n", 12);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_EQ(tv_csv_next(r, &row, &err), TV_EMALFORMED);
	ASSERT_EQ(err.line, 3);
	ASSERT(strstr(err.msg, "after the closing quote") != NULL);
	tv_csv_free(r);
}

/* A file of one header line and one record of n columns. */
static char *
columns(size_t n, size_t *out_len)
{
	char *s = malloc(4 * n + 8);
	size_t len = 0;

	len += (size_t)sprintf(s, "h\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%sx", i ? ";" : "");
	s[len++] = '\n';
	*out_len = len;
	return s;
}

TEST(limit_columns)
{
	struct tv_csv_err err;
	struct tv_csv_row row;
	struct tv_csv *r;
	size_t len;
	char *s = columns(TV_CSV_COLS_MAX, &len);

	r = open_mem(s, len);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_EQ(row.n, TV_CSV_COLS_MAX);
	tv_csv_free(r);
	free(s);
	s = columns(TV_CSV_COLS_MAX + 1, &len);
	r = open_mem(s, len);
	next_ok(r, &row);
	ASSERT_EQ(tv_csv_next(r, &row, &err), TV_ETOOBIG);
	ASSERT_EQ(err.line, 2);
	tv_csv_free(r);
	free(s);
}

TEST(limit_field)
{
	size_t n = TV_CSV_FIELD_MAX + 8;
	char *s = malloc(n + 16);
	struct tv_csv_err err;
	struct tv_csv_row row;
	struct tv_csv *r;

	/* Quoted, with "" escapes: the limit counts bytes after unquoting. */
	memcpy(s, "h\n\"", 3);
	memset(s + 3, 'x', TV_CSV_FIELD_MAX + 1);
	memcpy(s + 3, "\"\"", 2);
	memcpy(s + 3 + TV_CSV_FIELD_MAX + 1, "\"\n", 2);
	r = open_mem(s, TV_CSV_FIELD_MAX + 6);
	next_ok(r, &row);
	next_ok(r, &row);
	ASSERT_EQ(row.len[0], TV_CSV_FIELD_MAX);
	ASSERT_EQ(row.field[0][0], '"');
	tv_csv_free(r);
	memset(s + 2, 'y', TV_CSV_FIELD_MAX + 1);
	s[TV_CSV_FIELD_MAX + 3] = '\n';
	r = open_mem(s, TV_CSV_FIELD_MAX + 4);
	next_ok(r, &row);
	ASSERT_EQ(tv_csv_next(r, &row, &err), TV_ETOOBIG);
	ASSERT_EQ(err.line, 2);
	tv_csv_free(r);
	free(s);
}

TEST(limit_file)
{
	uint8_t *s = malloc(TV_CSV_FILE_MAX + 1);
	struct tv_csv_err err;
	struct tv_csv *r;

	memset(s, 'a', TV_CSV_FILE_MAX + 1);
	for (size_t i = 100; i < TV_CSV_FILE_MAX; i += 100)
		s[i] = '\n';
	ASSERT_EQ(tv_csv_open(s, TV_CSV_FILE_MAX, &r, &err), 0);
	tv_csv_free(r);
	ASSERT_EQ(tv_csv_open(s, TV_CSV_FILE_MAX + 1, &r, &err), TV_ETOOBIG);
	ASSERT_EQ(err.line, 0);
	free(s);
}

static void
write_row(struct tv_csv_w *w, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tv_csv_w_field(w, fields[i], strlen(fields[i]));
	tv_csv_w_end_row(w);
}

TEST(writer_dialects)
{
	static const char *const hdr[] = { "Navn", "Formål" };
	static const char *const row[] = { "Ridelauget \"Østby\"",
	    "Ridning; ture,\nog kaffe" };
	struct tv_csv_w w;

	tv_csv_w_init(&w, TV_CSV_EXCEL);
	write_row(&w, hdr, 2);
	write_row(&w, row, 2);
	ASSERT_EQ(w.out.err, 0);
	static const char excel[] = "\xef\xbb\xbfNavn;Formål\r\n"
	    "\"Ridelauget \"\"Østby\"\"\";\"Ridning; ture,\nog kaffe\"\r\n";
	ASSERT_EQ(w.out.len, sizeof(excel) - 1);
	ASSERT_MEM_EQ(w.out.data, excel, w.out.len);
	ASSERT_EQ(tv_csv_w_free(&w), 0);

	tv_csv_w_init(&w, TV_CSV_RFC4180);
	write_row(&w, hdr, 2);
	static const char *const plain[] = { "a b", " lead", "" };
	write_row(&w, plain, 3);
	static const char rfc[] = "Navn,Formål\r\na b,\" lead\",\r\n";
	ASSERT_EQ(w.out.len, sizeof(rfc) - 1);
	ASSERT_MEM_EQ(w.out.data, rfc, w.out.len);
	tv_csv_w_reset(&w);
	ASSERT_EQ(w.out.len, 0);
	tv_csv_w_free(&w);
}

TEST(writer_round_trip)
{
	static const char *const rows[][3] = {
		{ "Navn", "Beskrivelse", "Medlemstal" },
		{ "\"", "a;b,c\r\nd", "" },
		{ "Ærø", "  spaces  ", "\n" },
	};
	for (int d = 0; d < 2; d++) {
		struct tv_csv_w w;
		struct tv_csv_row row;
		struct tv_csv *r;

		tv_csv_w_init(&w, d ? TV_CSV_RFC4180 : TV_CSV_EXCEL);
		for (size_t i = 0; i < 3; i++)
			write_row(&w, rows[i], 3);
		r = open_mem((const char *)w.out.data, w.out.len);
		ASSERT_EQ(tv_csv_encoding(r), d ? TV_CSV_UTF8 : TV_CSV_UTF8_BOM);
		ASSERT_EQ(tv_csv_separator(r), d ? ',' : ';');
		for (size_t i = 0; i < 3; i++) {
			next_ok(r, &row);
			ASSERT_EQ(row.n, 3);
			for (size_t j = 0; j < 3; j++) {
				/* CRLF inside a cell reads back as LF. */
				const char *want = strcmp(rows[i][j],
				    "a;b,c\r\nd") == 0 ? "a;b,c\nd" : rows[i][j];
				ASSERT_STR_EQ(row.field[j], want);
			}
		}
		ASSERT_EQ(tv_csv_next(r, &row, NULL), 0);
		tv_csv_free(r);
		tv_csv_w_free(&w);
	}
}

TEST(out_of_memory)
{
	static const char text[] = "a;b\n\xe6;2\n";
	struct tv_csv_err err;
	struct tv_csv_w w;
	struct tv_csv *r;
	int rc;

	for (long n = 0;; n++) {
		fault_fail_after(n);
		rc = tv_csv_open((const uint8_t *)text, sizeof(text) - 1, &r,
		    &err);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(r == NULL);
		ASSERT(n < 10);
	}
	tv_csv_free(r);
	fault_fail_after(0);
	tv_csv_w_init(&w, TV_CSV_EXCEL);
	tv_csv_w_field(&w, "x", 1);
	fault_fail_after(-1);
	ASSERT_EQ(tv_csv_w_free(&w), TV_ENOMEM);
}

TEST_MAIN(bom_semicolon, windows_1252, encodings_refused, separator_detection,
    quotes_and_line_numbers, malformed, limit_columns, limit_field,
    limit_file, writer_dialects, writer_round_trip, out_of_memory)
