/*
 * Time zones by name, without the TZ environment variable: a fixed offset
 * ("UTC", "+02:00") or an IANA zone ("Europe/Berlin") read once from its
 * TZif file by tz.c, the one reader of zone files (with the POSIX TZ rule
 * of its footer for the years after the last transition).  A loaded zone
 * is immutable, so any thread may use it; nothing here calls setenv, tzset
 * or localtime.
 */
#ifndef ZONE_H
#define ZONE_H

#include <stddef.h>
#include <time.h>

struct zone;

/*
 * Load the zone spec names: "UTC" or "Z"; a fixed offset "+HH:MM" or
 * "-HH:MM" east of UTC (-12:00 to +14:00); or an IANA name such as
 * "Europe/Berlin" (letters, digits, '_', '-', '+', '/' between parts, no
 * ".." part), read by tz_read (tz.h) from $TZDIR or TZ_DIR.  Returns the
 * zone (free it with zone_free) or NULL with *cause set.
 */
struct zone *zone_load(const char *spec, char **cause);
/*
 * The zone named name from the bytes of a TZif file (versions 1 to 4;
 * zones with leap seconds are refused).  Returns it, or NULL with *cause.
 */
struct zone *zone_from_tzif(
    const char *name, const void *data, size_t len, char **cause);
/* A zone of a fixed offset, seconds east of UTC. */
struct zone *zone_fixed(long offset);
/* Free a zone; accepts NULL. */
void zone_free(struct zone *);
/* The spec the zone was loaded from ("UTC", "+02:00", "Europe/Berlin"). */
const char *zone_name(const struct zone *);

/* The zone's offset from UTC at t, seconds east; NULL is UTC. */
long zone_offset_at(const struct zone *, time_t t);
/* t broken down in the zone (tm_gmtoff and tm_isdst set); NULL is UTC. */
void zone_local(const struct zone *, time_t t, struct tm *out);
/*
 * The first instant whose local time in the zone is year-mon-day
 * hour:min:sec; when the clock skips that time (a daylight-saving gap), the
 * first instant after the gap.  -1 for an impossible date.  NULL is UTC.
 */
time_t zone_from_local(const struct zone *, int year, int mon, int day,
    int hour, int min, int sec);
/*
 * The last second of the local day year-mon-day: one second before the
 * next day starts, so 23:59:59 on most days, and the right second on days
 * that are 23 or 25 hours long.  -1 for an impossible date.
 */
time_t zone_day_end(const struct zone *, int year, int mon, int day);

#endif
