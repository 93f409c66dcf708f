/*
 * The cycle's steps (docs/internals/loop.md):
 *
 *   IDLE -> SYNC -> EVALUATE -> DELIVER -> FEED -> IDLE
 *
 * The sync and the delivery run on the loop and end in a callback; the
 * evaluation and the feed are short work on the store.  Each step starts
 * from a deferred event source, so the loop turns, signals are read and
 * the watchdog is pinged between any two steps.  A failed sync still goes
 * on: deadlines pass whether or not Bugzilla answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "daemon_int.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

static void daemon_step(struct daemon *, enum daemon_state);

/* The sync's options: [bugzilla], [daemon] full_every, a first resync. */
static void
daemon_sync_options(struct daemon *d, struct sync_options *so)
{
	sync_options_from_config(so, d->conf);
	so->full = d->first;
	so->full_every = (long)d->conf->full_every;
}

/* The real sync step's completion. */
static void
daemon_on_sync(
    void *arg, int rc, const struct sync_stats *stats, const char *cause)
{
	daemon_synced(arg, rc, stats, cause);
}

/* The real sync step: a sync cycle on the daemon's transport. */
static void *
daemon_sync_start(struct daemon *d, char **cause)
{
	struct sync_options so;

	daemon_sync_options(d, &so);
	return sync_start(d->bz, d->store, &so, daemon_on_sync, d, cause);
}

/* Cancel the real sync step. */
static void
daemon_sync_cancel(struct daemon *d, void *cycle)
{
	sync_cancel(cycle);
}

/* The default seam: the real sync. */
const struct daemon_seam daemon_real_seam = {
    daemon_sync_start,
    daemon_sync_cancel,
};

/* Start a cycle: the sync step. */
void
daemon_cycle_start(struct daemon *d)
{
	char *cause = NULL;

	if (d->state != DAEMON_IDLE || d->stopping)
		return;
	d->state = DAEMON_SYNC;
	d->sync = d->seam.sync_start(d, &cause);
	if (d->sync == NULL) {
		daemon_synced(d, -1, NULL, cause);
		free(cause);
	}
}

/* Hold every request to Bugzilla for the Retry-After bz last heard. */
void
daemon_hold(struct daemon *d, const struct bugzilla *bz)
{
	long wait = bz != NULL ? bugzilla_retry_after(bz) : 0;
	uint64_t now, until;

	if (wait <= 0 || sd_event_now(d->event, CLOCK_MONOTONIC, &now) < 0)
		return;
	if (wait > (long)d->conf->backoff_max)
		wait = (long)d->conf->backoff_max;
	until = now + (uint64_t)wait * 1000000ULL;
	if (until <= d->not_before)
		return;
	d->not_before = until;
	log_info(
	    "bugzilla asked to wait (Retry-After): no request for %ld s", wait);
}

/* The sync step ended: log it and go on to the evaluation. */
void
daemon_synced(
    struct daemon *d, int rc, const struct sync_stats *stats, const char *cause)
{
	d->sync = NULL;
	if (rc == -1) {
		daemon_hold(d, d->bz);
		d->failures++;
		d->counters.cycles_failed++;
		log_event(LOG_WARNING,
		    &(struct log_fields){.message_id = LOG_MSG_SYNC_FAILED,
			.event = "sync-failed"},
		    "sync: %s", cause != NULL ? cause : "failed");
		daemon_outage_note(&d->outage, 0, timeutil_now());
	} else {
		d->failures = 0;
		d->first = 0;
		d->counters.cycles_ok++;
		if (d->counters.requests < 0)
			d->counters.requests = 0;
		d->counters.requests += (long long)stats->requests;
		d->counters.have_skew = 1;
		d->counters.clock_skew = stats->skew;
		if (stats->bugs_changed > 0)
			d->track_stale = 1;
		log_event(LOG_INFO,
		    &(struct log_fields){
			.message_id = LOG_MSG_SYNC_OK, .event = "sync-ok"},
		    "sync: %s: %zu bugs seen, %zu changed, %zu comments, %zu "
		    "history entries, %zu skipped, %lu requests, %.2f s",
		    stats->full ? "full" : "incremental", stats->bugs_seen,
		    stats->bugs_changed, stats->comments, stats->history,
		    stats->skipped, stats->requests, stats->seconds);
		daemon_outage_note(&d->outage, 1, timeutil_now());
	}
	daemon_step(d, DAEMON_EVALUATE);
}

/* 1 when someone reads the evaluation: alerts, STATUS=, files, httpd. */
static int
daemon_wants_feed(const struct daemon *d)
{
	return d->conf->feed_directory != NULL || d->httpd != NULL;
}

