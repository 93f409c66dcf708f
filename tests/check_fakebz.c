/*
 * Tests of the fake Bugzilla's search (BUGZILLA-API.md §9): the answer's
 * shape pinned against BMO's real recorded responses, the query fields,
 * paging and its cap, restricted bugs, and a round trip of the real
 * corpus, through libcurl against an in-process server on 127.0.0.1.  The
 * per-bug routes are tested in check_fakebz_bugs.c, the protocol and the
 * faults in check_fakebz_protocol.c.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fakebz.h"
#include "fakebz_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

START_TEST(test_search_top_level_and_bug_shape)
{
	struct resp r;
	json_t *j, *rec, *bug;

	j = fbfix_get_json("/rest/bug?id=1800003", NULL, 200, &r);
	rec = fbfix_load_recorded(
	    "tests/data/bmo/search-paged-default-fields.json");
	fbfix_assert_same_shape(j, rec, 0);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	fbfix_assert_same_shape(
	    bug, json_array_get(json_object_get(rec, "bugs"), 0), 1);
	ck_assert_ptr_null(json_object_get(bug, "comments"));
	ck_assert_ptr_null(json_object_get(bug, "history"));
	ck_assert_str_eq(json_string_value(json_object_get(bug, "summary")),
	    "Zürich Trust: EV certificates with wrong businessCategory 🔒");
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "Zürich"));
	json_decref(rec);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_search_repeated_product_and_open)
{
	char *ids;

	ids = fbfix_search_ids(
	    "product=CA%20Program&product=NSS&component="
	    "CA%20Certificate%20Compliance&status=__open__&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	/* A component shared by products matches all of them. */
	ids = fbfix_search_ids(
	    "component=CA%20Certificate%20Compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800006");
	free(ids);
	/* Commas are not split for products. */
	ids = fbfix_search_ids("product=CA%20Program,NSS");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = fbfix_search_ids("status=__closed__&order=bug_id");
	ck_assert_str_eq(ids, "1800002,1800006");
	free(ids);
	ids = fbfix_search_ids("status=NEW&status=ASSIGNED&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003,1800005");
	free(ids);
}
END_TEST

