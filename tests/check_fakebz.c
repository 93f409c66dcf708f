/*
 * Tests of the fake Bugzilla: every item of BUGZILLA-API.md §9, with the
 * shapes pinned against BMO's real recorded responses, through libcurl
 * against an in-process server on 127.0.0.1.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fakebz.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define KEY "secret-key"
#define NOW 1717200000 /* 2024-06-01T00:00:00Z */

/* One answer of the fake as the tests see it. */
struct resp {
	long status;
	char ctype[128];
	char etag[64];
	int retry_after;
	struct buf body;
	json_t *json;
};

static struct fakebz *fb;

/* Start the fake on the small corpus with a frozen clock and a key. */
static void
setup(void)
{
	char *corpus = testutil_srcpath("tests/data/fakebz/corpus-small.json");
	char *cause = NULL;

	fb = fakebz_start(corpus, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	free(corpus);
	fakebz_set_now(fb, NOW);
	fakebz_set_api_key(fb, KEY, "carep@ca-example.test");
}

/* Stop the fake. */
static void
teardown(void)
{
	fakebz_stop(fb);
	fb = NULL;
}

/* CURLOPT_WRITEFUNCTION: append to the body buffer. */
static size_t
resp_write(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	if (buf_add(&r->body, p, size * n) == -1)
		return 0;
	return size * n;
}

/* CURLOPT_HEADERFUNCTION: keep Content-Type, ETag and Retry-After. */
static size_t
resp_header(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t len = size * n;

	if (len > 14 && strncasecmp(p, "Content-Type: ", 14) == 0)
		(void)snprintf(r->ctype, sizeof r->ctype, "%.*s",
		    (int)strcspn(p + 14, "\r\n"), p + 14);
	if (len > 6 && strncasecmp(p, "ETag: ", 6) == 0)
		(void)snprintf(r->etag, sizeof r->etag, "%.*s",
		    (int)strcspn(p + 6, "\r\n"), p + 6);
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		r->retry_after = 1;
	return len;
}

/*
 * GET path (below the fake's URL) with an optional extra header; fills r
 * and parses JSON bodies.  Returns the curl result.
 */
static CURLcode
get(const char *path, const char *header, struct resp *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char *url;
	CURLcode rc;

	memset(r, 0, sizeof *r);
	buf_init(&r->body, 512 * 1024 * 1024);
	xasprintf(&url, "%s%s", fakebz_url(fb), path);
	if (header != NULL)
		hdrs = curl_slist_append(hdrs, header);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, resp_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc == CURLE_OK && strncmp(r->ctype, "application/json", 16) == 0)
		r->json = json_loadb(r->body.data, r->body.len, 0, NULL);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	free(url);
	return rc;
}

/* GET path, assert a JSON answer with the given status; returns the JSON. */
static json_t *
get_json(const char *path, const char *header, long status, struct resp *r)
{
	ck_assert_int_eq(get(path, header, r), CURLE_OK);
	ck_assert_msg(r->status == status, "%s: HTTP %ld, want %ld: %s", path,
	    r->status, status, buf_str(&r->body));
	ck_assert_str_eq(r->ctype, "application/json; charset=UTF-8");
	ck_assert_msg(r->json != NULL, "%s: not JSON", path);
	return r->json;
}

/* Free an answer. */
static void
resp_free(struct resp *r)
{
	buf_free(&r->body);
	json_decref(r->json);
}

/* Load a recorded response from tests/data. */
static json_t *
load_recorded(const char *rel)
{
	char *path = testutil_srcpath(rel);
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	ck_assert_msg(j != NULL, "%s: %s", path, err.text);
	free(path);
	return j;
}

/* The sorted, comma-joined keys of obj, skipping cf_* when asked. */
static char *
keys_of(json_t *obj, int skip_cf)
{
	const char **names;
	const char *key;
	json_t *v;
	size_t n = 0, i, j;
	struct buf b;

	names = xreallocarray(NULL, json_object_size(obj) + 1, sizeof *names);
	json_object_foreach(obj, key,
	    v) if (!skip_cf || strncmp(key, "cf_", 3) != 0) names[n++] = key;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			key = names[j];
			names[j] = names[j - 1];
			names[j - 1] = key;
		}
	buf_init(&b, 1 << 20);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", names[i]);
	free(names);
	return buf_detach(&b);
}

/* Assert obj has exactly the keys of the recorded object with equal types. */
static void
assert_same_shape(json_t *got, json_t *want, int skip_cf)
{
	char *g = keys_of(got, skip_cf), *w = keys_of(want, skip_cf);
	const char *key;
	json_t *v, *gv;
	int tg, tw;

	ck_assert_str_eq(g, w);
	json_object_foreach(want, key, v)
	{
		gv = json_object_get(got, key);
		if (gv == NULL)
			continue;
		tg = json_is_boolean(gv) ? JSON_TRUE : (int)json_typeof(gv);
		tw = json_is_boolean(v) ? JSON_TRUE : (int)json_typeof(v);
		ck_assert_msg(
		    tg == tw, "key %s: type %d, recorded %d", key, tg, tw);
	}
	free(g);
	free(w);
}

