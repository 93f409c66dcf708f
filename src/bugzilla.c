/*
 * The Bugzilla REST client.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bugzilla.h"
#include "config.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Bug fields the policy needs (BUGZILLA-API.md §3.1, plus groups). */
#define BUGZILLA_BUG_FIELDS                                                    \
	"id,summary,status,resolution,is_open,whiteboard,product,"             \
	"component,creation_time,last_change_time,creator,assigned_to,"        \
	"cc,groups,keywords,flags,comment_count"
#define BUGZILLA_COMMENT_FIELDS                                                \
	"id,bug_id,count,creator,creation_time,text,is_private,tags"

/* Bugzilla's error code for an unmapped user error: the rate limit. */
#define BUGZILLA_CODE_RATELIMIT 32000

struct bugzilla {
	char *url;
	char *api_key_header; /* secret */
	struct http *http;
	size_t max_body;
	int retries;
	long retry_base_ms;
	long retry_max_ms;
	long page_size;
	int (*before_request)(void *);
	void *hook_arg;
	struct bugzilla_stats stats;
	enum bugzilla_error last_error;
	long last_api_code;
};

/* A parser of a response body into out: skipped records, or -1 with cause. */
typedef int (*bugzilla_parse_cb)(const char *, size_t, void *out, char **cause);

/* Create a client; the key, when given, is sent only as a header. */
struct bugzilla *
bugzilla_new(const struct bugzilla_options *o, char **cause)
{
	struct bugzilla *bz;
	size_t len;

	bz = xcalloc(1, sizeof *bz);
	bz->url = xstrdup(o->url);
	len = strlen(bz->url);
	while (len > 0 && bz->url[len - 1] == '/')
		bz->url[--len] = '\0';
	if (o->api_key != NULL)
		xasprintf(
		    &bz->api_key_header, "X-BUGZILLA-API-KEY: %s", o->api_key);
	bz->max_body =
	    o->http.max_body != 0 ? o->http.max_body : CCWATCH_MAX_BODY;
	bz->retries = o->retries;
	bz->retry_base_ms = o->retry_base_ms != 0 ? o->retry_base_ms : 2000;
	bz->retry_max_ms = o->retry_max_ms != 0 ? o->retry_max_ms : 60000;
	bz->page_size = o->page_size != 0 ? o->page_size : 500;
	bz->before_request = o->before_request;
	bz->hook_arg = o->hook_arg;
	bz->http = http_new(&o->http, cause);
	if (bz->http == NULL) {
		bugzilla_free(bz);
		return NULL;
	}
	return bz;
}

/* Free a client, zeroing the key; accepts NULL. */
void
bugzilla_free(struct bugzilla *bz)
{
	if (bz == NULL)
		return;
	http_free(bz->http);
	xfree_secret(bz->api_key_header);
	free(bz->url);
	free(bz);
}

/* Return the client's counters. */
const struct bugzilla_stats *
bugzilla_stats(const struct bugzilla *bz)
{
	return &bz->stats;
}

/* Return the kind of the last failure. */
enum bugzilla_error
bugzilla_last_error(const struct bugzilla *bz)
{
	return bz->last_error;
}

/* Return the Bugzilla error code of the last API failure. */
long
bugzilla_last_api_code(const struct bugzilla *bz)
{
	return bz->last_api_code;
}

/* Return non-zero when the owner asked the client to stop. */
static int
bugzilla_interrupted(struct bugzilla *bz)
{
	return bz->before_request != NULL && bz->before_request(bz->hook_arg);
}

/*
 * Sleep for ms milliseconds in short slices, so that a stop asked for
 * during a long backoff is noticed at once.  Returns -1 if interrupted.
 */
static int
bugzilla_sleep_ms(struct bugzilla *bz, long ms)
{
	struct timespec ts, rem;
	long slice;

	while (ms > 0) {
		if (bugzilla_interrupted(bz))
			return -1;
		slice = ms < 250 ? ms : 250;
		ts.tv_sec = 0;
		ts.tv_nsec = slice * 1000000L;
		while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
			ts = rem;
		ms -= slice;
	}
	return 0;
}

/*
 * Classify a response that arrived: 0 if it is a success to parse, or the
 * error kind with *cause set.  *retry says whether trying again can help.
 */
