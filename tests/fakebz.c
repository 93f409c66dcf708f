/*
 * The fake Bugzilla: an in-memory corpus of BMO bug objects served over
 * libmicrohttpd on 127.0.0.1 with BMO's REST routes, parameters, errors and
 * quirks (BUGZILLA-API.md §9), plus fault injection and request counting.
 *
 * This file is the HTTP side: MHD set-up, the request target and counters,
 * authentication, the IP block, faults, ETags, and the public setters.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakebz.h"
#include "fakebz_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The fake's clock; the caller holds the lock. */
time_t
fakebz_clock(struct fakebz *fb)
{
	return fb->now != 0 ? fb->now : time(NULL);
}

/* Format t as BMO's outbound datetime into a new json string. */
json_t *
fakebz_time_json(time_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	return json_string(timeutil_format_iso(t, iso));
}

/* Parse a stored datetime string; 0 when absent or unparseable. */
time_t
fakebz_time_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	time_t t;

	if (s == NULL || timeutil_parse_iso(s, &t) == -1)
		return 0;
	return t;
}

/* The id of the i-th stored bug. */
static json_int_t
fakebz_bug_id_at(struct fakebz *fb, size_t i)
{
	return json_integer_value(
	    json_object_get(json_array_get(fb->bugs, i), "id"));
}

/*
 * Find a stored bug by id; borrowed.  Corpora are sorted by id and new bugs
 * get higher ids, so a binary search finds it in a 10× corpus without
 * reading every bug; a list out of order falls back to the scan.
 */
json_t *
fakebz_find_bug(struct fakebz *fb, json_int_t id)
{
	size_t i, lo = 0, hi = json_array_size(fb->bugs), mid;
	json_t *bug;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fakebz_bug_id_at(fb, mid) == id)
			return json_array_get(fb->bugs, mid);
		if (fakebz_bug_id_at(fb, mid) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	json_array_foreach(fb->bugs, i,
	    bug) if (json_integer_value(json_object_get(bug, "id")) ==
	    id) return bug;
	return NULL;
}

/* Rewrite a stored datetime member in BMO's outbound form, if it parses. */
static void
fakebz_normalise_time(json_t *obj, const char *key)
{
	time_t t;
	const char *s = json_string_value(json_object_get(obj, key));

	if (s != NULL && timeutil_parse_iso(s, &t) == 0)
		json_object_set_new(obj, key, fakebz_time_json(t));
}

/* Rewrite every datetime of a stored bug, its comments, history and flags. */
static void
fakebz_normalise_times(json_t *bug)
{
	json_t *o;
	size_t i;

	fakebz_normalise_time(bug, "creation_time");
	fakebz_normalise_time(bug, "last_change_time");
	json_array_foreach(json_object_get(bug, "comments"), i, o)
	{
		fakebz_normalise_time(o, "creation_time");
		fakebz_normalise_time(o, "time");
	}
	json_array_foreach(json_object_get(bug, "history"), i, o)
	    fakebz_normalise_time(o, "when");
	json_array_foreach(json_object_get(bug, "flags"), i, o)
	{
		fakebz_normalise_time(o, "creation_date");
		fakebz_normalise_time(o, "modification_date");
	}
}

/*
 * Move a stored *_detail member (an object or an array of them) into the
 * users table, keeping what the table already knows, so the details the
 * fake makes later carry the recorded ids and names.
 */
static void
fakebz_harvest_detail(struct fakebz *fb, json_t *bug, const char *key)
{
	json_t *d = json_object_get(bug, key);
	json_t *one,
	    *arr = json_is_array(d) ? json_incref(d) : json_pack("[O]", d);
	const char *name;
	size_t i;

	if (d == NULL) {
		json_decref(arr);
		return;
	}
	json_array_foreach(arr, i, one)
	{
		name = json_string_value(json_object_get(one, "name"));
		if (name == NULL || json_object_get(fb->users, name) != NULL)
			continue;
		json_object_set_new(fb->users, name,
		    json_pack("{s:O*,s:O*,s:O*}", "id",
			json_object_get(one, "id"), "real_name",
			json_object_get(one, "real_name"), "nick",
			json_object_get(one, "nick")));
	}
	json_decref(arr);
	json_object_del(bug, key);
}

