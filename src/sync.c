/*
 * One poll cycle.
 *
 * The cursor is the server's db_time taken at the start of the last cycle
 * that was stored completely.  An incremental cycle asks for every bug with
 * last_change_time >= cursor - CCWATCH_OVERLAP, whatever its status, so a
 * bug that closed is seen, and a change that a lagging read replica hid
 * from the previous search is seen now.  Comments and history of the bugs
 * that changed are fetched with new_since at the same point: everything
 * older was fetched by the cycle that first saw the bug change.  All writes
 * go in one transaction, and the cursor moves in it, so a cycle that fails
 * halfway leaves the store exactly as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "sync.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Seconds of a monotonic clock, for the cycle's duration. */
static double
sync_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Order bugs by id, for de-duplication. */
static int
sync_cmp_bug(const void *a, const void *b)
{
	const struct bug *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Sort by id and drop repeated ids, keeping the last one fetched. */
static void
sync_dedupe(struct bug_list *bugs)
{
	size_t i, o = 0;

	/* A stable sort keeps fetch order among equal ids. */
	for (i = 1; i < bugs->n; i++) {
		struct bug t = bugs->v[i];
		size_t j = i;

		while (j > 0 && sync_cmp_bug(&bugs->v[j - 1], &t) > 0) {
			bugs->v[j] = bugs->v[j - 1];
			j--;
		}
		bugs->v[j] = t;
	}
	for (i = 0; i < bugs->n; i++) {
		if (o > 0 && bugs->v[o - 1].id == bugs->v[i].id) {
			model_bug_free(&bugs->v[o - 1]);
			bugs->v[o - 1] = bugs->v[i];
			continue;
		}
		bugs->v[o++] = bugs->v[i];
	}
	bugs->n = o;
}

/*
 * Full resync: every open bug, and the stored open bugs that the open
 * search no longer returns (they closed, or vanished) fetched by id.
 */
static int
sync_fetch_full(struct bugzilla *bz, struct store *st,
    const struct bugzilla_query *base, struct bug_list *bugs,
    struct sync_stats *stats, char **cause)
{
	struct bugzilla_query q = *base;
	int64_t *ids = NULL, *gone;
	size_t nids = 0, ngone = 0, i, j;
	int rc = -1;

	q.status = "__open__";
	if (bugzilla_search(bz, &q, bugs, &stats->skipped, cause) == -1)
		return -1;
	sync_dedupe(bugs);
	if (store_list_ids(st, 1, &ids, &nids, cause) == -1)
		return -1;
	gone = nids > 0 ? xcalloc(nids, sizeof *gone) : NULL;
	for (i = 0, j = 0; i < nids; i++) {
		while (j < bugs->n && bugs->v[j].id < ids[i])
			j++;
		if (j == bugs->n || bugs->v[j].id != ids[i])
			gone[ngone++] = ids[i];
	}
	if (ngone > 0) {
		q.status = NULL;
		q.ids = gone;
		q.nids = ngone;
		if (bugzilla_search(bz, &q, bugs, &stats->skipped, cause) == -1)
			goto out;
	}
	rc = 0;
out:
	free(gone);
	free(ids);
	return rc;
}

/* What a cycle fetches for one bug it got from a search. */
enum sync_need {
	SYNC_NOTHING, /* stored and unchanged */
	SYNC_FIELDS,  /* store its fields only */
	SYNC_NEW,     /* every comment and history entry */
	SYNC_CHANGED  /* what is newer than the cursor */
};

/*
 * Decide what a fetched bug needs.  A bug never stored needs its whole
 * thread, unless it is already resolved: resolved bugs run no clocks, so
 * one that closed before ccwatch first saw it keeps only its fields (if it
 * reopens, its thread is fetched then, since it has no stored comments).
 * A stored bug needs what changed when its last_change_time moved, or when
 * it changed so close to the last cursor that a change in the same second
 * could have been missed (one-second precision).
 */
static int
sync_bug_need(struct store *st, const struct bug *b, time_t cursor, int full,
    enum sync_need *need, char **cause)
{
	struct bug old;
	time_t last;
	int found;

	memset(&old, 0, sizeof old);
	found = store_get_bug(st, b->id, &old, cause);
	if (found == -1)
		return -1;
	if (!found) {
		*need = b->resolution != NULL && *b->resolution != '\0' && !full
		    ? SYNC_FIELDS
		    : SYNC_NEW;
		return 0;
	}
	if (store_last_comment_time(st, b->id, &last, cause) == -1) {
		model_bug_free(&old);
		return -1;
	}
	if (full || last == 0)
		*need = SYNC_NEW;
	else if (old.last_change_time != b->last_change_time ||
	    b->last_change_time >= cursor - 1)
		*need = SYNC_CHANGED;
	else
		*need = SYNC_NOTHING;
	model_bug_free(&old);
	return 0;
}

/* Report progress over the bugs whose details are being fetched. */
static void
sync_progress(const struct sync_options *o, size_t done, size_t total)
{
	if (o->progress != NULL)
		o->progress(done, total, o->progress_arg);
}

/*
 * Fetch comments and history for ids with one new_since, in slices so that
 * progress can be shown.
 */
static int
sync_fetch_details(struct bugzilla *bz, const struct sync_options *o,
    const int64_t *ids, size_t n, time_t since, size_t *done, size_t total,
    struct comment_list *comments, struct history_list *history,
    struct sync_stats *stats, char **cause)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < CCWATCH_MAX_BATCH ? n - i : CCWATCH_MAX_BATCH;
		if (bugzilla_comments(bz, ids + i, k, since, comments,
			&stats->skipped, cause) == -1)
			return -1;
		if (bugzilla_history(bz, ids + i, k, since, history,
			&stats->skipped, cause) == -1)
			return -1;
		*done += k;
		sync_progress(o, *done, total);
	}
	return 0;
}

