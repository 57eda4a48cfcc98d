/*
 * Search folding, query parsing, FTS5 expressions and snippets
 * (proto/fold.c, proto/search.c), with real Danish place names.
 */
#include "test.h"

#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"
#include "fault.h"
#include "fold.h"
#include "kinds.h"
#include "record.h"
#include "search.h"
#include "sign.h"

static char *
fold(const char *s)
{
	char *out;
	size_t len;

	ASSERT_EQ(tv_fold(s, strlen(s), &out, &len), 0);
	ASSERT_EQ(len, strlen(out));
	return out;
}

#define ASSERT_FOLDS(in, want) do { \
	char *got_ = fold(in); \
	ASSERT_STR_EQ(got_, want); \
	free(got_); \
} while (0)

TEST(danish_place_names)
{
	ASSERT_FOLDS("Aabenraa", "aabenraa");
	ASSERT_FOLDS("Åbenrå", "aabenraa");
	ASSERT_FOLDS("ÅBENRÅ", "aabenraa");
	ASSERT_FOLDS("Bårse", "baarse");
	ASSERT_FOLDS("Køge", "koege");
	ASSERT_FOLDS("KØGE", "koege");
	ASSERT_FOLDS("Ærø", "aeroe");
	ASSERT_FOLDS("ÆRØ", "aeroe");
	ASSERT_FOLDS("Sønderborg", "soenderborg");
	ASSERT_FOLDS("Hejninge-Stillinge Lokalråd",
	    "hejninge stillinge lokalraad");
}

TEST(decomposed_input_folds_as_composed)
{
	/* å typed as a + U+030A, as macOS keyboards send it. */
	ASSERT_FOLDS("A\xcc\x8a" "benra\xcc\x8a", "aabenraa");
	ASSERT_FOLDS("Ba\xcc\x8arse", "baarse");
	/* ö as o + U+0308; é as e + U+0301 */
	ASSERT_FOLDS("Malmo\xcc\x88", "malmoe");
	ASSERT_FOLDS("Cafe\xcc\x81", "cafe");
}

TEST(other_letters)
{
	ASSERT_FOLDS("Malmö Käse Über", "malmoe kaese ueber");
	ASSERT_FOLDS("Café Crème naïve", "cafe creme naive");
	ASSERT_FOLDS("Straße Þór Łódź", "strasse thor lodz");
	ASSERT_FOLDS("Œuvre", "oeuvre");
	/* Other scripts keep their letters, lower-cased. */
	ASSERT_FOLDS("ΑΘΗΝΑ Москва", "αθηνα москва");
	/* A Hangul syllable is not split into jamo. */
	ASSERT_FOLDS("\xed\x95\x9c", "\xed\x95\x9c");
}

TEST(separators)
{
	ASSERT_FOLDS("  Kl. 19.30, pris: 450 kr.!  ", "kl 19 30 pris 450 kr");
	ASSERT_FOLDS("a\tb\nc", "a b c");
	ASSERT_FOLDS("", "");
	ASSERT_FOLDS("---", "");
	/* Invalid UTF-8 is a separator, never a crash. */
	ASSERT_FOLDS("ab\xff" "cd\xc3", "ab cd");
	/* A lone combining mark is no word. */
	ASSERT_FOLDS("\xcc\x8a" "x", "x");
}

