/*
 * Tests of the model: string lists, record lists, and the JSON parsers run
 * over real recorded Bugzilla bodies and over malformed ones.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* A string literal and its length, for the parsers' (body, len) pairs. */
#define LIT(s) (s), strlen(s)

/* Read a file of recorded real data in the source tree; *len gets its size. */
static char *
read_data(const char *rel, size_t *len)
{
	char *path, *body;

	path = testutil_srcpath(rel);
	body = testutil_read_file(path, len);
	free(path);
	return body;
}

/* Parse bugs from a recorded data file, expecting skipped malformed records. */
static void
parse_bugs_file(const char *rel, struct bug_list *bl, int skipped)
{
	char *body, *cause = NULL;
	size_t len;

	body = read_data(rel, &len);
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

	body = read_data(rel, &len);
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

	body = read_data(rel, &len);
	ck_assert_int_eq(model_history_from_json(body, len, hl, &cause), 0);
	ck_assert_ptr_null(cause);
	free(body);
}

/* The epoch time of an ISO-8601 string, failing the test if it is bad. */
static time_t
iso(const char *s)
{
	time_t t;

	ck_assert_int_eq(timeutil_parse_iso(s, &t), 0);
	return t;
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
	ck_assert_int_eq(b->last_change_time, iso("2026-11-22T10:14:52Z"));
	ck_assert_int_eq(b->creation_time, iso("2026-11-22T10:14:18Z"));
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
	ck_assert_int_eq(f->creation_date, iso("2026-11-22T10:14:53Z"));
	ck_assert_int_eq(f->modification_date, iso("2026-11-22T10:14:53Z"));
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
	content = read_data("data/ca-compliance/bugs-2026-03.json", NULL);
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
	ck_assert_int_eq(bl.v[0].creation_time, iso("2014-03-26T23:51:38Z"));
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
	ck_assert_int_eq(b->creation_time, iso("2025-08-15T14:09:40Z"));
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
	ck_assert_int_eq(cl.v[40].time, iso("2016-04-18T10:26:30Z"));
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
	ck_assert_int_eq(hl.v[16].when, iso("2015-12-08T17:38:08Z"));
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

START_TEST(test_malformed_bugs)
{
	struct bug_list bl = {NULL, 0, 0};
	char *path, *body, *cause = NULL;
	size_t len;

	path = testutil_srcpath("tests/data/model/bugs-mixed.json");
	body = testutil_read_file(path, &len);
	free(path);
	testutil_log_begin();
	/* Bug 104's bad flag is dropped, the bug kept. */
	ck_assert_int_eq(model_bugs_from_json(body, len, &bl, &cause), 7);
	ck_assert_int_eq(testutil_log_count("model: bug record 1: bad id "
					    "\"102\""),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 103: bad "
			       "last_change_time \"2024-05-20 25:00\""),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 104: bad "
					    "flags[0].status \"x\""),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 105: bad cc[1] 7"), 1);
	ck_assert_int_eq(testutil_log_count("model: bug 106: bad is_open "
					    "\"yes\""),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug record 6: bad id 0"), 1);
	ck_assert_int_eq(testutil_log_count("model: bug record 7: not an "
					    "object"),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 107: bad summary 5"), 1);
	ck_assert_int_eq(testutil_log_count("model:"), 8);
	testutil_log_end();
	free(body);

	ck_assert_uint_eq(bl.n, 3);
	ck_assert_int_eq(bl.v[0].id, 101);
	ck_assert_str_eq(bl.v[0].whiteboard, "");
	ck_assert_ptr_null(bl.v[0].assigned_to);
	ck_assert_uint_eq(bl.v[0].nflags, 2);
	ck_assert_ptr_null(bl.v[0].flags[0].requestee);
	ck_assert_str_eq(
	    bl.v[0].flags[1].requestee, "incident-reporting@ccadb.org");
	ck_assert_int_eq(
	    bl.v[0].flags[0].modification_date, iso("2024-05-02T00:00:00Z"));
	ck_assert_int_eq(bl.v[0].comment_count, 3);
	ck_assert_int_eq(bl.v[1].id, 104);
	ck_assert_uint_eq(bl.v[1].nflags, 0);
	ck_assert_int_eq(bl.v[2].id, 108);
	ck_assert_int_eq(bl.v[2].is_open, 0);
	ck_assert_int_eq(strlist_contains(&bl.v[2].groups, "ca-security"), 1);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_malformed_bad_time_escaped)
{
	static const char body[] =
	    "{\"bugs\":[{\"id\":7,"
	    "\"last_change_time\":\"\\u001b[31m2024\"},{\"id\":8}]}";
	struct bug_list bl = {NULL, 0, 0};
	char *cause = NULL;

	testutil_log_begin();
	ck_assert_int_eq(
	    model_bugs_from_json(body, strlen(body), &bl, &cause), 1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 7: bad last_change_time "
			       "\"\\x1b[31m2024\""),
	    1);
	ck_assert_ptr_null(strchr(testutil_log_text(), '\x1b'));
	testutil_log_end();
	ck_assert_uint_eq(bl.n, 1);
	ck_assert_int_eq(bl.v[0].id, 8);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_malformed_flags)
{
	static const char body[] =
	    "{\"bugs\":["
	    "{\"id\":1,\"flags\":{}},"
	    "{\"id\":2,\"flags\":[{\"id\":3,\"type_id\":800,\"name\":"
	    "\"needinfo\","
	    "\"status\":\"?\",\"creation_date\":\"2024-05-01T00:00:00Z\"}]},"
	    "{\"id\":3,\"flags\":[{\"id\":3,\"type_id\":800,\"name\":"
	    "\"needinfo\","
	    "\"status\":\"?\",\"setter\":5,"
	    "\"creation_date\":\"2024-05-01T00:00:00Z\","
	    "\"modification_date\":\"2024-05-01T00:00:00Z\"}]},"
	    "{\"id\":4,\"flags\":[\"needinfo\"]},"
	    "{\"id\":5,\"flags\":[{\"id\":3,\"type_id\":800,\"name\":"
	    "\"needinfo\","
	    "\"status\":\"??\",\"creation_date\":\"2024-05-01T00:00:00Z\","
	    "\"modification_date\":\"2024-05-01T00:00:00Z\"}]},"
	    "{\"id\":6,\"flags\":[{\"id\":3,\"type_id\":800,\"name\":"
	    "\"review\","
	    "\"status\":\"+\",\"creation_date\":\"2024-05-01T00:00:00Z\","
	    "\"modification_date\":\"2024-05-01T00:00:00Z\"}]}]}";
	struct bug_list bl = {NULL, 0, 0};
	char *cause = NULL;

	testutil_log_begin();
	/* Only a flags member that is no array fails its bug... */
	ck_assert_int_eq(
	    model_bugs_from_json(body, strlen(body), &bl, &cause), 1);
	ck_assert_int_eq(testutil_log_count("bug 1: bad flags (object)"), 1);
	ck_assert_int_eq(testutil_log_count("; flag skipped"), 4);
	ck_assert_int_eq(
	    testutil_log_count("bug 2: bad "
			       "flags[0].modification_date (missing)"),
	    1);
	ck_assert_int_eq(testutil_log_count("bug 3: bad flags[0].setter 5"), 1);
	ck_assert_int_eq(
	    testutil_log_count("bug 4: bad flags[0] \"needinfo\""), 1);
	ck_assert_int_eq(testutil_log_count("bug 5: bad flags[0].status "
					    "\"??\""),
	    1);
	testutil_log_end();
	/* ...a bad flag is dropped and its bug kept without it. */
	ck_assert_uint_eq(bl.n, 5);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(bl.v[i].id, (int64_t)i + 2);
		ck_assert_uint_eq(bl.v[i].nflags, 0);
	}
	ck_assert_int_eq(bl.v[4].id, 6);
	ck_assert_uint_eq(bl.v[4].nflags, 1);
	ck_assert_int_eq(bl.v[4].flags[0].status, '+');
	ck_assert_ptr_null(bl.v[4].flags[0].setter);
	bug_list_free(&bl);
}
END_TEST

