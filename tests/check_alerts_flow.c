/*
 * Tests of the alerts module's identity, flood shaping, failure handling
 * and previews: a state reached again is a new alert, a flood reaches
 * machine channels whole and people's channels bounded, and only definite
 * rejections are permanent.  Record channels, an on-disk store and the time
 * seam, as in check_alerts.c.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "config.h"
#include "notify.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_alerts.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define MODULE "bwilson@mozilla.com"

/* Store bug id filed at t with whiteboard wb, and its first comment. */
static void
put_bug(int64_t id, time_t t, const char *wb)
{
	struct bug b;
	struct comment c;
	char *cause = NULL;

	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	xasprintf(&b.summary, "Example CA: test incident %lld", (long long)id);
	b.id = id;
	b.status = xstrdup("NEW");
	b.resolution = xstrdup("");
	b.is_open = 1;
	b.whiteboard = xstrdup(wb);
	b.product = xstrdup("CA Program");
	b.component = xstrdup("CA Certificate Compliance");
	b.creator = xstrdup("reporter@community.test");
	b.assigned_to = xstrdup(CA_LOGIN);
	b.creation_time = b.last_change_time = t;
	b.comment_count = 1;
	ck_assert_msg(store_put_bug(test_st, &b, &cause) == 0, "%s", cause);
	c.id = test_next_comment++;
	c.bug_id = id;
	c.creator = xstrdup("reporter@community.test");
	c.time = t;
	c.text = xstrdup("Something went wrong.");
	ck_assert_msg(store_put_comment(test_st, &c, &cause) == 0, "%s", cause);
	model_comment_free(&c);
	model_bug_free(&b);
}

/* Change bug's whiteboard from old to wb at t, by who. */
static void
set_whiteboard(
    int64_t id, const char *old, const char *wb, const char *who, time_t t)
{
	struct bug b;
	struct history h;
	struct change ch;
	char *cause = NULL;

	ck_assert_int_eq(store_get_bug(test_st, id, &b, &cause), 1);
	free(b.whiteboard);
	b.whiteboard = xstrdup(wb);
	b.last_change_time = t;
	ck_assert_msg(store_put_bug(test_st, &b, &cause) == 0, "%s", cause);
	model_bug_free(&b);
	memset(&h, 0, sizeof h);
	ch.field = (char *)"whiteboard";
	ch.removed = (char *)old;
	ch.added = (char *)wb;
	h.bug_id = id;
	h.when = t;
	h.who = (char *)who;
	h.changes = &ch;
	h.nchanges = 1;
	ck_assert_msg(store_put_history(test_st, &h, &cause) == 0, "%s", cause);
}

#define WB_NEAR "[ca-compliance] Next update 2026-01-06"
#define WB_FAR  "[ca-compliance] Next update 2026-02-15"

/*
 * Bug 2014590's sequence: due-soon, the whiteboard moves the deadline out
 * (the first deadline is met: no longer applies), then back: the first
 * deadline is due soon again, and that is a third message, with an id of
 * its own, stable on the next cycles.
 */
