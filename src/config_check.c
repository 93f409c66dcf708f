/*
 * The checks that relate several directives, and what they imply.
 *
 * These are also the checks the modules make when the daemon starts or
 * reloads (the channels' constructors, the feed server, the store and the
 * feed directory), made here first so that ccwatch config-check and
 * ccwatchd -n refuse exactly what the daemon would, each error at its line
 * and all of them at once.  A new check in a module belongs here too.
 *
 * config_check_section runs when a [channel], [route] or [override]
 * section ends (what it must hold depends on its type, or on two of its
 * directives); config_cross_check runs once the whole file is read, over
 * the finished configuration: every check that needs more than one
 * directive, or a directive and the file around it (or the disk, with
 * CONFIG_DAEMON), belongs there.  Errors name the line of the directive or
 * section they are about, as the reader's do.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bzquery.h"
#include "caname.h"
#include "ccwatch.h"
#include "config.h"
#include "config_int.h"
#include "netaddr.h"
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

/* The line that set a plain section's directive, or 0 for its default. */
static int
config_line(const struct config_parse *p, const char *section, const char *name)
{
	int i = config_find_directive(section, name);

	return i == -1 ? 0 : p->seen[i];
}

/*
 * What each channel type reads: the directives it requires and those it
 * may take.  Any other directive in its section is an error, so that a
 * setting the channel would never read does not go unnoticed.
 */
static const struct config_channel_type {
	const char *type;
	const char *required[4];
	const char *optional[9];
} config_channel_types[] = {
    {"smtp", {"url", "from", "to", NULL},
	{"type", "require_starttls", "username", "password_file", "ca_file",
	    "timeout", "max_per_second", NULL}},
    {"slack", {"webhook_url_file", NULL, NULL, NULL},
	{"type", "private_data", "timeout", "max_per_second", NULL}},
    {"webhook", {"url", "secret_file", NULL, NULL},
	{"type", "timeout", "max_per_second", NULL}},
};

