/*
 * Record kinds and their schemas (PROTOCOL.md §6, from DATAMODEL.md §4).
 *
 * Each known kind has a table of fields: wire name, Danish label, type,
 * limits, whether required. Bodies of known kinds are validated against it;
 * unknown fields and unknown kinds are accepted and kept untouched, so that
 * newer areas can add them. The municipality list (data/kommuner.csv) and
 * the interest vocabulary (data/interests.csv) are compiled in.
 */
#ifndef TVAERS_PROTO_KINDS_H
#define TVAERS_PROTO_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"

enum tv_field_type {
	TV_F_TEXT,		/* UTF-8 NFC string, max chars */
	TV_F_INT,		/* integer in [min, max] */
	TV_F_BOOL,
	TV_F_ENUM,		/* one ASCII code from the field's enum list */
	TV_F_ENUM_LIST,		/* array of distinct codes, at most max */
	TV_F_INTERESTS,		/* array of interest codes and free tags */
	TV_F_MUNICIPALITY,	/* integer code from kommuner.csv */
	TV_F_CVR,		/* 8-digit string passing the mod-11 check */
	TV_F_REF,		/* [origin bin32, id bin16] */
	TV_F_REF_LIST,		/* array of refs, at most max */
	TV_F_LOCATION,		/* [lat, lon] in integer micro-degrees */
	TV_F_DATE,		/* "YYYY-MM-DD" */
	TV_F_TIME,		/* integer seconds UTC */
	TV_F_INT_LIST,		/* array of integers in [min, max], at most max_items */
	TV_F_TEXT_LIST,		/* array of strings, at most max_items */
	TV_F_NEEDS,		/* array of {type: code, text} */
	TV_F_FUNDING,		/* array of funding maps */
	TV_F_CONSENT,		/* map {publish_name, publish_contact, given, scope} */
};

/* One value of an enumeration: ASCII wire code and its labels. */
struct tv_enum_value {
	const char *code;
	const char *da;
	const char *en;
};

struct tv_field {
	const char *name;	/* wire name, ASCII */
	const char *da;		/* Danish label */
	const char *en;		/* English label */
	enum tv_field_type type;
	bool required;
	int64_t min, max;	/* INT: value bounds; TEXT: max characters */
	uint32_t max_items;	/* lists */
	const struct tv_enum_value *enums; /* ENUM, ENUM_LIST, NEEDS */
	size_t n_enums;
};

struct tv_kind {
	const char *name;	/* wire name, e.g. "association" */
	const char *da;		/* Danish label, e.g. "forening" */
	const char *en;
	bool is_local;		/* role, contact: never leaves the daemon */
	const char *title_field; /* "name" or "title": what tables show */
	const struct tv_field *fields;
	size_t n_fields;
};

struct tv_municipality {
	int code;		/* 101 .. 860 */
	const char *name;
	const char *region;
	int32_t lat_udeg, lon_udeg; /* centroid */
};

struct tv_interest {
	const char *code;
	const char *da;
	const char *en;
};

/* Returns the kind named by len bytes of name (wire name or Danish label), or NULL. */
const struct tv_kind *tv_kind_find(const char *name, size_t len);
/*
 * Returns the kind whose wire name is exactly len bytes of name, or NULL.
 * Use this for kinds read from records: labels are for people, not the wire.
 */
const struct tv_kind *tv_kind_by_wire(const char *name, size_t len);
/* Returns all known kinds; sets *out_n. */
const struct tv_kind *tv_kinds(size_t *out_n);
/* Returns the kind's field with that wire name, or NULL. */
const struct tv_field *tv_kind_field(const struct tv_kind *k, const char *name);

/*
 * Validates a body map against kind k (NULL: unknown kind, any map passes).
 * Returns 0, or TV_ESCHEMA with a one-line reason naming the field in
 * errbuf (e.g. "municipality: unknown code 999").
 */
int tv_kind_validate(const struct tv_kind *k, const struct tv_value *body,
    char *errbuf, size_t errlen);
/*
 * Parses the CLI text of one field into a value allocated in doc, NFC
 * normalised. Lists are comma-separated; enums accept the code or either
 * label. Empty text yields TV_NIL, meaning "remove this field". Returns 0,
 * TV_ENOTFOUND (no such field; errbuf names the valid ones) or TV_ESCHEMA
 * with the reason in errbuf.
 */
int tv_field_parse(struct tv_doc *doc, const struct tv_field *f,
    const char *text, struct tv_value *out, char *errbuf, size_t errlen);
/*
 * Formats a field's value for people (labels instead of codes, "336 Stevns",
 * "180.000 kr.", times as "lør. 8. nov. 2025 kl. 19.30" in Copenhagen time,
 * dates as "1. mar. 2025"; proto/dkfmt.h) into out; lang is "da" or "en".
 * Returns the length written (truncated with "…" to fit).
 */
size_t tv_field_format(const struct tv_field *f, const struct tv_value *v,
    const char *lang, char *out, size_t outlen);

/*
 * Walks comma-separated text as people type it: stores the next item,
 * trimmed of spaces (possibly empty), in *out_item and *out_len, moves
 * *cursor past it. Returns false when the text is used up.
 */
bool tv_list_next(const char **cursor, const char **out_item,
    size_t *out_len);
/* True if the 8-character string is a CVR number passing the mod-11 check. */
bool tv_cvr_valid(const char *s, size_t len);
/* Returns the municipality with that code, or NULL. */
const struct tv_municipality *tv_municipality_find(int code);
/* Returns the municipality with that name (case-insensitive), or NULL. */
const struct tv_municipality *tv_municipality_by_name(const char *name);
/* Returns all 98 municipalities in code order; sets *out_n. */
const struct tv_municipality *tv_municipalities(size_t *out_n);
/* Returns the interest with that code, or NULL (then it is a free tag). */
const struct tv_interest *tv_interest_find(const char *code, size_t len);
/* Returns the interest vocabulary; sets *out_n. */
const struct tv_interest *tv_interests(size_t *out_n);

#endif
