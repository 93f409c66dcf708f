/*
 * The action items of a report's bugs (see report.h): the items as JSON
 * and in words with each one's history, the bug's readiness for closure,
 * and what the root program owes on it.  Text from Bugzilla goes through
 * report_clean before it reaches a terminal.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "report.h"
#include "report_int.h"
#include "xmalloc.h"

/* Widest description in the explain table, in characters. */
#define REPORT_ITEM_WIDTH 60

/* A comment's URL on the bug. */
static json_t *
report_json_comment_url(const struct report_bug *rb, int64_t count)
{
	char *u;
	json_t *j;

	if (count < 0)
		return json_null();
	xasprintf(&u, "%s#c%lld", rb->url, (long long)count);
	j = report_json_text(u, report_repair_bytes);
	free(u);
	return j;
}

/* A moment and its comment: {"at", "comment"}, or null for comment -1. */
static json_t *
report_json_moment(time_t t, int64_t comment)
{
	if (comment < 0)
		return json_null();
	return json_pack("{s:o, s:I}", "at", report_json_time(t), "comment",
	    (json_int_t)comment);
}

/* A string member that may be NULL. */
static json_t *
report_json_opt(const char *s)
{
	return report_json_text(s, report_repair_bytes);
}

/* An item's due date as read. */
static json_t *
report_json_due(const struct actionitem *it)
{
	const struct actionitem_due *d = &it->row.due;
	char a[DATETEXT_ISO_LEN], b[DATETEXT_ISO_LEN];
	int dated =
	    d->kind == ACTIONITEM_DUE_DATE || d->kind == ACTIONITEM_DUE_PERIOD;
	json_t *alt = json_array();

	if (dated) {
		json_array_append_new(alt,
		    json_string(datetext_format(
			d->date.year, d->date.mon, d->date.day, a)));
		if (d->date.ambiguous)
			json_array_append_new(alt,
			    json_string(datetext_format(d->date.alt_year,
				d->date.alt_mon, d->date.alt_day, b)));
	}
	return json_pack("{s:o, s:s, s:o, s:o, s:b, s:o, s:b}", "text",
	    report_json_opt(d->text), "kind",
	    actionitems_due_kind_name(d->kind), "date",
	    dated ? json_string(a) : json_null(), "end",
	    report_json_time(it->due_end > 0 ? it->due_end : 0), "ambiguous",
	    dated && d->date.ambiguous, "alternatives", alt, "year_inferred",
	    dated && d->date.year_inferred);
}

/* One change of an item's history. */
static json_t *
report_json_change(const struct actionitem_change *c)
{
	return json_pack("{s:s, s:o, s:I, s:o, s:o}", "what",
	    actionitems_what_name(c->what), "at", report_json_time(c->time),
	    "comment", (json_int_t)c->comment, "from", report_json_opt(c->from),
	    "to", report_json_opt(c->to));
}

/* One item as JSON. */
static json_t *
report_json_item(const struct report_bug *rb, const struct actionitem *it)
{
	json_t *history = json_array(), *warnings = json_array(),
	       *extra = json_object();
	size_t i;

	for (i = 0; i < it->nhistory; i++)
		json_array_append_new(
		    history, report_json_change(&it->history[i]));
	for (i = 0; i < it->row.warnings.n; i++)
		json_array_append_new(
		    warnings, report_json_opt(it->row.warnings.v[i]));
	for (i = 0; i < it->row.nextra; i++)
		json_object_set_new(extra, it->row.extra[i].name,
		    report_json_opt(it->row.extra[i].value));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:s,"
			 " s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "key", it->key, "number", report_json_opt(it->row.number),
	    "description", report_json_opt(it->row.description), "kind",
	    report_json_opt(it->row.kind), "root_cause",
	    report_json_opt(it->row.root_cause), "criteria",
	    report_json_opt(it->row.criteria), "due", report_json_due(it),
	    "status", actionitems_status_name(it->row.status), "status_text",
	    report_json_opt(it->row.status_text), "state",
	    actionitems_state_name(it->state), "first_seen",
	    report_json_moment(it->first_seen, it->first_comment),
	    "last_listed",
	    report_json_moment(it->last_listed, it->last_comment), "dropped",
	    report_json_moment(it->dropped, it->dropped_comment), "url",
	    report_json_comment_url(rb, it->last_comment), "extra", extra,
	    "history", history, "warnings", warnings);
}

