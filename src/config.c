/*
 * The configuration file.  libinih splits the INI into section, name and
 * value and joins continuation lines; every name goes through one row of
 * config_directives, which holds its type, bounds, default and check.
 *
 * libinih (Debian's build) neither passes line numbers to the handler nor
 * reports more than the first syntax error, and it cuts lines longer than
 * its buffer into pieces.  So we feed it through our own reader: the reader
 * counts lines, rejects the long ones and the malformed ones itself (giving
 * libinih a harmless placeholder instead, so that the lines after them are
 * still checked), and parses section headers, including the quoted
 * subsection names of [ca "NAME"].
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "ccwatch.h"
#include "config.h"
#include "httpd.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"
#include "zone.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

/* Longest line accepted: libinih's buffer must hold it plus "\r\n\0". */
#define CONFIG_MAX_LINE 190
#if INI_MAX_LINE < CONFIG_MAX_LINE + 3
#error "libinih's line buffer is shorter than CONFIG_MAX_LINE"
#endif
/* Room for every error message of one file. */
#define CONFIG_MAX_ERRORS ((size_t)64 * 1024)
/* Largest secret file accepted. */
#define CONFIG_MAX_SECRET 4096
/* Longest value quoted back in an error message. */
#define CONFIG_QUOTE_LEN 64
/* Given to libinih in place of a rejected line; never a real directive. */
#define CONFIG_PLACEHOLDER "\x7f=\n"

enum config_type {
	CONFIG_STRING,  /* char *, non-empty */
	CONFIG_PATH,    /* char *, a file name */
	CONFIG_INT,     /* long long in [min, max] */
	CONFIG_BOOL,    /* int, "yes" or "no" */
	CONFIG_LIST,    /* struct strlist, "a", "b" or a, b; continues */
	CONFIG_ID,      /* int64_t in [min, max] */
	CONFIG_TIME,    /* time_t, an ISO 8601 UTC time or date */
	CONFIG_SIDE,    /* enum side: ca, program, community or bot */
	CONFIG_PIN,     /* int: auto or a policy version name */
	CONFIG_DURATION /* long long seconds: 3600, 90m, 24h, 7d */
};

/* Validates, and may rewrite, a field once its value is parsed. */
typedef int (*config_check_cb)(struct config *, void *field, char **cause);

struct config_directive {
	const char *section;
	const char *name;
	enum config_type type;
	size_t offset; /* into the section's base struct */
	long long min;
	long long max;
	const char *dflt;      /* written as in a file; NULL: none */
	config_check_cb check; /* NULL: the type's rules only */
};

/*
 * Finds the struct that a section's directives write into: the config
 * itself for plain sections, a new element for [ca "NAME"]-style ones.
 */
typedef void *(*config_base_cb)(
    struct config *, const char *subname, char **cause);

struct config_section {
	const char *name;
	int subname;         /* 1: [name "SUBNAME"], 0: [name] */
	config_base_cb base; /* NULL: the struct config */
};

static int config_check_url(struct config *, void *, char **);
static int config_check_readable(struct config *, void *, char **);
static int config_check_secret(struct config *, void *, char **);
static int config_check_domains(struct config *, void *, char **);
static int config_check_listen(struct config *, void *, char **);
static int config_check_feed_token(struct config *, void *, char **);
static void *config_base_ca(struct config *, const char *, char **);
static void *config_base_override(struct config *, const char *, char **);
static void *config_base_route(struct config *, const char *, char **);
static void *config_base_channel(struct config *, const char *, char **);
static int config_check_ladder(struct config *, void *, char **);
static int config_check_kinds(struct config *, void *, char **);
static int config_check_states(struct config *, void *, char **);
static int config_check_quiet(struct config *, void *, char **);
static int config_check_digest_at(struct config *, void *, char **);
static int config_check_timezone(struct config *, void *, char **);
static int config_check_date_zone(struct config *, void *, char **);
static int config_check_channel_type(struct config *, void *, char **);
static int config_check_channel_secret(struct config *, void *, char **);

