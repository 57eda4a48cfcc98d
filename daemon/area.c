#include "area.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "err.h"
#include "event.h"
#include "kinds.h"
#include "record.h"

/* PROTOCOL.md §4.3: the area profile is the record with the all-zero id. */
static const uint8_t area_record_id[TV_ID_LEN];

void
area_init(struct area *a, const struct tv_keypair *kp, struct store *s)
{
	memcpy(&a->kp, kp, sizeof(a->kp));
	a->store = s;
	a->on_written = NULL;
	a->on_written_arg = NULL;
	tv_area_text(a->kp.pk, a->id_text);
}

void
area_close(struct area *a)
{
	tv_keypair_wipe(&a->kp);
}

static uint64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool
is_own(const struct area *a, const uint8_t origin[static TV_PK_LEN])
{
	return memcmp(origin, a->kp.pk, TV_PK_LEN) == 0;
}

int
area_resolve(struct area *a, const char *text,
    uint8_t out_origin[static TV_PK_LEN], uint8_t out_id[static TV_ID_LEN],
    char *errbuf, size_t errlen)
{
	char area_part[TV_AREA_TEXT_LEN + 1];
	const char *colon = strchr(text, ':');
	const char *id_part = text, *area_prefix = NULL;
	int rc;

	if (strcmp(text, "area") == 0 || strcmp(text, "område") == 0) {
		memcpy(out_origin, a->kp.pk, TV_PK_LEN);
		memset(out_id, 0, TV_ID_LEN);
		return 0;
	}
	if (colon != NULL) {
		size_t n = (size_t)(colon - text);
		if (n == 0 || n > TV_AREA_TEXT_LEN ||
		    !tv_is_id_prefix(text, n))
			goto malformed;
		memcpy(area_part, text, n);
		area_part[n] = 0;
		area_prefix = area_part;
		id_part = colon + 1;
		/* "<area>" alone, with a full id, names that area's profile. */
		if (*id_part == 0 && n == TV_AREA_TEXT_LEN) {
			if (tv_b32_decode(text, n, out_origin, TV_PK_LEN) != 0)
				goto malformed;
			memset(out_id, 0, TV_ID_LEN);
			return 0;
		}
	}
	/* A whole area id alone names that area's profile (PROTOCOL.md §5.4). */
	if (colon == NULL && strlen(text) == TV_AREA_TEXT_LEN &&
	    tv_b32_decode(text, TV_AREA_TEXT_LEN, out_origin, TV_PK_LEN) == 0) {
		memset(out_id, 0, TV_ID_LEN);
		return 0;
	}
	if (!tv_is_id_prefix(id_part, TV_ID_TEXT_LEN))
		goto malformed;
	rc = store_resolve(a->store, area_prefix, id_part, out_origin, out_id);
	if (rc == TV_ENOTFOUND)
		snprintf(errbuf, errlen, "no record matches '%s'; list records "
		    "with `tvaers list KIND`", text);
	else if (rc == TV_EAMBIGUOUS)
		snprintf(errbuf, errlen, "'%s' matches more than one record; "
		    "type more characters of its id", text);
	else if (rc != 0)
		snprintf(errbuf, errlen, "looking up '%s': %s", text,
		    tv_strerror(rc));
	return rc;
malformed:
	snprintf(errbuf, errlen, "'%s' is not a record reference; use a record "
	    "id (or its first characters), AREA:ID, or 'area'", text);
	return TV_EMALFORMED;
}

/*
 * Replaces short references in a REF or REF_LIST field's text by their full
 * "<area>:<id>" forms, so that tv_field_parse, which is pure and cannot
 * look anything up, sees only complete references.
 */
