/*
 * The feed's HTTP server (see httpd.h).
 *
 * libmicrohttpd runs one internal polling thread; every request is answered
 * in it, so the request count is touched by that thread only.  The
 * daemon's snapshot and counters arrive from the main thread under a
 * mutex; a request takes a reference to the snapshot, renders from it
 * without the lock, and drops it, so a swap never waits for a slow client
 * and a snapshot lives until its last request ends.
 */
#include <sys/socket.h>

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ccwatch.h"
#include "config.h"
#include "httpd.h"
#include "log.h"
#include "netaddr.h"
#include "timeutil.h"
#include "xmalloc.h"

#define HTTPD_DEFAULT_CONNECTIONS 64
#define HTTPD_DEFAULT_TIMEOUT     15
/* Query arguments a request may carry; the feed's filters need a few. */
#define HTTPD_MAX_ARGS 64
/* Each connection's memory in MHD: room to parse a long query, then 414. */
#define HTTPD_MEMORY_LIMIT (128 * 1024)
/* How often the reaper looks for requests past their deadline (ms). */
#define HTTPD_REAP_MS 250

/* One open connection, for the whole-request deadline. */
struct httpd_conn {
	int fd;
	struct timespec start; /* of the connection or its current request */
	struct httpd_conn *prev, *next;
};

struct httpd {
	struct httpd_options opts;
	char *listen;
	char *token;
	struct MHD_Daemon *mhd;

	pthread_mutex_t lock; /* guards snap, counters and conns */
	struct feed_snap *snap;
	struct feed_counters counters;
	long long requests;

	/*
	 * Open connections, oldest request first in no particular order; the
	 * reaper thread shuts down the socket of one whose request has run
	 * past the deadline, however slowly it trickles bytes.
	 */
	struct httpd_conn *conns;
	pthread_t reaper;
	int reaping;
	pthread_cond_t stop;
	int stopping;
};

/* The documents served. */
enum httpd_doc {
	HTTPD_HTML,
	HTTPD_JSON,
	HTTPD_JSON_V1,
	HTTPD_ICS,
	HTTPD_PROM,
	HTTPD_TRACK_JSON,
	HTTPD_TRACK_HTML
};

static const struct httpd_route {
	const char *path;
	enum httpd_doc doc;
	const char *type;
} httpd_routes[] = {
    {"/", HTTPD_HTML, "text/html; charset=utf-8"},
    {"/index.html", HTTPD_HTML, "text/html; charset=utf-8"},
    {"/feed.json", HTTPD_JSON, "application/json"},
    {"/feed/v1", HTTPD_JSON_V1, "application/json"},
    {"/feed-v1.json", HTTPD_JSON_V1, "application/json"},
    {"/deadlines.ics", HTTPD_ICS, "text/calendar; charset=utf-8"},
    {"/metrics", HTTPD_PROM, "text/plain; version=0.0.4; charset=utf-8"},
    {"/track-record.json", HTTPD_TRACK_JSON, "application/json"},
    {"/track-record.html", HTTPD_TRACK_HTML, "text/html; charset=utf-8"},
};

/* Compare two strings in time that depends only on their lengths. */
static int
httpd_token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[lb > 0 ? i % lb : 0]);
	return d == 0;
}

/* 1 if the request carries the bearer token (or none is needed). */
static int
httpd_authorized(struct httpd *h, struct MHD_Connection *conn)
{
	const char *v;

	if (h->token == NULL)
		return 1;
	v = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (v == NULL || strncasecmp(v, "Bearer ", 7) != 0)
		return 0;
	v += 7;
	while (*v == ' ')
		v++;
	return httpd_token_equal(v, h->token);
}

/* The strong ETag of a body: a quoted SHA-256 prefix. */
static void
httpd_etag(const char *body, size_t len, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t off;

	EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL);
	off = (size_t)snprintf(out, size, "\"");
	for (i = 0; i < 16 && i < mdlen && off + 3 < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%02x", md[i]);
	snprintf(out + off, size - off, "\"");
}

