/*
 * The Bugzilla whiteboard of a CA compliance bug, read the way root store
 * operators write it: bracketed tags ("[ca-compliance] [audit-finding]"), a
 * "Next update" date in any of the forms real bugs carry, and a
 * "[close on DATE]" tag.  The parser is pure (no I/O, no clock, no locale)
 * and never fails: whatever it cannot read becomes a warning, and the caller
 * keeps the raw text for a person to check.
 */
#ifndef WHITEBOARD_H
#define WHITEBOARD_H

#include <time.h>

#include "model.h"

/* Input beyond this many bytes is cut off, with a warning. */
#define WHITEBOARD_MAX_INPUT ((size_t)64 * 1024)
/* Tags kept; later ones are dropped with a warning. */
#define WHITEBOARD_MAX_TAGS 128
/* Warnings kept; the last one says that more were dropped. */
#define WHITEBOARD_MAX_WARNINGS 32

/*
 * A date as written and as read.  When a numeric d-m-y/m-d-y date has two
 * valid, different readings, ambiguous is 1, year-mon-day holds the earlier
 * reading (the one deadlines use) and alt_* the later one; otherwise
 * ambiguous is 0 and alt_* equal year-mon-day.
 */
struct wb_date {
	char *raw; /* the date text as written: "2-Oct-2023" */
	int year, mon, day;
	int ambiguous;
	int alt_year, alt_mon, alt_day;
};

/*
 * A parsed whiteboard.  tags[i] is the i-th distinct tag as written (without
 * its brackets, trimmed); norm_tags[i] is the same tag lowercased, with runs
 * of spaces, underscores and hyphens turned into one '-' and none at either
 * end ("ca compliance" -> "ca-compliance", "__-misissuance" ->
 * "misissuance").  Tags are distinct by their normalised form.
 * "[close on ...]" and a bracketed "[Next update ...]" are not tags.
 * The next_update and close_on dates are set only when has_* is 1.
 */
struct whiteboard {
	struct strlist tags;
	struct strlist norm_tags;
	int has_next_update;
	struct wb_date next_update;
	int has_close_on;
	struct wb_date close_on;
	struct strlist warnings; /* "next update: cannot read date 'soon'" */
};

/*
 * Parse text (NULL reads as "") into *out, which the caller frees with
 * whiteboard_free.  Never fails.  When "Next update" (any case, any
 * whitespace, an optional ':' and "at", "on" or "by" before the date) is
 * written more than once, the last readable date wins, with a warning; the
 * same holds for several "[close on]" tags.  Warnings are written for an
 * unreadable or impossible date, an ambiguous date, an unbalanced bracket
 * (a stray "audit-finding]" is still read as a tag), an empty tag, and an
 * input or tag list cut at its limit.
 */
void whiteboard_parse(const char *text, struct whiteboard *out);
/* Free what whiteboard_parse allocated and zero *wb; accepts NULL. */
void whiteboard_free(struct whiteboard *wb);

/*
 * 1 if a tag contains tag (normalised as above) as a whole hyphen-separated
 * run: "revocation-delay" is in "leaf-revocation-delay" and
 * "ca-revocation-delay", "delay" is not in "delayed-revocation".  0 if not.
 */
int whiteboard_has_tag(const struct whiteboard *wb, const char *tag);

/*
 * The last second (23:59:59) of the date's day in a zone utc_offset seconds
 * east of UTC (0 is UTC), as seconds since the epoch; -1 for an impossible
 * date.
 */
time_t whiteboard_date_end(const struct wb_date *d, long utc_offset);

/*
 * The parse as compact JSON, allocated (the caller frees it):
 * {"tags":[NORMALISED TAG...],
 *  "next_update":null|{"raw":S,"date":"YYYY-MM-DD","ambiguous":B,
 *                      "alternatives":["YYYY-MM-DD"...]},
 *  "close_on":null|{"raw":S,"date":"YYYY-MM-DD"},
 *  "warnings":[S...]}
 * "alternatives" lists every reading, earlier first (one when unambiguous).
 * Bytes that are not valid UTF-8 are written as U+FFFD.
 */
char *whiteboard_to_json(const struct whiteboard *wb);

#endif
