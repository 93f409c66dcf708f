/*
 * The clocks of POLICY.md, computed from a bug's events at or before "now"
 * (loaded by policy_events.c).  docs/POLICY-ENGINE.md maps each rule to the
 * code below.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Default options. */
void
policy_options_defaults(struct policy_options *o)
{
	memset(o, 0, sizeof *o);
	o->pin = POLICY_VERSION_AUTO;
	o->warn_window = 48 * POLICY_HOUR;
	o->zone = NULL;
	o->base_url = "https://bugzilla.mozilla.org";
	o->program_wait = POLICY_PROGRAM_WAIT;
}

/* Start a new clock in the result. */
struct clock *
policy_clock_new(struct policy_ctx *ctx, enum clock_kind kind,
    enum policy_version v, time_t started, int64_t start_comment)
{
	struct policy_result *r = ctx->out;
	struct clock *c = xappend(&r->clocks, &r->nclocks, sizeof *c);

	c->kind = kind;
	c->version = v;
	c->started_at = started;
	c->start_comment = start_comment;
	c->stopped_by_comment = -1;
	c->item = -1;
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
void
policy_evidence(
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

/* Add a warning to a clock. */
void
policy_warn(struct clock *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	strlist_add(&c->warnings, s);
	free(s);
}

/* Add every string of a list to a clock's warnings. */
static void
policy_warn_all(struct clock *c, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		strlist_add(&c->warnings, l->v[i]);
}

/* Stop a clock at a comment (count, or -1 for a history event). */
void
policy_clock_stop(struct clock *c, time_t when, int64_t comment)
{
	c->stopped_at = when;
	c->stopped_by_comment = comment;
}

/* Set the clock's state from its due, soon and stop times and now. */
void
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
		c->late_by = c->late ? (long long)(c->stopped_at - c->due) : 0;
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
int
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

/*
 * Words for the evidence of a bug filed by a bot (a CT monitor, a linter):
 * a third-party report, whose report clocks run like any other's.
 */
static const char *
policy_filed_by_bot(const struct policy_ctx *ctx)
{
	if (policy_side(ctx, ctx->bug->creator, ctx->bug->creation_time) ==
	    SIDE_BOT)
		return " (a bot: a third-party report)";
	return "";
}

/*
 * Start a clock of kind at the bug's filing, due span seconds later, if the
 * policy in force then (first or later) has it; what is due is named in the
 * evidence.  Returns the clock, or NULL.
 */
static struct clock *
policy_clock_filed(struct policy_ctx *ctx, enum clock_kind kind,
    enum policy_version first, time_t span, const char *what)
{
	const struct bug *b = ctx->bug;
	enum policy_version v;
	struct clock *c;

	if (policy_clock_version(ctx, b->creation_time, first, &v) == -1)
		return NULL;
	c = policy_clock_new(ctx, kind, v, b->creation_time, 0);
	c->due = b->creation_time + span;
	policy_evidence(c, b->creation_time, 0, "bug filed by %s%s; %s",
	    b->creator, policy_filed_by_bot(ctx), what);
	return c;
}

/* initial-report: 72 hours from creation to a CA-side comment. */
static void
policy_eval_initial(struct policy_ctx *ctx)
{
	const struct bug *b = ctx->bug;
	struct clock *c;
	size_t i;

	c = policy_clock_filed(ctx, CLOCK_INITIAL_REPORT, POLICY_CCADB_2_0,
	    POLICY_INITIAL, "initial report due 72 hours later");
	if (c == NULL)
		return;
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

/*
 * The last comment of a Full Incident Report that starts at comment i,
 * alone or posted in parts (Bugzilla caps a comment at 65,535 characters):
 * CA-side comments from i on with no one else's between them, at most
 * POLICY_PARTS_MAX within POLICY_PARTS_SPAN of the first, whose sections
 * (legacy: the wiki's topics) together make a report.  Returns its index
 * with *n the sections, or -1.
 */
static long
policy_report_end(const struct policy_ctx *ctx, size_t i, int legacy, int *n)
{
	unsigned mask = 0;
	size_t j;

	for (j = i; j < ctx->nc && j < i + POLICY_PARTS_MAX; j++) {
		if (ctx->cside[j] != SIDE_CA ||
		    ctx->cv[j]->time - ctx->cv[i]->time > POLICY_PARTS_SPAN)
			break;
		mask |= policy_report_mask(ctx->cv[j]->text, legacy);
		*n = policy_mask_count(mask);
		if (*n >= POLICY_REPORT_MIN)
			return (long)j;
	}
	return -1;
}

/* full-report: 14 days from creation to a Full Incident Report. */
static void
policy_eval_full(struct policy_ctx *ctx)
{
	const struct comment *first, *cm;
	struct clock *c;
	long end, best = -1;
	size_t i, from = 0;
	int n, best_n = 0, legacy, best_legacy = 0, nforms;

	c = policy_clock_filed(ctx, CLOCK_FULL_REPORT, POLICY_WIKI_2017,
	    POLICY_FULL, "full incident report due 14 days later");
	if (c == NULL)
		return;
	/* Before 2.0 the wiki's topics make a report too. */
	nforms = c->version < POLICY_CCADB_2_0 ? 2 : 1;
	for (i = 0; i < ctx->nc && (best < 0 || (long)i < best); i++)
		for (legacy = 0; legacy < nforms; legacy++) {
			end = policy_report_end(ctx, i, legacy, &n);
			if (end < 0 || (best >= 0 && end >= best))
				continue;
			best = end;
			from = i;
			best_n = n;
			best_legacy = legacy;
		}
	if (best >= 0) {
		first = ctx->cv[from];
		cm = ctx->cv[best];
		policy_clock_stop(c, cm->time, cm->count);
		if ((size_t)best == from)
			policy_evidence(c, cm->time, cm->count,
			    "Full Incident Report by %s (%d of %s)",
			    cm->creator, best_n,
			    best_legacy ? "the wiki's 7 topics"
					: "8 template sections");
		else
			policy_evidence(c, cm->time, cm->count,
			    "Full Incident Report by %s in %d parts, comments "
			    "%lld to %lld (%d of %s)",
			    first->creator, (int)(best - (long)from) + 1,
			    (long long)first->count, (long long)cm->count,
			    best_n,
			    best_legacy ? "the wiki's 7 topics"
					: "8 template sections");
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

/* 1 if n clears one of a question's needinfos (the same requestee). */
static int
policy_ni_clears(
    const struct policy_ni *n, const struct policy_ni **nis, size_t nn)
{
	size_t j;

	for (j = 0; j < nn; j++)
		if (strcasecmp(n->requestee, nis[j]->requestee) == 0)
			return 1;
	return 0;
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
	q->late = c->late;
	q->late_by = c->late_by;
	q->withdrawn = c->withdrawn;
	q->link = xstrdup(c->link);
}

/*
 * Read the clearings of a question's needinfos before its answer (NULL:
 * none yet): a bot's change nothing; the CA side's without a comment in
 * the same change answer nothing (the guidelines want a response, "even if
 * only to acknowledge"); anyone else's withdraws the question, which stops
 * the clock there.  Returns 1 when the question was withdrawn.
 */
static int
policy_question_clears(struct policy_ctx *ctx, struct clock *c, time_t asked,
    const struct comment *answer, const struct policy_ni **nis, size_t nn)
{
	const struct policy_ni *n;
	size_t i;
	enum side s;

	for (i = 0; i < ctx->nni; i++) {
		n = &ctx->ni[i];
		if (n->set || n->when < asked || !policy_ni_clears(n, nis, nn))
			continue;
		if (answer != NULL && n->when >= answer->time)
			break;
		s = policy_side(ctx, n->who, n->when);
		if (s == SIDE_BOT) {
			policy_evidence(c, n->when, -1,
			    "needinfo?(%s) cleared by %s, a bot: this changes "
			    "nothing",
			    n->requestee, n->who);
			continue;
		}
		if (s == SIDE_CA) {
			policy_evidence(c, n->when, -1,
			    "needinfo cleared without a reply: needinfo?(%s) "
			    "cleared by %s (CA side) with no comment; the "
			    "question stays open",
			    n->requestee, n->who);
			continue;
		}
		policy_clock_stop(c, n->when, -1);
		c->withdrawn = 1;
		policy_evidence(c, n->when, -1,
		    "needinfo?(%s) cleared by %s%s: the question is withdrawn",
		    n->requestee, n->who,
		    strcasecmp(n->who, c->asked_by) == 0 ? ", who asked it"
							 : " (not the CA)");
		return 1;
	}
	return 0;
}

/*
 * 1 if comment cm was posted after a question asked at asked in comment
 * count (-1: a needinfo alone): later, or in the same second with a higher
 * number, since Bugzilla numbers a bug's comments in the order posted.
 */
static int
policy_comes_after(const struct comment *cm, time_t asked, int64_t count)
{
	return cm->time > asked ||
	    (cm->time == asked && count >= 0 && cm->count > count);
}

/* One response clock: 7 days from a question to a CA-side answer. */
static void
policy_eval_question(struct policy_ctx *ctx, time_t asked, int64_t count,
    const char *who, const struct policy_ni **nis, size_t nn)
{
	const struct comment *answer = NULL;
	enum policy_version v;
	struct clock *c;
	time_t from;
	size_t i;

	if (policy_clock_version(ctx, asked, POLICY_WIKI_2017, &v) == -1)
		return;
	c = policy_clock_new(ctx, CLOCK_RESPONSE, v, asked, count);
	from = policy_resumed_at(ctx, asked);
	c->due = from + POLICY_CADENCE;
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
	if (from != asked)
		policy_evidence(c, from, -1,
		    "asked while the bug was resolved: the 7 days run from "
		    "its reopening");
	for (i = 0; i < ctx->nc && answer == NULL; i++) {
		if (ctx->cside[i] == SIDE_CA &&
		    policy_comes_after(ctx->cv[i], asked, count))
			answer = ctx->cv[i];
	}
	if (!policy_question_clears(ctx, c, asked, answer, nis, nn) &&
	    answer != NULL) {
		policy_clock_stop(c, answer->time, answer->count);
		policy_evidence(c, answer->time, answer->count,
		    "answered by CA-side comment %lld by %s",
		    (long long)answer->count, answer->creator);
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
int
policy_find_closure(const struct policy_ctx *ctx, time_t since, time_t *when,
    int64_t *comment, const char **by)
{
	const struct policy_ni *n;
	size_t i;
	int found = 0;

	for (i = 0; i < ctx->nc && !found; i++) {
		if (ctx->cside[i] != SIDE_CA || ctx->cv[i]->time < since)
			continue;
		if (ctx->closure[i] < 0)
			ctx->closure[i] =
			    (signed char)policy_is_closure_summary(
				ctx->cv[i]->text);
		if (!ctx->closure[i])
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

/*
 * Pause an update clock for the final call: a [close on D] tag (whatever
 * D, and even when D cannot be read) set after since by someone who is not
 * CA-side.  One the CA wrote itself pauses nothing, with a warning.
 * Returns 1 if paused.
 */
static int
policy_close_on_paused(struct policy_ctx *ctx, struct clock *c, time_t since)
{
	const struct whiteboard *wb = ctx->wb;
	const char *raw = wb->has_close_on ? wb->close_on.raw : "?";
	char iso[TIMEUTIL_ISO_LEN];

	if (wb->close_on_tags == 0 || ctx->close_set < since)
		return 0;
	if (policy_side(ctx, ctx->close_set_by, ctx->close_set) == SIDE_CA) {
		policy_warn(c,
		    "[close on %s] was written by %s, who is CA side: it "
		    "pauses nothing (a root store operator makes the final "
		    "call)",
		    raw, ctx->close_set_by);
		policy_evidence(c, ctx->close_set, -1,
		    "whiteboard set [close on %s] by %s (CA side, %s): not "
		    "honoured",
		    raw, ctx->close_set_by, policy_iso(ctx->close_set, iso));
		return 0;
	}
	policy_evidence(c, ctx->close_set, -1,
	    "whiteboard set "
	    "[close on %s] by %s: updates paused for the final call",
	    raw, ctx->close_set_by);
	policy_warn_all(c, &wb->close_on_notes);
	c->state = CLOCK_PAUSED;
	return 1;
}

/*
 * Pause an update clock for a closure or [close on]; 1 if paused.  A Next
 * update set after a closure does not lift it: only further questions do,
 * and they run their own response clocks.
 */
int
policy_update_paused(struct policy_ctx *ctx, struct clock *c, time_t since)
{
	const char *by = NULL;
	time_t when = 0;
	int64_t comment = -1;
	char iso[TIMEUTIL_ISO_LEN];

	if (policy_close_on_paused(ctx, c, since))
		return 1;
	if (!policy_find_closure(ctx, since, &when, &comment, &by))
		return 0;
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
	if (ctx->wb->has_next_update && ctx->nu_set > when)
		policy_evidence(c, ctx->nu_set, -1,
		    "Next update %s set by %s (%s) after the closure: the "
		    "pause holds; only further questions lift it, and they "
		    "run their own clocks",
		    ctx->wb->next_update.raw, ctx->nu_set_by,
		    policy_iso(ctx->nu_set, iso));
	c->state = CLOCK_PAUSED;
	return 1;
}

/*
 * 1 if the whiteboard's Next update date applies: readable, and not set by
 * the CA side (the guidelines have the CA request it and a root store
 * operator set it); a CA-set date runs the cadence, with a warning.
 */
static int
policy_next_applies(struct policy_ctx *ctx, struct clock *c)
{
	const struct datetext *d = &ctx->wb->next_update;
	char iso[TIMEUTIL_ISO_LEN];

	if (!ctx->wb->has_next_update ||
	    whiteboard_date_end(d, ctx->opts->zone) == -1)
		return 0;
	if (policy_side(ctx, ctx->nu_set_by, ctx->nu_set) != SIDE_CA)
		return 1;
	policy_warn(c,
	    "Next update %s was set by %s, who is CA side: not honoured "
	    "(the CA requests the date, a root store operator sets it); the "
	    "7-day cadence runs",
	    d->raw, ctx->nu_set_by);
	policy_evidence(c, ctx->nu_set, -1,
	    "whiteboard set Next update %s by %s (CA side, %s): not honoured",
	    d->raw, ctx->nu_set_by, policy_iso(ctx->nu_set, iso));
	return 0;
}

/*
 * Before D passes, a CA-side comment in the seven days up to the end of D
 * and after D was set counts for D: the clock is met until D passes.
 */
static void
policy_update_for_d(struct policy_ctx *ctx, struct clock *c, time_t end)
{
	size_t i;

	for (i = 0; i < ctx->nc; i++) {
		if (ctx->cside[i] != SIDE_CA ||
		    ctx->cv[i]->time <= end - POLICY_CADENCE ||
		    ctx->cv[i]->time <= ctx->nu_set)
			continue;
		policy_clock_stop(c, ctx->cv[i]->time, ctx->cv[i]->count);
		policy_evidence(c, ctx->cv[i]->time, ctx->cv[i]->count,
		    "update for %s by %s in comment %lld",
		    ctx->wb->next_update.raw, ctx->cv[i]->creator,
		    (long long)ctx->cv[i]->count);
		return;
	}
}

/*
 * Apply "Next update wins" to an update clock started at start.  Before D
 * passes the clock is due at the end of D; on a revocation-delay bug at
 * the earlier of that and start + 7 days (the MUST), due soon from start +
 * 3 days.  After D it runs from the last CA-side update, never due before
 * the end of D (the time up to D was excused) except on a revocation-delay
 * bug, where the 7-day MUST holds.
 */
static void
policy_update_next(
    struct policy_ctx *ctx, struct clock *c, time_t start, int revocation)
{
	const struct datetext *d = &ctx->wb->next_update;
	time_t end = whiteboard_date_end(d, ctx->opts->zone);
	time_t cadence = start + POLICY_CADENCE;
	time_t soon = start + POLICY_REVOCATION_SOON;

	policy_evidence(c, ctx->nu_set, -1,
	    "whiteboard set Next update %s by %s", d->raw, ctx->nu_set_by);
	if (ctx->now <= end) {
		c->due = end;
		if (revocation && cadence < end) {
			c->due = cadence;
			policy_evidence(c, start, -1,
			    "due 7 days after the last CA-side update, before "
			    "the end of %s: on a revocation-delay bug the "
			    "7-day MUST holds whatever the whiteboard says",
			    d->raw);
		} else
			policy_evidence(c, ctx->nu_set, -1,
			    "due at the end of %s (Next update wins over the "
			    "7-day cadence)",
			    d->raw);
		if (revocation)
			c->soon_at = soon < c->due - ctx->opts->warn_window
			    ? soon
			    : c->due - ctx->opts->warn_window;
		policy_update_for_d(ctx, c, end);
		return;
	}
	c->due = cadence;
	if (revocation) {
		c->soon_at = soon;
		policy_evidence(c, end, -1,
		    "Next update %s has passed: due 7 days after the last "
		    "CA-side update, due soon from 3 days",
		    d->raw);
		return;
	}
	if (c->due < end)
		c->due = end;
	policy_evidence(c, end, -1,
	    "Next update %s has passed: due 7 days "
	    "after the last CA-side update, never before the end of %s",
	    d->raw, d->raw);
}

/* The cadence without a Next update date: 7 days (due soon from 3). */
static void
policy_update_cadence(struct clock *c, time_t start, int revocation)
{
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

/* The first moment of the bug's open spell: creation or the reopening. */
time_t
policy_open_since(const struct policy_ctx *ctx)
{
	if (ctx->reopened > ctx->bug->creation_time)
		return ctx->reopened;
	return ctx->bug->creation_time;
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

	since = policy_open_since(ctx);
	for (i = 0; i < ctx->nc; i++) {
		if (ctx->cside[i] == SIDE_CA && ctx->cv[i]->time >= since)
			last = ctx->cv[i];
	}
	start = last != NULL ? last->time : since;
	if (policy_clock_version(ctx, start, POLICY_WIKI_2017, &v) == -1)
		return;
	revocation = v >= POLICY_CCADB_3_0 &&
	    (whiteboard_has_tag(ctx->wb, "revocation-delay") ||
		whiteboard_has_tag(ctx->wb, "delayed-revocation"));
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
	policy_warn_all(c, &ctx->wb->next_update_notes);
	if (policy_next_applies(ctx, c))
		policy_update_next(ctx, c, start, revocation);
	else
		policy_update_cadence(c, start, revocation);
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
	actionitems_plan_init(&out->plan);
	out->now = now;
	out->restricted = bug->groups.n > 0;
	ctx.bug = bug;
	ctx.view = *bug;
	ctx.people = people;
	ctx.opts = opts;
	ctx.now = now;
	ctx.out = out;
	ctx.wb = &out->wb;
	policy_events_fields(&ctx, history);
	out->ca = people_ca_owner(people, &ctx.view);
	out->ca_key = out->ca != NULL ? people_ca_key(people, out->ca) : NULL;
	if (out->ca_key != NULL && *out->ca_key == '\0') {
		/* "---: x" names nothing a key can hold. */
		free(out->ca_key);
		out->ca_key = NULL;
	}
	out->whiteboard =
	    xstrdup(ctx.view.whiteboard != NULL ? ctx.view.whiteboard : "");
	out->resolution =
	    xstrdup(ctx.view.resolution != NULL ? ctx.view.resolution : "");
	for (i = 0; i < out->wb.warnings.n; i++)
		strlist_add(&out->warnings, out->wb.warnings.v[i]);
	out->exists = bug->creation_time <= now;
	out->resolved = *out->resolution != '\0';
	if (!out->exists || out->resolved)
		goto out;
	if (policy_is_meta(ctx.view.summary)) {
		strlist_add(&out->warnings,
		    "a [meta] tracking bug, not an incident: no clocks");
		goto out;
	}
	policy_events_load(&ctx, comments);
	policy_eval_initial(&ctx);
	policy_eval_full(&ctx);
	policy_eval_questions(&ctx);
	policy_eval_update(&ctx);
	policy_eval_actions(&ctx);
	policy_eval_waiting(&ctx);
out:
	policy_events_free(&ctx);
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
	actionitems_plan_free(&r->plan);
	for (i = 0; i < r->nwaiting; i++) {
		free(r->waiting[i].by);
		free(r->waiting[i].requestee);
		free(r->waiting[i].text);
	}
	free(r->waiting);
	free(r->ca);
	free(r->ca_key);
	free(r->whiteboard);
	free(r->resolution);
	strlist_free(&r->warnings);
	whiteboard_free(&r->wb);
	memset(r, 0, sizeof *r);
}
