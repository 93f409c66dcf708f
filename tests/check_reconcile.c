/*
 * Tests of what Bugzilla stops showing, and of what a server may not send,
 * against the fake Bugzilla and an SQLite file: a bug moved out of the
 * watched components, a bug the key can no longer read, a comment that
 * turned private, each coming back when Bugzilla shows it again; a bogus
 * db_time, an oversized list and the cycle's byte budget.
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

/* The reason bug id is gone, allocated, or NULL while it is tracked. */
static char *
gone(int64_t id)
{
	char *why = NULL, *cause = NULL;
	int rc;

	rc = store_get_bug_gone(st, id, &why, &cause);
	ck_assert_msg(rc != -1, "%s", cause);
	ck_assert_int_eq(rc, why != NULL);
	return why;
}

/* The number of bugs the outputs read. */
static size_t
listed(void)
{
	struct bug_list bl;
	char *cause = NULL;
	size_t n;

	memset(&bl, 0, sizeof bl);
	ck_assert_int_eq(store_list_bugs(st, 0, &bl, &cause), 0);
	n = bl.n;
	bug_list_free(&bl);
	return n;
}

/* 1 if the outputs see comment cid on bug id, and its privacy in *priv. */
static int
has_comment(int64_t id, int64_t cid, int *priv)
{
	struct comment_list cl;
	char *cause = NULL;
	size_t i;
	int found = 0;

	memset(&cl, 0, sizeof cl);
	ck_assert_int_eq(store_get_comments(st, id, &cl, &cause), 0);
	for (i = 0; i < cl.n; i++)
		if (cl.v[i].id == cid) {
			found = 1;
			if (priv != NULL)
				*priv = cl.v[i].is_private;
		}
	comment_list_free(&cl);
	return found;
}

/* A full resync. */
static struct sync_stats
full(void)
{
	struct sync_stats s;

	so.full = 1;
	s = sfix_cycle();
	so.full = 0;
	ck_assert_int_eq(s.full, 1);
	return s;
}

START_TEST(test_moved_bug_leaves_and_comes_back)
{
	struct sync_stats s;
	struct bug b;
	char *why, *cause = NULL;

	sfix_at(T0);
	sfix_add_bugs(3);
	sfix_at(T0 + 1000);
	sfix_cycle();
	ck_assert_uint_eq(listed(), 3);
	sfix_at(T0 + 2000);
	ck_assert_int_eq(fakebz_move_bug(fb, 2, ROOT, "CA Program",
			     "CA Security Vulnerability"),
	    0);
	/* An incremental cycle cannot see it: the search is filtered. */
	sfix_at(T0 + 3000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.moved, 0);
	ck_assert_uint_eq(listed(), 3);
	sfix_at(T0 + 4000);
	s = full();
	ck_assert_uint_eq(s.moved, 1);
	ck_assert_uint_eq(s.hidden, 0);
	why = gone(2);
	ck_assert_str_eq(
	    why, "moved to CA Program :: CA Security Vulnerability");
	free(why);
	ck_assert_uint_eq(listed(), 2);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, 2, &b, &cause), 1);
	ck_assert_str_eq(b.component, "CA Security Vulnerability");
	model_bug_free(&b);
	/* The next full resync does not read it again. */
	sfix_at(T0 + 5000);
	s = full();
	ck_assert_uint_eq(s.moved, 0);
	ck_assert_uint_eq(listed(), 2);
	/* Moved back, it is tracked again by the next search. */
	sfix_at(T0 + 6000);
	ck_assert_int_eq(
	    fakebz_move_bug(fb, 2, ROOT, "NSS", "CA Certificate Compliance"),
	    0);
	sfix_at(T0 + 7000);
	sfix_cycle();
	ck_assert_ptr_null(gone(2));
	ck_assert_uint_eq(listed(), 3);
}
END_TEST