static const struct config_section config_sections[] = {
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

#define CONFIG_OFF(f)           offsetof(struct config, f)
#define CONFIG_BMO_HOST         "bugzilla.mozilla.org"
#define CONFIG_BMO_MIN_INTERVAL 300
static const struct config_directive config_directives[] = {
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
    {"bugzilla", "timeout", CONFIG_INT, CONFIG_OFF(timeout), 1, 600, "60",
	NULL},
    {"bugzilla", "connect_timeout", CONFIG_INT, CONFIG_OFF(connect_timeout), 1,
	120, "10", NULL},
    {"bugzilla", "retries", CONFIG_INT, CONFIG_OFF(retries), 0, 10, "4", NULL},
    {"store", "path", CONFIG_PATH, CONFIG_OFF(store_path), 0, 0,
	LOCALSTATEDIR "/lib/ccwatch/ccwatch.db", NULL},
    {"daemon", "poll_interval", CONFIG_INT, CONFIG_OFF(poll_interval), 1, 86400,
	"600", NULL},
    {"daemon", "poll_jitter", CONFIG_INT, CONFIG_OFF(poll_jitter), 0, 50, "10",
	NULL},
    {"daemon", "backoff_max", CONFIG_INT, CONFIG_OFF(backoff_max), 60, 86400,
	"3600", NULL},
    {"daemon", "full_every", CONFIG_INT, CONFIG_OFF(full_every), 3600,
	7LL * 86400, "86400", NULL},
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
    {"alerts", "dry_run", CONFIG_BOOL, CONFIG_OFF(alerts.dry_run), 0, 0, "no",
	NULL},
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
#define CONFIG_ROUTE(f) offsetof(struct alerts_route, f)
    {"route", "ca", CONFIG_LIST, CONFIG_ROUTE(cas), 0, 0, NULL, NULL},
    {"route", "clock", CONFIG_LIST, CONFIG_ROUTE(clocks), 0, 0, NULL,
	config_check_kinds},
    {"route", "state", CONFIG_LIST, CONFIG_ROUTE(states), 0, 0, NULL,
	config_check_states},
    {"route", "level", CONFIG_INT, CONFIG_ROUTE(min_level), 0, 99, NULL, NULL},
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
	NULL, NULL},
#define CONFIG_CHANNEL(f) offsetof(struct alerts_channel, f)
    {"channel", "type", CONFIG_STRING, CONFIG_CHANNEL(type), 0, 0, NULL,
	config_check_channel_type},
    {"channel", "url", CONFIG_STRING, CONFIG_CHANNEL(url), 0, 0, NULL, NULL},
    {"channel", "from", CONFIG_STRING, CONFIG_CHANNEL(from), 0, 0, NULL, NULL},
    {"channel", "to", CONFIG_LIST, CONFIG_CHANNEL(to), 0, 0, NULL, NULL},
    {"channel", "require_starttls", CONFIG_BOOL,
	CONFIG_CHANNEL(require_starttls), 0, 0, NULL, NULL},
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
	NULL, NULL},
    {"channel", "timeout", CONFIG_INT, CONFIG_CHANNEL(timeout), 1, 600, NULL,
	NULL},
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
    {"feed", "cache_ttl", CONFIG_INT, CONFIG_OFF(feed_cache_ttl), 1, 3600, "10",
	NULL},
};
#define CONFIG_NDIRECTIVES CCWATCH_NELEM(config_directives)

/* The state of one file being read. */
struct config_parse {
	struct config *cfg;
	const char *file;
	FILE *f;
	char *line; /* getline's buffer */
	size_t linesize;
	int lineno;

	int in_value; /* libinih would continue a value */
	int cont;     /* this line continues a value */
	int skip;     /* this line was rejected already */

	const struct config_section *sect; /* NULL: none or rejected */
	int sect_bad;  /* the header was rejected: stay quiet */
	int sect_line; /* line of the current header */
	void *base;
	int cur;                      /* directive being continued, or -1 */
	int seen[CONFIG_NDIRECTIVES]; /* line first set, or 0 */

	struct buf errors;
	int nerrors;
};

