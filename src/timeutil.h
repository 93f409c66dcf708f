/*
 * Time: the now() seam that tests replace, ISO-8601 parsing and formatting
 * (always UTC), bounded number parsing, and the durations, times of day and
 * time zones of the configuration.
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
/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
long long timeutil_days(long long y, int m, int d);
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

/*
 * Parse "NUMBER[smhd]" at *sp into seconds (a bare number is seconds),
 * advancing *sp past it.  Returns 0, or -1 if no number starts there.
 */
int timeutil_parse_span(const char **sp, long long *out);
/*
 * Parsers of what a configuration names, each 0 or -1 with *cause: a
 * duration "24h" into seconds, a local time "08:00" into minutes after
 * midnight, a window "22:00-07:00" (it may wrap past midnight), and a time
 * zone (UTC, +HH:MM, or a name under /usr/share/zoneinfo).
 */
int timeutil_parse_duration(const char *, long long *seconds, char **cause);
int timeutil_parse_clock_time(const char *, int *minutes, char **cause);
int timeutil_parse_window(const char *, int *start, int *end, char **cause);
int timeutil_check_timezone(const char *, char **cause);
/* 1 for a zone that means UTC: NULL, "UTC" or "Z". */
int timeutil_zone_is_utc(const char *tz);
/* Seconds east of UTC of a "+HH:MM" or "-HH:MM" zone; 0, or -1 if not one. */
int timeutil_zone_offset(const char *tz, long *off);

#endif