/*
 * Fill a stored bug's missing members so later code can rely on them, and
 * bring its dates and user details to one form.
 */
void
fakebz_normalise_bug(struct fakebz *fb, json_t *bug)
{
	static const char *arrays[] = {
	    "comments", "history", "flags", "cc", "keywords", "groups"};
	static const char *details[] = {"creator_detail", "assigned_to_detail",
	    "qa_contact_detail", "cc_detail", "mentors_detail"};
	size_t i;
	const char *status;
	json_t *t;

	for (i = 0; i < CCWATCH_NELEM(arrays); i++)
		if (!json_is_array(json_object_get(bug, arrays[i])))
			json_object_set_new(bug, arrays[i], json_array());
	if (json_object_get(bug, "status") == NULL)
		json_object_set_new(bug, "status", json_string("NEW"));
	if (json_object_get(bug, "resolution") == NULL)
		json_object_set_new(bug, "resolution", json_string(""));
	status = json_string_value(json_object_get(bug, "status"));
	json_object_set_new(bug, "is_open",
	    json_boolean(status != NULL && fakebz_status_is_open(status)));
	if (json_object_get(bug, "comment_count") == NULL)
		json_object_set_new(bug, "comment_count",
		    json_integer(
			json_array_size(json_object_get(bug, "comments"))));
	t = json_object_get(bug, "creation_time");
	if (json_object_get(bug, "last_change_time") == NULL && t != NULL)
		json_object_set(bug, "last_change_time", t);
	fakebz_normalise_times(bug);
	for (i = 0; i < CCWATCH_NELEM(details); i++)
		fakebz_harvest_detail(fb, bug, details[i]);
}

/* Load and check a corpus file into fb.  Returns 0 or -1 with *cause. */
static int
fakebz_load(struct fakebz *fb, const char *path, char **cause)
{
	json_error_t err;
	json_t *root, *bugs, *bug;
	size_t i;

	root = json_load_file(path, 0, &err);
	if (root == NULL) {
		xasprintf(cause, "%s:%d: %s", path, err.line, err.text);
		return -1;
	}
	/* A bare array is a search result as recorded (data/ca-compliance). */
	bugs = json_is_array(root) ? root : json_object_get(root, "bugs");
	if (!json_is_array(bugs)) {
		xasprintf(cause, "%s: no \"bugs\" array", path);
		json_decref(root);
		return -1;
	}
	if (json_is_object(json_object_get(root, "users"))) {
		json_decref(fb->users);
		fb->users = json_deep_copy(json_object_get(root, "users"));
	}
	json_array_foreach(bugs, i, bug)
	{
		if (!json_is_object(bug) ||
		    !json_is_integer(json_object_get(bug, "id"))) {
			xasprintf(cause, "%s: bug %zu has no id", path, i);
			json_decref(root);
			return -1;
		}
		fakebz_normalise_bug(fb, bug);
	}
	json_decref(fb->bugs);
	fb->bugs = json_incref(bugs);
	json_decref(root);
	return 0;
}

/* The HTTP status BMO's REST_STATUS_CODE_MAP gives an error code. */
static unsigned
fakebz_error_status(int code)
{
	switch (code) {
	case 51:
	case 101:
	case 32614:
		return 404;
	case 58:
		return 413;
	case 102:
	case 110:
	case 300:
	case 301:
	case 302:
	case 303:
	case 304:
	case 410:
	case 504:
	case 505:
		return 401;
	default:
		return 400;
	}
}

/* Set a reply to a JSON body (stolen). */
void
fakebz_reply_json(struct fakebz_reply *r, unsigned status, json_t *body)
{
	r->status = status;
	r->type = FAKEBZ_JSON_TYPE;
	free(r->body);
	r->body = json_dumps(body, JSON_COMPACT);
	r->len = strlen(r->body);
	json_decref(body);
}

/* Set a reply to BMO's JSON error object for code. */
void
fakebz_reply_error(struct fakebz_reply *r, int code, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	json_t *o;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	o = json_pack("{s:b,s:i,s:s,s:s}", "error", 1, "code", code, "message",
	    msg, "documentation", FAKEBZ_DOC_URL);
	free(msg);
	fakebz_reply_json(r, fakebz_error_status(code), o);
}

