/*
 * Reports over the store (see report.h): loading and sorting, then three
 * renderings.  Every string that came from Bugzilla goes through
 * report_clean before it reaches a terminal, so a summary holding ESC or CR
 * cannot move the cursor or recolour the screen; the JSON carries the text
 * as it is, escaped by jansson.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "report.h"
#include "report_int.h"
#include "timeutil.h"
#include "utf8.h"
#include "whiteboard.h"
#include "xmalloc.h"

/* Widest CA column of the table. */
#define REPORT_CA_WIDTH 22

#define REPORT_RESET    "\033[0m"

/* The order of urgency of a clock state, most urgent first. */
static int
report_state_rank(enum clock_state s)
{
	switch (s) {
	case CLOCK_OVERDUE:
		return 0;
	case CLOCK_DUE_SOON:
		return 1;
	case CLOCK_OK:
		return 2;
	case CLOCK_PAUSED:
		return 3;
	case CLOCK_MET:
		return 4;
	}
	return 5;
}

/* Compare two clocks by urgency: <0 when a is the more urgent. */
int
report_compare_clocks(const struct clock *a, const struct clock *b)
{
	int ra = report_state_rank(a->state), rb = report_state_rank(b->state);

	if (ra != rb)
		return ra - rb;
	if (a->state == CLOCK_OVERDUE &&
	    a->overdue_seconds != b->overdue_seconds)
		return a->overdue_seconds > b->overdue_seconds ? -1 : 1;
	if ((a->state == CLOCK_DUE_SOON || a->state == CLOCK_OK) &&
	    a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return 0;
}

/* The index of the most urgent clock of r, or -1 when it has none. */
int
report_urgent_clock(const struct policy_result *r)
{
	size_t i;
	int best = -1;

	for (i = 0; i < r->nclocks; i++) {
		if (best == -1 ||
		    report_compare_clocks(&r->clocks[i], &r->clocks[best]) < 0)
			best = (int)i;
	}
	return best;
}

/* The report's order of bugs: by their most urgent clock, then by id. */
int
report_compare_bugs(const struct report_bug *a, const struct report_bug *b)
{
	int c;

	if (a->urgent == -1 || b->urgent == -1) {
		if (a->urgent != b->urgent)
			return a->urgent == -1 ? 1 : -1;
	} else {
		c = report_compare_clocks(
		    &a->result.clocks[a->urgent], &b->result.clocks[b->urgent]);
		if (c != 0)
			return c;
	}
	if (a->bug.id != b->bug.id)
		return a->bug.id < b->bug.id ? -1 : 1;
	return 0;
}

/* report_compare_bugs for qsort. */
static int
report_qsort_bugs(const void *a, const void *b)
{
	return report_compare_bugs(a, b);
}

/*
 * A single-valued field as of t, as the policy engine reads it: the last
 * change at or before t, else what the first later change removed, else the
 * current value.  The history is oldest first.
 */
static const char *
report_field_at(const struct history_list *hl, const char *field,
    const char *current, time_t t)
{
	const char *v = NULL;
	size_t i, j;

	for (i = 0; i < hl->n; i++) {
		for (j = 0; j < hl->v[i].nchanges; j++) {
			if (strcmp(hl->v[i].changes[j].field, field) != 0)
				continue;
			if (hl->v[i].when > t)
				return v != NULL ? v
						 : hl->v[i].changes[j].removed;
			v = hl->v[i].changes[j].added;
		}
	}
	return v != NULL ? v : current;
}

/* A copy of s, "" for NULL. */
static char *
report_strdup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

/* 1 if the bug belongs to the CA name stands for. */
int
report_bug_in_ca(
    const struct report *rep, const struct report_bug *rb, const char *name)
{
	char *key;
	int in;

	if (rb->result.ca_key == NULL || name == NULL)
		return 0;
	key = caname_table_key(&rep->cas, name);
	in = *key != '\0' && strcmp(key, rb->result.ca_key) == 0;
	free(key);
	return in;
}

/* 1 if the evaluated bug passes the filter. */
static int
report_keep(const struct report *rep, const struct report_bug *rb,
    const struct report_filter *f)
{
	const struct policy_result *r = &rb->result;
	size_t i;
	int open = 0, state = f->state < 0;

	if (!r->exists)
		return 0;
	if (f->ca != NULL && !report_bug_in_ca(rep, rb, f->ca))
		return 0;
	if (!report_waiting_on(rb, f->waiting))
		return 0;
	for (i = 0; i < r->nclocks; i++) {
		if (r->clocks[i].state != CLOCK_MET)
			open = 1;
		if ((int)r->clocks[i].state == f->state)
			state = 1;
	}
	return state &&
	    (open || f->all ||
		(f->bug_id != 0 && f->bug_id != REPORT_OPEN_BUGS));
}

/* Evaluate one stored bug (taking ownership of *b) into *rb. */
static int
report_eval_bug(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t as_of, struct bug *b,
    struct report_bug *rb, char **cause)
{
	struct policy_options o = *opts;
	struct store_events ev;

	memset(rb, 0, sizeof *rb);
	rb->bug = *b;
	memset(b, 0, sizeof *b);
	rb->urgent = -1;
	if (store_get_events(st, rb->bug.id, &ev, cause) == -1)
		return -1;
	o.not_questions = ev.not_questions;
	o.n_not_questions = ev.n_not_questions;
	policy_eval(&rb->bug, &ev.comments, &ev.history, people, &o, as_of,
	    &rb->result);
	rb->urgent = report_urgent_clock(&rb->result);
	rb->summary = report_strdup(
	    report_field_at(&ev.history, "summary", rb->bug.summary, as_of));
	rb->status = report_strdup(
	    report_field_at(&ev.history, "status", rb->bug.status, as_of));
	xasprintf(&rb->url, "%s/show_bug.cgi?id=%lld", opts->base_url,
	    (long long)rb->bug.id);
	store_events_free(&ev);
	return 0;
}

/* Free what one bug of a report holds. */
void
report_bug_free(struct report_bug *rb)
{
	model_bug_free(&rb->bug);
	free(rb->summary);
	free(rb->status);
	free(rb->url);
	policy_result_free(&rb->result);
}

/* Count the bug towards the report's totals (before any filter). */
static void
report_count(struct report *r, const struct report_bug *rb)
{
	if (!rb->result.exists || rb->result.resolved)
		return;
	r->open_bugs++;
	if (rb->urgent == -1)
		return;
	if (rb->result.clocks[rb->urgent].state == CLOCK_OVERDUE)
		r->overdue++;
	else if (rb->result.clocks[rb->urgent].state == CLOCK_DUE_SOON)
		r->due_soon++;
}

/*
 * Read every stored bug (the CAs are named from all of them) and count
 * their CAs' spellings; a filter naming one bug that is not stored is an
 * error.
 */
static int
report_read_bugs(struct store *st, const struct people *people,
    const struct report_filter *f, struct report *out, struct bug_list *bl,
    char **cause)
{
	size_t i;
	int found = f->bug_id == 0 || f->bug_id == REPORT_OPEN_BUGS;

	if (store_list_bugs(st, 0, bl, cause) == -1)
		return -1;
	people_ca_names(people, &out->cas);
	for (i = 0; i < bl->n; i++) {
		people_ca_count(people, &bl->v[i], &out->cas);
		found |= bl->v[i].id == f->bug_id;
	}
	if (!found) {
		xasprintf(cause, "bug %lld is not in the store",
		    (long long)f->bug_id);
		return -1;
	}
	return 0;
}

/* 1 if a bug is stored as open: no resolution. */
static int
report_stored_open(const struct bug *b)
{
	return b->resolution == NULL || *b->resolution == '\0';
}

/* Show each kept bug's CA by its table name (its group's spelling). */
static void
report_name_cas(struct report *r)
{
	const char *shown;
	size_t i;

	for (i = 0; i < r->nbugs; i++) {
		shown = caname_table_show(&r->cas, r->bugs[i].result.ca_key);
		if (shown == NULL || r->bugs[i].result.ca == NULL)
			continue;
		free(r->bugs[i].result.ca);
		r->bugs[i].result.ca = xstrdup(shown);
	}
}

/* Load and evaluate the store's bugs into a sorted, filtered report. */
int
report_load(struct store *st, const struct people *people,
    const struct policy_options *opts, time_t as_of,
    const struct report_filter *f, struct report *out, char **cause)
{
	struct store_cursor cur;
	struct bug_list bl;
	struct report_bug rb;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&bl, 0, sizeof bl);
	out->generated_at = timeutil_now();
	out->as_of = as_of;
	out->pin = opts->pin;
	out->state_filter = f->state;
	out->base_url = xstrdup(opts->base_url);
	if (store_get_cursor(st, &cur, cause) == -1)
		goto out;
	out->last_sync = cur.last_sync;
	store_cursor_free(&cur);
	if (report_read_bugs(st, people, f, out, &bl, cause) == -1)
		goto out;
	out->bugs = xcalloc(bl.n > 0 ? bl.n : 1, sizeof *out->bugs);
	for (i = 0; i < bl.n; i++) {
		if (f->bug_id == REPORT_OPEN_BUGS
			? !report_stored_open(&bl.v[i])
			: f->bug_id != 0 && bl.v[i].id != f->bug_id)
			continue;
		if (report_eval_bug(
			st, people, opts, as_of, &bl.v[i], &rb, cause) == -1) {
			report_bug_free(&rb);
			goto out;
		}
		report_count(out, &rb);
		if (report_keep(out, &rb, f))
			out->bugs[out->nbugs++] = rb;
		else
			report_bug_free(&rb);
	}
	report_name_cas(out);
	qsort(out->bugs, out->nbugs, sizeof *out->bugs, report_qsort_bugs);
	rc = 0;
out:
	bug_list_free(&bl);
	if (rc == -1)
		report_free(out);
	return rc;
}

