/*
 * Reports over the store: every stored bug (or one) evaluated by the policy
 * engine at one moment, filtered and sorted most urgent first, and rendered
 * as the JSON of "ccwatch status --json", as a terminal table, or as the
 * explanation of each clock.  The loading reads the store; the rendering is
 * pure, so the JSON feed and the dashboard can reuse both halves.
 */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "people.h"
#include "policy.h"
#include "store.h"

/* report_filter.waiting: on whom a bug waits. */
#define REPORT_WAITING_ANY     0
#define REPORT_WAITING_PROGRAM 1 /* the root program owes something */
#define REPORT_WAITING_CA      2 /* a clock runs, or it is ready to close */

/* Which bugs a report keeps. */
struct report_filter {
	int64_t bug_id; /* 0: every stored bug; see REPORT_OPEN_BUGS */
	const char *ca; /* NULL: any; a CA by any spelling (report_bug_in_ca) */
	int state;      /* -1: any; else an enum clock_state a clock is in */
	int all;        /* 0: only bugs with a clock that is not met */
	int waiting;    /* REPORT_WAITING_* */
};
/* A filter's bug_id for every bug stored as open (the daemon's alerts). */
#define REPORT_OPEN_BUGS ((int64_t)-1)

/* One bug as of the report's moment. */
struct report_bug {
	struct bug bug;              /* as stored (current fields) */
	char *summary;               /* as of the report's moment */
	char *status;                /* as of the report's moment */
	char *url;                   /* BASE/show_bug.cgi?id=N */
	struct policy_result result; /* the clocks */
	int urgent;                  /* most urgent clock, or -1 */
};

struct report {
	time_t generated_at; /* timeutil_now() at the load */
	time_t as_of;        /* the moment evaluated */
	int pin;             /* policy_options.pin */
	char *base_url;
	time_t last_sync; /* the store's last good sync; 0 never */
	struct report_bug *bugs;
	size_t nbugs;
	/* Over every bug that exists and is open at as_of, before filtering. */
	size_t open_bugs;
	size_t overdue;  /* bugs whose most urgent clock is overdue */
	size_t due_soon; /* ... is due-soon */
	/* The filter's state: the table shows a row per clock in it; or -1. */
	int state_filter;
	/*
	 * Every CA of the store: the configured ones with their aliases,
	 * the others by the spellings of their (unrestricted) bugs.  A bug's
	 * result.ca is how its CA is shown (caname_table_show).
	 */
	struct caname_table cas;
};

/*
 * Load, evaluate at as_of (with each bug's not-a-question marks), filter
 * (a CA by report_bug_in_ca) and sort (overdue by overdue_seconds, most first;
 * then due-soon and ok by due, soonest first; then paused, met, and bugs
 * without clocks; ties by id).  Bugs filed after as_of are never kept.  Returns
 * 0 with *out filled (free it with report_free), or -1 with *cause; a filter
 * naming one bug that is not stored is an error.
 */
int report_load(struct store *, const struct people *,
    const struct policy_options *, time_t as_of, const struct report_filter *,
    struct report *out, char **cause);
/* Free what report_load filled; accepts NULL. */
void report_free(struct report *);
/*
 * 1 if rb's CA is the one name stands for: its key, or a configured CA's
 * through one of its aliases ("NETLOCK", "Netlock Kft." and "netlock"
 * name one CA).  0 for a bug with no CA.
 */
int report_bug_in_ca(
    const struct report *, const struct report_bug *rb, const char *name);

/*
 * The report as the JSON of docs/status.md (allocated, indented, with a
 * final newline): {"generated_at","as_of","policy","last_sync","bugs":[...]}.
 */
char *report_to_json(const struct report *);
/* The same document as a JSON value (a new reference), for the feed. */
json_t *report_json_doc(const struct report *);

/* How the table is drawn. */
struct report_style {
	int width;  /* columns of the terminal; 0: do not cut */
	int colour; /* 1: ANSI colours */
};
/* Write the status table, one line a bug, to f. */
void report_write_table(
    const struct report *, const struct report_style *, FILE *f);
/* Write every clock of every bug of the report, with its evidence, to f. */
void report_write_explain(const struct report *, FILE *f);

/*
 * Copy untrusted text for a terminal (allocated): control characters (C0,
 * DEL, C1) are dropped, a tab or newline becomes a space, invalid UTF-8
 * becomes '?'.  NULL gives "".
 */
char *report_clean(const char *s);
/*
 * A deadline relative to now for a person: "in 2d 3h", "in 5h 10m",
 * "in 12m", "4d 2h overdue", "now"; into buf (size bytes).  Returns buf.
 */
char *report_format_relative(time_t due, time_t now, char *buf, size_t size);

/*
 * The pieces of a report that the feed (feed.c, feed_html.c) renders too.
 */
/*
 * Compare two clocks by urgency, <0 when a is the more urgent: overdue,
 * due-soon, ok, paused, met; overdue ones by overdue_seconds (most first),
 * due-soon and ok ones by due (soonest first).
 */
int report_compare_clocks(const struct clock *a, const struct clock *b);
/* The index of r's most urgent clock (report_compare_clocks), or -1. */
int report_urgent_clock(const struct policy_result *r);
/*
 * The order of report_load, <0 when a comes first: by their urgent clocks
 * (a bug without one last), then by id.
 */
int report_compare_bugs(const struct report_bug *a, const struct report_bug *b);
/* Free what one report_bug holds (not rb itself). */
void report_bug_free(struct report_bug *rb);
/* t as an ISO 8601 UTC JSON string, or JSON null for 0. */
json_t *report_json_time(time_t t);
/*
 * s as a JSON string, or JSON null for NULL; when s is not valid UTF-8,
 * repair(s) (allocated, valid UTF-8) is encoded instead, "" if even that
 * fails.  The report's own repair turns every byte >= 0x80 into U+FFFD; the
 * feed's keeps the valid sequences.
 */
json_t *report_json_text(const char *s, char *(*repair)(const char *));
/* What a clock is, in words ("Full incident report"), or "Clock". */
const char *report_clock_title(enum clock_kind k);

/*
 * The action items of a bug (report_items.c): every item of its plan as
 * JSON (docs/status.md), its readiness for closure (null or an object
 * naming the comment that completed the last item), what the root program
 * owes (a list of {kind, since, ...}), and the item an action-item clock
 * belongs to (null for other clocks).
 */
json_t *report_json_items(const struct report_bug *rb);
json_t *report_json_ready(const struct report_bug *rb);
json_t *report_json_waiting(const struct report_bug *rb);
json_t *report_json_clock_item(
    const struct policy_result *r, const struct clock *c);
/* The open item with the earliest due date, or NULL. */
const struct actionitem *report_next_item(const struct policy_result *r);
/* 1 if the bug waits on who (a REPORT_WAITING_* value). */
int report_waiting_on(const struct report_bug *rb, int who);

#endif
