/*
 * Invite codes (proto/invite.c): round trip, the published example,
 * addresses good and bad, every single-character typo, expiry, grouping
 * and case, limits, payload checks and allocation failures.
 */
#include "test.h"

#include <ctype.h>
#include <sodium.h>

#include "canon.h"
#include "err.h"
#include "fault.h"
#include "ids.h"
#include "invite.h"
#include "sign.h"

#define EXPIRES 1767225600u	/* 2026-01-01T00:00:00Z */

/* PROTOCOL.md §13.5: the example code. */
static const char example[] =
    "tvaers-sua4iiabaibqibiga4eascqlbqgq4dyqcejbgfavcylrqgi2dmob2hq7edccaa5b"
    "a677htqqxyoxbxiy45f4bglh4tldbg5fbvpr3xegmqjfkmnyso3wqylmfzxwk43umj4s4z"
    "lymfwxa3dfhi3tonzqv4ytsmrogaxdelrrga5donzxgczvwmrqgaytuzdcha5dumjqlu5d"
    "onzxgdhgsvnzabjn3fbs";

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

/* Federation key 01..20, the test key's area (seed 00..1f). */
static void
example_invite(struct tv_invite *inv)
{
	struct tv_keypair kp;
	uint8_t seed[32];

	ASSERT(sodium_init() >= 0);
	memset(inv, 0, sizeof(*inv));
	for (int i = 0; i < 32; i++) {
		inv->fed_key[i] = (uint8_t)(i + 1);
		seed[i] = (uint8_t)i;
	}
	tv_keypair_from_seed(&kp, seed);
	memcpy(inv->area, kp.pk, TV_PK_LEN);
	tv_keypair_wipe(&kp);
	inv->expires = EXPIRES;
	ASSERT_EQ(tv_invite_add_addr(inv, "hal.oestby.example:7770"), 0);
	ASSERT_EQ(tv_invite_add_addr(inv, "192.0.2.10:7770"), 0);
	ASSERT_EQ(tv_invite_add_addr(inv, "[2001:db8::10]:7770"), 0);
}

static char *
format(const struct tv_invite *inv)
{
	char *out = malloc(TV_INVITE_TEXT_MAX + 1);
	size_t len;

	ASSERT(out != NULL);
	ASSERT_EQ(tv_invite_format(inv, out, TV_INVITE_TEXT_MAX + 1, &len), 0);
	ASSERT_EQ(strlen(out), len);
	ASSERT(len <= TV_INVITE_TEXT_MAX);
	return out;
}

static int
parse(const char *text, struct tv_invite *out)
{
	return tv_invite_parse(text, strlen(text), 0, out);
}

static void
assert_same(const struct tv_invite *a, const struct tv_invite *b)
{
	ASSERT_MEM_EQ(a->fed_key, b->fed_key, 32);
	ASSERT_MEM_EQ(a->area, b->area, 32);
	ASSERT(a->expires == b->expires);
	ASSERT_EQ(a->addrs_len, b->addrs_len);
	for (size_t i = 0; i < a->addrs_len; i++) {
		ASSERT_STR_EQ(a->addrs[i].text, b->addrs[i].text);
		ASSERT_STR_EQ(a->addrs[i].host, b->addrs[i].host);
		ASSERT_EQ(a->addrs[i].port, b->addrs[i].port);
		ASSERT_EQ(a->addrs[i].family, b->addrs[i].family);
	}
}

/* Makes a code of any payload bytes, with a good checksum. */
static char *
code_of(const uint8_t *payload, size_t len)
{
	uint8_t raw[2048], h[TV_HASH_LEN];
	char *out = malloc(4096);

	ASSERT(out != NULL && len + 4 <= sizeof(raw));
	memcpy(raw, payload, len);
	tv_hash(payload, len, h);
	memcpy(raw + len, h, 4);
	memcpy(out, "tvaers-", 7);
	tv_b32_encode(raw, len + 4, out + 7);
	return out;
}

