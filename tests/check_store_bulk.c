/*
 * Tests of the store's bulk transactions (store_begin_bulk): a page cache
 * large enough for the whole transaction while it is open, the usual one
 * after its commit or rollback, and rows that read back the same.  The
 * page cache is seen through SQLite's own count of the memory it holds.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* Comments each transaction writes, and the bytes of each one's text. */
#define BULK_COMMENTS 2500
#define BULK_TEXT     2000
/* SQLite's default page cache (2 MiB) and a margin over it, in bytes. */
#define BULK_SMALL ((sqlite3_int64)4 * 1024 * 1024)

/* Store BULK_COMMENTS comments of bug bug_id with ids from first on. */
static void
test_put_comments(struct store *st, int64_t bug_id, int64_t first)
{
	struct comment c;
	char *text, *cause = NULL;
	int i;

	text = xmalloc(BULK_TEXT + 1);
	memset(text, 'x', BULK_TEXT);
	text[BULK_TEXT] = '\0';
	for (i = 0; i < BULK_COMMENTS; i++) {
		memset(&c, 0, sizeof c);
		c.id = first + i;
		c.bug_id = bug_id;
		c.count = i;
		c.creator = "ca@example.com";
		c.time = 1000 + i;
		text[0] = (char)('a' + i % 26);
		c.text = text;
		ck_assert_msg(
		    store_put_comment(st, &c, &cause) == 0, "%s", cause);
	}
	free(text);
}

/* The number of stored comments. */
static int64_t
test_ncomments(struct store *st)
{
	struct store_counts c;
	char *cause = NULL;

	ck_assert_msg(store_counts(st, &c, &cause) == 0, "%s", cause);
	return c.comments;
}

START_TEST(test_bulk_commit)
{
	struct store *st = test_open();
	struct comment_list got;
	char *cause = NULL;
	size_t i;

	ck_assert_msg(store_begin_bulk(st, &cause) == 0, "%s", cause);
	test_put_comments(st, 7, 100);
	/* The ~5 MB written are held in the cache, not spilled at 2 MiB. */
	ck_assert_int_gt(sqlite3_memory_used(), BULK_SMALL);
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	/* The commit shrank the cache back. */
	ck_assert_int_lt(sqlite3_memory_used(), BULK_SMALL);
	memset(&got, 0, sizeof got);
	ck_assert_msg(
	    store_get_comments(st, 7, &got, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(got.n, BULK_COMMENTS);
	for (i = 0; i < got.n; i++) {
		ck_assert_int_eq(got.v[i].id, 100 + (int64_t)i);
		ck_assert_uint_eq(strlen(got.v[i].text), BULK_TEXT);
		ck_assert_int_eq(got.v[i].text[0], 'a' + (int)(i % 26));
	}
	comment_list_free(&got);
	store_close(st);
	/* Reopened, the file holds them all. */
	st = test_open();
	ck_assert_int_eq(test_ncomments(st), BULK_COMMENTS);
	store_close(st);
}
END_TEST

START_TEST(test_bulk_rollback)
{
	struct store *st = test_open();
	char *cause = NULL;

	ck_assert_msg(store_begin_bulk(st, &cause) == 0, "%s", cause);
	test_put_comments(st, 7, 100);
	ck_assert_int_gt(sqlite3_memory_used(), BULK_SMALL);
	store_rollback(st);
	ck_assert_int_lt(sqlite3_memory_used(), BULK_SMALL);
	ck_assert_int_eq(test_ncomments(st), 0);
	/* A plain transaction after it keeps the usual, smaller cache. */
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	test_put_comments(st, 8, 5000);
	ck_assert_int_lt(sqlite3_memory_used(), BULK_SMALL);
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(test_ncomments(st), BULK_COMMENTS);
	store_close(st);
}
END_TEST

START_TEST(test_bulk_begin_fails)
{
	struct store *st = test_open();
	char *cause = NULL;

	/* Inside a transaction a bulk one cannot begin; the cache is put back.
	 */
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(store_begin_bulk(st, &cause), -1);
	ck_assert_msg(strstr(cause, "begin") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	test_put_comments(st, 8, 5000);
	ck_assert_int_lt(sqlite3_memory_used(), BULK_SMALL);
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	/* And one begins once the other is done. */
	ck_assert_msg(store_begin_bulk(st, &cause) == 0, "%s", cause);
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(test_ncomments(st), BULK_COMMENTS);
	store_close(st);
}
END_TEST

/* The suite. */
static Suite *
bulk_suite(void)
{
	Suite *s = suite_create("store_bulk");
	TCase *tc = tcase_create("bulk");

	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bulk_commit);
	tcase_add_test(tc, test_bulk_rollback);
	tcase_add_test(tc, test_bulk_begin_fails);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(bulk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
