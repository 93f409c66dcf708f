/*
 * The update clocks of POLICY.md ("Next update wins", its two exceptions,
 * the revocation-delay cadence, a date that has passed) checked against a
 * reference model written from the rules alone, on random bugs whose
 * whiteboard a root store operator or the CA rewrites at random moments;
 * and the first second of each policy version, where each clock appears.
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
#include "zone.h"

/* 2026-03-02, under v3.1. */
#define FILED T(2026, 3, 2, 9, 0, 0)
/* Events per random bug, at most, of each kind. */
#define NEXT_COMMENTS 6
#define NEXT_CHANGES  4
#define NEXT_BUGS     200
#define NEXT_MOMENTS  8

/* One event of the model: a CA comment, or a whiteboard change. */
struct nev {
	time_t t;
	int by_ca;      /* the whiteboard: written by the CA side */
	int dday;       /* Next update: days after FILED's day; -1 none */
	int revocation; /* the whiteboard has [revocation-delay] */
};

/* A random bug: CA comments and whiteboard changes. */
struct nmodel {
	struct nev c[NEXT_COMMENTS];
	int nc;
	struct nev w[NEXT_CHANGES];
	int nw;
};

/* Order events by time. */
static int
nev_cmp(const void *a, const void *b)
{
	const struct nev *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/* The end of the day dday days after FILED's, UTC. */
static time_t
day_end(int dday)
{
	return T(2026, 3, 2, 23, 59, 59) + (time_t)dday * DAY;
}

/* Draw a random bug; times on 6-hour steps, dates within 40 days. */
static void
nmodel_random(struct nmodel *m, unsigned *seed)
{
	int i;

	m->nc = rand_r(seed) % (NEXT_COMMENTS + 1);
	for (i = 0; i < m->nc; i++)
		m->c[i].t = FILED + 1 + (time_t)(rand_r(seed) % 120) * 6 * HOUR;
	qsort(m->c, (size_t)m->nc, sizeof m->c[0], nev_cmp);
	m->nw = rand_r(seed) % (NEXT_CHANGES + 1);
	for (i = 0; i < m->nw; i++) {
		m->w[i].t =
		    FILED + 3 * HOUR + (time_t)(rand_r(seed) % 120) * 6 * HOUR;
		m->w[i].by_ca = rand_r(seed) % 4 == 0;
		m->w[i].dday = rand_r(seed) % 5 == 0 ? -1 : rand_r(seed) % 40;
		m->w[i].revocation = rand_r(seed) % 3 == 0;
	}
	qsort(m->w, (size_t)m->nw, sizeof m->w[0], nev_cmp);
}

/* Build the test bug of a model. */
static void
nmodel_bug(const struct nmodel *m, struct tbug *tb)
{
	char wb[128], d[16];
	struct tm tm;
	time_t e;
	int i;

	tb_acme(tb, FILED, OUTSIDE);
	for (i = 0; i < m->nc; i++)
		tb_comment(tb, CA_REP, m->c[i].t, "Update.");
	for (i = 0; i < m->nw; i++) {
		d[0] = '\0';
		if (m->w[i].dday >= 0) {
			e = day_end(m->w[i].dday);
			gmtime_r(&e, &tm);
			strftime(d, sizeof d, "%Y-%m-%d", &tm);
		}
		snprintf(wb, sizeof wb, "[ca-compliance]%s%s%s",
		    m->w[i].revocation ? " [revocation-delay]" : "",
		    *d != '\0' ? " Next update " : "", d);
		tb_whiteboard(
		    tb, m->w[i].by_ca ? CA_MATE : PROGRAM, m->w[i].t, wb);
	}
}

/*
 * The model's update clock at now: its kind, due, due-soon mark and the
 * time it was met (0: not), from POLICY.md's table and "Next update wins".
 */
static void
nmodel_clock(const struct nmodel *m, time_t now, int *rev, time_t *due,
    time_t *soon, time_t *met)
{
	time_t start = FILED, set = FILED, end;
	int i, dday = -1, set_by_ca = 0;

	for (i = 0; i < m->nc; i++)
		if (m->c[i].t <= now)
			start = m->c[i].t;
	*rev = 0;
	for (i = 0; i < m->nw && m->w[i].t <= now; i++) {
		if (m->w[i].dday != dday) {
			set = m->w[i].t;
			set_by_ca = m->w[i].by_ca;
		}
		dday = m->w[i].dday;
		*rev = m->w[i].revocation;
	}
	*met = 0;
	*due = start + 7 * DAY;
	*soon = *rev ? start + 3 * DAY : *due - WINDOW;
	if (dday < 0 || set_by_ca)
		return;
	end = day_end(dday);
	if (now > end) {
		/* Passed: from the last update, never before the end of D
		 * except where the revocation MUST holds. */
		if (!*rev && *due < end) {
			*due = end;
			*soon = end - WINDOW;
		}
		return;
	}
	*due = end;
	if (*rev && start + 7 * DAY < end)
		*due = start + 7 * DAY;
	*soon = *due - WINDOW;
	if (*rev && start + 3 * DAY < *soon)
		*soon = start + 3 * DAY;
	for (i = 0; i < m->nc && *met == 0; i++)
		if (m->c[i].t <= now && m->c[i].t > end - 7 * DAY &&
		    m->c[i].t > set)
			*met = m->c[i].t;
}

START_TEST(test_next_model)
{
	struct nmodel m;
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	unsigned seed = testutil_seed() + (unsigned)_i, s;
	time_t now, due, soon, met;
	int b, k, rev, want;

	for (b = 0; b < NEXT_BUGS; b++) {
		s = seed;
		nmodel_random(&m, &seed);
		nmodel_bug(&m, &tb);
		for (k = 0; k < NEXT_MOMENTS; k++) {
			now = FILED + (time_t)(rand_r(&seed) % (45 * DAY));
			if (k < 2 && m.nw > 0 && m.w[0].dday >= 0)
				now = day_end(m.w[0].dday) + k;
			nmodel_clock(&m, now, &rev, &due, &soon, &met);
			tb_eval(&tb, now, &r);
			c = find_clock(&r,
			    rev ? CLOCK_REVOCATION_UPDATE : CLOCK_UPDATE, 0);
			ck_assert_msg(
			    c != NULL, "seed %u k %d: no clock", s, k);
			want = met != 0   ? CLOCK_MET
			    : now > due   ? CLOCK_OVERDUE
			    : now >= soon ? CLOCK_DUE_SOON
					  : CLOCK_OK;
			ck_assert_msg(c->due == due && (int)c->state == want &&
				(met == 0 || c->stopped_at == met) &&
				(want == CLOCK_MET || c->soon_at == soon),
			    "seed %u k %d now %lld: due %lld/%lld state %d/%d "
			    "soon %lld/%lld met %lld/%lld",
			    s, k, (long long)now, (long long)c->due,
			    (long long)due, (int)c->state, want,
			    (long long)c->soon_at, (long long)soon,
			    (long long)c->stopped_at, (long long)met);
			policy_result_free(&r);
		}
		tb_free(&tb);
	}
}
END_TEST

/*
 * Each clock appears from the first second of the version that brought
 * it: the 72-hour report from 2.0, the revocation cadence and the action
 * item's 3 days from 3.0 (at the item's due date); the others ran before.
 */
static const struct {
	int y, m, d;
	enum clock_kind kind;
} since_table[] = {
    {2023, 10, 17, CLOCK_INITIAL_REPORT},
    {2025, 3, 1, CLOCK_REVOCATION_UPDATE},
    {2025, 3, 1, CLOCK_ACTION_ITEM},
};

START_TEST(test_version_boundaries)
{
	struct tbug tb;
	time_t v = T(since_table[_i / 2].y, since_table[_i / 2].m,
	    since_table[_i / 2].d, 0, 0, 0);
	enum clock_kind kind = since_table[_i / 2].kind;
	int before = _i % 2 == 0, n;
	time_t t = before ? v - 1 : v, look;
	char *text;

	switch (kind) {
	case CLOCK_INITIAL_REPORT:
		tb_acme(&tb, t, OUTSIDE);
		look = t + DAY;
		break;
	case CLOCK_REVOCATION_UPDATE:
		tb_acme(&tb, t - 30 * DAY, OUTSIDE);
		tb_whiteboard(&tb, PROGRAM, t - 20 * DAY,
		    "[ca-compliance] [leaf-revocation-delay]");
		tb_comment(&tb, CA_REP, t, "Revoked 10 of 20.");
		look = t + DAY;
		break;
	default:
		/* Listed under 2.0; due the day before 3.0, or its first. */
		tb_acme(&tb, T(2024, 1, 8, 0, 0, 0), CA_REP);
		xasprintf(&text,
		    "| Action Item | Kind | Due Date |\n|---|---|---|\n"
		    "| Add a lint | Prevent | %s |\n",
		    before ? "2025-02-28" : "2025-03-01");
		tb_comment(&tb, CA_REP, T(2024, 1, 20, 0, 0, 0), text);
		free(text);
		look = v + 2 * DAY;
		break;
	}
	n = state_at(&tb, kind, 0, look) != -1;
	ck_assert_msg(n == !before, "%s at %lld: %s",
	    policy_clock_kind_name(kind), (long long)t,
	    n ? "present" : "absent");
	/* Before 3.0 a revocation-delay bug runs the plain cadence. */
	if (kind == CLOCK_REVOCATION_UPDATE)
		ck_assert_int_eq(
		    state_at(&tb, CLOCK_UPDATE, 0, look) != -1, before);
	/* The report clock of 14 days ran under every version. */
	ck_assert_int_ne(state_at(&tb, CLOCK_FULL_REPORT, 0, look), -1);
	tb_free(&tb);
}
END_TEST

/*
 * An Action Item owes its update by the end of the third day after its
 * due date, by the calendar of the zone of date-only deadlines: across a
 * change of daylight saving time that is 71 or 73 hours after the end of
 * the due date, never an hour early or late.
 */
static const struct {
	const char *zone; /* NULL: UTC */
	const char *d;
	int y, m, dd, h, mi; /* the due time, UTC, second 59 */
} item_zone_table[] = {
    {NULL, "2026-04-01", 2026, 4, 4, 23, 59},
    {"Europe/Berlin", "2026-03-28", 2026, 3, 31, 21, 59},
    {"Europe/Berlin", "2026-10-24", 2026, 10, 27, 22, 59},
    {"America/New_York", "2026-03-06", 2026, 3, 10, 3, 59},
    {"+05:30", "2026-04-30", 2026, 5, 3, 18, 29},
};

START_TEST(test_item_zone)
{
	struct tbug tb;
	struct policy_result r;
	struct policy_options o;
	struct people p;
	struct zone *z = NULL;
	const struct clock *c;
	char *text, *cause = NULL;
	time_t due = T(item_zone_table[_i].y, item_zone_table[_i].m,
	    item_zone_table[_i].dd, item_zone_table[_i].h,
	    item_zone_table[_i].mi, 59);
	int k;

	if (item_zone_table[_i].zone != NULL) {
		z = zone_load(item_zone_table[_i].zone, &cause);
		ck_assert_msg(z != NULL, "%s", cause);
	}
	tb_acme(&tb, FILED, CA_REP);
	xasprintf(&text,
	    "| Action Item | Kind | Due Date | Status |\n|---|---|---|---|\n"
	    "| Add a lint | Prevent | %s | Ongoing |\n",
	    item_zone_table[_i].d);
	tb_comment(&tb, CA_REP, FILED + DAY, text);
	free(text);
	test_people(&p);
	policy_options_defaults(&o);
	o.zone = z;
	for (k = -1; k <= 1; k++) {
		policy_eval(&tb.bug, &tb.cl, &tb.hl, &p, &o, due + k, &r);
		c = find_clock(&r, CLOCK_ACTION_ITEM, 0);
		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(c->due, due);
		ck_assert_int_eq(
		    c->state, k <= 0 ? CLOCK_DUE_SOON : CLOCK_OVERDUE);
		policy_result_free(&r);
	}
	people_free(&p);
	zone_free(z);
	tb_free(&tb);
}
END_TEST

static Suite *
rules_next_suite(void)
{
	Suite *s = suite_create("rules_next");
	TCase *tc = tcase_create("next-update");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_next_model, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("zones");
	tcase_add_loop_test(
	    tc, test_item_zone, 0, CCWATCH_NELEM(item_zone_table));
	suite_add_tcase(s, tc);
	tc = tcase_create("versions");
	tcase_add_loop_test(
	    tc, test_version_boundaries, 0, 2 * CCWATCH_NELEM(since_table));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rules_next_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
