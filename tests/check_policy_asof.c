/*
 * Tests of policy as of a past time: evaluating a random bug as of t
 * equals evaluating the bug as it was at t, and the real corpus evaluates
 * whole.  "Now" is always an argument; no test reads the wall clock.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "people.h"
#include "policy.h"
#include "tbug.h"
#include "testutil.h"
#include "xmalloc.h"

/* Pick one of n strings. */
static const char *
pick(unsigned *seed, const char **v, size_t n)
{
	return v[rand_r(seed) % n];
}

/* A random bug with comments, whiteboard, needinfo and status events. */
static void
tb_random(struct tbug *tb, unsigned *seed, time_t c)
{
	static const char *who[] = {
	    CA_REP, CA_MATE, OUTSIDE, PROGRAM, BOT, "quiet-fox@proton.me"};
	static const char *text[] = {"Update.", "Why?",
	    "See "
	    "https://crt.sh/?id=5",
	    tb_full_report_v3, "## Incident Closure Summary\n", "> why?\nok",
	    "```x = ?```\nCan you confirm?", "~~~\nwhy?\n~~~",
	    "The closure summary will follow.", "crt.sh/?q=Acme",
	    "| Action Item | Due Date | Status |\n|---|---|---|\n| AI-1: Lint |"
	    " 2026-02-01 | Ongoing |\n| AI-2: Train | Feb 20 | Ongoing |",
	    "| Action Item | Due Date | Status |\n|---|---|---|\n| AI-1: Lint |"
	    " 2026-02-20 | Delayed |\n| AI-2: Train | 2026-03-01 | Complete |",
	    "| Action Item | Due Date | Status |\n|---|---|---|\n| AI-1: Lint |"
	    " 2026-02-01 | Complete |\n| AI-2: Train | Q1 2026 | Canceled |",
	    "AI-2 is still ongoing."};
	static const char *wb[] = {"[ca-compliance]",
	    "[ca-compliance] Next update 2026-02-10",
	    "[ca-compliance] Next update 2026-03-01",
	    "[leaf-revocation-delay] Next update 2026-02-20",
	    "[close on 2026-02-15] [ca-compliance]", "",
	    "[ca-compliance] Next update 3-1-2026",
	    "[ca-compliance] Next update Feb. 25, 2026",
	    "[ca-compliance] Next update March 10",
	    "[close on February 20] [ca-compliance]",
	    "Next update 2026-03-05 Next update 2026-02-27",
	    "[leaf-revocation-delay] Next update soon"};
	static const char *setter[] = {PROGRAM, PROGRAM, CA_REP};
	time_t t = c;
	int i, kind, resolved = 0;

	tb_acme(tb, c, pick(seed, who, 3));
	for (i = 0; i < 40; i++) {
		t += (time_t)(rand_r(seed) % (3 * DAY)) + 1;
		kind = rand_r(seed) % 10;
		if (kind < 5)
			tb_comment(tb, pick(seed, who, CCWATCH_NELEM(who)), t,
			    pick(seed, text, CCWATCH_NELEM(text)));
		else if (kind < 7)
			tb_whiteboard(tb,
			    pick(seed, setter, CCWATCH_NELEM(setter)), t,
			    pick(seed, wb, CCWATCH_NELEM(wb)));
		else if (kind < 9)
			tb_needinfo(tb, pick(seed, who, CCWATCH_NELEM(who)), t,
			    pick(seed, who, 2), rand_r(seed) % 2);
		else {
			resolved = !resolved;
			tb_resolve(tb, PROGRAM, t, resolved ? "FIXED" : "");
		}
	}
}

