/*
 * Tests of the feed's renderers (exact iCalendar escaping and folding,
 * Prometheus lines, HTML escaping of hostile text, the JSON members), of
 * the privacy rule over a real store, and of the httpd's address rules.
 */
#include <check.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "caname.h"
#include "config.h"
#include "feed.h"
#include "httpd.h"
#include "netaddr.h"
#include "store.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define T0 1773403200 /* 2026-03-13T12:00:00Z */

static const char *hostile = "<script>alert('x')</script> & \"Q\"";

/* The value of a hex digit, or -1. */
static int
query_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One %XX- and '+'-encoded query component, decoded (allocated). */
static char *
query_decode(const char *s, size_t len)
{
	struct buf b;
	size_t i;
	int hi, lo;

	buf_init(&b, 4096);
	for (i = 0; i < len; i++) {
		hi = lo = -1;
		if (s[i] == '%' && i + 2 < len) {
			hi = query_hex(s[i + 1]);
			lo = query_hex(s[i + 2]);
		}
		if (s[i] == '+')
			buf_addch(&b, ' ');
		else if (hi >= 0 && lo >= 0) {
			if (hi != 0 || lo != 0)
				buf_addch(&b, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_addch(&b, s[i]);
	}
	return buf_detach(&b);
}

/*
 * Parse a URL query string ("ca=NAME&state=ok&sort=due") into *q, as the
 * HTTP server hands the decoded pairs to feed_query_set.
 */
static void
query_parse(const char *query, struct feed_query *q)
{
	const char *p = query, *amp, *eq;
	char *name, *value;
	size_t len;

	memset(q, 0, sizeof *q);
	q->state = -1;
	while (*p != '\0') {
		amp = strchr(p, '&');
		len = amp != NULL ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq != NULL) {
			name = xstrndup(p, (size_t)(eq - p));
			value =
			    query_decode(eq + 1, len - (size_t)(eq - p) - 1);
			feed_query_set(q, name, value);
			free(name);
			free(value);
		}
		p += len;
		if (*p == '&')
			p++;
	}
}

/* Give a report bug one clock. */
static struct clock *
add_clock(struct report_bug *rb, enum clock_kind k, enum clock_state s,
    time_t due, int64_t start)
{
	struct clock *c;

	rb->result.clocks = xreallocarray(rb->result.clocks,
	    rb->result.nclocks + 1, sizeof *rb->result.clocks);
	c = &rb->result.clocks[rb->result.nclocks++];
	memset(c, 0, sizeof *c);
	c->kind = k;
	c->state = s;
	c->due = due;
	c->started_at = due - 86400 * 14;
	c->start_comment = start;
	c->stopped_by_comment = -1;
	c->version = POLICY_CCADB_3_2;
	if (s == CLOCK_OVERDUE)
		c->overdue_seconds = T0 - due;
	return c;
}

/* Fill one bug of a hand-made feed. */
static void
fill_bug(
    struct feed *f, size_t i, int64_t id, const char *summary, const char *ca)
{
	struct report_bug *rb = &f->report.bugs[i];

	rb->bug.id = id;
	rb->summary = xstrdup(summary);
	rb->status = xstrdup("ASSIGNED");
	xasprintf(&rb->url, "https://bugzilla.test/show_bug.cgi?id=%lld",
	    (long long)id);
	rb->result.exists = 1;
	rb->result.now = T0;
	rb->result.ca = xstrdup(ca);
	rb->result.ca_key = caname_key(ca);
	rb->result.whiteboard = xstrdup("");
	rb->result.resolution = xstrdup("");
	f->extra[i].assignee = xstrdup("rep@ca.test");
}

/*
 * A feed of two bugs: 100 (hostile summary, CA with TEXT specials) has an
 * overdue full report and an open question two days old; 200 runs fine.
 */
static void
make_feed(struct feed *f)
{
	struct report_bug *rb;
	struct question *q;

	memset(f, 0, sizeof *f);
	f->report.generated_at = f->report.as_of = T0;
	f->report.last_sync = T0 - 600;
	f->report.pin = POLICY_VERSION_AUTO;
	f->report.base_url = xstrdup("https://bugzilla.test");
	f->report.bugs = xcalloc(2, sizeof *f->report.bugs);
	f->report.nbugs = 2;
	f->extra = xcalloc(2, sizeof *f->extra);
	f->source = xstrdup("https://bugzilla.test");
	f->stale_after = 7200;
	f->bugs_tracked = f->bugs_open = 2;
	fill_bug(f, 0, 100, hostile, "Evil, CA; Inc\\");
	fill_bug(f, 1, 200, "Good CA: misissued OCSP", "Good CA");
	rb = &f->report.bugs[0];
	add_clock(rb, CLOCK_FULL_REPORT, CLOCK_OVERDUE, T0 - 86400, 0)->link =
	    xstrdup("https://bugzilla.test/show_bug.cgi?id=100#c0");
	rb->urgent = 0;
	rb->result.questions = xcalloc(1, sizeof *q);
	rb->result.nquestions = 1;
	q = &rb->result.questions[0];
	q->comment = 3;
	q->asked_by = xstrdup("ben@mozilla.test");
	q->asked_at = T0 - 2 * 86400;
	q->age_seconds = 2 * 86400;
	q->due = T0 + 5 * 86400;
	q->state = CLOCK_OK;
	q->link = xstrdup("https://bugzilla.test/show_bug.cgi?id=100#c3");
	f->extra[0].last_ca_comment = T0 - 3600;
	rb = &f->report.bugs[1];
	add_clock(rb, CLOCK_UPDATE, CLOCK_OK, T0 + 5 * 86400, 2);
	rb->urgent = 0;
}

START_TEST(test_ics_escape_exact)
{
	char *s;

	s = feed_ics_escape("a\\b;c,d\ne\r\x01");
	ck_assert_str_eq(s, "a\\\\b\\;c\\,d\\ne");
	free(s);
	s = feed_ics_escape("caf\xc3\xa9 \xff");
	ck_assert_str_eq(s, "caf\xc3\xa9 \xef\xbf\xbd");
	free(s);
}
END_TEST

START_TEST(test_ics_fold_octets)
{
	char line[200], *s, *p, *e;

	memset(line, 'a', 80);
	line[80] = '\0';
	s = feed_ics_fold(line);
	/* 75 octets, CRLF, a space and the 5 left, CRLF. */
	ck_assert_uint_eq(strlen(s), 75 + 3 + 5 + 2);
	ck_assert_int_eq(memcmp(s + 75, "\r\n aaaaa\r\n", 10), 0);
	free(s);
	/* A 2-octet character across octet 75 moves whole to the next line. */
	memset(line, 'a', 74);
	memcpy(line + 74, "\xc3\xa9xyz", 6);
	s = feed_ics_fold(line);
	ck_assert_int_eq(memcmp(s + 74, "\r\n \xc3\xa9xyz\r\n", 11), 0);
	free(s);
	/* Long text: no physical line passes 75 octets. */
	memset(line, 0, sizeof line);
	for (p = line; p + 3 < line + 190; p += 3)
		memcpy(p, "\xe2\x82\xac", 3);
	s = feed_ics_fold(line);
	for (p = s; (e = strstr(p, "\r\n")) != NULL; p = e + 2) {
		ck_assert_int_le(e - p, 75);
		/* Each line ends after a whole euro sign. */
		ck_assert_int_eq((unsigned char)e[-3], 0xe2);
	}
	free(s);
}
END_TEST

START_TEST(test_ics_events)
{
	struct feed f;
	char *s, *p;

	make_feed(&f);
	s = feed_to_ics(&f, NULL);
	ck_assert_ptr_nonnull(strstr(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "UID:ccwatch-100-full-report-0@ccwatch\r\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "UID:ccwatch-200-update-2@ccwatch\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "DTSTART:20260312T120000Z\r\n"));
	ck_assert_ptr_nonnull(strstr(s, "DTSTAMP:20260313T120000Z\r\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "SUMMARY:OVERDUE: Full incident report: bug 100 (Evil\\, CA\\; "
	    "Inc\\\\)\r\n"));
	for (p = s; *p != '\0'; p++)
		if (*p == '\n')
			ck_assert_int_eq(p[-1], '\r');
	free(s);
	s = feed_to_ics(&f, "good ca");
	ck_assert_ptr_null(strstr(s, "ccwatch-100-"));
	ck_assert_ptr_nonnull(strstr(s, "ccwatch-200-update-2@ccwatch"));
	free(s);
	/* Any spelling of the CA: case, punctuation, a legal form. */
	s = feed_to_ics(&f, "GOOD-CA Ltd.");
	ck_assert_ptr_null(strstr(s, "ccwatch-100-"));
	ck_assert_ptr_nonnull(strstr(s, "ccwatch-200-update-2@ccwatch"));
	free(s);
	feed_free(&f);
}
END_TEST

/* The number of lines of s that start with prefix. */
static int
count_lines(const char *s, const char *prefix)
{
	const char *p;
	int n = 0;

	for (p = s; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	}
	return n;
}

START_TEST(test_prom_lines)
{
	struct feed_counters c;
	struct feed f;
	char *s;

	make_feed(&f);
	s = feed_to_prom(&f, NULL);
	/* Labelled by CA (a label value escapes '\\' and '"'). */
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_clocks{ca=\"Evil, CA; Inc\\\\\",kind=\"full-report\","
	    "state=\"overdue\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_clocks{ca=\"Good CA\",kind=\"full-report\","
	    "state=\"overdue\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_clocks{ca=\"Good CA\",kind=\"update\",state=\"ok\"} "
	    "1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_clocks{ca=\"Good CA\",kind=\"response\",state=\"ok\"} "
	    "0\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "\nccwatch_bugs{ca=\"Good CA\",state=\"ok\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(
	    s, "\nccwatch_bugs{ca=\"Evil, CA; Inc\\\\\",state=\"ok\"} 0\n"));
	/* Every pair for each CA, no more: the cardinality is the CAs'. */
	ck_assert_int_eq(count_lines(s, "ccwatch_clocks{"), 2 * 6 * 5);
	ck_assert_int_eq(count_lines(s, "ccwatch_bugs{"), 2 * 6);
	ck_assert_int_eq(count_lines(s, "ccwatch_action_items{"), 2 * 5);
	ck_assert_ptr_nonnull(strstr(s, "\nccwatch_bugs_tracked 2\n"));
	ck_assert_ptr_nonnull(strstr(
	    s, "\nccwatch_open_question_age_seconds_bucket{le=\"86400\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_open_question_age_seconds_bucket{le=\"259200\"} 1\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "\nccwatch_open_question_age_seconds_count 1\n"));
	ck_assert_ptr_nonnull(strstr(
	    s, "\nccwatch_last_sync_success_timestamp_seconds 1773402600\n"));
	ck_assert_ptr_null(strstr(s, "ccwatch_outbox"));
	ck_assert_ptr_null(strstr(s, "_total"));
	free(s);
	feed_counters_init(&c);
	c.cycles_ok = 3;
	c.cycles_failed = 1;
	c.have_outbox = 1;
	c.outbox_depth = 4;
	c.dead_letters = 2;
	c.nchannels = 1;
	snprintf(c.channels[0].name, sizeof c.channels[0].name, "ma\"il");
	c.channels[0].pending = 3;
	c.channels[0].held = 1;
	c.channels[0].dead = 2;
	c.channels[0].last_success = 1773402000;
	c.channels[0].last_failure = 1773402600;
	c.channels[0].failures = 5;
	c.evaluations = 4;
	s = feed_to_prom(&f, &c);
	ck_assert_ptr_nonnull(strstr(s, "\nccwatch_evaluations_total 4\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "\nccwatch_sync_cycles_total{result=\"error\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_outbox_depth{channel=\"ma\\\"il\",state=\"pending\"} "
	    "3\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_outbox_depth{channel=\"ma\\\"il\",state=\"held\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_outbox_depth{channel=\"ma\\\"il\",state=\"dead\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nccwatch_outbox_dead_letters 2\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\nccwatch_channel_last_failure_timestamp_seconds{channel="
	    "\"ma\\\"il\"}"
	    " 1773402600\n"));
	ck_assert_ptr_nonnull(
	    strstr(s, "\nccwatch_channel_failures{channel=\"ma\\\"il\"} 5\n"));
	ck_assert_ptr_null(strstr(s, "ccwatch_bugzilla_requests_total"));
	free(s);
	feed_free(&f);
}
END_TEST

START_TEST(test_html_hostile_text)
{
	struct feed f;
	char *s;

	make_feed(&f);
	s = feed_to_html(&f, NULL);
	/* One script, the page's own, last; the hostile one is text. */
	ck_assert_ptr_nonnull(strstr(s, "<script>(function(){"));
	ck_assert_ptr_null(strstr(strstr(s, "<script>") + 1, "<script"));
	ck_assert_ptr_null(strstr(strstr(s, "<script>"), "alert("));
	ck_assert_ptr_nonnull(strstr(s,
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
	    "&quot;Q&quot;"));
	ck_assert_ptr_nonnull(strstr(s, "Evil, CA; Inc\\"));
	/* The CA link is percent-encoded in its href. */
	ck_assert_ptr_nonnull(strstr(s, "?ca=Evil%2C%20CA%3B%20Inc%5C"));
	free(s);
	s = feed_html_escape("a<b>&\"'");
	ck_assert_str_eq(s, "a&lt;b&gt;&amp;&quot;&#39;");
	free(s);
	feed_free(&f);
}
END_TEST

/* The operator's holds and an ambiguous date show under the deadlines. */
START_TEST(test_html_holds_and_ambiguous)
{
	struct feed f;
	struct clock *c;
	char *s;

	make_feed(&f);
	strlist_add(
	    &f.extra[0].holds, "snoozed until 2026-03-20T00:00:00Z: <b>");
	strlist_add(&f.extra[1].holds,
	    "acknowledged: update (overdue level 1) at 2026-03-12T00:00:00Z");
	c = &f.report.bugs[1].result.clocks[0];
	strlist_add(&c->warnings,
	    "Next update: ambiguous date '3-1-2023' (2023-03-01 or "
	    "2023-01-03)");
	s = feed_to_html(&f, NULL);
	ck_assert_ptr_nonnull(strstr(s,
	    "<div class=\"hold\">snoozed until "
	    "2026-03-20T00:00:00Z: &lt;b&gt;</div>"));
	ck_assert_ptr_nonnull(strstr(s,
	    "<div class=\"hold\">acknowledged: "
	    "update (overdue level 1)"));
	ck_assert_ptr_nonnull(strstr(s,
	    "<div class=\"hold amb\">ambiguous "
	    "date (Regular update): Next update: ambiguous "
	    "date &#39;3-1-2023&#39;"));
	/* Each under its own bug's row. */
	ck_assert_ptr_null(strstr(strstr(s, "data-bug=\"200\""), "snoozed"));
	free(s);
	feed_free(&f);
}
END_TEST

START_TEST(test_html_order_and_filter)
{
	struct feed_query q;
	struct feed f;
	char *s, *a, *b;

	make_feed(&f);
	s = feed_to_html(&f, NULL);
	a = strstr(s, "id=100\"");
	b = strstr(s, "id=200\"");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b); /* overdue first */
	ck_assert_ptr_nonnull(strstr(s, "class=\"badge\">Overdue<"));
	free(s);
	query_parse("ca=good+ca&state=ok&sort=due&x=%3C", &q);
	ck_assert_str_eq(q.ca, "good ca");
	ck_assert_int_eq(q.state, 2);
	ck_assert_str_eq(q.sort, "due");
	s = feed_to_html(&f, &q);
	ck_assert_ptr_null(strstr(s, "id=100\""));
	ck_assert_ptr_nonnull(strstr(s, "id=200\""));
	free(s);
	feed_query_free(&q);
	query_parse("state=overdue&ca=%45vil%2C+CA%3B+Inc%5C", &q);
	s = feed_to_html(&f, &q);
	ck_assert_ptr_nonnull(strstr(s, "id=100\""));
	ck_assert_ptr_null(strstr(s, "id=200\""));
	free(s);
	feed_query_free(&q);
	feed_free(&f);
}
END_TEST

/*
 * The unfiltered page (the file on disk) carries its script, allowed by
 * its SHA-256 and by nothing else; a page the server filtered has none.
 */
START_TEST(test_html_script_csp)
{
	struct feed_query q;
	struct feed f;
	unsigned char md[EVP_MAX_MD_SIZE], b64[128];
	unsigned int mdlen = 0;
	char *s, *start, *end, *want;

	make_feed(&f);
	s = feed_to_html(&f, NULL);
	start = strstr(s, "<script>");
	ck_assert_ptr_nonnull(start);
	start += strlen("<script>");
	end = strstr(start, "</script>");
	ck_assert_ptr_nonnull(end);
	EVP_Digest(
	    start, (size_t)(end - start), md, &mdlen, EVP_sha256(), NULL);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	xasprintf(&want,
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'sha256-%s'; img-src data:;",
	    (const char *)b64);
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_null(strstr(s, "unsafe-eval"));
	/* 'unsafe-inline' for the styles only. */
	ck_assert_ptr_null(
	    strstr(strstr(s, "unsafe-inline") + 1, "unsafe-inline"));
	/* Every row carries what the script filters and sorts on. */
	ck_assert_ptr_nonnull(
	    strstr(s, "<table data-static=\"1\" data-legal=\""));
	ck_assert_ptr_nonnull(strstr(s, " gmbh ag inc "));
	ck_assert_ptr_nonnull(strstr(s, "data-bug=\"100\""));
	ck_assert_ptr_nonnull(strstr(s, "data-ca=\"Evil, CA; Inc\\\""));
	/* ... and the CA key its ?ca= is compared by. */
	ck_assert_ptr_nonnull(strstr(s, "data-cakey=\"evilca\""));
	ck_assert_ptr_nonnull(strstr(s, "data-cakey=\"goodca\""));
	ck_assert_ptr_nonnull(strstr(s, "<tr id=\"empty\" hidden>"));
	free(want);
	free(s);
	query_parse("state=overdue", &q);
	s = feed_to_html(&f, &q);
	ck_assert_ptr_null(strstr(s, "<script"));
	ck_assert_ptr_null(strstr(s, "script-src"));
	ck_assert_ptr_null(strstr(s, "data-static"));
	free(s);
	feed_query_free(&q);
	feed_free(&f);
}
END_TEST

START_TEST(test_json_members)
{
	struct feed f;
	json_t *j, *b0;
	char *s;

	make_feed(&f);
	s = feed_to_json(&f);
	j = json_loads(s, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "schema")), FEED_SCHEMA);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(j, "last_sync_age_seconds")),
	    600);
	ck_assert(json_is_false(json_object_get(j, "stale")));
	ck_assert_int_eq(
	    json_integer_value(json_object_get(
		json_object_get(json_object_get(j, "counts"), "by_state"),
		"overdue")),
	    1);
	b0 = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(b0, "id")), 100);
	ck_assert_str_eq(
	    json_string_value(json_object_get(b0, "summary")), hostile);
	ck_assert_str_eq(
	    json_string_value(json_object_get(b0, "assignee")), "rep@ca.test");
	ck_assert_str_eq(
	    json_string_value(json_object_get(b0, "last_ca_comment")),
	    "2026-03-13T11:00:00Z");
	ck_assert_str_eq(
	    json_string_value(json_object_get(b0, "state")), "overdue");
	ck_assert_int_eq(json_array_size(json_object_get(b0, "questions")), 1);
	json_decref(j);
	free(s);
	f.report.last_sync = T0 - 3 * 3600;
	s = feed_to_json(&f);
	ck_assert_ptr_nonnull(strstr(s, "\"stale\": true"));
	free(s);
	feed_free(&f);
}
END_TEST

