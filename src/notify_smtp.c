/*
 * The mail channel: RFC 5322 messages built from alerts, sent with libcurl.
 *
 * Every header value that carries bug text goes through one sanitiser
 * (control characters become spaces, bad UTF-8 becomes '?'), and the
 * Subject is then either plain ASCII on one line or RFC 2047 encoded-words
 * folded under 78 columns, so no summary can end a header early.  The body
 * is quoted-printable: seven-bit, CRLF, lines of at most 76 characters.
 * libcurl dot-stuffs lines that start with "." while uploading, so the
 * builder must not.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ccwatch.h"
#include "log.h"
#include "netaddr.h"
#include "notify.h"
#include "timeutil.h"
#include "utf8.h"
#include "xmalloc.h"

/* Longest summary put in a Subject, bytes. */
#define NOTIFY_SMTP_MAX_SUBJECT 200
/* Bytes of text per encoded-word: 56 base64 characters. */
#define NOTIFY_SMTP_WORD_BYTES 42

/* The channel's own copy of its configuration. */
struct notify_smtp {
	struct smtp_channel ch; /* points into the strings below */
	char *url;
	char *from;
	char **to;
	char *username;
	char *password;
	char *ca_file;
};

/* Append the base64 form of n bytes. */
static void
notify_smtp_base64(const unsigned char *s, size_t n, struct buf *out)
{
	/* The 64 digits, then the pad character at index 64. */
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/=";
	unsigned int v;
	size_t i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned int)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned int)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_addch(out, tab[v >> 18 & 63]);
		buf_addch(out, tab[v >> 12 & 63]);
		buf_addch(out, tab[i + 1 < n ? v >> 6 & 63 : 64]);
		buf_addch(out, tab[i + 2 < n ? v & 63 : 64]);
	}
}

/*
 * Append "Subject: " and text (already clean, one line).  Plain when short
 * ASCII without "=?"; otherwise encoded-words of whole characters, one per
 * line, each line under 78 columns.
 */
static void
notify_smtp_add_subject(const char *text, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i, start, len;
	int plain = 1;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80)
			plain = 0;
	}
	if (strstr(text, "=?") != NULL || n + sizeof "Subject: " - 1 > 78)
		plain = 0;
	buf_addstr(out, "Subject: ");
	if (plain) {
		buf_addstr(out, text);
		buf_addstr(out, "\r\n");
		return;
	}
	for (start = 0; start < n; start = i) {
		for (i = start; i < n; i += len) {
			len = utf8_len(p + i, n - i);
			if (len == 0)
				len = 1;
			if (i + len - start > NOTIFY_SMTP_WORD_BYTES)
				break;
		}
		if (start > 0)
			buf_addstr(out, "\r\n ");
		buf_addstr(out, "=?UTF-8?B?");
		notify_smtp_base64(p + start, i - start, out);
		buf_addstr(out, "?=");
	}
	buf_addstr(out, "\r\n");
}

/*
 * Quoted-printable (RFC 2045 6.7) of text with LF line ends: CRLF out,
 * soft breaks keep lines at 76, '=' and non-ASCII escaped, and a space or
 * tab at the end of a line escaped so no transport strips it.
 */
static void
notify_smtp_add_qp(const char *text, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	char enc[4];
	int lineend;

	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			buf_addstr(out, "\r\n");
			col = 0;
			continue;
		}
		lineend = p[1] == '\n' || p[1] == '\0';
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !lineend)) {
			enc[0] = (char)*p;
			enc[1] = '\0';
		} else
			snprintf(enc, sizeof enc, "=%02X", *p);
		if (col + strlen(enc) > 75) {
			buf_addstr(out, "=\r\n");
			col = 0;
		}
		buf_addstr(out, enc);
		col += strlen(enc);
	}
	if (col > 0)
		buf_addstr(out, "\r\n");
}

/* Append the headers every message has, up to Subject. */
static void
notify_smtp_add_envelope(
    const struct smtp_channel *ch, time_t now, struct buf *out)
{
	struct buf to;
	size_t i;

	buf_addstr(out, "Date: ");
	notify_format_date(now, out);
	buf_addstr(out, "\r\n");
	buf_addstr(out, "From: ccwatch <");
	notify_clean_text(ch->from, 300, 1, out);
	buf_addstr(out, ">\r\n");
	buf_init(&to, 4096);
	for (i = 0; i < ch->nto; i++) {
		if (i > 0)
			buf_addstr(&to, ",\r\n ");
		buf_addch(&to, '<');
		notify_clean_text(ch->to[i], 300, 1, &to);
		buf_addch(&to, '>');
	}
	buf_addstr(out, "To: ");
	buf_addstr(out, buf_str(&to));
	buf_addstr(out, "\r\n");
	buf_free(&to);
}