/* The ids of a search answer as "1,2,3". */
static char *
ids_of(json_t *bugs)
{
	struct buf b;
	size_t i;
	json_t *bug;

	buf_init(&b, 1 << 20);
	json_array_foreach(bugs, i, bug)
	    buf_printf(&b, "%s%" JSON_INTEGER_FORMAT, i ? "," : "",
		json_integer_value(json_object_get(bug, "id")));
	return buf_detach(&b);
}

/* Search and return the ids of the hits. */
static char *
search_ids(const char *query)
{
	struct resp r;
	char *path, *ids;
	json_t *j;

	xasprintf(&path, "/rest/bug?%s", query);
	j = get_json(path, NULL, 200, &r);
	ids = ids_of(json_object_get(j, "bugs"));
	resp_free(&r);
	free(path);
	return ids;
}

/* Assert a JSON error answer with code and message. */
static void
assert_error(const char *path, const char *header, long status, int code,
    const char *message)
{
	struct resp r;
	json_t *j = get_json(path, header, status, &r);
	json_t *rec =
	    load_recorded("tests/data/bmo/error-102-access-denied.json");

	assert_same_shape(j, rec, 0);
	ck_assert(json_is_true(json_object_get(j, "error")));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), code);
	if (message != NULL)
		ck_assert_str_eq(
		    json_string_value(json_object_get(j, "message")), message);
	ck_assert_str_eq(json_string_value(json_object_get(j, "documentation")),
	    "https://bmo.readthedocs.io/en/latest/api/");
	json_decref(rec);
	resp_free(&r);
}

START_TEST(test_search_top_level_and_bug_shape)
{
	struct resp r;
	json_t *j, *rec, *bug;

	j = get_json("/rest/bug?id=1800003", NULL, 200, &r);
	rec = load_recorded("tests/data/bmo/search-paged-default-fields.json");
	assert_same_shape(j, rec, 0);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	assert_same_shape(
	    bug, json_array_get(json_object_get(rec, "bugs"), 0), 1);
	ck_assert_ptr_null(json_object_get(bug, "comments"));
	ck_assert_ptr_null(json_object_get(bug, "history"));
	ck_assert_str_eq(json_string_value(json_object_get(bug, "summary")),
	    "Zürich Trust: EV certificates with wrong businessCategory 🔒");
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "Zürich"));
	json_decref(rec);
	resp_free(&r);
}
END_TEST

