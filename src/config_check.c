/*
 * The checks that relate several directives, and what they imply.
 *
 * config_check_section runs when a [channel] or [override] section ends
 * (what it must hold depends on its type, or on two of its directives);
 * config_cross_check runs once the whole file is read, over the finished
 * configuration: every check that needs more than one directive, or a
 * directive and the file around it, belongs there.  Errors name the line
 * of the directive or section they are about, as the reader's do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bzquery.h"
#include "caname.h"
#include "config.h"
#include "config_int.h"
#include "xmalloc.h"

#define CONFIG_BMO_HOST         "bugzilla.mozilla.org"
#define CONFIG_BMO_MIN_INTERVAL 300

/*
 * Under a service manager's watchdog (WATCHDOG_USEC), a transfer's timeout
 * is at most half its interval, so that a request that hangs ends, is
 * logged and retried well inside one interval.  Without one the table's
 * bound holds: CCWATCH_MAX_TIMEOUT, half the shipped unit's WatchdogSec.
 */
static void
config_check_timeout(
    struct config_parse *p, int line, const char *what, long long seconds)
{
	unsigned long long usec = p->watchdog_usec;

	if (usec == 0 || (unsigned long long)seconds * 2000000ULL <= usec)
		return;
	config_error(p, line,
	    "%s: %lld s is more than half the watchdog interval "
	    "(WATCHDOG_USEC %llu.%01llu s)",
	    what, seconds, usec / 1000000, usec / 100000 % 10);
}

/* Check what a finished [channel "NAME"] section must hold. */
static void
config_check_channel(struct config_parse *p)
{
	const struct config_channel *ch = p->base;
	const char *need = NULL;
	char what[96];
	int line;

	line = p->seen[config_find_directive("channel", "timeout")];
	snprintf(what, sizeof what, "[channel \"%s\"] timeout", ch->name);
	config_check_timeout(
	    p, line != 0 ? line : p->sect_line, what, ch->timeout);

	if (ch->type == NULL)
		need = "type = smtp|slack|webhook";
	else if (strcmp(ch->type, "smtp") == 0 &&
	    (ch->url == NULL || ch->from == NULL || ch->to.n == 0))
		need = "url, from and to";
	else if (strcmp(ch->type, "slack") == 0 && ch->webhook_url_file == NULL)
		need = "webhook_url_file";
	else if (strcmp(ch->type, "webhook") == 0 &&
	    (ch->url == NULL || ch->secret_file == NULL))
		need = "url and secret_file";
	if (need != NULL)
		config_error(p, p->sect_line, "[channel \"%s\"] needs %s",
		    ch->name, need);
}

/*
 * Check the section that just ended: a [channel "NAME"] holds what its type
 * needs; an [override "LOGIN"] has its side, and from before until.
 */
void
config_check_section(struct config_parse *p)
{
	const struct people_override *o = p->base;

	if (p->sect != NULL && strcmp(p->sect->name, "channel") == 0)
		config_check_channel(p);
	if (p->sect == NULL || strcmp(p->sect->name, "override") != 0)
		return;
	if (p->seen[config_find_directive("override", "side")] == 0)
		config_error(p, p->sect_line,
		    "[override \"%s\"] needs side = ca|program|community|bot",
		    o->login);
	if (o->from != 0 && o->until != 0 && o->from >= o->until)
		config_error(p, p->sect_line,
		    "[override \"%s\"]: from must be before until", o->login);
}

/*
 * Report the lists that were set but ended up empty.  The lists of
 * [people] may be emptied on purpose (no bot suffixes at all), and the
 * subsections' lists are optional.
 */
static void
config_check_lists(struct config_parse *p)
{
	const struct config_directive *d;
	size_t i;

	for (i = 0; i < config_ndirectives; i++) {
		d = &config_directives[i];
		if (d->type != CONFIG_LIST || p->seen[i] == 0 ||
		    config_find_section(d->section)->base != NULL ||
		    strcmp(d->section, "people") == 0)
			continue;
		if (((struct strlist *)((char *)p->cfg + d->offset))->n == 0)
			config_error(p, p->seen[i], "%s: empty list", d->name);
	}
}

/*
 * BMO asks clients not to poll more than once every five minutes; shorter
 * intervals are for other servers (a test instance, a local fake).
 */
static void
config_check_interval(struct config_parse *p)
{
	const char *host = p->cfg->url;
	int line;

	if (strncmp(host, "https://", 8) == 0)
		host += 8;
	if (strncasecmp(host, CONFIG_BMO_HOST, strlen(CONFIG_BMO_HOST)) != 0 ||
	    (host[strlen(CONFIG_BMO_HOST)] != '\0' &&
		host[strlen(CONFIG_BMO_HOST)] != '/' &&
		host[strlen(CONFIG_BMO_HOST)] != ':'))
		return;
	if (p->cfg->poll_interval >= CONFIG_BMO_MIN_INTERVAL)
		return;
	line = p->seen[config_find_directive("daemon", "poll_interval")];
	config_error(p, line, "poll_interval: at least %d seconds against %s",
	    CONFIG_BMO_MIN_INTERVAL, CONFIG_BMO_HOST);
}

