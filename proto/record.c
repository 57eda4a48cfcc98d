/*
 * The signed record envelope (PROTOCOL.md §3).
 *
 * Decoding runs the strict canonical reader over the whole record, so any
 * record that is not in canonical form is rejected before its fields are
 * looked at, and every view handed out points into the caller's bytes.
 * Nothing is re-encoded: the hash and the signature cover the bytes as
 * received.
 */
#include "record.h"

#include <string.h>

#include "canon.h"
#include "err.h"

#define N_FIELDS 8		/* version .. sig */
#define ARRAY8 0x98		/* canonical header of an 8-element array */
#define ARRAY7 0x97		/* ... and of the 7-element unsigned part */
#define SIG_ITEM_LEN (2 + TV_SIG_LEN)	/* bin8 header c4 40, then 64 bytes */
#define DOMAIN_LEN (sizeof(TV_SIGN_DOMAIN) - 1)
/* The longest signing input: domain, 0x00, and at most a whole record. */
#define SIGN_INPUT_MAX (DOMAIN_LEN + 1 + TV_RECORD_MAX)

/*
 * PROTOCOL.md §3.2: a kind is 1 to TV_KIND_MAX bytes; the first is a
 * lower-case ASCII letter, the others lower-case letters, digits or '_'.
 */
static bool
kind_valid(const uint8_t *s, size_t len)
{
	if (len == 0 || len > TV_KIND_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < len; i++) {
		uint8_t c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return false;
	}
	return true;
}

static bool
is_zero_id(const uint8_t *id)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < TV_ID_LEN; i++)
		acc |= id[i];
	return acc == 0;
}

/*
 * PROTOCOL.md §4.3: the all-zero id is the area profile's and only the
 * area profile's.
 */
static bool
id_fits_kind(const uint8_t *kind, size_t kind_len, const uint8_t *id)
{
	bool is_area = kind_len == 4 && memcmp(kind, "area", 4) == 0;

	return is_area == is_zero_id(id);
}

/* True if the first byte of an item is a map header (fixmap, map16, map32). */
static bool
is_map_header(uint8_t b)
{
	return (b & 0xf0) == 0x80 || b == 0xde || b == 0xdf;
}

/*
 * PROTOCOL.md §3.2: a tombstone's body is empty; any other body is exactly
 * one canonical map. Returns 0, TV_EMALFORMED or tv_canon_check's error.
 */
static int
check_body(uint64_t flags, const uint8_t *body, size_t body_len)
{
	if (flags & TV_FLAG_DELETED)
		return body_len == 0 ? 0 : TV_EMALFORMED;
	if (body_len == 0 || !is_map_header(body[0]))
		return TV_EMALFORMED;
	return tv_canon_check(body, body_len);
}

/*
 * PROTOCOL.md §3.3: the signing input is the domain string, a zero byte,
 * and the canonical 7-element array [version .. body]. That array is the
 * record's own bytes with the 8-array header 0x98 replaced by 0x97 and the
 * signature item left off, so it is copied, never re-encoded. rec holds the
 * record up to (not including) the signature item; out needs
 * SIGN_INPUT_MAX bytes. Returns the input's length.
 */
static size_t
signing_input(const uint8_t *rec, size_t unsigned_len, uint8_t *out)
{
	memcpy(out, TV_SIGN_DOMAIN, DOMAIN_LEN);
	out[DOMAIN_LEN] = 0;
	out[DOMAIN_LEN + 1] = ARRAY7;
	memcpy(out + DOMAIN_LEN + 2, rec + 1, unsigned_len - 1);
	return DOMAIN_LEN + 1 + unsigned_len;
}

static bool
is_bin(const struct tv_value *v, size_t len)
{
	return v->type == TV_BIN && v->len == len;
}

