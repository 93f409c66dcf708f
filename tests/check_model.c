/*
 * Tests of the model: string lists, record lists, and the JSON parsers run
 * over real recorded Bugzilla bodies (bugs, comments, history).  Malformed
 * and error bodies are tested in check_model_malformed.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"
#include "xmalloc.h"

/* Parse bugs from a recorded data file, expecting skipped malformed records. */
static void
parse_bugs_file(const char *rel, struct bug_list *bl, int skipped)
{
	char *body, *cause = NULL;
	size_t len;

	body = testutil_read_src(rel, &len);
	ck_assert_int_eq(model_bugs_from_json(body, len, bl, &cause), skipped);
	ck_assert_ptr_null(cause);
	free(body);
}

/* Parse comments from a recorded data file, expecting skipped records. */
static void
parse_comments_file(const char *rel, struct comment_list *cl, int skipped)
{
	char *body, *cause = NULL;
	size_t len;

	body = testutil_read_src(rel, &len);
	ck_assert_int_eq(
	    model_comments_from_json(body, len, cl, &cause), skipped);
	ck_assert_ptr_null(cause);
	free(body);
}

/* Parse history from a recorded data file, expecting no skipped records. */
static void
parse_history_file(const char *rel, struct history_list *hl)
{
	char *body, *cause = NULL;
	size_t len;

	body = testutil_read_src(rel, &len);
	ck_assert_int_eq(model_history_from_json(body, len, hl, &cause), 0);
	ck_assert_ptr_null(cause);
	free(body);
}

/* The first change of field in hl's entry i, or NULL. */
static const struct change *
find_change(const struct history_list *hl, size_t i, const char *field)
{
	size_t j;

	for (j = 0; j < hl->v[i].nchanges; j++) {
		if (strcmp(hl->v[i].changes[j].field, field) == 0)
			return &hl->v[i].changes[j];
	}
	return NULL;
}

START_TEST(test_strlist)
{
	struct strlist sl = {NULL, 0};
	char *s;

	s = strlist_join(&sl, ", ");
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_int_eq(strlist_contains(&sl, "a"), 0);
	strlist_add(&sl, "a@x.org");
	strlist_add(&sl, "");
	strlist_add(&sl, "b@y.com");
	ck_assert_uint_eq(sl.n, 3);
	ck_assert_int_eq(strlist_contains(&sl, "b@y.com"), 1);
	ck_assert_int_eq(strlist_contains(&sl, "b@y.co"), 0);
	ck_assert_int_eq(strlist_contains(&sl, ""), 1);
	s = strlist_join(&sl, ", ");
	ck_assert_str_eq(s, "a@x.org, , b@y.com");
	free(s);
	strlist_free(&sl);
	ck_assert_ptr_null(sl.v);
	ck_assert_uint_eq(sl.n, 0);
	strlist_free(&sl);
	strlist_free(NULL);
}
END_TEST

START_TEST(test_list_grow)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	struct bug *b;
	int i;

	for (i = 0; i < 1000; i++) {
		b = bug_list_add(&bl);
		ck_assert_int_eq(b->id, 0);
		ck_assert_ptr_null(b->summary);
		b->id = i + 1;
		b->summary = xstrdup("x");
		strlist_add(&b->cc, "a");
		comment_list_add(&cl)->text = xstrdup("t");
		history_list_add(&hl)->who = xstrdup("w");
	}
	ck_assert_uint_eq(bl.n, 1000);
	ck_assert_uint_ge(bl.cap, 1000);
	ck_assert_int_eq(bl.v[999].id, 1000);
	ck_assert_int_eq(bl.v[0].id, 1);
	bug_list_free(&bl);
	comment_list_free(&cl);
	history_list_free(&hl);
	ck_assert_uint_eq(bl.n, 0);
	ck_assert_ptr_null(bl.v);
	bug_list_free(&bl);
	model_bug_free(NULL);
	model_comment_free(NULL);
	model_history_free(NULL);
}
END_TEST

