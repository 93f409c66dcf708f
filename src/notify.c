/*
 * The notifier table, the helpers the channels share (dates, relative
 * times, ids, one HTTP POST on a fresh easy handle).
 */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "ccwatch.h"
#include "netaddr.h"
#include "notify.h"
#include "timeutil.h"
#include "utf8.h"
#include "xmalloc.h"

/* Send one alert through the notifier's channel. */
int
notify_send(struct notifier *n, const struct alert *a,
    struct notify_failure *fail, char **cause)
{
	fail->retryable = 0;
	fail->retry_after = 0;
	if (!notify_valid_id(a->id)) {
		xasprintf(cause, "%s: alert has an invalid id", n->name);
		return -1;
	}
	return n->ops->send(n, a, fail, cause);
}

/* Send one digest through the notifier's channel. */
int
notify_send_digest(struct notifier *n, const struct alert_digest *d,
    struct notify_failure *fail, char **cause)
{
	fail->retryable = 0;
	fail->retry_after = 0;
	if (d->id != NULL && !notify_valid_id(d->id)) {
		xasprintf(cause, "%s: digest has an invalid id", n->name);
		return -1;
	}
	return n->ops->send_digest(n, d, fail, cause);
}

/* Wrap a channel's state and operations in a notifier. */
struct notifier *
notify_new(const char *name, const struct notifier_ops *ops, void *data)
{
	struct notifier *n = xcalloc(1, sizeof *n);

	n->ops = ops;
	n->name = xstrdup(name);
	n->data = data;
	return n;
}

/* Free a notifier through its channel's destructor. */
void
notify_free(struct notifier *n)
{
	if (n == NULL)
		return;
	if (n->ops != NULL && n->ops->free != NULL)
		n->ops->free(n);
	free(n->name);
	free(n);
}

/* Write RFC 5322's date-time in UTC, with English names whatever the locale. */
void
notify_format_date(time_t t, struct buf *out)
{
	static const char *days[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Append "N unit" with a plural s, after a space when not first. */
static void
notify_add_unit(struct buf *out, int *first, long long n, const char *unit)
{
	buf_printf(
	    out, "%s%lld %s%s", *first ? "" : " ", n, unit, n == 1 ? "" : "s");
	*first = 0;
}

/* Write a span of d seconds in its two largest units. */
static void
notify_format_span(long long d, struct buf *out)
{
	long long days, hours, mins;
	int first = 1;

	days = d / 86400;
	hours = d % 86400 / 3600;
	mins = d % 3600 / 60;
	if (days > 0) {
		notify_add_unit(out, &first, days, "day");
		if (hours > 0)
			notify_add_unit(out, &first, hours, "hour");
	} else if (hours > 0) {
		notify_add_unit(out, &first, hours, "hour");
		if (mins > 0)
			notify_add_unit(out, &first, mins, "minute");
	} else if (mins > 0)
		notify_add_unit(out, &first, mins, "minute");
	else
		buf_addstr(out, "less than a minute");
}

/* Write how far due is from now, to the two largest units. */
void
notify_format_relative(time_t due, time_t now, struct buf *out)
{
	long long d = (long long)now - (long long)due;

	if (d > 0)
		buf_addstr(out, "overdue by ");
	else {
		buf_addstr(out, "due in ");
		d = -d;
	}
	notify_format_span(d, out);
}

/* Write how late a met alert was. */
void
notify_format_late(const struct alert *a, struct buf *out)
{
	if (!a->late || a->late_by <= 0)
		return;
	buf_addstr(out, " (late by ");
	notify_format_span(a->late_by, out);
	buf_addch(out, ')');
}

/*
 * Copy s into out as valid UTF-8, at most max bytes (cut at a character
 * boundary, "..." appended when cut).  With oneline, every control
 * character (C0 and C1, CR and LF included) becomes a space; otherwise CRLF and
 * a lone CR become LF and other controls but tab become spaces.
 */
void
notify_clean_text(const char *s, size_t max, int oneline, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0, len, done = 0;

	while (i < n) {
		len = utf8_len(p + i, n - i);
		if (done + (len == 0 ? 1 : len) > max) {
			buf_addstr(out, "...");
			return;
		}
		if (len == 0) {
			buf_addch(out, '?');
			len = 1;
		} else if (len == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			buf_addch(out, ' '); /* a C1 control, U+0080-U+009F */
		else if (len > 1)
			buf_add(out, p + i, len);
		else if (!oneline && p[i] == '\r') {
			buf_addch(out, '\n');
			if (i + 1 < n && p[i + 1] == '\n')
				len = 2;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			if (!oneline && (p[i] == '\n' || p[i] == '\t'))
				buf_addch(out, (char)p[i]);
			else
				buf_addch(out, ' ');
		} else
			buf_addch(out, (char)p[i]);
		i += len;
		done += len;
	}
}

/* Tell whether id may go into a Message-ID and an HTTP header as it is. */
int
notify_valid_id(const char *id)
{
	const char *p;

	if (id == NULL || *id == '\0' || strlen(id) > 200)
		return 0;
	for (p = id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
			*p == '_'))
			return 0;
	}
	return 1;
}

/*
 * A digest without its own id gets one from what makes it unique: the
 * recipient (hashed, since an address is no valid id) and its time.
 */
char *
notify_digest_id(const struct alert_digest *d)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *r = d->recipient != NULL ? d->recipient : "";
	char *id;

	if (d->id != NULL)
		return xstrdup(d->id);
	if (EVP_Digest(r, strlen(r), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 6)
		memset(md, 0, 6);
	xasprintf(&id, "ccw-digest-%02x%02x%02x%02x%02x%02x-%lld", md[0], md[1],
	    md[2], md[3], md[4], md[5], (long long)d->when);
	return id;
}

/* Tell whether a channel may POST to url: https, or http to loopback. */
int
notify_url_is_allowed(const char *url)
{
	return netaddr_url_is_allowed(url);
}

/* State of one POST: the Retry-After seen and a capped response body. */
struct notify_post {
	long retry_after;
	size_t received;
};

/* Pick Retry-After out of the response headers (delta-seconds only). */
static size_t
notify_post_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct notify_post *p = arg;
	size_t n = size * nmemb, k = sizeof "Retry-After:" - 1;
	char val[32];
	long long v;
	const char *errstr;
	size_t i, j = 0;

	if (n <= k || strncasecmp(ptr, "Retry-After:", k) != 0)
		return n;
	for (i = k; i < n && j < sizeof val - 1; i++) {
		if (ptr[i] != ' ' && ptr[i] != '\t' && ptr[i] != '\r' &&
		    ptr[i] != '\n')
			val[j++] = ptr[i];
	}
	val[j] = '\0';
	if (timeutil_strtonum(val, 0, 86400, &v, &errstr) == 0)
		p->retry_after = (long)v;
	return n;
}

