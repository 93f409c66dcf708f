/*
 * Tests of the store's records on real SQLite files: round trips of bugs,
 * comments and history, idempotent writes, the open-bug list, and the real
 * CA Compliance bug list.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store.h"
#include "store_fixture.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

START_TEST(test_bug_round_trip)
{
	struct store *st = test_open();
	struct bug b, got;
	char *cause = NULL;

	test_bug_fill(&b, 1880001, "");
	test_put_bug(st, &b);
	ck_assert_int_eq(store_get_bug(st, 1880001, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_ptr_null(got.flags[1].requestee);
	ck_assert_ptr_null(got.flags[1].setter);
	ck_assert_str_eq(got.flags[0].requestee, "ca@example.com");
	model_bug_free(&got);
	model_bug_free(&b);
	ck_assert_int_eq(store_get_bug(st, 42, &got, &cause), 0);
	store_close(st);
}
END_TEST

START_TEST(test_bug_sparse)
{
	struct store *st = test_open();
	struct bug b, got;
	char *cause = NULL;

	/* What a search with include_fields gives: most fields absent. */
	memset(&b, 0, sizeof b);
	b.id = 7;
	b.summary = xstrdup("");
	b.resolution = xstrdup("");
	b.is_open = -1;
	b.comment_count = -1;
	test_put_bug(st, &b);
	ck_assert_int_eq(store_get_bug(st, 7, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_ptr_null(got.assigned_to);
	ck_assert_ptr_null(got.flags);
	model_bug_free(&got);
	model_bug_free(&b);
	store_close(st);
}
END_TEST

START_TEST(test_bug_upsert)
{
	struct store *st = test_open();
	struct bug b, got;
	struct store_counts c;
	char *cause = NULL;

	test_bug_fill(&b, 100, "");
	test_put_bug(st, &b);
	test_put_bug(st, &b);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	/* The bug closes, loses its needinfo and a cc. */
	free(b.status);
	b.status = xstrdup("RESOLVED");
	free(b.resolution);
	b.resolution = xstrdup("FIXED");
	b.is_open = 0;
	free(b.assigned_to);
	b.assigned_to = NULL;
	free(b.cc.v[1]);
	b.cc.n = 1;
	free(b.flags[0].name);
	free(b.flags[0].setter);
	free(b.flags[0].requestee);
	b.flags[0] = b.flags[1];
	b.nflags = 1;
	test_put_bug(st, &b);
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1);
	ck_assert_int_eq(c.open_bugs, 0);
	ck_assert_int_eq(store_get_bug(st, 100, &got, &cause), 1);
	test_bug_eq(&b, &got);
	ck_assert_str_eq(got.resolution, "FIXED");
	model_bug_free(&got);
	model_bug_free(&b);
	store_close(st);
}
END_TEST

START_TEST(test_bug_list_open_only)
{
	struct store *st = test_open();
	struct bug b;
	struct bug_list bl = {0};
	struct store_counts c;
	int64_t *ids;
	size_t n;
	char *cause = NULL;
	static const struct {
		int64_t id;
		const char *resolution;
	} bugs[] = {
	    {30, ""}, {10, "FIXED"}, {20, ""}, {40, "INVALID"}, {5, ""}};
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(bugs); i++) {
		test_bug_fill(&b, bugs[i].id, bugs[i].resolution);
		test_put_bug(st, &b);
		model_bug_free(&b);
	}
	ck_assert_int_eq(store_list_bugs(st, 1, &bl, &cause), 0);
	ck_assert_uint_eq(bl.n, 3);
	ck_assert_int_eq(bl.v[0].id, 5);
	ck_assert_int_eq(bl.v[1].id, 20);
	ck_assert_int_eq(bl.v[2].id, 30);
	ck_assert_str_eq(bl.v[2].resolution, "");
	ck_assert_uint_eq(bl.v[2].nflags, 2);
	bug_list_free(&bl);
	ck_assert_int_eq(store_list_bugs(st, 0, &bl, &cause), 0);
	ck_assert_uint_eq(bl.n, 5);
	for (i = 1; i < bl.n; i++)
		ck_assert_int_lt(bl.v[i - 1].id, bl.v[i].id);
	bug_list_free(&bl);

	ck_assert_int_eq(store_list_ids(st, 1, &ids, &n, &cause), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ids[0], 5);
	ck_assert_int_eq(ids[2], 30);
	free(ids);
	ck_assert_int_eq(store_list_ids(st, 0, &ids, &n, &cause), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(ids[4], 40);
	free(ids);

	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 5);
	ck_assert_int_eq(c.open_bugs, 3);
	ck_assert_int_eq(c.comments, 0);
	ck_assert_int_eq(c.history, 0);
	store_close(st);
}
END_TEST

