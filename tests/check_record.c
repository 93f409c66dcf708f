/*
 * Tests of the track record: the outcome of each clock kind in hand-built
 * histories (on time, late, missed open and closed, paused, withdrawn, not
 * applicable before v2.0), the cache in the store (only what changed is
 * evaluated again; a new configuration rebuilds it), the record's totals
 * against the per-bug outcomes, and the CSV against the JSON.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "people.h"
#include "policy.h"
#include "record.h"
#include "store.h"
#include "store_alerts.h"
#include "store_record.h"
#include "tbug.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Every bug of these tests is filed at T0 (after v3.2). */
#define T0 ((time_t)1767600000) /* 2026-01-05T08:00:00Z */

/* The outcomes of tb at now with the test people and default options. */
static void
outcomes(const struct tbug *tb, time_t now, struct outcome_bug *ob)
{
	struct people p;
	struct policy_options o;

	test_people(&p);
	policy_options_defaults(&o);
	record_bug_outcomes(&tb->bug, &tb->cl, &tb->hl, &p, &o, now, ob);
	people_free(&p);
}

/* The n-th row of a kind, or NULL. */
static const struct outcome_row *
row_of(const struct outcome_bug *ob, enum clock_kind k, int n)
{
	size_t i;

	for (i = 0; i < ob->nrows; i++) {
		if (ob->rows[i].kind == k && n-- == 0)
			return &ob->rows[i];
	}
	return NULL;
}

/* The number of rows of a kind. */
static int
rows_of(const struct outcome_bug *ob, enum clock_kind k)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ob->nrows; i++)
		n += ob->rows[i].kind == k;
	return n;
}

/* Assert the n-th row of kind k has outcome o (and late_by when >= 0). */
static const struct outcome_row *
expect(const struct outcome_bug *ob, enum clock_kind k, int n, enum outcome o,
    long long late_by)
{
	const struct outcome_row *r = row_of(ob, k, n);

	ck_assert_msg(r != NULL, "no %s row %d", policy_clock_kind_name(k), n);
	ck_assert_msg(r->outcome == o, "%s row %d: %s, want %s",
	    policy_clock_kind_name(k), n, store_outcome_name(r->outcome),
	    store_outcome_name(o));
	if (late_by >= 0)
		ck_assert_int_eq(r->late_by, late_by);
	return r;
}

START_TEST(test_initial_on_time_and_late)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	tb_acme(&tb, T0, OUTSIDE);
	tb_comment(&tb, CA_REP, T0 + 24 * HOUR, "We are looking into it.");
	outcomes(&tb, T0 + 2 * DAY, &ob);
	r = expect(&ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->ended_at, T0 + 24 * HOUR);
	ck_assert_int_eq(r->due, T0 + 72 * HOUR);
	ck_assert(!ob.self_reported);
	ck_assert_str_eq(ob.ca, "Acme");
	outcome_bug_free(&ob);
	tb_free(&tb);

	tb_acme(&tb, T0, OUTSIDE);
	tb_comment(&tb, CA_REP, T0 + 80 * HOUR, "Sorry for the delay.");
	outcomes(&tb, T0 + 5 * DAY, &ob);
	expect(&ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_LATE, 8 * HOUR);
	outcome_bug_free(&ob);
	tb_free(&tb);

	/* Filed by the CA itself: met at once, self-reported. */
	tb_acme(&tb, T0, CA_REP);
	outcomes(&tb, T0 + DAY, &ob);
	expect(&ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_ON_TIME, 0);
	ck_assert(ob.self_reported);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

/*
 * A bug's CA: the configured CA its summary names, else the configured CA
 * of its assignee, else the summary's owner; spellings share one key, and
 * a summary changed to another CA moves the whole record there.
 */
