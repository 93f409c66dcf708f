/*
 * The daemon's loop.
 *
 * A cycle runs inside the timer callback and blocks on libcurl; every
 * request is bounded by the configured timeouts.  Between requests the REST
 * client calls daemon_hook, which pings the watchdog and notices a pending
 * SIGTERM (signals stay blocked, sd-event reads them from a signalfd), so a
 * stop never waits for a slow server and never interrupts a store
 * transaction: the cycle writes only after everything was fetched.
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

#include "alerts.h"
#include "bugzilla.h"
#include "daemon.h"
#include "feed.h"
#include "httpd.h"
#include "log.h"
#include "report.h"
#include "store.h"
#include "sync.h"
#include "timeutil.h"
#include "xmalloc.h"

struct daemon {
	const char *conf_path;
	struct config *conf;
	struct store *store;
	struct bugzilla *bz;
	struct alerts *alerts;
	sd_event *event;
	sd_event_source *timer;
	int failures;
	struct daemon_outage outage;   /* for "reachable again" */
	int first;                     /* the first cycle is a full resync */
	int watchdog;                  /* 1 when systemd expects pings */
	struct httpd *httpd;           /* NULL without [feed] listen */
	struct feed_counters counters; /* for the metrics */
};

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

/* Ping the watchdog and tell whether a stop is pending. */
static int
daemon_hook(void *arg)
{
	struct daemon *d = arg;
	sigset_t pending;

	if (d->watchdog)
		sd_notify(0, "WATCHDOG=1");
	if (sigpending(&pending) == -1)
		return 0;
	return sigismember(&pending, SIGTERM) == 1 ||
	    sigismember(&pending, SIGINT) == 1;
}

/* Make a REST client from the configuration. */
static struct bugzilla *
daemon_client(struct daemon *d, const struct config *c, char **cause)
{
	struct bugzilla_options o;

	bugzilla_options_from_config(&o, c);
	o.before_request = daemon_hook;
	o.hook_arg = d;
	return bugzilla_new(&o, cause);
}

/*
 * Tell systemd what the service is doing, in one line: the bugs tracked,
 * how many are overdue or due soon right now (clocks run on stored data
 * whether or not Bugzilla answers), and how fresh that data is.
 */
static void
daemon_status(struct daemon *d)
{
	struct report_filter all = {.bug_id = 0, .state = -1, .all = 1};
	struct report r;
	struct store_cursor cur;
	struct alerts_counts ac;
	char iso[TIMEUTIL_ISO_LEN], note[96], *err = NULL;
	time_t now = timeutil_now();

	/* Without a service manager listening the line would go nowhere. */
	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	memset(&cur, 0, sizeof cur);
	memset(&r, 0, sizeof r);
	if (store_get_cursor(d->store, &cur, &err) == -1 ||
	    report_load(d->store, &d->conf->people, &d->conf->policy, now, &all,
		&r, &err) == -1) {
		log_warnx("status: %s", err);
		free(err);
		store_cursor_free(&cur);
		return;
	}
	if (alerts_counts(d->store, &ac, &err) == -1) {
		log_warnx("status: %s", err);
		free(err);
		memset(&ac, 0, sizeof ac);
	}
	snprintf(note, sizeof note, "; alerts: %lld pending, %lld dead letters",
	    ac.pending, ac.dead);
	if (cur.last_sync == 0)
		sd_notifyf(
		    0, "STATUS=Bugzilla unreachable; never synced%s", note);
	else if (cur.last_error == NULL)
		sd_notifyf(0,
		    "STATUS=%zu open bugs tracked, %zu overdue, %zu "
		    "due soon; last sync %s%s",
		    r.open_bugs, r.overdue, r.due_soon,
		    timeutil_format_iso(cur.last_sync, iso), note);
	else
		sd_notifyf(0,
		    "STATUS=%zu open bugs tracked, %zu overdue, %zu "
		    "due soon; Bugzilla unreachable, data stale: last "
		    "sync %s (%lld min ago)%s",
		    r.open_bugs, r.overdue, r.due_soon,
		    timeutil_format_iso(cur.last_sync, iso),
		    (long long)(now - cur.last_sync) / 60, note);
	report_free(&r);
	store_cursor_free(&cur);
}

/*
 * After a cycle, good or failed (deadlines pass whether or not Bugzilla
 * answered): evaluate the clocks at now, record the transitions, and
 * deliver what the outbox holds.
 */