/* Free a report. */
void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nbugs; i++)
		report_bug_free(&r->bugs[i]);
	free(r->bugs);
	free(r->base_url);
	caname_table_free(&r->cas);
	memset(r, 0, sizeof *r);
}

/* A time as an ISO 8601 UTC string, or null for 0. */
json_t *
report_json_time(time_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	if (t == 0)
		return json_null();
	return json_string(timeutil_format_iso(t, iso));
}

/* A comment count, or null for -1. */
static json_t *
report_json_comment(int64_t count)
{
	if (count < 0)
		return json_null();
	return json_integer((json_int_t)count);
}

/* A copy of s with every byte of 0x80 and above as U+FFFD. */
char *
report_repair_bytes(const char *s)
{
	struct buf b;

	buf_init(&b, REPORT_MAX_TEXT);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x80)
			buf_addch(&b, *s);
		else
			buf_addstr(&b, "\xef\xbf\xbd");
	}
	return buf_detach(&b);
}

/* A string, or null for NULL; text that is not UTF-8 goes through repair. */
json_t *
report_json_text(const char *s, char *(*repair)(const char *))
{
	json_t *j;
	char *clean;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	clean = repair(s);
	j = json_string(clean);
	free(clean);
	return j != NULL ? j : json_string("");
}

/* The whiteboard as of the report, as the policy engine read it. */
static json_t *
report_json_whiteboard(const struct whiteboard *wb)
{
	json_t *j;
	char *s;

	s = whiteboard_to_json(wb);
	j = json_loads(s, 0, NULL);
	free(s);
	return j != NULL ? j : json_object();
}