START_TEST(test_ca_of_bug)
{
	static const char *const spellings[] = {"DigiCert: Bad OU",
	    "DigiCert Inc.: Late CRL", "DIGICERT - OCSP outage",
	    "[DigiCert, Inc.] Wrong key usage"};
	struct tbug tb;
	struct outcome_bug ob;
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(spellings); i++) {
		tb_init(&tb, spellings[i], OUTSIDE, "nobody@mozilla.org", T0,
		    "Found it.");
		outcomes(&tb, T0 + DAY, &ob);
		ck_assert_msg(
		    ob.ca_key != NULL && strcmp(ob.ca_key, "digicert") == 0,
		    "'%s': key %s", spellings[i],
		    ob.ca_key != NULL ? ob.ca_key : "(null)");
		outcome_bug_free(&ob);
		tb_free(&tb);
	}
	/* An unknown owner in the summary, Acme's representative assigned. */
	tb_init(&tb, "PKI Services: Late CRL", OUTSIDE, CA_REP, T0, "Late.");
	outcomes(&tb, T0 + DAY, &ob);
	ck_assert_str_eq(ob.ca, "Acme");
	ck_assert_str_eq(ob.ca_key, "acme");
	outcome_bug_free(&ob);
	tb_free(&tb);
	/* Filed against Acme, then renamed to Other Trust's bug. */
	tb_init(&tb, "Acme: Bad OCSP", OUTSIDE, "x@other.example", T0, "Bad.");
	tb_comment(&tb, "x@other.example", T0 + 10 * HOUR, "Ours, looking.");
	outcomes(&tb, T0 + 20 * HOUR, &ob);
	ck_assert_str_eq(ob.ca_key, "acme");
	outcome_bug_free(&ob);
	tb_set(&tb, PROGRAM, T0 + 30 * HOUR, "summary", &tb.bug.summary,
	    "Other Trust: Bad OCSP");
	outcomes(&tb, T0 + 2 * DAY, &ob);
	ck_assert_str_eq(ob.ca, "Other Trust");
	ck_assert_str_eq(ob.ca_key, "othertrust");
	ck_assert_int_gt(ob.nrows, 0);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_missed_open_and_closed)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	/* Still open, nobody from the CA said anything in 5 days. */
	tb_acme(&tb, T0, OUTSIDE);
	outcomes(&tb, T0 + 5 * DAY, &ob);
	r = expect(
	    &ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_MISSED, 5 * DAY - 72 * HOUR);
	ck_assert(!r->closed);
	ck_assert_int_eq(r->ended_at, 0);
	expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_RUNNING, 0);
	ck_assert_int_eq(ob.resolved_at, 0);
	outcome_bug_free(&ob);

	/* Closed on day 4: the 72 hours were missed, the 14 days never came. */
	tb_resolve(&tb, PROGRAM, T0 + 4 * DAY, "INVALID");
	outcomes(&tb, T0 + 30 * DAY, &ob);
	r = expect(
	    &ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_MISSED, 4 * DAY - 72 * HOUR);
	ck_assert(r->closed);
	ck_assert_int_eq(r->ended_at, T0 + 4 * DAY);
	expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_CLOSED_EARLY, 0);
	ck_assert_int_eq(ob.resolved_at, T0 + 4 * DAY);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_update_instances)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	tb_acme(&tb, T0, OUTSIDE);
	tb_comment(&tb, CA_REP, T0 + DAY, "Looking.");
	tb_comment(&tb, CA_REP, T0 + 5 * DAY, "Still looking.");
	tb_comment(&tb, CA_REP, T0 + 15 * DAY, "An update.");
	outcomes(&tb, T0 + 30 * DAY, &ob);
	ck_assert_int_eq(rows_of(&ob, CLOCK_UPDATE), 4);
	r = expect(&ob, CLOCK_UPDATE, 0, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->started_at, T0);
	ck_assert_int_eq(r->ended_at, T0 + DAY);
	r = expect(&ob, CLOCK_UPDATE, 1, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->due, T0 + 8 * DAY);
	r = expect(&ob, CLOCK_UPDATE, 2, OUTCOME_LATE, 3 * DAY);
	ck_assert_int_eq(r->ended_at, T0 + 15 * DAY);
	r = expect(&ob, CLOCK_UPDATE, 3, OUTCOME_MISSED, 8 * DAY);
	ck_assert(!r->closed);
	/* The full report never came: missed since day 14, still open. */
	expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_MISSED, 16 * DAY);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_paused)
{
	struct tbug tb;
	struct outcome_bug ob;

	tb_acme(&tb, T0, CA_REP);
	tb_comment(&tb, CA_REP, T0 + 2 * DAY,
	    "# Incident Closure Summary\n\nIncident description: ...\n");
	tb_comment(&tb, CA_REP, T0 + 3 * DAY, "Anything else?");
	outcomes(&tb, T0 + 40 * DAY, &ob);
	expect(&ob, CLOCK_UPDATE, 0, OUTCOME_ON_TIME, 0);
	/* One paused row however many CA comments follow the closure. */
	expect(&ob, CLOCK_UPDATE, 1, OUTCOME_PAUSED, 0);
	ck_assert_int_eq(rows_of(&ob, CLOCK_UPDATE), 2);
	ck_assert_int_eq(row_of(&ob, CLOCK_UPDATE, 1)->due, 0);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_withdrawn_and_answered)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	tb_acme(&tb, T0, CA_REP);
	tb_comment(&tb, PROGRAM, T0 + DAY, "Which certificates?");
	tb_needinfo(&tb, PROGRAM, T0 + DAY, CA_REP, 1);
	tb_needinfo(&tb, PROGRAM, T0 + 2 * DAY, CA_REP, 0);
	tb_comment(&tb, PROGRAM, T0 + 3 * DAY, "And when did it start?");
	tb_comment(&tb, CA_REP, T0 + 4 * DAY, "On the 1st.");
	outcomes(&tb, T0 + 6 * DAY, &ob);
	expect(&ob, CLOCK_RESPONSE, 0, OUTCOME_WITHDRAWN, 0);
	r = expect(&ob, CLOCK_RESPONSE, 1, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->ended_at - r->started_at, DAY);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_pre_v2_no_initial)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;
	time_t old = policy_version_start(POLICY_CCADB_2_0) - 60 * DAY;

	tb_acme(&tb, old, OUTSIDE);
	tb_comment(&tb, CA_REP, old + 10 * DAY, "Looking.");
	tb_resolve(&tb, PROGRAM, old + 20 * DAY, "FIXED");
	outcomes(&tb, old + 100 * DAY, &ob);
	r = expect(&ob, CLOCK_INITIAL_REPORT, 0, OUTCOME_NOT_APPLICABLE, 0);
	ck_assert_int_eq(r->version, POLICY_CCADB_1_0);
	ck_assert_int_eq(rows_of(&ob, CLOCK_INITIAL_REPORT), 1);
	/* The full report was missed when the bug closed on day 20. */
	r = expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_MISSED, 6 * DAY);
	ck_assert(r->closed);
	/* The update met late on day 10; the next overdue at the closure. */
	expect(&ob, CLOCK_UPDATE, 0, OUTCOME_LATE, 3 * DAY);
	r = expect(&ob, CLOCK_UPDATE, 1, OUTCOME_MISSED, 3 * DAY);
	ck_assert(r->closed);
	ck_assert_int_eq(rows_of(&ob, CLOCK_UPDATE), 2);
	outcome_bug_free(&ob);
	tb_free(&tb);

	/* Closed before the next update came due. */
	tb_acme(&tb, old, OUTSIDE);
	tb_comment(&tb, CA_REP, old + 10 * DAY, "Looking.");
	tb_resolve(&tb, PROGRAM, old + 12 * DAY, "FIXED");
	outcomes(&tb, old + 100 * DAY, &ob);
	expect(&ob, CLOCK_UPDATE, 1, OUTCOME_CLOSED_EARLY, 0);
	expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_CLOSED_EARLY, 0);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_full_report_and_reopen)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	tb_acme(&tb, T0, CA_REP);
	tb_comment(&tb, CA_REP, T0 + 10 * DAY,
	    "## Summary\nWe misissued.\n\n## Impact\n12.\n\n"
	    "## Timeline\n- ...\n\n## Related Incidents\nNone.\n\n"
	    "## Root Cause Analysis\nA bug.\n\n## Lessons Learned\nMany.\n\n"
	    "## Action Items\n| item | date |\n\n## Appendix\nlinks\n");
	tb_resolve(&tb, PROGRAM, T0 + 12 * DAY, "FIXED");
	tb_resolve(&tb, PROGRAM, T0 + 20 * DAY, "");
	outcomes(&tb, T0 + 40 * DAY, &ob);
	r = expect(&ob, CLOCK_FULL_REPORT, 0, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->ended_at - r->started_at, 10 * DAY);
	ck_assert_int_eq(rows_of(&ob, CLOCK_FULL_REPORT), 1);
	ck_assert_int_eq(ob.resolved_at, 0);
	/* The reopened bug's update clock runs from the reopening: missed. */
	r = row_of(&ob, CLOCK_UPDATE, rows_of(&ob, CLOCK_UPDATE) - 1);
	ck_assert_int_eq(r->started_at, T0 + 20 * DAY);
	ck_assert_int_eq(r->outcome, OUTCOME_MISSED);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

