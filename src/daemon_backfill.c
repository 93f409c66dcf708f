/*
 * The daemon's backfill ([daemon] backfill = yes): started once, after the
 * first good cycle, on a REST client of its own on the daemon's loop, and
 * held back while a cycle runs, so a poll never waits for it.  A failed
 * backfill resumes after the next good cycle; a finished one (its cursor
 * says so) is not started again.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backfill.h"
#include "daemon_int.h"
#include "log.h"
#include "store_record.h"

/*
 * 1 while a cycle runs, or while Bugzilla's Retry-After runs: the
 * backfill starts no request then.
 */
int
daemon_backfill_hold(void *arg)
{
	const struct daemon *d = arg;
	uint64_t now;

	if (d->state != DAEMON_IDLE)
		return 1;
	return d->not_before != 0 &&
	    sd_event_now(d->event, CLOCK_MONOTONIC, &now) >= 0 &&
	    now < d->not_before;
}

/* A log line per batch. */
static void
daemon_backfill_progress(const struct backfill_progress *p, void *arg)
{
	struct daemon *d = arg;

	d->track_stale = 1; /* the batch stored threads */
	if (!p->finished)
		log_info("backfill: %lld/%lld bugs, %lu requests, %.1f KiB",
		    p->done, p->total, p->requests, (double)p->bytes / 1024.0);
}

/* The backfill ended. */
static void
daemon_backfill_done(
    void *arg, int rc, const struct backfill_progress *p, const char *cause)
{
	struct daemon *d = arg;

	d->backfill = NULL;
	if (rc == -1) {
		log_warnx("backfill: %s; resuming after the next cycle",
		    cause != NULL ? cause : "failed");
		daemon_hold(d, d->backfill_bz);
		return;
	}
	d->backfill_ran = 1;
	log_info("backfill: done: %lld resolved bugs fetched, %lu requests, "
		 "%.1f KiB, %.0f s",
	    p->done, p->requests, (double)p->bytes / 1024.0, p->seconds);
}

/* Start the backfill if it is configured and has not run; see daemon_int.h. */
void
daemon_backfill_kick(struct daemon *d)
{
	struct bugzilla_options bo;
	struct backfill_options o;
	struct backfill_cursor cur;
	char *cause = NULL;

	if (!d->conf->backfill || d->backfill != NULL || d->backfill_ran ||
	    d->stopping || d->first)
		return;
	if (store_backfill_get(d->store, &cur, &cause) == -1)
		goto fail;
	if (cur.finished_at != 0 && cur.since == 0) {
		d->backfill_ran = 1;
		return;
	}
	if (d->backfill_bz == NULL) {
		bugzilla_options_from_config(&bo, d->conf);
		bo.transport = d->http;
		d->backfill_bz = bugzilla_new(&bo, &cause);
		if (d->backfill_bz == NULL)
			goto fail;
	}
	memset(&o, 0, sizeof o);
	o.products = &d->conf->products;
	o.components = &d->conf->components;
	o.pause_ms = (long)d->conf->backfill_pause;
	o.progress = daemon_backfill_progress;
	o.hold = daemon_backfill_hold;
	o.arg = d;
	d->backfill = backfill_start(
	    d->backfill_bz, d->store, &o, daemon_backfill_done, d, &cause);
	if (d->backfill == NULL)
		goto fail;
	log_info("backfill: started");
	return;
fail:
	log_warnx("backfill: %s", cause);
	free(cause);
	d->backfill_ran = 1;
}

/* Stop the backfill and free its client; see daemon_int.h. */
void
daemon_backfill_stop(struct daemon *d)
{
	backfill_cancel(d->backfill);
	d->backfill = NULL;
	bugzilla_free(d->backfill_bz);
	d->backfill_bz = NULL;
}
