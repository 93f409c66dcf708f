/*
 * Tests of policy: every clock of POLICY.md at its boundaries, under each
 * policy version, and the rules that move, pause and stop them.  "Now" is
 * always an argument; no test reads the wall clock.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "people.h"
#include "policy.h"
#include "tbug.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* A moment ten days into each version. */
static time_t
version_day(int v)
{
	return policy_version_start(v) + 10 * DAY + 12 * HOUR;
}

START_TEST(test_initial_report_boundaries)
{
	struct tbug tb;
	time_t c = version_day(_i), due = c + 72 * HOUR;
	struct comment *cm;

	tb_acme(&tb, c, OUTSIDE);
	if (_i < POLICY_CCADB_2_0) {
		ck_assert_int_eq(state_at(&tb, CLOCK_INITIAL_REPORT, 0, c), -1);
		tb_free(&tb);
		return;
	}
	assert_boundaries(&tb, CLOCK_INITIAL_REPORT, due, due - WINDOW);
	/* A CA-side reply exactly at the deadline is met, a second later late.
	 */
	cm = tb_comment(&tb, CA_MATE, due, "We are looking into it.");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, due + DAY), CLOCK_MET);
	cm->time = due + 1;
	{
		struct policy_result r;
		const struct clock *k;

		tb_eval(&tb, due + DAY, &r);
		k = find_clock(&r, CLOCK_INITIAL_REPORT, 0);
		ck_assert_int_eq(k->state, CLOCK_MET);
		ck_assert_int_eq(k->late, 1);
		ck_assert_int_eq(k->stopped_by_comment, 1);
		ck_assert_int_eq(k->version, _i);
		policy_result_free(&r);
	}
	tb_free(&tb);
}
END_TEST

START_TEST(test_initial_report_filed_by_ca)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;

	tb_acme(&tb, version_day(POLICY_CCADB_3_2), CA_MATE);
	tb_eval(&tb, version_day(POLICY_CCADB_3_2) + 30 * DAY, &r);
	k = find_clock(&r, CLOCK_INITIAL_REPORT, 0);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->state, CLOCK_MET);
	ck_assert_int_eq(k->late, 0);
	ck_assert_int_eq(k->stopped_by_comment, 0);
	ck_assert_ptr_nonnull(strstr(k->evidence[1].text, "met at once"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

static const char full_report_v3[] =
    "## Summary\nWe misissued.\n\n## Impact\n12 certificates.\n\n"
    "## Timeline\n- 2026-01-01 ...\n\n## Related Incidents\nNone.\n\n"
    "## Root Cause Analysis\nA bug.\n\n## Lessons Learned\nMany.\n\n"
    "## Action Items\n| item | date |\n\n## Appendix\ncrt.sh links\n";

static const char full_report_bold[] =
    "**Summary:** we misissued\n**Impact:** 12\n**Timeline:**\n...\n"
    "**Root Cause Analysis:** a bug\nAction Items\n";

static const char not_a_report[] =
    "## Summary\nA preliminary report.\n## Impact\nTBD\n## Timeline\nsoon\n"
    "The root cause analysis will follow; lessons learned later.\n";

static const char wiki_report[] =
    "1. How your CA first became aware of the problem: a report.\n"
    "2. A timeline of the actions your CA took: ...\n"
    "3. Whether your CA has stopped issuing: yes.\n"
    "4. A summary of the problematic certificates: 3.\n"
    "5. The complete certificate data: attached.\n"
    "6. Explanation about how and why the mistakes were made: ...\n"
    "7. List of steps your CA is taking to resolve the situation: ...\n";

START_TEST(test_full_report_boundaries)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t c = version_day(_i), due = c + 14 * DAY;

	tb_acme(&tb, c, OUTSIDE);
	assert_boundaries(&tb, CLOCK_FULL_REPORT, due, due - WINDOW);
	tb_comment(&tb, CA_REP, c + DAY, not_a_report);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_FULL_REPORT, 0, due + 1), CLOCK_OVERDUE);
	tb_comment(&tb, CA_REP, due, full_report_v3);
	tb_eval(&tb, due + 1, &r);
	k = find_clock(&r, CLOCK_FULL_REPORT, 0);
	ck_assert_int_eq(k->state, CLOCK_MET);
	ck_assert_int_eq(k->late, 0);
	ck_assert_int_eq(k->stopped_by_comment, 2);
	ck_assert_int_eq(k->version, _i);
	ck_assert_ptr_nonnull(
	    strstr(k->evidence[k->nevidence - 1].text, "8 of 8"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_full_report_templates)
{
	struct tbug tb;
	time_t old = T(2022, 5, 1, 0, 0, 0);
	time_t new = T(2025, 5, 1, 0, 0, 0);

	ck_assert_int_eq(policy_report_sections(full_report_v3, 0), 8);
	ck_assert_int_eq(policy_report_sections(full_report_bold, 0), 5);
	ck_assert_int_eq(policy_report_sections(not_a_report, 0), 3);
	ck_assert_int_eq(policy_report_sections(wiki_report, 1), 7);
	ck_assert_int_eq(policy_report_sections("1. a\n2. b\n", 1), 0);
	ck_assert(policy_is_full_report(full_report_bold, POLICY_CCADB_3_2));
	ck_assert(!policy_is_full_report(not_a_report, POLICY_CCADB_3_2));
	/* The wiki's numbered topics count before v2.0 only. */
	ck_assert(policy_is_full_report(wiki_report, POLICY_CCADB_1_0));
	ck_assert(!policy_is_full_report(wiki_report, POLICY_CCADB_2_0));
	tb_acme(&tb, old, OUTSIDE);
	tb_comment(&tb, CA_REP, old + DAY, wiki_report);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_FULL_REPORT, 0, old + 30 * DAY), CLOCK_MET);
	tb_free(&tb);
	tb_acme(&tb, new, OUTSIDE);
	tb_comment(&tb, CA_REP, new + DAY, wiki_report);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_FULL_REPORT, 0, new + 30 * DAY), CLOCK_OVERDUE);
	/* A community member's report does not count. */
	tb_comment(&tb, OUTSIDE, new + 2 * DAY, full_report_v3);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_FULL_REPORT, 0, new + 30 * DAY), CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

