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
};

/*
 * At most limit pending rows due at now, oldest first, after the row
 * (after_next, after_id) of a previous page, allocated into *rows.
 */
int store_outbox_due(struct store *, time_t now, int64_t after_next,
    int64_t after_id, size_t limit, struct store_outbox_row **rows, size_t *n,
    char **cause);
void store_outbox_rows_free(struct store_outbox_row *, size_t n);
/* Mark row id done with status ("sent", "dry-run") at now. */
int store_outbox_mark_sent(struct store *, int64_t id, const char *status,
    time_t now, int attempts, char **cause);
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

#endif
