/*
 * The plan over time (see actionitems.h): each list a CA-side comment
 * posts restates the plan; its rows are matched to the items already
 * known, by folded description, then by number, and every change of
 * status or due date is kept with the comment that made it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems_int.h"
#include "xmalloc.h"

/* Start an empty plan. */
void
actionitems_plan_init(struct actionitem_plan *p)
{
	memset(p, 0, sizeof *p);
	p->current = -1;
	p->complete_since = -1;
}

/* Add a change to an item's history. */
static void
ai_change(struct actionitem *it, enum actionitem_what what, time_t t,
    int64_t comment, const char *from, const char *to)
{
	struct actionitem_change *c;

	it->history =
	    xreallocarray(it->history, it->nhistory + 1, sizeof *it->history);
	c = &it->history[it->nhistory++];
	c->what = what;
	c->time = t;
	c->comment = comment;
	c->from = from != NULL ? xstrdup(from) : NULL;
	c->to = to != NULL ? xstrdup(to) : NULL;
}

/* Add what a list said of an item (row NULL: the list left it out). */
static void
ai_listing(struct actionitem *it, time_t t, int64_t comment,
    const struct actionitem_row *row)
{
	struct actionitem_listing *l;

	it->listings = xreallocarray(
	    it->listings, it->nlistings + 1, sizeof *it->listings);
	l = &it->listings[it->nlistings++];
	memset(l, 0, sizeof *l);
	l->time = t;
	l->comment = comment;
	if (row == NULL)
		return;
	l->listed = 1;
	l->status = row->status;
	l->due_kind = row->due.kind;
	l->year = row->due.date.year;
	l->mon = row->due.date.mon;
	l->day = row->due.date.day;
}

/* The due date of a row as written, for a history line. */
static const char *
ai_due_words(const struct actionitem_row *r)
{
	return *r->due.text != '\0' ? r->due.text : "(none)";
}

/* The status of a row as written, for a history line. */
static const char *
ai_status_words(const struct actionitem_row *r)
{
	if (r->status_text == NULL)
		return "(no status column)";
	return *r->status_text != '\0' ? r->status_text : "(empty)";
}

/* 1 if two due dates read the same. */
static int
ai_due_same(const struct actionitem_due *a, const struct actionitem_due *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == ACTIONITEM_DUE_DATE || a->kind == ACTIONITEM_DUE_PERIOD)
		return datetext_cmp(&a->date, &b->date) == 0;
	if (a->kind == ACTIONITEM_DUE_UNREADABLE)
		return strcmp(a->text, b->text) == 0;
	return 1;
}

/* 1 if two statuses read the same (other words: the same words). */
static int
ai_status_same(const struct actionitem_row *a, const struct actionitem_row *b)
{
	char fa[128], fb[128];

	if (a->status != b->status)
		return 0;
	if (a->status != ACTIONITEM_OTHER)
		return 1;
	actionitems_fold(a->status_text, strlen(a->status_text), fa, sizeof fa);
	actionitems_fold(b->status_text, strlen(b->status_text), fb, sizeof fb);
	return strcmp(fa, fb) == 0;
}

/* FNV-1a, for the key of an item known by its description. */
static uint32_t
ai_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* 1 if the plan has an item of this key. */
static int
ai_key_used(const struct actionitem_plan *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->items[i].key, key) == 0)
			return 1;
	return 0;
}

/*
 * A new item from a row (which it takes over): its key is its number
 * when the list numbers its items once each, else a hash of its folded
 * description; a key in use gets "-2", "-3"...
 */
static void
ai_item_new(struct actionitem_plan *p, struct actionitem_row *row,
    const char *fold, time_t t, int64_t comment, int numbered)
{
	struct actionitem *it;
	char *base, *key, *first;
	int k;

	if (numbered && row->number != NULL)
		xasprintf(&base, "ai-%s", row->number);
	else
		xasprintf(&base, "d-%08x", (unsigned)ai_hash(fold));
	key = xstrdup(base);
	for (k = 2; ai_key_used(p, key); k++) {
		free(key);
		xasprintf(&key, "%s-%d", base, k);
	}
	free(base);
	p->items = xreallocarray(p->items, p->n + 1, sizeof *p->items);
	it = &p->items[p->n++];
	memset(it, 0, sizeof *it);
	it->key = key;
	it->fold = xstrdup(fold);
	it->row = *row;
	memset(row, 0, sizeof *row);
	it->first_seen = it->last_listed = t;
	it->first_comment = it->last_comment = comment;
	it->in_plan = 1;
	it->dropped_comment = -1;
	xasprintf(&first, "due %s, status %s", ai_due_words(&it->row),
	    ai_status_words(&it->row));
	ai_change(it, ACTIONITEM_FIRST_SEEN, t, comment, NULL, first);
	free(first);
	ai_listing(it, t, comment, &it->row);
}

