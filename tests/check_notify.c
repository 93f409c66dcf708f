/*
 * Tests of the notification channels: the pure renderers (mail headers,
 * RFC 2047 subjects, header injection, quoted-printable bodies, Slack
 * escaping, the webhook payload against its schema, the HMAC), and real
 * deliveries on 127.0.0.1: mail to Debian's aiosmtpd, a webhook receiver
 * that checks the signature and answers 500 then 200, and a Slack stand-in
 * that answers 429 with Retry-After then 200.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "netaddr.h"
#include "notify.h"
#include "notify_record.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* 2026-03-13T12:00:00Z, the demo corpus's anchor. */
#define NOW     1773403200
#define HOSTILE "x\r\nBcc: evil@example.net\r\n\r\nbody"

static const char *const rcpts[] = {
    "ca-team@example.org", "overseer@example.org"};

/* An overdue full-report alert with a non-ASCII summary. */
static struct alert
alert_sample(void)
{
	struct alert a;

	memset(&a, 0, sizeof a);
	a.id = "ccw-1890123-full-report-1773186000-0";
	a.bug_id = 1890123;
	a.bug_summary = "Zertifikat f\xc3\xbcr \xc3\x9c"
			"berpr\xc3\xbc"
			"fung: CPS \xe2\x80\x94 OCSP outage";
	a.bug_url = "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123";
	a.ca = "Example Trust GmbH";
	a.clock = "full-report";
	a.state = "overdue";
	a.level = 0;
	a.due = NOW - 2 * 86400 - 3 * 3600; /* overdue by 2 days 3 hours */
	a.started_at = a.due - 14 * 86400;
	a.rule = "A full incident report is due within two weeks of the "
		 "initial report (CCADB incident reporting guidelines).";
	a.evidence = "Initial report in comment 3 by a CA-side account.\n"
		     ".hidden line that starts with a dot\n"
		     "Due = comment 3 time + 14 days.";
	a.comment_url =
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123#c3";
	a.query_url = "https://bugzilla.mozilla.org/buglist.cgi?bug_id="
		      "1890123&f1=cf_status";
	a.restricted = 0;
	a.created = NOW - 60;
	return a;
}

/* A loopback mail channel without STARTTLS to port. */
static struct smtp_channel
smtp_sample(int port, char **url)
{
	struct smtp_channel ch;

	notify_smtp_channel_init(&ch);
	xasprintf(url, "smtp://127.0.0.1:%d", port);
	ch.url = *url;
	ch.from = "ccwatch@example.org";
	ch.to = rcpts;
	ch.nto = 2;
	ch.require_starttls = 0;
	ch.timeout = 20;
	return ch;
}

/* A parsed mail: unfolded headers in order, and the raw body. */
struct mail {
	char *names[64];
	char *values[64];
	int n;
	char *body;
};

/*
 * Split a message (CRLF or LF line ends) into unfolded headers and body;
 * fails the test on a header line without a colon.
 */
static void
mail_parse(const char *msg, struct mail *m)
{
	const char *p = msg, *eol, *colon;
	size_t len;

	memset(m, 0, sizeof *m);
	while (*p != '\0') {
		eol = p + strcspn(p, "\r\n");
		len = eol - p;
		if (len == 0) {
			p = eol + (eol[0] == '\r' ? 2 : 1);
			break;
		}
		if ((*p == ' ' || *p == '\t') && m->n > 0) {
			char *v;

			xasprintf(
			    &v, "%s%.*s", m->values[m->n - 1], (int)len, p);
			free(m->values[m->n - 1]);
			m->values[m->n - 1] = v;
		} else {
			colon = memchr(p, ':', len);
			ck_assert_msg(colon != NULL,
			    "header without colon: %.*s", (int)len, p);
			ck_assert_int_lt(m->n, 64);
			m->names[m->n] = xstrndup(p, colon - p);
			colon++;
			while (*colon == ' ')
				colon++;
			m->values[m->n] = xstrndup(colon, eol - colon);
			m->n++;
		}
		p = eol;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
	m->body = xstrdup(p);
}

/* The value of header name, or NULL; fails if it appears twice. */
static const char *
mail_header(const struct mail *m, const char *name)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < m->n; i++) {
		if (strcasecmp(m->names[i], name) == 0) {
			ck_assert_msg(v == NULL, "%s twice", name);
			v = m->values[i];
		}
	}
	return v;
}

/* Release a parsed mail. */
static void
mail_free(struct mail *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		free(m->names[i]);
		free(m->values[i]);
	}
	free(m->body);
}

/* Decode base64 (no line breaks) into out. */
static void
test_base64_decode(const char *s, size_t n, struct buf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int v = 0;
	int bits = 0;
	size_t i;
	const char *q;

	for (i = 0; i < n && s[i] != '='; i++) {
		q = strchr(tab, s[i]);
		ck_assert_msg(q != NULL && *q != '\0', "bad base64 %c", s[i]);
		v = v << 6 | (unsigned int)(q - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (char)(v >> bits & 0xff));
		}
	}
}

/*
 * Decode an unfolded Subject: plain text, or encoded-words separated by
 * white space (which RFC 2047 says to drop between two words).
 */
static char *
subject_decode(const char *v)
{
	struct buf out;
	const char *p = v, *end;

	buf_init(&out, 4096);
	if (strncmp(v, "=?", 2) != 0) {
		buf_addstr(&out, v);
		return buf_detach(&out);
	}
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		ck_assert_msg(strncmp(p, "=?UTF-8?B?", 10) == 0, "word: %s", p);
		p += 10;
		end = strstr(p, "?=");
		ck_assert_ptr_nonnull(end);
		test_base64_decode(p, end - p, &out);
		p = end + 2;
	}
	return buf_detach(&out);
}

/* Decode a quoted-printable body (CRLF or LF line ends) to LF text. */
static char *
qp_decode(const char *s)
{
	struct buf out;
	const char *p;
	unsigned int c;

	buf_init(&out, 1024 * 1024);
	for (p = s; *p != '\0'; p++) {
		if (*p == '=' && (p[1] == '\r' || p[1] == '\n')) {
			p += p[1] == '\r' ? 2 : 1;
			continue;
		}
		if (*p == '=') {
			ck_assert_int_eq(sscanf(p + 1, "%2X", &c), 1);
			buf_addch(&out, (char)c);
			p += 2;
		} else if (*p != '\r')
			buf_addch(&out, *p);
	}
	return buf_detach(&out);
}

