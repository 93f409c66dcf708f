/*
 * Inside the policy engine: the state of one evaluation, shared by the
 * event loading (policy_events.c) and the clocks (policy.c).
 */
#ifndef POLICY_INT_H
#define POLICY_INT_H

#include "ccwatch.h"
#include "policy.h"
#include "whiteboard.h"

#define POLICY_HOUR            ((time_t)3600)
#define POLICY_DAY             (24 * POLICY_HOUR)
#define POLICY_INITIAL         (72 * POLICY_HOUR)
#define POLICY_FULL            (14 * POLICY_DAY)
#define POLICY_CADENCE         (7 * POLICY_DAY)
#define POLICY_REVOCATION_SOON (3 * POLICY_DAY)
#define POLICY_ACTION_GRACE    (3 * POLICY_DAY)
#define POLICY_PROGRAM_WAIT    (7 * POLICY_DAY)
#define POLICY_CLOSURE_ACCOUNT "incident-reporting@ccadb.org"
/* A Full Incident Report posted in parts: at most 4, within an hour. */
#define POLICY_PARTS_MAX  4
#define POLICY_PARTS_SPAN POLICY_HOUR

/* A needinfo set or cleared, from the history or the current flags. */
struct policy_ni {
	time_t when;
	const char *who;
	char *requestee;
	int set;  /* 1 set, 0 cleared */
	int used; /* belongs to a comment */
};

/* Everything one evaluation works on. */
struct policy_ctx {
	const struct bug *bug;
	struct bug view; /* fields as of now */
	const struct people *people;
	const struct policy_options *opts;
	time_t now;
	const struct comment **cv; /* at or before now, sorted */
	enum side *cside;
	signed char *closure; /* per comment: a closure summary? -1 unknown */
	size_t nc;
	const struct history **hv; /* all, sorted by when */
	size_t nh;
	size_t nh_now; /* those at or before now */
	struct policy_ni *ni;
	size_t nni;
	time_t reopened; /* 0: never */
	const char *reopened_by;
	struct whiteboard *wb; /* as of now: the result's */
	time_t nu_set;         /* when Next update took its value */
	const char *nu_set_by;
	int nu_from_history; /* nu_set is a change of the history */
	time_t close_set;    /* when [close on] took its value */
	const char *close_set_by;
	struct policy_result *out;
};

/*
 * Load the history (sorted; nh_now set) and read the fields as of now into
 * ctx->view; then, for a bug that is open, the comments at or before now
 * (one per id, sorted, with their sides), the last reopening, the
 * whiteboard's history (ctx->wb, nu_set, close_set) and the needinfos.
 * policy_events_fields does the first part, policy_events_load the rest.
 */
void policy_events_fields(struct policy_ctx *, const struct history_list *);
void policy_events_load(struct policy_ctx *, const struct comment_list *);
/* Free what the loading allocated (not the result's whiteboard). */
void policy_events_free(struct policy_ctx *);
/* The side of login on the bug as of now, override windows at when. */
enum side policy_side(
    const struct policy_ctx *, const char *login, time_t when);

/*
 * The clocks' helpers (policy.c), shared with the action items
 * (policy_actions.c): start a clock, add evidence or a warning, stop it,
 * settle its state, the version it runs under (0, or -1 when its kind is
 * not in force at t), and the pauses of a closure or [close on] since t.
 */
struct clock *policy_clock_new(struct policy_ctx *, enum clock_kind,
    enum policy_version, time_t started, int64_t start_comment);
void policy_evidence(struct clock *, time_t when, int64_t comment,
    const char *fmt, ...) CCWATCH_PRINTF(4, 5);
void policy_warn(struct clock *, const char *fmt, ...) CCWATCH_PRINTF(2, 3);
void policy_clock_stop(struct clock *, time_t when, int64_t comment);
void policy_clock_settle(const struct policy_ctx *, struct clock *);
int policy_clock_version(const struct policy_ctx *, time_t t,
    enum policy_version since, enum policy_version *);
int policy_update_paused(struct policy_ctx *, struct clock *, time_t since);
/*
 * The closure that pauses updates since t: the first CA-side closure
 * summary, or needinfo on incident-reporting@ccadb.org set by the CA side.
 * 1 with *when, *comment (-1 for a needinfo) and *by, 0 if none.
 */
int policy_find_closure(const struct policy_ctx *, time_t since, time_t *when,
    int64_t *comment, const char **by);
/* The first moment of the bug's current open spell (creation, reopening). */
time_t policy_open_since(const struct policy_ctx *);
/* When a clock starting at t runs from: t, or the reopening after it. */
time_t policy_resumed_at(const struct policy_ctx *, time_t t);

/*
 * The action items (policy_actions.c): the plan from the CA-side comments
 * (from v2.0), one action-item clock per item and due date passed while
 * open (from v3.0), readiness for closure, and what the root program owes.
 */
void policy_eval_actions(struct policy_ctx *);
void policy_eval_waiting(struct policy_ctx *);

#endif
