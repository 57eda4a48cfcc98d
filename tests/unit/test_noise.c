/*
 * The Noise handshake and transport (proto/noise.c): every
 * Noise_XX(psk3)_25519_ChaChaPoly_BLAKE2b vector of cacophony.txt byte for
 * byte, then failure paths, rekey, nonce limits and the Ed25519-derived
 * static keys.
 */
#include "test.h"

#include <jansson.h>
#include <sodium.h>

#include "err.h"
#include "noise.h"
#include "sign.h"

#define VECTORS TVAERS_SHARED_DIR "/vectors/cacophony.txt"

static const uint8_t fed_key[TV_NOISE_KEY_LEN] = {
	0x66, 0x65, 0x64, 0x65, 0x72, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20,
	0x6b, 0x65, 0x79, 0x20, 0x66, 0x6f, 0x72, 0x20, 0x74, 0x65, 0x73,
	0x74, 0x73, 0x20, 0x6f, 0x6e, 0x6c, 0x79, 0x2e, 0x2e, 0x2e,
};

static void
setup(void)
{
	ASSERT(sodium_init() >= 0);
}

static bool
all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* ---- Vectors ---- */

static uint8_t *
json_hex(json_t *obj, const char *key, size_t *out_len)
{
	json_t *v = json_object_get(obj, key);
	uint8_t *p;

	if (!json_is_string(v))
		TEST_FAIL("vector field %s missing", key);
	p = test_unhex(json_string_value(v), out_len);
	ASSERT(p != NULL);
	return p;
}

static void
json_key(json_t *obj, const char *key, struct tv_noise_keypair *out)
{
	size_t len;
	uint8_t *p = json_hex(obj, key, &len);

	ASSERT_EQ(len, TV_NOISE_KEY_LEN);
	ASSERT_EQ(tv_noise_keypair_from_private(p, out), 0);
	free(p);
}

/* The first psk of a "*_psks" list, or false if there is none. */
static bool
json_psk(json_t *obj, const char *key, uint8_t out[TV_NOISE_KEY_LEN])
{
	json_t *list = json_object_get(obj, key);
	size_t len;
	uint8_t *p;

	if (list == NULL)
		return false;
	ASSERT(json_is_array(list));
	ASSERT_EQ(json_array_size(list), 1);	/* psk3 takes one */
	p = test_unhex(json_string_value(json_array_get(list, 0)), &len);
	ASSERT(p != NULL);
	ASSERT_EQ(len, TV_NOISE_KEY_LEN);
	memcpy(out, p, len);
	free(p);
	return true;
}

struct party {
	struct tv_noise_hs hs;
	struct tv_noise_cipher send, recv;
};

static void
party_init(struct party *p, json_t *v, bool is_init)
{
	struct tv_noise_keypair s, e;
	uint8_t psk[TV_NOISE_KEY_LEN], *prologue;
	size_t prologue_len;
	bool has_psk;

	json_key(v, is_init ? "init_static" : "resp_static", &s);
	json_key(v, is_init ? "init_ephemeral" : "resp_ephemeral", &e);
	has_psk = json_psk(v, is_init ? "init_psks" : "resp_psks", psk);
	prologue = json_hex(v, is_init ? "init_prologue" : "resp_prologue",
	    &prologue_len);
	ASSERT_EQ(tv_noise_hs_init(&p->hs,
	    is_init ? TV_NOISE_INITIATOR : TV_NOISE_RESPONDER, prologue,
	    prologue_len, &s, has_psk ? psk : NULL, &e), 0);
	free(prologue);
}

/*
 * Runs one vector: both parties from their own keys; each message the
 * sender writes must equal the vector's ciphertext, and the receiver reads
 * the vector's ciphertext (not the sender's output), so each role is
 * checked on its own. Messages alternate, initiator first (README).
 */
static void
run_vector(json_t *v, bool has_psk)
{
	struct party init, resp;
	json_t *msgs = json_object_get(v, "messages");
	uint8_t *want_hash, h[TV_NOISE_HASH_LEN], rs[TV_NOISE_KEY_LEN];
	uint8_t out[TV_NOISE_MSG_MAX];
	size_t i, len;

	ASSERT(json_is_array(msgs));
	ASSERT(json_array_size(msgs) >= 3);
	party_init(&init, v, true);
	party_init(&resp, v, false);
	ASSERT_EQ(init.hs.has_psk, has_psk);
	ASSERT_EQ(resp.hs.has_psk, has_psk);

	for (i = 0; i < json_array_size(msgs); i++) {
		json_t *m = json_array_get(msgs, i);
		struct party *tx = i % 2 == 0 ? &init : &resp;
		struct party *rx = i % 2 == 0 ? &resp : &init;
		size_t pl_len, ct_len;
		uint8_t *pl = json_hex(m, "payload", &pl_len);
		uint8_t *ct = json_hex(m, "ciphertext", &ct_len);

		if (i < 3) {
			ASSERT(tv_noise_hs_is_my_turn(&tx->hs));
			ASSERT(!tv_noise_hs_is_my_turn(&rx->hs));
			ASSERT_EQ(tv_noise_hs_write(&tx->hs, pl, pl_len, out,
			    sizeof(out), &len), 0);
			ASSERT_EQ(len, ct_len);
			ASSERT_MEM_EQ(out, ct, ct_len);
			ASSERT_EQ(tv_noise_hs_read(&rx->hs, ct, ct_len, out,
			    sizeof(out), &len), 0);
		} else {
			ASSERT_EQ(tv_noise_cipher_encrypt(&tx->send, pl,
			    pl_len, out, sizeof(out), &len), 0);
			ASSERT_EQ(len, ct_len);
			ASSERT_MEM_EQ(out, ct, ct_len);
			ASSERT_EQ(tv_noise_cipher_decrypt(&rx->recv, ct,
			    ct_len, out, sizeof(out), &len), 0);
		}
		ASSERT_EQ(len, pl_len);
		ASSERT_MEM_EQ(out, pl, pl_len);
		free(pl);
		free(ct);

		if (i == 2) {
			ASSERT(tv_noise_hs_is_done(&init.hs));
			ASSERT(tv_noise_hs_is_done(&resp.hs));
			want_hash = json_hex(v, "handshake_hash", &len);
			ASSERT_EQ(len, TV_NOISE_HASH_LEN);
			ASSERT_EQ(tv_noise_hs_hash(&init.hs, h), 0);
			ASSERT_MEM_EQ(h, want_hash, len);
			ASSERT_EQ(tv_noise_hs_hash(&resp.hs, h), 0);
			ASSERT_MEM_EQ(h, want_hash, len);
			free(want_hash);
			/* Each side learnt the other's static key. */
			ASSERT_EQ(tv_noise_hs_remote_static(&init.hs, rs), 0);
			ASSERT_MEM_EQ(rs, resp.hs.s.pub, sizeof(rs));
			ASSERT_EQ(tv_noise_hs_remote_static(&resp.hs, rs), 0);
			ASSERT_MEM_EQ(rs, init.hs.s.pub, sizeof(rs));
			ASSERT_EQ(tv_noise_hs_split(&init.hs, &init.send,
			    &init.recv), 0);
			ASSERT_EQ(tv_noise_hs_split(&resp.hs, &resp.send,
			    &resp.recv), 0);
		}
	}
	tv_noise_hs_close(&init.hs);
	tv_noise_hs_close(&resp.hs);
	tv_noise_cipher_close(&init.send);
	tv_noise_cipher_close(&init.recv);
	tv_noise_cipher_close(&resp.send);
	tv_noise_cipher_close(&resp.recv);
}

