/*
 * Fuzz target for the Noise handshake reader (proto/noise.c).
 *
 * Input: one flag byte (bit 0: Noise_XXpsk3 instead of Noise_XX), a 2-byte
 * big-endian length n, n bytes of part A, and the rest as part B. Shorter
 * inputs are all part A of Noise_XX. The keys, ephemerals, prologue and psk
 * are those of the cacophony.txt vectors, so the vector messages in the
 * corpus get through and the fuzzer starts past the tags.
 *
 *   - A responder reads A as message 1; if that succeeds it writes message
 *     2 and reads B as message 3, then splits.
 *   - An initiator writes message 1 and reads A as message 2; if that
 *     succeeds it writes message 3, splits, and decrypts B as a transport
 *     message.
 *
 * Beyond "no crash, no leak, no sanitizer report": a failed read must leave
 * the handshake wiped, a payload is never longer than its message, and a
 * completed handshake must report the static key the vectors use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "noise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t prologue[] = "John Galt";	/* without the NUL */

static const uint8_t init_static[32] = {
	0xe6, 0x1e, 0xf9, 0x91, 0x9c, 0xde, 0x45, 0xdd, 0x5f, 0x82, 0x16,
	0x64, 0x04, 0xbd, 0x08, 0xe3, 0x8b, 0xce, 0xb5, 0xdf, 0xdf, 0xde,
	0xd0, 0xa3, 0x4c, 0x8d, 0xf7, 0xed, 0x54, 0x22, 0x14, 0xd1,
};
static const uint8_t init_ephemeral[32] = {
	0x89, 0x3e, 0x28, 0xb9, 0xdc, 0x6c, 0xa8, 0xd6, 0x11, 0xab, 0x66,
	0x47, 0x54, 0xb8, 0xce, 0xb7, 0xba, 0xc5, 0x11, 0x73, 0x49, 0xa4,
	0x43, 0x9a, 0x6b, 0x05, 0x69, 0xda, 0x97, 0x7c, 0x46, 0x4a,
};
static const uint8_t resp_static[32] = {
	0x4a, 0x3a, 0xcb, 0xfd, 0xb1, 0x63, 0xde, 0xc6, 0x51, 0xdf, 0xa3,
	0x19, 0x4d, 0xec, 0xe6, 0x76, 0xd4, 0x37, 0x02, 0x9c, 0x62, 0xa4,
	0x08, 0xb4, 0xc5, 0xea, 0x91, 0x14, 0x24, 0x6e, 0x48, 0x93,
};
static const uint8_t resp_ephemeral[32] = {
	0xbb, 0xdb, 0x4c, 0xdb, 0xd3, 0x09, 0xf1, 0xa1, 0xf2, 0xe1, 0x45,
	0x69, 0x67, 0xfe, 0x28, 0x8c, 0xad, 0xd6, 0xf7, 0x12, 0xd6, 0x5d,
	0xc7, 0xb7, 0x79, 0x3d, 0x5e, 0x63, 0xda, 0x6b, 0x37, 0x5b,
};
/* "This is my Austrian perspective!" */
static const uint8_t psk[32] = {
	0x54, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x6d, 0x79, 0x20,
	0x41, 0x75, 0x73, 0x74, 0x72, 0x69, 0x61, 0x6e, 0x20, 0x70, 0x65,
	0x72, 0x73, 0x70, 0x65, 0x63, 0x74, 0x69, 0x76, 0x65, 0x21,
};

/* The payloads of the vectors' first three messages. */
static const uint8_t payload1[] = "Ludwig von Mises";
static const uint8_t payload2[] = "Murray Rothbard";
static const uint8_t payload3[] = "F. A. Hayek";

static bool
is_zero(const void *p, size_t len)
{
	return sodium_is_zero(p, len) == 1;
}

static void
keypair(const uint8_t priv[32], struct tv_noise_keypair *out)
{
	if (tv_noise_keypair_from_private(priv, out) != 0)
		abort();
}

static void
start(struct tv_noise_hs *hs, bool is_init, bool has_psk)
{
	struct tv_noise_keypair s, e;

	keypair(is_init ? init_static : resp_static, &s);
	keypair(is_init ? init_ephemeral : resp_ephemeral, &e);
	if (tv_noise_hs_init(hs, is_init ? TV_NOISE_INITIATOR :
	    TV_NOISE_RESPONDER, prologue, sizeof(prologue) - 1, &s,
	    has_psk ? psk : NULL, &e) != 0)
		abort();
	tv_noise_keypair_wipe(&s);
	tv_noise_keypair_wipe(&e);
}