START_TEST(test_comments_order)
{
	struct store *st = test_open();
	struct comment c;
	struct comment_list cl = {0};
	struct store_counts n;
	time_t last;
	char *cause = NULL;

	ck_assert_int_eq(store_last_comment_time(st, 9, &last, &cause), 0);
	ck_assert_int_eq(last, 0);
	/* Stored newest first, for a bug not stored yet. */
	test_comment_fill(&c, 503, 9, 2, 3000, "third");
	test_put_comment(st, &c);
	test_comment_fill(
	    &c, 501, 9, 0, 1000, "Description \xe2\x80\x94 \"x\"");
	strlist_add(&c.tags, "spam");
	strlist_add(&c.tags, "admin-\xc3\xa9");
	c.is_private = 1;
	test_put_comment(st, &c);
	test_comment_fill(&c, 502, 9, 1, 2000, "second\r\n\ttabbed");
	test_put_comment(st, &c);
	test_comment_fill(&c, 601, 10, 0, 9999, "other bug");
	test_put_comment(st, &c);

	ck_assert_int_eq(store_get_comments(st, 9, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 3);
	ck_assert_int_eq(cl.v[0].id, 501);
	ck_assert_int_eq(cl.v[0].bug_id, 9);
	ck_assert_int_eq(cl.v[0].count, 0);
	ck_assert_int_eq(cl.v[0].time, 1000);
	ck_assert_str_eq(cl.v[0].creator, "ca@example.com");
	ck_assert_str_eq(cl.v[0].text, "Description \xe2\x80\x94 \"x\"");
	ck_assert_int_eq(cl.v[0].is_private, 1);
	ck_assert_uint_eq(cl.v[0].tags.n, 2);
	ck_assert_str_eq(cl.v[0].tags.v[1], "admin-\xc3\xa9");
	ck_assert_int_eq(cl.v[1].id, 502);
	ck_assert_str_eq(cl.v[1].text, "second\r\n\ttabbed");
	ck_assert_int_eq(cl.v[1].is_private, 0);
	ck_assert_uint_eq(cl.v[1].tags.n, 0);
	ck_assert_int_eq(cl.v[2].id, 503);
	comment_list_free(&cl);

	ck_assert_int_eq(store_last_comment_time(st, 9, &last, &cause), 0);
	ck_assert_int_eq(last, 3000);
	n = test_counts(st);
	ck_assert_int_eq(n.comments, 4);
	store_close(st);
}
END_TEST

START_TEST(test_comments_upsert)
{
	struct store *st = test_open();
	struct comment c;
	struct comment_list cl = {0};
	char *cause = NULL;

	test_comment_fill(&c, 700, 1, 3, 5000, "original");
	test_put_comment(st, &c);
	test_comment_fill(&c, 700, 1, 3, 5000, "original");
	test_put_comment(st, &c);
	ck_assert_int_eq(test_counts(st).comments, 1);
	/* Made private and tagged later. */
	test_comment_fill(&c, 700, 1, 3, 5000, "edited");
	c.is_private = 1;
	strlist_add(&c.tags, "off-topic");
	test_put_comment(st, &c);
	ck_assert_int_eq(store_get_comments(st, 1, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_str_eq(cl.v[0].text, "edited");
	ck_assert_int_eq(cl.v[0].is_private, 1);
	ck_assert_uint_eq(cl.v[0].tags.n, 1);
	ck_assert_str_eq(cl.v[0].tags.v[0], "off-topic");
	comment_list_free(&cl);
	store_close(st);
}
END_TEST
/* A row that does not decode fails the list it is read into, without leaks. */
START_TEST(test_lists_bad_row)
{
	struct store *st = test_open();
	struct comment c;
	struct comment_list cl = {0};
	struct bug b;
	struct bug_list bl = {0};
	char *cause = NULL;

	test_comment_fill(&c, 801, 4, 0, 1000, "first");
	test_put_comment(st, &c);
	test_comment_fill(&c, 802, 4, 1, 2000, "second");
	test_put_comment(st, &c);
	test_bug_fill(&b, 4, "");
	test_put_bug(st, &b);
	model_bug_free(&b);
	free(test_query(
	    test_path, "UPDATE comments SET tags = 'x' WHERE id = 802"));
	free(test_query(test_path, "UPDATE bugs SET cc = '{}' WHERE id = 4"));

	ck_assert_int_eq(store_get_comments(st, 4, &cl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "comment 802: bad tags"));
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_int_eq(cl.v[0].id, 801);
	comment_list_free(&cl);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(store_list_bugs(st, 0, &bl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "bug 4: bad list column"));
	ck_assert_uint_eq(bl.n, 0);
	bug_list_free(&bl);
	free(cause);
	/* The statements were reset: the store reads on. */
	ck_assert_int_eq(store_get_comments(st, 9, &cl, &cause), 0);
	ck_assert_uint_eq(cl.n, 0);
	store_close(st);
}
END_TEST

START_TEST(test_history_grouping)
{
	struct store *st = test_open();

	test_history_put_sample(st);
	test_history_check_sample(st);
	ck_assert_int_eq(test_counts(st).history, 6);
	store_close(st);
}
END_TEST

START_TEST(test_history_idempotent)
{
	struct store *st = test_open();
	struct history_list hl = {0};
	char *cause = NULL;

	test_history_put_sample(st);
	test_history_put_sample(st);
	ck_assert_int_eq(test_counts(st).history, 6);
	test_history_check_sample(st);
	/* Appending to a list that already holds entries opens a new one. */
	ck_assert_int_eq(store_get_history(st, 10, &hl, &cause), 0);
	ck_assert_int_eq(store_get_history(st, 10, &hl, &cause), 0);
	ck_assert_uint_eq(hl.n, 2);
	ck_assert_uint_eq(hl.v[1].nchanges, 1);
	history_list_free(&hl);
	store_close(st);
}
END_TEST

/* A copy of member key of o if it is a string, NULL otherwise. */
static char *
test_json_strdup(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* The real bug list as struct bugs, built from the JSON directly. */
static void
test_load_real_bugs(struct bug_list *bl)
{
	json_error_t err;
	json_t *a, *o;
	struct bug *b;
	char *path;
	size_t i;

	path = testutil_srcpath("data/ca-compliance/bugs-2026-03.json");
	a = json_load_file(path, 0, &err);
	ck_assert_msg(json_is_array(a), "%s: %s", path, err.text);
	bl->n = json_array_size(a);
	bl->cap = bl->n;
	bl->v = xcalloc(bl->n, sizeof *bl->v);
	json_array_foreach(a, i, o)
	{
		b = &bl->v[i];
		b->id = json_integer_value(json_object_get(o, "id"));
		b->summary = test_json_strdup(o, "summary");
		b->status = test_json_strdup(o, "status");
		b->resolution = test_json_strdup(o, "resolution");
		b->whiteboard = test_json_strdup(o, "whiteboard");
		b->creator = test_json_strdup(o, "creator");
		b->is_open = -1;
		b->comment_count = -1;
		ck_assert_int_eq(
		    timeutil_parse_iso(
			json_string_value(json_object_get(o, "creation_time")),
			&b->creation_time),
		    0);
	}
	json_decref(a);
	free(path);
}

START_TEST(test_real_bugs)
{
	struct store *st = test_open();
	struct bug_list in = {0}, out = {0};
	struct store_counts c;
	char *cause = NULL;
	size_t i, open = 0;

	test_load_real_bugs(&in);
	ck_assert_uint_eq(in.n, 1690);
	ck_assert_int_eq(store_begin(st, &cause), 0);
	for (i = 0; i < in.n; i++) {
		test_put_bug(st, &in.v[i]);
		if (in.v[i].resolution[0] == '\0')
			open++;
	}
	ck_assert_int_eq(store_commit(st, &cause), 0);
	store_close(st);

	st = test_open();
	c = test_counts(st);
	ck_assert_int_eq(c.bugs, 1690);
	ck_assert_int_eq(c.open_bugs, (long long)open);
	ck_assert_int_eq(store_list_bugs(st, 0, &out, &cause), 0);
	ck_assert_uint_eq(out.n, in.n);
	/* The file is ordered by id, as the store returns them. */
	for (i = 0; i < in.n; i++)
		test_bug_eq(&in.v[i], &out.v[i]);
	bug_list_free(&out);
	ck_assert_int_eq(store_list_bugs(st, 1, &out, &cause), 0);
	ck_assert_uint_eq(out.n, open);
	bug_list_free(&out);
	bug_list_free(&in);
	store_close(st);
}
END_TEST

/* The suite: bugs, comments, history, real data. */
static Suite *
store_records_suite(void)
{
	Suite *s = suite_create("store_records");
	TCase *tc;

	tc = test_tcase("bugs");
	tcase_add_test(tc, test_bug_round_trip);
	tcase_add_test(tc, test_bug_sparse);
	tcase_add_test(tc, test_bug_upsert);
	tcase_add_test(tc, test_bug_list_open_only);
	suite_add_tcase(s, tc);
	tc = test_tcase("comments");
	tcase_add_test(tc, test_comments_order);
	tcase_add_test(tc, test_comments_upsert);
	tcase_add_test(tc, test_lists_bad_row);
	suite_add_tcase(s, tc);
	tc = test_tcase("history");
	tcase_add_test(tc, test_history_grouping);
	tcase_add_test(tc, test_history_idempotent);
	suite_add_tcase(s, tc);
	tc = test_tcase("real data");
	tcase_add_test(tc, test_real_bugs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_records_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