START_TEST(test_response_boundaries)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = version_day(_i), q = c + 2 * HOUR;
	time_t due = q + 7 * DAY;

	tb_acme(&tb, c, OUTSIDE);
	tb_comment(&tb, CA_REP, c + HOUR, "Acknowledged.");
	tb_comment(&tb, PROGRAM, q, "Why was this not caught?");
	assert_boundaries(&tb, CLOCK_RESPONSE, due, due - WINDOW);
	tb_eval(&tb, due - 1, &r);
	ck_assert_uint_eq(r.nquestions, 1);
	ck_assert_int_eq(r.questions[0].comment, 2);
	ck_assert_str_eq(r.questions[0].asked_by, PROGRAM);
	ck_assert_int_eq(r.questions[0].asked_at, q);
	ck_assert_int_eq(r.questions[0].age_seconds, 7 * DAY - 1);
	ck_assert_int_eq(r.questions[0].due, due);
	ck_assert_int_eq(r.questions[0].state, CLOCK_DUE_SOON);
	ck_assert_str_eq(r.questions[0].link,
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1900000#c2");
	policy_result_free(&r);
	/* A late answer still stops it, marked late. */
	tb_comment(&tb, CA_MATE, due + 1, "Sorry, here it is.");
	tb_eval(&tb, due + DAY, &r);
	ck_assert_int_eq(find_clock(&r, CLOCK_RESPONSE, 0)->state, CLOCK_MET);
	ck_assert_int_eq(find_clock(&r, CLOCK_RESPONSE, 0)->late, 1);
	ck_assert_int_eq(r.questions[0].state, CLOCK_MET);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_update_boundaries)
{
	struct tbug tb;
	time_t c = version_day(_i), l = c + 3 * HOUR;
	time_t due = l + 7 * DAY;

	tb_acme(&tb, c, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update: working on it.");
	assert_boundaries(&tb, CLOCK_UPDATE, due, due - WINDOW);
	/* The next CA-side comment restarts it. */
	tb_comment(&tb, CA_MATE, due + 5, "Another update.");
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_UPDATE, 0, due + 6), due + 5 + 7 * DAY);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, due + 6), CLOCK_OK);
	tb_free(&tb);
}
END_TEST

START_TEST(test_update_from_creation)
{
	struct tbug tb;
	time_t c = version_day(POLICY_CCADB_3_1);

	tb_acme(&tb, c, OUTSIDE);
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, c), c + 7 * DAY);
	tb_free(&tb);
}
END_TEST

START_TEST(test_revocation_update_boundaries)
{
	struct tbug tb;
	time_t c = version_day(_i), l = c + 3 * HOUR;
	time_t due = l + 7 * DAY;

	tb_acme(&tb, c, OUTSIDE);
	tb_whiteboard(
	    &tb, PROGRAM, c + HOUR, "[ca-compliance] [leaf-revocation-delay]");
	tb_comment(&tb, CA_REP, l, "Delayed revocation update.");
	if (_i < POLICY_CCADB_3_0) {
		ck_assert_int_eq(
		    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l), -1);
		ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, l), due);
		tb_free(&tb);
		return;
	}
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, l), -1);
	/* due-soon from +3 days (the SHOULD), overdue after +7 (the MUST). */
	assert_boundaries(&tb, CLOCK_REVOCATION_UPDATE, due, l + 3 * DAY);
	tb_free(&tb);
}
END_TEST

