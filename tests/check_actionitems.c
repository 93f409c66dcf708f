/*
 * Tests of the Action Items reader (actionitems.c): one row per table
 * shape, written from the CCADB templates (v2.0's three columns, v3.0's
 * six, the Audit Incident Report's table per finding) and from the
 * variants real reports use (columns dropped, renamed and reordered,
 * numbered items, escaped pipes, inline Markdown, struck-out dates,
 * quarters and TBD, plain-text lists), and the cells read alone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "buf.h"
#include "ccwatch.h"
#include "testutil.h"
#include "timeutil.h"

/* When the comments of the table were written: 2026-03-10 12:00 UTC. */
#define WRITTEN ((time_t)1773144000)

/*
 * A comment and what it lists: rows as "number|description|due|status"
 * joined by ";" (number "-" for none; due a date, "P:" and a date for a
 * period, or the due kind's name), the tables, and a text that one of the
 * warnings holds (NULL: no warning at all).
 */
static const struct {
	const char *name;
	const char *text;
	const char *rows;
	int tables;
	const char *warn;
} shapes[] = {
    {"v2.0 template: three columns, no status",
	"### Action Items\n\n| Action Item | Kind | Due Date |\n"
	"| ----------- | ---- | -------- |\n"
	"| Add a lint for the SAN | Prevent | 2038-01-19 |\n",
	"-|Add a lint for the SAN|2038-01-19|none", 1, NULL},
    {"v3.0 template: six columns",
	"### Action Items\n\n| Action Item | Kind    | Corresponding Root "
	"Cause(s) | Evaluation Criteria | Due Date   | Status |\n"
	"| ----------- | ----    | --------------------------- | "
	"------------------- | -----------| ------ |\n"
	"| Add a lint | Prevent | Root Cause # 1 | No misissuance in CT | "
	"2026-04-30 | Ongoing |\n"
	"| Retrain validation staff | Mitigate | Root Cause # 2 | Audit | "
	"2026-02-27 | Complete |\n",
	"-|Add a lint|2026-04-30|ongoing;-|Retrain validation staff|"
	"2026-02-27|complete",
	1, NULL},
    {"audit report: one table per finding",
	"## Audit Incident Report\n\n### Finding #1\n\nCRL late.\n\n"
	"### Action Items\n\n| Action Item | Kind | Due Date |\n|---|---|---|\n"
	"| Monitor CRL publication | Detect | 2026-05-01 |\n\n"
	"### Finding #2\n\nCPS outdated.\n\n### Action Items\n\n"
	"| Action Item | Kind | Due Date |\n|---|---|---|\n"
	"| Review the CPS yearly | Prevent | 2026-06-01 |\n"
	"| Add a CPS change checklist | Prevent | 2026-06-15 |\n",
	"-|Monitor CRL publication|2026-05-01|none;-|Review the CPS "
	"yearly|2026-06-01|none;-|Add a CPS change checklist|2026-06-15|none",
	2, NULL},
    {"columns reordered",
	"| Status | Due Date | Kind | Action Item |\n|:--|:--:|--:|---|\n"
	"| Delayed | 2026-05-15 | Prevent | Replace the HSM firmware |\n",
	"-|Replace the HSM firmware|2026-05-15|delayed", 1, NULL},
    {"no Evaluation Criteria column",
	"| Action Item | Kind | Corresponding Root Cause(s) | Due Date | "
	"Status |\n|---|---|---|---|---|\n"
	"| Automate the check | Prevent | RC1 | 2026-03-31 | Ongoing |\n",
	"-|Automate the check|2026-03-31|ongoing", 1, NULL},
    {"Target date and State",
	"| Action | Target date | State |\n|---|---|---|\n"
	"| Publish the new CPS | 2026-04-01 | In progress |\n",
	"-|Publish the new CPS|2026-04-01|ongoing", 1, NULL},
    {"Completion date as the due date",
	"| Description | Completion date | Status |\n|---|---|---|\n"
	"| Revoke the remaining certificates | 2026-02-20 | Done |\n",
	"-|Revoke the remaining certificates|2026-02-20|complete", 1, NULL},
    {"Due Date beats Completion date, which is kept",
	"| Action Item | Due Date | Completion Date | Status |\n"
	"|---|---|---|---|\n"
	"| Add monitoring | 2026-03-01 | 2026-02-25 | Completed |\n",
	"-|Add monitoring|2026-03-01|complete", 1, NULL},
    {"numbered items: AI-1, #2, 3.",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| AI-1: Add a linter | 2026-04-01 | Ongoing |\n"
	"| #2 Train staff | 2026-04-02 | Ongoing |\n"
	"| 3. Update the CPS | 2026-04-03 | Ongoing |\n"
	"| [AI-04] Rotate keys | 2026-04-04 | Ongoing |\n",
	"1|Add a linter|2026-04-01|ongoing;2|Train staff|2026-04-02|ongoing;"
	"3|Update the CPS|2026-04-03|ongoing;4|Rotate keys|2026-04-04|ongoing",
	1, NULL},
    {"a number column",
	"| # | Action Item | Kind | Due Date | Status "
	"|\n|---|---|---|---|---|\n"
	"| 1 | Fix the template | Prevent | 2026-04-01 | Complete |\n"
	"| AI-2 | Add a CAA check | Detect | 2026-04-08 | Ongoing |\n",
	"1|Fix the template|2026-04-01|complete;2|Add a CAA check|2026-04-08|"
	"ongoing",
	1, NULL},
    {"per-finding numbers 1.1 and 2.1",
	"| ID | Action | Due | Status |\n|---|---|---|---|\n"
	"| 1.1 | Fix A | 2026-04-01 | Ongoing |\n"
	"| 2.1 | Fix B | 2026-04-02 | Ongoing |\n",
	"1.1|Fix A|2026-04-01|ongoing;2.1|Fix B|2026-04-02|ongoing", 1, NULL},
    {"no outer pipes",
	"Action Item | Kind | Due Date | Status\n--- | --- | --- | ---\n"
	"Add a lint | Prevent | 2026-04-30 | Ongoing\n",
	"-|Add a lint|2026-04-30|ongoing", 1, NULL},
    {"escaped pipes and an entity",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Match CN \\| SAN in the linter | 2026-04-30 | Ongoing |\n"
	"| Reject a &#124; in names | 2026-05-30 | Ongoing |\n",
	"-|Match CN | SAN in the linter|2026-04-30|ongoing;-|Reject a | in "
	"names|2026-05-30|ongoing",
	1, NULL},
    {"inline Markdown, links and <br>",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| **Deploy** [pkilint](https://github.com/digicert/pkilint) to "
	"`prod`<br>and monitor it | _2026-04-30_ | **Ongoing** |\n",
	"-|Deploy pkilint to prod and monitor it|2026-04-30|ongoing", 1, NULL},
    {"struck-out old date and status",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Migrate the OCSP responder | ~~2026-03-01~~ 2026-04-30 | "
	"~~Ongoing~~ Delayed |\n"
	"| Retire the old CA | <del>2026-01-01</del> 2026-02-01 | "
	"<s>Ongoing</s> Complete |\n",
	"-|Migrate the OCSP responder|2026-04-30|delayed;-|Retire the old "
	"CA|2026-02-01|complete",
	1, NULL},
    {"status words of real reports",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| a | 2026-04-01 | Completed (2026-03-02) |\n"
	"| b | 2026-04-01 | done |\n| c | 2026-04-01 | Cancelled |\n"
	"| d | 2026-04-01 | in-progress |\n| e | 2026-04-01 | Planned |\n"
	"| f | 2026-04-01 | \xe2\x9c\x85 Complete |\n| g | 2026-04-01 | |\n"
	"| h | 2026-04-01 | Incomplete |\n",
	"-|a|2026-04-01|complete;-|b|2026-04-01|complete;-|c|2026-04-01|"
	"canceled;-|d|2026-04-01|ongoing;-|e|2026-04-01|other;-|f|2026-04-01|"
	"complete;-|g|2026-04-01|none;-|h|2026-04-01|other",
	1, NULL},
    {"a quarter, with a warning",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Replace the CA software | Q3 2026 | Ongoing |\n",
	"-|Replace the CA software|P:2026-09-30|ongoing", 1, "is a period"},
    {"a month, with a warning",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Re-audit | June 2026 | Ongoing |\n| Re-key | 2026-02 | Ongoing |\n",
	"-|Re-audit|P:2026-06-30|ongoing;-|Re-key|P:2026-02-28|ongoing", 1,
	"is a period"},
    {"TBD: no deadline",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Evaluate a new vendor | TBD | Ongoing |\n",
	"-|Evaluate a new vendor|tbd|ongoing", 1, "to be determined"},
    {"an unreadable due date",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Write a runbook | soon | Ongoing |\n",
	"-|Write a runbook|unreadable|ongoing", 1, "cannot read due date"},
    {"an ambiguous due date",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Patch the RA | 3-1-2026 | Ongoing |\n",
	"-|Patch the RA|2026-01-03|ongoing", 1, "ambiguous due date"},
    {"a due date without a year",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Patch the RA | April 10 | Ongoing |\n",
	"-|Patch the RA|2026-04-10|ongoing", 1, "has no year"},
    {"an impossible due date",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Patch the RA | 2026-02-30 | Ongoing |\n",
	"-|Patch the RA|unreadable|ongoing", 1, "impossible due date"},
    {"two dates in one cell",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Patch the RA | 2026-04-30 (was 2026-03-31) | Delayed |\n",
	"-|Patch the RA|2026-04-30|delayed", 1, "holds 2 dates"},
    {"no due date given for a done item",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Notify subscribers | N/A | Complete |\n",
	"-|Notify subscribers|none|complete", 1, NULL},
    {"extra column kept",
	"| Action Item | Owner | Due Date | Status |\n|---|---|---|---|\n"
	"| Add a lint | PKI team | 2026-04-30 | Ongoing |\n",
	"-|Add a lint|2026-04-30|ongoing", 1, NULL},
    {"a table without its delimiter row",
	"| Action | Due |\n| Fix the profile | 2026-04-30 |\n",
	"-|Fix the profile|2026-04-30|none", 1, NULL},
    {"the template's example row and empty rows are skipped",
	"| Action Item | Kind | Due Date |\n|---|---|---|\n"
	"| Example | Prevent | 2038-01-19 |\n|  |  |  |\n"
	"| Add a lint | Prevent | 2026-04-30 |\n",
	"-|Add a lint|2026-04-30|none", 1, NULL},
    {"a row without an action",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"|  | 2026-04-30 | Ongoing |\n| Add a lint | 2026-04-30 | Ongoing |\n",
	"-|Add a lint|2026-04-30|ongoing", 1, "without an action"},
    {"a table in a code fence is an example",
	"Use the template:\n```markdown\n| Action Item | Kind | Due Date |\n"
	"|---|---|---|\n| Add a lint | Prevent | 2026-04-30 |\n```\n",
	"", 0, NULL},
    {"a quoted table is someone else's",
	"> | Action Item | Due Date |\n> |---|---|\n> | Add a lint | "
	"2026-04-30 |\n\nWhy is this late?",
	"", 0, NULL},
    {"an indented table is code",
	"See:\n\n    | Action Item | Due Date |\n    |---|---|\n"
	"    | Add a lint | 2026-04-30 |\n",
	"", 0, NULL},
    {"tables that list no actions",
	"### Related Incidents\n\n| Bug | Date | Description |\n|---|---|---|\n"
	"| [1](u) | 2025-01-01 | Same root cause |\n\n### Timeline\n\n"
	"| Date | Event |\n|---|---|\n| 2026-01-01 | Found |\n",
	"", 0, NULL},
    {"a plain-text list: one date and one status a line",
	"**Action Items:**\n\n"
	"- AI-1: Update the linter \xe2\x80\x94 due 2026-03-01 \xe2\x80\x94 "
	"Complete\n"
	"- AI-2: Train the validation staff, due 2026-04-15, status: "
	"Ongoing\n"
	"- AI-3: Replace the HSM (Q3 2026), Delayed\n\n"
	"We will post the next update by 2026-03-20.\n",
	"1|Update the linter|2026-03-01|complete;2|Train the validation "
	"staff|2026-04-15|ongoing;3|Replace the HSM|P:2026-09-30|delayed",
	1, "is a period"},
    {"a plain-text list, numbered, over two lines",
	"## Action Items\n1. Deploy the CAA fix by 2026-03-05: Done\n"
	"2. Add monitoring of CAA lookups\n   due 2026-04-01, Ongoing\n",
	"1|Deploy the CAA fix|2026-03-05|complete;2|Add monitoring of CAA "
	"lookups|2026-04-01|ongoing",
	1, NULL},
    {"a plain-text list that is not clear is not read",
	"## Action Items\nAdd lint by 2026-04-12.\n## Appendix\nNone.", "", 0,
	"has no status"},
    {"a plain-text list with two statuses on a line",
	"Action Items:\n- Complete the migration, due 2026-04-01, Ongoing\n",
	"", 0, "several status words"},
    {"a table wins over the plain-text list",
	"## Action Items\nAdd lint by 2026-04-12.\n\n"
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Add lint | 2026-04-12 | Ongoing |\n",
	"-|Add lint|2026-04-12|ongoing", 1, NULL},
    {"a Date column beside an Action Item column",
	"| Action Item | Kind | Date | Status |\n|---|---|---|---|\n"
	"| Update the linter | Prevent | 2026-04-30 | Ongoing |\n",
	"-|Update the linter|2026-04-30|ongoing", 1, NULL},
    {"a Timeline column",
	"| Action | Timeline |\n|---|---|\n| Retrain staff | 2026-05-15 |\n",
	"-|Retrain staff|2026-05-15|none", 1, NULL},
    {"a table the reader does not know under a label is not a list",
	"**Action Items:**\n\n| Step | When | State |\n|---|---|---|\n"
	"| Fix the linter | 2026-04-01 | Complete |\n",
	"", 0, NULL},
    {"a plain-text list of check boxes",
	"Action Items:\n- [x] Add a lint for the OU (2026-02-27)\n"
	"- [ ] Update the CPS (due 2026-04-30)\n",
	"-|Add a lint for the OU|2026-02-27|complete;"
	"-|Update the CPS|2026-04-30|other",
	1, NULL},
    {"check boxes without dates: no due date",
	"### Action Items\n\n- [x] Revoke the affected certificates\n"
	"- [x] Add a lint for the OU (2026-02-27)\n"
	"- [ ] Publish the new CPS\n",
	"-|Revoke the affected certificates|none|complete;"
	"-|Add a lint for the OU|2026-02-27|complete;"
	"-|Publish the new CPS|none|other",
	1, NULL},
    {"check marks in the status column",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Add lint | 2026-02-27 | \xe2\x9c\x85 |\n"
	"| Update CPS | 2026-04-30 | [ ] |\n",
	"-|Add lint|2026-02-27|complete;-|Update CPS|2026-04-30|other", 1,
	NULL},
    {"a range of dates is due at its end",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Roll out | 2026-04-01 to 2026-06-30 | Ongoing |\n",
	"-|Roll out|P:2026-06-30|ongoing", 1, "is a range"},
    {"a due date changed in place: the new date",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Roll out | 2026-04-30 \xe2\x86\x92 2026-03-31 | Ongoing |\n"
	"| Retrain | 2026-02-28 -> 2026-05-15 | Delayed |\n"
	"| Rescan | Originally 2026-02-28, now 2026-05-20 | Delayed |\n"
	"| Review | 2026-02-28; moved to Q3 2026 | Delayed |\n",
	"-|Roll out|2026-03-31|ongoing;-|Retrain|2026-05-15|delayed;"
	"-|Rescan|2026-05-20|delayed;-|Review|P:2026-09-30|delayed",
	1, "was changed"},
    {"two dates that are not a range: the first, with a warning",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| Roll out | 2026-06-30 (was 2026-04-01) | Ongoing |\n",
	"-|Roll out|2026-06-30|ongoing", 1, "holds 2 dates"},
    {"UTF-8 descriptions",
	"| Action Item | Due Date | Status |\n|---|---|---|\n"
	"| \xe6\x9b\xb4\xe6\x96\xb0\xe8\xaf\x81\xe4\xb9\xa6\xe6\xa8\xa1"
	"\xe6\x9d\xbf | 2026-04-30 | Ongoing |\n",
	"-|\xe6\x9b\xb4\xe6\x96\xb0\xe8\xaf\x81\xe4\xb9\xa6\xe6\xa8\xa1"
	"\xe6\x9d\xbf|2026-04-30|ongoing",
	1, NULL},
    {"v2.0 table: a Due Date cell that says Done still leaves it open",
	"| Action Item | Kind | Due Date |\n|---|---|---|\n"
	"| Rotate the keys | Prevent | Done |\n",
	"-|Rotate the keys|unreadable|none", 1, "cannot read"},
};

/* The rows read, in the form of the shapes table. */
static char *
rows_string(const struct actionitem_read *rd)
{
	const struct actionitem_row *r;
	struct buf b;
	char iso[DATETEXT_ISO_LEN];
	size_t i;

	buf_init(&b, 1 << 20);
	for (i = 0; i < rd->n; i++) {
		r = &rd->rows[i];
		if (i > 0)
			buf_addch(&b, ';');
		buf_printf(&b, "%s|%s|", r->number != NULL ? r->number : "-",
		    r->description);
		if (r->due.kind == ACTIONITEM_DUE_DATE ||
		    r->due.kind == ACTIONITEM_DUE_PERIOD)
			buf_printf(&b, "%s%s",
			    r->due.kind == ACTIONITEM_DUE_PERIOD ? "P:" : "",
			    datetext_format(r->due.date.year, r->due.date.mon,
				r->due.date.day, iso));
		else
			buf_addstr(&b, actionitems_due_kind_name(r->due.kind));
		buf_printf(&b, "|%s", actionitems_status_name(r->status));
	}
	return buf_detach(&b);
}

/* 1 if a warning of the comment or of a row holds needle. */
static int
has_warning(const struct actionitem_read *rd, const char *needle, size_t *n)
{
	size_t i, j;
	int found = 0;

	*n = rd->warnings.n;
	for (i = 0; i < rd->warnings.n; i++)
		found |= strstr(rd->warnings.v[i], needle) != NULL;
	for (i = 0; i < rd->n; i++)
		for (j = 0; j < rd->rows[i].warnings.n; j++, (*n)++)
			found |=
			    strstr(rd->rows[i].warnings.v[j], needle) != NULL;
	return found;
}

START_TEST(test_shapes)
{
	struct actionitem_read rd;
	char *got;
	size_t nwarn;

	actionitems_read(shapes[_i].text, WRITTEN, &rd);
	got = rows_string(&rd);
	ck_assert_msg(strcmp(got, shapes[_i].rows) == 0,
	    "%s:\n  got  %s\n  want %s", shapes[_i].name, got, shapes[_i].rows);
	ck_assert_msg(rd.tables == shapes[_i].tables, "%s: %d tables",
	    shapes[_i].name, rd.tables);
	if (shapes[_i].warn != NULL)
		ck_assert_msg(has_warning(&rd, shapes[_i].warn, &nwarn),
		    "%s: no warning '%s'", shapes[_i].name, shapes[_i].warn);
	else {
		has_warning(&rd, "", &nwarn);
		ck_assert_msg(
		    nwarn == 0, "%s: %zu warnings", shapes[_i].name, nwarn);
	}
	free(got);
	actionitems_read_free(&rd);
}
END_TEST

/* The other columns of the v3.0 form land in their fields. */
START_TEST(test_columns)
{
	struct actionitem_read rd;
	const struct actionitem_row *r;

	actionitems_read(shapes[1].text, WRITTEN, &rd);
	ck_assert_uint_eq(rd.n, 2);
	r = &rd.rows[0];
	ck_assert_str_eq(r->kind, "Prevent");
	ck_assert_str_eq(r->root_cause, "Root Cause # 1");
	ck_assert_str_eq(r->criteria, "No misissuance in CT");
	ck_assert_str_eq(r->status_text, "Ongoing");
	ck_assert_str_eq(r->due.text, "2026-04-30");
	ck_assert_int_eq(r->line, 5);
	ck_assert_int_eq(r->table, 0);
	actionitems_read_free(&rd);
	actionitems_read(shapes[7].text, WRITTEN, &rd);
	ck_assert_uint_eq(rd.n, 1);
	ck_assert_uint_eq(rd.rows[0].nextra, 1);
	ck_assert_str_eq(rd.rows[0].extra[0].name, "Completion Date");
	ck_assert_str_eq(rd.rows[0].extra[0].value, "2026-02-25");
	actionitems_read_free(&rd);
	actionitems_read(shapes[2].text, WRITTEN, &rd);
	ck_assert_uint_eq(rd.n, 3);
	ck_assert_int_eq(rd.rows[0].table, 0);
	ck_assert_int_eq(rd.rows[2].table, 1);
	ck_assert_ptr_null(rd.rows[0].status_text);
	actionitems_read_free(&rd);
}
END_TEST

/* Status cells alone. */
START_TEST(test_status_cells)
{
	static const struct {
		const char *cell;
		enum actionitem_status want;
	} t[] = {{"Ongoing", ACTIONITEM_ONGOING},
	    {"ONGOING", ACTIONITEM_ONGOING}, {"On going", ACTIONITEM_ONGOING},
	    {"In Progress (80%)", ACTIONITEM_ONGOING},
	    {"Complete (2026-03-01)", ACTIONITEM_COMPLETE},
	    {"Completed", ACTIONITEM_COMPLETE}, {"Done.", ACTIONITEM_COMPLETE},
	    {"Delayed to Q3", ACTIONITEM_DELAYED},
	    {"Canceled", ACTIONITEM_CANCELED},
	    {"**Cancelled**", ACTIONITEM_CANCELED},
	    {"Completely new", ACTIONITEM_OTHER},
	    {"Not started", ACTIONITEM_OTHER}, {"", ACTIONITEM_NONE},
	    {" - ", ACTIONITEM_NONE}, {"~~Ongoing~~", ACTIONITEM_NONE},
	    {"Donee", ACTIONITEM_OTHER}, {"[x]", ACTIONITEM_COMPLETE},
	    {"[X]", ACTIONITEM_COMPLETE}, {"\xe2\x9c\x85", ACTIONITEM_COMPLETE},
	    {"\xe2\x9c\x94\xef\xb8\x8f", ACTIONITEM_COMPLETE},
	    {"\xe2\x98\x91 verified", ACTIONITEM_COMPLETE},
	    {"\xe2\x9c\x85 Delayed", ACTIONITEM_DELAYED},
	    {"[ ]", ACTIONITEM_OTHER}, {"[ ] Ongoing", ACTIONITEM_ONGOING},
	    {"\xe2\x98\x90", ACTIONITEM_OTHER}};
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(t); i++)
		ck_assert_msg(actionitems_status(
				  t[i].cell, strlen(t[i].cell)) == t[i].want,
		    "'%s'", t[i].cell);
}
END_TEST

