/*
 * The notifier table, the helpers the channels share (dates, relative
 * times, ids, one HTTP POST on a fresh easy handle).
 */
#include <jansson.h>
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

/* One send in flight. */
struct notify_send {
	struct notifier *n;
	struct http_transfer *t;
	struct http_response resp;
	notify_done_cb done;
	void *arg;
};

/* Release a prepared request. */
void
notify_request_free(struct notify_request *req)
{
	size_t i;

	buf_free(&req->body);
	for (i = 0; i < NOTIFY_MAX_HEADERS; i++)
		free(req->headers[i]);
	memset(req, 0, sizeof *req);
}

/* A transfer ended: let the channel judge it, then tell the owner. */
static void
notify_transfer_done(void *arg, enum http_result result,
    struct http_response *resp, const char *why)
{
	struct notify_send *s = arg;
	struct notify_failure fail = {0, 0};
	char *cause = NULL;
	int rc;

	rc = s->n->ops->judge(s->n, result, resp, why, &fail, &cause);
	s->done(s->arg, rc, &fail, cause);
	free(cause);
	http_response_free(&s->resp);
	free(s);
}

/* "and M more - see URL"; see notify.h. */
void
notify_format_more(size_t more, const char *url, struct buf *out)
{
	buf_printf(out, "and %zu more", more);
	if (url != NULL && *url != '\0') {
		buf_addstr(out, " - see ");
		notify_clean_text(url, CCWATCH_MAX_URL, 1, out);
	}
}

/* Check the id of an alert or a digest before anything is rendered. */
static int
notify_check_id(struct notifier *n, const struct alert *a,
    const struct alert_digest *d, char **cause)
{
	if (a == NULL && d == NULL) {
		xasprintf(cause, "%s: nothing to send", n->name);
		return -1;
	}
	if (a != NULL && !notify_valid_id(a->id)) {
		xasprintf(cause, "%s: alert has an invalid id", n->name);
		return -1;
	}
	if (a == NULL && d->id != NULL && !notify_valid_id(d->id)) {
		xasprintf(cause, "%s: digest has an invalid id", n->name);
		return -1;
	}
	return 0;
}

/* Start a send; see notify.h. */
int
notify_start(struct notifier *n, struct http *h, const struct alert *a,
    const struct alert_digest *d, notify_done_cb done, void *arg,
    struct notify_send **sendp, struct notify_failure *fail, char **cause)
{
	struct notify_request req;
	struct notify_send *s;

	*sendp = NULL;
	fail->retryable = 0;
	fail->retry_after = 0;
	if (notify_check_id(n, a, d, cause) == -1)
		return -1;
	if (n->ops->prepare == NULL)
		return a != NULL ? n->ops->send(n, a, fail, cause)
				 : n->ops->send_digest(n, d, fail, cause);
	memset(&req, 0, sizeof req);
	buf_init(&req.body, NOTIFY_MAX_MESSAGE);
	if (n->ops->prepare(n, a, d, &req, cause) == -1) {
		notify_request_free(&req);
		return -1; /* a message that cannot be rendered: permanent */
	}
	s = xcalloc(1, sizeof *s);
	s->n = n;
	s->done = done;
	s->arg = arg;
	http_response_init(&s->resp, NOTIFY_MAX_MESSAGE);
	req.http.headers = (const char *const *)req.headers;
	req.http.body = buf_str(&req.body);
	req.http.len = req.body.len;
	s->t = http_start(h, &req.http, &s->resp, notify_transfer_done, s);
	notify_request_free(&req);
	*sendp = s;
	return 1;
}

/* Abort a send in flight. */
void
notify_cancel(struct notify_send *s)
{
	if (s == NULL)
		return;
	http_cancel(s->t);
	http_response_free(&s->resp);
	free(s);
}

/* What a synchronous send waits for. */
struct notify_sync {
	struct http_waiter w;
	struct notify_failure fail;
};

/* The end of a synchronous send. */
static void
notify_sync_done(
    void *arg, int rc, const struct notify_failure *fail, const char *cause)
{
	struct notify_sync *y = arg;

	y->fail = *fail;
	http_waiter_end(&y->w, rc, rc == -1, cause);
}

/* Send an alert or a digest on the notifier's own loop. */
static int
notify_send_sync(struct notifier *n, const struct alert *a,
    const struct alert_digest *d, struct notify_failure *fail, char **cause)
{
	struct http_options o;
	struct notify_sync y;
	struct notify_send *s;
	int rc;

	if (n->http == NULL && n->ops->prepare != NULL) {
		memset(&o, 0, sizeof o);
		n->http = http_new(&o, cause);
		if (n->http == NULL) {
			fail->retryable = 1;
			return -1;
		}
	}
	memset(&y, 0, sizeof y);
	rc = notify_start(
	    n, n->http, a, d, notify_sync_done, &y, &s, fail, cause);
	if (rc != 1)
		return rc;
	if (http_waiter_wait(n->http, &y.w, n->name, "failed", cause) == -1) {
		notify_cancel(s);
		fail->retryable = 1;
		return -1;
	}
	*fail = y.fail;
	return y.w.rc;
}

/* Send one alert through the notifier's channel, at once. */
int
notify_send(struct notifier *n, const struct alert *a,
    struct notify_failure *fail, char **cause)
{
	return notify_send_sync(n, a, NULL, fail, cause);
}