START_TEST(test_revocation_legacy_tag)
{
	struct tbug tb;
	time_t c = version_day(POLICY_CCADB_3_2);

	tb_acme(&tb, c, OUTSIDE);
	tb_whiteboard(
	    &tb, PROGRAM, c + HOUR, "[ca-compliance] [delayed-revocation]");
	ck_assert_int_eq(state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, c + 3 * DAY),
	    CLOCK_DUE_SOON);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, c + 3 * DAY - 1),
	    CLOCK_OK);
	tb_free(&tb);
}
END_TEST

/* A 2026 bug with a CA update on April 1 and D set on April 2. */
static void
tb_next_update(struct tbug *tb, const char *date)
{
	char *wb;

	tb_acme(tb, T(2026, 3, 25, 10, 0, 0), OUTSIDE);
	tb_comment(tb, CA_REP, T(2026, 4, 1, 9, 0, 0), "Update one.");
	xasprintf(&wb, "[ca-compliance] Next update %s", date);
	tb_whiteboard(tb, PROGRAM, T(2026, 4, 2, 9, 0, 0), wb);
	free(wb);
}

START_TEST(test_next_update_set)
{
	struct tbug tb;
	time_t end = T(2026, 5, 20, 23, 59, 59);

	tb_next_update(&tb, "2026-05-20");
	/* Before the date was set, the 7-day cadence. */
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 2, 8, 0, 0)),
	    T(2026, 4, 8, 9, 0, 0));
	/* After, the end of D: the CA is excused until then. */
	assert_boundaries(&tb, CLOCK_UPDATE, end, end - WINDOW);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_met)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t end = T(2026, 5, 20, 23, 59, 59);

	tb_next_update(&tb, "2026-05-20");
	/* Exactly seven days before the end of D is too early... */
	tb_comment(&tb, CA_REP, end - 7 * DAY, "Early update.");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, end - DAY), CLOCK_DUE_SOON);
	/* ... one second later counts for D; met until D passes. */
	tb_comment(&tb, CA_MATE, end - 7 * DAY + 1, "Update for D.");
	tb_eval(&tb, end, &r);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	ck_assert_int_eq(k->state, CLOCK_MET);
	ck_assert_int_eq(k->stopped_by_comment, 3);
	ck_assert_int_eq(k->late, 0);
	ck_assert_ptr_nonnull(strstr(k->evidence[1].text,
	    "whiteboard set Next update 2026-05-20 by " PROGRAM));
	policy_result_free(&r);
	/* Once D passes: 7 days from the last CA update, not before D. */
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, end + 1), CLOCK_DUE_SOON);
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, end + 1), end + 1);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, end + 2), CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_before_set)
{
	struct tbug tb;
	time_t end = T(2026, 4, 5, 23, 59, 59);

	/* The CA commented on April 1, D = April 5 set on April 2: no D. */
	tb_next_update(&tb, "2026-04-05");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, end - 1), CLOCK_DUE_SOON);
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, end - 1), end);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_passed)
{
	struct tbug tb;
	time_t end = T(2026, 5, 20, 23, 59, 59);

	tb_next_update(&tb, "2026-05-20");
	/* The last CA update was April 1: due at the end of D, not April 8. */
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, end + 1), end);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, end + 1), CLOCK_OVERDUE);
	/* An update after D restarts the 7 days. */
	tb_comment(&tb, CA_REP, end + HOUR, "Late update.");
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_UPDATE, 0, end + 2 * HOUR), end + HOUR + 7 * DAY);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_passed_revocation)
{
	struct tbug tb;
	time_t end = T(2026, 5, 20, 23, 59, 59), l;

	tb_next_update(&tb, "2026-05-20");
	tb_whiteboard(&tb, PROGRAM, T(2026, 4, 2, 9, 0, 0),
	    "[ca-compliance] [leaf-revocation-delay] Next update 2026-05-20");
	/* Before D passes the 7-day MUST still holds: due April 8. */
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_REVOCATION_UPDATE, 0, T(2026, 5, 1, 0, 0, 0)),
	    T(2026, 4, 8, 9, 0, 0));
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, T(2026, 5, 1, 0, 0, 0)),
	    CLOCK_OVERDUE);
	l = end - 2 * HOUR;
	tb_comment(&tb, CA_REP, l, "Revocation status.");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, end), CLOCK_MET);
	/* After D, 3 days to due-soon, 7 to overdue, from the last update. */
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l + 3 * DAY - 1),
	    CLOCK_OK);
	ck_assert_int_eq(state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l + 3 * DAY),
	    CLOCK_DUE_SOON);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l + 7 * DAY + 1),
	    CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_changed)
{
	struct tbug tb;
	time_t end2 = T(2026, 6, 30, 23, 59, 59);

	tb_next_update(&tb, "2026-05-20");
	tb_comment(&tb, CA_REP, T(2026, 5, 16, 0, 0, 0), "Update for May.");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 5, 17, 0, 0, 0)), CLOCK_MET);
	/* A new date: the May update does not count for it. */
	tb_whiteboard(&tb, PROGRAM, T(2026, 5, 18, 0, 0, 0),
	    "[ca-compliance] Next update 2026-06-30");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 5, 19, 0, 0, 0)), CLOCK_OK);
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_UPDATE, 0, T(2026, 5, 19, 0, 0, 0)), end2);
	/* Editing other tags keeps the date's set time. */
	tb_whiteboard(&tb, PROGRAM, T(2026, 6, 20, 0, 0, 0),
	    "[ca-compliance] [audit-finding] Next update 2026-06-30");
	tb_comment(&tb, CA_REP, T(2026, 6, 25, 0, 0, 0), "June update.");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 6, 26, 0, 0, 0)), CLOCK_MET);
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_removed)
{
	struct tbug tb;

	tb_next_update(&tb, "2026-05-20");
	tb_comment(&tb, CA_REP, T(2026, 4, 10, 0, 0, 0), "Update.");
	tb_whiteboard(&tb, PROGRAM, T(2026, 4, 12, 0, 0, 0), "[ca-compliance]");
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 13, 0, 0, 0)),
	    T(2026, 4, 17, 0, 0, 0));
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 17, 0, 0, 1)),
	    CLOCK_OVERDUE);
	/* Evaluated before the removal, D still applied. */
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 11, 0, 0, 0)),
	    T(2026, 5, 20, 23, 59, 59));
	tb_free(&tb);
}
END_TEST

