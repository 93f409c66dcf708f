/*
 * Edges of POLICY.md's rules that no single example pins: comments a
 * moderator hid, questions the CA asks itself, overlapping and re-asked
 * questions, edited comments, a Next update date already past when set,
 * tag spellings, duplicates, closures by the wrong side, and the date
 * forms of Action Items' due dates.  Each clock is checked at its
 * boundary, one second either side.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "ccwatch.h"
#include "feed.h"
#include "policy.h"
#include "store.h"
#include "tbug.h"
#include "xmalloc.h"

/* 2026-03-02, under v3.1. */
#define FILED T(2026, 3, 2, 9, 0, 0)

/* The number of clocks of a kind at now. */
static int
nclocks_at(const struct tbug *tb, enum clock_kind kind, time_t now)
{
	struct policy_result r;
	int n = 0;

	tb_eval(tb, now, &r);
	while (find_clock(&r, kind, n) != NULL)
		n++;
	policy_result_free(&r);
	return n;
}

/*
 * A comment a moderator tagged as spam or abuse is hidden on Bugzilla: it
 * asks the CA nothing, and a CA comment so tagged is no update.
 */
static const char *hidden_tags[] = {"spam", "abuse", "SPAM"};

START_TEST(test_hidden_comments)
{
	struct tbug tb;
	struct comment *c;
	time_t q = FILED + DAY, u = FILED + 2 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	c = tb_comment(&tb, "seller@spam.example", q,
	    "Cheap certificates? Visit example.com now!");
	strlist_add(&c->tags, hidden_tags[_i]);
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, q + 8 * DAY), 0);
	/* A visible question still counts. */
	tb_comment(&tb, PROGRAM, q + HOUR, "Is the list complete?");
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, q + 8 * DAY), 1);
	/* A hidden CA comment neither answers nor updates. */
	c = tb_comment(&tb, CA_REP, u, "Buy now?");
	strlist_add(&c->tags, hidden_tags[_i]);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 0, q + HOUR + 7 * DAY + 1),
	    CLOCK_OVERDUE);
	ck_assert_int_eq(
	    due_at(&tb, CLOCK_UPDATE, 0, u + DAY), FILED + 7 * DAY);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, FILED + 4 * DAY),
	    CLOCK_OVERDUE);
	/* Other tags hide nothing. */
	free(c->tags.v[0]);
	c->tags.v[0] = xstrdup("typo");
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 0, q + 8 * DAY), CLOCK_MET);
	ck_assert_int_eq(due_at(&tb, CLOCK_UPDATE, 0, u + DAY), u + 7 * DAY);
	tb_free(&tb);
}
END_TEST

/*
 * The description is the report itself: a spam tag on comment 0 hides
 * nothing, and the CA's own full report still meets both report clocks.
 */
START_TEST(test_hidden_tag_spares_description)
{
	struct tbug tb;

	tb_init(&tb, "Acme: Incorrect Subject RDN Encoding", CA_REP, CA_REP,
	    FILED, tb_full_report_v3);
	strlist_add(&tb.cl.v[0].tags, hidden_tags[_i]);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, FILED + 20 * DAY),
	    CLOCK_MET);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_FULL_REPORT, 0, FILED + 20 * DAY), CLOCK_MET);
	tb_free(&tb);
}
END_TEST

/*
 * Through the store and the feed: a hidden CA comment is not the feed's
 * last CA comment, and the update clock runs from the one before it.
 */