static int
expand_refs(struct area *a, struct tv_doc *doc, const char *text,
    const char **out, char *errbuf, size_t errlen)
{
	/* Each item grows to at most a full "<area>:<id>" plus a comma. */
	const size_t full_len = TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2;
	size_t items = 1, len = 0, cap;
	const char *p = text;
	char *expanded;
	int rc = 0;

	for (const char *q = text; *q; q++)
		items += *q == ',';
	cap = items * full_len + 1;
	if ((expanded = malloc(cap)) == NULL)
		return TV_ENOMEM;
	expanded[0] = 0;
	const char *item_text;
	size_t n;
	while (tv_list_next(&p, &item_text, &n)) {
		char item[256], full[TV_AREA_TEXT_LEN + TV_ID_TEXT_LEN + 2];
		uint8_t origin[TV_PK_LEN], id[TV_ID_LEN];

		if (n == 0)
			continue;
		if (n >= sizeof(item)) {
			snprintf(errbuf, errlen, "reference too long: '%.40s…'",
			    item_text);
			rc = TV_EMALFORMED;
			goto out;
		}
		memcpy(item, item_text, n);
		item[n] = 0;
		rc = area_resolve(a, item, origin, id, errbuf, errlen);
		if (rc != 0)
			goto out;
		tv_area_text(origin, full);
		full[TV_AREA_TEXT_LEN] = ':';
		tv_id_text(id, full + TV_AREA_TEXT_LEN + 1);
		if (sodium_is_zero(id, TV_ID_LEN))
			full[TV_AREA_TEXT_LEN] = 0;
		len += (size_t)snprintf(expanded + len, cap - len, "%s%s",
		    len > 0 ? "," : "", full);
	}
	if ((*out = tv_doc_copy(doc, expanded, len)) == NULL)
		rc = TV_ENOMEM;
out:
	free(expanded);
	return rc;
}

