/*
 * The oversight feed (see feed.h): loading with the privacy rule, the JSON
 * feed, and writing the files.  The iCalendar is in feed_ics.c, the
 * Prometheus text in feed_prom.c, the dashboard page in feed_html.c and the
 * action items of each in feed_items.c.
 *
 * Privacy is applied after the policy engine ran over every comment, so a
 * clock keeps its true state (a CA's private answer still meets a
 * response clock), but nothing that would show a private comment is kept:
 * the questions and clocks it started, its comment number as what stopped
 * a clock, and the evidence lines naming it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "ccwatch.h"
#include "config.h"
#include "feed.h"
#include "feed_int.h"
#include "log.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "utf8.h"
#include "xmalloc.h"

/* The states, for the counts and every metric series. */
const enum clock_state feed_states[FEED_NSTATES] = {
    CLOCK_OVERDUE, CLOCK_DUE_SOON, CLOCK_OK, CLOCK_PAUSED, CLOCK_MET};

/* Set every counter unknown. */
void
feed_counters_init(struct feed_counters *c)
{
	memset(c, 0, sizeof *c);
	c->cycles_ok = c->cycles_failed = c->requests = c->http_requests = -1;
	c->evaluations = -1;
	c->store_reserve = -1;
}

/* 1 if count is in the sorted list of private comment counts. */
static int
feed_is_private(const int64_t *priv, size_t n, int64_t count)
{
	size_t i;

	if (count < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (priv[i] == count)
			return 1;
	return 0;
}

/* Free one clock's allocations. */
static void
feed_clock_free(struct clock *c)
{
	size_t i;

	free(c->asked_by);
	free(c->link);
	strlist_free(&c->warnings);
	for (i = 0; i < c->nevidence; i++)
		free(c->evidence[i].text);
	free(c->evidence);
}

/* Drop from one clock the evidence that names a private comment. */
static void
feed_strip_evidence(struct clock *c, const int64_t *priv, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < c->nevidence; i++) {
		if (feed_is_private(priv, n, c->evidence[i].comment)) {
			free(c->evidence[i].text);
			continue;
		}
		c->evidence[k++] = c->evidence[i];
	}
	c->nevidence = k;
	if (feed_is_private(priv, n, c->stopped_by_comment))
		c->stopped_by_comment = -1;
}

/* Leave out of r what private comments (counts priv) started or name. */
static void
feed_strip_private(struct policy_result *r, const int64_t *priv, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < r->nclocks; i++) {
		if (feed_is_private(priv, n, r->clocks[i].start_comment)) {
			feed_clock_free(&r->clocks[i]);
			continue;
		}
		feed_strip_evidence(&r->clocks[i], priv, n);
		r->clocks[k++] = r->clocks[i];
	}
	r->nclocks = k;
	k = 0;
	for (i = 0; i < r->nquestions; i++) {
		if (feed_is_private(priv, n, r->questions[i].comment)) {
			free(r->questions[i].asked_by);
			free(r->questions[i].link);
			continue;
		}
		r->questions[k++] = r->questions[i];
	}
	r->nquestions = k;
	for (i = 0; i < r->nwaiting; i++) {
		if (!feed_is_private(priv, n, r->waiting[i].comment))
			continue;
		r->waiting[i].comment = -1;
		free(r->waiting[i].text);
		xasprintf(&r->waiting[i].text, "closure requested by %s",
		    r->waiting[i].by);
	}
}

/*
 * Evaluate a bug again with its action items read from public comments
 * only (policy_options.public_plan): a private comment's list must not
 * reach the feed, not even as a status or a date.  Its clocks come out as
 * before; the CA keeps the name the report showed it by.
 */
static int
feed_public_plan(struct store *st, const struct people *people,
    const struct policy_options *popts, const struct comment_list *cl,
    struct report_bug *rb, char **cause)
{
	struct policy_options po = *popts;
	struct policy_result r;
	struct history_list hl;
	int64_t *marks = NULL;
	size_t nmarks = 0;
	char *ca;

