/*
 * Action Items: the remediation plan a CA publishes with its Full Incident
 * Report and restates in its updates.  The reader takes one comment's text
 * and finds the items in its Markdown pipe tables (the v2.0 three-column
 * form, the v3.0 six-column form, an Audit Incident Report's table per
 * finding, and the variants real reports use) or, when a comment has no
 * such table, in a plain-text list under an "Action Items" label.  The plan
 * follows the items across the comments that restate them: which item is
 * which, when each status and due date changed, and which item a later
 * table dropped.  Pure: no I/O, no clock, no locale; it never fails, and
 * what it cannot read becomes a warning.
 */
#ifndef ACTIONITEMS_H
#define ACTIONITEMS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "datetext.h"
#include "model.h"
#include "zone.h"

/* Bytes of one cell kept; a longer cell is cut, with a warning. */
#define ACTIONITEMS_MAX_CELL 2048
/* Items read from one comment; more are dropped, with a warning. */
#define ACTIONITEMS_MAX_ROWS 500
/* Columns of one table read; more are dropped, with a warning. */
#define ACTIONITEMS_MAX_COLUMNS 24
/* Items one plan tracks; later new items are dropped, with a warning. */
#define ACTIONITEMS_MAX_ITEMS 2000
/* Warnings kept per comment and per plan; the last one says so. */
#define ACTIONITEMS_MAX_WARNINGS 64

/* The Status column, read from the start of its cell. */
enum actionitem_status {
	ACTIONITEM_NONE,     /* no status column, or an empty cell: open */
	ACTIONITEM_ONGOING,  /* Ongoing, In progress */
	ACTIONITEM_COMPLETE, /* Complete, Completed, Done */
	ACTIONITEM_DELAYED,  /* Delayed */
	ACTIONITEM_CANCELED, /* Canceled, Cancelled */
	ACTIONITEM_OTHER     /* anything else, kept as written: open */
};

/* How a due date was read. */
enum actionitem_due_kind {
	ACTIONITEM_DUE_NONE,      /* empty, "-", "N/A": no date given */
	ACTIONITEM_DUE_DATE,      /* a date */
	ACTIONITEM_DUE_PERIOD,    /* a quarter, half, month or year: its end */
	ACTIONITEM_DUE_TBD,       /* "TBD", "TBC", "to be determined" */
	ACTIONITEM_DUE_UNREADABLE /* text that is none of these */
};

/* A due date as written and as read. */
struct actionitem_due {
	enum actionitem_due_kind kind;
	char *text;           /* the cell, cleaned ("" when empty) */
	struct datetext date; /* DATE and PERIOD: the day; raw: what was read */
};

/* A column beyond those the reader knows, kept with its header. */
struct actionitem_extra {
	char *name;
	char *value;
};

/* One item as one comment lists it (a table row or a list line). */
struct actionitem_row {
	char *number;      /* "3" for "AI-3", "#3", "3."; "1.2"; NULL: none */
	char *description; /* the action, inline Markdown taken off */
	char *kind;        /* Prevent, Mitigate, Detect as written; NULL */
	char *root_cause;  /* Corresponding Root Cause(s); NULL */
	char *criteria;    /* Evaluation Criteria; NULL */
	struct actionitem_due due;
	enum actionitem_status status;
	char *status_text; /* the cell as written, cleaned; NULL: no column */
	struct actionitem_extra *extra;
	size_t nextra;
	int table; /* which table (or list) of the comment, from 0 */
	int line;  /* the row's line in the comment, from 1 */
	struct strlist warnings; /* about this row's due date */
};

/* What one comment lists. */
struct actionitem_read {
	struct actionitem_row *rows;
	size_t n;
	int tables;              /* tables (or one list) with items */
	int plain;               /* 1: read from a plain-text list */
	struct strlist warnings; /* rows or lists that could not be read */
};

/*
 * Read the items of one comment (text may be NULL) written at written
 * (for a date without a year; 0: unknown) into *out, which the caller
 * frees with actionitems_read_free.  A table counts when its header row
 * names an action (Action Item, Action, Description, ...) and a due date
 * (Due Date, Due, Target date, Completion date, ...); the other columns
 * are read when present and unknown ones kept.  Every table of a comment
 * with items forms its list.  Tables in code blocks, indented blocks and
 * quotes are not read.  A comment with no such table may hold a plain-text
 * list under an "Action Items" label: each line carrying exactly one date
 * and one status word is an item, and so is a check box line ("[x]",
 * "[ ]") with at most one date; when a line is not that clear, the list
 * is not read and a warning says why.  Returns out->n.
 */
size_t actionitems_read(
    const char *text, time_t written, struct actionitem_read *out);
/* Free what actionitems_read filled and zero it; accepts NULL. */
void actionitems_read_free(struct actionitem_read *);

/*
 * Read one status cell (len bytes at s; inline Markdown and struck-out
 * text are taken off first).  The words of POLICY.md from the start of
 * the cell, any case; anything else is ACTIONITEM_OTHER, empty is NONE.
 */
enum actionitem_status actionitems_status(const char *s, size_t len);
/*
 * Read one due date cell (len bytes at s) written at written into *out,
 * adding warnings to *warnings (a quarter, month or TBD, an ambiguous
 * date, a date without a year, several dates, an unreadable one).  The
 * caller frees out->text and out->date with actionitems_due_free.
 */
