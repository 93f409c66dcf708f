/*
 * The transport (see http.h and docs/internals/loop.md).
 *
 * libcurl tells, through CURLMOPT_SOCKETFUNCTION, which sockets to watch
 * for what, and through CURLMOPT_TIMERFUNCTION when to call it back; each
 * socket becomes an sd-event I/O source and the timeout one sd-event
 * timer, whose callbacks hand the event to curl_multi_socket_action and
 * then collect the transfers that ended.  Neither curl callback calls back
 * into curl.  Transfers to one host beyond its cap wait in a FIFO, and a
 * CURLSH shares DNS and TLS sessions among the easy handles, which share
 * the multi's connection cache: a host's connection is reused.
 */
#include <sys/epoll.h>
#include <sys/queue.h>

#include <curl/curl.h>
#include <stdint.h>
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

/* Accuracy of the curl timer: libcurl's own timeouts are in milliseconds. */
#define HTTP_TIMER_ACCURACY_USEC 1000

struct http_transfer {
	struct http *h;
	CURL *easy;
	struct http_response *resp;
	http_done_cb done;
	void *arg;
	enum http_method method;
	char *safe;    /* the URL as errors may show it */
	char *hostkey; /* for the per-host cap */
	int cap;
	int running; /* added to the multi */
	int secret;  /* the URL is a secret: errors name its host */
	struct curl_slist *headers;
	struct curl_slist *rcpt;
	char *upload; /* the mail, fed by http_read */
	size_t upload_len;
	size_t upload_off;
	size_t max_body;
	int toobig;
	char errbuf[CURL_ERROR_SIZE];
	TAILQ_ENTRY(http_transfer) entry;
};

TAILQ_HEAD(http_transfers, http_transfer);

struct http {
	CURLM *multi;
	CURLSH *share;
	sd_event *event;
	int own_event;
	sd_event_source *timer;
	struct http_transfers transfers; /* running first, then waiting */
	char *ca_file;
	char *user_agent;
	long connect_timeout;
	long timeout;
	size_t max_body;
};

static int http_initialised;

static void http_pump(struct http *);
static void http_collect(struct http *);
static char *http_redact_url(const char *);
static enum http_result http_classify(CURLcode, int);

/* Append received bytes to the response; refuse past the maximum. */
static size_t
http_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_transfer *t = arg;
	struct buf *body = &t->resp->body;
	size_t n = size * nmemb;

	if (n > t->max_body || body->len > t->max_body - n ||
	    buf_add(body, ptr, n) == -1) {
		t->toobig = 1;
		return 0; /* short: curl aborts with CURLE_WRITE_ERROR */
	}
	return n;
}

/*
 * Read a Retry-After value (n bytes, no terminator): delta-seconds or an
 * HTTP-date (RFC 9110 10.2.3), as seconds from now.  A date already past
 * is 0; a value past a day, or one that is neither form, is -1 (ignored).
 */
static long
http_retry_after(const char *v, size_t n)
{
	char date[64];
	time_t t, now;
	long d = 0;
	size_t i;

	while (n > 0 &&
	    (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' ||
		v[n - 1] == '\n'))
		n--;
	if (n == 0)
		return -1;
	for (i = 0; i < n && v[i] >= '0' && v[i] <= '9' && d <= 86400; i++)
		d = d * 10 + (v[i] - '0');
	if (i == n)
		return d <= 86400 ? d : -1;
	if (i > 0 || n >= sizeof date)
		return -1;
	memcpy(date, v, n);
	date[n] = '\0';
	t = curl_getdate(date, NULL);
	if (t == (time_t)-1)
		return -1;
	now = time(NULL);
	if (t <= now)
		return 0;
	return t - now <= 86400 ? (long)(t - now) : -1;
}

/* Pick Retry-After out of the response headers (see http_retry_after). */
static size_t
http_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_transfer *t = arg;
	size_t n = size * nmemb, k = sizeof "Retry-After:" - 1, i;
	long v;

	if (n <= k || strncasecmp(ptr, "Retry-After:", k) != 0)
		return n;
	for (i = k; i < n && (ptr[i] == ' ' || ptr[i] == '\t'); i++)
		;
	v = http_retry_after(ptr + i, n - i);
	if (v >= 0)
		t->resp->retry_after = v;
	return n;
}

/* Feed the mail to libcurl. */
static size_t
http_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_transfer *t = arg;
	size_t n = size * nmemb;

	if (n > t->upload_len - t->upload_off)
		n = t->upload_len - t->upload_off;
	memcpy(ptr, t->upload + t->upload_off, n);
	t->upload_off += n;
	return n;
}

