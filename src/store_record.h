/*
 * The store's part of the track record (schema version 5): the cached
 * outcome of every clock instance of every bug, with what each bug's
 * outcomes were computed from, and the backfill's cursor and queue.  Every
 * statement on those tables lives in store_record.c; the record module
 * (record.c) decides what goes in.
 */
#ifndef STORE_RECORD_H
#define STORE_RECORD_H

#include <stdint.h>
#include <time.h>

#include "policy.h"
#include "store.h"

/* The SQL of schema version 5, a migration of store_schema.c. */
extern const char store_record_schema[];

/* What became of one clock instance (docs/track-record.md). */
enum outcome {
	OUTCOME_ON_TIME,        /* met at or before its due time */
	OUTCOME_LATE,           /* met after it */
	OUTCOME_MISSED,         /* overdue when the bug closed, or now */
	OUTCOME_PAUSED,         /* paused (closure requested, [close on]) */
	OUTCOME_WITHDRAWN,      /* a question withdrawn by its asker */
	OUTCOME_NOT_APPLICABLE, /* no such clock under the version in force */
	OUTCOME_RUNNING,        /* still running, not yet due */
	OUTCOME_CLOSED_EARLY    /* the bug closed before it came due */
};
#define OUTCOME_N (OUTCOME_CLOSED_EARLY + 1)

/* One clock instance of a bug and its outcome. */
struct outcome_row {
	enum clock_kind kind;
	enum policy_version version;
	time_t started_at;
	time_t due;      /* 0: none (paused, not applicable) */
	time_t ended_at; /* met, withdrawn or closed; 0 while running */
	enum outcome outcome;
	long long late_by; /* late: seconds after due; missed: overdue */
	int closed;        /* missed: the bug was closed while overdue */
};

/* A bug's outcomes and what the record needs to know of the bug. */
struct outcome_bug {
	int64_t id;
	char *stamp;  /* what they were computed from (store_record_stamps) */
	char *ca_key; /* caname_key of its CA, NULL: none */
	char *ca;     /* its CA as the summary spells it, NULL: none */
	time_t filed;
	time_t resolved_at; /* 0: open */
	int self_reported;  /* filed by the CA side */
	int restricted;
	int private_comments; /* some comment is private */
	time_t computed_at;
	struct outcome_row *rows;
	size_t nrows;
};

struct outcome_list {
	struct outcome_bug *v;
	size_t n;
};

/* A stored bug and whether its cached outcomes are still what it says. */
struct record_stamp {
	int64_t id;
	int open;     /* stored with no resolution */
	char *stamp;  /* its last change, comment, history and mark counts */
	char *cached; /* the stamp of its cached outcomes, NULL: none */
	time_t computed_at; /* of the cached outcomes; 0: none */
};

struct record_stamp_list {
	struct record_stamp *v;
	size_t n;
};

/* "on-time", "late", "missed", ... */
const char *store_outcome_name(enum outcome);
/* The outcome named s: 0, or -1 if unknown. */
int store_outcome_from_name(const char *s, enum outcome *);

/* 1 if the store was opened for writing. */
int store_record_writable(struct store *);
/*
 * The fingerprint the cache was computed under (allocated; "" for none).
 * store_record_reset stores a new one and empties the cache.
 */
int store_record_fingerprint(struct store *, char **out, char **cause);
int store_record_reset(struct store *, const char *fingerprint, char **cause);
/* Every stored bug with its stamp and its cached stamp, by id. */
int store_record_stamps(
    struct store *, struct record_stamp_list *out, char **cause);
void record_stamp_list_free(struct record_stamp_list *);
/* Drop the cache of bugs no longer stored (inside a transaction). */
int store_record_forget(struct store *, char **cause);
/* Replace the cached outcomes of one bug (inside a transaction). */
int store_record_put(struct store *, const struct outcome_bug *, char **cause);
/* Every cached bug with its outcomes, by id, appended to *out. */
int store_record_load(struct store *, struct outcome_list *out, char **cause);
/* Free a bug's or a list's contents; accept NULL. */
void outcome_bug_free(struct outcome_bug *);
void outcome_list_free(struct outcome_list *);
/* The bug of id in a list sorted by id, or NULL. */
struct outcome_bug *outcome_list_find(const struct outcome_list *, int64_t id);

/* The backfill's cursor (docs/track-record.md, "Backfill"). */
struct backfill_cursor {
	time_t since;       /* resolved bugs changed since; 0: all */
	long long offset;   /* search results taken so far */
	int search_done;    /* every search page was read */
	time_t started_at;  /* 0: never started */
	time_t finished_at; /* 0: not finished */
	long long requests; /* made so far, over every run */
	long long bytes;    /* received so far */
};

int store_backfill_get(struct store *, struct backfill_cursor *, char **cause);
int store_backfill_set(
    struct store *, const struct backfill_cursor *, char **cause);
/* Start over: a new cursor for since, an empty queue. */
int store_backfill_restart(struct store *, time_t since, char **cause);
/* Queue a bug found by the search (idempotent). */
int store_backfill_queue(struct store *, int64_t bug_id, char **cause);
/* Up to max queued bugs not yet done, ascending, into *ids (allocated). */
int store_backfill_next(
    struct store *, size_t max, int64_t **ids, size_t *n, char **cause);
/* Mark a bug fetched. */
int store_backfill_done(struct store *, int64_t bug_id, char **cause);
/* Bugs queued and bugs done. */
int store_backfill_counts(
    struct store *, long long *queued, long long *done, char **cause);

#endif