START_TEST(test_feed_hidden)
{
	struct store *st;
	struct feed f;
	struct feed_options fo;
	struct policy_options po;
	struct people p;
	struct bug b;
	struct comment c;
	char *cause = NULL;
	time_t now = FILED + 5 * DAY, u = FILED + 2 * DAY, h = FILED + 3 * DAY;
	const struct clock *k;

	st = store_open(":memory:", &cause);
	ck_assert_ptr_nonnull(st);
	memset(&b, 0, sizeof b);
	b.id = 1900001;
	b.summary = (char *)"Acme: Incorrect Subject RDN Encoding";
	b.status = (char *)"ASSIGNED";
	b.resolution = (char *)"";
	b.is_open = 1;
	b.whiteboard = (char *)"";
	b.product = (char *)"CA Program";
	b.component = (char *)"CA Certificate Compliance";
	b.creator = (char *)OUTSIDE;
	b.assigned_to = (char *)CA_REP;
	b.creation_time = FILED;
	b.last_change_time = h;
	b.comment_count = 3;
	ck_assert_int_eq(store_put_bug(st, &b, &cause), 0);
	memset(&c, 0, sizeof c);
	c.bug_id = b.id;
	c.creator = (char *)OUTSIDE;
	c.time = FILED;
	c.text = (char *)"Found a bad certificate.";
	c.id = 1;
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	c.creator = (char *)CA_REP;
	c.id = c.count = 2;
	c.time = u;
	c.text = (char *)"Preliminary report.";
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	c.id = c.count = 3;
	c.time = h;
	c.text = (char *)"Cheap certificates?";
	if (_i)
		strlist_add(&c.tags, "spam");
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	strlist_free(&c.tags);
	test_people(&p);
	policy_options_defaults(&po);
	memset(&fo, 0, sizeof fo);
	fo.stale_after = 7200;
	ck_assert_int_eq(feed_load(st, &p, &po, now, &fo, &f, &cause), 0);
	ck_assert_uint_eq(f.report.nbugs, 1);
	ck_assert_int_eq(f.extra[0].last_ca_comment, _i ? u : h);
	k = find_clock(&f.report.bugs[0].result, CLOCK_UPDATE, 0);
	ck_assert_int_eq(k->started_at, _i ? u : h);
	feed_free(&f);
	people_free(&p);
	store_close(st);
}
END_TEST

/* The CA side asking, with text or needinfo, starts no response clock. */
START_TEST(test_ca_asks_itself)
{
	static const char *who[] = {CA_REP, CA_MATE,
	    "compliance-alias@gmail.com", "quiet-fox@proton.me"};
	struct tbug tb;
	time_t t = FILED + DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, who[_i], t, "Should we also revoke the others?");
	tb_needinfo(&tb, who[_i], t, CA_REP, 1);
	tb_needinfo(&tb, who[_i], t + HOUR, CA_MATE, 1);
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, t + 30 * DAY), 0);
	tb_free(&tb);
}
END_TEST

/*
 * Overlapping questions: each runs its own 7 days; one CA comment after
 * both answers both, one between them answers the first only.  A needinfo
 * cleared by the CA without a word answers neither; re-requested alone,
 * it is a question of its own.
 */
START_TEST(test_overlapping_questions)
{
	struct tbug tb;
	struct policy_result r;
	time_t q1 = FILED + DAY, q2 = FILED + 3 * DAY, a = q2 + DAY;
	time_t q3 = q2 + 2 * HOUR, mid = q1 + DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, PROGRAM, q1, "Which CAs issued these?");
	tb_needinfo(&tb, PROGRAM, q1, CA_REP, 1);
	if (_i == 1)
		tb_comment(&tb, CA_REP, mid, "Looking into it.");
	tb_comment(&tb, OUTSIDE, q2, "Were precertificates affected too?");
	tb_needinfo(&tb, CA_REP, q2 + HOUR, CA_REP, 0);
	tb_needinfo(&tb, PROGRAM, q3, CA_REP, 1);
	if (_i == 0)
		assert_boundaries(
		    &tb, CLOCK_RESPONSE, q1 + 7 * DAY, q1 + 5 * DAY);
	tb_eval(&tb, q2 + 7 * DAY + 1, &r);
	ck_assert_int_eq(r.nquestions, 3);
	ck_assert_int_eq(
	    r.questions[0].state, _i == 0 ? CLOCK_OVERDUE : CLOCK_MET);
	ck_assert_int_eq(r.questions[1].state, CLOCK_OVERDUE);
	ck_assert_int_eq(r.questions[2].asked_at, q3);
	ck_assert_int_eq(r.questions[2].due, q3 + 7 * DAY);
	policy_result_free(&r);
	tb_comment(&tb, CA_MATE, a, "Both answered below.");
	tb_eval(&tb, a + 30 * DAY, &r);
	ck_assert_int_eq(r.questions[1].state, CLOCK_MET);
	ck_assert_int_eq(r.questions[2].state, CLOCK_MET);
	ck_assert_int_eq(find_clock(&r, CLOCK_RESPONSE, 1)->stopped_at, a);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* An edited comment is read as last fetched: a question edited away. */
