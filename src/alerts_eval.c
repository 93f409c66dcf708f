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
#include "timeutil.h"
#include "xmalloc.h"

/* Longest evidence text of an alert. */
#define ALERTS_MAX_EVIDENCE 4096

/* One delivery waiting to be written to the outbox. */
struct alerts_item {
	size_t route;
	const char *channel;
	json_t *payload; /* an alert */
};

/* The state of one evaluation. */
struct alerts_eval {
	struct alerts *al;
	const struct config_alerts *cfg;
	sqlite3 *db;
	const struct people *people;
	const struct policy_options *opts;
	time_t now;
	struct alerts_stats *stats;
	struct alerts_item *items;
	size_t nitems;
	json_t **current; /* per route: what a digest would list */
	/* How each CA is shown (report.h): the report's, or own_cas. */
	const struct caname_table *cas;
	struct caname_table own_cas;
	/* The ledger's statements, run for every clock: prepared once. */
	sqlite3_stmt *get_stmt, *put_stmt;
	int private_only; /* the alert goes to private_data routes only */
};

/* What the ledger knows about one instance. */
struct alerts_known {
	int exists;
	char *state;
	char *notified_state;
	int notified_level;
	time_t notified_at;
	char *acked_state;
	int acked_level;
};

/* The rule a clock enforces, in words. */
static const char *
alerts_rule_text(enum clock_kind k)
{
	switch (k) {
	case CLOCK_INITIAL_REPORT:
		return "A preliminary incident report is due within 72 hours "
		       "of the bug's filing.";
	case CLOCK_FULL_REPORT:
		return "A full incident report is due within 14 days of the "
		       "bug's filing.";
	case CLOCK_RESPONSE:
		return "A question to the CA must be answered within 7 days.";
	case CLOCK_UPDATE:
		return "The CA owes a progress update every 7 days, or by the "
		       "whiteboard's Next update date.";
	case CLOCK_REVOCATION_UPDATE:
		return "While revocation is delayed, the CA owes an update "
		       "every 3 days, and at the latest every 7.";
	case CLOCK_ACTION_ITEM:
		return "An action item whose due date passed while it was open "
		       "owes an update within 3 days.";
	}
	return "";
}

/* The state name that alerts use: ok, due-soon, overdue, met. */
static const char *
alerts_state_name(const struct clock *c)
{
	return policy_clock_state_name(c->state);
}

/* The escalation level of what has been overdue for so many seconds. */
static int
alerts_level_after(const struct config_alerts *cfg, long long overdue)
{
	size_t i;
	int level = 1;

	for (i = 0; i < cfg->nladder; i++)
		if (overdue >= cfg->ladder[i].after)
			level = cfg->ladder[i].level;
	return level;
}

/* The escalation level of a clock: 0 unless overdue. */
static int
alerts_level(const struct config_alerts *cfg, const struct clock *c)
{
	if (c->state != CLOCK_OVERDUE)
		return 0;
	return alerts_level_after(cfg, c->overdue_seconds);
}

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

/* 1 if the payload is something the root program owes. */
static int
alerts_is_program(json_t *payload)
{
	return json_object_get(payload, "waiting") != NULL;
}

/*
 * The evidence of a clock as one line of text: rule version, events, due.
 * Evidence and warnings quote bug text (a login, a whiteboard date), so
 * each is cleaned to one line: a line break there could forge a line of
 * its own in a channel that shows the evidence as a paragraph.
 */
static char *
alerts_evidence(const struct clock *c)
{
	struct buf b;
	char iso[TIMEUTIL_ISO_LEN];
	size_t i;

	buf_init(&b, ALERTS_MAX_EVIDENCE);
	buf_printf(&b, "Policy %s.", policy_version_name(c->version));
	for (i = 0; i < c->nevidence; i++) {
		buf_printf(
		    &b, " %s", timeutil_format_iso(c->evidence[i].time, iso));
		if (c->evidence[i].comment >= 0)
			buf_printf(&b, " (comment %lld)",
			    (long long)c->evidence[i].comment);
		buf_addstr(&b, ": ");
		notify_clean_text(
		    c->evidence[i].text, ALERTS_MAX_EVIDENCE, 1, &b);
		buf_addch(&b, '.');
	}
	buf_printf(&b, " Due %s.", timeutil_format_iso(c->due, iso));
	for (i = 0; i < c->warnings.n; i++) {
		buf_addstr(&b, " Warning: ");
		notify_clean_text(c->warnings.v[i], ALERTS_MAX_EVIDENCE, 1, &b);
		buf_addch(&b, '.');
	}
	return buf_detach(&b);
}

