/*
 * ccwatch: the command-line interface, one function per subcommand.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "bugzilla.h"
#include "ccwatch.h"
#include "config.h"
#include "feed.h"
#include "log.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "sync.h"
#include "timeutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

#define CCWATCH_DEFAULT_CONF SYSCONFDIR "/ccwatch/ccwatch.conf"

struct cli {
	const char *conf_path;
	struct config *conf;
	int verbose;
};

/* The Nagios plugin's exit statuses. */
enum cli_check_status {
	CHECK_OK,
	CHECK_WARNING,
	CHECK_CRITICAL,
	CHECK_UNKNOWN
};

struct cli_command {
	const char *name;
	int need_config; /* 1; 2: a bad config is UNKNOWN */
	int secrets;     /* 1: reads the secret files; 2: only with --run */
	int (*run)(struct cli *, int, char **);
	const char *usage;
};

static int cli_sync(struct cli *, int, char **);
static int cli_whiteboard(struct cli *, int, char **);
static int cli_config_check(struct cli *, int, char **);
static int cli_version(struct cli *, int, char **);
static int cli_status(struct cli *, int, char **);
static int cli_explain(struct cli *, int, char **);
static int cli_check(struct cli *, int, char **);
static int cli_question(struct cli *, int, char **);
static int cli_snooze(struct cli *, int, char **);
static int cli_unsnooze(struct cli *, int, char **);
static int cli_ack(struct cli *, int, char **);
static int cli_alerts(struct cli *, int, char **);
static int cli_test_notify(struct cli *, int, char **);
static int cli_feed(struct cli *, int, char **);

static const struct cli_command cli_commands[] = {
    {"sync", 1, 1, cli_sync, "sync [--full]"},
    {"status", 1, 0, cli_status,
	"status [--json] [--as-of TIME] [--ca NAME] "
	"[--state overdue|due-soon|ok|met|paused] [--all]"},
    {"explain", 1, 0, cli_explain, "explain BUG [--as-of TIME]"},
    {"check", 2, 0, cli_check, "check [--warn-only] [--as-of TIME]"},
    {"question", 1, 0, cli_question,
	"question BUG COMMENT --not-a-question|--clear"},
    {"snooze", 1, 0, cli_snooze,
	"snooze BUG [--clock KIND] --until TIME|+DURATION --reason TEXT"},
    {"unsnooze", 1, 0, cli_unsnooze, "unsnooze BUG [--clock KIND]"},
    {"ack", 1, 0, cli_ack, "ack BUG [--clock KIND]"},
    {"alerts", 1, 2, cli_alerts, "alerts [--json] | --run [--as-of TIME]"},
    {"test-notify", 1, 1, cli_test_notify, "test-notify CHANNEL"},
    {"feed", 1, 0, cli_feed,
	"feed --format json|ics|prom|html [--ca NAME] [--as-of TIME]"},
    {"whiteboard", 0, 0, cli_whiteboard, "whiteboard TEXT"},
    {"config-check", 1, 1, cli_config_check, "config-check"},
    {"version", 0, 0, cli_version, "version"},
};

/* Print the usage and exit with status. */
static void CCWATCH_NORETURN
cli_usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;
	size_t i;

	(void)fprintf(f,
	    "usage: ccwatch [-v] [-c FILE] COMMAND [ARGS]\n"
	    "commands:\n");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++)
		(void)fprintf(f, "  ccwatch %s\n", cli_commands[i].usage);
	(void)fprintf(f, "FILE defaults to %s\n", CCWATCH_DEFAULT_CONF);
	(void)fprintf(
	    f, "TIME is now, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n");
	exit(status);
}

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