/* Set a reply to a non-JSON body. */
static void
fakebz_reply_text(
    struct fakebz_reply *r, unsigned status, const char *type, const char *body)
{
	r->status = status;
	r->type = type;
	free(r->body);
	r->body = xstrdup(body);
	r->len = strlen(body);
}

/* The HTML page of BlockIP.pm for a blocked address. */
static void
fakebz_reply_blocked(struct fakebz_reply *r)
{
	fakebz_reply_text(r, 429, "text/html",
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<title>Too Many Requests</title>\n</head>\n<body>\n"
	    "<h1>Too Many Requests</h1>\n\n<p>\n"
	    "    We\xe2\x80\x99re sorry, but you have sent too many requests "
	    "to us recently.\n    You will be unblocked in 60 minutes.\n"
	    "</p>\n</body>\n</html>\n");
}

/* An HTML error page as a proxy or Apache sends it. */
static void
fakebz_reply_html_error(struct fakebz_reply *r, unsigned status)
{
	const char *what = status == 502 ? "Bad Gateway"
	    : status == 503              ? "Service Unavailable"
					 : "Internal Server Error";
	char *page;

	xasprintf(&page,
	    "<html>\n<head><title>%u %s</title></head>\n<body>\n"
	    "<center><h1>%u %s</h1></center>\n</body>\n</html>\n",
	    status, what, status, what);
	fakebz_reply_text(r, status, "text/html", page);
	free(page);
}

/* MHD_KeyValueIterator: collect each argument into name -> [values]. */
static enum MHD_Result
fakebz_collect_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	json_t *args = cls;
	json_t *arr = json_object_get(args, key);

	(void)kind;
	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(args, key, arr);
	}
	json_array_append_new(arr, json_string(value != NULL ? value : ""));
	return MHD_YES;
}

/* Decide who the request is: 1 good key, 0 anonymous, -1 bad key. */
static int
fakebz_authenticate(struct fakebz_ctx *ctx)
{
	const char *k;

	k = ctx->fb->no_header_auth
	    ? NULL
	    : MHD_lookup_connection_value(
		  ctx->conn, MHD_HEADER_KIND, "X-BUGZILLA-API-KEY");
	if (k == NULL)
		k = fakebz_arg(ctx, "api_key");
	if (k == NULL)
		k = fakebz_arg(ctx, "Bugzilla_api_key");
	if (k == NULL || *k == '\0')
		return 0;
	return ctx->fb->key != NULL && strcmp(k, ctx->fb->key) == 0 ? 1 : -1;
}

/* Take the first armed fault whose prefix starts url; NONE if there is none. */
static enum fakebz_fault
fakebz_take_fault(struct fakebz *fb, const char *url)
{
	size_t i;

	for (i = 0; i < fb->nrules; i++) {
		if (fb->rules[i].count == 0 ||
		    strncmp(url, fb->rules[i].prefix,
			strlen(fb->rules[i].prefix)) != 0)
			continue;
		fb->rules[i].count--;
		return fb->rules[i].kind;
	}
	return FAKEBZ_FAULT_NONE;
}

/* Count a request under its path and remember its target. */
static void
fakebz_count(struct fakebz *fb, const char *url, const char *target)
{
	json_t *n = json_object_get(fb->counts, url);

	fb->total++;
	json_object_set_new(
	    fb->counts, url, json_integer(json_integer_value(n) + 1));
	free(fb->last);
	fb->last = xstrdup(target);
}