/* Fail unless every line ends in CRLF and is at most max long. */
static void
assert_lines(const char *s, size_t max)
{
	const char *p = s, *eol;

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "line without CRLF: %s", p);
		ck_assert_msg(memchr(p, '\n', eol - p) == NULL &&
			memchr(p, '\r', eol - p) == NULL,
		    "bare CR or LF in: %.*s", (int)(eol - p), p);
		ck_assert_msg((size_t)(eol - p) <= max, "line of %d: %.*s",
		    (int)(eol - p), (int)(eol - p), p);
		p = eol + 2;
	}
}

/* The header names a mail of ours carries, in order. */
static const char *const mail_names[] = {"Date", "From", "To", "Subject",
    "Message-ID", "In-Reply-To", "References", "Auto-Submitted", "MIME-Version",
    "Content-Type", "Content-Transfer-Encoding"};

/* Fail unless the headers are exactly ours, plus those in extra. */
static void
assert_header_set(const struct mail *m, const char *const *extra, size_t nextra)
{
	size_t i, j, k = 0;
	int found;

	for (i = 0; i < (size_t)m->n; i++) {
		found = 0;
		for (j = 0; j < CCWATCH_NELEM(mail_names); j++) {
			if (strcasecmp(m->names[i], mail_names[j]) == 0)
				found = 1;
		}
		for (j = 0; j < nextra; j++) {
			if (strcasecmp(m->names[i], extra[j]) == 0)
				found = 1;
		}
		ck_assert_msg(found, "unexpected header %s", m->names[i]);
		k++;
	}
	ck_assert_uint_eq(k, CCWATCH_NELEM(mail_names) + nextra);
}

