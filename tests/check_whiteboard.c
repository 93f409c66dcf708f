/*
 * Tests of the whiteboard parser: every form real bugs carry, the JSON the
 * CLI prints, all 1,690 real whiteboards, and hostile input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "testutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

/* One whiteboard and what must be read from it. */
struct wb_case {
	const char *text;
	const char *tags; /* normalised, joined by ',' */
	const char *next; /* "YYYY-MM-DD", or NULL for none */
	const char *next_raw;
	int ambiguous;
	const char *alt;      /* the later reading when ambiguous */
	const char *close;    /* "YYYY-MM-DD", or NULL for none */
	const char *warnings; /* joined by '|', "" for none */
};

static const struct wb_case cases[] = {
    /* The common form, and its spacing variants from real bugs. */
    {"[ca-compliance] [audit-finding] Next update 2026-04-30",
	"ca-compliance,audit-finding", "2026-04-30", "2026-04-30", 0, NULL,
	NULL, ""},
    {"[ca-compliance] [ca-revocation-delay] Next update 2023-04-28 ",
	"ca-compliance,ca-revocation-delay", "2023-04-28", "2023-04-28", 0,
	NULL, NULL, ""},
    {"[ca-compliance]  Next update 2026-04-30", "ca-compliance", "2026-04-30",
	"2026-04-30", 0, NULL, NULL, ""},
    {"Next update 2026-04-30 [ca-compliance] [dv-misissuance]",
	"ca-compliance,dv-misissuance", "2026-04-30", "2026-04-30", 0, NULL,
	NULL, ""},
    {"Next update\t\t2026-04-30\n", "", "2026-04-30", "2026-04-30", 0, NULL,
	NULL, ""},
    /* The day-Mon-year, year-Mon-day and dotted forms of 2023-2024. */
    {"[ca-compliance] [smime-misissuance] Next update 2-Oct-2023",
	"ca-compliance,smime-misissuance", "2023-10-02", "2-Oct-2023", 0, NULL,
	NULL, ""},
    {"[ca-compliance] [disclosure-failure] Next update 31-Oct-2023",
	"ca-compliance,disclosure-failure", "2023-10-31", "31-Oct-2023", 0,
	NULL, NULL, ""},
    {"[ca-compliance] [audit-finding] Next update 01-Nov-2023",
	"ca-compliance,audit-finding", "2023-11-01", "01-Nov-2023", 0, NULL,
	NULL, ""},
    {"[ca-compliance] [policy-failure] Next update 2023-Oct-27",
	"ca-compliance,policy-failure", "2023-10-27", "2023-Oct-27", 0, NULL,
	NULL, ""},
    {"[ca-compliance] [smime-misissuance] Next update at 23.2.2024",
	"ca-compliance,smime-misissuance", "2024-02-23", "23.2.2024", 0, NULL,
	NULL, ""},
    {"Next update 1.2.2024", "", "2024-02-01", "1.2.2024", 0, NULL, NULL, ""},
    /* Numeric day-month or month-day. */
    {"[ca-compliance] [ca-misissuance] Next update 3-1-2023",
	"ca-compliance,ca-misissuance", "2023-01-03", "3-1-2023", 1,
	"2023-03-01", NULL,
	"next update: ambiguous date '3-1-2023' (2023-01-03 or "
	"2023-03-01); using 2023-01-03"},
    {"Next update 1/3/2023", "", "2023-01-03", "1/3/2023", 1, "2023-03-01",
	NULL,
	"next update: ambiguous date '1/3/2023' (2023-01-03 or "
	"2023-03-01); using 2023-01-03"},
    {"Next update 13-1-2023", "", "2023-01-13", "13-1-2023", 0, NULL, NULL, ""},
    {"Next update 1-13-2023", "", "2023-01-13", "1-13-2023", 0, NULL, NULL, ""},
    {"Next update 5-5-2023", "", "2023-05-05", "5-5-2023", 0, NULL, NULL, ""},
    /* Case, colons, prepositions, other separators and month names. */
    {"Next Update: 2026/04/30", "", "2026-04-30", "2026/04/30", 0, NULL, NULL,
	""},
    {"NEXT UPDATE on 30-APRIL-2026", "", "2026-04-30", "30-APRIL-2026", 0, NULL,
	NULL, ""},
    {"next update by 2026-04-30", "", "2026-04-30", "2026-04-30", 0, NULL, NULL,
	""},
    {"Next-update:2026-04-30", "", "2026-04-30", "2026-04-30", 0, NULL, NULL,
	""},
    {"Next update Oct 2, 2023", "", "2023-10-02", "Oct 2, 2023", 0, NULL, NULL,
	""},
    {"Next update 2 September 2023.", "", "2023-09-02", "2 September 2023", 0,
	NULL, NULL, ""},
    {"Next update 29-Feb-2024", "", "2024-02-29", "29-Feb-2024", 0, NULL, NULL,
	""},
    {"[Next update 2026-04-30] [ca-compliance]", "ca-compliance", "2026-04-30",
	"2026-04-30", 0, NULL, NULL, ""},
    /* Dates that cannot be used. */
    {"[ca-compliance] Next update 2023-02-30", "ca-compliance", NULL, NULL, 0,
	NULL, NULL, "next update: impossible date '2023-02-30'"},
    {"Next update 29-Feb-2023", "", NULL, NULL, 0, NULL, NULL,
	"next update: impossible date '29-Feb-2023'"},
    {"Next update 31-31-2023", "", NULL, NULL, 0, NULL, NULL,
	"next update: impossible date '31-31-2023'"},
    {"[ca-compliance] Next update soon", "ca-compliance", NULL, NULL, 0, NULL,
	NULL, "next update: cannot read date 'soon'"},
    {"Next update 2026-04-30T00:00Z", "", NULL, NULL, 0, NULL, NULL,
	"next update: cannot read date '2026-04-30T00:00Z'"},
    {"Next update 3-1-23", "", NULL, NULL, 0, NULL, NULL,
	"next update: cannot read date '3-1-23'"},
    {"[ca-compliance] Next update", "ca-compliance", NULL, NULL, 0, NULL, NULL,
	"next update: no date"},
    {"Next update [ca-compliance]", "ca-compliance", NULL, NULL, 0, NULL, NULL,
	"next update: no date"},
    /* Several dates: the earliest is used, with a warning. */
    {"Next update 2026-05-01 Next update 2026-04-01", "", "2026-04-01",
	"2026-04-01", 0, NULL, NULL,
	"next update: 2 dates written; using the earliest, '2026-04-01'"},
    {"Next update 2026-04-01 [x] Next update soon", "x", "2026-04-01",
	"2026-04-01", 0, NULL, NULL, "next update: cannot read date 'soon'"},
    /* Not a mention. */
    {"[ca-compliance] Next updates 2026-04-30", "ca-compliance", NULL, NULL, 0,
	NULL, NULL, ""},
    /* [close on], first or elsewhere. */
    {"[close on 2026-03-06] [ca-compliance] [policy-failure]",
	"ca-compliance,policy-failure", NULL, NULL, 0, NULL, "2026-03-06", ""},
    {" [close on 2026-03-06] [ca-compliance] [dv-misissuance]",
	"ca-compliance,dv-misissuance", NULL, NULL, 0, NULL, "2026-03-06", ""},
    {"[ca-compliance] [Close On: 6-Mar-2026] Next update 2026-03-01",
	"ca-compliance", "2026-03-01", "2026-03-01", 0, NULL, "2026-03-06", ""},
    {"[close on soon] [ca-compliance]", "ca-compliance", NULL, NULL, 0, NULL,
	NULL, "close on: cannot read date 'soon'"},
    {"[close on 2026-03-20] [close on 2026-03-06]", "", NULL, NULL, 0, NULL,
	"2026-03-06",
	"close on: 2 dates written; using the earliest, '2026-03-06'"},
    /* The forms people write (the text is written on 2026-03-05). */
    {"[ca-compliance] Next update Apr. 1, 2026", "ca-compliance", "2026-04-01",
	"Apr. 1, 2026", 0, NULL, NULL, ""},
    {"Next update April 1, 2026", "", "2026-04-01", "April 1, 2026", 0, NULL,
	NULL, ""},
    {"Next update 1 April 2026", "", "2026-04-01", "1 April 2026", 0, NULL,
	NULL, ""},
    {"Next update April 1st, 2026", "", "2026-04-01", "April 1st, 2026", 0,
	NULL, NULL, ""},
    {"Next update 1st April, 2026", "", "2026-04-01", "1st April, 2026", 0,
	NULL, NULL, ""},
    {"Next update Sept. 3, 2026", "", "2026-09-03", "Sept. 3, 2026", 0, NULL,
	NULL, ""},
    {"Next update Apr 1 2026", "", "2026-04-01", "Apr 1 2026", 0, NULL, NULL,
	""},
    {"Next update Wed, April 1, 2026", "", "2026-04-01", "Wed, April 1, 2026",
	0, NULL, NULL, ""},
    {"Next update 2026/04/01", "", "2026-04-01", "2026/04/01", 0, NULL, NULL,
	""},
    {"[ca-compliance] Next update April 1st", "ca-compliance", "2026-04-01",
	"April 1st", 0, NULL, NULL,
	"next update: 'April 1st' has no year; read as 2026-04-01, the first "
	"such day from 2026-02-03 (30 days before the text was written)"},
    {"Next update April 10 [ca-compliance]", "ca-compliance", "2026-04-10",
	"April 10", 0, NULL, NULL,
	"next update: 'April 10' has no year; read as 2026-04-10, the first "
	"such day from 2026-02-03 (30 days before the text was written)"},
    {"Next update 10th of April", "", "2026-04-10", "10th of April", 0, NULL,
	NULL,
	"next update: '10th of April' has no year; read as 2026-04-10, the "
	"first such day from 2026-02-03 (30 days before the text was "
	"written)"},
    /* Just passed stays in the past; long passed is next year's. */
    {"Next update February 20", "", "2026-02-20", "February 20", 0, NULL, NULL,
	"next update: 'February 20' has no year; read as 2026-02-20, the "
	"first such day from 2026-02-03 (30 days before the text was "
	"written)"},
    {"Next update January 5", "", "2027-01-05", "January 5", 0, NULL, NULL,
	"next update: 'January 5' has no year; read as 2027-01-05, the first "
	"such day from 2026-02-03 (30 days before the text was written)"},
    {"[close on April 10] [ca-compliance]", "ca-compliance", NULL, NULL, 0,
	NULL, "2026-04-10",
	"close on: 'April 10' has no year; read as 2026-04-10, the first such "
	"day from 2026-02-03 (30 days before the text was written)"},
    {"Next update June 2026", "", NULL, NULL, 0, NULL, NULL,
	"next update: cannot read date 'June 2026'"},
    {"Next update April 31", "", NULL, NULL, 0, NULL, NULL,
	"next update: impossible date 'April 31'"},
    {"Next update 10 April 26", "", NULL, NULL, 0, NULL, NULL,
	"next update: cannot read date '10 April 26'"},
    /* Tags as written. */
    {"[ca compliance] [disclosure failure]", "ca-compliance,disclosure-failure",
	NULL, NULL, 0, NULL, NULL, ""},
    {"[ca-compliance] [__-misissuance]", "ca-compliance,misissuance", NULL,
	NULL, 0, NULL, NULL, ""},
    {"[ca-compliance] [ov-misissuance][ev-misissuance]",
	"ca-compliance,ov-misissuance,ev-misissuance", NULL, NULL, 0, NULL,
	NULL, ""},
    {"[ca-compliance] [CA-Compliance] [ ca_compliance ]", "ca-compliance", NULL,
	NULL, 0, NULL, NULL, ""},
    {"[ca-compliance]  -- tracking bug for BR Compliance issues",
	"ca-compliance", NULL, NULL, 0, NULL, NULL, ""},
    {"", "", NULL, NULL, 0, NULL, NULL, ""},
    /* Brackets out of balance. */
    {"[ca-compliance] audit-finding]", "ca-compliance,audit-finding", NULL,
	NULL, 0, NULL, NULL,
	"unbalanced bracket: read 'audit-finding]' as '[audit-finding]'"},
    {"[ca-compliance] [audit-finding", "ca-compliance,audit-finding", NULL,
	NULL, 0, NULL, NULL,
	"unbalanced bracket: read '[audit-finding' as '[audit-finding]'"},
    {"[ca-compliance [audit-finding] Next update 2026-04-30",
	"ca-compliance,audit-finding", "2026-04-30", "2026-04-30", 0, NULL,
	NULL, "unbalanced bracket: read '[ca-compliance' as '[ca-compliance]'"},
    {"[ca-compliance] Next update 2026-04-30]", "ca-compliance", "2026-04-30",
	"2026-04-30", 0, NULL, NULL, "unbalanced bracket: ']' without '['"},
    {"[x] [", "x", NULL, NULL, 0, NULL, NULL,
	"unbalanced bracket: '[' without ']'"},
    {"[x] [] [__]", "x", NULL, NULL, 0, NULL, NULL,
	"empty tag '[]'|empty tag '[__]'"},
};