/* The bug as it was at t: only events at or before t, fields as then. */
static void
tb_cut(const struct tbug *all, time_t t, struct tbug *cut)
{
	const struct comment *c;
	const struct history *h;
	size_t i, j;

	tb_init(cut, all->bug.summary, all->bug.creator, all->bug.assigned_to,
	    all->bug.creation_time, all->cl.v[0].text);
	for (i = 1; i < all->cl.n; i++) {
		c = &all->cl.v[i];
		if (c->time <= t)
			tb_comment(cut, c->creator, c->time, c->text);
	}
	for (i = 0; i < all->hl.n; i++) {
		h = &all->hl.v[i];
		for (j = 0; h->when <= t && j < h->nchanges; j++) {
			if (strcmp(h->changes[j].field, "whiteboard") == 0)
				tb_whiteboard(
				    cut, h->who, h->when, h->changes[j].added);
			else if (strcmp(h->changes[j].field, "resolution") == 0)
				tb_set(cut, h->who, h->when, "resolution",
				    &cut->bug.resolution, h->changes[j].added);
			else
				tb_change(cut, h->who, h->when,
				    h->changes[j].field, h->changes[j].removed,
				    h->changes[j].added);
		}
	}
}

/* Assert two results hold the same action items, readiness and waits. */
static void
assert_same_plan(
    const struct policy_result *a, const struct policy_result *b, time_t t)
{
	const struct actionitem *x, *y;
	size_t i;

	ck_assert_msg(a->plan.n == b->plan.n, "t=%lld: %zu items, %zu",
	    (long long)t, a->plan.n, b->plan.n);
	for (i = 0; i < a->plan.n; i++) {
		x = &a->plan.items[i];
		y = &b->plan.items[i];
		ck_assert_str_eq(x->key, y->key);
		ck_assert_uint_eq(x->nhistory, y->nhistory);
		ck_assert_int_eq(x->in_plan, y->in_plan);
		ck_assert_int_eq(x->row.status, y->row.status);
		ck_assert_int_eq(x->row.due.kind, y->row.due.kind);
	}
	for (i = 0; i < a->nclocks; i++)
		ck_assert_int_eq(a->clocks[i].item, b->clocks[i].item);
	ck_assert_int_eq(a->ready, b->ready);
	ck_assert_int_eq(a->ready_for.comment, b->ready_for.comment);
	ck_assert_uint_eq(a->nwaiting, b->nwaiting);
	for (i = 0; i < a->nwaiting; i++) {
		ck_assert_int_eq(a->waiting[i].kind, b->waiting[i].kind);
		ck_assert_int_eq(a->waiting[i].since, b->waiting[i].since);
	}
}

/* Assert two results are the same evaluation. */
static void
assert_same(
    const struct policy_result *a, const struct policy_result *b, time_t t)
{
	size_t i;

	ck_assert_int_eq(a->resolved, b->resolved);
	ck_assert_str_eq(a->whiteboard, b->whiteboard);
	ck_assert_msg(a->nclocks == b->nclocks, "t=%lld: %zu clocks, %zu",
	    (long long)t, a->nclocks, b->nclocks);
	for (i = 0; i < a->nclocks; i++) {
		ck_assert_int_eq(a->clocks[i].kind, b->clocks[i].kind);
		ck_assert_msg(a->clocks[i].state == b->clocks[i].state,
		    "t=%lld clock %zu", (long long)t, i);
		ck_assert_int_eq(a->clocks[i].due, b->clocks[i].due);
		ck_assert_int_eq(
		    a->clocks[i].started_at, b->clocks[i].started_at);
		ck_assert_int_eq(
		    a->clocks[i].stopped_at, b->clocks[i].stopped_at);
		ck_assert_int_eq(a->clocks[i].stopped_by_comment,
		    b->clocks[i].stopped_by_comment);
		ck_assert_int_eq(
		    a->clocks[i].nevidence, b->clocks[i].nevidence);
		ck_assert_int_eq(a->clocks[i].late_by, b->clocks[i].late_by);
		ck_assert_int_eq(
		    a->clocks[i].withdrawn, b->clocks[i].withdrawn);
		ck_assert_uint_eq(
		    a->clocks[i].warnings.n, b->clocks[i].warnings.n);
	}
	ck_assert_uint_eq(a->warnings.n, b->warnings.n);
	assert_same_plan(a, b, t);
	ck_assert_uint_eq(a->nquestions, b->nquestions);
	for (i = 0; i < a->nquestions; i++) {
		ck_assert_int_eq(
		    a->questions[i].asked_at, b->questions[i].asked_at);
		ck_assert_int_eq(a->questions[i].state, b->questions[i].state);
	}
}

