/*
 * Dates as people write them in Bugzilla: "2026-04-30", "2026/04/30",
 * "30-Apr-2026", "2023-Oct-27", "23.2.2024", "3-1-2023" (ambiguous),
 * "Apr. 1, 2026", "April 1st, 2026", "1 April 2026", and "April 10" or
 * "10th of April" with no year.  One reader for every place a date is read
 * (the whiteboard's Next update and [close on], Action Item due dates).
 * Pure: no I/O, no clock, no locale.
 */
#ifndef DATETEXT_H
#define DATETEXT_H

#include <stddef.h>
#include <time.h>

/* Longest date text read, in bytes. */
#define DATETEXT_MAX 64
/* A date without a year is the first such day from this many days back. */
#define DATETEXT_LOOKBACK_DAYS 30
/* Room for "YYYY-MM-DD" and its NUL. */
#define DATETEXT_ISO_LEN 11

/*
 * A date as written and as read.  When a numeric d-m-y/m-d-y date has two
 * valid, different readings, ambiguous is 1, year-mon-day holds the earlier
 * reading (the one deadlines use) and alt_* the later one; otherwise
 * ambiguous is 0 and alt_* equal year-mon-day.  year_inferred is 1 when
 * the text has no year (see datetext_read).
 */
struct datetext {
	char *raw; /* the date text as written: "2-Oct-2023"; allocated */
	int year, mon, day;
	int ambiguous;
	int alt_year, alt_mon, alt_day;
	int year_inferred;
};

enum datetext_result {
	DATETEXT_NONE,      /* nothing shaped like a date */
	DATETEXT_OK,        /* read into *out */
	DATETEXT_IMPOSSIBLE /* shaped like a date, but no such day */
};

/*
 * Read a date at the start of the n bytes at s (an optional weekday name
 * first: "Wed, April 1, 2026"), ending where a letter or digit does not
 * follow.  On DATETEXT_OK *out holds the reading (raw set to the text
 * read; clear it with datetext_clear) and *used the bytes read; on
 * DATETEXT_IMPOSSIBLE *used is the bytes of the date-shaped text.
 * Forms: year-month-day with '-', '/' or '.' and a number or month name
 * for the month; day-month-year and month-day-year with a month name and
 * '-', '/', '.' or spaces and commas between ("Apr. 1, 2026", "1st April
 * 2026"); day.month.year with numbers and dots; a-b-year with numbers and
 * '-' or '/', ambiguous when both a-b readings exist.  Month names are the
 * English names, their first three letters and "Sept", any case, with an
 * optional '.'; a day may carry "st", "nd", "rd" or "th".
 *
 * A date with no year ("April 10", "10 April", "April 1st") needs ref, the
 * moment the text was written: it reads as the first such day on or after
 * ref's UTC day less DATETEXT_LOOKBACK_DAYS, so a date written shortly
 * after it passed stays in the past rather than a year ahead.  With ref 0
 * such a text is not read (DATETEXT_NONE).
 */
enum datetext_result datetext_read(
    const char *s, size_t n, time_t ref, struct datetext *out, size_t *used);
/* Free the date's text and zero it; accepts NULL. */
void datetext_clear(struct datetext *);
/* Copy src into *dst (a new raw); dst need not be cleared. */
void datetext_copy(struct datetext *dst, const struct datetext *src);
/* Compare two dates by their first readings: <0, 0 or >0. */
int datetext_cmp(const struct datetext *, const struct datetext *);
/* Format year-mon-day as "YYYY-MM-DD" into buf (DATETEXT_ISO_LEN). */
char *datetext_format(int year, int mon, int day, char *buf);

#endif
