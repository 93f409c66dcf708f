/*
 * Tests of the store on real SQLite files: schema and pragmas, round trips
 * of bugs, comments and history, idempotent writes, the cursor,
 * transactions, restarts, and the real CA Compliance bug list.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "store.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

static char *test_dir;
static char *test_path;

/* A fresh directory and a database path inside it for each test. */
static void
test_setup(void)
{
	test_dir = testutil_mkdtemp();
	xasprintf(&test_path, "%s/ccwatch.db", test_dir);
}

/* Remove the test's directory. */
static void
test_teardown(void)
{
	testutil_rmdir(test_dir);
	free(test_dir);
	free(test_path);
}

/* Open the test's store, failing the test on error. */
static struct store *
test_open(void)
{
	struct store *st;
	char *cause = NULL;

	st = store_open(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	return st;
}

/* Run one SQL statement on a second connection; column 0, allocated. */
static char *
test_query_flags(const char *path, const char *sql, int flags)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *out = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		out = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return out;
}

/* Query an existing file on a second connection. */
static char *
test_query(const char *path, const char *sql)
{
	return test_query_flags(path, sql, SQLITE_OPEN_READWRITE);
}

/* Run a statement on a second connection, creating the file. */
static char *
test_query_create(const char *path, const char *sql)
{
	return test_query_flags(
	    path, sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

/* A bug with every field set; resolution "" makes it open. */
static void
test_bug_fill(struct bug *b, int64_t id, const char *resolution)
{
	memset(b, 0, sizeof *b);
	b->id = id;
	b->summary = xstrdup("Caf\xc3\xa9 CA: \"quoted\" 'single' \\ "
			     "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92\nline");
	b->status = xstrdup(resolution[0] == '\0' ? "ASSIGNED" : "RESOLVED");
	b->resolution = xstrdup(resolution);
	b->is_open = resolution[0] == '\0';
	b->whiteboard = xstrdup("[ca-compliance] [dv-misissuance] Next update "
				"2024-05-01");
	b->product = xstrdup("CA Program");
	b->component = xstrdup("CA Certificate Compliance");
	b->creator = xstrdup("reporter@example.com");
	b->assigned_to = xstrdup("ca@example.com");
	b->creation_time = 1711548131;
	b->last_change_time = 1711600000;
	b->comment_count = 7;
	strlist_add(&b->cc, "a@example.com");
	strlist_add(&b->cc, "b\"q\"@example.com");
	strlist_add(&b->groups, "ca-program-security");
	strlist_add(&b->keywords, "leave-open");
	strlist_add(&b->keywords, "r\xc3\xa9sum\xc3\xa9");
	b->nflags = 2;
	b->flags = xcalloc(2, sizeof *b->flags);
	b->flags[0].id = 2001;
	b->flags[0].type_id = 800;
	b->flags[0].name = xstrdup("needinfo");
	b->flags[0].status = '?';
	b->flags[0].setter = xstrdup("ben@example.com");
	b->flags[0].requestee = xstrdup("ca@example.com");
	b->flags[0].creation_date = 1711550000;
	b->flags[0].modification_date = 1711560000;
	b->flags[1].id = 2002;
	b->flags[1].type_id = 801;
	b->flags[1].name = xstrdup("in-testsuite");
	b->flags[1].status = '+';
	b->flags[1].setter = NULL;
	b->flags[1].requestee = NULL;
	b->flags[1].creation_date = 1711570000;
	b->flags[1].modification_date = 1711580000;
}

/* Store a bug, failing the test on error. */
static void
test_put_bug(struct store *st, const struct bug *b)
{
	char *cause = NULL;

	ck_assert_msg(store_put_bug(st, b, &cause) == 0, "%s", cause);
}

/* Assert that two string lists are equal. */
static void
test_strlist_eq(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++)
		ck_assert_str_eq(a->v[i], b->v[i]);
}

/* Assert two strings equal, both possibly NULL. */
static void
test_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

/* Assert that two bugs are equal field by field. */
static void
test_bug_eq(const struct bug *a, const struct bug *b)
{
	size_t i;

	ck_assert_int_eq(a->id, b->id);
	test_str_eq(a->summary, b->summary);
	test_str_eq(a->status, b->status);
	test_str_eq(a->resolution, b->resolution);
	ck_assert_int_eq(a->is_open, b->is_open);
	test_str_eq(a->whiteboard, b->whiteboard);
	test_str_eq(a->product, b->product);
	test_str_eq(a->component, b->component);
	test_str_eq(a->creator, b->creator);
	test_str_eq(a->assigned_to, b->assigned_to);
	ck_assert_int_eq(a->creation_time, b->creation_time);
	ck_assert_int_eq(a->last_change_time, b->last_change_time);
	ck_assert_int_eq(a->comment_count, b->comment_count);
	test_strlist_eq(&a->cc, &b->cc);
	test_strlist_eq(&a->groups, &b->groups);
	test_strlist_eq(&a->keywords, &b->keywords);
	ck_assert_uint_eq(a->nflags, b->nflags);
	for (i = 0; i < a->nflags; i++) {
		ck_assert_int_eq(a->flags[i].id, b->flags[i].id);
		ck_assert_int_eq(a->flags[i].type_id, b->flags[i].type_id);
		test_str_eq(a->flags[i].name, b->flags[i].name);
		ck_assert_int_eq(a->flags[i].status, b->flags[i].status);
		test_str_eq(a->flags[i].setter, b->flags[i].setter);
		test_str_eq(a->flags[i].requestee, b->flags[i].requestee);
		ck_assert_int_eq(
		    a->flags[i].creation_date, b->flags[i].creation_date);
		ck_assert_int_eq(a->flags[i].modification_date,
		    b->flags[i].modification_date);
	}
}

/* Fill a comment. */
static void
test_comment_fill(struct comment *c, int64_t id, int64_t bug_id, int64_t count,
    time_t when, const char *text)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->bug_id = bug_id;
	c->count = count;
	c->creator = xstrdup("ca@example.com");
	c->time = when;
	c->text = xstrdup(text);
}

