/*
 * The inside of the store, shared by its files: store.c (opening,
 * migrations, permissions, the cursor and the operator's marks),
 * store_tx.c (transactions and their durability), store_schema.c (the
 * migrations), store_bugs.c (bugs, comments and history as the sync writes
 * and the readers read them) and store_alerts.c (the statements it prepares
 * once, kept in slots that store_close finalizes).
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>

#include "ccwatch.h"
#include "store.h"

/* The migrations: schema version N is the first N (store_schema.c). */
extern const char *const store_migrations[];
extern const int store_nmigrations;

/* Slots of prepared statements kept for the other store files. */
#define STORE_CACHE 8

/* Slot i (below STORE_CACHE) of the statements kept until store_close. */
sqlite3_stmt **store_cache_slot(struct store *, int i);
/* The path of the store's file. */
const char *store_path(struct store *);

/* The prepared statements, by index into store_sql[]. */
enum store_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_PUT_BUG,
	STMT_GET_BUG,
	STMT_LIST_BUGS,
	STMT_LIST_IDS,
	STMT_PUT_COMMENT,
	STMT_GET_COMMENTS,
	STMT_LAST_COMMENT,
	STMT_PUT_HISTORY,
	STMT_GET_HISTORY,
	STMT_COUNTS,
	STMT_GET_CURSOR,
	STMT_SET_CURSOR,
	STMT_SET_NOTQ,
	STMT_CLEAR_NOTQ,
	STMT_LIST_NOTQ,
	STMT_SET_GONE,
	STMT_GET_GONE,
	STMT_VANISH,
	STMT_COUNT
};

struct store {
	sqlite3 *db;
	char *path;
	int version;
	int readonly;
	int cache_saved;  /* cache_size before store_begin_bulk, 0 if none */
	int sync_relaxed; /* synchronous is NORMAL (store_begin_bulk's) */
	sqlite3_stmt *stmt[STMT_COUNT];
	sqlite3_stmt *cache[STORE_CACHE]; /* store_alerts.c's, on demand */
	char *reserve_path;               /* PATH.reserve (store_reserve.c) */
	long long reserve_size;           /* bytes; 0: none kept */
	enum store_reserve_state reserve_state;
};

/* Set *cause to "store: PATH: what: sqlite's last error". */
void store_error(struct store *, char **cause, const char *fmt, ...)
    CCWATCH_PRINTF(3, 4);
/* store_error with a va_list. */
void store_verror(struct store *, char **cause, const char *fmt, va_list ap)
    CCWATCH_PRINTF(3, 0);
/* Return statement i, reset and with no bindings, ready to bind and step. */
sqlite3_stmt *store_stmt_get(struct store *, enum store_stmt i);
/* Reset a statement after use so it holds no read lock or bound text. */
void store_stmt_done(sqlite3_stmt *);
/*
 * Finish a statement whose last sqlite3_step gave rc: reset it, and return
 * 0 if rc is SQLITE_DONE, else -1 with *cause naming what failed.
 */
int store_stmt_end(struct store *, sqlite3_stmt *, int rc, char **cause,
    const char *fmt, ...) CCWATCH_PRINTF(5, 6);
/* Step a statement that returns no rows; 0, or -1 with *cause. */
int store_stmt_run(
    struct store *, sqlite3_stmt *, char **cause, const char *what);
/* Bind s with its length, or NULL; SQLite copies it. */
int store_bind_text(sqlite3_stmt *, int col, const char *s);
/*
 * Bind s with its length, or NULL, without a copy: for a statement stepped
 * and reset (store_stmt_run) before s is freed.
 */
int store_bind_borrowed(sqlite3_stmt *, int col, const char *s);
/* Bind an allocated string and hand it to SQLite, which frees it. */
int store_bind_owned(sqlite3_stmt *, int col, char *s);
/* A copy of a text column, or NULL when it is NULL. */
char *store_column_text(sqlite3_stmt *, int col);
/* Grow a list's storage for one more element of size sz. */
void *store_list_grow(void *v, size_t n, size_t *cap, size_t sz);
/*
 * Step a bound statement and collect its first column as ids (allocated,
 * *n of them), then reset it.  Returns 0, or -1 with *cause naming what.
 */
int store_step_ids(struct store *, sqlite3_stmt *, const char *what,
    int64_t **ids, size_t *n, char **cause);

/*
 * Fill fd with size bytes: preallocated with posix_fallocate, or, where
 * the file system cannot (zeros forces it), written with zeros.  Returns 0,
 * or an errno value (ENOSPC: the disk has no room).
 */
int store_reserve_fill(int fd, long long size, int zeros);

/*
 * Make the connection's commits sync the WAL (synchronous=FULL) again if a
 * bulk transaction left it NORMAL; a no-op otherwise, and inside a
 * transaction (its level was set before its BEGIN).  Returns 0, or -1
 * with *cause.
 */
int store_sync_full(struct store *, char **cause);

/*
 * The SQLite connection, for the store's own files (store_*.c) that keep
 * the SQL of their tables; no other module runs SQL.
 */
sqlite3 *store_sqlite(struct store *);

#endif
