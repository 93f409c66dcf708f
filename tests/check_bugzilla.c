/*
 * Tests of the REST client against the fake Bugzilla: request shapes,
 * paging, batching, new_since, retries and their limits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugzilla.h"
#include "fakebz.h"
#include "testutil.h"
#include "xmalloc.h"

#define T0 1700000000

static struct fakebz *fb;
static struct strlist products, components;

/* Start an empty fake at a fixed clock. */
static void
setup(void)
{
	char *cause = NULL;

	fb = fakebz_start(NULL, 0, &cause);
	ck_assert_msg(fb != NULL, "fakebz: %s", cause);
	fakebz_set_now(fb, T0);
	memset(&products, 0, sizeof products);
	memset(&components, 0, sizeof components);
	strlist_add(&products, "CA Program");
	strlist_add(&products, "NSS");
	strlist_add(&components, "CA Certificate Compliance");
}

/* Stop the fake. */
static void
teardown(void)
{
	fakebz_stop(fb);
	strlist_free(&products);
	strlist_free(&components);
}

/* A client of the fake with quick retries. */
static struct bugzilla *
client(const char *key, int retries, long page_size)
{
	struct bugzilla_options o;
	struct bugzilla *bz;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.api_key = key;
	o.http.timeout = 2;
	o.http.connect_timeout = 2;
	o.retries = retries;
	o.retry_base_ms = 1;
	o.retry_max_ms = 4;
	o.page_size = page_size;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	return bz;
}

/* Add n compliance bugs, alternating products. */
static void
add_bugs(int n)
{
	char summary[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(summary, sizeof summary, "CA %d: incident", i);
		ck_assert_int_gt(
		    fakebz_add_bug(fb, i % 2 ? "NSS" : "CA Program",
			"CA Certificate Compliance", summary, "rep@ca.example",
			"Preliminary report."),
		    0);
	}
}

/* Parse a /rest/valid_login answer: its result, or -1 with *cause. */
static int
valid_login(const char *body, int *valid, char **cause)
{
	struct model_doc *doc = model_doc_load(body, strlen(body), cause);
	int rc =
	    doc != NULL ? model_valid_login_from_doc(doc, valid, cause) : -1;

	model_doc_free(doc);
	return rc;
}

