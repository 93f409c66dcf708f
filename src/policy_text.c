/*
 * The comment-text scanners of the policy engine, over the Markdown
 * scanner's blocks: whether a comment asks a question, how many sections of
 * a Full Incident Report it holds, and whether it is a closure summary; and
 * the [meta] summary of a tracking bug.  Quoted lines and code (fenced,
 * indented, inline) are never read as the comment's own words.
 */
#include <string.h>
#include <strings.h>

#include "ccwatch.h"
#include "markdown.h"
#include "policy.h"

/* Room for a label folded into words. */
#define POLICY_LABEL_LEN 128
/* Words a label may add after a section's name ("Timeline of Events"). */
#define POLICY_LABEL_EXTRA 3

/*
 * The v3 template's sections, each with the names it goes by, NULL-ended;
 * a label also counts when it starts with one of them and adds at most
 * POLICY_LABEL_EXTRA words ("Impact Assessment", "Root Cause Analysis and
 * Remediation").
 */
static const char *const policy_v3_sections[][5] = {
    {"summary", "incident summary", "executive summary", NULL},
    {"impact", "incident impact", NULL},
    {"timeline", "incident timeline", NULL},
    {"related incidents", "related incident", NULL},
    {"root cause analysis", "root cause", "root causes", NULL},
    {"lessons learned", "lessons learnt", "lesson learned", NULL},
    {"action items", "action item", NULL},
    {"appendix", "appendices", NULL},
};
#define POLICY_NSECTIONS CCWATCH_NELEM(policy_v3_sections)

/* Keywords of the wiki's seven numbered topics, "|"-separated. */
static const char *policy_wiki_topics[] = {"aware", "timeline",
    "stop|ceas|issu", "summary|problematic|number", "data|certificate",
    "explanation|why|how|cause", "step|plan|resolve|done|prevent"};

/* The names a closure summary is headed with (POLICY.md). */
static const char *policy_closure_names[] = {"incident closure summary",
    "report closure summary", "incident report closure summary",
    "closure report"};

/* The number of words of a folded label. */
static size_t
policy_words(const char *s)
{
	size_t n = *s != '\0';

	for (; *s != '\0'; s++)
		n += *s == ' ';
	return n;
}

/*
 * 1 if the folded label is name, or (prefix set) starts with name as whole
 * words and adds at most extra words.
 */
static int
policy_label_is(const char *label, const char *name, int prefix, size_t extra)
{
	size_t n = strlen(name);

	if (strcmp(label, name) == 0)
		return 1;
	if (!prefix || strncmp(label, name, n) != 0 || label[n] != ' ')
		return 0;
	return policy_words(label + n + 1) <= extra;
}

/* 1 if the line contains one of the "|"-separated keywords. */
static int
policy_line_has_keyword(const char *s, size_t len, const char *keys)
{
	char word[32];
	const char *k = keys, *bar;
	size_t n, p;

	while (*k != '\0') {
		bar = strchr(k, '|');
		n = bar != NULL ? (size_t)(bar - k) : strlen(k);
		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, k, n);
		word[n] = '\0';
		for (p = 0; p + n <= len; p++) {
			if (strncasecmp(s + p, word, n) == 0)
				return 1;
		}
		k += n;
		if (*k == '|')
			k++;
	}
	return 0;
}

/*
 * The v3 section a prose line starts, or -1: a heading, a strong label, a
 * label ending in ':' or a line holding only the label.
 */
static int
policy_line_section(const struct markdown_line *l)
{
	struct markdown_label lab;
	char folded[POLICY_LABEL_LEN];
	size_t i, j;

	if (markdown_label(l->s, l->len, &lab) == -1 ||
	    !(lab.heading || lab.strong || lab.colon || lab.alone))
		return -1;
	markdown_fold(lab.text, lab.len, folded, sizeof folded);
	for (i = 0; i < POLICY_NSECTIONS; i++)
		for (j = 0; policy_v3_sections[i][j] != NULL; j++)
			if (policy_label_is(folded, policy_v3_sections[i][j], 1,
				POLICY_LABEL_EXTRA))
				return (int)i;
	return -1;
}

/* The wiki topic (1-7) a numbered prose line covers, or 0. */
static int
policy_line_topic(const struct markdown_line *l)
{
	struct markdown_label lab;

	if (markdown_label(l->s, l->len, &lab) == -1 || lab.number < 1 ||
	    lab.number > 7)
		return 0;
	return policy_line_has_keyword(lab.text,
		   l->len - (size_t)(lab.text - l->s),
		   policy_wiki_topics[lab.number - 1])
	    ? lab.number
	    : 0;
}

