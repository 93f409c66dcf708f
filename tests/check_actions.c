/*
 * Tests of the action items in the policy engine (policy_actions.c) and
 * of the plan they follow (actionitems_plan.c): item identity across
 * restated tables, each item's history, the action-item clock's start,
 * due time, met rules, new instance on a slipped date and pauses,
 * readiness for closure and what the root program owes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "ccwatch.h"
#include "people.h"
#include "policy.h"
#include "tbug.h"
#include "testutil.h"
#include "xmalloc.h"

/* A v3 table with two numbered items. */
#define TABLE_HEAD                                                             \
	"## Action Items\n\n| Action Item | Kind | Corresponding Root "        \
	"Cause(s) "                                                            \
	"| Evaluation Criteria | Due Date | Status "                           \
	"|\n|---|---|---|---|---|---|\n"

/* The moment the bugs are filed. */
static time_t
filed(void)
{
	return T(2026, 1, 5, 10, 0, 0);
}

/* A table of the two items with their due dates and statuses. */
static char *
table2(const char *d1, const char *s1, const char *d2, const char *s2)
{
	char *t;

	xasprintf(&t,
	    TABLE_HEAD "| AI-1: Add a lint for the SAN | Prevent | RC1 | CT | "
		       "%s | %s |\n| AI-2: Train the validation staff | "
		       "Mitigate | RC2 | Audit | %s | %s |\n",
	    d1, s1, d2, s2);
	return t;
}

/* Add a CA comment with a table of the two items. */
static void
post2(struct tbug *tb, time_t t, const char *d1, const char *s1, const char *d2,
    const char *s2)
{
	char *text = table2(d1, s1, d2, s2);

	tb_comment(tb, CA_REP, t, text);
	free(text);
}

/* The n-th action-item clock of item key, or NULL. */
static const struct clock *
item_clock(const struct policy_result *r, const char *key, int n)
{
	size_t i;

	for (i = 0; i < r->nclocks; i++) {
		if (r->clocks[i].kind != CLOCK_ACTION_ITEM ||
		    strcmp(r->plan.items[r->clocks[i].item].key, key) != 0)
			continue;
		if (n-- == 0)
			return &r->clocks[i];
	}
	return NULL;
}

/* The item of key, or NULL. */
static const struct actionitem *
item(const struct policy_result *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->plan.n; i++)
		if (strcmp(r->plan.items[i].key, key) == 0)
			return &r->plan.items[i];
	return NULL;
}

/* The number of action-item clocks. */
static size_t
nitem_clocks(const struct policy_result *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nclocks; i++)
		n += r->clocks[i].kind == CLOCK_ACTION_ITEM;
	return n;
}

