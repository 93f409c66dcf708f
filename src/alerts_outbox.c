/*
 * Delivery: the outbox rows whose time has come go out through their
 * channel's notifier, oldest first, and are marked after the receiver
 * accepted them.  A crash between the two sends the row again after the
 * restart with the same delivery id (the Message-ID of a mail, the
 * X-Ccwatch-Delivery of a webhook), which a receiver can drop.
 *
 * A failed send is retried after base * 2^(attempts - 1) seconds (capped,
 * and never sooner than the receiver's Retry-After); once a channel fails
 * in a run its other rows wait for the next run, so a dead server is not
 * hammered.  A permanent failure, or a row still undelivered max_age after
 * it was first due, becomes a dead letter: kept, counted, logged loudly.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts_int.h"
#include "log.h"
#include "xmalloc.h"

/* One row to send. */
struct alerts_row {
	int64_t id;
	char *delivery_id;
	char *channel;
	int digest;
	char *payload;
	int attempts;
	time_t ready_at;
};

/* Read the rows that are due at now, oldest first. */
static int
alerts_due_rows(
    sqlite3 *db, time_t now, struct alerts_row **rows, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;
	struct alerts_row *r;
	int rc;

	*rows = NULL;
	*n = 0;
	stmt = alerts_db_prepare(db, cause,
	    "SELECT id, delivery_id, channel, digest, payload, attempts,"
	    " ready_at FROM outbox WHERE status = 'pending'"
	    " AND next_attempt <= ?1 ORDER BY next_attempt, id",
	    "i", (int64_t)now);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
		r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(stmt, 0);
		r->delivery_id = alerts_db_text(stmt, 1);
		r->channel = alerts_db_text(stmt, 2);
		r->digest = sqlite3_column_int(stmt, 3);
		r->payload = alerts_db_text(stmt, 4);
		r->attempts = sqlite3_column_int(stmt, 5);
		r->ready_at = (time_t)sqlite3_column_int64(stmt, 6);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: outbox: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Free the rows. */
static void
alerts_rows_free(struct alerts_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].delivery_id);
		free(rows[i].channel);
		free(rows[i].payload);
	}
	free(rows);
}

/* Send one row through n; 0, or -1 with *fail and *cause. */
static int
alerts_send_row(struct notifier *n, const struct alerts_row *row,
    struct notify_failure *fail, char **cause)
{
	struct alert_digest d;
	struct alert a, *items;
	json_t *o, *list;
	size_t i;
	int rc;

	o = json_loads(row->payload, 0, NULL);
	if (o == NULL) {
		fail->retryable = 0;
		xasprintf(cause, "unreadable payload");
		return -1;
	}
	if (!row->digest) {
		alerts_payload_alert(o, &a);
		a.id = row->delivery_id;
		rc = notify_send(n, &a, fail, cause);
		json_decref(o);
		return rc;
	}
	list = json_object_get(o, "items");
	items = xcalloc(json_array_size(list) + 1, sizeof *items);
	for (i = 0; i < json_array_size(list); i++)
		alerts_payload_alert(json_array_get(list, i), &items[i]);
	memset(&d, 0, sizeof d);
	d.id = row->delivery_id;
	d.recipient = json_string_value(json_object_get(o, "recipient"));
	d.items = items;
	d.n = json_array_size(list);
	d.when = json_integer_value(json_object_get(o, "when"));
	rc = notify_send_digest(n, &d, fail, cause);
	free(items);
	json_decref(o);
	return rc;
}

/* The delay before retry number attempts (1 after the first failure). */
static long long
alerts_backoff(const struct config_alerts *cfg, int attempts, long retry_after)
{
	long long d = cfg->backoff_base;
	int i;

	for (i = 1; i < attempts && d < cfg->backoff_max; i++)
		d *= 2;
	if (d > cfg->backoff_max)
		d = cfg->backoff_max;
	if (retry_after > d)
		d = retry_after;
	return d > 0 ? d : 1;
}

/* Mark a row sent (or logged, in a dry run). */
static int
alerts_mark_sent(sqlite3 *db, const struct alerts_row *row, time_t now,
    const char *status, char **cause)
{
	return alerts_db_exec(db, cause,
		   "UPDATE outbox SET status = ?2, sent_at = ?3, attempts = ?4,"
		   " last_error = NULL WHERE id = ?1",
		   "itii", row->id, status, (int64_t)now,
		   (int64_t)row->attempts + 1) < 0
	    ? -1
	    : 0;
}

/* Record a failed attempt: retry later, or give up loudly. */
static int
alerts_mark_failed(struct alerts *al, sqlite3 *db, const struct alerts_row *row,
    time_t now, const struct notify_failure *fail, const char *error,
    struct alerts_stats *stats, char **cause)
{
	long long delay;
	int attempts = row->attempts + 1;

