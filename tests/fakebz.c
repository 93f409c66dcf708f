/*
 * The fake Bugzilla: an in-memory corpus of BMO bug objects served over
 * libmicrohttpd on 127.0.0.1 with BMO's REST routes, parameters, errors and
 * quirks (BUGZILLA-API.md §9), plus fault injection and request counting.
 *
 * One mutex guards everything in struct fakebz: MHD's threads read the
 * corpus while the test thread mutates it and arms faults.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "fakebz.h"
#include "timeutil.h"
#include "xmalloc.h"

#define FAKEBZ_MAX_TARGET  8192  /* Varnish's request-target limit */
#define FAKEBZ_SEARCH_CAP  10000 /* max_search_results */
#define FAKEBZ_BLOCK_SECS  3600  /* BlockIP BLOCK_TIMEOUT */
#define FAKEBZ_NEEDINFO_ID 800   /* BMO's needinfo flag type */
#define FAKEBZ_DOC_URL     "https://bmo.readthedocs.io/en/latest/api/"
#define FAKEBZ_JSON_TYPE   "application/json; charset=UTF-8"

struct fakebz_rule {
	char *prefix;
	enum fakebz_fault kind;
	unsigned count;
};

struct fakebz {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	json_t *bugs;   /* array of stored bug objects */
	json_t *users;  /* login -> {id, real_name, nick} */
	json_t *counts; /* path -> number of requests */
	unsigned long total;
	char *last;
	char url[64];
	unsigned short port;
	time_t now;
	char *key;
	char *login;
	unsigned rl_max;
	unsigned rl_window;
	time_t rl_start;
	unsigned rl_used;
	time_t blocked_until;
	struct fakebz_rule *rules;
	size_t nrules;
	unsigned delay_ms;
	size_t huge_bytes;
	json_int_t max_bug;     /* largest bug id so far */
	json_int_t max_comment; /* largest comment id so far */
	json_int_t max_flag;    /* largest flag id so far */
};

/* The state of one request, made by the URI log callback. */
struct fakebz_req {
	char *uri;
};

/* What a route answers before ETags and faults are applied. */
struct fakebz_reply {
	unsigned status;
	char *body;
	size_t len;
	const char *type;
	int drop;
	size_t huge; /* nonzero: stream this many junk bytes */
};

/* The query of one request: every name with all of its values. */
struct fakebz_ctx {
	struct fakebz *fb;
	struct MHD_Connection *conn;
	json_t *args; /* name -> array of strings */
	int auth;     /* 1 with the right key, 0 anonymous */
	time_t now;
};

static void fakebz_scan_ids(struct fakebz *);
static int fakebz_charts_match(struct fakebz_ctx *, json_t *);

/* Bug fields that BMO returns only when asked for by name or _all. */
static const char *fakebz_extra_fields[] = {"comments", "history",
    "attachments", "description", "counts", "filed_via", "tags", "triage_owner",
    "last_change_time_non_bot"};

static const char *fakebz_open_states[] = {
    "UNCONFIRMED", "NEW", "ASSIGNED", "REOPENED"};
static const char *fakebz_closed_states[] = {"RESOLVED", "VERIFIED", "CLOSED"};

/* The fake's clock; the caller holds the lock. */
static time_t
fakebz_clock(struct fakebz *fb)
{
	return fb->now != 0 ? fb->now : time(NULL);
}

/* Format t as BMO's outbound datetime into a new json string. */
static json_t *
fakebz_time_json(time_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	return json_string(timeutil_format_iso(t, iso));
}

/* Parse a stored datetime string; 0 when absent or unparseable. */
static time_t
fakebz_time_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	time_t t;

	if (s == NULL || timeutil_parse_iso(s, &t) == -1)
		return 0;
	return t;
}

/* Return 1 if status is one of BMO's open statuses. */
static int
fakebz_status_is_open(const char *status)
{
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(fakebz_open_states); i++)
		if (strcmp(status, fakebz_open_states[i]) == 0)
			return 1;
	return 0;
}

/* Return 1 if status is a legal BMO status. */
static int
fakebz_status_is_legal(const char *status)
{
	size_t i;

	if (fakebz_status_is_open(status))
		return 1;
	for (i = 0; i < CCWATCH_NELEM(fakebz_closed_states); i++)
		if (strcmp(status, fakebz_closed_states[i]) == 0)
			return 1;
	return 0;
}

/* Find a stored bug by id; borrowed. */
static json_t *
fakebz_find_bug(struct fakebz *fb, json_int_t id)
{
	size_t i;
	json_t *bug;

	json_array_foreach(fb->bugs, i,
	    bug) if (json_integer_value(json_object_get(bug, "id")) ==
	    id) return bug;
	return NULL;
}

/* Find a stored bug by id or alias string; borrowed. */
static json_t *
fakebz_find_bug_str(struct fakebz *fb, const char *s)
{
	long long id;
	const char *errstr;
	size_t i;
	json_t *bug;
	const char *alias;

	if (timeutil_strtonum(s, 0, INT64_MAX, &id, &errstr) == 0)
		return fakebz_find_bug(fb, id);
	json_array_foreach(fb->bugs, i, bug)
	{
		alias = json_string_value(json_object_get(bug, "alias"));
		if (alias != NULL && strcmp(alias, s) == 0)
			return bug;
	}
	return NULL;
}

/* Return 1 if the bug is restricted to groups. */
static int
fakebz_bug_is_restricted(json_t *bug)
{
	return json_array_size(json_object_get(bug, "groups")) > 0;
}

/* Fill a stored bug's missing members so later code can rely on them. */
static void
fakebz_normalise_bug(json_t *bug)
{
	static const char *arrays[] = {
	    "comments", "history", "flags", "cc", "keywords", "groups"};
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
	json_object_del(bug, "creator_detail");
	json_object_del(bug, "assigned_to_detail");
	json_object_del(bug, "qa_contact_detail");
	json_object_del(bug, "cc_detail");
	json_object_del(bug, "mentors_detail");
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
	bugs = json_object_get(root, "bugs");
	if (!json_is_array(bugs)) {
		xasprintf(cause, "%s: no \"bugs\" array", path);
		json_decref(root);
		return -1;
	}
	json_array_foreach(bugs, i, bug)
	{
		if (!json_is_object(bug) ||
		    !json_is_integer(json_object_get(bug, "id"))) {
			xasprintf(cause, "%s: bug %zu has no id", path, i);
			json_decref(root);
			return -1;
		}
		fakebz_normalise_bug(bug);
	}
	json_decref(fb->bugs);
	fb->bugs = json_incref(bugs);
	if (json_is_object(json_object_get(root, "users"))) {
		json_decref(fb->users);
		fb->users = json_incref(json_object_get(root, "users"));
	}
	json_decref(root);
	return 0;
}

