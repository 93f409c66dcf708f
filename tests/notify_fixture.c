/*
 * The sample alert the notify test programs share (notify_fixture.h).
 */
#include <string.h>

#include "notify_fixture.h"

/* An overdue full-report alert with a non-ASCII summary. */
struct alert
nfix_alert_sample(void)
{
	struct alert a;

	memset(&a, 0, sizeof a);
	a.id = "ccw-1890123-full-report-1773186000-0";
	a.bug_id = 1890123;
	a.bug_summary = "Zertifikat f\xc3\xbcr \xc3\x9c"
			"berpr\xc3\xbc"
			"fung: CPS \xe2\x80\x94 OCSP outage";
	a.bug_url = "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123";
	a.ca = "Example Trust GmbH";
	a.clock = "full-report";
	a.state = "overdue";
	a.level = 0;
	a.due = NOW - 2 * 86400 - 3 * 3600; /* overdue by 2 days 3 hours */
	a.started_at = a.due - 14 * 86400;
	a.rule = "A full incident report is due within two weeks of the "
		 "initial report (CCADB incident reporting guidelines).";
	a.evidence = "Initial report in comment 3 by a CA-side account.\n"
		     ".hidden line that starts with a dot\n"
		     "Due = comment 3 time + 14 days.";
	a.comment_url =
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123#c3";
	a.query_url = "https://bugzilla.mozilla.org/buglist.cgi?bug_id="
		      "1890123&f1=cf_status";
	a.restricted = 0;
	a.created = NOW - 60;
	return a;
}
