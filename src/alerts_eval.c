/*
 * Evaluation: every open bug's clocks at now against the ledger, in one
 * transaction.  For each clock instance (bug, kind, started_at, due) the
 * ledger row holds the state and level last evaluated and last notified.
 *
 *   evaluated != notified, state due-soon/overdue/met  -> a transition alert
 *   (met only after due-soon or overdue was notified)
 *   overdue, unchanged, not acknowledged               -> a repeat per route
 *   with a repeat interval, numbered by the intervals since the last notice
 *   a notified instance that is no longer evaluated    -> met (the deadline
 *   was replaced, e.g. an update clock restarted, or the bug was resolved)
 *
 * A snoozed instance updates its evaluated state only, so its transition
 * fires when the snooze ends.  Alerts go to every matching route without a
 * digest; each route's share is capped per cycle and channel (a flood
 * becomes one summary); rows made in a route's quiet hours wait for the
 * window's end; digest routes get one message a day at their local time.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts_int.h"
#include "buf.h"
#include "log.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "xmalloc.h"

/*
 * The kind an instance is keyed by in the ledger and in alert ids: the
 * clock's kind, or the payload's "instance" when one kind has several
 * instances with the same times (each action item its own, each root
 * program account its own needinfo).
 */
static const char *
alerts_instance_kind(json_t *payload, const struct alert *a)
{
	const char *k = json_string_value(json_object_get(payload, "instance"));

	return k != NULL ? k : a->clock;
}

/*
 * The alert id: the instance, the state and the level, the instance's
 * transition number after its first (-tN: a state reached again is a new
 * alert), and for a repeat its route and number.
 */
