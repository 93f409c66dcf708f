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
 * The delay in seconds before the next cycle: the interval with +-jitter
 * percent after a success, interval * 2^(failures-1) capped at backoff_max
 * after failures.  r is a uniform random number in [0, 1).
 */
long daemon_next_delay(
    long interval, long jitter_pct, long backoff_max, int failures, double r);

#endif