/* Due date cells alone: dates, periods and their last days. */
START_TEST(test_due_cells)
{
	static const struct {
		const char *cell;
		enum actionitem_due_kind kind;
		const char *date;
	} t[] = {{"2026-04-30", ACTIONITEM_DUE_DATE, "2026-04-30"},
	    {"30-Apr-2026", ACTIONITEM_DUE_DATE, "2026-04-30"},
	    {"April 30, 2026", ACTIONITEM_DUE_DATE, "2026-04-30"},
	    {"30.04.2026", ACTIONITEM_DUE_DATE, "2026-04-30"},
	    {"Wed, April 1, 2026", ACTIONITEM_DUE_DATE, "2026-04-01"},
	    {"by end of 2026-05-15", ACTIONITEM_DUE_DATE, "2026-05-15"},
	    {"Q1 2027", ACTIONITEM_DUE_PERIOD, "2027-03-31"},
	    {"2026-Q2", ACTIONITEM_DUE_PERIOD, "2026-06-30"},
	    {"2Q2026", ACTIONITEM_DUE_PERIOD, "2026-06-30"},
	    {"Q4/2026", ACTIONITEM_DUE_PERIOD, "2026-12-31"},
	    {"H1 2026", ACTIONITEM_DUE_PERIOD, "2026-06-30"},
	    {"Feb 2028", ACTIONITEM_DUE_PERIOD, "2028-02-29"},
	    {"Sept. 2026", ACTIONITEM_DUE_PERIOD, "2026-09-30"},
	    {"11/2026", ACTIONITEM_DUE_PERIOD, "2026-11-30"},
	    {"end of 2026", ACTIONITEM_DUE_PERIOD, "2026-12-31"},
	    {"TBD", ACTIONITEM_DUE_TBD, NULL},
	    {"To be determined", ACTIONITEM_DUE_TBD, NULL},
	    {"TBC (after the audit)", ACTIONITEM_DUE_TBD, NULL},
	    {"", ACTIONITEM_DUE_NONE, NULL}, {"-", ACTIONITEM_DUE_NONE, NULL},
	    {"n/a", ACTIONITEM_DUE_NONE, NULL},
	    {"Q5 2026", ACTIONITEM_DUE_UNREADABLE, NULL},
	    {"next sprint", ACTIONITEM_DUE_UNREADABLE, NULL},
	    {"2026-04-01 ~ 2026-06-30", ACTIONITEM_DUE_PERIOD, "2026-06-30"},
	    {"2026-04-01 - 2026-06-30", ACTIONITEM_DUE_PERIOD, "2026-06-30"},
	    {"April 1, 2026 \xe2\x80\x93 June 30, 2026", ACTIONITEM_DUE_PERIOD,
		"2026-06-30"},
	    {"2026-04-01 through Q3 2026", ACTIONITEM_DUE_PERIOD,
		"2026-09-30"}};
	struct actionitem_due d;
	struct strlist w;
	char iso[DATETEXT_ISO_LEN];
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(t); i++) {
		memset(&w, 0, sizeof w);
		actionitems_due(t[i].cell, strlen(t[i].cell), WRITTEN, &d, &w);
		ck_assert_msg(d.kind == t[i].kind, "'%s': %s", t[i].cell,
		    actionitems_due_kind_name(d.kind));
		if (t[i].date != NULL)
			ck_assert_str_eq(datetext_format(d.date.year,
					     d.date.mon, d.date.day, iso),
			    t[i].date);
		ck_assert_msg((w.n > 0) ==
			(t[i].kind != ACTIONITEM_DUE_DATE &&
			    t[i].kind != ACTIONITEM_DUE_NONE),
		    "'%s': %zu warnings", t[i].cell, w.n);
		actionitems_due_free(&d);
		strlist_free(&w);
	}
}
END_TEST