/* Store a bug with a description and an optional second comment. */
static void
put_bug(struct store *st, int64_t id, const char *summary, int restricted,
    int private_question)
{
	struct bug b;
	struct comment c;
	char *cause = NULL;

	memset(&b, 0, sizeof b);
	b.id = id;
	b.summary = (char *)summary;
	b.status = (char *)"ASSIGNED";
	b.resolution = (char *)"";
	b.is_open = 1;
	b.whiteboard = (char *)"";
	b.product = (char *)"CA Program";
	b.component = (char *)"CA Certificate Compliance";
	b.creator = (char *)"rep@exampleca.test";
	b.assigned_to = (char *)"rep@exampleca.test";
	b.creation_time = T0 - 10 * 86400;
	b.last_change_time = T0 - 86400;
	b.comment_count = 2;
	if (restricted)
		strlist_add(&b.groups, "ca-program-security");
	ck_assert_int_eq(store_put_bug(st, &b, &cause), 0);
	strlist_free(&b.groups);
	memset(&c, 0, sizeof c);
	c.id = id * 10;
	c.bug_id = id;
	c.count = 0;
	c.creator = (char *)"rep@exampleca.test";
	c.time = T0 - 10 * 86400;
	c.text = (char *)"Preliminary incident report.";
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	if (!private_question)
		return;
	c.id = id * 10 + 1;
	c.count = 1;
	c.creator = (char *)"ben@mozilla.com";
	c.time = T0 - 2 * 86400;
	c.text = (char *)"Why was the secret key exposed?";
	c.is_private = 1;
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
}