	memset(&hl, 0, sizeof hl);
	if (store_get_history(st, rb->bug.id, &hl, cause) == -1 ||
	    store_list_not_questions(st, rb->bug.id, &marks, &nmarks, cause) ==
		-1) {
		history_list_free(&hl);
		free(marks);
		return -1;
	}
	po.not_questions = marks;
	po.n_not_questions = nmarks;
	po.public_plan = 1;
	policy_eval(&rb->bug, cl, &hl, people, &po, rb->result.now, &r);
	ca = r.ca;
	r.ca = rb->result.ca;
	rb->result.ca = ca;
	policy_result_free(&rb->result);
	rb->result = r;
	history_list_free(&hl);
	free(marks);
	return 0;
}

/*
 * Read a bug's comments: fill its extra facts from those a reader may see
 * and strip from its clocks what the others started.
 */
static int
feed_load_comments(struct store *st, const struct people *people,
    const struct policy_options *popts, const struct feed_options *o,
    struct report_bug *rb, struct feed_bug *fb, long long *hidden, char **cause)
{
	struct comment_list cl;
	const struct comment *c;
	int64_t *priv;
	size_t i, npriv = 0;

	memset(&cl, 0, sizeof cl);
	if (store_get_comments(st, rb->bug.id, &cl, cause) == -1)
		return -1;
	priv = xcalloc(cl.n + 1, sizeof *priv);
	for (i = 0; i < cl.n; i++) {
		c = &cl.v[i];
		if (c->time > rb->result.now)
			continue;
		if (c->is_private && !o->include_restricted) {
			priv[npriv++] = c->count;
			(*hidden)++;
			continue;
		}
		fb->comments++;
		if (!policy_comment_hidden(c) &&
		    people_side(people, &rb->bug, c->creator, c->time) ==
			SIDE_CA &&
		    c->time > fb->last_ca_comment)
			fb->last_ca_comment = c->time;
	}
	if (npriv > 0 && rb->result.plan.n > 0 &&
	    feed_public_plan(st, people, popts, &cl, rb, cause) == -1) {
		free(priv);
		comment_list_free(&cl);
		return -1;
	}
	if (npriv > 0) {
		feed_strip_private(&rb->result, priv, npriv);
		rb->urgent = report_urgent_clock(&rb->result);
	}
	fb->assignee =
	    rb->bug.assigned_to != NULL ? xstrdup(rb->bug.assigned_to) : NULL;
	free(priv);
	comment_list_free(&cl);
	return 0;
}

/* 1 if the feed shows the bug: open, or with a clock that is not met. */
static int
feed_shows(const struct report_bug *rb)
{
	size_t i;

	if (!rb->result.resolved)
		return 1;
	for (i = 0; i < rb->result.nclocks; i++)
		if (rb->result.clocks[i].state != CLOCK_MET)
			return 1;
	return 0;
}

/* Insertion sort of the kept bugs (with their extras) by urgency. */
static void
feed_sort(struct feed *f)
{
	struct report_bug rb;
	struct feed_bug fb;
	size_t i, j;

	for (i = 1; i < f->report.nbugs; i++) {
		rb = f->report.bugs[i];
		fb = f->extra[i];
		for (j = i; j > 0 &&
		     report_compare_bugs(&rb, &f->report.bugs[j - 1]) < 0;
		     j--) {
			f->report.bugs[j] = f->report.bugs[j - 1];
			f->extra[j] = f->extra[j - 1];
		}
		f->report.bugs[j] = rb;
		f->extra[j] = fb;
	}
}

/* Copy the cursor's facts into the feed. */
static int
feed_load_cursor(struct store *st, struct feed *f, char **cause)
{
	struct store_cursor cur;

	if (store_get_cursor(st, &cur, cause) == -1)
		return -1;
	f->last_attempt = cur.last_attempt;
	if (cur.last_error != NULL)
		f->last_error = xstrdup(cur.last_error);
	store_cursor_free(&cur);
	return 0;
}

/* Load the feed; see feed.h. */
int
feed_load(struct store *st, const struct people *people,
    const struct policy_options *popts, time_t as_of,
    const struct feed_options *o, struct feed *out, char **cause)
{
	struct report_filter filt;
	struct report r;

	memset(out, 0, sizeof *out);
	memset(&filt, 0, sizeof filt);
	filt.state = -1;
	filt.all = 1;
	if (report_load(st, people, popts, as_of, &filt, &r, cause) == -1)
		return -1;
	return feed_from_report(st, people, popts, o, &r, out, cause);
}

