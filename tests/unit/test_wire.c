/*
 * Framing and peer messages (proto/wire.c): the frame reader fed in every
 * way, each message type round trip, each limit at and past it, wrong
 * arity and types, forward compatibility, and one whole link (Noise
 * handshake with HELLOs, then a RECORDS message) through the API.
 */
#include "test.h"

#include <sodium.h>

#include "canon.h"
#include "err.h"
#include "fault.h"
#include "noise.h"
#include "record.h"
#include "sign.h"
#include "wire.h"

/* ---- Helpers ---- */

/* The frame reader is 64 KiB: keep it off the stack. */
static struct tv_frame_reader *
reader_new(void)
{
	struct tv_frame_reader *r = malloc(sizeof(*r));

	ASSERT(r != NULL);
	tv_frame_reader_init(r);
	return r;
}

/* Writes a frame of len bytes of pattern seed into out; returns its size. */
static size_t
make_frame(uint8_t *out, size_t len, uint8_t seed)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	for (size_t i = 0; i < len; i++)
		out[2 + i] = (uint8_t)(seed + i * 7);
	return len + 2;
}

static void
check_body(const uint8_t *p, size_t len, size_t want_len, uint8_t seed)
{
	ASSERT_EQ(len, want_len);
	for (size_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed + i * 7))
			TEST_FAIL("frame byte %zu differs", i);
}

/*
 * Feeds data in chunks of at most step bytes (0: all at once) and checks
 * the frames against lens[] and seeds[]; returns the frames seen.
 */
static size_t
feed_all(const uint8_t *data, size_t len, size_t step, const size_t *lens,
    const uint8_t *seeds, size_t n)
{
	struct tv_frame_reader *r = reader_new();
	size_t off = 0, seen = 0;

	while (off < len) {
		size_t chunk = step == 0 || len - off < step ? len - off : step;
		const uint8_t *p = data + off;

		off += chunk;
		while (chunk > 0) {
			const uint8_t *f;
			size_t used, flen;

			ASSERT_EQ(tv_frame_feed(r, p, chunk, &used, &f, &flen),
			    0);
			ASSERT(used > 0 && used <= chunk);
			p += used;
			chunk -= used;
			if (f != NULL) {
				ASSERT(seen < n);
				check_body(f, flen, lens[seen], seeds[seen]);
				seen++;
			}
		}
	}
	ASSERT(!tv_frame_reader_is_partial(r));
	free(r);
	return seen;
}

/* Encodes with a writer capped at the plaintext limit. */
typedef int encode_fn(struct tv_w *w, const void *arg);

static uint8_t *
w_done(struct tv_w *w, int rc, size_t *out_len)
{
	uint8_t *out;

	ASSERT_EQ(rc, 0);
	ASSERT_EQ(tv_w_finish(w, &out, out_len), 0);
	return out;
}

/* Decodes, checks the type, re-encodes and compares; the caller closes. */
static void
round_trip(const uint8_t *buf, size_t len, enum tv_wire_type type,
    struct tv_wire_msg *m)
{
	struct tv_w w;
	uint8_t *again;
	size_t again_len;

	ASSERT_EQ(tv_wire_decode(buf, len, m), 0);
	ASSERT_EQ(m->type, type);
	ASSERT_EQ(m->type_code, (uint64_t)type);
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	again = w_done(&w, tv_wire_encode(&w, m), &again_len);
	ASSERT_EQ(again_len, len);
	ASSERT_MEM_EQ(again, buf, len);
	free(again);
}

static int
decode_rc(const uint8_t *buf, size_t len)
{
	struct tv_wire_msg m;
	int rc = tv_wire_decode(buf, len, &m);

	if (rc == 0)
		tv_wire_msg_close(&m);
	else
		ASSERT(m.doc == NULL);
	return rc;
}

static int
decode_hex_rc(const char *hex)
{
	size_t len;
	uint8_t *buf = test_unhex(hex, &len);
	int rc;

	ASSERT(buf != NULL);
	rc = decode_rc(buf, len);
	free(buf);
	return rc;
}

/* A writer for hand-built messages. */
static struct tv_w hw;

static void
hw_start(void)
{
	tv_w_init(&hw, 0);
}

static int
hw_decode(void)
{
	uint8_t *buf;
	size_t len;
	int rc;

	ASSERT_EQ(tv_w_finish(&hw, &buf, &len), 0);
	rc = decode_rc(buf, len);
	free(buf);
	return rc;
}

static const uint8_t area[TV_PK_LEN] = {
	0x03, 0xa1, 0x07, 0xbf, 0xf3, 0xce, 0x10, 0xbe, 0x1d, 0x70, 0xdd,
	0x18, 0xe7, 0x4b, 0xc0, 0x99, 0x67, 0xe4, 0xd6, 0x30, 0x9b, 0xa5,
	0x0d, 0x5f, 0x1d, 0xdc, 0x86, 0x64, 0x12, 0x55, 0x31, 0xb8,
};

static void
hello_init(struct tv_wire_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->version = TV_WIRE_VERSION;
	h->area = area;
	h->caps[0] = (struct tv_wire_str){ "gossip", 6 };
	h->caps_len = 1;
	h->listen_port = 7770;
	h->name = (struct tv_wire_str){ "Østby", 6 };
}

static uint8_t *
hello_bytes(const struct tv_wire_hello *h, size_t *out_len)
{
	struct tv_w w;

	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	return w_done(&w, tv_wire_hello_encode(&w, h), out_len);
}

/* A hand-built HELLO: 6 items with one item replaced by a writer call. */
enum hello_field { HF_NONE, HF_AREA, HF_CAPS, HF_PORT, HF_NAME };

static void
hw_hello(enum hello_field bad, void (*write_bad)(struct tv_w *))
{
	hw_start();
	tv_w_array(&hw, 6);
	tv_w_uint(&hw, 0);
	tv_w_uint(&hw, 1);
	if (bad == HF_AREA)
		write_bad(&hw);
	else
		tv_w_bin(&hw, area, 32);
	if (bad == HF_CAPS) {
		write_bad(&hw);
	} else {
		tv_w_array(&hw, 1);
		tv_w_cstr(&hw, "gossip");
	}
	if (bad == HF_PORT)
		write_bad(&hw);
	else
		tv_w_uint(&hw, 7770);
	if (bad == HF_NAME)
		write_bad(&hw);
	else
		tv_w_cstr(&hw, "x");
}

