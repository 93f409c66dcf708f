/*
 * Tests of the small utilities: buf, timeutil, log_escape, xmalloc.
 */
#include <check.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "daemon.h"
#include "feed.h"
#include "log.h"
#include "model.h"
#include "notify.h"
#include "report.h"
#include "testutil.h"
#include "timeutil.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

START_TEST(test_buf_grow_and_cap)
{
	struct buf b;
	int i;

	buf_init(&b, 1000);
	ck_assert_str_eq(buf_str(&b), "");
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(buf_addstr(&b, "0123456789"), 0);
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_int_eq(buf_addch(&b, 'x'), -1);
	ck_assert_int_eq(b.toobig, 1);
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_uint_eq(strlen(buf_str(&b)), 1000);
	buf_reset(&b);
	ck_assert_int_eq(buf_printf(&b, "%d-%s", 42, "x"), 0);
	ck_assert_str_eq(buf_str(&b), "42-x");
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_detach)
{
	struct buf b;
	char *s;

	buf_init(&b, 10);
	s = buf_detach(&b);
	ck_assert_str_eq(s, "");
	free(s);
	buf_addstr(&b, "abc");
	s = buf_detach(&b);
	ck_assert_str_eq(s, "abc");
	ck_assert_uint_eq(b.len, 0);
	free(s);
}
END_TEST

START_TEST(test_buf_escaped)
{
	struct buf b;

	buf_init(&b, 64);
	buf_add_escaped(&b, "CA Certificate Compliance");
	ck_assert_str_eq(buf_str(&b), "CA%20Certificate%20Compliance");
	buf_reset(&b);
	buf_add_escaped(&b, "AZaz09-._~");
	ck_assert_str_eq(buf_str(&b), "AZaz09-._~");
	buf_reset(&b);
	buf_add_escaped(&b, "a&b=c/d?e+f\xc3\xa9,");
	ck_assert_str_eq(buf_str(&b), "a%26b%3Dc%2Fd%3Fe%2Bf%C3%A9%2C");
	buf_reset(&b);
	ck_assert_int_eq(buf_add_escaped(&b, ""), 0);
	ck_assert_str_eq(buf_str(&b), "");
	buf_free(&b);
	/* Past the maximum: -1, and the buffer says so. */
	buf_init(&b, 8);
	ck_assert_int_eq(buf_add_escaped(&b, "a b c d"), -1);
	ck_assert(b.toobig);
	buf_free(&b);
}
END_TEST

START_TEST(test_time_parse_forms)
{
	time_t t;
	char iso[TIMEUTIL_ISO_LEN];

	ck_assert_int_eq(timeutil_parse_iso("2024-03-27T14:02:11Z", &t), 0);
	ck_assert_int_eq(t, 1711548131);
	ck_assert_str_eq(timeutil_format_iso(t, iso), "2024-03-27T14:02:11Z");
	ck_assert_int_eq(timeutil_parse_iso("2024-03-27 14:02:11", &t), 0);
	ck_assert_int_eq(t, 1711548131);
	ck_assert_int_eq(timeutil_parse_iso("2024-03-27", &t), 0);
	ck_assert_int_eq(t, 1711497600);
	ck_assert_int_eq(timeutil_parse_iso("2024-02-29T00:00:00Z", &t), 0);
	ck_assert_int_eq(timeutil_parse_iso("1970-01-01T00:00:00Z", &t), 0);
	ck_assert_int_eq(t, 0);
}
END_TEST

START_TEST(test_time_parse_rejects)
{
	static const char *bad[] = {"", "2024", "2024-3-27", "2023-02-29",
	    "2024-13-01", "2024-03-27T14:02:11", "2024-03-27T14:02:11+01:00",
	    "2024-03-27T24:00:00Z", "2024-03-27X14:02:11Z", "abcd-ef-gh",
	    "2024-03-27T14:02:11Zjunk", "2024-04-31"};
	size_t i;
	time_t t = 12345;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(
		    timeutil_parse_iso(bad[i], &t) == -1, "%s", bad[i]);
		ck_assert_int_eq(t, 12345);
	}
}
END_TEST

