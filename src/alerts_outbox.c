/*
 * Delivery: the outbox rows whose time has come go out through their
 * channel's notifier, oldest first, and are marked after the receiver
 * accepted them.  A crash between the two sends the row again after the
 * restart with the same delivery id (the Message-ID of a mail, the
 * X-Ccwatch-Delivery of a webhook), which a receiver can drop.
 *
 * A failed send is retried after base * 2^(attempts - 1) seconds (capped,
 * and never sooner than the receiver's Retry-After); once a channel fails
 * in a run its other rows wait for the next run, so a dead server is not
 * hammered.  A permanent failure, or a row still undelivered max_age after
 * it was first due, becomes a dead letter: kept, counted, logged loudly.
 *
 * A run is bounded (docs/internals/loop.md): the outbox is read in pages of
 * ALERTS_PAGE rows, at most NOTIFY_CONCURRENCY sends a channel are in
 * flight, a channel gets at most ALERTS_SENDS_PER_CHANNEL sends and a run
 * ALERTS_SENDS_PER_RUN, a channel with max_per_second starts at most so
 * many a second, and no send starts after the time budget.  Sends
 * complete on the loop; each result is marked by its own statement, so a
 * run drained at a stop (alerts_deliver_drain) starts nothing more and
 * marks the sends in flight as they end; one cancelled leaves the rows in
 * flight pending, to be sent again (with the same delivery id) after the
 * restart.
 *
 * Each send is claimed first (outbox.claimed_at, cleared with its mark), so
 * after a restart a row that may have gone out is told from one that was
 * never sent, and its second send is logged; a store that cannot take the
 * claim sends nothing.
 *
 * A full disk must not turn a sent delivery into one sent twice: the mark
 * spends the store's reserve (store_reserve.c) when the disk is full, no
 * send starts while the reserve is spent, and only when even the reserve
 * could not take a mark is it kept in memory (al->unmarked) and stored
 * before anything else is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts_int.h"
#include "http.h"
#include "log.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Outbox rows read at a time. */
#define ALERTS_PAGE 64
/* Sends a channel gets in one run. */
#define ALERTS_SENDS_PER_CHANNEL 100
/* Sends of one run, over every channel. */
#define ALERTS_SENDS_PER_RUN 500

/* One row to send. */
struct alerts_row {
	struct store_outbox_row o; /* as the outbox holds it */
	int state;                 /* ALERTS_ROW_WAITING, _SENDING, _DONE */
	struct notify_send *send;
	struct alerts_delivery *run;
};

enum { ALERTS_ROW_WAITING, ALERTS_ROW_SENDING, ALERTS_ROW_DONE };

/*
 * Read the next page of rows due at now, oldest first, after the row
 * (after_next, after_id) of the previous page.
 */
static int
alerts_due_rows(struct store *st, time_t now, int64_t after_next,
    int64_t after_id, struct alerts_row **rows, size_t *n, char **cause)
{
	struct store_outbox_row *sr;
	size_t i;

	*rows = NULL;
	*n = 0;
	if (store_outbox_due(st, now, after_next, after_id, ALERTS_PAGE, &sr, n,
		cause) == -1)
		return -1;
	*rows = xcalloc(*n + 1, sizeof **rows);
	for (i = 0; i < *n; i++)
		(*rows)[i].o = sr[i];
	free(sr); /* the strings moved to the rows */
	return 0;
}

/* Free the rows. */
static void
alerts_rows_free(struct alerts_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_outbox_row_clear(&rows[i].o);
	free(rows);
}

static void alerts_on_sent(
    void *, int, const struct notify_failure *, const char *);

/*
 * Start sending one row through n: 1 started (alerts_on_sent follows), or
 * 0 delivered / -1 failed at once with *fail and *cause.
 */
static int
alerts_start_row(struct notifier *n, struct http *h, struct alerts_row *row,
    struct notify_failure *fail, char **cause)
{
	struct alert_digest d;
	struct alert a, *items;
	json_t *o, *list;
	size_t i;
	int rc;

