/*
 * One link to another daemon over TCP (PROTOCOL.md §9, §10): the Noise
 * XXpsk3 handshake with HELLO in messages 2 and 3, then encrypted frames
 * carrying PING, PONG, ERROR and GOODBYE; RECONCILE, RECORDS and WANT go
 * to sync.c, newer types are ignored. A link has two handles (the socket and a 1-second tick for its
 * deadlines), both embedded here; it is freed in the close callback of the
 * last one, after net_peer_gone() has seen it. Nothing a peer sends can do
 * more than close its own link.
 */
#ifndef TVAERS_DAEMON_PEER_H
#define TVAERS_DAEMON_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "invite.h"
#include "noise.h"
#include "sign.h"
#include "wire.h"

#define PEER_HANDSHAKE_MS 10000	/* the handshake must end within this */
#define PEER_PING_MS 30000	/* PING after this long without one */
#define PEER_IDLE_MS 90000	/* close after this long without a frame */
#define PEER_WQUEUE_MAX (4u << 20) /* bytes queued before the link is cut */

struct net;
struct net_target;
struct sync_link;

/* What a link says about this daemon; owned by net, borrowed by links. */
struct peer_self {
	struct tv_noise_keypair s;	/* secret: the area's Noise key pair */
	uint8_t fed_key[TV_NOISE_KEY_LEN]; /* secret: the psk */
	uint8_t area[TV_PK_LEN];
	uint16_t listen_port;		/* 0: not listening */
	uv_loop_t *loop;
};

enum peer_state {
	PEER_CONNECTING,	/* outbound TCP connect under way */
	PEER_HANDSHAKE,		/* Noise messages being exchanged */
	PEER_OPEN,		/* transport frames */
	PEER_CLOSING,		/* GOODBYE flushing, handles closing */
};

struct peer {
	uv_tcp_t tcp;
	uv_timer_t tick;
	uv_connect_t connect;
	uv_shutdown_t shutdown;
	struct net *net;
	struct net_target *target;	/* the known peer dialled; NULL: inbound */
	struct peer *next;		/* in net's list */
	enum peer_state state;
	bool is_initiator;
	bool is_confirmed;	/* the handshake is known to have worked */
	bool has_area;
	bool is_paused;		/* reading stopped by peer_pause_reading */
	int handles;		/* open handles; freed at 0 */
	int hs_sent;		/* handshake messages we sent */
	char addr[TV_INVITE_ADDR_MAX + 1];	/* "ip:port" for logs */
	uint8_t area[TV_PK_LEN];		/* the remote area, if has_area */
	char name[TV_WIRE_NAME_MAX + 1];	/* its HELLO name, unescaped */
	char error[160];	/* why it closed; "" for a clean close */
	uint64_t started_ms, last_rx_ms, last_ping_ms, closing_ms;
	uint64_t bytes_in, bytes_out, frames_in, frames_out, errors;
	/* Sync (sync.h): records stored as newer, received but not newer,
	 * refused, and sent. */
	uint64_t records_in, records_dup, records_bad, records_out;
	struct sync_link *sync;	/* NULL until the link is open */
	struct tv_noise_hs hs;
	struct tv_noise_cipher tx, rx;
	uint8_t rbuf[16384];
	struct tv_frame_reader rd;
};

/*
 * Dials sa (addr is its text, for logs) for target t. Returns 0 with the
 * new link in *out (owned by net's list), or a libuv error; no callback
 * runs on failure.
 */
int peer_dial(struct net *n, struct net_target *t, const struct sockaddr *sa,
    const char *addr, struct peer **out);
/* Accepts one connection from server. Returns 0 or a libuv error. */
int peer_accept(struct net *n, uv_stream_t *server, struct peer **out);
/*
 * Starts closing the link; why is NULL for a clean close (GOODBYE is sent
 * if the link is open) or the reason kept in p->error. Idempotent.
 */
void peer_close(struct peer *p, const char *why);
/* Starts closing without GOODBYE nor waiting (shutdown of the daemon). */
void peer_abort(struct peer *p);
/*
 * For sync.c: encrypts and sends one peer message (plaintext msg, len
 * bytes). Returns 0 or TV_EINVAL (closing), TV_ETOOBIG (write queue full
 * or too long), TV_ENOMEM or a libuv error.
 */
int peer_send(struct peer *p, const uint8_t *msg, size_t len);
/* Bytes waiting in the link's write queue. */
size_t peer_queued(const struct peer *p);
/*
 * Stops (pause) or restarts reading from the link, for backpressure; the
 * idle timeout does not run while paused. Does nothing on a closing link.
 */
void peer_pause_reading(struct peer *p, bool pause);
/* Counts an error and closes the link with why. */
void peer_fail(struct peer *p, const char *why);
/* True if the link is open and confirmed (sync may run on it). */
bool peer_is_linked(const struct peer *p);
/* Returns the state's name as `tvaers peers` shows it. */
const char *peer_state_name(const struct peer *p);

#endif
