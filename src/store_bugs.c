/*
 * The store's bugs, comments and history: written by the sync, read by
 * every output.  Lists (cc, groups, keywords, tags, flags) are stored as
 * JSON text; everything else is a plain column, text bound with its length
 * so it comes back byte for byte.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store.h"
#include "store_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Encode a list as a JSON array of strings; NULL if one is not UTF-8. */
static char *
store_strlist_encode(const struct strlist *sl)
{
	json_t *a;
	json_t *s;
	char *out = NULL;
	size_t i;

	a = json_array();
	for (i = 0; i < sl->n; i++) {
		s = json_string(sl->v[i]);
		if (s == NULL)
			goto out;
		json_array_append_new(a, s);
	}
	out = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	return out;
}

/*
 * Bind a list as its JSON text; -1 if one is not UTF-8.  Most lists (a
 * comment's tags) are empty, and "[]" needs no encoder or allocation.
 */
static int
store_bind_strlist(sqlite3_stmt *stmt, int col, const struct strlist *sl)
{
	char *json;

	if (sl->n == 0)
		return sqlite3_bind_text(stmt, col, "[]", 2, SQLITE_STATIC);
	json = store_strlist_encode(sl);
	if (json == NULL)
		return -1;
	return store_bind_owned(stmt, col, json);
}

/* Decode a JSON array of strings into sl; 0, or -1 if it is not one. */
static int
store_strlist_decode(const char *text, struct strlist *sl)
{
	json_t *a;
	json_t *s;
	size_t i;
	int rc = -1;

	if (text == NULL)
		return 0;
	a = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(a))
		goto out;
	json_array_foreach(a, i, s)
	{
		if (!json_is_string(s))
			goto out;
		strlist_add(sl, json_string_value(s));
	}
	rc = 0;
out:
	json_decref(a);
	return rc;
}

/* A string or JSON null for s. */
static json_t *
store_json_string_or_null(const char *s)
{
	if (s == NULL)
		return json_null();
	return json_string(s);
}

/* Encode a bug's flags as a JSON array of objects; NULL if not UTF-8. */
static char *
store_flags_encode(const struct bug *b)
{
	const struct flag *f;
	json_t *a;
	json_t *o;
	char status[2];
	char *out = NULL;
	size_t i;

	a = json_array();
	for (i = 0; i < b->nflags; i++) {
		f = &b->flags[i];
		status[0] = f->status;
		status[1] = '\0';
		o = json_pack("{s:I, s:I, s:s?, s:s, s:o, s:o, s:I, s:I}", "id",
		    (json_int_t)f->id, "type_id", (json_int_t)f->type_id,
		    "name", f->name, "status", status, "setter",
		    store_json_string_or_null(f->setter), "requestee",
		    store_json_string_or_null(f->requestee), "creation_date",
		    (json_int_t)f->creation_date, "modification_date",
		    (json_int_t)f->modification_date);
		if (o == NULL)
			goto out;
		json_array_append_new(a, o);
	}
	out = json_dumps(a, JSON_COMPACT);
out:
	json_decref(a);
	return out;
}

/* A copy of member key of o if it is a string, NULL otherwise. */
static char *
store_json_strdup(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	return xstrdup(json_string_value(v));
}

/* Decode the flags column into b; 0, or -1 if it is not what we wrote. */
static int
store_flags_decode(const char *text, struct bug *b)
{
	struct flag *f;
	json_t *a;
	json_t *o;
	const char *status;
	size_t i;
	int rc = -1;

	if (text == NULL)
		return 0;
	a = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(a))
		goto out;
	if (json_array_size(a) > 0)
		b->flags = xcalloc(json_array_size(a), sizeof *b->flags);
	json_array_foreach(a, i, o)
	{
		if (!json_is_object(o) ||
		    !json_is_string(json_object_get(o, "status")))
			goto out;
		f = &b->flags[b->nflags++];
		f->id = json_integer_value(json_object_get(o, "id"));
		f->type_id = json_integer_value(json_object_get(o, "type_id"));
		f->name = store_json_strdup(o, "name");
		status = json_string_value(json_object_get(o, "status"));
		f->status = status[0];
		f->setter = store_json_strdup(o, "setter");
		f->requestee = store_json_strdup(o, "requestee");
		f->creation_date =
		    json_integer_value(json_object_get(o, "creation_date"));
		f->modification_date =
		    json_integer_value(json_object_get(o, "modification_date"));
	}
	rc = 0;
