/*
 * ccwatch sync --backfill: the threads and histories of the resolved bugs
 * the store lacks, with a progress bar on a terminal and one log line per
 * batch otherwise (docs/track-record.md, "Backfill").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backfill.h"
#include "bugzilla.h"
#include "ccwatch_int.h"
#include "config.h"
#include "log.h"
#include "store.h"

/* What the progress display remembers between batches. */
struct cli_backfill_view {
	int tty;
	int first;
	long long done0; /* bugs done before this run */
};

/* "1m 20s", "3h 5m" or "12s" into buf. */
static const char *
cli_backfill_eta(double s, char *buf, size_t size)
{
	long long n = (long long)(s + 0.5);

	if (n >= 3600)
		(void)snprintf(
		    buf, size, "%lldh %lldm", n / 3600, n % 3600 / 60);
	else if (n >= 60)
		(void)snprintf(buf, size, "%lldm %llds", n / 60, n % 60);
	else
		(void)snprintf(buf, size, "%llds", n);
	return buf;
}

/* Show where the backfill stands. */
static void
cli_backfill_progress(const struct backfill_progress *p, void *arg)
{
	struct cli_backfill_view *v = arg;
	const int width = 30;
	long long run;
	char eta[32] = "-";
	int fill;

	if (v->first) {
		v->first = 0;
		v->done0 = p->done;
	}
	run = p->done - v->done0;
	if (run > 0 && p->total > p->done)
		cli_backfill_eta(
		    p->seconds / (double)run * (double)(p->total - p->done),
		    eta, sizeof eta);
	if (!v->tty) {
		if (p->finished)
			return; /* the summary line says it */
		log_info("backfill: %lld/%lld bugs, %lu requests, %.1f KiB, "
			 "ETA %s",
		    p->done, p->total, p->requests, (double)p->bytes / 1024.0,
		    eta);
		return;
	}
	fill = p->total > 0 ? (int)(p->done * width / p->total) : width;
	(void)fprintf(stderr,
	    "\rbackfill: [%-*.*s] %lld/%lld bugs, %lu requests, %.1f KiB, "
	    "ETA %s   ",
	    width, fill, "##############################", p->done, p->total,
	    p->requests, (double)p->bytes / 1024.0, eta);
	if (p->finished)
		(void)fputc('\n', stderr);
	(void)fflush(stderr);
}

/* ccwatch sync --backfill [--since TIME]. */
int
cli_backfill(struct cli *cli, time_t since)
{
	struct cli_backfill_view view = {isatty(STDERR_FILENO), 1, 0};
	struct backfill_options o;
	struct backfill_progress p;
	struct bugzilla *bz = NULL;
	struct store *st = NULL;
	char *cause = NULL;
	int rc = 1;

	memset(&o, 0, sizeof o);
	o.products = &cli->conf->products;
	o.components = &cli->conf->components;
	o.since = since;
	o.pause_ms = (long)cli->conf->backfill_pause;
	o.progress = cli_backfill_progress;
	o.arg = &view;
	if (cli_open_fetch(cli, &st, &bz, &cause) == -1 ||
	    backfill_run(bz, st, &o, &p, &cause) == -1)
		goto out;
	printf("backfill: %lld of %lld resolved bugs fetched, %lu requests, "
	       "%.1f KiB, %.2f s\n",
	    p.done, p.total, p.requests, (double)p.bytes / 1024.0, p.seconds);
	rc = 0;
out:
	if (cause != NULL) {
		log_warnx("backfill: %s (run it again to resume)", cause);
		free(cause);
	}
	bugzilla_free(bz);
	store_close(st);
	return rc;
}