TEST(cacophony_vectors)
{
	json_error_t err;
	json_t *root, *list;
	size_t i, n_xx = 0, n_psk = 0, n_msgs = 0;

	setup();
	root = json_load_file(VECTORS, 0, &err);
	if (root == NULL)
		TEST_FAIL("%s:%d: %s", VECTORS, err.line, err.text);
	list = json_object_get(root, "vectors");
	ASSERT(json_is_array(list));
	for (i = 0; i < json_array_size(list); i++) {
		json_t *v = json_array_get(list, i);
		const char *name = json_string_value(
		    json_object_get(v, "protocol_name"));

		if (name == NULL)
			continue;
		if (strcmp(name, TV_NOISE_NAME) == 0) {
			run_vector(v, false);
			n_xx++;
		} else if (strcmp(name, TV_NOISE_NAME_PSK) == 0) {
			run_vector(v, true);
			n_psk++;
		} else {
			continue;
		}
		n_msgs += json_array_size(json_object_get(v, "messages"));
	}
	json_decref(root);
	printf("cacophony: %zu %s and %zu %s vectors, %zu messages, both "
	    "roles\n", n_xx, TV_NOISE_NAME, n_psk, TV_NOISE_NAME_PSK, n_msgs);
	ASSERT(n_xx > 0);
	ASSERT(n_psk > 0);
}

/* ---- A handshake between two fresh parties ---- */

struct pair {
	struct tv_noise_keypair s_init, s_resp;
	struct party init, resp;
	int fail_rc;		/* the failing read's code, or 0 */
	int fail_msg;		/* 1..3: the message that failed */
};

struct pair_opts {
	const uint8_t *prologue_init, *prologue_resp;
	size_t prologue_init_len, prologue_resp_len;
	const uint8_t *psk_init, *psk_resp;
	int tamper_msg;		/* 1..3, or 0 for none */
	size_t tamper_at;
};

static void
pair_start(struct pair *p, const struct pair_opts *o)
{
	memset(p, 0, sizeof(*p));
	tv_noise_keypair_generate(&p->s_init);
	tv_noise_keypair_generate(&p->s_resp);
	ASSERT_EQ(tv_noise_hs_init(&p->init.hs, TV_NOISE_INITIATOR,
	    o->prologue_init, o->prologue_init_len, &p->s_init, o->psk_init,
	    NULL), 0);
	ASSERT_EQ(tv_noise_hs_init(&p->resp.hs, TV_NOISE_RESPONDER,
	    o->prologue_resp, o->prologue_resp_len, &p->s_resp, o->psk_resp,
	    NULL), 0);
}

/* Runs the three messages; stops at the first failure and records it. */
static void
pair_run(struct pair *p, const struct pair_opts *o)
{
	static const uint8_t payload[] = "hello";
	uint8_t msg[TV_NOISE_MSG_MAX], out[TV_NOISE_MSG_MAX];
	size_t len, out_len;
	int i, rc;

	for (i = 1; i <= 3; i++) {
		struct party *tx = i % 2 == 1 ? &p->init : &p->resp;
		struct party *rx = i % 2 == 1 ? &p->resp : &p->init;

		rc = tv_noise_hs_write(&tx->hs, payload, sizeof(payload), msg,
		    sizeof(msg), &len);
		if (rc != 0) {
			p->fail_rc = rc;
			p->fail_msg = i;
			return;
		}
		if (o->tamper_msg == i) {
			ASSERT(o->tamper_at < len);
			msg[o->tamper_at] ^= 0x01;
		}
		rc = tv_noise_hs_read(&rx->hs, msg, len, out, sizeof(out),
		    &out_len);
		if (rc != 0) {
			p->fail_rc = rc;
			p->fail_msg = i;
			/* A failed handshake keeps nothing. */
			ASSERT(all_zero(&rx->hs, sizeof(rx->hs)));
			ASSERT_EQ(tv_noise_hs_read(&rx->hs, msg, len, out,
			    sizeof(out), &out_len), TV_EINVAL);
			ASSERT_EQ(tv_noise_hs_write(&rx->hs, NULL, 0, out,
			    sizeof(out), &out_len), TV_EINVAL);
			return;
		}
		/* Noise_XX message 1 is clear text that nothing checks yet:
		 * a changed payload arrives changed, and message 2 fails. */
		if (i == 1 && !rx->hs.has_psk)
			continue;
		ASSERT_EQ(out_len, sizeof(payload));
		ASSERT_MEM_EQ(out, payload, sizeof(payload));
	}
	ASSERT_EQ(tv_noise_hs_split(&p->init.hs, &p->init.send,
	    &p->init.recv), 0);
	ASSERT_EQ(tv_noise_hs_split(&p->resp.hs, &p->resp.send,
	    &p->resp.recv), 0);
}