/* Record one "file:line: message" error. */
static void CCWATCH_PRINTF(3, 4)
    config_error(struct config_parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (p->nerrors > 0)
		buf_addch(&p->errors, '\n');
	if (line > 0)
		buf_printf(&p->errors, "%s:%d: %s", p->file, line, msg);
	else
		buf_printf(&p->errors, "%s: %s", p->file, msg);
	p->nerrors++;
	free(msg);
}

/* Copy s into dst, escaped and cut, for quoting it in a message. */
static const char *
config_quote(char dst[CONFIG_QUOTE_LEN], const char *s)
{
	return log_escape(dst, CONFIG_QUOTE_LEN, s);
}

/* Return 1 for the INI's blanks (libinih uses isspace). */
static int
config_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* Skip leading blanks. */
static const char *
config_skip_space(const char *s)
{
	while (config_isspace(*s))
		s++;
	return s;
}

/* Add s to a list (a private strlist_add, which model.c owns). */
static void
config_list_add(struct strlist *l, const char *s, size_t len)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrndup(s, len);
}

/* Return 1 if the list holds the len bytes at s. */
static int
config_list_has(const struct strlist *l, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
			return 1;
	}
	return 0;
}

/* Take one list item from *sp: "quoted" or bare up to the next comma. */
static int
config_list_item(const char **sp, const char **item, size_t *len, char **cause)
{
	const char *s = *sp, *end;

	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (end == NULL) {
			xasprintf(cause, "unterminated quote");
			return -1;
		}
		*item = s + 1;
		*len = end - (s + 1);
		*sp = end + 1;
	} else {
		end = s + strcspn(s, ",\"");
		if (*end == '"') {
			xasprintf(cause, "quote inside an unquoted item");
			return -1;
		}
		*item = s;
		*sp = end;
		while (end > s && config_isspace(end[-1]))
			end--;
		*len = end - s;
	}
	if (*len == 0) {
		xasprintf(cause, "empty item");
		return -1;
	}
	return 0;
}

/*
 * Append the items of one line of a list: "a", "b" or a, b.  A trailing
 * comma is allowed, so that an item per continuation line reads naturally.
 */
static int
config_parse_list(struct strlist *l, const char *s, char **cause)
{
	const char *item;
	char q[CONFIG_QUOTE_LEN];
	size_t len;
	char *tmp;

	s = config_skip_space(s);
	while (*s != '\0') {
		if (config_list_item(&s, &item, &len, cause) == -1)
			return -1;
		if (config_list_has(l, item, len)) {
			tmp = xstrndup(item, len);
			xasprintf(cause, "duplicate item \"%s\"",
			    config_quote(q, tmp));
			free(tmp);
			return -1;
		}
		config_list_add(l, item, len);
		s = config_skip_space(s);
		if (*s == ',')
			s = config_skip_space(s + 1);
		else if (*s != '\0') {
			xasprintf(cause, "expected ',' after \"%s\"",
			    config_quote(q, l->v[l->n - 1]));
			return -1;
		}
	}
	return 0;
}

/* Parse an ISO 8601 UTC time or date into a time_t field. */
static int
config_parse_time(void *field, const char *value, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	time_t t;

	if (timeutil_parse_iso(value, &t) == -1) {
		xasprintf(cause,
		    "\"%s\" is not a time (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ)",
		    config_quote(q, value));
		return -1;
	}
	*(time_t *)field = t;
	return 0;
}

/* Parse a side name into an enum side field. */
static int
config_parse_side(void *field, const char *value, char **cause)
{
	static const enum side sides[] = {
	    SIDE_CA, SIDE_PROGRAM, SIDE_COMMUNITY, SIDE_BOT};
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(sides); i++) {
		if (strcmp(value, people_side_name(sides[i])) == 0) {
			*(enum side *)field = sides[i];
			return 0;
		}
	}
	xasprintf(cause, "\"%s\" is not ca, program, community or bot",
	    config_quote(q, value));
	return -1;
}

