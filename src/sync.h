/*
 * One poll cycle, by BMO's polling contract: the server clock from
 * /rest/time, an incremental search by last_change_time with overlap and no
 * status filter (so closures are seen), or a full resync of open bugs;
 * batched comments (new_since) and history of the changed bugs; everything
 * in one store transaction; the cursor moves only after the commit.
 */
#ifndef SYNC_H
#define SYNC_H

#include <time.h>

#include "bugzilla.h"
#include "model.h"
#include "store.h"

struct config;

/* The bytes a cycle may read from Bugzilla, by default. */
#define SYNC_MAX_BYTES (1024ULL * 1024 * 1024)

struct sync_options {
	const struct strlist *products;
	const struct strlist *components;
	int full;        /* force a full resync */
	long full_every; /* seconds between full resyncs; 0: 86400 */
	long max_skew;   /* seconds db_time may be off; 0: 3600 */
	unsigned long long max_bytes; /* read in a cycle; 0: SYNC_MAX_BYTES */
	/* Called as work proceeds (done of total bugs); may be NULL. */
	void (*progress)(size_t done, size_t total, void *);
	void *progress_arg;
};

struct sync_stats {
	int full;            /* the cycle was a full resync */
	size_t bugs_seen;    /* returned by the searches */
	size_t bugs_changed; /* new or changed in the store */
	size_t comments;     /* comments stored */
	size_t history;      /* history entries stored */
	size_t skipped;      /* malformed records skipped */
	size_t hidden;       /* full: stored bugs the key no longer sees */
	size_t moved;        /* full: moved out of the watched components */
	size_t reread;       /* changed without a comment: read again whole */
	unsigned long requests;
	unsigned long long bytes;
	double seconds;
	long long skew; /* db_time minus our clock when it arrived */
};

/*
 * Fill *o from a configuration: [bugzilla] products and components
 * (borrowed); full, full_every and progress are left zero.
 */
void sync_options_from_config(struct sync_options *o, const struct config *);

/*
 * Run one cycle to its end on the client's own loop (the CLI, tests).
 * Returns 0, or -1 with *cause when the cycle failed; then nothing was
 * stored, the cursor is unchanged and the failure is recorded in the
 * cursor's last_error.
 */
int sync_run(struct bugzilla *, struct store *, const struct sync_options *,
    struct sync_stats *, char **cause);

/* A cycle running on the loop of the client's transport. */
struct sync_cycle;

/*
 * The end of a cycle: rc 0 (stored, the cursor moved) or -1 with cause
 * (nothing stored, the failure recorded in the cursor).  stats and cause
 * are borrowed for the call; the cycle is gone when it returns.
 */
typedef void (*sync_done_cb)(
    void *arg, int rc, const struct sync_stats *, const char *cause);

/*
 * Start a cycle; the options' lists are borrowed until done is called.
 * NULL with *cause when the store cannot be read.
 */
struct sync_cycle *sync_start(struct bugzilla *, struct store *,
    const struct sync_options *, sync_done_cb done, void *arg, char **cause);
/*
 * Abort a cycle: its transfer is cancelled, nothing is stored, the cursor
 * stays, done is never called.  Accepts NULL.
 */
void sync_cancel(struct sync_cycle *);

#endif
