/*
 * Tests of the report module: a store built here with a bug in each state,
 * the JSON's shape and values, the order, the filters, a past moment equal
 * to an evaluation made then, and the table's handling of hostile text and
 * colour.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "people.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

#define DAY  86400
#define HOUR 3600
/* The moment the reports are made at: 2026-03-13T12:00:00Z. */
#define AS_OF ((time_t)1773403200)

static struct store *st;
static struct people people;
static struct policy_options opts;

/* Store a bug filed at created by creator, who is also its assignee. */
static void
put_bug(struct store *s, int64_t id, const char *summary, const char *creator,
    time_t created, const char *status, const char *resolution,
    const char *group)
{
	struct bug b;
	char *cause = NULL;

	memset(&b, 0, sizeof b);
	b.id = id;
	b.summary = (char *)summary;
	b.status = (char *)status;
	b.resolution = (char *)resolution;
	b.is_open = *resolution == '\0';
	b.whiteboard = (char *)"[ca-compliance]";
	b.product = (char *)"CA Program";
	b.component = (char *)"CA Certificate Compliance";
	b.creator = (char *)creator;
	b.assigned_to = (char *)creator;
	b.creation_time = created;
	b.last_change_time = created;
	b.comment_count = -1;
	if (group != NULL)
		strlist_add(&b.groups, group);
	ck_assert_msg(store_put_bug(s, &b, &cause) == 0, "%s", cause);
	strlist_free(&b.groups);
}

/* Store comment count of bug (id bug * 100 + count). */
static void
put_comment(struct store *s, int64_t bug, int64_t count, const char *creator,
    time_t when, const char *text)
{
	struct comment c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.id = bug * 100 + count;
	c.bug_id = bug;
	c.count = count;
	c.creator = (char *)creator;
	c.time = when;
	c.text = (char *)text;
	ck_assert_msg(store_put_comment(s, &c, &cause) == 0, "%s", cause);
}

/* Store one history change of bug. */
static void
put_change(struct store *s, int64_t bug, time_t when, const char *who,
    const char *field, const char *removed, const char *added)
{
	struct history h;
	struct change ch;
	char *cause = NULL;

	ch.field = (char *)field;
	ch.removed = (char *)removed;
	ch.added = (char *)added;
	h.bug_id = bug;
	h.when = when;
	h.who = (char *)who;
	h.changes = &ch;
	h.nchanges = 1;
	ck_assert_msg(store_put_history(s, &h, &cause) == 0, "%s", cause);
}

/*
 * The corpus, as the store holds it now; with upto set, only what had
 * happened by then (the bugs' fields as they were then), which is what a
 * store synced at that moment would hold.
 *  101 Foo CA: filed 2026-01-01, never updated: update and full report
 *      overdue.
 *  102 Bar CA: filed 6 days ago: update due in a day, due-soon.
 *  103 Baz CA: filed a day ago, a question 12 hours ago: ok.
 *  104 Old CA: resolved yesterday: no clocks.
 *  105 Evil CA: restricted, hostile summary, filed 2 days ago: ok.
 *  106 Qux CA: closure summary yesterday: update paused.
 */
