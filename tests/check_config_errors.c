/*
 * Tests of the configuration's errors: their file:line structure, every
 * kind of error, all of a file's errors collected at once, a missing file,
 * and long, exact-limit and continued lines.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

START_TEST(test_error_structure)
{
	cfix_expect_error("url = https://x.org\n",
	    "1: directive \"url\" outside any section");
	cfix_expect_error("[bugzilla]\n# c\ncolour = blue\n",
	    "3: unknown directive \"colour\" in [bugzilla]");
	cfix_expect_error("[store]\nretries = 2\n",
	    "2: unknown directive \"retries\" in [store]");
	cfix_expect_error("[bugzilla]\ntimeout = 5\n\ntimeout = 6\n",
	    "4: duplicate directive timeout (first set at line 2)");
	cfix_expect_error("[bugzilla]\ntimeout = 5\n[store]\n[bugzilla]\n"
			  "timeout = 6\n",
	    "5: duplicate directive timeout (first set at line 2)");
	cfix_expect_error(
	    "[bugzilla]\nno equals sign here\n", "2: expected name = value");
	cfix_expect_error("[bugzilla]\n= 5\n", "2: missing name before '='");
	cfix_expect_error("[bugzilla]\nurl =\n", "2: url: missing value");
	cfix_expect_error("[bugzilla]\ntimeout = 5\n  6\n",
	    "3: timeout: only lists continue on the next line");
}
END_TEST

START_TEST(test_error_sections)
{
	cfix_expect_error(
	    "[nosuch]\nanyone = x\n", "1: unknown section [nosuch]");
	cfix_expect_error("[people \"x\"]\n", "1: [people] takes no name");
	cfix_expect_error(
	    "[ca]\ndomains = x.com\n", "1: [ca] needs a name: [ca \"NAME\"]");
	cfix_expect_error(
	    "[bugzilla\nurl = x\n", "1: missing ']' in section header");
	cfix_expect_error("[store] path = x\n", "1: unexpected text after ']'");
	cfix_expect_error("[Bad Name]\n", "1: section names are lower case");
	cfix_expect_error("[b@d]\n", "1: bad section name");
	cfix_expect_error(
	    "[bugzilla \"x\"]\ntimeout = 5\n", "1: [bugzilla] takes no name");
	cfix_expect_error(
	    "[ca \"unterminated]\n", "1: bad subsection name in [ca]");
	cfix_expect_error("[ca \"\"]\n", "1: bad subsection name in [ca]");
	cfix_expect_error(
	    "[ca \"A\" more]\n", "1: unexpected text in section header [ca]");
	/* The quoted name is split off: the directive is looked up in [ca]. */
	cfix_expect_error("[ca \"Let's Encrypt\"]\nemail = x\n",
	    "2: unknown directive \"email\" in [ca]");
}
END_TEST

START_TEST(test_error_lists)
{
	cfix_expect_error("[bugzilla]\nproducts = \"CA Program\", \"NSS\n",
	    "2: products: unterminated quote");
	cfix_expect_error("[bugzilla]\nproducts = \"A\",, \"B\"\n",
	    "2: products: empty item");
	cfix_expect_error("[bugzilla]\nproducts = \"A\" \"B\"\n",
	    "2: products: expected ',' after \"A\"");
	cfix_expect_error("[bugzilla]\nproducts = A, B\"C\n",
	    "2: products: quote inside an unquoted item");
	cfix_expect_error("[bugzilla]\nproducts = NSS, \"NSS\"\n",
	    "2: products: duplicate item \"NSS\"");
	cfix_expect_error(
	    "[bugzilla]\ncomponents =\n", "2: components: empty list");
	cfix_expect_error("[bugzilla]\nproducts = \"A\",\n  \"B\" \"C\"\n",
	    "3: products: expected ',' after \"B\"");
}
END_TEST

START_TEST(test_error_values)
{
	cfix_expect_error("[bugzilla]\nca_file = /nonexistent/ca.pem\n",
	    "2: ca_file: /nonexistent/ca.pem: No such file or directory");
	cfix_expect_error(
	    "[bugzilla]\nca_file = /\n", "2: ca_file: /: not a regular file");
	cfix_expect_error("[bugzilla]\napi_key_file = key\n",
	    "2: api_key_file: key: a relative name needs "
	    "$CREDENTIALS_DIRECTORY");
}
END_TEST