/* One clock as JSON. */
static json_t *
report_json_clock(const struct policy_result *r, const struct clock *c)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:I, s:b, s:I,"
			 " s:b, s:o}",
	    "kind", policy_clock_kind_name(c->kind), "state",
	    policy_clock_state_name(c->state), "due", report_json_time(c->due),
	    "started_at", report_json_time(c->started_at), "start_comment",
	    report_json_comment(c->start_comment), "stopped_by_comment",
	    report_json_comment(c->stopped_by_comment), "policy_version",
	    policy_version_name(c->version), "overdue_seconds",
	    (json_int_t)c->overdue_seconds, "late", c->late, "late_by",
	    (json_int_t)c->late_by, "withdrawn", c->withdrawn, "item",
	    report_json_clock_item(r, c));
}

/* One open question as JSON. */
static json_t *
report_json_question(const struct question *q)
{
	return json_pack("{s:o, s:o, s:o, s:I, s:o, s:s, s:o, s:b, s:I, s:b}",
	    "comment", report_json_comment(q->comment), "asked_by",
	    report_json_text(q->asked_by, report_repair_bytes), "asked_at",
	    report_json_time(q->asked_at), "age_seconds",
	    (json_int_t)q->age_seconds, "due", report_json_time(q->due),
	    "state", policy_clock_state_name(q->state), "url",
	    report_json_text(q->link, report_repair_bytes), "late", q->late,
	    "late_by", (json_int_t)q->late_by, "withdrawn", q->withdrawn);
}