START_TEST(test_search_repeated_product_and_open)
{
	char *ids;

	ids = search_ids(
	    "product=CA%20Program&product=NSS&component="
	    "CA%20Certificate%20Compliance&status=__open__&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	/* A component shared by products matches all of them. */
	ids =
	    search_ids("component=CA%20Certificate%20Compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800006");
	free(ids);
	/* Commas are not split for products. */
	ids = search_ids("product=CA%20Program,NSS");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = search_ids("status=__closed__&order=bug_id");
	ck_assert_str_eq(ids, "1800002,1800006");
	free(ids);
	ids = search_ids("status=NEW&status=ASSIGNED&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003,1800005");
	free(ids);
}
END_TEST

START_TEST(test_search_status_trap)
{
	char *ids;

	/* Comma-joined statuses are invalid, dropped: every status matches. */
	ids = search_ids("status=NEW,ASSIGNED&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	ids = search_ids("status=BOGUS&status=RESOLVED");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
}
END_TEST

START_TEST(test_search_resolution_ids_times)
{
	char *ids;

	ids = search_ids(
	    "resolution=---&component=CA%20Certificate%20Compliance");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = search_ids("resolution=FIXED");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
	/* Missing and restricted ids are silently omitted. */
	ids = search_ids("id=1800002,1800005,999,1800004");
	ck_assert_str_eq(ids, "1800002,1800005");
	free(ids);
	ids = search_ids("bug_id=1800002&bug_id=1800006");
	ck_assert_str_eq(ids, "1800002,1800006");
	free(ids);
	/* last_change_time is inclusive to the second, all three forms. */
	ids = search_ids("last_change_time=2024-05-20T09:15:00Z");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids = search_ids("last_change_time=2024-05-20%2009:15:01");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = search_ids("last_change_time=2024-05-01&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = search_ids("creation_time=2024-01-01&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800005");
	free(ids);
	assert_error("/rest/bug?last_change_time=yesterday", NULL, 400, 56,
	    "'yesterday' is not a legal date.");
}
END_TEST

START_TEST(test_search_whiteboard)
{
	char *ids;

	ids = search_ids("whiteboard=ca-compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003");
	free(ids);
	/* allwordssubstr: every word, in any order. */
	ids = search_ids("whiteboard=ov-misissuance%20ca-compliance");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids = search_ids("whiteboard=ca%20compliance&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800006");
	free(ids);
	ids = search_ids("whiteboard=ca%20compliance&"
			 "status_whiteboard_type=substring");
	ck_assert_str_eq(ids, "1800006");
	free(ids);
}
END_TEST

START_TEST(test_search_custom_charts)
{
	char *ids;

	ids = search_ids("f1=flagtypes.name&o1=substring&v1=needinfo%3F&"
			 "order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800003");
	free(ids);
	ids = search_ids("f1=requestees.login_name&o1=equals&"
			 "v1=carep%40ca-example.test");
	ck_assert_str_eq(ids, "1800001");
	free(ids);
	ids =
	    search_ids("f1=status_whiteboard&o1=notsubstring&v1=ca-compliance&"
		       "order=bug_id");
	ck_assert_str_eq(ids, "1800005,1800006");
	free(ids);
	ids = search_ids("f1=bug_id&o1=anyexact&v1=1800002,1800006&f2=delta_ts&"
			 "o2=greaterthaneq&v2=2024-01-01&order=bug_id");
	ck_assert_str_eq(ids, "1800002");
	free(ids);
	ids = search_ids("j_top=OR&f1=bug_id&o1=equals&v1=1800002&f2=bug_id&"
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

	j = get_json("/rest/bug?id=1800001&include_fields=summary,creator,cc",
	    NULL, 200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	keys = keys_of(bug, 0);
	/* No implicit id; automatic *_detail. */
	ck_assert_str_eq(keys, "cc,cc_detail,creator,creator_detail,summary");
	ck_assert_int_eq(json_array_size(json_object_get(bug, "cc_detail")), 2);
	rec = load_recorded("tests/data/bmo/search-paged-default-fields.json");
	assert_same_shape(json_object_get(bug, "creator_detail"),
	    json_object_get(json_array_get(json_object_get(rec, "bugs"), 0),
		"creator_detail"),
	    0);
	json_decref(rec);
	free(keys);
	resp_free(&r);

	j = get_json("/rest/bug?id=1800001&include_fields=id&include_fields="
		     "resolution",
	    NULL, 200, &r);
	keys = keys_of(json_array_get(json_object_get(j, "bugs"), 0), 0);
	ck_assert_str_eq(keys, "id,resolution");
	free(keys);
	resp_free(&r);

	j = get_json("/rest/bug?id=1800001&include_fields=_default,comments&"
		     "exclude_fields=cc_detail,whiteboard",
	    NULL, 200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(bug, "comments")), 3);
	ck_assert_ptr_nonnull(json_object_get(bug, "cc"));
	ck_assert_ptr_null(json_object_get(bug, "cc_detail"));
	ck_assert_ptr_null(json_object_get(bug, "whiteboard"));
	ck_assert_ptr_null(json_object_get(bug, "history"));
	resp_free(&r);

	/* No qa_contact_detail without a QA contact. */
	j = get_json("/rest/bug?id=1800001,1800003&include_fields=id,qa_contact"
		     "&order=bug_id",
	    NULL, 200, &r);
	ck_assert_ptr_null(
	    json_object_get(json_array_get(json_object_get(j, "bugs"), 0),
		"qa_contact_detail"));
	ck_assert_ptr_nonnull(
	    json_object_get(json_array_get(json_object_get(j, "bugs"), 1),
		"qa_contact_detail"));
	resp_free(&r);
}
END_TEST

START_TEST(test_search_limit_offset_order)
{
	struct resp r;
	char *ids;
	json_t *j, *rec;

	ids = search_ids("limit=2&offset=0&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002");
	free(ids);
	ids = search_ids("limit=2&offset=3&order=bug_id");
	ck_assert_str_eq(ids, "1800005,1800006");
	free(ids);
	ids = search_ids("limit=2&offset=99&order=bug_id");
	ck_assert_str_eq(ids, "");
	free(ids);
	ids = search_ids("limit=2&order=bug_id%20DESC");
	ck_assert_str_eq(ids, "1800006,1800005");
	free(ids);
	ids = search_ids("status=__open__&order=changeddate&include_fields=id");
	ck_assert_str_eq(ids, "1800005,1800003,1800001");
	free(ids);
	/* limit 0, junk or past the cap: the cap, silently. */
	ids = search_ids("limit=0&offset=3&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	ids = search_ids("limit=20000&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005,1800006");
	free(ids);
	assert_error("/rest/bug?offset=2", NULL, 400, 50, NULL);

	j = get_json("/rest/bug?component=CA%20Certificate%20Compliance&"
		     "count_only=1&limit=1",
	    NULL, 200, &r);
	rec = load_recorded("tests/data/bmo/search-count_only.json");
	assert_same_shape(j, rec, 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(j, "bug_count")), 4);
	json_decref(rec);
	resp_free(&r);
}
END_TEST

START_TEST(test_search_cap_10000)
{
	struct resp r;
	json_t *j;
	int i;

	for (i = 0; i < 10050; i++)
		fakebz_add_bug(
		    fb, "CA Program", "Bulk", "bulk", "a@b.test", "d");
	ck_assert_uint_eq(fakebz_bug_count(fb), 10056);
	j = get_json(
	    "/rest/bug?component=Bulk&include_fields=id", NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 10000);
	resp_free(&r);
	/* A limit past the cap is the cap; the offset still pages. */
	j = get_json("/rest/bug?component=Bulk&include_fields=id&limit=20000",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 10000);
	resp_free(&r);
	j = get_json("/rest/bug?component=Bulk&include_fields=id&limit=20000&"
		     "offset=10000",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 50);
	resp_free(&r);
	j = get_json("/rest/bug?component=Bulk&count_only=1", NULL, 200, &r);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(j, "bug_count")), 10050);
	resp_free(&r);
}
END_TEST

START_TEST(test_search_restricted_with_key)
{
	char *ids;

	ids = search_ids("id=1800004&api_key=" KEY);
	ck_assert_str_eq(ids, "1800004");
	free(ids);
	ids = search_ids("id=1800004&Bugzilla_api_key=" KEY);
	ck_assert_str_eq(ids, "1800004");
	free(ids);
}
END_TEST

START_TEST(test_get_shapes_and_errors)
{
	struct resp r;
	json_t *j, *rec, *bug;

	j = get_json("/rest/bug/1800001?include_fields=summary,assigned_to,"
		     "status,resolution",
	    NULL, 200, &r);
	rec = load_recorded("tests/data/bmo/get-bug-with-faults.json");
	assert_same_shape(j, rec, 0);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "faults")), 0);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	assert_same_shape(
	    bug, json_array_get(json_object_get(rec, "bugs"), 0), 0);
	json_decref(rec);
	resp_free(&r);

	assert_error(
	    "/rest/bug/999", NULL, 404, 101, "Bug 999 does not exist.");
	assert_error("/rest/bug/1800004", NULL, 401, 102,
	    "You are not authorized to access bug 1800004. To see this bug, "
	    "you must first log in to an account with the appropriate "
	    "permissions.");
	assert_error("/rest/bug/no-such-alias", NULL, 400, 100,
	    "'no-such-alias' is not a valid bug number nor an alias to a bug.");
	j = get_json("/rest/bug/1800004", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 1);
	resp_free(&r);
}
END_TEST