/* ccwatch sync [--full]: one poll cycle into the store. */
static int
cli_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"full", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct bugzilla_options bo;
	struct sync_options so;
	struct sync_stats stats;
	struct bugzilla *bz = NULL;
	struct store *st = NULL;
	char *cause = NULL;
	int ch, rc = 1;

	sync_options_from_config(&so, cli->conf);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'f')
			cli_usage(2);
		so.full = 1;
	}
	if (optind != argc)
		cli_usage(2);
	so.progress = cli_progress;
	bugzilla_options_from_config(&bo, cli->conf);
	st = store_open(cli->conf->store_path, &cause);
	if (st == NULL)
		goto out;
	bz = bugzilla_new(&bo, &cause);
	if (bz == NULL)
		goto out;
	if (sync_run(bz, st, &so, &stats, &cause) == -1)
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

/* ccwatch whiteboard TEXT: print the parse as JSON. */
static int
cli_whiteboard(struct cli *cli, int argc, char **argv)
{
	struct whiteboard wb;
	char *json;

	if (argc != 2)
		cli_usage(2);
	whiteboard_parse(argv[1], &wb);
	json = whiteboard_to_json(&wb);
	printf("%s\n", json);
	free(json);
	whiteboard_free(&wb);
	return 0;
}

/* Parse a TIME argument: "now" or an ISO 8601 UTC time; exits on error. */
static time_t
cli_parse_time(const char *s)
{
	time_t t;

	if (strcmp(s, "now") == 0)
		return timeutil_now();
	if (timeutil_parse_iso(s, &t) == -1) {
		(void)fprintf(stderr,
		    "ccwatch: bad time \"%s\": use now, YYYY-MM-DD "
		    "or YYYY-MM-DDTHH:MM:SSZ\n",
		    s);
		exit(2);
	}
	return t;
}

/* Parse a bug or comment number; exits on error. */
static int64_t
cli_parse_number(const char *what, const char *s, long long min)
{
	const char *errstr;
	long long n;

	if (timeutil_strtonum(s, min, INT64_MAX, &n, &errstr) == -1) {
		(void)fprintf(
		    stderr, "ccwatch: bad %s \"%s\": %s\n", what, s, errstr);
		exit(2);
	}
	return n;
}

/* Parse a --state name into an enum clock_state; exits on error. */
static int
cli_parse_state(const char *s)
{
	int i;

	for (i = CLOCK_OK; i <= CLOCK_PAUSED; i++)
		if (strcmp(s, policy_clock_state_name(i)) == 0)
			return i;
	(void)fprintf(stderr,
	    "ccwatch: bad state \"%s\": use overdue, due-soon, "
	    "ok, met or paused\n",
	    s);
	exit(2);
}

/* Open the configured store read-only. */
static struct store *
cli_open_readonly(struct cli *cli, char **cause)
{
	return store_open_readonly(cli->conf->store_path, cause);
}

/* Load a report of the store at as_of; prints the error and returns -1. */
static int
cli_load_report(struct cli *cli, time_t as_of, const struct report_filter *f,
    struct report *r)
{
	struct store *st;
	char *cause = NULL;
	int rc = -1;

	st = cli_open_readonly(cli, &cause);
	if (st != NULL &&
	    report_load(st, &cli->conf->people, &cli->conf->policy, as_of, f, r,
		&cause) == 0)
		rc = 0;
	if (cause != NULL) {
		(void)fprintf(stderr, "ccwatch: %s\n", cause);
		free(cause);
	}
	store_close(st);
	return rc;
}

/* The terminal's width for the table, or 0 when stdout is no terminal. */
static int
cli_terminal_width(void)
{
	struct winsize ws;
	const char *cols;
	long long n;
	const char *errstr;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = getenv("COLUMNS");
	if (cols != NULL &&
	    timeutil_strtonum(cols, 20, 10000, &n, &errstr) == 0)
		return (int)n;
	return 80;
}

/* The line under the table: totals, moment, last sync. */
static void
cli_status_footer(const struct report *r)
{
	char asof[TIMEUTIL_ISO_LEN], sync[TIMEUTIL_ISO_LEN];

	printf("%zu shown; %zu overdue, %zu due soon, %zu open bugs; as of %s; "
	       "last sync %s\n",
	    r->nbugs, r->overdue, r->due_soon, r->open_bugs,
	    timeutil_format_iso(r->as_of, asof),
	    r->last_sync != 0 ? timeutil_format_iso(r->last_sync, sync)
			      : "never");
}

