/*
 * Fills an area for the sync benchmark: N associations, each with a name
 * and a ~250-character description (records of ~300 bytes of body), sent
 * as add_batch requests of at most 2,500 over the control socket.
 *
 *	bench_fill SOCKET N [PREFIX]
 *
 * and times one record through a chain of daemons:
 *
 *	bench_fill chain SOCKET_FIRST SOCKET_LAST K
 *
 * K times: adds one association at the first daemon and, once the add has
 * returned, polls the last daemon's status over one connection until its
 * record count grows; prints each latency in milliseconds, one a line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "err.h"
#include "test.h"

#define CHUNK 2500	/* ~300 bytes each: under TV_CTL_FRAME_MAX */
#define DESC_LEN 250

static int
io_all(int fd, void *p, size_t len, int is_write)
{
	return test_io_all(fd, p, len, is_write) == 0 ? 0 : -1;
}

/* Reads reply frames until the end frame; returns its code (1: hung up). */
static int64_t last_records = -1;	/* "records" of the last status item */

static long
read_end(int fd, char *msg, size_t msglen)
{
	uint8_t hdr[TV_CTL_HDR_LEN], *buf;
	struct tv_ctl_reply r;
	struct tv_doc *doc;
	size_t len;

	for (;;) {
		if (io_all(fd, hdr, sizeof(hdr), 0) != 0 ||
		    tv_ctl_hdr_read(hdr, &len) != 0)
			return 1;
		if ((buf = malloc(len ? len : 1)) == NULL ||
		    io_all(fd, buf, len, 0) != 0 ||
		    tv_ctl_reply_decode(buf, len, &doc, &r) != 0) {
			free(buf);
			return 1;
		}
		if (r.kind == TV_CTL_END) {
			long code = (long)r.code;
			snprintf(msg, msglen, "%.*s", (int)r.msg_len, r.msg);
			tv_doc_free(doc);
			free(buf);
			return code;
		}
		if (r.data != NULL && r.data->type == TV_MAP) {
			const struct tv_value *v = tv_map_get(r.data, "records");
			if (v != NULL && v->type == TV_UINT)
				last_records = (int64_t)v->u;
			else if (v != NULL && v->type == TV_NINT)
				last_records = v->i;
		}
		tv_doc_free(doc);
		free(buf);
	}
}

static void
send_req(int fd, const char *op, const struct tv_value *args)
{
	uint8_t *frame;
	size_t len;

	if (tv_ctl_request_encode(op, args, &frame, &len) != 0 ||
	    io_all(fd, frame, len, 1) != 0) {
		fprintf(stderr, "bench_fill: cannot send %s\n", op);
		exit(1);
	}
	free(frame);
}

static int64_t
records_of(int fd)
{
	char msg[1024];

	send_req(fd, "status", NULL);
	last_records = -1;
	if (read_end(fd, msg, sizeof(msg)) != 0 || last_records < 0) {
		fprintf(stderr, "bench_fill: status: %s\n", msg);
		exit(1);
	}
	return last_records;
}

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
chain(const char *first, const char *last, unsigned k)
{
	int fa = test_dial_unix(first), fe = test_dial_unix(last);
	char name[64], msg[1024];

	for (unsigned i = 0; i < k; i++) {
		struct tv_value args, akv[4], fields, fkv[2];
		int64_t before = records_of(fe);
		double t0, t1;

		snprintf(name, sizeof(name), "Kædeforening %u", i);
		memset(&fields, 0, sizeof(fields));
		fields.type = TV_MAP;
		fields.len = 1;
		fields.items = fkv;
		tv_set_str(&fkv[0], "name", 4);
		tv_set_str(&fkv[1], name, strlen(name));
		memset(&args, 0, sizeof(args));
		args.type = TV_MAP;
		args.len = 2;
		args.items = akv;
		tv_set_str(&akv[0], "kind", 4);
		tv_set_str(&akv[1], "association", 11);
		tv_set_str(&akv[2], "fields", 6);
		akv[3] = fields;
		send_req(fa, "add", &args);
		if (read_end(fa, msg, sizeof(msg)) != 0) {
			fprintf(stderr, "bench_fill: add: %s\n", msg);
			return 1;
		}
		t0 = now_ms();
		while (records_of(fe) <= before) {
			if (now_ms() - t0 > 20000) {
				fprintf(stderr, "bench_fill: record %u never "
				    "reached the last daemon\n", i);
				return 1;
			}
		}
		t1 = now_ms();
		printf("%.3f\n", t1 - t0);
		fflush(stdout);
		/* let the chain go quiet before the next one */
		usleep(50000);
	}
	return 0;
}

