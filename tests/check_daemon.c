/*
 * Tests of the daemon's cycle without a network: the sync step is
 * replaced through the seam of daemon_int.h, the loop is turned by hand.
 * One evaluation per cycle, stops during a step, reloads and polls that
 * arrive during a cycle, the cursor reset of a new query, and the hold of
 * Bugzilla's Retry-After on the cycles and on the backfill.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon.h"
#include "daemon_int.h"
#include "testutil.h"
#include "xmalloc.h"

static char *dir, *conf_path;
static sd_event *event;
static struct daemon *d;

/* The fake sync step: how often it was started and cancelled. */
static int sync_started, sync_cancelled, sync_hold;
static sd_event_source *sync_done_src;
static int sync_token;

/* Finish the fake sync on a later turn of the loop. */
static int
fake_sync_done(sd_event_source *s, void *arg)
{
	struct sync_stats stats;

	sync_done_src = sd_event_source_disable_unref(sync_done_src);
	memset(&stats, 0, sizeof stats);
	stats.requests = 2;
	daemon_synced(d, 0, &stats, NULL);
	return 0;
}

/* The seam's start: completes on the next turn unless held. */
static void *
fake_sync_start(struct daemon *dd, char **cause)
{
	sync_started++;
	if (!sync_hold)
		ck_assert_int_ge(sd_event_add_defer(event, &sync_done_src,
				     fake_sync_done, NULL),
		    0);
	return &sync_token;
}

/* The seam's cancel. */
static void
fake_sync_cancel(struct daemon *dd, void *cycle)
{
	ck_assert_ptr_eq(cycle, &sync_token);
	sync_cancelled++;
	sync_done_src = sd_event_source_disable_unref(sync_done_src);
}

/* Write the configuration with components. */
static void
write_conf(const char *components)
{
	char *text;

	xasprintf(&text,
	    "[bugzilla]\nurl = http://127.0.0.1:9\ncomponents = %s\n"
	    "[store]\npath = %s/ccwatch.db\n[feed]\ndirectory = %s\n",
	    components, dir, dir);
	testutil_write_file(conf_path, text);
	free(text);
}

/* A daemon on a loop of the test's own, its sync faked. */
static void
setup(void)
{
	struct config *c;
	char *cause = NULL;

	dir = testutil_mkdtemp();
	xasprintf(&conf_path, "%s/ccwatch.conf", dir);
	write_conf("CA Certificate Compliance");
	c = config_load(conf_path, &cause);
	ck_assert_msg(c != NULL, "%s", cause);
	ck_assert_int_ge(sd_event_new(&event), 0);
	d = daemon_new(conf_path, c, event, &cause);
	ck_assert_msg(d != NULL, "%s", cause);
	d->seam.sync_start = fake_sync_start;
	d->seam.sync_cancel = fake_sync_cancel;
	sync_started = sync_cancelled = sync_hold = 0;
}

/* Free everything. */
static void
teardown(void)
{
	daemon_free(d);
	sd_event_unref(event);
	testutil_rmdir(dir);
	free(conf_path);
	free(dir);
}

