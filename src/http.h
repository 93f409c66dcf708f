/*
 * The one transport of ccwatch: libcurl's multi interface driven by an
 * sd-event loop (docs/internals/loop.md).  Every request goes through it:
 * Bugzilla GETs, Slack and webhook POSTs, and mail (smtp:// and smtps://).
 * It is the one place for TLS verification, the CA file, protocol lists,
 * redirects (never followed), the size cap of a response, redaction of
 * URLs in errors, connection reuse and the concurrency cap per host.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include <systemd/sd-event.h>

#include "buf.h"

struct http;
struct http_transfer;

struct http_options {
	const char *ca_file;    /* NULL: system trust store */
	long connect_timeout;   /* seconds */
	long timeout;           /* seconds, whole transfer */
	size_t max_body;        /* bytes; 0 means CCWATCH_MAX_BODY */
	const char *user_agent; /* NULL: CCWATCH_USER_AGENT */
	/*
	 * The loop that drives the transfers (borrowed).  NULL: the client
	 * makes its own, for synchronous callers (the CLI, tests); a client
	 * on a borrowed loop refuses synchronous calls.
	 */
	sd_event *event;
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

enum http_method { HTTP_GET = 0, HTTP_POST, HTTP_MAIL };

/*
 * One request.  Everything is copied by http_start; a field left 0 or
 * NULL takes the client's default.
 */
struct http_request {
	enum http_method method;
	const char *url;
	const char *const *headers; /* NULL-terminated; may be NULL */
	const char *body;           /* POST data or the mail (RFC 5322) */
	size_t len;
	const char *protocols; /* "http,https" ("smtp,smtps" for mail) */
	long connect_timeout;  /* seconds */
	long timeout;          /* seconds, whole transfer */
	size_t max_body;       /* of the response */
	const char *ca_file;
	int secret_url;  /* errors name only the URL's host */
	int concurrency; /* transfers at once to this host; 0: 1 */
	/* HTTP_MAIL only. */
	const char *mail_from;
	const char *const *mail_rcpt;
	size_t nrcpt;
	int require_tls; /* STARTTLS or fail */
	const char *username;
	const char *password; /* secret */
};

struct http_response {
	long status; /* HTTP status, or the last SMTP reply code */
	struct buf body;
	char *content_type; /* NULL if none */
	size_t bytes;       /* bytes received, headers included */
	long retry_after;   /* Retry-After in seconds from now (delta-seconds or
			     * HTTP-date, at most a day); 0 if none */
	int code;           /* libcurl's CURLcode */
};

/*
 * Called once on the loop when a transfer ends, unless it was cancelled.
 * cause (NULL after HTTP_OK) is borrowed for the call.  The transfer is
 * gone when the callback returns; it may start or cancel others, but not
 * free the client.
 */
typedef void (*http_done_cb)(
    void *arg, enum http_result, struct http_response *, const char *cause);

/* A new client; NULL with *cause on failure. */
struct http *http_new(const struct http_options *, char **cause);
/* Cancel every transfer (no callbacks) and free; accepts NULL. */
void http_free(struct http *);
/* The loop driving the client (its own or the borrowed one). */
sd_event *http_event(struct http *);
/* Transfers started or waiting for their host. */
size_t http_pending(const struct http *);

/* Initialise and release a response. */
void http_response_init(struct http_response *, size_t max_body);
void http_response_free(struct http_response *);

/*
 * Start a request; resp (initialised, borrowed) is filled before done is
 * called.  A transfer past its host's concurrency waits for its turn.
 */
struct http_transfer *http_start(struct http *, const struct http_request *,
    struct http_response *resp, http_done_cb done, void *arg);
/* Abort a transfer: done is never called.  Accepts NULL. */
void http_cancel(struct http_transfer *);

/*
 * Run a request to its end on the client's own loop (synchronous callers).
 * Returns HTTP_OK with *resp filled (whatever the status), or another
 * result with *cause set; the cause never holds the headers or a secret.
 */
enum http_result http_perform(struct http *, const struct http_request *,
    struct http_response *resp, char **cause);
/* http_perform of a GET with the client's defaults. */
enum http_result http_get(struct http *, const char *url,
    const char *const *headers, struct http_response *resp, char **cause);
/*
 * Turn the client's own loop until *done is non-zero (synchronous callers
 * of asynchronous operations).  Returns -1 on a loop error.
 */
int http_wait(struct http *, const int *done);
/*
 * A synchronous call of an asynchronous operation: the operation's
 * callback records its end with http_waiter_end, and http_waiter_wait turns
 * the client's own loop until then.
 */
struct http_waiter {
	int done;
	int rc;      /* the result the callback gave */
	int failed;  /* the callback's verdict on rc */
	char *cause; /* a copy of the callback's cause, or NULL */
};
/* Record the end of the call: its result, whether it failed, its cause. */
void http_waiter_end(
    struct http_waiter *, int rc, int failed, const char *cause);
/*
 * Turn h's own loop until w is done.  Returns 0 then, with *cause set to
 * w's cause (or a copy of dflt when it gave none) if the call failed, and
 * w's cause freed if not; or -1 when the loop failed, with *cause "WHO: the
 * loop failed" and w's cause freed: the caller cancels the call.
 */
int http_waiter_wait(struct http *h, struct http_waiter *w, const char *who,
    const char *dflt, char **cause);

/* "scheme://host:port" of url, lower-case, for the per-host cap; allocated. */
char *http_host_key(const char *url);

/*
 * Delay before retry number attempt (1, 2, ...): base * 2^(attempt-1), capped
 * at max, with "full jitter" drawn from [delay/2, delay].  Milliseconds.
 */
long http_backoff_ms(int attempt, long base_ms, long max_ms);

#endif