START_TEST(test_state_reached_again_is_new_alert)
{
	struct notifier *n;
	const struct notify_record *r;
	char *first;

	afix_add_route("team", "rec", "update");
	n = afix_start("rec");
	put_bug(1, T0 - 10 * D, WB_NEAR);
	afix_put_comment(1, CA_LOGIN, T0 - 9 * D, "Preliminary report: ...");
	afix_put_comment(1, CA_LOGIN, T0 - 8 * D, "Full incident report: ...");
	afix_cycle(T0);
	ck_assert_uint_eq(notify_record_count(n), 1);
	r = notify_record_get(n, 0);
	ck_assert_str_eq(r->clock, "update");
	ck_assert_str_eq(r->state, "due-soon");
	first = xstrdup(r->id);

	set_whiteboard(1, WB_NEAR, WB_FAR, MODULE, T0 + H);
	afix_cycle(T0 + 2 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	r = notify_record_get(n, 1);
	ck_assert_str_eq(r->state, "met");
	/* Met says how: the whiteboard moved the deadline, and who did. */
	ck_assert_str_eq(r->reason_kind, "moved");
	ck_assert_str_eq(r->reason,
	    "deadline moved to 2026-02-15 by " MODULE " (whiteboard)");

	set_whiteboard(1, WB_FAR, WB_NEAR, MODULE, T0 + 3 * H);
	afix_cycle(T0 + 4 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	r = notify_record_get(n, 2);
	ck_assert_str_eq(r->state, "due-soon");
	ck_assert_str_ne(r->id, first);
	ck_assert_ptr_nonnull(strstr(r->id, "-t2"));
	/* Nothing more on the next cycles: the new id is in the ledger. */
	afix_cycle(T0 + 5 * H);
	afix_cycle(T0 + 6 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	free(first);
}
END_TEST

/* Run deliveries at t until the outbox is empty (at most max runs). */
static void
drain(time_t t, int max)
{
	struct alerts_counts c;
	struct alerts_stats s;
	char *cause = NULL;
	int i;

	for (i = 0; i < max; i++) {
		ck_assert_msg(
		    alerts_counts(test_st, &c, &cause) == 0, "%s", cause);
		if (c.pending == 0)
			return;
		memset(&s, 0, sizeof s);
		ck_assert_msg(
		    alerts_deliver(test_al, test_st, t, &s, &cause) == 0, "%s",
		    cause);
	}
	ck_assert_msg(alerts_counts(test_st, &c, &cause) == 0, "%s", cause);
	ck_assert_int_eq(c.pending, 0);
}

/*
 * A configured channel of a type, paced at rate, that afix_start() then
 * delivers through a record channel.
 */
static void
typed_channel(const char *name, const char *type, long long rate)
{
	struct config_channel *ch = config_add_channel(&test_cfg, name);

	free(ch->type);
	ch->type = xstrdup(type);
	ch->max_per_second = rate;
}

#define FLOOD 1200

/*
 * A flood of 1,200 transitions in one cycle: the webhook gets each alert
 * on its own, paced; mail and Slack get max_per_cycle alerts and then one
 * summary that lists 20 and counts the rest, with the dashboard's link.
 */
START_TEST(test_flood_shaped_per_channel)
{
	struct notifier *hook, *mail, *slack;
	const struct notify_record *r;
	struct alerts_stats s;
	size_t i, n;
	int64_t b;

	test_cfg.max_per_cycle = 20;
	test_cfg.public_url = xstrdup("https://ccwatch.example.org/");
	afix_add_route("all", "hook", "initial-report");
	strlist_add(&test_cfg.routes[0].channels, "mail");
	strlist_add(&test_cfg.routes[0].channels, "slack");
	typed_channel("hook", "webhook", 1000);
	typed_channel("mail", "smtp", 10);
	typed_channel("slack", "slack", 10);
	hook = afix_start("hook");
	mail = afix_start("mail");
	slack = afix_start("slack");
	for (b = 1; b <= FLOOD; b++)
		put_bug(b, T0, "[ca-compliance]");
	s = afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(s.transitions, FLOOD);
	ck_assert_uint_eq(s.summaries, 2);
	drain(T0 + 30 * H, 30);
	n = notify_record_count(hook);
	ck_assert_uint_eq(n, FLOOD);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(notify_record_get(hook, i)->digest, 0);
	ck_assert_uint_eq(notify_record_count(mail), 21);
	ck_assert_uint_eq(notify_record_count(slack), 21);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(notify_record_get(mail, i)->digest, 0);
	r = notify_record_get(mail, 20);
	ck_assert_int_eq(r->digest, 1);
	ck_assert_uint_eq(r->nitems, 20);
	ck_assert_uint_eq(r->more, FLOOD - 40);
	ck_assert_int_eq(r->more_url, 1);
	ck_assert_int_eq(notify_record_get(slack, 20)->digest, 1);
}
END_TEST

/* Only 400, 401, 403, 404 and 410 are definite: the rest is retried. */
START_TEST(test_http_definite_rejections)
{
	static const long permanent[] = {400, 401, 403, 404, 410};
	static const long retried[] = {
	    0, 302, 408, 409, 413, 422, 429, 500, 502, 503, 504};
	struct notify_failure fail;
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(permanent); i++) {
		memset(&fail, 0, sizeof fail);
		ck_assert_int_eq(
		    notify_http_classify(permanent[i], 0, &fail), -1);
		ck_assert_msg(fail.retryable == 0, "HTTP %ld", permanent[i]);
	}
	for (i = 0; i < CCWATCH_NELEM(retried); i++) {
		memset(&fail, 0, sizeof fail);
		ck_assert_int_eq(
		    notify_http_classify(retried[i], 0, &fail), -1);
		ck_assert_msg(fail.retryable == 1, "HTTP %ld", retried[i]);
	}
	ck_assert_int_eq(notify_http_classify(204, 0, &fail), 0);
}
END_TEST

/* Judge an SMTP transfer that ended with curl code rc and reply status. */
static int
smtp_judged_retryable(int rc, long status, const char *why)
{
	struct smtp_channel ch;
	struct http_response resp;
	struct notify_failure fail;
	struct notifier *n;
	const char *to[] = {"ca@example-ca.test"};
	char *cause = NULL;

	notify_smtp_channel_init(&ch);
	ch.url = "smtp://127.0.0.1:2525";
	ch.from = "ccwatch@example.org";
	ch.to = to;
	ch.nto = 1;
	ch.require_starttls = 0;
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_msg(n != NULL, "%s", cause);
	memset(&resp, 0, sizeof resp);
	memset(&fail, 0, sizeof fail);
	resp.code = rc;
	resp.status = status;
	ck_assert_int_eq(n->ops->judge(n,
			     rc == CURLE_OPERATION_TIMEDOUT ? HTTP_ERR_TIMEOUT
							    : HTTP_ERR_OTHER,
			     &resp, why, &fail, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "mail: smtp: "));
	free(cause);
	notify_free(n);
	return fail.retryable;
}

/*
 * SMTP: a recipient refused (5xx to RCPT) is definite; a 5xx after DATA
 * (curl's "Weird server reply"), a 4xx, a timeout or a refused login is
 * retried.
 */
START_TEST(test_smtp_definite_rejections)
{
	ck_assert_int_eq(
	    smtp_judged_retryable(CURLE_SEND_ERROR, 550, "RCPT failed: 550"),
	    0);
	ck_assert_int_eq(
	    smtp_judged_retryable(CURLE_SEND_ERROR, 450, "RCPT failed: 450"),
	    1);
	ck_assert_int_eq(smtp_judged_retryable(CURLE_WEIRD_SERVER_REPLY, 554,
			     "Weird server reply"),
	    1);
	ck_assert_int_eq(
	    smtp_judged_retryable(CURLE_SEND_ERROR, 554, "DATA failed: 554"),
	    1);
	ck_assert_int_eq(
	    smtp_judged_retryable(CURLE_OPERATION_TIMEDOUT, 0, "timed out"), 1);
	ck_assert_int_eq(
	    smtp_judged_retryable(CURLE_LOGIN_DENIED, 535, "Login denied"), 1);
}
END_TEST

/*
 * A failing channel is seen (health: warning, failures counted), its dead
 * letters too (critical); --retry-dead requeues them, and one success
 * clears both.
 */
START_TEST(test_failures_seen_and_retried)
{
	struct alerts_health h;
	struct notifier *n;
	char *cause = NULL;
	const char *ids[1];

	test_cfg.backoff_base = 60;
	afix_add_route("team", "rec", "initial-report");
	n = afix_start("rec");
	put_bug(1, T0, "[ca-compliance]");
	put_bug(2, T0, "[ca-compliance]");
	notify_record_fail_next(n, 2, 1, 0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(alerts_health(test_st, &test_cfg, &h, &cause), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.channels[0].channel, "rec");
	ck_assert_int_eq(h.channels[0].failures, 1);
	ck_assert_int_eq(h.channels[0].last_failure, T0 + 30 * H);
	ck_assert_int_eq(h.warning, 1);
	ck_assert_int_eq(h.critical, 0);
	ck_assert_ptr_nonnull(strstr(h.text, "channel rec failing"));
	alerts_health_free(&h);
	/* A definite rejection: a dead letter at once, and critical. */
	notify_record_fail_next(n, 2, 0, 0);
	afix_cycle(T0 + 32 * H);
	ck_assert_int_eq(alerts_health(test_st, &test_cfg, &h, &cause), 0);
	ck_assert_int_eq(h.dead, 2);
	ck_assert_int_eq(h.critical, 1);
	ck_assert_ptr_nonnull(strstr(h.text, "2 dead letters"));
	alerts_health_free(&h);
	/* Back in the queue: one by its id, then the rest. */
	ck_assert_str_eq(
	    notify_record_get(n, 0) == NULL ? "none" : "some", "none");
	ids[0] = "ccw-no-such-delivery";
	ck_assert_int_eq(
	    alerts_retry_dead(test_st, ids, 1, T0 + 33 * H, &cause), 0);
	ck_assert_int_eq(
	    alerts_retry_dead(test_st, NULL, 0, T0 + 33 * H, &cause), 2);
	afix_cycle(T0 + 33 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_int_eq(alerts_health(test_st, &test_cfg, &h, &cause), 0);
	ck_assert_int_eq(h.dead, 0);
	ck_assert_int_eq(h.warning, 0);
	ck_assert_int_eq(h.critical, 0);
	ck_assert_int_eq(h.channels[0].failures, 0);
	ck_assert_int_eq(h.channels[0].last_success, T0 + 33 * H);
	ck_assert_str_eq(h.text, "");
	alerts_health_free(&h);
}
END_TEST

/*
 * A moment to come is a dry run: what would fire is written, nothing is
 * queued, sent or recorded; when the moment comes the alert fires once.
 */
START_TEST(test_future_is_a_dry_run)
{
	struct notifier *n;
	struct alerts_stats s;
	struct alerts_counts c;
	char *buf = NULL, *cause = NULL;
	size_t len = 0;
	FILE *f;

	afix_add_route("team", "rec", "initial-report");
	n = afix_start("rec");
	put_bug(1, T0, "[ca-compliance]");
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	memset(&s, 0, sizeof s);
	ck_assert_msg(alerts_preview(test_al, test_st, &test_people, &test_opts,
			  T0 + 30 * H, f, &s, &cause) == 0,
	    "%s", cause);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(s.transitions, 1);
	ck_assert_ptr_nonnull(strstr(buf, "would fire ccw-1-initial-report-"));
	ck_assert_ptr_nonnull(strstr(buf, " due-soon level 0\n"));
	ck_assert_int_eq(alerts_counts(test_st, &c, &cause), 0);
	ck_assert_int_eq(c.alerts, 0);
	ck_assert_int_eq(c.pending + c.sent + c.dead, 0);
	ck_assert_uint_eq(notify_record_count(n), 0);
	s = afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(s.transitions, 1);
	ck_assert_uint_eq(notify_record_count(n), 1);
	free(buf);
}
END_TEST

/* The reason of a bug's last recorded met alert (the ledger's, as JSON). */
static char *
ledger_reason(int64_t bug)
{
	struct alerts_counts c;
	char *json, *cause = NULL, *out = NULL;
	json_t *o, *a;
	size_t i;

	ck_assert_int_eq(alerts_counts(test_st, &c, &cause), 0);
	json = alerts_to_json(test_st, T0, &cause);
	ck_assert_ptr_nonnull(json);
	o = json_loads(json, 0, NULL);
	json_array_foreach(json_object_get(o, "alerts"), i, a)
	{
		if (json_integer_value(json_object_get(a, "bug_id")) == bug &&
		    json_is_string(json_object_get(a, "reason"))) {
			free(out);
			out = xstrdup(
			    json_string_value(json_object_get(a, "reason")));
		}
	}
	json_decref(o);
	free(json);
	return out;
}

/*
 * Met says how: a CA comment that came late ("met by comment 3 (login),
 * 1 day late"), and a closed bug ("bug RESOLVED FIXED by login"); the
 * ledger keeps the reason with the alert.
 */
START_TEST(test_met_says_how)
{
	struct notifier *n;
	const struct notify_record *r;
	struct bug b;
	struct history h;
	struct change ch[2];
	char *cause = NULL, *reason;

	afix_add_route("team", "rec", "initial-report");
	n = afix_start("rec");
	put_bug(1, T0, "[ca-compliance]");
	put_bug(2, T0, "[ca-compliance]");
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_put_comment(1, CA_LOGIN, T0 + 97 * H, "Preliminary report: ...");
	afix_cycle(T0 + 98 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	r = notify_record_get(n, 2);
	ck_assert_str_eq(r->state, "met");
	ck_assert_str_eq(r->reason_kind, "met");
	/* put_comment numbers the comments after the bugs' first ones. */
	ck_assert_str_eq(
	    r->reason, "met by comment 3 (" CA_LOGIN "), 1 day 1 hour late");
	reason = ledger_reason(1);
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_nonnull(strstr(reason, "\"kind\":\"met\""));
	free(reason);
	/* Bug 2 is closed by a module owner. */
	ck_assert_int_eq(store_get_bug(test_st, 2, &b, &cause), 1);
	free(b.status);
	free(b.resolution);
	b.status = xstrdup("RESOLVED");
	b.resolution = xstrdup("FIXED");
	ck_assert_msg(store_put_bug(test_st, &b, &cause) == 0, "%s", cause);
	model_bug_free(&b);
	memset(&h, 0, sizeof h);
	ch[0].field = (char *)"status";
	ch[0].removed = (char *)"NEW";
	ch[0].added = (char *)"RESOLVED";
	ch[1].field = (char *)"resolution";
	ch[1].removed = (char *)"";
	ch[1].added = (char *)"FIXED";
	h.bug_id = 2;
	h.when = T0 + 99 * H;
	h.who = (char *)MODULE;
	h.changes = ch;
	h.nchanges = 2;
	ck_assert_msg(store_put_history(test_st, &h, &cause) == 0, "%s", cause);
	afix_cycle(T0 + 100 * H);
	ck_assert_uint_eq(notify_record_count(n), 4);
	r = notify_record_get(n, 3);
	ck_assert_int_eq(r->bug_id, 2);
	ck_assert_str_eq(r->reason_kind, "resolved");
	ck_assert_str_eq(r->reason, "bug RESOLVED FIXED by " MODULE);
}
END_TEST

/* Store a change of field from removed to added on bug by who at t. */
static void
put_change(int64_t id, const char *who, time_t t, const char *field,
    const char *removed, const char *added)
{
	struct history h;
	struct change ch;
	char *cause = NULL;

	memset(&h, 0, sizeof h);
	ch.field = (char *)field;
	ch.removed = (char *)removed;
	ch.added = (char *)added;
	h.bug_id = id;
	h.when = t;
	h.who = (char *)who;
	h.changes = &ch;
	h.nchanges = 1;
	ck_assert_msg(store_put_history(test_st, &h, &cause) == 0, "%s", cause);
}

/*
 * Met says how, when the deadline did not pass by the CA's answer: the
 * root program withdraws its question (clears its needinfo without a
 * reply), and a CA's Incident Closure Summary pauses the updates.
 */
START_TEST(test_met_withdrawn_and_paused)
{
	struct notifier *n;
	const struct notify_record *r;
	char *reason;

	afix_add_route("team", "rec", "response");
	afix_add_route("updates", "rec", "update");
	n = afix_start("rec");
	/* Bug 1: a question with needinfo on the CA, due in 7 days. */
	put_bug(1, T0 - 10 * D, "[ca-compliance] Next update 2026-03-01");
	afix_put_comment(1, CA_LOGIN, T0 - 9 * D, "Preliminary report: ...");
	afix_put_comment(1, CA_LOGIN, T0 - 8 * D, "Full incident report: ...");
	afix_put_comment(
	    1, MODULE, T0, "Please send the full list of serials.");
	put_change(
	    1, MODULE, T0, "flagtypes.name", "", "needinfo?(" CA_LOGIN ")");
	afix_cycle(T0 + 6 * D + 12 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	r = notify_record_get(n, 0);
	ck_assert_str_eq(r->clock, "response");
	ck_assert_str_eq(r->state, "due-soon");
	put_change(1, MODULE, T0 + 6 * D + 13 * H, "flagtypes.name",
	    "needinfo?(" CA_LOGIN ")", "");
	afix_cycle(T0 + 6 * D + 14 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	r = notify_record_get(n, 1);
	ck_assert_str_eq(r->clock, "response");
	ck_assert_str_eq(r->state, "met");
	ck_assert_str_eq(r->reason_kind, "withdrawn");
	ck_assert_str_eq(r->reason, "question withdrawn by " MODULE);
	reason = ledger_reason(1);
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_nonnull(strstr(reason, "\"kind\":\"withdrawn\""));
	free(reason);

	/* Bug 2: the update due soon, then the CA's closure summary. */
	put_bug(2, T0 - 3 * D, "[ca-compliance] Next update 2026-01-13");
	afix_put_comment(2, CA_LOGIN, T0 - 2 * D, "Preliminary report: ...");
	afix_put_comment(2, CA_LOGIN, T0 - D, "Full incident report: ...");
	afix_cycle(T0 + 7 * D);
	ck_assert_uint_eq(notify_record_count(n), 3);
	r = notify_record_get(n, 2);
	ck_assert_int_eq(r->bug_id, 2);
	ck_assert_str_eq(r->clock, "update");
	ck_assert_str_eq(r->state, "due-soon");
	afix_put_comment(2, CA_LOGIN, T0 + 7 * D + H,
	    "Incident Closure Summary\n\nIncident description: ...\n");
	afix_cycle(T0 + 7 * D + 2 * H);
	ck_assert_uint_eq(notify_record_count(n), 4);
	r = notify_record_get(n, 3);
	ck_assert_int_eq(r->bug_id, 2);
	ck_assert_str_eq(r->state, "met");
	ck_assert_str_eq(r->reason_kind, "paused");
	ck_assert_msg(strstr(r->reason,
			  "updates paused: Incident Closure "
			  "Summary by " CA_LOGIN " in comment") != NULL,
	    "%s", r->reason);
	reason = ledger_reason(2);
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_nonnull(strstr(reason, "\"kind\":\"paused\""));
	free(reason);
	/* Told once. */
	afix_cycle(T0 + 7 * D + 3 * H);
	ck_assert_uint_eq(notify_record_count(n), 4);
}
END_TEST

/* How many of n's records are in state. */
static size_t
count_state(struct notifier *n, const char *state)
{
	size_t i, c = 0;

	for (i = 0; i < notify_record_count(n); i++)
		c += strcmp(notify_record_get(n, i)->state, state) == 0;
	return c;
}

/*
 * Less noise by default: six weeks of a CA that updates on time every
 * week.  A route with notify_met = always hears a due-soon and a met each
 * week; the default (after-overdue) hears the due-soon only.  A deadline
 * that went overdue is still told met on both.
 */
START_TEST(test_met_after_overdue_only)
{
	struct notifier *quiet, *loud;
	struct config_route *r;
	struct alerts_counts c;
	char *cause = NULL;
	time_t t, last;
	int week;

	afix_add_route("quiet", "quiet", "update");
	r = afix_add_route("loud", "loud", "update");
	free(r->notify_met);
	r->notify_met = NULL;
	r->met = CONFIG_MET_ALWAYS;
	quiet = afix_start("quiet");
	loud = afix_start("loud");
	put_bug(1, T0, "[ca-compliance]");
	afix_put_comment(1, CA_LOGIN, T0 + H, "Preliminary report: ...");
	last = T0 + H;
	for (week = 1; week <= 6; week++) {
		for (t = last + 12 * H; t < last + 6 * D; t += 12 * H)
			afix_cycle(t);
		last += 6 * D;
		afix_put_comment(1, CA_LOGIN, last, "Weekly update: ...");
		afix_cycle(last + H);
	}
	(void)fprintf(stderr,
	    "notify_met: six weeks of on-time updates: %zu messages "
	    "(always) vs %zu (after-overdue), %.2f vs %.2f per bug per "
	    "week\n",
	    notify_record_count(loud), notify_record_count(quiet),
	    (double)notify_record_count(loud) / 6.0,
	    (double)notify_record_count(quiet) / 6.0);
	ck_assert_uint_eq(count_state(loud, "due-soon"), 6);
	ck_assert_uint_eq(count_state(loud, "met"), 6);
	ck_assert_uint_eq(count_state(quiet, "due-soon"), 6);
	ck_assert_uint_eq(count_state(quiet, "met"), 0);
	/*
	 * The ledger has every one all the same: 6 due-soon, 6 met, and the
	 * report clocks' own transitions.
	 */
	ck_assert_int_eq(alerts_counts(test_st, &c, &cause), 0);
	ck_assert_int_ge(c.alerts, 12);
	/* Late: overdue, then met, told on both routes. */
	for (t = last + 12 * H; t < last + 9 * D; t += 12 * H)
		afix_cycle(t);
	afix_put_comment(1, CA_LOGIN, last + 9 * D, "Sorry, late: ...");
	afix_cycle(last + 9 * D + H);
	ck_assert_uint_eq(count_state(quiet, "overdue"), 1);
	ck_assert_uint_eq(count_state(quiet, "met"), 1);
	ck_assert_uint_eq(count_state(loud, "met"), 7);
}
END_TEST

static Suite *
alerts_flow_suite(void)
{
	Suite *s = suite_create("alerts_flow");
	TCase *tc;

	tc = tcase_create("identity");
	tcase_add_checked_fixture(tc, afix_setup, afix_teardown);
	tcase_add_test(tc, test_state_reached_again_is_new_alert);
	tcase_add_test(tc, test_future_is_a_dry_run);
	tcase_add_test(tc, test_met_says_how);
	tcase_add_test(tc, test_met_withdrawn_and_paused);
	tcase_add_test(tc, test_met_after_overdue_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, afix_setup, afix_teardown);
	tcase_add_test(tc, test_http_definite_rejections);
	tcase_add_test(tc, test_smtp_definite_rejections);
	tcase_add_test(tc, test_failures_seen_and_retried);
	suite_add_tcase(s, tc);

	tc = tcase_create("flood");
	tcase_add_checked_fixture(tc, afix_setup, afix_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_flood_shaped_per_channel);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alerts_flow_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