	o = json_loads(row->o.payload, 0, NULL);
	if (o == NULL) {
		fail->retryable = 0;
		xasprintf(cause, "unreadable payload");
		return -1;
	}
	if (!row->o.digest) {
		alerts_payload_alert(o, &a);
		a.id = row->o.delivery_id;
		rc = notify_start(n, h, &a, NULL, alerts_on_sent, row,
		    &row->send, fail, cause);
		json_decref(o);
		return rc;
	}
	list = json_object_get(o, "items");
	items = xcalloc(json_array_size(list) + 1, sizeof *items);
	for (i = 0; i < json_array_size(list); i++)
		alerts_payload_alert(json_array_get(list, i), &items[i]);
	memset(&d, 0, sizeof d);
	d.id = row->o.delivery_id;
	d.recipient = json_string_value(json_object_get(o, "recipient"));
	d.items = items;
	d.n = json_array_size(list);
	d.when = json_integer_value(json_object_get(o, "when"));
	d.more = (size_t)json_integer_value(json_object_get(o, "more"));
	d.more_url = json_string_value(json_object_get(o, "link"));
	rc = notify_start(
	    n, h, NULL, &d, alerts_on_sent, row, &row->send, fail, cause);
	free(items);
	json_decref(o);
	return rc;
}

/* The delay before retry number attempts (1 after the first failure). */
static long long
alerts_backoff(const struct config_alerts *cfg, int attempts, long retry_after)
{
	long long d = cfg->backoff_base;
	int i;

	for (i = 1; i < attempts && d < cfg->backoff_max; i++)
		d *= 2;
	if (d > cfg->backoff_max)
		d = cfg->backoff_max;
	if (retry_after > d)
		d = retry_after;
	return d > 0 ? d : 1;
}

/*
 * Mark a row sent (or logged, in a dry run).  When the store cannot take
 * the mark (a full disk), the row is remembered so that the next run marks
 * it before it sends anything: it is never sent twice for that.
 */
static int
alerts_mark_sent(struct alerts *al, struct store *st,
    const struct alerts_row *row, time_t now, const char *status, char **cause)
{
	struct alerts_unmarked *u;

	if (store_outbox_mark_sent(
		st, row->o.id, status, now, row->o.attempts + 1, cause) == 0)
		return 0;
	log_warnx("alerts: delivery %s went to channel %s but cannot be "
		  "marked: delivery pauses until the store is writable",
	    row->o.delivery_id, row->o.channel);
	al->unmarked = xreallocarray(
	    al->unmarked, al->nunmarked + 1, sizeof *al->unmarked);
	u = &al->unmarked[al->nunmarked++];
	u->id = row->o.id;
	u->status = xstrdup(status);
	u->at = now;
	u->attempts = row->o.attempts + 1;
	return -1;
}

/* Forget the rows waiting for their mark. */
void
alerts_unmarked_free(struct alerts *al)
{
	size_t i;

	for (i = 0; i < al->nunmarked; i++)
		free(al->unmarked[i].status);
	free(al->unmarked);
	al->unmarked = NULL;
	al->nunmarked = 0;
}

/*
 * Store the marks a full store refused earlier: 0 when every one is in
 * (delivery goes on), -1 with *cause while the store still refuses them
 * (the run sends nothing).
 */
static int
alerts_mark_pending(struct alerts *al, struct store *st, char **cause)
{
	struct alerts_unmarked *u;
	char *err = NULL;
	size_t i;

	for (i = 0; i < al->nunmarked; i++) {
		u = &al->unmarked[i];
		if (store_outbox_mark_sent(
			st, u->id, u->status, u->at, u->attempts, &err) == -1) {
			xasprintf(cause,
			    "alerts: delivery paused: %zu sent deliveries "
			    "cannot be marked: %s",
			    al->nunmarked, err);
			free(err);
			return -1;
		}
	}
	if (al->nunmarked > 0)
		log_info("alerts: the store is writable again: %zu sent "
			 "deliveries marked, delivery resumes",
		    al->nunmarked);
	alerts_unmarked_free(al);
	return 0;
}

/*
 * Fill the store's reserve again if it was spent: 0 when it holds its size
 * (or none is kept), -1 with *cause while the disk has no room for it (the
 * run sends nothing, so no send can outrun the room to record it).
 */
static int
alerts_reserve_ready(struct store *st, char **cause)
{
	if (store_reserve_refill(st) != STORE_RESERVE_SPENT)
		return 0;
	xasprintf(cause,
	    "delivery paused: the store's disk is full: its reserve of %lld "
	    "bytes is spent and no delivery starts until the disk has room "
	    "for it again",
	    store_reserve_size(st));
	return -1;
}