START_TEST(test_next_update_ambiguous_and_zone)
{
	struct tbug tb;
	struct policy_result r;
	struct people p;
	struct policy_options o;
	const struct clock *k;

	tb_acme(&tb, T(2022, 12, 20, 0, 0, 0), OUTSIDE);
	tb_whiteboard(&tb, PROGRAM, T(2022, 12, 21, 0, 0, 0),
	    "[ca-compliance] Next update 3-1-2023");
	tb_eval(&tb, T(2022, 12, 22, 0, 0, 0), &r);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	ck_assert_int_eq(k->due, T(2023, 1, 3, 23, 59, 59));
	ck_assert_uint_eq(k->warnings.n, 1);
	ck_assert_ptr_nonnull(strstr(k->warnings.v[0], "ambiguous"));
	policy_result_free(&r);
	/* Date-only deadlines in a zone two hours east of UTC. */
	test_people(&p);
	policy_options_defaults(&o);
	o.zone = zone_fixed(2 * HOUR);
	policy_eval(
	    &tb.bug, &tb.cl, &tb.hl, &p, &o, T(2022, 12, 22, 0, 0, 0), &r);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_UPDATE, 0)->due, T(2023, 1, 3, 21, 59, 59));
	policy_result_free(&r);
	zone_free((struct zone *)o.zone);
	people_free(&p);
	tb_free(&tb);
}
END_TEST

START_TEST(test_closure_summary_pauses)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0), q;

	tb_acme(&tb, c, OUTSIDE);
	tb_comment(&tb, CA_REP, c + DAY, full_report_v3);
	tb_comment(&tb, CA_REP, c + 20 * DAY,
	    "# Incident Closure Summary\n\nIncident description: ...\n");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 20 * DAY - 1), CLOCK_OVERDUE);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 20 * DAY), CLOCK_PAUSED);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 90 * DAY), CLOCK_PAUSED);
	/* A question after it still runs its clock. */
	q = c + 25 * DAY;
	tb_comment(&tb, OUTSIDE, q, "What about the other 3 certificates?");
	tb_eval(&tb, q + 7 * DAY + 1, &r);
	ck_assert_int_eq(find_clock(&r, CLOCK_UPDATE, 0)->state, CLOCK_PAUSED);
	ck_assert_int_eq(find_clock(&r, CLOCK_UPDATE, 0)->due, 0);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_RESPONSE, 0)->state, CLOCK_OVERDUE);
	ck_assert_int_eq(find_clock(&r, CLOCK_RESPONSE, 0)->overdue_seconds, 1);
	policy_result_free(&r);
	/* A community member's closure summary pauses nothing. */
	ck_assert(policy_is_closure_summary("**Report Closure Summary**\n"));
	ck_assert(!policy_is_closure_summary("We will post the Incident "
					     "Closure Summary soon."));
	tb_free(&tb);
}
END_TEST