/* Turn the loop until cond holds, at most a bounded number of turns. */
#define TURN_UNTIL(cond)                                                       \
	do {                                                                   \
		int turns_;                                                    \
		for (turns_ = 0; !(cond) && turns_ < 1000; turns_++)           \
			ck_assert_int_ge(sd_event_run(event, 100000), 0);      \
		ck_assert_msg(cond, "not reached: %s", #cond);                 \
	} while (0)

START_TEST(test_one_evaluation_per_cycle)
{
	struct stat sb;
	char *path;

	daemon_cycle_start(d);
	ck_assert_int_eq(d->state, DAEMON_SYNC);
	TURN_UNTIL(d->counts.cycles == 1);
	ck_assert_int_eq(d->state, DAEMON_IDLE);
	ck_assert_uint_eq(d->counts.evaluations, 1);
	xasprintf(&path, "%s/feed.json", dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	free(path);
	ck_assert_ptr_nonnull(d->snap);
	daemon_cycle_start(d);
	TURN_UNTIL(d->counts.cycles == 2);
	ck_assert_uint_eq(d->counts.evaluations, 2);
	ck_assert_int_eq(sync_started, 2);
	ck_assert_int_eq(d->counters.cycles_ok, 2);
}
END_TEST

START_TEST(test_stop_during_sync)
{
	sync_hold = 1;
	daemon_cycle_start(d);
	ck_assert_int_ge(sd_event_run(event, 10000), 0);
	ck_assert_int_eq(d->state, DAEMON_SYNC);
	daemon_stop(d);
	ck_assert_int_eq(sync_cancelled, 1);
	ck_assert_ptr_null(d->sync);
	ck_assert_uint_eq(d->counts.evaluations, 0);
	/* Nothing more happens after a stop. */
	ck_assert_int_ge(sd_event_run(event, 10000), 0);
	ck_assert_uint_eq(d->counts.cycles, 0);
}
END_TEST

START_TEST(test_reload_and_poll_wait_for_the_cycle)
{
	sync_hold = 1;
	daemon_cycle_start(d);
	daemon_reload(d);
	daemon_poll(d);
	ck_assert_uint_eq(d->counts.reloads, 0);
	ck_assert_int_eq(d->reload_pending, 1);
	ck_assert_int_eq(d->poll_pending, 1);
	/* The sync ends: the cycle finishes, then the reload, then the poll. */
	sync_hold = 0;
	daemon_synced(
	    d, 0, &(struct sync_stats){.requests = 2, .bugs_seen = 0}, NULL);
	TURN_UNTIL(d->counts.cycles == 1);
	ck_assert_uint_eq(d->counts.reloads, 1);
	ck_assert_uint_eq(d->counts.evaluations, 1);
	TURN_UNTIL(sync_started == 2);
	TURN_UNTIL(d->counts.cycles == 2);
}
END_TEST

START_TEST(test_new_query_resets_the_cursor)
{
	struct store_cursor cur;
	char *cause = NULL;

	memset(&cur, 0, sizeof cur);
	cur.db_time = 1700000000;
	cur.last_full = 1700000000;
	ck_assert_int_eq(store_set_cursor(d->store, &cur, &cause), 0);
	d->first = 0;
	/* The same query: the cursor stays, and no cycle starts. */
	daemon_reload(d);
	ck_assert_uint_eq(d->counts.reloads, 1);
	ck_assert_uint_eq(d->counts.resets, 0);
	ck_assert_int_ge(sd_event_run(event, 10000), 0);
	ck_assert_int_eq(sync_started, 0);
	/* A new component: reset, and a full cycle starts at once. */
	write_conf("CA Certificate Compliance, Other Compliance");
	daemon_reload(d);
	ck_assert_uint_eq(d->counts.reloads, 2);
	ck_assert_uint_eq(d->counts.resets, 1);
	ck_assert_int_eq(d->first, 1);
	ck_assert_int_eq(store_get_cursor(d->store, &cur, &cause), 0);
	ck_assert_int_eq(cur.db_time, 0);
	ck_assert_int_eq(cur.last_full, 0);
	store_cursor_free(&cur);
	ck_assert_uint_eq(d->conf->components.n, 2);
	TURN_UNTIL(d->counts.cycles == 1);
	ck_assert_int_eq(sync_started, 1);
}
END_TEST

START_TEST(test_new_query_during_a_cycle)
{
	/* A reload that waited for the cycle's end still polls at once. */
	sync_hold = 1;
	daemon_cycle_start(d);
	write_conf("Other Compliance");
	daemon_reload(d);
	ck_assert_int_eq(d->reload_pending, 1);
	daemon_synced(d, 0, &(struct sync_stats){.requests = 2}, NULL);
	TURN_UNTIL(d->counts.cycles == 1);
	ck_assert_uint_eq(d->counts.resets, 1);
	sync_hold = 0;
	TURN_UNTIL(sync_started == 2);
	ck_assert_int_eq(d->first, 1);
}
END_TEST

START_TEST(test_stop_between_steps)
{
	/* The sync ended; the evaluation waits for its turn; a stop. */
	daemon_cycle_start(d);
	TURN_UNTIL(d->state == DAEMON_EVALUATE);
	ck_assert_ptr_nonnull(d->step);
	daemon_stop(d);
	ck_assert_ptr_null(d->step);
	ck_assert_int_ge(sd_event_run(event, 10000), 0);
	ck_assert_uint_eq(d->counts.evaluations, 0);
	ck_assert_uint_eq(d->counts.cycles, 0);
}
END_TEST

START_TEST(test_retry_after_holds_every_cycle)
{
	uint64_t now, at;

	/* Bugzilla asked for an hour: a poll, a reload's, waits for it. */
	ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &now), 0);
	d->not_before = now + 3600ULL * 1000000ULL;
	daemon_poll(d);
	ck_assert_int_ge(sd_event_source_get_time(d->timer, &at), 0);
	ck_assert_uint_ge(at, d->not_before);
	ck_assert_int_ge(sd_event_run(event, 10000), 0);
	ck_assert_int_eq(sync_started, 0);
	/* Once it has passed, a poll is at once again. */
	d->not_before = now;
	daemon_poll(d);
	TURN_UNTIL(d->counts.cycles == 1);
	ck_assert_int_eq(sync_started, 1);
}
END_TEST

/*
 * The backfill sends nothing while a cycle runs or Bugzilla's Retry-After
 * runs, and goes on once both are over.
 */
START_TEST(test_backfill_waits)
{
	uint64_t now;

	ck_assert_int_eq(daemon_backfill_hold(d), 0);
	ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &now), 0);
	d->not_before = now + 3600ULL * 1000000ULL;
	ck_assert_int_eq(daemon_backfill_hold(d), 1);
	d->not_before = now;
	ck_assert_int_eq(daemon_backfill_hold(d), 0);
	sync_hold = 1;
	daemon_poll(d);
	TURN_UNTIL(sync_started == 1);
	ck_assert_int_eq(daemon_backfill_hold(d), 1);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("cycle");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_evaluation_per_cycle);
	tcase_add_test(tc, test_stop_during_sync);
	tcase_add_test(tc, test_reload_and_poll_wait_for_the_cycle);
	tcase_add_test(tc, test_new_query_resets_the_cursor);
	tcase_add_test(tc, test_new_query_during_a_cycle);
	tcase_add_test(tc, test_stop_between_steps);
	tcase_add_test(tc, test_retry_after_holds_every_cycle);
	tcase_add_test(tc, test_backfill_waits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(daemon_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