/*
 * Note on each bug shown the snoozes that hold at the feed's time and the
 * acknowledged clocks.  A snooze's reason is the operator's text: it is
 * shown only where the feed shows private data (include_restricted).
 */
static int
feed_load_holds(struct store *st, const struct feed_options *o, struct feed *f,
    char **cause)
{
	struct store_hold *h = NULL;
	char iso[TIMEUTIL_ISO_LEN], *line;
	size_t i, j, n = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if ((pass == 0 ? store_snooze_list(
				     st, f->report.as_of, &h, &n, cause)
			       : store_ack_list(st, &h, &n, cause)) == -1)
			return -1;
		for (i = 0; i < n; i++)
			for (j = 0; j < f->report.nbugs; j++) {
				if (f->report.bugs[j].bug.id != h[i].bug)
					continue;
				if (pass == 0)
					xasprintf(&line,
					    "snoozed%s%s until %s%s%s",
					    *h[i].kind != '\0' ? " " : "",
					    h[i].kind,
					    timeutil_format_iso(
						h[i].until, iso),
					    o->include_restricted ? ": " : "",
					    o->include_restricted ? h[i].reason
								  : "");
				else
					xasprintf(&line,
					    "acknowledged: %s (%s) at %s",
					    h[i].kind, h[i].reason,
					    timeutil_format_iso(
						h[i].set_at, iso));
				strlist_add(&f->extra[j].holds, line);
				free(line);
			}
		store_hold_free(h, n);
		h = NULL;
		n = 0;
	}
	return 0;
}

/* Make the feed of an evaluated report; see feed.h. */
int
feed_from_report(struct store *st, const struct people *people,
    const struct policy_options *popts, const struct feed_options *o,
    struct report *r, struct feed *out, char **cause)
{
	struct report_bug *rb;
	size_t i, n, k = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	out->report = *r;
	memset(r, 0, sizeof *r);
	out->source = xstrdup(o->source != NULL ? o->source : popts->base_url);
	out->stale_after = o->stale_after;
	out->private_data = o->include_restricted;
	n = out->report.nbugs;
	out->extra = xcalloc(n + 1, sizeof *out->extra);
	if (feed_load_cursor(st, out, cause) == -1) {
		feed_free(out); /* every bug, none looked at yet */
		return -1;
	}
	for (i = 0; i < n; i++) {
		rb = &out->report.bugs[i];
		if (rb->result.restricted && !o->include_restricted) {
			out->hidden_bugs++;
			report_bug_free(rb);
			continue;
		}
		out->bugs_tracked++;
		if (!rb->result.resolved)
			out->bugs_open++;
		if (!feed_shows(rb)) {
			report_bug_free(rb);
			continue;
		}
		out->report.bugs[k] = *rb;
		if (feed_load_comments(st, people, popts, o,
			&out->report.bugs[k], &out->extra[k],
			&out->hidden_comments, cause) == -1) {
			report_bug_free(&out->report.bugs[k]);
			goto out;
		}
		k++;
	}
	rc = 0;
out:
	out->report.nbugs = k;
	if (rc == 0)
		rc = feed_load_holds(st, o, out, cause);
	if (rc == -1) {
		/* Bug i is freed; those after it were not looked at. */
		for (i = i < n ? i + 1 : n; i < n; i++)
			report_bug_free(&out->report.bugs[i]);
		feed_free(out);
		return -1;
	}
	feed_sort(out);
	return 0;
}

/* A feed shared between the loop and the HTTP server's thread. */
struct feed_snap {
	int refs; /* atomic */
	struct feed feed;
};

/* Wrap a feed (taken over) in a snapshot with one reference. */
struct feed_snap *
feed_snap_new(struct feed *f)
{
	struct feed_snap *s = xcalloc(1, sizeof *s);

	s->refs = 1;
	s->feed = *f;
	memset(f, 0, sizeof *f);
	return s;
}