START_TEST(test_closure_needinfo_pauses)
{
	struct tbug tb;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	/* Set by someone who is not CA-side, it pauses nothing. */
	tb_needinfo(&tb, OUTSIDE, c + DAY, "incident-reporting@ccadb.org", 1);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, c + 2 * DAY), CLOCK_OK);
	tb_needinfo(
	    &tb, CA_REP, c + 3 * DAY, "incident-reporting@ccadb.org", 1);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 3 * DAY - 1), CLOCK_OK);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 3 * DAY), CLOCK_PAUSED);
	/* A needinfo on the CCADB is not a question to the CA. */
	ck_assert_int_eq(state_at(&tb, CLOCK_RESPONSE, 0, c + 3 * DAY), -1);
	/* A new Next update date after the closure request does not lift it. */
	tb_whiteboard(&tb, PROGRAM, c + 5 * DAY, "Next update 2026-02-01");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 6 * DAY), CLOCK_PAUSED);
	tb_free(&tb);
}
END_TEST

START_TEST(test_close_on_pauses)
{
	struct tbug tb;
	time_t c = T(2026, 1, 5, 0, 0, 0), set = c + 10 * DAY;

	tb_acme(&tb, c, OUTSIDE);
	tb_whiteboard(
	    &tb, PROGRAM, set, "[close on 2026-01-22] [ca-compliance]");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, set - 1), CLOCK_OVERDUE);
	/* Paused before and after D. */
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, set), CLOCK_PAUSED);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 2, 22, 0, 0, 0)),
	    CLOCK_PAUSED);
	/* Questions still count. */
	tb_comment(&tb, PROGRAM, set + DAY, "Is the list complete?");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 0, set + 9 * DAY), CLOCK_OVERDUE);
	/* The tag removed, the clock runs again. */
	tb_whiteboard(&tb, PROGRAM, set + 12 * DAY, "[ca-compliance]");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, set + 12 * DAY), CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

START_TEST(test_needinfo_questions)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	/* A comment without '?' but with a needinfo on the CA: one question. */
	tb_comment(&tb, PROGRAM, c + DAY, "Please provide the list.");
	tb_needinfo(&tb, PROGRAM, c + DAY, CA_REP, 1);
	/* A comment with '?' and a needinfo: still one question. */
	tb_comment(&tb, PROGRAM, c + 2 * DAY, "When will it be done?");
	tb_needinfo(&tb, PROGRAM, c + 2 * DAY, CA_MATE, 1);
	/* A needinfo with no comment: its own question. */
	tb_needinfo(&tb, OUTSIDE, c + 3 * DAY, CA_REP, 1);
	/* A needinfo on a community member asks the CA nothing. */
	tb_comment(&tb, PROGRAM, c + 4 * DAY, "See the attachment.");
	tb_needinfo(&tb, PROGRAM, c + 4 * DAY, "someone@gmail.com", 1);
	tb_eval(&tb, c + 5 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 3);
	ck_assert_int_eq(r.questions[0].comment, 1);
	ck_assert_int_eq(r.questions[1].comment, 2);
	ck_assert_int_eq(r.questions[2].comment, -1);
	ck_assert_int_eq(r.questions[2].asked_at, c + 3 * DAY);
	ck_assert_str_eq(r.questions[2].asked_by, OUTSIDE);
	ck_assert_str_eq(r.questions[2].link,
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1900000");
	policy_result_free(&r);
	/* The CA clearing its needinfo without a word answers nothing. */
	tb_needinfo(&tb, CA_REP, c + 6 * DAY, CA_REP, 0);
	tb_eval(&tb, c + 6 * DAY + 1, &r);
	ck_assert_int_eq(r.questions[0].state, CLOCK_DUE_SOON);
	ck_assert_int_eq(r.questions[2].state, CLOCK_OK);
	policy_result_free(&r);
	/* A CA-side comment answers every open question. */
	tb_comment(&tb, CA_MATE, c + 6 * DAY + HOUR, "Here is the list.");
	tb_eval(&tb, c + 6 * DAY + HOUR, &r);
	ck_assert_int_eq(r.questions[0].state, CLOCK_MET);
	ck_assert_int_eq(r.questions[1].state, CLOCK_MET);
	ck_assert_int_eq(r.questions[2].state, CLOCK_MET);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_RESPONSE, 0)->stopped_by_comment, 4);
	policy_result_free(&r);
	/* Before it, as it was then. */
	tb_eval(&tb, c + 6 * DAY + HOUR - 1, &r);
	ck_assert_int_eq(r.questions[0].state, CLOCK_DUE_SOON);
	ck_assert_int_eq(r.questions[2].state, CLOCK_OK);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_current_flag_without_history)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	tb.bug.flags = xcalloc(1, sizeof *tb.bug.flags);
	tb.bug.nflags = 1;
	tb.bug.flags[0].name = xstrdup("needinfo");
	tb.bug.flags[0].status = '?';
	tb.bug.flags[0].setter = xstrdup(PROGRAM);
	tb.bug.flags[0].requestee = xstrdup(CA_REP);
	tb.bug.flags[0].creation_date = c + DAY;
	tb_eval(&tb, c + DAY - 1, &r);
	ck_assert_uint_eq(r.nquestions, 0);
	policy_result_free(&r);
	tb_eval(&tb, c + 9 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 1);
	ck_assert_int_eq(r.questions[0].state, CLOCK_OVERDUE);
	policy_result_free(&r);
	/* The same flag in the history is one question, not two. */
	tb_needinfo(&tb, PROGRAM, c + DAY, CA_REP, 1);
	tb_eval(&tb, c + 9 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 1);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_not_a_question_override)
{
	struct tbug tb;
	struct policy_result r;
	struct people p;
	struct policy_options o;
	struct comment *cm;
	int64_t ids[1];
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	cm = tb_comment(&tb, OUTSIDE, c + DAY, "Rhetorical, isn't it?");
	tb_needinfo(&tb, OUTSIDE, c + DAY, CA_REP, 1);
	ids[0] = cm->id;
	test_people(&p);
	policy_options_defaults(&o);
	o.not_questions = ids;
	o.n_not_questions = 1;
	o.base_url = "https://bmo.example";
	policy_eval(&tb.bug, &tb.cl, &tb.hl, &p, &o, c + 2 * DAY, &r);
	/* Neither the comment nor its needinfo is a question. */
	ck_assert_uint_eq(r.nquestions, 0);
	ck_assert_ptr_nonnull(strstr(find_clock(&r, CLOCK_UPDATE, 0)->link,
	    "https://bmo.example/show_bug.cgi?id=1900000"));
	policy_result_free(&r);
	people_free(&p);
	tb_free(&tb);
}
END_TEST

