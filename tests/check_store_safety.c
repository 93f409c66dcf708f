/*
 * Tests of what the store refuses to adopt: a file that is not a ccwatch
 * store (a negative or foreign schema version), a symbolic link (dangling
 * or not), a store or directory writable by others, a store owned by
 * another user (unless the shared-group option admits its group), and the
 * modes of what it creates.
 */
#include <check.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* Run one statement on the file through a second connection. */
static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open_v2(path, &db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Create the test's store and close it. */
static void
make_store(void)
{
	struct store *st;
	char *cause = NULL;

	st = store_open(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	store_close(st);
}

/* Open with flags; must fail with a cause holding want. */
static void
refused(int flags, const char *want)
{
	struct store *st;
	char *cause = NULL;

	st = store_open_flags(test_path, flags, &cause);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, want) != NULL, "%s", cause);
	ck_assert_ptr_null(strstr(cause, "(null)"));
	free(cause);
}

/* Open with flags; must succeed. */
static void
accepted(int flags)
{
	struct store *st;
	char *cause = NULL;

	st = store_open_flags(test_path, flags, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	store_close(st);
}

START_TEST(test_negative_version_not_a_store)
{
	static const char *const sql[] = {
	    "PRAGMA user_version = -1", "PRAGMA user_version = -2147483648"};

	make_store();
	exec_sql(test_path, sql[_i]);
	refused(0, "not a ccwatch store");
	refused(STORE_READONLY, "not a ccwatch store");
}
END_TEST

START_TEST(test_foreign_database_not_a_store)
{
	exec_sql(test_path, "CREATE TABLE notes (x)");
	refused(0, "not a ccwatch store");
	refused(STORE_READONLY, "not a ccwatch store");
}
END_TEST

START_TEST(test_dangling_symlink_refused)
{
	struct stat sb;
	char *target;

	xasprintf(&target, "%s/elsewhere.db", test_dir);
	ck_assert_int_eq(symlink(target, test_path), 0);
	refused(0, "symbolic link");
	/* Nothing was created through the link. */
	ck_assert_int_eq(lstat(target, &sb), -1);
	free(target);
}
END_TEST

START_TEST(test_symlink_to_store_refused)
{
	char *real;

	xasprintf(&real, "%s/real.db", test_dir);
	free(test_path);
	test_path = xstrdup(real);
	make_store();
	free(test_path);
	xasprintf(&test_path, "%s/ccwatch.db", test_dir);
	ck_assert_int_eq(symlink(real, test_path), 0);
	refused(0, "symbolic link");
	refused(STORE_READONLY, "symbolic link");
	free(real);
}
END_TEST

START_TEST(test_world_writable_store_refused)
{
	make_store();
	ck_assert_int_eq(chmod(test_path, 0666), 0);
	refused(0, "the store is writable by others (mode 0666)");
	refused(STORE_READONLY, "writable by others");
	ck_assert_int_eq(chmod(test_path, 0600), 0);
	accepted(0);
}
END_TEST

START_TEST(test_world_writable_directory_refused)
{
	ck_assert_int_eq(chmod(test_dir, 0777), 0);
	refused(0, "the directory is writable by others (mode 0777)");
	/* Sticky, as /tmp: no one can replace another's file. */
	ck_assert_int_eq(chmod(test_dir, 01777), 0);
	accepted(0);
	ck_assert_int_eq(chmod(test_dir, 0700), 0);
}
END_TEST

START_TEST(test_journal_checked_too)
{
	char *wal;

	make_store();
	xasprintf(&wal, "%s-wal", test_path);
	testutil_write_file(wal, "");
	ck_assert_int_eq(chmod(wal, 0666), 0);
	refused(0, "its journal is writable by others");
	free(wal);
}
END_TEST

/* Give the store and its journal files, those that exist, an owner. */
static void
chown_all(uid_t uid, gid_t gid)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	struct stat sb;
	char *p;
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(suffix); i++) {
		xasprintf(&p, "%s%s", test_path, suffix[i]);
		if (stat(p, &sb) == 0)
			ck_assert_int_eq(chown(p, uid, gid), 0);
		free(p);
	}
}

/*
 * Another user's store: refused read-write with the reason, read as it is
 * read-only, and accepted with the shared-group option when its group is
 * one of ours.  Changing a file's owner takes root, which the suite has.
 */
START_TEST(test_other_owner_refused)
{
	make_store();
	ck_assert_int_eq(chown(test_path, 12345, 54321), 0);
	refused(0, "owned by another user (uid 12345)");
	refused(STORE_SHARED_GROUP, "owned by another user");
	accepted(STORE_READONLY);
	/* SQLite run by root gives the journal the store's owner. */
	chown_all(12345, getegid());
	accepted(STORE_SHARED_GROUP);
	chown_all(geteuid(), getegid());
}
END_TEST

START_TEST(test_created_private_with_journal)
{
	struct store *st;
	struct stat sb;
	char *cause = NULL, *p;
	mode_t old = umask(022);
	size_t i;
	static const char *const suffix[] = {"", "-wal", "-shm"};

	st = store_open(test_path, &cause);
	umask(old);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_begin(st, &cause), 0);
	ck_assert_int_eq(store_set_not_question(st, 1, 2, &cause), 0);
	ck_assert_int_eq(store_commit(st, &cause), 0);
	for (i = 0; i < CCWATCH_NELEM(suffix); i++) {
		xasprintf(&p, "%s%s", test_path, suffix[i]);
		ck_assert_msg(stat(p, &sb) == 0, "%s", p);
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
		free(p);
	}
	store_close(st);
}
END_TEST

static Suite *
safety_suite(void)
{
	Suite *s = suite_create("store safety");
	TCase *tc;

	tc = tcase_create("refused");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_loop_test(tc, test_negative_version_not_a_store, 0, 2);
	tcase_add_test(tc, test_foreign_database_not_a_store);
	tcase_add_test(tc, test_dangling_symlink_refused);
	tcase_add_test(tc, test_symlink_to_store_refused);
	tcase_add_test(tc, test_world_writable_store_refused);
	tcase_add_test(tc, test_world_writable_directory_refused);
	tcase_add_test(tc, test_journal_checked_too);
	tcase_add_test(tc, test_other_owner_refused);
	tcase_add_test(tc, test_created_private_with_journal);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(safety_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