START_TEST(test_edited_question)
{
	struct tbug tb;
	struct comment *c;
	time_t t = FILED + DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	c = tb_comment(&tb, PROGRAM, t, "Is the list complete?");
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, t + DAY), 1);
	c = tb_comment(&tb, PROGRAM, t,
	    _i == 0 ? "The list is complete." : "Is the list complete? Why?");
	c->id = tb.cl.v[1].id;
	c->count = 1;
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, t + DAY), _i);
	tb_free(&tb);
}
END_TEST

/*
 * A Next update date already past when a root store operator writes it
 * excuses nothing that is over: the clock runs from the last CA comment,
 * never due before the end of the date.
 */
START_TEST(test_next_update_past_when_set)
{
	struct tbug tb;
	time_t l = T(2026, 3, 5, 9, 0, 0), set = T(2026, 3, 10, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	tb_whiteboard(&tb, PROGRAM, set,
	    _i == 0 ? "[ca-compliance] Next update 2026-03-08"
		    : "[ca-compliance] Next update 2026-02-01");
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, set), CLOCK_DUE_SOON);
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	tb_free(&tb);
}
END_TEST

/* Tags that contain revocation-delay run the revocation cadence. */
static const struct {
	const char *wb;
	int revocation;
} revtag_table[] = {
    {"[ca-compliance] [leaf-revocation-delay]", 1},
    {"[ca-compliance][revocation-delay]", 1},
    {"[ca-compliance] [Revocation-Delay]", 1},
    {"[ca-compliance] [delayed-revocation]", 1},
    {"[ca-compliance] [ica-revocation-delay]", 1},
    {"[ca-compliance] [revocation]", 0},
    {"[ca-compliance] [dv-misissuance]", 0},
};

START_TEST(test_revocation_tags)
{
	struct tbug tb;
	time_t l = T(2026, 3, 23, 9, 0, 0);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_whiteboard(&tb, PROGRAM, FILED + HOUR, revtag_table[_i].wb);
	tb_comment(&tb, CA_REP, l, "Update.");
	if (revtag_table[_i].revocation) {
		ck_assert_int_eq(nclocks_at(&tb, CLOCK_UPDATE, l + DAY), 0);
		assert_boundaries(
		    &tb, CLOCK_REVOCATION_UPDATE, l + 7 * DAY, l + 3 * DAY);
	} else {
		ck_assert_int_eq(
		    nclocks_at(&tb, CLOCK_REVOCATION_UPDATE, l + DAY), 0);
		assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	}
	tb_free(&tb);
}
END_TEST

/*
 * A duplicate is resolved: no clocks while it is; reopened, its update
 * clock runs again from the reopening and its reports stay as they were.
 */
START_TEST(test_duplicate)
{
	struct tbug tb;
	time_t d = FILED + HOUR, o = FILED + 20 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_resolve(&tb, PROGRAM, d, "DUPLICATE");
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_INITIAL_REPORT, d + 5 * DAY), 0);
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_UPDATE, d + 5 * DAY), 0);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, d - 1), CLOCK_OK);
	tb_resolve(&tb, PROGRAM, o, "");
	assert_boundaries(&tb, CLOCK_UPDATE, o + 7 * DAY, o + 5 * DAY);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_INITIAL_REPORT, 0, o), CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

