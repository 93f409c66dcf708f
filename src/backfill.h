/*
 * The backfill: the threads and histories of the component's resolved bugs
 * that the store lacks (a bug resolved before ccwatch first saw it is
 * stored without them), fetched at the request floor: the search pages of
 * the resolved bugs, then comments and history in batches of
 * CCWATCH_MAX_BATCH.  It keeps a cursor of its own in the store
 * (store_record.h), so an interrupted backfill goes on where it stopped,
 * and pauses between its requests.  Like the poll cycle it is a state
 * machine on the client's loop, so the daemon runs it in the background.
 */
#ifndef BACKFILL_H
#define BACKFILL_H

#include <time.h>

#include "bugzilla.h"
#include "model.h"
#include "store.h"

/* Where a backfill stands, for a progress bar or a log line. */
struct backfill_progress {
	long long done;           /* bugs fetched, over every run */
	long long total;          /* bugs queued, over every run */
	unsigned long requests;   /* this run */
	unsigned long long bytes; /* this run */
	double seconds;           /* this run */
	int finished;             /* the last call */
};

struct backfill_options {
	const struct strlist *products;
	const struct strlist *components;
	time_t since;  /* resolved bugs changed since; 0: every one */
	long pause_ms; /* between two requests */
	/* After each batch (and at the end); may be NULL. */
	void (*progress)(const struct backfill_progress *, void *);
	/* 1 while the backfill must not start a request (a poll runs). */
	int (*hold)(void *);
	void *arg; /* of progress and hold */
};

struct backfill;

/* The end of a backfill: rc 0, or -1 with cause (borrowed). */
typedef void (*backfill_done_cb)(
    void *arg, int rc, const struct backfill_progress *, const char *cause);

/*
 * Start (or resume) a backfill on the client's loop.  A backfill of
 * another since, or one that finished, starts over with a new search; one
 * that stopped half way searches again and fetches only the bugs not yet
 * done.  Returns NULL with *cause when the store cannot be read.
 */
struct backfill *backfill_start(struct bugzilla *, struct store *,
    const struct backfill_options *, backfill_done_cb, void *arg, char **cause);
/* Stop a backfill: what its finished batches stored stays. */
void backfill_cancel(struct backfill *);
/* Run a backfill to its end on the client's own loop (the CLI, tests). */
int backfill_run(struct bugzilla *, struct store *,
    const struct backfill_options *, struct backfill_progress *, char **cause);

#endif
