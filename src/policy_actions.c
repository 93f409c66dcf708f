/*
 * The action items of POLICY.md: the plan read from the CA-side comments
 * (actionitems.c), an action-item clock for each item whose due date
 * passed while it was open, whether the bug is ready for closure, and
 * what the root program owes (a closure request, a [close on] passed, a
 * needinfo on one of its accounts).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "policy_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Bytes of an item's description quoted in an evidence line. */
#define POLICY_QUOTE 80

/* Read the plan from the CA-side comments posted while v2.0 or later. */
static void
policy_actions_plan(struct policy_ctx *ctx)
{
	const struct comment *cm;
	enum policy_version v;
	size_t i;

	for (i = 0; i < ctx->nc; i++) {
		cm = ctx->cv[i];
		if (ctx->cside[i] != SIDE_CA ||
		    (ctx->opts->public_plan && cm->is_private) ||
		    policy_clock_version(ctx, cm->time, POLICY_CCADB_2_0, &v) ==
			-1)
			continue;
		actionitems_plan_add(
		    &ctx->out->plan, cm->text, cm->time, cm->count);
	}
}

/* How an item is named in evidence: its number and its description. */
static char *
policy_item_name(const struct actionitem *it)
{
	const char *d = it->row.description;
	char *s;
	int n = (int)strnlen(d, POLICY_QUOTE);

	if (it->row.number != NULL)
		xasprintf(&s, "action item %s '%.*s%s'", it->row.number, n, d,
		    d[n] != '\0' ? "..." : "");
	else
		xasprintf(&s, "action item '%.*s%s'", n, d,
		    d[n] != '\0' ? "..." : "");
	return s;
}

/* 1 if comment cm (CA-side) restates the item: lists it, or names it. */
static int
policy_restates(const struct policy_ctx *ctx, const struct actionitem *it,
    const struct comment *cm)
{
	size_t i;

	for (i = 0; i < it->nlistings; i++)
		if (it->listings[i].comment == cm->count)
			return it->listings[i].listed ||
			    actionitems_mentions(cm->text, it);
	if (ctx->opts->public_plan && cm->is_private)
		return 0;
	return actionitems_mentions(cm->text, it);
}

/*
 * Stop an instance at the first CA-side comment after end that restates
 * the item; failing that, at the first CA-side comment after end, marked
 * "check it".  Returns 1 if stopped.
 */
static int
policy_action_stop(struct policy_ctx *ctx, const struct actionitem *it,
    struct clock *c, time_t end)
{
	const struct comment *cm, *any = NULL;
	size_t i;

	for (i = 0; i < ctx->nc; i++) {
		cm = ctx->cv[i];
		if (ctx->cside[i] != SIDE_CA || cm->time <= end)
			continue;
		if (policy_restates(ctx, it, cm)) {
			policy_clock_stop(c, cm->time, cm->count);
			policy_evidence(c, cm->time, cm->count,
			    "restated by %s in comment %lld", cm->creator,
			    (long long)cm->count);
			return 1;
		}
		if (any == NULL)
			any = cm;
	}
	if (any == NULL)
		return 0;
	policy_clock_stop(c, any->time, any->count);
	policy_evidence(c, any->time, any->count,
	    "CA-side comment %lld by %s does not name the item: check it",
	    (long long)any->count, any->creator);
	policy_warn(c,
	    "met by comment %lld, which does not name the item: check it",
	    (long long)any->count);
	return 1;
}

/*
 * The end of the third day after the due date year-mon-day, in the zone
 * of date-only deadlines: "within 3 days" by that zone's calendar (72
 * hours in UTC; 71 or 73 across a change of daylight saving time).
 */
