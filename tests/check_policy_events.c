/*
 * Tests of the policy rules that pause, stop and restart clocks: closure
 * summaries, needinfo questions, close-on dates, reopening, and the people
 * and events a clock must see or ignore (aliases, pseudonyms, bots,
 * restricted and meta bugs, edited comments, policy versions).  "Now" is
 * always an argument; no test reads the wall clock.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "people.h"
#include "policy.h"
#include "tbug.h"
#include "xmalloc.h"

START_TEST(test_closure_summary_pauses)
{
	struct tbug tb;
	struct policy_result r;
	time_t c = T(2026, 1, 5, 0, 0, 0), q;

	tb_acme(&tb, c, OUTSIDE);
	tb_comment(&tb, CA_REP, c + DAY, tb_full_report_v3);
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
	tb_comment(&tb, "other@proton.me", c + 4 * HOUR, tb_full_report_v3);
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
	tb_comment(&tb, CA_REP, c + DAY, tb_full_report_v3);
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

/* The suite: pauses, questions, people and events. */
static Suite *
policy_events_suite(void)
{
	Suite *s = suite_create("policy_events");
	TCase *tc;

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
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_events_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