START_TEST(test_valid_login)
{
	char *cause = NULL;
	int valid = -1;

	ck_assert_int_eq(valid_login("{\"result\":true}", &valid, &cause), 0);
	ck_assert_int_eq(valid, 1);
	ck_assert_int_eq(valid_login("{\"result\":false}", &valid, &cause), 0);
	ck_assert_int_eq(valid, 0);
	ck_assert_int_eq(valid_login("{\"result\":1}", &valid, &cause), 0);
	ck_assert_int_eq(valid, 1);
	ck_assert_int_eq(valid_login("{\"result\":0}", &valid, &cause), 0);
	ck_assert_int_eq(valid, 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(valid_login("{\"result\":2}", &valid, &cause), -1);
	ck_assert_str_eq(cause, "model: valid_login: bad result 2");
	free(cause);
	ck_assert_int_eq(
	    valid_login("{\"result\":\"true\"}", &valid, &cause), -1);
	free(cause);
	ck_assert_int_eq(valid_login("{}", &valid, &cause), -1);
	ck_assert_str_eq(cause, "model: valid_login: bad result (missing)");
	free(cause);
	ck_assert_int_eq(valid, 0);
}
END_TEST

START_TEST(test_time_version_whoami)
{
	struct bugzilla *bz = client(NULL, 0, 0);
	char *s = NULL, *cause = NULL;
	time_t t = 0;

	ck_assert_int_eq(bugzilla_time(bz, &t, &cause), 0);
	ck_assert_int_eq(t, T0);
	ck_assert_int_eq(bugzilla_version(bz, &s, &cause), 0);
	ck_assert_ptr_nonnull(s);
	free(s);
	/* Without a key, whoami is a 401 (code 410) and is not retried. */
	ck_assert_int_eq(bugzilla_whoami(bz, &s, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_API);
	ck_assert_int_eq(bugzilla_last_api_code(bz), 410);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/whoami"), 1);
	free(cause);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_api_key_header)
{
	struct bugzilla *bz, *bad;
	char *login = NULL, *cause = NULL, *req;

	fakebz_set_api_key(fb, "s3cret-key", "bot@ccwatch.example");
	bz = client("s3cret-key", 0, 0);
	ck_assert_int_eq(bugzilla_whoami(bz, &login, &cause), 0);
	ck_assert_str_eq(login, "bot@ccwatch.example");
	free(login);
	/* The key travels in the header only, never in the URL. */
	req = fakebz_last_request(fb);
	ck_assert_ptr_null(strstr(req, "s3cret"));
	free(req);
	bad = client("wrong", 3, 0);
	ck_assert_int_eq(bugzilla_whoami(bad, &login, &cause), -1);
	ck_assert_int_eq(bugzilla_last_api_code(bad), 306);
	ck_assert_ptr_null(strstr(cause, "wrong"));
	free(cause);
	bugzilla_free(bad);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_search_products_and_paging)
{
	struct bugzilla *bz = client(NULL, 0, 3);
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL;
	size_t skipped = 0, i;

	add_bugs(7);
	ck_assert_int_gt(fakebz_add_bug(fb, "Firefox", "General", "other",
			     "x@y.example", "not ours"),
	    0);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	fakebz_reset_counts(fb);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, &skipped, &cause), 0);
	ck_assert_uint_eq(bugs.n, 7);
	ck_assert_uint_eq(skipped, 0);
	/* Pages of 3, 3 and a short 1. */
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 3);
	for (i = 1; i < bugs.n; i++)
		ck_assert_int_lt(bugs.v[i - 1].id, bugs.v[i].id);
	ck_assert_str_eq(bugs.v[0].component, "CA Certificate Compliance");
	bug_list_free(&bugs);

	/* Exactly two full pages need a third, empty one to end. */
	add_bugs(1);
	memset(&bugs, 0, sizeof bugs);
	fakebz_reset_counts(fb);
	bugzilla_free(bz);
	bz = client(NULL, 0, 4);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, &skipped, &cause), 0);
	ck_assert_uint_eq(bugs.n, 8);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 3);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_search_closed_and_changed_since)
{
	struct bugzilla *bz = client(NULL, 0, 100);
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL, *req;
	int64_t id;

	add_bugs(4);
	fakebz_set_now(fb, T0 + 1000);
	id = fakebz_add_bug(fb, "CA Program", "CA Certificate Compliance",
	    "CA late: x", "rep@ca.example", "r");
	fakebz_set_now(fb, T0 + 2000);
	ck_assert_int_eq(fakebz_set_status(fb, id, "bwilson@mozilla.com",
			     "RESOLVED", "FIXED"),
	    0);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	q.status = "__open__";
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), 0);
	ck_assert_uint_eq(bugs.n, 4);
	bug_list_free(&bugs);
	/* No status filter, changed since: the closed bug alone, inclusive. */
	q.status = NULL;
	q.changed_since = T0 + 2000;
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), 0);
	ck_assert_uint_eq(bugs.n, 1);
	ck_assert_int_eq(bugs.v[0].id, id);
	ck_assert_str_eq(bugs.v[0].resolution, "FIXED");
	ck_assert_int_eq(bugs.v[0].is_open, 0);
	req = fakebz_last_request(fb);
	ck_assert_ptr_nonnull(strstr(req, "order=bug_id"));
	ck_assert_ptr_nonnull(strstr(req, "limit=100"));
	ck_assert_ptr_nonnull(strstr(req, "product=CA%20Program&product=NSS"));
	free(req);
	bug_list_free(&bugs);
	q.changed_since = T0 + 2001;
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), 0);
	ck_assert_uint_eq(bugs.n, 0);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_search_ids_batched_under_8k)
{
	struct bugzilla *bz = client(NULL, 0, 500);
	struct bzquery q;
	struct bug_list bugs;
	int64_t ids[3000];
	char *cause = NULL;
	size_t i;
	unsigned long n;

	add_bugs(3);
	for (i = 0; i < CCWATCH_NELEM(ids); i++)
		ids[i] = 1000000 + (int64_t)i;
	ids[1500] = 1; /* the first bug the fake made */
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.ids = ids;
	q.nids = CCWATCH_NELEM(ids);
	fakebz_reset_counts(fb);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), 0);
	/* 3000 seven-digit ids need at least 3000 * 10 / 8000 requests. */
	n = fakebz_requests(fb, "/rest/bug");
	ck_assert_uint_ge(n, 4);
	ck_assert_uint_le(n, 6);
	ck_assert_uint_eq(bugs.n, 1);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

