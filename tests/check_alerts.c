/*
 * Tests of the alerts module: transitions, the ledger across restarts,
 * outbox delivery (retries, dead letters), routing and the alerts
 * configuration, with the record channel, an on-disk store and the time
 * seam.  Noise control is tested in check_alerts_noise.c.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_int.h" /* the ledger read as rows */
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

START_TEST(test_transitions_once_each)
{
	struct notifier *n;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_assert_rec(n, 0, 1, "due-soon", 0);
	afix_cycle(T0 + 31 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 1, 1, "overdue", 1);
	afix_put_comment(1, CA_LOGIN, T0 + 80 * H, "We are looking into it.");
	afix_cycle(T0 + 81 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	afix_assert_rec(n, 2, 1, "met", 1);
	afix_cycle(T0 + 90 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM alerts"), 3);
	/* The delivery id is the alert's id. */
	ck_assert_str_eq(notify_record_get(n, 0)->id,
	    "ccw-1-initial-report-1767628800-1767888000-due-soon-0");
}
END_TEST

START_TEST(test_restart_no_duplicate)
{
	struct notifier *n;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	n = afix_restart("rec");
	afix_cycle(T0 + 30 * H);
	afix_cycle(T0 + 32 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM alerts"), 1);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM outbox"), 1);
}
END_TEST

START_TEST(test_transition_while_down)
{
	struct notifier *n;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	/* Down from T0+1h to T0+100h: due-soon and overdue both passed. */
	n = afix_restart("rec");
	afix_cycle(T0 + 100 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_assert_rec(n, 0, 1, "overdue", 1);
	n = afix_restart("rec");
	afix_cycle(T0 + 101 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
}
END_TEST

START_TEST(test_crash_before_mark_resends_same_id)
{
	struct notifier *n;
	struct alerts_stats s;
	char *cause = NULL, *id;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	memset(&s, 0, sizeof s);
	/* Evaluate only: the daemon dies before delivering. */
	ck_assert_msg(alerts_evaluate(test_al, test_st, &test_people,
			  &test_opts, T0 + 30 * H, &s, &cause) == 0,
	    "%s", cause);
	ck_assert_uint_eq(s.transitions, 1);
	n = afix_restart("rec");
	afix_cycle(T0 + 31 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	id = xstrdup(notify_record_get(n, 0)->id);
	/* A crash after the send, before the mark: the row is sent again. */
	ck_assert_int_eq(
	    afix_query("UPDATE outbox SET status = 'pending'"), -1);
	n = afix_restart("rec");
	afix_cycle(T0 + 32 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_str_eq(notify_record_get(n, 0)->id, id);
	free(id);
}
END_TEST

START_TEST(test_retry_backoff_then_success)
{
	struct notifier *n;
	struct alerts_stats s;
	time_t t = T0 + 30 * H;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	notify_record_fail_next(n, 2, 1, 0);
	testutil_log_begin();
	s = afix_cycle(t);
	ck_assert_uint_eq(s.failed, 1);
	afix_cycle(t + 59); /* the first retry waits 60 s */
	ck_assert_uint_eq(notify_record_attempts(n), 1);
	s = afix_cycle(t + 60);
	ck_assert_uint_eq(s.failed, 1);
	afix_cycle(t + 60 + 119); /* then 120 s */
	ck_assert_uint_eq(notify_record_attempts(n), 2);
	s = afix_cycle(t + 180);
	testutil_log_end();
	ck_assert_uint_eq(s.sent, 1);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
	ck_assert_int_eq(afix_query("SELECT attempts FROM outbox"), 3);
	afix_cycle(t + 10000);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
}
END_TEST

START_TEST(test_retry_after_honoured)
{
	struct notifier *n;
	time_t t = T0 + 30 * H;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	notify_record_fail_next(n, 1, 1, 900);
	testutil_log_begin();
	afix_cycle(t);
	afix_cycle(t + 899);
	testutil_log_end();
	ck_assert_uint_eq(notify_record_attempts(n), 1);
	afix_cycle(t + 900);
	ck_assert_uint_eq(notify_record_count(n), 1);
}
END_TEST

START_TEST(test_dead_letter_after_max_age)
{
	struct notifier *n;
	struct alerts_counts c;
	struct alerts_stats s;
	char *cause = NULL;
	time_t t = T0 + 30 * H;

	test_cfg.max_age = 2 * H;
	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	notify_record_fail_next(n, 1000, 1, 0);
	testutil_log_begin();
	afix_cycle(t);
	afix_cycle(t + H);
	s = afix_cycle(t + 2 * H);
	ck_assert_int_eq(testutil_log_count("DEAD LETTER"), 1);
	testutil_log_end();
	ck_assert_uint_eq(s.dead, 1);
	ck_assert_int_eq(alerts_counts(test_st, &c, &cause), 0);
	ck_assert_int_eq(c.dead, 1);
	ck_assert_int_eq(c.pending, 0);
	afix_cycle(t + 3 * H);
	ck_assert_int_eq(afix_query("SELECT attempts FROM outbox"), 3);
}
END_TEST

START_TEST(test_permanent_failure_dead_at_once)
{
	struct notifier *n;
	struct alerts_stats s;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	notify_record_fail_next(n, 1, 0, 0);
	testutil_log_begin();
	s = afix_cycle(T0 + 30 * H);
	testutil_log_end();
	ck_assert_uint_eq(s.dead, 1);
	ck_assert_uint_eq(notify_record_count(n), 0);
}
END_TEST

START_TEST(test_routing_by_ca_kind_state_level)
{
	struct notifier *team, *over, *met;
	struct config_route *r;

	r = afix_add_route("example-team", "team", NULL);
	strlist_add(&r->cas, "Example CA");
	strlist_add(&r->clocks, "initial-report");
	r = afix_add_route("overseers", "slack", NULL);
	strlist_add(&r->states, "overdue");
	r->min_level = 1;
	r = afix_add_route("closures", "met", "initial-report");
	strlist_add(&r->states, "met");
	team = afix_start("team");
	over = afix_start("slack");
	met = afix_start("met");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Other CA", "other-ca.test", T0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	afix_assert_rec(team, 0, 1, "due-soon", 0);
	ck_assert_uint_eq(notify_record_count(over), 0);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(team), 2);
	ck_assert_uint_eq(notify_record_count(over), 2);
	ck_assert_int_eq(notify_record_get(over, 0)->bug_id +
		notify_record_get(over, 1)->bug_id,
	    3);
	ck_assert_uint_eq(notify_record_count(met), 0);
	afix_put_comment(2, "compliance@other-ca.test", T0 + 74 * H, "On it.");
	afix_cycle(T0 + 75 * H);
	ck_assert_uint_eq(notify_record_count(met), 1);
	afix_assert_rec(met, 0, 2, "met", 1);
	ck_assert_uint_eq(notify_record_count(team), 2);
}
END_TEST

/*
 * A late answer is met and says how late; a route names its CA by any
 * spelling (case, punctuation, a legal form), and the alert shows the
 * configured name whatever the summary's spelling.
 */
START_TEST(test_met_late_and_ca_key)
{
	struct notifier *team, *late;
	struct config_route *r;
	struct bug b;
	char *cause = NULL;

	r = afix_add_route("team", "team", "initial-report");
	strlist_add(&r->cas, "EXAMPLE-CA Ltd");
	r = afix_add_route("late", "late", "initial-report");
	strlist_add(&r->states, "met");
	team = afix_start("team");
	late = afix_start("late");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Other CA", "other-ca.test", T0);
	ck_assert_int_eq(store_get_bug(test_st, 1, &b, &cause), 1);
	free(b.summary);
	b.summary = xstrdup("EXAMPLE CA Inc. - test incident 1");
	ck_assert_int_eq(store_put_bug(test_st, &b, &cause), 0);
	model_bug_free(&b);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(team), 1);
	afix_assert_rec(team, 0, 1, "overdue", 1);
	ck_assert_str_eq(notify_record_get(team, 0)->ca, "Example CA");
	ck_assert_int_eq(notify_record_get(team, 0)->late, 0);
	afix_put_comment(1, CA_LOGIN, T0 + 80 * H, "We are looking into it.");
	afix_cycle(T0 + 81 * H);
	ck_assert_uint_eq(notify_record_count(late), 1);
	afix_assert_rec(late, 0, 1, "met", 1);
	ck_assert_int_eq(notify_record_get(late, 0)->late, 1);
	ck_assert_int_eq(notify_record_get(late, 0)->late_by, 8 * H);
	/* A second later than due is late by one second. */
	afix_put_comment(
	    2, "compliance@other-ca.test", T0 + 72 * H + 1, "On it.");
	afix_cycle(T0 + 82 * H);
	ck_assert_uint_eq(notify_record_count(late), 2);
	ck_assert_int_eq(notify_record_get(late, 1)->late_by, 1);
	ck_assert_uint_eq(notify_record_count(team), 2);
}
END_TEST

START_TEST(test_resolved_bug_is_met)
{
	struct notifier *n;
	struct bug b;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_int_eq(store_get_bug(test_st, 1, &b, &cause), 1);
	free(b.resolution);
	b.resolution = xstrdup("INVALID");
	ck_assert_int_eq(store_put_bug(test_st, &b, &cause), 0);
	model_bug_free(&b);
	afix_cycle(T0 + 80 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 1, 1, "met", 1);
	afix_cycle(T0 + 90 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
}
END_TEST

START_TEST(test_private_data_per_route)
{
	struct notifier *n;
	struct config_route *r;
	struct bug b;
	char *cause = NULL;

	r = afix_add_route("open", "rec", "initial-report");
	r = afix_add_route("trusted", "rec2", "initial-report");
	r->private_data = 1;
	n = afix_start("rec");
	afix_start("rec2");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	ck_assert_int_eq(store_get_bug(test_st, 1, &b, &cause), 1);
	strlist_add(&b.groups, "security");
	ck_assert_int_eq(store_put_bug(test_st, &b, &cause), 0);
	model_bug_free(&b);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) FROM outbox WHERE route ="
		       " 'open' AND payload LIKE '%\"restricted\":true%'"),
	    1);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) FROM outbox WHERE route ="
		       " 'trusted' AND payload LIKE '%\"restricted\":false%'"),
	    1);
}
END_TEST