/* Warn under the table when the outbox holds dead letters. */
static void
cli_status_dead_letters(struct cli *cli)
{
	struct alerts_counts c;
	struct store *st;
	char *cause = NULL;

	st = cli_open_readonly(cli, &cause);
	if (st != NULL && alerts_counts(st, &c, &cause) == 0 && c.dead > 0)
		printf("%lld alert deliveries failed for good (dead letters): "
		       "see ccwatch alerts\n",
		    c.dead);
	free(cause);
	store_close(st);
}

/* ccwatch status: the table, or the JSON, of the stored bugs' clocks. */
static int
cli_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"as-of", required_argument, NULL, 't'},
	    {"ca", required_argument, NULL, 'c'},
	    {"state", required_argument, NULL, 's'},
	    {"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 0};
	struct report_style style;
	struct report r;
	const char *nc;
	time_t as_of;
	char *json;
	int ch, as_json = 0;

	as_of = timeutil_now();
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			as_json = 1;
			break;
		case 't':
			as_of = cli_parse_time(optarg);
			break;
		case 'c':
			f.ca = optarg;
			break;
		case 's':
			f.state = cli_parse_state(optarg);
			break;
		case 'a':
			f.all = 1;
			break;
		default:
			cli_usage(2);
		}
	}
	if (optind != argc)
		cli_usage(2);
	if (cli_load_report(cli, as_of, &f, &r) == -1)
		return 1;
	if (as_json) {
		json = report_to_json(&r);
		(void)fputs(json, stdout);
		free(json);
	} else {
		nc = getenv("NO_COLOR");
		style.width = cli_terminal_width();
		style.colour =
		    isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
		report_write_table(&r, &style, stdout);
		cli_status_footer(&r);
		cli_status_dead_letters(cli);
	}
	report_free(&r);
	return 0;
}

/* Render the loaded feed in format (json, ics, prom, html); NULL if bad. */
static char *
cli_feed_render(const struct feed *f, const char *format, const char *ca)
{
	struct feed_query q;
	char *out;

	if (strcmp(format, "json") == 0)
		return feed_to_json(f);
	if (strcmp(format, "ics") == 0)
		return feed_to_ics(f, ca);
	if (strcmp(format, "prom") == 0)
		return feed_to_prom(f, NULL);
	if (strcmp(format, "html") != 0)
		return NULL;
	memset(&q, 0, sizeof q);
	q.state = -1;
	feed_query_set(&q, "ca", ca);
	out = feed_to_html(f, &q);
	feed_query_free(&q);
	return out;
}

/* ccwatch feed: print the JSON feed, the calendar, the metrics or page. */
static int
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
	int ch, rc = 1;

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
	if (optind != argc ||
	    (strcmp(format, "json") != 0 && strcmp(format, "ics") != 0 &&
		strcmp(format, "prom") != 0 && strcmp(format, "html") != 0))
		cli_usage(2);
	feed_options_from_config(&fo, cli->conf);
	st = cli_open_readonly(cli, &cause);
	if (st == NULL ||
	    feed_load(st, &cli->conf->people, &cli->conf->policy, as_of, &fo,
		&f, &cause) == -1)
		goto out;
	out = cli_feed_render(&f, format, ca);
	(void)fputs(out, stdout);
	free(out);
	feed_free(&f);
	rc = 0;
out:
	if (cause != NULL) {
		(void)fprintf(stderr, "ccwatch: %s\n", cause);
		free(cause);
	}
	store_close(st);
	return rc;
}

