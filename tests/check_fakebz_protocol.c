/*
 * Tests of the fake Bugzilla's protocol (BUGZILLA-API.md §9): errors for
 * unknown routes and methods, keep-alive, long URIs, authentication, its
 * clock, ETags, the rate limit, the planted faults, the counters and the
 * request log, and the errors of starting it.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fakebz.h"
#include "fakebz_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

START_TEST(test_errors_routes_and_methods)
{
	struct resp r;
	CURL *h;
	char *url;
	long status;

	fbfix_assert_error("/rest/foo", NULL, 404, 32614,
	    "A REST API resource was not found for 'GET /foo'.");
	fbfix_assert_error(
	    "/rest/bug/1800001/attachmentz", NULL, 404, 32614, NULL);
	h = curl_easy_init();
	xasprintf(&url, "%s/rest/bug/1800001", fakebz_url(test_fb));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fbfix_resp_write);
	memset(&r, 0, sizeof r);
	buf_init(&r.body, 1 << 20);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	ck_assert_int_eq(status, 404);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body),
	    "A REST API resource was not found for 'DELETE /bug/1800001'."));
	curl_easy_cleanup(h);
	free(url);
	buf_free(&r.body);
}
END_TEST

START_TEST(test_keep_alive)
{
	CURL *h = curl_easy_init();
	struct resp r;
	char *url;
	long conns = -1;
	int i;

	memset(&r, 0, sizeof r);
	buf_init(&r.body, 1 << 20);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fbfix_resp_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	for (i = 0; i < 2; i++) {
		xasprintf(&url, "%s%s", fakebz_url(test_fb),
		    i == 0 ? "/rest/bug/999" : "/rest/version");
		curl_easy_setopt(h, CURLOPT_URL, url);
		ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
		free(url);
	}
	/* The second request went over the first one's connection. */
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
	ck_assert_int_eq(conns, 0);
	curl_easy_cleanup(h);
	buf_free(&r.body);
}
END_TEST

START_TEST(test_uri_too_long)
{
	struct resp r;
	struct buf path;
	int i;

	buf_init(&path, 1 << 20);
	buf_addstr(&path, "/rest/bug?id=1800001");
	for (i = 0; i < 1200; i++)
		buf_printf(&path, ",%d", 1000000 + i);
	ck_assert_int_eq(fbfix_get(buf_str(&path), NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 414);
	ck_assert_str_eq(r.ctype, "text/plain");
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "URI Too Long"));
	fbfix_resp_free(&r);
	buf_free(&path);
}
END_TEST

START_TEST(test_auth_whoami_version)
{
	struct resp r;
	json_t *j, *rec;

	fbfix_assert_error("/rest/whoami", NULL, 401, 410,
	    "You must log in before using this part of Bugzilla.");
	fbfix_assert_error("/rest/whoami", "X-BUGZILLA-API-KEY: wrong", 400,
	    306,
	    "The API key you specified is invalid. Please check that you typed "
	    "it correctly.");
	fbfix_assert_error(
	    "/rest/bug/1800001?api_key=wrong", NULL, 400, 306, NULL);
	j = fbfix_get_json("/rest/whoami", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	rec = fbfix_load_recorded(
	    "tests/data/bugzilla-5.2/whoami_with_token.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "name")),
	    "carep@ca-example.test");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), 7001);
	json_decref(rec);
	fbfix_resp_free(&r);
	j = fbfix_get_json("/rest/whoami?Bugzilla_api_key=" KEY, NULL, 200, &r);
	fbfix_resp_free(&r);
	/* version is login-exempt: even a bad key gets 200. */
	j = fbfix_get_json(
	    "/rest/version", "X-BUGZILLA-API-KEY: wrong", 200, &r);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "version")), "20260820.1");
	fbfix_resp_free(&r);
	j = fbfix_get_json("/rest.cgi/version", NULL, 200, &r);
	fbfix_resp_free(&r);
	j = fbfix_get_json("/rest/timezone", NULL, 200, &r);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "timezone")), "+0000");
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_time_uses_fake_clock)
{
	struct resp r;
	json_t *j, *rec;

	j = fbfix_get_json("/rest/time", NULL, 200, &r);
	rec = fbfix_load_recorded("tests/data/bugzilla-5.2/time.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "db_time")),
	    "2024-06-01T00:00:00Z");
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "tz_offset")), "+0000");
	json_decref(rec);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_etag_304)
{
	struct resp r, r2;
	char *hdr;

	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_uint_eq(strlen(r.etag), 22);
	xasprintf(&hdr, "If-None-Match: \"%s\"", r.etag);
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", hdr, &r2), CURLE_OK);
	ck_assert_int_eq(r2.status, 304);
	ck_assert_uint_eq(r2.body.len, 0);
	fbfix_resp_free(&r2);
	fakebz_set_whiteboard(test_fb, 1800001, "x@y.test", "changed");
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", hdr, &r2), CURLE_OK);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_str_ne(r2.etag, r.etag);
	fbfix_resp_free(&r2);
	fbfix_resp_free(&r);
	free(hdr);
}
END_TEST