/* The alert id: the instance, the state and the level (and a repeat). */
static char *
alerts_make_id(int64_t bug, const char *kind, time_t started, time_t due,
    const char *state, int level, const char *route, long long seq)
{
	char *id, *r, *p;

	if (route == NULL) {
		xasprintf(&id, "ccw-%lld-%s-%lld-%lld-%s-%d", (long long)bug,
		    kind, (long long)started, (long long)due, state, level);
		return id;
	}
	r = xstrdup(route);
	for (p = r; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_'))
			*p = '_';
	xasprintf(&id, "ccw-%lld-%s-%lld-%lld-%s-%d-r.%s.%lld", (long long)bug,
	    kind, (long long)started, (long long)due, state, level, r, seq);
	free(r);
	return id;
}

/* 1 if list is empty or holds s, ignoring case. */
static int
alerts_list_match(const struct strlist *list, const char *s)
{
	size_t i;

	if (list->n == 0)
		return 1;
	if (s == NULL)
		return 0;
	for (i = 0; i < list->n; i++)
		if (strcasecmp(list->v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * 1 if list is empty or names the CA ca by any spelling: the CA key of
 * either (people_ca_key: case, punctuation, legal forms and a configured
 * CA's aliases do not matter) is the same.
 */
static int
alerts_ca_match(
    const struct people *p, const struct strlist *list, const char *ca)
{
	char *key, *k;
	size_t i;
	int found = 0;

	if (list->n == 0)
		return 1;
	if (ca == NULL)
		return 0;
	key = people_ca_key(p, ca);
	for (i = 0; i < list->n && !found; i++) {
		k = people_ca_key(p, list->v[i]);
		found = *k != '\0' && strcmp(k, key) == 0;
		free(k);
	}
	free(key);
	return found;
}

/*
 * 1 if route r takes an alert of this CA, kind, state and level; what the
 * root program owes (program) goes to routes with waiting = program only,
 * and they take nothing else.
 */
static int
alerts_route_match(const struct alerts_eval *ev, const struct config_route *r,
    int program, const char *ca, const char *kind, const char *state, int level)
{
	return r->program == program &&
	    alerts_ca_match(ev->people, &r->cas, ca) &&
	    alerts_list_match(&r->clocks, kind) &&
	    alerts_list_match(&r->states, state) && level >= r->min_level;
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
 * Record an alert in the ledger and queue it for its routes: every
 * matching route without a digest, or only route `only` for a repeat.
 * Returns 1 when it is new, 0 when the ledger had it, -1 on error.
 */
static int
alerts_fire(struct alerts_eval *ev, json_t *payload, const char *id,
    const char *route, long long seq, char **cause)
{
	const struct config_route *r;
	struct alert a;
	size_t i;
	int n;

	json_object_set_new(payload, "id", json_string(id));
	json_object_set_new(payload, "created", json_integer(ev->now));
	alerts_payload_alert(payload, &a);
	n = alerts_db_exec(ev->db, cause,
	    "INSERT OR IGNORE INTO alerts (id, bug_id, kind, started_at, due,"
	    " state, level, route, seq, created, dry_run)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	    "titiititiii", id, a.bug_id, alerts_instance_kind(payload, &a),
	    (int64_t)a.started_at, (int64_t)a.due, a.state, (int64_t)a.level,
	    route != NULL ? route : "", (int64_t)seq, (int64_t)ev->now,
	    (int64_t)ev->cfg->dry_run);
	if (n <= 0)
		return n;
	log_info("alerts: %s: bug %lld %s %s level %d", id, (long long)a.bug_id,
	    a.clock, a.state, a.level);
	for (i = 0; i < ev->cfg->nroutes; i++) {
		r = &ev->cfg->routes[i];
		if (r->digest_min >= 0 ||
		    (ev->private_only && !r->private_data) ||
		    (route != NULL && strcmp(route, r->name) != 0) ||
		    !alerts_route_match(ev, r, alerts_is_program(payload), a.ca,
			a.clock, a.state, a.level))
			continue;
		alerts_queue_route(ev, i, payload);
	}
	return 1;
}

/* Free what alerts_known_get filled. */
static void
alerts_known_free(struct alerts_known *k)
{
	free(k->state);
	free(k->notified_state);
	free(k->acked_state);
	memset(k, 0, sizeof *k);
}

/* Read the ledger row of an instance into *k. */
static int
alerts_known_get(struct alerts_eval *ev, int64_t bug, const char *kind,
    time_t started, time_t due, struct alerts_known *k, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(k, 0, sizeof *k);
	stmt = alerts_db_reuse(&ev->get_stmt, ev->db, cause,
	    "SELECT state, notified_state, notified_level, notified_at,"
	    " acked_state, acked_level FROM alert_clocks WHERE bug_id = ?1"
	    " AND kind = ?2 AND started_at = ?3 AND due = ?4",
	    "itii", bug, kind, (int64_t)started, (int64_t)due);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		k->exists = 1;
		k->state = alerts_db_text(stmt, 0);
		k->notified_state = alerts_db_text(stmt, 1);
		k->notified_level = sqlite3_column_int(stmt, 2);
		k->notified_at = (time_t)sqlite3_column_int64(stmt, 3);
		k->acked_state = alerts_db_text(stmt, 4);
		k->acked_level = sqlite3_column_int(stmt, 5);
	} else {
		k->state = xstrdup("");
		k->notified_state = xstrdup("");
		k->acked_state = xstrdup("");
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

/* Write the evaluated state of an instance (and its notice, if any). */
static int
alerts_known_put(struct alerts_eval *ev, const struct alert *a,
    const char *kind, const char *payload, const struct alerts_known *k,
    char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = alerts_db_reuse(&ev->put_stmt, ev->db, cause,
	    "INSERT INTO alert_clocks (bug_id, kind, started_at, due, state,"
	    " level, notified_state, notified_level, notified_at, seen_at,"
	    " payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	    " ON CONFLICT (bug_id, kind, started_at, due) DO UPDATE SET"
	    " state = excluded.state, level = excluded.level,"
	    " notified_state = excluded.notified_state,"
	    " notified_level = excluded.notified_level,"
	    " notified_at = excluded.notified_at, seen_at = excluded.seen_at,"
	    " payload = excluded.payload",
	    "itiititiiit", a->bug_id, kind, (int64_t)a->started_at,
	    (int64_t)a->due, a->state, (int64_t)a->level, k->notified_state,
	    (int64_t)k->notified_level, (int64_t)k->notified_at,
	    (int64_t)ev->now, payload);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
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
    const struct alerts_known *k, char **cause)
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
		    a->started_at, a->due, a->state, a->level, r->name, seq);
		n = alerts_fire(ev, payload, id, r->name, seq, cause);
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
	struct alerts_known k;
	struct alert a;
	char *id = NULL, *text = NULL, *kind = NULL;
	int rc = -1, n, changed;

	alerts_payload_alert(payload, &a);
	kind = xstrdup(alerts_instance_kind(payload, &a));
	if (alerts_known_get(
		ev, a.bug_id, kind, a.started_at, a.due, &k, cause) == -1)
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
		    a.state, a.level, NULL, 0);
		n = alerts_fire(ev, payload, id, NULL, 0, cause);
		if (n == -1)
			goto out;
		ev->stats->transitions += n;
		free(k.notified_state);
		k.notified_state = xstrdup(a.state);
		k.notified_level = a.level;
		k.notified_at = ev->now;
	} else if (!snoozed && strcmp(a.state, "overdue") == 0 &&
	    alerts_repeats(ev, payload, &a, &k, cause) == -1)
		goto out;
	alerts_payload_alert(payload, &a);
	text = json_dumps(payload, JSON_COMPACT);
	rc = alerts_known_put(ev, &a, kind, text, &k, cause);
out:
	free(kind);
	free(text);
	free(id);
	alerts_known_free(&k);
	json_decref(payload);
	return rc;
}

/*
 * Key the payload's instance as kind-suffix (the suffix's bytes outside
 * [A-Za-z0-9._-] as '_'), for an item or an account of its own.
 */
static void
alerts_set_instance(json_t *o, const char *kind, const char *suffix)
{
	char *s, *p;

	xasprintf(&s, "%s-%s", kind, suffix);
	for (p = s + strlen(kind) + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	json_object_set_new(o, "instance", json_string(s));
	free(s);
}

/* The payload of one clock of an evaluated bug. */
static json_t *
alerts_clock_payload(struct alerts_eval *ev, const struct bug *bug,
    const struct policy_result *res, const struct clock *c)
{
	struct alert a;
	json_t *o;
	char *url, *query, *evidence;

	xasprintf(&url, "%s/show_bug.cgi?id=%lld", ev->opts->base_url,
	    (long long)bug->id);
	xasprintf(&query,
	    "%s/rest/bug/%lld?include_fields=id,status,resolution,whiteboard,"
	    "last_change_time",
	    ev->opts->base_url, (long long)bug->id);
	evidence = alerts_evidence(c);
	memset(&a, 0, sizeof a);
	a.id = "";
	a.bug_id = bug->id;
	a.bug_summary = bug->summary;
	a.bug_url = url;
	a.ca = caname_table_show(ev->cas, res->ca_key);
	if (a.ca == NULL)
		a.ca = res->ca;
	a.clock = policy_clock_kind_name(c->kind);
	a.state = alerts_state_name(c);
	a.level = alerts_level(ev->cfg, c);
	a.due = c->due;
	a.started_at = c->started_at;
	a.rule = alerts_rule_text(c->kind);
	a.evidence = evidence;
	a.comment_url = c->link;
	a.query_url = query;
	a.restricted = res->restricted;
	a.created = ev->now;
	a.late = c->late;
	a.late_by = c->late_by;
	o = alerts_payload_new(&a);
	if (c->item >= 0 && (size_t)c->item < res->plan.n)
		alerts_set_instance(o, a.clock, res->plan.items[c->item].key);
	free(url);
	free(query);
	free(evidence);
	return o;
}

/* What the root program owes, in words. */
static const char *
alerts_waiting_rule(enum waiting_kind k)
{
	switch (k) {
	case WAITING_CLOSURE:
		return "The CA requested closure: the root program owes the "
		       "final call and the bug's closure.";
	case WAITING_CLOSE_ON:
		return "The final call's [close on] date has passed: the root "
		       "program owes the bug's closure.";
	case WAITING_NEEDINFO:
		return "A needinfo on a root program account is open: the "
		       "root program owes an answer.";
	}
	return "";
}

/*
 * The payload of something the root program owes: overdue from the end of
 * its wait, routed to the routes with waiting = program only.
 */
static json_t *
alerts_waiting_payload(struct alerts_eval *ev, const struct bug *bug,
    const struct policy_result *res, const struct waiting *w)
{
	struct alert a;
	struct buf evidence;
	json_t *o;
	char *url, *link, *query;

	xasprintf(&url, "%s/show_bug.cgi?id=%lld", ev->opts->base_url,
	    (long long)bug->id);
	if (w->comment >= 0)
		xasprintf(&link, "%s#c%lld", url, (long long)w->comment);
	else
		link = xstrdup(url);
	xasprintf(&query,
	    "%s/rest/bug/%lld?include_fields=id,status,resolution,whiteboard,"
	    "last_change_time",
	    ev->opts->base_url, (long long)bug->id);
	buf_init(&evidence, ALERTS_MAX_EVIDENCE);
	notify_clean_text(w->text, ALERTS_MAX_EVIDENCE, 1, &evidence);
	memset(&a, 0, sizeof a);
	a.id = "";
	a.bug_id = bug->id;
	a.bug_summary = bug->summary;
	a.bug_url = url;
	a.ca = caname_table_show(ev->cas, res->ca_key);
	if (a.ca == NULL)
		a.ca = res->ca;
	a.clock = policy_waiting_kind_name(w->kind);
	a.state = "overdue";
	a.level = alerts_level_after(ev->cfg, (long long)(ev->now - w->due));
	a.due = w->due;
	a.started_at = w->since;
	a.rule = alerts_waiting_rule(w->kind);
	a.evidence = buf_str(&evidence);
	a.comment_url = link;
	a.query_url = query;
	a.restricted = res->restricted;
	a.created = ev->now;
	o = alerts_payload_new(&a);
	json_object_set_new(o, "waiting", json_string("program"));
	if (w->requestee != NULL)
		alerts_set_instance(o, a.clock, w->requestee);
	buf_free(&evidence);
	free(url);
	free(link);
	free(query);
	return o;
}

/* 1 if the bug changed after t (and by now), not by our own account. */
static int
alerts_bug_changed(struct alerts_eval *ev, const struct comment_list *cl,
    const struct history_list *hl, time_t t)
{
	const char *self = ev->people->self;
	size_t i, j;

	for (i = 0; i < cl->n; i++)
		if (cl->v[i].time > t && cl->v[i].time <= ev->now &&
		    (self == NULL || cl->v[i].creator == NULL ||
			strcasecmp(cl->v[i].creator, self) != 0))
			return 1;
	for (i = 0; i < hl->n; i++) {
		if (hl->v[i].when <= t || hl->v[i].when > ev->now ||
		    (self != NULL && hl->v[i].who != NULL &&
			strcasecmp(hl->v[i].who, self) == 0))
			continue;
		for (j = 0; j < hl->v[i].nchanges; j++)
			if (hl->v[i].changes[j].field != NULL &&
			    strcmp(hl->v[i].changes[j].field, "whiteboard") ==
				0)
				return 1;
	}
	return 0;
}

/*
 * Load the bug's snoozes that still hold into *kinds ("" for the whole
 * bug), dropping those that expired or that a change of the bug cleared.
 */
static int
alerts_snoozes(struct alerts_eval *ev, const struct bug *bug,
    const struct comment_list *cl, const struct history_list *hl,
    struct strlist *kinds, char **cause)
{
	sqlite3_stmt *stmt;
	struct strlist drop;
	char *kind;
	size_t i;
	int rc, expired;

	memset(&drop, 0, sizeof drop);
	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT kind, until, set_at FROM snoozes WHERE bug_id = ?1", "i",
	    bug->id);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		kind = alerts_db_text(stmt, 0);
		expired = sqlite3_column_int64(stmt, 1) <= ev->now;
		if (expired ||
		    alerts_bug_changed(
			ev, cl, hl, (time_t)sqlite3_column_int64(stmt, 2))) {
			log_info("alerts: bug %lld: snooze%s%s %s",
			    (long long)bug->id, *kind != '\0' ? " of " : "",
			    kind,
			    expired ? "expired" : "cleared: the bug changed");
			if (!expired)
				ev->stats->cleared++;
			strlist_add(&drop, kind);
		} else
			strlist_add(kinds, kind);
		free(kind);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		strlist_free(&drop);
		return -1;
	}
	for (i = 0; i < drop.n && rc != -1; i++)
		rc = alerts_db_exec(ev->db, cause,
		    "DELETE FROM snoozes WHERE bug_id = ?1 AND kind = ?2", "it",
		    bug->id, drop.v[i]);
	strlist_free(&drop);
	return rc == -1 ? -1 : 0;
}

/* The operator's not-a-question marks of a bug, allocated into *ids. */
static int
alerts_not_questions(
    struct alerts_eval *ev, int64_t bug, int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT comment_id FROM question_overrides WHERE bug_id = ?1"
	    " AND not_question = 1 ORDER BY comment_id",
	    "i", bug);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		return -1;
	}
	return 0;
}