/* Build BMO's user detail object {id, real_name, nick, name, email}. */
static json_t *
fakebz_user_detail(struct fakebz *fb, const char *login)
{
	json_t *u = json_object_get(fb->users, login);
	json_t *d;
	const char *at = strchr(login, '@');
	unsigned long h = 5381;
	const char *p;

	d = json_object();
	if (json_is_integer(json_object_get(u, "id")))
		json_object_set(d, "id", json_object_get(u, "id"));
	else {
		/* A stable made-up id for users the corpus does not list. */
		for (p = login; *p != '\0'; p++)
			h = h * 33 + (unsigned char)*p;
		json_object_set_new(d, "id", json_integer(100000 + h % 900000));
	}
	if (json_is_string(json_object_get(u, "real_name")))
		json_object_set(
		    d, "real_name", json_object_get(u, "real_name"));
	else
		json_object_set_new(d, "real_name", json_string(""));
	if (json_is_string(json_object_get(u, "nick")))
		json_object_set(d, "nick", json_object_get(u, "nick"));
	else
		json_object_set_new(d, "nick",
		    json_stringn(login,
			at != NULL ? (size_t)(at - login) : strlen(login)));
	json_object_set_new(d, "name", json_string(login));
	json_object_set_new(d, "email", json_string(login));
	return d;
}

/* Append each piece of s, split at commas and spaces, to arr. */
static void
fakebz_split_into(json_t *arr, const char *s)
{
	const char *p = s;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, ", ");
		if (n > 0)
			json_array_append_new(arr, json_stringn(p, n));
		p += n;
		if (*p != '\0')
			p++;
	}
}

/* All values of a parameter, each split at commas; new reference. */
static json_t *
fakebz_arg_list(struct fakebz_ctx *ctx, const char *name)
{
	json_t *out = json_array();
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(ctx->args, name), i, v)
	    fakebz_split_into(out, json_string_value(v));
	return out;
}

/* The first value of a parameter, or NULL; borrowed. */
static const char *
fakebz_arg(struct fakebz_ctx *ctx, const char *name)
{
	return json_string_value(
	    json_array_get(json_object_get(ctx->args, name), 0));
}

/* Return 1 if the array of strings holds s. */
static int
fakebz_list_has(json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(
	    list, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
	return 0;
}

/* Return 1 if name is a field BMO returns without being asked for. */
static int
fakebz_is_default(const char *name, int is_bug)
{
	size_t i;

	if (!is_bug)
		return 1;
	for (i = 0; i < CCWATCH_NELEM(fakebz_extra_fields); i++)
		if (strcmp(name, fakebz_extra_fields[i]) == 0)
			return 0;
	return 1;
}

/* Util.pm filter_wants: is field name wanted by include/exclude? */
static int
fakebz_wants(json_t *inc, json_t *exc, const char *name, int is_bug)
{
	if (fakebz_list_has(exc, name))
		return 0;
	if (json_array_size(inc) == 0)
		return fakebz_is_default(name, is_bug);
	if (fakebz_list_has(inc, name) || fakebz_list_has(inc, "_all"))
		return 1;
	if (fakebz_list_has(inc, "_default") && fakebz_is_default(name, is_bug))
		return 1;
	if (fakebz_list_has(inc, "_custom") && strncmp(name, "cf_", 3) == 0)
		return 1;
	return 0;
}

/* Set key on obj to a copy of src's key, or to dflt (stolen). */
static void
fakebz_set_or(json_t *obj, json_t *src, const char *key, json_t *dflt)
{
	json_t *v = json_object_get(src, key);

	if (v != NULL) {
		json_object_set_new(obj, key, json_deep_copy(v));
		json_decref(dflt);
	} else
		json_object_set_new(obj, key, dflt);
}

/* A comment as the comment endpoints return it, before filtering. */
static json_t *
fakebz_comment_full(json_t *bug, json_t *c)
{
	json_t *o = json_deep_copy(c);

	fakebz_set_or(
	    o, c, "bug_id", json_deep_copy(json_object_get(bug, "id")));
	fakebz_set_or(
	    o, c, "author", json_deep_copy(json_object_get(c, "creator")));
	fakebz_set_or(
	    o, c, "time", json_deep_copy(json_object_get(c, "creation_time")));
	fakebz_set_or(
	    o, c, "raw_text", json_deep_copy(json_object_get(c, "text")));
	fakebz_set_or(o, c, "is_private", json_false());
	fakebz_set_or(o, c, "attachment_id", json_null());
	fakebz_set_or(o, c, "tags", json_array());
	fakebz_set_or(o, c, "reactions", json_object());
	return o;
}

/* Keep only the wanted keys of obj (comments: every key is default). */
static void
fakebz_filter_keys(json_t *obj, json_t *inc, json_t *exc)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(obj, tmp, key,
	    v) if (!fakebz_wants(inc, exc, key, 0)) json_object_del(obj, key);
}

/*
 * The visible comments of a bug newer than since (strictly), filtered by
 * include/exclude; new reference.
 */
static json_t *
fakebz_comments_of(
    json_t *bug, int auth, time_t since, json_t *inc, json_t *exc)
{
	json_t *out = json_array();
	json_t *c, *o;
	size_t i;

	json_array_foreach(json_object_get(bug, "comments"), i, c)
	{
		if (!auth && json_is_true(json_object_get(c, "is_private")))
			continue;
		if (since != 0 && fakebz_time_of(c, "creation_time") <= since)
			continue;
		o = fakebz_comment_full(bug, c);
		fakebz_filter_keys(o, inc, exc);
		json_array_append_new(out, o);
	}
	return out;
}

/* The history entries of a bug newer than since (strictly); new ref. */
static json_t *
fakebz_history_of(json_t *bug, time_t since)
{
	json_t *out = json_array();
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(bug, "history"), i, h)
	{
		if (since != 0 && fakebz_time_of(h, "when") <= since)
			continue;
		json_array_append_new(out, json_deep_copy(h));
	}
	return out;
}

/* The default representation of a stored bug (no comments or history). */
static json_t *
fakebz_bug_full(json_t *bug)
{
	json_t *o = json_deep_copy(bug);
	const char *status;

	json_object_del(o, "comments");
	json_object_del(o, "history");
	fakebz_set_or(o, bug, "alias", json_null());
	fakebz_set_or(o, bug, "summary", json_string(""));
	fakebz_set_or(o, bug, "assigned_to", json_string("nobody@mozilla.org"));
	fakebz_set_or(o, bug, "creator", json_string("nobody@mozilla.org"));
	fakebz_set_or(o, bug, "qa_contact", json_string(""));
	fakebz_set_or(o, bug, "whiteboard", json_string(""));
	fakebz_set_or(o, bug, "product", json_string(""));
	fakebz_set_or(o, bug, "component", json_string(""));
	fakebz_set_or(o, bug, "classification", json_string("Other"));
	fakebz_set_or(o, bug, "op_sys", json_string("Unspecified"));
	fakebz_set_or(o, bug, "platform", json_string("Unspecified"));
	fakebz_set_or(o, bug, "priority", json_string("--"));
	fakebz_set_or(o, bug, "severity", json_string("--"));
	fakebz_set_or(o, bug, "target_milestone", json_string("---"));
	fakebz_set_or(o, bug, "type", json_string("task"));
	fakebz_set_or(o, bug, "url", json_string(""));
	fakebz_set_or(o, bug, "version", json_string("unspecified"));
	fakebz_set_or(o, bug, "votes", json_integer(0));
	fakebz_set_or(o, bug, "dupe_of", json_null());
	fakebz_set_or(o, bug, "is_cc_accessible", json_true());
	fakebz_set_or(o, bug, "is_confirmed", json_true());
	fakebz_set_or(o, bug, "is_creator_accessible", json_true());
	fakebz_set_or(o, bug, "blocks", json_array());
	fakebz_set_or(o, bug, "depends_on", json_array());
	fakebz_set_or(o, bug, "duplicates", json_array());
	fakebz_set_or(o, bug, "regressed_by", json_array());
	fakebz_set_or(o, bug, "regressions", json_array());
	fakebz_set_or(o, bug, "see_also", json_array());
	fakebz_set_or(o, bug, "mentors", json_array());
	status = json_string_value(json_object_get(o, "status"));
	json_object_set_new(o, "is_open",
	    json_boolean(status != NULL && fakebz_status_is_open(status)));
	return o;
}