/* Answer a fault that replaces the whole answer; 0 if kind is not one. */
static int
fakebz_fault_reply(
    struct fakebz *fb, enum fakebz_fault kind, struct fakebz_reply *r)
{
	switch (kind) {
	case FAKEBZ_FAULT_500:
		fakebz_reply_html_error(r, 500);
		return 1;
	case FAKEBZ_FAULT_502:
		fakebz_reply_html_error(r, 502);
		return 1;
	case FAKEBZ_FAULT_503:
		fakebz_reply_html_error(r, 503);
		return 1;
	case FAKEBZ_FAULT_429:
		fakebz_reply_blocked(r);
		return 1;
	case FAKEBZ_FAULT_RATELIMIT:
		fb->blocked_until = fakebz_clock(fb) + FAKEBZ_BLOCK_SECS;
		fakebz_reply_error(
		    r, 32000, "You have exceeded the rate limit.");
		return 1;
	case FAKEBZ_FAULT_INVALID:
		fakebz_reply_text(r, 200, FAKEBZ_JSON_TYPE,
		    "<html><body>Bugzilla is down for maintenance."
		    "</body></html>\n{\"bugs\":");
		return 1;
	case FAKEBZ_FAULT_HUGE:
		r->status = 200;
		r->type = FAKEBZ_JSON_TYPE;
		r->huge = fb->huge_bytes;
		return 1;
	case FAKEBZ_FAULT_DROP:
		r->drop = 1;
		return 1;
	default:
		return 0;
	}
}

/*
 * Compute the whole answer to a request under the lock, except for DELAY,
 * which sleeps unlocked first.
 */
static void
fakebz_answer(struct fakebz *fb, struct MHD_Connection *conn,
    const char *method, const char *url, const char *target,
    struct fakebz_reply *r, int *truncate)
{
	struct fakebz_ctx ctx;
	enum fakebz_fault kind;
	unsigned delay;
	const char *path = NULL;

	pthread_mutex_lock(&fb->lock);
	fakebz_count(fb, url, target);
	if (strlen(target) > FAKEBZ_MAX_TARGET) {
		fakebz_reply_text(r, 414, "text/plain", "URI Too Long\n");
		goto out;
	}
	if (fb->blocked_until > fakebz_clock(fb)) {
		fb->blocked_until = fakebz_clock(fb) + FAKEBZ_BLOCK_SECS;
		fakebz_reply_blocked(r);
		goto out;
	}
	kind = fakebz_take_fault(fb, url);
	if (fakebz_fault_reply(fb, kind, r))
		goto out;
	*truncate = kind == FAKEBZ_FAULT_TRUNCATE;
	if (kind == FAKEBZ_FAULT_DELAY) {
		delay = fb->delay_ms;
		pthread_mutex_unlock(&fb->lock);
		usleep((useconds_t)delay * 1000);
		pthread_mutex_lock(&fb->lock);
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.fb = fb;
	ctx.conn = conn;
	ctx.now = fakebz_clock(fb);
	ctx.args = json_object();
	MHD_get_connection_values(
	    conn, MHD_GET_ARGUMENT_KIND, fakebz_collect_arg, ctx.args);
	ctx.auth = fakebz_authenticate(&ctx);
	if (strncmp(url, "/rest.cgi/", 10) == 0)
		path = url + 9;
	else if (strncmp(url, "/rest/", 6) == 0)
		path = url + 5;
	if (path != NULL)
		fakebz_route(&ctx, method, path, r);
	else
		fakebz_reply_error(r, 32614,
		    "A REST API resource was not found for '%s %s'.", method,
		    url);
	json_decref(ctx.args);
out:
	if (r->status >= 400 && fb->retry_after != NULL)
		r->retry_after = xstrdup(fb->retry_after);
	pthread_mutex_unlock(&fb->lock);
}

/* The base64 MD5 of a body, unpadded (22 characters), as BMO's ETag. */
static void
fakebz_etag(const char *body, size_t len, char out[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	unsigned char b64[32];

	(void)EVP_Digest(body, len, md, &mdlen, EVP_md5(), NULL);
	(void)EVP_EncodeBlock(b64, md, (int)mdlen);
	(void)snprintf(out, 32, "%.22s", (const char *)b64);
}

/* Return 1 if If-None-Match names etag (quotes stripped). */
static int
fakebz_etag_matches(struct MHD_Connection *conn, const char *etag)
{
	const char *inm;
	size_t n;

	inm = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm == NULL)
		return 0;
	if (*inm == '"')
		inm++;
	n = strcspn(inm, "\"");
	return n == strlen(etag) && strncmp(inm, etag, n) == 0;
}

/* MHD_ContentReaderCallback: produce the HUGE fault's junk. */
static ssize_t
fakebz_huge_read(void *cls, uint64_t pos, char *out, size_t max)
{
	static const char junk[] = "{\"bugs\":[{\"id\":1,\"summary\":\"xxxxxxxx"
				   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},";
	size_t total = *(size_t *)cls, i, n;

