/*
 * Tests of the store's durability levels: the commits that record alert
 * decisions and deliveries (the ledger, the outbox, a delivery's claim and
 * mark, a user's snooze or ack) run under synchronous=FULL and sync the
 * WAL, the bulk transactions of the bug mirror under NORMAL and do not, and
 * every connection is back at FULL after a bulk one.  The level is read back
 * with PRAGMA synchronous; the syncs are counted by an SQLite VFS over the
 * default one.  Also: a page of due outbox rows whose reading fails part
 * way leaves nothing allocated.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_alerts.h"
#include "store_fixture.h"
#include "store_int.h" /* store_sqlite, the sync_relaxed mark */
#include "testutil.h"
#include "vfs_fixture.h"
#include "xmalloc.h"

/* PRAGMA synchronous's values. */
#define SYNC_NORMAL 1
#define SYNC_FULL   2

/* xSync calls on any file since the test last cleared it. */
static int nsync;

/* A sync: counted, then done by the default VFS. */
static int
count_sync(sqlite3_file *f, int flags)
{
	nsync++;
	return vfs_fixture_real(f)->xSync(f, flags);
}

/* Count the syncs of every file the default VFS opens. */
static void
count_patch(sqlite3_io_methods *io)
{
	io->xSync = count_sync;
}

