/*
 * ccwatch: the command-line interface.  main reads the global options and
 * the configuration, then runs one command of the table below; each
 * command group is a file of its own (ccwatch_status.c, ccwatch_alerts.c,
 * ccwatch_feed.c, ccwatch_record.c), and each command is one function over the
 * library.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccwatch.h"
#include "ccwatch_int.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

#define CCWATCH_DEFAULT_CONF SYSCONFDIR "/ccwatch/ccwatch.conf"

static int cli_version(struct cli *, int, char **);

/*
 * Every command: name, whether it reads the configuration and its secrets,
 * whether it writes to the store, handler, usage and what it does.
 */
static const struct cli_command cli_commands[] = {
    {"sync", 1, 1, 1, cli_sync, "sync [--full | --backfill [--since TIME]]",
	"Fetch what changed on Bugzilla (every open bug with --full) into "
	"the store, as one cycle of the daemon does; with --backfill, the "
	"threads and histories of the resolved bugs the store lacks, "
	"resumed where an earlier backfill stopped."},
    {"status", 1, 0, 0, cli_status,
	"status [--json] [--as-of TIME] [--ca NAME] "
	"[--state overdue|due-soon|ok|met|paused] [--waiting-on program|ca] "
	"[--all]",
	"Show the clocks of the open bugs, most urgent first."},
    {"explain", 1, 0, 0, cli_explain, "explain BUG [--as-of TIME]",
	"Explain each clock of one bug: what started it, moved it and "
	"stopped it, under which policy version."},
    {"check", 2, 0, 0, cli_check, "check [--warn-only] [--as-of TIME]",
	"Report overdue and due-soon clocks as a monitoring plugin: exit 0 "
	"OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
    {"question", 1, 0, 1, cli_question,
	"question BUG COMMENT --not-a-question|--clear",
	"Mark a comment as no question to answer (its response clock "
	"stops), or clear that mark."},
    {"snooze", 1, 0, 1, cli_snooze,
	"snooze BUG [--clock KIND] --until TIME|+DURATION --reason TEXT",
	"Hold a bug's alerts until a time, or until the bug changes."},
    {"unsnooze", 1, 0, 1, cli_unsnooze, "unsnooze BUG [--clock KIND]",
	"Remove a bug's snoozes."},
    {"ack", 1, 0, 1, cli_ack, "ack BUG [--clock KIND]",
	"Silence the repeats of a bug's overdue alerts until its state "
	"changes."},
    {"alerts", 1, 2, 2, cli_alerts,
	"alerts [--json] | --run [--as-of TIME] | --retry-dead [ID...]",
	"List the alerts, the deliveries waiting and the dead letters; with "
	"--run, evaluate and deliver once, as the daemon does; with "
	"--retry-dead, put dead letters back in the queue."},
    {"test-notify", 1, 1, 0, cli_test_notify, "test-notify CHANNEL",
	"Send a test alert through one channel now."},
    {"feed", 1, 0, 0, cli_feed,
	"feed --format json|json-v1|ics|prom|html|track-json|track-html "
	"[--ca NAME] [--as-of TIME]",
	"Print the oversight feed: JSON (or its previous schema), a "
	"calendar, the metrics, the dashboard page, or the track record as "
	"JSON or its page."},
    {"report", 1, 0, 1, cli_report,
	"report [--since TIME] [--until TIME] [--ca NAME] "
	"[--format table|json|csv] [--as-of TIME]",
	"Show each CA's track record: incidents filed, deadlines met on "
	"time, late and missed, response times, over every stored bug; "
	"it keeps the outcomes in the store (not with --as-of)."},
    {"whiteboard", 0, 0, 0, cli_whiteboard, "whiteboard [--as-of TIME] TEXT",
	"Show how a status whiteboard is read, as JSON."},
    {"config-check", 0, 0, 0, cli_config_check, "config-check",
	"Check the configuration file as the daemon reads it (secrets, the "
	"store and the feed directory included) and print every error."},
    {"version", 0, 0, 0, cli_version, "version",
	"Print the version of ccwatch."},
};

/* Print the usage (every command) and exit with status. */
void CCWATCH_NORETURN
cli_usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;
	const char *sep = "";
	size_t i;

	(void)fprintf(f,
	    "usage: ccwatch [-v] [-c FILE] COMMAND [ARGS]\n"
	    "       ccwatch COMMAND --help\n"
	    "commands:\n");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++)
		(void)fprintf(f, "  ccwatch %s\n", cli_commands[i].usage);
	(void)fprintf(f, "commands that write to the store: ");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++) {
		if (cli_commands[i].writes == 0)
			continue;
		(void)fprintf(f, "%s%s%s", sep, cli_commands[i].name,
		    cli_commands[i].writes == 2 ? " --run or --retry-dead"
						: "");
		sep = ", ";
	}
	(void)fprintf(f, "\nFILE defaults to %s\n", CCWATCH_DEFAULT_CONF);
	(void)fprintf(
	    f, "TIME is now, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n");
	exit(status);
}

