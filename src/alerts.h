/*
 * Alerts: clock transitions become alerts in a ledger and deliveries in an
 * outbox, written in the same store transaction; a delivery worker sends
 * the outbox through the notify channels with retries and backoff.
 *
 * A clock instance is (bug, clock kind, started_at, due): the deadline
 * instance.  Both times are pure functions of the bug's stored events (the
 * policy engine never caches), so the key is the same at every evaluation
 * and after any restart; a new start event or a moved deadline is a new
 * instance.  The ledger remembers, per instance, the state and escalation
 * level last evaluated and last notified; an alert fires when the
 * evaluated (state, level) differs from the notified one, so a transition
 * that happened while the daemon was down fires once when it is back, and
 * an alert's id (built from the key, the state and the level) is a primary
 * key: it can never fire twice.  An instance's transitions are counted, and
 * the id carries the number, so a state reached again is a new alert.
 *
 * The tables are schema version 3 of the store, read and written through
 * store_alerts.h's typed functions; docs/alerts.md describes the configuration
 * and the rules, which config.h holds as plain data (struct config_alerts).
 */
#ifndef ALERTS_H
#define ALERTS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "notify.h"
#include "people.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "store_alerts.h"

/* What a cycle did, for the log line and for tests. */
struct alerts_stats {
	size_t clocks;      /* instances evaluated */
	size_t transitions; /* alerts for a change of state or level */
	size_t repeats;
	size_t queued;    /* outbox rows written */
	size_t summaries; /* floods turned into one message */
	size_t digests;
	size_t suppressed; /* held back by a snooze */
	size_t cleared;    /* snoozes cleared by a change of the bug */
	size_t notes;      /* snooze-ended notes fired */
	size_t sent;
	size_t failed; /* attempts that will be retried */
	size_t dead;   /* dead-lettered this run */
	size_t dry_run;
};

/* Totals over the ledger and the outbox, for status and "alerts". */
struct alerts_counts {
	long long alerts;
	long long pending;
	long long held;
	long long sent;
	long long dead;
	long long snoozes;
};

struct alerts;

/* 1 if now lies in the route's quiet hours, with *until the window's end. */
int alerts_quiet(const struct config_route *, time_t now, time_t *until);

/*
 * The runtime: the configuration (borrowed, it must outlive the alerts)
 * and one notifier per channel.  A channel that cannot be made is logged
 * and has none: the other channels deliver, and its deliveries fail,
 * retryably, with the reason.  Never NULL; cause is left unset.
 */
struct alerts *alerts_new(const struct config_alerts *, char **cause);
void alerts_free(struct alerts *);
/* Use notifier n for the channel of its name (tests); takes ownership. */
void alerts_set_notifier(struct alerts *, struct notifier *n);

/*
 * Evaluate every open stored bug at now and record what changed: the
 * ledger, the alerts and their outbox rows, in one transaction.  Snoozes
 * cleared by a change of their bug go in the same transaction.
 */
int alerts_evaluate(struct alerts *, struct store *, const struct people *,
    const struct policy_options *, time_t now, struct alerts_stats *,
    char **cause);
/*
 * alerts_evaluate over the clocks of report r (loaded with filter all,
 * every bug or every open one), evaluated once for the whole cycle at
 * r->as_of: nothing is evaluated again.
 */
int alerts_evaluate_report(struct alerts *, struct store *,
    const struct people *, const struct policy_options *,
    const struct report *r, struct alerts_stats *, char **cause);
/*
 * A dry run at a moment to come: evaluate at at as alerts_evaluate does,
 * write a line to out for each alert that would fire, and roll everything
 * back: nothing is queued or sent, and the ledger only ever records
 * moments that have happened.
 */
int alerts_preview(struct alerts *, struct store *, const struct people *,
    const struct policy_options *, time_t at, FILE *out, struct alerts_stats *,
    char **cause);
/*
 * Send the outbox rows that are due at now, to the end, on a loop of its
 * own (the CLI and tests).  A failure is retried with
 * exponential backoff (at least the receiver's retry_after); a permanent
 * failure, or an entry older than max_age, is dead-lettered with a loud
 * log line.  Errors of the store are returned; send failures are not.
 */
