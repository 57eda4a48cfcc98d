/*
 * A hostile federation peer for the integration tests, built on proto/
 * only, with plain blocking sockets. It dials a daemon, runs the initiator
 * side of the handshake (PROTOCOL.md §9) with the federation key of an
 * invite code and a fresh area key of its own, and then misbehaves:
 *
 *	peerpoke ADDR:PORT INVITE_CODE MODE
 *
 *	forged     RECORDS with a record whose signature has one bit flipped
 *	noncanon   RECORDS with a record whose version is a non-shortest uint
 *	           (re-signed, so that only canonical form is wrong)
 *	local      RECORDS with a validly signed local-only `contact`
 *	oversized  RECORDS with one record over TV_RECORD_MAX (61440 bytes)
 *	garbage    random bytes as a transport frame
 *	stall      half of handshake message 3, then waits
 *	wrongkey   the handshake with another federation key
 *	valid      RECORDS with one valid signed association
 *	resync     10,000 RESYNC messages, which only an initiator may act on
 *
 * Records are named "Peerpoke MODE Xq" so that a test can look for them.
 * It prints what the daemon did, one line each: "error CODE" for an ERROR
 * it received, then "closed" if the daemon hung up within a few seconds,
 * else "ok". Exit status 0 unless the tool itself failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "canon.h"
#include "err.h"
#include "ids.h"
#include "invite.h"
#include "noise.h"
#include "record.h"
#include "sign.h"
#include "test.h"
#include "wire.h"

static void
die(const char *what, int rc)
{
	fprintf(stderr, "peerpoke: %s: %s\n", what,
	    rc != 0 ? tv_strerror(rc) : strerror(errno));
	exit(1);
}

static int
dial(const char *addr)
{
	struct tv_invite_addr a;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, rc;

	if ((rc = tv_invite_addr_parse(addr, strlen(addr), &a)) != 0)
		die("address", rc);
	sin.sin_port = htons(a.port);
	if (inet_pton(AF_INET, a.host, &sin.sin_addr) != 1)
		die("address: IPv4 only", TV_EINVAL);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("connect", 0);
	return fd;
}

static void
set_timeout(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void
send_all(int fd, const void *p, size_t len)
{
	/* The daemon may hang up on hostile input: that is the test's answer. */
	(void)test_io_all(fd, (void *)p, len, true);
}

/* Returns 0, 1 on EOF or reset (the daemon closed), -1 on a timeout. */
static int
recv_all(int fd, void *p, size_t len)
{
	int rc = test_io_all(fd, p, len, false);

	if (rc == -EAGAIN || rc == -EWOULDBLOCK)
		return -1;
	return rc == 0 ? 0 : 1;
}

static void
send_frame(int fd, const uint8_t *body, size_t len)
{
	uint8_t out[TV_FRAME_HEADER_LEN + TV_FRAME_MAX];
	size_t n;
	int rc;

	if ((rc = tv_frame_write(body, len, out, sizeof(out), &n)) != 0)
		die("frame", rc);
	send_all(fd, out, n);
}

/* Reads one frame into body; returns as recv_all. */
static int
recv_frame(int fd, uint8_t body[static TV_FRAME_MAX], size_t *len)
{
	uint8_t hdr[TV_FRAME_HEADER_LEN];
	int rc;

	if ((rc = recv_all(fd, hdr, sizeof(hdr))) != 0)
		return rc;
	*len = (size_t)hdr[0] << 8 | hdr[1];
	if (*len == 0)
		return 1;
	return recv_all(fd, body, *len);
}

struct link {
	int fd;
	struct tv_keypair kp;
	struct tv_noise_cipher tx, rx;
};

static void
send_msg(struct link *l, const uint8_t *pt, size_t len)
{
	uint8_t ct[TV_NOISE_MSG_MAX];
	size_t n;
	int rc;

	if ((rc = tv_noise_cipher_encrypt(&l->tx, pt, len, ct, sizeof(ct),
	    &n)) != 0)
		die("encrypt", rc);
	send_frame(l->fd, ct, n);
}

