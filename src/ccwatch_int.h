/*
 * What the files of the ccwatch program share: its state, the command
 * table's row, the argument parsers and store openers every command group
 * uses, and the commands themselves.  ccwatch.c holds main and the table;
 * ccwatch_status.c, ccwatch_alerts.c and ccwatch_feed.c the command groups.
 */
#ifndef CCWATCH_INT_H
#define CCWATCH_INT_H

#include <stdint.h>
#include <time.h>

#include "bugzilla.h"
#include "ccwatch.h"
#include "config.h"
#include "store.h"

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

/* One command: a row of the table in ccwatch.c. */
struct cli_command {
	const char *name;
	int need_config; /* 1; 2: a bad config is UNKNOWN */
	int secrets;     /* 1: reads the secret files; 2: only with --run */
	int writes;      /* 1: writes to the store; 2: only with --run */
	int (*run)(struct cli *, int, char **);
	const char *usage; /* "name ARGS", after "ccwatch " */
	const char *help;  /* what it does, one sentence */
};

/* Print the usage and exit with status. */
void cli_usage(int status) CCWATCH_NORETURN;
/* Parse a TIME argument: "now" or an ISO 8601 UTC time; exits on error. */
time_t cli_parse_time(const char *);
/* Parse a bug or comment number of at least min; exits on error. */
int64_t cli_parse_number(const char *what, const char *s, long long min);
/* Open the configured store read-only. */
struct store *cli_open_readonly(struct cli *, char **cause);
/*
 * Open the configured store for writing (creating it if need be) and a
 * Bugzilla client, for the commands that fetch: 0, or -1 with *cause; the
 * caller closes what was opened.
 */
int cli_open_fetch(
    struct cli *, struct store **, struct bugzilla **, char **cause);
/* Open the configured store for writing; it must exist already. */
struct store *cli_open_existing(struct cli *, char **cause);
/* Close st, print a command's error, if any, and return its exit status. */
int cli_finish(char *cause, struct store *st);

/* ccwatch_status.c: what the store says about the clocks. */
int cli_status(struct cli *, int, char **);
int cli_explain(struct cli *, int, char **);
int cli_check(struct cli *, int, char **);
int cli_question(struct cli *, int, char **);
int cli_whiteboard(struct cli *, int, char **);
/* ccwatch_alerts.c: the alerts and the operator's answers to them. */
int cli_alerts(struct cli *, int, char **);
int cli_snooze(struct cli *, int, char **);
int cli_unsnooze(struct cli *, int, char **);
int cli_ack(struct cli *, int, char **);
int cli_test_notify(struct cli *, int, char **);
/* ccwatch_feed.c: Bugzilla in, the feed out, and the configuration. */
int cli_sync(struct cli *, int, char **);
int cli_feed(struct cli *, int, char **);
int cli_config_check(struct cli *, int, char **);
/* ccwatch_backfill.c: sync --backfill, the resolved bugs' threads. */
int cli_backfill(struct cli *, time_t since);
/* ccwatch_record.c: each CA's track record. */
int cli_report(struct cli *, int, char **);

#endif
