/*
 * The outcome of every clock instance of a bug, read off the policy
 * engine's evaluations of the bug at a few moments, never by rules of its
 * own: the engine is the one place POLICY.md lives, so status and the
 * record cannot disagree.
 *
 * An evaluation shows the report, response and action-item clocks with
 * their whole story (met, late by how much, withdrawn), so one evaluation
 * at the end of the bug's last open period gives them all.  The update
 * clocks are different: an evaluation shows only the instance running
 * then, which the next CA-side comment replaces.  So the update instances
 * are read by walking back from each end of an open period: evaluate, take
 * the update clock and the moment it started, evaluate the second before
 * that start, and so on; the instance seen at the second before a start is
 * the one that comment ended (on time when it came by the due time, late by
 * the difference otherwise).  That costs one evaluation per CA-side comment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccwatch.h"
#include "log.h"
#include "record.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The bug and its events, evaluated at several moments. */
struct record_ctx {
	const struct bug *bug;
	const struct comment_list *cl;
	const struct history_list *hl;
	const struct people *people;
	const struct policy_options *opts;
	struct outcome_bug *out;
};

/* Evaluate the bug at m into *r. */
static void
record_eval(const struct record_ctx *x, time_t m, struct policy_result *r)
{
	policy_eval(x->bug, x->cl, x->hl, x->people, x->opts, m, r);
}

/* Append a row to the bug's outcomes and return it, zeroed. */
static struct outcome_row *
record_add(struct outcome_bug *b)
{
	struct outcome_row *r;

	b->rows = xreallocarray(b->rows, b->nrows + 1, sizeof *b->rows);
	r = &b->rows[b->nrows++];
	memset(r, 0, sizeof *r);
	return r;
}

/*
 * The outcome of clock c as seen at end - 1.  stop is when a later
 * instance of the same clock took its place (0: none, c was the last); end
 * is when the bug closed when closed is 1, else now.
 */
static void
record_classify(const struct clock *c, time_t stop, time_t end, int closed,
    struct outcome_row *r)
{
	r->kind = c->kind;
	r->version = c->version;
	r->started_at = c->started_at;
	r->due = c->due;
	switch (c->state) {
	case CLOCK_MET:
		r->ended_at = c->stopped_at;
		r->outcome = c->withdrawn ? OUTCOME_WITHDRAWN
		    : c->late             ? OUTCOME_LATE
					  : OUTCOME_ON_TIME;
		r->late_by = c->late ? c->late_by : 0;
		return;
	case CLOCK_PAUSED:
		r->outcome = OUTCOME_PAUSED;
		r->due = 0;
		return;
	default:
		break;
	}
	if (stop != 0) {
		r->ended_at = stop;
		r->outcome = stop > c->due ? OUTCOME_LATE : OUTCOME_ON_TIME;
		r->late_by = stop > c->due ? (long long)(stop - c->due) : 0;
		return;
	}
	if (c->state == CLOCK_OVERDUE || (closed && end > c->due)) {
		r->outcome = OUTCOME_MISSED;
		r->closed = closed;
		r->ended_at = closed ? end : 0;
		r->late_by = (long long)(end - c->due);
		return;
	}
	r->outcome = closed ? OUTCOME_CLOSED_EARLY : OUTCOME_RUNNING;
	r->ended_at = closed ? end : 0;
}

/* 1 for the update clocks, whose instances replace each other. */
static int
record_is_update(enum clock_kind k)
{
	return k == CLOCK_UPDATE || k == CLOCK_REVOCATION_UPDATE;
}

/* The update clock of an evaluation, or NULL. */
static const struct clock *
record_update_clock(const struct policy_result *r)
{
	size_t i;

	for (i = 0; i < r->nclocks; i++) {
		if (record_is_update(r->clocks[i].kind))
			return &r->clocks[i];
	}
	return NULL;
}

/* 1 if the bug already has an update row with c's kind and due time. */
static int
record_seen(const struct outcome_bug *b, const struct clock *c)
{
	size_t i;

	for (i = 0; i < b->nrows; i++) {
		if (record_is_update(b->rows[i].kind) &&
		    b->rows[i].kind == c->kind && c->state != CLOCK_PAUSED &&
		    b->rows[i].outcome != OUTCOME_PAUSED &&
		    b->rows[i].due == c->due)
			return 1;
	}
	return 0;
}

/*
 * Walk back through the update instances of the open period that ends at
 * end (closed: the bug was resolved then; else end is now), starting from
 * the evaluation r made at its last moment.
 */
