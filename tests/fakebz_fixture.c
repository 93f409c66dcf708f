/*
 * The fixture the fake Bugzilla's test programs share (fakebz_fixture.h):
 * the fake, a client for one answer, and the shape assertions.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fakebz.h"
#include "fakebz_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* The fake of the running test, started by fbfix_setup. */
struct fakebz *test_fb;

/* Start the fake on the small corpus with a frozen clock and a key. */
void
fbfix_setup(void)
{
	char *corpus = testutil_srcpath("tests/data/fakebz/corpus-small.json");
	char *cause = NULL;

	test_fb = fakebz_start(corpus, 0, &cause);
	ck_assert_msg(test_fb != NULL, "%s", cause);
	free(corpus);
	fakebz_set_now(test_fb, NOW);
	fakebz_set_api_key(test_fb, KEY, "carep@ca-example.test");
}

/* Stop the fake. */
void
fbfix_teardown(void)
{
	fakebz_stop(test_fb);
	test_fb = NULL;
}

/* CURLOPT_WRITEFUNCTION: append to the body buffer. */
size_t
fbfix_resp_write(char *p, size_t size, size_t n, void *arg)
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
CURLcode
fbfix_get(const char *path, const char *header, struct resp *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char *url;
	CURLcode rc;

	memset(r, 0, sizeof *r);
	buf_init(&r->body, 512 * 1024 * 1024);
	xasprintf(&url, "%s%s", fakebz_url(test_fb), path);
	if (header != NULL)
		hdrs = curl_slist_append(hdrs, header);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fbfix_resp_write);
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
json_t *
fbfix_get_json(
    const char *path, const char *header, long status, struct resp *r)
{
	ck_assert_int_eq(fbfix_get(path, header, r), CURLE_OK);
	ck_assert_msg(r->status == status, "%s: HTTP %ld, want %ld: %s", path,
	    r->status, status, buf_str(&r->body));
	ck_assert_str_eq(r->ctype, "application/json; charset=UTF-8");
	ck_assert_msg(r->json != NULL, "%s: not JSON", path);
	return r->json;
}

/* Free an answer. */
void
fbfix_resp_free(struct resp *r)
{
	buf_free(&r->body);
	json_decref(r->json);
}

/* Load a recorded response from tests/data. */
json_t *
fbfix_load_recorded(const char *rel)
{
	char *path = testutil_srcpath(rel);
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	ck_assert_msg(j != NULL, "%s: %s", path, err.text);
	free(path);
	return j;
}

/* The sorted, comma-joined keys of obj, skipping cf_* when asked. */
char *
fbfix_keys_of(json_t *obj, int skip_cf)
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
void
fbfix_assert_same_shape(json_t *got, json_t *want, int skip_cf)
{
	char *g = fbfix_keys_of(got, skip_cf),
	     *w = fbfix_keys_of(want, skip_cf);
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
char *
fbfix_search_ids(const char *query)
{
	struct resp r;
	char *path, *ids;
	json_t *j;

	xasprintf(&path, "/rest/bug?%s", query);
	j = fbfix_get_json(path, NULL, 200, &r);
	ids = ids_of(json_object_get(j, "bugs"));
	fbfix_resp_free(&r);
	free(path);
	return ids;
}

/* Assert a JSON error answer with code and message. */
void
fbfix_assert_error(const char *path, const char *header, long status, int code,
    const char *message)
{
	struct resp r;
	json_t *j = fbfix_get_json(path, header, status, &r);
	json_t *rec =
	    fbfix_load_recorded("tests/data/bmo/error-102-access-denied.json");

	fbfix_assert_same_shape(j, rec, 0);
	ck_assert(json_is_true(json_object_get(j, "error")));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), code);
	if (message != NULL)
		ck_assert_str_eq(
		    json_string_value(json_object_get(j, "message")), message);
	ck_assert_str_eq(json_string_value(json_object_get(j, "documentation")),
	    "https://bmo.readthedocs.io/en/latest/api/");
	json_decref(rec);
	fbfix_resp_free(&r);
}

/* Run suite with libcurl initialised; the exit status of a test program. */
int
fbfix_run(Suite *suite)
{
	SRunner *sr;
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