START_TEST(test_bugs_default_fields)
{
	struct bug_list bl = {NULL, 0, 0};
	struct bug *b;

	parse_bugs_file(
	    "tests/data/bmo/search-paged-default-fields.json", &bl, 0);
	ck_assert_uint_eq(bl.n, 1);
	b = &bl.v[0];
	ck_assert_int_eq(b->id, 12345);
	ck_assert_str_eq(b->summary,
	    "[DOGFOOD] Unable to Forward a message "
	    "received as an Inline page or an attachment");
	ck_assert_str_eq(b->status, "VERIFIED");
	ck_assert_str_eq(b->resolution, "FIXED");
	ck_assert_int_eq(b->is_open, 0);
	ck_assert_str_eq(b->whiteboard, "[PDT+][PR1]");
	ck_assert_str_eq(b->product, "MailNews Core");
	ck_assert_str_eq(b->component, "Backend");
	ck_assert_str_eq(b->creator, "marina@formerly-netscape.com.tld");
	ck_assert_str_eq(b->assigned_to, "jefft@formerly-netscape.com.tld");
	ck_assert_int_eq(b->creation_time, 935451265);
	ck_assert_int_eq(b->last_change_time, 1586772951);
	ck_assert_int_eq(b->comment_count, 20);
	ck_assert_uint_eq(b->cc.n, 12);
	ck_assert_str_eq(b->cc.v[0], "esther@formerly-netscape.com.tld");
	ck_assert_uint_eq(b->groups.n, 0);
	ck_assert_uint_eq(b->keywords.n, 0);
	ck_assert_uint_eq(b->nflags, 0);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_2016)
{
	struct bug_list bl = {NULL, 0, 0};

	parse_bugs_file("tests/data/bmo/search-by-id-2016.json", &bl, 0);
	ck_assert_uint_eq(bl.n, 1);
	ck_assert_int_eq(bl.v[0].id, 12345);
	ck_assert_int_eq(bl.v[0].last_change_time, 1443033379);
	ck_assert_int_eq(bl.v[0].comment_count, 19);
	ck_assert_uint_eq(bl.v[0].cc.n, 11);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_include_fields)
{
	struct bug_list bl = {NULL, 0, 0};
	struct bug *b;

	parse_bugs_file("tests/data/bmo/search-include_fields.json", &bl, 0);
	ck_assert_uint_eq(bl.n, 2);
	b = &bl.v[1];
	ck_assert_int_eq(b->id, 12346);
	ck_assert_str_eq(b->resolution, "FIXED");
	/* Fields not asked for take the neutral values of model.h. */
	ck_assert_str_eq(b->summary, "");
	ck_assert_str_eq(b->whiteboard, "");
	ck_assert_ptr_null(b->assigned_to);
	ck_assert_int_eq(b->is_open, -1);
	ck_assert_int_eq(b->comment_count, -1);
	ck_assert_int_eq(b->last_change_time, 0);
	ck_assert_uint_eq(b->cc.n, 0);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_faults_without_id)
{
	struct bug_list bl = {NULL, 0, 0};

	/* This include_fields answer left out the id: the bug cannot be named.
	 */
	testutil_log_begin();
	parse_bugs_file("tests/data/bmo/get-bug-with-faults.json", &bl, 1);
	ck_assert_uint_eq(bl.n, 0);
	ck_assert_int_eq(testutil_log_count("model: bug record 0: bad id "
					    "(missing)"),
	    1);
	testutil_log_end();
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_upstream_full)
{
	struct bug_list bl = {NULL, 0, 0};
	struct bug *b;

	parse_bugs_file("tests/data/bugzilla-5.2/bug_get_1_full.json", &bl, 0);
	ck_assert_uint_eq(bl.n, 1);
	b = &bl.v[0];
	ck_assert_int_eq(b->id, 1);
	ck_assert_str_eq(b->status, "IN_PROGRESS");
	ck_assert_str_eq(b->resolution, "");
	ck_assert_int_eq(b->is_open, 1);
	ck_assert_str_eq(b->whiteboard,
	    "[ca-compliance] [ov-misissuance] Next update 2024-06-01");
	ck_assert_str_eq(b->product, "CA Program");
	ck_assert_str_eq(b->component, "CA Certificate Compliance");
	ck_assert_str_eq(b->assigned_to, "carep@ca-example.test");
	ck_assert_int_eq(
	    b->last_change_time, testutil_iso("2026-11-22T10:14:52Z"));
	ck_assert_int_eq(
	    b->creation_time, testutil_iso("2026-11-22T10:14:18Z"));
	ck_assert_uint_eq(b->cc.n, 1);
	ck_assert_int_eq(strlist_contains(&b->cc, "carep@ca-example.test"), 1);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_needinfo_flag)
{
	struct bug_list bl = {NULL, 0, 0};
	struct flag *f;

	parse_bugs_file(
	    "tests/data/bugzilla-5.2/search_open_include_fields.json", &bl, 0);
	ck_assert_uint_eq(bl.n, 7);
	ck_assert_int_eq(bl.v[1].id, 2);
	ck_assert_uint_eq(bl.v[1].nflags, 1);
	f = &bl.v[1].flags[0];
	ck_assert_int_eq(f->id, 2);
	ck_assert_int_eq(f->type_id, 1);
	ck_assert_str_eq(f->name, "needinfo");
	ck_assert_int_eq(f->status, '?');
	ck_assert_str_eq(f->setter, "rootstore@mozilla.test");
	ck_assert_str_eq(f->requestee, "carep@ca-example.test");
	ck_assert_int_eq(
	    f->creation_date, testutil_iso("2026-11-22T10:14:53Z"));
	ck_assert_int_eq(
	    f->modification_date, testutil_iso("2026-11-22T10:14:53Z"));
	ck_assert_str_eq(bl.v[6].whiteboard, "");
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_restricted)
{
	struct bug_list bl = {NULL, 0, 0};

	parse_bugs_file(
	    "tests/data/bugzilla-5.2/search_secure_bug_visible_for_member.json",
	    &bl, 0);
	ck_assert_uint_eq(bl.n, 10);
	ck_assert_int_eq(bl.v[9].id, 10);
	ck_assert_uint_eq(bl.v[9].groups.n, 1);
	ck_assert_str_eq(bl.v[9].groups.v[0], "ca-security");
	ck_assert_uint_eq(bl.v[8].groups.n, 0);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_bugs_ca_compliance)
{
	struct bug_list bl = {NULL, 0, 0};
	struct bug *b = NULL;
	char *content, *body, *cause = NULL;
	size_t len, i;

	/* The corpus is a bare array; wrap it as search returns it. */
	content =
	    testutil_read_src("data/ca-compliance/bugs-2026-03.json", NULL);
	xasprintf(&body, "{\"bugs\":%s}", content);
	free(content);
	len = strlen(body);
	ck_assert_int_eq(model_bugs_from_json(body, len, &bl, &cause), 0);
	ck_assert_ptr_null(cause);
	free(body);
	ck_assert_uint_eq(bl.n, 1690);
	ck_assert_int_eq(bl.v[0].id, 988633);
	ck_assert_str_eq(bl.v[0].creator, "dkeeler@mozilla.com");
	ck_assert_str_eq(bl.v[0].status, "RESOLVED");
	ck_assert_str_eq(
	    bl.v[0].whiteboard, "[ca-compliance] [ov-misissuance]");
	ck_assert_int_eq(
	    bl.v[0].creation_time, testutil_iso("2014-03-26T23:51:38Z"));
	ck_assert_int_eq(bl.v[1689].id, 2023190);
	ck_assert_str_eq(bl.v[1689].resolution, "");
	for (i = 0; i < bl.n; i++) {
		if (bl.v[i].id == 1983267)
			b = &bl.v[i];
	}
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b->summary,
	    "PKIoverheid: TSP KPN Findings in 2025 "
	    "ETSI Audit - Incident Report #7 \xe2\x80\x93 Change Management");
	ck_assert_str_eq(b->whiteboard,
	    "[ca-compliance] [audit-finding] Next update 2026-03-20");
	ck_assert_int_eq(
	    b->creation_time, testutil_iso("2025-08-15T14:09:40Z"));
	ck_assert_str_eq(b->creator, "pkioverheid@logius.nl");
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_comments_12345)
{
	struct comment_list cl = {NULL, 0, 0};
	struct comment *c;

	parse_comments_file("tests/data/bmo/comments-12345.json", &cl, 0);
	ck_assert_uint_eq(cl.n, 19);
	c = &cl.v[0];
	ck_assert_int_eq(c->id, 92463);
	ck_assert_int_eq(c->bug_id, 12345);
	ck_assert_int_eq(c->count, 0);
	ck_assert_str_eq(c->creator, "marina@formerly-netscape.com.tld");
	ck_assert_int_eq(c->time, 935451265);
	ck_assert_int_eq(c->is_private, 0);
	ck_assert_int_eq(strncmp(c->text, LIT("Steps to reproduce:\n")), 0);
	c = &cl.v[18];
	ck_assert_int_eq(c->id, 10767548);
	ck_assert_int_eq(c->count, 18);
	ck_assert_str_eq(c->creator, "continuation@gmail.com");
	ck_assert_int_eq(c->time, 1443033379);
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_comments_tags)
{
	struct comment_list cl = {NULL, 0, 0};

	parse_comments_file("tests/data/bmo/comments-1270686.json", &cl, 0);
	ck_assert_uint_eq(cl.n, 81);
	ck_assert_int_eq(cl.v[0].id, 11387121);
	ck_assert_int_eq(cl.v[0].time, 1462496141);
	ck_assert_uint_eq(cl.v[0].tags.n, 0);
	ck_assert_uint_eq(cl.v[75].tags.n, 2);
	ck_assert_str_eq(cl.v[75].tags.v[0], "bugherder");
	ck_assert_str_eq(cl.v[75].tags.v[1], "uplift");
	ck_assert_int_eq(strlist_contains(&cl.v[80].tags, "offtopic"), 1);
	ck_assert_int_eq(cl.v[80].count, 80);
	ck_assert_str_eq(
	    cl.v[80].creator, "release-mgmt-account-bot@mozilla.tld");
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_comments_author_time)
{
	struct comment_list cl = {NULL, 0, 0};

	/* include_fields=author,id,text,time: no bug_id, count or creator. */
	parse_comments_file(
	    "tests/data/bmo/comments-1007402-include_fields.json", &cl, 0);
	ck_assert_uint_eq(cl.n, 41);
	ck_assert_int_eq(cl.v[0].id, 8765198);
	ck_assert_int_eq(cl.v[0].bug_id, 1007402);
	ck_assert_int_eq(cl.v[0].count, -1);
	ck_assert_str_eq(cl.v[0].creator, "mcastelluccio@mozilla.com");
	ck_assert_int_eq(cl.v[0].time, 1399502364);
	ck_assert_int_eq(cl.v[40].id, 11333543);
	ck_assert_int_eq(cl.v[40].time, testutil_iso("2016-04-18T10:26:30Z"));
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_comments_multi_bug)
{
	struct comment_list cl = {NULL, 0, 0};
	size_t i, per[4] = {0, 0, 0, 0};

	parse_comments_file(
	    "tests/data/bugzilla-5.2/bug_comment_multi_via_path_ids.json", &cl,
	    0);
	for (i = 0; i < cl.n; i++) {
		ck_assert_int_ge(cl.v[i].bug_id, 1);
		ck_assert_int_le(cl.v[i].bug_id, 3);
		per[cl.v[i].bug_id]++;
		if (cl.v[i].id == 15) {
			ck_assert_int_eq(cl.v[i].bug_id, 3);
			ck_assert_int_eq(cl.v[i].count, 2);
			ck_assert_str_eq(
			    cl.v[i].creator, "rootstore@mozilla.test");
			ck_assert_str_eq(cl.v[i].text,
			    "It appears that remediation is complete. "
			    "Closing.");
		}
	}
	ck_assert_uint_eq(per[2], 2);
	ck_assert_uint_eq(per[3], 3);
	ck_assert_uint_ge(per[1], 4);
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_comments_private)
{
	struct comment_list cl = {NULL, 0, 0};

	parse_comments_file(
	    "tests/data/bugzilla-5.2/bug_comment_5_as_insider.json", &cl, 0);
	ck_assert_uint_eq(cl.n, 3);
	ck_assert_int_eq(cl.v[1].id, 17);
	ck_assert_int_eq(cl.v[1].is_private, 1);
	ck_assert_int_eq(cl.v[1].time, 1795342495);
	ck_assert_int_eq(cl.v[0].is_private, 0);
	/* Non-ASCII text survives the \u escapes as UTF-8. */
	ck_assert_ptr_nonnull(strstr(cl.v[0].text, "Z\xc3\xbcrich"));
	ck_assert_ptr_nonnull(strstr(cl.v[0].text, "\xf0\x9f\x94\x92"));
	comment_list_free(&cl);

	parse_comments_file(
	    "tests/data/bugzilla-5.2/bug_comment_5_anonymous.json", &cl, 0);
	ck_assert_uint_eq(cl.n, 2);
	ck_assert_int_eq(cl.v[0].count, 0);
	ck_assert_int_eq(cl.v[1].count, 2);
	ck_assert_int_eq(cl.v[1].is_private, 0);
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_comments_by_comment_id)
{
	struct comment_list cl = {NULL, 0, 0};
	size_t i;
	int seen = 0;

	parse_comments_file(
	    "tests/data/bugzilla-5.2/bug_comment_multi_comment_ids.json", &cl,
	    0);
	ck_assert_uint_eq(cl.n, 3);
	for (i = 0; i < cl.n; i++) {
		if (cl.v[i].id == 16) {
			ck_assert_int_eq(cl.v[i].bug_id, 4);
			ck_assert_str_eq(
			    cl.v[i].creator, "observer@example.test");
			seen++;
		}
	}
	ck_assert_int_eq(seen, 1);
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_history_needinfo)
{
	struct history_list hl = {NULL, 0, 0};
	const struct change *ch;

	parse_history_file("tests/data/bmo/history-1416872-needinfo.json", &hl);
	ck_assert_uint_eq(hl.n, 10);
	ck_assert_int_eq(hl.v[4].bug_id, 1416872);
	ck_assert_int_eq(hl.v[4].when, 1510954236);
	ck_assert_str_eq(hl.v[4].who, "mixedpuppy@gmail.com");
	ch = find_change(&hl, 4, "flagtypes.name");
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(ch->removed, "");
	ck_assert_str_eq(ch->added, "needinfo?(rhubscher@mozilla.com)");
	ck_assert_int_eq(hl.v[6].when, 1511168522);
	ck_assert_str_eq(hl.v[6].who, "rhubscher@mozilla.com");
	ch = &hl.v[6].changes[1];
	ck_assert_str_eq(ch->field, "flagtypes.name");
	ck_assert_str_eq(ch->removed, "needinfo?(rhubscher@mozilla.com)");
	ck_assert_str_eq(ch->added, "");
	history_list_free(&hl);

	parse_history_file("tests/data/bmo/history-1229760-needinfo.json", &hl);
	ck_assert_uint_eq(hl.n, 36);
	ch = &hl.v[16].changes[0];
	ck_assert_str_eq(ch->removed, "needinfo?(bugs@pettay.fi)");
	ck_assert_str_eq(ch->added, "needinfo?(cbook@mozilla.com)");
	ck_assert_int_eq(hl.v[16].when, testutil_iso("2015-12-08T17:38:08Z"));
	history_list_free(&hl);
}
END_TEST

