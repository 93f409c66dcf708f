/*
 * The due date cell of an Action Items table (see actionitems.h): a date,
 * a period, a range or a changed date read from it, TBD, none, or what
 * could not be read, with the warnings that say how it was read.
 */
#include <stdlib.h>
#include <string.h>

#include "actionitems_int.h"
#include "ccwatch.h"
#include "timeutil.h"
#include "xmalloc.h"

/* 1 if the cleaned due cell says the date is still to be set. */
static int
ai_is_tbd(const char *s)
{
	char fold[64];
	const char *p;

	actionitems_fold(s, strlen(s), fold, sizeof fold);
	if (strcmp(fold, "tbd") == 0 || strcmp(fold, "tbc") == 0 ||
	    strcmp(fold, "tba") == 0)
		return 1;
	for (p = fold; *p != '\0'; p++) {
		if ((p == fold || p[-1] == ' ') &&
		    (strncmp(p, "tbd", 3) == 0 || strncmp(p, "tbc", 3) == 0 ||
			strncmp(p, "to be determined", 16) == 0 ||
			strncmp(p, "to be confirmed", 15) == 0 ||
			strncmp(p, "to be decided", 13) == 0))
			return 1;
	}
	return 0;
}

/* 1 if the cleaned due cell gives no date on purpose. */
static int
ai_is_none(const char *s)
{
	char fold[32];

	if (*s == '\0' || strcmp(s, "-") == 0 || strcmp(s, "--") == 0 ||
	    strcmp(s, "\xe2\x80\x94") == 0 || strcmp(s, "\xe2\x80\x93") == 0)
		return 1;
	actionitems_fold(s, strlen(s), fold, sizeof fold);
	return strcmp(fold, "n a") == 0 || strcmp(fold, "na") == 0 ||
	    strcmp(fold, "none") == 0;
}

/* Warn about how a due date was read. */
static void
ai_due_warn(
    const struct actionitem_due *d, int found, int period, struct strlist *w)
{
	char a[DATETEXT_ISO_LEN], b[DATETEXT_ISO_LEN];
	const struct datetext *t = &d->date;

	if (!period && !t->ambiguous && !t->year_inferred && found <= 1)
		return;
	datetext_format(t->year, t->mon, t->day, a);
	if (period)
		ai_warn(w,
		    "due date '%.*s' is a period: read as its last day, %s",
		    (int)strnlen(t->raw, 64), t->raw, a);
	if (t->ambiguous)
		ai_warn(w, "ambiguous due date '%s' (%s or %s); using %s",
		    t->raw, a,
		    datetext_format(t->alt_year, t->alt_mon, t->alt_day, b), a);
	if (t->year_inferred)
		ai_warn(w,
		    "due date '%s' has no year; read as %s, the first such "
		    "day from %d days before the comment",
		    t->raw, a, DATETEXT_LOOKBACK_DAYS);
	if (found > 1)
		ai_warn(w,
		    "due date cell '%.*s' holds %d dates; using the first, "
		    "'%s'",
		    (int)strnlen(d->text, 80), d->text, found, t->raw);
}

/* How the text between two dates of a due date cell joins them. */
enum ai_join {
	AI_JOIN_NONE,  /* not at all: several dates */
	AI_JOIN_RANGE, /* "-", "to", "~": a range, due at its end */
	AI_JOIN_CHANGE /* an arrow, "now", "moved to": the new date */
};

/* 1 if the folded text f is word or ends with it as whole words. */
static int
ai_ends_with(const char *f, const char *word)
{
	size_t n = strlen(f), w = strlen(word);

	return n >= w && strcmp(f + n - w, word) == 0 &&
	    (n == w || f[n - w - 1] == ' ');
}

/* How the n bytes at s, between two dates, join them. */
static enum ai_join
ai_join(const char *s, size_t n)
{
	static const char *const range[] = {"-", "~", "to", "through", "thru",
	    "until", "till", "\xe2\x80\x93", "\xe2\x80\x94"};
	static const char *const arrows[] = {
	    "->", "=>", "-->", "\xe2\x86\x92", "\xe2\x87\x92", "\xe2\x9f\xb6"};
	static const char *const change[] = {"now", "new", "new date",
	    "new due date", "revised to", "moved to", "extended to",
	    "changed to", "postponed to", "updated to", "rescheduled to"};
	char f[64];
	size_t i;

	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	for (i = 0; i < CCWATCH_NELEM(range); i++)
		if (n == strlen(range[i]) && ai_word_is(s, n, range[i]))
			return AI_JOIN_RANGE;
	for (i = 0; i < CCWATCH_NELEM(arrows); i++)
		if (n == strlen(arrows[i]) && memcmp(s, arrows[i], n) == 0)
			return AI_JOIN_CHANGE;
	if (n >= sizeof f)
		return AI_JOIN_NONE;
	actionitems_fold(s, n, f, sizeof f);
	for (i = 0; i < CCWATCH_NELEM(change); i++)
		if (ai_ends_with(f, change[i]))
			return AI_JOIN_CHANGE;
	return AI_JOIN_NONE;
}

