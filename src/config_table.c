/*
 * The directive table: every section and every directive of the file with
 * its type, bounds, default and check, the checks that look at one
 * directive alone, the structs that [ca], [override], [route] and
 * [channel] sections fill, and the defaults and freeing that walk the
 * table.  A new directive is one row here, plus the example configuration
 * and ccwatch.conf(5).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "caname.h"
#include "ccwatch.h"
#include "config.h"
#include "config_int.h"
#include "log.h"
#include "netaddr.h"
#include "timeutil.h"
#include "xmalloc.h"
#include "zone.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

static int config_check_url(struct config *, void *, char **);
static int config_check_readable(struct config *, void *, char **);
static int config_check_secret(struct config *, void *, char **);
static int config_check_domains(struct config *, void *, char **);
static int config_check_listen(struct config *, void *, char **);
static int config_check_feed_token(struct config *, void *, char **);
static void *config_base_ca(struct config *, const char *, char **);
static int config_check_aliases(struct config *, void *, char **);
static void *config_base_override(struct config *, const char *, char **);
static void *config_base_route(struct config *, const char *, char **);
static void *config_base_channel(struct config *, const char *, char **);
static int config_check_ladder(struct config *, void *, char **);
static int config_check_kinds(struct config *, void *, char **);
static int config_check_states(struct config *, void *, char **);
static int config_check_quiet(struct config *, void *, char **);
static int config_check_digest_at(struct config *, void *, char **);
static int config_check_waiting(struct config *, void *, char **);
static int config_check_notify_met(struct config *, void *, char **);
static int config_check_timezone(struct config *, void *, char **);
static int config_check_date_zone(struct config *, void *, char **);
static int config_check_channel_type(struct config *, void *, char **);
static int config_check_channel_secret(struct config *, void *, char **);

const struct config_section config_sections[] = {
    {"bugzilla", 0, NULL},
    {"store", 0, NULL},
    {"daemon", 0, NULL},
    {"people", 0, NULL},
    {"ca", 1, config_base_ca},
    {"override", 1, config_base_override},
    {"policy", 0, NULL},
    {"alerts", 0, NULL},
    {"route", 1, config_base_route},
    {"channel", 1, config_base_channel},
    {"feed", 0, NULL},
};

const size_t config_nsections = CCWATCH_NELEM(config_sections);

#define CONFIG_OFF(f)  offsetof(struct config, f)
#define CONFIG_STR_(x) #x
#define CONFIG_STR(x)  CONFIG_STR_(x)
const struct config_directive config_directives[] = {
    {"bugzilla", "url", CONFIG_STRING, CONFIG_OFF(url), 0, 0,
	"https://bugzilla.mozilla.org", config_check_url},
    {"bugzilla", "api_key_file", CONFIG_PATH, CONFIG_OFF(api_key_file), 0, 0,
	NULL, config_check_secret},
    {"bugzilla", "products", CONFIG_LIST, CONFIG_OFF(products), 0, 0,
	"\"CA Program\", \"NSS\"", NULL},
    {"bugzilla", "components", CONFIG_LIST, CONFIG_OFF(components), 0, 0,
	"\"CA Certificate Compliance\"", NULL},
    {"bugzilla", "ca_file", CONFIG_PATH, CONFIG_OFF(ca_file), 0, 0, NULL,
	config_check_readable},
    {"bugzilla", "page_size", CONFIG_INT, CONFIG_OFF(page_size), 1,
	CCWATCH_MAX_SEARCH, "500", NULL},
    {"bugzilla", "timeout", CONFIG_INT, CONFIG_OFF(timeout), 1,
	CCWATCH_MAX_TIMEOUT, "60", NULL},
    {"bugzilla", "connect_timeout", CONFIG_INT, CONFIG_OFF(connect_timeout), 1,
	120, "10", NULL},
    {"bugzilla", "retries", CONFIG_INT, CONFIG_OFF(retries), 0, 10, "4", NULL},
    {"bugzilla", "max_clock_skew", CONFIG_INT, CONFIG_OFF(max_clock_skew), 60,
	7LL * 86400, "3600", NULL},
    {"store", "path", CONFIG_PATH, CONFIG_OFF(store_path), 0, 0,
	LOCALSTATEDIR "/lib/ccwatch/ccwatch.db", NULL},
    {"store", "shared_group", CONFIG_BOOL, CONFIG_OFF(store_shared_group), 0, 0,
	"no", NULL},
    {"store", "reserve_kib", CONFIG_INT, CONFIG_OFF(store_reserve_kib), 0,
	CCWATCH_MAX_RESERVE_KIB, "1024", NULL},
    {"daemon", "poll_interval", CONFIG_INT, CONFIG_OFF(poll_interval), 1, 86400,
	"600", NULL},
    {"daemon", "poll_jitter", CONFIG_INT, CONFIG_OFF(poll_jitter), 0, 50, "10",
	NULL},
    {"daemon", "backoff_max", CONFIG_INT, CONFIG_OFF(backoff_max), 60, 86400,
	"3600", NULL},
    {"daemon", "full_every", CONFIG_INT, CONFIG_OFF(full_every), 3600,
	7LL * 86400, "86400", NULL},
    {"daemon", "backfill", CONFIG_BOOL, CONFIG_OFF(backfill), 0, 0, "no", NULL},
    {"daemon", "backfill_pause", CONFIG_INT, CONFIG_OFF(backfill_pause), 0,
	60000, "1000", NULL},
    {"people", "program_domains", CONFIG_LIST,
	CONFIG_OFF(people.program_domains), 0, 0, NULL, config_check_domains},
    {"people", "extra_program_domains", CONFIG_LIST,
	CONFIG_OFF(extra_program_domains), 0, 0, NULL, config_check_domains},
    {"people", "program_accounts", CONFIG_LIST,
	CONFIG_OFF(people.program_accounts), 0, 0, NULL, NULL},
    {"people", "bot_accounts", CONFIG_LIST, CONFIG_OFF(people.bot_accounts), 0,
	0, NULL, NULL},
    {"people", "extra_bot_accounts", CONFIG_LIST,
	CONFIG_OFF(extra_bot_accounts), 0, 0, NULL, NULL},
    {"people", "bot_suffixes", CONFIG_LIST, CONFIG_OFF(people.bot_suffixes), 0,
	0, NULL, NULL},
    {"people", "public_domains", CONFIG_LIST, CONFIG_OFF(people.public_domains),
	0, 0, NULL, config_check_domains},
    {"people", "extra_public_domains", CONFIG_LIST,
	CONFIG_OFF(extra_public_domains), 0, 0, NULL, config_check_domains},
    {"people", "self", CONFIG_STRING, CONFIG_OFF(people.self), 0, 0, NULL,
	NULL},
    {"ca", "aliases", CONFIG_LIST, offsetof(struct people_ca, aliases), 0, 0,
	NULL, config_check_aliases},
    {"ca", "domains", CONFIG_LIST, offsetof(struct people_ca, domains), 0, 0,
	NULL, config_check_domains},
    {"ca", "accounts", CONFIG_LIST, offsetof(struct people_ca, accounts), 0, 0,
	NULL, NULL},
    {"override", "side", CONFIG_SIDE, offsetof(struct people_override, side), 0,
	0, NULL, NULL},
    {"override", "bug", CONFIG_ID, offsetof(struct people_override, bug_id), 1,
	INT64_MAX, NULL, NULL},
    {"override", "ca", CONFIG_STRING, offsetof(struct people_override, ca), 0,
	0, NULL, NULL},
    {"override", "from", CONFIG_TIME, offsetof(struct people_override, from), 0,
	0, NULL, NULL},
    {"override", "until", CONFIG_TIME, offsetof(struct people_override, until),
	0, 0, NULL, NULL},
    {"policy", "pin", CONFIG_PIN, CONFIG_OFF(policy.pin), 0, 0, "auto", NULL},
    {"policy", "warn_window", CONFIG_INT, CONFIG_OFF(warn_window_hours), 0,
	24LL * 30, "48", NULL},
    {"policy", "date_zone", CONFIG_STRING, CONFIG_OFF(date_zone), 0, 0, "UTC",
	config_check_date_zone},
    {"policy", "date_zone_offset", CONFIG_STRING, CONFIG_OFF(date_zone), 0, 0,
	NULL, config_check_date_zone},
    {"policy", "base_url", CONFIG_STRING, CONFIG_OFF(policy_base_url), 0, 0,
	NULL, config_check_url},
    {"policy", "stale_after", CONFIG_INT, CONFIG_OFF(stale_after), 60,
	30LL * 86400, NULL, NULL},
    {"policy", "program_wait", CONFIG_DURATION, CONFIG_OFF(program_wait), 3600,
	365LL * 86400, "7d", NULL},
    {"alerts", "dry_run", CONFIG_BOOL, CONFIG_OFF(alerts.dry_run), 0, 0, "no",
	NULL},
    {"alerts", "check_failures", CONFIG_INT, CONFIG_OFF(alerts.check_failures),
	0, 1000000, "1", NULL},
    {"alerts", "check_dead_letters", CONFIG_INT, CONFIG_OFF(alerts.check_dead),
	0, 1000000, "1", NULL},
    {"alerts", "max_per_cycle", CONFIG_INT, CONFIG_OFF(alerts.max_per_cycle), 0,
	100000, "20", NULL},
    {"alerts", "max_age", CONFIG_DURATION, CONFIG_OFF(alerts.max_age), 60,
	365LL * 86400, "7d", NULL},
    {"alerts", "retry_base", CONFIG_DURATION, CONFIG_OFF(alerts.backoff_base),
	1, 86400, "60", NULL},
    {"alerts", "retry_max", CONFIG_DURATION, CONFIG_OFF(alerts.backoff_max), 1,
	7LL * 86400, "1h", NULL},
    {"alerts", "escalation", CONFIG_STRING, CONFIG_OFF(alerts.escalation), 0, 0,
	"0h:1", config_check_ladder},
#define CONFIG_ROUTE(f) offsetof(struct config_route, f)
    {"route", "ca", CONFIG_LIST, CONFIG_ROUTE(cas), 0, 0, NULL, NULL},
    {"route", "clock", CONFIG_LIST, CONFIG_ROUTE(clocks), 0, 0, NULL,
	config_check_kinds},
    {"route", "state", CONFIG_LIST, CONFIG_ROUTE(states), 0, 0, NULL,
	config_check_states},
    {"route", "level", CONFIG_INT, CONFIG_ROUTE(min_level), 0, 99, "0", NULL},
    {"route", "channels", CONFIG_LIST, CONFIG_ROUTE(channels), 0, 0, NULL,
	NULL},
    {"route", "quiet_hours", CONFIG_STRING, CONFIG_ROUTE(quiet_hours), 0, 0,
	NULL, config_check_quiet},
    {"route", "timezone", CONFIG_STRING, CONFIG_ROUTE(timezone), 0, 0, NULL,
	config_check_timezone},
    {"route", "digest_at", CONFIG_STRING, CONFIG_ROUTE(digest_at), 0, 0, NULL,
	config_check_digest_at},
    {"route", "repeat", CONFIG_DURATION, CONFIG_ROUTE(repeat), 0, 365LL * 86400,
	NULL, NULL},
    {"route", "private_data", CONFIG_BOOL, CONFIG_ROUTE(private_data), 0, 0,
	"no", NULL},
    {"route", "waiting", CONFIG_STRING, CONFIG_ROUTE(waiting), 0, 0, "ca",
	config_check_waiting},
    {"route", "notify_met", CONFIG_STRING, CONFIG_ROUTE(notify_met), 0, 0,
	"after-overdue", config_check_notify_met},
#define CONFIG_CHANNEL(f) offsetof(struct config_channel, f)
    {"channel", "type", CONFIG_STRING, CONFIG_CHANNEL(type), 0, 0, NULL,
	config_check_channel_type},
    {"channel", "url", CONFIG_STRING, CONFIG_CHANNEL(url), 0, 0, NULL, NULL},
    {"channel", "from", CONFIG_STRING, CONFIG_CHANNEL(from), 0, 0, NULL, NULL},
    {"channel", "to", CONFIG_LIST, CONFIG_CHANNEL(to), 0, 0, NULL, NULL},
    {"channel", "require_starttls", CONFIG_BOOL,
	CONFIG_CHANNEL(require_starttls), 0, 0, "yes", NULL},
    {"channel", "username", CONFIG_STRING, CONFIG_CHANNEL(username), 0, 0, NULL,
	NULL},
    {"channel", "password_file", CONFIG_PATH, CONFIG_CHANNEL(password_file), 0,
	0, NULL, config_check_channel_secret},
    {"channel", "ca_file", CONFIG_PATH, CONFIG_CHANNEL(ca_file), 0, 0, NULL,
	config_check_readable},
    {"channel", "webhook_url_file", CONFIG_PATH,
	CONFIG_CHANNEL(webhook_url_file), 0, 0, NULL,
	config_check_channel_secret},
    {"channel", "secret_file", CONFIG_PATH, CONFIG_CHANNEL(secret_file), 0, 0,
	NULL, config_check_channel_secret},
    {"channel", "private_data", CONFIG_BOOL, CONFIG_CHANNEL(private_data), 0, 0,
	"no", NULL},
    {"channel", "timeout", CONFIG_INT, CONFIG_CHANNEL(timeout), 1,
	CCWATCH_MAX_TIMEOUT, CONFIG_STR(CCWATCH_CHANNEL_TIMEOUT), NULL},
    {"channel", "max_per_second", CONFIG_INT, CONFIG_CHANNEL(max_per_second), 0,
	10000, "10", NULL},
    {"feed", "listen", CONFIG_STRING, CONFIG_OFF(feed_listen), 0, 0, NULL,
	config_check_listen},
    {"feed", "token_file", CONFIG_PATH, CONFIG_OFF(feed_token_file), 0, 0, NULL,
	config_check_feed_token},
    {"feed", "directory", CONFIG_PATH, CONFIG_OFF(feed_directory), 0, 0, NULL,
	NULL},
    {"feed", "include_restricted", CONFIG_BOOL,
	CONFIG_OFF(feed_include_restricted), 0, 0, "no", NULL},
    {"feed", "ics_ca", CONFIG_STRING, CONFIG_OFF(feed_ics_ca), 0, 0, NULL,
	NULL},
    {"feed", "connections", CONFIG_INT, CONFIG_OFF(feed_connections), 1, 1024,
	"64", NULL},
    {"feed", "timeout", CONFIG_INT, CONFIG_OFF(feed_timeout), 1, 300, "15",
	NULL},
    {"feed", "public_url", CONFIG_STRING, CONFIG_OFF(alerts.public_url), 0, 0,
	NULL, NULL},
};
const size_t config_ndirectives = CCWATCH_NELEM(config_directives);
_Static_assert(CCWATCH_NELEM(config_directives) <= CONFIG_MAX_DIRECTIVES,
    "CONFIG_MAX_DIRECTIVES is too small for the table");

/* Parse a value and run the directive's check; errors name the directive. */
int
config_set(struct config *cfg, const struct config_directive *d, void *base,
    const char *value, int first, char **cause)
{
	void *field = (char *)base + d->offset;
	char *why = NULL;

	if (config_parse_value(d, field, value, first, &why) == -1 ||
	    (d->check != NULL && d->check(cfg, field, &why) == -1)) {
		xasprintf(cause, "%s: %s", d->name, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Check the Bugzilla base URL and drop its trailing slashes. */
static int
config_check_url(struct config *cfg, void *field, char **cause)
{
	char *url = *(char **)field, *scheme = NULL, *host = NULL;
	char *part = NULL;
	CURLU *u;
	CURLUcode uc;
	size_t len;
	int rc = -1;

	u = curl_url();
	if (u == NULL)
		fatalx("curl_url: out of memory");
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		xasprintf(cause, "not a URL: %s", curl_url_strerror(uc));
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK) {
		xasprintf(cause, "must not hold a user name or password");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		xasprintf(cause, "must not have a query or fragment");
		goto out;
	}
	if (scheme == NULL || host == NULL ||
	    (strcmp(scheme, "https") != 0 &&
		(strcmp(scheme, "http") != 0 ||
		    !netaddr_host_is_loopback(host)))) {
		xasprintf(
		    cause, "must be https:// (http:// only to localhost)");
		goto out;
	}
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	if (len >= 5 && strcmp(url + len - 5, "/rest") == 0) {
		xasprintf(cause, "give the base URL, without /rest");
		goto out;
	}
	rc = 0;
out:
	curl_free(part);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* Check that a file named in the configuration can be read. */
static int
config_check_readable(struct config *cfg, void *field, char **cause)
{
	const char *path = *(char **)field;
	struct stat st;

	if (stat(path, &st) == -1 || access(path, R_OK) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		return -1;
	}
	return 0;
}

/* Read the API key now, so that a bad key file is a configuration error. */
static int
config_check_secret(struct config *cfg, void *field, char **cause)
{
	if (cfg->skip_secrets)
		return 0;
	xfree_secret(cfg->api_key);
	cfg->api_key = NULL;
	return config_read_secret(*(char **)field, &cfg->api_key, cause);
}

/*
 * [feed] listen: a numeric HOST:PORT, or a bare port for 127.0.0.1:PORT
 * (rewritten so).  Whether a public address has its token is checked when
 * the server starts, since token_file may come later in the file.
 */
static int
config_check_listen(struct config *cfg, void *field, char **cause)
{
	struct sockaddr_in6 sa;
	char **v = field, *full;
	unsigned salen;
	int loopback;

	(void)cfg;
	if (strspn(*v, "0123456789") == strlen(*v)) {
		xasprintf(&full, "127.0.0.1:%s", *v);
		free(*v);
		*v = full;
	}
	return netaddr_parse_listen(*v, &sa, &salen, &loopback, cause);
}

/* [feed] token_file: read the bearer token the HTTP server requires. */
static int
config_check_feed_token(struct config *cfg, void *field, char **cause)
{
	if (cfg->skip_secrets)
		return 0;
	xfree_secret(cfg->feed_token);
	cfg->feed_token = NULL;
	return config_read_secret(*(char **)field, &cfg->feed_token, cause);
}

/* Check that a list of domains holds bare domain names. */
static int
config_check_domains(struct config *cfg, void *field, char **cause)
{
	const struct strlist *l = field;
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strchr(l->v[i], '@') != NULL ||
		    strpbrk(l->v[i], " \t/") != NULL) {
			xasprintf(cause, "\"%s\" is not a domain name",
			    config_quote(q, l->v[i]));
			return -1;
		}
	}
	return 0;
}

/* Check a CA's aliases: each must name something (a letter or digit). */
static int
config_check_aliases(struct config *cfg, void *field, char **cause)
{
	const struct strlist *l = field;
	char q[CONFIG_QUOTE_LEN], key[CANAME_KEY_LEN];
	size_t i;

	(void)cfg;
	for (i = 0; i < l->n; i++) {
		if (*caname_key_into(l->v[i], key, sizeof key) == '\0') {
			xasprintf(cause, "\"%s\" names no CA",
			    config_quote(q, l->v[i]));
			return -1;
		}
	}
	return 0;
}

/*
 * [ca "NAME"]: a new configured CA, named once: two names with one CA key
 * ("NetLock", "NETLOCK Kft.") are the same CA.
 */
static void *
config_base_ca(struct config *cfg, const char *name, char **cause)
{
	char q[CONFIG_QUOTE_LEN], key[CANAME_KEY_LEN], other[CANAME_KEY_LEN];
	size_t i;

	if (*caname_key_into(name, key, sizeof key) == '\0') {
		xasprintf(
		    cause, "[ca \"%s\"] names no CA", config_quote(q, name));
		return NULL;
	}
	for (i = 0; i < cfg->people.ncas; i++) {
		if (strcmp(caname_key_into(
			       cfg->people.cas[i].name, other, sizeof other),
			key) == 0) {
			xasprintf(cause, "[ca \"%s\"] given twice",
			    config_quote(q, name));
			return NULL;
		}
	}
	return people_add_ca(&cfg->people, name);
}

/* [override "LOGIN"]: a new override; its side is required. */
static void *
config_base_override(struct config *cfg, const char *login, char **cause)
{
	struct people *p = &cfg->people;

	people_add_override(p, login, 0, SIDE_COMMUNITY, NULL, 0, 0);
	return &p->overrides[p->noverrides - 1];
}

/* [route "NAME"]: a new route, named once. */
static void *
config_base_route(struct config *cfg, const char *name, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < cfg->alerts.nroutes; i++) {
		if (strcmp(cfg->alerts.routes[i].name, name) == 0) {
			xasprintf(cause, "[route \"%s\"] given twice",
			    config_quote(q, name));
			return NULL;
		}
	}
	return config_add_route(&cfg->alerts, name);
}