/* Reads msg; on failure checks that hs was wiped. Returns true on success. */
static bool
read_msg(struct tv_noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *out)
{
	size_t out_len = SIZE_MAX;
	int rc = tv_noise_hs_read(hs, msg, len, out, TV_NOISE_MSG_MAX,
	    &out_len);

	if (rc != 0) {
		if (rc != TV_EMALFORMED && rc != TV_EBADSIG &&
		    rc != TV_ETOOBIG)
			abort();
		if (!is_zero(hs, sizeof(*hs)) || out_len != SIZE_MAX)
			abort();
		return false;
	}
	if (out_len > len)
		abort();
	return true;
}

/* Checks a finished handshake and splits it. */
static void
finish(struct tv_noise_hs *hs, const uint8_t want_rs_priv[32],
    struct tv_noise_cipher *send, struct tv_noise_cipher *recv)
{
	struct tv_noise_keypair want;
	uint8_t rs[TV_NOISE_KEY_LEN], h[TV_NOISE_HASH_LEN];

	if (!tv_noise_hs_is_done(hs) || tv_noise_hs_is_my_turn(hs))
		abort();
	keypair(want_rs_priv, &want);
	if (tv_noise_hs_remote_static(hs, rs) != 0 ||
	    memcmp(rs, want.pub, sizeof(rs)) != 0)
		abort();
	if (tv_noise_hs_hash(hs, h) != 0)
		abort();
	if (tv_noise_hs_split(hs, send, recv) != 0)
		abort();
	tv_noise_keypair_wipe(&want);
}

static void
run_responder(bool has_psk, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *buf, uint8_t *out)
{
	struct tv_noise_hs hs;
	struct tv_noise_cipher send, recv;
	size_t len;

	start(&hs, false, has_psk);
	if (!read_msg(&hs, a, a_len, out))
		goto out;
	if (tv_noise_hs_write(&hs, payload2, sizeof(payload2) - 1, buf,
	    TV_NOISE_MSG_MAX, &len) != 0)
		goto out;	/* e.g. a low-order ephemeral in message 1 */
	if (!read_msg(&hs, b, b_len, out))
		goto out;
	finish(&hs, init_static, &send, &recv);
	tv_noise_cipher_close(&send);
	tv_noise_cipher_close(&recv);
out:
	tv_noise_hs_close(&hs);
}

static void
run_initiator(bool has_psk, const uint8_t *a, size_t a_len,
    const uint8_t *b, size_t b_len, uint8_t *buf, uint8_t *out)
{
	struct tv_noise_hs hs;
	struct tv_noise_cipher send, recv;
	size_t len;
	int rc;

	start(&hs, true, has_psk);
	if (tv_noise_hs_write(&hs, payload1, sizeof(payload1) - 1, buf,
	    TV_NOISE_MSG_MAX, &len) != 0)
		abort();
	if (!read_msg(&hs, a, a_len, out))
		goto out;
	/* Message 2 authenticated the responder's static key. */
	if (tv_noise_hs_write(&hs, payload3, sizeof(payload3) - 1, buf,
	    TV_NOISE_MSG_MAX, &len) != 0)
		abort();
	finish(&hs, resp_static, &send, &recv);
	rc = tv_noise_cipher_decrypt(&recv, b, b_len, out, TV_NOISE_MSG_MAX,
	    &len);
	if (rc == 0 ? len + TV_NOISE_TAG_LEN != b_len :
	    rc != TV_EBADSIG && rc != TV_EMALFORMED && rc != TV_ETOOBIG)
		abort();
	tv_noise_cipher_close(&send);
	tv_noise_cipher_close(&recv);
out:
	tv_noise_hs_close(&hs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[TV_NOISE_MSG_MAX], out[TV_NOISE_MSG_MAX];
	const uint8_t *a = data, *b = NULL;
	size_t a_len = size, b_len = 0;
	bool has_psk = false;

	if (sodium_init() < 0)
		abort();
	if (size >= 3) {
		has_psk = data[0] & 1;
		a = data + 3;
		a_len = (size_t)data[1] << 8 | data[2];
		if (a_len > size - 3)
			a_len = size - 3;
		b = a + a_len;
		b_len = size - 3 - a_len;
	}
	run_responder(has_psk, a, a_len, b, b_len, buf, out);
	run_initiator(has_psk, a, a_len, b, b_len, buf, out);
	return 0;
}