/* Add login's *_detail object to out when field is a login field. */
static void
fakebz_add_detail(struct fakebz *fb, json_t *out, json_t *full,
    const char *field, json_t *exc)
{
	char detail[64];
	json_t *v = json_object_get(full, field);
	json_t *arr, *e;
	size_t i;
	const char *login;

	(void)snprintf(detail, sizeof detail, "%s_detail", field);
	if (fakebz_list_has(exc, detail))
		return;
	if (json_is_array(v)) {
		arr = json_array();
		json_array_foreach(v, i, e) json_array_append_new(
		    arr, fakebz_user_detail(fb, json_string_value(e)));
		json_object_set_new(out, detail, arr);
		return;
	}
	login = json_string_value(v);
	if (login == NULL || *login == '\0')
		return; /* no qa_contact_detail without a QA contact */
	json_object_set_new(out, detail, fakebz_user_detail(fb, login));
}

/* Render a bug as search and Bug.get return it under the ctx's fields. */
static json_t *
fakebz_bug_render(struct fakebz_ctx *ctx, json_t *bug, json_t *inc, json_t *exc)
{
	static const char *logins[] = {
	    "creator", "assigned_to", "qa_contact", "cc", "mentors"};
	json_t *full = fakebz_bug_full(bug);
	json_t *out = json_object();
	const char *key, *ns;
	json_t *v;
	time_t since = 0;
	size_t i;

	json_object_foreach(full, key, v) if (fakebz_wants(inc, exc, key, 1))
	    json_object_set(out, key, v);
	for (i = 0; i < CCWATCH_NELEM(logins); i++)
		if (json_object_get(out, logins[i]) != NULL)
			fakebz_add_detail(ctx->fb, out, full, logins[i], exc);
	ns = fakebz_arg(ctx, "new_since");
	if (ns != NULL)
		(void)timeutil_parse_iso(ns, &since);
	if (fakebz_wants(inc, exc, "comments", 1))
		json_object_set_new(out, "comments",
		    fakebz_comments_of(bug, ctx->auth, since, NULL, NULL));
	if (fakebz_wants(inc, exc, "history", 1))
		json_object_set_new(
		    out, "history", fakebz_history_of(bug, since));
	if (fakebz_wants(inc, exc, "description", 1))
		json_object_set(out, "description",
		    json_object_get(
			json_array_get(json_object_get(bug, "comments"), 0),
			"text"));
	json_decref(full);
	return out;
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
static void
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
static void CCWATCH_PRINTF(3, 4)
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

/*
 * Count an anonymous Bug.get or Bug.comments call against the rate limit.
 * Returns 0, or -1 after setting the 32000 answer and blocking the address.
 */
static int
fakebz_rate_check(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	struct fakebz *fb = ctx->fb;

	if (ctx->auth || fb->rl_max == 0)
		return 0;
	if (fb->rl_start == 0 || ctx->now >= fb->rl_start + fb->rl_window) {
		fb->rl_start = ctx->now;
		fb->rl_used = 0;
	}
	if (++fb->rl_used <= fb->rl_max)
		return 0;
	fb->blocked_until = ctx->now + FAKEBZ_BLOCK_SECS;
	fakebz_reply_error(r, 32000, "You have exceeded the rate limit.");
	return -1;
}

/* Parse a datetime parameter; -1 with the 56 answer set when illegal. */
static int
fakebz_arg_time(struct fakebz_ctx *ctx, const char *name, time_t *out,
    struct fakebz_reply *r)
{
	const char *s = fakebz_arg(ctx, name);

	*out = 0;
	if (s == NULL)
		return 0;
	if (timeutil_parse_iso(s, out) == -1) {
		fakebz_reply_error(r, 56, "'%s' is not a legal date.", s);
		return -1;
	}
	return 0;
}

/* Return 1 if every whitespace-separated word of want occurs in have. */
static int
fakebz_all_words(const char *have, const char *want)
{
	char *copy = xstrdup(want), *p = copy, *w;
	int ok = 1;

	while (ok && (w = strsep(&p, " \t")) != NULL)
		if (*w != '\0' && strcasestr(have, w) == NULL)
			ok = 0;
	free(copy);
	return ok;
}

/* Return 1 if the stored string key of bug is one of the values. */
static int
fakebz_match_exact(json_t *bug, const char *key, json_t *values)
{
	const char *have = json_string_value(json_object_get(bug, key));

	if (json_array_size(values) == 0)
		return 1;
	return have != NULL && fakebz_list_has(values, have);
}

/* The search criteria of one Bug.search call. */
struct fakebz_query {
	json_t *product, *component, *status, *resolution, *ids;
	time_t changed, created;
	const char *whiteboard, *wb_type, *summary, *creator, *assignee;
};

/* Expand status values the way Search.pm does, dropping invalid ones. */
static json_t *
fakebz_expand_status(struct fakebz_ctx *ctx)
{
	json_t *out = json_array();
	json_t *in, *v;
	size_t i, j;
	const char *s;

	in = json_object_get(ctx->args, "status");
	if (in == NULL)
		in = json_object_get(ctx->args, "bug_status");
	json_array_foreach(in, i, v)
	{
		s = json_string_value(v);
		if (strcmp(s, "__open__") == 0 || strcmp(s, "__all__") == 0)
			for (j = 0; j < CCWATCH_NELEM(fakebz_open_states); j++)
				json_array_append_new(
				    out, json_string(fakebz_open_states[j]));
		if (strcmp(s, "__closed__") == 0 || strcmp(s, "__all__") == 0)
			for (j = 0; j < CCWATCH_NELEM(fakebz_closed_states);
			     j++)
				json_array_append_new(
				    out, json_string(fakebz_closed_states[j]));
		if (fakebz_status_is_legal(s))
			json_array_append_new(out, json_string(s));
	}
	return out;
}

/* Return 1 if the bug's id is one of ids (or ids is empty). */
static int
fakebz_match_ids(json_t *bug, json_t *ids)
{
	char idstr[32];

	if (json_array_size(ids) == 0)
		return 1;
	(void)snprintf(idstr, sizeof idstr, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(bug, "id")));
	return fakebz_list_has(ids, idstr);
}

