/*
 * Tests of the poll cycle against the fake Bugzilla and an SQLite file:
 * what each cycle fetches, what it costs in requests, and that a failed
 * cycle changes nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugzilla.h"
#include "fakebz.h"
#include "store.h"
#include "sync.h"
#include "sync_fixture.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

START_TEST(test_first_sync_is_full)
{
	struct sync_stats s;
	struct store_cursor cur;
	struct bug b;
	char *cause = NULL;
	int64_t closed;

	sfix_at(T0);
	sfix_add_bugs(5);
	closed = fakebz_add_bug(
	    fb, "NSS", "CA Certificate Compliance", "Old CA: closed", REP, "r");
	fakebz_set_status(fb, closed, ROOT, "RESOLVED", "FIXED");
	ck_assert_int_gt(
	    fakebz_add_bug(fb, "Firefox", "General", "other", REP, "r"), 0);
	sfix_at(T0 + 1000);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 1);
	ck_assert_uint_eq(s.bugs_seen, 5);
	ck_assert_uint_eq(s.comments, 5);
	/* time, one page of open bugs, one batch of comments, of history */
	ck_assert_uint_eq(s.requests, 4);
	memset(&cur, 0, sizeof cur);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, T0 + 1000);
	ck_assert_int_eq(cur.last_full, T0 + 1000);
	ck_assert_ptr_null(cur.last_error);
	store_cursor_free(&cur);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, closed, &b, &cause), 0);
}
END_TEST

START_TEST(test_quiet_cycle_costs_two_requests)
{
	struct sync_stats s;

	sfix_at(T0);
	sfix_add_bugs(30);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 0);
	ck_assert_uint_eq(s.requests, 2);
	ck_assert_uint_eq(s.bugs_seen, 0);
	ck_assert_uint_eq(s.bugs_changed, 0);
	/* A change inside the overlap window is fetched again, once. */
	sfix_at(T0 + 2100);
	fakebz_add_comment(fb, 3, ROOT, "Any news?", 0);
	sfix_at(T0 + 2200);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_changed, 1);
	ck_assert_uint_eq(s.requests, 4);
	sfix_at(T0 + 4000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.requests, 2);
}
END_TEST

START_TEST(test_incremental_picks_up_each_mutation)
{
	struct sync_stats s;
	struct bug b;
	struct history_list hl;
	char *cause = NULL;
	long long before;

	sfix_at(T0);
	sfix_add_bugs(10);
	sfix_at(T0 + 1000);
	sfix_cycle();
	before = sfix_stored_comments();
	sfix_at(T0 + 2000);
	fakebz_add_comment(fb, 1, ROOT, "When is the full report due?", 0);
	fakebz_set_whiteboard(
	    fb, 2, ROOT, "[ca-compliance] Next update 2023-12-01");
	fakebz_set_needinfo(fb, 3, ROOT, REP);
	fakebz_set_needinfo(fb, 4, ROOT, REP);
	sfix_at(T0 + 2500);
	fakebz_clear_needinfo(fb, 4, REP, REP);
	fakebz_set_status(fb, 5, ROOT, "RESOLVED", "FIXED");
	sfix_at(T0 + 3000);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 0);
	ck_assert_uint_eq(s.bugs_seen, 5);
	ck_assert_uint_eq(s.bugs_changed, 5);
	ck_assert_uint_eq(s.comments, 1);
	ck_assert_uint_eq(s.requests, 4);
	ck_assert_int_eq(sfix_stored_comments(), before + 1);

	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, 2, &b, &cause), 1);
	ck_assert_str_eq(
	    b.whiteboard, "[ca-compliance] Next update 2023-12-01");
	model_bug_free(&b);
	ck_assert_int_eq(store_get_bug(st, 3, &b, &cause), 1);
	ck_assert_uint_eq(b.nflags, 1);
	ck_assert_str_eq(b.flags[0].requestee, REP);
	model_bug_free(&b);
	ck_assert_int_eq(store_get_bug(st, 4, &b, &cause), 1);
	ck_assert_uint_eq(b.nflags, 0);
	model_bug_free(&b);
	/* The closure is seen although the bug left the open set. */
	ck_assert_int_eq(store_get_bug(st, 5, &b, &cause), 1);
	ck_assert_str_eq(b.resolution, "FIXED");
	model_bug_free(&b);
	memset(&hl, 0, sizeof hl);
	ck_assert_int_eq(store_get_history(st, 4, &hl, &cause), 0);
	ck_assert_uint_eq(hl.n, 2);
	history_list_free(&hl);

	/* Reopening is seen the same way. */
	sfix_at(T0 + 4000);
	fakebz_set_status(fb, 5, ROOT, "REOPENED", "");
	sfix_at(T0 + 5000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_changed, 1);
	ck_assert_int_eq(store_get_bug(st, 5, &b, &cause), 1);
	ck_assert_str_eq(b.resolution, "");
	model_bug_free(&b);
}
END_TEST

