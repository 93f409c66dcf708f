/*
 * Inside the Action Items reader: the cell cleaner, the character classes
 * and the date finder that the table reader (actionitems.c), the cell
 * readers (actionitems_cell.c, actionitems_due.c) and the plan
 * (actionitems_plan.c) share.
 */
#ifndef ACTIONITEMS_INT_H
#define ACTIONITEMS_INT_H

#include <stddef.h>

#include "actionitems.h"
#include "buf.h"
#include "markdown.h"

/* 1 if the n bytes at s are word, ignoring ASCII case. */
int ai_word_is(const char *s, size_t n, const char *word);

/*
 * Clean one cell (len bytes at s) into b, at most ACTIONITEMS_MAX_CELL
 * bytes: backslash escapes and a few HTML entities undone, <br> and line
 * ends as spaces, inline code, emphasis and HTML tags taken off, links as
 * their text, runs of white space as one, none at either end.  With
 * drop_struck, struck-out text (~~old~~, <s>, <del>, <strike>) goes with
 * its markers: in a Status or Due Date cell it is the old value.  Returns
 * 1 if the cell was cut.
 */
int ai_clean(const char *s, size_t len, int drop_struck, struct buf *b);
/* ai_clean into a new string ("" when empty). */
char *ai_clean_dup(const char *s, size_t len, int drop_struck);

/*
 * Find the dates of text (len bytes) written at written: at each start of
 * a word, a date (datetext_read) or a period (a quarter, half, month or
 * year alone when years is set, read as its last day).  The first goes into
 * *first (its raw set; the caller clears it) with its offset in *at, *period
 * set for a period; returns how many were found.  An impossible date is counted
 * in *impossible (may be NULL) and not returned.
 */
int ai_find_dates(const char *text, size_t len, time_t written, int years,
    struct datetext *first, size_t *at, int *period, int *impossible);

/*
 * Take an item number off the start of a cleaned description: "AI-3",
 * "AI 3:", "#3", "3.", "3)", "Action Item 3 -", "[AI-3]", "1.2".  Returns
 * the number ("3", "1.2"; leading zeros off) allocated and sets *rest to
 * the text after it and its separators; NULL (and *rest = s) when there is
 * none.  With whole, the text may be the number alone ("3" in a "#"
 * column).
 */
char *ai_take_number(const char *s, int whole, const char **rest);

/*
 * The status word of POLICY.md that s (n bytes) starts with, as a whole
 * word, with its length in *len; ACTIONITEM_NONE if none.
 */
enum actionitem_status ai_status_word(const char *s, size_t n, size_t *len);
/* The check box or mark at s (n bytes), its length in *len; or NONE. */
enum actionitem_status ai_checkbox(const char *s, size_t n, size_t *len);

/* Add a warning to a list of at most ACTIONITEMS_MAX_WARNINGS. */
void ai_warn(struct strlist *, const char *fmt, ...) CCWATCH_PRINTF(2, 3);

/*
 * Read the plain-text list of a comment with no table (see
 * actionitems_read) into out.
 */
void ai_read_plain(
    const struct markdown *md, time_t written, struct actionitem_read *out);
/* Free one row's allocations. */
void ai_row_free(struct actionitem_row *);

#endif