/* Return 1 if a bug meets every criterion of q. */
static int
fakebz_match(struct fakebz_ctx *ctx, struct fakebz_query *q, json_t *bug)
{
	const char *wb = json_string_value(json_object_get(bug, "whiteboard"));
	const char *s;

	if (fakebz_bug_is_restricted(bug) && !ctx->auth)
		return 0;
	if (!fakebz_match_exact(bug, "product", q->product) ||
	    !fakebz_match_exact(bug, "component", q->component) ||
	    !fakebz_match_exact(bug, "status", q->status) ||
	    !fakebz_match_exact(bug, "resolution", q->resolution) ||
	    !fakebz_match_ids(bug, q->ids))
		return 0;
	if (q->changed != 0 &&
	    fakebz_time_of(bug, "last_change_time") < q->changed)
		return 0;
	if (q->created != 0 &&
	    fakebz_time_of(bug, "creation_time") < q->created)
		return 0;
	if (q->whiteboard != NULL) {
		if (wb == NULL)
			wb = "";
		if (q->wb_type != NULL &&
		    strcmp(q->wb_type, "substring") == 0) {
			if (strcasestr(wb, q->whiteboard) == NULL)
				return 0;
		} else if (!fakebz_all_words(wb, q->whiteboard))
			return 0;
	}
	if (!fakebz_charts_match(ctx, bug))
		return 0;
	s = json_string_value(json_object_get(bug, "summary"));
	if (q->summary != NULL && !fakebz_all_words(s ? s : "", q->summary))
		return 0;
	s = json_string_value(json_object_get(bug, "creator"));
	if (q->creator != NULL &&
	    (s == NULL || strcasestr(s, q->creator) == NULL))
		return 0;
	s = json_string_value(json_object_get(bug, "assigned_to"));
	if (q->assignee != NULL &&
	    (s == NULL || strcasestr(s, q->assignee) == NULL))
		return 0;
	return 1;
}

/*
 * The values a custom-search field has on a bug, as strings: one for a
 * plain field, one a flag for flag fields; new reference.
 */
static json_t *
fakebz_chart_values(json_t *bug, const char *field)
{
	static const char *plain[][2] = {{"status_whiteboard", "whiteboard"},
	    {"bug_status", "status"}, {"resolution", "resolution"},
	    {"product", "product"}, {"component", "component"},
	    {"short_desc", "summary"}, {"delta_ts", "last_change_time"},
	    {"creation_ts", "creation_time"}};
	json_t *out = json_array();
	json_t *f;
	size_t i;
	char *s;
	const char *name, *status, *who;

	for (i = 0; i < CCWATCH_NELEM(plain); i++)
		if (strcmp(field, plain[i][0]) == 0 ||
		    strcmp(field, plain[i][1]) == 0)
			json_array_append(
			    out, json_object_get(bug, plain[i][1]));
	if (strcmp(field, "bug_id") == 0) {
		xasprintf(&s, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(bug, "id")));
		json_array_append_new(out, json_string(s));
		free(s);
	}
	json_array_foreach(json_object_get(bug, "flags"), i, f)
	{
		name = json_string_value(json_object_get(f, "name"));
		status = json_string_value(json_object_get(f, "status"));
		if (strcmp(field, "flagtypes.name") == 0) {
			xasprintf(
			    &s, "%s%s", name ? name : "", status ? status : "");
			json_array_append_new(out, json_string(s));
			free(s);
		}
		who = json_string_value(json_object_get(f,
		    strcmp(field, "setters.login_name") == 0 ? "setter"
			: strcmp(field, "requestees.login_name") == 0
			? "requestee"
			: ""));
		if (who != NULL)
			json_array_append_new(out, json_string(who));
	}
	return out;
}

/* Return 1 if one value meets a positive chart operator. */
static int
fakebz_chart_op(const char *op, const char *have, const char *want)
{
	time_t th, tw;
	long long nh, nw;
	const char *e;

	if (strcmp(op, "equals") == 0 || strcmp(op, "anyexact") == 0)
		return strcmp(have, want) == 0;
	if (strcmp(op, "substring") == 0 || strcmp(op, "substr") == 0)
		return strcasestr(have, want) != NULL;
	if (strcmp(op, "casesubstring") == 0)
		return strstr(have, want) != NULL;
	if (strcmp(op, "allwordssubstr") == 0)
		return fakebz_all_words(have, want);
	if (strcmp(op, "isnotempty") == 0)
		return *have != '\0';
	if (timeutil_parse_iso(have, &th) == 0 &&
	    timeutil_parse_iso(want, &tw) == 0) {
		nh = th;
		nw = tw;
	} else if (timeutil_strtonum(have, 0, INT64_MAX, &nh, &e) == -1 ||
	    timeutil_strtonum(want, 0, INT64_MAX, &nw, &e) == -1)
		return 0;
	if (strcmp(op, "greaterthan") == 0)
		return nh > nw;
	if (strcmp(op, "greaterthaneq") == 0)
		return nh >= nw;
	if (strcmp(op, "lessthan") == 0)
		return nh < nw;
	if (strcmp(op, "lessthaneq") == 0)
		return nh <= nw;
	return 0;
}

/*
 * Return 1 if the bug meets custom-search chart n (fN/oN/vN), 0 if not, -1
 * when there is no chart n.  Negative operators hold when no value meets
 * their positive form; anyexact takes a comma list.
 */
static int
fakebz_chart_match(struct fakebz_ctx *ctx, json_t *bug, int n)
{
	char key[16];
	const char *field, *op, *want;
	json_t *values, *wants, *v, *w;
	size_t i, j;
	int neg, hit = 0;

	(void)snprintf(key, sizeof key, "f%d", n);
	field = fakebz_arg(ctx, key);
	(void)snprintf(key, sizeof key, "o%d", n);
	op = fakebz_arg(ctx, key);
	(void)snprintf(key, sizeof key, "v%d", n);
	want = fakebz_arg(ctx, key);
	if (field == NULL || op == NULL)
		return -1;
	if (want == NULL)
		want = "";
	neg = strncmp(op, "not", 3) == 0 || strcmp(op, "isempty") == 0;
	if (strcmp(op, "isempty") == 0)
		op = "isnotempty";
	else if (neg)
		op += 3;
	values = fakebz_chart_values(bug, field);
	wants = json_array();
	if (strcmp(op, "anyexact") == 0)
		fakebz_split_into(wants, want);
	else
		json_array_append_new(wants, json_string(want));
	json_array_foreach(values, i, v)
	{
		json_array_foreach(wants, j, w)
		{
			if (fakebz_chart_op(
				op, json_string_value(v), json_string_value(w)))
				hit = 1;
		}
	}
	json_decref(values);
	json_decref(wants);
	return neg ? !hit : hit;
}

/* Return 1 if the bug meets the custom charts, joined by j_top (AND|OR). */
static int
fakebz_charts_match(struct fakebz_ctx *ctx, json_t *bug)
{
	const char *j = fakebz_arg(ctx, "j_top");
	int any = j != NULL && strcmp(j, "OR") == 0;
	int n, m, seen = 0, hit = 0;

	for (n = 1; n <= 100; n++) {
		m = fakebz_chart_match(ctx, bug, n);
		if (m == -1)
			continue;
		seen = 1;
		if (!any && m == 0)
			return 0;
		hit |= m;
	}
	return !seen || !any || hit;
}

