/*
 * The events of one evaluation (see policy_int.h): the comments, the
 * history and the fields as of "now", the last reopening, the whiteboard's
 * history, and the needinfo requests.  Only events at or before now count.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "xmalloc.h"

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

/*
 * Collect the comments at or before now, one per id (the last copy), less
 * those a moderator hid.
 */
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
		if (!dup && !policy_comment_hidden(&cl->v[i]))
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

/*
 * The moment a clock that starts at t begins to run: t, or when the bug
 * was resolved at t, the reopening that followed (resolved bugs run no
 * clocks).  The history up to now is read; the bug was filed as the
 * first resolution change found says, else open.
 */
time_t
policy_resumed_at(const struct policy_ctx *ctx, time_t t)
{
	const struct change *c;
	size_t i, j;
	int resolved = -1;

	for (i = 0; i < ctx->nh_now; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			c = &ctx->hv[i]->changes[j];
			if (strcmp(c->field, "resolution") != 0)
				continue;
			if (resolved == -1)
				resolved =
				    c->removed != NULL && *c->removed != '\0';
			if (ctx->hv[i]->when > t && resolved == 1 &&
			    (c->added == NULL || *c->added == '\0'))
				return ctx->hv[i]->when;
			if (ctx->hv[i]->when <= t)
				resolved =
				    c->added != NULL && *c->added != '\0';
		}
	}
	return t;
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

/* 1 if two parsed Next update (or close on) dates differ. */
static int
policy_date_differs(
    int has_a, const struct datetext *a, int has_b, const struct datetext *b)
{
	if (has_a != has_b)
		return 1;
	if (!has_a)
		return 0;
	return datetext_cmp(a, b) != 0;
}

/* 1 if both parses have a date of a kind written the same way. */
static int
policy_same_text(
    int has_a, const struct datetext *a, int has_b, const struct datetext *b)
{
	return has_a && has_b && strcmp(a->raw, b->raw) == 0;
}

/*
 * Read one whiteboard value written at t that follows prev: a date written
 * as before keeps the moment its text was first written (*nref, *cref), so
 * that a date without a year keeps its reading through later edits.
 */
static void
policy_wb_next(struct whiteboard *prev, const char *text, time_t t,
    time_t *nref, time_t *cref, struct whiteboard *next)
{
	whiteboard_parse_at(text, t, next);
	if (!policy_same_text(prev->has_next_update, &prev->next_update,
		next->has_next_update, &next->next_update))
		*nref = t;
	if (!policy_same_text(prev->has_close_on, &prev->close_on,
		next->has_close_on, &next->close_on))
		*cref = t;
	if (*nref == t && *cref == t)
		return;
	whiteboard_free(next);
	whiteboard_parse_refs(text, *nref, *cref, next);
}

/*
 * Walk the whiteboard's changes up to now into ctx->wb, and record when and
 * by whom the current Next update date and [close on] tag took their
 * values (the bug's creation and creator when the whiteboard had them from
 * the start).  The walk starts from what the first change removed.
 */
static void
policy_track_whiteboard(struct policy_ctx *ctx, const char *initial)
{
	struct whiteboard prev, next;
	const struct change *c;
	time_t nref, cref, t;
	size_t i, j;

	nref = cref = ctx->nu_set = ctx->close_set = ctx->bug->creation_time;
	ctx->nu_set_by = ctx->close_set_by = ctx->bug->creator;
	whiteboard_parse_at(initial, nref, &prev);
	for (i = 0; i < ctx->nh_now; i++) {
		for (j = 0; j < ctx->hv[i]->nchanges; j++) {
			c = &ctx->hv[i]->changes[j];
			if (strcmp(c->field, "whiteboard") != 0)
				continue;
			t = ctx->hv[i]->when;
			policy_wb_next(&prev, c->added, t, &nref, &cref, &next);
			if (policy_date_differs(prev.has_next_update,
				&prev.next_update, next.has_next_update,
				&next.next_update)) {
				ctx->nu_set = t;
				ctx->nu_set_by = ctx->hv[i]->who;
				ctx->nu_from_history = 1;
			}
			if (prev.close_on_tags != next.close_on_tags ||
			    policy_date_differs(prev.has_close_on,
				&prev.close_on, next.has_close_on,
				&next.close_on)) {
				ctx->close_set = t;
				ctx->close_set_by = ctx->hv[i]->who;
			}
			whiteboard_free(&prev);
			prev = next;
		}
	}
	*ctx->wb = prev;
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

/* Load the history and the fields as of now; see policy_int.h. */
void
policy_events_fields(struct policy_ctx *ctx, const struct history_list *hl)
{
	const struct bug *bug = ctx->bug;

	policy_load_history(ctx, hl);
	ctx->view.summary =
	    (char *)policy_field_at(ctx, "summary", bug->summary);
	ctx->view.assigned_to =
	    (char *)policy_field_at(ctx, "assigned_to", bug->assigned_to);
	ctx->view.whiteboard =
	    (char *)policy_field_at(ctx, "whiteboard", bug->whiteboard);
	ctx->view.resolution =
	    (char *)policy_field_at(ctx, "resolution", bug->resolution);
	ctx->view.status = (char *)policy_field_at(ctx, "status", bug->status);
	policy_track_whiteboard(
	    ctx, policy_field_initial(ctx, "whiteboard", bug->whiteboard));
}

/* Load the comments, the reopening and the needinfos; see policy_int.h. */
void
policy_events_load(struct policy_ctx *ctx, const struct comment_list *cl)
{
	size_t i;

	policy_load_comments(ctx, cl);
	ctx->cside = xreallocarray(NULL, ctx->nc + 1, sizeof *ctx->cside);
	ctx->closure = xreallocarray(NULL, ctx->nc + 1, sizeof *ctx->closure);
	memset(ctx->closure, -1, ctx->nc + 1);
	for (i = 0; i < ctx->nc; i++)
		ctx->cside[i] =
		    policy_side(ctx, ctx->cv[i]->creator, ctx->cv[i]->time);
	policy_find_reopening(ctx);
	policy_load_needinfo(ctx);
}

/* Free what the loading allocated. */
void
policy_events_free(struct policy_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nni; i++)
		free(ctx->ni[i].requestee);
	free(ctx->ni);
	free(ctx->cv);
	free(ctx->cside);
	free(ctx->closure);
	free(ctx->hv);
}

/* The side of login as of now, override windows at when. */
enum side
policy_side(const struct policy_ctx *ctx, const char *login, time_t when)
{
	return people_side(ctx->people, &ctx->view, login, when);
}
