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
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "timeutil.h"
#include "xmalloc.h"

#define STORE_VERSION store_nmigrations

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
		     " fetched_at = excluded.fetched_at, gone = ''",
    [STMT_GET_BUG] = "SELECT " STORE_BUG_COLUMNS " FROM bugs WHERE id = ?1",
    [STMT_LIST_BUGS] = "SELECT " STORE_BUG_COLUMNS " FROM bugs"
		       " WHERE gone = '' AND (?1 = 0 OR resolution = '')"
		       " ORDER BY id",
    [STMT_LIST_IDS] = "SELECT id FROM bugs"
		      " WHERE gone IN ('', 'hidden')"
		      " AND (?1 = 0 OR resolution = '') ORDER BY id",
    [STMT_PUT_COMMENT] = "INSERT INTO comments (id, bug_id, count, creator,"
			 " time, text, is_private, tags)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			 " ON CONFLICT (id) DO UPDATE SET"
			 " text = excluded.text,"
			 " is_private = excluded.is_private,"
			 " tags = excluded.tags, vanished = 0",
    [STMT_GET_COMMENTS] = "SELECT id, bug_id, count, creator, time, text,"
			  " is_private, tags FROM comments"
			  " WHERE bug_id = ?1 AND vanished = 0"
			  " ORDER BY time, count, id",
    [STMT_LAST_COMMENT] = "SELECT coalesce(max(time), 0) FROM comments"
			  " WHERE bug_id = ?1",
    [STMT_PUT_HISTORY] = "INSERT OR IGNORE INTO history (bug_id, time, who,"
			 " field, removed, added)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_GET_HISTORY] = "SELECT time, who, field, removed, added"
			 " FROM history WHERE bug_id = ?1"
			 " ORDER BY time, rowid",
    [STMT_COUNTS] = "SELECT (SELECT count(*) FROM bugs WHERE gone = ''),"
		    " (SELECT count(*) FROM bugs WHERE gone = ''"
		    " AND resolution = ''),"
		    " (SELECT count(*) FROM comments WHERE vanished = 0),"
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
    [STMT_SET_GONE] = "UPDATE bugs SET gone = ?2 WHERE id = ?1",
    [STMT_GET_GONE] = "SELECT gone FROM bugs WHERE id = ?1",
    [STMT_VANISH] = "UPDATE comments SET vanished = 1 WHERE bug_id = ?1",
};

/*
 * The statements as a store of schema version 5 or older reads them, for a
 * file opened read-only and left unmigrated: nothing is gone there, and
 * the writes fail as every write to a read-only store does.
 */
static const char *const store_sql_v5[STMT_COUNT] = {
    [STMT_PUT_BUG] = "INSERT INTO bugs (" STORE_BUG_COLUMNS ", fetched_at)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		     " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    [STMT_LIST_BUGS] = "SELECT " STORE_BUG_COLUMNS " FROM bugs"
		       " WHERE ?1 = 0 OR resolution = '' ORDER BY id",
    [STMT_LIST_IDS] = "SELECT id FROM bugs"
		      " WHERE ?1 = 0 OR resolution = '' ORDER BY id",
    [STMT_PUT_COMMENT] = "INSERT INTO comments (id, bug_id, count, creator,"
			 " time, text, is_private, tags)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [STMT_GET_COMMENTS] = "SELECT id, bug_id, count, creator, time, text,"
			  " is_private, tags FROM comments"
			  " WHERE bug_id = ?1 ORDER BY time, count, id",
    [STMT_COUNTS] = "SELECT (SELECT count(*) FROM bugs),"
		    " (SELECT count(*) FROM bugs WHERE resolution = ''),"
		    " (SELECT count(*) FROM comments),"
		    " (SELECT count(*) FROM history)",
};