START_TEST(test_identity_across_restatements)
{
	struct tbug tb;
	struct policy_result r;
	const struct actionitem *a1, *a2;

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-04-01", "Ongoing",
	    "2026-05-01", "Ongoing");
	/* Restated reordered, reworded in case and punctuation, no numbers. */
	tb_comment(&tb, CA_REP, T(2026, 2, 2, 9, 0, 0),
	    "| Status | Due Date | Action Item |\n|---|---|---|\n"
	    "| Complete | 2026-05-01 | train the validation staff. |\n"
	    "| Ongoing | 2026-04-01 | **Add a lint** for the SAN |\n");
	tb_eval(&tb, T(2026, 2, 3, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 2);
	ck_assert_int_eq(r.plan.lists, 2);
	a1 = item(&r, "ai-1");
	a2 = item(&r, "ai-2");
	ck_assert_ptr_nonnull(a1);
	ck_assert_ptr_nonnull(a2);
	ck_assert_uint_eq(a1->nhistory, 1);
	ck_assert_int_eq(a1->history[0].what, ACTIONITEM_FIRST_SEEN);
	ck_assert_uint_eq(a2->nhistory, 2);
	ck_assert_int_eq(a2->history[1].what, ACTIONITEM_STATUS);
	ck_assert_str_eq(a2->history[1].from, "Ongoing");
	ck_assert_str_eq(a2->history[1].to, "Complete");
	ck_assert_int_eq(a2->history[1].comment, 2);
	ck_assert_int_eq(a1->first_comment, 1);
	ck_assert_int_eq(a1->last_comment, 2);
	ck_assert_int_eq(
	    actionitems_state(a2, r.now, NULL), ACTIONITEM_STATE_COMPLETE);
	ck_assert_int_eq(
	    actionitems_state(a1, r.now, NULL), ACTIONITEM_STATE_OPEN);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_identity_by_number)
{
	struct tbug tb;
	struct policy_result r;
	const struct actionitem *a1;

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-04-01", "Ongoing",
	    "2026-05-01", "Ongoing");
	tb_comment(&tb, CA_REP, T(2026, 2, 2, 9, 0, 0),
	    TABLE_HEAD "| AI-1: Lint every SAN before issuance | Prevent | RC1 "
		       "| CT | 2026-04-15 | Delayed |\n| AI-2: Train the "
		       "validation staff | Mitigate | RC2 | Audit | 2026-05-01 "
		       "| Ongoing |\n");
	tb_eval(&tb, T(2026, 2, 3, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 2);
	a1 = item(&r, "ai-1");
	ck_assert_uint_eq(a1->nhistory, 4);
	ck_assert_int_eq(a1->history[1].what, ACTIONITEM_DESCRIPTION);
	ck_assert_int_eq(a1->history[2].what, ACTIONITEM_STATUS);
	ck_assert_int_eq(a1->history[3].what, ACTIONITEM_DUE);
	ck_assert_str_eq(a1->history[3].from, "2026-04-01");
	ck_assert_str_eq(a1->history[3].to, "2026-04-15");
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_dropped_and_returned)
{
	struct tbug tb;
	struct policy_result r;
	const struct actionitem *a2;

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-04-01", "Ongoing",
	    "2026-05-01", "Ongoing");
	tb_comment(&tb, CA_REP, T(2026, 2, 2, 9, 0, 0),
	    TABLE_HEAD "| AI-1: Add a lint for the SAN | Prevent | RC1 | CT | "
		       "2026-04-01 | Ongoing |\n");
	tb_eval(&tb, T(2026, 2, 3, 0, 0, 0), &r);
	a2 = item(&r, "ai-2");
	ck_assert_int_eq(a2->in_plan, 0);
	ck_assert_int_eq(a2->dropped_comment, 2);
	ck_assert_int_eq(
	    a2->history[a2->nhistory - 1].what, ACTIONITEM_DROPPED);
	ck_assert_int_eq(
	    actionitems_state(a2, r.now, NULL), ACTIONITEM_STATE_DROPPED);
	policy_result_free(&r);
	post2(&tb, T(2026, 2, 9, 9, 0, 0), "2026-04-01", "Ongoing",
	    "2026-05-01", "Ongoing");
	tb_eval(&tb, T(2026, 2, 10, 0, 0, 0), &r);
	a2 = item(&r, "ai-2");
	ck_assert_int_eq(a2->in_plan, 1);
	ck_assert_int_eq(
	    a2->history[a2->nhistory - 1].what, ACTIONITEM_RETURNED);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* An audit report numbers each finding's items from 1: no identity there. */
