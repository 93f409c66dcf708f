/*
 * Tests of the date reader (datetext.c) and the time zones (zone.c): every
 * written form, the year of a date written without one, and days that are
 * 23 or 25 hours long.  The zones are the system's (Debian's tzdata), and
 * glibc's own reading of them (localtime_r under TZ, in this test process
 * only) is the independent check.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ccwatch.h"
#include "datetext.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"
#include "zone.h"

/* 2026-03-05T12:00:00Z: when the texts below are written. */
#define REF ((time_t)1772712000)

/* A text, what is read, and how much of it. */
static const struct {
	const char *text;
	time_t ref;
	enum datetext_result r;
	const char *date; /* the (earlier) reading */
	const char *alt;  /* the later reading, when ambiguous */
	size_t used;
	int inferred;
} read_table[] = {
    {"2026-04-30", 0, DATETEXT_OK, "2026-04-30", NULL, 10, 0},
    {"2026/04/30]", 0, DATETEXT_OK, "2026-04-30", NULL, 10, 0},
    {"2026.4.3 x", 0, DATETEXT_OK, "2026-04-03", NULL, 8, 0},
    {"2023-Oct-27", 0, DATETEXT_OK, "2023-10-27", NULL, 11, 0},
    {"2-Oct-2023", 0, DATETEXT_OK, "2023-10-02", NULL, 10, 0},
    {"01-NOV-2023", 0, DATETEXT_OK, "2023-11-01", NULL, 11, 0},
    {"23.2.2024", 0, DATETEXT_OK, "2024-02-23", NULL, 9, 0},
    {"3-1-2023", 0, DATETEXT_OK, "2023-01-03", "2023-03-01", 8, 0},
    {"1/3/2023", 0, DATETEXT_OK, "2023-01-03", "2023-03-01", 8, 0},
    {"13/1/2023", 0, DATETEXT_OK, "2023-01-13", NULL, 9, 0},
    {"Apr. 1, 2026", 0, DATETEXT_OK, "2026-04-01", NULL, 12, 0},
    {"April 1, 2026.", 0, DATETEXT_OK, "2026-04-01", NULL, 13, 0},
    {"april 1st 2026", 0, DATETEXT_OK, "2026-04-01", NULL, 14, 0},
    {"1 April 2026", 0, DATETEXT_OK, "2026-04-01", NULL, 12, 0},
    {"22nd Sept 2026", 0, DATETEXT_OK, "2026-09-22", NULL, 14, 0},
    {"Thursday, 2 April 2026", 0, DATETEXT_OK, "2026-04-02", NULL, 22, 0},
    {"Oct-2-2023", 0, DATETEXT_OK, "2023-10-02", NULL, 10, 0},
    /* No year: from the day 30 days before the text was written. */
    {"April 10", REF, DATETEXT_OK, "2026-04-10", NULL, 8, 1},
    {"April 1st]", REF, DATETEXT_OK, "2026-04-01", NULL, 9, 1},
    {"10 April", REF, DATETEXT_OK, "2026-04-10", NULL, 8, 1},
    {"the 10th", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"10th of April", REF, DATETEXT_OK, "2026-04-10", NULL, 13, 1},
    {"Feb 3", REF, DATETEXT_OK, "2026-02-03", NULL, 5, 1},
    {"Feb 2", REF, DATETEXT_OK, "2027-02-02", NULL, 5, 1},
    {"Feb 29", REF, DATETEXT_OK, "2028-02-29", NULL, 6, 1},
    {"April 10", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    /* Not dates, or no such day. */
    {"soon", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"June 2026", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"Q3 2026", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"2026-04", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"4/10", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"2026 04 30", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"2026-04-30T00:00Z", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"10 April 26", REF, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"2026-04/30", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"1st/4/2026", 0, DATETEXT_NONE, NULL, NULL, 0, 0},
    {"2023-02-30", 0, DATETEXT_IMPOSSIBLE, NULL, NULL, 10, 0},
    {"April 31", REF, DATETEXT_IMPOSSIBLE, NULL, NULL, 8, 0},
    {"31-31-2023", 0, DATETEXT_IMPOSSIBLE, NULL, NULL, 10, 0},
};

START_TEST(test_read)
{
	struct datetext d;
	char buf[DATETEXT_ISO_LEN];
	const char *t = read_table[_i].text;
	size_t used = 99;
	enum datetext_result r;

	memset(&d, 0, sizeof d);
	r = datetext_read(t, strlen(t), read_table[_i].ref, &d, &used);
	ck_assert_msg(r == read_table[_i].r, "row %d: %s: %d", _i, t, r);
	ck_assert_msg(
	    used == read_table[_i].used, "row %d: used %zu", _i, used);
	if (r != DATETEXT_OK) {
		ck_assert_ptr_null(d.raw);
		return;
	}
	ck_assert_str_eq(
	    datetext_format(d.year, d.mon, d.day, buf), read_table[_i].date);
	ck_assert_int_eq(d.ambiguous, read_table[_i].alt != NULL);
	ck_assert_str_eq(datetext_format(d.alt_year, d.alt_mon, d.alt_day, buf),
	    read_table[_i].alt != NULL ? read_table[_i].alt
				       : read_table[_i].date);
	ck_assert_int_eq(d.year_inferred, read_table[_i].inferred);
	ck_assert_uint_eq(strlen(d.raw), used);
	ck_assert(strncmp(d.raw, t, used) == 0);
	datetext_clear(&d);
	ck_assert_ptr_null(d.raw);
}
END_TEST

START_TEST(test_copy_cmp)
{
	struct datetext a, b;
	size_t used;

	ck_assert_int_eq(
	    datetext_read("2026-04-30", 10, 0, &a, &used), DATETEXT_OK);
	datetext_copy(&b, &a);
	ck_assert_ptr_ne(a.raw, b.raw);
	ck_assert_int_eq(datetext_cmp(&a, &b), 0);
	b.day = 29;
	ck_assert_int_lt(datetext_cmp(&b, &a), 0);
	b.mon = 5;
	ck_assert_int_gt(datetext_cmp(&b, &a), 0);
	datetext_clear(&a);
	datetext_clear(&b);
	datetext_clear(NULL);
}
END_TEST

/* A UTC time. */
static time_t
T(int y, int mo, int d, int h, int mi, int s)
{
	return timeutil_from_civil(y, mo, d, h, mi, s);
}

/* Load a zone or fail the test. */
static struct zone *
load(const char *name)
{
	struct zone *z;
	char *cause = NULL;

	z = zone_load(name, &cause);
	ck_assert_msg(z != NULL, "%s: %s", name, cause);
	return z;
}

/* A zone, a local day and the UTC second it ends. */
static const struct {
	const char *zone;
	int y, m, d;
	time_t end;
} day_end_table[] = {
    {"UTC", 2026, 4, 30, 1777593599},
    {"+02:00", 2026, 4, 30, 1777593599 - 7200},
    {"-05:30", 2026, 4, 30, 1777593599 + 19800},
    {"Europe/Berlin", 2026, 3, 28, 1774738799},   /* 22:59:59Z, CET */
    {"Europe/Berlin", 2026, 3, 29, 1774821599},   /* 23 h: 21:59:59Z */
    {"Europe/Berlin", 2026, 10, 25, 1792969199},  /* 25 h: 22:59:59Z */
    {"America/New_York", 2026, 3, 8, 1773028799}, /* 23 h: 03:59:59Z */
    /* Santiago skips its midnight: Sep 5 ends at 03:59:59Z. */
    {"America/Santiago", 2026, 9, 5, 1788667199},
    {"America/Santiago", 2026, 4, 4, 1775361599},    /* 25 h */
    {"Australia/Lord_Howe", 2026, 4, 5, 1775395799}, /* +10:30 */
    {"Asia/Kolkata", 2026, 4, 30, 1777573799},
    /* Past the file's transitions, the footer's rule: CEST in 2100. */
    {"Europe/Berlin", 2100, 7, 1, 4118162399},
    {"Europe/Berlin", 2026, 2, 30, -1},
};

START_TEST(test_day_end)
{
	struct zone *z = load(day_end_table[_i].zone);
	time_t end;
	struct tm tm;

	end = zone_day_end(
	    z, day_end_table[_i].y, day_end_table[_i].m, day_end_table[_i].d);
	ck_assert_msg(end == day_end_table[_i].end, "row %d: %s: %lld", _i,
	    day_end_table[_i].zone, (long long)end);
	if (end != -1) {
		/* One second before, the same day; one after, the next. */
		zone_local(z, end, &tm);
		ck_assert_int_eq(tm.tm_mday, day_end_table[_i].d);
		zone_local(z, end + 1, &tm);
		ck_assert_int_ne(tm.tm_mday, day_end_table[_i].d);
		/* 00:00, or 01:00 where the clock skips midnight. */
		ck_assert_int_eq(tm.tm_min + tm.tm_sec, 0);
		ck_assert_int_le(tm.tm_hour, 1);
	}
	zone_free(z);
}
END_TEST

START_TEST(test_from_local)
{
	struct zone *z = load("Europe/Berlin");
	struct tm tm;

	/* A time that happens once. */
	ck_assert_int_eq(
	    zone_from_local(z, 2026, 7, 1, 12, 0, 0), T(2026, 7, 1, 10, 0, 0));
	/* 02:30 on 29 March is skipped: the first instant after the gap. */
	ck_assert_int_eq(
	    zone_from_local(z, 2026, 3, 29, 2, 30, 0), T(2026, 3, 29, 1, 0, 0));
	/* 02:30 on 25 October happens twice: the first one. */
	ck_assert_int_eq(zone_from_local(z, 2026, 10, 25, 2, 30, 0),
	    T(2026, 10, 25, 0, 30, 0));
	ck_assert_int_eq(zone_from_local(z, 2026, 2, 29, 0, 0, 0), -1);
	zone_local(z, T(2026, 7, 1, 10, 0, 0), &tm);
	ck_assert_int_eq(tm.tm_hour, 12);
	ck_assert_int_eq(tm.tm_isdst, 1);
	ck_assert_int_eq(tm.tm_gmtoff, 7200);
	ck_assert_str_eq(zone_name(z), "Europe/Berlin");
	zone_free(z);
	ck_assert_int_eq(zone_offset_at(NULL, 0), 0);
	ck_assert_str_eq(zone_name(NULL), "UTC");
	ck_assert_int_eq(zone_day_end(NULL, 2026, 4, 30), 1777593599);
	zone_free(NULL);
}
END_TEST

/* glibc's offset of zone at t, read with TZ set in this process. */
static long
glibc_offset(const char *zone, time_t t)
{
	struct tm tm;

	setenv("TZ", zone, 1);
	tzset();
	ck_assert_ptr_nonnull(localtime_r(&t, &tm));
	return tm.tm_gmtoff;
}

/* Offsets agree with glibc's at random instants from 1970 to 2100. */
START_TEST(test_offsets_match_glibc)
{
	static const char *zones[] = {"Europe/Berlin", "America/New_York",
	    "America/Santiago", "Australia/Lord_Howe", "Asia/Tehran",
	    "Pacific/Chatham", "Africa/Casablanca", "Europe/Dublin",
	    "America/St_Johns", "Asia/Kolkata"};
	unsigned seed = testutil_seed();
	struct zone *z;
	time_t t;
	size_t i;
	int k;

	for (i = 0; i < CCWATCH_NELEM(zones); i++) {
		z = load(zones[i]);
		for (k = 0; k < 400; k++) {
			t = (time_t)(((unsigned long long)rand_r(&seed) << 16 ^
					 (unsigned long long)rand_r(&seed)) %
			    4102444800ULL);
			ck_assert_msg(
			    zone_offset_at(z, t) == glibc_offset(zones[i], t),
			    "%s at %lld: %ld, glibc %ld", zones[i],
			    (long long)t, zone_offset_at(z, t),
			    glibc_offset(zones[i], t));
		}
		zone_free(z);
	}
	unsetenv("TZ");
	tzset();
}
END_TEST

/*
 * A "slim" TZif file (zic -b slim) holds few transitions and leaves the
 * years after them to its footer's rule: offsets still agree with glibc's.
 */
START_TEST(test_slim_footer)
{
	char dir[] = "/tmp/ccwatch-zone-XXXXXX", *rules, *cmd, *tz;
	unsigned seed = testutil_seed();
	struct zone *z;
	time_t t;
	FILE *f;
	int k;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&rules, "%s/rules", dir);
	f = fopen(rules, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Rule\tT\t1981\tmax\t-\tMar\tlastSun\t1:00u\t1:00\tS\n"
	      "Rule\tT\t1996\tmax\t-\tOct\tlastSun\t1:00u\t0\t-\n"
	      "Zone\tTest/Slim\t1:00\tT\tCE%sT\n",
	    f);
	fclose(f);
	xasprintf(&cmd, "/usr/sbin/zic -b slim -d %s %s", dir, rules);
	ck_assert_int_eq(system(cmd), 0);
	setenv("TZDIR", dir, 1);
	z = load("Test/Slim");
	unsetenv("TZDIR");
	xasprintf(&tz, ":%s/Test/Slim", dir);
	for (k = 0; k < 2000; k++) {
		t = (time_t)(((unsigned long long)rand_r(&seed) << 16 ^
				 (unsigned long long)rand_r(&seed)) %
		    4102444800ULL);
		ck_assert_msg(zone_offset_at(z, t) == glibc_offset(tz, t),
		    "at %lld: %ld, glibc %ld", (long long)t,
		    zone_offset_at(z, t), glibc_offset(tz, t));
	}
	ck_assert_int_eq(zone_day_end(z, 2026, 3, 29), 1774821599);
	zone_free(z);
	unsetenv("TZ");
	tzset();
	free(cmd);
	xasprintf(&cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(rules);
	free(tz);
}
END_TEST

/*
 * A local time that happens twice, the first time at the instant -1: the
 * earlier instant, not "none" (the clocks go back from +01:00 to UTC at
 * 1970-01-01T00:00:00Z, so 00:59:59 is -1 and 3599).
 */
START_TEST(test_from_local_minus_one)
{
	char dir[] = "/tmp/ccwatch-zone-XXXXXX", *rules, *cmd;
	struct zone *z;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&rules, "%s/rules", dir);
	f = fopen(rules, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Zone\tTest/Back\t1:00\t-\tONE\t1970 Jan 1 0:00u\n"
	      "\t\t\t0:00\t-\tUTC\n",
	    f);
	fclose(f);
	xasprintf(&cmd, "/usr/sbin/zic -d %s %s", dir, rules);
	ck_assert_int_eq(system(cmd), 0);
	setenv("TZDIR", dir, 1);
	z = load("Test/Back");
	unsetenv("TZDIR");
	ck_assert_int_eq(zone_offset_at(z, -1), 3600);
	ck_assert_int_eq(zone_offset_at(z, 0), 0);
	ck_assert_int_eq(zone_from_local(z, 1970, 1, 1, 0, 59, 59), -1);
	ck_assert_int_eq(zone_from_local(z, 1970, 1, 1, 1, 0, 0), 3600);
	zone_free(z);
	free(cmd);
	xasprintf(&cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(rules);
}
END_TEST

/* Names, offsets and files that are refused, and TZDIR. */
START_TEST(test_load_errors)
{
	static const char *bad[] = {"", "+2", "+15:00", "-14:01", "+02:60",
	    "../etc/passwd", "/etc/localtime", "Europe//Berlin", "Europe/",
	    "Mars/Olympus_Mons", "Europe", "Europe/Berlin\n"};
	char *cause, dir[] = "/tmp/ccwatch-zone-XXXXXX", *path;
	struct zone *z;
	size_t i;
	FILE *f;

	for (i = 0; i < CCWATCH_NELEM(bad); i++) {
		cause = NULL;
		z = zone_load(bad[i], &cause);
		ck_assert_msg(z == NULL, "%s loaded", bad[i]);
		ck_assert_ptr_nonnull(cause);
		free(cause);
	}
	z = load("-14:00");
	ck_assert_int_eq(zone_offset_at(z, 0), -14 * 3600);
	ck_assert_str_eq(zone_name(z), "-14:00");
	zone_free(z);
	/* Not TZif, or cut short: refused with a reason. */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&path, "%s/Bad", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("TZif2 and nothing more", f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	cause = NULL;
	ck_assert_ptr_null(zone_load("Bad", &cause));
	ck_assert_str_eq(cause, "zone Bad: not a valid TZif file");
	free(cause);
	unsetenv("TZDIR");
	unlink(path);
	rmdir(dir);
	free(path);
}
END_TEST

/* Every cut of a real file and flipped bytes: refused or read, no crash. */
START_TEST(test_tzif_damaged)
{
	char *body, *cause;
	size_t len, i;
	struct zone *z;

	body = testutil_read_file("/usr/share/zoneinfo/Europe/Berlin", &len);
	for (i = 0; i < len; i += 7) {
		cause = NULL;
		z = zone_from_tzif("cut", body, i, &cause);
		if (z == NULL)
			free(cause);
		(void)zone_day_end(z, 2026, 3, 29);
		zone_free(z);
	}
	for (i = 0; i < len; i += 3) {
		body[i] ^= 0x5a;
		cause = NULL;
		z = zone_from_tzif("flipped", body, len, &cause);
		if (z == NULL)
			free(cause);
		(void)zone_day_end(z, 2030, 10, 27);
		(void)zone_from_local(z, 2030, 3, 31, 2, 30, 0);
		zone_free(z);
		body[i] ^= 0x5a;
	}
	free(body);
}
END_TEST

static Suite *
dates_suite(void)
{
	Suite *s = suite_create("dates");
	TCase *tc;

	tc = tcase_create("datetext");
	tcase_add_loop_test(tc, test_read, 0, CCWATCH_NELEM(read_table));
	tcase_add_test(tc, test_copy_cmp);
	suite_add_tcase(s, tc);
	tc = tcase_create("zone");
	tcase_add_loop_test(tc, test_day_end, 0, CCWATCH_NELEM(day_end_table));
	tcase_add_test(tc, test_from_local);
	tcase_add_test(tc, test_offsets_match_glibc);
	tcase_add_test(tc, test_slim_footer);
	tcase_add_test(tc, test_from_local_minus_one);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_tzif_damaged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dates_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
