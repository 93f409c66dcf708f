/*
 * The store: bugs, comments, history and the sync cursor in one SQLite file.
 *
 * The schema moves forward by the migrations[] below; the file's user_version
 * is the number of migrations applied, and each runs in its own transaction
 * so a crash leaves the file at a known version.  The statements the sync
 * runs for every record are prepared once in store_open and reset after each
 * use.  Lists (cc, groups, keywords, tags, flags) are stored as JSON text;
 * everything else is a plain column, text bound with its length so it comes
 * back byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "timeutil.h"
#include "xmalloc.h"

#define STORE_VERSION store_nmigrations

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
	STMT_COUNT
};

#define STORE_BUG_COLUMNS                                                      \
	"id, summary, status, resolution, is_open, whiteboard, product,"       \
	" component, creator, assigned_to, creation_time, last_change_time,"   \
	" comment_count, cc, \"groups\", keywords, flags"

static const char *const store_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_PUT_BUG] = "INSERT INTO bugs (" STORE_BUG_COLUMNS ", fetched_at)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		     " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
		     " ON CONFLICT (id) DO UPDATE SET"
		     " summary = excluded.summary,"
		     " status = excluded.status,"
		     " resolution = excluded.resolution,"
		     " is_open = excluded.is_open,"
		     " whiteboard = excluded.whiteboard,"
		     " product = excluded.product,"
		     " component = excluded.component,"
		     " creator = excluded.creator,"
		     " assigned_to = excluded.assigned_to,"
		     " creation_time = excluded.creation_time,"
		     " last_change_time = excluded.last_change_time,"
		     " comment_count = excluded.comment_count,"
		     " cc = excluded.cc, \"groups\" = excluded.\"groups\","
		     " keywords = excluded.keywords,"
		     " flags = excluded.flags,"
		     " fetched_at = excluded.fetched_at",
    [STMT_GET_BUG] = "SELECT " STORE_BUG_COLUMNS " FROM bugs WHERE id = ?1",
    [STMT_LIST_BUGS] = "SELECT " STORE_BUG_COLUMNS " FROM bugs"
		       " WHERE ?1 = 0 OR resolution = '' ORDER BY id",
    [STMT_LIST_IDS] = "SELECT id FROM bugs"
		      " WHERE ?1 = 0 OR resolution = '' ORDER BY id",
    [STMT_PUT_COMMENT] = "INSERT INTO comments (id, bug_id, count, creator,"
			 " time, text, is_private, tags)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			 " ON CONFLICT (id) DO UPDATE SET"
			 " text = excluded.text,"
			 " is_private = excluded.is_private,"
			 " tags = excluded.tags",
    [STMT_GET_COMMENTS] = "SELECT id, bug_id, count, creator, time, text,"
			  " is_private, tags FROM comments"
			  " WHERE bug_id = ?1 ORDER BY time, count, id",
    [STMT_LAST_COMMENT] = "SELECT coalesce(max(time), 0) FROM comments"
			  " WHERE bug_id = ?1",
    [STMT_PUT_HISTORY] = "INSERT OR IGNORE INTO history (bug_id, time, who,"
			 " field, removed, added)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_GET_HISTORY] = "SELECT time, who, field, removed, added"
			 " FROM history WHERE bug_id = ?1"
			 " ORDER BY time, rowid",
    [STMT_COUNTS] = "SELECT (SELECT count(*) FROM bugs),"
		    " (SELECT count(*) FROM bugs WHERE resolution = ''),"
		    " (SELECT count(*) FROM comments),"
		    " (SELECT count(*) FROM history)",
    [STMT_GET_CURSOR] = "SELECT db_time, last_full, last_sync,"
			" last_attempt, last_error FROM sync_state"
			" WHERE id = 1",
    [STMT_SET_CURSOR] = "INSERT INTO sync_state (id, db_time, last_full,"
			" last_sync, last_attempt, last_error)"
			" VALUES (1, ?1, ?2, ?3, ?4, ?5)"
			" ON CONFLICT (id) DO UPDATE SET"
			" db_time = excluded.db_time,"
			" last_full = excluded.last_full,"
			" last_sync = excluded.last_sync,"
			" last_attempt = excluded.last_attempt,"
			" last_error = excluded.last_error",
    [STMT_SET_NOTQ] = "INSERT INTO question_overrides (bug_id, comment_id,"
		      " not_question, set_at) VALUES (?1, ?2, 1, ?3)"
		      " ON CONFLICT (bug_id, comment_id) DO UPDATE SET"
		      " not_question = 1, set_at = excluded.set_at",
    [STMT_CLEAR_NOTQ] = "DELETE FROM question_overrides"
			" WHERE bug_id = ?1 AND comment_id = ?2",
    [STMT_LIST_NOTQ] = "SELECT comment_id FROM question_overrides"
		       " WHERE bug_id = ?1 AND not_question = 1"
		       " ORDER BY comment_id",
};
/* The first statement that needs schema version 2. */
#define STMT_V2_FIRST STMT_SET_NOTQ