/* A v3 Action Items table of two items, as the CA posts it. */
static void
post_items(struct tbug *tb, time_t t, const char *d1, const char *s1,
    const char *d2, const char *s2)
{
	char *text;

	xasprintf(&text,
	    "## Action Items\n\n| Action Item | Kind | Corresponding Root "
	    "Cause(s) | Evaluation Criteria | Due Date | Status |\n"
	    "|---|---|---|---|---|---|\n| AI-1: Add a lint for the SAN | "
	    "Prevent | RC1 | CT | %s | %s |\n| AI-2: Train the validation "
	    "staff | Mitigate | RC2 | Audit | %s | %s |\n",
	    d1, s1, d2, s2);
	tb_comment(tb, CA_REP, t, text);
	free(text);
}

START_TEST(test_action_items)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;
	time_t end = T(2026, 3, 2, 23, 59, 59);

	/* AI-1 restated complete a day after its date: on time (3 days). */
	tb_acme(&tb, T0, CA_REP);
	post_items(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-03-02", "Ongoing");
	post_items(
	    &tb, end + DAY, "2026-03-02", "Complete", "2026-03-02", "Ongoing");
	outcomes(&tb, end + 20 * DAY, &ob);
	ck_assert_int_eq(rows_of(&ob, CLOCK_ACTION_ITEM), 2);
	r = expect(&ob, CLOCK_ACTION_ITEM, 0, OUTCOME_ON_TIME, 0);
	ck_assert_int_eq(r->started_at, end);
	ck_assert_int_eq(r->due, end + 3 * DAY);
	/* AI-2 was restated too (still ongoing): met on time as well. */
	expect(&ob, CLOCK_ACTION_ITEM, 1, OUTCOME_ON_TIME, 0);
	outcome_bug_free(&ob);
	tb_free(&tb);

	/* Nothing said after the date: both missed, the bug still open. */
	tb_acme(&tb, T0, CA_REP);
	post_items(&tb, T(2026, 1, 19, 9, 0, 0), "2026-03-02", "Ongoing",
	    "2026-03-02", "Ongoing");
	outcomes(&tb, end + 10 * DAY, &ob);
	expect(&ob, CLOCK_ACTION_ITEM, 0, OUTCOME_MISSED, 7 * DAY);
	expect(&ob, CLOCK_ACTION_ITEM, 1, OUTCOME_MISSED, 7 * DAY);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

START_TEST(test_revocation_update)
{
	struct tbug tb;
	struct outcome_bug ob;
	const struct outcome_row *r;

	tb_acme(&tb, T0, CA_REP);
	tb_whiteboard(
	    &tb, PROGRAM, T0 + HOUR, "[ca-compliance] [revocation-delay]");
	tb_comment(&tb, CA_REP, T0 + 2 * DAY, "Revoking the rest this week.");
	tb_comment(&tb, CA_REP, T0 + 12 * DAY, "Done with most.");
	outcomes(&tb, T0 + 14 * DAY, &ob);
	ck_assert_int_eq(rows_of(&ob, CLOCK_UPDATE), 0);
	ck_assert_int_ge(rows_of(&ob, CLOCK_REVOCATION_UPDATE), 2);
	/* From day 2 the next update was due by day 9: three days late. */
	r = expect(&ob, CLOCK_REVOCATION_UPDATE,
	    rows_of(&ob, CLOCK_REVOCATION_UPDATE) - 2, OUTCOME_LATE, 3 * DAY);
	ck_assert_int_eq(r->started_at, T0 + 2 * DAY);
	expect(&ob, CLOCK_REVOCATION_UPDATE,
	    rows_of(&ob, CLOCK_REVOCATION_UPDATE) - 1, OUTCOME_RUNNING, 0);
	outcome_bug_free(&ob);
	tb_free(&tb);
}
END_TEST

/* The store of the record tests and its directory. */
static char *dir;
static struct store *st;

/* Open a fresh store. */
static void
setup(void)
{
	char *path, *cause = NULL;

	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/ccwatch.db", dir);
	st = store_open(path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	free(path);
}

/* Close and remove it. */
static void
teardown(void)
{
	store_close(st);
	testutil_rmdir(dir);
	free(dir);
}

/* Store a test bug under id, with its comments and history. */
static void
put_tbug(struct tbug *tb, int64_t id)
{
	char *cause = NULL;
	size_t i;

	tb->bug.id = id;
	tb->bug.last_change_time = tb->bug.creation_time;
	ck_assert(store_begin(st, &cause) == 0);
	ck_assert_msg(store_put_bug(st, &tb->bug, &cause) == 0, "%s", cause);
	for (i = 0; i < tb->cl.n; i++) {
		tb->cl.v[i].bug_id = id;
		tb->cl.v[i].id = id * 1000 + (int64_t)i;
		ck_assert(store_put_comment(st, &tb->cl.v[i], &cause) == 0);
	}
	for (i = 0; i < tb->hl.n; i++) {
		tb->hl.v[i].bug_id = id;
		ck_assert(store_put_history(st, &tb->hl.v[i], &cause) == 0);
	}
	ck_assert(store_commit(st, &cause) == 0);
}

/* Fill the store: two of Acme's bugs (one closed), one of another CA. */
static void
fill(void)
{
	struct tbug tb;

	tb_acme(&tb, T0, OUTSIDE);
	tb_comment(&tb, CA_REP, T0 + 80 * HOUR, "Late.");
	tb_resolve(&tb, PROGRAM, T0 + 9 * DAY, "FIXED");
	put_tbug(&tb, 11);
	tb_free(&tb);
	tb_acme(&tb, T0 + DAY, CA_REP);
	tb_comment(&tb, PROGRAM, T0 + 2 * DAY, "Why?");
	tb_comment(&tb, CA_REP, T0 + 3 * DAY, "Because.");
	put_tbug(&tb, 12);
	tb_free(&tb);
	tb_init(&tb, "Other Trust: Bad OCSP", "x@other.example",
	    "x@other.example", T0 + 2 * DAY, "Ours.");
	tb_resolve(&tb, PROGRAM, T0 + 30 * DAY, "FIXED");
	put_tbug(&tb, 13);
	tb_free(&tb);
}

/* Refresh the cache at now; returns how many bugs were evaluated. */
static size_t
refresh(const struct people *p, time_t now, struct outcome_list *l)
{
	struct policy_options o;
	char *cause = NULL;
	size_t n = 0;

	policy_options_defaults(&o);
	ck_assert_msg(
	    record_refresh(st, p, &o, now, 0, l, &n, &cause) == 0, "%s", cause);
	return n;
}

START_TEST(test_cache)
{
	struct outcome_list l;
	struct people p;
	struct tbug tb;
	time_t now = T0 + 60 * DAY;

	fill();
	test_people(&p);
	ck_assert_int_eq(refresh(&p, now, &l), 3);
	ck_assert_int_eq(l.n, 3);
	outcome_list_free(&l);
	/* Only the open bug is evaluated again. */
	ck_assert_int_eq(refresh(&p, now, &l), 1);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_gt(l.v[0].nrows, 0);
	ck_assert_int_eq(l.v[0].id, 11);
	expect(&l.v[0], CLOCK_INITIAL_REPORT, 0, OUTCOME_LATE, 8 * HOUR);
	outcome_list_free(&l);
	/* A new comment on a closed bug: that bug again. */
	tb_init(&tb, "Other Trust: Bad OCSP", "x@other.example",
	    "x@other.example", T0 + 2 * DAY, "Ours.");
	tb_comment(&tb, "x@other.example", T0 + 40 * DAY, "Later note.");
	tb_resolve(&tb, PROGRAM, T0 + 30 * DAY, "FIXED");
	put_tbug(&tb, 13);
	tb_free(&tb);
	ck_assert_int_eq(refresh(&p, now, &l), 2);
	outcome_list_free(&l);
	/* Open bugs computed at most an hour ago are kept, when asked. */
	{
		struct policy_options o;
		char *cause = NULL;
		size_t n = 9;

		policy_options_defaults(&o);
		ck_assert(record_refresh(
			      st, &p, &o, now + 60, 3600, &l, &n, &cause) == 0);
		ck_assert_int_eq(n, 0);
		outcome_list_free(&l);
		ck_assert(record_refresh(st, &p, &o, now + 7200, 3600, &l, &n,
			      &cause) == 0);
		ck_assert_int_eq(n, 1);
		outcome_list_free(&l);
	}
	/* Another configuration: everything again. */
	people_add_ca(&p, "Other Trust");
	ck_assert_int_eq(refresh(&p, now, &l), 3);
	outcome_list_free(&l);
	people_free(&p);
}
END_TEST

/*
 * What Bugzilla hides, the record forgets: a bug gone (hidden, or moved
 * out of the component) leaves the record at once, cached rows included,
 * and comes back when it is tracked again.
 */
START_TEST(test_gone_forgotten)
{
	struct outcome_list l;
	struct people p;
	char *cause = NULL;
	time_t now = T0 + 60 * DAY;
	size_t i;

	fill();
	test_people(&p);
	ck_assert_int_eq(refresh(&p, now, &l), 3);
	outcome_list_free(&l);
	ck_assert_msg(
	    store_set_bug_gone(st, 12, "hidden", &cause) == 0, "%s", cause);
	/* 12 was the open bug: nothing is evaluated again. */
	ck_assert_int_eq(refresh(&p, now, &l), 0);
	ck_assert_int_eq(l.n, 2);
	for (i = 0; i < l.n; i++)
		ck_assert_int_ne(l.v[i].id, 12);
	outcome_list_free(&l);
	memset(&l, 0, sizeof l);
	ck_assert_msg(store_record_load(st, &l, &cause) == 0, "%s", cause);
	ck_assert_int_eq(l.n, 2);
	outcome_list_free(&l);
	ck_assert(store_set_bug_gone(st, 12, "", &cause) == 0);
	ck_assert_int_eq(refresh(&p, now, &l), 1);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.v[1].id, 12);
	outcome_list_free(&l);
	people_free(&p);
}
END_TEST

/*
 * A comment that vanished (deleted, or made private) without a change of
 * the bug's time is the bug's record changed: what it met is met no more.
 */
START_TEST(test_vanished_comment)
{
	struct outcome_list l;
	struct outcome_bug *b;
	struct people p;
	char *cause = NULL;
	time_t now = T0 + 60 * DAY;

	fill();
	test_people(&p);
	refresh(&p, now, &l);
	b = outcome_list_find(&l, 11);
	ck_assert_ptr_nonnull(b);
	expect(b, CLOCK_INITIAL_REPORT, 0, OUTCOME_LATE, 8 * HOUR);
	outcome_list_free(&l);
	ck_assert_msg(store_vanish_comments(st, 11, &cause) == 0, "%s", cause);
	/* The open bug 12, and 11 whose comments vanished. */
	ck_assert_int_eq(refresh(&p, now, &l), 2);
	b = outcome_list_find(&l, 11);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(row_of(b, CLOCK_INITIAL_REPORT, 0));
	ck_assert_int_ne(
	    row_of(b, CLOCK_INITIAL_REPORT, 0)->outcome, OUTCOME_LATE);
	outcome_list_free(&l);
	people_free(&p);
}
END_TEST

/*
 * A snoozed bug or clock keeps its record: a snooze quiets alerts, it
 * changes no deadline and no outcome.
 */
START_TEST(test_snooze_keeps_record)
{
	struct outcome_list a, b;
	struct people p;
	char *cause = NULL;
	time_t now = T0 + 60 * DAY;
	size_t i, j;

	fill();
	test_people(&p);
	refresh(&p, now, &a);
	ck_assert_msg(store_snooze_put(st, 12, NULL, now + 30 * DAY, "quiet",
			  now, &cause) == 0,
	    "%s", cause);
	ck_assert(store_snooze_put(st, 11, "initial-report", now + 30 * DAY,
		      "quiet", now, &cause) == 0);
	ck_assert_int_eq(refresh(&p, now, &b), 1);
	ck_assert_int_eq(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		ck_assert_int_eq(a.v[i].id, b.v[i].id);
		ck_assert_int_eq(a.v[i].nrows, b.v[i].nrows);
		for (j = 0; j < a.v[i].nrows; j++) {
			ck_assert_int_eq(
			    a.v[i].rows[j].outcome, b.v[i].rows[j].outcome);
			ck_assert_int_eq(
			    a.v[i].rows[j].due, b.v[i].rows[j].due);
			ck_assert_int_eq(
			    a.v[i].rows[j].late_by, b.v[i].rows[j].late_by);
		}
	}
	ck_assert_int_gt(a.v[0].nrows, 0);
	outcome_list_free(&a);
	outcome_list_free(&b);
	people_free(&p);
}
END_TEST

/* Count the rows of the list that came due by now, per outcome. */
static void
count_rows(const struct outcome_list *l, time_t now, long long *n)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->v[i].nrows; j++) {
			const struct outcome_row *r = &l->v[i].rows[j];

			if (r->due != 0 && r->due <= now &&
			    r->outcome <= OUTCOME_MISSED)
				n[r->outcome]++;
		}
	}
}