START_TEST(test_malformed_comments)
{
	static const char body[] =
	    "{\"bugs\":{"
	    "\"42\":{\"comments\":["
	    "{\"id\":1,\"bug_id\":42,\"count\":0,\"creator\":\"a@x\","
	    "\"time\":\"2024-01-01T00:00:00Z\",\"text\":\"\"},"
	    "{\"id\":2,\"bug_id\":42,\"count\":1,\"creator\":\"a@x\","
	    "\"time\":\"2024-01-02T00:00:00Z\",\"text\":\"t\","
	    "\"is_private\":0},"
	    "{\"id\":3,\"bug_id\":43,\"count\":2,\"creator\":\"a@x\","
	    "\"time\":\"2024-01-03T00:00:00Z\",\"text\":\"t\"},"
	    "{\"id\":\"4\",\"creator\":\"a@x\"},"
	    "{\"id\":5,\"count\":3,\"creator\":\"a@x\","
	    "\"time\":\"yesterday\",\"text\":\"t\"},"
	    "{\"id\":6,\"count\":4,\"time\":\"2024-01-04T00:00:00Z\","
	    "\"text\":\"t\"},"
	    "{\"id\":7,\"count\":5,\"creator\":\"a@x\","
	    "\"time\":\"2024-01-05T00:00:00Z\",\"text\":null},"
	    "{\"id\":8,\"count\":6,\"creator\":\"a@x\",\"tags\":[1],"
	    "\"time\":\"2024-01-06T00:00:00Z\",\"text\":\"t\"},"
	    "{\"id\":9,\"count\":7,\"author\":\"b@y\",\"is_private\":true,"
	    "\"creation_time\":\"2024-01-07T00:00:00Z\",\"text\":\"ok\","
	    "\"tags\":[\"spam\"]}]},"
	    "\"x1\":{\"comments\":[]},"
	    "\"44\":{\"comments\":{}}},"
	    "\"comments\":{}}";
	struct comment_list cl = {NULL, 0, 0};
	char *cause = NULL;

	testutil_log_begin();
	ck_assert_int_eq(
	    model_comments_from_json(body, strlen(body), &cl, &cause), 9);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 2: bad "
					    "is_private 0"),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 3: bad "
					    "bug_id 43"),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment record 3: "
					    "bad id \"4\""),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 5: bad "
					    "time \"yesterday\""),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 6: bad "
					    "creator (missing)"),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 7: bad "
					    "text (missing)"),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug 42: comment 8: bad "
					    "tags[0] 1"),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: comments: bug key \"x1\""), 1);
	ck_assert_int_eq(testutil_log_count("model: bug 44: bad comments "
					    "(object)"),
	    1);
	testutil_log_end();
	ck_assert_uint_eq(cl.n, 2);
	ck_assert_int_eq(cl.v[0].id, 1);
	ck_assert_str_eq(cl.v[0].text, "");
	ck_assert_int_eq(cl.v[1].id, 9);
	ck_assert_int_eq(cl.v[1].bug_id, 42);
	ck_assert_str_eq(cl.v[1].creator, "b@y");
	ck_assert_int_eq(cl.v[1].is_private, 1);
	ck_assert_int_eq(cl.v[1].time, iso("2024-01-07T00:00:00Z"));
	ck_assert_str_eq(cl.v[1].tags.v[0], "spam");
	comment_list_free(&cl);
}
END_TEST