/* The action items of a bug, as JSON. */
json_t *
report_json_items(const struct report_bug *rb)
{
	const struct actionitem_plan *p = &rb->result.plan;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < p->n; i++)
		json_array_append_new(a, report_json_item(rb, &p->items[i]));
	return a;
}

/* Readiness for closure, as JSON. */
json_t *
report_json_ready(const struct report_bug *rb)
{
	const struct policy_result *r = &rb->result;

	if (!r->ready)
		return json_null();
	return json_pack("{s:I, s:o, s:I, s:o}", "comment",
	    (json_int_t)r->ready_for.comment, "at",
	    report_json_time(r->ready_for.time), "items",
	    (json_int_t)r->ready_for.items, "url",
	    report_json_comment_url(rb, r->ready_for.comment));
}

/* What the root program owes, as JSON. */
json_t *
report_json_waiting(const struct report_bug *rb)
{
	const struct policy_result *r = &rb->result;
	const struct waiting *w;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->nwaiting; i++) {
		w = &r->waiting[i];
		json_array_append_new(a,
		    json_pack("{s:s, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o}",
			"kind", policy_waiting_kind_name(w->kind), "since",
			report_json_time(w->since), "due",
			report_json_time(w->due), "waiting_seconds",
			(json_int_t)(r->now - w->since), "comment",
			w->comment >= 0 ? json_integer(w->comment)
					: json_null(),
			"by", report_json_opt(*w->by != '\0' ? w->by : NULL),
			"requestee", report_json_opt(w->requestee), "url",
			report_json_comment_url(rb, w->comment), "text",
			report_json_opt(w->text)));
	}
	return a;
}

/* The item an action-item clock belongs to, or null. */
json_t *
report_json_clock_item(const struct policy_result *r, const struct clock *c)
{
	const struct actionitem *it;

	if (c->item < 0 || (size_t)c->item >= r->plan.n)
		return json_null();
	it = &r->plan.items[c->item];
	return json_pack("{s:s, s:o, s:o}", "key", it->key, "number",
	    report_json_opt(it->row.number), "description",
	    report_json_opt(it->row.description));
}

/* The open item due first (with a date), or NULL. */
const struct actionitem *
report_next_item(const struct policy_result *r)
{
	const struct actionitem *it, *best = NULL;
	size_t i;

	for (i = 0; i < r->plan.n; i++) {
		it = &r->plan.items[i];
		if ((it->state != ACTIONITEM_STATE_OPEN &&
			it->state != ACTIONITEM_STATE_OVERDUE) ||
		    it->due_end <= 0)
			continue;
		if (best == NULL || it->due_end < best->due_end)
			best = it;
	}
	return best;
}

/* 1 if the bug waits on who: REPORT_WAITING_PROGRAM or _CA. */
int
report_waiting_on(const struct report_bug *rb, int who)
{
	const struct policy_result *r = &rb->result;
	size_t i;

	if (who == REPORT_WAITING_PROGRAM)
		return r->nwaiting > 0;
	if (who != REPORT_WAITING_CA)
		return 1;
	if (r->ready)
		return 1;
	for (i = 0; i < r->nclocks; i++)
		if (r->clocks[i].state == CLOCK_OK ||
		    r->clocks[i].state == CLOCK_DUE_SOON ||
		    r->clocks[i].state == CLOCK_OVERDUE)
			return 1;
	return 0;
}

/* Append s cleaned for a terminal. */
static void
report_add_clean(struct buf *b, const char *s)
{
	char *c = report_clean(s);

	buf_addstr(b, c);
	free(c);
}