static void
record_walk_updates(const struct record_ctx *x, const struct policy_result *r,
    time_t end, int closed)
{
	struct policy_result cur;
	const struct clock *c;
	time_t stop = 0;
	size_t steps = 0, max = x->cl->n + 2;
	int last_paused = 0, have = 0;

	c = record_update_clock(r);
	while (c != NULL && steps++ < max) {
		if (c->state == CLOCK_PAUSED ? !last_paused
					     : !record_seen(x->out, c))
			record_classify(
			    c, stop, end, closed, record_add(x->out));
		last_paused = c->state == CLOCK_PAUSED;
		if (c->start_comment <= 0 ||
		    c->started_at <= x->bug->creation_time)
			break;
		stop = c->started_at;
		if (have)
			policy_result_free(&cur);
		record_eval(x, stop - 1, &cur);
		have = 1;
		if (!cur.exists || cur.resolved)
			break;
		c = record_update_clock(&cur);
	}
	if (have)
		policy_result_free(&cur);
}

/* The moments the bug was resolved (resolution set from none), in order. */
static size_t
record_closures(const struct history_list *hl, time_t **out)
{
	size_t i, j, n = 0;
	const struct change *ch;

	*out = NULL;
	for (i = 0; i < hl->n; i++) {
		for (j = 0; j < hl->v[i].nchanges; j++) {
			ch = &hl->v[i].changes[j];
			if (strcmp(ch->field, "resolution") != 0 ||
			    *ch->removed != '\0' || *ch->added == '\0')
				continue;
			*out = xreallocarray(*out, n + 1, sizeof **out);
			(*out)[n++] = hl->v[i].when;
		}
	}
	return n;
}

/* The report, response and action-item clocks of the final evaluation. */
static void
record_final_clocks(const struct record_ctx *x, const struct policy_result *r,
    time_t end, int closed)
{
	struct outcome_row *row;
	size_t i;
	int initial = 0, full = 0;

	for (i = 0; i < r->nclocks; i++) {
		initial |= r->clocks[i].kind == CLOCK_INITIAL_REPORT;
		full |= r->clocks[i].kind == CLOCK_FULL_REPORT;
		if (record_is_update(r->clocks[i].kind))
			continue;
		record_classify(
		    &r->clocks[i], 0, end, closed, record_add(x->out));
	}
	if (full && !initial) {
		/* A report clock runs, but the version had no 72 hours. */
		row = record_add(x->out);
		row->kind = CLOCK_INITIAL_REPORT;
		row->outcome = OUTCOME_NOT_APPLICABLE;
		row->started_at = x->bug->creation_time;
		i = 0;
		for (; i < r->nclocks; i++) {
			if (r->clocks[i].kind == CLOCK_FULL_REPORT)
				row->version = r->clocks[i].version;
		}
	}
}

/* Order rows by start, then kind, then due. */
static int
record_row_cmp(const void *pa, const void *pb)
{
	const struct outcome_row *a = pa, *b = pb;

	if (a->started_at != b->started_at)
		return a->started_at < b->started_at ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return 0;
}

/* Compute the outcomes of one bug. */
void
record_bug_outcomes(const struct bug *bug, const struct comment_list *cl,
    const struct history_list *hl, const struct people *people,
    const struct policy_options *opts, time_t now, struct outcome_bug *out)
{
	struct record_ctx x = {bug, cl, hl, people, opts, out};
	struct policy_result r, fin;
	time_t *closures, end;
	size_t n, i;
	int have_fin = 0;

	memset(out, 0, sizeof *out);
	out->id = bug->id;
	out->filed = bug->creation_time;
	out->restricted = bug->groups.n > 0;
	for (i = 0; i < cl->n && !out->private_comments; i++)
		out->private_comments = cl->v[i].is_private;
	out->computed_at = now;
	out->self_reported = people_side(people, bug, bug->creator,
				 bug->creation_time) == SIDE_CA;
	n = record_closures(hl, &closures);
	record_eval(&x, now, &r);
	if (!r.exists) {
		policy_result_free(&r);
		free(closures);
		return;
	}
	out->ca = r.ca != NULL ? xstrdup(r.ca) : NULL;
	out->ca_key = r.ca_key != NULL ? xstrdup(r.ca_key) : NULL;
	if (r.resolved)
		out->resolved_at =
		    n > 0 ? closures[n - 1] : bug->last_change_time;
	/* Each open period that ended in a resolution before now. */
	for (i = 0; i < n; i++) {
		if (closures[i] > now || closures[i] <= bug->creation_time)
			continue;
		if (have_fin)
			policy_result_free(&fin);
		record_eval(&x, closures[i] - 1, &fin);
		have_fin = 1;
		if (fin.exists && !fin.resolved)
			record_walk_updates(&x, &fin, closures[i], 1);
	}
	if (!r.resolved) {
		record_walk_updates(&x, &r, now, 0);
		record_final_clocks(&x, &r, now, 0);
	} else if (have_fin && fin.exists && !fin.resolved) {
		end = n > 0 ? closures[n - 1] : now;
		record_final_clocks(&x, &fin, end, 1);
	}
	if (have_fin)
		policy_result_free(&fin);
	policy_result_free(&r);
	free(closures);
	if (out->nrows > 1)
		qsort(out->rows, out->nrows, sizeof *out->rows, record_row_cmp);
}