/* 1 if an If-None-Match list matches etag; see httpd.h. */
int
httpd_etag_matches(const char *if_none_match, const char *etag)
{
	const char *p = if_none_match, *end;
	size_t len;

	if (if_none_match == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2; /* If-None-Match compares weakly */
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == strlen(etag) && strncmp(p, etag, len) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* MHD_KeyValueIterator: take the page's query arguments. */
static enum MHD_Result
httpd_take_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	feed_query_set(cls, key, value);
	return MHD_YES;
}

/* Render one document of the snapshot's feed (allocated). */
static char *
httpd_render(struct httpd *h, const struct feed *f, struct MHD_Connection *conn,
    enum httpd_doc doc)
{
	struct feed_counters c;
	struct feed_query q;
	const char *ca;
	char *body;

	switch (doc) {
	case HTTPD_JSON:
		return feed_to_json(f);
	case HTTPD_JSON_V1:
		return feed_to_json_v1(f);
	case HTTPD_ICS:
		ca = MHD_lookup_connection_value(
		    conn, MHD_GET_ARGUMENT_KIND, "ca");
		return feed_to_ics(f, ca != NULL && *ca != '\0' ? ca : NULL);
	case HTTPD_PROM:
		pthread_mutex_lock(&h->lock);
		c = h->counters;
		pthread_mutex_unlock(&h->lock);
		c.http_requests = h->requests;
		return feed_to_prom(f, &c);
	case HTTPD_TRACK_JSON:
		return f->track != NULL ? feed_track_json(f->track) : NULL;
	case HTTPD_TRACK_HTML:
		ca = MHD_lookup_connection_value(
		    conn, MHD_GET_ARGUMENT_KIND, "ca");
		return f->track != NULL
		    ? feed_track_html(
			  f->track, ca != NULL && *ca != '\0' ? ca : NULL, 1)
		    : NULL;
	case HTTPD_HTML:
		break;
	}
	memset(&q, 0, sizeof q);
	q.state = -1;
	MHD_get_connection_values(
	    conn, MHD_GET_ARGUMENT_KIND, httpd_take_arg, &q);
	body = feed_to_html(f, &q);
	feed_query_free(&q);
	return body;
}

/* Queue a short plain-text answer with status code. */
static enum MHD_Result
httpd_plain(struct MHD_Connection *conn, unsigned code, const char *text,
    const char *hname, const char *hvalue)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(
	    strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(
	    r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (hname != NULL)
		MHD_add_response_header(r, hname, hvalue);
	rc = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return rc;
}

/* Queue a document, or 304 when the client's copy matches. */
static enum MHD_Result
httpd_send(
    struct MHD_Connection *conn, const struct httpd_route *rt, char *body)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char etag[48];
	size_t len = strlen(body);
	unsigned code = MHD_HTTP_OK;

	httpd_etag(body, len, etag, sizeof etag);
	if (httpd_etag_matches(
		MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
		etag)) {
		code = MHD_HTTP_NOT_MODIFIED;
		r = MHD_create_response_from_buffer(
		    0, (void *)"", MHD_RESPMEM_PERSISTENT);
		free(body);
	} else
		r = MHD_create_response_from_buffer(
		    len, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (rt->doc == HTTPD_HTML || rt->doc == HTTPD_TRACK_HTML)
		MHD_add_response_header(r, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'; "
		    "form-action 'self'; frame-ancestors 'none'");
	if (code == MHD_HTTP_OK)
		MHD_add_response_header(
		    r, MHD_HTTP_HEADER_CONTENT_TYPE, rt->type);
	rc = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return rc;
}

/* MHD_AccessHandlerCallback: answer one request. */
static enum MHD_Result
httpd_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct httpd *h = cls;
	const struct httpd_route *rt = NULL;
	struct feed_snap *snap;
	char *body;
	size_t i;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	h->requests++;
	if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) >
	    HTTPD_MAX_ARGS)
		return httpd_plain(conn, MHD_HTTP_URI_TOO_LONG,
		    "too many query arguments\n", NULL, NULL);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return httpd_plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n", MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (!httpd_authorized(h, conn))
		return httpd_plain(conn, MHD_HTTP_UNAUTHORIZED,
		    "a bearer token is required\n",
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"ccwatch\"");
	for (i = 0; i < CCWATCH_NELEM(httpd_routes); i++)
		if (strcmp(url, httpd_routes[i].path) == 0)
			rt = &httpd_routes[i];
	if (rt == NULL)
		return httpd_plain(
		    conn, MHD_HTTP_NOT_FOUND, "not found\n", NULL, NULL);
	pthread_mutex_lock(&h->lock);
	snap = feed_snap_ref(h->snap);
	pthread_mutex_unlock(&h->lock);
	if (snap == NULL)
		return httpd_plain(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no evaluation yet: the first cycle is running\n",
		    MHD_HTTP_HEADER_RETRY_AFTER, "5");
	body = httpd_render(h, feed_snap_feed(snap), conn, rt->doc);
	feed_snap_unref(snap);
	if (body == NULL)
		return httpd_plain(conn, MHD_HTTP_NOT_FOUND,
		    "no track record in this evaluation\n", NULL, NULL);
	rc = httpd_send(conn, rt, body);
	return rc;
}

