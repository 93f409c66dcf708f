/*
 * Tests of model_prescan, the bound on a response's JSON values checked
 * before it is parsed: commas and openers outside strings count, what is
 * inside a string (escaped quotes, commas) does not, and a quote after an
 * even run of backslashes ends the string.  Random bodies are checked
 * against a byte-at-a-time reference scan at the exact limit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "testutil.h"
#include "xmalloc.h"

/* The bodies: the limit's worth of commas, then a tail. */
#define PRESCAN_TAIL 4096
static char *body;

/* Allocate the body. */
static void
setup(void)
{
	body = xmalloc((size_t)MODEL_MAX_VALUES + 1 + PRESCAN_TAIL);
}

/* Free it. */
static void
teardown(void)
{
	free(body);
}

/*
 * The values a reference scan counts in s: one character at a time, a
 * backslash in a string skipping the next one.
 */
static size_t
ref_count(const char *s, size_t len)
{
	size_t i, values = 0;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = 0;
			continue;
		}
		if (s[i] == '"')
			in_string = 1;
		else if (s[i] == ',' || s[i] == '[' || s[i] == '{')
			values++;
	}
	return values;
}

/*
 * model_prescan of n commas followed by tail (outside any string, so each
 * comma counts): 0 accepted, -1 refused.
 */
static int
prescan_after(size_t n, const char *tail, size_t tlen)
{
	char *cause = NULL;
	int rc;

	ck_assert_uint_le(tlen, PRESCAN_TAIL);
	memset(body, ',', n);
	memcpy(body + n, tail, tlen);
	rc = model_prescan(body, n + tlen, &cause);
	if (rc == -1) {
		ck_assert_msg(
		    strstr(cause, "JSON values") != NULL, "%s", cause);
		free(cause);
	}
	return rc;
}

/* A string literal and its length, NULs included. */
#define TAIL(s) s, sizeof(s) - 1

/* Check that tail counts as expect values: the limit is met, not passed. */
static void
check_tail(const char *tail, size_t tlen, size_t expect)
{
	ck_assert_uint_le(expect, MODEL_MAX_VALUES);
	ck_assert_int_eq(
	    prescan_after(MODEL_MAX_VALUES - expect, tail, tlen), 0);
	ck_assert_int_eq(
	    prescan_after(MODEL_MAX_VALUES - expect + 1, tail, tlen), -1);
}

START_TEST(test_prescan_limit)
{
	ck_assert_int_eq(prescan_after(MODEL_MAX_VALUES, "", 0), 0);
	ck_assert_int_eq(prescan_after(MODEL_MAX_VALUES + 1, "", 0), -1);
}
END_TEST

START_TEST(test_prescan_strings)
{
	/* Commas and openers inside a string, past escaped quotes. */
	check_tail(TAIL("[\"a\\\",[{,\\\",\"]"), 1);
	/* An escaped backslash ends the run: the quote closes the string. */
	check_tail(TAIL("[\"x\\\\\",{,]"), 4);
	/* Three backslashes: the quote is escaped, the comma inside. */
	check_tail(TAIL("[\"x\\\\\\\",\"]"), 1);
	/* An unterminated string, and one ending in a lone backslash. */
	check_tail(TAIL("[\"a,b,c"), 1);
	check_tail(TAIL("[\"a,\\"), 1);
	/* A NUL inside a string does not end it. */
	check_tail(TAIL("[\"a\0,\","), 2);
}
END_TEST

START_TEST(test_prescan_random)
{
	static const char alphabet[] = "\"\\,[{x";
	char tail[64];
	unsigned seed = testutil_seed();
	size_t len, j;
	int i;

	srandom(seed);
	for (i = 0; i < 60; i++) {
		len = (size_t)random() % sizeof tail;
		for (j = 0; j < len; j++)
			tail[j] = alphabet[random() % (sizeof alphabet - 1)];
		check_tail(tail, len, ref_count(tail, len));
	}
}
END_TEST

/* The suite. */
static Suite *
prescan_suite(void)
{
	Suite *s = suite_create("prescan");
	TCase *tc = tcase_create("prescan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_prescan_limit);
	tcase_add_test(tc, test_prescan_strings);
	tcase_add_test(tc, test_prescan_random);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner *sr = srunner_create(prescan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
