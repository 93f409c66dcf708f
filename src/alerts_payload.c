/*
 * An alert's payload from an evaluated clock: the rule in words, the
 * evidence as one line, the escalation level, the instance's key (an
 * action item's, a root program account's), for a clock of the CA or
 * something the root program owes.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts_int.h"
#include "buf.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The rule a clock enforces, in words. */
static const char *
alerts_rule_text(enum clock_kind k)
{
	switch (k) {
	case CLOCK_INITIAL_REPORT:
		return "A preliminary incident report is due within 72 hours "
		       "of the bug's filing.";
	case CLOCK_FULL_REPORT:
		return "A full incident report is due within 14 days of the "
		       "bug's filing.";
	case CLOCK_RESPONSE:
		return "A question to the CA must be answered within 7 days.";
	case CLOCK_UPDATE:
		return "The CA owes a progress update every 7 days, or by the "
		       "whiteboard's Next update date.";
	case CLOCK_REVOCATION_UPDATE:
		return "While revocation is delayed, the CA owes an update "
		       "every 3 days, and at the latest every 7.";
	case CLOCK_ACTION_ITEM:
		return "An action item whose due date passed while it was open "
		       "owes an update within 3 days.";
	}
	return "";
}

/* The state name that alerts use: ok, due-soon, overdue, met. */
static const char *
alerts_state_name(const struct clock *c)
{
	return policy_clock_state_name(c->state);
}

/* The escalation level of what has been overdue for so many seconds. */
static int
alerts_level_after(const struct config_alerts *cfg, long long overdue)
{
	size_t i;
	int level = 1;

	for (i = 0; i < cfg->nladder; i++)
		if (overdue >= cfg->ladder[i].after)
			level = cfg->ladder[i].level;
	return level;
}

/* The escalation level of a clock: 0 unless overdue. */
static int
alerts_level(const struct config_alerts *cfg, const struct clock *c)
{
	if (c->state != CLOCK_OVERDUE)
		return 0;
	return alerts_level_after(cfg, c->overdue_seconds);
}

/*
 * The evidence of a clock as one line of text: rule version, events, due.
 * Evidence and warnings quote bug text (a login, a whiteboard date), so
 * each is cleaned to one line: a line break there could forge a line of
 * its own in a channel that shows the evidence as a paragraph.
 */
static char *
alerts_evidence(const struct clock *c)
{
	struct buf b;
	char iso[TIMEUTIL_ISO_LEN];
	size_t i;

	buf_init(&b, ALERTS_MAX_EVIDENCE);
	buf_printf(&b, "Policy %s.", policy_version_name(c->version));
	for (i = 0; i < c->nevidence; i++) {
		buf_printf(
		    &b, " %s", timeutil_format_iso(c->evidence[i].time, iso));
		if (c->evidence[i].comment >= 0)
			buf_printf(&b, " (comment %lld)",
			    (long long)c->evidence[i].comment);
		buf_addstr(&b, ": ");
		notify_clean_text(
		    c->evidence[i].text, ALERTS_MAX_EVIDENCE, 1, &b);
		buf_addch(&b, '.');
	}
	buf_printf(&b, " Due %s.", timeutil_format_iso(c->due, iso));
	for (i = 0; i < c->warnings.n; i++) {
		buf_addstr(&b, " Warning: ");
		notify_clean_text(c->warnings.v[i], ALERTS_MAX_EVIDENCE, 1, &b);
		buf_addch(&b, '.');
	}
	return buf_detach(&b);
}

/*
 * Key the payload's instance as kind-suffix (the suffix's bytes outside
 * [A-Za-z0-9._-] as '_'), for an item or an account of its own.
 */