START_TEST(test_restricted_bug_hidden_and_back)
{
	struct sync_stats s;
	char *why;
	int64_t cid;

	sfix_at(T0);
	sfix_add_bugs(3);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	ck_assert_int_eq(fakebz_set_groups(fb, 3, "ca-program-security"), 0);
	sfix_at(T0 + 3000);
	s = full();
	ck_assert_uint_eq(s.hidden, 1);
	why = gone(3);
	ck_assert_str_eq(why, "hidden");
	free(why);
	ck_assert_uint_eq(listed(), 2);
	/* While hidden it gets a comment ccwatch cannot read. */
	sfix_at(T0 + 4000);
	cid = fakebz_add_comment(fb, 3, ROOT, "Question while hidden?", 0);
	ck_assert_int_gt(cid, 0);
	sfix_at(T0 + 5000);
	s = full();
	ck_assert_uint_eq(s.hidden, 1);
	ck_assert_uint_eq(listed(), 2);
	/* Public again: the next incremental cycle brings all of it back. */
	sfix_at(T0 + 6000);
	ck_assert_int_eq(fakebz_set_groups(fb, 3, NULL), 0);
	sfix_at(T0 + 7000);
	sfix_cycle();
	ck_assert_ptr_null(gone(3));
	ck_assert_uint_eq(listed(), 3);
	ck_assert_int_eq(has_comment(3, cid, NULL), 1);
}
END_TEST

START_TEST(test_private_comment_vanishes_at_full_resync)
{
	struct sync_stats s;
	long long before;
	int64_t cid;

	sfix_at(T0);
	sfix_add_bugs(2);
	cid = fakebz_add_comment(fb, 1, ROOT, "When is the report due?", 0);
	sfix_at(T0 + 1000);
	sfix_cycle();
	before = sfix_stored_comments();
	ck_assert_int_eq(has_comment(1, cid, NULL), 1);
	sfix_at(T0 + 2000);
	ck_assert_int_eq(fakebz_set_comment_private(fb, cid, 1), 0);
	sfix_at(T0 + 3000);
	s = full();
	ck_assert_int_eq(has_comment(1, cid, NULL), 0);
	ck_assert_int_eq(sfix_stored_comments(), before - 1);
	ck_assert_uint_eq(listed(), 2);
	(void)s;
	/* Public again, it is back at the next full resync. */
	sfix_at(T0 + 4000);
	ck_assert_int_eq(fakebz_set_comment_private(fb, cid, 0), 0);
	sfix_at(T0 + 5000);
	full();
	ck_assert_int_eq(has_comment(1, cid, NULL), 1);
	ck_assert_int_eq(sfix_stored_comments(), before);
}
END_TEST

/*
 * Between full resyncs, a bug that changed with nothing new to show is
 * read again whole; one that changed with a new history entry is not.
 */
START_TEST(test_quiet_change_read_again)
{
	struct sync_stats s;
	int64_t cid;

	sfix_at(T0);
	sfix_add_bugs(3);
	cid = fakebz_add_comment(fb, 1, ROOT, "When is the report due?", 0);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	ck_assert_int_eq(fakebz_set_comment_private(fb, cid, 1), 0);
	ck_assert_int_eq(
	    fakebz_set_whiteboard(fb, 2, ROOT, "[ca-compliance]"), 0);
	sfix_at(T0 + 3000);
	s = sfix_cycle();
	ck_assert_int_eq(s.full, 0);
	ck_assert_uint_eq(s.reread, 1);
	ck_assert_int_eq(has_comment(1, cid, NULL), 0);
	ck_assert_int_eq(has_comment(1, cid - 1, NULL), 0);
	/* time, search, comments, history, bug 1's whole comments */
	ck_assert_uint_eq(s.requests, 5);
	sfix_at(T0 + 4000);
	s = sfix_cycle();
	ck_assert_uint_eq(s.reread, 0);
	ck_assert_uint_eq(s.requests, 2);
}
END_TEST

/* A key that sees private comments keeps them, marked private. */
START_TEST(test_insider_key_keeps_private_comment)
{
	int64_t cid;
	int priv = 0;

	sfix_at(T0);
	sfix_add_bugs(1);
	cid = fakebz_add_comment(fb, 1, ROOT, "When is the report due?", 0);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	ck_assert_int_eq(fakebz_set_comment_private(fb, cid, 1), 0);
	sfix_at(T0 + 3000);
	full();
	ck_assert_int_eq(has_comment(1, cid, &priv), 1);
	ck_assert_int_eq(priv, 1);
}
END_TEST

/*
 * A db_time far from our clock is refused: the cycle fails, nothing is
 * stored and the cursor stays, so later changes are still fetched.
 */
