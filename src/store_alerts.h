/*
 * The alerts module's tables (schema versions 3 and 4), as typed
 * functions: the ledger of clock instances and alerts, the outbox and the
 * health of each channel.  Writes made during an evaluation run inside
 * store_begin/store_commit; every function returns -1 with *cause on a
 * store error.
 */
#ifndef STORE_ALERTS_H
#define STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

/* What the ledger knows about one clock instance. */
struct store_alert_clock {
	int exists;
	char *state;
	char *notified_state;
	int notified_level;
	time_t notified_at;
	char *acked_state;
	int acked_level;
	long long transitions; /* transition alerts fired so far */
};

/*
 * Read the row of instance (bug, kind, started, due) into *k (strings ""
 * when there is none); store_alert_clock_free releases it.
 */
int store_alert_clock_get(struct store *, int64_t bug, const char *kind,
    time_t started, time_t due, struct store_alert_clock *k, char **cause);
void store_alert_clock_free(struct store_alert_clock *);
/*
 * Write an instance's evaluated state and level, what k says was notified
 * and its transitions, seen at seen_at, with the payload (JSON text).
 */
int store_alert_clock_put(struct store *, int64_t bug, const char *kind,
    time_t started, time_t due, const char *state, int level,
    const struct store_alert_clock *k, time_t seen_at, const char *payload,
    char **cause);

/* One alert of the ledger; strings borrowed. */
struct store_alert {
	const char *id;
	int64_t bug_id;
	const char *kind;
	time_t started_at;
	time_t due;
	long long episode; /* the instance's transition number */
	const char *state;
	int level;
	const char *route; /* "" for a transition */
	long long seq;
	time_t created;
	int dry_run;
	const char *reason; /* JSON text, or NULL */
};

/* Record an alert: 1 when new, 0 when the ledger had its id. */
int store_alert_insert(
    struct store *, const struct store_alert *, char **cause);

/* One delivery to write; strings borrowed. */
struct store_outbox_entry {
	const char *delivery_id;
	const char *channel;
	const char *route;
	int digest;
	const char *payload; /* JSON text */
	time_t created;
	time_t ready_at;
	int held; /* waits for the end of quiet hours */
};

/* Queue a delivery: 1 when new, 0 when (delivery id, channel) was there. */
int store_outbox_insert(
    struct store *, const struct store_outbox_entry *, char **cause);

/* One pending delivery read back (allocated strings). */
struct store_outbox_row {
	int64_t id;
	char *delivery_id;
	char *channel;
	int digest;
	char *payload;
	int attempts;
	time_t ready_at;
	int64_t next_attempt;
	time_t claimed_at; /* a send began then, no outcome stored; 0: none */
};

/*
 * At most limit pending rows due at now, oldest first, after the row
 * (after_next, after_id) of a previous page, allocated into *rows.
 * Returns 0, or -1 with *cause and no rows (*rows NULL, *n 0).
 */
int store_outbox_due(struct store *, time_t now, int64_t after_next,
    int64_t after_id, size_t limit, struct store_outbox_row **rows, size_t *n,
    char **cause);
/* Free the strings of one row (the array is the caller's to free). */
void store_outbox_row_clear(struct store_outbox_row *);
/*
 * Mark row id done with status ("sent", "dry-run") at now.  When the disk
 * is full the store's reserve is released and the mark tried once more.
 */
int store_outbox_mark_sent(struct store *, int64_t id, const char *status,
    time_t now, int attempts, char **cause);
/*
 * Claim row id before its send: the send begins at now.  The marks below
 * clear the claim, so a pending row that keeps one may have gone out.
 */
int store_outbox_claim(struct store *, int64_t id, time_t now, char **cause);
/* Record a failed attempt to be made again at next. */
int store_outbox_mark_retry(struct store *, int64_t id, int attempts,
    time_t next, const char *error, char **cause);
/* Make row id a dead letter. */
int store_outbox_mark_dead(
    struct store *, int64_t id, int attempts, const char *error, char **cause);
/*
 * Put dead letters back in the queue, due at now with their age counted
 * from now: those whose delivery id is one of ids, or all when n is 0.
 * Returns the number of rows requeued.
 */
int store_outbox_retry_dead(
    struct store *, const char *const *ids, size_t n, time_t now, char **cause);

/* A channel's delivery health (schema version 4). */
struct store_channel_health {
	char *channel;
	time_t last_success; /* 0: never */
	time_t last_failure; /* 0: never */
	long long failures;  /* consecutive failed attempts */
	char *last_error;    /* of the last failure, or NULL */
	long long pending;   /* outbox rows waiting, held ones included */
	long long held;      /* waiting for quiet hours to end */
	long long dead;
};