/*
 * The handshake as initiator. half3: send only half of message 3 and
 * return 1 without finishing. Returns 0 when the transport is up, 1 if
 * the daemon closed during it.
 */
static int
handshake(struct link *l, const uint8_t fed_key[static TV_INVITE_KEY_LEN],
    bool half3)
{
	struct tv_noise_keypair s;
	struct tv_noise_hs hs;
	struct tv_wire_hello h;
	uint8_t msg[TV_NOISE_MSG_MAX], pl[TV_NOISE_MSG_MAX];
	struct tv_w w;
	size_t n, pn;
	int rc;

	if ((rc = tv_noise_keypair_from_ed25519(&l->kp, &s)) != 0)
		die("static key", rc);
	if ((rc = tv_noise_hs_init(&hs, TV_NOISE_INITIATOR,
	    (const uint8_t *)TV_NOISE_PROLOGUE, TV_NOISE_PROLOGUE_LEN, &s,
	    fed_key, NULL)) != 0)
		die("hs_init", rc);
	tv_noise_keypair_wipe(&s);
	if ((rc = tv_noise_hs_write(&hs, NULL, 0, msg, sizeof(msg), &n)) != 0)
		die("message 1", rc);
	send_frame(l->fd, msg, n);
	if ((rc = recv_frame(l->fd, msg, &n)) != 0) {
		tv_noise_hs_close(&hs);
		return 1;
	}
	if ((rc = tv_noise_hs_read(&hs, msg, n, pl, sizeof(pl), &pn)) != 0)
		die("message 2", rc);
	memset(&h, 0, sizeof(h));
	h.version = TV_WIRE_VERSION;
	h.area = l->kp.pk;
	h.name.p = "peerpoke";
	h.name.len = 8;
	tv_w_init(&w, TV_WIRE_HELLO_MAX);
	if ((rc = tv_wire_hello_encode(&w, &h)) != 0 ||
	    (rc = tv_w_err(&w)) != 0)
		die("hello", rc);
	rc = tv_noise_hs_write(&hs, w.buf.data, w.buf.len, msg, sizeof(msg),
	    &n);
	tv_w_free(&w);
	if (rc != 0)
		die("message 3", rc);
	if (half3) {
		uint8_t hdr[TV_FRAME_HEADER_LEN] = { (uint8_t)(n >> 8),
		    (uint8_t)n };
		send_all(l->fd, hdr, sizeof(hdr));
		send_all(l->fd, msg, n / 2);
		tv_noise_hs_close(&hs);
		return 1;
	}
	send_frame(l->fd, msg, n);
	if ((rc = tv_noise_hs_split(&hs, &l->tx, &l->rx)) != 0)
		die("split", rc);
	tv_noise_hs_close(&hs);
	return 0;
}

/*
 * Reads what the daemon says for up to secs seconds: prints "error CODE"
 * for each ERROR, answers PINGs, and prints "closed" if it hangs up (then
 * returns 1). Returns 0 if the link stayed open; *errors counts ERRORs.
 */
static int
watch(struct link *l, int secs, int *errors)
{
	uint8_t ct[TV_FRAME_MAX], pt[TV_FRAME_MAX];
	time_t end = time(NULL) + secs;
	size_t n, pn;
	int rc;

	set_timeout(l->fd, 1);
	while (time(NULL) < end) {
		struct tv_wire_msg m;

		rc = recv_frame(l->fd, ct, &n);
		if (rc < 0)
			continue;
		if (rc > 0) {
			printf("closed\n");
			return 1;
		}
		if (tv_noise_cipher_decrypt(&l->rx, ct, n, pt, sizeof(pt),
		    &pn) != 0) {
			fprintf(stderr, "peerpoke: cannot decrypt a frame\n");
			exit(1);
		}
		if (tv_wire_decode(pt, pn, &m) != 0)
			continue;
		if (m.type == TV_WIRE_ERROR) {
			printf("error %llu\n", (unsigned long long)m.error.code);
			fflush(stdout);
			(*errors)++;
		} else if (m.type == TV_WIRE_PING) {
			struct tv_w w;
			tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
			if (tv_wire_ping_encode(&w, TV_WIRE_PONG, m.nonce) == 0
			    && tv_w_err(&w) == 0)
				send_msg(l, w.buf.data, w.buf.len);
			tv_w_free(&w);
		}
		tv_wire_msg_close(&m);
	}
	return 0;
}