static void w_area31(struct tv_w *w) { uint8_t b[31] = { 0 }; tv_w_bin(w, b, 31); }
static void w_area33(struct tv_w *w) { uint8_t b[33] = { 0 }; tv_w_bin(w, b, 33); }
static void w_str_area(struct tv_w *w) { tv_w_cstr(w, "0123456789abcdef0123456789abcdef"); }
static void w_nil(struct tv_w *w) { tv_w_nil(w); }
static void w_cap_bin(struct tv_w *w) { tv_w_array(w, 1); tv_w_bin(w, "a", 1); }
static void w_cap_empty(struct tv_w *w) { tv_w_array(w, 1); tv_w_str(w, "", 0); }
static void w_cap_space(struct tv_w *w) { tv_w_array(w, 1); tv_w_cstr(w, "a b"); }
static void w_cap_utf8(struct tv_w *w) { tv_w_array(w, 1); tv_w_cstr(w, "ø"); }
static void w_cap_33(struct tv_w *w) { tv_w_array(w, 1); tv_w_cstr(w, "abcdefghijklmnopqrstuvwxyz0123456"); }
static void w_caps_map(struct tv_w *w) { tv_w_map(w, 0); }
static void w_port_big(struct tv_w *w) { tv_w_uint(w, 65536); }
static void w_port_neg(struct tv_w *w) { tv_w_int(w, -1); }
static void w_port_bool(struct tv_w *w) { tv_w_bool(w, true); }
static void w_name_bin(struct tv_w *w) { tv_w_bin(w, "x", 1); }
static void w_name_121(struct tv_w *w) { char s[121]; memset(s, 'n', 121); tv_w_str(w, s, 121); }

/* ---- Framing ---- */

TEST(frame_in_one_go)
{
	uint8_t *buf = malloc(3 * 70000);
	size_t lens[] = { 1, 300, 65535 }, n = 0;
	uint8_t seeds[] = { 5, 6, 7 };

	ASSERT(buf != NULL);
	for (size_t i = 0; i < 3; i++)
		n += make_frame(buf + n, lens[i], seeds[i]);
	ASSERT_EQ(feed_all(buf, n, 0, lens, seeds, 3), 3);
	free(buf);
}

TEST(frame_byte_by_byte)
{
	uint8_t *buf = malloc(3 * 70000);
	size_t lens[] = { 1, 300, 65535 }, n = 0;
	uint8_t seeds[] = { 1, 2, 3 };

	ASSERT(buf != NULL);
	for (size_t i = 0; i < 3; i++)
		n += make_frame(buf + n, lens[i], seeds[i]);
	ASSERT_EQ(feed_all(buf, n, 1, lens, seeds, 3), 3);
	ASSERT_EQ(feed_all(buf, n, 2, lens, seeds, 3), 3);
	ASSERT_EQ(feed_all(buf, n, 4093, lens, seeds, 3), 3);
	free(buf);
}

TEST(frame_split_everywhere)
{
	uint8_t buf[64];
	size_t lens[] = { 3, 1, 20 }, n = 0;
	uint8_t seeds[] = { 9, 8, 7 };

	for (size_t i = 0; i < 3; i++)
		n += make_frame(buf + n, lens[i], seeds[i]);
	for (size_t step = 1; step <= n; step++)
		ASSERT_EQ(feed_all(buf, n, step, lens, seeds, 3), 3);
}

TEST(frame_max_exact)
{
	uint8_t *buf = malloc(65537);
	struct tv_frame_reader *r = reader_new();
	const uint8_t *f;
	size_t used, flen;

	ASSERT(buf != NULL);
	ASSERT_EQ(make_frame(buf, 65535, 3), 65537);
	ASSERT_EQ(buf[0], 0xff);
	ASSERT_EQ(buf[1], 0xff);
	/* Through the internal buffer: all but the last byte, then it. */
	ASSERT_EQ(tv_frame_feed(r, buf, 65536, &used, &f, &flen), 0);
	ASSERT_EQ(used, 65536);
	ASSERT(f == NULL);
	ASSERT(tv_frame_reader_is_partial(r));
	ASSERT_EQ(tv_frame_feed(r, buf + 65536, 1, &used, &f, &flen), 0);
	ASSERT_EQ(used, 1);
	ASSERT(f != NULL && f != buf + 2);
	check_body(f, flen, 65535, 3);
	ASSERT(!tv_frame_reader_is_partial(r));
	/* Zero copy: the view points into the input. */
	ASSERT_EQ(tv_frame_feed(r, buf, 65537, &used, &f, &flen), 0);
	ASSERT(f == buf + 2);
	ASSERT_EQ(used, 65537);
	ASSERT_EQ(flen, 65535);
	free(r);
	free(buf);
}

TEST(frame_length_zero)
{
	struct tv_frame_reader *r = reader_new();
	const uint8_t zero[] = { 0x00, 0x00, 0x00, 0x01, 0xaa };
	const uint8_t *f;
	size_t used, flen;

	/* In one go. */
	ASSERT_EQ(tv_frame_feed(r, zero, sizeof(zero), &used, &f, &flen),
	    TV_EMALFORMED);
	ASSERT(f == NULL);
	/* Sticky. */
	ASSERT_EQ(tv_frame_feed(r, zero + 2, 3, &used, &f, &flen),
	    TV_EMALFORMED);
	ASSERT_EQ(used, 0);
	/* Split header, after a good frame. */
	tv_frame_reader_init(r);
	ASSERT_EQ(tv_frame_feed(r, zero + 2, 3, &used, &f, &flen), 0);
	ASSERT(f != NULL && flen == 1 && f[0] == 0xaa);
	ASSERT_EQ(tv_frame_feed(r, zero, 1, &used, &f, &flen), 0);
	ASSERT_EQ(used, 1);
	ASSERT(tv_frame_reader_is_partial(r));
	ASSERT_EQ(tv_frame_feed(r, zero + 1, 1, &used, &f, &flen),
	    TV_EMALFORMED);
	ASSERT(!tv_frame_reader_is_partial(r));
	/* Empty input does nothing. */
	tv_frame_reader_init(r);
	ASSERT_EQ(tv_frame_feed(r, zero, 0, &used, &f, &flen), 0);
	ASSERT_EQ(used, 0);
	ASSERT(f == NULL);
	free(r);
}

TEST(frame_write)
{
	uint8_t *out = malloc(65540), *body = malloc(65536);
	size_t len;

	ASSERT(out != NULL && body != NULL);
	memset(body, 0x5a, 65536);
	ASSERT_EQ(tv_frame_write(body, 0, out, 65540, &len), TV_EINVAL);
	ASSERT_EQ(tv_frame_write(body, 65536, out, 65540, &len), TV_ETOOBIG);
	ASSERT_EQ(tv_frame_write(body, 10, out, 11, &len), TV_EINVAL);
	ASSERT_EQ(len, 0);
	ASSERT_EQ(tv_frame_write(body, 10, out, 12, &len), 0);
	ASSERT_EQ(len, 12);
	ASSERT_EQ(out[0], 0);
	ASSERT_EQ(out[1], 10);
	ASSERT_MEM_EQ(out + 2, body, 10);
	ASSERT_EQ(tv_frame_write(body, 65535, out, 65540, &len), 0);
	ASSERT_EQ(len, 65537);
	ASSERT_EQ(out[0], 0xff);
	ASSERT_EQ(out[1], 0xff);
	/* In place, and overlapping the header. */
	memcpy(out + 2, "abc", 3);
	ASSERT_EQ(tv_frame_write(out + 2, 3, out, 5, &len), 0);
	ASSERT_MEM_EQ(out, "\x00\x03" "abc", 5);
	memcpy(out, "xyz", 3);
	ASSERT_EQ(tv_frame_write(out, 3, out, 5, &len), 0);
	ASSERT_MEM_EQ(out, "\x00\x03" "xyz", 5);
	free(out);
	free(body);
}

