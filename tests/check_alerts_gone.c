/*
 * Tests of alerts when things go away: a moved bug's clocks end with where
 * it went; a bug the key no longer sees ends with a note to the routes that
 * may show restricted data only; a store that cannot take a delivery's
 * mark (a full disk) pauses delivery, and nothing is sent twice.  The
 * record channel, an on-disk store and the time seam.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_int.h" /* the outbox read as rows */
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The outbox rows of a route whose payload holds text. */
static long long
outbox_with(const char *route, const char *text)
{
	sqlite3_stmt *stmt;
	long long v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(test_st),
			     "SELECT count(*) FROM outbox WHERE route = ?1"
			     " AND instr(payload, ?2) > 0",
			     -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, route, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

START_TEST(test_moved_bug_ends_with_where_it_went)
{
	struct notifier *n;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 0, 1, "overdue", 1);
	ck_assert_int_eq(
	    store_set_bug_gone(test_st, 1,
		"moved to CA Program :: CA Security Vulnerability", &cause),
	    0);
	afix_cycle(T0 + 74 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	afix_assert_rec(n, 2, 1, "met", 1);
	ck_assert_int_eq(outbox_with("all",
			     "the bug moved to CA Program :: CA Security "
			     "Vulnerability"),
	    1);
	/* Nothing more: the bug is no longer evaluated. */
	afix_cycle(T0 + 200 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
}
END_TEST

START_TEST(test_hidden_bug_noted_to_private_routes)
{
	struct notifier *team, *inside;
	struct config_route *r;
	char *cause = NULL;

	afix_add_route("team", "rec", "initial-report");
	r = afix_add_route("insiders", "esc", "initial-report");
	r->private_data = 1;
	team = afix_start("rec");
	inside = afix_start("esc");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	ck_assert_uint_eq(notify_record_count(inside), 1);
	ck_assert_int_eq(store_set_bug_gone(test_st, 1, "hidden", &cause), 0);
	afix_cycle(T0 + 74 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	ck_assert_uint_eq(notify_record_count(inside), 2);
	afix_assert_rec(inside, 1, 1, "met", 1);
	ck_assert_int_eq(outbox_with("insiders", "no longer visible"), 1);
	ck_assert_int_eq(outbox_with("team", "no longer visible"), 0);
	/*
	 * Visible again, it is evaluated again: its overdue deadline is a new
	 * episode after the note, alerted once.
	 */
	ck_assert_int_eq(store_set_bug_gone(test_st, 1, "", &cause), 0);
	afix_cycle(T0 + 75 * H);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) > 0 FROM alert_clocks"
		       " WHERE bug_id = 1 AND seen_at = 1767898800"),
	    1);
	ck_assert_uint_eq(notify_record_count(team), 2);
	afix_assert_rec(team, 1, 1, "overdue", 1);
	afix_cycle(T0 + 76 * H);
	ck_assert_uint_eq(notify_record_count(team), 2);
}
END_TEST

/* Run SQL on the store through a second connection. */
static void
exec_other(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(test_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * A store that refuses the "sent" mark, as a full disk does: the alert is
 * sent once, delivery pauses while the mark cannot be stored (no resend),
 * and resumes, marking it, when the store takes writes again.
 */
START_TEST(test_unmarked_delivery_sent_once)
{
	struct alerts_stats s;
	struct notifier *n;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	exec_other(
	    "CREATE TRIGGER full BEFORE UPDATE OF status ON outbox"
	    " WHEN NEW.status = 'sent'"
	    " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
	memset(&s, 0, sizeof s);
	timeutil_set_now(T0 + 73 * H);
	ck_assert_int_eq(alerts_run_cycle(test_al, test_st, &test_people,
			     &test_opts, T0 + 73 * H, &s, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "full"));
	free(cause);
	cause = NULL;
	ck_assert_uint_eq(notify_record_count(n), 1);
	/* The next cycles send nothing while the mark cannot be stored. */
	timeutil_set_now(T0 + 74 * H);
	ck_assert_int_eq(alerts_run_cycle(test_al, test_st, &test_people,
			     &test_opts, T0 + 74 * H, &s, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "delivery paused"));
	free(cause);
	cause = NULL;
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM outbox"
				    " WHERE status = 'pending'"),
	    1);
	/* Space again: the mark goes in first, nothing is sent again. */
	exec_other("DROP TRIGGER full");
	afix_cycle(T0 + 75 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM outbox"
				    " WHERE status = 'sent' AND attempts = 1"),
	    1);
	afix_cycle(T0 + 76 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
}
END_TEST

static Suite *
alerts_gone_suite(void)
{
	Suite *s = suite_create("alerts of gone bugs");
	TCase *tc;

	tc = tcase_create("gone");
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_moved_bug_ends_with_where_it_went);
	tcase_add_test(tc, test_hidden_bug_noted_to_private_routes);
	tcase_add_test(tc, test_unmarked_delivery_sent_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alerts_gone_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