/* Waits for the daemon to hang up (handshake phase: no transport). */
static void
watch_raw(int fd, int secs)
{
	uint8_t b[4096];
	time_t end = time(NULL) + secs;

	set_timeout(fd, 1);
	while (time(NULL) < end) {
		ssize_t n = read(fd, b, sizeof(b));
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)) {
			printf("closed\n");
			return;
		}
	}
	printf("ok\n");
}

/* A signed record of kind with {"name": "Peerpoke MODE Xq"}. */
static void
make_record(const struct tv_keypair *kp, const char *kind, const char *mode,
    uint8_t **out, size_t *out_len)
{
	char name[64];
	uint8_t id[TV_ID_LEN], *body;
	size_t body_len;
	struct timespec ts;
	struct tv_w w;
	int rc;

	snprintf(name, sizeof(name), "Peerpoke %s Xq", mode);
	tv_w_init(&w, 0);
	tv_w_map(&w, 1);
	tv_w_cstr(&w, "name");
	tv_w_cstr(&w, name);
	if ((rc = tv_w_finish(&w, &body, &body_len)) != 0)
		die("body", rc);
	tv_random(id, sizeof(id));
	clock_gettime(CLOCK_REALTIME, &ts);
	rc = tv_record_sign(kp, kind, id, (uint64_t)ts.tv_sec * 1000000u +
	    (uint64_t)ts.tv_nsec / 1000u, 0, body, body_len, out, out_len);
	free(body);
	if (rc != 0)
		die("sign", rc);
}

/*
 * Re-encodes rec with its version 1 as "cc 01" (uint8: not the shortest
 * form) and signs that, so that the signature verifies over the bytes.
 */
static void
make_noncanon(const struct tv_keypair *kp, const uint8_t *rec, size_t len,
    uint8_t **out, size_t *out_len)
{
	static const char domain[] = TV_SIGN_DOMAIN;
	size_t flen = len - 1 - 2 - TV_SIG_LEN;	/* items 1..6 after 98 01 */
	size_t dlen = sizeof(domain);	/* with its NUL: the 00 byte */
	uint8_t *in, *r, sig[TV_SIG_LEN];

	if (rec[0] != 0x98 || rec[1] != 0x01)
		die("noncanon: unexpected record bytes", TV_EINVAL);
	flen -= 1;		/* drop the version byte */
	in = malloc(dlen + 1 + 2 + flen);
	r = malloc(1 + 2 + flen + 2 + TV_SIG_LEN);
	if (in == NULL || r == NULL)
		die("noncanon", TV_ENOMEM);
	memcpy(in, domain, dlen);
	in[dlen] = 0x97;
	in[dlen + 1] = 0xcc;
	in[dlen + 2] = 0x01;
	memcpy(in + dlen + 3, rec + 2, flen);
	tv_sign(kp, in, dlen + 3 + flen, sig);
	r[0] = 0x98;
	r[1] = 0xcc;
	r[2] = 0x01;
	memcpy(r + 3, rec + 2, flen);
	r[3 + flen] = 0xc4;
	r[4 + flen] = 0x40;
	memcpy(r + 5 + flen, sig, TV_SIG_LEN);
	*out = r;
	*out_len = 5 + flen + TV_SIG_LEN;
	free(in);
}

