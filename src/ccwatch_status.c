/*
 * ccwatch's commands about the clocks: status (a table or JSON), explain
 * (one bug's clocks and why), check (a Nagios/Icinga plugin), question
 * (mark a comment as not a question) and whiteboard (a parse, as JSON).
 */
#include <sys/ioctl.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "ccwatch_int.h"
#include "log.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

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

/* Parse a --waiting-on name ("program" or "ca"); exits on error. */
static int
cli_parse_waiting(const char *s)
{
	if (strcmp(s, "program") == 0)
		return REPORT_WAITING_PROGRAM;
	if (strcmp(s, "ca") == 0)
		return REPORT_WAITING_CA;
	(void)fprintf(
	    stderr, "ccwatch: bad --waiting-on \"%s\": use program or ca\n", s);
	exit(2);
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
	const struct clock *c;
	size_t i, j, rows = 0, overdue = 0, soon = 0;
	int ci;

	/* What is shown: the rows, and the states of their clocks. */
	for (i = 0; i < r->nbugs; i++)
		for (j = 0; j < r->bugs[i].result.nclocks; j++) {
			ci = r->bugs[i].urgent;
			c = &r->bugs[i].result.clocks[j];
			if (r->state_filter >= 0
				? (int)c->state != r->state_filter
				: (int)j != ci)
				continue;
			rows++;
			overdue += c->state == CLOCK_OVERDUE;
			soon += c->state == CLOCK_DUE_SOON;
		}
	for (i = 0; i < r->nbugs; i++)
		rows += r->state_filter < 0 && r->bugs[i].urgent == -1;
	printf("%zu shown (%zu overdue, %zu due soon); in all %zu overdue, "
	       "%zu due soon, %zu open bugs; as of %s; last sync %s\n",
	    rows, overdue, soon, r->overdue, r->due_soon, r->open_bugs,
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

/* Under the table: the clocks shown whose whiteboard date is ambiguous. */
static void
cli_status_ambiguous(const struct report *r)
{
	const struct clock *c;
	size_t i, j, k;

	for (i = 0; i < r->nbugs; i++)
		for (j = 0; j < r->bugs[i].result.nclocks; j++) {
			c = &r->bugs[i].result.clocks[j];
			for (k = 0; k < c->warnings.n; k++)
				if (strstr(c->warnings.v[k], "ambiguous") !=
				    NULL)
					printf("ambiguous date: bug %lld %s: "
					       "%s\n",
					    (long long)r->bugs[i].bug.id,
					    policy_clock_kind_name(c->kind),
					    c->warnings.v[k]);
		}
}

/*
 * Under the table: the snoozes that hold (until when, why) and the
 * acknowledged clocks, of the bugs shown.
 */
static void
cli_status_holds(struct cli *cli, const struct report *r)
{
	struct store_hold *h = NULL;
	struct store *st;
	char *cause = NULL, iso[TIMEUTIL_ISO_LEN];
	size_t i, j, n = 0;

	st = cli_open_readonly(cli, &cause);
	if (st != NULL && store_snooze_list(st, r->as_of, &h, &n, &cause) == 0)
		for (i = 0; i < n; i++)
			for (j = 0; j < r->nbugs; j++)
				if (r->bugs[j].bug.id == h[i].bug)
					printf(
					    "snoozed: bug %lld%s%s until %s: "
					    "%s\n",
					    (long long)h[i].bug,
					    *h[i].kind != '\0' ? " " : "",
					    h[i].kind,
					    timeutil_format_iso(
						h[i].until, iso),
					    h[i].reason);
	store_hold_free(h, n);
	h = NULL;
	n = 0;
	if (st != NULL && cause == NULL &&
	    store_ack_list(st, &h, &n, &cause) == 0)
		for (i = 0; i < n; i++)
			for (j = 0; j < r->nbugs; j++)
				if (r->bugs[j].bug.id == h[i].bug)
					printf("acknowledged: bug %lld %s (%s) "
					       "at %s\n",
					    (long long)h[i].bug, h[i].kind,
					    h[i].reason,
					    timeutil_format_iso(
						h[i].set_at, iso));
	store_hold_free(h, n);
	free(cause);
	store_close(st);
}

/* ccwatch status: the table, or the JSON, of the stored bugs' clocks. */
int
cli_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"as-of", required_argument, NULL, 't'},
	    {"ca", required_argument, NULL, 'c'},
	    {"state", required_argument, NULL, 's'},
	    {"waiting-on", required_argument, NULL, 'w'},
	    {"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 0, REPORT_WAITING_ANY};
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
		case 'w':
			f.waiting = cli_parse_waiting(optarg);
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
		cli_status_ambiguous(&r);
		cli_status_holds(cli, &r);
		cli_status_dead_letters(cli);
	}
	report_free(&r);
	return 0;
}