/* ccwatch explain BUG: every clock of one bug and why. */
static int
cli_explain(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 1};
	struct report r;
	time_t as_of;
	int ch;

	as_of = timeutil_now();
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 't')
			cli_usage(2);
		as_of = cli_parse_time(optarg);
	}
	if (optind != argc - 1)
		cli_usage(2);
	f.bug_id = cli_parse_number("bug", argv[optind], 1);
	if (cli_load_report(cli, as_of, &f, &r) == -1)
		return 1;
	if (r.nbugs == 0)
		printf("Bug %lld was not filed yet at that time.\n",
		    (long long)f.bug_id);
	report_write_explain(&r, stdout);
	report_free(&r);
	return 0;
}

/* Print the plugin's status line and return its exit status. */
static int
cli_check_line(enum cli_check_status status, const char *text,
    const struct report *r, long long sync_age)
{
	static const char *names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

	printf("CCWATCH %s - %s", names[status], text);
	if (r != NULL)
		printf(" | overdue=%zu;;1 due_soon=%zu;1; bugs=%zu "
		       "sync_age=%llds",
		    r->overdue, r->due_soon, r->open_bugs, sync_age);
	printf("\n");
	return status;
}

/* Decide the plugin's status from a loaded report. */
static int
cli_check_report(const struct report *r, long long age, int warn_only)
{
	enum cli_check_status status = CHECK_OK;
	char *text;
	int rc;

	if (r->overdue > 0)
		status = warn_only ? CHECK_WARNING : CHECK_CRITICAL;
	else if (r->due_soon > 0)
		status = CHECK_WARNING;
	xasprintf(&text, "%zu overdue, %zu due soon, %zu open bugs", r->overdue,
	    r->due_soon, r->open_bugs);
	rc = cli_check_line(status, text, r, age);
	free(text);
	return rc;
}

/* ccwatch check: a Nagios/Icinga plugin over the store. */
static int
cli_check(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"warn-only", no_argument, NULL, 'w'},
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 1};
	struct store_cursor cur;
	struct report r;
	struct store *st;
	char *cause = NULL, *text = NULL, esc[256];
	time_t as_of, now = timeutil_now();
	long long age = 0;
	int ch, warn_only = 0, rc = CHECK_UNKNOWN;

	memset(&r, 0, sizeof r);
	memset(&cur, 0, sizeof cur);
	as_of = now;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'w')
			warn_only = 1;
		else if (ch == 't')
			as_of = cli_parse_time(optarg);
		else
			cli_usage(CHECK_UNKNOWN);
	}
	if (optind != argc)
		cli_usage(CHECK_UNKNOWN);
	st = cli_open_readonly(cli, &cause);
	if (st == NULL || store_get_cursor(st, &cur, &cause) == -1)
		goto out;
	age = (long long)(now - cur.last_sync);
	if (cur.last_sync == 0)
		xasprintf(&text, "the store was never synced");
	else if (age > cli->conf->stale_after)
		xasprintf(&text,
		    "last successful sync %llds ago (stale after "
		    "%llds)",
		    age, cli->conf->stale_after);
	if (text != NULL) {
		rc = cli_check_line(CHECK_UNKNOWN, text, NULL, 0);
		goto out;
	}
	if (report_load(st, &cli->conf->people, &cli->conf->policy, as_of, &f,
		&r, &cause) == -1)
		goto out;
	rc = cli_check_report(&r, age, warn_only);
out:
	if (cause != NULL)
		rc = cli_check_line(
		    CHECK_UNKNOWN, log_escape(esc, sizeof esc, cause), NULL, 0);
	free(cause);
	free(text);
	store_cursor_free(&cur);
	report_free(&r);
	store_close(st);
	return rc;
}

/* Find the id of comment count k of bug; 1 found, 0 absent, -1 error. */
static int
cli_comment_id(
    struct store *st, int64_t bug, int64_t k, int64_t *id, char **cause)
{
	struct comment_list cl;
	size_t i;
	int rc = 0;

	memset(&cl, 0, sizeof cl);
	if (store_get_comments(st, bug, &cl, cause) == -1)
		return -1;
	for (i = 0; i < cl.n; i++) {
		if (cl.v[i].count == k) {
			*id = cl.v[i].id;
			rc = 1;
			break;
		}
	}
	comment_list_free(&cl);
	return rc;
}

