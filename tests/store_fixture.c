/*
 * The fixture the store test programs share (store_fixture.h).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* The test's directory and the store's path inside it. */
char *test_dir;
char *test_path;

/* A fresh directory and a database path inside it for each test. */
void
test_setup(void)
{
	test_dir = testutil_mkdtemp();
	xasprintf(&test_path, "%s/ccwatch.db", test_dir);
}

/* Remove the test's directory. */
void
test_teardown(void)
{
	testutil_rmdir(test_dir);
	free(test_dir);
	free(test_path);
}

/* Open the test's store, failing the test on error. */
struct store *
test_open(void)
{
	struct store *st;
	char *cause = NULL;

	st = store_open(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	return st;
}

/* Run one SQL statement on a second connection; column 0, allocated. */
char *
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
char *
test_query(const char *path, const char *sql)
{
	return test_query_flags(path, sql, SQLITE_OPEN_READWRITE);
}

/* Run a statement on a second connection, creating the file. */
char *
test_query_create(const char *path, const char *sql)
{
	return test_query_flags(
	    path, sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

/* A bug with every field set; resolution "" makes it open. */
void
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
void
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
void
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
void
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
void
test_put_comment(struct store *st, struct comment *c)
{
	char *cause = NULL;

	ck_assert_msg(store_put_comment(st, c, &cause) == 0, "%s", cause);
	model_comment_free(c);
}

/* The store's counts, failing the test on error. */
struct store_counts
test_counts(struct store *st)
{
	struct store_counts c;
	char *cause = NULL;

	ck_assert_msg(store_counts(st, &c, &cause) == 0, "%s", cause);
	return c;
}

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
void
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
void
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

/* A TCase with the temporary-directory fixture. */
TCase *
test_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	return tc;
}
