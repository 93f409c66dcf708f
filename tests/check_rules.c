/*
 * Tests of the revised POLICY.md through the whole engine, one table per
 * rule with the shapes real threads (and the audit that found them) have:
 * questions behind code and URLs, the date forms of Next update and
 * [close on], closure, needinfo clearing, who set the whiteboard,
 * revocation-delay bugs, bot-filed bugs, lateness and time zones.  Every
 * changed clock is checked one second before, at and after its boundary.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccwatch.h"
#include "policy.h"
#include "tbug.h"
#include "timeutil.h"
#include "xmalloc.h"
#include "zone.h"

/* 2026-03-02, a Monday after v3.2 was announced; the bug's filing. */
#define FILED T(2026, 3, 2, 9, 0, 0)

/* The evidence line of a clock that contains needle, or NULL. */
static const char *
evidence_with(const struct clock *c, const char *needle)
{
	size_t i;

	for (i = 0; i < c->nevidence; i++)
		if (strstr(c->evidence[i].text, needle) != NULL)
			return c->evidence[i].text;
	return NULL;
}

/* The warning of a clock that contains needle, or NULL. */
static const char *
warning_with(const struct clock *c, const char *needle)
{
	size_t i;

	for (i = 0; i < c->warnings.n; i++)
		if (strstr(c->warnings.v[i], needle) != NULL)
			return c->warnings.v[i];
	return NULL;
}

/* Comments by a root program account and whether each is a question. */
static const struct {
	const char *text;
	int asks;
} question_table[] = {
    {"```select * from certs where id = ?```\n\nCan you confirm the list "
     "is complete?",
	1},
    {"```select * from certs where id = ?```\n\nThanks.", 0},
    {"~~~\nwhy is this null?\n~~~\nNoted.", 0},
    {"Output:\n\n    SELECT * FROM certs WHERE x = ?\n\nNoted.", 0},
    {"The list is at crt.sh/?Identity=Acme+Root+CA for everyone.", 0},
    {"See https://crt.sh/?id=1 for details.", 0},
    {"> Why?\nThanks for the answer.", 0},
    {"Why were these certificates not caught?", 1},
};

START_TEST(test_questions)
{
	struct tbug tb;
	time_t q = FILED + DAY, due = q + 7 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, PROGRAM, q, question_table[_i].text);
	if (!question_table[_i].asks) {
		ck_assert_msg(state_at(&tb, CLOCK_RESPONSE, 0, due) == -1,
		    "row %d asks", _i);
		tb_free(&tb);
		return;
	}
	assert_boundaries(&tb, CLOCK_RESPONSE, due, due - WINDOW);
	tb_free(&tb);
}
END_TEST

/*
 * Next update dates as written, each set by the root program on March 20
 * (after the CA's last update on March 19), and the day they read as.
 */
static const struct {
	const char *wb;
	int y, m, d;
} next_table[] = {
    {"[ca-compliance] Next update Apr. 1, 2026", 2026, 4, 1},
    {"[ca-compliance] Next update April 1, 2026", 2026, 4, 1},
    {"[ca-compliance] Next update 1 April 2026", 2026, 4, 1},
    {"[ca-compliance] Next update April 1st", 2026, 4, 1},
    {"Next update April 10 [ca-compliance]", 2026, 4, 10},
    {"[ca-compliance] Next update 2026/04/01", 2026, 4, 1},
    {"[ca-compliance] Next update 2026-04-01", 2026, 4, 1},
    {"[ca-compliance] Next update 1-Apr-2026", 2026, 4, 1},
    {"[ca-compliance] Next update 2026-Apr-01", 2026, 4, 1},
    {"[ca-compliance] Next update at 1.4.2026", 2026, 4, 1},
    /* Two dates: the earlier one, with a warning. */
    {"Next update 2026-05-01 [x] Next update 2026-04-01", 2026, 4, 1},
};

