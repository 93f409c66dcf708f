/*
 * Bugzilla's Retry-After: read in both forms (delta-seconds and
 * HTTP-date) by the transport, honoured by the REST client's retries,
 * bounded (a value past the backoff ceiling ends the call, one past a day
 * is ignored), taken from a 429 or a 503 only, and handed to the caller
 * for its next attempt.  Against the fake Bugzilla on 127.0.0.1.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bugzilla.h"
#include "fakebz.h"
#include "http.h"
#include "testutil.h"
#include "xmalloc.h"

/* An HTTP-date (IMF-fixdate) delta seconds from now. */
static void
http_date(char *out, size_t len, long delta)
{
	time_t t = time(NULL) + delta;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* The Retry-After the transport reads from a 503 carrying value. */
static long
read_retry_after(struct fakebz *fb, const char *value)
{
	struct http_options ho;
	struct http_response resp;
	struct http *h;
	char *url, *cause = NULL;
	enum http_result hr;
	long v;

	memset(&ho, 0, sizeof ho);
	ho.timeout = 5;
	h = http_new(&ho, &cause);
	ck_assert_msg(h != NULL, "%s", cause);
	fakebz_set_retry_after(fb, value);
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_503, 1);
	xasprintf(&url, "%s/rest/time", fakebz_url(fb));
	http_response_init(&resp, 0);
	hr = http_get(h, url, NULL, &resp, &cause);
	ck_assert_msg(hr == HTTP_OK, "%s", cause);
	ck_assert_int_eq(resp.status, 503);
	v = resp.retry_after;
	http_response_free(&resp);
	free(url);
	http_free(h);
	return v;
}

START_TEST(test_retry_after_forms)
{
	struct fakebz *fb;
	char *cause = NULL, date[64];
	long v;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	ck_assert_int_eq(read_retry_after(fb, "7"), 7);
	ck_assert_int_eq(read_retry_after(fb, "86400"), 86400);
	/* A hostile value: past a day, or no number at all, is ignored. */
	ck_assert_int_eq(read_retry_after(fb, "86401"), 0);
	ck_assert_int_eq(read_retry_after(fb, "99999999999999999999"), 0);
	ck_assert_int_eq(read_retry_after(fb, "-5"), 0);
	ck_assert_int_eq(read_retry_after(fb, "soon"), 0);
	ck_assert_int_eq(read_retry_after(fb, "12abc"), 0);
	/* The HTTP-date form: seconds from now. */
	http_date(date, sizeof date, 120);
	v = read_retry_after(fb, date);
	ck_assert_msg(v > 100 && v <= 120, "%s read as %ld", date, v);
	http_date(date, sizeof date, -3600);
	ck_assert_int_eq(read_retry_after(fb, date), 0);
	http_date(date, sizeof date, 30L * 86400);
	ck_assert_int_eq(read_retry_after(fb, date), 0);
	ck_assert_int_eq(
	    read_retry_after(fb, "Sun, 31 Dec 9999 23:59:59 GMT"), 0);
	ck_assert_int_eq(read_retry_after(fb, NULL), 0);
	fakebz_stop(fb);
}
END_TEST

START_TEST(test_retry_delay)
{
	/* No Retry-After: the backoff. */
	ck_assert_int_eq(bugzilla_retry_delay_ms(1500, 0, 60000), 1500);
	/* A longer Retry-After wins; a shorter one leaves the backoff. */
	ck_assert_int_eq(bugzilla_retry_delay_ms(1500, 30, 60000), 30000);
	ck_assert_int_eq(bugzilla_retry_delay_ms(4000, 1, 60000), 4000);
	ck_assert_int_eq(bugzilla_retry_delay_ms(1500, 60, 60000), 60000);
	/* Past the ceiling: no retry waits that long. */
	ck_assert_int_eq(bugzilla_retry_delay_ms(1500, 61, 60000), -1);
	ck_assert_int_eq(bugzilla_retry_delay_ms(1500, 86400, 60000), -1);
}
END_TEST