/*
 * The report template's sections found as headings or labels, one bit
 * each (legacy: the wiki's topics 1-7 as bits 0-6).
 */
unsigned
policy_report_mask(const char *text, int legacy)
{
	struct markdown md;
	size_t i;
	unsigned mask = 0;
	int k;

	if (text == NULL)
		return 0;
	markdown_scan(text, &md);
	for (i = 0; i < md.n; i++) {
		if (md.lines[i].kind != MARKDOWN_TEXT)
			continue;
		k = legacy ? policy_line_topic(&md.lines[i]) - 1
			   : policy_line_section(&md.lines[i]);
		if (k >= 0)
			mask |= 1U << k;
	}
	markdown_free(&md);
	return mask;
}

/* The number of sections of a mask. */
int
policy_mask_count(unsigned mask)
{
	int n = 0;

	for (; mask != 0; mask &= mask - 1)
		n++;
	return n;
}

/* Count the report template's sections found as headings or labels. */
int
policy_report_sections(const char *text, int legacy)
{
	return policy_mask_count(policy_report_mask(text, legacy));
}

/* A Full Incident Report: the v3 template, or the wiki's before v2.0. */
int
policy_is_full_report(const char *text, enum policy_version v)
{
	if (text == NULL)
		return 0;
	if (policy_report_sections(text, 0) >= POLICY_REPORT_MIN)
		return 1;
	return v < POLICY_CCADB_2_0 &&
	    policy_report_sections(text, 1) >= POLICY_REPORT_MIN;
}

/*
 * 1 if a prose line heads a closure summary: a heading or strong label
 * starting with one of the names, or a line that holds only the name.
 */
static int
policy_line_closure(const struct markdown_line *l)
{
	struct markdown_label lab;
	char folded[POLICY_LABEL_LEN];
	size_t i;
	int decorated;

	if (markdown_label(l->s, l->len, &lab) == -1)
		return 0;
	decorated = lab.heading || lab.strong;
	if (!decorated && !lab.alone)
		return 0;
	markdown_fold(lab.text, lab.len, folded, sizeof folded);
	for (i = 0; i < CCWATCH_NELEM(policy_closure_names); i++)
		if (policy_label_is(folded, policy_closure_names[i], decorated,
			POLICY_LABEL_LEN))
			return 1;
	return 0;
}

/* A closure summary: see policy.h. */
int
policy_is_closure_summary(const char *text)
{
	struct markdown md;
	size_t i;
	int found = 0;

	markdown_scan(text, &md);
	for (i = 0; i < md.n && !found; i++)
		found = md.lines[i].kind == MARKDOWN_TEXT &&
		    policy_line_closure(&md.lines[i]);
	markdown_free(&md);
	return found;
}

/*
 * 1 if text asks something: a '?' in prose, outside quoted lines, code
 * blocks, inline code and URLs.  Prose is read a paragraph at a time (the
 * run of prose lines between other blocks), so a code span may cross lines.
 */
int
policy_text_asks(const char *text)
{
	struct markdown md;
	const char *start;
	size_t i, j, len;
	int asks = 0;

	markdown_scan(text, &md);
	for (i = 0; i < md.n && !asks; i = j) {
		j = i + 1;
		if (md.lines[i].kind != MARKDOWN_TEXT)
			continue;
		while (j < md.n && md.lines[j].kind == MARKDOWN_TEXT)
			j++;
		start = md.lines[i].s;
		len = (size_t)(md.lines[j - 1].s + md.lines[j - 1].len - start);
		asks = markdown_prose_find(start, len, '?') < len;
	}
	markdown_free(&md);
	return asks;
}

/*
 * A summary starting "[meta]" names a tracking bug that gathers incidents
 * (BMO's own convention, e.g. "[meta] Delayed Revocation"); it reports
 * nothing itself, so no clock runs on it.
 */
int
policy_is_meta(const char *summary)
{
	if (summary == NULL)
		return 0;
	while (*summary == ' ')
		summary++;
	return strncasecmp(summary, "[meta]", 6) == 0;
}

/*
 * 1 if a moderator hid the comment: Bugzilla's comment tags "spam" and
 * "abuse" (any case).  Such a comment neither asks nor answers; the
 * description (comment 0) is the report itself and always counts.
 */
int
policy_comment_hidden(const struct comment *cm)
{
	size_t i;

	if (cm->count == 0)
		return 0;
	for (i = 0; i < cm->tags.n; i++)
		if (strcasecmp(cm->tags.v[i], "spam") == 0 ||
		    strcasecmp(cm->tags.v[i], "abuse") == 0)
			return 1;
	return 0;
}