START_TEST(test_time_end_of_day)
{
	time_t t;

	ck_assert_int_eq(timeutil_parse_iso("2026-04-30", &t), 0);
	ck_assert_int_eq(timeutil_end_of_day(t), t + 86399);
	ck_assert_int_eq(timeutil_end_of_day(t + 86399), t + 86399);
	ck_assert_int_eq(timeutil_end_of_day(t + 86400), t + 2 * 86400 - 1);
	ck_assert_int_eq(timeutil_end_of_day(t + 43200), t + 86399);
}
END_TEST

START_TEST(test_time_seam)
{
	timeutil_set_now(1700000000);
	ck_assert_int_eq(timeutil_now(), 1700000000);
	timeutil_set_now(0);
	ck_assert_int_gt(timeutil_now(), 1700000000);
}
END_TEST

START_TEST(test_strtonum)
{
	long long v;
	const char *err;

	ck_assert_int_eq(timeutil_strtonum("42", 1, 100, &v, &err), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(timeutil_strtonum("0", 1, 100, &v, &err), -1);
	ck_assert_str_eq(err, "too small");
	ck_assert_int_eq(timeutil_strtonum("101", 1, 100, &v, &err), -1);
	ck_assert_str_eq(err, "too large");
	ck_assert_int_eq(timeutil_strtonum("4x", 1, 100, &v, &err), -1);
	ck_assert_str_eq(err, "invalid");
	ck_assert_int_eq(timeutil_strtonum("", 1, 100, &v, &err), -1);
	ck_assert_int_eq(timeutil_strtonum(" 4", 1, 100, &v, &err), -1);
	ck_assert_int_eq(
	    timeutil_strtonum("99999999999999999999", 1, 100, &v, &err), -1);
	ck_assert_str_eq(err, "too large");
}
END_TEST

START_TEST(test_log_escape)
{
	char out[64];

	ck_assert_str_eq(log_escape(out, sizeof out, "plain"), "plain");
	ck_assert_str_eq(log_escape(out, sizeof out, "a\r\nb"), "a\\x0d\\x0ab");
	ck_assert_str_eq(log_escape(out, sizeof out, "\x1b[31m"), "\\x1b[31m");
	ck_assert_str_eq(
	    log_escape(out, sizeof out, "caf\xc3\xa9"), "caf\xc3\xa9");
	ck_assert_str_eq(log_escape(out, sizeof out, "\xff\xc3"), "\\xff\\xc3");
	ck_assert_str_eq(log_escape(out, sizeof out, "a\\b"), "a\\x5cb");
	ck_assert_str_eq(log_escape(out, 5, "abcdefgh"), "abcd");
	ck_assert_str_eq(log_escape(out, 6, "ab\ncd"), "ab");
}
END_TEST

START_TEST(test_log_event_fields)
{
	testutil_log_begin();
	log_event(LOG_INFO,
	    &(struct log_fields){.message_id = LOG_MSG_SYNC_OK,
		.event = "sync-ok",
		.bug = 1888016,
		.clock = "full-report"},
	    "sync: %d bugs", 3);
	log_event(LOG_WARNING, &(struct log_fields){.event = "x"}, "plain");
	ck_assert_str_eq(testutil_log_text(),
	    "sync: 3 bugs\tMESSAGE_ID=" LOG_MSG_SYNC_OK
	    "\tCCWATCH_EVENT=sync-ok"
	    "\tCCWATCH_BUG=1888016\tCCWATCH_CLOCK=full-report\n"
	    "plain\tCCWATCH_EVENT=x\n");
	testutil_log_end();
}
END_TEST

/* A JOURNAL_STREAM that is not our stderr, or no journald: plain stderr. */
START_TEST(test_log_journal_detection)
{
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_init(0, 0, "ccwatch-test");
	ck_assert_int_eq(log_to_journal(), 0);
	unsetenv("JOURNAL_STREAM");
	log_init(0, 0, "ccwatch-test");
	ck_assert_int_eq(log_to_journal(), 0);
	log_init(1, 0, "ccwatch-test");
	ck_assert_int_eq(log_to_journal(), 0);
}
END_TEST

/*
 * stderr really is the stream systemd connected: the journal is used only
 * if journald's socket is there (sd_journal_send reports success either
 * way, so a missing journald would swallow every line).
 */
START_TEST(test_log_journal_stream_matches)
{
	struct stat st;
	char env[64];

	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof env, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init(0, 0, "ccwatch-test");
	ck_assert_int_eq(
	    log_to_journal(), access("/run/systemd/journal/socket", W_OK) == 0);
	log_init(1, 0, "ccwatch-test");
	ck_assert_int_eq(log_to_journal(), 0);
	unsetenv("JOURNAL_STREAM");
	log_init(1, 0, "ccwatch-test");
}
END_TEST

/* Shorthand: utf8_len over a string literal, its NUL excluded. */
#define U8LEN(lit) utf8_len((const unsigned char *)(lit), sizeof(lit) - 1)

START_TEST(test_utf8_valid)
{
	ck_assert_uint_eq(U8LEN("a"), 1);
	ck_assert_uint_eq(U8LEN("\x7f"), 1);
	ck_assert_uint_eq(U8LEN("\xc2\x80"), 2);         /* U+0080 */
	ck_assert_uint_eq(U8LEN("\xdf\xbf"), 2);         /* U+07FF */
	ck_assert_uint_eq(U8LEN("\xe0\xa0\x80"), 3);     /* U+0800 */
	ck_assert_uint_eq(U8LEN("\xed\x9f\xbf"), 3);     /* U+D7FF */
	ck_assert_uint_eq(U8LEN("\xee\x80\x80"), 3);     /* U+E000 */
	ck_assert_uint_eq(U8LEN("\xef\xbf\xbd"), 3);     /* U+FFFD */
	ck_assert_uint_eq(U8LEN("\xf0\x90\x80\x80"), 4); /* U+10000 */
	ck_assert_uint_eq(U8LEN("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
	/* Only the first sequence counts. */
	ck_assert_uint_eq(U8LEN("\xc3\xa9xyz"), 2);
}
END_TEST

START_TEST(test_utf8_invalid)
{
	/* Overlong 2-, 3- and 4-byte forms. */
	ck_assert_uint_eq(U8LEN("\xc0\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xc1\xbf"), 0);
	ck_assert_uint_eq(U8LEN("\xe0\x80\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xe0\x9f\xbf"), 0);
	ck_assert_uint_eq(U8LEN("\xf0\x80\x80\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xf0\x8f\xbf\xbf"), 0);
	/* Surrogates U+D800 to U+DFFF. */
	ck_assert_uint_eq(U8LEN("\xed\xa0\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xed\xbf\xbf"), 0);
	/* Beyond U+10FFFF. */
	ck_assert_uint_eq(U8LEN("\xf4\x90\x80\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xf5\x80\x80\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xff"), 0);
	/* A lone continuation byte, a bad continuation. */
	ck_assert_uint_eq(U8LEN("\x80"), 0);
	ck_assert_uint_eq(U8LEN("\xc3\x28"), 0);
	ck_assert_uint_eq(U8LEN("\xe2\x82\x28"), 0);
}
END_TEST

START_TEST(test_utf8_bounds)
{
	const unsigned char euro[] = "\xe2\x82\xac";
	const unsigned char max[] = "\xf4\x8f\xbf\xbf";

	/* Cut short by n, though the bytes after would complete it. */
	ck_assert_uint_eq(utf8_len(euro, 3), 3);
	ck_assert_uint_eq(utf8_len(euro, 2), 0);
	ck_assert_uint_eq(utf8_len(euro, 1), 0);
	ck_assert_uint_eq(utf8_len(max, 4), 4);
	ck_assert_uint_eq(utf8_len(max, 3), 0);
	/* A NUL ends a sequence, so SIZE_MAX is safe on C strings. */
	ck_assert_uint_eq(utf8_len(euro, SIZE_MAX), 3);
	ck_assert_uint_eq(
	    utf8_len((const unsigned char *)"\xe2\x82", SIZE_MAX), 0);
	ck_assert_uint_eq(utf8_len((const unsigned char *)"", SIZE_MAX), 1);
}
END_TEST

/* Zones with every kind of rule: both hemispheres, half hours, negative DST. */
static const char *const tz_names[] = {"Europe/Berlin", "America/New_York",
    "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham",
    "Europe/Dublin", "Africa/Casablanca", "America/St_Johns",
    "Australia/Lord_Howe"};

START_TEST(test_tz_matches_libc)
{
	const char *name = tz_names[_i];
	const struct tz *z;
	struct tm mine, libc;
	char *cause = NULL;
	time_t t, back;
	long steps = 0;

	z = tz_get(name, &cause);
	ck_assert_msg(z != NULL, "%s: %s", name, cause);
	ck_assert_ptr_eq(tz_get(name, &cause), z); /* loaded once */
	/* This test is single-threaded: the C library's zone is the oracle. */
	setenv("TZ", name, 1);
	tzset();
	/* 1950 to 2100 in steps of 7 hours 13 minutes: every transition's
	 * neighbourhood, and the footer's rule far past the last one. */
	for (t = -631152000; t < 4102444800; t += 7 * 3600 + 13 * 60) {
		/* Plain ifs: a ck_assert per step would cost Check a write
		 * each, 180,000 of them a zone (minutes under valgrind). */
		if (tz_localtime(z, t, &mine) != 0 ||
		    localtime_r(&t, &libc) == NULL)
			ck_abort_msg(
			    "%s at %lld: no local time", name, (long long)t);
		if (mine.tm_gmtoff != libc.tm_gmtoff ||
		    mine.tm_hour != libc.tm_hour ||
		    mine.tm_mday != libc.tm_mday ||
		    mine.tm_isdst != libc.tm_isdst)
			ck_abort_msg("%s at %lld: %ld/%d against %ld/%d", name,
			    (long long)t, mine.tm_gmtoff, mine.tm_isdst,
			    libc.tm_gmtoff, libc.tm_isdst);
		/* Local time back to the instant (outside a repeated hour). */
		back = tz_from_local(z, timegm(&mine));
		if (back != t &&
		    tz_offset(z, t) == tz_offset(z, t - 3 * 3600) &&
		    tz_offset(z, t) == tz_offset(z, t + 3 * 3600))
			ck_abort_msg("%s: mktime of %lld gave %lld", name,
			    (long long)t, (long long)back);
		steps++;
	}
	ck_assert_int_gt(steps, 180000);
	unsetenv("TZ");
	tzset();
}
END_TEST

START_TEST(test_tz_rejects)
{
	static const unsigned char junk[] = "TZif2 not really a zone file";
	char *cause = NULL;

	ck_assert_ptr_null(tz_get("../etc/passwd", &cause));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(tz_get("No/Such_Zone", &cause));
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(tz_parse(junk, sizeof junk, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "TZif"));
	free(cause);
}
END_TEST

/* Bidi controls and zero-width characters, shown; other text kept. */
START_TEST(test_utf8_visible)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"\xe2\x80\xae", "<U+202E>"},
	    {"\xe2\x80\xaa", "<U+202A>"},
	    {"\xe2\x81\xa6", "<U+2066>"},
	    {"\xe2\x81\xa9", "<U+2069>"},
	    {"\xe2\x80\xa8", "<U+2028>"},
	    {"\xe2\x80\xa9", "<U+2029>"},
	    {"\xe2\x80\x8b", "<U+200B>"},
	    {"\xe2\x80\x8f", "<U+200F>"},
	    {"\xef\xbb\xbf", "<U+FEFF>"},
	    {"\xd8\x9c", "<U+061C>"},
	    {"\xe2\x80\xa6", NULL}, /* an ellipsis is text */
	    {"\xc3\xa9", NULL},
	    {"a", NULL},
	};
	char out[UTF8_VISIBLE_MAX], *s;
	size_t i, n;
	struct buf b;

	for (i = 0; i < CCWATCH_NELEM(cases); i++) {
		n = utf8_visible((const unsigned char *)cases[i].in,
		    strlen(cases[i].in), out);
		if (cases[i].want == NULL)
			ck_assert_uint_eq(n, 0);
		else {
			ck_assert_uint_eq(n, strlen(cases[i].want));
			ck_assert_str_eq(out, cases[i].want);
		}
	}
	/* The one helper, through the terminal, mail/Slack and HTML. */
	s = report_clean("a\xe2\x80\xae"
			 "b\xe2\x80\x8b"
			 "c");
	ck_assert_str_eq(s, "a<U+202E>b<U+200B>c");
	free(s);
	buf_init(&b, 1024);
	notify_clean_text("x\xe2\x81\xa6y", 100, 1, &b);
	ck_assert_str_eq(buf_str(&b), "x<U+2066>y");
	buf_free(&b);
	s = feed_html_escape("p\xe2\x80\xa8q");
	ck_assert_str_eq(s, "p&lt;U+2028&gt;q");
	free(s);
}
END_TEST