static void
daemon_alerts(struct daemon *d)
{
	struct alerts_stats as;
	char *cause = NULL;

	/* No route and no channel: nobody to tell, nothing to deliver. */
	if (d->conf->alerts.nroutes == 0 && d->conf->alerts.nchannels == 0)
		return;
	memset(&as, 0, sizeof as);
	if (alerts_run_cycle(d->alerts, d->store, &d->conf->people,
		&d->conf->policy, timeutil_now(), &as, &cause) == -1) {
		log_warnx("alerts: %s", cause);
		free(cause);
	}
	if (as.transitions + as.repeats + as.digests + as.sent + as.failed +
		as.dead + as.dry_run >
	    0)
		log_info(
		    "alerts: %zu clocks, %zu transitions, %zu repeats, "
		    "%zu digests, %zu summaries, %zu queued; %zu sent, %zu "
		    "logged (dry run), %zu failed, %zu dead",
		    as.clocks, as.transitions, as.repeats, as.digests,
		    as.summaries, as.queued, as.sent, as.dry_run, as.failed,
		    as.dead);
}

/* Run one cycle and log its outcome. */
static int
daemon_cycle(struct daemon *d)
{
	struct sync_options so;
	struct sync_stats stats;
	char *cause = NULL;

	sync_options_from_config(&so, d->conf);
	so.full = d->first;
	so.full_every = (long)d->conf->full_every;
	if (sync_run(d->bz, d->store, &so, &stats, &cause) == -1) {
		log_event(LOG_WARNING,
		    &(struct log_fields){.message_id = LOG_MSG_SYNC_FAILED,
			.event = "sync-failed"},
		    "sync: %s", cause);
		free(cause);
		return -1;
	}
	d->first = 0;
	if (d->counters.requests < 0)
		d->counters.requests = 0;
	d->counters.requests += (long long)stats.requests;
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_SYNC_OK, .event = "sync-ok"},
	    "sync: %s: %zu bugs seen, %zu changed, %zu comments, %zu "
	    "history entries, %zu skipped, %lu requests, %.2f s",
	    stats.full ? "full" : "incremental", stats.bugs_seen,
	    stats.bugs_changed, stats.comments, stats.history, stats.skipped,
	    stats.requests, stats.seconds);
	return 0;
}

/*
 * Write the feed's four files into [feed] directory after a good cycle.
 * A failure is logged and retried after the next cycle.
 */
static void
daemon_write_feed(struct daemon *d)
{
	struct feed_options o;
	struct feed f;
	char *cause = NULL, *ics, *path;

	if (d->conf->feed_directory == NULL)
		return;
	feed_options_from_config(&o, d->conf);
	if (feed_load(d->store, &d->conf->people, &d->conf->policy,
		timeutil_now(), &o, &f, &cause) == -1) {
		log_warnx("feed: %s", cause);
		free(cause);
		return;
	}
	if (feed_write_dir(&f, &d->counters, d->conf->feed_directory, &cause) ==
		0 &&
	    d->conf->feed_ics_ca != NULL) {
		/* The written calendar is the configured CA's only. */
		ics = feed_to_ics(&f, d->conf->feed_ics_ca);
		xasprintf(&path, "%s/deadlines.ics", d->conf->feed_directory);
		feed_write_file(path, ics, strlen(ics), &cause);
		free(path);
		free(ics);
	}
	if (cause != NULL) {
		log_warnx("feed: %s", cause);
		free(cause);
	} else
		log_debug("feed: %zu bugs written to %s", f.report.nbugs,
		    d->conf->feed_directory);
	feed_free(&f);
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
	return 0;
}

/* The poll timer: run a cycle, then arm itself for the next. */
static int
daemon_on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct daemon *d = arg;
	long delay;

	if (daemon_hook(d))
		return 0; /* a stop is pending; the signal handler exits */
	if (daemon_cycle(d) == 0) {
		d->failures = 0;
		d->counters.cycles_ok++;
		daemon_outage_note(&d->outage, 1, timeutil_now());
		daemon_write_feed(d);
	} else {
		d->failures++;
		d->counters.cycles_failed++;
		daemon_outage_note(&d->outage, 0, timeutil_now());
	}
	httpd_set_counters(d->httpd, &d->counters);
	daemon_alerts(d);
	daemon_status(d);
	delay = daemon_next_delay((long)d->conf->poll_interval,
	    (long)d->conf->poll_jitter, (long)d->conf->backoff_max, d->failures,
	    (double)random() / ((double)RAND_MAX + 1.0));
	log_debug("next cycle in %ld s", delay);
	sd_event_source_set_time_relative(s, (uint64_t)delay * 1000000ULL);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

/* SIGTERM and SIGINT: leave the loop; the cycle, if any, has ended. */
static int
daemon_on_stop(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;

	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_STOPPING, .event = "stopping"},
	    "signal %u: stopping", si->ssi_signo);
	sd_notify(0, "STOPPING=1");
	return sd_event_exit(d->event, 0);
}

/* SIGUSR1: poll now. */
static int
daemon_on_poll(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;

	log_info("SIGUSR1: polling now");
	sd_event_source_set_time_relative(d->timer, 0);
	return sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
}

