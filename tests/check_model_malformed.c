/*
 * Tests of the model's JSON parsers over bodies that are not what they
 * should be: malformed records among good ones (skipped with a warning,
 * the others kept), invalid and deeply nested JSON, wrong shapes, NULs in
 * strings, Bugzilla's error bodies, and the time, whoami and version
 * answers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"
#include "xmalloc.h"

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
	ck_assert_int_eq(bl.v[0].flags[0].modification_date,
	    testutil_iso("2024-05-02T00:00:00Z"));
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
	ck_assert_int_eq(cl.v[1].time, testutil_iso("2024-01-07T00:00:00Z"));
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
	body = testutil_read_src(
	    "tests/data/bmo/search-paged-default-fields.json", &len);
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

	body = testutil_read_src(
	    "tests/data/bmo/error-102-access-denied.json", &len);
	ck_assert_int_eq(model_error_from_json(body, len, &code, &message), 1);
	ck_assert_int_eq(code, 102);
	ck_assert_str_eq(message,
	    "You are not authorized to access bug "
	    "1595329. To see this bug, you must first log in to an account "
	    "with the appropriate permissions.");
	free(message);
	free(body);

	body = testutil_read_src(
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
	body = testutil_read_src(
	    "tests/data/bmo/search-include_fields.json", &len);
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

	body = testutil_read_src("tests/data/bugzilla-5.2/time.json", &len);
	ck_assert_int_eq(model_time_from_json(body, len, &t, &cause), 0);
	ck_assert_int_eq(t, 1795342848);
	free(body);

	body = testutil_read_src(
	    "tests/data/bugzilla-5.2/whoami_header_rootstore.json", &len);
	ck_assert_int_eq(model_whoami_from_json(body, len, &s, &cause), 0);
	ck_assert_str_eq(s, "rootstore@mozilla.test");
	free(s);
	free(body);

	body = testutil_read_src("tests/data/bugzilla-5.2/version.json", &len);
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

	body = testutil_read_src(
	    "tests/data/bugzilla-5.2/whoami_noauth.json", &len);
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

/* The suite: malformed records, error bodies, single answers. */
static Suite *
model_malformed_suite(void)
{
	Suite *s = suite_create("model_malformed");
	TCase *tc;

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
	SRunner *sr = srunner_create(model_malformed_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
