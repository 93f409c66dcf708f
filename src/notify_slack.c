/*
 * The Slack channel: an incoming-webhook POST with a "text" fallback and
 * mrkdwn blocks.  Slack reads "<!channel>", "<@U123>" and "<url|label>"
 * out of text, so every piece of bug text has '&', '<' and '>' escaped
 * before it goes in; only the links ccwatch builds itself use the angle
 * brackets.  The webhook URL is a credential: causes name only its host.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ccwatch.h"
#include "notify.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The channel's own copy of its configuration. */
struct notify_slack {
	struct slack_channel ch;
	char *webhook_url;
};

/* Append text cleaned to valid UTF-8 (max bytes) with &, <, > escaped. */
static void
notify_slack_escape(const char *s, size_t max, int oneline, struct buf *out)
{
	struct buf clean;
	const char *p;

	buf_init(&clean, max + 8);
	notify_clean_text(s, max, oneline, &clean);
	for (p = buf_str(&clean); *p != '\0'; p++) {
		if (*p == '&')
			buf_addstr(out, "&amp;");
		else if (*p == '<')
			buf_addstr(out, "&lt;");
		else if (*p == '>')
			buf_addstr(out, "&gt;");
		else
			buf_addch(out, *p);
	}
	buf_free(&clean);
}

/* Append a link "<url|label>"; the URL may not close the link early. */
static void
notify_slack_link(const char *url, const char *label, struct buf *out)
{
	struct buf clean;
	const char *p;

	buf_init(&clean, CCWATCH_MAX_URL + 8);
	notify_clean_text(url, CCWATCH_MAX_URL, 1, &clean);
	buf_addch(out, '<');
	for (p = buf_str(&clean); *p != '\0'; p++) {
		if (*p == '&')
			buf_addstr(out, "&amp;");
		else if (*p == '<' || *p == '>' || *p == '|' || *p == ' ')
			buf_printf(out, "%%%02X", (unsigned char)*p);
		else
			buf_addch(out, *p);
	}
	buf_addch(out, '|');
	notify_slack_escape(label, 200, 1, out);
	buf_addch(out, '>');
	buf_free(&clean);
}

/* The summary as the channel may show it. */
static const char *
notify_slack_summary(const struct alert *a, const struct slack_channel *ch)
{
	if (a->restricted && !ch->private_data)
		return "(restricted bug)";
	return a->bug_summary;
}

/* Append the one-line fallback for one alert. */
static void
notify_slack_fallback(const struct alert *a, const struct slack_channel *ch,
    time_t now, struct buf *out)
{
	buf_printf(out, "[ccwatch] Bug %lld ", (long long)a->bug_id);
	notify_slack_escape(a->clock, 100, 1, out);
	buf_addch(out, ' ');
	notify_slack_escape(a->state, 100, 1, out);
	buf_addstr(out, ": ");
	notify_slack_escape(notify_slack_summary(a, ch), 300, 1, out);
	buf_addstr(out, " (");
	notify_format_relative(a->due, now, out);
	buf_addch(out, ')');
}

/* Append the mrkdwn section text for one alert. */
static void
notify_slack_section(const struct alert *a, const struct slack_channel *ch,
    time_t now, struct buf *out)
{
	char label[64];
	int hidden = a->restricted && !ch->private_data;

	snprintf(label, sizeof label, "Bug %lld", (long long)a->bug_id);
	buf_addch(out, '*');
	notify_slack_link(a->bug_url, label, out);
	buf_addstr(out, "*: ");
	notify_slack_escape(notify_slack_summary(a, ch), 300, 1, out);
	buf_addstr(out, "\n*");
	notify_slack_escape(a->clock, 100, 1, out);
	buf_addstr(out, "* clock *");
	notify_slack_escape(a->state, 100, 1, out);
	buf_addch(out, '*');
	notify_format_reason(a, notify_slack_escape, out);
	notify_format_due(a, now, ", due ", out);
	buf_addstr(out, "\n*CA:* ");
	notify_slack_escape(a->ca != NULL ? a->ca : "(unknown)", 200, 1, out);
	buf_addstr(out, "\n*Why:* ");
	notify_slack_escape(a->rule, 800, 0, out);
	if (!hidden) {
		buf_addstr(out, "\n*Evidence:* ");
		notify_slack_escape(a->evidence, 800, 0, out);
	}
	if (a->comment_url != NULL && !hidden) {
		buf_addstr(out, "\n");
		notify_slack_link(a->comment_url, "the comment", out);
	}
	if (a->query_url != NULL) {
		buf_addstr(out, "\n");
		notify_slack_link(a->query_url, "live query", out);
	}
}

/* A met alert of a digest in one line: bug, clock, how it was met. */
static void
notify_slack_met_line(const struct alert *a, struct buf *out)
{
	char label[64];

	snprintf(label, sizeof label, "Bug %lld", (long long)a->bug_id);
	notify_slack_link(a->bug_url, label, out);
	buf_addch(out, ' ');
	notify_slack_escape(a->clock, 100, 1, out);
	buf_addstr(out, " met");
	notify_format_reason(a, notify_slack_escape, out);
}

/* A section block holding mrkdwn text. */
static json_t *
notify_slack_block(const char *text)
{
	return json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
	    "type", "mrkdwn", "text", text);
}

