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

#include "datetext.h"
#include "model.h"
#include "zone.h"

/* Input beyond this many bytes is cut off, with a warning. */
#define WHITEBOARD_MAX_INPUT ((size_t)64 * 1024)
/* Tags kept; later ones are dropped with a warning. */
#define WHITEBOARD_MAX_TAGS 128
/* Warnings kept; the last one says that more were dropped. */
#define WHITEBOARD_MAX_WARNINGS 32

/*
 * A parsed whiteboard.  tags[i] is the i-th distinct tag as written (without
 * its brackets, trimmed); norm_tags[i] is the same tag lowercased, with runs
 * of spaces, underscores and hyphens turned into one '-' and none at either
 * end ("ca compliance" -> "ca-compliance", "__-misissuance" ->
 * "misissuance").  Tags are distinct by their normalised form.
 * "[close on ...]" and a bracketed "[Next update ...]" are not tags.
 * The next_update and close_on dates are set only when has_* is 1: the
 * earliest readable date of each kind.  The *_notes lists repeat the
 * warnings about each date (for the clock that uses it).
 */
struct whiteboard {
	struct strlist tags;
	struct strlist norm_tags;
	int has_next_update;
	struct datetext next_update;
	int next_update_dates; /* readable Next update dates written */
	int has_close_on;
	struct datetext close_on;
	int close_on_dates;      /* readable [close on] dates */
	int close_on_tags;       /* [close on] tags, readable or not */
	struct strlist warnings; /* "next update: cannot read date 'soon'" */
	struct strlist next_update_notes;
	struct strlist close_on_notes;
};

/*
 * Parse text (NULL reads as "") written at ref (for dates without a year,
 * see datetext_read; 0: unknown, and such a date is not read) into *out,
 * which the caller frees with whiteboard_free.  Never fails.  Dates are
 * read by datetext_read.  When "Next update" (any case, any whitespace, an
 * optional ':' and "at", "on" or "by" before the date) is written more than
 * once, the earliest readable date is used, with a warning (the same kind
 * of ambiguity as "3-1-2023"); the same holds for several "[close on]"
 * tags.  Warnings are written for an unreadable or impossible date, an
 * ambiguous date, a date without a year (saying how it was read), an
 * unbalanced bracket (a stray "audit-finding]" is still read as a tag), an
 * empty tag, and an input or tag list cut at its limit.
 */
void whiteboard_parse_at(const char *text, time_t ref, struct whiteboard *out);
/*
 * whiteboard_parse_at with a ref for each date: the Next update date read
 * as written at next_ref, the [close on] date at close_ref (the policy
 * engine keeps a date's reading from when its text was first written).
 */
void whiteboard_parse_refs(const char *text, time_t next_ref, time_t close_ref,
    struct whiteboard *out);
/* whiteboard_parse_at with ref unknown (0). */
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
 * The last second of the date's day in zone z (NULL is UTC): 23:59:59
 * local, or the second before the next day starts on a day of 23 or 25
 * hours.  Seconds since the epoch; -1 for an impossible date or NULL d.
 */
time_t whiteboard_date_end(const struct datetext *d, const struct zone *z);

/*
 * The parse as compact JSON, allocated (the caller frees it):
 * {"tags":[NORMALISED TAG...],
 *  "next_update":null|{"raw":S,"date":"YYYY-MM-DD","ambiguous":B,
 *                      "alternatives":["YYYY-MM-DD"...],"year_inferred":B},
 *  "close_on":null|{the same members},
 *  "warnings":[S...]}
 * "alternatives" lists every reading, earlier first (one when unambiguous).
 * Bytes that are not valid UTF-8 are written as U+FFFD.
 */
char *whiteboard_to_json(const struct whiteboard *wb);

#endif
