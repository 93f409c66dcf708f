/*
 * Time zones without TZ: the one reader of TZif files (RFC 8536, versions
 * 1 to 4) in ccwatch, with the POSIX rule of the footer for the times past
 * the last transition.  A parsed zone is immutable and tz_get's cache is
 * locked, so the calls are safe from any thread: nothing touches the
 * environment, tzset or the C library's shared zone state.  zone.h names
 * a zone ("UTC", "+02:00", "Europe/Berlin") on top of it.
 */
#ifndef TZ_H
#define TZ_H

#include <stddef.h>
#include <time.h>

struct tz;

/* Where zone files are read from, unless $TZDIR names another directory. */
#define TZ_DIR "/usr/share/zoneinfo"
/* Largest zone file read. */
#define TZ_MAX_FILE ((size_t)256 * 1024)

/* 1 if name is a safe zone name: parts of [A-Za-z0-9_+-] between '/'. */
int tz_name_ok(const char *name);
/*
 * Read and parse the file of zone name ("Europe/Berlin"); the caller frees
 * it.  NULL with *cause: a bad name, a missing or oversized file, a file
 * that is not TZif, a zone counting leap seconds.
 */
struct tz *tz_read(const char *name, char **cause);
/*
 * tz_read, once per name and directory, the zone kept for the process's
 * life (the alerts' routes).  NULL with *cause.
 */
const struct tz *tz_get(const char *name, char **cause);
/* Parse a TZif image (zone.c, the fuzz target, tests); NULL with *cause. */
struct tz *tz_parse(const unsigned char *data, size_t len, char **cause);
void tz_free(struct tz *);

/* The offset from UTC in seconds at t (east positive). */
long tz_offset(const struct tz *, time_t t);
/* Break t down in the zone; tm_gmtoff and tm_isdst are set.  0 or -1. */
int tz_localtime(const struct tz *, time_t t, struct tm *tm);
/*
 * The first instant whose local time is local, the local date and time
 * counted in seconds as if it were UTC (timegm): a time that happens twice
 * (clocks set back) is the earlier; one that does not happen (clocks set
 * forward) is the first instant after the gap.
 */
time_t tz_from_local(const struct tz *, time_t local);

#endif