/* The strings of a list joined by sep, allocated. */
static char *
join(const struct strlist *l, const char *sep)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addstr(&b, sep);
		buf_addstr(&b, l->v[i]);
	}
	return buf_detach(&b);
}

/* Format a date's reading (alt for the later one) as YYYY-MM-DD. */
static void
fmt_date(const struct datetext *d, int alt, char *buf, size_t size)
{
	if (alt)
		snprintf(buf, size, "%04d-%02d-%02d", d->alt_year, d->alt_mon,
		    d->alt_day);
	else
		snprintf(buf, size, "%04d-%02d-%02d", d->year, d->mon, d->day);
}

/* Check that one whiteboard reads as its table row says. */
START_TEST(test_parse_forms)
{
	const struct wb_case *c = &cases[_i];
	struct whiteboard wb;
	char *s, date[32];

	/* The text is written on 2026-03-05 at noon UTC. */
	whiteboard_parse_at(c->text, 1772712000, &wb);
	s = join(&wb.norm_tags, ",");
	ck_assert_msg(strcmp(s, c->tags) == 0, "%s: tags %s", c->text, s);
	free(s);
	s = join(&wb.warnings, "|");
	ck_assert_msg(
	    strcmp(s, c->warnings) == 0, "%s: warnings %s", c->text, s);
	free(s);
	ck_assert_int_eq(wb.tags.n, wb.norm_tags.n);
	ck_assert_msg(wb.has_next_update == (c->next != NULL), "%s", c->text);
	if (c->next != NULL) {
		fmt_date(&wb.next_update, 0, date, sizeof date);
		ck_assert_str_eq(date, c->next);
		ck_assert_str_eq(wb.next_update.raw, c->next_raw);
		ck_assert_int_eq(wb.next_update.ambiguous, c->ambiguous);
		fmt_date(&wb.next_update, 1, date, sizeof date);
		ck_assert_str_eq(date, c->ambiguous ? c->alt : c->next);
	}
	ck_assert_msg(wb.has_close_on == (c->close != NULL), "%s", c->text);
	if (c->close != NULL) {
		fmt_date(&wb.close_on, 0, date, sizeof date);
		ck_assert_str_eq(date, c->close);
	}
	whiteboard_free(&wb);
	ck_assert_ptr_null(wb.tags.v);
}
END_TEST