static void
build_corpus(struct store *s, time_t upto)
{
	const time_t jan1 = 1767225600;
	int late = upto == 0 || upto >= AS_OF - DAY;

	put_bug(s, 101, "Foo CA: Overdue matter", "alice@foo.example", jan1,
	    "ASSIGNED", "", NULL);
	put_comment(
	    s, 101, 0, "alice@foo.example", jan1, "We found a problem.");
	put_bug(s, 102, "Bar CA: Due soon matter", "bob@bar.example",
	    AS_OF - 6 * DAY, "ASSIGNED", "", NULL);
	put_comment(s, 102, 0, "bob@bar.example", AS_OF - 6 * DAY, "Report.");
	put_bug(s, 103, "Baz CA: Fine matter", "carl@baz.example", AS_OF - DAY,
	    "ASSIGNED", "", NULL);
	put_comment(s, 103, 0, "carl@baz.example", AS_OF - DAY, "Report.");
	if (upto == 0)
		put_comment(s, 103, 1, "bwilson@mozilla.com", AS_OF - 12 * HOUR,
		    "Why did the linter not catch this?");
	put_bug(s, 104, "Old CA: Resolved matter", "dora@old.example", jan1,
	    late ? "RESOLVED" : "ASSIGNED", late ? "FIXED" : "", NULL);
	put_comment(s, 104, 0, "dora@old.example", jan1, "Report.");
	if (late) {
		put_change(s, 104, AS_OF - DAY, "bwilson@mozilla.com", "status",
		    "ASSIGNED", "RESOLVED");
		put_change(s, 104, AS_OF - DAY, "bwilson@mozilla.com",
		    "resolution", "", "FIXED");
	}
	put_bug(s, 105, "Evil CA: \033[2J\rboom\033]0;pwned\007",
	    "eve@evil.example", AS_OF - 2 * DAY, "NEW", "",
	    "ca-program-security");
	put_comment(s, 105, 0, "eve@evil.example", AS_OF - 2 * DAY, "Report.");
	put_bug(s, 106, "Qux CA: Closed matter", "quinn@qux.example",
	    AS_OF - 3 * DAY, "ASSIGNED", "", NULL);
	put_comment(s, 106, 0, "quinn@qux.example", AS_OF - 3 * DAY, "Report.");
	if (late)
		put_comment(s, 106, 1, "quinn@qux.example", AS_OF - DAY,
		    "## Incident Closure Summary\nAll remediated.");
}

/* A store with the corpus, POLICY.md's people and default options. */
static void
setup(void)
{
	char *cause = NULL;

	timeutil_set_now(AS_OF + 5);
	st = store_open(":memory:", &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	build_corpus(st, 0);
	people_defaults(&people);
	policy_options_defaults(&opts);
}

/* Close the store. */
static void
teardown(void)
{
	store_close(st);
	people_free(&people);
	timeutil_set_now(0);
}

/* Load a report of st at t with filter f, failing the test on error. */
static void
load(struct store *s, time_t t, const struct report_filter *f, struct report *r)
{
	char *cause = NULL;

	ck_assert_msg(
	    report_load(s, &people, &opts, t, f, r, &cause) == 0, "%s", cause);
}

/* The ids of a report, as "101 102 ...". */
static char *
ids(const struct report *r)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < r->nbugs; i++) {
		xasprintf(&t, "%s%s%lld", s, i > 0 ? " " : "",
		    (long long)r->bugs[i].bug.id);
		free(s);
		s = t;
	}
	return s;
}

/* Check the ids a filter keeps. */
static void
expect_ids(const struct report_filter *f, const char *want)
{
	struct report r;
	char *got;

	load(st, AS_OF, f, &r);
	got = ids(&r);
	ck_assert_str_eq(got, want);
	free(got);
	report_free(&r);
}

/* The JSON of a report at t, parsed. */
static json_t *
report_json(struct store *s, time_t t, const struct report_filter *f)
{
	struct report r;
	json_error_t err;
	json_t *j;
	char *text;

	load(s, t, f, &r);
	text = report_to_json(&r);
	report_free(&r);
	j = json_loads(text, 0, &err);
	ck_assert_msg(j != NULL, "%s: %s", err.text, text);
	free(text);
	return j;
}

/* The render of the table of the default report. */
static char *
table(int colour, int width)
{
	struct report_filter f = {0, NULL, -1, 0};
	struct report_style style = {width, colour};
	struct report r;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	load(st, AS_OF, &f, &r);
	fp = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(fp);
	report_write_table(&r, &style, fp);
	fclose(fp);
	report_free(&r);
	return out;
}

