/*
 * Tests of the alerts module's noise control: repeats and acks,
 * escalation, snoozes, quiet hours, digests, the per-cycle cap and dry
 * runs, with the record channel, an on-disk store and the time seam.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "config.h"
#include "notify.h"
#include "notify_record.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

START_TEST(test_repeat_and_ack)
{
	struct notifier *n;
	char *cause = NULL;
	struct config_route *r;

	r = afix_add_route("all", "rec", "initial-report");
	r->repeat = 24 * H;
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_cycle(T0 + 90 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_cycle(T0 + 97 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 1, 1, "overdue", 1);
	ck_assert_ptr_nonnull(strstr(notify_record_get(n, 1)->id, "-r.all.1"));
	afix_cycle(T0 + 98 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_int_eq(alerts_ack(test_st, 1, NULL, T0 + 100 * H, &cause), 1);
	afix_cycle(T0 + 121 * H);
	afix_cycle(T0 + 150 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
}
END_TEST

START_TEST(test_repeat_resumes_after_state_change)
{
	struct notifier *n;
	char *cause = NULL;
	struct config_route *r;

	test_cfg.ladder[1].after = 48 * H;
	test_cfg.ladder[1].level = 2;
	test_cfg.nladder = 2;
	r = afix_add_route("all", "rec", "initial-report");
	r->repeat = 12 * H;
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_int_eq(
	    alerts_ack(test_st, 1, "initial-report", T0 + 74 * H, &cause), 1);
	afix_cycle(T0 + 90 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	/* Level 2 at 48 h overdue: a change, so it fires and ends the ack. */
	afix_cycle(T0 + 121 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 1, 1, "overdue", 2);
	afix_cycle(T0 + 134 * H);
	ck_assert_uint_eq(notify_record_count(n), 3);
}
END_TEST

START_TEST(test_escalation_routes)
{
	struct notifier *all, *esc;
	struct config_route *r;

	ck_assert_int_eq(config_parse_ladder("0h:1, 24h:2, 72h:3",
			     test_cfg.ladder, &test_cfg.nladder, NULL),
	    0);
	afix_add_route("all", "rec", "initial-report");
	r = afix_add_route("managers", "esc", "initial-report");
	r->min_level = 2;
	all = afix_start("rec");
	esc = afix_start("esc");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(notify_record_count(all), 1);
	ck_assert_uint_eq(notify_record_count(esc), 0);
	afix_cycle(T0 + 97 * H);
	ck_assert_uint_eq(notify_record_count(all), 2);
	ck_assert_uint_eq(notify_record_count(esc), 1);
	afix_assert_rec(esc, 0, 1, "overdue", 2);
	afix_cycle(T0 + 145 * H);
	ck_assert_uint_eq(notify_record_count(esc), 2);
	afix_assert_rec(esc, 1, 1, "overdue", 3);
}
END_TEST

START_TEST(test_snooze_expiry)
{
	struct notifier *n;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	ck_assert_msg(
	    alerts_snooze(test_st, 1, NULL, T0 + 50 * H,
		"waiting for the CA's call", T0 + 20 * H, &cause) == 0,
	    "%s", cause);
	afix_cycle(T0 + 30 * H);
	afix_cycle(T0 + 49 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_cycle(T0 + 50 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_assert_rec(n, 0, 1, "due-soon", 0);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM snoozes"), 0);
}
END_TEST

START_TEST(test_snooze_cleared_by_comment)
{
	struct notifier *n;
	struct alerts_stats s;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	ck_assert_int_eq(alerts_snooze(test_st, 1, "initial-report",
			     T0 + 200 * H, "known", T0 + 20 * H, &cause),
	    0);
	/* Our own bot's comment changes nothing. */
	afix_put_comment(1, SELF, T0 + 21 * H, "Reminder: a report is due.");
	s = afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(s.cleared, 0);
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_put_comment(1, "reporter@community.test", T0 + 31 * H, "Any news");
	s = afix_cycle(T0 + 32 * H);
	ck_assert_uint_eq(s.cleared, 1);
	ck_assert_uint_eq(s.notes, 1);
	/* The held due-soon, and one note that the snooze ended. */
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 0, 1, "due-soon", 0);
	afix_assert_rec(n, 1, 1, "snooze-ended", 0);
	ck_assert_str_eq(notify_record_get(n, 1)->clock, "initial-report");
	ck_assert_str_eq(notify_record_get(n, 1)->reason_kind, "snooze-ended");
	ck_assert_msg(strstr(notify_record_get(n, 1)->reason,
			  "ended early by comment 3 by "
			  "reporter@community.test") != NULL,
	    "%s", notify_record_get(n, 1)->reason);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM snoozes"), 0);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM alerts WHERE state ="
				    " 'snooze-ended'"),
	    1);
	/* Told once: later cycles and later comments add nothing. */
	afix_put_comment(1, "reporter@community.test", T0 + 33 * H, "Again");
	s = afix_cycle(T0 + 34 * H);
	ck_assert_uint_eq(s.notes, 0);
	ck_assert_uint_eq(notify_record_count(n), 2);
}
END_TEST