/* Store a comment and free it, failing the test on error. */
static void
test_put_comment(struct store *st, struct comment *c)
{
	char *cause = NULL;

	ck_assert_msg(store_put_comment(st, c, &cause) == 0, "%s", cause);
	model_comment_free(c);
}

/* The store's counts, failing the test on error. */
static struct store_counts
test_counts(struct store *st)
{
	struct store_counts c;
	char *cause = NULL;

	ck_assert_msg(store_counts(st, &c, &cause) == 0, "%s", cause);
	return c;
}

START_TEST(test_schema_version)
{
	struct store *st = test_open();
	char *v;

	ck_assert_int_eq(store_schema_version(st), 6);
	v = test_query(test_path, "PRAGMA user_version");
	ck_assert_str_eq(v, "6");
	free(v);
	v = test_query(test_path,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
	    " name IN ('bugs', 'comments', 'history', 'sync_state',"
	    " 'question_overrides')");
	ck_assert_str_eq(v, "5");
	free(v);
	store_close(st);
	/* Opening a migrated file again applies nothing and keeps version 6. */
	st = test_open();
	ck_assert_int_eq(store_schema_version(st), 6);
	store_close(st);
}
END_TEST

START_TEST(test_wal_mode)
{
	struct store *st = test_open();
	char *mode;

	mode = test_query(test_path, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	store_close(st);
}
END_TEST

START_TEST(test_memory)
{
	struct store *st;
	struct bug b, got;
	char *cause = NULL;

	st = store_open(":memory:", &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_schema_version(st), 6);
	test_bug_fill(&b, 5, "");
	test_put_bug(st, &b);
	ck_assert_int_eq(store_get_bug(st, 5, &got, &cause), 1);
	test_bug_eq(&b, &got);
	model_bug_free(&b);
	model_bug_free(&got);
	store_close(st);
}
END_TEST

START_TEST(test_newer_version_refused)
{
	struct store *st;
	char *v, *cause = NULL, *want;

	st = test_open();
	store_close(st);
	v = test_query(test_path, "PRAGMA user_version = 99");
	free(v);
	st = store_open(test_path, &cause);
	ck_assert_ptr_null(st);
	xasprintf(&want,
	    "store: %s: schema version 99 is newer than this ccwatch (6)",
	    test_path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	/* The refusal changed nothing. */
	v = test_query(test_path, "PRAGMA user_version");
	ck_assert_str_eq(v, "99");
	free(v);
}
END_TEST

START_TEST(test_migration_atomic)
{
	struct store *st;
	char *v, *cause = NULL;

	/*
	 * A stray table at version 0: another program's file, refused before
	 * any migration touches it.
	 */
	v = test_query_create(test_path, "CREATE TABLE history (x)");
	free(v);
	st = store_open(test_path, &cause);
	ck_assert_ptr_null(st);
	ck_assert_msg(
	    strstr(cause, "not a ccwatch store") != NULL, "%s", cause);
	free(cause);
	v = test_query(test_path, "PRAGMA user_version");
	ck_assert_str_eq(v, "0");
	free(v);
	v = test_query(test_path, "SELECT count(*) FROM sqlite_master");
	ck_assert_str_eq(v, "1");
	free(v);
}
END_TEST

START_TEST(test_missing_directory)
{
	struct store *st;
	char *path, *cause = NULL;

	xasprintf(&path, "%s/no/such/dir/ccwatch.db", test_dir);
	st = store_open(path, &cause);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strncmp(cause, "store: ", 7) == 0, "%s", cause);
	ck_assert_msg(strstr(cause, path) != NULL, "%s", cause);
	free(cause);
	free(path);
}
END_TEST

/* A new store is its owner's alone, whatever the umask. */
START_TEST(test_new_file_private)
{
	struct store *st;
	struct stat sb;
	char *path, *cause = NULL;
	mode_t old = umask(022);

	xasprintf(&path, "%s/private.db", test_dir);
	st = store_open(path, &cause);
	umask(old);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	store_close(st);
	free(path);
}
END_TEST

START_TEST(test_bug_round_trip)
{
	struct store *st = test_open();
	struct bug b, got;
	char *cause = NULL;

	test_bug_fill(&b, 1880001, "");
	test_put_bug(st, &b);
	ck_assert_int_eq(store_get_bug(st, 1880001, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_ptr_null(got.flags[1].requestee);
	ck_assert_ptr_null(got.flags[1].setter);
	ck_assert_str_eq(got.flags[0].requestee, "ca@example.com");
	model_bug_free(&got);
	model_bug_free(&b);
	ck_assert_int_eq(store_get_bug(st, 42, &got, &cause), 0);
	store_close(st);
}
END_TEST

START_TEST(test_bug_sparse)
{
	struct store *st = test_open();
	struct bug b, got;
	char *cause = NULL;

	/* What a search with include_fields gives: most fields absent. */
	memset(&b, 0, sizeof b);
	b.id = 7;
	b.summary = xstrdup("");
	b.resolution = xstrdup("");
	b.is_open = -1;
	b.comment_count = -1;
	test_put_bug(st, &b);
	ck_assert_int_eq(store_get_bug(st, 7, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_ptr_null(got.assigned_to);
	ck_assert_ptr_null(got.flags);
	model_bug_free(&got);
	model_bug_free(&b);
	store_close(st);
}
END_TEST

START_TEST(test_bug_upsert)
{
	struct store *st = test_open();
	struct bug b, got;
	struct store_counts c;
	char *cause = NULL;

	test_bug_fill(&b, 100, "");
	test_put_bug(st, &b);
	test_put_bug(st, &b);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	/* The bug closes, loses its needinfo and a cc. */
	free(b.status);
	b.status = xstrdup("RESOLVED");
	free(b.resolution);
	b.resolution = xstrdup("FIXED");
	b.is_open = 0;
	free(b.assigned_to);
	b.assigned_to = NULL;
	free(b.cc.v[1]);
	b.cc.n = 1;
	free(b.flags[0].name);
	free(b.flags[0].setter);
	free(b.flags[0].requestee);
	b.flags[0] = b.flags[1];
	b.nflags = 1;
	test_put_bug(st, &b);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	ck_assert_int_eq(c.open_bugs, 0);
	ck_assert_int_eq(store_get_bug(st, 100, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_str_eq(got.resolution, "FIXED");
	model_bug_free(&got);
	model_bug_free(&b);
	store_close(st);
}
END_TEST

START_TEST(test_bug_list_open_only)
{
	struct store *st = test_open();
	struct bug b;
	struct bug_list bl = {0};
	struct store_counts c;
	int64_t *ids;
	size_t n;
	char *cause = NULL;
	static const struct {
		int64_t id;
		const char *resolution;
	} bugs[] = {
	    {30, ""}, {10, "FIXED"}, {20, ""}, {40, "INVALID"}, {5, ""}};
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(bugs); i++) {
		test_bug_fill(&b, bugs[i].id, bugs[i].resolution);
		test_put_bug(st, &b);
		model_bug_free(&b);
	}
	ck_assert_int_eq(store_list_bugs(st, 1, &bl, &cause), 0);
	ck_assert_uint_eq(bl.n, 3);
	ck_assert_int_eq(bl.v[0].id, 5);
	ck_assert_int_eq(bl.v[1].id, 20);
	ck_assert_int_eq(bl.v[2].id, 30);
	ck_assert_str_eq(bl.v[2].resolution, "");
	ck_assert_uint_eq(bl.v[2].nflags, 2);
	bug_list_free(&bl);
	ck_assert_int_eq(store_list_bugs(st, 0, &bl, &cause), 0);
	ck_assert_uint_eq(bl.n, 5);
	for (i = 1; i < bl.n; i++)
		ck_assert_int_lt(bl.v[i - 1].id, bl.v[i].id);
	bug_list_free(&bl);

	ck_assert_int_eq(store_list_ids(st, 1, &ids, &n, &cause), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ids[0], 5);
	ck_assert_int_eq(ids[2], 30);
	free(ids);
	ck_assert_int_eq(store_list_ids(st, 0, &ids, &n, &cause), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(ids[4], 40);
	free(ids);

	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 5);
	ck_assert_int_eq(c.open_bugs, 3);
	ck_assert_int_eq(c.comments, 0);
	ck_assert_int_eq(c.history, 0);
	store_close(st);
}
END_TEST

START_TEST(test_comments_order)
{
	struct store *st = test_open();
	struct comment c;
	struct comment_list cl = {0};
	struct store_counts n;
	time_t last;
	char *cause = NULL;

	ck_assert_int_eq(store_last_comment_time(st, 9, &last, &cause), 0);
	ck_assert_int_eq(last, 0);
	/* Stored newest first, for a bug not stored yet. */
	test_comment_fill(&c, 503, 9, 2, 3000, "third");
	test_put_comment(st, &c);
	test_comment_fill(
	    &c, 501, 9, 0, 1000, "Description \xe2\x80\x94 \"x\"");
	strlist_add(&c.tags, "spam");
	strlist_add(&c.tags, "admin-\xc3\xa9");
	c.is_private = 1;
	test_put_comment(st, &c);
	test_comment_fill(&c, 502, 9, 1, 2000, "second\r\n\ttabbed");
	test_put_comment(st, &c);
	test_comment_fill(&c, 601, 10, 0, 9999, "other bug");
	test_put_comment(st, &c);

	ck_assert_int_eq(store_get_comments(st, 9, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 3);
	ck_assert_int_eq(cl.v[0].id, 501);
	ck_assert_int_eq(cl.v[0].bug_id, 9);
	ck_assert_int_eq(cl.v[0].count, 0);
	ck_assert_int_eq(cl.v[0].time, 1000);
	ck_assert_str_eq(cl.v[0].creator, "ca@example.com");
	ck_assert_str_eq(cl.v[0].text, "Description \xe2\x80\x94 \"x\"");
	ck_assert_int_eq(cl.v[0].is_private, 1);
	ck_assert_uint_eq(cl.v[0].tags.n, 2);
	ck_assert_str_eq(cl.v[0].tags.v[1], "admin-\xc3\xa9");
	ck_assert_int_eq(cl.v[1].id, 502);
	ck_assert_str_eq(cl.v[1].text, "second\r\n\ttabbed");
	ck_assert_int_eq(cl.v[1].is_private, 0);
	ck_assert_uint_eq(cl.v[1].tags.n, 0);
	ck_assert_int_eq(cl.v[2].id, 503);
	comment_list_free(&cl);

	ck_assert_int_eq(store_last_comment_time(st, 9, &last, &cause), 0);
	ck_assert_int_eq(last, 3000);
	n = test_counts(st);
	ck_assert_int_eq(n.comments, 4);
	store_close(st);
}
END_TEST

START_TEST(test_comments_upsert)
{
	struct store *st = test_open();
	struct comment c;
	struct comment_list cl = {0};
	char *cause = NULL;

	test_comment_fill(&c, 700, 1, 3, 5000, "original");
	test_put_comment(st, &c);
	test_comment_fill(&c, 700, 1, 3, 5000, "original");
	test_put_comment(st, &c);
	ck_assert_int_eq(test_counts(st).comments, 1);
	/* Made private and tagged later. */
	test_comment_fill(&c, 700, 1, 3, 5000, "edited");
	c.is_private = 1;
	strlist_add(&c.tags, "off-topic");
	test_put_comment(st, &c);
	ck_assert_int_eq(store_get_comments(st, 1, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_str_eq(cl.v[0].text, "edited");
	ck_assert_int_eq(cl.v[0].is_private, 1);
	ck_assert_uint_eq(cl.v[0].tags.n, 1);
	ck_assert_str_eq(cl.v[0].tags.v[0], "off-topic");
	comment_list_free(&cl);
	store_close(st);
}
END_TEST

/*
 * The sample history, one row a change; rows with the same entry number
 * form one struct history.  Bug 9 has two entries at the same time by
 * different people, and a third later.
 */
static const struct {
	int entry;
	int64_t bug_id;
	time_t when;
	const char *who;
	const char *field;
	const char *removed;
	const char *added;
} test_history_rows[] = {
    {0, 9, 2000, "ben@example.com", "whiteboard", "[ca-compliance]",
	"[ca-compliance] Next update 2024-05-01"},
    {0, 9, 2000, "ben@example.com", "flagtypes.name", "",
	"needinfo?(ca@example.com)"},
    {0, 9, 2000, "ben@example.com", "cc", "", "ben@example.com"},
    {1, 9, 2000, "ca@example.com", "status", "NEW", "ASSIGNED"},
    {2, 9, 3000, "ca@example.com", "flagtypes.name",
	"needinfo?(ca@example.com)", ""},
    {3, 10, 1000, "x@example.com", "status", "NEW", "ASSIGNED"},
};

/* Store the sample history entry by entry. */
static void
test_history_put_sample(struct store *st)
{
	struct history h;
	struct change *ch;
	char *cause = NULL;
	size_t i, j;

	for (i = 0; i < CCWATCH_NELEM(test_history_rows); i = j) {
		memset(&h, 0, sizeof h);
		h.bug_id = test_history_rows[i].bug_id;
		h.when = test_history_rows[i].when;
		h.who = xstrdup(test_history_rows[i].who);
		for (j = i; j < CCWATCH_NELEM(test_history_rows) &&
		     test_history_rows[j].entry == test_history_rows[i].entry;
		     j++) {
			h.changes = xreallocarray(
			    h.changes, h.nchanges + 1, sizeof *h.changes);
			ch = &h.changes[h.nchanges++];
			ch->field = xstrdup(test_history_rows[j].field);
			ch->removed = xstrdup(test_history_rows[j].removed);
			ch->added = xstrdup(test_history_rows[j].added);
		}
		ck_assert_msg(
		    store_put_history(st, &h, &cause) == 0, "%s", cause);
		for (; h.nchanges > 0; h.nchanges--) {
			ch = &h.changes[h.nchanges - 1];
			free(ch->field);
			free(ch->removed);
			free(ch->added);
		}
		free(h.changes);
		free(h.who);
	}
}

/* Assert the sample's history of bug 9 came back as it went in. */
static void
test_history_check_sample(struct store *st)
{
	struct history_list hl = {0};
	char *cause = NULL;

	ck_assert_int_eq(store_get_history(st, 9, &hl, &cause), 0);
	ck_assert_uint_eq(hl.n, 3);
	ck_assert_int_eq(hl.v[0].bug_id, 9);
	ck_assert_int_eq(hl.v[0].when, 2000);
	ck_assert_str_eq(hl.v[0].who, "ben@example.com");
	ck_assert_uint_eq(hl.v[0].nchanges, 3);
	ck_assert_str_eq(hl.v[0].changes[0].field, "whiteboard");
	ck_assert_str_eq(
	    hl.v[0].changes[0].added, "[ca-compliance] Next update 2024-05-01");
	ck_assert_str_eq(hl.v[0].changes[1].field, "flagtypes.name");
	ck_assert_str_eq(hl.v[0].changes[1].removed, "");
	ck_assert_str_eq(hl.v[0].changes[2].field, "cc");
	ck_assert_str_eq(hl.v[1].who, "ca@example.com");
	ck_assert_int_eq(hl.v[1].when, 2000);
	ck_assert_uint_eq(hl.v[1].nchanges, 1);
	ck_assert_str_eq(hl.v[1].changes[0].added, "ASSIGNED");
	ck_assert_int_eq(hl.v[2].when, 3000);
	ck_assert_uint_eq(hl.v[2].nchanges, 1);
	ck_assert_str_eq(
	    hl.v[2].changes[0].removed, "needinfo?(ca@example.com)");
	history_list_free(&hl);
}

START_TEST(test_history_grouping)
{
	struct store *st = test_open();

	test_history_put_sample(st);
	test_history_check_sample(st);
	ck_assert_int_eq(test_counts(st).history, 6);
	store_close(st);
}
END_TEST

START_TEST(test_history_idempotent)
{
	struct store *st = test_open();
	struct history_list hl = {0};
	char *cause = NULL;

	test_history_put_sample(st);
	test_history_put_sample(st);
	ck_assert_int_eq(test_counts(st).history, 6);
	test_history_check_sample(st);
	/* Appending to a list that already holds entries opens a new one. */
	ck_assert_int_eq(store_get_history(st, 10, &hl, &cause), 0);
	ck_assert_int_eq(store_get_history(st, 10, &hl, &cause), 0);
	ck_assert_uint_eq(hl.n, 2);
	ck_assert_uint_eq(hl.v[1].nchanges, 1);
	history_list_free(&hl);
	store_close(st);
}
END_TEST

START_TEST(test_cursor_round_trip)
{
	struct store *st = test_open();
	struct store_cursor cur, got;
	char *cause = NULL;

	ck_assert_int_eq(store_get_cursor(st, &got, &cause), 0);
	ck_assert_int_eq(got.db_time, 0);
	ck_assert_int_eq(got.last_full, 0);
	ck_assert_int_eq(got.last_sync, 0);
	ck_assert_int_eq(got.last_attempt, 0);
	ck_assert_ptr_null(got.last_error);

	cur.db_time = 1711548131;
	cur.last_full = 1711500000;
	cur.last_sync = 1711548140;
	cur.last_attempt = 1711548200;
	cur.last_error = (char *)"bugzilla: HTTP 429: \"rate\" limited";
	ck_assert_int_eq(store_set_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(store_get_cursor(st, &got, &cause), 0);
	ck_assert_int_eq(got.db_time, 1711548131);
	ck_assert_int_eq(got.last_full, 1711500000);
	ck_assert_int_eq(got.last_sync, 1711548140);
	ck_assert_int_eq(got.last_attempt, 1711548200);
	ck_assert_str_eq(got.last_error, cur.last_error);
	store_cursor_free(&got);
	ck_assert_ptr_null(got.last_error);

	cur.last_error = NULL;
	ck_assert_int_eq(store_set_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(store_get_cursor(st, &got, &cause), 0);
	ck_assert_ptr_null(got.last_error);
	ck_assert_int_eq(got.db_time, 1711548131);
	store_close(st);
}
END_TEST

START_TEST(test_rollback)
{
	struct store *st = test_open();
	struct store_counts c;
	struct store_cursor cur = {100, 0, 0, 0, NULL}, got;
	struct bug b;
	struct comment cm;
	char *cause = NULL;

	ck_assert_int_eq(store_begin(st, &cause), 0);
	test_bug_fill(&b, 1, "");
	test_put_bug(st, &b);
	model_bug_free(&b);
	test_comment_fill(&cm, 11, 1, 0, 10, "x");
	test_put_comment(st, &cm);
	test_history_put_sample(st);
	ck_assert_int_eq(store_set_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(test_counts(st).bugs, 1);
	store_rollback(st);
	/* A second rollback with no transaction open is harmless. */
	store_rollback(st);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 0);
	ck_assert_int_eq(c.comments, 0);
	ck_assert_int_eq(c.history, 0);
	ck_assert_int_eq(store_get_cursor(st, &got, &cause), 0);
	ck_assert_int_eq(got.db_time, 0);
	store_close(st);
}
END_TEST

START_TEST(test_nested_begin_fails)
{
	struct store *st = test_open();
	char *cause = NULL;

	ck_assert_int_eq(store_begin(st, &cause), 0);
	ck_assert_int_eq(store_begin(st, &cause), -1);
	ck_assert_msg(strstr(cause, "begin") != NULL, "%s", cause);
	ck_assert_msg(strstr(cause, test_path) != NULL, "%s", cause);
	free(cause);
	ck_assert_int_eq(store_commit(st, &cause), 0);
	ck_assert_int_eq(store_commit(st, &cause), -1);
	free(cause);
	store_close(st);
}
END_TEST

START_TEST(test_restart_keeps_all)
{
	struct store *st = test_open();
	struct store_cursor cur = {500, 400, 300, 200, NULL}, got;
	struct store_counts c;
	struct bug b, gotb;
	struct comment cm;
	char *cause = NULL;

	ck_assert_int_eq(store_begin(st, &cause), 0);
	test_bug_fill(&b, 77, "");
	test_put_bug(st, &b);
	test_comment_fill(&cm, 770, 77, 0, 10, "kept");
	test_put_comment(st, &cm);
	test_history_put_sample(st);
	cur.last_error = (char *)"previous failure";
	ck_assert_int_eq(store_set_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(store_commit(st, &cause), 0);
	store_close(st);

	st = test_open();
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	ck_assert_int_eq(c.open_bugs, 1);
	ck_assert_int_eq(c.comments, 1);
	ck_assert_int_eq(c.history, 6);
	ck_assert_int_eq(store_get_bug(st, 77, &gotb, &cause), 1);
	test_bug_eq(&b, &gotb);
	model_bug_free(&gotb);
	test_history_check_sample(st);
	ck_assert_int_eq(store_get_cursor(st, &got, &cause), 0);
	ck_assert_int_eq(got.db_time, 500);
	ck_assert_int_eq(got.last_full, 400);
	ck_assert_str_eq(got.last_error, "previous failure");
	store_cursor_free(&got);
	/* Storing the same records again after the restart adds nothing. */
	test_put_bug(st, &b);
	test_comment_fill(&cm, 770, 77, 0, 10, "kept");
	test_put_comment(st, &cm);
	test_history_put_sample(st);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	ck_assert_int_eq(c.comments, 1);
	ck_assert_int_eq(c.history, 6);
	model_bug_free(&b);
	store_close(st);
}
END_TEST

/* A copy of member key of o if it is a string, NULL otherwise. */
static char *
test_json_strdup(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* The real bug list as struct bugs, built from the JSON directly. */
static void
test_load_real_bugs(struct bug_list *bl)
{
	json_error_t err;
	json_t *a, *o;
	struct bug *b;
	char *path;
	size_t i;

	path = testutil_srcpath("data/ca-compliance/bugs-2026-03.json");
	a = json_load_file(path, 0, &err);
	ck_assert_msg(json_is_array(a), "%s: %s", path, err.text);
	bl->n = json_array_size(a);
	bl->cap = bl->n;
	bl->v = xcalloc(bl->n, sizeof *bl->v);
	json_array_foreach(a, i, o)
	{
		b = &bl->v[i];
		b->id = json_integer_value(json_object_get(o, "id"));
		b->summary = test_json_strdup(o, "summary");
		b->status = test_json_strdup(o, "status");
		b->resolution = test_json_strdup(o, "resolution");
		b->whiteboard = test_json_strdup(o, "whiteboard");
		b->creator = test_json_strdup(o, "creator");
		b->is_open = -1;
		b->comment_count = -1;
		ck_assert_int_eq(
		    timeutil_parse_iso(
			json_string_value(json_object_get(o, "creation_time")),
			&b->creation_time),
		    0);
	}
	json_decref(a);
	free(path);
}

START_TEST(test_real_bugs)
{
	struct store *st = test_open();
	struct bug_list in = {0}, out = {0};
	struct store_counts c;
	char *cause = NULL;
	size_t i, open = 0;

	test_load_real_bugs(&in);
	ck_assert_uint_eq(in.n, 1690);
	ck_assert_int_eq(store_begin(st, &cause), 0);
	for (i = 0; i < in.n; i++) {
		test_put_bug(st, &in.v[i]);
		if (in.v[i].resolution[0] == '\0')
			open++;
	}
	ck_assert_int_eq(store_commit(st, &cause), 0);
	store_close(st);

	st = test_open();
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1690);
	ck_assert_int_eq(c.open_bugs, (long long)open);
	ck_assert_int_eq(store_list_bugs(st, 0, &out, &cause), 0);
	ck_assert_uint_eq(out.n, in.n);
	/* The file is ordered by id, as the store returns them. */
	for (i = 0; i < in.n; i++)
		test_bug_eq(&in.v[i], &out.v[i]);
	bug_list_free(&out);
	ck_assert_int_eq(store_list_bugs(st, 1, &out, &cause), 0);
	ck_assert_uint_eq(out.n, open);
	bug_list_free(&out);
	bug_list_free(&in);
	store_close(st);
}
END_TEST

/* The marks of bug, failing the test on error; *n gets their number. */
static int64_t *
test_marks(struct store *st, int64_t bug, size_t *n)
{
	int64_t *ids;
	char *cause = NULL;

	ck_assert_msg(store_list_not_questions(st, bug, &ids, n, &cause) == 0,
	    "%s", cause);
	return ids;
}

START_TEST(test_not_question_marks)
{
	struct store *st = test_open();
	int64_t *ids;
	size_t n;
	char *cause = NULL;

	ids = test_marks(st, 7, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ids);
	ck_assert_int_eq(store_set_not_question(st, 7, 300, &cause), 0);
	ck_assert_int_eq(store_set_not_question(st, 7, 100, &cause), 0);
	/* Setting twice keeps one mark; another bug's marks are its own. */
	ck_assert_int_eq(store_set_not_question(st, 7, 300, &cause), 0);
	ck_assert_int_eq(store_set_not_question(st, 8, 100, &cause), 0);
	ids = test_marks(st, 7, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ids[0], 100);
	ck_assert_int_eq(ids[1], 300);
	free(ids);
	ck_assert_int_eq(store_clear_not_question(st, 7, 100, &cause), 1);
	ck_assert_int_eq(store_clear_not_question(st, 7, 100, &cause), 0);
	ids = test_marks(st, 7, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ids[0], 300);
	free(ids);
	store_close(st);
	/* The marks survive a restart. */
	st = test_open();
	ids = test_marks(st, 8, &n);
	ck_assert_uint_eq(n, 1);
	free(ids);
	store_close(st);
}
END_TEST

START_TEST(test_readonly_open)
{
	struct store *st;
	struct bug b, got;
	char *cause = NULL, *want;

	/* A missing file is an error, and is not created. */
	st = store_open_readonly(test_path, &cause);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(cause, test_path) != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_ne(access(test_path, F_OK), 0);

	st = test_open();
	test_bug_fill(&b, 5, "");
	test_put_bug(st, &b);
	ck_assert_int_eq(store_set_not_question(st, 5, 9, &cause), 0);
	store_close(st);

	st = store_open_readonly(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_get_bug(st, 5, &got, &cause), 1);
	test_bug_eq(&b, &got);
	model_bug_free(&got);
	/* Every write fails. */
	ck_assert_int_eq(store_put_bug(st, &b, &cause), -1);
	ck_assert_msg(strstr(cause, "readonly") != NULL, "%s", cause);
	free(cause);
	store_close(st);
	model_bug_free(&b);

	/* A version 1 file is read as it is: no marks, no migration. */
	free(test_query(test_path, "DROP TABLE question_overrides"));
	free(test_query(test_path, "PRAGMA user_version = 1"));
	st = store_open_readonly(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_schema_version(st), 1);
	free(test_marks(st, 5, &(size_t){0}));
	store_close(st);
	want = test_query(test_path, "PRAGMA user_version");
	ck_assert_str_eq(want, "1");
	free(want);

	free(test_query(test_path, "PRAGMA user_version = 99"));
	st = store_open_readonly(test_path, &cause);
	ck_assert_ptr_null(st);
	xasprintf(&want,
	    "store: %s: not a ccwatch store: schema version 99 is not one this "
	    "ccwatch reads (1..6)",
	    test_path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}
END_TEST

/* A TCase with the temporary-directory fixture. */
static TCase *
test_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	return tc;
}

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = test_tcase("open");
	tcase_add_test(tc, test_schema_version);
	tcase_add_test(tc, test_wal_mode);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_newer_version_refused);
	tcase_add_test(tc, test_missing_directory);
	tcase_add_test(tc, test_new_file_private);
	tcase_add_test(tc, test_migration_atomic);
	suite_add_tcase(s, tc);
	tc = test_tcase("bugs");
	tcase_add_test(tc, test_bug_round_trip);
	tcase_add_test(tc, test_bug_sparse);
	tcase_add_test(tc, test_bug_upsert);
	tcase_add_test(tc, test_bug_list_open_only);
	suite_add_tcase(s, tc);
	tc = test_tcase("comments");
	tcase_add_test(tc, test_comments_order);
	tcase_add_test(tc, test_comments_upsert);
	suite_add_tcase(s, tc);
	tc = test_tcase("history");
	tcase_add_test(tc, test_history_grouping);
	tcase_add_test(tc, test_history_idempotent);
	suite_add_tcase(s, tc);
	tc = test_tcase("cursor");
	tcase_add_test(tc, test_cursor_round_trip);
	suite_add_tcase(s, tc);
	tc = test_tcase("transactions");
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_nested_begin_fails);
	tcase_add_test(tc, test_restart_keeps_all);
	suite_add_tcase(s, tc);
	tc = test_tcase("not a question");
	tcase_add_test(tc, test_not_question_marks);
	tcase_add_test(tc, test_readonly_open);
	suite_add_tcase(s, tc);
	tc = test_tcase("real data");
	tcase_add_test(tc, test_real_bugs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
