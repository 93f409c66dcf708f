/*
 * The daemon's life: one sd-event loop, the one transport on it, the poll
 * timer, signals, reload and sd_notify (docs/internals/loop.md).  The
 * cycle's steps are in daemon_cycle.c.
 *
 * Nothing on the loop blocks on the network, so the watchdog, pinged by
 * sd-event itself, proves that the loop turns.  SIGTERM starts nothing
 * more, cancels the sync and the backfill, lets the alert sends in flight
 * end for a short grace, cancels the rest (a store transaction is never
 * cut: it runs inside one callback) and leaves the loop; SIGHUP and SIGUSR1
 * that arrive during a cycle wait for its end, and are never lost.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "daemon_int.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

extern const struct daemon_seam daemon_real_seam;

/* Compute the delay before the next cycle; see daemon.h. */
long
daemon_next_delay(
    long interval, long jitter_pct, long backoff_max, int failures, double r)
{
	long d, span;
	int i;

	if (failures > 0) {
		d = interval;
		for (i = 1; i < failures && d < backoff_max; i++)
			d *= 2;
		return d < backoff_max ? d : backoff_max;
	}
	span = interval * jitter_pct / 100;
	d = interval - span + (long)(r * (double)(2 * span + 1));
	return d > 1 ? d : 1;
}

/* Make a REST client on the daemon's transport. */
static struct bugzilla *
daemon_client(struct daemon *d, const struct config *c, char **cause)
{
	struct bugzilla_options o;

	bugzilla_options_from_config(&o, c);
	o.transport = d->http;
	return bugzilla_new(&o, cause);
}

/*
 * Tell systemd what the service is doing, in one line: the bugs tracked,
 * how many are overdue or due soon (the cycle's evaluation: clocks run on
 * stored data whether or not Bugzilla answers), and how fresh that data is.
 */
void
daemon_status(struct daemon *d)
{
	struct store_cursor cur;
	struct alerts_counts ac;
	struct alerts_health h;
	char iso[TIMEUTIL_ISO_LEN], note[640], *err = NULL;
	time_t now = timeutil_now();

	/* Without a service manager listening the line would go nowhere. */
	if (getenv("NOTIFY_SOCKET") == NULL || !d->evaluated)
		return;
	memset(&cur, 0, sizeof cur);
	if (store_get_cursor(d->store, &cur, &err) == -1) {
		log_warnx("status: %s", err);
		free(err);
		return;
	}
	if (alerts_counts(d->store, &ac, &err) == -1) {
		log_warnx("status: %s", err);
		free(err);
		memset(&ac, 0, sizeof ac);
	}
	if (alerts_health(d->store, &d->conf->alerts, &h, &err) == -1) {
		log_warnx("status: %s", err);
		free(err);
		err = NULL;
	}
	snprintf(note, sizeof note,
	    "; alerts: %lld pending, %lld dead letters%s%s%s", ac.pending,
	    ac.dead, h.failing > 0 ? "; " : "", h.failing > 0 ? h.text : "",
	    store_reserve_state(d->store) == STORE_RESERVE_SPENT
		? "; DISK FULL: the store's reserve is spent, delivery paused"
		: "");
	alerts_health_free(&h);
	if (cur.last_sync == 0)
		sd_notifyf(
		    0, "STATUS=Bugzilla unreachable; never synced%s", note);
	else if (cur.last_error == NULL)
		sd_notifyf(0,
		    "STATUS=%zu open bugs tracked, %zu overdue, %zu "
		    "due soon; last sync %s%s",
		    d->open_bugs, d->overdue, d->due_soon,
		    timeutil_format_iso(cur.last_sync, iso), note);
	else
		sd_notifyf(0,
		    "STATUS=%zu open bugs tracked, %zu overdue, %zu "
		    "due soon; Bugzilla unreachable, data stale: last "
		    "sync %s (%lld min ago)%s",
		    d->open_bugs, d->overdue, d->due_soon,
		    timeutil_format_iso(cur.last_sync, iso),
		    (long long)(now - cur.last_sync) / 60, note);
	store_cursor_free(&cur);
}

/* Start the feed's HTTP server when [feed] listen is set. */
static int
daemon_start_httpd(struct daemon *d, const struct config *c, char **cause)
{
	struct httpd_options o;

	d->httpd = NULL;
	if (c->feed_listen == NULL)
		return 0;
	httpd_options_from_config(&o, c);
	d->httpd = httpd_start(&o, cause);
	if (d->httpd == NULL)
		return -1;
	httpd_set_counters(d->httpd, &d->counters);
	httpd_set_snapshot(d->httpd, d->snap);
	return 0;
}