START_TEST(test_all_errors_collected)
{
	struct config *cfg;
	char *path, *cause = NULL, *want;

	path = testutil_srcpath("tests/data/config/errors.conf");
	cfg = config_load(path, &cause);
	ck_assert_ptr_null(cfg);
	xasprintf(&want,
	    "%1$s:2: directive \"stray\" outside any section\n"
	    "%1$s:4: url: must be https:// (http:// only to localhost)\n"
	    "%1$s:5: page_size: \"abc\" is not a number\n"
	    "%1$s:6: duplicate directive page_size (first set at line 5)\n"
	    "%1$s:7: unknown directive \"colour\" in [bugzilla]\n"
	    "%1$s:8: products: unterminated quote\n"
	    "%1$s:9: expected name = value\n"
	    "%1$s:10: unknown section [nosuch]\n"
	    "%1$s:12: missing ']' in section header\n"
	    "%1$s:14: unknown directive \"retries\" in [store]\n"
	    "%1$s:17: timeout: 301 is out of range (1..300)",
	    path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(path);
}
END_TEST

START_TEST(test_missing_file)
{
	char *cause = NULL, *want;

	free(conf);
	xasprintf(&conf, "%s/nothing.conf", tmpdir);
	ck_assert_ptr_null(config_load(conf, &cause));
	xasprintf(&want, "%s: No such file or directory", conf);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}
END_TEST

START_TEST(test_long_line_rejected)
{
	struct config *cfg;
	char *path, *cause = NULL, *want;

	path = testutil_srcpath("tests/data/config/longline.conf");
	cfg = config_load(path, &cause);
	ck_assert_ptr_null(cfg);
	/* Line 3 continues the rejected one and is skipped with it. */
	xasprintf(&want,
	    "%1$s:2: line too long (287 bytes, at most 190); split long "
	    "lists with continuation lines\n"
	    "%1$s:4: page_size: 0 is out of range (1..10000)",
	    path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(path);
}
END_TEST

START_TEST(test_line_limit_exact)
{
	struct config *cfg;
	char line[300];
	char *text;

	/* 190 bytes is accepted, 191 refused, a CRLF not counted. */
	memset(line, 'A', sizeof line);
	memcpy(line, "components = ", 13);
	line[190] = '\0';
	xasprintf(&text, "[bugzilla]\r\n%s\r\n", line);
	cfg = cfix_expect_ok(text);
	ck_assert_uint_eq(cfg->components.n, 1);
	ck_assert_uint_eq(strlen(cfg->components.v[0]), 190 - 13);
	config_free(cfg);
	free(text);

	line[190] = 'A';
	line[191] = '\0';
	xasprintf(&text, "[bugzilla]\n%s\n", line);
	cfix_expect_error(text,
	    "2: line too long (191 bytes, at most 190); split "
	    "long lists with continuation lines");
	free(text);
}
END_TEST

START_TEST(test_continuation_lines)
{
	static const char *products[] = {"CA Program", "NSS", "Core", "Firefox",
	    "Toolkit", "Thunderbird", "SeaMonkey", "Calendar", "Chat Core",
	    "Firefox for Android", "Focus", "GeckoView", "Web Compatibility"};
	struct config *cfg;
	char *path, *cause = NULL;
	size_t i;

	path = testutil_srcpath("tests/data/config/continuation.conf");
	cfg = config_load(path, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_uint_eq(cfg->products.n, sizeof products / sizeof *products);
	for (i = 0; i < cfg->products.n; i++)
		ck_assert_str_eq(cfg->products.v[i], products[i]);
	ck_assert_uint_eq(cfg->components.n, 3);
	ck_assert_str_eq(cfg->components.v[0], "CA Certificate Compliance");
	ck_assert_str_eq(cfg->components.v[1], "CA Certificate Root Program");
	ck_assert_str_eq(cfg->components.v[2], "Security: PSM");
	ck_assert_int_eq(cfg->page_size, 100);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_bom_and_comments)
{
	struct config *cfg;

	cfg = cfix_expect_ok("\xef\xbb\xbf[bugzilla]\n; comment\n# comment\n"
			     "timeout = 7 ; inline comment\n");
	ck_assert_int_eq(cfg->timeout, 7);
	config_free(cfg);
}
END_TEST

/* The suite: errors and lines. */
static Suite *
config_errors_suite(void)
{
	Suite *s = suite_create("config_errors");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_error_structure);
	tcase_add_test(tc, test_error_sections);
	tcase_add_test(tc, test_error_lists);
	tcase_add_test(tc, test_error_values);
	tcase_add_test(tc, test_all_errors_collected);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_long_line_rejected);
	tcase_add_test(tc, test_line_limit_exact);
	tcase_add_test(tc, test_continuation_lines);
	tcase_add_test(tc, test_bom_and_comments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_errors_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
