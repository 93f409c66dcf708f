/*
 * The fixture the fake Bugzilla's test programs share: the fake on the
 * small corpus with a frozen clock and a key, a libcurl client that
 * collects one answer, and the assertions that pin an answer's shape
 * against BMO's recorded responses.
 */
#ifndef FAKEBZ_FIXTURE_H
#define FAKEBZ_FIXTURE_H

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "fakebz.h"

#define KEY "secret-key"
#define NOW 1717200000 /* 2024-06-01T00:00:00Z */

/* One answer of the fake as the tests see it. */
struct resp {
	long status;
	char ctype[128];
	char etag[64];
	int retry_after;
	struct buf body;
	json_t *json;
};

extern struct fakebz *test_fb;

void fbfix_setup(void);
void fbfix_teardown(void);
size_t fbfix_resp_write(char *p, size_t size, size_t n, void *arg);
CURLcode fbfix_get(const char *path, const char *header, struct resp *r);
json_t *fbfix_get_json(
    const char *path, const char *header, long status, struct resp *r);
void fbfix_resp_free(struct resp *r);
json_t *fbfix_load_recorded(const char *rel);
char *fbfix_keys_of(json_t *obj, int skip_cf);
void fbfix_assert_same_shape(json_t *got, json_t *want, int skip_cf);
char *fbfix_search_ids(const char *query);
void fbfix_assert_error(const char *path, const char *header, long status,
    int code, const char *message);
int fbfix_run(Suite *suite);

#endif