/*
 * Resolved bugs run no clocks: a question asked, or an Action Item's due
 * date passed, while the bug was resolved runs from the reopening.  A
 * question asked before the resolution keeps its own 7 days.
 */
START_TEST(test_while_resolved)
{
	struct tbug tb;
	struct policy_result r;
	time_t q0 = FILED + 2 * DAY, res = FILED + 4 * DAY;
	time_t q1 = res + DAY, o = res + 20 * DAY + _i * HOUR;

	tb_acme(&tb, FILED, CA_REP);
	tb_comment(&tb, CA_REP, FILED + DAY,
	    "## Action Items\n\n| Action Item | Due Date | Status |\n|---|"
	    "---|---|\n| Add a lint for the SAN | 2026-03-10 | Ongoing |\n");
	tb_comment(&tb, PROGRAM, q0, "Is the lint deployed?");
	tb_resolve(&tb, PROGRAM, res, "FIXED");
	tb_comment(&tb, OUTSIDE, q1, "Why was this closed?");
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_RESPONSE, o - 1), 0);
	tb_resolve(&tb, PROGRAM, o, "");
	tb_eval(&tb, o, &r);
	ck_assert_int_eq(r.nquestions, 2);
	ck_assert_int_eq(r.questions[0].due, q0 + 7 * DAY);
	ck_assert_int_eq(r.questions[0].state, CLOCK_OVERDUE);
	ck_assert_int_eq(r.questions[1].asked_at, q1);
	ck_assert_int_eq(r.questions[1].due, o + 7 * DAY);
	ck_assert_int_eq(r.questions[1].state, CLOCK_OK);
	ck_assert_int_eq(
	    find_clock(&r, CLOCK_ACTION_ITEM, 0)->due, o + 3 * DAY);
	policy_result_free(&r);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 1, o + 7 * DAY), CLOCK_DUE_SOON);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_RESPONSE, 1, o + 7 * DAY + 1), CLOCK_OVERDUE);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_ACTION_ITEM, 0, o + 3 * DAY), CLOCK_DUE_SOON);
	ck_assert_int_eq(state_at(&tb, CLOCK_ACTION_ITEM, 0, o + 3 * DAY + 1),
	    CLOCK_OVERDUE);
	tb_free(&tb);
}
END_TEST

/*
 * A final call withdrawn (the root store operator takes [close on] off the
 * whiteboard) pauses no more: the update clock runs again from the last
 * CA comment, as it was before the tag.
 */
START_TEST(test_close_on_withdrawn)
{
	struct tbug tb;
	time_t l = FILED + DAY, on = FILED + 2 * DAY, off = FILED + 4 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	tb_whiteboard(
	    &tb, PROGRAM, on, "[ca-compliance] [close on 2026-03-13]");
	tb_whiteboard(&tb, PROGRAM, off, "[ca-compliance]");
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, on - 1), CLOCK_OK);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, on), CLOCK_PAUSED);
	ck_assert_int_eq(state_at(&tb, CLOCK_UPDATE, 0, off - 1), CLOCK_PAUSED);
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	tb_free(&tb);
}
END_TEST

/*
 * Closure pauses only when the CA side asks for it: a closure summary or
 * a needinfo on incident-reporting@ccadb.org from anyone else pauses
 * nothing.
 */
START_TEST(test_closure_wrong_side)
{
	struct tbug tb;
	time_t l = FILED + DAY, t = FILED + 2 * DAY;

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	if (_i == 0)
		tb_comment(&tb, OUTSIDE, t,
		    "## Incident Closure Summary\n\nAll done, I think.");
	else if (_i == 1)
		tb_needinfo(&tb, PROGRAM, t, "incident-reporting@ccadb.org", 1);
	else {
		tb_comment(&tb, BOT, t, "## Incident Closure Summary\n");
		tb_needinfo(&tb, BOT, t, "incident-reporting@ccadb.org", 1);
	}
	assert_boundaries(&tb, CLOCK_UPDATE, l + 7 * DAY, l + 5 * DAY);
	/* The same from the CA side pauses. */
	tb_needinfo(&tb, CA_MATE, t + HOUR, "incident-reporting@ccadb.org", 1);
	ck_assert_int_eq(
	    state_at(&tb, CLOCK_UPDATE, 0, l + 30 * DAY), CLOCK_PAUSED);
	tb_free(&tb);
}
END_TEST

