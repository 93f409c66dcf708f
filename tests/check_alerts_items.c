/*
 * Tests of the alerts of action items and of what the root program owes:
 * each item's clock is an instance of its own (two items due the same day
 * alert twice), routes select them with clock = action-item, and what the
 * root program owes reaches the routes with waiting = program only, never
 * a CA's route.  An on-disk store, the record channel and the time seam.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "config.h"
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
/* 2026-01-05T16:00:00Z: policy 3.1. */
#define T0 ((time_t)1767628800)
/* The end of 2026-01-20, the items' due date. */
#define DUE      ((time_t)1768953599)
#define CA_LOGIN "compliance@example-ca.test"

static char *test_dir;
static struct store *test_st;
static struct people test_people;
static struct policy_options test_opts;
static struct config_alerts test_cfg;
static struct alerts *test_al;
static int64_t test_next_comment = 1000;

/* A fresh directory, store, people and configuration. */
static void
setup(void)
{
	char *cause = NULL, *path;
	struct people_ca *ca;

	test_dir = testutil_mkdtemp();
	xasprintf(&path, "%s/ccwatch.db", test_dir);
	test_st = store_open(path, &cause);
	free(path);
	ck_assert_msg(test_st != NULL, "%s", cause);
	people_defaults(&test_people);
	ca = people_add_ca(&test_people, "Example CA");
	strlist_add(&ca->domains, "example-ca.test");
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
	free(test_dir);
	timeutil_set_now(0);
}

/* A route to a channel. */
static struct config_route *
add_route(const char *name, const char *channel)
{
	struct config_route *r = config_add_route(&test_cfg, name);

	strlist_add(&r->channels, channel);
	return r;
}

/* A record channel of the runtime. */
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

/* Store a comment on bug 1 by who at t. */
static void
put_comment(const char *who, time_t t, const char *text)
{
	struct comment c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.id = test_next_comment++;
	c.bug_id = 1;
	c.count = c.id - 1000;
	c.creator = xstrdup(who);
	c.time = t;
	c.text = xstrdup(text);
	ck_assert_msg(store_put_comment(test_st, &c, &cause) == 0, "%s", cause);
	model_comment_free(&c);
}

/* Store Example CA's bug 1, filed by the CA at T0, with a needinfo flag. */
static void
put_bug(const char *needinfo_on, time_t ni_at)
{
	struct bug b;
	struct flag *f;
	char *cause = NULL;

	memset(&b, 0, sizeof b);
	b.id = 1;
	b.summary = xstrdup("Example CA: test incident");
	b.status = xstrdup("ASSIGNED");
	b.resolution = xstrdup("");
	b.is_open = 1;
	b.whiteboard = xstrdup("[ca-compliance]");
	b.product = xstrdup("CA Program");
	b.component = xstrdup("CA Certificate Compliance");
	b.creator = xstrdup(CA_LOGIN);
	b.assigned_to = xstrdup(CA_LOGIN);
	b.creation_time = b.last_change_time = T0;
	b.comment_count = 1;
	if (needinfo_on != NULL) {
		b.flags = f = xcalloc(1, sizeof *f);
		b.nflags = 1;
		f->id = 77;
		f->name = xstrdup("needinfo");
		f->status = '?';
		f->setter = xstrdup(CA_LOGIN);
		f->requestee = xstrdup(needinfo_on);
		f->creation_date = f->modification_date = ni_at;
	}
	ck_assert_msg(store_put_bug(test_st, &b, &cause) == 0, "%s", cause);
	model_bug_free(&b);
	put_comment(CA_LOGIN, T0, "Preliminary report.");
}

/* Evaluate and deliver at t. */
static void
cycle(time_t t)
{
	struct alerts_stats s;
	char *cause = NULL;

	memset(&s, 0, sizeof s);
	timeutil_set_now(t);
	ck_assert_msg(alerts_run_cycle(test_al, test_st, &test_people,
			  &test_opts, t, &s, &cause) == 0,
	    "%s", cause);
}