/* Restate a known item from a row (which it takes over). */
static void
ai_item_update(struct actionitem *it, struct actionitem_row *row,
    const char *fold, time_t t, int64_t comment)
{
	if (!it->in_plan)
		ai_change(it, ACTIONITEM_RETURNED, t, comment, NULL, NULL);
	if (*fold != '\0' && strcmp(fold, it->fold) != 0) {
		ai_change(it, ACTIONITEM_DESCRIPTION, t, comment,
		    it->row.description, row->description);
		free(it->fold);
		it->fold = xstrdup(fold);
	}
	if (!ai_status_same(&it->row, row))
		ai_change(it, ACTIONITEM_STATUS, t, comment,
		    ai_status_words(&it->row), ai_status_words(row));
	if (!ai_due_same(&it->row.due, &row->due))
		ai_change(it, ACTIONITEM_DUE, t, comment,
		    ai_due_words(&it->row), ai_due_words(row));
	ai_row_free(&it->row);
	it->row = *row;
	memset(row, 0, sizeof *row);
	it->in_plan = 1;
	it->last_listed = t;
	it->last_comment = comment;
	it->dropped = 0;
	it->dropped_comment = -1;
	ai_listing(it, t, comment, &it->row);
}

/*
 * The item a row restates: the first unmatched one of the same folded
 * description (those in the plan before dropped ones), else of the same
 * number when numbered; -1 for a new item.
 */
static long
ai_match(const struct actionitem_plan *p, const struct actionitem_row *r,
    const char *fold, const char *matched, int numbered)
{
	const struct actionitem *it;
	long best = -1;
	size_t i;
	int pass;

	for (pass = 0; pass < 4 && best == -1; pass++) {
		if (pass >= 2 && (!numbered || r->number == NULL))
			break;
		if (pass < 2 && *fold == '\0')
			continue;
		for (i = 0; i < p->n && best == -1; i++) {
			it = &p->items[i];
			if (matched[i] || it->in_plan != !(pass % 2))
				continue;
			if (pass < 2 ? strcmp(it->fold, fold) == 0
				     : it->row.number != NULL &&
				    strcmp(it->row.number, r->number) == 0)
				best = (long)i;
		}
	}
	return best;
}

/* 1 when no two rows of a list share a number. */
static int
ai_numbers_unique(const struct actionitem_read *rd)
{
	size_t i, j;

	for (i = 0; i < rd->n; i++)
		for (j = i + 1; rd->rows[i].number != NULL && j < rd->n; j++)
			if (rd->rows[j].number != NULL &&
			    strcmp(rd->rows[i].number, rd->rows[j].number) == 0)
				return 0;
	return 1;
}

/* Drop the items of the plan that the list at t did not name. */
static void
ai_drop_unnamed(struct actionitem_plan *p, const char *matched, size_t n,
    time_t t, int64_t comment)
{
	struct actionitem *it;
	size_t i;

	for (i = 0; i < n; i++) {
		it = &p->items[i];
		if (matched[i] || !it->in_plan)
			continue;
		it->in_plan = 0;
		it->dropped = t;
		it->dropped_comment = comment;
		ai_change(it, ACTIONITEM_DROPPED, t, comment, NULL, NULL);
		ai_listing(it, t, comment, NULL);
	}
}

/* Note whether every item of the list is done. */
static void
ai_note_complete(struct actionitem_plan *p, const struct actionitem_read *rd,
    time_t t, int64_t comment)
{
	size_t i;

	for (i = 0; i < rd->n; i++)
		if (actionitems_is_open(rd->rows[i].status)) {
			p->complete_since = -1;
			p->complete_time = 0;
			return;
		}
	if (p->complete_since == -1) {
		p->complete_since = comment;
		p->complete_time = t;
	}
}

/* Read one comment into the plan; see actionitems.h. */
int
actionitems_plan_add(
    struct actionitem_plan *p, const char *text, time_t t, int64_t comment)
{
	struct actionitem_read rd;
	struct actionitem_row *r;
	char fold[ACTIONITEMS_MAX_CELL], *matched;
	size_t i, known = p->n;
	int numbered;
	long m;

