/*
 * The fixture the store test programs share: a fresh directory and store
 * path for each test, a second SQLite connection that reads the file, and
 * sample bugs, comments and history with the assertions that compare them
 * after a round trip.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <time.h>

#include "model.h"
#include "store.h"

extern char *test_dir;
extern char *test_path;

void test_setup(void);
void test_teardown(void);
TCase *test_tcase(const char *name);
struct store *test_open(void);
char *test_query_flags(const char *path, const char *sql, int flags);
char *test_query(const char *path, const char *sql);
char *test_query_create(const char *path, const char *sql);
void test_bug_fill(struct bug *b, int64_t id, const char *resolution);
void test_put_bug(struct store *st, const struct bug *b);
void test_bug_eq(const struct bug *a, const struct bug *b);
void test_comment_fill(struct comment *c, int64_t id, int64_t bug_id,
    int64_t count, time_t when, const char *text);
void test_put_comment(struct store *st, struct comment *c);
struct store_counts test_counts(struct store *st);
void test_history_put_sample(struct store *st);
void test_history_check_sample(struct store *st);

#endif