static void
pair_close(struct pair *p)
{
	tv_noise_hs_close(&p->init.hs);
	tv_noise_hs_close(&p->resp.hs);
	tv_noise_cipher_close(&p->init.send);
	tv_noise_cipher_close(&p->init.recv);
	tv_noise_cipher_close(&p->resp.send);
	tv_noise_cipher_close(&p->resp.recv);
	tv_noise_keypair_wipe(&p->s_init);
	tv_noise_keypair_wipe(&p->s_resp);
}

static void
tvaers_opts(struct pair_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->prologue_init = o->prologue_resp =
	    (const uint8_t *)TV_NOISE_PROLOGUE;
	o->prologue_init_len = o->prologue_resp_len = TV_NOISE_PROLOGUE_LEN;
	o->psk_init = o->psk_resp = fed_key;
}

/* One transport message from a to b, checked. */
static void
send_one(struct party *a, struct party *b, const char *text)
{
	uint8_t ct[256], pt[256];
	size_t ct_len, pt_len, n = strlen(text);

	ASSERT_EQ(tv_noise_cipher_encrypt(&a->send, (const uint8_t *)text, n,
	    ct, sizeof(ct), &ct_len), 0);
	ASSERT_EQ(ct_len, n + TV_NOISE_TAG_LEN);
	ASSERT_EQ(tv_noise_cipher_decrypt(&b->recv, ct, ct_len, pt,
	    sizeof(pt), &pt_len), 0);
	ASSERT_EQ(pt_len, n);
	ASSERT_MEM_EQ(pt, text, n);
}

TEST(handshake_random_keys)
{
	struct pair p;
	struct pair_opts o;
	uint8_t h1[TV_NOISE_HASH_LEN], h2[TV_NOISE_HASH_LEN];
	uint8_t rs[TV_NOISE_KEY_LEN];
	int with_psk;

	setup();
	for (with_psk = 0; with_psk < 2; with_psk++) {
		tvaers_opts(&o);
		if (!with_psk)
			o.psk_init = o.psk_resp = NULL;
		pair_start(&p, &o);
		pair_run(&p, &o);
		ASSERT_EQ(p.fail_rc, 0);
		ASSERT_EQ(tv_noise_hs_hash(&p.init.hs, h1), 0);
		ASSERT_EQ(tv_noise_hs_hash(&p.resp.hs, h2), 0);
		ASSERT_MEM_EQ(h1, h2, sizeof(h1));
		ASSERT_EQ(tv_noise_hs_remote_static(&p.init.hs, rs), 0);
		ASSERT_MEM_EQ(rs, p.s_resp.pub, sizeof(rs));
		ASSERT_EQ(tv_noise_hs_remote_static(&p.resp.hs, rs), 0);
		ASSERT_MEM_EQ(rs, p.s_init.pub, sizeof(rs));
		/* Split wiped the handshake's keys. */
		ASSERT(all_zero(p.init.hs.ck, sizeof(p.init.hs.ck)));
		ASSERT(all_zero(&p.init.hs.e, sizeof(p.init.hs.e)));
		ASSERT(all_zero(&p.init.hs.s, sizeof(p.init.hs.s)));
		ASSERT(all_zero(p.resp.hs.psk, sizeof(p.resp.hs.psk)));
		send_one(&p.init, &p.resp, "to the responder");
		send_one(&p.resp, &p.init, "to the initiator");
		send_one(&p.resp, &p.init, "and again");
		ASSERT_EQ(tv_noise_cipher_nonce(&p.resp.send), 2);
		ASSERT_EQ(tv_noise_cipher_nonce(&p.init.recv), 2);
		ASSERT_EQ(tv_noise_cipher_nonce(&p.init.send), 1);
		pair_close(&p);
		ASSERT(all_zero(&p.init, sizeof(p.init)));
		ASSERT(all_zero(&p.resp, sizeof(p.resp)));
	}
}

TEST(wrong_prologue)
{
	static const uint8_t other[] = "tvaers/2";
	struct pair p;
	struct pair_opts o;

	setup();
	/* Noise_XX: message 1 is not authenticated, so the responder
	 * cannot tell; the initiator fails on message 2. */
	tvaers_opts(&o);
	o.psk_init = o.psk_resp = NULL;
	o.prologue_resp = other;
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, TV_EBADSIG);
	ASSERT_EQ(p.fail_msg, 2);
	pair_close(&p);

	/* XXpsk3: message 1's payload is encrypted with h as its associated
	 * data, so the responder fails at once. */
	tvaers_opts(&o);
	o.prologue_resp = other;
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, TV_EBADSIG);
	ASSERT_EQ(p.fail_msg, 1);
	pair_close(&p);

	/* An empty prologue differs from ours too. */
	tvaers_opts(&o);
	o.prologue_init = NULL;
	o.prologue_init_len = 0;
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, TV_EBADSIG);
	ASSERT_EQ(p.fail_msg, 1);
	pair_close(&p);
}