/* The end of a due date is the end of its day, in the zone. */
START_TEST(test_due_end)
{
	struct actionitem_due d;
	struct strlist w = {0};

	actionitems_due("2026-04-30", 10, WRITTEN, &d, &w);
	ck_assert_int_eq(actionitems_due_end(&d, NULL),
	    timeutil_from_civil(2026, 4, 30, 23, 59, 59));
	actionitems_due_free(&d);
	actionitems_due("TBD", 3, WRITTEN, &d, &w);
	ck_assert_int_eq(actionitems_due_end(&d, NULL), -1);
	actionitems_due_free(&d);
	strlist_free(&w);
}
END_TEST

/* Folding for identity: case, punctuation and Markdown do not matter. */
START_TEST(test_fold)
{
	char a[128], b[128];
	const char *x = "Deploy *pkilint* to PROD!",
		   *y = "deploy pkilint, to prod";

	actionitems_fold(x, strlen(x), a, sizeof a);
	actionitems_fold(y, strlen(y), b, sizeof b);
	ck_assert_str_eq(a, "deploy pkilint to prod");
	ck_assert_str_eq(a, b);
	actionitems_fold("\xc3\x89tape 2", 8, a, sizeof a);
	ck_assert_str_eq(a, "\xc3\x89tape 2");
	actionitems_fold("---", 3, a, sizeof a);
	ck_assert_str_eq(a, "");
}
END_TEST