/* Load a feed of the test store at T0. */
static void
load(struct store *st, int include, struct feed *f)
{
	struct feed_options o;
	struct policy_options po;
	struct people p;
	char *cause = NULL;

	people_defaults(&p);
	policy_options_defaults(&po);
	memset(&o, 0, sizeof o);
	o.include_restricted = include;
	o.stale_after = 7200;
	ck_assert_int_eq(feed_load(st, &p, &po, T0, &o, f, &cause), 0);
	people_free(&p);
}

/* 1 if any rendering of f holds needle. */
static int
any_output_has(const struct feed *f, const char *needle)
{
	char *s[4];
	int i, found = 0;

	s[0] = feed_to_json(f);
	s[1] = feed_to_ics(f, NULL);
	s[2] = feed_to_prom(f, NULL);
	s[3] = feed_to_html(f, NULL);
	for (i = 0; i < 4; i++) {
		found |= strstr(s[i], needle) != NULL;
		free(s[i]);
	}
	return found;
}

START_TEST(test_privacy_default_and_allowed)
{
	struct store *st;
	struct feed f;
	char *cause = NULL, *s;

	st = store_open(":memory:", &cause);
	ck_assert_ptr_nonnull(st);
	put_bug(st, 1900001, "Example CA: public bug", 0, 1);
	put_bug(st, 1900002, "Example CA: SECRET restricted bug", 1, 0);
	load(st, 0, &f);
	ck_assert_uint_eq(f.report.nbugs, 1);
	ck_assert_int_eq(f.report.bugs[0].bug.id, 1900001);
	ck_assert_uint_eq(f.report.bugs[0].result.nquestions, 0);
	ck_assert_int_eq(f.hidden_bugs, 1);
	ck_assert_int_eq(f.hidden_comments, 1);
	ck_assert(!any_output_has(&f, "1900002"));
	ck_assert(!any_output_has(&f, "SECRET"));
	ck_assert(!any_output_has(&f, "#c1"));
	ck_assert(!any_output_has(&f, "-response-"));
	s = feed_to_prom(&f, NULL);
	ck_assert_ptr_nonnull(strstr(s, "\nccwatch_bugs_tracked 1\n"));
	free(s);
	feed_free(&f);
	load(st, 1, &f);
	ck_assert_uint_eq(f.report.nbugs, 2);
	ck_assert(any_output_has(&f, "1900002"));
	ck_assert(any_output_has(&f, "id=1900001#c1"));
	ck_assert(any_output_has(&f, "ccwatch-1900001-response-1@ccwatch"));
	feed_free(&f);
	store_close(st);
}
END_TEST

