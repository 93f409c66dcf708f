/*
 * Project-wide limits and attribute macros for ccwatch.
 */
#ifndef CCWATCH_H
#define CCWATCH_H

#include "autoconf.h"

#define CCWATCH_VERSION    PACKAGE_VERSION
#define CCWATCH_USER_AGENT "ccwatch/" PACKAGE_VERSION

/* Largest HTTP response body accepted before the transfer is aborted. */
#define CCWATCH_MAX_BODY ((size_t)64 * 1024 * 1024)
/* Bugs per comment or history request (BMO clients use 100). */
#define CCWATCH_MAX_BATCH 100
/* Longest request URL; BMO's front end answers 414 past 8 KiB. */
#define CCWATCH_MAX_URL 8000
/* Room for an error message in a caller-provided buffer. */
#define CCWATCH_ERR_LEN 256
/*
 * Bugzilla's cap on the results of one search request (BMO's
 * max_search_results, BUGZILLA-API.md section 3.2): a page longer than this
 * is cut silently, so a page of this size is read as full and paged past.
 */
#define CCWATCH_MAX_SEARCH 10000
/* Bugs one search may return over all its pages before the cycle fails. */
#define CCWATCH_MAX_SEARCH_TOTAL 200000
/* Overlap of an incremental search before the previous cursor, seconds. */
#define CCWATCH_OVERLAP 300
/*
 * The shipped unit's WatchdogSec, and the longest timeout of a transfer:
 * half of it, so that a request that hangs ends well inside one watchdog
 * interval (a known WATCHDOG_USEC tightens it: config_check.c).
 */
#define CCWATCH_WATCHDOG_SEC 600
#define CCWATCH_MAX_TIMEOUT  (CCWATCH_WATCHDOG_SEC / 2)
/* Largest reserve of the store, KiB ([store] reserve_kib): 1 GiB. */
#define CCWATCH_MAX_RESERVE_KIB (1024LL * 1024)
/* Default whole-transfer timeout of an alert channel, seconds. */
#define CCWATCH_CHANNEL_TIMEOUT 30

#define CCWATCH_PRINTF(a, b)    __attribute__((format(printf, a, b)))
#define CCWATCH_NORETURN        __attribute__((noreturn))
#define CCWATCH_NELEM(a)        (sizeof(a) / sizeof((a)[0]))

#endif