/* Free a header list, zeroing the strings first: one may hold a key. */
static void
http_free_list(struct curl_slist *list)
{
	struct curl_slist *l;

	for (l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* Append the NULL-terminated strings v (or n of them) to *list. */
static void
http_add_list(struct curl_slist **list, const char *const *v, size_t n)
{
	struct curl_slist *l;
	size_t i;

	for (i = 0; v != NULL && i < n && v[i] != NULL; i++) {
		l = curl_slist_append(*list, v[i]);
		if (l == NULL)
			fatalx("http: out of memory");
		*list = l;
	}
}

/* Set the mail options of a transfer. */
static int
http_setup_mail(struct http_transfer *t, const struct http_request *r)
{
	CURL *c = t->easy;

	http_add_list(&t->rcpt, r->mail_rcpt, r->nrcpt);
	t->upload_len = r->len;
	t->upload = xmalloc(r->len + 1);
	memcpy(t->upload, r->body != NULL ? r->body : "", r->len);
	if (curl_easy_setopt(c, CURLOPT_MAIL_FROM, r->mail_from) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, t->rcpt) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->len) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_READFUNCTION, http_read) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_READDATA, t) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USE_SSL,
		r->require_tls ? (long)CURLUSESSL_ALL
			       : (long)CURLUSESSL_NONE) != CURLE_OK)
		return -1;
	/* Without it a silent server holds QUIT for 120 s. */
	if (curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT,
		r->timeout > 0 ? r->timeout : t->h->timeout) != CURLE_OK)
		return -1;
	if (r->username != NULL &&
	    (curl_easy_setopt(c, CURLOPT_USERNAME, r->username) != CURLE_OK ||
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    r->password != NULL ? r->password : "") != CURLE_OK))
		return -1;
	return 0;
}

/* Set the method's options: GET, POST (the body copied) or mail. */
static int
http_setup_method(struct http_transfer *t, const struct http_request *r)
{
	CURL *c = t->easy;

	switch (r->method) {
	case HTTP_GET:
		return curl_easy_setopt(c, CURLOPT_HTTPGET, 1L) == CURLE_OK
		    ? 0
		    : -1;
	case HTTP_POST:
		if (curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			(curl_off_t)r->len) != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS,
			r->body != NULL ? r->body : "") != CURLE_OK)
			return -1;
		return 0;
	case HTTP_MAIL:
		return http_setup_mail(t, r);
	}
	return -1;
}

/*
 * Set every option of a transfer: the one place for timeouts, TLS,
 * protocols, redirects and the size cap.
 */
static int
http_setup(struct http_transfer *t, const struct http_request *r)
{
	struct http *h = t->h;
	CURL *c = t->easy;
	const char *proto = r->protocols, *ca = r->ca_file;
	long ct =
	    r->connect_timeout > 0 ? r->connect_timeout : h->connect_timeout;
	long to = r->timeout > 0 ? r->timeout : h->timeout;

	if (proto == NULL)
		proto = r->method == HTTP_MAIL ? "smtp,smtps" : "http,https";
	if (ca == NULL)
		ca = h->ca_file;
	if (ct <= 0 || (to > 0 && ct > to))
		ct = to;
	if (r->method != HTTP_GET && r->connect_timeout <= 0 && ct > 10)
		ct = 10;
	if (r->method != HTTP_MAIL)
		http_add_list(&t->headers,
		    (const char *const[]){"Accept: application/json", NULL}, 1);
	http_add_list(&t->headers, r->headers, SIZE_MAX);
	if (curl_easy_setopt(c, CURLOPT_URL, r->url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PRIVATE, t) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SHARE, h->share) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ct) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, to) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, proto) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		(curl_off_t)t->max_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, t) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, t) != CURLE_OK)
		return -1;
	if (r->method != HTTP_MAIL &&
	    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK)
		return -1;
	if (ca != NULL && curl_easy_setopt(c, CURLOPT_CAINFO, ca) != CURLE_OK)
		return -1;
	return http_setup_method(t, r);
}

/* An sd-event I/O source fired: hand the socket's event to libcurl. */
static int
http_on_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct http *h = arg;
	int action = 0, running;

	if (revents & EPOLLIN)
		action |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		action |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		action |= CURL_CSELECT_ERR;
	curl_multi_socket_action(h->multi, fd, action, &running);
	http_collect(h);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: watch, change or forget one socket. */
