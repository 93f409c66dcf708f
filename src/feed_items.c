/*
 * The action items in the feed (see feed_int.h): an all-day calendar event
 * per open item, ccwatch_action_items{ca,state}, each bug's expandable
 * list of items on the dashboard, and the "ccwatch.feed/1" rendering that
 * keeps the previous schema for one more release.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "buf.h"
#include "ccwatch.h"
#include "feed.h"
#include "feed_int.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Characters of a description in an event's summary. */
#define FEED_ITEM_SUMMARY 60

/* The states of items, in the order of the metric's series. */
static const enum actionitem_state feed_item_states[] = {ACTIONITEM_STATE_OPEN,
    ACTIONITEM_STATE_OVERDUE, ACTIONITEM_STATE_COMPLETE,
    ACTIONITEM_STATE_CANCELED, ACTIONITEM_STATE_DROPPED};

/* 1 if the item is open with a due date: it has a calendar event. */
static int
feed_item_dated(const struct actionitem *it)
{
	return (it->state == ACTIONITEM_STATE_OPEN ||
		   it->state == ACTIONITEM_STATE_OVERDUE) &&
	    it->due_end > 0;
}

/* A day as the DATE form of RFC 5545 (20260430), days after the item's. */
static const char *
feed_item_day(const struct actionitem *it, int days, char *buf, size_t size)
{
	const struct datetext *d = &it->row.due.date;
	time_t t = timeutil_from_civil(d->year, d->mon, d->day, 12, 0, 0);
	struct tm tm;

	t += (time_t)days * 86400;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y%m%d", &tm) == 0)
		snprintf(buf, size, "invalid");
	return buf;
}