START_TEST(test_malformed_history)
{
	static const char body[] =
	    "{\"bugs\":["
	    "{\"id\":1,\"history\":["
	    "{\"when\":\"2024-01-01T00:00:00Z\",\"who\":\"a@x\",\"changes\":["
	    "{\"field_name\":\"whiteboard\",\"removed\":\"\",\"added\":\"w\"}]}"
	    ","
	    "{\"when\":\"2024-13-01T00:00:00Z\",\"who\":\"a@x\",\"changes\":[]}"
	    ","
	    "{\"when\":\"2024-01-02T00:00:00Z\",\"who\":\"a@x\",\"changes\":["
	    "{\"field_name\":\"status\",\"removed\":\"NEW\",\"added\":7}]},"
	    "{\"when\":\"2024-01-03T00:00:00Z\",\"changes\":[]},"
	    "{\"when\":\"2024-01-04T00:00:00Z\",\"who\":\"b@y\",\"changes\":[]}"
	    "]},"
	    "{\"id\":\"2\",\"history\":[]},"
	    "{\"id\":3,\"history\":null},"
	    "{\"id\":4,\"alias\":[],\"history\":["
	    "{\"when\":\"2024-01-05T00:00:00Z\",\"who\":\"c@z\",\"changes\":["
	    "{\"field_name\":\"cc\",\"removed\":\"\",\"added\":\"c@z\","
	    "\"attachment_id\":5}]}]}]}";
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL;

	testutil_log_begin();
	ck_assert_int_eq(
	    model_history_from_json(body, strlen(body), &hl, &cause), 5);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 1: history entry 1: bad "
			       "when \"2024-13-01T00:00:00Z\""),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 1: history entry 2: bad "
			       "changes[0].added 7"),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 1: history entry 3: bad "
			       "who (missing)"),
	    1);
	ck_assert_int_eq(testutil_log_count("model: bug record 1: bad id "
					    "\"2\""),
	    1);
	ck_assert_int_eq(
	    testutil_log_count("model: bug 3: bad history null"), 1);
	testutil_log_end();
	ck_assert_uint_eq(hl.n, 3);
	ck_assert_int_eq(hl.v[0].bug_id, 1);
	ck_assert_str_eq(hl.v[0].changes[0].added, "w");
	ck_assert_str_eq(hl.v[1].who, "b@y");
	ck_assert_uint_eq(hl.v[1].nchanges, 0);
	ck_assert_int_eq(hl.v[2].bug_id, 4);
	ck_assert_str_eq(hl.v[2].changes[0].field, "cc");
	history_list_free(&hl);
}
END_TEST