/* Writes the start of a payload: version, key, area. */
static void
payload_head(struct tv_w *w, uint64_t version, uint32_t n)
{
	uint8_t k[32] = { 1 };

	tv_w_init(w, 0);
	tv_w_array(w, n);
	tv_w_uint(w, version);
	tv_w_bin(w, k, 32);
	tv_w_bin(w, k, 32);
}

/* Parses the code of a payload built in w; returns the result. */
static int
parse_payload(struct tv_w *w)
{
	struct tv_invite inv;
	uint8_t *p;
	size_t len;
	char *code;
	int rc;

	ASSERT_EQ(tv_w_finish(w, &p, &len), 0);
	code = code_of(p, len);
	rc = parse(code, &inv);
	free(code);
	free(p);
	return rc;
}

/* ---- Tests ---- */

TEST(round_trip)
{
	struct tv_invite inv, back;
	char *code;

	example_invite(&inv);
	code = format(&inv);
	ASSERT(strncmp(code, "tvaers-", 7) == 0);
	for (const char *c = code + 7; *c; c++)
		ASSERT(strchr(b32_alphabet, *c) != NULL);
	ASSERT_EQ(parse(code, &back), 0);
	assert_same(&inv, &back);
	ASSERT_EQ(back.addrs[0].family, TV_INVITE_DNS);
	ASSERT_STR_EQ(back.addrs[0].host, "hal.oestby.example");
	ASSERT_EQ(back.addrs[1].family, TV_INVITE_IPV4);
	ASSERT_STR_EQ(back.addrs[1].host, "192.0.2.10");
	ASSERT_EQ(back.addrs[2].family, TV_INVITE_IPV6);
	ASSERT_STR_EQ(back.addrs[2].host, "2001:db8::10");
	ASSERT_EQ(back.addrs[2].port, 7770);
	tv_invite_wipe(&back);
	for (size_t i = 0; i < sizeof(back); i++)
		ASSERT_EQ(((uint8_t *)&back)[i], 0);
	free(code);
}

TEST(example_code)
{
	struct tv_invite inv, back;
	char *code;

	example_invite(&inv);
	code = format(&inv);
	if (getenv("TVAERS_PRINT_EXAMPLE") != NULL)
		printf("%s\n", code);
	ASSERT_STR_EQ(code, example);
	ASSERT_EQ(tv_invite_parse(example, strlen(example), EXPIRES - 1,
	    &back), 0);
	assert_same(&inv, &back);
	free(code);
}

TEST(doc_example)
{
	char **blocks = test_doc_blocks("```text invite");
	struct tv_invite back;

	ASSERT(blocks[0] != NULL && blocks[1] == NULL);
	ASSERT_STR_EQ(blocks[0], example);
	ASSERT_EQ(parse(blocks[0], &back), 0);
	test_doc_blocks_free(blocks);
}