TEST(wrong_psk)
{
	uint8_t other[TV_NOISE_KEY_LEN];
	struct pair p;
	struct pair_opts o;
	int which;

	setup();
	memcpy(other, fed_key, sizeof(other));
	other[31] ^= 0x80;
	/* psk3 mixes the psk in at the end of message 3: the first two
	 * messages pass, and the responder fails reading message 3. */
	for (which = 0; which < 2; which++) {
		tvaers_opts(&o);
		if (which == 0)
			o.psk_init = other;
		else
			o.psk_resp = other;
		pair_start(&p, &o);
		pair_run(&p, &o);
		ASSERT_EQ(p.fail_rc, TV_EBADSIG);
		ASSERT_EQ(p.fail_msg, 3);
		pair_close(&p);
	}

	/* One side with the federation key, the other with none: the
	 * protocol names differ, so h differs from the start. */
	tvaers_opts(&o);
	o.psk_resp = NULL;
	pair_start(&p, &o);
	pair_run(&p, &o);
	/* The XX responder takes the psk initiator's encrypted payload as
	 * clear text; the initiator then fails on message 2. */
	ASSERT_EQ(p.fail_rc, TV_EBADSIG);
	ASSERT_EQ(p.fail_msg, 2);
	pair_close(&p);

	tvaers_opts(&o);
	o.psk_init = NULL;
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_msg, 1);
	ASSERT(p.fail_rc == TV_EBADSIG || p.fail_rc == TV_EMALFORMED);
	pair_close(&p);
}

/* Flips each bit-0 of each byte of each handshake message in turn. */
static void
tamper_all(bool with_psk)
{
	struct pair p;
	struct pair_opts o;
	size_t lens[4] = { 0, 32 + 6, 32 + 48 + 6 + 16, 48 + 6 + 16 };
	size_t at;
	int m, n = 0;

	if (with_psk)
		lens[1] += TV_NOISE_TAG_LEN;
	for (m = 1; m <= 3; m++) {
		for (at = 0; at < lens[m]; at++) {
			tvaers_opts(&o);
			if (!with_psk)
				o.psk_init = o.psk_resp = NULL;
			o.tamper_msg = m;
			o.tamper_at = at;
			pair_start(&p, &o);
			pair_run(&p, &o);
			if (p.fail_rc == 0)
				TEST_FAIL("message %d byte %zu: tampering "
				    "was not detected", m, at);
			/* Noise_XX message 1 has nothing to check it; the
			 * initiator notices on message 2. Every other
			 * message fails where it is read. */
			ASSERT_EQ(p.fail_msg, m == 1 && !with_psk ? 2 : m);
			ASSERT(p.fail_rc == TV_EBADSIG ||
			    p.fail_rc == TV_EMALFORMED);
			pair_close(&p);
			n++;
		}
	}
	ASSERT(n > 200);
}

TEST(tamper_xx)
{
	setup();
	tamper_all(false);
}

TEST(tamper_xxpsk3)
{
	setup();
	tamper_all(true);
}

TEST(truncated_and_long_messages)
{
	struct pair p;
	struct pair_opts o;
	uint8_t msg[TV_NOISE_MSG_MAX + 1], out[TV_NOISE_MSG_MAX];
	size_t len, out_len;

	setup();
	tvaers_opts(&o);
	/* Shorter than the fixed part (32 + 16 with a psk): malformed. */
	for (len = 0; len < 48; len++) {
		pair_start(&p, &o);
		ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 0, msg,
		    sizeof(msg), &out_len), 0);
		ASSERT_EQ(out_len, 48);
		ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out,
		    sizeof(out), &out_len), TV_EMALFORMED);
		ASSERT(all_zero(&p.resp.hs, sizeof(p.resp.hs)));
		pair_close(&p);
	}
	/* Longer than 65535 bytes: too big, whatever it holds. */
	pair_start(&p, &o);
	memset(msg, 0, sizeof(msg));
	ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, sizeof(msg), out,
	    sizeof(out), &out_len), TV_ETOOBIG);
	ASSERT(!tv_noise_hs_is_done(&p.resp.hs));
	pair_close(&p);

	/* Message 2 cut short after message 1 went well. */
	pair_start(&p, &o);
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 0, msg, sizeof(msg),
	    &len), 0);
	ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	ASSERT_EQ(out_len, 0);
	ASSERT_EQ(tv_noise_hs_write(&p.resp.hs, NULL, 0, msg, sizeof(msg),
	    &len), 0);
	ASSERT_EQ(len, 32 + 48 + 16);
	ASSERT_EQ(tv_noise_hs_read(&p.init.hs, msg, len - 1, out,
	    sizeof(out), &out_len), TV_EMALFORMED);
	pair_close(&p);
}