static char *
alerts_make_id(int64_t bug, const char *kind, time_t started, time_t due,
    const char *state, int level, long long episode, const char *route,
    long long seq)
{
	char *id, *r, *p, ep[32];

	ep[0] = '\0';
	if (episode > 0)
		snprintf(ep, sizeof ep, "-t%lld", episode);
	if (route == NULL) {
		xasprintf(&id, "ccw-%lld-%s-%lld-%lld-%s-%d%s", (long long)bug,
		    kind, (long long)started, (long long)due, state, level, ep);
		return id;
	}
	r = xstrdup(route);
	for (p = r; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_'))
			*p = '_';
	xasprintf(&id, "ccw-%lld-%s-%lld-%lld-%s-%d%s-r.%s.%lld",
	    (long long)bug, kind, (long long)started, (long long)due, state,
	    level, ep, r, seq);
	free(r);
	return id;
}

/* Queue an alert for every channel of route i. */
static void
alerts_queue_route(struct alerts_eval *ev, size_t i, json_t *payload)
{
	const struct config_route *r = &ev->cfg->routes[i];
	struct alerts_item *it;
	size_t j;

	for (j = 0; j < r->channels.n; j++) {
		ev->items =
		    xreallocarray(ev->items, ev->nitems + 1, sizeof *ev->items);
		it = &ev->items[ev->nitems++];
		it->route = i;
		it->channel = r->channels.v[j];
		it->payload = json_deep_copy(payload);
		if (r->private_data)
			json_object_set_new(
			    it->payload, "restricted", json_false());
	}
}

/*
 * Record an alert (of the instance's transition number episode) in the
 * ledger and queue it for its routes: every matching route without a
 * digest, or only route `route` for a repeat.
 * Returns 1 when it is new, 0 when the ledger had it, -1 on error.
 */
static int
alerts_fire(struct alerts_eval *ev, json_t *payload, const char *id,
    long long episode, const char *route, long long seq, char **cause)
{
	const struct config_route *r;
	struct store_alert row;
	struct alert a;
	json_t *reason;
	char *text;
	size_t i;
	int n;

	json_object_set_new(payload, "id", json_string(id));
	json_object_set_new(payload, "created", json_integer(ev->now));
	alerts_payload_alert(payload, &a);
	memset(&row, 0, sizeof row);
	row.id = id;
	row.bug_id = a.bug_id;
	row.kind = alerts_instance_kind(payload, &a);
	row.started_at = a.started_at;
	row.due = a.due;
	row.episode = episode;
	row.state = a.state;
	row.level = a.level;
	row.route = route != NULL ? route : "";
	row.seq = seq;
	row.created = ev->now;
	row.dry_run = ev->cfg->dry_run;
	reason = json_object_get(payload, "reason");
	row.reason = text =
	    reason != NULL ? json_dumps(reason, JSON_COMPACT) : NULL;
	n = store_alert_insert(ev->st, &row, cause);
	free(text);
	if (n <= 0)
		return n;
	log_info("alerts: %s: bug %lld %s %s level %d", id, (long long)a.bug_id,
	    a.clock, a.state, a.level);
	if (ev->preview != NULL)
		(void)fprintf(ev->preview,
		    "would fire %s: bug %lld %s %s level %d\n", id,
		    (long long)a.bug_id, a.clock, a.state, a.level);
	for (i = 0; i < ev->cfg->nroutes; i++) {
		r = &ev->cfg->routes[i];
		if (r->digest_min >= 0 ||
		    (ev->private_only && !r->private_data) ||
		    (route != NULL && strcmp(route, r->name) != 0) ||
		    !(ev->note ? alerts_route_hears_bug(ev, r,
				     alerts_is_program(payload), a.ca, a.clock)
			       : alerts_route_match(ev, r,
				     alerts_is_program(payload), a.ca, a.clock,
				     a.state, a.level)) ||
		    !alerts_route_hears_met(ev, r, &a))
			continue;
		alerts_queue_route(ev, i, payload);
	}
	return 1;
}

/* 1 if the state is one people hear about. */
static int
alerts_state_alerts(const char *state)
{
	return strcmp(state, "due-soon") == 0 || strcmp(state, "overdue") == 0;
}

/* Fire the repeats that route intervals call for on an overdue instance. */
static int
alerts_repeats(struct alerts_eval *ev, json_t *payload, const struct alert *a,
    const struct store_alert_clock *k, char **cause)
{
	const struct config_route *r;
	long long seq;
	char *id;
	size_t i;
	int n;

	if (strcmp(k->acked_state, a->state) == 0 && k->acked_level == a->level)
		return 0;
	for (i = 0; i < ev->cfg->nroutes; i++) {
		r = &ev->cfg->routes[i];
		if (r->repeat <= 0 || r->digest_min >= 0 ||
		    ev->now - k->notified_at < r->repeat ||
		    !alerts_route_match(ev, r, alerts_is_program(payload),
			a->ca, a->clock, a->state, a->level))
			continue;
		seq = (ev->now - k->notified_at) / r->repeat;
		id = alerts_make_id(a->bug_id, alerts_instance_kind(payload, a),
		    a->started_at, a->due, a->state, a->level,
		    k->transitions > 0 ? k->transitions - 1 : 0, r->name, seq);
		n = alerts_fire(ev, payload, id,
		    k->transitions > 0 ? k->transitions - 1 : 0, r->name, seq,
		    cause);
		free(id);
		if (n == -1)
			return -1;
		ev->stats->repeats += n;
	}
	return 0;
}

/* Remember a due-soon or overdue alert for the digests of its routes. */
static void
alerts_note_current(
    struct alerts_eval *ev, json_t *payload, const struct alert *a)
{
	const struct config_route *r;
	json_t *item;
	size_t i;

	for (i = 0; i < ev->cfg->nroutes; i++) {
		r = &ev->cfg->routes[i];
		if (r->digest_min < 0 ||
		    !alerts_route_match(ev, r, alerts_is_program(payload),
			a->ca, a->clock, a->state, a->level))
			continue;
		item = json_deep_copy(payload);
		if (r->private_data)
			json_object_set_new(item, "restricted", json_false());
		json_array_append_new(ev->current[i], item);
	}
}

/*
 * Decide what one instance calls for, given the ledger's row, and record
 * it.  payload is the alert without its id; it is consumed.
 */
static int
alerts_instance(
    struct alerts_eval *ev, json_t *payload, int snoozed, char **cause)
{
	struct store_alert_clock k;
	struct alert a;
	char *id = NULL, *text = NULL, *kind = NULL;
	int rc = -1, n, changed;

	alerts_payload_alert(payload, &a);
	kind = xstrdup(alerts_instance_kind(payload, &a));
	if (store_alert_clock_get(
		ev->st, a.bug_id, kind, a.started_at, a.due, &k, cause) == -1)
		goto out;
	ev->stats->clocks++;
	changed = strcmp(a.state, k.notified_state) != 0 ||
	    (alerts_state_alerts(a.state) && a.level != k.notified_level);
	if (strcmp(a.state, "met") == 0 &&
	    !alerts_state_alerts(k.notified_state))
		changed = 0;
	if (strcmp(a.state, "ok") == 0 || strcmp(a.state, "paused") == 0)
		changed = 0;
	if (snoozed && (changed || strcmp(a.state, "overdue") == 0))
		ev->stats->suppressed++;
	if (!snoozed && alerts_state_alerts(a.state))
		alerts_note_current(ev, payload, &a);
	if (changed && !snoozed) {
		if (strcmp(a.state, "met") == 0) {
			a.level = k.notified_level;
			json_object_set_new(
			    payload, "level", json_integer(a.level));
		}
		id = alerts_make_id(a.bug_id, kind, a.started_at, a.due,
		    a.state, a.level, k.transitions, NULL, 0);
		ev->met_after = k.notified_state;
		n = alerts_fire(ev, payload, id, k.transitions, NULL, 0, cause);
		ev->met_after = NULL;
		if (n == -1)
			goto out;
		ev->stats->transitions += n;
		k.transitions++;
		free(k.notified_state);
		k.notified_state = xstrdup(a.state);
		k.notified_level = a.level;
		k.notified_at = ev->now;
	} else if (!snoozed && strcmp(a.state, "overdue") == 0 &&
	    alerts_repeats(ev, payload, &a, &k, cause) == -1)
		goto out;
	alerts_payload_alert(payload, &a);
	text = json_dumps(payload, JSON_COMPACT);
	rc = store_alert_clock_put(ev->st, a.bug_id, kind, a.started_at, a.due,
	    a.state, a.level, &k, ev->now, text, cause);
out:
	free(kind);
	free(text);
	free(id);
	store_alert_clock_free(&k);
	json_decref(payload);
	return rc;
}

/*
 * Fire the note that a change of the bug ended a snooze (one of ended,
 * {kind, set_at, reason}) to the routes that would have received the bug,
 * made from the most urgent of its clocks in best.  Its id is the clock
 * instance's, state snooze-ended, and the snooze's start (-sSET_AT): it is
 * told once.
 */
static int
alerts_snooze_note(
    struct alerts_eval *ev, json_t *best, json_t *end, char **cause)
{
	const char *kind = json_string_value(json_object_get(end, "kind"));
	json_int_t set_at = json_integer_value(json_object_get(end, "set_at"));
	json_t *p = json_object_get(best, kind != NULL ? kind : "");
	struct alert a;
	char *id;
	int n;

	if (p == NULL) {
		log_info("alerts: snooze ended early: no clock of %s to tell",
		    kind != NULL && *kind != '\0' ? kind : "the bug");
		return 0;
	}
	p = json_deep_copy(p);
	json_object_set_new(p, "state", json_string("snooze-ended"));
	json_object_set_new(p, "level", json_integer(0));
	json_object_set(p, "reason", json_object_get(end, "reason"));
	alerts_payload_alert(p, &a);
	xasprintf(&id, "ccw-%lld-%s-%lld-%lld-snooze-ended-0-s%lld",
	    (long long)a.bug_id, alerts_instance_kind(p, &a),
	    (long long)a.started_at, (long long)a.due, (long long)set_at);
	ev->note = 1;
	n = alerts_fire(ev, p, id, 0, NULL, (long long)set_at, cause);
	ev->note = 0;
	free(id);
	json_decref(p);
	if (n == 1)
		ev->stats->notes++;
	return n == -1 ? -1 : 0;
}

/*
 * Evaluate one bug and record each of its clocks.  With pre, the clocks
 * the cycle's one evaluation computed are used, and the bug's thread is
 * read only when a snooze needs it.
 */
static int
alerts_eval_bug(struct alerts_eval *ev, struct store *st, const struct bug *bug,
    const struct policy_result *pre, char **cause)
{
	struct policy_options o = *ev->opts;
	struct policy_result own;
	const struct policy_result *res = &own;
	struct comment_list cl;
	struct history_list hl;
	struct strlist snoozed;
	const struct clock *c;
	const char *kind, *ikind;
	json_t *p, *ended, *best;
	int64_t *notq = NULL;
	size_t i;
	int rc = -1, sn;

	memset(&cl, 0, sizeof cl);
	memset(&hl, 0, sizeof hl);
	memset(&own, 0, sizeof own);
	memset(&snoozed, 0, sizeof snoozed);
	ended = json_array();
	best = json_object();
	sn = pre != NULL ? alerts_has_snoozes(ev, bug->id, cause) : 1;
	if (sn == -1)
		goto out;
	if (sn == 1 &&
	    (store_get_comments(st, bug->id, &cl, cause) == -1 ||
		store_get_history(st, bug->id, &hl, cause) == -1 ||
		alerts_snoozes(ev, bug, &cl, &hl, &snoozed, ended, cause) ==
		    -1))
		goto out;
	if (pre != NULL)
		res = pre;
	else {
		if (store_list_not_questions(
			st, bug->id, &notq, &o.n_not_questions, cause) == -1)
			goto out;
		o.not_questions = notq;
		policy_eval(bug, &cl, &hl, ev->people, &o, ev->now, &own);
	}
	for (i = 0; i < res->nclocks; i++) {
		c = &res->clocks[i];
		kind = policy_clock_kind_name(c->kind);
		if (c->state == CLOCK_PAUSED || c->due == 0) {
			alerts_seen_clock(&ev->seen, bug->id, kind, c);
			continue;
		}
		p = alerts_clock_payload(ev, bug, res, c);
		ikind = json_string_value(json_object_get(p, "instance"));
		alerts_seen_clock(
		    &ev->seen, bug->id, ikind != NULL ? ikind : kind, c);
		if (c->state == CLOCK_MET)
			json_object_set_new(p, "reason", alerts_reason_met(c));
		if (json_array_size(ended) > 0)
			alerts_snooze_keep(best, kind, p);
		sn = strlist_contains(&snoozed, "") ||
		    strlist_contains(&snoozed, kind);
		if (alerts_instance(ev, p, sn, cause) == -1)
			goto out;
	}
	for (i = 0; i < res->nwaiting; i++) {
		kind = policy_waiting_kind_name(res->waiting[i].kind);
		sn = strlist_contains(&snoozed, "") ||
		    strlist_contains(&snoozed, kind);
		if (alerts_instance(ev,
			alerts_waiting_payload(ev, bug, res, &res->waiting[i]),
			sn, cause) == -1)
			goto out;
	}
	for (i = 0; i < json_array_size(ended); i++)
		if (alerts_snooze_note(
			ev, best, json_array_get(ended, i), cause) == -1)
			goto out;
	rc = 0;
out:
	json_decref(ended);
	json_decref(best);
	policy_result_free(&own);
	comment_list_free(&cl);
	history_list_free(&hl);
	strlist_free(&snoozed);
	free(notq);
	return rc;
}

/*
 * The reason a vanished instance ended when its bug left the tracked set
 * (store_get_bug_gone): a moved bug names where it went; one the key no
 * longer sees is noted to the routes that may show restricted data only,
 * marked restricted.  NULL when the bug is tracked (or with *cause).
 */
static json_t *
alerts_gone_reason(struct alerts_eval *ev, json_t *p, char **cause)
{
	char *why = NULL, *text;
	json_t *o;
	int rc;

	*cause = NULL;
	rc = store_get_bug_gone(ev->st,
	    json_integer_value(json_object_get(p, "bug_id")), &why, cause);
	if (rc <= 0)
		return NULL;
	if (strcmp(why, "hidden") == 0) {
		ev->private_only = 1;
		json_object_set_new(p, "restricted", json_true());
		text = xstrdup("the bug is no longer visible to ccwatch's "
			       "Bugzilla key, so its deadlines are no longer "
			       "watched");
	} else
		xasprintf(&text, "the bug %s", why);
	o = json_pack("{s:s, s:s, s:n, s:n, s:n}", "kind", "gone", "text", text,
	    "by", "comment", "date");
	free(text);
	free(why);
	return o;
}

/*
 * The instances notified due-soon or overdue that this evaluation did not
 * see any more: their deadline was replaced or the bug was resolved, so
 * they are met.
 */
static int
alerts_vanished(struct alerts_eval *ev, char **cause)
{
	struct strlist payloads;
	json_t *p, *reason;
	char *text;
	size_t i;
	int sn;

	memset(&payloads, 0, sizeof payloads);
	if (store_alert_clock_vanished(ev->st, ev->now, &payloads, cause) ==
	    -1) {
		strlist_free(&payloads);
		return -1;
	}
	for (i = 0; i < payloads.n; i++) {
		p = json_loads(payloads.v[i], 0, NULL);
		if (p == NULL)
			continue;
		json_object_set_new(p, "state", json_string("met"));
		reason = alerts_gone_reason(ev, p, cause);
		if (reason == NULL && *cause != NULL) {
			json_decref(p);
			strlist_free(&payloads);
			return -1;
		}
		if (reason == NULL)
			reason = alerts_reason_vanished(&ev->seen, ev->st, p);
		xasprintf(&text, "This deadline no longer applies: %s.",
		    json_string_value(json_object_get(reason, "text")));
		json_object_set_new(p, "evidence", json_string(text));
		json_object_set_new(p, "reason", reason);
		free(text);
		sn = store_snooze_holds(ev->st,
		    json_integer_value(json_object_get(p, "bug_id")),
		    json_string_value(json_object_get(p, "clock")), ev->now,
		    cause);
		if (sn == -1)
			json_decref(p); /* alerts_instance consumes it */
		else if (alerts_instance(ev, p, sn, cause) == -1)
			sn = -1;
		ev->private_only = 0;
		if (sn == -1) {
			strlist_free(&payloads);
			return -1;
		}
	}
	strlist_free(&payloads);
	return 0;
}

/* Write one outbox row; its release is delayed by the route's quiet hours. */
static int
alerts_outbox_put(struct alerts_eval *ev, const struct config_route *r,
    const char *channel, const char *delivery_id, int digest, json_t *payload,
    char **cause)
{
	struct store_outbox_entry e;
	time_t ready = ev->now, until;
	char *text;
	int held, n;

	held = alerts_quiet(r, ev->now, &until);
	if (held)
		ready = until;
	text = json_dumps(payload, JSON_COMPACT);
	memset(&e, 0, sizeof e);
	e.delivery_id = delivery_id;
	e.channel = channel;
	e.route = r->name;
	e.digest = digest;
	e.payload = text;
	e.created = ev->now;
	e.ready_at = ready;
	e.held = held;
	n = store_outbox_insert(ev->st, &e, cause);
	free(text);
	if (n > 0)
		ev->stats->queued++;
	return n < 0 ? -1 : 0;
}

/* A delivery id made of a prefix, a route, a channel and a time. */
static char *
alerts_digest_id(const char *prefix, const char *route, const char *channel,
    const char *when)
{
	char *id, *p;

	xasprintf(&id, "%s-%s-%s-%s", prefix, route, channel, when);
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
			*p == '-'))
			*p = '_';
	return id;
}