/* Record a failed attempt: retry later, or give up loudly. */
static int
alerts_mark_failed(struct alerts *al, struct store *st,
    const struct alerts_row *row, time_t now, const struct notify_failure *fail,
    const char *error, struct alerts_stats *stats, char **cause)
{
	long long delay;
	int attempts = row->o.attempts + 1;

	if (!fail->retryable || now - row->o.ready_at >= al->cfg->max_age) {
		log_warnx("alerts: DEAD LETTER: delivery %s to channel %s "
			  "given up after %d attempts over %lld s (%s): %s",
		    row->o.delivery_id, row->o.channel, attempts,
		    (long long)(now - row->o.ready_at),
		    fail->retryable ? "max_age passed" : "permanent failure",
		    error);
		stats->dead++;
		return store_outbox_mark_dead(
		    st, row->o.id, attempts, error, cause);
	}
	delay = alerts_backoff(al->cfg, attempts, fail->retry_after);
	log_warnx("alerts: delivery %s to channel %s failed (attempt %d), "
		  "retrying in %lld s: %s",
	    row->o.delivery_id, row->o.channel, attempts, delay, error);
	stats->failed++;
	return store_outbox_mark_retry(
	    st, row->o.id, attempts, now + delay, error, cause);
}

/* Log what a dry run would have sent. */
static void
alerts_log_dry(const struct alerts_row *row)
{
	json_t *o = json_loads(row->o.payload, 0, NULL);

	if (row->o.digest)
		log_info("alerts: dry run: would send %s to channel %s: %zu "
			 "items for %s",
		    row->o.delivery_id, row->o.channel,
		    json_array_size(json_object_get(o, "items")),
		    json_string_value(json_object_get(o, "recipient")));
	else
		log_info("alerts: dry run: would send %s to channel %s: bug "
			 "%lld %s %s level %lld",
		    row->o.delivery_id, row->o.channel,
		    (long long)json_integer_value(json_object_get(o, "bug_id")),
		    json_string_value(json_object_get(o, "clock")),
		    json_string_value(json_object_get(o, "state")),
		    (long long)json_integer_value(json_object_get(o, "level")));
	json_decref(o);
}

/* One channel's share of a run. */
struct alerts_lane {
	char *channel;
	int inflight;
	size_t sends;
	int down;        /* failed in this run: its rows wait for the next */
	long long rate;  /* max_per_second; 0: unpaced */
	uint64_t window; /* CLOCK_MONOTONIC usec the current second began */
	long long window_sends;
};

struct alerts_delivery {
	struct alerts *al;
	struct store *st;
	struct http *http;
	time_t now;
	struct alerts_stats *stats;
	alerts_delivery_cb done;
	void *arg;
	struct alerts_row *rows; /* the page */
	size_t nrows;
	int more; /* the page was full: read another after it */
	int64_t after_next, after_id;
	struct alerts_lane *lanes;
	size_t nlanes;
	size_t sends;
	int inflight;
	uint64_t deadline; /* CLOCK_MONOTONIC usec; 0: no budget */
	int pumping, again;
	int draining; /* a stop: no send starts any more */
	char *error;  /* a store error: the run ends with it */
	sd_event_source *kick;
	uint64_t pace_at; /* a paced row may start then; 0: none waits */
	sd_event_source *pace;
};

/* The lane of a channel, made on first use. */
static struct alerts_lane *
alerts_lane(struct alerts_delivery *run, const char *channel)
{
	const struct config_channel *ch;
	size_t i;

	for (i = 0; i < run->nlanes; i++)
		if (strcmp(run->lanes[i].channel, channel) == 0)
			return &run->lanes[i];
	run->lanes =
	    xreallocarray(run->lanes, run->nlanes + 1, sizeof *run->lanes);
	memset(&run->lanes[run->nlanes], 0, sizeof *run->lanes);
	run->lanes[run->nlanes].channel = xstrdup(channel);
	ch = alerts_channel_config(run->al->cfg, channel);
	if (ch != NULL)
		run->lanes[run->nlanes].rate = ch->max_per_second;
	return &run->lanes[run->nlanes++];
}

/* Free the page, cancelling the sends still in flight. */
static void
alerts_page_free(struct alerts_delivery *run)
{
	size_t i;

	for (i = 0; i < run->nrows; i++)
		notify_cancel(run->rows[i].send);
	alerts_rows_free(run->rows, run->nrows);
	run->rows = NULL;
	run->nrows = 0;
}

