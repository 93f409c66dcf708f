/*
 * ccwatch's commands about alerts: the listing of the ledger, the outbox
 * and the dead letters (or one run of the daemon's evaluation and
 * delivery), snooze, unsnooze, ack, and a test alert through a channel.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "ccwatch_int.h"
#include "config.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Parse --clock KIND; exits on a name that is not a clock. */
static const char *
cli_parse_kind(const char *s)
{
	if (!config_valid_kind(s)) {
		(void)fprintf(stderr,
		    "ccwatch: bad clock \"%s\": use initial-report, "
		    "full-report, response, update, revocation-update or "
		    "action-item\n",
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

/*
 * 0 if bug is in the store and, with kind, has a clock of that kind (an
 * action item's or an account's instance counts as its kind's), as the
 * policy engine evaluates it now; else -1 with *cause.
 */
static int
cli_check_target(struct cli *cli, struct store *st, int64_t bug,
    const char *kind, char **cause)
{
	struct report_filter f = {0, NULL, -1, 1, REPORT_WAITING_ANY};
	const struct policy_result *res;
	struct report r;
	size_t i;
	int found = kind == NULL;

	f.bug_id = bug;
	if (report_load(st, &cli->conf->people, &cli->conf->policy,
		timeutil_now(), &f, &r, cause) == -1)
		return -1;
	if (r.nbugs == 0) {
		xasprintf(cause,
		    "bug %lld is not in the store (ccwatch sync fetches the "
		    "compliance bugs)",
		    (long long)bug);
		report_free(&r);
		return -1;
	}
	res = &r.bugs[0].result;
	for (i = 0; i < res->nclocks && !found; i++)
		found = strcmp(policy_clock_kind_name(res->clocks[i].kind),
			    kind) == 0;
	for (i = 0; i < res->nwaiting && !found; i++)
		found = strcmp(policy_waiting_kind_name(res->waiting[i].kind),
			    kind) == 0;
	if (!found)
		xasprintf(cause,
		    "bug %lld has no %s clock (ccwatch explain %lld lists "
		    "its clocks)",
		    (long long)bug, kind, (long long)bug);
	report_free(&r);
	return found ? 0 : -1;
}

/* Exit 2 naming the option a command lacks. */
static void
cli_missing(const char *command, const char *option)
{
	(void)fprintf(stderr, "ccwatch: %s: %s is required\n", command, option);
	cli_usage(2);
}

/* ccwatch snooze BUG [--clock KIND] --until TIME --reason TEXT. */
int
cli_snooze(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	const char *kind, *reason = NULL;
	char *cause = NULL, iso[TIMEUTIL_ISO_LEN];
	time_t until = 0;
	int64_t bug;

	bug = cli_parse_bug_clock(argc, argv, &kind, &until, &reason);
	if (until == 0)
		cli_missing("snooze", "--until TIME");
	if (reason == NULL || *reason == '\0')
		cli_missing("snooze", "--reason TEXT");
	st = cli_open_existing(cli, &cause);
	if (st != NULL && cli_check_target(cli, st, bug, kind, &cause) == 0 &&
	    alerts_snooze(
		st, bug, kind, until, reason, timeutil_now(), &cause) == 0)
		printf("bug %lld%s%s: snoozed until %s (cleared early when the "
		       "bug changes)\n",
		    (long long)bug, kind != NULL ? " " : "",
		    kind != NULL ? kind : "", timeutil_format_iso(until, iso));
	return cli_finish(cause, st);
}

/*
 * ccwatch unsnooze|ack BUG [--clock KIND]: remove a bug's snoozes, or
 * acknowledge its alerting clocks (ack set; the bug and the clock must
 * exist).
 */
static int
cli_clock_command(struct cli *cli, int argc, char **argv, int ack)
{
	struct store *st;
	const char *kind;
	char *cause = NULL;
	int64_t bug;
	int n = -1;

	bug = cli_parse_bug_clock(argc, argv, &kind, NULL, NULL);
	st = cli_open_existing(cli, &cause);
	if (st != NULL && ack &&
	    cli_check_target(cli, st, bug, kind, &cause) == 0)
		n = alerts_ack(st, bug, kind, timeutil_now(), &cause);
	else if (st != NULL && !ack)
		n = alerts_unsnooze(st, bug, kind, &cause);
	if (n >= 0 && ack)
		printf("bug %lld: %d alerting clock%s acknowledged; repeats "
		       "stay silent until the state changes\n",
		    (long long)bug, n, n == 1 ? "" : "s");
	else if (n >= 0)
		printf("bug %lld: %d snooze%s removed\n", (long long)bug, n,
		    n == 1 ? "" : "s");
	return cli_finish(cause, st);
}

/* ccwatch unsnooze BUG [--clock KIND]. */
int
cli_unsnooze(struct cli *cli, int argc, char **argv)
{
	return cli_clock_command(cli, argc, argv, 0);
}

/* ccwatch ack BUG [--clock KIND]. */
int
cli_ack(struct cli *cli, int argc, char **argv)
{
	return cli_clock_command(cli, argc, argv, 1);
}

/*
 * ccwatch alerts --run: one evaluation and delivery, as the daemon makes
 * after a cycle, at now or at a past --as-of (with [alerts] dry_run, a
 * preview).  An --as-of still to come is a dry run that says so: what
 * would fire is printed, nothing is sent and the ledger is not written.
 */
static int
cli_alerts_run(struct cli *cli, time_t at)
{
	struct alerts_stats as;
	struct config *conf;
	struct alerts *al = NULL;
	struct store *st;
	char *cause = NULL, iso[TIMEUTIL_ISO_LEN];

	memset(&as, 0, sizeof as);
	conf = config_load(cli->conf_path, &cause);
	st = conf != NULL ? cli_open_existing(cli, &cause) : NULL;
	al = st != NULL ? alerts_new(&conf->alerts, &cause) : NULL;
	if (al != NULL && at > timeutil_now()) {
		printf("alerts: dry run: %s is in the future; nothing is sent "
		       "and the ledger is left as it is\n",
		    timeutil_format_iso(at, iso));
		if (alerts_preview(al, st, &cli->conf->people,
			&cli->conf->policy, at, stdout, &as, &cause) == 0)
			printf("alerts: %zu clocks, %zu would fire (%zu "
			       "transitions, %zu repeats)\n",
			    as.clocks, as.transitions + as.repeats,
			    as.transitions, as.repeats);
	} else if (al != NULL &&
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

/* ccwatch alerts --retry-dead [ID...]: dead letters back in the queue. */
static int
cli_alerts_retry(struct cli *cli, const char *const *ids, int n)
{
	struct store *st;
	char *cause = NULL;
	int r = -1;

	st = cli_open_existing(cli, &cause);
	if (st != NULL)
		r = alerts_retry_dead(
		    st, ids, (size_t)n, timeutil_now(), &cause);
	if (r >= 0)
		printf("alerts: %d dead letter%s back in the queue%s\n", r,
		    r == 1 ? "" : "s",
		    r < n ? " (an id that is not a dead letter was skipped)"
			  : "");
	return cli_finish(cause, st);
}

/* ccwatch alerts [--json]: the ledger, the outbox, the dead letters. */
int
cli_alerts(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'}, {"run", no_argument, NULL, 'r'},
	    {"as-of", required_argument, NULL, 't'},
	    {"retry-dead", no_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	struct store *st;
	char *cause = NULL, *json;
	time_t at = timeutil_now();
	int ch, as_json = 0, run = 0, retry = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'j')
			as_json = 1;
		else if (ch == 'r')
			run = 1;
		else if (ch == 't')
			at = cli_parse_time(optarg);
		else if (ch == 'd')
			retry = 1;
		else
			cli_usage(2);
	}
	if (retry && !run && !as_json)
		return cli_alerts_retry(
		    cli, (const char *const *)argv + optind, argc - optind);
	if (optind != argc || retry)
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
int
cli_test_notify(struct cli *cli, int argc, char **argv)
{
	struct alerts *al;
	char *cause = NULL;

	if (argc != 2)
		cli_usage(2);
	al = alerts_new(&cli->conf->alerts, &cause);
	if (al != NULL &&
	    alerts_test_notify(al, argv[1], cli->conf->policy.base_url,
		timeutil_now(), &cause) == 0)
		printf("test alert sent through channel %s\n", argv[1]);
	alerts_free(al);
	return cli_finish(cause, NULL);
}