/* A product name of n bytes that URL-escapes to 3 n ("%41" a byte). */
static char *
escaped_name(size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, '\'', n);
	s[n] = '\0';
	return s;
}

/* The longest URL of a search path, paging at its worst. */
static size_t
longest_url(const char *base, const struct strlist *paths)
{
	size_t i, n, max = 0;

	for (i = 0; i < paths->n; i++) {
		n = strlen(base) + strlen(paths->v[i]) +
		    strlen("&limit=10000&offset=2147483647");
		if (n > max)
			max = n;
	}
	return max;
}

START_TEST(test_search_paths_id_boundary)
{
	static const char *base = "https://bugzilla.example.org";
	struct bzquery q;
	struct strlist long_products, paths;
	int64_t ids[] = {1888016, 1888017};
	char *name, *cause = NULL;
	size_t len, fits = 0;

	memset(&q, 0, sizeof q);
	memset(&long_products, 0, sizeof long_products);
	q.products = &long_products;
	q.components = &components;
	q.ids = ids;
	q.nids = CCWATCH_NELEM(ids);
	/* Grow one product until not even one id fits. */
	for (len = 2300; len < 2700; len++) {
		name = escaped_name(len);
		strlist_free(&long_products);
		strlist_add(&long_products, name);
		free(name);
		memset(&paths, 0, sizeof paths);
		if (bzquery_search_paths(base, &q, &paths, &cause) == -1) {
			ck_assert_ptr_nonnull(
			    strstr(cause, "no room for a bug id"));
			free(cause);
			cause = NULL;
			strlist_free(&paths);
			break;
		}
		/* Every URL stays under the limit, with at least one id each.
		 */
		ck_assert_uint_le(longest_url(base, &paths), CCWATCH_MAX_URL);
		ck_assert_uint_ge(paths.n, 1);
		ck_assert_uint_le(paths.n, 2);
		fits = len;
		strlist_free(&paths);
	}
	/* At the boundary one byte more loses the last id, not the loop. */
	ck_assert_uint_gt(fits, 2300);
	ck_assert_uint_lt(fits, 2699);
	name = escaped_name(fits);
	strlist_free(&long_products);
	strlist_add(&long_products, name);
	free(name);
	memset(&paths, 0, sizeof paths);
	ck_assert_int_eq(bzquery_search_paths(base, &q, &paths, &cause), 0);
	ck_assert_uint_eq(paths.n, 2); /* one id a URL */
	ck_assert_ptr_nonnull(strstr(paths.v[0], "&id=1888016"));
	ck_assert_ptr_null(strstr(paths.v[0], "1888017"));
	strlist_free(&paths);
	/* The config check asks for room for the longest id: stricter. */
	ck_assert_int_eq(
	    bzquery_check(base, &long_products, &components, &cause), -1);
	free(cause);
	strlist_free(&long_products);
}
END_TEST

/* 0 if the search of q fits, with every URL under the limit. */
static int
search_fits(const char *base, const struct bzquery *q)
{
	struct strlist paths;
	char *cause = NULL;
	int rc;

	memset(&paths, 0, sizeof paths);
	rc = bzquery_search_paths(base, q, &paths, &cause);
	if (rc == 0)
		ck_assert_uint_le(longest_url(base, &paths), CCWATCH_MAX_URL);
	free(cause);
	strlist_free(&paths);
	return rc;
}

