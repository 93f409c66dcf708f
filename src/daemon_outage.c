/*
 * The end of an outage, in one line for people: after cycles that could
 * not reach Bugzilla, the first good one says so and for how long it was
 * not, e.g. "Bugzilla reachable again after 14 min (3 failed cycles)".
 * The loop calls daemon_outage_note with each cycle's outcome.
 */
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

/* Write secs for a person: "40 s", "14 min", "2 h 5 min", "3 days 4 h". */
static void
daemon_outage_span(long long secs, char *buf, size_t size)
{
	long long d = secs / 86400, h = secs % 86400 / 3600;
	long long m = secs % 3600 / 60;

	if (secs < 60)
		snprintf(buf, size, "%lld s", secs < 0 ? 0 : secs);
	else if (secs < 3600)
		snprintf(buf, size, "%lld min", m);
	else if (d == 0 && m > 0)
		snprintf(buf, size, "%lld h %lld min", h, m);
	else if (d == 0)
		snprintf(buf, size, "%lld h", h);
	else if (h > 0)
		snprintf(
		    buf, size, "%lld day%s %lld h", d, d == 1 ? "" : "s", h);
	else
		snprintf(buf, size, "%lld day%s", d, d == 1 ? "" : "s");
}

/* Note one cycle's outcome; see daemon.h. */
int
daemon_outage_note(struct daemon_outage *o, int ok, time_t now)
{
	char span[48];

	if (!ok) {
		if (o->failed++ == 0)
			o->since = now;
		return 0;
	}
	if (o->failed == 0)
		return 0;
	daemon_outage_span((long long)(now - o->since), span, sizeof span);
	snprintf(o->line, sizeof o->line,
	    "Bugzilla reachable again after %s (%d failed cycle%s)", span,
	    o->failed, o->failed == 1 ? "" : "s");
	log_event(LOG_INFO,
	    &(struct log_fields){
		.message_id = LOG_MSG_REACHABLE, .event = "reachable-again"},
	    "%s", o->line);
	o->failed = 0;
	o->since = 0;
	return 1;
}
