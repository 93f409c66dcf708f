/*
 * Tests of the HTTP client against a small libmicrohttpd server on
 * 127.0.0.1: bodies plain and compressed, statuses, the size cap, timeouts,
 * refused connections, the headers sent, reuse of the connection, and the
 * backoff schedule.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <check.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "mhd_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

/* gzip of {"text":"abab...ab"} with 50000 "ab": 148 bytes for 100011. */
static const unsigned char gzip_body[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x03, 0xed, 0xc2, 0x41, 0x09, 0x00, 0x20, 0x10, 0x04,
    0xc0, 0x2e, 0x1b, 0xc3, 0x36, 0x0a, 0x36, 0xb8, 0x87, 0x70, 0xd8, 0xdd,
    0x1a, 0x3e, 0x86, 0x99, 0x4e, 0xed, 0x53, 0x19, 0x99, 0x0b, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x55,
    0xee, 0x03, 0xc3, 0xc8, 0x49, 0x65, 0xab, 0x86, 0x01, 0x00};
#define GZIP_PLAIN_LEN 100011

#define BIG_LEN        4000 /* bytes of /big and /chunked */
#define CHUNK_LEN      500

static struct MHD_Daemon *server;
static int port;
static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;
static int server_connections;
static pthread_cond_t server_wake = PTHREAD_COND_INITIALIZER;
static int server_stopping;

/* Count the connections the server accepted. */
static void
server_notify(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&server_lock);
	server_connections++;
	pthread_mutex_unlock(&server_lock);
}

/* Return the number of connections accepted so far. */
static int
server_connection_count(void)
{
	int n;

	pthread_mutex_lock(&server_lock);
	n = server_connections;
	pthread_mutex_unlock(&server_lock);
	return n;
}

/* Wait seconds, or less if the server is stopping: the client gave up. */
static void
server_wait(int seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&server_lock);
	while (!server_stopping &&
	    pthread_cond_timedwait(&server_wake, &server_lock, &until) == 0)
		;
	pthread_mutex_unlock(&server_lock);
}

/* Produce /chunked in pieces, with no length announced. */
static ssize_t
server_chunk(void *cls, uint64_t pos, char *out, size_t max)
{
	size_t n = CHUNK_LEN;

	if (pos >= BIG_LEN)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > max)
		n = max;
	memset(out, 'c', n);
	return n;
}

/* A header of the request, or "-". */
static const char *
server_header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v == NULL ? "-" : v;
}

/* Send a response and release it. */
static enum MHD_Result
server_send(struct MHD_Connection *c, unsigned int status,
    struct MHD_Response *r, const char *content_type)
{
	enum MHD_Result ret;