/* 1 if the bug has a snooze row, so its thread is needed. */
static int
alerts_has_snoozes(struct alerts_eval *ev, int64_t bug, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT 1 FROM snoozes WHERE bug_id = ?1 LIMIT 1", "i", bug);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		return -1;
	}
	return rc == SQLITE_ROW;
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
	const char *kind;
	int64_t *notq = NULL;
	size_t i;
	int rc = -1, sn;

	memset(&cl, 0, sizeof cl);
	memset(&hl, 0, sizeof hl);
	memset(&own, 0, sizeof own);
	memset(&snoozed, 0, sizeof snoozed);
	sn = pre != NULL ? alerts_has_snoozes(ev, bug->id, cause) : 1;
	if (sn == -1)
		goto out;
	if (sn == 1 &&
	    (store_get_comments(st, bug->id, &cl, cause) == -1 ||
		store_get_history(st, bug->id, &hl, cause) == -1 ||
		alerts_snoozes(ev, bug, &cl, &hl, &snoozed, cause) == -1))
		goto out;
	if (pre != NULL)
		res = pre;
	else {
		if (alerts_not_questions(
			ev, bug->id, &notq, &o.n_not_questions, cause) == -1)
			goto out;
		o.not_questions = notq;
		policy_eval(bug, &cl, &hl, ev->people, &o, ev->now, &own);
	}
	for (i = 0; i < res->nclocks; i++) {
		c = &res->clocks[i];
		if (c->state == CLOCK_PAUSED || c->due == 0)
			continue;
		kind = policy_clock_kind_name(c->kind);
		sn = strlist_contains(&snoozed, "") ||
		    strlist_contains(&snoozed, kind);
		if (alerts_instance(ev, alerts_clock_payload(ev, bug, res, c),
			sn, cause) == -1)
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
	rc = 0;
out:
	policy_result_free(&own);
	comment_list_free(&cl);
	history_list_free(&hl);
	strlist_free(&snoozed);
	free(notq);
	return rc;
}