struct store {
	sqlite3 *db;
	char *path;
	int version;
	int readonly;
	sqlite3_stmt *stmt[STMT_COUNT];
	sqlite3_stmt *cache[STORE_CACHE]; /* store_alerts.c's, on demand */
};

/*
 * Name the likely reason when the store's file system is mounted read-only:
 * SQLite then only says it is "unable to open database file" (a WAL store
 * needs its -shm and -wal files).
 */
static const char *
store_fs_hint(const char *path)
{
	struct statvfs sv;
	char *dir, *slash;
	const char *hint = "";

	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, strlen(dir) + 1, ".");
	if (statvfs(dir, &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0)
		hint = " (the file system is mounted read-only)";
	free(dir);
	return hint;
}

/* store_error with a va_list. */
static void CCWATCH_PRINTF(3, 0)
    store_verror(struct store *st, char **cause, const char *fmt, va_list ap)
{
	char *what;

	xvasprintf(&what, fmt, ap);
	xasprintf(cause, "store: %s: %s: %s%s", st->path, what,
	    sqlite3_errmsg(st->db), store_fs_hint(st->path));
	free(what);
}

/* Set *cause to "store: PATH: what: sqlite's last error". */
static void CCWATCH_PRINTF(3, 4)
    store_error(struct store *st, char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_verror(st, cause, fmt, ap);
	va_end(ap);
}

/* Return statement i, reset and with no bindings, ready to bind and step. */
static sqlite3_stmt *
store_stmt_get(struct store *st, enum store_stmt i)
{
	sqlite3_reset(st->stmt[i]);
	sqlite3_clear_bindings(st->stmt[i]);
	return st->stmt[i];
}

/* Reset a statement after use so it holds no read lock or bound text. */
static void
store_stmt_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/*
 * Finish a statement whose last sqlite3_step gave rc: reset it, and return
 * 0 if rc is SQLITE_DONE, else -1 with *cause naming what failed.
 */
static int CCWATCH_PRINTF(5, 6) store_stmt_end(struct store *st,
    sqlite3_stmt *stmt, int rc, char **cause, const char *fmt, ...)
{
	va_list ap;

	if (rc != SQLITE_DONE) {
		va_start(ap, fmt);
		store_verror(st, cause, fmt, ap);
		va_end(ap);
	}
	store_stmt_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Bind s with its length, or NULL; SQLite copies it. */
static int
store_bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, col);
	return sqlite3_bind_text(
	    stmt, col, s, (int)strlen(s), SQLITE_TRANSIENT);
}

/* Bind an allocated string and hand it to SQLite, which frees it. */
static int
store_bind_owned(sqlite3_stmt *stmt, int col, char *s)
{
	return sqlite3_bind_text(stmt, col, s, (int)strlen(s), free);
}

