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
#include "alerts_fixture.h"
#include "config.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_int.h" /* the ledger read as rows */
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The end of 2026-01-20, the items' due date. */
#define DUE ((time_t)1768953599)

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

/* Two items due the same day: two instances, two alerts, two met. */
START_TEST(test_items_are_instances)
{
	struct notifier *team, *items, *oversight;
	struct config_route *r;

	r = afix_add_route("team", "team", NULL);
	strlist_add(&r->cas, "Example CA");
	r = afix_add_route("items", "items", NULL);
	strlist_add(&r->clocks, "action-item");
	r = afix_add_route("oversight", "oversight", NULL);
	r->program = 1;
	team = afix_start("team");
	items = afix_start("items");
	oversight = afix_start("oversight");
	put_bug(NULL, 0);
	put_comment(CA_LOGIN, T0 + D,
	    "| Action Item | Due Date | Status |\n|---|---|---|\n"
	    "| AI-1: Add a lint | 2026-01-20 | Ongoing |\n"
	    "| AI-2: Train staff | 2026-01-20 | Ongoing |\n");
	afix_cycle(DUE + 2 * D);
	ck_assert_uint_eq(count(items, "action-item", "due-soon"), 2);
	ck_assert_uint_eq(count(team, "action-item", "due-soon"), 2);
	ck_assert_uint_eq(notify_record_count(items), 2);
	ck_assert_int_eq(
	    afix_query("SELECT count(DISTINCT kind) FROM alert_clocks"
		       " WHERE kind LIKE 'action-item-%'"),
	    2);
	afix_cycle(DUE + 3 * D + 1);
	ck_assert_uint_eq(count(items, "action-item", "overdue"), 2);
	/* One restated, one named: both met, alerted once each. */
	put_comment(CA_LOGIN, DUE + 4 * D,
	    "AI-1 and AI-2 slipped; a new plan follows.");
	afix_cycle(DUE + 4 * D + H);
	ck_assert_uint_eq(count(items, "action-item", "met"), 2);
	afix_cycle(DUE + 5 * D);
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

	afix_add_route("all", "all", NULL);
	r = afix_add_route("team", "team", NULL);
	strlist_add(&r->cas, "Example CA");
	r = afix_add_route("oversight", "oversight", NULL);
	r->program = 1;
	all = afix_start("all");
	team = afix_start("team");
	oversight = afix_start("oversight");
	put_bug("bwilson@mozilla.com", T0 + D);
	afix_cycle(T0 + 7 * D);
	ck_assert_uint_eq(count(oversight, "program-needinfo", NULL), 0);
	afix_cycle(T0 + 8 * D + 1);
	ck_assert_uint_eq(count(oversight, "program-needinfo", "overdue"), 1);
	ck_assert_uint_eq(notify_record_count(oversight), 1);
	ck_assert_str_eq(notify_record_get(oversight, 0)->ca, "Example CA");
	ck_assert_uint_eq(count(all, "program-needinfo", NULL), 0);
	ck_assert_uint_eq(count(team, "program-needinfo", NULL), 0);
	ck_assert_uint_gt(notify_record_count(all), 0);
	/* No repeat of the same state; met once it goes away. */
	afix_cycle(T0 + 9 * D);
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

	tcase_add_checked_fixture(tc, afix_setup, afix_teardown);
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