/* The table line of one item. */
static void
report_explain_item_line(const struct actionitem *it, struct buf *b)
{
	const char *d = it->row.description;
	char *desc, *status, *due;
	int n = (int)strnlen(d, REPORT_ITEM_WIDTH);

	status = report_clean(
	    it->row.status_text != NULL ? it->row.status_text : "-");
	due = report_clean(*it->row.due.text != '\0' ? it->row.due.text : "-");
	desc = report_clean(d);
	buf_printf(b, "    %-12.12s %-9s %-14.14s %-12.12s %.*s%s\n", it->key,
	    actionitems_state_name(it->state), status, due, n, desc,
	    d[n] != '\0' ? "..." : "");
	free(status);
	free(due);
	free(desc);
}

/* One item's history in words. */
static void
report_explain_history(
    const struct report_bug *rb, const struct actionitem *it, struct buf *b)
{
	const struct actionitem_change *c;
	char t[64];
	size_t i;

	buf_printf(b, "  %s:\n", it->key);
	for (i = 0; i < it->nhistory; i++) {
		c = &it->history[i];
		buf_printf(b, "    %s  comment %lld: ",
		    report_human_time(c->time, t, sizeof t),
		    (long long)c->comment);
		switch (c->what) {
		case ACTIONITEM_FIRST_SEEN:
			buf_addstr(b, "first listed, ");
			report_add_clean(b, c->to);
			break;
		case ACTIONITEM_STATUS:
		case ACTIONITEM_DUE:
		case ACTIONITEM_DESCRIPTION:
			buf_printf(b, "%s ", actionitems_what_name(c->what));
			report_add_clean(b, c->from);
			buf_addstr(b, " -> ");
			report_add_clean(b, c->to);
			break;
		case ACTIONITEM_DROPPED:
			buf_addstr(b,
			    "dropped from the plan (the list left "
			    "it out)");
			break;
		case ACTIONITEM_RETURNED:
			buf_addstr(b, "listed again");
			break;
		}
		buf_printf(b, "  <%s#c%lld>\n", rb->url, (long long)c->comment);
	}
	for (i = 0; i < it->row.warnings.n; i++) {
		buf_addstr(b, "    Warning: ");
		report_add_clean(b, it->row.warnings.v[i]);
		buf_addch(b, '\n');
	}
}

/* Readiness for closure and the root program's list, in words. */
static void
report_explain_closure(const struct report_bug *rb, struct buf *b)
{
	const struct policy_result *r = &rb->result;
	char t[64];
	size_t i;

	if (r->ready)
		buf_printf(b,
		    "\nReady for closure: every item of the list is Complete "
		    "or Canceled since comment %lld (%s), and no closure "
		    "has been requested: the CA must request closure.\n",
		    (long long)r->ready_for.comment,
		    report_human_time(r->ready_for.time, t, sizeof t));
	if (r->nwaiting > 0)
		buf_addstr(b, "\nWaiting on the root program:\n");
	for (i = 0; i < r->nwaiting; i++) {
		buf_printf(b, "  %s since %s: ",
		    policy_waiting_kind_name(r->waiting[i].kind),
		    report_human_time(r->waiting[i].since, t, sizeof t));
		report_add_clean(b, r->waiting[i].text);
		buf_addch(b, '\n');
	}
}

/* The action items of a bug in words: a table, then each history. */
void
report_explain_items(const struct report_bug *rb, struct buf *b)
{
	const struct actionitem_plan *p = &rb->result.plan;
	char t[64];
	size_t i;

	if (p->n > 0) {
		buf_printf(b,
		    "\nAction items (%zu; the current list is comment %lld "
		    "of %s):\n",
		    p->n, (long long)p->current,
		    report_human_time(p->current_time, t, sizeof t));
		buf_printf(b, "    %-12s %-9s %-14s %-12s %s\n", "ITEM",
		    "STATE", "STATUS", "DUE", "ACTION");
		for (i = 0; i < p->n; i++)
			report_explain_item_line(&p->items[i], b);
		buf_addstr(b, "  What happened to each:\n");
		for (i = 0; i < p->n; i++)
			report_explain_history(rb, &p->items[i], b);
	}
	for (i = 0; i < p->warnings.n; i++) {
		buf_addstr(b, "  Action items warning: ");
		report_add_clean(b, p->warnings.v[i]);
		buf_addch(b, '\n');
	}
	report_explain_closure(rb, b);
}
