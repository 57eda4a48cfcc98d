/*
 * This area: its key pair, its store, and every write it makes. A write
 * builds a body, validates it against its kind, signs it with a timestamp
 * that never goes backwards for the record (PROTOCOL.md §4.2), and commits
 * it durably before returning, so that what the CLI hears has been stored.
 * Only records whose origin is this area can be written here.
 */
#ifndef TVAERS_DAEMON_AREA_H
#define TVAERS_DAEMON_AREA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon.h"
#include "kinds.h"
#include "ids.h"
#include "sign.h"
#include "store.h"

#define AREA_BATCH_MAX 10000	/* records in one add_batch */
#define AREA_PROFILE_SET_MAX 8	/* fields in one area_set_profile_fields */

/* Called after new versions were stored durably (all kinds; n >= 1). */
typedef void area_written_cb(void *arg, const struct tv_record *recs,
    size_t n);

struct area {
	struct tv_keypair kp;
	area_written_cb *on_written;	/* NULL: nobody listens */
	void *on_written_arg;
	struct store *store;	/* borrowed */
	int event_keep_months;	/* events expired by it are refused; 0: 12 */
	char id_text[TV_AREA_TEXT_LEN + 1];
};

/* A record written: its complete signed bytes (caller frees raw with free()). */
struct area_written {
	uint8_t *raw;
	size_t len;
	bool is_local;
};

/* Sets up the area for key pair kp (copied) and store s (borrowed). */
void area_init(struct area *a, const struct tv_keypair *kp, struct store *s);
/* Wipes the key. */
void area_close(struct area *a);

/*
 * Resolves what a person typed for a record: "area" (this area's profile),
 * "<area>:<id>" with either part a unique prefix, or a record id prefix.
 * Returns 0, TV_ENOTFOUND, TV_EAMBIGUOUS or TV_EMALFORMED with a sentence
 * for people in errbuf.
 */
int area_resolve(struct area *a, const char *text,
    uint8_t out_origin[static TV_PK_LEN], uint8_t out_id[static TV_ID_LEN],
    char *errbuf, size_t errlen);
/*
 * Adds a record of kind (wire name or label) with fields, a map of field
 * name to CLI text. Returns 0 and the record in *out, or a negative code
 * with a sentence for people in errbuf.
 */
int area_add(struct area *a, const char *kind, const struct tv_value *fields,
    struct area_written *out, char *errbuf, size_t errlen);
/*
 * Adds n records of one kind in a single durable transaction; items is an
 * array of field maps. Returns 0 (all added) or an error naming the item.
 */
int area_add_batch(struct area *a, const char *kind,
    const struct tv_value *items, size_t *out_added, char *errbuf,
    size_t errlen);
/*
 * Builds the canonical body of kind k: the pairs of old (a body map, or
 * NULL) with fields (names to CLI text) replaced, added or (empty text)
 * removed, and validated. Returns 0 and new bytes in *out (caller frees
 * with free()), or a negative code with a sentence for people in errbuf.
 */
int area_build_body(struct area *a, const struct tv_kind *k,
    const struct tv_value *old, const struct tv_value *fields, uint8_t **out,
    size_t *out_len, char *errbuf, size_t errlen);
/* Fills out with a new random record id (never the profile's zero id). */
void area_new_id(uint8_t out[static TV_ID_LEN]);
/* One version for area_write_batch: prev_ts is the held version's timestamp, 0 if new. */
struct area_version {
	uint8_t id[TV_ID_LEN];
	uint64_t prev_ts;
	const uint8_t *body;	/* borrowed */
	size_t body_len;
};
/*
 * Signs n versions of this area's records of kind k and stores them in one
 * durable transaction. Returns 0 with *out_stored set, or an error with a
 * sentence in errbuf (then nothing is stored).
 */
int area_write_batch(struct area *a, const struct tv_kind *k,
    const struct area_version *v, size_t n, size_t *out_stored,
    char *errbuf, size_t errlen);
/*
 * Writes a new version of one of this area's records with some fields
 * changed ("" removes a field). The area profile is created on first set.
 * Same returns as area_add.
 */
int area_update(struct area *a, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], const struct tv_value *fields,
    struct area_written *out, char *errbuf, size_t errlen);
/* Writes the tombstone of one of this area's records. Same returns. */
int area_remove(struct area *a, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], struct area_written *out,
    char *errbuf, size_t errlen);
/*
 * Brings the area profile in line with configured values (NULL or 0: leave
 * as is). Writes a new version only if something changed; *out_changed
 * says whether it did. Same error returns.
 */
int area_apply_profile(struct area *a, const char *name, const char *kind,
    int municipality, bool *out_changed, char *errbuf, size_t errlen);
/*
 * Sets n fields (at most AREA_PROFILE_SET_MAX) of the area profile from
 * CLI text ("" removes), writing a new version only if one differs from
 * what the profile holds; *out_changed says whether it did. Same error
 * returns as area_update.
 */
int area_set_profile_fields(struct area *a, const char *const *names,
    const char *const *texts, size_t n, bool *out_changed, char *errbuf,
    size_t errlen);
/* Fetches this area's profile name into out (empty if unnamed). */
void area_name(struct area *a, char *out, size_t outlen);

#endif