TEST(rekey_due)
{
	ASSERT(!tv_wire_rekey_due(0));
	ASSERT(!tv_wire_rekey_due(1));
	ASSERT(!tv_wire_rekey_due(TV_WIRE_REKEY_EVERY - 1));
	ASSERT(tv_wire_rekey_due(TV_WIRE_REKEY_EVERY));
	ASSERT(!tv_wire_rekey_due(TV_WIRE_REKEY_EVERY + 1));
	ASSERT(tv_wire_rekey_due(3 * TV_WIRE_REKEY_EVERY));
	ASSERT(!tv_wire_rekey_due(UINT64_MAX));
}

/* ---- HELLO ---- */

TEST(hello_round_trip)
{
	struct tv_wire_hello h;
	struct tv_wire_msg m;
	uint8_t *buf;
	size_t len;

	hello_init(&h);
	h.caps[1] = (struct tv_wire_str){ "x-relay/2", 9 };
	h.caps_len = 2;
	buf = hello_bytes(&h, &len);
	round_trip(buf, len, TV_WIRE_HELLO, &m);
	ASSERT_EQ(m.hello.version, 1);
	ASSERT_MEM_EQ(m.hello.area, area, 32);
	ASSERT_EQ(m.hello.caps_len, 2);
	ASSERT_EQ(m.hello.caps[1].len, 9);
	ASSERT_MEM_EQ(m.hello.caps[1].p, "x-relay/2", 9);
	ASSERT_EQ(m.hello.listen_port, 7770);
	ASSERT_EQ(m.hello.name.len, 6);
	ASSERT_MEM_EQ(m.hello.name.p, "Østby", 6);
	/* Views into buf. */
	ASSERT(m.hello.area >= buf && m.hello.area < buf + len);
	tv_wire_msg_close(&m);
	tv_wire_msg_close(&m);
	free(buf);

	/* No caps, port 0, empty name; port 65535. */
	h.caps_len = 0;
	h.listen_port = 0;
	h.name = (struct tv_wire_str){ NULL, 0 };
	buf = hello_bytes(&h, &len);
	round_trip(buf, len, TV_WIRE_HELLO, &m);
	ASSERT_EQ(m.hello.caps_len, 0);
	ASSERT_EQ(m.hello.listen_port, 0);
	ASSERT_EQ(m.hello.name.len, 0);
	tv_wire_msg_close(&m);
	free(buf);
	h.listen_port = 65535;
	buf = hello_bytes(&h, &len);
	round_trip(buf, len, TV_WIRE_HELLO, &m);
	ASSERT_EQ(m.hello.listen_port, 65535);
	tv_wire_msg_close(&m);
	free(buf);
}

TEST(hello_bytes_exact)
{
	struct tv_wire_hello h;
	uint8_t *buf, *want;
	size_t len, want_len;

	hello_init(&h);
	buf = hello_bytes(&h, &len);
	want = test_unhex("960001c42003a107bff3ce10be1d70dd18e74bc09967e4d630"
	    "9ba50d5f1ddc8664125531b891a6676f73736970cd1e5aa6c398737462"
	    "79", &want_len);
	ASSERT_EQ(len, want_len);
	ASSERT_MEM_EQ(buf, want, len);
	free(buf);
	free(want);
}

TEST(hello_caps_limit)
{
	static const char caps32[] = "abcdefghijklmnopqrstuvwxyz012345";
	struct tv_wire_hello h;
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	hello_init(&h);
	for (size_t i = 0; i < TV_WIRE_CAPS_MAX; i++)
		h.caps[i] = (struct tv_wire_str){ caps32, 32 };
	h.caps_len = 16;
	char name[120];
	memset(name, 'n', sizeof(name));
	h.name = (struct tv_wire_str){ name, 120 };
	buf = hello_bytes(&h, &len);
	ASSERT_EQ(len, TV_WIRE_HELLO_MAX);
	round_trip(buf, len, TV_WIRE_HELLO, &m);
	ASSERT_EQ(m.hello.caps_len, 16);
	ASSERT_EQ(m.hello.name.len, 120);
	tv_wire_msg_close(&m);
	free(buf);

	/* 17 caps: the encoder cannot even be asked (caps[] has 16); the
	 * decoder sees them by hand. */
	h.caps_len = 17;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_ETOOBIG);
	ASSERT_EQ(w.buf.len, 0);
	tv_w_free(&w);
	hw_start();
	tv_w_array(&hw, 6);
	tv_w_uint(&hw, 0);
	tv_w_uint(&hw, 1);
	tv_w_bin(&hw, area, 32);
	tv_w_array(&hw, 17);
	for (int i = 0; i < 17; i++)
		tv_w_cstr(&hw, "c");
	tv_w_uint(&hw, 1);
	tv_w_cstr(&hw, "");
	ASSERT_EQ(hw_decode(), TV_ETOOBIG);

	/* A cap of 33 bytes; empty; not ASCII. */
	h.caps_len = 1;
	h.caps[0] = (struct tv_wire_str){ "abcdefghijklmnopqrstuvwxyz0123456",
	    33 };
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_ETOOBIG);
	h.caps[0] = (struct tv_wire_str){ "", 0 };
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_EINVAL);
	h.caps[0] = (struct tv_wire_str){ "ø", 2 };
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_EINVAL);
	tv_w_free(&w);
	hw_hello(HF_CAPS, w_cap_33);
	ASSERT_EQ(hw_decode(), TV_ETOOBIG);
}

TEST(hello_name_limit)
{
	char name[122];
	struct tv_wire_hello h;
	struct tv_w w;

	memset(name, 'a', sizeof(name));
	hello_init(&h);
	h.name = (struct tv_wire_str){ name, 121 };
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_ETOOBIG);
	/* Not UTF-8, not NFC. */
	h.name = (struct tv_wire_str){ "\xff", 1 };
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_EUTF8);
	h.name = (struct tv_wire_str){ "O\xcc\x88", 3 };
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_ENFC);
	ASSERT_EQ(w.buf.len, 0);
	tv_w_free(&w);
	hw_hello(HF_NAME, w_name_121);
	ASSERT_EQ(hw_decode(), TV_ETOOBIG);
}

TEST(hello_version)
{
	struct tv_wire_hello h;
	struct tv_w w;

	hello_init(&h);
	h.version = 2;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_hello_encode(&w, &h), TV_EINVAL);
	tv_w_free(&w);
	/* Another version, whatever its layout, is TV_EVERSION. */
	ASSERT_EQ(decode_hex_rc("920002"), TV_EVERSION);
	ASSERT_EQ(decode_hex_rc("93000290"), TV_EVERSION);
	ASSERT_EQ(decode_hex_rc("9200cf0000000100000000"), TV_EVERSION);
	ASSERT_EQ(decode_hex_rc("920000"), TV_EVERSION);
	/* No version, or not a uint. */
	ASSERT_EQ(decode_hex_rc("9100"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9200a131"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9200ff"), TV_EMALFORMED);
}