static int
http_on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct http *h = userp;
	sd_event_source *src = sockp;
	uint32_t events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (src != NULL) {
			curl_multi_assign(h->multi, fd, NULL);
			sd_event_source_disable_unref(src);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (src != NULL) {
		if (sd_event_source_set_io_events(src, events) < 0 ||
		    sd_event_source_set_enabled(src, SD_EVENT_ON) < 0)
			return -1;
		return 0;
	}
	if (sd_event_add_io(h->event, &src, fd, events, http_on_io, h) < 0)
		return -1;
	curl_multi_assign(h->multi, fd, src);
	return 0;
}

/* The curl timer expired: let libcurl run its timeouts. */
static int
http_on_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct http *h = arg;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_collect(h);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: arm (or, for -1, disarm) the one timer. */
static int
http_on_curl_timer(CURLM *multi, long ms, void *userp)
{
	struct http *h = userp;
	uint64_t now;

	if (ms < 0)
		return h->timer == NULL ||
			sd_event_source_set_enabled(h->timer, SD_EVENT_OFF) >= 0
		    ? 0
		    : -1;
	if (sd_event_now(h->event, CLOCK_MONOTONIC, &now) < 0)
		return -1;
	now += (uint64_t)ms * 1000;
	if (h->timer == NULL)
		return sd_event_add_time(h->event, &h->timer, CLOCK_MONOTONIC,
			   now, HTTP_TIMER_ACCURACY_USEC, http_on_timer, h) < 0
		    ? -1
		    : 0;
	if (sd_event_source_set_time(h->timer, now) < 0 ||
	    sd_event_source_set_enabled(h->timer, SD_EVENT_ONESHOT) < 0)
		return -1;
	return 0;
}

/* Copy the client's defaults. */
static void
http_defaults(struct http *h, const struct http_options *o)
{
	h->ca_file = o->ca_file != NULL ? xstrdup(o->ca_file) : NULL;
	h->user_agent =
	    xstrdup(o->user_agent != NULL ? o->user_agent : CCWATCH_USER_AGENT);
	h->connect_timeout = o->connect_timeout > 0 ? o->connect_timeout : 10;
	h->timeout = o->timeout > 0 ? o->timeout : 30;
	h->max_body = o->max_body == 0 ? CCWATCH_MAX_BODY : o->max_body;
}

/* Create a client with the given options. */
struct http *
http_new(const struct http_options *o, char **cause)
{
	struct http *h;
	CURLcode rc;
	int r;

	if (!http_initialised) {
		rc = curl_global_init(CURL_GLOBAL_DEFAULT);
		if (rc != CURLE_OK) {
			xasprintf(cause, "curl_global_init: %s",
			    curl_easy_strerror(rc));
			return NULL;
		}
		http_initialised = 1;
	}
	/* A resolver that blocks would hold the daemon's loop on DNS. */
	if (o->event != NULL &&
	    (curl_version_info(CURLVERSION_NOW)->features &
		CURL_VERSION_ASYNCHDNS) == 0)
		log_warnx("http: libcurl resolves host names synchronously: a "
			  "slow DNS server holds the event loop");
	h = xcalloc(1, sizeof *h);
	TAILQ_INIT(&h->transfers);
	http_defaults(h, o);
	if (o->event != NULL)
		h->event = sd_event_ref(o->event);
	else if ((r = sd_event_new(&h->event)) < 0) {
		xasprintf(cause, "sd-event: %s", strerror(-r));
		goto fail;
	} else
		h->own_event = 1;
	h->multi = curl_multi_init();
	h->share = curl_share_init();
	if (h->multi == NULL || h->share == NULL ||
	    curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
		CURLSHE_OK ||
	    curl_share_setopt(h->share, CURLSHOPT_SHARE,
		CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION,
		http_on_socket) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION,
		http_on_curl_timer) != CURLM_OK ||
	    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) != CURLM_OK) {
		xasprintf(cause, "curl: cannot set up the multi handle");
		goto fail;
	}
	return h;
fail:
	http_free(h);
	return NULL;
}

/* Free one transfer's resources (it is out of the list and the multi). */
static void
http_transfer_free(struct http_transfer *t)
{
	if (t->easy != NULL)
		curl_easy_cleanup(t->easy);
	http_free_list(t->headers);
	curl_slist_free_all(t->rcpt);
	if (t->upload != NULL) {
		explicit_bzero(t->upload, t->upload_len);
		free(t->upload);
	}
	free(t->safe);
	free(t->hostkey);
	free(t);
}

/* Abort a transfer without calling its callback. */
void
http_cancel(struct http_transfer *t)
{
	struct http *h;

	if (t == NULL)
		return;
	h = t->h;
	if (t->running)
		curl_multi_remove_handle(h->multi, t->easy);
	TAILQ_REMOVE(&h->transfers, t, entry);
	http_transfer_free(t);
	http_pump(h);
}