START_TEST(test_next_update_forms)
{
	struct tbug tb;
	struct policy_result r;
	time_t end =
	    T(next_table[_i].y, next_table[_i].m, next_table[_i].d, 23, 59, 59);
	const struct clock *k;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, T(2026, 3, 19, 9, 0, 0), "Update.");
	tb_whiteboard(&tb, PROGRAM, T(2026, 3, 20, 9, 0, 0), next_table[_i].wb);
	assert_boundaries(&tb, CLOCK_UPDATE, end, end - WINDOW);
	tb_eval(&tb, end, &r);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	if (strstr(next_table[_i].wb, "2026-05-01") != NULL)
		ck_assert_ptr_nonnull(warning_with(k, "2 dates written"));
	if (strchr(next_table[_i].wb, '2') == NULL ||
	    strstr(next_table[_i].wb, "1st") != NULL)
		ck_assert_ptr_nonnull(warning_with(k, "has no year"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* What cannot be read is a warning on the clock, never a silent 7 days. */
START_TEST(test_next_update_unreadable)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t l = T(2026, 3, 19, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	tb_whiteboard(&tb, PROGRAM, T(2026, 3, 20, 9, 0, 0),
	    "[ca-compliance] Next update mid-April");
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	tb_eval(&tb, l + DAY, &r);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	ck_assert_ptr_nonnull(
	    warning_with(k, "next update: cannot read date 'mid-April'"));
	ck_assert_ptr_nonnull(strstr(r.warnings.v[0], "mid-April"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* [close on D] in every date form pauses updates, before and after D. */
static const char *close_table[] = {"[close on 2026-04-10] [ca-compliance]",
    "[close on April 10] [ca-compliance]",
    "[close on Apr. 10, 2026] [ca-compliance]",
    "[ca-compliance] [close on 10 April 2026]",
    " [close on 10-Apr-2026] [ca-compliance]",
    "[close on soon] [ca-compliance]"};

START_TEST(test_close_on_forms)
{
	struct tbug tb;
	struct policy_result r;
	time_t set = T(2026, 3, 27, 9, 0, 0), l = T(2026, 3, 23, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "## Incident Report Closure Summary\n");
	/* A closure summary pauses too: drop it to see [close on] alone. */
	free(tb.cl.v[1].text);
	tb.cl.v[1].text = xstrdup("Update.");
	tb_whiteboard(&tb, PROGRAM, set, close_table[_i]);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, set - 1), CLOCK_OK);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, set), CLOCK_PAUSED);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 10, 12, 0, 0)),
	    CLOCK_PAUSED);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, T(2026, 6, 1, 0, 0, 0)),
	    CLOCK_PAUSED);
	/* Questions still run. */
	tb_comment(&tb, PROGRAM, set + DAY, "Is the list final?");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 0, set + 8 * DAY + 1), CLOCK_OVERDUE);
	tb_eval(&tb, set + DAY, &r);
	if (strstr(close_table[_i], "soon") != NULL)
		ck_assert_ptr_nonnull(
		    warning_with(find_clock(&r, CLOCK_UPDATE, 0),
			"close on: cannot read date 'soon'"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* A [close on] the CA side wrote itself pauses nothing. */
START_TEST(test_close_on_by_ca)
{
	struct tbug tb;
	struct policy_result r;
	time_t l = T(2026, 3, 23, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	tb_whiteboard(&tb, CA_MATE, l + HOUR, "[close on 2026-04-10]");
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	tb_eval(&tb, l + DAY, &r);
	ck_assert_ptr_nonnull(warning_with(find_clock(&r, CLOCK_UPDATE, 0),
	    "written by " CA_MATE ", who is CA side"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/*
 * Closure headings that pause updates (the CA's comment at c), and a
 * Next update set after one, which does not lift the pause.
 */
static const char *closure_table[] = {"# Incident Closure Summary\n",
    "### Report Closure Summary\n\n- **Incident description:** x\n",
    "## Incident Report Closure Summary\n", "**Closure Report**\n",
    "- **Incident closure summary:** we request closure.\n"};

START_TEST(test_closure_holds)
{
	struct tbug tb;
	time_t c = T(2026, 3, 23, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, FILED + DAY, "Update.");
	tb_comment(&tb, CA_REP, c, closure_table[_i]);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, c - 1), CLOCK_OVERDUE);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, c), CLOCK_PAUSED);
	tb_whiteboard(&tb, PROGRAM, c + DAY, "Next update 2026-04-15");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + DAY + 1), CLOCK_PAUSED);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, T(2026, 4, 20, 0, 0, 0)),
	    CLOCK_PAUSED);
	tb_free(&tb);
}
END_TEST

