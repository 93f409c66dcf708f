/*
 * The paths of the Bugzilla REST calls (see bzquery.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bzquery.h"
#include "ccwatch.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Append "?name=value" or "&name=value", the value URL-encoded. */
static void
bzquery_add_param(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "%c%s=", b->len == 0 ? '?' : '&', name);
	buf_add_escaped(b, value);
}

/* Build the fixed part of a search query (no ids, limit or offset). */
static void
bzquery_search_base(struct buf *b, const struct bzquery *q)
{
	char iso[TIMEUTIL_ISO_LEN];
	size_t i;

	for (i = 0; q->products != NULL && i < q->products->n; i++)
		bzquery_add_param(b, "product", q->products->v[i]);
	for (i = 0; q->components != NULL && i < q->components->n; i++)
		bzquery_add_param(b, "component", q->components->v[i]);
	if (q->status != NULL)
		bzquery_add_param(b, "status", q->status);
	if (q->changed_since != 0)
		bzquery_add_param(b, "last_change_time",
		    timeutil_format_iso(q->changed_since, iso));
	bzquery_add_param(b, "include_fields", BZQUERY_BUG_FIELDS);
	bzquery_add_param(b, "order", "bug_id");
}

/*
 * The search paths of a query: the fixed part, then ids packed while the
 * whole URL (base URL, path, paging) stays under CCWATCH_MAX_URL.
 */
int
bzquery_search_paths(const char *base_url, const struct bzquery *q,
    struct strlist *out, char **cause)
{
	struct buf query, base, path;
	size_t i = 0, fixed, start;
	char num[32];

	buf_init(&query, CCWATCH_MAX_URL);
	bzquery_search_base(&query, q);
	buf_init(&base, CCWATCH_MAX_URL + 16);
	buf_addstr(&base, "/rest/bug");
	buf_addstr(&base, buf_str(&query));
	fixed = strlen(base_url) + BZQUERY_PAGING_LEN;
	if (query.toobig || base.toobig || fixed + base.len > CCWATCH_MAX_URL) {
		xasprintf(cause,
		    "search: the query is longer than the %d bytes of a URL; "
		    "shorten the products and components",
		    CCWATCH_MAX_URL);
		buf_free(&query);
		buf_free(&base);
		return -1;
	}
	buf_free(&query);
	if (q->ids == NULL || q->nids == 0) {
		strlist_add(out, buf_str(&base));
		buf_free(&base);
		return 0;
	}
	buf_init(&path, CCWATCH_MAX_URL);
	while (i < q->nids) {
		buf_reset(&path);
		buf_addstr(&path, buf_str(&base));
		buf_addstr(&path, "&id=");
		start = path.len;
		for (; i < q->nids; i++) {
			snprintf(num, sizeof num, "%s%lld",
			    path.len == start ? "" : "%2C",
			    (long long)q->ids[i]);
			if (fixed + path.len + strlen(num) > CCWATCH_MAX_URL)
				break;
			buf_addstr(&path, num);
		}
		if (path.len == start) {
			xasprintf(cause,
			    "search: the query takes %zu of the %d bytes of a "
			    "URL and leaves no room for a bug id; shorten the "
			    "products and components",
			    fixed + base.len + 4, CCWATCH_MAX_URL);
			buf_free(&path);
			buf_free(&base);
			return -1;
		}
		strlist_add(out, buf_str(&path));
	}
	buf_free(&path);
	buf_free(&base);
	return 0;
}

/*
 * The paths of comments or history of many bugs: /rest/bug/FIRST/KIND?ids=
 * ..., at most CCWATCH_MAX_BATCH bugs and CCWATCH_MAX_URL bytes a request.
 */
void
bzquery_batch_paths(const char *base_url, const char *kind, const int64_t *ids,
    size_t nids, time_t new_since, struct strlist *out)
{
	struct buf path;
	char iso[TIMEUTIL_ISO_LEN], num[40];
	size_t i = 0, inbatch, fixed = strlen(base_url);

	buf_init(&path, CCWATCH_MAX_URL);
	while (i < nids) {
		buf_reset(&path);
		buf_printf(
		    &path, "/rest/bug/%lld/%s?", (long long)ids[i++], kind);
		if (new_since != 0)
			buf_printf(&path, "new_since=%s&",
			    timeutil_format_iso(new_since, iso));
		if (strcmp(kind, "comment") == 0) {
			buf_addstr(&path, "include_fields=");
			buf_add_escaped(&path, BZQUERY_COMMENT_FIELDS);
			buf_addch(&path, '&');
		}
		for (inbatch = 1; i < nids && inbatch < CCWATCH_MAX_BATCH;
		     inbatch++, i++) {
			snprintf(
			    num, sizeof num, "ids=%lld&", (long long)ids[i]);
			if (fixed + path.len + strlen(num) > CCWATCH_MAX_URL)
				break;
			buf_addstr(&path, num);
		}
		path.data[--path.len] = '\0'; /* the last '&' or '?' */
		strlist_add(out, buf_str(&path));
	}
	buf_free(&path);
}

/*
 * Check the three searches of a cycle: a full resync (status), an
 * incremental one (a last_change_time), and one by the longest id.
 */
int
bzquery_check(const char *base_url, const struct strlist *products,
    const struct strlist *components, char **cause)
{
	static const int64_t longest = INT64_MAX;
	struct bzquery q;
	struct strlist paths;
	int rc;

	memset(&q, 0, sizeof q);
	memset(&paths, 0, sizeof paths);
	q.products = products;
	q.components = components;
	q.status = "__open__";
	rc = bzquery_search_paths(base_url, &q, &paths, cause);
	q.status = NULL;
	q.changed_since = (time_t)4102444799; /* 2099-12-31T23:59:59Z */
	if (rc == 0)
		rc = bzquery_search_paths(base_url, &q, &paths, cause);
	q.changed_since = 0;
	q.ids = &longest;
	q.nids = 1;
	if (rc == 0)
		rc = bzquery_search_paths(base_url, &q, &paths, cause);
	strlist_free(&paths);
	return rc;
}
