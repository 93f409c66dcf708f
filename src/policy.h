/*
 * The clocks of POLICY.md: a pure function of a bug's stored events (fields,
 * comments, history), who is who (people), the options and "now".  Only
 * events at or before now are used, so an evaluation of a past moment equals
 * one made at that moment; a future moment is a projection.
 */
#ifndef POLICY_H
#define POLICY_H

#include <stdint.h>
#include <time.h>

#include "actionitems.h"
#include "model.h"
#include "people.h"
#include "whiteboard.h"
#include "zone.h"

/* The rule texts, oldest first; the order is the order in force. */
enum policy_version {
	POLICY_WIKI_2017,
	POLICY_CCADB_1_0,
	POLICY_CCADB_2_0,
	POLICY_CCADB_3_0,
	POLICY_CCADB_3_1,
	POLICY_CCADB_3_2,
	POLICY_NVERSIONS
};
/* policy_options.pin: no pin, each clock takes the version of its start. */
#define POLICY_VERSION_AUTO (-1)

enum clock_kind {
	CLOCK_INITIAL_REPORT,
	CLOCK_FULL_REPORT,
	CLOCK_RESPONSE,
	CLOCK_UPDATE,
	CLOCK_REVOCATION_UPDATE,
	CLOCK_ACTION_ITEM
};
#define POLICY_NKINDS (CLOCK_ACTION_ITEM + 1)

enum clock_state {
	CLOCK_OK,
	CLOCK_DUE_SOON,
	CLOCK_OVERDUE,
	CLOCK_MET,
	CLOCK_PAUSED
};

struct policy_options {
	int pin;                      /* an enum policy_version or AUTO */
	long warn_window;             /* seconds; default 48 hours */
	const struct zone *zone;      /* of date-only deadlines; NULL UTC */
	const char *base_url;         /* default https://bugzilla.mozilla.org */
	const int64_t *not_questions; /* comment ids marked "not a question" */
	size_t n_not_questions;
	long program_wait; /* seconds a closure request or a needinfo on a
			      root program waits; default 7 days */
	int public_plan;   /* 1: private comments list no action items */
};

/* One event that started, moved, paused or stopped a clock, in words. */
struct evidence {
	time_t time;
	int64_t comment; /* comment count, or -1 */
	char *text;
};

struct clock {
	enum clock_kind kind;
	enum clock_state state;
	enum policy_version version;
	time_t started_at;
	int64_t start_comment;      /* count, -1 for none */
	time_t due;                 /* 0 while paused */
	time_t soon_at;             /* due-soon from here */
	time_t stopped_at;          /* 0 while running */
	int64_t stopped_by_comment; /* count, -1 */
	int late;                   /* met after due */
	long long late_by;          /* seconds met after due, 0 on time */
	int withdrawn;              /* response: withdrawn by a non-CA */
	long long overdue_seconds;  /* 0 unless overdue */
	int item;                   /* action-item: its plan item, else -1 */
	char *asked_by;             /* response: who asked */
	char *link;                 /* the start comment's URL */
	struct strlist warnings;    /* ambiguous date, ... */
	struct evidence *evidence;
	size_t nevidence;
};

/* A question to the CA: one per response clock, in the same order. */
struct question {
	int64_t comment; /* count, -1: needinfo only */
	char *asked_by;
	time_t asked_at;
	long long age_seconds; /* now - asked_at */
	time_t due;
	enum clock_state state; /* met once answered or withdrawn */
	int late;               /* answered after due */
	long long late_by;      /* seconds answered after due */
	int withdrawn;          /* needinfo cleared by someone not CA-side */
	char *link;
};

/* What the root program owes (POLICY.md, "Waiting on the root program"). */
enum waiting_kind {
	WAITING_CLOSURE,  /* a closure request, the bug open for program_wait */
	WAITING_CLOSE_ON, /* [close on D] with D passed, the bug open */
	WAITING_NEEDINFO  /* a needinfo on a root program account, open */
};

/* One thing the root program owes on a bug. */
struct waiting {
	enum waiting_kind kind;
	time_t since;    /* the request, or the end of D */
	time_t due;      /* when the program's wait ran out */
	int64_t comment; /* the closure summary's count, or -1 */
	char *by;        /* who asked (or set [close on]) */
	char *requestee; /* needinfo: the root program account */
	char *text;      /* in words, for explain */
};