/* Append the MIME headers and the blank line before the body. */
static void
notify_smtp_add_mime(struct buf *out)
{
	buf_addstr(out,
	    "Auto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n");
}

/* Append label, then s cleaned to at most max bytes (one line if oneline). */
static void
notify_smtp_field(
    struct buf *text, const char *label, const char *s, size_t max, int oneline)
{
	buf_addstr(text, label);
	notify_clean_text(s, max, oneline, text);
}

/* Write one alert's description (LF line ends, clean UTF-8) into text. */
static void
notify_smtp_describe(const struct alert *a, time_t now, struct buf *text)
{
	char started[TIMEUTIL_ISO_LEN];

	buf_printf(text, "Bug %lld: ", (long long)a->bug_id);
	notify_clean_text(a->bug_summary, 2000, 1, text);
	notify_smtp_field(
	    text, "\nCA: ", a->ca != NULL ? a->ca : "(unknown)", 500, 1);
	notify_smtp_field(text, "\nClock: ", a->clock, 100, 1);
	notify_smtp_field(text, "\nState: ", a->state, 100, 1);
	notify_format_reason(a, notify_clean_text, text);
	notify_format_due(a, now, "\nDue: ", text);
	buf_printf(text, "\nClock started: %s\n\nWhy this deadline exists:\n",
	    timeutil_format_iso(a->started_at, started));
	notify_clean_text(a->rule, 20000, 0, text);
	notify_smtp_field(text, "\n\nEvidence:\n", a->evidence, 20000, 0);
	notify_smtp_field(text, "\n\nBug: ", a->bug_url, 2000, 1);
	if (a->comment_url != NULL)
		notify_smtp_field(text, "\nComment: ", a->comment_url, 2000, 1);
	if (a->query_url != NULL)
		notify_smtp_field(
		    text, "\nLive query: ", a->query_url, CCWATCH_MAX_URL, 1);
	buf_addch(text, '\n');
}

/*
 * End the message out with text as its quoted-printable body: 0, or -1
 * with *cause when the text or the message did not fit.
 */
static int
notify_smtp_add_body(const struct buf *text, struct buf *out, char **cause)
{
	notify_smtp_add_qp(buf_str(text), out);
	if (text->toobig || out->toobig) {
		xasprintf(
		    cause, "message longer than %zu bytes", NOTIFY_MAX_MESSAGE);
		return -1;
	}
	return 0;
}

/* Render one alert as a mail that threads under its bug. */
int
notify_smtp_build_message(const struct alert *a, const struct smtp_channel *ch,
    time_t now, struct buf *out, char **cause)
{
	struct buf subject, text;
	int rc;

	if (!notify_valid_id(a->id)) {
		xasprintf(cause, "alert has an invalid id");
		return -1;
	}
	buf_init(&subject, 4096);
	buf_init(&text, NOTIFY_MAX_MESSAGE);
	buf_printf(&subject, "[ccwatch] Bug %lld ", (long long)a->bug_id);
	notify_clean_text(a->clock, 100, 1, &subject);
	buf_addch(&subject, ' ');
	notify_clean_text(a->state, 100, 1, &subject);
	if (a->level > 0)
		buf_printf(&subject, " (level %d)", a->level);
	buf_addstr(&subject, ": ");
	notify_clean_text(a->bug_summary, NOTIFY_SMTP_MAX_SUBJECT, 1, &subject);

	notify_smtp_add_envelope(ch, now, out);
	notify_smtp_add_subject(buf_str(&subject), out);
	buf_printf(out, "Message-ID: <%s@ccwatch>\r\n", a->id);
	buf_printf(
	    out, "In-Reply-To: <bug-%lld@ccwatch>\r\n", (long long)a->bug_id);
	buf_printf(
	    out, "References: <bug-%lld@ccwatch>\r\n", (long long)a->bug_id);
	notify_smtp_add_mime(out);

	notify_smtp_describe(a, now, &text);
	buf_printf(&text, "\n-- \nSent by ccwatch, alert %s.\n", a->id);
	rc = notify_smtp_add_body(&text, out, cause);
	buf_free(&subject);
	buf_free(&text);
	return rc;
}

