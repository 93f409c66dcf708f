/*
 * The generic webhook: the alert as JSON (docs/webhook.md and
 * docs/webhook.schema.json), POSTed with an HMAC-SHA256 of the exact body
 * in X-Ccwatch-Signature and the delivery id, which stays the same across
 * retries, in X-Ccwatch-Delivery.  The URL may carry a token, so causes
 * name only its host.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ccwatch.h"
#include "notify.h"
#include "timeutil.h"
#include "xmalloc.h"

#define NOTIFY_WEBHOOK_ALERT_SCHEMA  "ccwatch.alert/3"
#define NOTIFY_WEBHOOK_DIGEST_SCHEMA "ccwatch.digest/3"

/* The channel's own copy of its configuration. */
struct notify_webhook {
	struct webhook_channel ch;
	char *url;
	char *secret;
};

/* A JSON string of cleaned text, or null for NULL. */
static json_t *
notify_webhook_text(const char *s, size_t max, int oneline)
{
	struct buf b;
	json_t *j;

	if (s == NULL)
		return json_null();
	buf_init(&b, max + 8);
	notify_clean_text(s, max, oneline, &b);
	j = json_string(buf_str(&b));
	buf_free(&b);
	return j;
}

/* A JSON string of t in ISO 8601 UTC. */
static json_t *
notify_webhook_time(time_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	return json_string(timeutil_format_iso(t, iso));
}

/* The "reason" object of a met alert, or null. */
static json_t *
notify_webhook_reason(const struct alert *a)
{
	json_t *o;

	if (a->reason == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "kind",
	    notify_webhook_text(
		a->reason_kind != NULL ? a->reason_kind : "met", 40, 1));
	json_object_set_new(o, "text", notify_webhook_text(a->reason, 600, 1));
	json_object_set_new(o, "by", notify_webhook_text(a->reason_by, 300, 1));
	json_object_set_new(o, "comment",
	    a->reason_comment >= 0 ? json_integer(a->reason_comment)
				   : json_null());
	json_object_set_new(
	    o, "date", notify_webhook_text(a->reason_date, 40, 1));
	return o;
}

/* The "alert" object: every field of the alert. */
static json_t *
notify_webhook_alert(const struct alert *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(a->id));
	json_object_set_new(o, "bug_id", json_integer(a->bug_id));
	json_object_set_new(o, "bug_summary",
	    notify_webhook_text(
		a->bug_summary != NULL ? a->bug_summary : "", 4000, 1));
	json_object_set_new(o, "bug_url",
	    notify_webhook_text(a->bug_url != NULL ? a->bug_url : "", 2000, 1));
	json_object_set_new(o, "ca", notify_webhook_text(a->ca, 500, 1));
	json_object_set_new(o, "clock",
	    notify_webhook_text(a->clock != NULL ? a->clock : "", 100, 1));
	json_object_set_new(o, "state",
	    notify_webhook_text(a->state != NULL ? a->state : "", 100, 1));
	json_object_set_new(o, "level", json_integer(a->level));
	json_object_set_new(o, "due", notify_webhook_time(a->due));
	json_object_set_new(
	    o, "started_at", notify_webhook_time(a->started_at));
	json_object_set_new(o, "rule", notify_webhook_text(a->rule, 20000, 0));
	json_object_set_new(
	    o, "evidence", notify_webhook_text(a->evidence, 20000, 0));
	json_object_set_new(
	    o, "comment_url", notify_webhook_text(a->comment_url, 2000, 1));
	json_object_set_new(o, "query_url",
	    notify_webhook_text(a->query_url, CCWATCH_MAX_URL, 1));
	json_object_set_new(o, "restricted", json_boolean(a->restricted));
	json_object_set_new(o, "created", notify_webhook_time(a->created));
	json_object_set_new(o, "late", json_boolean(a->late));
	json_object_set_new(
	    o, "late_by", json_integer(a->late ? a->late_by : 0));
	json_object_set_new(o, "reason", notify_webhook_reason(a));
	return o;
}

/* Render one alert as the documented ccwatch.alert/3 payload. */
int
notify_webhook_build_payload(
    const struct alert *a, struct buf *out, char **cause)
{
	json_t *root;

	if (!notify_valid_id(a->id)) {
		xasprintf(cause, "alert has an invalid id");
		return -1;
	}
	root = json_object();
	json_object_set_new(
	    root, "schema", json_string(NOTIFY_WEBHOOK_ALERT_SCHEMA));
	json_object_set_new(root, "delivery_id", json_string(a->id));
	json_object_set_new(root, "alert", notify_webhook_alert(a));
	return notify_json_dump(
	    root, out, "webhook: payload too large or not encodable", cause);
}

/*
 * Render a digest as the documented ccwatch.digest/3 payload: the items
 * that fit NOTIFY_DIGEST_BUDGET, and how many more.
 */
