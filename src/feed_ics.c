/*
 * The oversight feed's calendar, deadlines.ics (RFC 5545): one event per
 * running clock of a bug the feed shows, and its open action items.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ccwatch.h"
#include "feed.h"
#include "feed_int.h"
#include "timeutil.h"
#include "utf8.h"
#include "xmalloc.h"

/* Append byte c as RFC 5545 TEXT: specials escaped, controls dropped. */
static void
feed_ics_escape_one(struct buf *b, char c)
{
	if (c == '\\' || c == ';' || c == ',') {
		buf_addch(b, '\\');
		buf_addch(b, c);
	} else if (c == '\n')
		buf_addstr(b, "\\n");
	else if ((c == '\t' || (unsigned char)c >= 0x20) && c != 0x7f)
		buf_addch(b, c);
}

/* RFC 5545 TEXT escaping; control characters dropped, UTF-8 repaired. */
char *
feed_ics_escape(const char *s)
{
	return feed_escape(s, feed_ics_escape_one);
}

/* Fold a content line at 75 octets, never inside a UTF-8 sequence. */
char *
feed_ics_fold(const char *line)
{
	struct buf b;
	size_t len = strlen(line), pos = 0, take, room = 75;

	buf_init(&b, FEED_MAX_TEXT);
	while (len - pos > room) {
		take = room;
		while (take > 1 &&
		    ((unsigned char)line[pos + take] & 0xc0) == 0x80)
			take--;
		buf_add(&b, line + pos, take);
		buf_addstr(&b, "\r\n ");
		pos += take;
		room = 74; /* the leading space counts */
	}
	buf_addstr(&b, line + pos);
	buf_addstr(&b, "\r\n");
	return buf_detach(&b);
}

/* Append one folded content line "NAME:value" to b. */
void
feed_ics_line(struct buf *b, const char *name, const char *value)
{
	char *line, *folded;

	xasprintf(&line, "%s:%s", name, value);
	folded = feed_ics_fold(line);
	buf_addstr(b, folded);
	free(folded);
	free(line);
}

/* Append "NAME:escaped text". */
void
feed_ics_text(struct buf *b, const char *name, const char *text)
{
	char *e = feed_ics_escape(text);

	feed_ics_line(b, name, e);
	free(e);
}

/* A URI for a property: controls, spaces and TEXT specials %-encoded. */
char *
feed_ics_uri(const char *s)
{
	struct buf b;
	const unsigned char *p;

	buf_init(&b, FEED_MAX_TEXT);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\' || *p == '"' ||
		    *p == ',' || *p == ';' || *p == '<' || *p == '>')
			buf_printf(&b, "%%%02X", *p);
		else
			buf_addch(&b, (char)*p);
	}
	return buf_detach(&b);
}

/* A UTC time in the basic form of RFC 5545: 20260313T120000Z. */
const char *
feed_ics_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	/* A time gmtime_r cannot convert, or too long for buf. */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(buf, size, "invalid");
	return buf;
}

/* The stable UID of a clock: its start comment, else its start time. */
static void
feed_ics_uid(
    const struct report_bug *rb, const struct clock *c, char *buf, size_t size)
{
	long long n = c->start_comment >= 0 ? (long long)c->start_comment
					    : (long long)c->started_at;

	if (c->item >= 0 && (size_t)c->item < rb->result.plan.n) {
		/* One event per item: a later due date moves it. */
		snprintf(buf, size, "ccwatch-%lld-%s-%s@ccwatch",
		    (long long)rb->bug.id, policy_clock_kind_name(c->kind),
		    rb->result.plan.items[c->item].key);
		return;
	}
	snprintf(buf, size, "ccwatch-%lld-%s-%lld@ccwatch",
	    (long long)rb->bug.id, policy_clock_kind_name(c->kind), n);
}

/* The event's description: what is due, for which bug, and where. */
static char *
feed_ics_description(const struct report_bug *rb, const struct clock *c)
{
	char started[TIMEUTIL_ISO_LEN], due[TIMEUTIL_ISO_LEN], *s;

	timeutil_format_iso(c->started_at, started);
	timeutil_format_iso(c->due, due);
	xasprintf(&s,
	    "%s is %s (due %s).\nBug %lld: %s\nCA: %s\nStatus: %s\n"
	    "Clock started %s under policy %s.\n%s",
	    report_clock_title(c->kind), policy_clock_state_name(c->state), due,
	    (long long)rb->bug.id, rb->summary != NULL ? rb->summary : "",
	    rb->result.ca != NULL ? rb->result.ca : "unknown",
	    rb->status != NULL ? rb->status : "", started,
	    policy_version_name(c->version),
	    c->link != NULL ? c->link : rb->url);
	return s;
}

/* Append one VEVENT for a running clock. */
static void
feed_ics_event(struct buf *b, const struct feed *f, const struct report_bug *rb,
    const struct clock *c)
{
	char t[32], uid[128], *summary, *desc, *uri;

	buf_addstr(b, "BEGIN:VEVENT\r\n");
	feed_ics_uid(rb, c, uid, sizeof uid);
	feed_ics_line(b, "UID", uid);
	feed_ics_line(
	    b, "DTSTAMP", feed_ics_time(f->report.generated_at, t, sizeof t));
	feed_ics_line(b, "DTSTART", feed_ics_time(c->due, t, sizeof t));
	xasprintf(&summary, "%s%s: bug %lld (%s)",
	    c->state == CLOCK_OVERDUE ? "OVERDUE: " : "",
	    report_clock_title(c->kind), (long long)rb->bug.id,
	    rb->result.ca != NULL ? rb->result.ca : "unknown CA");
	feed_ics_text(b, "SUMMARY", summary);
	desc = feed_ics_description(rb, c);
	feed_ics_text(b, "DESCRIPTION", desc);
	uri = feed_ics_uri(c->link != NULL ? c->link : rb->url);
	feed_ics_line(b, "URL", uri);
	feed_ics_line(b, "CATEGORIES", policy_clock_state_name(c->state));
	buf_addstr(b, "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
	free(summary);
	free(desc);
	free(uri);
}

/* deadlines.ics. */
char *
feed_to_ics(const struct feed *f, const char *ca)
{
	const struct report_bug *rb;
	const struct clock *c;
	struct buf b;
	char *name;
	size_t i, j;

	buf_init(&b, FEED_MAX_TEXT);
	buf_addstr(&b,
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//ccwatch//ccwatch feed 1//EN\r\n"
	    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
	xasprintf(&name, "ccwatch deadlines%s%s", ca != NULL ? ": " : "",
	    ca != NULL ? ca : "");
	feed_ics_text(&b, "X-WR-CALNAME", name);
	free(name);
	for (i = 0; i < f->report.nbugs; i++) {
		rb = &f->report.bugs[i];
		if (ca != NULL && !report_bug_in_ca(&f->report, rb, ca))
			continue;
		for (j = 0; j < rb->result.nclocks; j++) {
			c = &rb->result.clocks[j];
			if (c->due == 0 ||
			    (c->state != CLOCK_OK &&
				c->state != CLOCK_DUE_SOON &&
				c->state != CLOCK_OVERDUE))
				continue;
			feed_ics_event(&b, f, rb, c);
		}
		feed_ics_items(&b, f, rb);
	}
	buf_addstr(&b, "END:VCALENDAR\r\n");
	return buf_detach(&b);
}