out:
	json_decref(a);
	return rc;
}

/* Insert a bug or replace the stored one with it. */
int
store_put_bug(struct store *st, const struct bug *b, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_PUT_BUG);
	const struct strlist *lists[] = {&b->cc, &b->groups, &b->keywords};
	char *json;
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(lists); i++) {
		if (store_bind_strlist(stmt, 14 + (int)i, lists[i]) == -1) {
			xasprintf(cause, "store: bug %lld: a list is not UTF-8",
			    (long long)b->id);
			store_stmt_done(stmt);
			return -1;
		}
	}
	json = store_flags_encode(b);
	if (json == NULL) {
		xasprintf(
		    cause, "store: bug %lld: bad flags", (long long)b->id);
		store_stmt_done(stmt);
		return -1;
	}
	store_bind_owned(stmt, 17, json);
	sqlite3_bind_int64(stmt, 1, b->id);
	store_bind_borrowed(stmt, 2, b->summary);
	store_bind_borrowed(stmt, 3, b->status);
	store_bind_borrowed(
	    stmt, 4, b->resolution != NULL ? b->resolution : "");
	sqlite3_bind_int(stmt, 5, b->is_open);
	store_bind_borrowed(stmt, 6, b->whiteboard);
	store_bind_borrowed(stmt, 7, b->product);
	store_bind_borrowed(stmt, 8, b->component);
	store_bind_borrowed(stmt, 9, b->creator);
	store_bind_borrowed(stmt, 10, b->assigned_to);
	sqlite3_bind_int64(stmt, 11, b->creation_time);
	sqlite3_bind_int64(stmt, 12, b->last_change_time);
	sqlite3_bind_int64(stmt, 13, b->comment_count);
	sqlite3_bind_int64(stmt, 18, timeutil_now());
	return store_stmt_run(st, stmt, cause, "put bug");
}

/* Fill *b from the current row of a STORE_BUG_COLUMNS select. */
static int
store_bug_read(
    struct store *st, sqlite3_stmt *stmt, struct bug *b, char **cause)
{
	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(stmt, 0);
	b->summary = store_column_text(stmt, 1);
	b->status = store_column_text(stmt, 2);
	b->resolution = store_column_text(stmt, 3);
	b->is_open = sqlite3_column_int(stmt, 4);
	b->whiteboard = store_column_text(stmt, 5);
	b->product = store_column_text(stmt, 6);
	b->component = store_column_text(stmt, 7);
	b->creator = store_column_text(stmt, 8);
	b->assigned_to = store_column_text(stmt, 9);
	b->creation_time = (time_t)sqlite3_column_int64(stmt, 10);
	b->last_change_time = (time_t)sqlite3_column_int64(stmt, 11);
	b->comment_count = sqlite3_column_int64(stmt, 12);
	if (store_strlist_decode(
		(const char *)sqlite3_column_text(stmt, 13), &b->cc) == -1 ||
	    store_strlist_decode((const char *)sqlite3_column_text(stmt, 14),
		&b->groups) == -1 ||
	    store_strlist_decode((const char *)sqlite3_column_text(stmt, 15),
		&b->keywords) == -1 ||
	    store_flags_decode(
		(const char *)sqlite3_column_text(stmt, 16), b) == -1) {
		xasprintf(cause, "store: %s: bug %lld: bad list column",
		    st->path, (long long)b->id);
		model_bug_free(b);
		return -1;
	}
	return 0;
}

/*
 * Step a statement of at most one row about bug id: 1 on a row, 0 on none,
 * -1 with *cause naming what failed.  The caller resets the statement.
 */
static int
store_bug_step(struct store *st, sqlite3_stmt *stmt, const char *what,
    int64_t id, char **cause)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	store_error(st, cause, "%s %lld", what, (long long)id);
	return -1;
}

/* Read bug id into *out: 1 found, 0 absent, -1 error with *cause. */
int
store_get_bug(struct store *st, int64_t id, struct bug *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_BUG);
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	rc = store_bug_step(st, stmt, "get bug", id, cause);
	if (rc == 1 && store_bug_read(st, stmt, out, cause) == -1)
		rc = -1;
	store_stmt_done(stmt);
	return rc;
}

/* Reads the current row of a statement into the list out; -1 with *cause. */
typedef int (*store_row_fn)(
    struct store *, sqlite3_stmt *, void *out, char **cause);