TEST(message_size_limit)
{
	struct pair p;
	struct pair_opts o;
	static uint8_t payload[TV_NOISE_MSG_MAX], msg[TV_NOISE_MSG_MAX];
	static uint8_t out[TV_NOISE_MSG_MAX];
	size_t len, out_len, max1 = TV_NOISE_MSG_MAX - 32 - 16;

	setup();
	tvaers_opts(&o);
	pair_start(&p, &o);
	randombytes_buf(payload, sizeof(payload));
	/* One byte over: refused, and the state is unchanged. */
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload, max1 + 1, msg,
	    sizeof(msg), &len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload, SIZE_MAX, msg,
	    sizeof(msg), &len), TV_ETOOBIG);
	/* An output buffer one byte short: refused, state unchanged. */
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload, max1, msg,
	    TV_NOISE_MSG_MAX - 1, &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload, max1, msg,
	    sizeof(msg), &len), 0);
	ASSERT_EQ(len, TV_NOISE_MSG_MAX);
	/* The reader's buffer one byte short: refused, then fine. */
	ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out, max1 - 1,
	    &out_len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out, max1,
	    &out_len), 0);
	ASSERT_EQ(out_len, max1);
	ASSERT_MEM_EQ(out, payload, max1);
	/* Message 2 at its limit too. */
	ASSERT_EQ(tv_noise_hs_write(&p.resp.hs, payload,
	    TV_NOISE_MSG_MAX - 96 + 1, msg, sizeof(msg), &len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_hs_write(&p.resp.hs, payload,
	    TV_NOISE_MSG_MAX - 96, msg, sizeof(msg), &len), 0);
	ASSERT_EQ(len, TV_NOISE_MSG_MAX);
	ASSERT_EQ(tv_noise_hs_read(&p.init.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload,
	    TV_NOISE_MSG_MAX - 64 + 1, msg, sizeof(msg), &len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, payload,
	    TV_NOISE_MSG_MAX - 64, msg, sizeof(msg), &len), 0);
	ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	ASSERT_EQ(tv_noise_hs_split(&p.init.hs, &p.init.send, &p.init.recv),
	    0);
	ASSERT_EQ(tv_noise_hs_split(&p.resp.hs, &p.resp.send, &p.resp.recv),
	    0);

	/* Transport: 65519 bytes of plaintext fit, 65520 do not. */
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send, payload,
	    TV_NOISE_PLAINTEXT_MAX + 1, msg, sizeof(msg), &len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send, payload,
	    TV_NOISE_PLAINTEXT_MAX, msg, sizeof(msg) - 1, &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_cipher_nonce(&p.init.send), 0);
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send, payload,
	    TV_NOISE_PLAINTEXT_MAX, msg, sizeof(msg), &len), 0);
	ASSERT_EQ(len, TV_NOISE_MSG_MAX);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, msg, len, out,
	    TV_NOISE_PLAINTEXT_MAX - 1, &out_len), TV_EINVAL);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, msg, len, out,
	    sizeof(out), &out_len), 0);
	ASSERT_EQ(out_len, TV_NOISE_PLAINTEXT_MAX);
	ASSERT_MEM_EQ(out, payload, out_len);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, msg,
	    TV_NOISE_MSG_MAX + 1, out, sizeof(out), &out_len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, msg,
	    TV_NOISE_TAG_LEN - 1, out, sizeof(out), &out_len), TV_EMALFORMED);
	pair_close(&p);
}

TEST(wrong_turn_and_order)
{
	struct pair p;
	struct pair_opts o;
	struct tv_noise_cipher a, b;
	uint8_t msg[256], out[256], h[TV_NOISE_HASH_LEN];
	uint8_t rs[TV_NOISE_KEY_LEN];
	size_t len, out_len;

	setup();
	memset(msg, 0, sizeof(msg));
	tvaers_opts(&o);
	pair_start(&p, &o);
	/* The responder cannot write first, nor the initiator read first. */
	ASSERT(!tv_noise_hs_is_my_turn(&p.resp.hs));
	ASSERT_EQ(tv_noise_hs_write(&p.resp.hs, NULL, 0, msg, sizeof(msg),
	    &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_read(&p.init.hs, msg, 48, out, sizeof(out),
	    &out_len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_split(&p.init.hs, &a, &b), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_hash(&p.init.hs, h), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_remote_static(&p.init.hs, rs), TV_EINVAL);
	/* A NULL payload with a length is an argument error. */
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 1, msg, sizeof(msg),
	    &len), TV_EINVAL);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, 0);
	/* Done: no more handshake messages, no second split. */
	ASSERT(!tv_noise_hs_is_my_turn(&p.init.hs));
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 0, msg, sizeof(msg),
	    &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_read(&p.init.hs, msg, 64, out, sizeof(out),
	    &out_len), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_split(&p.init.hs, &a, &b), TV_EINVAL);
	/* The hash and the remote key stay readable after the split. */
	ASSERT_EQ(tv_noise_hs_hash(&p.init.hs, h), 0);
	ASSERT_EQ(tv_noise_hs_remote_static(&p.init.hs, rs), 0);
	pair_close(&p);

	/* A closed or zeroed handshake refuses everything. */
	ASSERT(!tv_noise_hs_is_done(&p.init.hs));
	ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 0, msg, sizeof(msg),
	    &len), TV_EINVAL);
	tv_noise_hs_close(NULL);
	tv_noise_cipher_close(NULL);
	/* A cipher state without a key is refused. */
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(tv_noise_cipher_encrypt(&a, msg, 1, out, sizeof(out),
	    &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_cipher_decrypt(&a, msg, 17, out, sizeof(out),
	    &len), TV_EINVAL);
	ASSERT_EQ(tv_noise_cipher_rekey(&a), TV_EINVAL);
}

TEST(init_arguments)
{
	struct tv_noise_hs hs;
	struct tv_noise_keypair s, bad;

	setup();
	tv_noise_keypair_generate(&s);
	bad = s;
	bad.pub[0] ^= 1;
	ASSERT_EQ(tv_noise_hs_init(&hs, TV_NOISE_INITIATOR, NULL, 0, NULL,
	    NULL, NULL), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_init(&hs, TV_NOISE_INITIATOR, NULL, 0, &bad,
	    NULL, NULL), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_init(&hs, TV_NOISE_INITIATOR, NULL, 0, &s,
	    NULL, &bad), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_init(&hs, TV_NOISE_INITIATOR, NULL, 3, &s,
	    NULL, NULL), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_init(&hs, (enum tv_noise_role)7, NULL, 0, &s,
	    NULL, NULL), TV_EINVAL);
	ASSERT(all_zero(&hs, sizeof(hs)));
	ASSERT_EQ(tv_noise_hs_init(&hs, TV_NOISE_RESPONDER, NULL, 0, &s,
	    NULL, NULL), 0);
	ASSERT(!tv_noise_hs_is_my_turn(&hs));
	tv_noise_hs_close(&hs);
	tv_noise_hs_close(&hs);	/* idempotent */
	ASSERT(all_zero(&hs, sizeof(hs)));
	tv_noise_keypair_wipe(&s);
	ASSERT(all_zero(&s, sizeof(s)));
}