/* A copy of a text column, or NULL when it is NULL. */
static char *
store_column_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s;

	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return NULL;
	s = sqlite3_column_text(stmt, col);
	if (s == NULL)
		return xstrdup("");
	return xstrndup(
	    (const char *)s, (size_t)sqlite3_column_bytes(stmt, col));
}

/* Step a statement that returns no rows; 0, or -1 with *cause. */
static int
store_stmt_run(
    struct store *st, sqlite3_stmt *stmt, char **cause, const char *what)
{
	int rc;

	rc = sqlite3_step(stmt);
	return store_stmt_end(st, stmt, rc, cause, "%s", what);
}

/* Grow a list's storage for one more element of size sz. */
static void *
store_list_grow(void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return v;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return xreallocarray(v, *cap, sz);
}

/*
 * Step a bound statement and collect its first column as ids (allocated,
 * *n of them), then reset it.  Returns 0, or -1 with *cause naming what.
 */
static int
store_step_ids(struct store *st, sqlite3_stmt *stmt, const char *what,
    int64_t **ids, size_t *n, char **cause)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*ids = store_list_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	if (store_stmt_end(st, stmt, rc, cause, "%s", what) == -1) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

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

/* Read the file's schema version into *v. */
static int
store_user_version(struct store *st, int *v, char **cause)
{
	sqlite3_stmt *stmt;
	int rc = -1;

	if (sqlite3_prepare_v2(
		st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK) {
		store_error(st, cause, "user_version");
		return -1;
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, cause, "user_version");
		goto out;
	}
	*v = sqlite3_column_int(stmt, 0);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Apply migration v, taking the open transaction to version v + 1. */
static int
store_migrate_step(struct store *st, int v, char **cause)
{
	char *sql;
	int rc;

	xasprintf(&sql, "PRAGMA user_version = %d", v + 1);
	rc = sqlite3_exec(st->db, store_migrations[v], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		store_error(st, cause, "migration to version %d", v + 1);
		return -1;
	}
	return 0;
}

/*
 * Run each migration past the file's version, each in its own transaction.
 * The version is read inside the transaction, under the write lock, so that
 * two processes opening a new file at once do not both migrate it.
 */
static int
store_migrate(struct store *st, char **cause)
{
	int v;

	for (;;) {
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_error(st, cause, "begin migration");
			return -1;
		}
		if (store_user_version(st, &v, cause) == -1)
			goto fail;
		if (v > STORE_VERSION) {
			xasprintf(cause,
			    "store: %s: schema version %d is newer "
			    "than this ccwatch (%d)",
			    st->path, v, STORE_VERSION);
			goto fail;
		}
		if (v < STORE_VERSION && store_migrate_step(st, v, cause) == -1)
			goto fail;
		if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_error(st, cause, "commit migration");
			goto fail;
		}
		if (v == STORE_VERSION)
			break;
		log_debug("store: %s: migrated to schema version %d", st->path,
		    v + 1);
	}
	st->version = v;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static struct store *store_open_mode(const char *, int, char **);