/* The connection's PRAGMA synchronous. */
static int
sync_level(struct store *st)
{
	sqlite3_stmt *stmt;
	int v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(st),
			     "PRAGMA synchronous", -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Queue delivery id on channel "hook" with payload, ready at ready. */
static void
test_queue(struct store *st, const char *id, const char *payload, time_t ready)
{
	struct store_outbox_entry e;
	char *cause = NULL;

	memset(&e, 0, sizeof e);
	e.delivery_id = id;
	e.channel = "hook";
	e.route = "all";
	e.payload = payload;
	e.created = ready;
	e.ready_at = ready;
	ck_assert_msg(store_outbox_insert(st, &e, &cause) == 1, "%s", cause);
}

/* Write one ledger row of bug and its delivery: an evaluation's writes. */
static void
test_decide(struct store *st, int64_t bug, const char *id)
{
	struct store_alert a;
	char *cause = NULL;

	memset(&a, 0, sizeof a);
	a.id = id;
	a.bug_id = bug;
	a.kind = "initial-report";
	a.started_at = 1000;
	a.due = 2000;
	a.state = "overdue";
	a.level = 1;
	a.route = "all";
	a.created = 3000;
	ck_assert_msg(store_alert_insert(st, &a, &cause) == 1, "%s", cause);
	test_queue(st, id, "{}", 3000);
}

/* Store comment id of bug 7: a write of the bug mirror. */
static void
test_mirror(struct store *st, int64_t id)
{
	static char creator[] = "ca@example.com", text[] = "mirrored";
	struct comment c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.id = id;
	c.bug_id = 7;
	c.creator = creator;
	c.time = 1000;
	c.text = text;
	ck_assert_msg(store_put_comment(st, &c, &cause) == 0, "%s", cause);
}

START_TEST(test_decisions_full)
{
	struct store *st = test_open();
	char *cause = NULL;

	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	test_decide(st, 1, "a1");
	nsync = 0;
	ck_assert_msg(store_end(st, 0, &cause) == 0, "%s", cause);
	/* The commit synced the WAL: a power loss cannot take it back. */
	ck_assert_int_ge(nsync, 1);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	/* A rolled-back one leaves the level as it was. */
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	test_decide(st, 2, "a2");
	store_rollback(st);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	store_close(st);
}
END_TEST

START_TEST(test_marks_full)
{
	struct store *st = test_open();
	static char overdue[] = "overdue";
	struct store_alert_clock k;
	char *cause = NULL;

	test_decide(st, 1, "a1");
	test_decide(st, 2, "a2");
	test_decide(st, 3, "a3");
	/* Each write outside a transaction commits alone, synced. */
	nsync = 0;
	ck_assert_msg(
	    store_outbox_claim(st, 1, 4000, &cause) == 0, "%s", cause);
	ck_assert_int_ge(nsync, 1);
	nsync = 0;
	ck_assert_msg(
	    store_outbox_mark_sent(st, 1, "sent", 4000, 1, &cause) == 0, "%s",
	    cause);
	ck_assert_int_ge(nsync, 1);
	nsync = 0;
	ck_assert_msg(
	    store_outbox_mark_retry(st, 2, 1, 5000, "503", &cause) == 0, "%s",
	    cause);
	ck_assert_int_ge(nsync, 1);
	nsync = 0;
	ck_assert_msg(
	    store_outbox_mark_dead(st, 3, 2, "404", &cause) == 0, "%s", cause);
	ck_assert_int_ge(nsync, 1);
	nsync = 0;
	ck_assert_msg(
	    store_snooze_put(st, 1, "", 9000, "vacation", 4000, &cause) == 0,
	    "%s", cause);
	ck_assert_int_ge(nsync, 1);
	/* The ack of a clock notified overdue. */
	memset(&k, 0, sizeof k);
	k.notified_state = overdue;
	k.notified_level = 1;
	k.notified_at = 3000;
	ck_assert_msg(store_alert_clock_put(st, 2, "initial-report", 1000, 2000,
			  "overdue", 1, &k, 3000, "{}", &cause) == 0,
	    "%s", cause);
	nsync = 0;
	ck_assert_msg(
	    store_ack_put(st, 2, NULL, 4000, &cause) == 1, "%s", cause);
	ck_assert_int_ge(nsync, 1);
	nsync = 0;
	ck_assert_msg(store_snooze_drop(st, 1, "", &cause) == 1, "%s", cause);
	ck_assert_int_ge(nsync, 1);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	store_close(st);
}
END_TEST

START_TEST(test_bulk_normal)
{
	struct store *st = test_open();
	char *cause = NULL;

	/* A first durable commit, so that the bulk one finds a WAL. */
	test_decide(st, 1, "a1");
	ck_assert_msg(store_begin_bulk(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(sync_level(st), SYNC_NORMAL);
	test_mirror(st, 100);
	nsync = 0;
	ck_assert_msg(store_end(st, 0, &cause) == 0, "%s", cause);
	/* The mirror's commit did not sync; the connection is FULL again. */
	ck_assert_int_eq(nsync, 0);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	nsync = 0;
	ck_assert_msg(
	    store_outbox_mark_sent(st, 1, "sent", 4000, 1, &cause) == 0, "%s",
	    cause);
	ck_assert_int_ge(nsync, 1);
	/* After a rollback too. */
	ck_assert_msg(store_begin_bulk(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(sync_level(st), SYNC_NORMAL);
	test_mirror(st, 101);
	store_rollback(st);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	/* A bulk one that cannot begin (one is open) changes nothing. */
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(store_begin_bulk(st, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "begin"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	test_decide(st, 2, "a2");
	nsync = 0;
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	ck_assert_int_ge(nsync, 1);
	store_close(st);
}
END_TEST

START_TEST(test_relaxed_restored)
{
	struct store *st = test_open();
	char *cause = NULL;

	test_decide(st, 1, "a1");
	/* As if a bulk transaction's end had failed to restore FULL. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
			     "PRAGMA synchronous = NORMAL", NULL, NULL, NULL),
	    SQLITE_OK);
	st->sync_relaxed = 1;
	nsync = 0;
	ck_assert_msg(
	    store_outbox_mark_sent(st, 1, "sent", 4000, 1, &cause) == 0, "%s",
	    cause);
	ck_assert_int_ge(nsync, 1);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	ck_assert_int_eq(st->sync_relaxed, 0);
	/* And a transaction begun then is FULL. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
			     "PRAGMA synchronous = NORMAL", NULL, NULL, NULL),
	    SQLITE_OK);
	st->sync_relaxed = 1;
	ck_assert_msg(store_begin(st, &cause) == 0, "%s", cause);
	ck_assert_int_eq(sync_level(st), SYNC_FULL);
	test_decide(st, 2, "a2");
	ck_assert_msg(store_commit(st, &cause) == 0, "%s", cause);
	store_close(st);
}
END_TEST

/* A due row that cannot be read fails the page, which leaves nothing. */
START_TEST(test_outbox_due_fails)
{
	struct store *st = test_open();
	struct store_outbox_row *rows;
	char big[2001], *cause = NULL;
	size_t n, i;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	test_queue(st, "d1", "{}", 100);
	test_queue(st, "d2", "{}", 200);
	test_queue(st, "d3", big, 300);
	/* Texts past 1000 bytes are too big: the third row fails. */
	sqlite3_limit(store_sqlite(st), SQLITE_LIMIT_LENGTH, 1000);
	rows = (void *)&n; /* not NULL before the call */
	n = 9;
	ck_assert_int_eq(
	    store_outbox_due(st, 1000, 0, 0, 10, &rows, &n, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "read the outbox"));
	ck_assert_ptr_null(rows);
	ck_assert_uint_eq(n, 0);
	free(cause);
	cause = NULL;
	/* The store reads on once the row fits. */
	sqlite3_limit(store_sqlite(st), SQLITE_LIMIT_LENGTH, 1000000);
	ck_assert_msg(
	    store_outbox_due(st, 1000, 0, 0, 10, &rows, &n, &cause) == 0, "%s",
	    cause);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(rows[0].delivery_id, "d1");
	ck_assert_uint_eq(strlen(rows[2].payload), sizeof big - 1);
	for (i = 0; i < n; i++)
		store_outbox_row_clear(&rows[i]);
	free(rows);
	store_close(st);
}
END_TEST

/* The suite. */
static Suite *
durable_suite(void)
{
	Suite *s = suite_create("store_durable");
	TCase *tc = tcase_create("durable");

	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_decisions_full);
	tcase_add_test(tc, test_marks_full);
	tcase_add_test(tc, test_bulk_normal);
	tcase_add_test(tc, test_relaxed_restored);
	tcase_add_test(tc, test_outbox_due_fails);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner *sr;
	int failed;

	vfs_fixture_register("ccwatch-test-sync-count", count_patch);
	sr = srunner_create(durable_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