/* Free a client; accepts NULL. */
void
http_free(struct http *h)
{
	struct http_transfer *t, *next;

	if (h == NULL)
		return;
	for (t = TAILQ_FIRST(&h->transfers); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (t->running)
			curl_multi_remove_handle(h->multi, t->easy);
		http_transfer_free(t);
	}
	TAILQ_INIT(&h->transfers);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	if (h->share != NULL)
		curl_share_cleanup(h->share);
	sd_event_source_disable_unref(h->timer);
	sd_event_unref(h->event);
	free(h->ca_file);
	free(h->user_agent);
	free(h);
}

/* The client's loop. */
sd_event *
http_event(struct http *h)
{
	return h->event;
}

/* Transfers started or waiting. */
size_t
http_pending(const struct http *h)
{
	const struct http_transfer *t;
	size_t n = 0;

	TAILQ_FOREACH(t, &h->transfers, entry)
	n++;
	return n;
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

/* Running transfers to the host of key. */
static int
http_running(struct http *h, const char *key)
{
	struct http_transfer *t;
	int n = 0;

	TAILQ_FOREACH(t, &h->transfers, entry)
	if (t->running && strcmp(t->hostkey, key) == 0)
		n++;
	return n;
}

/*
 * Hand waiting transfers to libcurl, oldest first, while their host has
 * room.  A transfer libcurl refuses ends at once with an error.
 */
static void
http_pump(struct http *h)
{
	struct http_transfer *t;

	for (t = TAILQ_FIRST(&h->transfers); t != NULL;
	     t = TAILQ_NEXT(t, entry)) {
		if (t->running || http_running(h, t->hostkey) >= t->cap)
			continue;
		if (curl_multi_add_handle(h->multi, t->easy) != CURLM_OK)
			fatalx("http: curl_multi_add_handle failed");
		t->running = 1;
	}
}

/* Start a request; see http.h. */
struct http_transfer *
http_start(struct http *h, const struct http_request *r,
    struct http_response *resp, http_done_cb done, void *arg)
{
	struct http_transfer *t;

	t = xcalloc(1, sizeof *t);
	t->h = h;
	t->resp = resp;
	t->done = done;
	t->arg = arg;
	t->method = r->method;
	t->max_body = r->max_body != 0 ? r->max_body : h->max_body;
	if (resp->body.max < t->max_body)
		t->max_body = resp->body.max;
	t->hostkey = http_host_key(r->url);
	t->cap = r->concurrency > 0 ? r->concurrency : 1;
	t->secret = r->secret_url;
	t->safe =
	    r->secret_url ? http_host_key(r->url) : http_redact_url(r->url);
	buf_reset(&resp->body);
	free(resp->content_type);
	resp->content_type = NULL;
	resp->status = resp->retry_after = 0;
	resp->bytes = 0;
	resp->code = 0;
	t->easy = curl_easy_init();
	if (t->easy == NULL)
		fatalx("http: curl_easy_init failed");
	if (http_setup(t, r) == -1) {
		/* Curl refused an option: fail the transfer on its first turn.
		 */
		curl_easy_setopt(t->easy, CURLOPT_URL, "");
	}
	TAILQ_INSERT_TAIL(&h->transfers, t, entry);
	http_pump(h);
	return t;
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
http_get_info(struct http_transfer *t, CURLcode rc)
{
	struct http_response *resp = t->resp;
	const char *ct = NULL;
	curl_off_t down = 0;
	long hsize = 0;

	resp->code = (int)rc;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct) ==
		CURLE_OK &&
	    ct != NULL)
		resp->content_type = xstrdup(ct);
	curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
	curl_easy_getinfo(t->easy, CURLINFO_HEADER_SIZE, &hsize);
	resp->bytes = (size_t)down + (size_t)hsize;
}

/*
 * The reason a transfer failed, without its headers: the URL redacted, or
 * only its host when the URL is a secret (curl's error buffer may quote
 * the URL, so then only curl's generic text is shown).
 */
static char *
http_cause(
    struct http_transfer *t, CURLcode rc, enum http_result result, int secret)
{
	static const char *const verbs[] = {"GET", "POST", "mail to"};
	const char *verb = verbs[t->method];
	char esc[CURL_ERROR_SIZE * 2], *cause;

