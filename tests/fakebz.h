/*
 * A fake Bugzilla that speaks the REST API the way bugzilla.mozilla.org
 * does (see BUGZILLA-API.md), on libmicrohttpd, bound to 127.0.0.1.  It
 * serves a corpus, lets a test change it between cycles, injects faults and
 * counts requests.  Used in-process by the tests and as the standalone
 * program tests/fakebz by the demo and the benchmarks.
 *
 * Corpus file: {"bugs":[{<bug object as BMO serves it>, "comments":[...],
 * "history":[...]}...], "users":{...}} — a bug's comments and history use
 * the objects of the comment and history endpoints.  Every bug needs an
 * integer "id"; missing default fields are filled in as BMO would show them
 * (is_open follows status, comment_count counts the comments, *_detail
 * objects are made from "users": {"login": {"id", "real_name", "nick"}},
 * with a stable made-up id for logins it does not list).  A bug with a
 * non-empty "groups" is restricted: anonymous clients get 401/102 from
 * Bug.get and never see it in a search.  Comments marked "is_private" are
 * shown only to the API key's holder.
 *
 * Differences from BMO worth knowing: one API key (its holder sees every
 * group and private comment); the rate limit and the IP block are global,
 * not per address; custom search charts (f1/o1/v1 … f100, j_top) know the
 * fields status_whiteboard, bug_status, resolution, product, component,
 * short_desc, delta_ts, creation_ts, bug_id, flagtypes.name,
 * setters.login_name and requestees.login_name and the operators equals,
 * anyexact, (case)substring, allwordssubstr, greater/lessthan(eq), their
 * not- forms and isempty/isnotempty; quicksearch is ignored.
 */
#ifndef FAKEBZ_H
#define FAKEBZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct fakebz;

enum fakebz_fault {
	FAKEBZ_FAULT_NONE = 0,
	FAKEBZ_FAULT_500, /* HTTP 500 with an HTML body */
	FAKEBZ_FAULT_502, /* proxy error, HTML */
	FAKEBZ_FAULT_503,
	FAKEBZ_FAULT_RATELIMIT, /* JSON 400 code 32000, then blocked (429) */
	FAKEBZ_FAULT_429,       /* HTML 429, no Retry-After */
	FAKEBZ_FAULT_DELAY,     /* answer after delay_ms */
	FAKEBZ_FAULT_TRUNCATE,  /* the right body, cut in half */
	FAKEBZ_FAULT_INVALID,   /* a body that is not JSON */
	FAKEBZ_FAULT_HUGE,      /* a body of huge_bytes bytes */
	FAKEBZ_FAULT_DROP       /* close the connection without an answer */
};

/*
 * Start on 127.0.0.1 on port (0 picks a free one), serving the corpus file
 * (NULL: empty).  Returns NULL with *cause on failure.
 */
struct fakebz *fakebz_start(
    const char *corpus, unsigned short port, char **cause);
/* Stop and free; accepts NULL. */
void fakebz_stop(struct fakebz *);
/* "http://127.0.0.1:PORT", borrowed. */
const char *fakebz_url(struct fakebz *);
unsigned short fakebz_port(struct fakebz *);

/*
 * The server's clock, used for /rest/time, rate-limit windows, the IP block
 * and mutation stamps; 0 = real time.
 */
void fakebz_set_now(struct fakebz *, time_t);
/*
 * The API key accepted in X-BUGZILLA-API-KEY, api_key= or Bugzilla_api_key=
 * (any other key gets 400/306), and the login /rest/whoami reports for it
 * (NULL keeps the previous one, "bot@fakebz.test" at first).  NULL key: none.
 */
void fakebz_set_api_key(struct fakebz *, const char *key, const char *login);
/*
 * Serve /rest/whoami (on, the default) or answer it 404/32614 like a
 * Bugzilla without it; /rest/valid_login answers either way.
 */
void fakebz_set_whoami(struct fakebz *, int on);
/*
 * 1 (the default): the key is read from the header too, as BMO does; 0:
 * only from api_key= and Bugzilla_api_key=, as upstream Bugzilla 5.2 does,
 * so a key sent in the header is ignored (the client is anonymous).
 */
