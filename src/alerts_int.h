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

/* The notifier of channel name, or NULL. */
struct notifier *alerts_notifier(struct alerts *, const char *name);
/*
 * Why channel name has no notifier, for the outbox row's error and
 * test-notify: the reason it could not be made, or that no such channel is
 * configured (allocated).
 */
char *alerts_channel_error(const struct alerts *, const char *name);

/*
 * An alert's payload as JSON and back.  alerts_payload_alert fills *a with
 * strings borrowed from o.
 */
json_t *alerts_payload_new(const struct alert *);
void alerts_payload_alert(json_t *o, struct alert *a);

#endif