/* 1 when alerts are configured at all. */
static int
daemon_wants_alerts(const struct daemon *d)
{
	return d->conf->alerts.nroutes > 0 || d->conf->alerts.nchannels > 0;
}

/*
 * Load the track record again when bugs or the configuration changed or it
 * is an hour old; quiet cycles share the last one.  A failed load keeps it.
 */
static void
daemon_track(struct daemon *d, const struct feed_options *o, time_t now)
{
	struct feed_track *t;
	char *cause = NULL;

	if (d->track != NULL && !d->track_stale && now >= d->track_at &&
	    now - d->track_at < DAEMON_TRACK_EVERY)
		return;
	if (feed_track_load(d->store, &d->conf->people, &d->conf->policy, o,
		now, 0, &t, &cause) == -1) {
		log_warnx("track record: %s", cause);
		free(cause);
		return;
	}
	feed_track_free(d->track);
	d->track = t;
	d->track_at = now;
	d->track_stale = 0;
}

/*
 * Make this cycle's feed snapshot from the report (taken over) and hand
 * it to the HTTP server.
 */
static void
daemon_snapshot(struct daemon *d, struct report *r)
{
	struct feed_options o;
	struct feed f;
	char *cause = NULL;

	feed_snap_unref(d->snap);
	d->snap = NULL;
	feed_options_from_config(&o, d->conf);
	if (feed_from_report(d->store, &d->conf->people, &d->conf->policy, &o,
		r, &f, &cause) == -1) {
		log_warnx("feed: %s", cause);
		free(cause);
		return;
	}
	daemon_track(d, &o, f.report.as_of);
	f.track = feed_track_ref(d->track);
	d->snap = feed_snap_new(&f);
	httpd_set_snapshot(d->httpd, d->snap);
}

/*
 * The evaluation: every stored bug (or every open one when no feed is
 * read) evaluated once, at one moment.  The alerts, STATUS= and the feed
 * all read this one report.
 */
static void
daemon_evaluate(struct daemon *d)
{
	struct report_filter all = {.bug_id = 0, .state = -1, .all = 1};
	struct report r;
	char *cause = NULL;
	int feed = daemon_wants_feed(d), alerts = daemon_wants_alerts(d);

	d->evaluated = 0;
	memset(&d->astats, 0, sizeof d->astats);
	if (!feed && !alerts && getenv("NOTIFY_SOCKET") == NULL)
		return; /* nobody reads it */
	if (!feed)
		all.bug_id = REPORT_OPEN_BUGS;
	if (report_load(d->store, &d->conf->people, &d->conf->policy,
		timeutil_now(), &all, &r, &cause) == -1) {
		log_warnx("evaluate: %s", cause);
		free(cause);
		return;
	}
	d->counts.evaluations++;
	d->counters.evaluations = (long long)d->counts.evaluations;
	d->open_bugs = r.open_bugs;
	d->overdue = r.overdue;
	d->due_soon = r.due_soon;
	d->evaluated = 1;
	if (alerts &&
	    alerts_evaluate_report(d->alerts, d->store, &d->conf->people,
		&d->conf->policy, &r, &d->astats, &cause) == -1) {
		log_warnx("alerts: %s", cause);
		free(cause);
	}
	if (feed)
		daemon_snapshot(d, &r);
	report_free(&r);
}

/* Log what the alerts did in this cycle, if anything. */
static void
daemon_log_alerts(const struct alerts_stats *as)
{
	if (as->transitions + as->repeats + as->digests + as->sent +
		as->failed + as->dead + as->dry_run ==
	    0)
		return;
	log_info("alerts: %zu clocks, %zu transitions, %zu repeats, "
		 "%zu digests, %zu summaries, %zu queued; %zu sent, %zu "
		 "logged (dry run), %zu failed, %zu dead",
	    as->clocks, as->transitions, as->repeats, as->digests,
	    as->summaries, as->queued, as->sent, as->dry_run, as->failed,
	    as->dead);
}

/* The delivery step ended. */
static void
daemon_on_delivered(void *arg, int rc, const char *cause)
{
	struct daemon *d = arg;

	d->delivery = NULL;
	if (rc == -1)
		log_warnx("alerts: %s", cause);
	daemon_log_alerts(&d->astats);
	daemon_step(d, DAEMON_FEED);
}

/*
 * The time budget of a delivery run: half the poll interval, at least 10
 * seconds and at most 5 minutes, so that delivery never holds off the
 * next poll for long.
 */
