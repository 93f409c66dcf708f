/*
 * The report, response and update clocks of POLICY.md checked against a
 * reference model written from the rules alone: random bugs (the creator,
 * who comments, what each comment says, several comments in one second),
 * evaluated at random moments, must give the clocks the model gives, to
 * the second.  The model reads events in Bugzilla's order: by time, then
 * by comment number, so a reply posted in the same second as a question
 * still comes after it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccwatch.h"
#include "policy.h"
#include "tbug.h"
#include "testutil.h"
#include "xmalloc.h"

/* 2026-03-02, under v3.1; clocks that start after 2026-03-20 run 3.2. */
#define FILED T(2026, 3, 2, 9, 0, 0)
/* Comments per random bug, at most. */
#define MODEL_COMMENTS 12
/* Random bugs per run, and moments evaluated per bug. */
#define MODEL_BUGS    150
#define MODEL_MOMENTS 6

/* The v3 template, as a CA posts it. */
#define FULL_REPORT                                                            \
	"## Summary\nx\n## Impact\nx\n## Timeline\nx\n## Root Cause "          \
	"Analysis\nx\n## Lessons Learned\nx\n## Action Items\nx\n"

/* Who may comment, with the side the rules give them. */
static const struct {
	const char *login;
	int ca;  /* speaks for Acme */
	int bot; /* never starts or stops a clock */
} authors[] = {
    {CA_REP, 1, 0},
    {CA_MATE, 1, 0},
    {"compliance-alias@gmail.com", 1, 0},
    {PROGRAM, 0, 0},
    {OUTSIDE, 0, 0},
    {"auditor@audit.example", 0, 0},
    {BOT, 0, 1},
    {"ct-monitor@example.bugs", 0, 1},
};

/* What a comment may say, and whether it asks the CA something. */
static const struct {
	const char *text;
	int asks;
} texts[] = {
    {"Update: revocation is complete.", 0},
    {"Why was this not caught by the linter?", 1},
    {"See https://crt.sh/?id=1 for the list.", 0},
    {"> Why?\nBecause the profile was wrong.", 0},
    {"Thanks.", 0},
    {"Can you share the timeline (UTC)?", 1},
    {"Run `select * from c where id = ?` to check.", 0},
    {FULL_REPORT, 0},
};

/* One comment of the model. */
struct mc {
	int who, what;
	time_t t;
	int count;
};

/* One random bug: its creator and comments, in Bugzilla's order. */
struct model {
	int creator;
	struct mc c[MODEL_COMMENTS + 1];
	int n;
};

/* A clock as the model computes it. */
struct mclock {
	time_t due, stopped;
};

