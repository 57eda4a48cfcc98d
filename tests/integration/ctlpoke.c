/*
 * A test client for the control socket that does what the CLI never does:
 * many requests on one connection, and hostile bytes.
 *
 *	ctlpoke SOCKET adds N KIND      N add requests, one at a time, each
 *	                                must succeed; prints "added N"
 *	ctlpoke SOCKET batch N KIND     one add_batch request of N records
 *	ctlpoke SOCKET random SEED N    N bytes of noise in one frame
 *	ctlpoke SOCKET garbage SEED N   N bytes of noise without framing
 *	ctlpoke SOCKET huge             a frame header announcing 100 MB
 *	ctlpoke SOCKET truncated        half a frame, then the socket is closed
 *	ctlpoke SOCKET stall            half a frame, then waits for the reply
 *	ctlpoke SOCKET op OP            one request with no arguments
 *	ctlpoke SOCKET import COL TEXT  one association import request, a row
 *	                                named "Probe" with TEXT in column COL,
 *	                                sent without the CLI's checks
 *	ctlpoke SOCKET verify FILE      verifies every record of an export
 *
 * Hostile modes print the daemon's end frame as "end CODE MSG" (or
 * "closed" if it hung up without one) and exit 0; the test checks it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "err.h"
#include "record.h"
#include "sign.h"
#include "test.h"

static void
send_all(int fd, const void *p, size_t len)
{
	/* The daemon may hang up on hostile input: that is the test's answer. */
	(void)test_io_all(fd, (void *)p, len, true);
}

static int
recv_all(int fd, void *p, size_t len)
{
	return test_io_all(fd, p, len, false) == 0 ? 0 : -1;
}

/* Reads replies until the end frame; returns its code, or 1 if the daemon hung up. */
static long
read_end(int fd, char *msg, size_t msglen, unsigned *out_items)
{
	uint8_t hdr[TV_CTL_HDR_LEN], *buf;
	struct tv_ctl_reply r;
	struct tv_doc *doc;
	size_t len;

	for (;;) {
		if (recv_all(fd, hdr, sizeof(hdr)) != 0 ||
		    tv_ctl_hdr_read(hdr, &len) != 0)
			return 1;
		if ((buf = malloc(len ? len : 1)) == NULL ||
		    recv_all(fd, buf, len) != 0) {
			free(buf);
			return 1;
		}
		if (tv_ctl_reply_decode(buf, len, &doc, &r) != 0) {
			fprintf(stderr, "ctlpoke: undecodable reply frame\n");
			exit(1);
		}
		if (r.kind == TV_CTL_END) {
			long code = (long)r.code;
			snprintf(msg, msglen, "%.*s", (int)r.msg_len, r.msg);
			tv_doc_free(doc);
			free(buf);
			return code;
		}
		if (out_items)
			(*out_items)++;
		tv_doc_free(doc);
		free(buf);
	}
}

static void
print_end(int fd)
{
	char msg[1024];
	long code = read_end(fd, msg, sizeof(msg), NULL);
	if (code == 1)
		printf("closed\n");
	else
		printf("end %ld %s\n", code, msg);
}

static void
request(int fd, const char *op, const struct tv_value *args)
{
	uint8_t *frame;
	size_t len;

	if (tv_ctl_request_encode(op, args, &frame, &len) != 0) {
		fprintf(stderr, "ctlpoke: cannot encode %s\n", op);
		exit(1);
	}
	send_all(fd, frame, len);
	free(frame);
}