/* A client of the fake with fast backoffs and a ceiling of max_ms. */
static struct bugzilla *
client(struct fakebz *fb, long max_ms)
{
	struct bugzilla_options o;
	struct bugzilla *bz;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.http.timeout = 5;
	o.retries = 2;
	o.retry_base_ms = 10;
	o.retry_max_ms = max_ms;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	return bz;
}

START_TEST(test_client_honours)
{
	struct fakebz *fb;
	struct bugzilla *bz;
	char *cause = NULL;
	time_t t = 0;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	bz = client(fb, 60000);
	/* A 429 asking for 2 s: the retry waits 2 s (the backoff alone
	 * would be 10 ms), once, and it succeeds. */
	testutil_log_begin();
	fakebz_set_retry_after(fb, "2");
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_429, 1);
	ck_assert_msg(bugzilla_time(bz, &t, &cause) == 0, "%s", cause);
	ck_assert_int_eq(
	    testutil_log_count("retry 1 of 2 in 2 s (Retry-After)"), 1);
	ck_assert_int_eq(testutil_log_count("Retry-After"), 1);
	testutil_log_end();
	ck_assert_int_eq(bugzilla_stats(bz)->retries, 1);
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 2);
	ck_assert_int_eq(bugzilla_retry_after(bz), 0);
	/* Retry-After on a 500 means nothing: the backoff applies, though
	 * it asks for an hour. */
	fakebz_reset_counts(fb);
	fakebz_set_retry_after(fb, "3600");
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_500, 1);
	ck_assert_msg(bugzilla_time(bz, &t, &cause) == 0, "%s", cause);
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 2);
	ck_assert_int_eq(bugzilla_retry_after(bz), 0);
	/* A hostile Retry-After (years) is ignored: the backoff applies. */
	fakebz_reset_counts(fb);
	fakebz_set_retry_after(fb, "999999999");
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_503, 1);
	ck_assert_msg(bugzilla_time(bz, &t, &cause) == 0, "%s", cause);
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 2);
	/* Exhausted retries still tell the caller what the server asked. */
	fakebz_reset_counts(fb);
	fakebz_set_retry_after(fb, "1");
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_503, 3);
	ck_assert_int_eq(bugzilla_time(bz, &t, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "HTTP 503"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 3);
	ck_assert_int_eq(bugzilla_retry_after(bz), 1);
	/* The next good call forgets it. */
	ck_assert_msg(bugzilla_time(bz, &t, &cause) == 0, "%s", cause);
	ck_assert_int_eq(bugzilla_retry_after(bz), 0);
	bugzilla_free(bz);
	fakebz_stop(fb);
}
END_TEST

START_TEST(test_client_bounded)
{
	struct fakebz *fb;
	struct bugzilla *bz;
	char *cause = NULL, date[64];
	time_t t = 0;
	long v;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	bz = client(fb, 2000);
	/* Longer than the ceiling: one request, the call ends at once and
	 * hands the wait to the caller. */
	testutil_log_begin();
	fakebz_set_retry_after(fb, "3600");
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_429, 1);
	ck_assert_int_eq(bugzilla_time(bz, &t, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "rate limited"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 1);
	ck_assert_int_eq(bugzilla_stats(bz)->retries, 0);
	ck_assert_int_eq(bugzilla_retry_after(bz), 3600);
	ck_assert_int_eq(testutil_log_count("asks to wait 3600 s"), 1);
	testutil_log_end();
	/* The same through an HTTP-date on a 503. */
	fakebz_reset_counts(fb);
	http_date(date, sizeof date, 600);
	fakebz_set_retry_after(fb, date);
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_503, 1);
	ck_assert_int_eq(bugzilla_time(bz, &t, &cause), -1);
	free(cause);
	v = bugzilla_retry_after(bz);
	ck_assert_msg(v > 580 && v <= 600, "%s read as %ld", date, v);
	ck_assert_int_eq(fakebz_requests(fb, "/rest/time"), 1);
	bugzilla_free(bz);
	fakebz_stop(fb);
}
END_TEST

static Suite *
retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc;

	tc = tcase_create("retry-after");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_retry_after_forms);
	tcase_add_test(tc, test_retry_delay);
	tcase_add_test(tc, test_client_honours);
	tcase_add_test(tc, test_client_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(retry_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