/* Check that raw tags keep their spelling, without brackets or padding. */
START_TEST(test_parse_raw_tags)
{
	struct whiteboard wb;
	char *s;

	whiteboard_parse("[ca compliance] [ Disclosure_Failure ] x]", &wb);
	s = join(&wb.tags, "|");
	ck_assert_str_eq(s, "ca compliance|Disclosure_Failure|x");
	free(s);
	s = join(&wb.norm_tags, "|");
	ck_assert_str_eq(s, "ca-compliance|disclosure-failure|x");
	free(s);
	whiteboard_free(&wb);
	whiteboard_free(&wb);
	whiteboard_free(NULL);
	whiteboard_parse(NULL, &wb);
	ck_assert_uint_eq(wb.tags.n + wb.warnings.n, 0);
	ck_assert_int_eq(wb.has_next_update + wb.has_close_on, 0);
	whiteboard_free(&wb);
}
END_TEST

/* Check the ambiguous date of the policy: both readings, earlier first. */
START_TEST(test_parse_ambiguous)
{
	struct whiteboard wb;

	whiteboard_parse("Next update 3-1-2023", &wb);
	ck_assert_int_eq(wb.has_next_update, 1);
	ck_assert_int_eq(wb.next_update.ambiguous, 1);
	ck_assert_int_eq(wb.next_update.year, 2023);
	ck_assert_int_eq(wb.next_update.mon, 1);
	ck_assert_int_eq(wb.next_update.day, 3);
	ck_assert_int_eq(wb.next_update.alt_year, 2023);
	ck_assert_int_eq(wb.next_update.alt_mon, 3);
	ck_assert_int_eq(wb.next_update.alt_day, 1);
	ck_assert_int_eq(
	    whiteboard_date_end(&wb.next_update, NULL), 1672790399);
	whiteboard_free(&wb);
}
END_TEST