START_TEST(test_search_status_trap)
{
	char *ids;

	/* Comma-joined statuses are invalid, dropped: every status matches. */
	ids = fbfix_search_ids("status=NEW,ASSIGNED&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	ids = fbfix_search_ids("status=BOGUS&status=RESOLVED");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
}
END_TEST

START_TEST(test_search_resolution_ids_times)
{
	char *ids;

	ids = fbfix_search_ids(
	    "resolution=---&component=CA%20Certificate%20Compliance");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = fbfix_search_ids("resolution=FIXED");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
	/* Missing and restricted ids are silently omitted. */
	ids = fbfix_search_ids("id=1800002,1800005,999,1800004");
	ck_assert_str_eq(ids, "1800002,1800005");
	free(ids);
	ids = fbfix_search_ids("bug_id=1800002&bug_id=1800006");
	ck_assert_str_eq(ids, "1800002,1800006");
	free(ids);
	/* last_change_time is inclusive to the second, all three forms. */
	ids = fbfix_search_ids("last_change_time=2024-05-20T09:15:00Z");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids = fbfix_search_ids("last_change_time=2024-05-20%2009:15:01");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = fbfix_search_ids("last_change_time=2024-05-01&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = fbfix_search_ids("creation_time=2024-01-01&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800005");
	free(ids);
	fbfix_assert_error("/rest/bug?last_change_time=yesterday", NULL, 400,
	    56, "'yesterday' is not a legal date.");
}
END_TEST

START_TEST(test_search_whiteboard)
{
	char *ids;

	ids = fbfix_search_ids("whiteboard=ca-compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003");
	free(ids);
	/* allwordssubstr: every word, in any order. */
	ids = fbfix_search_ids("whiteboard=ov-misissuance%20ca-compliance");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids = fbfix_search_ids("whiteboard=ca%20compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800006");
	free(ids);
	ids = fbfix_search_ids("whiteboard=ca%20compliance&"
			       "status_whiteboard_type=substring");
	ck_assert_str_eq(ids, "1800006");
	free(ids);
}
END_TEST

START_TEST(test_search_custom_charts)
{
	char *ids;

	ids = fbfix_search_ids("f1=flagtypes.name&o1=substring&v1=needinfo%3F&"
			       "order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = fbfix_search_ids("f1=requestees.login_name&o1=equals&"
			       "v1=carep%40ca-example.test");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids = fbfix_search_ids(
	    "f1=status_whiteboard&o1=notsubstring&v1=ca-compliance&"
	    "order=bug_id");
	ck_assert_str_eq(ids, "1800005,1800006");
	free(ids);
	ids = fbfix_search_ids(
	    "f1=bug_id&o1=anyexact&v1=1800002,1800006&f2=delta_ts&"
	    "o2=greaterthaneq&v2=2024-01-01&order=bug_id");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
	ids = fbfix_search_ids(
	    "j_top=OR&f1=bug_id&o1=equals&v1=1800002&f2=bug_id&"
	    "o2=equals&v2=1800006&order=bug_id");
	ck_assert_str_eq(ids, "1800002,1800006");
	free(ids);
}
END_TEST

START_TEST(test_search_include_fields)
{
	struct resp r;
	json_t *j, *bug, *rec;
	char *keys;

	j = fbfix_get_json(
	    "/rest/bug?id=1800001&include_fields=summary,creator,cc", NULL, 200,
	    &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	keys = fbfix_keys_of(bug, 0);
	/* No implicit id; automatic *_detail. */
	ck_assert_str_eq(keys, "cc,cc_detail,creator,creator_detail,summary");
	ck_assert_int_eq(json_array_size(json_object_get(bug, "cc_detail")), 2);
	rec = fbfix_load_recorded(
	    "tests/data/bmo/search-paged-default-fields.json");
	fbfix_assert_same_shape(json_object_get(bug, "creator_detail"),
	    json_object_get(json_array_get(json_object_get(rec, "bugs"), 0),
		"creator_detail"),
	    0);
	json_decref(rec);
	free(keys);
	fbfix_resp_free(&r);

	j = fbfix_get_json(
	    "/rest/bug?id=1800001&include_fields=id&include_fields="
	    "resolution",
	    NULL, 200, &r);
	keys = fbfix_keys_of(json_array_get(json_object_get(j, "bugs"), 0), 0);
	ck_assert_str_eq(keys, "id,resolution");
	free(keys);
	fbfix_resp_free(&r);

	j = fbfix_get_json(
	    "/rest/bug?id=1800001&include_fields=_default,comments&"
	    "exclude_fields=cc_detail,whiteboard",
	    NULL, 200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(bug, "comments")), 3);
	ck_assert_ptr_nonnull(json_object_get(bug, "cc"));
	ck_assert_ptr_null(json_object_get(bug, "cc_detail"));
	ck_assert_ptr_null(json_object_get(bug, "whiteboard"));
	ck_assert_ptr_null(json_object_get(bug, "history"));
	fbfix_resp_free(&r);

	/* No qa_contact_detail without a QA contact. */
	j = fbfix_get_json(
	    "/rest/bug?id=1800001,1800003&include_fields=id,qa_contact"
	    "&order=bug_id",
	    NULL, 200, &r);
	ck_assert_ptr_null(
	    json_object_get(json_array_get(json_object_get(j, "bugs"), 0),
		"qa_contact_detail"));
	ck_assert_ptr_nonnull(
	    json_object_get(json_array_get(json_object_get(j, "bugs"), 1),
		"qa_contact_detail"));
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_search_limit_offset_order)
{
	struct resp r;
	char *ids;
	json_t *j, *rec;

	ids = fbfix_search_ids("limit=2&offset=0&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002");
	free(ids);
	ids = fbfix_search_ids("limit=2&offset=3&order=bug_id");
	ck_assert_str_eq(ids, "1800005,1800006");
	free(ids);
	ids = fbfix_search_ids("limit=2&offset=99&order=bug_id");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = fbfix_search_ids("limit=2&order=bug_id%20DESC");
	ck_assert_str_eq(ids, "1800006,1800005");
	free(ids);
	ids = fbfix_search_ids(
	    "status=__open__&order=changeddate&include_fields=id");
	ck_assert_str_eq(ids, "1800005,1800003,1800001");
	free(ids);
	/* limit 0, junk or past the cap: the cap, silently. */
	ids = fbfix_search_ids("limit=0&offset=3&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	ids = fbfix_search_ids("limit=20000&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	fbfix_assert_error("/rest/bug?offset=2", NULL, 400, 50, NULL);

	j = fbfix_get_json("/rest/bug?component=CA%20Certificate%20Compliance&"
			   "count_only=1&limit=1",
	    NULL, 200, &r);
	rec = fbfix_load_recorded("tests/data/bmo/search-count_only.json");
	fbfix_assert_same_shape(j, rec, 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(j, "bug_count")), 4);
	json_decref(rec);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_search_cap_10000)
{
	struct resp r;
	json_t *j;
	int i;

	for (i = 0; i < 10050; i++)
		fakebz_add_bug(
		    test_fb, "CA Program", "Bulk", "bulk", "a@b.test", "d");
	ck_assert_uint_eq(fakebz_bug_count(test_fb), 10056);
	j = fbfix_get_json(
	    "/rest/bug?component=Bulk&include_fields=id", NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 10000);
	fbfix_resp_free(&r);
	/* A limit past the cap is the cap; the offset still pages. */
	j = fbfix_get_json(
	    "/rest/bug?component=Bulk&include_fields=id&limit=20000", NULL, 200,
	    &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 10000);
	fbfix_resp_free(&r);
	j = fbfix_get_json(
	    "/rest/bug?component=Bulk&include_fields=id&limit=20000&"
	    "offset=10000",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 50);
	fbfix_resp_free(&r);
	j = fbfix_get_json(
	    "/rest/bug?component=Bulk&count_only=1", NULL, 200, &r);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(j, "bug_count")), 10050);
	fbfix_resp_free(&r);
}
END_TEST

