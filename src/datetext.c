/*
 * The date reader (see datetext.h).  A date is two or three parts, each a
 * number or a month name, with one kind of separator between them; the
 * parts' shapes decide which is the year, the month and the day.
 * Character classes are ASCII and written out here, so no locale can
 * change what is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "ccwatch.h"
#include "datetext.h"
#include "timeutil.h"
#include "xmalloc.h"

/* One part of a written date: a number or a month name. */
struct dt_part {
	int ismonth;
	int val; /* the number, or the month 1-12 */
	int ndigits;
	int ordinal; /* a number with "st", "nd", "rd" or "th" */
};

static const char *dt_months[] = {"january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november",
    "december"};
static const char *dt_weekdays[] = {"monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday"};

/* Return 1 for ASCII white space or a comma: what separates words. */
static int
dt_isgap(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == ',';
}

/* 1 if the n letters at s are name, its first three letters or, when
 * four is allowed, its first four ("Sept", "Tues", "Thur"). */
static int
dt_name_is(const char *s, size_t n, const char *name, int four)
{
	size_t i, nl = strlen(name);

	if (n != 3 && n != nl && !(four && n == 4))
		return 0;
	for (i = 0; i < n; i++)
		if (ascii_tolower(s[i]) != name[i])
			return 0;
	return 1;
}

/* The month (1-12) named by the n letters at s, or 0. */
static int
dt_month(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(dt_months); i++)
		if (dt_name_is(s, n, dt_months[i], i == 8))
			return (int)i + 1;
	return 0;
}

/* 1 if the n letters at s name a weekday ("Wed", "Thurs", "Friday"). */
static int
dt_weekday(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(dt_weekdays); i++) {
		if (dt_name_is(s, n, dt_weekdays[i], i == 1 || i == 3))
			return 1;
		if (i == 3 && n == 5 && dt_name_is(s, 4, "thur", 1) &&
		    ascii_tolower(s[4]) == 's')
			return 1;
	}
	return 0;
}

/* The length of the run of letters at s[pos] (at most 16). */
static size_t
dt_letters(const char *s, size_t n, size_t pos)
{
	size_t i = pos;

	while (i < n && ascii_isalpha(s[i]) && i - pos < 16)
		i++;
	return i - pos;
}

/* Skip a leading weekday name, its '.' and the gap after it. */
static size_t
dt_skip_weekday(const char *s, size_t n)
{
	size_t k = dt_letters(s, n, 0), i;

	if (k == 0 || !dt_weekday(s, k))
		return 0;
	i = k;
	if (i < n && s[i] == '.')
		i++;
	if (i >= n || !dt_isgap(s[i]))
		return 0;
	while (i < n && dt_isgap(s[i]))
		i++;
	return i;
}

/*
 * Read one date part at s[*pos]: 1 to 4 digits (with an ordinal suffix on
 * 1 or 2), or a month name with an optional '.' before a gap or the end.
 */
static int
dt_read_part(const char *s, size_t n, size_t *pos, struct dt_part *p)
{
	size_t i = *pos, start = *pos, k;

	memset(p, 0, sizeof *p);
	if (i < n && ascii_isdigit(s[i])) {
		for (; i < n && ascii_isdigit(s[i]); i++) {
			if (i - start == 4)
				return -1;
			p->val = p->val * 10 + (s[i] - '0');
		}
		p->ndigits = (int)(i - start);
		k = dt_letters(s, n, i);
		if (k == 2 && p->ndigits <= 2 &&
		    (dt_name_is(s + i, 2, "st", 0) ||
			dt_name_is(s + i, 2, "nd", 0) ||
			dt_name_is(s + i, 2, "rd", 0) ||
			dt_name_is(s + i, 2, "th", 0))) {
			p->ordinal = 1;
			i += 2;
		}
	} else {
		k = dt_letters(s, n, i);
		p->ismonth = 1;
		p->val = dt_month(s + i, k);
		if (p->val == 0)
			return -1;
		i += k;
		if (i < n && s[i] == '.' && (i + 1 == n || dt_isgap(s[i + 1])))
			i++;
	}
	*pos = i;
	return 0;
}