/* [channel "NAME"]: a new channel, named once. */
static void *
config_base_channel(struct config *cfg, const char *name, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < cfg->alerts.nchannels; i++) {
		if (strcmp(cfg->alerts.channels[i].name, name) == 0) {
			xasprintf(cause, "[channel \"%s\"] given twice",
			    config_quote(q, name));
			return NULL;
		}
	}
	return config_add_channel(&cfg->alerts, name);
}

/* Parse the escalation ladder into the alerts configuration. */
static int
config_check_ladder(struct config *cfg, void *field, char **cause)
{
	return config_parse_ladder(
	    *(char **)field, cfg->alerts.ladder, &cfg->alerts.nladder, cause);
}

/* Check that a list holds clock kind names. */
static int
config_check_kinds(struct config *cfg, void *field, char **cause)
{
	const struct strlist *l = field;
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!config_valid_kind(l->v[i])) {
			xasprintf(cause,
			    "\"%s\" is not initial-report, full-report, "
			    "response, update, revocation-update, "
			    "action-item, closure-requested, close-on-passed "
			    "or program-needinfo",
			    config_quote(q, l->v[i]));
			return -1;
		}
	}
	return 0;
}

/* Check that a list holds the states alerts are made for. */
static int
config_check_states(struct config *cfg, void *field, char **cause)
{
	const struct strlist *l = field;
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], "due-soon") != 0 &&
		    strcmp(l->v[i], "overdue") != 0 &&
		    strcmp(l->v[i], "met") != 0) {
			xasprintf(cause,
			    "\"%s\" is not due-soon, overdue or met",
			    config_quote(q, l->v[i]));
			return -1;
		}
	}
	return 0;
}