/* Apply the connection's pragmas: WAL, durability, foreign keys. */
static int
store_configure(struct store *st, char **cause)
{
	static const char *const pragmas[] = {
	    "PRAGMA journal_mode = WAL",
	    "PRAGMA synchronous = NORMAL",
	    "PRAGMA foreign_keys = ON",
	};
	size_t i;

	if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK) {
		store_error(st, cause, "busy_timeout");
		return -1;
	}
	for (i = 0; i < CCWATCH_NELEM(pragmas); i++) {
		if (sqlite3_exec(st->db, pragmas[i], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_error(st, cause, "%s", pragmas[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Open the store at path, creating the file but not its directory, migrating
 * it to the current schema and preparing the statements.  Returns the store,
 * or NULL with *cause set.
 */
struct store *
store_open(const char *path, char **cause)
{
	return store_open_mode(path, 0, cause);
}

/*
 * Open an existing store for reading only: nothing is created, migrated or
 * written.  A file at an older schema is read as it is; what it lacks
 * (the not-a-question marks before version 2) reads as empty.
 */
struct store *
store_open_readonly(const char *path, char **cause)
{
	return store_open_mode(path, 1, cause);
}

/* Check the version of a file opened read-only. */
static int
store_check_readonly(struct store *st, char **cause)
{
	int v;

	if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK) {
		store_error(st, cause, "busy_timeout");
		return -1;
	}
	if (store_user_version(st, &v, cause) == -1)
		return -1;
	if (v < 1 || v > STORE_VERSION) {
		xasprintf(cause,
		    "store: %s: schema version %d is not one this ccwatch "
		    "reads (1..%d)",
		    st->path, v, STORE_VERSION);
		return -1;
	}
	st->version = v;
	return 0;
}

/*
 * Create a new store file readable by its owner only, whatever the umask:
 * it holds restricted bugs and private comments.  SQLite gives the -wal
 * and -shm files the database file's permissions.
 */
static int
store_create_private(const char *path, char **cause)
{
	int fd;

	if (strcmp(path, ":memory:") == 0 || *path == '\0')
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		xasprintf(cause, "store: %s: %s%s", path, strerror(errno),
		    store_fs_hint(path));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Open the file as SQLite will, so that a file this user may not read (or
 * write) is named with the system's reason ("Permission denied"), not
 * SQLite's "unable to open database file".
 */
static int
store_check_access(const char *path, int readonly, char **cause)
{
	int fd;

	if (strcmp(path, ":memory:") == 0 || *path == '\0')
		return 0;
	fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		xasprintf(cause, "store: %s: %s%s", path, strerror(errno),
		    store_fs_hint(path));
		return -1;
	}
	close(fd);
	return 0;
}

/* Open read-write (creating and migrating) or read-only. */
static struct store *
store_open_mode(const char *path, int readonly, char **cause)
{
	struct store *st;
	int i, flags;

	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->readonly = readonly;
	flags = readonly ? SQLITE_OPEN_READONLY
			 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (!readonly && store_create_private(path, cause) == -1)
		goto fail;
	if (store_check_access(path, readonly, cause) == -1)
		goto fail;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			xasprintf(cause, "store: %s: out of memory", path);
		else
			xasprintf(cause, "store: %s: %s", path,
			    sqlite3_errmsg(st->db));
		goto fail;
	}
	if (readonly) {
		if (store_check_readonly(st, cause) == -1)
			goto fail;
	} else if (store_configure(st, cause) == -1 ||
	    store_migrate(st, cause) == -1)
		goto fail;
	for (i = 0; i < STMT_COUNT; i++) {
		if (st->version < 2 && i >= STMT_V2_FIRST)
			break;
		if (sqlite3_prepare_v3(st->db, store_sql[i], -1,
			SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
			NULL) != SQLITE_OK) {
			store_error(st, cause, "prepare %d", i);
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

/* Finalize the statements and close the file; accepts NULL. */
void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (i = 0; i < STORE_CACHE; i++)
		sqlite3_finalize(st->cache[i]);
	if (sqlite3_close(st->db) != SQLITE_OK)
		log_warnx(
		    "store: %s: close: %s", st->path, sqlite3_errmsg(st->db));
	free(st->path);
	free(st);
}

/* The schema version the store is at. */
int
store_schema_version(struct store *st)
{
	return st->version;
}

/* Start a write transaction, taking the write lock now. */
int
store_begin(struct store *st, char **cause)
{
	return store_stmt_run(
	    st, store_stmt_get(st, STMT_BEGIN), cause, "begin");
}

/* Commit the open transaction. */
int
store_commit(struct store *st, char **cause)
{
	return store_stmt_run(
	    st, store_stmt_get(st, STMT_COMMIT), cause, "commit");
}

/* Roll back the open transaction, if there is one; failures are logged. */
void
store_rollback(struct store *st)
{
	char *cause;

	if (sqlite3_get_autocommit(st->db))
		return;
	if (store_stmt_run(st, store_stmt_get(st, STMT_ROLLBACK), &cause,
		"rollback") == -1) {
		log_warnx("%s", cause);
		free(cause);
	}
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
		json = store_strlist_encode(lists[i]);
		if (json == NULL) {
			xasprintf(cause, "store: bug %lld: a list is not UTF-8",
			    (long long)b->id);
			store_stmt_done(stmt);
			return -1;
		}
		store_bind_owned(stmt, 14 + (int)i, json);
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
	store_bind_text(stmt, 2, b->summary);
	store_bind_text(stmt, 3, b->status);
	store_bind_text(stmt, 4, b->resolution != NULL ? b->resolution : "");
	sqlite3_bind_int(stmt, 5, b->is_open);
	store_bind_text(stmt, 6, b->whiteboard);
	store_bind_text(stmt, 7, b->product);
	store_bind_text(stmt, 8, b->component);
	store_bind_text(stmt, 9, b->creator);
	store_bind_text(stmt, 10, b->assigned_to);
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

/* Read bug id into *out: 1 found, 0 absent, -1 error with *cause. */
int
store_get_bug(struct store *st, int64_t id, struct bug *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_BUG);
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = store_bug_read(st, stmt, out, cause) == -1 ? -1 : 1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		store_error(st, cause, "get bug %lld", (long long)id);
		rc = -1;
	}
	store_stmt_done(stmt);
	return rc;
}

/* Append the stored bugs, by id, to *out. */
int
store_list_bugs(
    struct store *st, int open_only, struct bug_list *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_LIST_BUGS);
	struct bug b;
	int rc;

	sqlite3_bind_int(stmt, 1, open_only);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (store_bug_read(st, stmt, &b, cause) == -1) {
			store_stmt_done(stmt);
			return -1;
		}
		*bug_list_add(out) = b;
	}
	return store_stmt_end(st, stmt, rc, cause, "list bugs");
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
	char *tags;

	tags = store_strlist_encode(&c->tags);
	if (tags == NULL) {
		xasprintf(cause, "store: comment %lld: a tag is not UTF-8",
		    (long long)c->id);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, c->bug_id);
	sqlite3_bind_int64(stmt, 3, c->count);
	store_bind_text(stmt, 4, c->creator);
	sqlite3_bind_int64(stmt, 5, c->time);
	store_bind_text(stmt, 6, c->text);
	sqlite3_bind_int(stmt, 7, c->is_private != 0);
	store_bind_owned(stmt, 8, tags);
	return store_stmt_run(st, stmt, cause, "put comment");
}

/* Append the comments of a bug, oldest first, to *out. */
int
store_get_comments(
    struct store *st, int64_t bug_id, struct comment_list *out, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_COMMENTS);
	struct comment c;
	int rc;

	sqlite3_bind_int64(stmt, 1, bug_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		c.id = sqlite3_column_int64(stmt, 0);
		c.bug_id = sqlite3_column_int64(stmt, 1);
		c.count = sqlite3_column_int64(stmt, 2);
		c.creator = store_column_text(stmt, 3);
		c.time = (time_t)sqlite3_column_int64(stmt, 4);
		c.text = store_column_text(stmt, 5);
		c.is_private = sqlite3_column_int(stmt, 6);
		if (store_strlist_decode(
			(const char *)sqlite3_column_text(stmt, 7), &c.tags) ==
		    -1) {
			xasprintf(cause, "store: %s: comment %lld: bad tags",
			    st->path, (long long)c.id);
			model_comment_free(&c);
			store_stmt_done(stmt);
			return -1;
		}
		*comment_list_add(out) = c;
	}
	return store_stmt_end(
	    st, stmt, rc, cause, "get comments of bug %lld", (long long)bug_id);
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
		store_bind_text(stmt, 3, h->who != NULL ? h->who : "");
		store_bind_text(stmt, 4, ch->field != NULL ? ch->field : "");
		store_bind_text(
		    stmt, 5, ch->removed != NULL ? ch->removed : "");
		store_bind_text(stmt, 6, ch->added != NULL ? ch->added : "");
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

/* Count bugs, open bugs, comments and history rows (changes). */
int
store_counts(struct store *st, struct store_counts *c, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_COUNTS);
	int rc = -1;

	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_error(st, cause, "counts");
		goto out;
	}
	c->bugs = sqlite3_column_int64(stmt, 0);
	c->open_bugs = sqlite3_column_int64(stmt, 1);
	c->comments = sqlite3_column_int64(stmt, 2);
	c->history = sqlite3_column_int64(stmt, 3);
	rc = 0;
out:
	store_stmt_done(stmt);
	return rc;
}

