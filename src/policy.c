/*
 * The clocks of POLICY.md, computed from a bug's events at or before "now".
 * docs/POLICY-ENGINE.md maps each rule to the code below.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "timeutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

#define POLICY_HOUR            ((time_t)3600)
#define POLICY_DAY             (24 * POLICY_HOUR)
#define POLICY_INITIAL         (72 * POLICY_HOUR)
#define POLICY_FULL            (14 * POLICY_DAY)
#define POLICY_CADENCE         (7 * POLICY_DAY)
#define POLICY_REVOCATION_SOON (3 * POLICY_DAY)
#define POLICY_CLOSURE_ACCOUNT "incident-reporting@ccadb.org"

/* A needinfo set or cleared, from the history or the current flags. */
struct policy_ni {
	time_t when;
	const char *who;
	char *requestee;
	int set;  /* 1 set, 0 cleared */
	int used; /* belongs to a comment */
};

/* Everything one evaluation works on. */
struct policy_ctx {
	const struct bug *bug;
	struct bug view; /* fields as of now */
	const struct people *people;
	const struct policy_options *opts;
	time_t now;
	const struct comment **cv; /* at or before now, sorted */
	enum side *cside;
	size_t nc;
	const struct history **hv; /* all, sorted by when */
	size_t nh;
	size_t nh_now; /* those at or before now */
	struct policy_ni *ni;
	size_t nni;
	time_t reopened; /* 0: never */
	const char *reopened_by;
	struct whiteboard wb;
	time_t nu_set; /* when Next update took its value */
	const char *nu_set_by;
	time_t close_set;
	const char *close_set_by;
	struct policy_result *out;
};

/* Default options. */
void
policy_options_defaults(struct policy_options *o)
{
	memset(o, 0, sizeof *o);
	o->pin = POLICY_VERSION_AUTO;
	o->warn_window = 48 * POLICY_HOUR;
	o->utc_offset = 0;
	o->base_url = "https://bugzilla.mozilla.org";
}

/* Order comments by time, then by count. */
static int
policy_cmp_comment(const void *a, const void *b)
{
	const struct comment *x = *(const struct comment *const *)a;
	const struct comment *y = *(const struct comment *const *)b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return 0;
}

/* Order history entries by time, keeping the input order of ties. */
static int
policy_cmp_history(const void *a, const void *b)
{
	const struct history *x = *(const struct history *const *)a;
	const struct history *y = *(const struct history *const *)b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x < y ? -1 : (x > y);
}

/* Collect the comments at or before now, one per id (the last copy). */
static void
policy_load_comments(struct policy_ctx *ctx, const struct comment_list *cl)
{
	size_t i, j;
	int dup;

	if (cl == NULL || cl->n == 0)
		return;
	ctx->cv = xreallocarray(NULL, cl->n, sizeof(const struct comment *));
	for (i = 0; i < cl->n; i++) {
		if (cl->v[i].time > ctx->now)
			continue;
		for (dup = 0, j = i + 1; j < cl->n && !dup; j++)
			dup = cl->v[j].id == cl->v[i].id;
		if (!dup)
			ctx->cv[ctx->nc++] = &cl->v[i];
	}
	qsort(ctx->cv, ctx->nc, sizeof(const struct comment *),
	    policy_cmp_comment);
}

/* Sort the history and count the entries at or before now. */
static void
policy_load_history(struct policy_ctx *ctx, const struct history_list *hl)
{
	size_t i;

	if (hl == NULL || hl->n == 0)
		return;
	ctx->hv = xreallocarray(NULL, hl->n, sizeof(const struct history *));
	for (i = 0; i < hl->n; i++)
		ctx->hv[ctx->nh++] = &hl->v[i];
	qsort(ctx->hv, ctx->nh, sizeof(const struct history *),
	    policy_cmp_history);
	while (ctx->nh_now < ctx->nh && ctx->hv[ctx->nh_now]->when <= ctx->now)
		ctx->nh_now++;
}

/*
 * A single-valued field as of now: the last change at or before now, else
 * what the first later change removed, else the bug's current value.
 */