/* One bug as JSON. */
static json_t *
report_json_bug(const struct report_bug *rb)
{
	const struct policy_result *r = &rb->result;
	json_t *clocks, *questions;
	size_t i;

	clocks = json_array();
	for (i = 0; i < r->nclocks; i++)
		json_array_append_new(
		    clocks, report_json_clock(r, &r->clocks[i]));
	questions = json_array();
	for (i = 0; i < r->nquestions; i++) {
		if (r->questions[i].state == CLOCK_MET)
			continue;
		json_array_append_new(
		    questions, report_json_question(&r->questions[i]));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, "
			 "s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)rb->bug.id, "summary",
	    report_json_text(rb->summary, report_repair_bytes), "ca",
	    report_json_text(r->ca, report_repair_bytes), "ca_key",
	    report_json_text(r->ca_key, report_repair_bytes), "status",
	    report_json_text(rb->status, report_repair_bytes), "resolution",
	    report_json_text(r->resolution != NULL ? r->resolution : "",
		report_repair_bytes),
	    "restricted", r->restricted, "url",
	    report_json_text(rb->url, report_repair_bytes), "whiteboard",
	    report_json_whiteboard(&r->wb), "clocks", clocks, "questions",
	    questions, "action_items", report_json_items(rb),
	    "ready_for_closure", report_json_ready(rb), "waiting_on_program",
	    report_json_waiting(rb));
}

/* The report as status JSON. */
char *
report_to_json(const struct report *r)
{
	json_t *root = report_json_doc(r);
	char *s, *out;

	s = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (s == NULL)
		fatalx("report: cannot encode the status JSON");
	xasprintf(&out, "%s\n", s);
	free(s);
	return out;
}

/* The report as a JSON value. */
json_t *
report_json_doc(const struct report *r)
{
	json_t *root, *bugs;
	size_t i;

	bugs = json_array();
	for (i = 0; i < r->nbugs; i++)
		json_array_append_new(bugs, report_json_bug(&r->bugs[i]));
	root = json_pack("{s:o, s:o, s:s, s:o, s:o}", "generated_at",
	    report_json_time(r->generated_at), "as_of",
	    report_json_time(r->as_of), "policy",
	    r->pin == POLICY_VERSION_AUTO ? "auto"
					  : policy_version_name(r->pin),
	    "last_sync", report_json_time(r->last_sync), "bugs", bugs);
	if (root == NULL)
		fatalx("report: cannot build the status JSON");
	return root;
}

/* Untrusted text made safe for a terminal. */
char *
report_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	struct buf b;
	size_t n, k;
	char esc[UTF8_VISIBLE_MAX];

	buf_init(&b, REPORT_MAX_TEXT);
	while (*p != '\0') {
		n = utf8_len(p, SIZE_MAX);
		if (n == 0) {
			buf_addch(&b, '?');
			p++;
			continue;
		}
		if ((k = utf8_visible(p, n, esc)) > 0)
			buf_add(&b, esc, k); /* bidi, zero-width: <U+202E> */
		else if (*p == '\t' || *p == '\n')
			buf_addch(&b, ' ');
		else if (*p < 0x20 || *p == 0x7f ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0))
			; /* C0, DEL and C1 controls are dropped */
		else
			buf_add(&b, p, n);
		p += n;
	}
	return buf_detach(&b);
}

/* Format a positive duration as "2d 3h", "5h 10m" or "12m". */
void
report_format_span(long long s, char *buf, size_t size)
{
	long long d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;

	if (d > 0 && h > 0)
		snprintf(buf, size, "%lldd %lldh", d, h);
	else if (d > 0)
		snprintf(buf, size, "%lldd", d);
	else if (h > 0)
		snprintf(buf, size, "%lldh %lldm", h, m);
	else
		snprintf(buf, size, "%lldm", m > 0 ? m : 1);
}

/* A deadline relative to now. */
char *
report_format_relative(time_t due, time_t now, char *buf, size_t size)
{
	char span[64];

	if (due == now) {
		snprintf(buf, size, "now");
		return buf;
	}
	report_format_span(
	    due > now ? (long long)(due - now) : (long long)(now - due), span,
	    sizeof span);
	if (due > now)
		snprintf(buf, size, "in %s", span);
	else
		snprintf(buf, size, "%s overdue", span);
	return buf;
}