/* FNV-1a over a string (and its terminator). */
static uint64_t
record_hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		s = "\x01";
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	} while (*s++ != '\0');
	return h;
}

/* FNV-1a over a list of strings. */
static uint64_t
record_hash_list(uint64_t h, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		h = record_hash_str(h, l->v[i]);
	return record_hash_str(h, "\x02");
}

/* A hash of everything in people. */
static uint64_t
record_hash_people(const struct people *p)
{
	uint64_t h = 14695981039346656037ULL;
	char num[96];
	size_t i;

	for (i = 0; i < p->ncas; i++) {
		h = record_hash_str(h, p->cas[i].name);
		h = record_hash_list(h, &p->cas[i].aliases);
		h = record_hash_list(h, &p->cas[i].domains);
		h = record_hash_list(h, &p->cas[i].accounts);
	}
	for (i = 0; i < p->noverrides; i++) {
		snprintf(num, sizeof num, "%lld/%d/%lld/%lld",
		    (long long)p->overrides[i].bug_id,
		    (int)p->overrides[i].side, (long long)p->overrides[i].from,
		    (long long)p->overrides[i].until);
		h = record_hash_str(h, p->overrides[i].login);
		h = record_hash_str(h, p->overrides[i].ca);
		h = record_hash_str(h, num);
	}
	h = record_hash_list(h, &p->program_domains);
	h = record_hash_list(h, &p->program_accounts);
	h = record_hash_list(h, &p->bot_accounts);
	h = record_hash_list(h, &p->bot_suffixes);
	h = record_hash_list(h, &p->public_domains);
	return record_hash_str(h, p->self);
}

/* The fingerprint of the configuration the outcomes depend on. */
char *
record_fingerprint(const struct people *p, const struct policy_options *o)
{
	char *s;

	xasprintf(&s,
	    "ccwatch %s; record 1; pin %d; zone %s; wait %ld; "
	    "public-plan %d; people %016llx",
	    CCWATCH_VERSION, o->pin,
	    o->zone != NULL ? zone_name(o->zone) : "UTC", o->program_wait,
	    o->public_plan, (unsigned long long)record_hash_people(p));
	return s;
}

/* Load one stored bug's events and compute its outcomes into *ob. */
static int
record_compute(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t now, const struct bug *b,
    struct outcome_bug *ob, char **cause)
{
	struct policy_options o = *opts;
	struct store_events ev;

	if (store_get_events(st, b->id, &ev, cause) == -1)
		return -1;
	o.not_questions = ev.not_questions;
	o.n_not_questions = ev.n_not_questions;
	record_bug_outcomes(b, &ev.comments, &ev.history, people, &o, now, ob);
	store_events_free(&ev);
	return 0;
}

/* Replace (or add, keeping the order by id) bug ob in list l. */
static void
record_list_set(struct outcome_list *l, struct outcome_bug *ob)
{
	size_t i;

	for (i = 0; i < l->n && l->v[i].id < ob->id; i++)
		;
	if (i < l->n && l->v[i].id == ob->id) {
		outcome_bug_free(&l->v[i]);
		l->v[i] = *ob;
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *l->v);
	l->v[i] = *ob;
	l->n++;
}

/*
 * Recompute the stale bugs of stamps into out; their ids go to *ids (when
 * not NULL; allocated, *count of them).
 */
static int
record_update(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t now,
    const struct record_stamp_list *stamps, int all, long max_age,
    struct outcome_list *out, int64_t **ids, size_t *count, char **cause)
{
	struct outcome_bug ob;
	struct bug b;
	size_t i;
	int found;

