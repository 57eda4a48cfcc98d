/*
 * Base32 text forms of ids (PROTOCOL.md §5).
 *
 * RFC 4648 base32 with the lower-case alphabet "abcdefghijklmnopqrstuvwxyz234567",
 * no padding. The decoder takes either case but nothing else: no padding,
 * no separators, no non-zero bits after the last whole byte. With those
 * rules every byte string has exactly one text form up to case, so a text
 * id can be compared, hashed or looked up without decoding it first.
 */
#include "ids.h"

#include <string.h>

#include "err.h"

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

/* Returns the 5-bit value of a base32 character (either case), or -1. */
static int
b32_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Characters in the text form of len bytes: ceil(len * 8 / 5). */
static size_t
b32_text_len(size_t len)
{
	return (len * 8 + 4) / 5;
}

void
tv_b32_encode(const uint8_t *p, size_t len, char *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32_alphabet[(acc >> bits) & 31];
		}
		acc &= (1u << bits) - 1;
	}
	/* PROTOCOL.md §5.1: the last group is padded with zero bits. */
	if (bits > 0)
		out[n++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[n] = 0;
}

int
tv_b32_decode(const char *text, size_t text_len, uint8_t *out,
    size_t out_len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	/* PROTOCOL.md §5.1: exactly ceil(8 * bytes / 5) characters. */
	if (text_len != b32_text_len(out_len))
		return TV_EMALFORMED;
	for (size_t i = 0; i < text_len; i++) {
		int v = b32_value((unsigned char)text[i]);
		if (v < 0)
			return TV_EMALFORMED;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* PROTOCOL.md §5.1: the unused tail bits must be zero. */
	if (acc != 0)
		return TV_EMALFORMED;
	return 0;
}

void
tv_area_text(const uint8_t pk[static TV_PK_LEN],
    char out[static TV_AREA_TEXT_LEN + 1])
{
	tv_b32_encode(pk, TV_PK_LEN, out);
}

void
tv_id_text(const uint8_t id[static TV_ID_LEN],
    char out[static TV_ID_TEXT_LEN + 1])
{
	tv_b32_encode(id, TV_ID_LEN, out);
}

bool
tv_is_id_prefix(const char *text, size_t max_len)
{
	size_t n = 0;

	/*
	 * Looks at no more than max_len characters, so that a caller can
	 * check the area part of "<area>:<id>" in place.
	 */
	while (n < max_len && text[n] != 0) {
		if (b32_value((unsigned char)text[n]) < 0)
			return false;
		n++;
	}
	return n > 0;
}

int
tv_prefix_range(const char *prefix, size_t len, uint8_t *out_lo,
    uint8_t *out_hi)
{
	size_t n = strlen(prefix);
	size_t id_bits = len * 8;

	if (n == 0 || n > b32_text_len(len))
		return TV_EMALFORMED;
	memset(out_lo, 0, len);
	memset(out_hi, 0xff, len);
	/*
	 * Copy the prefix's bits over the start of both bounds, one bit at a
	 * time: a character may end in the middle of a byte, and the last
	 * character of a full-length id carries tail bits that must be zero.
	 */
	for (size_t i = 0; i < n; i++) {
		int v = b32_value((unsigned char)prefix[i]);
		if (v < 0)
			return TV_EMALFORMED;
		for (unsigned b = 0; b < 5; b++) {
			size_t bit = i * 5 + b;
			unsigned one = ((unsigned)v >> (4 - b)) & 1;
			if (bit >= id_bits) {
				/* PROTOCOL.md §5.1: tail bits are zero. */
				if (one)
					return TV_EMALFORMED;
				continue;
			}
			uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
			if (one) {
				out_lo[bit / 8] |= mask;
			} else {
				out_hi[bit / 8] &= (uint8_t)~mask;
			}
		}
	}
	return 0;
}
