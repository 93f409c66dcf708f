/*
 * Tests of what every notification channel shares: the date and relative
 * time renderers, bug ids and hosts, the cleaning of bug text, and the
 * record channel the alert tests deliver to.  The mail channel is tested in
 * check_notify_smtp.c, Slack and the webhook in check_notify_http.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "netaddr.h"
#include "notify.h"
#include "notify_fixture.h"
#include "notify_record.h"

START_TEST(test_date_and_relative)
{
	struct buf b;

	buf_init(&b, 256);
	notify_format_date(1711548131, &b);
	ck_assert_str_eq(buf_str(&b), "Wed, 27 Mar 2024 14:02:11 +0000");
	buf_reset(&b);
	notify_format_date(0, &b);
	ck_assert_str_eq(buf_str(&b), "Thu, 01 Jan 1970 00:00:00 +0000");
	buf_reset(&b);
	notify_format_relative(NOW - 2 * 86400 - 3 * 3600 - 59, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 2 days 3 hours");
	buf_reset(&b);
	notify_format_relative(NOW - 86400, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 1 day");
	buf_reset(&b);
	notify_format_relative(NOW + 5 * 3600 + 60, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "due in 5 hours 1 minute");
	buf_reset(&b);
	notify_format_relative(NOW + 30, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "due in less than a minute");
	buf_reset(&b);
	notify_format_relative(NOW - 120, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 2 minutes");
	buf_free(&b);
}
END_TEST

START_TEST(test_ids_and_hosts)
{
	struct alert_digest d = {NULL, "ca-team@example.org", NULL, 0, NOW};
	char *id, *id2, *h;

	ck_assert_int_eq(notify_valid_id("ccw-1-full-report-17-0"), 1);
	ck_assert_int_eq(notify_valid_id(""), 0);
	ck_assert_int_eq(notify_valid_id(NULL), 0);
	ck_assert_int_eq(notify_valid_id("a>b"), 0);
	ck_assert_int_eq(notify_valid_id("a\r\nb"), 0);
	id = notify_digest_id(&d);
	id2 = notify_digest_id(&d);
	ck_assert_str_eq(id, id2);
	ck_assert_int_eq(notify_valid_id(id), 1);
	ck_assert_ptr_null(strstr(id, "example"));
	free(id2);
	d.when = NOW + 86400;
	id2 = notify_digest_id(&d);
	ck_assert_str_ne(id, id2);
	free(id);
	free(id2);
	h = netaddr_url_host("https://hooks.slack.com/services/T0/B0/SECRET");
	ck_assert_str_eq(h, "hooks.slack.com");
	free(h);
	h = netaddr_url_host("http://user:pw@127.0.0.1:8080/x?y");
	ck_assert_str_eq(h, "127.0.0.1");
	free(h);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://[::1]:25"), 1);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://localhost"), 1);
	ck_assert_int_eq(
	    netaddr_url_is_loopback("smtp://127.0.0.1.evil.net"), 0);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://mail.example.org"), 0);
}
END_TEST

START_TEST(test_clean_text)
{
	struct buf b;

	buf_init(&b, 256);
	notify_clean_text("a\r\nb\x01\x7f"
			  "c\tz",
	    100, 1, &b);
	ck_assert_str_eq(buf_str(&b), "a  b  c z");
	buf_reset(&b);
	notify_clean_text("a\r\nb\rc\nd\te", 100, 0, &b);
	ck_assert_str_eq(buf_str(&b), "a\nb\nc\nd\te");
	buf_reset(&b);
	notify_clean_text("ok \xff\xc3(\xed\xa0\x80 end", 100, 1, &b);
	ck_assert_str_eq(buf_str(&b),
	    "ok ?"
	    "?(??? end");
	buf_reset(&b);
	/* cut between characters, never inside one */
	notify_clean_text("\xc3\xbc\xc3\xbc\xc3\xbc", 5, 1, &b);
	ck_assert_str_eq(buf_str(&b), "\xc3\xbc\xc3\xbc...");
	buf_reset(&b);
	notify_clean_text(NULL, 10, 1, &b);
	ck_assert_str_eq(buf_str(&b), "");
	buf_reset(&b);
	/* C1 controls (U+009B is a CSI) are controls too; U+00A0 is not */
	notify_clean_text("a\xc2\x9b"
			  "31mb\xc2\x85"
			  "c\xc2\xa0"
			  "d",
	    100, 0, &b);
	ck_assert_str_eq(buf_str(&b),
	    "a 31mb c\xc2\xa0"
	    "d");
	buf_free(&b);
}
END_TEST
START_TEST(test_record_channel)
{
	struct alert a = nfix_alert_sample();
	struct alert_digest d = {NULL, "ca@x.org", &a, 1, NOW};
	struct notify_failure fail;
	struct notifier *n = notify_record_new("fake");
	const struct notify_record *r;
	char *cause = NULL;

	ck_assert_str_eq(n->ops->name, "record");
	notify_record_fail_next(n, 1, 1, 30);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_int_eq(fail.retry_after, 30);
	free(cause);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), 0);
	ck_assert_int_eq(notify_send_digest(n, &d, &fail, &cause), 0);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
	r = notify_record_get(n, 0);
	ck_assert_str_eq(r->id, a.id);
	ck_assert_str_eq(r->clock, "full-report");
	ck_assert_str_eq(r->state, "overdue");
	ck_assert_int_eq(r->digest, 0);
	r = notify_record_get(n, 1);
	ck_assert_int_eq(r->digest, 1);
	ck_assert_str_eq(r->recipient, "ca@x.org");
	ck_assert_uint_eq(r->nitems, 1);
	ck_assert_ptr_null(notify_record_get(n, 2));
	a.id = "bad id";
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 0);
	free(cause);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
	notify_free(n);
}
END_TEST

/* The shared renderers and the record channel. */
static Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_test(tc, test_date_and_relative);
	tcase_add_test(tc, test_ids_and_hosts);
	tcase_add_test(tc, test_clean_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("record");
	tcase_add_test(tc, test_record_channel);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
