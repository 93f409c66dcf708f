/*
 * libFuzzer target for the handling of a Bugzilla response.  The
 * classification in src/bugzilla.c (bugzilla_classify) is static and
 * bugzilla_call needs a live server, so this target runs what they run on
 * an arrived response, through the public functions they call, in their
 * order: model_error_from_json on the body whatever the status, the error
 * message through log_escape as the cause quotes it, and on a 200 that is
 * no error object the endpoint's parser.  What a cycle then does with the
 * bug text that can be done without a store follows: the whiteboard
 * parser on every whiteboard and log_escape, notify_clean_text and the
 * feed escapers on every summary, comment text and login.
 *
 * The first byte picks the status (low 3 bits) and the endpoint (next 3
 * bits); the rest is the body, as raw bytes: invalid UTF-8, NULs and
 * deep nesting reach jansson exactly as from the network.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "feed.h"
#include "log.h"
#include "model.h"
#include "notify.h"
#include "whiteboard.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Statuses a server sends, as bugzilla_classify tells them apart. */
static const long fuzz_http_status[8] = {
    200, 200, 400, 401, 404, 429, 500, 503};

/* Drop log lines: skipped records are expected and would flood stderr. */
static void
fuzz_http_sink(int prio, const char *line, void *arg)
{
}

/* Run one untrusted string through every escaper that prints it. */
static void
fuzz_http_text(const char *s)
{
	char esc[256], *e;
	struct buf b;

	if (s == NULL)
		return;
	(void)log_escape(esc, sizeof esc, s);
	buf_init(&b, 4096);
	notify_clean_text(s, 300, 1, &b);
	buf_free(&b);
	buf_init(&b, 4096);
	notify_clean_text(s, 1000, 0, &b);
	buf_free(&b);
	e = feed_ics_escape(s);
	free(e);
	e = feed_html_escape(s);
	free(e);
}

/* What a cycle does with parsed bugs before storing them. */
static void
fuzz_http_bugs(const struct bug_list *bl)
{
	struct whiteboard wb;
	size_t i;

	for (i = 0; i < bl->n; i++) {
		whiteboard_parse(bl->v[i].whiteboard, &wb);
		whiteboard_free(&wb);
		fuzz_http_text(bl->v[i].summary);
		fuzz_http_text(bl->v[i].whiteboard);
		fuzz_http_text(bl->v[i].creator);
		fuzz_http_text(bl->v[i].assigned_to);
	}
}

/* Parse body as the endpoint's answer and free what was made. */
static void
fuzz_http_parse(unsigned endpoint, const char *body, size_t len)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL, *s = NULL;
	time_t t;
	size_t i;
	int rc = -1;

	switch (endpoint % 6) {
	case 0:
		rc = model_bugs_from_json(body, len, &bl, &cause);
		if (rc != -1)
			fuzz_http_bugs(&bl);
		bug_list_free(&bl);
		break;
	case 1:
		rc = model_comments_from_json(body, len, &cl, &cause);
		for (i = 0; rc != -1 && i < cl.n; i++) {
			fuzz_http_text(cl.v[i].text);
			fuzz_http_text(cl.v[i].creator);
		}
		comment_list_free(&cl);
		break;
	case 2:
		rc = model_history_from_json(body, len, &hl, &cause);
		history_list_free(&hl);
		break;
	case 3:
		rc = model_time_from_json(body, len, &t, &cause);
		break;
	case 4:
		rc = model_version_from_json(body, len, &s, &cause);
		break;
	default:
		rc = model_whoami_from_json(body, len, &s, &cause);
		break;
	}
	if (rc == -1)
		fuzz_http_text(cause);
	else
		fuzz_http_text(s);
	free(s);
	free(cause);
}

/* The libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body;
	char *msg = NULL, esc[256];
	long status, code = 0;
	size_t len;
	int is_error;

	log_set_sink(fuzz_http_sink, NULL);
	if (size == 0)
		return 0;
	status = fuzz_http_status[data[0] & 7];
	body = (const char *)data + 1;
	len = size - 1;
	/* bugzilla_classify: the error object first, whatever the status. */
	is_error = model_error_from_json(body, len, &code, &msg);
	if (is_error)
		(void)log_escape(esc, sizeof esc, msg);
	free(msg);
	if (status == 200 && !is_error)
		fuzz_http_parse((data[0] >> 3) & 7, body, len);
	return 0;
}