TEST(hello_wrong_fields)
{
	struct tv_wire_hello h;
	uint8_t *buf;
	size_t len;

	hw_hello(HF_AREA, w_area31);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_AREA, w_area33);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_AREA, w_str_area);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_nil);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_caps_map);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_cap_bin);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_cap_empty);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_cap_space);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_CAPS, w_cap_utf8);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_PORT, w_port_big);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_PORT, w_port_neg);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_PORT, w_port_bool);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_NAME, w_name_bin);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_NAME, w_nil);
	ASSERT_EQ(hw_decode(), TV_EMALFORMED);
	hw_hello(HF_NONE, NULL);
	ASSERT_EQ(hw_decode(), 0);

	/* Arity 5 and 7. */
	hello_init(&h);
	buf = hello_bytes(&h, &len);
	buf[0] = 0x95;
	ASSERT_EQ(decode_rc(buf, len - 7), TV_EMALFORMED);
	buf = realloc(buf, len + 1);
	ASSERT(buf != NULL);
	buf[0] = 0x97;
	buf[len] = 0xc0;
	ASSERT_EQ(decode_rc(buf, len + 1), TV_EMALFORMED);
	free(buf);
}

/* ---- RECONCILE ---- */

TEST(reconcile)
{
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf, *neg = calloc(1, 65520);
	size_t len;

	ASSERT(neg != NULL);
	neg[0] = 0x61;
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	buf = w_done(&w, tv_wire_reconcile_encode(&w, neg, 1), &len);
	ASSERT_EQ(len, 5);
	ASSERT_MEM_EQ(buf, "\x92\x01\xc4\x01\x61", 5);
	round_trip(buf, len, TV_WIRE_RECONCILE, &m);
	ASSERT(m.reconcile.p == buf + 4 && m.reconcile.len == 1);
	tv_wire_msg_close(&m);
	free(buf);

	/* At the limit: 2 + 3 + 65514 = 65519. */
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	buf = w_done(&w, tv_wire_reconcile_encode(&w, neg, 65514), &len);
	ASSERT_EQ(len, TV_WIRE_PLAINTEXT_MAX);
	round_trip(buf, len, TV_WIRE_RECONCILE, &m);
	ASSERT_EQ(m.reconcile.len, 65514);
	tv_wire_msg_close(&m);
	free(buf);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_reconcile_encode(&w, neg, 65515), TV_ETOOBIG);
	ASSERT_EQ(tv_wire_reconcile_encode(&w, neg, 0), TV_EINVAL);
	ASSERT_EQ(w.buf.len, 0);
	/* The decoder sees 65515 by hand: past the plaintext limit. */
	tv_w_array(&w, 2);
	tv_w_uint(&w, 1);
	tv_w_bin(&w, neg, 65515);
	ASSERT_EQ(decode_rc(w.buf.data, w.buf.len), TV_ETOOBIG);
	tv_w_free(&w);
	free(neg);

	ASSERT_EQ(decode_hex_rc("9201c400"), TV_EMALFORMED);	/* empty */
	ASSERT_EQ(decode_hex_rc("9201a161"), TV_EMALFORMED);	/* str */
	ASSERT_EQ(decode_hex_rc("9101"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9301c40161c0"), TV_EMALFORMED);
}

/* ---- RECORDS ---- */

/* Fills a RECORDS message with records of the given sizes. */
static uint8_t *
records_msg(const size_t *sizes, size_t n, size_t *out_len)
{
	uint8_t *buf = malloc(TV_WIRE_PLAINTEXT_MAX), *rec = malloc(65536);
	struct tv_wire_records_enc e;

	ASSERT(buf != NULL && rec != NULL);
	tv_wire_records_init(&e, buf, TV_WIRE_PLAINTEXT_MAX);
	for (size_t i = 0; i < n; i++) {
		memset(rec, (int)(i + 1), sizes[i]);
		ASSERT(tv_wire_records_fits(&e, sizes[i]));
		ASSERT_EQ(tv_wire_records_add(&e, rec, sizes[i]), 0);
	}
	ASSERT_EQ(tv_wire_records_count(&e), n);
	ASSERT_EQ(tv_wire_records_finish(&e, out_len), 0);
	free(rec);
	return buf;
}

static void
check_records(const struct tv_wire_msg *m, const size_t *sizes, size_t n)
{
	ASSERT_EQ(m->records.count, n);
	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(m->records.items[i].type, TV_BIN);
		ASSERT_EQ(m->records.items[i].len, sizes[i]);
		ASSERT_EQ(m->records.items[i].bytes[0], (uint8_t)(i + 1));
		ASSERT_EQ(m->records.items[i].bytes[sizes[i] - 1],
		    (uint8_t)(i + 1));
	}
}

TEST(records_signed)
{
	struct tv_keypair kp;
	uint8_t seed[32], id[TV_ID_LEN], *recs[3], buf[4096];
	size_t rec_len[3], len;
	struct tv_wire_records_enc e;
	struct tv_wire_msg m;
	struct tv_record r;

	ASSERT(sodium_init() >= 0);
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	tv_keypair_from_seed(&kp, seed);
	tv_wire_records_init(&e, buf, sizeof(buf));
	for (int i = 0; i < 3; i++) {
		memset(id, i + 1, sizeof(id));
		ASSERT_EQ(tv_record_sign(&kp, "note", id, 1000 + i, 0,
		    (const uint8_t *)"\x81\xa1" "a\x01", 4, &recs[i],
		    &rec_len[i]), 0);
		ASSERT_EQ(tv_wire_records_add(&e, recs[i], rec_len[i]), 0);
	}
	ASSERT_EQ(tv_wire_records_finish(&e, &len), 0);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	ASSERT_EQ(m.records.count, 3);
	for (int i = 0; i < 3; i++) {
		const struct tv_value *v = &m.records.items[i];

		ASSERT_EQ(v->len, rec_len[i]);
		ASSERT_MEM_EQ(v->bytes, recs[i], rec_len[i]);
		ASSERT_EQ(tv_record_decode(v->bytes, v->len, &r), 0);
		ASSERT_EQ(tv_record_verify(&r), 0);
		free(recs[i]);
	}
	tv_wire_msg_close(&m);
	tv_keypair_wipe(&kp);
}

TEST(records_many)
{
	size_t sizes[300], len;
	struct tv_wire_msg m;
	uint8_t *buf;

	/* 15 (fixarray), 16 (the header grows), and hundreds. */
	for (size_t i = 0; i < 300; i++)
		sizes[i] = 1 + (i * 37) % 400;
	buf = records_msg(sizes, 15, &len);
	ASSERT_EQ(buf[2], 0x9f);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	check_records(&m, sizes, 15);
	tv_wire_msg_close(&m);
	free(buf);
	buf = records_msg(sizes, 16, &len);
	ASSERT_MEM_EQ(buf, "\x92\x02\xdc\x00\x10", 5);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	check_records(&m, sizes, 16);
	tv_wire_msg_close(&m);
	free(buf);
	buf = records_msg(sizes, 300, &len);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	check_records(&m, sizes, 300);
	tv_wire_msg_close(&m);
	free(buf);
}

