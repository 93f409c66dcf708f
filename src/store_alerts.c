/*
 * The alerts module's tables: the ledger (alert_clocks, alerts), the
 * outbox and channel_health.  Statements run for every clock or row are
 * prepared once into the store's cache slots; the others are prepared per
 * call.  Text is bound with SQLITE_TRANSIENT, so the caller keeps its
 * strings.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_alerts.h"
#include "store_alerts_int.h"
#include "store_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The cache slots of the statements run per clock. */
enum { SA_CLOCK_GET, SA_CLOCK_PUT, SA_ALERT_PUT, SA_OUTBOX_PUT };

/* Set *cause to "store: PATH: alerts: what: sqlite's error". */
void
store_sa_error(struct store *st, char **cause, const char *what)
{
	xasprintf(cause, "store: %s: alerts: %s: %s", store_path(st), what,
	    sqlite3_errmsg(store_sqlite(st)));
}

/* Bind the parameters of stmt from types: 'i' int64_t, 't' text or NULL. */
static void
sa_vbind(sqlite3_stmt *stmt, const char *types, va_list ap)
{
	const char *s;
	int i;

	for (i = 0; types[i] != '\0'; i++) {
		if (types[i] == 'i')
			sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
		else {
			s = va_arg(ap, const char *);
			if (s == NULL)
				sqlite3_bind_null(stmt, i + 1);
			else
				sqlite3_bind_text(
				    stmt, i + 1, s, -1, SQLITE_TRANSIENT);
		}
	}
}

/*
 * Statement sql with the parameters of ap bound: prepared once into cache
 * slot slot (reset later), or, with slot -1, prepared for this call (the
 * caller finalizes it).  NULL with *cause naming what.
 */
static sqlite3_stmt *
sa_vprepare(struct store *st, int slot, char **cause, const char *what,
    const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *stmt, **cache = NULL;

	if (slot >= 0)
		cache = store_cache_slot(st, slot);
	if (cache != NULL && *cache != NULL) {
		stmt = *cache;
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	} else if (sqlite3_prepare_v3(store_sqlite(st), sql, -1,
		       cache != NULL ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
		       NULL) != SQLITE_OK) {
		store_sa_error(st, cause, what);
		return NULL;
	} else if (cache != NULL)
		*cache = stmt;
	sa_vbind(stmt, types, ap);
	return stmt;
}

/* Statement sql with its parameters bound; see store_alerts_int.h. */
sqlite3_stmt *
store_sa_prepare(struct store *st, int slot, char **cause, const char *sql,
    const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;

	va_start(ap, types);
	stmt = sa_vprepare(st, slot, cause, "prepare", sql, types, ap);
	va_end(ap);
	return stmt;
}

/* Release a statement of store_sa_prepare: reset a cached one, finalize others.
 */
void
store_sa_done(sqlite3_stmt *stmt, int slot)
{
	if (slot >= 0) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	} else
		sqlite3_finalize(stmt);
}

/* Run a statement without rows: the rows changed, or -1 with *cause. */
int
store_sa_exec(struct store *st, int slot, char **cause, const char *what,
    const char *sql, const char *types, ...)
{
	sqlite3_stmt *stmt;
	va_list ap;
	int rc;

	/* A write outside a transaction commits alone: durably. */
	if (store_sync_full(st, cause) == -1)
		return -1;
	va_start(ap, types);
	stmt = sa_vprepare(st, slot, cause, what, sql, types, ap);
	va_end(ap);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		store_sa_error(st, cause, what);
	store_sa_done(stmt, slot);
	return rc == SQLITE_DONE ? sqlite3_changes(store_sqlite(st)) : -1;
}

/* A copy of a text column ("" for NULL). */
char *
store_sa_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);

	return xstrdup(s != NULL ? (const char *)s : "");
}