START_TEST(test_many_changes_cost_constant_requests)
{
	struct sync_stats s;
	int i;

	sfix_at(T0);
	sfix_add_bugs(150);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	for (i = 1; i <= 60; i++)
		fakebz_add_comment(fb, i, ROOT, "Please update.", 0);
	sfix_at(T0 + 3000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_changed, 60);
	ck_assert_uint_eq(s.comments, 60);
	ck_assert_uint_eq(s.requests, 4);
}
END_TEST

START_TEST(test_failed_cycle_changes_nothing)
{
	struct sync_stats s;
	struct store_cursor cur;
	char *cause = NULL;
	long long before;

	sfix_at(T0);
	sfix_add_bugs(10);
	sfix_at(T0 + 1000);
	sfix_cycle();
	before = sfix_stored_comments();
	sfix_at(T0 + 2000);
	fakebz_add_comment(fb, 1, ROOT, "Question?", 0);
	sfix_at(T0 + 3000);
	/* The history batch fails after comments were already fetched. */
	fakebz_fault(fb, "/rest/bug/1/history", FAKEBZ_FAULT_500, 100);
	ck_assert_int_eq(sync_run(bz, st, &so, &s, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "500"));
	free(cause);
	ck_assert_int_eq(sfix_stored_comments(), before);
	memset(&cur, 0, sizeof cur);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, T0 + 1000);
	ck_assert_ptr_nonnull(cur.last_error);
	ck_assert_int_eq(cur.last_attempt, T0 + 3000);
	store_cursor_free(&cur);
	/* The next good cycle catches up completely. */
	fakebz_clear_faults(fb);
	sfix_at(T0 + 4000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.comments, 1);
	ck_assert_int_eq(sfix_stored_comments(), before + 1);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, T0 + 4000);
	ck_assert_ptr_null(cur.last_error);
	store_cursor_free(&cur);
}
END_TEST

START_TEST(test_full_resync_sees_closed_bugs)
{
	struct sync_stats s;
	struct bug b;
	char *cause = NULL;

	sfix_at(T0);
	sfix_add_bugs(4);
	sfix_at(T0 + 1000);
	sfix_cycle();
	/* Closed long before the next cycle's overlap window. */
	sfix_at(T0 + 1500);
	fakebz_set_status(fb, 2, ROOT, "RESOLVED", "INVALID");
	sfix_at(T0 + 100000);
	so.full = 1;
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 1);
	ck_assert_uint_eq(s.bugs_seen, 4);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, 2, &b, &cause), 1);
	ck_assert_str_eq(b.resolution, "INVALID");
	model_bug_free(&b);
}
END_TEST

/*
 * A bug that closed before ccwatch ever saw it runs no clocks: its fields
 * are stored, its thread is not fetched.  If it reopens, the whole thread
 * comes then.
 */
START_TEST(test_unseen_closed_bug_costs_no_thread)
{
	struct sync_stats s;
	struct bug b;
	struct comment_list cl;
	char *cause = NULL;
	int64_t id;

	sfix_at(T0);
	sfix_add_bugs(2);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 1500);
	id = fakebz_add_bug(fb, "CA Program", "CA Certificate Compliance",
	    "Late CA: filed and closed between two cycles", REP, "r");
	fakebz_add_comment(fb, id, ROOT, "Duplicate of another bug.", 0);
	fakebz_set_status(fb, id, ROOT, "RESOLVED", "DUPLICATE");
	sfix_at(T0 + 2000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_seen, 1);
	ck_assert_uint_eq(s.bugs_changed, 1);
	ck_assert_uint_eq(s.comments, 0);
	ck_assert_uint_eq(s.requests, 2);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, id, &b, &cause), 1);
	ck_assert_str_eq(b.resolution, "DUPLICATE");
	model_bug_free(&b);

	sfix_at(T0 + 3000);
	fakebz_set_status(fb, id, ROOT, "REOPENED", "");
	sfix_at(T0 + 4000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.comments, 2);
	memset(&cl, 0, sizeof cl);
	ck_assert_int_eq(store_get_comments(st, id, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 2);
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_writes_are_idempotent)
{
	struct store_counts c1, c2;
	char *cause = NULL;

	sfix_at(T0);
	sfix_add_bugs(3);
	fakebz_set_needinfo(fb, 1, ROOT, REP);
	sfix_at(T0 + 1000);
	sfix_cycle();
	ck_assert_int_eq(store_counts(st, &c1, &cause), 0);
	so.full = 1;
	sfix_at(T0 + 1100);
	sfix_cycle();
	ck_assert_int_eq(store_counts(st, &c2, &cause), 0);
	ck_assert_int_eq(c1.bugs, c2.bugs);
	ck_assert_int_eq(c1.comments, c2.comments);
	ck_assert_int_eq(c1.history, c2.history);
	ck_assert_int_eq(c1.history, 1);
}
END_TEST