/* Check tag lookup by whole hyphen-separated runs. */
START_TEST(test_has_tag)
{
	struct whiteboard wb;

	whiteboard_parse("[ca-compliance] [leaf-revocation-delay]", &wb);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "revocation-delay"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "Revocation Delay"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "leaf-revocation-delay"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "ca-compliance"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "compliance"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "pliance"), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "revocation-del"), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "delayed-revocation"), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, ""), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "--"), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, NULL), 0);
	ck_assert_int_eq(whiteboard_has_tag(NULL, "ca-compliance"), 0);
	whiteboard_free(&wb);
	whiteboard_parse("[delayed-revocation] [ca-revocation-delay]", &wb);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "delayed-revocation"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "revocation-delay"), 1);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "delay"), 1);
	whiteboard_free(&wb);
	whiteboard_parse("[delayed-revocation]", &wb);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "delay"), 0);
	ck_assert_int_eq(whiteboard_has_tag(&wb, "revocation-delay"), 0);
	whiteboard_free(&wb);
}
END_TEST

/* Check the end of a date's day in UTC and in other zones. */
START_TEST(test_date_end)
{
	struct whiteboard wb;
	struct datetext bad;
	struct zone *east = zone_fixed(3600), *west = zone_fixed(-5 * 3600);

	whiteboard_parse("Next update 2026-04-30", &wb);
	ck_assert_int_eq(
	    whiteboard_date_end(&wb.next_update, NULL), 1777593599);
	ck_assert_int_eq(
	    whiteboard_date_end(&wb.next_update, east), 1777593599 - 3600);
	ck_assert_int_eq(
	    whiteboard_date_end(&wb.next_update, west), 1777593599 + 5 * 3600);
	whiteboard_free(&wb);
	memset(&bad, 0, sizeof bad);
	ck_assert_int_eq(whiteboard_date_end(&bad, NULL), -1);
	ck_assert_int_eq(whiteboard_date_end(NULL, NULL), -1);
	zone_free(east);
	zone_free(west);
}
END_TEST

