/*
 * libFuzzer target for the notification renderers: the input's bytes, split
 * at NUL into the text fields of an alert (and the mail's From and To), go
 * through the SMTP message, the Slack payload and the webhook payload.  The
 * SMTP header block must stay the fixed set of headers whatever the text:
 * a bare CR or LF, or a header line outside that set, aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "notify.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Text fields taken from the input, in this order. */
#define FUZZ_NOTIFY_FIELDS 11

/* The headers notify_smtp_build_message may write, each once. */
static const char *const fuzz_notify_headers[] = {"Date", "From", "To",
    "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding"};

/* Drop log lines. */
static void
fuzz_notify_sink(int prio, const char *line, void *arg)
{
}

/* Return the index of header name (len bytes) in the set, or -1. */
static int
fuzz_notify_header_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0;
	     i < sizeof fuzz_notify_headers / sizeof *fuzz_notify_headers;
	     i++) {
		if (strlen(fuzz_notify_headers[i]) == len &&
		    strncmp(fuzz_notify_headers[i], name, len) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Check the header block of msg: CRLF line ends only, every line a known
 * header (at most once) or a folded continuation, Subject and Message-ID
 * present, then the blank line.  Aborts on a violation.
 */
static void
fuzz_notify_check_headers(const char *msg, size_t len)
{
	unsigned seen = 0;
	const char *p = msg, *end = msg + len, *eol, *colon;
	int idx;

	for (;;) {
		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL || eol + 1 >= end || eol[1] != '\n')
			abort(); /* a CR that is not a line end, or no end */
		if (memchr(p, '\n', (size_t)(eol - p)) != NULL)
			abort(); /* a bare LF inside a header line */
		if (eol == p)
			break; /* the blank line: the body follows */
		if (*p == ' ' || *p == '\t') {
			if (seen == 0)
				abort(); /* a continuation before any header */
		} else {
			colon = memchr(p, ':', (size_t)(eol - p));
			if (colon == NULL)
				abort();
			idx = fuzz_notify_header_index(p, (size_t)(colon - p));
			if (idx == -1 || (seen & (1U << idx)) != 0)
				abort(); /* injected or repeated */
			seen |= 1U << idx;
		}
		p = eol + 2;
	}
	if ((seen & (1U << 3)) == 0 || (seen & (1U << 4)) == 0)
		abort();
	/* The body is quoted-printable: no bare CR or LF there either. */
	for (p += 2; p < end; p++) {
		if (*p == '\r' && (p + 1 >= end || p[1] != '\n'))
			abort();
		if (*p == '\n' && (p == msg || p[-1] != '\r'))
			abort();
	}
}

/* The prefix of every URL of the alert (ccwatch builds them). */
#define FUZZ_NOTIFY_URL "https://bmo.test/"

/*
 * Abort if a string of Slack's payload holds mrkdwn control text: a '<'
 * that does not open one of our links, or an '&' that is not an entity.
 */
static void
fuzz_notify_check_mrkdwn(const json_t *v)
{
	const json_t *e;
	const char *s, *key;
	size_t i;

	if (json_is_string(v)) {
		s = json_string_value(v);
		for (; *s != '\0'; s++) {
			if (*s == '<' &&
			    strncmp(s + 1, FUZZ_NOTIFY_URL,
				strlen(FUZZ_NOTIFY_URL)) != 0)
				abort();
			if (*s == '&' && strncmp(s, "&amp;", 5) != 0 &&
			    strncmp(s, "&lt;", 4) != 0 &&
			    strncmp(s, "&gt;", 4) != 0)
				abort();
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) fuzz_notify_check_mrkdwn(e);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e)
		    fuzz_notify_check_mrkdwn(e);
	}
}

/*
 * Abort unless the len bytes at s are one JSON document; with slack, check
 * its strings as mrkdwn too.
 */
static void
fuzz_notify_check_json(const char *s, size_t len, int slack)
{
	json_error_t err;
	json_t *root;

	root = json_loadb(s, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		abort();
	if (slack)
		fuzz_notify_check_mrkdwn(root);
	json_decref(root);
}

/* FUZZ_NOTIFY_URL followed by tail, allocated. */
static char *
fuzz_notify_url(const char *tail)
{
	char *url;

	xasprintf(&url, "%s%s", FUZZ_NOTIFY_URL, tail);
	return url;
}

/* The libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_channel smtp;
	struct slack_channel slack;
	struct alert a;
	struct buf out;
	const char *f[FUZZ_NOTIFY_FIELDS];
	const char *to[1];
	char *copy, *p, *cause = NULL, *url[3];
	size_t i, nf;
	time_t now = 1764612000; /* 2025-12-01T18:00:00Z */

	log_set_sink(fuzz_notify_sink, NULL);
	if (size < 2)
		return 0;
	/* Two flag bytes, then the NUL-separated fields. */
	copy = xmalloc(size - 2 + 1);
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	for (i = 0; i < FUZZ_NOTIFY_FIELDS; i++)
		f[i] = "";
	p = copy;
	for (nf = 0; nf < FUZZ_NOTIFY_FIELDS && p <= copy + size - 2; nf++) {
		f[nf] = p;
		p += strlen(p) + 1;
	}

	memset(&a, 0, sizeof a);
	a.id = "ccw-1-initial-report-1-2-overdue-0";
	a.bug_id = 1900000 + (data[0] & 0x7f);
	a.bug_summary = f[0];
	url[0] = fuzz_notify_url(f[1]);
	url[1] = fuzz_notify_url(f[7]);
	url[2] = fuzz_notify_url(f[8]);
	a.bug_url = url[0];
	a.ca = (data[1] & 1) ? NULL : f[2];
	a.clock = f[3];
	a.state = f[4];
	a.level = data[0] >> 5;
	a.due = now + ((long)(signed char)data[1]) * 3600;
	a.started_at = a.due - 3 * 86400;
	a.rule = f[5];
	a.evidence = f[6];
	a.comment_url = (data[1] & 2) ? NULL : url[1];
	a.query_url = (data[1] & 4) ? NULL : url[2];
	a.restricted = (data[1] & 8) != 0;
	a.created = now;

	notify_smtp_channel_init(&smtp);
	smtp.url = "smtp://127.0.0.1:25";
	smtp.from = f[9];
	to[0] = f[10];
	smtp.to = to;
	smtp.nto = 1;
	buf_init(&out, 4 * NOTIFY_MAX_MESSAGE);
	if (notify_smtp_build_message(&a, &smtp, now, &out, &cause) == 0)
		fuzz_notify_check_headers(buf_str(&out), out.len);
	else
		free(cause);
	cause = NULL;
	buf_free(&out);

	notify_slack_channel_init(&slack);
	slack.webhook_url = "https://hooks.slack.invalid/x";
	slack.private_data = (data[1] & 16) != 0;
	buf_init(&out, 4 * NOTIFY_MAX_MESSAGE);
	if (notify_slack_build_payload(&a, &slack, now, &out, &cause) == 0)
		fuzz_notify_check_json(buf_str(&out), out.len, 1);
	else
		free(cause);
	cause = NULL;
	buf_free(&out);

	buf_init(&out, 4 * NOTIFY_MAX_MESSAGE);
	if (notify_webhook_build_payload(&a, &out, &cause) == 0)
		fuzz_notify_check_json(buf_str(&out), out.len, 0);
	else
		free(cause);
	buf_free(&out);
	for (i = 0; i < 3; i++)
		free(url[i]);
	free(copy);
	return 0;
}
