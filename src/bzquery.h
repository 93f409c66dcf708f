/*
 * The paths of the Bugzilla REST calls ccwatch makes, as pure functions of
 * their parameters (no I/O): a search, its ids packed so that no URL passes
 * CCWATCH_MAX_URL, and the batched comment and history calls.  It sits
 * under the configuration, so that the config check and the client build a
 * search the same way.
 */
#ifndef BZQUERY_H
#define BZQUERY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model.h"

/* Bug fields the policy needs (BUGZILLA-API.md §3.1, plus groups). */
#define BZQUERY_BUG_FIELDS                                                     \
	"id,summary,status,resolution,is_open,whiteboard,product,"             \
	"component,creation_time,last_change_time,creator,assigned_to,"        \
	"cc,groups,keywords,flags,comment_count"
#define BZQUERY_COMMENT_FIELDS                                                 \
	"id,bug_id,count,creator,creation_time,text,is_private,tags"
/* Room kept after a search path for "&limit=N&offset=N". */
#define BZQUERY_PAGING_LEN                                                     \
	(sizeof "&limit=&offset=" + 40) /* two 20-digit numbers */

/* A search: what the sync asks for. */
struct bzquery {
	const struct strlist *products;   /* repeated product= */
	const struct strlist *components; /* repeated component= */
	const char *status;               /* "__open__", ... or NULL */
	time_t changed_since;             /* last_change_time=; 0 none */
	const int64_t *ids;               /* id=; NULL for none */
	size_t nids;
};

/*
 * The search paths of a query ("/rest/bug?...", without limit and offset),
 * appended to out: one, or one per batch of ids, each leaving room under
 * CCWATCH_MAX_URL for base_url and the paging.  Returns 0, or -1 with
 * *cause when the query, or the query and one id, does not fit.
 */
int bzquery_search_paths(const char *base_url, const struct bzquery *,
    struct strlist *out, char **cause);
/*
 * The paths of the comments ("comment") or history ("history") of the bugs
 * in ids, newer than new_since (0: all), appended to out:
 * "/rest/bug/FIRST/KIND?ids=...", at most CCWATCH_MAX_BATCH bugs each and
 * no URL past CCWATCH_MAX_URL after base_url.
 */
void bzquery_batch_paths(const char *base_url, const char *kind,
    const int64_t *ids, size_t nids, time_t new_since, struct strlist *out);
/*
 * Check that every search the sync makes of the products and components
 * fits one URL: the full resync's (status), the incremental one's
 * (last_change_time) and the one by id, with room for the longest id.
 * 0, or -1 with *cause.
 */
int bzquery_check(const char *base_url, const struct strlist *products,
    const struct strlist *components, char **cause);

#endif