static const char *const words[] = {
	"forening", "medlemmer", "frivillige", "hallen", "sommerfest",
	"bestyrelsen", "generalforsamling", "kontingent", "træning", "børn",
	"unge", "seniorer", "landsbyen", "kulturhuset", "arrangementer",
	"fællesspisning", "idræt", "musik", "natur", "stier", "cykling",
	"vinter", "foredrag", "udflugter", "lokalrådet", "samarbejde",
};

/* A deterministic description of exactly DESC_LEN bytes for record i. */
static void
describe(char *out, unsigned i)
{
	uint64_t x = (uint64_t)i * 6364136223846793005ull + 1442695040888963407ull;
	size_t len = 0;

	len = (size_t)snprintf(out, DESC_LEN + 1, "Forening %u:", i);
	while (len < DESC_LEN) {
		const char *w;
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		w = words[(x >> 33) % (sizeof(words) / sizeof(words[0]))];
		if (len + 1 + strlen(w) > DESC_LEN) {
			/* never cut a UTF-8 sequence: pad the rest */
			memset(out + len, '.', DESC_LEN - len);
			break;
		}
		len += (size_t)snprintf(out + len, DESC_LEN + 1 - len, " %s", w);
	}
	out[DESC_LEN] = 0;
}

int
main(int argc, char **argv)
{
	const char *prefix = argc > 3 ? argv[3] : "Bench";
	unsigned n, done = 0;
	char msg[1024];
	int fd;

	if (argc == 5 && strcmp(argv[1], "chain") == 0)
		return chain(argv[2], argv[3], (unsigned)atoi(argv[4]));
	if (argc < 3) {
		fprintf(stderr, "usage: bench_fill SOCKET N [PREFIX]\n");
		return 2;
	}
	n = (unsigned)strtoul(argv[2], NULL, 10);
	fd = test_dial_unix(argv[1]);
	while (done < n) {
		unsigned m = n - done > CHUNK ? CHUNK : n - done;
		struct tv_value args, akv[4], *items, *kvs;
		char (*names)[64], (*descs)[DESC_LEN + 1];
		uint8_t *frame;
		size_t len;
		long code;

		items = calloc(m, sizeof(*items));
		kvs = calloc((size_t)m * 4, sizeof(*kvs));
		names = calloc(m, sizeof(*names));
		descs = calloc(m, sizeof(*descs));
		if (!items || !kvs || !names || !descs)
			return 1;
		for (unsigned j = 0; j < m; j++) {
			unsigned i = done + j;
			snprintf(names[j], sizeof(names[j]), "%s forening %u", prefix, i);
			describe(descs[j], i);
			items[j].type = TV_MAP;
			items[j].items = &kvs[4 * j];
			items[j].len = 2;
			/* canonical key order: by length, then bytes */
			tv_set_str(&kvs[4 * j], "name", 4);
			tv_set_str(&kvs[4 * j + 1], names[j], strlen(names[j]));
			tv_set_str(&kvs[4 * j + 2], "description", 11);
			tv_set_str(&kvs[4 * j + 3], descs[j], DESC_LEN);
		}
		memset(&args, 0, sizeof(args));
		args.type = TV_MAP;
		args.len = 2;
		args.items = akv;
		tv_set_str(&akv[0], "kind", 4);
		tv_set_str(&akv[1], "association", 11);
		tv_set_str(&akv[2], "items", 5);
		memset(&akv[3], 0, sizeof(akv[3]));
		akv[3].type = TV_ARRAY;
		akv[3].len = m;
		akv[3].items = items;
		if ((code = tv_ctl_request_encode("add_batch", &args, &frame,
		    &len)) != 0) {
			fprintf(stderr, "bench_fill: cannot encode: %s\n",
			    tv_strerror((int)code));
			return 1;
		}
		if (io_all(fd, frame, len, 1) != 0)
			return 1;
		free(frame);
		code = read_end(fd, msg, sizeof(msg));
		free(items);
		free(kvs);
		free(names);
		free(descs);
		if (code != 0) {
			fprintf(stderr, "bench_fill: add_batch: %ld %s\n", code, msg);
			return 1;
		}
		done += m;
	}
	close(fd);
	printf("added %u\n", done);
	return 0;
}
