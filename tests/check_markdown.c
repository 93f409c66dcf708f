/*
 * Tests of the comment-text scanner (markdown.c) and of what the policy
 * engine reads through it (policy_text.c): the blocks of real comment
 * shapes, prose outside code and URLs, labels, questions, report sections
 * and closure summaries.  Every table row is a shape seen in a comment or
 * named in the issue that asked for the scanner.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccwatch.h"
#include "markdown.h"
#include "policy.h"
#include "testutil.h"

/* One text and the kinds of its lines: b t q f c i, one letter a line. */
static const struct {
	const char *text;
	const char *kinds;
} block_table[] = {
    {"", ""},
    {"one\ntwo\n", "tt"},
    {"one\r\ntwo", "tt"},
    {"a\n\n  \nb", "tbbt"},
    /* Fences: the same character, at least as long, closes. */
    {"```\ncode?\n```\nafter", "fcft"},
    {"~~~\ncode?\n~~~\nafter", "fcft"},
    {"````\n```\ncode\n````\nafter", "fccft"},
    {"~~~\n```\n~~~\nafter", "fcft"},
    {"```\n~~~\n```", "fcf"},
    {"```json\n{}\n```", "fcf"},
    {"   ```\nx\n   ```", "fcf"},
    {"    ```\nx", "it"},
    {"```\nx\n``` not a closer\n```", "fccf"},
    /* A one-line span never opens a block. */
    {"```select ?```\nCan you confirm?", "tt"},
    {"```code?```\n```\nx\n```", "tfcf"},
    /* An unclosed fence runs to the end only on a line of its own. */
    {"```\nwhat?\nstill code", "fcc"},
    {"~~~ python\nx = 1", "fc"},
    {"``` see the output below?\nanything?", "tt"},
    {"~~~ a b\nx", "tt"},
    /* Indented blocks: 4 columns (or a tab) not continuing a paragraph. */
    {"Thanks.\n\n    SELECT 1 WHERE x = ?\n\nDone.", "tbibt"},
    {"Thanks:\n    not code?", "tt"},
    {"    first line is code?", "i"},
    {"x\n\n\tcode?\n\n\tmore\nafter", "tbibit"},
    {"x\n\n    code\n  back", "tbit"},
    /* A list item's content is 2 or 3 columns in: 4 more make code. */
    {"- item\n\n    continued?", "tbt"},
    {"- item\n\n      code?", "tbi"},
    {"1. item\n\n       code?", "tbi"},
    {"- item\n\nnot in the list\n\n    code", "tbtbi"},
    /* Quotes are line by line; '>' after at most 3 spaces. */
    {"> Why?\nThanks.", "qt"},
    {"   > quoted?\nreally?", "qt"},
    {"> a\n>\n> b", "qqq"},
    {"```\n> in code\n```", "fcf"},
};

/* The kinds of text's lines as one letter each. */
static void
kinds_of(const char *text, char *buf, size_t size)
{
	struct markdown md;
	size_t i;

	markdown_scan(text, &md);
	for (i = 0; i < md.n && i + 1 < size; i++)
		buf[i] = markdown_kind_name(md.lines[i].kind)[0];
	buf[i] = '\0';
	markdown_free(&md);
}

START_TEST(test_blocks)
{
	char got[64];

	kinds_of(block_table[_i].text, got, sizeof got);
	ck_assert_msg(strcmp(got, block_table[_i].kinds) == 0,
	    "row %d: %s: got %s, want %s", _i, block_table[_i].text, got,
	    block_table[_i].kinds);
}
END_TEST

START_TEST(test_block_lines)
{
	struct markdown md;

	markdown_scan("a\r\n\tb\n", &md);
	ck_assert_uint_eq(md.n, 2);
	ck_assert_uint_eq(md.lines[0].len, 1);
	ck_assert_int_eq(md.lines[1].indent, 4);
	ck_assert_uint_eq(md.lines[1].len, 2);
	markdown_free(&md);
	markdown_scan(NULL, &md);
	ck_assert_uint_eq(md.n, 0);
	markdown_free(&md);
	markdown_free(NULL);
}
END_TEST

/* Prose and where the first '?' outside code and URLs is (-1: none). */
static const struct {
	const char *text;
	int at;
} prose_table[] = {
    {"Why?", 3},
    {"Run `select ? from x` again.", -1},
    {"Run `select ? from x` again?", 27},
    {"``code with ` inside?``", -1},
    {"a ` b?", 5},
    {"`` `x?` ``", -1},
    {"```select ?```", -1},
    {"See https://crt.sh/?id=1 for details.", -1},
    {"See HTTPS://CRT.SH/?ID=1.", -1},
    {"Did you check https://crt.sh/?id=1?", 34},
    {"Look at http://example.com/a?b=c, then tell us?", 46},
    {"See crt.sh/?Identity=Example+CA for the list.", -1},
    {"(crt.sh/?q=x) and sub.example.co.uk:8443/x?y", -1},
    {"Why (see https://crt.sh/?id=1)?", 30},
    {"[list](https://crt.sh/?q=1)", -1},
    {"<https://crt.sh/?q=1>", -1},
    {"Is it e.g. this?", 15},
    {"and/or?", 6},
    {"TLS1.2/1.3?", 10},
    {"x.y/?", 4},
    {"ab.cd/?q", -1},
    {"ab.cd/?", 6},
    {"ftp://a?b", -1},
    {"a:/b?", 4},
};