START_TEST(test_get_ids_permissive)
{
	struct resp r;
	json_t *j, *f;

	j = get_json("/rest/bug?ids=1800001&ids=999&ids=1800004&permissive=1&"
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
	resp_free(&r);
	assert_error("/rest/bug/1800001?ids=999", NULL, 404, 101, NULL);
	assert_error(
	    "/rest/bug/1800001?ids=1800002,1800003", NULL, 400, 100, NULL);
}
END_TEST

START_TEST(test_comments_shape_and_merge)
{
	struct resp r;
	json_t *j, *rec, *bugs, *c, *rc;
	char *got, *want;

	j = get_json(
	    "/rest/bug/1800001/comment?ids=1800003&ids=1800001", NULL, 200, &r);
	rec = load_recorded("tests/data/bmo/comments-12345.json");
	assert_same_shape(j, rec, 0);
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
	assert_same_shape(c, rc, 0);
	/* Private comment 1 of bug 1800003 leaves a gap in count. */
	c = json_object_get(json_object_get(bugs, "1800003"), "comments");
	ck_assert_uint_eq(json_array_size(c), 2);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_array_get(c, 1), "count")),
	    2);
	got = keys_of(json_array_get(c, 0), 0);
	want =
	    xstrdup("attachment_id,author,bug_id,count,creation_time,creator,"
		    "id,is_private,raw_text,reactions,tags,text,time");
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(rec);
	resp_free(&r);

	/* The key shows the private comment. */
	j = get_json(
	    "/rest/bug/1800003/comment", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800003"),
		"comments")),
	    3);
	resp_free(&r);
	assert_error("/rest/bug/1800001/comment?ids=1800002,1800003", NULL, 400,
	    100,
	    "'1800002,1800003' is not a valid bug number nor an alias to a "
	    "bug.");
	assert_error("/rest/bug/1800001/comment?ids=999", NULL, 404, 101, NULL);
	/* There is no /rest/bug/comment?ids=: "comment" is taken as a bug. */
	assert_error("/rest/bug/comment?ids=1800001,1800003", NULL, 400, 100,
	    "'comment' is not a valid bug number nor an alias to a bug.");
	assert_error("/rest/bug/1800004/comment", NULL, 401, 102, NULL);
}
END_TEST

START_TEST(test_comments_new_since_fields_skip)
{
	struct resp r;
	json_t *j, *c;
	char *keys;

	/* Strictly greater: the comment at exactly new_since is left out. */
	j = get_json("/rest/bug/1800001/comment?new_since=2024-04-10T10:00:00Z&"
		     "include_fields=id,count",
	    NULL, 200, &r);
	c = json_object_get(
	    json_object_get(json_object_get(j, "bugs"), "1800001"), "comments");
	ck_assert_uint_eq(json_array_size(c), 1);
	keys = keys_of(json_array_get(c, 0), 0);
	ck_assert_str_eq(keys, "count,id");
	free(keys);
	resp_free(&r);
	assert_error("/rest/bug/1800001/comment?new_since=yesterday-ish", NULL,
	    400, 56, "'yesterday-ish' is not a legal date.");

	j = get_json("/rest/bug/1800001/comment?ids=999&ids=1800004&"
		     "skip_private=1",
	    NULL, 200, &r);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "bugs")), 1);
	resp_free(&r);

	j = get_json("/rest/bug/comment/102", NULL, 200, &r);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "bugs")), 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(
		json_object_get(json_object_get(j, "comments"), "102"),
		"bug_id")),
	    1800001);
	resp_free(&r);
	assert_error("/rest/bug/comment/51", NULL, 401, 110, NULL);
}
END_TEST