/* Record one attempt's outcome on channel at now (error: a failure). */
int store_channel_result(struct store *, const char *channel, time_t now,
    const char *error, char **cause);
/*
 * Every channel with outbox rows or a recorded attempt, by name, into
 * *v (store_channel_health_free releases it).
 */
int store_channel_health_list(
    struct store *, struct store_channel_health **v, size_t *n, char **cause);
void store_channel_health_free(struct store_channel_health *, size_t n);

/* A snooze or an acknowledgement, for status (allocated strings). */
struct store_hold {
	int64_t bug;
	char *kind;   /* the clock's, "" for a whole bug's snooze */
	time_t until; /* a snooze's end; an ack's 0 */
	char *reason; /* a snooze's; an ack's "STATE level N" */
	time_t set_at;
};

/*
 * The snoozes that hold at now, and the acknowledgements of clocks still
 * notified in the acknowledged state, by bug, into *v.
 */
int store_snooze_list(
    struct store *, time_t now, struct store_hold **v, size_t *n, char **cause);
int store_ack_list(
    struct store *, struct store_hold **v, size_t *n, char **cause);
void store_hold_free(struct store_hold *, size_t n);

/*
 * Snoozes and acknowledgements (store_holds.c).  store_snooze_put snoozes
 * a bug (kind NULL or "") or its clock kind until `until` for reason, set
 * at now, replacing a snooze of the same kind.  store_snooze_drop removes
 * a bug's snoozes of kind (NULL: all): the rows removed.
 * store_snooze_of_bug reads every snooze row of a bug, expired or not.
 * store_snooze_any: 1 if the bug has a snooze row.  store_snooze_holds: 1
 * if the bug or its clock kind is snoozed at now.  store_ack_put
 * acknowledges a bug's clocks (kind NULL: all; a kind also covers its
 * instances "kind-...") notified due-soon or overdue at their notified
 * state and level: the rows changed.
 */
int store_snooze_put(struct store *, int64_t bug, const char *kind,
    time_t until, const char *reason, time_t now, char **cause);
int store_snooze_drop(
    struct store *, int64_t bug, const char *kind, char **cause);
int store_snooze_of_bug(struct store *, int64_t bug, struct store_hold **v,
    size_t *n, char **cause);
int store_snooze_any(struct store *, int64_t bug, char **cause);
int store_snooze_holds(
    struct store *, int64_t bug, const char *kind, time_t now, char **cause);
int store_ack_put(
    struct store *, int64_t bug, const char *kind, time_t now, char **cause);
/*
 * Claim route's digest of day (YYYY-MM-DD), made at now: 1 when this call
 * claimed it, 0 when it was made before.
 */
int store_digest_mark(struct store *, const char *route, const char *day,
    time_t now, char **cause);

/*
 * The met transitions the ledger recorded in (since, until], oldest first:
 * each as its instance's last payload (JSON text) and the ledger's reason
 * (JSON text, or NULL), into *payloads and *reasons (n each, allocated;
 * free with store_strings_free).  Dry runs are left out.
 */
int store_alert_met_between(struct store *, time_t since, time_t until,
    char ***payloads, char ***reasons, size_t *n, char **cause);
void store_strings_free(char **, size_t n);
/*
 * The last payloads (JSON text) of the instances notified due-soon or
 * overdue that the evaluation at now did not see, appended to *payloads
 * (a strlist of model.h).
 */
struct strlist;
int store_alert_clock_vanished(
    struct store *, time_t now, struct strlist *payloads, char **cause);

/* The ledger's, the outbox's and the snoozes' totals. */
struct store_alert_counts {
	long long alerts;
	long long pending;
	long long held; /* pending, waiting for quiet hours */
	long long sent; /* sent or logged by a dry run */
	long long dead;
	long long snoozes;
};
int store_alert_counts(
    struct store *, struct store_alert_counts *, char **cause);
/*
 * The last 200 alerts of the ledger (newest first), the last 200 outbox
 * rows (dead letters and pending first) and every snooze, appended to the
 * JSON arrays (jansson's json_t) as one object a row, times in ISO 8601
 * (null for none): docs/alerts.md's "ccwatch alerts --json".
 */
struct json_t;
int store_alert_rows_json(struct store *, struct json_t *ledger,
    struct json_t *outbox, struct json_t *snoozes, char **cause);

/*
 * When route made its last digest before day (YYYY-MM-DD): *made_at, or 0
 * when it never did.
 */
int store_digest_last(struct store *, const char *route, const char *day,
    time_t *made_at, char **cause);

#endif
