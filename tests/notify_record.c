/*
 * The "record" channel (see notify_record.h).
 */
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "notify_record.h"
#include "xmalloc.h"

/* The record channel's state. */
struct notify_recorder {
	struct notify_record *recs;
	size_t n;
	size_t attempts;
	int fail_n;
	struct notify_failure fail;
};

/*
 * Count an attempt and apply a pending forced failure: NULL with *cause, or
 * a new zeroed record to fill.
 */
static struct notify_record *
notify_record_attempt(
    struct notifier *n, struct notify_failure *fail, char **cause)
{
	struct notify_recorder *r = n->data;

	r->attempts++;
	if (r->fail_n > 0) {
		r->fail_n--;
		*fail = r->fail;
		xasprintf(cause, "%s: forced failure", n->name);
		return NULL;
	}
	r->recs = xreallocarray(r->recs, r->n + 1, sizeof *r->recs);
	memset(&r->recs[r->n], 0, sizeof r->recs[r->n]);
	return &r->recs[r->n++];
}

/* Record one alert. */
static int
notify_record_send(struct notifier *n, const struct alert *a,
    struct notify_failure *fail, char **cause)
{
	struct notify_record *rec = notify_record_attempt(n, fail, cause);

	if (rec == NULL)
		return -1;
	rec->id = xstrdup(a->id);
	rec->bug_id = a->bug_id;
	rec->clock = xstrdup(a->clock != NULL ? a->clock : "");
	rec->state = xstrdup(a->state != NULL ? a->state : "");
	rec->level = a->level;
	rec->ca = a->ca != NULL ? xstrdup(a->ca) : NULL;
	rec->late = a->late;
	rec->late_by = a->late_by;
	rec->reason_kind =
	    a->reason_kind != NULL ? xstrdup(a->reason_kind) : NULL;
	rec->reason = a->reason != NULL ? xstrdup(a->reason) : NULL;
	rec->nitems = 1;
	return 0;
}

/* Record one digest. */
static int
notify_record_send_digest(struct notifier *n, const struct alert_digest *d,
    struct notify_failure *fail, char **cause)
{
	struct notify_record *rec = notify_record_attempt(n, fail, cause);

	if (rec == NULL)
		return -1;
	rec->digest = 1;
	rec->id = notify_digest_id(d);
	rec->bug_id = d->n > 0 ? d->items[0].bug_id : 0;
	rec->recipient = xstrdup(d->recipient != NULL ? d->recipient : "");
	rec->nitems = d->n;
	rec->more = d->more;
	rec->more_url = d->more_url != NULL;
	return 0;
}

/* Free the records. */
static void
notify_record_free(struct notifier *n)
{
	struct notify_recorder *r = n->data;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->recs[i].id);
		free(r->recs[i].clock);
		free(r->recs[i].state);
		free(r->recs[i].ca);
		free(r->recs[i].recipient);
		free(r->recs[i].reason_kind);
		free(r->recs[i].reason);
	}
	free(r->recs);
	free(r);
}

/* No network: the channel answers at once, without prepare and judge. */
static const struct notifier_ops notify_record_ops = {
    .name = "record",
    .send = notify_record_send,
    .send_digest = notify_record_send_digest,
    .free = notify_record_free,
};

/* Create a recording channel. */
struct notifier *
notify_record_new(const char *name)
{
	return notify_new(name, &notify_record_ops,
	    xcalloc(1, sizeof(struct notify_recorder)));
}

/* Number of sends recorded. */
size_t
notify_record_count(struct notifier *n)
{
	return ((struct notify_recorder *)n->data)->n;
}

/* One recorded send, or NULL past the end. */
const struct notify_record *
notify_record_get(struct notifier *n, size_t i)
{
	struct notify_recorder *r = n->data;

	return i < r->n ? &r->recs[i] : NULL;
}

/* Make the next sends fail. */
void
notify_record_fail_next(
    struct notifier *n, int count, int retryable, long retry_after)
{
	struct notify_recorder *r = n->data;

	r->fail_n = count;
	r->fail.retryable = retryable;
	r->fail.retry_after = retry_after;
}

/* Number of sends attempted. */
size_t
notify_record_attempts(struct notifier *n)
{
	return ((struct notify_recorder *)n->data)->attempts;
}
