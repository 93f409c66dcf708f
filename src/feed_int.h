/*
 * Helpers the feed's renderers share (feed.c and feed_html.c); not an
 * interface for other modules.
 */
#ifndef FEED_INT_H
#define FEED_INT_H

#include <stddef.h>

#include "feed.h"

/* Most bytes of one rendering. */
#define FEED_MAX_TEXT ((size_t)64 * 1024 * 1024)

/* A copy of s with invalid UTF-8 bytes as U+FFFD (allocated). */
char *feed_utf8_clean(const char *s);
/* The state name of a bug's most urgent clock, or "none". */
const char *feed_bug_state(const struct report_bug *);
/* Seconds since the last good sync at generation, or -1 if never. */
long long feed_sync_age(const struct feed *);
/* 1 if never synced or the last sync is older than stale_after. */
int feed_is_stale(const struct feed *);

#endif
