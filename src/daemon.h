/*
 * The daemon's life: the sd-event loop, the poll timer, signals, reload,
 * the watchdog and sd_notify.  ccwatchd.c only parses options.
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <time.h>

#include "config.h"

/* Block SIGTERM, SIGINT, SIGHUP and SIGUSR1 for the loop's signalfd. */
void daemon_block_signals(void);

/*
 * Run until SIGTERM or SIGINT.  Takes ownership of conf (a reload replaces
 * it).  Returns the process exit status.
 */
int daemon_run(const char *conf_path, struct config *conf);
/*
 * Check the configured API key with the server (bugzilla_check_key): -1
 * with *cause when it is refused or ignored; else 0, people.self set to
 * the key's login when the configuration names none.
 */
int daemon_check_key(struct config *, char **cause);

/*
 * The delay in seconds before the next cycle: the interval with +-jitter
 * percent after a success, interval * 2^(failures-1) capped at backoff_max
 * after failures.  r is a uniform random number in [0, 1).
 */
long daemon_next_delay(
    long interval, long jitter_pct, long backoff_max, int failures, double r);

/* Whether Bugzilla answers, across cycles (daemon_outage.c). */
struct daemon_outage {
	time_t since;   /* when the first failed cycle of this outage ended */
	int failed;     /* failed cycles in a row */
	char line[128]; /* the last "reachable again" line logged */
};

/*
 * Note a cycle's outcome at now (ok: it reached Bugzilla).  The first good
 * cycle after failed ones logs "Bugzilla reachable again after 14 min (3
 * failed cycles)", keeps that line in o->line and returns 1; otherwise 0.
 */
int daemon_outage_note(struct daemon_outage *, int ok, time_t now);

#endif
