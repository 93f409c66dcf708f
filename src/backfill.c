/*
 * The backfill, a state machine on the client's loop (docs/track-record.md,
 * "Backfill"):
 *
 *   SEARCH  the resolved bugs of the products and components changed since
 *           the cursor's since (status=__closed__), every page; the ones
 *           never stored are stored with their fields, and every one
 *           without a stored comment is queued, in one transaction that
 *           also marks the search done;
 *   FETCH   the next CCWATCH_MAX_BATCH queued bugs not yet done: their
 *           comments, then their history, stored with the bugs marked done
 *           and the cursor's counters in one transaction;
 *   DONE    the cursor is marked finished.
 *
 * Before each request the backfill waits pause_ms on an idle-priority
 * timer, and while hold() says a poll runs; so it never delays a poll and
 * asks no more than one request a pause of the server.  A stop at any
 * point loses at most the batch in flight, which the next run fetches: a
 * bug is marked done in the same transaction that stores its thread.
 *
 * A bug the store already holds is not stored again from the search: its
 * stored last_change_time is what the poll cycle compares to notice a
 * change, and a newer one written here would hide that change from it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "backfill.h"
#include "ccwatch.h"
#include "log.h"
#include "store_record.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The steps of a backfill. */
enum backfill_state {
	BACKFILL_SEARCH,
	BACKFILL_COMMENTS,
	BACKFILL_HISTORY,
	BACKFILL_DONE
};

struct backfill {
	struct bugzilla *bz;
	struct store *st;
	struct backfill_options o;
	backfill_done_cb done;
	void *arg;
	enum backfill_state state;
	struct backfill_cursor cur;
	struct bzquery q;
	struct bug_list bugs;
	struct comment_list comments;
	struct history_list history;
	int64_t *ids; /* the batch in flight */
	size_t nids;
	size_t skipped;
	sd_event_source *timer;
	int resume; /* the timer resumes after a stored search */
	struct backfill_progress prog;
	unsigned long req0, req_saved;
	unsigned long long bytes0, bytes_saved;
	struct timespec t0;
};

static void backfill_request(struct backfill *);
static int backfill_on_timer(sd_event_source *, uint64_t, void *);

/* Seconds since the backfill started. */
static double
backfill_elapsed(const struct backfill *b)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - b->t0.tv_sec) +
	    (double)(ts.tv_nsec - b->t0.tv_nsec) / 1e9;
}

/* Bring the progress up to date (requests and bytes of this run). */
static void
backfill_measure(struct backfill *b)
{
	const struct bugzilla_stats *bs = bugzilla_stats(b->bz);

	b->prog.requests = bs->requests - b->req0;
	b->prog.bytes = bs->bytes - b->bytes0;
	b->prog.seconds = backfill_elapsed(b);
}

/* Free a backfill's state. */
static void
backfill_free(struct backfill *b)
{
	sd_event_source_unref(b->timer);
	bug_list_free(&b->bugs);
	comment_list_free(&b->comments);
	history_list_free(&b->history);
	free(b->ids);
	free(b);
}

/* End the backfill and tell its owner. */
static void
backfill_finish(struct backfill *b, int rc, const char *cause)
{
	backfill_measure(b);
	b->prog.finished = 1;
	if (b->o.progress != NULL)
		b->o.progress(&b->prog, b->o.arg);
	b->done(b->arg, rc, &b->prog, cause);
	backfill_free(b);
}

/* Fail the backfill with an allocated cause. */
static void
backfill_fail(struct backfill *b, char *cause)
{
	backfill_finish(b, -1, cause);
	free(cause);
}

/* Add this run's requests and bytes not yet counted to the cursor. */
static void
backfill_count(struct backfill *b)
{
	backfill_measure(b);
	b->cur.requests += (long long)(b->prog.requests - b->req_saved);
	b->cur.bytes += (long long)(b->prog.bytes - b->bytes_saved);
	b->req_saved = b->prog.requests;
	b->bytes_saved = b->prog.bytes;
}