/* A digest payload: recipient, when, items. */
static json_t *
alerts_digest_payload(const char *recipient, time_t when, json_t *items)
{
	return json_pack("{s:s, s:I, s:o}", "recipient", recipient, "when",
	    (json_int_t)when, "items", items);
}

/*
 * The summary of a flood on a people's channel: the first
 * ALERTS_SUMMARY_LIST of the alerts not sent one by one, how many more,
 * and where to see them all.
 */
static json_t *
alerts_summary_payload(
    struct alerts_eval *ev, const char *route, json_t *items, size_t total)
{
	json_t *o;

	o = alerts_digest_payload(route, ev->now, items);
	json_object_set_new(o, "more",
	    json_integer((json_int_t)(total - json_array_size(items))));
	if (ev->cfg->public_url != NULL)
		json_object_set_new(
		    o, "link", json_string(ev->cfg->public_url));
	return o;
}

/*
 * Write the queued deliveries, per route and channel.  A machine's channel
 * (a webhook) gets every alert as a row of its own; a people's channel gets
 * at most max_per_cycle, then one summary of the rest.
 */
static int
alerts_flush(struct alerts_eval *ev, char **cause)
{
	const struct config_route *r;
	struct alerts_item *it, *jt;
	json_t *items;
	char stamp[32], *id;
	size_t i, j, n, sent, rest;
	int rc = 0, machine;

	for (i = 0; i < ev->nitems && rc == 0; i++) {
		it = &ev->items[i];
		if (it->payload == NULL)
			continue;
		r = &ev->cfg->routes[it->route];
		machine = alerts_channel_is_machine(ev->cfg, it->channel);
		for (n = 0, j = i; j < ev->nitems; j++)
			n += ev->items[j].payload != NULL &&
			    ev->items[j].route == it->route &&
			    strcmp(ev->items[j].channel, it->channel) == 0;
		items = json_array();
		for (sent = rest = 0, j = i; j < ev->nitems && rc == 0; j++) {
			jt = &ev->items[j];
			if (jt->payload == NULL || jt->route != it->route ||
			    strcmp(jt->channel, it->channel) != 0)
				continue;
			if (machine || ev->cfg->max_per_cycle == 0 ||
			    sent < (size_t)ev->cfg->max_per_cycle) {
				rc = alerts_outbox_put(ev, r, jt->channel,
				    json_string_value(
					json_object_get(jt->payload, "id")),
				    0, jt->payload, cause);
				sent++;
			} else if (rest++ < ALERTS_SUMMARY_LIST)
				json_array_append(items, jt->payload);
			json_decref(jt->payload);
			jt->payload = NULL;
		}
		if (rest == 0 || rc != 0) {
			json_decref(items);
			continue;
		}
		snprintf(stamp, sizeof stamp, "%lld", (long long)ev->now);
		id = alerts_digest_id("sum", r->name, it->channel, stamp);
		items = alerts_summary_payload(ev, r->name, items, rest);
		log_warnx("alerts: %zu alerts for route %s, channel %s in one "
			  "cycle (max_per_cycle %lld): %zu sent, the other %zu "
			  "in one summary %s",
		    n, r->name, it->channel, ev->cfg->max_per_cycle, sent, rest,
		    id);
		rc = alerts_outbox_put(ev, r, it->channel, id, 1, items, cause);
		ev->stats->summaries++;
		json_decref(items);
		free(id);
	}
	return rc;
}