/* Read an instance's ledger row; see store_alerts.h. */
int
store_alert_clock_get(struct store *st, int64_t bug, const char *kind,
    time_t started, time_t due, struct store_alert_clock *k, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(k, 0, sizeof *k);
	stmt = store_sa_prepare(st, SA_CLOCK_GET, cause,
	    "SELECT state, notified_state, notified_level, notified_at,"
	    " acked_state, acked_level, transitions FROM alert_clocks"
	    " WHERE bug_id = ?1 AND kind = ?2 AND started_at = ?3"
	    " AND due = ?4",
	    "itii", bug, kind, (int64_t)started, (int64_t)due);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		k->exists = 1;
		k->state = store_sa_text(stmt, 0);
		k->notified_state = store_sa_text(stmt, 1);
		k->notified_level = sqlite3_column_int(stmt, 2);
		k->notified_at = (time_t)sqlite3_column_int64(stmt, 3);
		k->acked_state = store_sa_text(stmt, 4);
		k->acked_level = sqlite3_column_int(stmt, 5);
		k->transitions = sqlite3_column_int64(stmt, 6);
	} else {
		k->state = xstrdup("");
		k->notified_state = xstrdup("");
		k->acked_state = xstrdup("");
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the ledger");
	store_sa_done(stmt, SA_CLOCK_GET);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Free what store_alert_clock_get filled. */
void
store_alert_clock_free(struct store_alert_clock *k)
{
	free(k->state);
	free(k->notified_state);
	free(k->acked_state);
	memset(k, 0, sizeof *k);
}

/* Write an instance's ledger row; see store_alerts.h. */
int
store_alert_clock_put(struct store *st, int64_t bug, const char *kind,
    time_t started, time_t due, const char *state, int level,
    const struct store_alert_clock *k, time_t seen_at, const char *payload,
    char **cause)
{
	return store_sa_exec(st, SA_CLOCK_PUT, cause, "write the ledger",
		   "INSERT INTO alert_clocks (bug_id, kind, started_at, due,"
		   " state, level, notified_state, notified_level,"
		   " notified_at, seen_at, payload, transitions)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		   " ?12) ON CONFLICT (bug_id, kind, started_at, due)"
		   " DO UPDATE SET state = excluded.state,"
		   " level = excluded.level,"
		   " notified_state = excluded.notified_state,"
		   " notified_level = excluded.notified_level,"
		   " notified_at = excluded.notified_at,"
		   " seen_at = excluded.seen_at, payload = excluded.payload,"
		   " transitions = excluded.transitions",
		   "itiititiiiti", bug, kind, (int64_t)started, (int64_t)due,
		   state, (int64_t)level, k->notified_state,
		   (int64_t)k->notified_level, (int64_t)k->notified_at,
		   (int64_t)seen_at, payload, (int64_t)k->transitions) < 0
	    ? -1
	    : 0;
}

/* Record an alert in the ledger; see store_alerts.h. */
int
store_alert_insert(struct store *st, const struct store_alert *a, char **cause)
{
	return store_sa_exec(st, SA_ALERT_PUT, cause, "record an alert",
	    "INSERT OR IGNORE INTO alerts (id, bug_id, kind, started_at, due,"
	    " state, level, route, seq, created, dry_run, reason, episode)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	    "titiititiiiti", a->id, a->bug_id, a->kind, (int64_t)a->started_at,
	    (int64_t)a->due, a->state, (int64_t)a->level, a->route,
	    (int64_t)a->seq, (int64_t)a->created, (int64_t)a->dry_run,
	    a->reason, (int64_t)a->episode);
}

/* Queue a delivery; see store_alerts.h. */
int
store_outbox_insert(
    struct store *st, const struct store_outbox_entry *e, char **cause)
{
	return store_sa_exec(st, SA_OUTBOX_PUT, cause, "queue a delivery",
	    "INSERT OR IGNORE INTO outbox (delivery_id, channel, route, digest,"
	    " payload, created, ready_at, next_attempt, held)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
	    "tttitiii", e->delivery_id, e->channel, e->route,
	    (int64_t)e->digest, e->payload, (int64_t)e->created,
	    (int64_t)e->ready_at, (int64_t)e->held);
}

