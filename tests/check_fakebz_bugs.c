/*
 * Tests of the fake Bugzilla's per-bug routes (BUGZILLA-API.md §9): get,
 * comments, history and flags, their shapes pinned against BMO's real
 * recorded responses, and the mutations the tests make (status changes,
 * moves, flags, comments, new bugs) as those routes then answer them.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakebz.h"
#include "fakebz_fixture.h"
#include "xmalloc.h"

START_TEST(test_get_shapes_and_errors)
{
	struct resp r;
	json_t *j, *rec, *bug;

	j = fbfix_get_json(
	    "/rest/bug/1800001?include_fields=summary,assigned_to,"
	    "status,resolution",
	    NULL, 200, &r);
	rec = fbfix_load_recorded("tests/data/bmo/get-bug-with-faults.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "faults")), 0);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	fbfix_assert_same_shape(
	    bug, json_array_get(json_object_get(rec, "bugs"), 0), 0);
	json_decref(rec);
	fbfix_resp_free(&r);

	fbfix_assert_error(
	    "/rest/bug/999", NULL, 404, 101, "Bug 999 does not exist.");
	fbfix_assert_error("/rest/bug/1800004", NULL, 401, 102,
	    "You are not authorized to access bug 1800004. To see this bug, "
	    "you must first log in to an account with the appropriate "
	    "permissions.");
	fbfix_assert_error("/rest/bug/no-such-alias", NULL, 400, 100,
	    "'no-such-alias' is not a valid bug number nor an alias to a bug.");
	j = fbfix_get_json(
	    "/rest/bug/1800004", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 1);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_get_ids_permissive)
{
	struct resp r;
	json_t *j, *f;

	j = fbfix_get_json(
	    "/rest/bug?ids=1800001&ids=999&ids=1800004&permissive=1&"
	    "include_fields=id",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "faults")), 2);
	f = json_array_get(json_object_get(j, "faults"), 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(f, "faultCode")), 101);
	f = json_array_get(json_object_get(j, "faults"), 1);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(f, "faultCode")), 102);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/1800001?ids=999", NULL, 404, 101, NULL);
	fbfix_assert_error(
	    "/rest/bug/1800001?ids=1800002,1800003", NULL, 400, 100, NULL);
}
END_TEST

START_TEST(test_comments_shape_and_merge)
{
	struct resp r;
	json_t *j, *rec, *bugs, *c, *rc;
	char *got, *want;

	j = fbfix_get_json(
	    "/rest/bug/1800001/comment?ids=1800003&ids=1800001", NULL, 200, &r);
	rec = fbfix_load_recorded("tests/data/bmo/comments-12345.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "comments")), 0);
	bugs = json_object_get(j, "bugs");
	ck_assert_uint_eq(json_object_size(bugs), 2);
	c = json_array_get(
	    json_object_get(json_object_get(bugs, "1800001"), "comments"), 0);
	rc = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(rec, "bugs"), "12345"),
		"comments"),
	    0);
	/* The 2016 recording predates reactions; all else must match. */
	ck_assert_ptr_nonnull(json_object_get(c, "reactions"));
	json_object_set_new(rc, "reactions", json_object());
	fbfix_assert_same_shape(c, rc, 0);
	/* Private comment 1 of bug 1800003 leaves a gap in count. */
	c = json_object_get(json_object_get(bugs, "1800003"), "comments");
	ck_assert_uint_eq(json_array_size(c), 2);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_array_get(c, 1), "count")),
	    2);
	got = fbfix_keys_of(json_array_get(c, 0), 0);
	want =
	    xstrdup("attachment_id,author,bug_id,count,creation_time,creator,"
		    "id,is_private,raw_text,reactions,tags,text,time");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(rec);
	fbfix_resp_free(&r);

	/* The key shows the private comment. */
	j = fbfix_get_json(
	    "/rest/bug/1800003/comment", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800003"),
		"comments")),
	    3);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/1800001/comment?ids=1800002,1800003",
	    NULL, 400, 100,
	    "'1800002,1800003' is not a valid bug number nor an alias to a "
	    "bug.");
	fbfix_assert_error(
	    "/rest/bug/1800001/comment?ids=999", NULL, 404, 101, NULL);
	/* There is no /rest/bug/comment?ids=: "comment" is taken as a bug. */
	fbfix_assert_error("/rest/bug/comment?ids=1800001,1800003", NULL, 400,
	    100, "'comment' is not a valid bug number nor an alias to a bug.");
	fbfix_assert_error("/rest/bug/1800004/comment", NULL, 401, 102, NULL);
}
END_TEST

