/*
 * Snoozes during an evaluation: which still hold, which expired, and which
 * a change of the bug (a comment or a whiteboard edit by someone other
 * than our own account) ended early.  An early end is told: the routes
 * that would have received the bug get one note (state snooze-ended)
 * through the ledger and the outbox, so it is delivered once and survives
 * a restart.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts_int.h"
#include "log.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "xmalloc.h"

/*
 * The first change of the bug after t (and by now) not by our own account,
 * as a reason object for the note, or NULL when there is none.
 */
static json_t *
alerts_bug_changed(struct alerts_eval *ev, const struct comment_list *cl,
    const struct history_list *hl, time_t t)
{
	const char *self = ev->people->self;
	const struct comment *c;
	size_t i, j;

	for (i = 0; i < cl->n; i++) {
		c = &cl->v[i];
		if (c->time > t && c->time <= ev->now &&
		    (self == NULL || c->creator == NULL ||
			strcasecmp(c->creator, self) != 0))
			return json_pack("{s:s, s:s?, s:I}", "why", "comment",
			    "by", c->creator, "comment", (json_int_t)c->count);
	}
	for (i = 0; i < hl->n; i++) {
		if (hl->v[i].when <= t || hl->v[i].when > ev->now ||
		    (self != NULL && hl->v[i].who != NULL &&
			strcasecmp(hl->v[i].who, self) == 0))
			continue;
		for (j = 0; j < hl->v[i].nchanges; j++)
			if (hl->v[i].changes[j].field != NULL &&
			    strcmp(hl->v[i].changes[j].field, "whiteboard") ==
				0)
				return json_pack("{s:s, s:s?, s:n}", "why",
				    "whiteboard", "by", hl->v[i].who,
				    "comment");
	}
	return NULL;
}

/*
 * The note's reason object {kind, text, by, comment, date} for a snooze
 * of kind (or the whole bug) until `until` that change ended.
 */
static json_t *
alerts_snooze_reason(const char *kind, time_t until, json_t *change)
{
	const char *by = json_string_value(json_object_get(change, "by"));
	json_t *comment = json_object_get(change, "comment");
	char when[TIMEUTIL_ISO_LEN], *text, *what;
	json_t *o;

	if (json_is_integer(comment))
		xasprintf(&what, "comment %lld",
		    (long long)json_integer_value(comment));
	else
		what = xstrdup("a whiteboard change");
	xasprintf(&text, "snooze%s%s until %s ended early by %s%s%s",
	    *kind != '\0' ? " of " : "", kind, timeutil_format_iso(until, when),
	    what, by != NULL ? " by " : "", by != NULL ? by : "");
	free(what);
	o = json_pack("{s:s, s:s, s:s?, s:O, s:n}", "kind", "snooze-ended",
	    "text", text, "by", by, "comment", comment, "date");
	free(text);
	return o;
}

/* Load the bug's snoozes that still hold; see alerts_int.h. */
int
alerts_snoozes(struct alerts_eval *ev, const struct bug *bug,
    const struct comment_list *cl, const struct history_list *hl,
    struct strlist *kinds, json_t *ended, char **cause)
{
	struct store_hold *h;
	json_t *change;
	size_t i, n;
	int rc = 0, expired;

	if (store_snooze_of_bug(ev->st, bug->id, &h, &n, cause) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		expired = h[i].until <= ev->now;
		change = expired ? NULL
				 : alerts_bug_changed(ev, cl, hl, h[i].set_at);
		if (!expired && change == NULL) {
			strlist_add(kinds, h[i].kind);
			continue;
		}
		log_info("alerts: bug %lld: snooze%s%s %s", (long long)bug->id,
		    *h[i].kind != '\0' ? " of " : "", h[i].kind,
		    expired ? "expired" : "cleared: the bug changed");
		if (!expired) {
			ev->stats->cleared++;
			json_array_append_new(ended,
			    json_pack("{s:s, s:I, s:o}", "kind", h[i].kind,
				"set_at", (json_int_t)h[i].set_at, "reason",
				alerts_snooze_reason(
				    h[i].kind, h[i].until, change)));
		}
		json_decref(change);
		if (store_snooze_drop(ev->st, bug->id, h[i].kind, cause) == -1)
			rc = -1;
	}
	store_hold_free(h, n);
	return rc;
}

/* 1 if the bug has a snooze row, so its thread is needed. */
int
alerts_has_snoozes(struct alerts_eval *ev, int64_t bug, char **cause)
{
	return store_snooze_any(ev->st, bug, cause);
}

/* How urgent a clock payload's state is: overdue first. */
static int
alerts_snooze_rank(json_t *payload)
{
	const char *s = json_string_value(json_object_get(payload, "state"));

	if (s == NULL)
		return 0;
	if (strcmp(s, "overdue") == 0)
		return 3;
	if (strcmp(s, "due-soon") == 0)
		return 2;
	return 1;
}

/* Remember payload as the most urgent clock of its kind and of the bug. */
void
alerts_snooze_keep(json_t *best, const char *kind, json_t *payload)
{
	const char *keys[2];
	json_t *old;
	size_t i;

	keys[0] = kind;
	keys[1] = "";
	for (i = 0; i < 2; i++) {
		old = json_object_get(best, keys[i]);
		if (old == NULL ||
		    alerts_snooze_rank(payload) > alerts_snooze_rank(old))
			json_object_set_new(
			    best, keys[i], json_deep_copy(payload));
	}
}