START_TEST(test_history_shape_and_new_since)
{
	struct resp r;
	json_t *j, *rec, *b, *rb, *h, *rh;

	j = get_json("/rest/bug/1800001/history?ids=1800003", NULL, 200, &r);
	rec = load_recorded("tests/data/bmo/history-1416872-needinfo.json");
	assert_same_shape(j, rec, 0);
	ck_assert(json_is_array(json_object_get(j, "bugs")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 2);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	rb = json_array_get(json_object_get(rec, "bugs"), 0);
	assert_same_shape(b, rb, 0);
	ck_assert(json_is_null(json_object_get(b, "alias")));
	h = json_array_get(json_object_get(b, "history"), 0);
	rh = json_array_get(json_object_get(rb, "history"), 1);
	assert_same_shape(h, rh, 0);
	assert_same_shape(json_array_get(json_object_get(h, "changes"), 0),
	    json_array_get(json_object_get(rh, "changes"), 0), 0);
	json_decref(rec);
	resp_free(&r);

	j = get_json("/rest/bug/1800001/history?new_since=2024-04-10T10:00:00Z",
	    NULL, 200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(b, "history")), 1);
	resp_free(&r);
	assert_error("/rest/bug/999/history", NULL, 404, 101, NULL);
}
END_TEST

START_TEST(test_flags_shape)
{
	struct resp r;
	json_t *j, *rec, *rf, *f1, *f3;

	j = get_json("/rest/bug?id=1800001,1800003&include_fields=id,flags&"
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
	rec = load_recorded("tests/data/bmo/attachments-1007402-flags.json");
	rf = json_array_get(
	    json_object_get(
		json_array_get(
		    json_object_get(json_object_get(rec, "bugs"), "1007402"),
		    1),
		"flags"),
	    0);
	/* No requestee key at all when the request is to anyone. */
	assert_same_shape(f3, rf, 0);
	ck_assert_ptr_null(json_object_get(f3, "requestee"));
	ck_assert_int_eq(
	    json_integer_value(json_object_get(f1, "type_id")), 800);
	ck_assert_str_eq(json_string_value(json_object_get(f1, "requestee")),
	    "carep@ca-example.test");
	json_object_del(f1, "requestee");
	assert_same_shape(f1, rf, 0);
	json_decref(rec);
	resp_free(&r);
}
END_TEST

START_TEST(test_errors_routes_and_methods)
{
	struct resp r;
	CURL *h;
	char *url;
	long status;

	assert_error("/rest/foo", NULL, 404, 32614,
	    "A REST API resource was not found for 'GET /foo'.");
	assert_error("/rest/bug/1800001/attachmentz", NULL, 404, 32614, NULL);
	h = curl_easy_init();
	xasprintf(&url, "%s/rest/bug/1800001", fakebz_url(fb));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, resp_write);
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
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	for (i = 0; i < 2; i++) {
		xasprintf(&url, "%s%s", fakebz_url(fb),
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
	ck_assert_int_eq(get(buf_str(&path), NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 414);
	ck_assert_str_eq(r.ctype, "text/plain");
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "URI Too Long"));
	resp_free(&r);
	buf_free(&path);
}
END_TEST

START_TEST(test_auth_whoami_version)
{
	struct resp r;
	json_t *j, *rec;

	assert_error("/rest/whoami", NULL, 401, 410,
	    "You must log in before using this part of Bugzilla.");
	assert_error("/rest/whoami", "X-BUGZILLA-API-KEY: wrong", 400, 306,
	    "The API key you specified is invalid. Please check that you typed "
	    "it correctly.");
	assert_error("/rest/bug/1800001?api_key=wrong", NULL, 400, 306, NULL);
	j = get_json("/rest/whoami", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	rec = load_recorded("tests/data/bugzilla-5.2/whoami_with_token.json");
	assert_same_shape(j, rec, 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "name")),
	    "carep@ca-example.test");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), 7001);
	json_decref(rec);
	resp_free(&r);
	j = get_json("/rest/whoami?Bugzilla_api_key=" KEY, NULL, 200, &r);
	resp_free(&r);
	/* version is login-exempt: even a bad key gets 200. */
	j = get_json("/rest/version", "X-BUGZILLA-API-KEY: wrong", 200, &r);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "version")), "20260820.1");
	resp_free(&r);
	j = get_json("/rest.cgi/version", NULL, 200, &r);
	resp_free(&r);
	j = get_json("/rest/timezone", NULL, 200, &r);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "timezone")), "+0000");
	resp_free(&r);
}
END_TEST

START_TEST(test_time_uses_fake_clock)
{
	struct resp r;
	json_t *j, *rec;

	j = get_json("/rest/time", NULL, 200, &r);
	rec = load_recorded("tests/data/bugzilla-5.2/time.json");
	assert_same_shape(j, rec, 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "db_time")),
	    "2024-06-01T00:00:00Z");
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "tz_offset")), "+0000");
	json_decref(rec);
	resp_free(&r);
}
END_TEST