/* Read a page of due rows; see store_alerts.h. */
int
store_outbox_due(struct store *st, time_t now, int64_t after_next,
    int64_t after_id, size_t limit, struct store_outbox_row **rows, size_t *n,
    char **cause)
{
	struct store_outbox_row *r;
	sqlite3_stmt *stmt;
	int rc;

	*rows = NULL;
	*n = 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT id, delivery_id, channel, digest, payload, attempts,"
	    " ready_at, next_attempt, claimed_at FROM outbox"
	    " WHERE status = 'pending'"
	    " AND next_attempt <= ?1 AND (next_attempt > ?2 OR"
	    " (next_attempt = ?2 AND id > ?3)) ORDER BY next_attempt, id"
	    " LIMIT ?4",
	    "iiii", (int64_t)now, after_next, after_id, (int64_t)limit);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r = xappend(rows, n, sizeof *r);
		r->id = sqlite3_column_int64(stmt, 0);
		r->delivery_id = store_sa_text(stmt, 1);
		r->channel = store_sa_text(stmt, 2);
		r->digest = sqlite3_column_int(stmt, 3);
		r->payload = store_sa_text(stmt, 4);
		r->attempts = sqlite3_column_int(stmt, 5);
		r->ready_at = (time_t)sqlite3_column_int64(stmt, 6);
		r->next_attempt = sqlite3_column_int64(stmt, 7);
		r->claimed_at = (time_t)sqlite3_column_int64(stmt, 8);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	store_sa_error(st, cause, "read the outbox");
	sqlite3_finalize(stmt);
	/* The rows read before the failure go with it. */
	while (*n > 0)
		store_outbox_row_clear(&(*rows)[--*n]);
	free(*rows);
	*rows = NULL;
	return -1;
}

/* Free the strings of one row of store_outbox_due. */
void
store_outbox_row_clear(struct store_outbox_row *r)
{
	free(r->delivery_id);
	free(r->channel);
	free(r->payload);
}

/* Mark a row sent (or logged in a dry run). */
int
store_outbox_mark_sent(struct store *st, int64_t id, const char *status,
    time_t now, int attempts, char **cause)
{
	static const char sql[] =
	    "UPDATE outbox SET status = ?2, sent_at = ?3,"
	    " attempts = ?4, last_error = NULL, claimed_at = 0 WHERE id = ?1";

	if (store_sa_exec(st, -1, cause, "mark a delivery", sql, "itii", id,
		status, (int64_t)now, (int64_t)attempts) >= 0)
		return 0;
	/* The delivery went out: a full disk spends the reserve on it. */
	if (!store_reserve_release_if_full(st))
		return -1;
	free(*cause);
	*cause = NULL;
	return store_sa_exec(st, -1, cause, "mark a delivery", sql, "itii", id,
		   status, (int64_t)now, (int64_t)attempts) < 0
	    ? -1
	    : 0;
}

/* Claim a row before its send; see store_alerts.h. */
int
store_outbox_claim(struct store *st, int64_t id, time_t now, char **cause)
{
	return store_sa_exec(st, -1, cause, "claim a delivery",
		   "UPDATE outbox SET claimed_at = ?2 WHERE id = ?1", "ii", id,
		   (int64_t)now) < 0
	    ? -1
	    : 0;
}

/* Record a failed attempt to retry. */
int
store_outbox_mark_retry(struct store *st, int64_t id, int attempts, time_t next,
    const char *error, char **cause)
{
	return store_sa_exec(st, -1, cause, "mark a delivery",
		   "UPDATE outbox SET attempts = ?2, next_attempt = ?3,"
		   " last_error = ?4, claimed_at = 0 WHERE id = ?1",
		   "iiit", id, (int64_t)attempts, (int64_t)next, error) < 0
	    ? -1
	    : 0;
}