	if (content_type != NULL)
		MHD_add_response_header(r, "Content-Type", content_type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Answer one request according to its path. */
static enum MHD_Result
server_answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **ctx)
{
	struct MHD_Response *r;
	char *text;
	static char big[BIG_LEN];
	static int started;

	/* Answer on the second call, once the request is complete. */
	if (*ctx == NULL) {
		*ctx = &started;
		return MHD_YES;
	}
	if (strcmp(url, "/json") == 0) {
		r = MHD_create_response_from_buffer(
		    11, (void *)"{\"ok\":true}", MHD_RESPMEM_PERSISTENT);
		return server_send(c, 200, r, "application/json");
	}
	if (strcmp(url, "/gzip") == 0) {
		r = MHD_create_response_from_buffer(sizeof gzip_body,
		    (void *)gzip_body, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Encoding", "gzip");
		return server_send(
		    c, 200, r, "application/json; charset=UTF-8");
	}
	if (strcmp(url, "/500") == 0) {
		r = MHD_create_response_from_buffer(
		    4, (void *)"oops", MHD_RESPMEM_PERSISTENT);
		return server_send(c, 500, r, NULL);
	}
	if (strcmp(url, "/big") == 0) {
		memset(big, 'b', sizeof big);
		r = MHD_create_response_from_buffer(
		    sizeof big, big, MHD_RESPMEM_PERSISTENT);
		return server_send(c, 200, r, "text/plain");
	}
	if (strcmp(url, "/chunked") == 0) {
		r = MHD_create_response_from_callback(
		    MHD_SIZE_UNKNOWN, CHUNK_LEN, server_chunk, NULL, NULL);
		return server_send(c, 200, r, "text/plain");
	}
	if (strcmp(url, "/slow") == 0) {
		server_wait(3);
		r = MHD_create_response_from_buffer(
		    4, (void *)"late", MHD_RESPMEM_PERSISTENT);
		return server_send(c, 200, r, NULL);
	}
	if (strcmp(url, "/redirect") == 0) {
		r = MHD_create_response_from_buffer(
		    0, (void *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Location", "/json");
		return server_send(c, 302, r, NULL);
	}
	/* /echo and anything else: the request's headers. */
	xasprintf(&text, "ua=%s\nkey=%s\naccept=%s\nencoding=%s\n",
	    server_header(c, "User-Agent"),
	    server_header(c, "X-BUGZILLA-API-KEY"), server_header(c, "Accept"),
	    server_header(c, "Accept-Encoding"));
	r = MHD_create_response_from_buffer(
	    strlen(text), text, MHD_RESPMEM_MUST_FREE);
	return server_send(c, 200, r, "text/plain");
}

/* Start the server on 127.0.0.1 and an ephemeral port. */
static void
server_start(void)
{
	const struct MHD_OptionItem opts[] = {
	    {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)server_notify, NULL},
	    {MHD_OPTION_END, 0, NULL}};

	server_connections = 0;
	server_stopping = 0;
	server = mhd_fixture_start(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
	    server_answer, NULL, opts, &port);
}

/* Stop the server. */
static void
server_stop(void)
{
	pthread_mutex_lock(&server_lock);
	server_stopping = 1;
	pthread_cond_broadcast(&server_wake);
	pthread_mutex_unlock(&server_lock);
	MHD_stop_daemon(server);
	server = NULL;
}

/* The server's URL for path, allocated. */
static char *
url_for(const char *path)
{
	char *url;

	xasprintf(&url, "http://127.0.0.1:%d%s", port, path);
	return url;
}

/* A client with the given total timeout and body cap. */
static struct http *
client_new(long timeout, size_t max_body)
{
	struct http_options o;
	struct http *h;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.connect_timeout = 5;
	o.timeout = timeout;
	o.max_body = max_body;
	o.user_agent = "ccwatch-test/1";
	h = http_new(&o, &cause);
	ck_assert_msg(h != NULL, "%s", cause);
	return h;
}

/* GET path from the server; returns the result, *cause freed by caller. */
static enum http_result
fetch(struct http *h, const char *path, const char *const *headers,
    struct http_response *resp, char **cause)
{
	enum http_result r;
	char *url = url_for(path);

	*cause = NULL;
	r = http_get(h, url, headers, resp, cause);
	free(url);
	return r;
}

START_TEST(test_json_200)
{
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/json", NULL, &resp, &cause), HTTP_OK);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(buf_str(&resp.body), "{\"ok\":true}");
	ck_assert_str_eq(resp.content_type, "application/json");
	ck_assert_uint_gt(resp.bytes, resp.body.len); /* headers counted */
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_gzip_decoded)
{
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;
	size_t i;

	http_response_init(&resp, 0);
	ck_assert_msg(
	    fetch(h, "/gzip", NULL, &resp, &cause) == HTTP_OK, "%s", cause);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_uint_eq(resp.body.len, GZIP_PLAIN_LEN);
	ck_assert_int_eq(
	    strncmp(buf_str(&resp.body), "{\"text\":\"abab", 13), 0);
	for (i = 9; i < GZIP_PLAIN_LEN - 2; i++)
		ck_assert_int_eq(resp.body.data[i], "ab"[(i - 9) % 2]);
	ck_assert_str_eq(buf_str(&resp.body) + GZIP_PLAIN_LEN - 2, "\"}");
	ck_assert_str_eq(resp.content_type, "application/json; charset=UTF-8");
	/* What came over the wire was the compressed form. */
	ck_assert_uint_lt(resp.bytes, 1000);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_status_500_is_a_response)
{
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/500", NULL, &resp, &cause), HTTP_OK);
	ck_assert_int_eq(resp.status, 500);
	ck_assert_str_eq(buf_str(&resp.body), "oops");
	ck_assert_ptr_null(resp.content_type);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_redirect_not_followed)
{
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/redirect", NULL, &resp, &cause), HTTP_OK);
	ck_assert_int_eq(resp.status, 302);
	ck_assert_str_eq(buf_str(&resp.body), "");
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_too_big)
{
	static const char *paths[] = {"/big", "/chunked", "/gzip"};
	struct http *h = client_new(5, 1000);
	struct http_response resp;
	char *cause, *want;
	size_t i;

	/* Announced length, chunked, and small compressed but big decoded. */
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		http_response_init(&resp, 0);
		ck_assert_msg(
		    fetch(h, paths[i], NULL, &resp, &cause) == HTTP_ERR_TOOBIG,
		    "%s: %s", paths[i], cause);
		xasprintf(&want,
		    "GET http://127.0.0.1:%d%s: response larger than 1000 "
		    "bytes",
		    port, paths[i]);
		ck_assert_str_eq(cause, want);
		ck_assert_uint_le(resp.body.len, 1000);
		free(want);
		free(cause);
		http_response_free(&resp);
	}
	http_free(h);

	/* The response's own cap counts as well. */
	h = client_new(5, 0);
	http_response_init(&resp, BIG_LEN - 1);
	ck_assert_int_eq(
	    fetch(h, "/big", NULL, &resp, &cause), HTTP_ERR_TOOBIG);
	free(cause);
	http_response_free(&resp);
	http_response_init(&resp, BIG_LEN);
	ck_assert_int_eq(fetch(h, "/big", NULL, &resp, &cause), HTTP_OK);
	ck_assert_uint_eq(resp.body.len, BIG_LEN);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_timeout)
{
	static const char *const headers[] = {
	    "X-BUGZILLA-API-KEY: k3y-s3cr3t", NULL};
	struct http *h = client_new(1, 0);
	struct http_response resp;
	char *cause, *prefix;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/slow?Bugzilla_api_key=k3y-s3cr3t&x=1",
			     headers, &resp, &cause),
	    HTTP_ERR_TIMEOUT);
	xasprintf(&prefix,
	    "GET http://127.0.0.1:%d/slow?Bugzilla_api_key=*&x=1: ", port);
	ck_assert_msg(strncmp(cause, prefix, strlen(prefix)) == 0, "%s", cause);
	ck_assert_ptr_null(strstr(cause, "k3y-s3cr3t"));
	ck_assert_ptr_nonnull(strstr(cause, "imed out"));
	free(prefix);
	free(cause);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_connection_refused)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *url, *cause = NULL, *prefix;
	int s;

	/* A port bound but not listening refuses connections. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	xasprintf(&url, "http://127.0.0.1:%d/x", ntohs(sin.sin_port));

	http_response_init(&resp, 0);
	ck_assert_int_eq(
	    http_get(h, url, NULL, &resp, &cause), HTTP_ERR_CONNECT);
	xasprintf(&prefix, "GET %s: ", url);
	ck_assert_msg(strncmp(cause, prefix, strlen(prefix)) == 0, "%s", cause);
	ck_assert_int_eq(resp.status, 0);
	free(prefix);
	free(cause);
	free(url);
	close(s);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_tls_and_protocols)
{
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *url, *cause = NULL;

	/* TLS spoken to a plain HTTP server fails the handshake. */
	xasprintf(&url, "https://127.0.0.1:%d/json", port);
	http_response_init(&resp, 0);
	ck_assert_int_eq(http_get(h, url, NULL, &resp, &cause), HTTP_ERR_TLS);
	free(cause);
	free(url);

	/* Only http and https are allowed. */
	xasprintf(&url, "ftp://127.0.0.1:%d/json", port);
	ck_assert_int_eq(http_get(h, url, NULL, &resp, &cause), HTTP_ERR_OTHER);
	ck_assert_ptr_nonnull(strstr(cause, "ftp"));
	free(cause);
	free(url);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