START_TEST(test_json_shape)
{
	struct report_filter f = {0, NULL, -1, 0};
	json_t *j, *bug, *clocks, *c, *q;
	size_t i;

	j = report_json(st, AS_OF, &f);
	ck_assert_str_eq(json_string_value(json_object_get(j, "generated_at")),
	    "2026-03-13T12:00:05Z");
	ck_assert_str_eq(json_string_value(json_object_get(j, "as_of")),
	    "2026-03-13T12:00:00Z");
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "policy")), "auto");
	ck_assert(json_is_null(json_object_get(j, "last_sync")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "bugs")), 5);

	bug = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(bug, "id")), 101);
	ck_assert_str_eq(
	    json_string_value(json_object_get(bug, "ca")), "Foo CA");
	ck_assert_str_eq(
	    json_string_value(json_object_get(bug, "status")), "ASSIGNED");
	ck_assert_str_eq(json_string_value(json_object_get(bug, "url")),
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=101");
	ck_assert(json_is_false(json_object_get(bug, "restricted")));
	ck_assert(json_is_array(
	    json_object_get(json_object_get(bug, "whiteboard"), "tags")));
	clocks = json_object_get(bug, "clocks");
	ck_assert_uint_ge(json_array_size(clocks), 3);
	json_array_foreach(clocks, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "kind")),
			"full-report") != 0)
			continue;
		ck_assert_str_eq(
		    json_string_value(json_object_get(c, "state")), "overdue");
		ck_assert_str_eq(json_string_value(json_object_get(c, "due")),
		    "2026-01-15T00:00:00Z");
		ck_assert_str_eq(
		    json_string_value(json_object_get(c, "started_at")),
		    "2026-01-01T00:00:00Z");
		ck_assert_int_eq(
		    json_integer_value(json_object_get(c, "start_comment")), 0);
		ck_assert(
		    json_is_null(json_object_get(c, "stopped_by_comment")));
		ck_assert_str_eq(
		    json_string_value(json_object_get(c, "policy_version")),
		    "3.1");
		ck_assert_int_eq(
		    json_integer_value(json_object_get(c, "overdue_seconds")),
		    AS_OF - 1768435200);
	}

	/* 103: the open question, with its age and link. */
	bug = json_array_get(json_object_get(j, "bugs"), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(bug, "id")), 103);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(bug, "questions")), 1);
	q = json_array_get(json_object_get(bug, "questions"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(q, "comment")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(q, "asked_by")),
	    "bwilson@mozilla.com");
	ck_assert_str_eq(json_string_value(json_object_get(q, "asked_at")),
	    "2026-03-13T00:00:00Z");
	ck_assert_int_eq(
	    json_integer_value(json_object_get(q, "age_seconds")), 12 * HOUR);
	ck_assert_str_eq(json_string_value(json_object_get(q, "due")),
	    "2026-03-20T00:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(q, "state")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(q, "url")),
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=103#c1");

	/* 106: the paused update clock has no due time. */
	bug = json_array_get(json_object_get(j, "bugs"), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(bug, "id")), 106);
	json_array_foreach(json_object_get(bug, "clocks"), i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "kind")),
			"update") != 0)
			continue;
		ck_assert_str_eq(
		    json_string_value(json_object_get(c, "state")), "paused");
		ck_assert(json_is_null(json_object_get(c, "due")));
	}
	json_decref(j);
}
END_TEST

START_TEST(test_json_restricted_and_text)
{
	struct report_filter f = {105, NULL, -1, 0};
	json_t *j, *bug;

	j = report_json(st, AS_OF, &f);
	bug = json_array_get(json_object_get(j, "bugs"), 0);
	ck_assert(json_is_true(json_object_get(bug, "restricted")));
	/* The JSON keeps the text as it is; jansson escapes it. */
	ck_assert_str_eq(json_string_value(json_object_get(bug, "summary")),
	    "Evil CA: \033[2J\rboom\033]0;pwned\007");
	json_decref(j);
}
END_TEST