/* ccwatch question BUG COMMENT --not-a-question|--clear. */
static int
cli_question(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"not-a-question", no_argument, NULL, 'n'},
	    {"clear", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	struct store *st = NULL;
	char *cause = NULL;
	int64_t bug, k, id = 0;
	int ch, mode = 0, rc = 1, found;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((ch != 'n' && ch != 'c') || (mode != 0 && mode != ch))
			cli_usage(2);
		mode = ch;
	}
	if (mode == 0 || optind != argc - 2)
		cli_usage(2);
	bug = cli_parse_number("bug", argv[optind], 1);
	k = cli_parse_number("comment", argv[optind + 1], 0);
	if (access(cli->conf->store_path, F_OK) == -1) {
		xasprintf(&cause, "store: %s: %s", cli->conf->store_path,
		    strerror(errno));
		goto out;
	}
	st = store_open(cli->conf->store_path, &cause);
	if (st == NULL)
		goto out;
	found = cli_comment_id(st, bug, k, &id, &cause);
	if (found == 0)
		xasprintf(&cause, "bug %lld has no stored comment %lld",
		    (long long)bug, (long long)k);
	if (found != 1)
		goto out;
	if (mode == 'n') {
		if (store_set_not_question(st, bug, id, &cause) == -1)
			goto out;
		printf("bug %lld comment %lld: not a question\n",
		    (long long)bug, (long long)k);
	} else {
		found = store_clear_not_question(st, bug, id, &cause);
		if (found == -1)
			goto out;
		printf("bug %lld comment %lld: %s\n", (long long)bug,
		    (long long)k,
		    found ? "mark cleared"
			  : "was not marked; nothing to clear");
	}
	rc = 0;
out:
	if (cause != NULL) {
		(void)fprintf(stderr, "ccwatch: %s\n", cause);
		free(cause);
	}
	store_close(st);
	return rc;
}

/* Open the configured store for writing; it must exist already. */
static struct store *
cli_open_existing(struct cli *cli, char **cause)
{
	if (access(cli->conf->store_path, F_OK) == -1) {
		xasprintf(cause, "store: %s: %s", cli->conf->store_path,
		    strerror(errno));
		return NULL;
	}
	return store_open(cli->conf->store_path, cause);
}

/* Print a command's error, if any, and return its exit status. */
static int
cli_finish(char *cause, struct store *st)
{
	store_close(st);
	if (cause == NULL)
		return 0;
	(void)fprintf(stderr, "ccwatch: %s\n", cause);
	free(cause);
	return 1;
}

/* Parse --clock KIND; exits on a name that is not a clock. */
static const char *
cli_parse_kind(const char *s)
{
	if (!config_valid_kind(s)) {
		(void)fprintf(stderr,
		    "ccwatch: bad clock \"%s\": use initial-report, "
		    "full-report, response, update or revocation-update\n",
		    s);
		exit(2);
	}
	return s;
}

/* Parse a snooze's end: a TIME, or +DURATION from now (+3d, +12h). */
static time_t
cli_parse_until(const char *s)
{
	long long secs;
	char *cause = NULL;

	if (*s != '+')
		return cli_parse_time(s);
	if (timeutil_parse_duration(s + 1, &secs, &cause) == -1) {
		(void)fprintf(stderr, "ccwatch: bad --until: %s\n", cause);
		free(cause);
		exit(2);
	}
	return timeutil_now() + (time_t)secs;
}

/* Parse "BUG [--clock KIND]" and the extra options of snooze. */
static int64_t
cli_parse_bug_clock(int argc, char **argv, const char **kind, time_t *until,
    const char **reason)
{
	static const struct option longopts[] = {
	    {"clock", required_argument, NULL, 'k'},
	    {"until", required_argument, NULL, 'u'},
	    {"reason", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
	int ch;

	*kind = NULL;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'k')
			*kind = cli_parse_kind(optarg);
		else if (ch == 'u' && until != NULL)
			*until = cli_parse_until(optarg);
		else if (ch == 'r' && reason != NULL)
			*reason = optarg;
		else
			cli_usage(2);
	}
	if (optind != argc - 1)
		cli_usage(2);
	return cli_parse_number("bug", argv[optind], 1);
}