/* Parse quiet_hours into the route's minutes. */
static int
config_check_quiet(struct config *cfg, void *field, char **cause)
{
	struct config_route *r = (struct config_route *)((char *)field -
	    offsetof(struct config_route, quiet_hours));

	return timeutil_parse_window(
	    *(char **)field, &r->quiet_start, &r->quiet_end, cause);
}

/* Parse digest_at into the route's minutes. */
static int
config_check_digest_at(struct config *cfg, void *field, char **cause)
{
	struct config_route *r = (struct config_route *)((char *)field -
	    offsetof(struct config_route, digest_at));

	return timeutil_parse_clock_time(
	    *(char **)field, &r->digest_min, cause);
}

/*
 * Read waiting: "ca" (the CA's clocks, the default) or "program" (what
 * the root program owes: oversight's own queue).
 */
static int
config_check_waiting(struct config *cfg, void *field, char **cause)
{
	struct config_route *r = (struct config_route *)((char *)field -
	    offsetof(struct config_route, waiting));
	const char *v = *(char **)field;
	char q[CONFIG_QUOTE_LEN];

	(void)cfg;
	if (strcmp(v, "ca") != 0 && strcmp(v, "program") != 0) {
		xasprintf(
		    cause, "\"%s\" is not ca or program", config_quote(q, v));
		return -1;
	}
	r->program = strcmp(v, "program") == 0;
	return 0;
}

