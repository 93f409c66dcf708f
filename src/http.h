/*
 * HTTP over one reused libcurl easy handle: connect and total timeouts,
 * TLS verification always on, compressed transfer, a hard cap on the size
 * of a response, and the backoff schedule used between retries.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "buf.h"

struct http;

struct http_options {
	const char *ca_file;    /* NULL: system trust store */
	long connect_timeout;   /* seconds */
	long timeout;           /* seconds, whole transfer */
	size_t max_body;        /* bytes; 0 means CCWATCH_MAX_BODY */
	const char *user_agent; /* NULL: CCWATCH_USER_AGENT */
};

/* How a request ended, for the retry decision. */
enum http_result {
	HTTP_OK = 0,      /* a response arrived, any status */
	HTTP_ERR_TIMEOUT, /* connect or transfer timed out */
	HTTP_ERR_CONNECT, /* refused, reset, dropped, DNS */
	HTTP_ERR_TOOBIG,  /* the body passed max_body */
	HTTP_ERR_TLS,     /* certificate or handshake failure */
	HTTP_ERR_OTHER
};

struct http_response {
	long status;
	struct buf body;
	char *content_type; /* NULL if none */
	size_t bytes;       /* bytes received, headers included */
};

/* A new client; NULL with *cause on failure. */
struct http *http_new(const struct http_options *, char **cause);
void http_free(struct http *);

/* Initialise and release a response. */
void http_response_init(struct http_response *, size_t max_body);
void http_response_free(struct http_response *);

/*
 * GET url with the extra headers (NULL-terminated, may be NULL).  Returns
 * HTTP_OK with *resp filled (whatever the status), or another result with
 * *cause set; the cause never contains the headers (they may hold a key).
 */
enum http_result http_get(struct http *, const char *url,
    const char *const *headers, struct http_response *resp, char **cause);

/* URL-encode s (RFC 3986 unreserved kept), allocated. */
char *http_escape(const char *s);

/*
 * Delay before retry number attempt (1, 2, ...): base * 2^(attempt-1), capped
 * at max, with "full jitter" drawn from [delay/2, delay].  Milliseconds.
 */
long http_backoff_ms(int attempt, long base_ms, long max_ms);

#endif