TEST(addresses_good)
{
	static const struct {
		const char *text, *host;
		unsigned port;
		enum tv_invite_family family;
	} good[] = {
		{ "a:1", "a", 1, TV_INVITE_DNS },
		{ "localhost:65535", "localhost", 65535, TV_INVITE_DNS },
		{ "a-b.c-d.dk:7770", "a-b.c-d.dk", 7770, TV_INVITE_DNS },
		{ "3com.dk:80", "3com.dk", 80, TV_INVITE_DNS },
		{ "x.1a:80", "x.1a", 80, TV_INVITE_DNS },
		{ "0.0.0.0:1", "0.0.0.0", 1, TV_INVITE_IPV4 },
		{ "255.255.255.255:9", "255.255.255.255", 9, TV_INVITE_IPV4 },
		{ "[::1]:7770", "::1", 7770, TV_INVITE_IPV6 },
		{ "[::]:1", "::", 1, TV_INVITE_IPV6 },
		{ "[2001:db8:0:0:0:0:0:1]:443", "2001:db8:0:0:0:0:0:1", 443,
		    TV_INVITE_IPV6 },
		{ "[::ffff:192.0.2.1]:80", "::ffff:192.0.2.1", 80,
		    TV_INVITE_IPV6 },
		{ "[fe80::1]:80", "fe80::1", 80, TV_INVITE_IPV6 },
	};
	/* Exactly 64 bytes: 58 of name and ":7770". */
	char long_name[80];
	struct tv_invite_addr a;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (tv_invite_addr_parse(good[i].text, strlen(good[i].text),
		    &a) != 0)
			TEST_FAIL("\"%s\" refused", good[i].text);
		ASSERT_STR_EQ(a.text, good[i].text);
		ASSERT_STR_EQ(a.host, good[i].host);
		ASSERT_EQ(a.port, good[i].port);
		ASSERT_EQ(a.family, good[i].family);
	}
	memset(long_name, 'a', 59);
	long_name[29] = '.';
	memcpy(long_name + 59, ":7770", 6);
	ASSERT_EQ(strlen(long_name), 64);
	ASSERT_EQ(tv_invite_addr_parse(long_name, 64, &a), 0);
	/* 65 bytes is too long. */
	memcpy(long_name + 59, ":17770", 7);
	ASSERT_EQ(tv_invite_addr_parse(long_name, 65, &a), TV_ETOOBIG);
	/* A 63-byte label is fine, 64 is not. */
	memset(long_name, 'b', 63);
	memcpy(long_name + 63, ":1", 3);
	ASSERT_EQ(tv_invite_addr_parse(long_name, 65, &a), TV_ETOOBIG);
	ASSERT_EQ(tv_invite_addr_parse(long_name, 63, &a), TV_EMALFORMED);
	memcpy(long_name + 62, ":1", 3);
	ASSERT_EQ(tv_invite_addr_parse(long_name, 64, &a), 0);
}

TEST(addresses_bad)
{
	static const char *const bad[] = {
		"", ":1", "host", "host:", "host:0", "host:65536",
		"host:01", "host:+1", "host:-1", "host:1x", "host:99999",
		"Host:1", "HOST.DK:1", "-a:1", "a-:1", "a.-b:1", "a..b:1",
		".a:1", "a.:1", "a_b:1", "a b:1", "a\tb:1", "æble.dk:1",
		"1.2.3:1", "1.2.3.256:1", "01.2.3.4:1", "1.2.3.4.5:1",
		"1.2.3.4.:1", ".1.2.3.4:1", "1..2.3:1", "1234:1", "a.123:1",
		"::1:80", "::1", "[::1]", "[::1]:", "[::1]x80", "[::1]:80:",
		"[1.2.3.4]:80", "[fe80::1%eth0]:1", "[::g]:1",
		"[2001:DB8::1]:1", "[]:1", "[::1:1", "[:::1]:1",
		"[1:2:3:4:5:6:7:8:9]:1", "host:1:2", "h\x00st:1",
		" host:1", "host:1 ",
	};
	struct tv_invite_addr a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i]);

		if (i == sizeof(bad) / sizeof(bad[0]) - 3)
			len = 6;	/* the NUL inside */
		if (tv_invite_addr_parse(bad[i], len, &a) != TV_EMALFORMED)
			TEST_FAIL("\"%s\" accepted", bad[i]);
		ASSERT_EQ(a.port, 0);
	}
}