/* A sentence that mentions a closure summary pauses nothing. */
START_TEST(test_closure_mention)
{
	struct tbug tb;
	time_t c = T(2026, 3, 23, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, c,
	    "The closure summary will follow once AI-3 is done.");
	assert_boundaries(&tb, CLOCK_UPDATE, c + 7 * DAY, c + 5 * DAY);
	tb_free(&tb);
}
END_TEST

/*
 * Who clears a question's needinfo, without a comment, and what follows:
 * -1 the question stays open, 1 it is withdrawn.
 */
static const struct {
	const char *who;
	int withdrawn;
	const char *says;
} clear_table[] = {
    {CA_REP, -1, "needinfo cleared without a reply"},
    {CA_MATE, -1, "needinfo cleared without a reply"},
    {PROGRAM, 1, "who asked it"},
    {"kathleen@mozilla.org", 1, "(not the CA)"},
    {OUTSIDE, 1, "(not the CA)"},
    {BOT, -1, "a bot: this changes nothing"},
    {"automation@bmo.bugs", -1, "a bot: this changes nothing"},
};

START_TEST(test_needinfo_cleared)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t q = FILED + DAY, cl = q + 2 * DAY, due = q + 7 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, PROGRAM, q, "Please send the full list.");
	tb_needinfo(&tb, PROGRAM, q, CA_REP, 1);
	tb_needinfo(&tb, clear_table[_i].who, cl, CA_REP, 0);
	ck_assert_int_eq(state_at(&tb, CLOCK_RESPONSE, 0, cl - 1), CLOCK_OK);
	tb_eval(&tb, due + 1, &r);
	k = find_clock(&r, CLOCK_RESPONSE, 0);
	ck_assert_msg(evidence_with(k, clear_table[_i].says) != NULL,
	    "row %d: no '%s'", _i, clear_table[_i].says);
	if (clear_table[_i].withdrawn > 0) {
		ck_assert_int_eq(k->state, CLOCK_MET);
		ck_assert_int_eq(k->withdrawn, 1);
		ck_assert_int_eq(k->stopped_at, cl);
		ck_assert_int_eq(k->late, 0);
		ck_assert_int_eq(r.questions[0].withdrawn, 1);
		ck_assert_int_eq(r.questions[0].state, CLOCK_MET);
	} else {
		ck_assert_int_eq(k->withdrawn, 0);
		policy_result_free(&r);
		assert_boundaries(&tb, CLOCK_RESPONSE, due, due - WINDOW);
		tb_eval(&tb, due + 1, &r);
	}
	policy_result_free(&r);
	/* A CA-side comment in the clearing change is the answer. */
	tb_comment(&tb, CA_MATE, due + 5, "The list is attached.");
	tb_eval(&tb, due + 6, &r);
	k = find_clock(&r, CLOCK_RESPONSE, 0);
	ck_assert_int_eq(k->state, CLOCK_MET);
	if (clear_table[_i].withdrawn < 0) {
		ck_assert_int_eq(k->stopped_by_comment, 2);
		ck_assert_int_eq(k->late_by, 5);
	}
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* A needinfo of its own, cleared by the CA with a comment: answered. */
START_TEST(test_needinfo_cleared_with_comment)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t q = FILED + DAY, a = q + 3 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_needinfo(&tb, PROGRAM, q, CA_REP, 1);
	tb_comment(&tb, CA_REP, a, "Acknowledged; the report follows Friday.");
	tb_needinfo(&tb, CA_REP, a, CA_REP, 0);
	ck_assert_int_eq(state_at(&tb, CLOCK_RESPONSE, 0, a - 1), CLOCK_OK);
	tb_eval(&tb, a, &r);
	k = find_clock(&r, CLOCK_RESPONSE, 0);
	ck_assert_int_eq(k->state, CLOCK_MET);
	ck_assert_int_eq(k->stopped_by_comment, 1);
	ck_assert_ptr_null(evidence_with(k, "without a reply"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Who wrote the Next update date into the whiteboard. */
static const struct {
	const char *who;
	int honoured;
} setter_table[] = {
    {PROGRAM, 1},
    {"chrome-root-program@google.com", 1},
    {OUTSIDE, 1},
    {CA_REP, 0},
    {CA_MATE, 0},
    {"quiet-fox@proton.me", 0},
};

START_TEST(test_next_update_setter)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t l = T(2026, 3, 19, 9, 0, 0), end = T(2026, 5, 20, 23, 59, 59);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	tb_whiteboard(&tb, setter_table[_i].who, l + HOUR,
	    "[ca-compliance] Next update 2026-05-20");
	if (setter_table[_i].honoured) {
		assert_boundaries(&tb, CLOCK_UPDATE, end, end - WINDOW);
		tb_free(&tb);
		return;
	}
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	tb_eval(&tb, l + DAY, &r);
	k = find_clock(&r, CLOCK_UPDATE, 0);
	ck_assert_ptr_nonnull(warning_with(k, "not honoured"));
	ck_assert_ptr_nonnull(warning_with(k, setter_table[_i].who));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/*
 * Revocation-delay bugs: the last CA update on March 19 at 09:00, and a
 * Next update D; due at the earlier of the end of D and +7 days, due soon
 * from +3 days.  Once D has passed the clock runs as if no date were
 * recorded (POLICY.md), so it is then due at +7 days.
 */
static const struct {
	const char *d;
	time_t due; /* while D has not passed */
	time_t soon;
} revocation_table[] = {
    /* D beyond the MUST: due at +7 days, not at D. */
    {"2026-05-20", 1774515600, 1774170000},
    /* D before the MUST: due at its end. */
    {"2026-03-24", 1774396799, 1774170000},
    /* D the next day: due soon at once (48 hours before D). */
    {"2026-03-20", 1774051199, 1773878399},
};

START_TEST(test_revocation_next_update)
{
	struct tbug tb;
	struct policy_result r;
	char *wb;
	time_t l = T(2026, 3, 19, 9, 0, 0), must = l + 7 * DAY;
	time_t due = revocation_table[_i].due, soon = revocation_table[_i].soon;

	ck_assert_int_eq(revocation_table[0].due, must);
	ck_assert_int_eq(revocation_table[0].soon, l + 3 * DAY);
	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "3 of 10 revoked.");
	/* Set after the update, which so does not count for D. */
	xasprintf(&wb, "[ca-compliance] [leaf-revocation-delay] Next update %s",
	    revocation_table[_i].d);
	tb_whiteboard(&tb, PROGRAM, l + HOUR, wb);
	free(wb);
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l + HOUR), due);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, due - 1), CLOCK_DUE_SOON);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, due), CLOCK_DUE_SOON);
	if (soon > l + HOUR) {
		ck_assert_int_eq(
		    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, soon - 1),
		    CLOCK_OK);
		ck_assert_int_eq(
		    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, soon),
		    CLOCK_DUE_SOON);
	} else
		ck_assert_int_eq(
		    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, l + HOUR),
		    CLOCK_DUE_SOON);
	/* After the due second: overdue at the MUST, never later. */
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_REVOCATION_UPDATE, 0, due + 1), must);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, must), CLOCK_DUE_SOON);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_REVOCATION_UPDATE, 0, must + 1), CLOCK_OVERDUE);
	tb_eval(&tb, l + HOUR, &r);
	ck_assert_ptr_null(find_clock(&r, CLOCK_UPDATE, 0));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* A bug a CT monitor filed runs the report clocks; bots never stop them. */