/* Seconds from a to b. */
static double
httpd_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * MHD_NotifyConnectionCallback: track a connection from its start to its
 * close, so the reaper can hold it to the deadline.
 */
static void
httpd_notify_conn(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci;
	struct httpd_conn *c;

	pthread_mutex_lock(&h->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = xcalloc(1, sizeof *c);
		c->fd = ci != NULL ? ci->connect_fd : -1;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		c->next = h->conns;
		if (h->conns != NULL)
			h->conns->prev = c;
		h->conns = c;
		*socket_ctx = c;
	} else if (*socket_ctx != NULL) {
		c = *socket_ctx;
		if (c->prev != NULL)
			c->prev->next = c->next;
		else
			h->conns = c->next;
		if (c->next != NULL)
			c->next->prev = c->prev;
		free(c);
		*socket_ctx = NULL;
	}
	pthread_mutex_unlock(&h->lock);
}

/*
 * MHD_RequestCompletedCallback: a request was answered, so a kept-alive
 * connection's next request gets a deadline of its own.
 */
static void
httpd_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	struct httpd *h = cls;
	const union MHD_ConnectionInfo *ci;
	struct httpd_conn *c;

	(void)con_cls;
	(void)code;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || ci->socket_context == NULL)
		return;
	c = ci->socket_context;
	pthread_mutex_lock(&h->lock);
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	pthread_mutex_unlock(&h->lock);
}

/*
 * The reaper: every HTTPD_REAP_MS, shut down the socket of each request
 * older than the deadline ([feed] timeout).  MHD then sees the connection
 * fail and closes it in its own thread; the fd stays MHD's to close.
 */
static void *
httpd_reap(void *arg)
{
	struct httpd *h = arg;
	struct httpd_conn *c;
	struct timespec now, wake;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (c = h->conns; c != NULL; c = c->next)
			if (c->fd != -1 &&
			    httpd_elapsed(&c->start, &now) > h->opts.timeout) {
				(void)shutdown(c->fd, SHUT_RDWR);
				c->fd = -1; /* once */
			}
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_nsec += HTTPD_REAP_MS * 1000000L;
		if (wake.tv_nsec >= 1000000000L) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->stop, &h->lock, &wake);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/*
 * Bind the listening socket ourselves, so that a failure says why, with
 * the address: "feed: listen 127.0.0.1:8377: Address already in use".
 */
static int
httpd_bind(const char *addr, const void *sa, unsigned salen, char **cause)
{
	int fd, on = 1, err;

	fd = socket(((const struct sockaddr *)sa)->sa_family,
	    SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "feed: listen %s: socket: %s", addr,
		    strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(fd, sa, salen) == -1 || listen(fd, SOMAXCONN) == -1) {
		err = errno;
		close(fd);
		xasprintf(cause, "feed: listen %s: %s%s", addr, strerror(err),
		    err == EADDRINUSE ? " (another program listens there)"
				      : "");
		return -1;
	}
	return fd;
}