START_TEST(test_rate_limit_then_block)
{
	struct resp r;
	json_t *j;
	int i;

	fakebz_set_rate_limit(test_fb, 3, 60);
	for (i = 0; i < 3; i++) {
		j = fbfix_get_json("/rest/bug/1800001", NULL, 200, &r);
		fbfix_resp_free(&r);
	}
	/* Search and authenticated calls do not count. */
	j = fbfix_get_json(
	    "/rest/bug/1800001", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/1800001/comment", NULL, 400, 32000,
	    "You have exceeded the rate limit.");
	ck_assert_int_eq(fbfix_get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	ck_assert_str_eq(r.ctype, "text/html");
	ck_assert_int_eq(r.retry_after, 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "Too Many Requests"));
	ck_assert_ptr_nonnull(
	    strstr(buf_str(&r.body), "You will be unblocked in 60 minutes."));
	fbfix_resp_free(&r);
	/* The block lasts an hour of the fake's clock. */
	fakebz_set_now(test_fb, NOW + 3599);
	ck_assert_int_eq(fbfix_get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	fbfix_resp_free(&r);
	fakebz_set_now(test_fb, NOW + 3599 + 3600);
	j = fbfix_get_json("/rest/version", NULL, 200, &r);
	fbfix_resp_free(&r);
	(void)j;
}
END_TEST

START_TEST(test_faults_http)
{
	struct resp r;
	json_t *j;

	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_500, 1);
	fakebz_fault(test_fb, "/rest/time", FAKEBZ_FAULT_502, 1);
	fakebz_fault(test_fb, "/rest/version", FAKEBZ_FAULT_503, 1);
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 500);
	ck_assert_str_eq(r.ctype, "text/html");
	fbfix_resp_free(&r);
	j = fbfix_get_json("/rest/bug/1800001", NULL, 200, &r);
	fbfix_resp_free(&r);
	ck_assert_int_eq(fbfix_get("/rest/time", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 502);
	fbfix_resp_free(&r);
	ck_assert_int_eq(fbfix_get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 503);
	fbfix_resp_free(&r);
	fakebz_fault(test_fb, "/rest/version", FAKEBZ_FAULT_429, 1);
	ck_assert_int_eq(fbfix_get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	ck_assert_int_eq(r.retry_after, 0);
	fbfix_resp_free(&r);
	j = fbfix_get_json("/rest/version", NULL, 200, &r);
	fbfix_resp_free(&r);
	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_RATELIMIT, 1);
	fbfix_assert_error("/rest/bug?id=1", NULL, 400, 32000, NULL);
	ck_assert_int_eq(fbfix_get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	fbfix_resp_free(&r);
	fakebz_clear_faults(test_fb);
	j = fbfix_get_json("/rest/version", NULL, 200, &r);
	fbfix_resp_free(&r);
	(void)j;
}
END_TEST

START_TEST(test_faults_bodies)
{
	struct resp r, full;
	CURLcode rc;

	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_TRUNCATE, 1);
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_ptr_null(r.json);
	fbfix_get_json("/rest/bug/1800001", NULL, 200, &full);
	ck_assert_uint_eq(r.body.len, full.body.len / 2);
	ck_assert_int_eq(memcmp(r.body.data, full.body.data, r.body.len), 0);
	fbfix_resp_free(&r);
	fbfix_resp_free(&full);

	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_INVALID, 1);
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(r.json);
	fbfix_resp_free(&r);

	fakebz_set_huge_bytes(test_fb, 3 * 1024 * 1024 + 7);
	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_HUGE, 1);
	ck_assert_int_eq(fbfix_get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_uint_eq(r.body.len, 3 * 1024 * 1024 + 7);
	ck_assert_ptr_null(r.json);
	fbfix_resp_free(&r);

	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_DROP, 1);
	rc = fbfix_get("/rest/bug/1800001", NULL, &r);
	ck_assert_int_ne(rc, CURLE_OK);
	fbfix_resp_free(&r);

	fakebz_set_delay_ms(test_fb, 50);
	fakebz_fault(test_fb, "/rest/bug", FAKEBZ_FAULT_DELAY, 1);
	fbfix_get_json("/rest/bug/1800001", NULL, 200, &r);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_counters_last_request)
{
	struct resp r;
	char *last;

	fakebz_reset_counts(test_fb);
	ck_assert_uint_eq(fakebz_requests(test_fb, NULL), 0);
	ck_assert_ptr_null(fakebz_last_request(test_fb));
	fbfix_get_json("/rest/bug/1800001/comment", NULL, 200, &r);
	fbfix_resp_free(&r);
	fbfix_get_json("/rest/bug/1800003/comment", NULL, 200, &r);
	fbfix_resp_free(&r);
	fbfix_get_json(
	    "/rest/bug?product=CA%20Program&product=NSS", NULL, 200, &r);
	fbfix_resp_free(&r);
	ck_assert_uint_eq(fakebz_requests(test_fb, NULL), 3);
	ck_assert_uint_eq(fakebz_requests(test_fb, "/rest/bug"), 3);
	ck_assert_uint_eq(fakebz_requests(test_fb, "/rest/bug/1800003"), 1);
	ck_assert_uint_eq(fakebz_requests(test_fb, "/rest/time"), 0);
	last = fakebz_last_request(test_fb);
	ck_assert_str_eq(last, "/rest/bug?product=CA%20Program&product=NSS");
	free(last);
}
END_TEST