/* Store the search's new bugs and queue the resolved ones without thread. */
static int
backfill_queue(struct backfill *b, char **cause)
{
	struct bug old;
	time_t last;
	size_t i;
	int found;

	if (store_begin_bulk(b->st, cause) == -1)
		return -1;
	for (i = 0; i < b->bugs.n; i++) {
		const struct bug *bug = &b->bugs.v[i];

		if (bug->resolution == NULL || *bug->resolution == '\0')
			continue;
		found = store_get_bug(b->st, bug->id, &old, cause);
		if (found == -1)
			goto fail;
		if (found)
			model_bug_free(&old);
		else if (store_put_bug(b->st, bug, cause) == -1)
			goto fail;
		if (store_last_comment_time(b->st, bug->id, &last, cause) == -1)
			goto fail;
		if (last == 0 &&
		    store_backfill_queue(b->st, bug->id, cause) == -1)
			goto fail;
	}
	b->cur.search_done = 1;
	b->cur.offset = (long long)b->bugs.n;
	backfill_count(b);
	if (store_backfill_set(b->st, &b->cur, cause) == -1 ||
	    store_commit(b->st, cause) == -1)
		goto fail;
	bug_list_free(&b->bugs);
	return 0;
fail:
	store_rollback(b->st);
	return -1;
}

/* Store a fetched batch and mark its bugs done, in one transaction. */
static int
backfill_store(struct backfill *b, char **cause)
{
	size_t i;

	if (store_begin_bulk(b->st, cause) == -1)
		return -1;
	for (i = 0; i < b->comments.n; i++)
		if (store_put_comment(b->st, &b->comments.v[i], cause) == -1)
			goto fail;
	for (i = 0; i < b->history.n; i++)
		if (store_put_history(b->st, &b->history.v[i], cause) == -1)
			goto fail;
	for (i = 0; i < b->nids; i++)
		if (store_backfill_done(b->st, b->ids[i], cause) == -1)
			goto fail;
	backfill_count(b);
	if (store_backfill_set(b->st, &b->cur, cause) == -1 ||
	    store_commit(b->st, cause) == -1)
		goto fail;
	comment_list_free(&b->comments);
	history_list_free(&b->history);
	return 0;
fail:
	store_rollback(b->st);
	return -1;
}

/* Read the queue's counts into the progress. */
static int
backfill_counts(struct backfill *b, char **cause)
{
	return store_backfill_counts(
	    b->st, &b->prog.total, &b->prog.done, cause);
}

/* Take the next batch from the queue; 0 when none is left. */
static int
backfill_next_batch(struct backfill *b, char **cause)
{
	free(b->ids);
	b->ids = NULL;
	if (store_backfill_next(
		b->st, CCWATCH_MAX_BATCH, &b->ids, &b->nids, cause) == -1)
		return -1;
	return b->nids > 0;
}

/* Mark the cursor finished. */
static int
backfill_done_cursor(struct backfill *b, char **cause)
{
	b->cur.finished_at = timeutil_now();
	backfill_count(b);
	return store_backfill_set(b->st, &b->cur, cause);
}

/* A request ended: store what it brought and choose the next step. */
static void
backfill_on_call(void *arg, int rc, const char *why)
{
	struct backfill *b = arg;
	char *cause = NULL;
	int more;

	if (rc == -1) {
		backfill_count(b);
		if (store_backfill_set(b->st, &b->cur, &cause) == -1)
			free(cause);
		backfill_finish(b, -1, why);
		return;
	}
	switch (b->state) {
	case BACKFILL_SEARCH:
		if (backfill_queue(b, &cause) == -1)
			goto fail;
		break;
	case BACKFILL_COMMENTS:
		b->state = BACKFILL_HISTORY;
		backfill_request(b);
		return;
	case BACKFILL_HISTORY:
		if (backfill_store(b, &cause) == -1)
			goto fail;
		break;
	case BACKFILL_DONE:
		break;
	}
	if (backfill_counts(b, &cause) == -1)
		goto fail;
	backfill_measure(b);
	if (b->state == BACKFILL_HISTORY && b->o.progress != NULL)
		b->o.progress(&b->prog, b->o.arg);
	more = backfill_next_batch(b, &cause);
	if (more == -1)
		goto fail;
	if (more == 0) {
		if (backfill_done_cursor(b, &cause) == -1)
			goto fail;
		backfill_finish(b, 0, NULL);
		return;
	}
	b->state = BACKFILL_COMMENTS;
	backfill_request(b);
	return;
fail:
	backfill_fail(b, cause);
}

/* Start the request of the current state now. */
static void
backfill_send(struct backfill *b)
{
	switch (b->state) {
	case BACKFILL_SEARCH:
		bugzilla_search_start(
		    b->bz, &b->q, &b->bugs, &b->skipped, backfill_on_call, b);
		break;
	case BACKFILL_COMMENTS:
		bugzilla_comments_start(b->bz, b->ids, b->nids, 0, &b->comments,
		    &b->skipped, backfill_on_call, b);
		break;
	case BACKFILL_HISTORY:
		bugzilla_history_start(b->bz, b->ids, b->nids, 0, &b->history,
		    &b->skipped, backfill_on_call, b);
		break;
	case BACKFILL_DONE:
		break;
	}
}