/* 1 if name is one of the NULL-terminated names of v (at most max). */
static int
config_name_in(const char *const *v, size_t max, const char *name)
{
	size_t i;

	for (i = 0; i < max && v[i] != NULL; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* The line where the current section set directive name, or 0. */
static int
config_seen(const struct config_parse *p, const char *name)
{
	int i = config_find_directive(p->sect->name, name);

	return i == -1 ? 0 : p->seen[i];
}

/*
 * Check an smtp channel's values as the mail sender will (notify_smtp.c):
 * the URL's scheme, no credentials in it, STARTTLS off only on loopback,
 * plain addresses.
 */
static void
config_check_smtp(struct config_parse *p, const struct config_channel *ch)
{
	char q[CONFIG_QUOTE_LEN], *host;
	const char *rest;
	size_t i;

	if (ch->url != NULL) {
		rest = ch->url + strcspn(ch->url, "/") + 2;
		if (strncasecmp(ch->url, "smtp://", 7) != 0 &&
		    strncasecmp(ch->url, "smtps://", 8) != 0)
			config_error(p, config_seen(p, "url"),
			    "url: \"%s\" is not smtp://HOST:PORT or "
			    "smtps://HOST:PORT",
			    config_quote(q, ch->url));
		else if (memchr(rest, '@', strcspn(rest, "/?#")) != NULL)
			config_error(p, config_seen(p, "url"),
			    "url: must not hold a user name or password (give "
			    "username and password_file)");
		else if (!ch->require_starttls &&
		    strncasecmp(ch->url, "smtp://", 7) == 0 &&
		    !netaddr_url_is_loopback(ch->url)) {
			host = netaddr_url_host(ch->url);
			config_error(p, config_seen(p, "require_starttls"),
			    "require_starttls: \"no\" is for a mail server on "
			    "this machine only, and %s is not: mail would go "
			    "in clear text (use smtps://, or require STARTTLS)",
			    config_quote(q, host));
			free(host);
		}
	}
	if (ch->from != NULL && !netaddr_mailbox_is_plain(ch->from))
		config_error(p, config_seen(p, "from"),
		    "from: \"%s\" is not a plain mail address",
		    config_quote(q, ch->from));
	for (i = 0; i < ch->to.n; i++)
		if (!netaddr_mailbox_is_plain(ch->to.v[i]))
			config_error(p, config_seen(p, "to"),
			    "to: \"%s\" is not a plain mail address",
			    config_quote(q, ch->to.v[i]));
}

/*
 * Check the URLs of the HTTP channels as the channels will
 * (notify_webhook.c, notify_slack.c): https://, or http:// to loopback.
 * A Slack URL is a secret, so only its file is named.
 */
static void
config_check_http_channel(
    struct config_parse *p, const struct config_channel *ch)
{
	char q[CONFIG_QUOTE_LEN];

	if (strcmp(ch->type, "webhook") == 0 && ch->url != NULL &&
	    !netaddr_url_is_allowed(ch->url))
		config_error(p, config_seen(p, "url"),
		    "url: \"%s\" must be https:// (http:// only to this "
		    "machine: localhost, 127.0.0.0/8, [::1])",
		    config_quote(q, ch->url));
	if (strcmp(ch->type, "slack") == 0 && ch->webhook_url != NULL &&
	    !netaddr_url_is_allowed(ch->webhook_url))
		config_error(p, config_seen(p, "webhook_url_file"),
		    "webhook_url_file: the URL in %s must be https:// "
		    "(http:// only to this machine)",
		    ch->webhook_url_file);
}

/*
 * Check a finished [channel "NAME"] section: its type, each directive its
 * type requires (one error each, at the header), each directive it would
 * not read (at that directive's line), and the values as its sender would.
 */
static void
config_check_channel(struct config_parse *p)
{
	const struct config_channel *ch = p->base;
	const struct config_channel_type *t = NULL;
	const struct config_directive *d;
	char q[CONFIG_QUOTE_LEN], what[96];
	size_t i;
	int line;

	line = config_seen(p, "timeout");
	snprintf(what, sizeof what, "[channel \"%s\"] timeout", ch->name);
	config_check_timeout(
	    p, line != 0 ? line : p->sect_line, what, ch->timeout);

	config_quote(q, ch->name);
	if (ch->type == NULL) {
		config_error(p, p->sect_line,
		    "[channel \"%s\"]: type is required (smtp, slack or "
		    "webhook)",
		    q);
		return;
	}
	for (i = 0; i < CCWATCH_NELEM(config_channel_types); i++)
		if (strcmp(config_channel_types[i].type, ch->type) == 0)
			t = &config_channel_types[i];
	if (t == NULL)
		return; /* the type's line has its error already */
	for (i = 0; i < CCWATCH_NELEM(t->required) && t->required[i] != NULL;
	     i++)
		if (config_seen(p, t->required[i]) == 0)
			config_error(p, p->sect_line,
			    "[channel \"%s\"]: %s is required for %s %s "
			    "channel",
			    q, t->required[i],
			    strcmp(t->type, "smtp") == 0 ? "an" : "a", t->type);
	for (i = 0; i < config_ndirectives; i++) {
		d = &config_directives[i];
		if (strcmp(d->section, "channel") != 0 || p->seen[i] == 0 ||
		    config_name_in(
			t->required, CCWATCH_NELEM(t->required), d->name) ||
		    config_name_in(
			t->optional, CCWATCH_NELEM(t->optional), d->name))
			continue;
		if (strcmp(d->name, "url") == 0 &&
		    strcmp(t->type, "slack") == 0)
			config_error(p, p->seen[i],
			    "url: a slack channel reads its URL, a secret, "
			    "from webhook_url_file");
		else
			config_error(p, p->seen[i],
			    "%s: not used by %s %s channel", d->name,
			    strcmp(t->type, "smtp") == 0 ? "an" : "a", t->type);
	}
	if (strcmp(t->type, "smtp") == 0)
		config_check_smtp(p, ch);
	else
		config_check_http_channel(p, ch);
}

/*
 * Check a finished [route "NAME"] section: it needs channels.  Their names
 * are checked once the whole file is read, since a channel may come after
 * its route; the route keeps the lines for that message.
 */
static void
config_check_route(struct config_parse *p)
{
	struct config_route *r = p->base;
	char q[CONFIG_QUOTE_LEN];

	r->line = p->sect_line;
	r->channels_line = config_seen(p, "channels");
	if (r->channels_line == 0)
		config_error(p, p->sect_line,
		    "[route \"%s\"]: channels is required",
		    config_quote(q, r->name));
}

/*
 * Check the section that just ended: a [channel "NAME"] holds what its type
 * needs, a [route "NAME"] its channels; an [override "LOGIN"] has its side,
 * and from before until.
 */
void
config_check_section(struct config_parse *p)
{
	const struct people_override *o = p->base;

	if (p->sect != NULL && strcmp(p->sect->name, "channel") == 0)
		config_check_channel(p);
	if (p->sect != NULL && strcmp(p->sect->name, "route") == 0)
		config_check_route(p);
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
	line = config_line(p, "daemon", "poll_interval");
	config_error(p, line, "poll_interval: at least %d seconds against %s",
	    CONFIG_BMO_MIN_INTERVAL, CONFIG_BMO_HOST);
}

/* Check that every route's channels are configured, at its channels line. */
static void
config_check_routes(struct config_parse *p)
{
	const struct config_alerts *c = &p->cfg->alerts;
	const struct config_route *r;
	char q[CONFIG_QUOTE_LEN];
	size_t i, j, k;

	for (i = 0; i < c->nroutes; i++) {
		r = &c->routes[i];
		if (r->program && r->cas.n > 0)
			config_error(p, r->line,
			    "[route \"%s\"]: waiting = program is the root "
			    "program's queue, never a CA's: it takes no ca",
			    r->name);
		for (j = 0; j < r->channels.n; j++) {
			for (k = 0; k < c->nchannels; k++)
				if (strcmp(c->channels[k].name,
					r->channels.v[j]) == 0)
					break;
			if (k == c->nchannels)
				config_error(p, r->channels_line,
				    "channels: no [channel \"%s\"] in this "
				    "file",
				    config_quote(q, r->channels.v[j]));
		}
	}
}

/*
 * [feed] listen outside loopback serves restricted data to the network:
 * the server refuses to start without a token (httpd.c), and so do we.
 */
static void
config_check_feed(struct config_parse *p)
{
	struct sockaddr_in6 sa;
	char *why = NULL;
	unsigned salen;
	int loopback = 1;

	if (p->cfg->feed_listen == NULL || p->cfg->feed_token_file != NULL)
		return;
	if (netaddr_parse_listen(
		p->cfg->feed_listen, &sa, &salen, &loopback, &why) == -1) {
		free(why); /* its line has the error already */
		return;
	}
	if (!loopback)
		config_error(p, config_line(p, "feed", "listen"),
		    "listen: %s is not a loopback address: set token_file, "
		    "the bearer token every request must then present",
		    p->cfg->feed_listen);
}

/* The directory part of path ("." for a bare name), allocated. */
static char *
config_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/*
 * The daemon opens the store for writing, creating it when missing, with
 * its -wal and -shm files beside it (store.c): check, as the user who
 * runs this, that the file and its directory allow that.
 */
static void
config_check_store(struct config_parse *p)
{
	const char *path = p->cfg->store_path, *what;
	char *dir;
	struct stat st;
	int line = config_line(p, "store", "path");

	if (strcmp(path, ":memory:") == 0)
		return;
	what = line == 0 ? "[store] path (the default)" : "path";
	dir = config_dirname(path);
	if (stat(dir, &st) == -1)
		config_error(p, line, "%s: %s: directory %s: %s", what, path,
		    dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		config_error(
		    p, line, "%s: %s: %s is not a directory", what, path, dir);
	else if (access(dir, W_OK | X_OK) == -1)
		config_error(p, line,
		    "%s: %s: cannot write into directory %s: %s", what, path,
		    dir, strerror(errno));
	else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		config_error(p, line, "%s: %s is a directory", what, path);
	else if (access(path, R_OK | W_OK) == -1 && errno != ENOENT)
		config_error(
		    p, line, "%s: %s: %s", what, path, strerror(errno));
	free(dir);
}

/*
 * The daemon writes the feed's files into [feed] directory after each
 * cycle: it must be a directory the user who runs this may write into.
 */
static void
config_check_feed_directory(struct config_parse *p)
{
	const char *dir = p->cfg->feed_directory;
	struct stat st;
	int line = config_line(p, "feed", "directory");

	if (dir == NULL)
		return;
	if (stat(dir, &st) == -1)
		config_error(
		    p, line, "directory: %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		config_error(p, line, "directory: %s is not a directory", dir);
	else if (access(dir, W_OK | X_OK) == -1)
		config_error(p, line, "directory: cannot write into %s: %s",
		    dir, strerror(errno));
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
	config_check_routes(p);
	config_check_feed(p);
	if (p->cfg->check_disk) {
		config_check_store(p);
		config_check_feed_directory(p);
	}
}
