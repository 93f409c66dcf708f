/*
 * The REST routes of the fake Bugzilla over its corpus: Bug.get, comments,
 * history, whoami and time, and the bug, comment and user objects they
 * return with BMO's field filtering and errors (BUGZILLA-API.md 3.1, 4-6).
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakebz_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Bug fields that BMO returns only when asked for by name or _all. */
static const char *fakebz_extra_fields[] = {"comments", "history",
    "attachments", "description", "counts", "filed_via", "tags", "triage_owner",
    "last_change_time_non_bot"};

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
int
fakebz_bug_is_restricted(json_t *bug)
{
	return json_array_size(json_object_get(bug, "groups")) > 0;
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
void
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
json_t *
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
const char *
fakebz_arg(struct fakebz_ctx *ctx, const char *name)
{
	return json_string_value(
	    json_array_get(json_object_get(ctx->args, name), 0));
}

/* Return 1 if the array of strings holds s. */
int
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
json_t *
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
int
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

/*
 * GET /rest/valid_login?login=LOGIN: whether the request's key (or none)
 * logs in as LOGIN, as upstream's User.valid_login answers it.
 */
static void
fakebz_route_valid_login(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	const char *login = fakebz_arg(ctx, "login");
	int yes;

	if (login == NULL) {
		fakebz_reply_error(r, 50,
		    "The function requires a login argument, and that "
		    "argument was not set.");
		return;
	}
	yes = ctx->auth == 1 && ctx->fb->login != NULL &&
	    strcmp(login, ctx->fb->login) == 0;
	fakebz_reply_json(r, 200, json_pack("{s:b}", "result", yes));
}

/* GET /rest/time. */
static void
fakebz_route_time(struct fakebz_ctx *ctx, struct fakebz_reply *r)
{
	time_t db = ctx->fb->db_time != 0 ? ctx->fb->db_time : ctx->now;

	fakebz_reply_json(r, 200,
	    json_pack("{s:o,s:o,s:o,s:s,s:s,s:s}", "db_time",
		fakebz_time_json(db), "web_time", fakebz_time_json(ctx->now),
		"web_time_utc", fakebz_time_json(ctx->now), "tz_name", "UTC",
		"tz_offset", "+0000", "tz_short_name", "UTC"));
}

/* Route /bug/ID, /bug/ID/comment and /bug/ID/history; -1 for no route. */
static int
fakebz_route_bug(struct fakebz_ctx *ctx, const char *p, struct fakebz_reply *r)
{
	char id[128];
	size_t n = strcspn(p, "/");
	const char *rest = p + n;

	if (n == 0 || n >= sizeof id)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	if (*rest == '\0')
		fakebz_route_get(ctx, id, r);
	else if (strcmp(rest, "/comment") == 0)
		fakebz_route_comments(ctx, id, r);
	else if (strcmp(rest, "/history") == 0)
		fakebz_route_history(ctx, id, r);
	else
		return -1;
	return 0;
}

/*
 * Dispatch a request path below /rest to its route.  Only GET (and HEAD)
 * are served; any other method, like any unknown path, gets 404/32614 as on
 * BMO, never 405.
 */
void
fakebz_route(struct fakebz_ctx *ctx, const char *method, const char *path,
    struct fakebz_reply *r)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	/* version and timezone are login-exempt: a bad key does not matter. */
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
	else if (get && strcmp(path, "/whoami") == 0 && !ctx->fb->no_whoami)
		fakebz_route_whoami(ctx, r);
	else if (get && strcmp(path, "/valid_login") == 0)
		fakebz_route_valid_login(ctx, r);
	else if (get &&
	    (strcmp(path, "/bug") == 0 || strcmp(path, "/bug/") == 0)) {
		if (json_object_get(ctx->args, "ids") != NULL)
			fakebz_route_get(ctx, NULL, r);
		else
			fakebz_route_search(ctx, r);
	} else if (get && strncmp(path, "/bug/comment/", 13) == 0 &&
	    path[13] != '\0' && strchr(path + 13, '/') == NULL)
		fakebz_route_comment_id(ctx, path + 13, r);
	else if (!get || strncmp(path, "/bug/", 5) != 0 ||
	    fakebz_route_bug(ctx, path + 5, r) == -1)
		fakebz_reply_error(r, 32614,
		    "A REST API resource was not found for '%s %s'.", method,
		    path);
}