static void
list_fields(const struct tv_kind *k, char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < k->n_fields && len + 1 < outlen; i++) {
		int n = snprintf(out + len, outlen - len, "%s%s",
		    i ? ", " : "", k->fields[i].name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

/*
 * PROTOCOL.md §6.18: an event already past its expiry would be deleted by
 * the next sweep and dropped by every peer, so it is not written at all.
 */
static int
refuse_expired(const struct area *a, const struct tv_kind *k,
    const struct tv_value *map, char *errbuf, size_t errlen)
{
	int months = a->event_keep_months > 0 ? a->event_keep_months :
	    TV_EVENT_KEEP_MONTHS;

	if (strcmp(k->name, "event") != 0 ||
	    !tv_event_is_expired(map, months, (int64_t)(now_us() / 1000000)))
		return 0;
	snprintf(errbuf, errlen, "this event ended more than %d months ago "
	    "(or its expires has passed), so every area would delete it at "
	    "once; check start, end and expires", months);
	return TV_EEXPIRED;
}

int
area_build_body(struct area *a, const struct tv_kind *k, const struct tv_value *old,
    const struct tv_value *fields, uint8_t **out, size_t *out_len,
    char *errbuf, size_t errlen)
{
	size_t n_old = old ? old->len : 0, n = 0;
	struct tv_doc *doc = tv_doc_new();
	struct tv_value *map, *pairs;
	struct tv_w w;
	int rc;

	if (doc == NULL)
		return TV_ENOMEM;
	pairs = tv_doc_alloc(doc, 2 * (n_old + fields->len) + 1);
	map = tv_doc_alloc(doc, 1);
	if (pairs == NULL || map == NULL) {
		rc = TV_ENOMEM;
		goto out;
	}
	/* Keep the old pairs that no given field replaces. */
	for (size_t i = 0; i < n_old; i++) {
		const struct tv_value *key = &old->items[2 * i];
		bool replaced = false;
		for (size_t j = 0; j < fields->len && !replaced; j++) {
			const struct tv_value *fk = &fields->items[2 * j];
			replaced = key->type == TV_STR && fk->type == TV_STR &&
			    key->len == fk->len &&
			    memcmp(key->bytes, fk->bytes, key->len) == 0;
		}
		if (!replaced) {
			pairs[2 * n] = *key;
			pairs[2 * n + 1] = old->items[2 * i + 1];
			n++;
		}
	}
	for (size_t j = 0; j < fields->len; j++) {
		const struct tv_value *fk = &fields->items[2 * j];
		const struct tv_value *fv = &fields->items[2 * j + 1];
		char name[64], known[1024];
		const char *text;
		const struct tv_field *f;

		if (fk->type != TV_STR || fv->type != TV_STR ||
		    fk->len >= sizeof(name)) {
			snprintf(errbuf, errlen, "fields must map names to text");
			rc = TV_EMALFORMED;
			goto out;
		}
		memcpy(name, fk->bytes, fk->len);
		name[fk->len] = 0;
		if ((f = tv_kind_field(k, name)) == NULL) {
			list_fields(k, known, sizeof(known));
			snprintf(errbuf, errlen, "%s has no field '%s'; its "
			    "fields are: %s", k->name, name, known);
			rc = TV_ENOTFOUND;
			goto out;
		}
		if ((text = tv_doc_copy(doc, fv->bytes, fv->len)) == NULL) {
			rc = TV_ENOMEM;
			goto out;
		}
		if ((f->type == TV_F_REF || f->type == TV_F_REF_LIST) &&
		    *text != 0 &&
		    (rc = expand_refs(a, doc, text, &text, errbuf, errlen)) != 0)
			goto out;
		struct tv_value parsed;
		char why[256];
		rc = tv_field_parse(doc, f, text, &parsed, why, sizeof(why));
		if (rc != 0) {
			snprintf(errbuf, errlen, "%s", why);
			goto out;
		}
		if (parsed.type == TV_NIL)
			continue;
		tv_set_str(&pairs[2 * n], f->name, strlen(f->name));
		pairs[2 * n + 1] = parsed;
		n++;
	}
	map->type = TV_MAP;
	map->len = (uint32_t)n;
	map->items = pairs;
	if ((rc = tv_kind_validate(k, map, errbuf, errlen)) != 0 ||
	    (rc = refuse_expired(a, k, map, errbuf, errlen)) != 0)
		goto out;
	tv_w_init(&w, TV_RECORD_MAX);
	if ((rc = tv_encode(&w, map)) != 0) {
		tv_w_free(&w);
		snprintf(errbuf, errlen, "%s: %s", k->name, tv_strerror(rc));
		goto out;
	}
	rc = tv_w_finish(&w, out, out_len);
	if (rc != 0)
		snprintf(errbuf, errlen, "%s: %s", k->name, tv_strerror(rc));
out:
	tv_doc_free(doc);
	return rc;
}

/* Signs and durably stores one version of one of this area's records. */
static int
write_version(struct area *a, const struct tv_kind *k,
    const uint8_t id[static TV_ID_LEN], uint64_t flags, const uint8_t *body,
    size_t body_len, struct area_written *out, char *errbuf, size_t errlen)
{
	struct tv_record r;
	uint8_t *prev = NULL;
	size_t prev_len;
	uint64_t ts = now_us();
	int rc;

	/* PROTOCOL.md §4.2: a record's timestamp never goes backwards. */
	rc = store_get(a->store, a->kp.pk, id, &prev, &prev_len, NULL);
	if (rc == 0) {
		if (tv_record_decode(prev, prev_len, &r) == 0 &&
		    r.timestamp >= ts)
			ts = r.timestamp + 1;
		free(prev);
	} else if (rc != TV_ENOTFOUND) {
		snprintf(errbuf, errlen, "cannot read the %s record: %s",
		    k->name, tv_strerror(rc));
		return rc;
	}
	memset(out, 0, sizeof(*out));
	rc = tv_record_sign(&a->kp, k->name, id, ts, flags, body, body_len,
	    &out->raw, &out->len);
	if (rc == 0)
		rc = tv_record_decode(out->raw, out->len, &r);
	if (rc != 0) {
		snprintf(errbuf, errlen, "cannot sign the %s record: %s",
		    k->name, tv_strerror(rc));
		goto fail;
	}
	out->is_local = k->is_local;
	if ((rc = store_put(a->store, &r, k->is_local)) <= 0) {
		/* 0: the store holds a newer version; nothing was written. */
		if (rc == 0)
			rc = TV_EEXIST;
		snprintf(errbuf, errlen, "cannot store the %s record: %s",
		    k->name, rc == TV_EEXIST ? "a newer version is stored" :
		    tv_strerror(rc));
		goto fail;
	}
	if (a->on_written != NULL)
		a->on_written(a->on_written_arg, &r, 1);
	return 0;
fail:
	free(out->raw);
	memset(out, 0, sizeof(*out));
	return rc;
}

static const struct tv_kind *
find_kind(const char *kind, char *errbuf, size_t errlen)
{
	const struct tv_kind *k = tv_kind_find(kind, strlen(kind));

	if (k == NULL)
		snprintf(errbuf, errlen, "unknown kind '%s'; see `tvaers kinds`",
		    kind);
	return k;
}

int
area_add(struct area *a, const char *kind, const struct tv_value *fields,
    struct area_written *out, char *errbuf, size_t errlen)
{
	const struct tv_kind *k = find_kind(kind, errbuf, errlen);
	uint8_t id[TV_ID_LEN], *body;
	size_t body_len;
	int rc;

	if (k == NULL)
		return TV_ENOTFOUND;
	if (strcmp(k->name, "area") == 0) {
		snprintf(errbuf, errlen, "an area has one profile; change it "
		    "with `tvaers set area --FIELD VALUE`");
		return TV_EEXIST;
	}
	if (fields->type != TV_MAP) {
		snprintf(errbuf, errlen, "fields must be a map");
		return TV_EMALFORMED;
	}
	rc = area_build_body(a, k, NULL, fields, &body, &body_len, errbuf, errlen);
	if (rc != 0)
		return rc;
	area_new_id(id);
	rc = write_version(a, k, id, 0, body, body_len, out, errbuf, errlen);
	free(body);
	return rc;
}

void
area_new_id(uint8_t out[static TV_ID_LEN])
{
	/* Random and not all zeros, which names the area profile. */
	do {
		tv_random(out, TV_ID_LEN);
	} while (sodium_is_zero(out, TV_ID_LEN));
}

int
area_write_batch(struct area *a, const struct tv_kind *k,
    const struct area_version *v, size_t n, size_t *out_stored,
    char *errbuf, size_t errlen)
{
	struct tv_record *recs = calloc(n + 1, sizeof(*recs));
	uint8_t **raws = calloc(n + 1, sizeof(*raws));
	uint64_t ts = now_us();
	size_t i;
	int rc = 0;

	*out_stored = 0;
	if (recs == NULL || raws == NULL) {
		rc = TV_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* PROTOCOL.md §4.2: a record's timestamp never goes backwards. */
		uint64_t t = v[i].prev_ts >= ts + i ? v[i].prev_ts + 1 : ts + i;
		size_t raw_len;
		rc = tv_record_sign(&a->kp, k->name, v[i].id, t, 0, v[i].body,
		    v[i].body_len, &raws[i], &raw_len);
		if (rc == 0)
			rc = tv_record_decode(raws[i], raw_len, &recs[i]);
		if (rc != 0) {
			snprintf(errbuf, errlen, "item %zu: %s", i + 1,
			    tv_strerror(rc));
			goto out;
		}
	}
	rc = store_put_batch(a->store, recs, n, k->is_local, out_stored);
	if (rc != 0)
		snprintf(errbuf, errlen, "cannot store the batch: %s",
		    tv_strerror(rc));
	else if (a->on_written != NULL && n > 0)
		a->on_written(a->on_written_arg, recs, n);
out:
	for (i = 0; raws != NULL && i < n; i++)
		free(raws[i]);
	free(raws);
	free(recs);
	return rc;
}

int
area_add_batch(struct area *a, const char *kind, const struct tv_value *items,
    size_t *out_added, char *errbuf, size_t errlen)
{
	const struct tv_kind *k = find_kind(kind, errbuf, errlen);
	struct area_version *v = NULL;
	uint8_t **bodies = NULL;
	size_t n = 0;
	int rc = 0;

	*out_added = 0;
	if (k == NULL)
		return TV_ENOTFOUND;
	if (items->type != TV_ARRAY || strcmp(k->name, "area") == 0) {
		snprintf(errbuf, errlen, "a batch is an array of field maps of "
		    "one kind other than area");
		return TV_EMALFORMED;
	}
	if (items->len > AREA_BATCH_MAX) {
		snprintf(errbuf, errlen, "a batch holds at most %d records; "
		    "split it", AREA_BATCH_MAX);
		return TV_ETOOBIG;
	}
	v = calloc(items->len + 1, sizeof(*v));
	bodies = calloc(items->len + 1, sizeof(*bodies));
	if (v == NULL || bodies == NULL) {
		rc = TV_ENOMEM;
		goto out;
	}
	for (n = 0; n < items->len; n++) {
		char why[512];

		if (items->items[n].type != TV_MAP) {
			snprintf(errbuf, errlen, "item %zu: not a field map", n + 1);
			rc = TV_EMALFORMED;
			goto out;
		}
		rc = area_build_body(a, k, NULL, &items->items[n], &bodies[n],
		    &v[n].body_len, why, sizeof(why));
		if (rc != 0) {
			snprintf(errbuf, errlen, "item %zu: %s", n + 1, why);
			goto out;
		}
		v[n].body = bodies[n];
		area_new_id(v[n].id);
	}
	rc = area_write_batch(a, k, v, n, out_added, errbuf, errlen);
out:
	for (size_t i = 0; bodies != NULL && i < n; i++)
		free(bodies[i]);
	free(bodies);
	free(v);
	return rc;
}

/* Loads one of this area's records for changing; *out_raw is freed by the caller. */
static int
load_own(struct area *a, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], uint8_t **out_raw,
    struct tv_record *out, char *errbuf, size_t errlen)
{
	char who[TV_AREA_TEXT_LEN + 1];
	size_t len;
	int rc;

	*out_raw = NULL;
	if (!is_own(a, origin)) {
		tv_area_text(origin, who);
		snprintf(errbuf, errlen, "that record belongs to area %.8s; only "
		    "its own area can change it", who);
		return TV_EINVAL;
	}
	rc = store_get(a->store, origin, id, out_raw, &len, NULL);
	if (rc == TV_ENOTFOUND)
		return rc;	/* the caller decides: the profile may be new */
	if (rc == 0 && (rc = tv_record_decode(*out_raw, len, out)) != 0) {
		free(*out_raw);
		*out_raw = NULL;
	}
	if (rc != 0)
		snprintf(errbuf, errlen, "cannot read the record: %s",
		    tv_strerror(rc));
	return rc;
}

int
area_update(struct area *a, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], const struct tv_value *fields,
    struct area_written *out, char *errbuf, size_t errlen)
{
	const struct tv_value *old = NULL;
	const struct tv_kind *k;
	struct tv_doc *doc = NULL;
	struct tv_record r;
	uint8_t *raw, *body;
	size_t body_len;
	int rc;