/*
 * SIGHUP: parse the file into a new configuration and swap only if it is
 * clean; a bad file is logged with its errors and the old one stays.
 */
static int
daemon_on_reload(
    sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	struct config *c;
	struct bugzilla *bz;
	struct alerts *al;
	struct store *st = NULL;
	char *cause = NULL;
	uint64_t now_us = 0;

	sd_event_now(d->event, CLOCK_MONOTONIC, &now_us);
	sd_notifyf(
	    0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)now_us);
	c = config_load_flags(d->conf_path, CONFIG_DAEMON, &cause);
	if (c == NULL) {
		log_event(LOG_WARNING,
		    &(struct log_fields){.message_id = LOG_MSG_RELOAD_FAILED,
			.event = "reload-failed"},
		    "config file %s has errors, not reloading:\n%s",
		    d->conf_path, cause);
		goto out;
	}
	bz = daemon_client(d, c, &cause);
	if (bz == NULL) {
		log_warnx("reload: %s; keeping the old configuration", cause);
		config_free(c);
		goto out;
	}
	al = alerts_new(&c->alerts, &cause);
	if (al == NULL) {
		log_warnx("reload: %s; keeping the old configuration", cause);
		bugzilla_free(bz);
		config_free(c);
		goto out;
	}
	if (strcmp(c->store_path, d->conf->store_path) != 0) {
		st = store_open(c->store_path, &cause);
		if (st == NULL) {
			log_warnx(
			    "reload: %s; keeping the old configuration", cause);
			alerts_free(al);
			bugzilla_free(bz);
			config_free(c);
			goto out;
		}
		store_close(d->store);
		d->store = st;
	}
	bugzilla_free(d->bz);
	d->bz = bz;
	alerts_free(d->alerts);
	d->alerts = al;
	/* The server borrows the configuration: restart it with the new. */
	httpd_stop(d->httpd);
	d->httpd = NULL;
	config_free(d->conf);
	d->conf = c;
	if (daemon_start_httpd(d, c, &cause) == -1) {
		log_warnx("reload: feed: %s; serving no feed", cause);
		free(cause);
		cause = NULL;
	}
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_RELOADED, .event = "reloaded"},
	    "configuration %s reloaded", d->conf_path);
out:
	free(cause);
	sd_notify(0, "READY=1");
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

/* Set up the loop, run it, tear everything down in reverse order. */
int
daemon_run(const char *conf_path, struct config *conf)
{
	struct daemon d;
	char *cause = NULL;
	int rc = 1, r;

	memset(&d, 0, sizeof d);
	d.conf_path = conf_path;
	d.conf = conf;
	d.first = 1;
	feed_counters_init(&d.counters);
	d.counters.cycles_ok = d.counters.cycles_failed = 0;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	daemon_block_signals();

	d.store = store_open(conf->store_path, &cause);
	if (d.store == NULL)
		goto out;
	d.bz = daemon_client(&d, conf, &cause);
	if (d.bz == NULL)
		goto out;
	d.alerts = alerts_new(&conf->alerts, &cause);
	if (d.alerts == NULL)
		goto out;
	if (conf->alerts.dry_run)
		log_info("alerts: dry run: alerts are logged, not sent");
	if (daemon_start_httpd(&d, conf, &cause) == -1)
		goto out;
	if ((r = sd_event_default(&d.event)) < 0 ||
	    (r = sd_event_add_signal(
		 d.event, NULL, SIGTERM, daemon_on_stop, &d)) < 0 ||
	    (r = sd_event_add_signal(
		 d.event, NULL, SIGINT, daemon_on_stop, &d)) < 0 ||
	    (r = sd_event_add_signal(
		 d.event, NULL, SIGHUP, daemon_on_reload, &d)) < 0 ||
	    (r = sd_event_add_signal(
		 d.event, NULL, SIGUSR1, daemon_on_poll, &d)) < 0 ||
	    (r = sd_event_add_time_relative(d.event, &d.timer, CLOCK_MONOTONIC,
		 0, 0, daemon_on_timer, &d)) < 0) {
		xasprintf(&cause, "sd-event: %s", strerror(-r));
		goto out;
	}
	r = sd_event_set_watchdog(d.event, 1);
	d.watchdog = r > 0;
	sd_notify(0, "READY=1");
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_STARTED, .event = "started"},
	    "ready: store %s, Bugzilla %s, every %lld s", conf->store_path,
	    conf->url, conf->poll_interval);
	r = sd_event_loop(d.event);
	rc = r < 0 ? 1 : 0;
out:
	if (cause != NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
	sd_event_source_unref(d.timer);
	sd_event_unref(d.event);
	alerts_free(d.alerts);
	httpd_stop(d.httpd);
	bugzilla_free(d.bz);
	store_close(d.store);
	config_free(d.conf);
	return rc;
}