/* Parse text and return its JSON, allocated. */
static char *
to_json(const char *text)
{
	struct whiteboard wb;
	char *s;

	whiteboard_parse(text, &wb);
	s = whiteboard_to_json(&wb);
	whiteboard_free(&wb);
	return s;
}

/* Check the exact JSON of the common forms. */
START_TEST(test_json_exact)
{
	char *s;

	s = to_json("[ca-compliance] [audit-finding] Next update 2026-04-30");
	ck_assert_str_eq(s,
	    "{\"tags\":[\"ca-compliance\",\"audit-finding\"],"
	    "\"next_update\":{\"raw\":\"2026-04-30\",\"date\":\"2026-04-30\","
	    "\"ambiguous\":false,\"alternatives\":[\"2026-04-30\"],"
	    "\"year_inferred\":false},\"close_on\":null,\"warnings\":[]}");
	free(s);
	s = to_json("[ca-compliance] [ca-misissuance] Next update 3-1-2023");
	ck_assert_str_eq(s,
	    "{\"tags\":[\"ca-compliance\",\"ca-misissuance\"],"
	    "\"next_update\":{\"raw\":\"3-1-2023\",\"date\":\"2023-01-03\","
	    "\"ambiguous\":true,\"alternatives\":[\"2023-01-03\","
	    "\"2023-03-01\"],\"year_inferred\":false},\"close_on\":null,"
	    "\"warnings\":[\"next update: "
	    "ambiguous date '3-1-2023' (2023-01-03 or 2023-03-01); using "
	    "2023-01-03\"]}");
	free(s);
	s = to_json(" [close on 2026-03-06] [ca compliance] [policy-failure]");
	ck_assert_str_eq(s,
	    "{\"tags\":[\"ca-compliance\",\"policy-failure\"],"
	    "\"next_update\":null,\"close_on\":{\"raw\":\"2026-03-06\","
	    "\"date\":\"2026-03-06\",\"ambiguous\":false,"
	    "\"alternatives\":[\"2026-03-06\"],\"year_inferred\":false},"
	    "\"warnings\":[]}");
	free(s);
	s = to_json("");
	ck_assert_str_eq(s,
	    "{\"tags\":[],\"next_update\":null,\"close_on\":null,"
	    "\"warnings\":[]}");
	free(s);
	s = whiteboard_to_json(NULL);
	ck_assert_str_eq(s,
	    "{\"tags\":[],\"next_update\":null,\"close_on\":null,"
	    "\"warnings\":[]}");
	free(s);
}
END_TEST

