/*
 * Helpers shared by the Check suites.
 */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

static struct buf testutil_log;

/* Join an environment directory and a relative path. */
static char *
testutil_envpath(const char *env, const char *dflt, const char *rel)
{
	const char *dir = getenv(env);
	char *p;

	if (dir == NULL || *dir == '\0')
		dir = dflt;
	xasprintf(&p, "%s/%s", dir, rel);
	return p;
}

/* Return a path in the source tree. */
char *
testutil_srcpath(const char *rel)
{
	return testutil_envpath("TOPSRCDIR", ".", rel);
}

/* Read a file or fail the test. */
char *
testutil_read_file(const char *path, size_t *len)
{
	FILE *f;
	struct buf b;
	char chunk[65536];
	size_t n;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	buf_init(&b, (size_t)1 << 30);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ck_assert_int_eq(buf_add(&b, chunk, n), 0);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return buf_detach(&b);
}

/* Read a file of recorded real data in the source tree; *len gets its size. */
char *
testutil_read_src(const char *rel, size_t *len)
{
	char *path, *body;

	path = testutil_srcpath(rel);
	body = testutil_read_file(path, len);
	free(path);
	return body;
}

/* The epoch time of an ISO-8601 string, failing the test if it is bad. */
time_t
testutil_iso(const char *s)
{
	time_t t;

	ck_assert_int_eq(timeutil_parse_iso(s, &t), 0);
	return t;
}

/* Write a file or fail the test. */
void
testutil_write_file(const char *path, const char *content)
{
	FILE *f;

	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fputs(content, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Make a fresh temporary directory. */
char *
testutil_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *p;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&p, "%s/ccwatch-test.XXXXXX", tmp);
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp: %s", strerror(errno));
	return p;
}

/* Remove one entry of a tree walk. */
static int
testutil_rm_one(
    const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Remove a temporary directory tree. */
void
testutil_rmdir(const char *dir)
{
	if (dir != NULL)
		nftw(dir, testutil_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Append a log line to the capture. */
static void
testutil_log_sink(int prio, const char *line, void *arg)
{
	buf_addstr(&testutil_log, line);
	buf_addch(&testutil_log, '\n');
}

/* Start capturing log lines. */
void
testutil_log_begin(void)
{
	buf_free(&testutil_log);
	buf_init(&testutil_log, 16 * 1024 * 1024);
	log_set_sink(testutil_log_sink, NULL);
}

/* Return the captured lines. */
const char *
testutil_log_text(void)
{
	return buf_str(&testutil_log);
}

/* Count captured lines that contain needle. */
int
testutil_log_count(const char *needle)
{
	const char *p = buf_str(&testutil_log), *nl;
	int n = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (memmem(p, (size_t)(nl - p), needle, strlen(needle)) != NULL)
			n++;
		p = *nl != '\0' ? nl + 1 : nl;
	}
	return n;
}

/* Stop capturing. */
void
testutil_log_end(void)
{
	log_set_sink(NULL, NULL);
	buf_free(&testutil_log);
}

/* Return the seed of a randomised test, printing it so a run can be repeated.
 */
unsigned
testutil_seed(void)
{
	const char *env = getenv("CCWATCH_TEST_SEED");
	unsigned seed;

	if (env != NULL && *env != '\0')
		seed = (unsigned)strtoul(env, NULL, 10);
	else
		seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	printf("CCWATCH_TEST_SEED=%u\n", seed);
	return seed;
}
