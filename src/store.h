/*
 * The store: one SQLite file in WAL mode holding bugs, their comments and
 * history, and the poll cursor.  The schema moves forward by user_version
 * migrations, each in a transaction.  Writes are idempotent: storing the
 * same bug, comment or history entry twice leaves one row.
 */
#ifndef STORE_H
#define STORE_H

#include <stdint.h>
#include <time.h>

#include "model.h"

struct store;

/* What the sync remembers between cycles. */
struct store_cursor {
	time_t db_time;   /* server time at the start of the last good cycle */
	time_t last_full; /* when the last full resync completed; 0 never */
	time_t last_sync; /* local time of the last good cycle; 0 never */
	time_t last_attempt; /* local time of the last cycle tried */
	char *last_error;    /* of the last failed cycle, NULL after success */
};

/*
 * Open (creating and migrating) the store at path; ":memory:" works.  The
 * directory must exist.  Returns NULL with *cause naming the path on error,
 * including a file whose schema is newer than this ccwatch knows.
 */
struct store *store_open(const char *path, char **cause);
/*
 * Open an existing store read-only (SQLITE_OPEN_READONLY): no file is
 * created, no migration runs, every write fails.  A store of an older
 * schema is read as it is.  Returns NULL with *cause when the file is
 * missing or not a store this ccwatch reads.
 */
struct store *store_open_readonly(const char *path, char **cause);
/*
 * Open as how says: STORE_READONLY as store_open_readonly, else as
 * store_open; STORE_SHARED_GROUP accepts a store (or directory) owned by
 * another user whose group is one of ours ([store] shared_group).  Either
 * way a store that is a symbolic link, not a regular file, or writable by
 * others (its directory too, unless sticky), or a read-write store owned
 * by another user, is refused with the reason.
 */
#define STORE_READONLY     0x1
#define STORE_SHARED_GROUP 0x2
struct store *store_open_flags(const char *path, int how, char **cause);
void store_close(struct store *);
/* The schema version the store is at. */
int store_schema_version(struct store *);

/*
 * The reserve (docs/RELIABILITY.md): a file PATH.reserve of a fixed size
 * that keeps room on the store's disk for recording sent deliveries.
 * STORE_RESERVE_OFF: none is kept; _READY: it holds its size; _SPENT: it
 * was released to a full disk, or the disk had no room for it.
 */
enum store_reserve_state {
	STORE_RESERVE_OFF,
	STORE_RESERVE_READY,
	STORE_RESERVE_SPENT
};
/*
 * Keep a reserve of size bytes (0: none; nor for ":memory:" or a read-only
 * store) and bring it to its size now if the disk has room; the state.
 */
enum store_reserve_state store_reserve_set(struct store *, long long size);
/*
 * Fill a reserve that is short of its size, when the disk has room for it
 * and as much again; the state.  Logs when the reserve comes back.
 */
enum store_reserve_state store_reserve_refill(struct store *);
/* The reserve's state as last seen, and its size (0 when none is kept). */
enum store_reserve_state store_reserve_state(struct store *);
long long store_reserve_size(struct store *);
/*
 * After a write failed: if it failed for a full disk (SQLITE_FULL) and the
 * reserve holds its size, empty the reserve, log it loudly and return 1
 * (the caller tries the write once more); else 0.
 */
int store_reserve_release_if_full(struct store *);
/*
 * What the reserve file of a store at path tells, by its size alone, for
 * a reader such as ccwatch check: _OFF when size is 0 or there is no
 * reserve file, _SPENT when it is short of size.
 */
enum store_reserve_state store_reserve_inspect(
    const char *path, long long size);

/*
 * Transactions; a cycle's writes go in one.  store_begin takes the write lock
 * at once (BEGIN IMMEDIATE); store_rollback does nothing outside one.  Its
 * commit syncs the WAL (synchronous=FULL), as does a write outside any
 * transaction: once it returns, a power loss cannot roll it back.
 */
int store_begin(struct store *, char **cause);
int store_commit(struct store *, char **cause);
void store_rollback(struct store *);
/*
 * store_begin for a transaction that writes many pages (a sync cycle, a
 * backfill batch): until its commit or rollback the page cache may hold
 * STORE_BULK_CACHE_KIB, so that dirty pages are not spilled into the WAL
 * and read back before the commit.  The cache shrinks back after.  Its
 * commit does not sync the WAL (synchronous=NORMAL): it is for rows fetched
 * again if a power loss rolls them back; the next durable commit (or a
 * checkpoint) syncs them with it.
 */
