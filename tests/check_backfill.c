/*
 * Tests of the backfill against the fake Bugzilla and an SQLite file: the
 * requests it makes (the floor: the search pages of the resolved bugs,
 * then comments and history per batch of 100), a run interrupted by a
 * failing server and resumed (no bug fetched twice, none missed), --since,
 * and a second run that finds nothing left to fetch.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backfill.h"
#include "bugzilla.h"
#include "fakebz.h"
#include "store.h"
#include "store_record.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define T0   1700000000
#define ROOT "bwilson@mozilla.com"
#define REP  "rep@ca.example"
/* Bugs of the fake: NBUGS, of which the first NRESOLVED are resolved. */
#define NBUGS     250
#define NRESOLVED 230
#define PAGE      100

static struct fakebz *fb;
static struct bugzilla *bz;
static struct store *st;
static char *dir;
static struct strlist products, components;
static struct backfill_options bo;
static int64_t ids[NBUGS];

/* Start the client against the fake, retries as given. */
static void
client(int retries)
{
	struct bugzilla_options o;
	char *cause = NULL;

	bugzilla_free(bz);
	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.http.timeout = 5;
	o.http.connect_timeout = 2;
	o.retries = retries;
	o.retry_base_ms = 1;
	o.retry_max_ms = 2;
	o.page_size = PAGE;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
}

/* A fake with NBUGS bugs, two comments each, the first NRESOLVED closed. */
static void
setup(void)
{
	char *cause = NULL, *path, summary[64];
	int i;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	fakebz_set_now(fb, T0);
	timeutil_set_now(T0);
	for (i = 0; i < NBUGS; i++) {
		snprintf(summary, sizeof summary, "CA%d: incident", i);
		ids[i] = fakebz_add_bug(fb, "CA Program",
		    "CA Certificate Compliance", summary, REP, "Report.");
		ck_assert_int_gt(ids[i], 0);
		ck_assert_int_gt(
		    fakebz_add_comment(fb, ids[i], ROOT, "Why?", 0), 0);
		if (i < NRESOLVED)
			ck_assert_int_eq(fakebz_set_status(fb, ids[i], ROOT,
					     "RESOLVED", "FIXED"),
			    0);
	}
	memset(&products, 0, sizeof products);
	memset(&components, 0, sizeof components);
	strlist_add(&products, "CA Program");
	strlist_add(&components, "CA Certificate Compliance");
	client(0);
	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/ccwatch.db", dir);
	st = store_open(path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	free(path);
	memset(&bo, 0, sizeof bo);
	bo.products = &products;
	bo.components = &components;
}

/* Tear everything down. */
static void
teardown(void)
{
	store_close(st);
	bugzilla_free(bz);
	bz = NULL;
	fakebz_stop(fb);
	testutil_rmdir(dir);
	free(dir);
	strlist_free(&products);
	strlist_free(&components);
	timeutil_set_now(0);
}

/* Run a backfill; returns its rc and fills *p. */
static int
run(struct backfill_progress *p, char **cause)
{
	return backfill_run(bz, st, &bo, p, cause);
}

/* The number of bugs of ids[0..n) with stored comments. */
static int
with_thread(int n)
{
	char *cause = NULL;
	time_t last;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		ck_assert(
		    store_last_comment_time(st, ids[i], &last, &cause) == 0);
		k += last != 0;
	}
	return k;
}

START_TEST(test_floor)
{
	struct backfill_progress p;
	char *cause = NULL;

	fakebz_reset_counts(fb);
	ck_assert_msg(run(&p, &cause) == 0, "%s", cause);
	/* 3 search pages (100, 100, 30), then 3 batches of two calls. */
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 3 + 2 * 3);
	ck_assert_uint_eq(p.requests, 9);
	ck_assert_int_eq(p.total, NRESOLVED);
	ck_assert_int_eq(p.done, NRESOLVED);
	ck_assert(p.finished);
	ck_assert_int_eq(with_thread(NRESOLVED), NRESOLVED);
	/* The open bugs are the poll's, never the backfill's. */
	ck_assert_int_eq(with_thread(NBUGS) - NRESOLVED, 0);

	/* Again: a new search finds every thread stored, fetches nothing. */
	fakebz_reset_counts(fb);
	ck_assert_msg(run(&p, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 3);
	ck_assert_int_eq(p.total, 0);
}
END_TEST