	actionitems_read(text, t, &rd);
	for (i = 0; i < rd.warnings.n; i++)
		ai_warn(&p->warnings, "comment %lld: %s", (long long)comment,
		    rd.warnings.v[i]);
	if (rd.n == 0) {
		actionitems_read_free(&rd);
		return 0;
	}
	ai_note_complete(p, &rd, t, comment);
	numbered = ai_numbers_unique(&rd);
	matched = xcalloc(p->n + rd.n + 1, 1);
	for (i = 0; i < rd.n; i++) {
		r = &rd.rows[i];
		actionitems_fold(
		    r->description, strlen(r->description), fold, sizeof fold);
		m = ai_match(p, r, fold, matched, numbered);
		if (m >= 0) {
			matched[m] = 1;
			ai_item_update(&p->items[m], r, fold, t, comment);
		} else if (p->n < ACTIONITEMS_MAX_ITEMS) {
			matched[p->n] = 1;
			ai_item_new(p, r, fold, t, comment, numbered);
		} else
			ai_warn(&p->warnings,
			    "comment %lld: more than %d action items: '%.40s' "
			    "left out",
			    (long long)comment, ACTIONITEMS_MAX_ITEMS,
			    r->description);
	}
	ai_drop_unnamed(p, matched, known, t, comment);
	free(matched);
	p->lists++;
	p->current = comment;
	p->current_time = t;
	actionitems_read_free(&rd);
	return 1;
}

/* Free one item. */
static void
ai_item_free(struct actionitem *it)
{
	size_t i;

	free(it->key);
	free(it->fold);
	ai_row_free(&it->row);
	for (i = 0; i < it->nhistory; i++) {
		free(it->history[i].from);
		free(it->history[i].to);
	}
	free(it->history);
	free(it->listings);
}

/* Free a plan. */
void
actionitems_plan_free(struct actionitem_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		ai_item_free(&p->items[i]);
	free(p->items);
	strlist_free(&p->warnings);
	actionitems_plan_init(p);
}

/* 1 for a status that leaves an item open. */
int
actionitems_is_open(enum actionitem_status s)
{
	return s != ACTIONITEM_COMPLETE && s != ACTIONITEM_CANCELED;
}

/* The listing in force at t; see actionitems.h. */
const struct actionitem_listing *
actionitems_listing_at(const struct actionitem *it, time_t t)
{
	const struct actionitem_listing *l = NULL;
	size_t i;

	for (i = 0; i < it->nlistings && it->listings[i].time <= t; i++)
		l = &it->listings[i];
	return l;
}

/* The state of an item at now. */
enum actionitem_state
actionitems_state(const struct actionitem *it, time_t now, const struct zone *z)
{
	time_t end;

	if (!it->in_plan)
		return ACTIONITEM_STATE_DROPPED;
	if (it->row.status == ACTIONITEM_COMPLETE)
		return ACTIONITEM_STATE_COMPLETE;
	if (it->row.status == ACTIONITEM_CANCELED)
		return ACTIONITEM_STATE_CANCELED;
	end = actionitems_due_end(&it->row.due, z);
	if (end != -1 && now > end)
		return ACTIONITEM_STATE_OVERDUE;
	return ACTIONITEM_STATE_OPEN;
}

/* The state's name. */
const char *
actionitems_state_name(enum actionitem_state s)
{
	switch (s) {
	case ACTIONITEM_STATE_OPEN:
		return "open";
	case ACTIONITEM_STATE_OVERDUE:
		return "overdue";
	case ACTIONITEM_STATE_COMPLETE:
		return "complete";
	case ACTIONITEM_STATE_CANCELED:
		return "canceled";
	case ACTIONITEM_STATE_DROPPED:
		return "dropped";
	}
	return "open";
}

/* The change's name. */
const char *
actionitems_what_name(enum actionitem_what w)
{
	switch (w) {
	case ACTIONITEM_FIRST_SEEN:
		return "first-seen";
	case ACTIONITEM_STATUS:
		return "status";
	case ACTIONITEM_DUE:
		return "due";
	case ACTIONITEM_DESCRIPTION:
		return "description";
	case ACTIONITEM_DROPPED:
		return "dropped";
	case ACTIONITEM_RETURNED:
		return "returned";
	}
	return "status";
}