/* Make a row a dead letter. */
int
store_outbox_mark_dead(
    struct store *st, int64_t id, int attempts, const char *error, char **cause)
{
	return store_sa_exec(st, -1, cause, "mark a dead letter",
		   "UPDATE outbox SET status = 'dead', attempts = ?2,"
		   " last_error = ?3, claimed_at = 0 WHERE id = ?1",
		   "iit", id, (int64_t)attempts, error) < 0
	    ? -1
	    : 0;
}

/* Requeue dead letters; see store_alerts.h. */
int
store_outbox_retry_dead(struct store *st, const char *const *ids, size_t n,
    time_t now, char **cause)
{
	static const char sql[] =
	    "UPDATE outbox SET status = 'pending', attempts = 0,"
	    " ready_at = ?1, next_attempt = ?1, held = 0"
	    " WHERE status = 'dead' AND (?2 IS NULL OR delivery_id = ?2)";
	size_t i;
	int r, total = 0;

	if (n == 0)
		return store_sa_exec(st, -1, cause, "requeue dead letters", sql,
		    "it", (int64_t)now, (const char *)NULL);
	for (i = 0; i < n; i++) {
		r = store_sa_exec(st, -1, cause, "requeue dead letters", sql,
		    "it", (int64_t)now, ids[i]);
		if (r < 0)
			return -1;
		total += r;
	}
	return total;
}

/* Record one attempt's outcome on a channel; see store_alerts.h. */
int
store_channel_result(struct store *st, const char *channel, time_t now,
    const char *error, char **cause)
{
	if (store_schema_version(st) < 4)
		return 0;
	if (error == NULL)
		return store_sa_exec(st, -1, cause,
			   "record a channel's success",
			   "INSERT INTO channel_health (channel, last_success)"
			   " VALUES (?1, ?2) ON CONFLICT (channel) DO UPDATE"
			   " SET last_success = excluded.last_success,"
			   " failures = 0",
			   "ti", channel, (int64_t)now) < 0
		    ? -1
		    : 0;
	return store_sa_exec(st, -1, cause, "record a channel's failure",
		   "INSERT INTO channel_health (channel, last_failure,"
		   " failures, last_error) VALUES (?1, ?2, 1, ?3)"
		   " ON CONFLICT (channel) DO UPDATE"
		   " SET last_failure = excluded.last_failure,"
		   " failures = failures + 1, last_error = excluded.last_error",
		   "tit", channel, (int64_t)now, error) < 0
	    ? -1
	    : 0;
}

/* List every channel's health; see store_alerts.h. */
int
store_channel_health_list(
    struct store *st, struct store_channel_health **v, size_t *n, char **cause)
{
	static const char with_health[] =
	    "WITH names AS (SELECT channel FROM outbox UNION"
	    " SELECT channel FROM channel_health)"
	    " SELECT n.channel, coalesce(h.last_success, 0),"
	    " coalesce(h.last_failure, 0), coalesce(h.failures, 0),"
	    " h.last_error,"
	    " (SELECT count(*) FROM outbox o WHERE o.channel = n.channel"
	    "  AND o.status = 'pending'),"
	    " (SELECT count(*) FROM outbox o WHERE o.channel = n.channel"
	    "  AND o.status = 'pending' AND o.held = 1),"
	    " (SELECT count(*) FROM outbox o WHERE o.channel = n.channel"
	    "  AND o.status = 'dead')"
	    " FROM names n LEFT JOIN channel_health h"
	    " ON h.channel = n.channel ORDER BY n.channel";
	static const char without[] =
	    "SELECT channel, 0, 0, 0, NULL,"
	    " sum(status = 'pending'), sum(status = 'pending' AND held = 1),"
	    " sum(status = 'dead') FROM outbox GROUP BY channel"
	    " ORDER BY channel";
	struct store_channel_health *h;
	sqlite3_stmt *stmt;
	int rc;