/* Read the cursor; a store never synced gives zeros and a NULL error. */
int
store_get_cursor(struct store *st, struct store_cursor *cur, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_GET_CURSOR);
	int rc;

	memset(cur, 0, sizeof *cur);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		cur->db_time = (time_t)sqlite3_column_int64(stmt, 0);
		cur->last_full = (time_t)sqlite3_column_int64(stmt, 1);
		cur->last_sync = (time_t)sqlite3_column_int64(stmt, 2);
		cur->last_attempt = (time_t)sqlite3_column_int64(stmt, 3);
		cur->last_error = store_column_text(stmt, 4);
	} else if (rc != SQLITE_DONE) {
		store_error(st, cause, "get cursor");
		store_stmt_done(stmt);
		return -1;
	}
	store_stmt_done(stmt);
	return 0;
}

/* Replace the cursor. */
int
store_set_cursor(struct store *st, const struct store_cursor *cur, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_SET_CURSOR);

	sqlite3_bind_int64(stmt, 1, cur->db_time);
	sqlite3_bind_int64(stmt, 2, cur->last_full);
	sqlite3_bind_int64(stmt, 3, cur->last_sync);
	sqlite3_bind_int64(stmt, 4, cur->last_attempt);
	store_bind_text(stmt, 5, cur->last_error);
	return store_stmt_run(st, stmt, cause, "set cursor");
}

