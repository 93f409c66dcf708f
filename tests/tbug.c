/*
 * The test bug of the policy suites (see tbug.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tbug.h"
#include "timeutil.h"
#include "xmalloc.h"

/* A full incident report with every section of the v3 template. */
const char tb_full_report_v3[] =
    "## Summary\nWe misissued.\n\n## Impact\n12 certificates.\n\n"
    "## Timeline\n- 2026-01-01 ...\n\n## Related Incidents\nNone.\n\n"
    "## Root Cause Analysis\nA bug.\n\n## Lessons Learned\nMany.\n\n"
    "## Action Items\n| item | date |\n\n## Appendix\ncrt.sh links\n";

/* A UTC time. */
time_t
T(int y, int mo, int d, int h, int mi, int s)
{
	return timeutil_from_civil(y, mo, d, h, mi, s);
}

/* Start a bug filed by creator at created, with its description. */
void
tb_init(struct tbug *tb, const char *summary, const char *creator,
    const char *assignee, time_t created, const char *description)
{
	struct comment *c;

	memset(tb, 0, sizeof *tb);
	tb->bug.id = 1900000;
	tb->bug.summary = xstrdup(summary);
	tb->bug.status = xstrdup("NEW");
	tb->bug.resolution = xstrdup("");
	tb->bug.whiteboard = xstrdup("");
	tb->bug.creator = xstrdup(creator);
	tb->bug.assigned_to = xstrdup(assignee);
	tb->bug.creation_time = created;
	c = comment_list_add(&tb->cl);
	c->id = 5000000;
	c->bug_id = tb->bug.id;
	c->count = 0;
	c->creator = xstrdup(creator);
	c->time = created;
	c->text = xstrdup(description);
}

/* The usual bug: Acme's own report, assigned to its representative. */
void
tb_acme(struct tbug *tb, time_t created, const char *creator)
{
	tb_init(tb, "Acme: Incorrect Subject RDN Encoding", creator, CA_REP,
	    created, "Something went wrong.");
}

/* Add a comment; returns it. */
struct comment *
tb_comment(struct tbug *tb, const char *who, time_t t, const char *text)
{
	struct comment *c;
	int64_t count = (int64_t)tb->cl.n;

	c = comment_list_add(&tb->cl);
	c->id = 5000000 + count;
	c->bug_id = tb->bug.id;
	c->count = count;
	c->creator = xstrdup(who);
	c->time = t;
	c->text = xstrdup(text);
	return c;
}

/* Add a change, joining the last history entry when who and t match. */
void
tb_change(struct tbug *tb, const char *who, time_t t, const char *field,
    const char *removed, const char *added)
{
	struct history *h = NULL;
	struct change *ch;

	if (tb->hl.n > 0 && tb->hl.v[tb->hl.n - 1].when == t &&
	    strcmp(tb->hl.v[tb->hl.n - 1].who, who) == 0)
		h = &tb->hl.v[tb->hl.n - 1];
	if (h == NULL) {
		h = history_list_add(&tb->hl);
		h->bug_id = tb->bug.id;
		h->when = t;
		h->who = xstrdup(who);
	}
	h->changes =
	    xreallocarray(h->changes, h->nchanges + 1, sizeof *h->changes);
	ch = &h->changes[h->nchanges++];
	ch->field = xstrdup(field);
	ch->removed = xstrdup(removed);
	ch->added = xstrdup(added);
}

/* Change a single-valued field, keeping the bug's current value. */
void
tb_set(struct tbug *tb, const char *who, time_t t, const char *field,
    char **slot, const char *value)
{
	tb_change(tb, who, t, field, *slot, value);
	free(*slot);
	*slot = xstrdup(value);
}

/* Set the whiteboard. */
void
tb_whiteboard(struct tbug *tb, const char *who, time_t t, const char *wb)
{
	tb_set(tb, who, t, "whiteboard", &tb->bug.whiteboard, wb);
}

/* Resolve (res non-empty) or reopen (res "") the bug. */
void
tb_resolve(struct tbug *tb, const char *who, time_t t, const char *res)
{
	tb_set(tb, who, t, "status", &tb->bug.status,
	    *res != '\0' ? "RESOLVED" : "REOPENED");
	tb_set(tb, who, t, "resolution", &tb->bug.resolution, res);
}

/* Set or clear needinfo?(whom). */
void
tb_needinfo(
    struct tbug *tb, const char *who, time_t t, const char *whom, int set)
{
	char *flag;

	xasprintf(&flag, "needinfo?(%s)", whom);
	tb_change(
	    tb, who, t, "flagtypes.name", set ? "" : flag, set ? flag : "");
	free(flag);
}

/* Free a test bug. */
void
tb_free(struct tbug *tb)
{
	model_bug_free(&tb->bug);
	comment_list_free(&tb->cl);
	history_list_free(&tb->hl);
}

/* The test configuration: Acme with an alias and a pseudonym. */
void
test_people(struct people *p)
{
	struct people_ca *ca;

	people_defaults(p);
	ca = people_add_ca(p, "Acme");
	strlist_add(&ca->domains, "acme.example");
	strlist_add(&ca->accounts, "compliance-alias@gmail.com");
	strlist_add(&ca->accounts, "quiet-fox@proton.me");
}

/* Evaluate tb at now with default people and options. */
void
tb_eval(const struct tbug *tb, time_t now, struct policy_result *r)
{
	struct people p;
	struct policy_options o;

	test_people(&p);
	policy_options_defaults(&o);
	policy_eval(&tb->bug, &tb->cl, &tb->hl, &p, &o, now, r);
	people_free(&p);
}

/* The n-th clock of a kind, or NULL. */
const struct clock *
find_clock(const struct policy_result *r, enum clock_kind kind, int n)
{
	size_t i;

	for (i = 0; i < r->nclocks; i++) {
		if (r->clocks[i].kind == kind && n-- == 0)
			return &r->clocks[i];
	}
	return NULL;
}

/* The state of the n-th clock of a kind at now; -1 when absent. */
int
state_at(const struct tbug *tb, enum clock_kind kind, int n, time_t now)
{
	struct policy_result r;
	const struct clock *c;
	int s;

	tb_eval(tb, now, &r);
	c = find_clock(&r, kind, n);
	s = c != NULL ? (int)c->state : -1;
	policy_result_free(&r);
	return s;
}

/* The due time of the n-th clock of a kind at now; -1 when absent. */
time_t
due_at(const struct tbug *tb, enum clock_kind kind, int n, time_t now)
{
	struct policy_result r;
	const struct clock *c;
	time_t due;

	tb_eval(tb, now, &r);
	c = find_clock(&r, kind, n);
	due = c != NULL ? c->due : -1;
	policy_result_free(&r);
	return due;
}

/* Assert the due-soon / overdue boundaries of a clock due at due. */
void
assert_boundaries(
    const struct tbug *tb, enum clock_kind kind, time_t due, time_t soon)
{
	ck_assert_int_eq(due_at(tb, kind, 0, due - 1), due);
	ck_assert_int_eq(state_at(tb, kind, 0, soon - 1), CLOCK_OK);
	ck_assert_int_eq(state_at(tb, kind, 0, soon), CLOCK_DUE_SOON);
	ck_assert_int_eq(state_at(tb, kind, 0, due - 1), CLOCK_DUE_SOON);
	ck_assert_int_eq(state_at(tb, kind, 0, due), CLOCK_DUE_SOON);
	ck_assert_int_eq(state_at(tb, kind, 0, due + 1), CLOCK_OVERDUE);
}