/* The number of characters (code points) of a UTF-8 string. */
static int
report_width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Append s padded with spaces to width characters (cut if longer). */
static void
report_add_cell(struct buf *b, const char *s, int width, int last)
{
	const char *p = s;
	int w = 0;

	while (*p != '\0' && w < width) {
		p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		w++;
	}
	if (*p != '\0' && width > 3) {
		/* Too long: cut three characters earlier and mark it. */
		p = s;
		w = 0;
		while (*p != '\0' && w < width - 3) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			w++;
		}
		buf_add(b, s, p - s);
		buf_addstr(b, "...");
		w += 3;
	} else
		buf_add(b, s, p - s);
	if (!last)
		while (w++ < width)
			buf_addch(b, ' ');
}

/* The ANSI colour of a state. */
static const char *
report_state_colour(enum clock_state s)
{
	switch (s) {
	case CLOCK_OVERDUE:
		return "\033[1;31m";
	case CLOCK_DUE_SOON:
		return "\033[33m";
	case CLOCK_OK:
		return "\033[32m";
	case CLOCK_PAUSED:
	case CLOCK_MET:
		return "\033[2m";
	}
	return "";
}

/* The table's cells of one bug's clock ci (-1: none). */
static void
report_clock_cells(const struct report *r, const struct report_bug *rb, int ci,
    const char **kind, const char **state, char *due, size_t size)
{
	const struct clock *c;

	*kind = "-";
	*state = rb->result.resolved ? "resolved" : "-";
	snprintf(due, size, "-");
	if (ci == -1)
		return;
	c = &rb->result.clocks[ci];
	*kind = policy_clock_kind_name(c->kind);
	*state = policy_clock_state_name(c->state);
	if (c->state == CLOCK_PAUSED)
		snprintf(due, size, "paused");
	else if (c->state == CLOCK_MET)
		snprintf(due, size, "met");
	else
		report_format_relative(c->due, r->as_of, due, size);
}

/* Write one table row: a bug and its clock ci (-1: none). */
static void
report_table_row(const struct report *r, const struct report_bug *rb, int ci,
    const struct report_style *style, int caw, struct buf *b)
{
	const struct actionitem *next = report_next_item(&rb->result);
	const char *kind, *state;
	char due[64], id[32], item[DATETEXT_ISO_LEN], *ca, *summary, *text;
	int used, rest;

	report_clock_cells(r, rb, ci, &kind, &state, due, sizeof due);
	if (next != NULL)
		datetext_format(next->row.due.date.year, next->row.due.date.mon,
		    next->row.due.date.day, item);
	else
		snprintf(item, sizeof item, "-");
	snprintf(id, sizeof id, "%lld", (long long)rb->bug.id);
	ca = report_clean(rb->result.ca != NULL ? rb->result.ca : "-");
	summary = report_clean(rb->summary);
	if (rb->result.restricted)
		xasprintf(&text, "[restricted] %s", summary);
	else
		text = xstrdup(summary);
	report_add_cell(b, id, 8, 0);
	buf_addch(b, ' ');
	report_add_cell(b, ca, caw, 0);
	buf_addch(b, ' ');
	report_add_cell(b, kind, 17, 0);
	buf_addch(b, ' ');
	if (style->colour && ci != -1)
		buf_addstr(b, report_state_colour(rb->result.clocks[ci].state));
	report_add_cell(b, state, 8, 0);
	if (style->colour && ci != -1)
		buf_addstr(b, REPORT_RESET);
	buf_addch(b, ' ');
	report_add_cell(b, due, 17, 0);
	buf_addch(b, ' ');
	report_add_cell(b, item, 10, 0);
	buf_addch(b, ' ');
	used = 8 + 1 + caw + 1 + 17 + 1 + 8 + 1 + 17 + 1 + 10 + 1;
	rest = style->width > 0 ? style->width - used : 1 << 20;
	report_add_cell(b, text, rest > 10 ? rest : 10, 1);
	buf_addch(b, '\n');
	free(ca);
	free(summary);
	free(text);
}

/* The width of the CA column: the widest name, within bounds. */
static int
report_ca_width(const struct report *r)
{
	size_t i;
	int w = 2, n;

	for (i = 0; i < r->nbugs; i++) {
		if (r->bugs[i].result.ca == NULL)
			continue;
		n = report_width(r->bugs[i].result.ca);
		if (n > w)
			w = n;
	}
	return w < REPORT_CA_WIDTH ? w : REPORT_CA_WIDTH;
}