START_TEST(test_xmalloc_overflow)
{
	xreallocarray(NULL, (size_t)-1 / 2, 4);
}
END_TEST

START_TEST(test_daemon_backoff_doubles)
{
	/* 60 s interval, capped at 3600 s: 60, 120, 240 ... 1920, 3600. */
	static const long want[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
	size_t i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_int_eq(
		    daemon_next_delay(60, 10, 3600, (int)i + 1, 0.5), want[i]);
	/* Failures never wait less than the interval, nor past the cap. */
	ck_assert_int_eq(daemon_next_delay(300, 10, 400, 1, 0.0), 300);
	ck_assert_int_eq(daemon_next_delay(300, 10, 400, 2, 0.9), 400);
	ck_assert_int_eq(daemon_next_delay(300, 10, 400, 1000, 0.9), 400);
}
END_TEST

START_TEST(test_daemon_delay_jitter)
{
	/* After a success: the interval +-10 %, r picking the point. */
	ck_assert_int_eq(daemon_next_delay(600, 10, 3600, 0, 0.0), 540);
	ck_assert_int_eq(daemon_next_delay(600, 10, 3600, 0, 0.5), 600);
	ck_assert_int_eq(daemon_next_delay(600, 10, 3600, 0, 0.9999), 660);
	ck_assert_int_eq(daemon_next_delay(600, 0, 3600, 0, 0.7), 600);
	/* Never below one second. */
	ck_assert_int_eq(daemon_next_delay(1, 100, 3600, 0, 0.0), 1);
}
END_TEST

START_TEST(test_arena_alloc)
{
	struct arena *a = arena_new();
	char *p, *q, *big;

	ck_assert_uint_eq(arena_held(a), 0);
	p = arena_alloc(a, 3);
	q = arena_alloc(a, 0);
	ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
	ck_assert_uint_eq((uintptr_t)q % alignof(max_align_t), 0);
	ck_assert_ptr_ne(p, q);
	memcpy(p, "ab", 3);
	/* Larger than any chunk: a chunk of its own, the rest untouched. */
	big = arena_alloc(a, 4 * 1024 * 1024);
	memset(big, 'x', 4 * 1024 * 1024);
	ck_assert_str_eq(p, "ab");
	ck_assert(arena_owns(a, p) && arena_owns(a, big + 4 * 1024 * 1024 - 1));
	ck_assert(!arena_owns(a, &a));
	ck_assert_uint_ge(
	    arena_used(a), 4 * 1024 * 1024 + 2 * alignof(max_align_t));
	ck_assert_uint_ge(arena_held(a), arena_used(a));
	arena_free(a);
	arena_free(NULL);
}
END_TEST

START_TEST(test_arena_json)
{
	static const char good[] = "{\"a\": [1, \"two\", {\"b\": null}]}";
	struct arena *a = arena_new();
	json_t *before = json_pack("{s:s}", "k", "v"), *root;
	json_error_t err;

	/* The tree lives in the arena; values made outside it do not. */
	root = arena_json_loadb(a, good, strlen(good), 0, &err);
	ck_assert_ptr_nonnull(root);
	ck_assert(arena_owns(a, root));
	ck_assert(arena_owns(a, json_array_get(json_object_get(root, "a"), 1)));
	ck_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(root, "a"), 1)),
	    "two");
	ck_assert(!arena_owns(a, before));
	/* A body that fails half-way: what jansson built is dropped too. */
	ck_assert_ptr_null(arena_json_loadb(a, "{\"a\": [1, 2", 10, 0, &err));
	ck_assert_ptr_null(arena_json_loadb(
	    a, "{\"a\":1,\"a\":2}", 13, JSON_REJECT_DUPLICATES, &err));
	arena_free(a);
	/* Outside the load, jansson is malloc and free again. */
	ck_assert_str_eq(json_string_value(json_object_get(before, "k")), "v");
	json_decref(before);
	root = arena_json_loadb(NULL, good, strlen(good), 0, &err);
	ck_assert_ptr_nonnull(root);
	json_decref(root);
}
END_TEST