/* Arm the timer to fire in ms, at the loop's lowest priority. */
static void
backfill_arm(struct backfill *b, long ms)
{
	int r;

	r = sd_event_add_time_relative(http_event(bugzilla_transport(b->bz)),
	    &b->timer, CLOCK_MONOTONIC, (uint64_t)(ms > 0 ? ms : 0) * 1000,
	    1000, backfill_on_timer, b);
	if (r < 0)
		fatalx(
		    "backfill: cannot arm the pause timer: %s", strerror(-r));
	(void)sd_event_source_set_priority(b->timer, SD_EVENT_PRIORITY_IDLE);
}

/* 1 while a poll holds the backfill back. */
static int
backfill_held(const struct backfill *b)
{
	return b->o.hold != NULL && b->o.hold(b->o.arg);
}

/* The timer fired: resume a stored search, or send unless held. */
static int
backfill_on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct backfill *b = arg;

	(void)s;
	(void)usec;
	b->timer = sd_event_source_unref(b->timer);
	if (b->resume) {
		b->resume = 0;
		backfill_on_call(b, 0, NULL);
	} else if (backfill_held(b))
		backfill_arm(b, 1000);
	else
		backfill_send(b);
	return 0;
}

/* Send the current state's request after the pause. */
static void
backfill_request(struct backfill *b)
{
	if (b->o.pause_ms <= 0 && !backfill_held(b)) {
		backfill_send(b);
		return;
	}
	backfill_arm(b, backfill_held(b) ? 1000 : b->o.pause_ms);
}

/* Start or resume a backfill; see backfill.h. */
struct backfill *
backfill_start(struct bugzilla *bz, struct store *st,
    const struct backfill_options *o, backfill_done_cb done, void *arg,
    char **cause)
{
	const struct bugzilla_stats *bs = bugzilla_stats(bz);
	struct backfill *b;

	b = xcalloc(1, sizeof *b);
	b->bz = bz;
	b->st = st;
	b->o = *o;
	b->done = done;
	b->arg = arg;
	b->req0 = bs->requests;
	b->bytes0 = bs->bytes;
	clock_gettime(CLOCK_MONOTONIC, &b->t0);
	if (store_backfill_get(st, &b->cur, cause) == -1)
		goto fail;
	if (b->cur.started_at == 0 || b->cur.finished_at != 0 ||
	    b->cur.since != o->since) {
		if (store_begin(st, cause) == -1)
			goto fail;
		if (store_end(st, store_backfill_restart(st, o->since, cause),
			cause) == -1)
			goto fail;
		if (store_backfill_get(st, &b->cur, cause) == -1)
			goto fail;
	} else
		log_info("backfill: resuming (%lld requests so far)",
		    b->cur.requests);
	b->q.products = o->products;
	b->q.components = o->components;
	b->q.status = "__closed__";
	b->q.changed_since = o->since;
	b->state = BACKFILL_SEARCH;
	/* Nothing happens inside the start: the first step is a timer's. */
	b->resume = b->cur.search_done;
	backfill_arm(b, b->resume ? 0 : b->o.pause_ms);
	return b;
fail:
	backfill_free(b);
	return NULL;
}

/* Stop a backfill. */
void
backfill_cancel(struct backfill *b)
{
	if (b == NULL)
		return;
	bugzilla_cancel(b->bz);
	backfill_free(b);
}

/* What backfill_run waits for. */
struct backfill_wait {
	struct http_waiter w;
	struct backfill_progress *prog;
};

/* The end of a synchronous backfill. */
static void
backfill_run_done(
    void *arg, int rc, const struct backfill_progress *p, const char *cause)
{
	struct backfill_wait *w = arg;

	*w->prog = *p;
	http_waiter_end(&w->w, rc, rc == -1, cause);
}

/* Run a backfill to its end on the client's own loop. */
int
backfill_run(struct bugzilla *bz, struct store *st,
    const struct backfill_options *o, struct backfill_progress *prog,
    char **cause)
{
	struct backfill_wait w;
	struct backfill *b;

	memset(prog, 0, sizeof *prog);
	memset(&w, 0, sizeof w);
	w.prog = prog;
	b = backfill_start(bz, st, o, backfill_run_done, &w, cause);
	if (b == NULL)
		return -1;
	if (http_waiter_wait(bugzilla_transport(bz), &w.w, "backfill",
		"backfill failed", cause) == -1) {
		backfill_cancel(b);
		return -1;
	}
	return w.w.rc;
}