/* Serialise the payload into out, or fail when it cannot be encoded. */
static int
notify_slack_dump(json_t *root, struct buf *out, char **cause)
{
	if (root == NULL) {
		xasprintf(cause, "slack: cannot build the payload");
		return -1;
	}
	return notify_json_dump(root, out, "slack: payload too large", cause);
}

/* Render one alert as an incoming-webhook payload. */
int
notify_slack_build_payload(const struct alert *a,
    const struct slack_channel *ch, time_t now, struct buf *out, char **cause)
{
	struct buf text, section;
	json_t *root;
	int rc;

	buf_init(&text, 4096);
	buf_init(&section, 8192);
	notify_slack_fallback(a, ch, now, &text);
	notify_slack_section(a, ch, now, &section);
	root = json_pack("{s:s, s:[o]}", "text", buf_str(&text), "blocks",
	    notify_slack_block(buf_str(&section)));
	rc = notify_slack_dump(root, out, cause);
	buf_free(&text);
	buf_free(&section);
	return rc;
}

/* Render a digest: a header section, then one section per item. */
int
notify_slack_build_digest(const struct alert_digest *d,
    const struct slack_channel *ch, time_t now, struct buf *out, char **cause)
{
	struct buf text, section;
	json_t *root, *blocks;
	size_t i, shown, met;

	buf_init(&text, 4096);
	buf_printf(&text, "[ccwatch] Digest for ");
	notify_slack_escape(d->recipient, 200, 1, &text);
	met = notify_digest_met(d);
	buf_printf(&text, ": %zu deadline%s due soon or overdue",
	    d->n - met + d->more, d->n - met + d->more == 1 ? "" : "s");
	if (met > 0)
		buf_printf(&text, ", %zu met", met);
	blocks = json_array();
	json_array_append_new(blocks, notify_slack_block(buf_str(&text)));
	/* Slack takes at most 50 blocks in a message. */
	shown = d->n < 48 ? d->n : 48;
	/* cppcheck-suppress knownConditionTrueFalse */
	for (i = 0; i < shown; i++) {
		buf_init(&section, 8192);
		if (notify_is_met(&d->items[i]))
			notify_slack_met_line(&d->items[i], &section);
		else
			notify_slack_section(&d->items[i], ch, now, &section);
		json_array_append_new(
		    blocks, notify_slack_block(buf_str(&section)));
		buf_free(&section);
	}
	if (shown < d->n || d->more > 0) {
		buf_init(&section, CCWATCH_MAX_URL + 256);
		notify_format_more(
		    d->n - shown + d->more, d->more_url, &section);
		json_array_append_new(
		    blocks, notify_slack_block(buf_str(&section)));
		buf_free(&section);
	}
	root =
	    json_pack("{s:s, s:o}", "text", buf_str(&text), "blocks", blocks);
	buf_free(&text);
	return notify_slack_dump(root, out, cause);
}

/* Render an alert (or a digest) as a POST to the incoming webhook. */
static int
notify_slack_prepare(struct notifier *n, const struct alert *a,
    const struct alert_digest *d, struct notify_request *req, char **cause)
{
	struct notify_slack *s = n->data;
	int rc;

	rc = a != NULL ? notify_slack_build_payload(
			     a, &s->ch, timeutil_now(), &req->body, cause)
		       : notify_slack_build_digest(
			     d, &s->ch, timeutil_now(), &req->body, cause);
	if (rc == -1)
		return -1;
	notify_http_prepare(req, s->webhook_url,
	    (const char *const[]){
		"Content-Type: application/json; charset=utf-8", NULL},
	    s->ch.timeout);
	req->kind = "slack";
	return 0;
}

/* Judge Slack's answer. */
static int
notify_slack_judge(struct notifier *n, enum http_result result,
    const struct http_response *resp, const char *why,
    struct notify_failure *fail, char **cause)
{
	struct notify_slack *s = n->data;

	return notify_http_judge(
	    n, s->webhook_url, result, resp, why, fail, cause);
}

/* Free the channel's copy, zeroing the webhook URL. */
static void
notify_slack_free(struct notifier *n)
{
	struct notify_slack *s = n->data;

	if (s == NULL)
		return;
	xfree_secret(s->webhook_url);
	free(s);
}

static const struct notifier_ops notify_slack_ops = {
    "slack",
    notify_slack_prepare,
    notify_slack_judge,
    NULL,
    NULL,
    notify_slack_free,
};

/* Set a channel's defaults. */
void
notify_slack_channel_init(struct slack_channel *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->timeout = NOTIFY_TIMEOUT;
}

/* Create a Slack channel from a copy of ch. */
struct notifier *
notify_slack_new(const char *name, const struct slack_channel *ch, char **cause)
{
	struct notify_slack *s;

	if (!notify_url_is_allowed(ch->webhook_url)) {
		xasprintf(
		    cause, "channel %s: webhook_url must be https://", name);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->webhook_url = xstrdup(ch->webhook_url);
	s->ch = *ch;
	s->ch.webhook_url = s->webhook_url;
	if (s->ch.timeout <= 0)
		s->ch.timeout = NOTIFY_TIMEOUT;
	return notify_new(name, &notify_slack_ops, s);
}