/* Take one more reference; accepts NULL. */
struct feed_snap *
feed_snap_ref(struct feed_snap *s)
{
	if (s != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

/* Drop a reference; the last frees the feed.  Accepts NULL. */
void
feed_snap_unref(struct feed_snap *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	feed_free(&s->feed);
	free(s);
}

/* The snapshot's feed, read-only. */
const struct feed *
feed_snap_feed(const struct feed_snap *s)
{
	return &s->feed;
}

/* Free a feed. */
void
feed_free(struct feed *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->extra != NULL)
		for (i = 0; i < f->report.nbugs; i++) {
			free(f->extra[i].assignee);
			strlist_free(&f->extra[i].holds);
		}
	free(f->extra);
	feed_track_free(f->track);
	report_free(&f->report);
	free(f->source);
	free(f->last_error);
	memset(f, 0, sizeof *f);
}

/* The state a bug is counted in: its most urgent clock's, or "none". */
const char *
feed_bug_state(const struct report_bug *rb)
{
	if (rb->urgent == -1)
		return "none";
	return policy_clock_state_name(rb->result.clocks[rb->urgent].state);
}

/* The age of the last sync at the feed's moment, or -1 if never. */
long long
feed_sync_age(const struct feed *f)
{
	if (f->report.last_sync == 0)
		return -1;
	return (long long)(f->report.generated_at - f->report.last_sync);
}

/* 1 if the data is stale: never synced, or older than stale_after. */
int
feed_is_stale(const struct feed *f)
{
	long long age = feed_sync_age(f);

	return age < 0 || (f->stale_after > 0 && age > f->stale_after);
}

/* The counts of bugs by their most urgent state. */
static json_t *
feed_json_counts(const struct feed *f)
{
	json_t *by = json_object();
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(feed_states); i++)
		json_object_set_new(by, policy_clock_state_name(feed_states[i]),
		    json_integer(0));
	json_object_set_new(by, "none", json_integer(0));
	for (i = 0; i < f->report.nbugs; i++) {
		const char *s = feed_bug_state(&f->report.bugs[i]);
		json_object_set_new(by, s,
		    json_integer(
			json_integer_value(json_object_get(by, s)) + 1));
	}
	return json_pack("{s:I, s:I, s:I, s:o}", "bugs_tracked",
	    (json_int_t)f->bugs_tracked, "bugs_open", (json_int_t)f->bugs_open,
	    "bugs_shown", (json_int_t)f->report.nbugs, "by_state", by);
}

/* The most urgent clock of a bug, or null. */
static json_t *
feed_json_urgent(const struct report_bug *rb)
{
	const struct clock *c;

	if (rb->urgent == -1)
		return json_null();
	c = &rb->result.clocks[rb->urgent];
	return json_pack("{s:s, s:s, s:o}", "kind",
	    policy_clock_kind_name(c->kind), "state",
	    policy_clock_state_name(c->state), "due", report_json_time(c->due));
}

/* Add the feed's members to one bug object of the status JSON. */
static void
feed_json_bug(
    json_t *jb, const struct report_bug *rb, const struct feed_bug *fb)
{
	json_object_set_new(
	    jb, "assignee", report_json_text(fb->assignee, feed_utf8_clean));
	json_object_set_new(
	    jb, "last_ca_comment", report_json_time(fb->last_ca_comment));
	json_object_set_new(jb, "comments", json_integer(fb->comments));
	json_object_set_new(jb, "state", json_string(feed_bug_state(rb)));
	json_object_set_new(jb, "urgent", feed_json_urgent(rb));
}

/* feed.json as a value: the status JSON with the feed's members. */
json_t *
feed_json(const struct feed *f)
{
	json_t *root, *bugs, *age;
	size_t i;

	root = report_json_doc(&f->report);
	bugs = json_object_get(root, "bugs");
	for (i = 0; i < f->report.nbugs && i < json_array_size(bugs); i++)
		feed_json_bug(
		    json_array_get(bugs, i), &f->report.bugs[i], &f->extra[i]);
	age =
	    feed_sync_age(f) < 0 ? json_null() : json_integer(feed_sync_age(f));
	json_object_set_new(root, "schema", json_string(FEED_SCHEMA));
	json_object_set_new(
	    root, "source", report_json_text(f->source, feed_utf8_clean));
	json_object_set_new(root, "last_sync_age_seconds", age);
	json_object_set_new(root, "stale", json_boolean(feed_is_stale(f)));
	json_object_set_new(
	    root, "stale_after_seconds", json_integer(f->stale_after));
	json_object_set_new(
	    root, "last_attempt", report_json_time(f->last_attempt));
	json_object_set_new(root, "last_error",
	    report_json_text(f->last_error, feed_utf8_clean));
	json_object_set_new(root, "counts", feed_json_counts(f));
	return root;
}