TEST(typo_every_character)
{
	struct tv_invite inv, back;
	char *code, *typo;
	size_t len, changes = 0, bad_sig = 0;

	example_invite(&inv);
	code = format(&inv);
	len = strlen(code);
	typo = strdup(code);
	ASSERT(typo != NULL);
	for (size_t i = 0; i < len; i++) {
		for (size_t c = 0; c < 32; c++) {
			char ch = i < 7 ? (char)('a' + c % 26) :
			    b32_alphabet[c];
			int rc;

			if (ch == code[i] ||
			    (i < 7 && tolower((unsigned char)code[i]) == ch))
				continue;
			typo[i] = ch;
			rc = parse(typo, &back);
			changes++;
			if (i < 7 || i == len - 1) {
				/* The prefix; a last character whose unused
				 * bits are set. */
				if (rc != TV_EMALFORMED && rc != TV_EBADSIG)
					TEST_FAIL("pos %zu '%c': %d", i, ch,
					    rc);
			} else if (rc != TV_EBADSIG) {
				TEST_FAIL("pos %zu '%c': %s", i, ch,
				    tv_strerror(rc));
			}
			bad_sig += rc == TV_EBADSIG;
			typo[i] = code[i];
		}
	}
	ASSERT(bad_sig > (len - 8) * 31);
	ASSERT(changes > bad_sig);
	/* A swap of two neighbours is caught too. */
	for (size_t i = 7; i + 1 < len; i++) {
		if (code[i] == code[i + 1])
			continue;
		typo[i] = code[i + 1];
		typo[i + 1] = code[i];
		ASSERT_NE(parse(typo, &back), 0);
		typo[i] = code[i];
		typo[i + 1] = code[i + 1];
	}
	ASSERT_EQ(parse(typo, &back), 0);
	free(typo);
	free(code);
}

TEST(expiry)
{
	struct tv_invite inv, back;
	char *code;

	example_invite(&inv);
	code = format(&inv);
	ASSERT_EQ(tv_invite_parse(code, strlen(code), EXPIRES - 1, &back), 0);
	ASSERT_EQ(tv_invite_parse(code, strlen(code), EXPIRES, &back),
	    TV_EEXPIRED);
	/* Filled in all the same, to say when it expired. */
	assert_same(&inv, &back);
	ASSERT_EQ(tv_invite_parse(code, strlen(code), UINT64_MAX, &back),
	    TV_EEXPIRED);
	ASSERT_STR_EQ(tv_strerror(TV_EEXPIRED), "expired");
	free(code);
	/* Never expiring needs expires = 2^64 - 1. */
	inv.expires = UINT64_MAX;
	code = format(&inv);
	ASSERT_EQ(tv_invite_parse(code, strlen(code), UINT64_MAX - 1, &back),
	    0);
	free(code);
}

TEST(grouping_case_whitespace)
{
	struct tv_invite inv, back;
	char *code, *text = malloc(TV_INVITE_TEXT_MAX * 2);
	size_t len, n;

	ASSERT(text != NULL);
	example_invite(&inv);
	code = format(&inv);
	len = strlen(code);

	/* Upper case, whole. */
	for (size_t i = 0; i <= len; i++)
		text[i] = (char)toupper((unsigned char)code[i]);
	ASSERT_EQ(parse(text, &back), 0);
	assert_same(&inv, &back);
	/* Groups of 4 with '-', lines of 40 with "\r\n", mixed case. */
	n = 0;
	text[n++] = '\n';
	text[n++] = ' ';
	memcpy(text + n, "TvAeRs-", 7);
	n += 7;
	for (size_t i = 7; i < len; i++) {
		if (i > 7 && (i - 7) % 40 == 0) {
			text[n++] = '\r';
			text[n++] = '\n';
		} else if (i > 7 && (i - 7) % 4 == 0) {
			text[n++] = '-';
		}
		text[n++] = (char)(i % 3 == 0 ?
		    toupper((unsigned char)code[i]) : code[i]);
	}
	text[n++] = ' ';
	text[n++] = '\t';
	text[n] = 0;
	ASSERT(n <= TV_INVITE_TEXT_MAX);
	ASSERT_EQ(tv_invite_parse(text, n, 0, &back), 0);
	assert_same(&inv, &back);
	/* Groups of 5 with spaces; "--" between groups. */
	n = 0;
	memcpy(text, "tvaers-", 7);
	n = 7;
	for (size_t i = 7; i < len; i++) {
		if (i > 7 && (i - 7) % 5 == 0) {
			text[n++] = (i / 5) % 2 ? ' ' : '-';
			text[n++] = '-';
		}
		text[n++] = code[i];
	}
	text[n] = 0;
	ASSERT_EQ(tv_invite_parse(text, n, 0, &back), 0);
	/* White space inside the prefix is not tolerated. */
	ASSERT_EQ(parse("tv aers-aaaa", &back), TV_EMALFORMED);
	ASSERT_EQ(parse("tvaers -aaaa", &back), TV_EMALFORMED);
	free(text);
	free(code);
}