/* The schema version statement i needs (older files skip it). */
static int
store_stmt_version(int i)
{
	if (i >= STMT_SET_GONE)
		return 6;
	if (i >= STMT_SET_NOTQ)
		return 2;
	return 1;
}

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
void CCWATCH_PRINTF(3, 0)
    store_verror(struct store *st, char **cause, const char *fmt, va_list ap)
{
	char *what;

	xvasprintf(&what, fmt, ap);
	xasprintf(cause, "store: %s: %s: %s%s", st->path, what,
	    sqlite3_errmsg(st->db), store_fs_hint(st->path));
	free(what);
}

/* Set *cause to "store: PATH: what: sqlite's last error". */
void CCWATCH_PRINTF(3, 4)
    store_error(struct store *st, char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_verror(st, cause, fmt, ap);
	va_end(ap);
}

/* Return statement i, reset and with no bindings, ready to bind and step. */
sqlite3_stmt *
store_stmt_get(struct store *st, enum store_stmt i)
{
	sqlite3_reset(st->stmt[i]);
	sqlite3_clear_bindings(st->stmt[i]);
	return st->stmt[i];
}

/* Reset a statement after use so it holds no read lock or bound text. */
void
store_stmt_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/*
 * Finish a statement whose last sqlite3_step gave rc: reset it, and return
 * 0 if rc is SQLITE_DONE, else -1 with *cause naming what failed.
 */
int CCWATCH_PRINTF(5, 6) store_stmt_end(struct store *st, sqlite3_stmt *stmt,
    int rc, char **cause, const char *fmt, ...)
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
int
store_bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, col);
	return sqlite3_bind_text(
	    stmt, col, s, (int)strlen(s), SQLITE_TRANSIENT);
}

/* Bind s without a copy, for a statement reset before s is freed. */
int
store_bind_borrowed(sqlite3_stmt *stmt, int col, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, col);
	return sqlite3_bind_text(stmt, col, s, (int)strlen(s), SQLITE_STATIC);
}

/* Bind an allocated string and hand it to SQLite, which frees it. */
int
store_bind_owned(sqlite3_stmt *stmt, int col, char *s)
{
	return sqlite3_bind_text(stmt, col, s, (int)strlen(s), free);
}

/* A copy of a text column, or NULL when it is NULL. */
char *
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
int
store_stmt_run(
    struct store *st, sqlite3_stmt *stmt, char **cause, const char *what)
{
	int rc;

	rc = sqlite3_step(stmt);
	return store_stmt_end(st, stmt, rc, cause, "%s", what);
}

/* Grow a list's storage for one more element of size sz. */
void *
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
int
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

/*
 * 1 if the file already holds tables (at version 0 it must be empty to be
 * made a ccwatch store), 0 if not, -1 when it cannot be read.
 */
static int
store_has_tables(struct store *st)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master", -1,
		&stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) > 0
					      : -1;
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
		if (v < 0 || (v == 0 && store_has_tables(st) != 0)) {
			xasprintf(cause,
			    "store: %s: not a ccwatch store (schema version "
			    "%d, or tables of another program)",
			    st->path, v);
			goto fail;
		}
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

/*
 * Apply the connection's pragmas: WAL, durability (every commit syncs the
 * WAL but a bulk transaction's, see store_begin_bulk), foreign keys.
 */
