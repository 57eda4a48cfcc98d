/*
 * Text forms of area ids, record ids and references (PROTOCOL.md §5).
 *
 * Ids are written in lower-case base32 (RFC 4648 alphabet, no padding): an
 * area id is 52 characters, a record id 26. Input is case-insensitive.
 * Short forms are prefixes, resolved like git's short hashes: a prefix
 * names an item only if exactly one item starts with it.
 */
#ifndef TVAERS_PROTO_IDS_H
#define TVAERS_PROTO_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define TV_ID_LEN 16		/* record id: random bytes, stable across versions */
#define TV_AREA_TEXT_LEN 52
#define TV_ID_TEXT_LEN 26
#define TV_SHORT_LEN 8		/* characters shown in tables */

/* Writes the base32 of len bytes into out (NUL-terminated); out needs len*8/5+2 bytes. */
void tv_b32_encode(const uint8_t *p, size_t len, char *out);
/*
 * Decodes exactly out_len bytes from base32 text (any case, no padding).
 * Returns 0 or TV_EMALFORMED (bad character, wrong length, non-zero tail bits).
 */
int tv_b32_decode(const char *text, size_t text_len, uint8_t *out,
    size_t out_len);
/* Writes an area id's text form into out[TV_AREA_TEXT_LEN + 1]. */
void tv_area_text(const uint8_t pk[static TV_PK_LEN],
    char out[static TV_AREA_TEXT_LEN + 1]);
/* Writes a record id's text form into out[TV_ID_TEXT_LEN + 1]. */
void tv_id_text(const uint8_t id[static TV_ID_LEN],
    char out[static TV_ID_TEXT_LEN + 1]);
/*
 * True if text could be a prefix of a base32 id: it is not empty and its
 * first max_len characters (all of it, if shorter) are base32, any case.
 * Nothing after max_len characters is looked at, so the area part of
 * "<area>:<id>" can be checked in place. Used before a prefix lookup;
 * tv_prefix_range then rejects a text longer than the id's.
 */
bool tv_is_id_prefix(const char *text, size_t max_len);
/*
 * Turns a NUL-terminated prefix into the inclusive byte range [lo, hi] of
 * the ids that start with it, so a store can look it up with an index. len
 * is the id length in bytes. Returns 0 or TV_EMALFORMED (empty, longer than
 * the id's text, a bad character, or full length with non-zero tail bits).
 */
int tv_prefix_range(const char *prefix, size_t len, uint8_t *out_lo,
    uint8_t *out_hi);

#endif