TEST(records_fill_exactly)
{
	/*
	 * 2 + 1 (fixarray) + (3 + 61440) + (3 + x) = 65519 gives x = 4070:
	 * the message is exactly the plaintext limit.
	 */
	size_t sizes[] = { TV_RECORD_MAX, 4070 }, len;
	uint8_t *buf = malloc(TV_WIRE_PLAINTEXT_MAX), *rec = calloc(1, 65536);
	struct tv_wire_records_enc e;
	struct tv_wire_msg m;

	ASSERT(buf != NULL && rec != NULL);
	tv_wire_records_init(&e, buf, TV_WIRE_PLAINTEXT_MAX);
	memset(rec, 1, TV_RECORD_MAX);
	ASSERT_EQ(tv_wire_records_add(&e, rec, TV_RECORD_MAX), 0);
	ASSERT(!tv_wire_records_fits(&e, 4071));
	ASSERT_EQ(tv_wire_records_add(&e, rec, 4071), TV_ETOOBIG);
	memset(rec, 2, 4070);
	ASSERT(tv_wire_records_fits(&e, 4070));
	ASSERT_EQ(tv_wire_records_add(&e, rec, 4070), 0);
	ASSERT(!tv_wire_records_fits(&e, 1));
	ASSERT_EQ(tv_wire_records_add(&e, rec, 1), TV_ETOOBIG);
	ASSERT_EQ(tv_wire_records_count(&e), 2);
	ASSERT_EQ(tv_wire_records_finish(&e, &len), 0);
	ASSERT_EQ(len, TV_WIRE_PLAINTEXT_MAX);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	check_records(&m, sizes, 2);
	tv_wire_msg_close(&m);

	/* Exactly full with array16 too: 5 + 15 * 4098 + 3 + 4041. */
	tv_wire_records_init(&e, buf, TV_WIRE_PLAINTEXT_MAX);
	for (int i = 0; i < 15; i++)
		ASSERT_EQ(tv_wire_records_add(&e, rec, 4095), 0);
	ASSERT(!tv_wire_records_fits(&e, 4042));
	ASSERT_EQ(tv_wire_records_add(&e, rec, 4041), 0);
	ASSERT_EQ(tv_wire_records_finish(&e, &len), 0);
	ASSERT_EQ(len, TV_WIRE_PLAINTEXT_MAX);
	round_trip(buf, len, TV_WIRE_RECORDS, &m);
	ASSERT_EQ(m.records.count, 16);
	tv_wire_msg_close(&m);

	/* A buffer smaller than the limit is the limit. */
	tv_wire_records_init(&e, buf, 100);
	ASSERT_EQ(tv_wire_records_add(&e, rec, 95), 0);
	ASSERT_EQ(tv_wire_records_add(&e, rec, 1), TV_ETOOBIG);
	ASSERT_EQ(tv_wire_records_finish(&e, &len), 0);
	ASSERT_EQ(len, 100);
	free(rec);
	free(buf);
}