/* Parse "auto" or a policy version name into an int field. */
static int
config_parse_pin(void *field, const char *value, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	enum policy_version v;

	if (strcmp(value, "auto") == 0) {
		*(int *)field = POLICY_VERSION_AUTO;
		return 0;
	}
	if (policy_version_from_name(value, &v) == -1) {
		xasprintf(cause,
		    "\"%s\" is not auto, wiki-2017, ccadb-1.0, 2.0, 3.0, 3.1 "
		    "or 3.2",
		    config_quote(q, value));
		return -1;
	}
	*(int *)field = (int)v;
	return 0;
}

/*
 * Parse value into the field of directive d; first is 0 on continuation
 * lines.  The cause does not name the directive: config_set adds it.
 */
static int
config_parse_value(const struct config_directive *d, void *field,
    const char *value, int first, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	const char *errstr;
	long long n;

	if (d->type != CONFIG_LIST && *value == '\0') {
		xasprintf(cause, "missing value");
		return -1;
	}
	switch (d->type) {
	case CONFIG_STRING:
	case CONFIG_PATH:
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONFIG_INT:
		if (timeutil_strtonum(value, d->min, d->max, &n, &errstr) ==
		    0) {
			*(long long *)field = n;
			return 0;
		}
		if (strcmp(errstr, "invalid") == 0)
			xasprintf(cause, "\"%s\" is not a number",
			    config_quote(q, value));
		else
			xasprintf(cause, "%s is out of range (%lld..%lld)",
			    config_quote(q, value), d->min, d->max);
		return -1;
	case CONFIG_BOOL:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			xasprintf(cause, "\"%s\" is neither yes nor no",
			    config_quote(q, value));
			return -1;
		}
		*(int *)field = value[0] == 'y';
		return 0;
	case CONFIG_LIST:
		if (first)
			strlist_free(field);
		return config_parse_list(field, value, cause);
	case CONFIG_ID:
		if (timeutil_strtonum(value, d->min, d->max, &n, &errstr) ==
		    -1) {
			xasprintf(cause, "\"%s\" is not a bug number",
			    config_quote(q, value));
			return -1;
		}
		*(int64_t *)field = n;
		return 0;
	case CONFIG_TIME:
		return config_parse_time(field, value, cause);
	case CONFIG_SIDE:
		return config_parse_side(field, value, cause);
	case CONFIG_PIN:
		return config_parse_pin(field, value, cause);
	case CONFIG_DURATION:
		if (alerts_parse_duration(value, &n, cause) == -1)
			return -1;
		if (n < d->min || n > d->max) {
			free(*cause);
			xasprintf(cause, "%s is out of range (%llds..%llds)",
			    config_quote(q, value), d->min, d->max);
			return -1;
		}
		*(long long *)field = n;
		return 0;
	}
	fatalx("config: %s: bad type %d", d->name, (int)d->type);
}

/* Parse a value and run the directive's check; errors name the directive. */
static int
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

