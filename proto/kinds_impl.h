/*
 * Private to proto: what the three files behind kinds.h share. kinds.c
 * holds the schema tables, validation and lookups; kinds_parse.c parses
 * what people type; kinds_format.c formats values for people. Include this
 * from those three files only; it is not installed and not part of the API.
 */
#ifndef TVAERS_PROTO_KINDS_IMPL_H
#define TVAERS_PROTO_KINDS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "kinds.h"

/* The number of elements of an array (not of a pointer). */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The need types (DATAMODEL.md §4.1), as the NEEDS field's enum list. */
extern const struct tv_enum_value tv__kinds_need_types[];
/* The number of entries in tv__kinds_need_types. */
extern const size_t tv__kinds_n_need_types;
/* A funding item's source (LAG, foundation, municipality, ...). */
extern const struct tv_enum_value tv__kinds_funding_sources[];
/* The number of entries in tv__kinds_funding_sources. */
extern const size_t tv__kinds_n_funding_sources;
/* A funding item's status (considering, applied, granted, ...). */
extern const struct tv_enum_value tv__kinds_funding_status[];
/* The number of entries in tv__kinds_funding_status. */
extern const size_t tv__kinds_n_funding_status;
/* The funding item sub-schema: source, name, applied, granted, status, date, in that order. */
extern const struct tv_field tv__kinds_funding_item[];

/* Writes the one-line reason into errbuf (if any, truncated) and returns TV_ESCHEMA. */
int tv__kinds_fail(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* True if the two texts are equal ignoring the case of ASCII and Latin-1 letters. */
bool tv__kinds_fold_eq(const char *a, size_t a_len, const char *b,
    size_t b_len);
/* True for the ASCII white space characters (as isspace in the C locale). */
bool tv__kinds_is_space(char c);
/* Trims ASCII white space from both ends of [*p, *p + *len) by moving *p and *len. */
void tv__kinds_trim(const char **p, size_t *len);

/* A value shown in a message, NUL-terminated; see tv__kinds_show. */
struct tv__kinds_shown {
	char s[88];
};
/* Returns up to 80 bytes of p for a message: whole characters, controls as '?', "…" if cut. */
struct tv__kinds_shown tv__kinds_show(const void *p, size_t len);

/* Reads an integer value into *out (beyond int64 saturates); false if v is no integer. */
bool tv__kinds_value_int(const struct tv_value *v, int64_t *out);
/* Returns the value under key name in map (any key order), or NULL; borrows map. */
const struct tv_value *tv__kinds_map_find(const struct tv_value *map,
    const char *name);
/* Returns the enum value whose code is exactly len bytes of s, or NULL. */
const struct tv_enum_value *tv__kinds_enum_by_code(
    const struct tv_enum_value *e, size_t n, const uint8_t *s, size_t len);
/* Writes "code (dansk), code (dansk), ..." into out for error messages, truncated to fit. */
void tv__kinds_enum_list(const struct tv_enum_value *e, size_t n, char *out,
    size_t outlen);
/* True if the INT field holds kroner (budget, price, amounts). */
bool tv__kinds_is_money(const struct tv_field *f);
/* True if the field is the document hash: text of 64 lower-case hex digits. */
bool tv__kinds_is_hash(const struct tv_field *f);
/* Writes micro-degrees as decimal degrees with six decimals into out. */
void tv__kinds_format_udeg(int64_t u, char *out, size_t outlen);
/* True if a and b are the same scalar or the same list (maps never compare equal). */
bool tv__kinds_values_equal(const struct tv_value *a,
    const struct tv_value *b);
/* Checks v against field f; returns 0 or TV_ESCHEMA, reason (prefix + name) in errbuf if any. */
int tv__kinds_check_value(const struct tv_field *f, const struct tv_value *v,
    const char *prefix, char *errbuf, size_t errlen);

#endif