/* A private comment's action items reach no feed unless allowed. */
START_TEST(test_privacy_action_items)
{
	struct store *st;
	struct feed f;
	struct comment c;
	char *cause = NULL;

	st = store_open(":memory:", &cause);
	ck_assert_ptr_nonnull(st);
	put_bug(st, 1900003, "Example CA: items", 0, 0);
	memset(&c, 0, sizeof c);
	c.id = 19000031;
	c.bug_id = 1900003;
	c.count = 1;
	c.creator = (char *)"rep@exampleca.test";
	c.time = T0 - 9 * 86400;
	c.text = (char *)"| Action Item | Due Date | Status |\n|---|---|---|\n"
			 "| AI-1: Add a lint | 2030-01-01 | Ongoing |\n";
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	c.id = 19000032;
	c.count = 2;
	c.time = T0 - 8 * 86400;
	c.text = (char *)"| Action Item | Due Date | Status |\n|---|---|---|\n"
			 "| AI-1: Add a lint | 2030-01-01 | Delayed |\n"
			 "| AI-2: SECRETITEM | 2030-02-02 | Ongoing |\n";
	c.is_private = 1;
	ck_assert_int_eq(store_put_comment(st, &c, &cause), 0);
	load(st, 0, &f);
	ck_assert_uint_eq(f.report.nbugs, 1);
	ck_assert_uint_eq(f.report.bugs[0].result.plan.n, 1);
	ck_assert_int_eq(f.report.bugs[0].result.plan.items[0].row.status,
	    ACTIONITEM_ONGOING);
	ck_assert(!any_output_has(&f, "SECRETITEM"));
	ck_assert(!any_output_has(&f, "Delayed"));
	ck_assert(any_output_has(&f, "Add a lint"));
	feed_free(&f);
	load(st, 1, &f);
	ck_assert(any_output_has(&f, "SECRETITEM"));
	feed_free(&f);
	store_close(st);
}
END_TEST