/* Return 1 if host names this machine: localhost, 127/8 or [::1]. */
static int
config_is_loopback(const char *host)
{
	struct in_addr a4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
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
		(strcmp(scheme, "http") != 0 || !config_is_loopback(host)))) {
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
	return httpd_parse_listen(*v, &sa, &salen, &loopback, cause);
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

/* [ca "NAME"]: a new configured CA, named once. */
static void *
config_base_ca(struct config *cfg, const char *name, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < cfg->people.ncas; i++) {
		if (strcasecmp(cfg->people.cas[i].name, name) == 0) {
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
	return alerts_config_add_route(&cfg->alerts, name);
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
	return alerts_config_add_channel(&cfg->alerts, name);
}

/* Parse the escalation ladder into the alerts configuration. */
static int
config_check_ladder(struct config *cfg, void *field, char **cause)
{
	return alerts_parse_ladder(
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
		if (!alerts_valid_kind(l->v[i])) {
			xasprintf(cause,
			    "\"%s\" is not initial-report, full-report, "
			    "response, update or revocation-update",
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
	struct alerts_route *r = (struct alerts_route *)((char *)field -
	    offsetof(struct alerts_route, quiet_hours));

	return alerts_parse_window(
	    *(char **)field, &r->quiet_start, &r->quiet_end, cause);
}

/* Parse digest_at into the route's minutes. */
static int
config_check_digest_at(struct config *cfg, void *field, char **cause)
{
	struct alerts_route *r = (struct alerts_route *)((char *)field -
	    offsetof(struct alerts_route, digest_at));

	return alerts_parse_clock_time(*(char **)field, &r->digest_min, cause);
}

/* Check a route's time zone. */
static int
config_check_timezone(struct config *cfg, void *field, char **cause)
{
	return alerts_check_timezone(*(char **)field, cause);
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
	struct alerts_channel *ch;
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
static const struct config_section *
config_find_section(const char *name)
{
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(config_sections); i++) {
		if (strcmp(config_sections[i].name, name) == 0)
			return &config_sections[i];
	}
	return NULL;
}

/* Find the row of name in section, or -1. */
static int
config_find_directive(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < CONFIG_NDIRECTIVES; i++) {
		if (strcmp(config_directives[i].section, section) == 0 &&
		    strcmp(config_directives[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Split a header's inside, "name" or "name \"SUBNAME\"", into its parts
 * (allocated).  Returns 0, or -1 with *cause.
 */
static int
config_parse_header(const char *s, char **name, char **subname, char **cause)
{
	const char *start, *end;

	*name = *subname = NULL;
	s = config_skip_space(s);
	start = s;
	while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
	    *s == '_' || *s == '-')
		s++;
	if (s == start || (*s != '\0' && !config_isspace(*s) && *s != '"')) {
		xasprintf(cause, "bad section name");
		return -1;
	}
	*name = xstrndup(start, s - start);
	s = config_skip_space(s);
	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (end == NULL || end == s + 1) {
			xasprintf(cause, "bad subsection name in [%s]", *name);
			goto fail;
		}
		*subname = xstrndup(s + 1, end - (s + 1));
		s = config_skip_space(end + 1);
	}
	if (*s != '\0') {
		xasprintf(
		    cause, "unexpected text in section header [%s]", *name);
		goto fail;
	}
	return 0;
fail:
	free(*name);
	free(*subname);
	*name = *subname = NULL;
	return -1;
}

/* Forget which directives of section were seen: a subsection starts. */
static void
config_forget_section(struct config_parse *p, const char *section)
{
	size_t i;

	for (i = 0; i < CONFIG_NDIRECTIVES; i++)
		if (strcmp(config_directives[i].section, section) == 0)
			p->seen[i] = 0;
}

/* Check what a finished [channel "NAME"] section must hold. */
static void
config_end_channel(struct config_parse *p)
{
	const struct alerts_channel *ch = p->base;
	const char *need = NULL;

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

/* Check what a finished [override "LOGIN"] section must hold. */
static void
config_end_section(struct config_parse *p)
{
	const struct people_override *o = p->base;

	if (p->sect != NULL && strcmp(p->sect->name, "channel") == 0)
		config_end_channel(p);
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

/* Start the section of a "[...]" line (s at its '['). */
static int
config_begin_section(struct config_parse *p, const char *s)
{
	const char *end;
	char *inside = NULL, *name = NULL, *subname = NULL;
	char *cause = NULL;
	int rc = -1;

	config_end_section(p);
	p->sect = NULL;
	p->sect_bad = 1;
	p->sect_line = p->lineno;
	end = strchr(s, ']');
	if (end == NULL) {
		config_error(p, p->lineno, "missing ']' in section header");
		return -1;
	}
	inside = xstrndup(s + 1, end - (s + 1));
	end = config_skip_space(end + 1);
	if (*end != '\0' && *end != ';' && *end != '#')
		xasprintf(&cause, "unexpected text after ']'");
	else
		config_parse_header(inside, &name, &subname, &cause);
	if (cause != NULL)
		goto out;
	p->sect = config_find_section(name);
	if (p->sect == NULL)
		xasprintf(&cause, "unknown section [%s]", name);
	else if (p->sect->subname && subname == NULL)
		xasprintf(
		    &cause, "[%s] needs a name: [%s \"NAME\"]", name, name);
	else if (!p->sect->subname && subname != NULL)
		xasprintf(&cause, "[%s] takes no name", name);
	else if (p->sect->base != NULL) {
		p->base = p->sect->base(p->cfg, subname, &cause);
		config_forget_section(p, p->sect->name);
	} else
		p->base = p->cfg;
	if (cause != NULL) {
		p->sect = NULL;
		goto out;
	}
	p->sect_bad = 0;
	rc = 0;
out:
	if (cause != NULL) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
	}
	free(inside);
	free(name);
	free(subname);
	return rc;
}

/*
 * Look at one line the way libinih will and decide what to give it.
 * Returns 0 to pass the line on, -1 to give libinih the placeholder.
 */
static int
config_scan_line(struct config_parse *p, const char *line, size_t len)
{
	const char *s = line, *eq;
	int indented;

	if (len > CONFIG_MAX_LINE) {
		config_error(p, p->lineno,
		    "line too long (%zu bytes, at most %d); split long lists "
		    "with continuation lines",
		    len, CONFIG_MAX_LINE);
		return -1;
	}
	if (strlen(line) != len) {
		config_error(p, p->lineno, "NUL byte in line");
		return -1;
	}
	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	indented = config_isspace(*s);
	s = config_skip_space(s);
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (indented && p->in_value) {
		p->cont = 1;
		return 0;
	}
	if (*s == '[') {
		p->in_value = 0;
		p->cur = -1;
		return config_begin_section(p, s) == 0 ? 0 : -1;
	}
	eq = s + strcspn(s, "=:");
	if (*eq == '\0') {
		config_error(p, p->lineno, "expected name = value");
		return -1;
	}
	if (eq == s) {
		config_error(p, p->lineno, "missing name before '%c'", *eq);
		return -1;
	}
	p->in_value = 1;
	return 0;
}

/*
 * libinih's reader: the next line of the file, counted and checked.  A
 * rejected line becomes a placeholder directive that the handler ignores,
 * together with its continuation lines.
 */
static char *
config_read_line(char *str, int num, void *arg)
{
	struct config_parse *p = arg;
	ssize_t n;
	size_t len;
	int rc;

	n = getline(&p->line, &p->linesize, p->f);
	if (n == -1) {
		if (ferror(p->f))
			config_error(p, 0, "read: %s", strerror(errno));
		return NULL;
	}
	p->lineno++;
	p->cont = p->skip = 0;
	len = n;
	if (len > 0 && p->line[len - 1] == '\n')
		len--;
	if (len > 0 && p->line[len - 1] == '\r')
		len--;
	p->line[len] = '\0';
	rc = config_scan_line(p, p->line, len);
	if (rc == 0 && len + 2 > (size_t)num) {
		config_error(p, p->lineno, "line longer than libinih's buffer");
		rc = -1;
	}
	if (rc == -1) {
		p->skip = 1;
		p->in_value = 1;
		p->cur = -1;
		memcpy(str, CONFIG_PLACEHOLDER, sizeof CONFIG_PLACEHOLDER);
		return str;
	}
	memcpy(str, p->line, len);
	memcpy(str + len, "\n", 2);
	return str;
}

/* Apply a new "name = value" line. */
static void
config_handle_directive(
    struct config_parse *p, const char *name, const char *value)
{
	char q[CONFIG_QUOTE_LEN], *cause = NULL;
	int i;

	p->cur = -1;
	if (p->sect == NULL) {
		if (!p->sect_bad)
			config_error(p, p->lineno,
			    "directive \"%s\" outside any section",
			    config_quote(q, name));
		return;
	}
	i = config_find_directive(p->sect->name, name);
	if (i == -1) {
		config_error(p, p->lineno, "unknown directive \"%s\" in [%s]",
		    config_quote(q, name), p->sect->name);
		return;
	}
	if (p->seen[i] != 0) {
		config_error(p, p->lineno,
		    "duplicate directive %s (first set at line %d)", name,
		    p->seen[i]);
		return;
	}
	p->seen[i] = p->lineno;
	if (config_set(p->cfg, &config_directives[i], p->base, value, 1,
		&cause) == -1) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
		return;
	}
	p->cur = i;
}

/* Apply a continuation line to the directive it continues. */
static void
config_handle_continuation(struct config_parse *p, const char *value)
{
	const struct config_directive *d;
	char *cause = NULL;

	if (p->cur == -1)
		return; /* its directive was rejected */
	d = &config_directives[p->cur];
	if (d->type != CONFIG_LIST) {
		config_error(p, p->lineno,
		    "%s: only lists continue on the next line", d->name);
		p->cur = -1;
		return;
	}
	if (config_set(p->cfg, d, p->base, value, 0, &cause) == -1) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
		p->cur = -1;
	}
}

/* libinih's handler; errors are collected, so it always goes on. */
static int
config_handle(
    void *arg, const char *section, const char *name, const char *value)
{
	struct config_parse *p = arg;

	if (p->skip)
		return 1;
	if (p->cont)
		config_handle_continuation(p, value);
	else
		config_handle_directive(p, name, value);
	return 1;
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

	for (i = 0; i < CONFIG_NDIRECTIVES; i++) {
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
	size_t i;
	int line = 0;

	if (strncmp(host, "https://", 8) == 0)
		host += 8;
	if (strncasecmp(host, CONFIG_BMO_HOST, strlen(CONFIG_BMO_HOST)) != 0 ||
	    (host[strlen(CONFIG_BMO_HOST)] != '\0' &&
		host[strlen(CONFIG_BMO_HOST)] != '/' &&
		host[strlen(CONFIG_BMO_HOST)] != ':'))
		return;
	if (p->cfg->poll_interval >= CONFIG_BMO_MIN_INTERVAL)
		return;
	for (i = 0; i < CONFIG_NDIRECTIVES; i++)
		if (config_directives[i].offset == CONFIG_OFF(poll_interval) &&
		    strcmp(config_directives[i].section, "daemon") == 0)
			line = p->seen[i];
	config_error(p, line, "poll_interval: at least %d seconds against %s",
	    CONFIG_BMO_MIN_INTERVAL, CONFIG_BMO_HOST);
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
static void
config_finish(struct config *cfg)
{
	config_list_merge(
	    &cfg->people.program_domains, &cfg->extra_program_domains);
	config_list_merge(&cfg->people.bot_accounts, &cfg->extra_bot_accounts);
	config_list_merge(
	    &cfg->people.public_domains, &cfg->extra_public_domains);
	cfg->policy.warn_window = (long)cfg->warn_window_hours * 3600;
	cfg->policy.zone = cfg->date_zone_loaded;
	cfg->policy.base_url =
	    cfg->policy_base_url != NULL ? cfg->policy_base_url : cfg->url;
	if (cfg->stale_after == 0) {
		cfg->stale_after = 3 * cfg->poll_interval;
		if (cfg->stale_after < 2LL * 3600)
			cfg->stale_after = 2LL * 3600;
	}
}

/* The defaults before config_finish: POLICY.md's people, the table's. */
static struct config *
config_new(void)
{
	const struct config_directive *d;
	struct config *cfg;
	char *cause;
	size_t i;

	cfg = xcalloc(1, sizeof *cfg);
	people_defaults(&cfg->people);
	policy_options_defaults(&cfg->policy);
	alerts_config_init(&cfg->alerts);
	for (i = 0; i < CONFIG_NDIRECTIVES; i++) {
		d = &config_directives[i];
		if (d->dflt == NULL)
			continue;
		if (config_set(cfg, d, cfg, d->dflt, 1, &cause) == -1)
			fatalx("config: default of %s: %s", d->name, cause);
	}
	return cfg;
}

/* Return the built-in defaults. */
struct config *
config_default(void)
{
	struct config *cfg;

	cfg = config_new();
	config_finish(cfg);
	return cfg;
}

/* Read and validate a configuration file. */
struct config *
config_load(const char *path, char **cause)
{
	return config_load_flags(path, 0, cause);
}

/* Read and validate path, with the CONFIG_* flags. */
struct config *
config_load_flags(const char *path, int flags, char **cause)
{
	struct config_parse p;
	struct config *cfg = NULL;
	char *why = NULL;
	int rc;

	memset(&p, 0, sizeof p);
	p.file = path;
	p.cur = -1;
	buf_init(&p.errors, CONFIG_MAX_ERRORS);
	p.f = fopen(path, "r");
	if (p.f == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	p.cfg = config_new();
	p.cfg->path = xstrdup(path);
	p.cfg->skip_secrets = (flags & CONFIG_NO_SECRETS) != 0;
	rc = ini_parse_stream(config_read_line, &p, config_handle, &p);
	if (rc > 0)
		config_error(&p, rc, "syntax error");
	else if (rc < 0)
		config_error(&p, 0, "cannot parse (error %d)", rc);
	config_end_section(&p);
	config_finish(p.cfg);
	config_check_lists(&p);
	config_check_interval(&p);
	if (alerts_config_check(&p.cfg->alerts, &why) == -1) {
		config_error(&p, 0, "%s", why);
		free(why);
	}
	if (p.nerrors > 0) {
		*cause = buf_detach(&p.errors);
		config_free(p.cfg);
		goto out;
	}
	cfg = p.cfg;
out:
	if (p.f != NULL)
		(void)fclose(p.f);
	free(p.line);
	buf_free(&p.errors);
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
	for (i = 0; i < CONFIG_NDIRECTIVES; i++) {
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
	alerts_config_free(&cfg->alerts);
	zone_free(cfg->date_zone_loaded);
	xfree_secret(cfg->api_key);
	xfree_secret(cfg->feed_token);
	free(cfg->path);
	free(cfg);
}

/* Return 1 if path lies inside directory dir, both resolved. */
static int
config_path_under(const char *path, const char *dir)
{
	char *rpath, *rdir;
	size_t len;
	int under = 0;

	rpath = realpath(path, NULL);
	rdir = realpath(dir, NULL);
	if (rpath != NULL && rdir != NULL) {
		len = strlen(rdir);
		under = strncmp(rpath, rdir, len) == 0 && rpath[len] == '/';
	}
	free(rpath);
	free(rdir);
	return under;
}

/* Read at most size bytes of fd into data; returns the length or -1. */
static ssize_t
config_read_all(int fd, char *data, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = read(fd, data + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/*
 * Check the content of a secret file (len bytes at data, trailing newlines
 * already dropped); the message never quotes it.
 */
static int
config_check_secret_text(
    const char *file, const char *data, size_t len, char **cause)
{
	size_t i;

	if (len == 0) {
		xasprintf(cause, "%s: secret file is empty", file);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)data[i] < 0x20 || data[i] == 0x7f) {
			xasprintf(cause, "%s: secret holds a control character",
			    file);
			return -1;
		}
	}
	return 0;
}

/* Read a secret from a file, refusing one that others may read. */
int
config_read_secret(const char *path, char **out, char **cause)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char data[CONFIG_MAX_SECRET + 1], *file = NULL;
	struct stat st;
	ssize_t n;
	size_t len;
	int fd = -1, trusted, rc = -1;

	*out = NULL;
	if (dir != NULL && *dir == '\0')
		dir = NULL;
	if (*path == '\0') {
		xasprintf(cause, "empty secret file name");
		return -1;
	}
	if (*path != '/' && dir == NULL) {
		xasprintf(cause,
		    "%s: a relative name needs $CREDENTIALS_DIRECTORY", path);
		return -1;
	}
	if (*path != '/')
		xasprintf(&file, "%s/%s", dir, path);
	else
		file = xstrdup(path);
	trusted = dir != NULL && config_path_under(file, dir);

	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 || fstat(fd, &st) == -1) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", file);
		goto out;
	}
	if (!trusted && (st.st_mode & 077) != 0) {
		xasprintf(cause,
		    "%s: secret file is group/world readable (mode %04o); "
		    "chmod 600 it",
		    file, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	n = config_read_all(fd, data, sizeof data);
	if (n == -1) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		goto out;
	}
	len = n;
	if (len > CONFIG_MAX_SECRET) {
		xasprintf(cause, "%s: secret file larger than %d bytes", file,
		    CONFIG_MAX_SECRET);
		goto out;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (config_check_secret_text(file, data, len, cause) == -1)
		goto out;
	*out = xstrndup(data, len);
	rc = 0;
out:
	explicit_bzero(data, sizeof data);
	if (fd != -1)
		close(fd);
	free(file);
	return rc;
}