	if (result == HTTP_ERR_TOOBIG)
		xasprintf(&cause, "%s %s: response larger than %zu bytes", verb,
		    t->safe, t->max_body);
	else if (rc == CURLE_OUT_OF_MEMORY && t->method != HTTP_MAIL &&
	    t->resp->body.len == 0)
		/* libcurl's answer to a header line past CURL_MAX_HTTP_HEADER.
		 */
		xasprintf(&cause,
		    "%s %s: a response header line too long (libcurl: %s)",
		    verb, t->safe, curl_easy_strerror(rc));
	else if (!secret && t->errbuf[0] != '\0')
		xasprintf(&cause, "%s %s: %s", verb, t->safe,
		    log_escape(esc, sizeof esc, t->errbuf));
	else
		xasprintf(
		    &cause, "%s %s: %s", verb, t->safe, curl_easy_strerror(rc));
	return cause;
}

/* Finish one transfer: fill its response and call its owner back. */
static void
http_complete(struct http_transfer *t, CURLcode rc)
{
	enum http_result result;
	char *cause = NULL;

	result = http_classify(rc, t->toobig);
	http_get_info(t, rc);
	if (result != HTTP_OK)
		cause = http_cause(t, rc, result, t->secret);
	t->done(t->arg, result, t->resp, cause);
	free(cause);
	http_transfer_free(t);
}

/* Collect the transfers that ended, then start those waiting. */
static void
http_collect(struct http *h)
{
	struct http_transfer *t;
	CURLMsg *msg;
	CURLcode rc;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		t = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
		rc = msg->data.result;
		if (t == NULL)
			continue;
		curl_multi_remove_handle(h->multi, t->easy);
		t->running = 0;
		TAILQ_REMOVE(&h->transfers, t, entry);
		http_complete(t, rc);
	}
	http_pump(h);
}

/* Turn the client's own loop until *done. */
int
http_wait(struct http *h, const int *done)
{
	int r;

	if (!h->own_event)
		fatalx("http: a synchronous call on the daemon's loop");
	while (!*done) {
		r = sd_event_run(h->event, UINT64_MAX);
		if (r < 0) {
			log_warnx("http: sd-event: %s", strerror(-r));
			return -1;
		}
	}
	return 0;
}

/* Record the end of a synchronous call; see http.h. */
void
http_waiter_end(struct http_waiter *w, int rc, int failed, const char *cause)
{
	w->done = 1;
	w->rc = rc;
	w->failed = failed;
	if (cause != NULL)
		w->cause = xstrdup(cause);
}

/* Wait for the end of a synchronous call; see http.h. */
int
http_waiter_wait(struct http *h, struct http_waiter *w, const char *who,
    const char *dflt, char **cause)
{
	if (!w->done && http_wait(h, &w->done) == -1) {
		free(w->cause);
		w->cause = NULL;
		xasprintf(cause, "%s: the loop failed", who);
		return -1;
	}
	if (w->failed)
		*cause =
		    w->cause != NULL || dflt == NULL ? w->cause : xstrdup(dflt);
	else
		free(w->cause);
	w->cause = NULL;
	return 0;
}

/* The completion of a synchronous call. */
static void
http_sync_done(void *arg, enum http_result result, struct http_response *resp,
    const char *cause)
{
	http_waiter_end(arg, (int)result, result != HTTP_OK, cause);
}

/* Run one request to its end on the client's own loop. */
enum http_result
http_perform(struct http *h, const struct http_request *r,
    struct http_response *resp, char **cause)
{
	struct http_waiter w = {0, HTTP_ERR_OTHER, 1, NULL};
	struct http_transfer *t;

	t = http_start(h, r, resp, http_sync_done, &w);
	if (http_waiter_wait(h, &w, "http", NULL, cause) == -1) {
		if (!w.done)
			http_cancel(t);
		return HTTP_ERR_OTHER;
	}
	return (enum http_result)w.rc;
}

/* Fetch url with the client's defaults; fills resp whatever the status. */
enum http_result
http_get(struct http *h, const char *url, const char *const *headers,
    struct http_response *resp, char **cause)
{
	struct http_request r;

	memset(&r, 0, sizeof r);
	r.method = HTTP_GET;
	r.url = url;
	r.headers = headers;
	return http_perform(h, &r, resp, cause);
}

/* "scheme://authority" of url, lower-case, without user information. */
char *
http_host_key(const char *url)
{
	const char *p, *stop, *at;
	char *key, *k;

	p = strstr(url, "://");
	if (p == NULL)
		return xstrdup("");
	stop = p + 3 + strcspn(p + 3, "/?#");
	at = memchr(p + 3, '@', (size_t)(stop - (p + 3)));
	xasprintf(&key, "%.*s://%.*s", (int)(p - url), url,
	    (int)(stop - (at != NULL ? at + 1 : p + 3)),
	    at != NULL ? at + 1 : p + 3);
	for (k = key; *k != '\0'; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	return key;
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