START_TEST(test_bot_filed)
{
	static const char *bots[] = {"ct-monitor@example.bugs", BOT};
	struct tbug tb;
	struct policy_result r;
	time_t i72 = FILED + 72 * HOUR, f14 = FILED + 14 * DAY;

	tb_init(&tb, "Acme: certificate with an invalid SAN seen in CT",
	    bots[_i], CA_REP, FILED, "Found by a CT monitor.");
	assert_boundaries(&tb, CLOCK_INITIAL_REPORT, i72, i72 - WINDOW);
	assert_boundaries(&tb, CLOCK_FULL_REPORT, f14, f14 - WINDOW);
	/* A bot's comment stops nothing, nor asks anything. */
	tb_comment(&tb, bots[_i], FILED + HOUR, "Any update? crt.sh/?id=9");
	tb_comment(&tb, BOT, FILED + 2 * HOUR, "Is this still valid?");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, i72 + 1), CLOCK_OVERDUE);
	ck_assert_int_eq(state_at(&tb, CLOCK_RESPONSE, 0, i72), -1);
	tb_comment(&tb, CA_REP, i72, "We are investigating.");
	tb_eval(&tb, i72, &r);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_INITIAL_REPORT, 0)->state, CLOCK_MET);
	ck_assert_ptr_nonnull(
	    evidence_with(find_clock(&r, CLOCK_INITIAL_REPORT, 0), "a bot"));
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/*
 * Late is a fact: a met clock carries how late it was, to the second.
 * Answers at these offsets from the due time of a question.
 */