void fakebz_set_header_auth(struct fakebz *, int on);
/*
 * Anonymous Bug.get and Bug.comments calls allowed per window before the
 * rate-limit answer (0: unlimited, the default).  The call past the limit
 * gets JSON 400/32000; then every request gets HTML 429 (no Retry-After)
 * until 3600 s of the fake's clock pass without one.
 */
void fakebz_set_rate_limit(struct fakebz *, unsigned max, unsigned window_s);

/*
 * Faults: the next count requests whose path starts with prefix fail.
 * Faults armed earlier are used up first.  fakebz_clear_faults also lifts
 * an IP block and resets the rate-limit window.
 */
void fakebz_fault(struct fakebz *, const char *path_prefix, enum fakebz_fault,
    unsigned count);
void fakebz_set_delay_ms(struct fakebz *, unsigned);
void fakebz_set_huge_bytes(struct fakebz *, size_t);
/*
 * Send value as Retry-After with every error answer, 4xx or 5xx (NULL:
 * none), so that a client can be seen to honour it on a 429 and a 503
 * only.
 */
void fakebz_set_retry_after(struct fakebz *, const char *value);
void fakebz_clear_faults(struct fakebz *);

/* Request counters: all, or those whose path starts with prefix. */
unsigned long fakebz_requests(struct fakebz *, const char *path_prefix);
void fakebz_reset_counts(struct fakebz *);
/* The path and query string of the last request (allocated; NULL: none). */
char *fakebz_last_request(struct fakebz *);
/*
 * Append one line per answered request to the file at path: "METHOD TARGET
 * STATUS BYTES", BYTES the body sent (status 0 and bytes 0 for a dropped
 * connection).  For the benchmarks, which count what every client asks.
 * NULL path stops logging.  Returns 0, or -1 with *cause.
 */
int fakebz_log_requests(struct fakebz *, const char *path, char **cause);

/*
 * Mutations, each stamped with the fake's clock: they update the bug's
 * last_change_time and add history entries exactly as Bugzilla would (one
 * entry per who and second, changes with removed == added left out).
 * Return 0, or -1 when the bug does not exist; fakebz_add_report returns
 * the new bug's id (above all others, its description as comment 0 by the
 * reporter) and fakebz_add_comment the new comment's id (above all others).
 * fakebz_add_report files a bug as reporter, assigned to assignee: a CA's
 * own report has both the CA's representative, a third party's report (a
 * CT monitor, a community member) is assigned to nobody@mozilla.org until
 * triage.  fakebz_add_bug is the CA's own report: creator and assignee.
 */
int64_t fakebz_add_report(struct fakebz *, const char *product,
    const char *component, const char *summary, const char *reporter,
    const char *assignee, const char *description);
int64_t fakebz_add_bug(struct fakebz *, const char *product,
    const char *component, const char *summary, const char *creator,
    const char *description);
int64_t fakebz_add_comment(struct fakebz *, int64_t bug, const char *who,
    const char *text, int is_private);
int fakebz_set_whiteboard(
    struct fakebz *, int64_t bug, const char *who, const char *whiteboard);
int fakebz_set_needinfo(
    struct fakebz *, int64_t bug, const char *setter, const char *requestee);
int fakebz_clear_needinfo(
    struct fakebz *, int64_t bug, const char *who, const char *requestee);
/* Resolution "" reopens. */
int fakebz_set_status(struct fakebz *, int64_t bug, const char *who,
    const char *status, const char *resolution);
int fakebz_set_groups(struct fakebz *, int64_t bug, const char *group);
/*
 * Move a bug to another product and component, recorded in its history
 * by who (BMO's "product" and "component" changes).
 */
int fakebz_move_bug(struct fakebz *, int64_t bug, const char *who,
    const char *product, const char *component);
/*
 * Make a comment private (1) or public (0) by its global id.  The bug's
 * last_change_time moves; the history shows nothing to a client without
 * the key, as on BMO, where the change is itself private.
 */
int fakebz_set_comment_private(struct fakebz *, int64_t comment, int priv);
/* Give the bug n more cc entries, each login (an oversized list). */
int fakebz_add_cc(struct fakebz *, int64_t bug, const char *login, size_t n);
/* Answer /rest/time with this db_time from now on (0: the clock's). */
void fakebz_set_db_time(struct fakebz *, time_t);
/* Number of bugs in the corpus. */
size_t fakebz_bug_count(struct fakebz *);

#endif
