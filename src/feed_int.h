/*
 * Helpers the feed's renderers share (feed.c, feed_ics.c, feed_prom.c,
 * feed_html.c and feed_items.c); not an interface for other modules.
 */
#ifndef FEED_INT_H
#define FEED_INT_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "feed.h"

/* Most bytes of one rendering. */
#define FEED_MAX_TEXT ((size_t)64 * 1024 * 1024)

/* The clock states in the order of the counts and the metric series. */
#define FEED_NSTATES 5
extern const enum clock_state feed_states[FEED_NSTATES];

/* A copy of s with invalid UTF-8 bytes as U+FFFD (allocated). */
char *feed_utf8_clean(const char *s);
/* The same, with bidi and zero-width characters shown as "<U+202E>". */
char *feed_utf8_visible(const char *s);
/*
 * s with invalid UTF-8 repaired, each byte then appended by one (its
 * escaped form, or nothing) to a new string (allocated).
 */
char *feed_escape(const char *s, void (*one)(struct buf *, char));
/* The state name of a bug's most urgent clock, or "none". */
const char *feed_bug_state(const struct report_bug *);
/* Seconds since the last good sync at generation, or -1 if never. */
long long feed_sync_age(const struct feed *);
/* 1 if never synced or the last sync is older than stale_after. */
int feed_is_stale(const struct feed *);
/* feed.json as a JSON value (a new reference), and a document as text. */
json_t *feed_json(const struct feed *);
char *feed_json_text(json_t *root);
/* Take a feed/2 document (of f) back to feed/1, in place. */
void feed_json_v1(json_t *root, const struct feed *f);

/*
 * The renderers' pieces (feed_ics.c, feed_prom.c, feed_html.c) that the
 * action items (feed_items.c) use too: one folded iCalendar line
 * "NAME:value", the same with the value escaped as TEXT, a URI for a
 * property, a UTC time in the basic form; a metric's HELP and TYPE, a label
 * value; the CAs of the metrics (one bug standing for each) and whether bug
 * i is of the CA bug c stands for; an escaped HTML text and a time for a
 * person.
 */
void feed_ics_line(struct buf *b, const char *name, const char *value);
void feed_ics_text(struct buf *b, const char *name, const char *text);
char *feed_ics_uri(const char *s);
const char *feed_ics_time(time_t t, char *buf, size_t size);
void feed_prom_head(
    struct buf *b, const char *name, const char *type, const char *help);
void feed_prom_label(struct buf *b, const char *s);
size_t feed_prom_cas(const struct feed *f, size_t **out);
int feed_prom_same_ca(const struct feed *f, size_t i, size_t c);
void feed_html_add(struct buf *b, const char *s);
/* Append s percent-encoded as a query value (unreserved characters stay). */
void feed_html_add_qvalue(struct buf *b, const char *s);
const char *feed_html_time(time_t t, char *buf, size_t size);

/*
 * The action items in the feed (feed_items.c): the all-day calendar
 * events of a bug's open items, the items by CA and state as a metric,
 * and the bug's expandable list of items (with its readiness for closure
 * and what the root program owes) on the dashboard.
 */
/* ccwatch_deadlines_total of the feed's track record, if it has one. */
void feed_track_prom(struct buf *b, const struct feed *f);
void feed_ics_items(
    struct buf *b, const struct feed *f, const struct report_bug *rb);
void feed_prom_items(
    struct buf *b, const struct feed *f, const size_t *cas, size_t ncas);
void feed_html_items(
    struct buf *b, const struct feed *f, const struct report_bug *rb);

#endif