/*
 * Next update with the separators people put before its date, and a date
 * followed by a zone name: each is due at the end of 2026-04-01, UTC.
 */
static const char *next_forms[] = {"Next update: 2026-04-01",
    "Next update - 2026-04-01", "Next update = 2026-04-01",
    "Next update=2026-04-01", "Next update 2026-04-01 UTC",
    "Next update on April 1st, 2026", "next-update by 1 April 2026"};

START_TEST(test_next_update_separators)
{
	struct tbug tb;
	char *wb;
	time_t l = T(2026, 3, 19, 9, 0, 0), end = T(2026, 4, 1, 23, 59, 59);

	tb_acme(&tb, FILED, OUTSIDE);
	tb_comment(&tb, CA_REP, l, "Update.");
	xasprintf(&wb, "[ca-compliance] %s", next_forms[_i]);
	tb_whiteboard(&tb, PROGRAM, l + HOUR, wb);
	free(wb);
	assert_boundaries(&tb, CLOCK_UPDATE, end, end - WINDOW);
	tb_free(&tb);
}
END_TEST

/*
 * Action Items' due dates in the forms a CA writes: each is the end of
 * 2026-04-01 (UTC), and the item owes an update 3 days later.
 */
static const char *due_forms[] = {"2026-04-01", "2026-04-01 UTC",
    "1 April 2026", "April 1st, 2026", "Apr. 1, 2026",
    "Wednesday, April 1, 2026", "2026/04/01", "01-Apr-2026", "April 1st",
    "1.4.2026"};

START_TEST(test_action_due_forms)
{
	struct tbug tb;
	char *text;
	time_t end = T(2026, 4, 1, 23, 59, 59);

	tb_acme(&tb, FILED, CA_REP);
	xasprintf(&text,
	    "## Action Items\n\n| Action Item | Kind | Due Date | Status "
	    "|\n|---|---|---|---|\n| Add a lint for the SAN | Prevent | %s | "
	    "Ongoing |\n",
	    due_forms[_i]);
	tb_comment(&tb, CA_REP, T(2026, 3, 16, 9, 0, 0), text);
	free(text);
	ck_assert_int_eq(nclocks_at(&tb, CLOCK_ACTION_ITEM, end), 0);
	assert_boundaries(&tb, CLOCK_ACTION_ITEM, end + 3 * DAY, end + DAY);
	tb_free(&tb);
}
END_TEST

/*
 * Due-date columns as CAs name them: each header with an action column
 * makes a list; a table of related incidents, whose Date is no due date,
 * makes none.
 */
static const struct {
	const char *header;
	size_t items;
} header_table[] = {
    {"| Action Item | Kind | Due Date | Status |", 1},
    {"| Action | Kind | Planned date | Status |", 1},
    {"| Task | Kind | Expected completion | Status |", 1},
    {"| Description | Kind | Estimated completion | State |", 1},
    {"| Action Item | Kind | Target Completion Date | Status |", 1},
    {"| Remediation | Kind | Deadline | Status |", 1},
    {"| Bug | Kind | Date | Description |", 0},
    {"| Item | Kind | Price | Status |", 0},
};

