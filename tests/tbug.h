/*
 * A test bug for the policy suites: a bug with its comments and history,
 * built event by event, the test configuration of people ("Acme" with an
 * alias and a pseudonym), and shorthands for evaluating it.
 */
#ifndef TBUG_H
#define TBUG_H

#include <time.h>

#include "model.h"
#include "people.h"
#include "policy.h"

#define HOUR    3600
#define DAY     (24 * HOUR)
#define WINDOW  (48 * HOUR)

#define CA_REP  "rep@acme.example"
#define CA_MATE "mate@acme.example"
#define OUTSIDE "reporter@gmail.com"
#define PROGRAM "ben@mozilla.com"
#define BOT     "nobody@mozilla.org"

/* A full incident report with every section of the v3 template. */
extern const char tb_full_report_v3[];

/* A test bug: the bug, its comments and its history. */
struct tbug {
	struct bug bug;
	struct comment_list cl;
	struct history_list hl;
};

/* A UTC time. */
time_t T(int y, int mo, int d, int h, int mi, int s);
/* Start a bug filed by creator at created, with its description. */
void tb_init(struct tbug *tb, const char *summary, const char *creator,
    const char *assignee, time_t created, const char *description);
/* The usual bug: Acme's own report, assigned to its representative. */
void tb_acme(struct tbug *tb, time_t created, const char *creator);
/* Add a comment; returns it. */
struct comment *tb_comment(
    struct tbug *tb, const char *who, time_t t, const char *text);
/* Add a change, joining the last history entry when who and t match. */
void tb_change(struct tbug *tb, const char *who, time_t t, const char *field,
    const char *removed, const char *added);
/* Change a single-valued field, keeping the bug's current value. */
void tb_set(struct tbug *tb, const char *who, time_t t, const char *field,
    char **slot, const char *value);
/* Set the whiteboard. */
void tb_whiteboard(struct tbug *tb, const char *who, time_t t, const char *wb);
/* Resolve (res non-empty) or reopen (res "") the bug. */
void tb_resolve(struct tbug *tb, const char *who, time_t t, const char *res);
/* Set or clear needinfo?(whom). */
void tb_needinfo(
    struct tbug *tb, const char *who, time_t t, const char *whom, int set);
/* Free a test bug. */
void tb_free(struct tbug *tb);
/* The test configuration: Acme with an alias and a pseudonym. */
void test_people(struct people *p);
/* Evaluate tb at now with default people and options. */
void tb_eval(const struct tbug *tb, time_t now, struct policy_result *r);
/* The n-th clock of a kind, or NULL. */
const struct clock *find_clock(
    const struct policy_result *r, enum clock_kind kind, int n);
/* The state of the n-th clock of a kind at now; -1 when absent. */
int state_at(const struct tbug *tb, enum clock_kind kind, int n, time_t now);
/* The due time of the n-th clock of a kind at now; -1 when absent. */
time_t due_at(const struct tbug *tb, enum clock_kind kind, int n, time_t now);
/* Assert the due-soon / overdue boundaries of a clock due at due. */
void assert_boundaries(
    const struct tbug *tb, enum clock_kind kind, time_t due, time_t soon);

#endif