static int
store_configure(struct store *st, char **cause)
{
	static const char *const pragmas[] = {
	    "PRAGMA journal_mode = WAL",
	    "PRAGMA synchronous = FULL",
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
	return store_open_flags(path, 0, cause);
}

/*
 * Open an existing store for reading only: nothing is created, migrated or
 * written.  A file at an older schema is read as it is; what it lacks
 * (the not-a-question marks before version 2) reads as empty.
 */
struct store *
store_open_readonly(const char *path, char **cause)
{
	return store_open_flags(path, STORE_READONLY, cause);
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
		    "store: %s: not a ccwatch store: schema version %d is not "
		    "one this ccwatch reads (1..%d)",
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
	fd = open(
	    path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
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

/* 1 if gid is the process's group or one of its supplementary groups. */
static int
store_in_group(gid_t gid)
{
	gid_t groups[256];
	int i, n;

	if (gid == getegid())
		return 1;
	n = getgroups((int)CCWATCH_NELEM(groups), groups);
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

/*
 * Check one path of the store (what, "the directory" or "the file") with
 * lstat: a store is refused when it is a symbolic link or not a regular
 * file, writable by others, or (read-write) owned by another user unless
 * STORE_SHARED_GROUP admits one of our groups.  A missing file passes.
 */
static int
store_check_path(const char *path, const char *what, int how, char **cause)
{
	struct stat sb;
	int dir = strcmp(what, "the directory") == 0;

	if ((dir ? stat(path, &sb) : lstat(path, &sb)) == -1)
		return 0; /* missing: open or create says why */
	if (!dir && S_ISLNK(sb.st_mode)) {
		xasprintf(cause, "store: %s: refused: a symbolic link", path);
		return -1;
	}
	if (!dir && !S_ISREG(sb.st_mode)) {
		xasprintf(
		    cause, "store: %s: refused: not a regular file", path);
		return -1;
	}
	/* A sticky directory (/tmp) lets no one replace another's file. */
	if ((sb.st_mode & S_IWOTH) != 0 && !(dir && (sb.st_mode & S_ISVTX))) {
		xasprintf(cause,
		    "store: %s: refused: %s is writable by others (mode %04o)",
		    path, what, (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	if ((how & STORE_READONLY) || sb.st_uid == geteuid() ||
	    (dir && sb.st_uid == 0) ||
	    ((how & STORE_SHARED_GROUP) && store_in_group(sb.st_gid)))
		return 0;
	xasprintf(cause,
	    "store: %s: refused: %s is owned by another user (uid %lu); "
	    "[store] shared_group = yes accepts a store of one of your groups",
	    path, what, (unsigned long)sb.st_uid);
	return -1;
}

/*
 * Check the store's directory, file, -wal and -shm before SQLite opens
 * them: a store another user could have written is not adopted.
 */
static int
store_check_owner(const char *path, int how, char **cause)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char *p, *slash;
	size_t i;
	int rc;

	if (strcmp(path, ":memory:") == 0 || *path == '\0')
		return 0;
	p = xstrdup(path);
	slash = strrchr(p, '/');
	if (slash == NULL)
		snprintf(p, strlen(p) + 1, ".");
	else
		*(slash == p ? slash + 1 : slash) = '\0';
	rc = store_check_path(p, "the directory", how, cause);
	free(p);
	for (i = 0; rc == 0 && i < CCWATCH_NELEM(suffix); i++) {
		xasprintf(&p, "%s%s", path, suffix[i]);
		rc = store_check_path(
		    p, i == 0 ? "the store" : "its journal", how, cause);
		free(p);
	}
	return rc;
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

/* Open read-write (creating and migrating) or read-only; see store.h. */
struct store *
store_open_flags(const char *path, int how, char **cause)
{
	struct store *st;
	const char *sql;
	int i, flags, readonly = (how & STORE_READONLY) != 0;

	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->readonly = readonly;
	flags = readonly ? SQLITE_OPEN_READONLY
			 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (store_check_owner(path, how, cause) == -1)
		goto fail;
	if (!readonly && store_create_private(path, cause) == -1)
		goto fail;
	if (store_check_owner(path, how, cause) == -1 ||
	    store_check_access(path, readonly, cause) == -1)
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
		sql = store_sql[i];
		if (st->version < store_stmt_version(i))
			continue;
		if (st->version < 6 && store_sql_v5[i] != NULL)
			sql = store_sql_v5[i];
		if (sqlite3_prepare_v3(st->db, sql, -1,
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
	free(st->reserve_path);
	free(st->path);
	free(st);
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

/* The schema version the store is at. */
int
store_schema_version(struct store *st)
{
	return st->version;
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
