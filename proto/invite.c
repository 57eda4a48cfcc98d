#include "invite.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "canon.h"
#include "err.h"
#include "ids.h"

/*
 * The largest payload: [1, bin32, bin32, 8 strings of 64 bytes, uint64]
 * is 1 + 1 + 34 + 34 + 1 + 8 * 66 + 9 = 608 bytes; with the checksum and
 * the prefix its code is 7 + ceil(612 * 8 / 5) = 987 characters.
 */
#define PAYLOAD_MAX 608
#define RAW_MAX (PAYLOAD_MAX + TV_INVITE_CHECK_LEN)

void
tv_invite_wipe(struct tv_invite *inv)
{
	if (inv != NULL)
		sodium_memzero(inv, sizeof(*inv));
}

/* ---- Addresses ---- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal 0..max, 1.. digits, no leading zero, no sign. */
static bool
parse_dec(const char *p, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 5 || (len > 1 && p[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* PROTOCOL.md §13.3: a dotted quad, four 0..255 without leading zeros. */
static bool
is_ipv4(const char *p, size_t len)
{
	size_t start = 0, parts = 0;
	unsigned long v;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '.')
			continue;
		if (i - start > 3 || !parse_dec(p + start, i - start, 255, &v))
			return false;
		parts++;
		start = i + 1;
	}
	return parts == 4;
}

/*
 * PROTOCOL.md §13.3: a DNS name of labels of 1..63 of [a-z0-9-], not
 * starting or ending with '-', joined by '.', whose last label is not all
 * digits (so "10.1.2" is no name, RFC 3696 §2).
 */
static bool
is_dns(const char *p, size_t len)
{
	size_t start = 0;
	bool all_digits = true;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '.') {
			char c = p[i];

			if (!((c >= 'a' && c <= 'z') || is_digit(c) ||
			    c == '-'))
				return false;
			if (!is_digit(c))
				all_digits = false;
			continue;
		}
		if (i == start || i - start > 63 || p[start] == '-' ||
		    p[i - 1] == '-')
			return false;
		if (i < len)
			all_digits = true;
		start = i + 1;
	}
	return !all_digits;
}

/* PROTOCOL.md §13.3: RFC 4291 §2.2 text, lower-case hex, no zone. */
static bool
is_ipv6(const char *p, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	uint8_t bin[16];

	if (len == 0 || len >= sizeof(tmp))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(is_digit(p[i]) || (p[i] >= 'a' && p[i] <= 'f') ||
		    p[i] == ':' || p[i] == '.'))
			return false;
	memcpy(tmp, p, len);
	tmp[len] = 0;
	return inet_pton(AF_INET6, tmp, bin) == 1;
}

int
tv_invite_addr_parse(const char *text, size_t len, struct tv_invite_addr *out)
{
	const char *host, *colon;
	size_t host_len;
	unsigned long port;
	enum tv_invite_family family;

	memset(out, 0, sizeof(*out));
	if (len > TV_INVITE_ADDR_MAX)
		return TV_ETOOBIG;
	if (len == 0)
		return TV_EMALFORMED;
	if (text[0] == '[') {
		const char *end = memchr(text, ']', len);

		if (end == NULL || end + 1 == text + len || end[1] != ':')
			return TV_EMALFORMED;
		host = text + 1;
		host_len = (size_t)(end - host);
		colon = end + 1;
		if (!is_ipv6(host, host_len))
			return TV_EMALFORMED;
		family = TV_INVITE_IPV6;
	} else {
		colon = memchr(text, ':', len);
		if (colon == NULL ||
		    memchr(colon + 1, ':', len - (size_t)(colon + 1 - text)))
			return TV_EMALFORMED;
		host = text;
		host_len = (size_t)(colon - text);
		if (host_len == 0)
			return TV_EMALFORMED;
		/* Digits and dots only: an IPv4 address or nothing. */
		if (strspn(host, "0123456789.") >= host_len) {
			if (!is_ipv4(host, host_len))
				return TV_EMALFORMED;
			family = TV_INVITE_IPV4;
		} else {
			if (!is_dns(host, host_len))
				return TV_EMALFORMED;
			family = TV_INVITE_DNS;
		}
	}
	if (!parse_dec(colon + 1, len - (size_t)(colon + 1 - text), 65535,
	    &port) || port == 0)
		return TV_EMALFORMED;
	memcpy(out->text, text, len);
	memcpy(out->host, host, host_len);
	out->port = (uint16_t)port;
	out->family = family;
	return 0;
}