/* Free a run. */
static void
alerts_delivery_free(struct alerts_delivery *run)
{
	size_t i;

	alerts_page_free(run);
	for (i = 0; i < run->nlanes; i++)
		free(run->lanes[i].channel);
	free(run->lanes);
	free(run->error);
	sd_event_source_disable_unref(run->kick);
	sd_event_source_disable_unref(run->pace);
	free(run);
}

/* Cancel a run: the rows in flight stay pending. */
void
alerts_deliver_cancel(struct alerts_delivery *run)
{
	if (run != NULL)
		alerts_delivery_free(run);
}

/* Start no more sends; see alerts.h. */
int
alerts_deliver_drain(struct alerts_delivery *run)
{
	if (run == NULL)
		return 0;
	run->draining = 1;
	run->pace = sd_event_source_disable_unref(run->pace);
	return run->inflight;
}

/* The sends in flight; see alerts.h. */
int
alerts_deliver_inflight(const struct alerts_delivery *run)
{
	return run != NULL ? run->inflight : 0;
}

/* Record the outcome of one row; a store error ends the run. */
static void
alerts_record(struct alerts_delivery *run, struct alerts_row *row, int rc,
    const struct notify_failure *fail, const char *error)
{
	struct alerts_lane *lane = alerts_lane(run, row->o.channel);
	char *cause = NULL;
	int r;

	row->state = ALERTS_ROW_DONE;
	if (rc == 0) {
		log_info("alerts: sent %s to channel %s", row->o.delivery_id,
		    row->o.channel);
		run->stats->sent++;
		r = alerts_mark_sent(
		    run->al, run->st, row, run->now, "sent", &cause);
	} else {
		if (fail->retryable)
			lane->down = 1;
		r = alerts_mark_failed(run->al, run->st, row, run->now, fail,
		    error != NULL ? error : "failed", run->stats, &cause);
	}
	if (r == 0)
		r = store_channel_result(run->st, row->o.channel, run->now,
		    rc == 0             ? NULL
			: error != NULL ? error
					: "failed",
		    &cause);
	if (r == -1 && run->error == NULL)
		run->error = cause;
	else
		free(cause);
}

/*
 * Claim a row before its send, so that a restart can tell a row that may
 * have gone out from one never sent; a row claimed by an earlier run and
 * never marked is said to go out again, with the same delivery id.  -1
 * when the store refuses the claim: nothing is sent, the run ends.
 */
static int
alerts_claim(struct alerts_delivery *run, struct alerts_row *row)
{
	char iso[TIMEUTIL_ISO_LEN], *cause = NULL;

	if (store_outbox_claim(run->st, row->o.id, run->now, &cause) == -1) {
		if (run->error == NULL)
			run->error = cause;
		else
			free(cause);
		return -1;
	}
	if (row->o.claimed_at != 0)
		log_warnx("alerts: delivery %s to channel %s may have gone out "
			  "at %s (no outcome was recorded): sending it again "
			  "with the same delivery id",
		    row->o.delivery_id, row->o.channel,
		    timeutil_format_iso(row->o.claimed_at, iso));
	return 0;
}

/* Start one row, or record at once what needs no transfer. */
static void
alerts_launch(struct alerts_delivery *run, struct alerts_row *row,
    struct alerts_lane *lane)
{
	struct notify_failure fail;
	struct notifier *n;
	char *error = NULL, *cause = NULL;
	int rc;

	row->run = run;
	lane->sends++;
	run->sends++;
	if (run->al->cfg->dry_run) {
		row->state = ALERTS_ROW_DONE;
		alerts_log_dry(row);
		run->stats->dry_run++;
		if (alerts_mark_sent(run->al, run->st, row, run->now, "dry-run",
			&cause) == -1 &&
		    run->error == NULL)
			run->error = cause;
		else
			free(cause);
		return;
	}
	memset(&fail, 0, sizeof fail);
	n = alerts_notifier(run->al, row->o.channel);
	if (n == NULL) {
		fail.retryable = 1;
		error = alerts_channel_error(run->al, row->o.channel);
		rc = -1;
	} else if (alerts_claim(run, row) == -1) {
		row->state = ALERTS_ROW_DONE;
		return;
	} else
		rc = alerts_start_row(n, run->http, row, &fail, &error);
	if (rc == 1) {
		row->state = ALERTS_ROW_SENDING;
		lane->inflight++;
		run->inflight++;
	} else
		alerts_record(run, row, rc, &fail, error);
	free(error);
}