	if (!fail->retryable || now - row->ready_at >= al->cfg->max_age) {
		log_warnx("alerts: DEAD LETTER: delivery %s to channel %s "
			  "given up after %d attempts over %lld s (%s): %s",
		    row->delivery_id, row->channel, attempts,
		    (long long)(now - row->ready_at),
		    fail->retryable ? "max_age passed" : "permanent failure",
		    error);
		stats->dead++;
		return alerts_db_exec(db, cause,
			   "UPDATE outbox SET status = 'dead', attempts = ?2,"
			   " last_error = ?3 WHERE id = ?1",
			   "iit", row->id, (int64_t)attempts, error) < 0
		    ? -1
		    : 0;
	}
	delay = alerts_backoff(al->cfg, attempts, fail->retry_after);
	log_warnx("alerts: delivery %s to channel %s failed (attempt %d), "
		  "retrying in %lld s: %s",
	    row->delivery_id, row->channel, attempts, delay, error);
	stats->failed++;
	return alerts_db_exec(db, cause,
		   "UPDATE outbox SET attempts = ?2, next_attempt = ?3,"
		   " last_error = ?4 WHERE id = ?1",
		   "iiit", row->id, (int64_t)attempts, (int64_t)(now + delay),
		   error) < 0
	    ? -1
	    : 0;
}

/* Log what a dry run would have sent. */
static void
alerts_log_dry(const struct alerts_row *row)
{
	json_t *o = json_loads(row->payload, 0, NULL);

	if (row->digest)
		log_info("alerts: dry run: would send %s to channel %s: %zu "
			 "items for %s",
		    row->delivery_id, row->channel,
		    json_array_size(json_object_get(o, "items")),
		    json_string_value(json_object_get(o, "recipient")));
	else
		log_info("alerts: dry run: would send %s to channel %s: bug "
			 "%lld %s %s level %lld",
		    row->delivery_id, row->channel,
		    (long long)json_integer_value(json_object_get(o, "bug_id")),
		    json_string_value(json_object_get(o, "clock")),
		    json_string_value(json_object_get(o, "state")),
		    (long long)json_integer_value(json_object_get(o, "level")));
	json_decref(o);
}

/* Send one row, or note why not; -1 only for a store error. */
static int
alerts_deliver_row(struct alerts *al, sqlite3 *db, const struct alerts_row *row,
    time_t now, struct strlist *down, struct alerts_stats *stats, char **cause)
{
	struct notify_failure fail;
	struct notifier *n;
	char *error = NULL;
	int rc;

	if (al->cfg->dry_run) {
		alerts_log_dry(row);
		stats->dry_run++;
		return alerts_mark_sent(db, row, now, "dry-run", cause);
	}
	memset(&fail, 0, sizeof fail);
	n = alerts_notifier(al, row->channel);
	if (n == NULL) {
		fail.retryable = 1;
		error = alerts_channel_error(al, row->channel);
	} else if (alerts_send_row(n, row, &fail, &error) == 0) {
		log_info("alerts: sent %s to channel %s", row->delivery_id,
		    row->channel);
		stats->sent++;
		return alerts_mark_sent(db, row, now, "sent", cause);
	}
	if (fail.retryable)
		strlist_add(down, row->channel);
	rc = alerts_mark_failed(al, db, row, now, &fail,
	    error != NULL ? error : "failed", stats, cause);
	free(error);
	return rc;
}

/* Send what is due; see alerts.h. */
int
alerts_deliver(struct alerts *al, struct store *st, time_t now,
    struct alerts_stats *stats, char **cause)
{
	sqlite3 *db = store_sqlite(st);
	struct alerts_row *rows;
	struct strlist down;
	size_t i, n;
	int rc = 0;

	if (alerts_due_rows(db, now, &rows, &n, cause) == -1)
		return -1;
	memset(&down, 0, sizeof down);
	for (i = 0; i < n && rc == 0; i++) {
		if (strlist_contains(&down, rows[i].channel))
			continue;
		rc = alerts_deliver_row(
		    al, db, &rows[i], now, &down, stats, cause);
	}
	strlist_free(&down);
	alerts_rows_free(rows, n);
	return rc;
}

/* Evaluate, then deliver whatever is due even if the evaluation failed. */
int
alerts_run_cycle(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    struct alerts_stats *stats, char **cause)
{
	char *dcause = NULL;
	int rc;

	rc = alerts_evaluate(al, st, people, opts, now, stats, cause);
	if (alerts_deliver(al, st, now, stats, &dcause) == -1) {
		if (rc == -1) {
			log_warnx("%s", dcause);
			free(dcause);
		} else
			*cause = dcause;
		return -1;
	}
	return rc;
}