START_TEST(test_action_headers)
{
	struct actionitem_read r;
	char *text;

	xasprintf(&text,
	    "%s\n|---|---|---|---|\n| Add a lint | Prevent | 2026-04-01 | "
	    "Ongoing |\n",
	    header_table[_i].header);
	actionitems_read(text, T(2026, 3, 16, 0, 0, 0), &r);
	ck_assert_msg(r.n == header_table[_i].items, "%s: %zu items",
	    header_table[_i].header, r.n);
	if (r.n == 1) {
		ck_assert_int_eq(r.rows[0].due.date.year, 2026);
		ck_assert_int_eq(r.rows[0].due.date.mon, 4);
		ck_assert_int_eq(r.rows[0].due.date.day, 1);
	}
	actionitems_read_free(&r);
	free(text);
}
END_TEST

/*
 * A Full Incident Report posted in parts (Bugzilla caps a comment's
 * length): consecutive CA comments within an hour whose sections together
 * make a report meet the clock at the last part; a part by anyone else
 * between them, or an hour between, or too few sections, does not.
 */
#define PART_A "## Summary\nx\n## Impact\nx\n## Timeline\nx\n"
#define PART_B                                                                 \
	"## Root Cause Analysis\nx\n## Lessons Learned\nx\n## Action "         \
	"Items\nx\n## Appendix\nx\n"
#define WIKI_A                                                                 \
	"1. How we became aware: x\n2. Timeline: x\n3. Whether issuance "      \
	"stopped: x\n"
#define WIKI_B                                                                 \
	"4. Summary of the problematic certificates: x\n5. Certificate data: " \
	"x\n6. Explanation of why: x\n7. Steps taken to prevent it: x\n"

static const struct {
	int year;
	const char *a, *b, *c;
	const char *between; /* who comments between the first two parts */
	time_t gap;          /* from the first part to the last */
	int met;             /* 1: met at the last part */
} parts_table[] = {
    {2026, PART_A, PART_B, NULL, NULL, 50 * 60, 1},
    {2026, PART_A, PART_B, NULL, NULL, HOUR, 1},
    {2026, PART_A, PART_B, NULL, NULL, HOUR + 1, 0},
    {2026, PART_A, PART_B, NULL, OUTSIDE, 30 * 60, 0},
    {2026, PART_A, PART_B, NULL, CA_MATE, 30 * 60, 1},
    {2026, PART_A, "## Root Cause Analysis\nx\n", NULL, NULL, 600, 0},
    {2026, "## Summary\nx\n## Impact\nx\n",
	"## Timeline\nx\n## Root Cause Analysis\nx\n",
	"## Lessons Learned\nx\n", NULL, 1200, 1},
    {2022, WIKI_A, WIKI_B, NULL, NULL, 600, 1},
    {2026, WIKI_A, WIKI_B, NULL, NULL, 600, 0},
};