static long
daemon_delivery_budget_ms(const struct daemon *d)
{
	long long s = d->conf->poll_interval / 2;

	if (s < 10)
		s = 10;
	if (s > 300)
		s = 300;
	return (long)s * 1000;
}

/* The delivery step: a bounded run over the outbox. */
static void
daemon_deliver(struct daemon *d)
{
	if (!daemon_wants_alerts(d)) {
		daemon_step(d, DAEMON_FEED);
		return;
	}
	d->delivery = alerts_deliver_start(d->alerts, d->store, d->http,
	    timeutil_now(), daemon_delivery_budget_ms(d), &d->astats,
	    daemon_on_delivered, d);
}

/* Write the four files of the feed from the snapshot, once. */
static void
daemon_write_feed(struct daemon *d)
{
	const struct feed *f;
	char *cause = NULL, *ics, *path;

	/* Files of an older evaluation would only be written again. */
	if (d->conf->feed_directory == NULL || d->snap == NULL || !d->evaluated)
		return;
	f = feed_snap_feed(d->snap);
	if (feed_write_dir(f, &d->counters, d->conf->feed_directory, &cause) ==
		0 &&
	    d->conf->feed_ics_ca != NULL) {
		/* The written calendar is the configured CA's only. */
		ics = feed_to_ics(f, d->conf->feed_ics_ca);
		xasprintf(&path, "%s/deadlines.ics", d->conf->feed_directory);
		feed_write_file(
		    path, ics, strlen(ics), f->private_data, &cause);
		free(path);
		free(ics);
	}
	if (cause != NULL) {
		log_warnx("feed: %s", cause);
		free(cause);
	} else
		log_debug("feed: %zu bugs written to %s", f->report.nbugs,
		    d->conf->feed_directory);
}

/* The outbox's totals and each channel's health, for the metrics. */
static void
daemon_outbox_counters(struct daemon *d)
{
	char *cause = NULL;

	if (!daemon_wants_alerts(d))
		return;
	d->counters.store_reserve =
	    store_reserve_state(d->store) == STORE_RESERVE_OFF
	    ? -1
	    : store_reserve_state(d->store) == STORE_RESERVE_READY;
	if (alerts_feed_counters(
		d->store, &d->conf->alerts, &d->counters, &cause) == -1) {
		log_warnx("alerts: %s", cause);
		free(cause);
	}
}

/* The delay in seconds before the next cycle. */
static long
daemon_delay(struct daemon *d)
{
	return daemon_next_delay((long)d->conf->poll_interval,
	    (long)d->conf->poll_jitter, (long)d->conf->backoff_max, d->failures,
	    (double)random() / ((double)RAND_MAX + 1.0));
}

/*
 * The last step: the files, the counters, STATUS=; then the timer of the
 * next cycle (at once after a poll that waited) and a reload that waited.
 */
static void
daemon_cycle_end(struct daemon *d)
{
	long delay;

	daemon_outbox_counters(d);
	daemon_write_feed(d);
	httpd_set_counters(d->httpd, &d->counters);
	daemon_status(d);
	d->counts.cycles++;
	d->state = DAEMON_IDLE;
	delay = daemon_delay(d);
	if (d->poll_pending) {
		d->poll_pending = 0;
		delay = 0;
	}
	log_debug("next cycle in %ld s", delay);
	daemon_arm(d, (uint64_t)delay * 1000000ULL);
	daemon_backfill_kick(d);
	/* After the arming: a reload that resets the cursor polls at once. */
	if (d->reload_pending) {
		d->reload_pending = 0;
		daemon_reload(d);
	}
}

/* A deferred step's turn has come. */
static int
daemon_on_step(sd_event_source *s, void *arg)
{
	struct daemon *d = arg;

	d->step = sd_event_source_disable_unref(d->step);
	if (d->stopping)
		return 0;
	switch (d->state) {
	case DAEMON_EVALUATE:
		daemon_evaluate(d);
		daemon_step(d, DAEMON_DELIVER);
		break;
	case DAEMON_DELIVER:
		daemon_deliver(d);
		break;
	case DAEMON_FEED:
		daemon_cycle_end(d);
		break;
	case DAEMON_IDLE:
	case DAEMON_SYNC:
		break;
	}
	return 0;
}

/* Enter state next on the loop's next turn. */
static void
daemon_step(struct daemon *d, enum daemon_state next)
{
	int r;

	d->state = next;
	if (d->stopping)
		return;
	r = sd_event_add_defer(d->event, &d->step, daemon_on_step, d);
	if (r < 0)
		fatalx("daemon: cannot schedule the next step: %s; exiting "
		       "so that the service is restarted",
		    strerror(-r));
}