static time_t
policy_action_due(const struct policy_ctx *ctx, int year, int mon, int day)
{
	time_t l = timeutil_from_civil(year, mon, day, 12, 0, 0);
	struct tm tm;

	if (l == -1)
		return -1;
	l += POLICY_ACTION_GRACE;
	if (gmtime_r(&l, &tm) == NULL)
		return -1;
	return zone_day_end(
	    ctx->opts->zone, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* One action-item clock: item k, due date D ending at end. */
static void
policy_action_instance(struct policy_ctx *ctx, size_t k,
    const struct actionitem_listing *at, time_t end, enum policy_version v)
{
	const struct actionitem *it = &ctx->out->plan.items[k];
	struct clock *c;
	char day[DATETEXT_ISO_LEN], *name;
	time_t from = policy_resumed_at(ctx, end);
	size_t i;

	c = policy_clock_new(ctx, CLOCK_ACTION_ITEM, v, end, at->comment);
	c->item = (int)k;
	c->due = from != end
	    ? from + POLICY_ACTION_GRACE
	    : policy_action_due(ctx, at->year, at->mon, at->day);
	name = policy_item_name(it);
	datetext_format(at->year, at->mon, at->day, day);
	policy_evidence(c, at->time, at->comment,
	    "%s listed in comment %lld: due %s, %s", name,
	    (long long)at->comment, day, actionitems_status_name(at->status));
	policy_evidence(c, end, -1,
	    "%s passed with the item open: an update is due within 3 days",
	    day);
	if (from != end)
		policy_evidence(c, from, -1,
		    "%s passed while the bug was resolved: the 3 days run "
		    "from its reopening",
		    day);
	free(name);
	if (it->row.due.date.year == at->year &&
	    it->row.due.date.mon == at->mon && it->row.due.date.day == at->day)
		for (i = 0; i < it->row.warnings.n; i++)
			policy_warn(c, "%s", it->row.warnings.v[i]);
	if (!policy_action_stop(ctx, it, c, end))
		policy_update_paused(ctx, c, policy_open_since(ctx));
	policy_clock_settle(ctx, c);
}

/* 1 if listing l gives a due date, and it is year-mon-day. */
static int
policy_listing_due(const struct actionitem_listing *l, int y, int m, int d)
{
	return l->listed &&
	    (l->due_kind == ACTIONITEM_DUE_DATE ||
		l->due_kind == ACTIONITEM_DUE_PERIOD) &&
	    l->year == y && l->mon == m && l->day == d;
}

/*
 * The clocks of item k: one for each due date it was listed with that
 * passed while the list in force still gave that date and the item was
 * open; under v3.0 or later at the date.
 */
static void
policy_action_clocks(struct policy_ctx *ctx, size_t k)
{
	const struct actionitem *it = &ctx->out->plan.items[k];
	const struct actionitem_listing *l, *at;
	enum policy_version v;
	time_t end;
	size_t i, j;
	int seen;

	for (i = 0; i < it->nlistings; i++) {
		l = &it->listings[i];
		if (!policy_listing_due(l, l->year, l->mon, l->day))
			continue;
		for (seen = 0, j = 0; j < i && !seen; j++)
			seen = policy_listing_due(
			    &it->listings[j], l->year, l->mon, l->day);
		end = zone_day_end(ctx->opts->zone, l->year, l->mon, l->day);
		if (seen || end == -1 || end >= ctx->now)
			continue;
		at = actionitems_listing_at(it, end);
		if (at == NULL ||
		    !policy_listing_due(at, l->year, l->mon, l->day) ||
		    !actionitems_is_open(at->status) ||
		    policy_clock_version(ctx, end, POLICY_CCADB_3_0, &v) == -1)
			continue;
		policy_action_instance(ctx, k, at, end, v);
	}
}

/* 1 while a [close on] set by someone not CA-side runs the final call. */
static int
policy_final_call(const struct policy_ctx *ctx)
{
	return ctx->wb->close_on_tags > 0 &&
	    ctx->close_set >= policy_open_since(ctx) &&
	    policy_side(ctx, ctx->close_set_by, ctx->close_set) != SIDE_CA;
}

/*
 * Ready for closure: the current list holds every item as Complete or
 * Canceled (from v3.0, which has the CA request closure), and no closure
 * has been requested nor a final call made since the bug opened.
 */
static void
policy_ready(struct policy_ctx *ctx)
{
	const struct actionitem_plan *p = &ctx->out->plan;
	enum policy_version v;
	const char *by;
	time_t when;
	int64_t comment;
	size_t i;

	if (p->complete_since < 0 ||
	    policy_clock_version(ctx, p->complete_time, POLICY_CCADB_3_0, &v) ==
		-1 ||
	    policy_find_closure(
		ctx, policy_open_since(ctx), &when, &comment, &by) ||
	    policy_final_call(ctx))
		return;
	ctx->out->ready = 1;
	ctx->out->ready_for.comment = p->complete_since;
	ctx->out->ready_for.time = p->complete_time;
	for (i = 0; i < p->n; i++)
		ctx->out->ready_for.items += p->items[i].in_plan;
}

/* The action items of the bug: plan, clocks, readiness. */
void
policy_eval_actions(struct policy_ctx *ctx)
{
	size_t k;

	struct actionitem *it;

	policy_actions_plan(ctx);
	for (k = 0; k < ctx->out->plan.n; k++) {
		it = &ctx->out->plan.items[k];
		it->state = actionitems_state(it, ctx->now, ctx->opts->zone);
		it->due_end =
		    actionitems_due_end(&it->row.due, ctx->opts->zone);
		policy_action_clocks(ctx, k);
	}
	policy_ready(ctx);
}

/* Add one thing the root program owes. */
static void CCWATCH_PRINTF(7, 8) policy_waiting_add(struct policy_ctx *ctx,
    enum waiting_kind kind, time_t since, time_t due, int64_t comment,
    const char *by, const char *fmt, ...)
{
	struct policy_result *r = ctx->out;
	struct waiting *w = xappend(&r->waiting, &r->nwaiting, sizeof *w);
	va_list ap;

	w->kind = kind;
	w->since = since;
	w->due = due;
	w->comment = comment;
	w->by = xstrdup(by != NULL ? by : "");
	va_start(ap, fmt);
	xvasprintf(&w->text, fmt, ap);
	va_end(ap);
}

/*
 * A needinfo on a root program account that is still open: the last
 * request for each account, with no clearing after it.
 */
static void
policy_waiting_needinfo(struct policy_ctx *ctx, time_t wait)
{
	const struct policy_ni *n, *m;
	size_t i, j;
	int open;

	for (i = 0; i < ctx->nni; i++) {
		n = &ctx->ni[i];
		if (!n->set ||
		    strcasecmp(n->requestee, POLICY_CLOSURE_ACCOUNT) == 0 ||
		    policy_side(ctx, n->requestee, n->when) != SIDE_PROGRAM ||
		    ctx->now - n->when < wait)
			continue;
		for (open = 1, j = i + 1; j < ctx->nni && open; j++) {
			m = &ctx->ni[j];
			open = strcasecmp(m->requestee, n->requestee) != 0;
		}
		if (!open)
			continue;
		policy_waiting_add(ctx, WAITING_NEEDINFO, n->when,
		    n->when + wait, -1, n->who,
		    "needinfo?(%s) set by %s, open for %lld days", n->requestee,
		    n->who, (long long)((ctx->now - n->when) / POLICY_DAY));
		ctx->out->waiting[ctx->out->nwaiting - 1].requestee =
		    xstrdup(n->requestee);
	}
}

/* Order what the program owes by when it began. */
static int
policy_cmp_waiting(const void *a, const void *b)
{
	const struct waiting *x = a, *y = b;

	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* What the root program owes on an open bug (POLICY.md). */
void
policy_eval_waiting(struct policy_ctx *ctx)
{
	const struct datetext *d = &ctx->wb->close_on;
	time_t wait = ctx->opts->program_wait, when, end;
	int64_t comment;
	const char *by;

	if (policy_find_closure(
		ctx, policy_open_since(ctx), &when, &comment, &by) &&
	    ctx->now - when >= wait) {
		if (comment >= 0)
			policy_waiting_add(ctx, WAITING_CLOSURE, when,
			    when + wait, comment, by,
			    "closure requested by %s in comment %lld; the bug "
			    "is open %lld days later",
			    by, (long long)comment,
			    (long long)((ctx->now - when) / POLICY_DAY));
		else
			policy_waiting_add(ctx, WAITING_CLOSURE, when,
			    when + wait, -1, by,
			    "closure requested by %s (needinfo?(%s)); the bug "
			    "is open %lld days later",
			    by, POLICY_CLOSURE_ACCOUNT,
			    (long long)((ctx->now - when) / POLICY_DAY));
	}
	end = ctx->wb->has_close_on ? whiteboard_date_end(d, ctx->opts->zone)
				    : -1;
	if (end != -1 && ctx->now > end && policy_final_call(ctx))
		policy_waiting_add(ctx, WAITING_CLOSE_ON, end, end, -1,
		    ctx->close_set_by,
		    "[close on %s] set by %s has passed; the bug is open",
		    d->raw, ctx->close_set_by);
	policy_waiting_needinfo(ctx, wait);
	if (ctx->out->nwaiting > 1)
		qsort(ctx->out->waiting, ctx->out->nwaiting,
		    sizeof *ctx->out->waiting, policy_cmp_waiting);
}
