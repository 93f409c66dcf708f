/*
 * Tests of policy's clocks: every clock of POLICY.md at its boundaries,
 * under each policy version, the report templates that start and meet
 * them, and the next-update date a CA sets.  The rules that pause and stop
 * clocks are tested in check_policy_events.c, the evaluation as of a past
 * time in check_policy_asof.c.  "Now" is always an argument; no test reads
 * the wall clock.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "people.h"
#include "policy.h"
#include "tbug.h"
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
	tb_comment(&tb, CA_REP, due, tb_full_report_v3);
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

	ck_assert_int_eq(policy_report_sections(tb_full_report_v3, 0), 8);
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
	tb_comment(&tb, OUTSIDE, new + 2 * DAY, tb_full_report_v3);
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

/* The suite: boundaries, report templates, next-update dates. */
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
