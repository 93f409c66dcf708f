/*
 * The Bugzilla REST client (see bugzilla.h).
 *
 * A call is one operation: a list of paths fetched in turn (a search pages
 * each of its paths by offset), each request retried after a backoff on
 * an sd-event timer when that can help.  Every response is parsed as it
 * arrives, so an operation holds one response at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "bugzilla.h"
#include "bzquery.h"
#include "config.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Bugzilla's error code for an unmapped user error: the rate limit. */
#define BUGZILLA_CODE_RATELIMIT 32000

/* A parser of a loaded body into out: skipped records, or -1 with cause. */
typedef int (*bugzilla_parse_cb)(
    const struct model_doc *, void *out, char **cause);

/* One call in flight. */
struct bugzilla_op {
	struct bugzilla *bz;
	const char *what;     /* "time", "search", "comment", ... */
	struct strlist paths; /* fetched in turn */
	size_t i;             /* the path fetched now */
	int search;           /* page each path by limit and offset */
	long offset;
	size_t found;    /* bugs of this search so far */
	int64_t prev[3]; /* the last page: first id, last id, count */
	int attempt;
	long retry_after; /* seconds the last failed answer asked to wait */
	bugzilla_parse_cb parse;
	void *out;
	size_t *skipped;
	char *url;
	char *err; /* the last failure, for the retry line */
	struct http_response resp;
	struct http_transfer *t;
	sd_event_source *backoff;
	bugzilla_done_cb done;
	void *arg;
};

struct bugzilla {
	char *url;
	char *api_key_header; /* secret */
	struct http *http;
	int own_http;
	size_t max_body;
	int retries;
	long retry_base_ms;
	long retry_max_ms;
	long page_size;
	long max_search;
	struct bugzilla_stats stats;
	enum bugzilla_error last_error;
	long last_api_code;
	long retry_after;       /* of a failed last call; 0: none */
	struct bugzilla_op *op; /* the call in flight, or NULL */
};

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
	if (bz->page_size > CCWATCH_MAX_SEARCH)
		bz->page_size = CCWATCH_MAX_SEARCH;
	bz->max_search =
	    o->max_search > 0 ? o->max_search : CCWATCH_MAX_SEARCH_TOTAL;
	if (o->transport != NULL) {
		bz->http = o->transport;
		return bz;
	}
	bz->own_http = 1;
	bz->http = http_new(&o->http, cause);
	if (bz->http == NULL) {
		bugzilla_free(bz);
		return NULL;
	}
	return bz;
}

/* Free an operation (its transfer and timer gone). */
static void
bugzilla_op_free(struct bugzilla_op *op)
{
	http_cancel(op->t);
	sd_event_source_disable_unref(op->backoff);
	http_response_free(&op->resp);
	strlist_free(&op->paths);
	free(op->url);
	free(op->err);
	free(op);
}

/* Abort the call in flight. */
void
bugzilla_cancel(struct bugzilla *bz)
{
	if (bz == NULL || bz->op == NULL)
		return;
	bugzilla_op_free(bz->op);
	bz->op = NULL;
}

/* 1 while a call is in flight. */
int
bugzilla_busy(const struct bugzilla *bz)
{
	return bz->op != NULL;
}

/* The client's transport. */
struct http *
bugzilla_transport(struct bugzilla *bz)
{
	return bz->http;
}