/* The sort order requested by "order": key and direction. */
struct fakebz_order {
	const char *key;
	int desc;
};

/* qsort_r comparison of two bugs by the order in arg. */
static int
fakebz_compare_bugs(const void *a, const void *b, void *arg)
{
	struct fakebz_order *o = arg;
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long vx, vy;
	int c;

	if (strcmp(o->key, "id") == 0) {
		vx = json_integer_value(json_object_get(x, "id"));
		vy = json_integer_value(json_object_get(y, "id"));
	} else {
		vx = fakebz_time_of(x, o->key);
		vy = fakebz_time_of(y, o->key);
	}
	c = vx < vy ? -1 : vx > vy ? 1 : 0;
	if (c == 0)
		c = json_integer_value(json_object_get(x, "id")) <
			json_integer_value(json_object_get(y, "id"))
		    ? -1
		    : 1;
	return o->desc ? -c : c;
}

/* Sort matched bugs by the order parameter. */
static void
fakebz_sort(struct fakebz_ctx *ctx, json_t **v, size_t n)
{
	const char *order = fakebz_arg(ctx, "order");
	char first[64];
	struct fakebz_order o = {"id", 0};

	if (order != NULL) {
		(void)snprintf(first, sizeof first, "%.*s",
		    (int)strcspn(order, ","), order);
		if (strstr(first, "changeddate") != NULL ||
		    strstr(first, "delta_ts") != NULL ||
		    strstr(first, "Last Updated") != NULL)
			o.key = "last_change_time";
		else if (strstr(first, "creation_ts") != NULL ||
		    strstr(first, "opendate") != NULL)
			o.key = "creation_time";
		o.desc = strstr(first, " DESC") != NULL ||
		    strstr(first, " desc") != NULL;
	}
	qsort_r(v, n, sizeof *v, fakebz_compare_bugs, &o);
}

/* Read limit and offset; -1 with the 50 answer when offset lacks limit. */
static int
fakebz_search_window(struct fakebz_ctx *ctx, size_t *limit, size_t *offset,
    struct fakebz_reply *r)
{
	const char *l = fakebz_arg(ctx, "limit"),
		   *o = fakebz_arg(ctx, "offset");
	long long n;
	const char *errstr;

	*limit = FAKEBZ_SEARCH_CAP;
	*offset = 0;
	if (l == NULL && o != NULL) {
		fakebz_reply_error(r, 50,
		    "The function Bug.search() requires a limit argument, "
		    "and that argument was not set.");
		return -1;
	}
	if (l == NULL ||
	    timeutil_strtonum(l, 1, FAKEBZ_SEARCH_CAP, &n, &errstr) == -1)
		return 0; /* 0, junk or too large: the cap, offset dropped */
	*limit = (size_t)n;
	if (o != NULL && timeutil_strtonum(o, 0, INT32_MAX, &n, &errstr) == 0)
		*offset = (size_t)n;
	return 0;
}

/* GET /rest/bug: Bug.search. */
static void
fakebz_route_search(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	struct fakebz_query q;
	json_t *inc = NULL, *exc = NULL, *out, *bug, **hits = NULL;
	size_t i, n = 0, limit, offset;

	memset(&q, 0, sizeof q);
	if (fakebz_search_window(ctx, &limit, &offset, r) == -1 ||
	    fakebz_arg_time(ctx, "last_change_time", &q.changed, r) == -1 ||
	    fakebz_arg_time(ctx, "creation_time", &q.created, r) == -1)
		return;
	q.product = json_object_get(ctx->args, "product");
	q.component = json_object_get(ctx->args, "component");
	q.status = fakebz_expand_status(ctx);
	q.resolution = json_array();
	json_array_foreach(json_object_get(ctx->args, "resolution"), i, bug)
	    json_array_append_new(q.resolution,
		json_string(strcmp(json_string_value(bug), "---") == 0
			? ""
			: json_string_value(bug)));
	q.ids = fakebz_arg_list(ctx, "id");
	bug = fakebz_arg_list(ctx, "bug_id");
	json_array_extend(q.ids, bug);
	json_decref(bug);
	q.whiteboard = fakebz_arg(ctx, "whiteboard");
	if (q.whiteboard == NULL)
		q.whiteboard = fakebz_arg(ctx, "status_whiteboard");
	q.wb_type = fakebz_arg(ctx, "status_whiteboard_type");
	q.summary = fakebz_arg(ctx, "summary");
	q.creator = fakebz_arg(ctx, "creator");
	if (q.creator == NULL)
		q.creator = fakebz_arg(ctx, "reporter");
	q.assignee = fakebz_arg(ctx, "assigned_to");

	hits = xreallocarray(
	    NULL, json_array_size(ctx->fb->bugs) + 1, sizeof *hits);
	json_array_foreach(ctx->fb->bugs, i,
	    bug) if (fakebz_match(ctx, &q, bug)) hits[n++] = bug;
	if (fakebz_arg(ctx, "count_only") != NULL &&
	    strcmp(fakebz_arg(ctx, "count_only"), "0") != 0) {
		fakebz_reply_json(
		    r, 200, json_pack("{s:I}", "bug_count", (json_int_t)n));
		goto out;
	}
	fakebz_sort(ctx, hits, n);
	inc = fakebz_arg_list(ctx, "include_fields");
	exc = fakebz_arg_list(ctx, "exclude_fields");
	out = json_array();
	for (i = offset; i < n && i < offset + limit; i++)
		json_array_append_new(
		    out, fakebz_bug_render(ctx, hits[i], inc, exc));
	fakebz_reply_json(r, 200, json_pack("{s:o}", "bugs", out));
out:
	free(hits);
	json_decref(inc);
	json_decref(exc);
	json_decref(q.status);
	json_decref(q.resolution);
	json_decref(q.ids);
}

/*
 * The bug ids of a call: the path id, then each "ids" value (a comma list
 * is one bad value, as on BMO), unique.  NULL with the 100 answer for a bad
 * one.
 */
static json_t *
fakebz_merge_ids(
    struct fakebz_ctx *ctx, const char *path_id, struct fakebz_reply *r)
{
	json_t *out = json_array();
	json_t *given, *v;
	size_t i;
	const char *s;

	given = json_deep_copy(json_object_get(ctx->args, "ids"));
	if (given == NULL)
		given = json_array();
	if (path_id != NULL)
		json_array_insert_new(given, 0, json_string(path_id));
	json_array_foreach(given, i, v)
	{
		s = json_string_value(v);
		if (fakebz_find_bug_str(ctx->fb, s) == NULL &&
		    strspn(s, "0123456789") != strlen(s)) {
			fakebz_reply_error(r, 100,
			    "'%s' is not a valid bug number nor an alias to a "
			    "bug.",
			    s);
			json_decref(out);
			out = NULL;
			break;
		}
		if (!fakebz_list_has(out, s))
			json_array_append(out, v);
	}
	json_decref(given);
	return out;
}

/*
 * Look up one requested bug for Bug.get, comments or history.  Returns the
 * bug, or NULL after setting the 101/102 answer (or a fault when faults is
 * non-NULL).
 */