START_TEST(test_check_query_covers_every_search)
{
	static const char *base = "https://bugzilla.example.org";
	static const int64_t longest = INT64_MAX;
	struct bzquery full, incr, byid;
	struct strlist longp;
	char *name, *cause = NULL;
	size_t len;

	memset(&longp, 0, sizeof products);
	memset(&full, 0, sizeof full);
	full.products = &longp;
	full.components = &components;
	incr = byid = full;
	full.status = "__open__";
	incr.changed_since = (time_t)1767225600; /* 2026-01-01 */
	byid.ids = &longest;
	byid.nids = 1;
	/*
	 * Grow a product until the check refuses it: up to there every
	 * search of a cycle fits; there the longest one (an incremental
	 * search's last_change_time) no longer does.
	 */
	for (len = 2300; len < 2700; len++) {
		name = escaped_name(len);
		strlist_free(&longp);
		strlist_add(&longp, name);
		free(name);
		if (bzquery_check(base, &longp, &components, &cause) == -1)
			break;
		ck_assert_int_eq(search_fits(base, &full), 0);
		ck_assert_int_eq(search_fits(base, &incr), 0);
		ck_assert_int_eq(search_fits(base, &byid), 0);
	}
	ck_assert_uint_lt(len, 2700);
	ck_assert_ptr_nonnull(strstr(cause, "shorten the products"));
	free(cause);
	ck_assert_int_eq(search_fits(base, &incr), -1);
	strlist_free(&longp);
}
END_TEST