/* Check that quotes, controls and bad UTF-8 come out as valid JSON. */
START_TEST(test_json_escaping)
{
	char *s;

	s = to_json("[caf\xe9] [\"q\\\t] [\xc3\xa9t\xc3\xa9]");
	ck_assert_str_eq(s,
	    "{\"tags\":[\"caf\xef\xbf\xbd\",\"\\\"q\\\\\","
	    "\"\xc3\xa9t\xc3\xa9\"],"
	    "\"next_update\":null,\"close_on\":null,\"warnings\":[]}");
	free(s);
	/* Overlong, surrogate, past U+10FFFF, truncated. */
	s = to_json("[\xc0\xaf] [\xed\xa0\x80] [\xf4\x90\x80\x80] [\xe2\x82]");
	ck_assert_str_eq(s,
	    "{\"tags\":[\"\xef\xbf\xbd\xef\xbf\xbd\",\"\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\","
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\","
	    "\"\xef\xbf\xbd\xef\xbf\xbd\"],\"next_update\":null,"
	    "\"close_on\":null,\"warnings\":[]}");
	free(s);
	s = to_json("Next update \xff\xfe");
	ck_assert_str_eq(s,
	    "{\"tags\":[],\"next_update\":null,\"close_on\":null,"
	    "\"warnings\":[\"next update: cannot read date "
	    "'\xef\xbf\xbd\xef\xbf\xbd'\"]}");
	free(s);
}
END_TEST

/*
 * Check every real whiteboard.  The expected numbers were measured with
 * Python, independently of this parser, on bugs-2026-03.json:
 *   python3 -c "import json,re; d=json.load(open('bugs-2026-03.json'));
 *     print(sum(1 for b in d if re.search(r'next\s*update',
 *     b['whiteboard'], re.I)))"                                    -> 77
 * and likewise: whiteboards with a [close on YYYY-MM-DD] tag       -> 9;
 * the Next update dates are 69 ISO dates (all real days) and 8 others
 * (2-Oct-2023 x2, 31-Oct-2023 x2, 01-Nov-2023, 2023-Oct-27, 23.2.2024,
 * and 3-1-2023, the only numeric d-m-y one and so the only ambiguous one);
 * tags found by r'\[([^\]\[]*)\]', normalised (lowercase, runs of space,
 * '_' and '-' to one '-'), [close on] left out, distinct per bug: 3488 in
 * all, plus the one the regex misses in "[ca-compliance] audit-finding]";
 * 1641 bugs tagged ca-compliance (1639 + 2 "ca compliance"), 159 with a
 * tag holding the run revocation-delay, 24 with no tag (empty whiteboards),
 * and one with unbalanced brackets.
 */