/* Answer every request of the TLS server with a small JSON body. */
static enum MHD_Result
tls_answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	static const char body[] = "{\"ok\":true}";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(
	    sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * A real TLS server on 127.0.0.1 whose certificate (tests/data/tls, a
 * self-signed test certificate for IP 127.0.0.1) is trusted only through
 * the ca_file option: the system store refuses it, an unrelated CA file
 * refuses it, its own certificate as the CA file accepts it.
 */
START_TEST(test_tls_ca_file)
{
	struct MHD_OptionItem opts[3];
	struct MHD_Daemon *d;
	struct http_options o;
	struct http_response resp;
	struct http *h;
	char *key, *cert, *kpath, *cpath, *other, *url, *cause = NULL;
	const char *cas[3];
	int i, tls_port;

	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		ck_abort_msg("libmicrohttpd was built without TLS");
	kpath = testutil_srcpath("tests/data/tls/server.key");
	cpath = testutil_srcpath("tests/data/tls/server.pem");
	other = testutil_srcpath("tests/data/tls/other-ca.pem");
	key = testutil_read_file(kpath, NULL);
	cert = testutil_read_file(cpath, NULL);
	opts[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
	opts[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
	opts[2] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	d = mhd_fixture_start(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS,
	    tls_answer, NULL, opts, &tls_port);
	xasprintf(&url, "https://127.0.0.1:%d/", tls_port);
	cas[0] = NULL;
	cas[1] = other;
	cas[2] = cpath;
	for (i = 0; i < 3; i++) {
		memset(&o, 0, sizeof o);
		o.connect_timeout = 5;
		o.timeout = 5;
		o.ca_file = cas[i];
		h = http_new(&o, &cause);
		ck_assert_msg(h != NULL, "%s", cause);
		http_response_init(&resp, 0);
		cause = NULL;
		if (i < 2) {
			ck_assert_int_eq(http_get(h, url, NULL, &resp, &cause),
			    HTTP_ERR_TLS);
			ck_assert_ptr_nonnull(cause);
		} else {
			ck_assert_msg(
			    http_get(h, url, NULL, &resp, &cause) == HTTP_OK,
			    "%s", cause);
			ck_assert_int_eq(resp.status, 200);
			ck_assert_str_eq(buf_str(&resp.body), "{\"ok\":true}");
		}
		free(cause);
		http_response_free(&resp);
		http_free(h);
	}
	MHD_stop_daemon(d);
	free(url);
	free(key);
	free(cert);
	free(kpath);
	free(cpath);
	free(other);
}
END_TEST

START_TEST(test_headers_sent)
{
	static const char *const headers[] = {
	    "X-BUGZILLA-API-KEY: abc123", NULL};
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;
	const char *body;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/echo", headers, &resp, &cause), HTTP_OK);
	body = buf_str(&resp.body);
	ck_assert_ptr_nonnull(strstr(body, "ua=ccwatch-test/1\n"));
	ck_assert_ptr_nonnull(strstr(body, "key=abc123\n"));
	ck_assert_ptr_nonnull(strstr(body, "accept=application/json\n"));
	ck_assert_ptr_nonnull(strstr(body, "gzip"));
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_default_user_agent)
{
	struct http_options o;
	struct http *h;
	struct http_response resp;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.connect_timeout = 5;
	o.timeout = 5;
	h = http_new(&o, &cause);
	ck_assert_ptr_nonnull(h);
	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/echo", NULL, &resp, &cause), HTTP_OK);
	ck_assert_ptr_nonnull(
	    strstr(buf_str(&resp.body), "ua=" CCWATCH_USER_AGENT "\n"));
	http_response_free(&resp);
	http_free(h);
}
END_TEST

START_TEST(test_handle_reused)
{
	static const char *const key[] = {"X-BUGZILLA-API-KEY: first", NULL};
	struct http *h = client_new(5, 0);
	struct http_response resp;
	char *cause;

	http_response_init(&resp, 0);
	ck_assert_int_eq(fetch(h, "/echo", key, &resp, &cause), HTTP_OK);
	ck_assert_ptr_nonnull(strstr(buf_str(&resp.body), "key=first\n"));
	ck_assert_int_eq(fetch(h, "/500", NULL, &resp, &cause), HTTP_OK);
	ck_assert_int_eq(resp.status, 500);
	ck_assert_str_eq(buf_str(&resp.body), "oops");
	/* Each request sends its own headers only. */
	ck_assert_int_eq(fetch(h, "/echo", NULL, &resp, &cause), HTTP_OK);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(strstr(buf_str(&resp.body), "key=-\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&resp.body), "ua=ccwatch-test/1"));
	/* Three requests, one connection kept alive. */
	ck_assert_int_eq(server_connection_count(), 1);
	http_response_free(&resp);
	http_free(h);
}
END_TEST

/* The undrawn delay of attempt: base * 2^(attempt-1), capped at max. */
static long
backoff_cap(int attempt, long base, long max)
{
	long d = base;
	int i;

	for (i = 1; i < attempt; i++) {
		if (d >= max)
			break;
		d *= 2;
	}
	return d < max ? d : max;
}

START_TEST(test_backoff_bounds)
{
	static const long bases[][2] = {{1000, 300000}, {1, 1}, {500, 60000},
	    {7, 1000000000L}, {5000, 2000}};
	long d, v;
	size_t i;
	int attempt, n;

	for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		for (attempt = 1; attempt <= 70; attempt++) {
			d = backoff_cap(attempt, bases[i][0], bases[i][1]);
			for (n = 0; n < 20; n++) {
				v = http_backoff_ms(
				    attempt, bases[i][0], bases[i][1]);
				ck_assert_msg(v >= d / 2 && v <= d,
				    "attempt %d base %ld max %ld: %ld not in "
				    "[%ld, %ld]",
				    attempt, bases[i][0], bases[i][1], v, d / 2,
				    d);
			}
		}
	}
	/* No overflow however far the attempts go. */
	v = http_backoff_ms(INT_MAX, 1000, LONG_MAX);
	ck_assert_int_ge(v, LONG_MAX / 2);
	v = http_backoff_ms(INT_MAX, 1000, 300000);
	ck_assert_int_ge(v, 150000);
	ck_assert_int_le(v, 300000);
	ck_assert_int_eq(http_backoff_ms(1, 0, 1000), 0);
}
END_TEST

START_TEST(test_backoff_jitter)
{
	long first, v;
	int i, differ = 0;

	/* Full jitter: 100 draws of [5000, 10000] are not all the same. */
	first = http_backoff_ms(2, 5000, 60000);
	for (i = 0; i < 100; i++) {
		v = http_backoff_ms(2, 5000, 60000);
		if (v != first)
			differ = 1;
	}
	ck_assert_int_eq(differ, 1);
}
END_TEST

/* The suite: responses, failures, headers, encoding, backoff. */
static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase_create("responses");
	tcase_add_checked_fixture(tc, server_start, server_stop);
	tcase_add_test(tc, test_json_200);
	tcase_add_test(tc, test_gzip_decoded);
	tcase_add_test(tc, test_status_500_is_a_response);
	tcase_add_test(tc, test_redirect_not_followed);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, server_start, server_stop);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_connection_refused);
	tcase_add_test(tc, test_tls_and_protocols);
	tcase_add_test(tc, test_tls_ca_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, server_start, server_stop);
	tcase_add_test(tc, test_headers_sent);
	tcase_add_test(tc, test_default_user_agent);
	tcase_add_test(tc, test_handle_reused);
	suite_add_tcase(s, tc);

	tc = tcase_create("pure");
	tcase_add_test(tc, test_backoff_bounds);
	tcase_add_test(tc, test_backoff_jitter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