	*v = NULL;
	*n = 0;
	if (store_schema_version(st) < 3)
		return 0;
	stmt = store_sa_prepare(st, -1, cause,
	    store_schema_version(st) >= 4 ? with_health : without, "");
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		h = xappend(v, n, sizeof *h);
		h->channel = store_sa_text(stmt, 0);
		h->last_success = (time_t)sqlite3_column_int64(stmt, 1);
		h->last_failure = (time_t)sqlite3_column_int64(stmt, 2);
		h->failures = sqlite3_column_int64(stmt, 3);
		if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
			h->last_error = store_sa_text(stmt, 4);
		h->pending = sqlite3_column_int64(stmt, 5);
		h->held = sqlite3_column_int64(stmt, 6);
		h->dead = sqlite3_column_int64(stmt, 7);
	}
	if (rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the channels' health");
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_channel_health_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Free what store_channel_health_list made. */
void
store_channel_health_free(struct store_channel_health *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].channel);
		free(v[i].last_error);
	}
	free(v);
}

/* The met transitions of a time span; see store_alerts.h. */
int
store_alert_met_between(struct store *st, time_t since, time_t until,
    char ***payloads, char ***reasons, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*payloads = *reasons = NULL;
	*n = 0;
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT c.payload, a.reason FROM alerts a JOIN alert_clocks c"
	    " ON c.bug_id = a.bug_id AND c.kind = a.kind"
	    " AND c.started_at = a.started_at AND c.due = a.due"
	    " WHERE a.state = 'met' AND a.route = '' AND a.dry_run = 0"
	    " AND a.created > ?1 AND a.created <= ?2 AND c.payload IS NOT NULL"
	    " ORDER BY a.created, a.id",
	    "ii", (int64_t)since, (int64_t)until);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*payloads = xreallocarray(*payloads, *n + 1, sizeof **payloads);
		*reasons = xreallocarray(*reasons, *n + 1, sizeof **reasons);
		(*payloads)[*n] = store_sa_text(stmt, 0);
		(*reasons)[*n] = sqlite3_column_type(stmt, 1) == SQLITE_NULL
		    ? NULL
		    : store_sa_text(stmt, 1);
		(*n)++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_sa_error(st, cause, "read the met alerts");
		store_strings_free(*payloads, *n);
		store_strings_free(*reasons, *n);
		*payloads = *reasons = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* Free n strings and their array. */
void
store_strings_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The vanished instances' payloads; see store_alerts.h. */
int
store_alert_clock_vanished(
    struct store *st, time_t now, struct strlist *payloads, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT payload FROM alert_clocks WHERE seen_at != ?1"
	    " AND notified_state IN ('due-soon', 'overdue')"
	    " AND payload IS NOT NULL",
	    "i", (int64_t)now);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		strlist_add(
		    payloads, (const char *)sqlite3_column_text(stmt, 0));
	if (rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the vanished instances");
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The totals of the alerts' tables; see store_alerts.h. */
int
store_alert_counts(struct store *st, struct store_alert_counts *c, char **cause)
{
	sqlite3_stmt *stmt;
	int rc = -1;

	memset(c, 0, sizeof *c);
	stmt = store_sa_prepare(st, -1, cause,
	    "SELECT (SELECT count(*) FROM alerts),"
	    " (SELECT count(*) FROM outbox WHERE status = 'pending'),"
	    " (SELECT count(*) FROM outbox WHERE status = 'pending' AND held),"
	    " (SELECT count(*) FROM outbox WHERE status IN ('sent', "
	    "'dry-run')),"
	    " (SELECT count(*) FROM outbox WHERE status = 'dead'),"
	    " (SELECT count(*) FROM snoozes)",
	    "");
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		c->alerts = sqlite3_column_int64(stmt, 0);
		c->pending = sqlite3_column_int64(stmt, 1);
		c->held = sqlite3_column_int64(stmt, 2);
		c->sent = sqlite3_column_int64(stmt, 3);
		c->dead = sqlite3_column_int64(stmt, 4);
		c->snoozes = sqlite3_column_int64(stmt, 5);
		rc = 0;
	} else
		store_sa_error(st, cause, "counts");
	sqlite3_finalize(stmt);
	return rc;
}