START_TEST(test_history_whiteboard)
{
	struct history_list hl = {NULL, 0, 0};
	const struct change *ch;
	size_t i, n = 0;

	parse_history_file(
	    "tests/data/bmo/history-647570-whiteboard.json", &hl);
	ck_assert_uint_eq(hl.n, 27);
	ck_assert_int_eq(hl.v[23].when, 1306369352);
	ck_assert_str_eq(hl.v[23].who, "dholbert@mozilla.com");
	ch = &hl.v[23].changes[3];
	ck_assert_str_eq(ch->field, "whiteboard");
	ck_assert_str_eq(ch->removed, "");
	ck_assert_str_eq(ch->added, "fixed-in-cedar");
	ch = find_change(&hl, 24, "whiteboard");
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(ch->removed, "fixed-in-cedar");
	ck_assert_str_eq(ch->added, "");
	for (i = 0; i < hl.n; i++)
		n += hl.v[i].nchanges;
	ck_assert_uint_eq(n, 49);
	history_list_free(&hl);

	parse_history_file("tests/data/bmo/history-12345.json", &hl);
	ck_assert_uint_eq(hl.n, 24);
	ch = find_change(&hl, 7, "whiteboard");
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(ch->removed, "[PR1]");
	ck_assert_str_eq(ch->added, "[PDT+][PR1]");
	ck_assert_int_eq(hl.v[7].when, 941678293);
	history_list_free(&hl);
}
END_TEST

