/*
 * The control request and reply decoders. Whatever a local client sends
 * must decode or be refused cleanly; a request that decodes must survive
 * re-encoding with the same op and arguments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "ctl.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_ctl_request req, again;
	struct tv_ctl_reply reply;
	struct tv_doc *doc, *doc2;
	uint8_t hdr[TV_CTL_HDR_LEN], *frame;
	size_t len, frame_len;
	char op[256];
	int rc;

	if (size >= TV_CTL_HDR_LEN) {
		rc = tv_ctl_hdr_read(data, &len);
		if (rc == 0) {
			tv_ctl_hdr_write(len, hdr);
			if (memcmp(hdr, data, TV_CTL_HDR_LEN) != 0)
				abort();
		} else if (rc != TV_ETOOBIG) {
			abort();
		}
	}
	rc = tv_ctl_request_decode(data, size, &doc, &req);
	if (rc == 0 && req.op_len < sizeof(op) &&
	    memchr(req.op, 0, req.op_len) == NULL) {
		memcpy(op, req.op, req.op_len);
		op[req.op_len] = 0;
		if (tv_ctl_request_encode(op, req.args, &frame,
		    &frame_len) != 0)
			abort();
		if (tv_ctl_request_decode(frame + TV_CTL_HDR_LEN,
		    frame_len - TV_CTL_HDR_LEN, &doc2, &again) != 0 ||
		    again.op_len != req.op_len ||
		    memcmp(again.op, req.op, req.op_len) != 0 ||
		    again.args->len != req.args->len)
			abort();
		tv_doc_free(doc2);
		free(frame);
	}
	tv_doc_free(doc);
	if (tv_ctl_reply_decode(data, size, &doc, &reply) == 0) {
		if (reply.kind == TV_CTL_END && reply.code > 0)
			abort();
		tv_doc_free(doc);
	}
	return 0;
}