/* Free a client, zeroing the key; accepts NULL. */
void
bugzilla_free(struct bugzilla *bz)
{
	if (bz == NULL)
		return;
	bugzilla_cancel(bz);
	if (bz->own_http)
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

/* Return the seconds the server asked to wait at the last call's end. */
long
bugzilla_retry_after(const struct bugzilla *bz)
{
	return bz->retry_after;
}

/*
 * The delay in milliseconds before a retry: the backoff, or the server's
 * Retry-After (seconds) when longer; -1 when the server asks for more than
 * max_ms, which no retry inside a call waits for.
 */
long
bugzilla_retry_delay_ms(long backoff_ms, long retry_after, long max_ms)
{
	if (retry_after <= 0)
		return backoff_ms;
	if (retry_after > max_ms / 1000)
		return -1;
	return retry_after * 1000 > backoff_ms ? retry_after * 1000
					       : backoff_ms;
}

/* Return the Bugzilla error code of the last API failure. */
long
bugzilla_last_api_code(const struct bugzilla *bz)
{
	return bz->last_api_code;
}

/*
 * Classify a response that arrived (doc: its body parsed, or NULL): 0 if it
 * is a success to parse, or the error kind with *cause set.  *retry says
 * whether trying again can help.
 */
static enum bugzilla_error
bugzilla_classify(struct bugzilla *bz, const char *what,
    const struct http_response *r, const struct model_doc *doc, int *retry,
    char **cause)
{
	long code = 0;
	char *msg = NULL;
	char esc[256];
	int is_error;

	*retry = 0;
	is_error = doc != NULL && model_doc_error(doc, &code, &msg);
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

/* Adapt the /rest/time parser to the callback shape. */
static int
bugzilla_parse_time(const struct model_doc *d, void *out, char **cause)
{
	return model_time_from_doc(d, out, cause);
}

/* Adapt the /rest/version parser. */
static int
bugzilla_parse_version(const struct model_doc *d, void *out, char **cause)
{
	return model_version_from_doc(d, out, cause);
}

/* Adapt the /rest/whoami parser. */
static int
bugzilla_parse_whoami(const struct model_doc *d, void *out, char **cause)
{
	return model_whoami_from_doc(d, out, cause);
}

/* Adapt the bug list parser. */
static int
bugzilla_parse_bugs(const struct model_doc *d, void *out, char **cause)
{
	return model_bugs_from_doc(d, out, cause);
}

/* Adapt the comment parser. */
static int
bugzilla_parse_comments(const struct model_doc *d, void *out, char **cause)
{
	return model_comments_from_doc(d, out, cause);
}

/* Adapt the history parser. */
static int
bugzilla_parse_history(const struct model_doc *d, void *out, char **cause)
{
	return model_history_from_doc(d, out, cause);
}

static void bugzilla_op_send(struct bugzilla_op *);
static void bugzilla_op_fetch(struct bugzilla_op *);

/* End the call: the client is free again before the owner hears of it. */
static void
bugzilla_op_finish(struct bugzilla_op *op, int rc, const char *cause)
{
	struct bugzilla *bz = op->bz;
	bugzilla_done_cb done = op->done;
	void *arg = op->arg;
	char *why = cause != NULL ? xstrdup(cause) : NULL;

	if (rc == 0) {
		bz->last_error = BZ_OK;
		bz->retry_after = 0;
	}
	bz->op = NULL;
	bugzilla_op_free(op);
	done(arg, rc, why);
	free(why);
}

/* The backoff before a retry ended: send the request again. */
static int
bugzilla_on_backoff(sd_event_source *s, uint64_t usec, void *arg)
{
	struct bugzilla_op *op = arg;

	op->backoff = sd_event_source_disable_unref(op->backoff);
	bugzilla_op_send(op);
	return 0;
}

/* A request failed: retry it after a backoff, or end the call. */
static void
bugzilla_op_failed(struct bugzilla_op *op, int retry)
{
	struct bugzilla *bz = op->bz;
	long ms;
	int r;

	bz->stats.errors++;
	bz->retry_after = op->retry_after;
	if (!retry || op->attempt >= bz->retries) {
		bugzilla_op_finish(
		    op, -1, op->err != NULL ? op->err : op->what);
		return;
	}
	ms = bugzilla_retry_delay_ms(http_backoff_ms(op->attempt + 1,
					 bz->retry_base_ms, bz->retry_max_ms),
	    op->retry_after, bz->retry_max_ms);
	if (ms < 0) {
		/* Honoured by the caller's next attempt, not by a retry. */
		log_warnx("bugzilla: %s; the server asks to wait %ld s "
			  "(Retry-After), more than a retry waits (%ld s)",
		    op->err, op->retry_after, bz->retry_max_ms / 1000);
		bugzilla_op_finish(op, -1, op->err);
		return;
	}
	op->attempt++;
	bz->stats.retries++;
	if (op->retry_after > 0)
		log_info("bugzilla: %s; retry %d of %d in %ld s (Retry-After)",
		    op->err, op->attempt, bz->retries, ms / 1000);
	else
		log_info("bugzilla: %s; retry %d of %d", op->err, op->attempt,
		    bz->retries);
	r = sd_event_add_time_relative(http_event(bz->http), &op->backoff,
	    CLOCK_MONOTONIC, (uint64_t)ms * 1000, 1000, bugzilla_on_backoff,
	    op);
	if (r < 0)
		fatalx(
		    "bugzilla: cannot arm the backoff timer: %s", strerror(-r));
}

/*
 * 1 when a page after the first of a path is the previous page again (the
 * same count, first and last id): a server that ignores offset, whose
 * paging would never end short.
 */
static int
bugzilla_op_repeats(struct bugzilla_op *op, const struct bug_list *page)
{
	int64_t cur[3] = {0, 0, 0};
	int same;

	if (page->n > 0) {
		cur[0] = page->v[0].id;
		cur[1] = page->v[page->n - 1].id;
		cur[2] = (int64_t)page->n;
	}
	same = op->offset > 0 && page->n > 0 &&
	    memcmp(cur, op->prev, sizeof cur) == 0;
	memcpy(op->prev, cur, sizeof cur);
	return same;
}

/*
 * A search page was parsed into page: move its bugs out, and tell whether
 * the path has more pages.  A page as long as the server's cap is full
 * whatever the limit asked, since the server cuts silently.
 */
static int
bugzilla_op_page(struct bugzilla_op *op, struct bug_list *page, int skipped)
{
	struct bug_list *out = op->out;
	size_t got = page->n + (size_t)skipped, i;

	for (i = 0; i < page->n; i++)
		*bug_list_add(out) = page->v[i];
	free(page->v);
	memset(page, 0, sizeof *page);
	op->found += got;
	if (got < (size_t)op->bz->page_size && got < CCWATCH_MAX_SEARCH)
		return 0;
	op->offset += (long)got;
	return 1;
}

/*
 * Parse a good response (doc: its body, or NULL when it is not a JSON
 * object, with why; both are taken) and move on to the next request, or
 * finish.  The tree goes as soon as its records are copied out.
 */
static void
bugzilla_op_parsed(struct bugzilla_op *op, struct model_doc *doc, char *why)
{
	struct bug_list page;
	void *into = op->out;
	const char *ct;
	char esc[128];
	size_t got;
	int n, more = 0;

	memset(&page, 0, sizeof page);
	if (op->search)
		into = &page;
	free(op->err);
	op->err = NULL;
	if (doc != NULL) {
		n = op->parse(doc, into, &op->err);
		free(why);
	} else {
		/* Name the call, and a Content-Type that was not JSON. */
		ct = op->resp.content_type;
		if (ct != NULL && strstr(ct, "json") == NULL)
			xasprintf(&op->err,
			    "%s: not JSON (Content-Type %s): %s", op->what,
			    log_escape(esc, sizeof esc, ct), why);
		else
			xasprintf(&op->err, "%s: %s", op->what, why);
		free(why);
		n = -1;
	}
	model_doc_free(doc);
	if (n == -1) {
		/* A cut or garbled body is worth a retry. */
		bug_list_free(&page);
		op->bz->last_error = BZ_ERR_PROTOCOL;
		bugzilla_op_failed(op, 1);
		return;
	}
	if (op->skipped != NULL)
		*op->skipped += (size_t)n;
	got = page.n + (size_t)n;
	if (op->search && got > 2 * (size_t)op->bz->page_size) {
		/* More than asked for: nothing of it is stored. */
		log_warnx("bugzilla: search page of %zu bugs refused: %ld "
			  "were asked for",
		    got, op->bz->page_size);
		bug_list_free(&page);
		op->bz->last_error = BZ_ERR_PROTOCOL;
		xasprintf(&op->err,
		    "search: a page of %zu bugs for a limit of %ld", got,
		    op->bz->page_size);
		bugzilla_op_finish(op, -1, op->err);
		return;
	}
	if (op->search && bugzilla_op_repeats(op, &page)) {
		log_warnx("bugzilla: search page at offset %ld repeats the "
			  "previous page: the server ignores offset",
		    op->offset);
		bug_list_free(&page);
		op->bz->last_error = BZ_ERR_PROTOCOL;
		xasprintf(&op->err,
		    "search: the page at offset %ld repeats the previous one",
		    op->offset);
		bugzilla_op_finish(op, -1, op->err);
		return;
	}
	if (op->search)
		more = bugzilla_op_page(op, &page, n);
	if (op->found > (size_t)op->bz->max_search) {
		op->bz->last_error = BZ_ERR_TOOMANY;
		xasprintf(&op->err,
		    "search: more than %ld bugs match; narrow the products "
		    "and components",
		    op->bz->max_search);
		bugzilla_op_finish(op, -1, op->err);
		return;
	}
	if (!more) {
		op->i++;
		op->offset = 0;
	}
	if (op->i == op->paths.n) {
		bugzilla_op_finish(op, 0, NULL);
		return;
	}
	bugzilla_op_fetch(op);
}

/* A transfer ended: classify, then parse, retry or fail. */
static void
bugzilla_on_response(
    void *arg, enum http_result hr, struct http_response *resp, const char *why)
{
	struct bugzilla_op *op = arg;
	struct bugzilla *bz = op->bz;
	struct model_doc *doc;
	char *bad = NULL;
	int retry;

	op->t = NULL;
	bz->stats.bytes += resp->bytes;
	free(op->err);
	op->err = NULL;
	op->retry_after = 0;
	if (hr != HTTP_OK) {
		bz->last_error = BZ_ERR_TRANSPORT;
		op->err = xstrdup(why);
		bugzilla_op_failed(
		    op, hr == HTTP_ERR_TIMEOUT || hr == HTTP_ERR_CONNECT);
		return;
	}
	/* Parsed once: the error check and the records read the same tree. */
	doc = model_doc_load(resp->body.data, resp->body.len, &bad);
	bz->last_error =
	    bugzilla_classify(bz, op->what, resp, doc, &retry, &op->err);
	if (bz->last_error != BZ_OK) {
		/* Retry-After means something on a 429 or a 503 only. */
		if (resp->status == 429 || resp->status == 503 ||
		    bz->last_error == BZ_ERR_RATELIMIT)
			op->retry_after = resp->retry_after;
		model_doc_free(doc);
		free(bad);
		bugzilla_op_failed(op, retry);
		return;
	}
	bugzilla_op_parsed(op, doc, bad);
}

/* Send the current request (again). */
static void
bugzilla_op_send(struct bugzilla_op *op)
{
	struct bugzilla *bz = op->bz;
	const char *headers[2] = {bz->api_key_header, NULL};
	struct http_request r;

	memset(&r, 0, sizeof r);
	r.method = HTTP_GET;
	r.url = op->url;
	r.headers = headers;
	r.max_body = bz->max_body;
	r.concurrency = 1; /* BMO asks for one request at a time */
	bz->stats.requests++;
	bz->last_api_code = 0;
	op->t = http_start(bz->http, &r, &op->resp, bugzilla_on_response, op);
}

/* Build the URL of the current path (and page) and send it. */
static void
bugzilla_op_fetch(struct bugzilla_op *op)
{
	const char *path = op->paths.v[op->i];

	free(op->url);
	if (op->search)
		xasprintf(&op->url, "%s%s&limit=%ld&offset=%ld", op->bz->url,
		    path, op->bz->page_size, op->offset);
	else
		xasprintf(&op->url, "%s%s", op->bz->url, path);
	op->attempt = 0;
	bugzilla_op_send(op);
}

/* The first turn of a call: fetch, or end a call with nothing to fetch. */
static int
bugzilla_on_begin(sd_event_source *s, void *arg)
{
	struct bugzilla_op *op = arg;

	op->backoff = sd_event_source_disable_unref(op->backoff);
	if (op->paths.n == 0)
		bugzilla_op_finish(op, op->err != NULL ? -1 : 0, op->err);
	else
		bugzilla_op_fetch(op);
	return 0;
}

/*
 * Start a call over paths (taken over) on the next turn of the loop, so
 * that its callback never runs inside the start function.  With a
 * non-NULL err and no paths, the call fails with err.
 */
static void
bugzilla_op_begin(struct bugzilla *bz, const char *what, int search,
    struct strlist *paths, bugzilla_parse_cb parse, void *out, size_t *skipped,
    char *err, bugzilla_done_cb done, void *arg)
{
	struct bugzilla_op *op;
	int r;

	if (bz->op != NULL)
		fatalx(
		    "bugzilla: %s started while %s runs", what, bz->op->what);
	op = xcalloc(1, sizeof *op);
	op->bz = bz;
	op->what = what;
	op->search = search;
	op->paths = *paths;
	memset(paths, 0, sizeof *paths);
	op->parse = parse;
	op->out = out;
	op->skipped = skipped;
	op->err = err;
	op->done = done;
	op->arg = arg;
	http_response_init(&op->resp, bz->max_body);
	bz->op = op;
	bz->retry_after = 0;
	r = sd_event_add_defer(
	    http_event(bz->http), &op->backoff, bugzilla_on_begin, op);
	if (r < 0)
		fatalx("bugzilla: sd-event: %s", strerror(-r));
}

/* The end of a synchronous call. */
static void
bugzilla_sync_done(void *arg, int rc, const char *cause)
{
	http_waiter_end(arg, rc, rc == -1, cause);
}

/* Wait on the client's own loop for the call just started. */
static int
bugzilla_sync_wait(struct bugzilla *bz, struct http_waiter *y, char **cause)
{
	if (http_waiter_wait(bz->http, y, "bugzilla", "failed", cause) == -1) {
		bugzilla_cancel(bz);
		return -1;
	}
	return y->rc;
}

/* Run a one-path call to its end. */
static int
bugzilla_call(struct bugzilla *bz, const char *what, const char *path,
    bugzilla_parse_cb parse, void *out, char **cause)
{
	struct http_waiter y = {0, 0, 0, NULL};
	struct strlist paths;

	memset(&paths, 0, sizeof paths);
	strlist_add(&paths, path);
	bugzilla_op_begin(bz, what, 0, &paths, parse, out, NULL, NULL,
	    bugzilla_sync_done, &y);
	return bugzilla_sync_wait(bz, &y, cause);
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

/* Fetch the server's database time on the loop. */
void
bugzilla_time_start(
    struct bugzilla *bz, time_t *db_time, bugzilla_done_cb done, void *arg)
{
	struct strlist paths;

	memset(&paths, 0, sizeof paths);
	strlist_add(&paths, "/rest/time");
	bugzilla_op_begin(bz, "time", 0, &paths, bugzilla_parse_time, db_time,
	    NULL, NULL, done, arg);
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

/* Adapt the /rest/valid_login parser. */
static int
bugzilla_parse_valid_login(const struct model_doc *d, void *out, char **cause)
{
	return model_valid_login_from_doc(d, out, cause);
}

/*
 * Ask GET /rest/valid_login whether the key logs in as login: with the key
 * in the header only (key NULL), or also as api_key= (never logged).
 * Returns 1 or 0, or -1 with *cause.
 */
static int
bugzilla_valid_login(
    struct bugzilla *bz, const char *login, const char *key, char **cause)
{
	struct buf b;
	char *path;
	int valid = 0, rc;

	buf_init(&b, 8192);
	if (buf_addstr(&b, "/rest/valid_login?login=") == -1 ||
	    buf_add_escaped(&b, login) == -1 ||
	    (key != NULL &&
		(buf_addstr(&b, "&api_key=") == -1 ||
		    buf_add_escaped(&b, key) == -1))) {
		buf_free(&b);
		xasprintf(cause, "valid_login: the login is too long");
		return -1;
	}
	path = buf_detach(&b);
	rc = bugzilla_call(
	    bz, "valid_login", path, bugzilla_parse_valid_login, &valid, cause);
	explicit_bzero(path, strlen(path));
	free(path);
	return rc == -1 ? -1 : valid;
}

/* Search on the loop. */
void
bugzilla_search_start(struct bugzilla *bz, const struct bzquery *q,
    struct bug_list *out, size_t *skipped, bugzilla_done_cb done, void *arg)
{
	struct strlist paths;
	char *err = NULL;

	memset(&paths, 0, sizeof paths);
	if (bzquery_search_paths(bz->url, q, &paths, &err) == -1) {
		bz->last_error = BZ_ERR_TOOLONG;
		strlist_free(&paths);
	}
	bugzilla_op_begin(bz, "search", 1, &paths, bugzilla_parse_bugs, out,
	    skipped, err, done, arg);
}

/* Search, to the end. */
int
bugzilla_search(struct bugzilla *bz, const struct bzquery *q,
    struct bug_list *out, size_t *skipped, char **cause)
{
	struct http_waiter y = {0, 0, 0, NULL};

	bugzilla_search_start(bz, q, out, skipped, bugzilla_sync_done, &y);
	return bugzilla_sync_wait(bz, &y, cause);
}

/* Start a batched call of kind over ids. */
static void
bugzilla_batched_start(struct bugzilla *bz, const char *kind,
    const int64_t *ids, size_t nids, time_t new_since, bugzilla_parse_cb parse,
    void *out, size_t *skipped, bugzilla_done_cb done, void *arg)
{
	struct strlist paths;

	memset(&paths, 0, sizeof paths);
	bzquery_batch_paths(bz->url, kind, ids, nids, new_since, &paths);
	bugzilla_op_begin(
	    bz, kind, 0, &paths, parse, out, skipped, NULL, done, arg);
}

/* Fetch the comments of many bugs on the loop. */
void
bugzilla_comments_start(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct comment_list *out, size_t *skipped,
    bugzilla_done_cb done, void *arg)
{
	bugzilla_batched_start(bz, "comment", ids, nids, new_since,
	    bugzilla_parse_comments, out, skipped, done, arg);
}

/* Fetch the history of many bugs on the loop. */
void
bugzilla_history_start(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct history_list *out, size_t *skipped,
    bugzilla_done_cb done, void *arg)
{
	bugzilla_batched_start(bz, "history", ids, nids, new_since,
	    bugzilla_parse_history, out, skipped, done, arg);
}

/* Fetch the comments of many bugs, to the end. */
int
bugzilla_comments(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct comment_list *out, size_t *skipped, char **cause)
{
	struct http_waiter y = {0, 0, 0, NULL};

	bugzilla_comments_start(
	    bz, ids, nids, new_since, out, skipped, bugzilla_sync_done, &y);
	return bugzilla_sync_wait(bz, &y, cause);
}

/* Fetch the history of many bugs, to the end. */
int
bugzilla_history(struct bugzilla *bz, const int64_t *ids, size_t nids,
    time_t new_since, struct history_list *out, size_t *skipped, char **cause)
{
	struct http_waiter y = {0, 0, 0, NULL};

	bugzilla_history_start(
	    bz, ids, nids, new_since, out, skipped, bugzilla_sync_done, &y);
	return bugzilla_sync_wait(bz, &y, cause);
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

/*
 * Check the key where the server has no /rest/whoami (upstream Bugzilla
 * 5.2): ask /rest/valid_login whether it is [people] self's, with
 * the key in the header as always, then, if not, as api_key= to tell an
 * ignored header from a key that is not self's.  Returns as
 * bugzilla_check_key.
 */
static int
bugzilla_check_key_upstream(
    struct bugzilla *bz, const struct config *c, char **login, char **cause)
{
	const char *self = c->people.self;
	char *err = NULL;
	int hdr, query = 0;

	if (self == NULL) {
		xasprintf(cause,
		    "bugzilla: cannot check the API key: the server has no "
		    "/rest/whoami, and /rest/valid_login needs the key's "
		    "login: set [people] self to it");
		return -1;
	}
	hdr = bugzilla_valid_login(bz, self, NULL, &err);
	if (hdr == 1) {
		*login = xstrdup(self);
		return 1;
	}
	if (hdr == 0)
		query = bugzilla_valid_login(bz, self, c->api_key, &err);
	if (hdr == -1 || query == -1) {
		if (bugzilla_last_error(bz) == BZ_ERR_API &&
		    bugzilla_last_api_code(bz) == 306) {
			free(err);
			xasprintf(cause,
			    "bugzilla: the server rejects the API key "
			    "(code 306)");
			return -1;
		}
		*cause = err;
		return 0;
	}
	if (query == 1)
		xasprintf(cause,
		    "bugzilla: the server ignores the API key: "
		    "/rest/valid_login accepts it as %s's only as api_key=; "
		    "ccwatch sends the key in the X-BUGZILLA-API-KEY header, "
		    "which upstream Bugzilla does not read",
		    self);
	else
		xasprintf(cause,
		    "bugzilla: the server does not accept the API key as "
		    "%s's ([people] self; /rest/valid_login)",
		    self);
	return -1;
}

/*
 * Ask the server who the configured API key is (GET /rest/whoami, the key
 * in the header as always; /rest/valid_login where the server has no
 * whoami); see bugzilla.h.
 */
int
bugzilla_check_key(const struct config *c, char **login, char **cause)
{
	struct bugzilla_options o;
	struct bugzilla *bz;
	char *err = NULL;
	long code;
	int rc;

	*login = NULL;
	if (c->api_key == NULL)
		return 0;
	bugzilla_options_from_config(&o, c);
	o.retries = 0;
	if (o.http.timeout > 15)
		o.http.timeout = 15;
	bz = bugzilla_new(&o, cause);
	if (bz == NULL)
		return -1;
	rc = bugzilla_whoami(bz, login, &err);
	if (rc == 0) {
		bugzilla_free(bz);
		return 1;
	}
	code = bugzilla_last_error(bz) == BZ_ERR_API
	    ? bugzilla_last_api_code(bz)
	    : 0;
	if (code == 32614) {
		free(err);
		rc = bugzilla_check_key_upstream(bz, c, login, cause);
		bugzilla_free(bz);
		return rc;
	}
	bugzilla_free(bz);
	if (code == 306)
		xasprintf(cause,
		    "bugzilla: the server rejects the API key "
		    "(code 306)");
	else if (code == 410 || code == 102)
		xasprintf(cause,
		    "bugzilla: the server ignores the API key: /rest/whoami "
		    "answers as to an anonymous client (code %ld); ccwatch "
		    "sends the key in the X-BUGZILLA-API-KEY header, which "
		    "upstream Bugzilla does not read",
		    code);
	else {
		/* Unreachable or failing: nothing is known of the key. */
		*cause = err;
		return 0;
	}
	free(err);
	return -1;
}