START_TEST(test_past_equals_then)
{
	struct tbug all, cut;
	struct policy_result ra, rc;
	unsigned seed;
	time_t c = T(2026, 1, 5, 0, 0, 0), t;
	size_t i, items = 0, item_clocks = 0;
	int round, k;

	seed = testutil_seed() + (unsigned)_i;
	for (round = 0; round < 20; round++) {
		tb_random(&all, &seed, c);
		for (k = 0; k < 12; k++) {
			t = c + (time_t)(rand_r(&seed) % (130 * DAY));
			tb_cut(&all, t, &cut);
			tb_eval(&all, t, &ra);
			tb_eval(&cut, t, &rc);
			assert_same(&ra, &rc, t);
			items += ra.plan.n;
			for (i = 0; i < ra.nclocks; i++)
				item_clocks +=
				    ra.clocks[i].kind == CLOCK_ACTION_ITEM;
			policy_result_free(&ra);
			policy_result_free(&rc);
			tb_free(&cut);
		}
		tb_free(&all);
	}
	/* The random bugs list action items and run their clocks. */
	ck_assert_uint_gt(items, 0);
	ck_assert_uint_gt(item_clocks, 0);
}
END_TEST

START_TEST(test_real_corpus)
{
	struct bug_list bl = {0};
	struct people p;
	struct policy_options o;
	struct policy_result r;
	const struct clock *k;
	char *path, *content, *body, *cause = NULL;
	time_t now = T(2026, 3, 7, 0, 0, 0);
	size_t i, open = 0, seen = 0;

	/* The corpus is a bare array; wrap it as search returns it. */
	path = testutil_srcpath("data/ca-compliance/bugs-2026-03.json");
	content = testutil_read_file(path, NULL);
	xasprintf(&body, "{\"bugs\":%s}", content);
	ck_assert_int_eq(
	    model_bugs_from_json(body, strlen(body), &bl, &cause), 0);
	test_people(&p);
	policy_options_defaults(&o);
	for (i = 0; i < bl.n; i++) {
		policy_eval(&bl.v[i], NULL, NULL, &p, &o, now, &r);
		if (*bl.v[i].resolution != '\0' ||
		    policy_is_meta(bl.v[i].summary))
			ck_assert_uint_eq(r.nclocks, 0);
		else if (bl.v[i].creation_time <= now) {
			open++;
			ck_assert_ptr_nonnull(
			    find_clock(&r, CLOCK_FULL_REPORT, 0));
		}
		if (bl.v[i].id == 1983267) {
			/* Next update 2026-03-20, not passed on March 7. */
			k = find_clock(&r, CLOCK_UPDATE, 0);
			ck_assert_ptr_nonnull(k);
			ck_assert_int_eq(k->due, T(2026, 3, 20, 23, 59, 59));
			ck_assert_int_eq(k->state, CLOCK_OK);
			ck_assert_str_eq(r.ca, "PKIoverheid");
			seen = 1;
		}
		policy_result_free(&r);
	}
	ck_assert_uint_eq(seen, 1);
	ck_assert_uint_gt(open, 50);
	people_free(&p);
	bug_list_free(&bl);
	free(body);
	free(content);
	free(path);
}
END_TEST

/* The suite: evaluations as of a past time. */
static Suite *
policy_asof_suite(void)
{
	Suite *s = suite_create("policy_asof");
	TCase *tc;

	tc = tcase_create("as-of");
	tcase_add_loop_test(tc, test_past_equals_then, 0, 3);
	tcase_add_test(tc, test_real_corpus);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_asof_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
