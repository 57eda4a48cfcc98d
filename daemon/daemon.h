/*
 * The running daemon's state, shared by the modules that main.c wires
 * together. One instance lives in main(); nothing else is global.
 */
#ifndef TVAERS_DAEMON_DAEMON_H
#define TVAERS_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <uv.h>

#include "area.h"
#include "conf.h"
#include "store.h"

struct control;
struct expire;
struct net;

/* What sync has done since the daemon started (PROTOCOL.md §12). */
struct sync_totals {
	int64_t last_reconciled;	/* unix seconds a session ended; 0: never */
	uint64_t received;		/* records stored as newer */
	uint64_t sent;			/* records sent */
};

struct intake;
struct tv_neg;
struct tv_neg_vec;

/*
 * The snapshot a responder answers RECONCILE from, one for every link: it
 * depends on the store, not on the peer (sync.c).
 */
struct sync_answer {
	struct tv_neg_vec *vec;
	struct tv_neg *neg;
	uint64_t gen;		/* store_generation it was taken at */
	uint64_t used_ms;	/* when it last answered */
};

/* Received records checked and waiting to be stored in one transaction. */
struct sync_ready {
	struct intake *head, *tail;
	size_t records;		/* records in the waiting intakes */
	unsigned checking;	/* intakes of every link still on the pool */
	bool bulk;		/* the store has its large cache (sync.c) */
	uint64_t last_ms;	/* when records last arrived */
};

struct tvaersd {
	uv_loop_t *loop;
	struct conf conf;
	char *conf_path;	/* the file read at start and on SIGHUP, or NULL */
	struct store *store;
	struct area area;
	struct control *control;
	struct net *net;
	struct sync_totals sync;
	struct sync_ready ready;
	struct sync_answer answer;
	struct expire *expire;	/* the hourly sweep of expired events */
	time_t started;
	bool log_level_fixed;	/* -l or -v given: SIGHUP keeps the level */
};

#endif