static json_t *
fakebz_visible_bug(struct fakebz_ctx *ctx, const char *s, json_t *faults,
    struct fakebz_reply *r)
{
	json_t *bug = fakebz_find_bug_str(ctx->fb, s);
	int code;
	char *msg;

	if (bug != NULL && (!fakebz_bug_is_restricted(bug) || ctx->auth))
		return bug;
	if (bug == NULL) {
		code = 101;
		xasprintf(&msg, "Bug %s does not exist.", s);
	} else {
		code = 102;
		xasprintf(&msg,
		    "You are not authorized to access bug %s. To see this "
		    "bug, you must first log in to an account with the "
		    "appropriate permissions.",
		    s);
	}
	if (faults != NULL)
		json_array_append_new(faults,
		    json_pack("{s:s,s:s,s:i}", "id", s, "faultString", msg,
			"faultCode", code));
	else
		fakebz_reply_error(r, code, "%s", msg);
	free(msg);
	return NULL;
}

/* GET /rest/bug/ID and /rest/bug?ids=: Bug.get. */
static void
fakebz_route_get(
    struct fakebz_ctx *ctx, const char *path_id, struct fakebz_reply *r)
{
	json_t *ids, *inc, *exc, *out, *faults, *v, *bug;
	size_t i;
	const char *p = fakebz_arg(ctx, "permissive");
	int permissive = p != NULL && strcmp(p, "0") != 0;

	if (fakebz_rate_check(ctx, r) == -1)
		return;
	ids = fakebz_merge_ids(ctx, path_id, r);
	if (ids == NULL)
		return;
	inc = fakebz_arg_list(ctx, "include_fields");
	exc = fakebz_arg_list(ctx, "exclude_fields");
	out = json_array();
	faults = json_array();
	json_array_foreach(ids, i, v)
	{
		bug = fakebz_visible_bug(
		    ctx, json_string_value(v), permissive ? faults : NULL, r);
		if (bug != NULL)
			json_array_append_new(
			    out, fakebz_bug_render(ctx, bug, inc, exc));
		else if (!permissive)
			break;
	}
	if (i == json_array_size(ids))
		fakebz_reply_json(r, 200,
		    json_pack("{s:O,s:O}", "bugs", out, "faults", faults));
	json_decref(out);
	json_decref(faults);
	json_decref(ids);
	json_decref(inc);
	json_decref(exc);
}

/* GET /rest/bug/ID/comment?ids=...: Bug.comments. */
static void
fakebz_route_comments(
    struct fakebz_ctx *ctx, const char *path_id, struct fakebz_reply *r)
{
	json_t *ids, *inc = NULL, *exc = NULL, *bugs = NULL, *v, *bug;
	size_t i;
	time_t since;
	const char *sp = fakebz_arg(ctx, "skip_private");
	int skip = sp != NULL && strcmp(sp, "0") != 0;
	json_t *sink = skip ? json_array() : NULL;
	char key[32];

	if (fakebz_rate_check(ctx, r) == -1)
		return;
	ids = fakebz_merge_ids(ctx, path_id, r);
	if (ids == NULL || fakebz_arg_time(ctx, "new_since", &since, r) == -1)
		goto out;
	inc = fakebz_arg_list(ctx, "include_fields");
	exc = fakebz_arg_list(ctx, "exclude_fields");
	bugs = json_object();
	json_array_foreach(ids, i, v)
	{
		bug = fakebz_visible_bug(ctx, json_string_value(v), sink, r);
		if (bug == NULL && !skip)
			goto out;
		if (bug == NULL)
			continue;
		(void)snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(bug, "id")));
		json_object_set_new(bugs, key,
		    json_pack("{s:o}", "comments",
			fakebz_comments_of(bug, ctx->auth, since, inc, exc)));
	}
	fakebz_reply_json(
	    r, 200, json_pack("{s:O,s:{}}", "bugs", bugs, "comments"));
out:
	json_decref(sink);
	json_decref(bugs);
	json_decref(ids);
	json_decref(inc);
	json_decref(exc);
}

/* GET /rest/bug/comment/CID: Bug.comments with comment_ids. */
static void
fakebz_route_comment_id(
    struct fakebz_ctx *ctx, const char *cid, struct fakebz_reply *r)
{
	json_t *bug, *c, *comments, *inc, *exc, *o;
	size_t i, j;
	long long want;
	const char *errstr;

	if (fakebz_rate_check(ctx, r) == -1)
		return;
	if (timeutil_strtonum(cid, 1, INT64_MAX, &want, &errstr) == -1) {
		fakebz_reply_error(
		    r, 111, "Comment %s is not a valid id.", cid);
		return;
	}
	json_array_foreach(ctx->fb->bugs, i, bug)
	    json_array_foreach(json_object_get(bug, "comments"), j, c)
	{
		if (json_integer_value(json_object_get(c, "id")) != want)
			continue;
		if ((json_is_true(json_object_get(c, "is_private")) ||
			fakebz_bug_is_restricted(bug)) &&
		    !ctx->auth) {
			fakebz_reply_error(
			    r, 110, "Comment %lld is private.", want);
			return;
		}
		inc = fakebz_arg_list(ctx, "include_fields");
		exc = fakebz_arg_list(ctx, "exclude_fields");
		o = fakebz_comment_full(bug, c);
		fakebz_filter_keys(o, inc, exc);
		comments = json_object();
		json_object_set_new(comments, cid, o);
		fakebz_reply_json(r, 200,
		    json_pack("{s:{},s:o}", "bugs", "comments", comments));
		json_decref(inc);
		json_decref(exc);
		return;
	}
	fakebz_reply_error(r, 111, "There is no comment with the id %s.", cid);
}

/* GET /rest/bug/ID/history?ids=...: Bug.history. */
static void
fakebz_route_history(
    struct fakebz_ctx *ctx, const char *path_id, struct fakebz_reply *r)
{
	json_t *ids, *out = NULL, *v, *bug;
	size_t i;
	time_t since;
	const char *sp = fakebz_arg(ctx, "skip_private");
	int skip = sp != NULL && strcmp(sp, "0") != 0;
	json_t *sink = skip ? json_array() : NULL;

	ids = fakebz_merge_ids(ctx, path_id, r);
	if (ids == NULL || fakebz_arg_time(ctx, "new_since", &since, r) == -1)
		goto out;
	out = json_array();
	json_array_foreach(ids, i, v)
	{
		bug = fakebz_visible_bug(ctx, json_string_value(v), sink, r);
		if (bug == NULL && !skip)
			goto out;
		if (bug == NULL)
			continue;
		json_array_append_new(out,
		    json_pack("{s:O,s:O,s:o}", "id", json_object_get(bug, "id"),
			"alias",
			json_object_get(bug, "alias")
			    ? json_object_get(bug, "alias")
			    : json_null(),
			"history", fakebz_history_of(bug, since)));
	}
	fakebz_reply_json(r, 200, json_pack("{s:O}", "bugs", out));
out:
	json_decref(sink);
	json_decref(out);
	json_decref(ids);
}