/* Each body must fail every record parser with a cause naming the model. */
static void
assert_rejected(const char *body, size_t len, const char *needle)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL;

	ck_assert_int_eq(model_bugs_from_json(body, len, &bl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, needle));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(model_comments_from_json(body, len, &cl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, needle));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(model_history_from_json(body, len, &hl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, needle));
	free(cause);
	ck_assert_uint_eq(bl.n + cl.n + hl.n, 0);
}

/*
 * A NUL inside a JSON string ("\u0000") is legal JSON: it must neither make
 * the whole body unreadable nor cut the text short.  It becomes U+FFFD.
 */
START_TEST(test_nul_in_strings)
{
	static const char bugs[] =
	    "{\"bugs\":[{\"id\":7,\"summary\":"
	    "\"CA: a\\u0000b\",\"cc\":[\"x\\u0000y\"]}]}";
	static const char comments[] =
	    "{\"bugs\":{\"7\":{\"comments\":[{\"id\":1,\"bug_id\":7,"
	    "\"count\":0,\"creator\":\"a@b.example\",\"creation_time\":"
	    "\"2024-01-01T00:00:00Z\",\"text\":\"before\\u0000after\","
	    "\"is_private\":false}]}},\"comments\":{}}";
	struct bug_list bl;
	struct comment_list cl;
	char *cause = NULL;

	memset(&bl, 0, sizeof bl);
	memset(&cl, 0, sizeof cl);
	ck_assert_int_eq(
	    model_bugs_from_json(bugs, sizeof bugs - 1, &bl, &cause), 0);
	ck_assert_uint_eq(bl.n, 1);
	ck_assert_str_eq(bl.v[0].summary,
	    "CA: a\xef\xbf\xbd"
	    "b");
	ck_assert_str_eq(bl.v[0].cc.v[0], "x\xef\xbf\xbdy");
	ck_assert_int_eq(model_comments_from_json(
			     comments, sizeof comments - 1, &cl, &cause),
	    0);
	ck_assert_uint_eq(cl.n, 1);
	ck_assert_str_eq(cl.v[0].text,
	    "before\xef\xbf\xbd"
	    "after");
	bug_list_free(&bl);
	comment_list_free(&cl);
}
END_TEST