static const struct {
	long long after_due;
	int late;
} late_table[] = {{-DAY, 0}, {-1, 0}, {0, 0}, {1, 1}, {3 * DAY + 7, 1}};

START_TEST(test_late_by)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *k;
	time_t q = FILED + DAY, due = q + 7 * DAY;
	time_t a = due + (time_t)late_table[_i].after_due;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, PROGRAM, q, "Why?");
	tb_comment(&tb, CA_REP, a, "Because.");
	tb_eval(&tb, a + DAY, &r);
	k = find_clock(&r, CLOCK_RESPONSE, 0);
	ck_assert_int_eq(k->state, CLOCK_MET);
	ck_assert_int_eq(k->late, late_table[_i].late);
	ck_assert_int_eq(
	    k->late_by, late_table[_i].late ? late_table[_i].after_due : 0);
	ck_assert_int_eq(r.questions[0].late, k->late);
	ck_assert_int_eq(r.questions[0].late_by, k->late_by);
	ck_assert_int_eq(r.questions[0].withdrawn, 0);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* A reopened bug: old closure and [close on] stop pausing; from reopening. */
START_TEST(test_reopened_runs_again)
{
	struct tbug tb;
	time_t c = T(2026, 1, 5, 0, 0, 0), ro = c + 40 * DAY;

	tb_acme(&tb, c, CA_REP);
	tb_comment(&tb, CA_REP, c + 10 * DAY, "## Incident Closure Summary\n");
	tb_whiteboard(&tb, PROGRAM, c + 11 * DAY, "[close on January 25]");
	tb_resolve(&tb, PROGRAM, c + 20 * DAY, "FIXED");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, c + 19 * DAY), CLOCK_PAUSED);
	tb_resolve(&tb, PROGRAM, ro, "");
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, ro - 1), -1);
	assert_boundaries(&tb, CLOCK_UPDATE, ro + 7 * DAY, ro + 5 * DAY);
	tb_free(&tb);
}
END_TEST

/* date_zone in an IANA zone: the end of D moves with daylight saving. */
static const struct {
	const char *zone;
	const char *d;
	time_t end;
} zone_table[] = {
    {"Europe/Berlin", "2026-03-28", 1774738799},
    {"Europe/Berlin", "2026-03-29", 1774821599},
    {"Europe/Berlin", "2026-10-25", 1792969199},
    {"America/New_York", "March 8, 2026", 1773028799},
    {"+05:30", "2026-04-30", 1777573799},
};