/* GET /rest/whoami. */
static void
fakebz_route_whoami(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	struct fakebz *fb = ctx->fb;
	json_t *d;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0, i;
	char uuid[9 + 2 * EVP_MAX_MD_SIZE + 1] = "bmo-who:";

	if (!ctx->auth) {
		fakebz_reply_error(r, 410,
		    "You must log in before using this part of Bugzilla.");
		return;
	}
	(void)EVP_Digest(
	    fb->login, strlen(fb->login), md, &mdlen, EVP_sha1(), NULL);
	for (i = 0; i < mdlen; i++)
		(void)snprintf(uuid + 8 + 2 * i, 3, "%02x", md[i]);
	d = fakebz_user_detail(fb, fb->login);
	json_object_del(d, "email");
	json_object_set_new(d, "mfa_status", json_false());
	json_object_set_new(d, "groups", json_array());
	json_object_set_new(d, "uuid", json_string(uuid));
	fakebz_reply_json(r, 200, d);
}

/* GET /rest/time. */
static void
fakebz_route_time(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	fakebz_reply_json(r, 200,
	    json_pack("{s:o,s:o,s:o,s:s,s:s,s:s}", "db_time",
		fakebz_time_json(ctx->now), "web_time",
		fakebz_time_json(ctx->now), "web_time_utc",
		fakebz_time_json(ctx->now), "tz_name", "UTC", "tz_offset",
		"+0000", "tz_short_name", "UTC"));
}

/* Dispatch a request path below /rest to its route. */
static void
fakebz_route(struct fakebz_ctx *ctx, const char *method, const char *path,
    struct fakebz_reply *r)
{
	char id[128], rest[128];
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	const char *p;

	if (get && strcmp(path, "/version") == 0)
		fakebz_reply_json(
		    r, 200, json_pack("{s:s}", "version", "20260820.1"));
	else if (get && strcmp(path, "/timezone") == 0)
		fakebz_reply_json(
		    r, 200, json_pack("{s:s}", "timezone", "+0000"));
	else if (ctx->auth == -1)
		fakebz_reply_error(r, 306,
		    "The API key you specified is invalid. Please check that "
		    "you typed it correctly.");
	else if (get && strcmp(path, "/time") == 0)
		fakebz_route_time(ctx, r);
	else if (get && strcmp(path, "/whoami") == 0)
		fakebz_route_whoami(ctx, r);
	else if (get &&
	    (strcmp(path, "/bug") == 0 || strcmp(path, "/bug/") == 0)) {
		if (json_object_get(ctx->args, "ids") != NULL)
			fakebz_route_get(ctx, NULL, r);
		else
			fakebz_route_search(ctx, r);
	} else if (get && strncmp(path, "/bug/comment/", 13) == 0 &&
	    path[13] != '\0' && strchr(path + 13, '/') == NULL)
		fakebz_route_comment_id(ctx, path + 13, r);
	else if (get && strncmp(path, "/bug/", 5) == 0 &&
	    (p = path + 5,
		strcspn(p, "/") < sizeof id && strcspn(p, "/") > 0)) {
		(void)snprintf(id, sizeof id, "%.*s", (int)strcspn(p, "/"), p);
		(void)snprintf(rest, sizeof rest, "%s", p + strlen(id));
		if (*rest == '\0')
			fakebz_route_get(ctx, id, r);
		else if (strcmp(rest, "/comment") == 0)
			fakebz_route_comments(ctx, id, r);
		else if (strcmp(rest, "/history") == 0)
			fakebz_route_history(ctx, id, r);
		else
			goto none;
	} else
		goto none;
	return;
none:
	fakebz_reply_error(r, 32614,
	    "A REST API resource was not found for '%s %s'.", method, path);
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