/*
 * Arm the poll timer.  A timer that cannot be armed would leave a loop
 * that pings the watchdog but never polls again: exit instead, and let
 * systemd restart the service.
 */
void
daemon_arm(struct daemon *d, uint64_t delay_usec)
{
	uint64_t now;
	int r;

	/* No cycle (a poll, a reload's) sooner than Bugzilla asked. */
	if (d->not_before != 0 &&
	    sd_event_now(d->event, CLOCK_MONOTONIC, &now) >= 0 &&
	    now + delay_usec < d->not_before)
		delay_usec = d->not_before - now;
	r = sd_event_source_set_time_relative(d->timer, delay_usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
	if (r < 0)
		fatalx("daemon: cannot arm the poll timer: %s; exiting so "
		       "that the service is restarted",
		    strerror(-r));
}

/* The poll timer: start a cycle. */
static int
daemon_on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	daemon_cycle_start(arg);
	return 0;
}

/* Cancel whatever step runs; nothing more is written. */
void
daemon_stop(struct daemon *d)
{
	d->stopping = 1;
	daemon_backfill_stop(d);
	if (d->sync != NULL)
		d->seam.sync_cancel(d, d->sync);
	d->sync = NULL;
	alerts_deliver_cancel(d->delivery);
	d->delivery = NULL;
	d->step = sd_event_source_disable_unref(d->step);
	d->grace = sd_event_source_disable_unref(d->grace);
}

/* End a stop; see daemon_int.h. */
void
daemon_stopped(struct daemon *d, const char *why)
{
	int left = alerts_deliver_inflight(d->delivery);

	log_info("stop: %d sends were in flight: %d ended and were marked, "
		 "%d cancelled (%s)%s",
	    d->drain_waited, d->drain_waited - left, left, why,
	    left > 0 ? "; they go out again after the restart" : "");
	daemon_stop(d);
	sd_event_exit(d->event, 0);
}

/* The stop's grace ended: cancel the sends still in flight. */
static int
daemon_on_grace(sd_event_source *s, uint64_t usec, void *arg)
{
	daemon_stopped(arg, "the grace ended");
	return 0;
}

/*
 * SIGTERM and SIGINT: start nothing more, cancel the sync and the
 * backfill, and give the sends in flight DAEMON_STOP_GRACE seconds to end
 * and be marked (the loop, and so the watchdog, turns meanwhile); a
 * second signal cancels them at once.
 */
static int
daemon_on_stop(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	int r;

	if (d->stopping) {
		daemon_stopped(d, "a second signal");
		return 0;
	}
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_STOPPING, .event = "stopping"},
	    "signal %u: stopping", si->ssi_signo);
	sd_notify(0, "STOPPING=1");
	d->stopping = 1;
	sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
	daemon_backfill_stop(d);
	if (d->sync != NULL)
		d->seam.sync_cancel(d, d->sync);
	d->sync = NULL;
	d->step = sd_event_source_disable_unref(d->step);
	d->drain_waited = alerts_deliver_drain(d->delivery);
	if (d->drain_waited == 0) {
		daemon_stopped(d, "none to wait for");
		return 0;
	}
	r = sd_event_add_time_relative(d->event, &d->grace, CLOCK_MONOTONIC,
	    (uint64_t)DAEMON_STOP_GRACE * 1000000, 0, daemon_on_grace, d);
	if (r < 0)
		daemon_stopped(d, "no timer for the grace");
	return 0;
}

/* Poll now, or as soon as the running cycle ends. */
void
daemon_poll(struct daemon *d)
{
	if (d->state == DAEMON_IDLE)
		daemon_arm(d, 0);
	else
		d->poll_pending = 1;
}

/* SIGUSR1: poll now. */
static int
daemon_on_poll(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	log_info("SIGUSR1: polling now");
	daemon_poll(arg);
	return 0;
}

