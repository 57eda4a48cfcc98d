/*
 * Checking received records on the threadpool (intake.h).
 */
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "err.h"
#include "kinds.h"

int
intake_check(const uint8_t *raw, size_t len, struct tv_record *r, char *why,
    size_t whylen)
{
	const struct tv_kind *k;
	const struct tv_value *body;
	struct tv_doc *doc;
	char reason[160];
	int rc;

	if ((rc = tv_record_decode(raw, len, r)) != 0) {
		snprintf(why, whylen, "undecodable record: %s",
		    tv_strerror(rc));
		return rc;
	}
	k = tv_kind_by_wire(r->kind, r->kind_len);
	if (k != NULL && k->is_local) {
		snprintf(why, whylen, "a local-only record");
		return TV_EINVAL;
	}
	if ((rc = tv_record_verify(r)) != 0) {
		snprintf(why, whylen, "bad signature");
		return rc;
	}
	if (k == NULL || r->body_len == 0)
		return 0;	/* unknown kinds are kept and forwarded */
	if ((rc = tv_decode(r->body, r->body_len, &doc, &body)) != 0) {
		snprintf(why, whylen, "body: %s", tv_strerror(rc));
		return rc;
	}
	/* The reason may quote record content: only the kind is named. */
	if ((rc = tv_kind_validate(k, body, reason, sizeof(reason))) != 0)
		snprintf(why, whylen, "the body breaks the %s schema",
		    k->name);
	tv_doc_free(doc);
	return rc;
}

/* On a pool thread: touches only the intake. */
static void
check_all(uv_work_t *w)
{
	struct intake *in = w->data;
	const uint8_t *p = in->bytes;
	char why[sizeof(in->first_why)];

	for (size_t i = 0; i < in->received; i++) {
		uint32_t len;

		memcpy(&len, p, sizeof(len));
		p += sizeof(len);
		if (intake_check(p, len, &in->recs[in->n], why,
		    sizeof(why)) == 0)
			in->n++;
		else if (in->bad++ == 0)
			memcpy(in->first_why, why, sizeof(why));
		p += len;
	}
}

static void
checked(uv_work_t *w, int status)
{
	struct intake *in = w->data;

	(void)status;	/* cancelled work is never queued: nothing cancels */
	in->done(in->arg, in);
}

int
intake_start(uv_loop_t *loop, const struct tv_wire_msg *m,
    intake_done_cb *done, void *arg)
{
	size_t count = m->records.count, total = 0;
	struct intake *in;
	uint8_t *p;
	int rc;

	for (size_t i = 0; i < count; i++)
		total += sizeof(uint32_t) + m->records.items[i].len;
	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (in->recs = calloc(count ? count : 1, sizeof(*in->recs))) ==
	    NULL || (in->bytes = malloc(total ? total : 1)) == NULL) {
		intake_free(in);
		return TV_ENOMEM;
	}
	/* Each record as a host-order length and its bytes. */
	p = in->bytes;
	for (size_t i = 0; i < count; i++) {
		uint32_t len = (uint32_t)m->records.items[i].len;

		memcpy(p, &len, sizeof(len));
		memcpy(p + sizeof(len), m->records.items[i].bytes, len);
		p += sizeof(len) + len;
	}
	in->received = count;
	in->done = done;
	in->arg = arg;
	in->work.data = in;
	if ((rc = uv_queue_work(loop, &in->work, check_all, checked)) != 0) {
		intake_free(in);
		return rc;
	}
	return 0;
}

void
intake_free(struct intake *in)
{
	if (in == NULL)
		return;
	free(in->recs);
	free(in->bytes);
	free(in);
}