TEST(fold_unit_bound)
{
	/* Every code point folds into at most TV_FOLD_UNIT_MAX bytes. */
	for (uint32_t cp = 0x20; cp < 0x30000; cp++) {
		char in[8], out[TV_FOLD_UNIT_MAX];
		size_t len = 0, pos = 0, n;
		bool is_word;

		if (cp >= 0xd800 && cp < 0xe000)
			continue;
		if (cp < 0x80) {
			in[len++] = (char)cp;
		} else if (cp < 0x800) {
			in[len++] = (char)(0xc0 | (cp >> 6));
			in[len++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			in[len++] = (char)(0xe0 | (cp >> 12));
			in[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			in[len++] = (char)(0x80 | (cp & 0x3f));
		} else {
			in[len++] = (char)(0xf0 | (cp >> 18));
			in[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			in[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			in[len++] = (char)(0x80 | (cp & 0x3f));
		}
		n = tv_fold_unit(in, len, &pos, out, &is_word);
		ASSERT(n >= 1 && n <= TV_FOLD_UNIT_MAX);
		ASSERT(pos <= len);
		/* Folding is idempotent: folded text folds to itself. */
		if (is_word && n < TV_FOLD_UNIT_MAX) {
			char *again, *once;
			out[n] = 0;
			once = fold(out);
			again = fold(once);
			ASSERT_STR_EQ(once, again);
			free(once);
			free(again);
		}
	}
}

static void
parse_ok(const char *text, struct tv_search_query *q)
{
	char why[256];

	ASSERT_EQ(tv_search_parse(text, strlen(text), q, why, sizeof(why)), 0);
}

static void
match_of(const char *text, const char *kind, const char *want)
{
	struct tv_search_query q;
	char m[TV_SEARCH_MATCH_MAX];

	parse_ok(text, &q);
	ASSERT_EQ(tv_search_match(&q, kind, m, sizeof(m)), 0);
	ASSERT_STR_EQ(m, want);
}

TEST(query_expressions)
{
	match_of("Åbenrå", NULL, "{title body} : (\"aabenraa\"*)");
	match_of("Åbenrå ", NULL, "{title body} : (\"aabenraa\")");
	match_of("køge bårse", NULL,
	    "{title body} : (\"koege\" \"baarse\"*)");
	match_of("\"Ridesti langs åen\" Østby", NULL,
	    "{title body} : (\"ridesti langs aaen\" \"oestby\"*)");
	match_of("Hejninge-Stillinge", NULL,
	    "{title body} : (\"hejninge stillinge\"*)");
	match_of("\"Køge\"", NULL, "{title body} : (\"koege\")");
	/* Too short for a prefix: "ø" alone would match half the index. */
	match_of("Vester ø", NULL, "{title body} : (\"vester\" \"oe\")");
	match_of("sti", "association",
	    "kind : \"association\" AND {title body} : (\"sti\"*)");
	/* FTS5 operators and syntax are only words (and phrases) here. */
	match_of("NEAR(a b) OR c* AND -d ^e {x}:y", NULL,
	    "{title body} : (\"near a\" \"b\" \"or\" \"c\" \"and\" \"d\" "
	    "\"e\" \"x y\")");
	/* An unclosed quote runs to the end. */
	match_of("\"lang tekst", NULL, "{title body} : (\"lang tekst\")");
}

TEST(query_errors)
{
	struct tv_search_query q;
	char why[256], big[TV_SEARCH_TEXT_MAX + 2];

	ASSERT_EQ(tv_search_parse("", 0, &q, why, sizeof(why)), TV_EINVAL);
	ASSERT_EQ(tv_search_parse("-- \"\" !", 7, &q, why, sizeof(why)),
	    TV_EINVAL);
	ASSERT(strstr(why, "nothing to search for") != NULL);
	ASSERT_EQ(tv_search_parse("a\xff", 2, &q, why, sizeof(why)), TV_EUTF8);
	/* At the limit and one past it: bytes. */
	memset(big, 'a', sizeof(big));
	ASSERT_EQ(tv_search_parse(big, TV_SEARCH_TEXT_MAX, &q, why,
	    sizeof(why)), 0);
	ASSERT_EQ(q.n_terms, 1);
	ASSERT_EQ(tv_search_parse(big, TV_SEARCH_TEXT_MAX + 1, &q, why,
	    sizeof(why)), TV_ETOOBIG);
	/* Words: 16 pass, 17 do not. */
	parse_ok("a b c d e f g h i j k l m n o p", &q);
	ASSERT_EQ(q.n_terms, TV_SEARCH_TERMS_MAX);
	ASSERT_EQ(tv_search_parse("a b c d e f g h i j k l m n o p q", 33, &q,
	    why, sizeof(why)), TV_ETOOBIG);
	ASSERT(strstr(why, "16 words") != NULL);
	/* The longest folding fits: 256 bytes of "ß" (2 bytes each). */
	for (size_t i = 0; i + 1 < TV_SEARCH_TEXT_MAX; i += 2)
		memcpy(big + i, "\xc3\x9f", 2);
	ASSERT_EQ(tv_search_parse(big, TV_SEARCH_TEXT_MAX, &q, why,
	    sizeof(why)), 0);
	ASSERT_EQ(q.terms[0].len, TV_SEARCH_TEXT_MAX);
}

static void
snippet_of(const char *query, const char *text, size_t width,
    const char *want_excerpt, const char *want_marks)
{
	struct tv_search_query q;
	struct tv_snippet s;
	char got[1024], marks[1024];
	size_t n = 0, m = 0;

	parse_ok(query, &q);
	tv_search_snippet(&q, text, strlen(text), width, &s);
	n = (size_t)snprintf(got, sizeof(got), "%.*s", (int)(s.end - s.start),
	    text + s.start);
	(void)n;
	marks[0] = 0;
	for (size_t i = 0; i < s.n_marks; i++)
		m += (size_t)snprintf(marks + m, sizeof(marks) - m, "%s[%.*s]",
		    i ? " " : "", (int)(s.mark_end[i] - s.mark_start[i]),
		    text + s.mark_start[i]);
	ASSERT_STR_EQ(got, want_excerpt);
	ASSERT_STR_EQ(marks, want_marks);
}

TEST(snippets_show_the_original)
{
	snippet_of("aabenraa ", "Idrætsforeningen i Åbenrå", 100,
	    "Idrætsforeningen i Åbenrå", "[Åbenrå]");
	snippet_of("Åbenrå ", "Aabenraa Ridelaug", 100,
	    "Aabenraa Ridelaug", "[Aabenraa]");
	snippet_of("baarse koege ", "Fra Bårse til Køge på cykel", 100,
	    "Fra Bårse til Køge på cykel", "[Bårse] [Køge]");
	snippet_of("ærø", "Ærøskøbing og Ærø", 100, "Ærøskøbing og Ærø",
	    "[Ærøskøbing] [Ærø]");
	snippet_of("sønder", "Sønderborg", 100, "Sønderborg", "[Sønderborg]");
	/* Decomposed text: the mark belongs to the highlighted word. */
	snippet_of("baarse ", "i Ba\xcc\x8arse!", 100, "i Ba\xcc\x8arse!",
	    "[Ba\xcc\x8arse]");
	snippet_of("fisk ", "Ingen match her", 100, "Ingen match her", "");
}

TEST(snippet_window)
{
	const char *text = "Foreningen samler frivillige fra hele sognet og "
	    "arbejder for ridestier langs åen mellem Østby og Vestby, så "
	    "børn og voksne kan ride sikkert.";
	struct tv_search_query q;
	struct tv_snippet s;

	parse_ok("åen ", &q);
	tv_search_snippet(&q, text, strlen(text), 60, &s);
	ASSERT(s.start > 0 && s.end < strlen(text));
	ASSERT(s.end - s.start <= 60);
	ASSERT_EQ(s.n_marks, 1);
	ASSERT(s.mark_start[0] >= s.start && s.mark_end[0] <= s.end);
	ASSERT_MEM_EQ(text + s.mark_start[0], "åen", strlen("åen"));
	/* Cut at spaces. */
	ASSERT(text[s.start - 1] == ' ');
	ASSERT(text[s.end] == ' ');
	ASSERT_EQ(s.hits, 1);
	/* No match: the start of the text. */
	parse_ok("zebra ", &q);
	tv_search_snippet(&q, text, strlen(text), 60, &s);
	ASSERT_EQ(s.start, 0);
	ASSERT_EQ(s.hits, 0);
	/* One long word: cut at a character, never inside one. */
	parse_ok("x ", &q);
	tv_search_snippet(&q, "æææææææææææææææææææææ", 42, 9, &s);
	ASSERT_EQ(s.end, 8);
}

static int
collect(void *arg, const char *field, const char *text, size_t len,
    bool is_title)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s%s=%.*s;", is_title ? "*" : "", field,
	    (int)len, text);
	return 0;
}

TEST(record_texts)
{
	/* {"name": "Ridelauget Østby", "interests": ["heste"],
	 *  "municipality": 336} encoded canonically: keys by length. */
	static const uint8_t body[] = {
		0x83,
		0xa4, 'n', 'a', 'm', 'e',
		0xb1, 'R', 'i', 'd', 'e', 'l', 'a', 'u', 'g', 'e', 't', ' ',
		0xc3, 0x98, 's', 't', 'b', 'y',
		0xa9, 'i', 'n', 't', 'e', 'r', 'e', 's', 't', 's',
		0x91, 0xa5, 'h', 'e', 's', 't', 'e',
		0xac, 'm', 'u', 'n', 'i', 'c', 'i', 'p', 'a', 'l', 'i', 't', 'y',
		0xcd, 0x01, 0x50,
	};
	struct tv_record r = { .kind = "association", .kind_len = 11,
	    .body = body, .body_len = sizeof(body) };
	char out[1024] = "";

	ASSERT_EQ(tv_search_texts(&r, collect, out), 0);
	ASSERT_STR_EQ(out, "*name=Ridelauget Østby;interests=heste;"
	    "municipality=Stevns;");
	/* A tombstone has no text. */
	r.body_len = 0;
	out[0] = 0;
	ASSERT_EQ(tv_search_texts(&r, collect, out), 0);
	ASSERT_STR_EQ(out, "");
}

TEST(out_of_memory)
{
	char *out;
	size_t len;

	fault_fail_after(0);
	ASSERT_EQ(tv_fold("Køge", 5, &out, &len), TV_ENOMEM);
	fault_fail_after(-1);
	ASSERT_EQ(tv_fold("Køge", 5, &out, &len), 0);
	free(out);
}

TEST_MAIN(danish_place_names, decomposed_input_folds_as_composed,
    other_letters, separators, fold_unit_bound, query_expressions,
    query_errors, snippets_show_the_original, snippet_window, record_texts,
    out_of_memory)