static enum bugzilla_error
bugzilla_classify(struct bugzilla *bz, const char *what,
    const struct http_response *r, int *retry, char **cause)
{
	long code = 0;
	char *msg = NULL;
	char esc[256];
	int is_error;

	*retry = 0;
	is_error =
	    model_error_from_json(r->body.data, r->body.len, &code, &msg);
	if (r->status == 200 && !is_error)
		return BZ_OK;
	if (r->status == 429 || (is_error && code == BUGZILLA_CODE_RATELIMIT)) {
		*retry = 1;
		xasprintf(
		    cause, "%s: rate limited (HTTP %ld)", what, r->status);
		free(msg);
		return BZ_ERR_RATELIMIT;
	}
	if (r->status >= 500 && r->status <= 599) {
		*retry = 1;
		xasprintf(
		    cause, "%s: server error (HTTP %ld)", what, r->status);
		free(msg);
		return BZ_ERR_SERVER;
	}
	if (is_error) {
		bz->last_api_code = code;
		xasprintf(cause, "%s: HTTP %ld: Bugzilla error %ld: %s", what,
		    r->status, code, log_escape(esc, sizeof esc, msg));
		free(msg);
		return BZ_ERR_API;
	}
	free(msg);
	xasprintf(cause, "%s: unexpected HTTP %ld", what, r->status);
	return BZ_ERR_PROTOCOL;
}

/*
 * GET path (relative to the base URL, query included) and parse the body
 * with parse into out, retrying what is retryable.  Returns the number of
 * skipped records, or -1 with *cause.
 */
static int
bugzilla_call(struct bugzilla *bz, const char *what, const char *path,
    bugzilla_parse_cb parse, void *out, char **cause)
{
	const char *headers[2] = {bz->api_key_header, NULL};
	struct http_response r;
	enum http_result hr;
	char *url, *err = NULL;
	int attempt, retry, rc = -1;

	xasprintf(&url, "%s%s", bz->url, path);
	bz->last_api_code = 0;
	for (attempt = 0;; attempt++) {
		if (attempt > 0) {
			bz->stats.retries++;
			log_info("bugzilla: %s; retry %d of %d", err, attempt,
			    bz->retries);
			free(err);
			err = NULL;
			if (bugzilla_sleep_ms(bz,
				http_backoff_ms(attempt, bz->retry_base_ms,
				    bz->retry_max_ms)) == -1)
				goto interrupted;
		}
		if (bugzilla_interrupted(bz))
			goto interrupted;
		http_response_init(&r, bz->max_body);
		bz->stats.requests++;
		hr = http_get(bz->http, url, headers, &r, &err);
		bz->stats.bytes += r.bytes;
		if (hr != HTTP_OK) {
			bz->last_error = BZ_ERR_TRANSPORT;
			retry =
			    hr == HTTP_ERR_TIMEOUT || hr == HTTP_ERR_CONNECT;
		} else {
			bz->last_error =
			    bugzilla_classify(bz, what, &r, &retry, &err);
			if (bz->last_error == BZ_OK) {
				rc = parse(r.body.data, r.body.len, out, &err);
				if (rc != -1) {
					http_response_free(&r);
					break;
				}
				/* A cut or garbled body is worth a retry. */
				bz->last_error = BZ_ERR_PROTOCOL;
				retry = 1;
			}
		}
		http_response_free(&r);
		bz->stats.errors++;
		if (!retry || attempt >= bz->retries) {
			xasprintf(cause, "%s", err != NULL ? err : what);
			rc = -1;
			break;
		}
	}
	free(err);
	free(url);
	return rc;
interrupted:
	bz->last_error = BZ_ERR_INTERRUPTED;
	xasprintf(cause, "%s: interrupted", what);
	free(err);
	free(url);
	return -1;
}

/* Adapt the /rest/time parser to the callback shape. */
static int
bugzilla_parse_time(const char *b, size_t n, void *out, char **cause)
{
	return model_time_from_json(b, n, out, cause);
}

/* Adapt the /rest/version parser. */
static int
bugzilla_parse_version(const char *b, size_t n, void *out, char **cause)
{
	return model_version_from_json(b, n, out, cause);
}