START_TEST(test_etag_304)
{
	struct resp r, r2;
	char *hdr;

	ck_assert_int_eq(get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_uint_eq(strlen(r.etag), 22);
	xasprintf(&hdr, "If-None-Match: \"%s\"", r.etag);
	ck_assert_int_eq(get("/rest/bug/1800001", hdr, &r2), CURLE_OK);
	ck_assert_int_eq(r2.status, 304);
	ck_assert_uint_eq(r2.body.len, 0);
	resp_free(&r2);
	fakebz_set_whiteboard(fb, 1800001, "x@y.test", "changed");
	ck_assert_int_eq(get("/rest/bug/1800001", hdr, &r2), CURLE_OK);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_str_ne(r2.etag, r.etag);
	resp_free(&r2);
	resp_free(&r);
	free(hdr);
}
END_TEST

START_TEST(test_rate_limit_then_block)
{
	struct resp r;
	json_t *j;
	int i;

	fakebz_set_rate_limit(fb, 3, 60);
	for (i = 0; i < 3; i++) {
		j = get_json("/rest/bug/1800001", NULL, 200, &r);
		resp_free(&r);
	}
	/* Search and authenticated calls do not count. */
	j = get_json("/rest/bug/1800001", "X-BUGZILLA-API-KEY: " KEY, 200, &r);
	resp_free(&r);
	assert_error("/rest/bug/1800001/comment", NULL, 400, 32000,
	    "You have exceeded the rate limit.");
	ck_assert_int_eq(get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	ck_assert_str_eq(r.ctype, "text/html");
	ck_assert_int_eq(r.retry_after, 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&r.body), "Too Many Requests"));
	ck_assert_ptr_nonnull(
	    strstr(buf_str(&r.body), "You will be unblocked in 60 minutes."));
	resp_free(&r);
	/* The block lasts an hour of the fake's clock. */
	fakebz_set_now(fb, NOW + 3599);
	ck_assert_int_eq(get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	resp_free(&r);
	fakebz_set_now(fb, NOW + 3599 + 3600);
	j = get_json("/rest/version", NULL, 200, &r);
	resp_free(&r);
	(void)j;
}
END_TEST

START_TEST(test_faults_http)
{
	struct resp r;
	json_t *j;

	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_500, 1);
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_502, 1);
	fakebz_fault(fb, "/rest/version", FAKEBZ_FAULT_503, 1);
	ck_assert_int_eq(get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 500);
	ck_assert_str_eq(r.ctype, "text/html");
	resp_free(&r);
	j = get_json("/rest/bug/1800001", NULL, 200, &r);
	resp_free(&r);
	ck_assert_int_eq(get("/rest/time", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 502);
	resp_free(&r);
	ck_assert_int_eq(get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 503);
	resp_free(&r);
	fakebz_fault(fb, "/rest/version", FAKEBZ_FAULT_429, 1);
	ck_assert_int_eq(get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	ck_assert_int_eq(r.retry_after, 0);
	resp_free(&r);
	j = get_json("/rest/version", NULL, 200, &r);
	resp_free(&r);
	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_RATELIMIT, 1);
	assert_error("/rest/bug?id=1", NULL, 400, 32000, NULL);
	ck_assert_int_eq(get("/rest/version", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 429);
	resp_free(&r);
	fakebz_clear_faults(fb);
	j = get_json("/rest/version", NULL, 200, &r);
	resp_free(&r);
	(void)j;
}
END_TEST

START_TEST(test_faults_bodies)
{
	struct resp r, full;
	CURLcode rc;

	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_TRUNCATE, 1);
	ck_assert_int_eq(get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_ptr_null(r.json);
	get_json("/rest/bug/1800001", NULL, 200, &full);
	ck_assert_uint_eq(r.body.len, full.body.len / 2);
	ck_assert_int_eq(memcmp(r.body.data, full.body.data, r.body.len), 0);
	resp_free(&r);
	resp_free(&full);

	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_INVALID, 1);
	ck_assert_int_eq(get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(r.json);
	resp_free(&r);

	fakebz_set_huge_bytes(fb, 3 * 1024 * 1024 + 7);
	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_HUGE, 1);
	ck_assert_int_eq(get("/rest/bug/1800001", NULL, &r), CURLE_OK);
	ck_assert_uint_eq(r.body.len, 3 * 1024 * 1024 + 7);
	ck_assert_ptr_null(r.json);
	resp_free(&r);

	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_DROP, 1);
	rc = get("/rest/bug/1800001", NULL, &r);
	ck_assert_int_ne(rc, CURLE_OK);
	resp_free(&r);

	fakebz_set_delay_ms(fb, 50);
	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_DELAY, 1);
	get_json("/rest/bug/1800001", NULL, 200, &r);
	resp_free(&r);
}
END_TEST