START_TEST(test_comments_new_since_fields_skip)
{
	struct resp r;
	json_t *j, *c;
	char *keys;

	/* Strictly greater: the comment at exactly new_since is left out. */
	j = fbfix_get_json(
	    "/rest/bug/1800001/comment?new_since=2024-04-10T10:00:00Z&"
	    "include_fields=id,count",
	    NULL, 200, &r);
	c = json_object_get(
	    json_object_get(json_object_get(j, "bugs"), "1800001"), "comments");
	ck_assert_uint_eq(json_array_size(c), 1);
	keys = fbfix_keys_of(json_array_get(c, 0), 0);
	ck_assert_str_eq(keys, "count,id");
	free(keys);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/1800001/comment?new_since=yesterday-ish",
	    NULL, 400, 56, "'yesterday-ish' is not a legal date.");

	j = fbfix_get_json("/rest/bug/1800001/comment?ids=999&ids=1800004&"
			   "skip_private=1",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "bugs")), 1);
	fbfix_resp_free(&r);

	j = fbfix_get_json("/rest/bug/comment/102", NULL, 200, &r);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "bugs")), 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(
		json_object_get(json_object_get(j, "comments"), "102"),
		"bug_id")),
	    1800001);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/comment/51", NULL, 401, 110, NULL);
}
END_TEST

START_TEST(test_history_shape_and_new_since)
{
	struct resp r;
	json_t *j, *rec, *b, *rb, *h, *rh;

	j = fbfix_get_json(
	    "/rest/bug/1800001/history?ids=1800003", NULL, 200, &r);
	rec =
	    fbfix_load_recorded("tests/data/bmo/history-1416872-needinfo.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert(json_is_array(json_object_get(j, "bugs")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 2);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	rb = json_array_get(json_object_get(rec, "bugs"), 0);
	fbfix_assert_same_shape(b, rb, 0);
	ck_assert(json_is_null(json_object_get(b, "alias")));
	h = json_array_get(json_object_get(b, "history"), 0);
	rh = json_array_get(json_object_get(rb, "history"), 1);
	fbfix_assert_same_shape(h, rh, 0);
	fbfix_assert_same_shape(
	    json_array_get(json_object_get(h, "changes"), 0),
	    json_array_get(json_object_get(rh, "changes"), 0), 0);
	json_decref(rec);
	fbfix_resp_free(&r);

	j = fbfix_get_json(
	    "/rest/bug/1800001/history?new_since=2024-04-10T10:00:00Z", NULL,
	    200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(b, "history")), 1);
	fbfix_resp_free(&r);
	fbfix_assert_error("/rest/bug/999/history", NULL, 404, 101, NULL);
}
END_TEST

START_TEST(test_flags_shape)
{
	struct resp r;
	json_t *j, *rec, *rf, *f1, *f3;

	j = fbfix_get_json(
	    "/rest/bug?id=1800001,1800003&include_fields=id,flags&"
	    "order=bug_id",
	    NULL, 200, &r);
	f1 = json_array_get(
	    json_object_get(
		json_array_get(json_object_get(j, "bugs"), 0), "flags"),
	    0);
	f3 = json_array_get(
	    json_object_get(
		json_array_get(json_object_get(j, "bugs"), 1), "flags"),
	    0);
	rec = fbfix_load_recorded(
	    "tests/data/bmo/attachments-1007402-flags.json");
	rf = json_array_get(
	    json_object_get(
		json_array_get(
		    json_object_get(json_object_get(rec, "bugs"), "1007402"),
		    1),
		"flags"),
	    0);
	/* No requestee key at all when the request is to anyone. */
	fbfix_assert_same_shape(f3, rf, 0);
	ck_assert_ptr_null(json_object_get(f3, "requestee"));
	ck_assert_int_eq(
	    json_integer_value(json_object_get(f1, "type_id")), 800);
	ck_assert_str_eq(json_string_value(json_object_get(f1, "requestee")),
	    "carep@ca-example.test");
	json_object_del(f1, "requestee");
	fbfix_assert_same_shape(f1, rf, 0);
	json_decref(rec);
	fbfix_resp_free(&r);
}
END_TEST

/* The last history entry of a bug; new reference. */
static json_t *
last_history(int64_t id)
{
	struct resp r;
	char *path;
	json_t *j, *h;

	xasprintf(&path, "/rest/bug/%lld/history", (long long)id);
	j = fbfix_get_json(path, NULL, 200, &r);
	h = json_object_get(
	    json_array_get(json_object_get(j, "bugs"), 0), "history");
	h = json_incref(json_array_get(h, json_array_size(h) - 1));
	fbfix_resp_free(&r);
	free(path);
	return h;
}