/* Adapt the /rest/whoami parser. */
static int
bugzilla_parse_whoami(const char *b, size_t n, void *out, char **cause)
{
	return model_whoami_from_json(b, n, out, cause);
}

/* Adapt the bug list parser. */
static int
bugzilla_parse_bugs(const char *b, size_t n, void *out, char **cause)
{
	return model_bugs_from_json(b, n, out, cause);
}

/* Adapt the comment parser. */
static int
bugzilla_parse_comments(const char *b, size_t n, void *out, char **cause)
{
	return model_comments_from_json(b, n, out, cause);
}

/* Adapt the history parser. */
static int
bugzilla_parse_history(const char *b, size_t n, void *out, char **cause)
{
	return model_history_from_json(b, n, out, cause);
}

/* Fetch the server's database time. */
int
bugzilla_time(struct bugzilla *bz, time_t *db_time, char **cause)
{
	return bugzilla_call(bz, "time", "/rest/time", bugzilla_parse_time,
		   db_time, cause) == -1
	    ? -1
	    : 0;
}

/* Fetch the server's version. */
int
bugzilla_version(struct bugzilla *bz, char **version, char **cause)
{
	return bugzilla_call(bz, "version", "/rest/version",
		   bugzilla_parse_version, version, cause) == -1
	    ? -1
	    : 0;
}

/* Fetch the login of the API key. */
int
bugzilla_whoami(struct bugzilla *bz, char **login, char **cause)
{
	return bugzilla_call(bz, "whoami", "/rest/whoami",
		   bugzilla_parse_whoami, login, cause) == -1
	    ? -1
	    : 0;
}

/* Append "&name=escaped(value)" to b. */
static void
bugzilla_add_param(struct buf *b, const char *name, const char *value)
{
	char *e = http_escape(value);

	buf_printf(b, "%c%s=%s", b->len == 0 ? '?' : '&', name, e);
	free(e);
}

/* Build the fixed part of a search query (no ids, limit or offset). */
static void
bugzilla_search_base(struct buf *b, const struct bugzilla_query *q)
{
	char iso[TIMEUTIL_ISO_LEN];
	size_t i;

	for (i = 0; q->products != NULL && i < q->products->n; i++)
		bugzilla_add_param(b, "product", q->products->v[i]);
	for (i = 0; q->components != NULL && i < q->components->n; i++)
		bugzilla_add_param(b, "component", q->components->v[i]);
	if (q->status != NULL)
		bugzilla_add_param(b, "status", q->status);
	if (q->changed_since != 0)
		bugzilla_add_param(b, "last_change_time",
		    timeutil_format_iso(q->changed_since, iso));
	bugzilla_add_param(b, "include_fields", BUGZILLA_BUG_FIELDS);
	bugzilla_add_param(b, "order", "bug_id");
}

/* Page through one search query until a short page. */
static int
bugzilla_search_pages(struct bugzilla *bz, const char *base,
    struct bug_list *out, size_t *skipped, char **cause)
{
	struct bug_list page;
	char *path;
	long offset = 0;
	int n;
	size_t got;

	for (;;) {
		memset(&page, 0, sizeof page);
		xasprintf(&path, "/rest/bug%s&limit=%ld&offset=%ld", base,
		    bz->page_size, offset);
		n = bugzilla_call(
		    bz, "search", path, bugzilla_parse_bugs, &page, cause);
		free(path);
		if (n == -1) {
			bug_list_free(&page);
			return -1;
		}
		got = page.n + (size_t)n;
		if (skipped != NULL)
			*skipped += (size_t)n;
		for (size_t i = 0; i < page.n; i++)
			*bug_list_add(out) = page.v[i];
		free(page.v);
		if (got < (size_t)bz->page_size)
			return 0;
		offset += bz->page_size;
		if (offset >= CCWATCH_MAX_SEARCH) {
			log_warnx("bugzilla: search stopped at the server's "
				  "cap of %d bugs",
			    CCWATCH_MAX_SEARCH);
			return 0;
		}
	}
}

/* Search, batching ids so that every URL stays under CCWATCH_MAX_URL. */
int
bugzilla_search(struct bugzilla *bz, const struct bugzilla_query *q,
    struct bug_list *out, size_t *skipped, char **cause)
{
	struct buf base, ids;
	size_t i = 0, fixed;
	char num[32];
	int rc = 0;

