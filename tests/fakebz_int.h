/*
 * The inside of the fake Bugzilla, shared by its files: fakebz.c
 * (the HTTP server, faults, counters), fakebz_rest.c (the REST routes and
 * the objects they return), fakebz_search.c (Bug.search) and
 * fakebz_mutate.c (the changes a test makes between cycles).  One mutex guards
 * everything in struct fakebz: MHD's threads read the corpus while the test
 * thread mutates it and arms faults; the functions below expect the caller to
 * hold it.
 */
#ifndef FAKEBZ_INT_H
#define FAKEBZ_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "ccwatch.h"
#include "fakebz.h"

#define FAKEBZ_MAX_TARGET  8192  /* Varnish's request-target limit */
#define FAKEBZ_SEARCH_CAP  10000 /* max_search_results */
#define FAKEBZ_BLOCK_SECS  3600  /* BlockIP BLOCK_TIMEOUT */
#define FAKEBZ_NEEDINFO_ID 800   /* BMO's needinfo flag type */
#define FAKEBZ_DOC_URL     "https://bmo.readthedocs.io/en/latest/api/"
#define FAKEBZ_JSON_TYPE   "application/json; charset=UTF-8"

/* A fault armed by fakebz_fault. */
struct fakebz_rule {
	char *prefix;
	enum fakebz_fault kind;
	unsigned count;
};

struct fakebz {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	json_t *bugs;   /* array of stored bug objects */
	json_t *users;  /* login -> {id, real_name, nick} */
	json_t *counts; /* path -> number of requests */
	unsigned long total;
	char *last;
	FILE *reqlog; /* fakebz_log_requests, or NULL */
	char url[64];
	unsigned short port;
	time_t now;
	time_t db_time; /* fakebz_set_db_time: a bogus db_time, 0 none */
	char *key;
	int no_header_auth; /* fakebz_set_header_auth(0): upstream's way */
	int no_whoami;      /* fakebz_set_whoami(0): no /rest/whoami */
	char *login;
	unsigned rl_max;
	unsigned rl_window;
	time_t rl_start;
	unsigned rl_used;
	time_t blocked_until;
	struct fakebz_rule *rules;
	size_t nrules;
	unsigned delay_ms;
	size_t huge_bytes;
	char *retry_after;      /* sent with every 429 and 503, or NULL */
	json_int_t max_bug;     /* largest bug id so far */
	json_int_t max_comment; /* largest comment id so far */
	json_int_t max_flag;    /* largest flag id so far */
};

/* The state of one request, made by the URI log callback. */
struct fakebz_req {
	char *uri;
	int headers_seen; /* the handler's first call is over */
};

/* What a route answers before ETags and faults are applied. */
struct fakebz_reply {
	unsigned status;
	char *body;
	size_t len;
	const char *type;
	int drop;
	size_t huge;       /* nonzero: stream this many junk bytes */
	char *retry_after; /* a Retry-After header's value, or NULL */
};

/* The query of one request: every name with all of its values. */
struct fakebz_ctx {
	struct fakebz *fb;
	struct MHD_Connection *conn;
	json_t *args; /* name -> array of strings */
	int auth;     /* 1 with the right key, 0 anonymous */
	time_t now;
};

/* The fake's clock. */
time_t fakebz_clock(struct fakebz *);
/* t as BMO's outbound datetime, a new json string. */
json_t *fakebz_time_json(time_t);
/* A stored datetime member of obj; 0 when absent or unparseable. */
time_t fakebz_time_of(json_t *obj, const char *key);
/* 1 if status is one of BMO's open statuses. */
int fakebz_status_is_open(const char *status);
/* The stored bug with this id, borrowed; NULL if none. */
json_t *fakebz_find_bug(struct fakebz *, json_int_t id);
/*
 * Fill a stored bug's missing members (arrays, is_open, comment_count),
 * rewrite its dates as "…Z" and move its *_detail objects into the users.
 */
void fakebz_normalise_bug(struct fakebz *, json_t *bug);
/* Recompute the largest bug, comment and flag ids of the corpus. */
void fakebz_scan_ids(struct fakebz *);
/* Set a reply to a JSON body (stolen). */
void fakebz_reply_json(struct fakebz_reply *, unsigned status, json_t *);
/* Set a reply to BMO's JSON error object, HTTP status from the code. */
void fakebz_reply_error(struct fakebz_reply *, int code, const char *fmt, ...)
    CCWATCH_PRINTF(3, 4);
/* The first value of query parameter name, or NULL; borrowed. */
const char *fakebz_arg(struct fakebz_ctx *, const char *name);
/* All values of a query parameter, each split at commas; new reference. */
json_t *fakebz_arg_list(struct fakebz_ctx *, const char *name);
/*
 * Parse a datetime parameter into *out (0 when absent).  Returns 0, or -1
 * with the 56 answer set when it is not a legal date.
 */
int fakebz_arg_time(
    struct fakebz_ctx *, const char *name, time_t *out, struct fakebz_reply *);
/* 1 if the array of strings holds s. */
int fakebz_list_has(json_t *list, const char *s);
/* Append each piece of s, split at commas and spaces, to arr. */
void fakebz_split_into(json_t *arr, const char *s);
/* 1 if the bug is restricted to groups. */
int fakebz_bug_is_restricted(json_t *bug);
/* A bug as search and Bug.get return it under include/exclude; new ref. */
json_t *fakebz_bug_render(
    struct fakebz_ctx *, json_t *bug, json_t *inc, json_t *exc);
/* GET /rest/bug: Bug.search. */
void fakebz_route_search(struct fakebz_ctx *, struct fakebz_reply *);
/* Answer a request for path below /rest (or /rest.cgi). */
void fakebz_route(struct fakebz_ctx *, const char *method, const char *path,
    struct fakebz_reply *);

#endif
