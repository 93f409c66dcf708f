/*
 * The fixture the configuration test programs share (config_fixture.h).
 */
#include <sys/stat.h>

#include <check.h>
#include <stdlib.h>

#include "config.h"
#include "config_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* The test's directory and its configuration file's path. */
char *tmpdir;
char *conf;

/* A fresh directory per test, and no credentials directory. */
void
cfix_setup(void)
{
	tmpdir = testutil_mkdtemp();
	xasprintf(&conf, "%s/c.conf", tmpdir);
	unsetenv("CREDENTIALS_DIRECTORY");
}

/* Remove the test's directory. */
void
cfix_teardown(void)
{
	testutil_rmdir(tmpdir);
	free(tmpdir);
	free(conf);
}

/* Write tmpdir/name with the given content and mode; returns its path. */
char *
cfix_write_file(const char *name, const char *content, mode_t mode)
{
	char *path;

	xasprintf(&path, "%s/%s", tmpdir, name);
	testutil_write_file(path, content);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/* Load text as a file; returns the configuration or NULL with *cause. */
struct config *
cfix_load_text(const char *text, char **cause)
{
	testutil_write_file(conf, text);
	*cause = NULL;
	return config_load(conf, cause);
}

/* Load text as a file and check it fails with exactly "conf:msg". */
void
cfix_expect_error(const char *text, const char *msg)
{
	struct config *cfg;
	char *cause, *want;

	cfg = cfix_load_text(text, &cause);
	ck_assert_msg(cfg == NULL, "accepted: %s", text);
	xasprintf(&want, "%s:%s", conf, msg);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}

/* Load text as a file and check it is accepted. */
struct config *
cfix_expect_ok(const char *text)
{
	struct config *cfg;
	char *cause;

	cfg = cfix_load_text(text, &cause);
	ck_assert_msg(cfg != NULL, "%s: %s", text, cause);
	return cfg;
}
