/*
 * libFuzzer target: any bytes as comments through the Action Items reader
 * and the plan.  The input is cut at form feeds into comments posted a day
 * apart; each is read alone, then all of them into one plan, and every item
 * is looked for in every comment.  Aborts when a row has no description,
 * a status or due kind out of range, a due date that is no calendar day, a
 * row count over its limit; when the plan's keys repeat, an item's history
 * does not start with its first listing, or its listings go back in time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The first comment's time: 2026-01-05 (a date without a year reads). */
#define FUZZ_T0 ((time_t)1767571200)
/* Comments read from one input. */
#define FUZZ_MAX_COMMENTS 16

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Check what one comment lists. */
static void
fuzz_check_read(const struct actionitem_read *rd)
{
	const struct actionitem_row *r;
	size_t i;

	if (rd->n > ACTIONITEMS_MAX_ROWS)
		abort();
	for (i = 0; i < rd->n; i++) {
		r = &rd->rows[i];
		if (r->description == NULL || *r->description == '\0' ||
		    (int)r->status < ACTIONITEM_NONE ||
		    r->status > ACTIONITEM_OTHER ||
		    (int)r->due.kind < ACTIONITEM_DUE_NONE ||
		    r->due.kind > ACTIONITEM_DUE_UNREADABLE || r->table < 0 ||
		    r->table >= rd->tables || r->line < 1)
			abort();
		if ((r->due.kind == ACTIONITEM_DUE_DATE ||
			r->due.kind == ACTIONITEM_DUE_PERIOD) &&
		    !timeutil_valid_date(
			r->due.date.year, r->due.date.mon, r->due.date.day))
			abort();
	}
}

/* Check the plan and look for each item in each comment. */
static void
fuzz_check_plan(const struct actionitem_plan *p, char **texts, size_t n)
{
	const struct actionitem *it;
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		it = &p->items[i];
		if (it->nhistory == 0 || it->nlistings == 0 ||
		    it->history[0].what != ACTIONITEM_FIRST_SEEN ||
		    it->first_seen > it->last_listed)
			abort();
		for (j = i + 1; j < p->n; j++)
			if (strcmp(it->key, p->items[j].key) == 0)
				abort();
		for (j = 1; j < it->nlistings; j++)
			if (it->listings[j].time < it->listings[j - 1].time)
				abort();
		for (j = 0; j < n; j++)
			(void)actionitems_mentions(texts[j], it);
	}
}

/* Read one input (cut at its first NUL, as a C string is). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct actionitem_read rd;
	struct actionitem_plan plan;
	char *text, *texts[FUZZ_MAX_COMMENTS], *p, *ff;
	size_t n = 0, i;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; p != NULL && n < FUZZ_MAX_COMMENTS; p = ff) {
		ff = strchr(p, '\f');
		if (ff != NULL)
			*ff++ = '\0';
		texts[n++] = p;
	}
	actionitems_plan_init(&plan);
	for (i = 0; i < n; i++) {
		actionitems_read(texts[i], FUZZ_T0 + (time_t)i * 86400, &rd);
		fuzz_check_read(&rd);
		actionitems_read_free(&rd);
		actionitems_plan_add(
		    &plan, texts[i], FUZZ_T0 + (time_t)i * 86400, (int64_t)i);
	}
	fuzz_check_plan(&plan, texts, n);
	actionitems_plan_free(&plan);
	free(text);
	return 0;
}