START_TEST(test_report_in_parts)
{
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t f = T(parts_table[_i].year, 3, 2, 9, 0, 0), t = f + 3 * DAY;
	time_t last = t + parts_table[_i].gap;

	tb_acme(&tb, f, OUTSIDE);
	tb_comment(&tb, CA_REP, t, parts_table[_i].a);
	if (parts_table[_i].between != NULL)
		tb_comment(&tb, parts_table[_i].between, t + 60, "Thanks.");
	tb_comment(&tb, CA_REP,
	    parts_table[_i].c != NULL ? t + parts_table[_i].gap / 2 : last,
	    parts_table[_i].b);
	if (parts_table[_i].c != NULL)
		tb_comment(&tb, CA_REP, last, parts_table[_i].c);
	tb_eval(&tb, f + 20 * DAY, &r);
	c = find_clock(&r, CLOCK_FULL_REPORT, 0);
	ck_assert_ptr_nonnull(c);
	if (parts_table[_i].met) {
		ck_assert_int_eq(c->state, CLOCK_MET);
		ck_assert_int_eq(c->stopped_at, last);
		ck_assert_int_eq(c->stopped_by_comment, (int64_t)tb.cl.n - 1);
	} else
		ck_assert_int_eq(c->state, CLOCK_OVERDUE);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/*
 * The report clocks across month ends and a leap day, in UTC: 72 hours
 * and 14 days to the second; met at the due second is on time, one second
 * later is late by one second.
 */
static const time_t *filed_table(void);

START_TEST(test_report_boundaries)
{
	const time_t *tv = filed_table();
	struct tbug tb;
	struct policy_result r;
	const struct clock *c;
	time_t f = tv[_i / 2], late = _i % 2;

	tb_acme(&tb, f, OUTSIDE);
	assert_boundaries(
	    &tb, CLOCK_INITIAL_REPORT, f + 72 * HOUR, f + 24 * HOUR);
	assert_boundaries(&tb, CLOCK_FULL_REPORT, f + 14 * DAY, f + 12 * DAY);
	tb_comment(&tb, CA_REP, f + 72 * HOUR + late, "Preliminary report.");
	tb_comment(&tb, CA_REP, f + 14 * DAY + late,
	    "## Summary\nx\n## Impact\nx\n## Timeline\nx\n## Root Cause "
	    "Analysis\nx\n## Lessons Learned\nx\n## Action Items\nx\n");
	tb_eval(&tb, f + 30 * DAY, &r);
	c = find_clock(&r, CLOCK_INITIAL_REPORT, 0);
	ck_assert_int_eq(c->state, CLOCK_MET);
	ck_assert_int_eq(c->late, late);
	ck_assert_int_eq(c->late_by, late);
	c = find_clock(&r, CLOCK_FULL_REPORT, 0);
	ck_assert_int_eq(c->state, CLOCK_MET);
	ck_assert_int_eq(c->late, late);
	ck_assert_int_eq(c->late_by, late);
	policy_result_free(&r);
	tb_free(&tb);
}
END_TEST

/* Filing moments at month ends, a leap day and DST changes elsewhere. */
static const time_t *
filed_table(void)
{
	static time_t v[6];

	v[0] = T(2028, 2, 27, 23, 30, 0); /* across 2028-02-29 */
	v[1] = T(2026, 2, 26, 12, 0, 0);  /* across 2026-02-28 */
	v[2] = T(2026, 12, 30, 0, 0, 0);  /* across the new year */
	v[3] = T(2026, 3, 28, 1, 0, 0);   /* Europe's spring DST */
	v[4] = T(2026, 10, 31, 23, 59, 59);
	v[5] = T(2026, 1, 31, 0, 0, 0);
	return v;
}

static Suite *
rules_edges_suite(void)
{
	Suite *s = suite_create("rules_edges");
	TCase *tc = tcase_create("questions");

	tcase_add_loop_test(
	    tc, test_hidden_comments, 0, CCWATCH_NELEM(hidden_tags));
	tcase_add_loop_test(tc, test_hidden_tag_spares_description, 0,
	    CCWATCH_NELEM(hidden_tags));
	tcase_add_loop_test(tc, test_ca_asks_itself, 0, 4);
	tcase_add_loop_test(tc, test_feed_hidden, 0, 2);
	tcase_add_loop_test(tc, test_overlapping_questions, 0, 2);
	tcase_add_loop_test(tc, test_edited_question, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("updates");
	tcase_add_loop_test(tc, test_next_update_past_when_set, 0, 2);
	tcase_add_loop_test(
	    tc, test_revocation_tags, 0, CCWATCH_NELEM(revtag_table));
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_close_on_withdrawn);
	tcase_add_loop_test(tc, test_while_resolved, 0, 2);
	tcase_add_loop_test(tc, test_closure_wrong_side, 0, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("dates");
	tcase_add_loop_test(
	    tc, test_next_update_separators, 0, CCWATCH_NELEM(next_forms));
	tcase_add_loop_test(
	    tc, test_action_due_forms, 0, CCWATCH_NELEM(due_forms));
	tcase_add_loop_test(tc, test_report_boundaries, 0, 12);
	tcase_add_loop_test(
	    tc, test_report_in_parts, 0, CCWATCH_NELEM(parts_table));
	tcase_add_loop_test(
	    tc, test_action_headers, 0, CCWATCH_NELEM(header_table));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(rules_edges_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