int alerts_deliver(struct alerts *, struct store *, time_t now,
    struct alerts_stats *, char **cause);
/* A delivery run on the daemon's loop. */
struct alerts_delivery;
struct http;
/* The end of a run: rc 0, or -1 with cause (a store error; borrowed). */
typedef void (*alerts_delivery_cb)(void *arg, int rc, const char *cause);
/*
 * Start sending the outbox rows due at now over transport h, bounded as
 * alerts_outbox.c says; no send starts after budget_ms (0: no budget).
 * done is called on the loop when the run ends.  stats is borrowed until
 * then.
 */
struct alerts_delivery *alerts_deliver_start(struct alerts *, struct store *,
    struct http *h, time_t now, long budget_ms, struct alerts_stats *,
    alerts_delivery_cb done, void *arg);
/* Abort a run: done is never called, rows in flight stay pending. */
void alerts_deliver_cancel(struct alerts_delivery *);
/*
 * Drain a run at a stop: no send starts any more, the sends in flight
 * end and are marked as usual, and done is called after the last.
 * Returns the sends in flight: with 0 done will never be called, and the
 * caller cancels the run.
 */
int alerts_deliver_drain(struct alerts_delivery *);
/* The sends of a run in flight now. */
int alerts_deliver_inflight(const struct alerts_delivery *);
/* alerts_evaluate then alerts_deliver (delivery runs after an error too). */
int alerts_run_cycle(struct alerts *, struct store *, const struct people *,
    const struct policy_options *, time_t now, struct alerts_stats *,
    char **cause);

/*
 * Snooze the alerts of bug (of one clock kind, or all when kind is NULL)
 * until until, with a reason.  It is cleared when it expires or when the
 * bug changes after now (a comment or a whiteboard edit not by people.self).
 */
int alerts_snooze(struct store *, int64_t bug, const char *kind, time_t until,
    const char *reason, time_t now, char **cause);
/* Remove snoozes; returns the number removed, or -1. */
int alerts_unsnooze(
    struct store *, int64_t bug, const char *kind, char **cause);
/*
 * Silence the repeats of bug's notified clocks (one kind or all) until
 * their state or level changes; returns the number acknowledged, or -1.
 */
int alerts_ack(
    struct store *, int64_t bug, const char *kind, time_t now, char **cause);

/*
 * Put dead letters back in the queue, due at now: those of the delivery
 * ids ids[0..n-1], or every one when n is 0.  Returns how many, or -1.
 */
int alerts_retry_dead(
    struct store *, const char *const *ids, size_t n, time_t now, char **cause);

/*
 * The channels' delivery health against the configuration's thresholds:
 * failing counts the channels whose failures in a row reached
 * check_failures, dead the dead letters (critical when check_dead is
 * reached).  text says it in words ("" when all is well).
 */
struct alerts_health {
	struct store_channel_health *channels;
	size_t n;
	size_t failing;
	long long dead;
	int warning;  /* a channel is failing */
	int critical; /* dead letters reached check_dead */
	char text[512];
};
int alerts_health(struct store *, const struct config_alerts *,
    struct alerts_health *, char **cause);
void alerts_health_free(struct alerts_health *);

/*
 * Fill the outbox's counters of the metrics (have_outbox, the depth, the
 * dead letters, each channel's depth and health) from the store.
 */
struct feed_counters;
int alerts_feed_counters(struct store *, const struct config_alerts *,
    struct feed_counters *, char **cause);

/* Totals of the ledger and the outbox. */
int alerts_counts(struct store *, struct alerts_counts *, char **cause);
/* The ledger, the outbox and the snoozes as JSON (allocated), or NULL. */
char *alerts_to_json(struct store *, time_t now, char **cause);
/* The same as text for a terminal. */
int alerts_write_text(struct store *, time_t now, FILE *, char **cause);

/*
 * Send a sample alert through the named channel now; its link points at
 * base_url (the configured Bugzilla, or [policy] base_url).
 */
int alerts_test_notify(struct alerts *, const char *channel,
    const char *base_url, time_t now, char **cause);

#endif