/* Make today's digest of a route when its local time has come. */
static int
alerts_digest(struct alerts_eval *ev, size_t i, char **cause)
{
	const struct config_route *r = &ev->cfg->routes[i];
	struct tm tm;
	json_t *payload, *items;
	char day[48], *id;
	time_t at;
	size_t j;
	int n, rc = 0;

	if (alerts_localtime(ev->now, r->timezone, &tm) == -1)
		return 0;
	snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	tm.tm_hour = r->digest_min / 60;
	tm.tm_min = r->digest_min % 60;
	tm.tm_sec = 0;
	at = alerts_mktime(&tm, r->timezone);
	if (at == -1 || ev->now < at)
		return 0;
	items = json_deep_copy(ev->current[i]);
	if (alerts_digest_met(ev, i, day, items, cause) == -1) {
		json_decref(items);
		return -1;
	}
	n = store_digest_mark(ev->st, r->name, day, ev->now, cause);
	if (n <= 0 || json_array_size(items) == 0) {
		json_decref(items);
		return n < 0 ? -1 : 0;
	}
	log_info("alerts: digest of route %s for %s: %zu items", r->name, day,
	    json_array_size(items));
	ev->stats->digests++;
	payload = alerts_digest_payload(r->name, ev->now, items);
	for (j = 0; j < r->channels.n && rc == 0; j++) {
		id = alerts_digest_id("dig", r->name, r->channels.v[j], day);
		json_object_set_new(payload, "id", json_string(id));
		rc = alerts_outbox_put(
		    ev, r, r->channels.v[j], id, 1, payload, cause);
		free(id);
	}
	json_decref(payload);
	return rc;
}

