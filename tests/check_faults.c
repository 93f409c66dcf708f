/*
 * The fault matrix: every way a server fails, at every step of a cycle.
 * Each failing cycle must leave the store as it was (cursor unmoved, no
 * partial writes, integrity intact), and the next good cycle must catch up
 * completely.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugzilla.h"
#include "fakebz.h"
#include "store.h"
#include "sync.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define T0   1700000000
#define ROOT "bwilson@mozilla.com"
#define REP  "rep@ca.example"

static const enum fakebz_fault faults[] = {
    FAKEBZ_FAULT_500,
    FAKEBZ_FAULT_502,
    FAKEBZ_FAULT_503,
    FAKEBZ_FAULT_RATELIMIT,
    FAKEBZ_FAULT_429,
    FAKEBZ_FAULT_DELAY,
    FAKEBZ_FAULT_TRUNCATE,
    FAKEBZ_FAULT_INVALID,
    FAKEBZ_FAULT_HUGE,
    FAKEBZ_FAULT_DROP,
};
static const char *const fault_names[] = {"500", "502", "503", "rate limit",
    "429", "timeout", "truncated", "invalid JSON", "oversized",
    "dropped connection"};

/*
 * The steps of a cycle, by the path prefix of their requests: the clock, the
 * search (the first request under /rest/bug), the comment and history
 * batches.
 */
static const char *const steps[] = {
    "/rest/time", "/rest/bug", "/rest/bug/1/comment", "/rest/bug/1/history"};

/* Run the Nth cell of the matrix. */
static void
run_cell(int cell)
{
	enum fakebz_fault fault = faults[cell / CCWATCH_NELEM(steps)];
	const char *name = fault_names[cell / CCWATCH_NELEM(steps)];
	const char *step = steps[cell % CCWATCH_NELEM(steps)];
	struct bugzilla_options o;
	struct sync_options so;
	struct sync_stats stats;
	struct store_cursor cur;
	struct store_counts before, after;
	struct strlist products, components;
	struct fakebz *fb;
	struct bugzilla *bz;
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char *dir, *path, *cause = NULL;
	int i;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	memset(&products, 0, sizeof products);
	memset(&components, 0, sizeof components);
	strlist_add(&products, "CA Program");
	strlist_add(&components, "CA Certificate Compliance");
	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.http.timeout = 1;
	o.http.connect_timeout = 1;
	o.http.max_body = 256 * 1024;
	o.retries = 1;
	o.retry_base_ms = 1;
	o.retry_max_ms = 1;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/ccwatch.db", dir);
	st = store_open(path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	memset(&so, 0, sizeof so);
	so.products = &products;
	so.components = &components;

	/* A first good cycle over three bugs. */
	fakebz_set_now(fb, T0);
	timeutil_set_now(T0);
	for (i = 0; i < 3; i++)
		ck_assert_int_gt(
		    fakebz_add_bug(fb, "CA Program",
			"CA Certificate Compliance", "CA: incident", REP, "r"),
		    0);
	fakebz_set_now(fb, T0 + 1000);
	timeutil_set_now(T0 + 1000);
	ck_assert_msg(sync_run(bz, st, &so, &stats, &cause) == 0, "%s", cause);

	/* Changes on every bug, then the failing cycle. */
	fakebz_set_now(fb, T0 + 2000);
	for (i = 1; i <= 3; i++) {
		fakebz_add_comment(fb, i, ROOT, "Any update?", 0);
		fakebz_set_needinfo(fb, i, ROOT, REP);
	}
	fakebz_set_now(fb, T0 + 3000);
	timeutil_set_now(T0 + 3000);
	ck_assert_int_eq(store_counts(st, &before, &cause), 0);
	fakebz_set_delay_ms(fb, 1500);
	fakebz_set_huge_bytes(fb, 1024 * 1024);
	fakebz_fault(fb, step, fault, 1000);
	ck_assert_msg(sync_run(bz, st, &so, &stats, &cause) == -1,
	    "%s at %s: the cycle succeeded", name, step);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(store_counts(st, &after, &cause), 0);
	ck_assert_int_eq(after.comments, before.comments);
	ck_assert_int_eq(after.history, before.history);
	memset(&cur, 0, sizeof cur);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_msg(
	    cur.db_time == T0 + 1000, "%s at %s: cursor moved", name, step);
	ck_assert_ptr_nonnull(cur.last_error);
	store_cursor_free(&cur);
	/* Bounded: one try and one retry per failing request. */
	ck_assert_uint_le(bugzilla_stats(bz)->retries, 2 + 2);

	/* The store is intact, and the next good cycle catches up. */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	fakebz_clear_faults(fb);
	fakebz_set_now(fb, T0 + 4000 + 3601);
	timeutil_set_now(T0 + 4000 + 3601);
	ck_assert_msg(sync_run(bz, st, &so, &stats, &cause) == 0,
	    "%s at %s: recovery: %s", name, step, cause);
	ck_assert_int_eq(store_counts(st, &after, &cause), 0);
	ck_assert_int_eq(after.comments, before.comments + 3);
	ck_assert_int_eq(after.history, before.history + 3);

	store_close(st);
	bugzilla_free(bz);
	fakebz_stop(fb);
	testutil_rmdir(dir);
	free(dir);
	free(path);
	strlist_free(&products);
	strlist_free(&components);
	timeutil_set_now(0);
}

START_TEST(test_fault_matrix)
{
	testutil_log_begin();
	run_cell(_i);
	testutil_log_end();
}
END_TEST

static Suite *
faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc;

	tc = tcase_create("matrix");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fault_matrix, 0,
	    (int)(CCWATCH_NELEM(faults) * CCWATCH_NELEM(steps)));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(faults_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