	buf_init(&base, CCWATCH_MAX_URL);
	bugzilla_search_base(&base, q);
	if (q->ids == NULL || q->nids == 0) {
		rc = bugzilla_search_pages(
		    bz, buf_str(&base), out, skipped, cause);
		buf_free(&base);
		return rc;
	}
	fixed = strlen(bz->url) + base.len + 64;
	buf_init(&ids, CCWATCH_MAX_URL);
	while (rc == 0 && i < q->nids) {
		buf_reset(&ids);
		buf_addstr(&ids, buf_str(&base));
		buf_addstr(&ids, "&id=");
		for (; i < q->nids; i++) {
			snprintf(num, sizeof num, "%s%lld",
			    ids.data[ids.len - 1] == '=' ? "" : "%2C",
			    (long long)q->ids[i]);
			if (fixed + ids.len + strlen(num) > CCWATCH_MAX_URL)
				break;
			buf_addstr(&ids, num);
		}
		rc = bugzilla_search_pages(
		    bz, buf_str(&ids), out, skipped, cause);
	}
	buf_free(&ids);
	buf_free(&base);
	return rc;
}

/*
 * Fetch comments or history of many bugs: GET /rest/bug/FIRST/KIND?ids=...,
 * at most CCWATCH_MAX_BATCH bugs and CCWATCH_MAX_URL bytes a request.
 */
static int
bugzilla_batched(struct bugzilla *bz, const char *kind, const int64_t *ids,
    size_t nids, time_t new_since, bugzilla_parse_cb parse, void *out,
    size_t *skipped, char **cause)
{
	struct buf path;
	char iso[TIMEUTIL_ISO_LEN], num[40];
	size_t i = 0, inbatch, fixed = strlen(bz->url) + 160;
	char *fields = http_escape(BUGZILLA_COMMENT_FIELDS);
	int n, rc = -1;

	buf_init(&path, CCWATCH_MAX_URL);
	while (i < nids) {
		buf_reset(&path);
		buf_printf(
		    &path, "/rest/bug/%lld/%s?", (long long)ids[i++], kind);
		if (new_since != 0)
			buf_printf(&path, "new_since=%s&",
			    timeutil_format_iso(new_since, iso));
		if (strcmp(kind, "comment") == 0)
			buf_printf(&path, "include_fields=%s&", fields);
		for (inbatch = 1; i < nids && inbatch < CCWATCH_MAX_BATCH;
		     inbatch++, i++) {
			snprintf(
			    num, sizeof num, "ids=%lld&", (long long)ids[i]);
			if (fixed + path.len + strlen(num) > CCWATCH_MAX_URL)
				break;
			buf_addstr(&path, num);
		}
		path.data[--path.len] = '\0'; /* the last '&' or '?' */
		n = bugzilla_call(bz, kind, buf_str(&path), parse, out, cause);
		if (n == -1)
			goto out;
		if (skipped != NULL)
			*skipped += (size_t)n;
	}
	rc = 0;
out:
	free(fields);
	buf_free(&path);
	return rc;
}

/* Fetch the comments of many bugs. */
int
bugzilla_comments(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct comment_list *out, size_t *skipped, char **cause)
{
	return bugzilla_batched(bz, "comment", ids, nids, new_since,
	    bugzilla_parse_comments, out, skipped, cause);
}

/* Fetch the history of many bugs. */
int
bugzilla_history(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct history_list *out, size_t *skipped, char **cause)
{
	return bugzilla_batched(bz, "history", ids, nids, new_since,
	    bugzilla_parse_history, out, skipped, cause);
}

/*
 * The client's options from [bugzilla]; the strings stay the
 * configuration's.  The request hook is left to the caller.
 */
void
bugzilla_options_from_config(struct bugzilla_options *o, const struct config *c)
{
	memset(o, 0, sizeof *o);
	o->url = c->url;
	o->api_key = c->api_key;
	o->http.ca_file = c->ca_file;
	o->http.timeout = (long)c->timeout;
	o->http.connect_timeout = (long)c->connect_timeout;
	o->retries = (int)c->retries;
	o->page_size = (long)c->page_size;
}