/*
 * Read the separator at s[*pos]: '-', '/' or '.' as itself; a run of
 * spaces and commas, with an optional "of" in it ("10th of April"), as
 * ' '; 0 if there is none.
 */
static char
dt_read_sep(const char *s, size_t n, size_t *pos)
{
	size_t i = *pos;

	if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
		*pos = i + 1;
		return s[i];
	}
	while (i < n && dt_isgap(s[i]))
		i++;
	if (i == *pos)
		return 0;
	if (i + 2 < n && dt_name_is(s + i, 2, "of", 0) && dt_isgap(s[i + 2])) {
		i += 2;
		while (i < n && dt_isgap(s[i]))
			i++;
	}
	*pos = i;
	return ' ';
}

/* Set d to one reading, if that day exists. */
static enum datetext_result
dt_set(struct datetext *d, int year, int mon, int day)
{
	if (!timeutil_valid_date(year, mon, day))
		return DATETEXT_IMPOSSIBLE;
	d->year = d->alt_year = year;
	d->mon = d->alt_mon = mon;
	d->day = d->alt_day = day;
	d->ambiguous = 0;
	return DATETEXT_OK;
}

/*
 * Set d from a numeric a-b-year date, read as day-month (a-b) or
 * month-day.  When both readings exist and differ, the date is ambiguous:
 * d holds the earlier, which, in one year, is the one with the lower month.
 */
static enum datetext_result
dt_set_either(struct datetext *d, int year, int a, int b)
{
	int dmy = timeutil_valid_date(year, b, a);
	int mdy = timeutil_valid_date(year, a, b);

	if (!dmy || !mdy || a == b)
		return dmy ? dt_set(d, year, b, a) : dt_set(d, year, a, b);
	dt_set(d, year, a < b ? a : b, a < b ? b : a);
	d->alt_mon = d->day;
	d->alt_day = d->mon;
	d->ambiguous = 1;
	return DATETEXT_OK;
}

/* 1 for a part that can be a day: a number of 1 or 2 digits. */
static int
dt_day(const struct dt_part *p)
{
	return !p->ismonth && p->ndigits <= 2;
}

/* 1 for a part that can be a year: 4 digits, no ordinal. */
static int
dt_year(const struct dt_part *p)
{
	return !p->ismonth && p->ndigits == 4 && !p->ordinal;
}

/* 1 for a part that can be a month: a name, or 1 or 2 plain digits. */
static int
dt_mon(const struct dt_part *p)
{
	return p->ismonth || (p->ndigits <= 2 && !p->ordinal);
}

/* Give three parts their meaning: which is the year, the month, the day. */
static enum datetext_result
dt_interpret3(const struct dt_part *p, char sep, struct datetext *d)
{
	/* Spaces separate only around a month name: "2 Oct 2023". */
	if (sep == ' ' && !p[0].ismonth && !p[1].ismonth)
		return DATETEXT_NONE;
	if (dt_year(&p[0]) && dt_mon(&p[1]) && dt_day(&p[2]))
		return dt_set(d, p[0].val, p[1].val, p[2].val);
	if (!dt_year(&p[2]))
		return DATETEXT_NONE;
	if (dt_day(&p[0]) && p[1].ismonth)
		return dt_set(d, p[2].val, p[1].val, p[0].val);
	if (p[0].ismonth && dt_day(&p[1]))
		return dt_set(d, p[2].val, p[0].val, p[1].val);
	if (dt_day(&p[0]) && dt_day(&p[1]) && !p[0].ordinal && !p[1].ordinal) {
		/* Dotted dates are day.month.year ("23.2.2024"). */
		if (sep == '.')
			return dt_set(d, p[2].val, p[1].val, p[0].val);
		return dt_set_either(d, p[2].val, p[0].val, p[1].val);
	}
	return DATETEXT_NONE;
}

/*
 * The first day mon-day on or after ref's UTC day less the look-back, up
 * to eight years on (a 29 February waits for a leap year).
 */