/* Check that every route's channels are configured. */
static int
config_check_routes(const struct config_alerts *c, char **cause)
{
	const struct config_route *r;
	size_t i, j, k;

	for (i = 0; i < c->nroutes; i++) {
		r = &c->routes[i];
		if (r->program && r->cas.n > 0) {
			xasprintf(cause,
			    "[route \"%s\"]: waiting = program is the root "
			    "program's queue, never a CA's: it takes no ca",
			    r->name);
			return -1;
		}
		if (r->channels.n == 0) {
			xasprintf(
			    cause, "[route \"%s\"] has no channels", r->name);
			return -1;
		}
		for (j = 0; j < r->channels.n; j++) {
			for (k = 0; k < c->nchannels; k++)
				if (strcmp(c->channels[k].name,
					r->channels.v[j]) == 0)
					break;
			if (k == c->nchannels) {
				xasprintf(cause,
				    "[route \"%s\"]: no [channel \"%s\"]",
				    r->name, r->channels.v[j]);
				return -1;
			}
		}
	}
	return 0;
}

/* The i-th name of a configured CA: its name, then its aliases. */
static const char *
config_ca_name(const struct people_ca *ca, size_t i)
{
	return i == 0 ? ca->name : ca->aliases.v[i - 1];
}

/* A name of a that has the key of a name of b, or NULL. */
static const char *
config_ca_clash(const struct people_ca *a, const struct people_ca *b)
{
	char ka[CANAME_KEY_LEN], kb[CANAME_KEY_LEN];
	size_t x, y;

	for (x = 0; x <= a->aliases.n; x++) {
		caname_key_into(config_ca_name(a, x), ka, sizeof ka);
		for (y = 0; y <= b->aliases.n; y++) {
			caname_key_into(config_ca_name(b, y), kb, sizeof kb);
			if (strcmp(ka, kb) == 0)
				return config_ca_name(a, x);
		}
	}
	return NULL;
}

/*
 * Check that no two configured CAs answer to one name (by its CA key), so
 * that every spelling names one CA.
 */
static void
config_check_ca_names(struct config_parse *p)
{
	const struct people *pe = &p->cfg->people;
	const char *clash;
	size_t i, j;

	for (i = 0; i < pe->ncas; i++)
		for (j = i + 1; j < pe->ncas; j++) {
			clash = config_ca_clash(&pe->cas[i], &pe->cas[j]);
			if (clash != NULL)
				config_error(p, 0,
				    "[ca \"%s\"] and [ca \"%s\"] both answer "
				    "to \"%s\"",
				    pe->cas[i].name, pe->cas[j].name, clash);
		}
}

/* Add the items of from that to does not hold yet. */
static void
config_list_merge(struct strlist *to, const struct strlist *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		if (!strlist_contains(to, from->v[i]))
			strlist_add(to, from->v[i]);
}

/*
 * Derive what the directives imply: the extra_* lists joined to [people],
 * the policy options in seconds, the link base and the stale age (the
 * larger of three poll intervals and two hours, unless set).
 */
void
config_finish(struct config *cfg)
{
	config_list_merge(
	    &cfg->people.program_domains, &cfg->extra_program_domains);
	config_list_merge(&cfg->people.bot_accounts, &cfg->extra_bot_accounts);
	config_list_merge(
	    &cfg->people.public_domains, &cfg->extra_public_domains);
	cfg->policy.warn_window = (long)cfg->warn_window_hours * 3600;
	cfg->policy.program_wait = (long)cfg->program_wait;
	cfg->policy.zone = cfg->date_zone_loaded;
	cfg->policy.base_url =
	    cfg->policy_base_url != NULL ? cfg->policy_base_url : cfg->url;
	if (cfg->stale_after == 0) {
		cfg->stale_after = 3 * cfg->poll_interval;
		if (cfg->stale_after < 2LL * 3600)
			cfg->stale_after = 2LL * 3600;
	}
}

/*
 * Every search a cycle makes of the products and components must fit one
 * URL with room for a bug id, or the sync could never fetch by id.
 */
static void
config_check_query(struct config_parse *p)
{
	char *why = NULL;
	int line;

	if (bzquery_check(
		p->cfg->url, &p->cfg->products, &p->cfg->components, &why) == 0)
		return;
	line = p->seen[config_find_directive("bugzilla", "products")];
	if (line == 0)
		line = p->seen[config_find_directive("bugzilla", "components")];
	if (line == 0)
		line = p->seen[config_find_directive("bugzilla", "url")];
	config_error(p, line, "products, components: %s", why);
	free(why);
}

/*
 * The checks of a whole file, run after it was read and config_finish
 * derived what it implies.  Each records its errors and goes on, so that
 * one run reports them all.
 */
void
config_cross_check(struct config_parse *p)
{
	char *why = NULL;

	config_check_lists(p);
	config_check_interval(p);
	config_check_query(p);
	config_check_timeout(p,
	    p->seen[config_find_directive("bugzilla", "timeout")], "timeout",
	    p->cfg->timeout);
	config_check_timeout(p,
	    p->seen[config_find_directive("bugzilla", "connect_timeout")],
	    "connect_timeout", p->cfg->connect_timeout);
	config_check_ca_names(p);
	if (config_check_routes(&p->cfg->alerts, &why) == -1) {
		config_error(p, 0, "%s", why);
		free(why);
	}
}
