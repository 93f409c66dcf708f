/*
 * Tests of the mail channel: the pure renderer (headers, RFC 2047
 * subjects, header injection, quoted-printable bodies, digests), its
 * configuration checks, and real deliveries to Debian's aiosmtpd on
 * 127.0.0.1.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "notify.h"
#include "notify_fixture.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

static const char *const rcpts[] = {
    "ca-team@example.org", "overseer@example.org"};

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

START_TEST(test_smtp_message_headers)
{
	struct alert a = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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

	items[0] = nfix_alert_sample();
	items[1] = nfix_alert_sample();
	items[1].bug_id = 1900001;
	items[1].state = "due-soon";
	items[1].due = NOW + 86400;
	items[1].bug_summary = HOSTILE;
	items[2] = nfix_alert_sample();
	items[2].clock = "update";
	items[2].state = "met";
	items[2].reason_kind = "met";
	items[2].reason = "met by comment 5 (roots@example.com)";
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
	    text, "[ccwatch] Digest: 2 deadlines due soon or overdue, 1 met");
	free(text);
	ck_assert_ptr_nonnull(strstr(mail_header(&m, "Message-ID"), id));
	text = qp_decode(m.body);
	ck_assert_ptr_nonnull(strstr(text, "\n1. Bug 1890123:"));
	ck_assert_ptr_nonnull(strstr(text, "\n2. Bug 1900001: x  Bcc: evil"));
	ck_assert_ptr_nonnull(strstr(text, "due in 1 day"));
	/* A met item is one line. */
	ck_assert_ptr_nonnull(strstr(text,
	    "\n3. Bug 1890123 update met: met by comment 5 "
	    "(roots@example.com) (Example Trust GmbH)\n"));
	ck_assert_ptr_null(strstr(text, "Clock: update"));
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

	a[0] = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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

/* The mail channel: rendering, then live deliveries on loopback. */
static Suite *
notify_smtp_suite(void)
{
	Suite *s = suite_create("notify_smtp");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_test(tc, test_smtp_message_headers);
	tcase_add_test(tc, test_smtp_subject_plain_and_long);
	tcase_add_test(tc, test_smtp_body);
	tcase_add_test(tc, test_smtp_digest);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, test_smtp_header_injection);
	tcase_add_test(tc, test_smtp_config_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("smtp-live");
	tcase_add_checked_fixture(tc, sink_start, sink_stop);
	tcase_add_test(tc, test_smtp_deliver_aiosmtpd);
	tcase_add_test(tc, test_smtp_server_down);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_smtp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