/* ccwatch COMMAND --help: the command's usage and what it does. */
static void CCWATCH_NORETURN
cli_command_help(const struct cli_command *cmd)
{
	printf("usage: ccwatch [-v] [-c FILE] %s\n%s\n", cmd->usage, cmd->help);
	if (cmd->writes == 1)
		printf("It writes to the store.\n");
	else if (cmd->writes == 2)
		printf("With --run or --retry-dead it writes to the store.\n");
	if (strstr(cmd->usage, "TIME") != NULL)
		printf("TIME is now, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ "
		       "(UTC)\n");
	exit(0);
}

/* 1 if the command's arguments ask for its help (before any "--"). */
static int
cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* Parse a TIME argument: "now" or an ISO 8601 UTC time; exits on error. */
time_t
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
int64_t
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

/* Open the configured store read-only. */
struct store *
cli_open_readonly(struct cli *cli, char **cause)
{
	return store_open_flags(cli->conf->store_path,
	    STORE_READONLY |
		(cli->conf->store_shared_group ? STORE_SHARED_GROUP : 0),
	    cause);
}

/* Open the configured store for writing, as [store] shared_group says. */
static struct store *
cli_open_store(struct cli *cli, char **cause)
{
	return store_open_flags(cli->conf->store_path,
	    cli->conf->store_shared_group ? STORE_SHARED_GROUP : 0, cause);
}

/* Open the store and a Bugzilla client of the configuration. */
int
cli_open_fetch(
    struct cli *cli, struct store **st, struct bugzilla **bz, char **cause)
{
	struct bugzilla_options bo;

	bugzilla_options_from_config(&bo, cli->conf);
	*st = cli_open_store(cli, cause);
	if (*st == NULL)
		return -1;
	*bz = bugzilla_new(&bo, cause);
	return *bz != NULL ? 0 : -1;
}

/* Open the configured store for writing; it must exist already. */
struct store *
cli_open_existing(struct cli *cli, char **cause)
{
	if (access(cli->conf->store_path, F_OK) == -1) {
		xasprintf(cause, "store: %s: %s", cli->conf->store_path,
		    strerror(errno));
		return NULL;
	}
	return cli_open_store(cli, cause);
}

/* Close st, print a command's error, if any, and return its status. */
int
cli_finish(char *cause, struct store *st)
{
	store_close(st);
	if (cause == NULL)
		return 0;
	(void)fprintf(stderr, "ccwatch: %s\n", cause);
	free(cause);
	return 1;
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
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct cli cli;
	char *cause = NULL;
	size_t i;
	int ch, rc;

	memset(&cli, 0, sizeof cli);
	cli.conf_path = CCWATCH_DEFAULT_CONF;
	while ((ch = getopt_long(argc, argv, "+c:hv", longopts, NULL)) != -1) {
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
	if (cli_wants_help(argc, argv))
		cli_command_help(&cli_commands[i]);
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