START_TEST(test_real_whiteboards)
{
	char *path, *body;
	json_t *root, *bug, *back;
	json_error_t err;
	size_t i, ntags = 0;
	int next = 0, unreadable = 0, ambiguous = 0, close = 0;
	int cac = 0, revdelay = 0, notag = 0, warned = 0;
	struct whiteboard wb;
	char *js;

	path = testutil_srcpath("data/ca-compliance/bugs-2026-03.json");
	body = testutil_read_file(path, NULL);
	root = json_loads(body, 0, &err);
	ck_assert_msg(root != NULL, "%s: %s", path, err.text);
	ck_assert_uint_eq(json_array_size(root), 1690);
	json_array_foreach(root, i, bug)
	{
		whiteboard_parse(
		    json_string_value(json_object_get(bug, "whiteboard")), &wb);
		next += wb.has_next_update;
		ambiguous += wb.has_next_update && wb.next_update.ambiguous;
		close += wb.has_close_on;
		cac += whiteboard_has_tag(&wb, "ca-compliance");
		revdelay += whiteboard_has_tag(&wb, "revocation-delay");
		notag += wb.norm_tags.n == 0;
		ntags += wb.norm_tags.n;
		warned += wb.warnings.n > 0;
		if (wb.warnings.n > 0 &&
		    strstr(wb.warnings.v[0], "next update:") != NULL &&
		    strstr(wb.warnings.v[0], "ambiguous") == NULL)
			unreadable++;
		js = whiteboard_to_json(&wb);
		back = json_loads(js, 0, &err);
		ck_assert_msg(back != NULL, "%s: %s", js, err.text);
		json_decref(back);
		free(js);
		whiteboard_free(&wb);
	}
	ck_assert_int_eq(next, 77);
	ck_assert_int_eq(unreadable, 0);
	ck_assert_int_eq(ambiguous, 1);
	ck_assert_int_eq(close, 9);
	ck_assert_int_eq(cac, 1641);
	ck_assert_int_eq(revdelay, 159);
	ck_assert_int_eq(notag, 24);
	ck_assert_uint_eq(ntags, 3488 + 1);
	/* The ambiguous date and the missing bracket. */
	ck_assert_int_eq(warned, 2);
	json_decref(root);
	free(body);
	free(path);
}
END_TEST

/* Parse, render and check that the JSON loads back. */
static void
parse_roundtrip(const char *text)
{
	struct whiteboard wb;
	json_error_t err;
	json_t *back;
	char *js;

	whiteboard_parse(text, &wb);
	ck_assert_uint_le(wb.warnings.n, WHITEBOARD_MAX_WARNINGS);
	ck_assert_uint_le(wb.tags.n, WHITEBOARD_MAX_TAGS);
	js = whiteboard_to_json(&wb);
	back = json_loads(js, 0, &err);
	ck_assert_msg(back != NULL, "%s", err.text);
	ck_assert(json_is_array(json_object_get(back, "tags")));
	json_decref(back);
	free(js);
	whiteboard_free(&wb);
}