	k = MHD_lookup_connection_value(
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

/* Build the MHD response for a reply. */
static struct MHD_Response *
fakebz_response(
    struct MHD_Connection *conn, struct fakebz_reply *r, int truncate)
{
	struct MHD_Response *resp;
	size_t *huge;
	char etag[32];
	size_t len = r->len;

	if (r->huge > 0) {
		huge = xmalloc(sizeof *huge);
		*huge = r->huge;
		resp = MHD_create_response_from_callback(
		    r->huge, 65536, fakebz_huge_read, huge, free);
	} else if (strcmp(r->type, FAKEBZ_JSON_TYPE) == 0 && r->status == 200 &&
	    !truncate &&
	    (fakebz_etag(r->body, r->len, etag),
		fakebz_etag_matches(conn, etag))) {
		r->status = 304;
		resp = MHD_create_response_from_buffer(
		    0, (void *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
		return resp;
	} else {
		if (truncate)
			len = r->len / 2;
		resp = MHD_create_response_from_buffer(
		    len, r->body, MHD_RESPMEM_MUST_COPY);
		if (strcmp(r->type, FAKEBZ_JSON_TYPE) == 0) {
			fakebz_etag(r->body, r->len, etag);
			MHD_add_response_header(
			    resp, MHD_HTTP_HEADER_ETAG, etag);
		}
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	return resp;
}

/* MHD_AccessHandlerCallback: answer one request. */
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
	if (req != NULL && req->uri == NULL) {
		/* A second call carrying upload data: discard it. */
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&r, 0, sizeof r);
	fakebz_answer(fb, conn, method, url,
	    req != NULL && req->uri != NULL ? req->uri : url, &r, &truncate);
	if (req != NULL) {
		free(req->uri);
		req->uri = NULL;
	}
	if (r.drop) {
		free(r.body);
		return MHD_NO;
	}
	resp = fakebz_response(conn, &r, truncate);
	ret = MHD_queue_response(conn, r.status, resp);
	MHD_destroy_response(resp);
	free(r.body);
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

/*
 * Add one change to the bug's history at now by who, joining the entry of
 * the same who and second as Bugzilla's activity grouping does.
 */
static void
fakebz_add_change(json_t *bug, time_t now, const char *who, const char *field,
    const char *removed, const char *added)
{
	json_t *hist = json_object_get(bug, "history");
	json_t *last = json_array_get(hist, json_array_size(hist) - 1);
	json_t *change;

	if (strcmp(removed, added) == 0)
		return;
	change = json_pack("{s:s,s:s,s:s}", "field_name", field, "removed",
	    removed, "added", added);
	if (last == NULL || fakebz_time_of(last, "when") != now ||
	    strcmp(json_string_value(json_object_get(last, "who")), who) != 0) {
		last = json_pack("{s:o,s:s,s:[]}", "when",
		    fakebz_time_json(now), "who", who, "changes");
		json_array_append_new(hist, last);
	}
	json_array_append_new(json_object_get(last, "changes"), change);
}

/* Stamp a changed bug with now. */
static void
fakebz_touch(json_t *bug, time_t now)
{
	json_object_set_new(bug, "last_change_time", fakebz_time_json(now));
}

/* The largest "id" of the objects in member list over every bug. */
static json_int_t
fakebz_max_id(struct fakebz *fb, const char *list)
{
	json_int_t max = 0, v;
	json_t *bug, *o;
	size_t i, j;

	json_array_foreach(fb->bugs, i, bug)
	    json_array_foreach(json_object_get(bug, list), j, o)
	{
		v = json_integer_value(json_object_get(o, "id"));
		if (v > max)
			max = v;
	}
	return max;
}

/* Compute the largest bug, comment and flag ids of the corpus. */
static void
fakebz_scan_ids(struct fakebz *fb)
{
	json_t *bug;
	size_t i;

	fb->max_bug = 0;
	json_array_foreach(fb->bugs, i,
	    bug) if (json_integer_value(json_object_get(bug, "id")) >
	    fb->max_bug) fb->max_bug =
	    json_integer_value(json_object_get(bug, "id"));
	fb->max_comment = fakebz_max_id(fb, "comments");
	fb->max_flag = fakebz_max_id(fb, "flags");
}

/* Build a stored comment. */
static json_t *
fakebz_comment_new(json_int_t id, json_int_t bug, json_int_t count,
    const char *who, const char *text, int is_private, time_t now)
{
	return json_pack(
	    "{s:I,s:I,s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:n,s:[],s:{}}", "id", id,
	    "bug_id", bug, "count", count, "creator", who, "author", who,
	    "time", fakebz_time_json(now), "creation_time",
	    fakebz_time_json(now), "text", text, "raw_text", text, "is_private",
	    is_private, "attachment_id", "tags", "reactions");
}

/* Add a bug with a new id above every other one. */
int64_t
fakebz_add_bug(struct fakebz *fb, const char *product, const char *component,
    const char *summary, const char *creator, const char *description)
{
	json_t *bug;
	json_int_t id;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	now = fakebz_clock(fb);
	id = ++fb->max_bug;
	bug = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:I}", "id",
	    id, "product", product, "component", component, "summary", summary,
	    "creator", creator, "assigned_to", creator, "status", "NEW",
	    "resolution", "", "creation_time", fakebz_time_json(now),
	    "last_change_time", fakebz_time_json(now), "comment_count",
	    (json_int_t)1);
	fakebz_normalise_bug(bug);
	json_array_append_new(json_object_get(bug, "comments"),
	    fakebz_comment_new(
		++fb->max_comment, id, 0, creator, description, 0, now));
	json_array_append_new(fb->bugs, bug);
	pthread_mutex_unlock(&fb->lock);
	return id;
}

/* Add a comment; returns its id or -1 without such a bug. */
int64_t
fakebz_add_comment(struct fakebz *fb, int64_t id, const char *who,
    const char *text, int is_private)
{
	json_t *bug, *comments, *c;
	json_int_t cid = -1, count = 0;
	size_t i;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug == NULL)
		goto out;
	now = fakebz_clock(fb);
	comments = json_object_get(bug, "comments");
	json_array_foreach(comments, i,
	    c) if (json_integer_value(json_object_get(c, "count")) + 1 > count)
	    count = json_integer_value(json_object_get(c, "count")) + 1;
	cid = ++fb->max_comment;
	json_array_append_new(comments,
	    fakebz_comment_new(cid, id, count, who, text, is_private, now));
	json_object_set_new(bug, "comment_count",
	    json_integer(
		json_integer_value(json_object_get(bug, "comment_count")) + 1));
	fakebz_touch(bug, now);
out:
	pthread_mutex_unlock(&fb->lock);
	return cid;
}

/* Change the whiteboard. */
int
fakebz_set_whiteboard(
    struct fakebz *fb, int64_t id, const char *who, const char *whiteboard)
{
	json_t *bug;
	const char *old;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		old = json_string_value(json_object_get(bug, "whiteboard"));
		fakebz_add_change(
		    bug, now, who, "whiteboard", old ? old : "", whiteboard);
		json_object_set_new(bug, "whiteboard", json_string(whiteboard));
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* The history text of a needinfo flag for requestee (NULL: anyone). */
static char *
fakebz_needinfo_text(const char *requestee)
{
	char *s;

	if (requestee == NULL || *requestee == '\0')
		return xstrdup("needinfo?");
	xasprintf(&s, "needinfo?(%s)", requestee);
	return s;
}

/* Set a needinfo flag from setter to requestee (NULL: anyone). */
int
fakebz_set_needinfo(
    struct fakebz *fb, int64_t id, const char *setter, const char *requestee)
{
	json_t *bug, *flag;
	time_t now;
	char *text;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		flag = json_pack("{s:I,s:s,s:i,s:s,s:s,s:o,s:o}", "id",
		    ++fb->max_flag, "name", "needinfo", "type_id",
		    FAKEBZ_NEEDINFO_ID, "status", "?", "setter", setter,
		    "creation_date", fakebz_time_json(now), "modification_date",
		    fakebz_time_json(now));
		if (requestee != NULL && *requestee != '\0')
			json_object_set_new(
			    flag, "requestee", json_string(requestee));
		json_array_append_new(json_object_get(bug, "flags"), flag);
		text = fakebz_needinfo_text(requestee);
		fakebz_add_change(bug, now, setter, "flagtypes.name", "", text);
		free(text);
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Clear the needinfo flags on requestee (NULL: every needinfo flag). */
int
fakebz_clear_needinfo(
    struct fakebz *fb, int64_t id, const char *who, const char *requestee)
{
	json_t *bug, *flags, *f;
	size_t i;
	const char *req;
	char *text;
	struct buf removed;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug == NULL)
		goto out;
	now = fakebz_clock(fb);
	buf_init(&removed, 1024 * 1024);
	flags = json_object_get(bug, "flags");
	for (i = 0; i < json_array_size(flags);) {
		f = json_array_get(flags, i);
		req = json_string_value(json_object_get(f, "requestee"));
		if (strcmp(json_string_value(json_object_get(f, "name")),
			"needinfo") != 0 ||
		    (requestee != NULL &&
			(req == NULL || strcmp(req, requestee) != 0))) {
			i++;
			continue;
		}
		text = fakebz_needinfo_text(req);
		if (removed.len > 0)
			buf_addstr(&removed, ", ");
		buf_addstr(&removed, text);
		free(text);
		json_array_remove(flags, i);
	}
	if (removed.len > 0) {
		fakebz_add_change(
		    bug, now, who, "flagtypes.name", buf_str(&removed), "");
		fakebz_touch(bug, now);
	}
	buf_free(&removed);
out:
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Change status and resolution. */
int
fakebz_set_status(struct fakebz *fb, int64_t id, const char *who,
    const char *status, const char *resolution)
{
	json_t *bug;
	const char *old;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		old = json_string_value(json_object_get(bug, "status"));
		fakebz_add_change(
		    bug, now, who, "status", old ? old : "", status);
		old = json_string_value(json_object_get(bug, "resolution"));
		fakebz_add_change(
		    bug, now, who, "resolution", old ? old : "", resolution);
		json_object_set_new(bug, "status", json_string(status));
		json_object_set_new(bug, "resolution", json_string(resolution));
		json_object_set_new(bug, "is_open",
		    json_boolean(fakebz_status_is_open(status)));
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Restrict the bug to one group (NULL: make it public). */
int
fakebz_set_groups(struct fakebz *fb, int64_t id, const char *group)
{
	json_t *bug;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		json_object_set_new(bug, "groups",
		    group != NULL ? json_pack("[s]", group) : json_array());
		fakebz_touch(bug, fakebz_clock(fb));
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
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