START_TEST(test_parsers)
{
	struct config_step steps[CONFIG_MAX_LADDER];
	long long secs;
	size_t n;
	int a, b;
	char *cause = NULL;

	ck_assert_int_eq(
	    config_parse_ladder("0h:1, 1d:2,72h:3", steps, &n, &cause), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(steps[1].after, D);
	ck_assert_int_eq(steps[2].level, 3);
	ck_assert_int_eq(
	    config_parse_ladder("24h:2, 0h:1", steps, &n, &cause), -1);
	free(cause);
	ck_assert_int_eq(timeutil_parse_duration("90m", &secs, &cause), 0);
	ck_assert_int_eq(secs, 5400);
	ck_assert_int_eq(timeutil_parse_duration("1w", &secs, &cause), -1);
	free(cause);
	ck_assert_int_eq(timeutil_parse_window("07:00-22:00", &a, &b, NULL), 0);
	ck_assert_int_eq(a, 420);
	ck_assert_int_eq(b, 1320);
	ck_assert_int_eq(
	    timeutil_parse_window("25:00-07:00", &a, &b, &cause), -1);
	free(cause);
	ck_assert_int_eq(timeutil_check_timezone("Europe/Berlin", NULL), 0);
	ck_assert_int_eq(timeutil_check_timezone("+05:30", NULL), 0);
	ck_assert_int_eq(timeutil_check_timezone("../etc/passwd", &cause), -1);
	free(cause);
}
END_TEST

START_TEST(test_listing_json)
{
	char *json, *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 30 * H);
	json = alerts_to_json(test_st, T0 + 30 * H, &cause);
	ck_assert_msg(json != NULL, "%s", cause);
	ck_assert_ptr_nonnull(strstr(json, "\"sent\": 1"));
	ck_assert_ptr_nonnull(strstr(json, "\"dead\": 0"));
	ck_assert_ptr_nonnull(strstr(json, "due-soon"));
	free(json);
}
END_TEST