START_TEST(test_last_sync)
{
	struct report_filter f = {0, NULL, -1, 0};
	struct store_cursor cur = {0, 0, AS_OF - 300, AS_OF - 300, NULL};
	char *cause = NULL;
	json_t *j;

	ck_assert_int_eq(store_set_cursor(st, &cur, &cause), 0);
	j = report_json(st, AS_OF, &f);
	ck_assert_str_eq(json_string_value(json_object_get(j, "last_sync")),
	    "2026-03-13T11:55:00Z");
	json_decref(j);
}
END_TEST

START_TEST(test_sort_order)
{
	struct report_filter f = {0, NULL, -1, 0};
	struct report r;

	/* Overdue, due-soon, then ok by due (105 before 103), then 106. */
	expect_ids(&f, "101 102 105 103 106");
	/* --all adds the resolved bug, which has no clock, last. */
	f.all = 1;
	expect_ids(&f, "101 102 105 103 106 104");
	load(st, AS_OF, &f, &r);
	ck_assert_int_eq(
	    r.bugs[0].result.clocks[r.bugs[0].urgent].state, CLOCK_OVERDUE);
	ck_assert_int_eq(r.bugs[5].urgent, -1);
	ck_assert_int_eq(r.bugs[5].result.resolved, 1);
	/* The counts are over every open bug, whatever the filter. */
	ck_assert_uint_eq(r.open_bugs, 5);
	ck_assert_uint_eq(r.overdue, 1);
	ck_assert_uint_eq(r.due_soon, 1);
	report_free(&r);
}
END_TEST

START_TEST(test_filters)
{
	struct report_filter f = {0, "bar ca", -1, 0};
	struct report r;
	char *cause = NULL;

	expect_ids(&f, "102");
	f.ca = "No Such CA";
	expect_ids(&f, "");
	f.ca = NULL;
	f.state = CLOCK_OVERDUE;
	expect_ids(&f, "101");
	f.state = CLOCK_DUE_SOON;
	expect_ids(&f, "102");
	f.state = CLOCK_PAUSED;
	expect_ids(&f, "106");
	/* One bug is kept whatever its clocks, if it existed. */
	f.state = -1;
	f.bug_id = 104;
	expect_ids(&f, "104");
	load(st, 1767225600 - 1, &f, &r);
	ck_assert_uint_eq(r.nbugs, 0);
	report_free(&r);
	f.bug_id = 999;
	ck_assert_int_eq(
	    report_load(st, &people, &opts, AS_OF, &f, &r, &cause), -1);
	ck_assert_str_eq(cause, "bug 999 is not in the store");
	free(cause);
}
END_TEST

START_TEST(test_not_a_question)
{
	struct report_filter f = {103, NULL, -1, 0};
	struct report r;
	char *cause = NULL;

	load(st, AS_OF, &f, &r);
	ck_assert_uint_eq(r.bugs[0].result.nquestions, 1);
	report_free(&r);
	ck_assert_int_eq(store_set_not_question(st, 103, 10301, &cause), 0);
	load(st, AS_OF, &f, &r);
	ck_assert_uint_eq(r.bugs[0].result.nquestions, 0);
	report_free(&r);
}
END_TEST

START_TEST(test_past_equals_then)
{
	static const time_t moments[] = {
	    AS_OF - 3 * DAY, AS_OF - 36 * HOUR, AS_OF - 13 * HOUR};
	struct report_filter f = {0, NULL, -1, 1};
	struct store *then;
	char *cause = NULL, *a, *b;
	json_t *ja, *jb;
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(moments); i++) {
		/* A store synced at the moment, evaluated at the moment... */
		then = store_open(":memory:", &cause);
		ck_assert_msg(then != NULL, "%s", cause);
		build_corpus(then, moments[i]);
		jb = report_json(then, moments[i], &f);
		store_close(then);
		/* ...equals today's store evaluated as of the moment. */
		ja = report_json(st, moments[i], &f);
		a = json_dumps(ja, JSON_SORT_KEYS);
		b = json_dumps(jb, JSON_SORT_KEYS);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		json_decref(ja);
		json_decref(jb);
	}
}
END_TEST