/* An ephemeral key of small order: the DH must be refused, not used. */
TEST(low_order_ephemeral)
{
	struct pair p;
	struct pair_opts o;
	uint8_t msg[256], out[256];
	size_t len, out_len;
	int with_psk;

	setup();
	for (with_psk = 0; with_psk < 2; with_psk++) {
		tvaers_opts(&o);
		if (!with_psk)
			o.psk_init = o.psk_resp = NULL;
		pair_start(&p, &o);
		ASSERT_EQ(tv_noise_hs_write(&p.init.hs, NULL, 0, msg,
		    sizeof(msg), &len), 0);
		if (with_psk) {
			/* Rebuild message 1 around e = 0 so that its tag
			 * still verifies: only the DH can catch it. */
			struct tv_noise_hs fake;
			struct tv_noise_keypair e0;

			tv_noise_hs_close(&p.init.hs);
			ASSERT_EQ(tv_noise_hs_init(&fake, TV_NOISE_INITIATOR,
			    o.prologue_init, o.prologue_init_len, &p.s_init,
			    o.psk_init, NULL), 0);
			memset(&e0, 0, sizeof(e0));
			fake.e = e0;	/* reaching in: pub 0 is no key */
			fake.has_e = true;
			ASSERT_EQ(tv_noise_hs_write(&fake, NULL, 0, msg,
			    sizeof(msg), &len), 0);
			tv_noise_hs_close(&fake);
		} else {
			memset(msg, 0, 32);
		}
		ASSERT_EQ(tv_noise_hs_read(&p.resp.hs, msg, len, out,
		    sizeof(out), &out_len), 0);
		ASSERT_EQ(tv_noise_hs_write(&p.resp.hs, NULL, 0, msg,
		    sizeof(msg), &len), TV_EMALFORMED);
		ASSERT(all_zero(&p.resp.hs, sizeof(p.resp.hs)));
		pair_close(&p);
	}
}

TEST(transport_tamper_keeps_nonce)
{
	struct pair p;
	struct pair_opts o;
	uint8_t ct[64], pt[64];
	size_t ct_len, pt_len, i;

	setup();
	tvaers_opts(&o);
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, 0);
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send,
	    (const uint8_t *)"abc", 3, ct, sizeof(ct), &ct_len), 0);
	for (i = 0; i < ct_len; i++) {
		uint8_t bad[64];

		memcpy(bad, ct, ct_len);
		bad[i] ^= 0x40;
		ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, bad, ct_len,
		    pt, sizeof(pt), &pt_len), TV_EBADSIG);
		ASSERT_EQ(tv_noise_cipher_nonce(&p.resp.recv), 0);
	}
	/* The untouched message still decrypts: the nonce did not move. */
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, ct, ct_len, pt,
	    sizeof(pt), &pt_len), 0);
	ASSERT_EQ(pt_len, 3);
	/* Replaying it fails: nonce 1 now. */
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, ct, ct_len, pt,
	    sizeof(pt), &pt_len), TV_EBADSIG);
	/* In place: out == in. */
	memcpy(pt, "in place", 8);
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.resp.send, pt, 8, pt,
	    sizeof(pt), &ct_len), 0);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.init.recv, pt, ct_len, pt,
	    sizeof(pt), &pt_len), 0);
	ASSERT_MEM_EQ(pt, "in place", 8);
	/* Empty messages work and still carry a tag. */
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.resp.send, NULL, 0, ct,
	    sizeof(ct), &ct_len), 0);
	ASSERT_EQ(ct_len, TV_NOISE_TAG_LEN);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.init.recv, ct, ct_len, NULL, 0,
	    &pt_len), 0);
	ASSERT_EQ(pt_len, 0);
	pair_close(&p);
}

TEST(rekey)
{
	struct pair p;
	struct pair_opts o;
	uint8_t ct[64], pt[64], before[TV_NOISE_KEY_LEN];
	uint8_t nonce[12] = { 0 }, expect[TV_NOISE_KEY_LEN + 16];
	static const uint8_t zeros[TV_NOISE_KEY_LEN];
	size_t ct_len, pt_len;

	setup();
	tvaers_opts(&o);
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, 0);
	send_one(&p.init, &p.resp, "before");
	send_one(&p.resp, &p.init, "before");

	/* REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64-1, "", zeros),
	 * computed here from libsodium directly. */
	memcpy(before, p.init.send.k, sizeof(before));
	memset(nonce + 4, 0xff, 8);
	ASSERT_EQ(crypto_aead_chacha20poly1305_ietf_encrypt(expect, NULL,
	    zeros, sizeof(zeros), NULL, 0, NULL, nonce, before), 0);
	ASSERT_EQ(tv_noise_cipher_rekey(&p.init.send), 0);
	ASSERT_MEM_EQ(p.init.send.k, expect, TV_NOISE_KEY_LEN);
	ASSERT_EQ(tv_noise_cipher_nonce(&p.init.send), 1);	/* kept */

	/* The receiver has not rekeyed: the message fails. */
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send,
	    (const uint8_t *)"after", 5, ct, sizeof(ct), &ct_len), 0);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, ct, ct_len, pt,
	    sizeof(pt), &pt_len), TV_EBADSIG);
	/* Once it has, the same message decrypts. */
	ASSERT_EQ(tv_noise_cipher_rekey(&p.resp.recv), 0);
	ASSERT_MEM_EQ(p.resp.recv.k, p.init.send.k, TV_NOISE_KEY_LEN);
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, ct, ct_len, pt,
	    sizeof(pt), &pt_len), 0);
	ASSERT_MEM_EQ(pt, "after", 5);
	/* The other direction is untouched until it rekeys too. */
	send_one(&p.resp, &p.init, "other way");
	ASSERT_EQ(tv_noise_cipher_rekey(&p.resp.send), 0);
	ASSERT_EQ(tv_noise_cipher_rekey(&p.init.recv), 0);
	send_one(&p.resp, &p.init, "other way, rekeyed");
	send_one(&p.init, &p.resp, "and back");
	pair_close(&p);
}