START_TEST(test_bogus_db_time_refused)
{
	struct store_cursor cur;
	struct sync_stats s;
	char *cause = NULL;
	int64_t cid;

	sfix_at(T0);
	sfix_add_bugs(2);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	cid = fakebz_add_comment(fb, 1, ROOT, "A new question?", 0);
	/* 9999-12-31T23:00:00Z */
	fakebz_set_db_time(fb, (time_t)253402297200LL);
	sfix_at(T0 + 3000);
	ck_assert_int_eq(sync_run(bz, st, &so, &s, &cause), -1);
	ck_assert_msg(strstr(cause, "9999-12-31T23:00:00Z") != NULL &&
		strstr(cause, "refused") != NULL,
	    "%s", cause);
	free(cause);
	memset(&cur, 0, sizeof cur);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, T0 + 1000);
	store_cursor_free(&cur);
	ck_assert_int_eq(has_comment(1, cid, NULL), 0);
	/* An hour behind the last cursor is refused too. */
	fakebz_set_db_time(fb, T0 + 1000 - 3601);
	ck_assert_int_eq(sync_run(bz, st, &so, &s, &cause), -1);
	free(cause);
	/* Sane again: the comment is fetched. */
	fakebz_set_db_time(fb, 0);
	sfix_cycle();
	ck_assert_int_eq(has_comment(1, cid, NULL), 1);
}
END_TEST

/* A cc list past MODEL_MAX_LIST is refused: the bug's record is skipped. */
START_TEST(test_oversized_list_refused)
{
	struct sync_stats s;
	struct bug b;
	char *cause = NULL;

	sfix_at(T0);
	sfix_add_bugs(2);
	sfix_at(T0 + 1000);
	sfix_cycle();
	sfix_at(T0 + 2000);
	ck_assert_int_eq(
	    fakebz_add_cc(fb, 1, "cc@example.test", MODEL_MAX_LIST + 1), 0);
	ck_assert_int_eq(
	    fakebz_set_whiteboard(fb, 2, ROOT, "[ca-compliance]"), 0);
	sfix_at(T0 + 3000);
	s = sfix_cycle();
	ck_assert_uint_ge(s.skipped, 1);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(store_get_bug(st, 1, &b, &cause), 1);
	ck_assert_uint_eq(b.cc.n, 0);
	model_bug_free(&b);
	ck_assert_int_eq(store_get_bug(st, 2, &b, &cause), 1);
	ck_assert_str_eq(b.whiteboard, "[ca-compliance]");
	model_bug_free(&b);
}
END_TEST

/* A cycle past its byte budget fails and stores nothing. */
START_TEST(test_byte_budget)
{
	struct store_cursor cur;
	struct sync_stats s;
	char *cause = NULL;

	sfix_at(T0);
	sfix_add_bugs(20);
	sfix_at(T0 + 1000);
	so.max_bytes = 2000;
	ck_assert_int_eq(sync_run(bz, st, &so, &s, &cause), -1);
	ck_assert_msg(
	    strstr(cause, "more than 2000 bytes") != NULL, "%s", cause);
	free(cause);
	ck_assert_uint_eq(listed(), 0);
	memset(&cur, 0, sizeof cur);
	ck_assert_int_eq(store_get_cursor(st, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, 0);
	store_cursor_free(&cur);
	so.max_bytes = 0;
	sfix_cycle();
	ck_assert_uint_eq(listed(), 20);
}
END_TEST

/* The insider fixture: the same with an API key the fake accepts. */
static void
setup_insider(void)
{
	api_key = "insider-key-0123456789";
	sfix_setup();
	fakebz_set_api_key(fb, api_key, NULL);
}

/* Tear the insider fixture down. */
static void
teardown_insider(void)
{
	sfix_teardown();
	api_key = NULL;
}

static Suite *
reconcile_suite(void)
{
	Suite *s = suite_create("reconcile");
	TCase *tc;

	tc = tcase_create("public key");
	tcase_add_checked_fixture(tc, sfix_setup, sfix_teardown);
	tcase_add_test(tc, test_moved_bug_leaves_and_comes_back);
	tcase_add_test(tc, test_restricted_bug_hidden_and_back);
	tcase_add_test(tc, test_private_comment_vanishes_at_full_resync);
	tcase_add_test(tc, test_quiet_change_read_again);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_checked_fixture(tc, sfix_setup, sfix_teardown);
	tcase_add_test(tc, test_bogus_db_time_refused);
	tcase_add_test(tc, test_oversized_list_refused);
	tcase_add_test(tc, test_byte_budget);
	suite_add_tcase(s, tc);
	tc = tcase_create("insider key");
	tcase_add_checked_fixture(tc, setup_insider, teardown_insider);
	tcase_add_test(tc, test_insider_key_keeps_private_comment);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reconcile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
