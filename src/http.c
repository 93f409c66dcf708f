/*
 * HTTP over one libcurl easy handle.  Options are set once in http_new and
 * kept for the handle's life, so its connection cache (and the TLS session)
 * is reused from one request to the next; each request sets only its URL
 * and headers.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ccwatch.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

struct http {
	CURL *curl;
	size_t max_body;
	struct http_response *resp; /* of the request running */
	int toobig;                 /* the write callback refused */
	char errbuf[CURL_ERROR_SIZE];
};

static int http_initialised;

/* Append received bytes to the response; refuse past the maximum. */
static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http *h = arg;
	struct buf *body = &h->resp->body;
	size_t n = size * nmemb;

	if (n > h->max_body || body->len > h->max_body - n ||
	    buf_add(body, ptr, n) == -1) {
		h->toobig = 1;
		return 0; /* short: curl aborts with CURLE_WRITE_ERROR */
	}
	return n;
}

/* Set the options that hold for every request of the handle. */
static int
http_setopts(struct http *h, const struct http_options *o)
{
	CURL *c = h->curl;
	const char *ua = o->user_agent;

	if (ua == NULL)
		ua = CCWATCH_USER_AGENT;
	if (curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, ua) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		(curl_off_t)h->max_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, h) != CURLE_OK)
		return -1;
	if (o->ca_file != NULL &&
	    curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) != CURLE_OK)
		return -1;
	return 0;
}

/* Create a client with the given options. */
struct http *
http_new(const struct http_options *o, char **cause)
{
	struct http *h;
	CURLcode rc;

	if (!http_initialised) {
		rc = curl_global_init(CURL_GLOBAL_DEFAULT);
		if (rc != CURLE_OK) {
			xasprintf(cause, "curl_global_init: %s",
			    curl_easy_strerror(rc));
			return NULL;
		}
		http_initialised = 1;
	}
	h = xcalloc(1, sizeof *h);
	h->max_body = o->max_body == 0 ? CCWATCH_MAX_BODY : o->max_body;
	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		xasprintf(cause, "curl_easy_init failed");
		goto fail;
	}
	if (http_setopts(h, o) == -1) {
		xasprintf(cause, "curl: cannot set options: %s", h->errbuf);
		goto fail;
	}
	return h;
fail:
	http_free(h);
	return NULL;
}

/* Free a client; accepts NULL. */
void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h);
}

/* Start an empty response whose body may grow to max_body bytes. */
void
http_response_init(struct http_response *resp, size_t max_body)
{
	memset(resp, 0, sizeof *resp);
	buf_init(&resp->body, max_body == 0 ? CCWATCH_MAX_BODY : max_body);
}

/* Release a response's storage. */
void
http_response_free(struct http_response *resp)
{
	buf_free(&resp->body);
	free(resp->content_type);
	resp->content_type = NULL;
}

/* Free a header list, zeroing the strings first: one may hold a key. */
static void
http_free_headers(struct curl_slist *list)
{
	struct curl_slist *l;

	for (l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* Build the request's header list, or NULL on allocation failure. */
static struct curl_slist *
http_make_headers(const char *const *headers)
{
	struct curl_slist *list, *l;
	size_t i;

	list = curl_slist_append(NULL, "Accept: application/json");
	for (i = 0; list != NULL && headers != NULL && headers[i] != NULL;
	     i++) {
		l = curl_slist_append(list, headers[i]);
		if (l == NULL) {
			http_free_headers(list);
			return NULL;
		}
		list = l;
	}
	return list;
}

/*
 * Copy url for a message with the value of any *api_key= parameter (which
 * ccwatch never sends, but a caller might) replaced by "*".
 */
static char *
http_redact_url(const char *url)
{
	struct buf b;
	const char *p, *q, *eq, *end;

	buf_init(&b, CCWATCH_MAX_URL);
	q = strchr(url, '?');
	if (q == NULL) {
		buf_addstr(&b, url);
		return buf_detach(&b);
	}
	buf_add(&b, url, q - url);
	for (p = q; *p != '\0'; p = end) {
		end = p + 1 + strcspn(p + 1, "&#");
		eq = memchr(p, '=', end - p);
		if (eq != NULL && eq - p >= 8 &&
		    strncasecmp(eq - 7, "api_key", 7) == 0) {
			buf_add(&b, p, eq + 1 - p);
			buf_addch(&b, '*');
		} else
			buf_add(&b, p, end - p);
	}
	return buf_detach(&b);
}

/* Map a libcurl result to the retry classes of enum http_result. */
static enum http_result
http_classify(CURLcode rc, int toobig)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return HTTP_ERR_CONNECT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_ERR_TOOBIG;
	case CURLE_WRITE_ERROR:
		return toobig ? HTTP_ERR_TOOBIG : HTTP_ERR_OTHER;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return HTTP_ERR_TLS;
	default:
		return HTTP_ERR_OTHER;
	}
}