START_TEST(test_mutations_history)
{
	json_t *h, *c, *rec;
	char *ids;
	int when = NOW + 60;

	fakebz_set_now(test_fb, when);
	ck_assert_int_eq(
	    fakebz_set_whiteboard(test_fb, 1800001, "carep@ca-example.test",
		"[ca-compliance] Next update 2024-07-01"),
	    0);
	h = last_history(1800001);
	ck_assert_str_eq(json_string_value(json_object_get(h, "when")),
	    "2024-06-01T00:01:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(h, "who")),
	    "carep@ca-example.test");
	c = json_array_get(json_object_get(h, "changes"), 0);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "field_name")), "whiteboard");
	ck_assert_str_eq(json_string_value(json_object_get(c, "removed")),
	    "[ca-compliance] [ov-misissuance] Next update 2024-06-01");
	ck_assert_str_eq(json_string_value(json_object_get(c, "added")),
	    "[ca-compliance] Next update 2024-07-01");
	rec = fbfix_load_recorded(
	    "tests/data/bmo/history-647570-whiteboard.json");
	fbfix_assert_same_shape(h,
	    json_array_get(
		json_object_get(
		    json_array_get(json_object_get(rec, "bugs"), 0), "history"),
		0),
	    0);
	json_decref(rec);
	json_decref(h);
	ids = fbfix_search_ids("last_change_time=2024-06-01T00:01:00Z");
	ck_assert_str_eq(ids, "1800001");
	free(ids);

	/* Same who and second: one entry with two changes. */
	fakebz_set_now(test_fb, when + 60);
	fakebz_set_needinfo(test_fb, 1800002, "rootstore@mozilla.test",
	    "incident-reporting@ccadb.org");
	fakebz_set_status(
	    test_fb, 1800002, "rootstore@mozilla.test", "REOPENED", "");
	h = last_history(1800002);
	ck_assert_uint_eq(json_array_size(json_object_get(h, "changes")), 3);
	c = json_array_get(json_object_get(h, "changes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "field_name")),
	    "flagtypes.name");
	ck_assert_str_eq(json_string_value(json_object_get(c, "added")),
	    "needinfo?(incident-reporting@ccadb.org)");
	c = json_array_get(json_object_get(h, "changes"), 2);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "field_name")), "resolution");
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "removed")), "FIXED");
	json_decref(h);
	ids = fbfix_search_ids("status=__open__&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005");
	free(ids);

	fakebz_set_now(test_fb, when + 120);
	fakebz_clear_needinfo(test_fb, 1800002, "carep@ca-example.test",
	    "incident-reporting@ccadb.org");
	h = last_history(1800002);
	c = json_array_get(json_object_get(h, "changes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "removed")),
	    "needinfo?(incident-reporting@ccadb.org)");
	ck_assert_str_eq(json_string_value(json_object_get(c, "added")), "");
	json_decref(h);
	ck_assert_int_eq(fakebz_set_whiteboard(test_fb, 42, "x", "y"), -1);
	ck_assert_int_eq(fakebz_set_status(test_fb, 42, "x", "NEW", ""), -1);
}
END_TEST

