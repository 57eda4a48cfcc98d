/*
 * The control protocol (proto/ctl.c, PROTOCOL.md §8): frame headers at
 * their limit, requests and replies round trip, and every malformed shape
 * is refused with its own code.
 */
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "ctl.h"
#include "err.h"
#include "fault.h"
#include "test.h"

static int
decode_hex_request(const char *hex, struct tv_ctl_request *req,
    struct tv_doc **doc, uint8_t **buf)
{
	size_t len;
	*buf = test_unhex(hex, &len);
	return tv_ctl_request_decode(*buf, len, doc, req);
}

TEST(header_limit)
{
	uint8_t hdr[TV_CTL_HDR_LEN];
	size_t len;

	tv_ctl_hdr_write(TV_CTL_FRAME_MAX, hdr);
	ASSERT_EQ(tv_ctl_hdr_read(hdr, &len), 0);
	ASSERT_EQ(len, TV_CTL_FRAME_MAX);
	tv_ctl_hdr_write(TV_CTL_FRAME_MAX + 1, hdr);
	ASSERT_EQ(tv_ctl_hdr_read(hdr, &len), TV_ETOOBIG);
	tv_ctl_hdr_write(100u * 1000 * 1000, hdr);
	ASSERT_EQ(tv_ctl_hdr_read(hdr, &len), TV_ETOOBIG);
	tv_ctl_hdr_write(0, hdr);
	ASSERT_EQ(tv_ctl_hdr_read(hdr, &len), 0);
	ASSERT_EQ(len, 0);
}

TEST(request_round_trip)
{
	struct tv_value args, kv[2];
	struct tv_ctl_request req;
	struct tv_doc *doc;
	uint8_t *frame;
	size_t len, payload;

	memset(&args, 0, sizeof(args));
	args.type = TV_MAP;
	args.len = 1;
	args.items = kv;
	tv_set_str(&kv[0], "ref", 3);
	tv_set_str(&kv[1], "Østby", strlen("Østby"));
	ASSERT_EQ(tv_ctl_request_encode("show", &args, &frame, &len), 0);
	ASSERT_EQ(tv_ctl_hdr_read(frame, &payload), 0);
	ASSERT_EQ(payload + TV_CTL_HDR_LEN, len);
	ASSERT_EQ(tv_ctl_request_decode(frame + TV_CTL_HDR_LEN, payload, &doc,
	    &req), 0);
	ASSERT_EQ(req.version, TV_CTL_VERSION);
	ASSERT(req.op_len == 4 && memcmp(req.op, "show", 4) == 0);
	ASSERT(tv_str_eq(tv_map_get(req.args, "ref"), "Østby"));
	tv_doc_free(doc);
	free(frame);

	/* Without arguments the decoder hands out an empty map. */
	ASSERT_EQ(tv_ctl_request_encode("status", NULL, &frame, &len), 0);
	ASSERT_EQ(tv_ctl_request_decode(frame + TV_CTL_HDR_LEN,
	    len - TV_CTL_HDR_LEN, &doc, &req), 0);
	ASSERT(req.args != NULL && req.args->type == TV_MAP &&
	    req.args->len == 0);
	tv_doc_free(doc);
	free(frame);
}

TEST(request_rejections)
{
	static const struct {
		const char *hex;
		int rc;
	} cases[] = {
		{ "91a161", TV_EMALFORMED },		/* an array */
		{ "81a17601", TV_EMALFORMED },		/* no op */
		{ "82a17601a26f7001", TV_EMALFORMED },	/* op not a string */
		{ "81a26f70a173", TV_EMALFORMED },	/* no version */
		{ "83a17601a26f70a173a461726773 01", TV_EMALFORMED }, /* args */
		{ "82a17602a26f70a173", TV_EVERSION },	/* version 2 */
		{ "82a26f70a173a17601", TV_EKEYORDER },	/* unsorted */
		{ "82a17601a26f70a273", TV_ETRUNC },	/* cut short */
		{ "82a17601a26f70a17300", TV_ETRAILING },
		{ "82a176cc01a26f70a173", TV_ENONCANON },
		{ "", TV_ETRUNC },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tv_ctl_request req;
		struct tv_doc *doc;
		uint8_t *buf;
		int rc = decode_hex_request(cases[i].hex, &req, &doc, &buf);
		if (rc != cases[i].rc)
			TEST_FAIL("%s: %d, expected %d", cases[i].hex, rc,
			    cases[i].rc);
		/* A version mismatch still says which version was asked for. */
		if (rc == TV_EVERSION) {
			ASSERT_EQ(req.version, 2);
			tv_doc_free(doc);
		} else {
			ASSERT(doc == NULL);
		}
		free(buf);
	}
}