/* 1 while the run may start sends: within its budget and caps. */
static int
alerts_may_start(struct alerts_delivery *run)
{
	uint64_t now = 0;

	if (run->error != NULL || run->draining ||
	    run->sends >= ALERTS_SENDS_PER_RUN ||
	    store_reserve_state(run->st) == STORE_RESERVE_SPENT)
		return 0;
	if (run->deadline == 0)
		return 1;
	sd_event_now(http_event(run->http), CLOCK_MONOTONIC, &now);
	return now < run->deadline;
}

/*
 * 1 if the lane sent its max_per_second in the current second (the run's
 * pace_at is then when the next second begins); else 0, counting a send.
 */
static int
alerts_paced(struct alerts_delivery *run, struct alerts_lane *lane)
{
	uint64_t now = 0, next;

	if (lane->rate <= 0)
		return 0;
	sd_event_now(http_event(run->http), CLOCK_MONOTONIC, &now);
	if (now - lane->window >= 1000000) {
		lane->window = now;
		lane->window_sends = 0;
	}
	if (lane->window_sends < lane->rate) {
		lane->window_sends++;
		return 0;
	}
	next = lane->window + 1000000;
	if (run->pace_at == 0 || next < run->pace_at)
		run->pace_at = next;
	return 1;
}

/*
 * Start what the page allows: each waiting row whose channel is up and
 * has room, within its channel's pace.  Returns 1 while a row of the page
 * still waits for room or for its pace.
 */
static int
alerts_fill(struct alerts_delivery *run)
{
	struct alerts_row *row;
	struct alerts_lane *lane;
	size_t i;
	int waiting = 0;

	run->pace_at = 0;
	for (i = 0; i < run->nrows; i++) {
		row = &run->rows[i];
		if (row->state != ALERTS_ROW_WAITING)
			continue;
		lane = alerts_lane(run, row->o.channel);
		if (lane->down || lane->sends >= ALERTS_SENDS_PER_CHANNEL) {
			row->state = ALERTS_ROW_DONE; /* the next run */
			continue;
		}
		if (!alerts_may_start(run))
			return 0;
		if (lane->inflight >= NOTIFY_CONCURRENCY ||
		    alerts_paced(run, lane)) {
			waiting = 1;
			continue;
		}
		alerts_launch(run, row, lane);
	}
	return waiting;
}

/* Read the next page once the current one is finished. */
static int
alerts_next_page(struct alerts_delivery *run)
{
	char *cause = NULL;

	if (!run->more || !alerts_may_start(run))
		return 0;
	if (run->nrows > 0) {
		run->after_next = run->rows[run->nrows - 1].o.next_attempt;
		run->after_id = run->rows[run->nrows - 1].o.id;
	}
	alerts_page_free(run);
	if (alerts_due_rows(run->st, run->now, run->after_next, run->after_id,
		&run->rows, &run->nrows, &cause) == -1) {
		run->error = cause;
		return 0;
	}
	run->more = run->nrows == ALERTS_PAGE;
	return run->nrows > 0;
}

/* End the run and tell the owner. */
static void
alerts_delivery_end(struct alerts_delivery *run)
{
	alerts_delivery_cb done = run->done;
	void *arg = run->arg;
	char *error = run->error;
	int rc = error != NULL ? -1 : 0;

	run->error = NULL;
	alerts_delivery_free(run);
	done(arg, rc, error);
	free(error);
}

static void alerts_pump(struct alerts_delivery *);

/* The next second of a paced channel began: go on. */
static int
alerts_on_pace(sd_event_source *s, uint64_t usec, void *arg)
{
	struct alerts_delivery *run = arg;

	run->pace = sd_event_source_disable_unref(run->pace);
	alerts_pump(run);
	return 0;
}

/* Wait, with nothing in flight, for a paced channel's next second. */
static void
alerts_pace_wait(struct alerts_delivery *run)
{
	int r;

	if (run->pace != NULL)
		return;
	r = sd_event_add_time(http_event(run->http), &run->pace,
	    CLOCK_MONOTONIC, run->pace_at, 0, alerts_on_pace, run);
	if (r < 0)
		fatalx("alerts: sd-event: %s", strerror(-r));
}