/* 1 if a bug is stored as open (the bugs whose clocks alert). */
static int
alerts_bug_open(const struct bug *b)
{
	return b->resolution == NULL || *b->resolution == '\0';
}

/*
 * Evaluate every open bug (or take the clocks of report r) and write the
 * ledger and the outbox.
 */
static int
alerts_eval_all(struct alerts_eval *ev, struct store *st,
    const struct report *r, char **cause)
{
	struct bug_list bl;
	size_t i;
	int rc = -1;

	memset(&bl, 0, sizeof bl);
	if (r != NULL) {
		ev->cas = &r->cas;
		for (i = 0; i < r->nbugs; i++)
			if (!alerts_bug_open(&r->bugs[i].bug))
				alerts_seen_closed(&ev->seen, &r->bugs[i].bug);
			else if (alerts_eval_bug(ev, st, &r->bugs[i].bug,
				     &r->bugs[i].result, cause) == -1)
				goto out;
	} else {
		/*
		 * Every stored bug is read, so that a CA is shown by the
		 * same spelling as in the report and the feed (the one most
		 * of its bugs use).
		 */
		if (store_list_bugs(st, 0, &bl, cause) == -1)
			return -1;
		people_ca_names(ev->people, &ev->own_cas);
		for (i = 0; i < bl.n; i++)
			people_ca_count(ev->people, &bl.v[i], &ev->own_cas);
		ev->cas = &ev->own_cas;
		for (i = 0; i < bl.n; i++)
			if (!alerts_bug_open(&bl.v[i]))
				alerts_seen_closed(&ev->seen, &bl.v[i]);
			else if (alerts_eval_bug(
				     ev, st, &bl.v[i], NULL, cause) == -1)
				goto out;
	}
	if (alerts_vanished(ev, cause) == -1 || alerts_flush(ev, cause) == -1)
		goto out;
	for (i = 0; i < ev->cfg->nroutes; i++)
		if (ev->cfg->routes[i].digest_min >= 0 &&
		    alerts_digest(ev, i, cause) == -1)
			goto out;
	rc = 0;
out:
	bug_list_free(&bl);
	return rc;
}