START_TEST(test_alias_and_pseudonym)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	/* Unassigned: only the configuration says who speaks for Acme. */
	tb_init(&tb, "Acme: Late revocation", OUTSIDE, BOT, c, "Report.");
	tb_comment(&tb, "quiet-fox@proton.me", c + HOUR, "We acknowledge.");
	tb_comment(&tb, PROGRAM, c + 2 * HOUR, "Which certificates?");
	tb_comment(&tb, "compliance-alias@gmail.com", c + 3 * HOUR, "These.");
	/* Someone else on a public provider is community. */
	tb_comment(&tb, "other@proton.me", c + 4 * HOUR, full_report_v3);
	tb_eval(&tb, c + 20 * DAY, &r);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->state, CLOCK_MET);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->stopped_by_comment, 1);
	ck_assert_int_eq(r.questions[0].state, CLOCK_MET);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_RESPONSE, 0)->stopped_by_comment, 3);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_FULL_REPORT, 0)->state, CLOCK_OVERDUE);
	ck_assert_str_eq(r.ca, "Acme");
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_bots_ignored)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	tb_comment(&tb, BOT, c + HOUR, "Is this still relevant?");
	tb_comment(&tb, "automation@bmo.bugs", c + 2 * HOUR, "Any update?");
	tb_comment(&tb, PROGRAM, c + 3 * HOUR, "When?");
	tb_needinfo(&tb, PROGRAM, c + 3 * HOUR, CA_REP, 1);
	/* A bot clearing the needinfo answers nothing. */
	tb_needinfo(&tb, BOT, c + 4 * HOUR, CA_REP, 0);
	tb_eval(&tb, c + 4 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 1);
	ck_assert_int_eq(r.questions[0].comment, 3);
	ck_assert_int_eq(r.questions[0].state, CLOCK_OK);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->state, CLOCK_OVERDUE);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_reopened)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t c = T(2026, 1, 5, 0, 0, 0), ro;

	tb_acme(&tb, c, CA_REP);
	tb_comment(&tb, CA_REP, c + DAY, full_report_v3);
	tb_comment(&tb, CA_REP, c + 10 * DAY, "## Incident Closure Summary\n");
	tb_whiteboard(&tb, PROGRAM, c + 11 * DAY, "[close on 2026-01-25]");
	tb_resolve(&tb, PROGRAM, c + 20 * DAY, "FIXED");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 19 * DAY), CLOCK_PAUSED);
	tb_eval(&tb, c + 21 * DAY, &r);
	ck_assert_int_eq(r.resolved, 1);
	ck_assert_uint_eq(r.nclocks, 0);
	ck_assert_str_eq(r.resolution, "FIXED");
	policy_result_free(&r);
	ro = c + 40 * DAY;
	tb_resolve(&tb, PROGRAM, ro, "");
	/* The old closure and [close on] no longer pause; from the reopening.
	 */
	tb_eval(&tb, ro + DAY, &r);
	ck_assert_int_eq(r.resolved, 0);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	ck_assert_int_eq(k->state, CLOCK_OK);
	ck_assert_int_eq(k->started_at, ro);
	ck_assert_int_eq(k->due, ro + 7 * DAY);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_FULL_REPORT, 0)->state, CLOCK_MET);
	policy_result_free(&r);
	tb_comment(&tb, CA_REP, ro + 2 * DAY, "New findings.");
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_UPDATE, 0, ro + 3 * DAY), ro + 9 * DAY);
	/* Before the reopening it was resolved, as it was then. */
	tb_eval(&tb, ro - 1, &r);
	ck_assert_int_eq(r.resolved, 1);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_restricted_bug)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_init(&tb, "Acme: Key compromise", OUTSIDE, CA_REP, c, "Details.");
	strlist_add(&tb.bug.groups, "ca-program-security");
	tb_eval(&tb, c + 4 * DAY, &r);
	ck_assert_int_eq(r.restricted, 1);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->state, CLOCK_OVERDUE);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* A [meta] tracking bug gathers incidents; it runs no clock itself. */