/* Write everything fetched, and the new cursor, in one transaction. */
static int
sync_store(struct store *st, const struct bug_list *bugs,
    const struct comment_list *comments, const struct history_list *history,
    const struct store_cursor *cur, char **cause)
{
	size_t i;

	if (store_begin(st, cause) == -1)
		return -1;
	for (i = 0; i < bugs->n; i++)
		if (store_put_bug(st, &bugs->v[i], cause) == -1)
			goto fail;
	for (i = 0; i < comments->n; i++)
		if (store_put_comment(st, &comments->v[i], cause) == -1)
			goto fail;
	for (i = 0; i < history->n; i++)
		if (store_put_history(st, &history->v[i], cause) == -1)
			goto fail;
	if (store_set_cursor(st, cur, cause) == -1)
		goto fail;
	if (store_commit(st, cause) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* Record a failed cycle in the cursor without moving it. */
static void
sync_record_failure(struct store *st, struct store_cursor *cur, const char *why)
{
	char *err = NULL;

	free(cur->last_error);
	cur->last_error = xstrdup(why);
	cur->last_attempt = timeutil_now();
	if (store_set_cursor(st, cur, &err) == -1) {
		log_warnx("sync: cannot record the failure: %s", err);
		free(err);
	}
}

/* Fetch and store one cycle; see sync.h. */
int
sync_run(struct bugzilla *bz, struct store *st, const struct sync_options *o,
    struct sync_stats *stats, char **cause)
{
	struct bugzilla_query q;
	struct store_cursor cur, next;
	struct bug_list bugs;
	struct comment_list comments;
	struct history_list history;
	const struct bugzilla_stats *bs = bugzilla_stats(bz);
	unsigned long req0 = bs->requests;
	unsigned long long bytes0 = bs->bytes;
	int64_t *fresh = NULL, *known = NULL;
	size_t nfresh = 0, nknown = 0, i, done = 0;
	time_t db_time, since, full_every;
	double t0 = sync_monotonic();
	enum sync_need need;
	int rc = -1;

	/*
	 * A full resync re-reads every thread from the start (new_since 0),
	 * which also picks up what no last_change_time announces.
	 */

	memset(stats, 0, sizeof *stats);
	memset(&bugs, 0, sizeof bugs);
	memset(&comments, 0, sizeof comments);
	memset(&history, 0, sizeof history);
	memset(&cur, 0, sizeof cur);
	if (store_get_cursor(st, &cur, cause) == -1)
		return -1;
	full_every = o->full_every != 0 ? o->full_every : 86400;
	stats->full = o->full || cur.db_time == 0 ||
	    timeutil_now() - cur.last_full >= full_every;
	since = cur.db_time != 0 ? cur.db_time - CCWATCH_OVERLAP : 0;

	if (bugzilla_time(bz, &db_time, cause) == -1)
		goto fail;
	memset(&q, 0, sizeof q);
	q.products = o->products;
	q.components = o->components;
	if (stats->full) {
		if (sync_fetch_full(bz, st, &q, &bugs, stats, cause) == -1)
			goto fail;
	} else {
		q.changed_since = since;
		if (bugzilla_search(bz, &q, &bugs, &stats->skipped, cause) ==
		    -1)
			goto fail;
	}
	sync_dedupe(&bugs);
	stats->bugs_seen = bugs.n;

	if (bugs.n > 0) {
		fresh = xcalloc(bugs.n, sizeof *fresh);
		known = xcalloc(bugs.n, sizeof *known);
	}
	for (i = 0; i < bugs.n; i++) {
		if (sync_bug_need(st, &bugs.v[i], cur.db_time, stats->full,
			&need, cause) == -1)
			goto fail;
		if (need == SYNC_NEW)
			fresh[nfresh++] = bugs.v[i].id;
		else if (need == SYNC_CHANGED)
			known[nknown++] = bugs.v[i].id;
		else if (need == SYNC_FIELDS)
			stats->bugs_changed++;
	}
	stats->bugs_changed += nfresh + nknown;
	sync_progress(o, 0, nfresh + nknown);
	if (sync_fetch_details(bz, o, fresh, nfresh, 0, &done, nfresh + nknown,
		&comments, &history, stats, cause) == -1)
		goto fail;
	if (sync_fetch_details(bz, o, known, nknown, since, &done,
		nfresh + nknown, &comments, &history, stats, cause) == -1)
		goto fail;

	next = cur;
	next.db_time = db_time;
	next.last_sync = timeutil_now();
	next.last_attempt = next.last_sync;
	next.last_error = NULL;
	if (stats->full)
		next.last_full = next.last_sync;
	if (sync_store(st, &bugs, &comments, &history, &next, cause) == -1)
		goto fail;
	stats->comments = comments.n;
	stats->history = history.n;
	rc = 0;
	goto out;
fail:
	sync_record_failure(st, &cur, *cause);
out:
	stats->requests = bs->requests - req0;
	stats->bytes = bs->bytes - bytes0;
	stats->seconds = sync_monotonic() - t0;
	free(fresh);
	free(known);
	bug_list_free(&bugs);
	comment_list_free(&comments);
	history_list_free(&history);
	store_cursor_free(&cur);
	return rc;
}

/*
 * The cycle's options from [bugzilla] products and components (borrowed);
 * the rest is zero, for the caller to set.
 */
void
sync_options_from_config(struct sync_options *o, const struct config *c)
{
	memset(o, 0, sizeof *o);
	o->products = &c->products;
	o->components = &c->components;
}