static const char *
policy_field_at(
    const struct policy_ctx *ctx, const char *field, const char *current)
{
	const char *v = NULL;
	size_t i, j;

	for (i = 0; i < ctx->nh; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			if (strcmp(ctx->hv[i]->changes[j].field, field) != 0)
				continue;
			if (i >= ctx->nh_now)
				return v != NULL
				    ? v
				    : ctx->hv[i]->changes[j].removed;
			v = ctx->hv[i]->changes[j].added;
		}
	}
	return v != NULL ? v : current;
}

/* Find the last reopening at or before now (resolution cleared). */
static void
policy_find_reopening(struct policy_ctx *ctx)
{
	const struct change *c;
	size_t i, j;

	for (i = 0; i < ctx->nh_now; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			c = &ctx->hv[i]->changes[j];
			if ((strcmp(c->field, "resolution") == 0 &&
				c->removed != NULL && *c->removed != '\0' &&
				(c->added == NULL || *c->added == '\0')) ||
			    (strcmp(c->field, "status") == 0 &&
				c->added != NULL &&
				strcmp(c->added, "REOPENED") == 0)) {
				ctx->reopened = ctx->hv[i]->when;
				ctx->reopened_by = ctx->hv[i]->who;
			}
		}
	}
}

/* 1 if two parsed Next update (or close on) dates differ. */
static int
policy_date_differs(
    int has_a, const struct wb_date *a, int has_b, const struct wb_date *b)
{
	if (has_a != has_b)
		return 1;
	if (!has_a)
		return 0;
	return a->year != b->year || a->mon != b->mon || a->day != b->day;
}

/*
 * Walk the whiteboard's changes up to now and record when the current Next
 * update date and [close on] tag took their values (creation when the
 * whiteboard had them from the start).
 */
static void
policy_track_whiteboard(struct policy_ctx *ctx, const char *initial)
{
	struct whiteboard prev, next;
	const struct change *c;
	size_t i, j;

	ctx->nu_set = ctx->close_set = ctx->bug->creation_time;
	ctx->nu_set_by = ctx->close_set_by = ctx->bug->creator;
	whiteboard_parse(initial, &prev);
	for (i = 0; i < ctx->nh_now; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			c = &ctx->hv[i]->changes[j];
			if (strcmp(c->field, "whiteboard") != 0)
				continue;
			whiteboard_parse(c->added, &next);
			if (policy_date_differs(prev.has_next_update,
				&prev.next_update, next.has_next_update,
				&next.next_update)) {
				ctx->nu_set = ctx->hv[i]->when;
				ctx->nu_set_by = ctx->hv[i]->who;
			}
			if (policy_date_differs(prev.has_close_on,
				&prev.close_on, next.has_close_on,
				&next.close_on)) {
				ctx->close_set = ctx->hv[i]->when;
				ctx->close_set_by = ctx->hv[i]->who;
			}
			whiteboard_free(&prev);
			prev = next;
		}
	}
	whiteboard_free(&prev);
}

/* The first value a field had, for the whiteboard's starting point. */
static const char *
policy_field_initial(
    const struct policy_ctx *ctx, const char *field, const char *current)
{
	size_t i, j;

	for (i = 0; i < ctx->nh; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			if (strcmp(ctx->hv[i]->changes[j].field, field) == 0)
				return ctx->hv[i]->changes[j].removed;
		}
	}
	return current;
}

/* Add one needinfo event. */
static void
policy_ni_add(struct policy_ctx *ctx, time_t when, const char *who,
    const char *requestee, size_t len, int set)
{
	struct policy_ni *n;

	ctx->ni = xreallocarray(ctx->ni, ctx->nni + 1, sizeof *ctx->ni);
	n = &ctx->ni[ctx->nni++];
	n->when = when;
	n->who = who;
	n->requestee = xstrndup(requestee, len);
	n->set = set;
	n->used = 0;
}

/* Add the "needinfo?(x)" requests listed in a flag string. */
static void
policy_ni_parse(
    struct policy_ctx *ctx, const struct history *h, const char *s, int set)
{
	const char *p, *close;

	if (s == NULL)
		return;
	for (p = strstr(s, "needinfo?("); p != NULL;
	     p = strstr(p, "needinfo?(")) {
		p += strlen("needinfo?(");
		close = strchr(p, ')');
		if (close == NULL)
			break;
		policy_ni_add(ctx, h->when, h->who, p, close - p, set);
		p = close;
	}
}