START_TEST(test_search_restricted_with_key)
{
	char *ids;

	ids = fbfix_search_ids("id=1800004&api_key=" KEY);
	ck_assert_str_eq(ids, "1800004");
	free(ids);
	ids = fbfix_search_ids("id=1800004&Bugzilla_api_key=" KEY);
	ck_assert_str_eq(ids, "1800004");
	free(ids);
}
END_TEST

START_TEST(test_real_corpus_round_trip)
{
	struct resp r;
	struct fakebz *real;
	char *path = testutil_srcpath("data/ca-compliance/bugs-2026-03.json");
	char *cause = NULL, *url;
	json_t *rec, *j, *bug, *want;
	size_t i, open = 0;
	const char *st;

	rec = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(rec);
	json_array_foreach(rec, i, bug)
	{
		st = json_string_value(json_object_get(bug, "status"));
		if (strcmp(st, "RESOLVED") != 0 &&
		    strcmp(st, "VERIFIED") != 0 && strcmp(st, "CLOSED") != 0)
			open++;
	}
	real = fakebz_start(path, 0, &cause);
	ck_assert_msg(real != NULL, "%s", cause);
	ck_assert_uint_eq(fakebz_bug_count(real), json_array_size(rec));
	fbfix_teardown();
	test_fb = real;

	j = fbfix_get_json("/rest/bug?count_only=1", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "bug_count")),
	    (json_int_t)json_array_size(rec));
	fbfix_resp_free(&r);
	j = fbfix_get_json(
	    "/rest/bug?status=__open__&count_only=1", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "bug_count")),
	    (json_int_t)open);
	fbfix_resp_free(&r);

	/* The recorded request gives back the recorded records, details too. */
	want = json_array_get(rec, 0);
	xasprintf(&url,
	    "/rest/bug?id=%" JSON_INTEGER_FORMAT
	    "&include_fields=id,summary,creation_time,status,resolution,"
	    "whiteboard,creator",
	    json_integer_value(json_object_get(want, "id")));
	j = fbfix_get_json(url, NULL, 200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	fbfix_assert_same_shape(bug, want, 0);
	ck_assert(json_equal(bug, want));
	fbfix_resp_free(&r);
	free(url);
	free(path);
	json_decref(rec);
}
END_TEST

/* The search suite. */
static Suite *
fakebz_suite(void)
{
	Suite *s = suite_create("fakebz");
	TCase *tc;

	tc = tcase_create("search");
	tcase_add_checked_fixture(tc, fbfix_setup, fbfix_teardown);
	tcase_add_test(tc, test_search_top_level_and_bug_shape);
	tcase_add_test(tc, test_search_repeated_product_and_open);
	tcase_add_test(tc, test_search_status_trap);
	tcase_add_test(tc, test_search_resolution_ids_times);
	tcase_add_test(tc, test_search_whiteboard);
	tcase_add_test(tc, test_search_custom_charts);
	tcase_add_test(tc, test_search_include_fields);
	tcase_add_test(tc, test_search_limit_offset_order);
	tcase_add_test(tc, test_search_cap_10000);
	tcase_add_test(tc, test_search_restricted_with_key);
	tcase_add_test(tc, test_real_corpus_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	return fbfix_run(fakebz_suite());
}