START_TEST(test_counters_last_request)
{
	struct resp r;
	char *last;

	fakebz_reset_counts(fb);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 0);
	ck_assert_ptr_null(fakebz_last_request(fb));
	get_json("/rest/bug/1800001/comment", NULL, 200, &r);
	resp_free(&r);
	get_json("/rest/bug/1800003/comment", NULL, 200, &r);
	resp_free(&r);
	get_json("/rest/bug?product=CA%20Program&product=NSS", NULL, 200, &r);
	resp_free(&r);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 3);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 3);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug/1800003"), 1);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/time"), 0);
	last = fakebz_last_request(fb);
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
	ck_assert_int_eq(fakebz_log_requests(fb, path, &cause), 0);
	get_json("/rest/bug/1800001/comment", NULL, 200, &r);
	(void)snprintf(want, sizeof want,
	    "GET /rest/bug/1800001/comment 200 %zu\n", r.body.len);
	resp_free(&r);
	get_json("/rest/bug/999", NULL, 404, &r);
	resp_free(&r);
	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_DROP, 1);
	(void)get("/rest/time?x=1", NULL, &r);
	resp_free(&r);
	ck_assert_int_eq(fakebz_log_requests(fb, NULL, &cause), 0);
	get_json("/rest/version", NULL, 200, &r);
	resp_free(&r);

	text = testutil_read_file(path, NULL);
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "\nGET /rest/bug/999 404 "));
	ck_assert_ptr_nonnull(strstr(text, "\nGET /rest/time?x=1 0 0\n"));
	ck_assert_ptr_null(strstr(text, "/rest/version"));
	free(text);

	ck_assert_int_eq(
	    fakebz_log_requests(fb, "/nonexistent/dir/log", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/dir/log"));
	free(cause);
	free(path);
	testutil_rmdir(dir);
	free(dir);
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
	j = get_json(path, NULL, 200, &r);
	h = json_object_get(
	    json_array_get(json_object_get(j, "bugs"), 0), "history");
	h = json_incref(json_array_get(h, json_array_size(h) - 1));
	resp_free(&r);
	free(path);
	return h;
}

START_TEST(test_mutations_history)
{
	json_t *h, *c, *rec;
	char *ids;
	int when = NOW + 60;

	fakebz_set_now(fb, when);
	ck_assert_int_eq(
	    fakebz_set_whiteboard(fb, 1800001, "carep@ca-example.test",
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
	rec = load_recorded("tests/data/bmo/history-647570-whiteboard.json");
	assert_same_shape(h,
	    json_array_get(
		json_object_get(
		    json_array_get(json_object_get(rec, "bugs"), 0), "history"),
		0),
	    0);
	json_decref(rec);
	json_decref(h);
	ids = search_ids("last_change_time=2024-06-01T00:01:00Z");
	ck_assert_str_eq(ids, "1800001");
	free(ids);

	/* Same who and second: one entry with two changes. */
	fakebz_set_now(fb, when + 60);
	fakebz_set_needinfo(fb, 1800002, "rootstore@mozilla.test",
	    "incident-reporting@ccadb.org");
	fakebz_set_status(
	    fb, 1800002, "rootstore@mozilla.test", "REOPENED", "");
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
	ids = search_ids("status=__open__&order=bug_id");
	ck_assert_str_eq(ids, "1800001,1800002,1800003,1800005");
	free(ids);

	fakebz_set_now(fb, when + 120);
	fakebz_clear_needinfo(fb, 1800002, "carep@ca-example.test",
	    "incident-reporting@ccadb.org");
	h = last_history(1800002);
	c = json_array_get(json_object_get(h, "changes"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "removed")),
	    "needinfo?(incident-reporting@ccadb.org)");
	ck_assert_str_eq(json_string_value(json_object_get(c, "added")), "");
	json_decref(h);
	ck_assert_int_eq(fakebz_set_whiteboard(fb, 42, "x", "y"), -1);
	ck_assert_int_eq(fakebz_set_status(fb, 42, "x", "NEW", ""), -1);
}
END_TEST

START_TEST(test_mutations_flags_comments_bugs)
{
	struct resp r;
	json_t *j, *bug, *flags, *c;
	int64_t cid, id;

	fakebz_set_needinfo(
	    fb, 1800005, "rootstore@mozilla.test", "carep@ca-example.test");
	j = get_json("/rest/bug/1800005?include_fields=flags,last_change_time",
	    NULL, 200, &r);
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
	resp_free(&r);
	fakebz_clear_needinfo(fb, 1800005, "carep@ca-example.test", NULL);
	j = get_json("/rest/bug/1800005?include_fields=flags", NULL, 200, &r);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_array_get(json_object_get(j, "bugs"), 0), "flags")),
	    0);
	resp_free(&r);

	cid = fakebz_add_comment(
	    fb, 1800003, "carep@ca-example.test", "Update.", 0);
	ck_assert_int_eq(cid, 111);
	ck_assert_int_eq(fakebz_add_comment(fb, 42, "x", "y", 0), -1);
	j = get_json("/rest/bug/1800003/comment?new_since=2024-05-01T00:00:00Z",
	    NULL, 200, &r);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800003"),
		"comments"),
	    0);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 3);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "text")), "Update.");
	resp_free(&r);
	j = get_json(
	    "/rest/bug/1800003?include_fields=comment_count", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(
			     json_array_get(json_object_get(j, "bugs"), 0),
			     "comment_count")),
	    4);
	resp_free(&r);

	id = fakebz_add_bug(fb, "CA Program", "CA Certificate Compliance",
	    "New CA: incident", "carep@ca-example.test", "Initial report.");
	ck_assert_int_eq(id, 1800007);
	ck_assert_uint_eq(fakebz_bug_count(fb), 7);
	j = get_json("/rest/bug/1800007/comment", NULL, 200, &r);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), "1800007"),
		"comments"),
	    0);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 0);
	ck_assert_str_eq(
	    json_string_value(json_object_get(c, "text")), "Initial report.");
	resp_free(&r);

	fakebz_set_groups(fb, 1800007, "core-security");
	assert_error("/rest/bug/1800007", NULL, 401, 102, NULL);
	fakebz_set_groups(fb, 1800007, NULL);
	get_json("/rest/bug/1800007", NULL, 200, &r);
	resp_free(&r);
}
END_TEST