TEST(nonce_exhaustion)
{
	struct pair p;
	struct pair_opts o;
	uint8_t ct[64], pt[64];
	size_t ct_len, pt_len;

	setup();
	tvaers_opts(&o);
	pair_start(&p, &o);
	pair_run(&p, &o);
	ASSERT_EQ(p.fail_rc, 0);
	tv_noise_cipher_set_nonce(&p.init.send, UINT64_MAX - 1);
	tv_noise_cipher_set_nonce(&p.resp.recv, UINT64_MAX - 1);
	/* 2^64 - 2 is the last nonce a message may use. */
	send_one(&p.init, &p.resp, "last");
	ASSERT_EQ(tv_noise_cipher_nonce(&p.init.send), UINT64_MAX);
	/* 2^64 - 1 is reserved for REKEY: both ends refuse. */
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send,
	    (const uint8_t *)"x", 1, ct, sizeof(ct), &ct_len), TV_ETOOBIG);
	ASSERT_EQ(tv_noise_cipher_nonce(&p.init.send), UINT64_MAX);
	memset(ct, 0, sizeof(ct));
	ASSERT_EQ(tv_noise_cipher_decrypt(&p.resp.recv, ct, 17, pt,
	    sizeof(pt), &pt_len), TV_ETOOBIG);
	/* Rekey still works at the end, and the nonce stays used up. */
	ASSERT_EQ(tv_noise_cipher_rekey(&p.init.send), 0);
	ASSERT_EQ(tv_noise_cipher_encrypt(&p.init.send,
	    (const uint8_t *)"x", 1, ct, sizeof(ct), &ct_len), TV_ETOOBIG);
	pair_close(&p);
}

/* ---- Static keys from the area's Ed25519 key ---- */

static void
ed_keypair(struct tv_keypair *kp)
{
	ASSERT_EQ(crypto_sign_keypair(kp->pk, kp->sk), 0);
}

TEST(ed25519_static_key)
{
	struct tv_keypair a, b;
	struct tv_noise_keypair xa, xb, again;
	uint8_t pub[TV_NOISE_KEY_LEN], k1[32], k2[32];
	uint8_t msg[] = "one key signs records and authenticates links";
	uint8_t sig[crypto_sign_BYTES];

	setup();
	ed_keypair(&a);
	ed_keypair(&b);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&a, &xa), 0);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&b, &xb), 0);
	/* Deterministic, clamped, and pub is priv's. */
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&a, &again), 0);
	ASSERT_MEM_EQ(&again, &xa, sizeof(xa));
	ASSERT_EQ(xa.priv[0] & 7, 0);
	ASSERT_EQ(xa.priv[31] & 0xc0, 0x40);
	ASSERT_EQ(crypto_scalarmult_base(pub, xa.priv), 0);
	ASSERT_MEM_EQ(pub, xa.pub, sizeof(pub));
	/* Round trip: the X25519 pub is the converted area id. */
	ASSERT_EQ(crypto_sign_ed25519_pk_to_curve25519(pub, a.pk), 0);
	ASSERT_MEM_EQ(pub, xa.pub, sizeof(pub));
	ASSERT_EQ(tv_noise_check_area(xa.pub, a.pk), 0);
	ASSERT_EQ(tv_noise_check_area(xb.pub, b.pk), 0);
	/* The two areas agree on a DH. */
	ASSERT_EQ(crypto_scalarmult(k1, xa.priv, xb.pub), 0);
	ASSERT_EQ(crypto_scalarmult(k2, xb.priv, xa.pub), 0);
	ASSERT_MEM_EQ(k1, k2, sizeof(k1));
	/* The Ed25519 key still signs as before. */
	ASSERT_EQ(crypto_sign_detached(sig, NULL, msg, sizeof(msg), a.sk), 0);
	ASSERT_EQ(crypto_sign_verify_detached(sig, msg, sizeof(msg), a.pk),
	    0);
	/* A key pair whose halves do not belong together is refused. */
	memcpy(a.pk, b.pk, sizeof(a.pk));
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&a, &again), TV_EINVAL);
	ASSERT(all_zero(&again, sizeof(again)));
	tv_noise_keypair_wipe(&xa);
	tv_noise_keypair_wipe(&xb);
}

TEST(check_area)
{
	struct tv_keypair a, b;
	struct tv_noise_keypair xa;
	uint8_t id[TV_PK_LEN];

	setup();
	ed_keypair(&a);
	ed_keypair(&b);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&a, &xa), 0);
	ASSERT_EQ(tv_noise_check_area(xa.pub, a.pk), 0);
	ASSERT_EQ(tv_noise_check_area(xa.pub, b.pk), TV_EBADSIG);
	/* A static key that is not derived from any claimed id. */
	ASSERT_EQ(tv_noise_check_area(a.pk, a.pk), TV_EBADSIG);
	/* Not an Ed25519 public key: the identity point (small order). */
	memset(id, 0, sizeof(id));
	id[0] = 1;
	ASSERT_EQ(tv_noise_check_area(xa.pub, id), TV_EMALFORMED);
	/* Not on the curve at all (y = 2 has no x). */
	memset(id, 0, sizeof(id));
	id[0] = 2;
	ASSERT_EQ(tv_noise_check_area(xa.pub, id), TV_EMALFORMED);
	/* On the curve but outside the prime-order subgroup: a's id plus a
	 * point of order 8. Its X25519 form would differ from xa.pub only
	 * by a low-order component, so it must not be accepted. */
	{
		uint8_t t8[32];
		size_t n;
		uint8_t *p = test_unhex("26e8958fc2b227b045c3f489f2ef98f0"
		    "d5dfac05d3c63339b13802886d53fc05", &n);

		ASSERT_EQ(n, sizeof(t8));
		memcpy(t8, p, n);
		free(p);
		ASSERT_EQ(crypto_core_ed25519_add(id, a.pk, t8), 0);
		ASSERT_EQ(tv_noise_check_area(xa.pub, id), TV_EMALFORMED);
	}
	tv_noise_keypair_wipe(&xa);
}

