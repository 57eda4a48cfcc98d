/*
 * Fuzz target for invite codes (proto/invite.c).
 *
 * The input is the text of a code, or, if its first byte is 01, a raw
 * payload that the harness turns into a code with a good checksum (so the
 * payload decoder behind the checksum gets fuzzed too). If the code parses
 * (or parses but has expired), the invite is formatted again; that code
 * must parse to the same invite and format to itself. The input also goes
 * through tv_invite_addr_parse alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "ids.h"
#include "invite.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const struct tv_invite *a, const struct tv_invite *b)
{
	if (memcmp(a->fed_key, b->fed_key, sizeof(a->fed_key)) != 0 ||
	    memcmp(a->area, b->area, sizeof(a->area)) != 0 ||
	    a->expires != b->expires || a->addrs_len != b->addrs_len)
		abort();
	for (size_t i = 0; i < a->addrs_len; i++)
		if (strcmp(a->addrs[i].text, b->addrs[i].text) != 0 ||
		    strcmp(a->addrs[i].host, b->addrs[i].host) != 0 ||
		    a->addrs[i].port != b->addrs[i].port ||
		    a->addrs[i].family != b->addrs[i].family)
			abort();
}

/* Writes the code of a raw payload into out (2048 bytes); returns its length. */
static size_t
code_of(const uint8_t *p, size_t len, char *out)
{
	uint8_t raw[1024], h[TV_HASH_LEN];

	memcpy(raw, p, len);
	tv_hash(p, len, h);
	memcpy(raw + len, h, 4);
	memcpy(out, "tvaers-", 7);
	tv_b32_encode(raw, len + 4, out + 7);
	return strlen(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[2048];
	struct tv_invite inv, back;
	struct tv_invite_addr a;
	char code[TV_INVITE_TEXT_MAX + 1], code2[TV_INVITE_TEXT_MAX + 1];
	const char *in = (const char *)data;
	size_t len, len2, in_len = size;
	int rc;

	if (sodium_init() < 0)
		abort();
	if (tv_invite_addr_parse((const char *)data, size, &a) == 0 &&
	    (a.port == 0 || strlen(a.text) != size))
		abort();
	if (size > 0 && data[0] == 0x01) {
		if (size - 1 > 1000)
			return 0;
		in_len = code_of(data + 1, size - 1, text);
		in = text;
	}
	rc = tv_invite_parse(in, in_len, 1, &inv);
	if (rc != 0 && rc != TV_EEXPIRED)
		return 0;
	if (inv.addrs_len == 0 || inv.addrs_len > TV_INVITE_ADDRS_MAX)
		abort();
	if (tv_invite_format(&inv, code, sizeof(code), &len) != 0)
		abort();
	rc = tv_invite_parse(code, len, 0, &back);
	if (rc != 0 && !(rc == TV_EEXPIRED && inv.expires == 0))
		abort();
	same(&inv, &back);
	if (tv_invite_format(&back, code2, sizeof(code2), &len2) != 0 ||
	    len2 != len || memcmp(code, code2, len) != 0)
		abort();
	tv_invite_wipe(&inv);
	tv_invite_wipe(&back);
	return 0;
}