START_TEST(test_audit_numbers_repeat)
{
	struct tbug tb;
	struct policy_result r;
	size_t i;

	tb_acme(&tb, filed(), CA_REP);
	tb_comment(&tb, CA_REP, T(2026, 1, 19, 9, 0, 0),
	    "### Finding #1\n| # | Action Item | Due Date |\n|---|---|---|\n"
	    "| 1 | Monitor CRLs | 2026-04-01 |\n| 2 | Alert on CRL age | "
	    "2026-04-02 |\n\n### Finding #2\n| # | Action Item | Due Date |\n"
	    "|---|---|---|\n| 1 | Review the CPS | 2026-04-03 |\n");
	tb_comment(&tb, CA_REP, T(2026, 2, 2, 9, 0, 0),
	    "### Finding #1\n| # | Action Item | Due Date |\n|---|---|---|\n"
	    "| 1 | Monitor CRLs | 2026-04-01 |\n| 2 | Alert on CRL age | "
	    "2026-04-02 |\n\n### Finding #2\n| # | Action Item | Due Date |\n"
	    "|---|---|---|\n| 1 | Review the CPS | 2026-04-03 |\n");
	tb_eval(&tb, T(2026, 2, 3, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 3);
	for (i = 0; i < r.plan.n; i++) {
		ck_assert_int_eq(strncmp(r.plan.items[i].key, "d-", 2), 0);
		ck_assert_uint_eq(r.plan.items[i].nhistory, 1);
		ck_assert_int_eq(r.plan.items[i].in_plan, 1);
	}
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* The clock: from the end of D, due 3 days later, due soon 48 h before. */
START_TEST(test_clock_boundaries)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t end = T(2026, 3, 2, 23, 59, 59), due = end + 3 * DAY;

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	tb_eval(&tb, end, &r);
	ck_assert_uint_eq(nitem_clocks(&r), 0);
	policy_result_free(&r);
	tb_eval(&tb, end + 1, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->started_at, end);
	ck_assert_int_eq(c->due, due);
	ck_assert_int_eq(c->start_comment, 1);
	ck_assert_int_eq(c->version, POLICY_CCADB_3_1);
	ck_assert_int_eq(c->state, CLOCK_OK);
	policy_result_free(&r);
	assert_boundaries(&tb, CLOCK_ACTION_ITEM, due, due - WINDOW);
	tb_free(&tb);
}
END_TEST

/* Met by a later CA-side table that restates the item. */
START_TEST(test_met_by_restating_table)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t end = T(2026, 3, 2, 23, 59, 59);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	tb_comment(&tb, OUTSIDE, end + HOUR, "Is AI-1 done?");
	post2(
	    &tb, end + DAY, "2026-03-02", "Complete", "2026-12-01", "Ongoing");
	tb_eval(&tb, end + 10 * DAY, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->state, CLOCK_MET);
	ck_assert_int_eq(c->stopped_by_comment, 3);
	ck_assert_int_eq(c->late, 0);
	ck_assert_uint_eq(c->warnings.n, 0);
	ck_assert_ptr_null(item_clock(&r, "ai-2", 0));
	ck_assert_uint_eq(nitem_clocks(&r), 1);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Met by text naming its number or its description. */
START_TEST(test_met_by_naming)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t end = T(2026, 3, 2, 23, 59, 59);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-03-02", "Ongoing");
	tb_comment(&tb, CA_REP, end + 4 * DAY,
	    "AI-1 is delayed by a vendor issue; more next week.");
	tb_comment(&tb, CA_REP, end + 5 * DAY,
	    "We still train the validation staff: two sessions left.");
	tb_eval(&tb, end + 10 * DAY, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->stopped_by_comment, 2);
	ck_assert_int_eq(c->late, 1);
	ck_assert_int_eq(c->late_by, DAY);
	c = item_clock(&r, "ai-2", 0);
	ck_assert_int_eq(c->stopped_by_comment, 3);
	ck_assert_uint_eq(c->warnings.n, 0);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Failing that, any CA-side comment after D meets it: check it. */
START_TEST(test_met_check_it)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t end = T(2026, 3, 2, 23, 59, 59);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	tb_comment(&tb, CA_REP, end - HOUR, "Weekly update: all is well.");
	tb_comment(&tb, BOT, end + HOUR, "AI-1 needs a look.");
	tb_comment(&tb, CA_REP, end + DAY, "Weekly update: all is well.");
	tb_eval(&tb, end + 2 * DAY, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->state, CLOCK_MET);
	ck_assert_int_eq(c->stopped_by_comment, 4);
	ck_assert_uint_eq(c->warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(c->warnings.v[0], "check it"));
	policy_result_free(&r);
	/* A restating comment later still wins over the one that did not. */
	tb_comment(&tb, CA_REP, end + 5 * DAY, "AI-1 is complete.");
	tb_eval(&tb, end + 6 * DAY, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->stopped_by_comment, 5);
	ck_assert_int_eq(c->late, 1);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Delayed with a new date: the old instance is met, a new one starts. */
START_TEST(test_slipped_item)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	const struct actionitem *a;
	time_t d1 = T(2026, 3, 2, 23, 59, 59), d2 = T(2026, 4, 15, 23, 59, 59);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	post2(&tb, d1 + 2 * DAY, "2026-04-15", "Delayed", "2026-12-01",
	    "Ongoing");
	tb_eval(&tb, d2 + 4 * DAY, &r);
	ck_assert_uint_eq(nitem_clocks(&r), 2);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->started_at, d1);
	ck_assert_int_eq(c->state, CLOCK_MET);
	ck_assert_int_eq(c->stopped_by_comment, 2);
	c = item_clock(&r, "ai-1", 1);
	ck_assert_int_eq(c->started_at, d2);
	ck_assert_int_eq(c->due, d2 + 3 * DAY);
	ck_assert_int_eq(c->start_comment, 2);
	ck_assert_int_eq(c->state, CLOCK_OVERDUE);
	a = item(&r, "ai-1");
	ck_assert_int_eq(a->history[1].what, ACTIONITEM_STATUS);
	ck_assert_int_eq(a->history[2].what, ACTIONITEM_DUE);
	ck_assert_int_eq(
	    actionitems_state(a, r.now, NULL), ACTIONITEM_STATE_OVERDUE);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Moved or completed before D: no clock for D. */