/*
 * A due date cell holding two dates that a range or a change joins: a
 * range ("2026-04-01 to 2026-06-30") is read as its end, the later date;
 * a change ("2026-02-28 -> 2026-03-31", "2026-02-28, now 2026-03-31") as
 * the new date; each with a warning.  The first date was read at at into
 * out->date.  Returns 1 when the cell is either.
 */
static int
ai_two_dates(struct actionitem_due *out, size_t at, time_t written,
    struct strlist *warnings)
{
	struct datetext end;
	const char *t = out->text;
	size_t from = at + strlen(out->date.raw), at2, len = strlen(t);
	int period, n;
	enum ai_join j;
	char a[DATETEXT_ISO_LEN];

	if (from > len || out->date.raw[0] == '\0')
		return 0;
	n = ai_find_dates(
	    t + from, len - from, written, 1, &end, &at2, &period, NULL);
	j = n == 1 ? ai_join(t + from, at2) : AI_JOIN_NONE;
	if (j == AI_JOIN_NONE ||
	    datetext_format(end.year, end.mon, end.day, a) == NULL ||
	    (j == AI_JOIN_RANGE &&
		end.year * 10000 + end.mon * 100 + end.day <
		    out->date.year * 10000 + out->date.mon * 100 +
			out->date.day)) {
		datetext_clear(&end);
		return 0;
	}
	datetext_clear(&out->date);
	out->date = end;
	if (j == AI_JOIN_RANGE) {
		out->kind = ACTIONITEM_DUE_PERIOD;
		ai_warn(warnings,
		    "due date '%.*s' is a range: read as its end, %s",
		    (int)strnlen(out->text, 80), out->text, a);
	} else {
		out->kind =
		    period ? ACTIONITEM_DUE_PERIOD : ACTIONITEM_DUE_DATE;
		ai_warn(warnings,
		    "due date '%.*s' was changed: read as the new date, %s",
		    (int)strnlen(out->text, 80), out->text, a);
	}
	ai_due_warn(out, 1, period, warnings);
	return 1;
}

/* Read a due date cell; see actionitems.h. */
void
actionitems_due(const char *s, size_t len, time_t written,
    struct actionitem_due *out, struct strlist *warnings)
{
	size_t at;
	int found, period, impossible = 0;

	memset(out, 0, sizeof *out);
	out->text = ai_clean_dup(s, len, 1);
	if (ai_is_none(out->text)) {
		out->kind = ACTIONITEM_DUE_NONE;
		return;
	}
	found = ai_find_dates(out->text, strlen(out->text), written, 1,
	    &out->date, &at, &period, &impossible);
	if (found == 2 && ai_two_dates(out, at, written, warnings))
		return;
	if (found > 0) {
		out->kind =
		    period ? ACTIONITEM_DUE_PERIOD : ACTIONITEM_DUE_DATE;
		ai_due_warn(out, found, period, warnings);
		return;
	}
	if (ai_is_tbd(out->text)) {
		out->kind = ACTIONITEM_DUE_TBD;
		ai_warn(warnings,
		    "due date '%.*s' is to be determined: no deadline runs "
		    "until a date is given",
		    (int)strnlen(out->text, 80), out->text);
		return;
	}
	out->kind = ACTIONITEM_DUE_UNREADABLE;
	ai_warn(warnings, "%s due date '%.*s': no deadline runs",
	    impossible > 0 ? "impossible" : "cannot read",
	    (int)strnlen(out->text, 80), out->text);
}

/* Free a due date. */
void
actionitems_due_free(struct actionitem_due *d)
{
	if (d == NULL)
		return;
	free(d->text);
	datetext_clear(&d->date);
	memset(d, 0, sizeof *d);
}

/* The end of a due date's day; see actionitems.h. */
time_t
actionitems_due_end(const struct actionitem_due *d, const struct zone *z)
{
	if (d->kind != ACTIONITEM_DUE_DATE && d->kind != ACTIONITEM_DUE_PERIOD)
		return -1;
	return zone_day_end(z, d->date.year, d->date.mon, d->date.day);
}