/*
 * Evaluate (or take r's clocks) at now in one transaction; with preview,
 * write what would fire there and roll the transaction back.
 */
static int
alerts_record_clocks(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    const struct report *r, FILE *preview, struct alerts_stats *stats,
    char **cause)
{
	struct alerts_eval ev;
	size_t i;
	int rc = -1;

	memset(&ev, 0, sizeof ev);
	ev.al = al;
	ev.cfg = al->cfg;
	ev.st = st;
	ev.people = people;
	ev.opts = opts;
	ev.now = now;
	ev.stats = stats;
	ev.preview = preview;
	ev.current = xcalloc(ev.cfg->nroutes + 1, sizeof(json_t *));
	for (i = 0; i < ev.cfg->nroutes; i++)
		ev.current[i] = json_array();
	if (store_begin(st, cause) == -1)
		goto out;
	if (alerts_eval_all(&ev, st, r, cause) == -1 || preview != NULL) {
		store_rollback(st);
		rc = preview != NULL && *cause == NULL ? 0 : -1;
		goto out;
	}
	rc = store_end(st, 0, cause);
out:
	for (i = 0; i < ev.nitems; i++)
		json_decref(ev.items[i].payload);
	free(ev.items);
	for (i = 0; i < ev.cfg->nroutes; i++)
		json_decref(ev.current[i]);
	free(ev.current);
	caname_table_free(&ev.own_cas);
	alerts_seen_free(&ev.seen);
	return rc;
}

/* Evaluate at now in one transaction; see alerts.h. */
int
alerts_evaluate(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    struct alerts_stats *stats, char **cause)
{
	return alerts_record_clocks(
	    al, st, people, opts, now, NULL, NULL, stats, cause);
}

/* A dry run at a moment to come; see alerts.h. */
int
alerts_preview(struct alerts *al, struct store *st, const struct people *people,
    const struct policy_options *opts, time_t at, FILE *out,
    struct alerts_stats *stats, char **cause)
{
	return alerts_record_clocks(
	    al, st, people, opts, at, NULL, out, stats, cause);
}

/* Record the clocks of an evaluated report; see alerts.h. */
int
alerts_evaluate_report(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts,
    const struct report *r, struct alerts_stats *stats, char **cause)
{
	return alerts_record_clocks(
	    al, st, people, opts, r->as_of, r, NULL, stats, cause);
}