/* [route] notify_met: always, after-overdue or never. */
static int
config_check_notify_met(struct config *cfg, void *field, char **cause)
{
	struct config_route *r = (struct config_route *)((char *)field -
	    offsetof(struct config_route, notify_met));
	const char *v = *(char **)field;
	char q[CONFIG_QUOTE_LEN];

	(void)cfg;
	if (strcmp(v, "always") == 0)
		r->met = CONFIG_MET_ALWAYS;
	else if (strcmp(v, "after-overdue") == 0)
		r->met = CONFIG_MET_AFTER_OVERDUE;
	else if (strcmp(v, "never") == 0)
		r->met = CONFIG_MET_NEVER;
	else {
		xasprintf(cause, "\"%s\" is not always, after-overdue or never",
		    config_quote(q, v));
		return -1;
	}
	return 0;
}

/* Check a route's time zone. */
static int
config_check_timezone(struct config *cfg, void *field, char **cause)
{
	return timeutil_check_timezone(*(char **)field, cause);
}

/*
 * Load the zone of date-only deadlines (an IANA name or a fixed offset) and
 * keep it in the configuration; the later of date_zone and its older name
 * date_zone_offset wins.
 */
static int
config_check_date_zone(struct config *cfg, void *field, char **cause)
{
	struct zone *z;

	z = zone_load(*(char **)field, cause);
	if (z == NULL)
		return -1;
	zone_free(cfg->date_zone_loaded);
	cfg->date_zone_loaded = z;
	return 0;
}