/*
 * Step a bound statement to its end, each row read into out by row, and
 * reset it: 0, or -1 with *cause (a bad row's, or the step's error named
 * by fmt).
 */
static int CCWATCH_PRINTF(6, 7)
    store_read_rows(struct store *st, sqlite3_stmt *stmt, store_row_fn row,
	void *out, char **cause, const char *fmt, ...)
{
	va_list ap;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (row(st, stmt, out, cause) == -1)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		va_start(ap, fmt);
		store_verror(st, cause, fmt, ap);
		va_end(ap);
	}
	store_stmt_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Append the bug of the current row to the bug_list out. */
static int
store_bug_row(struct store *st, sqlite3_stmt *stmt, void *out, char **cause)
{
	struct bug b;

	if (store_bug_read(st, stmt, &b, cause) == -1)
		return -1;
	*bug_list_add(out) = b;
	return 0;
}

/* Append the comment of the current row to the comment_list out. */
static int
store_comment_row(struct store *st, sqlite3_stmt *stmt, void *out, char **cause)
{
	struct comment c;

	memset(&c, 0, sizeof c);
	c.id = sqlite3_column_int64(stmt, 0);
	c.bug_id = sqlite3_column_int64(stmt, 1);
	c.count = sqlite3_column_int64(stmt, 2);
	c.creator = store_column_text(stmt, 3);
	c.time = (time_t)sqlite3_column_int64(stmt, 4);
	c.text = store_column_text(stmt, 5);
	c.is_private = sqlite3_column_int(stmt, 6);
	if (store_strlist_decode(
		(const char *)sqlite3_column_text(stmt, 7), &c.tags) == -1) {
		xasprintf(cause, "store: %s: comment %lld: bad tags", st->path,
		    (long long)c.id);
		model_comment_free(&c);
		return -1;
	}
	*comment_list_add(out) = c;
	return 0;
}

/* Append the stored bugs, by id, to *out. */
int
store_list_bugs(
    struct store *st, int open_only, struct bug_list *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_LIST_BUGS);

	sqlite3_bind_int(stmt, 1, open_only);
	return store_read_rows(
	    st, stmt, store_bug_row, out, cause, "list bugs");
}

/* Allocate the stored bug ids, ascending, into *ids and *n. */
int
store_list_ids(
    struct store *st, int open_only, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_LIST_IDS);

	sqlite3_bind_int(stmt, 1, open_only);
	return store_step_ids(st, stmt, "list ids", ids, n, cause);
}

/* Insert a comment, or update the text, privacy and tags of a stored one. */
int
store_put_comment(struct store *st, const struct comment *c, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_PUT_COMMENT);

	if (store_bind_strlist(stmt, 8, &c->tags) == -1) {
		xasprintf(cause, "store: comment %lld: a tag is not UTF-8",
		    (long long)c->id);
		store_stmt_done(stmt);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, c->bug_id);
	sqlite3_bind_int64(stmt, 3, c->count);
	store_bind_borrowed(stmt, 4, c->creator);
	sqlite3_bind_int64(stmt, 5, c->time);
	store_bind_borrowed(stmt, 6, c->text);
	sqlite3_bind_int(stmt, 7, c->is_private != 0);
	return store_stmt_run(st, stmt, cause, "put comment");
}

/* Append the comments of a bug, oldest first, to *out. */
int
store_get_comments(
    struct store *st, int64_t bug_id, struct comment_list *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_COMMENTS);

	sqlite3_bind_int64(stmt, 1, bug_id);
	return store_read_rows(st, stmt, store_comment_row, out, cause,
	    "get comments of bug %lld", (long long)bug_id);
}

/* Store the latest time of a bug's comments, or 0, in *out. */
int
store_last_comment_time(
    struct store *st, int64_t bug_id, time_t *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_LAST_COMMENT);
	int rc = -1;

	sqlite3_bind_int64(stmt, 1, bug_id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(
		    st, cause, "last comment of bug %lld", (long long)bug_id);
		goto out;
	}
	*out = (time_t)sqlite3_column_int64(stmt, 0);
	rc = 0;
out:
	store_stmt_done(stmt);
	return rc;
}

