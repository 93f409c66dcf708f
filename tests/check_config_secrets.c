/*
 * Tests of the secrecy rules for secret files: the modes refused, the
 * content read, systemd's credentials directory, a secret's error at its
 * line in the configuration, and loading without secrets.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

START_TEST(test_secret_modes)
{
	char *key, *out = NULL, *cause = NULL, *want;

	key = cfix_write_file("key", "abc123\n", 0644);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	ck_assert_ptr_null(out);
	xasprintf(&want,
	    "%s: secret file is group/world readable (mode 0644); chmod 600 "
	    "it",
	    key);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);

	ck_assert_int_eq(chmod(key, 0640), 0);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "(mode 0640)"));
	free(cause);

	ck_assert_int_eq(chmod(key, 0600), 0);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), 0);
	ck_assert_str_eq(out, "abc123");
	free(out);
	ck_assert_int_eq(chmod(key, 0400), 0);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), 0);
	ck_assert_str_eq(out, "abc123");
	free(out);
	free(key);
}
END_TEST

START_TEST(test_secret_content)
{
	char *key, *out = NULL, *cause = NULL, *want;

	key = cfix_write_file("crlf", "k-e-y\r\n\n", 0600);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), 0);
	ck_assert_str_eq(out, "k-e-y");
	free(out);
	free(key);

	key = cfix_write_file("empty", "\n", 0600);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	xasprintf(&want, "%s: secret file is empty", key);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(key);

	/* A newline inside would split the HTTP header; never quoted. */
	key = cfix_write_file("split", "topsecret\nX-Other: 1\n", 0600);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	ck_assert_ptr_null(strstr(cause, "topsecret"));
	ck_assert_ptr_nonnull(strstr(cause, "control character"));
	free(cause);
	free(key);

	xasprintf(&key, "%s/absent", tmpdir);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	xasprintf(&want, "%s: No such file or directory", key);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(key);
}
END_TEST

START_TEST(test_secret_credentials_dir)
{
	struct config *cfg;
	char *key, *out = NULL, *cause = NULL;

	/* systemd makes credentials 0440 or 0400: any mode is accepted. */
	key = cfix_write_file("bmo-api-key", "from-credentials", 0644);
	setenv("CREDENTIALS_DIRECTORY", tmpdir, 1);
	ck_assert_int_eq(config_read_secret("bmo-api-key", &out, &cause), 0);
	ck_assert_str_eq(out, "from-credentials");
	free(out);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), 0);
	ck_assert_str_eq(out, "from-credentials");
	free(out);

	cfg = cfix_expect_ok("[bugzilla]\napi_key_file = bmo-api-key\n");
	ck_assert_str_eq(cfg->api_key_file, "bmo-api-key");
	ck_assert_str_eq(cfg->api_key, "from-credentials");
	config_free(cfg);

	/* Outside the credentials directory the mode matters again. */
	setenv("CREDENTIALS_DIRECTORY", "/nonexistent", 1);
	ck_assert_int_eq(config_read_secret(key, &out, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "group/world readable"));
	free(cause);
	free(key);
}
END_TEST

START_TEST(test_secret_error_in_config)
{
	char *key, *text, *msg;

	key = cfix_write_file("key", "abc\n", 0604);
	xasprintf(&text, "[bugzilla]\napi_key_file = %s\n", key);
	xasprintf(&msg,
	    "2: api_key_file: %s: secret file is group/world readable (mode "
	    "0604); chmod 600 it",
	    key);
	cfix_expect_error(text, msg);
	free(msg);
	free(text);
	free(key);
}
END_TEST

/*
 * Commands that only read the store load the file without its secrets: a
 * key file they cannot (or may not) read is no error for them.
 */
START_TEST(test_no_secrets_flag)
{
	struct config *cfg;
	char *key, *text, *cause = NULL;

	key = cfix_write_file("key", "abc\n", 0644);
	xasprintf(&text, "[bugzilla]\napi_key_file = %s\n", key);
	testutil_write_file(conf, text);
	ck_assert_ptr_null(config_load(conf, &cause));
	free(cause);
	cause = NULL;
	cfg = config_load_flags(conf, CONFIG_NO_SECRETS, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_str_eq(cfg->api_key_file, key);
	ck_assert_ptr_null(cfg->api_key);
	config_free(cfg);
	free(text);
	free(key);
}
END_TEST

/* The suite: secrets. */
static Suite *
config_secrets_suite(void)
{
	Suite *s = suite_create("config_secrets");
	TCase *tc;

	tc = tcase_create("secrets");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_secret_modes);
	tcase_add_test(tc, test_secret_content);
	tcase_add_test(tc, test_secret_credentials_dir);
	tcase_add_test(tc, test_secret_error_in_config);
	tcase_add_test(tc, test_no_secrets_flag);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_secrets_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
