/*
 * The store's transactions: store_begin (its commit syncs the WAL, the
 * connection's synchronous=FULL), store_begin_bulk (a page cache for many
 * pages and synchronous=NORMAL until its end), store_commit, store_rollback
 * and store_end.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "store.h"
#include "store_int.h"

static void store_end_bulk(struct store *);

/* Set the connection's PRAGMA synchronous to level (outside a transaction). */
static int
store_set_sync(struct store *st, const char *level, char **cause)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA synchronous = %s", level);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_error(st, cause, "synchronous = %s", level);
		return -1;
	}
	return 0;
}

/* Put synchronous back to FULL if a bulk transaction left it NORMAL. */
int
store_sync_full(struct store *st, char **cause)
{
	if (!st->sync_relaxed || !sqlite3_get_autocommit(st->db))
		return 0;
	if (store_set_sync(st, "FULL", cause) == -1)
		return -1;
	st->sync_relaxed = 0;
	return 0;
}

/* Start a write transaction, taking the write lock now. */
static int
store_begin_tx(struct store *st, char **cause)
{
	return store_stmt_run(
	    st, store_stmt_get(st, STMT_BEGIN), cause, "begin");
}

/* Start a write transaction whose commit syncs the WAL (FULL). */
int
store_begin(struct store *st, char **cause)
{
	if (store_sync_full(st, cause) == -1)
		return -1;
	return store_begin_tx(st, cause);
}

/* Set the page cache's size (PRAGMA cache_size: pages, or -KiB). */
static int
store_set_cache(struct store *st, int size, char **cause)
{
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", size);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_error(st, cause, "cache_size");
		return -1;
	}
	return 0;
}

/* Start a write transaction with a page cache for many pages; see store.h. */
int
store_begin_bulk(struct store *st, char **cause)
{
	sqlite3_stmt *stmt;
	int saved = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA cache_size", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		store_error(st, cause, "cache_size");
		return -1;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		saved = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (saved != 0 && saved >= -STORE_BULK_CACHE_KIB) {
		if (store_set_cache(st, -STORE_BULK_CACHE_KIB, cause) == -1)
			return -1;
		st->cache_saved = saved;
	}
	/* Its rows are fetched again if a power loss rolls them back. */
	if (sqlite3_get_autocommit(st->db)) {
		if (store_set_sync(st, "NORMAL", cause) == -1) {
			store_end_bulk(st);
			return -1;
		}
		st->sync_relaxed = 1;
	}
	if (store_begin_tx(st, cause) == -1) {
		store_end_bulk(st);
		return -1;
	}
	return 0;
}

/*
 * Shrink the page cache back after a bulk transaction (SQLite frees the
 * pages past the old size) and sync commits again.  A failure is logged;
 * the store still works, and the next durable write retries the sync's.
 */
static void
store_end_bulk(struct store *st)
{
	char *cause = NULL;

	if (st->cache_saved != 0 &&
	    store_set_cache(st, st->cache_saved, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
		cause = NULL;
	}
	st->cache_saved = 0;
	if (store_sync_full(st, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
	}
}

/* Commit the open transaction. */
int
store_commit(struct store *st, char **cause)
{
	int rc;

	rc = store_stmt_run(
	    st, store_stmt_get(st, STMT_COMMIT), cause, "commit");
	if (rc == 0)
		store_end_bulk(st);
	return rc;
}

/* Roll back the open transaction, if there is one; failures are logged. */
void
store_rollback(struct store *st)
{
	char *cause;

	if (sqlite3_get_autocommit(st->db)) {
		store_end_bulk(st);
		return;
	}
	if (store_stmt_run(st, store_stmt_get(st, STMT_ROLLBACK), &cause,
		"rollback") == -1) {
		log_warnx("%s", cause);
		free(cause);
	}
	store_end_bulk(st);
}

/* Commit the open transaction when rc is 0, else roll it back. */
int
store_end(struct store *st, int rc, char **cause)
{
	if (rc == 0 && store_commit(st, cause) == 0)
		return 0;
	store_rollback(st);
	return -1;
}