/* Store each change of a history entry as a row; repeats are ignored. */
int
store_put_history(struct store *st, const struct history *h, char **cause)
{
	sqlite3_stmt *stmt;
	const struct change *ch;
	size_t i;

	for (i = 0; i < h->nchanges; i++) {
		ch = &h->changes[i];
		stmt = store_stmt_get(st, STMT_PUT_HISTORY);
		sqlite3_bind_int64(stmt, 1, h->bug_id);
		sqlite3_bind_int64(stmt, 2, h->when);
		store_bind_borrowed(stmt, 3, h->who != NULL ? h->who : "");
		store_bind_borrowed(
		    stmt, 4, ch->field != NULL ? ch->field : "");
		store_bind_borrowed(
		    stmt, 5, ch->removed != NULL ? ch->removed : "");
		store_bind_borrowed(
		    stmt, 6, ch->added != NULL ? ch->added : "");
		if (store_stmt_run(st, stmt, cause, "put history") == -1)
			return -1;
	}
	return 0;
}

/* Add the current history row to *out, opening a new entry on a new key. */
static void
store_history_row(
    sqlite3_stmt *stmt, int64_t bug_id, struct history_list *out, int *fresh)
{
	struct history *h = NULL;
	struct change *ch;
	time_t when = (time_t)sqlite3_column_int64(stmt, 0);
	const char *who = (const char *)sqlite3_column_text(stmt, 1);

	if (!*fresh && out->n > 0) {
		h = &out->v[out->n - 1];
		if (h->when != when || strcmp(h->who, who) != 0)
			h = NULL;
	}
	if (h == NULL) {
		h = history_list_add(out);
		h->bug_id = bug_id;
		h->when = when;
		h->who = xstrdup(who);
	}
	*fresh = 0;
	h->changes =
	    xreallocarray(h->changes, h->nchanges + 1, sizeof *h->changes);
	ch = &h->changes[h->nchanges++];
	ch->field = store_column_text(stmt, 2);
	ch->removed = store_column_text(stmt, 3);
	ch->added = store_column_text(stmt, 4);
}

/*
 * Append the history of a bug, oldest first, to *out.  Consecutive rows of
 * the same time and author form one entry, as the API groups them.
 */
int
store_get_history(
    struct store *st, int64_t bug_id, struct history_list *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_HISTORY);
	int rc, fresh = 1;

	sqlite3_bind_int64(stmt, 1, bug_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		store_history_row(stmt, bug_id, out, &fresh);
	return store_stmt_end(
	    st, stmt, rc, cause, "get history of bug %lld", (long long)bug_id);
}

/* Mark a bug gone for reason, or tracked again with ""; see store.h. */
int
store_set_bug_gone(
    struct store *st, int64_t id, const char *reason, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_SET_GONE);

	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, reason);
	return store_stmt_run(st, stmt, cause, "mark bug gone");
}

/* Why a stored bug is gone: 1 with *reason, 0 tracked or absent. */
int
store_get_bug_gone(struct store *st, int64_t id, char **reason, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	*reason = NULL;
	if (st->version < 6)
		return 0;
	stmt = store_stmt_get(st, STMT_GET_GONE);
	sqlite3_bind_int64(stmt, 1, id);
	rc = store_bug_step(st, stmt, "gone of bug", id, cause);
	if (rc == 1) {
		*reason = store_column_text(stmt, 0);
		if (*reason != NULL && **reason == '\0') {
			free(*reason);
			*reason = NULL;
		}
		rc = *reason != NULL;
	}
	store_stmt_done(stmt);
	return rc;
}

/* Mark every stored comment of a bug vanished; see store.h. */
int
store_vanish_comments(struct store *st, int64_t bug_id, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_VANISH);

	sqlite3_bind_int64(stmt, 1, bug_id);
	return store_stmt_run(st, stmt, cause, "mark comments vanished");
}

/* Read what the policy engine needs of a stored bug; see store.h. */
int
store_get_events(
    struct store *st, int64_t bug_id, struct store_events *ev, char **cause)
{
	memset(ev, 0, sizeof *ev);
	if (store_get_comments(st, bug_id, &ev->comments, cause) == -1 ||
	    store_get_history(st, bug_id, &ev->history, cause) == -1 ||
	    store_list_not_questions(st, bug_id, &ev->not_questions,
		&ev->n_not_questions, cause) == -1) {
		store_events_free(ev);
		return -1;
	}
	return 0;
}

/* Free what store_get_events read. */
void
store_events_free(struct store_events *ev)
{
	comment_list_free(&ev->comments);
	history_list_free(&ev->history);
	free(ev->not_questions);
	memset(ev, 0, sizeof *ev);
}
