/*
 * Snoozes during an evaluation: which still hold, which expired, and which
 * a change of the bug (a comment or a whiteboard edit by someone other
 * than our own account) ended early.  An early end is told: the routes
 * that would have received the bug get one note (state snooze-ended)
 * through the ledger and the outbox, so it is delivered once and survives
 * a restart.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts_int.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

/*
 * The first change of the bug after t (and by now) not by our own account,
 * as a reason object for the note, or NULL when there is none.
 */
static json_t *
alerts_bug_changed(struct alerts_eval *ev, const struct comment_list *cl,
    const struct history_list *hl, time_t t)
{
	const char *self = ev->people->self;
	const struct comment *c;
	size_t i, j;

	for (i = 0; i < cl->n; i++) {
		c = &cl->v[i];
		if (c->time > t && c->time <= ev->now &&
		    (self == NULL || c->creator == NULL ||
			strcasecmp(c->creator, self) != 0))
			return json_pack("{s:s, s:s?, s:I}", "why", "comment",
			    "by", c->creator, "comment", (json_int_t)c->count);
	}
	for (i = 0; i < hl->n; i++) {
		if (hl->v[i].when <= t || hl->v[i].when > ev->now ||
		    (self != NULL && hl->v[i].who != NULL &&
			strcasecmp(hl->v[i].who, self) == 0))
			continue;
		for (j = 0; j < hl->v[i].nchanges; j++)
			if (hl->v[i].changes[j].field != NULL &&
			    strcmp(hl->v[i].changes[j].field, "whiteboard") ==
				0)
				return json_pack("{s:s, s:s?, s:n}", "why",
				    "whiteboard", "by", hl->v[i].who,
				    "comment");
	}
	return NULL;
}

/*
 * The note's reason object {kind, text, by, comment, date} for a snooze
 * of kind (or the whole bug) until `until` that change ended.
 */
static json_t *
alerts_snooze_reason(const char *kind, time_t until, json_t *change)
{
	const char *by = json_string_value(json_object_get(change, "by"));
	json_t *comment = json_object_get(change, "comment");
	char when[TIMEUTIL_ISO_LEN], *text, *what;
	json_t *o;

	if (json_is_integer(comment))
		xasprintf(&what, "comment %lld",
		    (long long)json_integer_value(comment));
	else
		what = xstrdup("a whiteboard change");
	xasprintf(&text, "snooze%s%s until %s ended early by %s%s%s",
	    *kind != '\0' ? " of " : "", kind, timeutil_format_iso(until, when),
	    what, by != NULL ? " by " : "", by != NULL ? by : "");
	free(what);
	o = json_pack("{s:s, s:s, s:s?, s:O, s:n}", "kind", "snooze-ended",
	    "text", text, "by", by, "comment", comment, "date");
	free(text);
	return o;
}

/* Load the bug's snoozes that still hold; see alerts_int.h. */
int
alerts_snoozes(struct alerts_eval *ev, const struct bug *bug,
    const struct comment_list *cl, const struct history_list *hl,
    struct strlist *kinds, json_t *ended, char **cause)
{
	sqlite3_stmt *stmt;
	struct strlist drop;
	json_t *change;
	char *kind;
	time_t until, set_at;
	size_t i;
	int rc, expired;

	memset(&drop, 0, sizeof drop);
	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT kind, until, set_at FROM snoozes WHERE bug_id = ?1", "i",
	    bug->id);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		kind = alerts_db_text(stmt, 0);
		until = (time_t)sqlite3_column_int64(stmt, 1);
		set_at = (time_t)sqlite3_column_int64(stmt, 2);
		expired = until <= ev->now;
		change =
		    expired ? NULL : alerts_bug_changed(ev, cl, hl, set_at);
		if (expired || change != NULL) {
			log_info("alerts: bug %lld: snooze%s%s %s",
			    (long long)bug->id, *kind != '\0' ? " of " : "",
			    kind,
			    expired ? "expired" : "cleared: the bug changed");
			if (!expired) {
				ev->stats->cleared++;
				json_array_append_new(ended,
				    json_pack("{s:s, s:I, s:o}", "kind", kind,
					"set_at", (json_int_t)set_at, "reason",
					alerts_snooze_reason(
					    kind, until, change)));
			}
			strlist_add(&drop, kind);
		} else
			strlist_add(kinds, kind);
		json_decref(change);
		free(kind);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		strlist_free(&drop);
		return -1;
	}
	for (i = 0; i < drop.n && rc != -1; i++)
		rc = alerts_db_exec(ev->db, cause,
		    "DELETE FROM snoozes WHERE bug_id = ?1 AND kind = ?2", "it",
		    bug->id, drop.v[i]);
	strlist_free(&drop);
	return rc == -1 ? -1 : 0;
}

/* 1 if the bug has a snooze row, so its thread is needed. */
int
alerts_has_snoozes(struct alerts_eval *ev, int64_t bug, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT 1 FROM snoozes WHERE bug_id = ?1 LIMIT 1", "i", bug);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		return -1;
	}
	return rc == SQLITE_ROW;
}

/* How urgent a clock payload's state is: overdue first. */
static int
alerts_snooze_rank(json_t *payload)
{
	const char *s = json_string_value(json_object_get(payload, "state"));

	if (s == NULL)
		return 0;
	if (strcmp(s, "overdue") == 0)
		return 3;
	if (strcmp(s, "due-soon") == 0)
		return 2;
	return 1;
}

/* Remember payload as the most urgent clock of its kind and of the bug. */
void
alerts_snooze_keep(json_t *best, const char *kind, json_t *payload)
{
	const char *keys[2];
	json_t *old;
	size_t i;

	keys[0] = kind;
	keys[1] = "";
	for (i = 0; i < 2; i++) {
		old = json_object_get(best, keys[i]);
		if (old == NULL ||
		    alerts_snooze_rank(payload) > alerts_snooze_rank(old))
			json_object_set_new(
			    best, keys[i], json_deep_copy(payload));
	}
}
