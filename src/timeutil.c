/*
 * Time and number helpers: the clock seam, ISO 8601, bounded numbers, and
 * the durations, times of day and zones that the configuration names.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "tz.h"
#include "xmalloc.h"

static time_t timeutil_frozen;

/* Return the current time, or the frozen time of a test. */
time_t
timeutil_now(void)
{
	if (timeutil_frozen != 0)
		return timeutil_frozen;
	return time(NULL);
}

/* Freeze the clock; 0 thaws it. */
void
timeutil_set_now(time_t t)
{
	timeutil_frozen = t;
}

/* Return 1 for a leap year of the proleptic Gregorian calendar. */
static int
timeutil_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Return 1 if the date exists. */
int
timeutil_valid_date(int year, int mon, int day)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int n;

	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1)
		return 0;
	n = mdays[mon - 1];
	if (mon == 2 && timeutil_leap(year))
		n = 29;
	return day <= n;
}

/*
 * Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm), so no
 * time zone or locale can leak in as it would through mktime.
 */
long long
timeutil_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Convert a UTC civil time to seconds since the epoch. */
time_t
timeutil_from_civil(int year, int mon, int day, int hour, int min, int sec)
{
	if (!timeutil_valid_date(year, mon, day) || hour < 0 || hour > 23 ||
	    min < 0 || min > 59 || sec < 0 || sec > 60)
		return -1;
	return (time_t)(timeutil_days(year, mon, day) * 86400 +
	    (long long)hour * 3600 + (long long)min * 60 + sec);
}

/* Read exactly n digits at s into *out. */
static int
timeutil_digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse the three ISO forms Bugzilla accepts and emits. */
int
timeutil_parse_iso(const char *s, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = strlen(s);
	time_t t;

	if (len < 10 || timeutil_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    timeutil_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    timeutil_digits(s + 8, 2, &d) == -1)
		return -1;
	if (len == 10)
		goto done;
	if (len < 19 || (s[10] != 'T' && s[10] != ' ') ||
	    timeutil_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    timeutil_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    timeutil_digits(s + 17, 2, &se) == -1)
		return -1;
	if (len == 19 && s[10] == ' ')
		goto done;
	if (len != 20 || s[10] != 'T' || s[19] != 'Z')
		return -1;
done:
	t = timeutil_from_civil(y, mo, d, h, mi, se);
	if (t == -1)
		return -1;
	*out = t;
	return 0;
}

/* Format a time as Bugzilla does. */
char *
timeutil_format_iso(time_t t, char *buf)
{
	struct tm tm;

	/* A year past 9999 does not fit: strftime returns 0. */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, TIMEUTIL_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, TIMEUTIL_ISO_LEN, "invalid");
	return buf;
}

/* Return 23:59:59 UTC of t's day. */
time_t
timeutil_end_of_day(time_t t)
{
	time_t day = t - ((t % 86400) + 86400) % 86400;

	return day + 86399;
}

/* Parse a bounded decimal integer, like OpenBSD's strtonum. */
int
timeutil_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char *end;
	long long v;

	errno = 0;
	if (*s == '\0' || isspace((unsigned char)*s)) {
		*errstr = "invalid";
		return -1;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	*errstr = NULL;
	return 0;
}

/* Parse "NUMBER[smhd]" at *sp into seconds, advancing *sp. */
int
timeutil_parse_span(const char **sp, long long *out)
{
	const char *s = *sp;
	long long n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (n > 100000000)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	switch (*s) {
	case 's':
		s++;
		break;
	case 'm':
		n *= 60;
		s++;
		break;
	case 'h':
		n *= 3600;
		s++;
		break;
	case 'd':
		n *= 86400;
		s++;
		break;
	default:
		break;
	}
	*out = n;
	*sp = s;
	return 0;
}

/* Parse a duration such as "24h", "90m", "2d" or "3600" (seconds). */
int
timeutil_parse_duration(const char *s, long long *seconds, char **cause)
{
	const char *p = s;

	if (timeutil_parse_span(&p, seconds) == -1 || *p != '\0') {
		xasprintf(
		    cause, "\"%s\" is not a duration like 24h, 90m or 2d", s);
		return -1;
	}
	return 0;
}

/* Parse "HH:MM" at *sp into minutes after midnight, advancing *sp. */
static int
timeutil_parse_hhmm(const char **sp, int *out)
{
	const char *s = *sp;
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*out = h * 60 + m;
	*sp = s + 5;
	return 0;
}

/* Parse a local time "08:00". */
int
timeutil_parse_clock_time(const char *s, int *minutes, char **cause)
{
	const char *p = s;

	if (timeutil_parse_hhmm(&p, minutes) == -1 || *p != '\0') {
		xasprintf(cause, "\"%s\" is not a time of day HH:MM", s);
		return -1;
	}
	return 0;
}

/* Parse a window "22:00-07:00" (it may wrap past midnight). */
int
timeutil_parse_window(const char *s, int *start, int *end, char **cause)
{
	const char *p = s;

	if (timeutil_parse_hhmm(&p, start) == -1 || *p++ != '-' ||
	    timeutil_parse_hhmm(&p, end) == -1 || *p != '\0' ||
	    *start == *end) {
		xasprintf(cause,
		    "\"%s\" is not a window HH:MM-HH:MM of two different times",
		    s);
		return -1;
	}
	return 0;
}

/* Seconds east of UTC of a "+HH:MM" zone; 0, or -1 if it is not one. */
int
timeutil_zone_offset(const char *tz, long *off)
{
	const char *p = tz + 1;
	int m;

	if ((tz[0] != '+' && tz[0] != '-') ||
	    timeutil_parse_hhmm(&p, &m) == -1 || *p != '\0')
		return -1;
	*off = (tz[0] == '-' ? -60L : 60L) * m;
	return 0;
}

/* 1 for the zones that mean UTC. */
int
timeutil_zone_is_utc(const char *tz)
{
	return tz == NULL || strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0;
}

/* Check a zone: UTC, +HH:MM, or a readable file under /usr/share/zoneinfo. */
int
timeutil_check_timezone(const char *tz, char **cause)
{
	char *why = NULL;
	long off;

	if (timeutil_zone_is_utc(tz) || timeutil_zone_offset(tz, &off) == 0)
		return 0;
	if (tz_get(tz, &why) != NULL)
		return 0;
	if (cause != NULL)
		*cause = why; /* the name, or the file, and why */
	else
		free(why);
	return -1;
}
