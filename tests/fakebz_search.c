/*
 * Bug.search in the fake Bugzilla: BMO's parameters (repeated-param arrays,
 * the __open__ expansion and its invalid-status trap, inclusive
 * last_change_time, allwordssubstr whiteboards, custom charts), ordering,
 * the silent 10000 cap and limit/offset paging (BUGZILLA-API.md section 3).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakebz_int.h"
#include "timeutil.h"
#include "xmalloc.h"

static const char *fakebz_open_states[] = {
    "UNCONFIRMED", "NEW", "ASSIGNED", "REOPENED"};
static const char *fakebz_closed_states[] = {"RESOLVED", "VERIFIED", "CLOSED"};

/* Return 1 if status is one of BMO's open statuses. */
int
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
	if (l == NULL || timeutil_strtonum(l, 1, INT32_MAX, &n, &errstr) == -1)
		return 0; /* 0 or junk: the cap, offset dropped */
	/* Past the cap: the cap, offset kept (Search.pm _sql_limit). */
	*limit = n > FAKEBZ_SEARCH_CAP ? FAKEBZ_SEARCH_CAP : (size_t)n;
	if (o != NULL && timeutil_strtonum(o, 0, INT32_MAX, &n, &errstr) == 0)
		*offset = (size_t)n;
	return 0;
}

/* GET /rest/bug: Bug.search. */
void
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