int
tv_record_decode(const uint8_t *buf, size_t len, struct tv_record *out)
{
	const struct tv_value *root, *f;
	struct tv_doc *doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* PROTOCOL.md §3.1: the size limit comes before any parsing. */
	if (len > TV_RECORD_MAX)
		return TV_ETOOBIG;
	/* PROTOCOL.md §3.5 step 2: the whole record is canonical msgpack. */
	if ((rc = tv_decode(buf, len, &doc, &root)) != 0)
		return rc;
	rc = TV_EMALFORMED;
	if (root->type != TV_ARRAY || root->len == 0)
		goto out;
	f = root->items;
	/*
	 * PROTOCOL.md §3.5 step 3: the version is read first, so that a
	 * record of a later version with another shape says so.
	 */
	if (f[0].type != TV_UINT)
		goto out;
	if (f[0].u != TV_RECORD_VERSION) {
		rc = TV_EVERSION;
		goto out;
	}
	/* PROTOCOL.md §3.2: the envelope, field by field. */
	if (root->len != N_FIELDS ||
	    !is_bin(&f[1], TV_PK_LEN) ||
	    f[2].type != TV_STR || !kind_valid(f[2].bytes, f[2].len) ||
	    !is_bin(&f[3], TV_ID_LEN) ||
	    f[4].type != TV_UINT ||
	    f[5].type != TV_UINT ||
	    f[6].type != TV_BIN ||
	    !is_bin(&f[7], TV_SIG_LEN))
		goto out;
	if (!id_fits_kind(f[2].bytes, f[2].len, f[3].bytes))
		goto out;
	/* PROTOCOL.md §3.2: flag bits other than bit 0 are kept, not checked. */
	if ((rc = check_body(f[5].u, f[6].bytes, f[6].len)) != 0)
		goto out;

	out->version = f[0].u;
	out->origin = f[1].bytes;
	out->kind = (const char *)f[2].bytes;
	out->kind_len = f[2].len;
	out->id = f[3].bytes;
	out->timestamp = f[4].u;
	out->flags = f[5].u;
	out->body = f[6].len ? f[6].bytes : NULL;
	out->body_len = f[6].len;
	out->sig = f[7].bytes;
	out->raw = buf;
	out->raw_len = len;
	/* PROTOCOL.md §3.4: the hash covers the complete record bytes. */
	tv_hash(buf, len, out->hash);
	rc = 0;
out:
	tv_doc_free(doc);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
tv_record_verify(const struct tv_record *r)
{
	/*
	 * Ed25519 needs the whole message in one piece. The stack copy keeps
	 * verification free of allocation, so it can only pass or fail.
	 */
	uint8_t input[SIGN_INPUT_MAX];
	size_t n;

	if (r->raw == NULL || r->raw_len > TV_RECORD_MAX ||
	    r->raw_len < 1 + SIG_ITEM_LEN || r->raw[0] != ARRAY8)
		return TV_EBADSIG;
	n = signing_input(r->raw, r->raw_len - SIG_ITEM_LEN, input);
	return tv_verify(r->origin, input, n, r->sig);
}

int
tv_record_sign(const struct tv_keypair *kp, const char *kind,
    const uint8_t id[static TV_ID_LEN], uint64_t timestamp, uint64_t flags,
    const uint8_t *body, size_t body_len, uint8_t **out, size_t *out_len)
{
	uint8_t input[SIGN_INPUT_MAX];
	uint8_t sig[TV_SIG_LEN];
	size_t kind_len = strlen(kind), n;
	struct tv_w w;
	int rc;

	*out = NULL;
	*out_len = 0;
	/* PROTOCOL.md §3.2: writers set no flag bit but the deleted bit. */
	if ((flags & ~(uint64_t)TV_FLAG_DELETED) != 0 ||
	    !kind_valid((const uint8_t *)kind, kind_len) ||
	    !id_fits_kind((const uint8_t *)kind, kind_len, id))
		return TV_EINVAL;
	if ((rc = check_body(flags, body, body_len)) != 0)
		return rc == TV_ENOMEM ? rc : TV_EINVAL;

	tv_w_init(&w, TV_RECORD_MAX);
	tv_w_array(&w, N_FIELDS);
	tv_w_uint(&w, TV_RECORD_VERSION);
	tv_w_bin(&w, kp->pk, TV_PK_LEN);
	tv_w_str(&w, kind, kind_len);
	tv_w_bin(&w, id, TV_ID_LEN);
	tv_w_uint(&w, timestamp);
	tv_w_uint(&w, flags);
	/* An empty body is passed as "" so that nothing copies from NULL. */
	tv_w_bin(&w, body_len ? body : (const uint8_t *)"", body_len);
	/*
	 * The signature item is always 66 bytes: if it would not fit, say so
	 * before signing.
	 */
	if ((rc = tv_w_err(&w)) == 0 && w.buf.len + SIG_ITEM_LEN > TV_RECORD_MAX)
		rc = TV_ETOOBIG;
	if (rc != 0)
		goto out;
	n = signing_input(w.buf.data, w.buf.len, input);
	tv_sign(kp, input, n, sig);
	tv_w_bin(&w, sig, TV_SIG_LEN);
	if ((rc = tv_w_finish(&w, out, out_len)) == 0)
		return 0;
out:
	tv_w_free(&w);
	*out = NULL;
	*out_len = 0;
	return rc;
}

int
tv_record_cmp(uint64_t a_ts, const uint8_t a_hash[static TV_HASH_LEN],
    uint64_t b_ts, const uint8_t b_hash[static TV_HASH_LEN])
{
	int c;

	/* PROTOCOL.md §4.1: greater timestamp wins, then greater hash. */
	if (a_ts != b_ts)
		return a_ts > b_ts ? 1 : -1;
	c = memcmp(a_hash, b_hash, TV_HASH_LEN);
	return (c > 0) - (c < 0);
}

bool
tv_record_is_deleted(const struct tv_record *r)
{
	return (r->flags & TV_FLAG_DELETED) != 0;
}

bool
tv_record_kind_is(const struct tv_record *r, const char *kind)
{
	size_t len = strlen(kind);

	return len == r->kind_len && memcmp(r->kind, kind, len) == 0;
}