TEST(malformed_codes)
{
	struct tv_invite back;
	char *code, buf[1100];
	struct tv_invite inv;
	size_t len;

	ASSERT_EQ(parse("", &back), TV_EMALFORMED);
	ASSERT_EQ(parse("tvaers", &back), TV_EMALFORMED);
	ASSERT_EQ(parse("tvaers-", &back), TV_EMALFORMED);
	ASSERT_EQ(parse("tvaers-aaaaaaa", &back), TV_EMALFORMED);
	/* 5 bytes: 1 of payload and a checksum that does not match. */
	ASSERT_EQ(parse("tvaers-aaaaaaaa", &back), TV_EBADSIG);
	ASSERT_EQ(parse("tvaerz-aaaaaaaaaaaaaaaa", &back), TV_EMALFORMED);
	ASSERT_EQ(parse("aaaaaaaaaaaaaaaaaaaaaaa", &back), TV_EMALFORMED);
	example_invite(&inv);
	code = format(&inv);
	len = strlen(code);
	/* A character outside the alphabet: 0, 1, 8, 9, '=', '_'. */
	strcpy(buf, code);
	for (const char *c = "0189=_.:"; *c; c++) {
		buf[20] = *c;
		ASSERT_EQ(parse(buf, &back), TV_EMALFORMED);
	}
	/* One character short or long: a bad length or a bad checksum. */
	strcpy(buf, code);
	buf[len - 1] = 0;
	ASSERT_NE(parse(buf, &back), 0);
	strcpy(buf, code);
	strcat(buf, "a");
	ASSERT_NE(parse(buf, &back), 0);
	/* Eight characters short: a whole 5-byte group gone. */
	strcpy(buf, code);
	buf[len - 8] = 0;
	ASSERT_EQ(parse(buf, &back), TV_EBADSIG);
	/* On every error *out is zeroed. */
	strcpy(buf, code);
	buf[30] = buf[30] == 'a' ? 'b' : 'a';
	memset(&back, 0xee, sizeof(back));
	ASSERT_EQ(parse(buf, &back), TV_EBADSIG);
	for (size_t i = 0; i < sizeof(back); i++)
		ASSERT_EQ(((uint8_t *)&back)[i], 0);
	free(code);
}

TEST(limits)
{
	struct tv_invite inv, back;
	char addr[80], *code, *text;
	size_t len, out_len;

	/* Eight addresses of 64 bytes: the longest code. */
	example_invite(&inv);
	inv.addrs_len = 0;
	inv.expires = UINT64_MAX;
	for (int i = 0; i < TV_INVITE_ADDRS_MAX; i++) {
		memset(addr, 'a' + i, 59);
		addr[30] = '.';
		memcpy(addr + 59, ":7770", 6);
		ASSERT_EQ(tv_invite_add_addr(&inv, addr), 0);
	}
	ASSERT_EQ(tv_invite_add_addr(&inv, "a:1"), TV_ETOOBIG);
	code = format(&inv);
	len = strlen(code);
	ASSERT_EQ(len, 987);
	ASSERT_EQ(parse(code, &back), 0);
	assert_same(&inv, &back);

	/* 1024 characters with white space pass; 1025 are too many. */
	text = malloc(1100);
	ASSERT(text != NULL);
	memcpy(text, code, len);
	memset(text + len, ' ', 1100 - len);
	ASSERT_EQ(tv_invite_parse(text, 1024, 0, &back), 0);
	ASSERT_EQ(tv_invite_parse(text, 1025, 0, &back), TV_ETOOBIG);
	free(text);

	/* The output buffer: 988 bytes needed, 987 too few. */
	ASSERT_EQ(tv_invite_format(&inv, code, 987, &out_len), TV_EINVAL);
	ASSERT_EQ(out_len, 0);
	ASSERT_EQ(tv_invite_format(&inv, code, 988, &out_len), 0);
	ASSERT_EQ(out_len, 987);

	/* Nine addresses, or none, in a struct: refused. */
	inv.addrs_len = 9;
	ASSERT_EQ(tv_invite_format(&inv, code, 988, &out_len), TV_EINVAL);
	inv.addrs_len = 0;
	ASSERT_EQ(tv_invite_format(&inv, code, 988, &out_len), TV_EINVAL);
	/* A bad address text is caught when formatting. */
	inv.addrs_len = 1;
	strcpy(inv.addrs[0].text, "bad_host:1");
	ASSERT_EQ(tv_invite_format(&inv, code, 988, &out_len), TV_EMALFORMED);
	memset(inv.addrs[0].text, 'a', sizeof(inv.addrs[0].text));
	ASSERT_EQ(tv_invite_format(&inv, code, 988, &out_len), TV_EMALFORMED);
	free(code);
}