	for (i = 0; i < stamps->n; i++) {
		const struct record_stamp *s = &stamps->v[i];

		if (!all && s->cached != NULL &&
		    strcmp(s->cached, s->stamp) == 0 &&
		    (!s->open ||
			(max_age > 0 && s->computed_at >= now - max_age &&
			    s->computed_at <= now)))
			continue;
		found = store_get_bug(st, s->id, &b, cause);
		if (found == -1)
			return -1;
		if (found == 0)
			continue;
		if (record_compute(st, people, opts, now, &b, &ob, cause) ==
		    -1) {
			model_bug_free(&b);
			return -1;
		}
		model_bug_free(&b);
		ob.stamp = xstrdup(s->stamp);
		record_list_set(out, &ob);
		if (ids != NULL) {
			*ids = xreallocarray(*ids, *count + 1, sizeof **ids);
			(*ids)[*count] = s->id;
		}
		(*count)++;
	}
	return 0;
}

/*
 * Write what was computed in one short transaction: a new fingerprint
 * (which empties the cache first) when all, the bugs no longer stored
 * forgotten, the recomputed bugs.
 */
static int
record_store(struct store *st, const char *fingerprint, int all,
    const struct outcome_list *l, const int64_t *ids, size_t n, char **cause)
{
	const struct outcome_bug *ob;
	size_t i;
	int rc = 0;

	if (store_begin(st, cause) == -1)
		return -1;
	if ((all && store_record_reset(st, fingerprint, cause) == -1) ||
	    store_record_forget(st, cause) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		ob = outcome_list_find(l, ids[i]);
		if (ob != NULL && store_record_put(st, ob, cause) == -1)
			rc = -1;
	}
	return store_end(st, rc, cause);
}

/* Every bug's outcomes as of a moment, computed now, cached nowhere. */
int
record_compute_at(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t as_of, struct outcome_list *out,
    char **cause)
{
	struct record_stamp_list stamps;
	size_t count = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_record_stamps(st, &stamps, cause) == -1)
		return -1;
	rc = record_update(
	    st, people, opts, as_of, &stamps, 1, 0, out, NULL, &count, cause);
	record_stamp_list_free(&stamps);
	if (rc == -1)
		outcome_list_free(out);
	return rc;
}

/*
 * Leave out of l (ordered by id) the bugs stamps (ordered by id) does not
 * list: those no longer stored or gone, whose cached rows the write that
 * follows forgets.
 */
static void
record_keep_listed(
    struct outcome_list *l, const struct record_stamp_list *stamps)
{
	size_t i, j = 0, k = 0;

	for (i = 0; i < l->n; i++) {
		while (j < stamps->n && stamps->v[j].id < l->v[i].id)
			j++;
		if (j < stamps->n && stamps->v[j].id == l->v[i].id)
			l->v[k++] = l->v[i];
		else
			outcome_bug_free(&l->v[i]);
	}
	l->n = k;
}

/* Refresh the cache and load every bug's outcomes. */
int
record_refresh(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t now, long max_age,
    struct outcome_list *out, size_t *recomputed, char **cause)
{
	struct record_stamp_list stamps;
	char *want, *have = NULL;
	int64_t *ids = NULL;
	size_t count = 0;
	int all, rc = -1;

	memset(out, 0, sizeof *out);
	memset(&stamps, 0, sizeof stamps);
	want = record_fingerprint(people, opts);
	if (store_record_fingerprint(st, &have, cause) == -1 ||
	    store_record_stamps(st, &stamps, cause) == -1)
		goto out;
	all = strcmp(have, want) != 0;
	if (!all && store_record_load(st, out, cause) == -1)
		goto out;
	record_keep_listed(out, &stamps);
	/* The evaluations hold no lock: only the writes are a transaction. */
	if (record_update(st, people, opts, now, &stamps, all, max_age, out,
		&ids, &count, cause) == -1)
		goto out;
	if (store_record_writable(st) &&
	    record_store(st, want, all, out, ids, count, cause) == -1)
		goto out;
	if (all || count > 0)
		log_debug("record: %zu of %zu bugs evaluated", count, stamps.n);
	rc = 0;
out:
	if (recomputed != NULL)
		*recomputed = count;
	if (rc == -1)
		outcome_list_free(out);
	record_stamp_list_free(&stamps);
	free(ids);
	free(want);
	free(have);
	return rc;
}