	if (fields->type != TV_MAP) {
		snprintf(errbuf, errlen, "fields must be a map");
		return TV_EMALFORMED;
	}
	rc = load_own(a, origin, id, &raw, &r, errbuf, errlen);
	if (rc == TV_ENOTFOUND && memcmp(id, area_record_id, TV_ID_LEN) == 0) {
		k = tv_kind_find("area", 4);	/* the first profile */
	} else if (rc == TV_ENOTFOUND) {
		snprintf(errbuf, errlen, "no such record");
		return rc;
	} else if (rc != 0) {
		return rc;
	} else if (tv_record_is_deleted(&r)) {
		free(raw);
		snprintf(errbuf, errlen, "that record was deleted; add a new one "
		    "instead");
		return TV_ENOTFOUND;
	} else if ((k = tv_kind_by_wire(r.kind, r.kind_len)) == NULL) {
		free(raw);
		snprintf(errbuf, errlen, "this tvaersd does not know the kind "
		    "'%.*s' and cannot change it", (int)r.kind_len, r.kind);
		return TV_EINVAL;
	} else if ((rc = tv_decode(r.body, r.body_len, &doc, &old)) != 0) {
		free(raw);
		snprintf(errbuf, errlen, "cannot read the record: %s",
		    tv_strerror(rc));
		return rc;
	}
	rc = area_build_body(a, k, old, fields, &body, &body_len, errbuf, errlen);
	tv_doc_free(doc);
	free(raw);
	if (rc != 0)
		return rc;
	rc = write_version(a, k, id, 0, body, body_len, out, errbuf, errlen);
	free(body);
	return rc;
}