int
tv_invite_add_addr(struct tv_invite *inv, const char *addr)
{
	if (inv->addrs_len >= TV_INVITE_ADDRS_MAX)
		return TV_ETOOBIG;
	int rc = tv_invite_addr_parse(addr, strlen(addr),
	    &inv->addrs[inv->addrs_len]);
	if (rc == 0)
		inv->addrs_len++;
	return rc;
}

/* ---- Codes ---- */

static void
checksum(const uint8_t *payload, size_t len,
    uint8_t out[static TV_INVITE_CHECK_LEN])
{
	uint8_t h[TV_HASH_LEN];

	/* PROTOCOL.md §13.2: the first 4 bytes of BLAKE2b-256(payload). */
	tv_hash(payload, len, h);
	memcpy(out, h, TV_INVITE_CHECK_LEN);
}

int
tv_invite_format(const struct tv_invite *inv, char *out, size_t out_cap,
    size_t *out_len)
{
	struct tv_invite_addr a;
	struct tv_w w;
	uint8_t raw[RAW_MAX], *payload = NULL;
	size_t payload_len = 0, text_len;
	int rc;

	*out_len = 0;
	if (out_cap > 0)
		out[0] = 0;
	if (inv->addrs_len == 0 || inv->addrs_len > TV_INVITE_ADDRS_MAX)
		return TV_EINVAL;
	for (size_t i = 0; i < inv->addrs_len; i++) {
		size_t l = strnlen(inv->addrs[i].text,
		    sizeof(inv->addrs[i].text));

		if (l == sizeof(inv->addrs[i].text))
			return TV_EMALFORMED;
		if ((rc = tv_invite_addr_parse(inv->addrs[i].text, l, &a)) != 0)
			return rc;
	}
	/* PROTOCOL.md §13.1: [1, federation key, area, addresses, expires]. */
	tv_w_init(&w, PAYLOAD_MAX);
	tv_w_array(&w, 5);
	tv_w_uint(&w, TV_INVITE_VERSION);
	tv_w_bin(&w, inv->fed_key, TV_INVITE_KEY_LEN);
	tv_w_bin(&w, inv->area, TV_PK_LEN);
	tv_w_array(&w, (uint32_t)inv->addrs_len);
	for (size_t i = 0; i < inv->addrs_len; i++)
		tv_w_cstr(&w, inv->addrs[i].text);
	tv_w_uint(&w, inv->expires);
	/* Whatever happens, the writer's copy of the key is wiped. */
	if ((rc = tv_w_err(&w)) != 0) {
		if (w.buf.data != NULL)
			sodium_memzero(w.buf.data, w.buf.cap);
		tv_w_free(&w);
		return rc;
	}
	if ((rc = tv_w_finish(&w, &payload, &payload_len)) != 0)
		return rc;
	memcpy(raw, payload, payload_len);
	sodium_memzero(payload, payload_len);
	free(payload);
	checksum(raw, payload_len, raw + payload_len);
	text_len = TV_INVITE_PREFIX_LEN +
	    ((payload_len + TV_INVITE_CHECK_LEN) * 8 + 4) / 5;
	if (out_cap < text_len + 1) {
		rc = TV_EINVAL;
		goto out;
	}
	memcpy(out, TV_INVITE_PREFIX, TV_INVITE_PREFIX_LEN);
	tv_b32_encode(raw, payload_len + TV_INVITE_CHECK_LEN,
	    out + TV_INVITE_PREFIX_LEN);
	*out_len = text_len;
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static int
decode_payload(const uint8_t *p, size_t len, struct tv_invite *out)
{
	const struct tv_value *root, *it, *addrs;
	struct tv_doc *doc = NULL;
	int rc;

	if ((rc = tv_decode(p, len, &doc, &root)) != 0)
		return rc;
	rc = TV_EMALFORMED;
	if (root->type != TV_ARRAY || root->len == 0 ||
	    root->items[0].type != TV_UINT)
		goto out;
	it = root->items;
	/* PROTOCOL.md §13.1: the version first, whatever follows. */
	if (it[0].u != TV_INVITE_VERSION) {
		rc = TV_EVERSION;
		goto out;
	}
	if (root->len != 5 || it[1].type != TV_BIN ||
	    it[1].len != TV_INVITE_KEY_LEN || it[2].type != TV_BIN ||
	    it[2].len != TV_PK_LEN || it[3].type != TV_ARRAY ||
	    it[4].type != TV_UINT)
		goto out;
	addrs = &it[3];
	if (addrs->len == 0)
		goto out;
	if (addrs->len > TV_INVITE_ADDRS_MAX) {
		rc = TV_ETOOBIG;
		goto out;
	}
	for (uint32_t i = 0; i < addrs->len; i++) {
		if (addrs->items[i].type != TV_STR) {
			rc = TV_EMALFORMED;
			goto out;
		}
		if ((rc = tv_invite_addr_parse(
		    (const char *)addrs->items[i].bytes, addrs->items[i].len,
		    &out->addrs[i])) != 0)
			goto out;
	}
	out->addrs_len = addrs->len;
	memcpy(out->fed_key, it[1].bytes, TV_INVITE_KEY_LEN);
	memcpy(out->area, it[2].bytes, TV_PK_LEN);
	out->expires = it[4].u;
	rc = 0;
out:
	tv_doc_free(doc);
	return rc;
}

int
tv_invite_parse(const char *text, size_t len, uint64_t now,
    struct tv_invite *out)
{
	char clean[TV_INVITE_TEXT_MAX];
	uint8_t raw[RAW_MAX], check[TV_INVITE_CHECK_LEN];
	size_t n = 0, raw_len, payload_len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > TV_INVITE_TEXT_MAX)
		return TV_ETOOBIG;
	while (len > 0 && is_space(text[0])) {
		text++;
		len--;
	}
	while (len > 0 && is_space(text[len - 1]))
		len--;
	/* PROTOCOL.md §13.2: the prefix, in any case. */
	if (len < TV_INVITE_PREFIX_LEN ||
	    strncasecmp(text, TV_INVITE_PREFIX, TV_INVITE_PREFIX_LEN) != 0)
		return TV_EMALFORMED;
	/* White space and '-' inside the base32 are for people only. */
	for (size_t i = TV_INVITE_PREFIX_LEN; i < len; i++)
		if (!is_space(text[i]) && text[i] != '-')
			clean[n++] = text[i];
	raw_len = n * 5 / 8;
	if (raw_len <= TV_INVITE_CHECK_LEN || raw_len > RAW_MAX)
		return TV_EMALFORMED;
	if ((rc = tv_b32_decode(clean, n, raw, raw_len)) != 0)
		goto out;
	payload_len = raw_len - TV_INVITE_CHECK_LEN;
	checksum(raw, payload_len, check);
	if (memcmp(check, raw + payload_len, TV_INVITE_CHECK_LEN) != 0) {
		rc = TV_EBADSIG;
		goto out;
	}
	if ((rc = decode_payload(raw, payload_len, out)) != 0)
		goto out;
	/* PROTOCOL.md §13.4: a code is good while now < expires. */
	if (now >= out->expires) {
		rc = TV_EEXPIRED;
		goto wipe;
	}
	rc = 0;
	goto wipe;
out:
	tv_invite_wipe(out);
wipe:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(clean, sizeof(clean));
	return rc;
}
