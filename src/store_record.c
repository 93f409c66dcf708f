/*
 * The track record's tables (schema version 5): the outcome cache and the
 * backfill's cursor and queue.  Statements are prepared per call: they run
 * once a bug a report or a backfill batch, never in the poll's hot path.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_record.h"
#include "timeutil.h"
#include "xmalloc.h"

/*
 * Migration 5 of the schema (store_schema.c lists it, store.c runs it): the
 * outcome of every clock instance of every bug, cached with what it was
 * computed from, and the backfill's own cursor with its queue of bugs to fetch.
 */
const char store_record_schema[] =
    "CREATE TABLE record_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  fingerprint TEXT NOT NULL DEFAULT '');"
    "INSERT INTO record_state (id) VALUES (1);"
    "CREATE TABLE record_bugs ("
    "  bug_id INTEGER PRIMARY KEY, stamp TEXT NOT NULL,"
    "  ca_key TEXT, ca TEXT, filed INTEGER NOT NULL DEFAULT 0,"
    "  resolved_at INTEGER NOT NULL DEFAULT 0,"
    "  self_reported INTEGER NOT NULL DEFAULT 0,"
    "  restricted INTEGER NOT NULL DEFAULT 0,"
    "  private_comments INTEGER NOT NULL DEFAULT 0,"
    "  computed_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE record_outcomes ("
    "  bug_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, version TEXT NOT NULL DEFAULT '',"
    "  started_at INTEGER NOT NULL DEFAULT 0,"
    "  due INTEGER NOT NULL DEFAULT 0,"
    "  ended_at INTEGER NOT NULL DEFAULT 0,"
    "  outcome TEXT NOT NULL, late_by INTEGER NOT NULL DEFAULT 0,"
    "  closed INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (bug_id, seq));"
    "CREATE INDEX record_outcomes_due ON record_outcomes (due);"
    "CREATE TABLE backfill_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  since INTEGER NOT NULL DEFAULT 0,"
    "  search_offset INTEGER NOT NULL DEFAULT 0,"
    "  search_done INTEGER NOT NULL DEFAULT 0,"
    "  started_at INTEGER NOT NULL DEFAULT 0,"
    "  finished_at INTEGER NOT NULL DEFAULT 0,"
    "  requests INTEGER NOT NULL DEFAULT 0,"
    "  bytes INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO backfill_state (id) VALUES (1);"
    "CREATE TABLE backfill_queue ("
    "  bug_id INTEGER PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0);";

static const char *const store_outcome_names[OUTCOME_N] = {
    [OUTCOME_ON_TIME] = "on-time",
    [OUTCOME_LATE] = "late",
    [OUTCOME_MISSED] = "missed",
    [OUTCOME_PAUSED] = "paused",
    [OUTCOME_WITHDRAWN] = "withdrawn",
    [OUTCOME_NOT_APPLICABLE] = "not-applicable",
    [OUTCOME_RUNNING] = "running",
    [OUTCOME_CLOSED_EARLY] = "closed-before-due",
};

/* The name of an outcome. */
const char *
store_outcome_name(enum outcome o)
{
	if ((unsigned)o >= OUTCOME_N)
		return "?";
	return store_outcome_names[o];
}

/* The outcome a name stands for. */
int
store_outcome_from_name(const char *s, enum outcome *o)
{
	int i;

	for (i = 0; i < OUTCOME_N; i++) {
		if (strcmp(s, store_outcome_names[i]) == 0) {
			*o = (enum outcome)i;
			return 0;
		}
	}
	return -1;
}

/* Set *cause to "store: record: what: sqlite's last error". */
static int
store_record_error(struct store *st, char **cause, const char *what)
{
	xasprintf(cause, "store: record: %s: %s", what,
	    sqlite3_errmsg(store_sqlite(st)));
	return -1;
}

/* Prepare sql, or -1 with *cause. */
static int
store_record_prepare(
    struct store *st, const char *sql, sqlite3_stmt **stmt, char **cause)
{
	if (store_schema_version(st) < 5) {
		xasprintf(cause,
		    "store: record: the store is at schema "
		    "version %d; open it for writing once to "
		    "migrate it",
		    store_schema_version(st));
		return -1;
	}
	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, stmt, NULL) !=
	    SQLITE_OK)
		return store_record_error(st, cause, "prepare");
	return 0;
}