/* Mark comment_id of bug_id "not a question". */
int
store_set_not_question(
    struct store *st, int64_t bug_id, int64_t comment_id, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_SET_NOTQ);

	sqlite3_bind_int64(stmt, 1, bug_id);
	sqlite3_bind_int64(stmt, 2, comment_id);
	sqlite3_bind_int64(stmt, 3, timeutil_now());
	return store_stmt_run(st, stmt, cause, "set not-a-question");
}

/* Remove the mark; 1 if there was one, 0 if not, -1 with *cause. */
int
store_clear_not_question(
    struct store *st, int64_t bug_id, int64_t comment_id, char **cause)
{
	sqlite3_stmt *stmt = store_stmt_get(st, STMT_CLEAR_NOTQ);

	sqlite3_bind_int64(stmt, 1, bug_id);
	sqlite3_bind_int64(stmt, 2, comment_id);
	if (store_stmt_run(st, stmt, cause, "clear not-a-question") == -1)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

/* Allocate the marked comment ids of bug_id, ascending, into *ids. */
int
store_list_not_questions(
    struct store *st, int64_t bug_id, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;

	*ids = NULL;
	*n = 0;
	if (st->version < 2)
		return 0;
	stmt = store_stmt_get(st, STMT_LIST_NOTQ);
	sqlite3_bind_int64(stmt, 1, bug_id);
	return store_step_ids(
	    st, stmt, "list not-a-question marks", ids, n, cause);
}

/* Free the cursor's error string. */
void
store_cursor_free(struct store_cursor *cur)
{
	free(cur->last_error);
	cur->last_error = NULL;
}

/* The SQLite connection, for the modules that own tables of the schema. */
struct sqlite3 *
store_sqlite(struct store *st)
{
	return st->db;
}

/* Slot i of the statements other store files prepare once. */
sqlite3_stmt **
store_cache_slot(struct store *st, int i)
{
	return &st->cache[i];
}

/* The path of the store's file, for error messages. */
const char *
store_path(struct store *st)
{
	return st->path;
}