/* Count, per bug id, the successful batch requests of kind in a log. */
static void
count_fetches(const char *log, const char *kind, int *per_bug)
{
	char line[8192], *p, *q;
	FILE *f = fopen(log, "r");
	long long id;
	int i;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, kind) == NULL || strstr(line, " 200 ") == NULL)
			continue;
		/* The first bug is the path's, the others are ids=. */
		p = strstr(line, "/rest/bug/") + strlen("/rest/bug/");
		id = strtoll(p, NULL, 10);
		for (i = 0; i < NBUGS; i++)
			per_bug[i] += ids[i] == id;
		for (p = strstr(line, "ids="); p != NULL;
		     p = strstr(p, "ids=")) {
			p += 4;
			id = strtoll(p, &q, 10);
			for (i = 0; i < NBUGS; i++)
				per_bug[i] += ids[i] == id;
			p = q;
		}
	}
	fclose(f);
}

START_TEST(test_interrupted_and_resumed)
{
	struct backfill_progress p;
	struct backfill_cursor cur;
	char *cause = NULL, *log, prefix[64];
	int comments[NBUGS], history[NBUGS], i;

	xasprintf(&log, "%s/requests.log", dir);
	ck_assert(fakebz_log_requests(fb, log, &cause) == 0);
	/* The history of the second batch fails: the run stops there. */
	snprintf(prefix, sizeof prefix, "/rest/bug/%lld/history",
	    (long long)ids[PAGE]);
	fakebz_fault(fb, prefix, FAKEBZ_FAULT_500, 1);
	fakebz_reset_counts(fb);
	ck_assert_int_eq(run(&p, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 3 + 2 + 2);
	ck_assert_int_eq(p.done, PAGE);
	ck_assert_int_eq(with_thread(NRESOLVED), PAGE);
	ck_assert(store_backfill_get(st, &cur, &cause) == 0);
	ck_assert(cur.search_done);
	ck_assert_int_eq(cur.finished_at, 0);
	ck_assert_int_eq(cur.requests, 7);

	/* Resumed: no new search, only the two batches left. */
	fakebz_reset_counts(fb);
	ck_assert_msg(run(&p, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 2 * 2);
	ck_assert_int_eq(p.done, NRESOLVED);
	ck_assert_int_eq(with_thread(NRESOLVED), NRESOLVED);
	ck_assert(store_backfill_get(st, &cur, &cause) == 0);
	ck_assert_int_eq(cur.requests, 11);
	ck_assert_int_ne(cur.finished_at, 0);
	fakebz_log_requests(fb, NULL, &cause);

	/* Each resolved bug's thread was stored once: one good comments and
	 * one good history request named it (the failed batch's comments
	 * were fetched again with its history). */
	memset(comments, 0, sizeof comments);
	memset(history, 0, sizeof history);
	count_fetches(log, "/comment?", comments);
	count_fetches(log, "/history?", history);
	for (i = 0; i < NRESOLVED; i++) {
		ck_assert_int_eq(history[i], 1);
		ck_assert_int_eq(
		    comments[i], i >= PAGE && i < 2 * PAGE ? 2 : 1);
	}
	for (; i < NBUGS; i++)
		ck_assert_int_eq(comments[i] + history[i], 0);
	free(log);
}
END_TEST

/* Hold the backfill back for the first call only. */
static int
hold_once(void *arg)
{
	int *calls = arg;

	return (*calls)++ == 0;
}

START_TEST(test_since)
{
	struct backfill_progress p;
	char *cause = NULL;
	int calls = 0;

	/* Only the bugs changed since T0 + 1 hour: the one closed then. */
	fakebz_set_now(fb, T0 + 7200);
	ck_assert_int_eq(
	    fakebz_set_status(fb, ids[NBUGS - 1], ROOT, "RESOLVED", "FIXED"),
	    0);
	bo.since = T0 + 3600;
	/* A pause, and a poll that holds the first request back. */
	bo.pause_ms = 1;
	bo.hold = hold_once;
	bo.arg = &calls;
	fakebz_reset_counts(fb);
	ck_assert_msg(run(&p, &cause) == 0, "%s", cause);
	ck_assert_int_ge(calls, 4);
	ck_assert_int_eq(p.total, 1);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 1 + 2);
	ck_assert_int_eq(with_thread(NBUGS), 1);
}
END_TEST

/* The suite. */
static Suite *
backfill_suite(void)
{
	Suite *s = suite_create("backfill");
	TCase *tc = tcase_create("backfill");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_floor);
	tcase_add_test(tc, test_interrupted_and_resumed);
	tcase_add_test(tc, test_since);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(backfill_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