START_TEST(test_request_log)
{
	struct resp r;
	char *dir = testutil_mkdtemp(), *path, *text, *cause = NULL;
	char want[256];

	xasprintf(&path, "%s/requests.log", dir);
	ck_assert_int_eq(fakebz_log_requests(test_fb, path, &cause), 0);
	fbfix_get_json("/rest/bug/1800001/comment", NULL, 200, &r);
	(void)snprintf(want, sizeof want,
	    "GET /rest/bug/1800001/comment 200 %zu\n", r.body.len);
	fbfix_resp_free(&r);
	fbfix_get_json("/rest/bug/999", NULL, 404, &r);
	fbfix_resp_free(&r);
	fakebz_fault(test_fb, "/rest/time", FAKEBZ_FAULT_DROP, 1);
	(void)fbfix_get("/rest/time?x=1", NULL, &r);
	fbfix_resp_free(&r);
	ck_assert_int_eq(fakebz_log_requests(test_fb, NULL, &cause), 0);
	fbfix_get_json("/rest/version", NULL, 200, &r);
	fbfix_resp_free(&r);

	text = testutil_read_file(path, NULL);
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "\nGET /rest/bug/999 404 "));
	ck_assert_ptr_nonnull(strstr(text, "\nGET /rest/time?x=1 0 0\n"));
	ck_assert_ptr_null(strstr(text, "/rest/version"));
	free(text);

	ck_assert_int_eq(
	    fakebz_log_requests(test_fb, "/nonexistent/dir/log", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/dir/log"));
	free(cause);
	free(path);
	testutil_rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(test_start_errors)
{
	char *cause = NULL;
	struct fakebz *other;
	char *dir = testutil_mkdtemp(), *path;

	ck_assert_ptr_null(fakebz_start("/nonexistent/corpus.json", 0, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	xasprintf(&path, "%s/bad.json", dir);
	testutil_write_file(path, "{\"bugs\":[{\"summary\":\"no id\"}]}");
	ck_assert_ptr_null(fakebz_start(path, 0, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no id"));
	free(cause);
	cause = NULL;
	/* The port is taken by the fixture's fake. */
	other = fakebz_start(NULL, fakebz_port(test_fb), &cause);
	ck_assert_ptr_null(other);
	free(cause);
	other = fakebz_start(NULL, 0, &cause);
	ck_assert_ptr_nonnull(other);
	ck_assert_uint_eq(fakebz_bug_count(other), 0);
	ck_assert_ptr_nonnull(strstr(fakebz_url(other), "http://127.0.0.1:"));
	fakebz_stop(other);
	testutil_rmdir(dir);
	free(dir);
	free(path);
}
END_TEST

/* The protocol and the faults, by intent. */
static Suite *
fakebz_protocol_suite(void)
{
	Suite *s = suite_create("fakebz_protocol");
	TCase *tc;

	tc = tcase_create("protocol");
	tcase_add_checked_fixture(tc, fbfix_setup, fbfix_teardown);
	tcase_add_test(tc, test_errors_routes_and_methods);
	tcase_add_test(tc, test_keep_alive);
	tcase_add_test(tc, test_uri_too_long);
	tcase_add_test(tc, test_auth_whoami_version);
	tcase_add_test(tc, test_time_uses_fake_clock);
	tcase_add_test(tc, test_etag_304);
	tcase_add_test(tc, test_start_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, fbfix_setup, fbfix_teardown);
	tcase_add_test(tc, test_rate_limit_then_block);
	tcase_add_test(tc, test_faults_http);
	tcase_add_test(tc, test_faults_bodies);
	tcase_add_test(tc, test_counters_last_request);
	tcase_add_test(tc, test_request_log);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	return fbfix_run(fakebz_protocol_suite());
}
