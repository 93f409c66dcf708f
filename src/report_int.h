/*
 * Inside the report module: what report.c shares with report_items.c (the
 * action items, readiness for closure and the root program's list).
 */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "report.h"

/* Most bytes of one rendering (a table or an explanation line). */
#define REPORT_MAX_TEXT ((size_t)16 * 1024 * 1024)

/* A copy of s with every byte of 0x80 and above as U+FFFD. */
char *report_repair_bytes(const char *s);
/* A time for a person: "2026-03-13 12:00:00 UTC", into buf. */
const char *report_human_time(time_t t, char *buf, size_t size);
/* A positive duration as "2d 3h", "5h 10m" or "12m", into buf. */
void report_format_span(long long s, char *buf, size_t size);
/*
 * The action items of a bug in words (a table and each item's history),
 * its readiness for closure and what the root program owes, appended to b.
 */
void report_explain_items(const struct report_bug *rb, struct buf *b);

#endif