/* ccwatch explain BUG: every clock of one bug and why. */
int
cli_explain(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 1, REPORT_WAITING_ANY};
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

/*
 * Print the plugin's status line and return its exit status; with r, the
 * performance data of the clocks and (h) of the deliveries.
 */
static int
cli_check_line(enum cli_check_status status, const char *text,
    const struct report *r, long long sync_age, const struct alerts_health *h,
    const struct config_alerts *cfg)
{
	static const char *names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

	printf("CCWATCH %s - %s", names[status], text);
	if (r != NULL)
		printf(" | overdue=%zu;;1 due_soon=%zu;1; bugs=%zu "
		       "sync_age=%llds",
		    r->overdue, r->due_soon, r->open_bugs, sync_age);
	if (r != NULL && h != NULL)
		printf(" failing_channels=%zu;1; dead_letters=%lld;;%lld",
		    h->failing, h->dead, cfg->check_dead);
	printf("\n");
	return status;
}

/*
 * Decide the plugin's status from a loaded report and the deliveries'
 * health: a failing channel is WARNING, dead letters CRITICAL.
 */
static int
cli_check_report(const struct report *r, long long age, int warn_only,
    const struct alerts_health *h, const struct config_alerts *cfg)
{
	enum cli_check_status status = CHECK_OK;
	char *text;
	int rc;

	if (r->overdue > 0 || h->critical)
		status = warn_only ? CHECK_WARNING : CHECK_CRITICAL;
	else if (r->due_soon > 0 || h->warning)
		status = CHECK_WARNING;
	xasprintf(&text, "%zu overdue, %zu due soon, %zu open bugs%s%s",
	    r->overdue, r->due_soon, r->open_bugs,
	    h->text[0] != '\0' ? "; alerts: " : "", h->text);
	rc = cli_check_line(status, text, r, age, h, cfg);
	free(text);
	return rc;
}

/*
 * Add the store's reserve to the deliveries' health: a spent one means the
 * disk is full and the daemon sends nothing, which is CRITICAL.
 */
static void
cli_check_reserve(const struct config *conf, struct alerts_health *h)
{
	size_t len = strlen(h->text);

	if (store_reserve_inspect(conf->store_path,
		conf->store_reserve_kib * 1024) != STORE_RESERVE_SPENT)
		return;
	h->critical = 1;
	(void)snprintf(h->text + len, sizeof h->text - len,
	    "%sthe store's disk is full: its reserve is spent and delivery "
	    "is paused",
	    len > 0 ? "; " : "");
}

/* ccwatch check: a Nagios/Icinga plugin over the store. */
int
cli_check(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"warn-only", no_argument, NULL, 'w'},
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct report_filter f = {0, NULL, -1, 1, REPORT_WAITING_ANY};
	struct alerts_health health;
	struct store_cursor cur;
	struct report r;
	struct store *st;
	char *cause = NULL, *text = NULL, esc[256];
	time_t as_of, now = timeutil_now();
	long long age = 0;
	int ch, warn_only = 0, rc = CHECK_UNKNOWN;

	memset(&r, 0, sizeof r);
	memset(&cur, 0, sizeof cur);
	memset(&health, 0, sizeof health);
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
		rc = cli_check_line(CHECK_UNKNOWN, text, NULL, 0, NULL, NULL);
		goto out;
	}
	if (report_load(st, &cli->conf->people, &cli->conf->policy, as_of, &f,
		&r, &cause) == -1 ||
	    alerts_health(st, &cli->conf->alerts, &health, &cause) == -1)
		goto out;
	cli_check_reserve(cli->conf, &health);
	rc = cli_check_report(&r, age, warn_only, &health, &cli->conf->alerts);
out:
	alerts_health_free(&health);
	if (cause != NULL)
		rc = cli_check_line(CHECK_UNKNOWN,
		    log_escape(esc, sizeof esc, cause), NULL, 0, NULL, NULL);
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
int
cli_question(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"not-a-question", no_argument, NULL, 'n'},
	    {"clear", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	struct store *st = NULL;
	char *cause = NULL;
	int64_t bug, k, id = 0;
	int ch, mode = 0, found;

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
	st = cli_open_existing(cli, &cause);
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
out:
	return cli_finish(cause, st);
}

/*
 * ccwatch whiteboard [--as-of TIME] TEXT: print the parse as JSON.  TIME
 * (default now) is when the text was written, for a date without a year.
 */
int
cli_whiteboard(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct whiteboard wb;
	time_t written;
	char *json;
	int ch;

	(void)cli;
	written = timeutil_now();
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 't')
			cli_usage(2);
		written = cli_parse_time(optarg);
	}
	if (optind != argc - 1)
		cli_usage(2);
	whiteboard_parse_at(argv[optind], written, &wb);
	json = whiteboard_to_json(&wb);
	printf("%s\n", json);
	free(json);
	whiteboard_free(&wb);
	return 0;
}