/* PROTOCOL.md §9.2's example: the RFC 8032 TEST 1 key as a static key. */
TEST(protocol_md_static_key_example)
{
	struct tv_keypair kp;
	struct tv_noise_keypair x;
	uint8_t *seed, *pk, *priv, *pub;
	size_t n;

	setup();
	seed = test_unhex("9d61b19deffd5a60ba844af492ec2cc4"
	    "4449c5697b326919703bac031cae7f60", &n);
	ASSERT_EQ(n, 32);
	pk = test_unhex("d75a980182b10ab7d54bfed3c964073a"
	    "0ee172f3daa62325af021a68f707511a", &n);
	priv = test_unhex("307c83864f2833cb427a2ef1c00a013c"
	    "fdff2768d980c0a3a520f006904de94f", &n);
	pub = test_unhex("d85e07ec22b0ad881537c2f44d662d1a"
	    "143cf830c57aca4305d85c7a90f6b62e", &n);
	ASSERT_EQ(crypto_sign_seed_keypair(kp.pk, kp.sk, seed), 0);
	ASSERT_MEM_EQ(kp.pk, pk, 32);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&kp, &x), 0);
	ASSERT_MEM_EQ(x.priv, priv, 32);
	ASSERT_MEM_EQ(x.pub, pub, 32);
	ASSERT_EQ(tv_noise_check_area(pub, pk), 0);
	free(seed);
	free(pk);
	free(priv);
	free(pub);
}

/* A tvaers handshake between two areas: each checks the other's id. */
TEST(handshake_between_areas)
{
	struct tv_keypair a, b, c;
	struct tv_noise_keypair xa, xb;
	struct party pa, pb;
	uint8_t msg[512], out[512], rs[TV_NOISE_KEY_LEN];
	size_t len, out_len;

	setup();
	ed_keypair(&a);
	ed_keypair(&b);
	ed_keypair(&c);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&a, &xa), 0);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&b, &xb), 0);
	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	ASSERT_EQ(tv_noise_hs_init(&pa.hs, TV_NOISE_INITIATOR,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &xa,
	    fed_key, NULL), 0);
	ASSERT_EQ(tv_noise_hs_init(&pb.hs, TV_NOISE_RESPONDER,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &xb,
	    fed_key, NULL), 0);
	ASSERT_EQ(tv_noise_hs_write(&pa.hs, NULL, 0, msg, sizeof(msg), &len),
	    0);
	ASSERT_EQ(len, 48);
	ASSERT_EQ(tv_noise_hs_read(&pb.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	ASSERT_EQ(tv_noise_hs_remote_static(&pb.hs, rs), TV_EINVAL);
	ASSERT_EQ(tv_noise_hs_write(&pb.hs, NULL, 0, msg, sizeof(msg), &len),
	    0);
	ASSERT_EQ(len, 96);
	ASSERT_EQ(tv_noise_hs_read(&pa.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	/* The initiator knows whom it reached before revealing itself. */
	ASSERT_EQ(tv_noise_hs_remote_static(&pa.hs, rs), 0);
	ASSERT_EQ(tv_noise_check_area(rs, b.pk), 0);
	ASSERT_EQ(tv_noise_check_area(rs, c.pk), TV_EBADSIG);
	ASSERT_EQ(tv_noise_hs_write(&pa.hs, NULL, 0, msg, sizeof(msg), &len),
	    0);
	ASSERT_EQ(len, 64);
	ASSERT_EQ(tv_noise_hs_read(&pb.hs, msg, len, out, sizeof(out),
	    &out_len), 0);
	ASSERT_EQ(tv_noise_hs_remote_static(&pb.hs, rs), 0);
	ASSERT_EQ(tv_noise_check_area(rs, a.pk), 0);
	ASSERT_EQ(tv_noise_check_area(rs, b.pk), TV_EBADSIG);
	ASSERT_EQ(tv_noise_hs_split(&pa.hs, &pa.send, &pa.recv), 0);
	ASSERT_EQ(tv_noise_hs_split(&pb.hs, &pb.send, &pb.recv), 0);
	send_one(&pa, &pb, "hej");
	send_one(&pb, &pa, "hej selv");
	tv_noise_hs_close(&pa.hs);
	tv_noise_hs_close(&pb.hs);
	tv_noise_cipher_close(&pa.send);
	tv_noise_cipher_close(&pa.recv);
	tv_noise_cipher_close(&pb.send);
	tv_noise_cipher_close(&pb.recv);
	ASSERT(all_zero(&pa, sizeof(pa)));
	tv_noise_keypair_wipe(&xa);
	tv_noise_keypair_wipe(&xb);
}

TEST_MAIN(cacophony_vectors, handshake_random_keys, wrong_prologue,
    wrong_psk, tamper_xx, tamper_xxpsk3, truncated_and_long_messages,
    message_size_limit, wrong_turn_and_order, init_arguments,
    low_order_ephemeral, transport_tamper_keeps_nonce, rekey,
    nonce_exhaustion, ed25519_static_key, check_area,
    protocol_md_static_key_example, handshake_between_areas)