/* Write a met alert of a digest as one line: bug, clock, how it was met. */
static void
notify_smtp_met_line(const struct alert *a, struct buf *text)
{
	buf_printf(text, "Bug %lld ", (long long)a->bug_id);
	notify_clean_text(a->clock, 100, 1, text);
	buf_addstr(text, " met");
	notify_format_reason(a, notify_clean_text, text);
	notify_smtp_field(
	    text, " (", a->ca != NULL ? a->ca : "unknown CA", 200, 1);
	buf_addstr(text, ")\n");
}

/*
 * Render a digest as one mail listing every item with why it is listed, a
 * met one in one line.
 */
int
notify_smtp_build_digest(const struct alert_digest *d,
    const struct smtp_channel *ch, time_t now, struct buf *out, char **cause)
{
	struct buf subject, text;
	char *id;
	size_t i, met;
	int rc;

	id = notify_digest_id(d);
	if (!notify_valid_id(id)) {
		xasprintf(cause, "digest has an invalid id");
		free(id);
		return -1;
	}
	buf_init(&subject, 4096);
	buf_init(&text, NOTIFY_MAX_MESSAGE);
	met = notify_digest_met(d);
	buf_printf(&subject,
	    "[ccwatch] Digest: %zu deadline%s due soon or "
	    "overdue",
	    d->n - met + d->more, d->n - met + d->more == 1 ? "" : "s");
	if (met > 0)
		buf_printf(&subject, ", %zu met", met);
	notify_smtp_add_envelope(ch, now, out);
	notify_smtp_add_subject(buf_str(&subject), out);
	buf_printf(out, "Message-ID: <%s@ccwatch>\r\n", id);
	notify_smtp_add_mime(out);

	buf_addstr(&text, "Deadlines for ");
	notify_clean_text(d->recipient, 300, 1, &text);
	buf_printf(&text, ": %zu\n", d->n + d->more);
	for (i = 0; i < d->n && text.len < NOTIFY_DIGEST_BUDGET; i++) {
		buf_printf(&text, "\n%zu. ", i + 1);
		if (notify_is_met(&d->items[i]))
			notify_smtp_met_line(&d->items[i], &text);
		else
			notify_smtp_describe(&d->items[i], now, &text);
	}
	if (i < d->n || d->more > 0) {
		buf_addch(&text, '\n');
		notify_format_more(d->n - i + d->more, d->more_url, &text);
		buf_addch(&text, '\n');
	}
	buf_printf(&text, "\n-- \nSent by ccwatch, digest %s.\n", id);
	rc = notify_smtp_add_body(&text, out, cause);
	free(id);
	buf_free(&subject);
	buf_free(&text);
	return rc;
}

/* Render an alert (or a digest) as a mail to every recipient. */
static int
notify_smtp_prepare(struct notifier *n, const struct alert *a,
    const struct alert_digest *d, struct notify_request *req, char **cause)
{
	struct notify_smtp *s = n->data;
	struct http_request *r = &req->http;
	int rc;

	rc = a != NULL ? notify_smtp_build_message(
			     a, &s->ch, timeutil_now(), &req->body, cause)
		       : notify_smtp_build_digest(
			     d, &s->ch, timeutil_now(), &req->body, cause);
	if (rc == -1)
		return -1;
	r->method = HTTP_MAIL;
	r->url = s->url;
	r->protocols = "smtp,smtps";
	r->timeout = s->ch.timeout;
	r->connect_timeout = s->ch.timeout < 10 ? s->ch.timeout : 10;
	r->ca_file = s->ca_file;
	r->concurrency = NOTIFY_CONCURRENCY;
	r->mail_from = s->from;
	r->mail_rcpt = (const char *const *)s->to;
	r->nrcpt = s->ch.nto;
	r->require_tls = s->ch.require_starttls;
	r->username = s->username;
	r->password =
	    s->username != NULL && s->password != NULL ? s->password : NULL;
	req->kind = "smtp";
	return 0;
}

/*
 * Judge the mail server's answer: a 5xx reply, a refused login or a bad
 * URL is permanent, all else is worth a retry.
 */
static int
notify_smtp_judge(struct notifier *n, enum http_result result,
    const struct http_response *resp, const char *why,
    struct notify_failure *fail, char **cause)
{
	CURLcode rc = (CURLcode)resp->code;