TEST(records_limits)
{
	uint8_t *buf = malloc(TV_WIRE_PLAINTEXT_MAX), *rec = calloc(1, 65536);
	struct tv_wire_records_enc e;
	struct tv_w w;
	size_t len;

	ASSERT(buf != NULL && rec != NULL);
	tv_wire_records_init(&e, buf, TV_WIRE_PLAINTEXT_MAX);
	ASSERT_EQ(tv_wire_records_finish(&e, &len), TV_EINVAL);
	ASSERT(!tv_wire_records_fits(&e, 0));
	ASSERT(!tv_wire_records_fits(&e, TV_RECORD_MAX + 1));
	ASSERT_EQ(tv_wire_records_add(&e, rec, 0), TV_EINVAL);
	ASSERT_EQ(tv_wire_records_add(&e, rec, TV_RECORD_MAX + 1), TV_EINVAL);
	ASSERT_EQ(tv_wire_records_count(&e), 0);
	free(buf);

	/* Decoder: a record over TV_RECORD_MAX, an empty one, a str. */
	tv_w_init(&w, 0);
	tv_w_array(&w, 2);
	tv_w_uint(&w, 2);
	tv_w_array(&w, 1);
	tv_w_bin(&w, rec, TV_RECORD_MAX + 1);
	ASSERT_EQ(decode_rc(w.buf.data, w.buf.len), TV_ETOOBIG);
	tv_w_free(&w);
	free(rec);
	ASSERT_EQ(decode_hex_rc("920291c400"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920291a161"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920290"), TV_EMALFORMED);	/* none */
	ASSERT_EQ(decode_hex_rc("9202c40161"), TV_EMALFORMED);	/* no array */
	ASSERT_EQ(decode_hex_rc("9102"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("930291c4016190"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920291c40161"), 0);
}

/* ---- WANT ---- */

TEST(want)
{
	uint8_t (*h)[TV_HASH_LEN] = malloc((TV_WIRE_WANT_MAX + 1) *
	    TV_HASH_LEN);
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	ASSERT(h != NULL);
	for (size_t i = 0; i <= TV_WIRE_WANT_MAX; i++)
		for (size_t j = 0; j < TV_HASH_LEN; j++)
			h[i][j] = (uint8_t)(i * 31 + j);
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	buf = w_done(&w, tv_wire_want_encode(&w, h, 1), &len);
	ASSERT_EQ(len, 37);
	round_trip(buf, len, TV_WIRE_WANT, &m);
	ASSERT_EQ(m.want.count, 1);
	ASSERT_MEM_EQ(m.want.items[0].bytes, h[0], 32);
	tv_wire_msg_close(&m);
	free(buf);

	/* The most: 5 + 34 * 1926 = 65489 bytes. */
	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	buf = w_done(&w, tv_wire_want_encode(&w, h, TV_WIRE_WANT_MAX), &len);
	ASSERT_EQ(len, 65489);
	round_trip(buf, len, TV_WIRE_WANT, &m);
	ASSERT_EQ(m.want.count, TV_WIRE_WANT_MAX);
	ASSERT_MEM_EQ(m.want.items[1925].bytes, h[1925], 32);
	tv_wire_msg_close(&m);
	free(buf);

	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_want_encode(&w, h, TV_WIRE_WANT_MAX + 1),
	    TV_ETOOBIG);
	ASSERT_EQ(tv_wire_want_encode(&w, h, 0), TV_EINVAL);
	ASSERT_EQ(w.buf.len, 0);
	/* By hand: 1927 hashes (65523 bytes, over the plaintext limit too). */
	tv_w_array(&w, 2);
	tv_w_uint(&w, 3);
	tv_w_array(&w, TV_WIRE_WANT_MAX + 1);
	for (size_t i = 0; i <= TV_WIRE_WANT_MAX; i++)
		tv_w_bin(&w, h[i], 32);
	ASSERT_EQ(w.buf.len, 65523);
	ASSERT_EQ(decode_rc(w.buf.data, w.buf.len), TV_ETOOBIG);
	tv_w_free(&w);
	free(h);

	ASSERT_EQ(decode_hex_rc("920390"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920391c40161"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920391c0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9103"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9203c0"), TV_EMALFORMED);
}

/* ---- PING, PONG ---- */

TEST(ping_pong)
{
	static const uint64_t nonces[] = { 0, 1, 127, 128, 65536,
	    UINT64_MAX };
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	for (size_t i = 0; i < sizeof(nonces) / sizeof(nonces[0]); i++) {
		for (int t = TV_WIRE_PING; t <= TV_WIRE_PONG; t++) {
			tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
			buf = w_done(&w, tv_wire_ping_encode(&w,
			    (enum tv_wire_type)t, nonces[i]), &len);
			round_trip(buf, len, (enum tv_wire_type)t, &m);
			ASSERT(m.nonce == nonces[i]);
			tv_wire_msg_close(&m);
			free(buf);
		}
	}
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_ping_encode(&w, TV_WIRE_HELLO, 1), TV_EINVAL);
	tv_w_free(&w);
	ASSERT_EQ(decode_hex_rc("920401"), 0);
	ASSERT_EQ(decode_hex_rc("9204ff"), TV_EMALFORMED);	/* -1 */
	ASSERT_EQ(decode_hex_rc("9205a131"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9205c0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9104"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("93050101"), TV_EMALFORMED);
}

/* ---- ERROR, GOODBYE ---- */

TEST(error_msg)
{
	char text[258];
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	memset(text, 'e', sizeof(text));
	for (size_t n = 0; n <= 256; n += 128) {
		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		buf = w_done(&w, tv_wire_error_encode(&w, TV_WIRE_EBUSY,
		    n > 0 ? text : NULL, n), &len);
		round_trip(buf, len, TV_WIRE_ERROR, &m);
		ASSERT_EQ(m.error.code, TV_WIRE_EBUSY);
		ASSERT_EQ(m.error.text.len, n);
		tv_wire_msg_close(&m);
		free(buf);
	}
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_error_encode(&w, 1, text, 257), TV_ETOOBIG);
	ASSERT_EQ(tv_wire_error_encode(&w, 1, "\xc3", 1), TV_EUTF8);
	ASSERT_EQ(w.buf.len, 0);
	tv_w_array(&w, 3);
	tv_w_uint(&w, 6);
	tv_w_uint(&w, 1);
	tv_w_str(&w, text, 257);
	ASSERT_EQ(decode_rc(w.buf.data, w.buf.len), TV_ETOOBIG);
	tv_w_free(&w);
	/* A newer code decodes; the receiver treats it as INTERNAL. */
	ASSERT_EQ(decode_hex_rc("9306cd0400a0"), 0);
	ASSERT_EQ(decode_hex_rc("9306a131a0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("930601c400"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("930601c0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920601"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("940601a0a0"), TV_EMALFORMED);
}

TEST(goodbye)
{
	char text[258];
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	memset(text, 'g', sizeof(text));
	for (size_t n = 0; n <= 256; n += 32) {
		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		buf = w_done(&w, tv_wire_goodbye_encode(&w, text, n), &len);
		round_trip(buf, len, TV_WIRE_GOODBYE, &m);
		ASSERT_EQ(m.goodbye.len, n);
		tv_wire_msg_close(&m);
		free(buf);
	}
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_goodbye_encode(&w, text, 257), TV_ETOOBIG);
	ASSERT_EQ(tv_wire_goodbye_encode(&w, "A\xcc\x8a", 3), TV_ENFC);
	ASSERT_EQ(w.buf.len, 0);
	tv_w_array(&w, 2);
	tv_w_uint(&w, 7);
	tv_w_str(&w, text, 257);
	ASSERT_EQ(decode_rc(w.buf.data, w.buf.len), TV_ETOOBIG);
	tv_w_free(&w);
	ASSERT_EQ(decode_hex_rc("9207c400"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920701"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9107"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9307a0a0"), TV_EMALFORMED);
}

/* ---- Forward compatibility and strictness ---- */

TEST(resync)
{
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	tv_w_init(&w, 0);
	buf = w_done(&w, tv_wire_resync_encode(&w), &len);
	ASSERT_EQ(len, 2);
	ASSERT_MEM_EQ(buf, "\x91\x08", 2);
	round_trip(buf, len, TV_WIRE_RESYNC, &m);
	tv_wire_msg_close(&m);
	free(buf);
	/* Exactly one item: the layout of a known type is strict (§10.5). */
	ASSERT_EQ(decode_hex_rc("9208c0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("920800"), TV_EMALFORMED);
}

TEST(unknown_type)
{
	struct tv_wire_msg m;
	struct tv_w w;
	uint8_t *buf;
	size_t len;

	buf = test_unhex("9309a178 81a16101", &len);
	ASSERT_EQ(tv_wire_decode(buf, len, &m), 0);
	ASSERT_EQ(m.type, TV_WIRE_UNKNOWN);
	ASSERT_EQ(m.type_code, 9);
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_wire_encode(&w, &m), TV_EINVAL);
	tv_w_free(&w);
	tv_wire_msg_close(&m);
	free(buf);
	ASSERT_EQ(decode_hex_rc("9109"), 0);
	ASSERT_EQ(decode_hex_rc("91cc80"), 0);
	ASSERT_EQ(decode_hex_rc("91cfffffffffffffffff"), 0);
	buf = test_unhex("91cfffffffffffffffff", &len);
	ASSERT_EQ(tv_wire_decode(buf, len, &m), 0);
	ASSERT(m.type_code == UINT64_MAX);
	tv_wire_msg_close(&m);
	free(buf);
	/* Still strict: canonical, an array, a uint type first. */
	ASSERT_EQ(decode_hex_rc("91cc08"), TV_ENONCANON);
	ASSERT_EQ(decode_hex_rc("90"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("91ff"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("91a130"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("08"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("8100c0"), TV_EMALFORMED);
	ASSERT_EQ(decode_hex_rc("9208c1"), TV_EMALFORMED);
}

TEST(non_canonical)
{
	/* PING 1 with the nonce as uint8, uint16; array16 of 2; trailing. */
	ASSERT_EQ(decode_hex_rc("9204cc01"), TV_ENONCANON);
	ASSERT_EQ(decode_hex_rc("9204cd0001"), TV_ENONCANON);
	ASSERT_EQ(decode_hex_rc("dc00020401"), TV_ENONCANON);
	ASSERT_EQ(decode_hex_rc("92040100"), TV_ETRAILING);
	ASSERT_EQ(decode_hex_rc("9204"), TV_ETRUNC);
	/* RECONCILE with bin16 for 1 byte; GOODBYE with str8 for "". */
	ASSERT_EQ(decode_hex_rc("9201c5000161"), TV_ENONCANON);
	ASSERT_EQ(decode_hex_rc("9207d900"), TV_ENONCANON);
	/* A float nonce. */
	ASSERT_EQ(decode_hex_rc("9204ca3f800000"), TV_EFLOAT);
	ASSERT_EQ(decode_rc((const uint8_t *)"", 0), TV_ETRUNC);
	/* Over the plaintext limit, whatever it holds. */
	uint8_t *big = calloc(1, TV_WIRE_PLAINTEXT_MAX + 1);
	ASSERT(big != NULL);
	ASSERT_EQ(decode_rc(big, TV_WIRE_PLAINTEXT_MAX + 1), TV_ETOOBIG);
	free(big);
}

TEST(decode_out_of_memory)
{
	size_t sizes[20], len;
	uint8_t *buf;
	struct tv_wire_msg m;
	int rc;

	for (size_t i = 0; i < 20; i++)
		sizes[i] = 10 + i;
	buf = records_msg(sizes, 20, &len);
	for (long n = 0;; n++) {
		fault_fail_after(n);
		rc = tv_wire_decode(buf, len, &m);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(m.doc == NULL);
		ASSERT(n < 1000);
	}
	check_records(&m, sizes, 20);
	tv_wire_msg_close(&m);
	free(buf);
}

TEST(encode_out_of_memory)
{
	struct tv_wire_hello h;
	struct tv_w w;
	int rc;

	hello_init(&h);
	for (long n = 0;; n++) {
		tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
		fault_fail_after(n);
		rc = tv_wire_hello_encode(&w, &h);
		fault_fail_after(-1);
		tv_w_free(&w);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
		ASSERT(n < 100);
	}
}

/* ---- PROTOCOL.md ---- */

TEST(doc_examples)
{
	char **blocks = test_doc_blocks("```hex wire");
	unsigned seen = 0;

	for (size_t i = 0; blocks[i] != NULL; i++) {
		struct tv_wire_msg m;
		uint8_t *buf;
		size_t len;

		buf = test_unhex(blocks[i], &len);
		ASSERT(buf != NULL);
		ASSERT_EQ(tv_wire_decode(buf, len, &m), 0);
		enum tv_wire_type type = m.type;

		ASSERT(type != TV_WIRE_UNKNOWN);
		seen |= 1u << type;
		tv_wire_msg_close(&m);
		round_trip(buf, len, type, &m);
		if (m.type == TV_WIRE_RECORDS) {
			struct tv_record r;

			ASSERT_EQ(tv_record_decode(m.records.items[0].bytes,
			    m.records.items[0].len, &r), 0);
			ASSERT_EQ(tv_record_verify(&r), 0);
		}
		tv_wire_msg_close(&m);
		free(buf);
	}
	/* One example of every type. */
	ASSERT_EQ(seen, (1u << (TV_WIRE_RESYNC + 1)) - 1);
	test_doc_blocks_free(blocks);
}

/* ---- One whole link ---- */

struct side {
	struct tv_noise_hs hs;
	struct tv_noise_cipher tx, rx;
	struct tv_frame_reader *r;
};

/* Reads exactly one frame out of wire[0..len). */
static const uint8_t *
one_frame(struct side *s, const uint8_t *wire, size_t len, size_t *out_len)
{
	const uint8_t *f;
	size_t used;

	ASSERT_EQ(tv_frame_feed(s->r, wire, len, &used, &f, out_len), 0);
	ASSERT_EQ(used, len);
	ASSERT(f != NULL);
	return f;
}

/* Writes a handshake message with payload into a frame; reads it at b. */
static void
hs_step(struct side *a, struct side *b, const uint8_t *payload,
    size_t payload_len, uint8_t *out_payload, size_t *out_payload_len)
{
	static uint8_t wire[TV_FRAME_HEADER_LEN + TV_FRAME_MAX];
	const uint8_t *f;
	size_t msg_len, wire_len, flen;

	ASSERT_EQ(tv_noise_hs_write(&a->hs, payload, payload_len, wire + 2,
	    TV_FRAME_MAX, &msg_len), 0);
	ASSERT_EQ(tv_frame_write(wire + 2, msg_len, wire, sizeof(wire),
	    &wire_len), 0);
	/* Byte by byte for the reader's slow path. */
	for (size_t i = 0; i + 1 < wire_len; i++) {
		size_t used;

		ASSERT_EQ(tv_frame_feed(b->r, wire + i, 1, &used, &f, &flen),
		    0);
		ASSERT(f == NULL);
	}
	f = one_frame(b, wire + wire_len - 1, 1, &flen);
	ASSERT_EQ(tv_noise_hs_read(&b->hs, f, flen, out_payload, 65535,
	    out_payload_len), 0);
}

TEST(link_end_to_end)
{
	static uint8_t wire[TV_FRAME_HEADER_LEN + TV_FRAME_MAX];
	static uint8_t pt[TV_FRAME_MAX];
	struct side ini = { 0 }, res = { 0 };
	struct tv_keypair ka, kb;
	struct tv_noise_keypair na, nb;
	struct tv_wire_hello h;
	struct tv_wire_records_enc e;
	struct tv_wire_msg m;
	uint8_t psk[32], seed[32], *hello, rec[300];
	size_t hello_len, pt_len, len, ct_len, wire_len, flen;
	const uint8_t *f;

	ASSERT(sodium_init() >= 0);
	memset(psk, 7, sizeof(psk));
	memset(seed, 1, sizeof(seed));
	tv_keypair_from_seed(&ka, seed);
	memset(seed, 2, sizeof(seed));
	tv_keypair_from_seed(&kb, seed);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&ka, &na), 0);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&kb, &nb), 0);
	ini.r = reader_new();
	res.r = reader_new();
	ASSERT_EQ(tv_noise_hs_init(&ini.hs, TV_NOISE_INITIATOR,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &na,
	    psk, NULL), 0);
	ASSERT_EQ(tv_noise_hs_init(&res.hs, TV_NOISE_RESPONDER,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &nb,
	    psk, NULL), 0);

	/* Message 1: empty payload. */
	hs_step(&ini, &res, NULL, 0, pt, &pt_len);
	ASSERT_EQ(pt_len, 0);
	/* Message 2: the responder's HELLO. */
	hello_init(&h);
	h.area = kb.pk;
	hello = hello_bytes(&h, &hello_len);
	hs_step(&res, &ini, hello, hello_len, pt, &pt_len);
	free(hello);
	ASSERT_EQ(tv_wire_decode(pt, pt_len, &m), 0);
	ASSERT_EQ(m.type, TV_WIRE_HELLO);
	{
		uint8_t rs[32];

		ASSERT_EQ(tv_noise_hs_remote_static(&ini.hs, rs), 0);
		ASSERT_EQ(tv_noise_check_area(rs, m.hello.area), 0);
	}
	tv_wire_msg_close(&m);
	/* Message 3: the initiator's HELLO, not listening. */
	h.area = ka.pk;
	h.listen_port = 0;
	hello = hello_bytes(&h, &hello_len);
	hs_step(&ini, &res, hello, hello_len, pt, &pt_len);
	free(hello);
	ASSERT_EQ(tv_wire_decode(pt, pt_len, &m), 0);
	ASSERT_EQ(m.hello.listen_port, 0);
	ASSERT_MEM_EQ(m.hello.area, ka.pk, 32);
	tv_wire_msg_close(&m);
	ASSERT_EQ(tv_noise_hs_split(&ini.hs, &ini.tx, &ini.rx), 0);
	ASSERT_EQ(tv_noise_hs_split(&res.hs, &res.tx, &res.rx), 0);

	/* A RECORDS message built in the frame, encrypted in place. */
	tv_wire_records_init(&e, wire + 2, TV_WIRE_PLAINTEXT_MAX);
	memset(rec, 0x42, sizeof(rec));
	while (tv_wire_records_fits(&e, sizeof(rec)))
		ASSERT_EQ(tv_wire_records_add(&e, rec, sizeof(rec)), 0);
	ASSERT_EQ(tv_wire_records_finish(&e, &len), 0);
	ASSERT(len > TV_WIRE_PLAINTEXT_MAX - 303);
	ASSERT_EQ(tv_noise_cipher_encrypt(&ini.tx, wire + 2, len, wire + 2,
	    TV_FRAME_MAX, &ct_len), 0);
	ASSERT_EQ(tv_frame_write(wire + 2, ct_len, wire, sizeof(wire),
	    &wire_len), 0);
	f = one_frame(&res, wire, wire_len, &flen);
	ASSERT_EQ(tv_noise_cipher_decrypt(&res.rx, f, flen, pt, sizeof(pt),
	    &pt_len), 0);
	ASSERT_EQ(pt_len, len);
	ASSERT_EQ(tv_wire_decode(pt, pt_len, &m), 0);
	ASSERT_EQ(m.type, TV_WIRE_RECORDS);
	ASSERT_EQ(m.records.count, tv_wire_records_count(&e));
	ASSERT_MEM_EQ(m.records.items[0].bytes, rec, sizeof(rec));
	tv_wire_msg_close(&m);

	tv_noise_hs_close(&ini.hs);
	tv_noise_hs_close(&res.hs);
	tv_noise_cipher_close(&ini.tx);
	tv_noise_cipher_close(&ini.rx);
	tv_noise_cipher_close(&res.tx);
	tv_noise_cipher_close(&res.rx);
	tv_noise_keypair_wipe(&na);
	tv_noise_keypair_wipe(&nb);
	tv_keypair_wipe(&ka);
	tv_keypair_wipe(&kb);
	free(ini.r);
	free(res.r);
}

/*
 * PROTOCOL.md §9.6: a complete handshake with fixed keys. The initiator
 * is the test area of §7.1 (seed 00..1f), the responder the area of seed
 * 20..3f, the federation key 01..20; the ephemeral private keys are
 * 40..5f and 60..7f. Each "```hex handshake" block is one frame.
 */
static void
seq_bytes(uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static char *
hs_frame_hex(struct tv_noise_hs *hs, const uint8_t *payload, size_t len,
    struct tv_noise_hs *reader)
{
	static uint8_t wire[TV_FRAME_HEADER_LEN + TV_FRAME_MAX];
	static uint8_t pt[TV_FRAME_MAX];
	size_t msg_len, wire_len, pt_len;

	ASSERT_EQ(tv_noise_hs_write(hs, payload, len, wire + 2, TV_FRAME_MAX,
	    &msg_len), 0);
	ASSERT_EQ(tv_frame_write(wire + 2, msg_len, wire, sizeof(wire),
	    &wire_len), 0);
	ASSERT_EQ(tv_noise_hs_read(reader, wire + 2, msg_len, pt, sizeof(pt),
	    &pt_len), 0);
	ASSERT_EQ(pt_len, len);
	if (len > 0)
		ASSERT_MEM_EQ(pt, payload, len);
	return test_hex(wire, wire_len);
}

TEST(handshake_example)
{
	struct tv_keypair ka, kb;
	struct tv_noise_keypair na, nb, ea, eb;
	struct tv_noise_hs ini, res;
	struct tv_wire_hello h;
	uint8_t seed[32], psk[32], priv[32], *hello;
	size_t hello_len;
	char *hex[3];

	ASSERT(sodium_init() >= 0);
	seq_bytes(seed, 32, 0x00);
	tv_keypair_from_seed(&ka, seed);
	seq_bytes(seed, 32, 0x20);
	tv_keypair_from_seed(&kb, seed);
	seq_bytes(psk, 32, 0x01);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&ka, &na), 0);
	ASSERT_EQ(tv_noise_keypair_from_ed25519(&kb, &nb), 0);
	seq_bytes(priv, 32, 0x40);
	ASSERT_EQ(tv_noise_keypair_from_private(priv, &ea), 0);
	seq_bytes(priv, 32, 0x60);
	ASSERT_EQ(tv_noise_keypair_from_private(priv, &eb), 0);
	ASSERT_EQ(tv_noise_hs_init(&ini, TV_NOISE_INITIATOR,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &na,
	    psk, &ea), 0);
	ASSERT_EQ(tv_noise_hs_init(&res, TV_NOISE_RESPONDER,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &nb,
	    psk, &eb), 0);

	hex[0] = hs_frame_hex(&ini, NULL, 0, &res);
	memset(&h, 0, sizeof(h));
	h.version = TV_WIRE_VERSION;
	h.area = kb.pk;
	h.listen_port = 7340;
	h.name = (struct tv_wire_str){ "Vestby", 6 };
	hello = hello_bytes(&h, &hello_len);
	hex[1] = hs_frame_hex(&res, hello, hello_len, &ini);
	free(hello);
	h.area = ka.pk;
	h.listen_port = 0;
	h.name = (struct tv_wire_str){ "Østby", 6 };
	hello = hello_bytes(&h, &hello_len);
	hex[2] = hs_frame_hex(&ini, hello, hello_len, &res);
	free(hello);
	ASSERT(tv_noise_hs_is_done(&ini) && tv_noise_hs_is_done(&res));

	if (getenv("TVAERS_PRINT_EXAMPLE") != NULL)
		for (int i = 0; i < 3; i++)
			printf("message %d:\n%s\n", i + 1, hex[i]);
	char **blocks = test_doc_blocks("```hex handshake");
	size_t n = 0;
	while (blocks[n] != NULL)
		n++;
	ASSERT_EQ(n, 3);
	for (int i = 0; i < 3; i++)
		if (strcmp(blocks[i], hex[i]) != 0)
			TEST_FAIL("PROTOCOL.md handshake block %d is\n%s\nbut "
			    "the code gives\n%s", i + 1, blocks[i], hex[i]);
	test_doc_blocks_free(blocks);
	for (int i = 0; i < 3; i++)
		free(hex[i]);
	tv_noise_hs_close(&ini);
	tv_noise_hs_close(&res);
	tv_noise_keypair_wipe(&na);
	tv_noise_keypair_wipe(&nb);
	tv_keypair_wipe(&ka);
	tv_keypair_wipe(&kb);
}

TEST_MAIN(handshake_example, frame_in_one_go, frame_byte_by_byte, frame_split_everywhere,
    frame_max_exact, frame_length_zero, frame_write, rekey_due,
    hello_round_trip,
    hello_bytes_exact, hello_caps_limit, hello_name_limit, hello_version,
    hello_wrong_fields, reconcile, records_signed, records_many,
    records_fill_exactly, records_limits, want, ping_pong, error_msg,
    goodbye, resync, unknown_type, non_canonical, decode_out_of_memory,
    encode_out_of_memory, doc_examples, link_end_to_end)