/* Append one all-day VEVENT for an open item. */
static void
feed_ics_item(struct buf *b, const struct feed *f, const struct report_bug *rb,
    const struct actionitem *it)
{
	const char *d = it->row.description;
	char t[32], *line, *uri, *url;
	int n = (int)strnlen(d, FEED_ITEM_SUMMARY);

	buf_addstr(b, "BEGIN:VEVENT\r\n");
	xasprintf(&line, "ccwatch-%lld-item-%s@ccwatch", (long long)rb->bug.id,
	    it->key);
	feed_ics_line(b, "UID", line);
	free(line);
	feed_ics_line(
	    b, "DTSTAMP", feed_ics_time(f->report.generated_at, t, sizeof t));
	feed_ics_line(
	    b, "DTSTART;VALUE=DATE", feed_item_day(it, 0, t, sizeof t));
	feed_ics_line(b, "DTEND;VALUE=DATE", feed_item_day(it, 1, t, sizeof t));
	xasprintf(&line, "%sAction item due: %.*s%s (bug %lld, %s)",
	    it->state == ACTIONITEM_STATE_OVERDUE ? "OVERDUE: " : "", n, d,
	    d[n] != '\0' ? "..." : "", (long long)rb->bug.id,
	    rb->result.ca != NULL ? rb->result.ca : "unknown CA");
	feed_ics_text(b, "SUMMARY", line);
	free(line);
	xasprintf(&url, "%s#c%lld", rb->url, (long long)it->last_comment);
	xasprintf(&line,
	    "Action item %s%s%s of bug %lld: %s\nStatus: %s\nDue: %s\nCA: %s\n"
	    "Listed in comment %lld.\n%s",
	    it->key, it->row.number != NULL ? ", number " : "",
	    it->row.number != NULL ? it->row.number : "", (long long)rb->bug.id,
	    d, it->row.status_text != NULL ? it->row.status_text : "(none)",
	    it->row.due.text, rb->result.ca != NULL ? rb->result.ca : "unknown",
	    (long long)it->last_comment, url);
	feed_ics_text(b, "DESCRIPTION", line);
	free(line);
	uri = feed_ics_uri(url);
	feed_ics_line(b, "URL", uri);
	xasprintf(&line, "action-item,%s", actionitems_state_name(it->state));
	feed_ics_line(b, "CATEGORIES", line);
	buf_addstr(b, "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
	free(line);
	free(uri);
	free(url);
}

/* The all-day events of a bug's open items. */
void
feed_ics_items(struct buf *b, const struct feed *f, const struct report_bug *rb)
{
	const struct actionitem_plan *p = &rb->result.plan;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (feed_item_dated(&p->items[i]))
			feed_ics_item(b, f, rb, &p->items[i]);
}

/* The items by CA and state, every state present for each CA. */
void
feed_prom_items(
    struct buf *b, const struct feed *f, const size_t *cas, size_t ncas)
{
	const struct actionitem_plan *p;
	size_t c, i, j, s;
	long long n;

	feed_prom_head(b, "ccwatch_action_items", "gauge",
	    "Action items of the feed's bugs by CA and state.");
	for (c = 0; c < ncas; c++)
		for (s = 0; s < CCWATCH_NELEM(feed_item_states); s++) {
			n = 0;
			for (i = 0; i < f->report.nbugs; i++) {
				if (!feed_prom_same_ca(f, i, cas[c]))
					continue;
				p = &f->report.bugs[i].result.plan;
				for (j = 0; j < p->n; j++)
					n += p->items[j].state ==
					    feed_item_states[s];
			}
			buf_addstr(b, "ccwatch_action_items{ca=\"");
			feed_prom_label(b, f->report.bugs[cas[c]].result.ca);
			buf_printf(b, "\",state=\"%s\"} %lld\n",
			    actionitems_state_name(feed_item_states[s]), n);
		}
}

/* The dashboard's state class of an item (its colours). */
static const char *
feed_html_item_class(enum actionitem_state s)
{
	switch (s) {
	case ACTIONITEM_STATE_OVERDUE:
		return "s-overdue";
	case ACTIONITEM_STATE_OPEN:
		return "s-ok";
	case ACTIONITEM_STATE_COMPLETE:
		return "s-met";
	case ACTIONITEM_STATE_CANCELED:
	case ACTIONITEM_STATE_DROPPED:
		return "s-paused";
	}
	return "s-none";
}

/* One item of the list. */
static void
feed_html_item(
    struct buf *b, const struct report_bug *rb, const struct actionitem *it)
{
	buf_printf(b,
	    "<li class=\"ai %s\" data-item=\"%s\" data-item-state=\"%s\">"
	    "<span class=\"badge\">%s</span> <a href=\"",
	    feed_html_item_class(it->state), it->key,
	    actionitems_state_name(it->state),
	    actionitems_state_name(it->state));
	feed_html_add(b, rb->url);
	buf_printf(b, "#c%lld\">", (long long)it->last_comment);
	if (it->row.number != NULL) {
		buf_addstr(b, "AI-");
		feed_html_add(b, it->row.number);
	} else
		buf_addstr(b, "item");
	buf_addstr(b, "</a> ");
	feed_html_add(b, it->row.description);
	buf_addstr(b, " <span class=\"muted\">due ");
	feed_html_add(b, *it->row.due.text != '\0' ? it->row.due.text : "-");
	if (it->row.status_text != NULL && *it->row.status_text != '\0') {
		buf_addstr(b, ", ");
		feed_html_add(b, it->row.status_text);
	}
	buf_addstr(b, "</span></li>");
}

/* A bug's readiness for closure and the root program's list. */
static void
feed_html_closure(
    struct buf *b, const struct feed *f, const struct report_bug *rb)
{
	const struct policy_result *r = &rb->result;
	char t[64];
	size_t i;

	(void)f;
	if (r->ready)
		buf_printf(b,
		    "<div class=\"other s-ok ready\">Ready for closure: every "
		    "action item done since <a href=\"%s#c%lld\">comment "
		    "%lld</a></div>",
		    rb->url, (long long)r->ready_for.comment,
		    (long long)r->ready_for.comment);
	for (i = 0; i < r->nwaiting; i++) {
		buf_printf(b,
		    "<div class=\"other s-paused waiting\">Waiting on the root "
		    "program: %s since %s</div>",
		    policy_waiting_kind_name(r->waiting[i].kind),
		    feed_html_time(r->waiting[i].since, t, sizeof t));
	}
}

/* A bug's expandable list of action items, overdue ones marked. */
void
feed_html_items(
    struct buf *b, const struct feed *f, const struct report_bug *rb)
{
	const struct actionitem_plan *p = &rb->result.plan;
	size_t i, overdue = 0;

	feed_html_closure(b, f, rb);
	if (p->n == 0)
		return;
	for (i = 0; i < p->n; i++)
		overdue += p->items[i].state == ACTIONITEM_STATE_OVERDUE;
	buf_printf(b, "<details class=\"items\"><summary>%zu action item%s",
	    p->n, p->n == 1 ? "" : "s");
	if (overdue > 0)
		buf_printf(b,
		    " <span class=\"badge s-overdue\">%zu overdue</span>",
		    overdue);
	buf_addstr(b, "</summary><ul>");
	for (i = 0; i < p->n; i++)
		feed_html_item(b, rb, &p->items[i]);
	buf_addstr(b, "</ul></details>");
}

/* The states the feed counts bugs by. */
static const char *const feed_v1_states[] = {
    "overdue", "due-soon", "ok", "paused", "met", "none"};

/* The index of a bug's most urgent clock that is not an action item's. */
static int
feed_v1_urgent(const struct report_bug *rb)
{
	const struct policy_result *r = &rb->result;
	size_t i;
	int best = -1;

	for (i = 0; i < r->nclocks; i++) {
		if (r->clocks[i].kind == CLOCK_ACTION_ITEM)
			continue;
		if (best == -1 ||
		    report_compare_clocks(&r->clocks[i], &r->clocks[best]) < 0)
			best = (int)i;
	}
	return best;
}

/* Turn one bug of the feed/2 document into its feed/1 form. */
static const char *
feed_v1_bug(json_t *jb, const struct report_bug *rb)
{
	json_t *clocks = json_object_get(jb, "clocks"), *c;
	const struct clock *u;
	const char *state;
	size_t i;
	int urgent = feed_v1_urgent(rb);

	for (i = json_array_size(clocks); i > 0; i--) {
		c = json_array_get(clocks, i - 1);
		if (strcmp(json_string_value(json_object_get(c, "kind")),
			policy_clock_kind_name(CLOCK_ACTION_ITEM)) == 0)
			json_array_remove(clocks, i - 1);
		else
			json_object_del(c, "item");
	}
	json_object_del(jb, "action_items");
	json_object_del(jb, "ready_for_closure");
	json_object_del(jb, "waiting_on_program");
	if (urgent == -1) {
		json_object_set_new(jb, "state", json_string("none"));
		json_object_set_new(jb, "urgent", json_null());
		return "none";
	}
	u = &rb->result.clocks[urgent];
	state = policy_clock_state_name(u->state);
	json_object_set_new(jb, "state", json_string(state));
	json_object_set_new(jb, "urgent",
	    json_pack("{s:s, s:s, s:o}", "kind",
		policy_clock_kind_name(u->kind), "state", state, "due",
		report_json_time(u->due)));
	return state;
}

/* Take a feed/2 document back to feed/1; see feed_int.h. */
void
feed_json_v1(json_t *root, const struct feed *f)
{
	json_t *bugs, *by, *n;
	const char *state;
	size_t i;

	json_object_set_new(root, "schema", json_string(FEED_SCHEMA_V1));
	bugs = json_object_get(root, "bugs");
	by = json_object_get(json_object_get(root, "counts"), "by_state");
	for (i = 0; i < CCWATCH_NELEM(feed_v1_states); i++)
		json_object_set_new(by, feed_v1_states[i], json_integer(0));
	for (i = 0; i < f->report.nbugs && i < json_array_size(bugs); i++) {
		state =
		    feed_v1_bug(json_array_get(bugs, i), &f->report.bugs[i]);
		n = json_object_get(by, state);
		if (n != NULL)
			json_integer_set(n, json_integer_value(n) + 1);
	}
}

/* feed-v1.json: the feed/2 document taken back to feed/1. */
char *
feed_to_json_v1(const struct feed *f)
{
	json_t *root = feed_json(f);
	char *out;

	feed_json_v1(root, f);
	out = feed_json_text(root);
	json_decref(root);
	return out;
}
