/*
 * The fixture the alerts test programs share: a store on disk, people,
 * an alerts configuration and runtime with record channels, and helpers
 * that store bugs and comments, run cycles and read the store.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "alerts_fixture.h"
#include "notify_record.h"
#include "store_int.h" /* the ledger read as rows */
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

char *test_dir;
char *test_path;
struct store *test_st;
struct people test_people;
struct policy_options test_opts;
struct config_alerts test_cfg;
struct alerts *test_al;
int64_t test_next_comment = 1000;

/* A fresh directory, store, people with Example CA, an empty configuration. */
void
afix_setup(void)
{
	char *cause = NULL;
	struct people_ca *ca;

	test_dir = testutil_mkdtemp();
	xasprintf(&test_path, "%s/ccwatch.db", test_dir);
	test_st = store_open(test_path, &cause);
	ck_assert_msg(test_st != NULL, "%s", cause);
	people_defaults(&test_people);
	ca = people_add_ca(&test_people, "Example CA");
	strlist_add(&ca->domains, "example-ca.test");
	policy_options_defaults(&test_opts);
	config_alerts_init(&test_cfg);
	test_al = NULL;
	timeutil_set_now(T0);
}

/* As afix_setup, with Other CA too and ccwatch's own account. */
void
afix_setup_two(void)
{
	struct people_ca *ca;

	afix_setup();
	ca = people_add_ca(&test_people, "Other CA");
	strlist_add(&ca->domains, "other-ca.test");
	people_set_self(&test_people, SELF);
}

/* Free everything setup made. */
void
afix_teardown(void)
{
	alerts_free(test_al);
	config_alerts_free(&test_cfg);
	people_free(&test_people);
	store_close(test_st);
	testutil_rmdir(test_dir);
	free(test_path);
	free(test_dir);
	timeutil_set_now(0);
}

/* A route to the given channel, for one clock kind (NULL: all). */
struct config_route *
afix_add_route(const char *name, const char *channel, const char *kind)
{
	struct config_route *r = config_add_route(&test_cfg, name);

	strlist_add(&r->channels, channel);
	if (kind != NULL)
		strlist_add(&r->clocks, kind);
	return r;
}

/* Make the runtime with record channels of the given names. */
struct notifier *
afix_start(const char *channel)
{
	char *cause = NULL;
	struct notifier *n;

	if (test_al == NULL) {
		test_al = alerts_new(&test_cfg, &cause);
		ck_assert_msg(test_al != NULL, "%s", cause);
	}
	n = notify_record_new(channel);
	alerts_set_notifier(test_al, n);
	return n;
}

/* Store a bug filed at t by a community member on CA's behalf. */
void
afix_put_bug(int64_t id, const char *ca, const char *domain, time_t t)
{
	afix_store_bug(test_st, id, ca, domain, t);
}

/* Store, in st, a bug filed at t by a community member on CA's behalf. */
void
afix_store_bug(
    struct store *st, int64_t id, const char *ca, const char *domain, time_t t)
{
	struct bug b;
	struct comment c;
	char *cause = NULL, *assignee;

	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	xasprintf(&b.summary, "%s: test incident %lld", ca, (long long)id);
	xasprintf(&assignee, "compliance@%s", domain);
	b.id = id;
	b.status = xstrdup("NEW");
	b.resolution = xstrdup("");
	b.is_open = 1;
	b.whiteboard = xstrdup("[ca-compliance]");
	b.product = xstrdup("CA Program");
	b.component = xstrdup("CA Certificate Compliance");
	b.creator = xstrdup("reporter@community.test");
	b.assigned_to = assignee;
	b.creation_time = b.last_change_time = t;
	b.comment_count = 1;
	ck_assert_msg(store_put_bug(st, &b, &cause) == 0, "%s", cause);
	c.id = test_next_comment++;
	c.bug_id = id;
	c.count = 0;
	c.creator = xstrdup("reporter@community.test");
	c.time = t;
	c.text = xstrdup("Something went wrong.");
	ck_assert_msg(store_put_comment(st, &c, &cause) == 0, "%s", cause);
	model_comment_free(&c);
	model_bug_free(&b);
}

/* Store a comment on bug by who at t. */
void
afix_put_comment(int64_t bug, const char *who, time_t t, const char *text)
{
	struct comment c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.id = test_next_comment++;
	c.bug_id = bug;
	c.count = c.id - 999;
	c.creator = xstrdup(who);
	c.time = t;
	c.text = xstrdup(text);
	ck_assert_msg(store_put_comment(test_st, &c, &cause) == 0, "%s", cause);
	model_comment_free(&c);
}

/* Evaluate and deliver at t; returns the stats. */
struct alerts_stats
afix_cycle(time_t t)
{
	struct alerts_stats s;
	char *cause = NULL;

	memset(&s, 0, sizeof s);
	timeutil_set_now(t);
	ck_assert_msg(alerts_run_cycle(test_al, test_st, &test_people,
			  &test_opts, t, &s, &cause) == 0,
	    "%s", cause);
	return s;
}

/* Close and reopen the store and the runtime, as a restart does. */
struct notifier *
afix_restart(const char *channel)
{
	char *cause = NULL;

	alerts_free(test_al);
	test_al = NULL;
	store_close(test_st);
	test_st = store_open(test_path, &cause);
	ck_assert_msg(test_st != NULL, "%s", cause);
	return afix_start(channel);
}

/* A number from the store. */
long long
afix_query(const char *sql)
{
	sqlite3_stmt *stmt;
	long long v = -1;

	ck_assert_int_eq(
	    sqlite3_prepare_v2(store_sqlite(test_st), sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Assert recorded send i is bug's alert in state at level. */
void
afix_assert_rec(
    struct notifier *n, size_t i, int64_t bug, const char *state, int level)
{
	const struct notify_record *r = notify_record_get(n, i);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->digest, 0);
	ck_assert_int_eq(r->bug_id, bug);
	ck_assert_str_eq(r->state, state);
	ck_assert_int_eq(r->level, level);
}