TEST(payload_checks)
{
	struct tv_w w;
	uint8_t k31[31] = { 0 };
	char *code;
	struct tv_invite back;

	/* A good one by hand. */
	payload_head(&w, 1, 5);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:1");
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), 0);
	/* Version 2, whatever follows. */
	payload_head(&w, 2, 3);
	ASSERT_EQ(parse_payload(&w), TV_EVERSION);
	/* Arity 4 and 6. */
	payload_head(&w, 1, 4);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:1");
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	payload_head(&w, 1, 6);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:1");
	tv_w_uint(&w, 10);
	tv_w_nil(&w);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	/* A 31-byte federation key. */
	tv_w_init(&w, 0);
	tv_w_array(&w, 5);
	tv_w_uint(&w, 1);
	tv_w_bin(&w, k31, 31);
	tv_w_bin(&w, k31, 31);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:1");
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	/* No address; nine; a bad one; not a string; a negative expiry. */
	payload_head(&w, 1, 5);
	tv_w_array(&w, 0);
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	payload_head(&w, 1, 5);
	tv_w_array(&w, 9);
	for (int i = 0; i < 9; i++)
		tv_w_cstr(&w, "a:1");
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_ETOOBIG);
	payload_head(&w, 1, 5);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:0");
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	payload_head(&w, 1, 5);
	tv_w_array(&w, 1);
	tv_w_bin(&w, "a:1", 3);
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	/* A good address, then one that is not a string (found by fuzzing). */
	payload_head(&w, 1, 5);
	tv_w_array(&w, 2);
	tv_w_cstr(&w, "a:1");
	tv_w_uint(&w, 48);
	tv_w_uint(&w, 10);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	payload_head(&w, 1, 5);
	tv_w_array(&w, 1);
	tv_w_cstr(&w, "a:1");
	tv_w_int(&w, -1);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	/* Not an array; not canonical (uint8 for 1). */
	tv_w_init(&w, 0);
	tv_w_map(&w, 0);
	ASSERT_EQ(parse_payload(&w), TV_EMALFORMED);
	{
		static const uint8_t nc[] = { 0x91, 0xcc, 0x01 };

		code = code_of(nc, sizeof(nc));
		ASSERT_EQ(parse(code, &back), TV_ENONCANON);
		free(code);
	}
}

TEST(out_of_memory)
{
	struct tv_invite inv, back;
	char *code = malloc(TV_INVITE_TEXT_MAX + 1);
	size_t len;
	int rc;

	ASSERT(code != NULL);
	example_invite(&inv);
	for (long n = 0;; n++) {
		fault_fail_after(n);
		rc = tv_invite_format(&inv, code, TV_INVITE_TEXT_MAX + 1,
		    &len);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(n < 100);
	}
	for (long n = 0;; n++) {
		fault_fail_after(n);
		rc = parse(code, &back);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(n < 100);
	}
	assert_same(&inv, &back);
	free(code);
}

TEST_MAIN(round_trip, example_code, doc_example, addresses_good, addresses_bad,
    typo_every_character, expiry, grouping_case_whitespace, malformed_codes,
    limits, payload_checks, out_of_memory)
