/*
 * What the files of the alerts module share: the runtime, the SQL helpers,
 * local time in a route's zone, and the payload of an outbox row.
 */
#ifndef ALERTS_INT_H
#define ALERTS_INT_H

#include <sqlite3.h>
#include <stdarg.h>
#include <time.h>

#include <jansson.h>

#include "alerts.h"

/* A configured channel whose notifier could not be made, and why. */
struct alerts_broken {
	char *channel;
	char *why;
};

struct alerts {
	const struct config_alerts *cfg;
	struct notifier **notifiers;
	size_t nnotifiers;
	struct alerts_broken *broken;
	size_t nbroken;
	/*
	 * Rows sent whose mark failed (a full or read-only store): marked
	 * first at the next run, and nothing is sent until they are.
	 */
	struct alerts_unmarked *unmarked;
	size_t nunmarked;
};

/* A row sent (or logged) whose mark could not be stored. */
struct alerts_unmarked {
	int64_t id;
	char *status; /* "sent" or "dry-run" */
	time_t at;
	int attempts;
};

/* Forget the rows waiting for their mark (alerts_free). */
void alerts_unmarked_free(struct alerts *);

/*
 * Prepare sql and bind its parameters from types, one letter each: 'i' an
 * int64_t, 't' a const char * (NULL binds NULL).  NULL with *cause.
 */
sqlite3_stmt *alerts_db_prepare(
    sqlite3 *, char **cause, const char *sql, const char *types, ...);
/* Prepare, bind and run a statement without rows: changes, or -1. */
int alerts_db_exec(
    sqlite3 *, char **cause, const char *sql, const char *types, ...);
/*
 * alerts_db_prepare of a statement run many times: prepared once into
 * *cache (the caller finalizes it), reset and bound again on later calls.
 */
sqlite3_stmt *alerts_db_reuse(sqlite3_stmt **cache, sqlite3 *, char **cause,
    const char *sql, const char *types, ...);
/* A copy of a text column ("" for NULL). */
char *alerts_db_text(sqlite3_stmt *, int col);

/* Break t down in zone tz (NULL: UTC; +HH:MM; a zoneinfo name). */
int alerts_localtime(time_t t, const char *tz, struct tm *tm);
/*
 * The time of a local broken-down time in zone tz, *tm set to its local
 * time: the earlier of a time that happens twice, the first instant after
 * one the clocks skip.
 */
time_t alerts_mktime(struct tm *tm, const char *tz);

/* The configuration of channel name, or NULL. */
const struct config_channel *alerts_channel_config(
    const struct config_alerts *, const char *name);
/*
 * 1 if channel name is a machine's (a webhook): it gets every alert on its
 * own, never a summary; people's channels (mail, Slack) are capped.
 */
int alerts_channel_is_machine(const struct config_alerts *, const char *name);

/* The notifier of channel name, or NULL. */
struct notifier *alerts_notifier(struct alerts *, const char *name);
/*
 * Why channel name has no notifier, for the outbox row's error and
 * test-notify: the reason it could not be made, or that no such channel is
 * configured (allocated).
 */
char *alerts_channel_error(const struct alerts *, const char *name);

/* What an evaluation saw of one instance (alerts_reason.c). */
struct alerts_seen_clock {
	int64_t bug;
	char *kind; /* the instance's kind, as the ledger keys it */
	time_t started;
	time_t due;
	int paused;
	int64_t start_comment; /* count, or -1 */
	char *start_text;      /* the evidence of its start */
	char *move_text;       /* a Next update's evidence, or NULL */
	char *pause_text;      /* the pause's evidence, or NULL */
	int64_t pause_comment;
};

/* What an evaluation saw: every instance, and the closed bugs skipped. */
struct alerts_seen {
	struct alerts_seen_clock *v;
	size_t n;
	struct {
		int64_t bug;
		char *status; /* "RESOLVED FIXED" */
	} * closed;
	size_t nclosed;
};

void alerts_seen_clock(
    struct alerts_seen *, int64_t bug, const char *kind, const struct clock *);
void alerts_seen_closed(struct alerts_seen *, const struct bug *);
void alerts_seen_free(struct alerts_seen *);
/*
 * Why a deadline is met, as a reason object {kind, text, by, comment,
 * date}: of a clock the engine calls met, or of an instance the
 * evaluation no longer produces (payload: its last alert).
 */
json_t *alerts_reason_met(const struct clock *);
json_t *alerts_reason_vanished(
    const struct alerts_seen *, struct store *, json_t *payload);

/* Longest evidence text of an alert. */
#define ALERTS_MAX_EVIDENCE 4096
/* Alerts a flood's summary lists; it counts the others. */
#define ALERTS_SUMMARY_LIST 20

/* One delivery waiting to be written to the outbox. */
struct alerts_item {
	size_t route;
	const char *channel;
	json_t *payload; /* an alert */
};

/* The state of one evaluation. */
struct alerts_eval {
	struct alerts *al;
	const struct config_alerts *cfg;
	struct store *st;
	sqlite3 *db;
	const struct people *people;
	const struct policy_options *opts;
	time_t now;
	struct alerts_stats *stats;
	struct alerts_item *items;
	size_t nitems;
	json_t **current;      /* per route: what a digest would list */
	FILE *preview;         /* a dry run: what would fire is written here */
	const char *met_after; /* a met alert's instance was notified so */
	struct alerts_seen seen; /* to say why a vanished instance is met */
	/* How each CA is shown (report.h): the report's, or own_cas. */
	const struct caname_table *cas;
	struct caname_table own_cas;
	int private_only; /* the alert goes to private_data routes only */
};

/*
 * The payload of one clock of an evaluated bug, and of something the
 * root program owes (alerts_payload.c); the caller owns it.
 */
json_t *alerts_clock_payload(struct alerts_eval *, const struct bug *,
    const struct policy_result *, const struct clock *);
json_t *alerts_waiting_payload(struct alerts_eval *, const struct bug *,
    const struct policy_result *, const struct waiting *);

/*
 * An alert's payload as JSON and back.  alerts_payload_alert fills *a with
 * strings borrowed from o.
 */
json_t *alerts_payload_new(const struct alert *);
void alerts_payload_alert(json_t *o, struct alert *a);

#endif
