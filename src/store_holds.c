/*
 * The operator's holds and the digests' days, of the alerts module's
 * tables (schema version 3): snoozes, acknowledgements (alert_clocks'
 * acked columns) and alert_digests, as typed functions.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_alerts.h"
#include "store_alerts_int.h"
#include "xmalloc.h"

/* Read holds of a statement: bug, kind, until, reason, set_at. */
static int
sa_holds(struct store *st, sqlite3_stmt *stmt, struct store_hold **v, size_t *n,
    char **cause)
{
	struct store_hold *h;
	int rc;

	*v = NULL;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		h = xappend(v, n, sizeof *h);
		h->bug = sqlite3_column_int64(stmt, 0);
		h->kind = store_sa_text(stmt, 1);
		h->until = (time_t)sqlite3_column_int64(stmt, 2);
		h->reason = store_sa_text(stmt, 3);
		h->set_at = (time_t)sqlite3_column_int64(stmt, 4);
	}
	if (rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the snoozes");
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The snoozes that hold; see store_alerts.h. */
int
store_snooze_list(struct store *st, time_t now, struct store_hold **v,
    size_t *n, char **cause)
{
	sqlite3_stmt *stmt;

	*v = NULL;
	*n = 0;
	if (store_schema_version(st) < 3)
		return 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT bug_id, kind, until, reason, set_at FROM snoozes"
	    " WHERE until > ?1 ORDER BY bug_id, kind",
	    "i", (int64_t)now);
	return stmt != NULL ? sa_holds(st, stmt, v, n, cause) : -1;
}

/* The acknowledgements that hold; see store_alerts.h. */
int
store_ack_list(struct store *st, struct store_hold **v, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;

	*v = NULL;
	*n = 0;
	if (store_schema_version(st) < 3)
		return 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT bug_id, kind, 0, acked_state || ' level ' || acked_level,"
	    " acked_at FROM alert_clocks WHERE acked_state != ''"
	    " AND acked_state = notified_state"
	    " AND acked_level = notified_level ORDER BY bug_id, kind",
	    "");
	return stmt != NULL ? sa_holds(st, stmt, v, n, cause) : -1;
}

/* Free holds. */
void
store_hold_free(struct store_hold *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].reason);
	}
	free(v);
}

/* A route's last digest before a day; see store_alerts.h. */
int
store_digest_last(struct store *st, const char *route, const char *day,
    time_t *made_at, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*made_at = 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT coalesce(max(made_at), 0) FROM alert_digests"
	    " WHERE route = ?1 AND day < ?2",
	    "tt", route, day);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*made_at = (time_t)sqlite3_column_int64(stmt, 0);
	else
		store_sa_error(st, cause, "read the last digest");
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Snooze a bug or one of its clocks; see store_alerts.h. */
int
store_snooze_put(struct store *st, int64_t bug, const char *kind, time_t until,
    const char *reason, time_t now, char **cause)
{
	return store_sa_exec(st, -1, cause, "snooze",
		   "INSERT INTO snoozes (bug_id, kind, until, reason, set_at)"
		   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (bug_id, kind)"
		   " DO UPDATE SET until = excluded.until,"
		   " reason = excluded.reason, set_at = excluded.set_at",
		   "ititi", bug, kind != NULL ? kind : "", (int64_t)until,
		   reason, (int64_t)now) == -1
	    ? -1
	    : 0;
}

/* Remove a bug's snoozes; see store_alerts.h. */
int
store_snooze_drop(struct store *st, int64_t bug, const char *kind, char **cause)
{
	return store_sa_exec(st, -1, cause, "unsnooze",
	    "DELETE FROM snoozes WHERE bug_id = ?1 AND (?2 IS NULL OR kind = "
	    "?2)",
	    "it", bug, kind);
}

/* Every snooze row of a bug; see store_alerts.h. */
int
store_snooze_of_bug(struct store *st, int64_t bug, struct store_hold **v,
    size_t *n, char **cause)
{
	sqlite3_stmt *stmt;

	*v = NULL;
	*n = 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT bug_id, kind, until, reason, set_at FROM snoozes"
	    " WHERE bug_id = ?1 ORDER BY kind",
	    "i", bug);
	return stmt != NULL ? sa_holds(st, stmt, v, n, cause) : -1;
}

/* Run a query of one row or none: 1, 0, or -1 with *cause. */
static int
sa_exists(struct store *st, sqlite3_stmt *stmt, char **cause)
{
	int rc;

	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the snoozes");
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return rc == SQLITE_ROW;
}

/* 1 if the bug has a snooze row; see store_alerts.h. */
int
store_snooze_any(struct store *st, int64_t bug, char **cause)
{
	return sa_exists(st,
	    store_sa_prepare(st, -1, cause,
		"SELECT 1 FROM snoozes WHERE bug_id = ?1 LIMIT 1", "i", bug),
	    cause);
}

/* 1 if the bug or its clock kind is snoozed at now; see store_alerts.h. */
int
store_snooze_holds(
    struct store *st, int64_t bug, const char *kind, time_t now, char **cause)
{
	return sa_exists(st,
	    store_sa_prepare(st, -1, cause,
		"SELECT 1 FROM snoozes WHERE bug_id = ?1 AND (kind = ''"
		" OR kind = ?2) AND until > ?3 LIMIT 1",
		"iti", bug, kind, (int64_t)now),
	    cause);
}

/* Acknowledge a bug's notified clocks; see store_alerts.h. */
int
store_ack_put(
    struct store *st, int64_t bug, const char *kind, time_t now, char **cause)
{
	return store_sa_exec(st, -1, cause, "acknowledge",
	    "UPDATE alert_clocks SET acked_state = notified_state,"
	    " acked_level = notified_level, acked_at = ?3"
	    " WHERE bug_id = ?1 AND (?2 IS NULL OR kind = ?2"
	    " OR substr(kind, 1, length(?2) + 1) = ?2 || '-')"
	    " AND notified_state IN ('due-soon', 'overdue')",
	    "iti", bug, kind, (int64_t)now);
}

/* Claim a route's digest of a day; see store_alerts.h. */
int
store_digest_mark(struct store *st, const char *route, const char *day,
    time_t now, char **cause)
{
	return store_sa_exec(st, -1, cause, "mark the digest",
	    "INSERT OR IGNORE INTO alert_digests (route, day, made_at)"
	    " VALUES (?1, ?2, ?3)",
	    "tti", route, day, (int64_t)now);
}