/* Start the server; see httpd.h. */
struct httpd *
httpd_start(const struct httpd_options *o, char **cause)
{
	struct sockaddr_in6 sa;
	struct httpd *h;
	unsigned salen = 0;
	int loopback = 0, fd;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	const char *listen =
	    o->listen != NULL ? o->listen : HTTPD_DEFAULT_LISTEN;

	if (netaddr_parse_listen(listen, &sa, &salen, &loopback, cause) == -1)
		return NULL;
	if (!loopback && (o->token == NULL || *o->token == '\0')) {
		xasprintf(cause,
		    "listen: %s is not a loopback address: set token_file",
		    listen);
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->opts = *o;
	h->listen = xstrdup(listen);
	h->token =
	    o->token != NULL && *o->token != '\0' ? xstrdup(o->token) : NULL;
	if (h->opts.connection_limit == 0)
		h->opts.connection_limit = HTTPD_DEFAULT_CONNECTIONS;
	if (h->opts.timeout == 0)
		h->opts.timeout = HTTPD_DEFAULT_TIMEOUT;
	feed_counters_init(&h->counters);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->stop, NULL);
	if (((struct sockaddr *)&sa)->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	fd = httpd_bind(listen, &sa, salen, cause);
	if (fd == -1)
		goto fail;
	/*
	 * One address gets an eighth of the connections: a few slow clients
	 * from two addresses cannot take them all.
	 */
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, httpd_handle, h,
	    MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
	    h->opts.connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
	    h->opts.timeout, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    h->opts.connection_limit / 8 + 1,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_MEMORY_LIMIT,
	    MHD_OPTION_NOTIFY_CONNECTION, httpd_notify_conn, h,
	    MHD_OPTION_NOTIFY_COMPLETED, httpd_completed, h, MHD_OPTION_END);
	if (h->mhd == NULL) {
		close(fd);
		xasprintf(
		    cause, "feed: listen %s: the server did not start", listen);
		goto fail;
	}
	if (pthread_create(&h->reaper, NULL, httpd_reap, h) != 0) {
		xasprintf(cause, "feed: listen %s: no reaper thread", listen);
		goto fail;
	}
	h->reaping = 1;
	log_info("feed: serving http://%s/", listen);
	return h;
fail:
	httpd_stop(h);
	return NULL;
}

/* Copy the daemon's counters. */
void
httpd_set_counters(struct httpd *h, const struct feed_counters *c)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->counters = *c;
	pthread_mutex_unlock(&h->lock);
}

/* Serve a new snapshot. */
void
httpd_set_snapshot(struct httpd *h, struct feed_snap *snap)
{
	struct feed_snap *old;

	if (h == NULL)
		return;
	feed_snap_ref(snap);
	pthread_mutex_lock(&h->lock);
	old = h->snap;
	h->snap = snap;
	pthread_mutex_unlock(&h->lock);
	feed_snap_unref(old);
}

/* Stop and free. */
void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->reaping) {
		pthread_mutex_lock(&h->lock);
		h->stopping = 1;
		pthread_cond_signal(&h->stop);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->reaper, NULL);
	}
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	feed_snap_unref(h->snap);
	pthread_cond_destroy(&h->stop);
	pthread_mutex_destroy(&h->lock);
	free(h->listen);
	if (h->token != NULL)
		xfree_secret(h->token);
	free(h);
}

/*
 * The server's options from [feed]; the strings stay the configuration's.
 * What it serves comes from the daemon's snapshots, not from the store.
 */
void
httpd_options_from_config(struct httpd_options *o, const struct config *c)
{
	memset(o, 0, sizeof *o);
	o->listen = c->feed_listen;
	o->token = c->feed_token;
	o->connection_limit = (unsigned)c->feed_connections;
	o->timeout = (unsigned)c->feed_timeout;
}