START_TEST(test_prose_find)
{
	const char *t = prose_table[_i].text;
	size_t at = markdown_prose_find(t, strlen(t), '?');
	int want = prose_table[_i].at;

	ck_assert_msg(want < 0 ? at == strlen(t) : at == (size_t)want,
	    "row %d: %s: got %zu", _i, t, at);
}
END_TEST

/* A line and its label: text, heading, list, strong, colon, alone, number. */
static const struct {
	const char *line;
	const char *text; /* NULL: no label */
	int heading, list, strong, colon, alone, number;
} label_table[] = {
    {"## Root Cause Analysis", "Root Cause Analysis", 2, 0, 0, 0, 1, 0},
    {"### Impact ###", "Impact", 3, 0, 0, 0, 1, 0},
    {"#hashtag", "#hashtag", 0, 0, 0, 0, 1, 0},
    {"**Impact:** 12 certificates", "Impact", 0, 0, 1, 1, 0, 0},
    {"**Impact**: 12", "Impact", 0, 0, 1, 1, 0, 0},
    {"- **Impact:**", "Impact", 0, 1, 1, 1, 1, 0},
    {"  * __Timeline__", "Timeline", 0, 1, 1, 0, 1, 0},
    {"Impact: 12 certificates", "Impact", 0, 0, 0, 1, 0, 0},
    {"Impact:", "Impact", 0, 0, 0, 1, 1, 0},
    {"1. How we became aware: a report", "How we became aware", 0, 1, 0, 1, 0,
	1},
    {"## 3. Timeline", "Timeline", 2, 0, 0, 0, 1, 3},
    {"**2) Impact**", "Impact", 0, 0, 1, 0, 1, 2},
    {"*Summary*", "Summary", 0, 0, 1, 0, 1, 0},
    {"***", NULL, 0, 0, 0, 0, 0, 0},
    {"   ", NULL, 0, 0, 0, 0, 0, 0},
    {"##", NULL, 2, 0, 0, 0, 0, 0},
    {"Incident Closure Summary", "Incident Closure Summary", 0, 0, 0, 0, 1, 0},
};

START_TEST(test_labels)
{
	struct markdown_label l;
	const char *line = label_table[_i].line;
	int rc = markdown_label(line, strlen(line), &l);

	if (label_table[_i].text == NULL) {
		ck_assert_msg(rc == -1, "row %d", _i);
		return;
	}
	ck_assert_msg(rc == 0, "row %d: no label", _i);
	ck_assert_msg(l.len == strlen(label_table[_i].text) &&
		strncmp(l.text, label_table[_i].text, l.len) == 0,
	    "row %d: label '%.*s'", _i, (int)l.len, l.text);
	ck_assert_int_eq(l.heading, label_table[_i].heading);
	ck_assert_int_eq(l.list, label_table[_i].list);
	ck_assert_int_eq(l.strong, label_table[_i].strong);
	ck_assert_int_eq(l.colon, label_table[_i].colon);
	ck_assert_int_eq(l.alone, label_table[_i].alone);
	ck_assert_int_eq(l.number, label_table[_i].number);
}
END_TEST

START_TEST(test_fold)
{
	char buf[16];

	ck_assert_str_eq(
	    markdown_fold("  Root-Cause (s)!", 17, buf, sizeof buf),
	    "root cause s");
	ck_assert_str_eq(
	    markdown_fold("Timeline of Events", 18, buf, sizeof buf),
	    "timeline of eve");
	ck_assert_str_eq(markdown_fold("\xc3\xa9t\xc3\xa9", 6, buf, 4), "t");
}
END_TEST