/* 1 if two lists hold the same strings in the same order. */
static int
daemon_same_list(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/*
 * A new url, products or components make the cursor meaningless: reset
 * it and poll at once, a full resync that also reconciles what the old
 * query showed.
 */
static void
daemon_reset_cursor(struct daemon *d, const struct config *c)
{
	struct store_cursor cur;
	char *cause = NULL;

	if (strcmp(c->url, d->conf->url) == 0 &&
	    daemon_same_list(&c->products, &d->conf->products) &&
	    daemon_same_list(&c->components, &d->conf->components))
		return;
	memset(&cur, 0, sizeof cur);
	if (store_get_cursor(d->store, &cur, &cause) == 0) {
		cur.db_time = 0;
		cur.last_full = 0;
		if (store_set_cursor(d->store, &cur, &cause) == 0) {
			log_info("reload: the Bugzilla query changed: the "
				 "cursor is reset, a full resync starts now");
			d->counts.resets++;
			d->first = 1;
			daemon_poll(d);
		}
	}
	if (cause != NULL) {
		log_warnx("reload: cannot reset the cursor: %s", cause);
		free(cause);
	}
	store_cursor_free(&cur);
}

/*
 * Check the configured API key with the server: refused, or ignored by a
 * server that reads no header, is -1 with *cause; a key the server knows
 * gives people.self when the configuration names none.  A server that
 * cannot be asked now is logged, and ccwatch goes on.
 */
int
daemon_check_key(struct config *c, char **cause)
{
	char *login = NULL, *err = NULL;
	int rc;

	rc = bugzilla_check_key(c, &login, &err);
	if (rc == -1) {
		*cause = err;
		return -1;
	}
	if (rc == 0 && err != NULL)
		log_warnx(
		    "bugzilla: the API key could not be checked: %s", err);
	if (rc == 1) {
		log_info("bugzilla: the API key is %s's", login);
		if (c->people.self == NULL)
			people_set_self(&c->people, login);
		else if (strcmp(c->people.self, login) != 0)
			log_warnx("bugzilla: [people] self is %s, the API key "
				  "is %s's",
			    c->people.self, login);
	}
	free(err);
	free(login);
	return 0;
}

/*
 * Swap in a clean new configuration (taken over): a new client, alerts,
 * store if its path changed, and HTTP server.  On failure the old one
 * stays and c is freed.
 */
int
daemon_apply(struct daemon *d, struct config *c, char **cause)
{
	struct bugzilla *bz;
	struct alerts *al;
	struct store *st = NULL;

	if (daemon_check_key(c, cause) == -1) {
		config_free(c);
		return -1;
	}
	bz = daemon_client(d, c, cause);
	if (bz == NULL) {
		config_free(c);
		return -1;
	}
	/* The backfill resumes on the new configuration after a cycle. */
	daemon_backfill_stop(d);
	d->backfill_ran = 0;
	d->track_stale = 1;
	al = alerts_new(&c->alerts, cause);
	if (al == NULL) {
		bugzilla_free(bz);
		config_free(c);
		return -1;
	}
	if (strcmp(c->store_path, d->conf->store_path) != 0) {
		st = store_open_flags(c->store_path,
		    c->store_shared_group ? STORE_SHARED_GROUP : 0, cause);
		if (st == NULL) {
			alerts_free(al);
			bugzilla_free(bz);
			config_free(c);
			return -1;
		}
		store_close(d->store);
		d->store = st;
	}
	store_reserve_set(d->store, c->store_reserve_kib * 1024);
	daemon_reset_cursor(d, c);
	bugzilla_free(d->bz);
	d->bz = bz;
	alerts_free(d->alerts);
	d->alerts = al;
	httpd_stop(d->httpd);
	d->httpd = NULL;
	config_free(d->conf);
	d->conf = c;
	d->counts.reloads++;
	if (daemon_start_httpd(d, c, cause) == -1) {
		log_warnx("reload: feed: %s; serving no feed", *cause);
		free(*cause);
		*cause = NULL;
	}
	return 0;
}

/*
 * Parse the file into a new configuration and swap it in only if it is
 * clean; a bad file is logged with its errors and the old one stays.
 * During a cycle (which borrows the configuration) the reload waits for
 * the cycle's end.
 */
void
daemon_reload(struct daemon *d)
{
	struct config *c;
	char *cause = NULL;

	if (d->state != DAEMON_IDLE) {
		log_info("reload: deferred until the cycle ends");
		d->reload_pending = 1;
		return;
	}
	c = config_load_flags(d->conf_path, CONFIG_DAEMON, &cause);
	if (c == NULL) {
		log_event(LOG_WARNING,
		    &(struct log_fields){.message_id = LOG_MSG_RELOAD_FAILED,
			.event = "reload-failed"},
		    "config file %s has errors, not reloading:\n%s",
		    d->conf_path, cause);
	} else if (daemon_apply(d, c, &cause) == -1)
		log_warnx("reload: %s; keeping the old configuration", cause);
	else
		log_event(LOG_INFO,
		    &(struct log_fields){
			.message_id = LOG_MSG_RELOADED, .event = "reloaded"},
		    "configuration %s reloaded", d->conf_path);
	free(cause);
	sd_notify(0, "READY=1");
}

/* SIGHUP: reload, now or at the cycle's end. */
static int
daemon_on_reload(
    sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	uint64_t now_us = 0;

	sd_event_now(d->event, CLOCK_MONOTONIC, &now_us);
	sd_notifyf(
	    0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)now_us);
	daemon_reload(d);
	return 0;
}