	if (pos >= total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = total - (size_t)pos < max ? total - (size_t)pos : max;
	for (i = 0; i < n; i++)
		out[i] = junk[(pos + i) % (sizeof junk - 1)];
	return (ssize_t)n;
}

/*
 * Build the MHD response for a reply: the HUGE stream, a 304 when the
 * client's If-None-Match names the body's ETag, or the body (its first half
 * for TRUNCATE, with a Content-Length to match).
 */
static struct MHD_Response *
fakebz_response(
    struct MHD_Connection *conn, struct fakebz_reply *r, int truncate)
{
	struct MHD_Response *resp;
	size_t *huge;
	char etag[32] = "";
	int json = strcmp(r->type, FAKEBZ_JSON_TYPE) == 0;

	if (r->huge > 0) {
		huge = xmalloc(sizeof *huge);
		*huge = r->huge;
		resp = MHD_create_response_from_callback(
		    r->huge, 65536, fakebz_huge_read, huge, free);
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
		return resp;
	}
	if (json && !truncate)
		fakebz_etag(r->body, r->len, etag);
	if (r->status == 200 && *etag != '\0' &&
	    fakebz_etag_matches(conn, etag)) {
		r->status = 304;
		resp = MHD_create_response_from_buffer(
		    0, (void *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
		return resp;
	}
	resp = MHD_create_response_from_buffer(
	    truncate ? r->len / 2 : r->len, r->body, MHD_RESPMEM_MUST_COPY);
	if (*etag != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	if (r->retry_after != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
	return resp;
}

/* The body bytes a built reply sends. */
static size_t
fakebz_sent_bytes(const struct fakebz_reply *r, int truncate)
{
	if (r->huge > 0)
		return r->huge;
	if (r->status == 304)
		return 0;
	return truncate ? r->len / 2 : r->len;
}

/* Append a request's line to the request log, if there is one. */
static void
fakebz_log_request(struct fakebz *fb, const char *method, const char *target,
    unsigned status, size_t bytes)
{
	pthread_mutex_lock(&fb->lock);
	if (fb->reqlog != NULL) {
		fprintf(fb->reqlog, "%s %s %u %zu\n", method, target, status,
		    bytes);
		fflush(fb->reqlog);
	}
	pthread_mutex_unlock(&fb->lock);
}

/*
 * MHD_AccessHandlerCallback: answer one request.  The answer waits for the
 * call after the headers (and any body, which is discarded): a response
 * queued on the first call makes MHD close the connection, and clients of
 * BMO keep theirs alive.
 */
static enum MHD_Result
fakebz_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct fakebz *fb = cls;
	struct fakebz_req *req = *con_cls;
	struct fakebz_reply r;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int truncate = 0;

	(void)version;
	(void)upload_data;
	if (req == NULL)
		return MHD_NO; /* the URI log callback always sets one */
	if (!req->headers_seen || *upload_size != 0) {
		req->headers_seen = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&r, 0, sizeof r);
	fakebz_answer(fb, conn, method, url, req->uri, &r, &truncate);
	if (r.drop) {
		fakebz_log_request(fb, method, req->uri, 0, 0);
		free(r.body);
		free(r.retry_after);
		return MHD_NO;
	}
	resp = fakebz_response(conn, &r, truncate);
	fakebz_log_request(
	    fb, method, req->uri, r.status, fakebz_sent_bytes(&r, truncate));
	ret = MHD_queue_response(conn, r.status, resp);
	MHD_destroy_response(resp);
	free(r.body);
	free(r.retry_after);
	return ret;
}

/* MHD URI log callback: keep the raw request target for the handler. */
static void *
fakebz_log_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct fakebz_req *req = xcalloc(1, sizeof *req);

	(void)cls;
	(void)conn;
	req->uri = xstrdup(uri);
	return req;
}

/* MHD completion callback: free the request state. */
static void
fakebz_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct fakebz_req *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (req != NULL) {
		free(req->uri);
		free(req);
		*con_cls = NULL;
	}
}

/* Start the fake on 127.0.0.1:port serving the corpus. */
struct fakebz *
fakebz_start(const char *corpus, unsigned short port, char **cause)
{
	struct fakebz *fb = xcalloc(1, sizeof *fb);
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;

	pthread_mutex_init(&fb->lock, NULL);
	fb->bugs = json_array();
	fb->users = json_object();
	fb->counts = json_object();
	fb->login = xstrdup("bot@fakebz.test");
	fb->huge_bytes = 64 * 1024 * 1024;
	if (corpus != NULL && fakebz_load(fb, corpus, cause) == -1)
		goto fail;
	fakebz_scan_ids(fb);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fb->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    fakebz_handle, fb, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
	    MHD_OPTION_URI_LOG_CALLBACK, fakebz_log_uri, fb,
	    MHD_OPTION_NOTIFY_COMPLETED, fakebz_completed, fb, MHD_OPTION_END);
	if (fb->daemon == NULL) {
		xasprintf(cause, "fakebz: cannot listen on 127.0.0.1:%u", port);
		goto fail;
	}
	info = MHD_get_daemon_info(fb->daemon, MHD_DAEMON_INFO_BIND_PORT);
	fb->port = info != NULL ? info->port : port;
	(void)snprintf(
	    fb->url, sizeof fb->url, "http://127.0.0.1:%u", fb->port);
	return fb;
fail:
	fakebz_stop(fb);
	return NULL;
}

/* Stop the server and free everything. */
void
fakebz_stop(struct fakebz *fb)
{
	size_t i;

	if (fb == NULL)
		return;
	if (fb->daemon != NULL)
		MHD_stop_daemon(fb->daemon);
	json_decref(fb->bugs);
	json_decref(fb->users);
	json_decref(fb->counts);
	for (i = 0; i < fb->nrules; i++)
		free(fb->rules[i].prefix);
	free(fb->rules);
	free(fb->last);
	free(fb->key);
	free(fb->login);
	free(fb->retry_after);
	if (fb->reqlog != NULL)
		fclose(fb->reqlog);
	pthread_mutex_destroy(&fb->lock);
	free(fb);
}

/* The base URL, borrowed. */
const char *
fakebz_url(struct fakebz *fb)
{
	return fb->url;
}

/* The bound port. */
unsigned short
fakebz_port(struct fakebz *fb)
{
	return fb->port;
}

/* Set the fake's clock. */
void
fakebz_set_now(struct fakebz *fb, time_t t)
{
	pthread_mutex_lock(&fb->lock);
	fb->now = t;
	pthread_mutex_unlock(&fb->lock);
}

/* Set the one accepted API key and the login it belongs to. */
void
fakebz_set_api_key(struct fakebz *fb, const char *key, const char *login)
{
	pthread_mutex_lock(&fb->lock);
	free(fb->key);
	fb->key = key != NULL ? xstrdup(key) : NULL;
	if (login != NULL) {
		free(fb->login);
		fb->login = xstrdup(login);
	}
	pthread_mutex_unlock(&fb->lock);
}

/* Read the key from the header too (BMO), or only from parameters. */
void
fakebz_set_header_auth(struct fakebz *fb, int on)
{
	pthread_mutex_lock(&fb->lock);
	fb->no_header_auth = !on;
	pthread_mutex_unlock(&fb->lock);
}

/* Serve /rest/whoami (BMO, Bugzilla 5.1 on), or answer it 404/32614. */
void
fakebz_set_whoami(struct fakebz *fb, int on)
{
	pthread_mutex_lock(&fb->lock);
	fb->no_whoami = !on;
	pthread_mutex_unlock(&fb->lock);
}

/* Set the anonymous Bug.get/Bug.comments rate limit. */
void
fakebz_set_rate_limit(struct fakebz *fb, unsigned max, unsigned window_s)
{
	pthread_mutex_lock(&fb->lock);
	fb->rl_max = max;
	fb->rl_window = window_s > 0 ? window_s : 60;
	fb->rl_start = 0;
	fb->rl_used = 0;
	fb->blocked_until = 0;
	pthread_mutex_unlock(&fb->lock);
}

/* Arm a fault for the next count requests under path_prefix. */
void
fakebz_fault(struct fakebz *fb, const char *path_prefix, enum fakebz_fault kind,
    unsigned count)
{
	pthread_mutex_lock(&fb->lock);
	fb->rules = xreallocarray(fb->rules, fb->nrules + 1, sizeof *fb->rules);
	fb->rules[fb->nrules].prefix =
	    xstrdup(path_prefix != NULL ? path_prefix : "");
	fb->rules[fb->nrules].kind = kind;
	fb->rules[fb->nrules].count = count;
	fb->nrules++;
	pthread_mutex_unlock(&fb->lock);
}

/* Set the DELAY fault's delay. */
void
fakebz_set_delay_ms(struct fakebz *fb, unsigned ms)
{
	pthread_mutex_lock(&fb->lock);
	fb->delay_ms = ms;
	pthread_mutex_unlock(&fb->lock);
}

/* Send value as Retry-After with every 429 and 503 (NULL: none). */
void
fakebz_set_retry_after(struct fakebz *fb, const char *value)
{
	pthread_mutex_lock(&fb->lock);
	free(fb->retry_after);
	fb->retry_after = value != NULL ? xstrdup(value) : NULL;
	pthread_mutex_unlock(&fb->lock);
}

/* Set the HUGE fault's body size. */
void
fakebz_set_huge_bytes(struct fakebz *fb, size_t n)
{
	pthread_mutex_lock(&fb->lock);
	fb->huge_bytes = n;
	pthread_mutex_unlock(&fb->lock);
}

/* Disarm every fault and lift an IP block. */
void
fakebz_clear_faults(struct fakebz *fb)
{
	size_t i;

	pthread_mutex_lock(&fb->lock);
	for (i = 0; i < fb->nrules; i++)
		free(fb->rules[i].prefix);
	free(fb->rules);
	fb->rules = NULL;
	fb->nrules = 0;
	fb->blocked_until = 0;
	fb->rl_used = 0;
	fb->rl_start = 0;
	pthread_mutex_unlock(&fb->lock);
}

/* Count the requests whose path starts with path_prefix (NULL: all). */
unsigned long
fakebz_requests(struct fakebz *fb, const char *path_prefix)
{
	unsigned long n = 0;
	const char *key;
	json_t *v;

	pthread_mutex_lock(&fb->lock);
	if (path_prefix == NULL || *path_prefix == '\0')
		n = fb->total;
	else
		json_object_foreach(fb->counts, key,
		    v) if (strncmp(key, path_prefix, strlen(path_prefix)) == 0)
		    n += (unsigned long)json_integer_value(v);
	pthread_mutex_unlock(&fb->lock);
	return n;
}

/* Forget all request counts. */
void
fakebz_reset_counts(struct fakebz *fb)
{
	pthread_mutex_lock(&fb->lock);
	json_object_clear(fb->counts);
	fb->total = 0;
	pthread_mutex_unlock(&fb->lock);
}

/* The target of the last request, allocated (NULL before any). */
char *
fakebz_last_request(struct fakebz *fb)
{
	char *s;

	pthread_mutex_lock(&fb->lock);
	s = fb->last != NULL ? xstrdup(fb->last) : NULL;
	pthread_mutex_unlock(&fb->lock);
	return s;
}

/* Log every answered request to path (appending); NULL stops. */
int
fakebz_log_requests(struct fakebz *fb, const char *path, char **cause)
{
	FILE *f = NULL;

	if (path != NULL) {
		f = fopen(path, "a");
		if (f == NULL) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	pthread_mutex_lock(&fb->lock);
	if (fb->reqlog != NULL)
		fclose(fb->reqlog);
	fb->reqlog = f;
	pthread_mutex_unlock(&fb->lock);
	return 0;
}

/* The number of bugs. */
size_t
fakebz_bug_count(struct fakebz *fb)
{
	size_t n;

	pthread_mutex_lock(&fb->lock);
	n = json_array_size(fb->bugs);
	pthread_mutex_unlock(&fb->lock);
	return n;
}