static void
fill_fields(struct tv_value *map, struct tv_value *kv, const char *kind,
    char *name, size_t name_len, unsigned i)
{
	snprintf(name, name_len, "Forening nr. %u i Østby", i);
	memset(map, 0, sizeof(*map));
	map->type = TV_MAP;
	map->items = kv;
	tv_set_str(&kv[0], strcmp(kind, "project") == 0 ||
	    strcmp(kind, "event") == 0 ? "title" : "name",
	    strcmp(kind, "project") == 0 || strcmp(kind, "event") == 0 ? 5 : 4);
	tv_set_str(&kv[1], name, strlen(name));
	map->len = 1;
	if (strcmp(kind, "project") == 0) {
		tv_set_str(&kv[2], "status", 6);
		tv_set_str(&kv[3], "idea", 4);
		map->len = 2;
	} else if (strcmp(kind, "event") == 0) {
		tv_set_str(&kv[2], "start", 5);
		tv_set_str(&kv[3], "2030-05-01 19:30", 16);
		map->len = 2;
	}
}

static int
do_adds(const char *sock, unsigned n, const char *kind)
{
	int fd = test_dial_unix(sock);
	char name[128], msg[1024];

	for (unsigned i = 0; i < n; i++) {
		struct tv_value args, akv[4], fields, fkv[4];
		fill_fields(&fields, fkv, kind, name, sizeof(name), i);
		memset(&args, 0, sizeof(args));
		args.type = TV_MAP;
		args.len = 2;
		args.items = akv;
		tv_set_str(&akv[0], "kind", 4);
		tv_set_str(&akv[1], kind, strlen(kind));
		tv_set_str(&akv[2], "fields", 6);
		akv[3] = fields;
		request(fd, "add", &args);
		long code = read_end(fd, msg, sizeof(msg), NULL);
		if (code != 0) {
			fprintf(stderr, "ctlpoke: add %u: %ld %s\n", i, code, msg);
			return 1;
		}
	}
	printf("added %u\n", n);
	close(fd);
	return 0;
}

static int
do_batch(const char *sock, unsigned n, const char *kind)
{
	struct tv_value args, akv[4], *items, *kvs;
	char (*names)[128];
	char msg[1024];
	int fd = test_dial_unix(sock);

	items = calloc(n, sizeof(*items));
	kvs = calloc((size_t)n * 4, sizeof(*kvs));
	names = calloc(n, sizeof(*names));
	if (items == NULL || kvs == NULL || names == NULL)
		return 1;
	for (unsigned i = 0; i < n; i++)
		fill_fields(&items[i], &kvs[4 * i], kind, names[i],
		    sizeof(names[i]), i);
	memset(&args, 0, sizeof(args));
	args.type = TV_MAP;
	args.len = 2;
	args.items = akv;
	tv_set_str(&akv[0], "kind", 4);
	tv_set_str(&akv[1], kind, strlen(kind));
	tv_set_str(&akv[2], "items", 5);
	memset(&akv[3], 0, sizeof(akv[3]));
	akv[3].type = TV_ARRAY;
	akv[3].len = n;
	akv[3].items = items;
	request(fd, "add_batch", &args);
	long code = read_end(fd, msg, sizeof(msg), NULL);
	free(items);
	free(kvs);
	free(names);
	close(fd);
	if (code != 0) {
		fprintf(stderr, "ctlpoke: batch: %ld %s\n", code, msg);
		return 1;
	}
	printf("%s\n", msg);
	return 0;
}

static int
do_import(const char *sock, const char *col, const char *text)
{
	struct tv_value args, akv[6], cols, names[2], rows, row, cells[3];
	int fd = test_dial_unix(sock);

	tv_set_str(&names[0], "name", 4);
	tv_set_str(&names[1], col, strlen(col));
	cols = (struct tv_value){ .type = TV_ARRAY, .len = 2, .items = names };
	tv_set_int(&cells[0], 2);
	tv_set_str(&cells[1], "Probe", 5);
	tv_set_str(&cells[2], text, strlen(text));
	row = (struct tv_value){ .type = TV_ARRAY, .len = 3, .items = cells };
	rows = (struct tv_value){ .type = TV_ARRAY, .len = 1, .items = &row };
	tv_set_str(&akv[0], "kind", 4);
	tv_set_str(&akv[1], "association", 11);
	tv_set_str(&akv[2], "columns", 7);
	akv[3] = cols;
	tv_set_str(&akv[4], "rows", 4);
	akv[5] = rows;
	args = (struct tv_value){ .type = TV_MAP, .len = 3, .items = akv };
	request(fd, "import", &args);
	print_end(fd);
	close(fd);
	return 0;
}