/* Write the status table. */
void
report_write_table(
    const struct report *r, const struct report_style *style, FILE *f)
{
	struct buf b;
	size_t i, j;
	int caw = report_ca_width(r);

	buf_init(&b, REPORT_MAX_TEXT);
	if (style->colour)
		buf_addstr(&b, "\033[1m");
	report_add_cell(&b, "BUG", 8, 0);
	buf_addch(&b, ' ');
	report_add_cell(&b, "CA", caw, 0);
	buf_addch(&b, ' ');
	report_add_cell(&b, "CLOCK", 17, 0);
	buf_addch(&b, ' ');
	report_add_cell(&b, "STATE", 8, 0);
	buf_addch(&b, ' ');
	report_add_cell(&b, "DUE", 17, 0);
	buf_addch(&b, ' ');
	report_add_cell(&b, "NEXT ITEM", 10, 0);
	buf_addch(&b, ' ');
	buf_addstr(&b, "SUMMARY");
	if (style->colour)
		buf_addstr(&b, REPORT_RESET);
	buf_addch(&b, '\n');
	for (i = 0; i < r->nbugs; i++) {
		if (r->state_filter < 0) {
			report_table_row(
			    r, &r->bugs[i], r->bugs[i].urgent, style, caw, &b);
			continue;
		}
		/* A state filter: every clock of the bug in that state. */
		for (j = 0; j < r->bugs[i].result.nclocks; j++)
			if ((int)r->bugs[i].result.clocks[j].state ==
			    r->state_filter)
				report_table_row(
				    r, &r->bugs[i], (int)j, style, caw, &b);
	}
	(void)fputs(buf_str(&b), f);
	buf_free(&b);
}

/* What a clock is, in words. */
const char *
report_clock_title(enum clock_kind k)
{
	switch (k) {
	case CLOCK_INITIAL_REPORT:
		return "Initial incident report";
	case CLOCK_FULL_REPORT:
		return "Full incident report";
	case CLOCK_RESPONSE:
		return "Response to a question";
	case CLOCK_UPDATE:
		return "Regular update";
	case CLOCK_REVOCATION_UPDATE:
		return "Revocation-delay update";
	case CLOCK_ACTION_ITEM:
		return "Action item update";
	}
	return "Clock";
}

/* A time for a person: "2026-03-13 12:00:00 UTC". */
const char *
report_human_time(time_t t, char *buf, size_t size)
{
	char iso[TIMEUTIL_ISO_LEN];

	timeutil_format_iso(t, iso);
	iso[10] = ' ';
	iso[19] = '\0';
	snprintf(buf, size, "%s UTC", iso);
	return buf;
}

/* The state line of a clock, in words. */
static void
report_explain_state(
    const struct report *r, const struct clock *c, struct buf *b)
{
	char t1[64], t2[64], rel[64];

	switch (c->state) {
	case CLOCK_MET:
		buf_printf(b, "  Met at %s",
		    report_human_time(c->stopped_at, t1, sizeof t1));
		if (c->stopped_by_comment >= 0)
			buf_printf(b, " by comment %lld",
			    (long long)c->stopped_by_comment);
		if (c->withdrawn)
			buf_addstr(b,
			    ": withdrawn (its needinfo cleared by "
			    "someone not CA-side)");
		if (c->due != 0 && c->late) {
			report_format_span(c->late_by, rel, sizeof rel);
			buf_printf(b, "; it was due %s (late by %s: %lld s)",
			    report_human_time(c->due, t2, sizeof t2), rel,
			    c->late_by);
		} else if (c->due != 0)
			buf_printf(b, "; it was due %s (on time)",
			    report_human_time(c->due, t2, sizeof t2));
		buf_addstr(b, ".\n");
		break;
	case CLOCK_PAUSED:
		buf_addstr(b, "  Paused: no deadline runs now.\n");
		break;
	case CLOCK_OVERDUE:
		buf_printf(b, "  OVERDUE: it was due %s, %s.\n",
		    report_human_time(c->due, t1, sizeof t1),
		    report_format_relative(c->due, r->as_of, rel, sizeof rel));
		break;
	case CLOCK_DUE_SOON:
	case CLOCK_OK:
		buf_printf(b, "  %s: due %s, %s.\n",
		    c->state == CLOCK_DUE_SOON ? "Due soon" : "Running",
		    report_human_time(c->due, t1, sizeof t1),
		    report_format_relative(c->due, r->as_of, rel, sizeof rel));
		break;
	}
}