/* Check a channel's type. */
static int
config_check_channel_type(struct config *cfg, void *field, char **cause)
{
	const char *t = *(char **)field;
	char q[CONFIG_QUOTE_LEN];

	if (strcmp(t, "smtp") == 0 || strcmp(t, "slack") == 0 ||
	    strcmp(t, "webhook") == 0)
		return 0;
	xasprintf(
	    cause, "\"%s\" is not smtp, slack or webhook", config_quote(q, t));
	return -1;
}

/* Read a channel's secret file into the field that holds the secret. */
static int
config_check_channel_secret(struct config *cfg, void *field, char **cause)
{
	struct config_channel *ch;
	char **secret;
	size_t i;

	for (i = 0; i < cfg->alerts.nchannels; i++) {
		ch = &cfg->alerts.channels[i];
		if (field == &ch->password_file)
			secret = &ch->password;
		else if (field == &ch->webhook_url_file)
			secret = &ch->webhook_url;
		else if (field == &ch->secret_file)
			secret = &ch->secret;
		else
			continue;
		if (cfg->skip_secrets)
			return 0;
		xfree_secret(*secret);
		*secret = NULL;
		return config_read_secret(*(char **)field, secret, cause);
	}
	fatalx("config: a secret outside any channel");
}

/* Find a section by name, or NULL. */
const struct config_section *
config_find_section(const char *name)
{
	size_t i;

	for (i = 0; i < config_nsections; i++) {
		if (strcmp(config_sections[i].name, name) == 0)
			return &config_sections[i];
	}
	return NULL;
}