START_TEST(test_date_and_relative)
{
	struct buf b;

	buf_init(&b, 256);
	notify_format_date(1711548131, &b);
	ck_assert_str_eq(buf_str(&b), "Wed, 27 Mar 2024 14:02:11 +0000");
	buf_reset(&b);
	notify_format_date(0, &b);
	ck_assert_str_eq(buf_str(&b), "Thu, 01 Jan 1970 00:00:00 +0000");
	buf_reset(&b);
	notify_format_relative(NOW - 2 * 86400 - 3 * 3600 - 59, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 2 days 3 hours");
	buf_reset(&b);
	notify_format_relative(NOW - 86400, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 1 day");
	buf_reset(&b);
	notify_format_relative(NOW + 5 * 3600 + 60, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "due in 5 hours 1 minute");
	buf_reset(&b);
	notify_format_relative(NOW + 30, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "due in less than a minute");
	buf_reset(&b);
	notify_format_relative(NOW - 120, NOW, &b);
	ck_assert_str_eq(buf_str(&b), "overdue by 2 minutes");
	buf_free(&b);
}
END_TEST

START_TEST(test_ids_and_hosts)
{
	struct alert_digest d = {NULL, "ca-team@example.org", NULL, 0, NOW};
	char *id, *id2, *h;

	ck_assert_int_eq(notify_valid_id("ccw-1-full-report-17-0"), 1);
	ck_assert_int_eq(notify_valid_id(""), 0);
	ck_assert_int_eq(notify_valid_id(NULL), 0);
	ck_assert_int_eq(notify_valid_id("a>b"), 0);
	ck_assert_int_eq(notify_valid_id("a\r\nb"), 0);
	id = notify_digest_id(&d);
	id2 = notify_digest_id(&d);
	ck_assert_str_eq(id, id2);
	ck_assert_int_eq(notify_valid_id(id), 1);
	ck_assert_ptr_null(strstr(id, "example"));
	free(id2);
	d.when = NOW + 86400;
	id2 = notify_digest_id(&d);
	ck_assert_str_ne(id, id2);
	free(id);
	free(id2);
	h = netaddr_url_host("https://hooks.slack.com/services/T0/B0/SECRET");
	ck_assert_str_eq(h, "hooks.slack.com");
	free(h);
	h = netaddr_url_host("http://user:pw@127.0.0.1:8080/x?y");
	ck_assert_str_eq(h, "127.0.0.1");
	free(h);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://[::1]:25"), 1);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://localhost"), 1);
	ck_assert_int_eq(
	    netaddr_url_is_loopback("smtp://127.0.0.1.evil.net"), 0);
	ck_assert_int_eq(netaddr_url_is_loopback("smtp://mail.example.org"), 0);
}
END_TEST

START_TEST(test_clean_text)
{
	struct buf b;

	buf_init(&b, 256);
	notify_clean_text("a\r\nb\x01\x7f"
			  "c\tz",
	    100, 1, &b);
	ck_assert_str_eq(buf_str(&b), "a  b  c z");
	buf_reset(&b);
	notify_clean_text("a\r\nb\rc\nd\te", 100, 0, &b);
	ck_assert_str_eq(buf_str(&b), "a\nb\nc\nd\te");
	buf_reset(&b);
	notify_clean_text("ok \xff\xc3(\xed\xa0\x80 end", 100, 1, &b);
	ck_assert_str_eq(buf_str(&b),
	    "ok ?"
	    "?(??? end");
	buf_reset(&b);
	/* cut between characters, never inside one */
	notify_clean_text("\xc3\xbc\xc3\xbc\xc3\xbc", 5, 1, &b);
	ck_assert_str_eq(buf_str(&b), "\xc3\xbc\xc3\xbc...");
	buf_reset(&b);
	notify_clean_text(NULL, 10, 1, &b);
	ck_assert_str_eq(buf_str(&b), "");
	buf_reset(&b);
	/* C1 controls (U+009B is a CSI) are controls too; U+00A0 is not */
	notify_clean_text("a\xc2\x9b"
			  "31mb\xc2\x85"
			  "c\xc2\xa0"
			  "d",
	    100, 0, &b);
	ck_assert_str_eq(buf_str(&b),
	    "a 31mb c\xc2\xa0"
	    "d");
	buf_free(&b);
}
END_TEST

START_TEST(test_smtp_message_headers)
{
	struct alert a = alert_sample();
	struct smtp_channel ch;
	struct buf b;
	struct mail m;
	char *url, *cause = NULL, *subject;

	ch = smtp_sample(25, &url);
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
	assert_lines(buf_str(&b), 78);
	mail_parse(buf_str(&b), &m);
	assert_header_set(&m, NULL, 0);
	ck_assert_int_eq(m.n, (int)CCWATCH_NELEM(mail_names));
	ck_assert_str_eq(m.names[0], "Date");
	ck_assert_str_eq(
	    mail_header(&m, "Date"), "Fri, 13 Mar 2026 12:00:00 +0000");
	ck_assert_str_eq(
	    mail_header(&m, "From"), "ccwatch <ccwatch@example.org>");
	ck_assert_str_eq(mail_header(&m, "To"),
	    "<ca-team@example.org>, <overseer@example.org>");
	ck_assert_str_eq(mail_header(&m, "Message-ID"),
	    "<ccw-1890123-full-report-1773186000-0@ccwatch>");
	ck_assert_str_eq(
	    mail_header(&m, "In-Reply-To"), "<bug-1890123@ccwatch>");
	ck_assert_str_eq(
	    mail_header(&m, "References"), "<bug-1890123@ccwatch>");
	ck_assert_str_eq(mail_header(&m, "Auto-Submitted"), "auto-generated");
	ck_assert_str_eq(mail_header(&m, "MIME-Version"), "1.0");
	ck_assert_str_eq(
	    mail_header(&m, "Content-Type"), "text/plain; charset=UTF-8");
	ck_assert_str_eq(
	    mail_header(&m, "Content-Transfer-Encoding"), "quoted-printable");
	ck_assert_str_eq(
	    mail_header(&m, "Subject"), mail_header(&m, "Subject"));
	ck_assert_msg(
	    strncmp(mail_header(&m, "Subject"), "=?UTF-8?B?", 10) == 0,
	    "subject not encoded: %s", mail_header(&m, "Subject"));
	subject = subject_decode(mail_header(&m, "Subject"));
	ck_assert_str_eq(subject,
	    "[ccwatch] Bug 1890123 full-report overdue: Zertifikat f\xc3\xbcr "
	    "\xc3\x9c"
	    "berpr\xc3\xbc"
	    "fung: CPS \xe2\x80\x94 OCSP outage");
	free(subject);
	mail_free(&m);
	buf_free(&b);
	free(url);
}
END_TEST

START_TEST(test_smtp_subject_plain_and_long)
{
	struct alert a = alert_sample();
	struct smtp_channel ch;
	struct buf b, big;
	struct mail m;
	char *url, *cause = NULL, *subject;
	int i;

	ch = smtp_sample(25, &url);
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	a.bug_summary = "OCSP outage";
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
	mail_parse(buf_str(&b), &m);
	ck_assert_str_eq(mail_header(&m, "Subject"),
	    "[ccwatch] Bug 1890123 full-report overdue: OCSP outage");
	mail_free(&m);

	/* A long summary of three-byte characters: folded, cut, decodable. */
	buf_init(&big, 4096);
	for (i = 0; i < 300; i++)
		buf_addstr(&big, "\xe2\x82\xac");
	a.bug_summary = buf_str(&big);
	a.level = 2;
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
	assert_lines(buf_str(&b), 78);
	mail_parse(buf_str(&b), &m);
	subject = subject_decode(mail_header(&m, "Subject"));
	ck_assert_msg(
	    strncmp(subject,
		"[ccwatch] Bug 1890123 full-report overdue (level 2): "
		"\xe2\x82\xac",
		56) == 0,
	    "%s", subject);
	ck_assert_uint_le(strlen(subject), 300);
	ck_assert_str_eq(subject + strlen(subject) - 6, "\xe2\x82\xac...");
	free(subject);
	mail_free(&m);

	/* "=?" in plain ASCII text is encoded, so it cannot fake a word. */
	a.bug_summary = "=?UTF-8?B?QmNj?=";
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
	mail_parse(buf_str(&b), &m);
	subject = subject_decode(mail_header(&m, "Subject"));
	ck_assert_str_eq(subject,
	    "[ccwatch] Bug 1890123 full-report overdue (level 2): "
	    "=?UTF-8?B?QmNj?=");
	free(subject);
	mail_free(&m);
	buf_free(&big);
	buf_free(&b);
	free(url);
}
END_TEST

START_TEST(test_smtp_header_injection)
{
	static const char *const evil[] = {HOSTILE, "x\nTo: a@b", "x\rCc: c@d",
	    "x\0Bcc: e@f", "\r\n\r\n", "a\x0b\x0c\x1b[31m"};
	struct alert a = alert_sample();
	struct smtp_channel ch;
	struct buf b;
	struct mail m;
	char *url, *cause = NULL;
	size_t i;

	ch = smtp_sample(25, &url);
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	for (i = 0; i < CCWATCH_NELEM(evil); i++) {
		a.bug_summary = evil[i];
		a.ca = evil[i];
		a.clock = evil[i];
		buf_reset(&b);
		ck_assert_int_eq(
		    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
		assert_lines(buf_str(&b), 78);
		mail_parse(buf_str(&b), &m);
		assert_header_set(&m, NULL, 0);
		ck_assert_ptr_null(strstr(buf_str(&b), "\r\nBcc:"));
		ck_assert_ptr_null(strstr(buf_str(&b), "\r\nCc:"));
		mail_free(&m);
	}
	/* An id that would break the Message-ID is refused. */
	a.id = "x>\r\nBcc: evil@example.net";
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	buf_free(&b);
	free(url);
}
END_TEST

START_TEST(test_smtp_body)
{
	struct alert a = alert_sample();
	struct smtp_channel ch;
	struct buf b, rule;
	struct mail m;
	char *url, *cause = NULL, *text;
	int i;

	ch = smtp_sample(25, &url);
	buf_init(&rule, 8192);
	for (i = 0; i < 400; i++)
		buf_addstr(&rule, "long= ");
	a.rule = buf_str(&rule);
	a.level = 1;
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(
	    notify_smtp_build_message(&a, &ch, NOW, &b, &cause), 0);
	assert_lines(buf_str(&b), 78);
	mail_parse(buf_str(&b), &m);
	text = qp_decode(m.body);
	ck_assert_ptr_nonnull(strstr(text, a.rule));
	ck_assert_ptr_nonnull(strstr(text, a.evidence));
	ck_assert_ptr_nonnull(strstr(
	    text, "Due: 2026-03-11T09:00:00Z (overdue by 2 days 3 hours)"));
	ck_assert_ptr_nonnull(
	    strstr(text, "State: overdue (escalation level 1)"));
	ck_assert_ptr_nonnull(strstr(text, "CA: Example Trust GmbH"));
	ck_assert_ptr_nonnull(strstr(text,
	    "Bug: "
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "Comment: "
	    "https://bugzilla.mozilla.org/show_bug.cgi?id=1890123#c3\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "Live query: "
	    "https://bugzilla.mozilla.org/"
	    "buglist.cgi?bug_id=1890123&f1=cf_status\n"));
	ck_assert_ptr_nonnull(
	    strstr(text, "Bug 1890123: Zertifikat f\xc3\xbcr"));
	/* seven-bit on the wire */
	for (i = 0; m.body[i] != '\0'; i++)
		ck_assert_int_lt((unsigned char)m.body[i], 0x80);
	/* the builder does not dot-stuff: libcurl does */
	ck_assert_ptr_nonnull(strstr(m.body, "\r\n.hidden line"));
	free(text);
	mail_free(&m);
	buf_free(&b);
	buf_free(&rule);
	free(url);
}
END_TEST

START_TEST(test_smtp_digest)
{
	struct alert items[3];
	struct alert_digest d;
	struct smtp_channel ch;
	struct buf b;
	struct mail m;
	char *url, *cause = NULL, *text, *id;

	items[0] = alert_sample();
	items[1] = alert_sample();
	items[1].bug_id = 1900001;
	items[1].state = "due-soon";
	items[1].due = NOW + 86400;
	items[1].bug_summary = HOSTILE;
	items[2] = alert_sample();
	items[2].clock = "update";
	memset(&d, 0, sizeof d);
	d.id = NULL;
	d.recipient = "ca-team@example.org";
	d.items = items;
	d.n = 3;
	d.when = NOW;
	ch = smtp_sample(25, &url);
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(notify_smtp_build_digest(&d, &ch, NOW, &b, &cause), 0);
	assert_lines(buf_str(&b), 78);
	mail_parse(buf_str(&b), &m);
	ck_assert_int_eq(m.n, (int)CCWATCH_NELEM(mail_names) - 2);
	ck_assert_ptr_null(mail_header(&m, "In-Reply-To"));
	id = notify_digest_id(&d);
	text = subject_decode(mail_header(&m, "Subject"));
	ck_assert_str_eq(
	    text, "[ccwatch] Digest: 3 deadlines due soon or overdue");
	free(text);
	ck_assert_ptr_nonnull(strstr(mail_header(&m, "Message-ID"), id));
	text = qp_decode(m.body);
	ck_assert_ptr_nonnull(strstr(text, "\n1. Bug 1890123:"));
	ck_assert_ptr_nonnull(strstr(text, "\n2. Bug 1900001: x  Bcc: evil"));
	ck_assert_ptr_nonnull(strstr(text, "due in 1 day"));
	ck_assert_ptr_nonnull(strstr(text, "\n3. Bug 1890123:"));
	ck_assert_ptr_nonnull(strstr(text, "Clock: update"));
	free(text);
	free(id);
	mail_free(&m);
	buf_free(&b);
	free(url);
}
END_TEST

START_TEST(test_smtp_config_checks)
{
	struct smtp_channel ch;
	struct notifier *n;
	char *url, *cause = NULL;
	static const char *const bad_to[] = {"a@b>\r\nBcc: c@d"};

	ch = smtp_sample(25, &url);
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->ops->name, "smtp");
	notify_free(n);
	notify_smtp_channel_init(&ch);
	ck_assert_int_eq(ch.require_starttls, 1);
	ch.from = "ccwatch@example.org";
	ch.to = rcpts;
	ch.nto = 1;
	ch.url = "smtp://mail.example.org:587";
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_ptr_nonnull(n);
	notify_free(n);
	ch.require_starttls = 0;
	ck_assert_ptr_null(notify_smtp_new("mail", &ch, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "loopback"));
	free(cause);
	ch.url = "smtps://mail.example.org:465";
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_ptr_nonnull(n);
	notify_free(n);
	ch.url = "smtps://user:pw@mail.example.org";
	ck_assert_ptr_null(notify_smtp_new("mail", &ch, &cause));
	ck_assert_ptr_null(strstr(cause, "pw"));
	free(cause);
	ch.url = "http://mail.example.org";
	ck_assert_ptr_null(notify_smtp_new("mail", &ch, &cause));
	free(cause);
	ch.url = "smtps://mail.example.org";
	ch.to = bad_to;
	ck_assert_ptr_null(notify_smtp_new("mail", &ch, &cause));
	free(cause);
	ch.to = rcpts;
	ch.nto = 0;
	ck_assert_ptr_null(notify_smtp_new("mail", &ch, &cause));
	free(cause);
	free(url);
}
END_TEST

/* Parse a Slack payload and return its "text" and first section text. */
static json_t *
slack_parse(const char *payload, const char **text, const char **section)
{
	json_error_t err;
	json_t *root;

	root = json_loads(payload, 0, &err);
	ck_assert_msg(root != NULL, "%s", err.text);
	*text = json_string_value(json_object_get(root, "text"));
	ck_assert_ptr_nonnull(*text);
	*section = json_string_value(json_object_get(
	    json_object_get(
		json_array_get(json_object_get(root, "blocks"), 0), "text"),
	    "text"));
	ck_assert_ptr_nonnull(*section);
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_object_get(
		    json_array_get(json_object_get(root, "blocks"), 0), "text"),
		"type")),
	    "mrkdwn");
	return root;
}