void actionitems_due(const char *s, size_t len, time_t written,
    struct actionitem_due *out, struct strlist *warnings);
void actionitems_due_free(struct actionitem_due *);
/* The last second of a due date's day in zone z, or -1 without a date. */
time_t actionitems_due_end(const struct actionitem_due *, const struct zone *z);

/*
 * Fold a description for identity (len bytes at s): inline Markdown and
 * punctuation become spaces, ASCII letters lowercase, bytes of UTF-8 kept,
 * runs of spaces one, none at either end; into buf (size bytes, cut to
 * fit).  Returns buf.
 */
char *actionitems_fold(const char *s, size_t len, char *buf, size_t size);

/* "ongoing", "complete", "delayed", "canceled", "other" or "none". */
const char *actionitems_status_name(enum actionitem_status);
/* "date", "period", "tbd", "unreadable" or "none". */
const char *actionitems_due_kind_name(enum actionitem_due_kind);

/* What a change of an item's history is. */
enum actionitem_what {
	ACTIONITEM_FIRST_SEEN,  /* listed for the first time */
	ACTIONITEM_STATUS,      /* its status changed */
	ACTIONITEM_DUE,         /* its due date changed */
	ACTIONITEM_DESCRIPTION, /* reworded (matched by its number) */
	ACTIONITEM_DROPPED,     /* a later list left it out */
	ACTIONITEM_RETURNED     /* listed again after it was dropped */
};

/* One change of an item, with the comment that made it. */
struct actionitem_change {
	enum actionitem_what what;
	time_t time;
	int64_t comment; /* count */
	char *from;      /* the old value as written; NULL for none */
	char *to;        /* the new value as written; NULL for none */
};

/* One listing of an item: what a restating comment said of it. */
struct actionitem_listing {
	time_t time;
	int64_t comment;
	int listed; /* 0: this list left the item out */
	enum actionitem_status status;
	enum actionitem_due_kind due_kind;
	int year, mon, day; /* the due date when due_kind is DATE or PERIOD */
};

/* What an item is at now, for the outputs. */
enum actionitem_state {
	ACTIONITEM_STATE_OPEN,     /* not done, due date not passed (or none) */
	ACTIONITEM_STATE_OVERDUE,  /* not done, due date passed */
	ACTIONITEM_STATE_COMPLETE, /* Complete */
	ACTIONITEM_STATE_CANCELED, /* Canceled */
	ACTIONITEM_STATE_DROPPED   /* left out of the latest list */
};
#define ACTIONITEM_NSTATES (ACTIONITEM_STATE_DROPPED + 1)

/* An item of the plan, followed across the comments that restate it. */
struct actionitem {
	char *key;  /* stable within the bug: "ai-3", or "d-" and 8 hex */
	char *fold; /* the folded description it is known by */
	struct actionitem_row row; /* as last listed (row.number: its number) */
	time_t first_seen;
	int64_t first_comment;
	time_t last_listed;
	int64_t last_comment;
	int in_plan; /* listed by the latest list */
	time_t dropped;
	int64_t dropped_comment; /* -1 while in the plan */
	struct actionitem_change *history;
	size_t nhistory;
	struct actionitem_listing *listings;
	size_t nlistings;
	enum actionitem_state state; /* at the evaluation (the engine's) */
	time_t due_end; /* the end of its due date's day; -1: no date */
};

/* The plan: every item any list named, in the order first seen. */
struct actionitem_plan {
	struct actionitem *items;
	size_t n;
	int lists;              /* restatements read */
	int64_t current;        /* the comment of the latest list; -1 none */
	time_t current_time;    /* ... and its time */
	int64_t complete_since; /* the list from which on every item of
				   every later list is Complete or Canceled;
				   -1 while one is open */
	time_t complete_time;
	struct strlist warnings; /* "comment 7: ...": what was not read */
};

/* Start an empty plan. */
void actionitems_plan_init(struct actionitem_plan *);
/*
 * Read one comment (in time order) into the plan: when it lists items, it
 * restates the plan.  A row is the same item as a listed one when its
 * folded description is the same, else when its number is (numbers that
 * repeat within one comment, as in an audit report's tables, identify
 * nothing); each item is matched at most once per list.  Items the list
 * leaves out are dropped.  Returns 1 if the comment restated the plan.
 */
int actionitems_plan_add(
    struct actionitem_plan *, const char *text, time_t t, int64_t comment);
/* Free what the plan holds and zero it; accepts NULL. */
void actionitems_plan_free(struct actionitem_plan *);

/* 1 if the status leaves an item open (not Complete or Canceled). */
int actionitems_is_open(enum actionitem_status);
/*
 * The listing of an item in force at t: the last at or before t, or NULL
 * when none is (the item was not yet listed).
 */
const struct actionitem_listing *actionitems_listing_at(
    const struct actionitem *, time_t t);
/*
 * 1 if text names the item outside quotes and code: its number ("AI-3",
 * "#3", "item 3", "Action Item 3") or its whole folded description.
 */
int actionitems_mentions(const char *text, const struct actionitem *);

/* The state of an item at now, its due date's day ending in zone z. */
enum actionitem_state actionitems_state(
    const struct actionitem *, time_t now, const struct zone *z);
/* "open", "overdue", "complete", "canceled" or "dropped". */
const char *actionitems_state_name(enum actionitem_state);
/* "first-seen", "status", "due", "description", "dropped", "returned". */
const char *actionitems_what_name(enum actionitem_what);

#endif
