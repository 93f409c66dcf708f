/*
 * The Bugzilla REST client: the endpoints ccwatch uses, each turned into the
 * model through the pure parsers of model.h.  Rate limits (HTTP 400 with
 * code 32000, HTML 429), 5xx answers and timeouts are retried with
 * exponential backoff and jitter (an sd-event timer), a bounded number of
 * times, never sooner than a 429's or a 503's Retry-After (delta-seconds or
 * HTTP-date); one longer than the backoff ceiling ends the call instead,
 * and bugzilla_retry_after tells the caller; other errors are reported at
 * once.
 *
 * Every call is one operation of the client, at most one at a time (BMO
 * asks for one request at a time): the *_start functions run it on the
 * transport's loop and call back when it ends; the plain functions run the
 * same operation to its end on the client's own loop (CLI, tests).
 */
#ifndef BUGZILLA_H
#define BUGZILLA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bzquery.h"
#include "http.h"
#include "model.h"

struct bugzilla;
struct config;

struct bugzilla_options {
	const char *url;     /* base URL, no /rest */
	const char *api_key; /* NULL: anonymous */
	struct http_options http;
	/* The transport (borrowed); NULL: the client's own, from http. */
	struct http *transport;
	int retries;        /* extra attempts; 0 = none */
	long retry_base_ms; /* first backoff; 0: 2000 */
	long retry_max_ms;  /* backoff ceiling; 0: 60000 */
	long page_size;     /* search limit; 0: 500 */
	long max_search;    /* bugs one search may return; 0: the default */
};

/* Counters of one client, for a cycle's summary and the benchmarks. */
struct bugzilla_stats {
	unsigned long requests; /* every HTTP request, retries included */
	unsigned long retries;
	unsigned long errors;     /* requests that ended in an error */
	unsigned long long bytes; /* received */
};

/* Why a call failed, so the caller can tell an outage from a refusal. */
enum bugzilla_error {
	BZ_OK = 0,
	BZ_ERR_TRANSPORT, /* network, timeout, TLS, oversized body */
	BZ_ERR_RATELIMIT, /* still limited after every retry */
	BZ_ERR_SERVER,    /* 5xx after every retry */
	BZ_ERR_API,       /* a Bugzilla error object (auth, 404 ...) */
	BZ_ERR_PROTOCOL,  /* the body was not what the API promises */
	BZ_ERR_TOOLONG,   /* the query cannot fit one id in a URL */
	BZ_ERR_TOOMANY    /* a search passed its max_search bugs */
};

/*
 * The end of an asynchronous call: rc 0, or -1 with cause (borrowed for
 * the call).
 */
typedef void (*bugzilla_done_cb)(void *arg, int rc, const char *cause);

struct bugzilla *bugzilla_new(const struct bugzilla_options *, char **cause);
/*
 * Fill *o from a configuration's [bugzilla] section (strings borrowed);
 * before_request is left NULL.
 */
void bugzilla_options_from_config(
    struct bugzilla_options *o, const struct config *);
void bugzilla_free(struct bugzilla *);
const struct bugzilla_stats *bugzilla_stats(const struct bugzilla *);
/* The kind of the last failure (BZ_OK after a success). */
enum bugzilla_error bugzilla_last_error(const struct bugzilla *);
/*
 * The seconds (at most a day) the server's Retry-After asked to wait at
 * the last failure of the last call, else 0: a caller that starts the
 * next call honours it (the daemon's next cycle).
 */
long bugzilla_retry_after(const struct bugzilla *);
/*
 * The delay before a retry inside a call: backoff_ms, or retry_after
 * seconds when longer; -1 when retry_after passes max_ms (the call ends
 * instead of parking on one request).
 */
long bugzilla_retry_delay_ms(long backoff_ms, long retry_after, long max_ms);
/* The Bugzilla error code of the last BZ_ERR_API failure, else 0. */
long bugzilla_last_api_code(const struct bugzilla *);

/*
 * Each call returns 0 on success or -1 with *cause set (allocated).  A
 * response holding malformed records is still a success: those records are
 * skipped and logged, and *skipped (when not NULL) counts them.
 */

/* GET /rest/time: the database clock, the next poll cursor. */
int bugzilla_time(struct bugzilla *, time_t *db_time, char **cause);
/* GET /rest/version. */
int bugzilla_version(struct bugzilla *, char **version, char **cause);
/* GET /rest/whoami: the login the API key belongs to. */
int bugzilla_whoami(struct bugzilla *, char **login, char **cause);
/*
 * Check the configured API key with the server (a client of its own, no
 * retries, at most 15 s): 1 with *login (allocated) when the server knows
 * it; -1 with *cause when the server rejects it (code 306), ignores it
 * (answers as to an anonymous client: upstream Bugzilla reads no
 * X-BUGZILLA-API-KEY header); without /rest/whoami (code 32614) it asks
 * /rest/valid_login whether the key is [people] self's (refused when self
 * is not set, or when only api_key= is accepted, or not even that); 0 with
 * no key configured, or with *cause (allocated) when the server could not
 * be asked (unreachable, failing): the caller goes on and says so.
 */
int bugzilla_check_key(const struct config *, char **login, char **cause);

/*
 * GET /rest/bug with the query, order=bug_id, an explicit limit, paging by
 * offset until a short page (a page of CCWATCH_MAX_SEARCH bugs, the
 * server's cap, is never short).  Ids are sent in batches that keep each
 * URL under CCWATCH_MAX_URL.  Bugs are appended to *out.  Fails, rather
 * than loses bugs, when the query leaves no room for one id or a search
 * passes max_search (CCWATCH_MAX_SEARCH_TOTAL) bugs.
 */
int bugzilla_search(struct bugzilla *, const struct bzquery *,
    struct bug_list *out, size_t *skipped, char **cause);

/*
 * Comments of the bugs in ids, newer than new_since (strictly; 0 for all),
 * at most CCWATCH_MAX_BATCH bugs and CCWATCH_MAX_URL bytes per request
 * (GET /rest/bug/FIRST/comment?ids=...).  Appended to *out.
 */
int bugzilla_comments(struct bugzilla *, const int64_t *ids, size_t nids,
    time_t new_since, struct comment_list *out, size_t *skipped, char **cause);
/* History of the bugs in ids, batched the same way. */
int bugzilla_history(struct bugzilla *, const int64_t *ids, size_t nids,
    time_t new_since, struct history_list *out, size_t *skipped, char **cause);

/*
 * The same calls started on the transport's loop; done is called when the
 * call ends (never from inside the start function).  out, skipped and the
 * query's arrays are borrowed until then.  Starting a call while another
 * runs is a bug of the caller.
 */
void bugzilla_time_start(
    struct bugzilla *, time_t *db_time, bugzilla_done_cb, void *arg);
void bugzilla_search_start(struct bugzilla *, const struct bzquery *,
    struct bug_list *out, size_t *skipped, bugzilla_done_cb, void *arg);
void bugzilla_comments_start(struct bugzilla *, const int64_t *ids, size_t nids,
    time_t new_since, struct comment_list *out, size_t *skipped,
    bugzilla_done_cb, void *arg);
void bugzilla_history_start(struct bugzilla *, const int64_t *ids, size_t nids,
    time_t new_since, struct history_list *out, size_t *skipped,
    bugzilla_done_cb, void *arg);
/* Abort the call in flight, if any: its callback is never called. */
void bugzilla_cancel(struct bugzilla *);
/* 1 while a call is in flight. */
int bugzilla_busy(const struct bugzilla *);
/* The client's transport. */
struct http *bugzilla_transport(struct bugzilla *);

#endif