/* ccwatch snooze BUG [--clock KIND] --until TIME --reason TEXT. */
static int
cli_snooze(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	const char *kind, *reason = NULL;
	char *cause = NULL, iso[TIMEUTIL_ISO_LEN];
	time_t until = 0;
	int64_t bug;

	bug = cli_parse_bug_clock(argc, argv, &kind, &until, &reason);
	if (until == 0 || reason == NULL || *reason == '\0')
		cli_usage(2);
	st = cli_open_existing(cli, &cause);
	if (st != NULL &&
	    alerts_snooze(
		st, bug, kind, until, reason, timeutil_now(), &cause) == 0)
		printf("bug %lld%s%s: snoozed until %s (cleared early when the "
		       "bug changes)\n",
		    (long long)bug, kind != NULL ? " " : "",
		    kind != NULL ? kind : "", timeutil_format_iso(until, iso));
	return cli_finish(cause, st);
}

/* ccwatch unsnooze BUG [--clock KIND]. */
static int
cli_unsnooze(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	const char *kind;
	char *cause = NULL;
	int64_t bug;
	int n;

	bug = cli_parse_bug_clock(argc, argv, &kind, NULL, NULL);
	st = cli_open_existing(cli, &cause);
	n = st != NULL ? alerts_unsnooze(st, bug, kind, &cause) : -1;
	if (n >= 0)
		printf("bug %lld: %d snooze%s removed\n", (long long)bug, n,
		    n == 1 ? "" : "s");
	return cli_finish(cause, st);
}

/* ccwatch ack BUG [--clock KIND]. */
static int
cli_ack(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	const char *kind;
	char *cause = NULL;
	int64_t bug;
	int n;

	bug = cli_parse_bug_clock(argc, argv, &kind, NULL, NULL);
	st = cli_open_existing(cli, &cause);
	n = st != NULL ? alerts_ack(st, bug, kind, timeutil_now(), &cause) : -1;
	if (n >= 0)
		printf("bug %lld: %d alerting clock%s acknowledged; repeats "
		       "stay silent until the state changes\n",
		    (long long)bug, n, n == 1 ? "" : "s");
	return cli_finish(cause, st);
}

/*
 * ccwatch alerts --run: one evaluation and delivery, as the daemon makes
 * after a cycle, at now or at --as-of (with [alerts] dry_run, a preview).
 */
static int
cli_alerts_run(struct cli *cli, time_t at)
{
	struct alerts_stats as;
	struct config *conf;
	struct alerts *al = NULL;
	struct store *st;
	char *cause = NULL;

	memset(&as, 0, sizeof as);
	conf = config_load(cli->conf_path, &cause);
	st = conf != NULL ? cli_open_existing(cli, &cause) : NULL;
	al = st != NULL ? alerts_new(&conf->alerts, &cause) : NULL;
	if (al != NULL &&
	    alerts_run_cycle(al, st, &cli->conf->people, &cli->conf->policy, at,
		&as, &cause) == 0)
		printf("alerts: %zu clocks, %zu transitions, %zu repeats, %zu "
		       "digests, %zu summaries, %zu queued; %zu sent, %zu "
		       "logged (dry run), %zu failed, %zu dead\n",
		    as.clocks, as.transitions, as.repeats, as.digests,
		    as.summaries, as.queued, as.sent, as.dry_run, as.failed,
		    as.dead);
	alerts_free(al);
	config_free(conf);
	return cli_finish(cause, st);
}