/* Whole comments: does the comment ask the CA something? */
static const struct {
	const char *text;
	int asks;
} asks_table[] = {
    {"Can you explain?", 1},
    {"No question here.", 0},
    {"", 0},
    /* The audit's shapes. */
    {"```select * from certs where id = ?```\n\nCan you confirm the list "
     "is complete?",
	1},
    {"```select * from certs where id = ?```\n\nThanks, that is all.", 0},
    {"~~~\nwhy is this null?\n~~~\nDone.", 0},
    {"~~~\nwhy is this null?\n~~~\nWhy?", 1},
    {"Output:\n\n    SELECT * FROM certs WHERE x = ?\n\nDone.", 0},
    {"Please look at crt.sh/?Identity=Example+CA and report back.", 0},
    {"See https://crt.sh/?id=1 for details.", 0},
    {"Look at http://example.com/a?b=c, then tell us?", 1},
    {"> Why?\nThanks for the answer.", 0},
    {"  > quoted?\nreally?", 1},
    {"Run `select * from x where y = ?` again.", 0},
    {"```\nwhat?\n```\nDone.", 0},
    {"```\ncode\n```\nWhat now?", 1},
    /* A fence left open on its own line hides the rest... */
    {"```\nwhat?\nAnd this?", 0},
    /* ... one with text on its line does not. */
    {"``` the log says:\nCan you confirm?", 1},
    /* A '?' that closes a sentence after a URL asks. */
    {"Did you check https://crt.sh/?id=1?", 1},
    /* A list item's indented paragraph is prose, not code. */
    {"- Item one.\n\n    Can you confirm item two?", 1},
    /* A code span may cross lines of one paragraph. */
    {"Run `select\nx = ?` now.", 0},
    {"(In reply to Ben from comment #3)\n> Can you confirm?\n\nYes.", 0},
};

START_TEST(test_text_asks)
{
	ck_assert_msg(
	    policy_text_asks(asks_table[_i].text) == asks_table[_i].asks,
	    "row %d: %s", _i, asks_table[_i].text);
}
END_TEST

/* Comments and the v3 template sections found in them. */
static const struct {
	const char *text;
	int sections;
} sections_table[] = {
    {"## Summary\nx\n## Impact\nx\n## Timeline\nx\n## Related Incidents\nx\n"
     "## Root Cause Analysis\nx\n## Lessons Learned\nx\n## Action Items\nx\n"
     "## Appendix\nx\n",
	8},
    /* Bold labels in list items, as the v3 template writes them. */
    {"- **Summary:** x\n- **Impact:** 12\n- **Timeline:** y\n"
     "- **Root Cause Analysis:** z\n- **Action Items:** w\n",
	5},
    /* Plain labels ending in a colon. */
    {"Summary: x\nImpact: 12 certificates\nTimeline: below\n"
     "Root Cause Analysis: a bug\nLessons Learned: many\n",
	5},
    /* Longer names. */
    {"## Incident Summary\n## Impact Assessment\n## Timeline of Events\n"
     "## Root Cause(s)\n## Lessons learnt\n",
	5},
    {"**Summary:** we misissued\n**Impact:** 12\n**Timeline:**\n...\n"
     "**Root Cause Analysis:** a bug\nAction Items\n",
	5},
    /* Mentions in sentences are not sections. */
    {"## Summary\nA preliminary report.\n## Impact\nTBD\n## Timeline\nsoon\n"
     "The root cause analysis will follow; lessons learned later.\n",
	3},
    {"The impact of this incident: small.\nSummary of the problematic "
     "certificates and their owners: see below\n",
	0},
    /* Quoted or in code, the template is not the comment's. */
    {"> ## Summary\n> ## Impact\n> ## Timeline\n> ## Root Cause Analysis\n"
     "> ## Lessons Learned\n",
	0},
    {"```\n## Summary\n## Impact\n## Timeline\n## Root Cause Analysis\n"
     "## Lessons Learned\n```\n",
	0},
};

START_TEST(test_report_sections)
{
	ck_assert_msg(policy_report_sections(sections_table[_i].text, 0) ==
		sections_table[_i].sections,
	    "row %d: %d sections", _i,
	    policy_report_sections(sections_table[_i].text, 0));
}
END_TEST

START_TEST(test_wiki_topics)
{
	static const char wiki[] =
	    "1. How your CA first became aware of the problem: a report.\n"
	    "2. A timeline of the actions your CA took: ...\n"
	    "3) Whether your CA has stopped issuing: yes.\n"
	    "**4. A summary of the problematic certificates:** 3.\n"
	    "5. The complete certificate data: attached.\n"
	    "6. Explanation about how and why the mistakes were made: ...\n"
	    "> 7. List of steps your CA is taking to resolve it: ...\n";

	ck_assert_int_eq(policy_report_sections(wiki, 1), 6);
	ck_assert_int_eq(policy_report_sections("1. a\n2. b\n", 1), 0);
	ck_assert(policy_is_full_report(wiki, POLICY_CCADB_1_0));
	ck_assert(!policy_is_full_report(wiki, POLICY_CCADB_2_0));
	ck_assert(!policy_is_full_report(NULL, POLICY_CCADB_2_0));
}
END_TEST

