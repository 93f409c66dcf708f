/*
 * Time: the now() seam that tests replace, ISO-8601 parsing and formatting
 * (always UTC), and bounded number parsing.
 */
#ifndef TIMEUTIL_H
#define TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds since the epoch; tests replace the clock with timeutil_set_now. */
time_t timeutil_now(void);
/* Freeze the clock at t; 0 returns to the system clock. */
void timeutil_set_now(time_t t);

/* Room for "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TIMEUTIL_ISO_LEN 21

/*
 * Parse "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (UTC) or "YYYY-MM-DD"
 * (midnight UTC) into *out.  Returns 0, or -1 if s is not one of those forms
 * or names an impossible date.
 */
int timeutil_parse_iso(const char *s, time_t *out);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (TIMEUTIL_ISO_LEN); returns buf.
 */
char *timeutil_format_iso(time_t t, char *buf);
/* Seconds since the epoch of a UTC civil date and time; -1 if impossible. */
time_t timeutil_from_civil(
    int year, int mon, int day, int hour, int min, int sec);
/* 1 if year-mon-day is a real calendar date. */
int timeutil_valid_date(int year, int mon, int day);
/* The last second (23:59:59) of the UTC day that contains t. */
time_t timeutil_end_of_day(time_t t);

/*
 * Parse a decimal integer in [min, max] that fills all of s.  Returns 0, or
 * -1 with *errstr set to "invalid", "too small" or "too large".
 */
int timeutil_strtonum(const char *s, long long min, long long max,
    long long *out, const char **errstr);

#endif
