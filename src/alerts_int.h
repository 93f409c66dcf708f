/*
 * What the files of the alerts module share: the runtime,
 * local time in a route's zone, and the payload of an outbox row.
 */
#ifndef ALERTS_INT_H
#define ALERTS_INT_H

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
	const struct people *people;
	const struct policy_options *opts;
	time_t now;
	struct alerts_stats *stats;
	struct alerts_item *items;
	size_t nitems;
	json_t **current;      /* per route: what a digest would list */
	FILE *preview;         /* a dry run: what would fire is written here */
	const char *met_after; /* a met alert's instance was notified so */
	int note;              /* firing a snooze-ended note */
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

/*
 * Snoozes (alerts_snooze.c).  alerts_snoozes loads the bug's snoozes that
 * still hold into *kinds ("" for the whole bug) and drops those that
 * expired or that a change of the bug cleared; each cleared one is
 * appended to ended as {kind, set_at, reason}.  alerts_has_snoozes: 1 if
 * the bug has a snooze row.  alerts_snooze_keep remembers in best the
 * most urgent clock payload of each kind and ("") of the bug.
 */
int alerts_snoozes(struct alerts_eval *, const struct bug *,
    const struct comment_list *, const struct history_list *,
    struct strlist *kinds, json_t *ended, char **cause);
int alerts_has_snoozes(struct alerts_eval *, int64_t bug, char **cause);
void alerts_snooze_keep(json_t *best, const char *kind, json_t *payload);

/*
 * Routes (alerts_route.c).  alerts_is_program: 1 if the payload is
 * something the root program owes.  alerts_route_match: 1 if route r takes
 * an alert of this CA, kind, state and level.  alerts_route_hears_bug: 1
 * if r takes alerts of this CA and kind in some state (whom a
 * snooze-ended note goes to).  alerts_route_hears_met: 0 if r does not
 * hear this met alert ([route] notify_met).  alerts_digest_met appends to
 * items the met alerts route i lists in its digest of day.
 */
int alerts_is_program(json_t *payload);
int alerts_route_match(const struct alerts_eval *, const struct config_route *,
    int program, const char *ca, const char *kind, const char *state,
    int level);
int alerts_route_hears_bug(const struct alerts_eval *,
    const struct config_route *, int program, const char *ca, const char *kind);
int alerts_route_hears_met(const struct alerts_eval *,
    const struct config_route *, const struct alert *);
int alerts_digest_met(struct alerts_eval *, size_t i, const char *day,
    json_t *items, char **cause);

#endif