/* Comments and whether they are a closure summary. */
static const struct {
	const char *text;
	int closure;
} closure_table[] = {
    {"# Incident Closure Summary\n\n- **Incident description:** ...", 1},
    {"### Report Closure Summary\n", 1},
    {"## Incident Report Closure Summary\n", 1},
    {"#### Closure Report\n", 1},
    {"**Incident Closure Summary**\nAll done.", 1},
    {"__Report Closure Summary__", 1},
    {"- **Incident closure summary:** we request closure", 1},
    {"INCIDENT CLOSURE SUMMARY\n========================\n", 1},
    {"Incident Closure Summary:\nAll Action Items are complete.", 1},
    {"## Incident Closure Summary (bug 2011314)", 1},
    {"Thanks.\n\n## Incident Closure Summary\n", 1},
    /* Sentences that mention one are not one. */
    {"The closure summary will follow once AI-3 is done.", 0},
    {"We will post the Incident Closure Summary soon.", 0},
    {"Incident Closure Summary: will follow next week", 0},
    {"**Note:** the Incident Closure Summary follows.", 0},
    {"## Next steps: the Incident Closure Summary", 0},
    /* Quoted or in code, it is someone else's or an example. */
    {"> ## Incident Closure Summary\nAgreed.", 0},
    {"```\n## Incident Closure Summary\n```\n", 0},
    {"    ## Incident Closure Summary", 0},
};

START_TEST(test_closure_summary)
{
	ck_assert_msg(policy_is_closure_summary(closure_table[_i].text) ==
		closure_table[_i].closure,
	    "row %d: %s", _i, closure_table[_i].text);
}
END_TEST

/* Random text from the scanner's vocabulary: no crash, sane lines. */
START_TEST(test_random)
{
	static const char *words[] = {"```", "~~~", "`", "``", "    ", "\t",
	    "\n", "\r\n", "> ", "- ", "1. ", "## ", "**", "__", "*", ":", "?",
	    "https://", "crt.sh/", "a.b.cd:", "Impact",
	    "Incident Closure "
	    "Summary",
	    " ", "x", "(", ")", "[", "]", "\xff", "\xe2\x80\x93"};
	unsigned seed = testutil_seed() + (unsigned)_i;
	char text[600];
	struct markdown md;
	size_t len, w, i, total;
	int round, k;

	for (round = 0; round < 3000; round++) {
		len = 0;
		for (k = rand_r(&seed) % 60; k > 0; k--) {
			w = (size_t)rand_r(&seed) % CCWATCH_NELEM(words);
			if (len + strlen(words[w]) >= sizeof text)
				break;
			memcpy(text + len, words[w], strlen(words[w]));
			len += strlen(words[w]);
		}
		text[len] = '\0';
		markdown_scan(text, &md);
		for (total = 0, i = 0; i < md.n; i++) {
			ck_assert(md.lines[i].s >= text);
			ck_assert(
			    md.lines[i].s + md.lines[i].len <= text + len);
			total += md.lines[i].len;
		}
		ck_assert_uint_le(total, len);
		markdown_free(&md);
		(void)policy_text_asks(text);
		ck_assert_int_le(policy_report_sections(text, 0), 8);
		ck_assert_int_le(policy_report_sections(text, 1), 7);
		(void)policy_is_closure_summary(text);
	}
}
END_TEST

/* A long hostile text stays linear: many unclosed fences and spans. */
START_TEST(test_hostile_long)
{
	size_t n = 256 * 1024, i;
	char *text = malloc(n + 1);

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < n; i++)
		text[i] = "``` a b\n`` ``` ````?"[i % 20];
	text[n] = '\0';
	ck_assert_int_eq(policy_text_asks(text), 1);
	for (i = 0; i < n; i++)
		text[i] = (i % 97 == 96) ? '\n' : "`~"[(i / 7) % 2];
	(void)policy_text_asks(text);
	free(text);
}
END_TEST

static Suite *
markdown_suite(void)
{
	Suite *s = suite_create("markdown");
	TCase *tc;

	tc = tcase_create("scanner");
	tcase_add_loop_test(tc, test_blocks, 0, CCWATCH_NELEM(block_table));
	tcase_add_test(tc, test_block_lines);
	tcase_add_loop_test(tc, test_prose_find, 0, CCWATCH_NELEM(prose_table));
	tcase_add_loop_test(tc, test_labels, 0, CCWATCH_NELEM(label_table));
	tcase_add_test(tc, test_fold);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy-text");
	tcase_add_loop_test(tc, test_text_asks, 0, CCWATCH_NELEM(asks_table));
	tcase_add_loop_test(
	    tc, test_report_sections, 0, CCWATCH_NELEM(sections_table));
	tcase_add_test(tc, test_wiki_topics);
	tcase_add_loop_test(
	    tc, test_closure_summary, 0, CCWATCH_NELEM(closure_table));
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_add_loop_test(tc, test_random, 0, 2);
	tcase_add_test(tc, test_hostile_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(markdown_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