START_TEST(test_slack_escaping)
{
	struct alert a = alert_sample();
	struct slack_channel ch;
	struct buf b;
	json_t *root;
	const char *text, *section;
	char *cause = NULL;

	notify_slack_channel_init(&ch);
	a.bug_summary = "<!channel> ping <@U123> & <https://evil.example|x>";
	a.evidence = "see <!here>";
	a.comment_url = "https://bugzilla.mozilla.org/x?a=1&b=2|<evil>";
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(
	    notify_slack_build_payload(&a, &ch, NOW, &b, &cause), 0);
	root = slack_parse(buf_str(&b), &text, &section);
	ck_assert_ptr_nonnull(strstr(text,
	    "&lt;!channel&gt; ping &lt;@U123&gt; &amp; "
	    "&lt;https://evil.example|x&gt;"));
	ck_assert_ptr_null(strstr(text, "<!"));
	ck_assert_ptr_null(strstr(section, "<!"));
	ck_assert_ptr_null(strstr(section, "<@"));
	ck_assert_ptr_null(strstr(section, "<https://evil"));
	ck_assert_ptr_nonnull(strstr(section, "see &lt;!here&gt;"));
	ck_assert_ptr_nonnull(strstr(section,
	    "*<https://bugzilla.mozilla.org/show_bug.cgi?id=1890123|Bug "
	    "1890123>*"));
	ck_assert_ptr_nonnull(strstr(section,
	    "<https://bugzilla.mozilla.org/x?a=1&amp;b=2%7C%3Cevil%3E|the "
	    "comment>"));
	ck_assert_ptr_nonnull(strstr(section, "|live query>"));
	ck_assert_ptr_nonnull(strstr(section, "overdue by 2 days 3 hours"));
	ck_assert_ptr_nonnull(strstr(text, "overdue by 2 days 3 hours"));
	json_decref(root);
	buf_free(&b);
}
END_TEST