START_TEST(test_date_zone)
{
	struct tbug tb;
	struct policy_result r;
	struct policy_options o;
	struct people p;
	struct zone *z;
	char *wb, *cause = NULL;
	time_t t, e = zone_table[_i].end;
	int k;

	z = zone_load(zone_table[_i].zone, &cause);
	ck_assert_msg(z != NULL, "%s", cause);
	tb_acme(&tb, T(2026, 3, 1, 0, 0, 0), OUTSIDE);
	xasprintf(&wb, "Next update %s", zone_table[_i].d);
	tb_whiteboard(&tb, PROGRAM, T(2026, 3, 1, 1, 0, 0), wb);
	free(wb);
	test_people(&p);
	policy_options_defaults(&o);
	o.zone = z;
	for (k = -1; k <= 1; k++) {
		t = e + k;
		policy_eval(&tb.bug, &tb.cl, &tb.hl, &p, &o, t, &r);
		ck_assert_int_eq(find_clock(&r, CLOCK_UPDATE, 0)->due, e);
		ck_assert_int_eq(find_clock(&r, CLOCK_UPDATE, 0)->state,
		    k <= 0 ? CLOCK_DUE_SOON : CLOCK_OVERDUE);
		policy_result_free(&r);
	}
	people_free(&p);
	zone_free(z);
	tb_free(&tb);
}
END_TEST

/* The CA and its key on a result: configured, unconfigured, none. */
START_TEST(test_result_ca)
{
	static const struct {
		const char *summary;
		const char *ca, *key;
	} t[] = {
	    {"ACME Inc. - OCSP outage between 10:00 and 12:00", "Acme", "acme"},
	    {"Foo Trust GmbH: x", "Foo Trust GmbH", "footrust"},
	    {"---: x", "---", NULL},
	    {"No separator here", NULL, NULL},
	};
	struct tbug tb;
	struct policy_result r;

	tb_init(&tb, t[_i].summary, OUTSIDE, "nobody@mozilla.org", FILED, "x");
	tb_eval(&tb, FILED + DAY, &r);
	if (t[_i].ca == NULL)
		ck_assert_ptr_null(r.ca);
	else
		ck_assert_str_eq(r.ca, t[_i].ca);
	if (t[_i].key == NULL)
		ck_assert_ptr_null(r.ca_key);
	else
		ck_assert_str_eq(r.ca_key, t[_i].key);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

static Suite *
rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("questions");
	tcase_add_loop_test(
	    tc, test_questions, 0, CCWATCH_NELEM(question_table));
	tcase_add_loop_test(
	    tc, test_needinfo_cleared, 0, CCWATCH_NELEM(clear_table));
	tcase_add_test(tc, test_needinfo_cleared_with_comment);
	tcase_add_loop_test(tc, test_late_by, 0, CCWATCH_NELEM(late_table));
	suite_add_tcase(s, tc);
	tc = tcase_create("dates");
	tcase_add_loop_test(
	    tc, test_next_update_forms, 0, CCWATCH_NELEM(next_table));
	tcase_add_test(tc, test_next_update_unreadable);
	tcase_add_loop_test(
	    tc, test_next_update_setter, 0, CCWATCH_NELEM(setter_table));
	tcase_add_loop_test(tc, test_date_zone, 0, CCWATCH_NELEM(zone_table));
	suite_add_tcase(s, tc);
	tc = tcase_create("pauses");
	tcase_add_loop_test(
	    tc, test_close_on_forms, 0, CCWATCH_NELEM(close_table));
	tcase_add_test(tc, test_close_on_by_ca);
	tcase_add_loop_test(
	    tc, test_closure_holds, 0, CCWATCH_NELEM(closure_table));
	tcase_add_test(tc, test_closure_mention);
	tcase_add_test(tc, test_reopened_runs_again);
	suite_add_tcase(s, tc);
	tc = tcase_create("clocks");
	tcase_add_loop_test(tc, test_revocation_next_update, 0,
	    CCWATCH_NELEM(revocation_table));
	tcase_add_loop_test(tc, test_bot_filed, 0, 2);
	tcase_add_loop_test(tc, test_result_ca, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
