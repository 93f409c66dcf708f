/*
 * Time zones without TZ: a small reader of TZif files (RFC 8536, versions
 * 1 to 4) under /usr/share/zoneinfo, with the POSIX rule of the footer for
 * the times past the last transition.  Zones are loaded once and kept; the
 * calls are safe from any thread, since nothing touches the environment,
 * tzset or the C library's shared zone state.
 */
#ifndef TZ_H
#define TZ_H

#include <time.h>

struct tz;

/* The directory of the zone files. */
#define TZ_DIR "/usr/share/zoneinfo"

/*
 * The zone of a name under TZ_DIR ("Europe/Berlin"), loaded on first use
 * and kept for the process's life.  NULL with *cause if it cannot be read.
 */
const struct tz *tz_get(const char *name, char **cause);
/* Parse a TZif image (the fuzz target and the tests); NULL with *cause. */
struct tz *tz_parse(const unsigned char *data, size_t len, char **cause);
void tz_free(struct tz *);

/* The offset from UTC in seconds at t (east positive). */
long tz_offset(const struct tz *, time_t t);
/* Break t down in the zone; tm_gmtoff and tm_isdst are set.  0 or -1. */
int tz_localtime(const struct tz *, time_t t, struct tm *tm);
/*
 * The time of a local broken-down time (fields normalised as timegm
 * does); an ambiguous time (clocks set back) is the earlier instant, a
 * time that does not exist (clocks set forward) is read with the offset
 * before the change.  *tm is set to the result's local time.
 */
time_t tz_mktime(const struct tz *, struct tm *tm);

#endif