/* ccwatch alerts [--json]: the ledger, the outbox, the dead letters. */
static int
cli_alerts(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'}, {"run", no_argument, NULL, 'r'},
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct store *st;
	char *cause = NULL, *json;
	time_t at = timeutil_now();
	int ch, as_json = 0, run = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'j')
			as_json = 1;
		else if (ch == 'r')
			run = 1;
		else if (ch == 't')
			at = cli_parse_time(optarg);
		else
			cli_usage(2);
	}
	if (optind != argc)
		cli_usage(2);
	if (run)
		return cli_alerts_run(cli, at);
	st = cli_open_readonly(cli, &cause);
	if (st == NULL)
		return cli_finish(cause, st);
	if (as_json) {
		json = alerts_to_json(st, at, &cause);
		if (json != NULL)
			printf("%s\n", json);
		free(json);
	} else
		alerts_write_text(st, at, stdout, &cause);
	return cli_finish(cause, st);
}

/* ccwatch test-notify CHANNEL: a sample alert through one channel. */
static int
cli_test_notify(struct cli *cli, int argc, char **argv)
{
	struct alerts *al;
	char *cause = NULL;

	if (argc != 2)
		cli_usage(2);
	al = alerts_new(&cli->conf->alerts, &cause);
	if (al != NULL &&
	    alerts_test_notify(al, argv[1], timeutil_now(), &cause) == 0)
		printf("test alert sent through channel %s\n", argv[1]);
	alerts_free(al);
	return cli_finish(cause, NULL);
}

/* ccwatch config-check: the configuration was loaded, so it is valid. */
static int
cli_config_check(struct cli *cli, int argc, char **argv)
{
	printf("%s: configuration OK\n", cli->conf_path);
	return 0;
}

/* ccwatch version: this program's and its libraries' versions. */
static int
cli_version(struct cli *cli, int argc, char **argv)
{
	printf("ccwatch %s\n", CCWATCH_VERSION);
	return 0;
}

/*
 * Whether a command reads the secret files: those that talk to Bugzilla or
 * deliver alerts do, those that only read the store do not, so that they
 * run where the service's credentials are not (a monitoring check).
 */
static int
cli_needs_secrets(const struct cli_command *cmd, int argc, char **argv)
{
	int i;

	if (cmd->secrets != 2)
		return cmd->secrets;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--run") == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	char *cause = NULL;
	size_t i;
	int ch, rc;

	memset(&cli, 0, sizeof cli);
	cli.conf_path = CCWATCH_DEFAULT_CONF;
	while ((ch = getopt(argc, argv, "+c:hv")) != -1) {
		switch (ch) {
		case 'c':
			cli.conf_path = optarg;
			break;
		case 'h':
			cli_usage(0);
			/* NOTREACHED */
		case 'v':
			cli.verbose++;
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		cli_usage(2);
	log_init(1, cli.verbose, "ccwatch");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++)
		if (strcmp(argv[0], cli_commands[i].name) == 0)
			break;
	if (i == CCWATCH_NELEM(cli_commands)) {
		(void)fprintf(
		    stderr, "ccwatch: unknown command: %s\n", argv[0]);
		cli_usage(2);
	}
	if (cli_commands[i].need_config) {
		cli.conf = config_load_flags(cli.conf_path,
		    cli_needs_secrets(&cli_commands[i], argc, argv)
			? 0
			: CONFIG_NO_SECRETS,
		    &cause);
		if (cli.conf == NULL && cli_commands[i].need_config == 2) {
			cause[strcspn(cause, "\n")] = '\0';
			printf("CCWATCH UNKNOWN - configuration: %s\n", cause);
			free(cause);
			return CHECK_UNKNOWN;
		}
		if (cli.conf == NULL) {
			(void)fprintf(stderr, "%s\n", cause);
			free(cause);
			return 1;
		}
	}
	rc = cli_commands[i].run(&cli, argc, argv);
	config_free(cli.conf);
	/* Output that did not reach its file (a full disk) is a failure. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		(void)fprintf(stderr, "ccwatch: standard output: %s\n",
		    strerror(errno != 0 ? errno : EIO));
		return rc != 0 ? rc : 1;
	}
	return rc;
}