/*
 * Reconstruct needinfo events from the history's flag changes; a current
 * flag the history does not show (not stored) adds its own "set" event.
 */
static void
policy_load_needinfo(struct policy_ctx *ctx)
{
	const struct flag *f;
	size_t i, j, n;
	int known;

	for (i = 0; i < ctx->nh_now; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			if (strcmp(ctx->hv[i]->changes[j].field,
				"flagtypes.name") != 0)
				continue;
			policy_ni_parse(
			    ctx, ctx->hv[i], ctx->hv[i]->changes[j].removed, 0);
			policy_ni_parse(
			    ctx, ctx->hv[i], ctx->hv[i]->changes[j].added, 1);
		}
	}
	n = ctx->nni;
	for (i = 0; i < ctx->bug->nflags; i++) {
		f = &ctx->bug->flags[i];
		if (f->name == NULL || strcmp(f->name, "needinfo") != 0 ||
		    f->status != '?' || f->requestee == NULL ||
		    f->creation_date > ctx->now)
			continue;
		for (known = 0, j = 0; j < n && !known; j++)
			known = ctx->ni[j].set &&
			    strcasecmp(ctx->ni[j].requestee, f->requestee) ==
				0 &&
			    ctx->ni[j].when <= f->creation_date + 1 &&
			    ctx->ni[j].when >= f->creation_date - 1;
		if (!known)
			policy_ni_add(ctx, f->creation_date,
			    f->setter != NULL ? f->setter : "", f->requestee,
			    strlen(f->requestee), 1);
	}
}

/* The side of login as of now, override windows at when. */
static enum side
policy_side(const struct policy_ctx *ctx, const char *login, time_t when)
{
	return people_side(ctx->people, &ctx->view, login, when);
}

/* Start a new clock in the result. */
static struct clock *
policy_clock_new(struct policy_ctx *ctx, enum clock_kind kind,
    enum policy_version v, time_t started, int64_t start_comment)
{
	struct policy_result *r = ctx->out;
	struct clock *c;

	r->clocks = xreallocarray(r->clocks, r->nclocks + 1, sizeof *r->clocks);
	c = &r->clocks[r->nclocks++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->version = v;
	c->started_at = started;
	c->start_comment = start_comment;
	c->stopped_by_comment = -1;
	if (start_comment >= 0)
		xasprintf(&c->link, "%s/show_bug.cgi?id=%lld#c%lld",
		    ctx->opts->base_url, (long long)ctx->bug->id,
		    (long long)start_comment);
	else
		xasprintf(&c->link, "%s/show_bug.cgi?id=%lld",
		    ctx->opts->base_url, (long long)ctx->bug->id);
	return c;
}

/* Add an evidence line to a clock. */
static void CCWATCH_PRINTF(4, 5) policy_evidence(
    struct clock *c, time_t when, int64_t comment, const char *fmt, ...)
{
	struct evidence *e;
	va_list ap;

	c->evidence =
	    xreallocarray(c->evidence, c->nevidence + 1, sizeof *c->evidence);
	e = &c->evidence[c->nevidence++];
	e->time = when;
	e->comment = comment;
	va_start(ap, fmt);
	xvasprintf(&e->text, fmt, ap);
	va_end(ap);
}

/* Stop a clock at a comment (count, or -1 for a history event). */
static void
policy_clock_stop(struct clock *c, time_t when, int64_t comment)
{
	c->stopped_at = when;
	c->stopped_by_comment = comment;
}

/* Set the clock's state from its due, soon and stop times and now. */
static void
policy_clock_settle(const struct policy_ctx *ctx, struct clock *c)
{
	if (c->state == CLOCK_PAUSED) {
		c->due = c->soon_at = 0;
		return;
	}
	if (c->soon_at == 0)
		c->soon_at = c->due - ctx->opts->warn_window;
	if (c->stopped_at != 0) {
		c->state = CLOCK_MET;
		c->late = c->stopped_at > c->due;
	} else if (ctx->now > c->due) {
		c->state = CLOCK_OVERDUE;
		c->overdue_seconds = (long long)(ctx->now - c->due);
	} else if (ctx->now >= c->soon_at)
		c->state = CLOCK_DUE_SOON;
	else
		c->state = CLOCK_OK;
}

/*
 * The version a clock started at t runs under, if the clock kind is in
 * force then (or under the pinned version): 0 with *v set, else -1.
 */
static int
policy_clock_version(const struct policy_ctx *ctx, time_t t,
    enum policy_version since, enum policy_version *v)
{
	int at;

