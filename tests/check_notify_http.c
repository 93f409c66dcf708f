/*
 * Tests of the HTTP channels: Slack's escaping, restricted bugs and
 * digests, the webhook payload against its documented schema and its
 * HMAC, and real deliveries on 127.0.0.1 to a webhook receiver that checks
 * the signature and answers 500 then 200, and to a Slack stand-in that
 * answers 429 with Retry-After then 200.
 */
#include <check.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mhd_fixture.h"
#include "notify.h"
#include "notify_fixture.h"
#include "testutil.h"
#include "xmalloc.h"

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
	struct alert a = nfix_alert_sample();
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
	items[0] = nfix_alert_sample();
	items[0].restricted = 1;
	items[0].bug_summary = "secret incident at Example";
	items[0].evidence = "private comment text";
	items[1] = nfix_alert_sample();
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
	/* A met item: one line, counted apart. */
	items[1].state = "met";
	items[1].reason = "met by comment 5 (roots@example.com)";
	buf_reset(&b);
	ck_assert_int_eq(
	    notify_slack_build_digest(&d, &ch, NOW, &b, &cause), 0);
	root = slack_parse(buf_str(&b), &text, &section);
	ck_assert_ptr_nonnull(
	    strstr(text, "1 deadline due soon or overdue, 1 met"));
	section = json_string_value(json_object_get(
	    json_object_get(
		json_array_get(json_object_get(root, "blocks"), 2), "text"),
	    "text"));
	ck_assert_ptr_nonnull(section);
	ck_assert_ptr_null(strchr(section, '\n'));
	ck_assert_ptr_nonnull(strstr(section, "met: met by comment 5"));
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
	struct alert a = nfix_alert_sample();
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

	items[0] = nfix_alert_sample();
	items[1] = nfix_alert_sample();
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
	const struct MHD_OptionItem opts[] = {
	    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)rx_completed, NULL},
	    {MHD_OPTION_CONNECTION_TIMEOUT, 10, NULL},
	    {MHD_OPTION_END, 0, NULL}};

	rx.nseen = 0;
	rx.nstatuses = 0;
	rx.retry_after = NULL;
	rx.d = mhd_fixture_start(
	    MHD_USE_INTERNAL_POLLING_THREAD, rx_answer, NULL, opts, &rx.port);
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
	struct alert a = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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
	struct alert a = nfix_alert_sample();
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

/* Slack and the webhook: rendering, then live deliveries on loopback. */
static Suite *
notify_http_suite(void)
{
	Suite *s = suite_create("notify_http");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_test(tc, test_slack_escaping);
	tcase_add_test(tc, test_slack_restricted_and_digest);
	tcase_add_test(tc, test_webhook_payload);
	tcase_add_test(tc, test_webhook_digest_and_signature);
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
	SRunner *sr = srunner_create(notify_http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