START_TEST(test_mutations_flags_comments_bugs)
{
	struct resp r;
	json_t *j, *bug, *flags, *c;
	int64_t cid, id;

	fakebz_set_needinfo(test_fb, 1800005, "rootstore@mozilla.test",
	    "carep@ca-example.test");
	j = fbfix_get_json(
	    "/rest/bug/1800005?include_fields=flags,last_change_time", NULL,
	    200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	flags = json_object_get(bug, "flags");
	ck_assert_uint_eq(json_array_size(flags), 1);
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(flags, 0), "setter")),
	    "rootstore@mozilla.test");
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(flags, 0), "creation_date")),
	    "2024-06-01T00:00:00Z");
	ck_assert_str_eq(
	    json_string_value(json_object_get(bug, "last_change_time")),
	    "2024-06-01T00:00:00Z");
	fbfix_resp_free(&r);
	fakebz_clear_needinfo(test_fb, 1800005, "carep@ca-example.test", NULL);
	j = fbfix_get_json(
	    "/rest/bug/1800005?include_fields=flags", NULL, 200, &r);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_array_get(json_object_get(j, "bugs"), 0), "flags")),
	    0);
	fbfix_resp_free(&r);

	cid = fakebz_add_comment(
	    test_fb, 1800003, "carep@ca-example.test", "Update.", 0);
	ck_assert_int_eq(cid, 111);
	ck_assert_int_eq(fakebz_add_comment(test_fb, 42, "x", "y", 0), -1);
	j = fbfix_get_json(
	    "/rest/bug/1800003/comment?new_since=2024-05-01T00:00:00Z", NULL,
	    200, &r);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800003"),
		"comments"),
	    0);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 3);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "text")), "Update.");
	fbfix_resp_free(&r);
	j = fbfix_get_json(
	    "/rest/bug/1800003?include_fields=comment_count", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_array_get(json_object_get(j, "bugs"), 0),
			     "comment_count")),
	    4);
	fbfix_resp_free(&r);

	id = fakebz_add_bug(test_fb, "CA Program", "CA Certificate Compliance",
	    "New CA: incident", "carep@ca-example.test", "Initial report.");
	ck_assert_int_eq(id, 1800007);
	ck_assert_uint_eq(fakebz_bug_count(test_fb), 7);
	j = fbfix_get_json("/rest/bug/1800007/comment", NULL, 200, &r);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800007"),
		"comments"),
	    0);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 0);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "text")), "Initial report.");
	fbfix_resp_free(&r);

	fakebz_set_groups(test_fb, 1800007, "core-security");
	fbfix_assert_error("/rest/bug/1800007", NULL, 401, 102, NULL);
	fakebz_set_groups(test_fb, 1800007, NULL);
	fbfix_get_json("/rest/bug/1800007", NULL, 200, &r);
	fbfix_resp_free(&r);
}
END_TEST

/* A third party files a report: the reporter is not the assignee. */
START_TEST(test_third_party_report)
{
	struct resp r;
	json_t *j, *b, *c;
	int64_t id;
	char *path, idbuf[32];

	id = fakebz_add_report(test_fb, "CA Program",
	    "CA Certificate Compliance",
	    "Example CA: precertificates with a bad SAN",
	    "jo@ctmonitor.example", "nobody@mozilla.org",
	    "crt.sh shows 12 precertificates with an invalid dNSName.");
	ck_assert_int_gt(id, 0);
	xasprintf(&path, "/rest/bug/%lld", (long long)id);
	j = fbfix_get_json(path, NULL, 200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "creator")),
	    "jo@ctmonitor.example");
	ck_assert_str_eq(json_string_value(json_object_get(b, "assigned_to")),
	    "nobody@mozilla.org");
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_object_get(b, "assigned_to_detail"), "email")),
	    "nobody@mozilla.org");
	fbfix_resp_free(&r);
	free(path);
	xasprintf(&path, "/rest/bug/%lld/comment", (long long)id);
	j = fbfix_get_json(path, NULL, 200, &r);
	(void)snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), idbuf), "comments"),
	    0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "creator")),
	    "jo@ctmonitor.example");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 0);
	fbfix_resp_free(&r);
	free(path);
	/* The CA's own report: both are the CA's representative. */
	id = fakebz_add_bug(test_fb, "CA Program", "CA Certificate Compliance",
	    "Example CA: late revocation", "rep@example-ca.test", "Report.");
	xasprintf(&path, "/rest/bug/%lld?include_fields=creator,assigned_to",
	    (long long)id);
	j = fbfix_get_json(path, NULL, 200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "creator")),
	    "rep@example-ca.test");
	ck_assert_str_eq(json_string_value(json_object_get(b, "assigned_to")),
	    "rep@example-ca.test");
	fbfix_resp_free(&r);
	free(path);
}
END_TEST

/* The per-bug routes and the mutations, by intent. */
static Suite *
fakebz_bugs_suite(void)
{
	Suite *s = suite_create("fakebz_bugs");
	TCase *tc;

	tc = tcase_create("get_comments_history");
	tcase_add_checked_fixture(tc, fbfix_setup, fbfix_teardown);
	tcase_add_test(tc, test_get_shapes_and_errors);
	tcase_add_test(tc, test_get_ids_permissive);
	tcase_add_test(tc, test_comments_shape_and_merge);
	tcase_add_test(tc, test_comments_new_since_fields_skip);
	tcase_add_test(tc, test_history_shape_and_new_since);
	tcase_add_test(tc, test_flags_shape);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations");
	tcase_add_checked_fixture(tc, fbfix_setup, fbfix_teardown);
	tcase_add_test(tc, test_mutations_history);
	tcase_add_test(tc, test_mutations_flags_comments_bugs);
	tcase_add_test(tc, test_third_party_report);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	return fbfix_run(fakebz_bugs_suite());
}