int
area_remove(struct area *a, const uint8_t origin[static TV_PK_LEN],
    const uint8_t id[static TV_ID_LEN], struct area_written *out,
    char *errbuf, size_t errlen)
{
	const struct tv_kind *k;
	struct tv_record r;
	uint8_t *raw;
	char kind[TV_KIND_MAX + 1];
	int rc;

	rc = load_own(a, origin, id, &raw, &r, errbuf, errlen);
	if (rc == TV_ENOTFOUND)
		snprintf(errbuf, errlen, "no such record");
	if (rc != 0)
		return rc;
	if (tv_record_is_deleted(&r)) {
		free(raw);
		snprintf(errbuf, errlen, "that record is already deleted");
		return TV_ENOTFOUND;
	}
	if (memcmp(id, area_record_id, TV_ID_LEN) == 0) {
		free(raw);
		snprintf(errbuf, errlen, "the area profile cannot be deleted; "
		    "change it with `tvaers set area`");
		return TV_EINVAL;
	}
	snprintf(kind, sizeof(kind), "%.*s", (int)r.kind_len, r.kind);
	free(raw);
	/* Tombstones of unknown kinds keep their kind name as written. */
	k = tv_kind_by_wire(kind, strlen(kind));
	struct tv_kind unknown = { .name = kind };
	rc = write_version(a, k ? k : &unknown, id, TV_FLAG_DELETED, NULL, 0,
	    out, errbuf, errlen);
	return rc;
}