int
notify_webhook_build_digest(
    const struct alert_digest *d, struct buf *out, char **cause)
{
	json_t *root, *digest, *items, *item;
	char *id, *s;
	size_t i, size = 0, more;

	id = notify_digest_id(d);
	if (!notify_valid_id(id)) {
		xasprintf(cause, "digest has an invalid id");
		free(id);
		return -1;
	}
	items = json_array();
	for (i = 0; i < d->n && size < NOTIFY_DIGEST_BUDGET; i++) {
		item = notify_webhook_alert(&d->items[i]);
		s = json_dumps(item, JSON_COMPACT);
		size += s != NULL ? strlen(s) : 0;
		free(s);
		json_array_append_new(items, item);
	}
	digest = json_object();
	json_object_set_new(digest, "recipient",
	    notify_webhook_text(
		d->recipient != NULL ? d->recipient : "", 500, 1));
	json_object_set_new(digest, "when", notify_webhook_time(d->when));
	json_object_set_new(digest, "alerts", items);
	more = d->n - i + d->more;
	json_object_set_new(digest, "more", json_integer((json_int_t)more));
	json_object_set_new(digest, "more_url",
	    notify_webhook_text(d->more_url, CCWATCH_MAX_URL, 1));
	root = json_object();
	json_object_set_new(
	    root, "schema", json_string(NOTIFY_WEBHOOK_DIGEST_SCHEMA));
	json_object_set_new(root, "delivery_id", json_string(id));
	json_object_set_new(root, "digest", digest);
	free(id);
	return notify_json_dump(
	    root, out, "webhook: payload too large or not encodable", cause);
}

/* Sign body with secret: "sha256=" and the lower-case hex HMAC-SHA256. */
char *
notify_webhook_signature(const char *secret, const void *body, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	struct buf b;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), body, len, md,
		&mdlen) == NULL)
		return NULL;
	buf_init(&b, 8 + 2 * EVP_MAX_MD_SIZE);
	buf_addstr(&b, "sha256=");
	for (i = 0; i < mdlen; i++)
		buf_printf(&b, "%02x", md[i]);
	return buf_detach(&b);
}

/*
 * Render an alert (or a digest) as a signed POST under its delivery id,
 * which stays the same across retries.
 */
static int
notify_webhook_prepare(struct notifier *n, const struct alert *a,
    const struct alert_digest *d, struct notify_request *req, char **cause)
{
	struct notify_webhook *w = n->data;
	char *sig, *id;
	int rc;

	id = a != NULL ? xstrdup(a->id) : notify_digest_id(d);
	rc = a != NULL ? notify_webhook_build_payload(a, &req->body, cause)
		       : notify_webhook_build_digest(d, &req->body, cause);
	if (rc == -1) {
		free(id);
		return -1;
	}
	sig = notify_webhook_signature(
	    w->secret, buf_str(&req->body), req->body.len);
	if (sig == NULL) {
		xasprintf(cause, "%s: webhook: cannot sign", n->name);
		free(id);
		return -1;
	}
	notify_http_prepare(req, w->url,
	    (const char *const[]){
		"Content-Type: application/json", "Expect:", NULL},
	    w->ch.timeout);
	xasprintf(&req->headers[2], "X-Ccwatch-Signature: %s", sig);
	xasprintf(&req->headers[3], "X-Ccwatch-Delivery: %s", id);
	req->kind = "webhook";
	free(sig);
	free(id);
	return 0;
}

/* Judge the receiver's answer. */
static int
notify_webhook_judge(struct notifier *n, enum http_result result,
    const struct http_response *resp, const char *why,
    struct notify_failure *fail, char **cause)
{
	struct notify_webhook *w = n->data;

	return notify_http_judge(n, w->url, result, resp, why, fail, cause);
}

/* Free the channel's copy, zeroing the secret and the URL. */
static void
notify_webhook_free(struct notifier *n)
{
	struct notify_webhook *w = n->data;

	if (w == NULL)
		return;
	xfree_secret(w->url);
	xfree_secret(w->secret);
	free(w);
}

static const struct notifier_ops notify_webhook_ops = {
    "webhook",
    notify_webhook_prepare,
    notify_webhook_judge,
    NULL,
    NULL,
    notify_webhook_free,
};

/* Set a channel's defaults. */
void
notify_webhook_channel_init(struct webhook_channel *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->timeout = NOTIFY_TIMEOUT;
}

/* Create a webhook channel from a copy of ch. */
struct notifier *
notify_webhook_new(
    const char *name, const struct webhook_channel *ch, char **cause)
{
	struct notify_webhook *w;

	if (!notify_url_is_allowed(ch->url)) {
		xasprintf(cause,
		    "channel %s: url must be https:// (http:// on loopback)",
		    name);
		return NULL;
	}
	if (ch->secret == NULL || *ch->secret == '\0') {
		xasprintf(cause, "channel %s: no secret", name);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->url = xstrdup(ch->url);
	w->secret = xstrdup(ch->secret);
	w->ch = *ch;
	w->ch.url = w->url;
	w->ch.secret = w->secret;
	if (w->ch.timeout <= 0)
		w->ch.timeout = NOTIFY_TIMEOUT;
	return notify_new(name, &notify_webhook_ops, w);
}