	if (result == HTTP_OK && rc == CURLE_OK)
		return 0;
	/*
	 * Only a recipient refused for good (5xx to RCPT TO) is definite; a
	 * 5xx at DATA, a protocol error, a timeout or a refused login may be
	 * the server's passing trouble or a fixable setting, so it is retried
	 * until max_age.
	 */
	fail->retryable = !(rc == CURLE_SEND_ERROR && resp->status >= 500 &&
	    resp->status < 600 && why != NULL &&
	    strstr(why, "RCPT failed") != NULL);
	fail->retry_after = 0;
	xasprintf(cause, "%s: smtp: %s", n->name, why != NULL ? why : "failed");
	return -1;
}

/* Free the channel's copy, zeroing the password. */
static void
notify_smtp_free(struct notifier *n)
{
	struct notify_smtp *s = n->data;
	size_t i;

	if (s == NULL)
		return;
	free(s->url);
	free(s->from);
	for (i = 0; i < s->ch.nto; i++)
		free(s->to[i]);
	free(s->to);
	free(s->username);
	xfree_secret(s->password);
	free(s->ca_file);
	free(s);
}

static const struct notifier_ops notify_smtp_ops = {
    "smtp",
    notify_smtp_prepare,
    notify_smtp_judge,
    NULL,
    NULL,
    notify_smtp_free,
};

/* Set a channel's defaults: STARTTLS required, the default timeout. */
void
notify_smtp_channel_init(struct smtp_channel *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->require_starttls = 1;
	ch->timeout = NOTIFY_TIMEOUT;
}

/* Tell whether addr is a plain address (the configuration's rule too). */
static int
notify_smtp_valid_address(const char *addr)
{
	return netaddr_mailbox_is_plain(addr);
}

/* Check a configuration before it is copied. */
static int
notify_smtp_check(const struct smtp_channel *ch, char **cause)
{
	const char *p;
	size_t i;

	if (ch->url == NULL ||
	    (strncasecmp(ch->url, "smtp://", 7) != 0 &&
		strncasecmp(ch->url, "smtps://", 8) != 0)) {
		xasprintf(cause, "url must be smtp:// or smtps://");
		return -1;
	}
	p = ch->url + strcspn(ch->url, "/") + 2;
	if (memchr(p, '@', strcspn(p, "/?#")) != NULL) {
		xasprintf(cause, "url must not hold a user or password");
		return -1;
	}
	if (!ch->require_starttls && strncasecmp(ch->url, "smtp://", 7) == 0 &&
	    !netaddr_url_is_loopback(ch->url)) {
		xasprintf(cause, "require_starttls = no is for loopback only");
		return -1;
	}
	if (!notify_smtp_valid_address(ch->from)) {
		xasprintf(cause, "from: not a plain address");
		return -1;
	}
	if (ch->nto == 0) {
		xasprintf(cause, "to: no recipient");
		return -1;
	}
	for (i = 0; i < ch->nto; i++) {
		if (!notify_smtp_valid_address(ch->to[i])) {
			xasprintf(cause, "to: not a plain address");
			return -1;
		}
	}
	return 0;
}

/* Create a mail channel from a copy of ch. */
struct notifier *
notify_smtp_new(const char *name, const struct smtp_channel *ch, char **cause)
{
	struct notify_smtp *s;
	char *why;
	size_t i;

	if (notify_smtp_check(ch, &why) == -1) {
		xasprintf(cause, "channel %s: %s", name, why);
		free(why);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->url = xstrdup(ch->url);
	s->from = xstrdup(ch->from);
	s->to = xreallocarray(NULL, ch->nto, sizeof *s->to);
	for (i = 0; i < ch->nto; i++)
		s->to[i] = xstrdup(ch->to[i]);
	if (ch->username != NULL)
		s->username = xstrdup(ch->username);
	if (ch->password != NULL)
		s->password = xstrdup(ch->password);
	if (ch->ca_file != NULL)
		s->ca_file = xstrdup(ch->ca_file);
	s->ch = *ch;
	s->ch.url = s->url;
	s->ch.from = s->from;
	s->ch.to = (const char *const *)s->to;
	s->ch.username = s->username;
	s->ch.password = s->password;
	s->ch.ca_file = s->ca_file;
	if (s->ch.timeout <= 0)
		s->ch.timeout = NOTIFY_TIMEOUT;

	return notify_new(name, &notify_smtp_ops, s);
}
