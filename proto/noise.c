/*
 * Noise_XX(psk3)_25519_ChaChaPoly_BLAKE2b, written from the Noise Protocol
 * Framework specification, revision 34 (section numbers below are the
 * spec's). This is the one file besides sign.c that calls libsodium's
 * crypto: the link layer needs X25519, ChaCha20-Poly1305 and BLAKE2b-512,
 * none of which sign.c offers, and keeping them here keeps every Noise
 * secret inside one file. Every temporary secret is wiped before return.
 */
#include "noise.h"

#include <string.h>

#include <sodium.h>

#include "err.h"

#define DHLEN 32		/* §12.1 25519 */
#define HASHLEN 64		/* §12.8 BLAKE2b */
#define BLOCKLEN 128		/* §12.8 BLAKE2b */
#define NONCE_LEN 12		/* §12.3: 4 zero bytes, then n (LE64) */
#define NONCE_RESERVED UINT64_MAX /* §5.1: 2^64 - 1 is never used */

/* §7.5 XX, with psk3 (§9.4) appended to message 3; the psk token is
 * skipped when there is no psk. */
enum token { T_END, T_E, T_S, T_EE, T_ES, T_SE, T_PSK };

static const uint8_t xx_tokens[3][5] = {
	{ T_E, T_END },				/* -> e */
	{ T_E, T_EE, T_S, T_ES, T_END },	/* <- e, ee, s, es */
	{ T_S, T_SE, T_PSK, T_END },		/* -> s, se (, psk) */
};

/* ---- HASH, HMAC, HKDF (§4.3, §12.8) ---- */

static void
hash_init(crypto_generichash_state *st)
{
	/* BLAKE2b-512, unkeyed: cannot fail for these arguments. */
	(void)crypto_generichash_init(st, NULL, 0, HASHLEN);
}

static void
hash_update(crypto_generichash_state *st, const uint8_t *p, size_t len)
{
	if (len > 0)
		(void)crypto_generichash_update(st, p, len);
}

/*
 * HMAC-BLAKE2b per RFC 2104 with B = BLOCKLEN and L = HASHLEN over the
 * concatenation d1 || d2. Noise keys HMAC only with HASHLEN-byte keys (ck
 * or temp_key), which are shorter than B and so are zero-padded, not hashed.
 */
static void
hmac(const uint8_t key[static HASHLEN], const uint8_t *d1, size_t d1_len,
    const uint8_t *d2, size_t d2_len, uint8_t out[static HASHLEN])
{
	crypto_generichash_state st;
	uint8_t pad[BLOCKLEN], inner[HASHLEN];
	size_t i;

	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < HASHLEN; i++)
		pad[i] ^= key[i];
	hash_init(&st);
	hash_update(&st, pad, sizeof(pad));
	hash_update(&st, d1, d1_len);
	hash_update(&st, d2, d2_len);
	(void)crypto_generichash_final(&st, inner, sizeof(inner));

	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < HASHLEN; i++)
		pad[i] ^= key[i];
	hash_init(&st);
	hash_update(&st, pad, sizeof(pad));
	hash_update(&st, inner, sizeof(inner));
	(void)crypto_generichash_final(&st, out, HASHLEN);

	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&st, sizeof(st));
}

/* §4.3 HKDF with two outputs, or three if out3 is not NULL. out1 may be ck. */
static void
hkdf(const uint8_t ck[static HASHLEN], const uint8_t *ikm, size_t ikm_len,
    uint8_t out1[static HASHLEN], uint8_t out2[static HASHLEN],
    uint8_t *out3)
{
	static const uint8_t one = 0x01, two = 0x02, three = 0x03;
	uint8_t temp_key[HASHLEN];

	hmac(ck, ikm, ikm_len, NULL, 0, temp_key);
	hmac(temp_key, &one, 1, NULL, 0, out1);
	hmac(temp_key, out1, HASHLEN, &two, 1, out2);
	if (out3 != NULL)
		hmac(temp_key, out2, HASHLEN, &three, 1, out3);
	sodium_memzero(temp_key, sizeof(temp_key));
}

/* ---- DH (§4.1, §12.1) ---- */