/* Find the row of name in section, or -1. */
int
config_find_directive(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < config_ndirectives; i++) {
		if (strcmp(config_directives[i].section, section) == 0 &&
		    strcmp(config_directives[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* The defaults before config_finish: POLICY.md's people, the table's. */
struct config *
config_new(void)
{
	const struct config_directive *d;
	struct config *cfg;
	char *cause;
	size_t i;

	cfg = xcalloc(1, sizeof *cfg);
	people_defaults(&cfg->people);
	policy_options_defaults(&cfg->policy);
	config_alerts_init(&cfg->alerts);
	for (i = 0; i < config_ndirectives; i++) {
		d = &config_directives[i];
		if (d->dflt == NULL ||
		    config_find_section(d->section)->base != NULL)
			continue; /* a subsection's, set when one starts */
		if (config_set(cfg, d, cfg, d->dflt, 1, &cause) == -1)
			fatalx("config: default of %s: %s", d->name, cause);
	}
	return cfg;
}

/* Free a configuration and zero its secret. */
void
config_free(struct config *cfg)
{
	const struct config_directive *d;
	void *field;
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < config_ndirectives; i++) {
		d = &config_directives[i];
		if (config_find_section(d->section)->base != NULL)
			continue; /* people_free frees the subsections */
		field = (char *)cfg + d->offset;
		if (d->type == CONFIG_STRING || d->type == CONFIG_PATH) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (d->type == CONFIG_LIST)
			strlist_free(field);
	}
	people_free(&cfg->people);
	config_alerts_free(&cfg->alerts);
	zone_free(cfg->date_zone_loaded);
	xfree_secret(cfg->api_key);
	xfree_secret(cfg->feed_token);
	free(cfg->path);
	free(cfg);
}

/* Set the defaults of [alerts]. */
void
config_alerts_init(struct config_alerts *c)
{
	memset(c, 0, sizeof *c);
	c->max_per_cycle = 20;
	c->check_failures = 1;
	c->check_dead = 1;
	c->max_age = 7LL * 86400;
	c->backoff_base = 60;
	c->backoff_max = 3600;
	c->ladder[0].after = 0;
	c->ladder[0].level = 1;
	c->nladder = 1;
}

/* Free one route. */
static void
config_route_free(struct config_route *r)
{
	free(r->name);
	strlist_free(&r->cas);
	strlist_free(&r->clocks);
	strlist_free(&r->states);
	strlist_free(&r->channels);
	free(r->quiet_hours);
	free(r->timezone);
	free(r->digest_at);
	free(r->waiting);
	free(r->notify_met);
}

/* Free one channel, zeroing its secrets. */
static void
config_channel_free(struct config_channel *ch)
{
	free(ch->name);
	free(ch->type);
	free(ch->url);
	free(ch->from);
	strlist_free(&ch->to);
	free(ch->username);
	free(ch->password_file);
	xfree_secret(ch->password);
	free(ch->ca_file);
	free(ch->webhook_url_file);
	xfree_secret(ch->webhook_url);
	free(ch->secret_file);
	xfree_secret(ch->secret);
}

/* Free the routes and channels of a configuration. */
void
config_alerts_free(struct config_alerts *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nroutes; i++)
		config_route_free(&c->routes[i]);
	for (i = 0; i < c->nchannels; i++)
		config_channel_free(&c->channels[i]);
	free(c->routes);
	free(c->channels);
	free(c->escalation);
	free(c->public_url);
	config_alerts_init(c);
}

/*
 * Set the defaults of a subsection's directives in base, a new element:
 * the table's values, as config_new sets those of the plain sections.
 */
static void
config_section_defaults(const char *section, void *base)
{
	const struct config_directive *d;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < config_ndirectives; i++) {
		d = &config_directives[i];
		if (d->dflt == NULL || strcmp(d->section, section) != 0)
			continue;
		if (config_parse_value(
			d, (char *)base + d->offset, d->dflt, 1, &cause) == -1)
			fatalx("config: default of %s: %s", d->name, cause);
	}
}

/* Read directive i of the table; see config.h. */
int
config_directive_at(size_t i, const char **section, const char **name,
    const char **dflt, const char **alias_of)
{
	const struct config_directive *d;
	size_t j;

	if (i >= config_ndirectives)
		return -1;
	d = &config_directives[i];
	*section = d->section;
	*name = d->name;
	*dflt = d->dflt;
	*alias_of = NULL;
	for (j = 0; j < i; j++)
		if (strcmp(config_directives[j].section, d->section) == 0 &&
		    config_directives[j].offset == d->offset)
			*alias_of = config_directives[j].name;
	return 0;
}

/* Append a route with no quiet hours and no digest. */
struct config_route *
config_add_route(struct config_alerts *c, const char *name)
{
	struct config_route *r;

	c->routes = xreallocarray(c->routes, c->nroutes + 1, sizeof *r);
	r = &c->routes[c->nroutes++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	r->quiet_start = r->quiet_end = -1;
	r->digest_min = -1;
	config_section_defaults("route", r);
	return r;
}

/* Append a channel with the table's defaults (STARTTLS required). */
struct config_channel *
config_add_channel(struct config_alerts *c, const char *name)
{
	struct config_channel *ch;

	c->channels = xreallocarray(c->channels, c->nchannels + 1, sizeof *ch);
	ch = &c->channels[c->nchannels++];
	memset(ch, 0, sizeof *ch);
	ch->name = xstrdup(name);
	config_section_defaults("channel", ch);
	return ch;
}

/*
 * 1 if kind names a clock (for [route] clock and ccwatch --clock), or
 * what the root program owes (routes with waiting = program).
 */
int
config_valid_kind(const char *kind)
{
	int k;

	for (k = CLOCK_INITIAL_REPORT; k < POLICY_NKINDS; k++)
		if (strcmp(kind, policy_clock_kind_name(k)) == 0)
			return 1;
	for (k = WAITING_CLOSURE; k <= WAITING_NEEDINFO; k++)
		if (strcmp(kind, policy_waiting_kind_name(k)) == 0)
			return 1;
	return 0;
}