/*
 * Start sends until the page, the caps or the budget stop it; read more
 * pages; end the run when nothing is in flight and nothing can start.
 * Completions that arrive while it runs only ask it to go round again.
 */
static void
alerts_pump(struct alerts_delivery *run)
{
	int waiting;

	if (run->pumping) {
		run->again = 1;
		return;
	}
	run->pumping = 1;
	do {
		run->again = 0;
		waiting = alerts_fill(run);
		if (!waiting && run->inflight == 0 && alerts_next_page(run))
			run->again = 1;
	} while (run->again);
	run->pumping = 0;
	if (run->inflight == 0 && run->pace_at != 0 && run->error == NULL &&
	    alerts_may_start(run))
		alerts_pace_wait(run);
	else if (run->inflight == 0)
		alerts_delivery_end(run);
}

/* A send ended on the loop: record it and go on. */
static void
alerts_on_sent(
    void *arg, int rc, const struct notify_failure *fail, const char *cause)
{
	struct alerts_row *row = arg;
	struct alerts_delivery *run = row->run;

	row->send = NULL;
	alerts_lane(run, row->o.channel)->inflight--;
	run->inflight--;
	alerts_record(run, row, rc, fail, cause);
	alerts_pump(run);
}

/* The first turn of a run. */
static int
alerts_on_kick(sd_event_source *s, void *arg)
{
	struct alerts_delivery *run = arg;

	run->kick = sd_event_source_disable_unref(run->kick);
	run->more = 1;
	if (alerts_mark_pending(run->al, run->st, &run->error) == -1 ||
	    alerts_reserve_ready(run->st, &run->error) == -1)
		run->more = 0;
	alerts_pump(run);
	return 0;
}

/* Start a run on the transport's loop; see alerts.h. */
struct alerts_delivery *
alerts_deliver_start(struct alerts *al, struct store *st, struct http *h,
    time_t now, long budget_ms, struct alerts_stats *stats,
    alerts_delivery_cb done, void *arg)
{
	struct alerts_delivery *run;
	uint64_t mono = 0;
	int r;

	run = xcalloc(1, sizeof *run);
	run->al = al;
	run->st = st;
	run->http = h;
	run->now = now;
	run->stats = stats;
	run->done = done;
	run->arg = arg;
	run->after_next = INT64_MIN;
	if (budget_ms > 0 &&
	    sd_event_now(http_event(h), CLOCK_MONOTONIC, &mono) >= 0)
		run->deadline = mono + (uint64_t)budget_ms * 1000;
	r = sd_event_add_defer(http_event(h), &run->kick, alerts_on_kick, run);
	if (r < 0)
		fatalx("alerts: sd-event: %s", strerror(-r));
	return run;
}

/* The end of a synchronous run. */
static void
alerts_wait_done(void *arg, int rc, const char *cause)
{
	http_waiter_end(arg, rc, rc == -1, cause);
}

/* Send what is due, on a loop of its own; see alerts.h. */
int
alerts_deliver(struct alerts *al, struct store *st, time_t now,
    struct alerts_stats *stats, char **cause)
{
	struct http_options o;
	struct http_waiter w = {0, 0, 0, NULL};
	struct alerts_delivery *run;
	struct http *h;

	memset(&o, 0, sizeof o);
	h = http_new(&o, cause);
	if (h == NULL)
		return -1;
	run = alerts_deliver_start(
	    al, st, h, now, 0, stats, alerts_wait_done, &w);
	if (http_waiter_wait(h, &w, "alerts", NULL, cause) == -1) {
		alerts_deliver_cancel(run);
		w.rc = -1;
	}
	http_free(h);
	return w.rc;
}

/* Evaluate, then deliver whatever is due even if the evaluation failed. */
int
alerts_run_cycle(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    struct alerts_stats *stats, char **cause)
{
	char *dcause = NULL;
	int rc;

	rc = alerts_evaluate(al, st, people, opts, now, stats, cause);
	if (alerts_deliver(al, st, now, stats, &dcause) == -1) {
		if (rc == -1) {
			log_warnx("%s", dcause);
			free(dcause);
		} else
			*cause = dcause;
		return -1;
	}
	return rc;
}
