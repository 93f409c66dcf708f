/*
 * Which routes hear an alert: a route's filters (waiting, ca, clock,
 * state, level) and its notify_met; and the met alerts a digest route
 * lists, from the ledger, since its last digest.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts_int.h"
#include "store_alerts.h"

/* 1 if the payload is something the root program owes. */
int
alerts_is_program(json_t *payload)
{
	return json_object_get(payload, "waiting") != NULL;
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
int
alerts_route_match(const struct alerts_eval *ev, const struct config_route *r,
    int program, const char *ca, const char *kind, const char *state, int level)
{
	return r->program == program &&
	    alerts_ca_match(ev->people, &r->cas, ca) &&
	    alerts_list_match(&r->clocks, kind) &&
	    alerts_list_match(&r->states, state) && level >= r->min_level;
}

/*
 * 1 if route r would receive alerts of this bug's clock kind in some state
 * and level: whom a snooze-ended note goes to.
 */
int
alerts_route_hears_bug(const struct alerts_eval *ev,
    const struct config_route *r, int program, const char *ca, const char *kind)
{
	return r->program == program &&
	    alerts_ca_match(ev->people, &r->cas, ca) &&
	    alerts_list_match(&r->clocks, kind);
}

/*
 * 0 if route r does not hear this met alert ([route] notify_met): a
 * deadline met by the CA's comment after only a due-soon warning, on an
 * after-overdue route, or on a never route at all.  A deadline that moved,
 * was withdrawn, paused or closed after a warning is always told: the
 * warning no longer holds.
 */
int
alerts_route_hears_met(const struct alerts_eval *ev,
    const struct config_route *r, const struct alert *a)
{
	if (strcmp(a->state, "met") != 0 || r->met == CONFIG_MET_ALWAYS ||
	    (a->reason_kind != NULL && strcmp(a->reason_kind, "met") != 0))
		return 1;
	if (r->met == CONFIG_MET_NEVER)
		return 0;
	return ev->met_after != NULL && strcmp(ev->met_after, "overdue") == 0;
}

/*
 * The met alerts of route i since its last digest before day (a day back
 * when it made none), appended to items: each its instance's last
 * payload, state met, with the ledger's reason.  A route that hears no
 * met ([route] notify_met = never) gets none.
 */
int
alerts_digest_met(struct alerts_eval *ev, size_t i, const char *day,
    json_t *items, char **cause)
{
	const struct config_route *r = &ev->cfg->routes[i];
	char **payloads, **reasons;
	struct alert a;
	json_t *p;
	time_t since;
	size_t j, n;

	if (r->met == CONFIG_MET_NEVER)
		return 0;
	if (store_digest_last(ev->st, r->name, day, &since, cause) == -1)
		return -1;
	if (since == 0)
		since = ev->now - 86400;
	if (store_alert_met_between(
		ev->st, since, ev->now, &payloads, &reasons, &n, cause) == -1)
		return -1;
	for (j = 0; j < n; j++) {
		p = json_loads(payloads[j], 0, NULL);
		if (p == NULL)
			continue;
		json_object_set_new(p, "state", json_string("met"));
		if (reasons[j] != NULL)
			json_object_set_new(
			    p, "reason", json_loads(reasons[j], 0, NULL));
		alerts_payload_alert(p, &a);
		if (alerts_route_match(ev, r, alerts_is_program(p), a.ca,
			a.clock, "met", a.level)) {
			if (r->private_data)
				json_object_set_new(
				    p, "restricted", json_false());
			json_array_append(items, p);
		}
		json_decref(p);
	}
	store_strings_free(payloads, n);
	store_strings_free(reasons, n);
	return 0;
}