/*
 * A change that Bugzilla commits late carries a time before the cursor of
 * the cycle that missed it: the next search starts five minutes before the
 * cursor, so it is fetched all the same.
 */
START_TEST(test_overlap_catches_a_late_commit)
{
	struct sync_stats s;
	struct comment_list cl;
	char *cause = NULL;
	long long before;

	sfix_at(T0);
	sfix_add_bugs(3);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_changed, 0);
	before = sfix_stored_comments();
	/* Dated two minutes before the cursor (T0 + 2000), seen after it. */
	fakebz_set_now(fb, T0 + 2000 - 120);
	fakebz_add_comment(fb, 2, ROOT, "Was this disclosed in CCADB?", 0);
	sfix_at(T0 + 2600);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 0);
	ck_assert_uint_eq(s.bugs_changed, 1);
	ck_assert_uint_eq(s.comments, 1);
	ck_assert_int_eq(sfix_stored_comments(), before + 1);
	memset(&cl, 0, sizeof cl);
	ck_assert_int_eq(store_get_comments(st, 2, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 2);
	ck_assert_str_eq(cl.v[1].text, "Was this disclosed in CCADB?");
	comment_list_free(&cl);
	/* Just past the overlap, the same change is not fetched again. */
	sfix_at(T0 + 2600 + 301);
	s = sfix_cycle();
	ck_assert_uint_eq(s.bugs_seen, 0);
}
END_TEST

/* A full resync runs every full_every seconds, from the last full one. */
START_TEST(test_full_resync_every)
{
	struct sync_stats s;

	sfix_at(T0);
	sfix_add_bugs(2);
	so.full_every = 3600;
	sfix_at(T0 + 1000);
	ck_assert_int_eq(sfix_cycle().full, 1);
	sfix_at(T0 + 1000 + 3599);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 0);
	ck_assert_uint_eq(s.requests, 2);
	sfix_at(T0 + 1000 + 3600);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 1);
	ck_assert_uint_eq(s.bugs_seen, 2);
	sfix_at(T0 + 1000 + 3600 + 1800);
	ck_assert_int_eq(sfix_cycle().full, 0);
	/* The default is a day. */
	so.full_every = 0;
	sfix_at(T0 + 1000 + 3600 + 86399);
	ck_assert_int_eq(sfix_cycle().full, 0);
	sfix_at(T0 + 1000 + 3600 + 86400);
	ck_assert_int_eq(sfix_cycle().full, 1);
}
END_TEST

static Suite *
sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc;

	tc = tcase_create("cycles");
	tcase_add_checked_fixture(tc, sfix_setup, sfix_teardown);
	tcase_add_test(tc, test_first_sync_is_full);
	tcase_add_test(tc, test_quiet_cycle_costs_two_requests);
	tcase_add_test(tc, test_incremental_picks_up_each_mutation);
	tcase_add_test(tc, test_many_changes_cost_constant_requests);
	tcase_add_test(tc, test_full_resync_sees_closed_bugs);
	tcase_add_test(tc, test_writes_are_idempotent);
	tcase_add_test(tc, test_unseen_closed_bug_costs_no_thread);
	tcase_add_test(tc, test_overlap_catches_a_late_commit);
	tcase_add_test(tc, test_full_resync_every);
	suite_add_tcase(s, tc);
	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, sfix_setup, sfix_teardown);
	tcase_add_test(tc, test_failed_cycle_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sync_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