/* Finish a statement whose last step gave rc: 0 on SQLITE_DONE. */
static int
store_record_end(
    struct store *st, sqlite3_stmt *stmt, int rc, char **cause, const char *w)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_record_error(st, cause, w);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Run one statement binding up to two integers (nbind of them). */
static int
store_record_exec(struct store *st, const char *sql, int nbind, int64_t a,
    int64_t b, char **cause)
{
	sqlite3_stmt *stmt;

	if (store_record_prepare(st, sql, &stmt, cause) == -1)
		return -1;
	if (nbind > 0)
		sqlite3_bind_int64(stmt, 1, a);
	if (nbind > 1)
		sqlite3_bind_int64(stmt, 2, b);
	return store_record_end(st, stmt, sqlite3_step(stmt), cause, sql);
}

/* 1 if the store can be written. */
int
store_record_writable(struct store *st)
{
	return !sqlite3_db_readonly(store_sqlite(st), "main");
}

/* The fingerprint of the cache. */
int
store_record_fingerprint(struct store *st, char **out, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if (store_record_prepare(st,
		"SELECT fingerprint FROM record_state WHERE id = 1", &stmt,
		cause) == -1)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = store_column_text(stmt, 0);
	if (*out == NULL)
		*out = xstrdup("");
	return store_record_end(st, stmt, rc, cause, "fingerprint");
}

/* Store a new fingerprint and empty the cache. */
int
store_record_reset(struct store *st, const char *fingerprint, char **cause)
{
	sqlite3_stmt *stmt;

	if (store_record_exec(
		st, "DELETE FROM record_outcomes", 0, 0, 0, cause) == -1 ||
	    store_record_exec(st, "DELETE FROM record_bugs", 0, 0, 0, cause) ==
		-1)
		return -1;
	if (store_record_prepare(st,
		"UPDATE record_state SET fingerprint = ?1 WHERE id = 1", &stmt,
		cause) == -1)
		return -1;
	store_bind_text(stmt, 1, fingerprint);
	return store_record_end(
	    st, stmt, sqlite3_step(stmt), cause, "set fingerprint");
}

/*
 * Forget the cached outcomes of bugs no longer stored or gone (hidden by
 * Bugzilla, moved out of the component): what Bugzilla hides, the record
 * forgets.
 */
int
store_record_forget(struct store *st, char **cause)
{
	int gone = store_schema_version(st) >= 6;

	if (store_record_exec(st,
		gone ? "DELETE FROM record_outcomes WHERE bug_id NOT IN"
		       " (SELECT id FROM bugs WHERE gone = '')"
		     : "DELETE FROM record_outcomes WHERE bug_id NOT IN"
		       " (SELECT id FROM bugs)",
		0, 0, 0, cause) == -1)
		return -1;
	return store_record_exec(st,
	    gone ? "DELETE FROM record_bugs WHERE bug_id NOT IN"
		   " (SELECT id FROM bugs WHERE gone = '')"
		 : "DELETE FROM record_bugs WHERE bug_id NOT IN"
		   " (SELECT id FROM bugs)",
	    0, 0, 0, cause);
}

/*
 * The stamps' query: the comments counted chosen by comments (vanished
 * ones left out, so that a comment gone without a change of the bug's
 * time still changes its stamp), the bugs by where (gone ones left out).
 */
#define RECORD_STAMPS_SQL(comments, where)                                     \
	"SELECT b.id, b.resolution = '',"                                      \
	" b.last_change_time || ':' ||"                                        \
	" (SELECT count(*) FROM comments c WHERE c.bug_id = b.id" comments ")" \
	" || ':' ||"                                                           \
	" (SELECT count(*) FROM history h WHERE h.bug_id = b.id)"              \
	" || ':' ||"                                                           \
	" (SELECT count(*) FROM question_overrides q"                          \
	"  WHERE q.bug_id = b.id),"                                            \
	" r.stamp, coalesce(r.computed_at, 0) FROM bugs b"                     \
	" LEFT JOIN record_bugs r ON r.bug_id = b.id" where " ORDER BY b.id"