START_TEST(test_search_long_product_list_is_bounded)
{
	struct bugzilla *bz = client(NULL, 0, 500);
	struct bzquery q;
	struct strlist many;
	struct bug_list bugs;
	int64_t ids[200];
	char name[64], *cause = NULL;
	size_t i;

	/* About 3.9 KB of escaped products: the query base of the storm. */
	memset(&many, 0, sizeof many);
	strlist_add(&many, "CA Program");
	for (i = 0; i < 110; i++) {
		snprintf(name, sizeof name, "Retired product number %03zu", i);
		strlist_add(&many, name);
	}
	add_bugs(4);
	for (i = 0; i < CCWATCH_NELEM(ids); i++)
		ids[i] = 1000000 + (int64_t)i;
	ids[0] = 1;
	ids[1] = 3;
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &many;
	q.components = &components;
	q.ids = ids;
	q.nids = CCWATCH_NELEM(ids);
	fakebz_reset_counts(fb);
	ck_assert_msg(
	    bugzilla_search(bz, &q, &bugs, NULL, &cause) == 0, "%s", cause);
	/* 200 ids of 7 digits in the ~4 KB left: a handful of requests. */
	ck_assert_uint_ge(fakebz_requests(fb, "/rest/bug"), 1);
	ck_assert_uint_le(fakebz_requests(fb, "/rest/bug"), 3);
	ck_assert_uint_eq(bugs.n, 2); /* bugs 1 and 3, of CA Program */
	ck_assert_int_eq(
	    bzquery_check(fakebz_url(fb), &many, &components, &cause), 0);
	bug_list_free(&bugs);
	strlist_free(&many);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_search_pages_past_the_cap)
{
	struct bugzilla_options o;
	struct bugzilla *bz;
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL;
	int i;

	/* A page of 10,000 bugs takes a while to serve: a long timeout. */
	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.http.timeout = 60;
	o.page_size = CCWATCH_MAX_SEARCH;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);

	for (i = 0; i < CCWATCH_MAX_SEARCH + 50; i++)
		fakebz_add_bug(fb, "CA Program", "CA Certificate Compliance",
		    "bulk", "a@b.test", "d");
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	fakebz_reset_counts(fb);
	ck_assert_msg(
	    bugzilla_search(bz, &q, &bugs, NULL, &cause) == 0, "%s", cause);
	/* A page as long as the server's cap is full: page past it. */
	ck_assert_uint_eq(bugs.n, CCWATCH_MAX_SEARCH + 50);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 2);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_search_past_its_bound_fails)
{
	struct bugzilla_options o;
	struct bugzilla *bz;
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL;

	/* A bound of 120 bugs (200,000 in use) and pages of 50. */
	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.http.timeout = 10;
	o.page_size = 50;
	o.max_search = 120;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	add_bugs(130);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	fakebz_reset_counts(fb);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_TOOMANY);
	ck_assert_ptr_nonnull(strstr(cause, "more than 120 bugs match"));
	/* It stopped at the page that passed the bound. */
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 3);
	free(cause);
	bug_list_free(&bugs);
	/* Exactly at the bound is still a success. */
	bugzilla_free(bz);
	o.max_search = 130;
	bz = bugzilla_new(&o, &cause);
	ck_assert_msg(bz != NULL, "%s", cause);
	memset(&bugs, 0, sizeof bugs);
	ck_assert_msg(
	    bugzilla_search(bz, &q, &bugs, NULL, &cause) == 0, "%s", cause);
	ck_assert_uint_eq(bugs.n, 130);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_comments_batches_and_new_since)
{
	struct bugzilla *bz = client(NULL, 0, 0);
	struct comment_list cl;
	int64_t ids[250];
	char *cause = NULL;
	size_t i;

	add_bugs(250);
	for (i = 0; i < 250; i++)
		ids[i] = (int64_t)i + 1;
	fakebz_set_now(fb, T0 + 100);
	ck_assert_int_gt(fakebz_add_comment(fb, 7, "bwilson@mozilla.com",
			     "When will the report be posted?", 0),
	    0);
	memset(&cl, 0, sizeof cl);
	fakebz_reset_counts(fb);
	ck_assert_int_eq(
	    bugzilla_comments(bz, ids, 250, 0, &cl, NULL, &cause), 0);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug/"), 3);
	ck_assert_uint_eq(cl.n, 251);
	comment_list_free(&cl);
	/* new_since is strict: a comment at exactly that second is not new. */
	ck_assert_int_eq(
	    bugzilla_comments(bz, ids, 250, T0 + 100, &cl, NULL, &cause), 0);
	ck_assert_uint_eq(cl.n, 0);
	ck_assert_int_eq(
	    bugzilla_comments(bz, ids, 250, T0 + 99, &cl, NULL, &cause), 0);
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_int_eq(cl.v[0].bug_id, 7);
	ck_assert_int_eq(cl.v[0].count, 1);
	ck_assert_str_eq(cl.v[0].creator, "bwilson@mozilla.com");
	comment_list_free(&cl);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_history_of_mutations)
{
	struct bugzilla *bz = client(NULL, 0, 0);
	struct history_list hl;
	int64_t ids[] = {1, 2};
	char *cause = NULL;
	size_t i, whiteboard = 0, flags = 0;

	add_bugs(2);
	fakebz_set_now(fb, T0 + 10);
	fakebz_set_whiteboard(fb, 1, "bwilson@mozilla.com",
	    "[ca-compliance] Next update 2023-12-01");
	fakebz_set_needinfo(fb, 2, "bwilson@mozilla.com", "rep@ca.example");
	fakebz_set_now(fb, T0 + 20);
	fakebz_clear_needinfo(fb, 2, "rep@ca.example", "rep@ca.example");
	memset(&hl, 0, sizeof hl);
	fakebz_reset_counts(fb);
	ck_assert_int_eq(bugzilla_history(bz, ids, 2, 0, &hl, NULL, &cause), 0);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 1);
	for (i = 0; i < hl.n; i++) {
		if (strcmp(hl.v[i].changes[0].field, "whiteboard") == 0)
			whiteboard++;
		if (strcmp(hl.v[i].changes[0].field, "flagtypes.name") == 0)
			flags++;
	}
	ck_assert_uint_eq(whiteboard, 1);
	ck_assert_uint_eq(flags, 2);
	history_list_free(&hl);
	ck_assert_int_eq(
	    bugzilla_history(bz, ids, 2, T0 + 10, &hl, NULL, &cause), 0);
	ck_assert_uint_eq(hl.n, 1);
	ck_assert_str_eq(
	    hl.v[0].changes[0].removed, "needinfo?(rep@ca.example)");
	history_list_free(&hl);
	bugzilla_free(bz);
}
END_TEST