/* A third party files a report: the reporter is not the assignee. */
START_TEST(test_third_party_report)
{
	struct resp r;
	json_t *j, *b, *c;
	int64_t id;
	char *path, idbuf[32];

	id = fakebz_add_report(fb, "CA Program", "CA Certificate Compliance",
	    "Example CA: precertificates with a bad SAN",
	    "jo@ctmonitor.example", "nobody@mozilla.org",
	    "crt.sh shows 12 precertificates with an invalid dNSName.");
	ck_assert_int_gt(id, 0);
	xasprintf(&path, "/rest/bug/%lld", (long long)id);
	j = get_json(path, NULL, 200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "creator")),
	    "jo@ctmonitor.example");
	ck_assert_str_eq(json_string_value(json_object_get(b, "assigned_to")),
	    "nobody@mozilla.org");
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_object_get(b, "assigned_to_detail"), "email")),
	    "nobody@mozilla.org");
	resp_free(&r);
	free(path);
	xasprintf(&path, "/rest/bug/%lld/comment", (long long)id);
	j = get_json(path, NULL, 200, &r);
	(void)snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	c = json_array_get(
	    json_object_get(
		json_object_get(json_object_get(j, "bugs"), idbuf), "comments"),
	    0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "creator")),
	    "jo@ctmonitor.example");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 0);
	resp_free(&r);
	free(path);
	/* The CA's own report: both are the CA's representative. */
	id = fakebz_add_bug(fb, "CA Program", "CA Certificate Compliance",
	    "Example CA: late revocation", "rep@example-ca.test", "Report.");
	xasprintf(&path, "/rest/bug/%lld?include_fields=creator,assigned_to",
	    (long long)id);
	j = get_json(path, NULL, 200, &r);
	b = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "creator")),
	    "rep@example-ca.test");
	ck_assert_str_eq(json_string_value(json_object_get(b, "assigned_to")),
	    "rep@example-ca.test");
	resp_free(&r);
	free(path);
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
	other = fakebz_start(NULL, fakebz_port(fb), &cause);
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
	teardown();
	fb = real;

	j = get_json("/rest/bug?count_only=1", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "bug_count")),
	    (json_int_t)json_array_size(rec));
	resp_free(&r);
	j = get_json("/rest/bug?status=__open__&count_only=1", NULL, 200, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "bug_count")),
	    (json_int_t)open);
	resp_free(&r);

	/* The recorded request gives back the recorded records, details too. */
	want = json_array_get(rec, 0);
	xasprintf(&url,
	    "/rest/bug?id=%" JSON_INTEGER_FORMAT
	    "&include_fields=id,summary,creation_time,status,resolution,"
	    "whiteboard,creator",
	    json_integer_value(json_object_get(want, "id")));
	j = get_json(url, NULL, 200, &r);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	assert_same_shape(bug, want, 0);
	ck_assert(json_equal(bug, want));
	resp_free(&r);
	free(url);
	free(path);
	json_decref(rec);
}
END_TEST

/* The suite, by intent. */
static Suite *
fakebz_suite(void)
{
	Suite *s = suite_create("fakebz");
	TCase *tc;

	tc = tcase_create("search");
	tcase_add_checked_fixture(tc, setup, teardown);
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

	tc = tcase_create("get_comments_history");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_get_shapes_and_errors);
	tcase_add_test(tc, test_get_ids_permissive);
	tcase_add_test(tc, test_comments_shape_and_merge);
	tcase_add_test(tc, test_comments_new_since_fields_skip);
	tcase_add_test(tc, test_history_shape_and_new_since);
	tcase_add_test(tc, test_flags_shape);
	suite_add_tcase(s, tc);

	tc = tcase_create("protocol");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_errors_routes_and_methods);
	tcase_add_test(tc, test_keep_alive);
	tcase_add_test(tc, test_uri_too_long);
	tcase_add_test(tc, test_auth_whoami_version);
	tcase_add_test(tc, test_time_uses_fake_clock);
	tcase_add_test(tc, test_etag_304);
	tcase_add_test(tc, test_start_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rate_limit_then_block);
	tcase_add_test(tc, test_faults_http);
	tcase_add_test(tc, test_faults_bodies);
	tcase_add_test(tc, test_counters_last_request);
	tcase_add_test(tc, test_request_log);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations");
	tcase_add_checked_fixture(tc, setup, teardown);
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
	SRunner *sr;
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	sr = srunner_create(fakebz_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
