/*
 * The comment-text scanners of the policy engine: whether a comment asks a
 * question, how many sections of a Full Incident Report it holds, and
 * whether it is a closure summary; and the [meta] summary of a tracking bug.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ccwatch.h"
#include "policy.h"

static const char *policy_v3_sections[] = {"summary", "impact", "timeline",
    "related incidents", "root cause analysis", "lessons learned",
    "action items", "appendix"};

/* Keywords of the wiki's seven numbered topics, "|"-separated. */
static const char *policy_wiki_topics[] = {"aware", "timeline",
    "stop|ceas|issu", "summary|problematic|number", "data|certificate",
    "explanation|why|how|cause", "step|plan|resolve|done|prevent"};

/* The next line of *p: start and length; NULL at the end. */
static const char *
policy_next_line(const char **p, size_t *len)
{
	const char *s = *p, *nl;

	if (s == NULL || *s == '\0')
		return NULL;
	nl = strchr(s, '\n');
	*len = nl != NULL ? (size_t)(nl - s) : strlen(s);
	*p = nl != NULL ? nl + 1 : s + *len;
	return s;
}

/* Skip spaces and Markdown markup (#, *, _, >) at the start of a line. */
static const char *
policy_skip_markup(const char *s, const char *end, int *marked)
{
	*marked = 0;
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (s < end &&
	    (*s == '#' || *s == '*' || *s == '_' ||
		isspace((unsigned char)*s))) {
		if (*s == '#' || *s == '*' || *s == '_')
			*marked = 1;
		s++;
	}
	return s;
}

/* 1 if the line s..end starts with word (case ignored) then a non-letter. */
static int
policy_line_starts(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - s) < n || strncasecmp(s, word, n) != 0)
		return 0;
	return s + n == end || !isalpha((unsigned char)s[n]);
}

/* 1 if the rest of the line after a label is only ':', '*', '_', spaces. */
static int
policy_line_bare(const char *s, const char *end)
{
	for (; s < end; s++) {
		if (*s != ':' && *s != '*' && *s != '_' &&
		    !isspace((unsigned char)*s))
			return 0;
	}
	return 1;
}

/* Skip a leading "1." / "1)" section number; returns the number or 0. */
static int
policy_skip_number(const char **s, const char *end)
{
	const char *p = *s;
	int n = 0;

	while (p < end && isdigit((unsigned char)*p) && n < 100)
		n = n * 10 + (*p++ - '0');
	if (p == *s || p >= end || (*p != '.' && *p != ')'))
		return 0;
	p++;
	while (p < end && isspace((unsigned char)*p))
		p++;
	*s = p;
	return n;
}

/* 1 if the line contains one of the "|"-separated keywords. */
static int
policy_line_has_keyword(const char *s, const char *end, const char *keys)
{
	char word[32];
	const char *k = keys, *bar, *p;
	size_t n;

	while (*k != '\0') {
		bar = strchr(k, '|');
		n = bar != NULL ? (size_t)(bar - k) : strlen(k);
		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, k, n);
		word[n] = '\0';
		for (p = s; p + n <= end; p++) {
			if (strncasecmp(p, word, n) == 0)
				return 1;
		}
		k += n;
		if (*k == '|')
			k++;
	}
	return 0;
}

/* Count the report template's sections found as headings or labels. */
int
policy_report_sections(const char *text, int legacy)
{
	const char *p = text, *line, *end, *s;
	size_t len, i;
	int found[8] = {0}, count = 0, marked, marked2, num;

	while ((line = policy_next_line(&p, &len)) != NULL) {
		end = line + len;
		s = policy_skip_markup(line, end, &marked);
		num = policy_skip_number(&s, end);
		if (legacy) {
			if (num >= 1 && num <= 7 &&
			    policy_line_has_keyword(
				s, end, policy_wiki_topics[num - 1]))
				found[num - 1] = 1;
			continue;
		}
		s = policy_skip_markup(s, end, &marked2);
		marked |= marked2;
		for (i = 0; i < CCWATCH_NELEM(policy_v3_sections); i++) {
			if (!policy_line_starts(s, end, policy_v3_sections[i]))
				continue;
			/* A heading or bold label, or a label alone. */
			if (marked ||
			    policy_line_bare(
				s + strlen(policy_v3_sections[i]), end))
				found[i] = 1;
		}
	}
	for (i = 0; i < 8; i++)
		count += found[i];
	return count;
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

/* A line headed "Incident Closure Summary" or "Report Closure Summary". */
int
policy_is_closure_summary(const char *text)
{
	const char *p = text, *line, *end, *s;
	size_t len;
	int marked;

	while ((line = policy_next_line(&p, &len)) != NULL) {
		end = line + len;
		s = policy_skip_markup(line, end, &marked);
		if (policy_line_starts(s, end, "incident closure summary") ||
		    policy_line_starts(s, end, "report closure summary"))
			return 1;
	}
	return 0;
}

/* 1 if a '?' stands in the line outside inline code and URLs. */
static int
policy_line_asks(const char *s, const char *end)
{
	int code = 0;

	for (; s < end; s++) {
		if (*s == '`') {
			code = !code;
			continue;
		}
		if (code)
			continue;
		if ((end - s >= 7 && strncasecmp(s, "http://", 7) == 0) ||
		    (end - s >= 8 && strncasecmp(s, "https://", 8) == 0)) {
			while (s + 1 < end && !isspace((unsigned char)s[1]))
				s++;
			continue;
		}
		if (*s == '?')
			return 1;
	}
	return 0;
}

/* 1 if text asks something outside quoted lines, code and URLs. */
int
policy_text_asks(const char *text)
{
	const char *p = text, *line, *end, *s;
	size_t len;
	int fence = 0;

	while ((line = policy_next_line(&p, &len)) != NULL) {
		end = line + len;
		s = line;
		while (s < end && isspace((unsigned char)*s))
			s++;
		/* cppcheck-suppress knownConditionTrueFalse */
		if (end - s >= 3 && strncmp(s, "```", 3) == 0) {
			fence = !fence;
			continue;
		}
		if (fence || (s < end && *s == '>'))
			continue;
		if (policy_line_asks(s, end))
			return 1;
	}
	return 0;
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