/* Nesting a million levels deep is refused by the parser, not a crash. */
START_TEST(test_deep_nesting)
{
	struct bug_list bl;
	char *body, *cause = NULL;
	size_t n = 1000000, i;

	body = xmalloc(2 * n + 16);
	memcpy(body, "{\"bugs\":", 8);
	for (i = 0; i < n; i++)
		body[8 + i] = '[';
	for (i = 0; i < n; i++)
		body[8 + n + i] = ']';
	body[8 + 2 * n] = '}';
	memset(&bl, 0, sizeof bl);
	ck_assert_int_eq(
	    model_bugs_from_json(body, 2 * n + 9, &bl, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_uint_eq(bl.n, 0);
	free(cause);
	free(body);
}
END_TEST

START_TEST(test_errors_invalid_json)
{
	static const char trunc[] = "{\"bugs\":[{\"id\":1,\"summ";
	char *body, *cause = NULL;
	size_t len;
	struct bug_list bl = {NULL, 0, 0};

	assert_rejected(LIT("{bugs"), "model: invalid JSON at line 1 column ");
	assert_rejected(trunc, strlen(trunc), "model: invalid JSON");
	assert_rejected(LIT(""), "model: invalid JSON");
	assert_rejected(NULL, 0, "model: invalid JSON");
	assert_rejected(LIT("{\"bugs\":[]} x"), "model: invalid JSON");
	assert_rejected(LIT("{\"bugs\":[],\"bugs\":[]}"), "duplicate");
	/* A NUL inside the length is not JSON either. */
	assert_rejected("{\"bugs\":[]}\0", 12, "model: invalid JSON");
	/* A real body cut short, as a dropped connection leaves it. */
	body =
	    read_data("tests/data/bmo/search-paged-default-fields.json", &len);
	ck_assert_int_eq(model_bugs_from_json(body, len / 2, &bl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "model: invalid JSON at line "));
	free(cause);
	free(body);
	/* Untrusted text in jansson's message is escaped. */
	cause = NULL;
	ck_assert_int_eq(model_bugs_from_json(LIT("\x1b[2J"), &bl, &cause), -1);
	ck_assert_ptr_null(strchr(cause, '\x1b'));
	free(cause);
}
END_TEST

START_TEST(test_errors_shape)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL;

	assert_rejected(LIT("[]"), "model: top level is not an object");
	assert_rejected(LIT("\"bugs\""), "model: invalid JSON");
	assert_rejected(LIT("{}"), "bugs");
	assert_rejected(LIT("{\"bugs\":null}"), "bugs");
	assert_rejected(LIT("{\"bugs\":5}"), "bugs");
	/* Each parser wants its own shape of "bugs". */
	ck_assert_int_eq(
	    model_bugs_from_json(LIT("{\"bugs\":{}}"), &bl, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    model_history_from_json(LIT("{\"bugs\":{}}"), &hl, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    model_comments_from_json(LIT("{\"bugs\":[]}"), &cl, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(model_comments_from_json(
			     LIT("{\"bugs\":{},\"comments\":[]}"), &cl, &cause),
	    -1);
	ck_assert_str_eq(cause, "model: comments: comments is not an object");
	free(cause);
	/* An API error object is not a list of bugs. */
	cause = NULL;
	ck_assert_int_eq(model_bugs_from_json(
			     LIT("{\"error\":true,\"code\":102}"), &bl, &cause),
	    -1);
	free(cause);
	ck_assert_uint_eq(bl.n + cl.n + hl.n, 0);
}
END_TEST

START_TEST(test_errors_empty_lists)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL;

	ck_assert_int_eq(model_bugs_from_json(
			     LIT("{\"bugs\":[],\"faults\":[]}"), &bl, &cause),
	    0);
	ck_assert_int_eq(
	    model_comments_from_json(LIT("{\"bugs\":{}}"), &cl, &cause), 0);
	ck_assert_int_eq(
	    model_history_from_json(LIT("{\"bugs\":[]}"), &hl, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_uint_eq(bl.n + cl.n + hl.n, 0);
}
END_TEST

START_TEST(test_error_body)
{
	char *body, *message = NULL;
	long code = 0;
	size_t len;

	body = read_data("tests/data/bmo/error-102-access-denied.json", &len);
	ck_assert_int_eq(model_error_from_json(body, len, &code, &message), 1);
	ck_assert_int_eq(code, 102);
	ck_assert_str_eq(message,
	    "You are not authorized to access bug "
	    "1595329. To see this bug, you must first log in to an account "
	    "with the appropriate permissions.");
	free(message);
	free(body);

	body = read_data(
	    "tests/data/bugzilla-5.2/error_bug_invalid_apikey_header.json",
	    &len);
	ck_assert_int_eq(model_error_from_json(body, len, &code, &message), 1);
	ck_assert_int_eq(code, 306);
	free(message);
	free(body);

	ck_assert_int_eq(
	    model_error_from_json(
		LIT("{\"error\":true,\"code\":32614}"), &code, &message),
	    1);
	ck_assert_int_eq(code, 32614);
	ck_assert_str_eq(message, "");
	free(message);

	message = NULL;
	code = 7;
	ck_assert_int_eq(
	    model_error_from_json(
		LIT("{\"error\":false,\"code\":1}"), &code, &message),
	    0);
	ck_assert_int_eq(
	    model_error_from_json(LIT("{\"error\":true}"), &code, &message), 0);
	ck_assert_int_eq(
	    model_error_from_json(
		LIT("{\"error\":true,\"code\":\"1\"}"), &code, &message),
	    0);
	ck_assert_int_eq(model_error_from_json(LIT("[1]"), &code, &message), 0);
	ck_assert_int_eq(
	    model_error_from_json(LIT("<html>"), &code, &message), 0);
	ck_assert_int_eq(model_error_from_json(NULL, 0, &code, &message), 0);
	body = read_data("tests/data/bmo/search-include_fields.json", &len);
	ck_assert_int_eq(model_error_from_json(body, len, &code, &message), 0);
	free(body);
	ck_assert_int_eq(code, 7);
	ck_assert_ptr_null(message);
}
END_TEST

START_TEST(test_time_whoami_version)
{
	char *body, *s = NULL, *cause = NULL;
	size_t len;
	time_t t = 0;

	body = read_data("tests/data/bugzilla-5.2/time.json", &len);
	ck_assert_int_eq(model_time_from_json(body, len, &t, &cause), 0);
	ck_assert_int_eq(t, 1795342848);
	free(body);

	body = read_data(
	    "tests/data/bugzilla-5.2/whoami_header_rootstore.json", &len);
	ck_assert_int_eq(model_whoami_from_json(body, len, &s, &cause), 0);
	ck_assert_str_eq(s, "rootstore@mozilla.test");
	free(s);
	free(body);

	body = read_data("tests/data/bugzilla-5.2/version.json", &len);
	ck_assert_int_eq(model_version_from_json(body, len, &s, &cause), 0);
	ck_assert_str_eq(s, "5.2+");
	free(s);
	free(body);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_time_whoami_version_errors)
{
	char *body, *s = NULL, *cause = NULL;
	size_t len;
	time_t t = 5;

	ck_assert_int_eq(
	    model_time_from_json(LIT("{\"db_time\":\"soon\"}"), &t, &cause),
	    -1);
	ck_assert_str_eq(cause, "model: time: bad db_time \"soon\"");
	free(cause);
	ck_assert_int_eq(
	    model_time_from_json(LIT("{\"db_time\":1}"), &t, &cause), -1);
	ck_assert_str_eq(cause, "model: time: bad db_time 1");
	free(cause);
	ck_assert_int_eq(model_time_from_json(LIT("{"), &t, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "model: invalid JSON"));
	free(cause);
	ck_assert_int_eq(t, 5);

	body = read_data("tests/data/bugzilla-5.2/whoami_noauth.json", &len);
	ck_assert_int_eq(model_whoami_from_json(body, len, &s, &cause), -1);
	ck_assert_str_eq(cause, "model: whoami: bad name (missing)");
	free(cause);
	free(body);
	ck_assert_int_eq(
	    model_whoami_from_json(LIT("{\"name\":\"\"}"), &s, &cause), -1);
	free(cause);
	ck_assert_int_eq(
	    model_version_from_json(LIT("{\"version\":null}"), &s, &cause), -1);
	ck_assert_str_eq(cause, "model: version: bad version null");
	free(cause);
	ck_assert_int_eq(
	    model_version_from_json(LIT("[\"5.2\"]"), &s, &cause), -1);
	free(cause);
	ck_assert_ptr_null(s);
}
END_TEST

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
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_malformed_bugs);
	tcase_add_test(tc, test_malformed_bad_time_escaped);
	tcase_add_test(tc, test_malformed_flags);
	tcase_add_test(tc, test_malformed_comments);
	tcase_add_test(tc, test_malformed_history);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, test_errors_invalid_json);
	tcase_add_test(tc, test_errors_shape);
	tcase_add_test(tc, test_errors_empty_lists);
	suite_add_tcase(s, tc);
	tc = tcase_create("single");
	tcase_add_test(tc, test_error_body);
	tcase_add_test(tc, test_nul_in_strings);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_time_whoami_version);
	tcase_add_test(tc, test_time_whoami_version_errors);
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
