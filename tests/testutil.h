/*
 * Helpers shared by the Check suites: paths to fixtures, temporary
 * directories, whole-file reads, and a log capture.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <time.h>

/* A string literal and its length, for the parsers' (body, len) pairs. */
#define LIT(s) (s), strlen(s)

/* $TOPSRCDIR/rel, allocated (TOPSRCDIR defaults to "."). */
char *testutil_srcpath(const char *rel);
/* Read a whole file, NUL-terminated; *len may be NULL.  Fails the test. */
char *testutil_read_file(const char *path, size_t *len);
/* Read a whole file of the source tree ($TOPSRCDIR/rel); *len may be NULL. */
char *testutil_read_src(const char *rel, size_t *len);
/* The epoch time of an ISO-8601 string; fails the test if it is bad. */
time_t testutil_iso(const char *s);
/* Write a whole file; fails the test on error. */
void testutil_write_file(const char *path, const char *content);
/* A new empty directory under $TMPDIR, allocated; removed by testutil_rmdir. */
char *testutil_mkdtemp(void);
/* Remove a directory tree made by testutil_mkdtemp. */
void testutil_rmdir(const char *dir);

/* Capture log lines (instead of stderr) until testutil_log_end. */
void testutil_log_begin(void);
/* All captured lines, each ending in "\n"; borrowed until the next call. */
const char *testutil_log_text(void);
/* Number of captured lines containing needle. */
int testutil_log_count(const char *needle);
void testutil_log_end(void);

/* The seed for randomised tests: $CCWATCH_TEST_SEED or time, printed. */
unsigned testutil_seed(void);

#endif