void
area_name(struct area *a, char *out, size_t outlen)
{
	const struct tv_value *body, *name;
	struct tv_doc *doc;
	struct tv_record r;
	uint8_t *raw;
	size_t len;

	out[0] = 0;
	if (store_get(a->store, a->kp.pk, area_record_id, &raw, &len, NULL) != 0)
		return;
	if (tv_record_decode(raw, len, &r) == 0 && r.body_len > 0 &&
	    tv_decode(r.body, r.body_len, &doc, &body) == 0) {
		name = tv_map_get(body, "name");
		if (name != NULL && name->type == TV_STR)
			snprintf(out, outlen, "%.*s", (int)name->len,
			    (const char *)name->bytes);
		tv_doc_free(doc);
	}
	free(raw);
}

int
area_apply_profile(struct area *a, const char *name, const char *kind,
    int municipality, bool *out_changed, char *errbuf, size_t errlen)
{
	const struct tv_value *old = NULL, *v;
	struct tv_value fields, pairs[6];
	struct tv_doc *doc = NULL;
	struct tv_record r;
	char code[16];
	uint8_t *raw = NULL;
	size_t len, n = 0;
	int rc;

	*out_changed = false;
	if (store_get(a->store, a->kp.pk, area_record_id, &raw, &len,
	    NULL) == 0 && tv_record_decode(raw, len, &r) == 0 &&
	    r.body_len > 0)
		tv_decode(r.body, r.body_len, &doc, &old);
	if (name != NULL && *name != 0 && (old == NULL ||
	    (v = tv_map_get(old, "name")) == NULL || !tv_str_eq(v, name))) {
		tv_set_str(&pairs[2 * n], "name", 4);
		tv_set_str(&pairs[2 * n + 1], name, strlen(name));
		n++;
	}
	if (kind != NULL && *kind != 0 && (old == NULL ||
	    (v = tv_map_get(old, "kind")) == NULL || !tv_str_eq(v, kind))) {
		tv_set_str(&pairs[2 * n], "kind", 4);
		tv_set_str(&pairs[2 * n + 1], kind, strlen(kind));
		n++;
	}
	if (municipality > 0 && (old == NULL ||
	    (v = tv_map_get(old, "municipality")) == NULL ||
	    v->type != TV_UINT || v->u != (uint64_t)municipality)) {
		snprintf(code, sizeof(code), "%d", municipality);
		tv_set_str(&pairs[2 * n], "municipality", 12);
		tv_set_str(&pairs[2 * n + 1], code, strlen(code));
		n++;
	}
	tv_doc_free(doc);
	free(raw);
	if (n == 0)
		return 0;
	memset(&fields, 0, sizeof(fields));
	fields.type = TV_MAP;
	fields.len = (uint32_t)n;
	fields.items = pairs;
	struct area_written w;
	rc = area_update(a, a->kp.pk, area_record_id, &fields, &w, errbuf,
	    errlen);
	if (rc == 0) {
		free(w.raw);
		*out_changed = true;
	}
	return rc;
}