	at = ctx->opts->pin != POLICY_VERSION_AUTO ? ctx->opts->pin
						   : policy_version_at(t);
	if (at < 0 || at >= POLICY_NVERSIONS || at < (int)since)
		return -1;
	*v = at;
	return 0;
}

/* The time as an ISO string in a caller buffer, for evidence lines. */
static const char *
policy_iso(time_t t, char *buf)
{
	return timeutil_format_iso(t, buf);
}

/* initial-report: 72 hours from creation to a CA-side comment. */
static void
policy_eval_initial(struct policy_ctx *ctx)
{
	const struct bug *b = ctx->bug;
	enum policy_version v;
	struct clock *c;
	size_t i;

	if (policy_side(ctx, b->creator, b->creation_time) == SIDE_BOT ||
	    policy_clock_version(ctx, b->creation_time, POLICY_CCADB_2_0, &v) ==
		-1)
		return;
	c = policy_clock_new(ctx, CLOCK_INITIAL_REPORT, v, b->creation_time, 0);
	c->due = b->creation_time + POLICY_INITIAL;
	policy_evidence(c, b->creation_time, 0,
	    "bug filed by %s; "
	    "initial report due 72 hours later",
	    b->creator);
	if (policy_side(ctx, b->creator, b->creation_time) == SIDE_CA) {
		policy_clock_stop(c, b->creation_time, 0);
		policy_evidence(c, b->creation_time, 0,
		    "filed by the CA "
		    "side (%s): met at once",
		    b->creator);
	}
	for (i = 0; i < ctx->nc && c->stopped_at == 0; i++) {
		if (ctx->cv[i]->count == 0 || ctx->cside[i] != SIDE_CA)
			continue;
		policy_clock_stop(c, ctx->cv[i]->time, ctx->cv[i]->count);
		policy_evidence(c, ctx->cv[i]->time, ctx->cv[i]->count,
		    "first CA-side comment by %s", ctx->cv[i]->creator);
	}
	policy_clock_settle(ctx, c);
}

/* full-report: 14 days from creation to a Full Incident Report. */
static void
policy_eval_full(struct policy_ctx *ctx)
{
	const struct bug *b = ctx->bug;
	const struct comment *cm;
	enum policy_version v;
	struct clock *c;
	size_t i;
	int n;

	if (policy_side(ctx, b->creator, b->creation_time) == SIDE_BOT ||
	    policy_clock_version(ctx, b->creation_time, POLICY_WIKI_2017, &v) ==
		-1)
		return;
	c = policy_clock_new(ctx, CLOCK_FULL_REPORT, v, b->creation_time, 0);
	c->due = b->creation_time + POLICY_FULL;
	policy_evidence(c, b->creation_time, 0,
	    "bug filed by %s; "
	    "full incident report due 14 days later",
	    b->creator);
	for (i = 0; i < ctx->nc && c->stopped_at == 0; i++) {
		cm = ctx->cv[i];
		if (ctx->cside[i] != SIDE_CA ||
		    !policy_is_full_report(cm->text, v))
			continue;
		n = policy_report_sections(cm->text, 0);
		policy_clock_stop(c, cm->time, cm->count);
		if (n >= POLICY_REPORT_MIN)
			policy_evidence(c, cm->time, cm->count,
			    "Full Incident "
			    "Report by %s (%d of 8 template sections)",
			    cm->creator, n);
		else
			policy_evidence(c, cm->time, cm->count,
			    "Full Incident "
			    "Report by %s (%d of the wiki's 7 topics)",
			    cm->creator, policy_report_sections(cm->text, 1));
	}
	policy_clock_settle(ctx, c);
}

/* 1 if the comment id carries a "not a question" override. */
static int
policy_not_question(const struct policy_ctx *ctx, int64_t id)
{
	size_t i;

	for (i = 0; i < ctx->opts->n_not_questions; i++) {
		if (ctx->opts->not_questions[i] == id)
			return 1;
	}
	return 0;
}

/* The earliest clearing of a question's needinfos, or NULL. */
static const struct policy_ni *
policy_find_clear(const struct policy_ctx *ctx, time_t asked,
    const struct policy_ni **nis, size_t nn)
{
	const struct policy_ni *n, *best = NULL;
	size_t i, j;

	for (i = 0; i < ctx->nni; i++) {
		n = &ctx->ni[i];
		if (n->set || n->when < asked ||
		    policy_side(ctx, n->who, n->when) == SIDE_BOT)
			continue;
		for (j = 0; j < nn; j++) {
			if (strcasecmp(n->requestee, nis[j]->requestee) == 0 &&
			    (best == NULL || n->when < best->when))
				best = n;
		}
	}
	return best;
}

/* Append the question of a response clock to the result. */
static void
policy_question_add(struct policy_ctx *ctx, const struct clock *c)
{
	struct policy_result *r = ctx->out;
	struct question *q;

	r->questions = xreallocarray(
	    r->questions, r->nquestions + 1, sizeof *r->questions);
	q = &r->questions[r->nquestions++];
	q->comment = c->start_comment;
	q->asked_by = xstrdup(c->asked_by);
	q->asked_at = c->started_at;
	q->age_seconds = (long long)(ctx->now - c->started_at);
	q->due = c->due;
	q->state = c->state;
	q->link = xstrdup(c->link);
}

/* One response clock: 7 days from a question to a CA-side answer. */
static void
policy_eval_question(struct policy_ctx *ctx, time_t asked, int64_t count,
    const char *who, const struct policy_ni **nis, size_t nn)
{
	const struct policy_ni *clear;
	const struct comment *answer = NULL;
	enum policy_version v;
	struct clock *c;
	size_t i;

	if (policy_clock_version(ctx, asked, POLICY_WIKI_2017, &v) == -1)
		return;
	c = policy_clock_new(ctx, CLOCK_RESPONSE, v, asked, count);
	c->due = asked + POLICY_CADENCE;
	c->asked_by = xstrdup(who);
	if (count >= 0)
		policy_evidence(c, asked, count,
		    "question by %s in comment "
		    "%lld; a response is due 7 days later",
		    who, (long long)count);
	for (i = 0; i < nn; i++)
		policy_evidence(c, asked, count, "needinfo?(%s) set by %s%s",
		    nis[i]->requestee, who,
		    count >= 0 ? " with the comment"
			       : "; a response is due 7 days later");
	for (i = 0; i < ctx->nc && answer == NULL; i++) {
		if (ctx->cside[i] == SIDE_CA && ctx->cv[i]->time > asked)
			answer = ctx->cv[i];
	}
	clear = policy_find_clear(ctx, asked, nis, nn);
	if (answer != NULL && (clear == NULL || answer->time <= clear->when)) {
		policy_clock_stop(c, answer->time, answer->count);
		policy_evidence(c, answer->time, answer->count,
		    "answered by CA-side comment %lld by %s",
		    (long long)answer->count, answer->creator);
	} else if (clear != NULL) {
		policy_clock_stop(c, clear->when, -1);
		policy_evidence(c, clear->when, -1,
		    "needinfo?(%s) cleared by %s", clear->requestee,
		    clear->who);
	}
	policy_clock_settle(ctx, c);
	policy_question_add(ctx, c);
}

/* Every question: comments that ask, and needinfos of their own. */
static void
policy_eval_questions(struct policy_ctx *ctx)
{
	const struct comment *cm;
	const struct policy_ni **nis;
	struct policy_ni *n;
	size_t i, j, nn;
	enum side s;

	nis =
	    xreallocarray(NULL, ctx->nni + 1, sizeof(const struct policy_ni *));
	for (i = 0; i < ctx->nc; i++) {
		cm = ctx->cv[i];
		nn = 0;
		for (j = 0; j < ctx->nni; j++) {
			n = &ctx->ni[j];
			if (!n->set || n->used || n->when != cm->time ||
			    strcasecmp(n->who, cm->creator) != 0)
				continue;
			n->used = 1;
			if (policy_side(ctx, n->requestee, n->when) == SIDE_CA)
				nis[nn++] = n;
		}
		s = ctx->cside[i];
		if (cm->count == 0 || s == SIDE_CA || s == SIDE_BOT ||
		    policy_not_question(ctx, cm->id))
			continue;
		if (nn > 0 || policy_text_asks(cm->text))
			policy_eval_question(
			    ctx, cm->time, cm->count, cm->creator, nis, nn);
	}
	for (j = 0; j < ctx->nni; j++) {
		n = &ctx->ni[j];
		if (!n->set || n->used)
			continue;
		s = policy_side(ctx, n->who, n->when);
		if (s == SIDE_CA || s == SIDE_BOT ||
		    policy_side(ctx, n->requestee, n->when) != SIDE_CA)
			continue;
		nis[0] = n;
		policy_eval_question(ctx, n->when, -1, n->who, nis, 1);
	}
	free(nis);
}

/*
 * The closure that pauses updates: the first CA-side closure summary, or
 * needinfo on incident-reporting@ccadb.org set by the CA side, at or after
 * since.  Returns 1 with *when, *comment and *by set, 0 if none.
 */
static int
policy_find_closure(const struct policy_ctx *ctx, time_t since, time_t *when,
    int64_t *comment, const char **by)
{
	const struct policy_ni *n;
	size_t i;
	int found = 0;

	for (i = 0; i < ctx->nc && !found; i++) {
		if (ctx->cside[i] != SIDE_CA || ctx->cv[i]->time < since ||
		    !policy_is_closure_summary(ctx->cv[i]->text))
			continue;
		*when = ctx->cv[i]->time;
		*comment = ctx->cv[i]->count;
		*by = ctx->cv[i]->creator;
		found = 1;
	}
	for (i = 0; i < ctx->nni; i++) {
		n = &ctx->ni[i];
		if (!n->set || n->when < since || (found && n->when >= *when) ||
		    strcasecmp(n->requestee, POLICY_CLOSURE_ACCOUNT) != 0 ||
		    policy_side(ctx, n->who, n->when) != SIDE_CA)
			continue;
		*when = n->when;
		*comment = -1;
		*by = n->who;
		found = 1;
	}
	return found;
}

/* Pause an update clock for a closure or [close on]; 1 if paused. */
static int
policy_update_paused(struct policy_ctx *ctx, struct clock *c, time_t since)
{
	const char *by = NULL;
	time_t when = 0;
	int64_t comment = -1;
	char iso[TIMEUTIL_ISO_LEN];

	if (ctx->wb.has_close_on && ctx->close_set >= since) {
		policy_evidence(c, ctx->close_set, -1,
		    "whiteboard set "
		    "[close on %s] by %s: updates paused for the final call",
		    ctx->wb.close_on.raw, ctx->close_set_by);
		c->state = CLOCK_PAUSED;
		return 1;
	}
	if (!policy_find_closure(ctx, since, &when, &comment, &by))
		return 0;
	if (ctx->wb.has_next_update && ctx->nu_set > when) {
		policy_evidence(c, when, comment,
		    "closure requested by %s, "
		    "but a new Next update date was set after it (%s)",
		    by, policy_iso(ctx->nu_set, iso));
		return 0;
	}
	if (comment >= 0)
		policy_evidence(c, when, comment,
		    "Incident Closure Summary "
		    "by %s in comment %lld: updates paused",
		    by, (long long)comment);
	else
		policy_evidence(c, when, -1,
		    "needinfo?(%s) set by %s: "
		    "closure requested, updates paused",
		    POLICY_CLOSURE_ACCOUNT, by);
	c->state = CLOCK_PAUSED;
	return 1;
}

/* Apply "Next update wins" to an update clock started at start. */
static void
policy_update_next(
    struct policy_ctx *ctx, struct clock *c, time_t start, int revocation)
{
	const struct wb_date *d = &ctx->wb.next_update;
	time_t end, cadence_soon;
	size_t i;
	char *w;