/* Each retryable fault, twice, then an answer: success on the third try. */
static const enum fakebz_fault retryable[] = {
    FAKEBZ_FAULT_500,
    FAKEBZ_FAULT_502,
    FAKEBZ_FAULT_503,
    FAKEBZ_FAULT_429,
    FAKEBZ_FAULT_DELAY,
    FAKEBZ_FAULT_TRUNCATE,
    FAKEBZ_FAULT_INVALID,
    FAKEBZ_FAULT_DROP,
};

START_TEST(test_retry_each_fault)
{
	struct bugzilla *bz = client(NULL, 2, 0);
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL;

	add_bugs(2);
	fakebz_set_delay_ms(fb, 3500);
	fakebz_fault(fb, "/rest/bug", retryable[_i], 2);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	fakebz_reset_counts(fb);
	ck_assert_msg(bugzilla_search(bz, &q, &bugs, NULL, &cause) == 0,
	    "fault %d: %s", retryable[_i], cause);
	ck_assert_uint_eq(bugs.n, 2);
	ck_assert_uint_eq(bugzilla_stats(bz)->retries, 2);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

/*
 * BMO's rate limit: one JSON 400 with code 32000, then the address is
 * blocked (HTML 429) for an hour.  The client backs off and retries within
 * its bound, then gives up with BZ_ERR_RATELIMIT; once the block lapses the
 * same client succeeds.
 */
START_TEST(test_rate_limit_then_block)
{
	struct bugzilla *bz = client(NULL, 2, 0);
	struct bzquery q;
	struct bug_list bugs;
	char *cause = NULL;

	add_bugs(2);
	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_RATELIMIT, 1);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	fakebz_reset_counts(fb);
	testutil_log_begin();
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_RATELIMIT);
	ck_assert_uint_eq(fakebz_requests(fb, NULL), 3);
	ck_assert_int_eq(testutil_log_count("rate limited (HTTP 400)"), 1);
	ck_assert_int_eq(testutil_log_count("rate limited (HTTP 429)"), 1);
	testutil_log_end();
	free(cause);
	fakebz_set_now(fb, T0 + 3601);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), 0);
	ck_assert_uint_eq(bugs.n, 2);
	bug_list_free(&bugs);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_retry_bounded)
{
	struct bugzilla *bz = client(NULL, 3, 0);
	char *cause = NULL;
	time_t t;

	fakebz_fault(fb, "/rest/time", FAKEBZ_FAULT_503, 100);
	ck_assert_int_eq(bugzilla_time(bz, &t, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_SERVER);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/time"), 4);
	ck_assert_ptr_nonnull(strstr(cause, "503"));
	free(cause);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_no_retry_on_404_or_toobig)
{
	struct bugzilla_options o;
	struct bugzilla *bz = client(NULL, 3, 0);
	struct comment_list cl;
	struct bug_list bugs;
	struct bzquery q;
	int64_t missing = 4242;
	char *cause = NULL;

	memset(&cl, 0, sizeof cl);
	ck_assert_int_eq(
	    bugzilla_comments(bz, &missing, 1, 0, &cl, NULL, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_API);
	ck_assert_int_eq(bugzilla_last_api_code(bz), 101);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug/"), 1);
	free(cause);
	bugzilla_free(bz);

	memset(&o, 0, sizeof o);
	o.url = fakebz_url(fb);
	o.retries = 3;
	o.retry_base_ms = 1;
	o.http.timeout = 5;
	o.http.connect_timeout = 2;
	o.http.max_body = 4096;
	bz = bugzilla_new(&o, &cause);
	fakebz_set_huge_bytes(fb, 1 << 20);
	fakebz_fault(fb, "/rest/bug", FAKEBZ_FAULT_HUGE, 10);
	fakebz_reset_counts(fb);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, NULL, &cause), -1);
	ck_assert_int_eq(bugzilla_last_error(bz), BZ_ERR_TRANSPORT);
	ck_assert_uint_eq(fakebz_requests(fb, "/rest/bug"), 1);
	free(cause);
	bugzilla_free(bz);
}
END_TEST

