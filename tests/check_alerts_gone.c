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
#include "config.h"
#include "log.h"
#include "notify.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_int.h" /* the ledger read as rows */
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define H 3600
#define D 86400
/* 2026-01-05T16:00:00Z, a Monday: policy 3.1, 17:00 in Berlin. */
#define T0       ((time_t)1767628800)
#define CA_LOGIN "compliance@example-ca.test"
#define SELF     "ccwatch-bot@example-ca.test"

static char *test_dir;
static char *test_path;
static struct store *test_st;
static struct people test_people;
static struct policy_options test_opts;
static struct config_alerts test_cfg;
static struct alerts *test_al;
static int64_t test_next_comment = 1000;

/* A fresh directory, store, people and an empty configuration. */
static void
setup(void)
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
	ca = people_add_ca(&test_people, "Other CA");
	strlist_add(&ca->domains, "other-ca.test");
	people_set_self(&test_people, SELF);
	policy_options_defaults(&test_opts);
	config_alerts_init(&test_cfg);
	test_al = NULL;
	timeutil_set_now(T0);
}

/* Free everything setup made. */
static void
teardown(void)
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
static struct config_route *
add_route(const char *name, const char *channel, const char *kind)
{
	struct config_route *r = config_add_route(&test_cfg, name);

	strlist_add(&r->channels, channel);
	if (kind != NULL)
		strlist_add(&r->clocks, kind);
	return r;
}

/* Make the runtime with record channels of the given names. */
static struct notifier *
start(const char *channel)
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
static void
put_bug(int64_t id, const char *ca, const char *domain, time_t t)
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
	ck_assert_msg(store_put_bug(test_st, &b, &cause) == 0, "%s", cause);
	c.id = test_next_comment++;
	c.bug_id = id;
	c.count = 0;
	c.creator = xstrdup("reporter@community.test");
	c.time = t;
	c.text = xstrdup("Something went wrong.");
	ck_assert_msg(store_put_comment(test_st, &c, &cause) == 0, "%s", cause);
	model_comment_free(&c);
	model_bug_free(&b);
}

/* Store a comment on bug by who at t. */
static void
put_comment(int64_t bug, const char *who, time_t t, const char *text)
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
static struct alerts_stats
cycle(time_t t)
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
static struct notifier *
restart(const char *channel)
{
	char *cause = NULL;

	alerts_free(test_al);
	test_al = NULL;
	store_close(test_st);
	test_st = store_open(test_path, &cause);
	ck_assert_msg(test_st != NULL, "%s", cause);
	return start(channel);
}

/* A number from the store. */
static long long
query(const char *sql)
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
static void
assert_rec(
    struct notifier *n, size_t i, int64_t bug, const char *state, int level)
{
	const struct notify_record *r = notify_record_get(n, i);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->digest, 0);
	ck_assert_int_eq(r->bug_id, bug);
	ck_assert_str_eq(r->state, state);
	ck_assert_int_eq(r->level, level);
}

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

	add_route("all", "rec", "initial-report");
	n = start("rec");
	put_bug(1, "Example CA", "example-ca.test", T0);
	put_bug(2, "Example CA", "example-ca.test", T0);
	cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	assert_rec(n, 0, 1, "overdue", 1);
	ck_assert_int_eq(
	    store_set_bug_gone(test_st, 1,
		"moved to CA Program :: CA Security Vulnerability", &cause),
	    0);
	cycle(T0 + 74 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	assert_rec(n, 2, 1, "met", 1);
	ck_assert_int_eq(outbox_with("all",
			     "the bug moved to CA Program :: CA Security "
			     "Vulnerability"),
	    1);
	/* Nothing more: the bug is no longer evaluated. */
	cycle(T0 + 200 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	(void)restart;
	(void)put_comment;
}
END_TEST

START_TEST(test_hidden_bug_noted_to_private_routes)
{
	struct notifier *team, *inside;
	struct config_route *r;
	char *cause = NULL;

	add_route("team", "rec", "initial-report");
	r = add_route("insiders", "esc", "initial-report");
	r->private_data = 1;
	team = start("rec");
	inside = start("esc");
	put_bug(1, "Example CA", "example-ca.test", T0);
	cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	ck_assert_uint_eq(notify_record_count(inside), 1);
	ck_assert_int_eq(store_set_bug_gone(test_st, 1, "hidden", &cause), 0);
	cycle(T0 + 74 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	ck_assert_uint_eq(notify_record_count(inside), 2);
	assert_rec(inside, 1, 1, "met", 1);
	ck_assert_int_eq(outbox_with("insiders", "no longer visible"), 1);
	ck_assert_int_eq(outbox_with("team", "no longer visible"), 0);
	/*
	 * Visible again, it is evaluated again: its overdue deadline is a new
	 * episode after the note, alerted once.
	 */
	ck_assert_int_eq(store_set_bug_gone(test_st, 1, "", &cause), 0);
	cycle(T0 + 75 * H);
	ck_assert_int_eq(query("SELECT count(*) > 0 FROM alert_clocks"
			       " WHERE bug_id = 1 AND seen_at = 1767898800"),
	    1);
	ck_assert_uint_eq(notify_record_count(team), 2);
	assert_rec(team, 1, 1, "overdue", 1);
	cycle(T0 + 76 * H);
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

	add_route("all", "rec", "initial-report");
	n = start("rec");
	put_bug(1, "Example CA", "example-ca.test", T0);
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
	ck_assert_int_eq(query("SELECT count(*) FROM outbox"
			       " WHERE status = 'pending'"),
	    1);
	/* Space again: the mark goes in first, nothing is sent again. */
	exec_other("DROP TRIGGER full");
	cycle(T0 + 75 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(query("SELECT count(*) FROM outbox"
			       " WHERE status = 'sent' AND attempts = 1"),
	    1);
	cycle(T0 + 76 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
}
END_TEST

static Suite *
alerts_gone_suite(void)
{
	Suite *s = suite_create("alerts of gone bugs");
	TCase *tc;

	tc = tcase_create("gone");
	tcase_add_checked_fixture(tc, setup, teardown);
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
