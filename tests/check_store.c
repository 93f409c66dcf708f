/*
 * Tests of the store on real SQLite files: opening (schema and pragmas,
 * migrations, versions it refuses, the file's mode), the cursor,
 * transactions, restarts, the not-a-question marks and read-only opens.
 * Round trips of bugs, comments and history are tested in
 * check_store_records.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"
#include "xmalloc.h"

START_TEST(test_schema_version)
{
	struct store *st = test_open();
	char *v;

	ck_assert_int_eq(store_schema_version(st), 7);
	v = test_query(test_path, "PRAGMA user_version");
	ck_assert_str_eq(v, "7");
	free(v);
	v = test_query(test_path,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
	    " name IN ('bugs', 'comments', 'history', 'sync_state',"
	    " 'question_overrides')");
	ck_assert_str_eq(v, "5");
	free(v);
	store_close(st);
	/* Opening a migrated file again applies nothing and keeps version 7. */
	st = test_open();
	ck_assert_int_eq(store_schema_version(st), 7);
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
	ck_assert_int_eq(store_schema_version(st), 7);
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
	    "store: %s: schema version 99 is newer than this ccwatch (7)",
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

/*
 * store_end ends a transaction by its writes' outcome: 0 commits them, -1
 * rolls them back (and says so with -1), so a failed cycle stores nothing.
 */
START_TEST(test_end_by_outcome)
{
	struct store *st = test_open();
	struct bug b;
	char *cause = NULL;

	ck_assert_int_eq(store_begin(st, &cause), 0);
	test_bug_fill(&b, 1, "");
	test_put_bug(st, &b);
	model_bug_free(&b);
	ck_assert_int_eq(store_end(st, -1, &cause), -1);
	ck_assert_int_eq(test_counts(st).bugs, 0);
	/* The transaction is over: a new one begins. */
	ck_assert_int_eq(store_begin(st, &cause), 0);
	test_bug_fill(&b, 2, "");
	test_put_bug(st, &b);
	model_bug_free(&b);
	ck_assert_msg(store_end(st, 0, &cause) == 0, "%s", cause);
	ck_assert_int_eq(test_counts(st).bugs, 1);
	ck_assert_int_eq(store_begin(st, &cause), 0);
	ck_assert_msg(store_end(st, 0, &cause) == 0, "%s", cause);
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
	    "ccwatch reads (1..7)",
	    test_path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}
END_TEST

/* The suite: opening, cursor, transactions, not-a-question marks. */
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
	tc = test_tcase("cursor");
	tcase_add_test(tc, test_cursor_round_trip);
	suite_add_tcase(s, tc);
	tc = test_tcase("transactions");
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_end_by_outcome);
	tcase_add_test(tc, test_nested_begin_fails);
	tcase_add_test(tc, test_restart_keeps_all);
	suite_add_tcase(s, tc);
	tc = test_tcase("not a question");
	tcase_add_test(tc, test_not_question_marks);
	tcase_add_test(tc, test_readonly_open);
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