START_TEST(test_slack_restricted_and_digest)
{
	struct alert items[2];
	struct alert_digest d = {NULL, "#ca-team", items, 2, NOW};
	struct slack_channel ch;
	struct buf b;
	json_t *root;
	const char *text, *section;
	char *cause = NULL;

	notify_slack_channel_init(&ch);
	items[0] = alert_sample();
	items[0].restricted = 1;
	items[0].bug_summary = "secret incident at Example";
	items[0].evidence = "private comment text";
	items[1] = alert_sample();
	items[1].bug_summary = "<!everyone>";
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(
	    notify_slack_build_payload(&items[0], &ch, NOW, &b, &cause), 0);
	ck_assert_ptr_null(strstr(buf_str(&b), "secret incident"));
	ck_assert_ptr_null(strstr(buf_str(&b), "private comment"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "(restricted bug)"));
	ch.private_data = 1;
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_slack_build_payload(&items[0], &ch, NOW, &b, &cause), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "secret incident"));
	ch.private_data = 0;
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_slack_build_digest(&d, &ch, NOW, &b, &cause), 0);
	root = slack_parse(buf_str(&b), &text, &section);
	ck_assert_uint_eq(json_array_size(json_object_get(root, "blocks")), 3);
	ck_assert_ptr_null(strstr(buf_str(&b), "secret incident"));
	ck_assert_ptr_null(strstr(buf_str(&b), "<!everyone>"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "&lt;!everyone&gt;"));
	ck_assert_ptr_nonnull(strstr(text, "2 deadlines"));
	json_decref(root);
	buf_free(&b);
}
END_TEST

/* The documented schema, loaded. */
static json_t *
schema_load(void)
{
	char *path = testutil_srcpath("docs/webhook.schema.json");
	json_error_t err;
	json_t *schema;

	schema = json_load_file(path, 0, &err);
	ck_assert_msg(schema != NULL, "%s: %s", path, err.text);
	free(path);
	return schema;
}

/*
 * Check obj against a schema object's "required" and "properties" (the
 * keys, and each property's "type" where it is a plain string or list).
 */
static void
schema_check_object(json_t *defs, json_t *schema, json_t *obj)
{
	json_t *props = json_object_get(schema, "properties"), *p, *t, *v;
	const char *key;
	size_t i;

	ck_assert(json_is_object(obj));
	json_array_foreach(json_object_get(schema, "required"), i, v)
	    ck_assert_msg(json_object_get(obj, json_string_value(v)) != NULL,
		"missing %s", json_string_value(v));
	json_object_foreach(obj, key, v)
	{
		p = json_object_get(props, key);
		ck_assert_msg(p != NULL, "%s not in the schema", key);
		t = json_object_get(p, "type");
		if (json_is_string(t) &&
		    strcmp(json_string_value(t), "string") == 0)
			ck_assert_msg(json_is_string(v), "%s", key);
		if (json_is_string(t) &&
		    strcmp(json_string_value(t), "integer") == 0)
			ck_assert_msg(json_is_integer(v), "%s", key);
		if (json_is_string(t) &&
		    strcmp(json_string_value(t), "boolean") == 0)
			ck_assert_msg(json_is_boolean(v), "%s", key);
		if (json_is_string(json_object_get(p, "const")))
			ck_assert_str_eq(json_string_value(v),
			    json_string_value(json_object_get(p, "const")));
	}
	(void)defs;
}

START_TEST(test_webhook_payload)
{
	struct alert a = alert_sample();
	struct buf b;
	json_t *root, *al, *schema, *defs;
	json_error_t err;
	char *cause = NULL;

	a.comment_url = NULL;
	a.bug_summary = HOSTILE;
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(notify_webhook_build_payload(&a, &b, &cause), 0);
	root = json_loads(buf_str(&b), 0, &err);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "schema")),
	    "ccwatch.alert/3");
	ck_assert_str_eq(
	    json_string_value(json_object_get(root, "delivery_id")), a.id);
	al = json_object_get(root, "alert");
	ck_assert_str_eq(json_string_value(json_object_get(al, "id")), a.id);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(al, "bug_id")), 1890123);
	ck_assert_str_eq(json_string_value(json_object_get(al, "due")),
	    "2026-03-11T09:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(al, "created")),
	    "2026-03-13T11:59:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(al, "bug_summary")),
	    "x  Bcc: evil@example.net    body");
	ck_assert_str_eq(
	    json_string_value(json_object_get(al, "evidence")), a.evidence);
	ck_assert(json_is_null(json_object_get(al, "comment_url")));
	ck_assert(json_is_false(json_object_get(al, "restricted")));

	schema = schema_load();
	ck_assert_str_eq(json_string_value(json_object_get(schema, "$schema")),
	    "https://json-schema.org/draft/2020-12/schema");
	defs = json_object_get(schema, "$defs");
	schema_check_object(
	    defs, json_object_get(defs, "alert_delivery"), root);
	schema_check_object(defs, json_object_get(defs, "alert"), al);
	ck_assert_uint_eq(json_object_size(al),
	    json_object_size(
		json_object_get(json_object_get(defs, "alert"), "properties")));
	json_decref(schema);
	json_decref(root);
	buf_free(&b);
}
END_TEST