START_TEST(test_history_multi)
{
	struct history_list hl = {NULL, 0, 0};
	const struct change *ch;

	parse_history_file(
	    "tests/data/bugzilla-5.2/bug_history_multi.json", &hl);
	ck_assert_uint_eq(hl.n, 3);
	ck_assert_int_eq(hl.v[0].bug_id, 1);
	ck_assert_int_eq(hl.v[1].bug_id, 1);
	ck_assert_int_eq(hl.v[2].bug_id, 3);
	ck_assert_int_eq(hl.v[1].when, 1795342492);
	ch = find_change(&hl, 1, "whiteboard");
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(ch->added,
	    "[ca-compliance] [ov-misissuance] Next update 2024-06-01");
	ch = find_change(&hl, 2, "resolution");
	ck_assert_ptr_nonnull(ch);
	ck_assert_str_eq(ch->added, "FIXED");
	history_list_free(&hl);
}
END_TEST

/* The suite: lists, then the parsers over recorded bodies. */
static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc;

	tc = tcase_create("lists");
	tcase_add_test(tc, test_strlist);
	tcase_add_test(tc, test_list_grow);
	suite_add_tcase(s, tc);
	tc = tcase_create("bugs");
	tcase_add_test(tc, test_bugs_default_fields);
	tcase_add_test(tc, test_bugs_2016);
	tcase_add_test(tc, test_bugs_include_fields);
	tcase_add_test(tc, test_bugs_faults_without_id);
	tcase_add_test(tc, test_bugs_upstream_full);
	tcase_add_test(tc, test_bugs_needinfo_flag);
	tcase_add_test(tc, test_bugs_restricted);
	tcase_add_test(tc, test_bugs_ca_compliance);
	suite_add_tcase(s, tc);
	tc = tcase_create("comments");
	tcase_add_test(tc, test_comments_12345);
	tcase_add_test(tc, test_comments_tags);
	tcase_add_test(tc, test_comments_author_time);
	tcase_add_test(tc, test_comments_multi_bug);
	tcase_add_test(tc, test_comments_private);
	tcase_add_test(tc, test_comments_by_comment_id);
	suite_add_tcase(s, tc);
	tc = tcase_create("history");
	tcase_add_test(tc, test_history_needinfo);
	tcase_add_test(tc, test_history_whiteboard);
	tcase_add_test(tc, test_history_multi);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