/* Order comments by time; the count follows that order. */
static int
mc_cmp(const void *a, const void *b)
{
	const struct mc *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/* Draw a random bug; times fall on 6-hour steps so that several collide. */
static void
model_random(struct model *m, unsigned *seed)
{
	static const int creators[] = {0, 4, 6, 7, 3};
	int i;

	m->creator = creators[rand_r(seed) % 5];
	m->n = 1 + rand_r(seed) % MODEL_COMMENTS;
	m->c[0].who = m->creator;
	m->c[0].what = rand_r(seed) % 2 == 0 ? 0 : 7;
	m->c[0].t = FILED;
	for (i = 1; i < m->n; i++) {
		m->c[i].who = rand_r(seed) % (int)CCWATCH_NELEM(authors);
		m->c[i].what = rand_r(seed) % (int)CCWATCH_NELEM(texts);
		m->c[i].t = FILED + 1 + (time_t)(rand_r(seed) % 80) * 6 * HOUR;
	}
	qsort(&m->c[1], (size_t)m->n - 1, sizeof m->c[0], mc_cmp);
	for (i = 0; i < m->n; i++)
		m->c[i].count = i;
}

/* Build the test bug of a model. */
static void
model_bug(const struct model *m, struct tbug *tb)
{
	int i;

	tb_init(tb, "Acme: Incorrect Subject RDN Encoding",
	    authors[m->creator].login, CA_REP, FILED, texts[m->c[0].what].text);
	for (i = 1; i < m->n; i++)
		tb_comment(tb, authors[m->c[i].who].login, m->c[i].t,
		    texts[m->c[i].what].text);
}

/* 1 if comment b comes after comment a in Bugzilla's order. */
static int
mc_after(const struct mc *b, const struct mc *a)
{
	return b->t > a->t || (b->t == a->t && b->count > a->count);
}

/* The state a clock has at now, by the rules of POLICY.md's "States". */
static int
model_state(const struct mclock *k, time_t now)
{
	if (k->stopped != 0)
		return CLOCK_MET;
	if (now > k->due)
		return CLOCK_OVERDUE;
	if (now >= k->due - WINDOW)
		return CLOCK_DUE_SOON;
	return CLOCK_OK;
}

/* Compare one engine clock with the model's. */
static void
check_clock(const struct policy_result *r, enum clock_kind kind, int n,
    const struct mclock *k, const char *what, unsigned seed)
{
	const struct clock *c = find_clock(r, kind, n);
	int want = model_state(k, r->now);

	ck_assert_msg(c != NULL, "seed %u: no %s clock %d", seed, what, n);
	ck_assert_msg(c->due == k->due, "seed %u: %s %d due %lld, want %lld",
	    seed, what, n, (long long)c->due, (long long)k->due);
	ck_assert_msg((int)c->state == want,
	    "seed %u: %s %d at %lld: state %d, want %d", seed, what, n,
	    (long long)r->now, (int)c->state, want);
	if (want == CLOCK_MET) {
		ck_assert_msg(c->stopped_at == k->stopped,
		    "seed %u: %s %d stopped at %lld, want %lld", seed, what, n,
		    (long long)c->stopped_at, (long long)k->stopped);
		ck_assert_int_eq(c->late, k->stopped > k->due);
		ck_assert_int_eq(c->late_by,
		    k->stopped > k->due ? (long long)(k->stopped - k->due) : 0);
	}
}

/* Check the four clocks of a model at now. */
static void
model_check(
    const struct model *m, const struct tbug *tb, time_t now, unsigned seed)
{
	struct policy_result r;
	struct mclock k;
	const struct mc *last = NULL;
	int i, j, nq = 0, ca_filed = authors[m->creator].ca;

	tb_eval(tb, now, &r);
	/* initial-report: 72 hours; met at once when the CA filed the bug. */
	k.due = FILED + 72 * HOUR;
	k.stopped = ca_filed ? FILED : 0;
	for (i = 1; i < m->n && k.stopped == 0; i++)
		if (m->c[i].t <= now && authors[m->c[i].who].ca)
			k.stopped = m->c[i].t;
	check_clock(&r, CLOCK_INITIAL_REPORT, 0, &k, "initial", seed);
	/* full-report: 14 days, a CA-side report (the description too). */
	k.due = FILED + 14 * DAY;
	k.stopped = 0;
	for (i = 0; i < m->n && k.stopped == 0; i++)
		if (m->c[i].t <= now && authors[m->c[i].who].ca &&
		    m->c[i].what == 7)
			k.stopped = m->c[i].t;
	check_clock(&r, CLOCK_FULL_REPORT, 0, &k, "full", seed);
	/* response: 7 days from each question to the next CA comment. */
	for (i = 1; i < m->n; i++) {
		if (m->c[i].t > now || authors[m->c[i].who].ca ||
		    authors[m->c[i].who].bot || !texts[m->c[i].what].asks)
			continue;
		k.due = m->c[i].t + 7 * DAY;
		k.stopped = 0;
		for (j = 1; j < m->n && k.stopped == 0; j++)
			if (m->c[j].t <= now && authors[m->c[j].who].ca &&
			    mc_after(&m->c[j], &m->c[i]))
				k.stopped = m->c[j].t;
		check_clock(&r, CLOCK_RESPONSE, nq++, &k, "response", seed);
	}
	ck_assert_msg(find_clock(&r, CLOCK_RESPONSE, nq) == NULL,
	    "seed %u: %d questions, the engine has more", seed, nq);
	/* update: 7 days from the last CA-side comment, or the filing. */
	for (i = 0; i < m->n; i++)
		if (m->c[i].t <= now && authors[m->c[i].who].ca)
			last = &m->c[i];
	k.due = (last != NULL ? last->t : FILED) + 7 * DAY;
	k.stopped = 0;
	check_clock(&r, CLOCK_UPDATE, 0, &k, "update", seed);
	policy_result_free(&r);
}

START_TEST(test_model)
{
	struct model m;
	struct tbug tb;
	unsigned seed = testutil_seed() + (unsigned)_i, s;
	int b, k;
	time_t now;

	for (b = 0; b < MODEL_BUGS; b++) {
		s = seed;
		model_random(&m, &seed);
		model_bug(&m, &tb);
		for (k = 0; k < MODEL_MOMENTS; k++) {
			now = FILED + (time_t)(rand_r(&seed) % (25 * DAY));
			/* The boundaries of the report clocks, to the second.
			 */
			if (k == 0)
				now = FILED + 72 * HOUR + rand_r(&seed) % 3 - 1;
			if (k == 1)
				now = FILED + 14 * DAY + rand_r(&seed) % 3 - 1;
			model_check(&m, &tb, now, s);
		}
		tb_free(&tb);
	}
}
END_TEST

/* 1 if two results have the same clocks: kind, due, state, stop, lateness. */
static int
same_clocks(const struct policy_result *a, const struct policy_result *b)
{
	size_t i;

	if (a->nclocks != b->nclocks || a->nquestions != b->nquestions)
		return 0;
	for (i = 0; i < a->nclocks; i++)
		if (a->clocks[i].kind != b->clocks[i].kind ||
		    a->clocks[i].due != b->clocks[i].due ||
		    a->clocks[i].state != b->clocks[i].state ||
		    a->clocks[i].stopped_at != b->clocks[i].stopped_at ||
		    a->clocks[i].late_by != b->clocks[i].late_by)
			return 0;
	return 1;
}

/*
 * The order Bugzilla or the store hands the comments over in means
 * nothing, and a comment fetched twice counts once: shuffled, or with a
 * copy of one comment added, a random bug has the same clocks.
 */
START_TEST(test_order_invariant)
{
	struct model m;
	struct tbug tb;
	struct policy_result a, b;
	struct comment tmp, *c;
	char *who, *text;
	unsigned seed = testutil_seed() + (unsigned)_i, s;
	size_t i, j;
	int n;
	time_t now;

	for (n = 0; n < MODEL_BUGS; n++) {
		s = seed;
		model_random(&m, &seed);
		model_bug(&m, &tb);
		now = FILED + (time_t)(rand_r(&seed) % (25 * DAY));
		tb_eval(&tb, now, &a);
		for (i = tb.cl.n; i > 1; i--) {
			j = (size_t)rand_r(&seed) % i;
			tmp = tb.cl.v[i - 1];
			tb.cl.v[i - 1] = tb.cl.v[j];
			tb.cl.v[j] = tmp;
		}
		j = (size_t)rand_r(&seed) % tb.cl.n;
		tmp = tb.cl.v[j]; /* tb_comment may move the list */
		who = xstrdup(tmp.creator);
		text = xstrdup(tmp.text);
		c = tb_comment(&tb, who, tmp.time, text);
		c->id = tmp.id;
		c->count = tmp.count;
		free(who);
		free(text);
		tb_eval(&tb, now, &b);
		ck_assert_msg(same_clocks(&a, &b), "seed %u: order matters", s);
		policy_result_free(&a);
		policy_result_free(&b);
		tb_free(&tb);
	}
}
END_TEST

/*
 * Replies in the same second as the question: Bugzilla's comment numbers
 * say which came first.  A CA reply numbered after the question answers
 * it, on time; one numbered before it answers nothing.
 */
START_TEST(test_same_second)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t t = FILED + 2 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	if (_i == 0) {
		tb_comment(&tb, PROGRAM, t, "Is the list complete?");
		tb_comment(&tb, CA_REP, t, "Yes, the list is complete.");
	} else {
		tb_comment(&tb, CA_REP, t, "Here is the list.");
		tb_comment(&tb, PROGRAM, t, "Is the list complete?");
	}
	tb_eval(&tb, t + 8 * DAY, &r);
	c = find_clock(&r, CLOCK_RESPONSE, 0);
	ck_assert_ptr_nonnull(c);
	if (_i == 0) {
		ck_assert_int_eq(c->state, CLOCK_MET);
		ck_assert_int_eq(c->stopped_by_comment, 2);
		ck_assert_int_eq(c->late, 0);
		ck_assert_int_eq(r.questions[0].state, CLOCK_MET);
	} else
		ck_assert_int_eq(c->state, CLOCK_OVERDUE);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

static Suite *
rules_model_suite(void)
{
	Suite *s = suite_create("rules_model");
	TCase *tc = tcase_create("model");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_model, 0, 2);
	tcase_add_loop_test(tc, test_same_second, 0, 2);
	tcase_add_loop_test(tc, test_order_invariant, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rules_model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