	end = whiteboard_date_end(d, ctx->opts->utc_offset);
	if (d->ambiguous) {
		xasprintf(&w,
		    "Next update '%s' is ambiguous: %04d-%02d-%02d or "
		    "%04d-%02d-%02d; the earlier is used",
		    d->raw, d->year, d->mon, d->day, d->alt_year, d->alt_mon,
		    d->alt_day);
		strlist_add(&c->warnings, w);
		free(w);
	}
	policy_evidence(c, ctx->nu_set, -1,
	    "whiteboard set Next update %s "
	    "by %s",
	    d->raw, ctx->nu_set_by);
	if (ctx->now <= end) {
		c->due = end;
		c->soon_at = 0;
		policy_evidence(c, ctx->nu_set, -1,
		    "due at the end of %s "
		    "(Next update wins over the %d-day cadence)",
		    d->raw, revocation ? 3 : 7);
		for (i = 0; i < ctx->nc; i++) {
			if (ctx->cside[i] != SIDE_CA ||
			    ctx->cv[i]->time <= end - POLICY_CADENCE ||
			    ctx->cv[i]->time <= ctx->nu_set)
				continue;
			policy_clock_stop(
			    c, ctx->cv[i]->time, ctx->cv[i]->count);
			policy_evidence(c, ctx->cv[i]->time, ctx->cv[i]->count,
			    "update for %s by %s in comment %lld", d->raw,
			    ctx->cv[i]->creator, (long long)ctx->cv[i]->count);
			break;
		}
		return;
	}
	c->due = start + POLICY_CADENCE;
	if (c->due < end)
		c->due = end;
	cadence_soon = revocation ? start + POLICY_REVOCATION_SOON
				  : c->due - ctx->opts->warn_window;
	if (cadence_soon < end)
		cadence_soon = end;
	if (cadence_soon > c->due - ctx->opts->warn_window)
		cadence_soon = c->due - ctx->opts->warn_window;
	c->soon_at = cadence_soon;
	policy_evidence(c, end, -1,
	    "Next update %s has passed: due 7 days "
	    "after the last CA-side update, never before the end of %s",
	    d->raw, d->raw);
}

/* update or revocation-update: the CA's regular updates. */
static void
policy_eval_update(struct policy_ctx *ctx)
{
	const struct bug *b = ctx->bug;
	const struct comment *last = NULL;
	enum policy_version v;
	struct clock *c;
	time_t since, start;
	size_t i;
	int revocation;

	since = b->creation_time;
	if (ctx->reopened > since)
		since = ctx->reopened;
	for (i = 0; i < ctx->nc; i++) {
		if (ctx->cside[i] == SIDE_CA && ctx->cv[i]->time >= since)
			last = ctx->cv[i];
	}
	start = last != NULL ? last->time : since;
	if (policy_clock_version(ctx, start, POLICY_WIKI_2017, &v) == -1)
		return;
	revocation = v >= POLICY_CCADB_3_0 &&
	    (whiteboard_has_tag(&ctx->wb, "revocation-delay") ||
		whiteboard_has_tag(&ctx->wb, "delayed-revocation"));
	c = policy_clock_new(ctx,
	    revocation ? CLOCK_REVOCATION_UPDATE : CLOCK_UPDATE, v, start,
	    last != NULL ? last->count
			 : (ctx->reopened > b->creation_time ? -1 : 0));
	if (last != NULL)
		policy_evidence(c, start, last->count,
		    "last CA-side comment "
		    "%lld by %s",
		    (long long)last->count, last->creator);
	else if (ctx->reopened > b->creation_time)
		policy_evidence(
		    c, start, -1, "bug reopened by %s", ctx->reopened_by);
	else
		policy_evidence(c, start, 0,
		    "bug filed by %s; no CA-side "
		    "comment yet",
		    b->creator);
	if (policy_update_paused(ctx, c, since)) {
		policy_clock_settle(ctx, c);
		return;
	}
	if (ctx->wb.has_next_update &&
	    whiteboard_date_end(&ctx->wb.next_update, ctx->opts->utc_offset) !=
		-1)
		policy_update_next(ctx, c, start, revocation);
	else {
		c->due = start + POLICY_CADENCE;
		if (revocation) {
			c->soon_at = start + POLICY_REVOCATION_SOON;
			policy_evidence(c, start, -1,
			    "revocation delay: an "
			    "update should follow within 3 days and must "
			    "within 7");
		} else
			policy_evidence(c, start, -1,
			    "no Next update date: "
			    "due 7 days after the last CA-side update");
	}
	policy_clock_settle(ctx, c);
}

/* Evaluate the bug at now. */
void
policy_eval(const struct bug *bug, const struct comment_list *comments,
    const struct history_list *history, const struct people *people,
    const struct policy_options *opts, time_t now, struct policy_result *out)
{
	struct policy_ctx ctx;
	size_t i;

	memset(out, 0, sizeof *out);
	memset(&ctx, 0, sizeof ctx);
	out->now = now;
	out->restricted = bug->groups.n > 0;
	ctx.bug = bug;
	ctx.view = *bug;
	ctx.people = people;
	ctx.opts = opts;
	ctx.now = now;
	ctx.out = out;
	policy_load_history(&ctx, history);
	ctx.view.summary =
	    (char *)policy_field_at(&ctx, "summary", bug->summary);
	ctx.view.assigned_to =
	    (char *)policy_field_at(&ctx, "assigned_to", bug->assigned_to);
	ctx.view.whiteboard =
	    (char *)policy_field_at(&ctx, "whiteboard", bug->whiteboard);
	ctx.view.resolution =
	    (char *)policy_field_at(&ctx, "resolution", bug->resolution);
	ctx.view.status = (char *)policy_field_at(&ctx, "status", bug->status);
	out->ca = people_ca_owner(people, &ctx.view);
	out->whiteboard =
	    xstrdup(ctx.view.whiteboard != NULL ? ctx.view.whiteboard : "");
	out->resolution =
	    xstrdup(ctx.view.resolution != NULL ? ctx.view.resolution : "");
	whiteboard_parse(out->whiteboard, &ctx.wb);
	for (i = 0; i < ctx.wb.warnings.n; i++)
		strlist_add(&out->warnings, ctx.wb.warnings.v[i]);
	out->exists = bug->creation_time <= now;
	out->resolved = *out->resolution != '\0';
	if (!out->exists || out->resolved)
		goto out;
	if (policy_is_meta(ctx.view.summary)) {
		strlist_add(&out->warnings,
		    "a [meta] tracking bug, not an incident: no clocks");
		goto out;
	}
	policy_load_comments(&ctx, comments);
	ctx.cside = xreallocarray(NULL, ctx.nc + 1, sizeof *ctx.cside);
	for (i = 0; i < ctx.nc; i++)
		ctx.cside[i] =
		    policy_side(&ctx, ctx.cv[i]->creator, ctx.cv[i]->time);
	policy_find_reopening(&ctx);
	policy_track_whiteboard(
	    &ctx, policy_field_initial(&ctx, "whiteboard", bug->whiteboard));
	policy_load_needinfo(&ctx);
	policy_eval_initial(&ctx);
	policy_eval_full(&ctx);
	policy_eval_questions(&ctx);
	policy_eval_update(&ctx);
out:
	whiteboard_free(&ctx.wb);
	for (i = 0; i < ctx.nni; i++)
		free(ctx.ni[i].requestee);
	free(ctx.ni);
	free(ctx.cv);
	free(ctx.cside);
	free(ctx.hv);
}

/* Free a clock's allocations. */
static void
policy_clock_free(struct clock *c)
{
	size_t i;

	for (i = 0; i < c->nevidence; i++)
		free(c->evidence[i].text);
	free(c->evidence);
	free(c->asked_by);
	free(c->link);
	strlist_free(&c->warnings);
}

/* Free a result. */
void
policy_result_free(struct policy_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nclocks; i++)
		policy_clock_free(&r->clocks[i]);
	free(r->clocks);
	for (i = 0; i < r->nquestions; i++) {
		free(r->questions[i].asked_by);
		free(r->questions[i].link);
	}
	free(r->questions);
	free(r->ca);
	free(r->whiteboard);
	free(r->resolution);
	strlist_free(&r->warnings);
	memset(r, 0, sizeof *r);
}