START_TEST(test_totals_and_formats)
{
	struct outcome_list l;
	struct caname_table t;
	struct record_filter f;
	struct record rec;
	struct people p;
	long long n[3] = {0, 0, 0}, due = 0, ok = 0, late = 0, miss = 0;
	json_t *j, *ca, *clock;
	char *csv = NULL, line[512];
	size_t len = 0, i, k, rows = 0;
	FILE *mem;
	time_t now = T0 + 60 * DAY;

	fill();
	test_people(&p);
	refresh(&p, now, &l);
	record_ca_table(&p, &l, &t);
	memset(&f, 0, sizeof f);
	record_make(&l, &t, &f, now, &rec);
	count_rows(&l, now, n);
	ck_assert_int_eq(rec.ncas, 2);
	for (k = 0; k < POLICY_NKINDS; k++) {
		due += rec.total.clocks[k].came_due;
		ok += rec.total.clocks[k].on_time;
		late += rec.total.clocks[k].late;
		miss += rec.total.clocks[k].missed;
	}
	ck_assert_int_eq(ok, n[OUTCOME_ON_TIME]);
	ck_assert_int_eq(late, n[OUTCOME_LATE]);
	ck_assert_int_eq(miss, n[OUTCOME_MISSED]);
	ck_assert_int_eq(due, ok + late + miss);
	ck_assert_int_gt(due, 0);
	ck_assert_int_eq(rec.total.filed, 3);
	/* Bug 13's assignee is its creator: the CA side filed it. */
	ck_assert_int_eq(rec.total.self_reported, 2);
	ck_assert_int_eq(rec.total.open, 1);
	ck_assert_int_eq(rec.total.oldest_open_bug, 12);
	/* The CAs add up to the total. */
	ck_assert_int_eq(rec.cas[0].filed + rec.cas[1].filed, 3);

	/* Every CSV row holds the numbers of the JSON. */
	j = record_json(&rec);
	mem = open_memstream(&csv, &len);
	record_write_csv(&rec, mem);
	fclose(mem);
	mem = fmemopen(csv, len, "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, mem));
	while (fgets(line, sizeof line, mem) != NULL) {
		char name[128], key[128], kind[32];
		long long v[6];
		int total;

		ck_assert_int_eq(
		    sscanf(line,
			"\"%127[^\"]\",\"%127[^\"]\",%31[^,],%d,%lld,"
			"%lld,%lld,%lld,%lld,%lld",
			name, key, kind, &total, &v[0], &v[1], &v[2], &v[3],
			&v[4], &v[5]) == 10 ||
			sscanf(line,
			    "\"\",\"\",%31[^,],%d,%lld,%lld,%lld,%lld,"
			    "%lld,%lld",
			    kind, &total, &v[0], &v[1], &v[2], &v[3], &v[4],
			    &v[5]) == 8,
		    1);
		ca = json_object_get(j, "total");
		for (i = 0;
		     !total && i < json_array_size(json_object_get(j, "cas"));
		     i++) {
			ca = json_array_get(json_object_get(j, "cas"), i);
			if (strcmp(
				json_string_value(json_object_get(ca, "key")),
				key) == 0)
				break;
		}
		clock = json_object_get(json_object_get(ca, "clocks"), kind);
		ck_assert_ptr_nonnull(clock);
		ck_assert_int_eq(v[0],
		    json_integer_value(json_object_get(clock, "came_due")));
		ck_assert_int_eq(v[1],
		    json_integer_value(json_object_get(clock, "on_time")));
		ck_assert_int_eq(
		    v[2], json_integer_value(json_object_get(clock, "late")));
		ck_assert_int_eq(
		    v[3], json_integer_value(json_object_get(clock, "missed")));
		rows++;
	}
	fclose(mem);
	ck_assert_int_eq(rows, 3 * POLICY_NKINDS);
	free(csv);
	json_decref(j);

	/* One CA by an alias-free spelling, and a period with nothing due. */
	record_free(&rec);
	f.ca = "ACME";
	record_make(&l, &t, &f, now, &rec);
	ck_assert_int_eq(rec.ncas, 1);
	ck_assert_str_eq(rec.cas[0].name, "Acme");
	ck_assert_int_eq(rec.total.filed, 2);
	record_free(&rec);
	f.ca = NULL;
	f.since = now + DAY;
	f.until = now + 2 * DAY;
	record_make(&l, &t, &f, now, &rec);
	ck_assert_int_eq(rec.total.filed, 0);
	ck_assert_int_eq(rec.total.clocks[CLOCK_UPDATE].came_due, 0);
	record_free(&rec);
	caname_table_free(&t);
	outcome_list_free(&l);
	people_free(&p);
}
END_TEST

START_TEST(test_private_plan)
{
	struct outcome_row rows[2];
	struct outcome_bug b;
	struct outcome_list l = {&b, 1};
	struct caname_table t;
	struct record_filter f;
	struct record rec;
	time_t now = T0 + 60 * DAY;

	memset(rows, 0, sizeof rows);
	rows[0].kind = CLOCK_ACTION_ITEM;
	rows[0].due = T0 + 10 * DAY;
	rows[0].outcome = OUTCOME_MISSED;
	rows[1].kind = CLOCK_UPDATE;
	rows[1].due = T0 + 7 * DAY;
	rows[1].outcome = OUTCOME_ON_TIME;
	memset(&b, 0, sizeof b);
	b.id = 7;
	b.filed = T0;
	b.ca = (char *)"Acme";
	b.ca_key = (char *)"acme";
	b.private_comments = 1;
	b.rows = rows;
	b.nrows = 2;
	caname_table_init(&t);
	memset(&f, 0, sizeof f);
	/* The feed's record: no action item read from a private comment. */
	record_make(&l, &t, &f, now, &rec);
	ck_assert_int_eq(rec.total.clocks[CLOCK_ACTION_ITEM].came_due, 0);
	ck_assert_int_eq(rec.total.clocks[CLOCK_UPDATE].came_due, 1);
	ck_assert_int_eq(rec.total.items_due, 0);
	record_free(&rec);
	f.include_restricted = 1;
	record_make(&l, &t, &f, now, &rec);
	ck_assert_int_eq(rec.total.clocks[CLOCK_ACTION_ITEM].missed, 1);
	ck_assert_int_eq(rec.total.items_slipped, 1);
	record_free(&rec);
	caname_table_free(&t);
}
END_TEST

START_TEST(test_quantile)
{
	long long v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	struct record_series s = {v, 10};

	ck_assert_int_eq(record_quantile(&s, 0.5), 5);
	ck_assert_int_eq(record_quantile(&s, 0.9), 9);
	s.n = 1;
	ck_assert_int_eq(record_quantile(&s, 0.9), 1);
	s.n = 0;
	ck_assert_int_eq(record_quantile(&s, 0.5), 0);
}
END_TEST

/* The suite. */
static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("outcomes");
	tcase_add_test(tc, test_initial_on_time_and_late);
	tcase_add_test(tc, test_missed_open_and_closed);
	tcase_add_test(tc, test_ca_of_bug);
	tcase_add_test(tc, test_update_instances);
	tcase_add_test(tc, test_paused);
	tcase_add_test(tc, test_withdrawn_and_answered);
	tcase_add_test(tc, test_pre_v2_no_initial);
	tcase_add_test(tc, test_full_report_and_reopen);
	tcase_add_test(tc, test_action_items);
	tcase_add_test(tc, test_revocation_update);
	suite_add_tcase(s, tc);
	tc = tcase_create("record");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cache);
	tcase_add_test(tc, test_gone_forgotten);
	tcase_add_test(tc, test_snooze_keeps_record);
	tcase_add_test(tc, test_vanished_comment);
	tcase_add_test(tc, test_totals_and_formats);
	tcase_add_test(tc, test_quantile);
	tcase_add_test(tc, test_private_plan);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
