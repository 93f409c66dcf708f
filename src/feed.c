/*
 * The oversight feed (see feed.h): loading with the privacy rule, then the
 * JSON feed, the iCalendar and the Prometheus text.  The dashboard page is
 * in feed_html.c.
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
#include "timeutil.h"
#include "utf8.h"
#include "xmalloc.h"

/* The buckets of open questions' ages, in seconds, and +Inf. */
static const long long feed_age_buckets[] = {
    86400, 3LL * 86400, 7LL * 86400, 14LL * 86400, 30LL * 86400};
#define FEED_NBUCKETS (sizeof feed_age_buckets / sizeof feed_age_buckets[0])

/* The states and kinds, for loops over every metric series. */
static const enum clock_state feed_states[] = {
    CLOCK_OVERDUE, CLOCK_DUE_SOON, CLOCK_OK, CLOCK_PAUSED, CLOCK_MET};
static const enum clock_kind feed_kinds[] = {CLOCK_INITIAL_REPORT,
    CLOCK_FULL_REPORT, CLOCK_RESPONSE, CLOCK_UPDATE, CLOCK_REVOCATION_UPDATE,
    CLOCK_ACTION_ITEM};

/* Set every counter unknown. */
void
feed_counters_init(struct feed_counters *c)
{
	memset(c, 0, sizeof *c);
	c->cycles_ok = c->cycles_failed = c->requests = c->http_requests = -1;
	c->evaluations = -1;
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
		if (people_side(people, &rb->bug, c->creator, c->time) ==
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
		for (i = 0; i < f->report.nbugs; i++)
			free(f->extra[i].assignee);
	free(f->extra);
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

/* One series of a channel's metric: name{channel="...",state} value. */
static void
feed_prom_channel(struct buf *b, const char *name, const char *channel,
    const char *state, long long v)
{
	buf_printf(b, "%s{channel=\"", name);
	feed_prom_label(b, channel);
	if (state != NULL)
		buf_printf(b, "\",state=\"%s", state);
	buf_printf(b, "\"} %lld\n", v);
}

/* The outbox's metrics: depth by channel and state, health by channel. */
static void
feed_prom_outbox(struct buf *b, const struct feed_counters *c)
{
	const struct feed_channel *ch;
	size_t i;

	feed_prom_head(b, "ccwatch_outbox_depth", "gauge",
	    "Alert deliveries in the outbox, by channel and state.");
	for (i = 0; i < c->nchannels; i++) {
		ch = &c->channels[i];
		feed_prom_channel(b, "ccwatch_outbox_depth", ch->name,
		    "pending", ch->pending);
		feed_prom_channel(
		    b, "ccwatch_outbox_depth", ch->name, "held", ch->held);
		feed_prom_channel(
		    b, "ccwatch_outbox_depth", ch->name, "dead", ch->dead);
	}
	feed_prom_head(b, "ccwatch_outbox_dead_letters", "gauge",
	    "Alert deliveries given up on after their retries.");
	buf_printf(b, "ccwatch_outbox_dead_letters %lld\n", c->dead_letters);
	feed_prom_head(b, "ccwatch_channel_last_success_timestamp_seconds",
	    "gauge", "When a channel last delivered; 0 never.");
	for (i = 0; i < c->nchannels; i++)
		feed_prom_channel(b,
		    "ccwatch_channel_last_success_timestamp_seconds",
		    c->channels[i].name, NULL, c->channels[i].last_success);
	feed_prom_head(b, "ccwatch_channel_last_failure_timestamp_seconds",
	    "gauge", "When a channel's delivery last failed; 0 never.");
	for (i = 0; i < c->nchannels; i++)
		feed_prom_channel(b,
		    "ccwatch_channel_last_failure_timestamp_seconds",
		    c->channels[i].name, NULL, c->channels[i].last_failure);
	feed_prom_head(b, "ccwatch_channel_failures", "gauge",
	    "A channel's failed attempts since its last success.");
	for (i = 0; i < c->nchannels; i++)
		feed_prom_channel(b, "ccwatch_channel_failures",
		    c->channels[i].name, NULL, c->channels[i].failures);
}

/* Append a metric's HELP and TYPE lines. */
void
feed_prom_head(
    struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Append s as a label value: '\\', '"' and newline escaped, UTF-8 repaired. */
void
feed_prom_label(struct buf *b, const char *s)
{
	char *clean = feed_utf8_clean(s != NULL ? s : "");
	const char *p;

	for (p = clean; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			buf_addch(b, '\\');
		if (*p == '\n')
			buf_addstr(b, "\\n");
		else
			buf_addch(b, *p);
	}
	free(clean);
}

/*
 * The CAs of the feed, one bug standing for each (the first with its key;
 * bugs without a CA share one entry): indexes into the report's bugs,
 * allocated into *out.  The metrics are labelled by these, so their
 * number is bounded by the CAs, not the bugs.
 */
size_t
feed_prom_cas(const struct feed *f, size_t **out)
{
	const char *ki, *kj;
	size_t i, j, n = 0;

	*out = xcalloc(f->report.nbugs + 1, sizeof **out);
	for (i = 0; i < f->report.nbugs; i++) {
		ki = f->report.bugs[i].result.ca_key;
		for (j = 0; j < n; j++) {
			kj = f->report.bugs[(*out)[j]].result.ca_key;
			if ((ki == NULL && kj == NULL) ||
			    (ki != NULL && kj != NULL && strcmp(ki, kj) == 0))
				break;
		}
		if (j == n)
			(*out)[n++] = i;
	}
	return n;
}

/* 1 if bug i belongs to the CA bug c stands for. */
int
feed_prom_same_ca(const struct feed *f, size_t i, size_t c)
{
	const char *a = f->report.bugs[i].result.ca_key;
	const char *b = f->report.bugs[c].result.ca_key;

	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The clocks by CA, kind and state, every pair present for each CA. */
static void
feed_prom_clocks(
    struct buf *b, const struct feed *f, const size_t *cas, size_t ncas)
{
	const struct policy_result *r;
	size_t c, i, j, k, s;
	long long n;

	feed_prom_head(b, "ccwatch_clocks", "gauge",
	    "Clocks of the feed's bugs by CA, kind and state.");
	for (c = 0; c < ncas; c++)
		for (k = 0; k < CCWATCH_NELEM(feed_kinds); k++)
			for (s = 0; s < CCWATCH_NELEM(feed_states); s++) {
				n = 0;
				for (i = 0; i < f->report.nbugs; i++) {
					if (!feed_prom_same_ca(f, i, cas[c]))
						continue;
					r = &f->report.bugs[i].result;
					for (j = 0; j < r->nclocks; j++)
						n += r->clocks[j].kind ==
							feed_kinds[k] &&
						    r->clocks[j].state ==
							feed_states[s];
				}
				buf_addstr(b, "ccwatch_clocks{ca=\"");
				feed_prom_label(
				    b, f->report.bugs[cas[c]].result.ca);
				buf_printf(b,
				    "\",kind=\"%s\",state=\"%s\"} %lld\n",
				    policy_clock_kind_name(feed_kinds[k]),
				    policy_clock_state_name(feed_states[s]), n);
			}
}

/* The bugs: tracked, open, and by CA and their most urgent state. */
static void
feed_prom_bugs(
    struct buf *b, const struct feed *f, const size_t *cas, size_t ncas)
{
	static const char *states[] = {
	    "overdue", "due-soon", "ok", "paused", "met", "none"};
	size_t c, i, s;
	long long n;

	feed_prom_head(b, "ccwatch_bugs_tracked", "gauge",
	    "Bugs in the store that the feed may show.");
	buf_printf(b, "ccwatch_bugs_tracked %lld\n", f->bugs_tracked);
	feed_prom_head(
	    b, "ccwatch_bugs_open", "gauge", "Tracked bugs that are open.");
	buf_printf(b, "ccwatch_bugs_open %lld\n", f->bugs_open);
	feed_prom_head(b, "ccwatch_bugs", "gauge",
	    "Bugs of the feed by CA and the state of their most urgent "
	    "clock.");
	for (c = 0; c < ncas; c++)
		for (s = 0; s < CCWATCH_NELEM(states); s++) {
			n = 0;
			for (i = 0; i < f->report.nbugs; i++)
				n += feed_prom_same_ca(f, i, cas[c]) &&
				    strcmp(feed_bug_state(&f->report.bugs[i]),
					states[s]) == 0;
			buf_addstr(b, "ccwatch_bugs{ca=\"");
			feed_prom_label(b, f->report.bugs[cas[c]].result.ca);
			buf_printf(b, "\",state=\"%s\"} %lld\n", states[s], n);
		}
}

/* The open questions' ages as a histogram. */
static void
feed_prom_questions(struct buf *b, const struct feed *f)
{
	long long count[FEED_NBUCKETS + 1], total = 0, sum = 0, age;
	const struct policy_result *r;
	size_t i, j, k;

	memset(count, 0, sizeof count);
	for (i = 0; i < f->report.nbugs; i++) {
		r = &f->report.bugs[i].result;
		for (j = 0; j < r->nquestions; j++) {
			if (r->questions[j].state == CLOCK_MET)
				continue;
			age = r->questions[j].age_seconds;
			for (k = 0; k < FEED_NBUCKETS; k++)
				count[k] += age <= feed_age_buckets[k];
			total++;
			sum += age;
		}
	}
	feed_prom_head(b, "ccwatch_open_question_age_seconds", "histogram",
	    "Ages of the questions to CAs that are not answered.");
	for (k = 0; k < FEED_NBUCKETS; k++)
		buf_printf(b,
		    "ccwatch_open_question_age_seconds_bucket{le=\"%lld\"} "
		    "%lld\n",
		    feed_age_buckets[k], count[k]);
	buf_printf(b,
	    "ccwatch_open_question_age_seconds_bucket{le=\"+Inf\"} %lld\n"
	    "ccwatch_open_question_age_seconds_sum %lld\n"
	    "ccwatch_open_question_age_seconds_count %lld\n",
	    total, sum, total);
}

/* The freshness of the data. */
static void
feed_prom_sync(struct buf *b, const struct feed *f)
{
	feed_prom_head(b, "ccwatch_last_sync_success_timestamp_seconds",
	    "gauge", "When the last good sync ended; 0 if never.");
	buf_printf(b, "ccwatch_last_sync_success_timestamp_seconds %lld\n",
	    (long long)f->report.last_sync);
	feed_prom_head(b, "ccwatch_last_sync_attempt_timestamp_seconds",
	    "gauge", "When the last sync was tried; 0 if never.");
	buf_printf(b, "ccwatch_last_sync_attempt_timestamp_seconds %lld\n",
	    (long long)f->last_attempt);
	feed_prom_head(b, "ccwatch_last_sync_ok", "gauge",
	    "1 if the last sync tried succeeded.");
	buf_printf(b, "ccwatch_last_sync_ok %d\n",
	    f->last_error == NULL && f->report.last_sync != 0);
	feed_prom_head(b, "ccwatch_data_stale", "gauge",
	    "1 if the last good sync is older than stale_after.");
	buf_printf(b, "ccwatch_data_stale %d\n", feed_is_stale(f));
	feed_prom_head(b, "ccwatch_feed_generated_timestamp_seconds", "gauge",
	    "When this feed was generated.");
	buf_printf(b, "ccwatch_feed_generated_timestamp_seconds %lld\n",
	    (long long)f->report.generated_at);
}

/* The daemon's counters that are known. */
static void
feed_prom_counters(struct buf *b, const struct feed_counters *c)
{
	if (c->cycles_ok >= 0 && c->cycles_failed >= 0) {
		feed_prom_head(b, "ccwatch_sync_cycles_total", "counter",
		    "Sync cycles run by the daemon, by result.");
		buf_printf(b,
		    "ccwatch_sync_cycles_total{result=\"ok\"} %lld\n"
		    "ccwatch_sync_cycles_total{result=\"error\"} %lld\n",
		    c->cycles_ok, c->cycles_failed);
	}
	if (c->requests >= 0) {
		feed_prom_head(b, "ccwatch_bugzilla_requests_total", "counter",
		    "Requests made to Bugzilla by good cycles.");
		buf_printf(
		    b, "ccwatch_bugzilla_requests_total %lld\n", c->requests);
	}
	if (c->evaluations >= 0) {
		feed_prom_head(b, "ccwatch_evaluations_total", "counter",
		    "Evaluations of every stored bug's clocks, one a cycle.");
		buf_printf(
		    b, "ccwatch_evaluations_total %lld\n", c->evaluations);
	}
	if (c->http_requests >= 0) {
		feed_prom_head(b, "ccwatch_http_requests_total", "counter",
		    "Requests answered by the feed's HTTP server.");
		buf_printf(
		    b, "ccwatch_http_requests_total %lld\n", c->http_requests);
	}
	if (c->have_outbox)
		feed_prom_outbox(b, c);
}

/* The Prometheus text. */
char *
feed_to_prom(const struct feed *f, const struct feed_counters *c)
{
	struct buf b;
	size_t *cas, ncas;

	buf_init(&b, FEED_MAX_TEXT);
	ncas = feed_prom_cas(f, &cas);
	feed_prom_clocks(&b, f, cas, ncas);
	feed_prom_bugs(&b, f, cas, ncas);
	feed_prom_items(&b, f, cas, ncas);
	free(cas);
	feed_prom_questions(&b, f);
	feed_prom_sync(&b, f);
	if (c != NULL)
		feed_prom_counters(&b, c);
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
		f, dir, "index.html", feed_to_html(f, NULL), cause) == -1)
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