/* Fill the response's status, content type and size from the handle. */
static void
http_get_info(struct http *h, struct http_response *resp)
{
	const char *ct = NULL;
	curl_off_t down = 0;
	long hsize = 0;

	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &ct) ==
		CURLE_OK &&
	    ct != NULL)
		resp->content_type = xstrdup(ct);
	curl_easy_getinfo(h->curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
	curl_easy_getinfo(h->curl, CURLINFO_HEADER_SIZE, &hsize);
	resp->bytes = (size_t)down + (size_t)hsize;
}

/* Write the reason a request failed, without its headers. */
static void
http_set_cause(struct http *h, const char *url, CURLcode rc,
    enum http_result result, char **cause)
{
	char *safe = http_redact_url(url);

	if (result == HTTP_ERR_TOOBIG)
		xasprintf(cause, "GET %s: response larger than %zu bytes", safe,
		    h->resp->body.max < h->max_body ? h->resp->body.max
						    : h->max_body);
	else if (h->errbuf[0] != '\0')
		xasprintf(cause, "GET %s: %s", safe, h->errbuf);
	else
		xasprintf(cause, "GET %s: %s", safe, curl_easy_strerror(rc));
	free(safe);
}

/* Fetch url; fills resp whatever the HTTP status. */
enum http_result
http_get(struct http *h, const char *url, const char *const *headers,
    struct http_response *resp, char **cause)
{
	struct curl_slist *list;
	enum http_result result;
	CURLcode rc;

	buf_reset(&resp->body);
	free(resp->content_type);
	resp->content_type = NULL;
	resp->status = 0;
	resp->bytes = 0;

	list = http_make_headers(headers);
	if (list == NULL)
		fatalx("http: out of memory");
	h->resp = resp;
	h->toobig = 0;
	h->errbuf[0] = '\0';
	if (curl_easy_setopt(h->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, list) != CURLE_OK)
		rc = CURLE_URL_MALFORMAT;
	else
		rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	http_free_headers(list);

	result = http_classify(rc, h->toobig);
	http_get_info(h, resp);
	if (result != HTTP_OK)
		http_set_cause(h, url, rc, result, cause);
	h->resp = NULL;
	return result;
}

/* URL-encode s: everything but RFC 3986's unreserved characters. */
char *
http_escape(const char *s)
{
	char *e, *out;

	e = curl_easy_escape(NULL, s, (int)strlen(s));
	if (e == NULL)
		fatalx("curl_easy_escape: out of memory");
	out = xstrdup(e);
	curl_free(e);
	return out;
}

/* A xorshift64 generator, seeded from the time and pid on first use. */
static unsigned long long
http_random(void)
{
	static unsigned long long state;

	if (state == 0) {
		state = ((unsigned long long)time(NULL) << 20) ^
		    (unsigned long long)getpid() ^ 0x9e3779b97f4a7c15ULL;
	}
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/*
 * The delay before retry attempt: base * 2^(attempt-1) capped at max, then
 * drawn uniformly from [delay/2, delay] so that clients spread out.
 */
long
http_backoff_ms(int attempt, long base_ms, long max_ms)
{
	long d;
	int i;

	if (base_ms <= 0 || max_ms <= 0)
		return 0;
	d = base_ms < max_ms ? base_ms : max_ms;
	for (i = 1; i < attempt && d < max_ms; i++)
		d = d > max_ms / 2 ? max_ms : d * 2;
	return d / 2 +
	    (long)(http_random() % (unsigned long long)(d - d / 2 + 1));
}