/* Every stored bug not gone, its stamp and its cached stamp. */
int
store_record_stamps(
    struct store *st, struct record_stamp_list *out, char **cause)
{
	sqlite3_stmt *stmt;
	struct record_stamp *s;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_record_prepare(st,
		store_schema_version(st) >= 6
		    ? RECORD_STAMPS_SQL(
			  " AND c.vanished = 0", " WHERE b.gone = ''")
		    : RECORD_STAMPS_SQL("", ""),
		&stmt, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->v = store_list_grow(out->v, out->n, &cap, sizeof *out->v);
		s = &out->v[out->n++];
		s->id = sqlite3_column_int64(stmt, 0);
		s->open = sqlite3_column_int(stmt, 1);
		s->stamp = store_column_text(stmt, 2);
		s->cached = store_column_text(stmt, 3);
		s->computed_at = (time_t)sqlite3_column_int64(stmt, 4);
	}
	if (store_record_end(st, stmt, rc, cause, "stamps") == -1) {
		record_stamp_list_free(out);
		return -1;
	}
	return 0;
}

/* Free a list of stamps. */
void
record_stamp_list_free(struct record_stamp_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].stamp);
		free(l->v[i].cached);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Insert one outcome row of bug id. */
static int
store_record_put_row(struct store *st, sqlite3_stmt *stmt, int64_t id,
    size_t seq, const struct outcome_row *r, char **cause)
{
	int rc;

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (int64_t)seq);
	store_bind_text(stmt, 3, policy_clock_kind_name(r->kind));
	store_bind_text(stmt, 4, policy_version_name(r->version));
	sqlite3_bind_int64(stmt, 5, (int64_t)r->started_at);
	sqlite3_bind_int64(stmt, 6, (int64_t)r->due);
	sqlite3_bind_int64(stmt, 7, (int64_t)r->ended_at);
	store_bind_text(stmt, 8, store_outcome_name(r->outcome));
	sqlite3_bind_int64(stmt, 9, (int64_t)r->late_by);
	sqlite3_bind_int(stmt, 10, r->closed);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		return store_record_error(st, cause, "put outcome");
	return 0;
}