START_TEST(test_malformed_record_skipped)
{
	struct bugzilla *bz;
	struct bzquery q;
	struct bug_list bugs;
	char *dir, *path, *cause = NULL;
	size_t skipped = 0;

	fakebz_stop(fb);
	dir = testutil_mkdtemp();
	xasprintf(&path, "%s/corpus.json", dir);
	testutil_write_file(path,
	    "{\"bugs\":["
	    "{\"id\":11,\"summary\":\"A: good\",\"status\":\"NEW\","
	    "\"resolution\":\"\",\"is_open\":true,\"whiteboard\":\"\","
	    "\"product\":\"CA Program\",\"component\":\"CA Certificate "
	    "Compliance\",\"creation_time\":\"2024-01-01T00:00:00Z\","
	    "\"last_change_time\":\"2024-01-01T00:00:00Z\",\"creator\":"
	    "\"a@a.example\",\"comments\":[],\"history\":[]},"
	    "{\"id\":12,\"summary\":\"B: bad\",\"status\":\"NEW\","
	    "\"resolution\":\"\",\"is_open\":true,\"whiteboard\":\"\","
	    "\"product\":\"CA Program\",\"component\":\"CA Certificate "
	    "Compliance\",\"creation_time\":\"yesterday\","
	    "\"last_change_time\":\"2024-01-01T00:00:00Z\",\"creator\":"
	    "\"b@b.example\",\"comments\":[],\"history\":[]}]}");
	fb = fakebz_start(path, 0, &cause);
	ck_assert_msg(fb != NULL, "%s", cause);
	bz = client(NULL, 0, 0);
	memset(&q, 0, sizeof q);
	memset(&bugs, 0, sizeof bugs);
	q.products = &products;
	q.components = &components;
	testutil_log_begin();
	ck_assert_int_eq(bugzilla_search(bz, &q, &bugs, &skipped, &cause), 0);
	ck_assert_uint_eq(bugs.n, 1);
	ck_assert_int_eq(bugs.v[0].id, 11);
	ck_assert_uint_eq(skipped, 1);
	ck_assert_int_eq(testutil_log_count("12"), 1);
	testutil_log_end();
	bug_list_free(&bugs);
	bugzilla_free(bz);
	testutil_rmdir(dir);
	free(path);
	free(dir);
}
END_TEST

static Suite *
bugzilla_suite(void)
{
	Suite *s = suite_create("bugzilla");
	TCase *tc;

	tc = tcase_create("endpoints");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_time_version_whoami);
	tcase_add_test(tc, test_valid_login);
	tcase_add_test(tc, test_api_key_header);
	tcase_add_test(tc, test_search_products_and_paging);
	tcase_add_test(tc, test_search_closed_and_changed_since);
	tcase_add_test(tc, test_search_ids_batched_under_8k);
	tcase_add_test(tc, test_search_paths_id_boundary);
	tcase_add_test(tc, test_check_query_covers_every_search);
	tcase_add_test(tc, test_search_long_product_list_is_bounded);
	tcase_add_test(tc, test_search_pages_past_the_cap);
	tcase_add_test(tc, test_search_past_its_bound_fails);
	tcase_add_test(tc, test_comments_batches_and_new_since);
	tcase_add_test(tc, test_history_of_mutations);
	tcase_add_test(tc, test_malformed_record_skipped);
	suite_add_tcase(s, tc);
	tc = tcase_create("retries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(
	    tc, test_retry_each_fault, 0, (int)CCWATCH_NELEM(retryable));
	tcase_add_test(tc, test_retry_bounded);
	tcase_add_test(tc, test_rate_limit_then_block);
	tcase_add_test(tc, test_no_retry_on_404_or_toobig);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bugzilla_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