START_TEST(test_unsnooze)
{
	struct notifier *n;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	ck_assert_int_eq(alerts_snooze(test_st, 1, NULL, T0 + 200 * H, "x",
			     T0 + 20 * H, &cause),
	    0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(alerts_unsnooze(test_st, 1, NULL, &cause), 1);
	afix_cycle(T0 + 31 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(
	    alerts_snooze(test_st, 1, NULL, T0, "past", T0 + H, &cause), -1);
	free(cause);
}
END_TEST

START_TEST(test_self_never_stops_a_clock)
{
	struct notifier *n;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	/* SELF is in the CA's domain, but it is our bot. */
	afix_put_comment(1, SELF, T0 + 10 * H, "Automated reminder.");
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_assert_rec(n, 0, 1, "due-soon", 0);
}
END_TEST

START_TEST(test_quiet_hours_hold_then_release)
{
	struct notifier *n;
	struct config_route *r;
	char *cause = NULL;

	r = afix_add_route("night", "rec", "initial-report");
	ck_assert_int_eq(timeutil_parse_window("22:00-07:00", &r->quiet_start,
			     &r->quiet_end, &cause),
	    0);
	r->timezone = xstrdup("Europe/Berlin");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	/* T0 + 30 h is 23:00 in Berlin (CET). */
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(afix_query("SELECT held FROM outbox"), 1);
	afix_cycle(T0 + 38 * H - 60);
	ck_assert_uint_eq(notify_record_count(n), 0);
	/* 07:00 in Berlin. */
	afix_cycle(T0 + 38 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
}
END_TEST

START_TEST(test_quiet_hours_fixed_offset)
{
	struct config_route r;
	time_t until = 0;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(timeutil_parse_window(
			     "22:00-07:00", &r.quiet_start, &r.quiet_end, NULL),
	    0);
	r.timezone = xstrdup("-05:00");
	/* T0 is 11:00 at -05:00: not quiet; 03:00Z is 22:00 there. */
	ck_assert_int_eq(alerts_quiet(&r, T0, &until), 0);
	ck_assert_int_eq(alerts_quiet(&r, T0 + 11 * H, &until), 1);
	ck_assert_int_eq(until, T0 + 20 * H);
	ck_assert_int_eq(alerts_quiet(&r, T0 + 20 * H, &until), 0);
	free(r.timezone);
}
END_TEST

/* Quiet hours inside one day hold alerts in the day, not at night. */
START_TEST(test_quiet_hours_same_day)
{
	struct config_route r;
	struct notifier *n;
	struct config_route *route;
	time_t until = 0;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(timeutil_parse_window(
			     "09:00-17:00", &r.quiet_start, &r.quiet_end, NULL),
	    0);
	r.timezone = xstrdup("UTC");
	/* T0 is Monday 16:00Z: quiet until 17:00. */
	ck_assert_int_eq(alerts_quiet(&r, T0, &until), 1);
	ck_assert_int_eq(until, T0 + H);
	ck_assert_int_eq(alerts_quiet(&r, T0 + H, &until), 0);
	ck_assert_int_eq(alerts_quiet(&r, T0 + 8 * H, &until), 0);
	ck_assert_int_eq(alerts_quiet(&r, T0 + 17 * H - 60, &until), 0);
	until = 0;
	ck_assert_int_eq(alerts_quiet(&r, T0 + 17 * H, &until), 1);
	ck_assert_int_eq(until, T0 + 25 * H);
	free(r.timezone);

	/* Delivered at once at 22:00; held at 10:00 until 17:00. */
	route = afix_add_route("office", "rec", "initial-report");
	ck_assert_int_eq(timeutil_parse_window("09:00-17:00",
			     &route->quiet_start, &route->quiet_end, &cause),
	    0);
	route->timezone = xstrdup("UTC");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_assert_rec(n, 0, 1, "due-soon", 0);
	afix_put_bug(2, "Example CA", "example-ca.test", T0 + 18 * H);
	afix_cycle(T0 + 42 * H); /* Wednesday 10:00 */
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) FROM outbox WHERE held = 1"), 1);
	afix_cycle(T0 + 49 * H - 60);
	ck_assert_uint_eq(notify_record_count(n), 1);
	afix_cycle(T0 + 49 * H); /* 17:00 */
	ck_assert_uint_eq(notify_record_count(n), 2);
	afix_assert_rec(n, 1, 2, "due-soon", 0);
}
END_TEST

/*
 * Exactly max_per_cycle alerts go one by one; one more is sent in a
 * summary after them.
 */
START_TEST(test_cap_boundary)
{
	struct notifier *n;
	struct alerts_stats s;
	int64_t i;

	test_cfg.max_per_cycle = 3;
	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	for (i = 1; i <= 3; i++)
		afix_put_bug(i, "Example CA", "example-ca.test", T0);
	s = afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(s.transitions, 3);
	ck_assert_uint_eq(s.summaries, 0);
	ck_assert_uint_eq(notify_record_count(n), 3);
	for (i = 0; i < 3; i++)
		afix_assert_rec(n, (size_t)i, i + 1, "due-soon", 0);
	for (i = 4; i <= 7; i++)
		afix_put_bug(i, "Example CA", "example-ca.test", T0 + 40 * H);
	s = afix_cycle(T0 + 50 * H);
	ck_assert_uint_eq(s.transitions, 0);
	s = afix_cycle(T0 + 70 * H);
	ck_assert_uint_eq(s.transitions, 4);
	ck_assert_uint_eq(s.summaries, 1);
	ck_assert_uint_eq(notify_record_count(n), 7);
	for (i = 3; i < 6; i++)
		afix_assert_rec(n, (size_t)i, i + 1, "due-soon", 0);
	ck_assert_int_eq(notify_record_get(n, 6)->digest, 1);
	ck_assert_uint_eq(notify_record_get(n, 6)->nitems, 1);
}
END_TEST

START_TEST(test_digest_timing)
{
	struct notifier *n;
	struct config_route *r;
	const struct notify_record *rec;
	char *cause = NULL;

	r = afix_add_route("daily", "rec", "initial-report");
	ck_assert_int_eq(
	    timeutil_parse_clock_time("08:00", &r->digest_min, &cause), 0);
	n = afix_start("rec");
	/* Filed 2026-01-05 16:00Z: due-soon from 01-06 16:00Z. */
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Other CA", "other-ca.test", T0 + H);
	/* 01-06 12:00: past 08:00, so the day's digest is made, empty. */
	afix_cycle(T0 + 20 * H);
	afix_cycle(T0 + 30 * H); /* 22:00: both due soon, the day is done */
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_cycle(T0 + 40 * H - 60); /* 01-07 07:59 */
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_cycle(T0 + 40 * H); /* 08:00 */
	ck_assert_uint_eq(notify_record_count(n), 1);
	rec = notify_record_get(n, 0);
	ck_assert_int_eq(rec->digest, 1);
	ck_assert_uint_eq(rec->nitems, 2);
	ck_assert_str_eq(rec->recipient, "daily");
	afix_cycle(T0 + 41 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	/* Down over 01-08 08:00: the late digest goes out at the restart. */
	n = afix_restart("rec");
	afix_cycle(T0 + 70 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_uint_eq(notify_record_get(n, 0)->nitems, 2);
	afix_cycle(T0 + 80 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
}
END_TEST

/*
 * A digest lists what was met since the route's last digest, each in one
 * line with how it was met, once.
 */
START_TEST(test_digest_lists_met)
{
	struct notifier *n;
	struct config_route *r;
	const struct notify_record *rec;
	char *cause = NULL;

	r = afix_add_route("daily", "rec", "initial-report");
	ck_assert_int_eq(
	    timeutil_parse_clock_time("08:00", &r->digest_min, &cause), 0);
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Other CA", "other-ca.test", T0 + H);
	afix_cycle(T0 + 20 * H); /* 01-06 12:00: the day's digest, empty */
	afix_cycle(T0 + 30 * H); /* both due soon */
	/* Bug 1's CA answers on time; 01-07 08:00 lists it as met. */
	afix_put_comment(1, CA_LOGIN, T0 + 35 * H, "Our preliminary report.");
	afix_cycle(T0 + 36 * H);
	ck_assert_uint_eq(notify_record_count(n), 0);
	afix_cycle(T0 + 40 * H);
	ck_assert_uint_eq(notify_record_count(n), 1);
	rec = notify_record_get(n, 0);
	ck_assert_int_eq(rec->digest, 1);
	ck_assert_uint_eq(rec->nitems, 2);
	ck_assert_uint_eq(rec->nmet, 1);
	ck_assert_ptr_nonnull(rec->met_reason);
	ck_assert_msg(strstr(rec->met_reason, "met by comment") != NULL &&
		strstr(rec->met_reason, "late") == NULL,
	    "%s", rec->met_reason);
	/* The next day's digest does not list it again. */
	afix_cycle(T0 + 64 * H);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_uint_eq(notify_record_get(n, 1)->nmet, 0);
	ck_assert_uint_eq(notify_record_get(n, 1)->nitems, 1);
}
END_TEST

START_TEST(test_cap_makes_one_summary)
{
	struct notifier *n;
	struct alerts_stats s;
	int64_t i;

	test_cfg.max_per_cycle = 3;
	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	for (i = 1; i <= 5; i++)
		afix_put_bug(i, "Example CA", "example-ca.test", T0);
	s = afix_cycle(T0 + 30 * H);
	ck_assert_uint_eq(s.transitions, 5);
	ck_assert_uint_eq(s.summaries, 1);
	/* Three one by one, then one summary of the other two. */
	ck_assert_uint_eq(notify_record_count(n), 4);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(notify_record_get(n, (size_t)i)->digest, 0);
	ck_assert_int_eq(notify_record_get(n, 3)->digest, 1);
	ck_assert_uint_eq(notify_record_get(n, 3)->nitems, 2);
	/* Under the cap, alerts go one by one. */
	s = afix_cycle(T0 + 73 * H);
	ck_assert_uint_eq(s.summaries, 1);
	afix_put_bug(6, "Example CA", "example-ca.test", T0 + 73 * H);
	afix_cycle(T0 + 103 * H);
	ck_assert_uint_eq(notify_record_count(n), 9);
	afix_assert_rec(n, 8, 6, "due-soon", 0);
}
END_TEST

START_TEST(test_dry_run_sends_nothing)
{
	struct notifier *n;
	struct alerts_stats s;

	test_cfg.dry_run = 1;
	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	testutil_log_begin();
	s = afix_cycle(T0 + 30 * H);
	ck_assert_int_eq(testutil_log_count("dry run: would send ccw-1-"), 1);
	testutil_log_end();
	ck_assert_uint_eq(s.dry_run, 1);
	ck_assert_uint_eq(notify_record_attempts(n), 0);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) FROM outbox WHERE status = 'dry-run'"),
	    1);
}
END_TEST

/* The suite: noise control. */
static Suite *
alerts_noise_suite(void)
{
	Suite *s = suite_create("alerts_noise");
	TCase *tc;

	tc = tcase_create("noise");
	tcase_add_checked_fixture(tc, afix_setup_two, afix_teardown);
	tcase_add_test(tc, test_repeat_and_ack);
	tcase_add_test(tc, test_repeat_resumes_after_state_change);
	tcase_add_test(tc, test_escalation_routes);
	tcase_add_test(tc, test_snooze_expiry);
	tcase_add_test(tc, test_snooze_cleared_by_comment);
	tcase_add_test(tc, test_unsnooze);
	tcase_add_test(tc, test_self_never_stops_a_clock);
	tcase_add_test(tc, test_quiet_hours_hold_then_release);
	tcase_add_test(tc, test_quiet_hours_fixed_offset);
	tcase_add_test(tc, test_quiet_hours_same_day);
	tcase_add_test(tc, test_digest_timing);
	tcase_add_test(tc, test_digest_lists_met);
	tcase_add_test(tc, test_cap_makes_one_summary);
	tcase_add_test(tc, test_cap_boundary);
	tcase_add_test(tc, test_dry_run_sends_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(alerts_noise_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