int store_begin_bulk(struct store *, char **cause);
#define STORE_BULK_CACHE_KIB 32768
/*
 * End the open transaction by rc, the outcome of its writes: commit when rc
 * is 0, else (or when the commit fails) roll back.  0 once committed, else
 * -1 with *cause as the failed step set it.
 */
int store_end(struct store *, int rc, char **cause);

/*
 * Insert or replace; return 0 or -1 with *cause.  A comment may be stored
 * before its bug.  A stored comment keeps its bug, count, creator and time;
 * its text, privacy and tags are replaced.  History is stored one row per
 * change (NULL removed/added as ""), so an entry without changes stores
 * nothing and a repeated change is ignored.
 */
int store_put_bug(struct store *, const struct bug *, char **cause);
int store_put_comment(struct store *, const struct comment *, char **cause);
int store_put_history(struct store *, const struct history *, char **cause);

/*
 * Read back.  store_get_bug returns 1 found, 0 absent, -1 error; *out is
 * then the caller's to free with model_bug_free.  The list readers append
 * to a list the caller initialised and frees.
 */
int store_get_bug(struct store *, int64_t id, struct bug *out, char **cause);
/* Bugs ordered by id; open_only keeps those with an empty resolution. */
int store_list_bugs(
    struct store *, int open_only, struct bug_list *out, char **cause);
/* Ids of stored bugs (open_only as above), allocated into *ids. */
int store_list_ids(
    struct store *, int open_only, int64_t **ids, size_t *n, char **cause);
/* Comments of a bug, oldest first. */
int store_get_comments(
    struct store *, int64_t bug_id, struct comment_list *out, char **cause);
/* History of a bug, oldest first. */
int store_get_history(
    struct store *, int64_t bug_id, struct history_list *out, char **cause);
/* Latest stored comment time of a bug; 0 when it has none. */
int store_last_comment_time(
    struct store *, int64_t bug_id, time_t *out, char **cause);

/*
 * What Bugzilla no longer shows (schema version 6).  A bug is "gone" when
 * the key cannot read it any more ("hidden") or it moved out of the
 * watched products and components ("moved to PRODUCT :: COMPONENT"): it
 * stays stored but leaves store_list_bugs and the counts, and
 * store_put_bug makes it tracked again.  store_list_ids keeps the hidden
 * ones, which the full resync reads again to see them come back.
 * store_set_bug_gone sets the reason ("" tracks it again); store_get_bug_gone
 * returns 1 with *reason allocated, 0 for a tracked or unknown bug, -1 with
 * *cause.
 */
int store_set_bug_gone(
    struct store *, int64_t id, const char *reason, char **cause);
int store_get_bug_gone(struct store *, int64_t id, char **reason, char **cause);
/*
 * Mark every stored comment of a bug vanished (deleted, or private to the
 * key); store_put_comment of a comment fetched again clears its mark.  So a
 * whole comment list read is stored as: vanish, then put each comment.
 * Vanished comments are left out of store_get_comments and the counts.
 */
int store_vanish_comments(struct store *, int64_t bug_id, char **cause);

/* Counts for summaries; history counts changes (rows), not entries. */
struct store_counts {
	long long bugs;
	long long open_bugs;
	long long comments;
	long long history;
};
int store_counts(struct store *, struct store_counts *, char **cause);

/* The cursor; a store never synced has every field 0 / NULL. */
int store_get_cursor(struct store *, struct store_cursor *, char **cause);
int store_set_cursor(struct store *, const struct store_cursor *, char **cause);
void store_cursor_free(struct store_cursor *);

/*
 * The operator's "not a question" marks (schema version 2), by comment id:
 * set (idempotent), clear (returns 1 if a mark was removed, 0 if there was
 * none, -1 with *cause) and list (allocated into *ids, ascending; none on a
 * version 1 store).
 */
int store_set_not_question(
    struct store *, int64_t bug_id, int64_t comment_id, char **cause);
int store_clear_not_question(
    struct store *, int64_t bug_id, int64_t comment_id, char **cause);
int store_list_not_questions(
    struct store *, int64_t bug_id, int64_t **ids, size_t *n, char **cause);

/* What the policy engine reads of a stored bug besides the bug itself. */
struct store_events {
	struct comment_list comments;
	struct history_list history;
	int64_t *not_questions; /* comment ids marked "not a question" */
	size_t n_not_questions;
};
/*
 * Read the comments, history and not-a-question marks of bug_id into *ev:
 * 0, or -1 with *cause and nothing left to free.
 */
int store_get_events(
    struct store *, int64_t bug_id, struct store_events *ev, char **cause);
void store_events_free(struct store_events *);

/* The version of the SQLite library in use ("3.46.1"). */
const char *store_sqlite_version(void);

#endif
