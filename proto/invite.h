/*
 * Invite codes (PROTOCOL.md §13): what `tvaers invite` prints and
 * `tvaers join CODE` reads. A code is "tvaers-" and the lower-case base32
 * of a canonical msgpack payload [1, federation key, area id, addresses,
 * expires] followed by a 4-byte BLAKE2b-256 checksum of the payload.
 * The code carries the federation key, a secret: wipe a struct tv_invite
 * with tv_invite_wipe when done. Pure: no I/O, no globals.
 */
#ifndef TVAERS_PROTO_INVITE_H
#define TVAERS_PROTO_INVITE_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define TV_INVITE_VERSION 1
#define TV_INVITE_PREFIX "tvaers-"
#define TV_INVITE_PREFIX_LEN 7
#define TV_INVITE_KEY_LEN 32		/* the federation key */
#define TV_INVITE_CHECK_LEN 4		/* checksum bytes after the payload */
#define TV_INVITE_ADDRS_MAX 8
#define TV_INVITE_ADDR_MAX 64		/* bytes of "host:port" */
#define TV_INVITE_TEXT_MAX 1024		/* chars of a code, as typed or written */

enum tv_invite_family {
	TV_INVITE_IPV4 = 4,		/* "192.0.2.1:7770" */
	TV_INVITE_IPV6 = 6,		/* "[2001:db8::1]:7770" */
	TV_INVITE_DNS = 1,		/* "hal.example.dk:7770" */
};

/* One peer address, checked (PROTOCOL.md §13.3). */
struct tv_invite_addr {
	char text[TV_INVITE_ADDR_MAX + 1];	/* as in the payload, NUL-ended */
	char host[TV_INVITE_ADDR_MAX + 1];	/* without brackets, NUL-ended */
	uint16_t port;				/* 1..65535 */
	enum tv_invite_family family;
};

struct tv_invite {
	uint8_t fed_key[TV_INVITE_KEY_LEN];	/* secret */
	uint8_t area[TV_PK_LEN];		/* the inviting area's id */
	uint64_t expires;			/* unix seconds */
	size_t addrs_len;			/* 1 .. TV_INVITE_ADDRS_MAX */
	struct tv_invite_addr addrs[TV_INVITE_ADDRS_MAX];
};

/* Wipes an invite (it holds the federation key). */
void tv_invite_wipe(struct tv_invite *inv);
/*
 * Parses and checks one address, "host:port" or "[v6]:port" (len bytes,
 * no NUL needed) into *out. Returns 0, TV_ETOOBIG (over
 * TV_INVITE_ADDR_MAX) or TV_EMALFORMED.
 */
int tv_invite_addr_parse(const char *text, size_t len,
    struct tv_invite_addr *out);
/*
 * Adds a NUL-terminated address to inv (parsed as above). Returns 0,
 * TV_ETOOBIG (already TV_INVITE_ADDRS_MAX, or too long) or TV_EMALFORMED.
 */
int tv_invite_add_addr(struct tv_invite *inv, const char *addr);
/*
 * Writes inv's code, NUL-terminated, into out (out_cap bytes;
 * TV_INVITE_TEXT_MAX + 1 always suffice) and sets *out_len (without the
 * NUL). Only addrs[].text is read of the addresses, and checked again.
 * Returns 0, TV_EMALFORMED (a bad address), TV_EINVAL (no address, too
 * many, a short out) or TV_ENOMEM.
 */
int tv_invite_format(const struct tv_invite *inv, char *out, size_t out_cap,
    size_t *out_len);
/*
 * Parses a code (len bytes, no NUL needed): case-insensitive; white space
 * around it and white space and '-' inside the base32 are ignored.
 * Returns 0; TV_ETOOBIG (over TV_INVITE_TEXT_MAX chars); TV_EBADSIG (the
 * checksum does not match: a typo); TV_EVERSION; TV_EMALFORMED; TV_ENOMEM;
 * or TV_EEXPIRED if now >= expires, in which case *out is filled in all
 * the same (to say when). On other errors *out is zeroed.
 */
int tv_invite_parse(const char *text, size_t len, uint64_t now,
    struct tv_invite *out);

#endif
