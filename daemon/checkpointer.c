/*
 * The checkpoint thread (checkpointer.h).
 */
#include "checkpointer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"

struct checkpointer {
	sqlite3 *db;		/* used by the thread only */
	pthread_t thread;
	pthread_mutex_t mu;	/* guards the fields below */
	pthread_cond_t cv;
	bool wanted;		/* a poke came since the last checkpoint began */
	bool running;		/* a checkpoint is running now */
	bool held;		/* checkpointer_hold: start none */
	bool stopping;
	uint64_t runs;
};

/* The thread: a PASSIVE checkpoint per poke, none while held. */
static void *
run(void *arg)
{
	struct checkpointer *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while ((!c->wanted || c->held) && !c->stopping)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stopping)
			break;
		c->wanted = false;
		c->running = true;
		pthread_mutex_unlock(&c->mu);
		/*
		 * PASSIVE takes no lock a writer needs and never waits. What it
		 * could not copy (a reader still uses those frames) comes with
		 * the next poke; the store pokes after every commit while the
		 * WAL is over its limit.
		 */
		(void)sqlite3_wal_checkpoint_v2(c->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->mu);
		c->running = false;
		c->runs++;
		pthread_cond_broadcast(&c->cv);	/* a holder may wait */
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* sqlite3_exec callback: keeps the journal mode PRAGMA returned. */
static int
copy_mode(void *arg, int n, char **values, char **names)
{
	(void)names;
	if (n == 1 && values[0] != NULL)
		snprintf(arg, 8, "%s", values[0]);
	return 0;
}

int
checkpointer_open(const char *path, struct checkpointer **out,
    char *errbuf, size_t errlen)
{
	struct checkpointer *c;
	char mode[8] = "";
	sigset_t all, old;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return TV_ENOMEM;
	}
	/*
	 * A connection finds the WAL only once it has read the database; till
	 * then a checkpoint does nothing and says so by no error at all.
	 */
	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "PRAGMA journal_mode", copy_mode, mode,
		    NULL);
	if (rc != SQLITE_OK || strcmp(mode, "wal") != 0) {
		snprintf(errbuf, errlen, "%s: checkpoint connection: %s", path,
		    rc != SQLITE_OK ? (c->db ? sqlite3_errmsg(c->db) :
		    "cannot open") : "not in WAL mode");
		sqlite3_close(c->db);
		free(c);
		return -EIO;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* Signals are the event loop's business, not this thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, run, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(errbuf, errlen, "cannot start the checkpoint thread: "
		    "%s", strerror(rc));
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		sqlite3_close(c->db);
		free(c);
		return -EIO;
	}
	*out = c;
	return 0;
}

void
checkpointer_poke(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->wanted = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

void
checkpointer_hold(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->held = true;
	while (c->running)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

void
checkpointer_release(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->held = false;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

void
checkpointer_close(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stopping = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close(c->db);
	free(c);
}

uint64_t
checkpointer_runs(struct checkpointer *c)
{
	uint64_t runs;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->mu);
	runs = c->runs;
	pthread_mutex_unlock(&c->mu);
	return runs;
}