START_TEST(test_evidence_is_one_line)
{
	sqlite3_stmt *stmt;
	json_t *payload;
	const char *ev;

	afix_add_route("all", "rec", "initial-report");
	afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	/* A hostile login: CR LF and a line that looks like a due date. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite(test_st),
			     "UPDATE bugs SET creator = 'evil' || char(13, 10) "
			     "|| 'Due: never' || char(10) || 'x@x.test'",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	afix_cycle(T0 + 30 * H);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(test_st),
			     "SELECT payload FROM outbox", -1, &stmt, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	payload =
	    json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
	sqlite3_finalize(stmt);
	ck_assert_ptr_nonnull(payload);
	ev = json_string_value(json_object_get(payload, "evidence"));
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_nonnull(
	    strstr(ev, "bug filed by evil  Due: never x@x.test"));
	ck_assert_ptr_null(strchr(ev, '\n'));
	ck_assert_ptr_null(strchr(ev, '\r'));
	json_decref(payload);
}
END_TEST

START_TEST(test_config_sections)
{
	struct config *cfg;
	const struct config_route *r;
	const struct config_channel *ch;
	char *conf, *secret, *text, *cause = NULL;

	xasprintf(&secret, "%s/hook.secret", test_dir);
	testutil_write_file(secret, "s3cret\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	xasprintf(&conf, "%s/c.conf", test_dir);
	xasprintf(&text,
	    "[alerts]\ndry_run = yes\nmax_per_cycle = 7\nmax_age = 2d\n"
	    "escalation = 0h:1, 24h:2\n"
	    "[route \"team\"]\nca = \"Example CA\"\nclock = initial-report\n"
	    "state = overdue, met\nlevel = 2\nchannels = hook\n"
	    "quiet_hours = 22:00-07:00\ntimezone = Europe/Berlin\n"
	    "digest_at = 08:30\nrepeat = 12h\nprivate_data = yes\n"
	    "[channel \"hook\"]\ntype = webhook\n"
	    "url = http://127.0.0.1:9/h\nsecret_file = %s\n",
	    secret);
	testutil_write_file(conf, text);
	cfg = config_load(conf, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_int_eq(cfg->alerts.dry_run, 1);
	ck_assert_int_eq(cfg->alerts.max_per_cycle, 7);
	ck_assert_int_eq(cfg->alerts.max_age, 2 * D);
	ck_assert_uint_eq(cfg->alerts.nladder, 2);
	ck_assert_uint_eq(cfg->alerts.nroutes, 1);
	r = &cfg->alerts.routes[0];
	ck_assert_str_eq(r->name, "team");
	ck_assert_int_eq(r->min_level, 2);
	ck_assert_int_eq(r->quiet_start, 22 * 60);
	ck_assert_int_eq(r->quiet_end, 7 * 60);
	ck_assert_int_eq(r->digest_min, 8 * 60 + 30);
	ck_assert_int_eq(r->repeat, 12 * H);
	ck_assert_int_eq(r->private_data, 1);
	ck_assert_uint_eq(r->states.n, 2);
	ch = &cfg->alerts.channels[0];
	ck_assert_str_eq(ch->type, "webhook");
	ck_assert_str_eq(ch->secret, "s3cret");
	config_free(cfg);
	free(text);

	testutil_write_file(conf,
	    "[route \"x\"]\nchannels = nope\n"
	    "timezone = Mars/Olympus\n"
	    "[channel \"m\"]\ntype = smtp\n");
	cfg = config_load(conf, &cause);
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_nonnull(strstr(cause, ":3: timezone:"));
	ck_assert_ptr_nonnull(strstr(
	    cause, ":4: [channel \"m\"]: url is required for an smtp channel"));
	ck_assert_ptr_nonnull(
	    strstr(cause, ":2: channels: no [channel \"nope\"] in this file"));
	free(cause);
	free(conf);
	free(secret);
}
END_TEST

/* The suite: ledger, delivery, routing and configuration. */
static Suite *
alerts_suite(void)
{
	Suite *s = suite_create("alerts");
	TCase *tc;

	tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_transitions_once_each);
	tcase_add_test(tc, test_restart_no_duplicate);
	tcase_add_test(tc, test_transition_while_down);
	tcase_add_test(tc, test_crash_before_mark_resends_same_id);
	tcase_add_test(tc, test_resolved_bug_is_met);
	tcase_add_test(tc, test_met_late_and_ca_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("delivery");
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_retry_backoff_then_success);
	tcase_add_test(tc, test_retry_after_honoured);
	tcase_add_test(tc, test_dead_letter_after_max_age);
	tcase_add_test(tc, test_permanent_failure_dead_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("routing");
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_routing_by_ca_kind_state_level);
	tcase_add_test(tc, test_private_data_per_route);
	tcase_add_test(tc, test_evidence_is_one_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_test(tc, test_parsers);
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_listing_json);
	tcase_add_test(tc, test_config_sections);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alerts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