/* Sends RECORDS [2, [rec]] (built by hand, without the encoder's checks). */
static void
send_records(struct link *l, const uint8_t *rec, size_t len)
{
	struct tv_w w;

	tv_w_init(&w, TV_WIRE_PLAINTEXT_MAX);
	tv_w_array(&w, 2);
	tv_w_uint(&w, TV_WIRE_RECORDS);
	tv_w_array(&w, 1);
	tv_w_bin(&w, rec, len);
	if (tv_w_err(&w) != 0)
		die("records", tv_w_err(&w));
	send_msg(l, w.buf.data, w.buf.len);
	tv_w_free(&w);
}

int
main(int argc, char **argv)
{
	struct tv_invite inv;
	struct link l;
	const char *mode;
	uint8_t *rec = NULL, *bad = NULL;
	size_t len = 0, bad_len = 0;
	int rc, errors = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: peerpoke ADDR:PORT INVITE_CODE MODE\n");
		return 2;
	}
	mode = argv[3];
	if (tv_sign_init() != 0)
		die("libsodium", TV_EINVAL);
	if ((rc = tv_invite_parse(argv[2], strlen(argv[2]),
	    (uint64_t)time(NULL), &inv)) != 0)
		die("invite", rc);
	memset(&l, 0, sizeof(l));
	tv_keypair_generate(&l.kp);
	if (strcmp(mode, "wrongkey") == 0)
		tv_random(inv.fed_key, sizeof(inv.fed_key));
	l.fd = dial(argv[1]);
	set_timeout(l.fd, 10);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mode, "stall") == 0) {
		(void)handshake(&l, inv.fed_key, true);
		watch_raw(l.fd, 30);
		goto out;
	}
	if (handshake(&l, inv.fed_key, false) != 0) {
		printf("closed\n");
		goto out;
	}
	if (strcmp(mode, "wrongkey") == 0) {
		/* The responder fails message 3 and sends nothing more. */
		(void)watch(&l, 5, &errors);
		goto out;
	}
	if (strcmp(mode, "resync") == 0) {
		static const uint8_t resync[] = { 0x91, TV_WIRE_RESYNC };
		for (int i = 0; i < 10000; i++)
			send_msg(&l, resync, sizeof(resync));
	} else if (strcmp(mode, "garbage") == 0) {
		uint8_t junk[1000];
		tv_random(junk, sizeof(junk));
		send_frame(l.fd, junk, sizeof(junk));
	} else if (strcmp(mode, "oversized") == 0) {
		size_t n = TV_RECORD_MAX + 1000;
		if ((bad = malloc(n)) == NULL)
			die("oversized", TV_ENOMEM);
		memset(bad, 0x5a, n);
		send_records(&l, bad, n);
	} else {
		bool is_local = strcmp(mode, "local") == 0;

		make_record(&l.kp, is_local ? "contact" : "association", mode,
		    &rec, &len);
		if (strcmp(mode, "forged") == 0)
			rec[len - 1] ^= 0x01;
		if (strcmp(mode, "noncanon") == 0) {
			make_noncanon(&l.kp, rec, len, &bad, &bad_len);
			send_records(&l, bad, bad_len);
		} else if (is_local || strcmp(mode, "forged") == 0 ||
		    strcmp(mode, "valid") == 0) {
			send_records(&l, rec, len);
		} else {
			fprintf(stderr, "peerpoke: unknown mode %s\n", mode);
			return 2;
		}
	}
	if (watch(&l, 3, &errors) == 0 && errors == 0)
		printf("ok\n");
out:
	free(rec);
	free(bad);
	tv_invite_wipe(&inv);
	tv_keypair_wipe(&l.kp);
	tv_noise_cipher_close(&l.tx);
	tv_noise_cipher_close(&l.rx);
	close(l.fd);
	return 0;
}