/* Count and drop the response body; refuse a huge one. */
static size_t
notify_post_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct notify_post *p = arg;
	size_t n = size * nmemb;

	p->received += n;
	if (p->received > NOTIFY_MAX_MESSAGE)
		return 0;
	return n;
}

/* POST body to url; the cause names only the host, as the URL is secret. */
int
notify_http_post(const char *url, const char *const *headers, const char *body,
    size_t len, long timeout, int allow_http, long *status, long *retry_after,
    char **cause)
{
	struct notify_post post = {0, 0};
	struct curl_slist *list = NULL, *l;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *host;
	CURL *c;
	CURLcode rc = CURLE_FAILED_INIT;
	size_t i;
	int ret = -1;

	*status = 0;
	*retry_after = 0;
	c = curl_easy_init();
	if (c == NULL)
		goto out;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		l = curl_slist_append(list, headers[i]);
		if (l == NULL)
			goto out;
		list = l;
	}
	if (timeout <= 0)
		timeout = NOTIFY_TIMEOUT;
	if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
		allow_http ? "http,https" : "https") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
		timeout < 10 ? timeout : 10L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, CCWATCH_USER_AGENT) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, notify_post_header) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, &post) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, notify_post_write) !=
		CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &post) != CURLE_OK)
		goto out;
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		goto out;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	*retry_after = post.retry_after;
	ret = 0;
out:
	if (ret == -1) {
		/*
		 * curl's error buffer may quote the URL (e.g. "Could not
		 * resolve host"); only curl's generic text is safe to show.
		 */
		host = netaddr_url_host(url);
		xasprintf(
		    cause, "POST to %s: %s", host, curl_easy_strerror(rc));
		free(host);
	}
	curl_slist_free_all(list);
	if (c != NULL)
		curl_easy_cleanup(c);
	return ret;
}

/* 2xx is delivered; 429, 408 and 5xx are worth a retry; other codes are not. */
int
notify_http_classify(long status, long retry_after, struct notify_failure *fail)
{
	if (status >= 200 && status < 300)
		return 0;
	fail->retryable =
	    status == 429 || status == 408 || status >= 500 || status < 200;
	fail->retry_after = status == 429 || status == 503 ? retry_after : 0;
	return -1;
}

/* POST body to a channel's url and classify the answer. */
int
notify_http_deliver(const struct notifier *n, const char *kind, const char *url,
    const char *const *headers, const struct buf *body, long timeout,
    struct notify_failure *fail, char **cause)
{
	long status, retry_after;
	char *why, *host;

	if (notify_http_post(url, headers, buf_str(body), body->len, timeout,
		netaddr_url_is_loopback(url), &status, &retry_after,
		&why) == -1) {
		fail->retryable = 1;
		xasprintf(cause, "%s: %s: %s", n->name, kind, why);
		free(why);
		return -1;
	}
	if (notify_http_classify(status, retry_after, fail) == 0)
		return 0;
	host = netaddr_url_host(url);
	if (status == 429)
		xasprintf(cause, "%s: %s: %s: HTTP 429, retry after %lds",
		    n->name, kind, host, retry_after);
	else
		xasprintf(
		    cause, "%s: %s: %s: HTTP %ld", n->name, kind, host, status);
	free(host);
	return -1;
}