START_TEST(test_table_hostile_text)
{
	char *out;

	out = table(0, 0);
	/* No control character but the newlines survives. */
	ck_assert_ptr_null(strchr(out, '\033'));
	ck_assert_ptr_null(strchr(out, '\r'));
	ck_assert_ptr_null(strchr(out, '\007'));
	ck_assert_ptr_nonnull(
	    strstr(out, "[restricted] Evil CA: [2Jboom]0;pwned"));
	ck_assert_ptr_nonnull(strstr(out, "BUG "));
	ck_assert_ptr_nonnull(strstr(out, "overdue"));
	free(out);
}
END_TEST

START_TEST(test_table_colour)
{
	char *out, *line;

	/* No colour asked: no escape at all. */
	out = table(0, 0);
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
	/* Colour: the states are coloured, the hostile escape still gone. */
	out = table(1, 0);
	ck_assert_ptr_nonnull(strstr(out, "\033[1;31moverdue"));
	ck_assert_ptr_null(strstr(out, "\033[2J"));
	ck_assert_ptr_null(strstr(out, "\033]0"));
	free(out);
	/* A width cuts the summary, marked with "...". */
	out = table(0, 90);
	line = strstr(out, "105 ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_le(strcspn(line, "\n"), 90);
	ck_assert_ptr_nonnull(strstr(out, "..."));
	free(out);
}
END_TEST

START_TEST(test_explain)
{
	struct report_filter f = {103, NULL, -1, 1};
	struct report r;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	load(st, AS_OF, &f, &r);
	fp = open_memstream(&out, &len);
	report_write_explain(&r, fp);
	fclose(fp);
	report_free(&r);
	ck_assert_ptr_nonnull(strstr(out, "Bug 103: Baz CA: Fine matter\n"));
	ck_assert_ptr_nonnull(strstr(out, "Response to a question (response"));
	ck_assert_ptr_nonnull(strstr(out, "asked by bwilson@mozilla.com"));
	ck_assert_ptr_nonnull(strstr(
	    out, "<https://bugzilla.mozilla.org/show_bug.cgi?id=103#c1>"));
	ck_assert_ptr_nonnull(
	    strstr(out, "Running: due 2026-03-20 00:00:00 UTC"));
	free(out);
}
END_TEST

/*
 * Six bugs of one CA under five spellings (the audit's), a seventh spelled
 * differently on a restricted bug, a configured CA under another
 * spelling, and a bug answered late and one whose needinfo the CA cleared
 * without a word.
 */
static void
ca_setup(void)
{
	static const char *spellings[] = {"Netlock: OCSP outage",
	    "NETLOCK: CRL too large", "NETLOCK Kft.: Audit letter late",
	    "NETLOCK - Unavailability of the document repository",
	    "NETLOCK - OCSP outage between 10:00 and 12:00",
	    "NETLOCK: Wrong key usage"};
	struct people_ca *ca;
	char *cause = NULL;
	time_t t = AS_OF - 20 * DAY;
	int64_t i;

	timeutil_set_now(AS_OF + 5);
	st = store_open(":memory:", &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	for (i = 0; i < 6; i++) {
		put_bug(st, 201 + i, spellings[i], "ops@netlock.hu", t + i,
		    "ASSIGNED", "", NULL);
		put_comment(st, 201 + i, 0, "ops@netlock.hu", t + i, "Report.");
	}
	put_bug(st, 207, "NETLOCK Zrt: key compromise", "ops@netlock.hu", t,
	    "NEW", "", "ca-program-security");
	put_bug(st, 208, "NETLOCK Zrt: key compromise", "ops@netlock.hu", t,
	    "NEW", "", "ca-program-security");
	put_bug(st, 209, "Example CA: Late answer", "rep@example-ca.test", t,
	    "ASSIGNED", "", NULL);
	put_comment(st, 209, 0, "rep@example-ca.test", t, "Report.");
	put_comment(st, 209, 1, "bwilson@mozilla.com", t + DAY, "Why?");
	put_comment(
	    st, 209, 2, "rep@example-ca.test", t + 8 * DAY + 90, "Because.");
	put_bug(st, 210, "ExampleCA: Silent clear", "rep@example-ca.test", t,
	    "ASSIGNED", "", NULL);
	put_comment(st, 210, 0, "rep@example-ca.test", t, "Report.");
	put_comment(st, 210, 1, "bwilson@mozilla.com", t + DAY, "List them.");
	put_change(st, 210, t + DAY, "bwilson@mozilla.com", "flagtypes.name",
	    "", "needinfo?(rep@example-ca.test)");
	put_change(st, 210, t + 2 * DAY, "rep@example-ca.test",
	    "flagtypes.name", "needinfo?(rep@example-ca.test)", "");
	people_defaults(&people);
	ca = people_add_ca(&people, "ExampleCA");
	strlist_add(&ca->domains, "example-ca.test");
	policy_options_defaults(&opts);
}

/* Order int64s for qsort. */
static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The ids a CA filter keeps, at AS_OF, every bug, in id order. */
static void
expect_ca(const char *ca, const char *want)
{
	struct report_filter f = {0, ca, -1, 1};
	struct report r;
	int64_t v[32];
	char got[512];
	size_t i, n = 0;

	load(st, AS_OF, &f, &r);
	for (i = 0; i < r.nbugs && i < 32; i++)
		v[i] = r.bugs[i].bug.id;
	qsort(v, r.nbugs, sizeof *v, cmp_id);
	got[0] = '\0';
	for (i = 0; i < r.nbugs && i < 32; i++)
		n += (size_t)snprintf(got + n, sizeof got - n, "%s%lld",
		    i > 0 ? " " : "", (long long)v[i]);
	ck_assert_str_eq(got, want);
	report_free(&r);
}

START_TEST(test_ca_one_key)
{
	struct report_filter f = {0, NULL, -1, 1};
	struct report r;
	size_t i;

	/* status --ca finds all six under any spelling. */
	expect_ca("NETLOCK", "201 202 203 204 205 206 207 208");
	expect_ca("netlock kft", "201 202 203 204 205 206 207 208");
	expect_ca("Netlock Ltd.", "201 202 203 204 205 206 207 208");
	expect_ca("Example CA", "209 210");
	expect_ca("Example CB", "");
	/* Shown by the most frequent spelling; restricted bugs do not vote. */
	load(st, AS_OF, &f, &r);
	ck_assert_uint_eq(r.nbugs, 10);
	for (i = 0; i < r.nbugs; i++) {
		if (r.bugs[i].bug.id >= 209)
			ck_assert_str_eq(r.bugs[i].result.ca, "ExampleCA");
		else
			ck_assert_str_eq(r.bugs[i].result.ca, "NETLOCK");
		ck_assert_str_eq(r.bugs[i].result.ca_key,
		    r.bugs[i].bug.id >= 209 ? "exampleca" : "netlock");
		ck_assert(report_bug_in_ca(&r, &r.bugs[i],
		    r.bugs[i].bug.id >= 209 ? "EXAMPLECA" : "NetLock Kft"));
	}
	report_free(&r);
}
END_TEST

START_TEST(test_ca_json_late_withdrawn)
{
	struct report_filter f = {0, NULL, -1, 1};
	json_t *j, *bug, *c;
	size_t i, k;
	int seen = 0;

	j = report_json(st, AS_OF, &f);
	json_array_foreach(json_object_get(j, "bugs"), i, bug)
	{
		ck_assert(json_is_string(json_object_get(bug, "ca")));
		ck_assert(json_is_string(json_object_get(bug, "ca_key")));
		json_array_foreach(json_object_get(bug, "clocks"), k, c)
		{
			ck_assert(json_is_boolean(json_object_get(c, "late")));
			ck_assert(
			    json_is_integer(json_object_get(c, "late_by")));
			ck_assert(
			    json_is_boolean(json_object_get(c, "withdrawn")));
			if (json_integer_value(json_object_get(bug, "id")) ==
				209 &&
			    strcmp(
				json_string_value(json_object_get(c, "kind")),
				"response") == 0) {
				ck_assert(
				    json_is_true(json_object_get(c, "late")));
				ck_assert_int_eq(
				    json_integer_value(
					json_object_get(c, "late_by")),
				    90);
				seen++;
			}
		}
	}
	ck_assert_int_eq(seen, 1);
	json_decref(j);
}
END_TEST

START_TEST(test_ca_explain)
{
	struct report_filter f = {209, NULL, -1, 1};
	struct report r;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	load(st, AS_OF, &f, &r);
	f.bug_id = 210;
	fp = open_memstream(&out, &len);
	report_write_explain(&r, fp);
	report_free(&r);
	load(st, AS_OF, &f, &r);
	report_write_explain(&r, fp);
	fclose(fp);
	report_free(&r);
	ck_assert_ptr_nonnull(strstr(out, "CA: ExampleCA;"));
	ck_assert_ptr_nonnull(strstr(out, "(late by 1m: 90 s)"));
	ck_assert_ptr_nonnull(strstr(out, "needinfo cleared without a reply"));
	free(out);
}
END_TEST

START_TEST(test_clean)
{
	char *s;

	s = report_clean("a\033[2Jb\rc\td\ne\x7f"
			 "f\xc2\x9bg\xff"
			 "h\xc3\xa9");
	ck_assert_str_eq(s,
	    "a[2Jbc d ef"
	    "g?"
	    "h\xc3\xa9");
	free(s);
	s = report_clean(NULL);
	ck_assert_str_eq(s, "");
	free(s);
	/* An overlong or cut sequence is invalid. */
	s = report_clean("\xc0\xaf"
			 "x\xe2\x82");
	ck_assert_str_eq(s, "??x??");
	free(s);
}
END_TEST

START_TEST(test_relative)
{
	char buf[64];

	ck_assert_str_eq(report_format_relative(AS_OF + 2 * DAY + 3 * HOUR + 59,
			     AS_OF, buf, sizeof buf),
	    "in 2d 3h");
	ck_assert_str_eq(
	    report_format_relative(AS_OF - 4 * DAY, AS_OF, buf, sizeof buf),
	    "4d overdue");
	ck_assert_str_eq(report_format_relative(
			     AS_OF + 5 * HOUR + 600, AS_OF, buf, sizeof buf),
	    "in 5h 10m");
	ck_assert_str_eq(
	    report_format_relative(AS_OF + 1, AS_OF, buf, sizeof buf), "in 1m");
	ck_assert_str_eq(
	    report_format_relative(AS_OF, AS_OF, buf, sizeof buf), "now");
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_json_restricted_and_text);
	tcase_add_test(tc, test_last_sync);
	suite_add_tcase(s, tc);
	tc = tcase_create("selection");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sort_order);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_not_a_question);
	tcase_add_test(tc, test_past_equals_then);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_table_hostile_text);
	tcase_add_test(tc, test_table_colour);
	tcase_add_test(tc, test_explain);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_relative);
	suite_add_tcase(s, tc);
	tc = tcase_create("ca");
	tcase_add_checked_fixture(tc, ca_setup, teardown);
	tcase_add_test(tc, test_ca_one_key);
	tcase_add_test(tc, test_ca_json_late_withdrawn);
	tcase_add_test(tc, test_ca_explain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