/* Build and drop JSON values on another thread while the test parses. */
static void *
arena_thread_churn(void *arg)
{
	volatile int *stop = arg;
	json_t *o;
	int i = 0;

	while (!*stop || i < 1000) {
		o = json_pack("{s:i,s:[s,s]}", "n", i++, "l", "x", "y");
		json_decref(o);
	}
	return NULL;
}

START_TEST(test_arena_per_thread)
{
	static const char body[] =
	    "{\"bugs\":[{\"id\":1,\"cc\":[\"a\",\"b\"]}]}";
	volatile int stop = 0;
	pthread_t t;
	struct arena *a;
	json_t *root;
	int i;

	/* The other thread's values never land in this thread's arena. */
	ck_assert_int_eq(
	    pthread_create(&t, NULL, arena_thread_churn, (void *)&stop), 0);
	for (i = 0; i < 300; i++) {
		a = arena_new();
		root = arena_json_loadb(a, body, strlen(body), 0, NULL);
		ck_assert_ptr_nonnull(root);
		ck_assert_int_eq(
		    json_integer_value(json_object_get(
			json_array_get(json_object_get(root, "bugs"), 0),
			"id")),
		    1);
		arena_free(a);
	}
	stop = 1;
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}
END_TEST

START_TEST(test_model_doc_switch)
{
	static const char body[] =
	    "{\"bugs\":[{\"id\":7,\"summary\":\"s\",\"cc\":[\"a\"]},"
	    "{\"id\":\"x\"}]}";
	static const char err[] = "{\"error\":true,\"code\":32000}";
	struct bug_list with = {0}, without = {0};
	struct model_doc *doc;
	char *cause = NULL, *msg = NULL;
	long code = 0;

	/* The arena and jansson's own allocations give the same records. */
	unsetenv("CCWATCH_JSON_ARENA");
	ck_assert_int_eq(
	    model_bugs_from_json(body, strlen(body), &with, &cause), 1);
	setenv("CCWATCH_JSON_ARENA", "0", 1);
	ck_assert_int_eq(
	    model_bugs_from_json(body, strlen(body), &without, &cause), 1);
	ck_assert_uint_eq(with.n, 1);
	ck_assert_uint_eq(without.n, 1);
	ck_assert_str_eq(with.v[0].summary, without.v[0].summary);
	ck_assert_str_eq(with.v[0].cc.v[0], "a");
	bug_list_free(&with);
	bug_list_free(&without);
	/* One load answers the error check and the parsers, either way. */
	doc = model_doc_load(err, strlen(err), &cause);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(model_doc_error(doc, &code, &msg), 1);
	ck_assert_int_eq(code, 32000);
	ck_assert_str_eq(msg, "");
	ck_assert_int_eq(model_bugs_from_doc(doc, &with, &cause), -1);
	ck_assert_str_eq(cause, "model: bugs: bugs is not an array");
	model_doc_free(doc);
	free(cause);
	free(msg);
	unsetenv("CCWATCH_JSON_ARENA");
	cause = NULL;
	ck_assert_ptr_null(model_doc_load("[1]", 3, &cause));
	ck_assert_str_eq(cause, "model: top level is not an object");
	free(cause);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc;

	tc = tcase_create("buf");
	tcase_add_test(tc, test_buf_grow_and_cap);
	tcase_add_test(tc, test_buf_detach);
	tcase_add_test(tc, test_buf_escaped);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, test_time_parse_forms);
	tcase_add_test(tc, test_time_parse_rejects);
	tcase_add_test(tc, test_time_end_of_day);
	tcase_add_test(tc, test_time_seam);
	tcase_add_test(tc, test_strtonum);
	suite_add_tcase(s, tc);
	tc = tcase_create("daemon");
	tcase_add_test(tc, test_daemon_backoff_doubles);
	tcase_add_test(tc, test_daemon_delay_jitter);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_add_loop_test(
	    tc, test_tz_matches_libc, 0, (int)CCWATCH_NELEM(tz_names));
	tcase_add_test(tc, test_tz_rejects);
	tcase_add_test(tc, test_log_escape);
	tcase_add_test(tc, test_log_event_fields);
	tcase_add_test(tc, test_log_journal_detection);
	tcase_add_test(tc, test_log_journal_stream_matches);
	suite_add_tcase(s, tc);
	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	tcase_add_test(tc, test_utf8_bounds);
	tcase_add_test(tc, test_utf8_visible);
	suite_add_tcase(s, tc);
	tc = tcase_create("arena");
	tcase_add_test(tc, test_arena_alloc);
	tcase_add_test(tc, test_arena_json);
	tcase_add_test(tc, test_arena_per_thread);
	tcase_add_test(tc, test_model_doc_switch);
	suite_add_tcase(s, tc);
	tc = tcase_create("xmalloc");
	tcase_add_exit_test(tc, test_xmalloc_overflow, 1);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