static void
clamp(uint8_t k[static DHLEN])
{
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

/* DH(priv, pub); TV_EMALFORMED if pub gives the all-zero output (a
 * low-order point), which would make the key independent of our secret. */
static int
dh(const uint8_t priv[static DHLEN], const uint8_t pub[static DHLEN],
    uint8_t out[static DHLEN])
{
	if (crypto_scalarmult(out, priv, pub) != 0 ||
	    sodium_is_zero(out, DHLEN)) {
		sodium_memzero(out, DHLEN);
		return TV_EMALFORMED;
	}
	return 0;
}

/* ---- CipherState (§5.1, §12.3) ---- */

static void
nonce_encode(uint64_t n, uint8_t out[static NONCE_LEN])
{
	int i;

	memset(out, 0, 4);
	for (i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

static void
cs_init_key(struct tv_noise_cipher *c, const uint8_t k[static TV_NOISE_KEY_LEN])
{
	memcpy(c->k, k, TV_NOISE_KEY_LEN);
	c->n = 0;
	c->has_key = true;
}

/*
 * EncryptWithAd: out gets pt_len (+ 16 with a key) bytes. out == pt is
 * fine. Without a key the plaintext is copied, as §5.1 says.
 */
static int
cs_encrypt(struct tv_noise_cipher *c, const uint8_t *ad, size_t ad_len,
    const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	uint8_t nonce[NONCE_LEN];
	uint8_t dummy = 0;

	if (!c->has_key) {
		if (pt_len > 0)
			memmove(out, pt, pt_len);
		return 0;
	}
	if (c->n == NONCE_RESERVED)
		return TV_ETOOBIG;
	nonce_encode(c->n, nonce);
	(void)crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL,
	    pt_len > 0 ? pt : &dummy, pt_len, ad_len > 0 ? ad : &dummy,
	    ad_len, NULL, nonce, c->k);
	c->n++;
	return 0;
}

/* DecryptWithAd: out gets ct_len (- 16 with a key) bytes; out == ct is
 * fine. On failure n does not advance (§5.1). */
static int
cs_decrypt(struct tv_noise_cipher *c, const uint8_t *ad, size_t ad_len,
    const uint8_t *ct, size_t ct_len, uint8_t *out)
{
	uint8_t nonce[NONCE_LEN];
	uint8_t dummy = 0;

	if (!c->has_key) {
		if (ct_len > 0)
			memmove(out, ct, ct_len);
		return 0;
	}
	if (c->n == NONCE_RESERVED)
		return TV_ETOOBIG;
	if (ct_len < TV_NOISE_TAG_LEN)
		return TV_EMALFORMED;
	nonce_encode(c->n, nonce);
	/* libsodium zeroes out when the tag does not verify. */
	if (crypto_aead_chacha20poly1305_ietf_decrypt(
	    ct_len > TV_NOISE_TAG_LEN ? out : &dummy, NULL, NULL, ct, ct_len,
	    ad_len > 0 ? ad : &dummy, ad_len, nonce, c->k) != 0)
		return TV_EBADSIG;
	c->n++;
	return 0;
}

/* ---- SymmetricState (§5.2) ---- */

static void
mix_hash(struct tv_noise_hs *hs, const uint8_t *data, size_t len)
{
	crypto_generichash_state st;

	hash_init(&st);
	hash_update(&st, hs->h, HASHLEN);
	hash_update(&st, data, len);
	(void)crypto_generichash_final(&st, hs->h, HASHLEN);
	sodium_memzero(&st, sizeof(st));
}

static void
mix_key(struct tv_noise_hs *hs, const uint8_t *ikm, size_t ikm_len)
{
	uint8_t temp_k[HASHLEN];

	hkdf(hs->ck, ikm, ikm_len, hs->ck, temp_k, NULL);
	/* §5.2: HASHLEN 64 > 32, so temp_k is truncated to 32 bytes. */
	cs_init_key(&hs->cs, temp_k);
	sodium_memzero(temp_k, sizeof(temp_k));
}

static void
mix_key_and_hash(struct tv_noise_hs *hs, const uint8_t *ikm, size_t ikm_len)
{
	uint8_t temp_h[HASHLEN], temp_k[HASHLEN];

	hkdf(hs->ck, ikm, ikm_len, hs->ck, temp_h, temp_k);
	mix_hash(hs, temp_h, HASHLEN);
	cs_init_key(&hs->cs, temp_k);
	sodium_memzero(temp_h, sizeof(temp_h));
	sodium_memzero(temp_k, sizeof(temp_k));
}

/* EncryptAndHash; out gets len (+ 16 with a key) bytes, *out_len says. */
static int
encrypt_and_hash(struct tv_noise_hs *hs, const uint8_t *pt, size_t len,
    uint8_t *out, size_t *out_len)
{
	size_t ct_len = len + (hs->cs.has_key ? TV_NOISE_TAG_LEN : 0);
	int rc;

	if ((rc = cs_encrypt(&hs->cs, hs->h, HASHLEN, pt, len, out)) != 0)
		return rc;
	mix_hash(hs, out, ct_len);
	*out_len = ct_len;
	return 0;
}

/* DecryptAndHash of ct (ct must not overlap out). */
static int
decrypt_and_hash(struct tv_noise_hs *hs, const uint8_t *ct, size_t ct_len,
    uint8_t *out)
{
	int rc;

	if ((rc = cs_decrypt(&hs->cs, hs->h, HASHLEN, ct, ct_len, out)) != 0)
		return rc;
	mix_hash(hs, ct, ct_len);
	return 0;
}

/* ---- Key pairs ---- */

int
tv_noise_keypair_from_private(const uint8_t priv[static TV_NOISE_KEY_LEN],
    struct tv_noise_keypair *out)
{
	memcpy(out->priv, priv, TV_NOISE_KEY_LEN);
	clamp(out->priv);
	if (crypto_scalarmult_base(out->pub, out->priv) != 0) {
		tv_noise_keypair_wipe(out);
		return TV_EINVAL;
	}
	return 0;
}

void
tv_noise_keypair_generate(struct tv_noise_keypair *out)
{
	uint8_t priv[TV_NOISE_KEY_LEN];

	randombytes_buf(priv, sizeof(priv));
	/* A clamped scalar is never zero, so this cannot fail. */
	(void)tv_noise_keypair_from_private(priv, out);
	sodium_memzero(priv, sizeof(priv));
}

void
tv_noise_keypair_wipe(struct tv_noise_keypair *kp)
{
	sodium_memzero(kp, sizeof(*kp));
}

/* PROTOCOL.md §9.2: the static key is the area's Ed25519 key, converted. */
int
tv_noise_keypair_from_ed25519(const struct tv_keypair *kp,
    struct tv_noise_keypair *out)
{
	uint8_t priv[TV_NOISE_KEY_LEN], pub[TV_NOISE_KEY_LEN];
	int rc = TV_EINVAL;

	if (crypto_sign_ed25519_sk_to_curve25519(priv, kp->sk) != 0)
		goto out;
	if ((rc = tv_noise_keypair_from_private(priv, out)) != 0)
		goto out;
	/* The pub of the converted secret must be the converted area id;
	 * otherwise kp is inconsistent and peers would reject us. */
	if (crypto_sign_ed25519_pk_to_curve25519(pub, kp->pk) != 0 ||
	    sodium_memcmp(pub, out->pub, TV_NOISE_KEY_LEN) != 0) {
		tv_noise_keypair_wipe(out);
		rc = TV_EINVAL;
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(priv, sizeof(priv));
	return rc;
}

/* PROTOCOL.md §9.2: a peer's static key must be its area id, converted. */
int
tv_noise_check_area(const uint8_t remote_static[static TV_NOISE_KEY_LEN],
    const uint8_t area_id[static TV_PK_LEN])
{
	uint8_t pub[TV_NOISE_KEY_LEN];

	if (crypto_sign_ed25519_pk_to_curve25519(pub, area_id) != 0)
		return TV_EMALFORMED;
	if (sodium_memcmp(pub, remote_static, TV_NOISE_KEY_LEN) != 0)
		return TV_EBADSIG;
	return 0;
}

/* ---- HandshakeState (§5.3) ---- */

/* Checks that kp->pub is the public key of kp->priv. */
static bool
keypair_is_valid(const struct tv_noise_keypair *kp)
{
	uint8_t pub[TV_NOISE_KEY_LEN];

	if (crypto_scalarmult_base(pub, kp->priv) != 0)
		return false;
	return sodium_memcmp(pub, kp->pub, TV_NOISE_KEY_LEN) == 0;
}

static void
hs_fail(struct tv_noise_hs *hs)
{
	/* Leaves is_ready false: every later call but close is refused. */
	sodium_memzero(hs, sizeof(*hs));
}

int
tv_noise_hs_init(struct tv_noise_hs *hs, enum tv_noise_role role,
    const uint8_t *prologue, size_t prologue_len,
    const struct tv_noise_keypair *s, const uint8_t *psk,
    const struct tv_noise_keypair *fixed_e)
{
	const char *name;
	size_t name_len;

	sodium_memzero(hs, sizeof(*hs));
	if ((role != TV_NOISE_INITIATOR && role != TV_NOISE_RESPONDER) ||
	    (prologue == NULL && prologue_len > 0) || s == NULL ||
	    !keypair_is_valid(s) ||
	    (fixed_e != NULL && !keypair_is_valid(fixed_e)))
		return TV_EINVAL;

	/* §5.2 InitializeSymmetric: a name of at most HASHLEN bytes is
	 * zero-padded into h; both of ours are. */
	name = psk != NULL ? TV_NOISE_NAME_PSK : TV_NOISE_NAME;
	name_len = strlen(name);
	memcpy(hs->h, name, name_len);
	memcpy(hs->ck, hs->h, HASHLEN);

	hs->is_initiator = role == TV_NOISE_INITIATOR;
	hs->s = *s;
	clamp(hs->s.priv);
	if (psk != NULL) {
		memcpy(hs->psk, psk, TV_NOISE_KEY_LEN);
		hs->has_psk = true;
	}
	if (fixed_e != NULL) {
		hs->e = *fixed_e;
		clamp(hs->e.priv);
		hs->has_e = true;
	}
	/* §5.3 Initialize: MixHash(prologue); XX has no pre-messages. */
	mix_hash(hs, prologue, prologue_len);
	hs->is_ready = true;
	return 0;
}

void
tv_noise_hs_close(struct tv_noise_hs *hs)
{
	if (hs != NULL)
		sodium_memzero(hs, sizeof(*hs));
}

bool
tv_noise_hs_is_done(const struct tv_noise_hs *hs)
{
	return hs->is_ready && hs->step == 3;
}

bool
tv_noise_hs_is_my_turn(const struct tv_noise_hs *hs)
{
	if (!hs->is_ready || hs->step >= 3)
		return false;
	/* Messages alternate, starting with the initiator. */
	return (hs->step % 2 == 0) == hs->is_initiator;
}

/* Bytes the next message adds around its payload, walking its tokens the
 * way write and read will (a key appears after the first DH or, with a
 * psk, after the first "e"). */
static size_t
msg_overhead(const struct tv_noise_hs *hs)
{
	const uint8_t *t = xx_tokens[hs->step];
	bool has_key = hs->cs.has_key;
	size_t n = 0;

	for (; *t != T_END; t++) {
		switch (*t) {
		case T_E:
			n += DHLEN;
			if (hs->has_psk)
				has_key = true;
			break;
		case T_S:
			n += DHLEN + (has_key ? TV_NOISE_TAG_LEN : 0);
			break;
		case T_PSK:
			if (hs->has_psk)
				has_key = true;
			break;
		default:
			has_key = true;
			break;
		}
	}
	return n + (has_key ? TV_NOISE_TAG_LEN : 0);
}

/* Runs one DH token; our and their keys depend on the role (§7.1). */
static int
dh_token(struct tv_noise_hs *hs, enum token t)
{
	uint8_t out[DHLEN];
	const uint8_t *priv, *pub;
	bool local_e, remote_e;
	int rc;

	/* ee, es, se: first letter is the initiator's key, second the
	 * responder's. */
	switch (t) {
	case T_EE:
		local_e = remote_e = true;
		break;
	case T_ES:
		local_e = hs->is_initiator;
		remote_e = !hs->is_initiator;
		break;
	default: /* T_SE */
		local_e = !hs->is_initiator;
		remote_e = hs->is_initiator;
		break;
	}
	priv = local_e ? hs->e.priv : hs->s.priv;
	pub = remote_e ? hs->re : hs->rs;
	if ((rc = dh(priv, pub, out)) != 0)
		return rc;
	mix_key(hs, out, DHLEN);
	sodium_memzero(out, sizeof(out));
	return 0;
}

int
tv_noise_hs_write(struct tv_noise_hs *hs, const uint8_t *payload,
    size_t payload_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	const uint8_t *t;
	size_t pos = 0, n;
	int rc;

	if (!tv_noise_hs_is_my_turn(hs) || (payload == NULL && payload_len))
		return TV_EINVAL;
	/* Noise §3: no message is longer than 65535 bytes. */
	if (payload_len > TV_NOISE_MSG_MAX ||
	    msg_overhead(hs) + payload_len > TV_NOISE_MSG_MAX)
		return TV_ETOOBIG;
	if (out == NULL || out_cap < msg_overhead(hs) + payload_len)
		return TV_EINVAL;

	for (t = xx_tokens[hs->step]; *t != T_END; t++) {
		switch (*t) {
		case T_E:
			if (!hs->has_e) {
				tv_noise_keypair_generate(&hs->e);
				hs->has_e = true;
			}
			memcpy(out + pos, hs->e.pub, DHLEN);
			pos += DHLEN;
			mix_hash(hs, hs->e.pub, DHLEN);
			/* §9.2: with a psk, "e" also does MixKey(e.pub). */
			if (hs->has_psk)
				mix_key(hs, hs->e.pub, DHLEN);
			break;
		case T_S:
			if ((rc = encrypt_and_hash(hs, hs->s.pub, DHLEN,
			    out + pos, &n)) != 0)
				goto fail;
			pos += n;
			break;
		case T_PSK:
			if (hs->has_psk)
				mix_key_and_hash(hs, hs->psk, TV_NOISE_KEY_LEN);
			break;
		default:
			/* The remote keys are in place: re came in message 1
			 * or 2, rs before the only "se"/"es" that needs it. */
			if ((rc = dh_token(hs, (enum token)*t)) != 0)
				goto fail;
			break;
		}
	}
	if ((rc = encrypt_and_hash(hs, payload, payload_len, out + pos,
	    &n)) != 0)
		goto fail;
	*out_len = pos + n;
	hs->step++;
	return 0;
fail:
	hs_fail(hs);
	return rc;
}

int
tv_noise_hs_read(struct tv_noise_hs *hs, const uint8_t *msg, size_t msg_len,
    uint8_t *out, size_t out_cap, size_t *out_len)
{
	const uint8_t *t;
	size_t pos = 0, n, overhead;
	int rc;

	if (!hs->is_ready || hs->step >= 3 || tv_noise_hs_is_my_turn(hs) ||
	    (msg == NULL && msg_len > 0))
		return TV_EINVAL;
	overhead = msg_overhead(hs);
	/* Noise §3: no message is longer than 65535 bytes. */
	if (msg_len > TV_NOISE_MSG_MAX) {
		rc = TV_ETOOBIG;
		goto fail;
	}
	/* PROTOCOL.md §9.3: each message has a fixed overhead. */
	if (msg_len < overhead) {
		rc = TV_EMALFORMED;
		goto fail;
	}
	if (msg_len - overhead > 0 && (out == NULL || out_cap < msg_len -
	    overhead))
		return TV_EINVAL;

	for (t = xx_tokens[hs->step]; *t != T_END; t++) {
		switch (*t) {
		case T_E:
			memcpy(hs->re, msg + pos, DHLEN);
			pos += DHLEN;
			mix_hash(hs, hs->re, DHLEN);
			/* §9.2: with a psk, "e" also does MixKey(re). */
			if (hs->has_psk)
				mix_key(hs, hs->re, DHLEN);
			break;
		case T_S:
			n = DHLEN + (hs->cs.has_key ? TV_NOISE_TAG_LEN : 0);
			if ((rc = decrypt_and_hash(hs, msg + pos, n,
			    hs->rs)) != 0)
				goto fail;
			hs->has_rs = true;
			pos += n;
			break;
		case T_PSK:
			if (hs->has_psk)
				mix_key_and_hash(hs, hs->psk, TV_NOISE_KEY_LEN);
			break;
		default:
			if ((rc = dh_token(hs, (enum token)*t)) != 0)
				goto fail;
			break;
		}
	}
	n = msg_len - pos;
	if ((rc = decrypt_and_hash(hs, msg + pos, n, out)) != 0) {
		if (n > TV_NOISE_TAG_LEN)
			sodium_memzero(out, n - TV_NOISE_TAG_LEN);
		goto fail;
	}
	*out_len = msg_len - overhead;
	hs->step++;
	return 0;
fail:
	hs_fail(hs);
	return rc;
}

int
tv_noise_hs_split(struct tv_noise_hs *hs, struct tv_noise_cipher *out_send,
    struct tv_noise_cipher *out_recv)
{
	uint8_t k1[HASHLEN], k2[HASHLEN];
	struct tv_noise_cipher *c1, *c2;

	if (!tv_noise_hs_is_done(hs) || hs->is_split)
		return TV_EINVAL;
	/* §5.2 Split: c1 carries initiator -> responder, c2 the reverse. */
	hkdf(hs->ck, NULL, 0, k1, k2, NULL);
	c1 = hs->is_initiator ? out_send : out_recv;
	c2 = hs->is_initiator ? out_recv : out_send;
	memset(c1, 0, sizeof(*c1));
	memset(c2, 0, sizeof(*c2));
	cs_init_key(c1, k1);
	cs_init_key(c2, k2);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));

	/* Keep h and rs; nothing else is needed after the split. */
	sodium_memzero(&hs->cs, sizeof(hs->cs));
	sodium_memzero(hs->ck, sizeof(hs->ck));
	tv_noise_keypair_wipe(&hs->s);
	tv_noise_keypair_wipe(&hs->e);
	sodium_memzero(hs->re, sizeof(hs->re));
	sodium_memzero(hs->psk, sizeof(hs->psk));
	hs->is_split = true;
	return 0;
}

int
tv_noise_hs_hash(const struct tv_noise_hs *hs,
    uint8_t out[static TV_NOISE_HASH_LEN])
{
	if (!tv_noise_hs_is_done(hs))
		return TV_EINVAL;
	memcpy(out, hs->h, TV_NOISE_HASH_LEN);
	return 0;
}

int
tv_noise_hs_remote_static(const struct tv_noise_hs *hs,
    uint8_t out[static TV_NOISE_KEY_LEN])
{
	if (!hs->is_ready || !hs->has_rs)
		return TV_EINVAL;
	memcpy(out, hs->rs, TV_NOISE_KEY_LEN);
	return 0;
}

/* ---- Transport (§5.1, §11.3) ---- */

void
tv_noise_cipher_close(struct tv_noise_cipher *c)
{
	if (c != NULL)
		sodium_memzero(c, sizeof(*c));
}

int
tv_noise_cipher_encrypt(struct tv_noise_cipher *c, const uint8_t *pt,
    size_t pt_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	int rc;

	if (!c->has_key || (pt == NULL && pt_len > 0) || out == NULL)
		return TV_EINVAL;
	/* Noise §3: a transport message is at most 65535 bytes. */
	if (pt_len > TV_NOISE_PLAINTEXT_MAX)
		return TV_ETOOBIG;
	if (out_cap < pt_len + TV_NOISE_TAG_LEN)
		return TV_EINVAL;
	if ((rc = cs_encrypt(c, NULL, 0, pt, pt_len, out)) != 0)
		return rc;
	*out_len = pt_len + TV_NOISE_TAG_LEN;
	return 0;
}

int
tv_noise_cipher_decrypt(struct tv_noise_cipher *c, const uint8_t *ct,
    size_t ct_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	int rc;

	if (!c->has_key || (ct == NULL && ct_len > 0))
		return TV_EINVAL;
	if (ct_len > TV_NOISE_MSG_MAX)
		return TV_ETOOBIG;
	if (ct_len < TV_NOISE_TAG_LEN)
		return TV_EMALFORMED;
	if (ct_len > TV_NOISE_TAG_LEN && (out == NULL ||
	    out_cap < ct_len - TV_NOISE_TAG_LEN))
		return TV_EINVAL;
	if ((rc = cs_decrypt(c, NULL, 0, ct, ct_len, out)) != 0)
		return rc;
	*out_len = ct_len - TV_NOISE_TAG_LEN;
	return 0;
}

int
tv_noise_cipher_rekey(struct tv_noise_cipher *c)
{
	static const uint8_t zeros[TV_NOISE_KEY_LEN];
	uint8_t nonce[NONCE_LEN], k[TV_NOISE_KEY_LEN], tag[TV_NOISE_TAG_LEN];
	uint8_t dummy = 0;

	if (!c->has_key)
		return TV_EINVAL;
	/* §4.2 REKEY(k) = the first 32 bytes of
	 * ENCRYPT(k, 2^64 - 1, zerolen, zeros), i.e. the ciphertext without
	 * its tag. */
	nonce_encode(NONCE_RESERVED, nonce);
	(void)crypto_aead_chacha20poly1305_ietf_encrypt_detached(k, tag, NULL,
	    zeros, sizeof(zeros), &dummy, 0, NULL, nonce, c->k);
	memcpy(c->k, k, sizeof(k));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(tag, sizeof(tag));
	return 0;
}

void
tv_noise_cipher_set_nonce(struct tv_noise_cipher *c, uint64_t n)
{
	c->n = n;
}

uint64_t
tv_noise_cipher_nonce(const struct tv_noise_cipher *c)
{
	return c->n;
}