START_TEST(test_no_clock_before_due)
{
	struct tbug tb;
	struct policy_result r;

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-03-02", "Ongoing");
	post2(&tb, T(2026, 2, 27, 9, 0, 0), "2026-05-02", "Delayed",
	    "2026-03-02", "Complete");
	tb_eval(&tb, T(2026, 3, 20, 0, 0, 0), &r);
	ck_assert_uint_eq(nitem_clocks(&r), 0);
	ck_assert_uint_eq(r.plan.n, 2);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Paused like update: a closure request or [close on]. */
START_TEST(test_paused)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t end = T(2026, 3, 2, 23, 59, 59);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	tb_needinfo(&tb, CA_REP, end - DAY, "incident-reporting@ccadb.org", 1);
	tb_eval(&tb, end + 5 * DAY, &r);
	c = item_clock(&r, "ai-1", 0);
	ck_assert_int_eq(c->state, CLOCK_PAUSED);
	ck_assert_int_eq(c->due, 0);
	policy_result_free(&r);
	tb_free(&tb);
	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-12-01", "Ongoing");
	tb_whiteboard(&tb, PROGRAM, end + DAY, "[close on 2026-03-20]");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_ACTION_ITEM, 0, end + 5 * DAY), CLOCK_PAUSED);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_ACTION_ITEM, 0, end + DAY - 1), CLOCK_OK);
	tb_free(&tb);
}
END_TEST