START_TEST(test_write_file_atomic)
{
	struct stat sb;
	char *dir, *path, *data;
	char *cause = NULL;

	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/x.json", dir);
	ck_assert_int_eq(feed_write_file(path, "one", 3, 0, &cause), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0644);
	/* A feed that may hold restricted data is not world-readable. */
	ck_assert_int_eq(feed_write_file(path, "two!", 4, 1, &cause), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0640);
	data = testutil_read_file(path, NULL);
	ck_assert_str_eq(data, "two!");
	free(data);
	free(path);
	xasprintf(&path, "%s/missing/x.json", dir);
	ck_assert_int_eq(feed_write_file(path, "x", 1, 0, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	free(path);
	testutil_rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(test_httpd_listen_rules)
{
	struct httpd_options o;
	unsigned char sa[128];
	unsigned salen;
	int lo;
	char *cause = NULL;

	ck_assert_int_eq(
	    netaddr_parse_listen("127.0.0.1:8377", sa, &salen, &lo, &cause), 0);
	ck_assert_int_eq(lo, 1);
	ck_assert_int_eq(
	    netaddr_parse_listen("[::1]:80", sa, &salen, &lo, &cause), 0);
	ck_assert_int_eq(lo, 1);
	ck_assert_int_eq(
	    netaddr_parse_listen("0.0.0.0:80", sa, &salen, &lo, &cause), 0);
	ck_assert_int_eq(lo, 0);
	ck_assert_int_eq(
	    netaddr_parse_listen("localhost:80", sa, &salen, &lo, &cause), -1);
	free(cause);
	cause = NULL;
	memset(&o, 0, sizeof o);
	o.listen = "0.0.0.0:0";
	ck_assert_ptr_null(httpd_start(&o, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "token_file"));
	free(cause);
}
END_TEST

START_TEST(test_etag_match)
{
	ck_assert(httpd_etag_matches("\"abc\"", "\"abc\""));
	ck_assert(httpd_etag_matches("\"x\", W/\"abc\"", "\"abc\""));
	ck_assert(httpd_etag_matches("*", "\"abc\""));
	ck_assert(!httpd_etag_matches("\"abcd\"", "\"abc\""));
	ck_assert(!httpd_etag_matches(NULL, "\"abc\""));
}
END_TEST

START_TEST(test_config_feed_section)
{
	struct config *c;
	char *dir, *path, *cause = NULL;

	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/c.conf", dir);
	testutil_write_file(path,
	    "[feed]\nlisten = 8377\ndirectory = /tmp\n"
	    "include_restricted = yes\n");
	c = config_load(path, &cause);
	ck_assert_msg(c != NULL, "%s", cause);
	ck_assert_str_eq(c->feed_listen, "127.0.0.1:8377");
	ck_assert_str_eq(c->feed_directory, "/tmp");
	ck_assert_int_eq(c->feed_include_restricted, 1);
	ck_assert_int_eq(c->feed_connections, 64);
	config_free(c);
	c = config_default();
	ck_assert_ptr_null(c->feed_listen);
	ck_assert_int_eq(c->feed_include_restricted, 0);
	config_free(c);
	testutil_write_file(path, "[feed]\nlisten = example.org:80\n");
	ck_assert_ptr_null(config_load(path, &cause));
	ck_assert_ptr_nonnull(strstr(cause, ":2: "));
	free(cause);
	free(path);
	testutil_rmdir(dir);
	free(dir);
}
END_TEST

static Suite *
feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc;

	tc = tcase_create("ics");
	tcase_add_test(tc, test_ics_escape_exact);
	tcase_add_test(tc, test_ics_fold_octets);
	tcase_add_test(tc, test_ics_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("prom");
	tcase_add_test(tc, test_prom_lines);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_test(tc, test_html_hostile_text);
	tcase_add_test(tc, test_html_script_csp);
	tcase_add_test(tc, test_html_order_and_filter);
	tcase_add_test(tc, test_html_holds_and_ambiguous);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_json_members);
	suite_add_tcase(s, tc);
	tc = tcase_create("privacy");
	tcase_add_test(tc, test_privacy_default_and_allowed);
	tcase_add_test(tc, test_privacy_action_items);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, test_write_file_atomic);
	suite_add_tcase(s, tc);
	tc = tcase_create("httpd");
	tcase_add_test(tc, test_httpd_listen_rules);
	tcase_add_test(tc, test_etag_match);
	tcase_add_test(tc, test_config_feed_section);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(feed_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