/* 1 if the bug or this clock of it is snoozed now. */
static int
alerts_is_snoozed(
    struct alerts_eval *ev, int64_t bug, const char *kind, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT 1 FROM snoozes WHERE bug_id = ?1 AND (kind = ''"
	    " OR kind = ?2) AND until > ?3",
	    "iti", bug, kind, (int64_t)ev->now);
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Say why a vanished instance ended when its bug left the tracked set: a
 * moved bug names where it went; a bug the key no longer sees is noted
 * only to the routes that may show restricted data.  0, or -1.
 */
static int
alerts_gone_note(
    struct alerts_eval *ev, struct store *st, json_t *p, char **cause)
{
	char *why, *text;
	int rc;

	rc = store_get_bug_gone(
	    st, json_integer_value(json_object_get(p, "bug_id")), &why, cause);
	if (rc <= 0)
		return rc;
	if (strcmp(why, "hidden") == 0) {
		ev->private_only = 1;
		json_object_set_new(p, "restricted", json_true());
		text = xstrdup("This bug is no longer visible to ccwatch's "
			       "Bugzilla key: its deadlines are no longer "
			       "watched.");
	} else
		xasprintf(
		    &text, "This deadline no longer applies: the bug %s.", why);
	json_object_set_new(p, "evidence", json_string(text));
	free(text);
	free(why);
	return 0;
}

/*
 * The instances notified due-soon or overdue that this evaluation did not
 * see any more: their deadline was replaced or the bug was resolved, so
 * they are met.  A bug gone from the tracked set says why.
 */
static int
alerts_vanished(struct alerts_eval *ev, struct store *st, char **cause)
{
	sqlite3_stmt *stmt;
	struct strlist payloads;
	json_t *p;
	size_t i;
	int rc, sn;

	memset(&payloads, 0, sizeof payloads);
	stmt = alerts_db_prepare(ev->db, cause,
	    "SELECT payload FROM alert_clocks WHERE seen_at != ?1"
	    " AND notified_state IN ('due-soon', 'overdue')"
	    " AND payload IS NOT NULL",
	    "i", (int64_t)ev->now);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		strlist_add(
		    &payloads, (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "alerts: %s", sqlite3_errmsg(ev->db));
		strlist_free(&payloads);
		return -1;
	}
	for (i = 0; i < payloads.n; i++) {
		p = json_loads(payloads.v[i], 0, NULL);
		if (p == NULL)
			continue;
		json_object_set_new(p, "state", json_string("met"));
		json_object_set_new(p, "evidence",
		    json_string("This deadline no longer applies: the bug was "
				"resolved, or a new deadline replaced it."));
		sn = alerts_gone_note(ev, st, p, cause);
		if (sn == 0)
			sn = alerts_is_snoozed(ev,
			    json_integer_value(json_object_get(p, "bug_id")),
			    json_string_value(json_object_get(p, "clock")),
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
	time_t ready = ev->now, until;
	char *text;
	int held, n;

	held = alerts_quiet(r, ev->now, &until);
	if (held)
		ready = until;
	text = json_dumps(payload, JSON_COMPACT);
	n = alerts_db_exec(ev->db, cause,
	    "INSERT OR IGNORE INTO outbox (delivery_id, channel, route, digest,"
	    " payload, created, ready_at, next_attempt, held)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
	    "tttitiii", delivery_id, channel, r->name, (int64_t)digest, text,
	    (int64_t)ev->now, (int64_t)ready, (int64_t)held);
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
 * Write the queued deliveries: per route and channel, one row each, or one
 * summary when there are more than max_per_cycle.
 */
static int
alerts_flush(struct alerts_eval *ev, char **cause)
{
	const struct config_route *r;
	struct alerts_item *it;
	json_t *items;
	char stamp[32], *id;
	size_t i, j, n;
	int rc = 0;

	for (i = 0; i < ev->nitems && rc == 0; i++) {
		it = &ev->items[i];
		if (it->payload == NULL)
			continue;
		r = &ev->cfg->routes[it->route];
		for (n = 0, j = i; j < ev->nitems; j++)
			n += ev->items[j].payload != NULL &&
			    ev->items[j].route == it->route &&
			    strcmp(ev->items[j].channel, it->channel) == 0;
		if (ev->cfg->max_per_cycle == 0 ||
		    n <= (size_t)ev->cfg->max_per_cycle) {
			rc = alerts_outbox_put(ev, r, it->channel,
			    json_string_value(
				json_object_get(it->payload, "id")),
			    0, it->payload, cause);
			json_decref(it->payload);
			it->payload = NULL;
			continue;
		}
		items = json_array();
		for (j = i; j < ev->nitems; j++) {
			if (ev->items[j].payload == NULL ||
			    ev->items[j].route != it->route ||
			    strcmp(ev->items[j].channel, it->channel) != 0)
				continue;
			json_array_append_new(items, ev->items[j].payload);
			ev->items[j].payload = NULL;
		}
		snprintf(stamp, sizeof stamp, "%lld", (long long)ev->now);
		id = alerts_digest_id("sum", r->name, it->channel, stamp);
		items = alerts_digest_payload(r->name, ev->now, items);
		log_warnx("alerts: %zu alerts for route %s, channel %s in one "
			  "cycle (max_per_cycle %lld): sending one summary %s",
		    n, r->name, it->channel, ev->cfg->max_per_cycle, id);
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
	json_t *payload;
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
	n = alerts_db_exec(ev->db, cause,
	    "INSERT OR IGNORE INTO alert_digests (route, day, made_at)"
	    " VALUES (?1, ?2, ?3)",
	    "tti", r->name, day, (int64_t)ev->now);
	if (n <= 0 || json_array_size(ev->current[i]) == 0)
		return n < 0 ? -1 : 0;
	log_info("alerts: digest of route %s for %s: %zu items", r->name, day,
	    json_array_size(ev->current[i]));
	ev->stats->digests++;
	payload = alerts_digest_payload(
	    r->name, ev->now, json_incref(ev->current[i]));
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
			if (alerts_bug_open(&r->bugs[i].bug) &&
			    alerts_eval_bug(ev, st, &r->bugs[i].bug,
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
			if (alerts_bug_open(&bl.v[i]) &&
			    alerts_eval_bug(ev, st, &bl.v[i], NULL, cause) ==
				-1)
				goto out;
	}
	if (alerts_vanished(ev, st, cause) == -1 ||
	    alerts_flush(ev, cause) == -1)
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

/* Evaluate (or take r's clocks) at now in one transaction. */
static int
alerts_record_clocks(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    const struct report *r, struct alerts_stats *stats, char **cause)
{
	struct alerts_eval ev;
	size_t i;
	int rc = -1;

	memset(&ev, 0, sizeof ev);
	ev.al = al;
	ev.cfg = al->cfg;
	ev.db = store_sqlite(st);
	ev.people = people;
	ev.opts = opts;
	ev.now = now;
	ev.stats = stats;
	ev.current = xcalloc(ev.cfg->nroutes + 1, sizeof(json_t *));
	for (i = 0; i < ev.cfg->nroutes; i++)
		ev.current[i] = json_array();
	if (store_begin(st, cause) == -1)
		goto out;
	if (alerts_eval_all(&ev, st, r, cause) == -1) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, cause);
	if (rc == -1)
		store_rollback(st);
out:
	sqlite3_finalize(ev.get_stmt);
	sqlite3_finalize(ev.put_stmt);
	for (i = 0; i < ev.nitems; i++)
		json_decref(ev.items[i].payload);
	free(ev.items);
	for (i = 0; i < ev.cfg->nroutes; i++)
		json_decref(ev.current[i]);
	free(ev.current);
	caname_table_free(&ev.own_cas);
	return rc;
}

/* Evaluate at now in one transaction; see alerts.h. */
int
alerts_evaluate(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts, time_t now,
    struct alerts_stats *stats, char **cause)
{
	return alerts_record_clocks(
	    al, st, people, opts, now, NULL, stats, cause);
}

/* Record the clocks of an evaluated report; see alerts.h. */
int
alerts_evaluate_report(struct alerts *al, struct store *st,
    const struct people *people, const struct policy_options *opts,
    const struct report *r, struct alerts_stats *stats, char **cause)
{
	return alerts_record_clocks(
	    al, st, people, opts, r->as_of, r, stats, cause);
}