static void
noise(unsigned seed, uint8_t *p, size_t n)
{
	uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(x >> 33);
	}
}

static int
do_verify(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned ok = 0;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		const char *hex = o ? json_string_value(json_object_get(o,
		    "raw")) : NULL;
		uint8_t *raw;
		size_t len, n;
		struct tv_record r;

		if (hex == NULL) {
			fprintf(stderr, "verify: line %u: no raw\n", ok + 1);
			return 1;
		}
		n = strlen(hex) / 2;
		raw = malloc(n + 1);
		for (len = 0; len < n; len++) {
			unsigned b;
			sscanf(hex + 2 * len, "%2x", &b);
			raw[len] = (uint8_t)b;
		}
		if (tv_record_decode(raw, len, &r) != 0 ||
		    tv_record_verify(&r) != 0) {
			fprintf(stderr, "verify: line %u: bad record\n", ok + 1);
			return 1;
		}
		free(raw);
		json_decref(o);
		ok++;
	}
	free(line);
	fclose(f);
	printf("verified %u\n", ok);
	return 0;
}

int
main(int argc, char **argv)
{
	uint8_t hdr[TV_CTL_HDR_LEN], *buf;
	const char *sock, *mode;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: ctlpoke SOCKET MODE [ARGS]\n");
		return 2;
	}
	sock = argv[1];
	mode = argv[2];
	if (strcmp(mode, "verify") == 0 && argc == 4)
		return tv_sign_init() == 0 ? do_verify(argv[3]) : 1;
	if (strcmp(mode, "adds") == 0 && argc == 5)
		return do_adds(sock, (unsigned)atoi(argv[3]), argv[4]);
	if (strcmp(mode, "batch") == 0 && argc == 5)
		return do_batch(sock, (unsigned)atoi(argv[3]), argv[4]);
	if (strcmp(mode, "import") == 0 && argc == 5)
		return do_import(sock, argv[3], argv[4]);
	if (strcmp(mode, "op") == 0 && argc == 4) {
		fd = test_dial_unix(sock);
		request(fd, argv[3], NULL);
		print_end(fd);
		return 0;
	}
	if ((strcmp(mode, "random") == 0 || strcmp(mode, "garbage") == 0) &&
	    argc == 5) {
		size_t n = (size_t)atol(argv[4]);
		buf = malloc(n + TV_CTL_HDR_LEN);
		noise((unsigned)atoi(argv[3]), buf + TV_CTL_HDR_LEN, n);
		fd = test_dial_unix(sock);
		if (strcmp(mode, "random") == 0) {
			tv_ctl_hdr_write(n, buf);
			send_all(fd, buf, n + TV_CTL_HDR_LEN);
		} else {
			send_all(fd, buf + TV_CTL_HDR_LEN, n);
		}
		shutdown(fd, SHUT_WR);
		print_end(fd);
		free(buf);
		return 0;
	}
	if (strcmp(mode, "huge") == 0) {
		fd = test_dial_unix(sock);
		tv_ctl_hdr_write(100u * 1000 * 1000, hdr);
		send_all(fd, hdr, sizeof(hdr));
		print_end(fd);
		return 0;
	}
	if (strcmp(mode, "truncated") == 0 || strcmp(mode, "stall") == 0) {
		uint8_t *frame;
		size_t len;
		if (tv_ctl_request_encode("status", NULL, &frame, &len) != 0)
			return 1;
		fd = test_dial_unix(sock);
		send_all(fd, frame, len / 2);
		free(frame);
		if (strcmp(mode, "truncated") == 0) {
			close(fd);
			printf("sent\n");
			return 0;
		}
		print_end(fd);
		return 0;
	}
	fprintf(stderr, "ctlpoke: unknown mode %s\n", mode);
	return 2;
}