/* The recorded alerts of a clock (or waiting) kind in a state. */
static size_t
count(struct notifier *n, const char *kind, const char *state)
{
	const struct notify_record *r;
	size_t i, k = 0;

	for (i = 0; i < notify_record_count(n); i++) {
		r = notify_record_get(n, i);
		k += strcmp(r->clock, kind) == 0 &&
		    (state == NULL || strcmp(r->state, state) == 0);
	}
	return k;
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

/* Two items due the same day: two instances, two alerts, two met. */
START_TEST(test_items_are_instances)
{
	struct notifier *team, *items, *oversight;
	struct config_route *r;

	r = add_route("team", "team");
	strlist_add(&r->cas, "Example CA");
	r = add_route("items", "items");
	strlist_add(&r->clocks, "action-item");
	r = add_route("oversight", "oversight");
	r->program = 1;
	team = start("team");
	items = start("items");
	oversight = start("oversight");
	put_bug(NULL, 0);
	put_comment(CA_LOGIN, T0 + D,
	    "| Action Item | Due Date | Status |\n|---|---|---|\n"
	    "| AI-1: Add a lint | 2026-01-20 | Ongoing |\n"
	    "| AI-2: Train staff | 2026-01-20 | Ongoing |\n");
	cycle(DUE + 2 * D);
	ck_assert_uint_eq(count(items, "action-item", "due-soon"), 2);
	ck_assert_uint_eq(count(team, "action-item", "due-soon"), 2);
	ck_assert_uint_eq(notify_record_count(items), 2);
	ck_assert_int_eq(query("SELECT count(DISTINCT kind) FROM alert_clocks"
			       " WHERE kind LIKE 'action-item-%'"),
	    2);
	cycle(DUE + 3 * D + 1);
	ck_assert_uint_eq(count(items, "action-item", "overdue"), 2);
	/* One restated, one named: both met, alerted once each. */
	put_comment(CA_LOGIN, DUE + 4 * D,
	    "AI-1 and AI-2 slipped; a new plan follows.");
	cycle(DUE + 4 * D + H);
	ck_assert_uint_eq(count(items, "action-item", "met"), 2);
	cycle(DUE + 5 * D);
	ck_assert_uint_eq(notify_record_count(items), 6);
	ck_assert_uint_eq(count(oversight, "action-item", NULL), 0);
	/* The ack of --clock action-item covers every item's instance. */
	ck_assert_int_ge(
	    alerts_ack(test_st, 1, "action-item", DUE + 5 * D, NULL), 0);
}
END_TEST

/* What the root program owes goes to its queue only. */
START_TEST(test_program_queue)
{
	struct notifier *all, *team, *oversight;
	struct config_route *r;

	add_route("all", "all");
	r = add_route("team", "team");
	strlist_add(&r->cas, "Example CA");
	r = add_route("oversight", "oversight");
	r->program = 1;
	all = start("all");
	team = start("team");
	oversight = start("oversight");
	put_bug("bwilson@mozilla.com", T0 + D);
	cycle(T0 + 7 * D);
	ck_assert_uint_eq(count(oversight, "program-needinfo", NULL), 0);
	cycle(T0 + 8 * D + 1);
	ck_assert_uint_eq(count(oversight, "program-needinfo", "overdue"), 1);
	ck_assert_uint_eq(notify_record_count(oversight), 1);
	ck_assert_str_eq(notify_record_get(oversight, 0)->ca, "Example CA");
	ck_assert_uint_eq(count(all, "program-needinfo", NULL), 0);
	ck_assert_uint_eq(count(team, "program-needinfo", NULL), 0);
	ck_assert_uint_gt(notify_record_count(all), 0);
	/* No repeat of the same state; met once it goes away. */
	cycle(T0 + 9 * D);
	ck_assert_uint_eq(notify_record_count(oversight), 1);
}
END_TEST

/* A route with waiting = program takes no ca; waiting takes two words. */
START_TEST(test_config)
{
#define MAIL                                                                   \
	"[channel \"c\"]\ntype = smtp\nurl = smtp://127.0.0.1:25\n"            \
	"require_starttls = no\nfrom = a@example.test\nto = b@example.test\n"
	static const char *bad[] = {
	    "[route \"x\"]\nwaiting = program\nca = Acme\nchannels = c\n" MAIL,
	    "[route \"x\"]\nwaiting = someone\nchannels = c\n" MAIL};
	struct config *c;
	char *cause = NULL, *path;
	size_t i;

	xasprintf(&path, "%s/c.conf", test_dir);
	for (i = 0; i < 2; i++) {
		testutil_write_file(path, bad[i]);
		c = config_load(path, &cause);
		ck_assert_ptr_null(c);
		ck_assert_ptr_nonnull(
		    strstr(cause, i == 0 ? "never a CA's" : "ca or program"));
		free(cause);
		cause = NULL;
	}
	testutil_write_file(path,
	    "[policy]\nprogram_wait = 3d\n"
	    "[route \"x\"]\nwaiting = program\n"
	    "clock = program-needinfo, action-item\n"
	    "channels = c\n" MAIL);
	c = config_load(path, &cause);
	ck_assert_msg(c != NULL, "%s", cause);
	ck_assert_int_eq(c->policy.program_wait, 3 * D);
	ck_assert_int_eq(c->alerts.routes[0].program, 1);
	config_free(c);
	free(path);
}
END_TEST

static Suite *
alerts_items_suite(void)
{
	Suite *s = suite_create("alerts-items");
	TCase *tc = tcase_create("items");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_items_are_instances);
	tcase_add_test(tc, test_program_queue);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alerts_items_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
