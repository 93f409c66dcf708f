/*
 * The fixture the alerts test programs share: a fresh directory and
 * on-disk store, people with Example CA, an empty alerts configuration,
 * the runtime with record channels, and the time seam at T0.
 */
#ifndef ALERTS_FIXTURE_H
#define ALERTS_FIXTURE_H

#include <stdint.h>
#include <time.h>

#include "alerts.h"
#include "config.h"
#include "notify.h"
#include "people.h"
#include "policy.h"
#include "store.h"

#define H 3600
#define D 86400
/* 2026-01-05T16:00:00Z, a Monday: policy 3.1, 17:00 in Berlin. */
#define T0       ((time_t)1767628800)
#define CA_LOGIN "compliance@example-ca.test"
#define SELF     "ccwatch-bot@example-ca.test"

extern char *test_dir;
extern char *test_path;
extern struct store *test_st;
extern struct people test_people;
extern struct policy_options test_opts;
extern struct config_alerts test_cfg;
extern struct alerts *test_al;
extern int64_t test_next_comment;

void afix_setup(void);
void afix_setup_two(void);
void afix_teardown(void);
struct config_route *afix_add_route(
    const char *name, const char *channel, const char *kind);
struct notifier *afix_start(const char *channel);
void afix_put_bug(int64_t id, const char *ca, const char *domain, time_t t);
void afix_store_bug(
    struct store *st, int64_t id, const char *ca, const char *domain, time_t t);
void afix_put_comment(int64_t bug, const char *who, time_t t, const char *text);
struct alerts_stats afix_cycle(time_t t);
struct notifier *afix_restart(const char *channel);
long long afix_query(const char *sql);
void afix_assert_rec(
    struct notifier *n, size_t i, int64_t bug, const char *state, int level);

#endif