/* A time as ISO 8601, or null for 0. */
static json_t *
sa_json_time(int64_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	if (t == 0)
		return json_null();
	return json_string(timeutil_format_iso((time_t)t, iso));
}

/* A text column as a JSON string ("?" when it is no valid UTF-8). */
static json_t *
sa_json_text(sqlite3_stmt *stmt, int col)
{
	json_t *j = json_string((const char *)sqlite3_column_text(stmt, col));

	return j != NULL ? j : json_string("?");
}

/*
 * Append the rows of a query to array a, one object a row named by names;
 * the columns marked 't' in timecols are times.
 */
static int
sa_json_rows(struct store *st, const char *sql, const char *const *names,
    const char *timecols, json_t *a, char **cause)
{
	sqlite3_stmt *stmt;
	json_t *o, *v;
	int i, n, rc;

	stmt = store_sa_prepare(st, -1, cause, sql, "");
	if (stmt == NULL)
		return -1;
	n = sqlite3_column_count(stmt);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		o = json_object();
		for (i = 0; i < n; i++) {
			if (timecols[i] == 't')
				v = sa_json_time(sqlite3_column_int64(stmt, i));
			else if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER)
				v = json_integer(sqlite3_column_int64(stmt, i));
			else if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
				v = json_null();
			else
				v = sa_json_text(stmt, i);
			json_object_set_new(o, names[i], v);
		}
		json_array_append_new(a, o);
	}
	if (rc != SQLITE_DONE)
		store_sa_error(st, cause, "read the rows");
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *const sa_ledger_names[] = {"id", "bug_id", "clock", "state",
    "level", "route", "repeat", "due", "created", "dry_run", "reason"};
#define SA_LEDGER_SQL                                                          \
	"SELECT id, bug_id, kind, state, level, route, seq, due, created,"     \
	" dry_run, reason FROM alerts ORDER BY created DESC, id LIMIT 200"
/* A store before schema version 4 has no reasons. */
#define SA_LEDGER_SQL3                                                         \
	"SELECT id, bug_id, kind, state, level, route, seq, due, created,"     \
	" dry_run, NULL FROM alerts ORDER BY created DESC, id LIMIT 200"
static const char *const sa_outbox_names[] = {"delivery_id", "channel", "route",
    "digest", "status", "attempts", "held", "created", "next_attempt",
    "sent_at", "last_error"};
#define SA_OUTBOX_SQL                                                          \
	"SELECT delivery_id, channel, route, digest, status, attempts, held,"  \
	" created, next_attempt, sent_at, last_error FROM outbox"              \
	" ORDER BY status = 'dead' DESC, status = 'pending' DESC, id DESC"     \
	" LIMIT 200"
static const char *const sa_snooze_names[] = {
    "bug_id", "clock", "until", "reason", "set_at"};
#define SA_SNOOZE_SQL                                                          \
	"SELECT bug_id, kind, until, reason, set_at FROM snoozes"              \
	" ORDER BY bug_id, kind"

/* The ledger, the outbox and the snoozes as JSON rows; see store_alerts.h. */
int
store_alert_rows_json(struct store *st, json_t *ledger, json_t *outbox,
    json_t *snoozes, char **cause)
{
	if (sa_json_rows(st,
		store_schema_version(st) >= 4 ? SA_LEDGER_SQL : SA_LEDGER_SQL3,
		sa_ledger_names, "       tt  ", ledger, cause) == -1 ||
	    sa_json_rows(st, SA_OUTBOX_SQL, sa_outbox_names, "       ttt ",
		outbox, cause) == -1 ||
	    sa_json_rows(st, SA_SNOOZE_SQL, sa_snooze_names, "  t t", snoozes,
		cause) == -1)
		return -1;
	return 0;
}