START_TEST(test_webhook_digest_and_signature)
{
	struct alert items[2];
	struct alert_digest d = {
	    "ccw-digest-ca-team-20260313", "ca@x.org", items, 2, NOW};
	struct buf b;
	json_t *root;
	json_error_t err;
	char *cause = NULL, *sig;

	items[0] = alert_sample();
	items[1] = alert_sample();
	items[1].bug_id = 42;
	buf_init(&b, NOTIFY_MAX_MESSAGE);
	ck_assert_int_eq(notify_webhook_build_digest(&d, &b, &cause), 0);
	root = json_loads(buf_str(&b), 0, &err);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "schema")),
	    "ccwatch.digest/3");
	ck_assert_str_eq(
	    json_string_value(json_object_get(root, "delivery_id")), d.id);
	ck_assert_uint_eq(json_array_size(json_object_get(
			      json_object_get(root, "digest"), "alerts")),
	    2);
	json_decref(root);
	/* RFC 4231-style known answer (Wikipedia's HMAC-SHA256 example). */
	sig = notify_webhook_signature(
	    "key", "The quick brown fox jumps over the lazy dog", 43);
	ck_assert_str_eq(sig,
	    "sha256="
	    "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3"
	    "cd8");
	free(sig);
	buf_free(&b);
}
END_TEST

START_TEST(test_record_channel)
{
	struct alert a = alert_sample();
	struct alert_digest d = {NULL, "ca@x.org", &a, 1, NOW};
	struct notify_failure fail;
	struct notifier *n = notify_record_new("fake");
	const struct notify_record *r;
	char *cause = NULL;

	ck_assert_str_eq(n->ops->name, "record");
	notify_record_fail_next(n, 1, 1, 30);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_int_eq(fail.retry_after, 30);
	free(cause);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), 0);
	ck_assert_int_eq(notify_send_digest(n, &d, &fail, &cause), 0);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
	r = notify_record_get(n, 0);
	ck_assert_str_eq(r->id, a.id);
	ck_assert_str_eq(r->clock, "full-report");
	ck_assert_str_eq(r->state, "overdue");
	ck_assert_int_eq(r->digest, 0);
	r = notify_record_get(n, 1);
	ck_assert_int_eq(r->digest, 1);
	ck_assert_str_eq(r->recipient, "ca@x.org");
	ck_assert_uint_eq(r->nitems, 1);
	ck_assert_ptr_null(notify_record_get(n, 2));
	a.id = "bad id";
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 0);
	free(cause);
	ck_assert_uint_eq(notify_record_attempts(n), 3);
	notify_free(n);
}
END_TEST

/* The aiosmtpd sink of the live mail tests. */
static char *sink_dir;
static int sink_port;

/* Run tests/smtp-sink.sh with cmd; returns its first output line as int. */
static int
sink_run(const char *cmd)
{
	char *script = testutil_srcpath("tests/smtp-sink.sh"), *line;
	char out[64] = "";
	FILE *f;
	int status;

	xasprintf(&line, "sh '%s' %s '%s' 2>&1", script, cmd, sink_dir);
	f = popen(line, "r");
	ck_assert_ptr_nonnull(f);
	if (fgets(out, sizeof out, f) == NULL)
		out[0] = '\0';
	status = pclose(f);
	ck_assert_msg(status == 0, "%s: %s", line, out);
	free(line);
	free(script);
	return (int)strtol(out, NULL, 10);
}

/* Start aiosmtpd in a fresh directory. */
static void
sink_start(void)
{
	ck_assert_msg(access("/usr/bin/aiosmtpd", X_OK) == 0,
	    "/usr/bin/aiosmtpd missing: install python3-aiosmtpd");
	sink_dir = testutil_mkdtemp();
	sink_port = sink_run("start");
	ck_assert_int_gt(sink_port, 0);
}

/* Stop aiosmtpd and remove its directory. */
static void
sink_stop(void)
{
	sink_run("stop");
	testutil_rmdir(sink_dir);
	free(sink_dir);
	sink_dir = NULL;
}

/* Read every message in the sink's maildir, sorted by file name. */
static size_t
sink_messages(char **msgs, size_t max)
{
	char *dir, *path;
	struct dirent **list;
	int i, k;
	size_t n = 0;

	xasprintf(&dir, "%s/maildir/new", sink_dir);
	k = scandir(dir, &list, NULL, alphasort);
	ck_assert_int_ge(k, 0);
	for (i = 0; i < k; i++) {
		if (list[i]->d_name[0] != '.' && n < max) {
			xasprintf(&path, "%s/%s", dir, list[i]->d_name);
			msgs[n++] = testutil_read_file(path, NULL);
			free(path);
		}
		free(list[i]);
	}
	free(list);
	free(dir);
	return n;
}

START_TEST(test_smtp_deliver_aiosmtpd)
{
	static const char *const extra[] = {"X-Peer", "X-MailFrom", "X-RcptTo"};
	struct alert a[2];
	struct smtp_channel ch;
	struct notifier *n;
	struct notify_failure fail;
	struct mail m[2];
	char *url, *cause = NULL, *msgs[4], *subject, *text;
	size_t got, i;

	a[0] = alert_sample();
	a[0].bug_summary = "Zertifikat f\xc3\xbcr CA " HOSTILE;
	a[1] = a[0];
	a[1].id = "ccw-1890123-full-report-1773186000-1";
	a[1].level = 1;
	ch = smtp_sample(sink_port, &url);
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_msg(n != NULL, "%s", cause);
	timeutil_set_now(NOW);
	for (i = 0; i < 2; i++) {
		ck_assert_msg(
		    notify_send(n, &a[i], &fail, &cause) == 0, "%s", cause);
	}
	timeutil_set_now(0);
	got = sink_messages(msgs, 4);
	ck_assert_uint_eq(got, 2);
	for (i = 0; i < 2; i++) {
		mail_parse(msgs[i], &m[i]);
		assert_header_set(&m[i], extra, 3);
		ck_assert_str_eq(
		    mail_header(&m[i], "X-MailFrom"), "ccwatch@example.org");
		ck_assert_str_eq(mail_header(&m[i], "X-RcptTo"),
		    "ca-team@example.org, overseer@example.org");
		ck_assert_str_eq(
		    mail_header(&m[i], "In-Reply-To"), "<bug-1890123@ccwatch>");
		ck_assert_str_eq(
		    mail_header(&m[i], "References"), "<bug-1890123@ccwatch>");
		ck_assert_str_eq(
		    mail_header(&m[i], "Auto-Submitted"), "auto-generated");
		ck_assert_ptr_null(mail_header(&m[i], "Bcc"));
		subject = subject_decode(mail_header(&m[i], "Subject"));
		ck_assert_ptr_nonnull(strstr(subject,
		    "Zertifikat f\xc3\xbcr CA x  Bcc: evil@example.net    "
		    "body"));
		free(subject);
		text = qp_decode(m[i].body);
		ck_assert_ptr_nonnull(strstr(text, a[0].rule));
		/* one dot, as written: libcurl stuffed it, the server unstuffed
		 */
		ck_assert_ptr_nonnull(
		    strstr(text, "\n.hidden line that starts with a dot\n"));
		ck_assert_ptr_nonnull(
		    strstr(text, "overdue by 2 days 3 hours"));
		free(text);
	}
	/* Two alerts, two ids, one thread: whichever file came first. */
	ck_assert_str_ne(
	    mail_header(&m[0], "Message-ID"), mail_header(&m[1], "Message-ID"));
	for (i = 0; i < 2; i++) {
		const char *mid = mail_header(&m[i], "Message-ID");

		ck_assert_msg(
		    strcmp(mid,
			"<ccw-1890123-full-report-1773186000-0@ccwatch>") ==
			    0 ||
			strcmp(mid,
			    "<ccw-1890123-full-report-1773186000-1@ccwatch>") ==
			    0,
		    "%s", mid);
		mail_free(&m[i]);
		free(msgs[i]);
	}
	notify_free(n);
	free(url);
}
END_TEST

