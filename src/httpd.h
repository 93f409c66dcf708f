/*
 * The feed's read-only HTTP server on libmicrohttpd: GET and HEAD of
 * / (the dashboard), /feed.json, /deadlines.ics and /metrics, with strong
 * ETags, a connection limit and a per-connection timeout.  It runs in
 * libmicrohttpd's internal thread and renders only the snapshot the daemon
 * hands it after each cycle's one evaluation (struct feed_snap): it opens
 * no store and evaluates nothing.  A non-loopback address needs a bearer
 * token, which every request must then present.
 */
#ifndef HTTPD_H
#define HTTPD_H

#include "feed.h"
#include "people.h"
#include "policy.h"

/* The default of [feed] listen. */
#define HTTPD_DEFAULT_LISTEN "127.0.0.1:8377"

struct httpd;

struct httpd_options {
	const char *listen; /* "127.0.0.1:8377", "[::1]:8377"; port 0: any */
	const char *token;  /* NULL: no authentication (loopback only) */
	unsigned connection_limit; /* 0: 64 */
	unsigned timeout;          /* seconds per connection; 0: 15 */
};

struct config;

/*
 * Fill *o from a configuration's [feed] section: the strings are borrowed
 * from it, so it must outlive the server.
 */
void httpd_options_from_config(struct httpd_options *o, const struct config *);

/*
 * Start serving.  Refuses (NULL with *cause) a non-loopback address
 * without a token and an address that does not parse or bind.  Until the
 * first snapshot arrives every document is 503 with a Retry-After.
 */
struct httpd *httpd_start(const struct httpd_options *, char **cause);
/*
 * Give the server the daemon's latest counters (copied under a lock; the
 * server adds its own request count).
 */
void httpd_set_counters(struct httpd *, const struct feed_counters *);
/*
 * Serve snap from now on (a reference is taken; the previous one is
 * dropped when its last request ends).  Accepts a NULL server.
 */
void httpd_set_snapshot(struct httpd *, struct feed_snap *snap);
/* Stop serving and free; accepts NULL. */
void httpd_stop(struct httpd *);

/*
 * 1 if the If-None-Match header value (a list of entity tags or "*")
 * matches etag (a quoted strong tag); weak tags compare weakly.
 */
int httpd_etag_matches(const char *if_none_match, const char *etag);

#endif
