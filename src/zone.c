/*
 * Time zones by name (see zone.h): a fixed offset, or an IANA zone read by
 * tz.c, the one reader of zone files.  This file only names zones and turns
 * local dates into instants; a loaded zone is immutable.
 */
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "tz.h"
#include "xmalloc.h"
#include "zone.h"

#define ZONE_HOUR 3600L
#define ZONE_DAY  86400L

struct zone {
	char *name;
	long fixed;    /* seconds east, when tz is NULL */
	struct tz *tz; /* an IANA zone, or NULL */
};

/* A zone of a fixed offset. */
struct zone *
zone_fixed(long offset)
{
	struct zone *z = xcalloc(1, sizeof *z);
	long a = offset < 0 ? -offset : offset;

	z->fixed = offset;
	if (offset == 0)
		z->name = xstrdup("UTC");
	else
		xasprintf(&z->name, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
		    a / ZONE_HOUR, (a % ZONE_HOUR) / 60);
	return z;
}

/* Free a zone. */
void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	tz_free(z->tz);
	free(z);
}

/* The zone's name. */
const char *
zone_name(const struct zone *z)
{
	return z != NULL ? z->name : "UTC";
}

/* Parse TZif bytes; see zone.h. */
struct zone *
zone_from_tzif(const char *name, const void *data, size_t len, char **cause)
{
	struct zone *z;
	struct tz *tz;
	char *why = NULL;

	tz = tz_parse(data, len, &why);
	if (tz == NULL) {
		xasprintf(cause, "zone %s: %s", name, why);
		free(why);
		return NULL;
	}
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	z->tz = tz;
	return z;
}

/* Parse "+HH:MM" or "-HH:MM" (up to 14:00) as seconds east. */
static int
zone_parse_offset(const char *s, long *out)
{
	int h, m;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
	    s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' ||
	    s[4] < '0' || s[4] > '5' || s[5] < '0' || s[5] > '9')
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	if (h > 14 || (h == 14 && m > 0))
		return -1;
	*out = (s[0] == '-' ? -1L : 1L) * (h * ZONE_HOUR + m * 60L);
	return 0;
}

/* Load a zone; see zone.h. */
struct zone *
zone_load(const char *spec, char **cause)
{
	struct zone *z;
	struct tz *tz;
	long off;

	if (strcmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0)
		return zone_fixed(0);
	if (spec[0] == '+' || spec[0] == '-') {
		if (zone_parse_offset(spec, &off) == 0)
			return zone_fixed(off);
		xasprintf(cause,
		    "\"%.64s\" is not an offset like +02:00 (-14:00 to +14:00)",
		    spec);
		return NULL;
	}
	tz = tz_read(spec, cause);
	if (tz == NULL)
		return NULL;
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(spec);
	z->tz = tz;
	return z;
}

/* The offset at t. */
long
zone_offset_at(const struct zone *z, time_t t)
{
	if (z == NULL)
		return 0;
	return z->tz != NULL ? tz_offset(z->tz, t) : z->fixed;
}

/* t broken down in the zone. */
void
zone_local(const struct zone *z, time_t t, struct tm *out)
{
	time_t u;

	memset(out, 0, sizeof *out);
	if (z != NULL && z->tz != NULL) {
		if (tz_localtime(z->tz, t, out) == -1)
			memset(out, 0, sizeof *out);
		return;
	}
	u = t + zone_offset_at(z, t);
	if (gmtime_r(&u, out) == NULL)
		memset(out, 0, sizeof *out);
	out->tm_gmtoff = zone_offset_at(z, t);
	out->tm_zone = NULL;
}

/* The first instant whose local time is the local seconds l. */
static time_t
zone_from_seconds(const struct zone *z, time_t l)
{
	if (z != NULL && z->tz != NULL)
		return tz_from_local(z->tz, l);
	return l - zone_offset_at(z, l);
}

/* A local time to an instant; see zone.h. */
time_t
zone_from_local(const struct zone *z, int year, int mon, int day, int hour,
    int min, int sec)
{
	time_t l = timeutil_from_civil(year, mon, day, hour, min, sec);

	if (l == -1)
		return -1;
	return zone_from_seconds(z, l);
}

/* The last second of a local day; see zone.h. */
time_t
zone_day_end(const struct zone *z, int year, int mon, int day)
{
	time_t l = timeutil_from_civil(year, mon, day, 0, 0, 0);

	if (l == -1)
		return -1;
	return zone_from_seconds(z, l + ZONE_DAY) - 1;
}