/* Check random text built from the parser's own vocabulary. */
START_TEST(test_garbage_random)
{
	static const char *words[] = {"[", "]", " ", "  ", "Next update ",
	    "next", "update", ":", "at ", "on ", "close on ", "2026-04-30",
	    "3-1-2023", "Oct", "-", ".", "/", "2023", "31", "\xff", "\xc3",
	    "\xe2\x82\xac", "_", "ca-compliance", "\t", ",", "2-Oct-2023"};
	unsigned seed = testutil_seed();
	char text[512];
	size_t len, w;
	int round, k, n;

	srandom(seed);
	for (round = 0; round < 5000; round++) {
		len = 0;
		n = (int)(random() % 40);
		for (k = 0; k < n; k++) {
			w = (size_t)random() % CCWATCH_NELEM(words);
			if (len + strlen(words[w]) >= sizeof text)
				break;
			memcpy(text + len, words[w], strlen(words[w]));
			len += strlen(words[w]);
		}
		text[len] = '\0';
		parse_roundtrip(text);
	}
	for (round = 0; round < 2000; round++) {
		len = (size_t)random() % (sizeof text - 1);
		for (w = 0; w < len; w++)
			text[w] = (char)(1 + random() % 255);
		text[len] = '\0';
		parse_roundtrip(text);
	}
}
END_TEST

/* Build count copies of unit, NUL-terminated, allocated. */
static char *
repeat(const char *unit, size_t count)
{
	size_t n = strlen(unit), i;
	char *s = xreallocarray(NULL, count * n + 1, 1);

	for (i = 0; i < count; i++)
		memcpy(s + i * n, unit, n);
	s[count * n] = '\0';
	return s;
}

/* Check that huge input is cut at the limit, with a warning. */
START_TEST(test_garbage_huge)
{
	struct whiteboard wb;
	char *s;

	s = repeat("[ca-compliance] ", 1 << 16);
	whiteboard_parse(s, &wb);
	ck_assert_uint_eq(wb.norm_tags.n, 1);
	ck_assert_uint_eq(wb.warnings.n, 1);
	ck_assert_str_eq(
	    wb.warnings.v[0], "longer than 65536 bytes; the rest was not read");
	whiteboard_free(&wb);
	free(s);
	/* Exactly at the limit: no warning. */
	s = repeat("[ab]", WHITEBOARD_MAX_INPUT / 4);
	whiteboard_parse(s, &wb);
	ck_assert_uint_eq(wb.warnings.n, 0);
	whiteboard_free(&wb);
	free(s);
	s = repeat("[", 1 << 20);
	whiteboard_parse(s, &wb);
	ck_assert_uint_eq(wb.warnings.n, WHITEBOARD_MAX_WARNINGS);
	ck_assert_str_eq(wb.warnings.v[WHITEBOARD_MAX_WARNINGS - 1],
	    "too many warnings; the rest were dropped");
	whiteboard_free(&wb);
	free(s);
	parse_roundtrip("");
	s = repeat("]", 100000);
	parse_roundtrip(s);
	free(s);
	s = repeat("Next update ", 10000);
	parse_roundtrip(s);
	free(s);
	s = repeat("next                                          ", 2000);
	parse_roundtrip(s);
	free(s);
}
END_TEST

/* Check the tag limit with many distinct tags. */
START_TEST(test_garbage_many_tags)
{
	struct whiteboard wb;
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "[tag-%d]", i);
	whiteboard_parse(buf_str(&b), &wb);
	ck_assert_uint_eq(wb.tags.n, WHITEBOARD_MAX_TAGS);
	ck_assert_str_eq(wb.norm_tags.v[WHITEBOARD_MAX_TAGS - 1], "tag-127");
	ck_assert_uint_eq(wb.warnings.n, 1);
	ck_assert_str_eq(
	    wb.warnings.v[0], "more than 128 tags; the rest were dropped");
	whiteboard_free(&wb);
	buf_free(&b);
}
END_TEST

static Suite *
whiteboard_suite(void)
{
	Suite *s = suite_create("whiteboard");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_forms, 0, CCWATCH_NELEM(cases));
	tcase_add_test(tc, test_parse_raw_tags);
	tcase_add_test(tc, test_parse_ambiguous);
	tcase_add_test(tc, test_has_tag);
	tcase_add_test(tc, test_date_end);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_json_exact);
	tcase_add_test(tc, test_json_escaping);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_add_test(tc, test_real_whiteboards);
	suite_add_tcase(s, tc);
	tc = tcase_create("garbage");
	tcase_add_test(tc, test_garbage_random);
	tcase_add_test(tc, test_garbage_huge);
	tcase_add_test(tc, test_garbage_many_tags);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(whiteboard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