/* A feed document as text (indented, keys sorted, a final newline). */
char *
feed_json_text(json_t *root)
{
	char *s, *out;

	s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (s == NULL)
		fatalx("feed: cannot encode the feed JSON");
	xasprintf(&out, "%s\n", s);
	free(s);
	return out;
}

/* feed.json: the status JSON of the report, with the feed's members. */
char *
feed_to_json(const struct feed *f)
{
	json_t *root = feed_json(f);
	char *out = feed_json_text(root);

	json_decref(root);
	return out;
}

/*
 * A copy of s with each invalid UTF-8 byte replaced by U+FFFD; with
 * visible, bidi controls and zero-width characters shown as "<U+202E>"
 * (utf8_visible), for what people read.
 */
static char *
feed_utf8_copy(const char *s, int visible)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	size_t n, k;
	char esc[UTF8_VISIBLE_MAX];

	buf_init(&b, FEED_MAX_TEXT);
	while (*p != '\0') {
		n = utf8_len(p, SIZE_MAX);
		if (n == 0) {
			buf_addstr(&b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		k = visible ? utf8_visible(p, n, esc) : 0;
		if (k > 0)
			buf_add(&b, esc, k);
		else
			buf_add(&b, p, n);
		p += n;
	}
	return buf_detach(&b);
}

/* A copy of s with each invalid UTF-8 byte replaced by U+FFFD. */
char *
feed_utf8_clean(const char *s)
{
	return feed_utf8_copy(s, 0);
}

/* feed_utf8_clean, and bidi or zero-width characters as "<U+202E>". */
char *
feed_utf8_visible(const char *s)
{
	return feed_utf8_copy(s, 1);
}

/* s with UTF-8 repaired, each byte appended to a new string by one. */
char *
feed_escape(const char *s, void (*one)(struct buf *, char))
{
	struct buf b;
	char *clean;
	const char *p;

	buf_init(&b, FEED_MAX_TEXT);
	clean = feed_utf8_clean(s != NULL ? s : "");
	for (p = clean; *p != '\0'; p++)
		one(&b, *p);
	free(clean);
	return buf_detach(&b);
}

/*
 * Write data to path through a synced temporary file and a rename; 0640
 * when it may hold restricted bugs or private comments, else 0644.
 */
int
feed_write_file(
    const char *path, const char *data, size_t len, int private, char **cause)
{
	char *tmp;
	ssize_t n;
	size_t done = 0;
	int fd, rc = -1;

	xasprintf(&tmp, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		done += (size_t)n;
	}
	if (fchmod(fd, private ? 0640 : 0644) == -1 || fsync(fd) == -1)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* Write one rendering into dir/name and free it. */
static int
feed_write_one(const struct feed *f, const char *dir, const char *name,
    char *data, char **cause)
{
	char *path;
	int rc;

	xasprintf(&path, "%s/%s", dir, name);
	rc = feed_write_file(path, data, strlen(data), f->private_data, cause);
	free(path);
	free(data);
	return rc;
}

/* Write the five files into dir. */
int
feed_write_dir(const struct feed *f, const struct feed_counters *c,
    const char *dir, char **cause)
{
	json_t *root = feed_json(f);
	int rc;

	/* One document, written as feed/2, then taken back to feed/1. */
	rc = feed_write_one(f, dir, "feed.json", feed_json_text(root), cause);
	if (rc == 0) {
		feed_json_v1(root, f);
		rc = feed_write_one(
		    f, dir, "feed-v1.json", feed_json_text(root), cause);
	}
	json_decref(root);
	if (rc == -1 ||
	    feed_write_one(
		f, dir, "deadlines.ics", feed_to_ics(f, NULL), cause) == -1 ||
	    feed_write_one(f, dir, "metrics.prom", feed_to_prom(f, c), cause) ==
		-1 ||
	    feed_write_one(
		f, dir, "index.html", feed_to_html(f, NULL), cause) == -1 ||
	    feed_track_write_dir(f, dir, cause) == -1)
		return -1;
	return 0;
}

/* The feed's options from a configuration ([feed], the URL, stale_after). */
void
feed_options_from_config(struct feed_options *o, const struct config *c)
{
	memset(o, 0, sizeof *o);
	o->include_restricted = c->feed_include_restricted;
	o->source = c->url;
	o->stale_after = (long)c->stale_after;
}
