/*
 * ccwatch's commands between Bugzilla and the outputs: sync (one poll
 * cycle into the store), feed (the JSON feed, the calendar, the metrics or
 * the dashboard page) and config-check.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "bugzilla.h"
#include "ccwatch_int.h"
#include "config.h"
#include "feed.h"
#include "log.h"
#include "store.h"
#include "sync.h"
#include "timeutil.h"

/* Draw a progress bar on stderr when it is a terminal. */
static void
cli_progress(size_t done, size_t total, void *arg)
{
	const int width = 30;
	int fill;

	if (total == 0 || !isatty(STDERR_FILENO))
		return;
	fill = (int)(done * (size_t)width / total);
	(void)fprintf(stderr, "\rsync: [%-*.*s] %zu/%zu bugs", width, fill,
	    "##############################", done, total);
	if (done == total)
		(void)fputc('\n', stderr);
	(void)fflush(stderr);
}

/* ccwatch sync [--full | --backfill [--since TIME]]: into the store. */
int
cli_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"full", no_argument, NULL, 'f'},
	    {"backfill", no_argument, NULL, 'b'},
	    {"since", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
	struct sync_options so;
	struct sync_stats stats;
	struct bugzilla *bz = NULL;
	struct store *st = NULL;
	char *cause = NULL;
	time_t since = 0;
	int ch, rc = 1, backfill = 0, have_since = 0;

	sync_options_from_config(&so, cli->conf);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'f')
			so.full = 1;
		else if (ch == 'b')
			backfill = 1;
		else if (ch == 's') {
			since = cli_parse_time(optarg);
			have_since = 1;
		} else
			cli_usage(2);
	}
	if (optind != argc || (have_since && !backfill) ||
	    (backfill && so.full))
		cli_usage(2);
	if (backfill)
		return cli_backfill(cli, since);
	so.progress = cli_progress;
	if (cli_open_fetch(cli, &st, &bz, &cause) == -1 ||
	    sync_run(bz, st, &so, &stats, &cause) == -1)
		goto out;
	printf("sync: %s: %zu bugs seen, %zu changed, %zu comments, %zu "
	       "history entries, %zu skipped, %lu requests, %.1f KiB, %.2f s\n",
	    stats.full ? "full" : "incremental", stats.bugs_seen,
	    stats.bugs_changed, stats.comments, stats.history, stats.skipped,
	    stats.requests, (double)stats.bytes / 1024.0, stats.seconds);
	rc = 0;
out:
	if (cause != NULL) {
		log_warnx("sync: %s", cause);
		free(cause);
	}
	bugzilla_free(bz);
	store_close(st);
	return rc;
}

/*
 * Render the loaded feed in format (json, json-v1, ics, prom, html); NULL
 * if bad.
 */
static char *
cli_feed_render(const struct feed *f, const char *format, const char *ca)
{
	struct feed_query q;
	char *out;

	if (strcmp(format, "json") == 0)
		return feed_to_json(f);
	if (strcmp(format, "json-v1") == 0)
		return feed_to_json_v1(f);
	if (strcmp(format, "ics") == 0)
		return feed_to_ics(f, ca);
	if (strcmp(format, "prom") == 0)
		return feed_to_prom(f, NULL);
	if (strcmp(format, "track-json") == 0)
		return f->track != NULL ? feed_track_json(f->track) : NULL;
	if (strcmp(format, "track-html") == 0)
		return f->track != NULL ? feed_track_html(f->track, ca, 0)
					: NULL;
	if (strcmp(format, "html") != 0)
		return NULL;
	memset(&q, 0, sizeof q);
	q.state = -1;
	feed_query_set(&q, "ca", ca);
	out = feed_to_html(f, &q);
	feed_query_free(&q);
	return out;
}

/*
 * The metrics, with the outbox's and the channels' from the store (an
 * error there leaves them out, with a warning).
 */
static char *
cli_feed_prom(struct cli *cli, struct store *st, const struct feed *f)
{
	struct feed_counters c;
	char *cause = NULL;

	feed_counters_init(&c);
	switch (store_reserve_inspect(
	    cli->conf->store_path, cli->conf->store_reserve_kib * 1024)) {
	case STORE_RESERVE_READY:
		c.store_reserve = 1;
		break;
	case STORE_RESERVE_SPENT:
		c.store_reserve = 0;
		break;
	default:
		break;
	}
	if (alerts_feed_counters(st, &cli->conf->alerts, &c, &cause) == -1) {
		(void)fprintf(stderr, "ccwatch: %s\n", cause);
		free(cause);
		c.have_outbox = 0;
	}
	return feed_to_prom(f, &c);
}

/* ccwatch feed: print the JSON feed, the calendar, the metrics or page. */
int
cli_feed(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"as-of", required_argument, NULL, 't'},
	    {"ca", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	struct feed_options fo;
	struct feed f;
	struct store *st;
	const char *format = "json", *ca = NULL;
	char *cause = NULL, *out;
	time_t as_of = timeutil_now();
	int ch, track;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'f')
			format = optarg;
		else if (ch == 't')
			as_of = cli_parse_time(optarg);
		else if (ch == 'c')
			ca = optarg;
		else
			cli_usage(2);
	}
	track = strcmp(format, "track-json") == 0 ||
	    strcmp(format, "track-html") == 0;
	if (optind != argc ||
	    (strcmp(format, "json") != 0 && strcmp(format, "json-v1") != 0 &&
		strcmp(format, "ics") != 0 && strcmp(format, "prom") != 0 &&
		strcmp(format, "html") != 0 && !track))
		cli_usage(2);
	feed_options_from_config(&fo, cli->conf);
	st = cli_open_readonly(cli, &cause);
	if (st == NULL ||
	    feed_load(st, &cli->conf->people, &cli->conf->policy, as_of, &fo,
		&f, &cause) == -1)
		goto out;
	if ((track || strcmp(format, "prom") == 0) &&
	    feed_track_load(st, &cli->conf->people, &cli->conf->policy, &fo,
		as_of, 1, &f.track, &cause) == -1) {
		if (track) {
			feed_free(&f);
			goto out;
		}
		(void)fprintf(stderr, "ccwatch: %s\n", cause);
		free(cause);
		cause = NULL;
	}
	if (strcmp(format, "prom") == 0)
		out = cli_feed_prom(cli, st, &f);
	else
		out = cli_feed_render(&f, format, ca);
	(void)fputs(out, stdout);
	free(out);
	feed_free(&f);
out:
	return cli_finish(cause, st);
}

/*
 * ccwatch config-check: load the file as the daemon does, secrets and the
 * store and feed directories included, and print every error or "OK".
 */
int
cli_config_check(struct cli *cli, int argc, char **argv)
{
	struct config *conf;
	char *cause = NULL;

	if (argc != 1)
		cli_usage(2);
	conf = config_load_flags(cli->conf_path, CONFIG_DAEMON, &cause);
	if (conf == NULL) {
		(void)fprintf(stderr, "%s\n", cause);
		free(cause);
		return 1;
	}
	config_free(conf);
	printf("%s: configuration OK\n", cli->conf_path);
	return 0;
}