/* Replace a bug's cached outcomes. */
int
store_record_put(struct store *st, const struct outcome_bug *b, char **cause)
{
	sqlite3_stmt *stmt;
	size_t i;

	if (store_record_exec(st,
		"DELETE FROM record_outcomes WHERE bug_id = ?1", 1, b->id, 0,
		cause) == -1)
		return -1;
	if (store_record_prepare(st,
		"INSERT OR REPLACE INTO record_bugs (bug_id, stamp, ca_key,"
		" ca, filed, resolved_at, self_reported, restricted,"
		" computed_at, private_comments)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		&stmt, cause) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, b->id);
	store_bind_text(stmt, 2, b->stamp != NULL ? b->stamp : "");
	store_bind_text(stmt, 3, b->ca_key);
	store_bind_text(stmt, 4, b->ca);
	sqlite3_bind_int64(stmt, 5, (int64_t)b->filed);
	sqlite3_bind_int64(stmt, 6, (int64_t)b->resolved_at);
	sqlite3_bind_int(stmt, 7, b->self_reported);
	sqlite3_bind_int(stmt, 8, b->restricted);
	sqlite3_bind_int64(stmt, 9, (int64_t)b->computed_at);
	sqlite3_bind_int(stmt, 10, b->private_comments);
	if (store_record_end(st, stmt, sqlite3_step(stmt), cause, "put bug") ==
	    -1)
		return -1;
	if (store_record_prepare(st,
		"INSERT INTO record_outcomes (bug_id, seq, kind, version,"
		" started_at, due, ended_at, outcome, late_by, closed)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		&stmt, cause) == -1)
		return -1;
	for (i = 0; i < b->nrows; i++) {
		if (store_record_put_row(
			st, stmt, b->id, i, &b->rows[i], cause) == -1) {
			sqlite3_finalize(stmt);
			return -1;
		}
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* Read the cached bugs (without their rows) into *out. */
static int
store_record_load_bugs(struct store *st, struct outcome_list *out, char **cause)
{
	sqlite3_stmt *stmt;
	struct outcome_bug *b;
	size_t cap = out->n;
	int rc;

	if (store_record_prepare(st,
		"SELECT bug_id, stamp, ca_key, ca, filed, resolved_at,"
		" self_reported, restricted, computed_at, private_comments"
		" FROM record_bugs"
		" ORDER BY bug_id",
		&stmt, cause) == -1)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->v = store_list_grow(out->v, out->n, &cap, sizeof *out->v);
		b = &out->v[out->n++];
		memset(b, 0, sizeof *b);
		b->id = sqlite3_column_int64(stmt, 0);
		b->stamp = store_column_text(stmt, 1);
		b->ca_key = store_column_text(stmt, 2);
		b->ca = store_column_text(stmt, 3);
		b->filed = (time_t)sqlite3_column_int64(stmt, 4);
		b->resolved_at = (time_t)sqlite3_column_int64(stmt, 5);
		b->self_reported = sqlite3_column_int(stmt, 6);
		b->restricted = sqlite3_column_int(stmt, 7);
		b->computed_at = (time_t)sqlite3_column_int64(stmt, 8);
		b->private_comments = sqlite3_column_int(stmt, 9);
	}
	return store_record_end(st, stmt, rc, cause, "load bugs");
}

/* The bug of id in a list sorted by id, or NULL. */
struct outcome_bug *
outcome_list_find(const struct outcome_list *l, int64_t id)
{
	size_t lo = 0, hi = l->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->v[mid].id == id)
			return &l->v[mid];
		if (l->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Read one outcome row from the statement's current row into b. */
static void
store_record_read_row(sqlite3_stmt *stmt, struct outcome_bug *b)
{
	struct outcome_row *r;
	const char *s;
	int v;

	b->rows = xreallocarray(b->rows, b->nrows + 1, sizeof *b->rows);
	r = &b->rows[b->nrows++];
	memset(r, 0, sizeof *r);
	s = (const char *)sqlite3_column_text(stmt, 1);
	for (v = 0; v < POLICY_NKINDS; v++) {
		if (s != NULL && strcmp(s, policy_clock_kind_name(v)) == 0)
			r->kind = (enum clock_kind)v;
	}
	s = (const char *)sqlite3_column_text(stmt, 2);
	if (s == NULL || policy_version_from_name(s, &r->version) == -1)
		r->version = POLICY_WIKI_2017;
	r->started_at = (time_t)sqlite3_column_int64(stmt, 3);
	r->due = (time_t)sqlite3_column_int64(stmt, 4);
	r->ended_at = (time_t)sqlite3_column_int64(stmt, 5);
	s = (const char *)sqlite3_column_text(stmt, 6);
	if (s == NULL || store_outcome_from_name(s, &r->outcome) == -1)
		r->outcome = OUTCOME_NOT_APPLICABLE;
	r->late_by = sqlite3_column_int64(stmt, 7);
	r->closed = sqlite3_column_int(stmt, 8);
}

/* Every cached bug with its outcomes. */
int
store_record_load(struct store *st, struct outcome_list *out, char **cause)
{
	sqlite3_stmt *stmt;
	struct outcome_bug *b;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_record_load_bugs(st, out, cause) == -1)
		goto fail;
	if (store_record_prepare(st,
		"SELECT bug_id, kind, version, started_at, due, ended_at,"
		" outcome, late_by, closed FROM record_outcomes"
		" ORDER BY bug_id, seq",
		&stmt, cause) == -1)
		goto fail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		b = outcome_list_find(out, sqlite3_column_int64(stmt, 0));
		if (b != NULL)
			store_record_read_row(stmt, b);
	}
	if (store_record_end(st, stmt, rc, cause, "load outcomes") == -1)
		goto fail;
	return 0;
fail:
	outcome_list_free(out);
	return -1;
}

/* Free a bug's outcomes. */
void
outcome_bug_free(struct outcome_bug *b)
{
	if (b == NULL)
		return;
	free(b->stamp);
	free(b->ca_key);
	free(b->ca);
	free(b->rows);
	memset(b, 0, sizeof *b);
}

/* Free a list of bugs' outcomes. */
void
outcome_list_free(struct outcome_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		outcome_bug_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The backfill's cursor. */
int
store_backfill_get(struct store *st, struct backfill_cursor *c, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(c, 0, sizeof *c);
	if (store_record_prepare(st,
		"SELECT since, search_offset, search_done, started_at,"
		" finished_at, requests, bytes FROM backfill_state"
		" WHERE id = 1",
		&stmt, cause) == -1)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->since = (time_t)sqlite3_column_int64(stmt, 0);
		c->offset = sqlite3_column_int64(stmt, 1);
		c->search_done = sqlite3_column_int(stmt, 2);
		c->started_at = (time_t)sqlite3_column_int64(stmt, 3);
		c->finished_at = (time_t)sqlite3_column_int64(stmt, 4);
		c->requests = sqlite3_column_int64(stmt, 5);
		c->bytes = sqlite3_column_int64(stmt, 6);
	}
	return store_record_end(st, stmt, rc, cause, "backfill cursor");
}

/* Write the backfill's cursor. */
int
store_backfill_set(
    struct store *st, const struct backfill_cursor *c, char **cause)
{
	sqlite3_stmt *stmt;

	if (store_record_prepare(st,
		"UPDATE backfill_state SET since = ?1, search_offset = ?2,"
		" search_done = ?3, started_at = ?4, finished_at = ?5,"
		" requests = ?6, bytes = ?7 WHERE id = 1",
		&stmt, cause) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, (int64_t)c->since);
	sqlite3_bind_int64(stmt, 2, c->offset);
	sqlite3_bind_int(stmt, 3, c->search_done);
	sqlite3_bind_int64(stmt, 4, (int64_t)c->started_at);
	sqlite3_bind_int64(stmt, 5, (int64_t)c->finished_at);
	sqlite3_bind_int64(stmt, 6, c->requests);
	sqlite3_bind_int64(stmt, 7, c->bytes);
	return store_record_end(
	    st, stmt, sqlite3_step(stmt), cause, "set backfill cursor");
}

/* A new cursor and an empty queue. */
int
store_backfill_restart(struct store *st, time_t since, char **cause)
{
	struct backfill_cursor c;

	memset(&c, 0, sizeof c);
	c.since = since;
	c.started_at = timeutil_now();
	if (store_record_exec(
		st, "DELETE FROM backfill_queue", 0, 0, 0, cause) == -1)
		return -1;
	return store_backfill_set(st, &c, cause);
}

/* Queue a bug. */
int
store_backfill_queue(struct store *st, int64_t bug_id, char **cause)
{
	return store_record_exec(st,
	    "INSERT OR IGNORE INTO backfill_queue (bug_id) VALUES (?1)", 1,
	    bug_id, 0, cause);
}

/* The next queued bugs not yet done. */
int
store_backfill_next(
    struct store *st, size_t max, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*ids = xcalloc(max > 0 ? max : 1, sizeof **ids);
	*n = 0;
	if (store_record_prepare(st,
		"SELECT bug_id FROM backfill_queue WHERE done = 0"
		" ORDER BY bug_id LIMIT ?1",
		&stmt, cause) == -1)
		goto fail;
	sqlite3_bind_int64(stmt, 1, (int64_t)max);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && *n < max)
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	if (store_record_end(st, stmt, rc, cause, "backfill queue") == 0)
		return 0;
fail:
	free(*ids);
	*ids = NULL;
	*n = 0;
	return -1;
}

/* Mark a queued bug done. */
int
store_backfill_done(struct store *st, int64_t bug_id, char **cause)
{
	return store_record_exec(st,
	    "UPDATE backfill_queue SET done = 1 WHERE bug_id = ?1", 1, bug_id,
	    0, cause);
}

/* How many bugs are queued and done. */
int
store_backfill_counts(
    struct store *st, long long *queued, long long *done, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*queued = *done = 0;
	if (store_record_prepare(st,
		"SELECT count(*), coalesce(sum(done), 0) FROM backfill_queue",
		&stmt, cause) == -1)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*queued = sqlite3_column_int64(stmt, 0);
		*done = sqlite3_column_int64(stmt, 1);
	}
	return store_record_end(st, stmt, rc, cause, "backfill counts");
}