static enum datetext_result
dt_infer(int mon, int day, time_t ref, struct datetext *d)
{
	struct tm tm;
	time_t from = ref - (time_t)DATETEXT_LOOKBACK_DAYS * 86400;
	int y;

	if (ref <= 0 || gmtime_r(&from, &tm) == NULL)
		return DATETEXT_NONE;
	for (y = tm.tm_year + 1900; y <= tm.tm_year + 1900 + 8; y++) {
		if (!timeutil_valid_date(y, mon, day))
			continue;
		if (y == tm.tm_year + 1900 &&
		    (mon < tm.tm_mon + 1 ||
			(mon == tm.tm_mon + 1 && day < tm.tm_mday)))
			continue;
		dt_set(d, y, mon, day);
		d->year_inferred = 1;
		return DATETEXT_OK;
	}
	return DATETEXT_IMPOSSIBLE;
}

/* Give two parts (a month name and a day) their meaning. */
static enum datetext_result
dt_interpret2(const struct dt_part *p, time_t ref, struct datetext *d)
{
	if (p[0].ismonth && dt_day(&p[1]))
		return dt_infer(p[0].val, p[1].val, ref, d);
	if (dt_day(&p[0]) && p[1].ismonth)
		return dt_infer(p[1].val, p[0].val, ref, d);
	return DATETEXT_NONE;
}

/* 1 if s[pos] (n bytes) ends a date: the end, or not a letter or digit. */
static int
dt_ends(const char *s, size_t n, size_t pos)
{
	return pos >= n || !(ascii_isalpha(s[pos]) || ascii_isdigit(s[pos]));
}

/* Read a date; see datetext.h. */
enum datetext_result
datetext_read(
    const char *s, size_t n, time_t ref, struct datetext *out, size_t *used)
{
	struct dt_part p[3];
	struct datetext d;
	enum datetext_result r;
	size_t pos, two;
	char sep0, sep1;

	memset(&d, 0, sizeof d);
	*used = 0;
	if (n > DATETEXT_MAX)
		n = DATETEXT_MAX;
	pos = dt_skip_weekday(s, n);
	if (dt_read_part(s, n, &pos, &p[0]) == -1)
		return DATETEXT_NONE;
	sep0 = dt_read_sep(s, n, &pos);
	if (sep0 == 0 || dt_read_part(s, n, &pos, &p[1]) == -1)
		return DATETEXT_NONE;
	two = pos;
	sep1 = dt_read_sep(s, n, &pos);
	if (sep1 == sep0 && dt_read_part(s, n, &pos, &p[2]) == 0) {
		/* A third part commits to a three-part date. */
		if (!dt_ends(s, n, pos))
			return DATETEXT_NONE;
		r = dt_interpret3(p, sep0, &d);
	} else {
		pos = two;
		if (!dt_ends(s, n, pos))
			return DATETEXT_NONE;
		r = dt_interpret2(p, ref, &d);
	}
	if (r == DATETEXT_NONE)
		return r;
	*used = pos;
	if (r == DATETEXT_OK) {
		d.raw = xstrndup(s, pos);
		*out = d;
	}
	return r;
}

/* Free a date's text and zero it. */
void
datetext_clear(struct datetext *d)
{
	if (d == NULL)
		return;
	free(d->raw);
	memset(d, 0, sizeof *d);
}

/* Copy a date. */
void
datetext_copy(struct datetext *dst, const struct datetext *src)
{
	*dst = *src;
	dst->raw = src->raw != NULL ? xstrdup(src->raw) : NULL;
}

/* Compare two dates by their first readings. */
int
datetext_cmp(const struct datetext *a, const struct datetext *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->mon != b->mon)
		return a->mon < b->mon ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

/* Format a date as YYYY-MM-DD. */
char *
datetext_format(int year, int mon, int day, char *buf)
{
	snprintf(buf, DATETEXT_ISO_LEN, "%04u-%02u-%02u",
	    (unsigned)year % 10000, (unsigned)mon % 100, (unsigned)day % 100);
	return buf;
}