START_TEST(test_smtp_server_down)
{
	struct alert a = alert_sample();
	struct smtp_channel ch;
	struct notifier *n;
	struct notify_failure fail;
	char *url, *cause = NULL;
	int port = sink_port;

	sink_run("stop");
	ch = smtp_sample(port, &url);
	ch.timeout = 5;
	n = notify_smtp_new("mail", &ch, &cause);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_ptr_nonnull(strstr(cause, "mail: smtp:"));
	free(cause);
	notify_free(n);
	free(url);
}
END_TEST

/* One request seen by the stand-in receiver. */
struct seen {
	char *body;
	size_t len;
	char *signature;
	char *delivery;
	char *content_type;
	unsigned status;
};

/* A scripted HTTP receiver on 127.0.0.1. */
static struct {
	struct MHD_Daemon *d;
	int port;
	pthread_mutex_t lock;
	unsigned statuses[8]; /* answers in order; then 200 */
	size_t nstatuses;
	const char *retry_after;
	struct seen seen[8];
	size_t nseen;
} rx = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The request body collected across calls. */
struct rx_conn {
	struct buf body;
};

/* Copy a request header, or NULL. */
static char *
rx_header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v != NULL ? xstrdup(v) : NULL;
}

/* Collect the body; at its end, record the request and answer by script. */
static enum MHD_Result
rx_answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *data_size, void **ctx)
{
	struct rx_conn *rc = *ctx;
	struct MHD_Response *r;
	struct seen *s;
	unsigned status = 200;
	enum MHD_Result ret;

	if (rc == NULL) {
		rc = xcalloc(1, sizeof *rc);
		buf_init(&rc->body, NOTIFY_MAX_MESSAGE);
		*ctx = rc;
		return MHD_YES;
	}
	if (*data_size > 0) {
		buf_add(&rc->body, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&rx.lock);
	if (rx.nseen < rx.nstatuses)
		status = rx.statuses[rx.nseen];
	if (rx.nseen < CCWATCH_NELEM(rx.seen)) {
		s = &rx.seen[rx.nseen++];
		s->len = rc->body.len;
		s->body = buf_detach(&rc->body);
		s->signature = rx_header(c, "X-Ccwatch-Signature");
		s->delivery = rx_header(c, "X-Ccwatch-Delivery");
		s->content_type = rx_header(c, "Content-Type");
		s->status = status;
	}
	pthread_mutex_unlock(&rx.lock);
	r = MHD_create_response_from_buffer(
	    2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	if (status == 429 && rx.retry_after != NULL)
		MHD_add_response_header(r, "Retry-After", rx.retry_after);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Free a connection's body buffer. */
static void
rx_completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct rx_conn *rc = *ctx;

	if (rc == NULL)
		return;
	buf_free(&rc->body);
	free(rc);
	*ctx = NULL;
}

/* Start the receiver on an ephemeral loopback port. */
static void
rx_start(void)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx.nseen = 0;
	rx.nstatuses = 0;
	rx.retry_after = NULL;
	rx.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    rx_answer, NULL, MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_NOTIFY_COMPLETED, rx_completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	ck_assert_ptr_nonnull(rx.d);
	info = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	rx.port = info->port;
}

/* Stop the receiver and drop what it saw. */
static void
rx_stop(void)
{
	size_t i;

	MHD_stop_daemon(rx.d);
	rx.d = NULL;
	for (i = 0; i < rx.nseen; i++) {
		free(rx.seen[i].body);
		free(rx.seen[i].signature);
		free(rx.seen[i].delivery);
		free(rx.seen[i].content_type);
	}
	memset(rx.seen, 0, sizeof rx.seen);
	rx.nseen = 0;
}

/* Verify a signature the way a receiver would, with OpenSSL directly. */
static int
rx_signature_ok(const struct seen *s, const char *secret)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 8] = "sha256=";

	if (s->signature == NULL)
		return 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)s->body, s->len, md, &mdlen);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", md[i]);
	return strcmp(hex, s->signature) == 0;
}

START_TEST(test_webhook_retry_keeps_id)
{
	struct alert a = alert_sample();
	struct webhook_channel ch;
	struct notifier *n;
	struct notify_failure fail;
	char *url, *cause = NULL;
	size_t i;

	rx.statuses[0] = 500;
	rx.statuses[1] = 200;
	rx.nstatuses = 2;
	notify_webhook_channel_init(&ch);
	xasprintf(&url, "http://127.0.0.1:%d/hook/TOKEN123", rx.port);
	ch.url = url;
	ch.secret = "s3cret-hmac-key";
	ch.timeout = 10;
	n = notify_webhook_new("hook", &ch, &cause);
	ck_assert_msg(n != NULL, "%s", cause);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_ptr_nonnull(strstr(cause, "HTTP 500"));
	ck_assert_ptr_null(strstr(cause, "TOKEN123"));
	ck_assert_ptr_null(strstr(cause, "s3cret"));
	free(cause);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), 0);
	pthread_mutex_lock(&rx.lock);
	ck_assert_uint_eq(rx.nseen, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(rx.seen[i].delivery, a.id);
		ck_assert_str_eq(rx.seen[i].content_type, "application/json");
		ck_assert_msg(rx_signature_ok(&rx.seen[i], "s3cret-hmac-key"),
		    "bad signature %s", rx.seen[i].signature);
		ck_assert(!rx_signature_ok(&rx.seen[i], "other-key"));
	}
	ck_assert_str_eq(rx.seen[0].body, rx.seen[1].body);
	ck_assert_ptr_nonnull(strstr(rx.seen[1].body,
	    "\"delivery_id\":\"ccw-1890123-full-report-1773186000-0\""));
	pthread_mutex_unlock(&rx.lock);
	notify_free(n);
	free(url);
}
END_TEST