/* Items are tracked from v2.0, their clock runs from v3.0 at D. */
START_TEST(test_versions)
{
	struct tbug tb;
	struct policy_result r;

	tb_acme(&tb, T(2023, 11, 1, 0, 0, 0), CA_REP);
	post2(&tb, T(2023, 11, 10, 0, 0, 0), "2024-01-10", "Ongoing",
	    "2025-03-10", "Ongoing");
	tb_eval(&tb, T(2025, 4, 1, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 2);
	ck_assert_uint_eq(nitem_clocks(&r), 1);
	ck_assert_ptr_nonnull(item_clock(&r, "ai-2", 0));
	ck_assert_int_eq(item_clock(&r, "ai-2", 0)->version, POLICY_CCADB_3_0);
	policy_result_free(&r);
	tb_free(&tb);
	tb_acme(&tb, T(2023, 5, 1, 0, 0, 0), CA_REP);
	post2(&tb, T(2023, 5, 10, 0, 0, 0), "2023-06-10", "Ongoing",
	    "2025-03-10", "Ongoing");
	tb_eval(&tb, T(2025, 4, 1, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 0);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Only the CA side's tables count; a resolved bug has no plan. */
START_TEST(test_sides)
{
	struct tbug tb;
	struct policy_result r;
	char *t = table2("2026-03-02", "Ongoing", "2026-03-02", "Ongoing");

	tb_acme(&tb, filed(), CA_REP);
	tb_comment(&tb, OUTSIDE, T(2026, 1, 19, 9, 0, 0), t);
	tb_comment(&tb, PROGRAM, T(2026, 1, 20, 9, 0, 0), t);
	tb_eval(&tb, T(2026, 3, 20, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 0);
	policy_result_free(&r);
	tb_comment(&tb, CA_MATE, T(2026, 1, 21, 9, 0, 0), t);
	tb_eval(&tb, T(2026, 3, 20, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 2);
	policy_result_free(&r);
	tb_resolve(&tb, PROGRAM, T(2026, 3, 19, 0, 0, 0), "FIXED");
	tb_eval(&tb, T(2026, 3, 20, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 0);
	ck_assert_uint_eq(r.nclocks, 0);
	policy_result_free(&r);
	free(t);
	tb_free(&tb);
}
END_TEST

START_TEST(test_ready_for_closure)
{
	struct tbug tb;
	struct policy_result r;
	time_t done = T(2026, 2, 20, 9, 0, 0);

	tb_acme(&tb, filed(), CA_REP);
	post2(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-04-02", "Ongoing");
	post2(&tb, T(2026, 2, 10, 9, 0, 0), "2026-03-02", "Complete",
	    "2026-04-02", "Ongoing");
	tb_eval(&tb, done, &r);
	ck_assert_int_eq(r.ready, 0);
	policy_result_free(&r);
	post2(&tb, done, "2026-03-02", "Complete", "2026-04-02", "Canceled");
	post2(&tb, done + DAY, "2026-03-02", "Complete", "2026-04-02",
	    "Canceled");
	tb_eval(&tb, done + 2 * DAY, &r);
	ck_assert_int_eq(r.ready, 1);
	ck_assert_int_eq(r.ready_for.comment, 3);
	ck_assert_int_eq(r.ready_for.time, done);
	ck_assert_uint_eq(r.ready_for.items, 2);
	ck_assert_uint_eq(r.nwaiting, 0);
	policy_result_free(&r);
	/* The CA requests closure: no longer ready, the program waits. */
	tb_comment(&tb, CA_REP, done + 3 * DAY,
	    "## Incident Closure Summary\n- Incident description: x\n");
	tb_eval(&tb, done + 4 * DAY, &r);
	ck_assert_int_eq(r.ready, 0);
	ck_assert_uint_eq(r.nwaiting, 0);
	policy_result_free(&r);
	tb_eval(&tb, done + 10 * DAY, &r);
	ck_assert_uint_eq(r.nwaiting, 1);
	ck_assert_int_eq(r.waiting[0].kind, WAITING_CLOSURE);
	ck_assert_int_eq(r.waiting[0].since, done + 3 * DAY);
	ck_assert_int_eq(r.waiting[0].due, done + 10 * DAY);
	ck_assert_int_eq(r.waiting[0].comment, 5);
	ck_assert_str_eq(r.waiting[0].by, CA_REP);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_waiting_on_program)
{
	struct tbug tb;
	struct policy_result r;
	struct people p;
	struct policy_options o;
	time_t t = T(2026, 2, 1, 9, 0, 0);

	tb_acme(&tb, filed(), CA_REP);
	tb_needinfo(&tb, CA_REP, t, PROGRAM, 1);
	tb_needinfo(&tb, CA_REP, t, OUTSIDE, 1);
	tb_whiteboard(&tb, PROGRAM, t, "[close on 2026-02-05]");
	tb_eval(&tb, t + 7 * DAY - 1, &r);
	ck_assert_uint_eq(r.nwaiting, 1);
	ck_assert_int_eq(r.waiting[0].kind, WAITING_CLOSE_ON);
	ck_assert_int_eq(r.waiting[0].since, T(2026, 2, 5, 23, 59, 59));
	policy_result_free(&r);
	tb_eval(&tb, t + 7 * DAY, &r);
	ck_assert_uint_eq(r.nwaiting, 2);
	ck_assert_int_eq(r.waiting[0].kind, WAITING_NEEDINFO);
	ck_assert_str_eq(r.waiting[0].requestee, PROGRAM);
	ck_assert_int_eq(r.waiting[0].since, t);
	policy_result_free(&r);
	/* A shorter wait is configurable. */
	test_people(&p);
	policy_options_defaults(&o);
	o.program_wait = 2 * DAY;
	policy_eval(&tb.bug, &tb.cl, &tb.hl, &p, &o, t + 2 * DAY, &r);
	ck_assert_uint_eq(r.nwaiting, 1);
	ck_assert_int_eq(r.waiting[0].kind, WAITING_NEEDINFO);
	policy_result_free(&r);
	people_free(&p);
	/* The program answers: the needinfo is cleared. */
	tb_needinfo(&tb, PROGRAM, t + 8 * DAY, PROGRAM, 0);
	tb_eval(&tb, t + 9 * DAY, &r);
	ck_assert_uint_eq(r.nwaiting, 1);
	ck_assert_int_eq(r.waiting[0].kind, WAITING_CLOSE_ON);
	policy_result_free(&r);
	tb_resolve(&tb, PROGRAM, t + 10 * DAY, "FIXED");
	tb_eval(&tb, t + 11 * DAY, &r);
	ck_assert_uint_eq(r.nwaiting, 0);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* The feed's evaluation lists no item from a private comment. */
START_TEST(test_public_plan)
{
	struct tbug tb;
	struct policy_result r;
	struct people p;
	struct policy_options o;
	struct comment *cm;
	char *t = table2("2026-03-02", "Ongoing", "2026-03-02", "Ongoing");

	tb_acme(&tb, filed(), CA_REP);
	cm = tb_comment(&tb, CA_REP, T(2026, 1, 19, 9, 0, 0), t);
	cm->is_private = 1;
	test_people(&p);
	policy_options_defaults(&o);
	policy_eval(
	    &tb.bug, &tb.cl, &tb.hl, &p, &o, T(2026, 3, 9, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 2);
	policy_result_free(&r);
	o.public_plan = 1;
	policy_eval(
	    &tb.bug, &tb.cl, &tb.hl, &p, &o, T(2026, 3, 9, 0, 0, 0), &r);
	ck_assert_uint_eq(r.plan.n, 0);
	ck_assert_uint_eq(nitem_clocks(&r), 0);
	policy_result_free(&r);
	people_free(&p);
	free(t);
	tb_free(&tb);
}
END_TEST

/* What names an item and what does not. */
START_TEST(test_mentions)
{
	static const struct {
		const char *text;
		int want;
	} t[] = {{"AI-3 is done.", 1}, {"ai 3 slipped", 1}, {"See #3.", 1},
	    {"Action Item #3: complete", 1}, {"item 3 is late", 1},
	    {"A3 shipped", 1}, {"AI-13 is done.", 0}, {"AI-3.1 is done", 0},
	    {"bug #3 is related", 0}, {"3 certificates", 0},
	    {"> AI-3 is done?\nThanks.", 0}, {"`AI-3` is done", 1},
	    {"```\nAI-3\n```", 0},
	    {"We finished rotating the signing keys.", 1},
	    {"We finished rotating the keys.", 0}};
	struct actionitem_plan p;
	size_t i;

	actionitems_plan_init(&p);
	actionitems_plan_add(&p,
	    "| # | Action Item | Due Date |\n|---|---|---|\n"
	    "| 3 | Rotating the signing keys | 2026-04-01 |\n",
	    T(2026, 1, 1, 0, 0, 0), 1);
	ck_assert_uint_eq(p.n, 1);
	for (i = 0; i < CCWATCH_NELEM(t); i++)
		ck_assert_msg(
		    actionitems_mentions(t[i].text, &p.items[0]) == t[i].want,
		    "'%s'", t[i].text);
	actionitems_plan_free(&p);
}
END_TEST

static Suite *
actions_suite(void)
{
	Suite *s = suite_create("actions");
	TCase *tc;

	tc = tcase_create("plan");
	tcase_add_test(tc, test_identity_across_restatements);
	tcase_add_test(tc, test_identity_by_number);
	tcase_add_test(tc, test_dropped_and_returned);
	tcase_add_test(tc, test_audit_numbers_repeat);
	tcase_add_test(tc, test_mentions);
	suite_add_tcase(s, tc);
	tc = tcase_create("clock");
	tcase_add_test(tc, test_clock_boundaries);
	tcase_add_test(tc, test_met_by_restating_table);
	tcase_add_test(tc, test_met_by_naming);
	tcase_add_test(tc, test_met_check_it);
	tcase_add_test(tc, test_slipped_item);
	tcase_add_test(tc, test_no_clock_before_due);
	tcase_add_test(tc, test_paused);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_sides);
	tcase_add_test(tc, test_public_plan);
	suite_add_tcase(s, tc);
	tc = tcase_create("closure");
	tcase_add_test(tc, test_ready_for_closure);
	tcase_add_test(tc, test_waiting_on_program);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(actions_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