/* True if field f of body old already holds what text parses to. */
static bool
field_holds(struct area *a, const struct tv_field *f,
    const struct tv_value *old, const char *text)
{
	const struct tv_value *v = old ? tv_map_get(old, f->name) : NULL;
	struct tv_doc *doc = tv_doc_new();
	struct tv_value want;
	struct tv_w wa, wb;
	char errbuf[160];
	bool same = false;

	if (doc == NULL)
		return false;
	if ((f->type == TV_F_REF || f->type == TV_F_REF_LIST) &&
	    expand_refs(a, doc, text, &text, errbuf, sizeof(errbuf)) != 0)
		text = NULL;	/* unresolvable: let the write report it */
	if (text != NULL &&
	    tv_field_parse(doc, f, text, &want, errbuf, sizeof(errbuf)) == 0) {
		if (want.type == TV_NIL || v == NULL)
			same = want.type == TV_NIL && v == NULL;
		else {
			tv_w_init(&wa, TV_RECORD_MAX);
			tv_w_init(&wb, TV_RECORD_MAX);
			same = tv_encode(&wa, &want) == 0 &&
			    tv_encode(&wb, v) == 0 && wa.buf.len == wb.buf.len &&
			    memcmp(wa.buf.data, wb.buf.data, wa.buf.len) == 0;
			tv_w_free(&wa);
			tv_w_free(&wb);
		}
	}
	tv_doc_free(doc);
	return same;
}

int
area_set_profile_fields(struct area *a, const char *const *names,
    const char *const *texts, size_t n, bool *out_changed, char *errbuf,
    size_t errlen)
{
	const struct tv_kind *k = tv_kind_by_wire("area", 4);
	const struct tv_value *old = NULL;
	struct tv_value fields, pairs[2 * AREA_PROFILE_SET_MAX];
	struct tv_doc *doc = NULL;
	struct tv_record r;
	struct area_written w;
	uint8_t *raw = NULL;
	size_t len, changed = 0;
	int rc;

	*out_changed = false;
	if (n > AREA_PROFILE_SET_MAX)
		return TV_EINVAL;
	if (store_get(a->store, a->kp.pk, area_record_id, &raw, &len,
	    NULL) == 0 && tv_record_decode(raw, len, &r) == 0 &&
	    r.body_len > 0)
		(void)tv_decode(r.body, r.body_len, &doc, &old);
	for (size_t i = 0; i < n; i++) {
		const struct tv_field *f = tv_kind_field(k, names[i]);

		if (f == NULL || field_holds(a, f, old, texts[i]))
			continue;
		tv_set_str(&pairs[2 * changed], names[i], strlen(names[i]));
		tv_set_str(&pairs[2 * changed + 1], texts[i], strlen(texts[i]));
		changed++;
	}
	tv_doc_free(doc);
	free(raw);
	if (changed == 0)
		return 0;
	memset(&fields, 0, sizeof(fields));
	fields.type = TV_MAP;
	fields.len = (uint32_t)changed;
	fields.items = pairs;
	if ((rc = area_update(a, a->kp.pk, area_record_id, &fields, &w, errbuf,
	    errlen)) == 0) {
		free(w.raw);
		*out_changed = true;
	}
	return rc;
}