/*
 * Block the signals the loop handles, so that they wait for their sd-event
 * sources (a signalfd) instead of taking their default action: called
 * first thing in main, since a SIGHUP or SIGUSR1 that arrived while the
 * configuration was still being read would otherwise end the process.
 */
void
daemon_block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
}

/* Build a daemon on loop event; see daemon_int.h. */
struct daemon *
daemon_new(
    const char *conf_path, struct config *conf, sd_event *event, char **cause)
{
	struct http_options ho;
	struct daemon *d;
	int r;

	d = xcalloc(1, sizeof *d);
	d->conf_path = conf_path;
	d->conf = conf;
	d->first = 1;
	d->seam = daemon_real_seam;
	d->event = sd_event_ref(event);
	feed_counters_init(&d->counters);
	d->counters.cycles_ok = d->counters.cycles_failed = 0;
	d->counters.evaluations = 0;
	memset(&ho, 0, sizeof ho);
	ho.event = event;
	d->http = http_new(&ho, cause);
	if (d->http == NULL)
		goto fail;
	d->store = store_open_flags(conf->store_path,
	    conf->store_shared_group ? STORE_SHARED_GROUP : 0, cause);
	if (d->store == NULL)
		goto fail;
	store_reserve_set(d->store, conf->store_reserve_kib * 1024);
	d->bz = daemon_client(d, conf, cause);
	if (d->bz == NULL)
		goto fail;
	d->alerts = alerts_new(&conf->alerts, cause);
	if (d->alerts == NULL)
		goto fail;
	if (daemon_start_httpd(d, conf, cause) == -1)
		goto fail;
	r = sd_event_add_time_relative(
	    event, &d->timer, CLOCK_MONOTONIC, 0, 1000, daemon_on_timer, d);
	if (r < 0) {
		xasprintf(cause, "sd-event: %s", strerror(-r));
		goto fail;
	}
	sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
	return d;
fail:
	daemon_free(d);
	return NULL;
}

/* Cancel every step and free, in reverse order; accepts NULL. */
void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	daemon_stop(d);
	sd_event_source_disable_unref(d->timer);
	httpd_stop(d->httpd);
	feed_snap_unref(d->snap);
	feed_track_free(d->track);
	alerts_free(d->alerts);
	bugzilla_free(d->bz);
	http_free(d->http);
	store_close(d->store);
	sd_event_unref(d->event);
	config_free(d->conf);
	free(d);
}

/* Set up the loop, run it, tear everything down in reverse order. */
int
daemon_run(const char *conf_path, struct config *conf)
{
	struct daemon *d = NULL;
	sd_event *event = NULL;
	char *cause = NULL;
	int rc = 1, r;

	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (daemon_check_key(conf, &cause) == -1) {
		config_free(conf);
		goto out;
	}
	daemon_block_signals();
	r = sd_event_default(&event);
	if (r < 0) {
		xasprintf(&cause, "sd-event: %s", strerror(-r));
		config_free(conf);
		goto out;
	}
	d = daemon_new(conf_path, conf, event, &cause);
	if (d == NULL)
		goto out;
	if (conf->alerts.dry_run)
		log_info("alerts: dry run: alerts are logged, not sent");
	if ((r = sd_event_add_signal(event, NULL, SIGTERM, daemon_on_stop, d)) <
		0 ||
	    (r = sd_event_add_signal(event, NULL, SIGINT, daemon_on_stop, d)) <
		0 ||
	    (r = sd_event_add_signal(
		 event, NULL, SIGHUP, daemon_on_reload, d)) < 0 ||
	    (r = sd_event_add_signal(event, NULL, SIGUSR1, daemon_on_poll, d)) <
		0) {
		xasprintf(&cause, "sd-event: %s", strerror(-r));
		goto out;
	}
	/* sd-event pings WATCHDOG=1 itself: the pings prove the loop turns. */
	r = sd_event_set_watchdog(event, 1);
	if (r < 0) {
		xasprintf(&cause, "sd-event: watchdog: %s", strerror(-r));
		goto out;
	}
	daemon_arm(d, 0);
	sd_notify(0, "READY=1");
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_STARTED, .event = "started"},
	    "ready: store %s, Bugzilla %s, every %lld s", d->conf->store_path,
	    d->conf->url, d->conf->poll_interval);
	r = sd_event_loop(event);
	rc = r < 0 ? 1 : 0;
out:
	if (cause != NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
	daemon_free(d);
	sd_event_unref(event);
	return rc;
}
