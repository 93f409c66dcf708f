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
 *
 * The cycle is a state machine on the client's loop (docs/internals/
 * loop.md): each call's completion starts the next one, and only the
 * store step writes, inside one callback, so a cancelled cycle leaves
 * nothing half done.
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

/* A bug and its place in fetch order, for a stable sort by id. */
struct sync_ranked {
	int64_t id;
	size_t at;
};

/* Order by id, then by fetch order. */
static int
sync_cmp_ranked(const void *a, const void *b)
{
	const struct sync_ranked *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->at > y->at) - (x->at < y->at);
}

/*
 * Sort by id and drop repeated ids, keeping the last one fetched.  qsort
 * is not stable, so the fetch order breaks ties: O(n log n) whatever order
 * the server sends.
 */
static void
sync_dedupe(struct bug_list *bugs)
{
	struct sync_ranked *r;
	struct bug *v;
	size_t i, o = 0;

	if (bugs->n < 2)
		return;
	r = xcalloc(bugs->n, sizeof *r);
	for (i = 0; i < bugs->n; i++) {
		r[i].id = bugs->v[i].id;
		r[i].at = i;
	}
	qsort(r, bugs->n, sizeof *r, sync_cmp_ranked);
	v = xcalloc(bugs->n, sizeof *v);
	for (i = 0; i < bugs->n; i++)
		v[i] = bugs->v[r[i].at];
	memcpy(bugs->v, v, bugs->n * sizeof *v);
	free(v);
	free(r);
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

/* What a cycle fetches for one bug it got from a search. */
enum sync_need {
	SYNC_NOTHING, /* stored and unchanged */
	SYNC_FIELDS,  /* store its fields only */
	SYNC_NEW,     /* every comment and history entry */
	SYNC_CHANGED, /* what is newer than the cursor */
	SYNC_QUIET    /* the same, then all if nothing new explains it */
};

/*
 * 1 if a stored bug may have changed without a new comment: its
 * comment_count did not grow while it or last_change_time moved.  A
 * comment that turned private or was deleted changes the bug this way.
 * Such a bug's new comments and history are fetched as usual; if neither
 * brings anything, only a whole read of its comments shows what changed,
 * and the cycle makes it (rare: most changes leave a comment or history).
 */
static int
sync_changed_quietly(const struct bug *old, const struct bug *b)
{
	if (old->comment_count < 0 || b->comment_count < 0)
		return 0;
	if (b->comment_count > old->comment_count)
		return 0;
	return b->comment_count != old->comment_count ||
	    b->last_change_time != old->last_change_time;
}

/*
 * Decide what a fetched bug needs.  A bug never stored needs its whole
 * thread, unless it is already resolved: resolved bugs run no clocks, so
 * one that closed before ccwatch first saw it keeps only its fields (if it
 * reopens, its thread is fetched then, since it has no stored comments).
 * A stored bug that was gone (hidden or moved) and is back, or that changed
 * without a new comment, needs its whole thread again.
 * A stored bug needs what changed when its last_change_time moved, or when
 * it changed so close to the last cursor that a change in the same second
 * could have been missed (one-second precision).
 */
static int
sync_bug_need(struct store *st, const struct bug *b, time_t cursor, int full,
    enum sync_need *need, char **cause)
{
	struct bug old;
	char *gone = NULL;
	time_t last;
	int found, back;

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
	back = store_get_bug_gone(st, b->id, &gone, cause);
	free(gone);
	if (back == -1 ||
	    store_last_comment_time(st, b->id, &last, cause) == -1) {
		model_bug_free(&old);
		return -1;
	}
	if (full || last == 0 || back)
		*need = SYNC_NEW;
	else if (sync_changed_quietly(&old, b))
		*need = SYNC_QUIET;
	else if (old.last_change_time != b->last_change_time ||
	    b->last_change_time >= cursor - 1)
		*need = SYNC_CHANGED;
	else
		*need = SYNC_NOTHING;
	model_bug_free(&old);
	return 0;
}

/* What a cycle fetched, for the store step. */
struct sync_fetched {
	const struct bug_list *bugs;
	const struct bug_list *moved; /* out of the watched components */
	const int64_t *hidden;        /* no longer visible to the key */
	size_t nhidden;
	const int64_t *whole; /* bugs whose whole thread was read */
	size_t nwhole;
	const struct comment_list *comments;
	const struct history_list *history;
};

/*
 * Store the bugs that left the tracked set: a moved bug with its new
 * product and component, and why; a hidden one keeps what was stored.
 */
static int
sync_store_gone(struct store *st, const struct sync_fetched *f, char **cause)
{
	const struct bug *b;
	char *why;
	size_t i;
	int rc;

	for (i = 0; i < f->moved->n; i++) {
		b = &f->moved->v[i];
		xasprintf(&why, "moved to %s :: %s",
		    b->product != NULL ? b->product : "",
		    b->component != NULL ? b->component : "");
		rc = store_put_bug(st, b, cause);
		if (rc == 0)
			rc = store_set_bug_gone(st, b->id, why, cause);
		free(why);
		if (rc == -1)
			return -1;
	}
	for (i = 0; i < f->nhidden; i++)
		if (store_set_bug_gone(st, f->hidden[i], "hidden", cause) == -1)
			return -1;
	return 0;
}

/*
 * The comments in id order (fetch order among repeats): stored so, each row
 * lands at the end of the table's B-tree and its pages fill up, where the
 * order of the answers (by bug) would split half-full pages.
 */
static struct sync_ranked *
sync_comment_order(const struct comment_list *comments)
{
	struct sync_ranked *r;
	size_t i;

	r = xcalloc(comments->n + 1, sizeof *r);
	for (i = 0; i < comments->n; i++) {
		r[i].id = comments->v[i].id;
		r[i].at = i;
	}
	qsort(r, comments->n, sizeof *r, sync_cmp_ranked);
	return r;
}

/*
 * Write everything fetched, and the new cursor.  A bug whose whole thread
 * was read has its stored comments marked vanished first; those read again
 * lose the mark as they are stored.
 */
static int
sync_store_writes(struct store *st, const struct sync_fetched *f,
    const struct store_cursor *cur, char **cause)
{
	const struct bug_list *bugs = f->bugs;
	const struct comment_list *comments = f->comments;
	const struct history_list *history = f->history;
	struct sync_ranked *order;
	size_t i;

	for (i = 0; i < bugs->n; i++)
		if (store_put_bug(st, &bugs->v[i], cause) == -1)
			return -1;
	if (sync_store_gone(st, f, cause) == -1)
		return -1;
	for (i = 0; i < f->nwhole; i++)
		if (store_vanish_comments(st, f->whole[i], cause) == -1)
			return -1;
	order = sync_comment_order(comments);
	for (i = 0; i < comments->n; i++)
		if (store_put_comment(st, &comments->v[order[i].at], cause) ==
		    -1) {
			free(order);
			return -1;
		}
	free(order);
	for (i = 0; i < history->n; i++)
		if (store_put_history(st, &history->v[i], cause) == -1)
			return -1;
	return store_set_cursor(st, cur, cause);
}

/* Write everything fetched, and the new cursor, in one transaction. */
static int
sync_store(struct store *st, const struct sync_fetched *f,
    const struct store_cursor *cur, char **cause)
{
	if (store_begin_bulk(st, cause) == -1)
		return -1;
	return store_end(st, sync_store_writes(st, f, cur, cause), cause);
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

/* The steps of a cycle, in order. */
enum sync_state {
	SYNC_TIME,    /* GET /rest/time */
	SYNC_SEARCH,  /* the incremental or open-bug search */
	SYNC_GONE,    /* full: stored open bugs the search missed, by id */
	SYNC_DETAILS, /* comments, then history, a batch at a time */
	SYNC_REREAD,  /* the whole comments of bugs that changed quietly */
	SYNC_STORE
};

struct sync_cycle {
	struct bugzilla *bz;
	struct store *st;
	struct sync_options o;
	struct sync_stats stats;
	sync_done_cb done;
	void *arg;
	enum sync_state state;
	struct store_cursor cur;
	time_t db_time;
	time_t since;
	struct bzquery q;
	struct bug_list bugs;
	struct bug_list byid;  /* full: the stored bugs read by id */
	struct bug_list moved; /* full: out of the watched components */
	int64_t *hidden;       /* full: stored bugs the key no longer sees */
	size_t nhidden;
	struct comment_list comments;
	struct history_list history;
	int64_t *gone; /* full resync: ids to fetch without a filter */
	size_t ngone;
	int64_t *fresh, *known;
	size_t nfresh, nknown;
	int64_t *quiet; /* known bugs that may have changed without a comment */
	size_t nquiet;
	int64_t *whole; /* fresh, and the quiet ones read again entirely */
	size_t nwhole;
	size_t reread;    /* of whole, the next to fetch again */
	size_t done_bugs; /* details fetched, for the progress */
	size_t slice;     /* of fresh then known, CCWATCH_MAX_BATCH each */
	int history_next; /* the slice's comments are in */
	unsigned long req0;
	unsigned long long bytes0;
	double t0;
};

static void sync_advance(struct sync_cycle *);

/* Report progress over the bugs whose details are being fetched. */
static void
sync_progress(struct sync_cycle *c)
{
	if (c->o.progress != NULL)
		c->o.progress(
		    c->done_bugs, c->nfresh + c->nknown, c->o.progress_arg);
}

/* Free a cycle's state. */
static void
sync_cycle_free(struct sync_cycle *c)
{
	free(c->gone);
	free(c->hidden);
	bug_list_free(&c->byid);
	bug_list_free(&c->moved);
	free(c->fresh);
	free(c->known);
	free(c->quiet);
	free(c->whole);
	bug_list_free(&c->bugs);
	comment_list_free(&c->comments);
	history_list_free(&c->history);
	store_cursor_free(&c->cur);
	free(c);
}

/* End the cycle and tell the owner. */
static void
sync_finish(struct sync_cycle *c, int rc, const char *cause)
{
	const struct bugzilla_stats *bs = bugzilla_stats(c->bz);

	if (rc == -1)
		sync_record_failure(c->st, &c->cur, cause);
	c->stats.requests = bs->requests - c->req0;
	c->stats.bytes = bs->bytes - c->bytes0;
	c->stats.seconds = sync_monotonic() - c->t0;
	c->done(c->arg, rc, &c->stats, cause);
	sync_cycle_free(c);
}

/*
 * Past this many seconds between Bugzilla's clock and ours, the skew is
 * logged: beyond the cursor (in Bugzilla's time alone), deadlines counted
 * from its timestamps shift by the skew against this host's clock.
 */
#define SYNC_SKEW_WARN 120

/* The skew last warned about (db_time - our clock), 0 when none. */
static long sync_skew_warned;

/*
 * Warn once when Bugzilla's clock and ours drift apart (and again when
 * the skew changes by more than SYNC_SKEW_WARN), and once when they agree
 * again.
 */
static void
sync_note_skew(time_t db_time)
{
	char iso[TIMEUTIL_ISO_LEN];
	long skew = (long)(db_time - timeutil_now());
	long mag = skew < 0 ? -skew : skew;

	if (mag <= SYNC_SKEW_WARN) {
		if (sync_skew_warned != 0)
			log_info("sync: Bugzilla's clock and ours agree again "
				 "(%ld s apart)",
			    skew);
		sync_skew_warned = 0;
		return;
	}
	if (sync_skew_warned != 0 &&
	    labs(skew - sync_skew_warned) <= SYNC_SKEW_WARN)
		return;
	sync_skew_warned = skew;
	log_warnx("sync: Bugzilla's clock (db_time %s) is %ld s %s ours: "
		  "deadlines counted from its timestamps fall %ld s %s by "
		  "this host's clock; check both clocks (NTP)",
	    timeutil_format_iso(db_time, iso), mag,
	    skew < 0 ? "behind" : "ahead of", mag, skew < 0 ? "early" : "late");
}

/*
 * Check what a call brought: the cycle's bytes within its budget, and
 * db_time believable.  A db_time more than max_skew ahead of our clock (a
 * cursor in the year 9999 would blind every later cycle), or more than
 * max_skew behind the stored cursor (a clock gone backwards), fails the
 * cycle and leaves the cursor.  0, or -1 with *cause.
 */
static int
sync_check_call(struct sync_cycle *c, char **cause)
{
	const struct bugzilla_stats *bs = bugzilla_stats(c->bz);
	unsigned long long budget;
	long skew = c->o.max_skew > 0 ? c->o.max_skew : 3600;
	char iso[TIMEUTIL_ISO_LEN];

	budget = c->o.max_bytes > 0 ? c->o.max_bytes : SYNC_MAX_BYTES;
	if (bs->bytes - c->bytes0 > budget) {
		xasprintf(cause,
		    "sync: the cycle read more than %llu bytes: refused",
		    budget);
		return -1;
	}
	if (c->state != SYNC_TIME)
		return 0;
	if (c->db_time > timeutil_now() + skew ||
	    (c->cur.db_time != 0 && c->db_time < c->cur.db_time - skew)) {
		xasprintf(cause,
		    "sync: Bugzilla's db_time %s is more than %ld s off "
		    "(our clock, the last cursor): refused",
		    timeutil_format_iso(c->db_time, iso), skew);
		return -1;
	}
	c->stats.skew = (long long)(c->db_time - timeutil_now());
	sync_note_skew(c->db_time);
	return 0;
}

/* A call of the cycle ended: go on, or fail the cycle. */
static void
sync_on_call(void *arg, int rc, const char *cause)
{
	struct sync_cycle *c = arg;
	char *why = NULL;

	if (rc == -1) {
		sync_finish(c, -1, cause);
		return;
	}
	if (sync_check_call(c, &why) == -1) {
		log_warnx("%s", why);
		sync_finish(c, -1, why);
		free(why);
		return;
	}
	sync_advance(c);
}

/* The full resync's stored open bugs that the open search did not return. */
static int
sync_find_gone(struct sync_cycle *c, size_t *ngone, char **cause)
{
	int64_t *ids = NULL;
	size_t nids = 0, i, j;

	*ngone = 0;
	sync_dedupe(&c->bugs);
	if (store_list_ids(c->st, 1, &ids, &nids, cause) == -1)
		return -1;
	c->gone = nids > 0 ? xcalloc(nids, sizeof *c->gone) : NULL;
	for (i = 0, j = 0; i < nids; i++) {
		while (j < c->bugs.n && c->bugs.v[j].id < ids[i])
			j++;
		if (j == c->bugs.n || c->bugs.v[j].id != ids[i])
			c->gone[(*ngone)++] = ids[i];
	}
	free(ids);
	return 0;
}

/* 1 if a bug is in one of the watched products and components. */
static int
sync_tracked(const struct sync_options *o, const struct bug *b)
{
	if (o->products != NULL && o->products->n > 0 &&
	    (b->product == NULL || !strlist_contains(o->products, b->product)))
		return 0;
	if (o->components != NULL && o->components->n > 0 &&
	    (b->component == NULL ||
		!strlist_contains(o->components, b->component)))
		return 0;
	return 1;
}

/*
 * Drop what the search brought from outside the watched products and
 * components: a server that ignores a filter must not make ccwatch track
 * (and alert on) bugs it was never asked about.  Counted as skipped.
 */
static void
sync_drop_foreign(struct sync_cycle *c)
{
	struct bug *b;
	char pe[128], ce[128];
	size_t i, n = 0, dropped = 0;

	for (i = 0; i < c->bugs.n; i++) {
		b = &c->bugs.v[i];
		if (sync_tracked(&c->o, b)) {
			c->bugs.v[n++] = *b;
			continue;
		}
		if (dropped++ == 0)
			log_warnx("sync: the search returned bug %lld of %s :: "
				  "%s, outside the watched products and "
				  "components: ignored",
			    (long long)b->id,
			    log_escape(pe, sizeof pe,
				b->product != NULL ? b->product : ""),
			    log_escape(ce, sizeof ce,
				b->component != NULL ? b->component : ""));
		model_bug_free(b);
	}
	c->bugs.n = n;
	if (dropped > 1)
		log_warnx("sync: %zu bugs of the search were outside the "
			  "watched products and components: ignored",
		    dropped);
	c->stats.skipped += dropped;
}

/*
 * Sort the stored bugs read by id: still watched (closed, say) join the
 * fetched bugs, moved ones leave the tracked set, and those missing from
 * the answer are no longer visible to the key.
 */
static void
sync_sort_gone(struct sync_cycle *c)
{
	const int64_t *gone = c->gone;
	char pe[128], ce[128];
	size_t i, j, ngone = gone != NULL ? c->ngone : 0;

	sync_dedupe(&c->byid);
	if (ngone > 0)
		c->hidden = xcalloc(ngone, sizeof *c->hidden);
	for (i = 0, j = 0; gone != NULL && i < ngone; i++) {
		while (j < c->byid.n && c->byid.v[j].id < gone[i])
			j++;
		if (j == c->byid.n || c->byid.v[j].id != gone[i]) {
			log_info("sync: bug %lld is no longer visible; hidden",
			    (long long)gone[i]);
			c->hidden[c->nhidden++] = gone[i];
		}
	}
	for (i = 0; i < c->byid.n; i++) {
		if (sync_tracked(&c->o, &c->byid.v[i])) {
			*bug_list_add(&c->bugs) = c->byid.v[i];
			continue;
		}
		log_info("sync: bug %lld moved to %s :: %s",
		    (long long)c->byid.v[i].id,
		    log_escape(pe, sizeof pe,
			c->byid.v[i].product != NULL ? c->byid.v[i].product
						     : ""),
		    log_escape(ce, sizeof ce,
			c->byid.v[i].component != NULL ? c->byid.v[i].component
						       : ""));
		*bug_list_add(&c->moved) = c->byid.v[i];
	}
	free(c->byid.v);
	memset(&c->byid, 0, sizeof c->byid);
}

/* Sort the fetched bugs into those that need their thread and the rest. */
static int
sync_sort_needs(struct sync_cycle *c, char **cause)
{
	enum sync_need need;
	size_t i;

	sync_dedupe(&c->bugs);
	c->stats.bugs_seen = c->bugs.n;
	if (c->bugs.n > 0) {
		c->fresh = xcalloc(c->bugs.n, sizeof *c->fresh);
		c->known = xcalloc(c->bugs.n, sizeof *c->known);
		c->quiet = xcalloc(c->bugs.n, sizeof *c->quiet);
	}
	for (i = 0; i < c->bugs.n; i++) {
		if (sync_bug_need(c->st, &c->bugs.v[i], c->cur.db_time,
			c->stats.full, &need, cause) == -1)
			return -1;
		if (need == SYNC_NEW)
			c->fresh[c->nfresh++] = c->bugs.v[i].id;
		else if (need == SYNC_CHANGED || need == SYNC_QUIET) {
			if (need == SYNC_QUIET)
				c->quiet[c->nquiet++] = c->bugs.v[i].id;
			c->known[c->nknown++] = c->bugs.v[i].id;
		} else if (need == SYNC_FIELDS)
			c->stats.bugs_changed++;
	}
	c->stats.bugs_changed += c->nfresh + c->nknown;
	sync_progress(c);
	return 0;
}

/*
 * Fetch the next half of a batch: the comments of the next slice, then
 * its history.  Fresh bugs first (everything), then known ones (new_since
 * the overlap).  Returns 0 when every slice is done.
 */
static int
sync_next_details(struct sync_cycle *c)
{
	size_t total = c->nfresh + c->nknown, k, off;
	const int64_t *ids;
	time_t since;

	if (c->slice >= total)
		return 0;
	if (c->slice < c->nfresh) {
		ids = c->fresh + c->slice;
		k = c->nfresh - c->slice;
		since = 0;
	} else {
		off = c->slice - c->nfresh;
		ids = c->known + off;
		k = c->nknown - off;
		since = c->since;
	}
	if (k > CCWATCH_MAX_BATCH)
		k = CCWATCH_MAX_BATCH;
	if (!c->history_next) {
		c->history_next = 1;
		bugzilla_comments_start(c->bz, ids, k, since, &c->comments,
		    &c->stats.skipped, sync_on_call, c);
		return 1;
	}
	c->history_next = 0;
	c->slice += k;
	c->done_bugs += k;
	bugzilla_history_start(c->bz, ids, k, since, &c->history,
	    &c->stats.skipped, sync_on_call, c);
	return 1;
}

/* Order ids, for bsearch. */
static int
sync_cmp_id(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/*
 * The bugs whose whole thread is read: the fresh ones, and the quiet ones
 * that got no new comment or history entry (added from c->reread on).
 */
static void
sync_find_quiet(struct sync_cycle *c)
{
	int64_t *seen;
	size_t nseen = 0, i;

	c->whole = xcalloc(c->nfresh + c->nquiet + 1, sizeof *c->whole);
	if (c->nfresh > 0)
		memcpy(c->whole, c->fresh, c->nfresh * sizeof *c->whole);
	c->nwhole = c->nfresh;
	c->reread = c->nwhole;
	if (c->nquiet == 0)
		return;
	seen = xcalloc(c->comments.n + c->history.n + 1, sizeof *seen);
	for (i = 0; i < c->comments.n; i++)
		seen[nseen++] = c->comments.v[i].bug_id;
	for (i = 0; i < c->history.n; i++)
		seen[nseen++] = c->history.v[i].bug_id;
	qsort(seen, nseen, sizeof *seen, sync_cmp_id);
	for (i = 0; i < c->nquiet; i++)
		if (bsearch(&c->quiet[i], seen, nseen, sizeof *seen,
			sync_cmp_id) == NULL)
			c->whole[c->nwhole++] = c->quiet[i];
	free(seen);
	c->stats.reread = c->nwhole - c->reread;
}

/* Fetch the next batch of whole comment lists; 0 when none is left. */
static int
sync_next_reread(struct sync_cycle *c)
{
	size_t k;

	if (c->reread >= c->nwhole)
		return 0;
	k = c->nwhole - c->reread;
	if (k > CCWATCH_MAX_BATCH)
		k = CCWATCH_MAX_BATCH;
	c->reread += k;
	bugzilla_comments_start(c->bz, c->whole + c->reread - k, k, 0,
	    &c->comments, &c->stats.skipped, sync_on_call, c);
	return 1;
}

/* Store what was fetched and move the cursor, in one transaction. */
static void
sync_commit(struct sync_cycle *c)
{
	struct store_cursor next;
	struct sync_fetched f;
	char *cause = NULL;

	next = c->cur;
	next.db_time = c->db_time;
	next.last_sync = timeutil_now();
	next.last_attempt = next.last_sync;
	next.last_error = NULL;
	if (c->stats.full)
		next.last_full = next.last_sync;
	memset(&f, 0, sizeof f);
	f.bugs = &c->bugs;
	f.moved = &c->moved;
	f.hidden = c->hidden;
	f.nhidden = c->nhidden;
	f.whole = c->whole;
	f.nwhole = c->nwhole;
	f.comments = &c->comments;
	f.history = &c->history;
	if (sync_store(c->st, &f, &next, &cause) == -1) {
		sync_finish(c, -1, cause);
		free(cause);
		return;
	}
	c->stats.hidden = c->nhidden;
	c->stats.moved = c->moved.n;
	c->stats.comments = c->comments.n;
	c->stats.history = c->history.n;
	sync_finish(c, 0, NULL);
}

/* Leave the step that just ended for the next one. */
static void
sync_advance(struct sync_cycle *c)
{
	char *cause = NULL;
	size_t ngone;

	switch (c->state) {
	case SYNC_TIME:
		c->state = SYNC_SEARCH;
		if (c->stats.full)
			c->q.status = "__open__";
		else
			c->q.changed_since = c->since;
		bugzilla_search_start(
		    c->bz, &c->q, &c->bugs, &c->stats.skipped, sync_on_call, c);
		return;
	case SYNC_SEARCH:
		c->state = SYNC_GONE;
		sync_drop_foreign(c);
		if (c->stats.full) {
			if (sync_find_gone(c, &ngone, &cause) == -1)
				goto fail;
			if (ngone > 0) {
				/*
				 * By id and without the product and
				 * component filter, so a moved bug is
				 * seen moved.
				 */
				c->q.status = NULL;
				c->q.products = NULL;
				c->q.components = NULL;
				c->q.ids = c->gone;
				c->q.nids = ngone;
				c->ngone = ngone;
				bugzilla_search_start(c->bz, &c->q, &c->byid,
				    &c->stats.skipped, sync_on_call, c);
				return;
			}
		}
		/* FALLTHROUGH */
	case SYNC_GONE:
		c->state = SYNC_DETAILS;
		sync_sort_gone(c);
		if (sync_sort_needs(c, &cause) == -1)
			goto fail;
		/* FALLTHROUGH */
	case SYNC_DETAILS:
		if (c->done_bugs > 0 && !c->history_next)
			sync_progress(c);
		if (sync_next_details(c))
			return;
		c->state = SYNC_REREAD;
		sync_find_quiet(c);
		/* FALLTHROUGH */
	case SYNC_REREAD:
		if (sync_next_reread(c))
			return;
		c->state = SYNC_STORE;
		/* FALLTHROUGH */
	case SYNC_STORE:
		sync_commit(c);
		return;
	}
	return;
fail:
	sync_finish(c, -1, cause);
	free(cause);
}

/* Start one cycle; see sync.h. */
struct sync_cycle *
sync_start(struct bugzilla *bz, struct store *st, const struct sync_options *o,
    sync_done_cb done, void *arg, char **cause)
{
	const struct bugzilla_stats *bs = bugzilla_stats(bz);
	struct sync_cycle *c;
	time_t full_every;

	c = xcalloc(1, sizeof *c);
	c->bz = bz;
	c->st = st;
	c->o = *o;
	c->done = done;
	c->arg = arg;
	c->req0 = bs->requests;
	c->bytes0 = bs->bytes;
	c->t0 = sync_monotonic();
	if (store_get_cursor(st, &c->cur, cause) == -1) {
		sync_cycle_free(c);
		return NULL;
	}
	/*
	 * A full resync re-reads every thread from the start (new_since 0),
	 * which also picks up what no last_change_time announces.
	 */
	full_every = o->full_every != 0 ? o->full_every : 86400;
	c->stats.full = o->full || c->cur.db_time == 0 ||
	    timeutil_now() - c->cur.last_full >= full_every;
	c->since = c->cur.db_time != 0 ? c->cur.db_time - CCWATCH_OVERLAP : 0;
	c->q.products = o->products;
	c->q.components = o->components;
	c->state = SYNC_TIME;
	bugzilla_time_start(bz, &c->db_time, sync_on_call, c);
	return c;
}

/* Abort a cycle: nothing is stored, the cursor stays. */
void
sync_cancel(struct sync_cycle *c)
{
	if (c == NULL)
		return;
	bugzilla_cancel(c->bz);
	sync_cycle_free(c);
}

/* What sync_run waits for. */
struct sync_wait {
	struct http_waiter w;
	struct sync_stats *stats;
};

/* The end of a synchronous cycle. */
static void
sync_run_done(
    void *arg, int rc, const struct sync_stats *stats, const char *cause)
{
	struct sync_wait *w = arg;

	*w->stats = *stats;
	http_waiter_end(&w->w, rc, rc == -1, cause);
}

/* Run one cycle to its end on the client's own loop; see sync.h. */
int
sync_run(struct bugzilla *bz, struct store *st, const struct sync_options *o,
    struct sync_stats *stats, char **cause)
{
	struct sync_wait w;
	struct sync_cycle *c;

	memset(stats, 0, sizeof *stats);
	memset(&w, 0, sizeof w);
	w.stats = stats;
	c = sync_start(bz, st, o, sync_run_done, &w, cause);
	if (c == NULL)
		return -1;
	if (http_waiter_wait(bugzilla_transport(bz), &w.w, "sync",
		"sync failed", cause) == -1) {
		sync_cancel(c);
		return -1;
	}
	return w.w.rc;
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
	o->max_skew = (long)c->max_clock_skew;
}