/* A bug whose current list of action items is all done. */
struct policy_ready {
	int64_t comment; /* the list that completed the last item */
	time_t time;
	size_t items; /* items of the current list */
};

struct policy_result {
	time_t now;
	int exists;              /* 0: filed after now */
	int resolved;            /* resolution set at now */
	int restricted;          /* non-empty groups */
	char *ca;                /* owner, or NULL */
	char *ca_key;            /* its key (people_ca_key); NULL: none */
	char *whiteboard;        /* as of now */
	char *resolution;        /* as of now */
	struct strlist warnings; /* whiteboard parse warnings */
	struct whiteboard wb;    /* the whiteboard as of now, as read */
	struct clock *clocks;
	size_t nclocks;
	struct question *questions;
	size_t nquestions;
	struct actionitem_plan plan; /* the action items (open bugs only) */
	int ready;                   /* ready for closure: see ready_for */
	struct policy_ready ready_for;
	struct waiting *waiting; /* what the root program owes, oldest first */
	size_t nwaiting;
};

/* Default options: no pin, 48 h window, UTC, BMO. */
void policy_options_defaults(struct policy_options *);

/*
 * Evaluate bug at now from its comments and history (any order; a comment
 * id given twice counts once, the last copy winning, which is how an edit
 * arrives).  Fills *out, which the caller frees with policy_result_free.
 * Never fails: missing data gives fewer clocks, never an error.
 */
void policy_eval(const struct bug *bug, const struct comment_list *comments,
    const struct history_list *history, const struct people *people,
    const struct policy_options *opts, time_t now, struct policy_result *out);
/* Free what policy_eval filled; accepts NULL. */
void policy_result_free(struct policy_result *);

/* "wiki-2017", "ccadb-1.0", "2.0", "3.0", "3.1", "3.2". */
const char *policy_version_name(enum policy_version);
/* The version named s (also "1.0", "v3.2"); 0, or -1 if unknown. */
int policy_version_from_name(const char *s, enum policy_version *);
/* The first second the version was in force. */
time_t policy_version_start(enum policy_version);
/* The version in force at t, or -1 before the wiki of 2017. */
int policy_version_at(time_t t);
/* "initial-report", "full-report", "response", "update", ... */
const char *policy_clock_kind_name(enum clock_kind);
/* "closure-requested", "close-on-passed", "program-needinfo". */
const char *policy_waiting_kind_name(enum waiting_kind);
/* "ok", "due-soon", "overdue", "met", "paused". */
const char *policy_clock_state_name(enum clock_state);

/* Template sections a comment needs to count as a Full Incident Report. */
#define POLICY_REPORT_MIN 5

/*
 * Text classifiers, exposed for tests and for explain.  The number of
 * template sections of a Full Incident Report found in text (v3 template: of
 * 8; legacy: the wiki's 7 numbered topics).
 */
int policy_report_sections(const char *text, int legacy);
/* The same sections as bits (legacy: topic k as bit k - 1); their count. */
unsigned policy_report_mask(const char *text, int legacy);
int policy_mask_count(unsigned mask);
/* 1 if text is a Full Incident Report under a clock of version v. */
int policy_is_full_report(const char *text, enum policy_version v);
/*
 * 1 if text is a closure summary: a heading, a strong label or a line of
 * its own reading "Incident Closure Summary", "Report Closure Summary",
 * "Incident Report Closure Summary" or "Closure Report" (any case, any
 * decoration), outside quotes and code; a sentence naming one is not.
 */
int policy_is_closure_summary(const char *text);
/* 1 if the summary names a [meta] tracking bug, which runs no clocks. */
int policy_is_meta(const char *summary);
/* 1 if text asks something: a "?" outside quoted lines, code and URLs. */
int policy_text_asks(const char *text);
/*
 * 1 if a moderator hid the comment (Bugzilla's comment tags "spam" and
 * "abuse", any case): it counts for no clock.  Never the description.
 */
int policy_comment_hidden(const struct comment *);

#endif