/* Send one digest through the notifier's channel, at once. */
int
notify_send_digest(struct notifier *n, const struct alert_digest *d,
    struct notify_failure *fail, char **cause)
{
	return notify_send_sync(n, NULL, d, fail, cause);
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
	http_free(n->http);
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
void
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

/* Write ": REASON" through escape, or how late a met alert was. */
void
notify_format_reason(
    const struct alert *a, notify_escape_fn escape, struct buf *out)
{
	if (a->reason != NULL) {
		buf_addstr(out, ": ");
		escape(a->reason, 600, 1, out);
	} else
		notify_format_late(a, out);
}

/* Write the escalation level, then label, the due time and how near it is. */
void
notify_format_due(
    const struct alert *a, time_t now, const char *label, struct buf *out)
{
	char due[TIMEUTIL_ISO_LEN];

	if (a->level > 0)
		buf_printf(out, " (escalation level %d)", a->level);
	buf_printf(out, "%s%s", label, timeutil_format_iso(a->due, due));
	if (a->state == NULL || strcmp(a->state, "met") != 0) {
		buf_addstr(out, " (");
		notify_format_relative(a->due, now, out);
		buf_addch(out, ')');
	}
}

/*
 * Copy s into out as valid UTF-8, at most max bytes (cut at a character
 * boundary, "..." appended when cut).  With oneline, every control
 * character (C0 and C1, CR and LF included) becomes a space; otherwise CRLF and
 * a lone CR become LF and other controls but tab become spaces.  Bidi
 * controls and zero-width characters are shown as "<U+202E>" (utf8_visible).
 */
void
notify_clean_text(const char *s, size_t max, int oneline, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0, len, done = 0, k;
	char esc[UTF8_VISIBLE_MAX];

	while (i < n) {
		len = utf8_len(p + i, n - i);
		if (done + (len == 0 ? 1 : len) > max) {
			buf_addstr(out, "...");
			return;
		}
		if (len == 0) {
			buf_addch(out, '?');
			len = 1;
		} else if ((k = utf8_visible(p + i, len, esc)) > 0)
			buf_add(out, esc, k); /* <U+202E>: shown, not obeyed */
		else if (len == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
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

/* 2xx is delivered; 429, 408 and 5xx are worth a retry; other codes are not. */
int
notify_http_classify(long status, long retry_after, struct notify_failure *fail)
{
	if (status >= 200 && status < 300)
		return 0;
	/* Only a definite rejection is permanent; anything else may pass. */
	fail->retryable = !(status == 400 || status == 401 || status == 403 ||
	    status == 404 || status == 410);
	fail->retry_after = status == 429 || status == 503 ? retry_after : 0;
	return -1;
}

/* Serialise root (consumed) compactly into out, or fail with toolarge. */
int
notify_json_dump(
    struct json_t *root, struct buf *out, const char *toolarge, char **cause)
{
	char *s;
	int rc = -1;

	s = json_dumps(root, JSON_COMPACT);
	if (s == NULL || buf_addstr(out, s) == -1)
		xasprintf(cause, "%s", toolarge);
	else
		rc = 0;
	free(s);
	json_decref(root);
	return rc;
}

/* Make req a POST to a channel's url: https, or http to loopback. */
void
notify_http_prepare(struct notify_request *req, const char *url,
    const char *const *headers, long timeout)
{
	size_t i;

	for (i = 0;
	     headers != NULL && headers[i] != NULL && i < NOTIFY_MAX_HEADERS;
	     i++)
		req->headers[i] = xstrdup(headers[i]);
	req->http.method = HTTP_POST;
	req->http.url = url;
	req->http.protocols =
	    netaddr_url_is_loopback(url) ? "http,https" : "https";
	req->http.timeout = timeout > 0 ? timeout : NOTIFY_TIMEOUT;
	req->http.connect_timeout =
	    req->http.timeout < 10 ? req->http.timeout : 10;
	req->http.secret_url = 1;
	req->http.concurrency = NOTIFY_CONCURRENCY;
}

/* Judge a channel's POST. */
int
notify_http_judge(const struct notifier *n, const char *url,
    enum http_result result, const struct http_response *resp, const char *why,
    struct notify_failure *fail, char **cause)
{
	const char *kind = n->ops->name;
	char *host;

	if (result != HTTP_OK) {
		fail->retryable = 1;
		xasprintf(cause, "%s: %s: %s", n->name, kind, why);
		return -1;
	}
	if (notify_http_classify(resp->status, resp->retry_after, fail) == 0)
		return 0;
	host = netaddr_url_host(url);
	if (resp->status == 429)
		xasprintf(cause, "%s: %s: %s: HTTP 429, retry after %lds",
		    n->name, kind, host, resp->retry_after);
	else
		xasprintf(cause, "%s: %s: %s: HTTP %ld", n->name, kind, host,
		    resp->status);
	free(host);
	return -1;
}

/* 1 if a is a met alert; see notify.h. */
int
notify_is_met(const struct alert *a)
{
	return a->state != NULL && strcmp(a->state, "met") == 0;
}

/* The met alerts a digest lists; see notify.h. */
size_t
notify_digest_met(const struct alert_digest *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += notify_is_met(&d->items[i]);
	return n;
}