START_TEST(test_webhook_permanent_and_down)
{
	struct alert a = alert_sample();
	struct alert_digest d = {NULL, "ca@x.org", &a, 1, NOW};
	struct webhook_channel ch;
	struct notifier *n;
	struct notify_failure fail;
	char *url, *cause = NULL, *id;

	rx.statuses[0] = 400;
	rx.statuses[1] = 429;
	rx.statuses[2] = 503;
	rx.nstatuses = 3;
	notify_webhook_channel_init(&ch);
	xasprintf(&url, "http://127.0.0.1:%d/hook", rx.port);
	ch.url = url;
	ch.secret = "k";
	n = notify_webhook_new("hook", &ch, &cause);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 0);
	free(cause);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	free(cause);
	ck_assert_int_eq(notify_send_digest(n, &d, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	free(cause);
	ck_assert_int_eq(notify_send_digest(n, &d, &fail, &cause), 0);
	id = notify_digest_id(&d);
	pthread_mutex_lock(&rx.lock);
	ck_assert_uint_eq(rx.nseen, 4);
	ck_assert_str_eq(rx.seen[2].delivery, id);
	ck_assert_str_eq(rx.seen[3].delivery, id);
	ck_assert(rx_signature_ok(&rx.seen[3], "k"));
	pthread_mutex_unlock(&rx.lock);
	free(id);
	rx_stop();
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_ptr_nonnull(strstr(cause, "127.0.0.1"));
	ck_assert_ptr_null(strstr(cause, "/hook"));
	free(cause);
	rx_start();
	notify_free(n);
	free(url);
	/* http:// off loopback and a missing secret are refused */
	ch.url = "http://hooks.example.org/x";
	ck_assert_ptr_null(notify_webhook_new("hook", &ch, &cause));
	free(cause);
	ch.url = "https://hooks.example.org/x";
	ch.secret = NULL;
	ck_assert_ptr_null(notify_webhook_new("hook", &ch, &cause));
	free(cause);
}
END_TEST

START_TEST(test_slack_429_then_delivered_once)
{
	struct alert a = alert_sample();
	struct slack_channel ch;
	struct notifier *n;
	struct notify_failure fail;
	json_t *root;
	const char *text, *section;
	char *url, *cause = NULL;
	size_t i, accepted = 0;

	rx.statuses[0] = 429;
	rx.nstatuses = 1;
	rx.retry_after = "7";
	a.bug_summary = "<!channel> OCSP outage";
	notify_slack_channel_init(&ch);
	xasprintf(
	    &url, "http://127.0.0.1:%d/services/T000/B000/XOXSECRET", rx.port);
	ch.webhook_url = url;
	n = notify_slack_new("slack", &ch, &cause);
	ck_assert_msg(n != NULL, "%s", cause);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), -1);
	ck_assert_int_eq(fail.retryable, 1);
	ck_assert_int_eq(fail.retry_after, 7);
	ck_assert_ptr_nonnull(strstr(cause, "429"));
	ck_assert_ptr_null(strstr(cause, "XOXSECRET"));
	ck_assert_ptr_null(strstr(cause, "/services"));
	free(cause);
	ck_assert_int_eq(notify_send(n, &a, &fail, &cause), 0);
	pthread_mutex_lock(&rx.lock);
	ck_assert_uint_eq(rx.nseen, 2);
	for (i = 0; i < rx.nseen; i++) {
		if (rx.seen[i].status / 100 != 2)
			continue;
		accepted++;
		root = slack_parse(rx.seen[i].body, &text, &section);
		ck_assert_ptr_nonnull(strstr(text, "&lt;!channel&gt;"));
		ck_assert_ptr_null(strstr(rx.seen[i].body, "<!channel>"));
		json_decref(root);
	}
	ck_assert_uint_eq(accepted, 1);
	pthread_mutex_unlock(&rx.lock);
	notify_free(n);
	free(url);
	ch.webhook_url = "http://hooks.slack.com/services/x";
	ck_assert_ptr_null(notify_slack_new("slack", &ch, &cause));
	ck_assert_ptr_null(strstr(cause, "services"));
	free(cause);
}
END_TEST

/* The channel suite: rendering, then live deliveries on loopback. */
static Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_test(tc, test_date_and_relative);
	tcase_add_test(tc, test_ids_and_hosts);
	tcase_add_test(tc, test_clean_text);
	tcase_add_test(tc, test_smtp_message_headers);
	tcase_add_test(tc, test_smtp_subject_plain_and_long);
	tcase_add_test(tc, test_smtp_body);
	tcase_add_test(tc, test_smtp_digest);
	tcase_add_test(tc, test_slack_escaping);
	tcase_add_test(tc, test_slack_restricted_and_digest);
	tcase_add_test(tc, test_webhook_payload);
	tcase_add_test(tc, test_webhook_digest_and_signature);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, test_smtp_header_injection);
	tcase_add_test(tc, test_smtp_config_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("record");
	tcase_add_test(tc, test_record_channel);
	suite_add_tcase(s, tc);

	tc = tcase_create("smtp-live");
	tcase_add_checked_fixture(tc, sink_start, sink_stop);
	tcase_add_test(tc, test_smtp_deliver_aiosmtpd);
	tcase_add_test(tc, test_smtp_server_down);
	suite_add_tcase(s, tc);

	tc = tcase_create("http-live");
	tcase_add_checked_fixture(tc, rx_start, rx_stop);
	tcase_add_test(tc, test_webhook_retry_keeps_id);
	tcase_add_test(tc, test_webhook_permanent_and_down);
	tcase_add_test(tc, test_slack_429_then_delivered_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