static void
alerts_set_instance(json_t *o, const char *kind, const char *suffix)
{
	char *s, *p;

	xasprintf(&s, "%s-%s", kind, suffix);
	for (p = s + strlen(kind) + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	json_object_set_new(o, "instance", json_string(s));
	free(s);
}

/*
 * Start the alert of a payload about bug: *a zeroed, then the bug, its CA,
 * its page and live query (allocated into *url and *query, the caller's to
 * free), whether it is restricted and when the alert is made.
 */
static void
alerts_payload_bug(struct alerts_eval *ev, const struct bug *bug,
    const struct policy_result *res, struct alert *a, char **url, char **query)
{
	xasprintf(url, "%s/show_bug.cgi?id=%lld", ev->opts->base_url,
	    (long long)bug->id);
	xasprintf(query,
	    "%s/rest/bug/%lld?include_fields=id,status,resolution,whiteboard,"
	    "last_change_time",
	    ev->opts->base_url, (long long)bug->id);
	memset(a, 0, sizeof *a);
	a->id = "";
	a->bug_id = bug->id;
	a->bug_summary = bug->summary;
	a->bug_url = *url;
	a->ca = caname_table_show(ev->cas, res->ca_key);
	if (a->ca == NULL)
		a->ca = res->ca;
	a->query_url = *query;
	a->restricted = res->restricted;
	a->created = ev->now;
}

/* The payload of one clock of an evaluated bug. */
json_t *
alerts_clock_payload(struct alerts_eval *ev, const struct bug *bug,
    const struct policy_result *res, const struct clock *c)
{
	struct alert a;
	json_t *o;
	char *url, *query, *evidence;

	alerts_payload_bug(ev, bug, res, &a, &url, &query);
	evidence = alerts_evidence(c);
	a.clock = policy_clock_kind_name(c->kind);
	a.state = alerts_state_name(c);
	a.level = alerts_level(ev->cfg, c);
	a.due = c->due;
	a.started_at = c->started_at;
	a.rule = alerts_rule_text(c->kind);
	a.evidence = evidence;
	a.comment_url = c->link;
	a.late = c->late;
	a.late_by = c->late_by;
	o = alerts_payload_new(&a);
	if (c->item >= 0 && (size_t)c->item < res->plan.n)
		alerts_set_instance(o, a.clock, res->plan.items[c->item].key);
	free(url);
	free(query);
	free(evidence);
	return o;
}

/* What the root program owes, in words. */
static const char *
alerts_waiting_rule(enum waiting_kind k)
{
	switch (k) {
	case WAITING_CLOSURE:
		return "The CA requested closure: the root program owes the "
		       "final call and the bug's closure.";
	case WAITING_CLOSE_ON:
		return "The final call's [close on] date has passed: the root "
		       "program owes the bug's closure.";
	case WAITING_NEEDINFO:
		return "A needinfo on a root program account is open: the "
		       "root program owes an answer.";
	}
	return "";
}

/*
 * The payload of something the root program owes: overdue from the end of
 * its wait, routed to the routes with waiting = program only.
 */
json_t *
alerts_waiting_payload(struct alerts_eval *ev, const struct bug *bug,
    const struct policy_result *res, const struct waiting *w)
{
	struct alert a;
	struct buf evidence;
	json_t *o;
	char *url, *link, *query;

	alerts_payload_bug(ev, bug, res, &a, &url, &query);
	if (w->comment >= 0)
		xasprintf(&link, "%s#c%lld", url, (long long)w->comment);
	else
		link = xstrdup(url);
	buf_init(&evidence, ALERTS_MAX_EVIDENCE);
	notify_clean_text(w->text, ALERTS_MAX_EVIDENCE, 1, &evidence);
	a.clock = policy_waiting_kind_name(w->kind);
	a.state = "overdue";
	a.level = alerts_level_after(ev->cfg, (long long)(ev->now - w->due));
	a.due = w->due;
	a.started_at = w->since;
	a.rule = alerts_waiting_rule(w->kind);
	a.evidence = buf_str(&evidence);
	a.comment_url = link;
	o = alerts_payload_new(&a);
	json_object_set_new(o, "waiting", json_string("program"));
	if (w->requestee != NULL)
		alerts_set_instance(o, a.clock, w->requestee);
	buf_free(&evidence);
	free(url);
	free(link);
	free(query);
	return o;
}