/* Random bytes and hostile tables: bounded, never a crash. */
START_TEST(test_hostile)
{
	struct actionitem_read rd;
	struct buf b;
	unsigned seed = testutil_seed();
	static const char *bits[] = {"|", "\\|", "Action Item", "Due Date",
	    "---", "\n", "2026-04-30", "~~", "`", "[", "](", ")", "<br>", "<s>",
	    "&#124;", "Q3 2026", "Complete", "**", " ", "AI-", "3.", "#"};
	size_t i, k;

	for (k = 0; k < 300; k++) {
		buf_init(&b, 1 << 20);
		for (i = 0; i < 200; i++)
			buf_addstr(
			    &b, bits[rand_r(&seed) % CCWATCH_NELEM(bits)]);
		actionitems_read(buf_str(&b), WRITTEN, &rd);
		ck_assert_uint_le(rd.n, ACTIONITEMS_MAX_ROWS);
		actionitems_read_free(&rd);
		buf_free(&b);
	}
	/* A table of many rows is cut at the limit, with a warning. */
	buf_init(&b, 1 << 24);
	buf_addstr(&b, "| Action Item | Due Date |\n|---|---|\n");
	for (i = 0; i < ACTIONITEMS_MAX_ROWS + 20; i++)
		buf_printf(&b, "| fix %zu | 2026-04-30 |\n", i);
	actionitems_read(buf_str(&b), WRITTEN, &rd);
	ck_assert_uint_eq(rd.n, ACTIONITEMS_MAX_ROWS);
	ck_assert_uint_ge(rd.warnings.n, 1);
	actionitems_read_free(&rd);
	buf_free(&b);
}
END_TEST

static Suite *
actionitems_suite(void)
{
	Suite *s = suite_create("actionitems");
	TCase *tc;

	tc = tcase_create("reader");
	tcase_add_loop_test(tc, test_shapes, 0, CCWATCH_NELEM(shapes));
	tcase_add_test(tc, test_columns);
	tcase_add_test(tc, test_status_cells);
	tcase_add_test(tc, test_due_cells);
	tcase_add_test(tc, test_due_end);
	tcase_add_test(tc, test_fold);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(actionitems_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
