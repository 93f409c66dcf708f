/*
 * The fixture the poll-cycle test programs share: an empty fake Bugzilla,
 * a client with quick retries, a store on disk, and helpers that set the
 * clocks, add bugs and run a cycle that must succeed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync_fixture.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

struct fakebz *fb;
struct bugzilla *bz;
const char *api_key;
struct store *st;
char *dir;
struct strlist products, components;
struct sync_options so;

void
sfix_setup(void)
{
	struct bugzilla_options o;
	char *cause = NULL, *path;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	memset(&products, 0, sizeof products);
	memset(&components, 0, sizeof components);
	strlist_add(&products, "CA Program");
	strlist_add(&products, "NSS");
	strlist_add(&components, "CA Certificate Compliance");
	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.api_key = api_key;
	o.http.timeout = 5;
	o.http.connect_timeout = 2;
	o.retries = 2;
	o.retry_base_ms = 1;
	o.retry_max_ms = 2;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/ccwatch.db", dir);
	st = store_open(path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	free(path);
	memset(&so, 0, sizeof so);
	so.products = &products;
	so.components = &components;
}

/* Tear everything down. */
void
sfix_teardown(void)
{
	store_close(st);
	bugzilla_free(bz);
	fakebz_stop(fb);
	testutil_rmdir(dir);
	free(dir);
	strlist_free(&products);
	strlist_free(&components);
	timeutil_set_now(0);
}

/* Set both clocks, the fake's and ours. */
void
sfix_at(time_t t)
{
	fakebz_set_now(fb, t);
	timeutil_set_now(t);
}

/* Add n open compliance bugs at the current time. */
void
sfix_add_bugs(int n)
{
	char summary[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(summary, sizeof summary, "CA%d: incident", i);
		ck_assert_int_gt(fakebz_add_bug(fb, "CA Program",
				     "CA Certificate Compliance", summary, REP,
				     "Preliminary report."),
		    0);
	}
}

/* Run one cycle that must succeed and return its stats. */
struct sync_stats
sfix_cycle(void)
{
	struct sync_stats stats;
	char *cause = NULL;

	fakebz_reset_counts(fb);
	ck_assert_msg(
	    sync_run(bz, st, &so, &stats, &cause) == 0, "sync: %s", cause);
	ck_assert_uint_eq(stats.requests, fakebz_requests(fb, NULL));
	return stats;
}

/* Number of stored comments. */
long long
sfix_stored_comments(void)
{
	struct store_counts c;
	char *cause = NULL;

	ck_assert_int_eq(store_counts(st, &c, &cause), 0);
	return c.comments;
}
