/*
 * Federation links: TCP listeners on the [network] listen addresses, one
 * dialler per known peer (the peers table) with exponential backoff (1 s
 * doubling to 5 min, ±20 % jitter), the federation key, and the set of
 * live links (peer.h). At most max_peers links, at most one open link per
 * remote area (the newer is dropped). net is freed once every listener,
 * link and dialler timer it owns has closed, after net_close.
 */
#ifndef TVAERS_DAEMON_NET_H
#define TVAERS_DAEMON_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "invite.h"
#include "peer.h"

#define NET_BACKOFF_MIN_MS 1000
#define NET_BACKOFF_MAX_MS 300000
#define NET_FED_KEY_SETTING "federation_key"

struct tvaersd;
struct net;

/* One line of `tvaers peers`; strings valid until the loop runs again. */
struct net_peer_info {
	const char *addr;
	const uint8_t *area;	/* NULL: not known yet */
	const char *name;	/* NULL: not known */
	const char *state;	/* connected, connecting, backoff, inbound, gone */
	bool is_connected;
	bool is_known;		/* in the peers table */
	int64_t last_seen;	/* unix seconds; 0: never */
	uint64_t bytes_in, bytes_out;
	uint64_t records_in;	/* records received and stored as newer */
	uint64_t records_dup;	/* records received that were not newer */
	uint64_t records_bad;	/* records refused */
	uint64_t records_out;	/* records sent */
	const char *last_error;	/* NULL: none */
};

typedef int net_peer_cb(void *arg, const struct net_peer_info *info);

/*
 * Loads or creates the federation key, starts listening and dialling.
 * Listen failures are logged, not fatal. Returns 0 or a negative code with
 * errbuf set (the store or the key cannot be read).
 */
int net_open(struct tvaersd *d, struct net **out, char *errbuf,
    size_t errlen);
/* Starts closing everything; idempotent, NULL is fine. */
void net_close(struct net *n);

/*
 * Known peers first, then inbound links, then inbound links that ended
 * (state "gone", one per area, newest first, the last 32 since start);
 * stops at cb != 0.
 */
int net_peers_each(struct net *n, net_peer_cb *cb, void *arg);
/* Counts open links and known peers. */
void net_counts(struct net *n, size_t *out_connected, size_t *out_known);
/* Adds a known peer and dials it; area may be NULL. Returns 0 or an error
 * with a sentence in errbuf. */
int net_peer_add(struct net *n, const char *addr, const uint8_t *area,
    char *errbuf, size_t errlen);
/* Forgets a known peer and closes its link; 0 or TV_ENOTFOUND. */
int net_peer_rm(struct net *n, const char *addr);
/* Adds the reachable listen addresses to inv; returns how many. */
size_t net_invite_addrs(struct net *n, struct tv_invite *inv);
/* Copies the federation key (a secret) into out. */
void net_fed_key(const struct net *n, uint8_t out[static TV_NOISE_KEY_LEN]);
/*
 * Joins the federation of inv: stores its key (refused with TV_EEXIST if
 * the key differs and peers are known) and dials its addresses. Returns 0
 * or an error with a sentence in errbuf.
 */
int net_join(struct net *n, const struct tv_invite *inv, char *errbuf,
    size_t errlen);

/*
 * The links or [network] advertise changed: the area profile's peers and
 * addresses are brought up to date shortly. NULL is fine.
 */
void net_profile_changed(struct net *n);
/* For sync.c: the daemon net belongs to. */
struct tvaersd *net_daemon(struct net *n);
/* For sync.c: the first live link (follow ->next); NULL is fine for n. */
struct peer *net_links(struct net *n);

/* For peer.c: the link's own view of this daemon. */
const struct peer_self *net_self(struct net *n);
/* For peer.c: the handshake succeeded; returns false if the link must be
 * dropped (a duplicate, our own area), having set why. */
bool net_peer_open(struct net *n, struct peer *p, char *why, size_t whylen);
/* For peer.c: p's handles are closed; net unlinks it and forgets it. */
void net_peer_gone(struct net *n, struct peer *p);

#endif