TEST(replies)
{
	struct tv_ctl_reply r;
	struct tv_doc *doc;
	struct tv_w w;
	size_t len;
	long start;

	tv_w_init(&w, 0);
	start = tv_ctl_item_begin(&w);
	ASSERT(start == 0);
	tv_w_map(&w, 1);
	tv_w_cstr(&w, "area");
	tv_w_cstr(&w, "abc");
	ASSERT_EQ(tv_ctl_frame_end(&w, start), 0);
	ASSERT_EQ(tv_ctl_end_write(&w, TV_ENOTFOUND, "no such record"), 0);

	ASSERT_EQ(tv_ctl_hdr_read(w.buf.data, &len), 0);
	ASSERT_EQ(tv_ctl_reply_decode(w.buf.data + 4, len, &doc, &r), 0);
	ASSERT_EQ(r.kind, TV_CTL_ITEM);
	ASSERT(tv_str_eq(tv_map_get(r.data, "area"), "abc"));
	tv_doc_free(doc);

	const uint8_t *end = w.buf.data + 4 + len;
	size_t end_len;
	ASSERT_EQ(tv_ctl_hdr_read(end, &end_len), 0);
	ASSERT_EQ(4 + len + 4 + end_len, w.buf.len);
	ASSERT_EQ(tv_ctl_reply_decode(end + 4, end_len, &doc, &r), 0);
	ASSERT_EQ(r.kind, TV_CTL_END);
	ASSERT_EQ(r.code, TV_ENOTFOUND);
	ASSERT(r.msg_len == 14 && memcmp(r.msg, "no such record", 14) == 0);
	tv_doc_free(doc);
	tv_w_free(&w);

	/* A positive code, a missing msg or an unknown t are malformed. */
	static const char *bad[] = {
		"83a174a3656e64a36d7367a0a4636f646501",
		"82a174a3656e64a4636f646500",
		"81a174a3666f6f",
		"81a174a46974656d",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *buf = test_unhex(bad[i], &len);
		ASSERT_EQ(tv_ctl_reply_decode(buf, len, &doc, &r),
		    TV_EMALFORMED);
		free(buf);
	}
}

TEST(end_message_is_clipped_at_a_character)
{
	struct tv_ctl_reply r;
	struct tv_doc *doc;
	struct tv_w w;
	char msg[TV_CTL_MSG_MAX + 8];
	size_t len;

	/* "ø" is two bytes; put one across the limit. */
	memset(msg, 'a', sizeof(msg));
	memcpy(msg + TV_CTL_MSG_MAX - 1, "ø", 2);
	msg[TV_CTL_MSG_MAX + 4] = 0;
	tv_w_init(&w, 0);
	ASSERT_EQ(tv_ctl_end_write(&w, -1, msg), 0);
	ASSERT_EQ(tv_ctl_hdr_read(w.buf.data, &len), 0);
	ASSERT_EQ(tv_ctl_reply_decode(w.buf.data + 4, len, &doc, &r), 0);
	ASSERT_EQ(r.msg_len, TV_CTL_MSG_MAX - 1);
	tv_doc_free(doc);
	tv_w_free(&w);
}

TEST(out_of_memory)
{
	struct tv_ctl_request req;
	struct tv_doc *doc;
	uint8_t *frame;
	size_t len;
	long k;

	for (k = 0; k < 100; k++) {
		fault_fail_after(k);
		int rc = tv_ctl_request_encode("status", NULL, &frame, &len);
		fault_fail_after(-1);
		if (rc == 0)
			break;
		ASSERT_EQ(rc, TV_ENOMEM);
	}
	ASSERT(k < 100);
	for (k = 0; k < 100; k++) {
		fault_fail_after(k);
		int rc = tv_ctl_request_decode(frame + 4, len - 4, &doc, &req);
		fault_fail_after(-1);
		if (rc == 0) {
			tv_doc_free(doc);
			break;
		}
		ASSERT_EQ(rc, TV_ENOMEM);
	}
	ASSERT(k < 100);
	free(frame);
}

TEST_MAIN(header_limit, request_round_trip, request_rejections, replies,
    end_message_is_clipped_at_a_character, out_of_memory)