/* Explain one clock of a bug. */
static void
report_explain_clock(const struct report *r, const struct report_bug *rb,
    const struct clock *c, struct buf *b)
{
	const struct evidence *e;
	char t[64], *text;
	size_t i;

	buf_printf(b, "\n%s (%s, policy %s): %s\n", report_clock_title(c->kind),
	    policy_clock_kind_name(c->kind), policy_version_name(c->version),
	    policy_clock_state_name(c->state));
	if (c->item >= 0 && (size_t)c->item < rb->result.plan.n) {
		text = report_clean(
		    rb->result.plan.items[c->item].row.description);
		buf_printf(b, "  Item %s: %s\n",
		    rb->result.plan.items[c->item].key, text);
		free(text);
		buf_printf(b,
		    "  Started %s, the end of its due date; listed "
		    "in comment %lld.\n",
		    report_human_time(c->started_at, t, sizeof t),
		    (long long)c->start_comment);
	} else if (c->started_at != 0) {
		buf_printf(b, "  Started %s",
		    report_human_time(c->started_at, t, sizeof t));
		if (c->start_comment >= 0)
			buf_printf(
			    b, " by comment %lld", (long long)c->start_comment);
		if (c->asked_by != NULL) {
			text = report_clean(c->asked_by);
			buf_printf(b, ", asked by %s", text);
			free(text);
		}
		buf_addstr(b, ".\n");
	}
	report_explain_state(r, c, b);
	if (c->link != NULL) {
		text = report_clean(c->link);
		buf_printf(b, "  Link: %s\n", text);
		free(text);
	}
	if (c->nevidence > 0)
		buf_addstr(b, "  What happened:\n");
	for (i = 0; i < c->nevidence; i++) {
		e = &c->evidence[i];
		text = report_clean(e->text);
		buf_printf(b, "    %s  %s",
		    report_human_time(e->time, t, sizeof t), text);
		free(text);
		if (e->comment >= 0)
			buf_printf(
			    b, "  <%s#c%lld>", rb->url, (long long)e->comment);
		buf_addch(b, '\n');
	}
	for (i = 0; i < c->warnings.n; i++) {
		text = report_clean(c->warnings.v[i]);
		buf_printf(b, "  Warning: %s\n", text);
		free(text);
	}
}

/* Explain every clock of one bug. */
static void
report_explain_bug(
    const struct report *r, const struct report_bug *rb, struct buf *b)
{
	const struct policy_result *res = &rb->result;
	char t[64], *summary, *ca, *wb, *status, *resolution;
	size_t i;

	summary = report_clean(rb->summary);
	status = report_clean(rb->status);
	resolution = report_clean(res->resolution);
	ca = report_clean(res->ca != NULL ? res->ca : "(unknown)");
	wb = report_clean(res->whiteboard);
	buf_printf(
	    b, "Bug %lld: %s\n  %s\n", (long long)rb->bug.id, summary, rb->url);
	buf_printf(b, "  CA: %s; status %s%s%s; as of %s%s\n", ca, status,
	    *resolution != '\0' ? " " : "", resolution,
	    report_human_time(r->as_of, t, sizeof t),
	    res->restricted ? "; restricted (not public)" : "");
	if (*wb != '\0')
		buf_printf(b, "  Whiteboard: %s\n", wb);
	for (i = 0; i < res->warnings.n; i++) {
		free(wb);
		wb = report_clean(res->warnings.v[i]);
		buf_printf(b, "  Whiteboard warning: %s\n", wb);
	}
	if (res->nclocks == 0)
		buf_addstr(b,
		    res->resolved ? "\nThe bug is resolved: no clock runs.\n"
				  : "\nNo clock runs on this bug.\n");
	for (i = 0; i < res->nclocks; i++)
		report_explain_clock(r, rb, &res->clocks[i], b);
	report_explain_items(rb, b);
	free(summary);
	free(status);
	free(resolution);
	free(ca);
	free(wb);
}

/* Write the explanation of every bug of the report. */
void
report_write_explain(const struct report *r, FILE *f)
{
	struct buf b;
	size_t i;

	buf_init(&b, REPORT_MAX_TEXT);
	for (i = 0; i < r->nbugs; i++) {
		if (i > 0)
			buf_addch(&b, '\n');
		report_explain_bug(r, &r->bugs[i], &b);
	}
	(void)fputs(buf_str(&b), f);
	buf_free(&b);
}
