/*
 * The oversight feed's metrics, metrics.prom (the Prometheus text format):
 * the clocks and bugs by CA, kind and state, the open questions' ages, the
 * freshness of the data and the daemon's counters.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ccwatch.h"
#include "feed.h"
#include "feed_int.h"
#include "utf8.h"
#include "xmalloc.h"

/* The buckets of open questions' ages, in seconds, and +Inf. */
static const long long feed_age_buckets[] = {
    86400, 3LL * 86400, 7LL * 86400, 14LL * 86400, 30LL * 86400};
#define FEED_NBUCKETS (sizeof feed_age_buckets / sizeof feed_age_buckets[0])

/* The kinds, for loops over every metric series. */
static const enum clock_kind feed_kinds[] = {CLOCK_INITIAL_REPORT,
    CLOCK_FULL_REPORT, CLOCK_RESPONSE, CLOCK_UPDATE, CLOCK_REVOCATION_UPDATE,
    CLOCK_ACTION_ITEM};

/* The health gauges of every channel: a long long of struct feed_channel. */
static const struct {
	const char *name;
	const char *help;
	size_t off;
} feed_channel_gauges[] = {
    {"ccwatch_channel_last_success_timestamp_seconds",
	"When a channel last delivered; 0 never.",
	offsetof(struct feed_channel, last_success)},
    {"ccwatch_channel_last_failure_timestamp_seconds",
	"When a channel's delivery last failed; 0 never.",
	offsetof(struct feed_channel, last_failure)},
    {"ccwatch_channel_failures",
	"A channel's failed attempts since its last success.",
	offsetof(struct feed_channel, failures)},
};
#define FEED_NGAUGES                                                           \
	(sizeof feed_channel_gauges / sizeof feed_channel_gauges[0])

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
	size_t i, g;

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
	for (g = 0; g < FEED_NGAUGES; g++) {
		feed_prom_head(b, feed_channel_gauges[g].name, "gauge",
		    feed_channel_gauges[g].help);
		for (i = 0; i < c->nchannels; i++)
			feed_prom_channel(b, feed_channel_gauges[g].name,
			    c->channels[i].name, NULL,
			    *(const long long *)((const char *)&c->channels[i] +
				feed_channel_gauges[g].off));
	}
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
	if (c->have_skew) {
		feed_prom_head(b, "ccwatch_bugzilla_clock_skew_seconds",
		    "gauge",
		    "Bugzilla's clock minus this host's at the last good "
		    "cycle; deadlines shift by it.");
		buf_printf(b, "ccwatch_bugzilla_clock_skew_seconds %lld\n",
		    c->clock_skew);
	}
	if (c->http_requests >= 0) {
		feed_prom_head(b, "ccwatch_http_requests_total", "counter",
		    "Requests answered by the feed's HTTP server.");
		buf_printf(
		    b, "ccwatch_http_requests_total %lld\n", c->http_requests);
	}
	if (c->have_outbox)
		feed_prom_outbox(b, c);
	if (c->store_reserve >= 0) {
		feed_prom_head(b, "ccwatch_store_reserve_ok", "gauge",
		    "1 while the store's reserve holds its size; 0 when a full "
		    "disk spent it and delivery is paused.");
		buf_printf(
		    b, "ccwatch_store_reserve_ok %d\n", c->store_reserve);
	}
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
	feed_track_prom(&b, f);
	feed_prom_questions(&b, f);
	feed_prom_sync(&b, f);
	if (c != NULL)
		feed_prom_counters(&b, c);
	return buf_detach(&b);
}