START_TEST(test_meta_bug_runs_no_clocks)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_init(&tb, "[meta] Delayed Revocation", OUTSIDE, CA_REP, c,
	    "Tracking bug.");
	tb_eval(&tb, c + 30 * DAY, &r);
	ck_assert_uint_eq(r.nclocks, 0);
	ck_assert_uint_eq(r.warnings.n, 1);
	policy_result_free(&r);
	tb_free(&tb);
	ck_assert_int_eq(policy_is_meta("  [META] x"), 1);
	ck_assert_int_eq(policy_is_meta("Acme: [meta] in the middle"), 0);
	ck_assert_int_eq(policy_is_meta(NULL), 0);
}
END_TEST

START_TEST(test_comment_edit)
{
	struct tbug tb;
	struct policy_result r;
	struct comment *cm;
	time_t c = T(2026, 1, 5, 0, 0, 0);

	tb_acme(&tb, c, OUTSIDE);
	cm = tb_comment(&tb, PROGRAM, c + DAY, "Why did this happen?");
	tb_eval(&tb, c + 2 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 1);
	policy_result_free(&r);
	/* The same comment id again, edited: the last copy wins. */
	cm = comment_list_add(&tb.cl);
	cm->id = tb.cl.v[1].id;
	cm->bug_id = tb.bug.id;
	cm->count = 1;
	cm->creator = xstrdup(PROGRAM);
	cm->time = c + DAY;
	cm->text = xstrdup("Noted, thanks.");
	tb_eval(&tb, c + 2 * DAY, &r);
	ck_assert_uint_eq(r.nquestions, 0);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

START_TEST(test_versions)
{
	enum policy_version v;
	struct tbug tb;
	struct people p;
	struct policy_options o;
	struct policy_result r;
	time_t t32 = T(2026, 3, 20, 0, 0, 0);

	ck_assert_int_eq(policy_version_at(t32), POLICY_CCADB_3_2);
	ck_assert_int_eq(policy_version_at(t32 - 1), POLICY_CCADB_3_1);
	ck_assert_int_eq(
	    policy_version_at(T(2023, 10, 17, 0, 0, 0)), POLICY_CCADB_2_0);
	ck_assert_int_eq(
	    policy_version_at(T(2023, 2, 15, 0, 0, 0)), POLICY_CCADB_1_0);
	ck_assert_int_eq(
	    policy_version_at(T(2017, 1, 1, 0, 0, 0)), POLICY_WIKI_2017);
	ck_assert_int_eq(policy_version_at(T(2016, 12, 31, 23, 59, 59)), -1);
	ck_assert_int_eq(policy_version_from_name("v3.1", &v), 0);
	ck_assert_int_eq(v, POLICY_CCADB_3_1);
	ck_assert_int_eq(policy_version_from_name("1.0", &v), 0);
	ck_assert_int_eq(v, POLICY_CCADB_1_0);
	ck_assert_int_eq(policy_version_from_name("4.0", &v), -1);
	ck_assert_str_eq(policy_version_name(POLICY_WIKI_2017), "wiki-2017");
	ck_assert_str_eq(policy_clock_kind_name(CLOCK_REVOCATION_UPDATE),
	    "revocation-update");
	ck_assert_str_eq(policy_clock_state_name(CLOCK_DUE_SOON), "due-soon");
	/* A 2016 bug runs no clock; a pinned version judges it anyway. */
	tb_acme(&tb, T(2016, 6, 1, 0, 0, 0), OUTSIDE);
	tb_eval(&tb, T(2016, 6, 20, 0, 0, 0), &r);
	ck_assert_uint_eq(r.nclocks, 0);
	policy_result_free(&r);
	test_people(&p);
	policy_options_defaults(&o);
	o.pin = POLICY_CCADB_3_2;
	policy_eval(
	    &tb.bug, &tb.cl, &tb.hl, &p, &o, T(2016, 6, 20, 0, 0, 0), &r);
	ck_assert_ptr_nonnull(find_clock(&r, CLOCK_INITIAL_REPORT, 0));
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->version, POLICY_CCADB_3_2);
	policy_result_free(&r);
	/* Before the bug was filed there is nothing to judge. */
	policy_eval(
	    &tb.bug, &tb.cl, &tb.hl, &p, &o, T(2016, 5, 1, 0, 0, 0), &r);
	ck_assert_int_eq(r.exists, 0);
	ck_assert_uint_eq(r.nclocks, 0);
	policy_result_free(&r);
	people_free(&p);
	tb_free(&tb);
}
END_TEST

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
	    full_report_v3, "## Incident Closure Summary\n", "> why?\nok",
	    "```x = ?```\nCan you confirm?", "~~~\nwhy?\n~~~",
	    "The closure summary will follow.", "crt.sh/?q=Acme"};
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
			policy_result_free(&ra);
			policy_result_free(&rc);
			tb_free(&cut);
		}
		tb_free(&all);
	}
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

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("boundaries");
	tcase_add_loop_test(
	    tc, test_initial_report_boundaries, 0, POLICY_NVERSIONS);
	tcase_add_loop_test(
	    tc, test_full_report_boundaries, 0, POLICY_NVERSIONS);
	tcase_add_loop_test(tc, test_response_boundaries, 0, POLICY_NVERSIONS);
	tcase_add_loop_test(tc, test_update_boundaries, 0, POLICY_NVERSIONS);
	tcase_add_loop_test(
	    tc, test_revocation_update_boundaries, 0, POLICY_NVERSIONS);
	suite_add_tcase(s, tc);
	tc = tcase_create("reports");
	tcase_add_test(tc, test_initial_report_filed_by_ca);
	tcase_add_test(tc, test_full_report_templates);
	tcase_add_test(tc, test_update_from_creation);
	tcase_add_test(tc, test_revocation_legacy_tag);
	suite_add_tcase(s, tc);
	tc = tcase_create("next-update");
	tcase_add_test(tc, test_next_update_set);
	tcase_add_test(tc, test_next_update_met);
	tcase_add_test(tc, test_next_update_before_set);
	tcase_add_test(tc, test_next_update_passed);
	tcase_add_test(tc, test_next_update_passed_revocation);
	tcase_add_test(tc, test_next_update_changed);
	tcase_add_test(tc, test_next_update_removed);
	tcase_add_test(tc, test_next_update_ambiguous_and_zone);
	suite_add_tcase(s, tc);
	tc = tcase_create("pauses");
	tcase_add_test(tc, test_closure_summary_pauses);
	tcase_add_test(tc, test_closure_needinfo_pauses);
	tcase_add_test(tc, test_close_on_pauses);
	tcase_add_test(tc, test_reopened);
	suite_add_tcase(s, tc);
	tc = tcase_create("questions");
	tcase_add_test(tc, test_needinfo_questions);
	tcase_add_test(tc, test_current_flag_without_history);
	tcase_add_test(tc, test_not_a_question_override);
	suite_add_tcase(s, tc);
	tc = tcase_create("people-and-events");
	tcase_add_test(tc, test_alias_and_pseudonym);
	tcase_add_test(tc, test_bots_ignored);
	tcase_add_test(tc, test_restricted_bug);
	tcase_add_test(tc, test_comment_edit);
	tcase_add_test(tc, test_meta_bug_runs_no_clocks);
	tcase_add_test(tc, test_versions);
	suite_add_tcase(s, tc);
	tc = tcase_create("as-of");
	tcase_add_loop_test(tc, test_past_equals_then, 0, 3);
	tcase_add_test(tc, test_real_corpus);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
